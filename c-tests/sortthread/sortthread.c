/* Differential test of sorting, threading, overviews and charset searches:
 * built once against the original's headers, run against each library.
 * Usage: sortthread MAILBOX [KEYFILE [light]]
 * KEYFILE lines: CHARSET FIELD HEXKEY (search keys in their charset).
 * "light" skips the costlier sections (for very large mailboxes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"

static void pr(const char *s) { fputs(s ? s : "(nil)", stdout); }

static void print_list(const char *label, unsigned long *l) {
    unsigned long n = 0;
    printf("== %s\n", label);
    if (!l) { printf("NIL\n"); return; }
    for (; l[n]; n++) printf("%lu%c", l[n], (n % 20 == 19) ? '\n' : ' ');
    printf("\n[%lu]\n", n);
}

static void print_tree(THREADNODE *t) {
    for (; t; t = t->branch) {
        printf("(%lu", t->num);
        if (t->next) { putchar(' '); print_tree(t->next); }
        putchar(')');
    }
}

static unsigned long *do_sort(MAILSTREAM *s, SORTPGM *pgm, long flags) {
    SEARCHPGM *spg = mail_newsearchpgm();
    return mail_sort(s, NIL, spg, pgm, flags | SE_FREE);
}

static const char *keyname[] = {"DATE", "ARRIVAL", "FROM", "SUBJECT", "TO", "CC", "SIZE"};

static void sort_one(MAILSTREAM *s, SORTPGM *pgm, long flags, const char *label) {
    unsigned long *r = do_sort(s, pgm, flags);
    print_list(label, r);
    printf("nmsgs %lu cached %lu\n", pgm->nmsgs, pgm->progress.cached);
    if (r) fs_give((void **) &r);
}

static void sorts(MAILSTREAM *s) {
    int k, rev;
    char label[100];
    SORTPGM *p, *q;
    for (k = 0; k < 7; k++)
        for (rev = 0; rev < 2; rev++) {
            p = mail_newsortpgm();
            p->function = k;
            p->reverse = rev;
            sprintf(label, "sort %s%s", rev ? "reverse " : "", keyname[k]);
            sort_one(s, p, 0, label);
            sprintf(label, "sort %s%s uid", rev ? "reverse " : "", keyname[k]);
            sort_one(s, p, SE_UID, label);
            mail_free_sortpgm(&p);
        }
    /* several keys */
    p = mail_newsortpgm(); p->function = SORTSUBJECT;
    p->next = q = mail_newsortpgm(); q->function = SORTDATE; q->reverse = 1;
    sort_one(s, p, 0, "sort SUBJECT, reverse DATE");
    mail_free_sortpgm(&p);
    p = mail_newsortpgm(); p->function = SORTFROM; p->reverse = 1;
    p->next = q = mail_newsortpgm(); q->function = SORTSIZE;
    q->next = mail_newsortpgm(); q->next->function = SORTTO;
    sort_one(s, p, SE_UID, "sort reverse FROM, SIZE, TO uid");
    mail_free_sortpgm(&p);
    /* with a search program: only the matching messages */
    {
        SEARCHPGM *spg = mail_newsearchpgm();
        unsigned long *r;
        spg->larger = 3000;
        p = mail_newsortpgm(); p->function = SORTSUBJECT;
        r = mail_sort(s, NIL, spg, p, SE_FREE | SO_FREE);
        print_list("sort SUBJECT of LARGER 3000 (SO_FREE)", r);
        if (r) fs_give((void **) &r);
    }
}

static void sortcache(MAILSTREAM *s, unsigned long max) {
    mailcache_t mc = (mailcache_t) mail_parameters(NIL, GET_CACHE, NIL);
    unsigned long i;
    printf("== sort cache\n");
    for (i = 1; i <= s->nmsgs && i <= max; i++) {
        SORTCACHE *sc = (SORTCACHE *) (*mc)(s, i, CH_SORTCACHE);
        STRINGLIST *st;
        printf("%lu num=%lu date=%lu arrival=%lu size=%lu refwd=%u from=", i, sc->num, sc->date,
               sc->arrival, sc->size, sc->refwd);
        pr(sc->from); printf(" to="); pr(sc->to); printf(" cc="); pr(sc->cc);
        printf(" subject="); pr(sc->subject); printf(" msgid="); pr(sc->message_id);
        printf(" uniq=%s refs=", sc->unique == sc->message_id ? "=msgid" : (sc->unique ? "gen" : "nil"));
        for (st = sc->references; st; st = st->next) { pr((char *) st->text.data); putchar(','); }
        putchar('\n');
    }
}

static void threads(MAILSTREAM *s) {
    const char *types[] = {"REFERENCES", "ORDEREDSUBJECT", "references", "BOGUS"};
    int i, u;
    for (i = 0; i < 4; i++)
        for (u = 0; u < 2; u++) {
            THREADNODE *t = mail_thread(s, (char *) types[i], NIL, mail_newsearchpgm(), SE_FREE | (u ? SE_UID : 0));
            printf("== thread %s%s\n", types[i], u ? " uid" : "");
            if (!t) printf("NIL");
            print_tree(t);
            putchar('\n');
            if (t) mail_free_threadnode(&t);
        }
    {
        THREADER *th = (THREADER *) mail_parameters(s, GET_THREADERS, NIL);
        printf("== threaders\n");
        for (; th; th = th->next) printf("%s\n", th->name);
    }
}

static void ovcb(MAILSTREAM *s, unsigned long uid, OVERVIEW *ov, unsigned long msgno) {
    printf("%lu %lu subj=", uid, msgno);
    pr(ov->subject);
    printf(" from=");
    if (ov->from) { pr(ov->from->personal); putchar('/'); pr(ov->from->mailbox); putchar('@'); pr(ov->from->host); }
    printf(" date="); pr(ov->date);
    printf(" id="); pr(ov->message_id);
    printf(" refs="); pr(ov->references);
    printf(" octets=%lu lines=%lu\n", ov->optional.octets, ov->optional.lines);
}

static void overviews(MAILSTREAM *s) {
    printf("== overview 1:*\n");
    mail_fetch_overview_sequence(s, "1:*", ovcb);
    printf("== overview uid 2,4:6\n");
    mail_fetch_overview(s, "2,4:6", ovcb);
}

static void strips(MAILSTREAM *s, unsigned long max) {
    const char *t[] = {"Re: hello", "RE: [list] Fwd: hi (fwd)", "[Fwd: Re: x]", "[list] topic",
                       "[list]", "Re  : x", "a  b ", "a   b  ", "  Re:Re:re: x  (FWD) (fwd)",
                       "Fw: y", "fwd[x]: z", "[a][b] c", "[a", "=?iso-8859-1?q?R=E9sum=E9?= re",
                       "Re: =?UTF-8?B?w6nDqQ==?=", "\tRe:\tTabs\t", "[fwd: ]", "Re: [fwd: a] (fwd)",
                       "", " ", "(fwd)", "re", "Re: (fwd)", NIL};
    int i;
    unsigned long n;
    char *r;
    printf("== strip subject\n");
    for (i = 0; t[i]; i++) {
        char *w = cpystr(t[i]);
        unsigned int f = mail_strip_subject(w, &r);
        printf("[%s] -> [%s] %u\n", t[i], r, f);
        fs_give((void **) &r);
        fs_give((void **) &w);
    }
    for (n = 1; n <= s->nmsgs && n <= max; n++) {
        ENVELOPE *e = mail_fetch_structure(s, n, NIL, NIL);
        if (e && e->subject) {
            unsigned int f = mail_strip_subject(e->subject, &r);
            printf("%lu [%s] %u\n", n, r, f);
            fs_give((void **) &r);
        }
    }
}

static int hexval(int c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

static void charset_searches(MAILSTREAM *s, const char *file) {
    FILE *f = fopen(file, "r");
    char cs[64], field[64], hex[1024];
    if (!f) return;
    while (fscanf(f, "%63s %63s %1023s", cs, field, hex) == 3) {
        unsigned char key[512];
        size_t i, n = strlen(hex) / 2;
        SEARCHPGM *pgm = mail_newsearchpgm();
        STRINGLIST **sl;
        unsigned long m, c = 0;
        for (i = 0; i < n; i++) key[i] = hexval(hex[2 * i]) * 16 + hexval(hex[2 * i + 1]);
        key[n] = 0;
        if (!strcmp(field, "TEXT")) sl = &pgm->text;
        else if (!strcmp(field, "BODY")) sl = &pgm->body;
        else if (!strcmp(field, "FROM")) sl = &pgm->from;
        else sl = &pgm->subject;
        *sl = mail_newstringlist();
        (*sl)->text.data = (unsigned char *) cpystr((char *) key);
        (*sl)->text.size = n;
        printf("== search %s %s %s\n", cs, field, hex);
        printf("ret %ld:", mail_search_full(s, cs, pgm, SE_FREE));
        for (m = 1; m <= s->nmsgs; m++)
            if (mail_elt(s, m)->searched) { printf(" %lu", m); c++; }
        printf(" [%lu]\n", c);
    }
    fclose(f);
}

int main(int argc, char **argv) {
    MAILSTREAM *s;
    int light = argc > 3 && !strcmp(argv[3], "light");
#include "linkage.c"
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    s = mail_open(NIL, argv[1], OP_READONLY);
    if (!s) { printf("open failed\n"); return 1; }
    printf("== open %lu messages\n", s->nmsgs);
    sorts(s);
    sortcache(s, light ? 200 : 100000);
    threads(s);
    sortcache(s, light ? 200 : 100000);
    overviews(s);
    strips(s, light ? 500 : 100000);
    if (argc > 2) charset_searches(s, argv[2]);
    mail_close(s);
    printf("done\n");
    return 0;
}

/* Callbacks: quiet except for logs, which are part of the comparison. */
void mm_searched(MAILSTREAM *s, unsigned long n) {}
void mm_exists(MAILSTREAM *s, unsigned long n) {}
void mm_expunged(MAILSTREAM *s, unsigned long n) {}
void mm_flags(MAILSTREAM *s, unsigned long n) {}
void mm_notify(MAILSTREAM *s, char *str, long e) {}
void mm_list(MAILSTREAM *s, int d, char *n, long a) {}
void mm_lsub(MAILSTREAM *s, int d, char *n, long a) {}
void mm_status(MAILSTREAM *s, char *m, MAILSTATUS *st) {}
void mm_log(char *str, long e) { printf("log %ld: %s\n", e, str); }
void mm_dlog(char *str) {}
void mm_login(NETMBX *mb, char *u, char *p, long t) {}
void mm_critical(MAILSTREAM *s) {}
void mm_nocritical(MAILSTREAM *s) {}
long mm_diskerror(MAILSTREAM *s, long e, long serious) { return 1; }
void mm_fatal(char *str) { printf("fatal: %s\n", str); }
