#!/bin/bash
# The original's exports around the IMAP driver that c-tests/imap does not
# reach, compared with the original (programs built against its headers,
# run with both libraries, outputs diffed):
#   * lowlevel.c: md5_* with the caller's MD5CONTEXT, ip_*, tcp_name,
#     tcp_socket_open, tcp_isclienthost, netmsg_slurp/netmsg_read,
#     imap_send_sdate, imap_send_spgm_trim (ports 15201-15203, its own
#     listeners on 127.0.0.1);
#   * intdiff.c against a private Dovecot (c-tests/lib/dovecot.sh, ports
#     15210-15213): imap_cap and the LEVEL* macros, GET_NAMESPACE,
#     GET_THREADERS, GET_FETCHLOOKAHEAD, imap_send/sout/soutr/reply/
#     parse_reply/OK/parse_response/parse_unsolicited/fetch/
#     reform_sequence/capability/parse_capabilities/list_work/acl_work/fake
#     and the imap_parse_* text parsers.
# Masked: command tags (the original's are hex counters, ours A0001...) and
# Dovecot's "(n.nnn + n.nnn secs)" timings.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"
. "$here/../lib/dovecot.sh"
[ -e "$CCT_LIBDIR/libc-client.so.2007e" ] || { echo "no $CCT_LIBDIR (run make)"; echo "0 passed, 1 failed"; exit 1; }
[ -e "$CCT_ORIG_SO" ] || skip_suite "the original library is not installed"
work=$(mktemp -d /tmp/imapint-suite.XXXXXX)
chmod 755 "$work"
dirs=()
ipid=""
cleanup() {
    local d
    for d in "${dirs[@]}"; do DOVECOT_DIR=$d dovecot_stop >/dev/null 2>&1; done
    [ -n "$ipid" ] && kill "$ipid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
TMO=${IMAP_SUITE_TIMEOUT:-40}
# (The [UIDVALIDITY n] notice depends on the clock: both libraries give it
# only when n, the mailbox's creation second, equals the stream's value,
# which a new stream takes from the clock; see c-tests/imap.)
mask() {
    sed -E -e 's/\([0-9]+\.[0-9]+ \+ [0-9]+\.[0-9]+( \+ [0-9]+\.[0-9]+)? secs\)/(T secs)/g' \
        -e '/^  mm_notify 0 \[UIDVALIDITY [0-9]*\] /d' \
        -e 's/Unexpected tagged response: [^ ]+ /Unexpected tagged response: TAG /'
}
compare() { # NAME ORIG OURS
    if cmp -s "$2" "$3"; then
        ok "$1 ($(wc -l <"$2") lines identical)"
    else
        fail "$1"
        diff "$2" "$3" | head -40
    fi
}

for p in lowlevel intdiff; do
    cc -w -I"$CCT_ORIG_INC" -o "$work/$p" "$here/$p.c" -lc-client 2>"$work/cc.err" ||
        { cat "$work/cc.err"; fail "compile $p.c"; finish; }
done

env -u LD_LIBRARY_PATH timeout $TMO "$work/lowlevel" 15200 >"$work/low.orig" 2>&1
echo "exit $?" >>"$work/low.orig"
LD_LIBRARY_PATH=$CCT_LIBDIR timeout $TMO "$work/lowlevel" 15200 >"$work/low.ours" 2>&1
echo "exit $?" >>"$work/low.ours"
compare "lowlevel: md5, ip, tcp socket helpers, netmsg, command-buffer helpers" "$work/low.orig" "$work/low.ours"
grep -c '^md5 ' "$work/low.ours" | grep -qx 11 && grep -q 'digest 900150983cd24fb0d6963f7d28e17f72' "$work/low.ours" &&
    grep -q '^slurp: size=' "$work/low.ours"
check "lowlevel: the runs got through (MD5 of abc, slurp)" test $? -eq 0

if ! dovecot_available; then
    skip "Dovecot cases: Dovecot not available (needs root, dovecot-imapd, openssl)"
    finish
fi
dirs+=("$work/dc")
dovecot_start "$work/dc" 15210 >/dev/null 2>&1 || { fail "start Dovecot"; finish; }
env -u LD_LIBRARY_PATH timeout $TMO "$work/intdiff" 15210 populate >"$work/pop.out" 2>&1 ||
    { cat "$work/pop.out"; fail "populate the mailbox"; finish; }
env -u LD_LIBRARY_PATH timeout $TMO "$work/intdiff" 15210 2>&1 | mask >"$work/int.orig"
LD_LIBRARY_PATH=$CCT_LIBDIR timeout $TMO "$work/intdiff" 15210 2>&1 | mask >"$work/int.ours"
compare "intdiff: imap_cap, namespace, internal imap_* exports" "$work/int.orig" "$work/int.ours"
grep -q '^== done' "$work/int.ours" && grep -q 'LEVELIMAP4rev1=1' "$work/int.ours" &&
    grep -q 'Reusing connection to' "$work/int.ours"
check "intdiff: our run completed (IMAP4rev1 capabilities, connection reused)" test $? -eq 0

# Referrals: referral.py (127.0.0.1:15260/15261) answers LOGIN, then
# SELECT, with [REFERRAL imap://...]; the GET_IMAPREFERRAL hook sends the
# stream to Dovecot; without a hook the open fails. Both libraries.
rpid=""
mkfifo "$work/rready"
python3 "$here/referral.py" 15260 "imap://alice@127.0.0.1:15210/INBOX" >"$work/rready" 2>"$work/referral.err" &
rpid=$!
read -r -t 20 line <"$work/rready"
if [ "$line" != ready ]; then
    fail "start the referring server"; cat "$work/referral.err"
else
    for h in hook nohook; do
        env -u LD_LIBRARY_PATH timeout $TMO "$work/intdiff" 15210 referral 15260 $h 2>&1 | mask >"$work/ref$h.orig"
        LD_LIBRARY_PATH=$CCT_LIBDIR timeout $TMO "$work/intdiff" 15210 referral 15260 $h 2>&1 | mask >"$work/ref$h.ours"
        compare "referrals ($h)" "$work/ref$h.orig" "$work/ref$h.ours"
    done
fi
kill "$rpid" 2>/dev/null

# XOAUTH2 and OAUTHBEARER (ours only: the original has neither and refuses
# /auth=): Dovecot's oauth2 passdb asks introspect.py (127.0.0.1:15230)
# which knows one good token for alice.
if ! command -v python3 >/dev/null 2>&1; then
    skip "OAuth cases: python3 missing"
    finish
fi
mkfifo "$work/ready"
python3 "$here/introspect.py" 15230 >"$work/ready" 2>"$work/introspect.err" &
ipid=$!
read -r -t 20 line <"$work/ready"
if [ "$line" != ready ]; then
    fail "start the introspection service"; cat "$work/introspect.err"; finish
fi
dirs+=("$work/dco")
DOVECOT_OAUTH2_URL=http://127.0.0.1:15230/tokeninfo dovecot_start "$work/dco" 15240 >/dev/null 2>&1 ||
    { fail "start Dovecot with the oauth2 passdb"; finish; }
for mech in xoauth2 oauthbearer; do
    LD_LIBRARY_PATH=$CCT_LIBDIR timeout $TMO "$work/intdiff" 15240 oauth $mech alice-good-token \
        >"$work/$mech.good" 2>&1
    if grep -qx 'open succeeded' "$work/$mech.good" && grep -q '^mailbox={127.0.0.1:15240/imap/notls/user="alice"}INBOX' "$work/$mech.good"; then
        ok "$mech with a good token logs in"
    else
        fail "$mech with a good token"; cat "$work/$mech.good"
    fi
    # one try only: Dovecot delays each failed login more than the last
    LD_LIBRARY_PATH=$CCT_LIBDIR timeout $TMO "$work/intdiff" 15240 oauth $mech wrong-token 1 \
        >"$work/$mech.bad" 2>&1
    # refused, the server's words through mm_log
    if grep -qx 'open failed' "$work/$mech.bad" &&
        grep -q 'mm_log 2 Can not authenticate to IMAP server: .*\(AUTHENTICATIONFAILED\|failed\)' "$work/$mech.bad" &&
        [ "$(grep -c 'mm_login' "$work/$mech.bad")" -eq 1 ]; then
        ok "$mech with a wrong token fails with the server's text"
    else
        fail "$mech with a wrong token"; cat "$work/$mech.bad"
    fi
done
# The same from PHP (php8.2-imap, unmodified): imap_open with /auth= and
# the token as the password.
if command -v php >/dev/null 2>&1 && php -n -d extension=imap -r 'exit(function_exists("imap_open") ? 0 : 1);' 2>/dev/null; then
    for mech in xoauth2 oauthbearer; do
        LD_LIBRARY_PATH=$CCT_LIBDIR timeout $TMO php -n -d extension=imap "$here/oauth.php" 15240 $mech alice-good-token \
            >"$work/php-$mech.good" 2>&1
        if grep -qx 'open: true' "$work/php-$mech.good" &&
            grep -q '^mailbox: {127.0.0.1:15240/imap/notls/user="alice"}INBOX' "$work/php-$mech.good"; then
            ok "php imap_open /auth=$mech with a good token logs in"
        else
            fail "php imap_open /auth=$mech with a good token"; cat "$work/php-$mech.good"
        fi
        LD_LIBRARY_PATH=$CCT_LIBDIR timeout $TMO php -n -d extension=imap "$here/oauth.php" 15240 $mech wrong-token \
            >"$work/php-$mech.bad" 2>&1
        if grep -qx 'open: false' "$work/php-$mech.bad" &&
            grep -q '^error: Can not authenticate to IMAP server: .*\(AUTHENTICATIONFAILED\|failed\)' "$work/php-$mech.bad"; then
            ok "php imap_open /auth=$mech with a wrong token: the server's text in imap_errors"
        else
            fail "php imap_open /auth=$mech with a wrong token"; cat "$work/php-$mech.bad"
        fi
    done
else
    skip "php OAuth cases: php or its imap extension missing"
fi
finish
