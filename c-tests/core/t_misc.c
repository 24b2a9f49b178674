/* misc.c routines: case mapping, sized-text copies, comparisons, search,
 * hex2byte, find_rightmost_bit, Min/Max, strcrlfcpy. */
#include "common.h"
#include "nl.h"

static const char *words[] = {
  "", "a", "A", "ab", "aB", "abc", "ABD", "[", "_", "`", "z", "Z", "{",
  "\xe9", "\xc9", "hello world", "HELLO", "hello\xff", NULL
};

int main (void)
{
  unsigned char buf[300];
  int i,j;
  SIZEDTEXT a,b;
  unsigned long v;
  static unsigned long bits[] = {
    0, 1, 2, 0x80, 0x10000, 0x80000000UL, 0x80000001UL, 0x100000000UL,
    0x1ffffffffUL, 0xffffffff00000000UL, 0xfffffffffffffff0UL, 0x12345678UL
  };
				/* ucase/lcase over every byte value */
  for (i = 1; i < 256; i++) buf[i - 1] = (unsigned char) i;
  buf[255] = '\0';
  ucase (buf); show ("ucase",buf,255);
  lcase (buf); show ("lcase",buf,255);
  printf ("ucase-ret-same=%d\n",ucase (buf) == buf);
				/* cpytxt and textcpy */
  memset (&a,0,sizeof (a)); memset (&b,0,sizeof (b));
  printf ("cpytxt=%s\n",cpytxt (&a,"hello\0world",11));
  show ("a",a.data,a.size); printf ("nul=%d\n",a.data[a.size]);
  cpytxt (&a,"xy",2); show ("a2",a.data,a.size);
  cpytxt (&a,"",0); show ("a3",a.data,a.size); printf ("nul=%d\n",a.data[0]);
  cpytxt (&a,"bin\0ary\n",8);
  printf ("textcpy=%s\n",textcpy (&b,&a)); show ("b",b.data,b.size);
  printf ("distinct=%d\n",a.data != b.data);
  free (a.data); free (b.data);	/* caller frees with free() */
				/* comparisons */
  for (i = 0; words[i]; i++) for (j = 0; words[j]; j++) {
    SIZEDTEXT t;
    t.data = (unsigned char *) words[j]; t.size = strlen (words[j]);
    printf ("cmp[%d][%d]=%d,%d\n",i,j,
	    compare_cstring ((unsigned char *) words[i],(unsigned char *) words[j]),
	    compare_csizedtext ((unsigned char *) words[i],&t));
  }
  printf ("cmp-null=%d,%d,%d\n",compare_cstring (NIL,NIL),
	  compare_cstring (NIL,(unsigned char *) "a"),
	  compare_cstring ((unsigned char *) "a",NIL));
  printf ("csized-null=%d,%d\n",compare_csizedtext (NIL,NIL),
	  compare_csizedtext ((unsigned char *) "a",NIL));
  for (i = 0; i < 256; i += 7) for (j = 0; j < 256; j += 13)
    printf ("%d",compare_uchar (i,j) + 1);
  printf ("\n");
  printf ("ulong=%d,%d,%d\n",compare_ulong (1,2),compare_ulong (2,2),
	  compare_ulong ((unsigned long) -1,0));
  printf ("minmax=%ld,%ld,%ld,%ld\n",Min (-5,3),Max (-5,3),Min (7,7),
	  Max (-1,-2));
				/* search / ssearch over a grid */
  {
    static const char *bases[] = { "Hello World", "aaaaab", "abcABC", "x",
				   "The quick brown fox", "\xe9\xc9t", "ab[]{}", "" };
    static const char *pats[] = { "world", "WORLD", "aab", "bc", "BCA", "fox",
				  "X", "\xc9", "\xe9\xc9T", "[]", "{}", "][",
				  "", "longer than any base string here" };
    for (i = 0; i < 8; i++) {
      for (j = 0; j < 14; j++)
	printf ("%ld%ld",
		search ((unsigned char *) bases[i],strlen (bases[i]),
			(unsigned char *) pats[j],strlen (pats[j])),
		ssearch ((unsigned char *) bases[i],strlen (bases[i]),
			 (unsigned char *) pats[j],strlen (pats[j])));
      printf ("\n");
    }
    printf ("search-args=%ld%ld%ld%ld\n",
	    search (NIL,5,(unsigned char *) "a",1),
	    search ((unsigned char *) "abc",0,(unsigned char *) "",0),
	    search ((unsigned char *) "abc",3,NIL,1),
	    search ((unsigned char *) "abc",3,(unsigned char *) "a",-1));
  }
				/* hex2byte: all hex pairs and a few others */
  {
    const char *hex = "0123456789abcdefABCDEFgG/:@`";
    for (i = 0; hex[i]; i++) {
      for (j = 0; hex[j]; j++) printf ("%02x",hex2byte (hex[i],hex[j]));
      printf ("\n");
    }
  }
				/* find_rightmost_bit */
  for (i = 0; i < (int) (sizeof (bits) / sizeof (bits[0])); i++) {
    v = bits[i];
    printf ("frb %lx:",v);
    for (j = 0; j < 40; j++) {
      unsigned long r = find_rightmost_bit (&v);
      printf (" %lx/%lx",r,v);
      if (r == 0xffffffff) break;
    }
    printf ("\n");
  }
				/* strcrlfcpy */
  {
    static const char *srcs[] = { "", "a", "\n", "a\nb\n", "a\r\nb", "\r",
				  "a\r", "\r\r\n\n", "line one\nline two\r\nthree" };
    for (i = 0; i < 9; i++) {
      unsigned char *dst = NIL;
      unsigned long dstl = 0,n;
      n = strcrlfcpy (&dst,&dstl,(unsigned char *) srcs[i],strlen (srcs[i]));
      printf ("crlf[%d] n=%lu dstl=%lu ",i,n,dstl); show ("",dst,n);
				/* reuse: large enough buffer kept */
      {
	unsigned char *keep = dst;
	n = strcrlfcpy (&dst,&dstl,(unsigned char *) "x\ny",3);
	printf ("  reuse n=%lu dstl=%lu same=%d ",n,dstl,keep == dst);
	show ("",dst,n);
      }
      free (dst);
    }
    {				/* small caller buffer gets replaced */
      unsigned char *dst = (unsigned char *) malloc (3);
      unsigned long dstl = 2,n;
      n = strcrlfcpy (&dst,&dstl,(unsigned char *) "ab\ncd",5);
      printf ("small n=%lu dstl=%lu ",n,dstl); show ("",dst,n);
      free (dst);
      dst = (unsigned char *) malloc (8); dstl = 7;
      n = strcrlfcpy (&dst,&dstl,(unsigned char *) "abc\nd",5);
      printf ("exact n=%lu dstl=%lu ",n,dstl); show ("",dst,n);
      free (dst);
    }
  }
  return 0;
}
