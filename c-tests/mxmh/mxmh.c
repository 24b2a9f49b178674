/* Differential driver for the directory formats (mx, mh): built once
 * against the original headers, run with either library.
 *
 *   mxmh write DRIVER NAME FILE...   create #driver.DRIVER/NAME, append the
 *                                    files (LF -> CRLF) with flags, keywords
 *                                    and dates that depend on their position,
 *                                    then change flags and expunge
 *   mxmh append NAME FILE...         append to an existing mailbox
 *   mxmh flags NAME                  open, change flags, close
 *   mxmh dump NAME                   print everything about the mailbox
 *   mxmh status NAME                 mail_status of the mailbox
 *   mxmh copy FROM TO SEQ            mail_copy
 *   mxmh ops DRIVER NAME             create/rename/delete refusals and successes
 * Every mm_log line is printed, so errors compare too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "c-client.h"

static unsigned long long fnv (const unsigned char *s,unsigned long n)
{
  unsigned long long h = 0xcbf29ce484222325ULL;
  while (n--) { h ^= *s++; h *= 0x100000001b3ULL; }
  return h;
}

static char *slurp_crlf (const char *file,unsigned long *len)
{
  FILE *f = fopen (file,"rb");
  char *buf,*out;
  long n,i,j;
  if (!f) return NIL;
  fseek (f,0,SEEK_END); n = ftell (f); fseek (f,0,SEEK_SET);
  buf = malloc (n + 1);
  n = fread (buf,1,n,f);
  fclose (f);
  out = malloc (2 * n + 3);
  for (i = j = 0; i < n; i++) {
    if (buf[i] == '\n' && (i == 0 || buf[i-1] != '\r')) out[j++] = '\r';
    out[j++] = buf[i];
  }
  if (j == 0 || out[j-1] != '\n') { out[j++] = '\r'; out[j++] = '\n'; }
  out[j] = '\0';
  free (buf);
  *len = j;
  return out;
}

static const char *flagsets[] = {
  "", "\\Seen", "(\\Seen \\Flagged)", "(\\Answered $Label1)", "(\\Draft work)",
  "(\\Deleted)", "(\\Seen \\Deleted junk)", "($Label1 work junk \\Flagged)"
};
static const char *dates[] = {
  "1-Jan-2001 00:00:00 +0000", "15-Feb-2004 13:14:15 -0800",
  "29-Feb-2008 23:59:59 +0530", "7-Jul-2011 07:07:07 +0000", NIL
};

static void fixed_now_date (char *tmp,int i)
{
  /* a date for appends "without" one: keep files comparable */
  sprintf (tmp,"%d-Mar-2019 10:%02d:00 +0100",(i % 27) + 1,i % 60);
}

static long do_append (MAILSTREAM *s,char *mbx,char **files,int n,int base)
{
  int i;
  long ok = 1;
  for (i = 0; i < n; i++) {
    unsigned long len;
    char *msg = slurp_crlf (files[i],&len);
    STRING st;
    char tmp[64];
    const char *d = dates[(base + i) % 5];
    if (!msg) continue;
    if (!d) { fixed_now_date (tmp,base + i); d = tmp; }
    INIT (&st,mail_string,msg,len);
    if (!mail_append_full (s,mbx,(char *) flagsets[(base + i) % 8],(char *) d,&st)) {
      printf ("append %d failed\n",base + i);
      ok = 0;
    }
    free (msg);
  }
  return ok;
}

static void dump (char *mbx)
{
  MAILSTREAM *s = mail_open (NIL,mbx,OP_READONLY * 0);
  unsigned long i;
  int k;
  if (!s) { printf ("open failed\n"); return; }
  printf ("driver=%s nmsgs=%lu recent=%lu uidvalidity=%s uidlast=%lu rdonly=%d kwdcreate=%d\n",
	  s->dtb ? s->dtb->name : "NIL",s->nmsgs,s->recent,
	  getenv ("MXMH_KEEP_VALIDITY") ? "kept" : "x",s->uid_last,s->rdonly,s->kwd_create);
  if (getenv ("MXMH_KEEP_VALIDITY")) printf ("validity %lu\n",s->uid_validity);
  for (k = 0; k < NUSERFLAGS; k++)
    if (s->user_flags[k]) printf ("kw%d=%s\n",k,s->user_flags[k]);
  mail_fetch_fast (s,"1:*",NIL);
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e = mail_elt (s,i);
    unsigned long hl,tl;
    char *h = mail_fetch_header (s,i,NIL,NIL,&hl,FT_PEEK);
    char *t;
    char d[64];
    printf ("%lu uid=%lu size=%lu date=%s flags=%s%s%s%s%s%s uf=%lx",
	    i,mail_uid (s,i),e->rfc822_size,mail_date (d,e),
	    e->seen ? "S" : "",e->deleted ? "D" : "",e->flagged ? "F" : "",
	    e->answered ? "A" : "",e->draft ? "T" : "",e->recent ? "R" : "",
	    e->user_flags);
    printf (" h=%lu:%016llx",hl,fnv ((unsigned char *) h,hl));
    t = mail_fetch_text (s,i,NIL,&tl,FT_PEEK);
    printf (" t=%lu:%016llx",tl,fnv ((unsigned char *) t,tl));
    {
      ENVELOPE *env = mail_fetch_structure (s,i,NIL,NIL);
      printf (" subj=%.40s",env && env->subject ? env->subject : "NIL");
    }
    putchar ('\n');
  }
  /* read one body without FT_PEEK: \Seen must stick */
  if (s->nmsgs) {
    unsigned long tl;
    mail_fetch_text (s,s->nmsgs,NIL,&tl,NIL);
    printf ("after read: seen=%d\n",mail_elt (s,s->nmsgs)->seen);
  }
  mail_close (s);
}

static void flags (char *mbx)
{
  MAILSTREAM *s = mail_open (NIL,mbx,NIL);
  if (!s) { printf ("open failed\n"); return; }
  if (s->nmsgs >= 3) {
    mail_setflag (s,"1:3","\\Flagged newkw");
    mail_clearflag (s,"2","\\Seen $Label1");
    mail_setflag (s,"3","\\Deleted");
    mail_clearflag (s,"1","work");
  }
  mail_close (s);
}

static void write_box (char *drv,char *mbx,char **files,int n)
{
  char name[1024];
  MAILSTREAM *s;
  sprintf (name,"#driver.%s/%s",drv,mbx);
  printf ("create=%ld\n",mail_create (NIL,name));
  printf ("create again=%ld\n",mail_create (NIL,name));
  printf ("append=%ld\n",do_append (NIL,mbx,files,n,0));
  if ((s = mail_open (NIL,mbx,NIL)) != NIL) {
    printf ("open nmsgs=%lu\n",s->nmsgs);
    if (s->nmsgs >= 4) {
      mail_setflag (s,"2,4","\\Seen \\Answered");
      mail_setflag (s,"4","\\Deleted extra");
      mail_clearflag (s,"1","\\Seen");
    }
    printf ("append more=%ld\n",do_append (s,mbx,files,n > 3 ? 3 : n,n));
    sleep (2);			/* a new second: the directory's ctime shows the appends */
    mail_ping (s);
    printf ("after ping nmsgs=%lu\n",s->nmsgs);
    mail_expunge (s);
    printf ("after expunge nmsgs=%lu\n",s->nmsgs);
    mail_close (s);
  }
}

static void ops (char *drv,char *mbx)
{
  char name[1024],n2[1024];
  sprintf (name,"#driver.%s/%s",drv,mbx);
  printf ("create=%ld\n",mail_create (NIL,name));
  sprintf (n2,"#driver.%s/%s/123",drv,mbx);
  printf ("create numeric=%ld\n",mail_create (NIL,n2));
  sprintf (n2,"%s-renamed",mbx);
  printf ("rename=%ld\n",mail_rename (NIL,mbx,n2));
  printf ("rename again=%ld\n",mail_rename (NIL,mbx,n2));
  printf ("delete=%ld\n",mail_delete (NIL,n2));
  printf ("delete again=%ld\n",mail_delete (NIL,n2));
}

int main (int argc,char **argv)
{
#include "linkage.c"
  if (argc < 3) return 2;
  if (!strcmp (argv[1],"write") && argc >= 4) write_box (argv[2],argv[3],argv + 4,argc - 4);
  else if (!strcmp (argv[1],"append")) printf ("append=%ld\n",do_append (NIL,argv[2],argv + 3,argc - 3,3));
  else if (!strcmp (argv[1],"flags")) flags (argv[2]);
  else if (!strcmp (argv[1],"dump")) dump (argv[2]);
  else if (!strcmp (argv[1],"status")) {
    printf ("status=%ld\n",mail_status (NIL,argv[2],SA_MESSAGES|SA_RECENT|SA_UNSEEN|SA_UIDNEXT));
  }
  else if (!strcmp (argv[1],"copy") && argc >= 5) {
    MAILSTREAM *s = mail_open (NIL,argv[2],NIL);
    if (s) { printf ("copy=%ld\n",mail_copy (s,argv[4],argv[3])); mail_close (s); }
  }
  else if (!strcmp (argv[1],"ops") && argc >= 4) ops (argv[2],argv[3]);
  else return 2;
  return 0;
}

/* callbacks */
void mm_searched (MAILSTREAM *s,unsigned long n) {}
void mm_exists (MAILSTREAM *s,unsigned long n) { printf ("* exists %lu\n",n); }
void mm_expunged (MAILSTREAM *s,unsigned long n) { printf ("* expunged %lu\n",n); }
void mm_flags (MAILSTREAM *s,unsigned long n) {}
void mm_notify (MAILSTREAM *s,char *t,long l) { printf ("* notify %ld %s\n",l,t); }
void mm_list (MAILSTREAM *s,int d,char *n,long a) { printf ("* list %c %s %lx\n",d ? d : '0',n,a); }
void mm_lsub (MAILSTREAM *s,int d,char *n,long a) { printf ("* lsub %s\n",n); }
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st)
{
  printf ("* status %lu msgs %lu recent %lu unseen %lu uidnext\n",st->messages,st->recent,st->unseen,st->uidnext);
}
void mm_log (char *t,long l) { printf ("* log %ld %s\n",l,t); }
void mm_dlog (char *t) {}
void mm_login (NETMBX *mb,char *u,char *p,long t) {}
void mm_critical (MAILSTREAM *s) {}
void mm_nocritical (MAILSTREAM *s) {}
long mm_diskerror (MAILSTREAM *s,long e,long sr) { return 1; }
void mm_fatal (char *t) { printf ("* fatal %s\n",t); }
