/* POP3 differential: built against the original's headers, run with the
 * original library and with ours; every callback and answer is printed.
 *
 *   pop3 MAILBOX USER PASSWORD MODE [DEBUG]
 *
 * MODE: read (envelopes, headers, texts, structure, UIDs), delete (mark
 * message 1 deleted, expunge, then close with CL_EXPUNGE after marking
 * the last), status (mail_status without an open stream), list, fast
 * (mail_fetch_fast), userpass (authenticators disabled: USER/PASS),
 * noop (ping and check), hostile (open, fetch everything, close; for the
 * scripted servers). */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "c-client.h"

static char *user, *pass;
static int debug;
static long trials;

void mm_log(char *s, long e) {
  if (!strncmp(s, "Trying IP address", 17)) return;
  printf("log[%ld]: %s\n", e, s);
}
void mm_dlog(char *s) { if (debug) printf("dlog: %s\n", s); }
void mm_searched(MAILSTREAM *s, unsigned long n) {}
void mm_exists(MAILSTREAM *s, unsigned long n) { printf("exists: %lu\n", n); }
void mm_expunged(MAILSTREAM *s, unsigned long n) { printf("expunged: %lu\n", n); }
void mm_flags(MAILSTREAM *s, unsigned long n) { printf("flags: %lu\n", n); }
void mm_notify(MAILSTREAM *s, char *t, long e) { printf("notify[%ld]: %s\n", e, t); }
void mm_list(MAILSTREAM *s, int d, char *n, long a) { printf("list: %d %s %ld\n", d, n, a); }
void mm_lsub(MAILSTREAM *s, int d, char *n, long a) { printf("lsub: %d %s %ld\n", d, n, a); }
void mm_status(MAILSTREAM *s, char *m, MAILSTATUS *st) {
  printf("status: %s flags=%ld messages=%lu recent=%lu unseen=%lu uidnext=%lu\n", m,
         st->flags, st->messages, st->recent, st->unseen, st->uidnext);
}
void mm_login(NETMBX *mb, char *u, char *pw, long t) {
  printf("login: host=%s user=%s service=%s port=%lu trial=%ld ssl=%d tls=%d notls=%d\n",
         mb->host, mb->user, mb->service, mb->port, t, mb->sslflag, mb->tlsflag, mb->notlsflag);
  trials++;
  strcpy(u, user);
  strcpy(pw, pass);
}
void mm_critical(MAILSTREAM *s) {}
void mm_nocritical(MAILSTREAM *s) {}
long mm_diskerror(MAILSTREAM *s, long e, long ser) { return 1; }
void mm_fatal(char *s) { printf("fatal: %s\n", s); }

static void addr(const char *tag, ADDRESS *a) {
  printf("  %s:", tag);
  for (; a; a = a->next)
    printf(" [%s|%s|%s|%s]", a->personal ? a->personal : "", a->adl ? a->adl : "",
           a->mailbox ? a->mailbox : "", a->host ? a->host : "");
  printf("\n");
}

static void body(BODY *b, int depth) {
  PART *p;
  printf("  %*sbody type=%d subtype=%s encoding=%d lines=%lu bytes=%lu\n", depth * 2, "",
         b->type, b->subtype ? b->subtype : "", b->encoding, b->size.lines, b->size.bytes);
  if (b->type == TYPEMULTIPART)
    for (p = b->nested.part; p; p = p->next) body(&p->body, depth + 1);
}

static void dump(const char *tag, char *t, unsigned long n) {
  unsigned long i;
  printf("  %s (%lu):\n", tag, n);
  for (i = 0; i < n; i++) putchar(t[i]);
  printf("\n  --\n");
}

static void readall(MAILSTREAM *s) {
  unsigned long i, n;
  char *t;
  for (i = 1; i <= s->nmsgs; i++) {
    BODY *b;
    ENVELOPE *e = mail_fetchstructure(s, i, &b);
    MESSAGECACHE *elt = mail_elt(s, i);
    printf("msg %lu uid=%lu size=%lu\n", i, mail_uid(s, i), elt->rfc822_size);
    if (e) {
      printf("  subject: %s\n  date: %s\n  message-id: %s\n", e->subject ? e->subject : "(nil)",
             e->date ? (char *) e->date : "(nil)", e->message_id ? e->message_id : "(nil)");
      addr("from", e->from);
      addr("to", e->to);
    }
    if (b) body(b, 0);
    t = mail_fetchheader(s, i);
    dump("header", t, strlen(t));
    t = mail_fetchtext_full(s, i, &n, FT_PEEK);
    dump("text", t, n);
    t = mail_fetchbody_full(s, i, "1", &n, FT_PEEK);
    dump("part 1", t ? t : "", t ? n : 0);
    printf("  seen=%d\n", elt->seen);
    t = mail_fetchtext(s, i);
    printf("  seen after text=%d\n", elt->seen);
    printf("  msgno(uid %lu)=%lu\n", mail_uid(s, i), mail_msgno(s, mail_uid(s, i)));
  }
}

int main(int argc, char **argv) {
  MAILSTREAM *s;
  char *mode;
  if (argc < 5) return 2;
  user = argv[2];
  pass = argv[3];
  mode = argv[4];
  debug = argc > 5 && !strcmp(argv[5], "debug");
#include "linkage.c"
  mail_parameters(NIL, SET_READTIMEOUT, (void *) 3);
  mail_parameters(NIL, SET_OPENTIMEOUT, (void *) 5);
  mail_parameters(NIL, SET_MAXLOGINTRIALS, (void *) 2);
  /* Dovecot slows down every login after a failed one */
  if (getenv("POP3_TIMEOUT")) mail_parameters(NIL, SET_READTIMEOUT, (void *) atol(getenv("POP3_TIMEOUT")));
  if (getenv("POP3_TRIALS")) mail_parameters(NIL, SET_MAXLOGINTRIALS, (void *) atol(getenv("POP3_TRIALS")));
  if (!strcmp(mode, "userpass") || !strcmp(mode, "delete")) {
    mail_parameters(NIL, DISABLE_AUTHENTICATOR, "CRAM-MD5");
    mail_parameters(NIL, DISABLE_AUTHENTICATOR, "PLAIN");
    mail_parameters(NIL, DISABLE_AUTHENTICATOR, "LOGIN");
  }
  if (!strcmp(mode, "status")) {
    printf("status => %ld\n", mail_status(NIL, argv[1], SA_MESSAGES | SA_RECENT | SA_UNSEEN | SA_UIDNEXT));
    return 0;
  }
  if (!strcmp(mode, "list")) {
    mail_list(NIL, "", argv[1]);
    mail_list(NIL, argv[1], "*");
    mail_list(NIL, argv[1], "INBOX");
    mail_scan(NIL, argv[1], "*", "x");
    printf("valid other => %d\n", mail_valid(NIL, "{127.0.0.1/pop3}Other", NIL) != NIL);
    printf("valid inbox => %d\n", mail_valid(NIL, "{127.0.0.1/pop3}inbox", NIL) != NIL);
    printf("create => %ld\n", mail_create(NIL, argv[1]));
    return 0;
  }
  s = mail_open(NIL, argv[1], debug ? OP_DEBUG : NIL);
  printf("open => %s\n", s ? "stream" : "NIL");
  if (!s) return 0;
  printf("mailbox: %s\nnmsgs=%lu recent=%lu uid_last=%lu perm_deleted=%d inbox=%d\n", s->mailbox,
         s->nmsgs, s->recent, s->uid_last, s->perm_deleted, s->inbox);
  if (!strcmp(mode, "read") || !strcmp(mode, "userpass") || !strcmp(mode, "hostile")) readall(s);
  if (!strcmp(mode, "fast")) {
    unsigned long i;
    mail_fetch_fast(s, "1:*", NIL);
    for (i = 1; i <= s->nmsgs; i++) {
      MESSAGECACHE *elt = mail_elt(s, i);
      printf("msg %lu size=%lu date=%d-%d-%d %d:%d:%d\n", i, elt->rfc822_size, elt->year + BASEYEAR,
             elt->month, elt->day, elt->hours, elt->minutes, elt->seconds);
    }
    printf("status => %ld\n", mail_status(s, s->mailbox, SA_MESSAGES | SA_UNSEEN));
  }
  if (!strcmp(mode, "noop")) {
    printf("ping => %ld\n", mail_ping(s));
    mail_check(s);
    printf("copy => %ld\n", mail_copy(s, "1", "INBOX"));
  }
  if (!strcmp(mode, "delete")) {
    char seq[32];
    mail_setflag(s, "1", "\\Deleted");
    mail_expunge(s);
    printf("after expunge nmsgs=%lu uid(1)=%lu\n", s->nmsgs, s->nmsgs ? mail_uid(s, 1) : 0);
    sprintf(seq, "%lu", s->nmsgs);
    mail_setflag(s, seq, "\\Deleted");
    mail_close_full(s, CL_EXPUNGE);
    printf("closed\n");
    return 0;
  }
  mail_close(s);
  printf("closed\n");
  return 0;
}
