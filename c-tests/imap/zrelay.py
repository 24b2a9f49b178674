#!/usr/bin/env python3
"""A TCP relay for the COMPRESS=DEFLATE checks: listens on 127.0.0.1:PORT,
forwards each connection to 127.0.0.1:TARGET, and watches the client's
side. After a client line "<tag> COMPRESS DEFLATE" and the server's tagged
OK, both directions are inflated (raw deflate, RFC 4978) to prove they
really are compressed. Per connection it appends one line to LOG:
  plain <bytes from server>
  compressed <wire bytes from server> <inflated bytes> <inflated FETCH lines> ok|bad
Usage: zrelay.py PORT TARGET LOG READYFILE
"""
import socket
import sys
import threading
import zlib

port, target, logpath, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
lock = threading.Lock()


def session(c):
    s = socket.create_connection(("127.0.0.1", target))
    st = {"tag": None, "on": False, "wire": 0, "plain": 0, "out": b"", "bad": False,
          "cbuf": b""}
    sd = zlib.decompressobj(-15)
    cd = zlib.decompressobj(-15)

    def up():
        try:
            while True:
                b = c.recv(65536)
                if not b:
                    break
                if st["on"]:
                    try:
                        cd.decompress(b)
                    except zlib.error:
                        st["bad"] = True
                else:
                    st["cbuf"] += b
                    for line in st["cbuf"].split(b"\r\n")[:-1]:
                        w = line.split(b" ")
                        if len(w) == 3 and w[1].upper() == b"COMPRESS" and w[2].upper() == b"DEFLATE":
                            st["tag"] = w[0]
                    st["cbuf"] = st["cbuf"].split(b"\r\n")[-1]
                s.sendall(b)
        except OSError:
            pass
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    t = threading.Thread(target=up, daemon=True)
    t.start()
    pend = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            if st["on"]:
                st["wire"] += len(b)
                try:
                    st["out"] += sd.decompress(b)
                except zlib.error:
                    st["bad"] = True
            else:
                st["plain"] += len(b)
                pend += b
                if st["tag"] is not None:
                    ok = st["tag"] + b" OK"
                    i = pend.find(b"\r\n" + ok)
                    j = 0 if pend.startswith(ok) else (i + 2 if i >= 0 else -1)
                    if j >= 0:
                        e = pend.find(b"\r\n", j)
                        if e >= 0:
                            st["on"] = True
                            rest = pend[e + 2:]
                            st["wire"] += len(rest)
                            try:
                                st["out"] += sd.decompress(rest)
                            except zlib.error:
                                st["bad"] = True
                pend = pend[-4096:]
            c.sendall(b)
    except OSError:
        pass
    try:
        c.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    t.join(5)
    c.close()
    s.close()
    with lock, open(logpath, "a") as f:
        if st["on"]:
            fetches = sum(1 for ln in st["out"].split(b"\r\n") if b" FETCH " in ln)
            f.write("compressed %d %d %d %s\n" % (st["wire"], len(st["out"]), fetches,
                                                  "bad" if st["bad"] else "ok"))
        else:
            f.write("plain %d\n" % st["plain"])


ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(16)
open(ready, "w").write("ready\n")
while True:
    c, _ = ls.accept()
    threading.Thread(target=session, args=(c,), daemon=True).start()
