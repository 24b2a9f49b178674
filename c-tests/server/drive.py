#!/usr/bin/env python3
"""Drives the reference servers (pine-compat/refimapd.c, refpop3d.c) with
Python's imaplib and poplib and raw sockets. Prints "ok   - name" or
"FAIL - name: why" per check; run.sh counts them.

usage: drive.py GROUP PORT...   (GROUP: open, cram, default, worldread)
environment: SRV_USER, SRV_PASS, SRV_CRAM (the CRAM-MD5 file's password)
"""
import imaplib
import poplib
import socket
import os
import sys
import time

USER = __import__("os").environ["SRV_USER"]
PASS = __import__("os").environ["SRV_PASS"]
CRAM = __import__("os").environ.get("SRV_CRAM", "")
HOST = "127.0.0.1"


def ok(name):
    print("ok   - " + name, flush=True)


def fail(name, why):
    print("FAIL - %s: %s" % (name, why), flush=True)


def check(name, cond, why=""):
    if cond:
        ok(name)
    else:
        fail(name, why)


def guarded(fn):
    def run(*a):
        try:
            fn(*a)
        except Exception as e:  # one broken case must not hide the others
            fail(fn.__name__, "exception %r" % (e,))
    return run


class Raw:
    """A line-level IMAP/POP3 client on a plain socket."""

    def __init__(self, port):
        self.s = socket.create_connection((HOST, port), timeout=30)
        self.f = self.s.makefile("rb")

    def line(self):
        return self.f.readline()

    def send(self, b):
        self.s.sendall(b)

    def until(self, prefix):
        """Lines up to and including the first starting with prefix."""
        out = []
        while True:
            l = self.line()
            if not l:
                return out
            out.append(l)
            if l.startswith(prefix):
                return out

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


def caps(port):
    r = Raw(port)
    g = r.line()
    r.close()
    return g


# ---- group "open": plaintext allowed, system passwords ----

@guarded
def imap_session(port):
    g = caps(port)
    check("imap greeting advertises AUTH=PLAIN, no LOGINDISABLED",
          b"AUTH=PLAIN" in g and b"LOGINDISABLED" not in g, g)
    m = imaplib.IMAP4(HOST, port)
    typ, _ = m.login(USER, PASS)
    check("imap LOGIN with the system password", typ == "OK")
    typ, d = m.select("srvbox")
    check("imap SELECT srvbox: 2 messages", typ == "OK" and d[0] == b"2", d)
    typ, d = m.fetch("1", "(UID FLAGS RFC822.SIZE)")
    check("imap FETCH 1 (UID FLAGS RFC822.SIZE)",
          typ == "OK" and b"UID 1" in d[0] and b"RFC822.SIZE" in d[0], d)
    typ, d = m.fetch("2", "(BODY.PEEK[])")
    body = d[0][1] if typ == "OK" and isinstance(d[0], tuple) else b""
    check("imap FETCH 2 BODY.PEEK[] is the message (CRLF lines)",
          body.startswith(b"From: Second <two@example.org>\r\n") and b"Body two.\r\n" in body, d)
    typ, d = m.fetch("1", "(ENVELOPE)")
    flat = b"".join(x if isinstance(x, bytes) else b"".join(x) for x in d)
    check("imap FETCH ENVELOPE", typ == "OK" and b"first message" in flat, d)
    typ, d = m.store("1", "+FLAGS", "(\\Deleted \\Flagged)")
    check("imap STORE +FLAGS", typ == "OK" and b"\\Deleted" in d[0] and b"\\Flagged" in d[0], d)
    typ, d = m.uid("FETCH", "2", "(FLAGS)")
    check("imap UID FETCH", typ == "OK" and b"UID 2" in d[0], d)
    typ, d = m.expunge()
    check("imap EXPUNGE reports message 1", typ == "OK" and d == [b"1"], d)
    msg = b"From: Appended <app@example.org>\r\nSubject: appended\r\n\r\nAppended body.\r\n"
    typ, d = m.append("srvbox", "(\\Seen)", None, msg)
    check("imap APPEND", typ == "OK", d)
    typ, d = m.noop()
    typ, d = m.select("srvbox")
    check("imap SELECT after APPEND: 2 messages", typ == "OK" and d[0] == b"2", d)
    typ, d = m.fetch("2", "(FLAGS BODY.PEEK[HEADER])")
    check("imap the appended message, its flag kept",
          typ == "OK" and b"Subject: appended" in d[0][1] and b"\\Seen" in d[0][0], d)
    typ, d = m.select("nosuchbox")
    check("imap SELECT of a missing mailbox: NO", typ == "NO", d)
    typ, _ = m.logout()
    check("imap LOGOUT", typ == "BYE")


@guarded
def imap_sasl(port):
    m = imaplib.IMAP4(HOST, port)
    typ, _ = m.authenticate("PLAIN", lambda _: ("\0%s\0%s" % (USER, PASS)).encode())
    check("imap AUTHENTICATE PLAIN", typ == "OK")
    m.logout()
    m = imaplib.IMAP4(HOST, port)
    answers = [USER.encode(), PASS.encode()]
    prompts = []

    def login_step(chal):
        prompts.append(chal)
        return answers.pop(0)
    typ, _ = m.authenticate("LOGIN", login_step)
    check("imap AUTHENTICATE LOGIN (prompts User Name, Password)",
          typ == "OK" and prompts == [b"User Name\0", b"Password\0"], prompts)
    m.logout()
    # PLAIN naming another user as the authorization identity: only
    # members of mailadm may do that.
    m = imaplib.IMAP4(HOST, port)
    try:
        m.authenticate("PLAIN", lambda _: ("root\0%s\0%s" % (USER, PASS)).encode())
        fail("imap PLAIN with a foreign authorization identity refused", "accepted")
    except imaplib.IMAP4.error:
        ok("imap PLAIN with a foreign authorization identity refused")
    m.logout()
    # The client cancels.
    r = Raw(port)
    r.line()
    r.send(b"a1 AUTHENTICATE PLAIN\r\n")
    l1 = r.line()
    r.send(b"*\r\n")
    l2 = r.line()
    check("imap AUTHENTICATE cancelled with *", l1.startswith(b"+") and l2.startswith(b"a1 BAD"), (l1, l2))
    # Not base64: a cancel too, and then the session goes on.
    r.send(b"a2 AUTHENTICATE LOGIN\r\n")
    r.line()
    r.send(b"!!!! not base64 \x01\x02\r\n")
    l3 = r.line()
    r.send(b"a3 NOOP\r\n")
    l4 = r.line()
    check("imap SASL garbage answer: clean BAD, session goes on",
          l3.startswith(b"a2 BAD") and l4.startswith(b"a3 OK"), (l3, l4))
    # A SASL answer of 1 MB (a client that never ends its line in time):
    # refused, the session goes on.
    r.send(b"a4 AUTHENTICATE PLAIN\r\n")
    r.line()
    r.send(b"QUFB" * 262144 + b"\r\n")
    l5 = r.line()
    r.send(b"a5 NOOP\r\n")
    l6 = r.line()
    check("imap 1 MB SASL answer: clean BAD, session goes on",
          l5.startswith(b"a4 BAD") and l6.startswith(b"a5 OK"), (l5, l6))
    r.close()
    r = Raw(port)
    r.line()
    r.send(b"a0 STARTTLS\r\n")
    l = r.line()
    check("imap STARTTLS without a certificate: NO with the reason",
          l.startswith(b"a0 NO STARTTLS failed: Server certificate not installed"), l)
    r.send(b"a1 AUTHENTICATE NOSUCHMECH\r\n")
    l = r.line()
    check("imap AUTHENTICATE of an unknown mechanism: NO", l.startswith(b"a1 NO"), l)
    r.close()


@guarded
def imap_failures(port):
    m = imaplib.IMAP4(HOST, port)
    t0 = time.monotonic()
    try:
        m.login(USER, PASS + "x")
        fail("imap wrong password refused", "accepted")
    except imaplib.IMAP4.error:
        ok("imap wrong password refused")
    took = time.monotonic() - t0
    check("imap a failed login costs 3 s (took %.1f)" % took, took >= 2.9, took)
    for _ in range(2):
        try:
            m.login(USER, PASS + "y")
        except imaplib.IMAP4.error:
            pass
    try:
        m.login(USER, PASS)
        fail("imap after 3 failures even the right password is refused", "accepted")
    except imaplib.IMAP4.error:
        ok("imap after 3 failures even the right password is refused")
    m.shutdown()
    m = imaplib.IMAP4(HOST, port)
    try:
        m.login("x" * 70, "pw")
        fail("imap overlong user name refused", "accepted")
    except imaplib.IMAP4.error:
        ok("imap overlong user name refused")
    try:
        m.login(USER, PASS)
        fail("imap no login after a break-in attempt", "accepted")
    except imaplib.IMAP4.error:
        ok("imap no login after a break-in attempt")
    m.shutdown()
    m = imaplib.IMAP4(HOST, port)
    check("imap no AUTH=ANONYMOUS without /etc/anonymous.newsgroups",
          "AUTH=ANONYMOUS" not in m.capabilities, m.capabilities)
    try:
        m.login("anonymous", "guest")
        fail("imap anonymous refused without /etc/anonymous.newsgroups", "accepted")
    except imaplib.IMAP4.error:
        ok("imap anonymous refused without /etc/anonymous.newsgroups")
    m.shutdown()
    m = imaplib.IMAP4(HOST, port)
    t0 = time.monotonic()
    try:
        m.authenticate("PLAIN", lambda _: ("\0%s\0%s" % (USER, PASS + "z")).encode())
        fail("imap AUTHENTICATE PLAIN with a wrong password refused", "accepted")
    except imaplib.IMAP4.error:
        took = time.monotonic() - t0
        check("imap AUTHENTICATE PLAIN with a wrong password refused after the 3 s delay (took %.1f)" % took,
              took >= 2.9, took)
    m.shutdown()
    m = imaplib.IMAP4(HOST, port)
    try:
        m.login("root", "x")
        fail("imap root refused", "accepted")
    except imaplib.IMAP4.error:
        ok("imap root refused")
    m.shutdown()


@guarded
def imap_bad_input(port):
    r = Raw(port)
    r.line()
    r.send(b"a0 SELECT INBOX\r\n")
    l = r.line()
    check("imap SELECT before login: BAD", l.startswith(b"a0 BAD"), l)
    r.send(b"a1 " + b"X" * 100000 + b"\r\n")
    l = r.line()
    r.send(b"a2 NOOP\r\n")
    l2 = r.line()
    check("imap 100 kB command line: BAD, then the session goes on",
          l.startswith(b"* BAD") and l2.startswith(b"a2 OK"), (l, l2))
    r.send(b"\x00\xff\xfe garbage \x01\x02\x03\r\n")
    l = r.line()
    check("imap binary garbage: BAD", b"BAD" in l, l)
    r.send(b"T" * 100000 + b" NOOP\r\n")
    l = r.line()
    r.send(b"a2b NOOP\r\n")
    l2 = r.line()
    check("imap 100 kB tag: BAD, then the session goes on",
          l.startswith(b"* BAD") and l2.startswith(b"a2b OK"), (l, l2))
    r.send(b"a3 NOOP " + b"x " * 2000 + b"\r\n")
    l = r.line()
    check("imap too many tokens: BAD", b"BAD" in l, l)
    r.send(b"a4 LOGIN {99999999999}\r\n")
    l = r.line()
    check("imap absurd literal size: BAD", b"BAD" in l, l)
    r.send(b"a5 LOGIN {200000}\r\n")
    l = r.line()
    check("imap too large literal outside APPEND: BAD", l.startswith(b"a5 BAD"), l)
    r.send(b"a6 LOGIN \"unterminated\r\n")
    l = r.line()
    check("imap unterminated quoted string: BAD", b"BAD" in l, l)
    # A literal that lies: announces 100 bytes, sends 10, then hangs up.
    r.send(b"a7 LOGIN {100}\r\n")
    l = r.line()
    r.send(b"0123456789")
    r.close()
    check("imap lying literal gets its continuation", l.startswith(b"+"), l)
    # Vanishing mid-command and mid-SASL.
    r = Raw(port)
    r.line()
    r.send(b"a1 LOGIN srvtest")
    r.close()
    r = Raw(port)
    r.line()
    r.send(b"a1 AUTHENTICATE PLAIN\r\n")
    r.line()
    r.close()
    # Literals that lie about their size, logged in, in APPEND to liebox
    # (one message; run.sh has the original read it afterwards): a literal
    # shorter than the data that follows it (the rest is not a valid end
    # of the command), then one announcing 100 bytes of which 10 come
    # before the client hangs up. Nothing may be appended.
    r = Raw(port)
    r.line()
    r.send(b"a1 LOGIN " + USER.encode() + b" " + PASS.encode() + b"\r\n")
    r.until(b"a1 ")
    r.send(b"a2 APPEND liebox {10}\r\n")
    l1 = r.line()
    r.send(b"Subject: xyz, and more than ten bytes\r\n")
    l2 = r.until(b"a2 ")
    check("imap APPEND literal shorter than its data: BAD",
          l1.startswith(b"+") and l2 and l2[-1].startswith(b"a2 BAD"), (l1, l2))
    r.send(b"a3 APPEND liebox {100}\r\n")
    l3 = r.line()
    r.send(b"Subject: y\r\n")
    r.close()
    check("imap APPEND literal longer than its data gets its continuation", l3.startswith(b"+"), l3)
    # The server still serves, and liebox has only its one message.
    m = imaplib.IMAP4(HOST, port)
    typ, _ = m.login(USER, PASS)
    check("imap serves after vanishing clients", typ == "OK")
    typ, d = m.select("liebox", readonly=True)
    check("imap liebox after the lying literals: still 1 message", typ == "OK" and d[0] == b"1", d)
    m.logout()


@guarded
def pop_session(port):
    p = poplib.POP3(HOST, port)
    g = p.getwelcome()
    check("pop greeting without an APOP challenge (no CRAM-MD5 file)", b"<" not in g, g)
    p.user(USER)
    r = p.pass_(PASS)
    check("pop USER/PASS", r.startswith(b"+OK"), r)
    n, size = p.stat()
    check("pop STAT: 2 messages", n == 2 and size > 0, (n, size))
    _, lst, _ = p.list()
    check("pop LIST", len(lst) == 2 and lst[0].startswith(b"1 "), lst)
    _, uidl, _ = p.uidl()
    check("pop UIDL: distinct ids", len(uidl) == 2 and uidl[0].split()[1] != uidl[1].split()[1], uidl)
    _, lines, _ = p.retr(1)
    check("pop RETR 1 (dot-stuffing undone)",
          b"Subject: pop one" in lines and b".dotted line" in lines, lines)
    _, lines, _ = p.top(2, 0)
    check("pop TOP 2 0: header only", b"Subject: pop two" in lines and b"Body two." not in lines, lines)
    r = p.dele(1)
    check("pop DELE 1", r.startswith(b"+OK"), r)
    try:
        p.retr(1)
        fail("pop RETR of a deleted message refused", "accepted")
    except poplib.error_proto:
        ok("pop RETR of a deleted message refused")
    r = p.quit()
    check("pop QUIT", r.startswith(b"+OK"), r)
    p = poplib.POP3(HOST, port)
    p.user(USER)
    p.pass_(PASS)
    n, _ = p.stat()
    check("pop the deleted message is gone after QUIT", n == 1, n)
    p.quit()


@guarded
def pop_failures(port):
    p = poplib.POP3(HOST, port)
    p.user(USER)
    t0 = time.monotonic()
    try:
        p.pass_(PASS + "x")
        fail("pop wrong password refused", "accepted")
    except poplib.error_proto:
        ok("pop wrong password refused")
    check("pop a failed login costs 3 s", time.monotonic() - t0 >= 2.9)
    r = Raw(port)
    r.line()
    r.send(b"USER " + b"u" * 5000 + b"\r\n")
    l = r.line()
    r.send(b"NOOP\r\n")
    l2 = r.line()
    check("pop overlong line: -ERR, session goes on", l.startswith(b"-ERR") and l2.startswith(b"+OK"), (l, l2))
    r.send(b"STAT\r\n")
    l = r.line()
    check("pop STAT before login: -ERR", l.startswith(b"-ERR"), l)
    r.send(b"\x00\xff garbage\r\n")
    l = r.line()
    check("pop garbage: -ERR", l.startswith(b"-ERR"), l)
    r.send(b"AUTH PLAIN\r\n")
    r.line()
    r.send(b"*\r\n")
    l = r.line()
    check("pop AUTH cancelled", l.startswith(b"-ERR"), l)
    r.send(b"APOP srvtest 0123\r\n")
    l = r.line()
    check("pop APOP without a CRAM-MD5 file: -ERR", l.startswith(b"-ERR"), l)
    r.close()


# ---- group "cram": /etc/cram-md5.pwd present (0600) ----

@guarded
def cram(iport, pport):
    g = caps(iport)
    check("imap AUTH=CRAM-MD5 advertised with the password file", b"AUTH=CRAM-MD5" in g, g)
    m = imaplib.IMAP4(HOST, iport)
    typ, _ = m.login_cram_md5(USER, CRAM)
    check("imap AUTHENTICATE CRAM-MD5", typ == "OK")
    m.logout()
    m = imaplib.IMAP4(HOST, iport)
    try:
        m.login_cram_md5(USER, CRAM + "x")
        fail("imap CRAM-MD5 wrong secret refused", "accepted")
    except imaplib.IMAP4.error:
        ok("imap CRAM-MD5 wrong secret refused")
    m.shutdown()
    m = imaplib.IMAP4(HOST, iport)
    typ, _ = m.login(USER, CRAM)
    check("imap LOGIN checks the CRAM-MD5 file's password when it exists", typ == "OK")
    m.logout()
    m = imaplib.IMAP4(HOST, iport)
    try:
        m.login(USER, PASS)
        fail("imap LOGIN with the system password refused when the file exists", "accepted")
    except imaplib.IMAP4.error:
        ok("imap LOGIN with the system password refused when the file exists")
    m.shutdown()
    m = imaplib.IMAP4(HOST, iport)
    typ, d = m.login("anonymous", "guest@example.org")
    check("imap anonymous login with /etc/anonymous.newsgroups", typ == "OK", d)
    m.logout()
    m = imaplib.IMAP4(HOST, iport)
    check("imap AUTH=ANONYMOUS advertised with /etc/anonymous.newsgroups",
          "AUTH=ANONYMOUS" in m.capabilities, m.capabilities)
    typ, d = m.authenticate("ANONYMOUS", lambda _: b"guest@example.org")
    check("imap AUTHENTICATE ANONYMOUS (trace string, then anonymous_login)", typ == "OK", d)
    m.logout()
    p = poplib.POP3(HOST, pport)
    check("pop greeting carries the APOP challenge", b"<" in p.getwelcome(), p.getwelcome())
    r = p.apop(USER, CRAM)
    check("pop APOP", r.startswith(b"+OK"), r)
    n, _ = p.stat()
    check("pop STAT after APOP", n == 2, n)
    p.quit()
    p = poplib.POP3(HOST, pport)
    try:
        p.apop(USER, CRAM + "x")
        fail("pop APOP wrong secret refused", "accepted")
    except poplib.error_proto:
        ok("pop APOP wrong secret refused")
    p.quit()


# ---- group "trylimit": CRAM-MD5's and APOP's own three attempts ----

def trylimit(iport, pport, lib):
    """Three wrong CRAM-MD5 secrets, then the right one, in one IMAP
    session; the same with APOP in one POP3 session. Each failure costs
    3 s. Prints the verdicts as "seq LIB ..." for run.sh to compare with
    the original's."""
    import hashlib
    verdicts = []
    m = imaplib.IMAP4(HOST, iport)
    for secret in (CRAM + "a", CRAM + "b", CRAM + "c", CRAM):
        try:
            m.login_cram_md5(USER, secret)
            verdicts.append("OK")
            break
        except imaplib.IMAP4.error:
            verdicts.append("NO")
    m.shutdown()
    p = poplib.POP3(HOST, pport)
    chal = p.getwelcome().split(b" ")[-1]
    for secret in (CRAM + "a", CRAM + "b", CRAM + "c", CRAM):
        digest = hashlib.md5(chal + secret.encode()).hexdigest()
        try:
            p._shortcmd("APOP %s %s" % (USER, digest))
            verdicts.append("+OK")
            break
        except poplib.error_proto:
            verdicts.append("-ERR")
    p.quit()
    print("seq %s %s" % (lib, " ".join(verdicts)), flush=True)
    check("%s: CRAM-MD5 and APOP refuse even the right secret after three failures (%s)"
          % (lib, " ".join(verdicts)),
          verdicts == ["NO"] * 4 + ["-ERR"] * 4, verdicts)


# ---- group "admin": srvtest in group mailadm logs in as another user ----

def admin(port, lib, target):
    """An administrator's logins as TARGET: AUTHENTICATE PLAIN with TARGET
    as the authorization identity, LOGIN with "TARGET*admin" as the user
    name, and PLAIN as root (never). Prints "seq LIB ..." for run.sh."""
    verdicts = []
    for authz, how in ((target, "plain"), (target, "login"), ("root", "plain")):
        m = imaplib.IMAP4(HOST, port)
        try:
            if how == "plain":
                m.authenticate("PLAIN", lambda _: ("%s\0%s\0%s" % (authz, USER, PASS)).encode())
            else:
                m.login("%s*%s" % (authz, USER), PASS)
            verdicts.append("OK")
        except imaplib.IMAP4.error:
            verdicts.append("NO")
        m.shutdown()
    print("seq %s %s" % (lib, " ".join(verdicts)), flush=True)
    check("%s: a mailadm member logs in as %s (PLAIN authorization identity, user*admin), never as root (%s)"
          % (lib, target, " ".join(verdicts)), verdicts == ["OK", "OK", "NO"], verdicts)


# ---- group "default": the library's default (plaintext disabled) ----

@guarded
def defaults(iport, pport):
    g = caps(iport)
    check("imap default: LOGINDISABLED, no AUTH=PLAIN/LOGIN",
          b"LOGINDISABLED" in g and b"AUTH=PLAIN" not in g and b"AUTH=LOGIN" not in g, g)
    check("imap default: STARTTLS offered", b"STARTTLS" in g, g)
    m = imaplib.IMAP4(HOST, iport)
    try:
        m.login(USER, PASS)
        fail("imap default: LOGIN refused", "accepted")
    except imaplib.IMAP4.error:
        ok("imap default: LOGIN refused")
    m.shutdown()
    r = Raw(iport)
    r.line()
    r.send(b"a1 AUTHENTICATE PLAIN\r\n")
    l = r.line()
    check("imap default: AUTHENTICATE PLAIN refused without a challenge", l.startswith(b"a1 NO"), l)
    r.close()
    p = poplib.POP3(HOST, pport)
    capa = p.capa()
    check("pop default: CAPA without USER (FAQ 3.17/3.18), with STLS", "USER" not in capa and "STLS" in capa, capa)
    p.user(USER)
    try:
        p.pass_(PASS)
        fail("pop default: PASS refused", "accepted")
    except poplib.error_proto:
        ok("pop default: PASS refused")
    p.quit()


# ---- group "worldread": a CRAM-MD5 file everyone can read ----

@guarded
def worldread(iport):
    m = imaplib.IMAP4(HOST, iport)
    try:
        m.login_cram_md5(USER, CRAM)
        fail("imap CRAM-MD5 refused with a world-readable password file", "accepted")
    except imaplib.IMAP4.error:
        ok("imap CRAM-MD5 refused with a world-readable password file")
    m.shutdown()


# ---- group "tls": certificates installed (the default configuration) ----

def tls_context(version):
    import ssl
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ctx.maximum_version = version
    return ctx


@guarded
def tls(iport, pport, implicit, nocert):
    import ssl
    for v, name in ((ssl.TLSVersion.TLSv1_3, "TLSv1.3"), (ssl.TLSVersion.TLSv1_2, "TLSv1.2")):
        m = imaplib.IMAP4(HOST, iport)
        typ, _ = m.starttls(tls_context(v))
        check("imap STARTTLS with %s" % name, typ == "OK" and m.sock.version() == name, m.sock.version())
        typ, d = m.capability()
        check("imap after STARTTLS (%s): no LOGINDISABLED, AUTH=PLAIN" % name,
              b"LOGINDISABLED" not in d[0] and b"AUTH=PLAIN" in d[0] and b"STARTTLS" not in d[0], d)
        typ, _ = m.login(USER, PASS)
        check("imap LOGIN inside STARTTLS (%s)" % name, typ == "OK")
        typ, d = m.select("srvbox")
        typ, d = m.fetch("1", "(BODY.PEEK[])")
        check("imap FETCH inside STARTTLS (%s)" % name,
              typ == "OK" and b"Body one." in d[0][1], d)
        m.logout()
        m = imaplib.IMAP4_SSL(HOST, implicit, ssl_context=tls_context(v))
        check("imap implicit TLS (%s) by the server's name" % name,
              m.sock.version() == name and m.welcome.startswith(b"* OK"), (m.sock.version(), m.welcome))
        typ, _ = m.login(USER, PASS)
        check("imap LOGIN inside implicit TLS (%s)" % name, typ == "OK")
        m.logout()
    for v, name in ((ssl.TLSVersion.TLSv1_3, "TLSv1.3"), (ssl.TLSVersion.TLSv1_2, "TLSv1.2")):
        p = poplib.POP3(HOST, pport)
        capa = p.capa()
        check("pop CAPA offers STLS", "STLS" in capa, capa)
        p.stls(tls_context(v))
        capa = p.capa()
        check("pop CAPA after STLS (%s) offers USER" % name, "USER" in capa and "STLS" not in capa, capa)
        p.user(USER)
        r = p.pass_(PASS)
        check("pop PASS inside STLS (%s)" % name, r.startswith(b"+OK") and p.sock.version() == name, r)
        p.quit()
    # Clients that vanish mid-handshake or speak no TLS at all.
    r = Raw(implicit)
    r.send(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
    r.close()
    r = Raw(implicit)
    r.send(b"a1 LOGIN srvtest x\r\n")
    got = r.s.recv(100)
    r.close()
    check("imap implicit TLS port: plaintext client gets no plaintext", b"OK" not in got and b"NO" not in got, got)
    r = Raw(iport)
    r.line()
    r.send(b"a1 STARTTLS\r\n")
    r.line()
    r.send(b"\x16\x03\x01")
    r.close()
    m = imaplib.IMAP4_SSL(HOST, implicit, ssl_context=tls_context(ssl.TLSVersion.TLSv1_3))
    typ, _ = m.login(USER, PASS)
    check("imap implicit TLS serves after broken handshakes", typ == "OK")
    m.logout()
    r = Raw(nocert)
    got = r.s.recv(100)
    r.close()
    check("implicit TLS without a certificate: the server hangs up, says nothing", got == b"", got)


# ---- group "load": many concurrent sessions on one shared mix mailbox ----

def load(port, sessions, password):
    """SESSIONS clients at once, each its own server process: all log in
    and SELECT, wait for each other (so every session is alive at the same
    time), then FETCH and STORE. The launcher logs each server's peak
    memory (run.sh checks it)."""
    import threading
    m = imaplib.IMAP4(HOST, port)
    m.login(USER, password)
    for k in range(10):
        m.append("mixbox", None, None,
                 b"From: Load <load@example.org>\r\nSubject: load %d\r\n\r\nLoad body %d.\r\n" % (k, k))
    m.logout()
    done, errors, fetched = [0], [], [0]
    lock = threading.Lock()
    barrier = threading.Barrier(sessions + 1)

    def worker(k):
        c = None
        try:
            c = imaplib.IMAP4(HOST, port, timeout=70)
            c.login(USER, password)
            typ, d = c.select("mixbox")
            assert typ == "OK" and d[0] == b"10", d
        except Exception as e:  # counted, reported below
            with lock:
                errors.append("login/select: " + repr(e))
            barrier.abort()
            return
        try:
            barrier.wait(timeout=70)
        except threading.BrokenBarrierError:
            pass
        try:
            typ, d = c.fetch("1:*", "(UID FLAGS BODY.PEEK[HEADER])")
            assert typ == "OK" and len([x for x in d if isinstance(x, tuple)]) == 10, d
            n = (k % 10) + 1
            typ, d = c.store(str(n), "+FLAGS", "(\\Flagged)")
            assert typ == "OK", d
            typ, d = c.store(str(n), "-FLAGS", "(\\Flagged)")
            assert typ == "OK", d
            c.logout()
            with lock:
                done[0] += 1
                fetched[0] += 10
        except Exception as e:  # counted, reported below
            with lock:
                errors.append(repr(e))

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(sessions)]
    for t in threads:
        t.start()
    together = False
    try:
        barrier.wait(timeout=75)
        together = True
    except threading.BrokenBarrierError:
        pass
    for t in threads:
        t.join()
    took = time.monotonic() - t0
    check("load: %d concurrent sessions on one mix mailbox all complete in %.1f s "
          "(%.1f sessions/s, %d messages fetched)" % (sessions, took, sessions / took, fetched[0]),
          done[0] == sessions and not errors, errors[:3])
    check("load: all %d sessions logged in with the mailbox selected at the same time" % sessions,
          together, errors[:3])


# ---- group "alerts": /etc/imapd.alert and the user's .imapalert ----

def alerts(port):
    r = Raw(port)
    r.line()
    r.send(b"a NOOP\r\n")
    got = r.until(b"a ")
    check("system alert: each line of /etc/imapd.alert as * OK [ALERT], before the tagged reply",
          got[:2] == [b"* OK [ALERT] Maintenance tonight at 22:00\r\n",
                      b"* OK [ALERT] Second line\r\n"] and got[-1].startswith(b"a OK"), got)
    r.send(b"b NOOP\r\n")
    got = r.until(b"b ")
    check("system alert not repeated while the file is unchanged", len(got) == 1, got)
    r.send(b"c LOGIN " + USER.encode() + b" " + PASS.encode() + b"\r\n")
    got = r.until(b"c ")
    check("login under alerts", got[-1].startswith(b"c OK"), got)
    r.send(b"d NOOP\r\n")
    got = r.until(b"d ")
    check("user alert (~/.imapalert, found with mailboxfile) after the login",
          got[:1] == [b"* OK [ALERT] Your mailbox is nearly full\r\n"] and got[-1].startswith(b"d OK"), got)
    r.send(b"e NOOP\r\n")
    got = r.until(b"e ")
    check("user alert shown once", len(got) == 1, got)
    r.close()


def main():
    group = sys.argv[1]
    ports = [int(p) for p in sys.argv[2:]]
    if group == "open":
        imap_session(ports[0])
        imap_sasl(ports[0])
        imap_bad_input(ports[0])
        pop_session(ports[1])
        pop_failures(ports[1])
    elif group == "openimap":
        imap_session(ports[0])
    elif group == "openimapsasl":
        imap_sasl(ports[0])
        imap_bad_input(ports[0])
    elif group == "openpop":
        pop_session(ports[0])
        pop_failures(ports[0])
    elif group == "failures":
        imap_failures(ports[0])
    elif group == "cram":
        cram(ports[0], ports[1])
    elif group == "trylimit":
        trylimit(ports[0], ports[1], os.environ.get("SRV_LIB", "ours"))
    elif group == "admin":
        admin(ports[0], os.environ.get("SRV_LIB", "ours"), os.environ["SRV_TARGET"])
    elif group == "default":
        defaults(ports[0], ports[1])
    elif group == "load":
        # Logins against the CRAM-MD5 file (cheap: no password hashing).
        load(ports[0], 200, CRAM)
    elif group == "tls":
        tls(ports[0], ports[1], ports[2], ports[3])
    elif group == "alerts":
        alerts(ports[0])
    elif group == "worldread":
        worldread(ports[0])


if __name__ == "__main__":
    main()
