#!/bin/bash
# PASSWDTYPE variants of the library, built the cheap way: one cargo build
# (the default, PAM), then tools/passwd-variant.sh relinks it with the
# back end object of another type (ports/passwd/ckp_<type>.rs) in seconds.
#
# - the variants link, export exactly the default library's symbols, need
#   no libpam, and the Makefile's cargo command is the same for every
#   PASSWDTYPE (so `make PASSWDTYPE=std` compiles nothing again);
# - checkpw (c-tests/passwdtype/ckpw.c, built once against the ORIGINAL
#   headers) for test users of every shadow state: the original library
#   (Debian's, PAM) with a pam_unix service is the oracle of a shadow
#   password check; our std variant with a service that denies everything
#   must give the same verdicts (so crypt(3) decided, not PAM) and the
#   expiry warnings the original's std check (ckp_psx) documents; our
#   default build and the pmb variant must follow PAM (unix: the oracle's
#   verdicts; deny: nothing); the nul variant accepts nothing;
# - refimapd (built against the original headers) logs in through
#   server_login on the std and nul variants with the transcripts of the
#   original, and on the default build with `set chroot-server 1` and
#   as the anonymous user;
# - the std archive linked into a program; a non-PIE program's copies of
#   the driver objects are the ones the std variant uses.
#
# The test users exist only in a private copy of /etc, bind-mounted over
# /etc in a private mount namespace; the machine's /etc is not changed.
# No network.
set -u
. "$(dirname "$0")/../lib/common.sh"

is_root || skip_suite "needs root (a private /etc through a mount namespace)"
command -v unshare >/dev/null || skip_suite "unshare missing"
unshare -m true 2>/dev/null || skip_suite "cannot make a mount namespace here"
command -v "${RUSTC:-rustc}" >/dev/null || skip_suite "rustc missing"
[ -f "$CCT_ORIG_SO" ] && [ -f "$CCT_ORIG_INC/linkage.c" ] || skip_suite "the original library or its headers are missing"
[ -f /lib/x86_64-linux-gnu/security/pam_unix.so ] || [ -f /usr/lib/x86_64-linux-gnu/security/pam_unix.so ] ||
    skip_suite "pam_unix missing"
[ -f "$CCT_LIBDIR/libc-client.so.2007e.0" ] || { fail "build/lib staged (run make)"; finish; }
REL=${CARGO_TARGET_DIR:-$CCT_ROOT/target}/release
[ -f "$REL/libc_client.a" ] && [ -f "$REL/libc_client.so" ] || { fail "cargo's output in $REL (run make)"; finish; }

HERE="$CCT_ROOT/c-tests/passwdtype"
W=$(mktemp -d /tmp/passwdtype.XXXXXX)
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT

# ---- the variants ----
if cmp -s "$REL/libc_client.so" "$CCT_LIBDIR/libc-client.so.2007e.0"; then
    ok "build/lib is cargo's default (PAM) library, unchanged"
else
    fail "build/lib/libc-client.so.2007e.0 is not $REL/libc_client.so (a PASSWDTYPE relink or a stale stage)"
fi
# The three relinks side by side; each reports its own time.
relink() {
    local t0 ms
    t0=$(date +%s%N)
    sh "$CCT_ROOT/tools/passwd-variant.sh" "$1" "$REL" "$W/$1" >"$W/relink-$1.log" 2>&1 || return 1
    ms=$((($(date +%s%N) - t0) / 1000000))
    echo "$ms" >"$W/relink-$1.ms"
}
rpids=()
for kind in std nul pmb; do relink $kind & rpids+=($!); done
i=0
for kind in std nul pmb; do
    if wait "${rpids[$i]}"; then
        ok "PASSWDTYPE=$kind library relinked from the default build in $(cat "$W/relink-$kind.ms") ms"
    else
        fail "relink PASSWDTYPE=$kind: $(head -c 600 "$W/relink-$kind.log")"
    fi
    i=$((i + 1))
done
[ -f "$W/std/libc-client.so.2007e.0" ] && [ -f "$W/nul/libc-client.so.2007e.0" ] &&
    [ -f "$W/pmb/libc-client.so.2007e.0" ] || finish
nm -D --defined-only "$CCT_LIBDIR/libc-client.so.2007e.0" | awk 'NF == 3 { print $2, $3 }' | sort >"$W/exp.default"
nm -D --defined-only "$W/std/libc-client.so.2007e.0" | awk 'NF == 3 { print $2, $3 }' | sort >"$W/exp.std"
if cmp -s "$W/exp.default" "$W/exp.std" && [ "$(wc -l <"$W/exp.std")" -gt 500 ]; then
    ok "std variant exports the default library's $(wc -l <"$W/exp.std") symbols, nothing more"
else
    fail "std variant's exports differ: $(diff "$W/exp.default" "$W/exp.std" | head -5 | tr '\n' '|')"
fi
soname=$(readelf -d "$W/std/libc-client.so.2007e.0" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
check "std variant's soname is libc-client.so.2007e ($soname)" test "$soname" = libc-client.so.2007e
needed=$(readelf -d "$W/std/libc-client.so.2007e.0" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')
if ! echo "$needed" | grep -q libpam && ! ldd "$W/std/libc-client.so.2007e.0" | grep -q 'not found'; then
    ok "std variant needs no libpam and resolves ($needed)"
else
    fail "std variant's dependencies: $needed"
fi
und=$(nm -D -u "$W/std/libc-client.so.2007e.0" | awk '{ print $2 }' | grep '^mm_' | sort | tr '\n' ' ')
und_def=$(nm -D -u "$CCT_LIBDIR/libc-client.so.2007e.0" | awk '{ print $2 }' | grep '^mm_' | sort | tr '\n' ' ')
check "the mm_* callbacks stay undefined in the std variant (the program's)" test -n "$und" -a "$und" = "$und_def"
n=$(nm -A --defined-only "$W/std/libc-client.a" 2>/dev/null | grep -c ' cclient_passwdtype$')
check "std archive: exactly one back end object" test "$n" = 1
# The Makefile compiles the same crate for every PASSWDTYPE. (On the ldb
# port `std` is the port's own method, PAM; the crypt(3) check is `psx`,
# the slx port's method, as in the original's build.)
make_n() { make -n --no-print-directory -C "$CCT_ROOT" lib "$@" 2>/dev/null; }
c_def=$(make_n | grep 'cargo.* build ') c_psx=$(make_n PASSWDTYPE=psx | grep 'cargo.* build ')
if [ -n "$c_def" ] && [ "$c_def" = "$c_psx" ] && make_n PASSWDTYPE=psx | grep -q 'passwd-variant.sh std '; then
    ok "make PASSWDTYPE=psx: the default's cargo build, then the relink with the std object"
else
    fail "make PASSWDTYPE=psx cargo line: '$c_psx' (default: '$c_def')"
fi
for knobs in "PORT=slx" "PORT=lnp PASSWDTYPE=nul EXTRAAUTHENTICATORS=gss" "PASSWDTYPE=pmb" "PORT=lnp PASSWDTYPE=pam"; do
    # shellcheck disable=SC2086
    out=$(make_n $knobs)
    kind=$(echo "$out" | sed -n 's/.*passwd-variant\.sh \([a-z]*\) .*/\1/p')
    if [ "$(echo "$out" | grep 'cargo.* build ')" = "$c_def" ] && echo "$c_def" | grep -q "passwd-pam" &&
        ! echo "$c_def" | grep -q 'passwd-[snp][tum][dlb]' && [ -n "$kind" ]; then
        ok "make $knobs: the default's cargo build (passwd-pam only), then the link with ckp_$kind and the port's settings"
    else
        fail "make $knobs: $(echo "$out" | grep -e 'cargo.* build ' -e passwd-variant)"
    fi
done

# ---- a private /etc with test users in every shadow state ----
cp -a /etc "$W/etc-unix"
PASS='Std-Pass-7'
hash() { openssl passwd -6 -salt "$1" "$2" 2>/dev/null ||
    python3 -c 'import crypt,sys; print(crypt.crypt(sys.argv[2], "$6$" + sys.argv[1]))' "$1" "$2" 2>/dev/null; }
H=$(hash pwstdsalt "$PASS")
H2=$(hash otherslt "$PASS")
case $H in '$6$'*) ;; *) fail "make a SHA-512 crypt hash (openssl or python3 crypt)"; finish ;; esac
today=$(( $(date +%s) / 86400 ))
uid=47100
adduser_priv() { # name passwd-field shadow-line-or-empty
    uid=$((uid + 1))
    sed -i "/^$1:/d" "$W/etc-unix/passwd" "$W/etc-unix/shadow" "$W/etc-unix/group"
    echo "$1:$2:$uid:$uid::/nonexistent:/bin/false" >>"$W/etc-unix/passwd"
    echo "$1:x:$uid:" >>"$W/etc-unix/group"
    [ -z "$3" ] || echo "$3" >>"$W/etc-unix/shadow"
}
adduser_priv pwsok x "pwsok:$H:$((today - 10)):0:99999:7:::"
adduser_priv pwslock x "pwslock:!$H:$((today - 10)):0:99999:7:::"
adduser_priv pwsexpired x "pwsexpired:$H:$((today - 10)):0:99999:7::$((today - 2)):"
adduser_priv pwsaged x "pwsaged:$H:$((today - 100)):0:30:7:::"
adduser_priv pwsmust x "pwsmust:$H:0:0:99999:7:::"
adduser_priv pwswarn x "pwswarn:$H:$((today - 85)):0:90:7:::"
adduser_priv pwsacct x "pwsacct:$H:$((today - 10)):0:99999:7::$((today + 10)):"
adduser_priv pwsinpw "$H2" ""
adduser_priv pwsempty x "pwsempty::$((today - 10)):0:99999:7:::"
# On a pipe the client's address is "UNKNOWN", which both libraries hand
# PAM as PAM_RHOST, and PAM's audit record resolves it: a name in the hosts
# file keeps that off the network (a slow resolver cost seconds a check).
echo "127.0.0.2 UNKNOWN" >>"$W/etc-unix/hosts"
mkdir -p "$W/etc-unix/pam.d"
printf 'auth required pam_unix.so nodelay\naccount required pam_unix.so\n' >"$W/etc-unix/pam.d/pwstd"
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$W/etc-unix/pam.d/pwdeny"
printf 'auth required pam_unix.so nodelay\naccount required pam_unix.so\nsession required pam_permit.so\n' \
    >"$W/etc-unix/pam.d/imap"
cp -a "$W/etc-unix" "$W/etc-deny"
printf 'auth required pam_deny.so\naccount required pam_deny.so\nsession required pam_deny.so\n' >"$W/etc-deny/pam.d/imap"
for e in unix deny; do
    printf 'I accept the risk for IMAP toolkit 4.1.\nset disable-plaintext 0\n' >"$W/etc-$e/c-client.cf"
    rm -f "$W/etc-$e/cram-md5.pwd"
done

CASES=()
for u in pwsok pwslock pwsexpired pwsaged pwsmust pwswarn pwsacct pwsinpw pwsempty; do
    CASES+=("$u" "$PASS" right "$u" "wrong-$PASS" wrong)
done
CASES+=(pwsok "" empty pwsempty "" empty pwsok " $PASS" leading-space pwsok "${PASS}x" longer)

if ! cc -w -I"$CCT_ORIG_INC" -o "$W/ckpw" "$HERE/ckpw.c" "$CCT_ORIG_SO" 2>"$W/cc.log"; then
    fail "ckpw builds against the original's headers: $(head -n 3 "$W/cc.log")"
    finish
fi
# run ETC LIBDIR SERVICE OUT
ckpw() {
    LD_LIBRARY_PATH=$2 TZ=UTC timeout 60 unshare -m sh -c 'mount --bind "$1" /etc && shift && exec "$@"' sh \
        "$W/etc-$1" "$W/ckpw" "$3" "${CASES[@]}" >"$4" 2>&1
}
ckpw unix "" pwstd "$W/ck.orig-unix"
ckpw unix "$W/std" pwdeny "$W/ck.std-deny"
ckpw unix "$W/std" pwstd "$W/ck.std-unix"
ckpw unix "$CCT_LIBDIR" pwstd "$W/ck.ours-unix"
ckpw unix "$CCT_LIBDIR" pwdeny "$W/ck.ours-deny"
ckpw unix "$W/nul" pwstd "$W/ck.nul-unix"
ckpw unix "$W/pmb" pwstd "$W/ck.pmb-unix"
ckpw unix "$W/pmb" pwdeny "$W/ck.pmb-deny"
verdicts() { grep -v '^  ' "$1"; }
nacc=$(grep -c ': accepted$' "$W/ck.orig-unix")
nall=$(verdicts "$W/ck.orig-unix" | grep -c ': ')
if [ "$nall" -eq $((${#CASES[@]} / 3)) ] && [ "$nacc" -ge 4 ]; then
    ok "the oracle (original library, pam_unix) judged $nall cases, $nacc accepted"
else
    fail "the oracle's verdicts: $(tr '\n' '|' <"$W/ck.orig-unix")"
fi
if [ "$(verdicts "$W/ck.orig-unix")" = "$(verdicts "$W/ck.std-deny")" ]; then
    ok "std variant, PAM denying everything: the oracle's verdicts in all $nall cases"
else
    fail "std variant's verdicts differ from the shadow check's"
    diff <(verdicts "$W/ck.orig-unix") <(verdicts "$W/ck.std-deny") | head -20
fi
while read -r line; do
    u=${line%% *} rest=${line#* }
    check "std: $u ${rest%%:*} ${line##*: }" grep -qxF "$line" "$W/ck.orig-unix"
done < <(verdicts "$W/ck.std-deny")
check "std variant: the same with a pam_unix service (PAM never asked)" cmp -s "$W/ck.std-deny" "$W/ck.std-unix"
# The original's std check (ckp_psx) warns, after a right password, of a
# password that expires within its warning days and of an account that
# expires within 28 days.
exp_notes=$(printf '%s\n' "  notify [ALERT] Password expires in 5 day(s)" "pwswarn right: accepted" \
    "  notify [ALERT] Account expires in 10 day(s)" "pwsacct right: accepted")
got_notes=$(grep -A1 '^  notify' "$W/ck.std-deny" | grep -v '^--')
if [ "$got_notes" = "$exp_notes" ]; then
    ok "std variant: the expiry warnings of the original's shadow check ($(grep -c notify "$W/ck.std-deny"))"
else
    fail "std variant's warnings: $(echo "$got_notes" | tr '\n' '|') (want $(echo "$exp_notes" | tr '\n' '|'))"
fi
if cmp -s "$W/ck.orig-unix" "$W/ck.ours-unix"; then
    ok "default build with the pam_unix service: the original's verdicts and logout hooks ($(grep -c 'hook armed' "$W/ck.ours-unix") armed)"
else
    fail "default build (PAM) differs from the original"
    diff "$W/ck.orig-unix" "$W/ck.ours-unix" | head -10
fi
check "the original's PAM check arms its logout hook after each success" \
    test "$(grep -c 'hook armed, data set' "$W/ck.orig-unix")" = "$nacc"
check "std variant arms no logout hook (as the original's crypt check)" sh -c "! grep -q 'hook' '$W/ck.std-deny'"
check "default build with a denying PAM service: nothing accepted" \
    sh -c "! grep -q ': accepted' '$W/ck.ours-deny' && [ \$(grep -c ': refused' '$W/ck.ours-deny') = $nall ]"
if cmp -s "$W/ck.orig-unix" "$W/ck.pmb-unix"; then
    ok "pmb variant (PAM, credentials kept aside) with the pam_unix service: the original's verdicts and hooks"
else
    fail "pmb variant differs from the original"
    diff "$W/ck.orig-unix" "$W/ck.pmb-unix" | head -10
fi
check "pmb variant with a denying PAM service: nothing accepted" \
    sh -c "! grep -q ': accepted' '$W/ck.pmb-deny' && [ \$(grep -c ': refused' '$W/ck.pmb-deny') = $nall ]"
# The PAM stacks pmb exists for: a module (pam_lostptr.c) that calls the
# conversation without the application's data pointer. The pmb variant
# still answers it (right password accepted, wrong refused); the PAM
# build refuses without crashing; the original's PAM check dies there,
# which shows the module really loses the pointer.
if cc -shared -fPIC -w -o "$W/pam_lostptr.so" "$HERE/pam_lostptr.c" 2>"$W/cc-pam.log"; then
    printf 'auth required %s\naccount required %s\n' "$W/pam_lostptr.so" "$W/pam_lostptr.so" \
        >"$W/etc-unix/pam.d/pwlost"
    LOST=(pwsok Lost-Ptr-5 right pwsok "$PASS" wrong)
    lost() { # LIBDIR OUT: ckpw with the pwlost service; the exit status last
        LD_LIBRARY_PATH=$1 TZ=UTC timeout 60 unshare -m sh -c 'mount --bind "$1" /etc && shift && exec "$@"' sh \
            "$W/etc-unix" "$W/ckpw" pwlost "${LOST[@]}" >"$2" 2>&1
        echo "status $?" >>"$2"
    }
    lost "" "$W/lost.orig"
    lost "$CCT_LIBDIR" "$W/lost.ours"
    lost "$W/pmb" "$W/lost.pmb"
    if grep -q '^pwsok right: accepted' "$W/lost.pmb" && grep -q '^pwsok wrong: refused' "$W/lost.pmb" &&
        grep -q '^status 0' "$W/lost.pmb"; then
        ok "pmb variant with a PAM module that drops the data pointer: the right password accepted, a wrong one refused"
    else
        fail "pmb variant with the pointer-losing PAM module: $(tr '\n' '|' <"$W/lost.pmb")"
    fi
    check "PAM build with that module: both refused, no crash ($(tr '\n' '|' <"$W/lost.ours"))" \
        sh -c "grep -q '^pwsok right: refused' '$W/lost.ours' && grep -q '^pwsok wrong: refused' '$W/lost.ours' && grep -q '^status 0' '$W/lost.ours'"
    check "the module really drops the pointer: the original's PAM check does not survive it ($(tail -n 1 "$W/lost.orig"))" \
        sh -c "! grep -q '^status 0' '$W/lost.orig'"
else
    fail "build the test PAM module: $(head -n 3 "$W/cc-pam.log")"
fi
check "nul variant: nothing accepted" \
    sh -c "! grep -q ': accepted' '$W/ck.nul-unix' && [ \$(grep -c ': refused' '$W/ck.nul-unix') = $nall ]"

# ---- server_login: refimapd on the std variant, transcript of the original ----
if cc -w -I"$CCT_ORIG_INC" -o "$W/refimapd" "$CCT_ROOT/pine-compat/refimapd.c" "$CCT_ORIG_SO" 2>"$W/cc2.log"; then
    chmod 755 "$W/refimapd"
    session() { # OUT ETC LIBDIR LINES...
        local out=$1 etc=$2 ld=$3; shift 3
        printf '%s\r\n' "$@" | LD_LIBRARY_PATH=$ld TZ=UTC timeout 30 unshare -m sh -c \
            'mount --bind "$1" /etc && exec "$2"' sh "$W/etc-$etc" "$W/refimapd" 2>&1 |
            sed 's/\r$//' >"$out"
    }
    # A wrong password costs 3 s: the four sessions with one run side by side.
    session "$W/s-bad.orig" unix "" "a LOGIN pwsok wrong" "b LOGIN pwslock $PASS" "c LOGOUT" &
    p1=$!
    session "$W/s-bad.std" deny "$W/std" "a LOGIN pwsok wrong" "b LOGIN pwslock $PASS" "c LOGOUT" &
    p2=$!
    # nul: the pam_unix service would accept; the original with PAM
    # denying gives the transcript of a refusal.
    session "$W/s-nul.orig" deny "" "a LOGIN pwsok $PASS" "b LOGOUT" &
    p3=$!
    session "$W/s-nul.nul" unix "$W/nul" "a LOGIN pwsok $PASS" "b LOGOUT" &
    p4=$!
    session "$W/s-ok.orig" unix "" "a LOGIN pwsok $PASS" "n NAMESPACE" "b LOGOUT"
    session "$W/s-ok.std" deny "$W/std" "a LOGIN pwsok $PASS" "n NAMESPACE" "b LOGOUT"
    session "$W/s-ok.deny" deny "$CCT_LIBDIR" "a LOGIN pwsok $PASS" "b LOGOUT"
    wait $p1 $p2 $p3 $p4
    if grep -q '^a OK' "$W/s-ok.std" && grep -q '^\* NAMESPACE ((' "$W/s-ok.std" && cmp -s "$W/s-ok.orig" "$W/s-ok.std"; then
        ok "refimapd LOGIN and NAMESPACE (GET_NAMESPACE) on the std variant: the original's transcript ($(grep '^a ' "$W/s-ok.std"))"
    else
        fail "refimapd LOGIN on the std variant"; diff "$W/s-ok.orig" "$W/s-ok.std" | head
    fi
    if grep -q '^a NO' "$W/s-bad.std" && grep -q '^b NO' "$W/s-bad.std" && cmp -s "$W/s-bad.orig" "$W/s-bad.std"; then
        ok "refimapd wrong password, locked account on the std variant: the original's transcript"
    else
        fail "refimapd refusals on the std variant"; diff "$W/s-bad.orig" "$W/s-bad.std" | head
    fi
    check "refimapd on the default build with a denying PAM stack: refused" grep -q '^a NO' "$W/s-ok.deny"
    # The syslog lines of std logins, through a private /dev/log
    # (c-tests/server/privlog.sh, logd.py): a good login, and a session of
    # failures (wrong password, failed AUTHENTICATE PLAIN, a break-in
    # attempt, the right password once the attempts are used up). The
    # original checks through PAM (pam_unix), whose own lines are left
    # out; the library's lines must be the std variant's, which runs with
    # PAM denying everything.
    plain=$(printf '\0pwsok\0wrong-again' | base64)
    long=$(printf 'x%.0s' $(seq 1 72))
    stdlog() { # NAME ETC LIBDIR LINES...
        local name=$1 etc=$2 ld=$3 i; shift 3
        rm -f "$W/$name.sock" "$W/$name.raw"
        python3 "$CCT_ROOT/c-tests/server/logd.py" "$W/$name.sock" "$W/$name.raw" >"$W/$name.logd" 2>&1 &
        local lp=$!
        for i in $(seq 1 100); do grep -q '^ready' "$W/$name.logd" 2>/dev/null && break; sleep 0.1; done
        printf '%s\r\n' "$@" | LD_LIBRARY_PATH=$ld TZ=UTC timeout 60 sh "$CCT_ROOT/c-tests/server/privlog.sh" \
            "$W/etc-$etc" "$W/$name.sock" "$W/refimapd" 2>&1 | sed 's/\r$//' >"$W/$name.session"
        sleep 0.2
        kill $lp 2>/dev/null; wait $lp 2>/dev/null
        sed -E 's/^(<[0-9]+>)[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} /\1/; s/\[[0-9]+\]:/[PID]:/' "$W/$name.raw" |
            grep -v -e 'pam_unix(' -e 'unix_chkpwd' >"$W/$name.log"
    }
    FAILS=("b1 CAPABILITY" "b2 LOGIN pwsok wrong-password" "b3 AUTHENTICATE PLAIN" "$plain"
        "b4 LOGIN $long whatever" "b5 LOGIN pwsok $PASS" "b6 LOGOUT")
    stdlog log-fail-orig unix "" "${FAILS[@]}" &
    p5=$!
    stdlog log-fail-std deny "$W/std" "${FAILS[@]}" &
    p6=$!
    stdlog log-ok-orig unix "" "c1 LOGIN pwsok $PASS" "c2 LOGOUT"
    stdlog log-ok-std deny "$W/std" "c1 LOGIN pwsok $PASS" "c2 LOGOUT"
    wait $p5 $p6
    for k in ok fail; do
        if [ -s "$W/log-$k-std.log" ] && cmp -s "$W/log-$k-orig.log" "$W/log-$k-std.log" &&
            cmp -s "$W/log-$k-orig.session" "$W/log-$k-std.session"; then
            ok "std variant: syslog of the $k session as the original's ($(tr '\n' '|' <"$W/log-$k-std.log"))"
        else
            fail "std variant: syslog of the $k session differs"
            diff "$W/log-$k-orig.log" "$W/log-$k-std.log" | head
            diff "$W/log-$k-orig.session" "$W/log-$k-std.session" | head -5
        fi
    done
    # chroot-server: after the login the session runs inside the user's
    # home (a closed box): a mailbox opened by its name there, and one
    # named by its full path outside, on both.
    cp -a "$W/etc-unix" "$W/etc-chroot"
    printf 'I accept the risk for IMAP toolkit 4.1.\nset disable-plaintext 0\nset chroot-server 1\n' \
        >"$W/etc-chroot/c-client.cf"
    sed -i "s|^\(pwsok:[^:]*:[^:]*:[^:]*:[^:]*\):/nonexistent:|\1:$W/home:|" "$W/etc-chroot/passwd"
    suid=$(grep '^pwsok:' "$W/etc-chroot/passwd" | cut -d: -f3)
    for lib in orig ours; do
        rm -rf "$W/home" && mkdir -p "$W/home/sub"
        printf 'From a@example.org Sun Dec  6 10:00:00 2026\nFrom: a@example.org\nSubject: in the box\n\nBody.\n\n' \
            >"$W/home/box"
        chown -R "$suid:$suid" "$W/home"
        ld=; [ $lib = ours ] && ld=$CCT_LIBDIR
        session "$W/s-chroot.$lib" chroot "$ld" "a LOGIN pwsok $PASS" "c SELECT box" \
            "d FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])" 'e SELECT /box' "f LOGOUT"
        sed -i 's/UIDVALIDITY [0-9]*/UIDVALIDITY N/' "$W/s-chroot.$lib"
    done
    if grep -q '^a OK' "$W/s-chroot.ours" && grep -q 'in the box' "$W/s-chroot.ours" &&
        cmp -s "$W/s-chroot.orig" "$W/s-chroot.ours"; then
        ok "chroot-server: the session inside the home answers as the original's ($(grep -c . "$W/s-chroot.ours") lines)"
    else
        fail "chroot-server session differs"; diff "$W/s-chroot.orig" "$W/s-chroot.ours" | head
    fi
    # Anonymous logins (/etc/anonymous.newsgroups): what the anonymous user
    # may open and what not, on both.
    cp -a "$W/etc-unix" "$W/etc-anon"
    : >"$W/etc-anon/anonymous.newsgroups"
    for lib in orig ours; do
        ld=; [ $lib = ours ] && ld=$CCT_LIBDIR
        session "$W/s-anon.$lib" anon "$ld" "a LOGIN anonymous guest@example.org" "b SELECT INBOX" \
            "c SELECT box" "d SELECT ~/box" "e SELECT #ftp/box" "f SELECT #public/box" \
            "g SELECT #shared/box" "h SELECT /etc/passwd" "j SELECT #news.misc.test" "k NAMESPACE" "i LOGOUT"
        # the empty anonymous INBOX's UIDVALIDITY is the time of the SELECT
        sed -i 's/UIDVALIDITY [0-9]*/UIDVALIDITY N/' "$W/s-anon.$lib"
    done
    if grep -q '^a OK' "$W/s-anon.ours" && cmp -s "$W/s-anon.orig" "$W/s-anon.ours" &&
        grep -q '^\* NAMESPACE' "$W/s-anon.ours" && [ "$(grep '^\* NAMESPACE' "$W/s-anon.ours")" != "$(grep '^\* NAMESPACE' "$W/s-ok.std")" ]; then
        ok "anonymous session: the same mailboxes refused as by the original ($(grep -c '^[b-hj] NO' "$W/s-anon.ours") of 8), its own NAMESPACE answer ($(grep '^\* NAMESPACE' "$W/s-anon.ours" | tr -d '\r'))"
    else
        fail "anonymous session differs"; diff "$W/s-anon.orig" "$W/s-anon.ours" | head
    fi
    if grep -q '^a NO' "$W/s-nul.nul" && cmp -s "$W/s-nul.orig" "$W/s-nul.nul"; then
        ok "refimapd LOGIN on the nul variant: refused as the original refuses"
    else
        fail "refimapd on the nul variant"; diff "$W/s-nul.orig" "$W/s-nul.nul" | head
    fi
else
    fail "refimapd builds against the original headers: $(head -n 3 "$W/cc2.log")"
fi

# ---- make lnp PASSWDTYPE=pam: the lnp port's library, a PAM login ----
# The port's paths and flags are a linked object like the back end
# (src/os/portconf.rs), so `make lnp PASSWDTYPE=pam` links the default
# build again with lnp's settings (spool /var/spool/mail, IPv4, no
# restrictBox, no GSSAPI in linkage.c) into a scratch BUILD directory. A
# refimapd built against that build's own headers logs in through PAM with
# the dedicated service file /etc/pam.d/imap of the private /etc (pam_unix
# for the test user) and reads the INBOX at lnp's spool path; the
# original, Debian's ldb build, reads its own (/var/mail): the same
# transcripts.
t0=$(date +%s%N)
if make --no-print-directory -C "$CCT_ROOT" lnp PASSWDTYPE=pam BUILD="$W/lnp" >"$W/lnp.log" 2>&1; then
    ms=$((($(date +%s%N) - t0) / 1000000))
    if ! grep -q 'Compiling c-client' "$W/lnp.log" && grep -q 'passwd-variant.sh pam .*portconf' "$W/lnp.log"; then
        ok "make lnp PASSWDTYPE=pam: the default build linked with lnp's settings, nothing compiled ($ms ms)"
    else
        fail "make lnp PASSWDTYPE=pam compiled or did not relink: $(grep -e Compiling -e passwd-variant "$W/lnp.log" | head -3 | tr '\n' '|')"
    fi
else
    fail "make lnp PASSWDTYPE=pam: $(tail -n 5 "$W/lnp.log" | tr '\n' '|')"
fi
LNP=$W/lnp/lib
if [ -f "$LNP/libc-client.so.2007e.0" ]; then
    nm -D --defined-only "$LNP/libc-client.so.2007e.0" | awk 'NF == 3 { print $2, $3 }' | sort >"$W/exp.lnp"
    check "lnp library: a relink (not cargo's file) exporting the default's symbols" \
        sh -c "! cmp -s '$LNP/libc-client.so.2007e.0' '$REL/libc_client.so' && cmp -s '$W/exp.default' '$W/exp.lnp'"
    check "lnp library carries lnp's settings (PORT=lnp, MAILSPOOL=/var/spool/mail, RESTRICTBOX=0)" sh -c \
        "strings -a '$LNP/libc-client.so.2007e.0' | grep -qx PORT=lnp && strings -a '$LNP/libc-client.so.2007e.0' | grep -qx MAILSPOOL=/var/spool/mail && strings -a '$LNP/libc-client.so.2007e.0' | grep -qx RESTRICTBOX=0"
    check "lnp linkage.c registers no GSSAPI (EXTRAAUTHENTICATORS empty on lnp)" \
        sh -c "grep -q auth_md5 '$W/lnp/include/c-client/linkage.c' && ! grep -q auth_gss '$W/lnp/include/c-client/linkage.c'"
    if cc -w -I"$W/lnp/include/c-client" -o "$W/refimapd-lnp" "$CCT_ROOT/pine-compat/refimapd.c" \
        -L"$LNP" -lc-client 2>"$W/cc-lnp.log"; then
        chmod 755 "$W/refimapd-lnp"
        suid=$(grep '^pwsok:' "$W/etc-unix/passwd" | cut -d: -f3)
        # lnp_session OUT ETC LIBDIR PROGRAM SPOOL(var-mail|var-spool-mail) LINES...
        lnp_session() {
            local out=$1 etc=$2 ld=$3 prog=$4 where=$5; shift 5
            rm -rf "$W/spool-a" "$W/spool-b" && mkdir -p "$W/spool-a" "$W/spool-b"
            chmod 1777 "$W/spool-a" "$W/spool-b"
            local box="$W/spool-a/pwsok"; [ "$where" = var-spool-mail ] && box="$W/spool-b/pwsok"
            printf 'From a@example.org Sun Dec  6 10:00:00 2026\nFrom: a@example.org\nSubject: in the spool\n\nBody.\n\n' >"$box"
            chown "$suid:$suid" "$box" && chmod 600 "$box"
            printf '%s\r\n' "$@" | LD_LIBRARY_PATH=$ld TZ=UTC timeout 30 unshare -m sh -c '
                mount --bind "$1" /etc && mount --bind "$2" /var/mail &&
                mount -t tmpfs tmpfs /var/spool && ln -s "$3" /var/spool/mail && exec "$4"' sh \
                "$W/etc-$etc" "$W/spool-a" "$W/spool-b" "$prog" 2>&1 |
                sed -e 's/\r$//' -e 's/UIDVALIDITY [0-9]*/UIDVALIDITY N/' >"$out"
        }
        L=("a LOGIN pwsok $PASS" "b SELECT INBOX" "c FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])" "d LOGOUT")
        lnp_session "$W/s-lnp.orig" unix "" "$W/refimapd" var-mail "${L[@]}"
        lnp_session "$W/s-lnp.ours" unix "$LNP" "$W/refimapd-lnp" var-spool-mail "${L[@]}"
        lnp_session "$W/s-lnp.ldbpath" unix "$LNP" "$W/refimapd-lnp" var-mail "${L[@]}"
        lnp_session "$W/s-lnp.deny" deny "$LNP" "$W/refimapd-lnp" var-spool-mail "a LOGIN pwsok $PASS" "b LOGOUT"
        if grep -q '^a OK' "$W/s-lnp.ours" && grep -q 'in the spool' "$W/s-lnp.ours" &&
            cmp -s "$W/s-lnp.orig" "$W/s-lnp.ours"; then
            ok "lnp PAM build: LOGIN through /etc/pam.d/imap, INBOX in /var/spool/mail, the original's transcript (its INBOX in /var/mail)"
        else
            fail "lnp PAM build session differs from the original's"; diff "$W/s-lnp.orig" "$W/s-lnp.ours" | head
        fi
        check "lnp PAM build: /var/mail (ldb's spool) is not its INBOX" \
            sh -c "grep -q '^a OK' '$W/s-lnp.ldbpath' && ! grep -q 'in the spool' '$W/s-lnp.ldbpath'"
        check "lnp PAM build with a denying /etc/pam.d/imap: the login refused" grep -q '^a NO' "$W/s-lnp.deny"
        # restrict-mailbox-access (/etc/c-client.cf) through a server
        # login. Debian's original is built with restrictBox "all", so it
        # refuses a mailbox named by its path and another user's whatever
        # the file says; the lnp build has none of its own, so the file
        # decides: each keyword, then "all" and "root, otherusers", whose
        # transcripts must be the original's.
        rm -rf "$W/rhome" "$W/ohome" "$W/outside" && mkdir -p "$W/rhome" "$W/ohome" "$W/outside"
        for d in rhome ohome outside; do
            printf 'From a@example.org Sun Dec  6 10:00:00 2026\nFrom: a@example.org\nSubject: %s\n\nBody.\n\n' "$d" >"$W/$d/box"
            chmod 755 "$W/$d" && chmod 644 "$W/$d/box"
        done
        chown -R "$suid:$suid" "$W/rhome"
        R=("a LOGIN pwsok $PASS" "b EXAMINE box" "c EXAMINE $W/outside/box" "d EXAMINE ~pwsinpw/box" "e LOGOUT")
        rmb() { # NAME SETTING PROGRAM LIBDIR
            cp -a "$W/etc-unix" "$W/etc-rmb-$1"
            sed -i -e "s|^\(pwsok:[^:]*:[^:]*:[^:]*:[^:]*\):/nonexistent:|\1:$W/rhome:|" \
                -e "s|^\(pwsinpw:[^:]*:[^:]*:[^:]*:[^:]*\):/nonexistent:|\1:$W/ohome:|" "$W/etc-rmb-$1/passwd"
            { printf 'I accept the risk for IMAP toolkit 4.1.\nset disable-plaintext 0\n'
              [ -z "$2" ] || printf 'set restrict-mailbox-access %s\n' "$2"; } >"$W/etc-rmb-$1/c-client.cf"
            printf '%s\r\n' "${R[@]}" | LD_LIBRARY_PATH=$4 TZ=UTC timeout 30 unshare -m sh -c \
                'mount --bind "$1" /etc && exec "$2"' sh "$W/etc-rmb-$1" "$3" 2>&1 |
                sed -e 's/\r$//' -e 's/UIDVALIDITY [0-9]*/UIDVALIDITY N/' >"$W/rmb-$1"
        }
        rmb lnp-none "" "$W/refimapd-lnp" "$LNP" &
        rmb lnp-root root "$W/refimapd-lnp" "$LNP" &
        rmb lnp-other otherusers "$W/refimapd-lnp" "$LNP" &
        rmb lnp-all all "$W/refimapd-lnp" "$LNP" &
        rmb lnp-both "root, otherusers" "$W/refimapd-lnp" "$LNP" &
        rmb orig-all all "$W/refimapd" "" &
        rmb orig-none "" "$W/refimapd" "" &
        wait
        verdicts() { grep -o '^[bcd] [A-Z]*' "$W/rmb-$1" | tr '\n' ' '; }
        check "restrict-mailbox-access unset on lnp: own box, a path outside, another user's all open ($(verdicts lnp-none))" \
            test "$(verdicts lnp-none)" = "b OK c OK d OK "
        check "restrict-mailbox-access root on lnp: the path outside refused, another user's open ($(verdicts lnp-root))" \
            test "$(verdicts lnp-root)" = "b OK c NO d OK "
        check "restrict-mailbox-access otherusers on lnp: another user's refused ($(verdicts lnp-other))" \
            test "$(verdicts lnp-other)" = "b OK c OK d NO "
        for v in all both; do
            if [ "$(verdicts lnp-$v)" = "b OK c NO d NO " ] && cmp -s "$W/rmb-orig-all" "$W/rmb-lnp-$v" &&
                cmp -s "$W/rmb-orig-none" "$W/rmb-lnp-$v"; then
                ok "restrict-mailbox-access '$( [ $v = all ] && echo all || echo 'root, otherusers')' on lnp: the original's transcript"
            else
                fail "restrict-mailbox-access $v on lnp differs from the original"; diff "$W/rmb-orig-all" "$W/rmb-lnp-$v" | head
            fi
        done
        # The lnp port's certificate directory (SSLCERTS=SSLKEYS=
        # /usr/local/ssl/certs): STARTTLS is offered with the certificate
        # there, refused with it only at the ldb port's /etc/ssl/certs.
        if openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
            -keyout "$W/lnp-key.pem" -out "$W/lnp-cert.pem" >/dev/null 2>&1; then
            cat "$W/lnp-cert.pem" "$W/lnp-key.pem" >"$W/lnp-both.pem"
            cp -a "$W/etc-unix" "$W/etc-lnpcert"
            cp "$W/lnp-both.pem" "$W/etc-lnpcert/ssl/certs/refimapd-lnp.pem"
            # the certificate in lnp's directory (a tmpfs over /usr/local)
            printf 'a STARTTLS\r\n' | LD_LIBRARY_PATH=$LNP timeout 30 unshare -m sh -c '
                mount --bind "$1" /etc && mount -t tmpfs tmpfs /usr/local && mkdir -p /usr/local/ssl/certs &&
                cp "$3" /usr/local/ssl/certs/refimapd-lnp.pem && exec "$2"' sh \
                "$W/etc-unix" "$W/refimapd-lnp" "$W/lnp-both.pem" 2>&1 | sed 's/\r$//' >"$W/lnp-tls-usr-local"
            # the certificate only in ldb's /etc/ssl/certs
            printf 'a STARTTLS\r\n' | LD_LIBRARY_PATH=$LNP timeout 30 unshare -m sh -c '
                mount --bind "$1" /etc && exec "$2"' sh "$W/etc-lnpcert" "$W/refimapd-lnp" 2>&1 |
                sed 's/\r$//' >"$W/lnp-tls-etc"
            check "lnp build: STARTTLS with the certificate in /usr/local/ssl/certs (lnp's SSLCERTS)" \
                grep -q '^a OK Begin TLS' "$W/lnp-tls-usr-local"
            check "lnp build: a certificate only in /etc/ssl/certs (ldb's) is not lnp's" \
                grep -q '^a NO STARTTLS failed: Server certificate not installed' "$W/lnp-tls-etc"
        fi
    else
        fail "refimapd builds against the lnp build's headers: $(head -n 3 "$W/cc-lnp.log")"
    fi
fi

# ---- the std archive in a program; copy relocations ----
if cc -w -I"$CCT_ORIG_INC" -o "$W/ckpw-static" "$HERE/ckpw.c" "$W/std/libc-client.a" \
    -lcrypt -lgcc_s -lutil -lrt -lpthread -lm -ldl 2>"$W/cc3.log"; then
    TZ=UTC timeout 60 unshare -m sh -c 'mount --bind "$1" /etc && shift && exec "$@"' sh \
        "$W/etc-unix" "$W/ckpw-static" pwdeny "${CASES[@]}" >"$W/ck.static" 2>&1
    check "a program linked with the std archive checks as the std library does" cmp -s "$W/ck.static" "$W/ck.std-deny"
else
    fail "link a program with the std archive: $(head -n 3 "$W/cc3.log")"
fi
if cc -w -I"$CCT_ORIG_INC" -I"$CCT_ROOT/c-tests/stream" -no-pie -fno-pic -o "$W/copyreloc" \
    "$CCT_ROOT/c-tests/stream/copyreloc.c" "$CCT_ORIG_SO" 2>"$W/cc4.log"; then
    mkdir -p "$W/cr" && chown "$CCT_USER:" "$W/cr" 2>/dev/null
    out=$(cd "$W/cr" && runuser -u "$CCT_USER" -- env HOME="$W/cr" LD_LIBRARY_PATH="$W/std" "$W/copyreloc" . 2>&1)
    if [ -n "$out" ] && ! echo "$out" | grep -q ': 0$'; then
        ok "non-PIE program on the std variant: the library uses the program's driver copies ($(echo "$out" | wc -l) checks)"
    else
        fail "copy relocations on the std variant: $(echo "$out" | tr '\n' '|')"
    fi
else
    fail "build copyreloc: $(head -n 3 "$W/cc4.log")"
fi
finish
