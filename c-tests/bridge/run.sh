#!/bin/sh
# Differential test of a Berkeley mailbox through the whole stack (generic
# layer, DRIVER slots, src/abi/bridge.rs, the core unix driver): the
# program is built once against the original's headers, run against the
# original library and against ours, and every section compared. Skips
# itself while this library lacks the core unix driver or the generic
# fetch layer (the probe says so). Runs as the unprivileged test user in a
# scratch directory of that user's home.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ours="$root/build/lib"
work=$(mktemp -d)
chmod 755 "$work"
pass=0; fail=0
rel=.c-client-bridge-test
if [ "$(id -u)" = 0 ]; then runas="runuser -u cloudsdk --"; user_home=/home/cloudsdk; else runas=""; user_home=$HOME; fi
run() { # libpath-or-empty output [probe]
  scratch="$user_home/$rel"
  $runas sh -c "rm -rf '$scratch' && mkdir -p '$scratch' && cd '$user_home' && HOME='$user_home' TZ=UTC LD_LIBRARY_PATH='$1' timeout 60 '$work/bridge' '$rel' ${3:-}" > "$2" 2>&1
  echo "exit $?" >> "$2"
  $runas rm -rf "$scratch"
}
[ -f "$ours/libc-client.so.2007e" ] || (cd "$root" && make lib >/dev/null) || { echo "0 passed, 1 failed"; exit 1; }
if ! cc -w -I/usr/include/c-client -I"$here/../stream" -o "$work/bridge" "$here/bridge.c" -lc-client; then
  echo "FAIL build"; echo "0 passed, 1 failed"; exit 1
fi
chmod -R a+rX "$work"
run "$ours" "$work/probe" probe
if ! grep -qx ready "$work/probe"; then
  rm -rf "$work"
  echo "SKIPPED: this build has no core unix driver or generic fetch layer yet"
  echo "0 passed, 0 failed"
  exit 0
fi
run "" "$work/orig"
run "$ours" "$work/ours"
for section in $(sed -n 's/^-- \(.*\)$/\1/p' "$work/orig" | tr ' ' '_'); do
  name=$(echo "$section" | tr '_' ' ')
  awk -v s="-- $name" '$0 == s {on=1; print; next} /^-- / {on=0} on' "$work/orig" > "$work/o.sec"
  awk -v s="-- $name" '$0 == s {on=1; print; next} /^-- / {on=0} on' "$work/ours" > "$work/u.sec"
  if diff -u "$work/o.sec" "$work/u.sec" > "$work/sec.diff"; then
    echo "ok   $name ($(wc -l < "$work/o.sec") lines identical)"; pass=$((pass+1))
  else
    echo "FAIL $name"; head -40 "$work/sec.diff"; fail=$((fail+1))
  fi
done
if [ "$(tail -1 "$work/orig")" = "$(tail -1 "$work/ours")" ]; then
  pass=$((pass+1)); echo "ok   exit status"
else
  fail=$((fail+1)); echo "FAIL exit status: $(tail -1 "$work/orig") vs $(tail -1 "$work/ours")"
fi
rm -rf "$work"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
