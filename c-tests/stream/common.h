/* Callbacks shared by the stream-core differential tests: every callback
 * prints what it was told, so the two libraries' outputs can be compared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"

static int quiet_log = 0;

void mm_searched (MAILSTREAM *s, unsigned long n) { printf ("searched %lu\n", n); }
void mm_exists (MAILSTREAM *s, unsigned long n) { printf ("exists %lu\n", n); }
void mm_expunged (MAILSTREAM *s, unsigned long n) { printf ("expunged %lu\n", n); }
void mm_flags (MAILSTREAM *s, unsigned long n) { printf ("flags %lu\n", n); }
void mm_notify (MAILSTREAM *s, char *t, long e) { printf ("notify %ld: %s\n", e, t); }
void mm_list (MAILSTREAM *s, int d, char *n, long a)
{ printf ("list '%c' %s %ld\n", d ? d : '0', n, a); }
void mm_lsub (MAILSTREAM *s, int d, char *n, long a)
{ printf ("lsub '%c' %s %ld\n", d ? d : '0', n, a); }
void mm_status (MAILSTREAM *s, char *m, MAILSTATUS *st)
{ printf ("status %s flags=%ld messages=%lu recent=%lu\n", m, st->flags, st->messages, st->recent); }
void mm_log (char *t, long e) { if (!quiet_log) printf ("log %ld: %s\n", e, t); }
void mm_dlog (char *t) { printf ("dlog: %s\n", t); }
void mm_login (NETMBX *mb, char *u, char *p, long t) { *u = *p = 0; }
void mm_critical (MAILSTREAM *s) { }
void mm_nocritical (MAILSTREAM *s) { }
long mm_diskerror (MAILSTREAM *s, long e, long serious) { return 1; }
void mm_fatal (char *t) { printf ("fatal: %s\n", t); fflush (stdout); }
