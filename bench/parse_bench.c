/* parse_bench: how fast c-client parses messages, and how much memory it
 * takes.  Same program style as c-tests/diff/dump.c; bench/run.sh runs it
 * once with the original library and once with ours (LD_LIBRARY_PATH).
 *
 * usage: parse_bench [-n ITERATIONS] [-f LISTFILE] FILE...
 *   LISTFILE names one input file per line
 * All messages are split and converted to CRLF first (untimed, the same
 * rules as the differential test: c-tests/diff/msgsplit.h); then every
 * message is parsed ITERATIONS times with rfc822_parse_msg_full and freed
 * with mail_free_envelope/mail_free_body.  Prints one RESULT line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include "c-client.h"
#include "../c-tests/diff/msgsplit.h"

#define MM_OWN_LOG
#define MM_OWN_NOTIFY
#define MM_OWN_FATAL
#include "../c-tests/lib/mm_callbacks.h"

static unsigned long nlogs;	/* parser warnings; counted, not printed */

void mm_log (char *string,long errflg) { nlogs++; }
void mm_notify (MAILSTREAM *stream,char *string,long errflg) { nlogs++; }
void mm_fatal (char *string) { fprintf (stderr,"FATAL: %s\n",string); }

typedef struct { char *hdr,*txt; size_t hlen,tlen; } prepared;

static long maxrss_kb (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF,&ru);
  return ru.ru_maxrss;
}

int main (int argc,char *argv[])
{
  unsigned long iters = 3,it,checksum = 0;
  size_t n = 0,cap = 0,i,bytes = 0;
  prepared *p = NIL;
  struct timespec t0,t1;
  long rss0;
  double secs;
  int a = 1;
  char **names = NIL,line[4096];
  size_t nnames = 0,k;
  for (; a + 1 < argc && argv[a][0] == '-'; a += 2) {
    if (!strcmp (argv[a],"-n")) iters = strtoul (argv[a+1],NIL,10);
    else if (!strcmp (argv[a],"-f")) {
      FILE *lf = fopen (argv[a+1],"r");
      if (!lf) { perror (argv[a+1]); return 2; }
      while (fgets (line,sizeof (line),lf)) {
	line[strcspn (line,"\n")] = '\0';
	if (!*line) continue;
	names = (char **) realloc (names,(nnames + 1) * sizeof (char *));
	names[nnames++] = strdup (line);
      }
      fclose (lf);
    }
    else { fprintf (stderr,"usage: parse_bench [-n N] [-f LIST] FILE...\n"); return 2; }
  }
  for (; a < argc; a++) {
    names = (char **) realloc (names,(nnames + 1) * sizeof (char *));
    names[nnames++] = strdup (argv[a]);
  }
  for (k = 0; k < nnames; k++) {
    msgfile f;
    size_t m;
    if (ms_load (&f,names[k])) { fprintf (stderr,"cannot read %s\n",names[k]); continue; }
    for (m = 0; m < f.nmsgs; m++) {
      if (n == cap && !(p = (prepared *) realloc (p,(cap = cap ? 2*cap : 1024) *
						   sizeof (prepared)))) return 2;
      ms_prepare (&f,m,&p[n].hdr,&p[n].hlen,&p[n].txt,&p[n].tlen);
      bytes += p[n].hlen + p[n].tlen;
      n++;
    }
    ms_free (&f);
  }
  {				/* forget the peak of loading (Linux) */
    FILE *cr = fopen ("/proc/self/clear_refs","w");
    if (cr) { fputs ("5",cr); fclose (cr); }
  }
  rss0 = maxrss_kb ();		/* the input alone */
  clock_gettime (CLOCK_MONOTONIC,&t0);
  for (it = 0; it < iters; it++) for (i = 0; i < n; i++) {
    ENVELOPE *env = NIL;
    BODY *body = NIL;
    STRING bs;
    INIT (&bs,mail_string,p[i].txt,p[i].tlen);
    rfc822_parse_msg_full (&env,&body,p[i].hdr,p[i].hlen,&bs,BADHOST,0,0);
    /* touch the result so the work cannot be skipped */
    if (env && env->subject) checksum += strlen (env->subject);
    if (body) checksum += body->type + body->size.bytes;
    mail_free_envelope (&env);
    mail_free_body (&body);
  }
  clock_gettime (CLOCK_MONOTONIC,&t1);
  secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf ("RESULT messages=%lu bytes=%lu iterations=%lu seconds=%.3f "
	  "msgs_per_s=%.0f mb_per_s=%.1f input_rss_kb=%ld maxrss_kb=%ld "
	  "logs=%lu checksum=%lu\n",(unsigned long) n,(unsigned long) bytes,
	  iters,secs,secs > 0 ? n * iters / secs : 0.0,
	  secs > 0 ? bytes * (double) iters / secs / 1e6 : 0.0,rss0,
	  maxrss_kb (),nlogs,checksum);
  for (i = 0; i < n; i++) { free (p[i].hdr); free (p[i].txt); }
  free (p);
  for (k = 0; k < nnames; k++) free (names[k]);
  free (names);
  return 0;
}
