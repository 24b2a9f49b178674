#!/bin/bash
# Kill trials for the newer local formats (mbx, mix, mx, mh, tenex, mtx,
# and Maildir), after c-tests/nolose/killtrials.sh: for each format and
# operation (append, \Flag change + checkpoint, expunge, copy; rename on
# request; for mbx and mix an expunge while a session of the original has
# the mailbox open, "expunge-shared"; for mbx, tenex and mtx an expunge
# with the mailbox's directory not writable, "expunge-rodir") a writer on
# our library is SIGKILLed, then the ORIGINAL library must still read the
# mailbox with every message present before it intact (Message-ID + hash
# of header and text; duplicates tolerated; for expunge the messages
# marked deleted may go).  Every trial is one test.
# Where the kills land (loop.sh): nlstep.c runs the writer under ptrace and
# kills it on entry to its N-th system call that changes a file, so that
# each trial is short and every point between two such calls is covered
# when there are no more points than trials (else the trials are spread
# evenly over them); the rest of the trials kill after a random delay
# (nlkill, as c-tests/nolose), which can also cut a write short.
# mbx, tenex and mtx have no end marker: a writer killed mid-append leaves
# a last record cut short, which no reader can take as it is (the
# original fails to open the file); our library cuts it off at the next
# open for writing, an expunge killed mid-compaction is finished from its
# journal at the next open, and so is a mix expunge that was rewriting the
# index in place (docs/deviations.md, "Compaction that survives a kill").
# So when the original cannot read the file after a kill, or a journal is
# left, the trial opens it once with library L and then the original must
# read every message: such trials are counted as "repaired" (and pass if
# nothing is lost).  Maildir ("md"): the original has no such driver, so
# library L (with mddriver registered) is also the reader.
#   KILLFMT_TRIALS=200  KILLFMT_MESSAGES=40  KILLFMT_FORMATS="mbx mix mx mh tenex mtx md"
#   KILLFMT_OPS="append flags expunge copy" (rename too on request; the
#   two expunge variants are added where they apply unless KILLFMT_OPS is
#   set)  OURS_LIB=dir|original
# Last line: "N passed, M failed".
set -u
NL_HERE=$(cd "$(dirname "$0")/../nolose" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$NL_HERE/lib.sh"
TRIALS=${KILLFMT_TRIALS:-200}
NMSG=${KILLFMT_MESSAGES:-40}
FORMATS=${KILLFMT_FORMATS:-mbx mix mx mh tenex mtx md}
OPS=${KILLFMT_OPS:-append flags expunge copy}
EXTRA_OPS=${KILLFMT_OPS:+no}
command -v mailutil >/dev/null || skip_suite "mailutil (uw-mailutils) is not installed"
have_test_user || skip_suite "test user $CCT_USER does not exist"
# A private home: the mh driver reads ~/.mh_profile.
NL_HOME=$(mktemp -d /tmp/killfmt-home.XXXXXX)
chmod 755 "$NL_HOME"; is_root && chown "$CCT_USER" "$NL_HOME"
nl_setup killfmt
trap 'nl_cleanup; [ -n "${NL_KEEP:-}" ] || rm -rf "$NL_HOME"' EXIT
cp "$HERE/loop.sh" "$W/"; chmod a+rx "$W/loop.sh"
nl_cc nlstep "$HERE/nlstep.c"
SHIM=""
case " $FORMATS " in *" md "*)
    SHIM=$W/shim.so
    cc -w -shared -fPIC -I"$CCT_INCDIR" -o "$SHIM" "$CCT_ROOT/c-tests/maildir/shim.c" \
        "$LDIR/libc-client.so.2007e" || { fail "the Maildir shim does not build"; finish; } ;;
esac
chmod -R a+rX "$W"
echo "kill trials: library L = $LLABEL; $TRIALS trials per format and operation; $NMSG messages"
total_trials=0
U sh -c "printf 'Path: Mail\n' > .mh_profile; mkdir -p Mail kf"
nl_generate "$NMSG" "$W/in.box" 1
nl_generate $((NMSG / 3)) "$W/in.src" 2
chmod a+r "$W"/in.*
start=$(date +%s)
for fmt in $FORMATS; do
    for r in box src; do
        case $fmt in
            mh) dst="#mh/pristine.$r" ;; md) dst="#md/kf/md/pristine.$r" ;;
            *) dst="#driver.$fmt/kf/$fmt/pristine.$r" ;;
        esac
        U mkdir -p "kf/$fmt"
        U cp "$W/in.$r" "kf/in.$r"
        if [ $fmt = md ]; then
            U env LD_LIBRARY_PATH="$LDIR" LD_PRELOAD="$SHIM" mailutil copy "kf/in.$r" "$dst" > "$W/mk.$fmt.$r" 2>&1
        else
            UO mailutil copy "kf/in.$r" "$dst" > "$W/mk.$fmt.$r" 2>&1
        fi || { fail "$fmt: could not make the pristine mailbox"; cat "$W/mk.$fmt.$r"; }
        U rm -f "kf/in.$r"
    done
    ops=$OPS
    if [ -z "$EXTRA_OPS" ]; then
        case $fmt in mbx|mix) ops="$ops expunge-shared" ;; esac
        case $fmt in mbx|tenex|mtx) ops="$ops expunge-rodir" ;; esac
    fi
    for op in $ops; do
        t0=$(date +%s)
        U env W="$W" LDIR="$LDIR" ORIG="$NL_ORIG_DIR" TRIALS="$TRIALS" OP="$op" FMT="$fmt" NL_KEEP="${NL_KEEP:-}" SHIM="$SHIM" \
            bash "$W/loop.sh" > "$W/$fmt.$op.log" 2>&1
        grep -v '^RESULT' "$W/$fmt.$op.log" | grep -v ': clean run' | head -n 5
        set -- $(grep '^RESULT' "$W/$fmt.$op.log")
        if [ "${4:-}" = trials ] && [ "$5" -gt 0 ]; then
            # RESULT fmt op trials T open O mid M after A finished F noready R pass P fail X repaired Y points Q stepped S
            CCT_PASS=$((CCT_PASS + ${17})); CCT_FAIL=$((CCT_FAIL + ${19}))
            total_trials=$((total_trials + $5))
            printf '%-5s %-14s %3d trials (%3d at call points, of %3d; %3d timed): killed opening %d, mid-operation %d, closing %d, finished first %d | %d ok (%d after a repair by L), %d FAILED | %ds\n' \
                "$fmt" "$op" "$5" "${25}" "${23}" $(($5 - ${25})) "$7" "$9" "${11}" "${13}" "${17}" "${21}" "${19}" $(( $(date +%s) - t0 ))
            [ "${15}" -gt 0 ] && fail "$fmt $op: ${15} writers never got ready"
        else
            fail "$fmt $op: $(grep -v '^RESULT' "$W/$fmt.$op.log" | tail -n 3 | tr '\n' ' ') ${*:-no result}"
        fi
    done
done
echo "total $total_trials kill trials, $(( $(date +%s) - start ))s"

# Concurrent delivery and a full disk, per format, by the no-lose suites
# (c-tests/nolose/concurrent.sh and fulldisk.sh with CONC_FORMAT /
# FULL_FORMAT): tmail and dmail on one library deliver while a session on
# the other checkpoints and expunges, both ways; append, flag changes,
# copy and expunge on a full tmpfs (as root only) keep every message.
# mh runs in a private HOME with its own .mh_profile; Maildir ("md") has
# no driver in the original, so library L (with the shim) delivers,
# churns and checks there, in one direction.  Both take fewer messages
# (KILLFMT_CONC_SMALL, KILLFMT_FULL_SMALL): a delivery into either is a
# file of its own, and the deliveries are what takes the time.
CONC_FORMATS=${KILLFMT_CONC_FORMATS-mbx mix mx mh tenex mtx md}
for fmt in $CONC_FORMATS; do
    cn=${KILLFMT_CONC_MESSAGES:-100}; fn=${KILLFMT_FULL_MESSAGES:-400}
    case $fmt in mh|md) cn=${KILLFMT_CONC_SMALL:-60}; fn=${KILLFMT_FULL_SMALL:-200} ;; esac
    for suite in concurrent fulldisk; do
        t0=$(date +%s)
        log=$(CONC_FORMAT=$fmt CONC_MESSAGES=$cn FULL_FORMAT=$fmt FULL_MESSAGES=$fn \
              bash "$NL_HERE/$suite.sh" 2>&1)
        c=$(echo "$log" | tail -n 1 | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p')
        # A failing line keeps "FAIL" first, so that make test's digest shows it.
        echo "$log" | grep -E '^(FAIL|SKIPPED)|messages lost' |
            sed "s/^FAIL - /FAIL - $fmt $suite: /; t; s/^/  $fmt $suite: /"
        if [ -z "$c" ]; then fail "$fmt $suite: no count line"; continue; fi
        CCT_PASS=$((CCT_PASS + ${c% *})); CCT_FAIL=$((CCT_FAIL + ${c#* }))
        printf '%-5s %-10s %s passed, %s failed | %ds\n' "$fmt" "$suite" "${c% *}" "${c#* }" $(( $(date +%s) - t0 ))
    done
done
finish
