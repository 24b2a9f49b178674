/* Drives a tenex or mtx mailbox through c-client for the tenexmtx suite:
 * compiled once against the original's headers, run with either library.
 *
 *   fwtool MAILBOX STEP...
 *
 * Steps, in order (the stream stays open between steps):
 *   create[:NAME]            mail_create (MAILBOX, or NAME, as given)
 *   append:FILE:FLAGS:DATE   mail_append_full of FILE (LF made CRLF);
 *                            FLAGS and DATE may be empty
 *   open | ro                open read-write / read-only
 *   set:SEQ:FLAGS | clear:SEQ:FLAGS   mail_setflag / mail_clearflag
 *   ping | check | expunge | close | closex (close with CL_EXPUNGE)
 *   copy:SEQ:DEST | move:SEQ:DEST
 *   fetch:N                  message N's text without FT_PEEK
 *   fast:SEQ | flags:SEQ     mail_fetch_fast / mail_fetch_flags
 *   status | delete | rename:NEW
 *   dump                     everything the stream knows
 *   names:NAME               the drivers' internal tenex_file/mtx_file,
 *                            tenex_isvalid/mtx_isvalid (with errno) and
 *                            the INBOX path their parameters give
 *   signal:FILE              create FILE (an acknowledgement for a peer)
 *   wait:FILE                wait until FILE exists (60 s at most)
 * Every callback and log line is printed as it comes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include "c-client.h"

#define MM_OWN_EXISTS
#define MM_OWN_EXPUNGED
#define MM_OWN_FLAGS
#define MM_OWN_NOTIFY
#define MM_OWN_LOG
#define MM_OWN_STATUS
#include "../lib/mm_callbacks.h"

static unsigned long last_exists = (unsigned long) -1;
void mm_exists (MAILSTREAM *s,unsigned long n)
{
  if (n != last_exists) printf ("* exists %lu\n",n);
  last_exists = n;
}
void mm_expunged (MAILSTREAM *s,unsigned long n) { last_exists--; printf ("* expunged %lu\n",n); }
void mm_flags (MAILSTREAM *s,unsigned long n) { printf ("* flags %lu\n",n); }
void mm_notify (MAILSTREAM *s,char *t,long e) { printf ("* notify %ld %s\n",e,t); }
void mm_log (char *t,long e) { printf ("* log %ld %s\n",e,t); }
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st)
{
  printf ("status messages=%lu recent=%lu unseen=%lu uidnext=%lu\n",
          st->messages,st->recent,st->unseen,st->uidnext);
}

/* The drivers' internal routines (exported by both libraries). */
extern char *tenex_file (char *dst,char *name);
extern char *mtx_file (char *dst,char *name);
extern int tenex_isvalid (char *name,char *tmp);
extern int mtx_isvalid (char *name,char *tmp);
extern void *tenex_parameters (long function,void *value);
extern void *mtx_parameters (long function,void *value);

static void names (char *name)
{
  char tmp[MAILTMPLEN],scratch[MAILTMPLEN];
  int r;
  printf ("tenex_file=%s\n",tenex_file (tmp,name) ? tmp : "NIL");
  printf ("mtx_file=%s\n",mtx_file (tmp,name) ? tmp : "NIL");
  errno = 0; r = tenex_isvalid (name,scratch);
  printf ("tenex_isvalid=%d errno=%d\n",r,r ? 0 : errno);
  errno = 0; r = mtx_isvalid (name,scratch);
  printf ("mtx_isvalid=%d errno=%d\n",r,r ? 0 : errno);
  printf ("tenex inbox=%s\n",tenex_parameters (GET_INBOXPATH,tmp) ? tmp : "NIL");
  printf ("mtx inbox=%s\n",mtx_parameters (GET_INBOXPATH,tmp) ? tmp : "NIL");
}

static unsigned long hash (unsigned char *s,unsigned long n)
{
  unsigned long h = 1469598103934665603UL;
  while (n--) { h ^= *s++; h *= 1099511628211UL; }
  return h;
}

static void dump (MAILSTREAM *s)
{
  unsigned long i,j;
  char d[MAILTMPLEN];
  printf ("nmsgs=%lu recent=%lu uidlast=%lu rdonly=%d kwdcreate=%d\n",
          s->nmsgs,s->recent,s->uid_last,s->rdonly,s->kwd_create);
  printf ("keywords:");
  for (i = 0; i < NUSERFLAGS && s->user_flags[i]; i++) printf (" %s",s->user_flags[i]);
  printf ("\n");
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e = mail_elt (s,i);
    char *h,*t;
    unsigned long hl,tl,hh;
    mail_fetchstructure (s,i,NIL);
    h = mail_fetchheader_full (s,i,NIL,&hl,FT_PEEK);
    hh = hash ((unsigned char *) h,hl);
    t = mail_fetchtext_full (s,i,&tl,FT_PEEK);
    mail_date (d,e);
    printf ("%lu uid=%lu size=%lu date=[%s] hdr=%lu/%016lx text=%lu/%016lx flags=%s%s%s%s%s%s kw=",
            i,mail_uid (s,i),e->rfc822_size,d,hl,hh,tl,hash ((unsigned char *) t,tl),
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
  int i = 1,k;
#include "linkage.c"
  if (i >= argc) return 2;
  mbx = argv[i++];
  setvbuf (stdout,NIL,_IOLBF,0);
  for (; i < argc; i++) {
    char *a = strdup (argv[i]),*p1 = NIL,*p2 = NIL,*p3 = NIL;
    if ((p1 = strchr (a,':'))) { *p1++ = '\0';
      if ((p2 = strchr (p1,':'))) { *p2++ = '\0';
        if ((p3 = strchr (p2,':'))) *p3++ = '\0'; } }
    printf ("> %s\n",argv[i]);
    if (!strcmp (a,"create")) printf ("= %ld\n",mail_create (s,p1 ? p1 : mbx));
    else if (!strcmp (a,"delete")) printf ("= %ld\n",mail_delete (s,mbx));
    else if (!strcmp (a,"rename")) printf ("= %ld\n",mail_rename (s,mbx,p1));
    else if (!strcmp (a,"status"))
      printf ("= %ld\n",mail_status (s,mbx,SA_MESSAGES|SA_RECENT|SA_UNSEEN|SA_UIDNEXT));
    else if (!strcmp (a,"append")) {
      unsigned long len;
      char *msg = slurp (p1,&len);
      STRING st;
      if (!msg) { printf ("no file %s\n",p1); continue; }
      INIT (&st,mail_string,msg,len);
      printf ("= %ld\n",mail_append_full (s,mbx,(p2 && *p2) ? p2 : NIL,
                                         (p3 && *p3) ? p3 : NIL,&st));
      free (msg);
    }
    else if (!strcmp (a,"open") || !strcmp (a,"ro")) {
      s = mail_open (s,mbx,!strcmp (a,"ro") ? OP_READONLY : NIL);
      printf ("= %s\n",s ? "open" : "NIL");
      if (s) printf ("driver=%s\n",s->dtb ? s->dtb->name : "-");
    }
    else if (!strcmp (a,"names")) names (p1);
    else if (!strcmp (a,"signal")) { FILE *f = fopen (p1,"w"); if (f) fclose (f); }
    else if (!strcmp (a,"wait")) {
      for (k = 0; k < 6000 && access (p1,F_OK); k++) usleep (10000);
      if (k == 6000) printf ("timeout waiting for %s\n",p1);
    }
    else if (!s) printf ("no stream\n");
    else if (!strcmp (a,"set")) mail_setflag (s,p1,p2);
    else if (!strcmp (a,"clear")) mail_clearflag (s,p1,p2);
    else if (!strcmp (a,"ping")) printf ("= %ld\n",mail_ping (s));
    else if (!strcmp (a,"check")) mail_check (s);
    else if (!strcmp (a,"expunge")) printf ("= %ld\n",mail_expunge (s));
    else if (!strcmp (a,"copy")) printf ("= %ld\n",mail_copy (s,p1,p2));
    else if (!strcmp (a,"move")) printf ("= %ld\n",mail_move (s,p1,p2));
    else if (!strcmp (a,"fast")) mail_fetch_fast (s,p1,NIL);
    else if (!strcmp (a,"flags")) mail_fetch_flags (s,p1,NIL);
    else if (!strcmp (a,"fetch")) {
      unsigned long l;
      mail_fetchtext_full (s,atol (p1),&l,NIL);
      printf ("= %lu\n",l);
    }
    else if (!strcmp (a,"dump")) dump (s);
    else if (!strcmp (a,"close")) { s = mail_close (s); last_exists = (unsigned long) -1; }
    else if (!strcmp (a,"closex")) { s = mail_close_full (s,CL_EXPUNGE); last_exists = (unsigned long) -1; }
    else printf ("unknown step %s\n",a);
    free (a);
  }
  if (s) mail_close (s);
  return 0;
}
