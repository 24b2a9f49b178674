/* Sessions on hostile input for c-tests/nolose/badinput.sh, built once
 * against the original's headers, the library chosen by LD_LIBRARY_PATH.
 *
 *   probe read BOX             read-only: every envelope, header, text
 *   probe write BOX            read-write: \Seen on all, checkpoint, close
 *   probe behind BOX NEWFILE   read-only open, fetch message 1, then replace
 *                              BOX's bytes with NEWFILE's (in place, as
 *                              another program would), ping, fetch all
 *   probe behindrw BOX NEWFILE the same read-write, then flag all and
 *                              checkpoint
 *   probe list REF PATTERN     mail_list
 *
 * Prints "open ok N" / "open failed", one line per message ("msg ID
 * HEADERLEN TEXTLEN HASH"), mm_list names, and mm_log/mm_notify lines as
 * "log LEVEL: text".  Exit 0 unless usage is wrong. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "c-client.h"

#define MM_OWN_LOG
#define MM_OWN_NOTIFY
#define MM_OWN_LIST
#define MM_OWN_DISKERROR
#include "../lib/mm_callbacks.h"

static const char *level (long e)
{
  return e == NIL ? "INFO" : e == PARSE ? "PARSE" : e == WARN ? "WARN" :
    e == ERROR ? "ERROR" : e == BYE ? "BYE" : "?";
}
void mm_log (char *s,long e) { printf ("log %s: %s\n",level (e),s); fflush (stdout); }
void mm_notify (MAILSTREAM *st,char *s,long e) { printf ("notify %s: %s\n",level (e),s); fflush (stdout); }
void mm_list (MAILSTREAM *st,int delim,char *name,long attr)
{
  /* marked/unmarked follow access times, which the runs change */
  printf ("list %s %lx\n",name,
	  (unsigned long) (attr & ~(LATT_MARKED | LATT_UNMARKED)));
}
long mm_diskerror (MAILSTREAM *st,long code,long serious)
{
  printf ("diskerror %ld\n",code);
  return T;
}

static unsigned long long fnv (const char *s,unsigned long n)
{
  unsigned long long h = 14695981039346656037ULL;
  while (n--) h = (h ^ (unsigned char) *s++) * 1099511628211ULL;
  return h;
}

static void fetch_all (MAILSTREAM *s)
{
  unsigned long i,hl,tl;
  for (i = 1; s && i <= s->nmsgs; i++) {
    ENVELOPE *env = mail_fetchenvelope (s,i);
    char *h = mail_fetch_header (s,i,NIL,NIL,&hl,FT_PEEK);
    char *t = mail_fetch_text (s,i,NIL,&tl,FT_PEEK);
    printf ("msg %s %lu %lu %016llx\n",(env && env->message_id) ?
	    env->message_id : "<none>",hl,tl,fnv (h,hl) ^ fnv (t,tl));
  }
}

static MAILSTREAM *open_box (char *box,long options)
{
  MAILSTREAM *s = mail_open (NIL,box,options);
  if (s) printf ("open ok %lu%s\n",s->nmsgs,s->rdonly ? " read-only" : "");
  else printf ("open failed\n");
  fflush (stdout);
  return s;
}

int main (int argc,char **argv)
{
  MAILSTREAM *s;
#include "linkage.c"
  /* a leftover lock is seized after this many minutes (default 5) */
  if (getenv ("PROBE_LOCKTIMEOUT"))
    mail_parameters (NIL,SET_LOCKTIMEOUT,(void *) atol (getenv ("PROBE_LOCKTIMEOUT")));
  if (argc == 3 && !strcmp (argv[1],"read")) {
    if ((s = open_box (argv[2],OP_READONLY))) {
      fetch_all (s);
      mail_close (s);
    }
  }
  else if (argc == 3 && !strcmp (argv[1],"write")) {
    if ((s = open_box (argv[2],NIL))) {
      mail_setflag (s,"1:*","\\Seen");
      mail_check (s);
      fetch_all (s);
      mail_close (s);
    }
  }
  else if (argc == 4 && (!strcmp (argv[1],"behind") ||
			 !strcmp (argv[1],"behindrw"))) {
    if ((s = open_box (argv[2],strcmp (argv[1],"behind") ? NIL : OP_READONLY))) {
      unsigned long len;
      char buf[65536];
      int in,out;
      ssize_t n;
      if (s->nmsgs) mail_fetch_message (s,1,&len,FT_PEEK);
      if ((in = open (argv[3],O_RDONLY)) < 0 ||
	  (out = open (argv[2],O_WRONLY|O_TRUNC)) < 0) {
	printf ("cannot replace the file\n");
	return 1;
      }
      while ((n = read (in,buf,sizeof buf)) > 0)
	if (write (out,buf,n) != n) return 1;
      close (in);
      close (out);
      printf ("replaced; ping %s\n",mail_ping (s) ? "ok" : "failed");
      fflush (stdout);
      if (s->nmsgs) printf ("after ping %lu messages\n",s->nmsgs);
      fetch_all (s);
      if (!s->rdonly && s->nmsgs) {	/* a session that goes on writing */
	mail_setflag (s,"1:*","\\Flagged");
	mail_check (s);
	printf ("checkpoint done\n");
      }
      mail_close (s);
    }
  }
  else if (argc == 4 && !strcmp (argv[1],"list")) {
    mail_list (NIL,argv[2],argv[3]);
    printf ("list done\n");
  }
  else {
    fprintf (stderr,"usage: probe read|write BOX | behind BOX NEWFILE | list REF PATTERN\n");
    return 64;
  }
  return 0;
}
