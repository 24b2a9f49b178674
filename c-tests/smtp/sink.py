#!/usr/bin/env python3
"""Recording SMTP peer on 127.0.0.1 for c-tests/smtp/run.sh (a capture
peer, not a mail server). usage: sink.py PORT SCENARIO-FILE LOG-FILE
Writes every byte received to LOG-FILE (one file per connection,
appended); scenario: plain (ESMTP: SIZE 8BITMIME DSN PIPELINING), helo
(EHLO refused), reject (RCPT of reject@ refused), drop-quit (no answer to
QUIT, connection dropped), drop-data (dropped in the message data), auth
(AUTH offered and accepted), auth-fail (AUTH always refused)."""
import os
import socket
import ssl
import sys

port, scfile, logfile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(5)
print("ready", flush=True)
tls = None
if os.environ.get("SINK_CERT"):
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(os.environ["SINK_CERT"], os.environ["SINK_KEY"])
while True:
    c, _ = s.accept()
    sc = open(scfile).read().strip()
    if sc == "ssl":
        try:
            c = tls.wrap_socket(c, server_side=True)
        except (OSError, ssl.SSLError):
            c.close()
            continue
    log = open(logfile, "ab")
    buf = b""
    data = False

    def lines():
        global buf
        while True:
            while b"\r\n" not in buf:
                d = c.recv(65536)
                if not d:
                    return
                log.write(d)
                log.flush()
                buf += d
            line, buf = buf.split(b"\r\n", 1)
            yield line

    try:
        c.sendall(b"220 sink.example ESMTP ready\r\n")
        for line in lines():
            u = line.upper()
            if data:
                if line == b".":
                    data = False
                    c.sendall(b"250 2.0.0 queued as X1\r\n")
                elif sc == "drop-data":
                    break
                continue
            if u.startswith(b"EHLO"):
                if sc == "helo":
                    c.sendall(b"502 5.5.2 no EHLO\r\n")
                else:
                    auth = b"250-AUTH PLAIN LOGIN CRAM-MD5\r\n" if sc.startswith("auth") else b""
                    if sc == "starttls" and not isinstance(c, ssl.SSLSocket):
                        auth += b"250-STARTTLS\r\n"
                    c.sendall(b"250-sink.example\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250-DSN\r\n" + auth + b"250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n")
            elif u.startswith(b"AUTH"):
                # base64 of <12345@host> for CRAM-MD5, an empty challenge else.
                c.sendall(b"334 PDEyMzQ1QGhvc3Q+\r\n" if b"CRAM-MD5" in u else b"334 \r\n")
                if next(lines(), None) is None:
                    break
                c.sendall(b"535 5.7.8 authentication failed\r\n" if sc == "auth-fail" else b"235 2.7.0 accepted\r\n")
            elif u.startswith(b"HELO"):
                c.sendall(b"250 sink.example\r\n")
            elif u.startswith(b"RCPT") and b"REJECT@" in u:
                c.sendall(b"550 5.1.1 no such user\r\n")
            elif u.startswith(b"STARTTLS") and sc == "starttls":
                c.sendall(b"220 2.0.0 go ahead\r\n")
                log.write(b"[TLS]\r\n")
                buf = b""
                c = tls.wrap_socket(c, server_side=True)
            elif u.startswith(b"DATA"):
                data = True
                c.sendall(b"354 go ahead\r\n")
            elif u.startswith(b"VERB"):
                c.sendall(b"252 verbose on\r\n")
            elif u.startswith(b"QUIT"):
                if sc != "drop-quit":
                    c.sendall(b"221 2.0.0 bye\r\n")
                break
            else:
                c.sendall(b"250 2.0.0 ok\r\n")
    except OSError:
        pass
    log.close()
    try:
        c.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    c.close()
