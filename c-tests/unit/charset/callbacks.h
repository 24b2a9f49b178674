/* Empty application callbacks so test programs link against c-client. */
#include "c-client.h"
void mm_searched(MAILSTREAM *s, unsigned long n) {}
void mm_exists(MAILSTREAM *s, unsigned long n) {}
void mm_expunged(MAILSTREAM *s, unsigned long n) {}
void mm_flags(MAILSTREAM *s, unsigned long n) {}
void mm_notify(MAILSTREAM *s, char *str, long e) {}
void mm_list(MAILSTREAM *s, int d, char *m, long a) {}
void mm_lsub(MAILSTREAM *s, int d, char *m, long a) {}
void mm_status(MAILSTREAM *s, char *m, MAILSTATUS *st) {}
void mm_log(char *str, long e) {}
void mm_dlog(char *str) {}
void mm_login(NETMBX *mb, char *u, char *p, long t) {}
void mm_critical(MAILSTREAM *s) {}
void mm_nocritical(MAILSTREAM *s) {}
long mm_diskerror(MAILSTREAM *s, long e, long serious) { return 1; }
void mm_fatal(char *str) {}
