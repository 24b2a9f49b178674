#!/usr/bin/env python3
"""A scripted IMAP server for c-tests/imapext: pre-authenticated, it sends
`* ID (...)` and `* ENABLED UTF8=ACCEPT` unasked in its SELECT answer and
lists one mailbox, "A&-B" (which a client wrongly in UTF-8 mode would
turn into "A&--B"). Every other command gets OK.

usage: unsol.py PORT
"""
import socket
import sys

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen(4)
while True:
    conn, _ = srv.accept()
    # The run script's readiness probe connects and hangs up at once: a
    # reset on that connection must not end the server.
    try:
        f = conn.makefile("rwb", buffering=0)
        f.write(b"* PREAUTH [CAPABILITY IMAP4rev1 ID ENABLE UTF8=ACCEPT] ready\r\n")
        for line in f:
            words = line.rstrip(b"\r\n").split(b" ")
            if len(words) < 2:
                break
            tag, cmd = words[0], words[1].upper()
            if cmd in (b"SELECT", b"EXAMINE"):
                f.write(b"* 0 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] ok\r\n"
                        b"* ID (\"name\" \"unsol\")\r\n* ENABLED UTF8=ACCEPT\r\n"
                        + tag + b" OK [READ-WRITE] done\r\n")
            elif cmd == b"LIST":
                f.write(b"* LIST () \".\" \"A&-B\"\r\n" + tag + b" OK done\r\n")
            elif cmd == b"LOGOUT":
                f.write(b"* BYE bye\r\n" + tag + b" OK done\r\n")
                break
            else:
                f.write(tag + b" OK done\r\n")
    except OSError:
        pass
    conn.close()
