#!/bin/bash
# The server I/O layer, differential: c-tests/serverio/pio.c, built once
# against the ORIGINAL headers, runs on a pipe as standard input with the
# original library and with ours; the outputs (INWAIT with and without
# input, line and byte reads, reads past the end, the output calls, the
# address calls on a non-socket) must be identical. No root, no network.
set -u
. "$(dirname "$0")/../lib/common.sh"
[ -f "$CCT_ORIG_SO" ] && [ -f "$CCT_ORIG_INC/linkage.c" ] || skip_suite "the original library or its headers are missing"
[ -f "$CCT_LIBDIR/libc-client.so.2007e.0" ] || { fail "build/lib staged (run make)"; finish; }
W=$(mktemp -d /tmp/serverio.XXXXXX)
trap 'rm -rf "$W"' EXIT
if ! cc -w -I"$CCT_ORIG_INC" -o "$W/pio" "$(dirname "$0")/pio.c" "$CCT_ORIG_SO" 2>"$W/cc.log"; then
    fail "pio builds against the original's headers: $(head -n 3 "$W/cc.log")"
    finish
fi
timeout 30 "$W/pio" >"$W/orig" 2>&1 </dev/null
echo "exit $?" >>"$W/orig"
LD_LIBRARY_PATH=$CCT_LIBDIR timeout 30 "$W/pio" >"$W/ours" 2>&1 </dev/null
echo "exit $?" >>"$W/ours"
n=0
while IFS= read -r line; do
    n=$((n + 1))
    want=$(sed -n "${n}p" "$W/orig")
    if [ "$line" = "$want" ]; then
        ok "line $n: $(printf '%s' "$line" | tr -d '\r')"
    else
        fail "line $n: ours '$(printf '%s' "$line" | tr -d '\r')', the original '$(printf '%s' "$want" | tr -d '\r')'"
    fi
done <"$W/ours"
check "same number of lines ($(wc -l <"$W/orig"))" test "$(wc -l <"$W/orig")" = "$(wc -l <"$W/ours")"
finish
