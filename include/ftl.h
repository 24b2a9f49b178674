/*
 * ftl.h -- fatal error exit.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_FTL_H_INCLUDED
#define CCLIENT_FTL_H_INCLUDED

/* BEGIN GENERATED prototypes */
void fatal (char *);
/* END GENERATED prototypes */

#endif /* CCLIENT_FTL_H_INCLUDED */
