#!/usr/bin/env python3
"""Courier-IMAP, pre-authenticated, on loopback for c-tests/imapext: each
connection to 127.0.0.1:PORT gets its own imapd (Debian's courier-imap) on a private Maildir, with the socket as its standard input
and output. No system configuration is read or changed; courier's imapd
checks that the Maildir belongs to the user it runs as, so run this as
the test user.

usage: courier.py PORT DIR IMAPD
  DIR holds Maildir (imapd's log: DIR/imapd.log); IMAPD is courier's imapd
  (/usr/bin/imapd when courier-imap is installed; .ci/run unpacks the
  package under build/courier-imap instead, as it conflicts with
  dovecot-imapd).
"""
import os
import signal
import socket
import subprocess
import sys

port, top, imapd = int(sys.argv[1]), sys.argv[2], sys.argv[3]
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # imapd children reap themselves
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(8)
log = open(os.path.join(top, "imapd.log"), "ab")
env = {"HOME": top, "PATH": "/usr/bin:/bin", "TCPREMOTEIP": "127.0.0.1"}
while True:
    conn, _ = srv.accept()
    subprocess.Popen([imapd, "Maildir"], cwd=top, env=env,
                     stdin=conn, stdout=conn, stderr=log, close_fds=True)
    conn.close()
