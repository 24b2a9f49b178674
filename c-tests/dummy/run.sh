#!/bin/sh
# Differential tests of the dummy driver (LIST/LSUB/SCAN over the file
# system, create/delete/rename, opening non-mailboxes) and the wildcard
# matchers: the program is built once against the original's headers, run
# against the original library and against ours, outputs compared. Runs as
# an ordinary user (cloudsdk when started as root) in a scratch directory of
# that user's home, since the original refuses local mailboxes as root and
# maps local names into the home. The user's ~/.mailboxlist is set aside
# during the LSUB part and put back afterwards.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ours="$root/build/lib"
work=$(mktemp -d)
chmod 755 "$work"
pass=0; fail=0
rel=.c-client-dummy-test
if [ "$(id -u)" = 0 ]; then runas="runuser -u cloudsdk --"; user_home=/home/cloudsdk; else runas=""; user_home=$HOME; fi

run() { # libpath-or-empty output
  scratch="$user_home/$rel"
  $runas sh -c "
    cd '$user_home' || exit 1
    rm -rf '$scratch' && mkdir -p '$scratch'
    [ -e .mailboxlist ] && mv .mailboxlist '$scratch.saved-mailboxlist'
    HOME='$user_home' LD_LIBRARY_PATH='$1' '$work/dummy' '$rel'
    rc=\$?
    rm -f .mailboxlist
    [ -e '$scratch.saved-mailboxlist' ] && mv '$scratch.saved-mailboxlist' .mailboxlist
    rm -rf '$scratch'
    exit \$rc" > "$2" 2>&1
  echo "exit $?" >> "$2"
}
[ -f "$ours/libc-client.so.2007e" ] || (cd "$root" && make lib >/dev/null) || { echo "0 passed, 1 failed"; exit 1; }
if cc -w -I/usr/include/c-client -I"$here/../stream" -o "$work/dummy" "$here/dummy.c" -lc-client; then
  chmod -R a+rX "$work"
  run "" "$work/orig"
  run "$ours" "$work/ours"
  # Compare section by section, so one difference does not hide the rest.
  for section in $(sed -n 's/^-- \(.*\)$/\1/p' "$work/orig" | tr ' ' '_'); do
    name=$(echo "$section" | tr '_' ' ')
    awk -v s="-- $name" '$0 == s {on=1; print; next} /^-- / {on=0} on' "$work/orig" > "$work/o.sec"
    awk -v s="-- $name" '$0 == s {on=1; print; next} /^-- / {on=0} on' "$work/ours" > "$work/u.sec"
    if diff -u "$work/o.sec" "$work/u.sec" > "$work/sec.diff"; then
      echo "ok   $name ($(wc -l < "$work/o.sec") lines identical)"; pass=$((pass+1))
    else
      echo "FAIL $name"; head -40 "$work/sec.diff"; fail=$((fail+1))
    fi
  done
  if tail -1 "$work/orig" | cmp -s - "$work/ours.last" 2>/dev/null || [ "$(tail -1 "$work/orig")" = "$(tail -1 "$work/ours")" ]; then
    pass=$((pass+1)); echo "ok   exit status"
  else
    fail=$((fail+1)); echo "FAIL exit status: $(tail -1 "$work/orig") vs $(tail -1 "$work/ours")"
  fi
else
  echo "FAIL build"; fail=$((fail+1))
fi
rm -rf "$work"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
