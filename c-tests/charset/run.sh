#!/bin/bash
# Differential suite of the charset interface (utf8.h / utf8aux.h): one C
# program (abi_diff.c) is built against the original's headers and run
# against the original library and against ours (build/lib); each output
# line is one test case and must be identical in both runs.
# Skips (exit 0) when the original is not installed. Last line:
# "N passed, N failed"; exit status non-zero on any failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OURS="$ROOT/build/lib"
CINC=${CINC:-/usr/include/c-client}
ROUNDS=${ROUNDS:-60}

have_orig=
for f in /usr/lib/libc-client.so.2007e /usr/lib/*/libc-client.so.2007e; do
  [ -e "$f" ] && have_orig=1
done
if [ ! -e "$CINC/c-client.h" ] || [ -z "$have_orig" ]; then
  echo "SKIP: the original c-client (headers in $CINC, libc-client.so.2007e) is not installed"
  echo "0 passed, 0 failed"
  exit 0
fi

make -C "$ROOT" lib >/dev/null 2>&1 || { echo "build of our library failed"; echo "0 passed, 1 failed"; exit 1; }
[ -e "$OURS/libc-client.so.2007e" ] || { echo "no $OURS/libc-client.so.2007e"; echo "0 passed, 1 failed"; exit 1; }

TMP=$(mktemp -d /tmp/charset-tests.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
chmod 755 "$TMP"

# The original refuses some things as root: run as an ordinary user.
if [ "$(id -u)" = 0 ] && id cloudsdk >/dev/null 2>&1; then
  AS=(runuser -u cloudsdk --)
else
  AS=()
fi

if ! gcc -w -O1 -g -I"$CINC" -o "$TMP/abi_diff" "$HERE/abi_diff.c" -lc-client 2>"$TMP/cc.log"; then
  cat "$TMP/cc.log"
  echo "0 passed, 1 failed"
  exit 1
fi
if ! env LD_LIBRARY_PATH="$OURS" ldd "$TMP/abi_diff" | grep -q "$OURS/libc-client"; then
  echo "abi_diff does not load $OURS/libc-client.so.2007e"
  echo "0 passed, 1 failed"
  exit 1
fi

"${AS[@]}" env -u LD_LIBRARY_PATH timeout 120 "$TMP/abi_diff" "$ROUNDS" >"$TMP/oracle" 2>"$TMP/oracle.err"
rc_o=$?
"${AS[@]}" env LD_LIBRARY_PATH="$OURS" timeout 120 "$TMP/abi_diff" "$ROUNDS" >"$TMP/ours" 2>"$TMP/ours.err"
rc_u=$?

if [ "$rc_o" -ne 0 ] || [ "$(tail -n 1 "$TMP/oracle")" != "end" ]; then
  echo "the original did not complete the run (status $rc_o); cannot compare"
  tail -n 3 "$TMP/oracle" "$TMP/oracle.err"
  echo "0 passed, 1 failed"
  exit 1
fi

# Line-by-line comparison; a line missing on our side counts as failed.
awk -v ours="$TMP/ours" '
  { o = $0; u = ""; if ((getline u < ours) <= 0) u = "(missing)"
    if (o == u) pass++; else { fail++; if (shown++ < 20) { print "FAIL oracle: " substr(o, 1, 300); print "     ours:   " substr(u, 1, 300) } } }
  END { printf "%d %d\n", pass, fail > "/dev/stderr" }' "$TMP/oracle" 2>"$TMP/counts"
read -r pass fail <"$TMP/counts"
no=$(wc -l <"$TMP/oracle"); nu=$(wc -l <"$TMP/ours")
if [ "$nu" -gt "$no" ]; then fail=$((fail + nu - no)); echo "FAIL ours printed $((nu - no)) extra lines"; fi
if [ "$rc_u" -ne 0 ]; then fail=$((fail + 1)); echo "FAIL ours exited with status $rc_u"; tail -n 3 "$TMP/ours.err"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
