#!/bin/bash
# `make test`: cargo test, the bindings freshness check (when libclang is
# there), then every c-tests/*/run.sh and pine-compat/run.sh, discovered so
# that new suites join by existing. Prints one line per suite and a last
# line "N passed, N failed" summing them; a suite that crashes or exits
# non-zero without a count counts as one failure.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
LOGDIR="$ROOT/build/test-logs"
mkdir -p "$LOGDIR"
# Suites get this long each before they count as hung (seconds).
SUITE_TIMEOUT=${SUITE_TIMEOUT:-900}

total_pass=0
total_fail=0
report=""
# The first failure lines of each failing suite, repeated after the
# summary so that the tail of a CI log names what failed.
digest=""

add() { # add NAME PASS FAIL NOTE
    total_pass=$((total_pass + $2))
    total_fail=$((total_fail + $3))
    report="$report$(printf '%-28s %6s passed %4s failed  %s' "$1" "$2" "$3" "$4")
"
}

# Last "N passed, N failed" line of a log, as "N N"; empty when absent.
counts_of() {
    tail -n 1 "$1" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p'
}

run_suite() { # run_suite NAME LOG CMD...
    name=$1 log=$2
    shift 2
    echo "=== $name"
    started=$SECONDS
    timeout --kill-after=10 "$SUITE_TIMEOUT" "$@" >"$log" 2>&1
    rc=$?
    took="$((SECONDS - started))s"
    cat "$log"
    c=$(counts_of "$log")
    if [ -z "$c" ]; then
        # A suite that skips itself may say so without a count line.
        if [ "$rc" -eq 0 ] && grep -qiE '^(skipped|skip)[: ]' "$log"; then
            add "$name" 0 0 "$took skipped: $(grep -iE '^(skipped|skip)[: ]' "$log" | head -n 1)"
        else
            add "$name" 0 1 "$took (no count line; exit $rc)"
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
    add "$name" "$p" "$f" "$took $note"
    if [ "$f" -gt 0 ]; then
        digest="$digest--- $name
$(grep -E -A3 -m 8 '^(FAIL|not ok|BAD)| [1-9][0-9]* FAILED' "$log" | cut -c1-200 | head -n 40)
"
    fi
}

# 1. cargo test: sum every "test result:" line.
echo "=== cargo test"
cargo test --workspace 2>&1 | tee "$LOGDIR/cargo-test.log" | grep -E '^(test result|error|failures:|    [a-z_:]+$)' || true
p=$(sed -n 's/^test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1/p' "$LOGDIR/cargo-test.log" | awk '{s+=$1} END {print s+0}')
f=$(sed -n 's/^test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\2/p' "$LOGDIR/cargo-test.log" | awk '{s+=$1} END {print s+0}')
if grep -qE '^error(\[|:)' "$LOGDIR/cargo-test.log" && [ "$f" -eq 0 ]; then
    f=1
fi
add "cargo test" "$p" "$f" ""

# 2. Generated bindings still match include/.
echo "=== check-generated"
sh c-tests/lib/check-generated.sh >"$LOGDIR/check-generated.log" 2>&1
rc=$?
cat "$LOGDIR/check-generated.log"
if grep -q '^SKIPPED:' "$LOGDIR/check-generated.log"; then
    add "check-generated" 0 0 "skipped: $(sed -n 's/^SKIPPED: //p' "$LOGDIR/check-generated.log")"
elif [ "$rc" -eq 0 ]; then
    add "check-generated" 1 0 ""
else
    add "check-generated" 0 1 ""
fi

# 3. Shell suites.
for script in c-tests/*/run.sh pine-compat/run.sh; do
    [ -f "$script" ] || continue
    case $script in c-tests/lib/*) continue ;; esac
    name=$(dirname "$script")
    run_suite "$name" "$LOGDIR/$(echo "$name" | tr / _).log" bash "$script"
done
# The both-directions-on-disk suite of the mailbox tests has its own name.
run_suite "c-tests/mailbox writeback" "$LOGDIR/c-tests_mailbox_writeback.log" \
    bash c-tests/mailbox/writeback.sh

echo
echo "=== summary"
printf '%s' "$report"
echo "(logs in build/test-logs/)"
if [ -n "$digest" ]; then
    echo "=== failures (first lines of each failing suite)"
    printf '%s' "$digest"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
