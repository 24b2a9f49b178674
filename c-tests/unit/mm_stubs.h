/* Callbacks every c-client program must define; these unit programs never
 * open a stream, so only mm_log matters: it prints what the library logs. */
#include <stdio.h>
#define MM_OWN_LOG
#include "../lib/mm_callbacks.h"

void mm_log (char *string,long errflg)
{
  const unsigned char *s;
  printf ("LOG %ld ",errflg);
  for (s = (const unsigned char *) string; *s; s++) printf ("%02x",*s);
  printf ("\n");
}
