# Sourced by the news suites: a private INN (Debian inn2: innd, with
# nnrpd for readers) on 127.0.0.1 only, with its own inn.conf, database,
# spool and logs under a scratch directory, run in the foreground by the
# test and stopped by it. The system's INN service is never touched.
# Needs root (INN runs as the user "news").
#
#   inn_available             the binaries and the news user are there
#   inn_start DIR PORT        start; NNTP on 127.0.0.1:PORT
#   inn_stop                  stop it and wait until it is gone
#
# Groups: test.one, test.two, test.empty (posting allowed), test.mod
# (moderated), plus control and junk. Readers: everyone may read and post
# without authenticating; with AUTHINFO USER/PASS, the users in
# $INN_DIR/etc/passwd (alice/alicepw) are known to nnrpd (ckpasswd).
# With INN_AUTH_ONLY set, nobody reads or posts before AUTHINFO.
# After inn_start: INN_DIR, INN_PORT, INN_PID.

INN_BIN=/usr/lib/news/bin

inn_available() {
    [ -x "$INN_BIN/innd" ] && [ -x "$INN_BIN/nnrpd" ] && [ -x "$INN_BIN/makedbz" ] &&
        id news >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]
}

inn_start() {
    local d=$1 port=$2
    rm -rf "$d"
    mkdir -p "$d"/{etc,db,run,log,tmp,http,spool/{articles,overview,outgoing,incoming,archive}}
    chmod 755 "$d"
    cp -r /etc/news/. "$d/etc/"
    cat >"$d/etc/inn.conf" <<EOF
mta:                "/bin/false %s"
organization:       "c-client tests"
ovmethod:           tradindexed
hismethod:          hisv6
pathhost:           inntest.localdomain
pathnews:           /usr/lib/news
domain:             localdomain
fromhost:           localdomain
server:             127.0.0.1
port:               $port
bindaddress:        127.0.0.1
bindaddress6:       "::1"
nnrpdposthost:      127.0.0.1
nnrpdpostport:      $port
noreader:           false
readerswhenstopped: false
nnrpdloadlimit:     0
storeonxref:        true
enableoverview:     true
wireformat:         true
extraoverviewadvertised: [ Newsgroups ]
pathbin:            $INN_BIN
pathfilter:         /etc/news/filter
pathcontrol:        $INN_BIN/control
pathdb:             $d/db
pathetc:            $d/etc
pathrun:            $d/run
pathlog:            $d/log
pathhttp:           $d/http
pathtmp:            $d/tmp
pathspool:          $d/spool
patharticles:       $d/spool/articles
pathoverview:       $d/spool/overview
pathoutgoing:       $d/spool/outgoing
pathincoming:       $d/spool/incoming
patharchive:        $d/spool/archive
EOF
    printf 'ME:*::\n' >"$d/etc/newsfeeds"
    printf 'peer ME {\n  hostname: "localhost, 127.0.0.1"\n}\n' >"$d/etc/incoming.conf"
    printf 'method tradspool {\n  newsgroups: *\n  class: 0\n}\n' >"$d/etc/storage.conf"
    printf '/remember/:11\n*:A:never:never:never\n' >"$d/etc/expire.ctl"
    echo "alice:$(openssl passwd -1 alicepw)" >"$d/etc/passwd"
    if [ -n "${INN_AUTH_ONLY:-}" ]; then
        # Readers must authenticate (AUTHINFO USER/PASS) before anything.
        cat >"$d/etc/readers.conf" <<EOF
auth "users" {
    hosts: "127.0.0.1, localhost"
    auth: "ckpasswd -f $d/etc/passwd"
}
access "known" {
    users: "alice"
    newsgroups: "*"
    access: RPA
}
EOF
    else
    cat >"$d/etc/readers.conf" <<EOF
auth "users" {
    hosts: "127.0.0.1, localhost"
    auth: "ckpasswd -f $d/etc/passwd"
    default: "<anyone>"
}
access "all" {
    users: "*"
    newsgroups: "*"
    access: RPA
}
EOF
    fi
    cat >"$d/db/active" <<EOF
control 0000000000 0000000001 n
control.cancel 0000000000 0000000001 n
junk 0000000000 0000000001 n
test.one 0000000000 0000000001 y
test.two 0000000000 0000000001 y
test.empty 0000000000 0000000001 y
test.mod 0000000000 0000000001 m
EOF
    cat >"$d/db/newsgroups" <<EOF
test.one	First test group.
test.two	Second test group.
test.empty	Nothing in here.
test.mod	A moderated group.
EOF
    : >"$d/db/history"
    : >"$d/db/active.times"
    chown -R news:news "$d"
    INN_DIR=$d
    INN_PORT=$port
    runuser -u news -- env INNCONF="$d/etc/inn.conf" "$INN_BIN/makedbz" -i -o -f "$d/db/history" \
        >"$d/log/makedbz.log" 2>&1 || { echo "inn.sh: makedbz failed" >&2; cat "$d/log/makedbz.log" >&2; return 1; }
    runuser -u news -- env INNCONF="$d/etc/inn.conf" HOME="$d" "$INN_BIN/innd" -f \
        >/dev/null 2>&1 </dev/null &
    INN_PID=$!
    # Wait for the greeting (the server's own acknowledgement).
    python3 - "$port" <<'PY' || { echo "inn.sh: innd did not answer" >&2; inn_stop; return 1; }
import socket, sys, time
port = int(sys.argv[1])
for _ in range(300):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        line = s.makefile("rb").readline()
        s.close()
        if line[:1] == b"2":
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
PY
}

inn_stop() {
    [ -n "$INN_PID" ] || return 0
    if [ -n "$INN_DIR" ]; then
        runuser -u news -- env INNCONF="$INN_DIR/etc/inn.conf" "$INN_BIN/ctlinnd" -s -t 20 throttle stop >/dev/null 2>&1
        runuser -u news -- env INNCONF="$INN_DIR/etc/inn.conf" "$INN_BIN/ctlinnd" -s -t 20 shutdown stop >/dev/null 2>&1
    fi
    local i
    for i in $(seq 1 100); do kill -0 "$INN_PID" 2>/dev/null || break; sleep 0.1; done
    kill "$INN_PID" 2>/dev/null
    wait "$INN_PID" 2>/dev/null
    INN_PID=
}
