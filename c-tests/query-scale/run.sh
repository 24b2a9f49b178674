#!/bin/sh
# Bad input and scale for search, sort and thread (mail_search_full,
# mail_criteria, mail_sort, mail_thread). One C program (qs.c) built against
# the original's headers runs the same operations with the original library
# and with ours:
#   - a mailbox of hostile messages (10,000 References, circular and self
#     references, duplicate Message-IDs, absurd and out-of-range dates, deep
#     subject wrappers) plus ~50 malformed or odd mail_criteria strings:
#     identical output, every section;
#   - criteria that crash the original (a huge literal count): ours only,
#     clean exit;
#   - an empty mailbox: identical output;
#   - a generated 10,000-message mailbox shaped to reach the costly paths
#     (a quarter of it answering one message, reference chains, references
#     to later messages, duplicate Message-IDs, one subject over a fifth of
#     the roots): identical output;
#   - the same at 100,000 messages, ours only (the original needs minutes
#     for REFERENCES there: its thread builder is quadratic): every
#     operation completes, and the CPU cost of each, 100k over 10k, is
#     printed; a ratio over 40 (10x the messages: linear ~10, n log n ~13,
#     quadratic ~100) fails, for operations costing at least 5 ms at 10k.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"
have_test_user || skip_suite "test user $CCT_USER does not exist"
[ -f "$CCT_ORIG_INC/c-client.h" ] && [ -f "$CCT_ORIG_SO" ] || skip_suite "the original library (oracle) is not installed"
command -v python3 >/dev/null 2>&1 || skip_suite "python3 (mailbox generator) is missing"
[ -f "$CCT_LIBDIR/libc-client.so.2007e" ] || (cd "$CCT_ROOT" && make lib >/dev/null) \
    || { echo "0 passed, 1 failed"; exit 1; }
user_tmpdir
stage_lib "$CCT_TMP/lib"
if ! cc -w -O1 -I"$CCT_ORIG_INC" -o "$CCT_TMP/qs" "$here/qs.c" -lc-client; then
    fail "qs.c builds against the original headers"
    finish
fi
H=$CCT_USER_HOME
gen() { python3 "$here/gen.py" "$@"; }
gen bad "$CCT_TMP/bad" && gen empty "$CCT_TMP/empty" && gen scale 10000 "$CCT_TMP/s10k" \
    && gen scale 100000 "$CCT_TMP/s100k" || { fail "mailbox generator"; finish; }

# Criteria strings, one a line (\r, \n, \\ escapes expanded by qs.c).
cat > "$CCT_TMP/crit" <<'EOF'

ALL
BODY
BODY needle
BODY "unterminated
FOO
SINCE 99-Foo-2001
SINCE 1-Jan-
SINCE 29-Feb-2001
ON 32-Jan-2001
BEFORE 1-Jan-1969
BEFORE 31-Dec-9999
SINCE 1-Jan-1900
ON 1-Jan-70
SINCE 0-Jan-2001
SINCE 1-Jan-18446744073709551617
KEYWORD
KEYWORD $x
UNKEYWORD
OR
OR SEEN
NOT
NOT NOT NOT SEEN
(SUBJECT x)
SUBJECT {6}\r\nneedle
SUBJECT {3}
SUBJECT {0}\r\n
SUBJECT "a\"b"
SUBJECT "needle
SUBJECT ""
HEADER X
LARGER abc
LARGER 99999999999999999999
SMALLER -1
UID 1:*
1:3
SEEN  UNSEEN
  SEEN
SEEN 
FROM sender TO list SUBJECT date BODY plain TEXT body CC nobody BCC nobody
ANSWERED DELETED DRAFT FLAGGED RECENT SEEN OLD NEW UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN
SINCE 1-Jan-2001 BEFORE 1-Jan-2002
SINCE 1-JAN-2001
SINCE 01-Jan-2001
SINCE 1-January-2001
SINCE "1-Jan-2001"
TEXT é
TEXT \\
SUBJECT date\nSEEN
EOF
python3 -c "print('SUBJECT ' + 'x' * 4000); print('SEEN ' * 800); print('TEXT ' + '\"' * 3000)" >> "$CCT_TMP/crit"
# The original dies on these (it trusts a literal's count): ours only.
printf '%s\n' 'SUBJECT {999999999}\r\nx' 'BODY {4294967296}\r\nx' 'TEXT {18446744073709551615}\r\n' > "$CCT_TMP/crit-ours"
chmod -R a+rX "$CCT_TMP"

split() { # file dir
    mkdir -p "$2"
    awk -v dir="$2" 'BEGIN { n = 0; f = dir "/000-start" }
        /^== / { n++; f = sprintf("%s/%03d", dir, n) }
        { print > f }' "$1"
}
compare() { # label orig ours
    rm -rf "$CCT_TMP/o" "$CCT_TMP/u"
    split "$2" "$CCT_TMP/o"
    split "$3" "$CCT_TMP/u"
    _bad=0 _good=0
    for f in "$CCT_TMP/o"/*; do
        name=$(basename "$f")
        if [ -f "$CCT_TMP/u/$name" ] && cmp -s "$f" "$CCT_TMP/u/$name"; then
            _good=$((_good + 1))
        else
            _bad=$((_bad + 1))
            echo "  differs: $1 $(head -n 1 "$f" | cut -c1-80)"
            diff "$f" "$CCT_TMP/u/$name" 2>&1 | head -6 | cut -c1-200
        fi
    done
    [ "$(ls "$CCT_TMP/u" | wc -l)" -eq "$(ls "$CCT_TMP/o" | wc -l)" ] || { _bad=$((_bad + 1)); echo "  section counts differ"; }
    if [ "$_bad" -eq 0 ]; then ok "$1: $_good sections identical"; else fail "$1: $_bad of $((_good + _bad)) sections differ"; fi
    if grep -aq '^done$' "$2"; then ok "$1: the original ran the whole program"; else fail "$1: the original did not finish"; fi
}
# run LIB BOX OUT [CRITERIA]: one run as the test user; stderr (costs) in OUT.cost
run() {
    cp "$CCT_TMP/$2" "$H/box" && chmod 644 "$H/box"
    is_root && chown "$CCT_USER" "$H/box"
    _l=; [ "$1" = ours ] && _l="$CCT_TMP/lib"
    (cd "$H" && LD_LIBRARY_PATH=$_l QS_COST=1 as_user timeout -k 5 150 "$CCT_TMP/qs" box ${4:+"$CCT_TMP/$4"}) \
        > "$CCT_TMP/$3" 2> "$CCT_TMP/$3.cost"
    echo "exit $?" >> "$CCT_TMP/$3"
}

for box in bad empty; do
    c=; [ $box = bad ] && c=crit
    run orig $box $box.orig $c
    run ours $box $box.ours $c
    compare "$box mailbox" "$CCT_TMP/$box.orig" "$CCT_TMP/$box.ours"
done

run ours bad bad.crit-ours crit-ours
if grep -q '^exit 0$' "$CCT_TMP/bad.crit-ours" && grep -q '^done$' "$CCT_TMP/bad.crit-ours" \
    && [ "$(grep -c '^NIL$' "$CCT_TMP/bad.crit-ours")" -eq 3 ]; then
    ok "literal counts past the input (the original crashes): refused cleanly"
else
    fail "literal counts past the input: $(tail -n 3 "$CCT_TMP/bad.crit-ours" | tr '\n' ' ')"
fi

run orig s10k s10k.orig
run ours s10k s10k.ours
compare "10,000 generated messages" "$CCT_TMP/s10k.orig" "$CCT_TMP/s10k.ours"

t0=$(date +%s)
run ours s100k s100k.ours
t1=$(date +%s)
if grep -q '^done$' "$CCT_TMP/s100k.ours" && grep -q '^nmsgs 100000$' "$CCT_TMP/s100k.ours"; then
    ok "100,000 messages: every operation completed ($((t1 - t0)) s wall for the whole program, 17 opens included)"
else
    fail "100,000 messages: $(tail -n 2 "$CCT_TMP/s100k.ours" | tr '\n' ' ')"
fi
# Every message in both thread trees and every sort.
for sec in "sort DATE" "sort SUBJECT" "sort SUBJECT DATE" "thread REFERENCES" "thread ORDEREDSUBJECT"; do
    n=$(awk -v s="== $sec" '$0 == s { getline; print $1 }' "$CCT_TMP/s100k.ours")
    check "100,000 messages: $sec holds them all ($n)" [ "$n" = "[100000]" ]
done

unit=$(sed -n 's/^unit //p' "$CCT_TMP/s10k.ours.cost")
echo "cost of each operation, ours ($unit; 10k, 100k, ratio; the original at 10k for scale):"
join -t '|' \
    "$(sed -n 's/^cost \(.*\) \([0-9]*\)$/\1|\2/p' "$CCT_TMP/s10k.ours.cost" | sort > "$CCT_TMP/c10"; echo "$CCT_TMP/c10")" \
    "$(sed -n 's/^cost \(.*\) \([0-9]*\)$/\1|\2/p' "$CCT_TMP/s100k.ours.cost" | sort > "$CCT_TMP/c100"; echo "$CCT_TMP/c100")" \
    | join -t '|' - "$(sed -n 's/^cost \(.*\) \([0-9]*\)$/\1|\2/p' "$CCT_TMP/s10k.orig.cost" | sort > "$CCT_TMP/co"; echo "$CCT_TMP/co")" \
    > "$CCT_TMP/costs"
awk -F'|' '{ printf "  %-28s %10d %10d  x%5.1f   (original %d)\n", $1, $2, $3, ($2 > 0 ? $3 / $2 : 0), $4 }' "$CCT_TMP/costs"
over=$(awk -F'|' '$2 >= 5000 && $3 > 40 * $2 { printf "%s (x%.0f) ", $1, $3 / $2 }' "$CCT_TMP/costs")
[ "$unit" = cpu-us ] || over=$(awk -F'|' '$2 >= 5000000 && $3 > 40 * $2 { printf "%s ", $1 }' "$CCT_TMP/costs")
if [ -z "$over" ]; then ok "10k to 100k: no operation grows more than 40-fold"
else fail "10k to 100k: super-linear growth: $over"; fi
finish
