/* Both halves of the GSSAPI authenticator on one library, built once
 * against the ORIGINAL headers (c-tests/kerberos/run.sh): the parent runs
 * auth_gssapi_client (as the user of /user=), a child runs
 * mail_auth ("GSSAPI") as a server; they talk over a socket pair, each
 * SASL message a 4-byte length and the bytes (all ones: cancelled). The
 * parent prints its callbacks as they come, then its result and (through
 * a pipe, so the order is fixed) the child's.
 *
 *   gsspair USER
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "c-client.h"

#define MM_OWN_LOG
#include "../lib/mm_callbacks.h"

void mm_log (char *string,long errflg) { printf ("log %ld: %s\n",errflg,string); }

static int fd;

static int put (void *s,unsigned long n)
{
  unsigned char h[4];
  h[0] = n >> 24; h[1] = n >> 16; h[2] = n >> 8; h[3] = n;
  return write (fd,h,4) == 4 && (n == 0xffffffffUL || !n || write (fd,s,n) == (ssize_t) n);
}

static char *get (unsigned long *len)
{
  unsigned char h[4];
  unsigned long n,i;
  ssize_t r;
  char *s;
  if (read (fd,h,4) != 4) return NIL;
  n = ((unsigned long) h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3];
  if (n == 0xffffffffUL) return NIL;
  s = (char *) fs_get (n + 1);
  for (i = 0; i < n; i += r) if ((r = read (fd,s + i,n - i)) <= 0) { fs_give ((void **) &s); return NIL; }
  s[n] = '\0';
  if (len) *len = n;
  return s;
}

static void *challenger (void *stream,unsigned long *len) { return get (len); }
static long responder (void *stream,char *s,unsigned long size)
{
  return s ? put (s,size) : put (NIL,0xffffffffUL);
}
static char *server_responder (void *chal,unsigned long clen,unsigned long *rlen)
{
  put (chal,clen);
  return get (rlen);
}

int main (int argc,char *argv[])
{
  int sv[2],rp[2],st;
  char line[512];
  ssize_t n;
  pid_t pid;
  NETMBX mb;
  char user[NETMAXUSER],tmp[MAILTMPLEN];
  unsigned long trial = 0;
  long r;
#include "linkage.c"
  if (argc < 2 || socketpair (AF_UNIX,SOCK_STREAM,0,sv) || pipe (rp)) return 2;
  fflush (stdout);
  if (!(pid = fork ())) {	/* the server */
    char *u;
    close (sv[0]); close (rp[0]); fd = sv[1];
    mail_parameters (NIL,SET_SERVICENAME,(void *) "imap");
    u = mail_auth ("GSSAPI",server_responder,0,NIL);
				/* the parent prints it, after its own lines */
    snprintf (line,sizeof (line),"server: mail_auth=%s\n",u ? u : "NIL");
    if (write (rp[1],line,strlen (line)) < 0) _exit (1);
    _exit (0);
  }
  close (sv[1]); close (rp[1]); fd = sv[0];
  sprintf (tmp,"{%.80s/imap/user=%.64s}",mylocalhost (),argv[1]);
  if (!mail_valid_net_parse (tmp,&mb)) return 3;
  user[0] = '\0';
  r = auth_gss.client (challenger,responder,"imap",&mb,NIL,&trial,user);
  close (fd);
  waitpid (pid,&st,0);
  printf ("client: result=%ld trial=%lu user=%s\n",r,trial,user);
  while ((n = read (rp[0],line,sizeof (line) - 1)) > 0) { line[n] = '\0'; fputs (line,stdout); }
  return 0;
}
