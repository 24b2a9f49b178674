# Shared setup of the mailbox suites (run.sh, writeback.sh and
# ../consumers-mail/run.sh). Source it after setting HERE.
#
# Our library: $OURS_LIB (a directory holding libc-client.so.2007e),
# default build/lib of this checkout; "original" for a self-test. The original: the installed
# /usr/lib/libc-client.so.2007e, used with an empty LD_LIBRARY_PATH.
#
# Every program runs as an ordinary user (cloudsdk when we are root: the
# original refuses local mailboxes as root) with HOME set to one fixed
# scratch path, $H, that is emptied and refilled before each run: the
# libraries print absolute paths in some messages, so both must see the
# same one. Mailbox names are relative to that home.
set -u
ROOT=$(cd "$HERE/../.." && pwd)
MBX_DIR=$(cd "$ROOT/c-tests/mailbox" && pwd)
OURS_LIB=${OURS_LIB:-$ROOT/build/lib}
# The corpus lies next to the repository; CORPUS=/path overrides (a worktree
# elsewhere).
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
PASS=0
MBX_SINCE=
FAIL=0

ok() { PASS=$((PASS + 1)); echo "ok   $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }
finish() {
    echo "$PASS passed, $FAIL failed"
    [ "$FAIL" -eq 0 ]
    exit $?
}

if [ "$(id -u)" = 0 ]; then
    RUNUSER=${CCLIENT_TEST_USER:-cloudsdk}
    id "$RUNUSER" >/dev/null 2>&1 || { echo "SKIPPED: user $RUNUSER does not exist"; echo "0 passed, 0 failed"; exit 0; }
else
    RUNUSER=""
fi
[ -f /usr/include/c-client/c-client.h ] && [ -e /usr/lib/libc-client.so.2007e ] || {
    echo "SKIPPED: the original c-client (libc-client2007e-dev) is not installed"
    echo "0 passed, 0 failed"; exit 0; }
command -v python3 >/dev/null 2>&1 || { echo "python3 is needed"; echo "0 passed, 1 failed"; exit 1; }

W=$(mktemp -d /tmp/cct-mailbox.XXXXXX)
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT
H="$W/home"
mkdir -p "$W/bin" "$W/lib" "$W/out"

# Our library, staged where the test user can read it. OURS_LIB=original
# stages the original instead: every comparison must then pass (checks the
# suites themselves).
if [ "$OURS_LIB" = original ]; then
    cp -P /usr/lib/libc-client.so.2007e* "$W/lib/"
    HAVE_OURS=1
elif [ -e "$OURS_LIB/libc-client.so.2007e" ]; then
    cp -P "$OURS_LIB"/libc-client.so* "$W/lib/"
    HAVE_OURS=1
else
    echo "note: no library at $OURS_LIB (run make, or set OURS_LIB=/path/to/lib)"
    HAVE_OURS=0
fi
chmod -R a+rX "$W"

# lib_path NAME: the LD_LIBRARY_PATH that selects library NAME.
lib_path() { if [ "$1" = ours ]; then echo "$W/lib"; else echo ""; fi; }

# fresh_home [SOURCE-DIR]: empty $H, then copy SOURCE-DIR's contents in.
fresh_home() {
    rm -rf "$H"
    mkdir -p "$H"
    if [ $# -gt 0 ] && [ -n "$1" ]; then cp -a "$1/." "$H/"; fi
    # Corpus files are read-only; a mailbox the user cannot write opens
    # read-only whatever the program asks.
    chmod -R u+w "$H"
    # Fixed access times: whether a mailbox lists as \Marked (new mail)
    # compares them with the modification times, and reading the source
    # for the copy moves its access time. Access time := modification time.
    find "$H" -type f | while IFS= read -r _f; do
        touch -a -d "@$(stat -c %Y "$_f")" "$_f"
    done
    [ -n "$RUNUSER" ] && chown -R "$RUNUSER" "$H"
    return 0
}

# in_home LIB CMD...: CMD as the test user in $H, HOME=$H, with library LIB,
# killed after $MBX_TIMEOUT seconds (default 600: the 9,151-message mbox
# takes about 2 s with the original).
in_home() {
    _lp=$(lib_path "$1")
    shift
    if [ -n "$RUNUSER" ]; then
        (cd "$H" && runuser -u "$RUNUSER" -- timeout -k 5 "${MBX_TIMEOUT:-600}" env HOME="$H" LD_LIBRARY_PATH="$_lp" ${MBX_SINCE:+MBX_SINCE="$MBX_SINCE"} ${MBX_NOMARK:+MBX_NOMARK="$MBX_NOMARK"} "$@")
    else
        (cd "$H" && timeout -k 5 "${MBX_TIMEOUT:-600}" env HOME="$H" LD_LIBRARY_PATH="$_lp" ${MBX_SINCE:+MBX_SINCE="$MBX_SINCE"} ${MBX_NOMARK:+MBX_NOMARK="$MBX_NOMARK"} "$@")
    fi
}

# build NAME: compile c-tests/mailbox/NAME.c against the original's headers.
build() {
    cc -O1 -w -I/usr/include/c-client -I"$MBX_DIR" -o "$W/bin/$1" "$MBX_DIR/$1.c" -lc-client
}

# compare LABEL EXPECTED ACTUAL: case-by-case comparison, counted.
compare() {
    python3 "$MBX_DIR/tools.py" compare "$@" >"$W/cmp.out"
    grep -v '^CASES ' "$W/cmp.out"
    set -- $(sed -n 's/^CASES //p' "$W/cmp.out") 0 1
    PASS=$((PASS + $1))
    FAIL=$((FAIL + $2))
}

# masked FILE [OPTIONS]: FILE with run-dependent parts masked (tools.py mask).
masked() { _f=$1; shift; python3 "$MBX_DIR/tools.py" mask "$@" "$_f"; }

MASK_OPTS=""
# same_files LABEL DIR-A DIR-B: the same file names, and the same bytes
# after masking with tools.py mask $MASK_OPTS.
same_files() {
    local la lb n nd f
    la=$(cd "$2" && find . | LC_ALL=C sort)
    lb=$(cd "$3" && find . | LC_ALL=C sort)
    if [ "$la" != "$lb" ]; then
        bad "$1: different files: $(diff <(echo "$la") <(echo "$lb") | grep '^[<>]' | head -n 4 | tr '\n' ' ')"
        return
    fi
    n=0 nd=0
    for f in $(cd "$2" && find . -type f | LC_ALL=C sort); do
        n=$((n + 1))
        cmp -s "$2/$f" "$3/$f" && continue
        if ! cmp -s <(masked "$2/$f" $MASK_OPTS) <(masked "$3/$f" $MASK_OPTS); then
            nd=$((nd + 1))
            echo "     $f differs:"
            diff -a <(masked "$2/$f" $MASK_OPTS) <(masked "$3/$f" $MASK_OPTS) | head -n 8 | cut -c1-200 | sed 's/^/       /'
        fi
    done
    if [ "$nd" = 0 ]; then ok "$1: $n files identical"; else bad "$1: $nd of $n files differ"; fi
}

