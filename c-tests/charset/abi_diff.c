/* Differential test of the charset interface (utf8.h, utf8aux.h) through
 * the C ABI. Built once against the original's headers, run against the
 * original library and against ours; every output line is one test case
 * ("tag: answer") and the two outputs must match line for line.
 *
 * Inputs come from a fixed-seed generator, so both runs see the same
 * cases. Inputs on which the original itself misbehaves (reads past the
 * text or aborts; see docs/charsets.md) are steered around.
 *
 * Usage: abi_diff [rounds]   (default 12 random texts per charset/mode)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include "c-client.h"

/* ---- application callbacks (the library needs them to link) ---- */
#define MM_OWN_LOG
#define MM_OWN_FATAL
#include "../lib/mm_callbacks.h"
static char logbuf[4096];
void mm_log(char *str, long e) {
  size_t l = strlen(logbuf);
  snprintf(logbuf + l, sizeof logbuf - l, "[%ld:%s]", e, str);
}
void mm_fatal(char *str) { printf("FATAL %s\n", str); }

/* ---- helpers ---- */
static unsigned long long rng = 0x9e3779b97f4a7c15ULL;
static unsigned long rnd(unsigned long n) {
  rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
  return n ? (unsigned long) (rng % n) : 0;
}

static void phex(const unsigned char *b, unsigned long n) {
  unsigned long i;
  if (!n) putchar('-');
  for (i = 0; i < n; i++) printf("%02x", b[i]);
}

static unsigned long long fnv(unsigned long long h, unsigned long v) {
  int k;
  for (k = 0; k < 8; k++) { h ^= (v >> (8 * k)) & 0xff; h *= 0x100000001b3ULL; }
  return h;
}
#define FNV0 0xcbf29ce484222325ULL

/* A caller-supplied canonicaliser: ASCII lower case to upper. */
static unsigned long my_cv(unsigned long c) {
  return (c >= 'a' && c <= 'z') ? c - 32 : c;
}
/* A caller-supplied decomposer with its own "more" protocol: 'A'..'F'
 * expand to three values, 'Z' to a chain interrupted by a zero. */
static unsigned long my_more[4];
static unsigned long my_de(unsigned long c, void **more) {
  unsigned long *m;
  if (c & U8G_ERROR) {
    m = (unsigned long *) *more;
    c = m[1 + m[0]++];
    if (m[0] >= 3 || !m[1 + m[0]]) *more = NIL;
    return c;
  }
  *more = NIL;
  if (c >= 'A' && c <= 'F') {
    my_more[0] = 0; my_more[1] = 0x300 + c; my_more[2] = 0x10000 + c; my_more[3] = 0;
    *more = my_more;
    return c;
  }
  if (c == 'Z') {
    my_more[0] = 0; my_more[1] = 0; my_more[2] = 'z'; my_more[3] = 0;
    *more = my_more;
    return c;
  }
  return c;
}

static ucs4cn_t CVS[] = {NIL, ucs4_titlecase, NIL, ucs4_titlecase, my_cv, NIL};
static ucs4de_t DES[] = {NIL, NIL, ucs4_decompose, ucs4_decompose_recursive, NIL, my_de};
#define NCANON 6

/* Random text shaped for a charset type (mixing valid characters with
 * arbitrary octets), then steered clear of the original's own bugs. */
static unsigned long gen_text(const CHARSET *cs, unsigned char *b, unsigned long max) {
  unsigned long n = rnd(max), i = 0;
  while (i < n) {
    unsigned long r = rnd(10);
    switch (cs->type) {
    case CT_UCS2: case CT_UTF16:
      if (r < 4) { b[i++] = 0; b[i++] = 0x20 + rnd(0x5f); }
      else if (r < 6) { b[i++] = rnd(256); b[i++] = rnd(256); }
      else if (r < 8) { b[i++] = 0xd8 + rnd(8); b[i++] = rnd(256); }
      else { b[i++] = 0x30 + rnd(0x20); b[i++] = rnd(256); }
      break;
    case CT_UTF7:
      if (r < 5) b[i++] = 0x20 + rnd(0x5f);
      else if (r < 7) b[i++] = '+';
      else if (r < 8) b[i++] = '-';
      else b[i++] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[rnd(64)];
      break;
    case CT_2022:
      if (r < 2) {
        static const char *esc[] = {"\033$B", "\033(B", "\033(J", "\033$A", "\033$(C",
                                    "\033$)C", "\033.A", "\033N", "\033$(D", "\033$*H",
                                    "\033(I", "\016", "\017", "\033-F", "\033$+I"};
        const char *e = esc[rnd(15)];
        while (*e && i < max) b[i++] = *e++;
      }
      else if (r < 7) b[i++] = 0x21 + rnd(0x5e);
      else b[i++] = rnd(256);
      break;
    default:
      if (r < 4) b[i++] = 0x20 + rnd(0x5f);
      else if (r < 7) { b[i++] = 0xa1 + rnd(0x5e); b[i++] = 0xa1 + rnd(0x5e); }
      else if (r < 8) { b[i++] = 0x81 + rnd(0x7e); b[i++] = 0x40 + rnd(0xbf); }
      else if (r < 9) { b[i++] = 0x8e + rnd(2); b[i++] = 0xa1 + rnd(0x5e); b[i++] = 0xa1 + rnd(0x5e); }
      else b[i++] = rnd(256);
    }
  }
  if (i > max) i = max;
  if (cs->type == CT_SJIS) {	/* must not end in a lead octet */
    unsigned long j = 0, last = 0;
    while (j < i) {
      last = j;
      if ((b[j] & 0x80) && !(b[j] >= 0xa1 && b[j] < 0xe0)) j += 2; else j++;
    }
    if (i && j > i) b[last] = 'A';
  }
  if (cs->type == CT_UTF16) {	/* no high surrogate as the last unit */
    unsigned long j = 0;
    i &= ~1UL;
    while (j + 1 < i) {
      unsigned c = (b[j] << 8) | b[j + 1];
      if (c >= 0xd800 && c <= 0xdbff) {
        if (j + 2 >= i) { b[j] = 0; break; }
        j += 4;
      }
      else j += 2;
    }
  }
  return i;
}

/* The per-type converter a CHARSET's type selects, called directly. */
static int per_type(const CHARSET *cs, SIZEDTEXT *t, SIZEDTEXT *r, ucs4cn_t cv, ucs4de_t de) {
  switch (cs->type) {
  case CT_ASCII: case CT_UTF8: utf8_text_utf8(t, r, cv, de); break;
  case CT_1BYTE0: utf8_text_1byte0(t, r, cv, de); break;
  case CT_1BYTE: utf8_text_1byte(t, r, cs->tab, cv, de); break;
  case CT_1BYTE8: utf8_text_1byte8(t, r, cs->tab, cv, de); break;
  case CT_EUC: utf8_text_euc(t, r, cs->tab, cv, de); break;
  case CT_DBYTE: utf8_text_dbyte(t, r, cs->tab, cv, de); break;
  case CT_DBYTE2: utf8_text_dbyte2(t, r, cs->tab, cv, de); break;
  case CT_UTF7: utf8_text_utf7(t, r, cv, de); break;
  case CT_UCS2: utf8_text_ucs2(t, r, cv, de); break;
  case CT_UTF16: utf8_text_utf16(t, r, cv, de); break;
  case CT_2022: utf8_text_2022(t, r, cv, de); break;
  case CT_SJIS: utf8_text_sjis(t, r, cv, de); break;
  default: return 0;		/* UCS-4: the original aborts on any text */
  }
  return 1;
}

static const CHARSET *all;
static int ncs;
static unsigned char buf[4096];

static void test_text(int rounds) {
  int k, r, m;
  for (k = 0; k < ncs; k++) {
    const CHARSET *cs = &all[k];
    if (cs->type == CT_UCS4) continue;
    for (r = 0; r < rounds; r++) {
      SIZEDTEXT t, o;
      t.data = buf;
      t.size = gen_text(cs, buf, 60);
      buf[t.size] = 0;
      for (m = 0; m < NCANON; m++) {
        memset(&o, 0, sizeof o);
        if (per_type(cs, &t, &o, CVS[m], DES[m])) {
          printf("pertype %s %d %d: ", cs->name, r, m);
          phex(o.data, o.size);
          printf(" %s\n", o.data == t.data ? "same" : "new");
          if (o.data != t.data) fs_give((void **) &o.data);
        }
        memset(&o, 0, sizeof o);
        printf("text_cs %s %d %d: %ld ", cs->name, r, m,
               utf8_text_cs(&t, cs, &o, CVS[m], DES[m]));
        phex(o.data, o.size);
        printf(" %s\n", o.data == t.data ? "same" : "new");
        if (o.data != t.data) fs_give((void **) &o.data);
      }
    }
  }
}

static void test_cs_get(int rounds) {
  int k, r;
  for (k = 0; k < ncs; k++) {
    const CHARSET *cs = &all[k];
    for (r = 0; r < rounds; r++) {
      unsigned long n = gen_text(cs, buf, 40), i = n, c;
      unsigned char *s = buf;
      /* Shift-JIS double-byte answers are undefined in the original. */
      if (cs->type == CT_SJIS) {
        unsigned long j;
        for (j = 0; j < n; j++) if ((buf[j] & 0x80) && !(buf[j] >= 0xa1 && buf[j] < 0xe0)) buf[j] &= 0x7f;
      }
      printf("cs_get %s %d:", cs->name, r);
      do {
        c = ucs4_cs_get((CHARSET *) cs, &s, &i);
        printf(" %lx/%lu", c, i);
      } while (!(c & U8G_ERROR) && i);
      printf(" @%ld\n", (long) (s - buf));
    }
  }
}

static void test_decompose(void) {
  unsigned long c, lo;
  for (lo = 0; lo < 0x30000; lo += 0x1000) {
    unsigned long long h1 = FNV0, h2 = FNV0;
    for (c = lo; c < lo + 0x1000; c++) {
      void *more = NIL;
      unsigned long v = ucs4_decompose(c, &more);
      h1 = fnv(h1, v);
      while (more) h1 = fnv(h1, ucs4_decompose(U8G_ERROR, &more));
      v = ucs4_decompose_recursive(c, &more);
      h2 = fnv(h2, v);
      while (more) h2 = fnv(h2, ucs4_decompose_recursive(U8G_ERROR, &more));
    }
    printf("decompose %05lx: %016llx %016llx\n", lo, h1, h2);
  }
  /* A few values far beyond Unicode. */
  for (c = 0x10fff0; c < 0x110010; c++) {
    void *more = NIL;
    printf("decompose_hi %lx: %lx %d\n", c, ucs4_decompose(c, &more), more != NIL);
  }
}

static unsigned long long map_hash(unsigned short *m) {
  unsigned long long h = FNV0;
  unsigned long i;
  for (i = 0; i < 65536; i++) h = fnv(h, m[i]);
  return h;
}

static void test_rmap(void) {
  int k;
  unsigned short *p1, *p2, *p3;
  for (k = 0; k < ncs; k++) {
    unsigned short *m = utf8_rmap_gen(&all[k], NIL);
    printf("rmap_gen %s: ", all[k].name);
    if (m) { printf("%016llx\n", map_hash(m)); fs_give((void **) &m); }
    else printf("NIL\n");
  }
  /* The one-entry cache: the map is recycled in place. */
  p1 = utf8_rmap("ISO-8859-2");
  p2 = utf8_rmap("iso-8859-2");
  printf("rmap_cache same-name: %d\n", p1 == p2);
  printf("rmap_cache cs: %d\n", utf8_rmap_cs(utf8_charset("ISO-8859-2")) == p1);
  p3 = utf8_rmap("KOI8-R");
  printf("rmap_cache recycled: %d %016llx\n", p3 == p1, map_hash(p3));
  printf("rmap_cache bad: %d\n", utf8_rmap("NO-SUCH-CHARSET") == NIL);
  printf("rmap_cache unicode: %d %d\n", utf8_rmap("UTF-8") == NIL, utf8_rmap("KOI8-R") == p3);
  printf("rmap_cache nil: %d\n", utf8_rmap(NIL) != NIL);
  {
    unsigned short *old = fs_get(65536 * sizeof(unsigned short));
    unsigned short *m = utf8_rmap_gen(utf8_charset("BIG5"), old);
    printf("rmap_gen oldmap: %d %016llx\n", m == old, map_hash(old));
    m = utf8_rmap_gen(utf8_charset("UTF-16"), old);
    printf("rmap_gen oldmap-unsupported: %d %016llx\n", m == NIL, map_hash(old));
    fs_give((void **) &old);
  }
}

/* Random UTF-8 text from the code points a map knows, some it doesn't,
 * BOMs, characters beyond the BMP and (rarely) invalid octets. */
static unsigned long gen_utf8(unsigned short *m, unsigned long *u, unsigned long nu, unsigned char *b) {
  unsigned long i, n = 0;
  unsigned char *s = b;
  for (i = 0; i < nu; i++) {
    unsigned long r = rnd(20), c;
    if (r < 12 && m) { do c = rnd(65536); while (m[c] == NOCHAR && rnd(50)); }
    else if (r < 15) c = 0x20 + rnd(0x5f);
    else if (r < 16) c = 0xfeff;
    else if (r < 17) c = 0x10000 + rnd(0x1000);
    else c = rnd(0x3000);
    if (c >= 0xd800 && c < 0xe000) c = 0x41;
    u[n++] = c;
  }
  for (i = 0; i < n; i++) s = utf8_put(s, u[i]);
  if (!rnd(25)) *s++ = 0xc0 + rnd(0x40);
  return s - b;
}

static void test_rmaptext(int rounds) {
  int k, r;
  static unsigned long errs[] = {0, '?', 0x2122, 0x10041};
  for (k = 0; k < ncs; k++) {
    unsigned short *m = utf8_rmap_gen(&all[k], NIL);
    if (!m) continue;
    for (r = 0; r < rounds; r++) {
      unsigned long u[64], nu = rnd(12), e = errs[rnd(4)];
      long iso = (all[k].type == CT_EUC) && rnd(2);
      SIZEDTEXT t, o;
      t.data = buf;
      t.size = gen_utf8(m, u, nu, buf);
      memset(&o, 0x55, sizeof o);
      printf("rmaptext %s %d: %lu ", all[k].name, r, utf8_rmapsize(&t, m, e, iso));
      printf("%ld ", utf8_rmaptext(&t, m, &o, e, iso));
      phex(o.data, o.size);
      putchar('\n');
      if (o.data) fs_give((void **) &o.data);
      {
        long len = ucs4_rmaplen(u, nu, m, e);
        printf("ucs4_rmaplen %s %d: %ld", all[k].name, r, len);
        if (len >= 0) {
          unsigned char *tb = fs_get(len + 1);
          printf(" %ld ", ucs4_rmapbuf(tb, u, nu, m, e));
          phex(tb, len);
          printf(" %d", tb[len]);
          fs_give((void **) &tb);
        }
        memset(&o, 0, sizeof o);
        printf(" | %ld ", ucs4_rmaptext(u, nu, m, &o, e));
        phex(o.data, o.size);
        putchar('\n');
        if (o.data) fs_give((void **) &o.data);
      }
    }
    fs_give((void **) &m);
  }
}

static void test_cstext(int rounds) {
  int k, r;
  for (k = 0; k < ncs; k++) {
    const CHARSET *cs = &all[k];
    for (r = 0; r < rounds; r++) {
      unsigned long u[64];
      unsigned short *m = utf8_rmap_gen(cs, NIL);
      SIZEDTEXT t, o;
      unsigned long e = rnd(3) ? 0 : '?';
      t.data = buf;
      t.size = gen_utf8(m, u, rnd(10), buf);
      if (m) fs_give((void **) &m);
      o.data = (unsigned char *) "untouched"; o.size = 9;
      printf("cstext %s %d: %ld ", cs->name, r, utf8_cstext(&t, cs->name, &o, e));
      phex(o.data, o.size);
      putchar('\n');
      if (o.data && o.data != (unsigned char *) "untouched") fs_give((void **) &o.data);
    }
  }
  for (r = 0; r < rounds * 4; r++) {
    unsigned long u[64];
    const CHARSET *sc = &all[rnd(ncs)], *dc = &all[rnd(ncs)];
    SIZEDTEXT t, o;
    char *scn = sc->name;
    if (sc->type == CT_UCS4) continue;
    t.data = buf;
    if (rnd(3)) t.size = gen_text(sc, buf, 40);
    else { t.size = gen_utf8(NIL, u, rnd(10), buf); scn = rnd(2) ? "" : NIL; }
    buf[t.size] = 0;
    o.data = (unsigned char *) "untouched"; o.size = 9;
    printf("cstocstext %s>%s %d: %ld ", scn ? scn : "(nil)", dc->name, r,
           utf8_cstocstext(&t, scn, &o, dc->name, rnd(2) ? '?' : 0));
    phex(o.data, o.size);
    printf(" %s\n", o.data == t.data ? "same" : "new");
    if (o.data && o.data != t.data && o.data != (unsigned char *) "untouched")
      fs_give((void **) &o.data);
  }
  {
    SIZEDTEXT t, o;
    t.data = (unsigned char *) "x"; t.size = 1;
    o.data = (unsigned char *) "untouched"; o.size = 9;
    printf("cstocstext unknown: %ld %s\n", utf8_cstocstext(&t, "X-NONE", &o, "KOI8-R", 0), o.data);
    printf("cstocstext nil-dest: %ld %s\n", utf8_cstocstext(&t, "KOI8-R", &o, NIL, 0), o.data);
  }
}

static void test_validmap(int rounds) {
  int r;
  for (r = 0; r < rounds * 3; r++) {
    char *names[5];
    int n = 1 + rnd(3), j;
    unsigned long *v;
    for (j = 0; j < n; j++) names[j] = rnd(15) ? all[rnd(ncs)].name : "X-BOGUS";
    names[n] = NIL;
    v = utf8_csvalidmap(names);
    printf("csvalidmap");
    for (j = 0; j < n; j++) printf(" %s", names[j]);
    if (v) {
      unsigned long long h = FNV0;
      unsigned long i;
      for (i = 0; i < 65536; i++) h = fnv(h, v[i]);
      printf(": %016llx\n", h);
      fs_give((void **) &v);
    }
    else printf(": NIL\n");
  }
}

static STRINGLIST *slist(const char *a, const char *b) {
  STRINGLIST *s = mail_newstringlist();
  s->text.data = (unsigned char *) cpystr(a);
  s->text.size = strlen(a);
  if (b) {
    s->next = mail_newstringlist();
    s->next->text.data = (unsigned char *) cpystr(b);
    s->next->text.size = strlen(b);
  }
  return s;
}

static void pslist(const char *tag, STRINGLIST *s) {
  printf(" %s=", tag);
  for (; s; s = s->next) { phex(s->text.data, s->text.size); putchar(s->next ? ',' : ';'); }
}

static void test_searchpgm(void) {
  static char *charsets[] = {"ISO-8859-1", "KOI8-R", "EUC-JP", "ISO-2022-JP", "X-UNKNOWN", NIL,
                             "UTF-7", "windows-1252"};
  static const char *texts[] = {"plain", "caf\351 \344\366", "\244\242\244\244", "Stra\337e",
                                "\033$B$\"\033(B", "\375\376"};
  int c;
  for (c = 0; c < 8; c++) {
    SEARCHPGM *p = mail_newsearchpgm(), *q;
    p->subject = slist(texts[c % 6], texts[(c + 1) % 6]);
    p->from = slist(texts[(c + 2) % 6], NIL);
    p->body = slist(texts[(c + 3) % 6], NIL);
    p->text = slist(texts[(c + 4) % 6], NIL);
    p->bcc = slist(texts[c % 6], NIL); p->cc = slist(texts[1], NIL); p->to = slist(texts[3], NIL);
    p->return_path = slist(texts[1], NIL); p->sender = slist(texts[2], NIL);
    p->reply_to = slist(texts[3], NIL); p->in_reply_to = slist(texts[1], NIL);
    p->message_id = slist(texts[0], NIL); p->newsgroups = slist(texts[1], NIL);
    p->followup_to = slist(texts[3], NIL); p->references = slist(texts[1], NIL);
    p->keyword = slist(texts[1], NIL);	/* not converted */
    p->header = mail_newsearchheader("X-Caf\351", (char *) texts[(c + 1) % 6]);
    p->or = mail_newsearchor();
    p->or->first->subject = slist(texts[1], NIL);
    p->or->second->text = slist(texts[3], NIL);
    p->not = mail_newsearchpgmlist();
    p->not->pgm->cc = slist(texts[(c + 5) % 6], NIL);
    utf8_searchpgm(p, charsets[c]);
    printf("searchpgm %s:", charsets[c] ? charsets[c] : "(nil)");
    pslist("subject", p->subject); pslist("from", p->from); pslist("body", p->body);
    pslist("text", p->text); pslist("bcc", p->bcc); pslist("cc", p->cc); pslist("to", p->to);
    pslist("rp", p->return_path); pslist("sender", p->sender); pslist("rt", p->reply_to);
    pslist("irt", p->in_reply_to); pslist("mid", p->message_id); pslist("ng", p->newsgroups);
    pslist("fu", p->followup_to); pslist("refs", p->references); pslist("kw", p->keyword);
    printf(" hdr="); phex(p->header->line.data, p->header->line.size);
    putchar(':'); phex(p->header->text.data, p->header->text.size);
    pslist("or1", p->or->first->subject); pslist("or2", p->or->second->text);
    pslist("not", p->not->pgm->cc);
    putchar('\n');
    q = p;
    mail_free_searchpgm(&q);
  }
  utf8_searchpgm(NIL, "KOI8-R");
  printf("searchpgm nil: ok\n");
}

static void test_mime2(int rounds) {
  static const char *pieces[] = {"=?", "?=", "?", "=", "ISO-8859-1", "utf-8", "UTF-8*en", "Q", "B",
                                 "q", "b", "X", "=E9", "=e9", "=4", "_", "abc", "SGVsbG8=",
                                 "SGVsbG8", "@", " ", "\t", "(", ".", "\r\n ", "==", "w6k="};
  int r;
  for (r = 0; r < rounds * 40; r++) {
    char w[200];
    unsigned char *s, *se, *cs, *ce = NIL, *e, *ee = NIL, *t, *te;
    int j, n = 1 + rnd(9);
    if (rnd(2)) {
      snprintf(w, sizeof w, "=?%s?%s?%s%s?=", pieces[4 + rnd(3)], pieces[7 + rnd(5)],
               pieces[12 + rnd(9)], pieces[12 + rnd(15)]);
    }
    else {
      w[0] = 0;
      for (j = 0; j < n; j++) strncat(w, pieces[rnd(27)], sizeof w - strlen(w) - 1);
    }
    s = (unsigned char *) w;
    se = s + strlen(w);
    printf("mime2 %d:", r);
    /* The steps of utf8_mime2text, one export at a time. */
    if (se - s > 2 && s[0] == '=' && s[1] == '?') {
      cs = mime2_token(s + 2, se, &ce);
      printf(" tok=%ld/%ld", cs ? (long) (cs - s) : -1L, ce ? (long) (ce - s) : -1L);
      if (cs && ce < se) {
        e = mime2_token(ce + 1, se, &ee);
        printf(" enc=%ld/%ld", e ? (long) (e - s) : -1L, ee ? (long) (ee - s) : -1L);
        if (e && ee == e + 1 && e + 2 <= se) {
          te = mime2_text(t = e + 2, se);
          printf(" text=%ld", te ? (long) (te - s) : -1L);
          if (te) {
            SIZEDTEXT d;
            long rc;
            memset(&d, 0x55, sizeof d);
            logbuf[0] = 0;
            rc = mime2_decode(e, t, te, &d);
            printf(" dec=%ld ", rc);
            if (rc) { phex(d.data, d.size); fs_give((void **) &d.data); }
            else printf("%s", d.data ? "?" : "nil");
            printf(" log=%s", logbuf);
          }
        }
      }
    }
    {
      unsigned char *x = mime2_text(s, se);
      printf(" rawtext=%ld\n", x ? (long) (x - s) : -1L);
    }
  }
}

static void test_utf7_valid(int rounds) {
  static const char alpha[] = "&-+,AZaz09/. \200\377";
  int r;
  for (r = 0; r < rounds * 20; r++) {
    char name[32];
    int n = rnd(12), j;
    char *msg;
    for (j = 0; j < n; j++) name[j] = alpha[rnd(sizeof alpha - 1)];
    name[n] = 0;
    msg = mail_utf7_valid(name);
    printf("utf7_valid ");
    phex((unsigned char *) name, n);
    printf(": %s\n", msg ? msg : "valid");
  }
}

/* Records and tables the application builds itself: the converters must
 * read the tables they are handed, not the library's own. */
static void test_custom(int rounds) {
  static unsigned short tab[256];
  static struct utf8_eucparam ep[3];
  CHARSET c[4];
  int k, r, m;
  c[0] = *utf8_charset("KOI8-R");
  memcpy(tab, c[0].tab, 128 * sizeof(unsigned short));
  tab[5] = 0x263a; tab[6] = UBOGON; tab[7] = 0x41;
  c[0].tab = tab; c[0].name = "X-MINE-1";
  c[1] = *utf8_charset("EUC-KR");
  memcpy(ep, c[1].tab, sizeof(struct utf8_eucparam));
  ep[0].max_ku = 40;
  c[1].tab = ep; c[1].name = "X-MINE-2";
  c[2] = *utf8_charset("EUC-JP");
  c[2].name = "X-MINE-3";
  c[3] = *utf8_charset("BIG5");
  c[3].name = "X-MINE-4";
  for (k = 0; k < 4; k++) {
    unsigned short *map = utf8_rmap_gen(&c[k], NIL);
    printf("custom rmap %s: %016llx\n", c[k].name, map ? map_hash(map) : 0ULL);
    if (map) fs_give((void **) &map);
    for (r = 0; r < rounds; r++) {
      SIZEDTEXT t, o;
      unsigned long i, n, ch;
      unsigned char *s;
      t.data = buf;
      t.size = gen_text(&c[k], buf, 60);
      for (m = 0; m < NCANON; m++) {
        memset(&o, 0, sizeof o);
        printf("custom text_cs %s %d %d: %ld ", c[k].name, r, m,
               utf8_text_cs(&t, &c[k], &o, CVS[m], DES[m]));
        phex(o.data, o.size);
        putchar('\n');
        if (o.data != t.data) fs_give((void **) &o.data);
      }
      printf("custom cs_get %s %d:", c[k].name, r);
      for (s = buf, i = n = t.size; i && !((ch = ucs4_cs_get(&c[k], &s, &i)) & U8G_ERROR);)
        printf(" %lx", ch);
      printf(" @%ld\n", (long) (s - buf));
    }
  }
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 12;
  all = utf8_charset(NIL);
  for (ncs = 0; all[ncs].name; ncs++);
  printf("charsets: %d\n", ncs);
  test_text(rounds);
  test_cs_get(rounds);
  test_decompose();
  test_rmap();
  test_rmaptext(rounds);
  test_cstext(rounds / 2 + 1);
  test_validmap(rounds);
  test_searchpgm();
  test_mime2(rounds);
  test_utf7_valid(rounds);
  test_custom(rounds);
  printf("end\n");
  return 0;
}
