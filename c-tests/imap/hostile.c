/* Client for the hostile server (hostile.py): compiled against the
 * ORIGINAL headers, run with our library. For the scenario named in
 * argv[2] it opens the mailbox, fetches the structure, a header and the
 * flags, pings and closes, printing every callback; the suite checks that
 * an error came through mm_log/mm_notify, that the run ended ("done") and
 * that it did so before the timeouts.
 *
 *   hostile PORT SCENARIO [NAME]   (NAME: a whole mailbox name instead)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"

#define MM_OWN_NOTIFY
#define MM_OWN_LOG
#define MM_OWN_LOGIN
#include "../lib/mm_callbacks.h"

void mm_notify (MAILSTREAM *s,char *t,long e) { printf ("  mm_notify %ld %.200s\n",e,t); fflush (stdout); }
void mm_log (char *t,long e) { printf ("  mm_log %ld %.200s\n",e,t); fflush (stdout); }
void mm_login (NETMBX *mb,char *user,char *pwd,long trial)
{
  strcpy (user,"alice");
  strcpy (pwd,"alicepw");
}

static long tmo (long overall,long last)
{
  printf ("  timeout callback\n");
  return NIL;			/* give up */
}

int main (int argc,char **argv)
{
  char name[512];
  MAILSTREAM *stream;
  BODY *body = NIL;
  ENVELOPE *env;
  unsigned long len;
#include "linkage.c"
  if (argc < 3) return 2;
  mail_parameters (NIL,SET_OPENTIMEOUT,(void *) 3);
  mail_parameters (NIL,SET_READTIMEOUT,(void *) 3);
  mail_parameters (NIL,SET_WRITETIMEOUT,(void *) 3);
  mail_parameters (NIL,SET_TIMEOUT,(void *) tmo);
  if (argc > 3) strcpy (name,argv[3]);
  else sprintf (name,"{127.0.0.1:%s/imap/notls/user=alice}%s",argv[1],argv[2]);
  printf ("== %s\n",argv[2]);
  stream = mail_open (NIL,name,NIL);
  printf ("open %s\n",stream ? "ok" : "failed");
  if (stream) {
    printf ("nmsgs %lu\n",stream->nmsgs);
    if (stream->nmsgs) {
      env = mail_fetchstructure (stream,1,&body);
      printf ("envelope %s subject %s body %s\n",env ? "yes" : "no",
	      env && env->subject ? env->subject : "NIL",body ? "yes" : "no");
      mail_fetchheader_full (stream,1,NIL,&len,NIL);
      printf ("header %lu\n",len);
      mail_fetch_flags (stream,"1",NIL);
    }
    printf ("ping %ld\n",mail_ping (stream));
    mail_close (stream);
  }
  printf ("done\n");
  return 0;
}
