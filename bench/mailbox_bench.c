/* Mailbox benchmark: one run of every step on a local mailbox, with the
 * library chosen by LD_LIBRARY_PATH (built once against the original's
 * headers).  Used by bench/mailbox.sh.
 *
 *   mailbox_bench BOX COPYDEST
 *
 * Steps, each timed with clock_gettime:
 *   open      mail_open read-write
 *   fetch     mail_fetchstructure, header and text (peek) of every message
 *   flag      \Flagged on every message, then mail_check (a rewrite)
 *   expunge   \Deleted on every tenth message, then mail_expunge
 *   copy      every message to COPYDEST (created first, untimed)
 * For each: "STEP name messages=N seconds=S maxrss_kb=K cpu=C" (peak RSS
 * so far; C is user + system CPU seconds of the step).
 * Before and after each step a write(2) to an invalid descriptor marks the
 * step in an strace log: "MARK+name" / "MARK-name".  A last line
 * "CHECKSUM x" hashes what was fetched, so two libraries can be compared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include "c-client.h"

#define MM_OWN_LOG
#include "../c-tests/lib/mm_callbacks.h"

void mm_log (char *string,long errflg)
{
  if (errflg == ERROR || errflg == WARN) fprintf (stderr,"mm_log: %s\n",string);
}

static const int marker_fd = 987654;	/* never open: write fails EBADF */
static struct timespec t0;
static double cpu0;
static const char *current;

static double cpu_now (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF,&ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void begin (const char *name)
{
  char m[64];
  current = name;
  snprintf (m,sizeof m,"MARK+%s",name);
  if (write (marker_fd,m,strlen (m)) < 0) {}
  cpu0 = cpu_now ();
  clock_gettime (CLOCK_MONOTONIC,&t0);
}

static void end (unsigned long messages)
{
  struct timespec t1;
  struct rusage ru;
  char m[64];
  double cpu;
  clock_gettime (CLOCK_MONOTONIC,&t1);
  cpu = cpu_now () - cpu0;
  snprintf (m,sizeof m,"MARK-%s",current);
  if (write (marker_fd,m,strlen (m)) < 0) {}
  getrusage (RUSAGE_SELF,&ru);
  printf ("STEP %s messages=%lu seconds=%.4f maxrss_kb=%ld cpu=%.4f\n",current,
	  messages,(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	  ru.ru_maxrss,cpu);
  fflush (stdout);
}

static unsigned long long fnv (unsigned long long h,const char *s,
			       unsigned long n)
{
  while (n--) h = (h ^ (unsigned char) *s++) * 1099511628211ULL;
  return h;
}

int main (int argc,char **argv)
{
  MAILSTREAM *s;
  unsigned long i,n,len;
  unsigned long long sum = 14695981039346656037ULL;
  char seq[32];
#include "linkage.c"
  if (argc != 3) {
    fprintf (stderr,"usage: mailbox_bench BOX COPYDEST\n");
    return 64;
  }
  begin ("open");
  s = mail_open (NIL,argv[1],NIL);
  if (!s || s->rdonly) {
    printf ("FAILED open\n");
    return 1;
  }
  n = s->nmsgs;
  end (n);

  begin ("fetch");
  for (i = 1; i <= n; i++) {
    BODY *body;
    ENVELOPE *env = mail_fetchstructure (s,i,&body);
    char *h = mail_fetch_header (s,i,NIL,NIL,&len,FT_PEEK);
    sum = fnv (sum,h,len);
    h = mail_fetch_text (s,i,NIL,&len,FT_PEEK);
    sum = fnv (sum,h,len);
    if (env && env->subject) sum = fnv (sum,env->subject,strlen (env->subject));
    if (body) sum = fnv (sum,(char *) &body->type,1);
  }
  end (n);

  begin ("flag");
  mail_setflag (s,"1:*","\\Flagged");
  mail_check (s);
  end (n);

  begin ("expunge");
  for (i = 1; i <= s->nmsgs; i += 10) {
    sprintf (seq,"%lu",i);
    mail_setflag (s,seq,"\\Deleted");
  }
  mail_expunge (s);
  end (n);
  if (s->nmsgs != n - (n + 9) / 10) printf ("FAILED expunge left %lu\n",s->nmsgs);

  mail_create (NIL,argv[2]);
  begin ("copy");
  if (!mail_copy (s,"1:*",argv[2])) printf ("FAILED copy\n");
  end (s->nmsgs);
  sum = fnv (sum,(char *) &s->nmsgs,sizeof s->nmsgs);
  mail_close (s);
  printf ("CHECKSUM %016llx\n",sum);
  return 0;
}
