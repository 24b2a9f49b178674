#!/bin/bash
# The demo (demo/ccdemo.c) against the original c-client and against ours:
# the same source is built twice, once as any program built for c-client
# is built against our staged headers and library (build/include/c-client,
# build/lib), once against the original's headers and /usr/lib/libc-client.so
# with LD_LIBRARY_PATH unset. Both run on demo/sample.mbox; their outputs
# must be the same, section by section and message by message.
#
# One known gap is allowed for, and only while it lasts: the last section
# opens the sample through mail_open, which needs the unix mailbox driver.
# While our library answers NIL there and the original does not, that
# section is reported as "skip"; as soon as ours opens the mailbox, it is
# compared like every other section.
#
# Needs `make` to have staged build/ first (make test does). Prints
# "N passed, N failed" last.
set -u
. "$(cd "$(dirname "$0")" && pwd)/../c-tests/lib/common.sh"

DEMO_SRC="$CCT_ROOT/demo/ccdemo.c"
SAMPLE="$CCT_ROOT/demo/sample.mbox"
CC=${CC:-cc}
CFLAGS="-g -O1 -Wall -Wno-unused-parameter -Wno-pointer-sign"

[ -f "$CCT_LIBDIR/libc-client.so.2007e" ] || {
    fail "our library is not staged in build/lib: run make first"
    finish
}
[ -f "$CCT_ORIG_SO" ] && [ -f "$CCT_ORIG_INC/c-client.h" ] ||
    skip_suite "the original c-client (libc-client2007e-dev) is not installed"
have_test_user || skip_suite "test user $CCT_USER does not exist (needed when root)"

user_tmpdir
W=$CCT_TMP
stage_lib "$W/lib"
cp "$SAMPLE" "$W/sample.mbox"
chmod 644 "$W/sample.mbox"

# 1. Build both, the way their users would.
check "demo builds against our headers and library" \
    "$CC" $CFLAGS -I"$CCT_INCDIR" -o "$W/ccdemo-ours" "$DEMO_SRC" \
    -L"$CCT_LIBDIR" -lc-client
check "demo builds against the original's headers and library" \
    "$CC" $CFLAGS -I"$CCT_ORIG_INC" -o "$W/ccdemo-orig" "$DEMO_SRC" \
    /usr/lib/libc-client.so
chmod -R a+rX "$W"
[ -x "$W/ccdemo-ours" ] && [ -x "$W/ccdemo-orig" ] || finish

# 2. Each binary loads the library it should.
loaded() { # loaded BINARY [LD_LIBRARY_PATH]: path of the c-client it loads
    env -u LD_LIBRARY_PATH ${2:+LD_LIBRARY_PATH="$2"} ldd "$1" |
        sed -n 's/^[[:space:]]*libc-client\.so\.2007e => \([^ ]*\) .*/\1/p'
}
ours_so=$(loaded "$W/ccdemo-ours" "$W/lib")
orig_so=$(loaded "$W/ccdemo-orig")
if [ -n "$ours_so" ] && [ "$(readlink -f "$ours_so")" = "$(readlink -f "$W/lib/libc-client.so.2007e")" ]; then
    ok "ours loads our library ($ours_so)"
else
    fail "ours loads '$ours_so', not $W/lib/libc-client.so.2007e"
fi
if [ -n "$orig_so" ] && [ "$(readlink -f "$orig_so")" = "$(readlink -f "$CCT_ORIG_SO")" ]; then
    ok "the original's build loads the original ($orig_so)"
else
    fail "the original's build loads '$orig_so', not $CCT_ORIG_SO"
fi

# 3. Run both; the scratch directory's random name is the only thing
# allowed to differ in the text.
run_demo() { # run_demo NAME [LD_LIBRARY_PATH]
    (cd "$W" && as_user_clean "$2" timeout 60 "./ccdemo-$1" sample.mbox) \
        >"$W/$1.raw" 2>&1
    echo $? >"$W/$1.rc"
    sed 's#/tmp/ccdemo\.[A-Za-z0-9]*#/tmp/ccdemo.XXXXXX#g' "$W/$1.raw" >"$W/$1.out"
}
as_user_clean() { # as_user_clean LD_LIBRARY_PATH CMD...: as the test user, only that library path
    lp=$1
    shift
    if is_root; then
        runuser -u "$CCT_USER" -- env -u LD_LIBRARY_PATH ${lp:+LD_LIBRARY_PATH="$lp"} \
            HOME="$CCT_USER_HOME" "$@"
    else
        env -u LD_LIBRARY_PATH ${lp:+LD_LIBRARY_PATH="$lp"} "$@"
    fi
}
run_demo orig ""
run_demo ours "$W/lib"
[ "$(cat "$W/orig.rc")" = 0 ] && ok "the original's build runs to the end" ||
    fail "the original's build exits $(cat "$W/orig.rc")"
[ "$(cat "$W/ours.rc")" = 0 ] && ok "ours runs to the end" ||
    fail "ours exits $(cat "$W/ours.rc")"

# 4. Compare chunk by chunk: a chunk starts at a "== section" line, a
# "-- message N" line or the "summary:" line, and is named by its section
# and the message number.
split_chunks() { # split_chunks OUT DIR: one file per chunk, plus DIR/index
    mkdir -p "$2"
    awk -v dir="$2" '
        function start(name) {
            if (file != "") close(file)
            n++
            file = sprintf("%s/%04d", dir, n)
            print name > (dir "/index")
        }
        BEGIN { sect = "(start)"; start(sect) }
        /^== / { sect = $0; start(sect) }
        /^-- message / { m = $3; sub(/:$/, "", m); start(sect " :: message " m) }
        /^summary: / { start(sect " :: summary") }
        { print > file }
    ' "$1"
}
split_chunks "$W/orig.out" "$W/orig.d"
split_chunks "$W/ours.out" "$W/ours.d"

MAILOPEN="== mail_open of the sample mailbox"
known_gap=0
if grep -q "^$MAILOPEN" "$W/ours.out" &&
    sed -n "/^$MAILOPEN/,\$p" "$W/ours.out" | grep -q 'mail_open returned NIL' &&
    ! sed -n "/^$MAILOPEN/,\$p" "$W/orig.out" | grep -q 'mail_open returned NIL'; then
    known_gap=1
    skip "$MAILOPEN: ours cannot open the mailbox yet (no unix driver), the original can; not compared until it can"
fi

i=0
while IFS= read -r name; do
    i=$((i + 1))
    case "$name" in
    "$MAILOPEN"*) [ "$known_gap" = 1 ] && continue ;;
    esac
    j=$(grep -nxF -- "$name" "$W/ours.d/index" | head -n 1 | cut -d: -f1)
    if [ -z "$j" ]; then
        fail "$name: missing from ours"
        continue
    fi
    a=$(printf '%s/%04d' "$W/orig.d" "$i")
    b=$(printf '%s/%04d' "$W/ours.d" "$j")
    if cmp -s "$a" "$b"; then
        ok "$name"
    else
        fail "$name differs (< original, > ours):"
        diff "$a" "$b" | head -n 40 | sed 's/^/    /'
    fi
done <"$W/orig.d/index"
# Chunks only ours printed.
while IFS= read -r name; do
    case "$name" in
    "$MAILOPEN"*) [ "$known_gap" = 1 ] && continue ;;
    esac
    grep -qxF -- "$name" "$W/orig.d/index" || fail "$name: printed by ours only"
done <"$W/ours.d/index"

finish
