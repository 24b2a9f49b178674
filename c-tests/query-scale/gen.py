#!/usr/bin/env python3
"""Mailboxes for c-tests/query-scale.

gen.py bad OUT      a small mbox of hostile messages: 10,000 References,
                    circular and self references, duplicate Message-IDs,
                    absurd and out-of-range dates, deep subject wrappers
gen.py scale N OUT  an mbox of N generated messages shaped to reach the
                    costly paths of the threaders and sorters: a message
                    with a reply from a quarter of the mailbox, reference
                    chains, references to later messages, duplicate
                    Message-IDs, one subject shared by a fifth of the roots
gen.py empty OUT    an empty mailbox (no messages)
"""
import sys


def msg(out, n, hdrs, body):
    out.append("From sender@example.org Mon Jan %2d 10:%02d:00 2001\n" % (1 + n % 28, n % 60))
    for k, v in hdrs:
        if v is not None:
            out.append("%s: %s\n" % (k, v))
    out.append("\n")
    out.append(body)
    out.append("\n")


def bad(path):
    out = []
    n = 0

    def m(date, subject, mid, refs=None, irt=None, body="plain body\n", frm=None):
        nonlocal n
        n += 1
        msg(out, n, [("Date", date), ("From", frm or "Sender %d <s%d@example.org>" % (n, n)),
                     ("To", "list@example.org"), ("Subject", subject), ("Message-ID", mid),
                     ("References", refs), ("In-Reply-To", irt)], body)

    many = " ".join("<r%d@many>" % i for i in range(10000))
    m("Mon, 1 Jan 2001 10:00:00 +0000", "root topic", "<1@b>")
    m("Mon, 1 Jan 2001 11:00:00 +0000", "Re: root topic", "<2@b>", many + " <1@b>")
    # The same ten thousand in the opposite order, then the first message.
    rev = " ".join("<r%d@many>" % i for i in range(9999, -1, -1))
    m("Mon, 1 Jan 2001 12:00:00 +0000", "Re: root topic", "<3@b>", rev + " <2@b>")
    # A cycle of three and a message naming itself.
    m("Tue, 2 Jan 2001 10:00:00 +0000", "cycle", "<c1@b>", "<c3@b>")
    m("Tue, 2 Jan 2001 10:00:01 +0000", "Re: cycle", "<c2@b>", "<c1@b>")
    m("Tue, 2 Jan 2001 10:00:02 +0000", "Re: cycle", "<c3@b>", "<c2@b>")
    m("Tue, 2 Jan 2001 10:00:03 +0000", "self", "<self@b>", "<self@b> <self@b>", "<self@b>")
    # Duplicate Message-IDs, three times, with different parents.
    m("Wed, 3 Jan 2001 10:00:00 +0000", "dup", "<dup@b>")
    m("Wed, 3 Jan 2001 10:00:00 +0000", "Re: dup", "<dup@b>", "<dup@b>")
    m("Wed, 3 Jan 2001 09:00:00 +0000", "Re: dup", "<dup@b>", "<1@b>")
    # Broken reference syntax.
    m("Thu, 4 Jan 2001 10:00:00 +0000", "broken", "<<<>>>", "<<<a@b>>> <unterminated", "<>")
    m("Thu, 4 Jan 2001 10:00:00 +0000", "broken", "no-brackets@b", "no brackets at all", "<x@b> <y@b>")
    # Absurd and out-of-range dates.
    for i, d in enumerate([
            "Mon, 1 Jan 1900 00:00:00 +0000", "Fri, 31 Dec 9999 23:59:59 -2359", "30 Feb 2001 10:00:00 +0000",
            "99 Foo 2001 25:61:61 +0000", "Wed, 31 Dec 1969 23:59:59 +0000", "Tue, 19 Jan 2038 03:14:08 +0000",
            "Sun, 7 Feb 2106 06:28:16 +0000", "Thu, 1 Jan 1970 00:00:00 +0000", "", "0",
            "1 Jan 70 00:00:00 +0000", "1 Jan 2001 10:00:00 +9999", "1 Jan 2001 10:00:00 -0000",
            "1 Jan 2001 10:00:00 XYZ", "1 Jan 2001", "Mon, 1 Jan 99999 00:00:00 +0000",
            "Mon, 32 Jan 2001 00:00:00 +0000", "Mon, 1 Jan 2001 00:00:00 +1400 (with comment)",
            "-1 Jan 2001 00:00:00 +0000", "4294967296 Jan 2001", "1 Jan 18446744073709551617",
            "Mon, 1 Jan 2001 99999999999999999999:00:00 +0000"]):
        m(d, "date %d" % i, "<d%d@b>" % i, "<1@b>" if i % 2 else None)
    m(None, "no date at all", "<nodate@b>")
    # Deep subject wrappers and long reply chains in the subject.
    m("Fri, 5 Jan 2001 10:00:00 +0000", "Re: " * 3000 + "deep", "<s1@b>")
    m("Fri, 5 Jan 2001 10:00:00 +0000", "[fwd: " * 500 + "wrapped" + "]" * 500, "<s2@b>")
    m("Fri, 5 Jan 2001 10:00:00 +0000", "deep" + " (fwd)" * 2000, "<s3@b>")
    m("Fri, 5 Jan 2001 10:00:00 +0000", "[" * 3000, "<s4@b>")
    m("Fri, 5 Jan 2001 10:00:00 +0000", "=?UTF-8?Q?R=C3=A9?= " * 1000, "<s5@b>")
    m("Fri, 5 Jan 2001 10:00:00 +0000", "", "", "", "")
    # A needle and a long header with many addresses.
    m("Sat, 6 Jan 2001 10:00:00 +0000", "needle here", "<n@b>", body="a needle in the body\n" * 100,
      frm=", ".join("u%d@example.org" % i for i in range(3000)))
    open(path, "w").write("".join(out))


def scale(count, path):
    out = []
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    for i in range(1, count + 1):
        refs = irt = None
        kind = i % 4
        if kind == 0:
            irt = "<1@s>"                       # a quarter answer message 1
        elif kind == 1 and i > 1:
            refs = "<%d@s> <%d@s>" % (i // 7 + 1, i - 1)   # chains
        elif kind == 2:
            refs = "<%d@s>" % (i + 5)           # a message not seen yet
        mid = "<%d@s>" % (i - 1 if i % 1000 == 0 else i)   # duplicates
        if i % 5 == 0:
            subject = "same subject"            # one subject, many roots
        else:
            subject = "%stopic %d" % ("Re: " if i % 3 == 0 else "", i % 1000)
        zone = (i % 25 - 12) * 100
        date = "%s, %d %s %d %02d:%02d:%02d %+05d" % (
            ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i % 7], 1 + i % 28,
            ["Jan", "Feb", "Mar", "Apr", "May", "Jun"][i % 6], 1995 + i % 20,
            i % 24, i % 60, (i * 7) % 60, zone)
        if i % 97 == 0:
            date = "garbage %d" % i
        body = "".join("%s %d line %d\n" % (words[(i + j) % 8], i, j) for j in range(3 + i % 5))
        if i % 100 == 0:
            body += "the needle is here\n"
        msg(out, i, [("Date", date), ("From", "Sender %d <sender%d@example.org>" % (i % 101, i % 101)),
                     ("To", "list@example.org"), ("Subject", subject), ("Message-ID", mid),
                     ("References", refs), ("In-Reply-To", irt)], body)
        if len(out) > 100000:
            sys.stdout.flush()
    open(path, "w").write("".join(out))


if __name__ == "__main__":
    if sys.argv[1] == "bad":
        bad(sys.argv[2])
    elif sys.argv[1] == "scale":
        scale(int(sys.argv[2]), sys.argv[3])
    else:
        open(sys.argv[2], "w").close()
