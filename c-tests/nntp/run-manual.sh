#!/bin/bash
# The reading half of the nntp suite (manual until the nntp driver is
# written: posting works, see run.sh, but the nntpdriver slots are still
# empty, so this comparison fails today; run it by hand):
# nntpdiff.c, compiled once against the ORIGINAL headers, reads and posts
# news on a private INN (c-tests/lib/inn.sh, 127.0.0.1:14420) with the
# original library and with ours; the outputs and the .newsrc files left
# must be the same. Each library gets the same fresh INN and spool.
# Last line: "N passed, M failed".
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/common.sh"
. "$HERE/../lib/inn.sh"

inn_available || skip_suite "INN (Debian inn2) not installed, or not root"
have_test_user || skip_suite "no user $CCT_USER"
[ -e "$CCT_LIBDIR/libc-client.so.2007e" ] || { fail "our library is not built (make)"; finish; }
PORT=14420
W=$(mktemp -d /tmp/nntp_suite_XXXXXX)
chmod 755 "$W"
trap 'inn_stop; rm -rf "$W"' EXIT
cc -w -I"$CCT_ORIG_INC" -o "$W/nntpdiff" "$HERE/nntpdiff.c" -lc-client || { fail "build nntpdiff.c"; finish; }
stage_lib "$W/lib"

# post GROUP SUBJECT BODY...: one article through NNTP POST (raw socket).
post() {
    python3 - "$PORT" "$@" <<'PY'
import socket, sys
port, group, subject = int(sys.argv[1]), sys.argv[2], sys.argv[3]
body = sys.argv[4:]
s = socket.create_connection(("127.0.0.1", port), timeout=30)
f = s.makefile("rwb")
def cmd(c):
    f.write(c.encode() + b"\r\n"); f.flush()
    return f.readline()
assert f.readline()[:1] == b"2"
cmd("MODE READER")
assert cmd("POST")[:3] == b"340"
art = ["From: Alice <alice@example.org>", "Newsgroups: " + group,
       "Subject: " + subject, ""] + body
for line in art:
    f.write((("." + line) if line.startswith(".") else line).encode() + b"\r\n")
f.write(b".\r\n"); f.flush()
r = f.readline()
assert r[:3] == b"240", r
cmd("QUIT")
PY
}

run() { # run LIB: fresh INN, three articles, the tool; output in $W/out.LIB
    local lib=$1 H=$W/home.$1
    inn_start "$W/inn" "$PORT" || { fail "start INN"; return 1; }
    post test.one "hello one" "first body" "..dotted line"
    post test.one "hello two" "second body"
    post test.two "elsewhere" "other group"
    rm -rf "$H"; mkdir -p "$H"; chown "$CCT_USER" "$H"
    local envlib="CCT_LIB=original"; [ "$lib" = ours ] && envlib="LD_LIBRARY_PATH=$W/lib"
    (cd "$H" && runuser -u "$CCT_USER" -- env "$envlib" HOME="$H" TZ=UTC \
        "$W/nntpdiff" "127.0.0.1:$PORT" test.one) 2>&1 | sed "s#$H#HOME#g" >"$W/out.$lib"
    { echo "== .newsrc"; cat "$H/.newsrc" 2>/dev/null; } >>"$W/out.$lib"
    inn_stop
}
run original
run ours
[ -n "$CCT_KEEP" ] && cp "$W"/out.* "$CCT_KEEP"/
if cmp -s "$W/out.original" "$W/out.ours"; then ok "read and post over NNTP"
else fail "read and post over NNTP"; diff "$W/out.original" "$W/out.ours" | head -n 40; fi
finish
