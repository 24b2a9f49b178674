# Sourced by the network suites: a private Dovecot (IMAP and POP3, plain
# and TLS) on 127.0.0.1 only, with its own configuration, users, CA and
# mail under a scratch directory. The system's Dovecot service is never
# touched. Needs root (Dovecot's master drops to its own users).
#
#   dovecot_start DIR BASEPORT   start; ports BASEPORT (imap), +1 (imaps),
#                                +2 (pop3), +3 (pop3s)
#   dovecot_stop                 stop it and wait until it is gone
#   DOVECOT_PASSDB_EXTRA         (optional) passdb extra fields for every user,
#                                e.g. nodelay=y (no delay after a failed login)
#   DOVECOT_EXTRA_CONF           (optional) more configuration, appended
#   DOVECOT_IMAP_PLUGINS         (optional) more IMAP plugins, e.g. imap_zlib
#                                (COMPRESS=DEFLATE)
#   DOVECOT_AUTH_MECHS           (optional) auth_mechanisms, default
#                                "plain login cram-md5"; with "apop" in it the
#                                POP3 greeting carries an APOP timestamp
#   DOVECOT_OAUTH2_URL           (optional) token-info URL (GET, the token in
#                                ?access_token=): adds an oauth2 passdb and
#                                the XOAUTH2 and OAUTHBEARER mechanisms
#
# Users (passwords in clear for CRAM-MD5): alice/alicepw, bob/bobpw,
# carol/carolpw. Mail: Maildir under $DOVECOT_DIR/home/USER/Maildir, files
# owned by $CCLIENT_TEST_USER (default cloudsdk). After dovecot_start:
# DOVECOT_DIR, DOVECOT_CA (the CA certificate that signed the server's
# certificate for "localhost" and 127.0.0.1), DOVECOT_IMAP_PORT,
# DOVECOT_IMAPS_PORT, DOVECOT_POP3_PORT, DOVECOT_POP3S_PORT.

dovecot_available() {
    command -v dovecot >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 &&
        [ "$(id -u)" -eq 0 ] && [ -x /usr/lib/dovecot/imap ]
}

_dovecot_certs() {
    local d=$1
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=c-client test CA" \
        -keyout "$d/ca.key" -out "$d/ca.pem" >/dev/null 2>&1 || return 1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$d/server.key" -out "$d/server.csr" >/dev/null 2>&1 || return 1
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nbasicConstraints=CA:FALSE\n' >"$d/ext.cnf"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
        -CAcreateserial -days 2 -extfile "$d/ext.cnf" -out "$d/server.pem" >/dev/null 2>&1
}

dovecot_start() {
    local dir=$1 base=$2
    local user=${CCLIENT_TEST_USER:-cloudsdk}
    rm -rf "$dir"
    mkdir -p "$dir/run" "$dir/home" "$dir/log"
    chmod 755 "$dir"
    _dovecot_certs "$dir" || { echo "dovecot.sh: cannot make certificates" >&2; return 1; }
    local u
    : >"$dir/passwd"
    for u in alice bob carol; do
        echo "$u:{PLAIN}${u}pw::::::${DOVECOT_PASSDB_EXTRA:-}" >>"$dir/passwd"
        mkdir -p "$dir/home/$u"
    done
    chown -R "$user:" "$dir/home"
    local mechs=${DOVECOT_AUTH_MECHS:-plain login cram-md5} oauth=""
    if [ -n "${DOVECOT_OAUTH2_URL:-}" ]; then
        mechs="$mechs xoauth2 oauthbearer"
        cat >"$dir/oauth2.conf.ext" <<EOF
tokeninfo_url = $DOVECOT_OAUTH2_URL?access_token=
username_attribute = username
active_attribute = active
active_value = true
EOF
        oauth="passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $dir/oauth2.conf.ext
}"
    fi
    cat >"$dir/dovecot.conf" <<EOF
base_dir = $dir/run
instance_name = cclient-test-$base
state_dir = $dir/run
log_path = $dir/log/dovecot.log
listen = 127.0.0.1
protocols = imap pop3
ssl = yes
ssl_cert = <$dir/server.pem
ssl_key = <$dir/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_failure_delay = 0
auth_mechanisms = $mechs
mail_location = maildir:~/Maildir
mail_plugins = \$mail_plugins quota acl
first_valid_uid = 1
$oauth
passdb {
  driver = passwd-file
  args = scheme=PLAIN $dir/passwd
}
userdb {
  driver = static
  args = uid=$user gid=$user home=$dir/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $base
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $((base + 1))
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $((base + 2))
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = $((base + 3))
    ssl = yes
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
protocol imap {
  mail_plugins = \$mail_plugins imap_quota imap_acl ${DOVECOT_IMAP_PLUGINS:-}
}
plugin {
  quota = maildir:User quota
  quota_rule = *:storage=100M
  acl = vfile
}
namespace inbox {
  inbox = yes
  separator = /
}
${DOVECOT_EXTRA_CONF:-}
EOF
    DOVECOT_DIR=$dir
    DOVECOT_CA=$dir/ca.pem
    DOVECOT_IMAP_PORT=$base
    DOVECOT_IMAPS_PORT=$((base + 1))
    DOVECOT_POP3_PORT=$((base + 2))
    DOVECOT_POP3S_PORT=$((base + 3))
    export DOVECOT_DIR DOVECOT_CA DOVECOT_IMAP_PORT DOVECOT_IMAPS_PORT DOVECOT_POP3_PORT DOVECOT_POP3S_PORT
    # Its own stdio: the daemon must not hold the caller's pipes open.
    dovecot -c "$dir/dovecot.conf" </dev/null >/dev/null 2>"$dir/log/start.err" ||
        { cat "$dir/log/start.err" "$dir/log/dovecot.log" >&2 2>/dev/null; return 1; }
    local i
    for i in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$base") 2>/dev/null &&
            (exec 3<>"/dev/tcp/127.0.0.1/$((base + 3))") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "dovecot.sh: Dovecot did not start; its log:" >&2
    cat "$dir/log/dovecot.log" >&2 2>/dev/null
    return 1
}

dovecot_stop() {
    [ -n "${DOVECOT_DIR:-}" ] && [ -f "$DOVECOT_DIR/dovecot.conf" ] || return 0
    doveadm -c "$DOVECOT_DIR/dovecot.conf" stop >/dev/null 2>&1 || true
    local pidfile=$DOVECOT_DIR/run/master.pid i
    for i in $(seq 1 50); do
        [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$(cat "$pidfile")" 2>/dev/null || true
}
