/* The Kerberos V (GSSAPI) side of the library, compiled once against the
 * ORIGINAL headers and run on both libraries (c-tests/kerberos/run.sh).
 *
 *   gssc info                 kerberos_try_kinit on a set of codes,
 *                             kerberos_server_valid, mylocalhost (the
 *                             name in the GSSAPI service name), and the
 *                             linked authenticators with their halves
 *   gssc open MAILBOX [rw]    mail_open of an IMAP or POP3 mailbox
 *                             (read-only unless "rw"): the callbacks in
 *                             order, then the messages
 */
#include <stdio.h>
#include <string.h>
#include "c-client.h"

#define MM_OWN_LOG
#define MM_OWN_NOTIFY
#define MM_OWN_LOGIN
#include "../lib/mm_callbacks.h"

long kerberos_server_valid (void);
long kerberos_try_kinit (unsigned int error);

void mm_log (char *string,long errflg) { printf ("log %ld: %s\n",errflg,string); }
void mm_notify (MAILSTREAM *stream,char *string,long errflg)
{ printf ("notify %ld: %s\n",errflg,string); }
void mm_login (NETMBX *mb,char *user,char *pwd,long trial)
{
  printf ("login asked: host=%s user=%s trial=%ld\n",mb->host,mb->user,trial);
  *user = *pwd = '\0';
}

int main (int argc,char *argv[])
{
  static const long codes[] = { -1765328352L, -1765328189L, -1765328243L,
				 0, 1, -1765328351L, -1765328190L, 2529639053L };
  unsigned long i;
  AUTHENTICATOR *a;
#include "linkage.c"
  if (argc > 1 && !strcmp (argv[1],"info")) {
    for (i = 0; i < sizeof (codes) / sizeof (codes[0]); i++)
      printf ("kerberos_try_kinit(%ld)=%ld\n",codes[i],
	      kerberos_try_kinit ((unsigned int) codes[i]));
    printf ("kerberos_server_valid=%ld\n",kerberos_server_valid ());
    printf ("mylocalhost=%s\n",mylocalhost ());
    for (i = 1; (a = mail_lookup_auth (i)); i++)
      printf ("auth %lu %s flags=%lx client=%s server=%s\n",i,a->name,
	      a->flags,a->client ? "yes" : "no",a->server ? "yes" : "no");
    return 0;
  }
  if (argc > 2 && !strcmp (argv[1],"open")) {
    MAILSTREAM *s = mail_open (NIL,argv[2],argc > 3 ? NIL : OP_READONLY);
    if (!s) { printf ("open failed\n"); return 1; }
    printf ("opened %lu messages\n",s->nmsgs);
    for (i = 1; i <= s->nmsgs; i++) {
      ENVELOPE *e = mail_fetchenvelope (s,i);
      printf ("%lu: %s\n",i,(e && e->subject) ? e->subject : "(none)");
    }
    mail_close (s);
    return 0;
  }
  fprintf (stderr,"usage: gssc info | open MAILBOX\n");
  return 2;
}
