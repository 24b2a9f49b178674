"""A scripted NNTP peer for the nntp suite's hostile cases.

    peer.py PORT READYFILE LOGFILE INDEX

Serves scenario INDEX to one connection, then exits. A
scenario is the greeting and the answers to commands (by command word);
"DROP" closes the connection instead of answering; "STALL" keeps it
open without a word for longer than the client's read timeout. After a 340 to POST,
the article is read up to the lone "." and the "." entry answers. What
each client sent is appended to LOGFILE (passwords included: the values
are the test's own)."""
import socket, sys, time

GOOD = b"200 peer ready\r\n"
EXT = b"202 extensions\r\nOVER\r\nAUTHINFO USER\r\n.\r\n"
S = [
    # 0: greeting refused
    {"greet": b"502 go away\r\n"},
    # 1: dropped during LIST EXTENSIONS
    {"greet": GOOD, "LIST": "DROP"},
    # 2: endless extension block, then the connection drops
    {"greet": GOOD, "LIST": b"202 ext\r\n" + b"X-FILLER\r\n" * 2000, "after": "DROP"},
    # 3: MODE READER wants authentication: USER/PASS, then MODE READER again
    {"greet": GOOD, "LIST": b"503 no\r\n", "MODE": [b"480 auth first\r\n", b"200 reader ok\r\n"],
     "AUTHINFO": [b"381 pass please\r\n", b"281 welcome\r\n"], "POST": b"340 send\r\n",
     ".": b"240 thanks\r\n", "QUIT": b"205 bye\r\n"},
    # 4: posting answered with a code out of range
    {"greet": GOOD, "LIST": EXT, "MODE": b"200 ok\r\n", "POST": b"340 send\r\n",
     ".": b"999 what\r\n", "QUIT": b"205 bye\r\n"},
    # 5: posting answered with an unexpected 2xx
    {"greet": GOOD, "LIST": EXT, "MODE": b"200 ok\r\n", "POST": b"340 send\r\n",
     ".": b"250 odd\r\n", "QUIT": b"205 bye\r\n"},
    # 6: dropped after the article
    {"greet": GOOD, "LIST": EXT, "MODE": b"200 ok\r\n", "POST": b"340 send\r\n", ".": "DROP"},
    # 7: POST refused; QUIT dropped
    {"greet": GOOD, "LIST": EXT, "MODE": b"200 ok\r\n", "POST": b"440 no posting\r\n",
     "QUIT": "DROP"},
    # 8: read-only server
    {"greet": b"201 no posting\r\n", "LIST": EXT, "MODE": b"201 still no\r\n",
     "AUTHINFO": [b"502 no\r\n"], "QUIT": b"205 bye\r\n"},
    # 9: continuation lines before the reply, then POST wants auth, refused
    {"greet": b"200-first\r\n200 peer\r\n", "LIST": EXT, "MODE": b"200 ok\r\n",
     "POST": [b"480 auth\r\n"], "AUTHINFO": [b"482 bad\r\n"], "QUIT": b"205 bye\r\n"},
    # 10: AUTHINFO SASL PLAIN on 480 (challenge, response, 281)
    {"greet": GOOD, "LIST": b"202 ext\r\nAUTHINFO USER SASL:PLAIN,LOGIN\r\n.\r\n",
     "MODE": [b"480 auth first\r\n", b"200 reader ok\r\n"], "AUTHINFO": [b"383 \r\n"],
     "*": b"281 sasl ok\r\n", "POST": b"340 send\r\n", ".": b"240 thanks\r\n",
     "QUIT": b"205 bye\r\n"},
    # 11: the connection closed before any greeting
    {"greet": "DROP"},
    # 12: dropped at AUTHINFO (MODE READER wanted authentication)
    {"greet": GOOD, "LIST": b"503 no\r\n", "MODE": [b"480 auth first\r\n"], "AUTHINFO": "DROP"},
    # 13: dropped at POST
    {"greet": GOOD, "LIST": EXT, "MODE": b"200 ok\r\n", "POST": "DROP"},
    # 14: a stalled peer: the article taken, no answer to it (the client's
    # read timeout ends the wait)
    {"greet": GOOD, "LIST": EXT, "MODE": b"200 ok\r\n", "POST": b"340 send\r\n", ".": "STALL"},
]

port, ready, logname = int(sys.argv[1]), sys.argv[2], sys.argv[3]
first = int(sys.argv[4])
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(4)
open(ready, "w").close()
log = open(logname, "wb")
for n, sc in list(enumerate(S))[first:first + 1]:
    c, _ = ls.accept()
    c.settimeout(30)
    f = c.makefile("rwb")
    log.write(b"== connection %d\n" % n)
    counts = {}
    try:
        if sc["greet"] == "DROP":
            # Late enough that the client is waiting for the greeting (an
            # earlier close makes the original's connect fail instead).
            time.sleep(1)
            raise OSError("dropped")
        f.write(sc["greet"]); f.flush()
        while True:
            line = f.readline()
            if not line:
                break
            log.write(b"> " + line)
            word = line.split(b" ")[0].strip().decode("latin-1")
            ans = sc.get(word, sc.get("*", b"500 what?\r\n"))
            if isinstance(ans, list):
                i = counts.get(word, 0)
                counts[word] = i + 1
                ans = ans[min(i, len(ans) - 1)]
            if ans == "DROP":
                break
            f.write(ans); f.flush()
            if sc.get("after") == "DROP" and word == "LIST":
                break
            if ans[:3] == b"340":
                while True:
                    d = f.readline()
                    if not d:
                        break
                    log.write(b"| " + d)
                    if d == b".\r\n":
                        break
                ans = sc.get(".", b"240 ok\r\n")
                if ans == "STALL":
                    # The client's read timeout (3 s) should end it long
                    # before the peer gives up (the log tells which).
                    c.settimeout(20)
                    try:
                        while True:
                            d = c.recv(4096)
                            if not d:
                                log.write(b"== the client hung up on the stalled peer\n")
                                break
                            log.write(b"> " + d)
                    except socket.timeout:
                        log.write(b"== the peer gave up waiting\n")
                    break
                if ans == "DROP":
                    break
                f.write(ans); f.flush()
            if word == "QUIT":
                break
    except OSError:
        pass
    log.flush()
    try:
        f.close(); c.close()
    except OSError:
        pass
