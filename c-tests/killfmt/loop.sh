#!/bin/bash
# One format's and operation's kill trials (started by run.sh as the test
# user in $HOME, with W, LDIR, ORIG, TRIALS, OP, FMT, NL_KEEP in the
# environment).  Last line:
#   RESULT fmt op trials T mid M after A finished F noready R pass P fail X repaired Y
set -u
L() { env LD_LIBRARY_PATH="$LDIR" "$@"; }
O() { env LD_LIBRARY_PATH="$ORIG" "$@"; }
# name ROLE / where ROLE: the mailbox name and its file or directory
if [ "$FMT" = mh ]; then
    name() { echo "#mh/k.$1"; }; where() { echo "Mail/k.$1"; }
    pname() { echo "#mh/pristine.$1"; }; pwhere() { echo "Mail/pristine.$1"; }
else
    name() { echo "kf/$FMT/k.$1"; }; where() { echo "kf/$FMT/k.$1"; }
    pname() { echo "kf/$FMT/pristine.$1"; }; pwhere() { echo "kf/$FMT/pristine.$1"; }
fi
out=kf/out.$FMT.$OP
mkdir -p "$out"
args() {
    case $OP in
        append)  echo "append $(name box) $(pname src)" ;;
        flags)   echo "flags $(name box)" ;;
        expunge) echo "expunge $(name box)" ;;
        copy)    echo "copy $(name src) $(name box)" ;;
        rename)  echo "rename $(name box) $(name renamed)" ;;
    esac
}
# the compaction journal and the append marker library L keeps beside a
# single-file mailbox
journal() { local w; w=$(where "$1"); echo "$(dirname "$w")/.$(basename "$w").compacting"; }
marker() { local w; w=$(where "$1"); echo "$(dirname "$w")/.$(basename "$w").appending"; }
reset() {
    rm -rf "$(where box)" "$(where src)" "$(where renamed)" "$(journal box)" "$(marker box)" "$out/repaired"
    cp -a "$(pwhere box)" "$(where box)"
    [ "$OP" = copy ] && cp -a "$(pwhere src)" "$(where src)"
    :
}
check() {
    : > "$out/after"
    if [ "$OP" = rename ]; then
        found=0
        for r in box renamed; do
            [ -e "$(where $r)" ] || continue
            found=1
            O "$W/nolose" sums "$(name $r)" >> "$out/after" 2>>"$out/log" || { echo "unparseable by the original: $(name $r)"; return 1; }
        done
        [ $found = 1 ] || { echo "neither box nor renamed exists"; return 1; }
    else
        # A kill can leave what no reader can take as it is: a last record
        # cut short (mbx, tenex, mtx append and copy: the formats have no
        # end marker) or a compaction half-copied (expunge, finished from
        # its journal). The next open for writing by library L repairs it;
        # only then must the original read everything.
        if ! O "$W/nolose" sums "$(name box)" > "$out/after" 2>>"$out/log"; then
            L "$W/nolose" touch "$(name box)" >> "$out/log" 2>&1 || { echo "library L cannot open it to repair it: $(name box)"; return 1; }
            echo repaired > "$out/repaired"
            O "$W/nolose" sums "$(name box)" > "$out/after" 2>>"$out/log" || { echo "unparseable by the original even after the repair: $(name box)"; return 1; }
        elif [ -e "$(journal box)" ] || [ -e "$(marker box)" ]; then
            # Readable, but a compaction journal or an append marker is
            # left: library L acts on it at the next open, and that must
            # lose nothing.
            L "$W/nolose" touch "$(name box)" >> "$out/log" 2>&1 || { echo "library L cannot open it to finish the compaction: $(name box)"; return 1; }
            echo repaired > "$out/repaired"
            O "$W/nolose" sums "$(name box)" > "$out/after" 2>>"$out/log" || { echo "unparseable by the original after the compaction was finished: $(name box)"; return 1; }
        fi
    fi
    awk -v tolfile="$out/tolerated" -f "$W/compare.awk" "$out/before" "$out/after" > "$out/cmp"
    rc=$?
    if [ "$OP" = copy ] && [ $rc = 0 ]; then
        O "$W/nolose" sums "$(name src)" > "$out/after.src" 2>>"$out/log" || { echo "source unparseable by the original"; return 1; }
        awk -f "$W/compare.awk" "$out/before.src" "$out/after.src" > "$out/cmp.src" || { echo "source: $(cat "$out/cmp.src")"; return 1; }
    fi
    cat "$out/cmp"
    return $rc
}

reset
O "$W/nolose" sums "$(name box)" > "$out/before" 2>"$out/log" || { echo "RESULT $FMT $OP error: pristine box unreadable"; exit 1; }
[ "$OP" = copy ] && O "$W/nolose" sums "$(name src)" > "$out/before.src" 2>>"$out/log"
if [ "$OP" = expunge ]; then awk 'NR % 10 == 1 { print $1 }' "$out/before"; fi > "$out/tolerated"
nbefore=$(wc -l < "$out/before")

us=""
for clean in 1; do
    reset
    L "$W/nolose" $(args) > "$out/clean.out" 2> "$out/clean.err"
    rc=$?
    t=$(sed -n 's/^DONE //p' "$out/clean.out")
    if [ $rc != 0 ] || [ -z "$t" ]; then
        echo "$FMT $OP: the operation fails with library L (exit $rc):"; head -5 "$out/clean.err"
        echo "RESULT $FMT $OP trials 0 clean-run failed"; exit 1
    fi
    if ! cmpline=$(check); then
        echo "$FMT $OP: a clean (not killed) run already loses mail: $cmpline"
        echo "RESULT $FMT $OP trials 0 clean-run lost mail"; exit 1
    fi
    [ -z "$us" ] || [ "$t" -lt "$us" ] && us=$t
done
range=$(( us * 5 / 4 + 1 ))
mid=0 after=0 finished=0 noready=0 pass=0 failn=0 shown=0 repaired=0
t=0
while [ $t -lt "$TRIALS" ]; do
    t=$((t + 1))
    reset
    delay=$(( (RANDOM * 32768 + RANDOM) % range ))
    w=$(L "$W/nlkill" "$delay" "$W/nolose" $(args) 2>>"$out/writer.err")
    case $w in
        mid) mid=$((mid + 1)) ;; after) after=$((after + 1)) ;;
        finished) finished=$((finished + 1)) ;; *) noready=$((noready + 1)) ;;
    esac
    if res=$(check); then
        pass=$((pass + 1))
        [ -e "$out/repaired" ] && repaired=$((repaired + 1))
    else
        failn=$((failn + 1))
        if [ $shown -lt 3 ]; then
            shown=$((shown + 1))
            echo "  $FMT $OP trial $t: killed $w after ${delay} us: $res"
            if [ -n "${NL_KEEP:-}" ]; then
                mkdir -p "$out/failed-$t"; cp -a "$(where box)" "$out/failed-$t/" 2>/dev/null
            fi
        fi
    fi
done
echo "$FMT $OP: clean run ${us} us on $nbefore messages"
echo "RESULT $FMT $OP trials $TRIALS mid $mid after $after finished $finished noready $noready pass $pass fail $failn repaired $repaired"
