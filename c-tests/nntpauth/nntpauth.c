/* The NNTP reading driver's authentication, compiled once against the
 * original's headers and run with either library (c-tests/nntpauth):
 *
 *   nntpauth MAILBOX PASSWORD     mail_open, the articles' subjects,
 *                                 mail_close; every callback printed
 *
 * mm_login answers user "alice" and PASSWORD (an empty one, which cancels,
 * from the third trial on). */
#include <stdio.h>
#include <string.h>
#include "c-client.h"

#define MM_OWN_LOG
#define MM_OWN_NOTIFY
#define MM_OWN_LOGIN
#include "../lib/mm_callbacks.h"

static char *password;
void mm_log (char *t,long e) { printf ("log %ld: %s\n",e,t); }
void mm_notify (MAILSTREAM *s,char *t,long e) { printf ("notify %ld: %s\n",e,t); }
void mm_login (NETMBX *mb,char *user,char *pwd,long trial)
{
  printf ("login asked: host=%s user=%s service=%s trial=%ld\n",mb->host,mb->user,
	  mb->service,trial);
  strcpy (user,"alice");
  strcpy (pwd,trial < 2 ? password : "");
}

int main (int argc,char *argv[])
{
  MAILSTREAM *s;
  unsigned long i;
  if (argc < 3) return 2;
  password = argv[2];
#include "linkage.c"
  if (!(s = mail_open (NIL,argv[1],NIL))) { printf ("open failed\n"); return 0; }
  printf ("opened %lu articles\n",s->nmsgs);
  for (i = 1; i <= s->nmsgs; i++) {
    ENVELOPE *e = mail_fetchenvelope (s,i);
    printf ("%lu: %s\n",i,(e && e->subject) ? e->subject : "(none)");
  }
  mail_close (s);
  printf ("closed\n");
  return 0;
}
