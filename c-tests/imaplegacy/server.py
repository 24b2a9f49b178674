#!/usr/bin/env python3
"""A scripted IMAP server on 127.0.0.1 for c-tests/imaplegacy/run.sh.

    server.py PORT LOGDIR

Each port plays one server generation, chosen by the port's offset:
    PORT    IMAP4rev1 with ANNOTATEMORE, MULTIAPPEND, MAILBOX-REFERRALS
    PORT+1  IMAP4 (no rev1): no STATUS, no BODYSTRUCTURE
    PORT+2  IMAP2bis: CAPABILITY is BAD (the client must assume IMAP2bis)
    PORT+3  IMAP4rev1 that answers with referrals (LIST, CREATE, STATUS,
            APPEND name PORT's server)
    PORT+4  IMAP2 (RFC 1176: CAPABILITY says IMAP2): no BODY, no UID
    PORT+5  RFC 1176 without CAPABILITY: refuses BODY (the client must
            fall back to FETCH ALL)
    LOSER   (optional third argument) an IMAP4rev1 server with SORT and
            THREAD for "/loser" names: message 1's From has an address
            as its personal name; THREAD and SORT answered. It refuses
            (BAD) a SEARCH, SORT or THREAD program holding a message set
            or the keyword BADME
FETCH answers what each generation knows of two messages (1: one text
part; 2: multipart/mixed with a text part and a message/rfc822 part) and
refuses (BAD) the items it does not know, so a client asking a server
for more than it can do is seen. Non-peeking fetches set \\Seen.
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
    4: "IMAP2",
    5: None,
    6: "IMAP4rev1 SORT THREAD=REFERENCES THREAD=ORDEREDSUBJECT",
}
MSG = (b"From: A <a@example.com>\r\nTo: b@example.com\r\nSubject: hi\r\n"
       b"Date: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <m1@example.com>\r\n\r\nbody\r\n")
HDR = MSG[:MSG.index(b"\r\n\r\n") + 4]
ENV = (b'("Mon, 1 Jan 2024 10:00:00 +0000" "hi" (("A" NIL "a" "example.com")) '
       b'(("A" NIL "a" "example.com")) (("A" NIL "a" "example.com")) '
       b'((NIL NIL "b" "example.com")) NIL NIL NIL "<m1@example.com>")')
BODY = b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 6 1)'


MSG2 = (b"From: B <b@example.com>\r\nTo: a@example.com\r\nSubject: two parts\r\n"
        b"Date: Tue, 2 Jan 2024 11:00:00 +0000\r\nMessage-ID: <m2@example.com>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
        b"--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nfirst part\r\n\r\n"
        b"--b1\r\nContent-Type: message/rfc822\r\n\r\n"
        b"From: C <c@example.com>\r\nSubject: inner\r\n\r\ninner body\r\n\r\n"
        b"--b1--\r\n")
INNER = b"From: C <c@example.com>\r\nSubject: inner\r\n\r\ninner body\r\n"
ENV2 = (b'("Tue, 2 Jan 2024 11:00:00 +0000" "two parts" (("B" NIL "b" "example.com")) '
        b'(("B" NIL "b" "example.com")) (("B" NIL "b" "example.com")) '
        b'((NIL NIL "a" "example.com")) NIL NIL NIL "<m2@example.com>")')
INNER_ENV = (b'(NIL "inner" (("C" NIL "c" "example.com")) (("C" NIL "c" "example.com")) '
             b'(("C" NIL "c" "example.com")) NIL NIL NIL NIL NIL)')
TEXTPART = b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 12 1)'
BODY2 = (b'(' + TEXTPART + b'("MESSAGE" "RFC822" NIL NIL NIL "7BIT" %d ' % len(INNER) +
         INNER_ENV + b' ' + TEXTPART + b' %d) "MIXED")' % INNER.count(b"\n"))
MSGS = {1: (MSG, ENV, BODY), 2: (MSG2, ENV2, BODY2)}


def split(m):
    i = m.index(b"\r\n\r\n") + 4
    return m[:i], m[i:]


def section(n, sec):
    """The data of a BODY[sec] (sec upper case), None for NIL."""
    m = MSGS[n][0]
    hdr, text = split(m)
    if sec == "":
        return m
    if sec in ("HEADER", "0"):
        return hdr
    if sec == "TEXT":
        return text
    if sec.startswith("HEADER.FIELDS"):
        names = sec[sec.index("(") + 1:sec.rindex(")")].replace('"', "").split()
        names = [x.upper() for x in names]
        out = b""
        for l in hdr.split(b"\r\n"):
            if not l:
                continue
            k = l.split(b":", 1)[0].decode().upper()
            if (k in names) != sec.startswith("HEADER.FIELDS.NOT"):
                out += l + b"\r\n"
        return out + b"\r\n"
    if n == 1:
        return {"1": text, "1.MIME": None}.get(sec)
    ih, it = split(INNER)
    return {"1": b"first part\r\n", "1.MIME": b"Content-Type: text/plain; charset=us-ascii\r\n\r\n",
            "2": INNER, "2.MIME": b"Content-Type: message/rfc822\r\n\r\n",
            "2.HEADER": ih, "2.0": ih, "2.TEXT": it, "2.1": it}.get(sec)


def literal(b):
    return b"NIL" if b is None else b"{%d}\r\n" % len(b) + b


def seqset(t):
    out = []
    for r in t.split(","):
        a, _, b = r.partition(":")
        a = 2 if a == "*" else int(a)
        b = a if not b else (2 if b == "*" else int(b))
        out += [x for x in range(min(a, b), max(a, b) + 1) if 1 <= x <= 2]
    return sorted(set(out))


def known(kind, item):
    """Whether a server generation knows a FETCH item."""
    u = item.upper()
    if kind in (0, 3, 6):
        return True
    if u in ("ALL", "FAST", "FLAGS", "ENVELOPE", "INTERNALDATE", "RFC822.SIZE",
             "RFC822", "RFC822.HEADER", "RFC822.TEXT"):
        return True
    if kind == 1:
        if u in ("UID", "BODY", "BODYSTRUCTURE", "RFC822.PEEK", "RFC822.TEXT.PEEK"):
            return True
        if u.startswith("BODY[") or u.startswith("BODY.PEEK["):
            sec = u[u.index("[") + 1:u.index("]")]
            return "<" not in u and all(p.isdigit() for p in sec.split(".")) if sec else True
        return False
    if kind == 2:
        if u == "BODY":
            return True
        if u.startswith("BODY["):
            sec = u[5:u.index("]")]
            return "<" not in u and sec != "" and all(p.isdigit() for p in sec.split("."))
        return False
    return False            # IMAP2: none of the BODY forms


def fetch(c, tag, first, kind, uid):
    import re
    parts = first.split(" ", 4 if uid else 3)
    seq, att = parts[-2], parts[-1]
    if att.startswith("(") and att.endswith(")"):
        att = att[1:-1]
    items = re.findall(r'BODY(?:\.PEEK)?\[[^\]]*\](?:<[0-9.]+>)?|[A-Za-z0-9.\-]+', att)
    if uid and kind in (2, 4, 5) or not all(known(kind, i) for i in items):
        c.send(("%s BAD unknown FETCH item\r\n" % tag).encode())
        return
    expanded = []
    for i in items:
        u = i.upper()
        if u == "ALL":
            expanded += ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"]
        elif u == "FAST":
            expanded += ["FLAGS", "INTERNALDATE", "RFC822.SIZE"]
        else:
            expanded.append(i)
    if uid and "UID" not in [x.upper() for x in expanded]:
        expanded.insert(0, "UID")
    for n in seqset(seq):
        m, env, body = MSGS[n]
        if kind == 6 and n == 1:
            env = env.replace(b'"A" NIL', b'"a@example.com" NIL', 1)
        out = []
        marks = False
        for i in expanded:
            u = i.upper()
            if u == "UID":
                out.append(b"UID %d" % n)
            elif u == "FLAGS":
                out.append(b"FLAGS (%s)" % " ".join(sorted(c.flags[n])).encode())
            elif u == "ENVELOPE":
                out.append(b"ENVELOPE " + env)
            elif u == "BODYSTRUCTURE":
                out.append(b"BODYSTRUCTURE " + body)
            elif u == "BODY":
                out.append(b"BODY " + body)
            elif u == "INTERNALDATE":
                out.append(b'INTERNALDATE " %d-Jan-2024 10:00:00 +0000"' % n)
            elif u == "RFC822.SIZE":
                out.append(b"RFC822.SIZE %d" % len(m))
            elif u == "RFC822.HEADER":
                out.append(b"RFC822.HEADER " + literal(split(m)[0]))
            elif u in ("RFC822.TEXT", "RFC822.TEXT.PEEK"):
                out.append(b"RFC822.TEXT " + literal(split(m)[1]))
                marks |= u == "RFC822.TEXT"
            elif u in ("RFC822", "RFC822.PEEK"):
                out.append(b"RFC822 " + literal(m))
                marks |= u == "RFC822"
            else:
                peek = u.startswith("BODY.PEEK[")
                sec = u[u.index("[") + 1:u.index("]")]
                name = i[i.index("[") + 1:i.index("]")]
                d = section(n, sec)
                part = u[u.index("]") + 1:]
                if part:
                    a, b = [int(x) for x in part[1:-1].split(".")]
                    d = None if d is None else d[a:a + b]
                    part = "<%d>" % a
                out.append(b"BODY[%s]%s " % (name.encode(), part.encode()) + literal(d))
                marks |= not peek
        if marks and "\\Seen" not in c.flags[n]:
            c.flags[n].add("\\Seen")
            if "FLAGS" not in [x.upper() for x in expanded]:
                out.append(b"FLAGS (%s)" % " ".join(sorted(c.flags[n])).encode())
        c.send(b"* %d FETCH (" % n + b" ".join(out) + b")\r\n")
    c.send(("%s OK FETCH done\r\n" % tag).encode())


def store(c, tag, first, kind, uid):
    parts = first.split(" ", 5 if uid else 4)
    seq, what, fl = parts[-3], parts[-2].upper(), parts[-1]
    if (uid or ".SILENT" in what) and kind in (2, 4, 5):
        c.send(("%s BAD no such STORE\r\n" % tag).encode())
        return
    fl = set(fl.strip("()").split())
    for n in seqset(seq):
        if what.startswith("+"):
            c.flags[n] |= fl
        elif what.startswith("-"):
            c.flags[n] -= fl
        else:
            c.flags[n] = set(fl)
        if ".SILENT" not in what:
            u = b"UID %d " % n if uid else b""
            c.send(b"* %d FETCH (%sFLAGS (%s))\r\n" % (n, u, " ".join(sorted(c.flags[n])).encode()))
    c.send(("%s OK STORE done\r\n" % tag).encode())


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
        self.flags = {1: {"\\Seen"}, 2: set()}

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
            if kind not in (2, 4, 5):
                c.send(b"* OK [UIDVALIDITY 7] x\r\n* OK [UIDNEXT 3] x\r\n")
            ok("[READ-WRITE] selected" if verb == "SELECT" else "[READ-ONLY] examined")
        elif kind == 6 and (verb in ("THREAD", "SORT", "SEARCH") or
                            (verb == "UID" and cmd in ("UID THREAD", "UID SORT", "UID SEARCH"))):
            import re
            words = first.split(" ")[2 if verb != "UID" else 3:]
            if verb in ("THREAD", "SORT") or cmd in ("UID THREAD", "UID SORT"):
                words = words[2:] if not words[0].startswith("(") else \
                    " ".join(words).split(") ", 1)[1].split(" ")[1:]
            elif words[:1] == ["CHARSET"]:
                words = words[2:]
            if any(re.fullmatch(r"[0-9*][0-9*,:]*", w) for w in words) or "BADME" in words:
                bad("bad search program")
            elif "THREAD" in cmd or verb == "THREAD":
                c.send(b"* THREAD (1)(2)\r\n")
                ok()
            elif "SORT" in cmd or verb == "SORT":
                c.send(b"* SORT 2 1\r\n")
                ok()
            else:
                c.send(b"* SEARCH 1 2\r\n")
                ok()
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
        elif verb == "FETCH" or (verb == "UID" and cmd == "UID FETCH"):
            fetch(c, tag, first, kind, verb == "UID")
        elif verb == "STORE" or (verb == "UID" and "STORE" in cmd):
            store(c, tag, first, kind, verb == "UID")
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


socks = [listen(k) for k in range(6)]
for k in range(1, 6):
    threading.Thread(target=loop, args=(socks[k], k), daemon=True).start()
if len(sys.argv) > 3:
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", int(sys.argv[3])))
    ls.listen(8)

    def loop_at(s, kind, port):
        while True:
            c, _ = s.accept()
            threading.Thread(target=serve, args=(c, kind, port), daemon=True).start()
    threading.Thread(target=loop_at, args=(ls, 6, int(sys.argv[3])), daemon=True).start()
print("ready", flush=True)
loop(socks[0], 0)
