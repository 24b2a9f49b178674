#!/bin/sh
# Regenerates the Berkeley mailbox files and reports in tests/data/unix/
# with the ORIGINAL library (run as cloudsdk when started as root, since
# the original refuses local mailboxes as root). The Rust tests in
# src/store/unix/tests.rs read them; nothing here runs our library.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/tests/data/unix"
work=$(mktemp -d)
chmod 755 "$work"
if [ "$(id -u)" = 0 ]; then runas="runuser -u cloudsdk --"; user_home=/home/cloudsdk; else runas=""; user_home=$HOME; fi
rel=.c-client-unix-oracle
cc -w -I/usr/include/c-client -o "$work/oracle" "$here/oracle.c" -lc-client || { echo "0 passed, 1 failed"; exit 1; }
scratch="$user_home/$rel"
$runas sh -c "rm -rf '$scratch' && mkdir -p '$scratch' && cd '$user_home' && HOME='$user_home' TZ=UTC '$work/oracle' '$rel'" > "$work/events.txt" 2>&1
mkdir -p "$out"
cp "$scratch"/out/* "$out"/
# The same stages in MMDF format.
$runas sh -c "rm -rf '$scratch' && mkdir -p '$scratch' && cd '$user_home' && HOME='$user_home' TZ=UTC '$work/oracle' '$rel' mmdf" > "$work/mevents.txt" 2>&1
cp "$scratch"/out/* "$out"/
cp "$work/mevents.txt" "$out"/mmdf-events.txt
# The hand-made cases: each opened read-write, reported, closed.
cc -w -I/usr/include/c-client -o "$work/cases" "$here/cases.c" -lc-client || { echo "0 passed, 1 failed"; exit 1; }
chmod 755 "$work" "$work/cases"
for f in "$out"/cases/*.in; do
  c=$(basename "$f" .in)
  # A fixed modification time: MMDF dates messages without "From " by it.
  $runas sh -c "cat > '$scratch/$c.mbx' && touch -d @1000000000 '$scratch/$c.mbx'" < "$f"
  case $c in mmdf-*) format=mmdf ;; *) format= ;; esac
  case $c in nolife-*) nolife="NOLIFE=1" ;; *) nolife= ;; esac
  $runas sh -c "cd '$user_home' && HOME='$user_home' TZ=UTC $nolife '$work/cases' '$rel/$c.mbx' $format" > "$out/cases/$c.txt" 2>&1
  $runas cat "$scratch/$c.mbx" > "$out/cases/$c.out"
done
cp "$work/events.txt" "$out"/events.txt
$runas rm -rf "$scratch"
rm -rf "$work"
echo "1 passed, 0 failed"
