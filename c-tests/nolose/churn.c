/* churn BOX STOPFILE: the mailbox user of c-tests/nolose/concurrent.sh.
 * Until STOPFILE exists, and then until two more rounds had the mailbox
 * read-write (at most 500 rounds more: under load the deliverers may have
 * kept it busy all along, and a message must be seen once as not new
 * before it is marked): open BOX read-write, set
 * \Seen on every message, mark \Deleted the messages that are not new
 * (not recent) and whose Message-ID contains ".x@", checkpoint, expunge,
 * close.  Prints "EXPUNGE <id>" for each message it marks (before the
 * expunge, so the list may hold more than went), "ROUND n messages m" a
 * round, and mm_log errors as "log: text". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "c-client.h"

#define MM_OWN_LOG
#include "../lib/mm_callbacks.h"

void mm_log (char *string,long errflg)
{
  if (errflg == ERROR || errflg == WARN) { printf ("log: %s\n",string); fflush (stdout); }
}

int main (int argc,char **argv)
{
  unsigned long round = 0,i;
  int last = 0,after = 0,done_after = 0;
  char seq[32];
#include "linkage.c"
  if (argc != 3) { fprintf (stderr,"usage: churn BOX STOPFILE\n"); return 64; }
  while (!last) {
    MAILSTREAM *s;
    struct timespec pause = { 0, 20000000 };
    int stopping = !access (argv[2],F_OK);
    round++;
    if (stopping) after++;
    if ((s = mail_open (NIL,argv[1],NIL)) && !s->rdonly) {
      if (stopping) done_after++;
      if (s->nmsgs) mail_setflag (s,"1:*","\\Seen");
      for (i = 1; i <= s->nmsgs; i++) {
	MESSAGECACHE *elt = mail_elt (s,i);
	ENVELOPE *env = mail_fetchenvelope (s,i);
	if (!elt->recent && env && env->message_id &&
	    strstr (env->message_id,".x@")) {
	  printf ("EXPUNGE %s\n",env->message_id);
	  sprintf (seq,"%lu",i);
	  mail_setflag (s,seq,"\\Deleted");
	}
      }
      fflush (stdout);
      mail_check (s);
      mail_expunge (s);
      printf ("ROUND %lu messages %lu\n",round,s->nmsgs);
      fflush (stdout);
    }
    else printf ("ROUND %lu open failed%s\n",round,s ? " (read-only)" : "");
    if (s) mail_close (s);
    last = done_after >= 2 || after > 500;
    nanosleep (&pause,NIL);
  }
  return 0;
}
