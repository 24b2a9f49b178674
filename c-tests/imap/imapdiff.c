/* Differential IMAP client: compiled once against the ORIGINAL headers and
 * run with each library against the same Dovecot mailbox. Prints every
 * callback in order, every envelope and body structure, fetched sections,
 * flags after stores, searches, sort and thread, status, list/lsub,
 * append/copy/expunge effects, quota and ACL answers.
 *
 *   imapdiff PORT                 the whole session
 *   imapdiff PORT populate F...   append files F (LF or CRLF) to INBOX
 *                                 over one half-open stream
 *   imapdiff PORT open NAME [DISABLED-AUTHENTICATOR...]
 *                                 open NAME, show the stream, close
 *   imapdiff PORT scache          a short-cache stream (OP_SHORTCACHE)
 *   imapdiff PORT badpw [TRIALS]  wrong password for bob: the retry
 *                                 sequence (mm_login, mm_log) and LOGOUT
 * Every command the SET_SENDCOMMAND hook is told of is printed ("  sc").
 * With IMAPDIFF_DEBUG set in the environment, the names carry /debug and
 * every mm_dlog line is printed ("  dlog ..."; c-tests/imaptrace).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"
#include "imap4r1.h"

#define MM_OWN_SEARCHED
#define MM_OWN_EXISTS
#define MM_OWN_EXPUNGED
#define MM_OWN_FLAGS
#define MM_OWN_NOTIFY
#define MM_OWN_LIST
#define MM_OWN_LSUB
#define MM_OWN_STATUS
#define MM_OWN_LOG
#define MM_OWN_LOGIN
#define MM_OWN_DLOG
#include "../lib/mm_callbacks.h"

static int trace = 0;
void mm_dlog (char *t) { if (trace) printf ("  dlog %s\n",t); }

static int quiet_flags = 0;
void mm_searched (MAILSTREAM *s,unsigned long n) { printf ("  mm_searched %lu\n",n); }
void mm_exists (MAILSTREAM *s,unsigned long n) { printf ("  mm_exists %lu\n",n); }
void mm_expunged (MAILSTREAM *s,unsigned long n) { printf ("  mm_expunged %lu\n",n); }
void mm_flags (MAILSTREAM *s,unsigned long n) { if (!quiet_flags) printf ("  mm_flags %lu\n",n); }
void mm_notify (MAILSTREAM *s,char *t,long e) { printf ("  mm_notify %ld %s\n",e,t); }
void mm_list (MAILSTREAM *s,int d,char *n,long a) { printf ("  mm_list %c %s %ld\n",d ? d : '0',n,a); }
void mm_lsub (MAILSTREAM *s,int d,char *n,long a) { printf ("  mm_lsub %c %s %ld\n",d ? d : '0',n,a); }
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st)
{
  printf ("  mm_status %s flags=%ld msgs=%lu recent=%lu unseen=%lu uidnext=%lu uidvalidity=%lu\n",
	  m,st->flags,st->messages,st->recent,st->unseen,st->uidnext,st->uidvalidity);
}
void mm_log (char *t,long e) { printf ("  mm_log %ld %s\n",e,t); }
void mm_login (NETMBX *mb,char *user,char *pwd,long trial)
{
  printf ("  mm_login host=%s user=%s mailbox=%s service=%s port=%lu trial=%ld\n",
	  mb->host,mb->user,mb->mailbox,mb->service,mb->port,trial);
  strcpy (user,mb->user[0] ? mb->user : "alice");
  if (!strcmp (user,"nopw")) *pwd = '\0';	/* the user gives none */
  else strcpy (pwd,!strcmp (user,"alice") ? "alicepw" : "wrong");
}

static void pquota (MAILSTREAM *s,char *root,QUOTALIST *q)
{
  printf ("  quota %s:",root);
  for (; q; q = q->next) printf (" %s %lu/%lu",q->name,q->usage,q->limit);
  printf ("\n");
}
static void pquotaroot (MAILSTREAM *s,char *mbx,STRINGLIST *r)
{
  printf ("  quotaroot %s:",mbx);
  for (; r; r = r->next) printf (" [%s]",r->text.data);
  printf ("\n");
}
static void pacl (MAILSTREAM *s,char *mbx,ACLLIST *a)
{
  printf ("  acl %s:",mbx);
  for (; a; a = a->next) printf (" %s=%s",a->identifier,a->rights);
  printf ("\n");
}
static void pmyrights (MAILSTREAM *s,char *mbx,char *r) { printf ("  myrights %s %s\n",mbx,r); }
static void plistrights (MAILSTREAM *s,char *mbx,char *id,char *always,STRINGLIST *p)
{
  printf ("  listrights %s %s %s:",mbx,id,always);
  for (; p; p = p->next) printf (" [%s]",p->text.data);
  printf ("\n");
}

/* The SET_SENDCOMMAND hook: each command the driver tells of. */
static void sendcmd (MAILSTREAM *s,char *cmd,long flags) { printf ("  sc %s %ld\n",cmd,flags); }

static unsigned long hash (unsigned char *s,unsigned long n)
{
  unsigned long h = 5381;
  while (n--) h = (h * 33) ^ *s++;
  return h & 0xffffffff;
}

static void pstr (const char *label,char *s)
{
  printf ("%s: %s\n",label,s ? s : "NIL");
}

static void padr (const char *label,ADDRESS *a)
{
  printf ("  %s:",label);
  if (!a) printf (" NIL");
  for (; a; a = a->next)
    printf (" (%s|%s|%s|%s)",a->personal ? a->personal : "NIL",a->adl ? a->adl : "NIL",
	    a->mailbox ? a->mailbox : "NIL",a->host ? a->host : "NIL");
  printf ("\n");
}

static void penv (ENVELOPE *e)
{
  if (!e) { printf ("  envelope NIL\n"); return; }
  printf ("  date: %s\n",e->date ? (char *) e->date : "NIL");
  printf ("  subject: %s\n",e->subject ? e->subject : "NIL");
  padr ("from",e->from); padr ("sender",e->sender); padr ("reply_to",e->reply_to);
  padr ("to",e->to); padr ("cc",e->cc); padr ("bcc",e->bcc);
  printf ("  in_reply_to: %s\n",e->in_reply_to ? e->in_reply_to : "NIL");
  printf ("  message_id: %s\n",e->message_id ? e->message_id : "NIL");
  printf ("  newsgroups: %s\n",e->newsgroups ? e->newsgroups : "NIL");
  printf ("  followup_to: %s\n",e->followup_to ? e->followup_to : "NIL");
  printf ("  references: %s\n",e->references ? e->references : "NIL");
}

static void pbody (MAILSTREAM *stream,unsigned long msgno,BODY *b,char *sec,int depth)
{
  PARAMETER *p;
  PART *pt;
  int i;
  char sub[256];
  if (!b || depth > 40) return;
  printf ("  body %s: %s/%s enc=%s bytes=%lu lines=%lu",*sec ? sec : "TOP",body_types[b->type],
	  b->subtype ? b->subtype : "NIL",body_encodings[b->encoding],b->size.bytes,b->size.lines);
  for (p = b->parameter; p; p = p->next) printf (" %s=%s",p->attribute,p->value ? p->value : "NIL");
  if (b->id) printf (" id=%s",b->id);
  if (b->description) printf (" desc=%s",b->description);
  if (b->disposition.type) {
    printf (" disp=%s",b->disposition.type);
    for (p = b->disposition.parameter; p; p = p->next) printf (" %s=%s",p->attribute,p->value ? p->value : "NIL");
  }
  if (b->language) printf (" lang=%s",b->language->text.data);
  if (b->location) printf (" loc=%s",b->location);
  if (b->md5) printf (" md5=%s",b->md5);
  printf ("\n");
  if (b->type == TYPEMULTIPART) {
    for (i = 1,pt = b->nested.part; pt; pt = pt->next,i++) {
      sprintf (sub,*sec ? "%s.%d" : "%s%d",sec,i);
      pbody (stream,msgno,&pt->body,sub,depth + 1);
    }
  }
  else {
    unsigned long len = 0;
    char *t;
    char s2[300];
    if (!*sec) strcpy (sub,"1"); else strcpy (sub,sec);
    t = mail_fetchbody_full (stream,msgno,sub,&len,FT_PEEK);
    printf ("  section %s: len=%lu hash=%08lx\n",sub,len,t ? hash ((unsigned char *) t,len) : 0);
    if (*sec) {
      sprintf (s2,"%s.MIME",sub);
      t = mail_fetchbody_full (stream,msgno,s2,&len,FT_PEEK);
      printf ("  section %s: len=%lu hash=%08lx\n",s2,len,t ? hash ((unsigned char *) t,len) : 0);
    }
    if (b->type == TYPEMESSAGE && b->subtype && !strcmp (b->subtype,"RFC822") && b->nested.msg) {
      penv (b->nested.msg->env);
      sprintf (s2,"%s.HEADER",sub);
      t = mail_fetchbody_full (stream,msgno,s2,&len,FT_PEEK);
      printf ("  section %s: len=%lu hash=%08lx\n",s2,len,t ? hash ((unsigned char *) t,len) : 0);
      pbody (stream,msgno,b->nested.msg->body,sub,depth + 1);
    }
  }
}

static void pflags (MAILSTREAM *stream)
{
  unsigned long i;
  for (i = 1; i <= stream->nmsgs; i++) {
    MESSAGECACHE *e = mail_elt (stream,i);
    printf ("  flags %lu: %s%s%s%s%s%s user=%lx\n",i,e->seen ? "S" : "-",e->deleted ? "D" : "-",
	    e->flagged ? "F" : "-",e->answered ? "A" : "-",e->draft ? "T" : "-",e->recent ? "R" : "-",
	    e->user_flags);
  }
}

static void dosearch (MAILSTREAM *stream,char *charset,char *crit,long flags)
{
  printf ("search %s [%s] %ld\n",charset ? charset : "NIL",crit,flags);
  mail_search_full (stream,charset,mail_criteria (crit),flags | SE_FREE);
}

static STRING *amsg;
static long once;
static long appender (MAILSTREAM *stream,void *data,char **flags,char **date,STRING **message)
{
  static STRING s;
  char *m = (char *) data;
  if (once++) { *message = NIL; return T; }
  INIT (&s,mail_string,m,strlen (m));
  *flags = "\\Flagged \\Draft";
  *date = "05-Dec-2026 10:11:12 +0100";
  *message = &s;
  return T;
}

static void pov (MAILSTREAM *stream,unsigned long uid,OVERVIEW *ov,unsigned long msgno)
{
  ADDRESS *a;
  printf ("  ov %lu uid=%lu subject=%s date=%s id=%s refs=%s bytes=%lu lines=%lu from=",msgno,uid,
	  ov->subject ? ov->subject : "NIL",ov->date ? (char *) ov->date : "NIL",
	  ov->message_id ? ov->message_id : "NIL",ov->references ? ov->references : "NIL",
	  ov->optional.octets,ov->optional.lines);
  for (a = ov->from; a; a = a->next)
    printf ("(%s|%s|%s)",a->personal ? a->personal : "NIL",a->mailbox ? a->mailbox : "NIL",
	    a->host ? a->host : "NIL");
  printf ("\n");
}

static void pthread (THREADNODE *t,int depth)
{
  for (; t; t = t->branch) {
    printf ("%*s%lu\n",depth * 2 + 2,"",t->num);
    if (t->next) pthread (t->next,depth + 1);
  }
}

int main (int argc,char **argv)
{
  char name[512],srv[256],box[512];
  MAILSTREAM *stream;
  unsigned long i;
  int port;
#include "linkage.c"
  if (argc < 2) return 2;
  port = atoi (argv[1]);
  trace = getenv ("IMAPDIFF_DEBUG") != NIL;
  sprintf (srv,"{127.0.0.1:%d/imap/notls%s/user=alice}",port,trace ? "/debug" : "");
  sprintf (name,"%sINBOX",srv);
  mail_parameters (NIL,SET_QUOTA,(void *) pquota);
  mail_parameters (NIL,SET_QUOTAROOT,(void *) pquotaroot);
  mail_parameters (NIL,SET_ACL,(void *) pacl);
  mail_parameters (NIL,SET_MYRIGHTS,(void *) pmyrights);
  mail_parameters (NIL,SET_LISTRIGHTS,(void *) plistrights);
  mail_parameters (NIL,SET_SENDCOMMAND,(void *) sendcmd);
  if (argc > 3 && !strcmp (argv[2],"open")) {
    int k;
    for (k = 4; k < argc; k++) mail_parameters (NIL,DISABLE_AUTHENTICATOR,argv[k]);
    printf ("== open %s\n",argv[3]);
    stream = mail_open (NIL,argv[3],NIL);
    if (stream) {
      printf ("mailbox=%s nmsgs=%lu rdonly=%d\n",stream->mailbox,stream->nmsgs,stream->rdonly);
      printf ("ping %ld\n",mail_ping (stream));
      mail_close (stream);
    }
    else printf ("open failed\n");
    printf ("== done\n");
    return 0;
  }
  if (argc > 2 && !strcmp (argv[2],"badpw")) {
    char bad[512];
    if (argc > 3) mail_parameters (NIL,SET_MAXLOGINTRIALS,(void *) atol (argv[3]));
    printf ("== bad password\n");
    sprintf (bad,"{127.0.0.1:%d/imap/notls/user=bob}INBOX",port);
    stream = mail_open (NIL,bad,NIL);
    printf ("open %s\n",stream ? "succeeded" : "failed");
    if (stream) mail_close (stream);
    printf ("== done\n");
    return 0;
  }
  if (argc > 2 && !strcmp (argv[2],"scache")) {
    /* OP_SHORTCACHE: one message's envelope and body on the stream */
    printf ("== short cache\n");
    if (!(stream = mail_open (NIL,name,OP_SHORTCACHE))) { printf ("open failed\n"); return 1; }
    printf ("nmsgs=%lu scache=%d\n",stream->nmsgs,stream->scache);
    for (i = 1; i <= stream->nmsgs && i <= 16; i++) {
      BODY *body;
      ENVELOPE *env;
      MESSAGECACHE *e;
      char *t;
      printf ("message %lu\n",i);
      env = mail_fetchstructure (stream,i,&body);
      e = mail_elt (stream,i);
      printf ("  stream msgno=%lu env %s body %s; cache env %s body %s\n",stream->msgno,
	      env && env == stream->env ? "on stream" : "elsewhere",
	      body && body == stream->body ? "on stream" : "elsewhere",
	      e->private.msg.env ? "set" : "NIL",e->private.msg.body ? "set" : "NIL");
      penv (env);
      pbody (stream,i,body,"",0);
      t = mail_fetchheader (stream,i);
      printf ("  header len=%lu hash=%08lx; env %s\n",(unsigned long) strlen (t),
	      hash ((unsigned char *) t,strlen (t)),env == stream->env ? "kept" : "replaced");
    }
    {
      /* mail_gc with GC_TEXTS drops the part texts of the stream's body */
      BODY *body,*p;
      unsigned long len;
      mail_fetchstructure (stream,1,&body);
      mail_fetchbody_full (stream,1,"1",&len,FT_PEEK);
      p = mail_body (stream,1,"1");
      printf ("gc: part 1 of 1 %s\n",p && p->contents.text.data ? "cached" : "not cached");
      mail_gc (stream,GC_TEXTS);
      printf ("gc texts: part 1 of 1 %s, body %s, stream msgno=%lu\n",
	      p && p->contents.text.data ? "cached" : "not cached",
	      stream->body == body ? "kept" : "freed",stream->msgno);
    }
    if (stream->nmsgs > 1) {
      ENVELOPE *env = mail_fetchenvelope (stream,1);
      printf ("back to 1: stream msgno=%lu\n",stream->msgno);
      penv (env);
    }
    dosearch (stream,NIL,"SUBJECT the",NIL);
    printf ("after search: stream msgno=%lu\n",stream->msgno);
    if (stream->nmsgs > 1) {
      /* GC_ELT frees the elements only the cache holds */
      MESSAGECACHE *held = mail_elt (stream,2);
      unsigned long size = mail_elt (stream,1)->rfc822_size;
      held->lockcount++;
      printf ("gc elt: size of 1 %s, of 2 %lu\n",size ? "known" : "0",held->rfc822_size);
      mail_gc (stream,GC_ELT);
      printf ("after gc elt: size of 1 %lu, element 2 %s, size %lu\n",
	      mail_elt (stream,1)->rfc822_size,mail_elt (stream,2) == held ? "kept" : "freed",
	      held->rfc822_size);
      held->lockcount--;
    }
    mail_close (stream);
    printf ("== done\n");
    return 0;
  }
  if (argc > 2 && !strcmp (argv[2],"populate")) {
    int k;
    MAILSTREAM *hs = mail_open (NIL,srv,OP_HALFOPEN);
    for (k = 3; k < argc; k++) {
      FILE *f = fopen (argv[k],"rb");
      char *buf,*out;
      long n,j,o = 0;
      STRING s;
      if (!f) continue;
      fseek (f,0,SEEK_END); n = ftell (f); fseek (f,0,SEEK_SET);
      buf = malloc (n + 1); out = malloc (2 * n + 3);
      n = fread (buf,1,n,f); fclose (f);
      for (j = 0; j < n; j++) {
	if (buf[j] == '\n' && (j == 0 || buf[j-1] != '\r')) out[o++] = '\r';
	out[o++] = buf[j];
      }
      INIT (&s,mail_string,out,o);
      if (!mail_append_full (hs,name,(k % 3) ? NIL : "\\Seen",
			     "01-Jan-2020 00:00:00 +0000",&s))
	fprintf (stderr,"append of %s failed\n",argv[k]);
      free (buf); free (out);
    }
    if (hs) mail_close (hs);
    return 0;
  }

  printf ("== open\n");
  if (!(stream = mail_open (NIL,name,NIL))) { printf ("open failed\n"); return 1; }
  printf ("mailbox=%s nmsgs=%lu recent=%lu uid_last=%lu rdonly=%d perm=%d%d%d%d%d kwd=%d\n",
	  stream->mailbox,stream->nmsgs,stream->recent,stream->uid_last,stream->rdonly,
	  stream->perm_seen,stream->perm_deleted,stream->perm_flagged,stream->perm_answered,
	  stream->perm_draft,stream->kwd_create);
  printf ("== messages\n");
  for (i = 1; i <= stream->nmsgs; i++) {
    BODY *body;
    ENVELOPE *env;
    unsigned long len;
    char *t,date[64];
    printf ("message %lu\n",i);
    env = mail_fetchstructure (stream,i,&body);
    penv (env);
    pbody (stream,i,body,"",0);
    t = mail_fetchheader (stream,i);
    printf ("  header len=%lu hash=%08lx\n",(unsigned long) strlen (t),hash ((unsigned char *) t,strlen (t)));
    t = mail_fetchtext_full (stream,i,&len,FT_PEEK);
    printf ("  text len=%lu hash=%08lx\n",len,hash ((unsigned char *) t,len));
    mail_date (date,mail_elt (stream,i));
    printf ("  uid=%lu size=%lu date=%s\n",mail_uid (stream,i),mail_elt (stream,i)->rfc822_size,date);
  }
  printf ("== full fetch of 1\n");
  if (stream->nmsgs) {
    unsigned long len;
    char *t = mail_fetch_message (stream,1,&len,FT_PEEK);
    printf ("  message len=%lu hash=%08lx\n",len,hash ((unsigned char *) t,len));
    t = mail_fetchbody_full (stream,1,"1",&len,NIL);
    printf ("  body[1] (not peek) len=%lu\n",len);
  }
  printf ("== overview\n");
  mail_fetch_overview (stream,"1:*",pov);
  printf ("== fast and header lines\n");
  mail_fetch_fast (stream,"1:*",NIL);
  for (i = 1; i <= stream->nmsgs && i <= 5; i++) {
    STRINGLIST *sl = mail_newstringlist (),*sl2;
    unsigned long len;
    char *t;
    sl->text.data = (unsigned char *) cpystr ("Subject");
    sl->text.size = 7;
    sl2 = sl->next = mail_newstringlist ();
    sl2->text.data = (unsigned char *) cpystr ("From");
    sl2->text.size = 4;
    t = mail_fetch_header (stream,i,NIL,sl,&len,FT_PEEK);
    printf ("  lines %lu len=%lu hash=%08lx\n",i,len,hash ((unsigned char *) t,len));
    t = mail_fetch_header (stream,i,NIL,sl,&len,FT_PEEK | FT_NOT);
    printf ("  not lines %lu len=%lu hash=%08lx\n",i,len,hash ((unsigned char *) t,len));
    mail_free_stringlist (&sl);
    printf ("  msgno of uid %lu = %lu\n",mail_uid (stream,i),mail_msgno (stream,mail_uid (stream,i)));
  }
  printf ("== stores\n");
  mail_setflag_full (stream,"1:3","\\Flagged \\Seen",NIL);
  mail_clearflag_full (stream,"2","\\Seen",NIL);
  mail_setflag_full (stream,"4","\\Answered",NIL);
  mail_setflag_full (stream,"5","$Label1",NIL);
  if (stream->nmsgs >= 7) {
    char seq[64];
    sprintf (seq,"%lu,%lu",mail_uid (stream,6),mail_uid (stream,7));
    mail_setflag_full (stream,seq,"\\Draft \\Deleted",ST_UID);
    sprintf (seq,"%lu",mail_uid (stream,7));
    mail_clearflag_full (stream,seq,"\\Deleted",ST_UID | ST_SILENT);
    mail_setflag_full (stream,"6:7","$Label2 \\Answered",ST_SILENT);
  }
  mail_fetch_flags (stream,"1:*",NIL);
  pflags (stream);
  printf ("== searches\n");
  dosearch (stream,NIL,"ALL",NIL);
  dosearch (stream,NIL,"FLAGGED",NIL);
  dosearch (stream,NIL,"UNSEEN",NIL);
  dosearch (stream,NIL,"SUBJECT the",NIL);
  dosearch (stream,NIL,"FROM a",NIL);
  dosearch (stream,NIL,"TEXT mime",NIL);
  dosearch (stream,NIL,"BODY test",SE_UID);
  dosearch (stream,"UTF-8","SUBJECT re",NIL);
  dosearch (stream,NIL,"SINCE 1-Jan-2000 UNANSWERED",NIL);
  dosearch (stream,NIL,"OR FLAGGED ANSWERED",NIL);
  dosearch (stream,NIL,"NOT SEEN LARGER 2000",NIL);
  dosearch (stream,NIL,"SMALLER 3000 UNDELETED",SE_UID);
  dosearch (stream,NIL,"HEADER Message-ID example",NIL);
  dosearch (stream,NIL,"KEYWORD $Label1",NIL);
  dosearch (stream,NIL,"UNKEYWORD $Label1 DRAFT",NIL);
  dosearch (stream,NIL,"BEFORE 1-Jan-2030 TO alice",NIL);
  dosearch (stream,NIL,"SENTSINCE 1-Jan-1990 SENTBEFORE 1-Jan-2030",NIL);
  dosearch (stream,NIL,"CC a BCC b",NIL);
  dosearch (stream,NIL,"NEW",NIL);
  dosearch (stream,NIL,"OLD RECENT",NIL);
  dosearch (stream,"ISO-8859-1","SUBJECT mail",NIL);
  dosearch (stream,"UTF-8","BODY the",SE_UID);
  printf ("== sort\n");
  {
    SORTPGM *pg = mail_newsortpgm ();
    unsigned long *r;
    pg->function = SORTSUBJECT;
    r = (*stream->dtb->sort) (stream,NIL,mail_newsearchpgm (),pg,SE_FREE);
    printf ("  sort subject:");
    if (r) for (i = 0; r[i]; i++) printf (" %lu",r[i]);
    printf ("\n");
    pg = mail_newsortpgm (); pg->function = SORTSIZE; pg->reverse = T;
    r = (*stream->dtb->sort) (stream,NIL,mail_newsearchpgm (),pg,SE_FREE);
    printf ("  sort reverse size:");
    if (r) for (i = 0; r[i]; i++) printf (" %lu",r[i]);
    printf ("\n");
  }
  printf ("== thread\n");
  {
    THREADNODE *t = (*stream->dtb->thread) (stream,"REFERENCES",NIL,mail_newsearchpgm (),SE_FREE);
    pthread (t,0);
  }
  printf ("== status\n");
  mail_status (stream,name,SA_MESSAGES|SA_RECENT|SA_UNSEEN|SA_UIDNEXT|SA_UIDVALIDITY);
  printf ("== mailboxes\n");
  sprintf (box,"%sTest1",srv);
  printf ("create %ld\n",mail_create (stream,box));
  printf ("subscribe %ld\n",mail_subscribe (stream,box));
  mail_list (stream,srv,"*");
  mail_lsub (stream,srv,"*");
  {
    char box2[512];
    sprintf (box2,"%sTest2",srv);
    printf ("rename %ld\n",mail_rename (stream,box,box2));
    printf ("create again %ld\n",mail_create (stream,box2));
    mail_list (stream,srv,"Test%");
    printf ("copy %ld\n",mail_copy_full (stream,"1:2","Test2",NIL));
    once = 0;
    printf ("append %ld\n",mail_append_multiple (stream,box2,appender,
      "From: Someone <someone@example.com>\r\nTo: alice@example.com\r\nSubject: appended\r\nMessage-ID: <app1@example.com>\r\n\r\nHello there.\r\n"));
    mail_status (stream,box2,SA_MESSAGES|SA_UNSEEN);
    printf ("copy to missing %ld\n",mail_copy_full (stream,"1","NoSuchBox",NIL));
    printf ("move %ld\n",mail_move (stream,"2","Test2"));
    printf ("nmsgs=%lu\n",stream->nmsgs);
    mail_status (stream,box2,SA_MESSAGES|SA_UNSEEN|SA_RECENT);
    mail_status (NIL,box2,SA_MESSAGES);
    mail_list (stream,srv,"%");
    mail_list (stream,srv,"INBOX*");
    mail_list (stream,srv,"NoSuch*");
    mail_lsub (stream,srv,"T*");
    printf ("unsubscribe %ld\n",mail_unsubscribe (stream,box));
    printf ("delete %ld\n",mail_delete (stream,box2));
    printf ("delete missing %ld\n",mail_delete (stream,box2));
  }
  printf ("== read in order\n");
  /* Peeking reads of whole headers and texts, in order, after the cache
   * was emptied: header then text of each message, then whole messages
   * (header and text in one request), then backwards; an expunge in the
   * middle of an in-order walk. */
  mail_gc (stream,GC_TEXTS);
  for (i = 1; i <= stream->nmsgs; i++) {
    unsigned long len,len2;
    char *h = mail_fetchheader_full (stream,i,NIL,&len,FT_PEEK);
    unsigned long hh = hash ((unsigned char *) h,len);
    char *t = mail_fetchtext_full (stream,i,&len2,FT_PEEK);
    printf ("  %lu header %lu %08lx text %lu %08lx\n",i,len,hh,len2,hash ((unsigned char *) t,len2));
  }
  mail_gc (stream,GC_TEXTS);
  for (i = 1; i <= stream->nmsgs; i++) {
    unsigned long len;
    char *t = mail_fetch_message (stream,i,&len,FT_PEEK);
    printf ("  %lu message %lu %08lx\n",i,len,hash ((unsigned char *) t,len));
  }
  mail_gc (stream,GC_TEXTS);
  for (i = stream->nmsgs; i >= 1; i--) {
    unsigned long len;
    char *t = mail_fetchtext_full (stream,i,&len,FT_PEEK);
    printf ("  %lu text %lu %08lx\n",i,len,hash ((unsigned char *) t,len));
  }
  mail_gc (stream,GC_TEXTS);
  for (i = 1; i <= stream->nmsgs; i++) {
    unsigned long len;
    char *t = mail_fetchtext_full (stream,i,&len,FT_PEEK);
    printf ("  %lu text %lu %08lx\n",i,len,hash ((unsigned char *) t,len));
    if (i == 6 && stream->nmsgs > 12) {
      mail_setflag_full (stream,"9","\\Deleted",NIL);
      printf ("  expunge 9: %ld nmsgs=%lu\n",mail_expunge (stream),stream->nmsgs);
    }
  }
  printf ("== expunge\n");
  mail_setflag_full (stream,"3","\\Deleted",NIL);
  printf ("expunge %ld\n",mail_expunge (stream));
  printf ("nmsgs=%lu\n",stream->nmsgs);
  mail_setflag_full (stream,"1","\\Deleted",NIL);
  printf ("uid expunge %ld\n",mail_expunge_full (stream,"1",NIL));
  printf ("nmsgs=%lu\n",stream->nmsgs);
  pflags (stream);
  printf ("== quota and acl\n");
  imap_getquotaroot (stream,"INBOX");
  imap_getacl (stream,"INBOX");
  imap_myrights (stream,"INBOX");
  printf ("setacl %ld\n",imap_setacl (stream,"INBOX","bob","lrs"));
  printf ("getacl %ld\n",imap_getacl (stream,"INBOX"));
  printf ("listrights %ld\n",imap_listrights (stream,"INBOX","bob"));
  printf ("deleteacl %ld\n",imap_deleteacl (stream,"INBOX","bob"));
  printf ("getacl %ld\n",imap_getacl (stream,"INBOX"));
  printf ("setacl missing %ld\n",imap_setacl (stream,"NoSuchBox","bob","lr"));
  printf ("getquota %ld\n",imap_getquota (stream,"User quota"));
  {
    STRINGLIST *l = mail_newstringlist ();
    l->text.data = (unsigned char *) cpystr ("STORAGE");
    l->text.size = 7;
    l->next = mail_newstringlist ();
    l->next->text.data = (unsigned char *) cpystr ("1000");
    l->next->text.size = 4;
    printf ("setquota %ld\n",imap_setquota (stream,"User quota",l));
    mail_free_stringlist (&l);
  }
  printf ("== ping\n");
  printf ("ping %ld\n",mail_ping (stream));
  mail_check (stream);
  printf ("== close\n");
  mail_close (stream);
  printf ("== done\n");
  return 0;
}
