/* Drives the newsrc routines and the local news driver for the news
 * suite: compiled once against the original's headers, run with either
 * library.
 *
 *   newstool STEP...
 *
 * The newsrc, active file and spool come from the environment variables
 * NEWSRC, NEWSACTIVE and NEWSSPOOL (set with mail_parameters). Steps:
 *   open:NAME | close          mail_open / mail_close on the one stream
 *   dump | dumph               every message: uid, flags, size, date,
 *                              header and (dump) text, with FT_PEEK
 *   text:N                     fetch message N's text without FT_PEEK
 *   set:SEQ:FLAGS | clear:SEQ:FLAGS   mail_setflag / mail_clearflag
 *   check | ping | expunge     mail_check / mail_ping / mail_expunge
 *   list:REF:PAT | lsub:REF:PAT | scan:REF:PAT:TEXT
 *   sub:NAME | unsub:NAME | create:NAME | delete:NAME | rename:OLD:NEW
 *   copy:SEQ:NAME | append:NAME  (both refused by the news driver)
 *   status:NAME                mail_status SA_ALL
 *   search:CRITERIA            mail_search_full, numbers printed
 *   nread:GROUP | nwrite:GROUP newsrc_read / newsrc_write on the stream
 *   nupdate:GROUP:C            newsrc_update (NIL stream)
 *   nstate:GROUP               newsrc_state (NIL stream)
 *   nlsub:PATTERN              newsrc_lsub (NIL stream)
 *   checkuid:STATE:UID...      newsrc_check_uid counts
 *   valid:NAME                 which driver mail_valid answers
 * and, taking the whole rest of the argument (names with colons, tabs):
 *   nvalid=NAME                nntp_valid / nntp_isvalid
 *   ncanon=REF|PAT             nntp_canonicalize with and without wildmat
 *   nover=TEXT                 nntp_parse_overview (\t in TEXT is a tab)
 * Every callback is printed as it comes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"

#define MM_OWN_EXISTS
#define MM_OWN_EXPUNGED
#define MM_OWN_FLAGS
#define MM_OWN_NOTIFY
#define MM_OWN_LOG
#define MM_OWN_STATUS
#define MM_OWN_LIST
#define MM_OWN_LSUB
#define MM_OWN_SEARCHED
#include "../lib/mm_callbacks.h"

long newsrc_read (char *group,MAILSTREAM *stream);
long newsrc_write (char *group,MAILSTREAM *stream);
void newsrc_lsub (MAILSTREAM *stream,char *pattern);
long newsrc_update (MAILSTREAM *stream,char *group,char state);
char *newsrc_state (MAILSTREAM *stream,char *group);
void newsrc_check_uid (unsigned char *state,unsigned long uid,
                       unsigned long *recent,unsigned long *unseen);
DRIVER *nntp_valid (char *name);
DRIVER *nntp_isvalid (char *name,char *mbx);
long nntp_canonicalize (char *ref,char *pat,char *pattern,char *wildmat);
long nntp_parse_overview (OVERVIEW *ov,char *text,MESSAGECACHE *elt);

void mm_exists (MAILSTREAM *s,unsigned long n) { printf ("* exists %lu\n",n); }
void mm_expunged (MAILSTREAM *s,unsigned long n) { printf ("* expunged %lu\n",n); }
void mm_flags (MAILSTREAM *s,unsigned long n) { printf ("* flags %lu\n",n); }
void mm_notify (MAILSTREAM *s,char *t,long e) { printf ("* notify %ld %s\n",e,t); }
void mm_log (char *t,long e) { printf ("* log %ld %s\n",e,t); }
void mm_searched (MAILSTREAM *s,unsigned long n) { printf ("* searched %lu\n",n); }
void mm_list (MAILSTREAM *s,int d,char *n,long a) { printf ("* list %c %s %ld\n",d ? d : '0',n,a); }
void mm_lsub (MAILSTREAM *s,int d,char *n,long a) { printf ("* lsub %c %s %ld\n",d ? d : '0',n,a); }
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st)
{
  printf ("* status %s flags=%ld messages=%lu recent=%lu unseen=%lu uidnext=%lu uidvalidity=%lu\n",
          m,st->flags,st->messages,st->recent,st->unseen,st->uidnext,st->uidvalidity);
}

static void show (const char *label,char *s,unsigned long n)
{
  unsigned long i;
  printf ("%s %lu [",label,n);
  for (i = 0; i < n; i++) {
    unsigned char c = s[i];
    if (c == '\r') printf ("\\r");
    else if (c == '\n') printf ("\\n");
    else if (c < 32 || c > 126) printf ("\\x%02x",c);
    else putchar (c);
  }
  printf ("]\n");
}

static void flags (MESSAGECACHE *e)
{
  printf ("valid=%d seen=%d deleted=%d flagged=%d answered=%d draft=%d recent=%d",
          e->valid,e->seen,e->deleted,e->flagged,e->answered,e->draft,e->recent);
}

static void dump (MAILSTREAM *s,int texts)
{
  unsigned long i,hl,tl;
  char d[MAILTMPLEN];
  printf ("nmsgs=%lu recent=%lu uidlast=%lu uidvalidity=%lx rdonly=%d perm_deleted=%d perm_seen=%d\n",
          s->nmsgs,s->recent,s->uid_last,s->uid_validity,s->rdonly,s->perm_deleted,s->perm_seen);
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e = mail_elt (s,i);
    char *h,*t;
    printf ("msg %lu uid=%lu ",i,mail_uid (s,i));
    flags (e);
    printf ("\n");
    h = mail_fetchheader_full (s,i,NIL,&hl,FT_PEEK);
    show ("header",h,hl);
    if (texts) {
      t = mail_fetchtext_full (s,i,&tl,FT_PEEK);
      show ("text",t,tl);
    }
    mail_fetchfast (s,"1:*");
    printf ("size=%lu date=%s\n",e->rfc822_size,mail_date (d,e));
  }
}

int main (int argc,char **argv)
{
  MAILSTREAM *s = NIL;
  int i;
  char *e;
#include "linkage.c"
  if ((e = getenv ("NEWSRC"))) mail_parameters (NIL,SET_NEWSRC,e);
  if ((e = getenv ("NEWSACTIVE"))) mail_parameters (NIL,SET_NEWSACTIVE,e);
  if ((e = getenv ("NEWSSPOOL"))) mail_parameters (NIL,SET_NEWSSPOOL,e);
  setvbuf (stdout,NIL,_IOLBF,0);
  for (i = 1; i < argc; i++) {
    char *a = strdup (argv[i]),*x = strchr (a,':'),*y = NIL,*z = NIL;
    if (!strncmp (a,"nvalid=",7)) {
      char mbx[MAILTMPLEN];
      DRIVER *d;
      printf ("> %s\n",argv[i]);
      mbx[0] = '\0';
      d = nntp_isvalid (a + 7,mbx);
      printf ("nntp_valid %s nntp_isvalid %s mbx=%s\n",nntp_valid (a + 7) ? "nntp" : "NIL",
              d ? d->name : "NIL",d ? mbx : "-");
      free (a); continue;
    }
    if (!strncmp (a,"ncanon=",7)) {
      char pattern[MAILTMPLEN],wildmat[MAILTMPLEN],*bar = strchr (a,'|');
      long r;
      printf ("> %s\n",argv[i]);
      *bar++ = '\0';
      pattern[0] = wildmat[0] = '\0';
      r = nntp_canonicalize (a + 7,bar,pattern,NIL);
      printf ("canon %ld pattern=%s\n",r,r ? pattern : "-");
      pattern[0] = '\0';
      r = nntp_canonicalize (a + 7,bar,pattern,wildmat);
      printf ("canon+wildmat %ld pattern=%s wildmat=%s\n",r,r ? pattern : "-",r ? wildmat : "-");
      free (a); continue;
    }
    if (!strncmp (a,"nover=",6)) {
      OVERVIEW ov;
      MESSAGECACHE elt;
      char *t,*u,buf[MAILTMPLEN];
      long r;
      printf ("> %s\n",argv[i]);
      for (t = a + 6,u = buf; *t; t++) {
        if (t[0] == '\\' && t[1] == 't') { *u++ = '\t'; t++; }
        else *u++ = *t;
      }
      *u = '\0';
      memset (&elt,0,sizeof (elt));
      r = nntp_parse_overview (&ov,buf,&elt);
      printf ("parse_overview %ld subject=%s date=%s mid=%s refs=%s octets=%lu lines=%lu xref=%s\n",r,
              ov.subject ? ov.subject : "(nil)",ov.date ? ov.date : "(nil)",
              ov.message_id ? ov.message_id : "(nil)",ov.references ? ov.references : "(nil)",
              ov.optional.octets,ov.optional.lines,ov.optional.xref ? ov.optional.xref : "(nil)");
      if (ov.from) {
        ADDRESS *ad;
        for (ad = ov.from; ad; ad = ad->next)
          printf ("  from personal=%s mailbox=%s host=%s\n",ad->personal ? ad->personal : "(nil)",
                  ad->mailbox ? ad->mailbox : "(nil)",ad->host ? ad->host : "(nil)");
        mail_free_address (&ov.from);
      }
      printf ("  elt day=%d month=%d year=%d %02d:%02d:%02d zone=%c%02d%02d\n",elt.day,elt.month,
              elt.year + BASEYEAR,elt.hours,elt.minutes,elt.seconds,elt.zoccident ? '-' : '+',
              elt.zhours,elt.zminutes);
      if (ov.subject) fs_give ((void **) &ov.subject);
      free (a); continue;
    }
    if (x) { *x++ = '\0'; if ((y = strchr (x,':'))) { *y++ = '\0'; if ((z = strchr (y,':'))) *z++ = '\0'; } }
    printf ("> %s\n",argv[i]);
    if (!strcmp (a,"open")) {
      s = mail_open (s,x,NIL);
      printf ("open %s\n",s ? "ok" : "failed");
      if (s) printf ("mailbox=%s driver=%s nmsgs=%lu recent=%lu\n",s->mailbox,s->dtb ? s->dtb->name : "-",s->nmsgs,s->recent);
    }
    else if (!strcmp (a,"close")) { if (s) s = mail_close (s); }
    else if (!strcmp (a,"dump")) { if (s) dump (s,1); }
    else if (!strcmp (a,"dumph")) { if (s) dump (s,0); }
    else if (!strcmp (a,"text")) {
      unsigned long tl;
      char *t = mail_fetchtext_full (s,strtoul (x,NIL,10),&tl,NIL);
      show ("text",t,tl);
      flags (mail_elt (s,strtoul (x,NIL,10))); printf ("\n");
    }
    else if (!strcmp (a,"set")) mail_setflag (s,x,y);
    else if (!strcmp (a,"clear")) mail_clearflag (s,x,y);
    else if (!strcmp (a,"check")) mail_check (s);
    else if (!strcmp (a,"ping")) printf ("ping %ld\n",mail_ping (s));
    else if (!strcmp (a,"expunge")) printf ("expunge %ld\n",mail_expunge (s));
    else if (!strcmp (a,"list")) mail_list (s,x,y);
    else if (!strcmp (a,"lsub")) mail_lsub (s,x,y);
    else if (!strcmp (a,"scan")) mail_scan (s,x,y,z);
    else if (!strcmp (a,"sub")) printf ("subscribe %ld\n",mail_subscribe (s,x));
    else if (!strcmp (a,"unsub")) printf ("unsubscribe %ld\n",mail_unsubscribe (s,x));
    else if (!strcmp (a,"create")) printf ("create %ld\n",mail_create (s,x));
    else if (!strcmp (a,"delete")) printf ("delete %ld\n",mail_delete (s,x));
    else if (!strcmp (a,"rename")) printf ("rename %ld\n",mail_rename (s,x,y));
    else if (!strcmp (a,"copy")) printf ("copy %ld\n",mail_copy (s,x,y));
    else if (!strcmp (a,"append")) {
      STRING m;
      char *msg = "Subject: x\r\n\r\nbody\r\n";
      INIT (&m,mail_string,msg,strlen (msg));
      printf ("append %ld\n",mail_append (s,x,&m));
    }
    else if (!strcmp (a,"status")) printf ("status %ld\n",mail_status (s,x,SA_MESSAGES|SA_RECENT|SA_UNSEEN|SA_UIDNEXT|SA_UIDVALIDITY));
    else if (!strcmp (a,"search")) {
      SEARCHPGM *pgm = mail_criteria (x);
      mail_search_full (s,NIL,pgm,SE_FREE);
    }
    else if (!strcmp (a,"nread")) {
      unsigned long j;
      printf ("newsrc_read %ld\n",newsrc_read (x,s));
      for (j = 1; j <= s->nmsgs; j++) { printf ("msg %lu ",j); flags (mail_elt (s,j)); printf ("\n"); }
    }
    else if (!strcmp (a,"nwrite")) printf ("newsrc_write %ld\n",newsrc_write (x,s));
    else if (!strcmp (a,"nupdate")) printf ("newsrc_update %ld\n",newsrc_update (NIL,x,*y));
    else if (!strcmp (a,"nstate")) {
      char *st = newsrc_state (NIL,x);
      if (st) { show ("state",st,strlen (st)); fs_give ((void **) &st); }
      else printf ("state NIL\n");
    }
    else if (!strcmp (a,"nlsub")) newsrc_lsub (NIL,x);
    else if (!strcmp (a,"checkuid")) {
      char *u = y;
      unsigned long recent = 0,unseen = 0;
      while (u && *u) {
        newsrc_check_uid ((unsigned char *) x,strtoul (u,&u,10),&recent,&unseen);
        if (*u == ',') u++;
      }
      printf ("checkuid recent=%lu unseen=%lu\n",recent,unseen);
    }
    else if (!strcmp (a,"valid")) {
      DRIVER *d = mail_valid (NIL,x,NIL);
      printf ("valid %s\n",d ? d->name : "NIL");
    }
    else printf ("unknown step %s\n",a);
    free (a);
  }
  if (s) mail_close (s);
  return 0;
}
