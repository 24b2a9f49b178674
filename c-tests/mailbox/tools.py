#!/usr/bin/env python3
"""Helpers for the mailbox suites.

  tools.py compare LABEL EXPECTED ACTUAL
      Splits two dump/ops outputs into cases (a mailbox's open and close
      data, each message, each script step) and compares them case by case.
      Prints one line for the whole comparison, the first differing cases
      with the differing lines, and last "CASES <passed> <failed>".

  tools.py mask [--from-dates] [--received] FILE
      Prints FILE with the parts that legitimately differ between two runs
      replaced by placeholders (see mask()). Used to compare mailbox files
      written by two libraries.
"""
import re
import sys

MAX_CASES_SHOWN = 4
MAX_LINES_SHOWN = 6


def cases(path):
    """Ordered list of (key, lines)."""
    out = []
    box = ''
    key = '(start)'
    lines = []
    with open(path, 'rb') as f:
        data = f.read()
    for line in data.split(b'\n'):
        text = line.decode('latin-1')
        new = None
        if text.startswith('=== MAILBOX '):
            box = text[12:]
            new = box + ' (open)'
        elif text.startswith('--- MSG '):
            new = '%s #%s' % (box, text[8:])
        elif text == 'after messages':
            new = box + ' (close)'
        elif text.startswith('> '):
            new = 'step ' + text[2:]
        if new is not None:
            out.append((key, lines))
            key, lines = new, []
        lines.append(text)
    out.append((key, lines))
    # Keys may repeat (the same step twice): number them.
    seen = {}
    numbered = []
    for k, ls in out:
        seen[k] = seen.get(k, 0) + 1
        numbered.append((k if seen[k] == 1 else '%s [%d]' % (k, seen[k]), ls))
    return numbered


def compare(label, expected, actual):
    exp = cases(expected)
    act = dict(cases(actual))
    passed = failed = 0
    shown = 0
    report = []
    for key, lines in exp:
        got = act.pop(key, None)
        if got == lines:
            passed += 1
            continue
        failed += 1
        if shown >= MAX_CASES_SHOWN:
            continue
        shown += 1
        report.append('   case %s:' % key)
        if got is None:
            report.append('     missing in the second run')
            continue
        n = 0
        for i in range(max(len(lines), len(got))):
            a = lines[i] if i < len(lines) else '(none)'
            b = got[i] if i < len(got) else '(none)'
            if a != b:
                report.append('     line %d expected: %s' % (i + 1, a[:300]))
                report.append('     line %d actual:   %s' % (i + 1, b[:300]))
                n += 1
                if n >= MAX_LINES_SHOWN:
                    break
    for key in act:
        failed += 1
        if shown < MAX_CASES_SHOWN:
            shown += 1
            report.append('   case %s: only in the second run' % key)
    if failed:
        print('FAIL %s: %d of %d cases differ' % (label, failed, passed + failed))
        print('\n'.join(report))
        if failed > shown:
            print('   (%d more differing cases not shown)' % (failed - shown))
    else:
        print('ok   %s: %d cases identical' % (label, passed))
    print('CASES %d %d' % (passed, failed))


FROM_LINE = re.compile(rb'^(From \S+ )(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}.*)$')


def mask(path, from_dates, received):
    """Mask what depends on the time of the run.

    Always: the UID validity in X-IMAP / X-IMAPbase (the time the mailbox
    got UIDs), and in the pseudo message that the unix and mmdf formats keep
    first (From line, Date: and Message-ID: made of the time it was written).
    --from-dates: the date of every "From " separator line (messages
    delivered or appended without a date get the present time).
    --received: the date at the end of a Received: line (tmail writes one).
    """
    data = open(path, 'rb').read()
    lines = data.split(b'\n')
    # Extent of the pseudo message: the first header block, when it has
    # an X-IMAP: line.
    try:
        end = lines.index(b'')
    except ValueError:
        end = len(lines)
    pseudo = any(l.startswith(b'X-IMAP: ') for l in lines[:end])
    out = []
    for i, l in enumerate(lines):
        # Cheap prefix tests first: the big corpus mbox has 600,000 lines.
        if l.startswith(b'X-IMAP'):
            l = re.sub(rb'^(X-IMAP(base)?: )\d+', rb'\1<validity>', l)
        if pseudo and i < end:
            l = re.sub(rb'^(From MAILER-DAEMON ).*', rb'\1<time>', l)
            l = re.sub(rb'^(Date: ).*', rb'\1<time>', l)
            l = re.sub(rb'^(Message-ID: <)\d+@', rb'\1<time>@', l)
        if from_dates and l.startswith(b'From '):
            l = FROM_LINE.sub(rb'\1<time>', l)
        if received and l.startswith(b'Received: '):
            l = re.sub(rb'^(Received: .*; ).*', rb'\1<time>', l)
        out.append(l)
    sys.stdout.buffer.write(b'\n'.join(out))


def main():
    args = sys.argv[1:]
    if args[:1] == ['compare'] and len(args) == 4:
        compare(*args[1:])
    elif args[:1] == ['mask']:
        opts = [a for a in args[1:] if a.startswith('--')]
        files = [a for a in args[1:] if not a.startswith('--')]
        mask(files[0], '--from-dates' in opts, '--received' in opts)
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
