#!/bin/bash
# IMAP client benchmark: the original c-client and ours, same program
# (bench/imap_bench.c, built once against the original's headers), against
# one private Dovecot on 127.0.0.1 holding a mailbox of BENCH_IMAP_SIZE
# messages (default 10000, made from ../shared/corpus messages, or
# generated ones without it). Steps: open; envelope and body structure of
# every message; header and text of every message; close. Prints wall time,
# this process's CPU time and peak RSS per step, and original/ours ratios
# (above 1: ours is faster or smaller). Reported, never asserted.
#
#   BENCH_IMAP_SIZE=10000   messages in the mailbox
#   BENCH_ROUNDS=2          timed runs per library (alternating; best counts)
#   OURS_LIB=dir            library compared with the original (default build/lib)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/c-tests/lib/common.sh"
. "$root/c-tests/lib/dovecot.sh"
N=${BENCH_IMAP_SIZE:-10000}
ROUNDS=${BENCH_ROUNDS:-2}
PORT=${BENCH_IMAP_PORT:-15600}
dovecot_available || { echo "imap bench: skipped (needs root, dovecot-imapd, openssl)"; exit 0; }
ours=${OURS_LIB:-$root/build/lib}
[ -f "$ours/libc-client.so.2007e" ] || { echo "imap bench: skipped ($ours/libc-client.so.2007e missing: run make)"; exit 0; }

W=$(mktemp -d /tmp/ibench.XXXXXX)
chmod 755 "$W"
trap 'DOVECOT_DIR=$W/dc dovecot_stop >/dev/null 2>&1; rm -rf "$W"' EXIT
gcc -O2 -w -I"$CCT_ORIG_INC" -o "$W/imap_bench" "$root/bench/imap_bench.c" -lc-client || exit 1
mkdir "$W/lib" && cp -L "$ours/libc-client.so.2007e" "$W/lib/"
dovecot_start "$W/dc" $PORT >/dev/null 2>&1 || { echo "imap bench: Dovecot did not start"; exit 1; }

# The mailbox: Maildir files written directly, indexed by Dovecot on the
# first (untimed) open.
box=$W/dc/home/alice/Maildir
mkdir -p "$box/cur" "$box/new" "$box/tmp"
corpus=""
for c in "$root/../shared/corpus" /work/shared/corpus; do [ -d "$c" ] && corpus=$c && break; done
python3 - "$box/cur" "$N" "$corpus" <<'EOF'
import os, sys, glob
out, n, corpus = sys.argv[1], int(sys.argv[2]), sys.argv[3]
msgs = []
if corpus:
    for p in sorted(glob.glob(os.path.join(corpus, '**', '*'), recursive=True)):
        if os.path.isfile(p) and p.endswith(('.eml', '.msg', '.txt')) and 300 < os.path.getsize(p) < 200000:
            b = open(p, 'rb').read().replace(b'\r\n', b'\n')
            if b'\n\n' in b and b[:5] != b'From ':
                msgs.append(b)
if not msgs:
    for i in range(50):
        msgs.append((f"From: Sender {i} <s{i}@example.com>\nTo: r@example.org\n"
                     f"Subject: generated message {i}\nMessage-ID: <g{i}@example.com>\n"
                     f"Date: Mon, {i % 28 + 1} Jan 2024 10:00:00 +0000\n\n"
                     + "body line of some length for the benchmark\n" * (20 + i)).encode())
for i in range(n):
    # Named as Dovecot names what it delivers (,S= size, ,W= size with
    # CRLF): with names that end alike ("...P1.bench") Dovecot's file-name
    # hash collides for every message and its first file open of a session
    # spends over a second comparing names, whichever the client.
    m = msgs[i % len(msgs)]
    name = f"{1700000000 + i}.M{i}P4242.bench,S={len(m)},W={len(m) + m.count(10)}:2,{'S' if i % 3 else ''}"
    with open(os.path.join(out, name), 'wb') as f:
        f.write(m)
print(f"imap bench: {n} messages from {len(msgs)} distinct ones", file=sys.stderr)
EOF
chown -R "${CCLIENT_TEST_USER:-cloudsdk}:" "$W/dc/home"
# One untimed full run first: Dovecot builds its index and caches the
# envelopes and structures, so every timed run finds the server equally warm.
"$W/imap_bench" $PORT >/dev/null 2>&1

value() { sed -n "s/^STEP $2 .*$3=\([^ ]*\).*/\1/p" "$W/$1.out" 2>/dev/null; }
best() { # best VALUE-A VALUE-B: the smaller, either may be empty
    if [ -z "$1" ]; then echo "$2"; elif [ -z "$2" ]; then echo "$1"
    else awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? a : b }'; fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
declare -A bw bc br
r=0
while [ $r -lt "$ROUNDS" ]; do
    for lib in orig ours; do
        lp=""; [ $lib = ours ] && lp=$W/lib
        env LD_LIBRARY_PATH="$lp" "$W/imap_bench" $PORT > "$W/$lib.out" 2> "$W/$lib.err" ||
            { echo "imap bench: $lib run failed: $(head -3 "$W/$lib.out" "$W/$lib.err")"; exit 1; }
        for s in open envelopes messages close; do
            bw[$lib.$s]=$(best "${bw[$lib.$s]:-}" "$(value $lib $s wall)")
            bc[$lib.$s]=$(best "${bc[$lib.$s]:-}" "$(value $lib $s cpu)")
            br[$lib.$s]=$(best "${br[$lib.$s]:-}" "$(value $lib $s rss)")
        done
    done
    r=$((r + 1))
done
echo "imap benchmark: $N messages over loopback from Dovecot; best of $ROUNDS round(s)"
echo "(wall and cpu in seconds, cpu of the client process only; rss: peak KB at the step's end; ratio = original/ours)"
printf '%-10s %8s %8s %6s %8s %8s %6s %9s %9s %6s\n' step orig_wall ours_wall ratio orig_cpu ours_cpu ratio orig_rss ours_rss ratio
tw_o=0 tw_u=0
for s in open envelopes messages close; do
    printf '%-10s %8s %8s %6s %8s %8s %6s %9s %9s %6s\n' $s \
        "${bw[orig.$s]}" "${bw[ours.$s]}" "$(ratio "${bw[orig.$s]}" "${bw[ours.$s]}")" \
        "${bc[orig.$s]}" "${bc[ours.$s]}" "$(ratio "${bc[orig.$s]}" "${bc[ours.$s]}")" \
        "${br[orig.$s]}" "${br[ours.$s]}" "$(ratio "${br[orig.$s]}" "${br[ours.$s]}")"
    tw_o=$(awk -v a=$tw_o -v b="${bw[orig.$s]}" 'BEGIN { print a + b }')
    tw_u=$(awk -v a=$tw_u -v b="${bw[ours.$s]}" 'BEGIN { print a + b }')
done
printf '%-10s %8s %8s %6s   (throughput ratio, target >= 3)\n' total "$tw_o" "$tw_u" "$(ratio "$tw_o" "$tw_u")"
