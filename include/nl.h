/*
 * nl.h -- newline conversion between LF and CRLF forms.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_NL_H_INCLUDED
#define CCLIENT_NL_H_INCLUDED

/* BEGIN GENERATED prototypes */
unsigned long strcrlfcpy (unsigned char **, unsigned long *, unsigned char *, unsigned long);
unsigned long strcrlflen (STRING *);
/* END GENERATED prototypes */

#endif /* CCLIENT_NL_H_INCLUDED */
