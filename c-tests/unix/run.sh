#!/bin/sh
# Runs the ORIGINAL library over the corpus mailboxes (../shared/corpus:
# Berkeley and MMDF files,
# read-only; each file is copied to a scratch directory first): opens each
# read-write with the unix driver, reports what it sees, closes it (which
# rewrites it), and then checks our parser and rewrite against that with
# the ignored Rust test corpus_mailboxes_match_the_original.
#
#   c-tests/unix/run.sh [max-bytes]     (default: files up to 100 MB)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=""
for c in "$root/../shared/corpus" "$root/../../shared/corpus"; do [ -d "$c" ] && corpus=$(cd "$c" && pwd) && break; done
if [ -z "$corpus" ]; then echo "skipping: no ../shared/corpus"; echo "0 passed, 0 failed"; exit 0; fi
max=${1:-100000000}
work=$(mktemp -d)
chmod 755 "$work"
if [ "$(id -u)" = 0 ]; then runas="runuser -u cloudsdk --"; user_home=/home/cloudsdk; else runas=""; user_home=$HOME; fi
rel=.c-client-unix-corpus
scratch="$user_home/$rel"
cc -w -I/usr/include/c-client -o "$work/cases" "$here/cases.c" -lc-client || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$work/cases-dir"
chmod -R 755 "$work"
$runas sh -c "rm -rf '$scratch' && mkdir -p '$scratch'"
# Every corpus file that starts like a Berkeley ("From ") or an MMDF
# (four ^A) mailbox, whatever its name.
find "$corpus" -type f -size -"$max"c | sort > "$work/files"
n=0
while read -r f; do
  if [ "$(head -c 5 "$f")" = "From " ]; then format= ; prefix=corpus
  elif [ "$(head -c 5 "$f" | od -An -tx1 | tr -d ' \n')" = "010101010a" ]; then format=mmdf ; prefix=mmdf-corpus
  else continue
  fi
  n=$((n + 1))
  c=$(printf '%s%03d' "$prefix" "$n")
  cp "$f" "$work/cases-dir/$c.in"
  $runas sh -c "cat > '$scratch/$c.mbx' && touch -d @1000000000 '$scratch/$c.mbx'" < "$f"
  $runas sh -c "cd '$user_home' && HOME='$user_home' TZ=UTC '$work/cases' '$rel/$c.mbx' $format" > "$work/cases-dir/$c.txt" 2>&1
  $runas cat "$scratch/$c.mbx" > "$work/cases-dir/$c.out"
  echo "$c: ${f#$corpus/} ($(wc -c < "$f") bytes)"
done < "$work/files"
$runas rm -rf "$scratch"
if (cd "$root" && UNIX_CORPUS_CASES="$work/cases-dir" cargo test --release --lib store::unix::tests::corpus_mailboxes_match_the_original -- --ignored) > "$work/test.log" 2>&1; then
  echo "$n passed, 0 failed"; rm -rf "$work"
else
  grep -E "panicked|differs|left|right|---" -A3 "$work/test.log" | head -60
  echo "(kept $work)"
  echo "0 passed, 1 failed"; exit 1
fi
