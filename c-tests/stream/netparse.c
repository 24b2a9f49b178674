/* mail_valid_net_parse over many names: every NETMBX field. */
#include "common.h"
#include "linkage.h"

static const char *names[] = {
  "{host}", "{host}INBOX", "{host:143}foo", "{host:0}x", "{host:-1}x", "{host:+5}x",
  "{host:12:13}x", "{host:}x", "{[127.0.0.1]}box", "{[127.0.0.1]:993/ssl}box", "{[1.2.3.4}x",
  "{[::1]x}y", "{}x", "host}x", "{host", "{host/imap}", "{host/IMAP4rev1}m", "{host/pop}m",
  "{host/pop3/imap}m", "{host/nntp}news.group", "{host/service=POP3}m", "{host/service=pop3/imap}m",
  "{host/user=fred}m", "{host/user=\"a b\\\"c\"}m", "{host/user=\"unterminated}m",
  "{host/user=a/user=b}m", "{host/authuser=x/user=y}m", "{host/anonymous/debug/readonly/secure}m",
  "{host/norsh}m", "{host/norsh/pop3}m", "{host/loser}m", "{host/tls}m", "{host/notls/tls}m",
  "{host/tls/notls}m", "{host/tls-sslv23}m", "{host/ssl}m", "{host/tls/ssl}m", "{host/tryssl}m",
  "{host/novalidate-cert}m", "{host/validate-cert}m", "{host/bogus}m", "{host/}m", "{host//}m",
  "{host/user=}m", "{host/smtp}m", "{host/submit}m", "{host/imap2bis}m", "{host/user=x:25}m",
  "{host:25/user=x}m", "{host/user=\"q\"x}m", "{host/user=\"q\":7}m", "{HoSt.Example.COM:993/imap/ssl/novalidate-cert/user=me}Mail/box",
  "{host}a}b", "{ho st}x", "{host/service=averyveryverylongservicename}m", NULL
};

static void dump (NETMBX *mb)
{
  printf (" host=%s orig=%s user=%s authuser=%s mbx=%s service=%s port=%lu"
          " ano=%d dbg=%d sec=%d ssl=%d tryssl=%d noval=%d tls=%d notls=%d ro=%d norsh=%d loser=%d sslv23=%d\n",
          mb->host, mb->orighost, mb->user, mb->authuser, mb->mailbox, mb->service, mb->port,
          mb->anoflag, mb->dbgflag, mb->secflag, mb->sslflag, mb->trysslflag, mb->novalidate,
          mb->tlsflag, mb->notlsflag, mb->readonlyflag, mb->norsh, mb->loser, mb->tlssslv23);
}

int main (void)
{
  int i;
  NETMBX mb;
  char longname[1200];
#include "linkage.c"
  for (i = 0; names[i]; i++) {
    long r = mail_valid_net_parse (names[i], &mb);
    printf ("%s -> %ld", names[i], r);
    if (r) dump (&mb); else printf ("\n");
  }
  memset (longname, 'h', sizeof longname); longname[0] = '{';
  strcpy (longname + 255, "}x");
  printf ("host255 -> %ld\n", mail_valid_net_parse (longname, &mb));
  strcpy (longname + 256, "}x");
  printf ("host256 -> %ld\n", mail_valid_net_parse (longname, &mb));
  printf ("pop default: %ld", mail_valid_net_parse_work ("{h}x", &mb, "pop3")); dump (&mb);
  return 0;
}
