#!/usr/bin/env python3
"""A scripted hostile IMAP server on 127.0.0.1 for c-tests/imap/run.sh.

    hostile.py PORT READYFILE

PORT+1 takes the first bytes of a TLS handshake and hangs up; PORT+2
accepts and never says anything (a stalled TLS or plain peer).

It answers CAPABILITY and LOGIN normally; the mailbox named in SELECT picks
the misbehaviour, played when the client sends its first FETCH (or at
SELECT for the names starting with "sel-"). Every connection is served in
its own thread; the server runs until killed. READYFILE is written once it
listens (the test waits for it, never for a delay).
"""
import socket
import sys
import threading

CAP = b"* CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS\r\n"
ENV_OK = (b'("Mon, 1 Jan 2024 10:00:00 +0000" "hi" (("A" NIL "a" "example.com")) '
          b'(("A" NIL "a" "example.com")) (("A" NIL "a" "example.com")) '
          b'((NIL NIL "b" "example.com")) NIL NIL NIL "<m1@example.com>")')
BODY_OK = b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 6 1 NIL NIL NIL NIL)'


def select_reply(tag, n=1):
    return (b"* %d EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] x\r\n* OK [UIDNEXT %d] x\r\n"
            b"* FLAGS (\\Seen \\Deleted)\r\n%s OK [READ-WRITE] SELECT done\r\n" % (n, n + 1, tag))


def fetch_ok(tag):
    return (b"* 1 FETCH (UID 1 FLAGS (\\Seen) INTERNALDATE \"01-Jan-2024 10:00:00 +0000\" "
            b"RFC822.SIZE 6 ENVELOPE " + ENV_OK + b" BODYSTRUCTURE " + BODY_OK +
            b")\r\n" + tag + b" OK FETCH done\r\n")


def hostile_fetch(mode, tag, conn):
    """What the server sends for the first FETCH; returns False to hang up."""
    if mode == "truncated":
        conn.sendall(b'* 1 FETCH (UID 1 ENVELOPE ("Mon, 1 Jan 2024 10:00:00 +0000" "hi" ((')
        return False
    if mode == "neglit":
        conn.sendall(b"* 1 FETCH (UID 1 RFC822.HEADER {-5}\r\nabc\r\n" + tag + b" OK done\r\n")
        return True
    if mode == "hugelit":
        conn.sendall(b"* 1 FETCH (UID 1 RFC822.HEADER {99999999999999999999}\r\nabc\r\n")
        conn.sendall(tag + b" OK done\r\n")
        return True
    if mode == "biglit":
        # A literal announced at 4 GiB that never comes: must not be allocated.
        conn.sendall(b"* 1 FETCH (UID 1 RFC822.HEADER {4294967296}\r\nabc")
        return False
    if mode == "deep":
        depth = 10000
        conn.sendall(b"* 1 FETCH (UID 1 ENVELOPE " + ENV_OK + b" BODYSTRUCTURE " +
                     b"(" * depth + b'"TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1' +
                     b' "MIXED")' * depth + b")\r\n" + tag + b" OK done\r\n")
        return True
    if mode == "badenv":
        conn.sendall(b'* 1 FETCH (UID 1 ENVELOPE ("date" "subj" (("A" NIL) "x") 17 NIL) '
                     b'BODYSTRUCTURE ("TEXT")\r\n' + tag + b" OK done\r\n")
        return True
    if mode == "badenv2":
        conn.sendall(b'* 1 FETCH (UID 1 ENVELOPE (NIL NIL ((NIL NIL NIL NIL)) NIL NIL NIL NIL NIL NIL NIL) '
                     b'BODYSTRUCTURE (("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) "MIXED" ("BOUNDARY"))'
                     b' RFC822.SIZE 1)\r\n' + tag + b" OK done\r\n")
        return True
    if mode == "endless":
        chunk = b"x" * 65536
        try:
            for _ in range(16 * 1024):  # up to 1 GiB, no line end
                conn.sendall(chunk)
        except OSError:
            pass
        return False
    if mode == "garbage":
        conn.sendall(b"* \x01\x02\xff garbage here\r\n* 1 WHATEVER (((\r\n"
                     b"* NONSENSE\r\n+ unexpected continuation\r\n"
                     b"* 99999999999999999999 EXISTS\r\n" + fetch_ok(tag))
        return True
    if mode == "bye":
        conn.sendall(b'* 1 FETCH (UID 1 FLAGS (\\Seen)\r\n* BYE server going down\r\n')
        return False
    if mode == "bye2":
        conn.sendall(b'* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n* BYE server going down\r\n')
        return False
    if mode == "drop":
        return False
    if mode == "stall":
        threading.Event().wait(60)
        return False
    conn.sendall(fetch_ok(tag))
    return True


def serve(conn):
    conn.settimeout(90)
    f = conn.makefile("rb")
    mode = None
    try:
        conn.sendall(b"* OK hostile test server ready\r\n")
        while True:
            line = f.readline()
            if not line:
                return
            parts = line.rstrip(b"\r\n").split(b" ", 2)
            tag = parts[0]
            cmd = parts[1].upper() if len(parts) > 1 else b""
            arg = parts[2] if len(parts) > 2 else b""
            if cmd == b"CAPABILITY":
                conn.sendall(CAP + tag + b" OK done\r\n")
            elif cmd == b"LOGIN":
                conn.sendall(tag + b" OK logged in\r\n")
            elif cmd in (b"SELECT", b"EXAMINE"):
                mode = arg.strip(b'"').decode("latin-1")
                if mode == "sel-bye":
                    conn.sendall(b"* BYE no mailbox for you\r\n")
                    return
                if mode == "sel-garbage":
                    conn.sendall(b"* 1 EXISTS\r\n* OK [UIDVALIDITY abc] x\r\n* OK [PERMANENTFLAGS (\r\n"
                                 b"* FLAGS ((((((\r\n" + tag + b" OK [READ-WRITE] done\r\n")
                    continue
                if mode == "sel-huge":
                    conn.sendall(b"* 4294967295 EXISTS\r\n" + tag + b" OK done\r\n")
                    continue
                conn.sendall(select_reply(tag))
            elif cmd in (b"FETCH", b"UID") and mode is not None:
                m, mode = mode, "plain"
                if not hostile_fetch(m, tag, conn):
                    return
            elif cmd == b"LOGOUT":
                conn.sendall(b"* BYE bye\r\n" + tag + b" OK done\r\n")
                return
            else:
                conn.sendall(tag + b" OK done\r\n")
    except OSError:
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def tls_drop(conn):
    try:
        conn.settimeout(30)
        conn.recv(5)  # the start of the ClientHello
    except OSError:
        pass
    conn.close()


def stalled(conn):
    threading.Event().wait(60)
    conn.close()


def listener(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(16)
    return s


def accept_loop(s, fn):
    while True:
        c, _ = s.accept()
        threading.Thread(target=fn, args=(c,), daemon=True).start()


def main():
    port = int(sys.argv[1])
    socks = [(listener(port), serve), (listener(port + 1), tls_drop),
             (listener(port + 2), stalled)]
    with open(sys.argv[2], "w") as r:
        r.write("ready\n")
    for s, fn in socks[1:]:
        threading.Thread(target=accept_loop, args=(s, fn), daemon=True).start()
    accept_loop(*socks[0])


if __name__ == "__main__":
    main()
