#!/bin/bash
# Real consumers on local mailboxes, run with the original c-client and
# with ours (OURS_LIB, default build/lib; LD_LIBRARY_PATH), outputs, exit
# codes and resulting files compared:
#   mailutil  check/create/delete/rename/copy/move/append/appenddelete/
#             prune/transfer, with -v, -kw, -rw, -merge, and with
#             ~/.imaprc "set new-mailbox-format mmdf";
#   dmail     delivery (-f, -s, -k) into unix and MMDF folders of $HOME;
#   tmail     delivery (-f) as the user into folders of the user's passwd
#             home (tmail ignores $HOME), under a scratch directory there;
#   php       c-tests/consumers-mail/mailbox.php (imap_open, imap_list,
#             imap_status, imap_headerinfo, imap_fetchstructure,
#             imap_fetchbody, flags, delete, expunge, append, copy, move,
#             create/rename/delete mailboxes, close).
# The starting mailboxes are written by the original through
# c-tests/mailbox/ops.c. The original runs every sequence twice
# (self-check). Each command is one case.
# Masked in files (c-tests/mailbox/tools.py mask): UID validity and the
# pseudo message's dates (time of creation); for the delivery agents also
# the "From " line dates and the date closing Received: lines (the time of
# delivery).
# Last line: "N passed, M failed".
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../mailbox/lib.sh"
start=$(date +%s)
build ops || { bad "build ops.c"; finish; }
LIBS="orig orig2"
[ "$HAVE_OURS" = 1 ] && LIBS="$LIBS ours" || bad "no library of ours at $OURS_LIB"

# Seed mailboxes, written by the original.
fresh_home
for fmt in unix mmdf; do in_home orig "$W/bin/ops" script "$fmt" >/dev/null 2>&1; done
cp -a "$H" "$W/seed"
# Their UID validities are this second; let it pass (see mailbox/run.sh).
sleep 1

# cmd LIB CMD...: one case: the command line, its output, its exit code.
cmd() {
    _lib=$1
    shift
    echo "> $*"
    in_home "$_lib" timeout -k 5 60 "$@" </dev/null 2>&1
    echo "exit $?"
}
# deliver LIB INPUT CMD...: like cmd, with INPUT (a file) on stdin.
deliver() {
    _lib=$1 _in=$2
    shift 2
    echo "> $* < $(basename "$_in")"
    in_home "$_lib" timeout -k 5 60 "$@" <"$_in" 2>&1
    echo "exit $?"
}

# Messages to deliver: LF newlines, CRLF newlines with a leading "From "
# line (the agents drop it), one with a body line starting "From ".
printf 'From: a@example.org\nTo: cloudsdk\nSubject: delivered LF\n\nline\nFrom inside\n' >"$W/msg-lf"
printf 'From x@y Mon Dec  7 10:00:00 2026\r\nFrom: b@example.org\r\nSubject: delivered CRLF\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\n\r\nbody\r\n' >"$W/msg-crlf"
chmod 644 "$W"/msg-*

# ---------------- mailutil
mailutil_seq() {
    local lib=$1
    cmd "$lib" mailutil
    cmd "$lib" mailutil check unix-1
    cmd "$lib" mailutil check mmdf-dir/three
    cmd "$lib" mailutil check nonexistent
    cmd "$lib" mailutil create newbox
    cmd "$lib" mailutil create newbox
    cmd "$lib" mailutil create '#driver.mmdf/newmmdf'
    cmd "$lib" mailutil create newdir/
    cmd "$lib" mailutil rename newbox newdir/renamed
    cmd "$lib" mailutil rename missing other
    cmd "$lib" mailutil delete newdir/renamed
    cmd "$lib" mailutil delete newdir/renamed
    cmd "$lib" mailutil copy unix-dir/three copied
    cmd "$lib" mailutil copy unix-dir/three copied
    cmd "$lib" mailutil -v copy mmdf-dir/three copied-from-mmdf
    cmd "$lib" mailutil -kw copy unix-1 copied-kw
    cmd "$lib" mailutil append unix-1 newmmdf
    cmd "$lib" mailutil append unix-1 missing-dest
    cmd "$lib" mailutil -merge append copy unix-1 copied
    cmd "$lib" mailutil -merge bogus transfer unix-dir/ xfer/
    cmd "$lib" mailutil -rw copy unix-dir/inner copied-rw
    cmd "$lib" mailutil move unix-dir/inner moved
    cmd "$lib" mailutil appenddelete mmdf-dir/inner newmmdf
    cmd "$lib" mailutil check newmmdf
    cmd "$lib" mailutil prune copied 'SUBJECT nested'
    cmd "$lib" mailutil prune copied 'BEFORE 1-Jan-2020'
    cmd "$lib" mailutil prune copied 'BOGUS'
    cmd "$lib" mailutil prune copied 'SEEN UNDELETED'
    cmd "$lib" mailutil transfer unix-dir/ xfer/
    cmd "$lib" mailutil check xfer/unix-dir/three
    cmd "$lib" mailutil transfer unix-dir/ xfer/
    cmd "$lib" mailutil -merge append transfer unix-dir/ xfer/
    cmd "$lib" mailutil -merge suffix=.old transfer mmdf-dir/ xfer/
    cmd "$lib" mailutil -merge suffix=.old transfer mmdf-dir/ xfer/
    cmd "$lib" mailutil check xfer/mmdf-dir/three.old
    # New mailboxes in MMDF format by configuration.
    printf 'set new-mailbox-format mmdf\n' >"$H/.imaprc"
    cmd "$lib" mailutil create by-imaprc
    cmd "$lib" mailutil copy unix-1 copied-by-imaprc
    rm -f "$H/.imaprc"
    cmd "$lib" mailutil check copied-by-imaprc
    cmd "$lib" mailutil unknown-command
    cmd "$lib" mailutil -bogus check
}

# ---------------- dmail (delivers into $HOME)
dmail_seq() {
    local lib=$1
    : >"$H/dm-empty"
    [ -n "$RUNUSER" ] && chown "$RUNUSER" "$H/dm-empty"
    chmod 600 "$H/dm-empty"
    deliver "$lib" "$W/msg-lf" dmail +dm-empty
    deliver "$lib" "$W/msg-crlf" dmail -f sender@example.org +dm-empty
    deliver "$lib" "$W/msg-lf" dmail -s -k 'NewKey Undefined' +unix-1
    deliver "$lib" "$W/msg-crlf" dmail -k Another +mmdf-1
    deliver "$lib" "$W/msg-lf" dmail root+dm-empty
    deliver "$lib" "$W/msg-lf" dmail -Z +dm-empty
}

# ---------------- tmail (delivers into the passwd home of the user)
if [ -n "$RUNUSER" ]; then
    PWHOME=$(getent passwd "$RUNUSER" | cut -d: -f6)
    ME=$RUNUSER
else
    PWHOME=$(getent passwd "$(id -un)" | cut -d: -f6)
    ME=$(id -un)
fi
TM=".cct-tmail-$(basename "$W")"
tmail_seq() {
    local lib=$1
    rm -rf "${PWHOME:?}/$TM"
    mkdir -p "$PWHOME/$TM"
    # Existing folders only: tmail falls back to the system INBOX otherwise.
    : >"$PWHOME/$TM/tm-empty"
    cp "$W/seed/mmdf-1" "$PWHOME/$TM/tm-mmdf"
    chmod 600 "$PWHOME/$TM"/*
    [ -n "$RUNUSER" ] && chown -R "$RUNUSER" "$PWHOME/$TM"
    deliver "$lib" "$W/msg-lf" tmail "$ME+$TM/tm-empty"
    deliver "$lib" "$W/msg-crlf" tmail -f sender@example.org "$ME+$TM/tm-empty"
    deliver "$lib" "$W/msg-lf" tmail "$ME+$TM/tm-mmdf"
    cmd "$lib" tmail
    deliver "$lib" "$W/msg-lf" tmail -I INBOX "$ME+$TM/tm-empty"
}

# ---------------- php
PHP_OK=0
if command -v php >/dev/null 2>&1 && php -r 'exit(extension_loaded("imap") ? 0 : 1);' 2>/dev/null; then
    PHP_OK=1
    cp "$HERE/mailbox.php" "$W/mailbox.php"
    chmod 644 "$W/mailbox.php"
fi
php_seq() {
    local lib=$1
    echo "> php mailbox.php unix-1 mmdf-1"
    in_home "$lib" timeout -k 5 60 php "$W/mailbox.php" unix-1 mmdf-1 2>&1
    echo "exit $?"
    echo "> php mailbox.php mmdf-dir/three unix-dir/three"
    in_home "$lib" timeout -k 5 60 php "$W/mailbox.php" mmdf-dir/three unix-dir/three 2>&1
    echo "exit $?"
}

# run_tool NAME MASK-OPTS: NAME_seq with every library, then compare.
run_tool() {
    name=$1
    MASK_OPTS=$2
    for lib in $LIBS; do
        fresh_home "$W/seed"
        "${name}_seq" "${lib%2}" >"$W/out/$name-$lib" 2>&1
        rm -rf "$W/res-$name-$lib"
        cp -a "$H" "$W/res-$name-$lib"
        if [ "$name" = tmail ]; then
            cp -a "$PWHOME/$TM" "$W/res-$name-$lib/tmail-home"
            rm -rf "${PWHOME:?}/$TM"
        fi
    done
    if cmp -s "$W/out/$name-orig" "$W/out/$name-orig2"; then
        ok "$name: the original's output is deterministic ($(grep -c '^> ' "$W/out/$name-orig") commands)"
    else
        bad "$name: two runs of the original differ"
        diff "$W/out/$name-orig" "$W/out/$name-orig2" | head -n 8
    fi
    same_files "$name: files after two runs of the original" "$W/res-$name-orig" "$W/res-$name-orig2"
    if [ "$HAVE_OURS" = 1 ]; then
        compare "$name: output, original vs ours" "$W/out/$name-orig" "$W/out/$name-ours"
        same_files "$name: files, original vs ours" "$W/res-$name-orig" "$W/res-$name-ours"
    fi
}

# A delivery that fails over to INBOX would write the user's system
# mailbox: watch it.
SYSINBOX=/var/mail/$ME
inbox_state() { stat -c '%s %Y' "$SYSINBOX" 2>/dev/null || echo absent; }
inbox_before=$(inbox_state)

if command -v mailutil >/dev/null 2>&1; then run_tool mailutil ""; else echo "skip mailutil: not installed"; fi
if command -v dmail >/dev/null 2>&1; then run_tool dmail "--from-dates --received"; else echo "skip dmail: not installed"; fi
if command -v tmail >/dev/null 2>&1 && [ -n "$PWHOME" ] && [ -d "$PWHOME" ]; then
    run_tool tmail "--from-dates --received"
else
    echo "skip tmail: not installed or no home directory for $ME"
fi
if [ "$PHP_OK" = 1 ]; then run_tool php ""; else echo "skip php: php or its imap extension is not installed"; fi
if [ "$(inbox_state)" = "$inbox_before" ]; then
    ok "the system INBOX $SYSINBOX was not touched"
else
    bad "the system INBOX $SYSINBOX changed during the run ($inbox_before -> $(inbox_state))"
fi
echo "time: $(($(date +%s) - start))s"
finish
