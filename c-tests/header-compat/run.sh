#!/bin/sh
# Header compatibility: compile the same probe programs against the
# original c-client headers and against ours, and compare what they print:
# record sizes/alignments, member offsets, bit-field positions/widths,
# constant values/types, the behaviour of the pure header macros; plus the
# declared function prototypes (gcc -aux-info), the set of macro names, and
# that c-client.h still compiles as C++.
#
# Environment: ORIG_INCLUDE (default /usr/include/c-client), OURS_INCLUDE
# (default <repo>/include), CC (default cc), CXX (default c++).
# Exit status is non-zero on any mismatch; the last line is
# "N passed, N failed".
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ORIG=${ORIG_INCLUDE:-/usr/include/c-client}
OURS=${OURS_INCLUDE:-$ROOT/include}
CC=${CC:-cc}
CXX=${CXX:-c++}
PASS=0
FAIL=0

if [ ! -f "$ORIG/c-client.h" ]; then
  echo "SKIP: the original c-client headers are not installed in $ORIG" \
       "(install libc-client2007e-dev or set ORIG_INCLUDE)"
  echo "0 passed, 0 failed"
  exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM

ok()   { PASS=$((PASS + 1)); }
bad()  { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }

# ---- 1. layout, constants and macro behaviour ----------------------------
awk -F'\t' -f "$HERE/probe.awk" "$HERE/probes.tsv" > "$WORK/probe.c"
for side in orig ours; do
  if [ $side = orig ]; then inc=$ORIG; else inc=$OURS; fi
  if ! $CC -std=gnu11 -w -I"$HERE" -I"$inc" -o "$WORK/probe-$side" "$WORK/probe.c" \
        2> "$WORK/cc-$side.log"; then
    echo "probe program does not compile against $side headers:"
    head -20 "$WORK/cc-$side.log"
    : > "$WORK/out-$side"
  else
    "$WORK/probe-$side" > "$WORK/out-$side"
  fi
done
n_orig=$(wc -l < "$WORK/out-orig")
if [ "$n_orig" -eq 0 ]; then
  bad "probe program produced nothing against the original headers"
fi
# One line per check; both sides print the same keys in the same order.
paste -d '\n' "$WORK/out-orig" "$WORK/out-ours" > "$WORK/pairs"
while IFS= read -r o && IFS= read -r u; do
  if [ "$o" = "$u" ]; then ok; else bad "original: $o | ours: ${u:-<missing>}"; fi
done < "$WORK/pairs"
for kind in record member bitfield const behaviour; do
  printf '  %-10s compared: %s\n' "$kind" "$(grep -c "^$kind " "$WORK/out-orig")"
done

# ---- 2. function prototypes ------------------------------------------------
cat > "$WORK/decls.c" <<'EOC'
#include <stdio.h>
#include "c-client.h"
#include "imap4r1.h"
#include "fdstring.h"
#include "flstring.h"
#include "pseudo.h"
#include "dummy.h"
#include "unix.h"
#include "newsrc.h"
#include "netmsg.h"
EOC
for side in orig ours; do
  if [ $side = orig ]; then inc=$ORIG; else inc=$OURS; fi
  # -aux-info lists every declaration with its file, in normalised form.
  (cd "$WORK" && $CC -w -I"$inc" -aux-info "aux-$side" -fsyntax-only decls.c) \
    > /dev/null 2>&1
  grep "/\* $inc/" "$WORK/aux-$side" 2>/dev/null \
    | sed -e 's|^/\* [^ ]*:[0-9]*:[A-Z]* \*/ ||' | sort -u > "$WORK/protos-$side"
done
nproto=0
while IFS= read -r p; do
  nproto=$((nproto + 1))
  if grep -qxF -- "$p" "$WORK/protos-ours"; then ok; else bad "prototype: $p"; fi
done < "$WORK/protos-orig"
[ "$nproto" -gt 0 ] || bad "no prototypes found in the original headers"
printf '  %-10s compared: %s\n' prototype "$nproto"

# ---- 3. macro names ----------------------------------------------------------
cat > "$WORK/sys.c" <<'EOC'
#define _XOPEN_SOURCE 1
#define _BSD_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>
#include <dirent.h>
#include <time.h>
#include <fcntl.h>
#include <syslog.h>
#include <sys/file.h>
EOC
names() { sed -n 's/^#define \([A-Za-z_0-9]*\).*/\1/p' | sort -u; }
$CC -w -E -dM "$WORK/sys.c" | names > "$WORK/m-sys"
$CC -w -E -dM -I"$ORIG" "$WORK/decls.c" | names > "$WORK/m-orig"
$CC -w -E -dM -I"$OURS" "$WORK/decls.c" | names > "$WORK/m-ours"
nmac=0
for m in $(comm -23 "$WORK/m-orig" "$WORK/m-sys"); do
  nmac=$((nmac + 1))
  if grep -qxF "$m" "$WORK/m-ours"; then ok; else bad "macro not defined by ours: $m"; fi
done
printf '  %-10s compared: %s\n' macro-name "$nmac"

# ---- 4. C++ ------------------------------------------------------------------
if command -v "$CXX" > /dev/null 2>&1; then
  printf '#include "c-client.h"\nint main () { return 0; }\n' > "$WORK/cxx.cc"
  r_orig=0; r_ours=0
  $CXX -w -fno-operator-names -fsyntax-only -I"$ORIG" "$WORK/cxx.cc" > /dev/null 2>&1 || r_orig=1
  $CXX -w -fno-operator-names -fsyntax-only -I"$OURS" "$WORK/cxx.cc" > /dev/null 2>&1 || r_ours=1
  if [ $r_orig = $r_ours ]; then ok; else bad "C++ inclusion: original rc=$r_orig ours rc=$r_ours"; fi
  printf '  %-10s compared: 1\n' c++
else
  echo "  (no C++ compiler: C++ inclusion not checked)"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
