# Sourced by the SMTP suite: a private Postfix on 127.0.0.1 only, with its
# own configuration, queue, logs and delivered mail under a scratch
# directory, started with `postfix -c DIR/etc start` and stopped by the
# caller. The system's Postfix service is never touched. Needs root
# (Postfix's master drops to the postfix user).
#
#   postfix_available                 the binaries and the postfix user are there
#   postfix_start DIR BASEPORT AUTH   start; AUTH is the path of a Dovecot
#                                     auth-client socket (SASL), or "" for none
#   postfix_stop                      stop it and wait until it is gone
#
# Ports: BASEPORT plain SMTP (no AUTH needed from 127.0.0.1), +1 submission
# (STARTTLS required, then AUTH required), +2 implicit TLS (AUTH required).
# With POSTFIX_AUTH_PLAIN_PORT set (and AUTH given), one more submission
# listener there: no TLS at all, AUTH offered in the clear and required
# (only for recording a client's AUTH bytes; loopback only like the rest).
# Mail for bob, carol and dave @example.org is delivered by Postfix's
# virtual agent into Maildirs under $POSTFIX_DIR/mail/USER/ (files owned by
# $CCLIENT_TEST_USER); other recipients there are refused (550). The TLS
# certificate is for "localhost" and 127.0.0.1, signed by $POSTFIX_CA.

postfix_available() {
    command -v postfix >/dev/null 2>&1 && [ -x /usr/lib/postfix/sbin/master ] &&
        id postfix >/dev/null 2>&1 && getent group postdrop >/dev/null 2>&1 &&
        command -v openssl >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]
}

postfix_start() {
    local d=$1 base=$2 auth=$3
    local user=${CCLIENT_TEST_USER:-cloudsdk}
    rm -rf "$d"
    mkdir -p "$d/etc" "$d/queue" "$d/data" "$d/log" "$d/mail"
    chmod 755 "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=postfix test CA" \
        -keyout "$d/ca.key" -out "$d/ca.pem" >/dev/null 2>&1 &&
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$d/etc/server.key" -out "$d/server.csr" >/dev/null 2>&1 &&
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$d/ext.cnf" &&
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
        -CAcreateserial -days 2 -extfile "$d/ext.cnf" -out "$d/etc/server.pem" >/dev/null 2>&1 ||
        { echo "postfix.sh: cannot make certificates" >&2; return 1; }
    printf 'bob@example.org bob/\ncarol@example.org carol/\ndave@example.org dave/\n' >"$d/etc/vmailbox"
    local sasl="" saslon=""
    if [ -n "$auth" ]; then
        sasl="smtpd_sasl_type = dovecot
smtpd_sasl_path = $auth"
        saslon="-o smtpd_sasl_auth_enable=yes"
    fi
    local authplain="" waitports="$base $((base + 2))"
    if [ -n "$auth" ] && [ -n "${POSTFIX_AUTH_PLAIN_PORT:-}" ]; then
        authplain="127.0.0.1:$POSTFIX_AUTH_PLAIN_PORT inet n - n - - smtpd -o syslog_name=postfix/submission-clear -o smtpd_tls_security_level=none $saslon -o smtpd_tls_auth_only=no -o mynetworks= -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject"
        waitports="$waitports $POSTFIX_AUTH_PLAIN_PORT"
    fi
    cat >"$d/etc/main.cf" <<MAINCF
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = $d/log/postfix.log
maillog_file_prefixes = $d/log
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.example.test
mydomain = example.test
myorigin = example.test
mydestination =
mynetworks = 127.0.0.0/8
relayhost =
relay_domains =
smtputf8_enable = no
biff = no
alias_maps =
alias_database =
append_dot_mydomain = no
smtpd_banner = \$myhostname ESMTP
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = example.org
virtual_mailbox_base = $d/mail
virtual_mailbox_maps = texthash:$d/etc/vmailbox
virtual_uid_maps = static:$(id -u "$user")
virtual_gid_maps = static:$(id -g "$user")
virtual_minimum_uid = 1
smtpd_tls_cert_file = $d/etc/server.pem
smtpd_tls_key_file = $d/etc/server.key
smtpd_tls_security_level = may
$sasl
MAINCF
    cat >"$d/etc/master.cf" <<MASTERCF
127.0.0.1:$base inet n - n - - smtpd
127.0.0.1:$((base + 1)) inet n - n - - smtpd -o syslog_name=postfix/submission -o smtpd_tls_security_level=encrypt $saslon -o smtpd_tls_auth_only=yes -o mynetworks= -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
127.0.0.1:$((base + 2)) inet n - n - - smtpd -o syslog_name=postfix/smtps -o smtpd_tls_wrappermode=yes $saslon -o mynetworks= -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
$authplain
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
tlsmgr    unix - - n 1000? 1 tlsmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
local     unix - n n - - local
virtual   unix - n n - - virtual
lmtp      unix - - n - - lmtp
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
MASTERCF
    chown -R "$user:" "$d/mail"
    chown postfix: "$d/data"
    POSTFIX_DIR=$d
    POSTFIX_CA=$d/ca.pem
    POSTFIX_PORT=$base
    POSTFIX_SUBMISSION_PORT=$((base + 1))
    POSTFIX_SMTPS_PORT=$((base + 2))
    export POSTFIX_DIR POSTFIX_CA POSTFIX_PORT POSTFIX_SUBMISSION_PORT POSTFIX_SMTPS_PORT
    # (postfix reports to stderr only on a terminal: script gives it one)
    script -qec "postfix -c $d/etc start" /dev/null </dev/null >"$d/log/start.out" 2>&1 ||
        { cat "$d/log/start.out" "$d/log/postfix.log" >&2 2>/dev/null; return 1; }
    local i p up
    for i in $(seq 1 100); do
        up=y
        for p in $waitports; do
            (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { up=; break; }
        done
        [ -n "$up" ] && return 0
        sleep 0.1
    done
    echo "postfix.sh: Postfix did not start; its log:" >&2
    cat "$d/log/start.out" "$d/log/postfix.log" >&2 2>/dev/null
    return 1
}

postfix_stop() {
    [ -n "${POSTFIX_DIR:-}" ] && [ -f "$POSTFIX_DIR/etc/main.cf" ] || return 0
    postfix -c "$POSTFIX_DIR/etc" stop >/dev/null 2>&1 || true
    local pidfile=$POSTFIX_DIR/queue/pid/master.pid i
    for i in $(seq 1 50); do
        [ -f "$pidfile" ] && kill -0 "$(tr -d ' ' <"$pidfile")" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$(tr -d ' ' <"$pidfile")" 2>/dev/null || true
}
