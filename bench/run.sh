#!/bin/sh
# Parse benchmark: the original c-client and ours, same program, same input,
# in one run; prints time and peak-memory ratios.  Reported, never asserted.
#   bench/run.sh                 # corpus, 3 iterations
#   BENCH_ITERS=10 bench/run.sh
#   BENCH_SELFTEST=1 bench/run.sh   # original on both sides (noise check)
#   BENCH_ROUNDS=3: each library runs this many times, alternating; the
#   fastest round counts (the machine is shared, single rounds are noisy)
# Input: every message of ../shared/corpus; without it, a generated mbox.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
corpus=${BENCH_CORPUS:-$root/../shared/corpus}  # override only to test
ourlib="$root/build/lib/libc-client.so.2007e"
iters=${BENCH_ITERS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

gcc -O2 -Wall -Wno-unused-parameter -I"${BENCH_INCLUDE:-/usr/include/c-client}" \
    "$here/parse_bench.c" -o "$work/parse_bench" -lc-client

if [ -d "$corpus" ]; then
    (cd "$corpus" && find "$PWD" -type f ! -name 'UPSTREAM-LICENSE*' \
        ! -name MANIFEST.sha256 ! -name README.md ! -name COPYING | sort) > "$work/list"
    input="../shared/corpus ($(wc -l < "$work/list") files)"
else
    # our own generated messages: plain, multipart, encoded words, groups
    awk 'BEGIN {
      for (i = 1; i <= 3000; i++) {
        printf "From sender%d@example.org Mon Jan  1 00:00:00 2001\n", i
        printf "Return-Path: <sender%d@example.org>\n", i
        printf "Date: Mon, %d Jan 2001 %02d:%02d:00 +0100\n", 1 + i % 28, i % 24, i % 60
        printf "From: \"Sender %d\" <sender%d@example.org>\n", i, i
        printf "To: list@example.org, Group: a@b.example, c@d.example;\n"
        printf "Subject: =?UTF-8?Q?message_n=C2=B0_%d?=\n", i
        printf "Message-ID: <%d.bench@example.org>\n", i
        printf "MIME-Version: 1.0\n"
        if (i % 2) {
          printf "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n", i
          printf "--b%d\nContent-Type: text/plain; charset=us-ascii\n\n", i
          for (j = 0; j < 20; j++) printf "line %d of a generated body\n", j
          printf "--b%d\nContent-Type: application/octet-stream; name=\"f%d.bin\"\n", i, i
          printf "Content-Transfer-Encoding: base64\n\n"
          for (j = 0; j < 20; j++) printf "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5\n"
          printf "--b%d--\n\n", i
        } else {
          printf "Content-Type: text/plain; charset=iso-8859-1\n\n"
          for (j = 0; j < 40; j++) printf "line %d of a generated body\n", j
          printf "\n"
        }
      } }' > "$work/generated.mbox"
    echo "$work/generated.mbox" > "$work/list"
    input="generated mbox (../shared/corpus not found)"
fi

run_as() { # command...: as an ordinary user when we are root
    if [ "$(id -u)" = 0 ]; then runuser -u "${BENCH_USER:-cloudsdk}" -- "$@"
    else "$@"; fi
}
bench() { # label [libdir]
    if [ -n "${2:-}" ]; then
        run_as env LD_LIBRARY_PATH="$2" "$work/parse_bench" -n "$iters" -f "$work/list"
    else
        run_as "$work/parse_bench" -n "$iters" -f "$work/list"
    fi | grep '^RESULT' | sed "s/^RESULT/$1/"
}
field() { # line name
    echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

rounds=${BENCH_ROUNDS:-3}
echo "parse benchmark: $input, $iters iterations, best of $rounds rounds"
best() { # keep the faster of two RESULT lines
    if [ -z "$1" ]; then echo "$2"; return; fi
    awk -v a="$(field "$1" seconds)" -v b="$(field "$2" seconds)" \
        'BEGIN { exit !(b < a) }' && echo "$2" || echo "$1"
}
ourdir=""
if [ "${BENCH_SELFTEST:-0}" = 1 ]; then
    ourlabel="original(again)"
elif [ -f "$ourlib" ]; then
    ourlabel=ours
    mkdir "$work/lib"; cp -L "$ourlib" "$work/lib/"; chmod -R a+rX "$work/lib"
    ourdir="$work/lib"
else
    ourlabel=""
    echo "ours: not measured: $ourlib is missing (build it first)"
fi
orig=""; ours=""; r=0
while [ $r -lt "$rounds" ]; do
    orig=$(best "$orig" "$(bench original)")
    [ -z "$ourlabel" ] || ours=$(best "$ours" "$(bench "$ourlabel" "$ourdir")")
    r=$((r + 1))
done
row() { # RESULT-line
    rss=$(field "$1" maxrss_kb); in=$(field "$1" input_rss_kb)
    printf '%-16s %10s %12s %10s %12s %12s\n' "${1%% *}" \
        "$(field "$1" messages)" "$(field "$1" msgs_per_s)" \
        "$(field "$1" seconds)" "$rss" $((rss - in))
}
printf '%-16s %10s %12s %10s %12s %12s\n' library messages msgs/s seconds \
    maxrss_kb above_input
row "$orig"
[ -z "$ours" ] || row "$ours"
if [ -n "$ours" ]; then
    oa=$(($(field "$orig" maxrss_kb) - $(field "$orig" input_rss_kb)))
    ua=$(($(field "$ours" maxrss_kb) - $(field "$ours" input_rss_kb)))
    awk -v a="$(field "$orig" seconds)" -v b="$(field "$ours" seconds)" \
        -v c="$(field "$orig" maxrss_kb)" -v d="$(field "$ours" maxrss_kb)" \
        -v e="$oa" -v f="$ua" \
        'BEGIN { printf "ratio ours/original: time %.2f, max RSS %.2f, RSS above input %.2f\n", (a > 0 ? b / a : 0), (c > 0 ? d / c : 0), (e > 0 ? f / e : 0) }'
    oc=$(field "$orig" checksum); uc=$(field "$ours" checksum)
    [ "$oc" = "$uc" ] || echo "note: result checksums differ ($oc vs $uc): the parses disagree, see c-tests/diff/run.sh"
fi
