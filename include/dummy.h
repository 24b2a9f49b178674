/*
 * dummy.h -- the dummy driver's helpers, shared by other local drivers.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_DUMMY_H_INCLUDED
#define CCLIENT_DUMMY_H_INCLUDED

/* BEGIN GENERATED prototypes */
long dummy_canonicalize (char *, char *, char *);
long dummy_create (MAILSTREAM *, char *);
long dummy_create_path (MAILSTREAM *, char *, long);
long dummy_delete (MAILSTREAM *, char *);
char *dummy_file (char *, char *);
void dummy_list (MAILSTREAM *, char *, char *);
void dummy_lsub (MAILSTREAM *, char *, char *);
long dummy_rename (MAILSTREAM *, char *, char *);
void dummy_scan (MAILSTREAM *, char *, char *, char *);
long dummy_scan_contents (char *, char *, unsigned long, unsigned long);
long scan_contents (DRIVER *, char *, char *, unsigned long, unsigned long);
/* END GENERATED prototypes */

#endif /* CCLIENT_DUMMY_H_INCLUDED */
