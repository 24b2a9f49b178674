/* A c-client program as the client of the reference servers: opens each
 * mailbox named on the command line (user and password from OPS_USER and
 * OPS_PASS through mm_login), prints the message count and the first
 * message's subject and, when it may write, flags message 1 and reads the
 * flag back. Built against the original headers and run on either
 * library; the output must not depend on which. With --localhost it
 * prints mylocalhost () instead (the FAQ's fully qualified host name). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"

int main (int argc,char *argv[])
{
  int i;
#include "linkage.c"
  if (argc > 1 && !strcmp (argv[1],"--localhost")) {
    printf ("%s\n",mylocalhost ());
    return 0;
  }
  mail_parameters (NIL,SET_MAXLOGINTRIALS,(void *) 1);
  for (i = 1; i < argc; i++) {
    MAILSTREAM *s = mail_open (NIL,argv[i],NIL);
    ENVELOPE *env;
    if (!s) { printf ("%s: open failed\n",argv[i]); continue; }
    printf ("%s: %lu messages\n",argv[i],s->nmsgs);
    if (s->nmsgs && (env = mail_fetchenvelope (s,1)))
      printf ("%s: subject %s\n",argv[i],env->subject ? env->subject : "(none)");
    if (s->nmsgs && !s->rdonly && strstr (argv[i],"/imap")) {
      mail_setflag (s,"1","\\Flagged");
      mail_fetchflags (s,"1");
      printf ("%s: flagged %d\n",argv[i],mail_elt (s,1)->flagged);
      mail_clearflag (s,"1","\\Flagged");
    }
    mail_close (s);
  }
  return 0;
}

void mm_login (NETMBX *mb,char *user,char *pwd,long trial)
{
  (void) mb; (void) trial;
  strncpy (user,getenv ("OPS_USER") ? getenv ("OPS_USER") : "",NETMAXUSER - 1);
  strncpy (pwd,getenv ("OPS_PASS") ? getenv ("OPS_PASS") : "",MAILTMPLEN - 1);
}
void mm_searched (MAILSTREAM *s,unsigned long n) { (void) s; (void) n; }
void mm_exists (MAILSTREAM *s,unsigned long n) { (void) s; (void) n; }
void mm_expunged (MAILSTREAM *s,unsigned long n) { (void) s; (void) n; }
void mm_flags (MAILSTREAM *s,unsigned long n) { (void) s; (void) n; }
void mm_notify (MAILSTREAM *s,char *t,long e) { (void) s; (void) t; (void) e; }
void mm_list (MAILSTREAM *s,int d,char *n,long a) { (void) s; (void) d; (void) n; (void) a; }
void mm_lsub (MAILSTREAM *s,int d,char *n,long a) { (void) s; (void) d; (void) n; (void) a; }
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st) { (void) s; (void) m; (void) st; }
void mm_log (char *t,long e) { if (e == ERROR) fprintf (stderr,"log: %s\n",t); }
void mm_dlog (char *t) { (void) t; }
void mm_critical (MAILSTREAM *s) { (void) s; }
void mm_nocritical (MAILSTREAM *s) { (void) s; }
long mm_diskerror (MAILSTREAM *s,long c,long serious) { (void) s; (void) c; (void) serious; return T; }
void mm_fatal (char *t) { fprintf (stderr,"fatal: %s\n",t); }
