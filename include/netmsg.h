/*
 * netmsg.h -- spooling a network message into a temporary file.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_NETMSG_H_INCLUDED
#define CCLIENT_NETMSG_H_INCLUDED

#include <stdio.h>		/* FILE */

/* BEGIN GENERATED prototypes */
long netmsg_read (void *, unsigned long, char *);
FILE *netmsg_slurp (NETSTREAM *, unsigned long *, unsigned long *);
/* END GENERATED prototypes */

#endif /* CCLIENT_NETMSG_H_INCLUDED */
