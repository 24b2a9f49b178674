/* Differential test of mail.c's stream operations through a driver of the
 * program's own, linked with mail_link: fetches of every kind, the cache,
 * flags, sets, UIDs, overviews, append/copy/expunge dispatch, handles.
 * Driver "testa" has a per-message flag hook and no flag method; driver
 * "testb" has a flag method, UID and msgdata methods and short caching.
 * Every driver call and callback is printed; the output of the original
 * and of ours must be identical. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"

void mm_searched (MAILSTREAM *s, unsigned long n) { printf ("mm_searched %lu\n", n); }
void mm_exists (MAILSTREAM *s, unsigned long n) { printf ("mm_exists %lu\n", n); }
void mm_expunged (MAILSTREAM *s, unsigned long n) { printf ("mm_expunged %lu\n", n); }
void mm_flags (MAILSTREAM *s, unsigned long n) { printf ("mm_flags %lu\n", n); }
void mm_notify (MAILSTREAM *s, char *t, long e) { printf ("mm_notify %ld: %s\n", e, t); }
void mm_list (MAILSTREAM *s, int d, char *n, long a) { printf ("mm_list %s\n", n); }
void mm_lsub (MAILSTREAM *s, int d, char *n, long a) { printf ("mm_lsub %s\n", n); }
void mm_status (MAILSTREAM *s, char *m, MAILSTATUS *st) { printf ("mm_status %s\n", m); }
void mm_log (char *t, long e) { printf ("mm_log %ld: %s\n", e, t); }
void mm_dlog (char *t) { printf ("mm_dlog: %s\n", t); }
void mm_login (NETMBX *mb, char *u, char *p, long t) { *u = *p = 0; }
void mm_critical (MAILSTREAM *s) { }
void mm_nocritical (MAILSTREAM *s) { }
long mm_diskerror (MAILSTREAM *s, long e, long serious) { return 1; }
void mm_fatal (char *t) { printf ("mm_fatal: %s\n", t); fflush (stdout); }

/* ---- the messages (written with LF, stored with CRLF) ---- */
static const char *raw[] = {
  /* 1: plain, 8bit, full envelope */
  "Date: Tue, 3 Mar 2009 10:20:30 +0100\n"
  "From: Anne Example <anne@example.org>\n"
  "Sender: list@example.org\n"
  "To: bob@example.com, \"Carol C.\" <carol@example.net>\n"
  "Cc: team: dave@example.com, erin@example.com;\n"
  "Subject: Plain text with =?ISO-8859-1?Q?caf=E9?=\n"
  "Message-ID: <m1@example.org>\n"
  "In-Reply-To: <m0@example.org>\n"
  "References: <a@x> <m0@example.org>\n"
  "X-Long: first part\n"
  "  continued here\n"
  "Content-Type: text/plain; charset=iso-8859-1\n"
  "Content-Transfer-Encoding: 8bit\n"
  "\n"
  "Hello Bob,\n"
  "caf\351 au lait.\n"
  "Bye\n",
  /* 2: multipart/mixed with a nested message/rfc822 holding an alternative */
  "Date: Wed, 4 Mar 2009 08:00:00 -0500\n"
  "From: bob@example.com\n"
  "To: anne@example.org\n"
  "Subject: Fwd: trip\n"
  "Message-ID: <m2@example.com>\n"
  "MIME-Version: 1.0\n"
  "Content-Type: multipart/mixed; boundary=\"outer\"\n"
  "\n"
  "Preamble text\n"
  "--outer\n"
  "Content-Type: text/plain; charset=us-ascii\n"
  "Content-Description: cover note\n"
  "\n"
  "See the forwarded message.\n"
  "--outer\n"
  "Content-Type: message/rfc822\n"
  "Content-Disposition: inline\n"
  "\n"
  "Date: Mon, 2 Mar 2009 12:00:00 +0000\n"
  "From: Zoe <zoe@example.de>\n"
  "Subject: Track\n"
  "Message-ID: <inner@example.de>\n"
  "Content-Type: multipart/alternative; boundary=alt\n"
  "\n"
  "--alt\n"
  "Content-Type: text/plain; charset=utf-8\n"
  "Content-Transfer-Encoding: quoted-printable\n"
  "\n"
  "Gr=C3=BC=C3=9Fe\n"
  "--alt\n"
  "Content-Type: text/html; charset=utf-8\n"
  "\n"
  "<p>Hi</p>\n"
  "--alt--\n"
  "--outer\n"
  "Content-Type: application/octet-stream; name=\"data.bin\"\n"
  "Content-Transfer-Encoding: base64\n"
  "Content-Disposition: attachment; filename=\"data.bin\"\n"
  "Content-ID: <part3@example.com>\n"
  "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\n"
  "\n"
  "AAECAwQFBgcICQ==\n"
  "--outer--\n"
  "Epilogue\n",
  /* 3: multipart/alternative at the top, base64 and qp */
  "Date: Thu, 5 Mar 2009 23:59:59 +1200\n"
  "From: \"Dr. X\" <x@example.nz>\n"
  "To: undisclosed-recipients:;\n"
  "Subject: alt\n"
  "Content-Type: multipart/alternative; boundary=b3\n"
  "\n"
  "--b3\n"
  "Content-Type: text/plain\n"
  "Content-Transfer-Encoding: base64\n"
  "\n"
  "SGVsbG8gd29ybGQK\n"
  "--b3\n"
  "Content-Type: text/enriched\n"
  "Content-Transfer-Encoding: quoted-printable\n"
  "\n"
  "<bold>x=3Dy</bold>=\n"
  "\n"
  "--b3--\n",
  /* 4: header only, no body */
  "From: nobody@example.com\n"
  "Subject: empty\n"
  "\n",
  /* 5: message/rfc822 as the top-level body */
  "From: wrap@example.com\n"
  "Subject: wrapped\n"
  "Content-Type: message/rfc822\n"
  "\n"
  "From: inner@example.com\n"
  "Subject: inside\n"
  "\n"
  "inner body\n"
};
#define NMSGS 5
static char *msg[NMSGS];
static unsigned long msglen[NMSGS], hdrlen[NMSGS];

static void load (void)
{
  int i;
  for (i = 0; i < NMSGS; i++) {
    const char *s; char *d; size_t n = 0;
    for (s = raw[i]; *s; s++) n += (*s == '\n') ? 2 : 1;
    d = msg[i] = malloc (n + 1);
    for (s = raw[i]; *s; s++) { if (*s == '\n') *d++ = '\r'; *d++ = *s; }
    *d = 0;
    msglen[i] = n;
    hdrlen[i] = strstr (msg[i], "\r\n\r\n") + 4 - msg[i];
  }
}

static void show (const char *label, const char *s, unsigned long len)
{
  unsigned long i;
  printf ("%s [%lu] ", label, len);
  if (!s) { printf ("(NULL)\n"); return; }
  for (i = 0; i < len; i++) {
    unsigned char c = s[i];
    if (c == '\r') printf ("\\r");
    else if (c == '\n') printf ("\\n");
    else if (c < 0x20 || c >= 0x7f) printf ("\\x%02x", c);
    else putchar (c);
  }
  putchar ('\n');
}

/* ---- driver A: flagmsg, no flag, UIDs in the cache ---- */
DRIVER driverA, driverB;
static MAILSTREAM protoA = {&driverA}, protoB = {&driverB};

static DRIVER *a_valid (char *name) { return strncmp (name, "#test/", 6) ? NIL : &driverA; }
static DRIVER *b_valid (char *name) { return strncmp (name, "#flag/", 6) ? NIL : &driverB; }
static void *x_parameters (long f, void *v) { return NIL; }

static MAILSTREAM *a_open (MAILSTREAM *stream)
{
  unsigned long i;
  if (!stream) return &protoA;
  printf ("A.open %s\n", stream->mailbox);
  mail_exists (stream, NMSGS);
  mail_recent (stream, 1);
  stream->uid_validity = 777; stream->uid_last = 50;
  stream->kwd_create = T;
  stream->perm_seen = stream->perm_deleted = stream->perm_flagged = T;
  stream->user_flags[0] = cpystr ("Important");
  for (i = 1; i <= NMSGS; i++) {
    MESSAGECACHE *e = mail_elt (stream, i);
    e->private.uid = 10 * i;
    e->valid = T;
  }
  mail_elt (stream, 2)->seen = T;
  mail_elt (stream, 4)->rfc822_size = 999;   /* wrong on purpose */
  { MESSAGECACHE *e = mail_elt (stream, 1);  /* internal date from the driver */
    e->day = 7; e->month = 6; e->year = 2001 - BASEYEAR; e->hours = 5; }
  return stream;
}
static void x_close (MAILSTREAM *stream, long options)
{ printf ("%s.close %ld\n", stream->dtb->name, options); }
static void a_fast (MAILSTREAM *s, char *seq, long f) { printf ("A.fast %s %ld\n", seq, f); }
static void a_msgflags (MAILSTREAM *s, char *seq, long f) { printf ("A.msgflags %s %ld\n", seq, f); }
static char *x_header (MAILSTREAM *stream, unsigned long msgno, unsigned long *len, long flags)
{
  printf ("%s.header %lu flags=%lx\n", stream->dtb->name, msgno, flags);
  *len = hdrlen[msgno - 1];
  return msg[msgno - 1];
}
static long x_text (MAILSTREAM *stream, unsigned long msgno, STRING *bs, long flags)
{
  printf ("%s.text %lu flags=%lx\n", stream->dtb->name, msgno, flags);
  INIT (bs, mail_string, msg[msgno - 1] + hdrlen[msgno - 1], msglen[msgno - 1] - hdrlen[msgno - 1]);
  return T;
}
static void a_flagmsg (MAILSTREAM *stream, MESSAGECACHE *e)
{
  printf ("A.flagmsg %lu valid=%d seen=%d deleted=%d flagged=%d answered=%d draft=%d user=%lx\n",
          e->msgno, e->valid, e->seen, e->deleted, e->flagged, e->answered, e->draft, e->user_flags);
}
static long x_ping (MAILSTREAM *s) { printf ("%s.ping\n", s->dtb->name); return T; }
static void x_check (MAILSTREAM *s) { printf ("%s.check\n", s->dtb->name); }
static long x_expunge (MAILSTREAM *s, char *seq, long o)
{ printf ("%s.expunge %s %ld\n", s->dtb->name, seq ? seq : "(nil)", o); return T; }
static long x_copy (MAILSTREAM *s, char *seq, char *mbx, long o)
{ printf ("%s.copy %s %s %ld\n", s->dtb->name, seq, mbx, o); return T; }
static long x_append (MAILSTREAM *stream, char *mailbox, append_t af, void *data)
{
  char *flags, *date; STRING *message; int n = 0;
  printf ("append to %s (stream %s)\n", mailbox, stream ? "given" : "none");
  while ((*af) (stream, data, &flags, &date, &message) && message) {
    printf ("  message %d flags=%s date=%s size=%lu\n", ++n, flags ? flags : "(nil)",
            date ? date : "(nil)", SIZE (message));
  }
  return T;
}
static long a_overview (MAILSTREAM *s, overview_t ofn) { printf ("A.overview\n"); return NIL; }

/* ---- driver B: flag method, uid method, msgdata, short cache ---- */
static MAILSTREAM *b_open (MAILSTREAM *stream)
{
  unsigned long i;
  if (!stream) return &protoB;
  printf ("B.open %s\n", stream->mailbox);
  mail_exists (stream, NMSGS);
  stream->scache = T;
  stream->uid_last = 200;
  for (i = 1; i <= NMSGS; i++) {
    MESSAGECACHE *e = mail_elt (stream, i);
    e->rfc822_size = msglen[i - 1];
    e->valid = T;
  }
  return stream;
}
static unsigned long b_uid (MAILSTREAM *s, unsigned long msgno)
{ printf ("B.uid %lu\n", msgno); return 100 + msgno; }
static void b_flag (MAILSTREAM *s, char *seq, char *flag, long flags)
{ printf ("B.flag %s %s %ld\n", seq, flag, flags); }
static long b_msgdata (MAILSTREAM *stream, unsigned long msgno, char *section, unsigned long first,
                       unsigned long last, STRINGLIST *lines, long flags)
{
  MESSAGECACHE *e = mail_elt (stream, msgno);
  printf ("B.msgdata %lu '%s' %lu %lu lines=%s flags=%lx\n", msgno, section, first, last,
          lines ? (char *) lines->text.data : "(nil)", flags);
  if (!strcmp (section, "TEXT")) {
    cpytxt (&e->private.msg.text.text, msg[msgno - 1] + hdrlen[msgno - 1], msglen[msgno - 1] - hdrlen[msgno - 1]);
    return T;
  }
  if (!strcmp (section, "HEADER")) {
    cpytxt (&e->private.msg.header.text, msg[msgno - 1], hdrlen[msgno - 1]);
    return T;
  }
  return NIL;
}

/* ---- driver C: driver A's methods, but texts come through a STRING driver
 * of the program's own that hands out 7-byte chunks ---- */
#define CHUNK 7
static void chunk_setpos (STRING *s, unsigned long i)
{
  if (i > s->size) i = s->size;
  s->offset = (i / CHUNK) * CHUNK;
  s->chunk = (char *) s->data + s->offset;
  s->chunksize = (s->size - s->offset < CHUNK) ? s->size - s->offset : CHUNK;
  s->curpos = s->chunk + (i - s->offset);
  s->cursize = s->chunksize - (i - s->offset);
}
static void chunk_init (STRING *s, void *data, unsigned long size)
{
  s->data = data; s->data1 = 0; s->size = size;
  chunk_setpos (s, 0);
}
static char chunk_next (STRING *s)
{
  char c = *s->curpos++;
  chunk_setpos (s, GETPOS (s));
  return c;
}
static STRINGDRIVER chunk_string = {chunk_init, chunk_next, chunk_setpos};
DRIVER driverC;
static MAILSTREAM protoC = {&driverC};
static DRIVER *c_valid (char *name) { return strncmp (name, "#chnk/", 6) ? NIL : &driverC; }
static MAILSTREAM *c_open (MAILSTREAM *stream)
{
  unsigned long i;
  if (!stream) return &protoC;
  printf ("C.open %s\n", stream->mailbox);
  mail_exists (stream, NMSGS);
  for (i = 1; i <= NMSGS; i++) mail_elt (stream, i)->private.uid = i;
  return stream;
}
static long c_text (MAILSTREAM *stream, unsigned long msgno, STRING *bs, long flags)
{
  printf ("C.text %lu flags=%lx\n", msgno, flags);
  INIT (bs, chunk_string, msg[msgno - 1] + hdrlen[msgno - 1], msglen[msgno - 1] - hdrlen[msgno - 1]);
  return T;
}

DRIVER driverA = {
  "testa", 0, NIL, a_valid, x_parameters, NIL, NIL, NIL, NIL, NIL, NIL, NIL, NIL, NIL,
  a_open, x_close, a_fast, a_msgflags, a_overview, NIL, x_header, x_text, NIL, NIL, NIL,
  NIL, a_flagmsg, NIL, NIL, NIL, x_ping, x_check, x_expunge, x_copy, x_append, NIL
};
DRIVER driverB = {
  "testb", 0, NIL, b_valid, x_parameters, NIL, NIL, NIL, NIL, NIL, NIL, NIL, NIL, NIL,
  b_open, x_close, NIL, NIL, NIL, NIL, x_header, x_text, b_msgdata, b_uid, NIL,
  b_flag, NIL, NIL, NIL, NIL, x_ping, x_check, x_expunge, x_copy, x_append, NIL
};

DRIVER driverC = {
  "testc", 0, NIL, c_valid, x_parameters, NIL, NIL, NIL, NIL, NIL, NIL, NIL, NIL, NIL,
  c_open, x_close, NIL, NIL, NIL, NIL, x_header, c_text, NIL, NIL, NIL,
  NIL, NIL, NIL, NIL, NIL, x_ping, x_check, x_expunge, x_copy, x_append, NIL
};

/* ---- printing structures ---- */
static const char *s_(const void *p) { return p ? (const char *) p : "(nil)"; }

static void show_adr (const char *what, ADDRESS *a)
{
  printf ("    %s:", what);
  for (; a; a = a->next)
    printf (" [%s|%s|%s|%s]", s_(a->personal), s_(a->adl), s_(a->mailbox), s_(a->host));
  putchar ('\n');
}

static void show_env (const char *indent, ENVELOPE *e)
{
  if (!e) { printf ("%senvelope (NULL)\n", indent); return; }
  printf ("%senvelope date=%s subject=%s msgid=%s irt=%s refs=%s ng=%s incomplete=%d\n", indent,
          s_(e->date), s_(e->subject), s_(e->message_id), s_(e->in_reply_to),
          s_(e->references), s_(e->newsgroups), e->incomplete);
  show_adr ("from", e->from); show_adr ("sender", e->sender); show_adr ("reply_to", e->reply_to);
  show_adr ("to", e->to); show_adr ("cc", e->cc); show_adr ("bcc", e->bcc);
}

static void show_body (const char *section, BODY *b, int depth)
{
  PARAMETER *p;
  printf ("%*sbody %s type=%d/%s enc=%d id=%s desc=%s loc=%s md5=%s\n", depth * 2, "", section,
          b->type, s_(b->subtype), b->encoding, s_(b->id), s_(b->description), s_(b->location), s_(b->md5));
  printf ("%*s  params:", depth * 2, "");
  for (p = b->parameter; p; p = p->next) printf (" %s=%s", p->attribute, p->value);
  printf (" disp=%s:", s_(b->disposition.type));
  for (p = b->disposition.parameter; p; p = p->next) printf (" %s=%s", p->attribute, p->value);
  printf ("\n%*s  mime=%lu+%lu contents=%lu+%lu lines=%lu bytes=%lu cached mime=%d contents=%d\n",
          depth * 2, "", b->mime.offset, b->mime.text.size, b->contents.offset, b->contents.text.size,
          b->size.lines, b->size.bytes, b->mime.text.data != NIL, b->contents.text.data != NIL);
  if (b->type == TYPEMULTIPART) {
    PART *pt; int i = 1; char sub[200];
    for (pt = b->nested.part; pt; pt = pt->next, i++) {
      if (*section) sprintf (sub, "%s.%d", section, i); else sprintf (sub, "%d", i);
      show_body (sub, &pt->body, depth + 1);
    }
  }
  else if (b->type == TYPEMESSAGE && !strcmp (b->subtype, "RFC822") && b->nested.msg) {
    MESSAGE *m = b->nested.msg; char sub[200], ind[100];
    sprintf (ind, "%*s  ", depth * 2, "");
    printf ("%*s  nested full=%lu+%lu header=%lu+%lu text=%lu+%lu\n", depth * 2, "",
            m->full.offset, m->full.text.size, m->header.offset, m->header.text.size,
            m->text.offset, m->text.text.size);
    show_env (ind, m->env);
    if (m->body) {
      if (m->body->type == TYPEMULTIPART) show_body (section, m->body, depth + 1);
      else { sprintf (sub, "%s.1", section); show_body (sub, m->body, depth + 1); }
    }
  }
}

static void show_elt (MAILSTREAM *s, unsigned long i)
{
  MESSAGECACHE *e = mail_elt (s, i);
  char d[MAILTMPLEN];
  printf ("elt %lu uid=%lu size=%lu date=%s valid=%d seen=%d deleted=%d flagged=%d answered=%d draft=%d recent=%d user=%lx seq=%d\n",
          i, e->private.uid, e->rfc822_size, mail_date (d, e), e->valid, e->seen, e->deleted,
          e->flagged, e->answered, e->draft, e->recent, e->user_flags, e->sequence);
}

static void show_seq (MAILSTREAM *s, const char *label, long r)
{
  unsigned long i;
  printf ("%s -> %ld bits:", label, r);
  for (i = 1; i <= s->nmsgs; i++) printf ("%d", mail_elt (s, i)->sequence);
  putchar ('\n');
}

/* every section of a body tree, as sections to fetch */
static int nsec;
static char secs[64][40];
static void collect (const char *section, BODY *b)
{
  if (*section) strcpy (secs[nsec++], section);
  if (b->type == TYPEMULTIPART) {
    PART *pt; int i = 1; char sub[40];
    for (pt = b->nested.part; pt; pt = pt->next, i++) {
      if (*section) sprintf (sub, "%s.%d", section, i); else sprintf (sub, "%d", i);
      collect (sub, &pt->body);
    }
  }
  else if (b->type == TYPEMESSAGE && !strcmp (b->subtype, "RFC822") && b->nested.msg && b->nested.msg->body) {
    char sub[40];
    if (b->nested.msg->body->type == TYPEMULTIPART) collect (section, b->nested.msg->body);
    else { sprintf (sub, "%s.1", section); collect (sub, b->nested.msg->body); }
  }
  else if (!*section) strcpy (secs[nsec++], "1");
}

static STRINGLIST *lines_of (const char *a, const char *b)
{
  STRINGLIST *l = mail_newstringlist ();
  l->text.data = (unsigned char *) cpystr (a); l->text.size = strlen (a);
  if (b) {
    l->next = mail_newstringlist ();
    l->next->text.data = (unsigned char *) cpystr (b); l->next->text.size = strlen (b);
  }
  return l;
}

static char *mygets (readfn_t f, void *stream, unsigned long size, GETS_DATA *md)
{
  char *buf = fs_get (size + 1);
  (*f) (stream, size, buf);
  buf[size] = 0;
  printf ("mailgets msgno=%lu what=%s first=%lu last=%lu flags=%ld stl=%d ", md->msgno,
          s_(md->what), md->first, md->last, md->flags, md->stl != NIL);
  show ("data", buf, size);
  return buf;
}

static void ofn (MAILSTREAM *s, unsigned long uid, OVERVIEW *ov, unsigned long msgno)
{
  printf ("overview uid=%lu msgno=%lu subject=%s from=%s date=%s msgid=%s refs=%s octets=%lu lines=%lu xref=%s\n",
          uid, msgno, s_(ov->subject), ov->from ? s_(ov->from->mailbox) : "(nil)", s_(ov->date),
          s_(ov->message_id), s_(ov->references), ov->optional.octets, ov->optional.lines, s_(ov->optional.xref));
}

static int appended;
static long two_messages (MAILSTREAM *s, void *data, char **flags, char **date, STRING **message)
{
  static STRING bs;
  if (appended >= 2) { *message = NIL; return T; }
  INIT (&bs, mail_string, msg[appended], msglen[appended]);
  *flags = appended ? "\\Seen" : NIL; *date = appended ? NIL : "1-Jan-2001 00:00:00 +0000";
  *message = &bs;
  appended++;
  return T;
}

/* The program's cache manager: the library's own, counted, so the number
 * of cache operations each part causes is compared too. */
static unsigned long cache_ops[CH_EXPUNGE + 1];
static void *counting_cache (MAILSTREAM *stream, unsigned long msgno, long op)
{
  if (op >= 0 && op <= CH_EXPUNGE) cache_ops[op]++;
  return mm_cache (stream, msgno, op);
}
static void sect (const char *name)
{
  long op;
  printf ("cache ops:");
  for (op = 0; op <= CH_EXPUNGE; op++)
    if (cache_ops[op]) { printf (" %ld=%lu", op, cache_ops[op]); cache_ops[op] = 0; }
  printf ("\n%s\n", name);
}

int main (int argc, char **argv)
{
  MAILSTREAM *s, *t;
  ENVELOPE *env;
  BODY *body;
  unsigned long i, len;
  int k;
  char *r;
  setvbuf (stdout, NULL, _IOLBF, 0);
  load ();
  mail_parameters (NIL, SET_CACHE, (void *) counting_cache);
  mail_link (&driverA);
  mail_link (&driverB);
  mail_link (&driverC);
  s = mail_open (NIL, "#test/box", NIL);
  if (!s) { printf ("open failed\n"); return 1; }
  printf ("opened %s nmsgs=%lu\n", s->dtb->name, s->nmsgs);

  sect ("== structure");
  env = mail_fetch_structure (s, 4, NIL, NIL);       /* envelope only, size unknown */
  show_env ("", env);
  show_elt (s, 4);
  for (i = 1; i <= NMSGS; i++) {
    printf ("-- message %lu\n", i);
    env = mail_fetch_structure (s, i, &body, NIL);
    show_env ("", env);
    if (body) show_body ("", body, 0);
    show_elt (s, i);
  }
  printf ("again same envelope: %d\n", mail_fetch_structure (s, 2, &body, NIL) == mail_elt (s, 2)->private.msg.env);
  printf ("by uid 20: %s\n", (env = mail_fetch_structure (s, 20, NIL, FT_UID)) ? s_(env->subject) : "NULL");
  printf ("by uid 25: %s\n", (env = mail_fetch_structure (s, 25, NIL, FT_UID)) ? s_(env->subject) : "NULL");
  { ENVELOPE *e2 = mail_fetchenvelope (s, 3); printf ("fetchenvelope 3: %s\n", s_(e2->subject)); }

  sect ("== sections");
  for (i = 1; i <= NMSGS; i++) {
    mail_fetch_structure (s, i, &body, NIL);
    nsec = 0;
    collect ("", body);
    for (k = 0; k < nsec; k++) {
      char lab[80];
      BODY *b = mail_body (s, i, (unsigned char *) secs[k]);
      printf ("msg %lu section %s: mail_body %s\n", i, secs[k], b ? b->subtype : "NULL");
      sprintf (lab, "  body %s", secs[k]);
      r = mail_fetch_body (s, i, secs[k], &len, FT_PEEK); show (lab, r, len);
      sprintf (lab, "  mime %s", secs[k]);
      r = mail_fetch_mime (s, i, secs[k], &len, FT_PEEK); show (lab, r, len);
      if (b && b->type == TYPEMESSAGE) {
        char sub[60];
        sprintf (lab, "  header %s", secs[k]);
        r = mail_fetch_header (s, i, secs[k], NIL, &len, FT_PEEK); show (lab, r, len);
        sprintf (lab, "  text %s", secs[k]);
        r = mail_fetch_text (s, i, secs[k], &len, FT_PEEK); show (lab, r, len);
        sprintf (sub, "%s.0", secs[k]);
        sprintf (lab, "  body %s", sub);
        r = mail_fetch_body (s, i, sub, &len, FT_PEEK); show (lab, r, len);
      }
    }
    r = mail_fetch_header (s, i, NIL, NIL, &len, FT_PEEK); show ("  header", r, len);
    r = mail_fetch_text (s, i, NIL, &len, FT_PEEK); show ("  text", r, len);
    r = mail_fetch_body (s, i, "0", &len, FT_PEEK); show ("  body 0", r, len);
    r = mail_fetch_body (s, i, "", &len, FT_PEEK); show ("  body ''", r, len);
    r = mail_fetch_message (s, i, &len, FT_PEEK); show ("  message", r, len);
  }
  sect ("== bad sections");
  {
    static char *bad[] = {"9", "1.9", "1.", ".1", "1..1", "abc", "HEADER", "TEXT", "1.HEADER",
                          "2.1.1", "2.2.3", "0.1", "3.0", "1.0", "2.3.1", "5.2", "5.1.1.1", NIL};
    for (k = 0; bad[k]; k++) {
      char lab[80];
      sprintf (lab, "  body %s", bad[k]);
      r = mail_fetch_body (s, 2, bad[k], &len, FT_PEEK); show (lab, r, len);
      sprintf (lab, "  mime %s", bad[k]);
      r = mail_fetch_mime (s, 2, bad[k], &len, FT_PEEK); show (lab, r, len);
      sprintf (lab, "  header %s", bad[k]);
      r = mail_fetch_header (s, 2, bad[k], NIL, &len, FT_PEEK); show (lab, r, len);
      sprintf (lab, "  text %s", bad[k]);
      r = mail_fetch_text (s, 2, bad[k], &len, FT_PEEK); show (lab, r, len);
    }
    r = mail_fetch_body (s, 5, "1.1", &len, FT_PEEK); show ("  msg5 body 1.1", r, len);
    r = mail_fetch_header (s, 5, "1", NIL, &len, FT_PEEK); show ("  msg5 header 1", r, len);
    r = mail_fetch_text (s, 5, "1", &len, FT_PEEK); show ("  msg5 text 1", r, len);
    r = mail_fetch_body (s, 4, "1", &len, FT_PEEK); show ("  msg4 body 1 (empty)", r, len);
    r = mail_fetch_mime (s, 1, "1", &len, FT_PEEK); show ("  msg1 mime 1 (empty)", r, len);
    r = mail_fetch_body (s, 30, "1", &len, FT_PEEK | FT_UID); show ("  uid 30 body 1", r, len);
    r = mail_fetch_body (s, 31, "1", &len, FT_PEEK | FT_UID); show ("  uid 31 body 1", r, len);
    r = mail_fetch_header (s, 20, NIL, NIL, &len, FT_PEEK | FT_UID); show ("  uid 20 header", r, len);
    r = mail_fetch_text (s, 21, NIL, &len, FT_PEEK | FT_UID); show ("  uid 21 text", r, len);
    r = mail_fetch_message (s, 21, &len, FT_UID); show ("  uid 21 message", r, len);
  }

  sect ("== header lines");
  {
    STRINGLIST *l1 = lines_of ("subject", "X-LONG"), *l2 = lines_of ("From", NIL);
    r = mail_fetch_header (s, 1, NIL, l1, &len, FT_PEEK); show ("  lines", r, len);
    r = mail_fetch_header (s, 1, NIL, l1, &len, FT_PEEK | FT_NOT); show ("  not lines", r, len);
    r = mail_fetch_header (s, 2, "2", l2, &len, FT_PEEK); show ("  nested lines", r, len);
    r = mail_fetch_header (s, 2, "2", l2, &len, FT_PEEK | FT_NOT); show ("  nested not", r, len);
    r = mail_fetch_header (s, 1, NIL, NIL, &len, FT_PEEK | FT_PREFETCHTEXT); show ("  prefetch", r, len);
    r = mail_fetch_header (s, 1, NIL, NIL, &len, FT_PEEK | FT_INTERNAL); show ("  internal", r, len);
    printf ("match_lines %ld %ld %ld %ld\n", mail_match_lines (l2, l1, 0), mail_match_lines (l1, l1, 0),
            mail_match_lines (NIL, l1, 0), mail_match_lines (l1, NIL, FT_NOT));
    {
      char buf[200];
      strcpy (buf, "From: a\r\nSubject: b\r\n c\r\nTo: x\r\nX-Long: y\r\n\r\n");
      len = mail_filter (buf, strlen (buf), l1, 0); show ("  filter", buf, len);
      strcpy (buf, "From: a\r\nSubject: b\r\n c\r\nTo: x\r\nX-Long: y\r\n\r\n");
      len = mail_filter (buf, strlen (buf), l1, FT_NOT); show ("  filter not", buf, len);
      strcpy (buf, "subject: no end");
      len = mail_filter (buf, strlen (buf), l1, 0); show ("  filter noend", buf, len);
    }
  }

  sect ("== partial and mailgets");
  mail_parameters (NIL, SET_GETS, (void *) mygets);
  printf ("partial text %ld\n", mail_partial_text (s, 1, NIL, 5, 10, FT_PEEK));
  printf ("partial text %ld\n", mail_partial_text (s, 1, NIL, 0, 0, FT_PEEK));
  printf ("partial beyond %ld\n", mail_partial_text (s, 1, NIL, 500, 10, FT_PEEK));
  printf ("partial nested %ld\n", mail_partial_text (s, 2, "2", 3, 20, FT_PEEK));
  printf ("partial bad %ld\n", mail_partial_text (s, 2, "1", 3, 20, FT_PEEK));
  printf ("partial body %ld\n", mail_partial_body (s, 2, "2.1", 2, 5, FT_PEEK));
  printf ("partial body all %ld\n", mail_partial_body (s, 2, "3", 0, 0, FT_PEEK));
  printf ("partial body top %ld\n", mail_partial_body (s, 3, NIL, 4, 4, FT_PEEK));
  printf ("partial body none %ld\n", mail_partial_body (s, 3, "7", 4, 4, FT_PEEK));
  printf ("partial body uid %ld\n", mail_partial_body (s, 30, "1", 1, 3, FT_PEEK | FT_UID));
  r = mail_fetch_body (s, 2, "1", &len, FT_PEEK); show ("  gets body 1", r, len);
  r = mail_fetch_body (s, 20, "0", &len, FT_PEEK | FT_UID); show ("  gets body 0 uid", r, len);
  r = mail_fetch_text (s, 3, NIL, &len, FT_PEEK); show ("  gets text", r, len);
  r = mail_fetch_message (s, 3, &len, FT_PEEK); show ("  gets message", r, len);
  mail_parameters (NIL, SET_GETS, NIL);
  r = mail_fetch_text (s, 1, NIL, &len, FT_PEEK | FT_RETURNSTRINGSTRUCT);
  printf ("returnstringstruct ret=%s len=%lu size=%lu\n", r ? "text" : "NULL", len, SIZE (&s->private.string));

  sect ("== seen side effect");
  show_elt (s, 1);
  r = mail_fetch_body (s, 1, "1", &len, NIL); show ("  body 1 unpeeked", r, len);
  show_elt (s, 1);
  r = mail_fetch_text (s, 2, NIL, &len, NIL); show ("  already seen", r, len);
  r = mail_fetch_header (s, 3, NIL, NIL, &len, NIL); show ("  header unpeeked", r, len);
  r = mail_fetch_body (s, 4, "1", &len, NIL); show ("  empty unpeeked", r, len);
  r = mail_fetch_mime (s, 3, "1", &len, NIL); show ("  mime unpeeked", r, len);
  for (i = 1; i <= NMSGS; i++) show_elt (s, i);

  sect ("== fast, flags, overview");
  mail_fetch_fast (s, "1:3", FT_UID);
  mail_fetch_flags (s, "2", NIL);
  mail_fetch_overview (s, "10:30,50", ofn);
  mail_fetch_overview_sequence (s, "4,5", ofn);
  mail_fetch_overview (s, "bad", ofn);
  {
    char f[100];
    mail_fetchfrom (f, s, 1, 10); printf ("from10 '%s'\n", f);
    mail_fetchfrom (f, s, 2, 40); printf ("from40 '%s'\n", f);
    mail_fetchfrom (f, s, 3, 40); printf ("from40 '%s'\n", f);
    mail_fetchsubject (f, s, 1, 12); printf ("subject12 '%s'\n", f);
    mail_fetchsubject (f, s, 4, 40); printf ("subject40 '%s'\n", f);
  }

  sect ("== sequences");
  {
    static char *seqs[] = {"1", "1,3", "2:4", "4:2", "*", "3:*", "*:2", "1,2,", "", "0", "6", "1:6",
                           "1:0", "x", "1;2", "1:2x", "1,x", "2: 3", "1:+2", "1:-1", "99999999999999999999", NIL};
    static char *uids[] = {"10", "10:30", "15:35", "5:15", "35:100", "*", "40:*", "25", "7:8", "0", "1:0",
                           "1:2;", "1;", "a", "30:10", "50,10", NIL};
    char lab[80];
    for (k = 0; seqs[k]; k++) { sprintf (lab, "seq '%s'", seqs[k]); show_seq (s, lab, mail_sequence (s, (unsigned char *) seqs[k])); }
    for (k = 0; uids[k]; k++) { sprintf (lab, "uid '%s'", uids[k]); show_seq (s, lab, mail_uid_sequence (s, (unsigned char *) uids[k])); }
    for (i = 1; i <= NMSGS; i++) printf ("uid(%lu)=%lu ", i, mail_uid (s, i));
    putchar ('\n');
    { static unsigned long u[] = {10, 20, 30, 40, 50, 15, 0, 5, 999};
      for (k = 0; k < 9; k++) printf ("msgno(%lu)=%lu ", u[k], mail_msgno (s, u[k])); }
    putchar ('\n');
  }

  sect ("== flags");
  {
    static char *fl[] = {"\\Flagged $Work", "(\\Answered Important \\Draft)", "(\\Seen", "\\Seen)", "()",
                         "\\Recent", "bad(flag", "a  b", "\\DELETED", "k\351y", NIL};
    unsigned long uf;
    for (k = 0; fl[k]; k++) {
      long f = mail_parse_flags (s, fl[k], &uf);
      printf ("parse '%s' -> %lx uf=%lx kwd_create=%d\n", fl[k], f, uf, s->kwd_create);
    }
    for (k = 0; k < NUSERFLAGS && s->user_flags[k]; k++) printf ("user_flags[%d]=%s\n", k, s->user_flags[k]);
    mail_setflag (s, "1:3", "\\Flagged $Work");
    for (i = 1; i <= NMSGS; i++) show_elt (s, i);
    mail_setflag (s, "1:3", "\\Flagged");          /* no change: flagmsg, no mm_flags */
    mail_clearflag (s, "2", "\\Flagged $Work");
    mail_setflag_full (s, "20:40", "\\Deleted", ST_UID);
    mail_clearflag_full (s, "50", "\\Seen", ST_UID);
    mail_setflag (s, "9", "\\Seen");
    mail_setflag (s, "1", "\\Bogus");
    mail_setflag (s, "1", "(\\Seen");
    for (i = 1; i <= NMSGS; i++) show_elt (s, i);
    s->kwd_create = NIL;
    mail_setflag (s, "4", "NewOne");
    printf ("parse 'Fresh' -> %lx\n", mail_parse_flags (s, "Fresh", &uf));
  }

  sect ("== handles, lock");
  {
    MAILHANDLE *h = mail_makehandle (s);
    printf ("use=%d stream ok=%d\n", s->use, mail_stream (h) == s);
    mail_free_handle (&h);
    printf ("use=%d handle=%p\n", s->use, (void *) h);
    printf ("default_proto create=%s append=%s\n", default_proto (NIL)->dtb->name, default_proto (T)->dtb->name);
    mail_lock (s); printf ("locked %d\n", s->lock); mail_unlock (s); printf ("locked %d\n", s->lock);
  }

  sect ("== sets");
  {
    char *end = NIL; SEARCHSET *set, *x;
    set = mail_parse_set ("1:3,5,7:9 rest", &end);
    for (x = set; x; x = x->next) printf ("[%lu:%lu]", x->first, x->last);
    printf (" rest='%s'\n", end);
    printf ("bad set %s\n", mail_parse_set ("1:,2", &end) ? "parsed" : "NULL");
    x = mail_append_set (set, 10); printf ("append 10 -> [%lu:%lu]\n", x->first, x->last);
    x = mail_append_set (set, 11); printf ("append 11 -> [%lu:%lu]\n", x->first, x->last);
    x = mail_append_set (set, 13); printf ("append 13 -> [%lu:%lu]\n", x->first, x->last);
    printf ("append NIL -> %p\n", (void *) mail_append_set (NIL, 3));
    mail_free_searchset (&set);
  }

  sect ("== copy, expunge, append");
  printf ("copy %ld\n", mail_copy_full (s, "1:2", "#test/other", CP_MOVE));
  printf ("copy uid %ld\n", mail_copy (s, "10", "#test/other"));
  printf ("expunge %ld\n", mail_expunge_full (s, "1:2", 0));
  printf ("expunge %ld\n", mail_expunge (s));
  {
    STRING bs;
    INIT (&bs, mail_string, msg[0], msglen[0]);
    printf ("append %ld\n", mail_append_full (s, "#test/box2", "\\Seen", "2-Feb-2002 02:02:02 +0000", &bs));
    INIT (&bs, mail_string, msg[1], msglen[1]);
    printf ("append %ld\n", mail_append (NIL, "#flag/b", &bs));
    printf ("append %ld\n", mail_append (s, "#driver.testa/foo", &bs));
    printf ("append %ld\n", mail_append (s, "#DRIVER.TESTB:bar", &bs));
    printf ("append %ld\n", mail_append (s, "#driver.nosuch/x", &bs));
    printf ("append %ld\n", mail_append (s, "#driver.bad", &bs));
    printf ("append %ld\n", mail_append (s, "bad\nname", &bs));
    printf ("append %ld\n", mail_append (s, "nosuchname", &bs));
    appended = 0;
    printf ("append multiple %ld\n", mail_append_multiple (s, "#test/multi", two_messages, NIL));
  }
  printf ("ping %ld\n", mail_ping (s));
  mail_check (s);

  sect ("== driver B");
  t = mail_open (NIL, "#flag/box", NIL);
  if (!t) { printf ("open B failed\n"); return 1; }
  env = mail_fetch_structure (t, 2, NIL, NIL);
  show_env ("", env);
  printf ("scache env: %d msgno=%lu\n", env == t->env, t->msgno);
  env = mail_fetch_structure (t, 3, &body, NIL);
  show_env ("", env);
  show_body ("", body, 0);
  printf ("scache env: %d msgno=%lu\n", env == t->env, t->msgno);
  for (i = 1; i <= NMSGS; i++) printf ("uid(%lu)=%lu ", i, mail_uid (t, i));
  putchar ('\n');
  printf ("msgno(103)=%lu msgno(99)=%lu\n", mail_msgno (t, 103), mail_msgno (t, 99));
  show_seq (t, "uid '101:103'", mail_uid_sequence (t, (unsigned char *) "101:103"));
  show_seq (t, "uid '*'", mail_uid_sequence (t, (unsigned char *) "*"));
  r = mail_fetch_text (t, 1, NIL, &len, FT_PEEK); show ("  B text", r, len);
  r = mail_fetch_text (t, 1, NIL, &len, FT_PEEK); show ("  B text cached", r, len);
  r = mail_fetch_message (t, 1, &len, FT_PEEK); show ("  B message", r, len);
  r = mail_fetch_header (t, 1, NIL, NIL, &len, FT_PEEK); show ("  B header", r, len);
  r = mail_fetch_header (t, 1, NIL, lines_of ("Subject", NIL), &len, FT_PEEK); show ("  B header lines", r, len);
  r = mail_fetch_body (t, 3, "1", &len, FT_PEEK); show ("  B body 1", r, len);
  r = mail_fetch_mime (t, 3, "1", &len, FT_PEEK); show ("  B mime 1", r, len);
  r = mail_fetch_body (t, 5, "1", &len, FT_PEEK); show ("  B body 1", r, len);
  mail_parameters (NIL, SET_GETS, (void *) mygets);
  printf ("B partial %ld\n", mail_partial_text (t, 1, NIL, 2, 4, FT_PEEK));
  printf ("B partial %ld\n", mail_partial_text (t, 2, NIL, 2, 4, FT_PEEK));
  mail_parameters (NIL, SET_GETS, NIL);
  r = mail_fetch_text (t, 2, NIL, &len, NIL); show ("  B text unpeeked", r, len);
  mail_setflag (t, "1:2", "\\Deleted");
  mail_clearflag_full (t, "101", "\\Seen", ST_UID);
  r = mail_fetch_text (t, 1, NIL, &len, NIL); show ("  B cached unpeeked", r, len);
  for (i = 1; i <= NMSGS; i++) show_elt (t, i);
  mail_fetch_overview (t, "102:104", ofn);
  mail_close (t);

  sect ("== chunked driver");
  t = mail_open (NIL, "#chnk/box", NIL);
  if (!t) { printf ("open C failed\n"); return 1; }
  for (i = 1; i <= NMSGS; i++) {
    r = mail_fetch_message (t, i, &len, FT_PEEK); show ("  C message", r, len);
    show_elt (t, i);
  }
  env = mail_fetch_structure (t, 2, &body, NIL);
  show_body ("", body, 0);
  r = mail_fetch_text (t, 2, NIL, &len, FT_PEEK); show ("  C text", r, len);
  r = mail_fetch_text (t, 2, "2", &len, FT_PEEK); show ("  C text 2", r, len);
  r = mail_fetch_header (t, 2, "2", NIL, &len, FT_PEEK); show ("  C header 2", r, len);
  r = mail_fetch_header (t, 2, "2", lines_of ("subject", "FROM"), &len, FT_PEEK); show ("  C header 2 lines", r, len);
  r = mail_fetch_body (t, 2, "2.1", &len, FT_PEEK); show ("  C body 2.1", r, len);
  r = mail_fetch_body (t, 2, "3", &len, FT_PEEK); show ("  C body 3", r, len);
  r = mail_fetch_mime (t, 2, "3", &len, FT_PEEK); show ("  C mime 3", r, len);
  r = mail_fetch_body (t, 2, "2.0", &len, FT_PEEK); show ("  C body 2.0", r, len);
  r = mail_fetch_body (t, 2, "1", &len, FT_PEEK | FT_RETURNSTRINGSTRUCT);
  printf ("C returnstringstruct ret=%s len=%lu size=%lu pos=%lu\n", r ? "text" : "NULL", len,
          SIZE (&t->private.string), GETPOS (&t->private.string));
  mail_parameters (NIL, SET_GETS, (void *) mygets);
  printf ("C partial %ld\n", mail_partial_text (t, 2, NIL, 10, 30, FT_PEEK));
  printf ("C partial %ld\n", mail_partial_text (t, 2, "2", 5, 0, FT_PEEK));
  printf ("C partial %ld\n", mail_partial_body (t, 2, "2.2", 1, 6, FT_PEEK));
  r = mail_fetch_body (t, 2, "3", &len, FT_PEEK); show ("  C gets body 3", r, len);
  r = mail_fetch_text (t, 3, NIL, &len, FT_PEEK); show ("  C gets text", r, len);
  r = mail_fetch_message (t, 5, &len, FT_PEEK); show ("  C gets message", r, len);
  mail_parameters (NIL, SET_GETS, NIL);
  r = mail_fetch_body (t, 1, "1", &len, NIL); show ("  C body unpeeked", r, len);
  show_elt (t, 1);
  {
    MAILHANDLE *h = mail_makehandle (t);
    mail_close (t);                    /* the handle keeps the dead stream */
    printf ("after close: stream %s use=%d\n", mail_stream (h) ? "alive" : "gone", h->stream->use);
    mail_free_handle (&h);
    printf ("handle freed: %s\n", h ? "no" : "yes");
  }

  sect ("== close");
  mail_close (s);
  sect ("== end");
  printf ("done\n");
  return 0;
}
