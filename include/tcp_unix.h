/*
 * tcp_unix.h -- the UNIX TCP stream record (include before c-client.h to see it).
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_TCP_UNIX_H_INCLUDED
#define CCLIENT_TCP_UNIX_H_INCLUDED

/* BEGIN GENERATED constants */
#define BUFLEN 0x2000
/* END GENERATED constants */

#define TCPSTREAM struct tcp_stream
TCPSTREAM {
  char *host;			/* peer name as given */
  unsigned long port;
  char *localhost;
  char *remotehost;
  int tcpsi;			/* input descriptor */
  int tcpso;			/* output descriptor */
  int ictr;			/* octets left in ibuf */
  char *iptr;			/* next octet in ibuf */
  char ibuf[BUFLEN];
};

#endif /* CCLIENT_TCP_UNIX_H_INCLUDED */
