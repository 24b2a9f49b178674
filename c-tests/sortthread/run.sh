#!/bin/sh
# Differential test of mail.c's sort, thread and overview halves and of
# searches with a CHARSET: one C program built against the original's
# headers, run with the original library and with ours over every mbox of
# the corpus (or, when the corpus is absent, over a small mailbox made
# here), then a PHP script (imap_sort, imap_thread, imap_fetch_overview,
# imap_search with a charset) under each library. Every section ("== name")
# of the outputs must be identical. Then containers.c (the threader's
# container helpers on trees it builds), same way. Runs as the unprivileged
# test user.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"
have_test_user || skip_suite "test user $CCT_USER does not exist"
[ -f "$CCT_ORIG_INC/c-client.h" ] && [ -f "$CCT_ORIG_SO" ] || skip_suite "the original library (oracle) is not installed"
[ -f "$CCT_LIBDIR/libc-client.so.2007e" ] || (cd "$CCT_ROOT" && make lib >/dev/null) \
    || { echo "0 passed, 1 failed"; exit 1; }
user_tmpdir
stage_lib "$CCT_TMP/lib"
if ! cc -w -O1 -I"$CCT_ORIG_INC" -o "$CCT_TMP/st" "$here/sortthread.c" -lc-client; then
    fail "sortthread.c builds against the original headers"
    finish
fi
cp "$here/sortthread.php" "$CCT_TMP/st.php"
chmod -R a+rX "$CCT_TMP"

# Search keys: words in UTF-8 converted to each charset at test time.
keys="$CCT_TMP/keys"
: > "$keys"
addkey() { # charset field utf8-word
    _hex=$(printf '%s' "$3" | iconv -f UTF-8 -t "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')
    [ -n "$_hex" ] && echo "$1 $2 $_hex" >> "$keys"
}
addkey UTF-8 TEXT "的"
addkey UTF-8 SUBJECT "é"
addkey ISO-8859-1 TEXT "é"
addkey ISO-8859-1 SUBJECT "Ü"
addkey ISO-2022-JP TEXT "の"
addkey ISO-2022-JP SUBJECT "日本"
addkey GB2312 TEXT "的"
addkey GB2312 BODY "公司"
addkey BIG5 TEXT "的"
addkey BIG5 SUBJECT "公司"
addkey EUC-KR TEXT "니다"
addkey EUC-KR SUBJECT "안녕"
addkey KOI8-R TEXT "и"
addkey KOI8-R BODY "Вы"
addkey US-ASCII TEXT "mips"
echo "XYZZY TEXT 41" >> "$keys"
chmod 644 "$keys"

split() { # file dir
    mkdir -p "$2"
    awk -v dir="$2" 'BEGIN { n = 0; f = dir "/000-start" }
        /^== / { n++; name = $0; gsub(/[^A-Za-z0-9]+/, "-", name); f = sprintf("%s/%03d%s", dir, n, substr(name, 1, 60)) }
        { print > f }' "$1"
}
compare() { # label orig ours
    [ -n "${SORTTHREAD_KEEP:-}" ] && _k=$(echo "$1" | tr / _) && cp "$2" "$SORTTHREAD_KEEP/$_k.orig" && cp "$3" "$SORTTHREAD_KEEP/$_k.ours"
    rm -rf "$CCT_TMP/o" "$CCT_TMP/u"
    split "$2" "$CCT_TMP/o"
    split "$3" "$CCT_TMP/u"
    _bad=0 _good=0
    for f in "$CCT_TMP/o"/*; do
        name=$(basename "$f")
        if [ -f "$CCT_TMP/u/$name" ] && cmp -s "$f" "$CCT_TMP/u/$name"; then
            _good=$((_good + 1))
        else
            _bad=$((_bad + 1))
            echo "  differs: $1 $name"
            diff "$f" "$CCT_TMP/u/$name" 2>&1 | head -8
        fi
    done
    for f in "$CCT_TMP/u"/*; do
        [ -f "$CCT_TMP/o/$(basename "$f")" ] || { _bad=$((_bad + 1)); echo "  only in ours: $1 $(basename "$f")"; }
    done
    if [ "$_bad" -eq 0 ]; then ok "$1: $_good sections identical"; else fail "$1: $_bad of $((_good + _bad)) sections differ"; fi
    if grep -aq '^done$' "$2"; then ok "$1: the original ran the whole program"; else fail "$1: the original did not finish"; fi
}
runone() { # label mbox-path extra...
    _label=$1 _box=$2
    shift 2
    cp "$_box" "$CCT_USER_HOME/box" && chmod 644 "$CCT_USER_HOME/box"
    is_root && chown "$CCT_USER" "$CCT_USER_HOME/box"
    for lib in orig ours; do
        _l=; [ $lib = ours ] && _l="$CCT_TMP/lib"
        (cd "$CCT_USER_HOME" && LD_LIBRARY_PATH=$_l as_user timeout -k 5 120 "$CCT_TMP/st" box "$keys" "$@") > "$CCT_TMP/$lib" 2>&1
        echo "exit $?" >> "$CCT_TMP/$lib"
        if [ "$php_ok" = 1 ]; then
            (cd "$CCT_USER_HOME" && LD_LIBRARY_PATH=$_l as_user timeout -k 5 120 php "$CCT_TMP/st.php" box "$keys" "$@") >> "$CCT_TMP/$lib" 2>&1
        fi
    done
    # Identifiers generated for messages without a Message-ID carry the
    # UID validity, the time of the first open: the two runs may fall in
    # different seconds.
    for lib in orig ours; do
        sed 's/\(box\.\)[0-9a-f]\{8\}\./\1VALIDITY./g' "$CCT_TMP/$lib" > "$CCT_TMP/$lib.n" && mv "$CCT_TMP/$lib.n" "$CCT_TMP/$lib"
    done
    compare "$_label" "$CCT_TMP/orig" "$CCT_TMP/ours"
}
php_ok=0
if command -v php >/dev/null 2>&1 && php -r 'exit(extension_loaded("imap") ? 0 : 1);' 2>/dev/null; then
    php_ok=1
else
    skip "php with its imap extension is not installed: PHP part not run"
fi

corpus_dir="$CCT_ROOT/../shared/corpus"
[ -d "$corpus_dir" ] || corpus_dir="$CCT_ROOT/../../shared/corpus"
if [ -d "$corpus_dir" ]; then
    boxes=$(find "$corpus_dir" -type f -size +0 | sort | while read -r f; do
        head -c 5 "$f" 2>/dev/null | grep -q '^From ' && echo "$f"; done)
    for b in $boxes; do
        size=$(wc -c < "$b")
        mode=
        if [ "$size" -gt 10000000 ] && [ -z "${SORTTHREAD_FULL:-}" ]; then
            skip "$(basename "$b"): over 10 MB, run with SORTTHREAD_FULL=1 (keeps the suite near a minute)"
            continue
        fi
        [ "$size" -gt 3000000 ] && mode=light
        runone "$(echo "$b" | sed "s|^$corpus_dir/||")" "$b" $mode
    done
else
    echo "NOTE: the corpus ($corpus_dir) is absent; using a generated mailbox only"
fi
# A generated mailbox: the cases the corpus may lack (duplicate and missing
# Message-IDs, reference loops, broken References, bad and zoned dates,
# re/fwd subjects, folded headers).
gen="$CCT_TMP/gen.mbox"
{
    m() { # n date subject msgid refs inreplyto from
        printf 'From sender@example.com Mon Jan  %d 10:00:00 2001\n' "$(( ($1 % 9) + 1 ))"
        [ -n "$2" ] && printf 'Date: %s\n' "$2"
        printf 'From: %s\nTo: to%d@example.com\n' "${7:-User $1 <u$1@example.com>}" "$(( $1 % 3 ))"
        [ $(($1 % 4)) = 0 ] && printf 'Cc: cc%d@example.com,\n\tother@example.com\n' "$1"
        printf 'Subject: %s\n' "$3"
        [ -n "$4" ] && printf 'Message-ID: %s\n' "$4"
        [ -n "$5" ] && printf 'References: %s\n' "$5"
        [ -n "$6" ] && printf 'In-Reply-To: %s\n' "$6"
        printf '\nBody of message %d\n' "$1"
        i=0; while [ $i -lt $1 ]; do echo "line $i"; i=$((i + 1)); done
        echo
    }
    m 1 "Mon, 1 Jan 2001 10:00:00 +0000" "Topic one" "<1@x>" "" ""
    m 2 "Mon, 1 Jan 2001 09:00:00 -0500" "Re: Topic one" "<2@x>" "<1@x>" ""
    m 3 "garbage date" "RE: [list] topic ONE (fwd)" "<3@x>" "<1@x> <2@x>" ""
    m 4 "" "Fwd: other" "<4@x>" "" "<99@x>"
    m 5 "Tue, 2 Jan 2001 00:00:00 +1400" "other" "<5@x>" "<99@x>" ""
    m 6 "Tue, 2 Jan 2001 00:00:00 -1200" "[Fwd: other]" "<1@x>" "<5@x>" ""
    m 7 "Wed, 3 Jan 2001 10:00:00 +0000" "loop a" "<7@x>" "<8@x>" ""
    m 8 "Wed, 3 Jan 2001 10:00:01 +0000" "loop b" "<8@x>" "<7@x>" ""
    m 9 "Thu, 1 Jan 1970 00:00:00 +0100" "" "" "<1@x> broken <3@x" ""
    m 10 "Fri, 31 Dec 1999 23:59:59 GMT" "Re:" "<10@x>" "<7@x> <7@x> <10@x>" "<8@x>"
    m 11 "Sat, 1 Jan 2000 00:00:00 EST" "=?ISO-8859-1?Q?Re=3A_R=E9sum=E9?=" "<11@x>" "" "" "=?ISO-8859-1?Q?Andr=E9?= <a@x>"
    m 12 "1 Jan 2000" "Résumé" "<12@x>" "<11@x>" ""
    m 13 "Mon, 1 Jan 2001 10:00:00 +0000" "Topic one" "" "" "<nonexistent@x>"
    m 14 "Mon, 1 Jan 2001 10:00:00 +0000" "re: re: topic one" "<14@x>" "<a@x> <b@x> <c@x>" "" "group: a@x, b@x;"
} > "$gen"
runone generated "$gen"
# The container helpers of REFERENCES threading on container trees built by
# the program (c2node with SE_UID over the generated mailbox, still in place).
if cc -w -O1 -I"$CCT_ORIG_INC" -o "$CCT_TMP/containers" "$here/containers.c" -lc-client; then
    chmod a+rx "$CCT_TMP/containers"
    for lib in orig ours; do
        _l=; [ $lib = ours ] && _l="$CCT_TMP/lib"
        (cd "$CCT_USER_HOME" && LD_LIBRARY_PATH=$_l as_user timeout -k 5 60 "$CCT_TMP/containers" box) > "$CCT_TMP/c.$lib" 2>&1
        echo "exit $?" >> "$CCT_TMP/c.$lib"
    done
    if grep -qx done "$CCT_TMP/c.orig" && cmp -s "$CCT_TMP/c.orig" "$CCT_TMP/c.ours"; then
        ok "container helpers (check_child, prune_dummy, prune_dummy_work, c2node): $(wc -l < "$CCT_TMP/c.orig") lines identical"
    else
        fail "container helpers differ from the original"
        diff "$CCT_TMP/c.orig" "$CCT_TMP/c.ours" | head -10
    fi
else
    fail "containers.c builds against the original headers"
fi
finish
