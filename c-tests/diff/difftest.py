#!/usr/bin/env python3
"""Differential corpus test: the original c-client against ours.

Runs c-tests/diff/dump (one binary, built against the original's headers)
twice per batch of corpus files -- with the original library and with
LD_LIBRARY_PATH pointing at build/lib -- and compares the dumps message by
message.  See docs/testing.md, "Differential corpus test".

Environment:
  DIFF_SELFTEST=1   use the original library on both sides (harness check)
  DIFF_INCLUDE=dir  headers to build dump with (default /usr/include/c-client;
                    <repo>/include must work too)
  DIFF_USER=name    user to run dump as when started as root (cloudsdk)
  DIFF_JOBS=n       parallel batches (default: number of CPUs)
  DIFF_FILTER=s     only corpus files whose path contains s
  DIFF_TIMEOUT=s    seconds per batch run (default 60)
  DIFF_MSG_TIMEOUT=s seconds per single-file rerun after a crash (default 15)
  DIFF_OURS_PRELOAD=lib.so  preload this on "our" side (used by selftest.sh
                    to inject crashes, hangs and differences; SHIM_* variables
                    are passed to it)
"""
import concurrent.futures
import difflib
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus"))
OUTDIR = os.path.join(ROOT, "c-tests", "out", "diff")
OURLIB = os.path.join(ROOT, "build", "lib", "libc-client.so.2007e")
SKIP_NAMES = {"README.md", "MANIFEST.sha256", "COPYING"}
BATCH_FILES = 60  # files per batch; each big mbox gets a batch of its own
BIG_FILE = 2 << 20
MSG_TIMEOUT = int(os.environ.get("DIFF_MSG_TIMEOUT", "15"))


def corpus_files():
    found = []
    for d, dirs, files in os.walk(CORPUS):
        dirs.sort()
        for f in sorted(files):
            if f in SKIP_NAMES or f.startswith("UPSTREAM-LICENSE"):
                continue
            rel = os.path.relpath(os.path.join(d, f), CORPUS)
            if FILTER and FILTER not in rel:
                continue
            found.append(rel)
    return found


def build_dump(dest):
    src = os.path.join(HERE, "dump.c")
    cmd = ["gcc", "-O2", "-Wall", "-Wno-unused-parameter",
           "-I" + os.environ.get("DIFF_INCLUDE", "/usr/include/c-client"), src, "-o", dest, "-lc-client"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        sys.exit("error: building dump failed: " + " ".join(cmd))


MARK = re.compile(rb"^=== (MSG|END) (.*)$", re.M)


def parse_output(out):
    """Split dump output into {id: text}; also return the id of a message
    that was started but never ended (the one a crash interrupted)."""
    msgs, cur, start, unfinished = {}, None, 0, None
    for m in MARK.finditer(out):
        kind, mid = m.group(1), m.group(2).decode("utf-8", "surrogateescape")
        if kind == b"MSG":
            cur, start = mid, m.end() + 1
        elif cur == mid:
            msgs[mid] = out[start:m.start()]
            cur = None
    if cur is not None:
        unfinished = (cur, out[start:])
    return msgs, unfinished


class Runner:
    def __init__(self, tmp, selftest):
        self.tmp = tmp
        self.dump = os.path.join(tmp, "dump")
        self.libdir = os.path.join(tmp, "lib")
        self.selftest = selftest
        self.user = None
        self.preload = None
        pre = os.environ.get("DIFF_OURS_PRELOAD")
        if pre:
            self.preload = os.path.join(tmp, os.path.basename(pre))
            shutil.copy(pre, self.preload)
        if os.geteuid() == 0:
            self.user = os.environ.get("DIFF_USER", "cloudsdk")

    def cmd(self, side, args, timeout):
        env = ["env", "LC_ALL=C"]
        if side == "ours" and not self.selftest:
            env.append("LD_LIBRARY_PATH=" + self.libdir)
        if side == "ours" and self.preload:
            env.append("LD_PRELOAD=" + self.preload)
            env += ["%s=%s" % kv for kv in sorted(os.environ.items())
                    if kv[0].startswith("SHIM_")]
        # timeout(1) runs innermost so that it kills dump itself, not only
        # runuser (which would leave dump behind)
        base = ["timeout", "-s", "KILL", str(timeout)] + env + [self.dump] + args
        if self.user:
            base = ["runuser", "-u", self.user, "--"] + base
        return base

    def run(self, side, args, timeout):
        """Returns (stdout bytes, problem or None)."""
        try:
            r = subprocess.run(self.cmd(side, args, timeout), cwd=CORPUS,
                               capture_output=True, timeout=timeout + 30)
        except subprocess.TimeoutExpired as e:
            return e.stdout or b"", "timeout after %ss" % timeout
        if r.returncode in (124, 137) or r.returncode == -9:
            return r.stdout, "timeout after %ss (killed)" % timeout
        if r.returncode < 0:
            return r.stdout, "killed by signal %d" % -r.returncode
        if r.returncode > 128:
            return r.stdout, "killed by signal %d" % (r.returncode - 128)
        if r.returncode not in (0, 1):
            return r.stdout, "exit status %d: %s" % (
                r.returncode, r.stderr.decode(errors="replace")[-300:])
        return r.stdout, None

    def count(self, path):
        out, _ = self.run("orig", ["-l", path], MSG_TIMEOUT)
        m = re.search(rb" (\d+)$", out.strip())
        return int(m.group(1)) if m else 0

    def isolate(self, side, path):
        """Run one file, resuming after each crashing message."""
        msgs, notes, start = {}, {}, 1
        total = self.count(path)
        while start <= total:
            out, prob = self.run(side, ["-s", str(start), path],
                                 MSG_TIMEOUT if total == 1 else BATCH_TIMEOUT)
            got, unfinished = parse_output(out)
            msgs.update(got)
            if prob is None and unfinished is None:
                break
            if unfinished is None:  # died between messages
                notes["%s#?" % path] = prob or "unfinished"
                break
            mid, partial = unfinished
            notes[mid] = prob or "output ended mid-message"
            msgs[mid] = partial
            start = int(mid.rsplit("#", 1)[1]) + 1
        return msgs, notes


def run_batch(runner, files):
    """Both sides over a batch; on any crash or timeout both sides are rerun
    file by file so that process state (e.g. body types registered by
    earlier messages) stays the same on both sides."""
    res = {}
    for side in ("orig", "ours"):
        res[side] = runner.run(side, files, BATCH_TIMEOUT)
    parsed = {s: parse_output(res[s][0]) for s in res}
    if all(res[s][1] is None and parsed[s][1] is None for s in res):
        return {s: (parsed[s][0], {}) for s in res}
    result = {"orig": ({}, {}), "ours": ({}, {})}
    for f in files:
        for side in ("orig", "ours"):
            m, n = runner.isolate(side, f)
            result[side][0].update(m)
            result[side][1].update(n)
    return result


def load_deviations():
    devs = []
    path = os.path.join(HERE, "deviations.txt")
    if not os.path.exists(path):
        return devs
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            pat, _, reason = line.partition(" ")
            devs.append((pat, reason.strip()))
    return devs


def deviation_for(mid, devs):
    for pat, reason in devs:
        if fnmatch.fnmatchcase(mid, pat) or mid == pat:
            return reason or "(no reason given)"
    return None


def safe_name(mid):
    return re.sub(r"[^A-Za-z0-9._#-]+", "_", mid)


def main():
    global FILTER, BATCH_TIMEOUT
    FILTER = os.environ.get("DIFF_FILTER", "")
    BATCH_TIMEOUT = int(os.environ.get("DIFF_TIMEOUT", "60"))
    selftest = os.environ.get("DIFF_SELFTEST") == "1"
    if not os.path.isdir(CORPUS):
        print("skipped: ../shared/corpus not found (looked in %s)" % CORPUS)
        return 0
    if not selftest and not os.path.exists(OURLIB):
        print("error: %s is missing: build our library first "
              "(or set DIFF_SELFTEST=1 to check the harness)" % OURLIB)
        return 1
    t0 = time.time()
    tmp = tempfile.mkdtemp(prefix="difftest.")
    os.chmod(tmp, 0o755)  # the unprivileged user runs from here
    try:
        runner = Runner(tmp, selftest)
        build_dump(runner.dump)
        if not selftest:
            os.mkdir(runner.libdir)
            shutil.copy(OURLIB, runner.libdir)  # follows symlinks
            os.chmod(runner.libdir, 0o755)
        print("difftest: original=/usr/lib/libc-client.so.2007e ours=%s%s"
              % ("(original, DIFF_SELFTEST=1)" if selftest else OURLIB,
                 (" user=" + runner.user) if runner.user else ""))
        files = corpus_files()
        batches, cur = [], []
        for f in files:
            if os.path.getsize(os.path.join(CORPUS, f)) >= BIG_FILE:
                batches.append([f])
                continue
            cur.append(f)
            if len(cur) >= BATCH_FILES:
                batches.append(cur)
                cur = []
        if cur:
            batches.append(cur)
        jobs = int(os.environ.get("DIFF_JOBS", str(os.cpu_count() or 2)))
        orig, ours, notes = {}, {}, {}
        order = []
        with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
            # biggest batches first so the pool finishes together
            sized = sorted(batches, key=lambda b: -sum(
                os.path.getsize(os.path.join(CORPUS, f)) for f in b))
            futs = [ex.submit(run_batch, runner, b) for b in sized]
            for fu in futs:
                r = fu.result()
                orig.update(r["orig"][0])
                ours.update(r["ours"][0])
                for side in ("orig", "ours"):
                    for mid, n in r[side][1].items():
                        notes.setdefault(mid, []).append(
                            "%s: %s" % ("original" if side == "orig"
                                        else "ours", n))
        order = list(set(orig) | set(ours) | set(notes))
        order.sort(key=lambda m: (m.rsplit("#", 1)[0],
                                  int(m.rsplit("#", 1)[1])
                                  if m.rsplit("#", 1)[1].isdigit() else 0))
        devs = load_deviations()
        if os.path.isdir(OUTDIR):
            shutil.rmtree(OUTDIR)
        os.makedirs(OUTDIR)
        with open(os.path.join(OUTDIR, ".gitignore"), "w") as fh:
            fh.write("*\n")  # diffs are run output, never committed
        per = {}
        passed = failed = deviated = 0
        report = []
        for mid in order:
            src = mid.split("/", 1)[0]
            st = per.setdefault(src, [0, 0, 0])
            a, b = orig.get(mid), ours.get(mid)
            problem = notes.get(mid)
            same = a is not None and b is not None and a == b and not problem
            dev = deviation_for(mid, devs)
            if same:
                passed += 1
                st[0] += 1
                continue
            why = "; ".join(problem) if problem else (
                "missing on %s side" % ("ours" if b is None else "original")
                if a is None or b is None else "dumps differ")
            with open(os.path.join(OUTDIR, safe_name(mid) + ".diff"), "w",
                      encoding="utf-8", errors="replace") as fh:
                fh.write("# %s: %s\n" % (mid, why))
                if dev:
                    fh.write("# listed deviation: %s\n" % dev)
                al = (a or b"").decode("utf-8", "replace").splitlines(True)
                bl = (b or b"").decode("utf-8", "replace").splitlines(True)
                fh.writelines(difflib.unified_diff(
                    al, bl, "original", "ours", n=3))
            if dev:
                deviated += 1
                st[2] += 1
                report.append("deviation %s (%s): %s" % (mid, why, dev))
            else:
                failed += 1
                st[1] += 1
                report.append("FAILED %s: %s" % (mid, why))
        for line in report[:50]:
            print(line)
        if len(report) > 50:
            print("... %d more, see %s" % (len(report) - 50, OUTDIR))
        print("%-22s %8s %8s %8s" % ("source", "passed", "failed",
                                      "deviation"))
        for src in sorted(per):
            p, f, d = per[src]
            print("%-22s %8d %8d %8d" % (src, p, f, d))
        print("%d files, %d messages, %d deviations, %.1fs, diffs in %s"
              % (len(files), len(order), deviated, time.time() - t0,
                 os.path.relpath(OUTDIR, ROOT)))
        print("%d passed, %d failed" % (passed, failed))
        return 1 if failed else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
