/* Shared by the core differential tests: the callbacks every c-client
 * program must define, and small printing helpers. Output must never
 * contain addresses, so runs against two libraries compare byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"
#include "fdstring.h"
#include "flstring.h"

void mm_searched (MAILSTREAM *s,unsigned long n) {}
void mm_exists (MAILSTREAM *s,unsigned long n) {}
void mm_expunged (MAILSTREAM *s,unsigned long n) {}
void mm_flags (MAILSTREAM *s,unsigned long n) {}
void mm_notify (MAILSTREAM *s,char *t,long e) { printf ("notify: %s\n",t); }
void mm_list (MAILSTREAM *s,int d,char *n,long a) {}
void mm_lsub (MAILSTREAM *s,int d,char *n,long a) {}
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st) {}
void mm_log (char *t,long e) { printf ("log[%ld]: %s\n",e,t); }
void mm_dlog (char *t) { printf ("dlog: %s\n",t); }
void mm_login (NETMBX *mb,char *u,char *p,long t) { *u = *p = '\0'; }
void mm_critical (MAILSTREAM *s) {}
void mm_nocritical (MAILSTREAM *s) {}
long mm_diskerror (MAILSTREAM *s,long c,long serious) { return 1; }
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
