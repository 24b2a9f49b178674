/* refpop3d: a small POP3 server on the c-client server API, started by
 * inetd (or any launcher) with the connection on stdin/stdout; the
 * example of docs/server.md next to refimapd.c, with the calls UW ipop3d
 * makes.  Commands: CAPA USER PASS APOP AUTH STLS NOOP STAT LIST UIDL RETR
 * TOP DELE RSET QUIT.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <syslog.h>
#include <unistd.h>
#include <time.h>
#include "c-client.h"

#define CMDLEN 512		/* RFC 1939 allows 255 bytes of arguments */
#define TIMEOUT 600		/* RFC 1939's minimum autologout timer */
#define LOGINTIMEOUT 180	/* before a login (ipop3d's 3 min) */

/* ipop3d declares it itself: no public header has it */
char *apop_login (char *chal,char *user,char *md5,int argc,char *argv[]);

static MAILSTREAM *stream = NIL;
static char challenge[MAILTMPLEN];
static char *user = NIL;
static unsigned long nmsgs = 0;
static unsigned long *msg = NIL;	/* message numbers still shown */
static unsigned long ndele = 0;
static int cancelled = 0;
				/* REFSRV_TIMEOUT, REFSRV_LOGINTIMEOUT override */
static long idletimeout = TIMEOUT, logintimeout = LOGINTIMEOUT;
static char who[128] = "???";	/* the user, for the autologout line */
static char client[256] = "???";	/* tcp_clienthost (), for the same */

static void out (char *s) { PSOUT (s); }
static void flush (void) { PFLUSH (); }

static void quit (char *why)
{
  if (why) { out ("-ERR "); out (why); out ("\015\012"); flush (); }
  if (stream) mail_close (stream);
  exit (0);
}

/* As ipop3d: the goodbye, the mailbox closed without expunging, the
 * password back end's cleanup, "Autologout user=... host=..." in syslog. */
static void autologout (void)
{
  logouthook_t lgoh;
  out ("-ERR Autologout; idle for too long\015\012");
  flush ();
  if (stream) mail_close (stream);
  stream = NIL;
  if ((lgoh = (logouthook_t) mail_parameters (NIL,GET_LOGOUTHOOK,NIL)))
    (*lgoh) (mail_parameters (NIL,GET_LOGOUTDATA,NIL));
  syslog (LOG_INFO,"Autologout user=%.80s host=%.80s",who,client);
  exit (0);
}

/* Input already in stdin's buffer, which INWAIT does not see (it asks
 * the descriptor, as the original's does); under TLS the library's own
 * buffer counts. */
static int stdin_buffered (void)
{
#ifdef __GLIBC__
  return stdin->_IO_read_ptr < stdin->_IO_read_end;
#else
  return 0;
#endif
}

/* Waits for the client's next line with INWAIT under the session's limit
 * (the login limit until a login); outside a signal handler, so the
 * goodbye can go out through the TLS layer as well. */
static void await_input (void)
{
  time_t end = time (0) + (stream ? idletimeout : logintimeout);
  long left;
  if (stdin_buffered ()) return;
  while ((left = (long) (end - time (0))) > 0)
    if (INWAIT (left)) return;	/* input (or end of input) is there */
  autologout ();
}

/* The clock interrupt: the rest of a line did not come in time. The
 * interrupted read may hold the library's TLS state: only a syslog line
 * and an exit. */
static void clkint (int sig)
{
  (void) sig;
  syslog (LOG_INFO,"Autologout user=%.80s host=%.80s",who,client);
  _exit (0);
}
static void kodint (int sig) { (void) sig; quit ("Lost mailbox lock"); }
static void hupint (int sig) { (void) sig; if (stream) mail_close (stream); _exit (0); }
static void trmint (int sig) { (void) sig; quit ("Killed"); }

/* One command line: its length, -1 at end of input, -2 if too long. */
static long getline_part (char *buf)
{
  size_t n;
  await_input ();
  alarm (stream ? idletimeout : logintimeout);
  if (!PSIN (buf,CMDLEN)) { alarm (0); return -1; }
  n = strlen (buf);
  if (n && buf[n-1] == '\012') {
    buf[--n] = '\0';
    if (n && buf[n-1] == '\015') buf[--n] = '\0';
    alarm (0);
    return (long) n;
  }
  if (n < CMDLEN - 1) { alarm (0); return (long) n; }
  do if (!PSIN (buf,CMDLEN)) { alarm (0); return -1; }
  while ((n = strlen (buf)) && buf[n-1] != '\012');
  alarm (0);
  return -2;
}

static char *responder (void *chal,unsigned long clen,unsigned long *rlen)
{
  unsigned long i,len;
  unsigned char *t;
  char line[CMDLEN];
  long n;
  out ("+ ");
  if (clen) {
    t = rfc822_binary (chal,clen,&len);
    for (i = 0; i < len; i++) if (t[i] > ' ') PBOUT (t[i]);
    fs_give ((void **) &t);
  }
  out ("\015\012");
  flush ();
  n = getline_part (line);
  if (n == -1) quit (NIL);
  if (n < 0 || !strcmp (line,"*") ||
      !(t = rfc822_base64 ((unsigned char *) line,n,&len))) {
    cancelled = 1;
    return NIL;
  }
  if (rlen) *rlen = len;
  return (char *) t;
}

/* After a login: opens INBOX and numbers its messages. */
static int open_inbox (void)
{
  unsigned long i;
  if (!(stream = mail_open (NIL,"INBOX",NIL))) return 0;
  nmsgs = stream->nmsgs;
  msg = (unsigned long *) fs_get ((nmsgs + 1) * sizeof (unsigned long));
  for (i = 1; i <= nmsgs; i++) msg[i] = i;
  if (nmsgs) mail_fetch_fast (stream,"1:*",NIL);
  return 1;
}

static void logged_in (char *name)
{
  char tmp[MAILTMPLEN];
  syslog (LOG_INFO,"Login user=%.80s host=%.80s",name,tcp_clienthost ());
  strncpy (who,name,sizeof (who) - 1);
  if (!open_inbox ()) quit ("Can't open mailbox");
  sprintf (tmp,"+OK Mailbox open, %lu messages\015\012",nmsgs);
  out (tmp);
}

/* The message a client number names (0: none or deleted). */
static unsigned long pick (char *arg)
{
  char *e;
  unsigned long n;
  if (!arg || !*arg) return 0;
  n = strtoul (arg,&e,10);
  if (*e || !n || n > nmsgs) return 0;
  return msg[n];
}

static void sized (char *s,unsigned long len)
{
  SIZEDTEXT st;
  st.data = (unsigned char *) s; st.size = len;
  PSOUTR (&st);
}

/* Sends text dot-stuffed; only the first lines lines when lines >= 0. */
static void send_text (char *t,unsigned long len,long lines)
{
  unsigned long i,start = 0;
  int bol = 1;
  for (i = 0; i < len; i++) {
    if (bol) {
      if (lines >= 0 && lines-- == 0) break;
      if (t[i] == '.') { sized (t + start,i - start); out ("."); start = i; }
    }
    bol = (t[i] == '\012');
  }
  sized (t + start,i - start);
  if (i && t[i-1] != '\012') out ("\015\012");
}

/* Whether the CRAM-MD5 server half is there (its password file exists):
 * then APOP works too, and the greeting carries the challenge. */
static int apop_available (void)
{
  unsigned long i;
  AUTHENTICATOR *auth;
  for (i = 1; (auth = mail_lookup_auth (i)); i++)
    if (!strcmp (auth->name,"CRAM-MD5")) return auth->server != NIL;
  return 0;
}

int main (int argc,char *argv[])
{
  char line[CMDLEN],tmp[MAILTMPLEN],*cmd,*arg,*s;
  char *pgm = strrchr (argv[0],'/') ? strrchr (argv[0],'/') + 1 : argv[0];
  unsigned long i,j,len;
  long n;
  (void) argc;
#include "linkage.c"
  mail_parameters (NIL,SET_SERVICENAME,(void *) "pop");
  {				/* shorter limits, for tests */
    char *e;
    if ((e = getenv ("REFSRV_TIMEOUT")) && atol (e) > 0) idletimeout = atol (e);
    if ((e = getenv ("REFSRV_LOGINTIMEOUT")) && atol (e) > 0) logintimeout = atol (e);
  }
  server_init (pgm,"pop3","pop3s",clkint,kodint,hupint,trmint,NIL);
  strncpy (client,tcp_clienthost (),sizeof (client) - 1);
  {				/* as ipop3d: a session started as its user
				   (preauthenticated, e.g. over ssh) may log
				   in as that user with AUTH EXTERNAL */
    unsigned long flags;
    char *me;
    mail_parameters (NIL,SET_BLOCKENVINIT,VOIDT);
    me = myusername_full (&flags);
    mail_parameters (NIL,SET_BLOCKENVINIT,NIL);
    if (flags == MU_LOGGEDIN) {
      mail_parameters (NIL,UNHIDE_AUTHENTICATOR,(void *) "EXTERNAL");
      mail_parameters (NIL,SET_EXTERNALAUTHID,(void *) me);
    }
  }
  /* the APOP challenge, offered only when APOP can work (a CRAM-MD5 file) */
  sprintf (challenge,"<%lx.%lx@%.128s>",(unsigned long) getpid (),
	   (unsigned long) time (0),tcp_serverhost ());
  out ("+OK POP3 reference server ready");
  if (apop_available ()) { out (" "); out (challenge); }
  out ("\015\012");
  flush ();
  for (;;) {
    n = getline_part (line);
    if (n == -1) {
      syslog (LOG_INFO,"Connection broken host=%.80s",tcp_clienthost ());
      if (stream) mail_close (stream);
      return 0;
    }
    if (n == -2) { out ("-ERR Command line too long\015\012"); flush (); continue; }
    cmd = line;
    if ((arg = strchr (line,' '))) *arg++ = '\0';
    ucase ((unsigned char *) cmd);
    if (!strcmp (cmd,"QUIT")) {
      if (stream && ndele) {
	for (i = 1; i <= stream->nmsgs; i++) mail_elt (stream,i)->sequence = NIL;
	mail_expunge (stream);
      }
      out ("+OK Sayonara\015\012");
      flush ();
      if (stream) mail_close (stream);
      {				/* the password back end's cleanup */
	logouthook_t lgoh = (logouthook_t) mail_parameters (NIL,GET_LOGOUTHOOK,NIL);
	if (lgoh) (*lgoh) (mail_parameters (NIL,GET_LOGOUTDATA,NIL));
      }
      return 0;
    }
    if (!strcmp (cmd,"NOOP")) out ("+OK No-op\015\012");
    else if (!strcmp (cmd,"CAPA")) {
      out ("+OK Capability list follows:\015\012TOP\015\012UIDL\015\012");
      if (!stream) {
	AUTHENTICATOR *auth;
	if ((s = ssl_start_tls (NIL))) fs_give ((void **) &s);
	else out ("STLS\015\012");
	int plain = !mail_parameters (NIL,GET_DISABLEPLAINTEXT,NIL);
	if (plain) out ("USER\015\012");
	out ("SASL");
	for (i = 1; (auth = mail_lookup_auth (i)); i++)
	  if (auth->server && !(auth->flags & AU_DISABLE) &&
	      (plain || (auth->flags & AU_SECURE))) { out (" "); out (auth->name); }
	out ("\015\012");
      }
      out (".\015\012");
    }
    else if (!stream) {		/* AUTHORIZATION state */
      if (!strcmp (cmd,"USER")) {
	if (user) fs_give ((void **) &user);
	if (arg && *arg) { user = cpystr (arg); out ("+OK User name accepted, password please\015\012"); }
	else out ("-ERR Missing username argument\015\012");
      }
      else if (!strcmp (cmd,"PASS")) {
	if (!user) out ("-ERR USER first\015\012");
	else {
	  char *admin = strchr (user,'*');
	  if (admin) *admin++ = '\0';
	  if (server_login (user,arg ? arg : "",admin,0,NIL)) logged_in (user);
	  else out ("-ERR Bad login\015\012");
	  fs_give ((void **) &user);
	}
      }
      else if (!strcmp (cmd,"APOP")) {
	char *u = arg,*digest = arg ? strchr (arg,' ') : NIL;
	if (!digest) out ("-ERR Missing APOP argument\015\012");
	else {
	  *digest++ = '\0';
	  if ((s = apop_login (challenge,u,digest,0,NIL))) {
	    logged_in (s);
	    fs_give ((void **) &s);
	  }
	  else out ("-ERR Bad APOP\015\012");
	}
      }
      else if (!strcmp (cmd,"AUTH")) {
	if (!arg || !*arg) out ("-ERR Missing mechanism\015\012");
	else if (strchr (arg,' ')) out ("-ERR Initial responses are not supported\015\012");
	else {
	  cancelled = 0;
	  if ((s = mail_auth (arg,responder,0,NIL))) logged_in (s);
	  else out (cancelled ? "-ERR AUTHENTICATE aborted\015\012" : "-ERR Bad authentication\015\012");
	}
      }
      else if (!strcmp (cmd,"STLS")) {
	if ((s = ssl_start_tls (pgm))) {
	  out ("-ERR STLS failed: "); out (s); out ("\015\012");
	  fs_give ((void **) &s);
	}
	else out ("+OK STLS completed\015\012");
      }
      else out ("-ERR Unknown AUTHORIZATION state command\015\012");
    }
    else if (!strcmp (cmd,"STAT")) {
      for (i = 1, j = 0, len = 0; i <= nmsgs; i++)
	if (msg[i]) { j++; len += mail_elt (stream,msg[i])->rfc822_size; }
      sprintf (tmp,"+OK %lu %lu\015\012",j,len);
      out (tmp);
    }
    else if (!strcmp (cmd,"LIST") || !strcmp (cmd,"UIDL")) {
      int uidl = cmd[0] == 'U';
      if (arg) {
	if (!(j = pick (arg))) out ("-ERR No such message\015\012");
	else {
	  if (uidl) sprintf (tmp,"+OK %s %08lx%08lx\015\012",arg,stream->uid_validity,mail_uid (stream,j));
	  else sprintf (tmp,"+OK %s %lu\015\012",arg,mail_elt (stream,j)->rfc822_size);
	  out (tmp);
	}
      }
      else {
	out ("+OK Mailbox scan listing follows\015\012");
	for (i = 1; i <= nmsgs; i++) if ((j = msg[i])) {
	  if (uidl) sprintf (tmp,"%lu %08lx%08lx\015\012",i,stream->uid_validity,mail_uid (stream,j));
	  else sprintf (tmp,"%lu %lu\015\012",i,mail_elt (stream,j)->rfc822_size);
	  out (tmp);
	}
	out (".\015\012");
      }
    }
    else if (!strcmp (cmd,"RETR") || !strcmp (cmd,"TOP")) {
      long lines = -1;
      char *num = arg;
      if (cmd[0] == 'T') {
	char *e;
	if (!arg || !(s = strchr (arg,' '))) { out ("-ERR Missing TOP arguments\015\012"); flush (); continue; }
	*s++ = '\0';
	lines = strtol (s,&e,10);
	if (*e || lines < 0) { out ("-ERR Bad line count\015\012"); flush (); continue; }
      }
      if (!(j = pick (num))) out ("-ERR No such message\015\012");
      else {
	sprintf (tmp,"+OK %lu octets\015\012",mail_elt (stream,j)->rfc822_size);
	out (tmp);
	s = mail_fetch_header (stream,j,NIL,NIL,&len,FT_PEEK);
	send_text (s,len,-1);
	s = mail_fetch_text (stream,j,NIL,&len,lines < 0 ? NIL : FT_PEEK);
	send_text (s,len,lines);
	out (".\015\012");
      }
    }
    else if (!strcmp (cmd,"DELE")) {
      if (!(j = pick (arg))) out ("-ERR No such message\015\012");
      else {
	sprintf (tmp,"%lu",j);
	mail_setflag (stream,tmp,"\\Deleted");
	msg[strtoul (arg,NIL,10)] = 0;
	ndele++;
	out ("+OK Message deleted\015\012");
      }
    }
    else if (!strcmp (cmd,"RSET")) {
      for (i = 1; i <= nmsgs; i++) if (!msg[i]) {
	msg[i] = i;
	sprintf (tmp,"%lu",i);
	mail_clearflag (stream,tmp,"\\Deleted");
      }
      ndele = 0;
      out ("+OK Reset state\015\012");
    }
    else out ("-ERR Unknown TRANSACTION state command\015\012");
    flush ();
  }
}

void mm_searched (MAILSTREAM *s,unsigned long n) { (void) s; (void) n; }
void mm_exists (MAILSTREAM *s,unsigned long n) { (void) s; (void) n; }
void mm_expunged (MAILSTREAM *s,unsigned long n) { (void) s; (void) n; }
void mm_flags (MAILSTREAM *s,unsigned long n) { (void) s; (void) n; }
void mm_notify (MAILSTREAM *s,char *string,long errflg) { (void) s; (void) string; (void) errflg; }
void mm_list (MAILSTREAM *s,int d,char *n,long a) { (void) s; (void) d; (void) n; (void) a; }
void mm_lsub (MAILSTREAM *s,int d,char *n,long a) { (void) s; (void) d; (void) n; (void) a; }
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st) { (void) s; (void) m; (void) st; }
void mm_log (char *string,long errflg) { (void) string; (void) errflg; }
void mm_dlog (char *string) { (void) string; }
void mm_login (NETMBX *mb,char *u,char *pwd,long trial) { (void) mb; (void) trial; *u = *pwd = '\0'; }
void mm_critical (MAILSTREAM *s) { (void) s; }
void mm_nocritical (MAILSTREAM *s) { (void) s; }
long mm_diskerror (MAILSTREAM *s,long errcode,long serious)
{
  (void) s; (void) errcode; (void) serious;
  quit ("Disk error");
  return T;
}
void mm_fatal (char *string)
{
  syslog (LOG_ALERT,"Fatal error: %.80s host=%.80s",string,tcp_clienthost ());
}
