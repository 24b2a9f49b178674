#!/bin/sh
# Compile the sample applications against our include/ with the warnings
# that reveal missing or mismatched declarations turned into errors, and
# against the original headers as a control.  Any diagnostic of those
# classes against our headers fails the test.
# Environment: OURS_INCLUDE, ORIG_INCLUDE, CC.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OURS=${OURS_INCLUDE:-$ROOT/include}
ORIG=${ORIG_INCLUDE:-/usr/include/c-client}
CC=${CC:-cc}
FLAGS="-Wall -Werror=implicit-function-declaration -Werror=incompatible-pointer-types -Werror=int-conversion"
CLASSES='implicit-function-declaration|incompatible-pointer-types|int-conversion|implicit-int'
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
PASS=0
FAIL=0

compile () { # side include-dir sample
  log="$WORK/$1-$3.log"
  if $CC $FLAGS -I"$HERE" -I"$2" -c "$HERE/$3" -o "$WORK/$1-$3.o" > "$log" 2>&1 \
     && ! grep -Eq "$CLASSES" "$log"; then
    return 0
  fi
  sed 's/^/    /' "$log" | head -20
  return 1
}

for s in mailsummary.c imapappend.c sendmsg.c; do
  if compile ours "$OURS" $s; then
    PASS=$((PASS + 1)); echo "ok: $s (ours)"
  else
    FAIL=$((FAIL + 1)); echo "FAIL: $s against our headers"
  fi
  if [ -f "$ORIG/c-client.h" ]; then
    if compile orig "$ORIG" $s; then
      PASS=$((PASS + 1)); echo "ok: $s (original, control)"
    else
      FAIL=$((FAIL + 1)); echo "FAIL: $s against the original headers (control)"
    fi
  fi
done
[ -f "$ORIG/c-client.h" ] || echo "note: original headers not in $ORIG; control compile skipped"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
