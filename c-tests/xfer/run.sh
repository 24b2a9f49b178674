#!/bin/bash
# Format conversion matrix against the original: `mailutil copy` from every
# local format to every other one both libraries have (unix, mmdf, mbx, mix,
# mx, mh, tenex, mtx), run once over the original library and once over
# ours, then `mailutil transfer` of a folder of every format into each one.
# Each result is read by c-tests/mixmore/mmtool.c (built against the
# original's headers) with both libraries: the messages, flags, internal
# dates, sizes and contents must be what the original's result shows, and
# the files written must be the same (time-derived values masked, see
# norm.py). Last line: "N passed, M failed".
HERE=$(cd "$(dirname "$0")" && pwd)
SUITE=xfer
. "$HERE/../mixmore/lib.sh"
norm() { python3 "$HERE/norm.py" "$1"; }

# The source: corpus messages (a mailing list archive's first 40) or
# generated ones, with flags and keywords set on some.
python3 - "$CORPUS/linux-mips-archive/linux-mips-1996-2001.mbox" "$W/src.mbox" <<'PY'
import os, re, sys
parts = []
if os.path.exists(sys.argv[1]):
    data = open(sys.argv[1], "rb").read(1500000)
    parts = [p for p in re.split(rb"(?m)^(?=From )", data) if p.startswith(b"From ")][:40]
if not parts:
    for i in range(40):
        parts.append(b"From u%d@example.org Mon Jan  1 00:%02d:00 2001\nFrom: u%d@example.org\nSubject: m %d\n\nbody %d\n\n" % (i, i, i, i, i))
status = [b"", b"Status: RO\n", b"Status: O\nX-Status: F\n", b"X-Status: A\n", b"Status: RO\nX-Status: DT\n",
          b"X-Keywords: alpha\n", b"Status: RO\nX-Keywords: alpha beta\n"]
out = []
for i, p in enumerate(parts):
    line, rest = p.split(b"\n", 1)
    out.append(line + b"\n" + status[i % len(status)] + rest)
open(sys.argv[2], "wb").write(b"".join(out))
PY
chmod a+r "$W/src.mbox"
FORMATS="unix mmdf mbx mix mx mh tenex mtx"
# name ROLE FMT: the mailbox name (mh ones through #mh/).
name() { if [ "$2" = mh ]; then echo "#mh/$1-mh"; else echo "$1-$2"; fi; }

# The sources, written by the original.
home_from ""
printf 'Path: Mail\n' > "$H/.mh_profile"; mkdir -p "$H/Mail"
cp "$W/src.mbox" "$H/src.mbox"
[ -n "$RUNUSER" ] && chown -R "$RUNUSER" "$H"
for f in $FORMATS; do
    if [ $f = mh ]; then dst="#mh/s-mh"; else dst="#driver.$f/s-$f"; fi
    run orig mailutil copy src.mbox "$dst" > "$W/out/mk-$f" 2>&1 || { bad "the original could not make the $f source"; cat "$W/out/mk-$f"; }
done
rm -f "$H/src.mbox"
rm -rf "$W/base"; cp -a "$H" "$W/base"
n=$(run orig "$W/mmtool" dump s-mbx | grep -c '^msg ')
echo "source: $n messages in each of: $FORMATS"

# Every pair in one home per library: the copies, then one reader run of
# each library over all the results.
pairs=""
for s in $FORMATS; do for d in $FORMATS; do [ $s = $d ] || pairs="$pairs $s:$d"; done; done
for lib in orig ours; do
    home_from "$W/base"
    script=""
    for p in $pairs; do
        s=${p%:*} d=${p#*:}
        if [ $d = mh ]; then dst="#mh/d-$s-mh"; else dst="#driver.$d/d-$s-$d"; fi
        script="$script echo '== $s $d'; mailutil copy '$(name s $s)' '$dst'; echo exit \$?;"
    done
    run $lib sh -c "$script" > "$W/out/cp-$lib" 2>&1
    names=""
    for p in $pairs; do
        s=${p%:*} d=${p#*:}
        if [ $d = mh ]; then names="$names #mh/d-$s-mh"; else names="$names d-$s-$d"; fi
    done
    run orig "$W/mmtool" dump $names > "$W/out/do-$lib" 2>&1
    run ours "$W/mmtool" dump $names > "$W/out/du-$lib" 2>&1
    paths=""
    for p in $pairs; do
        s=${p%:*} d=${p#*:}
        if [ $d = mh ]; then paths="$paths $H/Mail/d-$s-mh"; else paths="$paths $H/d-$s-$d"; fi
    done
    python3 "$HERE/norm.py" $paths > "$W/out/files-$lib"
    for p in $pairs; do
        s=${p%:*} d=${p#*:}
        awk -v s="$s" -v d="$d" '/^#### / { on = ($2 ~ ("/d-" s "-" d "$")); next } on' "$W/out/files-$lib" > "$W/out/f-$s-$d-$lib"
    done
done
# section FILE S D: the part of a per-pair report about pair S -> D
section() {
    awk -v s="$2" -v d="$3" '
        /^== / { on = ($2 == s && $3 == d) || $2 == "d-" s "-" d || $2 == "#mh/d-" s "-" d; next }
        on' "$1"
}
for p in $pairs; do
    s=${p%:*} d=${p#*:}
    for lib in orig ours; do
        section "$W/out/cp-$lib" $s $d > "$W/out/c-$lib"
        section "$W/out/do-$lib" $s $d > "$W/out/o-$lib"
        section "$W/out/du-$lib" $s $d > "$W/out/u-$lib"
    done
    cnt=$(grep -c '^msg ' "$W/out/o-orig")
    if [ "$cnt" -gt 0 ] && cmp -s "$W/out/c-orig" "$W/out/c-ours" && cmp -s "$W/out/o-orig" "$W/out/o-ours" &&
       cmp -s "$W/out/o-orig" "$W/out/u-ours" && cmp -s "$W/out/o-orig" "$W/out/u-orig"; then
        ok "$s -> $d: the same $cnt messages, flags, dates and contents read by both libraries"
    else
        bad "$s -> $d: content differs ($cnt messages by the original)"
        { diff "$W/out/c-orig" "$W/out/c-ours"; diff "$W/out/o-orig" "$W/out/o-ours";
          diff "$W/out/o-orig" "$W/out/u-ours"; diff "$W/out/o-orig" "$W/out/u-orig"; } | head -n 8
    fi
    if cmp -s "$W/out/f-$s-$d-orig" "$W/out/f-$s-$d-ours"; then
        ok "$s -> $d: the same files"
    else
        bad "$s -> $d: the files differ"; diff "$W/out/f-$s-$d-orig" "$W/out/f-$s-$d-ours" | head -n 8
    fi
done

# mailutil transfer of a folder holding a mailbox of each file and
# directory format (mh ones live under the MH path, so not in it).
home_from "$W/base"
mkdir "$H/folder"
for f in $FORMATS; do [ $f = mh ] || mv "$H/s-$f" "$H/folder/s-$f"; done
[ -n "$RUNUSER" ] && chown -R "$RUNUSER" "$H"
rm -rf "$W/tbase"; cp -a "$H" "$W/tbase"
for d in $FORMATS; do
    for lib in orig ours; do
        home_from "$W/tbase"
        if [ $d = mh ]; then dst="#mh/t/"; else dst="#driver.$d/t/"; fi
        run $lib mailutil transfer folder/ "$dst" > "$W/out/tr-$lib" 2>&1
        echo "exit $?" >> "$W/out/tr-$lib"
        names="" paths=""
        for f in $FORMATS; do
            [ $f = mh ] && continue
            if [ $d = mh ]; then b="#mh/t/folder/s-$f"; p="$H/Mail/t/folder/s-$f"; else b="t/folder/s-$f"; p="$H/t/folder/s-$f"; fi
            names="$names $b" paths="$paths $p"
        done
        python3 "$HERE/norm.py" $paths | sed "s|^#### $H/|#### |" > "$W/out/tf-$lib"
        { run orig "$W/mmtool" dump $names 2>&1; run ours "$W/mmtool" dump $names 2>&1; } > "$W/out/td-$lib"
    done
    cnt=$(grep -c '^msg ' "$W/out/td-orig")
    if [ "$cnt" -gt 0 ] && cmp -s "$W/out/tr-orig" "$W/out/tr-ours" && cmp -s "$W/out/td-orig" "$W/out/td-ours" && cmp -s "$W/out/tf-orig" "$W/out/tf-ours"; then
        ok "transfer of a folder of every format into $d: same report, messages and files ($((cnt / 2)) messages)"
    else
        bad "transfer into $d differs ($((cnt / 2)) messages by the original)"
        { diff "$W/out/tr-orig" "$W/out/tr-ours"; diff "$W/out/td-orig" "$W/out/td-ours"; diff "$W/out/tf-orig" "$W/out/tf-ours"; } | head -n 10
    fi
done
finish
