#!/bin/bash
# Server operations the other server suites do not reach: idle timeouts,
# a missing certificate, a client that vanishes mid-TLS-handshake.
#
# - Idle timeouts: refimapd and refpop3d (pine-compat/, built against the
#   ORIGINAL headers) wait for each command with INWAIT under imapd's and
#   ipop3d's limits (REFSRV_LOGINTIMEOUT before a login, REFSRV_TIMEOUT
#   after it; 2 s here). On a pipe, with the original library and with
#   ours, a client that goes silent before and after a login gets the
#   original servers' goodbye ("* BYE Autologout (idle for too long)",
#   "-ERR Autologout; idle for too long") and the syslog line "Autologout
#   user=... host=..." through a private /dev/log: transcripts and syslog
#   lines identical on both. Over TCP (c-tests/server/launch.py on
#   127.0.0.1) on our library, plain and implicit TLS 1.3, IMAP and POP3,
#   before and after a login: the goodbye arrives and the server closes
#   the connection; every session exits 0.
# - The FAQ's spool protection message: a session whose user cannot make
#   a lock file in the spool (mode 755), both libraries.
# - AUTH EXTERNAL on refpop3d started as the test user (ipop3d's
#   preauthenticated case), on both libraries.
# - A c-client program (client.c) on our library and on the original as
#   the client of the servers, IMAP and POP3, plain and TLS.
# - The fully qualified host name (mylocalhost) against the /etc/hosts
#   order, both libraries.
# - Implicit TLS without a certificate: no byte to the client, exit status
#   1, the original's LOG_ALERT line; a client that sends half a TLS
#   ClientHello and goes away: exit status 1, no output, the original's
#   LOG_INFO line (rustls' reason added in parentheses, docs/deviations.md;
#   the client's name masked: see below).
#
# Everything runs in private mount namespaces whose /etc is a copy with a
# test user (opsuser) and PAM service files; the machine's /etc is not
# changed. Ports 19001-19008, 19850-19853.
set -u
. "$(dirname "$0")/../lib/common.sh"

is_root || skip_suite "needs root (logins change identity; private mount namespaces)"
command -v python3 >/dev/null || skip_suite "python3 missing"
command -v openssl >/dev/null || skip_suite "openssl missing"
command -v unshare >/dev/null || skip_suite "unshare missing"
unshare -m true 2>/dev/null || skip_suite "cannot make a mount namespace here"
[ -f "$CCT_ORIG_SO" ] && [ -f "$CCT_ORIG_INC/linkage.c" ] || skip_suite "the original library or its headers are missing"
[ -f "$CCT_LIBDIR/libc-client.so.2007e.0" ] || { fail "build/lib staged (run make)"; finish; }

SRV="$CCT_ROOT/c-tests/server"
HERE="$CCT_ROOT/c-tests/serverops"
W=$(mktemp -d /tmp/serverops.XXXXXX)
chmod 755 "$W"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$W"
}
trap cleanup EXIT

# ---- the servers, built once against the original headers ----
for p in refimapd refpop3d; do
    if ! cc -w -I"$CCT_ORIG_INC" -o "$W/$p" "$CCT_ROOT/pine-compat/$p.c" "$CCT_ORIG_SO" 2>"$W/cc.log"; then
        fail "$p builds against the original headers: $(head -n 3 "$W/cc.log")"
        finish
    fi
done
# Implicit TLS is chosen by a server name beginning with "s".
cp "$W/refimapd" "$W/srefimapd"
cp "$W/refpop3d" "$W/srefpop3d"
cp "$W/refimapd" "$W/snocert"
chmod 755 "$W"/refimapd "$W"/refpop3d "$W"/srefimapd "$W"/srefpop3d "$W"/snocert

# ---- a private /etc: the test user, PAM services, certificates ----
cp -a /etc "$W/etc"
OPASS='Ops-Pass-3'
H=$(openssl passwd -6 -salt opssaltx "$OPASS")
OUID=47300
sed -i '/^opsuser:/d' "$W/etc/passwd" "$W/etc/shadow" "$W/etc/group"
mkdir -p "$W/home"
echo "opsuser:x:$OUID:$OUID::$W/home:/bin/false" >>"$W/etc/passwd"
echo "opsuser:x:$OUID:" >>"$W/etc/group"
echo "opsuser:$H:$(( $(date +%s) / 86400 - 10 )):0:99999:7:::" >>"$W/etc/shadow"
chown "$OUID:$OUID" "$W/home"
# On a pipe the client is "UNKNOWN", which PAM's audit record resolves:
# a hosts entry keeps that off the network.
echo "127.0.0.2 UNKNOWN" >>"$W/etc/hosts"
for svc in imap pop; do
    printf 'auth required pam_unix.so nodelay\naccount required pam_unix.so\nsession required pam_permit.so\n' \
        >"$W/etc/pam.d/$svc"
done
printf 'I accept the risk for IMAP toolkit 4.1.\nset disable-plaintext 0\n' >"$W/etc/c-client.cf"
rm -f "$W/etc/cram-md5.pwd" "$W/etc/anonymous.newsgroups"
# The INBOX of opsuser in the spool (/var/mail on Debian's build and ours).
mkdir -p "$W/spool" && chmod 1777 "$W/spool"
printf 'From a@example.org Sun Dec  6 10:00:00 2026\nFrom: a@example.org\nSubject: ops\n\nBody.\n\n' >"$W/spool/opsuser"
chown "$OUID:$OUID" "$W/spool/opsuser" && chmod 600 "$W/spool/opsuser"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -keyout "$W/key.pem" -out "$W/cert.pem" >/dev/null 2>&1 || { fail "make a test certificate"; finish; }
for s in srefimapd srefpop3d; do
    cp "$W/cert.pem" "$W/etc/ssl/certs/$s.pem"
    cp "$W/key.pem" "$W/etc/ssl/private/$s.pem"
done
rm -f "$W/etc/ssl/certs/snocert.pem" "$W/etc/ssl/private/snocert.pem"

# ns PROGRAM ARGS...: PROGRAM with the private /etc and spool.
NS='mount --bind "$1" /etc && mount --bind "$2" /var/mail || exit 125; shift 2; exec "$@"'

# ---- idle timeouts on a pipe, both libraries, syslog through a private /dev/log ----
# logged NAME LIB SECONDS-OF-SILENCE PROGRAM LINES...: runs PROGRAM with the
# LINES as its input, then SECONDS of silence with the input still open,
# under a private /dev/log; NAME.out gets the transcript, NAME.log the
# syslog lines (time and pid masked), NAME.rc the exit status.
logged() {
    local name=$1 lib=$2 quiet=$3 prog=$4 ld=; shift 4
    [ "$lib" = ours ] && ld=$CCT_LIBDIR
    rm -f "$W/$name.sock" "$W/$name.raw"
    python3 "$SRV/logd.py" "$W/$name.sock" "$W/$name.raw" >"$W/$name.logd" 2>&1 &
    local lp=$! i
    for i in $(seq 1 100); do grep -q '^ready' "$W/$name.logd" 2>/dev/null && break; sleep 0.1; done
    # Each run its own copy of the spool: a session sharing the mailbox
    # with another would be told to give it up (the kiss of death).
    rm -rf "$W/spool-$name" && cp -a "$W/spool" "$W/spool-$name"
    # the FAQ's spool protection case: a spool directory not 1777
    case $name in vuln-*) chmod 755 "$W/spool-$name" ;; esac
    { [ $# -gt 0 ] && printf '%s\r\n' "$@"; sleep "$quiet"; } |
        LD_LIBRARY_PATH=$ld REFSRV_TIMEOUT=2 REFSRV_LOGINTIMEOUT=2 TZ=UTC timeout 60 \
            unshare -m sh -c "mount --bind \"\$1\" /var/mail || exit 125; shift; exec sh \"\$@\"" sh \
            "$W/spool-$name" "$SRV/privlog.sh" "$W/etc" "$W/$name.sock" "$prog" >"$W/$name.bin" 2>&1
    echo $? >"$W/$name.rc"
    sleep 0.2
    kill $lp 2>/dev/null; wait $lp 2>/dev/null
    sed -e 's/\r$//' -e 's/UIDVALIDITY [0-9]*/UIDVALIDITY N/' "$W/$name.bin" >"$W/$name.out"
    sed -E 's/^(<[0-9]+>)[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} /\1/; s/\[[0-9]+\]:/[PID]:/' \
        "$W/$name.raw" >"$W/$name.log" 2>/dev/null
}
for lib in orig ours; do
    logged imap-pre-$lib $lib 10 "$W/refimapd" "a CAPABILITY" &
    logged imap-in-$lib $lib 10 "$W/refimapd" "a LOGIN opsuser $OPASS" "b SELECT INBOX" &
    logged pop-pre-$lib $lib 10 "$W/refpop3d" "CAPA" &
    logged pop-in-$lib $lib 10 "$W/refpop3d" "USER opsuser" "PASS $OPASS" "STAT" &
    logged vuln-$lib $lib 0 "$W/refimapd" "a LOGIN opsuser $OPASS" "b SELECT INBOX" \
        "c STORE 1 +FLAGS (\\Flagged)" "d EXPUNGE" "e LOGOUT" &
done
wait
# same NAME WHAT EXPECTED-GOODBYE EXPECTED-SYSLOG
same() {
    local name=$1 what=$2 bye=$3 line=$4
    if cmp -s "$W/$name-orig.out" "$W/$name-ours.out" && cmp -s "$W/$name-orig.log" "$W/$name-ours.log" &&
        [ "$(tail -n 1 "$W/$name-ours.out")" = "$bye" ] && grep -qF "$line" "$W/$name-ours.log" &&
        [ "$(cat "$W/$name-ours.rc")" = "$(cat "$W/$name-orig.rc")" ]; then
        ok "$what: the original's goodbye and syslog ($(grep -F "$line" "$W/$name-ours.log"))"
    else
        fail "$what differs from the original or lacks '$bye' / '$line'"
        diff "$W/$name-orig.out" "$W/$name-ours.out" | head -8
        diff "$W/$name-orig.log" "$W/$name-ours.log" | head -8
        tail -n 2 "$W/$name-ours.out"
    fi
}
same imap-pre "refimapd silent before a login" "* BYE Autologout (idle for too long)" \
    "Autologout user=??? host=UNKNOWN"
same imap-in "refimapd silent after LOGIN and SELECT" "* BYE Autologout (idle for too long)" \
    "Autologout user=opsuser host=UNKNOWN"
same pop-pre "refpop3d silent before a login" "-ERR Autologout; idle for too long" \
    "Autologout user=??? host=UNKNOWN"
same pop-in "refpop3d silent after USER/PASS and STAT" "-ERR Autologout; idle for too long" \
    "Autologout user=opsuser host=UNKNOWN"
# The FAQ's "Mailbox vulnerable - directory ... must have 1777 protection":
# the user cannot make the lock file in a spool directory of mode 755.
if cmp -s "$W/vuln-orig.out" "$W/vuln-ours.out" && cmp -s "$W/vuln-orig.log" "$W/vuln-ours.log" &&
    grep -q '^\* NO Mailbox vulnerable - directory /var/mail must have 1777 protection' "$W/vuln-ours.out" &&
    grep -q '^e OK' "$W/vuln-ours.out"; then
    ok "spool directory not 1777: the original's warning ($(grep -c 'Mailbox vulnerable' "$W/vuln-ours.out") times) and transcript"
else
    fail "spool protection warning differs from the original's or is missing"
    diff "$W/vuln-orig.out" "$W/vuln-ours.out" | head -8
fi
out=
for lib in orig ours; do
    # a copy the test user may read (the original refuses local mailboxes
    # as root, and names beginning with "/")
    mkdir -p "$W/chk-$lib" && cp "$W/spool-imap-in-$lib/opsuser" "$W/chk-$lib/box"
    chown -R "$CCT_USER:" "$W/chk-$lib"
    out="$out $(cd "$W/chk-$lib" && runuser -u "$CCT_USER" -- env HOME="$W/chk-$lib" /usr/bin/mailutil check box 2>&1)"
done
case $out in
    *"1 total in"*"1 total in"*) ok "the mailbox each silent session had open: intact, the original reads it" ;;
    *) fail "mailboxes after the silent sessions: $out" ;;
esac

# ---- implicit TLS: a missing certificate, a client gone mid-handshake ----
# Implicit TLS needs a socket (on a pipe both libraries speak plaintext),
# so these run under the launcher, one per library, each inside its own
# private /dev/log.
tlsd() { # NAME LIB PORT PROGRAM
    local name=$1 ld=; [ "$2" = ours ] && ld=$CCT_LIBDIR
    rm -f "$W/$name.sock" "$W/$name.raw"
    python3 "$SRV/logd.py" "$W/$name.sock" "$W/$name.raw" >"$W/$name.logd" 2>&1 &
    PIDS+=($!)
    local i
    for i in $(seq 1 100); do grep -q '^ready' "$W/$name.logd" 2>/dev/null && break; sleep 0.1; done
    LAUNCH_LOG="$W/$name.sessions" LD_LIBRARY_PATH=$ld TZ=UTC \
        sh "$SRV/privlog.sh" "$W/etc" "$W/$name.sock" python3 "$SRV/launch.py" "$3" "$W/$4" >"$W/$name.launch" 2>&1 &
    PIDS+=($!)
    for i in $(seq 1 200); do grep -q '^ready' "$W/$name.launch" 2>/dev/null && return 0; sleep 0.1; done
    fail "launcher $name on port $3: $(head -c 300 "$W/$name.launch")"
    return 1
}
# masked NAME: the syslog lines, time and pid masked; rustls' reason in
# parentheses is ours alone and OpenSSL's "SSL error status" lines the
# original's alone (docs/deviations.md).
masked() {
    sed -E 's/^(<[0-9]+>)[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} /\1/; s/\[[0-9]+\]:/[PID]:/; s/ \([^)]*\), host=/, host=/; s/port [0-9]+ service init/port N service init/' \
        "$W/$1.raw" 2>/dev/null | grep -v 'SSL error status'
}
if tlsd nocert-orig orig 19005 snocert && tlsd nocert-ours ours 19006 snocert &&
    tlsd hs-orig orig 19007 srefimapd && tlsd hs-ours ours 19008 srefimapd; then
    python3 - 19005 19006 19007 19008 >"$W/tlsfail.out" 2>&1 <<'PY'
import socket, sys, time
for p in sys.argv[1:3]:          # no certificate: what the client gets
    s = socket.create_connection(("127.0.0.1", int(p)), timeout=30)
    s.sendall(b"\x16\x03\x01\x00\x05hello")
    got = b""
    while True:
        try:
            b = s.recv(4096)
        except ConnectionResetError:
            break
        if not b:
            break
        got += b
    print("nocert %s %d bytes" % (p, len(got)))
    s.close()
for p in sys.argv[3:5]:          # half a ClientHello, then gone
    s = socket.create_connection(("127.0.0.1", int(p)), timeout=30)
    s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
    s.close()
time.sleep(1)
PY
    for i in $(seq 1 50); do
        [ -s "$W/hs-ours.sessions" ] && [ -s "$W/hs-orig.sessions" ] && [ -s "$W/nocert-ours.sessions" ] &&
            [ -s "$W/nocert-orig.sessions" ] && break
        sleep 0.2
    done
    for n in nocert-orig nocert-ours; do masked $n >"$W/$n.log"; done
    # Mid-handshake the original's OpenSSL answers the vanished client with
    # an alert, which draws a reset, and the client's name it asks for next
    # is then "UNKNOWN" (or not, by the race); rustls sends nothing to a
    # peer that is gone. The host is masked here.
    for n in hs-orig hs-ours; do masked $n | sed 's/, host=.*/, host=H/' >"$W/$n.log"; done
    st() { cut -d' ' -f1-2 "$W/$1.sessions" 2>/dev/null; }
    if grep -q '^nocert 19006 0 bytes' "$W/tlsfail.out" && grep -q '^nocert 19005 0 bytes' "$W/tlsfail.out" &&
        [ "$(st nocert-ours)" = "exit 1" ] && [ "$(st nocert-orig)" = "exit 1" ] &&
        cmp -s "$W/nocert-orig.log" "$W/nocert-ours.log" &&
        grep -q 'snocert\[PID\]: Unable to load certificate from /etc/ssl/certs/snocert.pem, host=' "$W/nocert-ours.log"; then
        ok "implicit TLS without a certificate: nothing to the client, exit 1, the original's syslog ($(grep Unable "$W/nocert-ours.log"))"
    else
        fail "missing certificate: $(tr '\n' '|' <"$W/tlsfail.out") status $(st nocert-orig)/$(st nocert-ours)"
        diff "$W/nocert-orig.log" "$W/nocert-ours.log" | head
    fi
    if [ "$(st hs-ours)" = "$(st hs-orig)" ] && [ -n "$(st hs-ours)" ] &&
        cmp -s "$W/hs-orig.log" "$W/hs-ours.log" && [ -s "$W/hs-ours.log" ]; then
        ok "client gone mid-handshake: $(st hs-ours) and the original's syslog ($(grep Unable "$W/hs-ours.log"))"
    else
        fail "client gone mid-handshake: status $(st hs-orig)/$(st hs-ours)"
        diff "$W/hs-orig.log" "$W/hs-ours.log" | head
    fi
fi

# ---- the fully qualified host name (mylocalhost) ----
# The FAQ: the local host name is the resolver's canonical name of
# gethostname (), so the order of names on its /etc/hosts line decides. In
# a private UTS and mount namespace (host name "srvops") with each order,
# both libraries.
if cc -w -I"$CCT_ORIG_INC" -o "$W/client" "$HERE/client.c" "$CCT_ORIG_SO" 2>"$W/cc-client.log"; then
    for order in fqdn-first short-first; do
        cp -a "$W/etc" "$W/etc-$order"
        sed -i '/srvops/d' "$W/etc-$order/hosts"
        if [ $order = fqdn-first ]; then
            echo "127.0.1.1 srvops.example.org srvops" >>"$W/etc-$order/hosts"
        else
            echo "127.0.1.1 srvops srvops.example.org" >>"$W/etc-$order/hosts"
        fi
        for lib in orig ours; do
            ld=; [ $lib = ours ] && ld=$CCT_LIBDIR
            LD_LIBRARY_PATH=$ld timeout 30 unshare -mu sh -c 'hostname srvops && mount --bind "$1" /etc && exec "$2" --localhost' \
                sh "$W/etc-$order" "$W/client" >"$W/fqdn-$order.$lib" 2>&1
        done
    done
    if [ "$(cat "$W/fqdn-fqdn-first.ours")" = srvops.example.org ] && [ "$(cat "$W/fqdn-short-first.ours")" = srvops ] &&
        cmp -s "$W/fqdn-fqdn-first.orig" "$W/fqdn-fqdn-first.ours" &&
        cmp -s "$W/fqdn-short-first.orig" "$W/fqdn-short-first.ours"; then
        ok "mylocalhost follows the /etc/hosts order as the original's (srvops.example.org, then srvops)"
    else
        fail "mylocalhost: ours $(cat "$W/fqdn-fqdn-first.ours")/$(cat "$W/fqdn-short-first.ours"), original $(cat "$W/fqdn-fqdn-first.orig")/$(cat "$W/fqdn-short-first.orig")"
    fi
fi

# ---- AUTH EXTERNAL: a session started as its user (as ipop3d) ----
# refpop3d, run as the test user (a preauthenticated session, e.g. over
# ssh), unhides EXTERNAL with SET_EXTERNALAUTHID = that user, as ipop3d
# does: an empty authorization identity logs in as the user, another
# user's name is refused (not a mailadm member); as root there is no
# external identity. Both libraries, syslog through a private /dev/log.
chown "$CCT_USER:" "$W"
ext() { # NAME LIB AS-USER LINES...
    local name=$1 ld= who=$3 i; [ "$2" = ours ] && ld=$CCT_LIBDIR; shift 3
    rm -rf "$W/spool-$name" && cp -a "$W/spool" "$W/spool-$name"
    rm -f "$W/$name.sock" "$W/$name.raw"
    python3 "$SRV/logd.py" "$W/$name.sock" "$W/$name.raw" >"$W/$name.logd" 2>&1 &
    local lp=$!
    for i in $(seq 1 100); do grep -q '^ready' "$W/$name.logd" 2>/dev/null && break; sleep 0.1; done
    printf '%s\r\n' "$@" | TZ=UTC timeout 60 unshare -m sh -c "mount --bind \"\$1\" /var/mail || exit 125; shift; exec sh \"\$@\"" sh \
        "$W/spool-$name" "$SRV/privlog.sh" "$W/etc" "$W/$name.sock" \
        runuser -u "$who" -- env LD_LIBRARY_PATH="$ld" "$W/refpop3d" 2>&1 | sed 's/\r$//' >"$W/$name.out"
    sleep 0.2
    kill $lp 2>/dev/null; wait $lp 2>/dev/null
    sed -E 's/^(<[0-9]+>)[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} /\1/; s/\[[0-9]+\]:/[PID]:/' "$W/$name.raw" >"$W/$name.log"
}
rootb64=$(printf root | base64)
epids=()
for lib in orig ours; do
    ext ext-self-$lib $lib "$CCT_USER" "CAPA" "AUTH EXTERNAL" "" "STAT" "QUIT" &
    epids+=($!)
    ext ext-other-$lib $lib "$CCT_USER" "AUTH EXTERNAL" "$rootb64" "QUIT" &
    epids+=($!)
    ext ext-root-$lib $lib root "AUTH EXTERNAL" "" "QUIT" &
    epids+=($!)
done
wait "${epids[@]}"
for k in self:"+OK Mailbox open" other:"-ERR" root:"-ERR"; do
    c=${k%%:*} want=${k#*:}
    if cmp -s "$W/ext-$c-orig.out" "$W/ext-$c-ours.out" && cmp -s "$W/ext-$c-orig.log" "$W/ext-$c-ours.log" &&
        grep -q "^$want" "$W/ext-$c-ours.out"; then
        ok "AUTH EXTERNAL ($c): the original's transcript and syslog ($(grep -e '^+OK Mailbox' -e '^-ERR' "$W/ext-$c-ours.out" | head -n 1))"
    else
        fail "AUTH EXTERNAL ($c) differs from the original or lacks '$want'"
        diff "$W/ext-$c-orig.out" "$W/ext-$c-ours.out" | head -6
        diff "$W/ext-$c-orig.log" "$W/ext-$c-ours.log" | head -6
    fi
done

# ---- the signal handlers server_init arms ----
# refimapd hands server_init its handlers as imapd does: SIGTERM says
# "* BYE Killed", SIGUSR2 (another process wants the mailbox: the kiss of
# death) "* BYE Lost mailbox lock", SIGHUP closes the mailbox and ends
# without a word. Sent in a session with INBOX selected, on a pipe, both
# libraries: the transcripts, how the server ended and the syslog lines
# must be the same (a handler left unarmed ends the server by the signal).
sigrun() { # NAME LIB SIGNAL
    local name=$1 ld= i; [ "$2" = ours ] && ld=$CCT_LIBDIR
    rm -rf "$W/spool-$name" && cp -a "$W/spool" "$W/spool-$name"
    rm -f "$W/$name.sock" "$W/$name.raw"
    python3 "$SRV/logd.py" "$W/$name.sock" "$W/$name.raw" >"$W/$name.logd" 2>&1 &
    local lp=$!
    for i in $(seq 1 100); do grep -q '^ready' "$W/$name.logd" 2>/dev/null && break; sleep 0.1; done
    LD_LIBRARY_PATH=$ld TZ=UTC timeout 60 python3 "$HERE/sig.py" "$3" "a LOGIN opsuser $OPASS" "b SELECT INBOX" -- \
        unshare -m sh -c "mount --bind \"\$1\" /var/mail || exit 125; shift; exec sh \"\$@\"" sh \
        "$W/spool-$name" "$SRV/privlog.sh" "$W/etc" "$W/$name.sock" "$W/refimapd" |
        sed 's/UIDVALIDITY [0-9]*/UIDVALIDITY N/' >"$W/$name.out"
    sleep 0.2
    kill $lp 2>/dev/null; wait $lp 2>/dev/null
    sed -E 's/^(<[0-9]+>)[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} /\1/; s/\[[0-9]+\]:/[PID]:/' "$W/$name.raw" >"$W/$name.log"
}
spids=()
for sg in TERM USR2 HUP; do
    for lib in orig ours; do sigrun sig-$sg-$lib $lib $sg & spids+=($!); done
done
wait "${spids[@]}"
for k in "TERM:* BYE Killed" "USR2:* BYE Lost mailbox lock" "HUP:b OK"; do
    sg=${k%%:*} want=${k#*:}
    if cmp -s "$W/sig-$sg-orig.out" "$W/sig-$sg-ours.out" && cmp -s "$W/sig-$sg-orig.log" "$W/sig-$sg-ours.log" &&
        [ "$(tail -n 2 "$W/sig-$sg-ours.out" | head -n 1 | cut -c1-${#want})" = "$want" ] &&
        [ "$(tail -n 1 "$W/sig-$sg-ours.out")" = "status exit 0" ]; then
        ok "SIG$sg in a session: the handler server_init armed answers as on the original ('$want', exit 0, $(grep -c . "$W/sig-$sg-ours.log") syslog lines)"
    else
        fail "SIG$sg in a session differs from the original or lacks '$want'"
        diff "$W/sig-$sg-orig.out" "$W/sig-$sg-ours.out" | head -6
        diff "$W/sig-$sg-orig.log" "$W/sig-$sg-ours.log" | head -6
        tail -n 2 "$W/sig-$sg-ours.out"
    fi
done

# ---- implicit TLS by the port's service (/etc/services) ----
# server_init names two services: on the port of the first the session is
# plaintext even for a server name beginning with "s", on the port of the
# second it is TLS whatever the name. A copy of /etc per library whose
# /etc/services puts imap and imaps on test ports (19850/19851 for the
# original, 19852/19853 for ours); srvinit.c, built against the original
# headers, reports the connection's names through the P* layer; its
# LOG_DEBUG lines ("imaps SSL service init from ...") go to a private
# /dev/log. The certificate is only at <server>-<address>.pem. Both
# libraries: the same answers and syslog lines.
if cc -w -I"$CCT_ORIG_INC" -o "$W/srvinit" "$HERE/srvinit.c" "$CCT_ORIG_SO" 2>"$W/cc-srvinit.log"; then
    cp "$W/srvinit" "$W/ssrvinit" && chmod 755 "$W/srvinit" "$W/ssrvinit"
    for lib in orig ours; do
        p=19850; [ $lib = ours ] && p=19852
        cp -a "$W/etc" "$W/etc-svc-$lib"
        sed -i -E '/^imap[2s]?[[:space:]]/d' "$W/etc-svc-$lib/services"
        printf 'imap\t\t%s/tcp\nimaps\t\t%s/tcp\n' $p $((p + 1)) >>"$W/etc-svc-$lib/services"
        # the certificate by server name and address only (the form a
        # server with several addresses uses)
        cp "$W/cert.pem" "$W/etc-svc-$lib/ssl/certs/srvinit-127.0.0.1.pem"
        cp "$W/key.pem" "$W/etc-svc-$lib/ssl/private/srvinit-127.0.0.1.pem"
    done
    svcd() { # NAME LIB PORT PROGRAM
        local name=$1 ld= i; [ "$2" = ours ] && ld=$CCT_LIBDIR
        rm -f "$W/$name.sock" "$W/$name.raw"
        python3 "$SRV/logd.py" "$W/$name.sock" "$W/$name.raw" >"$W/$name.logd" 2>&1 &
        PIDS+=($!)
        for i in $(seq 1 100); do grep -q '^ready' "$W/$name.logd" 2>/dev/null && break; sleep 0.1; done
        LAUNCH_LOG="$W/$name.sessions" LD_LIBRARY_PATH=$ld TZ=UTC sh "$SRV/privlog.sh" "$W/etc-svc-$2" \
            "$W/$name.sock" python3 "$SRV/launch.py" "$3" "$W/$4" >"$W/$name.launch" 2>&1 &
        PIDS+=($!)
        for i in $(seq 1 200); do grep -q '^ready' "$W/$name.launch" 2>/dev/null && return 0; sleep 0.1; done
        fail "launcher $name on port $3: $(head -c 300 "$W/$name.launch")"
        return 1
    }
    if svcd svc-plain-orig orig 19850 ssrvinit && svcd svc-tls-orig orig 19851 srvinit &&
        svcd svc-plain-ours ours 19852 ssrvinit && svcd svc-tls-ours ours 19853 srvinit; then
        python3 - >"$W/svc.out" 2>&1 <<'PY'
import socket, ssl
def talk(lib, port, tls):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        s = ctx.wrap_socket(s)
    f = s.makefile("rb")
    lines = []
    while True:
        l = f.readline()
        if not l:
            break
        l = l.decode().rstrip("\r\n").replace(str(port), "PORT")
        lines.append(l)
        if l.startswith("clientport"):
            break
    s.close()
    kind = "tls " + s.version() if tls else "plain"
    print("%s %s: %s" % (lib, kind, " | ".join(lines)))
for lib, base in (("orig", 19850), ("ours", 19852)):
    for port, tls in ((base, False), (base + 1, True)):
        try:
            talk(lib, port, tls)
        except Exception as e:
            print("%s %s: %r" % (lib, "tls" if tls else "plain", e))
PY
        for i in $(seq 1 50); do
            [ "$(cat "$W"/svc-*.sessions 2>/dev/null | wc -l)" -ge 4 ] && break
            sleep 0.2
        done
        sleep 0.3
        for n in svc-plain-orig svc-tls-orig svc-plain-ours svc-tls-ours; do
            sed -E 's/^(<[0-9]+>)[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} /\1/; s/\[[0-9]+\]:/[PID]:/' "$W/$n.raw" >"$W/$n.log" 2>/dev/null
        done
        sed -n 's/^orig //p' "$W/svc.out" >"$W/svc.orig"
        sed -n 's/^ours //p' "$W/svc.out" >"$W/svc.ours"
        cat "$W/svc.ours"
        if cmp -s "$W/svc.orig" "$W/svc.ours" && grep -q '^plain: clienthost .*serverport PORT | clientport ephemeral' "$W/svc.ours"; then
            ok "a server named s... on the port of the plain service: plaintext, as on the original"
        else
            fail "server_init on the plain service's port: $(tr '\n' '|' <"$W/svc.out")"
        fi
        if cmp -s "$W/svc.orig" "$W/svc.ours" && grep -q '^tls TLSv1.[23]: clienthost .*serverport PORT | clientport ephemeral' "$W/svc.ours"; then
            ok "a server not named s... on the port of the SSL service: implicit TLS with <server>-<address>.pem, the same names as on the original"
        else
            fail "server_init on the SSL service's port: $(tr '\n' '|' <"$W/svc.out")"
        fi
        for k in plain tls; do
            if cmp -s "$W/svc-$k-orig.log" "$W/svc-$k-ours.log" && [ -s "$W/svc-$k-ours.log" ]; then
                ok "server_init's syslog on the $k service's port as the original's ($(tr '\n' '|' <"$W/svc-$k-ours.log"))"
            else
                fail "server_init's syslog on the $k service's port differs"
                diff "$W/svc-$k-orig.log" "$W/svc-$k-ours.log" | head -6
            fi
        done
        check "srvinit sessions all ended with status 0" sh -c "! cat '$W'/svc-*.sessions | grep -qv '^exit 0 '"
    fi
else
    fail "srvinit.c builds against the original headers: $(head -n 3 "$W/cc-srvinit.log")"
fi

# ---- idle timeouts over TCP, plain and implicit TLS, on our library ----
start() { # PORT PROGRAM
    local out="$W/launch-$1.out"
    LAUNCH_LOG="$W/sessions.log" LD_LIBRARY_PATH="$CCT_LIBDIR" REFSRV_TIMEOUT=2 REFSRV_LOGINTIMEOUT=2 \
        unshare -m sh -c "$NS" sh "$W/etc" "$W/spool" python3 "$SRV/launch.py" "$1" "$W/$2" >"$out" 2>&1 &
    PIDS+=($!)
    local i
    for i in $(seq 1 200); do
        grep -q '^ready' "$out" 2>/dev/null && return 0
        kill -0 "$!" 2>/dev/null || break
        sleep 0.1
    done
    fail "launcher on port $1: $(head -c 300 "$out")"
    return 1
}
if start 19001 refimapd && start 19002 srefimapd && start 19003 refpop3d && start 19004 srefpop3d; then
    OPS_USER=opsuser OPS_PASS=$OPASS timeout 120 python3 "$HERE/idle.py" 19001 19002 19003 19004 >"$W/idle.out" 2>&1
    cat "$W/idle.out"
    CCT_PASS=$((CCT_PASS + $(grep -c '^ok ' "$W/idle.out")))
    CCT_FAIL=$((CCT_FAIL + $(grep -c '^FAIL ' "$W/idle.out")))
    # A c-client program (client.c, built against the original headers) as
    # the client, on our library and on the original: IMAP and POP3, plain
    # and TLS, against the servers on our library.
    if cc -w -I"$CCT_ORIG_INC" -o "$W/client" "$HERE/client.c" "$CCT_ORIG_SO" 2>"$W/cc-client.log"; then
        boxes=("{127.0.0.1:19001/imap/notls}INBOX" "{127.0.0.1:19003/pop3/notls}INBOX"
            "{127.0.0.1:19002/imap/ssl/novalidate-cert}INBOX" "{127.0.0.1:19004/pop3/ssl/novalidate-cert}INBOX")
        for lib in orig ours; do
            ld=; [ $lib = ours ] && ld=$CCT_LIBDIR
            OPS_USER=opsuser OPS_PASS=$OPASS LD_LIBRARY_PATH=$ld timeout 60 "$W/client" "${boxes[@]}" \
                >"$W/client.$lib" 2>"$W/client.$lib.err"
        done
        if cmp -s "$W/client.orig" "$W/client.ours" && [ "$(grep -c ': 1 messages$' "$W/client.ours")" = 4 ] &&
            [ "$(grep -c ': subject ops$' "$W/client.ours")" = 4 ] && [ "$(grep -c ': flagged 1$' "$W/client.ours")" = 2 ]; then
            ok "a c-client program on our library reads and flags through the servers (IMAP, POP3; plain, TLS) as on the original"
        else
            fail "c-client program as the client: $(tr '\n' '|' <"$W/client.ours") $(head -c 300 "$W/client.ours.err")"
            diff "$W/client.orig" "$W/client.ours" | head
        fi
    else
        fail "client.c builds against the original headers: $(head -n 3 "$W/cc-client.log")"
    fi
    sleep 0.5
    n=$(wc -l <"$W/sessions.log" 2>/dev/null || echo 0)
    if [ "$n" -ge 14 ] && ! grep -qv '^exit 0 ' "$W/sessions.log"; then
        ok "every TCP session ended by itself with status 0 ($n sessions)"
    else
        fail "TCP sessions' ends: $(sort "$W/sessions.log" 2>/dev/null | uniq -c | tr '\n' '|')"
    fi
fi
finish
