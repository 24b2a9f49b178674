/*
 * env.h -- environment routines common to all ports: matching, dates, server login, home directories.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_ENV_H_INCLUDED
#define CCLIENT_ENV_H_INCLUDED

/* BEGIN GENERATED prototypes */
long anonymous_login (int, char **);
long authserver_login (char *, char *, int, char **);
MAILSTREAM *default_proto (long);
long dmatch (unsigned char *, unsigned char *, unsigned char);
void *env_parameters (long, void *);
void internal_date (char *);
char *mailboxfile (char *, char *);
char *myhomedir (void);
char *mylocalhost (void);
long pmatch_full (unsigned char *, unsigned char *, unsigned char);
void rfc822_date (char *);
void rfc822_timezone (char *, void *);
void server_init (char *, char *, char *, void *, void *, void *, void *, void *);
long server_input_wait (long);
long server_login (char *, char *, char *, int, char **);
/* END GENERATED prototypes */

#endif /* CCLIENT_ENV_H_INCLUDED */
