#!/bin/sh
# Regenerates src/abi/bindings.rs and tests/abi_signatures.rs from include/
# with tools/gen-bindings and fails when a committed file differs; when the
# interface tables (../shared/abi) are there, also checks that the generated
# blocks of include/ are current (tools/gen-headers). Skips (exit 0, "SKIPPED:") when
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
status=0
if [ -d ../shared/abi ]; then
    if python3 tools/gen-headers/gen-headers.py ../shared/abi include --check; then
        echo "check-generated: generated blocks of include/ are up to date"
    else
        echo "check-generated: include/ is stale: run 'python3 tools/gen-headers/gen-headers.py ../shared/abi include'"
        status=1
    fi
else
    echo "note: ../shared/abi not found, generated blocks of include/ not checked"
fi
out=$(mktemp)
sig=$(mktemp)
trap 'rm -f "$out" "$sig"' EXIT
if ! cargo run -q -p gen-bindings -- include "$out" "$sig"; then
    echo "check-generated: tools/gen-bindings failed"
    exit 1
fi
if cmp -s "$out" src/abi/bindings.rs; then
    echo "check-generated: src/abi/bindings.rs is up to date"
else
    diff -u src/abi/bindings.rs "$out" | head -n 40
    echo "check-generated: src/abi/bindings.rs is stale: run 'cargo run -p gen-bindings -- include src/abi/bindings.rs tests/abi_signatures.rs'"
    exit 1
fi
if cmp -s "$sig" tests/abi_signatures.rs; then
    echo "check-generated: tests/abi_signatures.rs is up to date"
else
    diff -u tests/abi_signatures.rs "$sig" | head -n 40
    echo "check-generated: tests/abi_signatures.rs is stale: run 'cargo run -p gen-bindings -- include src/abi/bindings.rs tests/abi_signatures.rs'"
    exit 1
fi
exit $status
