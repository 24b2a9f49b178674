#!/bin/bash
# Mailbox benchmark: the original c-client and ours, same program
# (bench/mailbox_bench.c, built once against the original's headers), same
# inputs, one run; prints per-step CPU (or wall) time, peak RSS and system calls per
# message, with ours/original ratios.  Reported, never asserted.
#
# Inputs: the largest mbox of ../shared/corpus (the 26 MB list archive) and
# generated mailboxes of BENCH_SIZES messages (default "10000 100000"), made
# from corpus messages (synthetic ones without the corpus) under /tmp.
# Steps: open; fetch of every structure, header and text; \Flagged on every
# message + checkpoint; expunge of 10%; copy of all messages to a new
# mailbox.  System calls: one more run of each library under strace -f,
# counted between the program's step markers, for inputs of at most
# BENCH_STRACE_MAX messages (default 20000; BENCH_STRACE=0 skips it).
#
#   OURS_LIB=dir|original   library compared with the original (default
#                           build/lib; "original" for a noise check: ratios ~1)
#   BENCH_SIZES="10000"     generated sizes
#   BENCH_ROUNDS=2          timed runs per library (alternating; best counts)
#   BENCH_TIME=cpu|wall     what the seconds columns show: CPU time of the
#                           step (user + system, default; steadier on a
#                           shared machine) or wall time
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
NL_HERE=$root/c-tests/nolose
. "$NL_HERE/lib.sh"
SIZES=${BENCH_SIZES:-10000 100000}
ROUNDS=${BENCH_ROUNDS:-2}
STRACE_MAX=${BENCH_STRACE_MAX:-20000}
case ${BENCH_TIME:-cpu} in wall) TFIELD=seconds ;; *) TFIELD=cpu ;; esac
have_test_user || { echo "mailbox bench: test user $CCT_USER missing; skipped"; exit 0; }

W=$(mktemp -d /tmp/mbench.XXXXXX)
chmod 755 "$W"
# the test user's HOME for the runs: names stay HOME-relative
NL_HOME=$W/home
mkdir "$NL_HOME"
is_root && chown "$CCT_USER" "$NL_HOME"
trap 'rm -rf "$W"' EXIT

gcc -O2 -w -I"$CCT_ORIG_INC" -o "$W/mailbox_bench" "$root/bench/mailbox_bench.c" -lc-client || exit 1
ours_dir=""
case "${OURS_LIB:-$root/build/lib}" in
    original|/usr/lib|/usr/lib/) ours_dir=$NL_ORIG_DIR; ours_label="original(again)" ;;
    *)
        src=${OURS_LIB:-$root/build/lib}
        if [ -f "$src/libc-client.so.2007e" ]; then
            mkdir "$W/lib"; cp -L "$src/libc-client.so.2007e" "$W/lib/"
            ours_dir=$W/lib; ours_label=ours
        else
            echo "mailbox bench: ours not measured: $src/libc-client.so.2007e is missing"
        fi ;;
esac
chmod -R a+rX "$W"
strace_ok=0
if [ "${BENCH_STRACE:-1}" = 1 ]; then
    if command -v strace >/dev/null && U strace -f -o /dev/null true 2>/dev/null; then strace_ok=1
    else echo "mailbox bench: strace missing or not permitted: no system call counts"; fi
fi

# inputs: name -> pristine file $W/in.NAME
inputs=""
corpus=$(nl_corpus_mbox)
if [ -n "$corpus" ]; then
    cp "$corpus" "$W/in.corpus"; inputs="corpus"
else
    echo "mailbox bench: no ../shared/corpus: generated inputs only"
fi
for n in $SIZES; do
    nl_generate "$n" "$W/in.gen$n" b
    inputs="$inputs gen$n"
done
chmod a+r "$W"/in.*

# run LIBDIR INPUT TAG [strace]: a fresh copy, one run; output in $W/TAG.out
run() {
    U sh -c "rm -f bench.box bench.copy; cp '$W/in.$2' bench.box && chmod 600 bench.box"
    if [ "${4:-}" = strace ]; then
        U env LD_LIBRARY_PATH="$1" strace -f -qq -o "trace.$3" "$W/mailbox_bench" bench.box bench.copy \
            > "$W/$3.out" 2> "$W/$3.err"
    else
        U env LD_LIBRARY_PATH="$1" "$W/mailbox_bench" bench.box bench.copy > "$W/$3.out" 2> "$W/$3.err"
    fi
    U rm -f bench.box bench.copy
}
# value TAG STEP FIELD
value() { sed -n "s/^STEP $2 .*$3=\([^ ]*\).*/\1/p" "$W/$1.out" 2>/dev/null; }
# syscalls TAG STEP: system calls between the step's markers, all threads
syscalls() {
    awk -v s="$2" '
        index($0, "\"MARK+" s "\"") { on = 1; next }
        index($0, "\"MARK-" s "\"") { on = 0; next }
        on && !/^[0-9]+ +\+\+\+ / && !/resumed>/ { n++ }
        END { print n + 0 }' "$NL_HOME/trace.$1" 2>/dev/null
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-" || a + 0 == 0) print "-"; else printf "%.2f", b / a }'; }

echo "mailbox benchmark: original vs ${ours_label:-nothing}; best of $ROUNDS round(s); inputs:$inputs"
echo "(seconds: $([ $TFIELD = cpu ] && echo 'CPU time (user + system)' || echo 'wall time') of the step; rss: peak KB at its end; sc/m: system calls a message, strace -f)"
printf '%-10s %-8s %8s %10s %10s %6s %10s %10s %6s %9s %9s %6s\n' input step messages \
    orig_s ours_s ratio orig_rss ours_rss ratio orig_sc/m ours_sc/m ratio
for in in $inputs; do
    r=0
    while [ $r -lt "$ROUNDS" ]; do
        run "$NL_ORIG_DIR" "$in" "o$r"
        [ -n "$ours_dir" ] && run "$ours_dir" "$in" "u$r"
        r=$((r + 1))
    done
    # system calls a message do not need the largest inputs (strace slows
    # the 100k mailbox to minutes)
    traced=0
    if [ $strace_ok = 1 ] && [ "$(value o0 open messages)" -le "$STRACE_MAX" ] 2>/dev/null; then
        traced=1
        run "$NL_ORIG_DIR" "$in" ostrace strace
        [ -n "$ours_dir" ] && run "$ours_dir" "$in" ustrace strace
    fi
    for step in open fetch flag expunge copy; do
        # fastest round of each library
        ob=""; ub=""
        r=0
        while [ $r -lt "$ROUNDS" ]; do
            v=$(value "o$r" $step $TFIELD); [ -n "$v" ] && { [ -z "$ob" ] || awk -v a="$v" -v b="$ob" 'BEGIN{exit !(a<b)}'; } && ob=$v
            v=$(value "u$r" $step $TFIELD); [ -n "$v" ] && { [ -z "$ub" ] || awk -v a="$v" -v b="$ub" 'BEGIN{exit !(a<b)}'; } && ub=$v
            r=$((r + 1))
        done
        msgs=$(value o0 $step messages)
        orss=$(value o0 $step maxrss_kb); urss=$(value u0 $step maxrss_kb)
        osc="-"; usc="-"
        case $step in flag|expunge|copy)
            if [ $traced = 1 ] && [ -n "$msgs" ] && [ "$msgs" -gt 0 ]; then
                osc=$(awk -v c="$(syscalls ostrace $step)" -v m="$msgs" 'BEGIN { printf "%.2f", c / m }')
                [ -n "$ours_dir" ] && [ -n "$(value ustrace $step messages)" ] &&
                    usc=$(awk -v c="$(syscalls ustrace $step)" -v m="$msgs" 'BEGIN { printf "%.2f", c / m }')
            fi ;;
        esac
        printf '%-10s %-8s %8s %10s %10s %6s %10s %10s %6s %9s %9s %6s\n' "$in" $step "${msgs:--}" \
            "${ob:--}" "${ub:--}" "$(ratio "$ob" "$ub")" "${orss:--}" "${urss:--}" "$(ratio "$orss" "$urss")" \
            "$osc" "$usc" "$(ratio "$osc" "$usc")"
    done
    for t in o0 u0; do
        if grep -q FAILED "$W/$t.out" 2>/dev/null || { [ -s "$W/$t.err" ] && [ ! -s "$W/$t.out" ]; }; then
            echo "  note ($in, $([ $t = o0 ] && echo original || echo "$ours_label")): $(grep FAILED "$W/$t.out" | head -1) $(head -2 "$W/$t.err" | tr '\n' ' ')"
        fi
    done
    oc=$(sed -n 's/^CHECKSUM //p' "$W/o0.out"); uc=$(sed -n 's/^CHECKSUM //p' "$W/u0.out" 2>/dev/null)
    [ -n "$ours_dir" ] && [ -n "$uc" ] && [ "$oc" != "$uc" ] && echo "  note ($in): fetched data differ (checksum $oc vs ${uc:-none})"
    U rm -f "trace.ostrace" "trace.ustrace"
    rm -f "$W"/o*.out "$W"/u*.out
done
exit 0
