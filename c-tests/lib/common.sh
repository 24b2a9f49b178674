# Shared helpers for the shell test suites in c-tests/*/run.sh and
# pine-compat/run.sh. Source it:  . "$(dirname "$0")/../lib/common.sh"
#
# Every suite ends with `finish`, which prints the last line
# "N passed, N failed" that `make test` adds up, and exits non-zero when
# anything failed.

# Repository root, whichever suite sourced us: walk up from the script.
CCT_ROOT=$(cd "$(dirname "$0")" && pwd)
while [ "$CCT_ROOT" != / ] && ! { [ -f "$CCT_ROOT/Cargo.toml" ] && [ -f "$CCT_ROOT/Makefile" ]; }; do
    CCT_ROOT=$(dirname "$CCT_ROOT")
done
export CCT_ROOT

# Our staged library and headers (built by `make`).
CCT_LIBDIR="$CCT_ROOT/build/lib"
CCT_INCDIR="$CCT_ROOT/build/include/c-client"
# The original, installed by Debian's libc-client2007e(-dev): the oracle.
CCT_ORIG_SO=/usr/lib/libc-client.so.2007e.0
CCT_ORIG_A=/usr/lib/libc-client.a
CCT_ORIG_INC=/usr/include/c-client

# Unprivileged user for everything that opens local mailboxes: the original
# refuses to as root. Override with CCLIENT_TEST_USER.
CCT_USER=${CCLIENT_TEST_USER:-cloudsdk}

CCT_PASS=0
CCT_FAIL=0
CCT_SKIP=0

ok() { CCT_PASS=$((CCT_PASS + 1)); echo "ok   - $*"; }
fail() { CCT_FAIL=$((CCT_FAIL + 1)); echo "FAIL - $*"; }
skip() { CCT_SKIP=$((CCT_SKIP + 1)); echo "skip - $*"; }
# check NAME CMD...: passes when CMD succeeds.
check() {
    _name=$1
    shift
    if "$@"; then ok "$_name"; else fail "$_name"; fi
}

finish() {
    [ "$CCT_SKIP" -gt 0 ] && echo "($CCT_SKIP skipped)"
    echo "$CCT_PASS passed, $CCT_FAIL failed"
    [ "$CCT_FAIL" -eq 0 ]
    exit $?
}

# Whole suite cannot run: say why, count nothing, succeed.
skip_suite() {
    echo "SKIPPED: $*"
    echo "0 passed, 0 failed"
    exit 0
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Does the test user exist (needed only when we are root)?
have_test_user() { ! is_root || id "$CCT_USER" >/dev/null 2>&1; }

# as_user CMD...: run CMD as the unprivileged test user when we are root,
# keeping LD_LIBRARY_PATH; as ourselves otherwise.
as_user() {
    if is_root; then
        runuser -u "$CCT_USER" -- env ${LD_LIBRARY_PATH:+LD_LIBRARY_PATH="$LD_LIBRARY_PATH"} \
            HOME="$CCT_USER_HOME" "$@"
    else
        "$@"
    fi
}

# user_tmpdir: a fresh directory the test user can use as home and
# workspace (the checkout may sit under /root, unreadable to that user).
# Sets CCT_TMP and CCT_USER_HOME; removed on exit.
user_tmpdir() {
    CCT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cct.XXXXXX")
    chmod 755 "$CCT_TMP"
    mkdir -p "$CCT_TMP/home"
    if is_root; then chown "$CCT_USER" "$CCT_TMP/home"; fi
    CCT_USER_HOME="$CCT_TMP/home"
    trap 'rm -rf "$CCT_TMP"' EXIT
}

# stage_lib DIR: copy our staged library (with its symlinks) into DIR so a
# user who cannot read the checkout can load it.
stage_lib() {
    mkdir -p "$1"
    cp -P "$CCT_LIBDIR"/libc-client.so* "$1"/
    chmod -R a+rX "$1"
}

# died_by_signal RC: exit status of a shell-run command means a signal
# (or the runner's report of one).
died_by_signal() { [ "$1" -ge 128 ] && [ "$1" -ne 255 ]; }
