/* Drives a local mailbox through c-client for the mbx suite: compiled once
 * against the original's headers, run with either library.
 *
 *   mbxtool [-q] MAILBOX STEP...
 *
 * Steps, done in order (the mailbox is opened by the first step that needs
 * a stream and stays open):
 *   create              mail_create (MAILBOX as given, e.g. #driver.mbx/x)
 *   append:FILE:FLAGS:DATE   mail_append_full of FILE (LF made CRLF); FLAGS
 *                       and DATE may be empty
 *   open | ro           open read-write / read-only
 *   set:SEQ:FLAGS       mail_setflag      clear:SEQ:FLAGS  mail_clearflag
 *   ping | check | expunge | close | closex (close with CL_EXPUNGE)
 *   copy:SEQ:DEST       mail_copy          move:SEQ:DEST   mail_move
 *   fetch:N             fetch message N's text without FT_PEEK
 *   status              mail_status of MAILBOX (no stream needed)
 *   delete | rename:NEW
 *   dump                everything the stream knows
 *   sleep:SECONDS
 * Every callback and log line is printed as it comes, except with -q. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "c-client.h"

#define MM_OWN_EXISTS
#define MM_OWN_EXPUNGED
#define MM_OWN_FLAGS
#define MM_OWN_NOTIFY
#define MM_OWN_LOG
#define MM_OWN_STATUS
#include "../lib/mm_callbacks.h"

static int quiet = 0;
static char *who = "";

/* mm_exists is printed only when the count changes: both libraries may
 * repeat the same count at different points. */
static unsigned long last_exists = (unsigned long) -1;
void mm_exists (MAILSTREAM *s,unsigned long n)
{
  if (!quiet && n != last_exists) printf ("%s* exists %lu\n",who,n);
  last_exists = n;
}
void mm_expunged (MAILSTREAM *s,unsigned long n) { last_exists--; if (!quiet) printf ("%s* expunged %lu\n",who,n); }
void mm_flags (MAILSTREAM *s,unsigned long n) { if (!quiet) printf ("%s* flags %lu\n",who,n); }
void mm_notify (MAILSTREAM *s,char *t,long e) { if (!quiet) printf ("%s* notify %ld %s\n",who,e,t); }
void mm_log (char *t,long e) { if (!quiet) printf ("%s* log %ld %s\n",who,e,t); }
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st)
{
  printf ("%sstatus messages=%lu recent=%lu unseen=%lu uidnext=%lu\n",who,
          st->messages,st->recent,st->unseen,st->uidnext);
}

static unsigned long hash (unsigned char *s,unsigned long n)
{
  unsigned long h = 1469598103934665603UL;
  while (n--) { h ^= *s++; h *= 1099511628211UL; }
  return h;
}

static void dump (MAILSTREAM *s)
{
  unsigned long i,j,len;
  char d[MAILTMPLEN];
  printf ("%snmsgs=%lu recent=%lu uidlast=%lu rdonly=%d kwdcreate=%d\n",who,
          s->nmsgs,s->recent,s->uid_last,s->rdonly,s->kwd_create);
  printf ("%skeywords:",who);
  for (i = 0; i < NUSERFLAGS && s->user_flags[i]; i++) printf (" %s",s->user_flags[i]);
  printf ("\n");
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e = mail_elt (s,i);
    char *h,*t;
    unsigned long hl,tl;
    mail_fetchstructure (s,i,NIL);
    h = mail_fetchheader_full (s,i,NIL,&hl,FT_PEEK);
    unsigned long hh = hash ((unsigned char *) h,hl);
    t = mail_fetchtext_full (s,i,&tl,FT_PEEK);
    mail_date (d,e);
    printf ("%s%lu uid=%lu size=%lu date=[%s] hdr=%lu/%016lx text=%lu/%016lx flags=%s%s%s%s%s%s kw=",
            who,i,mail_uid (s,i),e->rfc822_size,d,hl,hh,tl,hash ((unsigned char *) t,tl),
            e->seen ? "S" : "",e->deleted ? "D" : "",e->flagged ? "F" : "",
            e->answered ? "A" : "",e->draft ? "T" : "",e->recent ? "R" : "");
    for (j = 0; j < NUSERFLAGS; j++)
      if (e->user_flags & (1UL << j)) printf ("%s,",s->user_flags[j] ? s->user_flags[j] : "?");
    printf ("\n");
  }
}

static char *slurp (char *file,unsigned long *len)
{
  FILE *f = fopen (file,"rb");
  char *buf,*out;
  long n,i,o;
  if (!f) return NIL;
  fseek (f,0,SEEK_END); n = ftell (f); fseek (f,0,SEEK_SET);
  buf = malloc (n + 1);
  n = fread (buf,1,n,f); fclose (f);
  out = malloc (2 * n + 3);
  for (i = o = 0; i < n; i++) {
    if (buf[i] == '\n' && (i == 0 || buf[i-1] != '\r')) out[o++] = '\r';
    out[o++] = buf[i];
  }
  free (buf);
  *len = o;
  return out;
}

int main (int argc,char *argv[])
{
  MAILSTREAM *s = NIL;
  char *mbx;
  int i = 1;
#include "linkage.c"
  if (i < argc && !strcmp (argv[i],"-q")) { quiet = 1; i++; }
  if (getenv ("WHO")) who = getenv ("WHO");
  if (i >= argc) return 2;
  mbx = argv[i++];
  setvbuf (stdout,NIL,_IOLBF,0);
  for (; i < argc; i++) {
    char *a = strdup (argv[i]),*p1 = NIL,*p2 = NIL,*p3 = NIL;
    if ((p1 = strchr (a,':'))) { *p1++ = '\0';
      if ((p2 = strchr (p1,':'))) { *p2++ = '\0';
        if ((p3 = strchr (p2,':'))) *p3++ = '\0'; } }
    printf ("%s> %s\n",who,argv[i]);
    if (!strcmp (a,"create")) printf ("%s= %ld\n",who,mail_create (s,p1 ? p1 : mbx));
    else if (!strcmp (a,"delete")) printf ("%s= %ld\n",who,mail_delete (s,mbx));
    else if (!strcmp (a,"rename")) printf ("%s= %ld\n",who,mail_rename (s,mbx,p1));
    else if (!strcmp (a,"status"))
      printf ("%s= %ld\n",who,mail_status (s,mbx,SA_MESSAGES|SA_RECENT|SA_UNSEEN|SA_UIDNEXT|SA_UIDVALIDITY));
    else if (!strcmp (a,"append")) {
      unsigned long len;
      char *msg = slurp (p1,&len);
      STRING st;
      if (!msg) { printf ("%sno file %s\n",who,p1); continue; }
      INIT (&st,mail_string,msg,len);
      printf ("%s= %ld\n",who,mail_append_full (s,mbx,(p2 && *p2) ? p2 : NIL,
                                               (p3 && *p3) ? p3 : NIL,&st));
      free (msg);
    }
    else if (!strcmp (a,"open") || !strcmp (a,"ro")) {
      s = mail_open (s,mbx,!strcmp (a,"ro") ? OP_READONLY : NIL);
      printf ("%s= %s\n",who,s ? "open" : "NIL");
      if (s) printf ("%sdriver=%s\n",who,s->dtb ? s->dtb->name : "-");
    }
    else if (!strcmp (a,"sleep")) sleep (atoi (p1));
    else if (!s) printf ("%sno stream\n",who);
    else if (!strcmp (a,"set")) mail_setflag (s,p1,p2);
    else if (!strcmp (a,"clear")) mail_clearflag (s,p1,p2);
    else if (!strcmp (a,"ping")) printf ("%s= %ld\n",who,mail_ping (s));
    else if (!strcmp (a,"check")) mail_check (s);
    else if (!strcmp (a,"expunge")) printf ("%s= %ld\n",who,mail_expunge (s));
    else if (!strcmp (a,"copy")) printf ("%s= %ld\n",who,mail_copy (s,p1,p2));
    else if (!strcmp (a,"move")) printf ("%s= %ld\n",who,mail_move (s,p1,p2));
    else if (!strcmp (a,"fetch")) {
      unsigned long l;
      mail_fetchtext_full (s,atol (p1),&l,NIL);
      printf ("%s= %lu\n",who,l);
    }
    else if (!strcmp (a,"dump")) dump (s);
    else if (!strcmp (a,"close")) { s = mail_close (s); last_exists = (unsigned long) -1; }
    else if (!strcmp (a,"closex")) { s = mail_close_full (s,CL_EXPUNGE); last_exists = (unsigned long) -1; }
    else printf ("%sunknown step %s\n",who,a);
    free (a);
  }
  if (s) mail_close (s);
  return 0;
}
