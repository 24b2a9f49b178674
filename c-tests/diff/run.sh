#!/bin/sh
# Differential corpus test: dump every corpus message with the original
# c-client and with ours (build/lib), compare. See docs/testing.md.
#   DIFF_SELFTEST=1 c-tests/diff/run.sh   # original on both sides
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ ! -d "$root/../shared/corpus" ]; then
    echo "skipped: ../shared/corpus not found"
    exit 0
fi
command -v python3 >/dev/null 2>&1 || { echo "error: python3 is needed"; exit 1; }
command -v gcc >/dev/null 2>&1 || { echo "error: gcc is needed"; exit 1; }
[ -f /usr/include/c-client/c-client.h ] || {
    echo "error: the original's headers (/usr/include/c-client) are missing"; exit 1; }
exec python3 "$here/difftest.py" "$@"
