#!/bin/sh
# Differential tests of the stream core: each C program is built against
# the original's headers, run against the original library and against
# ours (LD_LIBRARY_PATH), and the outputs compared. Runs as an ordinary
# user (cloudsdk when started as root) from a scratch directory used as
# HOME-relative folder, since the original refuses local mailboxes as root.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ours="$root/build/lib"
work=$(mktemp -d)
chmod 755 "$work"
pass=0; fail=0
rel=.c-client-stream-test
if [ "$(id -u)" = 0 ]; then runas="runuser -u cloudsdk --"; user_home=/home/cloudsdk; else runas=""; user_home=$HOME; fi

build() { # name extra-flags
  cc -w -I/usr/include/c-client $2 -o "$work/$1" "$here/$1.c" -lc-client
}
run() { # name libpath-or-empty output
  # Local names are relative to the user's home: the programs make their
  # folders in a scratch directory there, named the same for both runs.
  scratch="$user_home/$rel"
  $runas sh -c "rm -rf '$scratch' && mkdir -p '$scratch' && cd '$user_home' && HOME='$user_home' LD_LIBRARY_PATH='$2' '$work/$1' '$rel'" > "$3" 2>&1
  echo "exit $?" >> "$3"
  $runas rm -rf "$scratch"
}
check() { # name flags
  if ! build "$1" "$2"; then echo "FAIL $1 (build)"; fail=$((fail+1)); return; fi
  run "$1" "" "$work/$1.orig"
  run "$1" "$ours" "$work/$1.ours"
  # SET_CLOSETIMEOUT (307) is honoured by ours and ignored by the original:
  # a listed deviation (docs/deviations.md), left out of the comparison.
  if [ "$1" = params ]; then
    sed -i '/^set 307(/d' "$work/$1.orig" "$work/$1.ours"
  fi
  # Mailbox names in messages are relative; the scratch path never shows.
  if diff -u "$work/$1.orig" "$work/$1.ours" > "$work/$1.diff"; then
    echo "ok   $1 ($(wc -l < "$work/$1.orig") lines identical)"; pass=$((pass+1))
  else
    echo "FAIL $1"; head -40 "$work/$1.diff"; fail=$((fail+1))
  fi
}
[ -f "$ours/libc-client.so.2007e" ] || (cd "$root" && make lib >/dev/null) || { echo "0 passed, 1 failed"; exit 1; }
chmod -R a+rX "$work"
check params ""
check netparse ""
check open ""
check copyreloc "-no-pie -fno-pic"
rm -rf "$work"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
