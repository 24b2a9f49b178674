#!/bin/bash
# The IMAP driver's own extensions, both opt-in (docs/imap.md): ID (RFC
# 2971) and ENABLE UTF8=ACCEPT (RFC 6855). extdiff.c is compiled once
# against the ORIGINAL headers and run with each library.
#
# ID, against a private Dovecot (c-tests/lib/dovecot.sh, 127.0.0.1
# 19870-19873; Dovecot answers ID with its name): without the opt-in, the
# callbacks and the mm_dlog transcript are the original's (tags masked, as
# c-tests/imaptrace does); with SET_IMAPID, ours sends `ID (...)` after
# the login, GET_IMAPSERVERID gives Dovecot's answer, and the rest of the
# session (callbacks; transcript without the ID exchange, tags masked) is
# the same as without.
#
# MOVE (RFC 6851), same Dovecot: without SET_IMAPMOVE the callbacks and
# transcript of mail_move (COPY, STORE +FLAGS (\Deleted), EXPUNGE) are the
# original's; with it, MOVE and UID MOVE go out, the moved messages come
# back as mm_expunged at once, and INBOX and Dest end the same.
#
# An unasked `* ID` and `* ENABLED` (unsol.py, 127.0.0.1:19876).
#
# UTF8=ACCEPT, against Courier-IMAP (Debian's courier-imap 5.0.13 offers
# it; Dovecot 2.3 does not), pre-authenticated on a private Maildir
# through courier.py (127.0.0.1:19875): names with non-ASCII characters
# created, subscribed, listed, STATUS, APPEND of an 8-bit message, SELECT,
# COPY, RENAME, DELETE. Without the opt-in both libraries give the same
# callbacks and transcript; with `/utf8` ours enables UTF8=ACCEPT, the
# names go out in UTF-8 and the program sees the same names and counts as
# without (what differs is said below), the 8-bit message goes as
# `UTF8 (~{n}...)`. courier-imap conflicts with dovecot-imapd as a
# package, so .ci/run unpacks it under build/courier-imap without
# installing it; the part is skipped when no courier imapd is found.
# Masked: UIDVALIDITY/APPENDUID/COPYUID numbers and INTERNALDATEs (both
# follow the clock).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"
. "$here/../lib/dovecot.sh"
[ -e "$CCT_LIBDIR/libc-client.so.2007e" ] || { echo "no $CCT_LIBDIR (run make)"; echo "0 passed, 1 failed"; exit 1; }
[ -e "$CCT_ORIG_SO" ] || skip_suite "the original library is not installed"
is_root || skip_suite "needs root (private Dovecot, Courier as the test user)"
work=$(mktemp -d /tmp/imapext-suite.XXXXXX)
chmod 755 "$work"
DPORT=19870
CPORT=19875
cpid=""
cleanup() {
    [ -n "$cpid" ] && kill "$cpid" 2>/dev/null
    (DOVECOT_DIR=$work/dc dovecot_stop) >/dev/null 2>&1
    [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
TMO=${IMAP_SUITE_TIMEOUT:-40}
cc -w -I"$CCT_ORIG_INC" -o "$work/extdiff" "$here/extdiff.c" -lc-client 2>"$work/cc.err" ||
    { cat "$work/cc.err"; fail "compile extdiff.c"; finish; }

# Tags, clock-driven numbers, Dovecot's timings.
mask() {
    sed -E -e 's/ \([0-9.]+( \+ [0-9.]+)+ secs\)//' \
        -e 's/(UIDVALIDITY|APPENDUID|COPYUID) [0-9]+/\1 N/' \
        -e 's/INTERNALDATE "[^"]*"/INTERNALDATE D/' \
        -e 's/^  dlog ([0-9a-f]{8}|A[0-9]{4,}) /  dlog TAG /' "$@"
}
# The transcript as c-tests/imaptrace compares it: LITERAL+ go-aheads, the
# empty SASL-IR challenge and the (random) CRAM-MD5 exchange masked.
dlogs() {
    grep -a '^  dlog ' "$1" | mask | sed -E 's/\{([0-9]+)\+\}$/{\1}/' |
        awk '
            prev ~ /\{[0-9]+\}$/ && /^  dlog \+ / { next }
            /^  dlog \+ ?$/ { prev = $0; next }
            prev ~ /AUTHENTICATE CRAM-MD5$/ && /^  dlog \+ / { print "(challenge)"; prev = "(challenge)"; next }
            prev == "(challenge)" { print "(response)"; prev = ""; next }
            { print; prev = $0 }'
}
calls() { grep -av '^  dlog ' "$1" | mask; }
same() { # NAME A B
    if cmp -s "$2" "$3"; then ok "$1"; else fail "$1"; diff "$2" "$3" | head -20; fi
}

# ---- ID against Dovecot ------------------------------------------------------
if dovecot_available && DOVECOT_DIR= dovecot_start "$work/dc" $DPORT >/dev/null 2>&1; then
    idrun() { # OUT [LIBDIR] (EXTDIFF_ID from the caller)
        rm -rf "$work/dc/home/alice/Maildir"
        if [ -n "${2:-}" ]; then
            LD_LIBRARY_PATH=$2 timeout $TMO "$work/extdiff" id $DPORT > "$1" 2>&1
        else
            env -u LD_LIBRARY_PATH timeout $TMO "$work/extdiff" id $DPORT > "$1" 2>&1
        fi
        echo "exit $?" >> "$1"
    }
    idrun "$work/id.orig"
    idrun "$work/id.ours" "$CCT_LIBDIR"
    EXTDIFF_ID=$'name=extdiff\nversion=1.0\nvendor=c-client "test"' idrun "$work/id.on" "$CCT_LIBDIR"
    calls "$work/id.orig" > "$work/c.orig"; calls "$work/id.ours" > "$work/c.ours"
    calls "$work/id.on" > "$work/c.on"
    dlogs "$work/id.orig" > "$work/t.orig"; dlogs "$work/id.ours" > "$work/t.ours"
    same "ID off: callbacks as the original's" "$work/c.orig" "$work/c.ours"
    same "ID off: /debug transcript as the original's" "$work/t.orig" "$work/t.ours"
    grep -q '^server id: (none)$' "$work/id.ours"
    check "ID off: no server answer kept (GET_IMAPSERVERID is NIL)" test $? -eq 0
    ! grep -aq '^  dlog TAG ID' "$work/t.ours"
    check "ID off: no ID command sent" test $? -eq 0
    dlogs "$work/id.on" > "$work/t.on0"
    grep -aqxF '  dlog TAG ID ("name" "extdiff" "version" "1.0" "vendor" "c-client \"test\"")' "$work/t.on0"
    check "ID on: ID sent, with the program's pairs" test $? -eq 0
    awk '/ AUTHENTICATE /{l=NR} /dlog TAG ID \(/{i=NR} / SELECT /{if(!s)s=NR} END{exit !(l && i > l && s > i)}' "$work/t.on0"
    check "ID on: after the login, before SELECT" test $? -eq 0
    grep -q '^server id: name=Dovecot$' "$work/id.on"
    check "ID on: Dovecot's answer through GET_IMAPSERVERID" test $? -eq 0
    sed '/^server id:/d' "$work/c.on" > "$work/c.on2"; sed '/^server id:/d' "$work/c.ours" > "$work/c.ours2"
    same "ID on: callbacks as without (no notice of the ID answer)" "$work/c.ours2" "$work/c.on2"
    dlogs "$work/id.on" | grep -v -e '^  dlog TAG ID (' -e '^  dlog \* ID (' -e '^  dlog TAG OK ID' > "$work/t.on"
    same "ID on: transcript as without, the ID exchange aside" "$work/t.ours" "$work/t.on"

    # MOVE (RFC 6851; Dovecot lists it), opt-in through SET_IMAPMOVE.
    mvrun() { # OUT [LIBDIR] (EXTDIFF_MOVE from the caller)
        rm -rf "$work/dc/home/alice/Maildir"
        if [ -n "${2:-}" ]; then
            LD_LIBRARY_PATH=$2 timeout $TMO "$work/extdiff" move $DPORT > "$1" 2>&1
        else
            env -u LD_LIBRARY_PATH timeout $TMO "$work/extdiff" move $DPORT > "$1" 2>&1
        fi
        echo "exit $?" >> "$1"
    }
    # mail_open starts a stream's UIDVALIDITY at the clock, so a SELECT in
    # the second Dovecot created the mailbox gets "UIDs valid" notified.
    mvcalls() { calls "$1" | grep -v '^  mm_notify 0 \[UIDVALIDITY N\] UIDs valid$'; }
    mvrun "$work/mv.orig"
    mvrun "$work/mv.ours" "$CCT_LIBDIR"
    EXTDIFF_MOVE=1 mvrun "$work/mv.on" "$CCT_LIBDIR"
    mvcalls "$work/mv.orig" > "$work/mc.orig"; mvcalls "$work/mv.ours" > "$work/mc.ours"
    dlogs "$work/mv.orig" > "$work/mt.orig"; dlogs "$work/mv.ours" > "$work/mt.ours"
    same "MOVE off: callbacks as the original's" "$work/mc.orig" "$work/mc.ours"
    same "MOVE off: /debug transcript as the original's (COPY, STORE)" "$work/mt.orig" "$work/mt.ours"
    grep -aq '^  dlog TAG COPY 2:3 Dest$' "$work/mt.ours" && ! grep -aq 'dlog TAG \(UID \)\?MOVE' "$work/mt.ours"
    check "MOVE off: COPY sent, no MOVE" test $? -eq 0
    dlogs "$work/mv.on" > "$work/mt.on"
    grep -aq '^  dlog TAG MOVE 2:3 Dest$' "$work/mt.on" && grep -aq '^  dlog TAG UID MOVE [0-9]* Dest$' "$work/mt.on" &&
        ! grep -aq 'dlog TAG \(UID \)\?\(COPY\|STORE\)' "$work/mt.on"
    check "MOVE on: MOVE and UID MOVE sent, no COPY or STORE" test $? -eq 0
    mvcalls "$work/mv.on" | awk '/^  envelope 3 /{p=1; next} p; /^move 2:3/{exit}' > "$work/mc.on.mv"
    printf '%s\n' '  mm_notify 0 [COPYUID N 2:3 1:2] Moved UIDs.' '  mm_expunged 3' '  mm_expunged 2' \
        'move 2:3 -> 1 nmsgs=1' > "$work/mc.want"
    same "MOVE on: the moved messages expunged at once (mm_expunged)" "$work/mc.want" "$work/mc.on.mv"
    mvcalls "$work/mv.orig" | sed -n '/^final INBOX/,$p' > "$work/mf.orig"
    mvcalls "$work/mv.on" | sed -n '/^final INBOX/,$p' > "$work/mf.on"
    same "MOVE on: INBOX and Dest end as with the original's COPY and STORE" "$work/mf.orig" "$work/mf.on"
    grep -q '^final Dest nmsgs=3$' "$work/mf.on"
    check "MOVE on: three messages in Dest" test $? -eq 0
else
    skip "Dovecot not available: ID not tested"
fi

# ---- an unasked ID and ENABLED (unsol.py) --------------------------------------
# The original reports each as "Unexpected untagged message" (WARN); ours
# parses both without a notice, and an unasked ENABLED UTF8=ACCEPT does not
# switch the names to UTF-8 ("A&-B" stays "A&-B").
python3 "$here/unsol.py" 19876 2>"$work/unsol.err" &
upid=$!
for _ in $(seq 200); do
    (exec 3<>/dev/tcp/127.0.0.1/19876) 2>/dev/null && break
    sleep 0.1
done
env -u LD_LIBRARY_PATH timeout $TMO "$work/extdiff" unsol 19876 > "$work/n.orig" 2>&1
LD_LIBRARY_PATH=$CCT_LIBDIR timeout $TMO "$work/extdiff" unsol 19876 > "$work/n.ours" 2>&1
kill $upid 2>/dev/null
grep -c 'Unexpected untagged message: \(ID\|ENABLED\)$' "$work/n.orig" | grep -qx 2
check "unasked ID and ENABLED: the original warns about both" test $? -eq 0
grep -v 'Unexpected untagged message: \(ID\|ENABLED\)$' "$work/n.orig" > "$work/n.orig2"
same "unasked ID and ENABLED: ours parses both, the rest as the original's" "$work/n.orig2" "$work/n.ours"

# ---- UTF8=ACCEPT against Courier ---------------------------------------------
imapd=""
for c in "${COURIER_IMAPD:-}" "$CCT_ROOT/build/courier-imap/usr/bin/imapd" /usr/bin/imapd; do
    [ -n "$c" ] && [ -x "$c" ] && grep -aq 'Courier-IMAP' "$c" && imapd=$c && break
done
if [ -z "$imapd" ]; then
    skip "no Courier imapd (courier-imap, unpacked by .ci/run under build/courier-imap): UTF8=ACCEPT not tested"
    finish
fi
mkdir -p "$work/courier"
chown "$CCT_USER:$(id -gn "$CCT_USER")" "$work/courier"
runuser -u "$CCT_USER" -- python3 "$here/courier.py" $CPORT "$work/courier" "$imapd" 2>"$work/courier.err" &
cpid=$!
for _ in $(seq 50); do
    (exec 3<>/dev/tcp/127.0.0.1/$CPORT) 2>/dev/null && break
    sleep 0.1
done
urun() { # OUT LIBDIR FLAG [debug]
    rm -rf "$work/courier/Maildir"
    runuser -u "$CCT_USER" -- mkdir -p -m 700 "$work/courier/Maildir/cur" "$work/courier/Maildir/new" "$work/courier/Maildir/tmp"
    if [ -n "$2" ]; then
        EXTDIFF_DEBUG=$4 LD_LIBRARY_PATH=$2 timeout $TMO "$work/extdiff" utf8 $CPORT $3 > "$1" 2>&1
    else
        EXTDIFF_DEBUG=$4 env -u LD_LIBRARY_PATH timeout $TMO "$work/extdiff" utf8 $CPORT $3 > "$1" 2>&1
    fi
    echo "exit $?" >> "$1"
}
urun "$work/u.orig" "" "" ""
urun "$work/u.ours" "$CCT_LIBDIR" "" ""
urun "$work/u.on" "$CCT_LIBDIR" /utf8 ""
urun "$work/ud.orig" "" "" 1
urun "$work/ud.ours" "$CCT_LIBDIR" "" 1
urun "$work/ud.on" "$CCT_LIBDIR" /utf8 1
grep -q '^  mm_list . {127.0.0.1:19875/imap/notls}INBOX.Caf&AOk- 64$' "$work/u.orig" &&
    grep -q '^exit 0$' "$work/u.orig"
check "Courier runs the session (the original lists INBOX.Caf&AOk-)" test $? -eq 0
calls "$work/u.orig" > "$work/c.orig"; calls "$work/u.ours" > "$work/c.ours"
same "UTF8 off: callbacks as the original's" "$work/c.orig" "$work/c.ours"
dlogs "$work/ud.orig" > "$work/t.orig"; dlogs "$work/ud.ours" > "$work/t.ours"
same "UTF8 off: /debug transcript as the original's" "$work/t.orig" "$work/t.ours"
! grep -aq '^  dlog TAG ENABLE' "$work/t.ours"
check "UTF8 off: no ENABLE sent" test $? -eq 0
# With /utf8: what may differ from the run without is the flag in the
# names, the server's own texts (which quote names in UTF-8), Courier's
# ALERT about clients without UTF-8 (sent only to those), and the 8-bit
# Subject, which Courier hands to a UTF-8 client raw and to others as an
# RFC 2047 word.
norm_on() {
    sed -e 's|/utf8}|}|' -e 's/"INBOX\.Café"/"INBOX.Caf\&AOk-"/' -e 's/"INBOX\.日本"/"INBOX.\&ZeVnLA-"/' \
        -e 's/"INBOX\.A&B"/"INBOX.A\&-B"/' "$1" | grep -v -e 'ALERT\] Your IMAP client' -e '^  envelope 1 subject='
}
calls "$work/u.on" > "$work/c.on"
norm_on "$work/c.on" > "$work/c.on2"
grep -v -e 'ALERT\] Your IMAP client' -e '^  envelope 1 subject=' "$work/c.ours" > "$work/c.ours2"
same "UTF8 on: the program sees the same names, counts and results" "$work/c.ours2" "$work/c.on2"
grep -q '^  envelope 1 subject=café crème from=b$' "$work/u.on" &&
    grep -q '^  envelope 1 subject==?utf-8?B?Y2Fmw6kgY3LDqG1l?= from=b$' "$work/u.ours"
check "UTF8 on: the 8-bit Subject as received (RFC 2047 word without)" test $? -eq 0
want() { # NAME LINE
    grep -aqxF -- "$2" "$work/t.on"
    check "UTF8 on: $1" test $? -eq 0
}
dlogs "$work/ud.on" > "$work/t.on"
want "ENABLE after CAPABILITY, before SELECT" "  dlog TAG ENABLE UTF8=ACCEPT"
awk '/ENABLE UTF8=ACCEPT/{e=NR} / SELECT /{if(!s)s=NR} END{exit !(e && s > e)}' "$work/t.on"
check "UTF8 on: ENABLE before the first SELECT" test $? -eq 0
want "ENABLED read" "  dlog * ENABLED UTF8=ACCEPT"
want "CREATE in UTF-8" '  dlog TAG Create "INBOX.Café"'
want "CREATE of a name with & in UTF-8" '  dlog TAG Create INBOX.A&B'
want "LIST pattern in UTF-8" '  dlog TAG LIST "" "INBOX.Café%"'
want "STATUS in UTF-8" '  dlog TAG STATUS "INBOX.日本" (MESSAGES RECENT UNSEEN)'
want "APPEND of an 8-bit message as UTF8 (~{n})" '  dlog TAG APPEND "INBOX.Café" () UTF8 (~{52}'
want "APPEND of a 7-bit message as a plain literal" '  dlog TAG APPEND "INBOX.日本" {45}'
want "SELECT in UTF-8" '  dlog TAG SELECT "INBOX.Café"'
want "COPY in UTF-8" '  dlog TAG COPY 1 INBOX.A&B'
want "RENAME in UTF-8" '  dlog TAG Rename "INBOX.Café" "INBOX.Résumé"'
want "DELETE in UTF-8" '  dlog TAG Delete "INBOX.Résumé"'
grep -q '^  mm_status {127.0.0.1:19875/imap/notls/utf8}INBOX.Caf&AOk- flags=7 msgs=1 recent=0 unseen=1$' "$work/u.on"
check "UTF8 on: STATUS of the 8-bit APPEND's mailbox counts it" test $? -eq 0
! grep -aq 'Unexpected' "$work/ud.on" "$work/id.on" 2>/dev/null
check "no 'Unexpected untagged' notice for ID or ENABLED" test $? -eq 0
finish
