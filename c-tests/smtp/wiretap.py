"""A relay between the smtp suite's clients and Postfix that records what
the client sends, so that the two libraries' bytes can be compared on the
server's side of the connection.

    wiretap.py LISTEN-PORT POSTFIX-PORT LOG-PREFIX READYFILE

Connection N (in the order they are accepted) is logged to LOG-PREFIX.N:
the client's bytes exactly. LOG-PREFIX.N.reads has one line per read from
the client: the first word of each command line it held, joined by "|"
(a pipelined group written at once reads "RSET|MAIL|RCPT|RCPT"; message
data reads "data", its final dot "."). Runs until killed."""
import socket, sys, threading

listen, target, prefix, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]


def words(chunk, state):
    """The command words of one read; state["data"]: inside the message."""
    out = []
    lines = chunk.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for line in lines:
        if state["data"]:
            if line == b".":
                state["data"] = False
                out.append(".")
            elif not out or out[-1] != "data":
                out.append("data")
            continue
        out.append(line.split(b" ", 1)[0].decode("latin-1").upper())
    return out


def from_client(src, dst, log, reads, state):
    try:
        while True:
            d = src.recv(65536)
            if not d:
                break
            log.write(d)
            log.flush()
            reads.write("|".join(words(d, state)) + "\n")
            reads.flush()
            dst.sendall(d)
    except OSError:
        pass
    try:
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def from_server(src, dst, state):
    try:
        while True:
            d = src.recv(65536)
            if not d:
                break
            # The client sends its message only after 354 (DATA is never
            # pipelined), so the flag is set before the data can arrive.
            if d.startswith(b"354"):
                state["data"] = True
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
    reads = open("%s.%d.reads" % (prefix, n), "w")
    n += 1
    state = {"data": False}
    threading.Thread(target=from_client, args=(c, s, log, reads, state), daemon=True).start()
    threading.Thread(target=from_server, args=(s, c, state), daemon=True).start()
