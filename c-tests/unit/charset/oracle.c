/* Differential driver: reads one request per line on stdin and prints the
 * original library's answer on one line. Hex strings use "-" for empty.
 *   T charset flags hex   utf8_text (charset "-" = NIL)       -> rc hex
 *   M flags hex           utf8_mime2text                      -> rc hex
 *   C charset errch hex   utf8_cstext                         -> rc hex
 *   I hex                 utf8_infercharset                   -> name|-
 *   G hex                 utf8_get until error                -> values
 *   S charset hex         ucs4_cs_get until error             -> values
 *   W lo hi               ucs4_width for each code point      -> values
 *   U hex                 utf8_to_mutf7                       -> hex|!
 *   F hex                 utf8_from_mutf7                     -> hex|!
 *   V hex                 utf8_validate                       -> n
 *   L name                utf8_charset                        -> fields|-
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "callbacks.h"

static unsigned char *unhex(const char *h, unsigned long *n) {
  unsigned long l = strcmp(h, "-") ? strlen(h) / 2 : 0, i;
  unsigned char *b = malloc(l + 1);
  for (i = 0; i < l; i++) { unsigned v; sscanf(h + 2 * i, "%2x", &v); b[i] = v; }
  b[l] = 0;
  *n = l;
  return b;
}

static void phex(unsigned char *b, unsigned long n) {
  unsigned long i;
  if (!n) putchar('-');
  for (i = 0; i < n; i++) printf("%02x", b[i]);
}

int main(void) {
  static char line[1 << 20];
  char a[256], h[1 << 20];
  while (fgets(line, sizeof line, stdin)) {
    unsigned long n;
    unsigned char *d;
    SIZEDTEXT src, dst;
    long rc;
    switch (line[0]) {
    case 'T': {
      long fl;
      sscanf(line + 2, "%255s %ld %s", a, &fl, h);
      d = unhex(h, &n);
      src.data = d; src.size = n;
      rc = utf8_text(&src, strcmp(a, "-") ? a : NIL, &dst, fl);
      printf("%ld ", rc); phex(dst.data, dst.size);
      if (dst.data != src.data) fs_give((void **)&dst.data);
      break;
    }
    case 'M': {
      long fl;
      sscanf(line + 2, "%ld %s", &fl, h);
      d = unhex(h, &n);
      src.data = d; src.size = n;
      rc = utf8_mime2text(&src, &dst, fl);
      printf("%ld ", rc); phex(dst.data, dst.size);
      if (dst.data != src.data) fs_give((void **)&dst.data);
      break;
    }
    case 'C': {
      unsigned long e;
      sscanf(line + 2, "%255s %lu %s", a, &e, h);
      d = unhex(h, &n);
      src.data = d; src.size = n;
      dst.data = NIL; dst.size = 0;
      rc = utf8_cstext(&src, a, &dst, e);
      printf("%ld ", rc); phex(dst.data, dst.size);
      if (dst.data) fs_give((void **)&dst.data);
      break;
    }
    case 'I': {
      const CHARSET *cs;
      sscanf(line + 2, "%s", h);
      d = unhex(h, &n);
      src.data = d; src.size = n;
      cs = utf8_infercharset(&src);
      printf("%s", cs ? cs->name : "-");
      break;
    }
    case 'G': case 'S': {
      unsigned char *s;
      unsigned long c, i;
      const CHARSET *cs = NIL;
      if (line[0] == 'S') { sscanf(line + 2, "%255s %s", a, h); cs = utf8_charset(a); }
      else sscanf(line + 2, "%s", h);
      d = unhex(h, &n);
      s = d; i = n;
      do {
        c = cs ? ucs4_cs_get((CHARSET *)cs, &s, &i) : utf8_get(&s, &i);
        printf("%lx,%lu ", c, i);
      } while (!(c & U8G_ERROR));
      break;
    }
    case 'W': {
      unsigned long lo, hi, c;
      sscanf(line + 2, "%lx %lx", &lo, &hi);
      for (c = lo; c <= hi; c++) printf("%lx ", (unsigned long)ucs4_width(c));
      d = NIL;
      break;
    }
    case 'U': case 'F': {
      unsigned char *r;
      sscanf(line + 2, "%s", h);
      d = unhex(h, &n);
      r = line[0] == 'U' ? utf8_to_mutf7(d) : utf8_from_mutf7(d);
      if (r) { phex(r, strlen((char *)r)); fs_give((void **)&r); }
      else putchar('!');
      break;
    }
    case 'V':
      sscanf(line + 2, "%s", h);
      d = unhex(h, &n);
      printf("%ld", utf8_validate(d, n));
      break;
    case 'L': {
      const CHARSET *cs;
      sscanf(line + 2, "%255s", a);
      cs = utf8_charset(a);
      if (cs) printf("%s %u %u %lu %s", cs->name, cs->type, cs->flags, cs->script,
                     cs->preferred ? cs->preferred : "-");
      else putchar('-');
      d = NIL;
      break;
    }
    default:
      d = NIL;
      printf("?");
    }
    if (d) free(d);
    putchar('\n');
    fflush(stdout);
  }
  return 0;
}
