#!/bin/sh
# Differential suite for the directory formats (mx; mh and news where
# present): one C program (mxmh.c) built once against the ORIGINAL headers,
# run with the original library and with ours (LD_LIBRARY_PATH), as the
# unprivileged user in scratch homes under /tmp/mxmh-*.
#   (a) the original writes, both libraries read: identical dumps
#   (b) ours writes, both read: identical dumps
#   (c) the files each library wrote from the same script are identical
#       (names, bytes, modification times, index with the UID validity masked)
#   (d) mailutil transfer / copy into the format with either library: same
#   (e) damaged index files: same or clearly-reported read, no crash, and
#       the message files untouched
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ours="$root/build/lib"
corpus=""
for c in "$root/../shared/corpus" "$root/../../shared/corpus" /work/shared/corpus; do [ -d "$c" ] && corpus=$(cd "$c" && pwd) && break; done
if [ ! -e "$ours/libc-client.so.2007e" ]; then echo "no $ours/libc-client.so.2007e (run make)"; echo "0 passed, 1 failed"; exit 1; fi
work=$(mktemp -d /tmp/mxmh-run.XXXXXX)
chmod 755 "$work"
if [ "$(id -u)" = 0 ]; then runas="runuser -u cloudsdk --"; owner=cloudsdk; else runas=""; owner=$(id -un); fi
cc -w -I/usr/include/c-client -o "$work/mxmh" "$here/mxmh.c" -lc-client || { echo "0 passed, 1 failed"; exit 1; }
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
# Messages: corpus ones when the corpus is there, else made up here.
mkdir -p "$work/msgs"
if [ -n "$corpus" ]; then
  find "$corpus" -type f -name "*.eml" -size -60k | sort | head -12 > "$work/list"
else
  echo "note: no corpus; using generated messages"
  : > "$work/list"
fi
i=0
while read -r f; do i=$((i + 1)); cp "$f" "$work/msgs/m$(printf %02d $i)"; done < "$work/list"
while [ $i -lt 8 ]; do
  i=$((i + 1))
  printf 'From: a%d@example.org\nTo: b@example.org\nSubject: generated %d\nDate: Mon, 1 Jan 2001 00:00:00 +0000\n\nbody %d\nline two\n' $i $i $i > "$work/msgs/m$(printf %02d $i)"
done
chmod -R a+rX "$work"
msgs=$(ls "$work/msgs" | sed "s|^|$work/msgs/|" | tr '\n' ' ')

# home NAME: a fresh scratch home owned by the test user
home() { rm -rf "$work/$1"; mkdir -p "$work/$1"; chown "$owner" "$work/$1"; echo "$work/$1"; }
# run LIB HOME ARGS...: the program with the original (LIB=orig) or ours
run() {
  _lib=$1; _h=$2; shift 2
  if [ "$_lib" = ours ]; then _lp="LD_LIBRARY_PATH=$ours"; else _lp=""; fi
  _kv=""; [ -n "${KEEPV:-}" ] && _kv="MXMH_KEEP_VALIDITY=1"
  $runas env -i PATH=/usr/bin:/bin HOME="$_h" TZ=UTC $_lp $_kv sh -c 'cd "$HOME" && exec "$@"' sh "$@" 2>&1
}
# twin SRC NAME: a copy of a scratch home, so two libraries read the same state
twin() { rm -rf "$work/$2"; cp -a "$1" "$work/$2"; echo "$work/$2"; }
# same LABEL FILE1 FILE2
same() {
  if cmp -s "$2" "$3"; then ok "$1"; else bad "$1"; diff "$2" "$3" | head -20; fi
}
# tree DIR: names, sizes, mtimes, bytes of each file, index with V masked
tree() {
  (cd "$1" && for f in $(ls -A | sort); do
     if [ -d "$f" ]; then echo "dir $f"; tree "$1/$f" | sed "s|^|$f/|"; continue; fi
     case "$f" in
       .mxindex) echo "$f $(sed 's/^V[0-9a-f]\{8\}/Vxxxxxxxx/' "$f")" ;;
       *) echo "$f $(stat -c '%s %Y %a' "$f") $(md5sum < "$f" | cut -c1-32)" ;;
     esac
   done)
}

for fmt in mx; do
  # (a) and (b): one library writes, both read
  for writer in orig ours; do
    h=$(home "$fmt-$writer")
    run $writer "$h" "$work/mxmh" write $fmt box $msgs > "$work/$fmt-$writer.write"
    run $writer "$h" "$work/mxmh" flags box > "$work/$fmt-$writer.flags"
    h1=$(twin "$h" "$fmt-$writer-r1"); h2=$(twin "$h" "$fmt-$writer-r2")
    KEEPV=1 run orig "$h1" "$work/mxmh" dump box > "$work/$fmt-$writer.dump-orig"
    KEEPV=1 run ours "$h2" "$work/mxmh" dump box > "$work/$fmt-$writer.dump-ours"
    same "$fmt: $writer writes, both read the same" "$work/$fmt-$writer.dump-orig" "$work/$fmt-$writer.dump-ours"
    # a second reading by the other library sees what the first left
    KEEPV=1 run ours "$h1" "$work/mxmh" dump box > "$work/$fmt-$writer.dump-ours2"
    KEEPV=1 run orig "$h2" "$work/mxmh" dump box > "$work/$fmt-$writer.dump-orig2"
    same "$fmt: $writer writes, second reads agree" "$work/$fmt-$writer.dump-orig2" "$work/$fmt-$writer.dump-ours2"
  done
  same "$fmt: write script reports the same" "$work/$fmt-orig.write" "$work/$fmt-ours.write"
  same "$fmt: flag script reports the same" "$work/$fmt-orig.flags" "$work/$fmt-ours.flags"
  # (c) files on disk
  tree "$work/$fmt-orig/box" > "$work/$fmt-orig.tree"
  tree "$work/$fmt-ours/box" > "$work/$fmt-ours.tree"
  same "$fmt: files on disk are the same" "$work/$fmt-orig.tree" "$work/$fmt-ours.tree"

  # status, copy, create/rename/delete
  for lib in orig ours; do
    h=$(home "$fmt-ops-$lib")
    {
      run $lib "$h" "$work/mxmh" write $fmt src $msgs >/dev/null
      run $lib "$h" "$work/mxmh" write $fmt dst $(echo $msgs | cut -d' ' -f1-2) >/dev/null
      run $lib "$h" "$work/mxmh" status src
      run $lib "$h" "$work/mxmh" copy src dst 1:3
      run $lib "$h" "$work/mxmh" copy src nosuch 1
      printf 'From x Mon Jan  1 00:00:00 2001\nSubject: x\n\nx\n' > "$h/plain"; chown "$owner" "$h/plain"; touch -d @1000000000 "$h/plain"
      run $lib "$h" "$work/mxmh" copy src plain 1
      run $lib "$h" "$work/mxmh" status dst
      run $lib "$h" "$work/mxmh" ops $fmt newbox
      run $lib "$h" "$work/mxmh" append dst $(echo $msgs | cut -d' ' -f3-4)
      run $lib "$h" "$work/mxmh" append nosuch $(echo $msgs | cut -d' ' -f3)
    } > "$work/$fmt-ops-$lib.out"
    run $lib "$h" "$work/mxmh" dump dst >> "$work/$fmt-ops-$lib.out"
    tree "$h" > "$work/$fmt-ops-$lib.tree"
  done
  same "$fmt: status, copy, create, rename, delete, append report the same" "$work/$fmt-ops-orig.out" "$work/$fmt-ops-ours.out"
  same "$fmt: and leave the same files" "$work/$fmt-ops-orig.tree" "$work/$fmt-ops-ours.tree"

  # (d) mailutil transfer / copy from Berkeley files into the format
  mbx=$(find "$corpus" -type f -name "*.mail" -size -100k 2>/dev/null | sort | head -3)
  for lib in orig ours; do
    h=$(home "$fmt-mu-$lib")
    mkdir -p "$h/src"
    n=0
    for f in $mbx; do n=$((n + 1)); cp "$f" "$h/src/box$n"; touch -d @1000000000 "$h/src/box$n"; done
    [ $n -gt 0 ] || printf 'From a@b Mon Jan  1 00:00:00 2001\nSubject: one\n\nbody\n' > "$h/src/box1"
    chown -R "$owner" "$h"
    if [ $lib = ours ]; then lp="LD_LIBRARY_PATH=$ours"; else lp=""; fi
    {
      $runas env -i PATH=/usr/bin:/bin HOME="$h" TZ=UTC $lp sh -c 'cd "$HOME" && mailutil transfer src "#driver.'$fmt'/dst/"' 2>&1
      $runas env -i PATH=/usr/bin:/bin HOME="$h" TZ=UTC $lp sh -c 'cd "$HOME" && mailutil copy src/box1 "#driver.'$fmt'/single"' 2>&1
      $runas env -i PATH=/usr/bin:/bin HOME="$h" TZ=UTC $lp sh -c 'cd "$HOME" && mailutil check single' 2>&1
    } > "$work/$fmt-mu-$lib.out"
    for b in $(cd "$h/dst/src" 2>/dev/null && ls); do run orig "$h" "$work/mxmh" dump "dst/src/$b"; done >> "$work/$fmt-mu-$lib.out"
    rm -rf "$h/src"
    tree "$h" > "$work/$fmt-mu-$lib.tree"
  done
  same "$fmt: mailutil transfer and copy report the same" "$work/$fmt-mu-orig.out" "$work/$fmt-mu-ours.out"
  same "$fmt: mailutil transfer and copy write the same files" "$work/$fmt-mu-orig.tree" "$work/$fmt-mu-ours.tree"
done

# (e) damaged .mxindex files
# One mailbox written by the original, copied for every case and both
# libraries: both then read the very same files (the original's own mx
# writer depends on timing and has given differing files under load).
mxtemplate=$(home "mx-template")
run orig "$mxtemplate" "$work/mxmh" write mx box $(echo $msgs | cut -d' ' -f1-4) > /dev/null
n=0
for damage in 'V5f000000L00000003M00000001;00000000.0001Mzz' 'V5f000000L00000001Kabc' 'garbage' 'V5f000000L000000' 'M00000002;00000001.0004M00000001;0.1' ''; do
  n=$((n + 1))
  for lib in orig ours; do
    h=$(home "mx-bad$n-$lib")
    cp -a "$mxtemplate/box" "$h/box"
    $runas sh -c "printf '%s' '$damage' > '$h/box/.mxindex'"
    (cd "$h/box" && for f in $(ls | sort); do echo "$f $(md5sum < $f)"; done) > "$work/mx-bad$n-$lib.before"
    KEEPV=1 run $lib "$h" "$work/mxmh" dump box > "$work/mx-bad$n-$lib.out"; rc=$?
    (cd "$h/box" && for f in $(ls | sort); do echo "$f $(md5sum < $f)"; done) > "$work/mx-bad$n-$lib.after"
    echo "rc=$rc" >> "$work/mx-bad$n-$lib.out"
    # a validity from a damaged index is the time of opening: not compared
    sed -i 's/^validity .*/validity (time)/' "$work/mx-bad$n-$lib.out"
  done
  if ! grep -q "rc=0" "$work/mx-bad$n-ours.out"; then bad "mx: damaged index $n: ours crashed"; cat "$work/mx-bad$n-ours.out" | tail -5
  elif ! cmp -s "$work/mx-bad$n-ours.before" "$work/mx-bad$n-ours.after"; then bad "mx: damaged index $n: message files changed"
  elif cmp -s "$work/mx-bad$n-orig.out" "$work/mx-bad$n-ours.out"; then ok "mx: damaged index $n: read as the original"
  elif [ "$(diff "$work/mx-bad$n-orig.out" "$work/mx-bad$n-ours.out" | grep '^[<>]' | sed 's/uidlast=[0-9]*//' | cut -c3- | sort -u | wc -l)" = 1 ]; then
    ok "mx: damaged index $n: read as the original, with the last UID raised to the highest message file"
  elif grep -q "Error in index" "$work/mx-bad$n-ours.out"; then ok "mx: damaged index $n: reported and read (differs from the original: repaired)"
  else bad "mx: damaged index $n"; diff "$work/mx-bad$n-orig.out" "$work/mx-bad$n-ours.out" | head -10
  fi
done

if [ $fail = 0 ]; then rm -rf "$work"; else echo "(kept $work)"; fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
