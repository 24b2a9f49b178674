#!/bin/bash
# `make test`: cargo test, the bindings freshness check (when libclang is
# there), then every c-tests/*/run.sh and pine-compat/run.sh, discovered so
# that new suites join by existing. Prints one line per suite (its counts,
# wall time and CPU time, user + system of the suite and everything it
# waited for) and a last line "N passed, N failed" summing them; a suite
# that crashes or exits non-zero without a count counts as one failure.
#
# Two lanes (TEST_JOBS=2, the default on a machine with 2 or more CPUs):
# the suites named in SIDE_SUITES run one after the other in a second lane,
# alongside cargo test and the other suites. They are the ones that touch
# only their own scratch files (mktemp directories, their own folder under
# the test user's home), start no server, use no port, change nothing
# system-wide, and whose checks do not depend on timing between their
# processes and anybody else's (docs/testing.md, "Run time"). A suite
# that does any of that must stay out of the list. TEST_JOBS=1 runs
# everything in one lane, in the order below.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
LOGDIR="$ROOT/build/test-logs"
mkdir -p "$LOGDIR"
# Suites get this long each before they count as hung (seconds).
SUITE_TIMEOUT=${SUITE_TIMEOUT:-900}
if [ -z "${TEST_JOBS:-}" ]; then
    TEST_JOBS=1
    [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ] && TEST_JOBS=2
fi
SIDE_SUITES=${SIDE_SUITES-c-tests/nolose|c-tests/killfmt|c-tests/mailbox writeback|c-tests/unix|c-tests/mailbox|c-tests/sortthread|c-tests/mxmh}

# One result file per suite (counts, note, first failure lines), read back
# in a fixed order for the summary whichever lane ran the suite.
RESDIR=$(mktemp -d "${TMPDIR:-/tmp}/run-all.XXXXXX")
side_pid=""
trap '[ -n "$side_pid" ] && kill "$side_pid" 2>/dev/null; rm -rf "$RESDIR"' EXIT
resfile() { echo "$RESDIR/$(echo "$1" | tr '/ ' '__')"; }

# record NAME PASS FAIL NOTE [DIGEST]
record() {
    printf '%s\n%s\n%s\n' "$2" "$3" "$4" >"$(resfile "$1").res"
    [ -n "${5:-}" ] && printf '%s\n' "$5" >"$(resfile "$1").digest"
    :
}

# Last "N passed, N failed" line of a log, as "N N"; empty when absent.
counts_of() {
    tail -n 1 "$1" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p'
}

# CPU seconds (user + system) of the children, from bash's `times` output.
cpu_of() {
    sed -n 2p "$1" 2>/dev/null | awk '{ s = 0
        for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); s += a[1] * 60 + a[2] }
        printf "%d", s + 0.5 }'
}

# timed LOG CMD...: runs CMD with output to LOG; sets rc, took, cpu.
timed() {
    _log=$1
    shift
    _t0=$SECONDS
    (
        timeout --kill-after=10 "$SUITE_TIMEOUT" "$@" >"$_log" 2>&1
        _rc=$?
        times >"$_log.times"
        exit $_rc
    )
    rc=$?
    took=$((SECONDS - _t0))
    cpu=$(cpu_of "$_log.times")
    rm -f "$_log.times"
}

run_suite() { # run_suite NAME LOG CMD...
    name=$1 log=$2
    shift 2
    timed "$log" "$@"
    c=$(counts_of "$log")
    t="${took}s, cpu ${cpu:-?}s"
    if [ -z "$c" ]; then
        # A suite that skips itself may say so without a count line.
        if [ "$rc" -eq 0 ] && grep -qiE '^(skipped|skip)[: ]' "$log"; then
            record "$name" 0 0 "$t skipped: $(grep -iE '^(skipped|skip)[: ]' "$log" | head -n 1)"
        else
            record "$name" 0 1 "$t (no count line; exit $rc)"
        fi
        return
    fi
    p=${c% *} f=${c#* }
    note=""
    if grep -q '^SKIPPED:' "$log"; then note="skipped: $(sed -n 's/^SKIPPED: //p' "$log" | head -n 1)"; fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        note="exit $rc despite no failures"
    fi
    dg=""
    if [ "$f" -gt 0 ]; then
        dg="--- $name
$(grep -E -A3 -m 8 '^(FAIL|not ok|BAD)| [1-9][0-9]* FAILED' "$log" | cut -c1-200 | head -n 40)"
    fi
    record "$name" "$p" "$f" "$t $note" "$dg"
}

logname() { echo "$LOGDIR/$(echo "$1" | tr '/ ' '__').log"; }
# Every shell suite, in order: NAME|SCRIPT.
suites=()
for script in c-tests/*/run.sh pine-compat/run.sh; do
    [ -f "$script" ] || continue
    case $script in c-tests/lib/*) continue ;; esac
    suites+=("$(dirname "$script")|$script")
done
# The both-directions-on-disk suite of the mailbox tests has its own name.
[ -f c-tests/mailbox/writeback.sh ] && suites+=("c-tests/mailbox writeback|c-tests/mailbox/writeback.sh")

is_side() { [ "$TEST_JOBS" -ge 2 ] && [ -n "$SIDE_SUITES" ] && echo "|$SIDE_SUITES|" | grep -qF "|$1|"; }

# Second lane: the side suites, longest first (the order of SIDE_SUITES).
side=()
if [ "$TEST_JOBS" -ge 2 ]; then
    IFS='|' read -r -a side_names <<<"$SIDE_SUITES"
    for n in "${side_names[@]}"; do
        for s in "${suites[@]}"; do
            [ "${s%%|*}" = "$n" ] && side+=("$s")
        done
    done
fi
if [ ${#side[@]} -gt 0 ]; then
    echo "=== started in a second lane: $(for s in "${side[@]}"; do printf '%s; ' "${s%%|*}"; done)"
    (
        for s in "${side[@]}"; do
            run_suite "${s%%|*}" "$(logname "${s%%|*}")" bash "${s#*|}"
        done
    ) &
    side_pid=$!
fi

# 1. cargo test: sum every "test result:" line. Built first (--no-run), so
# that the summary shows build and run times apart.
echo "=== cargo test"
log=$LOGDIR/cargo-test.log
t0=$SECONDS
cargo test --workspace --no-run >"$log" 2>&1
build_took=$((SECONDS - t0))
cargo test --workspace >>"$log" 2>&1
grep -E '^(test result|error|failures:|    [a-z_:]+$)' "$log"
p=$(sed -n 's/^test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
f=$(sed -n 's/^test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\2/p' "$log" | awk '{s+=$1} END {print s+0}')
if grep -qE '^error(\[|:)' "$log" && [ "$f" -eq 0 ]; then
    f=1
fi
dg=""
[ "$f" -gt 0 ] && dg="--- cargo test
$(grep -E -A12 '^failures:$' "$log" | grep -E '^    [A-Za-z0-9_:]+$' | sort -u | head -n 20)"
record "cargo test" "$p" "$f" "$((SECONDS - t0))s (build ${build_took}s)" "$dg"

# 2. Generated bindings still match include/.
echo "=== check-generated"
log=$LOGDIR/check-generated.log
timed "$log" sh c-tests/lib/check-generated.sh
cat "$log"
if grep -q '^SKIPPED:' "$log"; then
    record "check-generated" 0 0 "${took}s skipped: $(sed -n 's/^SKIPPED: //p' "$log")"
elif [ "$rc" -eq 0 ]; then
    record "check-generated" 1 0 "${took}s"
else
    record "check-generated" 0 1 "${took}s"
fi

# 3. Shell suites of this lane.
for s in "${suites[@]}"; do
    n=${s%%|*}
    is_side "$n" && continue
    echo "=== $n"
    run_suite "$n" "$(logname "$n")" bash "${s#*|}"
    cat "$(logname "$n")"
done
if [ -n "$side_pid" ]; then
    wait "$side_pid"
    side_pid=""
    for s in "${side[@]}"; do
        echo "=== ${s%%|*} (second lane)"
        cat "$(logname "${s%%|*}")"
    done
fi

total_pass=0
total_fail=0
digest=""
echo
echo "=== summary (time per suite: wall, and CPU = user + system)"
for n in "cargo test" "check-generated" "${suites[@]%%|*}"; do
    r=$(resfile "$n").res
    if [ ! -f "$r" ]; then
        p=0 f=1 note="no result (lane died?)"
    else
        { read -r p; read -r f; read -r note; } <"$r"
    fi
    is_side "$n" && note="$note [second lane]"
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    printf '%-28s %6s passed %4s failed  %s\n' "$n" "$p" "$f" "$note"
    [ -f "$(resfile "$n").digest" ] && digest="$digest$(cat "$(resfile "$n").digest")
"
done
echo "(logs in build/test-logs/; make test took ${SECONDS}s with $TEST_JOBS lane(s))"
if [ -n "$digest" ]; then
    echo "=== failures (first lines of each failing suite)"
    printf '%s' "$digest"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
