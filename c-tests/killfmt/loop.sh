#!/bin/bash
# One format's and operation's kill trials (started by run.sh as the test
# user in $HOME, with W, LDIR, ORIG, TRIALS, OP, FMT, NL_KEEP in the
# environment).  OP is append, flags, expunge, copy or rename, or
#   expunge-shared  expunge while a session of the original has the
#                   mailbox open (read-only, as `nolose hold`)
#   expunge-rodir   expunge with the mailbox's directory not writable
# Kills: first at system call points (nlstep: the writer is stopped on
# entry to its N-th call that changes a file; every such point when there
# are no more than TRIALS, else TRIALS of them spread evenly), then, to
# make up TRIALS, after random delays as c-tests/nolose does (nlkill),
# which also lands inside system calls.  Last line:
#   RESULT fmt op trials T open O mid M after A finished F noready R pass P fail X repaired Y points Q stepped S
set -u
SHIM=${SHIM:-}
if [ "$FMT" = md ]; then
    # The original has no Maildir driver: library L reads, with mddriver
    # registered by the shim (no repair is ever needed: see run.sh).
    L() { env LD_LIBRARY_PATH="$LDIR" "$@"; }
    O() { env LD_LIBRARY_PATH="$LDIR" "$@"; }
    NOLOSE="env LD_PRELOAD=$SHIM $W/nolose"
else
    L() { env LD_LIBRARY_PATH="$LDIR" "$@"; }
    O() { env LD_LIBRARY_PATH="$ORIG" "$@"; }
    NOLOSE=$W/nolose
fi
# name ROLE / where ROLE: the mailbox name and its file or directory
# (kept in variables: this loop runs thousands of times)
case $FMT in
    mh) npre="#mh/"; wpre="Mail/" ;;
    md) npre="#md/kf/md/"; wpre="kf/md/" ;;
    *)  npre="kf/$FMT/"; wpre="kf/$FMT/" ;;
esac
name() { echo "${npre}k.$1"; }
where() { echo "${wpre}k.$1"; }
NBOX=${npre}k.box; WBOX=${wpre}k.box; NSRC=${npre}k.src; WSRC=${wpre}k.src
out=kf/out.$FMT.$OP
mkdir -p "$out"
case $OP in
    append)  ARGS="append $NBOX ${npre}pristine.src" ;;
    flags)   ARGS="flags $NBOX" ;;
    expunge*) ARGS="expunge $NBOX" ;;
    copy)    ARGS="copy $NSRC $NBOX" ;;
    rename)  ARGS="rename $NBOX ${npre}k.renamed" ;;
esac
# What library L leaves beside a mailbox when killed: the compaction
# journal and the append marker of a single-file mailbox (beside it, or
# in /tmp named after its device and inode when its directory is not
# writable), the expunge journal of a mix directory.
dir=${WBOX%/*}
# (Only with the directory not writable can they be in /tmp: the stat
# that names those is made for those trials alone.)
TMPOF=""; TMPSUF=""
case $FMT in
    mix) BESIDE="$WBOX/.mixjournal" ;;
    mbx|tenex|mtx) BESIDE="$dir/.k.box.compacting $dir/.k.box.appending"
        [ "$OP" = expunge-rodir ] && { TMPOF=$WBOX; TMPSUF=".compacting .appending"; } ;;
    *) BESIDE="" ;;
esac
leftovers() {
    echo $BESIDE
    [ -n "$TMPOF" ] && [ -e "$TMPOF" ] || return 0
    local id; id=$(stat -L -c '%D %i' "$TMPOF") || return 0
    set -- $id
    local t; t=$(printf '/tmp/.%x.%x' $((0x$1)) "$2")
    for s in $TMPSUF; do echo "$t$s"; done
}
left() {
    local f
    if [ -z "$TMPOF" ]; then
        for f in $BESIDE; do [ -e "$f" ] && return 0; done; return 1
    fi
    for f in $(leftovers); do [ -e "$f" ] && return 0; done; return 1
}
reset() {
    [ "$OP" = expunge-rodir ] && chmod u+w "$dir"
    [ -n "$TMPOF" ] && rm -f $(leftovers)
    rm -rf "$WBOX" "$WSRC" "${wpre}k.renamed" "$out/repaired" $BESIDE
    cp -a "${wpre}pristine.box" "$WBOX"
    [ "$OP" = copy ] && cp -a "${wpre}pristine.src" "$WSRC"
    [ "$OP" = expunge-rodir ] && chmod a-w "$dir"
    :
}
holder=""
trap 'hold_stop' EXIT
hold_start() {
    [ "$OP" = expunge-shared ] || return 0
    : > "$out/hold.out"
    O $NOLOSE hold "$NBOX" > "$out/hold.out" 2>>"$out/log" &
    holder=$!
    local i=0
    while ! grep -q READY "$out/hold.out" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 2000 ] && break
        kill -0 $holder 2>/dev/null || break
        sleep 0.005
    done
}
hold_stop() {
    [ -n "$holder" ] || return 0
    # $holder is the subshell that runs O; the reader is its child, which
    # would live on after the subshell alone is killed.
    pkill -9 -P $holder 2>/dev/null
    kill -9 $holder 2>/dev/null; wait $holder 2>/dev/null; holder=""
}
check() {
    : > "$out/after"
    if [ "$OP" = rename ]; then
        found=0
        for r in box renamed; do
            [ -e "$(where $r)" ] || continue
            found=1
            O $NOLOSE sums "$(name $r)" >> "$out/after" 2>>"$out/log" || { echo "unparseable by the original: $(name $r)"; return 1; }
        done
        [ $found = 1 ] || { echo "neither box nor renamed exists"; return 1; }
    else
        # A kill can leave what no reader can take as it is: a last record
        # cut short (mbx, tenex, mtx append and copy: the formats have no
        # end marker), a compaction half-copied or a mix index half
        # rewritten (expunge, finished from its journal). The next open
        # for writing by library L repairs it; only then must the original
        # read everything.
        # The next session may be the original's, opening it for writing:
        # it must refuse what it cannot read rather than "repair" it (the
        # original cuts a message short when a mix index runs backwards).
        [ "$FMT" = md ] || O $NOLOSE touch "$NBOX" >> "$out/log" 2>&1
        if ! O $NOLOSE sums "$NBOX" > "$out/after" 2>>"$out/log"; then
            L $NOLOSE touch "$NBOX" >> "$out/log" 2>&1 || { echo "library L cannot open it to repair it: $(name box)"; return 1; }
            echo repaired > "$out/repaired"
            O $NOLOSE sums "$NBOX" > "$out/after" 2>>"$out/log" || { echo "unparseable by the original even after the repair: $(name box)"; return 1; }
        elif left; then
            # Readable, but a journal or an append marker is left: library
            # L acts on it at the next open, and that must lose nothing.
            L $NOLOSE touch "$NBOX" >> "$out/log" 2>&1 || { echo "library L cannot open it to finish the work: $(name box)"; return 1; }
            echo repaired > "$out/repaired"
            O $NOLOSE sums "$NBOX" > "$out/after" 2>>"$out/log" || { echo "unparseable by the original after the repair: $(name box)"; return 1; }
        fi
        if left; then echo "a journal or marker is still there after the repair: $(leftovers | tr '\n' ' ')"; return 1; fi
    fi
    if [ "$(< "$out/after")" = "$(< "$out/before")" ]; then
        echo "lost 0 damaged 0 padded 0 (unchanged)" > "$out/cmp"; rc=0
    else
        awk -v tolfile="$out/tolerated" -f "$W/compare.awk" "$out/before" "$out/after" > "$out/cmp"
        rc=$?
    fi
    if [ "$OP" = copy ] && [ $rc = 0 ]; then
        O $NOLOSE sums "$NSRC" > "$out/after.src" 2>>"$out/log" || { echo "source unparseable by the original"; return 1; }
        awk -f "$W/compare.awk" "$out/before.src" "$out/after.src" > "$out/cmp.src" || { echo "source: $(cat "$out/cmp.src")"; return 1; }
    fi
    cat "$out/cmp"
    return $rc
}

reset
O $NOLOSE sums "$NBOX" > "$out/before" 2>"$out/log" || { echo "RESULT $FMT $OP error: pristine box unreadable"; exit 1; }
[ "$OP" = copy ] && O $NOLOSE sums "$NSRC" > "$out/before.src" 2>>"$out/log"
case $OP in expunge*) awk 'NR % 10 == 1 { print $1 }' "$out/before" ;; esac > "$out/tolerated"
nbefore=$(wc -l < "$out/before")

# A clean run: the operation must work and lose nothing; then a counted
# one (nlstep 0): how many file-changing calls, which are the kill points.
reset; hold_start
L $NOLOSE $ARGS > "$out/clean.out" 2> "$out/clean.err"
rc=$?
hold_stop
us=$(sed -n 's/^DONE //p' "$out/clean.out")
if [ $rc != 0 ] || [ -z "$us" ]; then
    echo "$FMT $OP: the operation fails with library L (exit $rc):"; head -5 "$out/clean.err"
    echo "RESULT $FMT $OP trials 0 clean-run failed"; exit 1
fi
if ! cmpline=$(check); then
    echo "$FMT $OP: a clean (not killed) run already loses mail: $cmpline"
    echo "RESULT $FMT $OP trials 0 clean-run lost mail"; exit 1
fi
reset; hold_start
set -- $(NLSTEP_OUT="$out/count.out" L "$W/nlstep" 0 $NOLOSE $ARGS 2>>"$out/writer.err")
hold_stop
[ "${1:-}" = points ] || { echo "RESULT $FMT $OP trials 0 the counting run failed"; exit 1; }
# (none for an mh flag change: mh keeps flags in the session only)
points=$2
stepped=$points
[ "$stepped" -gt "$TRIALS" ] && stepped=$TRIALS
range=$(( us * 5 / 4 + 1 ))
open=0 mid=0 after=0 finished=0 noready=0 pass=0 failn=0 shown=0 repaired=0
t=0
while [ $t -lt "$TRIALS" ]; do
    t=$((t + 1))
    reset; hold_start
    if [ $t -le $stepped ]; then
        # the t-th of `stepped` points spread over 1..points
        n=$(( (t - 1) * points / stepped + 1 ))
        how="at call $n of $points"
        w=$(NLSTEP_OUT=/dev/null L "$W/nlstep" "$n" $NOLOSE $ARGS 2>>"$out/writer.err")
    else
        delay=$(( (RANDOM * 32768 + RANDOM) % range ))
        how="after ${delay} us"
        w=$(L "$W/nlkill" "$delay" $NOLOSE $ARGS 2>>"$out/writer.err")
    fi
    hold_stop
    case $w in
        open) open=$((open + 1)) ;; mid) mid=$((mid + 1)) ;; after) after=$((after + 1)) ;;
        finished) finished=$((finished + 1)) ;; *) noready=$((noready + 1)) ;;
    esac
    check > "$out/res"; crc=$?
    res=$(< "$out/res")
    if [ $crc = 0 ]; then
        pass=$((pass + 1))
        [ -e "$out/repaired" ] && repaired=$((repaired + 1))
    else
        failn=$((failn + 1))
        if [ $shown -lt 3 ]; then
            shown=$((shown + 1))
            echo "  $FMT $OP trial $t: killed $w $how: $res"
            if [ -n "${NL_KEEP:-}" ]; then
                mkdir -p "$out/failed-$t"; cp -a "$WBOX" "$out/failed-$t/" 2>/dev/null
            fi
        fi
    fi
done
[ "$OP" = expunge-rodir ] && chmod u+w "$dir"
echo "$FMT $OP: clean run ${us} us on $nbefore messages, $points kill points"
echo "RESULT $FMT $OP trials $TRIALS open $open mid $mid after $after finished $finished noready $noready pass $pass fail $failn repaired $repaired points $points stepped $stepped"
