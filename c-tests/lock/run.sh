#!/bin/sh
# Locking: (a) one program calling the locking entry points runs against
# the original library and ours, outputs and leftover files compared byte
# for byte; (b) cross-library: a holder on one library keeps a dot-lock,
# an flock or a session lock, a prober on the other must respect it (all
# four library pairings); (c) the kiss of death between a process on each
# library, including the original's own unix driver taking over a mailbox
# whose session lock a process on our library holds, and the reverse.
# Runs as cloudsdk (the original refuses local mailboxes as root).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ours="$root/build/lib"
work=$(mktemp -d)
chmod 755 "$work"
pass=0; fail=0
if [ "$(id -u)" = 0 ]; then runas="runuser -u cloudsdk --"; user_home=/home/cloudsdk; else runas=""; user_home=$HOME; fi
rel=.c-client-lock-test
scratch="$user_home/$rel"

ok() { echo "ok   $1"; pass=$((pass+1)); }
bad() { echo "FAIL $1"; shift; for f in "$@"; do sed 's/^/    /' "$f"; done; fail=$((fail+1)); }
libpath() { [ "$1" = ours ] && echo "$ours" || echo ""; }

# run_in LIB CMD...: run as the user in the scratch directory
run_in() {
  libdir=$(libpath "$1"); shift
  $runas sh -c "cd '$scratch' && HOME='$user_home' LD_LIBRARY_PATH='$libdir' exec $*"
}
fresh() {
  $runas sh -c "rm -rf '$scratch' && mkdir -p '$scratch' && cd '$scratch' && printf 'From someone@example.com Sat Dec  5 10:00:00 2026\nFrom: a@example.com\nSubject: lock test\n\nhello\n\n' > box"
}
# start_holder LIB ROLE [MAILBOX]: background holder, waits until it has
# its lock. mail_open names are relative to HOME, the others to the cwd.
start_holder() {
  run_in "$1" "$work/lockpair" "$2" "${3:-box}" > "$work/holder.out" 2>&1 &
  hpid=$!
  i=0
  while [ $i -lt 100 ] && ! [ -f "$scratch/held" ]; do sleep 0.1; i=$((i+1)); done
}
release() {
  $runas touch "$scratch/release"
  wait $hpid; hstatus=$?
}
# expect NAME FILE PATTERN...: every pattern (grep -E) found in FILE
expect() {
  name=$1 file=$2; shift 2
  for pattern in "$@"; do
    grep -qE "$pattern" "$file" || { bad "$name (missing: $pattern)" "$file"; return; }
  done
  ok "$name"
}

[ -f "$ours/libc-client.so.2007e" ] || (cd "$root" && make lib >/dev/null) || { echo "0 passed, 1 failed"; exit 1; }
for p in lockdiff lockpair; do
  cc -w -I/usr/include/c-client -o "$work/$p" "$here/$p.c" -lc-client || { echo "FAIL $p (build)"; echo "$pass passed, $((fail+1)) failed"; exit 1; }
done
chmod -R a+rX "$work"

# (a) differential
for lib in orig ours; do
  fresh
  run_in $lib "$work/lockdiff" . > "$work/diff.$lib" 2>&1
  echo "exit $?" >> "$work/diff.$lib"
  (cd "$scratch" && find . | sort) >> "$work/diff.$lib"
done
if diff -u "$work/diff.orig" "$work/diff.ours" > "$work/diff.out"; then
  ok "lockdiff ($(wc -l < "$work/diff.orig") lines identical)"
else bad lockdiff "$work/diff.out"; fi

# (b) a lock held on one library, respected on the other
for pair in "orig ours" "ours orig" "ours ours" "orig orig"; do
  set -- $pair; h=$1 p=$2

  fresh; start_holder $h hold-session
  run_in $p "$work/lockpair" probe-session box > "$work/probe.out" 2>&1
  release
  run_in $p "$work/lockpair" probe-session box >> "$work/probe.out" 2>&1
  expect "session lock held on $h, probed on $p" "$work/probe.out" \
    '^busy, pid is the holder.s: 1$' '^free$'

  fresh; start_holder $h hold-dot
  run_in $p "$work/lockpair" probe-dot box > "$work/probe.out" 2>&1 &
  ppid=$!
  sleep 3; release; wait $ppid
  cat "$work/holder.out" >> "$work/probe.out"
  expect "dot-lock held on $h, waited for on $p" "$work/probe.out" \
    '^log\[1\] Mailbox box is locked, will override in 60 seconds\.\.\.$' \
    '^got 1 after waiting: 1$' '^unlock 1$'

  fresh; start_holder $h hold-flock
  run_in $p "$work/lockpair" probe-flock box > "$work/probe.out" 2>&1
  release
  run_in $p "$work/lockpair" probe-flock box >> "$work/probe.out" 2>&1
  expect "flock held on $h, probed on $p" "$work/probe.out" '^busy$' '^free$'

  # (c) kiss of death through the exported functions
  fresh; start_holder $h hold-session
  run_in $p "$work/lockpair" kiss box > "$work/probe.out" 2>&1
  wait $hpid
  cat "$work/holder.out" >> "$work/probe.out"
  expect "kiss of death from $p to $h" "$work/probe.out" \
    '^busy, pid is the holder.s: 1$' '^got the lock after the kiss$' '^kissed$'
done

# (c) the original's unix driver against a session lock held on ours
fresh; start_holder ours hold-session
run_in orig "$work/lockpair" open-unix $rel/box > "$work/probe.out" 2>&1
wait $hpid
cat "$work/holder.out" >> "$work/probe.out"
expect "original's unix driver kisses our holder, which surrenders" "$work/probe.out" \
  '^log\[1\] Trying to get mailbox lock from process [0-9]+$' \
  '^opened unix readonly 0$' '^kissed$'

fresh; start_holder ours hold-session-plain
run_in orig "$work/lockpair" open-unix $rel/box > "$work/probe.out" 2>&1
wait $hpid; echo "holder status $?" >> "$work/probe.out"
expect "original's unix driver kills our default-disposition holder" "$work/probe.out" \
  '^opened unix readonly 0$' '^holder status (140|12)$'

fresh; start_holder ours hold-session-deaf
run_in orig "$work/lockpair" open-unix $rel/box > "$work/probe.out" 2>&1
release
expect "original's unix driver opens read-only while ours keeps the lock" "$work/probe.out" \
  '^log\[1\] Mailbox is open by another process, access is readonly$' \
  '^opened unix readonly 1$'

# ... and ours against the original's unix driver holding a mailbox
fresh; start_holder orig hold-unix $rel/box
run_in ours "$work/lockpair" probe-session box > "$work/probe.out" 2>&1
run_in ours "$work/lockpair" kiss box >> "$work/probe.out" 2>&1
wait $hpid
cat "$work/holder.out" >> "$work/probe.out"
expect "ours kisses the original's unix driver, which surrenders" "$work/probe.out" \
  '^busy, pid is the holder.s: 1$' '^got the lock after the kiss$' '^kissed$'

$runas rm -rf "$scratch"
rm -rf "$work"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
