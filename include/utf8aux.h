/*
 * utf8aux.h -- charset helpers above utf8.h: MIME-2 encoded words, modified UTF-7, search programs.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_UTF8AUX_H_INCLUDED
#define CCLIENT_UTF8AUX_H_INCLUDED

/* BEGIN GENERATED prototypes */
long mime2_decode (unsigned char *, unsigned char *, unsigned char *, SIZEDTEXT *);
unsigned char *mime2_text (unsigned char *, unsigned char *);
unsigned char *mime2_token (unsigned char *, unsigned char *, unsigned char **);
unsigned char *utf8_from_mutf7 (unsigned char *);
long utf8_mime2text (SIZEDTEXT *, SIZEDTEXT *, long);
void utf8_searchpgm (SEARCHPGM *, char *);
unsigned char *utf8_to_mutf7 (unsigned char *);
/* END GENERATED prototypes */

#endif /* CCLIENT_UTF8AUX_H_INCLUDED */
