/* Differential dumper for the RFC 2822 engine: prints, in a fixed text
 * format, what the library's parser and writer make of test inputs.
 * Usage: dump adr FILE   (one address list per line)
 *        dump msg FILE   (one message)
 * The Rust tests print the same format from the Rust core. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
  putchar('"');
  for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
    if (*p == '\\' || *p == '"') printf("\\%c", *p);
    else if (*p >= 0x20 && *p < 0x7f) putchar(*p);
    else printf("\\x%02x", *p);
  }
  putchar('"');
}

static void adrs(const char *tag, ADDRESS *a)
{
  printf("%s:", tag);
  for (; a; a = a->next) {
    printf(" [");
    esc(a->personal); putchar('|'); esc(a->adl); putchar('|');
    esc(a->mailbox); putchar('|'); esc(a->host);
    putchar(']');
  }
  putchar('\n');
}

static void params(const char *tag, PARAMETER *p)
{
  printf("%s:", tag);
  for (; p; p = p->next) { putchar(' '); esc(p->attribute); putchar('='); esc(p->value); }
  putchar('\n');
}

static void envdump(ENVELOPE *e, int d);
static void bodydump(BODY *b, int d)
{
  STRINGLIST *l;
  PART *p;
  printf("%*sBODY type=%u enc=%u sub=", d, "", b->type, b->encoding);
  esc(b->subtype);
  printf(" lines=%lu bytes=%lu coff=%lu csize=%lu moff=%lu msize=%lu\n",
         b->size.lines, b->size.bytes, b->contents.offset, b->contents.text.size,
         b->mime.offset, b->mime.text.size);
  printf("%*s", d, ""); params("param", b->parameter);
  printf("%*sid=", d, ""); esc(b->id); printf(" desc="); esc(b->description);
  printf(" loc="); esc(b->location); printf(" md5="); esc(b->md5);
  printf(" disp="); esc(b->disposition.type); putchar('\n');
  printf("%*s", d, ""); params("dparam", b->disposition.parameter);
  printf("%*slang:", d, "");
  if (!b->language) printf(" (nil)");
  for (l = b->language; l; l = l->next) { putchar(' '); esc((char *) l->text.data); }
  putchar('\n');
  if (b->type == TYPEMULTIPART)
    for (p = b->nested.part; p; p = p->next) bodydump(&p->body, d + 2);
  else if (b->type == TYPEMESSAGE && b->nested.msg) {
    MESSAGE *m = b->nested.msg;
    printf("%*sMSG full=%lu/%lu hdr=%lu/%lu text=%lu/%lu\n", d, "",
           m->full.offset, m->full.text.size, m->header.offset, m->header.text.size,
           m->text.offset, m->text.text.size);
    if (m->env) envdump(m->env, d + 2);
    if (m->body) bodydump(m->body, d + 2);
  }
}

static void envdump(ENVELOPE *e, int d)
{
  printf("%*sENV date=", d, ""); esc((char *) e->date);
  printf(" subject="); esc(e->subject); putchar('\n');
  printf("%*sirt=", d, ""); esc(e->in_reply_to); printf(" mid="); esc(e->message_id);
  printf(" ng="); esc(e->newsgroups); printf(" fu="); esc(e->followup_to);
  printf(" ref="); esc(e->references); putchar('\n');
  printf("%*s", d, ""); adrs("from", e->from);
  printf("%*s", d, ""); adrs("sender", e->sender);
  printf("%*s", d, ""); adrs("reply_to", e->reply_to);
  printf("%*s", d, ""); adrs("to", e->to);
  printf("%*s", d, ""); adrs("cc", e->cc);
  printf("%*s", d, ""); adrs("bcc", e->bcc);
}

static char *slurp(const char *fn, size_t *len)
{
  FILE *f = fopen(fn, "rb");
  char *buf;
  if (!f) { perror(fn); exit(2); }
  fseek(f, 0, SEEK_END); *len = ftell(f); fseek(f, 0, SEEK_SET);
  buf = malloc(*len + 1);
  if (fread(buf, 1, *len, f) != *len) exit(2);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

/* A memory string driver of our own (the same behaviour as the library's
 * mail_string), so the dumper does not depend on the library's. */
static void ms_init(STRING *s, void *data, unsigned long size)
{
  s->chunk = s->curpos = (char *) (s->data = data);
  s->size = s->chunksize = s->cursize = size;
  s->data1 = s->offset = 0;
}
static char ms_next(STRING *s) { return *s->curpos++; }
static void ms_setpos(STRING *s, unsigned long i)
{
  s->curpos = s->chunk + i;
  s->cursize = s->size - i;
}
static STRINGDRIVER memstring = { ms_init, ms_next, ms_setpos };

static long chunk_out(void *stream, char *string)
{
  fputs("[", stdout); esc(string); fputs("]", stdout);
  return LONGT;
}

static int nowrite = 0;
static int quiet = 0;		/* benchmark: no log output */		/* parse and dump only (no 16K writer limit) */

static void onemsg(char *text, size_t len)
{
  {
    ENVELOPE *env = NIL;
    BODY *body = NIL;
    STRING bs;
    char *p, hdr[SENDBUFLEN];
    size_t hl = len;
    for (p = text; *p; p++) {
      if (p[0] == '\n' && p[1] == '\n') { hl = p + 2 - text; break; }
      if (p[0] == '\r' && p[1] == '\n' && p[2] == '\r' && p[3] == '\n') { hl = p + 4 - text; break; }
    }
    INIT(&bs, memstring, text + hl, len - hl);
    rfc822_parse_msg_full(&env, &body, text, hl, &bs, "dflt.host", 0, 0);
    envdump(env, 0);
    bodydump(body, 0);
    if (!nowrite) {
    p = hdr; *p = '\0';
    rfc822_write_body_header(&p, body);
    printf("bodyheader "); esc(hdr); putchar('\n');
    hdr[0] = '\0';
    rfc822_header(hdr, env, body);
    printf("header "); esc(hdr); putchar('\n');
    {				/* the buffered writer with a small buffer */
      char small[201];
      RFC822BUFFER buf;
      buf.f = chunk_out; buf.s = NIL;
      buf.end = (buf.beg = buf.cur = small) + 200;
      printf("output ");
      rfc822_output_header(&buf, env, body, NIL, LONGT);
      rfc822_output_address_list(&buf, env->to, 4, NIL);
      rfc822_output_flush(&buf);
      putchar('\n');
    }
    }
#ifndef NOFREE
    mail_free_envelope(&env);
    mail_free_body(&body);
#endif
    fflush(stdout);
  }
}

int main(int argc, char **argv)
{
  size_t len;
  char *text;
  if (argc != 3) return 2;
  text = slurp(argv[2], &len);
  if (!strcmp(argv[1], "bench")) {	/* parse every record N times, silently */
    struct timespec t0, t1;
    int rounds;
    quiet = 1;
    rounds = atoi(getenv("BENCH_ROUNDS") ? getenv("BENCH_ROUNDS") : "5");
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (int r = 0; r < rounds; r++) {
      char *p = text, *end = text + len;
      while (p < end) {
        size_t n = strtoul(p, &p, 10), hl = n;
        char *rec = ++p, *q;
        ENVELOPE *env = NIL;
        BODY *body = NIL;
        STRING bs;
        p += n;
        for (q = rec; q < rec + n; q++) {
          if (q[0] == '\n' && q[1] == '\n') { hl = q + 2 - rec; break; }
          if (q[0] == '\r' && q[1] == '\n' && q[2] == '\r' && q[3] == '\n') { hl = q + 4 - rec; break; }
          if (!*q) break;
        }
        INIT(&bs, memstring, rec + hl, n - hl);
        rfc822_parse_msg_full(&env, &body, rec, hl, &bs, "dflt.host", 0, 0);
        mail_free_envelope(&env);
        mail_free_body(&body);
      }
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    printf("%.6f\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
  }
  if (!strcmp(argv[1], "scan")) {	/* the low-level scanners, per line */
    char *line = text, *nl;
    for (; *line; line = nl ? nl + 1 : line + strlen(line)) {
      char w[SENDBUFLEN], *p, *e;
      ADDRESS *a;
      long n = 0;
      if ((nl = strchr(line, '\n'))) *nl = '\0';
      printf("INPUT "); esc(line); putchar('\n');
#define OFF(x) ((x) ? (long) ((x) - w) : -1L)
      strcpy(w, line); p = w; rfc822_skipws(&p);
      printf("skipws %ld ", OFF(p)); esc(w); putchar('\n');
      strcpy(w, line); printf("word %ld ", OFF(rfc822_parse_word(w, NIL))); esc(w); putchar('\n');
      strcpy(w, line); printf("tword %ld\n", OFF(rfc822_parse_word(w, "()<>@,;:\\\"[]/?= ")));
      strcpy(w, line); printf("phrase %ld ", OFF(rfc822_parse_phrase(w))); esc(w); putchar('\n');
      strcpy(w, line); printf("phraseonly %ld\n", rfc822_phraseonly(w));
      strcpy(w, line);
      if (*w == '(') { p = w; e = rfc822_skip_comment(&p, LONGT); printf("comment %ld %ld ", OFF(e), OFF(p)); esc(w); putchar('\n'); }
      strcpy(w, line); e = w; p = rfc822_parse_domain(w, &e);
      printf("domain "); esc(p); printf(" %ld\n", OFF(e));
      strcpy(w, line); p = w; a = rfc822_parse_mailbox(&p, "dh");
      adrs("mailbox", a); printf("rest %ld\n", OFF(p));
      strcpy(w, line); e = w; a = rfc822_parse_addrspec(w, &e, "dh");
      adrs("addrspec", a); printf("rest %ld\n", OFF(e));
      strcpy(w, line); e = w; a = rfc822_parse_routeaddr(w, &e, "dh");
      adrs("routeaddr", a); printf("rest %ld\n", OFF(e));
      p = cpystr(line); printf("cpy "); esc(rfc822_cpy(p)); printf(" quote "); esc(rfc822_quote(p)); putchar('\n');
      (void) n;
      if (!nl) break;
    }
    return 0;
  }
  if (!strcmp(argv[1], "msgsp")) nowrite = 1, argv[1] = "msgs";
  if (!strcmp(argv[1], "msgs")) {	/* records: "<len>\n<bytes>" */
    char *p = text, *end = text + len;
    while (p < end) {
      size_t n = strtoul(p, &p, 10);
      char *rec = malloc(n + 1);
      memcpy(rec, ++p, n);
      rec[n] = '\0';
      p += n;
      printf("\001MSG %lu\n", (unsigned long) n);
      fflush(stdout);
      onemsg(rec, n);
      free(rec);
    }
  } else if (!strcmp(argv[1], "adr")) {
    char *line = text, *nl;
    for (; *line; line = nl ? nl + 1 : line + strlen(line)) {
      char out[SENDBUFLEN], work[SENDBUFLEN];
      ADDRESS *a = NIL;
      if ((nl = strchr(line, '\n'))) *nl = '\0';
      printf("INPUT "); esc(line); putchar('\n');
      strcpy(work, line);
      rfc822_parse_adrlist(&a, work, "dflt.host");
      adrs("adr", a);
      out[0] = '\0';
      rfc822_write_address(out, a);
      printf("write "); esc(out); putchar('\n');
      strcpy(out, "To: ");
      rfc822_write_address_full(out + 4, a, out);
      printf("pretty "); esc(out); putchar('\n');
#ifndef NOFREE
      mail_free_address(&a);
#endif
      if (!nl) break;
    }
  } else onemsg(text, len);
  return 0;
}

void mm_log(char *string, long errflg) { if (quiet) return; printf("LOG %ld ", errflg); esc(string); putchar('\n'); }
void mm_fatal(char *string) { printf("FATAL %s\n", string); }
