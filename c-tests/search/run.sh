#!/bin/sh
# Differential test of mail.c's search (mail_criteria, mail_search_full and
# the helpers under it) over a unix mailbox of messages written by the
# program, and a dozen criteria over a real mailbox of the corpus when it
# is present. The program is built once against the original's headers and
# run against the original library and against ours; every section of the
# output ("== name") must be identical. Runs as the unprivileged test user.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"
have_test_user || skip_suite "test user $CCT_USER does not exist"
[ -f "$CCT_ORIG_INC/c-client.h" ] && [ -f "$CCT_ORIG_SO" ] || skip_suite "the original library (oracle) is not installed"
[ -f "$CCT_LIBDIR/libc-client.so.2007e" ] || (cd "$CCT_ROOT" && make lib >/dev/null) \
    || { echo "0 passed, 1 failed"; exit 1; }
user_tmpdir
stage_lib "$CCT_TMP/lib"
if ! cc -w -I"$CCT_ORIG_INC" -o "$CCT_TMP/search" "$here/search.c" -lc-client; then
    fail "search.c builds against the original headers"
    finish
fi
chmod -R a+rX "$CCT_TMP"
run() { # libdir-or-empty output args...
    _lib=$1 _out=$2
    shift 2
    # A fresh home for each library, so both start from no mailbox.
    rm -rf "$CCT_USER_HOME"/* "$CCT_USER_HOME"/.[!.]* 2>/dev/null
    [ -n "$corpus_box" ] && cp "$corpus_box" "$CCT_USER_HOME/corpus.mbox" && chmod 644 "$CCT_USER_HOME/corpus.mbox" \
        && { is_root && chown "$CCT_USER" "$CCT_USER_HOME/corpus.mbox"; true; }
    (cd "$CCT_USER_HOME" && LD_LIBRARY_PATH=$_lib as_user "$CCT_TMP/search" "$@") > "$_out" 2>&1
    echo "exit $?" >> "$_out"
    [ $# -eq 0 ] || return 0
    # The consumers over the mailbox the program left: PHP's imap_search,
    # then mailutil prune (which deletes what a criteria string matches).
    if [ "$php_ok" = 1 ]; then
        (cd "$CCT_USER_HOME" && LD_LIBRARY_PATH=$_lib as_user timeout -k 5 60 php "$CCT_TMP/search.php" srch) >> "$_out" 2>&1
    fi
    if [ -x /usr/bin/mailutil ]; then
        for c in 'SUBJECT trip' 'BEFORE 1-Jan-2010 UNDELETED' 'BOGUS' 'BODY straße' 'KEYWORD kwone'; do
            echo "== mailutil prune [$c]" >> "$_out"
            (cd "$CCT_USER_HOME" && as_user cp srch pruned && LD_LIBRARY_PATH=$_lib as_user timeout -k 5 60 mailutil prune pruned "$c"; echo "exit $?"
             LD_LIBRARY_PATH=$_lib as_user timeout -k 5 60 mailutil check pruned) >> "$_out" 2>&1
        done
    fi
}
php_ok=0
if command -v php >/dev/null 2>&1 && php -r 'exit(extension_loaded("imap") ? 0 : 1);' 2>/dev/null; then
    php_ok=1
    cp "$here/search.php" "$CCT_TMP/search.php"
    chmod 644 "$CCT_TMP/search.php"
else
    skip "php with its imap extension is not installed"
fi
# One result per section, so a difference points at the feature.
split() { # file dir
    mkdir -p "$2"
    awk -v dir="$2" 'BEGIN { n = 0; f = dir "/000-start" }
        /^== / { n++; name = $0; gsub(/[^A-Za-z0-9]+/, "-", name); f = sprintf("%s/%03d%s", dir, n, substr(name, 1, 60)) }
        { print > f }' "$1"
}
compare() { # label
    # SEARCH_KEEP=DIR keeps both outputs for a look.
    [ -n "${SEARCH_KEEP:-}" ] && cp "$CCT_TMP/orig" "$SEARCH_KEEP/$1.orig" && cp "$CCT_TMP/ours" "$SEARCH_KEEP/$1.ours"
    split "$CCT_TMP/orig" "$CCT_TMP/o-$1"
    split "$CCT_TMP/ours" "$CCT_TMP/u-$1"
    for f in "$CCT_TMP/o-$1"/*; do
        name=$(basename "$f")
        if [ -f "$CCT_TMP/u-$1/$name" ] && cmp -s "$f" "$CCT_TMP/u-$1/$name"; then
            ok "$1 $name"
        else
            fail "$1 $name"
            diff -u "$f" "$CCT_TMP/u-$1/$name" 2>&1 | head -30
        fi
    done
    for f in "$CCT_TMP/u-$1"/*; do
        [ -f "$CCT_TMP/o-$1/$(basename "$f")" ] || fail "$1 $(basename "$f") (only in ours)"
    done
    check "$1: the original ran the whole program" grep -aq '^done$' "$CCT_TMP/orig"
}
corpus_box=
run "" "$CCT_TMP/orig"
run "$CCT_TMP/lib" "$CCT_TMP/ours"
compare built-in
# The corpus: one real mbox with 8-bit and encoded-word mail.
corpus_dir="$CCT_ROOT/../shared/corpus"
[ -d "$corpus_dir" ] || corpus_dir="$CCT_ROOT/../../shared/corpus"   # from a worktree
corpus_box="$corpus_dir/linux-mips-archive/linux-mips-2002-2009-i18n.mbox"
if [ -f "$corpus_box" ]; then
    run "" "$CCT_TMP/orig" corpus corpus.mbox
    run "$CCT_TMP/lib" "$CCT_TMP/ours" corpus corpus.mbox
    compare corpus
else
    skip "corpus: $corpus_box is absent"
fi
finish
