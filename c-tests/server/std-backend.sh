#!/bin/bash
# PASSWDTYPE=std end to end: refimapd on a library built with the crypt(3)
# back end (shadow passwords) logs the test user in with the password of
# its shadow entry, refuses a wrong one, and refuses every password of a
# locked account; the syslog lines are the library's. Not part of
# `make test`: a second build of the library takes minutes. Run by hand:
#
#   make -s config PORT=slx            # the features of the std port
#   CARGO_TARGET_DIR=/tmp/std cargo build --release --lib \
#       --no-default-features --features 'passwd-std ssl-nopwd driver-mbox driver-maildir'
#   bash c-tests/server/std-backend.sh /tmp/std/release/libc_client.so
set -u
. "$(dirname "$0")/../lib/common.sh"
is_root || skip_suite "needs root"
SO=${1:-}
[ -f "$SO" ] || skip_suite "give the std-built libc_client.so"
W=$(mktemp -d /tmp/server-std.XXXXXX)
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT
mkdir "$W/lib" && cp "$SO" "$W/lib/libc-client.so.2007e"
SUSER=srvstd SPASS='Std-Pass-7'
id "$SUSER" >/dev/null 2>&1 || useradd -m -s /bin/false "$SUSER" || { fail "create $SUSER"; finish; }
echo "$SUSER:$SPASS" | chpasswd
cc -w -I"$CCT_ORIG_INC" -o "$W/refimapd" "$CCT_ROOT/pine-compat/refimapd.c" "$CCT_ORIG_SO" || { fail "build refimapd"; finish; }
chmod 755 "$W/refimapd"
cp -a /etc "$W/etc"
printf 'I accept the risk for IMAP toolkit 4.1.\nset disable-plaintext 0\n' >"$W/etc/c-client.cf"
rm -f "$W/etc/cram-md5.pwd" "$W/etc/pam.d/imap"
# PAM would refuse everything here: only crypt(3) can accept the password.
printf 'auth requisite pam_deny.so\naccount requisite pam_deny.so\n' >"$W/etc/pam.d/imap"
session() { # LABEL LIB-DIR LINES...
    local label=$1 ld=$2; shift 2
    printf '%s\r\n' "$@" | LD_LIBRARY_PATH=$ld timeout 30 unshare -m sh -c \
        'mount --bind "$1" /etc && exec "$2"' sh "$W/etc" "$W/refimapd" >"$W/$label" 2>&1
}
session std-ok "$W/lib" "a LOGIN $SUSER $SPASS" "b LOGOUT"
check "std back end: the shadow password logs in" grep -q '^a OK' "$W/std-ok"
session std-bad "$W/lib" "a LOGIN $SUSER wrong-$SPASS" "b LOGOUT"
check "std back end: a wrong password is refused" grep -q '^a NO' "$W/std-bad"
session pam-ok "$CCT_LIBDIR" "a LOGIN $SUSER $SPASS" "b LOGOUT"
check "the default (PAM) build with a PAM stack that denies: refused" grep -q '^a NO' "$W/pam-ok"
usermod -L "$SUSER"
cp /etc/shadow "$W/etc/shadow"
session std-locked "$W/lib" "a LOGIN $SUSER $SPASS" "b LOGOUT"
usermod -U "$SUSER"
check "std back end: a locked account is refused" grep -q '^a NO' "$W/std-locked"
finish
