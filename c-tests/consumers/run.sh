#!/bin/bash
# Real programs built against the original run against our library:
# PHP's imap extension (binds all its imports at load time) and the UW
# tools mailutil, tmail, dmail plus mailsync. They must load ours, start,
# and end without a signal. Also: `make install` lays files out the way
# PHP's `./configure --with-imap=PREFIX` and pkg-config expect.
# Local mailboxes are opened as an unprivileged user ($CCLIENT_TEST_USER,
# default cloudsdk) from a temporary directory, so a checkout under /root works.
set -u
. "$(dirname "$0")/../lib/common.sh"

if [ ! -f "$CCT_LIBDIR/libc-client.so.2007e.0" ]; then
    fail "build/lib/libc-client.so.2007e.0 exists (run make)"
    finish
fi
if ! have_test_user; then
    skip_suite "running as root and test user '$CCT_USER' does not exist (set CCLIENT_TEST_USER)"
fi
user_tmpdir
LIB="$CCT_TMP/lib"
stage_lib "$LIB"
W="$CCT_TMP/work"
mkdir -p "$W"
chmod 777 "$W"
export LD_LIBRARY_PATH="$LIB"
TMO=20

# run_ok NAME CMD...: CMD (as the test user) must finish in time and not by a
# signal; its output is kept in $OUT.
run_ok() {
    _n=$1
    shift
    OUT=$(cd "$W" && as_user timeout -k 5 "$TMO" "$@" </dev/null 2>&1)
    RC=$?
    if [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then
        fail "$_n: hung (killed after ${TMO}s)"
        return 1
    elif died_by_signal "$RC"; then
        fail "$_n: died by signal $((RC - 128)); output: $(echo "$OUT" | tail -n 3 | tr '\n' '|')"
        return 1
    fi
    ok "$_n (exit $RC)"
}

# uses_ours BINARY: the dynamic loader resolves libc-client to our copy.
uses_ours() {
    ldd "$1" 2>/dev/null | grep -q "libc-client.so.2007e => $LIB/libc-client.so.2007e"
}

# ---------------- PHP ----------------
if command -v php >/dev/null 2>&1; then
    extdir=$(php -r 'echo ini_get("extension_dir");' 2>/dev/null)
    if [ -f "$extdir/imap.so" ]; then
        check "PHP imap.so resolves libc-client to ours" uses_ours "$extdir/imap.so"
        mods=$(as_user php -m 2>&1)
        if echo "$mods" | grep -qx imap; then
            ok "php -m lists imap with our library (all imports bound)"
        else
            fail "php -m does not list imap: $(echo "$mods" | grep -i -E 'warning|error|symbol' | head -n 2)"
        fi
        # One PHP process per call, so one crash does not hide the others.
        # Each script prints END last: reaching it means the call returned.
        printf '' >"$W/empty"
        chmod 666 "$W/empty"
        php_case() { # NAME PHP-CODE EXPECTED-REGEX
            printf '<?php\n%s\necho "\\nEND\\n";\n' "$2" >"$W/case.php"
            chmod 644 "$W/case.php"
            if run_ok "php: $1 returns" php -n -d extension=imap.so "$W/case.php"; then
                if ! echo "$OUT" | grep -qx END; then
                    fail "php: $1 did not reach the end of the script"
                elif echo "$OUT" | grep -qE "$3"; then
                    ok "php: $1 output sane"
                else
                    fail "php: $1 output unexpected: $(echo "$OUT" | head -n 4 | tr '\n' '|')"
                fi
            fi
        }
        # Sane = the right answer, or our "not available" notice while the
        # engine behind the call is still being written.
        NA='not available in this version of c-client'
        # imap_utf8 decomposes (U8T_CANONICAL): "e" + U+0301, 6 bytes, as the original does.
        php_case "imap_utf8" 'var_dump(bin2hex(imap_utf8("=?UTF-8?Q?caf=C3=A9?=")));' "\"63616665cc81\"|$NA"
        php_case "imap_rfc822_parse_adrlist" \
            '$a = imap_rfc822_parse_adrlist("Joe <joe@example.org>, ann@example.net", "localhost"); echo count($a), " ", $a[0]->mailbox ?? "-", "@", $a[0]->host ?? "-", "\n";' \
            "^2 joe@example.org\$|$NA"
        php_case "imap_rfc822_write_address" 'var_dump(imap_rfc822_write_address("joe", "example.org", "Joe Q"));' \
            "Joe Q <joe@example.org>|$NA"
        php_case "imap_open of an empty local folder" \
            '$s = @imap_open("empty", "", "", OP_READONLY); if ($s) { echo "msgs=", imap_num_msg($s), "\n"; imap_close($s); } else { echo "open failed: ", implode("; ", imap_errors() ?: []), "\n"; }' \
            "^msgs=0\$|open failed"
    else
        skip "PHP imap extension not installed (apt-get install php8.2-imap)"
    fi
else
    skip "php not installed (apt-get install php8.2-cli php8.2-imap)"
fi

# ---------------- UW tools and mailsync ----------------
tool() { # BINARY NAME CMD...
    _b=$1 _n=$2
    shift 2
    if [ ! -x "$_b" ]; then
        skip "$_n: $_b not installed"
        return
    fi
    check "$_n: ldd shows our library" uses_ours "$_b"
    run_ok "$_n: starts and ends without a signal" "$@"
}
tool /usr/bin/mailutil "mailutil check nonexistent" mailutil check nonexistent
tool /usr/bin/tmail "tmail without arguments" tmail
tool /usr/bin/dmail "dmail with empty input" dmail
tool /usr/bin/mailsync "mailsync listing an empty folder" mailsync "$W/empty"

# ---------------- install layout for PHP's configure and pkg-config ----------------
P="$CCT_TMP/prefix"
if make -s --no-print-directory -C "$CCT_ROOT" install PREFIX="$P" >"$CCT_TMP/install.log" 2>&1; then
    ok "make install PREFIX=<tmp>"
    for f in include/c-client/c-client.h include/c-client/linkage.c include/c-client/linkage.h \
        include/c-client/auths.c lib/libc-client.a lib/libc-client.so lib/libc-client.so.2007e \
        lib/pkgconfig/c-client.pc; do
        check "installed $f" [ -e "$P/$f" ]
    done
    check "installed lib/libc-client.so.2007e.0 has soname libc-client.so.2007e" \
        sh -c "readelf -d '$P/lib/libc-client.so.2007e.0' | grep -q 'SONAME.*\\[libc-client.so.2007e\\]'"
    pc=$(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --cflags --libs c-client 2>&1 | sed "s/ *$//")
    check "pkg-config c-client gives -I$P/include/c-client -L$P/lib -lc-client" \
        [ "$pc" = "-I$P/include/c-client -L$P/lib -lc-client" ]
    # What PHP's configure does: compile and link a program calling the
    # library, with the callbacks defined by the program.
    if [ -f "$P/include/c-client/c-client.h" ]; then
        cat >"$CCT_TMP/conf.c" <<'PROG'
#include "c-client.h"
#include "mm_callbacks.h"
int main (void)
{
  SIZEDTEXT src, dst;
  src.data = (unsigned char *) "x"; src.size = 1;
  ssl_onceonlyinit ();
  auth_gssapi_valid ();
  utf8_mime2text (&src, &dst, U8T_DECOMPOSE);
  return 0;
}
PROG
        check "a PHP-configure-style program links with -lc-client (shared)" \
            sh -c "cc -w $pc -I'$CCT_ROOT/c-tests/lib' -o '$CCT_TMP/conf_so' '$CCT_TMP/conf.c' $pc"
        check "a PHP-configure-style program links with libc-client.a (static)" \
            sh -c "cc -w -I'$P/include/c-client' -I'$CCT_ROOT/c-tests/lib' -o '$CCT_TMP/conf_a' '$CCT_TMP/conf.c' '$P/lib/libc-client.a' \$(PKG_CONFIG_PATH='$P/lib/pkgconfig' pkg-config --static --libs-only-l c-client | sed 's/-lc-client//')"
    else
        skip "PHP-configure-style link test: no c-client.h in include/ yet"
    fi
else
    fail "make install PREFIX=<tmp>: $(tail -n 5 "$CCT_TMP/install.log")"
fi

finish
