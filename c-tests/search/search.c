/* Differential test of mail.c's search: mail_criteria and mail_search_full
 * over a unix mailbox of messages written here (headers, dates, sizes,
 * flags, keywords, MIME parts in base64 and quoted-printable, 8-bit and
 * encoded-word text), plus hand-built programs for what the criteria
 * language cannot say (UID and message sets, HEADER, OR/NOT, sizes, sent
 * dates, the other envelope fields). Every search prints its callbacks,
 * its result and the searched marks; the output of the original and of
 * ours must be identical.
 *   search            the built-in mailbox (created in $HOME)
 *   search corpus BOX a dozen criteria over an existing mailbox */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"

void mm_searched (MAILSTREAM *s, unsigned long n) { printf (" hit %lu", n); }
void mm_exists (MAILSTREAM *s, unsigned long n) { }
void mm_expunged (MAILSTREAM *s, unsigned long n) { }
void mm_flags (MAILSTREAM *s, unsigned long n) { }
void mm_notify (MAILSTREAM *s, char *t, long e) { printf ("\nmm_notify %ld: %s\n", e, t); }
void mm_list (MAILSTREAM *s, int d, char *n, long a) { }
void mm_lsub (MAILSTREAM *s, int d, char *n, long a) { }
void mm_status (MAILSTREAM *s, char *m, MAILSTATUS *st) { }
void mm_log (char *t, long e) { printf ("\nmm_log %ld: %s\n", e, t); }
void mm_dlog (char *t) { }
void mm_login (NETMBX *mb, char *u, char *p, long t) { *u = *p = 0; }
void mm_critical (MAILSTREAM *s) { }
void mm_nocritical (MAILSTREAM *s) { }
long mm_diskerror (MAILSTREAM *s, long e, long serious) { return 1; }
void mm_fatal (char *t) { printf ("mm_fatal: %s\n", t); fflush (stdout); }

static const char *box = "srch";

/* The messages, with the flags and internal date they are appended with. */
static struct { const char *flags, *date, *text; } msgs[] = {
  { "(\\Seen)", "03-Mar-2009 10:20:30 +0100",
    "Date: Tue, 3 Mar 2009 10:20:30 +0100\r\n"
    "From: Anne Example <anne@example.org>\r\n"
    "Sender: list@example.org\r\n"
    "Reply-To: replies@example.org\r\n"
    "To: bob@example.com, \"Carol C.\" <carol@example.net>\r\n"
    "Cc: team: dave@example.com, erin@example.com;\r\n"
    "Subject: Plain text with =?ISO-8859-1?Q?caf=E9?=\r\n"
    "Message-ID: <m1@example.org>\r\n"
    "In-Reply-To: <m0@example.org>\r\n"
    "References: <a@x> <m0@example.org>\r\n"
    "Newsgroups: comp.mail.misc\r\n"
    "X-Long: first part\r\n"
    "  continued here\r\n"
    "Content-Type: text/plain; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "Hello Bob,\r\n"
    "caf\351 au lait.\r\n"
    "Bye\r\n" },
  { "(\\Flagged \\Answered)", "04-Mar-2009 08:00:00 -0500",
    "Date: Wed, 4 Mar 2009 08:00:00 -0500\r\n"
    "From: bob@example.com\r\n"
    "To: anne@example.org\r\n"
    "Subject: Fwd: trip\r\n"
    "Message-ID: <m2@example.com>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "Preamble words\r\n"
    "--outer\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "R3LDvMOfZSBhdXMgTcO8bmNoZW4sIGJhc2U2NCBwYXJ0Lgo=\r\n"
    "--outer\r\n"
    "Content-Type: text/plain; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "X-Part-Note: qp part header\r\n"
    "\r\n"
    "Soft=\r\n"
    "break and na=EFve r=E9sum=E9 here.\r\n"
    "--outer\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "From: Zed <zed@nested.example>\r\n"
    "To: inner@nested.example\r\n"
    "Subject: Inner subject =?UTF-8?B?w6l0w6k=?=\r\n"
    "Date: Sun, 1 Feb 2009 12:00:00 +0000\r\n"
    "Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "nested plain words\r\n"
    "--inner\r\n"
    "Content-Type: text/html\r\n"
    "\r\n"
    "<p>nested html words</p>\r\n"
    "--inner--\r\n"
    "--outer\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "aGlkZGVuIGJpbmFyeSB3b3Jkcw==\r\n"
    "--outer--\r\n"
    "Epilogue words\r\n" },
  { "(\\Deleted)", "01-Jan-2010 00:00:00 +0000",
    "Date: Fri, 1 Jan 2010 00:00:00 +0000\r\n"
    "From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <juergen@example.de>\r\n"
    "To: anne@example.org\r\n"
    "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "Sch\303\266ne Gr\303\274\303\237e, STRASSE und Stra\303\237e.\r\n" },
  { "(\\Draft kwone)", "15-Jun-2011 23:59:59 -0700",
    "Date: Wed, 15 Jun 2011 23:59:59 -0700\r\n"
    "From: Carol <carol@example.net>\r\n"
    "To: bob@example.com\r\n"
    "Bcc: secret@example.com\r\n"
    "Subject: BIG attachment\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "%BIG%" },
  { "(kwone kwtwo \\Seen)", "16-Jun-2011 00:00:01 +0000",
    "From: nodate@example.com\r\n"
    "To: bob@example.com\r\n"
    "Subject: no date here\r\n"
    "Followup-To: comp.mail.misc\r\n"
    "\r\n"
    "short\r\n" },
  { "(kwtwo)", "20-Feb-2012 12:00:00 +0000",
    "Date: garbage date\r\n"
    "Return-Path: <bounce@example.org>\r\n"
    "From: \"Bob, the Builder\" <bob@example.com>\r\n"
    "To: undisclosed-recipients:;\r\n"
    "Subject: =?bogus?Q?strange_charset?= and =?ISO-8859-1?B?  broken\r\n"
    "X-Empty:\r\n"
    "Content-Type: text/plain; charset=x-unknown-set\r\n"
    "\r\n"
    "Text in an unknown charset: \344\366\374.\r\n" },
  { NIL, "29-Feb-2012 01:02:03 +0000",
    "Date: 29 Feb 2012 01:02:03 GMT\r\n"
    "From: dave@example.com\r\n"
    "Subject: leap day\r\n"
    "Message-ID: <leap@example.com>\r\n"
    "Content-Type: text/plain; charset=windows-1252\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Quotes =93smart=94 and =80uro.\r\n" },
};
#define NMSGS (sizeof msgs / sizeof msgs[0])

static void append_all (const char *box)
{
  size_t i;
  for (i = 0; i < NMSGS; i++) {
    STRING s;
    char *text = (char *) msgs[i].text;
    char *big = NIL;
    if (strstr (text,"%BIG%")) {	/* a message of some size */
      size_t n = strlen (text), j;
      big = malloc (n + 6000);
      strcpy (big,text);
      for (j = n - 5; j < n - 5 + 5800; j += 58)
	memcpy (big + j,"Padding line with words to make the message larger..xyz\r\n",58);
      strcpy (big + n - 5 + 5800,"The end.\r\n");
      text = big;
    }
    INIT (&s,mail_string,text,strlen (text));
    printf ("append %lu: %ld\n",(unsigned long) i + 1,
	    mail_append_full (NIL,(char *) box,(char *) msgs[i].flags,
			      (char *) msgs[i].date,&s));
    if (big) free (big);
  }
}

static void marks (MAILSTREAM *s)
{
  unsigned long i;
  printf ("\nsearched:");
  for (i = 1; i <= s->nmsgs; i++) if (mail_elt (s,i)->searched) printf (" %lu",i);
  printf ("\n");
}

/* One criteria string through mail_criteria and mail_search_full. */
static void crit (MAILSTREAM *s, char *criteria, char *charset, long flags)
{
  SEARCHPGM *pgm;
  printf ("== crit [%s] charset=%s flags=%ld\n",criteria,
	  charset ? charset : "NIL",flags);
  pgm = mail_criteria (criteria);
  printf ("pgm %s:",pgm ? "ok" : "NIL");
  printf (" ret %ld",mail_search_full (s,charset,pgm,flags | SE_FREE));
  marks (s);
}

/* A hand-built program, searched and freed. */
static void prog (MAILSTREAM *s, const char *name, SEARCHPGM *pgm, char *charset, long flags)
{
  printf ("== prog %s charset=%s flags=%ld\n",name,charset ? charset : "NIL",flags);
  printf ("ret %ld",mail_search_full (s,charset,pgm,flags | SE_FREE));
  marks (s);
}

static STRINGLIST *sl (const char *text)
{
  STRINGLIST *l = mail_newstringlist ();
  l->text.data = (unsigned char *) cpystr (text);
  l->text.size = strlen (text);
  return l;
}

static SEARCHSET *set (unsigned long first, unsigned long last)
{
  SEARCHSET *r = mail_newsearchset ();
  r->first = first;
  r->last = last;
  return r;
}

static unsigned short sdate (const char *text)
{
  MESSAGECACHE elt;
  memset (&elt,0,sizeof elt);
  mail_parse_date (&elt,(unsigned char *) text);
  return mail_shortdate (elt.year,elt.month,elt.day);
}

/* mail_search_gets over a text read from memory, the way a low-memory
 * driver hands a body over. */
static struct { const char *text; unsigned long pos, asked; } rd;
static long readmem (void *stream, unsigned long size, char *buffer)
{
  memcpy (buffer,rd.text + rd.pos,size);
  rd.pos += size;
  rd.asked += size;
  return T;
}

static void gets_case (MAILSTREAM *s, const char *name, const char *key,
		       size_t at, size_t len)
{
  GETS_DATA md;
  char *text = malloc (len + 1);
  size_t i;
  for (i = 0; i < len; i++) text[i] = 'a' + (i % 23);
  text[len] = '\0';
  if (key) memcpy (text + at,key,strlen (key));
  rd.text = text; rd.pos = rd.asked = 0;
  memset (&md,0,sizeof md);
  md.stream = s; md.msgno = 1; md.what = "TEXT";
  s->private.search.string = key ? sl (key) : sl ("NEEDLE");
  s->private.search.result = 99;
  printf ("== gets %s\nret %s",name,mail_search_gets (readmem,NIL,len,&md) ? "ptr" : "NIL");
  printf (" result %ld read %lu left %s\n",s->private.search.result,rd.asked,
	  s->private.search.string ? "keys" : "none");
  mail_free_stringlist (&s->private.search.string);
  free (text);
}

static void programs (MAILSTREAM *s)
{
  { /* a text without the key at all */
    GETS_DATA md;
    char *text = malloc (3001);
    memset (text,'q',3000); text[3000] = '\0';
    rd.text = text; rd.pos = rd.asked = 0;
    memset (&md,0,sizeof md);
    md.stream = s; md.msgno = 2; md.what = "1";
    s->private.search.string = sl ("NEEDLE");
    printf ("== gets absent\nret %s",mail_search_gets (readmem,NIL,3000,&md) ? "ptr" : "NIL");
    printf (" result %ld read %lu\n",s->private.search.result,rd.asked);
    mail_free_stringlist (&s->private.search.string);
    free (text);
  }
  gets_case (s,"across the first boundary","NEEDLE",1020,5000);
  gets_case (s,"in the third chunk","NEEDLE",2500,5000);
  gets_case (s,"at the very end","NEEDLE",4994,5000);
  gets_case (s,"second chunk of two","NEEDLE",1500,1600);
  /* (a hit in the first chunk is left out: the original then asks the
   * reader for more bytes than the text has) */
  SEARCHPGM *p;
  SEARCHOR *o;
  SEARCHPGMLIST *n;
  p = mail_newsearchpgm (); p->msgno = set (2,0); p->msgno->next = set (6,4);
  prog (s,"msgno 2,6:4",p,NIL,0);
  p = mail_newsearchpgm (); p->uid = set (3,5);
  prog (s,"uid 3:5",p,NIL,0);
  p = mail_newsearchpgm (); p->uid = set (3,5);
  prog (s,"uid 3:5 SE_UID",p,NIL,SE_UID);
  p = mail_newsearchpgm (); p->uid = set (100,0);
  prog (s,"uid 100",p,NIL,0);
  p = mail_newsearchpgm (); p->larger = 1000;
  prog (s,"larger 1000",p,NIL,0);
  p = mail_newsearchpgm (); p->smaller = 400;
  prog (s,"smaller 400",p,NIL,0);
  p = mail_newsearchpgm (); p->larger = 300; p->smaller = 2000;
  prog (s,"larger 300 smaller 2000",p,NIL,0);
  p = mail_newsearchpgm (); p->sentbefore = sdate ("1-Jan-2010");
  prog (s,"sentbefore 1-Jan-2010",p,NIL,0);
  p = mail_newsearchpgm (); p->senton = sdate ("4-Mar-2009");
  prog (s,"senton 4-Mar-2009",p,NIL,0);
  p = mail_newsearchpgm (); p->sentsince = sdate ("1-Jan-2010");
  prog (s,"sentsince 1-Jan-2010",p,NIL,0);
  p = mail_newsearchpgm (); p->senton = sdate ("29-Feb-2012");
  prog (s,"senton 29-Feb-2012",p,NIL,0);
  p = mail_newsearchpgm (); p->older = 1;
  prog (s,"older 1",p,NIL,0);
  p = mail_newsearchpgm (); p->younger = 60;
  prog (s,"younger 60",p,NIL,0);
  p = mail_newsearchpgm (); p->draft = T;
  prog (s,"draft",p,NIL,0);
  p = mail_newsearchpgm (); p->undraft = T; p->unanswered = T;
  prog (s,"undraft unanswered",p,NIL,0);
  p = mail_newsearchpgm (); p->header = mail_newsearchheader ("X-Long","continued");
  prog (s,"header X-Long continued",p,NIL,0);
  p = mail_newsearchpgm (); p->header = mail_newsearchheader ("x-long","");
  prog (s,"header x-long empty",p,NIL,0);
  p = mail_newsearchpgm (); p->header = mail_newsearchheader ("X-Empty","");
  prog (s,"header X-Empty empty",p,NIL,0);
  p = mail_newsearchpgm (); p->header = mail_newsearchheader ("Subject","CAFÉ");
  prog (s,"header Subject CAFE-accent utf8",p,"UTF-8",0);
  p = mail_newsearchpgm (); p->header = mail_newsearchheader ("Subject","fwd");
  p->header->next = mail_newsearchheader ("Message-ID","m2@");
  prog (s,"header Subject+Message-ID",p,NIL,0);
  p = mail_newsearchpgm (); p->header = mail_newsearchheader ("Content-Type","boundary");
  prog (s,"header Content-Type boundary",p,NIL,0);
  p = mail_newsearchpgm (); p->header = mail_newsearchheader ("X-Part-Note","");
  prog (s,"header X-Part-Note (part header only)",p,NIL,0);
  p = mail_newsearchpgm ();
  p->or = o = mail_newsearchor ();
  o->first->seen = T; o->second->deleted = T;
  prog (s,"or seen deleted",p,NIL,0);
  p = mail_newsearchpgm ();
  p->or = o = mail_newsearchor ();
  o->first->subject = sl ("trip"); o->second->from = sl ("carol");
  o->next = mail_newsearchor ();
  o->next->first->flagged = T; o->next->second->larger = 5000;
  prog (s,"or subject/from and or flagged/larger",p,NIL,0);
  p = mail_newsearchpgm ();
  p->not = n = mail_newsearchpgmlist ();
  n->pgm->seen = T;
  n->next = mail_newsearchpgmlist ();
  n->next->pgm->keyword = sl ("kwtwo");
  prog (s,"not seen, not keyword kwtwo",p,NIL,0);
  p = mail_newsearchpgm ();
  p->not = n = mail_newsearchpgmlist ();
  n->pgm->or = o = mail_newsearchor ();
  o->first->to = sl ("anne"); o->second->not = mail_newsearchpgmlist ();
  o->second->not->pgm->answered = T;
  prog (s,"not (or to anne, not answered)",p,NIL,0);
  p = mail_newsearchpgm (); p->return_path = sl ("bounce");
  prog (s,"return_path bounce",p,NIL,0);
  p = mail_newsearchpgm (); p->sender = sl ("list@");
  prog (s,"sender list@",p,NIL,0);
  p = mail_newsearchpgm (); p->reply_to = sl ("replies");
  prog (s,"reply_to replies",p,NIL,0);
  p = mail_newsearchpgm (); p->reply_to = sl ("anne");
  prog (s,"reply_to anne (defaults to from)",p,NIL,0);
  p = mail_newsearchpgm (); p->in_reply_to = sl ("m0@");
  prog (s,"in_reply_to m0@",p,NIL,0);
  p = mail_newsearchpgm (); p->message_id = sl ("LEAP");
  prog (s,"message_id LEAP",p,NIL,0);
  p = mail_newsearchpgm (); p->newsgroups = sl ("comp.mail");
  prog (s,"newsgroups comp.mail",p,NIL,0);
  p = mail_newsearchpgm (); p->followup_to = sl ("misc");
  prog (s,"followup_to misc",p,NIL,0);
  p = mail_newsearchpgm (); p->references = sl ("<a@x>");
  prog (s,"references <a@x>",p,NIL,0);
  p = mail_newsearchpgm (); p->cc = sl ("team:");
  prog (s,"cc team:",p,NIL,0);
  p = mail_newsearchpgm (); p->to = sl ("undisclosed");
  prog (s,"to undisclosed",p,NIL,0);
  p = mail_newsearchpgm (); p->from = sl ("\"Bob, the");
  prog (s,"from quoted personal",p,NIL,0);
  p = mail_newsearchpgm (); p->text = sl ("nested"); p->text->next = sl ("trip");
  prog (s,"text nested+trip",p,NIL,0);
  p = mail_newsearchpgm (); p->body = sl ("hidden binary");
  prog (s,"body hidden binary (application part)",p,NIL,0);
  p = mail_newsearchpgm (); p->body = sl ("epilogue");
  prog (s,"body epilogue",p,NIL,0);
  p = mail_newsearchpgm (); p->body = sl ("preamble");
  prog (s,"body preamble",p,NIL,0);
  p = mail_newsearchpgm (); p->text = sl ("qp part header");
  prog (s,"text qp part header",p,NIL,0);
  p = mail_newsearchpgm (); p->body = sl ("qp part header");
  prog (s,"body qp part header",p,NIL,0);
  p = mail_newsearchpgm (); p->text = sl ("Zed");
  prog (s,"text Zed (nested header)",p,NIL,0);
  p = mail_newsearchpgm (); p->body = sl ("Zed");
  prog (s,"body Zed",p,NIL,0);
  p = mail_newsearchpgm (); p->body = sl ("\342\200\234smart\342\200\235");
  prog (s,"body smart quotes utf8",p,"UTF-8",0);
  p = mail_newsearchpgm (); p->body = sl ("\344\366\374");
  prog (s,"body unknown charset latin bytes",p,"ISO-8859-1",0);
  p = mail_newsearchpgm (); p->subject = sl ("strange");
  prog (s,"subject bogus encoded word",p,NIL,0);
  /* section searches of the nested message of message 2 */
  p = mail_newsearchpgm (); p->subject = sl ("inner");
  printf ("== msg 2 section 3 subject inner\nret %ld\n",mail_search_msg (s,2,"3",p));
  printf ("== msg 2 section 1 subject inner\nret %ld\n",mail_search_msg (s,2,"1",p));
  mail_free_searchpgm (&p);
  p = mail_newsearchpgm (); p->body = sl ("html words");
  printf ("== msg 2 section 3 body html words\nret %ld\n",mail_search_msg (s,2,"3",p));
  mail_free_searchpgm (&p);
  p = mail_newsearchpgm (); p->text = sl ("inner@nested");
  printf ("== msg 2 section 3 text inner@nested\nret %ld\n",mail_search_msg (s,2,"3",p));
  mail_free_searchpgm (&p);
  /* the helpers on their own */
  {
    STRINGLIST *k = sl ("WORLD");
    SIZEDTEXT t;
    char text[] = "hello world\r\n", ab[] = "AB", latin[] = "\344zz";
    printf ("== helpers\n");
    char hdr[] = "Hello =?utf-8?q?World?=";
    printf ("header_text %ld\n",mail_search_header_text (hdr,k));
    printf ("header_text NIL %ld\n",mail_search_header_text (NIL,k));
    t.data = (unsigned char *) text; t.size = 13;
    printf ("header %ld\n",mail_search_header (&t,k));
    mail_free_stringlist (&k);
    k = sl ("a"); k->next = sl ("B"); k->next->next = sl ("zz");
    t.data = (unsigned char *) ab; t.size = 2;
    printf ("string_work %ld",mail_search_string_work (&t,&k));
    { STRINGLIST *x; for (x = k; x; x = x->next) printf (" left %s",x->text.data); }
    printf ("\n");
    t.data = (unsigned char *) latin; t.size = 3;
    printf ("string latin1 %ld",mail_search_string (&t,"ISO-8859-1",&k));
    printf (" %s\n",k ? "left" : "none left");
    mail_free_stringlist (&k);
    { /* mail_criteria_string on a caller's strtok_r state */
      static const char *forms[] = {
	"SUBJECT \"a b\" rest", "SUBJECT {3}\r\nx y rest", "SUBJECT atom rest",
	"SUBJECT  two", "SUBJECT", "SUBJECT \"open", "SUBJECT {2}\r\nabc", NIL
      };
      const char **f;
      for (f = forms; *f; f++) {
	char buf[100], *r, *tok;
	STRINGLIST *l = NIL;
	int ok;
	strcpy (buf,*f);
	strtok_r (buf," ",&r);
	ok = mail_criteria_string (&l,&r);
	printf ("criteria_string %d [%s]",ok,l ? (char *) l->text.data : "-");
	if (l) printf (" size %lu",l->text.size);
	tok = strtok_r (NIL," ",&r);
	printf (" next [%s]\n",tok ? tok : "-");
	if (l) mail_free_stringlist (&l);
      }
    }
    k = sl ("kwone");
    printf ("keyword 4 %ld 1 %ld\n",mail_search_keyword (s,mail_elt (s,4),k,T),
	    mail_search_keyword (s,mail_elt (s,1),k,T));
    printf ("unkeyword 4 %ld 1 %ld\n",mail_search_keyword (s,mail_elt (s,4),k,NIL),
	    mail_search_keyword (s,mail_elt (s,1),k,NIL));
    mail_free_stringlist (&k);
  }
}

/* ---- drivers of the program's own, linked with mail_link ---- */
/* "lowm": a low-memory driver (texts reach the search through mailgets)
 * whose fast data comes only from its fast method; "sdrv": a driver with
 * its own search method. Both serve msgs[] and print every call. */
DRIVER driverL, driverS;
static MAILSTREAM protoL = {&driverL}, protoS = {&driverS};
static DRIVER *l_valid (char *name) { return strncmp (name,"#lowm/",6) ? NIL : &driverL; }
static DRIVER *s_valid (char *name) { return strncmp (name,"#sdrv/",6) ? NIL : &driverS; }
static void *x_parameters (long f, void *v) { return NIL; }
static char *ltext[NMSGS];	/* writable copies: the library may tie off a header */
static unsigned long hdrsize (unsigned long i)
{
  const char *t = msgs[i - 1].text, *e = strstr (t,"\r\n\r\n");
  return e ? (unsigned long) (e + 4 - t) : strlen (t);
}
static MAILSTREAM *l_open (MAILSTREAM *stream)
{
  unsigned long i;
  if (!stream) return &protoL;
  printf ("%s.open\n",stream->dtb->name);
  mail_exists (stream,NMSGS);
  mail_recent (stream,2);
  for (i = 0; i < NMSGS; i++) if (!ltext[i]) ltext[i] = strdup (msgs[i].text);
  stream->user_flags[0] = cpystr ("kwone");
  stream->user_flags[1] = cpystr ("kwtwo");
  for (i = 1; i <= NMSGS; i++) mail_elt (stream,i)->private.uid = 3 * i;
  mail_elt (stream,1)->recent = mail_elt (stream,2)->recent = T;
  return stream;
}
static MAILSTREAM *s_open (MAILSTREAM *stream)
{
  if (!stream) return &protoS;
  return l_open (stream);
}
static void l_close (MAILSTREAM *stream, long options) { printf ("%s.close\n",stream->dtb->name); }
static void l_fast (MAILSTREAM *stream, char *seq, long flags)
{
  unsigned long i;
  printf ("%s.fast %s %ld\n",stream->dtb->name,seq,flags);
  if (mail_sequence (stream,seq)) for (i = 1; i <= stream->nmsgs; i++) {
    MESSAGECACHE *e = mail_elt (stream,i);
    const char *f = msgs[i - 1].flags ? msgs[i - 1].flags : "";
    if (!e->sequence) continue;
    e->rfc822_size = strlen (msgs[i - 1].text);
    mail_parse_date (e,(unsigned char *) msgs[i - 1].date);
    e->seen = strstr (f,"\\Seen") != NIL;
    e->deleted = strstr (f,"\\Deleted") != NIL;
    e->flagged = strstr (f,"\\Flagged") != NIL;
    e->answered = strstr (f,"\\Answered") != NIL;
    e->draft = strstr (f,"\\Draft") != NIL;
    e->user_flags = (strstr (f,"kwone") ? 1 : 0) | (strstr (f,"kwtwo") ? 2 : 0);
    e->valid = T;
  }
}
static char *l_header (MAILSTREAM *stream, unsigned long msgno, unsigned long *len, long flags)
{
  printf ("%s.header %lu %lx\n",stream->dtb->name,msgno,flags);
  *len = hdrsize (msgno);
  return ltext[msgno - 1];
}
/* A STRING driver of our own handing out 100-byte chunks: texts that are
 * not plain memory strings are the ones read through mailgets. */
#define LCHUNK 100
static void lchunk_setpos (STRING *s, unsigned long i)
{
  if (i > s->size) i = s->size;
  s->offset = (i / LCHUNK) * LCHUNK;
  s->chunk = (char *) s->data + s->offset;
  s->chunksize = (s->size - s->offset < LCHUNK) ? s->size - s->offset : LCHUNK;
  s->curpos = s->chunk + (i - s->offset);
  s->cursize = s->chunksize - (i - s->offset);
}
static void lchunk_init (STRING *s, void *data, unsigned long size)
{
  s->data = data; s->data1 = 0; s->size = size;
  lchunk_setpos (s,0);
}
static char lchunk_next (STRING *s)
{
  char c = *s->curpos++;
  lchunk_setpos (s,GETPOS (s));
  return c;
}
static STRINGDRIVER lchunk_string = {lchunk_init, lchunk_next, lchunk_setpos};
static long l_text (MAILSTREAM *stream, unsigned long msgno, STRING *bs, long flags)
{
  printf ("%s.text %lu %lx\n",stream->dtb->name,msgno,flags);
  INIT (bs,lchunk_string,(void *) (ltext[msgno - 1] + hdrsize (msgno)),
	strlen (msgs[msgno - 1].text) - hdrsize (msgno));
  return T;
}
static long l_ping (MAILSTREAM *s) { return T; }
static void l_check (MAILSTREAM *s) { }
static long s_search (MAILSTREAM *stream, char *charset, SEARCHPGM *pgm, long flags)
{
  printf ("sdrv.search charset=%s flags=%ld seen=%d\n",charset ? charset : "NIL",flags,pgm->seen);
  mm_searched (stream,2);
  return 7;
}
DRIVER driverL = {
  "lowm", DR_LOWMEM, NIL, l_valid, x_parameters, NIL, NIL, NIL, NIL, NIL, NIL, NIL, NIL, NIL,
  l_open, l_close, l_fast, NIL, NIL, NIL, l_header, l_text, NIL, NIL, NIL,
  NIL, NIL, NIL, NIL, NIL, l_ping, l_check, NIL, NIL, NIL, NIL
};
DRIVER driverS = {
  "sdrv", 0, NIL, s_valid, x_parameters, NIL, NIL, NIL, NIL, NIL, NIL, NIL, NIL, NIL,
  s_open, l_close, l_fast, NIL, NIL, NIL, l_header, l_text, NIL, NIL, NIL,
  NIL, NIL, s_search, NIL, NIL, l_ping, l_check, NIL, NIL, NIL, NIL
};

static void drivers (void)
{
  static char *lc[] = {
    "ALL", "SEEN", "UNSEEN UNDELETED", "RECENT", "KEYWORD kwone", "UNKEYWORD kwtwo",
    "BEFORE 1-Jan-2010", "SINCE 16-Jun-2011", "SUBJECT trip", "FROM jürgen",
    "BODY münchen", "BODY naïve", "TEXT Zed", "TEXT \"qp part header\"", "BODY Padding",
    "BODY \"The end\"", "BODY nowhere", "TEXT anne BODY lait", NIL
  };
  char **c;
  MAILSTREAM *s = mail_open (NIL,"#lowm/box",NIL);
  SEARCHPGM *p;
  if (!s) { printf ("lowm open failed\n"); return; }
  for (c = lc; *c; c++) crit (s,*c,NIL,0);
  crit (s,"SEEN",NIL,SE_UID);
  p = mail_newsearchpgm (); p->larger = 1000;
  prog (s,"lowm larger 1000",p,NIL,0);
  p = mail_newsearchpgm (); p->header = mail_newsearchheader ("Subject","trip");
  prog (s,"lowm header Subject trip",p,NIL,0);
  p = mail_newsearchpgm (); p->header = mail_newsearchheader ("Subject","trip");
  p->from = sl ("bob");
  prog (s,"lowm header and from",p,NIL,0);
  mail_close (s);
  if (!(s = mail_open (NIL,"#sdrv/box",NIL))) { printf ("sdrv open failed\n"); return; }
  printf ("== sdrv\n");
  mail_elt (s,3)->searched = T;
  crit (s,"SEEN",NIL,0);
  mail_elt (s,3)->searched = T;
  crit (s,"SEEN","UTF-8",SE_RETAIN | SE_UID);
  crit (s,"BOGUS",NIL,0);
  mail_close (s);
}

static char *criteria[] = {
  "ALL", "", "all", "SEEN", "UNSEEN", "NEW", "OLD", "RECENT", "ANSWERED",
  "UNANSWERED", "DELETED", "UNDELETED", "FLAGGED", "UNFLAGGED",
  "SEEN UNDELETED", "UNSEEN UNDELETED",
  "KEYWORD kwone", "KEYWORD KWTWO", "KEYWORD kwone KEYWORD kwtwo",
  "KEYWORD nosuch", "UNKEYWORD kwone", "UNKEYWORD nosuch", "UNKEYWORD kwone UNKEYWORD kwtwo",
  "BEFORE 1-Jan-2010", "BEFORE 01-Jan-2010", "ON 4-Mar-2009", "ON 1-Jan-2010",
  "SINCE 1-Jan-2010", "SINCE 16-Jun-2011", "ON 15-Jun-2011", "ON 16-Jun-2011",
  "SINCE 1-Jan-2010 BEFORE 1-Jan-2012", "BEFORE \"3-Mar-2009\"", "ON 29-Feb-2012",
  "SUBJECT trip", "SUBJECT TRIP", "subject Plain", "SUBJECT café", "SUBJECT cafe",
  "SUBJECT \"text with\"", "SUBJECT {9}\r\ntext with", "SUBJECT {9}\r\ntext with SEEN",
  "SUBJECT grüße", "SUBJECT GRÜSSE", "SUBJECT köln", "SUBJECT \"\"",
  "FROM anne", "FROM ANNE@EXAMPLE.ORG", "FROM \"Anne Example\"", "FROM jürgen",
  "FROM Müller", "FROM example", "TO bob", "TO carol", "TO \"Carol C.\"",
  "CC dave", "CC team", "BCC secret", "BCC nobody",
  "BODY lait", "BODY LAIT", "BODY café", "BODY \"au lait\"", "BODY base64",
  "BODY münchen", "BODY MÜNCHEN", "BODY größe", "BODY softbreak", "BODY naïve",
  "BODY résumé", "BODY \"nested plain\"", "BODY html", "BODY Padding",
  "BODY \"The end\"", "BODY schöne", "BODY straße", "BODY strasse", "BODY €uro",
  "TEXT trip", "TEXT anne", "TEXT Content-Type", "TEXT boundary", "TEXT Fwd",
  "TEXT \"Inner subject\"", "TEXT été", "TEXT nonexistentword",
  "TEXT hello TEXT bye", "BODY hello BODY nonexistent",
  "FLAGGED SUBJECT trip", "SEEN FROM bob", "DELETED TEXT straße",
  "BOGUS", "ALL BOGUS", "UID 1", "NOT SEEN", "OR SEEN DELETED", "LARGER 100",
  "HEADER X-Long x", "SENTBEFORE 1-Jan-2010", "SUBJECT", "BEFORE", "BEFORE garbage",
  "BEFORE 32-Jan-2010", "SUBJECT \"unterminated",
  "SUBJECT {3}\r\nabcd", "TEXT {0}\r\n", "KEYWORD", "ALL  SEEN", " SEEN",
  "UNKNOWNCRITERIONWITHAVERYLONGNAMEBEYONDTHIRTY",
  "SUBJECT  trip", "SUBJECT trip ", "SUBJECT \"\" SEEN", "SUBJECT \"fw\"d",
  "BEFORE {10}\r\n1-Jan-2010", "ON \"4-Mar-2009\" FLAGGED", "SUBJECT {0}\r\n SEEN",
  "subject \"Fwd: trip\"", "X", "SEEN\tFLAGGED", "SUBJECT {3}\r\nfwd",
  "SINCE 1-jan-2010 before 1-JAN-2012", "ON 4-Mar-09", "BEFORE 2010-01-01",
  NIL
};

static void builtin (void)
{
  MAILSTREAM *s;
  char **c;
  printf ("create %ld\n",mail_create (NIL,(char *) box));
  append_all (box);
  /* first open: everything recent; close writes status */
  s = mail_open (NIL,(char *) box,NIL);
  if (!s) { printf ("open failed\n"); return; }
  printf ("== first session nmsgs %lu\n",s->nmsgs);
  crit (s,"RECENT",NIL,0);
  crit (s,"NEW",NIL,0);
  /* keywords are defined by setting them on an open stream */
  mail_setflag (s,"1","kwtwo");
  mail_setflag (s,"4","kwone");
  mail_setflag (s,"5","kwone kwtwo");
  mail_setflag (s,"6","kwtwo");
  mail_setflag (s,"7","kwthree");
  mail_clearflag (s,"7","kwthree");
  mail_close (s);
  /* one more message arrives: the only recent one next time */
  {
    STRING m;
    char *t = "From: late@example.com\r\nSubject: late arrival\r\n\r\nlate body\r\n";
    INIT (&m,mail_string,t,strlen (t));
    printf ("append late %ld\n",mail_append_full (NIL,(char *) box,NIL,
						  "01-Jan-2013 00:00:00 +0000",&m));
  }
  s = mail_open (NIL,(char *) box,NIL);
  if (!s) { printf ("reopen failed\n"); return; }
  printf ("== second session nmsgs %lu\n",s->nmsgs);
  for (c = criteria; *c; c++) crit (s,*c,NIL,0);
  /* charsets */
  crit (s,"SUBJECT grüße","UTF-8",0);
  crit (s,"SUBJECT caf\351","ISO-8859-1",0);
  crit (s,"BODY caf\351","ISO-8859-1",0);
  /* (invalid UTF-8 under charset UTF-8 is left out: the original frees
   * the converted string twice and aborts) */
  crit (s,"BODY caf\351",NIL,0);
  crit (s,"SUBJECT k\366ln","iso-8859-1",0);
  crit (s,"ALL","bogus-charset",0);
  crit (s,"ALL","",0);
  crit (s,"ALL","us-ascii",0);
  crit (s,"BODY lait","x-unknown-set",0);
  /* SE_UID, SE_RETAIN, silence */
  crit (s,"SEEN",NIL,SE_UID);
  crit (s,"UNSEEN",NIL,SE_UID | SE_NOPREFETCH);
  crit (s,"FLAGGED",NIL,0);
  crit (s,"DELETED",NIL,SE_RETAIN);
  crit (s,"BOGUS",NIL,SE_RETAIN);
  crit (s,"BOGUS",NIL,0);
  s->silent = T;
  crit (s,"SEEN",NIL,0);
  crit (s,"SEEN",NIL,SE_UID);
  s->silent = NIL;
  {
    SEARCHPGM *keep = mail_criteria ("SUBJECT trip");
    printf ("== without SE_FREE, twice\n");
    printf ("ret %ld",mail_search_full (s,NIL,keep,0));
    printf (" ret %ld",mail_search_full (s,NIL,keep,0));
    marks (s);
    mail_free_searchpgm (&keep);
    printf ("== NIL program\nret %ld",mail_search_full (s,NIL,NIL,SE_RETAIN));
    marks (s);
    printf ("== mail_criteria NIL: %s\n",mail_criteria (NIL) ? "pgm" : "NIL");
  }
  programs (s);
  /* the same messages in an MMDF mailbox: the search is the driver's
   * generic one there too */
  printf ("== mmdf copy\ncreate %ld",mail_create (NIL,"#driver.mmdf/srchm"));
  printf ("\n");
  mail_close (s);
  append_all ("srchm");
  if ((s = mail_open (NIL,"srchm",NIL)) != NIL) {
    static char *mc[] = {
      "ALL", "SEEN", "RECENT", "DELETED", "KEYWORD kwone", "SUBJECT grüße",
      "BODY münchen", "TEXT Zed", "BODY naïve", "FROM jürgen", "BEFORE 1-Jan-2010",
      "BODY Padding", NIL
    };
    printf ("== mmdf driver %s nmsgs %lu\n",s->dtb->name,s->nmsgs);
    for (c = mc; *c; c++) crit (s,*c,NIL,0);
    crit (s,"SEEN",NIL,SE_UID);
    mail_close (s);
  }
}

static void corpus (char *name)
{
  static char *cc[] = {
    "ALL", "SUBJECT re", "SUBJECT linux", "FROM ralf", "TO linux-mips",
    "BODY kernel", "TEXT \"Message-ID\"", "BEFORE 1-Jan-2004", "SINCE 1-Jan-2005",
    "ON 1-Jan-2003", "BODY patch SUBJECT re", "TEXT mips BODY the", "BODY ü",
    "SUBJECT ç", NIL
  };
  char **c;
  MAILSTREAM *s = mail_open (NIL,name,OP_READONLY);
  if (!s) { printf ("open failed\n"); return; }
  printf ("== corpus nmsgs %lu\n",s->nmsgs);
  for (c = cc; *c; c++) {
    SEARCHPGM *pgm = mail_criteria (*c);
    unsigned long i,n = 0,sum = 0;
    printf ("== corpus [%s]\n",*c);
    /* counts and a checksum only: a long list of numbers is no clearer */
    s->silent = T;
    printf ("ret %ld",mail_search_full (s,"UTF-8",pgm,SE_FREE));
    for (i = 1; i <= s->nmsgs; i++)
      if (mail_elt (s,i)->searched) { n++; sum = sum * 31 + i; }
    printf (" matched %lu sum %lu\n",n,sum);
  }
  mail_close (s);
}

int main (int argc, char **argv)
{
#include "linkage.c"
  setvbuf (stdout,NIL,_IOLBF,0);
  mail_link (&driverL);
  mail_link (&driverS);
  if (argc == 3 && !strcmp (argv[1],"corpus")) corpus (argv[2]);
  else {
    builtin ();
    drivers ();
  }
  printf ("\ndone\n");
  return 0;
}
