#!/bin/bash
# Builds every cargo-fuzz target in fuzz/ and runs each for a bounded time.
#
#   tools/run-fuzz.sh [seconds-per-target] [target...]     (default 20 s, all)
#   tools/run-fuzz.sh --build-only                          (`make fuzz-build`)
#
# Works on the stable toolchain: cargo fuzz needs nightly-only flags
# (-Zsanitizer=address), which RUSTC_BOOTSTRAP=1 unlocks on stable.
# Seeds come from the project's own test data (tests/data), written into
# fuzz/corpus/<target>/ (not tracked); ../shared/corpus, when present, is an
# extra read-only seed directory. A crash, timeout or out-of-memory fails the
# target and prints the reproducer path (fuzz/artifacts/<target>/...).
# Last line: "N passed, N failed", one count per target.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT/fuzz" || exit 1
BUILD_ONLY=0
if [ "${1:-}" = --build-only ]; then
    BUILD_ONLY=1
    shift
fi
SECS=${1:-20}
shift $(($# > 0 ? 1 : 0))
export RUSTC_BOOTSTRAP=1
# Per-input time limit (s) before libFuzzer calls it a hang.
INPUT_TIMEOUT=${FUZZ_INPUT_TIMEOUT:-10}

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz missing: installing it"
    cargo install cargo-fuzz --locked || { echo "0 passed, 1 failed"; exit 1; }
fi

targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)

# Longest input worth trying, per target (bytes).
max_len() {
    case $1 in
    parse_date) echo 256 ;;
    mbx_file | tenex_file | mtx_file | pop3_replies) echo 8192 ;;
    mh_sequences | criteria) echo 4096 ;;
    parse_adrlist | adrlist_roundtrip) echo 4096 ;;
    parse_message) echo 65536 ;;
    *) echo 16384 ;;
    esac
}

# Seeds from tests/data: whole messages for everything, one file per address
# line for the address targets, the Date: values for the date parser.
seed() {
    dir=corpus/$1
    mkdir -p "$dir"
    data=$ROOT/tests/data/message
    for f in "$data"/msg/*; do [ -f "$f" ] && cp "$f" "$dir/msg-$(basename "$f")"; done
    # Inputs that once failed (tests/data/fuzz/<target>/): replayed first.
    for f in "$ROOT/tests/data/fuzz/$1"/*; do [ -f "$f" ] && cp "$f" "$dir/regress-$(basename "$f")"; done
    case $1 in
    parse_adrlist | adrlist_roundtrip)
        n=0
        while IFS= read -r line; do
            n=$((n + 1))
            printf '%s' "$line" >"$dir/adr-$n"
        done <"$data/addresses.txt"
        ;;
    unix_mailbox)
        for f in "$ROOT"/tests/data/unix/*.mbx "$ROOT"/tests/data/unix/cases/*.in; do
            [ -f "$f" ] && cp "$f" "$dir/unix-$(basename "$f")"
        done
        ;;
    mbx_file)
        # Small mbx files: the block and a few messages, as the original writes them.
        blk=$(printf '*mbx*\r\n6b15a74e00000003\r\nkw1\r\n')
        printf '%s' "$blk" >"$dir/mbx-block"
        python3 - "$dir" <<'PY' 2>/dev/null || true
import sys
d = sys.argv[1]
def block(kw, pid):
    b = b"*mbx*\r\n6b15a74e00000003\r\n" + b"".join(k + b"\r\n" for k in kw) + b"\r\n" * (30 - len(kw))
    b = b.ljust(2038, b"\0") + (b"%08x\r\n" % pid)
    return b
msg = b"Subject: x\r\n\r\nbody\r\n"
rec = lambda uid, f: b" 1-Feb-2003 04:05:06 +0100,%d;00000001%04x-%08x\r\n" % (len(msg), f, uid) + msg
open(d + "/mbx-1", "wb").write(block([b"kw1"], 42) + rec(1, 0x11) + rec(2, 0x8012) + rec(3, 0))
open(d + "/mbx-2", "wb").write(block([], 0) + rec(0, 0))
PY
        ;;
    tenex_file | mtx_file)
        # Small files as the original writes them (tenex: LF lines and
        # messages; mtx: CRLF).
        if [ "$1" = tenex_file ]; then
            printf ' 1-Feb-2003 04:05:06 +0100,17;000000000021\nSubject: x\n\nbody\n06-Dec-2026 20:57:45 +0000,3;400000000013\nx\n\n' >"$dir/tenex-seed"
        else
            printf ' 1-Feb-2003 04:05:06 +0100,20;000000000021\r\nSubject: x\r\n\r\nbody\r\n06-Dec-2026 20:57:45 +0000,5;400000000013\r\nx\r\n\r\n' >"$dir/mtx-seed"
        fi
        ;;
    mix_files)
        # A small valid mix mailbox: metadata, index, status, data file.
        printf 'S00000010\r\nV00000010\r\nL00000002\r\nN00000001\r\nKone two\r\n\n--\nS00000010\r\n:00000001:20010101000001+0000:0000000e:00000001:00000000:0000002d:00000008:\r\n\n--\nS00000010\r\n:00000001:00000001:0011:00000010:\r\n\n--\n:msg:00000001:20010101000001+0000:0000000e:\r\nA: b\r\n\r\nbody\r\n' >"$dir/mix-seed"
        ;;
    maildir_names)
        printf '\000%s' '1700000000.M12P345.host,S=1234,W=1260:2,FRSab' >"$dir/md-name"
        printf '\000%s' '1.2.h:2,PTDz' >"$dir/md-name2"
        printf '\001%s\n%s\n%s\n' '3 V1276528106 N5 G2a3f7b1c6c3d164c5f0000a8ce0e8e1a' \
            '1 :1276528106.M1P2.host,S=10,W=11' '2 W99 :1276528107.M2P2.host,S=10:2,S' >"$dir/md-uidlist"
        printf '\001%s\n%s\n' '1 77 3' '1 x.y.z' >"$dir/md-uidlist1"
        printf '\002%s\n%s\n' '0 $Forwarded' '2 Junk' >"$dir/md-keywords"
        ;;
    criteria)
        n=0
        for c in 'ALL' 'SUBJECT "hello world" SINCE 1-Jan-2001' 'BODY {5}\r\nhello TEXT x' 'OR SEEN' \
            'FROM a TO b CC c BCC d KEYWORD $x UNKEYWORD y' 'BEFORE 31-Dec-1999 ON 1-Feb-2000 UNSEEN NEW OLD'; do
            n=$((n + 1))
            printf "$c" >"$dir/crit-$n" 2>/dev/null || printf '%s' "$c" >"$dir/crit-$n"
        done
        ;;
    thread_refs)
        printf '%s\n' '<1@x>||topic|Mon, 1 Jan 2001 10:00:00 +0000' '<2@x>|<1@x>|Re: topic|Mon, 1 Jan 2001 11:00:00 -0500' \
            '<3@x>|<1@x> <2@x> <3@x>|[list] Fwd: topic (fwd)|garbage' '<2@x>|<9@x>|[fwd: topic]|' \
            '|<3@x> <1@x>|other|Tue, 2 Jan 2001 00:00:00 +1400' '<9@x>|<2@x>|other|1 Jan 1970' >"$dir/threads-1"
        ;;
    parse_date)
        n=0
        grep -ahi '^Date:' "$data"/msg/* | sed 's/^[Dd][Aa][Tt][Ee]: *//' | while IFS= read -r line; do
            n=$((n + 1))
            printf '%s' "$line" >"$dir/date-$n"
        done
        ;;
    esac
}

# Targets run FUZZ_JOBS at a time (default: one per CPU, at most 2); each
# is one single-threaded libFuzzer process, so on two cores two of them
# get the same CPU time each as one alone would.
JOBS=${FUZZ_JOBS:-$(n=$(nproc 2>/dev/null || echo 1); [ "$n" -ge 2 ] && echo 2 || echo 1)}
# Codegen units: cargo fuzz's own default (1) unless FUZZ_CODEGEN_UNITS is
# set. More units compile faster on two cores but run slower, since the
# coverage instrumentation then keeps small functions from being inlined
# across units (docs/testing.md, "Run time"): the default keeps the
# executions per second.
CGU=${FUZZ_CODEGEN_UNITS:-}
cgu_args=()
[ -n "$CGU" ] && cgu_args=(--codegen-units "$CGU")
TRIPLE=$(rustc -vV | sed -n 's/^host: //p')
BIN=${CARGO_TARGET_DIR:-$ROOT/fuzz/target}/$TRIPLE/release

echo "=== building fuzz targets (RUSTC_BOOTSTRAP=1, $(cargo --version), codegen units ${CGU:-default})"
t0=$(date +%s)
mkdir -p artifacts
if ! cargo fuzz build -O --debug-assertions "${cgu_args[@]}" >artifacts/build.log 2>&1; then
    tail -n 30 artifacts/build.log
    echo "build failed"
    echo "0 passed, ${#targets[@]} failed"
    exit 1
fi
echo "built in $(($(date +%s) - t0))s"
[ "$BUILD_ONLY" = 1 ] && exit 0
echo "running $JOBS target(s) at a time"

extra=()
[ -d "$ROOT/../shared/corpus" ] && extra=("$ROOT/../shared/corpus")

# fuzz_one TARGET: what `cargo fuzz run -O --debug-assertions TARGET` runs
# once built (the binary, the artifact prefix, cargo fuzz's ASAN_OPTIONS),
# without a cargo invocation per target; writes artifacts/TARGET.result.
fuzz_one() {
    t=$1
    log=$ROOT/fuzz/artifacts/$t.log
    res=$ROOT/fuzz/artifacts/$t.result
    mkdir -p "artifacts/$t"
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_odr_violation=0" \
        "$BIN/$t" -artifact_prefix="$ROOT/fuzz/artifacts/$t/" \
        -max_total_time="$SECS" -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
        -timeout="$INPUT_TIMEOUT" -print_final_stats=1 \
        "corpus/$t" "${extra[@]}" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        echo "ok   - $t: ${execs:-?} execs, $cov" >"$res"
    else
        repro=$(grep -oE 'artifacts/[^ ]*/(crash|timeout|oom|leak|slow-unit)-[0-9a-f]+' "$log" | tail -n 1)
        {
            echo "FAIL - $t: exit $rc; reproducer: ${repro:+fuzz/${repro#"$ROOT"/fuzz/}} (log $log;" \
                "rerun: cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O --debug-assertions ${CGU:+--codegen-units $CGU }$t <reproducer>)"
            grep -E '^(==[0-9]+==ERROR|thread .* panicked|SUMMARY)' "$log" | head -n 5
        } >"$res"
    fi
    cat "$res"
}

running=0
for t in "${targets[@]}"; do
    if [ ! -x "$BIN/$t" ]; then
        echo "FAIL - $t: no binary $BIN/$t after the build" | tee "artifacts/$t.result"
        continue
    fi
    seed "$t"
    rm -f "artifacts/$t.result"
    echo "=== $t (${SECS}s, max_len $(max_len "$t"))"
    fuzz_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

pass=0
fail=0
for t in "${targets[@]}"; do
    if grep -q '^ok ' "artifacts/$t.result" 2>/dev/null; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
    fi
done
echo "(fuzz: $(($(date +%s) - t0))s including the build)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
