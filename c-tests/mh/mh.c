/* Differential driver for the mh format: built once against the original
 * headers, run with either library (HOME holds a .mh_profile).
 *
 *   mh write NAME FILE...     create #mh/NAME, append the files with flags
 *                             and dates by position, then flag, append more,
 *                             ping and expunge through one session
 *   mh append NAME FILE...    append to an existing folder
 *   mh flags NAME             open, change flags (kept in memory only), show
 *                             them, expunge the deleted ones, close
 *   mh dump NAME              print everything about the folder
 *   mh status NAME            mail_status
 *   mh copy FROM TO SEQ [move]  mail_copy (or mail_move); with
 *                             MH_CRITICAL_AT and MH_CRITICAL_CMD set, the
 *                             command runs at that critical section
 *   mh list REF PAT / lsub REF PAT / scan REF PAT TEXT / sub NAME
 *   mh ops NAME               create/rename/delete refusals and successes
 *   mh params                 the MH settings before and after a look
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
  if (!s) return 0;
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
  "", "\\Seen", "(\\Seen \\Flagged)", "(\\Answered)", "(\\Draft)",
  "(\\Deleted)", "(\\Seen \\Deleted)", "(\\Flagged)"
};
static const char *dates[] = {
  "1-Jan-2001 00:00:00 +0000", "15-Feb-2004 13:14:15 -0800",
  "29-Feb-2008 23:59:59 +0530", "7-Jul-2011 07:07:07 +0000",
  "3-Mar-2019 10:03:00 +0100"
};

static long do_append (MAILSTREAM *s,char *mbx,char **files,int n,int base)
{
  int i;
  long ok = 1;
  for (i = 0; i < n; i++) {
    unsigned long len;
    char *msg = slurp_crlf (files[i],&len);
    STRING st;
    if (!msg) continue;
    INIT (&st,mail_string,msg,len);
    if (!mail_append_full (s,mbx,(char *) flagsets[(base + i) % 8],
			   (char *) dates[(base + i) % 5],&st)) {
      printf ("append %d failed\n",base + i);
      ok = 0;
    }
    free (msg);
  }
  return ok;
}

static void show_flags (MAILSTREAM *s)
{
  unsigned long i;
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e = mail_elt (s,i);
    printf ("  %lu uid=%lu %s%s%s%s%s%s\n",i,mail_uid (s,i),
	    e->seen ? "S" : "",e->deleted ? "D" : "",e->flagged ? "F" : "",
	    e->answered ? "A" : "",e->draft ? "T" : "",e->recent ? "R" : "");
  }
}

static void dump (char *mbx)
{
  MAILSTREAM *s = mail_open (NIL,mbx,NIL);
  unsigned long i;
  if (!s) { printf ("open failed\n"); return; }
  printf ("driver=%s mailbox=%s nmsgs=%lu recent=%lu uidlast=%lu rdonly=%d kwdcreate=%d perm=%d%d%d%d%d inbox=%d\n",
	  s->dtb ? s->dtb->name : "NIL",s->mailbox,s->nmsgs,s->recent,
	  s->uid_last,s->rdonly,s->kwd_create,s->perm_seen,s->perm_deleted,
	  s->perm_flagged,s->perm_answered,s->perm_draft,s->inbox);
  show_flags (s);
  mail_fetch_fast (s,"1:*",NIL);
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e = mail_elt (s,i);
    unsigned long hl = 0,tl = 0;
    char *h,*t;
    char d[64];
    printf ("%lu uid=%lu size=%lu date=%s",i,mail_uid (s,i),e->rfc822_size,
	    mail_date (d,e));
    h = mail_fetch_header (s,i,NIL,NIL,&hl,FT_PEEK);
    printf (" h=%lu:%016llx",hl,fnv ((unsigned char *) h,hl));
    t = mail_fetch_text (s,i,NIL,&tl,FT_PEEK);
    printf (" t=%lu:%016llx",tl,fnv ((unsigned char *) t,tl));
    {
      ENVELOPE *env = mail_fetch_structure (s,i,NIL,NIL);
      printf (" subj=%.40s",env && env->subject ? env->subject : "NIL");
    }
    printf (" size2=%lu",e->rfc822_size);
    putchar ('\n');
  }
  if (s->nmsgs) {		/* reading without FT_PEEK sets \Seen */
    unsigned long tl;
    mail_fetch_text (s,1,NIL,&tl,NIL);
    printf ("after read: seen=%d\n",mail_elt (s,1)->seen);
  }
  mail_close (s);
}

static void flags (char *mbx)
{
  MAILSTREAM *s = mail_open (NIL,mbx,NIL);
  if (!s) { printf ("open failed\n"); return; }
  if (s->nmsgs >= 3) {
    mail_setflag (s,"1:3","\\Flagged \\Answered");
    mail_clearflag (s,"2","\\Seen");
    mail_setflag (s,"2:3","\\Deleted");
    mail_setflag (s,"1","newkw");
  }
  show_flags (s);
  printf ("expunge=%ld\n",mail_expunge_full (s,"3:*",NIL));
  show_flags (s);
  mail_check (s);
  mail_close_full (s,CL_EXPUNGE);
}

static void write_box (char *mbx,char **files,int n)
{
  char name[1024];
  MAILSTREAM *s;
  sprintf (name,"#mh/%s",mbx);
  printf ("create=%ld\n",mail_create (NIL,name));
  printf ("create again=%ld\n",mail_create (NIL,name));
  printf ("append=%ld\n",do_append (NIL,name,files,n,0));
  if ((s = mail_open (NIL,name,NIL)) != NIL) {
    printf ("open nmsgs=%lu recent=%lu\n",s->nmsgs,s->recent);
    show_flags (s);
    if (s->nmsgs >= 4) {
      mail_setflag (s,"2,4","\\Seen \\Answered");
      mail_setflag (s,"4","\\Deleted");
      mail_clearflag (s,"1","\\Seen");
    }
    sleep (1);			/* the appends come in a later second than the scan */
    printf ("append more=%ld\n",do_append (s,name,files,n > 3 ? 3 : n,n));
    sleep (1);			/* a new second: the directory's ctime shows the appends */
    mail_ping (s);
    printf ("after ping nmsgs=%lu recent=%lu\n",s->nmsgs,s->recent);
    show_flags (s);
    mail_expunge (s);
    printf ("after expunge nmsgs=%lu\n",s->nmsgs);
    show_flags (s);
    mail_close (s);
  }
}

static void ops (char *mbx)
{
  char name[1024],n2[1024],n3[1024];
  sprintf (name,"#mh/%s",mbx);
  printf ("create=%ld\n",mail_create (NIL,name));
  sprintf (n2,"#mh/%s/123",mbx);
  printf ("create numeric=%ld\n",mail_create (NIL,n2));
  printf ("create plain=%ld\n",mail_create (NIL,"#mh/"));
  sprintf (n2,"#mh/%s-renamed/sub",mbx);
  printf ("rename=%ld\n",mail_rename (NIL,name,n2));
  printf ("rename again=%ld\n",mail_rename (NIL,name,n2));
  sprintf (n3,"#mh/%s/9",mbx);
  printf ("rename numeric=%ld\n",mail_rename (NIL,n2,n3));
  printf ("delete=%ld\n",mail_delete (NIL,n2));
  printf ("delete again=%ld\n",mail_delete (NIL,n2));
  printf ("open missing=%ld\n",(long) (mail_open (NIL,"#mh/nosuchbox",OP_SILENT) != NIL));
}

static void params (void)
{
  char tmp[MAILTMPLEN];
  char *p = mail_parameters (NIL,GET_MHPROFILE,NIL);
  printf ("profile before=%s\n",p ? "set" : "NIL");
  printf ("valid=%d\n",mail_valid (NIL,"#mh/x",NIL) != NIL);
  p = mail_parameters (NIL,GET_MHPATH,NIL);
  printf ("path=%s\n",p ? p + strlen (getenv ("HOME")) : "NIL");
  p = mail_parameters (NIL,GET_MHPROFILE,NIL);
  printf ("profile=%s\n",p ? p + strlen (getenv ("HOME")) : "NIL");
  {
    DRIVER *d = (DRIVER *) mail_parameters (NIL,GET_DRIVER,"mh");
    if (d && d->parameters && mail_parameters (NIL,GET_MHPATH,NIL)) {
      tmp[0] = '\0';
      p = (*d->parameters) (GET_INBOXPATH,tmp);
      printf ("inboxpath=%s\n",p ? tmp + strlen (getenv ("HOME")) : "NIL");
    }
    printf ("flags=%lx\n",d ? (unsigned long) d->flags : 0);
  }
}

int main (int argc,char **argv)
{
#include "linkage.c"
  if (argc < 2) return 2;
  if (!strcmp (argv[1],"write") && argc >= 3) write_box (argv[2],argv + 3,argc - 3);
  else if (!strcmp (argv[1],"append") && argc >= 3) printf ("append=%ld\n",do_append (NIL,argv[2],argv + 3,argc - 3,3));
  else if (!strcmp (argv[1],"flags") && argc >= 3) flags (argv[2]);
  else if (!strcmp (argv[1],"dump") && argc >= 3) dump (argv[2]);
  else if (!strcmp (argv[1],"status") && argc >= 3)
    printf ("status=%ld\n",mail_status (NIL,argv[2],SA_MESSAGES|SA_RECENT|SA_UNSEEN|SA_UIDNEXT));
  else if (!strcmp (argv[1],"copy") && argc >= 5) {
    MAILSTREAM *s = mail_open (NIL,argv[2],NIL);
    if (s) {
      if (argc > 5) printf ("move=%ld\n",mail_move (s,argv[4],argv[3]));
      else printf ("copy=%ld\n",mail_copy (s,argv[4],argv[3]));
      show_flags (s);
      mail_close (s);
    }
  }
  else if (!strcmp (argv[1],"list") && argc >= 4) mail_list (NIL,argv[2],argv[3]);
  else if (!strcmp (argv[1],"lsub") && argc >= 4) mail_lsub (NIL,argv[2],argv[3]);
  else if (!strcmp (argv[1],"scan") && argc >= 5) mail_scan (NIL,argv[2],argv[3],argv[4]);
  else if (!strcmp (argv[1],"sub") && argc >= 3) printf ("subscribe=%ld\n",mail_subscribe (NIL,argv[2]));
  else if (!strcmp (argv[1],"ops") && argc >= 3) ops (argv[2]);
  else if (!strcmp (argv[1],"params")) params ();
  else if (!strcmp (argv[1],"snarf") && argc >= 4) {
    char tmp[MAILTMPLEN];	/* the system inbox is a file in HOME */
    sprintf (tmp,"%s/%s",getenv ("HOME"),argv[2]);
    mail_parameters (NIL,SET_SYSINBOX,tmp);
    dump (argv[3]);
  }
  else if (!strcmp (argv[1],"behind") && argc >= 4) {
    MAILSTREAM *s = mail_open (NIL,argv[2],NIL);
    if (s) {			/* the folder changes while it is open */
      unsigned long i,hl;
      printf ("open nmsgs=%lu\n",s->nmsgs);
      fflush (stdout);
      if (system (argv[3])) printf ("command failed\n");
      sleep (1);		/* a new second for the directory's ctime */
      printf ("ping=%ld nmsgs=%lu recent=%lu\n",mail_ping (s),s->nmsgs,s->recent);
      show_flags (s);
      for (i = 1; i <= s->nmsgs; i++) {
	char *h = mail_fetch_header (s,i,NIL,NIL,&hl,FT_PEEK);
	printf ("%lu h=%lu:%016llx size=%lu\n",i,hl,fnv ((unsigned char *) h,hl),
		mail_elt (s,i)->rfc822_size);
      }
      mail_close (s);
    }
  }
  else return 2;
  return 0;
}

/* callbacks */
void mm_searched (MAILSTREAM *s,unsigned long n) {}
void mm_exists (MAILSTREAM *s,unsigned long n) { printf ("* exists %lu\n",n); }
void mm_expunged (MAILSTREAM *s,unsigned long n) { printf ("* expunged %lu\n",n); }
void mm_flags (MAILSTREAM *s,unsigned long n) { printf ("* flags %lu\n",n); }
void mm_notify (MAILSTREAM *s,char *t,long l) { printf ("* notify %ld %s\n",l,t); }
void mm_list (MAILSTREAM *s,int d,char *n,long a) { printf ("* list %c %s %lx\n",d ? d : '0',n,a); }
void mm_lsub (MAILSTREAM *s,int d,char *n,long a) { printf ("* lsub %c %s %lx\n",d ? d : '0',n,a); }
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st)
{
  printf ("* status %s %lu msgs %lu recent %lu unseen %lu uidnext\n",m,st->messages,st->recent,st->unseen,st->uidnext);
}
void mm_log (char *t,long l)
{
  const char *h = getenv ("HOME");
  char *p;
  if (h && *h && (p = strstr (t,h))) printf ("* log %ld %.*s~%s\n",l,(int) (p - t),t,p + strlen (h));
  else printf ("* log %ld %s\n",l,t);
}
void mm_dlog (char *t) {}
void mm_login (NETMBX *mb,char *u,char *p,long t) {}
/* MH_CRITICAL_AT=N MH_CRITICAL_CMD=CMD: CMD runs at the Nth critical
 * section (each append of a copy has one), as another process would */
void mm_critical (MAILSTREAM *s)
{
  static int calls = 0;
  const char *at = getenv ("MH_CRITICAL_AT"),*cmd = getenv ("MH_CRITICAL_CMD");
  if (at && cmd && ++calls == atoi (at) && system (cmd)) printf ("command failed\n");
}
void mm_nocritical (MAILSTREAM *s) {}
long mm_diskerror (MAILSTREAM *s,long e,long sr) { return 1; }
void mm_fatal (char *t) { printf ("* fatal %s\n",t); }
