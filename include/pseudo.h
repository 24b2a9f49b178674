/*
 * pseudo.h -- the texts of the pseudo-message some local drivers keep at the top of a mailbox.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_PSEUDO_H_INCLUDED
#define CCLIENT_PSEUDO_H_INCLUDED

/* BEGIN GENERATED data */
extern char *pseudo_from;
extern char *pseudo_msg;
extern char *pseudo_name;
extern char *pseudo_subject;
/* END GENERATED data */

#endif /* CCLIENT_PSEUDO_H_INCLUDED */
