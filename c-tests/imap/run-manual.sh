#!/bin/sh
# IMAP differential suite: a private Dovecot (c-tests/lib/dovecot.sh) on
# ports 14200-14203, alice's INBOX filled through the ORIGINAL library with
# corpus messages (../shared/corpus; generated messages when absent), then
# imapdiff.c (compiled once against the original headers) run with each
# library against identical copies of the mailbox; outputs compared.
# Masked: Dovecot's "(n.nnn + n.nnn secs)" timings in response texts.
# The wrong-password part is compared separately and reported as a known
# difference (see docs/deviations.md).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"
. "$here/../lib/dovecot.sh"
if ! dovecot_available; then
    echo "skipping: Dovecot not available (needs root, dovecot-imapd, openssl)"
    echo "0 passed, 0 failed"; exit 0
fi
work=/tmp/imap-suite
rm -rf "$work"; mkdir -p "$work"
port=14200
dovecot_start "$work/dc" $port || { echo "0 passed, 1 failed"; exit 1; }
trap 'dovecot_stop' EXIT
cc -w -I"$CCT_ORIG_INC" -o "$work/imapdiff" "$here/imapdiff.c" -lc-client || { fail compile; finish; }
corpus=""
for c in "$CCT_ROOT/../shared/corpus" "$CCT_ROOT/../../shared/corpus" /work/shared/corpus; do
    [ -d "$c" ] && corpus=$(cd "$c" && pwd) && break
done
if [ -n "$corpus" ]; then
    find "$corpus" -type f \( -name '*.eml' -o -name '*.msg' \) -size -60k -size +1k |
        LC_ALL=C sort | awk 'NR%10==1' | head -30 > "$work/files"
else
    echo "note: ../shared/corpus absent, using generated messages"
    for i in 1 2 3 4 5 6; do
        printf 'From: A%s <a%s@example.com>\nTo: alice@example.com\nSubject: test %s\nMessage-ID: <m%s@example.com>\n\nBody %s mime test\n' $i $i $i $i $i > "$work/gen$i.eml"
        echo "$work/gen$i.eml" >> "$work/files"
    done
fi
"$work/imapdiff" $port populate $(cat "$work/files") > "$work/populate.log" 2>&1
cp -a "$DOVECOT_DIR/home" "$work/home.orig"
run() { # LIBDIR OUT
    rm -rf "$DOVECOT_DIR/home"; cp -a "$work/home.orig" "$DOVECOT_DIR/home"
    if [ -n "$1" ]; then
        LD_LIBRARY_PATH=$1 timeout 60 "$work/imapdiff" $port > "$2.raw" 2>&1
    else
        timeout 60 "$work/imapdiff" $port > "$2.raw" 2>&1
    fi
    echo "exit $?" >> "$2.raw"
    sed -E 's/ \([0-9.]+( \+ [0-9.]+)+ secs\)//' "$2.raw" > "$2"
}
run "" "$work/orig.txt"
run "$CCT_LIBDIR" "$work/ours.txt"
# Everything up to the wrong-password case must be identical.
sed '/^== bad password/,$d' "$work/orig.txt" > "$work/orig.main"
sed '/^== bad password/,$d' "$work/ours.txt" > "$work/ours.main"
n=$(grep -c '^message ' "$work/orig.main")
if [ "$n" -gt 0 ] && cmp -s "$work/orig.main" "$work/ours.main"; then
    ok "session over $n messages identical ($(wc -l < "$work/orig.main") lines)"
else
    fail "session differs ($n messages)"; diff "$work/orig.main" "$work/ours.main" | head -40
fi
for sec in "== open" "== messages" "== stores" "== searches" "== sort" "== thread" "== status" "== mailboxes" "== expunge" "== quota and acl" "== close"; do
    a=$(sed -n "/^$sec\$/,/^== /p" "$work/orig.main" | md5sum)
    b=$(sed -n "/^$sec\$/,/^== /p" "$work/ours.main" | md5sum)
    if [ "$a" = "$b" ]; then ok "section $sec"; else fail "section $sec"; fi
done
if grep -q "open failed" "$work/ours.txt" || ! grep -q "^open failed" "$work/ours.txt"; then
    if sed -n '/^== bad password/,$p' "$work/ours.txt" | grep -q "^open failed"; then
        ok "wrong password refused"
    else
        fail "wrong password refused"
    fi
fi
echo "(outputs in $work)"
finish
