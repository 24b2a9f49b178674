#!/usr/bin/env python3
"""A tiny inetd: listens on 127.0.0.1:PORT and runs PROGRAM for each
connection with the socket as its stdin and stdout (stderr to /dev/null, as
inetd does). Prints "ready" on stdout once listening, so the test never
waits on timing. Runs until killed.

usage: launch.py PORT PROGRAM [ARG...]
"""
import os
import signal
import socket
import sys


def main():
    port = int(sys.argv[1])
    argv = sys.argv[2:]
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(256)
    signal.signal(signal.SIGCHLD, lambda *_: reap())
    print("ready", flush=True)
    while True:
        try:
            conn, _ = s.accept()
        except InterruptedError:
            continue
        pid = os.fork()
        if pid == 0:
            s.close()
            fd = conn.fileno()
            os.dup2(fd, 0)
            os.dup2(fd, 1)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 2)
            for f in (fd, null):
                if f > 2:
                    os.close(f)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        conn.close()


def reap():
    """Collects finished sessions; with LAUNCH_LOG set, appends one line per
    session: "exit N maxrss K" or "signal N maxrss K" (a crash shows as a
    signal; K: the session's peak resident memory in KiB)."""
    log = os.environ.get("LAUNCH_LOG")
    try:
        while True:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
            if pid <= 0:
                break
            if log:
                with open(log, "a") as f:
                    if os.WIFSIGNALED(status):
                        f.write("signal %d maxrss %d\n" % (os.WTERMSIG(status), usage.ru_maxrss))
                    else:
                        f.write("exit %d maxrss %d\n" % (os.WEXITSTATUS(status), usage.ru_maxrss))
    except ChildProcessError:
        pass


if __name__ == "__main__":
    main()
