#!/usr/bin/env python3
"""Two scripted IMAP servers on 127.0.0.1 that send referrals (RFC 2221,
RFC 2193): on PORT, LOGIN answers NO [REFERRAL URL]; on PORT+1, LOGIN
succeeds and SELECT answers NO [REFERRAL URL]. Both answer CAPABILITY,
LOGOUT and NOOP; anything else is BAD. Writes "ready" once listening.

usage: referral.py PORT URL"""
import socket
import sys
import threading

PORT = int(sys.argv[1])
URL = sys.argv[2]
CAPS = "IMAP4rev1 LOGIN-REFERRALS MAILBOX-REFERRALS"


def serve(conn, select_referral):
    f = conn.makefile("rb")
    def send(s):
        conn.sendall(s.encode() + b"\r\n")
    send("* OK [CAPABILITY %s] referring server ready" % CAPS)
    for line in f:
        parts = line.decode(errors="replace").rstrip("\r\n").split(" ")
        tag, cmd = parts[0], (parts[1].upper() if len(parts) > 1 else "")
        if cmd == "CAPABILITY":
            send("* CAPABILITY %s" % CAPS)
            send("%s OK CAPABILITY done" % tag)
        elif cmd == "LOGIN" and not select_referral:
            send("%s NO [REFERRAL %s] Log in there" % (tag, URL))
        elif cmd == "LOGIN":
            send("%s OK LOGIN done" % tag)
        elif cmd in ("SELECT", "EXAMINE"):
            send("%s NO [REFERRAL %s] Mailbox is there" % (tag, URL))
        elif cmd == "NOOP":
            send("%s OK NOOP done" % tag)
        elif cmd == "LOGOUT":
            send("* BYE referring server done")
            send("%s OK LOGOUT done" % tag)
            break
        else:
            send("%s BAD unknown command" % tag)
    conn.close()


def listen(port, select_referral):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(8)
    return s


def loop(s, select_referral):
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c, select_referral), daemon=True).start()


a = listen(PORT, False)
b = listen(PORT + 1, True)
threading.Thread(target=loop, args=(b, True), daemon=True).start()
print("ready", flush=True)
loop(a, False)
