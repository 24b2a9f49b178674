#!/bin/bash
# mailutil (uw-mailutils) and mailsync, the original's users (they
# link libc-client.so.2007e dynamically), between local mailboxes and a
# private Dovecot (c-tests/lib/dovecot.sh, 127.0.0.1:17410-17413): each
# run once with the original library and once with ours. Compared: what
# each command prints (the password prompt, counts and errors) and the
# mailboxes it leaves, read back with the original library: the IMAP
# mailbox copied back to a local mbox (From_ lines, Status, X-Status and
# the messages byte for byte) and the folders of `mailutil transfer`.
# Passwords come on stdin (the tools call getpass() with no terminal:
# setsid).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"
. "$here/../lib/dovecot.sh"
[ -e "$CCT_LIBDIR/libc-client.so.2007e" ] || { echo "no $CCT_LIBDIR (run make)"; echo "0 passed, 1 failed"; exit 1; }
[ -e "$CCT_ORIG_SO" ] || skip_suite "the original library is not installed"
command -v mailutil >/dev/null 2>&1 || skip_suite "mailutil (uw-mailutils) not installed"
dovecot_available || skip_suite "Dovecot not available (needs root, dovecot-imapd, openssl)"
have_test_user || skip_suite "test user '$CCT_USER' missing"
command -v setsid >/dev/null 2>&1 || skip_suite "setsid missing"
user_tmpdir
dc="$CCT_TMP/dc"
trap 'DOVECOT_DIR=$dc dovecot_stop >/dev/null 2>&1; rm -rf "$CCT_TMP"' EXIT
LIB="$CCT_TMP/lib"
stage_lib "$LIB"
ORIGDIR=$(dirname "$CCT_ORIG_SO")
DOVECOT_PASSDB_EXTRA=nodelay=y dovecot_start "$dc" 17410 >/dev/null 2>&1 || { fail "start Dovecot"; finish; }
S="{127.0.0.1:17410/imap/notls/user=alice}"
TMO=20
H=$CCT_USER_HOME

# The source: three messages with flags and dates, as an mbox.
cat >"$H/src" <<'MBOX'
From a@example.com Mon Jan  1 10:00:00 2024
From: A <a@example.com>
To: b@example.com
Subject: first
Date: Mon, 1 Jan 2024 10:00:00 +0000
Message-ID: <1@example.com>
Status: RO

one
line

From c@example.com Tue Feb  6 11:12:13 2024
From: C <c@example.com>
To: b@example.com
Subject: second, =?UTF-8?Q?caf=C3=A9?=
Date: Tue, 6 Feb 2024 11:12:13 -0500
Message-ID: <2@example.com>
Status: O
X-Status: AF
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain

two
--b1--

From d@example.com Wed Mar 13 23:59:59 2024
From: D <d@example.com>
Subject: third
Date: Wed, 13 Mar 2024 23:59:59 +0100

three
MBOX
chown "$CCT_USER" "$H/src"

# mu LIBDIR NAME ARGS...: mailutil as the test user, passwords on stdin;
# output to $CCT_TMP/NAME.<lib>
mu() {
    local lib=$1 name=$2 tag; shift 2
    tag=$([ "$lib" = "$LIB" ] && echo ours || echo orig)
    (cd "$H" && printf 'alicepw\nalicepw\nalicepw\nalicepw\n' |
        runuser -u "$CCT_USER" -- env HOME="$H" LD_LIBRARY_PATH="$lib" \
            timeout $TMO setsid -w mailutil "$@") >"$CCT_TMP/$name.$tag" 2>&1
    echo "exit $?" >>"$CCT_TMP/$name.$tag"
}
same() { # NAME: compare NAME.orig and NAME.ours
    if cmp -s "$CCT_TMP/$1.orig" "$CCT_TMP/$1.ours"; then
        ok "$1 ($(wc -l <"$CCT_TMP/$1.ours") lines identical)"
    else
        fail "$1"; diff "$CCT_TMP/$1.orig" "$CCT_TMP/$1.ours" | head -20
    fi
}
# (a folder less its pseudo-message, which carries the time of the copy)
normbox() { awk 'n >= 2 { print } /^From / { n++; if (n == 2) print }' "$1"; }

for lib in "$ORIGDIR" "$LIB"; do
    t=$([ "$lib" = "$LIB" ] && echo ours || echo orig)
    mu "$lib" check-empty check "${S}INBOX"
    mu "$lib" copy copy src "${S}dest"
    mu "$lib" check-dest check "${S}dest"
    mu "$lib" copy-bad copy src "${S}no/such/../x"
    mu "$lib" append-more append src "${S}dest"
    mu "$lib" check-more check "${S}dest"
    # read back with the original, whichever library wrote it
    rm -f "$H/back"
    mu "$ORIGDIR" "readback-$t" copy "${S}dest" back
    # (less the first message: the mbox driver's pseudo-message carries the
    # time of the copy and the UID validity of the copy)
    awk 'n >= 2 { print } /^From / { n++; if (n == 2) print }' "$H/back" >"$CCT_TMP/back.$t" 2>/dev/null
    rm -rf "$H"/tree*
    mu "$lib" transfer transfer "$S" tree/
    (cd "$H/tree" 2>/dev/null && find . -type f | sort | while read -r f; do echo "== $f"; normbox "$f"; done) \
        >"$CCT_TMP/tree.$t" 2>&1
    rm -rf "$H"/tree*
    mu "$lib" delete delete "${S}dest"
    mu "$lib" check-gone check "${S}dest"
done
# mailsync between a local folder and the IMAP account: the first run
# copies both ways, the second finds nothing to do; then the IMAP folder
# is read back with the original.
if command -v mailsync >/dev/null 2>&1; then
    cat >"$H/cfg" <<CFG
store local {
	pat	mail/box
	prefix	mail/
}
store remote {
	server	{127.0.0.1:17410/imap/notls/user=alice}
	ref	{127.0.0.1:17410/imap/notls/user=alice}
	pat	box
	passwd	alicepw
}
channel test local remote {
	msinfo	msinfo
}
CFG
    for lib in "$ORIGDIR" "$LIB"; do
        t=$([ "$lib" = "$LIB" ] && echo ours || echo orig)
        rm -rf "$H/mail" "$H/msinfo"
        mkdir "$H/mail"
        printf 'From x@example.com Thu Apr  4 04:04:04 2024\nFrom: X <x@example.com>\nSubject: local\nMessage-ID: <l1@example.com>\n\nlocal\n' >"$H/mail/box"
        sed '/^From d@example.com/,$d' "$H/src" >"$H/src2"
        chown -R "$CCT_USER" "$H/mail" "$H/cfg" "$H/src2"
        mu "$ORIGDIR" "mscreate-$t" copy src2 "${S}box"
        for n in 1 2; do
            (cd "$H" && runuser -u "$CCT_USER" -- env HOME="$H" LD_LIBRARY_PATH="$lib" \
                timeout $TMO setsid -w mailsync -f cfg test </dev/null) >"$CCT_TMP/mailsync$n.$t" 2>&1
            echo "exit $?" >>"$CCT_TMP/mailsync$n.$t"
        done
        mu "$ORIGDIR" "mscheck-$t" check "${S}box"
        rm -f "$H/back"
        mu "$ORIGDIR" "msback-$t" copy "${S}box" back
        normbox "$H/back" >"$CCT_TMP/msremote.$t" 2>&1
        # (the local folder's UID validity is the time of the run)
        sed -E 's/^X-IMAPbase: [0-9]+ /X-IMAPbase: V /' "$H/mail/box" >"$CCT_TMP/mslocal.$t" 2>&1
        mu "$ORIGDIR" "msdelete-$t" delete "${S}box"
    done
    same mailsync1
    same mailsync2
    same mslocal
    same msremote
    grep -q 'copied' "$CCT_TMP/mailsync1.ours" && [ "$(grep -c '^From ' "$CCT_TMP/msremote.ours")" -eq 3 ] &&
        [ "$(grep -c '^From ' "$CCT_TMP/mslocal.ours")" -eq 3 ]
    check "mailsync (ours) copied both ways: 3 messages on each side" test $? -eq 0
else
    skip "mailsync not installed"
fi
same check-empty
same copy
same check-dest
same copy-bad
same append-more
same check-more
if [ -s "$CCT_TMP/back.orig" ] && cmp -s "$CCT_TMP/back.orig" "$CCT_TMP/back.ours"; then
    ok "the IMAP mailbox each wrote, read back: $(grep -c '^From ' "$CCT_TMP/back.ours") messages identical (flags, dates, bytes)"
else
    fail "the IMAP mailbox each wrote differs"; diff "$CCT_TMP/back.orig" "$CCT_TMP/back.ours" | head -20
fi
same transfer
same tree
same delete
same check-gone
grep -q 'dest (6 msgs' "$CCT_TMP/check-more.ours" 2>/dev/null || grep -q '6' "$CCT_TMP/check-more.ours"
check "our run counted the appended messages" test $? -eq 0
finish
