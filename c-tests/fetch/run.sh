#!/bin/sh
# Differential test of mail.c's stream operations (fetch, flags, sets,
# UIDs, overviews, append/copy/expunge dispatch, handles) through a driver
# the C program defines itself and links with mail_link. The program is
# built once against the original's headers and run against the original
# library and against ours; every section of the output ("== name") must
# be identical. Runs as the unprivileged test user, like the other suites.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"
have_test_user || skip_suite "test user $CCT_USER does not exist"
[ -f "$CCT_ORIG_INC/c-client.h" ] && [ -f "$CCT_ORIG_SO" ] || skip_suite "the original library (oracle) is not installed"
[ -f "$CCT_LIBDIR/libc-client.so.2007e" ] || (cd "$CCT_ROOT" && make lib >/dev/null) \
    || { echo "0 passed, 1 failed"; exit 1; }
user_tmpdir
stage_lib "$CCT_TMP/lib"
if ! cc -w -I"$CCT_ORIG_INC" -o "$CCT_TMP/fetch" "$here/fetch.c" -lc-client; then
    fail "fetch.c builds against the original headers"
    finish
fi
chmod -R a+rX "$CCT_TMP"
run() { # libdir-or-empty output
    (cd "$CCT_USER_HOME" && LD_LIBRARY_PATH=$1 as_user "$CCT_TMP/fetch") > "$2" 2>&1
    echo "exit $?" >> "$2"
}
run "" "$CCT_TMP/orig"
run "$CCT_TMP/lib" "$CCT_TMP/ours"
# One result per section, so a difference points at the feature.
split() { # file dir
    mkdir -p "$2"
    awk -v dir="$2" 'BEGIN { n = 0; f = dir "/00-start" }
        /^== / { n++; name = $0; gsub(/[^A-Za-z0-9]+/, "-", name); f = sprintf("%s/%02d%s", dir, n, name) }
        { print > f }' "$1"
}
split "$CCT_TMP/orig" "$CCT_TMP/o"
split "$CCT_TMP/ours" "$CCT_TMP/u"
for f in "$CCT_TMP"/o/*; do
    name=$(basename "$f")
    if [ -f "$CCT_TMP/u/$name" ] && cmp -s "$f" "$CCT_TMP/u/$name"; then
        ok "$name ($(wc -l < "$f") lines identical)"
    else
        fail "$name"
        diff -u "$f" "$CCT_TMP/u/$name" 2>&1 | head -30
    fi
done
for f in "$CCT_TMP"/u/*; do
    [ -f "$CCT_TMP/o/$(basename "$f")" ] || fail "$(basename "$f") (only in ours)"
done
check "the original ran the whole program" grep -q '^done$' "$CCT_TMP/orig"
finish
