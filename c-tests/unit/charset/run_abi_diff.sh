#!/bin/sh
# Runs the same requests through oracle.c linked to the original library and
# to ours (target/debug/libc_client.so, built first by `cargo build`), and
# compares the answers line by line. Usage: run_abi_diff.sh REQUEST-FILE
# (see oracle.c for the request format; `S` requests are not exported yet).
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$root/target/debug/libc_client.so" "$tmp/libc-client.so.2007e"
gcc -O1 -I/usr/include/c-client "$here/oracle.c" -o "$tmp/orig" -lc-client
gcc -O1 -I/usr/include/c-client "$here/oracle.c" -o "$tmp/ours" "$tmp/libc-client.so.2007e"
"$tmp/orig" < "$1" > "$tmp/a"
LD_LIBRARY_PATH="$tmp" "$tmp/ours" < "$1" > "$tmp/b"
total=$(wc -l < "$1")
bad=$(paste -d '\t' "$tmp/a" "$tmp/b" | awk -F'\t' '$1 != $2' | wc -l)
echo "$((total - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
