"""A scripted NNTP server for the nntp suite's hostile reading cases.

    hostile-read.py PORT READYFILE LOGFILE INDEX

Serves scenario INDEX to one connection (a reader that opens a group,
fetches overviews, headers and texts, and closes), then exits. Every
scenario starts from a healthy group of three articles and changes some
answers: an answer is bytes, a list of bytes (one per use, the last one
repeated), "DROP" (close the connection instead), "NOANSWER", "STALL" (say nothing for longer
than the client's read timeout, then close), or a generator name for
endless data. What the client sent is written to LOGFILE."""
import socket, sys, time

port, ready, logfile, index = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])


def over(n, subject):
    return ("%d\t%s\tAlice <alice@example.org>\tSun, 6 Dec 2026 10:00:00 +0000\t<%d@h>\t\t100\t3\tXref: h test.h:%d\r\n"
            % (n, subject, n, n)).encode()


HEALTHY = {
    "greet": b"200 hostile ready\r\n",
    "LIST EXTENSIONS": b"202 extensions\r\nOVER\r\nHDR\r\nLISTGROUP\r\n.\r\n",
    "MODE": b"200 reader\r\n",
    "GROUP": b"211 3 1 3 test.h\r\n",
    "LIST OVERVIEW.FMT": b"215 fmt\r\nSubject:\r\nFrom:\r\nDate:\r\nMessage-ID:\r\nReferences:\r\n:bytes\r\n:lines\r\nXref:full\r\n.\r\n",
    "LISTGROUP": b"211 3 1 3 test.h\r\n1\r\n2\r\n3\r\n.\r\n",
    "OVER 0": b"423 no such article\r\n",
    "OVER": b"224 overview\r\n" + over(1, "one") + over(2, "two") + over(3, "three") + b".\r\n",
    "HEAD": b"221 head\r\nFrom: Alice <alice@example.org>\r\nSubject: a subject\r\n.\r\n",
    "BODY": b"222 body\r\nline one\r\n..dotted\r\n.\r\n",
    "STAT": b"412 no group\r\n",
    "QUIT": b"205 bye\r\n",
}

S = [
    # 0: OVER truncated: two lines, then the connection drops
    {"OVER": b"224 overview\r\n" + over(1, "one") + over(2, "tw"), "OVER.after": "DROP"},
    # 1: endless OVER (ours gives up; the original reads until the server stops)
    {"OVER": "ENDLESS_OVER"},
    # 2: dropped during the article map
    {"LISTGROUP": b"211 3 1 3 test.h\r\n1\r\n", "LISTGROUP.after": "DROP"},
    # 3: dropped at HEAD
    {"HEAD": "DROP"},
    # 4: BODY truncated
    {"BODY": b"222 body\r\nline one\r\nline tw", "BODY.after": "DROP"},
    # 5: an absurd count, out-of-range and too-low numbers, holes
    {"GROUP": b"211 900 2 6 test.h\r\n", "LISTGROUP": b"211 3 2 6 test.h\r\n1\r\n2\r\n4\r\n9\r\n6\r\n.\r\n",
     "OVER": b"224 overview\r\n" + over(2, "two") + over(4, "four") + over(6, "six") + b".\r\n"},
    # 6: overview lines that are not: unknown number, no tab, too few fields
    {"OVER": b"224 overview\r\n" + over(1, "one") + b"77\tstray\tx\ty\tz\t\t1\t1\r\n" + b"2 no tab\r\n"
     + b"3\tonly subject\r\n.\r\n"},
    # 7: endless BODY
    {"BODY": "ENDLESS_BODY"},
    # 8: GROUP answered with a code out of range
    {"GROUP": b"999 what\r\n"},
    # 9: last article number below the first
    {"GROUP": b"211 5 10 2 test.h\r\n"},
    # 10: no OVER/LISTGROUP/HDR: XOVER and XHDR refused, the range is assumed
    {"LIST EXTENSIONS": b"500 what\r\n", "LISTGROUP": b"500 what\r\n", "XHDR": b"500 what\r\n",
     "OVER": b"500 what\r\n",
     "XOVER": b"224 overview\r\n" + over(1, "one") + over(2, "two") + over(3, "three") + b".\r\n"},
    # 11: dropped right after the greeting's extensions (at MODE READER)
    {"MODE": "DROP"},
    # 12: an article range past the cache's maximum
    {"GROUP": b"211 5 1 5000000 test.h\r\n"},
    # 13: an OVER that answers "OVER 0" with a format line (Netscape
    # Collabra): the client falls back to XOVER
    {"OVER 0": b"224 ok\r\nSubject:From:Date:Bytes:Lines\r\n.\r\n",
     "XOVER": b"224 overview\r\n" + over(1, "one") + over(2, "two") + over(3, "three") + b".\r\n"},
    # 14: articles gone: HEAD and BODY answered 430
    {"HEAD": b"430 no such article\r\n", "BODY": b"430 no such article\r\n"},
    # 15: the connection closed before any greeting
    {"greet": "DROP"},
    # 16: dropped at GROUP
    {"GROUP": "DROP"},
    # 17: dot-stuffing errors: a leading dot not doubled, and a lone "."
    # inside the first text, whose rest the client takes as the answer to
    # its next command (HEAD 2, which the server then leaves unanswered)
    {"BODY": [b"222 body\r\nline one\r\n.hidden dot\r\n.\r\n221 head\r\nX-Left: over\r\n.\r\n",
              HEALTHY["BODY"]],
     "HEAD": [HEALTHY["HEAD"], "NOANSWER", HEALTHY["HEAD"]]},
    # 18: a stalled peer at GROUP (the client's read timeout ends the wait)
    {"GROUP": "STALL"},
    # 19: a stalled peer in the middle of OVER
    {"OVER": b"224 overview\r\n" + over(1, "one"), "OVER.after": "STALL"},
]

answers = dict(HEALTHY)
answers.update(S[index])
uses = {}
log = open(logfile, "wb")
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(1)
open(ready, "w").close()
srv.settimeout(60)
conn, _ = srv.accept()
conn.settimeout(30)
f = conn.makefile("rwb")


def endless(kind):
    try:
        if kind == "ENDLESS_OVER":
            f.write(b"224 overview\r\n")
            n = 1
            while n < 2000000:
                f.write(b"".join(over(1 + (i % 3), "again") for i in range(n, n + 1000)))
                n += 1000
        else:
            f.write(b"222 body\r\n")
            chunk = (b"x" * 65000 + b"\r\n") * 16
            for _ in range(20000):
                f.write(chunk)
        f.flush()
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        return "DROP"
    return "DROP"


def answer(cmd):
    words = cmd.split()
    keys = [cmd, " ".join(words[:2]), words[0] if words else ""]
    for k in keys:
        if k in answers:
            a = answers[k]
            if isinstance(a, list):
                i = uses.get(k, 0)
                uses[k] = i + 1
                a = a[min(i, len(a) - 1)]
            return k, a
    return None, b"500 unknown\r\n"


def stall():
    # Says nothing; the client's read timeout (3 s) should make it hang up
    # long before the server gives up (the log tells which came first).
    conn.settimeout(20)
    try:
        while True:
            d = conn.recv(4096)
            if not d:
                log.write(b"== the client hung up on the stalled server\n")
                break
            log.write(d)
    except socket.timeout:
        log.write(b"== the server gave up waiting\n")
    return "DROP"


try:
    if answers["greet"] == "DROP":
        # Late enough that the client is waiting for the greeting (an
        # earlier close makes the original's connect fail instead).
        time.sleep(1)
        raise ConnectionResetError
    f.write(answers["greet"])
    f.flush()
    while True:
        line = f.readline()
        if not line:
            break
        cmd = line.decode("latin-1").rstrip("\r\n")
        log.write(line)
        key, a = answer(cmd)
        if a == "DROP":
            break
        if a == "NOANSWER":
            continue
        if a == "STALL":
            stall()
            break
        if isinstance(a, str):
            endless(a)
            break
        f.write(a)
        f.flush()
        if key and answers.get(key + ".after") == "DROP":
            break
        if key and answers.get(key + ".after") == "STALL":
            stall()
            break
        if cmd == "QUIT":
            break
except (BrokenPipeError, ConnectionResetError, socket.timeout):
    pass
log.close()
try:
    f.close()
    conn.close()
except OSError:
    pass
