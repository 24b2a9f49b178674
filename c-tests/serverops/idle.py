#!/usr/bin/env python3
"""Idle clients of the reference servers over TCP: connects (plain or
implicit TLS 1.3 or 1.2), optionally logs in, then says nothing; the server must
send its autologout goodbye and close the connection by itself (the
servers run with a 2 s limit; the 30 s socket timeout only guards against
a hang). Prints "ok   - name" or "FAIL - name: why".

usage: idle.py IMAP-PORT IMAPS-PORT POP3-PORT POP3S-PORT
environment: OPS_USER, OPS_PASS
"""
import os
import socket
import ssl
import sys

HOST = "127.0.0.1"
USER = os.environ["OPS_USER"]
PASS = os.environ["OPS_PASS"]


def ok(name):
    print("ok   - " + name, flush=True)


def fail(name, why):
    print("FAIL - %s: %s" % (name, why), flush=True)


def connect(port, tls):
    """TLS: False, or the one TLS version to speak."""
    s = socket.create_connection((HOST, port), timeout=30)
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.minimum_version = ctx.maximum_version = tls
        s = ctx.wrap_socket(s)
        if s.version() != {ssl.TLSVersion.TLSv1_3: "TLSv1.3", ssl.TLSVersion.TLSv1_2: "TLSv1.2"}[tls]:
            raise ssl.SSLError("negotiated %s" % s.version())
    return s, s.makefile("rb")


def idle(name, port, tls, login, bye):
    try:
        s, f = connect(port, tls)
        greeting = f.readline()
        if not greeting:
            return fail(name, "no greeting")
        for line, want in login:
            s.sendall(line)
            while True:
                got = f.readline()
                if not got or got.startswith(want):
                    break
            if not got.startswith(want):
                return fail(name, "login step %r answered %r" % (line, got))
        last = f.readline()
        end = f.readline()
        if last.rstrip(b"\r\n") == bye and end == b"":
            ok("%s: '%s', then the server closed the connection" % (name, bye.decode()))
        else:
            fail(name, "got %r then %r" % (last, end))
        s.close()
    except Exception as e:  # one broken case must not hide the others
        fail(name, "exception %r" % (e,))


def main():
    imap, imaps, pop, pops = (int(p) for p in sys.argv[1:5])
    ibye = b"* BYE Autologout (idle for too long)"
    pbye = b"-ERR Autologout; idle for too long"
    ilogin = [(("a LOGIN %s %s\r\n" % (USER, PASS)).encode(), b"a OK"),
              (b"b SELECT INBOX\r\n", b"b OK")]
    plogin = [(("USER %s\r\n" % USER).encode(), b"+OK"),
              (("PASS %s\r\n" % PASS).encode(), b"+OK")]
    idle("imap, plain, silent before a login", imap, False, [], ibye)
    idle("imap, plain, silent after LOGIN/SELECT", imap, False, ilogin, ibye)
    t13, t12 = ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2
    idle("imap, implicit TLS 1.3, silent before a login", imaps, t13, [], ibye)
    idle("imap, implicit TLS 1.3, silent after LOGIN/SELECT", imaps, t13, ilogin, ibye)
    idle("pop3, plain, silent before a login", pop, False, [], pbye)
    idle("pop3, plain, silent after USER/PASS", pop, False, plogin, pbye)
    idle("pop3, implicit TLS 1.3, silent before a login", pops, t13, [], pbye)
    idle("pop3, implicit TLS 1.3, silent after USER/PASS", pops, t13, plogin, pbye)
    # TLS 1.2 on the implicit ports too (IMAP's STARTTLS and implicit
    # port, and POP3's STLS, are driven with both in c-tests/server).
    idle("pop3, implicit TLS 1.2, silent after USER/PASS", pops, t12, plogin, pbye)
    # A SASL exchange the client never finishes: silent after the first
    # challenge.
    idle("imap, silent inside AUTHENTICATE LOGIN", imap, False,
         [(b"a AUTHENTICATE LOGIN\r\n", b"+")], ibye)
    idle("pop3, silent inside AUTH LOGIN", pop, False, [(b"AUTH LOGIN\r\n", b"+")], pbye)
    # Half a line, then silence: the servers' alarm backstop ends the
    # session without a goodbye (their SIGALRM handler must not write
    # under TLS), and the connection closes.
    half("imap, plain, half a command then silent", imap, False, b"a LOGIN opsuser")
    half("imap, implicit TLS 1.3, half a command then silent", imaps, t13, b"a LOGIN opsuser")


def half(name, port, tls, part):
    try:
        s, f = connect(port, tls)
        if not f.readline():
            return fail(name, "no greeting")
        s.sendall(part)
        try:
            rest = f.read()
        except (ConnectionResetError, ssl.SSLError):
            rest = b""
        if rest == b"":
            ok("%s: the server hung up without a word" % name)
        else:
            fail(name, "got %r" % rest)
        s.close()
    except Exception as e:  # one broken case must not hide the others
        fail(name, "exception %r" % (e,))


if __name__ == "__main__":
    main()
