#!/usr/bin/env python3
"""Scripted hostile POP3 server on 127.0.0.1 for c-tests/pop3/run.sh.

usage: hostile.py PORT SCENARIO-FILE
Each connection reads its scenario's name from SCENARIO-FILE (written by
the test before it starts the client) and plays it; one connection at a
time. Prints "ready" once listening."""
import socket
import sys
import time

port = int(sys.argv[1])
scenario_file = sys.argv[2]

MSG1 = (b"From: a@example.org\r\nSubject: one\r\n\r\nbody one\r\n..dotted\r\n")
MSG2 = (b"From: b@example.org\r\nSubject: two\r\n\r\nbody two\r\n")


def stuffed(msg):
    out = []
    for line in msg.split(b"\r\n")[:-1]:
        out.append(b"." + line if line.startswith(b".") else line)
    return b"\r\n".join(out) + b"\r\n.\r\n"


def lines(conn):
    buf = b""
    while True:
        while b"\r\n" not in buf:
            d = conn.recv(65536)
            if not d:
                return
            buf += d
        line, buf = buf.split(b"\r\n", 1)
        yield line


def stall(conn):
    # Keep the connection open without answering until the client leaves.
    conn.settimeout(30)
    try:
        while conn.recv(65536):
            pass
    except OSError:
        pass


def play(conn, sc):
    send = conn.sendall
    if sc == "no-greeting":
        return
    if sc == "truncated-greeting":
        send(b"+OK hel")
        return
    if sc == "stall-greeting":
        return stall(conn)
    if sc == "err-greeting":
        send(b"-ERR go away\r\n")
        return stall(conn)
    if sc == "endless-line":
        try:
            chunk = b"+OK " + b"x" * (1 << 20)
            send(chunk)
            for _ in range(200):
                send(b"y" * (1 << 20))
        except OSError:
            pass
        return
    send(b"+OK hostile ready\r\n")
    for line in lines(conn):
        cmd = line.split(b" ")[0].upper()
        arg = line[len(cmd) + 1:]
        if cmd == b"CAPA":
            extra = {"bad-challenge": b"SASL CRAM-MD5\r\n",
                     "sasl-reject": b"SASL CRAM-MD5 PLAIN LOGIN\r\n"}.get(sc, b"")
            send(b"+OK\r\nTOP\r\nUIDL\r\nUSER\r\n" + extra + b".\r\n")
        elif cmd == b"AUTH":
            if sc == "bad-challenge":
                send(b"+ !!!not*base64\r\n")
            elif sc == "sasl-reject":
                # base64 of <12345@host>; the answer to it is refused.
                send(b"+ PDEyMzQ1QGhvc3Q+\r\n" if arg == b"CRAM-MD5" else b"+ \r\n")
                if next(lines(conn), None) is None:
                    return
                send(b"-ERR [AUTH] Authentication failed.\r\n")
            else:
                send(b"-ERR no\r\n")
        elif cmd == b"USER":
            if sc == "drop-after-user":
                return
            send(b"+OK\r\n")
        elif cmd == b"PASS":
            if sc == "drop-after-pass":
                return
            send(b"-ERR [AUTH] Authentication failed.\r\n" if sc == "pass-reject" else b"+OK logged in\r\n")
        elif cmd == b"STAT":
            if sc == "stall-stat":
                return stall(conn)
            if sc == "err-stat":
                send(b"-ERR mailbox locked\r\n")
            elif sc == "huge-count":
                send(b"+OK 18446744073709551615 0\r\n")
            else:
                send(b"+OK 2 300\r\n")
        elif cmd == b"LIST":
            if sc == "drop-in-list":
                send(b"+OK\r\n1 100\r\n")
                return
            if sc == "endless-multiline":
                send(b"+OK\r\n")
                try:
                    while True:
                        send(b"1 100\r\n" * 10000)
                except OSError:
                    return
            if sc == "out-of-range-list":
                send(b"+OK\r\n0 5\r\n99 100\r\n-1 7\r\nx y\r\n1 99999999999999999999999\r\n2\r\n\r\n.\r\n")
            else:
                send(b"+OK\r\n1 %d\r\n2 %d\r\n.\r\n" % (len(MSG1), len(MSG2)))
        elif cmd in (b"TOP", b"RETR"):
            n = int(arg.split(b" ")[0] or b"0")
            msg = MSG1 if n == 1 else MSG2
            if sc == "drop-in-" + cmd.decode().lower():
                send(b"+OK\r\n" + msg[:30])
                return
            if sc == "stall-retr" and cmd == b"RETR":
                send(b"+OK\r\n" + msg[:30])
                return stall(conn)
            if sc == "bad-dot":
                send(b"+OK\r\nFrom: x\r\n\r\n.x\r\n..\r\n. \r\n...\r\n.\r\n")
                continue
            if sc == "nul-in-text":
                send(b"+OK\r\nSubject: a\x00b\r\n\r\nbo\x00dy\r\n.\r\n")
                continue
            if cmd == b"TOP":
                msg = msg.split(b"\r\n\r\n")[0] + b"\r\n\r\n"
            send(b"+OK\r\n" + stuffed(msg))
        elif cmd == b"QUIT":
            if sc == "drop-at-quit":
                return
            send(b"+OK bye\r\n")
            return
        else:
            send(b"+OK\r\n")


def main():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(5)
    print("ready", flush=True)
    while True:
        conn, _ = s.accept()
        with open(scenario_file) as f:
            sc = f.read().strip()
        try:
            play(conn, sc)
        except OSError:
            pass
        try:
            conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        conn.close()


main()
