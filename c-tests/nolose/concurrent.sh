#!/bin/bash
# Concurrent delivery: tmail and dmail (uw-mailutils, linked with
# libc-client.so.2007e; LD_LIBRARY_PATH picks the library) deliver
# CONC_MESSAGES messages (default 300: the odd ones by tmail, the even ones
# by dmail, both at once) into a mailbox that already holds 100 messages, while churn.c
# keeps opening it read-write, setting \Seen, checkpointing and expunging
# the non-new messages whose Message-ID carries ".x@" (every third one).
#   direction 1: deliveries on the original, churn on library L
#   direction 2: deliveries on library L, churn on the original
# Afterwards (read with the original): every message delivered with exit 0
# and every earlier message is there exactly once, unless churn marked it
# for expunge (then at most once); nothing is there twice.
# CONC_FORMAT=mbx|mix|mx|tenex|mtx|mmdf: the mailbox in that format
# (made by the original's mailutil from the seed), default unix.
# CONC_FORMAT=mh: an MH folder in a private HOME whose .mh_profile names the
# scratch folder as its Path; the sessions call it #mh/NAME, the deliveries
# +SCRATCH/NAME (a name inside the MH path, which mh takes as #mh/NAME).
# Both deliverers are dmail there: tmail finds the home in the password
# file, not in HOME.  The original's mh append fails when another writer
# has just taken the number it chose (and dmail then delivers to INBOX),
# so with the original delivering the two deliverers take turns; with
# library L they race (it takes the next free number).
# CONC_FORMAT=md: a Maildir (#md/SCRATCH/NAME; the deliveries +SCRATCH/NAME,
# found by its cur/ and new/).  The original has no Maildir driver, so
# library L, with mddriver registered by c-tests/maildir/shim.c, delivers,
# churns and checks: one direction only.
# OURS_LIB=original validates the suite.  Last line "N passed, M failed".
set -u
NL_HERE=$(cd "$(dirname "$0")" && pwd)
. "$NL_HERE/lib.sh"
N=${CONC_MESSAGES:-300}
FORMAT=${CONC_FORMAT:-unix}
command -v tmail >/dev/null && command -v dmail >/dev/null ||
    skip_suite "tmail/dmail (uw-mailutils) are not installed"
PRIV=""
if [ "$FORMAT" = mh ]; then
    # the mh driver finds its folders through ~/.mh_profile: a private HOME
    have_test_user || skip_suite "test user $CCT_USER does not exist"
    PRIV=$(mktemp -d /tmp/conc-home.XXXXXX)
    chmod 755 "$PRIV"; is_root && chown "$CCT_USER" "$PRIV"
    NL_HOME=$PRIV
fi
nl_setup conc
trap 'nl_cleanup; [ -z "$PRIV" ] || [ -n "${NL_KEEP:-}" ] || rm -rf "$PRIV"' EXIT
nl_cc churn "$NL_HERE/churn.c" -lc-client
chmod a+rx "$W/churn"
SHIM=""
case $FORMAT in
    mh) U sh -c "printf 'Path: %s\n' '$REL' > .mh_profile" ;;
    md)
        [ "$LDIR" = "$NL_ORIG_DIR" ] && skip_suite "the original has no Maildir driver (CONC_FORMAT=md needs library L)"
        SHIM=$W/shim.so
        cc -w -shared -fPIC -I"$CCT_INCDIR" -o "$SHIM" "$CCT_ROOT/c-tests/maildir/shim.c" \
            "$LDIR/libc-client.so.2007e" || { fail "the Maildir shim does not build"; finish; }
        chmod a+r "$SHIM" ;;
esac
# mailbox NAME: what the sessions call the mailbox; deliveries use
# +$REL/NAME (for mh and md too, see above)
mailbox() {
    case $FORMAT in
        mh) echo "#mh/$1" ;;
        md) echo "#md/$REL/$1" ;;
        *) echo "$REL/$1" ;;
    esac
}
# C LIBDIR CMD...: as the test user on LIBDIR (for md with the shim too)
C() { _l=$1; shift; U env LD_LIBRARY_PATH="$_l" ${SHIM:+LD_PRELOAD=$SHIM} "$@"; }
# the checker and the maker of the mailboxes: the original, or L for md
CHK=$NL_ORIG_DIR; CKNAME="the original"
[ "$FORMAT" = md ] && { CHK=$LDIR; CKNAME="library L"; }
echo "concurrent delivery: library L = $LLABEL; $N deliveries a direction; $FORMAT format"
nl_generate 100 "$W/seed" seed
chmod a+r "$W/seed"

# deliverer, run as the test user: K from 1 to N of one parity, odd ones
# by tmail (CRLF input, user+folder), even ones by dmail (+folder); two run
# at once, so the deliveries also race each other; prints "OK id" or
# "FAIL id rc".  TOOLS=dmail: dmail for both; PRE: a library to preload
# into tmail and dmail
cat > "$W/deliver.sh" <<'EOF'
box=$1; n=$2; tag=$3; parity=$4; tools=${5:-both}; pre=${6:-}
k=$parity
[ "$k" = 0 ] && k=2
k=$((k - 2))
while [ $((k + 2)) -le "$n" ]; do
    k=$((k + 2))
    id="<conc.$tag.$k$( [ $((k % 3)) = 0 ] && echo .x)@nolose.test>"
    msg="From: Deliverer <d@example.org>
To: $(id -un)@example.org
Subject: concurrent $tag $k
Message-ID: $id
Date: Mon, 1 Jan 2001 00:00:00 +0000

body of message $k
From a line that looks like a separator inside the body
end of $k"
    if [ $((k % 2)) = 1 ] && [ "$tools" = both ]; then
        printf '%s\n' "$msg" | sed 's/$/\r/' | env ${pre:+LD_PRELOAD=$pre} tmail "$(id -un)+$box" > /dev/null 2>>"$box.deliver.err"
    else
        printf '%s\n' "$msg" | env ${pre:+LD_PRELOAD=$pre} dmail "+$box" > /dev/null 2>>"$box.deliver.err"
    fi
    rc=$?
    if [ $rc = 0 ]; then echo "OK $id"; else echo "FAIL $id $rc"; fi
done
EOF
chmod a+r "$W/deliver.sh"

# direction NAME DELIVER-LIB CHURN-LIB
direction() {
    name=$1; dlib=$2; clib=$3
    box=$REL/$name; mb=$(mailbox "$name")
    if [ "$FORMAT" = unix ]; then
        U sh -c "cp '$W/seed' '$box' && chmod 600 '$box'"
    else
        U sh -c "cp '$W/seed' '$box.seed'"
        case $FORMAT in mh|md) dst=$mb ;; *) dst="#driver.$FORMAT/$box" ;; esac
        C "$CHK" mailutil copy "$box.seed" "$dst" > /dev/null 2>&1 ||
            { fail "$name: $CKNAME cannot make a $FORMAT mailbox"; return; }
        U rm -f "$box.seed"
    fi
    C "$CHK" "$W/nolose" touch "$mb" 2>/dev/null      # the seeds are no longer new
    C "$CHK" "$W/nolose" sums "$mb" > "$W/$name.seed" 2>/dev/null
    tools=both; [ "$FORMAT" = mh ] && tools=dmail
    t0=$(date +%s)
    UL true  # warm up runuser
    C "$clib" "$W/churn" "$mb" "$box.stop" > "$W/$name.churn" 2>&1 &
    churn_pid=$!
    U env LD_LIBRARY_PATH="$dlib" bash "$W/deliver.sh" "$box" "$N" "$name" 1 $tools "$SHIM" > "$W/$name.deliver.1" &
    d1=$!
    # the original's mh deliverers take turns (see the top)
    [ "$FORMAT" = mh ] && [ "$dlib" = "$NL_ORIG_DIR" ] && wait $d1
    U env LD_LIBRARY_PATH="$dlib" bash "$W/deliver.sh" "$box" "$N" "$name" 0 $tools "$SHIM" > "$W/$name.deliver.0"
    wait $d1
    cat "$W/$name.deliver.1" "$W/$name.deliver.0" > "$W/$name.deliver"
    U touch "$box.stop"
    wait $churn_pid
    C "$CHK" "$W/nolose" sums "$mb" > "$W/$name.final" 2> "$W/$name.final.err"
    src=$?
    rounds=$(grep -c '^ROUND' "$W/$name.churn"); bad=$(grep -c 'open failed' "$W/$name.churn")
    okd=$(grep -c '^OK' "$W/$name.deliver"); faild=$(grep -c '^FAIL' "$W/$name.deliver")
    echo "$name: $okd delivered, $faild refused; churn $rounds rounds ($bad could not open); $(($(date +%s) - t0))s"
    grep -v '^ROUND\|^EXPUNGE' "$W/$name.churn" | sort | uniq -c | sort -rn | head -3 | sed 's/^/  churn said: /'
    [ -s "$BOXDIR/$name.deliver.err" ] && sort "$BOXDIR/$name.deliver.err" | uniq -c | sort -rn | head -3 | sed 's/^/  deliveries said: /'
    if [ $src != 0 ]; then fail "$name: $CKNAME cannot read the mailbox afterwards"; return; fi
    # The original's own appender can refuse a delivery while another
    # process expunges an mbx mailbox: it takes the file's size before its
    # locks and then reads records past the shrunken end ("Not a
    # MBX-format mailbox"), or meets the session lock's name as the last
    # holder unlinks it ("hard link to lock name"). It happens with the
    # original on both sides too (OURS_LIB=original), so such refusals by
    # the original are counted but tolerated; the message is not lost
    # (tmail/dmail exit non-zero, the sender keeps it). Ours must not.
    races=0
    if [ "$dlib" = "$NL_ORIG_DIR" ] && [ -s "$BOXDIR/$name.deliver.err" ]; then
        races=$(grep -c -E '^(Not a MBX-format mailbox: |hard link to lock name$)' "$BOXDIR/$name.deliver.err")
    fi
    if [ "$faild" = 0 ]; then
        ok "$name: every delivery succeeded"
    elif [ "$races" -ge "$faild" ]; then
        ok "$name: every delivery succeeded but $faild refused by the original's own appender races"
    else
        fail "$name: $faild deliveries refused"
    fi
    [ "$rounds" -gt 1 ] && [ "$bad" -lt "$rounds" ] && ok "$name: churn ran ($rounds rounds)" ||
        fail "$name: churn did not work ($rounds rounds, $bad failed opens)"
    awk -v expfile="$W/$name.churn" -v seed="$W/$name.seed" '
        BEGIN {
            while ((getline l < expfile) > 0) if (l ~ /^EXPUNGE /) { split(l, f, " "); marked[f[2]] = 1 }
            while ((getline l < seed) > 0) { split(l, f, " "); want[f[1]] = 1 }
        }
        FNR == NR { if ($1 == "OK") want[$2] = 1; else refused[$2] = 1; next }
        { have[$1]++ }
        END {
            for (id in want) {
                if (!(id in have) && !(id in marked)) { lost++; if (lost <= 3) print "  lost " id }
            }
            for (id in have) {
                if (have[id] > 1) { dup++; if (dup <= 3) print "  twice " id }
                if (!(id in want) && !(id in refused)) stray++
                if (id in marked) kept++
            }
            for (id in marked) if (!(id in have)) gone++
            printf "RESULT lost %d dup %d stray %d expunged %d marked-but-kept %d\n", lost, dup, stray, gone, kept
        }' "$W/$name.deliver" "$W/$name.final" > "$W/$name.result"
    grep -v '^RESULT' "$W/$name.result"
    res=$(grep '^RESULT' "$W/$name.result"); set -- $res
    echo "  $name: messages lost $3, duplicated $5, unknown $7; expunged as asked $9, marked but still there ${11}"
    [ "$3" = 0 ] && ok "$name: nothing lost" || fail "$name: $3 messages lost"
    [ "$5" = 0 ] && ok "$name: nothing duplicated" || fail "$name: $5 messages duplicated"
    [ "$7" = 0 ] && ok "$name: nothing unknown appeared" || fail "$name: $7 unknown messages"
    [ "$9" -gt 0 ] && ok "$name: expunges happened ($9)" || fail "$name: churn expunged nothing"
}

if [ "$FORMAT" = md ]; then
    direction deliver-L-churn-L "$LDIR" "$LDIR"
else
    direction deliver-original-churn-L "$NL_ORIG_DIR" "$LDIR"
    direction deliver-L-churn-original "$LDIR" "$NL_ORIG_DIR"
fi
finish
