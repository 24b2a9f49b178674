#!/bin/bash
# Differential tests of the core object model: each C program is built once
# against the original's headers and run twice, against the original
# library (the oracle) and against ours (LD_LIBRARY_PATH=build/lib); the
# outputs must be identical. Then ours alone: deep structures at sizes the
# recursive original cannot take, and everything under valgrind if present.
# Last line: "N passed, N failed"; exit status non-zero on any failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OURS="$ROOT/build/lib"
CINC=${CINC:-/usr/include/c-client}
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

make -C "$ROOT" lib >/dev/null 2>&1 || { echo "build of our library failed"; echo "0 passed, 1 failed"; exit 1; }
[ -e "$OURS/libc-client.so.2007e" ] || { echo "no $OURS/libc-client.so.2007e"; echo "0 passed, 1 failed"; exit 1; }

TMP=$(mktemp -d /tmp/core-tests.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
chmod 755 "$TMP"
WORK="$TMP/work"            # writable by the user the programs run as
mkdir "$WORK" && chmod 1777 "$WORK"

# The original refuses some things as root: run programs as an ordinary user.
if [ "$(id -u)" = 0 ] && id cloudsdk >/dev/null 2>&1; then
  AS=(runuser -u cloudsdk --)
else
  AS=()
fi
run_oracle() { "${AS[@]}" env -u LD_LIBRARY_PATH "$@"; }
run_ours() { "${AS[@]}" env LD_LIBRARY_PATH="$OURS" "$@"; }

# name, source, extra gcc flags
build() {
  if gcc -w -O1 -g -I"$CINC" $3 -o "$TMP/$1" "$HERE/$2" -lc-client 2>"$TMP/$1.cc"; then
    return 0
  fi
  cat "$TMP/$1.cc"
  return 1
}

# Confirms the loader really picks our library for "ours" runs.
check_loader() {
  if env LD_LIBRARY_PATH="$OURS" ldd "$TMP/$1" | grep -q "$OURS/libc-client"; then
    return 0
  fi
  echo "  $1 does not load $OURS/libc-client.so.2007e"
  return 1
}

differential() {  # name, args...
  local name=$1; shift
  run_oracle "$TMP/$name" "$@" >"$TMP/$name.oracle" 2>&1
  local rc_o=$?
  run_ours "$TMP/$name" "$@" >"$TMP/$name.ours" 2>&1
  local rc_u=$?
  if [ $rc_o -eq 0 ] && [ $rc_u -eq 0 ] && cmp -s "$TMP/$name.oracle" "$TMP/$name.ours"; then
    ok "$name $* ($(wc -l <"$TMP/$name.ours") lines identical)"
  else
    bad "$name $* (exit oracle=$rc_o ours=$rc_u)"
    diff "$TMP/$name.oracle" "$TMP/$name.ours" | head -20
  fi
}

declare -A PROGS=(
  [t_misc]=t_misc.c [t_hash]=t_hash.c [t_string]=t_string.c
  [t_construct]=t_construct.c [t_deep]=t_deep.c [t_sys]=t_sys.c
)
for name in "${!PROGS[@]}"; do
  if build "$name" "${PROGS[$name]}" "" && check_loader "$name"; then :; else bad "build $name"; fi
done
# Non-PIE: the string drivers are copy-relocated into the program.
build t_string_nopie t_string.c "-no-pie -fno-pie" || bad "build t_string_nopie"

differential t_misc
differential t_hash
differential t_string "$WORK"
differential t_string_nopie "$WORK"
differential t_construct
differential t_deep 2000
differential t_sys "$WORK"

# Ours only: sizes that would overflow a recursive free.
out=$(run_ours "$TMP/t_deep" 200000 2>&1)
if [ $? -eq 0 ] && [ "$(echo "$out" | grep -c ': 1*$')" -eq 3 ]; then
  ok "t_deep 200000 (ours)"
else
  bad "t_deep 200000 (ours)"; echo "$out" | head
fi

if command -v valgrind >/dev/null 2>&1; then
  for spec in "t_construct" "t_misc" "t_hash" "t_string $WORK" "t_deep 20000"; do
    # shellcheck disable=SC2086
    if run_ours valgrind -q --error-exitcode=1 --leak-check=full \
        --errors-for-leak-kinds=definite $TMP/$spec >"$TMP/vg.out" 2>&1; then
      ok "valgrind $spec (ours)"
    else
      bad "valgrind $spec (ours)"; grep '==' "$TMP/vg.out" | head -30
    fi
  done
else
  echo "valgrind not installed: memory checks skipped"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
