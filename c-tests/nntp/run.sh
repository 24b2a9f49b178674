#!/bin/bash
# nntp suite: the NNTP client, posting and reading. nntppost.c, compiled once against
# the ORIGINAL headers, posts articles with nntp_open_full/nntp_mail/
# nntp_close on a private INN (c-tests/lib/inn.sh, 127.0.0.1:14420) with
# the original library and with ours: the program's output (callbacks,
# results, reply codes) and the articles as the server stored them (read
# back with ARTICLE, server-made headers blanked) must be the same. Each
# library gets a fresh INN. The reading side: nntpread.c and nntpdiff.c
# on a corpus (below), through a recording relay (wiretap.py: the commands
# INN received from each library are compared too), and nntpread.c against
# scripted hostile servers
# (hostile-read.py).
# Last line: "N passed, M failed".
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/common.sh"
. "$HERE/../lib/inn.sh"

inn_available || skip_suite "INN (Debian inn2) not installed, or not root"
have_test_user || skip_suite "no user $CCT_USER"
[ -e "$CCT_LIBDIR/libc-client.so.2007e" ] || { fail "our library is not built (make)"; finish; }
PORT=14420
DEAD=14421
W=$(mktemp -d /tmp/nntp_suite_XXXXXX)
chmod 755 "$W"
trap 'inn_stop; rm -rf "$W"' EXIT
cc -w -I"$CCT_ORIG_INC" -o "$W/nntppost" "$HERE/nntppost.c" -lc-client || { fail "build nntppost.c"; finish; }
stage_lib "$W/lib"

# dump: every article of the test groups as the server holds it.
dump() {
    python3 - "$PORT" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
f = s.makefile("rwb")
def cmd(c):
    f.write(c.encode() + b"\r\n"); f.flush()
    return f.readline()
f.readline()
cmd("MODE READER")
for g in ("test.one", "test.two", "test.empty", "test.mod"):
    r = cmd("GROUP " + g).split()
    print("group", g, r[0].decode(), r[1].decode() if len(r) > 1 else "")
    if r[0] != b"211" or r[1] == b"0":
        continue
    for n in range(int(r[2]), int(r[3]) + 1):
        r = cmd("ARTICLE %d" % n)
        print(" article", n, r[:3].decode())
        if r[:3] != b"220":
            continue
        blank = False
        while True:
            line = f.readline()
            if line in (b".\r\n", b""):
                break
            if line[:1] in (b" ", b"\t") and blank:
                continue
            key = line.split(b":", 1)[0]
            blank = key in (b"Message-ID", b"Injection-Date", b"Injection-Info", b"Xref", b"NNTP-Posting-Date", b"NNTP-Posting-Host")
            if key in (b"Message-ID", b"Injection-Date", b"Injection-Info", b"Xref", b"NNTP-Posting-Date", b"NNTP-Posting-Host"):
                line = key + b": ...\r\n"
            print("  " + repr(line))
cmd("QUIT")
PY
}

run() { # run LIB: fresh INN, the tool; output in $W/out.LIB, articles in $W/arts.LIB
    local lib=$1 H=$W/home.$1
    inn_start "$W/inn" "$PORT" || { fail "start INN"; return 1; }
    rm -rf "$H"; mkdir -p "$H"; chown "$CCT_USER" "$H"
    local envlib="CCT_LIB=original"; [ "$lib" = ours ] && envlib="LD_LIBRARY_PATH=$W/lib"
    (cd "$H" && timeout 60 runuser -u "$CCT_USER" -- env "$envlib" HOME="$H" TZ=UTC \
        "$W/nntppost" "127.0.0.1:$PORT" "$DEAD"; echo "exit $?") 2>&1 |
        sed -e "s#$H#HOME#g" -e 's/^nntp_close .*/nntp_close/' -e 's/<[^<>@]*@[^<>]*>/<ID>/g' >"$W/out.$lib"
    dump >"$W/arts.$lib" 2>&1
    inn_stop
}
run original
run ours

# hostile: peer.py (scripted scenarios, one connection each) with each library.
HPORT=14422
hostile() { # hostile LIB N: output in $W/hout.LIB.N, what was sent in $W/wire.LIB.N
    local lib=$1 n=$2 H=$W/home.$1
    rm -f "$W/ready"
    timeout 60 python3 "$HERE/peer.py" "$HPORT" "$W/ready" "$W/wire.$lib.$n" "$n" &
    local ppid=$!
    for _ in $(seq 300); do [ -e "$W/ready" ] && break; sleep 0.1; done
    local envlib="CCT_LIB=original"; [ "$lib" = ours ] && envlib="LD_LIBRARY_PATH=$W/lib"
    (cd "$H" && timeout 60 runuser -u "$CCT_USER" -- env "$envlib" HOME="$H" TZ=UTC \
        "$W/nntppost" "127.0.0.1:$HPORT" - hostile "$n" 2>&1; echo "exit $?") |
        sed -e 's/^nntp_close .*/nntp_close/' >"$W/hout.$lib.$n"
    wait "$ppid"
}
NAMES=("greeting refused" "dropped during LIST EXTENSIONS" "endless extension block"
    "MODE READER wants AUTHINFO USER/PASS" "reply code out of range" "unexpected 2xx to the article"
    "dropped after the article" "POST refused, QUIT dropped" "read-only server"
    "continuation lines, POST wants auth, refused" "AUTHINFO SASL PLAIN on 480"
    "closed before the greeting" "dropped at AUTHINFO" "dropped at POST"
    "stalled after the article (read timeout)")
for n in "${!NAMES[@]}"; do
    hostile original "$n"
    hostile ours "$n"
    name="scripted peer: ${NAMES[$n]}"
    if grep -q '^exit 139' "$W/hout.original.$n"; then
        # The original dies here (nntp_mail builds its Path line from the
        # dead session's NETSTREAM); ours must fail cleanly instead.
        if grep -q '^exit 0' "$W/hout.ours.$n" && grep -q '^nntp_mail 0' "$W/hout.ours.$n" &&
            grep -q '^reply 400' "$W/hout.ours.$n"; then ok "$name (the original crashes; ours fails cleanly)"
        else fail "$name (the original crashes; ours fails cleanly)"; cat "$W/hout.ours.$n"; fi
    elif cmp -s "$W/hout.original.$n" "$W/hout.ours.$n" && cmp -s "$W/wire.original.$n" "$W/wire.ours.$n"; then
        ok "$name"
    else
        fail "$name"; diff "$W/hout.original.$n" "$W/hout.ours.$n" | head -n 20
        diff "$W/wire.original.$n" "$W/wire.ours.$n" | head -n 20
    fi
done

# reading: nntpread.c and nntpdiff.c, compiled once against the ORIGINAL
# headers, on a fresh INN holding the corpus (corpus.py) with each
# library; nntpread's output is compared section by section ("== name"),
# then nntpdiff's and the .newsrc files left.
cc -w -I"$CCT_ORIG_INC" -o "$W/nntpread" "$HERE/nntpread.c" -lc-client || fail "build nntpread.c"
cc -w -I"$CCT_ORIG_INC" -o "$W/nntpdiff" "$HERE/nntpdiff.c" -lc-client || fail "build nntpdiff.c"
# The readers reach INN through wiretap.py (port TAP), which records what
# each library sends: the commands are compared byte for byte below.
TAP=19150
reader() { # reader LIB: outputs in $W/read.LIB, $W/diff.LIB, commands in $W/tap.LIB.N
    local lib=$1 H=$W/rhome.$1
    inn_start "$W/inn" "$PORT" || { fail "start INN"; return 1; }
    python3 "$HERE/corpus.py" "$PORT" || fail "post the corpus ($lib)"
    rm -f "$W/ready" "$W/tap.$lib".*
    python3 "$HERE/wiretap.py" "$TAP" "$PORT" "$W/tap.$lib" "$W/ready" & local tap=$!
    for _ in $(seq 300); do [ -e "$W/ready" ] && break; sleep 0.1; done
    rm -rf "$H"; mkdir -p "$H"; chown "$CCT_USER" "$H"
    local envlib="CCT_LIB=original"; [ "$lib" = ours ] && envlib="LD_LIBRARY_PATH=$W/lib"
    (cd "$H" && timeout 60 runuser -u "$CCT_USER" -- env "$envlib" HOME="$H" TZ=UTC \
        "$W/nntpread" "127.0.0.1:$TAP" test.one test.two; echo "exit $?") 2>&1 |
        sed -e "s#$H#HOME#g" >"$W/read.$lib"
    { echo "== .newsrc after nntpread"; cat "$H/.newsrc" 2>/dev/null
      for f in "$H"/.newsrc-*; do [ -e "$f" ] && { echo "${f#"$H"/}:"; cat "$f"; }; done; } >>"$W/read.$lib"
    (cd "$H" && timeout 60 runuser -u "$CCT_USER" -- env "$envlib" HOME="$H" TZ=UTC \
        "$W/nntpdiff" "127.0.0.1:$TAP" test.one; echo "exit $?") 2>&1 |
        sed -e "s#$H#HOME#g" >"$W/diff.$lib"
    { echo "== .newsrc"; cat "$H/.newsrc" 2>/dev/null; } >>"$W/diff.$lib"
    if [ -n "$HAVE_PHP" ]; then
        # Sizes are masked: each library reads its own INN, whose
        # Injection-Info and Injection-Date lines can differ in length (a
        # process number, a time), so the servers' sizes differ by a byte.
        sed "s/@PORT@/$TAP/g" "$HERE/read.php" >"$W/read.php"; chmod 644 "$W/read.php"
        (cd "$H" && timeout 60 runuser -u "$CCT_USER" -- env "$envlib" HOME="$H" TZ=UTC \
            php "$W/read.php"; echo "exit $?") 2>&1 |
            sed -e "s#$H#HOME#g" -e 's/\[\(date\|Date\|MailDate\|udate\|size\|Size\)\] => .*/[\1] => X/' \
                -e 's/<[^<>@]*@inntest[^<>]*>/<ID>/g' -e 's/<[^<>@ ]*\$[^<>@ ]*@[^<>]*>/<ID>/g' >"$W/php.$lib"
    fi
    kill "$tap" 2>/dev/null; wait "$tap" 2>/dev/null
    inn_stop
    # Every connection's commands, in the order the connections came.
    local i=0
    : >"$W/cmds.$lib"
    while [ -e "$W/tap.$lib.$i" ]; do
        echo "== connection $i" >>"$W/cmds.$lib"; cat "$W/tap.$lib.$i" >>"$W/cmds.$lib"; i=$((i + 1))
    done
}
HAVE_PHP=
command -v php >/dev/null && php -m 2>/dev/null | grep -qi '^imap$' && HAVE_PHP=1
reader original
reader ours
# sections NAME FILE: the lines of section NAME.
sections() { awk -v want="$1" '/^== /{cur=substr($0,4); next} cur==want' "$2"; }
grep -q '^== close' "$W/read.original" || fail "nntpread stopped early with the original (test bed broken?)"
grep '^== ' "$W/read.original" | cut -c4- | while IFS= read -r sec; do echo "$sec"; done >"$W/sections"
while IFS= read -r sec; do
    if [ "$(sections "$sec" "$W/read.original")" = "$(sections "$sec" "$W/read.ours")" ]; then
        ok "read over NNTP: $sec"
    else
        fail "read over NNTP: $sec"
        diff <(sections "$sec" "$W/read.original") <(sections "$sec" "$W/read.ours") | head -n 30
    fi
done <"$W/sections"
if cmp -s "$W/read.original" "$W/read.ours"; then ok "read over NNTP: the whole session (order of sections, exit)"
else fail "read over NNTP: the whole session (order of sections, exit)"; diff "$W/read.original" "$W/read.ours" | head -n 20; fi
if [ -z "$HAVE_PHP" ]; then skip "PHP imap extension not installed"
elif cmp -s "$W/php.original" "$W/php.ours" && grep -q 'hello one' "$W/php.ours"; then
    ok "PHP imap_open /nntp: overview, headerinfo, body, search, sort, status, list"
else fail "PHP imap_open /nntp: overview, headerinfo, body, search, sort, status, list"
    diff -a "$W/php.original" "$W/php.ours" | head -n 30; fi
if cmp -s "$W/diff.original" "$W/diff.ours"; then ok "nntpdiff: read, mark, close (.newsrc written), post"
else fail "nntpdiff: read, mark, close (.newsrc written), post"; diff "$W/diff.original" "$W/diff.ours" | head -n 40; fi
if [ "$(grep -c '^== connection' "$W/cmds.original")" -gt 3 ] && cmp -s "$W/cmds.original" "$W/cmds.ours"; then
    ok "read over NNTP: the commands INN received, byte for byte ($(grep -c '^== connection' "$W/cmds.ours") connections)"
else fail "read over NNTP: the commands INN received"; diff -a "$W/cmds.original" "$W/cmds.ours" | head -n 40; fi

# hostile reading: hostile-read.py (one scripted server per case) with
# nntpread in its short mode (open, overviews, headers, texts, close).
RPORT=15100
hread() { # hread LIB N: output in $W/rout.LIB.N, what was sent in $W/rwire.LIB.N
    local lib=$1 n=$2 H=$W/rhome.$1
    rm -f "$W/ready"
    timeout 60 python3 "$HERE/hostile-read.py" "$RPORT" "$W/ready" "$W/rwire.$lib.$n" "$n" &
    local ppid=$!
    for _ in $(seq 300); do [ -e "$W/ready" ] && break; sleep 0.1; done
    local envlib="CCT_LIB=original"; [ "$lib" = ours ] && envlib="LD_LIBRARY_PATH=$W/lib"
    (cd "$H" && timeout 30 runuser -u "$CCT_USER" -- env "$envlib" HOME="$H" TZ=UTC \
        "$W/nntpread" "127.0.0.1:$RPORT" test.h - hostile 2>&1; echo "exit $?") >"$W/rout.$lib.$n"
    wait "$ppid"
}
RNAMES=("OVER truncated by a dropped connection" "endless OVER" "dropped during LISTGROUP"
    "dropped at HEAD" "BODY truncated by a dropped connection"
    "absurd count, out-of-range and missing article numbers" "overview lines that are not"
    "endless BODY" "GROUP reply code out of range" "last article number below the first"
    "no OVER, LISTGROUP or HDR: XOVER, range assumed" "dropped at MODE READER"
    "article range past the cache's maximum" "OVER 0 answered as by Netscape Collabra: XOVER"
    "articles gone: HEAD and BODY answered 430" "closed before the greeting"
    "dropped at GROUP" "dot-stuffing error in BODY (unstuffed dot, early lone dot)"
    "stalled at GROUP (read timeout)" "stalled in the middle of OVER (read timeout)")
for n in "${!RNAMES[@]}"; do
    name="hostile NNTP server: ${RNAMES[$n]}"
    case $n in
    1|7) # The original reads an endless reply as long as it comes; ours
         # drops the connection past a bound and closes cleanly.
        hread ours "$n"
        if grep -q '^exit 0' "$W/rout.ours.$n" && grep -q 'endless reply' "$W/rout.ours.$n"; then
            ok "$name (ours gives up)"
        else fail "$name (ours gives up)"; tail -n 20 "$W/rout.ours.$n"; fi
        continue;;
    esac
    hread original "$n"
    hread ours "$n"
    if died_by_signal "$(sed -n 's/^exit //p' "$W/rout.original.$n")"; then
        if grep -q '^exit 0' "$W/rout.ours.$n"; then ok "$name (the original crashes; ours closes cleanly)"
        else fail "$name (the original crashes; ours closes cleanly)"; tail -n 20 "$W/rout.ours.$n"; fi
    elif cmp -s "$W/rout.original.$n" "$W/rout.ours.$n" && cmp -s "$W/rwire.original.$n" "$W/rwire.ours.$n"; then
        ok "$name"
    else
        fail "$name"; diff "$W/rout.original.$n" "$W/rout.ours.$n" | head -n 20
        diff "$W/rwire.original.$n" "$W/rwire.ours.$n" | head -n 20
    fi
done
[ -n "$CCT_KEEP" ] && cp "$W"/out.* "$W"/arts.* "$W"/hout.* "$W"/wire.* "$W"/read.* "$W"/diff.* "$W"/php.* "$W"/rout.* "$W"/rwire.* "$W"/cmds.* "$CCT_KEEP"/
grep -q '^nntp_mail 1' "$W/out.original" || fail "the original posted nothing (test bed broken?)"
if cmp -s "$W/out.original" "$W/out.ours"; then ok "nntp_open_full/nntp_mail/nntp_close: callbacks, results, replies"
else fail "nntp_open_full/nntp_mail/nntp_close: callbacks, results, replies"; diff "$W/out.original" "$W/out.ours" | head -n 40; fi
if cmp -s "$W/arts.original" "$W/arts.ours"; then ok "the posted articles as the server stored them"
else fail "the posted articles as the server stored them"; diff "$W/arts.original" "$W/arts.ours" | head -n 40; fi
finish
