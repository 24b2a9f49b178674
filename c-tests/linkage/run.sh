#!/bin/bash
# The knobs reach the generated linkage files and the cargo features:
# default port equals Debian's installed linkage.c/linkage.h in effect;
# EXTRADRIVERS, EXTRAAUTHENTICATORS, SSLTYPE and PASSWDTYPE change exactly
# what they should; unsupported values stop `make` with a clear message.
# Uses `make linkage-only` / `make config` (no release rebuilds).
set -u
. "$(dirname "$0")/../lib/common.sh"
has() { echo "$1" | grep -q -- "$2"; }
cd "$CCT_ROOT" || exit 1
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# gen DIR [KNOB=value ...]: generate the linkage files into DIR.
gen() {
    _d=$1
    shift
    make -s --no-print-directory linkage-only LINKAGE_OUT="$_d" "$@" >"$_d.log" 2>&1
}
# statements FILE: the C statements/declarations, comments and spacing removed.
statements() {
    sed -e 's:/\*.*\*/::g' "$1" | awk '
        /\/\*/ { inc = 1 } inc { if ($0 ~ /\*\//) inc = 0; next }
        { gsub(/[ \t]+/, ""); if ($0 != "") print }'
}
has_line() { statements "$1" | grep -qxF "$2"; }

# --- default port against Debian's build ---
if gen "$W/def"; then ok "default port generates linkage files"; else fail "default port generates linkage files: $(cat "$W/def.log")"; fi
if [ -f "$CCT_ORIG_INC/linkage.c" ]; then
    if [ "$(statements "$W/def/linkage.c")" = "$(statements "$CCT_ORIG_INC/linkage.c")" ]; then
        ok "default linkage.c equals Debian's in effect"
    else
        fail "default linkage.c differs from Debian's"
        statements "$CCT_ORIG_INC/linkage.c" >"$W/a"
        statements "$W/def/linkage.c" >"$W/b"
        diff "$W/a" "$W/b" | head -n 10
    fi
    if [ "$(statements "$W/def/linkage.h")" = "$(statements "$CCT_ORIG_INC/linkage.h")" ]; then
        ok "default linkage.h equals Debian's in effect"
    else
        fail "default linkage.h differs from Debian's"
    fi
else
    skip "comparison with Debian's linkage.c: $CCT_ORIG_INC/linkage.c not installed"
fi
# auths.c names the same authenticators in the same order.
a_ours=$(sed -n 's:^/\* auth_\([a-z0-9]*\) \*/$:\1:p' "$W/def/auths.c" | tr '\n' ' ')
check "auths.c lists gss ext md5 pla log (got '$a_ours')" [ "$a_ours" = "gss ext md5 pla log " ]

# --- EXTRADRIVERS without mbox ---
gen "$W/nombox" EXTRADRIVERS=
if ! statements "$W/nombox/linkage.c" | grep -q mboxdriver && ! grep -q mboxdriver "$W/nombox/linkage.h" &&
    [ "$(statements "$W/nombox/linkage.c" | head -n 1)" = "mail_link(&imapdriver);" ] &&
    [ "$(statements "$W/nombox/linkage.c" | grep mail_link | tail -n 1)" = "mail_link(&dummydriver);" ]; then
    ok "EXTRADRIVERS= drops mbox, keeps imap first and dummy last"
else
    fail "EXTRADRIVERS= linkage wrong"
fi
out=$(make -s --no-print-directory linkage-only LINKAGE_OUT="$W/x" EXTRADRIVERS=bogus 2>&1)
if [ $? -ne 0 ] && has "$out" 'configuration error'; then ok "EXTRADRIVERS=bogus is refused"; else fail "EXTRADRIVERS=bogus accepted"; fi

# --- authenticators ---
gen "$W/lnp" PORT=lnp
auths=$(statements "$W/lnp/linkage.c" | sed -n 's/^auth_link(&auth_\(.*\));$/\1/p' | tr '\n' ' ')
check "lnp port: authenticators ext md5 pla log (got '$auths')" [ "$auths" = "ext md5 pla log " ]
gen "$W/lnpgss" PORT=lnp EXTRAAUTHENTICATORS=gss
auths=$(statements "$W/lnpgss/linkage.c" | sed -n 's/^auth_link(&auth_\(.*\));$/\1/p' | tr '\n' ' ')
check "EXTRAAUTHENTICATORS=gss puts gss first (got '$auths')" [ "$auths" = "gss ext md5 pla log " ]

# --- SSLTYPE / PASSWDTYPE -> the tail of linkage.c ---
tail_of() { statements "$1/linkage.c" | sed -n '/^mail_versioncheck/,$p' | tr '\n' ' '; }
V="mail_versioncheck(CCLIENTVERSION);"
S="ssl_onceonlyinit();"
P1="mail_parameters(NIL,SET_DISABLEPLAINTEXT,(void*)1);"
P2="mail_parameters(NIL,SET_DISABLEPLAINTEXT,(void*)2);"
expect_tail() { # NAME EXPECTED KNOBS...
    _n=$1 _e=$2
    shift 2
    _d="$W/t$(echo "$_n" | tr -c 'a-z0-9' _)"
    if gen "$_d" "$@" && [ "$(tail_of "$_d")" = "$_e" ]; then
        ok "$_n"
    else
        fail "$_n: got '$(tail_of "$_d" 2>/dev/null)', expected '$_e'"
    fi
}
expect_tail "SSLTYPE=unix.nopwd: TLS init, then plaintext only in TLS (2)" "$V $S $P2 " SSLTYPE=unix.nopwd
expect_tail "SSLTYPE=nopwd: same as unix.nopwd" "$V $S $P2 " SSLTYPE=nopwd
expect_tail "SSLTYPE=unix: TLS init, plaintext allowed" "$V $S " SSLTYPE=unix
expect_tail "SSLTYPE=none: no TLS init, no plaintext setting" "$V " SSLTYPE=none
expect_tail "PASSWDTYPE=nul SSLTYPE=none: plaintext never (1)" "$V $P1 " PASSWDTYPE=nul SSLTYPE=none
expect_tail "PASSWDTYPE=nul SSLTYPE=nopwd: 1, TLS init, then 2" "$V $P1 $S $P2 " PASSWDTYPE=nul SSLTYPE=nopwd

# --- unsupported knobs stop make before anything is built ---
# PASSWDTYPE=nul needs another way in (FAQ 3.17): an extra authenticator or
# the CRAM-MD5 database.
out=$(make --no-print-directory lib PORT=lnx PASSWDTYPE=nul MD5PWD="$W/no-cram-md5.pwd" 2>&1)
if [ $? -ne 0 ] && echo "$out" | grep -q "PASSWDTYPE=nul disables every plaintext login" &&
    ! echo "$out" | grep -q Compiling; then
    ok "make PASSWDTYPE=nul without an extra authenticator or CRAM-MD5 database stops early"
else
    fail "make PASSWDTYPE=nul without another authenticator: $(echo "$out" | tail -n 3)"
fi
: >"$W/cram-md5.pwd"
for knobs in "EXTRAAUTHENTICATORS=gss MD5PWD=$W/no-cram-md5.pwd" "MD5PWD=$W/cram-md5.pwd"; do
    # shellcheck disable=SC2086
    if make -s --no-print-directory config PORT=lnx PASSWDTYPE=nul $knobs >"$W/nul.log" 2>&1; then
        ok "PASSWDTYPE=nul accepted with $knobs"
    else
        fail "PASSWDTYPE=nul with $knobs: $(tail -n 2 "$W/nul.log")"
    fi
done

for pw in afs dce; do
    out=$(make --no-print-directory lib PASSWDTYPE=$pw 2>&1)
    rc=$?
    if [ $rc -ne 0 ] && echo "$out" | grep -q "PASSWDTYPE=$pw is not supported on this platform" &&
        ! echo "$out" | grep -q Compiling; then
        ok "make PASSWDTYPE=$pw fails early with 'not supported on this platform'"
    else
        fail "make PASSWDTYPE=$pw: rc=$rc output: $(echo "$out" | head -n 3)"
    fi
done
out=$(make --no-print-directory linkage-only LINKAGE_OUT="$W/sco" SSLTYPE=sco 2>&1)
if [ $? -ne 0 ] && echo "$out" | grep -q "not supported on this platform"; then
    ok "SSLTYPE=sco refused"
else
    fail "SSLTYPE=sco accepted"
fi
check "unknown port refused" sh -c "! make -s --no-print-directory config PORT=vax >/dev/null 2>&1"

# --- ports set their own defaults ---
cfg() { make -s --no-print-directory config "$@" 2>&1; }
has() { echo "$1" | grep -q -- "$2"; }
c=$(cfg)
if has "$c" 'MAILSPOOL=/var/mail ' && has "$c" '^FEATURES=.*passwd-pam.*restrict-box'; then
    ok "ldb: /var/mail spool, restrict-box, pam"
else fail "ldb config: $c"; fi
c=$(cfg PORT=lnp)
if has "$c" 'MAILSPOOL=/var/spool/mail ' && has "$c" '^FEATURES=.*passwd-pam' && ! has "$c" restrict-box; then
    ok "lnp: /var/spool/mail spool, pam, no restrict-box"
else fail "lnp config: $c"; fi
c=$(cfg PORT=slx)
if has "$c" '^FEATURES=.*passwd-std'; then ok "slx: crypt (passwd-std)"; else fail "slx config: $c"; fi
c=$(cfg PORT=slx PASSWDTYPE=pmb)
if has "$c" '^FEATURES=.*passwd-pmb'; then ok "PASSWDTYPE=pmb overrides the port's method"; else fail "slx pmb config: $c"; fi
c=$(cfg PORT=sol)
if has "$c" 'ACTIVEFILE=/usr/share/news/active'; then ok "sol: /usr/share/news/active"; else fail "sol config: $c"; fi
c=$(cfg EXTRADRIVERS=)
if has "$c" '^FEATURES=' && ! has "$c" driver-mbox; then ok "EXTRADRIVERS= leaves out feature driver-mbox"; else fail "EXTRADRIVERS= config: $c"; fi

# --- generated files compile into a program and link against our library ---
if [ -f "$CCT_LIBDIR/libc-client.so" ]; then
    inc="-I$CCT_INCDIR"
    [ -f "$CCT_INCDIR/c-client.h" ] || inc="$inc -I$CCT_ORIG_INC"
    for cfgname in def nombox; do
        cat >"$W/prog_$cfgname.c" <<'PROG'
#include "c-client.h"
#include "linkage.h"
#include "mm_callbacks.h"
int main (void)
{
#include "linkage.c"
  return 0;
}
PROG
        if cc -w -I"$W/$cfgname" $inc -I"$CCT_ROOT/c-tests/lib" -o "$W/prog_$cfgname" "$W/prog_$cfgname.c" -L"$CCT_LIBDIR" -lc-client >"$W/cc_$cfgname.log" 2>&1; then
            ok "linkage files ($cfgname) compile and link against our library"
        else
            fail "linkage files ($cfgname) do not compile/link: $(head -n 5 "$W/cc_$cfgname.log")"
        fi
    done
else
    skip "compile/link of generated files: build/lib not built (run make)"
fi

# --- the cargo features of a non-default configuration compile ---
feats=$(make -s --no-print-directory config PORT=lnx PASSWDTYPE=nul EXTRAAUTHENTICATORS=gss SSLTYPE=none EXTRADRIVERS= | sed -n 's/^FEATURES=//p')
if cargo test -q --lib --no-default-features --features "$feats" env::config >"$W/cargo.log" 2>&1; then
    ok "crate builds and config tests pass with features '$feats'"
else
    fail "crate with features '$feats': $(tail -n 5 "$W/cargo.log")"
fi

finish
