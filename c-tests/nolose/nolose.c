/* Writer and checker for the no-lose suites (c-tests/nolose/).
 *
 * Built once against the original's headers; the library it runs with is
 * chosen by LD_LIBRARY_PATH.  Mailbox names are relative to $HOME.
 *
 *   nolose sums BOX            one line per message: "ID EXACT TRIMMED"
 *                              (Message-ID, hash of header+text, hash with
 *                              trailing NULs/newlines/CRs dropped), read-only
 *   nolose touch BOX           open read-write, checkpoint, close
 *   nolose append BOX SRC      load SRC, then append all of it to BOX at once
 *   nolose flags BOX           four flags on every message, then checkpoint
 *   nolose keywords BOX        a long keyword on every message, checkpoint
 *   nolose expunge BOX         delete messages 1, 11, 21, ..., then expunge
 *   nolose copy SRC DST        copy every message of SRC to DST
 *   nolose rename OLD NEW      rename the mailbox
 *   nolose hold BOX            open read-only, print READY, stay open
 *                              until killed (another session on BOX)
 *
 * Writers print "READY" once everything before the operation is done,
 * "DONE <microseconds>" when the operation returned, then close.  The exit
 * status is 0 when the operation succeeded, 1 when it failed, 2 when the
 * mailbox could not be opened.  mm_log/mm_notify text goes to stderr, and
 * mm_diskerror is answered T (give up) after being reported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "c-client.h"

#define MM_OWN_LOG
#define MM_OWN_NOTIFY
#define MM_OWN_DISKERROR
#include "../lib/mm_callbacks.h"

static const char *level_name (long errflg)
{
  switch (errflg) {
  case NIL: return "INFO";
  case PARSE: return "PARSE";
  case WARN: return "WARN";
  case ERROR: return "ERROR";
  case BYE: return "BYE";
  default: return "LOG";
  }
}

void mm_log (char *string,long errflg)
{
  fprintf (stderr,"mm_log %s: %s\n",level_name (errflg),string);
}

void mm_notify (MAILSTREAM *stream,char *string,long errflg)
{
  fprintf (stderr,"mm_notify %s: %s\n",level_name (errflg),string);
}

long mm_diskerror (MAILSTREAM *stream,long errcode,long serious)
{
  fprintf (stderr,"mm_diskerror: errno %ld (%s), serious %ld\n",errcode,
	   strerror ((int) errcode),serious);
  return T;
}

static unsigned long long fnv (unsigned long long h,const unsigned char *s,
			       unsigned long n)
{
  while (n--) h = (h ^ *s++) * 1099511628211ULL;
  return h;
}

static double now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC,&ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static MAILSTREAM *open_box (char *name,long options)
{
  MAILSTREAM *s = mail_open (NIL,name,options);
  if (!s) {
    fprintf (stderr,"open %s failed\n",name);
    exit (2);
  }
  return s;
}

static int sums (char *box)
{
  MAILSTREAM *s = open_box (box,OP_READONLY);
  unsigned long i,hl,tl;
  for (i = 1; i <= s->nmsgs; i++) {
    ENVELOPE *env = mail_fetchenvelope (s,i);
    char *h = mail_fetch_header (s,i,NIL,NIL,&hl,FT_PEEK);
    unsigned long long exact = fnv (14695981039346656037ULL,
				    (unsigned char *) h,hl);
    char *t = mail_fetch_text (s,i,NIL,&tl,FT_PEEK);
    unsigned long trimmed = tl;
    unsigned long long trim;
    exact = fnv (exact,(unsigned char *) t,tl);
    /* a killed rewrite may leave its NUL pre-extension after the last
       message: the trimmed hash tells padding from other damage */
    while (trimmed && (!t[trimmed - 1] || t[trimmed - 1] == '\n' ||
		       t[trimmed - 1] == '\r')) trimmed--;
    trim = fnv (fnv (14695981039346656037ULL,(unsigned char *) h,hl),
		(unsigned char *) t,trimmed);
    printf ("%s %016llx %016llx\n",
	    (env && env->message_id) ? env->message_id : "<none>",exact,trim);
  }
  mail_close (s);
  return 0;
}

/* messages to append, loaded before READY */
typedef struct {
  char **text;
  unsigned long *len;
  unsigned long n,next;
  STRING st;
} batch;

static long next_message (MAILSTREAM *stream,void *data,char **flags,
			  char **date,STRING **message)
{
  batch *b = (batch *) data;
  *flags = NIL;
  *date = NIL;
  if (b->next >= b->n) *message = NIL;
  else {
    INIT (&b->st,mail_string,b->text[b->next],b->len[b->next]);
    b->next++;
    *message = &b->st;
  }
  return LONGT;
}

static int append (char *box,char *src)
{
  MAILSTREAM *s = open_box (src,OP_READONLY);
  batch b;
  unsigned long i,len;
  double t0;
  long ok;
  memset (&b,0,sizeof b);
  b.n = s->nmsgs;
  b.text = (char **) calloc (b.n + 1,sizeof (char *));
  b.len = (unsigned long *) calloc (b.n + 1,sizeof (unsigned long));
  for (i = 1; i <= s->nmsgs; i++) {
    char *m = mail_fetch_message (s,i,&len,FT_PEEK);
    b.text[i - 1] = (char *) malloc (len + 1);
    memcpy (b.text[i - 1],m,len);
    b.len[i - 1] = len;
  }
  mail_close (s);
  printf ("READY\n"); fflush (stdout);
  t0 = now_us ();
  ok = mail_append_multiple (NIL,box,next_message,&b);
  printf ("DONE %.0f\n",now_us () - t0); fflush (stdout);
  return ok ? 0 : 1;
}

/* flags set on every message by "flags": system flags fit in the space
   the original leaves in its status headers; "keywords" adds a keyword
   too long for it, so that every message moves */
static const char *flag_list = "\\Seen \\Flagged \\Answered \\Draft";
static const char *keyword_list =
  "\\Seen \\Flagged $NoloseKeywordLongerThanTheReservedSpace";

static int flags (char *box,const char *list)
{
  MAILSTREAM *s = open_box (box,NIL);
  double t0;
  if (s->rdonly) { fprintf (stderr,"opened read-only\n"); return 2; }
  mail_setflag (s,"1:*",(char *) list);
  printf ("READY\n"); fflush (stdout);
  t0 = now_us ();
  mail_check (s);
  printf ("DONE %.0f\n",now_us () - t0); fflush (stdout);
  mail_close (s);
  return 0;
}

static int expunge (char *box)
{
  MAILSTREAM *s = open_box (box,NIL);
  unsigned long i,before = s->nmsgs;
  double t0;
  char seq[64];
  if (s->rdonly) { fprintf (stderr,"opened read-only\n"); return 2; }
  for (i = 1; i <= s->nmsgs; i += 10) {
    sprintf (seq,"%lu",i);
    mail_setflag (s,seq,"\\Deleted");
  }
  printf ("READY\n"); fflush (stdout);
  t0 = now_us ();
  mail_expunge (s);
  printf ("DONE %.0f\n",now_us () - t0); fflush (stdout);
  i = s->nmsgs;
  mail_close (s);
  return (i == before - (before + 9) / 10) ? 0 : 1;
}

static int copy (char *src,char *dst)
{
  MAILSTREAM *s = open_box (src,OP_READONLY);
  double t0;
  long ok;
  printf ("READY\n"); fflush (stdout);
  t0 = now_us ();
  ok = mail_copy (s,"1:*",dst);
  printf ("DONE %.0f\n",now_us () - t0); fflush (stdout);
  mail_close (s);
  return ok ? 0 : 1;
}

static int rename_box (char *old,char *new)
{
  double t0;
  long ok;
  printf ("READY\n"); fflush (stdout);
  t0 = now_us ();
  ok = mail_rename (NIL,old,new);
  printf ("DONE %.0f\n",now_us () - t0); fflush (stdout);
  return ok ? 0 : 1;
}

static int hold (char *box)
{
  MAILSTREAM *s = open_box (box,OP_READONLY);
  printf ("READY %lu\n",s->nmsgs); fflush (stdout);
  for (;;) sleep (60);
  return 0;
}

static int touch (char *box)
{
  MAILSTREAM *s = open_box (box,NIL);
  mail_check (s);
  mail_close (s);
  return 0;
}

int main (int argc,char **argv)
{
#include "linkage.c"
  if (argc == 3 && !strcmp (argv[1],"sums")) return sums (argv[2]);
  if (argc == 3 && !strcmp (argv[1],"touch")) return touch (argv[2]);
  if (argc == 3 && !strcmp (argv[1],"hold")) return hold (argv[2]);
  if (argc == 4 && !strcmp (argv[1],"append")) return append (argv[2],argv[3]);
  if (argc == 3 && !strcmp (argv[1],"flags")) return flags (argv[2],flag_list);
  if (argc == 3 && !strcmp (argv[1],"keywords"))
    return flags (argv[2],keyword_list);
  if (argc == 3 && !strcmp (argv[1],"expunge")) return expunge (argv[2]);
  if (argc == 4 && !strcmp (argv[1],"copy")) return copy (argv[2],argv[3]);
  if (argc == 4 && !strcmp (argv[1],"rename"))
    return rename_box (argv[2],argv[3]);
  fprintf (stderr,"usage: nolose sums|touch|append|flags|keywords|expunge|copy|rename"
	   " ARGS (see the source)\n");
  return 64;
}
