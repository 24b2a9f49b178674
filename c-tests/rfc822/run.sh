#!/bin/bash
# Differential tests of the RFC 2822 composer (rfc822_output_full and its
# legacy forms, the body encoders) and of the parsers that work on records
# the caller built (rfc822_parse_content, _content_header, _parameter,
# _address, _group), plus the application hooks (PARSELINE, PARSEPHRASE,
# RFC822OUTPUT, RFC822OUTPUTFULL). rfc822.c is built once against the
# original's headers and run against the original library and against ours
# (LD_LIBRARY_PATH); outputs must be identical, including every flush of the
# caller's RFC822BUFFER (sizes 30, 100 and SENDBUFLEN).
#
# Normalised before comparing: multipart boundaries the libraries generate
# ("hostid-random-time=:pid"; the pid and maybe the second differ between the
# two runs) and the lengths of the one chunk that carries them. Both outputs
# must still show the boundary in that shape.
# Last line: "N passed, N failed"; non-zero exit on any failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/common.sh"
ROOT=$CCT_ROOT
OURS="$ROOT/build/lib"
CINC=${CINC:-$CCT_ORIG_INC}

[ -d "$CINC" ] || skip_suite "no c-client headers at $CINC"
[ -e "$CCT_ORIG_SO" ] || skip_suite "the original library ($CCT_ORIG_SO) is not installed"
make -C "$ROOT" lib >/dev/null 2>&1 || { echo "build of our library failed"; echo "0 passed, 1 failed"; exit 1; }
[ -e "$OURS/libc-client.so.2007e" ] || { echo "no $OURS/libc-client.so.2007e"; echo "0 passed, 1 failed"; exit 1; }

TMP=$(mktemp -d /tmp/rfc822-tests.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
if ! gcc -w -O1 -g -I"$CINC" -o "$TMP/rfc822" "$HERE/rfc822.c" -lc-client 2>"$TMP/cc.log"; then
  cat "$TMP/cc.log"
  echo "0 passed, 1 failed"
  exit 1
fi
if env LD_LIBRARY_PATH="$OURS" ldd "$TMP/rfc822" | grep -q "$OURS/libc-client"; then
  ok "test program loads our library under LD_LIBRARY_PATH"
else
  fail "test program does not load $OURS/libc-client.so.2007e"
fi

normalise() {
  sed -E -e 's/[0-9]+-[0-9]+-[0-9]+=:[0-9]+/<GENERATED-BOUNDARY>/g' -e 's/^<g [0-9]+:/<g N:/' "$1"
}

differential() {  # name, args...
  local name=$1; shift
  env -u LD_LIBRARY_PATH "$TMP/rfc822" "$@" >"$TMP/$name.oracle" 2>&1
  local rc_o=$?
  env LD_LIBRARY_PATH="$OURS" "$TMP/rfc822" "$@" >"$TMP/$name.ours" 2>&1
  local rc_u=$?
  normalise "$TMP/$name.oracle" >"$TMP/$name.o"
  normalise "$TMP/$name.ours" >"$TMP/$name.u"
  if [ $rc_o -ne $rc_u ]; then
    fail "$name: exit status $rc_o (original) vs $rc_u (ours)"
  elif [ ! -s "$TMP/$name.o" ]; then
    fail "$name: the original printed nothing"
  elif cmp -s "$TMP/$name.o" "$TMP/$name.u"; then
    ok "$name ($(grep -c '^==' "$TMP/$name.o") cases, $(wc -c <"$TMP/$name.o") bytes)"
  else
    fail "$name: outputs differ"
    diff "$TMP/$name.o" "$TMP/$name.u" | head -20
  fi
}

differential compose-100 compose 100
differential compose-30 compose 30
differential compose-large compose 16385
differential legacy legacy
differential encode encode
differential content content
differential pieces pieces
differential hooks hooks

# Ours alone: application trees far deeper than the walk limit must not
# crash or hang (the original recurses until its stack runs out).
if out=$(timeout 60 env LD_LIBRARY_PATH="$OURS" "$TMP/rfc822" deep 200000 2>&1) &&
    echo "$out" | grep -q "^deep 200000: output 1 bytes [1-9]"; then
  ok "200000-level multipart: $out"
else
  fail "200000-level multipart: ${out:-no output}"
fi

# The generated boundaries really are in the original's shape in both runs.
for side in oracle ours; do
  if grep -Eq 'BOUNDARY="?[0-9]+-[0-9]+-[0-9]+=:[0-9]+' "$TMP/compose-100.$side"; then
    ok "generated boundary shape ($side)"
  else
    fail "generated boundary shape ($side)"
  fi
done
finish
