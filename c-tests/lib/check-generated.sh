#!/bin/sh
# Regenerates src/abi/bindings.rs from include/ with tools/gen-bindings and
# fails when the committed file differs. Skips (exit 0, "SKIPPED:") when
# include/ or libclang is missing.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
if [ ! -f include/c-client.h ]; then
    echo "SKIPPED: include/c-client.h not there yet"
    exit 0
fi
if ! ls /usr/lib/llvm-*/lib/libclang*.so* /usr/lib/*/libclang*.so* >/dev/null 2>&1 &&
    [ -z "${LIBCLANG_PATH:-}" ]; then
    echo "SKIPPED: libclang not found (apt-get install libclang-dev)"
    exit 0
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if ! cargo run -q -p gen-bindings -- include "$out"; then
    echo "check-generated: tools/gen-bindings failed"
    exit 1
fi
if cmp -s "$out" src/abi/bindings.rs; then
    echo "check-generated: src/abi/bindings.rs is up to date"
else
    diff -u src/abi/bindings.rs "$out" | head -n 40
    echo "check-generated: src/abi/bindings.rs is stale: run 'cargo run -p gen-bindings -- include src/abi/bindings.rs'"
    exit 1
fi
