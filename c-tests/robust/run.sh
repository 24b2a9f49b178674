#!/bin/bash
# Hostile input through the C interface (see robust.c and docs/testing.md).
#
# For every case of robust.c, against our library (build/lib):
#   returns       exit 0 within ROBUST_TIMEOUT seconds (no crash, no hang)
#   logs          mm_log at most WARN/PARSE: no ERROR, BYE or mm_fatal
#   memory        max RSS under ROBUST_RSS_KB (default 128 MiB)
#   self-checks   exactly-sized rfc822_write_address buffers not overrun,
#                 rfc822_binary/rfc822_8bit output decodes back
#   same answer   every digest equals the original's (run as the test user),
#                 except for inputs listed in docs/deviations.md
# Inputs that crash or hang the original are skipped for it one by one
# (ROBUST_SKIP) and must be listed in docs/deviations.md.
# Then a subset under valgrind (ROBUST_SCALE=16), when valgrind is there.
set -u
. "$(dirname "$0")/../lib/common.sh"
HERE=$CCT_ROOT/c-tests/robust
TIMEOUT=${ROBUST_TIMEOUT:-30}
RSS_KB=${ROBUST_RSS_KB:-131072}
VG_CASES=${ROBUST_VALGRIND_CASES:-"nul unterminated deep-address nested-multipart nested-rfc822 charsets encoded-words boundaries header-only write-exact random decoders"}

[ -f "$CCT_LIBDIR/libc-client.so.2007e" ] || { echo "error: build/lib/libc-client.so.2007e missing (run make)"; echo "0 passed, 1 failed"; exit 1; }
[ -f "$CCT_ORIG_INC/c-client.h" ] || skip_suite "the original's headers ($CCT_ORIG_INC) are not installed"
have_test_user || skip_suite "test user $CCT_USER does not exist"

user_tmpdir
T=$CCT_TMP
stage_lib "$T/ours"
if ! gcc -O1 -g -Wall -Wno-pointer-sign -Wno-unused-parameter -I"$CCT_ORIG_INC" \
    -o "$T/robust" "$HERE/robust.c" -lc-client 2>"$T/cc.log"; then
    cat "$T/cc.log"
    echo "0 passed, 1 failed"
    exit 1
fi
chmod -R a+rX "$T"
chmod a+w "$T"

# Labels of the documented deviations: table rows "| `robust:LABEL` | ...".
sed -n 's/^| *`robust:\([^`]*\)`.*/\1/p' "$CCT_ROOT/docs/deviations.md" | sort -u >"$T/devs"
is_deviation() { grep -qxF "$1" "$T/devs"; }

ours() { LD_LIBRARY_PATH="$T/ours" timeout -k 5 "$TIMEOUT" "$T/robust" "$@"; }
# The original, with ROBUST_SKIP passed through to the test user.
orig() { as_user env ROBUST_SKIP="$SKIP" timeout -k 5 "$TIMEOUT" "$T/robust" "$@"; }

# digest lines "R label ..." of $1, less the labels in $2 (",a,b," list)
# and the documented deviations
digests() {
    awk -v skip="$2" 'FILENAME != ARGV[2] { dev[$0] = 1; next }
        $1 == "R" { l = $2; sub(/\.(write|written)$/, "", l);
        if (!(l in dev) && index(skip, "," l ",") == 0) print }' "$T/devs" "$1"
}

start=$(date +%s)
for c in $("$T/robust" -l); do
    o="$T/ours.$c" g="$T/orig.$c"
    t0=$(date +%s.%N)
    ours "$c" >"$o" 2>&1
    rc=$?
    secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    if [ "$rc" -ne 0 ]; then
        last=$(sed -n 's/^B //p' "$o" | tail -n 1)
        fail "$c: ours exited $rc (124 = timeout) at input '$last'"
        continue
    fi
    ok "$c: returns (${secs}s)"

    logl=$(grep '^LOG ' "$o")
    case $logl in
    *" error=0 "*" bye=0 other=0 fatal=0 "*) ok "$c: logs at most warnings ($logl)" ;;
    *) fail "$c: logs worse than a warning ($logl)" ;;
    esac

    rss=$(sed -n 's/^RSS //p' "$o")
    if [ -n "$rss" ] && [ "$rss" -le "$RSS_KB" ]; then
        ok "$c: max RSS ${rss} KiB <= ${RSS_KB} KiB"
    else
        fail "$c: max RSS ${rss:-?} KiB > ${RSS_KB} KiB"
    fi

    if grep -qE 'OVERRUN-OR-DIFFERENT|ROUNDTRIP-BROKEN|^FATAL' "$o"; then
        fail "$c: self-check: $(grep -E 'OVERRUN-OR-DIFFERENT|ROUNDTRIP-BROKEN|^FATAL' "$o" | head -n 3 | tr '\n' ' ')"
    fi

    # The original, skipping what kills it, one input at a time.
    SKIP=,
    killed=""
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        orig "$c" >"$g" 2>/dev/null
        grc=$?
        [ "$grc" -eq 0 ] && break
        last=$(sed -n 's/^B //p' "$g" | tail -n 1)
        [ -n "$last" ] || break
        SKIP="$SKIP$last,"
        if [ "$grc" -eq 124 ] || [ "$grc" -eq 137 ]; then how=hangs; else how="dies (exit $grc)"; fi
        killed="$killed $last"
        if is_deviation "$last"; then
            ok "$c: original $how on '$last', ours returns (documented deviation)"
        else
            fail "$c: original $how on '$last', not listed in docs/deviations.md"
        fi
    done
    if [ "$grc" -ne 0 ]; then
        fail "$c: original still fails (exit $grc) after skipping$killed"
        continue
    fi
    # Documented differences are left out of the comparison.
    if diff <(digests "$g" "$SKIP") <(digests "$o" "$SKIP") >"$T/diff.$c"; then
        n=$(digests "$o" "$SKIP" | wc -l)
        ok "$c: $n answers equal the original's"
    else
        fail "$c: answers differ from the original's: $(grep -c '^>' "$T/diff.$c") lines, first: $(grep '^>' "$T/diff.$c" | head -n 1)"
    fi
    if [ "$SKIP" = , ]; then
        if [ "$(grep '^LOG ' "$g")" = "$logl" ]; then
            ok "$c: same mm_log calls as the original"
        else
            fail "$c: mm_log differs: original $(grep '^LOG ' "$g"), ours $logl"
        fi
    fi
    orss=$(sed -n 's/^RSS //p' "$g")
    echo "     $c: ours ${secs}s ${rss} KiB, original ${orss:-?} KiB"
done

echo "(ours and the original: $(($(date +%s) - start))s)"
if command -v valgrind >/dev/null 2>&1; then
    for c in $VG_CASES; do
        if ROBUST_SCALE=16 LD_LIBRARY_PATH="$T/ours" timeout -k 5 300 valgrind -q \
            --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,possible \
            --suppressions="$HERE/valgrind.supp" \
            "$T/robust" "$c" >"$T/vg.$c" 2>&1; then
            ok "$c: valgrind clean (ROBUST_SCALE=16)"
        else
            fail "$c: valgrind: $(grep -m 3 '==' "$T/vg.$c" | tr '\n' ' ')"
        fi
    done
else
    skip "valgrind not installed"
fi
echo "(robust: $(($(date +%s) - start))s)"
finish
