/* Network benchmark program (bench/net.sh): built once against the
 * original's headers, run with the original library and with ours.
 *
 *   net_bench pop3 MAILBOX USER PASS   fetch header and text of every message
 *   net_bench nntp MAILBOX             mail_fetch_overview of every article
 *   net_bench smtp HOST:PORT COUNT     COUNT messages over one SMTP session
 *
 * Prints one line: "RESULT items=N seconds=S cpu=C maxrss_kb=K sum=X"
 * (sum: a checksum of what was read, to see that both read the same). */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/resource.h>
#include "c-client.h"

static char *user = "", *pass = "";
static unsigned long sum, items;

void mm_log(char *s, long e) { if (e == ERROR) fprintf(stderr, "log[%ld]: %s\n", e, s); }
void mm_dlog(char *s) {}
void mm_searched(MAILSTREAM *s, unsigned long n) {}
void mm_exists(MAILSTREAM *s, unsigned long n) {}
void mm_expunged(MAILSTREAM *s, unsigned long n) {}
void mm_flags(MAILSTREAM *s, unsigned long n) {}
void mm_notify(MAILSTREAM *s, char *t, long e) {}
void mm_list(MAILSTREAM *s, int d, char *n, long a) {}
void mm_lsub(MAILSTREAM *s, int d, char *n, long a) {}
void mm_status(MAILSTREAM *s, char *m, MAILSTATUS *st) {}
void mm_login(NETMBX *mb, char *u, char *pw, long t) { strcpy(u, user); strcpy(pw, pass); }
void mm_critical(MAILSTREAM *s) {}
void mm_nocritical(MAILSTREAM *s) {}
long mm_diskerror(MAILSTREAM *s, long e, long ser) { return 1; }
void mm_fatal(char *s) { fprintf(stderr, "fatal: %s\n", s); }

static double now(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return tv.tv_sec + tv.tv_usec / 1e6;
}
static double cpu(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}
static void add(const char *t, unsigned long n) {
  unsigned long i;
  for (i = 0; i < n; i++) sum = sum * 31 + (unsigned char) t[i];
}
static void ov(MAILSTREAM *s, unsigned long uid, OVERVIEW *o, unsigned long msgno) {
  items++;
  if (o->subject) add(o->subject, strlen(o->subject));
  if (o->message_id) add(o->message_id, strlen(o->message_id));
  sum += o->optional.octets + o->optional.lines;
}
static void adr(ADDRESS **a, const char *text) {
  char *t = cpystr(text);
  rfc822_parse_adrlist(a, t, "example.org");
  fs_give((void **) &t);
}

int main(int argc, char **argv) {
  double t0, c0;
  struct rusage ru;
  if (argc < 3) return 2;
#include "linkage.c"
  mail_parameters(NIL, SET_READTIMEOUT, (void *) 30);
  t0 = now(); c0 = cpu();
  if (!strcmp(argv[1], "pop3") || !strcmp(argv[1], "nntp")) {
    MAILSTREAM *s;
    unsigned long i, n;
    if (argc > 4) { user = argv[3]; pass = argv[4]; }
    s = mail_open(NIL, argv[2], NIL);
    if (!s) { printf("RESULT open failed\n"); return 1; }
    if (!strcmp(argv[1], "pop3")) {
      for (i = 1; i <= s->nmsgs; i++) {
        char *t = mail_fetchheader_full(s, i, NIL, &n, FT_PEEK);
        add(t, n);
        t = mail_fetchtext_full(s, i, &n, FT_PEEK);
        add(t, n);
        items++;
      }
    } else {
      mail_fetch_overview(s, "1:*", ov);
    }
    mail_close(s);
  } else if (!strcmp(argv[1], "smtp") && argc > 3) {
    char *hosts[2] = { argv[2], NIL };
    long count = atol(argv[3]), k;
    SENDSTREAM *s = smtp_open(hosts, NIL);
    if (!s) { printf("RESULT open failed\n"); return 1; }
    for (k = 0; k < count; k++) {
      ENVELOPE *env = mail_newenvelope();
      BODY *body = mail_newbody();
      char text[2048], subj[64];
      long j;
      adr(&env->from, "Alice Example <alice@example.org>");
      adr(&env->return_path, "alice@example.org");
      adr(&env->to, "bob@example.org, Carol <carol@example.org>");
      adr(&env->cc, "dave@example.org");
      sprintf(subj, "bench message %ld", k);
      env->subject = cpystr(subj);
      env->date = (unsigned char *) cpystr("Mon, 7 Dec 2026 10:00:00 +0000");
      env->message_id = cpystr("<bench@example.org>");
      body->type = TYPETEXT;
      text[0] = 0;
      for (j = 0; j < 20; j++)
        sprintf(text + strlen(text), "Line %ld of message %ld, some words to fill it up a bit.\r\n", j, k);
      body->contents.text.data = (unsigned char *) cpystr(text);
      body->contents.text.size = strlen(text);
      if (smtp_mail(s, "MAIL", env, body)) items++;
      else fprintf(stderr, "mail %ld: %s\n", k, s->reply);
      mail_free_envelope(&env);
      mail_free_body(&body);
    }
    smtp_close(s);
  } else return 2;
  getrusage(RUSAGE_SELF, &ru);
  printf("RESULT items=%lu seconds=%.3f cpu=%.3f maxrss_kb=%ld sum=%lx\n", items, now() - t0, cpu() - c0,
         ru.ru_maxrss, sum);
  return 0;
}
