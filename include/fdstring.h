/*
 * fdstring.h -- string driver reading from a file descriptor.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_FDSTRING_H_INCLUDED
#define CCLIENT_FDSTRING_H_INCLUDED

/* What INIT(s,fd_string,&d,size) expects as its data. */
typedef struct fd_data {
  int fd;
  unsigned long pos;		/* file offset of the string's start */
  char *chunk;			/* caller-supplied buffer */
  unsigned long chunksize;
} FDDATA;

/* BEGIN GENERATED data */
extern STRINGDRIVER fd_string;
/* END GENERATED data */

#endif /* CCLIENT_FDSTRING_H_INCLUDED */
