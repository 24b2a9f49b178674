#!/bin/bash
# Mix driver suite: c-tests/mix/mixtool.c, compiled once against the
# original's headers, run with the original library and with ours
# (OURS_LIB, default build/lib), as an ordinary user in a scratch home.
#   (a) the original writes a mix mailbox (create through #driver.mix/,
#       appends with flags, keywords and dates, flag changes, expunge, more
#       appends); both libraries read copies of it and print the same
#       messages, flags, keywords, UIDs, internal dates and contents;
#   (b) the same script written by ours, read by both;
#   (c) the files of (a) and (b) compared, time-derived values masked
#       (norm.py): metadata, index, status, data file contents;
#   (d) two sessions on one mailbox, one per library, each seeing the
#       other's appends, flag changes and expunges: the transcripts of the
#       mixed pairs must equal the original-only pair's;
#   (e) `mailutil copy` and `mailutil transfer` of corpus mailboxes into mix
#       with /usr/bin/mailutil over each library: same files (masked) and
#       same dump;
#   (f) truncated and corrupted .mixmeta/.mixindex/.mixstatus/data files:
#       ours must not crash, must fail to open where the original does, and
#       then must leave every file as it was.
# Messages come from ../shared/corpus when present (python-test_email),
# else generated ones (said below). Last line: "N passed, M failed".
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OURS_LIB=${OURS_LIB:-$ROOT/build/lib}
CORPUS=${CORPUS:-}
if [ -z "$CORPUS" ]; then for c in "$ROOT/../shared/corpus" "$ROOT/../../shared/corpus"; do [ -d "$c" ] && CORPUS=$c && break; done; fi
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }
finish() {
    echo "$PASS passed, $FAIL failed"
    [ "$FAIL" -eq 0 ]
    exit $?
}
if [ "$(id -u)" = 0 ]; then
    RUNUSER=${CCLIENT_TEST_USER:-cloudsdk}
    id "$RUNUSER" >/dev/null 2>&1 || { echo "SKIPPED: user $RUNUSER does not exist"; echo "0 passed, 0 failed"; exit 0; }
else
    RUNUSER=""
fi
[ -f /usr/include/c-client/c-client.h ] && [ -e /usr/lib/libc-client.so.2007e ] || {
    echo "SKIPPED: the original c-client is not installed"; echo "0 passed, 0 failed"; exit 0; }
[ -e "$OURS_LIB/libc-client.so.2007e" ] || { echo "no library at $OURS_LIB (run make)"; echo "0 passed, 1 failed"; exit 1; }

W=$(mktemp -d /tmp/mix-cct.XXXXXX)
chmod 755 "$W"
trap 'exec 3>&- 4>&- 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
H="$W/home"
mkdir -p "$W/lib" "$W/msgs" "$W/out"
cp -P "$OURS_LIB"/libc-client.so* "$W/lib/"
cc -w -I/usr/include/c-client -o "$W/mixtool" "$HERE/mixtool.c" -lc-client || { bad "build mixtool.c"; finish; }
cp "$HERE/norm.py" "$W/"
chmod -R a+rX "$W"

# run LIB CMD...: CMD as the test user in $H, with library LIB (orig|ours).
run() {
    local lib=$1 lp=""; shift
    [ "$lib" = ours ] && lp="$W/lib"
    if [ -n "$RUNUSER" ]; then
        (cd "$H" && runuser -u "$RUNUSER" -- env HOME="$H" TZ=UTC LD_LIBRARY_PATH="$lp" "$@")
    else
        (cd "$H" && env HOME="$H" TZ=UTC LD_LIBRARY_PATH="$lp" "$@")
    fi
}
# home_from DIR: $H := a copy of DIR (empty when DIR is "").
home_from() {
    rm -rf "$H"; mkdir -p "$H"
    [ -n "$1" ] && cp -a "$1/." "$H/"
    [ -n "$RUNUSER" ] && chown -R "$RUNUSER" "$H"
    chmod 755 "$H"
}
norm() { python3 "$W/norm.py" "$1"; }

# The messages: corpus files, else generated ones; plus one large message
# repeated so the data file rolls over (1 MB) during the script.
if [ -d "$CORPUS/python-test_email/data" ]; then
    for f in $(ls "$CORPUS/python-test_email/data"/msg_*.txt | head -n 30); do cp "$f" "$W/msgs/"; done
    echo "messages: $(ls "$W/msgs" | wc -l) from the corpus (python-test_email)"
else
    echo "note: ../shared/corpus absent: generated messages instead"
    for i in $(seq 1 20); do
        printf 'From: a%d@example.org\nTo: b@example.org\nSubject: message %d\nDate: Mon, 1 Jan 2001 00:00:%02d +0000\n\nbody %d\nline two\n' "$i" "$i" "$i" "$i" > "$W/msgs/m$(printf %02d $i).txt"
    done
fi
python3 - "$W/msgs/zz-large.txt" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("From: big@example.org\nSubject: large\n\n")
    for i in range(9000):
        f.write("line %06d of a large message to make the data file roll over\n" % i)
PY
MSGS=$(ls "$W"/msgs/* | sort)
BIG="$W/msgs/zz-large.txt"
chmod -R a+rX "$W/msgs"

# ---- (a) (b) (c): each library writes, both read
for writer in orig ours; do
    home_from ""
    run $writer "$W/mixtool" write box $MSGS $BIG $BIG $BIG > "$W/out/write-$writer" 2>&1
    echo "exit $?" >> "$W/out/write-$writer"
    rm -rf "$W/box-$writer"; cp -a "$H" "$W/box-$writer"
    norm "$H/box" > "$W/out/files-$writer"
    ndata=$(ls -a "$H/box" | grep -c '^\.mix[0-9a-f]')
    echo "     $writer wrote $(grep -c '^msg ' "$W/out/write-$writer") messages in $ndata data file(s)"
    for reader in orig ours; do
        home_from "$W/box-$writer"
        run $reader "$W/mixtool" dump box > "$W/out/dump-$writer-$reader" 2>&1
        echo "exit $?" >> "$W/out/dump-$writer-$reader"
    done
    if cmp -s "$W/out/dump-$writer-orig" "$W/out/dump-$writer-ours"; then
        ok "written by $writer: both libraries read the same ($(grep -c '^msg ' "$W/out/dump-$writer-orig") messages)"
    else
        bad "written by $writer: the libraries read differently"; diff "$W/out/dump-$writer-orig" "$W/out/dump-$writer-ours" | head -n 10
    fi
done
if cmp -s "$W/out/write-orig" "$W/out/write-ours"; then
    ok "the write script reports the same with both libraries"
else
    bad "the write script reports differently"; diff "$W/out/write-orig" "$W/out/write-ours" | head -n 10
fi
if cmp -s "$W/out/dump-orig-orig" "$W/out/dump-ours-orig"; then
    ok "the original reads the mailbox ours wrote as the one it wrote itself"
else
    bad "the original reads ours' mailbox differently from its own"; diff "$W/out/dump-orig-orig" "$W/out/dump-ours-orig" | head -n 10
fi
if cmp -s "$W/out/files-orig" "$W/out/files-ours"; then
    ok "metadata, index, status and data files are the same (times masked)"
else
    bad "the mailbox files differ (times masked)"; diff "$W/out/files-orig" "$W/out/files-ours" | head -n 10
fi

# ---- create/delete/rename/status/list of mix mailboxes
for lib in orig ours; do
    home_from ""
    run $lib "$W/mixtool" ops $(echo $MSGS | cut -d' ' -f1-3) > "$W/out/ops-$lib" 2>&1
    (cd "$H" && find . | sort | sed 's/\.mix[0-9a-f]\{8\}$/.mixT/') >> "$W/out/ops-$lib"
done
if cmp -s "$W/out/ops-orig" "$W/out/ops-ours"; then
    ok "create (#driver.mix/), append, status, list, rename (INBOX too), delete: same results, logs and files ($(grep -c ' -> ' "$W/out/ops-orig") operations)"
else
    bad "mailbox operations differ"; diff "$W/out/ops-orig" "$W/out/ops-ours" | head -n 10
fi

# ---- (d) two sessions, one per library
# pair LIB-A LIB-B OUT: sessions A and B on a copy of the original's box.
pair() {
    home_from "$W/box-orig"
    rm -f "$W/fa" "$W/fb"; mkfifo "$W/fa" "$W/fb"; chmod 666 "$W/fa" "$W/fb"
    : > "$W/sa"; : > "$W/sb"; chmod 666 "$W/sa" "$W/sb"
    run "$1" "$W/mixtool" session box < "$W/fa" > "$W/sa" 2>&1 &
    pa=$!
    exec 3>"$W/fa"
    waitfor "$W/sa" 0 || return 1
    run "$2" "$W/mixtool" session box < "$W/fb" > "$W/sb" 2>&1 &
    pb=$!
    exec 4>"$W/fb"
    waitfor "$W/sb" 0 || return 1
    na=0 nb=0
    A() { na=$((na + 1)); echo "$1" >&3; waitfor "$W/sa" $na; }
    B() { nb=$((nb + 1)); echo "$1" >&4; waitfor "$W/sb" $nb; }
    A show; B show
    B "append $W/msgs/$(ls "$W/msgs" | head -n 1) (\\Seen alpha)"
    A ping; A show
    A "set 1 \\Flagged beta"; A "clear 2 \\Seen"
    B ping; B show
    B "set 3 \\Deleted"; B expunge; B show
    A ping; A show
    A "append $W/msgs/$(ls "$W/msgs" | sed -n 2p) (\\Draft gamma)"
    A "set 2 newkeyword"
    B ping; B show
    A expunge; A show
    # One at a time: the last session to close burps the data files only
    # when it alone holds the metadata lock, so closing both at once races.
    echo quit >&3; exec 3>&-; wait $pa
    echo quit >&4; exec 4>&-; wait $pb
    { echo "== A"; cat "$W/sa"; echo "== B"; cat "$W/sb"; } > "$3"
    norm "$H/box" >> "$3"
}
# waitfor FILE N: until FILE has the line "done N" (10 s at most).
waitfor() {
    for _ in $(seq 1 200); do grep -qx "done $2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    echo "     (no answer $2 in $1)"; return 1
}
pair orig orig "$W/out/pair-orig-orig"
for p in "orig ours" "ours orig"; do
    set -- $p
    pair $1 $2 "$W/out/pair-$1-$2"
    if cmp -s "$W/out/pair-orig-orig" "$W/out/pair-$1-$2"; then
        ok "sessions A=$1 B=$2 on one mailbox see each other's appends, flags and expunges as the original's pair do"
    else
        bad "sessions A=$1 B=$2 differ from the original's pair"; diff "$W/out/pair-orig-orig" "$W/out/pair-$1-$2" | head -n 12
    fi
done
grep -q "uid" "$W/out/pair-orig-orig" || bad "the session transcript is empty"

# ---- (e) mailutil copy/transfer into mix with each library
if [ -x /usr/bin/mailutil ]; then
    src="$W/src"; mkdir -p "$src/folders"
    n=0
    if [ -d "$CORPUS" ]; then
        for f in $(find "$CORPUS" -name '*.mbox' -size -300k | sort | head -n 6); do
            n=$((n + 1)); cp "$f" "$src/folders/f$n"
        done
    fi
    if [ $n = 0 ]; then
        echo "note: no corpus mbox files: a generated one instead"
        for m in $MSGS; do echo "From someone@example.org Mon Jan  1 00:00:00 2001"; cat "$m"; echo; done > "$src/folders/f1"
    fi
    for lib in orig ours; do
        home_from "$src"
        for f in "$H"/folders/*; do
            b=$(basename "$f")
            run $lib mailutil copy "folders/$b" "#driver.mix/copied/$b" > "$W/out/mu-$lib" 2>&1
        done
        run $lib mailutil transfer "folders/" "#driver.mix/xfer/" >> "$W/out/mu-$lib" 2>&1
        : > "$W/out/mufiles-$lib"
        for d in "$H"/copied/* "$H"/xfer/folders/*; do
            [ -d "$d" ] || continue
            echo "== ${d#$H/}" >> "$W/out/mufiles-$lib"
            norm "$d" >> "$W/out/mufiles-$lib"
        done
        rm -rf "$W/mu-$lib"; cp -a "$H" "$W/mu-$lib"
    done
    cnt=$(grep -c '^== ' "$W/out/mufiles-orig")
    if [ "$cnt" -gt 0 ] && cmp -s "$W/out/mufiles-orig" "$W/out/mufiles-ours" && cmp -s "$W/out/mu-orig" "$W/out/mu-ours"; then
        ok "mailutil copy/transfer of $n mbox file(s) into mix: same output and files ($cnt mailboxes)"
    else
        bad "mailutil copy/transfer into mix differs ($cnt mailboxes by the original)"
        diff "$W/out/mu-orig" "$W/out/mu-ours" | head -n 6; diff "$W/out/mufiles-orig" "$W/out/mufiles-ours" | head -n 10
    fi
    for lib in orig ours; do
        home_from "$W/mu-$lib"
        : > "$W/out/mudump-$lib"
        for d in copied/f1 xfer/folders/f1; do run orig "$W/mixtool" dump "$d" >> "$W/out/mudump-$lib" 2>&1; done
    done
    if cmp -s "$W/out/mudump-orig" "$W/out/mudump-ours"; then
        ok "the original reads what mailutil wrote into mix with either library the same"
    else
        bad "mailutil's mix mailboxes read differently"; diff "$W/out/mudump-orig" "$W/out/mudump-ours" | head -n 8
    fi
else
    echo "SKIPPED (e): /usr/bin/mailutil absent"
fi

# ---- (f) bad input
# corrupt NAME SHELL-COMMAND [loose] (the command runs in the mailbox
# directory of a copy of the original's box). "loose": what the original
# shows of data past the end of a file is whatever its buffer held before,
# so message contents and the bytes quoted in its complaints are left out
# of the comparison.
corrupt() {
    name=$1 cmd=$2 loose=${3:-}
    for lib in orig ours; do
        home_from "$W/box-orig"
        (cd "$H/box" && eval "$cmd")
        rm -rf "$W/before"; cp -a "$H/box" "$W/before"
        timeout 20 bash -c "$(declare -f run); W='$W' H='$H' RUNUSER='$RUNUSER'; run $lib '$W/mixtool' open box" > "$W/out/bad-$lib" 2>&1
        rc=$?
        if [ -n "$loose" ]; then
            grep -v '^body' "$W/out/bad-$lib" | sed 's/, h=.*//' > "$W/out/loose"
            mv "$W/out/loose" "$W/out/bad-$lib"
        fi
        if diff -r "$W/before" "$H/box" >/dev/null 2>&1; then same=1; else same=0; fi
        eval "rc_$lib=$rc same_$lib=$same"
        [ $lib = orig ] && { rm -rf "$W/after-orig"; cp -a "$H/box" "$W/after-orig"; }
    done
    opened_orig=$(grep -c '^opened' "$W/out/bad-orig")
    opened_ours=$(grep -c '^opened' "$W/out/bad-ours")
    if [ "$rc_ours" -ge 124 ]; then
        bad "$name: ours crashed or hung (exit $rc_ours)"; tail -n 3 "$W/out/bad-ours"
    elif [ "$opened_orig" = 0 ] && [ "$opened_ours" != 0 ]; then
        bad "$name: the original refuses the mailbox, ours opened it"
    elif [ "$opened_ours" = 0 ] && [ "$same_ours" = 0 ]; then
        bad "$name: ours refused the mailbox but changed its files"
    elif [ "$opened_orig" != "$opened_ours" ]; then
        bad "$name: the original opens the mailbox, ours refuses it"; grep '^log' "$W/out/bad-ours" | head -n 3
    elif [ "$opened_ours" != 0 ] && ! cmp -s "$W/out/bad-orig" "$W/out/bad-ours"; then
        bad "$name: both open the mailbox but report differently"; diff "$W/out/bad-orig" "$W/out/bad-ours" | head -n 6
    elif [ "$opened_ours" != 0 ] && ! diff <(norm "$W/after-orig") <(norm "$H/box") >/dev/null; then
        bad "$name: both open the mailbox but leave different files"; diff <(norm "$W/after-orig") <(norm "$H/box") | head -n 6
    else
        why=$(grep '^log 2' "$W/out/bad-ours" | head -n 1 | cut -c 7-)
        ok "$name: no crash, $([ "$opened_ours" = 0 ] && echo "refused, files untouched" || echo "opened, reported and repaired as the original does")${why:+ ($why)}"
    fi
}
corrupt "empty .mixmeta" ': > .mixmeta'
corrupt "truncated .mixmeta" 'head -c 12 .mixmeta > t && cat t > .mixmeta && rm t'
corrupt ".mixmeta bad UIDVALIDITY" 'sed -i "2s/^V.*/V00000000\r/" .mixmeta'
corrupt ".mixmeta junk line" 'printf "Xjunk\r\n" >> .mixmeta'
corrupt ".mixmeta binary garbage" 'head -c 300 /dev/urandom > .mixmeta'
corrupt "truncated .mixindex" 'head -c 100 .mixindex > t && cat t > .mixindex && rm t'
corrupt ".mixindex unknown record" 'printf "zzz\r\n" >> .mixindex'
corrupt ".mixindex bad date" 'sed -i "2s/:20[0-9][0-9]/:2x0/" .mixindex'
corrupt ".mixindex UID beyond last" 'sed -i "2s/^:00000001:/:000000ff:/" .mixindex'
corrupt ".mixindex UIDs out of order" 'sed -i "3s/^:00000004:/:00000001:/" .mixindex'
corrupt ".mixindex missing data file" 'sed -i "2s/:6[0-9a-f]\{7\}:/:00000099:/" .mixindex'
corrupt "empty .mixindex sequence" 'sed -i "1s/^S.*/Sxyz\r/" .mixindex'
corrupt ".mixstatus garbage record" 'printf ":zz:\r\n" >> .mixstatus'
corrupt ".mixindex last record without its end" 'head -c -2 .mixindex > t && cat t > .mixindex && rm t'
corrupt ".mixindex extra CRLF lines" 'printf "\r\n\r\n" >> .mixindex'
corrupt "empty .mixstatus" ': > .mixstatus'
corrupt ".mixstatus bad sequence" 'sed -i "1s/^S.*/Snothex\r/" .mixstatus'
corrupt ".mixstatus truncated" 'head -c 50 .mixstatus > t && cat t > .mixstatus && rm t'
corrupt "data file message token damaged" 'f=$(ls -a | grep "^\.mix[0-9a-f]" | head -n 1); printf "XXXXX" | dd of=$f bs=1 conv=notrunc 2>/dev/null'
corrupt ".mixmeta keyword line damaged" 'printf "Kgood  bad\r\n" >> .mixmeta'
corrupt "data file cut short" 'f=$(ls -a | grep "^\.mix[0-9a-f]" | head -n 1); head -c 2000 $f > t && cat t > $f && rm t' loose
finish
