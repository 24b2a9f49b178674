#!/bin/bash
# The server side end to end: the reference servers pine-compat/refimapd.c
# and refpop3d.c, built against our headers and library, run inetd-style on
# 127.0.0.1 (c-tests/server/launch.py) and driven by Python's imaplib and
# poplib, PHP's imap extension on our library, and raw sockets carrying bad
# input. Logins go through the library's PASSWDTYPE back end against a test
# user (srvtest, created here if missing, its password set each run).
#
# Each configuration runs in a private mount namespace whose /etc is a copy
# of the real one plus the file under test (/etc/c-client.cf,
# /etc/cram-md5.pwd): the machine's /etc is never changed.
#
# Ports 14501-14510, 15420, 19854-19859.
set -u
. "$(dirname "$0")/../lib/common.sh"

is_root || skip_suite "needs root (logins change identity; private mount namespaces)"
command -v python3 >/dev/null || skip_suite "python3 missing"
command -v unshare >/dev/null || skip_suite "unshare missing"
unshare -m true 2>/dev/null || skip_suite "cannot make a mount namespace here"
[ -f "$CCT_LIBDIR/libc-client.so.2007e.0" ] || { fail "build/lib staged (run make)"; finish; }

HERE="$CCT_ROOT/c-tests/server"
W=$(mktemp -d /tmp/server-suite.XXXXXX)
chmod 755 "$W"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$W"
}
trap cleanup EXIT

SUSER=srvtest
SPASS='Srv-Pass-1'
SCRAM='Cram-Secret-2'
if ! id "$SUSER" >/dev/null 2>&1; then
    useradd -m -s /bin/false "$SUSER" || { fail "create test user $SUSER"; finish; }
fi
echo "$SUSER:$SPASS" | chpasswd || { fail "set $SUSER's password"; finish; }
SHOME=$(getent passwd "$SUSER" | cut -d: -f6)
mkdir -p "$SHOME" && chown "$SUSER:" "$SHOME"

# ---- build the servers against our headers, linked to our library ----
for prog in refimapd refpop3d; do
    if ! cc -Wall -Wno-pointer-sign -I"$CCT_INCDIR" -o "$W/$prog" "$CCT_ROOT/pine-compat/$prog.c" \
        -L"$CCT_LIBDIR" -lc-client -Wl,-rpath,"$CCT_LIBDIR" 2>"$W/cc.log"; then
        fail "$prog builds against our headers: $(head -n 5 "$W/cc.log")"
        finish
    fi
    ok "$prog builds against our headers and library"
done
# Implicit TLS is chosen by a server name beginning with "s".
cp "$W/refimapd" "$W/srefimapd"
cp "$W/refimapd" "$W/snocert"
chmod 755 "$W"/refimapd "$W"/refpop3d "$W"/srefimapd "$W"/snocert

# ---- mailboxes of the test user ----
mkmsg() { # from subject body
    printf 'From %s Sun Dec  6 10:00:00 2026\nFrom: %s\nTo: srvtest@example.org\nSubject: %s\nDate: Sun, 6 Dec 2026 10:00:00 +0000\n\n%s\n\n' \
        "${1#*<}" "$1" "$2" "$3" | sed '1s/>//'
}
reset_boxes() {
    { mkmsg 'First <one@example.org>' 'first message' 'Body one.'
      mkmsg 'Second <two@example.org>' 'second message' 'Body two.'; } >"$SHOME/srvbox"
    { mkmsg 'Pop <one@example.org>' 'pop one' "Body one.
.dotted line"
      mkmsg 'Pop <two@example.org>' 'pop two' 'Body two.'; } >"$SHOME/mbox"
    mkmsg 'Lie <lie@example.org>' 'the only message' 'Body.' >"$SHOME/liebox"
    cp "$SHOME/liebox" "$W/liebox.before"
    chown "$SUSER:" "$SHOME/srvbox" "$SHOME/mbox" "$SHOME/liebox"
    chmod 600 "$SHOME/srvbox" "$SHOME/mbox" "$SHOME/liebox"
}
reset_boxes

# ---- configurations: copies of /etc plus the file under test ----
CF='I accept the risk for IMAP toolkit 4.1.'
for c in open cram default world mgr; do
    cp -a /etc "$W/etc-$c"
    rm -f "$W/etc-$c/c-client.cf" "$W/etc-$c/cram-md5.pwd"
done
printf '%s\nset disable-plaintext 0\n' "$CF" >"$W/etc-open/c-client.cf"
# Alerts (refimapd shows them as imapd does): the system's, in a copy of
# the open configuration (port 15420), and the test user's own (made just
# for that group).
cp -a "$W/etc-open" "$W/etc-alert"
printf 'Maintenance tonight at 22:00\r\nSecond line' >"$W/etc-alert/imapd.alert"
printf '%s\nset disable-plaintext 0\n' "$CF" >"$W/etc-cram/c-client.cf"
printf '# test\n%s\t%s\n' "$SUSER" "$SCRAM" >"$W/etc-cram/cram-md5.pwd"
chmod 600 "$W/etc-cram/cram-md5.pwd"
: >"$W/etc-cram/anonymous.newsgroups"
printf '%s\nset disable-plaintext 0\n' "$CF" >"$W/etc-world/c-client.cf"
# Administrators: srvtest in group mailadm; srvtgt, a user of this copy
# only, the one it logs in as.
printf '%s\nset disable-plaintext 0\n' "$CF" >"$W/etc-mgr/c-client.cf"
sed -i -e '/^mailadm:/d' -e '/^srvtgt:/d' "$W/etc-mgr/group"
sed -i '/^srvtgt:/d' "$W/etc-mgr/passwd"
echo "mailadm:x:4998:$SUSER" >>"$W/etc-mgr/group"
mkdir -p "$W/tgthome" && chown 47320:47320 "$W/tgthome"
echo "srvtgt:x:47320:47320::$W/tgthome:/bin/false" >>"$W/etc-mgr/passwd"
echo "srvtgt:x:47320:" >>"$W/etc-mgr/group"
printf '%s\t%s\n' "$SUSER" "$SCRAM" >"$W/etc-world/cram-md5.pwd"
chmod 644 "$W/etc-world/cram-md5.pwd"
# Certificates at the port's paths (SSLCERTS, SSLKEYS) for the default
# configuration: <server>.pem in each.
HAVE_TLS=0
if command -v openssl >/dev/null && openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
    -subj /CN=localhost -keyout "$W/key.pem" -out "$W/cert.pem" >/dev/null 2>&1; then
    certs=$(make -s --no-print-directory -C "$CCT_ROOT" config | sed -n 's/^SSLCERTS=\([^ ]*\) SSLKEYS=\(.*\)$/\1 \2/p')
    cdir=${certs% *} kdir=${certs#* }
    mkdir -p "$W/etc-default${cdir#/etc}" "$W/etc-default${kdir#/etc}"
    for s in refimapd refpop3d srefimapd; do
        cp "$W/cert.pem" "$W/etc-default${cdir#/etc}/$s.pem"
        cp "$W/key.pem" "$W/etc-default${kdir#/etc}/$s.pem"
    done
    HAVE_TLS=1
fi

# start CONFIG PORT PROGRAM: one launcher in its own mount namespace.
start() {
    local out="$W/launch-$2.out"
    LD_LIBRARY_PATH=${START_LD:-} LAUNCH_LOG="$W/sessions.log" unshare -m sh -c \
        'mount --bind "$1" /etc && shift && exec python3 "$@"' sh \
        "$W/etc-$1" "$HERE/launch.py" "$2" "$W/$3" >"$out" 2>&1 &
    PIDS+=($!)
    local i
    for i in $(seq 1 200); do
        grep -q '^ready' "$out" 2>/dev/null && return 0
        kill -0 "$!" 2>/dev/null || break
        sleep 0.1
    done
    fail "launcher on port $2 ($1): $(head -c 300 "$out")"
    return 1
}
start open 14501 refimapd && start open 14502 refpop3d &&
    start cram 14503 refimapd && start cram 14504 refpop3d &&
    start default 14505 refimapd && start default 14506 refpop3d &&
    start world 14507 refimapd &&
    start default 14508 srefimapd && start default 14509 snocert &&
    start alert 15420 refimapd || finish
# CRAM-MD5's and APOP's own attempt limit, against the original: the
# servers built once against the original headers, on the original
# library (19854, 19855) and on ours (19856, 19857), CRAM-MD5 file present.
TRYLIMIT=0
if [ -f "$CCT_ORIG_SO" ] && [ -f "$CCT_ORIG_INC/linkage.c" ] &&
    cc -w -I"$CCT_ORIG_INC" -o "$W/orefimapd" "$CCT_ROOT/pine-compat/refimapd.c" "$CCT_ORIG_SO" 2>"$W/occ.log" &&
    cc -w -I"$CCT_ORIG_INC" -o "$W/orefpop3d" "$CCT_ROOT/pine-compat/refpop3d.c" "$CCT_ORIG_SO" 2>>"$W/occ.log"; then
    chmod 755 "$W/orefimapd" "$W/orefpop3d"
    start cram 19854 orefimapd && start cram 19855 orefpop3d &&
        START_LD=$CCT_LIBDIR start cram 19856 orefimapd && START_LD=$CCT_LIBDIR start cram 19857 orefpop3d &&
        start mgr 19858 orefimapd && START_LD=$CCT_LIBDIR start mgr 19859 orefimapd &&
        TRYLIMIT=1
fi

# Syslog: refimapd built against the original headers runs scripted
# sessions on a pipe (session-ok.imap: a login; session-fail.imap: a wrong
# password, a failed AUTHENTICATE PLAIN, a break-in attempt, then the right
# password after the attempts are used up) with the original library and
# with ours, its /dev/log a private collector (logd.py, privlog.sh): the
# syslog lines (priority, facility, identity, text; time and pid masked)
# must be the same. In the background: the failures cost 3 s each.
syslog_diff() {
    local script lib ld out
    for script in ok fail; do
        for lib in orig ours; do
            ld=; [ $lib = ours ] && ld=$CCT_LIBDIR
            rm -f "$W/log-$script-$lib.sock" "$W/log-$script-$lib.raw"
            python3 "$HERE/logd.py" "$W/log-$script-$lib.sock" "$W/log-$script-$lib.raw" >"$W/logd-$script-$lib.out" 2>&1 &
            local lp=$! i
            for i in $(seq 1 100); do grep -q "^ready" "$W/logd-$script-$lib.out" && break; sleep 0.1; done
            LD_LIBRARY_PATH=$ld timeout 60 sh "$HERE/privlog.sh" "$W/etc-open" "$W/log-$script-$lib.sock" \
                "$W/logimapd" <"$HERE/session-$script.imap" >"$W/log-$script-$lib.session" 2>&1
            sleep 0.2
            kill $lp 2>/dev/null; wait $lp 2>/dev/null
            sed -E 's/^(<[0-9]+>)[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} /\1/; s/\[[0-9]+\]:/[PID]:/' \
                "$W/log-$script-$lib.raw" >"$W/log-$script-$lib"
        done
        if cmp -s "$W/log-$script-orig" "$W/log-$script-ours" && [ -s "$W/log-$script-ours" ] &&
            cmp -s "$W/log-$script-orig.session" "$W/log-$script-ours.session"; then
            ok "syslog of session-$script.imap same on both libraries ($(tr '\n' '|' <"$W/log-$script-ours"))"
        else
            fail "syslog of session-$script.imap differs"
            diff "$W/log-$script-orig" "$W/log-$script-ours" | head -20
            diff "$W/log-$script-orig.session" "$W/log-$script-ours.session" | head -10
        fi
    done
}
SYSLOG=0
if [ -f "$CCT_ORIG_SO" ] && [ -f "$CCT_ORIG_INC/linkage.c" ] &&
    cc -w -I"$CCT_ORIG_INC" -o "$W/logimapd" "$CCT_ROOT/pine-compat/refimapd.c" "$CCT_ORIG_SO" 2>"$W/logcc.log" &&
    chmod 755 "$W/logimapd"; then
    syslog_diff >"$W/syslog.out" 2>&1 &
    SYSLOG=$!
fi

export SRV_USER="$SUSER" SRV_PASS="$SPASS" SRV_CRAM="$SCRAM"
count() { # file: add its ok/FAIL lines to the totals, show them
    cat "$1"
    CCT_PASS=$((CCT_PASS + $(grep -c '^ok ' "$1")))
    CCT_FAIL=$((CCT_FAIL + $(grep -c '^FAIL ' "$1")))
}

# The slow groups (failed logins cost 3 s each) run beside the others.
timeout 80 python3 "$HERE/drive.py" failures 14501 >"$W/failures.out" 2>&1 &
slow=$!
if [ "$TRYLIMIT" = 1 ]; then
    SRV_LIB=orig timeout 80 python3 "$HERE/drive.py" trylimit 19854 19855 >"$W/try-orig.out" 2>&1 &
    tryo=$!
    SRV_LIB=ours timeout 80 python3 "$HERE/drive.py" trylimit 19856 19857 >"$W/try-ours.out" 2>&1 &
    tryu=$!
    SRV_LIB=orig SRV_TARGET=srvtgt timeout 60 python3 "$HERE/drive.py" admin 19858 >"$W/admin-orig.out" 2>&1 &
    admo=$!
    SRV_LIB=ours SRV_TARGET=srvtgt timeout 60 python3 "$HERE/drive.py" admin 19859 >"$W/admin-ours.out" 2>&1 &
    admu=$!
fi
# So does the load: 200 concurrent sessions (each its own server process, as
# inetd runs them) on one shared mix mailbox, logged in against the CRAM-MD5
# file; the original checks the mailbox afterwards, and no server process
# grew past 48 MiB (peak RSS per session, from the launcher's wait4).
LOAD=0
if [ -x /usr/bin/mailutil ]; then
    rm -rf "$SHOME/mixbox"
    runuser -u "$SUSER" -- env HOME="$SHOME" sh -c 'cd && /usr/bin/mailutil create "#driver.mix/mixbox"' >/dev/null 2>&1
    timeout 80 python3 "$HERE/drive.py" load 14503 >"$W/load.out" 2>&1 &
    LOAD=$!
fi
# The open configuration's IMAP session (srvbox), its SASL and bad-input
# cases (no mailbox) and its POP3 session (INBOX) run side by side.
timeout 60 python3 "$HERE/drive.py" openpop 14502 >"$W/openpop.out" 2>&1 &
openpop=$!
timeout 60 python3 "$HERE/drive.py" openimapsasl 14501 >"$W/opensasl.out" 2>&1 &
opensasl=$!
timeout 60 python3 "$HERE/drive.py" openimap 14501 >"$W/open.out" 2>&1
wait "$openpop" "$opensasl"
count "$W/open.out"
count "$W/opensasl.out"
count "$W/openpop.out"

# The mailbox the IMAP session changed, read back by the original library
# (mailutil): one message expunged, one appended.
if [ -x /usr/bin/mailutil ]; then
    out=$(runuser -u "$SUSER" -- env HOME="$SHOME" /usr/bin/mailutil check srvbox 2>&1)
    case $out in
        *"2 total in srvbox"*) ok "the original reads srvbox after the IMAP session: $out" ;;
        *) fail "the original reads srvbox after the IMAP session: $out" ;;
    esac
    if grep -q '^Subject: appended' "$SHOME/srvbox" && ! grep -q '^Subject: first message' "$SHOME/srvbox"; then
        ok "srvbox on disk: message 1 expunged, the appended one there"
    else
        fail "srvbox on disk: $(grep '^Subject' "$SHOME/srvbox" | tr '\n' '|')"
    fi
    # The lying literals of the bad-input group (drive.py) wrote nothing.
    out=$(runuser -u "$SUSER" -- env HOME="$SHOME" /usr/bin/mailutil check liebox 2>&1)
    case $out in *" 1 total in liebox"*) lie=1 ;; *) lie=0 ;; esac
    if cmp -s "$SHOME/liebox" "$W/liebox.before" && [ $lie = 1 ]; then
        ok "liebox after the lying APPEND literals: unchanged on disk, the original reads its 1 message"
    else
        fail "liebox after the lying APPEND literals: $out; $(cmp "$SHOME/liebox" "$W/liebox.before" 2>&1)"
    fi
else
    skip "mailutil (the original) not installed"
fi

# Differential: each server binary, built once against the ORIGINAL
# headers, runs one scripted session (c-tests/server/session.imap,
# session.pop3) on a pipe with the original library and then with ours;
# transcripts (and for POP3 the mailbox left behind) must match
# (UIDVALIDITY, a time stamp, masked).
if [ -f "$CCT_ORIG_SO" ] && [ -f "$CCT_ORIG_INC/linkage.c" ]; then
    for prog in refimapd:imap refpop3d:pop3; do
        p=${prog%:*} proto=${prog#*:}
        if ! cc -w -I"$CCT_ORIG_INC" -o "$W/$p.orig" "$CCT_ROOT/pine-compat/$p.c" "$CCT_ORIG_SO" 2>"$W/cc.log"; then
            fail "$p builds against the original's headers: $(head -n 3 "$W/cc.log")"
            continue
        fi
        chmod 755 "$W/$p.orig"
        for lib in orig ours; do
            reset_boxes
            ld=; [ $lib = ours ] && ld=$CCT_LIBDIR
            LD_LIBRARY_PATH=$ld timeout 30 unshare -m sh -c 'mount --bind "$1" /etc && exec "$2"' sh \
                "$W/etc-open" "$W/$p.orig" <"$HERE/session.$proto" 2>&1 |
                sed -e 's/UIDVALIDITY [0-9]*/UIDVALIDITY N/' -e 's/^\([0-9]* \)[0-9a-f]\{8\}\([0-9a-f]\{8\}\)/\1VALIDITY\2/' \
                >"$W/session.$proto.$lib"
            if [ $proto = pop3 ]; then grep '^Subject' "$SHOME/mbox" >>"$W/session.$proto.$lib"; fi
        done
        if cmp -s "$W/session.$proto.orig" "$W/session.$proto.ours" &&
            grep -q -e '^a10 OK' -e '^+OK Sayonara' "$W/session.$proto.ours"; then
            ok "scripted $proto session: $p on our library answers as on the original ($(wc -l <"$W/session.$proto.ours") lines)"
        else
            fail "scripted $proto session differs between the libraries"
            diff "$W/session.$proto.orig" "$W/session.$proto.ours" | head -20
        fi
    done
else
    skip "differential sessions: the original library or its headers are missing"
fi

# pw_login and grim_pid_reap_status, one program built against the
# original headers, both libraries, identical output; in a copy of /etc
# where group mailadm has the member nobody (administrator overrides).
pwlogin_diff() {
    if [ -f "$CCT_ORIG_SO" ] && [ -f "$CCT_ORIG_INC/linkage.c" ] &&
        cc -w -I"$CCT_ORIG_INC" -o "$W/pwlogin" "$HERE/pwlogin.c" "$CCT_ORIG_SO" 2>"$W/pwcc.log"; then
        chmod 755 "$W/pwlogin"
        cp -a /etc "$W/etc-admin"
        sed -i '/^mailadm:/d' "$W/etc-admin/group"
        echo "mailadm:x:4999:nobody" >>"$W/etc-admin/group"
        for args in "reap" "$SUSER" "root" "$SUSER $SUSER" "$SUSER nobody" "nobody $SUSER" \
            "no-such-user" "$SUSER - /tmp"; do
            for lib in orig ours; do
                ld=; [ $lib = ours ] && ld=$CCT_LIBDIR
                # shellcheck disable=SC2086
                LD_LIBRARY_PATH=$ld timeout 20 unshare -m sh -c 'mount --bind "$1" /etc && shift && exec "$@"' sh \
                    "$W/etc-admin" "$W/pwlogin" $args >"$W/pw.$lib" 2>&1
            done
            if cmp -s "$W/pw.orig" "$W/pw.ours" && [ -s "$W/pw.ours" ]; then
                ok "pwlogin $args: same on both libraries ($(tr '\n' '|' <"$W/pw.ours"))"
            else
                fail "pwlogin $args differs"; diff "$W/pw.orig" "$W/pw.ours" | head -10
            fi
        done
    else
        skip "pw_login differential: the original or its headers are missing"
    fi
}
pwlogin_diff >"$W/pwlogin.out" 2>&1 &
PWLOGIN=$!

reset_boxes
timeout 60 python3 "$HERE/drive.py" cram 14503 14504 >"$W/cram.out" 2>&1
count "$W/cram.out"
timeout 60 python3 "$HERE/drive.py" default 14505 14506 >"$W/default.out" 2>&1
count "$W/default.out"
printf 'Your mailbox is nearly full\n' >"$SHOME/.imapalert"
chown "$SUSER:" "$SHOME/.imapalert"
timeout 30 python3 "$HERE/drive.py" alerts 15420 >"$W/alerts.out" 2>&1
rm -f "$SHOME/.imapalert"
count "$W/alerts.out"
timeout 30 python3 "$HERE/drive.py" worldread 14507 >"$W/world.out" 2>&1
count "$W/world.out"
if [ "$HAVE_TLS" = 1 ]; then
    reset_boxes
    timeout 60 python3 "$HERE/drive.py" tls 14505 14506 14508 14509 >"$W/tls.out" 2>&1
    count "$W/tls.out"
else
    skip "TLS: openssl cannot make a test certificate"
fi

# PHP's imap extension, on our library, against the reference server.
if php -m 2>/dev/null | grep -qi '^imap$'; then
    reset_boxes
    out=$(LD_LIBRARY_PATH="$CCT_LIBDIR" timeout 60 php -r '
        $m = imap_open("{127.0.0.1:14501/imap/notls}srvbox", getenv("SRV_USER"), getenv("SRV_PASS"), 0, 1);
        if (!$m) { echo "open failed: ", imap_last_error(), "\n"; exit(1); }
        echo "n=", imap_num_msg($m), "\n";
        $h = imap_headerinfo($m, 2);
        echo "subject=", $h->subject, "\n";
        echo "body=", trim(imap_body($m, 1, FT_PEEK)), "\n";
        imap_setflag_full($m, "1", "\\Flagged");
        $o = imap_fetch_overview($m, "1");
        echo "flagged=", $o[0]->flagged, "\n";
        imap_close($m);
        $m = imap_open("{127.0.0.1:14501/imap/notls}srvbox", getenv("SRV_USER"), "wrong", 0, 1);
        echo "wrong=", $m ? "accepted" : "refused", "\n";
        imap_errors(); imap_alerts();
    ' 2>&1)
    echo "$out" | sed 's/^/  /'
    check "php imap_open/num_msg on our library against refimapd" grep -q '^n=2$' <<<"$out"
    check "php imap_headerinfo (ENVELOPE)" grep -q '^subject=second message$' <<<"$out"
    check "php imap_body" grep -q '^body=Body one.$' <<<"$out"
    check "php imap_setflag_full + imap_fetch_overview" grep -q '^flagged=1$' <<<"$out"
    check "php imap_open with a wrong password fails" grep -q '^wrong=refused$' <<<"$out"
else
    skip "php imap extension not installed"
fi

wait "$slow"
count "$W/failures.out"
if [ "$TRYLIMIT" = 1 ]; then
    wait "$tryo" "$tryu" "$admo" "$admu"
    count "$W/try-ours.out"
    count "$W/admin-ours.out"
    if [ -n "$(sed -n 's/^seq orig //p' "$W/admin-orig.out")" ] &&
        [ "$(sed -n 's/^seq orig //p' "$W/admin-orig.out")" = "$(sed -n 's/^seq ours //p' "$W/admin-ours.out")" ]; then
        ok "administrator logins: the original's verdicts ($(sed -n 's/^seq orig //p' "$W/admin-orig.out"))"
    else
        fail "administrator logins: original '$(tr '\n' '|' <"$W/admin-orig.out")', ours '$(tr '\n' '|' <"$W/admin-ours.out")'"
    fi
    if [ -n "$(sed -n 's/^seq orig //p' "$W/try-orig.out")" ] &&
        [ "$(sed -n 's/^seq orig //p' "$W/try-orig.out")" = "$(sed -n 's/^seq ours //p' "$W/try-ours.out")" ]; then
        ok "CRAM-MD5 and APOP attempt limits: the original's verdicts ($(sed -n 's/^seq orig //p' "$W/try-orig.out"))"
    else
        fail "CRAM-MD5/APOP attempt limits: original '$(tr '\n' '|' <"$W/try-orig.out")', ours '$(tr '\n' '|' <"$W/try-ours.out")'"
    fi
fi
if [ "$SYSLOG" != 0 ]; then
    wait "$SYSLOG"
    count "$W/syslog.out"
fi
wait "$PWLOGIN"
count "$W/pwlogin.out"
if [ "$LOAD" != 0 ]; then
    wait "$LOAD"
    count "$W/load.out"
    out=$(runuser -u "$SUSER" -- env HOME="$SHOME" /usr/bin/mailutil check mixbox 2>&1)
    case $out in
        *"10 total in mixbox"*) ok "the original reads the mix mailbox after the load: $out" ;;
        *) fail "the original reads the mix mailbox after the load: $out" ;;
    esac
    rm -rf "$SHOME/mixbox"
fi


# No session of any server died by a signal.
sleep 0.5
if grep -q '^signal' "$W/sessions.log" 2>/dev/null; then
    fail "server sessions killed by a signal: $(grep -c '^signal' "$W/sessions.log") ($(cut -d' ' -f1,2 "$W/sessions.log" | sort | uniq -c | tr '\n' ' '))"
else
    ok "no server session died by a signal ($(wc -l <"$W/sessions.log" 2>/dev/null || echo 0) sessions)"
fi
peak=$(awk '$3 == "maxrss" && $4 > m { m = $4 } END { print m + 0 }' "$W/sessions.log" 2>/dev/null)
n=$(grep -c maxrss "$W/sessions.log" 2>/dev/null)
if [ "${n:-0}" -ge 200 ] && [ "${peak:-0}" -gt 0 ] && [ "$peak" -lt 49152 ]; then
    ok "memory bounded: the largest of $n server sessions peaked at $peak KiB (< 48 MiB)"
else
    fail "server memory: $n sessions, largest peak $peak KiB"
fi
rm -f "$SHOME/srvbox" "$SHOME/liebox" "$SHOME/.imapalert"
finish
