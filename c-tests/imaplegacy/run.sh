#!/bin/bash
# IMAP paths no real server of ours reaches, against a scripted server
# (server.py, 127.0.0.1:17400-17405, and 19700 for "/loser") that logs
# every command it receives:
#   * ANNOTATEMORE (Debian's imap_getannotation/imap_setannotation/
#     imap_annotation_work, the ANNOTATION untagged data to the
#     SET_ANNOTATION hook, imap_send_qstring);
#   * servers older than IMAP4rev1: IMAP4 (no STATUS) and IMAP2bis
#     (CAPABILITY refused): FIND instead of LIST, EXAMINE+SEARCH for
#     STATUS, "Subscribe Mailbox", STORE without .silent, COPY and STORE
#     without UID, APPEND without flags and date, EXPUNGE for CL_EXPUNGE,
#     permanent flags, UIDs as message numbers;
#   * referrals: RLIST/RLSUB when the hook is set, CREATE and STATUS
#     chased through SET_IMAPREFERRAL, imap_append_referral;
#   * fetching from each generation (IMAP4rev1, IMAP4, IMAP2bis, IMAP2, an
#     RFC 1176 server without BODY): envelopes, structures (BODY, made
#     up for IMAP2), headers, texts, body parts, .MIME/.HEADER/.TEXT,
#     header lines, whole messages, peeking simulated with FLAGS and
#     STORE, partials and sections through the application's mailgets,
#     overviews (RFC822.HEADER), the envelope prefetch after SEARCH,
#     FAST, UID fetches;
#   * the SET_IMAPENVELOPE hook; MULTIAPPEND.
# legacy.c is built against the original's headers and run with both
# libraries: its callback output and the server's log of what each
# library sent are compared. Masked on the wire: tags and LITERAL+ ({n+}:
# ours uses it when offered, the original never does). The commands the
# SET_SENDCOMMAND hook is told of are part of the callback output.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"
[ -e "$CCT_LIBDIR/libc-client.so.2007e" ] || { echo "no $CCT_LIBDIR (run make)"; echo "0 passed, 1 failed"; exit 1; }
[ -e "$CCT_ORIG_SO" ] || skip_suite "the original library is not installed"
command -v python3 >/dev/null 2>&1 || skip_suite "python3 missing"
work=$(mktemp -d /tmp/imaplegacy-suite.XXXXXX)
spid=""
cleanup() { [ -n "$spid" ] && kill "$spid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
PORT=17400
TMO=${IMAP_SUITE_TIMEOUT:-30}
cc -w -I"$CCT_ORIG_INC" -o "$work/legacy" "$here/legacy.c" -lc-client 2>"$work/cc.err" ||
    { cat "$work/cc.err"; fail "compile legacy.c"; finish; }
mkdir "$work/logs"
mkfifo "$work/ready"
LOSER_PORT=19700
python3 "$here/server.py" $PORT "$work/logs" $LOSER_PORT >"$work/ready" 2>"$work/server.err" &
spid=$!
read -r -t 20 line <"$work/ready"
[ "$line" = ready ] || { cat "$work/server.err"; fail "start the scripted server"; finish; }

wire() { # the logs, in port order, normalised
    cat "$work"/logs/*.log 2>/dev/null |
        sed -E -e 's/\r$//' -e 's/^[0-9A-Fa-f]{8} /TAG /' -e 's/^A[0-9]{4} /TAG /' -e 's/\{([0-9]+)\+\}/{\1}/g'
}
case_() { # NAME ARGS...
    local name=$1; shift
    rm -f "$work"/logs/*.log
    env -u LD_LIBRARY_PATH timeout $TMO "$work/legacy" $PORT "$@" >"$work/o.orig" 2>&1
    echo "exit $?" >>"$work/o.orig"
    wire >"$work/w.orig"
    rm -f "$work"/logs/*.log
    LD_LIBRARY_PATH=$CCT_LIBDIR timeout $TMO "$work/legacy" $PORT "$@" >"$work/o.ours" 2>&1
    echo "exit $?" >>"$work/o.ours"
    wire >"$work/w.ours"
    if cmp -s "$work/o.orig" "$work/o.ours" && grep -qx done "$work/o.ours"; then
        ok "$name: callbacks and results ($(wc -l <"$work/o.ours") lines identical)"
    else
        fail "$name: callbacks and results"; diff "$work/o.orig" "$work/o.ours" | head -30
    fi
    if cmp -s "$work/w.orig" "$work/w.ours" && [ -s "$work/w.ours" ]; then
        ok "$name: commands sent ($(wc -l <"$work/w.ours") lines identical)"
    else
        fail "$name: commands sent"; diff -a "$work/w.orig" "$work/w.ours" | head -30
    fi
}

case_ "ANNOTATEMORE" annot
grep -q '^annotation mbox=INBOX entry=/comment' "$work/o.ours" &&
    grep -aq 'SETANNOTATION INBOX "/comment" ("value.priv" "new "text"" "content-type.priv" "text/plain")' "$work/w.ours" &&
    grep -q '^qstring=(nil) \["ab"c\\d"\]' "$work/o.ours"
check "ANNOTATEMORE: hook called, strings quoted as they are" test $? -eq 0
case_ "IMAP4rev1 server" level 0
grep -aq '^TAG APPEND INBOX (\\Seen) " 1-Jan-2024 10:00:00 +0100" {49}' "$work/w.ours" &&
    grep -aq '^ (\\Deleted) " 2-Feb-2024 11:12:13 -0500" {49}' "$work/w.ours"
check "IMAP4rev1 server: MULTIAPPEND sends both messages in one command" test $? -eq 0
case_ "IMAP4 server" level 1
case_ "IMAP2bis server" level 2
grep -aq '^TAG FIND ALL.MAILBOXES \*' "$work/w.ours" && grep -aq '^TAG Subscribe Mailbox "new box"' "$work/w.ours" &&
    grep -aq '^TAG EXAMINE INBOX' "$work/w.ours" && grep -q '^mm_list 0 {127.0.0.1:17402/imap/notls/user=alice}old/box 0' "$work/o.ours"
check "IMAP2bis server: FIND, EXAMINE for status, old SUBSCRIBE" test $? -eq 0
case_ "referrals" referral
grep -aq '^TAG RLIST ' "$work/w.ours" && grep -q '^referral hook 3 imap://127.0.0.1:17400/box' "$work/o.ours" &&
    grep -q '^append_referral=1' "$work/o.ours"
check "referrals: RLIST with the hook, CREATE chased, imap_append_referral" test $? -eq 0
case_ "IMAP4rev1 fetch" fetch 0
case_ "IMAP4 fetch" fetch 1
grep -aq '^TAG FETCH 1 BODY.PEEK\[0\]$' "$work/w.ours" && grep -aq '^TAG FETCH 1 RFC822.TEXT.PEEK$' "$work/w.ours" &&
    grep -aq '^TAG FETCH 2 BODY.PEEK\[2.0\]$' "$work/w.ours" && grep -aq '^TAG FETCH 2 RFC822.PEEK$' "$work/w.ours" &&
    grep -q "^mm_notify 1 \[NOTIMAP4REV1\] IMAP4 server can't do partial fetch" "$work/o.ours"
check "IMAP4 fetch: BODY[0], RFC822.TEXT.PEEK, part .0, RFC822.PEEK, no partials" test $? -eq 0
case_ "IMAP2bis fetch" fetch 2
grep -aq '^TAG FETCH 1,2 (ENVELOPE BODY INTERNALDATE RFC822.SIZE FLAGS)$' "$work/w.ours" &&
    grep -aq '^TAG FETCH 1 RFC822.HEADER$' "$work/w.ours" && grep -aq '^TAG STORE 2 -FLAGS \\Seen$' "$work/w.ours" &&
    grep -q '^mm_notify 0 \[NOTIMAP4\] Simulating peeking fetch in IMAP2bis' "$work/o.ours" &&
    grep -q '^envelope hook 1 subject=hi' "$work/o.ours"
check "IMAP2bis fetch: BODY, RFC822.HEADER (envelope hook), simulated peeking" test $? -eq 0
case_ "IMAP2 fetch" fetch 4
grep -q '^2 type=0/PLAIN enc=0 bytes=169 lines=14 CHARSET=US-ASCII' "$work/o.ours"
check "IMAP2 fetch: the body structure made up from the text" test $? -eq 0
case_ "RFC 1176 server without BODY" fetch 5
grep -aq '^TAG FETCH 1,2 ALL$' "$work/w.ours"
check "RFC 1176 server without BODY: FETCH ALL, then IMAP2" test $? -eq 0
case_ "/loser" loser $LOSER_PORT
grep -aq '^TAG FETCH 1:2 FLAGS$' "$work/w.ours" && grep -aq '^TAG STORE 1:2 +Flags (\\Flagged)$' "$work/w.ours" &&
    grep -aq '^TAG UID STORE 1:2 -Flags (\\Flagged)$' "$work/w.ours" && grep -aq '^TAG COPY 1:2 "Saved"$' "$work/w.ours" &&
    grep -aq '^TAG LIST "" "\*"$' "$work/w.ours" && ! grep -aqE '^TAG (SEARCH|THREAD)' "$work/w.ours" &&
    grep -q '^mailbox {127.0.0.1:19700/imap/notls/loser/user="alice"}INBOX' "$work/o.ours" &&
    grep -q '^from personal (null) sender personal A$' "$work/o.ours"
check "/loser: ascending ranges, quoted astrings, local SEARCH and THREAD, no address as personal name" test $? -eq 0
case_ "BAD to SEARCH/SORT/THREAD" retry $LOSER_PORT
grep -aq '^TAG SEARCH 1 SUBJECT hi$' "$work/w.ours" && grep -aq '^TAG SEARCH SUBJECT hi$' "$work/w.ours" &&
    grep -aq '^TAG SORT (DATE) US-ASCII ALL$' "$work/w.ours" && grep -aq '^TAG THREAD REFERENCES US-ASCII ALL$' "$work/w.ours" &&
    grep -q '^sort searched: 1$' "$work/o.ours" && grep -q '^thread 0$' "$work/o.ours" &&
    grep -q '^sort set 2:1: 1 2$' "$work/o.ours" && grep -q '^sort set 2 nolocal: (null)$' "$work/o.ours"
check "BAD to SEARCH/SORT/THREAD: retried without the set (filtered), else done here" test $? -eq 0
case_ "GET_FETCHLOOKAHEAD set" lookahead
grep -aq '^TAG FETCH 1,2 (UID ENVELOPE ' "$work/w.ours" && ! grep -aq '^TAG FETCH 2 ' "$work/w.ours"
check "GET_FETCHLOOKAHEAD set: the set's messages fetched with the one asked for" test $? -eq 0
case_ "SET_IMAPENVELOPE" envelope
grep -q '^envelope hook 1 subject=hi' "$work/o.ours"
check "SET_IMAPENVELOPE: the hook sees the envelope" test $? -eq 0
finish
