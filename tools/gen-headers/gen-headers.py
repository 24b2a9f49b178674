#!/usr/bin/env python3
"""Fill the generated blocks of include/*.h from the ABI tables.

The integer constants, the exported-function prototypes and the exported
data objects are pure interface facts listed in the ABI tables
(constants.tsv, symbols.tsv, callbacks.tsv).  Each header marks the places
where they go:

    /* BEGIN GENERATED constants */ ... /* END GENERATED constants */
    /* BEGIN GENERATED prototypes */ ... /* END GENERATED prototypes */
    /* BEGIN GENERATED data */ ... /* END GENERATED data */

and this script rewrites what lies between the markers.  Everything outside
the markers is written by hand.

usage: gen-headers.py ABI_DIR INCLUDE_DIR [--check]
  --check  do not write; exit 1 if any header would change (stale output)
"""
import csv
import os
import re
import sys

# Headers whose prototypes are written by hand because they use the
# port-selected stream types (TCPSTREAM, SSLSTREAM) that the tables resolve
# to void.
HAND_PROTOTYPES = {"tcp.h", "sslio.h", "linkage.h"}
HAND_DATA = {"linkage.h"}


def read_tsv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def render_constant(name, value, ctype):
    v = int(value)
    small = v < 4096
    lit = str(v) if small else hex(v)
    if ctype == "int":
        body = lit
    elif ctype == "unsigned int":
        body = lit + "U"
    elif ctype == "long":
        body = "((long) %s)" % lit
    elif ctype == "unsigned long":
        body = "((unsigned long) %s)" % lit
    else:
        raise SystemExit("unknown constant type %r for %s" % (ctype, name))
    return "#define %s %s" % (name, body)


def render_prototype(proto):
    proto = proto.strip()
    # "T *name(args)" -> "T *name (args);"
    m = re.match(r"^(.*?)([A-Za-z_][A-Za-z_0-9]*)\((.*)\)$", proto)
    if not m:
        raise SystemExit("cannot parse prototype %r" % proto)
    ret, name, args = m.groups()
    return "%s%s (%s);" % (ret, name, args)


def render_data(decl):
    decl = decl.strip()
    # "char * body_types[]" -> "extern char *body_types[];"
    decl = re.sub(r"\*\s+", "*", decl)
    return "extern %s;" % decl


def build(abi_dir):
    consts, protos, data = {}, {}, {}
    for r in read_tsv(os.path.join(abi_dir, "constants.tsv")):
        consts.setdefault(r["header"], []).append(
            (r["name"], render_constant(r["name"], r["value"], r["c_type"])))
    seen = set()
    for r in read_tsv(os.path.join(abi_dir, "symbols.tsv")):
        h = r["header"]
        if h == "none":
            continue
        if r["kind"] == "func" and h not in HAND_PROTOTYPES:
            protos.setdefault(h, []).append((r["symbol"], render_prototype(r["prototype"])))
            seen.add(r["symbol"])
        elif r["kind"] == "data" and h not in HAND_DATA:
            data.setdefault(h, []).append((r["symbol"], render_data(r["prototype"])))
    # Callbacks the application defines; the library only declares them.
    for r in read_tsv(os.path.join(abi_dir, "callbacks.tsv")):
        if r["name"] not in seen:
            protos.setdefault(r["header"], []).append(
                (r["name"], render_prototype(r["prototype"])))
    out = {}
    for kind, table in (("constants", consts), ("prototypes", protos), ("data", data)):
        for h, rows in table.items():
            rows.sort(key=lambda x: x[0])
            out[(h, kind)] = "\n".join(line for _, line in rows)
    return out


BLOCK = re.compile(r"(/\* BEGIN GENERATED (\w+) \*/\n)(.*?)(/\* END GENERATED \2 \*/)", re.S)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    check = "--check" in sys.argv
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    abi_dir, inc = args
    gen = build(abi_dir)
    used = set()
    stale = []
    for fn in sorted(os.listdir(inc)):
        path = os.path.join(inc, fn)
        with open(path) as f:
            text = f.read()

        def repl(m):
            key = (fn, m.group(2))
            used.add(key)
            body = gen.get(key, "")
            return m.group(1) + (body + "\n" if body else "") + m.group(4)

        new = BLOCK.sub(repl, text)
        if new != text:
            stale.append(fn)
            if not check:
                with open(path, "w") as f:
                    f.write(new)
    missing = sorted(set(gen) - used)
    for h, kind in missing:
        print("no '%s' block in %s for its table rows" % (kind, h), file=sys.stderr)
    if check and stale:
        print("stale generated blocks in: " + " ".join(stale), file=sys.stderr)
        return 1
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
