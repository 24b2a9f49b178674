#!/bin/bash
# `make test` entry for the no-lose suites: the library under test must keep
# every message through kills, a full disk, concurrent delivery and bad
# input. Runs each suite against build/lib (OURS_LIB overrides) and sums
# their counts. The kill trials run 200 times per operation on mailboxes of
# 1000 messages (the suite's own default is 3000), about 5 minutes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export KILL_TRIALS=${KILL_TRIALS:-200}
export KILL_MESSAGES=${KILL_MESSAGES:-1000}
pass=0; fail=0
for suite in killtrials concurrent fulldisk badinput; do
    log=$(mktemp)
    bash "$here/$suite.sh" >"$log" 2>&1
    rc=$?
    cat "$log"
    c=$(tail -n 1 "$log" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p')
    rm -f "$log"
    if [ -z "$c" ]; then
        echo "FAIL $suite: no count line (exit $rc)"
        fail=$((fail + 1))
        continue
    fi
    pass=$((pass + ${c% *}))
    fail=$((fail + ${c#* }))
    [ "$rc" -eq 0 ] || [ "${c#* }" -ne 0 ] || { echo "FAIL $suite: exit $rc"; fail=$((fail + 1)); }
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
