/* Sample: open an IMAP server half-open, report what it supports, append
 * a message built in memory through a STRING, and search for it. */
#include <stdio.h>
#include <string.h>
#include "c-client.h"
#include "imap4r1.h"

#include "callbacks.h"

static const char message[] =
  "From: Sample <sample@example.org>\r\n"
  "To: someone@example.org\r\n"
  "Subject: compile sample\r\n"
  "\r\n"
  "Hello.\r\n";

static unsigned long count_lines (STRING *bs)
{
  unsigned long lines = 0;
  SETPOS (bs,0);
  while (SIZE (bs)) if (SNX (bs) == '\n') lines++;
  SETPOS (bs,0);
  return lines;
}

int main (int argc,char *argv[])
{
  MAILSTREAM *stream;
  STRING msg;
  char *host = argc > 1 ? argv[1] : "{127.0.0.1/imap/notls}INBOX";
  long timeout;
#include "linkage.c"
  timeout = (long) mail_parameters (NIL,GET_OPENTIMEOUT,NIL);
  mail_parameters (NIL,SET_READTIMEOUT,(void *) (timeout ? timeout : 15));
  mail_parameters (NIL,SET_RSHTIMEOUT,(void *) 0);
  if (!(stream = mail_open (NIL,host,OP_HALFOPEN))) return 1;
  if (!strcmp (stream->dtb->name,"imap")) {
    printf ("IMAP4rev1: %s\n",LEVELIMAP4rev1 (stream) ? "yes" : "no");
    printf ("SORT: %s, THREAD: %s\n",LEVELSORT (stream) ? "yes" : "no",
	    LEVELTHREAD (stream) ? "yes" : "no");
    printf ("host: %s\n",imap_host (stream));
  }
  INIT (&msg,mail_string,(void *) message,sizeof (message) - 1);
  printf ("%lu octets, %lu lines\n",SIZE (&msg),count_lines (&msg));
  if (mail_append (stream,host,&msg)) {
    SEARCHPGM *pgm = mail_newsearchpgm ();
    pgm->subject = mail_newstringlist ();
    pgm->subject->text.data = (unsigned char *) cpystr ("compile sample");
    pgm->subject->text.size = strlen ((char *) pgm->subject->text.data);
    stream = mail_open (stream,host,NIL);
    if (stream && mail_search_full (stream,NIL,pgm,SE_FREE | SE_UID))
      printf ("searched\n");
  }
  if (stream) mail_close_full (stream,NIL);
  return 0;
}
