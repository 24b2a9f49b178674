/* SMTP differential: built against the original's headers, run with both
 * libraries against the recording server in sink.py; the bytes on the
 * wire and every callback are compared.  smtp HOST:PORT[/flags] MODE
 * (MODE deliver, deliver-dsn: recipients that a real server accepts, for
 * the Postfix cases) */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "c-client.h"

void mm_log(char *s, long e) { if (strncmp(s, "Trying IP address", 17)) printf("log[%ld]: %s\n", e, s); }
void mm_dlog(char *s) { printf("dlog: %s\n", s); }
void mm_searched(MAILSTREAM *s, unsigned long n) {}
void mm_exists(MAILSTREAM *s, unsigned long n) {}
void mm_expunged(MAILSTREAM *s, unsigned long n) {}
void mm_flags(MAILSTREAM *s, unsigned long n) {}
void mm_notify(MAILSTREAM *s, char *t, long e) { printf("notify[%ld]: %s\n", e, t); }
void mm_list(MAILSTREAM *s, int d, char *n, long a) {}
void mm_lsub(MAILSTREAM *s, int d, char *n, long a) {}
void mm_status(MAILSTREAM *s, char *m, MAILSTATUS *st) {}
void mm_login(NETMBX *mb, char *u, char *pw, long t) {
  printf("login: host=%s user=%s trial=%ld\n", mb->host, mb->user, t);
  strcpy(u, "alice"); strcpy(pw, getenv("SMTP_PASSWORD") ? getenv("SMTP_PASSWORD") : "alicepw");
}
void mm_critical(MAILSTREAM *s) {}
void mm_nocritical(MAILSTREAM *s) {}
long mm_diskerror(MAILSTREAM *s, long e, long ser) { return 1; }
void mm_fatal(char *s) { printf("fatal: %s\n", s); }

static void adr(ADDRESS **a, const char *text) {
  char *t = cpystr(text);
  rfc822_parse_adrlist(a, t, "example.org");
  fs_give((void **) &t);
}

int main(int argc, char **argv) {
  char *hosts[2];
  SENDSTREAM *s;
  ENVELOPE *env;
  BODY *body;
  long opts = 0, r;
  char *mode;
  ADDRESS *a;
  if (argc < 3) return 2;
  hosts[0] = argv[1]; hosts[1] = NIL; mode = argv[2];
#include "linkage.c"
  mail_parameters(NIL, SET_READTIMEOUT, (void *) 5);
  /* Dovecot slows down every login after a failed one */
  if (getenv("SMTP_TIMEOUT")) mail_parameters(NIL, SET_READTIMEOUT, (void *) atol(getenv("SMTP_TIMEOUT")));
  /* SMTP_DISABLE_AUTH="CRAM-MD5 PLAIN": steer the choice of mechanism */
  if (getenv("SMTP_DISABLE_AUTH")) {
    char *names = cpystr(getenv("SMTP_DISABLE_AUTH")), *t;
    for (t = strtok(names, " "); t; t = strtok(NIL, " ")) mail_parameters(NIL, DISABLE_AUTHENTICATOR, t);
    fs_give((void **) &names);
  }
  if (getenv("SMTP_TRIALS")) mail_parameters(NIL, SET_MAXLOGINTRIALS, (void *) atol(getenv("SMTP_TRIALS")));
  if (!strcmp(mode, "dsn") || !strcmp(mode, "deliver-dsn"))
    opts = SOP_DSN | SOP_DSN_NOTIFY_FAILURE | SOP_DSN_NOTIFY_DELAY | SOP_8BITMIME;
  if (!strcmp(mode, "debug")) opts = SOP_DEBUG;
  s = smtp_open(hosts, opts);
  printf("open => %s\n", s ? "stream" : "NIL");
  if (!s) return 0;
  printf("host=%s\n", s->host);
  /* an envelope id (xtext) for MAIL's ENVID= */
  if (!strcmp(mode, "deliver-dsn")) s->protocol.esmtp.dsn.envid = cpystr("smtp-test+2B1");
  if (!strcmp(mode, "verbose")) { r = smtp_verbose(s); printf("verbose => %ld reply=%s\n", r, s->reply); }
  env = mail_newenvelope();
  body = mail_newbody();
  adr(&env->from, "Alice Example <alice@example.org>");
  adr(&env->return_path, "alice@example.org");
  adr(&env->to, "bob@example.org, Carol <carol@example.org>");
  if (!strcmp(mode, "many")) {	/* 250 recipients and a refused one */
    char list[250 * 24];
    int i;
    for (*list = '\0', i = 1; i <= 250; i++)
      sprintf(list + strlen(list), "%su%d@example.org", i > 1 ? ", " : "", i);
    mail_free_address(&env->to);
    adr(&env->to, list);
    adr(&env->cc, "reject@example.org");
  }
  else if (!strncmp(mode, "deliver", 7)) adr(&env->cc, "dave@example.org");
  else if (strcmp(mode, "norcpt")) adr(&env->cc, "reject@example.org");
  else { mail_free_address(&env->to); }
  if (!strcmp(mode, "deliver-dsn")) {	/* RCPT's ORCPT= */
    env->to->orcpt.type = cpystr("rfc822");
    env->to->orcpt.addr = cpystr("bob@example.org");
  }
  env->subject = cpystr("test message");
  env->date = (unsigned char *) cpystr("Mon, 7 Dec 2026 10:00:00 +0000");
  env->message_id = cpystr("<smtp-test@example.org>");
  body->type = TYPETEXT;
  body->contents.text.data = (unsigned char *) cpystr(".leading dot\r\nline two\r\n.\r\n..two dots\r\ncaf\303\251\r\n");
  body->contents.text.size = strlen((char *) body->contents.text.data);
  r = smtp_mail(s, "MAIL", env, body);
  printf("mail => %ld reply=%s\n", r, s->reply);
  for (a = env->to; a; a = a->next)
    if (a->error || strncmp(a->mailbox, "u", 1)) printf("to %s error=%s\n", a->mailbox, a->error ? a->error : "(nil)");
  for (a = env->cc; a; a = a->next) printf("cc %s error=%s\n", a->mailbox, a->error ? a->error : "(nil)");
  smtp_close(s);
  printf("closed\n");
  mail_free_envelope(&env);
  mail_free_body(&body);
  return 0;
}
