/*
 * nntp.h -- posting news over NNTP.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_NNTP_H_INCLUDED
#define CCLIENT_NNTP_H_INCLUDED

/* BEGIN GENERATED constants */
#define NNTPTCPPORT ((long) 119)
#define NOP_DEBUG ((long) 1)
#define NOP_READONLY ((long) 2)
#define NOP_RESERVED ((unsigned long) 0xff000000)
#define NOP_TRYSSL ((long) 4)
/* END GENERATED constants */

#define nntp_open(hostlist,options) \
  nntp_open_full (NIL,hostlist,"nntp",NIL,options)

/* BEGIN GENERATED prototypes */
SENDSTREAM *nntp_close (SENDSTREAM *);
long nntp_mail (SENDSTREAM *, ENVELOPE *, BODY *);
SENDSTREAM *nntp_open_full (NETDRIVER *, char **, char *, unsigned long, long);
/* END GENERATED prototypes */

#endif /* CCLIENT_NNTP_H_INCLUDED */
