#!/usr/bin/env python3
"""Prints a mix mailbox directory's files with the time-derived values
masked: every 8-digit hex field (sequence numbers, UID validity, data file
numbers, modseqs) within two days of now becomes T. Data files are shown by
size and hash of their contents; other names as they are."""
import hashlib, os, re, sys, time

now = time.time()

def mask(text):
    def sub(m):
        v = int(m.group(0), 16)
        return b"T" if abs(v - now) < 2 * 86400 else m.group(0)
    return re.sub(rb"[0-9a-f]{8}", sub, text)

d = sys.argv[1]
for name in sorted(os.listdir(d)):
    path = os.path.join(d, name)
    data = open(path, "rb").read()
    shown = mask(name.encode()).decode("latin-1")
    if re.fullmatch(r"\.mix[0-9a-f]*", name):
        print("data %s %d %s" % (shown, len(data), hashlib.sha256(data).hexdigest()[:16]))
    else:
        print("file %s %d" % (shown, len(data)))
        sys.stdout.write(mask(data).decode("latin-1"))
        print("<eof>")
