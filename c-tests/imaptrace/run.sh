#!/bin/bash
# IMAP /debug telemetry compared with the original's.
#
# A private Dovecot (c-tests/lib/dovecot.sh, 127.0.0.1:19210-19213) gets
# alice's INBOX filled through the original library (every eighth corpus
# message of the sizes c-tests/imap takes, or messages written here).
# c-tests/imap/imapdiff.c runs its whole session with IMAPDIFF_DEBUG set
# (every name carries /debug; every mm_dlog line is printed) with each
# library on identical copies of the mail. The mm_dlog lines, section by
# section, must be the same: the commands as sent (split at literals, the
# literal bytes not shown), every response line (literal data not shown),
# LOGIN hidden as "<suppressed>". Masked (docs/deviations.md): the tags
# (ours A0001..., the original's 00000001...), LITERAL+ ({n+}: ours sends
# literals without waiting, so the server's "+" go-ahead after a literal
# is not there either), SASL-IR (the empty "+" challenge before an
# initial response), the CRAM-MD5 challenge and response (random), and
# Dovecot's "(n.nnn + n.nnn secs)" timings, and every FETCH of only
# BODY.PEEK[HEADER] and/or BODY.PEEK[TEXT] (its command and answer) in
# both transcripts: whole headers and texts read in order are fetched
# ahead by ours (docs/performance.md), with debug too (c-tests/imap
# compares what such reads give). Envelopes are not fetched ahead with
# debug, so their FETCHes are compared.
# Only the mm_dlog lines
# are compared here (ours reports the other callbacks after each
# command; c-tests/imap compares those).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"
. "$here/../lib/dovecot.sh"
if ! dovecot_available; then
    skip_suite "Dovecot not available (needs root, dovecot-imapd, openssl)"
fi
[ -e "$CCT_LIBDIR/libc-client.so.2007e" ] || { echo "no $CCT_LIBDIR (run make)"; echo "0 passed, 1 failed"; exit 1; }
[ -e "$CCT_ORIG_SO" ] || skip_suite "the original library is not installed"
work=$(mktemp -d /tmp/imaptrace-suite.XXXXXX)
chmod 755 "$work"
PORT=19210
cleanup() { (DOVECOT_DIR=$work/dc dovecot_stop) >/dev/null 2>&1; [ -n "$KEEP" ] || rm -rf "$work"; }
trap cleanup EXIT
TMO=${IMAP_SUITE_TIMEOUT:-60}
cc -w -I"$CCT_ORIG_INC" -o "$work/imapdiff" "$here/../imap/imapdiff.c" -lc-client 2>"$work/cc.err" ||
    { cat "$work/cc.err"; fail "compile imapdiff.c"; finish; }
dovecot_start "$work/dc" $PORT >/dev/null 2>&1 || { fail "start Dovecot"; finish; }
corpus=""
for c in "$CCT_ROOT/../shared/corpus" "$CCT_ROOT/../../shared/corpus" /work/shared/corpus; do
    [ -d "$c" ] && corpus=$(cd "$c" && pwd) && break
done
: > "$work/files"
if [ -n "$corpus" ]; then
    find "$corpus" -type f \( -name '*.eml' -o -name '*.msg' -o -name '*.txt' \) -size -120k -size +300c |
        LC_ALL=C sort | awk 'NR%8==1' | head -40 > "$work/files"
fi
if [ ! -s "$work/files" ]; then
    for i in 1 2 3 4 5 6; do
        {
            printf 'From: A%s <a%s@example.com>\nTo: alice@example.com\n' $i $i
            printf 'Subject: test %s\nMessage-ID: <m%s@example.com>\nDate: Mon, %d Jan 2024 10:00:00 +0000\n' $i $i $i
            if [ $((i % 2)) -eq 0 ]; then
                printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b%s"\n\n' $i
                printf -- '--b%s\nContent-Type: text/plain\n\nBody %s\n--b%s--\n' $i $i $i
            else
                printf '\nBody %s plain\n' $i
            fi
        } > "$work/gen$i.eml"
        echo "$work/gen$i.eml" >> "$work/files"
    done
fi
timeout $TMO "$work/imapdiff" $PORT populate $(cat "$work/files") > "$work/populate.log" 2>&1 ||
    { fail "populate"; tail -5 "$work/populate.log"; }
cp -a "$work/dc/home" "$work/home.orig"
sleep 1

# The mm_dlog lines and section headers, normalised.
norm() {
    grep -aE '^(== |  dlog )' "$1" |
        sed -E -e 's/^  dlog //' -e 's/ \([0-9.]+( \+ [0-9.]+)+ secs\)//' \
            -e 's/^([0-9a-f]{8}|A[0-9]{4,}) /TAG /' -e 's/\{([0-9]+)\+\}$/{\1}/' |
        awk '
            # whole headers/texts peeked: read ahead by ours, so each
            # such FETCH (its command and answer) is left out of both
            /^TAG FETCH [0-9:]+ (BODY\.PEEK\[(HEADER|TEXT)\]|\(BODY\.PEEK\[HEADER\] BODY\.PEEK\[TEXT\]\))$/ { skip = 1; next }
            skip { if (/^TAG (OK|NO|BAD) /) skip = 0; next }
            prev ~ /\{[0-9]+\}$/ && /^\+ / { next }       # go-ahead for a literal
            /^\+ ?$/ { prev = $0; next }                   # empty SASL challenge
            prev ~ /AUTHENTICATE CRAM-MD5$/ && /^\+ / { print "+ (challenge)"; prev = "+ (challenge)"; next }
            prev == "+ (challenge)" { print "(response)"; prev = ""; next }
            { print; prev = $0 }'
}
run() { # LIBDIR OUT
    rm -rf "$work/dc/home"
    cp -a "$work/home.orig" "$work/dc/home"
    if [ -n "$1" ]; then
        IMAPDIFF_DEBUG=1 LD_LIBRARY_PATH=$1 timeout $TMO "$work/imapdiff" $PORT > "$2.raw" 2>&1
    else
        IMAPDIFF_DEBUG=1 env -u LD_LIBRARY_PATH timeout $TMO "$work/imapdiff" $PORT > "$2.raw" 2>&1
    fi
    echo "exit $?" >> "$2.raw"
    norm "$2.raw" > "$2"
}
run "" "$work/orig.txt"
run "$CCT_LIBDIR" "$work/ours.txt"
n=$(grep -c '^TAG ' "$work/orig.txt")
if grep -q '^exit 0$' "$work/orig.txt.raw" && [ "$n" -gt 100 ]; then
    ok "original's session traced ($n tagged lines)"
else
    fail "original's session did not complete"; tail -3 "$work/orig.txt.raw"
fi
! grep -aq 'alicepw\|YWxpY2VwdwAp\|AGFsaWNlcHc' "$work/ours.txt.raw" && grep -q '^TAG AUTHENTICATE ' "$work/ours.txt"
check "ours shows the login without the password" test $? -eq 0
for sec in $(grep '^== ' "$work/orig.txt" | sed 's/^== //; s/ /_/g' | awk '!seen[$0]++'); do
    s=${sec//_/ }
    [ "$s" = done ] && continue
    sed -n "/^== $s\$/,/^== /p" "$work/orig.txt" > "$work/s.orig"
    sed -n "/^== $s\$/,/^== /p" "$work/ours.txt" > "$work/s.ours"
    if [ ! -s "$work/s.ours" ]; then
        fail "section $s missing"
    elif cmp -s "$work/s.orig" "$work/s.ours"; then
        ok "section $s: $(grep -vc '^== ' "$work/s.ours") telemetry lines identical"
    else
        fail "section $s"; diff "$work/s.orig" "$work/s.ours" | head -20
    fi
done
# Logging in: each mechanism (and the LOGIN command) once per library.
open_case() { # LABEL DISABLED...
    local label=$1
    shift
    IMAPDIFF_DEBUG=1 env -u LD_LIBRARY_PATH timeout $TMO "$work/imapdiff" $PORT open \
        "{127.0.0.1:$PORT/imap/notls/debug/user=alice}INBOX" "$@" > "$work/open.orig.raw" 2>&1
    IMAPDIFF_DEBUG=1 LD_LIBRARY_PATH=$CCT_LIBDIR timeout $TMO "$work/imapdiff" $PORT open \
        "{127.0.0.1:$PORT/imap/notls/debug/user=alice}INBOX" "$@" > "$work/open.ours.raw" 2>&1
    norm "$work/open.orig.raw" > "$work/open.orig"
    norm "$work/open.ours.raw" > "$work/open.ours"
    if cmp -s "$work/open.orig" "$work/open.ours" && grep -q '^TAG SELECT INBOX' "$work/open.ours" &&
        ! grep -aq 'alicepw\|YWxpY2VwdwAp\|AGFsaWNlcHc' "$work/open.ours.raw"; then
        ok "$label: $(wc -l < "$work/open.ours") telemetry lines identical, no password shown"
    else
        fail "$label"; diff "$work/open.orig" "$work/open.ours" | head -20
    fi
}
open_case "login with PLAIN" CRAM-MD5
grep -q '^<suppressed>$' "$work/open.ours"
check "login with PLAIN: the response reads <suppressed>" test $? -eq 0
open_case "login with LOGIN" CRAM-MD5 PLAIN
open_case "LOGIN command" CRAM-MD5 PLAIN LOGIN
grep -q '^<suppressed>$' "$work/open.ours" && ! grep -q '^TAG LOGIN' "$work/open.ours"
check "LOGIN command: the whole command reads <suppressed>" test $? -eq 0
finish
