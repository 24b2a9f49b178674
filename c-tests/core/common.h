/* Shared by the core differential tests: the callbacks every c-client
 * program must define, and small printing helpers. Output must never
 * contain addresses, so runs against two libraries compare byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"
#include "fdstring.h"
#include "flstring.h"

/* The shared silent callbacks, except those that print what they get. */
#define MM_OWN_NOTIFY
#define MM_OWN_LOG
#define MM_OWN_DLOG
#define MM_OWN_FATAL
#include "../lib/mm_callbacks.h"
void mm_notify (MAILSTREAM *s,char *t,long e) { printf ("notify: %s\n",t); }
void mm_log (char *t,long e) { printf ("log[%ld]: %s\n",e,t); }
void mm_dlog (char *t) { printf ("dlog: %s\n",t); }
void mm_fatal (char *t) { printf ("fatal: %s\n",t); fflush (stdout); }

/* Prints bytes with non-printables escaped. */
static void show (const char *label,const unsigned char *s,unsigned long n)
{
  unsigned long i;
  printf ("%s[%lu]=\"",label,n);
  for (i = 0; i < n; i++)
    if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') putchar (s[i]);
    else printf ("\\x%02x",s[i]);
  printf ("\"\n");
}
