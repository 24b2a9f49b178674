#!/usr/bin/env python3
"""Recording SMTP peer on 127.0.0.1 for c-tests/smtp/run.sh (a capture
peer, not a mail server). usage: sink.py PORT SCENARIO-FILE LOG-FILE
Writes every byte received to LOG-FILE (one file per connection,
appended); scenario: plain (ESMTP: SIZE 8BITMIME DSN PIPELINING), helo
(EHLO refused), reject (RCPT of reject@ refused), drop-quit (no answer to
QUIT, connection dropped), drop-data (dropped in the message data), auth
(AUTH offered and accepted), auth-fail (AUTH always refused), mailrej
(MAIL refused; RCPT without a MAIL answered 503), datarej (DATA refused),
droprcpt (dropped when the second RCPT is read), authlater (AUTH offered,
MAIL answered 530 until authenticated). A second word "strict N" makes
the peer hold its reply to MAIL until it has read N RCPT commands
(RFC 2920 pipelining; a client that waits for each reply is logged as
"[not pipelined]" after 3 s and then answered in lockstep)."""
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
    words = open(scfile).read().split()
    sc = words[0] if words else "plain"
    strict = int(words[2]) if len(words) > 2 and words[1] == "strict" else 0
    if sc == "ssl":
        try:
            c = tls.wrap_socket(c, server_side=True)
        except (OSError, ssl.SSLError):
            c.close()
            continue
    log = open(logfile, "ab")
    buf = b""
    data = False
    held = []
    mail_ok = False
    authed = False
    rcpts = 0

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

    def commands():
        """Lines as the peer answers them; in strict mode, MAIL's and the
        following RCPTs' lines are all read before MAIL is answered."""
        src = lines()
        for line in src:
            yield line
            if strict and line.upper().startswith(b"MAIL") and not data:
                got = []
                c.settimeout(3)
                try:
                    while sum(1 for g in got if g.upper().startswith(b"RCPT")) < strict:
                        n = next(src, None)
                        if n is None:
                            break
                        got.append(n)
                except socket.timeout:
                    log.write(b"[not pipelined]\r\n")
                    src = lines()
                c.settimeout(None)
                held.extend(got)
                while held:
                    yield held.pop(0)

    out = []

    def flush():
        if out:
            c.sendall(b"".join(out))
            out.clear()

    def answer(reply):
        """A reply goes out once no complete command is waiting, so the
        replies to a pipelined group leave in one write, as an MTA sends
        them (RFC 2920 section 3.1: Postfix flushes when its input is
        empty)."""
        out.append(reply)
        if b"\r\n" not in buf and not held:
            flush()

    try:
        c.sendall(b"220 sink.example ESMTP ready\r\n")
        for line in commands():
            u = line.upper()
            if data:
                if line == b".":
                    data = False
                    answer(b"250 2.0.0 queued as X1\r\n")
                elif sc == "drop-data":
                    break
                continue
            if u.startswith(b"EHLO"):
                if sc == "helo":
                    answer(b"502 5.5.2 no EHLO\r\n")
                else:
                    auth = b"250-AUTH PLAIN LOGIN CRAM-MD5\r\n" if sc.startswith("auth") else b""
                    if sc == "starttls" and not isinstance(c, ssl.SSLSocket):
                        auth += b"250-STARTTLS\r\n"
                    answer(b"250-sink.example\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250-DSN\r\n" + auth + b"250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n")
            elif u.startswith(b"AUTH"):
                # base64 of <12345@host> for CRAM-MD5, an empty challenge else.
                answer(b"334 PDEyMzQ1QGhvc3Q+\r\n" if b"CRAM-MD5" in u else b"334 \r\n")
                if next(lines(), None) is None:
                    break
                answer(b"535 5.7.8 authentication failed\r\n" if sc == "auth-fail" else b"235 2.7.0 accepted\r\n")
                authed = sc != "auth-fail"
            elif u.startswith(b"RSET"):
                mail_ok = False
                rcpts = 0
                answer(b"250 2.0.0 ok\r\n")
            elif u.startswith(b"MAIL"):
                if sc == "mailrej":
                    answer(b"553 5.1.8 sender refused\r\n")
                elif sc == "authlater" and not authed:
                    answer(b"530 5.7.0 authentication required\r\n")
                else:
                    mail_ok = True
                    answer(b"250 2.1.0 ok\r\n")
            elif u.startswith(b"RCPT") and not mail_ok:
                answer(b"503 5.5.1 need MAIL\r\n")
            elif u.startswith(b"RCPT") and sc == "droprcpt" and rcpts == 1:
                break
            elif u.startswith(b"DATA") and sc == "datarej":
                answer(b"554 5.7.1 DATA refused\r\n")
            elif u.startswith(b"HELO"):
                answer(b"250 sink.example\r\n")
            elif u.startswith(b"RCPT") and b"REJECT@" in u:
                rcpts += 1
                answer(b"550 5.1.1 no such user\r\n")
            elif u.startswith(b"RCPT"):
                rcpts += 1
                answer(b"250 2.1.5 ok\r\n")
            elif u.startswith(b"STARTTLS") and sc == "starttls":
                answer(b"220 2.0.0 go ahead\r\n")
                flush()
                log.write(b"[TLS]\r\n")
                buf = b""
                c = tls.wrap_socket(c, server_side=True)
            elif u.startswith(b"DATA"):
                data = True
                answer(b"354 go ahead\r\n")
            elif u.startswith(b"VERB"):
                answer(b"252 verbose on\r\n")
            elif u.startswith(b"QUIT"):
                if sc != "drop-quit":
                    answer(b"221 2.0.0 bye\r\n")
                break
            else:
                answer(b"250 2.0.0 ok\r\n")
    except OSError:
        pass
    try:
        flush()
    except OSError:
        pass
    log.close()
    try:
        c.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    c.close()
