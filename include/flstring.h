/*
 * flstring.h -- string driver reading from a stdio FILE.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_FLSTRING_H_INCLUDED
#define CCLIENT_FLSTRING_H_INCLUDED

/* BEGIN GENERATED data */
extern STRINGDRIVER file_string;
/* END GENERATED data */

#endif /* CCLIENT_FLSTRING_H_INCLUDED */
