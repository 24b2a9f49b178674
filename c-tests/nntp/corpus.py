"""Posts the reading tests' articles to a private INN with POST:

    corpus.py PORT

A small news corpus: a thread (References), a reply with a To, a MIME
multipart article, a cross-posted one with an encoded-word subject and a
folded header, dot-stuffed lines, and one article in the other group.
Dates are relative to now (INN refuses articles older than its cutoff)
and distinct, so sorting by date is deterministic."""
import email.utils, socket, sys, time

port = int(sys.argv[1])
now = time.time()


def date(days_ago):
    return email.utils.formatdate(now - days_ago * 86400 - 3600, usegmt=True)


ARTICLES = [
    ("test.one", [
        "From: Alice <alice@example.org>",
        "Subject: hello one",
        "Message-ID: <one@corpus.example>",
        "Date: " + date(4),
        "X-Corpus: thread start",
    ], ["first body", "..dotted line", ".", "last line"]),
    ("test.one", [
        "From: Bob Builder <bob@example.net>",
        "To: Carol <carol@example.com>",
        "Subject: Re: hello one",
        "Message-ID: <two@corpus.example>",
        "References: <one@corpus.example>",
        "Date: " + date(2),
        "X-Corpus: thread reply",
    ], ["> first body", "", "a reply"]),
    ("test.one", [
        "From: Dave <dave@example.org>",
        "Subject: multipart sample",
        "Message-ID: <mime@corpus.example>",
        "Date: " + date(3),
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="XyZ"',
    ], ["preamble", "--XyZ", "Content-Type: text/plain; charset=us-ascii", "",
        "part one text", "--XyZ", "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable", "", "caf=C3=A9 part two",
        "--XyZ--", ""]),
    ("test.one,test.two", [
        "From: =?UTF-8?Q?Eve_=C3=89ve?= <eve@example.org>",
        "Subject: =?UTF-8?Q?caf=C3=A9?= crossed",
        "Message-ID: <cross@corpus.example>",
        "Followup-To: test.two",
        "Date: " + date(1),
        "X-Long: a header that is long enough",
        "\tto be folded onto a second line",
    ], ["cross-posted body"] + ["line %d of a longer body, padding it out" % i for i in range(20)]),
    ("test.one", [
        "From: Alice <alice@example.org>",
        "Subject: Re: Re: hello one",
        "Message-ID: <three@corpus.example>",
        "References: <one@corpus.example> <two@corpus.example>",
        "Date: " + date(0.5),
    ], ["short"]),
    ("test.two", [
        "From: Frank <frank@example.org>",
        "Subject: elsewhere",
        "Message-ID: <other@corpus.example>",
        "Date: " + date(5),
    ], ["other group"]),
]

s = socket.create_connection(("127.0.0.1", port), timeout=30)
f = s.makefile("rwb")


def cmd(c):
    f.write(c.encode() + b"\r\n")
    f.flush()
    return f.readline()


assert f.readline()[:1] == b"2"
cmd("MODE READER")
for group, head, body in ARTICLES:
    r = cmd("POST")
    assert r[:3] == b"340", r
    for line in ["Newsgroups: " + group] + head + [""] + body:
        if line.startswith("."):
            line = "." + line
        f.write(line.encode() + b"\r\n")
    f.write(b".\r\n")
    f.flush()
    r = f.readline()
    assert r[:3] == b"240", r
cmd("QUIT")
