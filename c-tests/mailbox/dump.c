/* dump: canonical text dump of a local mailbox as c-client presents it.
 *
 * Built once against the original's headers (cc -I/usr/include/c-client
 * dump.c -lc-client) and run against two libraries chosen with
 * LD_LIBRARY_PATH; run.sh and writeback.sh compare the outputs byte for
 * byte. Printed: stream fields; mail_fetch_fast and mail_fetch_flags over
 * the dumped range; per message UID, flags, keywords, internal date,
 * size, mail_fetch_overview, envelope, body tree and every section's
 * texts; every mm_* callback in order. Nothing printed depends on
 * addresses; texts are printed as length plus an FNV-1a hash so that a
 * 9,000-message mbox gives a manageable dump.
 *
 * usage: dump [-w] [-s] [-p] [-l] [-m MAX] MAILBOX...
 *   -w      open read-write (default read-only)
 *   -s      fetch without FT_PEEK (on a read-write open this sets \Seen)
 *   -p      also print the driver-private offsets kept in each elt
 *   -l      before opening, print mail_status and mail_list of the name
 *   -m MAX  dump at most MAX messages of each mailbox (stream data and the
 *           message count are always printed)
 *
 * Each mailbox is framed by "=== MAILBOX <name>" and "=== END <name>";
 * each message starts with "--- MSG <n>". stdout is flushed after every
 * message so that a crash leaves everything before it intact.
 */
#include "common.h"

/* Sections beyond this many per message are counted, not dumped. */
#define MAXSECTIONS 400

static long peek = FT_PEEK;

/* ------------------------------------------------------------ structures */

static void addresses (const char *label,ADDRESS *a)
{
  printf ("  %s:",label);
  if (!a) fputs (" NIL",stdout);
  for (; a; a = a->next) {
    fputs (" (",stdout);
    str (a->personal); putchar (' ');
    str (a->adl); putchar (' ');
    str (a->mailbox); putchar (' ');
    str (a->host);
    if (a->error) { fputs (" error=",stdout); str (a->error); }
    if (a->orcpt.type || a->orcpt.addr) {
      fputs (" orcpt=",stdout);
      str (a->orcpt.type); putchar (' ');
      str (a->orcpt.addr);
    }
    putchar (')');
  }
  putchar ('\n');
}

static void envelope (ENVELOPE *e)
{
  if (!e) {
    puts (" env NIL");
    return;
  }
  printf (" env incomplete=%u imapenvonly=%u\n",e->incomplete,e->imapenvonly);
  fputs ("  remail: ",stdout); str (e->remail); putchar ('\n');
  addresses ("return_path",e->return_path);
  fputs ("  date: ",stdout); str ((char *) e->date); putchar ('\n');
  addresses ("from",e->from);
  addresses ("sender",e->sender);
  addresses ("reply_to",e->reply_to);
  fputs ("  subject: ",stdout); str (e->subject); putchar ('\n');
  addresses ("to",e->to);
  addresses ("cc",e->cc);
  addresses ("bcc",e->bcc);
  fputs ("  in_reply_to: ",stdout); str (e->in_reply_to); putchar ('\n');
  fputs ("  message_id: ",stdout); str (e->message_id); putchar ('\n');
  fputs ("  newsgroups: ",stdout); str (e->newsgroups); putchar ('\n');
  fputs ("  followup_to: ",stdout); str (e->followup_to); putchar ('\n');
  fputs ("  references: ",stdout); str (e->references); putchar ('\n');
}

static void parameters (PARAMETER *p)
{
  putchar ('(');
  for (; p; p = p->next) {
    str (p->attribute); putchar ('=');
    str (p->value);
    if (p->next) putchar (' ');
  }
  putchar (')');
}

static void parttext (const char *label,PARTTEXT *p)
{
  printf (" %s=%lu+%lu",label,p->offset,p->text.size);
}

/* One line per body part; nested parts follow, named by their section. */
static void body (const char *section,BODY *b)
{
  STRINGLIST *l;
  printf ("  body [%s] type=%u:",section,b->type);
  str (b->type <= TYPEMAX ? body_types[b->type] : NIL);
  fputs ("/",stdout); str (b->subtype);
  printf (" enc=%u:",b->encoding);
  str (b->encoding <= ENCMAX ? body_encodings[b->encoding] : NIL);
  fputs (" params=",stdout); parameters (b->parameter);
  fputs (" id=",stdout); str (b->id);
  fputs (" desc=",stdout); str (b->description);
  fputs (" disp=",stdout); str (b->disposition.type);
  parameters (b->disposition.parameter);
  fputs (" lang=(",stdout);
  for (l = b->language; l; l = l->next) {
    esc (l->text.data,l->text.size);
    if (l->next) putchar (' ');
  }
  fputs (") loc=",stdout); str (b->location);
  fputs (" md5=",stdout); str (b->md5);
  printf (" bytes=%lu lines=%lu",b->size.bytes,b->size.lines);
  parttext ("mime",&b->mime);
  parttext ("contents",&b->contents);
  putchar ('\n');
}

static void tree (const char *prefix,BODY *b,int top)
{
  char sec[MAILTMPLEN];
  PART *p;
  int i;
  if (b->type == TYPEMULTIPART) {
    if (!top) body (prefix,b);
    for (i = 1, p = b->nested.part; p; p = p->next, i++) {
      if (strlen (prefix) > MAILTMPLEN - 40) break;
      sprintf (sec,"%s%s%d",prefix,*prefix ? "." : "",i);
      tree (sec,&p->body,NIL);
    }
  }
  else {
    body (*prefix ? prefix : "1",b);
    if (b->type == TYPEMESSAGE && b->nested.msg) {
      MESSAGE *m = b->nested.msg;
      const char *s = *prefix ? prefix : "1";
      printf ("  message [%s]",s);
      parttext ("full",&m->full);
      parttext ("header",&m->header);
      parttext ("text",&m->text);
      putchar ('\n');
      envelope (m->env);
      if (m->body) tree (s,m->body,NIL);
    }
  }
}

/* --------------------------------------------------------------- fetches */

static STRINGLIST *lines;	/* header names for the line-filtered fetches */

static STRINGLIST *names (const char *list[])
{
  STRINGLIST *head = NIL,**tail = &head;
  for (; *list; list++) {
    *tail = mail_newstringlist ();
    (*tail)->text.data = (unsigned char *) cpystr (*list);
    (*tail)->text.size = strlen (*list);
    tail = &(*tail)->next;
  }
  return head;
}

/* Everything fetchable of one section (NULL = the whole message). */
static void fetches (MAILSTREAM *stream,unsigned long n,const char *section,
		     int is_message)
{
  char *s;
  unsigned long len;
  char *sec = (char *) section;
  printf ("  fetch [%s]",section ? section : "");
  if (section) {
    len = 12345; s = mail_fetch_body (stream,n,sec,&len,peek);
    text ("body",s,len);
    len = 12345; s = mail_fetch_mime (stream,n,sec,&len,peek);
    text ("mime",s,len);
  }
  if (!section || is_message) {
    len = 12345; s = mail_fetch_header (stream,n,sec,NIL,&len,peek);
    text ("header",s,len);
    len = 12345; s = mail_fetch_header (stream,n,sec,lines,&len,peek);
    text ("lines",s,len);
    len = 12345; s = mail_fetch_header (stream,n,sec,lines,&len,peek | FT_NOT);
    text ("notlines",s,len);
    len = 12345; s = mail_fetch_text (stream,n,sec,&len,peek);
    text ("text",s,len);
  }
  putchar ('\n');
}

/* Sections of a body tree, in order, as mail_fetch_body names them. */
static unsigned long sections (MAILSTREAM *stream,unsigned long n,
			       const char *prefix,BODY *b,unsigned long count)
{
  char sec[MAILTMPLEN];
  PART *p;
  int i;
  if (b->type == TYPEMULTIPART) {
    if (*prefix && count < MAXSECTIONS) {
      fetches (stream,n,prefix,NIL);
      count++;
    }
    for (i = 1, p = b->nested.part; p; p = p->next, i++) {
      if (strlen (prefix) > MAILTMPLEN - 40) break;
      sprintf (sec,"%s%s%d",prefix,*prefix ? "." : "",i);
      count = sections (stream,n,sec,&p->body,count);
    }
    return count;
  }
  if (count++ < MAXSECTIONS)
    fetches (stream,n,*prefix ? prefix : "1",
	     b->type == TYPEMESSAGE && b->nested.msg);
  if (b->type == TYPEMESSAGE && b->nested.msg && b->nested.msg->body)
    count = sections (stream,n,*prefix ? prefix : "1",b->nested.msg->body,
		      count);
  return count;
}

static unsigned long total_sections;

/* mail_fetch_overview's callback. */
static void overview (MAILSTREAM *stream,unsigned long uid,OVERVIEW *ov,
		      unsigned long msgno)
{
  printf (" overview uid=%lu msgno=%lu",uid,msgno);
  if (!ov) {
    puts (" NIL");
    return;
  }
  fputs (" subject=",stdout); str (ov->subject);
  fputs (" date=",stdout); str (ov->date);
  fputs (" message_id=",stdout); str (ov->message_id);
  fputs (" references=",stdout); str (ov->references);
  printf (" octets=%lu lines=%lu xref=",ov->optional.octets,
	  ov->optional.lines);
  str (ov->optional.xref);
  putchar ('\n');
  addresses ("overview from",ov->from);
}

static void message (MAILSTREAM *stream,unsigned long n,int private)
{
  MESSAGECACHE *e;
  ENVELOPE *env;
  BODY *b = NIL;
  char tmp[MAILTMPLEN];
  char *s;
  unsigned long len,uid,count;
  printf ("--- MSG %lu\n",n);
  uid = mail_uid (stream,n);
  printf (" uid=%lu msgno(uid)=%lu\n",uid,mail_msgno (stream,uid));
  /* What mail_fetch_fast (called for all messages at open) left. */
  e = mail_elt (stream,n);
  printf (" fast size=%lu",e->rfc822_size);
  flags (stream,e);
  if (elt_is_now (e)) strcpy (tmp,"<now>");
  else mail_date (tmp,e);
  fputs (" date=",stdout); str (tmp);
  putchar ('\n');
  sprintf (tmp,"%lu",n);
  mail_fetch_overview (stream,tmp,overview);
  env = mail_fetch_structure (stream,n,&b,NIL);
  e = mail_elt (stream,n);
  printf (" elt msgno=%lu size=%lu",e->msgno,e->rfc822_size);
  flags (stream,e);
  if (elt_is_now (e)) fputs ("\n date=<now>",stdout);
  else {
    printf ("\n date=%u-%u-%u %u:%u:%u %c%u:%u",e->day,e->month,e->year,
	    e->hours,e->minutes,e->seconds,e->zoccident ? '-' : '+',e->zhours,
	    e->zminutes);
    mail_date (tmp,e);
    fputs (" mail_date=",stdout); str (tmp);
    mail_cdate (tmp,e);
    fputs (" cdate=",stdout); str (tmp);
  }
  putchar ('\n');
  if (private) {
    printf (" private uid=%lu",e->private.uid);
    parttext ("special",&e->private.special);
    parttext ("full",&e->private.msg.full);
    parttext ("header",&e->private.msg.header);
    parttext ("text",&e->private.msg.text);
    putchar ('\n');
  }
  envelope (env);
  if (b) tree ("",b,T);
  else puts ("  body NIL");
  fetches (stream,n,NIL,NIL);
  len = 12345; s = mail_fetch_message (stream,n,&len,peek);
  fputs ("  fetch", stdout);
  text ("message",s,len);
  len = 12345; s = mail_fetch_body (stream,n,"0",&len,peek);
  text ("body0",s,len);
  len = 12345; s = mail_fetch_body (stream,n,"",&len,peek);
  text ("bodyempty",s,len);
  len = 12345; s = mail_fetch_body (stream,n,"99",&len,peek);
  text ("body99",s,len);
  len = 12345; s = mail_fetch_header (stream,uid,NIL,NIL,&len,peek | FT_UID);
  text ("uidheader",s,len);
  len = 12345; s = mail_fetch_text (stream,uid,NIL,&len,peek | FT_UID);
  text ("uidtext",s,len);
  putchar ('\n');
  count = b ? sections (stream,n,"",b,0) : 0;
  if (count > MAXSECTIONS)
    printf ("  %lu more sections not fetched\n",count - MAXSECTIONS);
  total_sections += 3 + (count > MAXSECTIONS ? MAXSECTIONS : count);
  /* The fetches may have changed flags (-s): show them again. */
  printf (" after");
  flags (stream,mail_elt (stream,n));
  putchar ('\n');
}

int main (int argc,char *argv[])
{
  static const char *hdrs[] = {"Subject","From","Message-ID","Content-Type",
			       "X-Status",NIL};
  MAILSTREAM *stream;
  long options = OP_READONLY;
  unsigned long n,max = ~0UL,total = 0;
  int i,private = NIL,list = NIL,boxes = 0;
  started = time (0);
#include "linkage.c"
  for (i = 1; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp (argv[i],"-w")) options &= ~OP_READONLY;
    else if (!strcmp (argv[i],"-s")) peek = NIL;
    else if (!strcmp (argv[i],"-p")) private = T;
    else if (!strcmp (argv[i],"-l")) list = T;
    else if (!strcmp (argv[i],"-m") && i + 1 < argc) max = strtoul (argv[++i],NIL,10);
    else {
      fprintf (stderr,"usage: dump [-w] [-s] [-p] [-l] [-m MAX] MAILBOX...\n");
      return 2;
    }
  }
  lines = names (hdrs);
  for (; i < argc; i++) {
    printf ("=== MAILBOX %s\n",argv[i]);
    if (list) {
      printf ("status %ld\n",mail_status (NIL,argv[i],SA_MESSAGES | SA_RECENT |
					   SA_UNSEEN | SA_UIDNEXT |
					   SA_UIDVALIDITY));
      mail_list (NIL,"",argv[i]);
    }
    stream = mail_open (NIL,argv[i],options);
    if (!stream) puts ("open failed");
    else {
      boxes++;
      streamdata (stream);
      if (stream->nmsgs) {
	char seq[64];
	sprintf (seq,"1:%lu",stream->nmsgs < max ? stream->nmsgs : max);
	printf ("fetch_fast %s\n",seq);
	mail_fetch_fast (stream,seq,NIL);
	printf ("fetch_flags %s\n",seq);
	mail_fetch_flags (stream,seq,NIL);
      }
      for (n = 1; n <= stream->nmsgs && n <= max; n++) {
	message (stream,n,private);
	total++;
	fflush (stdout);
      }
      puts ("after messages");
      streamdata (stream);
      puts ("close");
      mail_close (stream);
    }
    printf ("=== END %s\n",argv[i]);
    fflush (stdout);
  }
  /* Counted in stderr so that run.sh can report them. */
  fprintf (stderr,"counts mailboxes=%d messages=%lu sections=%lu\n",boxes,
	   total,total_sections);
  return 0;
}
