/* Callbacks every c-client program must define; these unit programs never
 * open a stream, so only mm_log matters: it prints what the library logs. */
#include <stdio.h>
#include "c-client.h"

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
  const unsigned char *s;
  printf ("LOG %ld ",errflg);
  for (s = (const unsigned char *) string; *s; s++) printf ("%02x",*s);
  printf ("\n");
}
void mm_dlog (char *string) {}
void mm_login (NETMBX *mb,char *user,char *pwd,long trial) {}
void mm_critical (MAILSTREAM *stream) {}
void mm_nocritical (MAILSTREAM *stream) {}
long mm_diskerror (MAILSTREAM *stream,long errcode,long serious) { return 1; }
void mm_fatal (char *string) {}
