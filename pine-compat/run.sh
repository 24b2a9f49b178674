#!/bin/bash
# Programs that use the library the way Pine/Alpine and UW imapd do. Each
# is first built and run against the original (when installed) to prove the
# program's expectations, then against our library; only the run against
# ours counts, plus one check that the original agreed.
set -u
. "$(dirname "$0")/../c-tests/lib/common.sh"

if [ ! -f "$CCT_LIBDIR/libc-client.so.2007e.0" ]; then
    fail "build/lib/libc-client.so.2007e.0 exists (run make)"
    finish
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
inc="-I$CCT_INCDIR"
[ -f "$CCT_INCDIR/c-client.h" ] || inc="$inc -I$CCT_ORIG_INC"
# What the default configuration's linkage.c registers.
drivers=$(make -s --no-print-directory -C "$CCT_ROOT" config | sed -n 's/^DRIVERS=//p')
case $(make -s --no-print-directory -C "$CCT_ROOT" config | sed -n 's/^SSLTYPE=//p') in
    nopwd | unix.nopwd) dp=2 ;;
    *) dp=0 ;;
esac
defs=("-DEXPECT_DRIVERS=\"$drivers\"" "-DEXPECT_DISABLEPLAINTEXT=$dp")

for prog in hooks; do
    # Against the original: its own headers and linkage files (Debian's
    # build registers the same list as our default port).
    if [ -f "$CCT_ORIG_SO" ]; then
        if cc -w -I"$CCT_ORIG_INC" "${defs[@]}" -o "$W/$prog.orig" "$CCT_ROOT/pine-compat/$prog.c" \
            "$CCT_ORIG_SO" 2>"$W/cc.log" && timeout 20 "$W/$prog.orig" >"$W/$prog.orig.out" 2>&1; then
            ok "$prog: all checks pass against the original ($(tail -n 1 "$W/$prog.orig.out"))"
        else
            fail "$prog: the original disagrees with the program: $(grep FAIL "$W/$prog.orig.out" 2>/dev/null | head -n 3 | tr '\n' '|') $(head -n 3 "$W/cc.log")"
        fi
    else
        skip "$prog against the original: $CCT_ORIG_SO not installed"
    fi
    if ! cc -w $inc "${defs[@]}" -o "$W/$prog" "$CCT_ROOT/pine-compat/$prog.c" \
        -L"$CCT_LIBDIR" -lc-client -Wl,-rpath,"$CCT_LIBDIR" 2>"$W/cc.log"; then
        fail "$prog: does not build against our headers/library: $(head -n 5 "$W/cc.log")"
        continue
    fi
    timeout 20 "$W/$prog" >"$W/$prog.out" 2>&1
    rc=$?
    sed 's/^/  /' "$W/$prog.out"
    if died_by_signal "$rc" || [ "$rc" -eq 124 ]; then
        fail "$prog: died by signal $((rc - 128)) or hung"
        continue
    fi
    c=$(tail -n 1 "$W/$prog.out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
    if [ -z "$c" ]; then
        fail "$prog: no result line"
        continue
    fi
    CCT_PASS=$((CCT_PASS + ${c% *}))
    CCT_FAIL=$((CCT_FAIL + ${c#* }))
done

finish
