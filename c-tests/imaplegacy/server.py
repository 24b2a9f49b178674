#!/usr/bin/env python3
"""A scripted IMAP server on 127.0.0.1 for c-tests/imaplegacy/run.sh.

    server.py PORT LOGDIR

Each port plays one server generation, chosen by the port's offset:
    PORT    IMAP4rev1 with ANNOTATEMORE, MULTIAPPEND, MAILBOX-REFERRALS
    PORT+1  IMAP4 (no rev1): no STATUS, no BODYSTRUCTURE
    PORT+2  IMAP2bis: CAPABILITY is BAD (the client must assume IMAP2bis)
    PORT+3  IMAP4rev1 that answers with referrals (LIST, CREATE, STATUS,
            APPEND name PORT's server)
Every command line (and literal) a client sends is written, as received,
to LOGDIR/<port>.log before the server answers, so a client that got its
answer can rely on the log being complete. The server runs until killed;
"ready" goes to stdout once it listens.
"""
import socket
import sys
import threading

PORT = int(sys.argv[1])
LOGDIR = sys.argv[2]
lock = threading.Lock()

CAPS = {
    0: "IMAP4rev1 LITERAL+ ANNOTATEMORE MULTIAPPEND MAILBOX-REFERRALS",
    1: "IMAP4 LITERAL+",
    2: None,
    3: "IMAP4rev1 LITERAL+ MAILBOX-REFERRALS",
}
MSG = (b"From: A <a@example.com>\r\nTo: b@example.com\r\nSubject: hi\r\n"
       b"Date: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <m1@example.com>\r\n\r\nbody\r\n")
HDR = MSG[:MSG.index(b"\r\n\r\n") + 4]
ENV = (b'("Mon, 1 Jan 2024 10:00:00 +0000" "hi" (("A" NIL "a" "example.com")) '
       b'(("A" NIL "a" "example.com")) (("A" NIL "a" "example.com")) '
       b'((NIL NIL "b" "example.com")) NIL NIL NIL "<m1@example.com>")')
BODY = b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 6 1)'


def log(port, data):
    with lock:
        with open("%s/%d.log" % (LOGDIR, port), "ab") as f:
            f.write(data)


class Conn:
    def __init__(self, sock, kind, port):
        self.s = sock
        self.f = sock.makefile("rb")
        self.kind = kind
        self.port = port

    def send(self, b):
        self.s.sendall(b)

    def line(self):
        """A command: its line plus any literals, all logged."""
        data = b""
        while True:
            l = self.f.readline()
            if not l:
                return None
            log(self.port, l)
            data += l
            t = l.rstrip(b"\r\n")
            if t.endswith(b"}") and b"{" in t:
                n = t[t.rindex(b"{") + 1:-1]
                plus = n.endswith(b"+")
                n = int(n.rstrip(b"+"))
                if not plus:
                    self.send(b"+ go ahead\r\n")
                lit = self.f.read(n)
                log(self.port, lit)
                data += lit
                continue
            return data


def serve(sock, kind, port):
    c = Conn(sock, kind, port)
    caps = CAPS[kind]
    c.send(b"* OK scripted server ready\r\n")
    refer = "imap://127.0.0.1:%d/" % (port - 3)
    while True:
        data = c.line()
        if data is None:
            break
        first = data.split(b"\r\n", 1)[0].decode("latin-1")
        parts = first.split(" ")
        tag = parts[0]
        cmd = " ".join(parts[1:3]).upper() if len(parts) > 2 else (parts[1].upper() if len(parts) > 1 else "")
        verb = parts[1].upper() if len(parts) > 1 else ""

        def ok(text="done"):
            c.send(("%s OK %s\r\n" % (tag, text)).encode())

        def bad(text="unknown command"):
            c.send(("%s BAD %s\r\n" % (tag, text)).encode())

        def no(text):
            c.send(("%s NO %s\r\n" % (tag, text)).encode())

        if verb == "CAPABILITY":
            if caps is None:
                bad("command unrecognized")
            else:
                c.send(("* CAPABILITY %s\r\n" % caps).encode())
                ok()
        elif verb == "LOGIN":
            ok("LOGIN done")
        elif verb == "LOGOUT":
            c.send(b"* BYE bye\r\n")
            ok()
            break
        elif verb == "NOOP" or verb == "CHECK":
            ok()
        elif verb in ("SELECT", "EXAMINE"):
            c.send(b"* 2 EXISTS\r\n* 1 RECENT\r\n* FLAGS (\\Seen \\Deleted \\Answered)\r\n")
            if kind != 2:
                c.send(b"* OK [UIDVALIDITY 7] x\r\n* OK [UIDNEXT 3] x\r\n")
            ok("[READ-WRITE] selected" if verb == "SELECT" else "[READ-ONLY] examined")
        elif verb == "SEARCH":
            c.send(b"* SEARCH 2\r\n")
            ok()
        elif verb == "STATUS":
            if kind == 3:
                no("[REFERRAL %sINBOX] ask there" % refer)
            elif kind == 0:
                c.send(b"* STATUS INBOX (MESSAGES 2 UNSEEN 1)\r\n")
                ok()
            else:
                bad()
        elif verb in ("LIST", "LSUB", "RLIST", "RLSUB"):
            if kind == 3 and verb in ("LIST", "LSUB"):
                no("[REFERRAL %s] elsewhere" % refer)
            else:
                c.send(('* %s () "/" INBOX\r\n* %s (\\Noselect) "/" "a b"\r\n' % (verb[-4:], verb[-4:])).encode())
                ok()
        elif verb == "FIND":
            if kind == 2:
                c.send(b"* MAILBOX INBOX\r\n* MAILBOX old/box\r\n")
                ok()
            else:
                bad()
        elif verb in ("CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE"):
            if kind == 3:
                no("[REFERRAL %sbox] there" % refer)
            elif kind != 2 and cmd.endswith("MAILBOX"):
                bad()
            else:
                ok("%s done" % verb)
        elif verb == "APPEND":
            if kind == 3:
                no("[REFERRAL %sINBOX] append there" % refer)
            elif first.upper().find("BADNAME") >= 0:
                no("[TRYCREATE] no such mailbox")
            else:
                ok("[APPENDUID 7 9] APPEND done" if kind == 0 else "APPEND done")
        elif verb in ("GETANNOTATION", "SETANNOTATION"):
            if kind != 0:
                bad()
            elif "REFUSE" in first.upper():
                no("annotation refused")
            elif verb == "GETANNOTATION":
                c.send(b'* ANNOTATION INBOX "/comment" ("value.priv" "my comment" "size.priv" "10")'
                       b' "/vendor/x" ("value.shared" NIL)\r\n')
                c.send(b'* ANNOTATION "a b" "/flags" ("value.shared" "")\r\n')
                ok()
            else:
                ok()
        elif verb in ("FETCH", "UID"):
            body = first.upper()
            items = []
            if verb == "UID" and kind != 2:
                items.append(b"UID 1")
            if "UID" in body and kind != 2 and verb != "UID":
                items.append(b"UID 1")
            if "ENVELOPE" in body:
                items.append(b"ENVELOPE " + ENV)
            if "BODYSTRUCTURE" in body:
                items.append(b"BODYSTRUCTURE " + BODY)
            elif " BODY " in body or body.endswith(" BODY)") or "(BODY " in body:
                items.append(b"BODY " + BODY)
            if "FLAGS" in body:
                items.append(b"FLAGS (\\Seen)")
            if "INTERNALDATE" in body:
                items.append(b'INTERNALDATE " 1-Jan-2024 10:00:00 +0000"')
            if "RFC822.SIZE" in body:
                items.append(b"RFC822.SIZE %d" % len(MSG))
            if "RFC822.HEADER" in body:
                items.append(b"RFC822.HEADER {%d}\r\n" % len(HDR) + HDR)
            if "RFC822.TEXT" in body:
                t = MSG[len(HDR):]
                items.append(b"RFC822.TEXT {%d}\r\n" % len(t) + t)
            if "BODY[]" in body or "BODY.PEEK[]" in body or body.rstrip(")").endswith(" RFC822"):
                items.append(b"BODY[] {%d}\r\n" % len(MSG) + MSG)
            seq = 1
            c.send(b"* %d FETCH (" % seq + b" ".join(items) + b")\r\n")
            ok()
        elif verb == "STORE" or (verb == "UID" and "STORE" in cmd):
            ok()
        elif verb in ("COPY", "EXPUNGE", "CLOSE"):
            ok()
        else:
            bad()
    sock.close()


def listen(kind):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", PORT + kind))
    s.listen(8)
    return s


def loop(s, kind):
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c, kind, PORT + kind), daemon=True).start()


socks = [listen(k) for k in range(4)]
for k in range(1, 4):
    threading.Thread(target=loop, args=(socks[k], k), daemon=True).start()
print("ready", flush=True)
loop(socks[0], 0)
