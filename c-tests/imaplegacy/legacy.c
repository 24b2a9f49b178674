/* Differential client for c-tests/imaplegacy: built against the original's
 * headers, run with the original library and with ours; every callback
 * is printed. The server (server.py) logs the wire separately.
 *
 *   legacy PORT annot       ANNOTATEMORE calls and imap_send_qstring
 *   legacy PORT level K     one server generation (0 IMAP4rev1, 1 IMAP4,
 *                           2 IMAP2bis): list, lsub, status, subscribe,
 *                           create, store, copy, uid, append, close
 *   legacy PORT fetch K     envelope, structure and texts at level K
 *   legacy PORT referral    referrals from PORT+3 followed (hook) or not
 *   legacy PORT envelope    the SET_IMAPENVELOPE hook
 *   legacy PORT loser LPORT the "/loser" workarounds against LPORT
 *   legacy PORT retry LPORT SEARCH/SORT/THREAD refused with BAD at LPORT
 *   legacy PORT lookahead   the application's lookahead set
 *                           (GET_FETCHLOOKAHEAD) with SET_LOOKAHEAD 0
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "c-client.h"
#include "imap4r1.h"

static void pr (const char *k,const char *s) { printf ("%s %s\n",k,s ? s : "(null)"); }
void mm_searched (MAILSTREAM *stream,unsigned long n) { printf ("mm_searched %lu\n",n); }
void mm_exists (MAILSTREAM *stream,unsigned long n) { printf ("mm_exists %lu\n",n); }
void mm_expunged (MAILSTREAM *stream,unsigned long n) { printf ("mm_expunged %lu\n",n); }
void mm_flags (MAILSTREAM *stream,unsigned long n) { printf ("mm_flags %lu\n",n); }
void mm_notify (MAILSTREAM *stream,char *s,long e) { printf ("mm_notify %ld %s\n",e,s); }
void mm_list (MAILSTREAM *stream,int d,char *name,long a)
{ printf ("mm_list %d %s %ld\n",d,name,a); }
void mm_lsub (MAILSTREAM *stream,int d,char *name,long a)
{ printf ("mm_lsub %d %s %ld\n",d,name,a); }
void mm_status (MAILSTREAM *stream,char *m,MAILSTATUS *s)
{ printf ("mm_status %s flags=%ld messages=%lu recent=%lu unseen=%lu\n",m,s->flags,
	  s->messages,s->recent,s->unseen); }
void mm_log (char *s,long e) { printf ("mm_log %ld %s\n",e,s); }
void mm_dlog (char *s) { printf ("mm_dlog %s\n",s); }
void mm_login (NETMBX *mb,char *user,char *pwd,long trial)
{ printf ("mm_login %s %ld\n",mb->host,trial); strcpy (user,"alice"); strcpy (pwd,"secret"); }
void mm_critical (MAILSTREAM *stream) {}
void mm_nocritical (MAILSTREAM *stream) {}
long mm_diskerror (MAILSTREAM *stream,long e,long serious) { return T; }
void mm_fatal (char *s) { printf ("mm_fatal %s\n",s); }

static int port;

/* SET_SENDCOMMAND: each command the driver tells of */
static void sendcmd (MAILSTREAM *s,char *cmd,long flags) { printf ("sc %s %ld\n",cmd,flags); }

static void annot_cb (MAILSTREAM *stream,ANNOTATION *a)
{
  ANNOTATION_VALUES *v;
  printf ("annotation mbox=%s entry=%s\n",a->mbox ? a->mbox : "(null)",
	  a->entry ? a->entry : "(null)");
  for (v = a->values; v; v = v->next)
    printf ("  attr=%s value=%s\n",v->attr ? v->attr : "(null)",
	    v->value ? v->value : "(null)");
}

static STRINGLIST *sl (char **v)
{
  STRINGLIST *h = NIL,**t = &h;
  for (; *v; v++) {
    *t = mail_newstringlist ();
    (*t)->text.data = (unsigned char *) cpystr (*v);
    (*t)->text.size = strlen (*v);
    t = &(*t)->next;
  }
  return h;
}

static MAILSTREAM *op (int p,char *mbx,long opts)
{
  char name[256];
  sprintf (name,"{127.0.0.1:%d/imap/notls/user=alice}%s",p,mbx);
  return mail_open (NIL,name,opts);
}

static void annot (void)
{
  char *ent[] = {"/comment","/vendor/x",NIL},*att[] = {"value.priv","size.priv",NIL};
  char *one[] = {"/x",NIL},*q[] = {"a\"b\\c",NIL};
  STRINGLIST *e = sl (ent),*a = sl (att),*e1 = sl (one),*qq = sl (q);
  ANNOTATION an;
  ANNOTATION_VALUES v1,v2;
  char big[1500],buf[3000],*s;
  SIZEDTEXT st;
  MAILSTREAM *stream = op (port,"INBOX",NIL);
  if (!stream) { printf ("open failed\n"); return; }
  mail_parameters (NIL,SET_ANNOTATION,(void *) annot_cb);
  printf ("get=%ld\n",imap_getannotation (stream,"INBOX",e,a));
  printf ("get refused=%ld\n",imap_getannotation (stream,"REFUSE",e1,a));
  printf ("get quote=%ld\n",imap_getannotation (stream,"a b",qq,a));
  an.mbox = "INBOX"; an.entry = "/comment"; an.values = &v1;
  v1.attr = "value.priv"; v1.value = "new \"text\""; v1.next = &v2;
  v2.attr = "content-type.priv"; v2.value = "text/plain"; v2.next = NIL;
  printf ("set=%ld\n",imap_setannotation (stream,&an));
  an.values = NIL;
  printf ("set none=%ld\n",imap_setannotation (stream,&an));
  memset (big,'x',sizeof (big) - 1); big[sizeof (big) - 1] = '\0';
  an.values = &v1; v1.value = big; v1.next = NIL;
  printf ("set big=%ld\n",imap_setannotation (stream,&an));
  an.mbox = "REFUSE"; v1.value = "v";
  printf ("set refused=%ld\n",imap_setannotation (stream,&an));
  /* without a hook the answers go nowhere */
  mail_parameters (NIL,SET_ANNOTATION,NIL);
  printf ("get nohook=%ld\n",imap_getannotation (stream,"INBOX",e1,a));
  {				/* the quoted form, written in a buffer */
    extern void *imap_send_qstring (MAILSTREAM *,char *,char **,SIZEDTEXT *,char *);
    s = buf; st.data = (unsigned char *) "ab\"c\\d"; st.size = 6;
    printf ("qstring=%p",imap_send_qstring (stream,"T1",&s,&st,buf + 1000));
    *s = '\0'; printf (" [%s]\n",buf);
    s = buf; st.data = NIL; st.size = 0;
    printf ("qstring empty=%p",imap_send_qstring (stream,"T1",&s,&st,buf + 1000));
    *s = '\0'; printf (" [%s]\n",buf);
  }
  mail_close (stream);
  mail_free_stringlist (&e); mail_free_stringlist (&a);
  mail_free_stringlist (&e1); mail_free_stringlist (&qq);
}

static STRING msgs[2];
static int nmsg;
static long afn (MAILSTREAM *stream,void *data,char **flags,char **date,STRING **message)
{
  static char *fl[] = {"\\Seen","(\\Deleted)"};
  static char *dt[] = {"Mon, 1 Jan 2024 10:00:00 +0100","2 Feb 2024 11:12:13 -0500"};
  char *txt = "From: x@example.com\r\nSubject: appended\r\n\r\nhello\r\n";
  if (nmsg >= 2) { *message = NIL; return T; }
  INIT (&msgs[nmsg],mail_string,txt,strlen (txt));
  *flags = fl[nmsg]; *date = dt[nmsg]; *message = &msgs[nmsg];
  printf ("append callback %d\n",nmsg);
  nmsg++;
  return T;
}

static void level (int k)
{
  char name[256],ref[256];
  unsigned long i;
  MAILSTREAM *stream = op (port + k,"INBOX",NIL);
  if (!stream) { printf ("open failed\n"); return; }
  printf ("nmsgs=%lu recent=%lu perm seen=%d deleted=%d user=%lx\n",stream->nmsgs,
	  stream->recent,stream->perm_seen,stream->perm_deleted,stream->perm_user_flags);
  printf ("cap rev1=%d imap4=%d imap2bis=%d rfc1176=%d\n",
	  imap_cap (stream)->imap4rev1,imap_cap (stream)->imap4,
	  imap_cap (stream)->imap2bis,imap_cap (stream)->rfc1176);
  sprintf (ref,"{127.0.0.1:%d/imap/notls/user=alice}",port + k);
  mail_list (stream,ref,"%");
  mail_list (stream,ref,"a/%");
  mail_lsub (stream,ref,"*");
  sprintf (name,"%sINBOX",ref);
  printf ("status=%ld\n",mail_status (stream,name,SA_MESSAGES|SA_UNSEEN|SA_UIDNEXT));
  printf ("status halfopen=%ld\n",mail_status (NIL,name,SA_MESSAGES|SA_RECENT|SA_UNSEEN));
  sprintf (name,"%snew box",ref);
  printf ("subscribe=%ld\n",mail_subscribe (stream,name));
  printf ("unsubscribe=%ld\n",mail_unsubscribe (stream,name));
  printf ("create=%ld\n",mail_create (stream,name));
  printf ("uid 2=%lu msgno 2=%lu\n",mail_uid (stream,2),mail_msgno (stream,2));
  mail_flag (stream,"1:2","\\Seen",ST_SET|ST_SILENT|ST_UID);
  mail_flag (stream,"1","\\Deleted",NIL);
  printf ("copy=%ld\n",mail_copy_full (stream,"1","other",CP_UID));
  nmsg = 0;
  sprintf (name,"%sINBOX",ref);
  printf ("append=%ld\n",mail_append_multiple (stream,name,afn,NIL));
  nmsg = 0;
  sprintf (name,"%sBADNAME",ref);
  printf ("append bad=%ld\n",mail_append_multiple (NIL,name,afn,NIL));
  mail_close_full (stream,CL_EXPUNGE);
}

static char *gets_cb (readfn_t f,void *stream,unsigned long size,GETS_DATA *md)
{
  char *s = (char *) fs_get (size + 1);
  (*f) (stream,size,s);
  s[size] = '\0';
  printf ("mailgets msgno=%lu what=%s first=%lu last=%lu [%.*s]\n",md->msgno,
	  md->what ? md->what : "(null)",md->first,md->last,(int) size,s);
  return s;
}

static void pbody (BODY *b,char *pfx)
{
  PART *p;
  PARAMETER *a;
  int i = 1;
  char sub[64];
  if (!b) { printf ("%s (no body)\n",pfx); return; }
  printf ("%s type=%d/%s enc=%d bytes=%lu lines=%lu",pfx,b->type,
	  b->subtype ? b->subtype : "(null)",b->encoding,b->size.bytes,b->size.lines);
  for (a = b->parameter; a; a = a->next) printf (" %s=%s",a->attribute,a->value);
  printf ("\n");
  if (b->type == TYPEMULTIPART) for (p = b->nested.part; p; p = p->next, i++) {
    sprintf (sub,"%s.%d",pfx,i);
    pbody (&p->body,sub);
  }
  else if (b->type == TYPEMESSAGE && b->nested.msg) {
    ENVELOPE *e = b->nested.msg->env;
    printf ("%s inner subject=%s\n",pfx,e && e->subject ? e->subject : "(null)");
    sprintf (sub,"%s.x",pfx);
    pbody (b->nested.msg->body,sub);
  }
}

static void ptext (char *what,char *t,unsigned long len)
{
  printf ("%s %lu [%.*s]\n",what,len,(int) len,t ? t : "");
}

static void envcb (MAILSTREAM *stream,unsigned long msgno,ENVELOPE *env);
static void ovcb (MAILSTREAM *stream,unsigned long uid,OVERVIEW *ov,unsigned long msgno);

static void fetch (int k)
{
  unsigned long len;
  char *t,*fl[] = {"Subject",NIL};
  BODY *b;
  ENVELOPE *env;
  STRINGLIST *lines = sl (fl);
  MAILSTREAM *stream = op (port + k,"INBOX",NIL);
  if (!stream) { printf ("open failed\n"); return; }
  env = mail_fetch_structure (stream,1,&b,NIL);
  printf ("subject=%s\n",env && env->subject ? env->subject : "(null)");
  pbody (b,"1");
  t = mail_fetch_header (stream,1,NIL,NIL,&len,FT_PEEK);
  ptext ("header",t,len);
  t = mail_fetch_text (stream,1,NIL,&len,FT_PEEK);
  ptext ("text",t,len);
  env = mail_fetch_structure (stream,2,&b,NIL);
  printf ("subject=%s\n",env && env->subject ? env->subject : "(null)");
  pbody (b,"2");
  t = mail_fetch_body (stream,2,"1",&len,FT_PEEK);
  ptext ("body 2.1",t,len);
  t = mail_fetch_mime (stream,2,"1",&len,FT_PEEK);
  ptext ("mime 2.1",t,len);
  t = mail_fetch_body (stream,2,"2",&len,FT_PEEK);
  ptext ("body 2.2",t,len);
  t = mail_fetch_header (stream,2,"2",NIL,&len,FT_PEEK);
  ptext ("header 2.2",t,len);
  t = mail_fetch_text (stream,2,"2",&len,FT_PEEK);
  ptext ("text 2.2",t,len);
  t = mail_fetch_header (stream,2,NIL,lines,&len,FT_PEEK);
  ptext ("header lines 2",t,len);
  t = mail_fetch_message (stream,2,&len,FT_PEEK);
  printf ("message 2 %lu\n",len);
  printf ("seen 1=%d 2=%d\n",mail_elt (stream,1)->seen,mail_elt (stream,2)->seen);
  t = mail_fetch_header (stream,2,NIL,NIL,&len,FT_PREFETCHTEXT);
  ptext ("header 2 (prefetch text, not peeking)",t,len);
  printf ("seen 1=%d 2=%d\n",mail_elt (stream,1)->seen,mail_elt (stream,2)->seen);
  mail_clearflag (stream,"2","\\Seen");
  t = mail_fetch_body (stream,2,"1",&len,NIL);
  ptext ("body 2.1 (not peeking)",t,len);
  printf ("seen 1=%d 2=%d\n",mail_elt (stream,1)->seen,mail_elt (stream,2)->seen);
  mail_parameters (NIL,SET_GETS,(void *) gets_cb);
  printf ("partial text=%ld\n",mail_partial_text (stream,2,NIL,3,5,FT_PEEK));
  printf ("partial body=%ld\n",mail_partial_body (stream,2,"1",0,4,FT_PEEK));
  t = mail_fetch_body (stream,1,"1",&len,FT_PEEK);
  ptext ("body 1.1 (mailgets)",t,len);
  mail_parameters (NIL,SET_GETS,NIL);
  mail_close (stream);
				/* fresh streams: overview, search, UID */
  mail_parameters (NIL,SET_IMAPENVELOPE,(void *) envcb);
  if ((stream = op (port + k,"INBOX",NIL))) {
    mail_fetch_overview (stream,"1:2",ovcb);
    mail_close (stream);
  }
  if ((stream = op (port + k,"INBOX",NIL))) {
    char *hi[] = {"hi",NIL};
    SEARCHPGM *pgm = mail_newsearchpgm ();
    pgm->subject = sl (hi);
    mail_search_full (stream,NIL,pgm,SE_FREE);
    printf ("searched 1=%d 2=%d env 1=%d 2=%d\n",mail_elt (stream,1)->searched,
	    mail_elt (stream,2)->searched,mail_elt (stream,1)->private.msg.env != NIL,
	    mail_elt (stream,2)->private.msg.env != NIL);
    mail_search_full (stream,NIL,mail_newsearchpgm (),SE_FREE);
    printf ("searched 1=%d 2=%d env 1=%d 2=%d\n",mail_elt (stream,1)->searched,
	    mail_elt (stream,2)->searched,mail_elt (stream,1)->private.msg.env != NIL,
	    mail_elt (stream,2)->private.msg.env != NIL);
    {				/* 8-bit text: a literal, or searched here */
      char *u8[] = {"h\303\251",NIL};
      pgm = mail_newsearchpgm ();
      pgm->subject = sl (u8);
      mail_search_full (stream,"UTF-8",pgm,SE_FREE);
      printf ("searched utf-8 1=%d 2=%d\n",mail_elt (stream,1)->searched,
	      mail_elt (stream,2)->searched);
    }
    mail_fetch_fast (stream,"1:2",NIL);
    mail_fetchflags_full (stream,"2",FT_UID);
    env = mail_fetch_structure (stream,2,&b,FT_UID);
    printf ("uid subject=%s\n",env && env->subject ? env->subject : "(null)");
    mail_close (stream);
  }
  mail_parameters (NIL,SET_IMAPENVELOPE,NIL);
  mail_free_stringlist (&lines);
}

static char *refhook (MAILSTREAM *stream,char *url,long code)
{
  char *s,tmp[512];
  printf ("referral hook %ld %s\n",code,url);
  /* imap://127.0.0.1:N/box -> {127.0.0.1:N/imap/notls/user=alice}box */
  if (strncmp (url,"imap://",7) || !(s = strchr (url + 7,'/'))) return NIL;
  sprintf (tmp,"{%.*s/imap/notls/user=alice}%s",(int) (s - url - 7),url + 7,s + 1);
  return cpystr (tmp);
}

static void referral (int hook)
{
  char name[256],ref[256];
  MAILSTREAM *stream;
  mail_parameters (NIL,SET_IMAPREFERRAL,hook ? (void *) refhook : NIL);
  stream = op (port + 3,"INBOX",NIL);
  if (!stream) { printf ("open failed\n"); return; }
  sprintf (ref,"{127.0.0.1:%d/imap/notls/user=alice}",port + 3);
  mail_list (stream,ref,"%");
  mail_lsub (stream,ref,"%");
  sprintf (name,"%snew",ref);
  printf ("create=%ld\n",mail_create (stream,name));
  sprintf (name,"%sbox",ref);
  printf ("status=%ld\n",mail_status (stream,name,SA_MESSAGES|SA_UNSEEN));
  /* (No APPEND answered with a referral here: the original then re-sends
   * the message STRING from where the first attempt left it, an empty
   * literal, and calls an append callback it never set: see
   * docs/deviations.md.) */
  {				/* directly, as imap_append does after a referral */
    extern long imap_append_referral (char *,char *,append_t,void *,char *,char *,
				      STRING *,void *,long);
    char tmp[MAILTMPLEN];
    STRING st;
    char *txt = "Subject: again\r\n\r\nx\r\n";
    INIT (&st,mail_string,txt,strlen (txt));
    nmsg = 1;
    sprintf (name,"{127.0.0.1:%d/imap/notls/user=alice}INBOX",port + 1);
    printf ("append_referral=%ld\n",imap_append_referral (name,tmp,afn,NIL,"\\Flagged",
		"3 Mar 2024 01:02:03 +0000",&st,NIL,0));
    printf ("append_referral bad=%ld\n",imap_append_referral ("{",tmp,afn,NIL,NIL,NIL,
		&st,NIL,0));
  }
  mail_close (stream);
}

static void envcb (MAILSTREAM *stream,unsigned long msgno,ENVELOPE *env)
{
  printf ("envelope hook %lu subject=%s\n",msgno,env && env->subject ? env->subject : "(null)");
}

static void ovcb (MAILSTREAM *stream,unsigned long uid,OVERVIEW *ov,unsigned long msgno)
{
  printf ("overview %lu subject=%s\n",msgno,ov && ov->subject ? ov->subject : "(null)");
}

/* "/loser": descending ranges reformed, astrings quoted, search and
 * thread done here, a personal name holding "@" dropped */
static void pthr (THREADNODE *t,int d)
{
  for (; t; t = t->branch) {
    printf ("thread %*s%lu\n",d * 2,"",t->num);
    pthr (t->next,d + 1);
  }
}

static void loser (int lport)
{
  char name[256],srv[128];
  MAILSTREAM *stream;
  ENVELOPE *env;
  THREADNODE *thr;
  SEARCHPGM *pgm;
  sprintf (srv,"{127.0.0.1:%d/imap/notls/loser/user=alice}",lport);
  sprintf (name,"%sINBOX",srv);
  if (!(stream = mail_open (NIL,name,NIL))) { printf ("open failed\n"); return; }
  printf ("mailbox %s\n",stream->mailbox);
  mail_fetch_flags (stream,"2:1",NIL);
  mail_fetch_fast (stream,"2:1",NIL);
  mail_setflag (stream,"2:1","\\Flagged");
  mail_clearflag_full (stream,"2:1","\\Flagged",ST_UID);
  printf ("copy %ld\n",mail_copy (stream,"2:1","Saved"));
  mail_status (stream,name,SA_MESSAGES | SA_UNSEEN);
  mail_list (stream,srv,"*");
  env = mail_fetchstructure (stream,1,NIL);
  printf ("from personal %s sender personal %s\n",
	  env && env->from && env->from->personal ? env->from->personal : "(null)",
	  env && env->sender && env->sender->personal ? env->sender->personal : "(null)");
  pgm = mail_criteria ("SUBJECT hi");
  printf ("search %ld\n",mail_search_full (stream,NIL,pgm,SE_FREE));
  thr = mail_thread (stream,"REFERENCES",NIL,mail_newsearchpgm (),SE_FREE);
  pthr (thr,0);
  if (thr) mail_free_threadnode (&thr);
  mail_close (stream);
}

/* A server that refuses (BAD) message sets in SEARCH, SORT and THREAD
 * programs: the retries without the set (results filtered) and the
 * searches, sorts and threads done here instead */
static void psort (const char *what,unsigned long *r)
{
  printf ("%s:",what);
  if (r) { unsigned long *p; for (p = r; *p; p++) printf (" %lu",*p); fs_give ((void **) &r); }
  else printf (" (null)");
  printf ("\n");
}

static SEARCHPGM *setpgm (unsigned long first,unsigned long last)
{
  SEARCHPGM *pgm = mail_newsearchpgm ();
  pgm->msgno = mail_newsearchset ();
  pgm->msgno->first = first;
  pgm->msgno->last = last;
  return pgm;
}

static void retry (int lport)
{
  char name[256];
  MAILSTREAM *stream;
  SEARCHPGM *pgm;
  SORTPGM *sp;
  THREADNODE *thr;
  sprintf (name,"{127.0.0.1:%d/imap/notls/user=alice}INBOX",lport);
  if (!(stream = mail_open (NIL,name,NIL))) { printf ("open failed\n"); return; }
  pgm = setpgm (1,0);
  pgm->subject = mail_newstringlist ();
  pgm->subject->text.data = (unsigned char *) cpystr ("hi");
  pgm->subject->text.size = 2;
  printf ("search set 1: %ld\n",mail_search_full (stream,NIL,pgm,SE_FREE));
  sp = mail_newsortpgm (); sp->function = SORTDATE;
  psort ("sort searched",mail_sort (stream,NIL,NIL,sp,NIL));
  printf ("sort nmsgs %lu\n",sp->nmsgs);
  mail_free_sortpgm (&sp);
  thr = mail_thread (stream,"REFERENCES",NIL,NIL,NIL);
  pthr (thr,0);
  if (thr) mail_free_threadnode (&thr);
  printf ("search badme: %ld\n",mail_search_full (stream,NIL,mail_criteria ("KEYWORD BADME"),SE_FREE));
  pgm = setpgm (2,0);
  pgm->subject = mail_newstringlist ();
  pgm->subject->text.data = (unsigned char *) cpystr ("two");
  pgm->subject->text.size = 3;
  printf ("uid search set: %ld\n",mail_search_full (stream,NIL,pgm,SE_UID | SE_FREE));
  sp = mail_newsortpgm (); sp->function = SORTSUBJECT;
  psort ("sort set 2:1",mail_sort (stream,NIL,setpgm (2,1),sp,SE_FREE));
  mail_free_sortpgm (&sp);
  sp = mail_newsortpgm (); sp->function = SORTSIZE; sp->reverse = T;
  psort ("sort set 2 nolocal",mail_sort (stream,NIL,setpgm (2,0),sp,SE_FREE | SE_NOLOCAL));
  mail_free_sortpgm (&sp);
  thr = mail_thread (stream,"ORDEREDSUBJECT",NIL,setpgm (2,0),SE_FREE);
  pthr (thr,0);
  if (thr) mail_free_threadnode (&thr);
  mail_close (stream);
}

int main (int argc,char **argv)
{
#include "linkage.c"
  setvbuf (stdout,NIL,_IOLBF,0);
  if (argc < 3) return 2;
  port = atoi (argv[1]);
  mail_parameters (NIL,SET_RSHTIMEOUT,0);
  mail_parameters (NIL,SET_SENDCOMMAND,(void *) sendcmd);
  if (!strcmp (argv[2],"annot")) annot ();
  else if (!strcmp (argv[2],"level") && argc > 3) level (atoi (argv[3]));
  else if (!strcmp (argv[2],"fetch") && argc > 3) fetch (atoi (argv[3]));
  else if (!strcmp (argv[2],"referral")) { referral (1); referral (0); }
  else if (!strcmp (argv[2],"loser") && argc > 3) loser (atoi (argv[3]));
  else if (!strcmp (argv[2],"retry") && argc > 3) retry (atoi (argv[3]));
  else if (!strcmp (argv[2],"lookahead")) {
    int r;			/* the application's lookahead set */
    mail_parameters (NIL,SET_LOOKAHEAD,(void *) 0);
    for (r = 0; r < 2; r++) {
      MAILSTREAM *stream = op (port,"INBOX",NIL);
      SEARCHSET *set = mail_newsearchset (),**la;
      ENVELOPE *env;
      if (!stream) break;
      la = (SEARCHSET **) mail_parameters (stream,GET_FETCHLOOKAHEAD,(void *) stream);
      set->first = 2; set->last = r ? 0 : 1;
      if (la) *la = set;
      env = mail_fetch_structure (stream,1,NIL,NIL);
      printf ("lookahead %d: 1 subject=%s",r,env && env->subject ? env->subject : "(null)");
      env = mail_fetch_structure (stream,2,NIL,NIL);
      printf (" 2 subject=%s\n",env && env->subject ? env->subject : "(null)");
      mail_close (stream);
      mail_free_searchset (&set);
    }
  }
  else if (!strcmp (argv[2],"envelope")) {
    MAILSTREAM *stream;
    mail_parameters (NIL,SET_IMAPENVELOPE,(void *) envcb);
    if ((stream = op (port,"INBOX",NIL))) {
      mail_fetch_structure (stream,1,NIL,NIL);
      mail_fetch_overview (stream,"1:2",ovcb);
      mail_close (stream);
    }
  }
  printf ("done\n");
  return 0;
}
