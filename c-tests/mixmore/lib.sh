# Shared setup of c-tests/mixmore/run.sh and c-tests/xfer/run.sh: counters,
# the skip rules, a scratch directory $W with our library staged in $W/lib
# and c-tests/mixmore/mmtool.c built against the original's headers in
# $W/mmtool, the scratch home $H, and the helpers run/home_from. Source it
# after setting HERE and SUITE (the scratch directory's name).
ROOT=$(cd "$HERE/../.." && pwd)
OURS_LIB=${OURS_LIB:-$ROOT/build/lib}
CORPUS=${CORPUS:-}
if [ -z "$CORPUS" ]; then for c in "$ROOT/../shared/corpus" "$ROOT/../../shared/corpus" /work/shared/corpus; do [ -d "$c" ] && CORPUS=$c && break; done; fi
PASS=0
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
    echo "SKIPPED: the original c-client is not installed"; echo "0 passed, 0 failed"; exit 0; }
[ -x /usr/bin/mailutil ] || { echo "SKIPPED: mailutil (uw-mailutils) is not installed"; echo "0 passed, 0 failed"; exit 0; }
[ -e "$OURS_LIB/libc-client.so.2007e" ] || { echo "no library at $OURS_LIB (run make)"; echo "0 passed, 1 failed"; exit 1; }

W=$(mktemp -d "/tmp/$SUITE-cct.XXXXXX")
chmod 755 "$W"
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
H="$W/home"
mkdir -p "$W/lib" "$W/out"
cp -P "$OURS_LIB"/libc-client.so* "$W/lib/"
cc -w -I/usr/include/c-client -o "$W/mmtool" "$ROOT/c-tests/mixmore/mmtool.c" -lc-client || { bad "build mmtool.c"; finish; }
cp "$ROOT/c-tests/mix/norm.py" "$W/"
chmod -R a+rX "$W"

# run LIB CMD...: CMD in $H as the test user, with library LIB (orig|ours).
run() {
    local lib=$1 lp=""; shift
    [ "$lib" = ours ] && lp="$W/lib"
    if [ -n "$RUNUSER" ]; then
        (cd "$H" && runuser -u "$RUNUSER" -- env HOME="$H" TZ=UTC LD_LIBRARY_PATH="$lp" "$@")
    else
        (cd "$H" && env HOME="$H" TZ=UTC LD_LIBRARY_PATH="$lp" "$@")
    fi
}
# home_from DIR: $H emptied, then DIR's contents copied in ("" for none).
home_from() {
    rm -rf "$H"; mkdir -p "$H"
    [ -n "$1" ] && cp -a "$1/." "$H/"
    [ -n "$RUNUSER" ] && chown -R "$RUNUSER" "$H"
    chmod 755 "$H"
}
