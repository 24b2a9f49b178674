#!/bin/sh
# Sort and thread benchmark: the original c-client and ours over one
# generated 10,000-message mbox (BENCH_MSGS to change), same program, in one
# run: sort by DATE and SUBJECT, thread REFERENCES and ORDEREDSUBJECT, each
# on a freshly opened stream. Prints seconds and the ratio. Reported only.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
n=${BENCH_MSGS:-10000}
user=${CCLIENT_TEST_USER:-cloudsdk}
work=$(mktemp -d /tmp/sortthread-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cat > "$work/b.c" <<'CEOF'
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "c-client.h"
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {
    const char *ops[] = {"sort-DATE", "sort-SUBJECT", "thread-REFERENCES", "thread-ORDEREDSUBJECT"};
    int i;
#include "linkage.c"
    for (i = 0; i < 4; i++) {
        MAILSTREAM *s = mail_open(NIL, argv[1], OP_READONLY);
        double t0 = now();
        if (i < 2) {
            SORTPGM *p = mail_newsortpgm();
            unsigned long *r;
            p->function = i ? SORTSUBJECT : SORTDATE;
            r = mail_sort(s, NIL, mail_newsearchpgm(), p, SE_FREE | SO_FREE);
            fs_give((void **) &r);
        } else {
            THREADNODE *t = mail_thread(s, i == 2 ? "REFERENCES" : "ORDEREDSUBJECT", NIL, mail_newsearchpgm(), SE_FREE);
            mail_free_threadnode(&t);
        }
        printf("%s %.3f\n", ops[i], now() - t0);
        mail_close(s);
    }
    return 0;
}
void mm_searched(MAILSTREAM *s, unsigned long n) {}
void mm_exists(MAILSTREAM *s, unsigned long n) {}
void mm_expunged(MAILSTREAM *s, unsigned long n) {}
void mm_flags(MAILSTREAM *s, unsigned long n) {}
void mm_notify(MAILSTREAM *s, char *str, long e) {}
void mm_list(MAILSTREAM *s, int d, char *n, long a) {}
void mm_lsub(MAILSTREAM *s, int d, char *n, long a) {}
void mm_status(MAILSTREAM *s, char *m, MAILSTATUS *st) {}
void mm_log(char *str, long e) {}
void mm_dlog(char *str) {}
void mm_login(NETMBX *mb, char *u, char *p, long t) {}
void mm_critical(MAILSTREAM *s) {}
void mm_nocritical(MAILSTREAM *s) {}
long mm_diskerror(MAILSTREAM *s, long e, long serious) { return 1; }
void mm_fatal(char *str) {}
CEOF
gcc -O2 -w -I/usr/include/c-client "$work/b.c" -o "$work/b" -lc-client
mkdir -p "$work/lib" "$work/home"
cp -P "$root"/build/lib/libc-client.so* "$work/lib/"
awk -v n="$n" 'BEGIN {
  for (i = 1; i <= n; i++) {
    printf "From s%d@example.org Mon Jan  1 00:00:00 2001\n", i
    printf "Date: Mon, %d Jan 2001 %02d:%02d:00 +0100\n", 1 + i % 28, i % 24, i % 60
    printf "From: Sender %d <s%d@example.org>\nTo: list@example.org\n", i % 97, i % 97
    printf "Subject: %stopic %d\n", (i % 3) ? "Re: " : "", i % 500
    printf "Message-ID: <%d@example.org>\n", i
    if (i > 1) printf "References: <%d@example.org> <%d@example.org>\n", int(i / 7) + 1, i - 1
    printf "\nbody %d\n\n", i
  } }' > "$work/home/box"
chmod -R a+rwX "$work"
[ "$(id -u)" -eq 0 ] && chown -R "$user" "$work/home"
runb() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd "$work/home" && runuser -u "$user" -- env HOME="$work/home" ${1:+LD_LIBRARY_PATH=$1} "$work/b" box)
    else
        (cd "$work/home" && env HOME="$work/home" ${1:+LD_LIBRARY_PATH=$1} "$work/b" box)
    fi
}
runb "" > "$work/orig"
runb "$work/lib" > "$work/ours"
echo "sort/thread benchmark, $n generated messages (seconds; ratio = original / ours)"
join "$work/orig" "$work/ours" | awk '{ printf "  %-24s original %7.3f  ours %7.3f  ratio %.2f\n", $1, $2, $3, ($3 > 0 ? $2 / $3 : 0) }'
