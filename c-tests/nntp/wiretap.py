"""A relay between the nntp suite's readers and INN that records what the
client sends, so that the two libraries' commands can be compared byte
for byte on the server's side of the connection.

    wiretap.py LISTEN-PORT INN-PORT LOG-PREFIX READYFILE

Connection N (in the order they are accepted) is logged to LOG-PREFIX.N.
Runs until killed."""
import socket, sys, threading

listen, target, prefix, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]


def pump(src, dst, log):
    try:
        while True:
            d = src.recv(65536)
            if not d:
                break
            if log:
                log.write(d)
                log.flush()
            dst.sendall(d)
    except OSError:
        pass
    try:
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", listen))
srv.listen(8)
open(ready, "w").close()
n = 0
while True:
    c, _ = srv.accept()
    try:
        s = socket.create_connection(("127.0.0.1", target), timeout=30)
    except OSError:
        c.close()
        continue
    s.settimeout(None)
    log = open("%s.%d" % (prefix, n), "wb")
    n += 1
    threading.Thread(target=pump, args=(c, s, log), daemon=True).start()
    threading.Thread(target=pump, args=(s, c, None), daemon=True).start()
