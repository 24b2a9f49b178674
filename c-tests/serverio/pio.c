/* The server I/O layer (INWAIT/server_input_wait, PSIN, PBIN, PSINR,
 * PSOUT, PSOUTR, PBOUT, PFLUSH) and the client/server address calls on a
 * pipe as standard input, compiled once against the ORIGINAL headers;
 * c-tests/serverio/run.sh runs it on both libraries and compares.
 *
 * No timing between processes: the program owns both ends of the pipe,
 * so "no input yet" and "input there" are states it makes itself. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "c-client.h"
#include "../lib/mm_callbacks.h"

static void say (char *fmt,long v)
{
  char tmp[256];
  sprintf (tmp,fmt,v);
  PSOUT (tmp);
  PFLUSH ();
}

int main (int argc,char *argv[])
{
  int p[2];
  char buf[64],big[8];
  SIZEDTEXT st;
#include "linkage.c"
  if (pipe (p) || dup2 (p[0],0) < 0) return 1;
  close (p[0]);
  say ("INWAIT, nothing sent: %ld\r\n",INWAIT (1));
  say ("server_input_wait, nothing sent: %ld\r\n",server_input_wait (1));
  if (write (p[1],"line one\r\nXYZ rest\r\n0123456789ABCDEF\r\n",38) != 38) return 1;
  say ("INWAIT, input there: %ld\r\n",INWAIT (1));
  memset (buf,0,sizeof buf);
  say ("PSIN: %ld",PSIN (buf,sizeof buf) ? 1 : 0);
  PSOUT (" ["); PSOUT (buf); PSOUT ("]\r\n");
  say ("PBIN: %ld\r\n",PBIN ());
  say ("INWAIT, input buffered: %ld\r\n",INWAIT (1));
  memset (big,0,sizeof big);
  say ("PSINR 5: %ld",PSINR (big,5));
  PSOUT (" ["); PSOUT (big); PSOUT ("]\r\n");
  memset (buf,0,sizeof buf);
  say ("PSIN short buffer: %ld",PSIN (buf,8) ? 1 : 0);
  PSOUT (" ["); PSOUT (buf); PSOUT ("]\r\n");
  memset (buf,0,sizeof buf);
  say ("PSIN rest: %ld",PSIN (buf,sizeof buf) ? 1 : 0);
  PSOUT (" ["); PSOUT (buf); PSOUT ("]\r\n");
  close (p[1]);
  say ("INWAIT at end of input: %ld\r\n",INWAIT (1));
  say ("PBIN at end of input: %ld\r\n",PBIN ());
  say ("PSIN at end of input: %ld\r\n",PSIN (buf,sizeof buf) ? 1 : 0);
  st.data = (unsigned char *) "sized\r\n";
  st.size = 7;
  PSOUTR (&st);
  PBOUT ('o'); PBOUT ('k'); PBOUT ('\r'); PBOUT ('\n');
  PFLUSH ();
  say ("clienthost: %ld ",0);
  PSOUT (tcp_clienthost ()); PSOUT ("\r\n");
  say ("clientaddr: %ld ",0);
  PSOUT (tcp_clientaddr ()); PSOUT ("\r\n");
  say ("serverhost is mylocalhost: %ld\r\n",!strcmp (tcp_serverhost (),mylocalhost ()));
  PFLUSH ();
  return 0;
}
