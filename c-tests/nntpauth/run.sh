#!/bin/bash
# nntpauth suite: AUTHINFO on the NNTP reading driver against a private
# INN that lets nobody read before AUTHINFO USER/PASS (c-tests/lib/inn.sh
# with INN_AUTH_ONLY; ckpasswd, alice/alicepw; 127.0.0.1:17710).
# nntpauth.c, compiled once against the ORIGINAL headers, opens a group
# with each library: with /user=alice (authenticates at open, before MODE
# READER), without it (INN answers 480, the driver authenticates then and
# reads the group), with a wrong password (the retries and the failure);
# output and callbacks must be identical.
# Last line: "N passed, M failed".
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/common.sh"
. "$HERE/../lib/inn.sh"

inn_available || skip_suite "INN (Debian inn2) not installed, or not root"
have_test_user || skip_suite "no user $CCT_USER"
[ -e "$CCT_LIBDIR/libc-client.so.2007e" ] || { fail "our library is not built (make)"; finish; }
PORT=17710
W=$(mktemp -d /tmp/nntpauth_suite_XXXXXX)
chmod 755 "$W"
trap 'inn_stop; [ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
cc -w -I"$CCT_ORIG_INC" -o "$W/nntpauth" "$HERE/nntpauth.c" -lc-client || { fail "build nntpauth.c"; finish; }
stage_lib "$W/lib"
INN_AUTH_ONLY=1 inn_start "$W/inn" "$PORT" || { fail "start INN"; finish; }

# Two articles in test.one, posted after AUTHINFO (nothing is allowed
# before it); an unauthenticated GROUP must be refused with 480.
python3 - "$PORT" <<'PY' >"$W/setup.log" 2>&1 || { fail "post the articles: $(tail -n 3 "$W/setup.log")"; finish; }
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
f = s.makefile("rwb")
def cmd(c):
    f.write(c + b"\r\n"); f.flush()
    return f.readline()
f.readline()
cmd(b"MODE READER")
r = cmd(b"GROUP test.one")
assert r[:3] == b"480", r
assert cmd(b"AUTHINFO USER alice")[:3] == b"381"
assert cmd(b"AUTHINFO PASS alicepw")[:3] == b"281"
for n in (1, 2):
    assert cmd(b"POST")[:3] == b"340"
    f.write(b"From: alice@example.org\r\nNewsgroups: test.one\r\nSubject: auth article %d\r\n"
            b"Message-ID: <auth-%d@example.org>\r\n\r\nBody %d.\r\n.\r\n" % (n, n, n)); f.flush()
    r = f.readline()
    assert r[:3] == b"240", r
cmd(b"QUIT")
PY
ok "INN refuses GROUP before AUTHINFO (480); two articles posted after it"

H=$W/home
mkdir -p "$H" && chown "$CCT_USER" "$H"
n=0
both() { # LABEL MAILBOX PASSWORD [expected line]
    local name=$1 lib label
    n=$((n + 1)); label=case$n
    for lib in original ours; do
        local envlib="CCT_LIB=original"; [ "$lib" = ours ] && envlib="LD_LIBRARY_PATH=$W/lib"
        (cd "$H" && timeout 60 runuser -u "$CCT_USER" -- env "$envlib" HOME="$H" TZ=UTC \
            "$W/nntpauth" "$2" "$3"; echo "exit $?") >"$W/$label.$lib" 2>&1
        rm -f "$H"/.newsrc*
    done
    if cmp -s "$W/$label.original" "$W/$label.ours" && grep -qx "${4:-exit 0}" "$W/$label.ours"; then
        ok "$name: same on both libraries ($(tr '\n' '|' <"$W/$label.ours" | head -c 160))"
    else
        fail "$name"; diff "$W/$label.original" "$W/$label.ours" | head -20; cat "$W/$label.ours" | head -20
    fi
}
# /user=alice: both libraries send AUTHINFO before MODE READER, to innd
# itself (127.0.0.1 is a feeding peer here), which answers 502.
both "/user=alice: AUTHINFO before MODE READER refused by innd (502)" "{127.0.0.1:$PORT/nntp/user=alice}#news.test.one" alicepw "open failed"
both "AUTHINFO on 480 (no /user)" "{127.0.0.1:$PORT/nntp}#news.test.one" alicepw "2: auth article 2"
both "wrong password: retried, then refused" "{127.0.0.1:$PORT/nntp/user=alice}#news.test.one" wrongpw
both "wrong password on 480" "{127.0.0.1:$PORT/nntp}#news.test.one" wrongpw

# nnrpd as its own daemon (127.0.0.1:17711, no transit server in front),
# with a certificate: /user= authenticates at open, before MODE READER,
# as readers do on most servers.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=nntpauth test CA" \
    -keyout "$W/ca.key" -out "$W/ca.pem" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$INN_DIR/etc/key.pem" \
    -out "$W/req.csr" >/dev/null 2>&1
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$W/ext.cnf"
openssl x509 -req -in "$W/req.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" -CAcreateserial -days 2 \
    -extfile "$W/ext.cnf" -out "$INN_DIR/etc/cert.pem" >/dev/null 2>&1
chown news:news "$INN_DIR/etc/key.pem" "$INN_DIR/etc/cert.pem"; chmod 600 "$INN_DIR/etc/key.pem"
printf 'tlscertfile: %s\ntlskeyfile: %s\ntlscafile: %s\n' "$INN_DIR/etc/cert.pem" \
    "$INN_DIR/etc/key.pem" "$INN_DIR/etc/cert.pem" >>"$INN_DIR/etc/inn.conf"
RPORT=$((PORT + 1))
runuser -u news -- env INNCONF="$INN_DIR/etc/inn.conf" HOME="$INN_DIR" "$INN_BIN/nnrpd" -D -f \
    -b 127.0.0.1 -p "$RPORT" >"$W/nnrpd.log" 2>&1 </dev/null &
NNRPD_PID=$!
trap 'kill $NNRPD_PID 2>/dev/null; inn_stop; [ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
up=0
for i in $(seq 100); do
    if python3 -c 'import socket,sys; s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),timeout=5); sys.exit(0 if s.makefile("rb").readline()[:1]==b"2" else 1)' "$RPORT" 2>/dev/null; then up=1; break; fi
    sleep 0.1
done
if [ $up = 0 ]; then
    fail "nnrpd as a daemon did not answer: $(head -c 300 "$W/nnrpd.log")"
else
    both "nnrpd: /user=alice, AUTHINFO USER/PASS at open" "{127.0.0.1:$RPORT/nntp/notls/user=alice}#news.test.one" alicepw "2: auth article 2"
    both "nnrpd: /user=alice, wrong password" "{127.0.0.1:$RPORT/nntp/notls/user=alice}#news.test.one" wrongpw "open failed"
    # INN 2.7 answers LIST EXTENSIONS with 501 (it has CAPABILITIES), so
    # neither library learns that STARTTLS is there: /tls fails alike.
    both "nnrpd: /tls without LIST EXTENSIONS refused alike" "{127.0.0.1:$RPORT/nntp/tls/user=alice}#news.test.one" alicepw \
        "log 2: Unable to negotiate TLS with this server"
    # Implicit TLS (nnrpd -S, 127.0.0.1:17712), /ssl: both libraries.
    SPORT=$((PORT + 2))
    runuser -u news -- env INNCONF="$INN_DIR/etc/inn.conf" HOME="$INN_DIR" "$INN_BIN/nnrpd" -D -f -S \
        -b 127.0.0.1 -p "$SPORT" >"$W/nnrpds.log" 2>&1 </dev/null &
    NNRPDS_PID=$!
    trap 'kill $NNRPD_PID $NNRPDS_PID 2>/dev/null; inn_stop; [ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
    for i in $(seq 100); do
        python3 -c 'import socket,ssl,sys; c=ssl.create_default_context(cafile=sys.argv[2]); s=c.wrap_socket(socket.create_connection(("127.0.0.1",int(sys.argv[1])),timeout=5),server_hostname="localhost"); sys.exit(0 if s.makefile("rb").readline()[:1]==b"2" else 1)' "$SPORT" "$W/ca.pem" 2>/dev/null && break
        sleep 0.1
    done
    SSL_CERT_FILE="$W/ca.pem" both "nnrpd -S: implicit TLS (/ssl), then AUTHINFO" "{localhost:$SPORT/nntp/ssl/user=alice}#news.test.one" alicepw "2: auth article 2"
    (cd "$H" && timeout 60 runuser -u "$CCT_USER" -- env LD_LIBRARY_PATH="$W/lib" HOME="$H" TZ=UTC \
        SSL_CERT_FILE=/nonexistent SSL_CERT_DIR=/nonexistent "$W/nntpauth" "{localhost:$SPORT/nntp/ssl/user=alice}#news.test.one" alicepw; echo "exit $?") >"$W/tlsbad.ours" 2>&1
    rm -f "$H"/.newsrc*
    if grep -q 'Certificate failure for localhost' "$W/tlsbad.ours" && grep -qx 'open failed' "$W/tlsbad.ours" &&
       ! grep -q '^login asked' "$W/tlsbad.ours"; then
        ok "nnrpd -S: an untrusted certificate refused before any password (ours)"
    else fail "nnrpd -S: untrusted certificate"; head -20 "$W/tlsbad.ours"; fi
fi
finish
