#!/bin/sh
# usage: privlog.sh ETC LOGSOCKET PROGRAM [ARG...]
# Runs PROGRAM in a private mount namespace whose /etc is the directory ETC
# and whose /dev is a small tmpfs (null, zero, full, random, urandom, tty,
# fd) with /dev/log a link to LOGSOCKET, so its syslog lines go to the
# test's collector (logd.py) and not to the machine's.
exec unshare -m sh -c '
    etc=$1 sock=$2; shift 2
    d=$(mktemp -d /tmp/privlog-dev.XXXXXX) &&
    mount --bind "$etc" /etc &&
    mount -t tmpfs tmpfs "$d" || exit 125
    for n in null zero full random urandom tty; do
        : >"$d/$n" && mount --bind "/dev/$n" "$d/$n" || exit 125
    done
    ln -s /proc/self/fd "$d/fd"
    ln -s "$sock" "$d/log"
    mount --move "$d" /dev || exit 125
    exec "$@"' sh "$@"
