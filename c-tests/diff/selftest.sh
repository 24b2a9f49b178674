#!/bin/sh
# Checks the differential harness itself, with the original library on both
# sides: (1) the whole corpus must pass and (2) injected faults on "our" side
# (a crash, a hang, a changed subject) must each be reported as failures of
# exactly the messages hit, while the rest of their batch still passes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ ! -d "$root/../shared/corpus" ]; then
    echo "skipped: ../shared/corpus not found"; exit 0
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gcc -shared -fPIC -O2 -I/usr/include/c-client "$here/selftest_shim.c" \
    -o "$out/shim.so" -ldl || exit 1
fail=0
check() { # name expected-final-line log
    last=$(tail -n 1 "$3")
    if [ "$last" = "$2" ]; then echo "ok   $1: $last"
    else echo "FAIL $1: got '$last', want '$2'"; sed 's/^/    /' "$3"; fail=1; fi
}
DIFF_SELFTEST=1 "$here/run.sh" > "$out/clean.log"
n=$(tail -n 1 "$out/clean.log" | sed 's/ passed.*//')
check "whole corpus, original vs original" "$n passed, 0 failed" "$out/clean.log"

# python-test_email holds one message per file (two files are one-message
# mboxes); count the files whose top-level header has the marker
f=python-test_email/data
total=$(ls "$root/../shared/corpus/$f" | wc -l)
hits() {
    for m in "$root/../shared/corpus/$f"/*; do
        awk '/^\r?$/ { exit } { print }' "$m" | grep -q -- "$1" && echo x
    done | wc -l
}
for kind in CRASH HANG DIFF; do
    case $kind in
        CRASH) marker="Subject: Lyrics" ;;
        HANG)  marker="Subject: This is a test message" ;;
        DIFF)  marker="Subject: Here is your dingus fish" ;;
    esac
    h=$(hits "$marker")
    [ "$h" -gt 0 ] || { echo "FAIL $kind: marker '$marker' matches no file"; fail=1; continue; }
    env DIFF_SELFTEST=1 DIFF_FILTER=$f/ DIFF_OURS_PRELOAD="$out/shim.so" \
        DIFF_TIMEOUT=20 DIFF_MSG_TIMEOUT=3 "SHIM_$kind=$marker" \
        "$here/run.sh" > "$out/$kind.log"
    check "injected $kind ($marker)" "$((total - h)) passed, $h failed" "$out/$kind.log"
done
exit $fail
