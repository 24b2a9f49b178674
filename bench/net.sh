#!/bin/bash
# Network benchmark: the original c-client and ours, same program
# (bench/net_bench.c, built once against the original's headers), same
# servers, one run; prints wall time, the client's CPU time and peak RSS
# with ours/original ratios, as bench/mailbox.sh (below 1: ours takes
# less; the target "2x the original" is a time ratio of 0.5 or less).
# Reported, never asserted.
#   POP3: 1,000 messages fetched (header and text) from a private Dovecot
#   NNTP: 1,000 overviews (mail_fetch_overview) from a private INN
#   SMTP: 1,000 messages sent over one session to a recording peer
#         (c-tests/smtp/sink.py, which offers PIPELINING), then to a
#         private Postfix (c-tests/lib/postfix.sh) when installed
# Loopback ports 15300-15322.  Needs root for Dovecot and INN (skipped
# without them).
#   BENCH_NET_COUNT=1000   messages/articles
#   BENCH_ROUNDS=2         timed runs per library (alternating; best counts)
#   BENCH_NET_ONLY=smtp    only these (any of pop3 nntp smtp; default all)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/c-tests/lib/common.sh"
. "$root/c-tests/lib/dovecot.sh"
. "$root/c-tests/lib/inn.sh"
. "$root/c-tests/lib/postfix.sh"
N=${BENCH_NET_COUNT:-1000}
ROUNDS=${BENCH_ROUNDS:-2}
ours=$root/build/lib
[ -e "$ours/libc-client.so.2007e" ] || { echo "net bench: build/lib not staged; skipped"; exit 0; }
W=$(mktemp -d /tmp/netbench.XXXXXX)
chmod 755 "$W"
sink_pid=
trap 'postfix_stop >/dev/null 2>&1; dovecot_stop >/dev/null 2>&1; inn_stop >/dev/null 2>&1; [ -n "$sink_pid" ] && kill $sink_pid 2>/dev/null; rm -rf "$W"' EXIT
gcc -O2 -w -I"$CCT_ORIG_INC" -o "$W/net_bench" "$root/bench/net_bench.c" -lc-client || exit 1

val() { sed -n "s/^RESULT .*$2=\([^ ]*\).*/\1/p" "$1" 2>/dev/null; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "") print b; else if (b == "") print a; else print (a + 0 < b + 0 ? a : b) }'; }
printf '%-7s %6s %9s %9s %6s %9s %9s %6s %9s %9s %6s\n' bench items orig_s ours_s ratio orig_cpu ours_cpu ratio orig_rss ours_rss ratio
# bench NAME ARGS...: both libraries, ROUNDS each, alternating; one line.
bench() {
    local name=$1; shift
    local r=0 os="" us="" oc="" uc="" skip=""
    while [ $r -lt "$ROUNDS" ]; do
        timeout 300 "$W/net_bench" "$@" >"$W/o.out" 2>"$W/o.err"
        LD_LIBRARY_PATH=$ours timeout 300 "$W/net_bench" "$@" >"$W/u.out" 2>"$W/u.err"
        os=$(min "$os" "$(val "$W/o.out" seconds)"); oc=$(min "$oc" "$(val "$W/o.out" cpu)")
        us=$(min "$us" "$(val "$W/u.out" seconds)"); uc=$(min "$uc" "$(val "$W/u.out" cpu)")
        r=$((r + 1))
    done
    if [ "$name" = nntp ] && grep -q 'open failed' "$W/u.out"; then skip=1; fi
    if [ -n "$skip" ]; then
        printf '%-7s %6s %9s %9s %6s %9s %9s %6s %9s %9s %6s\n' "$name" "$(val "$W/o.out" items)" "$os" skipped - "$oc" - - \
            "$(val "$W/o.out" maxrss_kb)" - -
        echo "  ($name: our driver does not open the group yet: skipped)"
        return
    fi
    printf '%-7s %6s %9s %9s %6s %9s %9s %6s %9s %9s %6s\n' "$name" "$(val "$W/u.out" items)" "$os" "$us" "$(ratio "$us" "$os")" \
        "$oc" "$uc" "$(ratio "$uc" "$oc")" "$(val "$W/o.out" maxrss_kb)" "$(val "$W/u.out" maxrss_kb)" \
        "$(ratio "$(val "$W/u.out" maxrss_kb)" "$(val "$W/o.out" maxrss_kb)")"
    [ "$(val "$W/o.out" items)" = "$(val "$W/u.out" items)" ] && [ "$(val "$W/o.out" sum)" = "$(val "$W/u.out" sum)" ] ||
        echo "  note ($name): results differ: original $(head -c 200 "$W/o.out" "$W/o.err" | tr '\n' ' ') / ours $(head -c 200 "$W/u.out" "$W/u.err" | tr '\n' ' ')"
}

want() { [ -z "${BENCH_NET_ONLY:-}" ] || [[ " $BENCH_NET_ONLY " == *" $1 "* ]]; }
# POP3 (Dovecot)
if ! want pop3; then :
elif dovecot_available; then
    if dovecot_start "$W/dc" 15300 >"$W/dc.log" 2>&1; then
        md=$DOVECOT_DIR/home/alice/Maildir
        mkdir -p "$md/new" "$md/cur" "$md/tmp"
        python3 - "$md/new" "$N" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    body = "".join("Line %d of message %d: the quick brown fox jumps over the lazy dog.\r\n" % (j, i) for j in range(20 + i % 40))
    if i % 7 == 0:
        body += ".a line with a leading dot\r\n"
    m = ("From: Sender %d <s%d@example.org>\r\nTo: alice@example.org\r\nSubject: message %d\r\n"
         "Date: Mon, 7 Dec 2026 10:00:00 +0000\r\nMessage-ID: <%d@example.org>\r\n\r\n" % (i, i, i, i)) + body
    open("%s/%06d.bench:2," % (d, i), "w", newline="").write(m)
PY
        chown -R "${CCLIENT_TEST_USER:-cloudsdk}:" "$md"
        bench pop3 pop3 "{127.0.0.1:$DOVECOT_POP3_PORT/pop3/notls}INBOX" alice alicepw
        dovecot_stop >/dev/null 2>&1
    else
        echo "pop3: Dovecot did not start: skipped"
    fi
else
    echo "pop3: Dovecot (or root) not available: skipped"
fi

# NNTP (INN)
if ! want nntp; then :
elif inn_available; then
    if inn_start "$W/inn" 15310 >"$W/inn.log" 2>&1; then
        python3 - 15310 "$N" <<'PY'
import socket, sys, email.utils
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
f = s.makefile("rb")
assert f.readline()[:1] == b"2"
date = email.utils.formatdate(localtime=False)
for i in range(1, n + 1):
    mid = "<bench.%d@example.org>" % i
    s.sendall(("IHAVE %s\r\n" % mid).encode())
    r = f.readline()
    if not r.startswith(b"335"):
        sys.exit("IHAVE: %r" % r)
    body = "".join("Line %d of article %d.\r\n" % (j, i) for j in range(5 + i % 20))
    art = ("Path: bench!not-for-mail\r\nFrom: poster%d@example.org\r\nNewsgroups: test.one\r\n"
           "Subject: article %d\r\nMessage-ID: %s\r\nDate: %s\r\n\r\n%s.\r\n" % (i, i, mid, date, body))
    s.sendall(art.encode())
    r = f.readline()
    if not r.startswith(b"235"):
        sys.exit("article %d: %r" % (i, r))
s.sendall(b"QUIT\r\n")
PY
        [ $? = 0 ] && bench nntp nntp "{127.0.0.1:15310/nntp}test.one" || echo "nntp: could not fill the group: skipped"
        inn_stop >/dev/null 2>&1
    else
        echo "nntp: INN did not start: skipped"
    fi
else
    echo "nntp: INN (or root) not available: skipped"
fi

want smtp || exit 0
# SMTP (recording peer)
echo plain >"$W/sc"
python3 "$root/c-tests/smtp/sink.py" 15320 "$W/sc" "$W/wire" >"$W/sink.log" 2>&1 & sink_pid=$!
for i in $(seq 50); do grep -q ready "$W/sink.log" && break; sleep 0.1; done
bench smtp smtp "127.0.0.1:15320" "$N"
kill $sink_pid 2>/dev/null; sink_pid=
if postfix_available; then
    if postfix_start "$W/pf" 15321 "" >"$W/pf.log" 2>&1; then
        bench postfix smtp "127.0.0.1:15321/notls" "$N"
        postfix_stop >/dev/null 2>&1
    else
        echo "postfix: did not start: skipped"
    fi
else
    echo "postfix: not installed: skipped"
fi
exit 0
