#!/usr/bin/env python3
"""Prints a mailbox (file or directory tree) with the time-derived values
masked: 8-digit hex and 10-digit decimal numbers within two days of now
become T, and lines holding a date of this year with a time of day (the
pseudo-message a new Berkeley or MMDF file starts with) become (now).
With several paths, each one's listing follows a line "#### PATH"."""
import os, re, sys, time

now = time.time()
year = str(time.gmtime().tm_year).encode()

def num(m, base):
    v = int(m.group(0), base)
    return b"T" if abs(v - now) < 2 * 86400 else m.group(0)

def mask(text):
    text = re.sub(rb"[0-9a-f]{8}", lambda m: num(m, 16), text)
    text = re.sub(rb"(?<![0-9])[0-9]{10}(?![0-9])", lambda m: num(m, 10), text)
    out = []
    for line in text.split(b"\n"):
        if year in line and re.search(rb"[0-9][0-9]:[0-9][0-9]:[0-9][0-9]", line):
            line = line[:5] + b"(now)"
        out.append(line)
    return b"\n".join(out)

def show(path, rel):
    if os.path.isdir(path):
        for name in sorted(os.listdir(path)):
            show(os.path.join(path, name), rel + "/" + name)
        return
    data = open(path, "rb").read()
    sys.stdout.write("== %s %d\n" % (mask(rel.encode()).decode("latin-1"), len(data)))
    sys.stdout.write(mask(data).decode("latin-1") + "\n")

if len(sys.argv) == 2:
    show(sys.argv[1], ".")
else:
    # several mailboxes: each after a line "#### PATH"
    for p in sys.argv[1:]:
        sys.stdout.write("#### %s\n" % p)
        if os.path.exists(p):
            show(p, ".")
        else:
            sys.stdout.write("(missing)\n")
