/* mail_new* defaults, mail_free* of populated structures (caller pointers
 * cleared, fields of emptied records cleared), mail_gc_msg/mail_gc_body,
 * and allocator identity: we free() what the library returns and the
 * library frees what we malloc()ed. Meant to run under valgrind too. */
#include "common.h"

static void zeros (const char *name,void *p,size_t n)
{
  size_t i;
  printf ("%s:",name);
  for (i = 0; i < n; i++) if (((unsigned char *) p)[i])
    printf (" @%lu=%02x",(unsigned long) i,((unsigned char *) p)[i]);
  printf (" (%lu bytes)\n",(unsigned long) n);
}

static char *mdup (const char *s)	/* the program's own malloc */
{
  return strcpy (malloc (strlen (s) + 1),s);
}

static ADDRESS *addrs (int n)
{
  ADDRESS *ret = NIL,**tail = &ret;
  while (n--) {
    *tail = mail_newaddr ();
    (*tail)->personal = mdup ("Some One");
    (*tail)->mailbox = cpystr ("someone");
    (*tail)->host = mdup ("example.org");
    (*tail)->adl = n % 2 ? mdup ("@relay") : NIL;
    (*tail)->error = n % 3 ? NIL : cpystr ("bad");
    (*tail)->orcpt.type = mdup ("rfc822");
    (*tail)->orcpt.addr = mdup ("x@y");
    tail = &(*tail)->next;
  }
  return ret;
}

static PARAMETER *params (int n)
{
  PARAMETER *ret = NIL,*p;
  while (n--) {
    p = mail_newbody_parameter ();
    p->attribute = cpystr ("CHARSET");
    p->value = mdup ("utf-8");
    p->next = ret; ret = p;
  }
  return ret;
}

static STRINGLIST *strings (int n)
{
  STRINGLIST *ret = NIL,*s;
  while (n--) {
    s = mail_newstringlist ();
    s->text.data = (unsigned char *) mdup ("word");
    s->text.size = 4;
    s->next = ret; ret = s;
  }
  return ret;
}

static ENVELOPE *envelope (void)
{
  ENVELOPE *env = mail_newenvelope ();
  env->remail = mdup ("remail");
  env->return_path = addrs (1);
  env->date = (unsigned char *) mdup ("Mon, 1 Jan 2007 00:00:00 +0000");
  env->from = addrs (2); env->sender = addrs (1); env->reply_to = addrs (1);
  env->subject = mdup ("subject"); env->to = addrs (3); env->cc = addrs (2);
  env->bcc = addrs (1); env->in_reply_to = mdup ("<a@b>");
  env->message_id = cpystr ("<c@d>"); env->newsgroups = mdup ("comp.mail");
  env->followup_to = mdup ("poster"); env->references = mdup ("<e@f>");
  return env;
}

static void fill_body (BODY *b,int depth);

static MESSAGE *message (int depth)
{
  MESSAGE *m = mail_newmsg ();
  m->env = envelope ();
  m->body = mail_newbody ();
  fill_body (m->body,depth);
  m->full.text.data = (unsigned char *) mdup ("full text");
  m->lines = strings (2);
  m->header.text.data = (unsigned char *) mdup ("header");
  m->text.text.data = (unsigned char *) mdup ("text");
  return m;
}

static void fill_body (BODY *b,int depth)
{
  PART *p,**tail;
  int i;
  b->parameter = params (2);
  b->id = mdup ("<id>"); b->description = mdup ("desc");
  b->disposition.type = mdup ("attachment");
  b->disposition.parameter = params (1);
  b->language = strings (2); b->location = mdup ("loc");
  b->mime.text.data = (unsigned char *) mdup ("mime");
  b->contents.text.data = (unsigned char *) mdup ("contents");
  b->md5 = mdup ("md5");
  b->size.bytes = 123; b->size.lines = 4;
  if (depth <= 0) { b->subtype = mdup ("PLAIN"); return; }
  if (depth % 2) {
    b->type = TYPEMULTIPART; b->subtype = cpystr ("MIXED");
    for (i = 0, tail = &b->nested.part; i < 3; i++) {
      p = *tail = mail_newbody_part ();
      fill_body (&p->body,i == 1 ? depth - 1 : 0);
      tail = &p->next;
    }
  }
  else {
    b->type = TYPEMESSAGE; b->subtype = mdup ("RFC822");
    b->nested.msg = message (depth - 1);
  }
}

static void body_fields (const char *what,BODY *b)
{
  printf ("%s: type=%d enc=%d subtype=%d param=%d id=%d desc=%d dtype=%d "
	  "dparam=%d lang=%d loc=%d mime=%d contents=%d nested=%d md5=%d "
	  "bytes=%lu lines=%lu\n",what,b->type,b->encoding,!!b->subtype,
	  !!b->parameter,!!b->id,!!b->description,!!b->disposition.type,
	  !!b->disposition.parameter,!!b->language,!!b->location,
	  !!b->mime.text.data,!!b->contents.text.data,!!b->nested.part,
	  !!b->md5,b->size.bytes,b->size.lines);
}

static SEARCHPGM *program (int depth)
{
  SEARCHPGM *pgm = mail_newsearchpgm ();
  SEARCHSET *set = mail_newsearchset ();
  SEARCHOR *or;
  SEARCHPGMLIST *not;
  set->first = 1; set->last = 5;
  set->next = mail_newsearchset ();
  pgm->msgno = set;
  pgm->uid = mail_newsearchset ();
  pgm->header = mail_newsearchheader ("X-Foo","bar");
  pgm->header->next = mail_newsearchheader ("Subject","");
  pgm->bcc = strings (1); pgm->body = strings (2); pgm->cc = strings (1);
  pgm->from = strings (1); pgm->keyword = strings (1);
  pgm->subject = strings (1); pgm->text = strings (1); pgm->to = strings (1);
  if (depth > 0) {
    pgm->or = or = mail_newsearchor ();
    mail_free_searchpgm (&or->first);
    or->first = program (depth - 1);
    or->next = mail_newsearchor ();
    pgm->not = not = mail_newsearchpgmlist ();
    not->next = mail_newsearchpgmlist ();
    mail_free_searchpgm (&not->next->pgm);
    not->next->pgm = program (depth - 1);
  }
  return pgm;
}

static THREADNODE *threads (int depth)
{
  THREADNODE *t = mail_newthreadnode (NIL);
  t->num = depth;
  if (depth > 0) {
    t->next = threads (depth - 1);
    t->branch = threads (depth - 2);
  }
  return t;
}

int main (void)
{
  BODY *body,bodyrec;
  PART *part;
  MESSAGE *msg;
  ENVELOPE *env;
  ADDRESS *adr;
  SEARCHPGM *pgm;
  SEARCHHEADER *hdr;
  SEARCHOR *or;
  SEARCHPGMLIST *pgl;
  SORTPGM *spg;
  THREADNODE *thr;
  ACLLIST *acl;
  QUOTALIST *quota;
  NAMESPACE *ns;
  STRINGLIST *sl;
  PARAMETER *par;
  SEARCHSET *set;
  char *s;
  void *blk;
				/* constructors: contents */
  zeros ("newenvelope",env = mail_newenvelope (),sizeof (ENVELOPE));
  mail_free_envelope (&env); printf ("cleared=%d\n",env == NIL);
  zeros ("newaddr",adr = mail_newaddr (),sizeof (ADDRESS)); free (adr);
  body = mail_newbody ();
  printf ("newbody type=%d encoding=%d\n",body->type,body->encoding);
  zeros ("newbody",body,sizeof (BODY));
  memset (&bodyrec,0xa5,sizeof (bodyrec));
  printf ("initbody-ret=%d\n",mail_initbody (&bodyrec) == &bodyrec);
  zeros ("initbody",&bodyrec,sizeof (BODY));
  free (body);			/* the program frees with free() */
  zeros ("newbody_parameter",par = mail_newbody_parameter (),sizeof (PARAMETER));
  free (par);
  zeros ("newbody_part",part = mail_newbody_part (),sizeof (PART));
  free (part);
  zeros ("newmsg",msg = mail_newmsg (),sizeof (MESSAGE)); free (msg);
  zeros ("newstringlist",sl = mail_newstringlist (),sizeof (STRINGLIST)); free (sl);
  zeros ("newsearchpgm",pgm = mail_newsearchpgm (),sizeof (SEARCHPGM));
  mail_free_searchpgm (&pgm);
  hdr = mail_newsearchheader ("Subject","hello there");
  printf ("searchheader line=%s/%lu text=%s/%lu next=%d\n",hdr->line.data,
	  hdr->line.size,hdr->text.data,hdr->text.size,hdr->next == NIL);
  mail_free_searchheader (&hdr); printf ("cleared=%d\n",hdr == NIL);
  zeros ("newsearchset",set = mail_newsearchset (),sizeof (SEARCHSET));
  mail_free_searchset (&set);
  or = mail_newsearchor ();
  printf ("searchor first=%d second=%d next=%d\n",!!or->first,!!or->second,
	  !!or->next);
  zeros ("searchor.first",or->first,sizeof (SEARCHPGM));
  mail_free_searchor (&or); printf ("cleared=%d\n",or == NIL);
  pgl = mail_newsearchpgmlist ();
  printf ("searchpgmlist pgm=%d next=%d\n",!!pgl->pgm,!!pgl->next);
  mail_free_searchpgmlist (&pgl); printf ("cleared=%d\n",pgl == NIL);
  zeros ("newsortpgm",spg = mail_newsortpgm (),sizeof (SORTPGM));
  spg->next = mail_newsortpgm ();
  mail_free_sortpgm (&spg); printf ("cleared=%d\n",spg == NIL);
  thr = mail_newthreadnode ((SORTCACHE *) &bodyrec);
  printf ("threadnode sc=%d num=%lu\n",thr->sc == (SORTCACHE *) &bodyrec,
	  thr->num);
  mail_free_threadnode (&thr);
  zeros ("newacllist",acl = mail_newacllist (),sizeof (ACLLIST));
  acl->identifier = mdup ("fred"); acl->rights = cpystr ("lrswi");
  acl->next = mail_newacllist ();
  acl->next->identifier = cpystr ("anyone");
  mail_free_acllist (&acl); printf ("cleared=%d\n",acl == NIL);
  zeros ("newquotalist",quota = mail_newquotalist (),sizeof (QUOTALIST));
  quota->name = mdup ("STORAGE"); quota->next = mail_newquotalist ();
  mail_free_quotalist (&quota); printf ("cleared=%d\n",quota == NIL);
				/* NULL-safe destructors */
  body = NIL; mail_free_body (&body); env = NIL; mail_free_envelope (&env);
  adr = NIL; mail_free_address (&adr); pgm = NIL; mail_free_searchpgm (&pgm);
  printf ("null frees ok\n");
				/* populated trees */
  body = mail_newbody ();
  fill_body (body,5);
  body_fields ("full",body);
  body_fields ("part2",&body->nested.part->next->body);
  mail_gc_body (body);
  body_fields ("gc_body",body);
  body_fields ("gc_part1",&body->nested.part->body);
  msg = body->nested.part->next->body.nested.msg;
  printf ("msg: env=%d body=%d full=%d lines=%d header=%d text=%d\n",
	  !!msg->env,!!msg->body,!!msg->full.text.data,!!msg->lines,
	  !!msg->header.text.data,!!msg->text.text.data);
  mail_free_body (&body); printf ("body cleared=%d\n",body == NIL);
				/* gc_msg with each flag */
  msg = message (2);
  mail_gc_msg (msg,GC_TEXTS);
  printf ("gc texts: env=%d body=%d full=%d lines=%d header=%d text=%d mime=%d\n",
	  !!msg->env,!!msg->body,!!msg->full.text.data,!!msg->lines,
	  !!msg->header.text.data,!!msg->text.text.data,
	  !!msg->body->mime.text.data);
  mail_gc_msg (msg,GC_ENV);
  printf ("gc env: env=%d body=%d\n",!!msg->env,!!msg->body);
  free (msg);
  msg = message (1);
  free (msg->header.text.data);	/* lines survive a text GC without header */
  msg->header.text.data = NIL;
  mail_gc_msg (msg,GC_TEXTS);
  printf ("gc texts no header: lines=%d\n",!!msg->lines);
  mail_gc_msg (msg,GC_ENV | GC_TEXTS);
  printf ("gc all: lines=%d env=%d body=%d\n",!!msg->lines,!!msg->env,!!msg->body);
  mail_free_stringlist (&msg->lines);
  free (msg);
				/* body data only: the record survives */
  memset (&bodyrec,0,sizeof (bodyrec));
  mail_initbody (&bodyrec);
  fill_body (&bodyrec,3);
  mail_free_body_data (&bodyrec);
  body_fields ("freed data",&bodyrec);
				/* message/other: only the MESSAGE record goes */
  body = mail_newbody ();
  body->type = TYPEMESSAGE; body->subtype = cpystr ("DELIVERY-STATUS");
  body->nested.msg = mail_newmsg ();
  mail_free_body (&body); printf ("delivery-status freed=%d\n",body == NIL);
				/* parts list */
  part = mail_newbody_part ();
  fill_body (&part->body,1);
  part->next = mail_newbody_part ();
  mail_free_body_part (&part); printf ("parts cleared=%d\n",part == NIL);
  env = envelope ();
  mail_free_envelope (&env); printf ("env cleared=%d\n",env == NIL);
  adr = addrs (5);
  mail_free_address (&adr); printf ("adr cleared=%d\n",adr == NIL);
  par = params (4);
  mail_free_body_parameter (&par); printf ("par cleared=%d\n",par == NIL);
  sl = strings (4);
  mail_free_stringlist (&sl); printf ("sl cleared=%d\n",sl == NIL);
  pgm = program (3);
  mail_free_searchpgm (&pgm); printf ("pgm cleared=%d\n",pgm == NIL);
  thr = threads (8);
  mail_free_threadnode (&thr); printf ("thr cleared=%d\n",thr == NIL);
  ns = (NAMESPACE *) memset (malloc (sizeof (NAMESPACE)),0,sizeof (NAMESPACE));
  ns->name = mdup ("#mh/"); ns->delimiter = '/'; ns->param = params (2);
  ns->next = (NAMESPACE *) memset (malloc (sizeof (NAMESPACE)),0,sizeof (NAMESPACE));
  ns->next->name = mdup ("");
  mail_free_namespace (&ns); printf ("ns cleared=%d\n",ns == NIL);
				/* allocator identity */
  s = cpystr ("free me with free()"); free (s);
  blk = fs_get (100); memset (blk,1,100); fs_resize (&blk,1000); free (blk);
  blk = malloc (50); fs_give (&blk); printf ("fs_give cleared=%d\n",blk == NIL);
  return 0;
}
