#!/bin/bash
# Per-format mailbox benchmark: the original c-client and ours on a
# 10,000-message mailbox (BENCH_FORMAT_SIZE) in each of the formats mbx, mix,
# mx, mh, tenex and mtx (BENCH_FORMATS), same program (bench/mailbox_bench.c,
# built once against the original's headers), one run; prints per-step wall
# time and peak RSS with ours/original ratios (ratio = original / ours for
# time: above 1 means ours is faster; ours / original for RSS).  Reported,
# never asserted.
#
# Each mailbox is made once by the original's `mailutil copy` from a
# generated mbox (corpus messages cycled, see c-tests/nolose/lib.sh) and
# restored before every run. Steps: open; fetch of every structure, header
# and text; \Flagged on every message + checkpoint; expunge of 10%; copy of
# the rest into a new mailbox of the same format.
#
#   OURS_LIB=dir            library compared with the original (build/lib)
#   BENCH_ROUNDS=2          timed runs per library (alternating; best counts)
#   BENCH_TIME=wall|cpu     what the seconds columns show: wall time of the
#                           step, or its CPU time (user + system; steadier
#                           on a loaded machine)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
NL_HERE=$root/c-tests/nolose
. "$NL_HERE/lib.sh"
SIZE=${BENCH_FORMAT_SIZE:-10000}
ROUNDS=${BENCH_ROUNDS:-2}
FORMATS=${BENCH_FORMATS:-mbx mix mx mh tenex mtx}
case ${BENCH_TIME:-wall} in cpu) TFIELD=cpu ;; *) TFIELD=seconds ;; esac
have_test_user || { echo "format bench: test user $CCT_USER missing; skipped"; exit 0; }
command -v mailutil >/dev/null || { echo "format bench: mailutil missing; skipped"; exit 0; }

W=$(mktemp -d /tmp/fbench.XXXXXX)
chmod 755 "$W"
NL_HOME=$W/home
mkdir "$NL_HOME"
is_root && chown "$CCT_USER" "$NL_HOME"
trap 'rm -rf "$W"' EXIT

gcc -O2 -w -I"$CCT_ORIG_INC" -o "$W/mailbox_bench" "$root/bench/mailbox_bench.c" -lc-client || exit 1
src=${OURS_LIB:-$root/build/lib}
[ -f "$src/libc-client.so.2007e" ] || { echo "format bench: $src/libc-client.so.2007e is missing"; exit 1; }
mkdir "$W/lib"; cp -L "$src/libc-client.so.2007e" "$W/lib/"
chmod -R a+rX "$W"

nl_generate "$SIZE" "$W/in.mbox" fb
chmod a+r "$W/in.mbox"
U sh -c "printf 'Path: Mail\n' > .mh_profile; mkdir -p Mail"

name() { if [ "$1" = mh ]; then echo "#mh/$2"; else echo "$2"; fi; }
where() { if [ "$1" = mh ]; then echo "Mail/$2"; else echo "$2"; fi; }
# run LIBDIR FMT TAG: the pristine mailbox restored, one run -> $W/TAG.out
run() {
    U sh -c "rm -rf '$(where "$2" bench.box)' '$(where "$2" bench.copy)'; cp -a '$W/pristine-$2' '$(where "$2" bench.box)'"
    # The copy's target is made beforehand (untimed) in the format; the
    # program's own create of it then just fails.
    if [ "$2" = mh ]; then mk="#mh/bench.copy"; else mk="#driver.$2/bench.copy"; fi
    U env LD_LIBRARY_PATH="$NL_ORIG_DIR" mailutil create "$mk" > /dev/null 2>&1
    U env LD_LIBRARY_PATH="$1" "$W/mailbox_bench" "$(name "$2" bench.box)" "$(name "$2" bench.copy)" \
        > "$W/$3.out" 2> "$W/$3.err"
}
value() { sed -n "s/^STEP $2 .*$3=\([^ ]*\).*/\1/p" "$W/$1.out" 2>/dev/null; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a + 0 == 0 || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }

echo "format benchmark: original vs ours, $SIZE messages, best of $ROUNDS round(s)"
echo "(seconds: $([ $TFIELD = cpu ] && echo CPU || echo wall) time of the step; speedup: original/ours; rss: peak KB at the step's end, ratio ours/original)"
printf '%-6s %-8s %8s %10s %10s %8s %10s %10s %6s\n' format step messages orig_s ours_s speedup orig_rss ours_rss ratio
for f in $FORMATS; do
    if [ $f = mh ]; then dst="#mh/bench.box"; else dst="#driver.$f/bench.box"; fi
    U sh -c "rm -rf '$(where $f bench.box)'; cp '$W/in.mbox' in.mbox"
    U env LD_LIBRARY_PATH="$NL_ORIG_DIR" mailutil copy in.mbox "$dst" > "$W/mk.$f" 2>&1
    U rm -f in.mbox
    cp -a "$NL_HOME/$(where $f bench.box)" "$W/pristine-$f"
    chmod -R a+rX "$W/pristine-$f"
    r=0
    while [ $r -lt "$ROUNDS" ]; do
        run "$NL_ORIG_DIR" $f "o$r"
        run "$W/lib" $f "u$r"
        r=$((r + 1))
    done
    for step in open fetch flag expunge copy; do
        ob=""; ub=""
        r=0
        while [ $r -lt "$ROUNDS" ]; do
            v=$(value "o$r" $step $TFIELD); [ -n "$v" ] && { [ -z "$ob" ] || awk -v a="$v" -v b="$ob" 'BEGIN{exit !(a<b)}'; } && ob=$v
            v=$(value "u$r" $step $TFIELD); [ -n "$v" ] && { [ -z "$ub" ] || awk -v a="$v" -v b="$ub" 'BEGIN{exit !(a<b)}'; } && ub=$v
            r=$((r + 1))
        done
        msgs=$(value o0 $step messages)
        orss=$(value o0 $step maxrss_kb); urss=$(value u0 $step maxrss_kb)
        printf '%-6s %-8s %8s %10s %10s %8s %10s %10s %6s\n' $f $step "${msgs:--}" "${ob:--}" "${ub:--}" \
            "$(ratio "$ob" "$ub")" "${orss:--}" "${urss:--}" "$(ratio "$urss" "$orss")"
    done
    for t in o0 u0; do
        if grep -q FAILED "$W/$t.out" 2>/dev/null || [ ! -s "$W/$t.out" ]; then
            echo "  note ($f, $([ $t = o0 ] && echo original || echo ours)): $(grep FAILED "$W/$t.out" | head -1) $(grep -v 'already exists' "$W/$t.err" | head -2 | tr '\n' ' ')"
        fi
    done
    oc=$(sed -n 's/^CHECKSUM //p' "$W/o0.out"); uc=$(sed -n 's/^CHECKSUM //p' "$W/u0.out")
    [ "$oc" != "$uc" ] && echo "  note ($f): fetched data differ (checksum $oc vs ${uc:-none})"
    rm -rf "$W/pristine-$f" "$W"/o*.out "$W"/u*.out
    U sh -c "rm -rf '$(where $f bench.box)' '$(where $f bench.copy)'"
done
exit 0
