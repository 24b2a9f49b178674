#!/bin/bash
# One operation's kill trials; started by killtrials.sh as the test user in
# $HOME, with W (programs), REL (scratch folder, HOME-relative), LDIR
# (library L), ORIG (the original's directory), TRIALS, OP, NL_KEEP in
# the environment.  Prints what it finds, then a last line
#   RESULT op trials T mid M after A finished F noready R pass P fail X lost L damaged D padded Q locks K
set -u
L() { env LD_LIBRARY_PATH="$LDIR" "$@"; }
O() { env LD_LIBRARY_PATH="$ORIG" "$@"; }
B=$REL/k.$OP
out=$REL/out.$OP
mkdir -p "$out"
rm -f "$B".*

# What the operation works on (pristine copies made by killtrials.sh):
#   box  the mailbox every check is about; src: the other one when needed
args() {
    case $OP in
        append)  echo "append $B.box $REL/pristine.src" ;;
        flags)   echo "flags $B.box" ;;
        keywords) echo "keywords $B.box" ;;
        expunge) echo "expunge $B.box" ;;
        copy)    echo "copy $B.src $B.box" ;;
        rename)  echo "rename $B.box $B.renamed" ;;
    esac
}
reset() {
    rm -f "$B".*
    cp "$REL/pristine.box" "$B.box"
    [ "$OP" = copy ] && cp "$REL/pristine.src" "$B.src"
    :
}
# check LABEL: compare the mailbox(es) with the pristine sums; prints the
# compare line; returns non-zero on loss/damage or an unparseable mailbox.
check() {
    : > "$out/after"
    if [ "$OP" = rename ]; then
        # the mail must be under one of the two names
        found=0
        for f in "$B.box" "$B.renamed"; do
            [ -e "$f" ] || continue
            found=1
            O "$W/nolose" sums "$f" >> "$out/after" 2>>"$out/log" || { echo "unparseable by the original: $f"; return 1; }
        done
        [ $found = 1 ] || { echo "neither $B.box nor $B.renamed exists"; return 1; }
    else
        O "$W/nolose" sums "$B.box" > "$out/after" 2>>"$out/log" || { echo "unparseable by the original: $B.box"; return 1; }
    fi
    awk -v tolfile="$out/tolerated" -f "$W/compare.awk" "$out/before" "$out/after" > "$out/cmp"
    rc=$?
    if [ "$OP" = copy ] && [ $rc = 0 ]; then
        # the source must not suffer either
        O "$W/nolose" sums "$B.src" > "$out/after.src" 2>>"$out/log" || { echo "source unparseable by the original"; return 1; }
        awk -f "$W/compare.awk" "$out/before.src" "$out/after.src" > "$out/cmp.src" || { echo "source: $(cat "$out/cmp.src")"; return 1; }
    fi
    cat "$out/cmp"
    return $rc
}

reset
O "$W/nolose" sums "$B.box" > "$out/before" 2>"$out/log" || { echo "RESULT $OP error: pristine box unreadable"; exit 1; }
[ "$OP" = copy ] && O "$W/nolose" sums "$B.src" > "$out/before.src" 2>>"$out/log"
# expunge deletes messages 1, 11, 21, ...: those may go
if [ "$OP" = expunge ]; then awk 'NR % 10 == 1 { print $1 }' "$out/before"; fi > "$out/tolerated"
nbefore=$(wc -l < "$out/before")

# Three clean runs: the operation must work and lose nothing; the fastest
# sets the range of the random kill delays (the machine is shared: a slow
# run would put most kills after the end).
us=""
for clean in 1 2 3; do
    reset
    L "$W/nolose" $(args) > "$out/clean.out" 2> "$out/clean.err"
    rc=$?
    t=$(sed -n 's/^DONE //p' "$out/clean.out")
    if [ $rc != 0 ] || [ -z "$t" ]; then
        echo "$OP: the operation fails with library L (exit $rc):"
        head -5 "$out/clean.err"
        echo "RESULT $OP trials 0 clean-run failed"
        exit 1
    fi
    if ! cmpline=$(check); then
        echo "$OP: a clean (not killed) run already loses mail: $cmpline"
        echo "RESULT $OP trials 0 clean-run lost mail"
        exit 1
    fi
    [ -z "$us" ] || [ "$t" -lt "$us" ] && us=$t
done
t=0
echo "$OP: clean run ${us} us (fastest of 3) on $nbefore messages: $cmpline"
# delays uniform over [0, 1.25 x duration]: most kills land inside
range=$(( us * 5 / 4 + 1 ))

mid=0 after=0 finished=0 noready=0 pass=0 failn=0 lost=0 damaged=0 padded=0 locks=0 shown=0
t=0
while [ $t -lt "$TRIALS" ]; do
    t=$((t + 1))
    reset
    delay=$(( (RANDOM * 32768 + RANDOM) % range ))
    where=$(L "$W/nlkill" "$delay" "$W/nolose" $(args) 2>>"$out/writer.err")
    case $where in
        mid) mid=$((mid + 1)) ;; after) after=$((after + 1)) ;;
        finished) finished=$((finished + 1)) ;; *) noready=$((noready + 1)) ;;
    esac
    # a killed writer leaves its dot-lock; the checker must not wait on it
    for lk in "$B".*.lock "$B.box.lock" "$B.src.lock"; do
        [ -e "$lk" ] && { locks=$((locks + 1)); rm -f "$lk"; }
    done
    if res=$(check); then
        pass=$((pass + 1))
    else
        failn=$((failn + 1))
        set -- $res
        if [ "${1:-}" = lost ]; then
            lost=$((lost + $2)); damaged=$((damaged + $4)); padded=$((padded + $6))
        fi
        if [ $shown -lt 5 ]; then
            shown=$((shown + 1))
            echo "  trial $t: killed $where after ${delay} us: $res"
            if [ $shown = 1 ] && [ -n "${NL_KEEP:-}" ]; then
                keep="$out/failed-trial-$t"
                mkdir -p "$keep"; cp "$B".* "$keep"/ 2>/dev/null
                echo "  (mailbox kept as ~/$keep)"
            fi
        fi
    fi
done
echo "RESULT $OP trials $TRIALS mid $mid after $after finished $finished noready $noready pass $pass fail $failn lost $lost damaged $damaged padded $padded locks $locks"
