#!/bin/sh
# Differential tests of the user environment (env_unix.c's behaviour):
# one C program, built once against the original's headers, runs each
# scenario against the original library and against ours, and the outputs
# are compared. It runs as an ordinary user (cloudsdk when started as
# root) with HOME set to a scratch directory, so ~/.mailboxlist and
# ~/.imaprc are the test's own.
#
# /etc/c-client.cf scenarios need a file at that path without touching the
# machine's /etc: as root, each such run happens in a private mount
# namespace (unshare -m) where an overlay over /etc holds the test's file,
# so both libraries read the same configuration. Without root, unshare or
# overlay support those scenarios are skipped with a message.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ours="$root/build/lib"
work=$(mktemp -d)
chmod 755 "$work"
pass=0; fail=0; skipped=0
if [ "$(id -u)" = 0 ]; then runas="runuser -u cloudsdk --"; user_home=/home/cloudsdk; else runas=""; user_home=$HOME; fi
scratch="$user_home/.c-client-env-test"

[ -f "$ours/libc-client.so.2007e" ] || (cd "$root" && make lib >/dev/null) || { echo "0 passed, 1 failed"; exit 1; }
if ! cc -w -I/usr/include/c-client -o "$work/env" "$here/env.c" -lc-client; then
  echo "FAIL build"; echo "0 passed, 1 failed"; exit 1
fi
chmod -R a+rX "$work"

# run OUT LIBPATH CF ARGS...: one run in a fresh scratch home; CF is a
# configuration file to appear as /etc/c-client.cf, or "" for none.
run() {
  out=$1 lib=$2 cf=$3; shift 3
  $runas sh -c "rm -rf '$scratch' && mkdir -p '$scratch/home' && chmod 700 '$scratch/home'"
  # A black box home is the test's own directory: empty for every run.
  if [ -d "$work/bb" ]; then rm -rf "$work/bb/cloudsdk" && mkdir -m 777 "$work/bb/cloudsdk"; fi
  if [ -f "$work/imaprc" ]; then $runas cp "$work/imaprc" "$scratch/home/.imaprc"; fi
  if [ -f "$work/mminit" ]; then $runas cp "$work/mminit" "$scratch/home/.mminit"; fi
  cmd="cd '$scratch/home' && HOME='$scratch/home' LD_LIBRARY_PATH='$lib' '$work/env' $*"
  if [ -z "$cf" ]; then
    $runas sh -c "$cmd" > "$out" 2>&1
  else
    rm -rf "$work/ovl"; mkdir -p "$work/ovl/u" "$work/ovl/w"
    cp "$cf" "$work/ovl/u/c-client.cf"; chmod 644 "$work/ovl/u/c-client.cf"
    unshare -m sh -c "mount -t overlay overlay -o lowerdir=/etc,upperdir='$work/ovl/u',workdir='$work/ovl/w' /etc && $runas sh -c \"$cmd\"" > "$out" 2>&1
  fi
  echo "exit $?" >> "$out"
  $runas rm -rf "$scratch"
}

# check NAME CF ARGS...
check() {
  name=$1 cf=$2; shift 2
  run "$work/$name.orig" "" "$cf" "$@"
  run "$work/$name.ours" "$ours" "$cf" "$@"
  if diff -u "$work/$name.orig" "$work/$name.ours" > "$work/$name.diff"; then
    echo "ok   $name ($(wc -l < "$work/$name.orig") lines identical)"; pass=$((pass+1))
  else
    echo "FAIL $name"; head -40 "$work/$name.diff"; fail=$((fail+1))
  fi
}

check names "" names
check init-user "" init-user
check init-anon "" init-anon
check init-closed "" init-closed
check init-twice "" init-twice
check blocked "" blocked
check preset "" preset

# A user configuration file read explicitly by the program: settings a
# user may make apply, system-only ones do not.
cat > "$work/userrc" <<'CF'
I accept the risk
set keywords Work, Home,,Later Someday
set mail-subdirectory Mail
SET MAILBOX-PROTECTION 0640
set directory-protection 448
set lock-protection 438
set dot-lock-file-timeout 9
set disable-fcntl-locking 65536
set disable-lock-warning 1
set hide-dot-files 2
set list-maximum-level 7
set local-host rc.example
set news-active-file /rc/active
set news-spool-directory /rc/spool
set news-state-file /rc/newsrc
set ftp-export-directory /rc/ftp
set public-home-directory /rc/public
set shared-home-directory /rc/shared
set system-inbox /rc/inbox
set from-widget header-only
set rsh-command %s %s -l %s exec /etc/r%sd
set ssh-path /rc/ssh
set tcp-open-timeout 11
set maximum-login-trials 4
set lookahead 33
set try-ssl-first 1
set trust-dns 0
set nntp-range 99
set mh-path /rc/mh
set mh-allow-inbox 1
set chroot-server 1
set disable-plaintext 0
set black-box-directory /rc/bb
set CA-certificate-path /rc/ca
set restrict-mailbox-access none
set new-mailbox-format nosuchformat
set empty-mailbox-format invalid
set  keywords spaced
nonsense line
set unknown-setting 1
set last-line-without-newline 1
CF
printf 'set lookahead 44' >> "$work/userrc"
chmod 644 "$work/userrc"
check dorc-user "" dorc "$work/userrc"

if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null || \
   ! (mkdir -p "$work/probe/u" "$work/probe/w" && unshare -m sh -c "mount -t overlay overlay -o lowerdir=/etc,upperdir='$work/probe/u',workdir='$work/probe/w' /etc" 2>/dev/null); then
  echo "skip /etc/c-client.cf scenarios: need root, unshare -m and overlay mounts"
  skipped=1
else
  # The system file: everything the user file may set, plus what only the
  # system may set.
  sed -e 's/^set black-box-directory .*$//' -e 's/^set chroot-server 1$/set chroot-server 1/' "$work/userrc" > "$work/sys1"
  check system-file "$work/sys1" names
  cat > "$work/sys2" <<'CF'
I accept the risk
set restrict-mailbox-access root
set advertise-the-world 1
set disable-automatic-shared-namespaces 1
set allowed-login-attempts 1
set anonymous-home-directory /rc/anon
set k5-cp-uses-service-name 1
set allow-reverse-dns 0
set disable-plaintext 1
set plaintext-allowed-clients localhost, 127.0.0.1
set new-mailbox-format mbx
set empty-mailbox-format same-as-inbox
set allow-user-config 1
CF
  printf 'I accept the risk\nset keywords FromImaprc\nset mail-subdirectory sub\nset anonymous-home-directory /user/anon\nset disable-plaintext 0\nset local-host imaprc.example\n' > "$work/imaprc"
  printf 'set keywords FromMminit Other\nset mail-subdirectory mminit\n' > "$work/mminit"
  check system-user-config "$work/sys2" names
  check system-anon "$work/sys2" init-anon
  rm -f "$work/imaprc" "$work/mminit"
  printf 'set limited-advertise 1\nset new-mailbox-format same-as-inbox\nset empty-mailbox-format nosuch\n' > "$work/sys3"
  check system-limited "$work/sys3" names
  mkdir -p "$work/bb/cloudsdk" && chmod -R 777 "$work/bb"
  printf 'set black-box-directory %s/bb\nset black-box-default-home-directory /nonexistent\n' "$work" > "$work/sys4"
  check system-blackbox "$work/sys4" names
  printf 'set black-box-directory %s/nobb\n' "$work" > "$work/sys5"
  check system-blackbox-nohome "$work/sys5" names
fi

[ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
