/*
 * smtp.h -- sending mail over SMTP.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_SMTP_H_INCLUDED
#define CCLIENT_SMTP_H_INCLUDED

/* BEGIN GENERATED constants */
#define SMTPTCPPORT ((long) 25)
#define SOP_8BITMIME ((long) 64)
#define SOP_DEBUG ((long) 1)
#define SOP_DSN ((long) 2)
#define SOP_DSN_NOTIFY_DELAY ((long) 8)
#define SOP_DSN_NOTIFY_FAILURE ((long) 4)
#define SOP_DSN_NOTIFY_SUCCESS ((long) 16)
#define SOP_DSN_RETURN_FULL ((long) 32)
#define SOP_RESERVED ((unsigned long) 0xff000000)
#define SOP_SECURE ((long) 256)
#define SOP_TRYALT ((long) 512)
#define SOP_TRYSSL ((long) 512)
#define SUBMITTCPPORT ((long) 587)
/* END GENERATED constants */

#define smtp_open(hostlist,options) \
  smtp_open_full (NIL,hostlist,"smtp",NIL,options)

/* BEGIN GENERATED prototypes */
SENDSTREAM *smtp_close (SENDSTREAM *);
long smtp_mail (SENDSTREAM *, char *, ENVELOPE *, BODY *);
SENDSTREAM *smtp_open_full (NETDRIVER *, char **, char *, unsigned long, long);
void *smtp_parameters (long, void *);
long smtp_verbose (SENDSTREAM *);
/* END GENERATED prototypes */

#endif /* CCLIENT_SMTP_H_INCLUDED */
