/* Generates src/charset/tables/ from the installed original library by
 * reading the conversion data its charset records point at and by asking
 * its conversion functions. Usage: dump_tables OUTDIR > params.txt */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "callbacks.h"

static const char *outdir;

static void put16(FILE *f, unsigned v) { fputc(v & 0xff, f); fputc((v >> 8) & 0xff, f); }
static void put32(FILE *f, unsigned long v) { put16(f, v & 0xffff); put16(f, v >> 16); }

static FILE *open_out(const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", outdir, name);
  FILE *f = fopen(path, "wb");
  if (!f) { perror(path); exit(1); }
  return f;
}

static void lower(char *d, const char *s) {
  for (; *s; s++) *d++ = (*s == '-' || *s == '_') ? '_' : (*s >= 'A' && *s <= 'Z') ? *s + 32 : *s;
  *d = 0;
}

/* Converts one character of charset text through utf8_text and returns the
 * single code point produced, or 0xffffffff if not exactly one. */
static unsigned long one(char *cs, unsigned char *b, unsigned long n) {
  SIZEDTEXT src = {b, n}, dst;
  unsigned long i, c;
  unsigned char *s;
  if (!utf8_text(&src, cs, &dst, 0)) return 0xffffffff;
  s = dst.data; i = dst.size;
  c = utf8_get(&s, &i);
  if (i) c = 0xfffffffe;
  if (dst.data != src.data) fs_give((void **)&dst.data);
  return c;
}

int main(int argc, char **argv) {
  const CHARSET *cs;
  outdir = argc > 1 ? argv[1] : ".";
  /* registry */
  for (cs = utf8_charset(NIL); cs->name; cs++) {
    printf("CS\t%s\t%u\t%u\t%lu\t%s\n", cs->name, cs->type, cs->flags, cs->script,
           cs->preferred ? cs->preferred : "-");
    if (cs->type == CT_1BYTE || cs->type == CT_1BYTE8) {
      char fn[256], low[128];
      unsigned n = cs->type == CT_1BYTE ? 128 : 256, i;
      unsigned short *tab = (unsigned short *)cs->tab;
      const CHARSET *p;
      for (p = utf8_charset(NIL); p != cs && p->tab != cs->tab; p++);
      if (p != cs) { printf("SAME\t%s\t%s\n", cs->name, p->name); continue; }
      lower(low, cs->name);
      snprintf(fn, sizeof fn, "sb_%s.bin", low);
      FILE *f = open_out(fn);
      for (i = 0; i < n; i++) put16(f, tab[i]);
      fclose(f);
    }
    if (cs->type == CT_EUC || cs->type == CT_DBYTE || cs->type == CT_DBYTE2) {
      struct utf8_eucparam *p = (struct utf8_eucparam *)cs->tab;
      int k, np = cs->type == CT_EUC ? 3 : cs->type == CT_DBYTE2 ? 2 : 1;
      for (k = 0; k < np; k++)
        printf("PARAM\t%s\t%d\t%u\t%u\t%u\t%u\t%p\n", cs->name, k, p[k].base_ku, p[k].base_ten,
               p[k].max_ku, p[k].max_ten, p[k].tab);
    }
  }
  /* double-byte tables, each dumped once, from their parameter records */
  {
    struct { const char *cs; int k; const char *file; } d[] = {
      {"GBK", 0, "db_gbk.bin"}, {"CN-GB-12345", 0, "db_gb12345.bin"},
      {"EUC-KR", 0, "db_ksc5601.bin"}, {"EUC-JP", 0, "db_jis0208.bin"},
      {"EUC-JP", 2, "db_jis0212.bin"}, {"BIG5", 0, "db_big5.bin"}};
    int k;
    for (k = 0; k < 6; k++) {
      struct utf8_eucparam *p = (struct utf8_eucparam *)utf8_charset((char *)d[k].cs)->tab;
      unsigned long n = p[d[k].k].max_ku, i;
      unsigned ten = p[d[k].k].max_ten;
      if (!strcmp(d[k].cs, "BIG5")) ten += p[1].max_ten;
      n *= ten;
      FILE *f = open_out(d[k].file);
      for (i = 0; i < n; i++) put16(f, ((unsigned short *)p[d[k].k].tab)[i]);
      fclose(f);
    }
  }
  /* CNS 11643 planes 1-7 exist only inside ISO-2022 decoding: measure them */
  {
    int plane;
    for (plane = 1; plane <= 7; plane++) {
      char fn[64];
      int ku, ten;
      snprintf(fn, sizeof fn, "db_cns%d.bin", plane);
      FILE *f = open_out(fn);
      for (ku = 0; ku < 94; ku++)
        for (ten = 0; ten < 94; ten++) {
          unsigned char b[6] = {0x1b, '$', '(', 'G' + plane - 1, 0x21 + ku, 0x21 + ten};
          unsigned long c = one("ISO-2022-CN", b, 6);
          if (c > 0xffff) { fprintf(stderr, "cns %d %d %d -> %lx\n", plane, ku, ten, c); exit(1); }
          put16(f, c);
        }
      fclose(f);
    }
  }
  /* title case: every code point that changes */
  {
    FILE *f = open_out("titlecase.bin");
    unsigned long c, n = 0;
    for (c = 0; c <= 0x10ffff; c++) {
      unsigned long t = ucs4_titlecase(c);
      if (t != c) { put32(f, c); put32(f, t); n++; }
    }
    fclose(f);
    printf("TITLECASE\t%lu\n", n);
  }
  /* widths of BMP and SMP, two bits each (errors are rules, not table) */
  {
    FILE *f = open_out("widths.bin");
    unsigned long c;
    for (c = 0; c < 0x20000; c += 4) {
      unsigned v = 0, k;
      for (k = 0; k < 4; k++) {
        long w = ucs4_width(c + k);
        v |= ((w < 0 ? 3 : (unsigned)w) & 3) << (k * 2);
      }
      fputc(v, f);
    }
    fclose(f);
  }
  /* decompositions: single level and recursive, as
   * code u32, count u8, values u32... for every code point that changes */
  {
    int rec;
    for (rec = 0; rec < 2; rec++) {
      FILE *f = open_out(rec ? "decomp_full.bin" : "decomp_one.bin");
      unsigned long c, n = 0;
      for (c = 0; c <= 0x10ffff; c++) {
        void *more = NIL;
        unsigned long v[64], k = 0, x;
        x = rec ? ucs4_decompose_recursive(c, &more) : ucs4_decompose(c, &more);
        v[k++] = x;
        while (more && k < 64)
          v[k++] = rec ? ucs4_decompose_recursive(U8G_ERROR, &more) : ucs4_decompose(U8G_ERROR, &more);
        if (more) { fprintf(stderr, "decomp too long %lx\n", c); exit(1); }
        if (k == 1 && v[0] == c) continue;
        put32(f, c); fputc((int)k, f);
        for (x = 0; x < k; x++) put32(f, v[x]);
        n++;
      }
      fclose(f);
      printf("DECOMP%d\t%lu\n", rec, n);
    }
  }
  return 0;
}
