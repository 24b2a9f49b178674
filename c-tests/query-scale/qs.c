/* Bad input and scale for search, sort and thread: built once against the
 * original's headers, run against each library.
 * Usage: qs MAILBOX [CRITERIA-FILE]
 * Runs a fixed list of operations on a freshly opened stream each (search
 * BODY/TEXT/SUBJECT, several sorts, both threaders) and then, when given,
 * each line of CRITERIA-FILE through mail_criteria and a search with the
 * result. Results are printed in full for small mailboxes, as a count and
 * a hash for large ones (over 2000 messages). With QS_COST=1 the cost of
 * each operation goes to stderr as "cost OP N" (user-space instructions
 * when the kernel lets us count them, else CPU microseconds). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include "c-client.h"

static int full;
static unsigned long hash, count;
static int perf_fd = -1;

static void emit(const char *s) {
    if (full) fputs(s, stdout);
    for (; *s; s++) hash = (hash ^ (unsigned char) *s) * 1099511628211UL;
}
static void emitn(unsigned long n, char sep) {
    char b[32];
    sprintf(b, "%lu%c", n, sep);
    emit(b);
}
static void begin(const char *label) {
    printf("== %s\n", label);
    hash = 14695981039346656037UL;
    count = 0;
}
static void end(void) {
    if (full) putchar('\n');
    printf("[%lu] %016lx\n", count, hash);
    fflush(stdout);
}

static unsigned long long cost_now(void) {
    unsigned long long v;
    struct timespec t;
    if (perf_fd >= 0 && read(perf_fd, &v, sizeof v) == sizeof v) return v;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (unsigned long long) t.tv_sec * 1000000 + t.tv_nsec / 1000;
}
static void cost_init(void) {
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.type = PERF_TYPE_HARDWARE;
    a.size = sizeof a;
    a.config = PERF_COUNT_HW_INSTRUCTIONS;
    a.exclude_kernel = 1;
    a.exclude_hv = 1;
    perf_fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
    fprintf(stderr, "unit %s\n", perf_fd >= 0 ? "instructions" : "cpu-us");
}

static void tree(THREADNODE *t) {
    for (; t; t = t->branch) {
        emit("(");
        if (t->num) count++;
        emitn(t->num, t->next ? ' ' : ')');
        if (t->next) { tree(t->next); emit(")"); }
    }
}

static void searched(MAILSTREAM *s) {
    unsigned long i;
    for (i = 1; i <= s->nmsgs; i++)
        if (mail_elt(s, i)->searched) { count++; emitn(i, ' '); }
}

static MAILSTREAM *open_box(const char *box) {
    MAILSTREAM *s = mail_open(NIL, (char *) box, OP_READONLY);
    if (!s) { printf("open failed\n"); exit(2); }
    return s;
}

int main(int argc, char **argv) {
    static const char *searches[] = {"BODY needle", "TEXT needle", "SUBJECT topic", "FROM sender",
                                     "NOT SUBJECT topic", "SINCE 1-Jan-2038", "BEFORE 1-Jan-2001"};
    static const struct { const char *label; short fn; char rev; short fn2; } sorts[] = {
        {"sort DATE", SORTDATE, 0, -1}, {"sort reverse DATE", SORTDATE, 1, -1},
        {"sort SUBJECT", SORTSUBJECT, 0, -1}, {"sort ARRIVAL", SORTARRIVAL, 0, -1},
        {"sort FROM", SORTFROM, 0, -1}, {"sort SIZE", SORTSIZE, 0, -1},
        {"sort SUBJECT DATE", SORTSUBJECT, 0, SORTDATE}};
    static const char *threaders[] = {"REFERENCES", "ORDEREDSUBJECT"};
    int want_cost = getenv("QS_COST") != NIL;
    MAILSTREAM *s;
    unsigned long i, *r;
    unsigned long long c0;
    char label[200], line[4096];
    FILE *f;
#include "linkage.c"
    if (argc < 2) return 2;
    if (want_cost) cost_init();
    s = open_box(argv[1]);
    full = s->nmsgs <= 2000;
    printf("nmsgs %lu\n", s->nmsgs);
    mail_close(s);

    for (i = 0; i < sizeof searches / sizeof *searches; i++) {
        s = open_box(argv[1]);
        sprintf(label, "search %s", searches[i]);
        begin(label);
        c0 = cost_now();
        mail_search_full(s, NIL, mail_criteria((char *) searches[i]), SE_FREE);
        if (want_cost) fprintf(stderr, "cost %s %llu\n", label, cost_now() - c0);
        searched(s);
        end();
        mail_close(s);
    }
    for (i = 0; i < sizeof sorts / sizeof *sorts; i++) {
        SORTPGM *p = mail_newsortpgm();
        unsigned long n;
        p->function = sorts[i].fn;
        p->reverse = sorts[i].rev;
        if (sorts[i].fn2 >= 0) { p->next = mail_newsortpgm(); p->next->function = sorts[i].fn2; }
        s = open_box(argv[1]);
        begin(sorts[i].label);
        c0 = cost_now();
        r = mail_sort(s, NIL, mail_newsearchpgm(), p, SE_FREE | SO_FREE);
        if (want_cost) fprintf(stderr, "cost %s %llu\n", sorts[i].label, cost_now() - c0);
        if (!r) emit("NIL");
        else {
            for (n = 0; r[n]; n++) { count++; emitn(r[n], ' '); }
            fs_give((void **) &r);
        }
        end();
        mail_close(s);
    }
    for (i = 0; i < 2; i++) {
        THREADNODE *t;
        s = open_box(argv[1]);
        sprintf(label, "thread %s", threaders[i]);
        begin(label);
        c0 = cost_now();
        t = mail_thread(s, (char *) threaders[i], NIL, mail_newsearchpgm(), SE_FREE);
        if (want_cost) fprintf(stderr, "cost %s %llu\n", label, cost_now() - c0);
        if (!t) emit("NIL");
        tree(t);
        mail_free_threadnode(&t);
        end();
        mail_close(s);
    }
    if (argc > 2 && (f = fopen(argv[2], "r"))) {
        full = 1;
        s = open_box(argv[1]);
        while (fgets(line, sizeof line, f)) {
            char crit[4096], *p = line, *q = crit;
            SEARCHPGM *pgm;
            line[strcspn(line, "\n")] = 0;
            /* \r, \n and \\ escapes */
            for (; *p; p++) {
                if (*p == '\\' && p[1]) {
                    p++;
                    *q++ = *p == 'r' ? '\r' : *p == 'n' ? '\n' : *p;
                } else *q++ = *p;
            }
            *q = 0;
            sprintf(label, "criteria [%.150s]", line);
            begin(label);
            pgm = mail_criteria(crit);
            if (!pgm) emit("NIL");
            else {
                mail_search_full(s, NIL, pgm, SE_FREE);
                searched(s);
            }
            end();
        }
        fclose(f);
        mail_close(s);
    }
    printf("done\n");
    return 0;
}

void mm_searched(MAILSTREAM *s, unsigned long n) {}
void mm_exists(MAILSTREAM *s, unsigned long n) {}
void mm_expunged(MAILSTREAM *s, unsigned long n) {}
void mm_flags(MAILSTREAM *s, unsigned long n) {}
void mm_notify(MAILSTREAM *s, char *str, long e) { printf("notify %ld %s\n", e, str); }
void mm_list(MAILSTREAM *s, int d, char *n, long a) {}
void mm_lsub(MAILSTREAM *s, int d, char *n, long a) {}
void mm_status(MAILSTREAM *s, char *m, MAILSTATUS *st) {}
void mm_log(char *str, long e) { printf("log %ld %s\n", e, str); }
void mm_dlog(char *str) {}
void mm_login(NETMBX *mb, char *u, char *p, long t) {}
void mm_critical(MAILSTREAM *s) {}
void mm_nocritical(MAILSTREAM *s) {}
long mm_diskerror(MAILSTREAM *s, long e, long serious) { return 1; }
void mm_fatal(char *str) { printf("fatal %s\n", str); }
