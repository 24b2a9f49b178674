/* IMAP client benchmark: built once against the original's headers, run
 * with each library.  Opens {127.0.0.1:PORT/imap/notls/user=alice}INBOX,
 * fetches every message's envelope and body structure, then every whole
 * message, and closes.  Prints one line per step:
 *   STEP name wall=SECONDS cpu=SECONDS rss=KB bytes=N
 * (cpu: this process's user+system time; rss: peak so far).
 *
 *   imap_bench PORT [open-only | LOOKAHEAD]
 * (LOOKAHEAD: the envelope lookahead to set, for experiments)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/resource.h>
#include "c-client.h"

static double wall_now (void)
{
  struct timeval tv;
  gettimeofday (&tv,NULL);
  return tv.tv_sec + tv.tv_usec / 1e6;
}

static double cpu_now (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF,&ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static long rss_kb (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF,&ru);
  return ru.ru_maxrss;
}

static double w0,c0;
static void step_begin (void) { w0 = wall_now (); c0 = cpu_now (); }
static void step_end (const char *name,unsigned long bytes)
{
  printf ("STEP %s wall=%.3f cpu=%.3f rss=%ld bytes=%lu\n",name,
	  wall_now () - w0,cpu_now () - c0,rss_kb (),bytes);
  fflush (stdout);
}

int main (int argc,char **argv)
{
  char name[256];
  MAILSTREAM *stream;
  unsigned long i,bytes = 0,len;
  if (argc < 2) { fprintf (stderr,"usage: imap_bench PORT [open-only]\n"); return 2; }
#include "linkage.c"
  mail_parameters (NIL,SET_MAXLOGINTRIALS,(void *) 1);
  if (argc > 2 && strcmp (argv[2],"open-only"))
    mail_parameters (NIL,SET_LOOKAHEAD,(void *) strtol (argv[2],NIL,10));
  snprintf (name,sizeof name,"{127.0.0.1:%s/imap/notls/user=alice}INBOX",argv[1]);
  step_begin ();
  if (!(stream = mail_open (NIL,name,NIL))) { printf ("open failed\n"); return 1; }
  step_end ("open",0);
  if (argc > 2 && !strcmp (argv[2],"open-only")) { mail_close (stream); return 0; }
  step_begin ();
  for (i = 1; i <= stream->nmsgs; i++) {
    BODY *body;
    ENVELOPE *env = mail_fetchstructure (stream,i,&body);
    if (!env || !body) { printf ("no structure for %lu\n",i); return 1; }
    if (env->subject) bytes += strlen (env->subject);
  }
  step_end ("envelopes",bytes);
  bytes = 0;
  step_begin ();
  for (i = 1; i <= stream->nmsgs; i++) {
    char *h = mail_fetchheader_full (stream,i,NIL,&len,FT_PEEK);
    bytes += len;
    mail_fetchtext_full (stream,i,&len,FT_PEEK);
    if (!h) { printf ("no message %lu\n",i); return 1; }
    bytes += len;
  }
  step_end ("messages",bytes);
  step_begin ();
  mail_close (stream);
  step_end ("close",0);
  printf ("nmsgs=%lu\n",i - 1);
  return 0;
}

void mm_searched (MAILSTREAM *stream,unsigned long number) {}
void mm_exists (MAILSTREAM *stream,unsigned long number) {}
void mm_expunged (MAILSTREAM *stream,unsigned long number) {}
void mm_flags (MAILSTREAM *stream,unsigned long number) {}
void mm_notify (MAILSTREAM *stream,char *string,long errflg) {}
void mm_list (MAILSTREAM *stream,int delimiter,char *mailbox,long attributes) {}
void mm_lsub (MAILSTREAM *stream,int delimiter,char *mailbox,long attributes) {}
void mm_status (MAILSTREAM *stream,char *mailbox,MAILSTATUS *status) {}
void mm_log (char *string,long errflg)
{
  if (errflg == ERROR) fprintf (stderr,"log: %s\n",string);
}
void mm_dlog (char *string) {}
void mm_login (NETMBX *mb,char *user,char *pwd,long trial)
{
  strcpy (user,"alice");
  strcpy (pwd,"alicepw");
}
void mm_critical (MAILSTREAM *stream) {}
void mm_nocritical (MAILSTREAM *stream) {}
long mm_diskerror (MAILSTREAM *stream,long errcode,long serious) { return NIL; }
void mm_fatal (char *string) { fprintf (stderr,"fatal: %s\n",string); }
