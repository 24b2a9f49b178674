/*
 * newsrc.h -- .newsrc file handling for news drivers.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_NEWSRC_H_INCLUDED
#define CCLIENT_NEWSRC_H_INCLUDED

#include <stdio.h>		/* FILE */

/* BEGIN GENERATED prototypes */
void newsrc_check_uid (unsigned char *, unsigned long, unsigned long *, unsigned long *);
FILE *newsrc_create (MAILSTREAM *, int);
long newsrc_error (char *, char *, long);
void newsrc_lsub (MAILSTREAM *, char *);
long newsrc_newmessages (FILE *, MAILSTREAM *, char *);
long newsrc_newstate (FILE *, char *, char, char *);
long newsrc_read (char *, MAILSTREAM *);
char *newsrc_state (MAILSTREAM *, char *);
long newsrc_update (MAILSTREAM *, char *, char);
long newsrc_write (char *, MAILSTREAM *);
long newsrc_write_error (char *, FILE *, FILE *);
/* END GENERATED prototypes */

#endif /* CCLIENT_NEWSRC_H_INCLUDED */
