/* The imap driver's exports beyond the mail_* dispatch, against a private
 * Dovecot: imap_cap (the LEVEL* macros), GET_NAMESPACE / GET_THREADERS /
 * GET_FETCHLOOKAHEAD, and the internal functions the original's library
 * exports (imap_send, imap_sout, imap_soutr, imap_reply, imap_parse_reply,
 * imap_OK, imap_parse_response, imap_parse_unsolicited, imap_fetch,
 * imap_reform_sequence, imap_capability, imap_parse_capabilities,
 * imap_list_work, imap_acl_work, imap_fake and the imap_parse_* text
 * parsers). IMAPPARSEDREPLY and IMAPARG are the original's private
 * records, declared here as it lays them out. Built against the ORIGINAL
 * headers and run with both libraries; outputs compared (command tags and
 * Dovecot's timings masked by the suite).
 *
 * usage: intdiff PORT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define MM_OWN_LOG
#define MM_OWN_NOTIFY
#define MM_OWN_LOGIN
#define MM_OWN_EXISTS
#define MM_OWN_EXPUNGED
#define MM_OWN_FLAGS
#define MM_OWN_LIST
#define MM_OWN_STATUS
#include "../lib/mm_callbacks.h"
#include "imap4r1.h"

void mm_log (char *t,long e) { printf ("  mm_log %ld %s\n",e,t); }
void mm_notify (MAILSTREAM *s,char *t,long e) { printf ("  mm_notify %ld %s\n",e,t); }
void mm_exists (MAILSTREAM *s,unsigned long n) { printf ("  mm_exists %lu\n",n); }
void mm_expunged (MAILSTREAM *s,unsigned long n) { printf ("  mm_expunged %lu\n",n); }
void mm_flags (MAILSTREAM *s,unsigned long n) { printf ("  mm_flags %lu\n",n); }
void mm_list (MAILSTREAM *s,int d,char *n,long a) { printf ("  mm_list %c %s %ld\n",d ? d : '0',n,a); }
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st)
{
  printf ("  mm_status %s flags=%ld msgs=%lu\n",m,st->flags,st->messages);
}
/* SET_SENDCOMMAND: each command the driver tells of */
static void sendcmd (MAILSTREAM *s,char *cmd,long flags) { printf ("  sc %s %ld\n",cmd,flags); }
static char *password = "alicepw";
static char *referto;

static char *referral (MAILSTREAM *stream,char *url,long code)
{
  printf ("  referral hook: url=%s code=%ld -> %s\n",url,code,referto);
  return cpystr (referto);
}
void mm_login (NETMBX *mb,char *user,char *pwd,long trial)
{
  printf ("  mm_login user=%s trial=%ld\n",mb->user,trial);
  strcpy (user,"alice");
  strcpy (pwd,password);
}

typedef struct {
  unsigned char *line,*tag,*key,*text;
} IMAPPARSEDREPLY;
typedef struct {
  int type;
  void *text;
} IMAPARG;
#define ATOM 0
#define NUMBER 1
#define ASTRING 3
#define SEQUENCE 11

IMAPPARSEDREPLY *imap_send (MAILSTREAM *stream,char *cmd,IMAPARG *args[]);
IMAPPARSEDREPLY *imap_sout (MAILSTREAM *stream,char *tag,char *base,char **s);
long imap_soutr (MAILSTREAM *stream,char *string);
IMAPPARSEDREPLY *imap_reply (MAILSTREAM *stream,char *tag);
IMAPPARSEDREPLY *imap_parse_reply (MAILSTREAM *stream,char *text);
IMAPPARSEDREPLY *imap_fake (MAILSTREAM *stream,char *tag,char *text);
long imap_OK (MAILSTREAM *stream,IMAPPARSEDREPLY *reply);
void imap_parse_unsolicited (MAILSTREAM *stream,IMAPPARSEDREPLY *reply);
void imap_parse_response (MAILSTREAM *stream,char *text,long errflg,long ntfy);
IMAPPARSEDREPLY *imap_fetch (MAILSTREAM *stream,char *sequence,long flags);
char *imap_reform_sequence (MAILSTREAM *stream,char *sequence,long flags);
void imap_capability (MAILSTREAM *stream);
void imap_parse_capabilities (MAILSTREAM *stream,char *t);
void imap_list_work (MAILSTREAM *stream,char *cmd,char *ref,char *pat,
		     char *contents);
long imap_acl_work (MAILSTREAM *stream,char *command,IMAPARG *args[]);
NAMESPACE *imap_parse_namespace (MAILSTREAM *stream,unsigned char **txtptr,
				 IMAPPARSEDREPLY *reply);
THREADNODE *imap_parse_thread (MAILSTREAM *stream,unsigned char **txtptr);
void imap_parse_envelope (MAILSTREAM *stream,ENVELOPE **env,
			  unsigned char **txtptr,IMAPPARSEDREPLY *reply);
ADDRESS *imap_parse_adrlist (MAILSTREAM *stream,unsigned char **txtptr,
			     IMAPPARSEDREPLY *reply);
ADDRESS *imap_parse_address (MAILSTREAM *stream,unsigned char **txtptr,
			     IMAPPARSEDREPLY *reply);
void imap_parse_flags (MAILSTREAM *stream,MESSAGECACHE *elt,
		       unsigned char **txtptr);
unsigned long imap_parse_user_flag (MAILSTREAM *stream,char *flag);
unsigned char *imap_parse_astring (MAILSTREAM *stream,unsigned char **txtptr,
			  IMAPPARSEDREPLY *reply,unsigned long *len);
unsigned char *imap_parse_string (MAILSTREAM *stream,unsigned char **txtptr,
				  IMAPPARSEDREPLY *reply,GETS_DATA *md,
				  unsigned long *len,long flags);
void imap_parse_body_structure (MAILSTREAM *stream,BODY *body,
				unsigned char **txtptr,IMAPPARSEDREPLY *reply);
PARAMETER *imap_parse_body_parameter (MAILSTREAM *stream,
				      unsigned char **txtptr,
				      IMAPPARSEDREPLY *reply);
void imap_parse_disposition (MAILSTREAM *stream,BODY *body,
			     unsigned char **txtptr,IMAPPARSEDREPLY *reply);
STRINGLIST *imap_parse_language (MAILSTREAM *stream,unsigned char **txtptr,
				 IMAPPARSEDREPLY *reply);
STRINGLIST *imap_parse_stringlist (MAILSTREAM *stream,unsigned char **txtptr,
				   IMAPPARSEDREPLY *reply);
void imap_parse_extension (MAILSTREAM *stream,unsigned char **txtptr,
			   IMAPPARSEDREPLY *reply);
void imap_gc_body (BODY *body);

static void preply (const char *label,IMAPPARSEDREPLY *r)
{
  if (!r) printf ("%s: reply NULL\n",label);
  else printf ("%s: key=%s text=%s\n",label,r->key ? (char *) r->key : "NULL",
	       r->text ? (char *) r->text : "NULL");
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
  printf ("  date=%s subject=%s\n",e->date ? (char *) e->date : "NIL",
	  e->subject ? e->subject : "NIL");
  padr ("from",e->from); padr ("sender",e->sender); padr ("reply_to",e->reply_to);
  padr ("to",e->to); padr ("cc",e->cc); padr ("bcc",e->bcc);
  printf ("  in_reply_to=%s message_id=%s\n",e->in_reply_to ? e->in_reply_to : "NIL",
	  e->message_id ? e->message_id : "NIL");
}

static void pparams (const char *label,PARAMETER *p)
{
  printf ("%s",label);
  for (; p; p = p->next) printf (" %s=%s",p->attribute ? p->attribute : "NULL",
				 p->value ? p->value : "NULL");
  printf ("\n");
}

static void pstrl (const char *label,STRINGLIST *l)
{
  printf ("%s",label);
  if (!l) printf (" NIL");
  for (; l; l = l->next) printf (" [%s/%lu]",l->text.data,l->text.size);
  printf ("\n");
}

static void pbody (BODY *b,int depth)
{
  PART *p;
  printf ("%*sbody type=%d/%s enc=%d id=%s desc=%s lines=%lu bytes=%lu md5=%s dsp=%s loc=%s\n",
	  depth * 2,"",b->type,b->subtype ? b->subtype : "NIL",b->encoding,
	  b->id ? b->id : "NIL",b->description ? b->description : "NIL",
	  b->size.lines,b->size.bytes,b->md5 ? b->md5 : "NIL",
	  b->disposition.type ? b->disposition.type : "NIL",
	  b->location ? b->location : "NIL");
  pparams ("    params:",b->parameter);
  pparams ("    dsp params:",b->disposition.parameter);
  pstrl ("    language:",b->language);
  if (b->type == TYPEMULTIPART)
    for (p = b->nested.part; p; p = p->next) pbody (&p->body,depth + 1);
  else if (b->type == TYPEMESSAGE && b->nested.msg) {
    penv (b->nested.msg->env);
    if (b->nested.msg->body) pbody (b->nested.msg->body,depth + 1);
  }
}

static void pthread (THREADNODE *t,int depth)
{
  for (; t; t = t->branch) {
    printf ("%*s%lu\n",depth * 2 + 2,"",t->num);
    if (t->next) pthread (t->next,depth + 1);
  }
}

static void pns (const char *label,NAMESPACE *n)
{
  printf ("%s:",label);
  if (!n) printf (" NIL");
  for (; n; n = n->next) {
    printf (" (%s %c",n->name,n->delimiter ? n->delimiter : '0');
    pparams ("",n->param);
    printf (")");
  }
  printf ("\n");
}

/* Runs a text parser on a copy of TEXT and says how much it used. */
#define PARSE(label,call) do {						\
    strcpy (buf,text);							\
    t = (unsigned char *) buf;						\
    printf ("-- %s [%s]\n",label,text);				\
    call;								\
    printf ("   used %ld, rest [%s]\n",t ? (long) (t - (unsigned char *) buf) : -1L, \
	    t ? (char *) t : "NULL");					\
  } while (0)

static void pcap (MAILSTREAM *stream)
{
  IMAPCAP *c = imap_cap (stream);
  THREADER *th;
  printf ("imap_cap:");
  if (!c) { printf (" NULL\n"); return; }
  printf (" rfc1176=%d imap2bis=%d imap4=%d imap4rev1=%d acl=%d quota=%d litplus=%d idle=%d",
	  c->rfc1176,c->imap2bis,c->imap4,c->imap4rev1,c->acl,c->quota,c->litplus,c->idle);
  printf (" mbx_ref=%d log_ref=%d authanon=%d namespace=%d uidplus=%d starttls=%d",
	  c->mbx_ref,c->log_ref,c->authanon,c->namespace,c->uidplus,c->starttls);
  printf (" logindisabled=%d id=%d children=%d multiappend=%d binary=%d unselect=%d",
	  c->logindisabled,c->id,c->children,c->multiappend,c->binary,c->unselect);
  printf (" sasl_ir=%d sort=%d scan=%d urlauth=%d catenate=%d condstore=%d esearch=%d within=%d",
	  c->sasl_ir,c->sort,c->scan,c->urlauth,c->catenate,c->condstore,c->esearch,
	  c->within);
  printf (" auth=%x threaders=",c->auth);
  for (th = c->threader; th; th = th->next) printf ("%s,",th->name);
  printf ("\n  LEVELIMAP4rev1=%d LEVELSORT=%d LEVELTHREAD=%d LEVELQUOTA=%d LEVELACL=%d\n",
	  LEVELIMAP4rev1 (stream) ? 1 : 0,LEVELSORT (stream) ? 1 : 0,
	  LEVELTHREAD (stream) ? 1 : 0,LEVELQUOTA (stream) ? 1 : 0,
	  LEVELACL (stream) ? 1 : 0);
}

int main (int argc,char **argv)
{
  char name[512],buf[4096],cmd[512],*s;
  const char *text;
  unsigned char *t;
  MAILSTREAM *stream;
  IMAPPARSEDREPLY *r;
  IMAPARG *args[4],a1,a2,a3;
  NAMESPACE ***ns;
  THREADER *th;
  ENVELOPE *env;
  ADDRESS *adr;
  BODY *body;
  PARAMETER *par;
  STRINGLIST *sl;
  THREADNODE *thr;
  unsigned long len;
  int port,i;
#include "linkage.c"
  if (argc < 2) return 2;
  port = atoi (argv[1]);
  sprintf (name,"{127.0.0.1:%d/imap/notls/user=alice}INBOX",port);
  mail_parameters (NIL,SET_SENDCOMMAND,(void *) sendcmd);
  if (argc > 2 && !strcmp (argv[2],"populate")) {
    static const char *msgs[] = {
      "From: Ann <ann@example.com>\r\nTo: alice@example.com\r\nSubject: first\r\nMessage-ID: <1@x>\r\n\r\none\r\n",
      "From: Bob <bob@example.com>\r\nTo: alice@example.com\r\nSubject: Re: first\r\nMessage-ID: <2@x>\r\nIn-Reply-To: <1@x>\r\nReferences: <1@x>\r\n\r\ntwo\r\n",
      "From: Cy <cy@example.com>\r\nTo: alice@example.com\r\nSubject: third\r\nMessage-ID: <3@x>\r\n\r\nthree\r\n"
    };
    STRING st;
    for (i = 0; i < 3; i++) {
      INIT (&st,mail_string,(void *) msgs[i],strlen (msgs[i]));
      if (!mail_append (NIL,name,&st)) { printf ("append failed\n"); return 1; }
    }
    return 0;
  }
  if (argc > 4 && !strcmp (argv[2],"oauth")) {
    /* ours only (the original refuses /auth=): the access token is the
       password mm_login gives */
    sprintf (name,"{127.0.0.1:%d/imap/notls/user=alice/auth=%s}INBOX",port,argv[3]);
    password = argv[4];
    if (argc > 5) mail_parameters (NIL,SET_MAXLOGINTRIALS,(void *) atol (argv[5]));
    printf ("== open %s with token %s\n",argv[3],argv[4]);
    stream = mail_open (NIL,name,NIL);
    printf ("open %s\n",stream ? "succeeded" : "failed");
    if (stream) {
      printf ("mailbox=%s nmsgs=%lu\n",stream->mailbox,stream->nmsgs);
      mail_close (stream);
    }
    return 0;
  }
  if (argc > 4 && !strcmp (argv[2],"referral")) {
    /* argv[1]: the real server; argv[3]: the referring one */
    referto = name;
    if (strcmp (argv[4],"nohook")) mail_parameters (NIL,SET_IMAPREFERRAL,(void *) referral);
    for (i = 0; i < 2; i++) {
      char ref[512];
      sprintf (ref,"{127.0.0.1:%d/imap/notls/user=alice}INBOX",atoi (argv[3]) + i);
      printf ("== open %s (%s referral)\n",ref,i ? "SELECT" : "LOGIN");
      stream = mail_open (NIL,ref,NIL);
      printf ("open %s\n",stream ? stream->mailbox : "failed");
      if (stream) mail_close (stream);
    }
    return 0;
  }
  printf ("== open\n");
  if (!(stream = mail_open (NIL,name,NIL))) { printf ("open failed\n"); return 1; }
  printf ("nmsgs=%lu host=%s\n",stream->nmsgs,imap_host (stream));
  pcap (stream);

  printf ("== GET_NAMESPACE\n");
  /* the IMAP driver answers the address of its array (NAMESPACE ***) */
  ns = (NAMESPACE ***) mail_parameters (stream,GET_NAMESPACE,NIL);
  if (!ns || !*ns) printf ("NULL\n");
  else { pns ("personal",(*ns)[0]); pns ("other",(*ns)[1]); pns ("shared",(*ns)[2]); }
  ns = (NAMESPACE ***) mail_parameters (stream,GET_NAMESPACE,NIL);
  printf ("again: %s\n",ns && *ns && (*ns)[0] ? (*ns)[0]->name : "NULL");
  printf ("== GET_THREADERS:");
  for (th = (THREADER *) mail_parameters (stream,GET_THREADERS,stream); th; th = th->next)
    printf (" %s",th->name);
  printf ("\nGET_FETCHLOOKAHEAD non-NULL: %d\n",
	  mail_parameters (stream,GET_FETCHLOOKAHEAD,stream) != NIL);

  printf ("== imap_send\n");
  r = imap_send (stream,"NOOP",NIL);
  preply ("NOOP",r);
  printf ("imap_OK: %ld\n",imap_OK (stream,r));
  a1.type = ASTRING; a1.text = (void *) "INBOX";
  a2.type = ATOM; a2.text = (void *) "(MESSAGES)";
  args[0] = &a1; args[1] = &a2; args[2] = NIL;
  preply ("STATUS",imap_send (stream,"STATUS",args));
  a1.type = SEQUENCE; a1.text = (void *) "1:2";
  a2.type = ATOM; a2.text = (void *) "(FLAGS)";
  preply ("FETCH",imap_send (stream,"FETCH",args));
  a1.type = ATOM; a1.text = (void *) "NOSUCHCOMMAND";
  args[1] = NIL;
  r = imap_send (stream,"X",args);
  preply ("bad command",r);
  printf ("imap_OK: %ld\n",imap_OK (stream,r));
  a1.type = ASTRING; a1.text = (void *) "nosuchbox";
  r = imap_send (stream,"SELECT",args);
  preply ("SELECT nosuchbox",r);
  printf ("imap_OK: %ld\n",imap_OK (stream,r));
  r = imap_send (stream,"SELECT",args);
  printf ("== imap_fetch\n");
  a1.type = ASTRING; a1.text = (void *) "INBOX";
  preply ("SELECT INBOX",imap_send (stream,"SELECT",args));
  r = imap_fetch (stream,"1:2",FT_NEEDENV);
  preply ("fetch",r);
  for (i = 1; i <= 2; i++) {
    MESSAGECACHE *elt = mail_elt (stream,i);
    printf ("msg %d size=%lu env:\n",i,elt->rfc822_size);
    penv (elt->private.msg.env);
  }
  printf ("== soutr/reply/sout\n");
  printf ("soutr: %ld\n",imap_soutr (stream,"tagx NOOP"));
  preply ("reply tagx",imap_reply (stream,"tagx"));
  strcpy (cmd,"tagy CHECK");
  s = cmd + strlen (cmd);
  r = imap_sout (stream,"tagy",cmd,&s);
  printf ("sout: buffer reset %d\n",s == cmd);
  preply ("sout tagy",r);
  printf ("== parse_reply/unsolicited/response\n");
  r = imap_parse_reply (stream,cpystr ("* OK [ALERT] an alert from the test"));
  preply ("parse_reply",r);
  imap_parse_unsolicited (stream,r);
  r = imap_parse_reply (stream,cpystr ("* 9 EXISTS"));
  preply ("parse_reply exists",r);
  imap_parse_unsolicited (stream,r);
  printf ("nmsgs=%lu\n",stream->nmsgs);
  r = imap_parse_reply (stream,cpystr ("+ go ahead"));
  preply ("parse_reply continuation",r);
  r = imap_parse_reply (stream,cpystr ("lonely"));
  preply ("parse_reply without key",r);
  r = imap_parse_reply (stream,cpystr ("tag7 NO [TRYCREATE] no mailbox"));
  preply ("parse_reply tagged",r);
  printf ("imap_OK: %ld\n",imap_OK (stream,r));
  imap_parse_response (stream,"[ALERT] response alert",NIL,T);
  imap_parse_response (stream,"[UIDNEXT 77] quiet",NIL,T);
  printf ("uid_last=%lu\n",stream->uid_last);
  imap_parse_response (stream,"[READ-ONLY] now read-only",NIL,NIL);
  printf ("rdonly=%d\n",stream->rdonly);
  imap_parse_response (stream,"plain words",WARN,T);
  printf ("== reform_sequence\n");
  printf ("[%s]\n",imap_reform_sequence (stream,"3:1,2,*:2,1:*",NIL));
  printf ("== capabilities\n");
  imap_capability (stream);
  pcap (stream);
  imap_send (stream,"NOOP",NIL);
  strcpy (buf,"IMAP4 ACL THREAD=REFERENCES THREAD=ORDEREDSUBJECT AUTH=PLAIN AUTH=LOGIN SORT=DISPLAY SCAN IDLE WITHIN");
  imap_parse_capabilities (stream,buf);
  pcap (stream);
  imap_capability (stream);
  printf ("== list_work / acl_work\n");
  imap_list_work (stream,"LIST","","IN*",NIL);
  a1.type = ASTRING; a1.text = (void *) "INBOX";
  args[1] = NIL;
  printf ("acl_work: %ld\n",imap_acl_work (stream,"GETACL",args));

  printf ("== scan (Dovecot has no SCAN)\n");
  sprintf (cmd,"{127.0.0.1:%d/imap/notls/user=alice}*",port);
  mail_scan (stream,"",cmd,"first");
  printf ("== text parsers\n");
  text = "(\"Mon, 7 Feb 1994 21:52:25 -0800\" \"A \\\"quoted\\\" subject\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) NIL NIL ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL \"<x@y>\" \"<B27397-0100000@cac.washington.edu>\") trailing";
  env = NIL;
  PARSE ("envelope",imap_parse_envelope (stream,&env,&t,NIL));
  penv (env);
  mail_free_envelope (&env);
  text = "NIL rest";
  PARSE ("envelope NIL",imap_parse_envelope (stream,&env,&t,NIL));
  penv (env);
  text = "((\"A\" NIL \"a\" \"x.org\")(NIL NIL \"b\" \"y.org\")) more";
  PARSE ("adrlist",adr = imap_parse_adrlist (stream,&t,NIL));
  padr ("adrlist",adr);
  mail_free_address (&adr);
  text = "(\"A\" NIL \"a\" \"x.org\")(NIL NIL \"grp\" NIL)(NIL NIL NIL NIL)) more";
  PARSE ("address",adr = imap_parse_address (stream,&t,NIL));
  padr ("address",adr);
  mail_free_address (&adr);
  text = "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23 NIL (\"inline\" NIL) NIL NIL)(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73 \"md5sum\" (\"attachment\" (\"filename\" \"cc.diff\")) (\"en\" \"fr\") \"http://loc\")(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 300 (NIL \"inner\" NIL NIL NIL NIL NIL NIL NIL NIL) (\"TEXT\" \"HTML\" NIL NIL NIL \"8BIT\" 100 4) 12) \"MIXED\" (\"BOUNDARY\" \"xyz\") NIL NIL) after";
  body = mail_newbody ();
  PARSE ("body structure",imap_parse_body_structure (stream,body,&t,NIL));
  pbody (body,0);
  body->nested.part->body.contents.text.data = (unsigned char *) cpystr ("cached");
  body->nested.part->body.contents.text.size = 6;
  imap_gc_body (body);
  printf ("gc_body: cached text %s\n",body->nested.part->body.contents.text.data ? "kept" : "dropped");
  mail_free_body (&body);
  text = "(\"CHARSET\" \"UTF-8\" \"FORMAT\" \"flowed\") x";
  PARSE ("body parameter",par = imap_parse_body_parameter (stream,&t,NIL));
  pparams ("  params:",par);
  mail_free_body_parameter (&par);
  /* these three are called with the text at the space before the datum */
  text = " (\"attachment\" (\"FILENAME\" \"a b.txt\")) y";
  body = mail_newbody ();
  PARSE ("disposition",imap_parse_disposition (stream,body,&t,NIL));
  printf ("  dsp=%s\n",body->disposition.type ? body->disposition.type : "NIL");
  pparams ("  dsp params:",body->disposition.parameter);
  mail_free_body (&body);
  text = " (\"en\" \"de\") z";
  PARSE ("language list",sl = imap_parse_language (stream,&t,NIL));
  pstrl ("  language:",sl);
  mail_free_stringlist (&sl);
  text = " \"en\" z";
  PARSE ("language one",sl = imap_parse_language (stream,&t,NIL));
  pstrl ("  language:",sl);
  mail_free_stringlist (&sl);
  text = "(\"one\" \"two\" \"three\") z";
  PARSE ("stringlist",sl = imap_parse_stringlist (stream,&t,NIL));
  pstrl ("  list:",sl);
  mail_free_stringlist (&sl);
  text = " (\"x\" (1 2 (\"deep\")) NIL) 42 next";
  PARSE ("extension",imap_parse_extension (stream,&t,NIL));
  text = " 42 next";
  PARSE ("extension number",imap_parse_extension (stream,&t,NIL));
  text = "atom rest";
  PARSE ("astring atom",s = (char *) imap_parse_astring (stream,&t,NIL,&len));
  printf ("  [%s] %lu\n",s ? s : "NULL",len);
  if (s) fs_give ((void **) &s);
  text = "\"quo\\\"ted\" rest";
  PARSE ("astring quoted",s = (char *) imap_parse_astring (stream,&t,NIL,&len));
  printf ("  [%s] %lu\n",s ? s : "NULL",len);
  if (s) fs_give ((void **) &s);
  text = "\"a string\" rest";
  PARSE ("string",s = (char *) imap_parse_string (stream,&t,NIL,NIL,&len,NIL));
  printf ("  [%s] %lu\n",s ? s : "NULL",len);
  if (s) fs_give ((void **) &s);
  text = "NIL rest";
  PARSE ("string NIL",s = (char *) imap_parse_string (stream,&t,NIL,NIL,&len,NIL));
  printf ("  [%s] %lu\n",s ? s : "NULL",len);
  /* (extension data is left out: the original loses its place after a
     value list, see docs/deviations.md) */
  text = "((\"\" \"/\")(\"Mail/\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public.\" \".\")) end";
  strcpy (buf,text);
  t = (unsigned char *) buf;
  printf ("-- namespace [%s]\n",text);
  pns ("  personal",imap_parse_namespace (stream,&t,NIL));
  pns ("  other",imap_parse_namespace (stream,&t,NIL));
  pns ("  shared",imap_parse_namespace (stream,&t,NIL));
  printf ("   rest [%s]\n",t ? (char *) t : "NULL");
  text = "NIL more";
  PARSE ("namespace NIL",pns ("  ns",imap_parse_namespace (stream,&t,NIL)));
  text = "(2)(3 6 (4 23)(44 7 96)) tail";
  PARSE ("thread",thr = imap_parse_thread (stream,&t));
  pthread (thr,0);
  mail_free_threadnode (&thr);
  text = "(\\Seen \\Flagged $Label1 \\Recent) rest";
  PARSE ("flags",imap_parse_flags (stream,mail_elt (stream,1),&t));
  printf ("  seen=%d flagged=%d deleted=%d recent=%d user=%lx\n",mail_elt (stream,1)->seen,
	  mail_elt (stream,1)->flagged,mail_elt (stream,1)->deleted,
	  mail_elt (stream,1)->recent,mail_elt (stream,1)->user_flags);
  printf ("user_flag \\Seen=%lu nosuch=%lu\n",imap_parse_user_flag (stream,"\\Seen"),
	  imap_parse_user_flag (stream,"nosuch"));

  printf ("== recycle\n");	/* same server: the connection is reused */
  stream = mail_open (stream,name,NIL);
  printf ("recycled: %s nmsgs=%lu\n",stream ? stream->mailbox : "failed",
	  stream ? stream->nmsgs : 0);
  if (!stream) return 1;
  stream = mail_open (stream,name,OP_HALFOPEN);
  printf ("half-open: %s\n",stream ? stream->mailbox : "failed");
  if (!stream) return 1;
  stream = mail_open (stream,name,NIL);
  printf ("reopened: %s nmsgs=%lu\n",stream ? stream->mailbox : "failed",
	  stream ? stream->nmsgs : 0);
  if (!stream) return 1;
  printf ("== fake\n");
  r = imap_fake (stream,"tagf","[CLOSED] faked for the test");
  preply ("fake",r);
  r = imap_send (stream,"NOOP",NIL);
  preply ("after fake",r);
  mail_close (stream);
  printf ("== done\n");
  return 0;
}
