#!/usr/bin/env python3
"""Sends a server a signal in the middle of a session: runs COMMAND (which
must exec its way to the server, so its pid is the server's) with a pipe
as its input, sends the LINES one by one, each answered before the next
(an answer is the line starting with the command's tag), waits until the
server waits for input again, then sends the signal and prints the whole transcript and how the server ended
("status exit N" or "status signal N").

usage: sig.py SIGNAL LINE... -- COMMAND...
"""
import signal
import subprocess
import sys
import time


def main():
    sig = getattr(signal, "SIG" + sys.argv[1])
    rest = sys.argv[2:]
    cut = rest.index("--")
    lines, cmd = rest[:cut], rest[cut + 1:]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = []
    out.append(p.stdout.readline())
    for line in lines:
        tag = line.split(" ", 1)[0].encode() + b" "
        p.stdin.write(line.encode() + b"\r\n")
        p.stdin.flush()
        while True:
            got = p.stdout.readline()
            out.append(got)
            if not got or got.startswith(tag):
                break
    # The signal must find the server waiting for the next command (in
    # INWAIT's poll or select), not still inside the stdio flush of its
    # last answer: a handler that flushes again there repeats the buffer
    # (stdio is not reentrant), which is a race of the test, not of the
    # library.
    waiting = {"7", "23", "270", "271"}  # x86_64 poll, select, pselect6, ppoll
    for _ in range(500):
        try:
            with open("/proc/%d/syscall" % p.pid) as f:
                if f.read().split(" ", 1)[0] in waiting:
                    break
        except OSError:
            break
        time.sleep(0.01)
    p.send_signal(sig)
    try:
        rest_out, _ = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        rest_out, _ = p.communicate()
        out.append(b"(no end within 30 s)\n")
    out.append(rest_out)
    sys.stdout.write(b"".join(out).decode("latin-1").replace("\r\n", "\n"))
    rc = p.returncode
    print("status " + ("signal %d" % -rc if rc < 0 else "exit %d" % rc))


if __name__ == "__main__":
    main()
