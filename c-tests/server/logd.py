#!/usr/bin/env python3
"""A private syslog: binds a unix datagram socket at SOCKET (the test
points /dev/log at it inside a mount namespace, privlog.sh) and appends
each message, one a line, to FILE. Prints "ready" once bound; runs until
killed.

usage: logd.py SOCKET FILE
"""
import os
import socket
import sys


def main():
    path, out = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)
    with open(out, "ab", buffering=0) as f:
        print("ready", flush=True)
        while True:
            f.write(s.recv(65536).rstrip(b"\0\n") + b"\n")


if __name__ == "__main__":
    main()
