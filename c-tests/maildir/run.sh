#!/bin/bash
# The Maildir driver (an addition: the original has none) against Dovecot.
#
#  (a) our library writes a Maildir (appends of corpus messages with flags,
#      keywords and internal dates, flag changes, an expunge); Dovecot's
#      doveadm reads it: same messages, flags, keywords, UIDs, dates.
#  (b) Dovecot delivers (doveadm save) and flags a Maildir++ folder; our
#      driver reads it as #mc/NAME: the same; then we change flags and
#      Dovecot sees the change with UIDs unchanged.
#  (c) Debian's mailutil (with our library, mddriver registered by a
#      preloaded shim) transfers unix mailboxes to #md/... and back: the
#      messages, flags and internal dates survive both ways.
#  (d) bad input: missing cur/, a corrupt dovecot-uidlist, files vanishing
#      behind an open stream: a clear error or a repaired read, no crash.
#  (e) a 100,000-message Maildir opens without reading any message file.
#
# Dovecot is used through doveadm only (no server), as the test user, with
# a private configuration in the scratch directory.
. "$(dirname "$0")/../lib/common.sh"
here=$(cd "$(dirname "$0")" && pwd)

[ -f "$CCT_LIBDIR/libc-client.so.2007e" ] || skip_suite "build/lib not built (run make)"
have_test_user || skip_suite "test user $CCT_USER missing"
command -v doveadm >/dev/null || skip_suite "doveadm missing (apt-get install dovecot-core dovecot-imapd)"
corpus=""
for c in "$CCT_ROOT/../shared/corpus" "$CCT_ROOT/../../shared/corpus"; do
    [ -d "$c" ] && corpus=$(cd "$c" && pwd) && break
done

W=$(mktemp -d /tmp/maildir-XXXXXX)
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT
H=$W/home
mkdir -p "$H" "$W/link" "$W/msgs" "$W/dv/run" "$W/dv/state"

# A linkage.c that registers the Maildir driver first.
make -s --no-print-directory -C "$CCT_ROOT" linkage-only LINKAGE_OUT="$W/link" \
    EXTRADRIVERS="md mbox" || { fail "linkage with EXTRADRIVERS=md"; finish; }
cc -w -I"$W/link" -I"$CCT_INCDIR" -o "$W/mdtool" "$here/mdtool.c" \
    -L"$CCT_LIBDIR" -lc-client || { fail "mdtool does not build"; finish; }
cc -w -shared -fPIC -I"$CCT_INCDIR" -o "$W/shim.so" "$here/shim.c" \
    -L"$CCT_LIBDIR" -lc-client || { fail "shim does not build"; finish; }

# Messages: corpus .eml files when there is a corpus, generated ones too.
n=0
if [ -n "$corpus" ]; then
    while IFS= read -r f; do
        head -n 1 "$f" | grep -Eq '^[A-Za-z][A-Za-z0-9-]*:' || continue
        grep -qaP '\x00|\r' "$f" && continue
        [ -n "$(tail -c 1 "$f")" ] && continue
        n=$((n + 1))
        cp "$f" "$W/msgs/$(printf %03d $n)"
        [ $n -ge 30 ] && break
    done < <(find "$corpus" -name '*.eml' -size -60k | LC_ALL=C sort)
else
    echo "note: ../shared/corpus absent; generated messages only"
fi
for i in 1 2 3 4 5 6; do
    n=$((n + 1))
    printf 'From: gen%d@example.org\nTo: x@example.org\nSubject: generated %d\nDate: Mon, 1 Mar 2021 10:0%d:00 +0000\n\nline one of %d\n\nline three\n' \
        $i $i $i $i > "$W/msgs/$(printf %03d $n)"
done
NMSG=$n
echo "$NMSG messages"
chown -R "$CCT_USER" "$W" 2>/dev/null

cat > "$W/dv/dovecot.conf" <<CONF
base_dir = $W/dv/run
state_dir = $W/dv/state
log_path = $W/dv/log
ssl = no
mail_location = maildir:~/Maildir
CONF
chown -R "$CCT_USER" "$W/dv" 2>/dev/null

as() {
    if is_root; then runuser -u "$CCT_USER" -- env HOME="$H" USER="$CCT_USER" "$@"
    else env HOME="$H" USER="$CCT_USER" "$@"; fi
}
ours() { as env LD_LIBRARY_PATH="$CCT_LIBDIR" "$W/mdtool" "$@"; }
dove() { as doveadm -c "$W/dv/dovecot.conf" "$@"; }

# Dovecot's view of mailbox $1 in our dump's form, texts into dir $2.
dove_dump() {
    local box=$1 out=$2
    mkdir -p "$out"
    local st
    st=$(dove -f flow mailbox status 'messages uidvalidity' "$box") || return 1
    echo "count $(echo "$st" | sed -n 's/.*messages=\([0-9]*\).*/\1/p') validity $(echo "$st" | sed -n 's/.*uidvalidity=\([0-9]*\).*/\1/p')"
    dove -f flow fetch 'uid date.received.unixtime flags' mailbox "$box" all |
    while IFS= read -r line; do
        uid=$(echo "$line" | sed -n 's/^uid=\([0-9]*\) .*/\1/p')
        date=$(echo "$line" | sed -n 's/.*date.received.unixtime=\([0-9]*\).*/\1/p')
        flags=$(echo "$line" | sed -n 's/.*flags=//p' | tr ' ' '\n' | grep -v '^\\Recent$' | grep -v '^$' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
        echo "uid $uid date $date flags${flags:+ $flags}"
        dove fetch text mailbox "$box" uid "$uid" | tail -n +2 | tr -d '\r' > "$out/$uid"
    done
}
# Our view of $1 (through mdtool) in the same form.
our_dump() {
    mkdir -p "$2"; chown "$CCT_USER" "$2" 2>/dev/null
    ours dump "$1" "$2" 2>"$W/ourlog"
}
same_dumps() { # NAME OURS-TXT OURS-DIR DOVE-TXT DOVE-DIR
    if diff "$2" "$4" >"$W/diff" && diff -r "$3" "$5" >>"$W/diff"; then
        ok "$1 ($(grep -c '^uid' "$2") messages)"
    else
        fail "$1"; head -n 20 "$W/diff"
    fi
}
flagset() { # message number -> flags for the append
    case $(($1 % 6)) in
        0) echo "" ;; 1) echo '\Seen' ;; 2) echo '\Seen \Answered' ;;
        3) echo '\Flagged $Forwarded' ;; 4) echo '\Draft Junk NonJunk' ;;
        5) echo '\Deleted \Seen $Label1' ;;
    esac
}

# ---------------- (a) we write, Dovecot reads
check "create #md/INBOX" ours create '#md/INBOX'
bad=0
for f in "$W"/msgs/*; do
    i=$((10#$(basename "$f")))
    if [ $((i % 4)) -eq 0 ]; then
        ours appenddate '#md/INBOX' "$(flagset $i)" "1$((i % 9))-Mar-2021 08:3$((i % 6)):00 +0100" "$f" 2>>"$W/applog" || bad=$((bad + 1))
    else
        ours append '#md/INBOX' "$(flagset $i)" "$f" 2>>"$W/applog" || bad=$((bad + 1))
    fi
done
check "append of $NMSG messages with flags and keywords" [ $bad -eq 0 ]
check "dovecot-uidlist written in version 3" grep -q '^3 V[0-9]* N[0-9]*' "$H/Maildir/dovecot-uidlist"
check "dovecot-keywords written" grep -q ' \$Forwarded$' "$H/Maildir/dovecot-keywords"
our_dump '#md/INBOX' "$W/a-ours" > "$W/a-ours.txt"
dove_dump INBOX "$W/a-dove" > "$W/a-dove.txt"
same_dumps "(a) Dovecot reads what we appended: messages, flags, keywords, UIDs, dates" \
    "$W/a-ours.txt" "$W/a-ours" "$W/a-dove.txt" "$W/a-dove"
check "(a) dates given to append are the internal dates Dovecot reports" \
    grep -q "date $(date -d '2021-03-14 08:34:00 +0100' +%s) " "$W/a-dove.txt"
# Flag changes and an expunge through us; Dovecot (whose index now knows
# the mailbox) must follow.
ours flag '#md/INBOX' '1:3' '\Answered Junk' set 2>>"$W/applog"
ours flag '#md/INBOX' '2' '\Seen' clear 2>>"$W/applog"
ours expunge '#md/INBOX' 2>>"$W/applog"
rm -rf "$W/a2-ours" "$W/a2-dove"
our_dump '#md/INBOX' "$W/a2-ours" > "$W/a2-ours.txt"
dove_dump INBOX "$W/a2-dove" > "$W/a2-dove.txt"
check "(a) expunge removed the \\Deleted messages" [ "$(grep -c '^uid' "$W/a2-ours.txt")" -lt "$(grep -c '^uid' "$W/a-ours.txt")" ]
same_dumps "(a) after our flag changes and expunge Dovecot agrees" \
    "$W/a2-ours.txt" "$W/a2-ours" "$W/a2-dove.txt" "$W/a2-dove"

# ---------------- (b) Dovecot writes, we read
dove mailbox create Dove >/dev/null 2>&1
bad=0
for f in "$W"/msgs/*; do dove save -m Dove < "$f" || bad=$((bad + 1)); done
check "doveadm save of $NMSG messages" [ $bad -eq 0 ]
dove flags add '\Seen Junk' mailbox Dove uid 2:5 &&
dove flags add '\Answered $Label2' mailbox Dove uid 4:8 &&
dove flags add '\Draft' mailbox Dove uid 9 &&
dove flags add '\Deleted' mailbox Dove uid 3 &&
dove expunge mailbox Dove uid 3 &&
dove flags add '\Flagged' mailbox Dove uid 10:*
check "doveadm flags and expunge" [ $? -eq 0 ]
our_dump '#mc/Dove' "$W/b-ours" > "$W/b-ours.txt"
dove_dump Dove "$W/b-dove" > "$W/b-dove.txt"
same_dumps "(b) we read what Dovecot delivered and flagged (#mc/Dove)" \
    "$W/b-ours.txt" "$W/b-ours" "$W/b-dove.txt" "$W/b-dove"
ours flag '#mc/Dove' '1,6' '\Flagged Junk' set 2>>"$W/applog"
ours flag '#mc/Dove' '4' '\Seen' clear 2>>"$W/applog"
ours flag '#mc/Dove' '7:8' 'NewKeyword' set 2>>"$W/applog"
rm -rf "$W/b2-ours" "$W/b2-dove"
our_dump '#mc/Dove' "$W/b2-ours" > "$W/b2-ours.txt"
dove_dump Dove "$W/b2-dove" > "$W/b2-dove.txt"
same_dumps "(b) Dovecot sees our flag changes, UIDs unchanged" \
    "$W/b2-ours.txt" "$W/b2-ours" "$W/b2-dove.txt" "$W/b2-dove"
check "(b) the flag change reached the file names" grep -q '^uid 1 .*\\Flagged' "$W/b2-dove.txt"
check "(b) a keyword we created is one Dovecot shows" grep -q '^uid 8 .*NewKeyword' "$W/b2-dove.txt"
if ours list '' '#mc/*' | grep -qx 'LIST / #mc/Dove'; then ok "LIST #mc/* shows the Maildir++ folder"; else fail "LIST #mc/*"; fi
dove mailbox create 'Sub.Child' >/dev/null 2>&1
if ours list '#mc/' '%/%' | grep -qx 'LIST / #mc/Sub/Child'; then ok "LIST shows nested Maildir++ folders"; else fail "LIST #mc/%/%"; fi
st=$(ours status '#mc/Dove' 2>&1)
dst=$(dove -f flow mailbox status 'messages unseen uidnext' Dove)
if [ "$(echo "$st" | sed -n 's/.*messages \([0-9]*\) .*unseen \([0-9]*\) uidnext \([0-9]*\).*/\1 \2 \3/p')" = \
     "$(for k in messages unseen uidnext; do echo "$dst" | tr ' ' '\n' | sed -n "s/^$k=//p"; done | tr '\n' ' ' | sed 's/ $//')" ]; then
    ok "STATUS messages/unseen/uidnext agree with Dovecot"
else
    fail "STATUS: ours '$st' Dovecot '$dst'"
fi

# ---------------- (c) mailutil transfer unix -> #md/ -> unix
if command -v mailutil >/dev/null; then
    mu() { as env LD_LIBRARY_PATH="$CCT_LIBDIR" LD_PRELOAD="$W/shim.so" mailutil "$@"; }
    ours create mbx/box1 2>/dev/null; ours create mbx/box2 2>/dev/null
    for f in "$W"/msgs/*; do
        i=$((10#$(basename "$f")))
        ours appenddate "mbx/box$((i % 2 + 1))" "$(flagset $i)" "0$((i % 9 + 1))-Apr-2020 1$((i % 10)):00:00 -0500" "$f" 2>>"$W/applog"
    done
    mu transfer mbx '#md/xfer/' > "$W/xfer1.log" 2>&1
    check "(c) mailutil transfer mbx -> #md/xfer/" [ -d "$H/xfer/mbx/box1/cur" ] 
    mu transfer '#md/xfer/' back/ > "$W/xfer2.log" 2>&1
    check "(c) mailutil transfer #md/xfer/ -> back/" [ -f "$H/back/#md/xfer/mbx/box1" ]
    for b in box1 box2; do
        rm -rf "$W/c1" "$W/c2" "$W/c3"
        our_dump "mbx/$b" "$W/c1" | sed 's/^uid [0-9]* /uid /; s/ validity [0-9]*//' > "$W/c1.txt"
        our_dump "#md/xfer/mbx/$b" "$W/c2" | sed 's/^uid [0-9]* /uid /; s/ validity [0-9]*//' > "$W/c2.txt"
        our_dump "back/#md/xfer/mbx/$b" "$W/c3" | sed 's/^uid [0-9]* /uid /; s/ validity [0-9]*//' > "$W/c3.txt"
        # Texts are named by UID; each format numbers from 1.
        if [ -s "$W/c1.txt" ] && diff "$W/c1.txt" "$W/c2.txt" >"$W/diff" && diff -r "$W/c1" "$W/c2" >>"$W/diff"; then
            ok "(c) $b: unix -> Maildir keeps messages, flags, keywords, dates ($(grep -c '^uid' "$W/c1.txt"))"
        else fail "(c) $b: unix -> Maildir"; head -n 10 "$W/diff"; fi
        if [ -s "$W/c1.txt" ] && diff "$W/c1.txt" "$W/c3.txt" >"$W/diff" && diff -r "$W/c1" "$W/c3" >>"$W/diff"; then
            ok "(c) $b: Maildir -> unix gives back the original mailbox"
        else fail "(c) $b: Maildir -> unix"; head -n 10 "$W/diff"; fi
    done
    rm -rf "$W/c4" "$W/c5"
    our_dump "xfer/mbx/box1" "$W/c4" > "$W/c4.txt"
    our_dump "#md/xfer/mbx/box1" "$W/c5" > "$W/c5.txt"
    if [ -s "$W/c4.txt" ] && diff "$W/c4.txt" "$W/c5.txt" >/dev/null && diff -r "$W/c4" "$W/c5" >/dev/null; then
        ok "a plain name whose directory holds cur/ and new/ opens as that Maildir"
    else fail "Maildir detection of xfer/mbx/box1"; fi
else
    skip "(c) mailutil not installed (uw-mailutils)"
fi

# ---------------- (d) bad input
ours create '#md/bad1' 2>/dev/null
for f in "$W"/msgs/00[1-3]; do ours append '#md/bad1' '\Seen' "$f" 2>/dev/null; done
rm -rf "$H/bad1/cur"
out=$(ours dump '#md/bad1' "$W" 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q 'cur/ is missing'; then ok "(d) missing cur/: clear error"; else fail "(d) missing cur/: rc $rc: $out"; fi
ours create '#md/bad2' 2>/dev/null
for f in "$W"/msgs/00[1-4]; do ours append '#md/bad2' '' "$f" 2>/dev/null; done
for junk in 'garbage' '3 V' '3 Vabc N1' "$(head -c 300 /dev/urandom | tr -d '\0')" '3 V5 N2
9 :x
2 :y
bogus line'; do
    printf '%s\n' "$junk" > "$H/bad2/dovecot-uidlist"
    out=$(ours count '#md/bad2' 2>&1); rc=$?
    if [ $rc -eq 0 ] && echo "$out" | grep -q '^count 4 '; then ok "(d) corrupt dovecot-uidlist repaired ($(echo "$junk" | head -c 12 | tr -cd '[:print:]')...)"
    else fail "(d) corrupt dovecot-uidlist: rc $rc: $out"; fi
done
rm -rf "$W/d-ours" "$W/d-dove"
our_dump '#md/bad2' "$W/d-ours" > "$W/d-ours.txt"
mv "$H/Maildir" "$H/Maildir.keep"; ln -s "$H/bad2" "$H/Maildir"
dove_dump INBOX "$W/d-dove" > "$W/d-dove.txt"
rm "$H/Maildir"; mv "$H/Maildir.keep" "$H/Maildir"
same_dumps "(d) after a repair Dovecot agrees with our UIDs" \
    "$W/d-ours.txt" "$W/d-ours" "$W/d-dove.txt" "$W/d-dove"
out=$(ours vanish '#md/bad2' "$H/bad2" 2>&1); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q '^fetch empty' && echo "$out" | grep -q '^after 0$'; then
    ok "(d) files vanishing behind an open stream: empty fetch, expunged at ping"
else fail "(d) vanishing files: rc $rc: $out"; fi

# ---------------- (e) 100,000 messages without reading them
big=$H/big
as python3 - "$big" <<'PY'
import os, sys
root = sys.argv[1]
for d in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(root, d), exist_ok=True)
body = b"Subject: x\n\nbody\n"
cur = os.path.join(root, "cur")
for i in range(100000):
    with open(os.path.join(cur, "%d.M%dP1.big,S=%d:2,%s" % (1600000000 + i, i, len(body), "S" if i % 3 else "")), "wb") as f:
        f.write(body)
PY
if command -v strace >/dev/null; then
    as env LD_LIBRARY_PATH="$CCT_LIBDIR" strace -f -e trace=openat -o "$W/strace" "$W/mdtool" count '#md/big' > "$W/big.out" 2>&1
    opened=$(grep -c '/big/cur/[0-9]' "$W/strace")
    if grep -q '^count 100000 last 100000' "$W/big.out" && [ "$opened" -eq 0 ]; then
        ok "(e) 100,000-message Maildir opens without opening a message file"
    else fail "(e) big Maildir: $(cat "$W/big.out" | head -3), $opened message files opened"; fi
else
    skip "(e) strace missing: message-file opens not counted"
fi
start=$(date +%s.%N)
out=$(ours count '#md/big' 2>&1)
secs=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo "?")
echo "open of 100,000 messages (second open): ${secs}s"
check "(e) second open of 100,000 messages keeps the UIDs" [ "$out" = "count 100000 last 100000" ]

finish
