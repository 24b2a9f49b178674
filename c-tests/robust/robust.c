/* robust: feeds hostile input it generates itself to a c-client library
 * through its C interface and prints a deterministic digest of every answer.
 *
 * Built once against the original's headers; run.sh runs the same binary
 * against our library and against the original (LD_LIBRARY_PATH), checks
 * that ours returns, stays within memory, logs nothing worse than a warning,
 * and that both digests agree where the original survives.
 *
 * usage: robust CASE      run one case
 *        robust -l        list the cases
 * ROBUST_SCALE=N divides every generated size by N (for valgrind runs).
 *
 * Output: lines "R <label> <digest...>", then
 *         "LOG nil=N warn=N error=N parse=N bye=N fatal=N text=<hash>" and
 *         "RSS <max resident KiB>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/resource.h>
#include "c-client.h"

/* ---- digest: FNV-1a over a canonical walk of the answers ---- */

static uint64_t H;
static void hb (const void *p,size_t n)
{
  const unsigned char *s = p;
  while (n--) { H ^= *s++; H *= 0x100000001b3ULL; }
}
static void hreset (void) { H = 0xcbf29ce484222325ULL; }
static void hs (const char *s)
{
  if (s) hb (s,strlen (s) + 1);
  else hb ("\377NIL",4);
}
static void hn (unsigned long v) { hb (&v,sizeof v); }

/* ---- callbacks: every mm_* a c-client application must define; the
 * shared silent ones except those that count and hash what they get ---- */
#define MM_OWN_LOG
#define MM_OWN_NOTIFY
#define MM_OWN_FATAL
#include "../lib/mm_callbacks.h"

static unsigned long nlog[6],nfatal;
static uint64_t loghash = 0xcbf29ce484222325ULL;

void mm_log (char *string,long errflg)
{
  unsigned char *s = (unsigned char *) string;
  nlog[(errflg >= 0 && errflg <= BYE) ? errflg : 5]++;
  loghash ^= (uint64_t) errflg; loghash *= 0x100000001b3ULL;
  if (s) while (*s) { loghash ^= *s++; loghash *= 0x100000001b3ULL; }
}
void mm_notify (MAILSTREAM *stream,char *string,long errflg)
{ mm_log (string,errflg); }
void mm_fatal (char *string)
{
  nfatal++;
  printf ("FATAL %s\n",string ? string : "");
  fflush (stdout);
}

/* ---- growing byte buffer and seeded random numbers ---- */

typedef struct { char *p; size_t n,cap; } BUF;
static void put (BUF *b,const void *s,size_t n)
{
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    if (!(b->p = realloc (b->p,b->cap))) { puts ("out of memory"); exit (3); }
  }
  memcpy (b->p + b->n,s,n);
  b->n += n;
  b->p[b->n] = '\0';
}
static void puts_ (BUF *b,const char *s) { put (b,s,strlen (s)); }
static void putf (BUF *b,const char *fmt,...) __attribute__ ((format (printf,2,3)));
#include <stdarg.h>
static void putf (BUF *b,const char *fmt,...)
{
  char tmp[512];
  va_list ap;
  va_start (ap,fmt);
  vsnprintf (tmp,sizeof tmp,fmt,ap);
  va_end (ap);
  puts_ (b,tmp);
}
static void rep (BUF *b,const char *s,size_t times)
{ while (times--) puts_ (b,s); }
static void bfree (BUF *b) { free (b->p); b->p = NULL; b->n = b->cap = 0; }

static uint64_t rng = 88172645463325252ULL;
static uint64_t rnd (void)
{ rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static size_t scale = 1;
#define SZ(n) ((size_t) (n) / scale ? (size_t) (n) / scale : 1)

/* ---- crash isolation and detail ---- */

/* ROBUST_SKIP=",label,label," leaves out inputs that kill a library, so the
 * rest can still be compared; ROBUST_SHOW=label prints one input and its
 * answer in hex */
static const char *skiplist,*showlabel;
static int skipped (const char *label)
{
  char key[128];
  printf ("B %s\n",label);	/* the last B line names what killed a run */
  if (!skiplist) return 0;
  snprintf (key,sizeof key,",%s,",label);
  if (!strstr (skiplist,key)) return 0;
  printf ("S %s skipped\n",label);
  return 1;
}
static void show (const char *label,const char *what,const void *p,size_t n)
{
  const unsigned char *s = p;
  if (!showlabel || strcmp (showlabel,label)) return;
  printf ("X %s %s %lu:",label,what,(unsigned long) n);
  while (n--) printf (" %02x",*s++);
  putchar ('\n');
}

/* ---- walking what the parser built ---- */

static unsigned long naddr;
static void haddr (ADDRESS *a)
{
  for (; a; a = a->next) {
    naddr++;
    hs (a->personal); hs (a->adl); hs (a->mailbox); hs (a->host); hs (a->error);
  }
  hb ("\0A",2);
}
static void hparam (PARAMETER *p)
{
  for (; p; p = p->next) { hs (p->attribute); hs (p->value); }
  hb ("\0P",2);
}
static void henv (ENVELOPE *e)
{
  if (!e) { hb ("\0noenv",6); return; }
  hs (e->remail); haddr (e->return_path); hs (e->date); haddr (e->from);
  haddr (e->sender); haddr (e->reply_to); hs (e->subject); haddr (e->to);
  haddr (e->cc); haddr (e->bcc); hs (e->in_reply_to); hs (e->message_id);
  hs (e->newsgroups); hs (e->followup_to); hs (e->references);
}
static unsigned long nparts,maxdepth;
static void hbody (BODY *b,unsigned long depth)
{
  STRINGLIST *l;
  PART *p;
  if (!b) { hb ("\0nobody",7); return; }
  nparts++;
  if (depth > maxdepth) maxdepth = depth;
  hn (b->type); hn (b->encoding); hs (b->subtype); hparam (b->parameter);
  hs (b->id); hs (b->description); hs (b->disposition.type);
  hparam (b->disposition.parameter);
  for (l = b->language; l; l = l->next) hs ((char *) l->text.data);
  hs (b->location); hs (b->md5);
  hn (b->size.bytes); hn (b->size.lines);
  hn (b->mime.offset); hn (b->mime.text.size);
  hn (b->contents.offset); hn (b->contents.text.size);
  if (b->type == TYPEMULTIPART)
    for (p = b->nested.part; p; p = p->next) { hb ("\0p",2); hbody (&p->body,depth + 1); }
  else if (b->type == TYPEMESSAGE && b->nested.msg) {
    MESSAGE *m = b->nested.msg;
    hn (m->header.offset); hn (m->header.text.size);
    hn (m->text.offset); hn (m->text.text.size);
    henv (m->env);
    hbody (m->body,depth + 1);
  }
}

/* parse one message the way a local driver does: the header through the
 * first empty line, the rest as a mail_string STRING */
static void parse_w (const char *label,char *msg,size_t len);
/* a writable copy: the interface takes char *, and the original may write */
static void parse (const char *label,const char *msg,size_t len)
{
  char *w = malloc (len + 1);
  memcpy (w,msg,len);
  w[len] = '\0';
  parse_w (label,w,len);
  free (w);
}
static void parse_w (const char *label,char *msg,size_t len)
{
  ENVELOPE *env = NIL;
  BODY *body = NIL;
  STRING bs;
  size_t hl = len,i;
  if (skipped (label)) return;
  for (i = 0; i + 3 < len; i++)
    if (msg[i] == '\r' && msg[i+1] == '\n' && msg[i+2] == '\r' && msg[i+3] == '\n') {
      hl = i + 4;
      break;
    }
  INIT (&bs,mail_string,(void *) (msg + hl),len - hl);
  rfc822_parse_msg (&env,&body,(char *) msg,hl,&bs,"robust.example",0);
  hreset (); naddr = nparts = maxdepth = 0;
  henv (env); hbody (body,0);
  printf ("R %s %016llx addrs=%lu parts=%lu depth=%lu\n",label,
          (unsigned long long) H,naddr,nparts,maxdepth);
  mail_free_envelope (&env);
  mail_free_body (&body);
}
static void parsebuf (const char *label,BUF *b) { parse_w (label,b->p ? b->p : "",b->n); }

/* a message whose header carries FIELD: VALUE */
static void parse_field (const char *label,const char *field,BUF *value)
{
  BUF m = {0};
  putf (&m,"From: a@b.example\r\n%s: ",field);
  put (&m,value->p,value->n);
  puts_ (&m,"\r\nSubject: x\r\n\r\nbody\r\n");
  parsebuf (label,&m);
  bfree (&m);
}

/* ---- address lists ---- */

static long sink (void *stream,char *string)
{
  BUF *b = stream;
  puts_ (b,string);
  return T;
}

/* rfc822_parse_adrlist, then the list written back through an
 * RFC822BUFFER with a small buffer and, when the legacy writer can take it,
 * with rfc822_write_address into a buffer of exactly the needed size */
static void adrlist (const char *label,const char *text)
{
  ADDRESS *a = NIL;
  char *copy = cpystr ((char *) text);
  char small[64];
  RFC822BUFFER buf;
  BUF out = {0};
  if (skipped (label)) { fs_give ((void **) &copy); return; }
  rfc822_parse_adrlist (&a,copy,"robust.example");
  hreset (); naddr = 0;
  haddr (a);
  hs (copy);			/* the parser writes into its argument */
  buf.f = sink; buf.s = &out; buf.beg = buf.cur = small; buf.end = small + sizeof small - 1;
  rfc822_output_address_list (&buf,a,0,NIL);
  rfc822_output_flush (&buf);
  if (out.p) hb (out.p,out.n);
  printf ("R %s %016llx addrs=%lu outlen=%lu\n",label,(unsigned long long) H,
          naddr,(unsigned long) out.n);
  /* exactly sized legacy write; the legacy writer aborts past SENDBUFLEN */
  if (a && out.n < SENDBUFLEN / 4) {
    char *big = calloc (1,SENDBUFLEN * 2),*exact;
    size_t n,k;
    rfc822_write_address (big,a);
    n = strlen (big);
    exact = malloc (n + 1 + 16);
    *exact = '\0';
    memset (exact + 1,0xa5,n + 16);
    rfc822_write_address (exact,a);
    for (k = n + 1; k < n + 17 && (unsigned char) exact[k] == 0xa5; k++);
    printf ("R %s.write %s len=%lu\n",label,
            (k == n + 17 && !strcmp (big,exact)) ? "exact-ok" : "OVERRUN-OR-DIFFERENT",
            (unsigned long) n);
    hreset (); hb (big,n);
    printf ("R %s.written %016llx\n",label,(unsigned long long) H);
    free (big); free (exact);
  }
  bfree (&out);
  mail_free_address (&a);
  fs_give ((void **) &copy);
}
static void adrbuf (const char *label,BUF *b)
{
  char mlabel[128];
  /* NUL bytes would end the C string anyway */
  adrlist (label,b->p ? b->p : "");
  snprintf (mlabel,sizeof mlabel,"%s.msg",label);
  parse_field (mlabel,"To",b);
}

/* ---- token soup: random text built from the grammar's delimiters ---- */

static const char *soup_tok[] = {
  "From: ","To: ","Cc: ","Subject: ","Date: ","Content-Type: ",
  "Content-Transfer-Encoding: ","MIME-Version: 1.0","multipart/mixed",
  "message/rfc822","text/plain","; boundary=","; charset=","base64",
  "quoted-printable","\r\n","\r\n\r\n","\r\n ","--","--b","b","=?","?=",
  "?Q?","?B?","utf-8","iso-2022-jp","\"","(",")","<",">","@","[","]",",",
  ":",";","\\","."," ","\t","=","=4","A","Zm9v","\033$B","\n","\r","\0",
  "group:","a@b","Mon, 1 Jan 2001 00:00:00 +0000","GMT","-0800"
};
#define NSOUP (sizeof soup_tok / sizeof *soup_tok)

static void soup (BUF *b,size_t n)
{
  while (b->n < n) {
    uint64_t r = rnd ();
    if (r % 4 == 0) { char c = (char) (r >> 8); put (b,&c,1); }
    else {
      const char *t = soup_tok[(r >> 8) % NSOUP];
      put (b,t,*t ? strlen (t) : 1);
    }
  }
}
static void rbytes (BUF *b,size_t n)
{
  while (n--) { char c = (char) rnd (); put (b,&c,1); }
}

/* ---- the cases ---- */

static void c_nul (void)
{
  static const char m1[] = "From: a\0b@c.example\r\nSubject: x\0y\r\nTo: \0\r\n"
    "Content-Type: text/plain; charset=\"a\0b\"\r\n\r\nbody\0with\0nuls\r\n";
  static const char m2[] = "\0\0\0\r\n\r\n\0";
  static const char m3[] = "Content-Type: multipart/mixed; boundary=x\r\n\r\n"
    "--x\r\nContent-Type: text/plain\0\r\n\r\na\0b\r\n--x\0\r\n--x--\r\n";
  BUF b = {0};
  parse ("nul.header",m1,sizeof m1 - 1);
  parse ("nul.only",m2,sizeof m2 - 1);
  parse ("nul.multipart",m3,sizeof m3 - 1);
  { size_t i; for (i = 0; i < SZ (100000); i++) put (&b,"\0",1); }
  parsebuf ("nul.100k",&b);
  bfree (&b);
}

static void c_longline (void)
{
  BUF v = {0},m = {0};
  rep (&v,"a",SZ (1 << 20));
  parse_field ("longline.subject",  "Subject",&v);
  parse_field ("longline.to",       "To",&v);
  parse_field ("longline.ctype",    "Content-Type",&v);
  parse_field ("longline.xheader",  "X-Long",&v);
  puts_ (&m,"X-");		/* a 1 MB field name */
  put (&m,v.p,v.n);
  puts_ (&m,": x\r\n\r\nbody\r\n");
  parsebuf ("longline.name",&m);
  bfree (&m);
  rep (&m,"Subject: ",1);
  put (&m,v.p,v.n);		/* and no line end at all */
  parsebuf ("longline.noeol",&m);
  bfree (&m); bfree (&v);
}

static void c_folded (void)
{
  BUF v = {0};
  puts_ (&v,"a");
  rep (&v,"\r\n b",SZ (1 << 18));
  parse_field ("folded.subject","Subject",&v);
  bfree (&v);
  puts_ (&v,"a@b.example");
  rep (&v,",\r\n c@d.example",SZ (1 << 16));
  parse_field ("folded.to","To",&v);
  bfree (&v);
  puts_ (&v,"text/plain");
  rep (&v,";\r\n\ta=b",SZ (1 << 17));
  parse_field ("folded.ctype","Content-Type",&v);
  bfree (&v);
  rep (&v,"\r\n ",SZ (1 << 18));	/* only folding, no text */
  parse_field ("folded.empty","Subject",&v);
  bfree (&v);
}

static void c_nested_multipart (void)
{
  BUF m = {0};
  size_t i,n = SZ (10000);
  puts_ (&m,"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n");
  for (i = 0; i < n; i++)
    putf (&m,"--b%lu\r\nContent-Type: multipart/mixed; boundary=b%lu\r\n\r\n",
          (unsigned long) i,(unsigned long) i + 1);
  puts_ (&m,"leaf\r\n");
  for (i = n + 1; i-- > 0;) putf (&m,"--b%lu--\r\n",(unsigned long) i);
  parsebuf ("nested.multipart",&m);
  bfree (&m);
  /* the same boundary at every level */
  puts_ (&m,"Content-Type: multipart/mixed; boundary=x\r\n\r\n");
  rep (&m,"--x\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n",n);
  rep (&m,"--x--\r\n",n);
  parsebuf ("nested.sameboundary",&m);
  bfree (&m);
}

static void c_nested_rfc822 (void)
{
  BUF m = {0};
  size_t n = SZ (10000);
  rep (&m,"Content-Type: message/rfc822\r\n\r\n",n);
  puts_ (&m,"Subject: innermost\r\n\r\nbody\r\n");
  parsebuf ("nested.rfc822",&m);
  bfree (&m);
  /* alternating message/rfc822 and multipart */
  {
    size_t i;
    puts_ (&m,"Content-Type: multipart/mixed; boundary=q\r\n\r\n");
    for (i = 0; i < n / 2; i++)
      puts_ (&m,"--q\r\nContent-Type: message/rfc822\r\n\r\n"
             "Content-Type: multipart/mixed; boundary=q\r\n\r\n");
    parsebuf ("nested.alternating",&m);
    bfree (&m);
  }
}

static const char *unterminated[] = {
  "\"unterminated quote a@b.example",
  "a@b.example (unterminated comment",
  "a@b.example (nested (comments (never) closed",
  "a@[1.2.3.4",
  "a@[1.2.3.4\\",
  "<@route1,@route2:user@host",
  "<@route1,@route2",
  "<@",
  "<user@host",
  "Phrase <",
  "group: a@b, c@d",
  "group: a@b, (c",
  "a@b.example\\",
  "\"a\\",
  "a.\"b",
  "@",
  "<>",
  ":;",
  ",,,,",
  "\"\" <\"\"@\"\">",
  "=?utf-8?Q?unterminated <a@b>",
  NIL
};

static void c_unterminated (void)
{
  char label[64];
  int i;
  BUF b = {0};
  for (i = 0; unterminated[i]; i++) {
    snprintf (label,sizeof label,"unterminated.%d",i);
    b.n = 0;
    puts_ (&b,unterminated[i]);
    adrbuf (label,&b);
  }
  bfree (&b);
}

static void c_deep_address (void)
{
  BUF b = {0};
  rep (&b,"(",SZ (100000));
  puts_ (&b,"a@b");
  adrbuf ("deep.comments",&b);
  bfree (&b);
  puts_ (&b,"a@b ");
  rep (&b,"(x",SZ (100000));
  rep (&b,")",SZ (100000));
  adrbuf ("deep.comments.closed",&b);
  bfree (&b);
  puts_ (&b,"a@");
  rep (&b,"b.",SZ (500000));
  puts_ (&b,"c");
  adrbuf ("deep.domain",&b);
  bfree (&b);
  puts_ (&b,"a@b");
  rep (&b," . c",SZ (100000));
  adrbuf ("deep.domain.spaced",&b);
  bfree (&b);
  rep (&b,"g: ",SZ (10000));
  puts_ (&b,"a@b");
  rep (&b,";",SZ (10000));
  adrbuf ("deep.groups",&b);
  bfree (&b);
  puts_ (&b,"<");
  rep (&b,"@r,",SZ (100000));
  puts_ (&b,"@r:a@b>");
  adrbuf ("deep.route",&b);
  bfree (&b);
  rep (&b,"a.",SZ (500000));
  puts_ (&b,"b@c");
  adrbuf ("deep.localpart",&b);
  bfree (&b);
  rep (&b,"\\",SZ (200000));
  adrbuf ("deep.backslashes",&b);
  bfree (&b);
}

static void c_many_addresses (void)
{
  BUF b = {0};
  size_t i,n = SZ (100000);
  for (i = 0; i < n; i++)
    putf (&b,"%sUser %lu <u%lu@h%lu.example>",i ? ", " : "",
          (unsigned long) i,(unsigned long) i,(unsigned long) i % 97);
  adrbuf ("many.addresses",&b);
  bfree (&b);
  rep (&b,",",SZ (100000));	/* empty entries only */
  adrbuf ("many.commas",&b);
  bfree (&b);
  for (i = 0; i < n; i++) putf (&b,"g%lu: a@b; ",(unsigned long) i);
  adrbuf ("many.groups",&b);
  bfree (&b);
}

static void mime2text (const char *label,const char *s,size_t n)
{
  SIZEDTEXT src,dst;
  int f;
  char *w;
  if (skipped (label)) return;
  hreset ();
  show (label,"in",s,n);
  /* the interface takes writable text, and the original writes into it */
  w = malloc (n + 1);
  for (f = 0; f < 2; f++) {
    memcpy (w,s,n); w[n] = '\0';
    src.data = (unsigned char *) w; src.size = n;
    dst.data = NIL; dst.size = 0;
    hn (utf8_mime2text (&src,&dst,f ? U8T_CANONICAL : 0));
    if (dst.data) {
      hb (dst.data,dst.size);
      show (label,"out",dst.data,dst.size);
      if (dst.data != src.data) fs_give ((void **) &dst.data);
    }
  }
  free (w);
  printf ("R %s %016llx\n",label,(unsigned long long) H);
}

static void c_charsets (void)
{
  BUF b = {0},v = {0};
  static const char *names[] = {
    "x-bogus","","\"\"","utf-8*en","iso-8859-1'en'","unicode-1-1-utf-7",
    "ISO-2022-JP","utf-7","UTF-16","../../etc/passwd","%s%s%n",NIL
  };
  int i;
  char label[64];
  for (i = 0; names[i]; i++) {
    b.n = 0;
    putf (&b,"=?%s?Q?abc=41?= =?%s?B?Zm9v?=",names[i],names[i]);
    snprintf (label,sizeof label,"charset.word.%d",i);
    mime2text (label,b.p,b.n);
    v.n = 0;
    putf (&v,"text/plain; charset=\"%s\"",names[i]);
    snprintf (label,sizeof label,"charset.param.%d",i);
    parse_field (label,"Content-Type",&v);
  }
  bfree (&b);
  puts_ (&b,"=?");
  rep (&b,"x",SZ (100000));
  puts_ (&b,"?Q?abc?=");
  mime2text ("charset.huge.word",b.p,b.n);
  parse_field ("charset.huge.subject","Subject",&b);
  bfree (&b);
  puts_ (&b,"text/plain; charset=");
  rep (&b,"x",SZ (100000));
  parse_field ("charset.huge.param","Content-Type",&b);
  bfree (&b);
  {
    SIZEDTEXT t,r;
    char *cs;
    rep (&b,"u",SZ (100000));
    cs = b.p;
    t.data = (unsigned char *) "abc"; t.size = 3;
    r.data = NIL; r.size = 0;
    if (!skipped ("charset.huge.utf8_text")) {
      hreset ();
      hn (utf8_text (&t,cs,&r,0));
      if (r.data) { hb (r.data,r.size); if (r.data != t.data) fs_give ((void **) &r.data); }
      printf ("R charset.huge.utf8_text %016llx\n",(unsigned long long) H);
    }
    bfree (&b);
  }
  bfree (&v);
}

static const char *bad_words[] = {
  "=?utf-8?B?!!!!?=","=?utf-8?B?Zm9v=?=","=?utf-8?B?Zg?=","=?utf-8?B?Z?=",
  "=?utf-8?B?====?=","=?utf-8?Q?=ZZ=?=","=?utf-8?Q?=?=","=?utf-8?Q?=4?=",
  "=?utf-8?Q?a_b?= =?utf-8?Q?=C3?= =?utf-8?Q?=A9?=","=?utf-8?X?abc?=",
  "=?utf-8??abc?=","=??Q?abc?=","=?utf-8?Q?abc","=?utf-8?B?","=?","=?=?=?=?",
  "=?utf-8?Q?\r\n ?=","=?utf-8?B?/////////w==?=","=?iso-2022-jp?B?GyRC?=",
  "=?utf-7?Q?+AGE-?=","=?utf-7?Q?+////?=",NIL
};

static void c_encoded_words (void)
{
  char label[64];
  int i;
  BUF b = {0};
  for (i = 0; bad_words[i]; i++) {
    snprintf (label,sizeof label,"encword.%d",i);
    mime2text (label,bad_words[i],strlen (bad_words[i]));
    b.n = 0;
    puts_ (&b,bad_words[i]);
    snprintf (label,sizeof label,"encword.subject.%d",i);
    parse_field (label,"Subject",&b);
  }
  rep (&b,"=?utf-8?Q?a?= ",SZ (50000));
  mime2text ("encword.many",b.p,b.n);
  bfree (&b);
}

static void boundary_msg (const char *label,const char *bnd,size_t blen,int quote)
{
  BUF m = {0};
  puts_ (&m,"Content-Type: multipart/mixed; boundary=");
  if (quote) puts_ (&m,"\"");
  put (&m,bnd,blen);
  if (quote) puts_ (&m,"\"");
  puts_ (&m,"\r\n\r\npreamble\r\n--");
  put (&m,bnd,blen);
  puts_ (&m,"\r\nContent-Type: text/plain\r\n\r\npart one\r\n--");
  put (&m,bnd,blen);
  puts_ (&m,"\r\n\r\npart two\r\n--");
  put (&m,bnd,blen);
  puts_ (&m,"--\r\nepilogue\r\n");
  parsebuf (label,&m);
  bfree (&m);
}

static void c_boundaries (void)
{
  BUF b = {0};
  rep (&b,"x",75);
  boundary_msg ("boundary.75",b.p,b.n,0);
  rep (&b,"y",1000 - 75);
  boundary_msg ("boundary.1000",b.p,b.n,1);
  bfree (&b);
  rep (&b,"z",SZ (100000));
  boundary_msg ("boundary.100k",b.p,b.n,0);
  bfree (&b);
  boundary_msg ("boundary.empty",NIL,0,1);
  boundary_msg ("boundary.empty.bare",NIL,0,0);
  boundary_msg ("boundary.space"," ",1,1);
  boundary_msg ("boundary.dashes","--",2,1);
  boundary_msg ("boundary.crlf","a\r\nb",4,1);
  parse ("boundary.missing",
         "Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\na\r\n--x--\r\n",51);
}

static void c_headeronly (void)
{
  static const char *msgs[] = {
    "From: a@b\r\nSubject: x\r\nTo: c@d",
    "From: a@b\r\nSubject: x\r\n",
    "Subject: x",
    "Content-Type: multipart/mixed; boundary=x\r\n",
    "Content-Type: message/rfc822\r\n",
    "\r\n",
    "",
    ":",
    " folded first line\r\n",
    NIL
  };
  char label[64];
  int i;
  for (i = 0; msgs[i]; i++) {
    snprintf (label,sizeof label,"headeronly.%d",i);
    parse (label,msgs[i],strlen (msgs[i]));
  }
}

static void c_crlf_bodies (void)
{
  static const char *hdr[] = {
    "Content-Type: text/plain\r\n\r\n",
    "Content-Type: multipart/mixed; boundary=x\r\n\r\n",
    "Content-Type: message/rfc822\r\n\r\n",
    NIL
  };
  static const char *fill[] = {"\r","\n","\r\n",NIL};
  char label[64];
  int i,j;
  for (i = 0; hdr[i]; i++)
    for (j = 0; fill[j]; j++) {
      BUF m = {0};
      puts_ (&m,hdr[i]);
      rep (&m,fill[j],SZ (1 << 20) / strlen (fill[j]));
      snprintf (label,sizeof label,"crlf.%d.%d",i,j);
      parsebuf (label,&m);
      bfree (&m);
    }
  {				/* a header of only line ends */
    BUF m = {0};
    rep (&m,"\r",SZ (1 << 20));
    parsebuf ("crlf.header.cr",&m);
    bfree (&m);
    rep (&m,"\n",SZ (1 << 20));
    parsebuf ("crlf.header.lf",&m);
    bfree (&m);
  }
}

static void c_random (void)
{
  char label[64];
  int i;
  rng = 12345;
  for (i = 0; i < 300; i++) {
    BUF m = {0};
    if (i % 3) soup (&m,rnd () % SZ (8192));
    else rbytes (&m,rnd () % SZ (8192));
    snprintf (label,sizeof label,"random.msg.%d",i);
    parsebuf (label,&m);
    bfree (&m);
  }
  for (i = 0; i < 300; i++) {
    BUF a = {0};
    soup (&a,rnd () % 200);
    snprintf (label,sizeof label,"random.adr.%d",i);
    adrlist (label,a.p ? a.p : "");
    bfree (&a);
  }
}

static void c_write_exact (void)
{
  static const char *lists[] = {
    "a@b.example","Name <a@b.example>","\"Quoted, Name\" <a@b.example>",
    "a@b, c@d, e@f","group: a@b, c@d;, x@y","empty group:;","<@r1,@r2:u@h>",
    "\"\" <u@h>","(comment) u@h","u@[1.2.3.4]","\"u u\"@h","=?utf-8?Q?x?= <u@h>",
    "Ünïcödé <u@h>","u","@h","a\\b@c","\"a\\\"b\"@c",NIL
  };
  char label[64];
  int i;
  for (i = 0; lists[i]; i++) {
    snprintf (label,sizeof label,"write.%d",i);
    adrlist (label,lists[i]);
  }
}

static void c_dates (void)
{
  static const char *dates[] = {
    "","x","Mon","Mon,","1 Jan","1 Jan 2001","Mon, 32 Jan 2001 00:00:00 +0000",
    "Mon, 1 Foo 2001 00:00:00 +0000","Mon, 1 Jan 2001 25:61:61 +9999",
    "Mon, 1 Jan 99999999999999999999 00:00:00","1 Jan 2001 00:00:00 -",
    "31-Dec-1969 23:59:59 -1200","29 Feb 2001","0 Jan 0","1 Jan 2001 1:2:3 EDT",
    "1 Jan 2001 00:00:00 XYZ","Tue, 4 Feb 2003 05:06:07 +0800 (comment",
    "  \t  ","99 99 99","-1 -1 -1","1 Jan 2001 00:00:00 +00000000000000",
    "Sat, 1 Jan 70 00:00:00 GMT","1 jan 1800","1 jan 10000",NIL
  };
  char label[64];
  int i;
  MESSAGECACHE elt;
  char tmp[MAILTMPLEN];
  rng = 777;
  hreset ();
  for (i = 0; dates[i]; i++) {
    snprintf (label,sizeof label,"date.%d",i);
    if (skipped (label)) continue;
    memset (&elt,0,sizeof elt);
    strncpy (tmp,dates[i],sizeof tmp - 1);	/* writable, as the prototype says */
    tmp[sizeof tmp - 1] = '\0';
    hn (mail_parse_date (&elt,(unsigned char *) tmp));
    hn (elt.day); hn (elt.month); hn (elt.year); hn (elt.hours); hn (elt.minutes);
    hn (elt.seconds); hn (elt.zoccident); hn (elt.zhours); hn (elt.zminutes);
    printf ("R %s %016llx\n",label,(unsigned long long) H);
  }
  for (i = 0; i < 3000; i++) {
    BUF b = {0};
    long r;
    if (i % 2) soup (&b,rnd () % 64); else rbytes (&b,rnd () % 64);
    if (!b.p) puts_ (&b,"");
    snprintf (label,sizeof label,"date.random.%d",i);
    if (skipped (label)) { bfree (&b); continue; }
    memset (&elt,0,sizeof elt);
    hreset ();
    hn (r = mail_parse_date (&elt,(unsigned char *) b.p));
    hn (elt.day); hn (elt.month); hn (elt.year); hn (elt.hours); hn (elt.minutes);
    hn (elt.seconds); hn (elt.zoccident); hn (elt.zhours); hn (elt.zminutes);
    if (r && elt.month >= 1 && elt.month <= 12) hs (mail_date (tmp,&elt));
    printf ("R %s %016llx\n",label,(unsigned long long) H);
    bfree (&b);
  }
}

static void c_mime2text_garbage (void)
{
  char label[64];
  int i;
  rng = 4242;
  for (i = 0; i < 2000; i++) {
    BUF b = {0};
    if (i % 2) soup (&b,rnd () % 512); else rbytes (&b,rnd () % 512);
    snprintf (label,sizeof label,"mime2text.random.%d",i);
    mime2text (label,b.p ? b.p : "",b.n);
    bfree (&b);
  }
}

static void decoders (const char *label,const char *s,size_t n)
{
  unsigned long len;
  void *r;
  if (skipped (label)) return;
  hreset ();
  len = 12345;
  r = rfc822_base64 ((unsigned char *) s,n,&len);
  hn (r != NIL);
  if (r) { hn (len); hb (r,len); fs_give (&r); }
  len = 12345;
  r = rfc822_qprint ((unsigned char *) s,n,&len);
  hn (r != NIL);
  if (r) { hn (len); hb (r,len); fs_give (&r); }
  printf ("R %s %016llx\n",label,(unsigned long long) H);
}

/* encoders: the output decodes back to the input */
static void roundtrip (const char *label,const char *s,size_t n)
{
  unsigned long len,dlen;
  unsigned char *e;
  void *d;
  int ok = 1;
  if (skipped (label)) return;
  hreset ();
  e = rfc822_binary ((void *) s,n,&len);
  if (e) {
    hb (e,len);
    d = rfc822_base64 (e,len,&dlen);
    ok &= d && dlen == n && !memcmp (d,s,n);
    if (d) fs_give (&d);
    fs_give ((void **) &e);
  }
  else ok = 0;
  e = rfc822_8bit ((unsigned char *) s,n,&len);
  if (e) {
    hb (e,len);
    d = rfc822_qprint (e,len,&dlen);
    /* qprint drops trailing blanks before a line end, as RFC 2045 says */
    ok &= d != NIL;
    if (d) { hb (d,dlen); fs_give (&d); }
    fs_give ((void **) &e);
  }
  else ok = 0;
  printf ("R %s %016llx %s\n",label,(unsigned long long) H,ok ? "roundtrip-ok" : "ROUNDTRIP-BROKEN");
}

static void c_decoders (void)
{
  static const char *bad[] = {
    "","=","==","===","A","AB","ABC","ABCD=","AB=CD","!!!!","Zm9v\r\nYmFy",
    "Zm9v====Zm9v","=\r\n","=4","=4G","=G4","=\n","a=\r\nb","= \r\n","=20=20=",
    "=3D=3d","\r\r\r","\n\n\n",NIL
  };
  char label[64];
  int i;
  BUF b = {0};
  for (i = 0; bad[i]; i++) {
    snprintf (label,sizeof label,"decode.%d",i);
    b.n = 0;
    put (&b,bad[i],strlen (bad[i]));	/* writable, as the prototypes say */
    decoders (label,b.p,b.n);
  }
  rng = 99;
  for (i = 0; i < 1000; i++) {
    b.n = 0;
    if (i % 2) soup (&b,rnd () % 1024); else rbytes (&b,rnd () % 1024);
    snprintf (label,sizeof label,"decode.random.%d",i);
    decoders (label,b.p ? b.p : "",b.n);
    snprintf (label,sizeof label,"encode.random.%d",i);
    roundtrip (label,b.p ? b.p : "",b.n);
  }
  b.n = 0;
  rep (&b,"=",SZ (1 << 20));
  decoders ("decode.equals.1m",b.p,b.n);
  b.n = 0;
  rbytes (&b,SZ (1 << 20));
  decoders ("decode.random.1m",b.p,b.n);
  roundtrip ("encode.random.1m",b.p,b.n);
  bfree (&b);
}

static const char *charsets[] = {
  "US-ASCII","UTF-8","UTF-7","ISO-8859-1","ISO-8859-2","ISO-8859-5","ISO-8859-7",
  "ISO-8859-8","ISO-8859-15","KOI8-R","KOI8-U","WINDOWS-1250","WINDOWS-1251",
  "WINDOWS-1252","WINDOWS-1256","CP1255","ISO-2022-JP","EUC-JP","SHIFT_JIS",
  "EUC-KR","KSC5601","BIG5","GB2312","X-BOGUS","",NIL
};

#define SJIS 18			/* index of SHIFT_JIS in charsets[] */
static int sjis_lead (unsigned char c)
{ return (c & 0x80) && !(c >= 0xa1 && c <= 0xdf); }	/* not half-width kana */

static void c_utf8_text (void)
{
  char label[64];
  int i,c;
  rng = 31337;
  for (c = 0; charsets[c]; c++)
    for (i = 0; i < 100; i++) {
      BUF b = {0};
      SIZEDTEXT t,r;
      if (i % 2) soup (&b,rnd () % 512); else rbytes (&b,rnd () % 512);
      /* a Shift_JIS lead byte at the very end is its own case below */
      if (c == SJIS && b.n && sjis_lead ((unsigned char) b.p[b.n - 1])) put (&b,"A",1);
      t.data = (unsigned char *) (b.p ? b.p : ""); t.size = b.n;
      r.data = NIL; r.size = 0;
      hreset ();
      snprintf (label,sizeof label,"utf8_text.%d.%d",c,i);
      if (skipped (label)) { bfree (&b); continue; }
      show (label,"in",t.data,t.size);
      hn (utf8_text (&t,(char *) charsets[c],&r,(i & 4) ? U8T_CANONICAL : 0));
      if (r.data) show (label,"out",r.data,r.size);
      if (r.data) { hb (r.data,r.size); if (r.data != t.data) fs_give ((void **) &r.data); }
      printf ("R %s %016llx\n",label,(unsigned long long) H);
      bfree (&b);
    }
  {				/* text ending in half a double-byte character */
    static const char *cut[] = {"abc\x97","\x8e","\xe0",NIL};
    SIZEDTEXT t,r;
    for (i = 0; cut[i]; i++) {
      char w[16];
      snprintf (label,sizeof label,"utf8_text.sjis.truncated.%d",i);
      if (skipped (label)) continue;
      strcpy (w,cut[i]);
      t.data = (unsigned char *) w; t.size = strlen (w);
      r.data = NIL; r.size = 0;
      hreset ();
      hn (utf8_text (&t,(char *) charsets[SJIS],&r,0));
      if (r.data) { show (label,"out",r.data,r.size); hb (r.data,r.size);
        if (r.data != t.data) fs_give ((void **) &r.data); }
      printf ("R %s %016llx\n",label,(unsigned long long) H);
    }
  }
}

struct tcase { const char *name; void (*fn) (void); };
static const struct tcase cases[] = {
  {"nul",c_nul},{"longline",c_longline},{"folded",c_folded},
  {"nested-multipart",c_nested_multipart},{"nested-rfc822",c_nested_rfc822},
  {"unterminated",c_unterminated},{"deep-address",c_deep_address},
  {"many-addresses",c_many_addresses},{"charsets",c_charsets},
  {"encoded-words",c_encoded_words},{"boundaries",c_boundaries},
  {"header-only",c_headeronly},{"crlf-bodies",c_crlf_bodies},
  {"random",c_random},{"write-exact",c_write_exact},{"dates",c_dates},
  {"mime2text",c_mime2text_garbage},{"decoders",c_decoders},
  {"utf8-text",c_utf8_text},{NIL,NIL}
};

int main (int argc,char *argv[])
{
  const struct tcase *c;
  struct rusage ru;
  char *s = getenv ("ROBUST_SCALE");
  if (s && atoi (s) > 0) scale = (size_t) atoi (s);
  skiplist = getenv ("ROBUST_SKIP");
  showlabel = getenv ("ROBUST_SHOW");
  setvbuf (stdout,NIL,_IOLBF,0);	/* a crash keeps every finished line */
  if (argc == 2 && !strcmp (argv[1],"-l")) {
    for (c = cases; c->name; c++) puts (c->name);
    return 0;
  }
  if (argc != 2) { fputs ("usage: robust CASE | -l\n",stderr); return 2; }
  for (c = cases; c->name && strcmp (c->name,argv[1]); c++);
  if (!c->name) { fprintf (stderr,"robust: no case %s\n",argv[1]); return 2; }
  c->fn ();
  printf ("LOG nil=%lu warn=%lu error=%lu parse=%lu bye=%lu other=%lu fatal=%lu text=%016llx\n",
          nlog[NIL],nlog[WARN],nlog[ERROR],nlog[PARSE],nlog[BYE],nlog[5],nfatal,
          (unsigned long long) loghash);
  getrusage (RUSAGE_SELF,&ru);
  printf ("RSS %ld\n",ru.ru_maxrss);
  return 0;
}
