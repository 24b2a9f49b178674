/* The mm_* callbacks every program linked with c-client must define, as
 * silent defaults, for the C test programs (and pine-compat).
 *
 * A program that wants its own version of a callback defines MM_OWN_<NAME>
 * before including this header and then defines the function itself, e.g.
 *
 *   #define MM_OWN_LOG
 *   #include "../lib/mm_callbacks.h"
 *   void mm_log (char *string,long errflg) { printf ("%s\n",string); }
 *
 * Macros rather than weak symbols, because a weak and a strong definition
 * of one function cannot share a translation unit. MM_DISKERROR_RESULT is
 * what mm_diskerror answers (T, give up, unless the program says NIL). */
#ifndef CCT_MM_CALLBACKS_H
#define CCT_MM_CALLBACKS_H

#include "c-client.h"

#ifndef MM_DISKERROR_RESULT
#define MM_DISKERROR_RESULT T
#endif

#ifndef MM_OWN_SEARCHED
void mm_searched (MAILSTREAM *stream,unsigned long number) {}
#endif
#ifndef MM_OWN_EXISTS
void mm_exists (MAILSTREAM *stream,unsigned long number) {}
#endif
#ifndef MM_OWN_EXPUNGED
void mm_expunged (MAILSTREAM *stream,unsigned long number) {}
#endif
#ifndef MM_OWN_FLAGS
void mm_flags (MAILSTREAM *stream,unsigned long number) {}
#endif
#ifndef MM_OWN_NOTIFY
void mm_notify (MAILSTREAM *stream,char *string,long errflg) {}
#endif
#ifndef MM_OWN_LIST
void mm_list (MAILSTREAM *stream,int delimiter,char *name,long attributes) {}
#endif
#ifndef MM_OWN_LSUB
void mm_lsub (MAILSTREAM *stream,int delimiter,char *name,long attributes) {}
#endif
#ifndef MM_OWN_STATUS
void mm_status (MAILSTREAM *stream,char *mailbox,MAILSTATUS *status) {}
#endif
#ifndef MM_OWN_LOG
void mm_log (char *string,long errflg) {}
#endif
#ifndef MM_OWN_DLOG
void mm_dlog (char *string) {}
#endif
#ifndef MM_OWN_LOGIN
/* No credentials: an empty user name makes the library give up. */
void mm_login (NETMBX *mb,char *user,char *pwd,long trial) { *user = *pwd = '\0'; }
#endif
#ifndef MM_OWN_CRITICAL
void mm_critical (MAILSTREAM *stream) {}
#endif
#ifndef MM_OWN_NOCRITICAL
void mm_nocritical (MAILSTREAM *stream) {}
#endif
#ifndef MM_OWN_DISKERROR
long mm_diskerror (MAILSTREAM *stream,long errcode,long serious)
{
  return MM_DISKERROR_RESULT;
}
#endif
#ifndef MM_OWN_FATAL
void mm_fatal (char *string) {}
#endif

#endif
