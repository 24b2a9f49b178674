#!/bin/sh
# The panic barrier of the C boundary.
#  1. tools/check-guards.py on a fixture: it must report every bad_* function
#     (and the bad_gen! template) and none of the good_* ones.
#  2. tools/check-guards.py on src/abi: every extern "C" function guarded,
#     delegating to a guarded one, or marked `// no-panic:` with a trivial
#     body. Offenders are printed.
#  3. hostile.c, built against the original's headers, calls exports with
#     hostile arguments the original tolerates (NULLs it checks for, unknown
#     parameter codes, 100 KB strings): it must run to the end against the
#     original and against ours with identical output.
#  4. hostile.c "stubs" (ours only): functions not implemented yet log and
#     fail instead of crashing.
# Last line: "N passed, N failed"; exit status non-zero on any failure.
set -u
. "$(dirname "$0")/../lib/common.sh"
HERE="$CCT_ROOT/c-tests/guards"
CHECK="$CCT_ROOT/tools/check-guards.py"

# --- 1. the checker on its fixture ---------------------------------------
FIX="$HERE/fixture"
out=$(python3 "$CHECK" "$FIX" 2>&1)
rc=$?
reported=$(printf '%s\n' "$out" | sed -n 's/^[^:]*:[0-9]*: \([^ :]*\).*/\1/p')
if [ $rc -eq 1 ]; then ok "checker exits 1 on offenders"; else fail "checker exit status $rc on offenders"; fi
for name in $(sed -n 's/.*fn \(\(good\|bad\)_[a-z_]*\)(.*/\1/p' "$FIX"/*.rs); do
    case $name in
        good_declaration_only) continue ;;  # a declaration: never a candidate
    esac
    if printf '%s\n' "$reported" | grep -qx "$name"; then hit=yes; else hit=no; fi
    case $name:$hit in
        bad_*:yes | good_*:no) ok "checker: $name" ;;
        *) fail "checker: $name (reported: $hit)" ;;
    esac
done
if printf '%s\n' "$out" | grep -q '(macro bad_gen!'; then ok "checker: bad_gen! template"; else fail "checker: bad_gen! template not reported"; fi
if printf '%s\n' "$out" | grep -q '(macro good_gen!'; then fail "checker: good_gen! template reported"; else ok "checker: good_gen! template"; fi

# --- 2. the checker on the library ---------------------------------------
out=$(cd "$CCT_ROOT" && python3 "$CHECK" src/abi 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/    /'
if [ $rc -eq 0 ]; then ok "src/abi: no panic path to C"; else fail "src/abi: offenders above"; fi

# --- 3./4. hostile arguments ---------------------------------------------
[ -f "$CCT_LIBDIR/libc-client.so.2007e" ] || (cd "$CCT_ROOT" && make lib >/dev/null 2>&1) ||
    { fail "build of our library"; finish; }
have_test_user || skip_suite "test user $CCT_USER missing"
user_tmpdir
LIB="$CCT_TMP/lib"
stage_lib "$LIB"
if cc -w -O1 -g -I"$CCT_ORIG_INC" -o "$CCT_TMP/hostile" "$HERE/hostile.c" -lc-client 2>"$CCT_TMP/cc.err"; then
    chmod -R a+rX "$CCT_TMP"
    ( cd "$CCT_TMP" && LD_LIBRARY_PATH= as_user ./hostile ) >"$CCT_TMP/orig.out" 2>&1
    rc_o=$?
    ( cd "$CCT_TMP" && LD_LIBRARY_PATH="$LIB" as_user ./hostile ) >"$CCT_TMP/ours.out" 2>&1
    rc_u=$?
    if [ $rc_o -eq 0 ] && [ $rc_u -eq 0 ] && tail -1 "$CCT_TMP/ours.out" | grep -qx done &&
        cmp -s "$CCT_TMP/orig.out" "$CCT_TMP/ours.out"; then
        ok "hostile arguments: $(wc -l <"$CCT_TMP/ours.out") lines identical to the original"
    else
        fail "hostile arguments (exit original=$rc_o ours=$rc_u)"
        diff "$CCT_TMP/orig.out" "$CCT_TMP/ours.out" | head -20
    fi
    ( cd "$CCT_TMP" && LD_LIBRARY_PATH="$LIB" as_user ./hostile stubs ) >"$CCT_TMP/stubs.out" 2>&1
    rc_s=$?
    n=$(grep -c ': not available in this version of c-client$' "$CCT_TMP/stubs.out")
    if [ $rc_s -eq 0 ] && [ "$n" -eq 0 ] && tail -1 "$CCT_TMP/stubs.out" | grep -qx done &&
        ! grep -q '=ptr$' "$CCT_TMP/stubs.out"; then
        ok "stubs with hostile arguments log and fail (ours)"
    else
        fail "stubs with hostile arguments (exit $rc_s, $n reports)"
        head -20 "$CCT_TMP/stubs.out"
    fi
    if command -v valgrind >/dev/null 2>&1; then
        if ( cd "$CCT_TMP" && LD_LIBRARY_PATH="$LIB" as_user valgrind -q --error-exitcode=1 ./hostile ) \
            >"$CCT_TMP/vg.out" 2>&1; then
            ok "hostile arguments under valgrind (ours)"
        else
            fail "hostile arguments under valgrind (ours)"; grep '==' "$CCT_TMP/vg.out" | head -20
        fi
    else
        skip "valgrind not installed"
    fi
else
    cat "$CCT_TMP/cc.err"
    fail "build hostile.c"
fi
finish
