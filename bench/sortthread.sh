#!/bin/bash
# Search, sort and thread benchmark: the original c-client and ours, same
# program (built once against the original's headers), same inputs, one run.
# Inputs: the largest mbox of ../shared/corpus (the 26 MB list archive) and
# generated mailboxes of BENCH_MSGS messages (default 100000), made from
# corpus messages (c-tests/nolose/lib.sh's generator; synthetic ones without
# the corpus). Operations, each in its own process on a freshly opened
# stream (the open is not timed): search BODY and TEXT for a word, search a
# header (SUBJECT), sort DATE and SUBJECT, thread REFERENCES and
# ORDEREDSUBJECT (BENCH_OPS narrows the list). Prints the wall and CPU
# seconds of the operation (each the best of BENCH_ROUNDS, default 2), the
# peak RSS of the process (KB, open
# included) and the ratios original/ours. Reported, never asserted.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
NL_HERE=$root/c-tests/nolose
. "$NL_HERE/lib.sh"
SIZES=${BENCH_MSGS:-100000}
ROUNDS=${BENCH_ROUNDS:-2}
have_test_user || { echo "search/sort/thread bench: test user $CCT_USER missing; skipped"; exit 0; }
[ -f "$root/build/lib/libc-client.so.2007e" ] || { echo "search/sort/thread bench: build/lib missing (make)"; exit 0; }
W=$(mktemp -d /tmp/stbench.XXXXXX)
chmod 755 "$W"
NL_HOME=$W/home
mkdir "$NL_HOME"
is_root && chown "$CCT_USER" "$NL_HOME"
trap 'rm -rf "$W"' EXIT

cat > "$W/b.c" <<'CEOF'
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include "c-client.h"
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec / 1e9; }
/* b MAILBOX OP: OP one of search-BODY search-TEXT search-SUBJECT
 * sort-DATE sort-SUBJECT thread-REFERENCES thread-ORDEREDSUBJECT */
int main(int argc, char **argv) {
    const char *op = argv[2];
    unsigned long n = 0, i;
    double t0, t1, c0, c1;
    struct rusage ru;
    MAILSTREAM *s;
#include "linkage.c"
    s = mail_open(NIL, argv[1], OP_READONLY);
    if (!s) { printf("%s FAILED open\n", op); return 1; }
    t0 = now();
    c0 = cpu();
    if (!strncmp(op, "search-", 7)) {
        char crit[100];
        sprintf(crit, "%s %s", op + 7, getenv("BENCH_WORD") ? getenv("BENCH_WORD") : "kernel");
        mail_search_full(s, NIL, mail_criteria(crit), SE_FREE);
        for (i = 1; i <= s->nmsgs; i++) if (mail_elt(s, i)->searched) n++;
    } else if (!strncmp(op, "sort-", 5)) {
        SORTPGM *p = mail_newsortpgm();
        unsigned long *r;
        p->function = strcmp(op + 5, "DATE") ? SORTSUBJECT : SORTDATE;
        r = mail_sort(s, NIL, mail_newsearchpgm(), p, SE_FREE | SO_FREE);
        for (; r && r[n]; n++);
        fs_give((void **) &r);
    } else {
        THREADNODE *t = mail_thread(s, (char *) op + 7, NIL, mail_newsearchpgm(), SE_FREE);
        THREADNODE *c;
        for (c = t; c; c = c->branch) n++;
        mail_free_threadnode(&t);
    }
    t1 = now();
    c1 = cpu();
    getrusage(RUSAGE_SELF, &ru);
    printf("%s seconds=%.4f cpu=%.4f maxrss_kb=%ld result=%lu messages=%lu\n", op, t1 - t0, c1 - c0, ru.ru_maxrss, n, s->nmsgs);
    mail_close(s);
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
gcc -O2 -w -I"$CCT_ORIG_INC" "$W/b.c" -o "$W/b" -lc-client || exit 1
mkdir "$W/lib"
cp -L "$root/build/lib/libc-client.so.2007e" "$W/lib/"
chmod -R a+rX "$W"

inputs=""
corpus=$(nl_corpus_mbox)
if [ -n "$corpus" ]; then
    cp "$corpus" "$NL_HOME/in.corpus"; inputs="corpus"
else
    echo "search/sort/thread bench: no ../shared/corpus: generated input only"
fi
for n in $SIZES; do
    nl_generate "$n" "$NL_HOME/in.gen$n" st
    inputs="$inputs gen$n"
done
chmod a+r "$NL_HOME"/in.*
is_root && chown "$CCT_USER" "$NL_HOME"/in.*

OPS=${BENCH_OPS:-"search-BODY search-TEXT search-SUBJECT sort-DATE sort-SUBJECT thread-REFERENCES thread-ORDEREDSUBJECT"}
# field LINE NAME
field() { echo "$1" | sed -n "s/.* $2=\([^ ]*\).*/\1/p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.1f", a / b }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "") print b; else if (b == "" || a + 0 < b + 0) print a; else print b }'; }

echo "search/sort/thread benchmark: original vs ours; best of $ROUNDS; word \"${BENCH_WORD:-kernel}\""
echo "(wall and CPU seconds of the operation on an open stream; rss: peak KB of the process, open included; ratio: original/ours)"
printf '%-11s %-22s %8s %9s %9s %6s %9s %9s %6s %9s %9s %6s\n' input operation messages orig_s ours_s x orig_cpu ours_cpu x orig_rss ours_rss x
for in in $inputs; do
    for op in $OPS; do
        ob=""; ub=""; oc=""; uc=""; orss=""; urss=""; msgs=""; ores=""; ures=""
        r=0
        while [ "$r" -lt "$ROUNDS" ]; do
            o=$(U env LD_LIBRARY_PATH="$NL_ORIG_DIR" BENCH_WORD="${BENCH_WORD:-kernel}" "$W/b" "in.$in" "$op" 2>/dev/null | tail -n 1)
            u=$(U env LD_LIBRARY_PATH="$W/lib" BENCH_WORD="${BENCH_WORD:-kernel}" "$W/b" "in.$in" "$op" 2>/dev/null | tail -n 1)
            ob=$(min "$ob" "$(field "$o" seconds)"); ub=$(min "$ub" "$(field "$u" seconds)")
            oc=$(min "$oc" "$(field "$o" cpu)"); uc=$(min "$uc" "$(field "$u" cpu)")
            orss=$(field "$o" maxrss_kb); urss=$(field "$u" maxrss_kb)
            msgs=$(field "$o" messages); ores=$(field "$o" result); ures=$(field "$u" result)
            r=$((r + 1))
        done
        printf '%-11s %-22s %8s %9s %9s %6s %9s %9s %6s %9s %9s %6s' "$in" "$op" "${msgs:--}" "${ob:--}" "${ub:--}" \
            "$(ratio "$ob" "$ub")" "${oc:--}" "${uc:--}" "$(ratio "$oc" "$uc")" "${orss:--}" "${urss:--}" "$(ratio "$orss" "$urss")"
        [ "$ores" = "$ures" ] || printf '   (results differ: %s vs %s)' "$ores" "$ures"
        echo
    done
done
