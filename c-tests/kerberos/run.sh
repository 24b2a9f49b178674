#!/bin/bash
# Kerberos V (GSSAPI) on both sides of a server, against a private MIT KDC
# on 127.0.0.1 (realm CCTEST.LOCAL, its own krb5.conf, keytab and ticket
# cache through KRB5_CONFIG, KRB5_KTNAME and KRB5CCNAME: the machine's
# Kerberos files are never used or changed).
#
# - gssc (c-tests/kerberos/gssc.c), built once against the ORIGINAL
#   headers, prints kerberos_try_kinit on a set of codes,
#   kerberos_server_valid and the linked authenticators with their halves,
#   with and without a keytab: identical on both libraries;
# - the reference IMAP server (pine-compat/refimapd.c) on our library and
#   the same server built against the original headers on the original:
#   CAPABILITY (AUTH=GSSAPI only with a keytab), and the original's IMAP
#   client logging in through GSSAPI (auth_gssapi_server, kerberos_login,
#   authserver_login) and reading a mailbox, a wrong authorization
#   identity, and a client without tickets: identical transcripts.
#
# - our IMAP client against that server, and our IMAP, POP3 and SMTP
#   clients against a Dovecot with GSSAPI (and a Postfix taking SASL from
#   it): the same callbacks and results as the original's.
#
# Ports 15401 (KDC), 15402-15405 (servers), 17700-17703 (Dovecot),
# 17720-17722 (Postfix).
set -u
. "$(dirname "$0")/../lib/common.sh"

is_root || skip_suite "needs root (server logins change identity; the keytab)"
for c in krb5kdc kdb5_util kadmin.local kinit python3; do
    command -v "$c" >/dev/null || skip_suite "$c missing (packages krb5-kdc krb5-admin-server krb5-user)"
done
[ -f "$CCT_LIBDIR/libc-client.so.2007e.0" ] || { fail "build/lib staged (run make)"; finish; }
[ -f "$CCT_ORIG_SO" ] && [ -f "$CCT_ORIG_INC/linkage.c" ] || skip_suite "the original library or its headers are missing"

HERE="$CCT_ROOT/c-tests/kerberos"
W=$(mktemp -d /tmp/kerberos-suite.XXXXXX)
chmod 755 "$W"
PIDS=()
cleanup() {
    type postfix_stop >/dev/null 2>&1 && postfix_stop >/dev/null 2>&1
    type dovecot_stop >/dev/null 2>&1 && dovecot_stop >/dev/null 2>&1
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    [ -f "$W/kdc.pid" ] && kill "$(cat "$W/kdc.pid")" 2>/dev/null
    [ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT

SUSER=srvtest
if ! id "$SUSER" >/dev/null 2>&1; then
    useradd -m -s /bin/false "$SUSER" || { fail "create test user $SUSER"; finish; }
fi
SHOME=$(getent passwd "$SUSER" | cut -d: -f6)
mkdir -p "$SHOME" && chown "$SUSER:" "$SHOME"
printf 'From a@example.org Sun Dec  6 10:00:00 2026\nFrom: a@example.org\nSubject: kerberos one\n\nBody.\n\n' >"$SHOME/krbbox"
chown "$SUSER:" "$SHOME/krbbox" && chmod 600 "$SHOME/krbbox"

# ---- the KDC ----
cat >"$W/krb5.conf" <<EOC
[libdefaults]
 default_realm = CCTEST.LOCAL
 dns_lookup_kdc = false
 dns_lookup_realm = false
 rdns = false
 dns_canonicalize_hostname = false
 udp_preference_limit = 1
[realms]
 CCTEST.LOCAL = {
  kdc = 127.0.0.1:15401
 }
[domain_realm]
 localhost = CCTEST.LOCAL
EOC
cat >"$W/kdc.conf" <<EOC
[kdcdefaults]
 kdc_ports = 15401
 kdc_tcp_ports = 15401
[realms]
 CCTEST.LOCAL = {
  database_name = $W/principal
  key_stash_file = $W/stash
  acl_file = $W/kadm5.acl
 }
[logging]
 kdc = FILE:$W/kdc.log
EOC
export KRB5_CONFIG="$W/krb5.conf" KRB5_KDC_PROFILE="$W/kdc.conf"
export KRB5CCNAME="FILE:$W/cc"
KPASS='Krb-Pass-1'
if ! { kdb5_util create -s -r CCTEST.LOCAL -P 'master-Pass-9' &&
       kadmin.local -r CCTEST.LOCAL -q "addprinc -pw $KPASS $SUSER" &&
       kadmin.local -r CCTEST.LOCAL -q "addprinc -randkey imap/localhost" &&
       kadmin.local -r CCTEST.LOCAL -q "ktadd -k $W/keytab imap/localhost"; } >"$W/kadmin.log" 2>&1; then
    fail "make the test realm: $(tail -n 3 "$W/kadmin.log")"
    finish
fi
krb5kdc -n -P "$W/kdc.pid" >"$W/kdc.out" 2>&1 &
PIDS+=($!)
got=0
for i in $(seq 1 100); do
    if echo "$KPASS" | kinit "$SUSER" >/dev/null 2>&1; then got=1; break; fi
    sleep 0.1
done
[ $got = 1 ] || { fail "kinit against the private KDC: $(cat "$W/kdc.out")"; finish; }
ok "private KDC on 127.0.0.1:15401; $SUSER@CCTEST.LOCAL has a ticket"

# ---- programs ----
if ! cc -w -I"$CCT_ORIG_INC" -o "$W/gssc" "$HERE/gssc.c" "$CCT_ORIG_SO" 2>"$W/cc.log"; then
    fail "gssc builds against the original headers: $(head -n 3 "$W/cc.log")"; finish
fi
if ! cc -Wall -Wno-pointer-sign -I"$CCT_INCDIR" -o "$W/refimapd" "$CCT_ROOT/pine-compat/refimapd.c" \
    -L"$CCT_LIBDIR" -lc-client -Wl,-rpath,"$CCT_LIBDIR" 2>"$W/cc.log" ||
   ! cc -w -I"$CCT_ORIG_INC" -o "$W/refimapd.orig" "$CCT_ROOT/pine-compat/refimapd.c" "$CCT_ORIG_SO" 2>>"$W/cc.log"; then
    fail "refimapd builds: $(head -n 3 "$W/cc.log")"; finish
fi
chmod 755 "$W/gssc" "$W/refimapd" "$W/refimapd.orig"

# both LABEL CMD...: runs CMD on the original and on ours, outputs to
# $W/LABEL.orig and $W/LABEL.ours; passes when they are identical.
both() {
    local label=$1; shift
    "$@" >"$W/$label.orig" 2>&1
    LD_LIBRARY_PATH="$CCT_LIBDIR" "$@" >"$W/$label.ours" 2>&1
    if cmp -s "$W/$label.orig" "$W/$label.ours"; then
        ok "$label: same on both libraries ($(tr '\n' '|' <"$W/$label.ours" | head -c 200))"
    else
        fail "$label differs"; diff "$W/$label.orig" "$W/$label.ours" | head -20
    fi
}

KRB5_KTNAME="FILE:$W/no-keytab" both info-no-keytab "$W/gssc" info
check "without a keytab: no GSSAPI server half" grep -q '^auth 1 GSSAPI flags=3 client=yes server=no$' "$W/info-no-keytab.ours"
KRB5_KTNAME="FILE:$W/keytab" both info-keytab "$W/gssc" info
check "with a keytab: kerberos_server_valid and a GSSAPI server half" \
    grep -q '^auth 1 GSSAPI flags=3 client=yes server=yes$' "$W/info-keytab.ours"
check "kerberos_try_kinit: the three no-ticket codes" \
    test "$(grep -c ')=1$' "$W/info-keytab.ours")" = 4

# ---- servers: ours and the original, with and without a keytab ----
start() { # PORT KEYTAB PROGRAM [LD_LIBRARY_PATH]
    local out="$W/launch-$1.out"
    LAUNCH_LOG="$W/sessions.log" KRB5_KTNAME="FILE:$2" LD_LIBRARY_PATH="${4:-}" \
        python3 "$CCT_ROOT/c-tests/server/launch.py" "$1" "$3" >"$out" 2>&1 &
    PIDS+=($!)
    local i
    for i in $(seq 1 200); do
        grep -q '^ready' "$out" 2>/dev/null && return 0
        sleep 0.1
    done
    fail "launcher on port $1: $(head -c 300 "$out")"; return 1
}
start 15402 "$W/keytab" "$W/refimapd" && start 15403 "$W/keytab" "$W/refimapd.orig" &&
    start 15404 "$W/no-keytab" "$W/refimapd" && start 15405 "$W/no-keytab" "$W/refimapd.orig" || finish

caps() {
    python3 - "$1" <<'EOP'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
f = s.makefile("rwb")
f.readline()
f.write(b"a CAPABILITY\r\nb LOGOUT\r\n"); f.flush()
print(f.readline().decode().strip())
EOP
}
for p in 15402:15403:keytab 15404:15405:no-keytab; do
    IFS=: read -r mine theirs what <<<"$p"
    a=$(caps "$mine") b=$(caps "$theirs")
    if [ "$a" = "$b" ]; then ok "CAPABILITY with $what same as the original's: $a"
    else fail "CAPABILITY with $what: ours '$a', original '$b'"; fi
done
greeting() {
    python3 - "$1" <<'EOP'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
print(s.makefile("rb").readline().decode().strip())
EOP
}
a=$(greeting 15402) b=$(greeting 15403)
if [ "$a" = "$b" ]; then ok "greeting (tcp_serverhost of 127.0.0.1) same as the original's: $a"
else fail "greeting: ours '$a', original '$b'"; fi
case $(caps 15402) in *AUTH=GSSAPI*) ok "AUTH=GSSAPI offered with a keytab" ;; *) fail "AUTH=GSSAPI with a keytab" ;; esac
case $(caps 15404) in *AUTH=GSSAPI*) fail "AUTH=GSSAPI offered without a keytab" ;; *) ok "no AUTH=GSSAPI without a keytab" ;; esac

# The original's client (gssc on the original library) against both servers.
# (The client's [UIDVALIDITY] notice depends on the clock: left out.)
session() { # LABEL MAILBOX-SUFFIX [env...]: original client vs server 15403 and 15402
    local label=$1 box=$2; shift 2
    env "$@" "$W/gssc" open "{localhost:15403/imap/notls$box" 2>&1 |
        grep -v '^notify 0: \[UIDVALIDITY' >"$W/$label.orig"
    env "$@" "$W/gssc" open "{localhost:15402/imap/notls$box" 2>&1 |
        grep -v '^notify 0: \[UIDVALIDITY' >"$W/$label.ours"
    if cmp -s "$W/$label.orig" "$W/$label.ours"; then
        ok "$label: our server answers as the original ($(tr '\n' '|' <"$W/$label.ours" | head -c 200))"
    else
        fail "$label: the servers differ"; diff "$W/$label.orig" "$W/$label.ours" | head -20
    fi
}
session gssapi-login "/user=$SUSER}krbbox"
check "GSSAPI login on our server read the mailbox" grep -q '^1: kerberos one$' "$W/gssapi-login.ours"
session gssapi-wrong-authz "/user=root}krbbox"
check "GSSAPI as root (another authorization identity) refused" grep -q '^open failed$' "$W/gssapi-wrong-authz.ours"
session gssapi-no-ticket "/user=$SUSER}krbbox" KRB5CCNAME="FILE:$W/no-cache"
check "GSSAPI without a ticket fails on the client" grep -q '^open failed$' "$W/gssapi-no-ticket.ours"

# Our library as the GSSAPI client (auth_gssapi_client driven by the IMAP
# driver): the same program on both libraries against the original's
# server (15403): the same callbacks and the same mailbox.
client() { # LABEL MAILBOX [env...]: gssc on the original and on ours
    local label=$1 box=$2 rw=; shift 2
    case $box in */pop3*) rw=rw ;; esac
    env "$@" "$W/gssc" open "$box" $rw 2>&1 | grep -v '^notify 0: \[UIDVALIDITY' >"$W/$label.orig"
    env "$@" LD_LIBRARY_PATH="$CCT_LIBDIR" "$W/gssc" open "$box" $rw 2>&1 |
        grep -v '^notify 0: \[UIDVALIDITY' >"$W/$label.ours"
    if cmp -s "$W/$label.orig" "$W/$label.ours"; then
        ok "$label: our client as the original's ($(tr '\n' '|' <"$W/$label.ours" | head -c 200))"
    else
        fail "$label: the clients differ"; diff "$W/$label.orig" "$W/$label.ours" | head -20
    fi
}
client client-gssapi-imap "{localhost:15403/imap/notls/user=$SUSER}krbbox"
check "our IMAP client logged in through GSSAPI and read the mailbox" grep -q '^1: kerberos one$' "$W/client-gssapi-imap.ours"
client client-gssapi-no-ticket "{localhost:15403/imap/notls/user=$SUSER}krbbox" KRB5CCNAME="FILE:$W/no-cache"
check "our IMAP client without a ticket: GSSAPI fails, the open fails" grep -q '^open failed$' "$W/client-gssapi-no-ticket.ours"

# Dovecot with GSSAPI (keytab imap/localhost and pop/localhost; ports
# 17700-17703): our IMAP and POP3 clients against it, as the original.
. "$CCT_ROOT/c-tests/lib/dovecot.sh"
if ! dovecot_available; then
    skip "GSSAPI against Dovecot: Dovecot not available"
elif ! kadmin.local -r CCTEST.LOCAL -q "addprinc -randkey pop/localhost" >>"$W/kadmin.log" 2>&1 ||
     ! kadmin.local -r CCTEST.LOCAL -q "addprinc -randkey smtp/localhost" >>"$W/kadmin.log" 2>&1 ||
     ! kadmin.local -r CCTEST.LOCAL -q "ktadd -k $W/dkeytab -norandkey imap/localhost pop/localhost smtp/localhost" >>"$W/kadmin.log" 2>&1; then
    fail "keytab for Dovecot: $(tail -n 3 "$W/kadmin.log")"
else
    # Dovecot's auth process does not run as root: a readable test keytab.
    chmod 644 "$W/dkeytab"
    DOVECOT_AUTH_MECHS="gssapi" DOVECOT_EXTRA_CONF="auth_gssapi_hostname = \"\$ALL\"
auth_krb5_keytab = $W/dkeytab
import_environment = \$import_environment KRB5_CONFIG
service auth {
  unix_listener auth-postfix {
    mode = 0666
  }
}
" \
        dovecot_start "$W/dc" 17700 >"$W/dc.log" 2>&1
    if [ $? != 0 ]; then
        fail "Dovecot with GSSAPI did not start: $(tail -n 5 "$W/dc.log")"
    else
        echo "$SUSER:{PLAIN}unused::::::" >>"$W/dc/passwd"
        mkdir -p "$W/dc/home/$SUSER/Maildir/new" "$W/dc/home/$SUSER/Maildir/cur" "$W/dc/home/$SUSER/Maildir/tmp"
        printf 'From: a@example.org\nSubject: dovecot kerberos\n\nBody.\n' >"$W/dc/home/$SUSER/Maildir/new/1.dk"
        chown -R "${CCLIENT_TEST_USER:-cloudsdk}:" "$W/dc/home/$SUSER"
        client dovecot-gssapi-imap "{localhost:17700/imap/notls/user=$SUSER}INBOX"
        check "Dovecot: our IMAP client logged in through GSSAPI" grep -q '^1: dovecot kerberos$' "$W/dovecot-gssapi-imap.ours"
        client dovecot-gssapi-pop3 "{localhost:17702/pop3/notls/user=$SUSER}INBOX"
        check "Dovecot: our POP3 client logged in through GSSAPI" grep -q '^1: dovecot kerberos$' "$W/dovecot-gssapi-pop3.ours"
        # SMTP: a private Postfix (c-tests/lib/postfix.sh, 17720-17722)
        # taking SASL from this Dovecot; implicit TLS, AUTH GSSAPI, three
        # recipients delivered. c-tests/smtp/smtp.c on both libraries.
        . "$CCT_ROOT/c-tests/lib/postfix.sh"
        if ! postfix_available; then
            skip "SMTP through Postfix with GSSAPI: Postfix not available"
        elif ! cc -w -I"$CCT_ORIG_INC" -o "$W/smtp" "$CCT_ROOT/c-tests/smtp/smtp.c" "$CCT_ORIG_SO" 2>"$W/cc.log"; then
            fail "build c-tests/smtp/smtp.c: $(head -n 3 "$W/cc.log")"
        elif ! postfix_start "$W/pf" 17720 "$W/dc/run/auth-postfix" >"$W/pf.log" 2>&1; then
            fail "Postfix did not start: $(tail -n 5 "$W/pf.log")"
        else
            smtpgss() { # LIB [env]: the program's output, queue ids masked
                local lib=$1; shift
                if [ "$lib" = ours ]; then set -- LD_LIBRARY_PATH="$CCT_LIBDIR" "$@"; fi
                env SSL_CERT_FILE="$POSTFIX_CA" "$@" timeout 30 "$W/smtp" "localhost:$POSTFIX_SMTPS_PORT/ssl/user=$SUSER" deliver 2>&1 |
                    sed -e 's/queued as [0-9A-F]*/queued as QID/'
            }
            smtpgss orig >"$W/smtp-gss.orig"; smtpgss ours >"$W/smtp-gss.ours"
            if cmp -s "$W/smtp-gss.orig" "$W/smtp-gss.ours" && grep -q '^mail => 1 ' "$W/smtp-gss.ours" &&
               [ "$(grep -c "sasl_method=GSSAPI, sasl_username=$SUSER" "$POSTFIX_DIR"/log/postfix.log)" = 2 ]; then
                ok "Postfix: SMTP AUTH GSSAPI (through Dovecot), mail sent, as the original ($(grep '^mail' "$W/smtp-gss.ours"))"
            else fail "Postfix: SMTP AUTH GSSAPI"; diff "$W/smtp-gss.orig" "$W/smtp-gss.ours" | head; head "$W/smtp-gss.ours"; fi
            smtpgss orig KRB5CCNAME="FILE:$W/no-cache" >"$W/smtp-nogss.orig"; smtpgss ours KRB5CCNAME="FILE:$W/no-cache" >"$W/smtp-nogss.ours"
            if cmp -s "$W/smtp-nogss.orig" "$W/smtp-nogss.ours" && grep -q '^open => NIL' "$W/smtp-nogss.ours"; then
                ok "Postfix: SMTP AUTH GSSAPI without a ticket, refused as the original"
            else fail "Postfix: SMTP GSSAPI without a ticket"; diff "$W/smtp-nogss.orig" "$W/smtp-nogss.ours" | head; fi
            postfix_stop >/dev/null 2>&1
        fi
        client dovecot-gssapi-no-ticket "{localhost:17700/imap/notls/user=$SUSER}INBOX" KRB5CCNAME="FILE:$W/no-cache"
        check "Dovecot: no ticket, no login" grep -q '^open failed$' "$W/dovecot-gssapi-no-ticket.ours"
        dovecot_stop >/dev/null 2>&1
    fi
fi

# Both halves in one program (gsspair.c): auth_gssapi_client in the parent,
# mail_auth ("GSSAPI") in a child over a socket pair, on each library; the
# server's name is imap@<mylocalhost> (no socket on stdin).
LH=$(sed -n 's/^mylocalhost=//p' "$W/info-keytab.ours")
if [ -n "$LH" ] && kadmin.local -r CCTEST.LOCAL -q "addprinc -randkey imap/$LH@CCTEST.LOCAL" >>"$W/kadmin.log" 2>&1 &&
    kadmin.local -r CCTEST.LOCAL -q "ktadd -k $W/keytab imap/$LH@CCTEST.LOCAL" >>"$W/kadmin.log" 2>&1 &&
    cc -w -I"$CCT_ORIG_INC" -o "$W/gsspair" "$HERE/gsspair.c" "$CCT_ORIG_SO" 2>"$W/cc.log"; then
    printf '[domain_realm]\n %s = CCTEST.LOCAL\n' "$LH" >>"$W/krb5.conf"
    KRB5_KTNAME="FILE:$W/keytab" both pair-login timeout 30 "$W/gsspair" "$SUSER"
    check "GSSAPI client and server halves of our library agree: $SUSER logged in" \
        grep -q "^server: mail_auth=$SUSER\$" "$W/pair-login.ours"
    KRB5_KTNAME="FILE:$W/keytab" KRB5CCNAME="FILE:$W/no-cache" both pair-no-ticket timeout 30 "$W/gsspair" "$SUSER"
    check "GSSAPI client without a ticket cancels; the server logs nobody in" \
        grep -q '^server: mail_auth=NIL$' "$W/pair-no-ticket.ours"
    KRB5_KTNAME="FILE:$W/keytab" both pair-root timeout 30 "$W/gsspair" root
    check "GSSAPI as root with $SUSER's ticket: refused by the server" \
        grep -q '^server: mail_auth=NIL$' "$W/pair-root.ours"
else
    fail "gsspair set-up (mylocalhost '$LH'): $(tail -n 3 "$W/kadmin.log") $(head -n 3 "$W/cc.log")"
fi

sleep 0.3
if grep -q '^signal' "$W/sessions.log" 2>/dev/null; then
    fail "server sessions killed by a signal: $(cut -d' ' -f1,2 "$W/sessions.log" | sort | uniq -c | tr '\n' ' ')"
else
    ok "no server session died by a signal ($(wc -l <"$W/sessions.log" 2>/dev/null || echo 0) sessions)"
fi
finish
