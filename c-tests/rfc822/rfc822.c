/* Differential test program for the RFC 2822 composer and the parsers that
 * work on caller-built records. Built once against c-client headers, run
 * against the original library and ours; the outputs must match.
 *
 *   rfc822 compose BUFSIZE   messages written by rfc822_output_full
 *   rfc822 legacy            rfc822_output / rfc822_output_body
 *   rfc822 encode            rfc822_encode_body_7bit / _8bit results
 *   rfc822 content           rfc822_parse_content on crafted bodies
 *   rfc822 pieces            parse_parameter / parse_content_header /
 *                            parse_address / parse_group
 *   rfc822 hooks             PARSELINE, PARSEPHRASE, RFC822OUTPUT(FULL)
 *
 * Generated multipart boundaries ("hostid-random-time=:pid") differ between
 * runs; run.sh normalises them. Fixed boundaries are used wherever exact
 * flush points are compared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"
/* Callbacks: the shared silent ones, but this program's mm_log and mm_fatal
 * (defined at the end). */
#define MM_OWN_LOG
#define MM_OWN_FATAL
#define MM_DISKERROR_RESULT NIL
#include "../lib/mm_callbacks.h"

static void esc(const char *s)
{
  if (!s) { fputs("(nil)", stdout); return; }
  for (; *s; s++) {
    unsigned char c = (unsigned char) *s;
    if (c == '\r') fputs("\\r", stdout);
    else if (c == '\n') fputs("\\n\n", stdout);
    else if (c < 0x20 || c >= 0x7f) printf("\\x%02x", c);
    else putchar(c);
  }
}

/* ---- flushing: every chunk is shown with its length ---- */
static int fail_at = -1;	/* flush number that reports failure */
static int flushes = 0;
static long show_chunk(void *stream, char *string)
{
  printf("<%s %zu:", (char *) stream, strlen(string));
  esc(string);
  fputs(">\n", stdout);
  return (flushes++ == fail_at) ? NIL : LONGT;
}

/* ---- record builders ---- */
static ADDRESS *adr(const char *personal, const char *mailbox, const char *host)
{
  ADDRESS *a = mail_newaddr();
  a->personal = personal ? cpystr((char *) personal) : NIL;
  a->mailbox = mailbox ? cpystr((char *) mailbox) : NIL;
  a->host = host ? cpystr((char *) host) : NIL;
  return a;
}
static ADDRESS *chain(ADDRESS *first, ...);
#include <stdarg.h>
static ADDRESS *chain(ADDRESS *first, ...)
{
  va_list ap;
  ADDRESS *t = first, *n;
  va_start(ap, first);
  while ((n = va_arg(ap, ADDRESS *))) { t->next = n; t = n; }
  va_end(ap);
  return first;
}
static PARAMETER *param(const char *a, const char *v, PARAMETER *next)
{
  PARAMETER *p = mail_newbody_parameter();
  p->attribute = cpystr((char *) a);
  p->value = v ? cpystr((char *) v) : NIL;
  p->next = next;
  return p;
}
static void set_text(BODY *b, const char *data, unsigned long len)
{
  b->contents.text.data = (unsigned char *) fs_get(len + 1);
  memcpy(b->contents.text.data, data, len);
  b->contents.text.data[len] = '\0';
  b->contents.text.size = len;
}
static PART *add_part(BODY *multi)
{
  PART *p = mail_newbody_part(), **t = &multi->nested.part;
  while (*t) t = &(*t)->next;
  return *t = p;
}

static ENVELOPE *envelope(int variant)
{
  ENVELOPE *e = mail_newenvelope();
  char longname[300];
  e->date = (unsigned char *) cpystr("Tue, 2 Jan 2007 10:00:00 -0800");
  e->subject = cpystr(variant == 2 ? "8-bit subject \xe9t\xe9 and a rather long line that goes on and on past seventy-eight columns" : "Hello");
  e->from = adr("Joe Q. Public", "joe", "example.com");
  e->message_id = cpystr("<1234@example.com>");
  switch (variant) {
  case 1:			/* many recipients, groups, quoting: folding */
    e->to = chain(adr("Alice \"Al\" Smith", "alice", "a.example"),
                  adr(NIL, "bob.smith", "b.example"),
                  adr(NIL, "friends", NIL),	/* group start */
                  adr("Carol", "carol", "c.example"),
                  adr(NIL, "d..ave", "d.example"),
                  adr(NIL, NIL, NIL),		/* group end */
                  adr("", "erin", "e.example"),
                  adr("A very long personal name that by itself fills most of a line", "frank", "f.example"),
                  adr(NIL, "gina", "@"),
                  NIL);
    e->cc = chain(adr("x", "x", "x.example"), adr("y", "y", "y.example"), NIL);
    e->bcc = adr(NIL, "hidden", "h.example");
    e->reply_to = adr("Reply Desk", "reply", "r.example");
    e->in_reply_to = cpystr("<prev@example.com>");
    e->references = cpystr("<a@b> <c@d>");
    e->newsgroups = cpystr("comp.mail.misc");
    e->followup_to = cpystr("poster");
    break;
  case 2:
    memset(longname, 'n', 250); longname[250] = '\0';
    e->to = chain(adr(longname, "long", "l.example"), adr(NIL, "short", "s.example"), NIL);
    break;
  case 3:			/* bcc only: undisclosed recipients */
    e->bcc = adr(NIL, "secret", "s.example");
    break;
  case 4:			/* resent */
    e->remail = cpystr("ReSent-From: someone@else\r\n\r\n");
    e->to = adr(NIL, "to", "t.example");
    break;
  default:
    e->to = adr(NIL, "to", "t.example");
  }
  return e;
}

static char bin[300];
static BODY *body(int variant, int fixed)
{
  BODY *b = mail_newbody(), *m;
  PART *p;
  int i;
  char line[2000];
  switch (variant) {
  case 0:			/* plain 7-bit text */
    b->type = TYPETEXT;
    set_text(b, "Hello world\r\nSecond line\r\n", 26);
    break;
  case 1:			/* 8-bit text with every parameter kind */
    b->type = TYPETEXT;
    b->subtype = cpystr("PLAIN");
    b->encoding = ENC8BIT;
    b->parameter = param("CHARSET", "ISO-8859-1", param("FORMAT", "flowed",
                   param("NAME", "a file; name=\"x\".txt", param("EMPTY", "", NIL))));
    b->id = cpystr("<part1@example>");
    b->description = cpystr("A description");
    b->md5 = cpystr("Q2hlY2sgSW50ZWdyaXR5IQ==");
    b->language = mail_newstringlist();
    b->language->text.data = (unsigned char *) cpystr("EN");
    b->language->text.size = 2;
    b->language->next = mail_newstringlist();
    b->language->next->text.data = (unsigned char *) cpystr("x special");
    b->language->next->text.size = 9;
    b->location = cpystr("http://example.com/x");
    b->disposition.type = cpystr("INLINE");
    b->disposition.parameter = param("FILENAME", "caf\xe9.txt", param("SIZE", "12", NIL));
    for (i = 0; i < 1500; i++) line[i] = "abc \xe9=\t"[i % 7];
    line[1500] = '\0';
    strcat(line, " \r\nend =\r\n");
    set_text(b, line, strlen(line));
    break;
  case 2:			/* binary application data */
    b->type = TYPEAPPLICATION;
    b->subtype = cpystr("OCTET-STREAM");
    b->encoding = ENCBINARY;
    for (i = 0; i < 300; i++) bin[i] = (char) (i * 7 + 1);
    bin[299] = 1;
    set_text(b, bin, 200);
    break;
  default:			/* multipart, nested multipart, message, long lines */
    b->type = TYPEMULTIPART;
    b->subtype = cpystr("MIXED");
    if (fixed) b->parameter = param("BOUNDARY", "outer-cookie", NIL);
    else b->parameter = param("TYPE", "x", NIL);
    p = add_part(b);
    p->body.type = TYPETEXT;
    set_text(&p->body, "first part\r\n", 12);
    p = add_part(b);
    p->body.type = TYPETEXT;
    p->body.encoding = ENC8BIT;
    p->body.parameter = param("CHARSET", "UTF-8", NIL);
    for (i = 0; i < 1000; i++) line[i] = (i % 3) ? 'x' : '\xc3';
    line[1000] = '\0';
    set_text(&p->body, line, 1000);
    p = add_part(b);		/* nested multipart */
    p->body.type = TYPEMULTIPART;
    p->body.subtype = cpystr("ALTERNATIVE");
    if (fixed) p->body.parameter = param("BOUNDARY", "inner \"cookie\"", NIL);
    {
      PART *q = add_part(&p->body);
      q->body.type = TYPETEXT;
      q->body.subtype = cpystr("HTML");
      set_text(&q->body, "<p>hi</p>", 9);
      q = add_part(&p->body);
      q->body.type = TYPEIMAGE;
      q->body.subtype = cpystr("PNG");
      q->body.encoding = ENCBINARY;
      set_text(&q->body, "\x89PNG\r\n\x1a\n", 8);
    }
    p = add_part(b);		/* message/rfc822 */
    p->body.type = TYPEMESSAGE;
    p->body.subtype = cpystr("RFC822");
    p->body.nested.msg = mail_newmsg();	/* the original frees it unchecked */
    set_text(&p->body, "From: a@b\r\nSubject: inner\r\n\r\ninner text\r\n", 42);
    p = add_part(b);		/* unknown encoding name kept as is */
    p->body.type = TYPEAUDIO;
    p->body.encoding = ENCBASE64;
    set_text(&p->body, "AAAA\r\n", 6);
    m = NIL;
    (void) m;
    break;
  }
  return b;
}

static void compose(size_t size)
{
  int e, v, ok8;
  for (v = 0; v < 4; v++)
    for (e = 0; e < 5; e++)
      for (ok8 = 0; ok8 < 2; ok8++) {
        RFC822BUFFER buf;
        char *t = fs_get(size + 1);
        ENVELOPE *env = envelope(e);
        BODY *b = body(v, 1);
        long r;
        buf.f = show_chunk;
        buf.s = "c";
        buf.beg = buf.cur = t;
        buf.end = t + size;
        *buf.end = '\0';
        flushes = 0;
        printf("== compose size=%zu env=%d body=%d ok8=%d\n", size, e, v, ok8);
        r = rfc822_output_full(&buf, env, b, ok8);
        printf("-> %ld encoding=%d size=%lu\n", r, b->encoding, b->contents.text.size);
        mail_free_envelope(&env);
        mail_free_body(&b);
        fs_give((void **) &t);
      }
  /* generated boundaries (normalised by run.sh) */
  {
    RFC822BUFFER buf;
    char *t = fs_get(SENDBUFLEN + 1);
    ENVELOPE *env = envelope(0);
    BODY *b = body(3, 0);
    PARAMETER *p;
    buf.f = show_chunk; buf.s = "g";	/* one flush: cookies never split */
    buf.beg = buf.cur = t; buf.end = t + SENDBUFLEN;
    printf("== generated boundaries\n");
    printf("-> %ld\n", rfc822_output_full(&buf, env, b, 0));
    for (p = b->parameter; p; p = p->next) { printf("param %s=", p->attribute); esc(p->value); putchar('\n'); }
    mail_free_envelope(&env);
    mail_free_body(&b);
    fs_give((void **) &t);
  }
  /* a flush that fails stops everything */
  for (fail_at = 0; fail_at < 3; fail_at++) {
    RFC822BUFFER buf;
    char *t = fs_get(size + 1);
    ENVELOPE *env = envelope(1);
    BODY *b = body(3, 1);
    buf.f = show_chunk; buf.s = "f";
    buf.beg = buf.cur = t; buf.end = t + size;
    flushes = 0;
    printf("== failing flush %d size=%zu\n", fail_at, size);
    printf("-> %ld\n", rfc822_output_full(&buf, env, b, 1));
    mail_free_envelope(&env);
    mail_free_body(&b);
    fs_give((void **) &t);
  }
  fail_at = -1;
  /* the address writers on a small buffer: folding measured by pointers */
  {
    RFC822BUFFER buf;
    char *t = fs_get(size + 1);
    ENVELOPE *env = envelope(1);
    buf.f = show_chunk; buf.s = "a";
    buf.beg = buf.cur = t; buf.end = t + size;
    printf("== address line size=%zu\n", size);
    printf("-> %ld\n", rfc822_output_address_line(&buf, "To", 0, env->to, NIL) &&
           rfc822_output_address_line(&buf, "Cc", 1, env->cc, NIL) &&
           rfc822_output_flush(&buf));
    mail_free_envelope(&env);
    fs_give((void **) &t);
  }
}

static void legacy(void)
{
  char *t = fs_get(SENDBUFLEN + 1);
  int v;
  for (v = 0; v < 4; v++) {
    ENVELOPE *env = envelope(v);
    BODY *b = body(v, 1);
    printf("== rfc822_output body=%d\n", v);
    printf("-> %ld\n", rfc822_output(t, env, b, show_chunk, "o", v & 1));
    printf("== rfc822_output_body body=%d\n", v);
    printf("-> %ld\n", rfc822_output_body(b, show_chunk, "b"));
    mail_free_envelope(&env);
    mail_free_body(&b);
  }
  fs_give((void **) &t);
}

static void dump_params(const char *what, PARAMETER *p)
{
  for (; p; p = p->next) { printf("  %s %s=", what, p->attribute); esc(p->value); putchar('\n'); }
}

static void dump_body(BODY *b, int depth)
{
  PART *p;
  STRINGLIST *s;
  printf("%*sbody type=%d enc=%d subtype=%s id=", depth * 2, "", b->type, b->encoding,
         b->subtype ? b->subtype : "(nil)");
  esc(b->id); printf(" desc="); esc(b->description);
  printf(" disp="); esc(b->disposition.type);
  printf(" loc="); esc(b->location); printf(" md5="); esc(b->md5);
  printf(" lines=%lu bytes=%lu off=%lu size=%lu mime=%lu/%lu\n", b->size.lines, b->size.bytes,
         b->contents.offset, b->contents.text.size, b->mime.offset, b->mime.text.size);
  for (s = b->language; s; s = s->next) printf("  lang %s\n", s->text.data);
  dump_params("param", b->parameter);
  dump_params("dparam", b->disposition.parameter);
  if (b->type == TYPEMULTIPART)
    for (p = b->nested.part; p; p = p->next) dump_body(&p->body, depth + 1);
  else if (b->type == TYPEMESSAGE && b->nested.msg) {
    MESSAGE *m = b->nested.msg;
    printf("%*smsg hdr=%lu/%lu text=%lu/%lu subject=", depth * 2, "", m->header.offset,
           m->header.text.size, m->text.offset, m->text.text.size);
    esc(m->env ? m->env->subject : NIL);
    putchar('\n');
    if (m->body) dump_body(m->body, depth + 1);
  }
}

static void encode(void)
{
  int v, eight;
  for (v = 0; v < 4; v++)
    for (eight = 0; eight < 2; eight++) {
      BODY *b = body(v, 1);
      PART *p;
      printf("== encode body=%d eight=%d\n", v, eight);
      if (eight) rfc822_encode_body_8bit(NIL, b); else rfc822_encode_body_7bit(NIL, b);
      printf("enc=%d size=%lu len=%zu\n", b->encoding, b->contents.text.size,
             b->contents.text.data ? strlen((char *) b->contents.text.data) : 0);
      esc((char *) b->contents.text.data); putchar('\n');
      if (b->type == TYPEMULTIPART)
        for (p = b->nested.part; p; p = p->next) {
          printf("part enc=%d size=%lu\n", p->body.encoding, p->body.contents.text.size);
          esc((char *) p->body.contents.text.data); putchar('\n');
        }
      mail_free_body(&b);
    }
  /* message parts with 8-bit / binary encodings are only reported */
  for (v = ENC7BIT; v <= ENCBINARY; v++) {
    BODY *b = mail_newbody();
    b->type = TYPEMESSAGE;
    b->nested.msg = mail_newmsg();
    b->encoding = v;
    printf("== encode message enc=%d\n", v);
    rfc822_encode_body_7bit(NIL, b);
    rfc822_encode_body_8bit(NIL, b);
    printf("enc=%d\n", b->encoding);
    mail_free_body(&b);
  }
}

/* content headers as "Name: value" lines (name after Content-) */
static void content_case(const char *name, const char *hdrs, const char *text,
                         unsigned long depth, unsigned long flags)
{
  BODY *b = mail_newbody();
  STRING bs;
  char *h = cpystr((char *) hdrs), *line, *next, *colon;
  printf("== content %s depth=%lu flags=%lu\n", name, depth, flags);
  for (line = h; line && *line; line = next) {
    if ((next = strchr(line, '\n'))) *next++ = '\0';
    if ((colon = strchr(line, ':'))) {
      *colon++ = '\0';
      while (*colon == ' ') colon++;
      ucase(line);
      rfc822_parse_content_header(b, line, colon);
    }
  }
  INIT(&bs, mail_string, (void *) text, strlen(text));
  rfc822_parse_content(b, &bs, "local.host", depth, flags);
  dump_body(b, 0);
  mail_free_body(&b);
  fs_give((void **) &h);
}

static void content(void)
{
  const char *mp =
    "preamble\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n"
    "--XX \t\r\ncontent-type: message/rfc822\r\n\r\nSubject: inner\r\nFrom: a@b\r\n\r\nbody\r\n"
    "--XX\r\n\r\n"
    "--XX\r\nContent-Type: multipart/alternative; boundary=YY\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    "--YY\r\nContent-Type: image/gif\r\nContent-Disposition: attachment; filename=\"a b\"\r\n\r\nGIF\r\n--YY--\r\n"
    "--XX--\r\nepilogue\r\n";
  content_case("text", "TYPE: text/plain\n", "line one\r\nline two\r\n", 0, 0);
  content_case("text-crlf", "TYPE: text/plain; charset=us-ascii\n", "a\r\nb\r\n", 0, DR_CRLF);
  content_case("text-lf", "", "a\nb\nc", 0, 0);
  content_case("8bit-guess", "TRANSFER-ENCODING: 8bit\n", "caf\xc3\xa9\n", 0, 0);
  content_case("jis-guess", "", "x\033$Bxx\033(B\n", 0, 0);
  content_case("qp-noguess", "TRANSFER-ENCODING: quoted-printable\n", "abc\n", 0, 0);
  content_case("multipart", "TYPE: multipart/mixed; boundary=XX\n", mp, 0, 0);
  content_case("multipart-nocookie", "TYPE: multipart/mixed\n", "---\r\nx\r\n-----\r\n", 0, 0);
  content_case("multipart-empty", "TYPE: multipart/mixed; boundary=Q\n", "nothing here", 0, 0);
  content_case("multipart-enc", "TYPE: multipart/mixed; boundary=Q\nTRANSFER-ENCODING: base64\n",
               "--Q\r\n\r\nx\r\n--Q--", 0, 0);
  content_case("digest", "TYPE: multipart/digest; boundary=D\n",
               "--D\r\n\r\nSubject: d1\r\n\r\nx\r\n--D\r\n\r\n--D--\r\n", 0, 0);
  content_case("message", "TYPE: message/rfc822\nTRANSFER-ENCODING: base64\n",
               "Subject: nested\r\nTo: x@y\r\n\r\nnested body\r\n", 0, 0);
  content_case("deep", "TYPE: multipart/mixed; boundary=Z\n", "--Z\r\n\r\nx\r\n--Z--\r\n", 60, 0);
  content_case("headers", "ID: <id@x>\nDESCRIPTION: desc (comment)\nDISPOSITION: attachment; filename=x.txt; size=3\n"
               "LANGUAGE: en, fr (French), de\nLOCATION: http://x/y\nMD5: abc==\nTYPE: Text/Html; Charset=\"UTF-8\" ; format = flowed\n"
               "TRANSFER-ENCODING: X-Weird\nID: <second@x>\n", "<p>\r\n", 0, 0);
  content_case("bad-type", "TYPE: /\n", "x", 0, 0);
  content_case("new-type", "TYPE: X-NEWTYPE/sub; a=b\n", "x", 0, 0);
}

static void pieces(void)
{
  static const char *params[] = {
    "; charset=us-ascii", ";a=b;c=\"d e\" ; f = (comment) g", "; name=", "; =x", ";",
    "; a=b junk", "", "no semicolon", "; a=\"unterminated", "; a=b; a=c", NIL };
  static const char *addrs[] = {
    "a@b, c@d", "Group: a@b, c@d; rest@x", "Phrase Only", "<a@b>", "\"q\" <a@b> trailing",
    "G1: G2: x@y;;", "  ", "", "x@y (comment), , z@w", "bad <<", "@route:a@b", NIL };
  int i;
  for (i = 0; params[i]; i++) {
    PARAMETER *p = NIL;		/* the original cannot append to a list */
    char *t = cpystr((char *) params[i]);
    printf("== parameter ");
    esc(params[i]);
    putchar('\n');
    rfc822_parse_parameter(&p, *params[i] ? t : NIL);
    dump_params("p", p);
    printf("text after: "); esc(t); putchar('\n');
    mail_free_body_parameter(&p);
    fs_give((void **) &t);
  }
  for (i = 0; addrs[i]; i++) {
    int group;
    for (group = 0; group < 2; group++) {
      ADDRESS *lst = NIL, *last, *a;
      char *t = cpystr((char *) addrs[i]), *s = t;
      printf("== %s ", group ? "group" : "address");
      esc(addrs[i]);
      putchar('\n');
      last = group ? rfc822_parse_group(&lst, NIL, &s, "dflt", 0)
                   : rfc822_parse_address(&lst, NIL, &s, "dflt", 0);
      printf("tail=%s rest=", last ? (last->mailbox ? last->mailbox : "(end)") : "NIL");
      esc(s ? s : "(NIL)");
      putchar('\n');
      for (a = lst; a; a = a->next) {
        printf("  ["); esc(a->personal); printf("|"); esc(a->adl); printf("|");
        esc(a->mailbox); printf("|"); esc(a->host); printf("]\n");
      }
      /* a second call appends after the tail */
      if (s && *s && last) {
        ADDRESS *l2 = rfc822_parse_address(&lst, last, &s, "dflt", 0);
        printf("second tail=%s\n", l2 ? (l2->mailbox ? l2->mailbox : "(end)") : "NIL");
        for (a = lst; a; a = a->next) { printf("  "); esc(a->mailbox); putchar('\n'); }
      }
      mail_free_address(&lst);
      fs_give((void **) &t);
    }
  }
}

/* ---- hooks ---- */
static void parseline(ENVELOPE *env, char *name, char *value, char *host)
{
  printf("PARSELINE %s|", name);
  esc(value);
  printf("|%s|subject=", host);
  esc(env->subject);
  printf("|from=%s\n", env->from && env->from->mailbox ? env->from->mailbox : "(nil)");
}
static ADDRESS *parsephrase(char *phrase, char *end, char *host)
{
  char tmp[200];
  size_t n = (size_t) (end - phrase);
  if (n > 100) n = 100;
  memcpy(tmp, phrase, n);
  tmp[n] = '\0';
  printf("PARSEPHRASE [%s] host=%s\n", tmp, host ? host : "(nil)");
  if (strncmp(tmp, "Team", 4)) return NIL;
  return chain(adr(NIL, "team-a", "teams"), adr(NIL, "team-b", "teams"), NIL);
}
static long outfull(RFC822BUFFER *buf, ENVELOPE *env, BODY *body, long ok8)
{
  printf("OUTFULL subject=%s ok8=%ld room=%ld\n", env->subject, ok8, (long) (buf->end - buf->cur));
  return 42;
}
static long out(char *t, ENVELOPE *env, BODY *body, soutr_t f, void *s, long ok8)
{
  printf("OUT subject=%s ok8=%ld s=%s\n", env->subject, ok8, (char *) s);
  return 7;
}

static void hooks(void)
{
  static char msg[] =
    "Subject: first\r\nFrom: Someone <s@x>\r\nX-Custom:  value \r\n\tcontinued\r\n"
    "Subject: second\r\nTo: Team Blue, other@y\r\nCc: Nobody\r\n\r\nbody\r\n";
  ENVELOPE *env = NIL;
  BODY *b = NIL;
  STRING bs;
  ADDRESS *a;
  char *hdr_end = strstr(msg, "\r\n\r\n") + 4;
  char t[SENDBUFLEN + 1];
  RFC822BUFFER buf;
  mail_parameters(NIL, SET_PARSELINE, (void *) parseline);
  mail_parameters(NIL, SET_PARSEPHRASE, (void *) parsephrase);
  printf("== parse with hooks\n");
  INIT(&bs, mail_string, hdr_end, strlen(hdr_end));
  rfc822_parse_msg_full(&env, &b, msg, hdr_end - msg, &bs, "hooked.host", 0, 0);
  for (a = env->to; a; a = a->next) printf("  to %s@%s\n", a->mailbox, a->host);
  for (a = env->cc; a; a = a->next) printf("  cc %s@%s\n", a->mailbox, a->host);
  printf("subject %s\n", env->subject);
  mail_free_envelope(&env);
  mail_free_body(&b);
  mail_parameters(NIL, SET_PARSELINE, NIL);
  mail_parameters(NIL, SET_PARSEPHRASE, NIL);
  printf("== parse without hooks\n");
  INIT(&bs, mail_string, hdr_end, strlen(hdr_end));
  rfc822_parse_msg_full(&env, &b, msg, hdr_end - msg, &bs, "plain.host", 0, 0);
  for (a = env->to; a; a = a->next) printf("  to %s@%s\n", a->mailbox, a->host);
  mail_free_envelope(&env);
  mail_free_body(&b);

  env = envelope(0);
  b = body(0, 1);
  buf.f = show_chunk; buf.s = "h"; buf.beg = buf.cur = t; buf.end = t + SENDBUFLEN;
  printf("== output hooks\n");
  mail_parameters(NIL, SET_RFC822OUTPUT, (void *) out);
  printf("-> %ld\n", rfc822_output_full(&buf, env, b, 1));
  printf("-> %ld\n", rfc822_output(t, env, b, show_chunk, "legacy", 0));
  mail_parameters(NIL, SET_RFC822OUTPUTFULL, (void *) outfull);
  printf("-> %ld\n", rfc822_output_full(&buf, env, b, 0));
  printf("-> %ld\n", rfc822_output(t, env, b, show_chunk, "legacy", 1));
  mail_parameters(NIL, SET_RFC822OUTPUT, NIL);
  printf("-> %ld\n", rfc822_output(t, env, b, show_chunk, "legacy", 1));
  mail_parameters(NIL, SET_RFC822OUTPUTFULL, NIL);
  printf("-> %ld\n", rfc822_output_full(&buf, env, b, 0));
  mail_free_envelope(&env);
  mail_free_body(&b);
}

/* ours only: a tree deeper than the original's stack allows */
static long count_out(void *stream, char *string)
{
  *(unsigned long *) stream += strlen(string);
  return LONGT;
}
static void deep(int levels)
{
  BODY *top = mail_newbody(), *b = top;
  unsigned long n = 0;
  int i;
  for (i = 0; i < levels; i++) {
    PART *p;
    b->type = TYPEMULTIPART;
    b->parameter = param("BOUNDARY", "d", NIL);
    p = add_part(b);
    b = &p->body;
  }
  b->type = TYPETEXT;
  b->encoding = ENCBINARY;
  set_text(b, "leaf", 4);
  rfc822_encode_body_7bit(NIL, top);
  printf("deep %d: output %ld", levels, rfc822_output_body(top, count_out, &n));
  printf(" bytes %lu\n", n);
  mail_free_body(&top);
}

int main(int argc, char **argv)
{
  const char *what = argc > 1 ? argv[1] : "";
  setvbuf(stdout, NIL, _IOFBF, 1 << 16);
#include "linkage.c"
  if (!strcmp(what, "compose")) compose(argc > 2 ? (size_t) atol(argv[2]) : 100);
  else if (!strcmp(what, "legacy")) legacy();
  else if (!strcmp(what, "encode")) encode();
  else if (!strcmp(what, "content")) content();
  else if (!strcmp(what, "pieces")) pieces();
  else if (!strcmp(what, "hooks")) hooks();
  else if (!strcmp(what, "deep")) deep(argc > 2 ? atoi(argv[2]) : 100000);
  else { fprintf(stderr, "usage: %s compose N|legacy|encode|content|pieces|hooks\n", argv[0]); return 2; }
  fflush(stdout);
  return 0;
}

void mm_log(char *string, long errflg) { printf("LOG %ld ", errflg); esc(string); putchar('\n'); }
void mm_fatal(char *string) { printf("FATAL %s\n", string); fflush(stdout); }
