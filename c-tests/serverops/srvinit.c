/* server_init's choice between plaintext and implicit TLS, and the names
 * of the connection, as an inetd-style server sees them: calls server_init
 * (its own program name as the server name, "imap" and "imaps" as the
 * services) and writes, through the P* layer (so under TLS when
 * server_init chose it), the client's and the server's host, address and
 * port. Built against the original headers and run on either library; the
 * output must not depend on which. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"

static void say (char *what,char *value)
{
  PSOUT (what); PSOUT (" "); PSOUT (value ? value : "(nil)"); PSOUT ("\015\012");
}

int main (int argc,char *argv[])
{
  char *name = strrchr (argv[0],'/'),t[64];
#include "linkage.c"
  (void) argc;
  name = name ? name + 1 : argv[0];
  server_init (name,"imap","imaps",NIL,NIL,NIL,NIL,NIL);
  say ("clienthost",tcp_clienthost ());
  say ("clientaddr",tcp_clientaddr ());
  say ("serverhost",tcp_serverhost ());
  say ("serveraddr",tcp_serveraddr ());
  sprintf (t,"%ld",tcp_serverport ());
  say ("serverport",t);		/* the test names the port */
  say ("clientport",tcp_clientport () > 1023 ? "ephemeral" : "other");
  PFLUSH ();
  return 0;
}

void mm_searched (MAILSTREAM *s,unsigned long n) { (void) s; (void) n; }
void mm_exists (MAILSTREAM *s,unsigned long n) { (void) s; (void) n; }
void mm_expunged (MAILSTREAM *s,unsigned long n) { (void) s; (void) n; }
void mm_flags (MAILSTREAM *s,unsigned long n) { (void) s; (void) n; }
void mm_notify (MAILSTREAM *s,char *t,long e) { (void) s; (void) t; (void) e; }
void mm_list (MAILSTREAM *s,int d,char *n,long a) { (void) s; (void) d; (void) n; (void) a; }
void mm_lsub (MAILSTREAM *s,int d,char *n,long a) { (void) s; (void) d; (void) n; (void) a; }
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st) { (void) s; (void) m; (void) st; }
void mm_log (char *t,long e) { (void) t; (void) e; }
void mm_dlog (char *t) { (void) t; }
void mm_login (NETMBX *mb,char *user,char *pwd,long trial)
{ (void) mb; (void) trial; *user = *pwd = '\0'; }
void mm_critical (MAILSTREAM *s) { (void) s; }
void mm_nocritical (MAILSTREAM *s) { (void) s; }
long mm_diskerror (MAILSTREAM *s,long c,long serious) { (void) s; (void) c; (void) serious; return T; }
void mm_fatal (char *t) { (void) t; }
