/* The nntp driver read through c-client, for the nntp suite: compiled
 * once against the original's headers, run with either library against
 * the same private INN (or a scripted peer) and the same HOME.
 *
 *   nntpread HOSTSPEC GROUP OTHER      e.g. nntpread 127.0.0.1:14420 test.one test.two
 *   nntpread HOSTSPEC GROUP - hostile  (a scripted peer: open, overviews,
 *                                       texts, close; nothing else)
 *
 * Output comes in sections ("== name"), which the suite compares one by
 * one. Every callback is printed as it comes. */
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

void mm_exists (MAILSTREAM *s,unsigned long n) { printf ("* exists %lu\n",n); }
void mm_expunged (MAILSTREAM *s,unsigned long n) { printf ("* expunged %lu\n",n); }
void mm_flags (MAILSTREAM *s,unsigned long n) { printf ("* flags %lu\n",n); }
void mm_notify (MAILSTREAM *s,char *t,long e) { printf ("* notify %ld %s\n",e,t); }
void mm_log (char *t,long e) { printf ("* log %ld %s\n",e,t); }
void mm_searched (MAILSTREAM *s,unsigned long n) { printf (" %lu",n); }
void mm_list (MAILSTREAM *s,int d,char *n,long a) { printf ("* list %c %s %ld\n",d ? d : '0',n,a); }
void mm_lsub (MAILSTREAM *s,int d,char *n,long a) { printf ("* lsub %c %s %ld\n",d ? d : '0',n,a); }
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st)
{
  printf ("* status %s flags=%lx messages=%lu recent=%lu unseen=%lu uidnext=%lu uidvalidity=%lu\n",
          m,st->flags,st->messages,st->recent,st->unseen,st->uidnext,st->uidvalidity);
}

static void section (const char *name) { printf ("== %s\n",name); }

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

/* Header lines the server makes up (path, dates, ids, sizes) blanked. */
static int volatile_field (const char *line)
{
  static const char *v[] = { "Path:","Date:","Message-ID:","Injection-","NNTP-Posting-",
                             "Xref:","Lines:",NIL };
  int i;
  for (i = 0; v[i]; i++) if (!strncasecmp (line,v[i],strlen (v[i]))) return 1;
  return 0;
}

static void show_header (char *h,unsigned long n)
{
  char *copy = malloc (n + 1),*line,*save;
  int skip = 0;
  memcpy (copy,h,n); copy[n] = '\0';
  printf ("header %s:\n",(n >= 4 && !strcmp (h + n - 4,"\r\n\r\n")) ? "ends CRLFCRLF" : "open");
  for (line = strtok_r (copy,"\r\n",&save); line; line = strtok_r (NIL,"\r\n",&save)) {
    if (*line == '\t' || *line == ' ') { if (!skip) printf ("  %s\n",line); continue; }
    if ((skip = volatile_field (line))) printf ("  %.*s ...\n",(int) (strchr (line,':') - line),line);
    else printf ("  %s\n",line);
  }
  free (copy);
}

static void show_adr (const char *label,ADDRESS *a)
{
  printf ("  %s:",label);
  for (; a; a = a->next)
    printf (" [%s|%s|%s]",a->personal ? a->personal : "",a->mailbox ? a->mailbox : "",
            a->host ? a->host : "");
  printf ("\n");
}

static void ov (MAILSTREAM *s,unsigned long uid,OVERVIEW *o,unsigned long msgno)
{
  if (!o) { printf ("overview msgno=%lu uid=%lu (none)\n",msgno,uid); return; }
  printf ("overview msgno=%lu uid=%lu subject=%s from=%s@%s octets=%s lines=%lu refs=%s xref=%s\n",
          msgno,uid,o->subject ? o->subject : "(nil)",
          o->from && o->from->mailbox ? o->from->mailbox : "(nil)",
          o->from && o->from->host ? o->from->host : "(nil)",
          o->optional.octets ? "some" : "none",o->optional.lines,
          o->references && *o->references ? o->references : "(none)",
          o->optional.xref ? "some" : "none");
}

static void flags (MAILSTREAM *s)
{
  unsigned long i;
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e = mail_elt (s,i);
    printf ("flags %lu uid=%lu seen=%d deleted=%d recent=%d flagged=%d answered=%d valid=%d\n",
            i,mail_uid (s,i),e->seen,e->deleted,e->recent,e->flagged,e->answered,e->valid);
  }
}

static void srch (MAILSTREAM *s,char *crit,long flags)
{
  printf ("search %s%s%s:",crit,(flags & SE_UID) ? " (uid)" : "",
          (flags & SO_OVERVIEW) ? " (overview)" : "");
  mail_search_full (s,NIL,mail_criteria (crit),flags | SE_FREE);
  printf ("\n");
}


/* Programs mail_criteria cannot express (it knows IMAP2's keys only). */
static void srchp (MAILSTREAM *s,const char *label,SEARCHPGM *pgm,long flags)
{
  printf ("search %s%s%s:",label,(flags & SE_UID) ? " (uid)" : "",
          (flags & SO_OVERVIEW) ? " (overview)" : "");
  mail_search_full (s,NIL,pgm,flags | SE_FREE);
  printf ("\n");
}

static STRINGLIST *str (char *t)
{
  STRINGLIST *l = mail_newstringlist ();
  l->text.data = (unsigned char *) cpystr (t);
  l->text.size = strlen (t);
  return l;
}

static SEARCHPGM *hdr (char *field,char *text)
{
  SEARCHPGM *p = mail_newsearchpgm ();
  p->header = mail_newsearchheader (field,text);
  return p;
}

static void srt (MAILSTREAM *s,short key,int reverse,long flags)
{
  SORTPGM *pgm = mail_newsortpgm ();
  unsigned long *r,*p;
  pgm->function = key;
  pgm->reverse = reverse;
  r = mail_sort (s,NIL,mail_criteria ("ALL"),pgm,flags | SE_FREE);
  printf ("sort %d%s%s:",key,reverse ? " rev" : "",(flags & SE_UID) ? " uid" : "");
  if (r) { for (p = r; *p; p++) printf (" %lu",*p); fs_give ((void **) &r); }
  else printf (" (nil)");
  printf ("\n");
  mail_free_sortpgm (&pgm);
}

static void tree (THREADNODE *t,int depth)
{
  for (; t; t = t->branch) {
    printf ("%*s%lu\n",depth * 2 + 2,"",t->num);
    tree (t->next,depth + 1);
  }
}

static void thr (MAILSTREAM *s,char *type)
{
  THREADNODE *t = mail_thread (s,type,NIL,mail_criteria ("ALL"),SE_FREE);
  printf ("thread %s:\n",type);
  tree (t,0);
  if (t) mail_free_threadnode (&t);
}

int main (int argc,char **argv)
{
  char mbx[MAILTMPLEN],other[MAILTMPLEN],ref[MAILTMPLEN],tmp[MAILTMPLEN];
  MAILSTREAM *s;
  unsigned long i,n;
  int hostile;
#include "linkage.c"
  if (argc < 4) return 2;
  hostile = argc > 4 && !strcmp (argv[4],"hostile");
  /* a stalled hostile server ends the wait after this many seconds */
  if (hostile) mail_parameters (NIL,SET_READTIMEOUT,(void *) 3);
  setvbuf (stdout,NIL,_IOLBF,0);
  myusername ();
  sprintf (ref,"{%s/nntp}#news.",argv[1]);
  sprintf (mbx,"{%s/nntp}#news.%s",argv[1],argv[2]);
  sprintf (other,"{%s/nntp}#news.%s",argv[1],argv[3]);

  if (!hostile) {
    section ("list");
    mail_list (NIL,ref,"*");
    mail_list (NIL,ref,"test.%");
    mail_list (NIL,ref,"%");
    mail_list (NIL,ref,"");
    mail_list (NIL,ref,"nosuch.*");
    section ("status");
    mail_status (NIL,mbx,SA_MESSAGES|SA_RECENT|SA_UNSEEN|SA_UIDNEXT|SA_UIDVALIDITY);
    mail_status (NIL,mbx,SA_MESSAGES);
    mail_status (NIL,other,SA_MESSAGES|SA_UNSEEN);
    sprintf (tmp,"{%s/nntp}#news.nosuch.group",argv[1]);
    printf ("status nosuch %ld\n",mail_status (NIL,tmp,SA_MESSAGES));
    sprintf (tmp,"{%s/nntp}#mh/bogus",argv[1]);
    printf ("status bogus %ld\n",mail_status (NIL,tmp,SA_MESSAGES));
    section ("open missing group");
    sprintf (tmp,"{%s/nntp}#news.nosuch.group",argv[1]);
    printf ("open %s\n",mail_open (NIL,tmp,NIL) ? "ok" : "failed");
  }
  section ("open");
  if (!(s = mail_open (NIL,mbx,NIL))) { printf ("open failed\n"); return 1; }
  printf ("nmsgs=%lu recent=%lu rdonly=%d uidvalidity=%lu uid_last=%lu mailbox=%s\n",
          s->nmsgs,s->recent,s->rdonly,s->uid_validity,s->uid_last,s->mailbox);
  printf ("newsrc=%s\n",(char *) mail_parameters (s,GET_NEWSRC,s) ? "set" : "(nil)");
  flags (s);
  section ("overview");
  if (s->nmsgs) {
    sprintf (tmp,"%lu:%lu",mail_uid (s,1),mail_uid (s,s->nmsgs));
    mail_fetch_overview (s,tmp,ov);
    mail_fetch_overview (s,"2",ov);
    mail_fetch_overview (s,"*",ov);
  }
  section ("headers and texts");
  for (i = 1; i <= s->nmsgs; i++) {
    char *h = mail_fetchheader_full (s,i,NIL,&n,FT_PEEK);
    printf ("msg %lu uid %lu\n",i,mail_uid (s,i));
    show_header (h,n);
    h = mail_fetchtext_full (s,i,&n,FT_PEEK);
    show ("text",h,n);
  }
  if (hostile) {
    section ("close");
    mail_close (s);
    return 0;
  }
  section ("structure");
  for (i = 1; i <= s->nmsgs; i++) {
    BODY *b;
    ENVELOPE *e = mail_fetchstructure (s,i,&b);
    printf ("msg %lu subject=%s newsgroups=%s\n",i,e->subject ? e->subject : "(nil)",
            e->newsgroups ? e->newsgroups : "(nil)");
    show_adr ("from",e->from);
    printf ("  references=%s followup_to=%s\n",e->references ? e->references : "(nil)",
            e->followup_to ? e->followup_to : "(nil)");
    printf ("  body type=%d subtype=%s parts=%lu\n",b->type,b->subtype ? b->subtype : "(nil)",
            (b->type == TYPEMULTIPART) ? (unsigned long) (b->nested.part ? 1 : 0) : 0UL);
    if (b->type == TYPEMULTIPART) {
      char *t = mail_fetchbody_full (s,i,"2",&n,FT_PEEK);
      show ("  part 2",t,n);
    }
  }
  section ("fast and flags");
  mail_fetchfast (s,"1:*");
  mail_fetchflags (s,"1:*");
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e = mail_elt (s,i);
    printf ("msg %lu size=%s date=%d-%d-%d\n",i,e->rfc822_size ? "some" : "none",
            e->year + BASEYEAR,e->month,e->day);
  }
  flags (s);
  section ("search");
  srch (s,"ALL",NIL);
  srch (s,"SUBJECT hello",NIL);
  srch (s,"SUBJECT hello",SO_OVERVIEW);
  srch (s,"FROM bob",SO_OVERVIEW);
  srch (s,"FROM alice",NIL);
  srch (s,"BODY dotted",NIL);
  srch (s,"BODY dotted",SO_OVERVIEW);
  srch (s,"TEXT multipart",NIL);
  srchp (s,"HEADER X-Corpus thread",hdr ("X-Corpus","thread"),SO_OVERVIEW);
  srchp (s,"HEADER X-Corpus thread",hdr ("X-Corpus","thread"),NIL);
  srchp (s,"HEADER X-Corpus reply",hdr ("X-Corpus","reply"),SO_OVERVIEW);
  srchp (s,"HEADER X-Long empty",hdr ("X-Long",""),SO_OVERVIEW);
  srchp (s,"HEADER X-Long second",hdr ("X-Long","second line"),SO_OVERVIEW);
  { SEARCHPGM *p = mail_newsearchpgm (); p->larger = 600; srchp (s,"LARGER 600",p,SO_OVERVIEW); }
  { SEARCHPGM *p = mail_newsearchpgm (); p->smaller = 600; srchp (s,"SMALLER 600",p,SO_OVERVIEW); }
  { SEARCHPGM *p = mail_newsearchpgm (); p->larger = 600; srchp (s,"LARGER 600 plain",p,NIL); }
  { SEARCHPGM *p = mail_newsearchpgm ();
    p->or = mail_newsearchor ();
    p->or->first->subject = str ("one"); p->or->second->subject = str ("multipart");
    srchp (s,"OR SUBJECT one SUBJECT multipart",p,SO_OVERVIEW); }
  { SEARCHPGM *p = mail_newsearchpgm ();
    p->not = mail_newsearchpgmlist (); p->not->pgm->subject = str ("hello");
    srchp (s,"NOT SUBJECT hello",p,SO_OVERVIEW); }
  { SEARCHPGM *p = mail_newsearchpgm ();
    p->uid = mail_newsearchset (); p->uid->first = 2; p->uid->last = 3;
    srchp (s,"UID 2:3",p,SE_UID | SO_OVERVIEW); }
  { SEARCHPGM *p = mail_newsearchpgm ();
    p->msgno = mail_newsearchset (); p->msgno->first = 4;
    p->subject = str ("cross");
    srchp (s,"4 SUBJECT cross",p,SO_OVERVIEW); }
  { SEARCHPGM *p = mail_newsearchpgm (); p->newsgroups = str ("test.two");
    srchp (s,"NEWSGROUPS test.two",p,SO_OVERVIEW); }
  { SEARCHPGM *p = mail_newsearchpgm (); p->followup_to = str ("test.two");
    srchp (s,"FOLLOWUP-TO test.two",p,NIL); }
  { SEARCHPGM *p = mail_newsearchpgm (); p->references = str ("two@corpus");
    srchp (s,"REFERENCES two@corpus",p,SO_OVERVIEW); }
  { SEARCHPGM *p = mail_newsearchpgm (); p->message_id = str ("mime@");
    srchp (s,"MESSAGE-ID mime@",p,SO_OVERVIEW); }
  { SEARCHPGM *p = mail_newsearchpgm (); p->sentsince = mail_shortdate (30,1,1);
    srchp (s,"SENTSINCE 1-Jan-2000",p,SO_OVERVIEW); }
  { SEARCHPGM *p = mail_newsearchpgm (); p->younger = 86400;
    srchp (s,"YOUNGER 86400",p,SO_OVERVIEW); }
  srch (s,"SINCE 1-Jan-2000",SO_OVERVIEW);
  srch (s,"BEFORE 1-Jan-2000",SO_OVERVIEW);
  srch (s,"UNSEEN",NIL);
  srch (s,"DELETED",NIL);
  srch (s,"TO carol",SO_OVERVIEW);
  srch (s,"CC carol",SO_OVERVIEW);
  srch (s,"KEYWORD foo",NIL);
  srch (s,"FLAGGED",SO_OVERVIEW);
  srch (s,"SUBJECT hello",SO_OVERVIEW | SE_UID);
  section ("sort");
  srt (s,SORTSUBJECT,0,NIL);
  srt (s,SORTDATE,0,NIL);
  srt (s,SORTDATE,1,SE_UID);
  srt (s,SORTFROM,0,NIL);
  srt (s,SORTSIZE,0,NIL);
  srt (s,SORTARRIVAL,1,NIL);
  section ("thread");
  thr (s,"ORDEREDSUBJECT");
  thr (s,"REFERENCES");
  section ("read marks");
  mail_fetchtext (s,1);
  flags (s);
  if (s->nmsgs > 1) mail_setflag (s,"2","\\Deleted");
  mail_setflag (s,"1","\\Flagged");
  flags (s);
  section ("ping check expunge copy append");
  printf ("ping %ld\n",mail_ping (s));
  mail_check (s);
  printf ("expunge %ld\n",mail_expunge (s));
  printf ("copy %ld\n",mail_copy (s,"1","INBOX.copy"));
  {
    STRING st;
    INIT (&st,mail_string,(void *) "Subject: x\r\n\r\nx\r\n",17);
    printf ("append %ld\n",mail_append (s,mbx,&st));
  }
  printf ("create %ld\n",mail_create (s,mbx));
  printf ("delete %ld\n",mail_delete (s,mbx));
  printf ("rename %ld\n",mail_rename (s,mbx,other));
  mail_scan (s,ref,"*","foo");
  section ("subscribe and lsub");
  printf ("subscribe %ld\n",mail_subscribe (s,mbx));
  printf ("subscribe %ld\n",mail_subscribe (s,other));
  mail_lsub (s,ref,"*");
  printf ("unsubscribe %ld\n",mail_unsubscribe (s,other));
  mail_lsub (s,ref,"test.%");
  mail_lsub (s,ref,"*");
  section ("status while open");
  mail_status (s,other,SA_MESSAGES|SA_RECENT|SA_UNSEEN|SA_UIDNEXT);
  mail_status (s,mbx,SA_MESSAGES|SA_RECENT|SA_UNSEEN|SA_UIDNEXT);
  printf ("nmsgs=%lu\n",s->nmsgs);
  srch (s,"SUBJECT hello",SO_OVERVIEW);
  section ("recycle to the other group");
  s = mail_open (s,other,NIL);
  if (!s) { printf ("recycle failed\n"); return 1; }
  printf ("nmsgs=%lu recent=%lu mailbox=%s\n",s->nmsgs,s->recent,s->mailbox);
  flags (s);
  if (s->nmsgs) mail_fetch_overview (s,"1:*",ov);
  section ("close");
  mail_close (s);
  section ("reopen");
  if (!(s = mail_open (NIL,mbx,OP_READONLY))) { printf ("open failed\n"); return 1; }
  printf ("nmsgs=%lu recent=%lu\n",s->nmsgs,s->recent);
  flags (s);
  srch (s,"UNDELETED",SO_OVERVIEW);
  mail_setflag (s,"1:*","\\Deleted");
  mail_close (s);
  section ("one newsrc per host");
  if ((s = mail_open (NIL,mbx,OP_MULNEWSRC | OP_READONLY))) {
    printf ("nmsgs=%lu recent=%lu newsrc=%s\n",s->nmsgs,s->recent,
            (char *) mail_parameters (s,GET_NEWSRC,s));
    flags (s);
    mail_setflag (s,"1","\\Deleted");
    mail_close (s);
  }
  mail_status (NIL,mbx,SA_MESSAGES|SA_UNSEEN|SA_RECENT|SA_MULNEWSRC);
  section ("half-open");
  sprintf (tmp,"{%s/nntp}",argv[1]);
  if ((s = mail_open (NIL,tmp,OP_HALFOPEN))) {
    printf ("halfopen=%d nmsgs=%lu mailbox=%s\n",s->halfopen,s->nmsgs,s->mailbox);
    mail_list (s,ref,"test.t*");
    mail_status (s,mbx,SA_MESSAGES|SA_UNSEEN|SA_RECENT);
    mail_close (s);
  }
  else printf ("halfopen failed\n");
  section ("status after");
  mail_status (NIL,mbx,SA_MESSAGES|SA_RECENT|SA_UNSEEN|SA_UIDNEXT);
  return 0;
}
