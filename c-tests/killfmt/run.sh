#!/bin/bash
# Kill trials for the newer local formats (mbx, mix, mx, mh, tenex, mtx),
# after c-tests/nolose/killtrials.sh: for each format and operation
# (append, \Flag change + checkpoint, expunge, copy; rename on request) a writer on
# our library is SIGKILLed after a random delay once it is about to start
# the operation (delays over 1.25 x a clean run), then the ORIGINAL library
# must still read the mailbox with every message present before it intact
# (Message-ID + hash of header and text; duplicates tolerated; for expunge
# the messages marked deleted may go).  Every trial is one test.
# mbx, tenex and mtx have no end marker: a writer killed mid-append leaves
# a last record cut short, which no reader can take as it is (the
# original fails to open the file); our library cuts it off at the next
# open for writing, and an expunge killed mid-compaction is finished from
# its journal at the next open (docs/deviations.md, "Compaction that
# survives a kill"). So when the original cannot read the file after a
# kill, or a journal is left, the trial opens it once with library L and
# then the original must read every message: such trials are counted as
# "repaired" (and pass if nothing is lost).
#   KILLFMT_TRIALS=17  KILLFMT_MESSAGES=40  KILLFMT_FORMATS="mbx mix mx mh tenex mtx"
#   KILLFMT_OPS="append flags expunge copy" (rename too on request)  OURS_LIB=dir|original
# Last line: "N passed, M failed".
set -u
NL_HERE=$(cd "$(dirname "$0")/../nolose" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$NL_HERE/lib.sh"
TRIALS=${KILLFMT_TRIALS:-17}
NMSG=${KILLFMT_MESSAGES:-40}
FORMATS=${KILLFMT_FORMATS:-mbx mix mx mh tenex mtx}
OPS=${KILLFMT_OPS:-append flags expunge copy}
command -v mailutil >/dev/null || skip_suite "mailutil (uw-mailutils) is not installed"
have_test_user || skip_suite "test user $CCT_USER does not exist"
# A private home: the mh driver reads ~/.mh_profile.
NL_HOME=$(mktemp -d /tmp/killfmt-home.XXXXXX)
chmod 755 "$NL_HOME"; is_root && chown "$CCT_USER" "$NL_HOME"
nl_setup killfmt
trap 'nl_cleanup; [ -n "${NL_KEEP:-}" ] || rm -rf "$NL_HOME"' EXIT
cp "$HERE/loop.sh" "$W/"; chmod a+rx "$W/loop.sh"
echo "kill trials: library L = $LLABEL; $TRIALS trials per format and operation; $NMSG messages"
U sh -c "printf 'Path: Mail\n' > .mh_profile; mkdir -p Mail kf"
nl_generate "$NMSG" "$W/in.box" 1
nl_generate $((NMSG / 3)) "$W/in.src" 2
chmod a+r "$W"/in.*
start=$(date +%s)
for fmt in $FORMATS; do
    for r in box src; do
        if [ $fmt = mh ]; then dst="#mh/pristine.$r"; else dst="#driver.$fmt/kf/$fmt/pristine.$r"; fi
        U mkdir -p "kf/$fmt"
        U cp "$W/in.$r" "kf/in.$r"
        UO mailutil copy "kf/in.$r" "$dst" > "$W/mk.$fmt.$r" 2>&1 || { fail "$fmt: the original could not make the pristine mailbox"; cat "$W/mk.$fmt.$r"; }
        U rm -f "kf/in.$r"
    done
    for op in $OPS; do
        U env W="$W" LDIR="$LDIR" ORIG="$NL_ORIG_DIR" TRIALS="$TRIALS" OP="$op" FMT="$fmt" NL_KEEP="${NL_KEEP:-}" \
            bash "$W/loop.sh" > "$W/$fmt.$op.log" 2>&1
        grep -v '^RESULT' "$W/$fmt.$op.log" | grep -v ': clean run' | head -n 5
        set -- $(grep '^RESULT' "$W/$fmt.$op.log")
        if [ "${4:-}" = trials ] && [ "$5" -gt 0 ]; then
            # RESULT fmt op trials T mid M after A finished F noready R pass P fail X repaired Y
            CCT_PASS=$((CCT_PASS + ${15})); CCT_FAIL=$((CCT_FAIL + ${17}))
            printf '%-6s %-8s %3d trials: killed mid-operation %d, while closing %d, finished first %d, never ready %d | %d ok (%d after a repair by L), %d FAILED\n' \
                "$fmt" "$op" "$5" "$7" "$9" "${11}" "${13}" "${15}" "${19}" "${17}"
            [ "${13}" -gt 0 ] && fail "$fmt $op: ${13} writers never got ready"
        else
            fail "$fmt $op: $(grep -v '^RESULT' "$W/$fmt.$op.log" | tail -n 3 | tr '\n' ' ') ${*:-no result}"
        fi
    done
done
echo "total $(( $(date +%s) - start ))s"
finish
