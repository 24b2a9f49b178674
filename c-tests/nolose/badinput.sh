#!/bin/bash
# Bad input: hostile or broken mailboxes opened, read and listed with
# library L (probe.c), each under a timeout.  For every case, L must
#   - not die by a signal              (crash)
#   - finish within BAD_TIMEOUT s      (hang; default 60)
#   - leave the files as they were after a read-only session or a list
#     (content, size, mode), or for a read-write session keep every
#     message (the kill-trial checker)
# and where the original reads messages, L must read the same ones
# (Message-ID, sizes, hash).  The original's own answer is printed for
# each case.  OURS_LIB=original validates the suite.  Last line
# "N passed, M failed".
set -u
NL_HERE=$(cd "$(dirname "$0")" && pwd)
. "$NL_HERE/lib.sh"
TIMEOUT=${BAD_TIMEOUT:-60}
nl_setup bad
nl_cc probe "$NL_HERE/probe.c" -lc-client
chmod a+rx "$W/probe"
echo "bad input: library L = $LLABEL; timeout ${TIMEOUT}s a run"
C=$REL/cases   # HOME-relative
CA=$BOXDIR/cases

# --- inputs (made as the test user, from messages we write) ---
nl_generate 20 "$W/twenty" bad
nl_generate 5 "$W/five" five
chmod a+r "$W/twenty" "$W/five"
U mkdir -p "$C"
mk() { # NAME: stdin becomes case file $C/NAME
    U sh -c "cat > '$C/$1'"
}
size20=$(stat -c %s "$W/twenty")
last=$(grep -b '^From ' "$W/twenty" | tail -1 | cut -d: -f1)
lasthdr=$(grep -b '^Message-ID: <nl.bad.20@' "$W/twenty" | cut -d: -f1)
head -c $((size20 - 200)) "$W/twenty" | mk truncated-body
head -c $((lasthdr + 30)) "$W/twenty" | mk truncated-header
head -c $((last + 12)) "$W/twenty" | mk truncated-fromline
{ printf 'this is not a mailbox\nreally not\n\n'; cat "$W/twenty"; } | mk garbage-first
awk '{ print } /^Message-ID: <nl.bad.(3|7)@/ { h = 1 } h && /^$/ { h = 0
       print "From someone@example.org Mon Jan  1 00:00:00 2001"
       print "From here on, a line that only starts like a separator"
       print ">From an escaped one" }' "$W/twenty" | mk from-in-body
sed 's/$/\r/' "$W/twenty" | mk crlf
awk '/^Message-ID: <nl.bad.4@/ { h = 1 } { print } h && /^$/ { h = 0; printf "body with a NUL \0 here\n" }' "$W/twenty" | mk nul-body
awk '{ print } /^Message-ID: <nl.bad.6@/ { printf "X-Nul: a\0b\n" }' "$W/twenty" | mk nul-header
: | mk empty
U truncate -s 2G "$C/sparse-2g"
head -c "$(grep -b '^From ' "$W/twenty" | sed -n 4p | cut -d: -f1)" "$W/twenty" | mk sparse-2g-tail
U truncate -s 2G "$C/sparse-2g-tail"
cat "$W/twenty" | mk behind-shrink
cat "$W/twenty" | mk behind-garbage
cat "$W/twenty" | mk behind-shrink-rw
cat "$W/twenty" | mk stale-lock-write
U sh -c "echo 99999 > '$C/stale-lock-write.lock'"
cat "$W/twenty" | mk unreadable
U mkdir -p "$C/dir-as-box"
U mkdir -p "$C/listtree/sub/deeper" "$C/listtree/locked"
cat "$W/five" | mk listtree/box
cat "$W/five" | mk listtree/sub/box2
U ln -s loop-b "$C/listtree/loop-a"
U ln -s loop-a "$C/listtree/loop-b"
U ln -s .. "$C/listtree/sub/deeper/up"
U ln -s . "$C/listtree/self"
U sh -c "printf 'garbage that replaces the mailbox\n' > '$REL/garbage.new'"
U cp "$W/five" "$REL/shrink.new"
# pristine copy of everything, restored before each library's run
U cp -a "$C" "$REL/pristine"

# (modes 000 set after the copy: cp cannot read them)
restore() {
    U sh -c "chmod -R u+rwx '$REL/cases' 2>/dev/null; rm -rf '$REL/cases' && cp -a '$REL/pristine' '$REL/cases' &&
             chmod 000 '$REL/cases/unreadable' '$REL/cases/listtree/locked'"
}
# snapshot: what a read-only session must not change
snapshot() {
    if is_root; then ( cd "$CA" && find . -printf '%p %y %s %m\n' | sort; find . -type f -size -100M -exec md5sum {} + | sort -k2 )
    else ( cd "$CA" && find . -printf '%p %y %s %m\n' | sort; find . -type f -size -100M -readable -exec md5sum {} + | sort -k2 ); fi
}

# run LIB TAG CMD...: under the timeout as the test user; output $W/TAG.out, rc $W/TAG.rc
run() {
    _lib=$1; _tag=$2; shift 2
    U env LD_LIBRARY_PATH="$_lib" PROBE_LOCKTIMEOUT="${LOCKMIN:-}" timeout -s KILL "${CASE_TIMEOUT:-$TIMEOUT}" \
        "$W/probe" "$@" > "$W/$_tag.out" 2>&1
    echo $? > "$W/$_tag.rc"
}
summary() { # TAG: one line about a run
    _rc=$(cat "$W/$1.rc")
    _first=$(grep -v '^msg \|^list ' "$W/$1.out" | head -3 | tr '\n' ';' | cut -c1-160)
    _n=$(grep -c '^msg ' "$W/$1.out"); _l=$(grep -c '^list ' "$W/$1.out")
    echo "exit $_rc, $_n messages${_l:+, $_l listed}: $_first"
}

# case NAME KIND ARGS...: KIND read|write|behind|list
case_() {
    name=$1; kind=$2; shift 2
    if [ -n "${BAD_ONLY:-}" ] && ! echo "$name" | grep -Eq "$BAD_ONLY"; then return; fi
    restore
    snapshot > "$W/snap.before"
    run "$NL_ORIG_DIR" orig "$kind" "$@"
    echo "  $name: original: $(summary orig)"
    restore
    if [ "$kind" = write ]; then
        # read from a copy: the case's own lock would hold the checker up
        U cp "$C/$name" "$REL/sums.tmp"
        UO "$W/nolose" sums "$REL/sums.tmp" > "$W/sums.before" 2>/dev/null
    fi
    run "$LDIR" ours "$kind" "$@"
    [ "$LDIR" = "$NL_ORIG_DIR" ] || echo "  $name: L:        $(summary ours)"
    rc=$(cat "$W/ours.rc"); orc=$(cat "$W/orig.rc")
    # where the original itself hangs or crashes, L doing the same is
    # reported, not counted (L finishing is still a pass)
    if [ "$rc" -gt 128 ] && [ "$orc" -gt 128 ]; then skip "$name: L killed/died (exit $rc), as the original (exit $orc)"
    elif [ "$rc" = 137 ]; then fail "$name: L hung (killed after ${CASE_TIMEOUT:-$TIMEOUT}s)"
    elif [ "$rc" -gt 128 ]; then fail "$name: L died by signal $((rc - 128))"
    elif [ "$rc" != 0 ]; then fail "$name: L exited $rc"
    else ok "$name: L returned"; fi
    case $kind in
        write)
            U rm -f "$C/$name.lock"
            UO "$W/nolose" sums "$C/$name" > "$W/sums.after" 2>/dev/null
            if r=$(nl_compare "$W/sums.before" "$W/sums.after"); then ok "$name: messages kept ($r)"
            else fail "$name: messages not kept: $r"; fi ;;
        behind|behindrw)
            # the mailbox must hold what the other program wrote (a
            # read-write session may add its status headers: compare
            # messages then)
            snapshot > "$W/snap.after"
            if ! grep -q '^replaced' "$W/ours.out"; then fail "$name: L did not open the mailbox (nothing replaced)"
            elif U cmp -s "$C/$name" "$2"; then ok "$name: the other program's content left alone"
            elif [ "$kind" = behindrw ] && UO "$W/nolose" sums "$2" > "$W/sums.new" 2>/dev/null &&
                 UO "$W/nolose" sums "$C/$name" > "$W/sums.now" 2>/dev/null &&
                 r=$(nl_compare "$W/sums.new" "$W/sums.now"); then
                ok "$name: the other program's messages kept ($r)"
            else fail "$name: L wrote over the replaced mailbox"; fi ;;
        *)
            snapshot > "$W/snap.after"
            if cmp -s "$W/snap.before" "$W/snap.after"; then ok "$name: files unchanged"
            else fail "$name: files changed: $(diff "$W/snap.before" "$W/snap.after" | grep '^[<>]' | head -4 | tr '\n' ' ')"; fi ;;
    esac
    # same messages as the original, where it read some (not after a
    # replacement behind its back: what it reads then is undefined)
    if [ "${kind#behind}" = "$kind" ] && grep -q '^msg \|^list ' "$W/orig.out" && [ "$rc" = 0 ]; then
        if diff <(grep '^msg \|^list ' "$W/orig.out" | sort) <(grep '^msg \|^list ' "$W/ours.out" | sort) > "$W/diff"; then
            ok "$name: same messages/names as the original"
        else
            fail "$name: messages/names differ from the original: $(grep '^[<>]' "$W/diff" | head -3 | tr '\n' ' ')"
        fi
    fi
}
box() { echo "$C/$1"; }

case_ truncated-body read "$(box truncated-body)"
case_ truncated-header read "$(box truncated-header)"
case_ truncated-fromline read "$(box truncated-fromline)"
case_ garbage-first read "$(box garbage-first)"
case_ from-in-body read "$(box from-in-body)"
case_ crlf read "$(box crlf)"
case_ nul-body read "$(box nul-body)"
case_ nul-header read "$(box nul-header)"
case_ empty read "$(box empty)"
# the original reads the 2 GB of NULs as message text: slow
CASE_TIMEOUT=$((TIMEOUT * 3)) case_ sparse-2g read "$(box sparse-2g)"
CASE_TIMEOUT=$((TIMEOUT * 3)) case_ sparse-2g-tail read "$(box sparse-2g-tail)"
case_ behind-shrink behind "$(box behind-shrink)" "$REL/shrink.new"
case_ behind-garbage behind "$(box behind-garbage)" "$REL/garbage.new"
case_ behind-shrink-rw behindrw "$(box behind-shrink-rw)" "$REL/shrink.new"
# a leftover lock from a dead writer: seized after PROBE_LOCKTIMEOUT
# minutes (1 here; the default is 5): a read-write session must wait, seize
# it and keep every message
LOCKMIN=1 CASE_TIMEOUT=$((TIMEOUT + 90)) case_ stale-lock-write write "$(box stale-lock-write)"
case_ unreadable read "$(box unreadable)"
case_ dir-as-box read "$(box dir-as-box)"
case_ list-star list "" "$C/listtree/*"
case_ list-percent list "" "$C/listtree/%"
case_ list-loop list "" "$C/listtree/loop-a/*"
U chmod -R u+rwx "$CA" 2>/dev/null
finish
