/* refimapd: a small IMAP4rev1 server on the c-client server API, started
 * by inetd (or any launcher) with the connection on stdin/stdout.
 *
 * It is the worked example of docs/server.md: the library calls are the
 * ones UW imapd makes (server_init, server_login, mail_auth, the P* I/O
 * layer, the local drivers through mail_open & co.), in a much smaller
 * program.  Subset: CAPABILITY NOOP LOGOUT STARTTLS LOGIN AUTHENTICATE
 * NAMESPACE SELECT EXAMINE FETCH STORE EXPUNGE CLOSE CHECK APPEND and UID
 * FETCH/STORE.
 * FETCH items: FLAGS UID RFC822.SIZE INTERNALDATE ENVELOPE RFC822
 * RFC822.HEADER RFC822.TEXT BODY[] BODY[HEADER] BODY[TEXT] (and .PEEK).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <signal.h>
#include <syslog.h>
#include <unistd.h>
#include <time.h>
#include <sys/stat.h>
#include "c-client.h"

#define CMDLEN 8192		/* longest command line part */
#define MAXTOKENS 512		/* tokens in one command */
#define MAXLITERAL 65536	/* literal outside APPEND */
#define MAXAPPEND (20*1024*1024)/* APPEND message */
#define IDLETIMEOUT 1800	/* seconds of silence before we hang up (imapd's 30 min) */
#define LOGINTIMEOUT 180	/* seconds of silence before a login (imapd's 3 min) */
#define ANOFILE "/etc/anonymous.newsgroups"	/* anonymous logins allowed */
#define ALERTFILE "/etc/imapd.alert"	/* the system's alert, to every session */
#define USERALERTFILE ".imapalert"	/* a user's own alert, in the home */

enum { T_ATOM, T_STRING, T_LPAREN, T_RPAREN };
typedef struct { int kind; char *s; unsigned long len; } TOKEN;

static TOKEN tok[MAXTOKENS];
static int ntok;
static char *tag = "*";
static MAILSTREAM *stream = NIL;
static int loggedin = 0;
static unsigned long nmsgs = 0, lastexists = 0xffffffff;
static int cancelled = 0;
static int infetch = 0;
static char lasterr[MAILTMPLEN];
static char *pgm = "refimapd";	/* our name: syslog, certificate files */
				/* REFSRV_TIMEOUT, REFSRV_LOGINTIMEOUT override */
static long idletimeout = IDLETIMEOUT, logintimeout = LOGINTIMEOUT;
static char who[128] = "???";	/* the user, for the autologout line */
static char client[256] = "???";	/* tcp_clienthost (), for the same */

static char *up (char *s) { return (char *) ucase ((unsigned char *) s); }
static void out (char *s) { PSOUT (s); }
static void outn (unsigned long n) { char t[32]; sprintf (t,"%lu",n); PSOUT (t); }
static void flush (void) { PFLUSH (); }

/* Ends the session: the goodbye (if any), the mailbox closed, the
 * password back end's cleanup (as imapd), a syslog line "<reason>
 * user=... host=..." when a reason is given, else "Logout host=...". */
static void leave (char *why,char *reason)
{
  logouthook_t lgoh;
  if (why) { out ("* BYE "); out (why); out ("\015\012"); flush (); }
  if (stream) mail_close (stream);
  stream = NIL;
  if ((lgoh = (logouthook_t) mail_parameters (NIL,GET_LOGOUTHOOK,NIL)))
    (*lgoh) (mail_parameters (NIL,GET_LOGOUTDATA,NIL));
  if (reason) syslog (LOG_INFO,"%s user=%.80s host=%.80s",reason,who,tcp_clienthost ());
  else syslog (LOG_INFO,"Logout host=%.80s",tcp_clienthost ());
  exit (0);
}

static void bye (char *why) { leave (why,NIL); }

/* imapd's words when a client stays silent too long */
static void autologout (void) { leave ("Autologout (idle for too long)","Autologout"); }

/* Input already read into stdin's buffer, which INWAIT does not see (as
 * in the original, it asks the descriptor); under TLS the library's own
 * buffer counts. */
static int stdin_buffered (void)
{
#ifdef __GLIBC__
  return stdin->_IO_read_ptr < stdin->_IO_read_end;
#else
  return 0;
#endif
}

/* Waits for the client's next line under a limit, with INWAIT
 * (server_input_wait, or its TLS form): a silent client is logged out as
 * imapd logs it out. Not in a signal handler, so the goodbye can go out
 * through the TLS layer too. */
static void await_input (long limit)
{
  time_t end = time (0) + limit;
  long left;
  if (stdin_buffered ()) return;
  while ((left = (long) (end - time (0))) > 0)
    if (INWAIT (left)) return;	/* input (or end of input) is there */
  autologout ();
}

/* The clock interrupt server_init armed: the rest of a line or a literal
 * did not come in time. The interrupted read may hold the library's TLS
 * state, so nothing is written: a syslog line and an exit. */
static void clkint (int sig)
{
  (void) sig;
  syslog (LOG_INFO,"Autologout user=%.80s host=%.80s",who,client);
  _exit (0);
}

static void remember_user (void)
{
  char *u = myusername ();
  strncpy (who,u ? u : "???",sizeof (who) - 1);
}
static void kodint (int sig) { (void) sig; bye ("Lost mailbox lock"); }
static void hupint (int sig) { (void) sig; if (stream) mail_close (stream); _exit (0); }
static void trmint (int sig) { (void) sig; bye ("Killed"); }

/* ---- reading a command: line parts and literals ---- */

/* Reads one line part into buf (CRLF removed). Returns its length, -1 at
 * end of input, -2 when the line was too long (the rest is skipped). */
static long getline_part (char *buf)
{
  size_t n;
  if (!PSIN (buf,CMDLEN)) return -1;
  n = strlen (buf);
  if (n && buf[n-1] == '\012') {
    buf[--n] = '\0';
    if (n && buf[n-1] == '\015') buf[--n] = '\0';
    return (long) n;
  }
  if (n < CMDLEN - 1) return (long) n;	/* last line without newline */
  do if (!PSIN (buf,CMDLEN)) return -1;	/* skip the rest */
  while ((n = strlen (buf)) && buf[n-1] != '\012');
  return -2;
}

static int addtok (int kind,char *s,unsigned long len)
{
  if (ntok >= MAXTOKENS) return 0;
  tok[ntok].kind = kind; tok[ntok].s = s; tok[ntok].len = len;
  ntok++;
  return 1;
}

/* Splits line part s into tokens, written NUL-terminated into arena (room
 * for twice the line); a trailing {n} is returned in *lit (else -1).
 * Returns 0 on a syntax error. */
static int tokenize (char *s,char *arena,long *lit)
{
  char *d;
  *lit = -1;
  while (*s) {
    if (*s == ' ') { s++; continue; }
    if (*s == '(') { if (!addtok (T_LPAREN,"(",1)) return 0; s++; continue; }
    if (*s == ')') { if (!addtok (T_RPAREN,")",1)) return 0; s++; continue; }
    d = arena;
    if (*s == '"') {		/* quoted string, unescaped */
      for (s++; *s && *s != '"'; s++) {
	if (*s == '\\' && s[1]) s++;
	*d++ = *s;
      }
      if (*s != '"') return 0;
      s++;
      *d = '\0';
      if (!addtok (T_STRING,arena,d - arena)) return 0;
      arena = d + 1;
      continue;
    }
    if (*s == '{') {		/* literal: must end the line */
      char *e;
      unsigned long n = strtoul (s + 1,&e,10);
      if (e == s + 1 || *e != '}' || e[1] || n > MAXAPPEND) return 0;
      *lit = (long) n;
      return 1;
    }
    {				/* atom; brackets may hold spaces and parens */
      int depth = 0;
      while (*s && (depth || (*s != ' ' && *s != '(' && *s != ')'))) {
	if (*s == '[') depth++;
	else if (*s == ']' && depth) depth--;
	*d++ = *s++;
      }
    }
    *d = '\0';
    if (!addtok (T_ATOM,arena,d - arena)) return 0;
    arena = d + 1;
  }
  return 1;
}

/* Storage of the current command's text (line parts and literals). */
static char *store[MAXTOKENS];
static int nstore;

static void free_command (void)
{
  while (nstore) free (store[--nstore]);
  ntok = 0;
}

/* Reads a whole command into tok[]. Returns 1, 0 when the command was bad
 * (already answered), -1 at end of input. */
static int read_command (void)
{
  char line[CMDLEN];
  long n,lit;
  free_command ();
  tag = "*";
  for (;;) {
    char *copy;
    if (!nstore) await_input (loggedin ? idletimeout : logintimeout);
    alarm (loggedin ? idletimeout : logintimeout);
    n = getline_part (line);
    alarm (0);
    if (n == -1) return -1;
    if (n == -2) {
      out ("* BAD Command line too long\015\012");
      return 0;
    }
    if (nstore >= MAXTOKENS - 1) { out ("* BAD Command too complex\015\012"); return 0; }
    if (!(copy = store[nstore++] = malloc (2 * (size_t) n + 2))) bye ("Out of memory");
    if (!tokenize (line,copy,&lit)) {
      out (ntok ? tok[0].s : "*"); out (" BAD Command syntax error\015\012");
      return 0;
    }
    if (lit < 0) break;
    if (lit > MAXLITERAL && !(ntok >= 2 && !strcasecmp (tok[1].s,"APPEND"))) {
      out (ntok ? tok[0].s : "*"); out (" BAD Literal too large\015\012");
      return 0;
    }
    out ("+ Ready for argument\015\012");
    flush ();
    copy = store[nstore++] = malloc (lit + 1);
    alarm (idletimeout);
    if (!copy || !PSINR (copy,(unsigned long) lit)) bye (NIL);
    alarm (0);
    copy[lit] = '\0';
    if (!addtok (T_STRING,copy,(unsigned long) lit)) {
      out ("* BAD Command too complex\015\012");
      return 0;
    }
  }
  if (ntok < 2 || tok[0].kind != T_ATOM || tok[1].kind != T_ATOM) {
    out (ntok ? tok[0].s : "*"); out (" BAD Missing command\015\012");
    return 0;
  }
  tag = tok[0].s;
  return 1;
}

static int is_string (int i) { return i < ntok && tok[i].kind != T_LPAREN && tok[i].kind != T_RPAREN; }

/* ---- responses ---- */

/* Warnings of the library (mm_log WARN), held until the command's tagged
 * response and sent before it as untagged NO, as imapd sends them. */
#define MAXWARN 8
static char warned[MAXWARN][256];
static int nwarned = 0;

static void warnings (void)
{
  int i;
  for (i = 0; i < nwarned; i++) { out ("* NO "); out (warned[i]); out ("\015\012"); }
  nwarned = 0;
}

static void tagged (char *status,char *text)
{
  warnings ();
  out (tag); out (" "); out (status); out (" "); out (text); out ("\015\012");
}

static void capability (void)
{
  unsigned long i;
  AUTHENTICATOR *auth;
  int plain = !mail_parameters (NIL,GET_DISABLEPLAINTEXT,NIL);
  char *s;
  out ("CAPABILITY IMAP4rev1");
  if (!loggedin) {
    if ((s = ssl_start_tls (NIL))) fs_give ((void **) &s);
    else out (" STARTTLS");
    if (!plain) out (" LOGINDISABLED");
    for (i = 1; (auth = mail_lookup_auth (i)); i++)
      if (auth->server && !(auth->flags & AU_DISABLE) &&
	  (plain || (auth->flags & AU_SECURE))) {
	out (" AUTH=");
	out (auth->name);
      }
    if (!access (ANOFILE,F_OK)) out (" AUTH=ANONYMOUS");
  }
}

/* Literal or quoted output of a sized text. */
static void out_literal (unsigned char *s,unsigned long len)
{
  SIZEDTEXT st;
  out ("{"); outn (len); out ("}\015\012");
  st.data = s; st.size = len;
  PSOUTR (&st);
}

/* NIL, a quoted string when that is safe, else a literal. */
static void out_nstring (char *s)
{
  unsigned char *t;
  if (!s) { out ("NIL"); return; }
  for (t = (unsigned char *) s; *t && *t >= ' ' && *t < 0x7f && *t != '"' && *t != '\\'; t++);
  if (*t || t - (unsigned char *) s > 256) out_literal ((unsigned char *) s,strlen (s));
  else { out ("\""); out (s); out ("\""); }
}

static void out_addresses (ADDRESS *a)
{
  if (!a) { out ("NIL"); return; }
  out ("(");
  for (; a; a = a->next) {
    out ("(");
    out_nstring (a->personal); out (" ");
    out_nstring (a->adl); out (" ");
    out_nstring (a->mailbox); out (" ");
    out_nstring (a->host);
    out (")");
  }
  out (")");
}

static void out_envelope (ENVELOPE *e)
{
  if (!e) { out ("NIL"); return; }
  out ("(");
  out_nstring (e->date ? (char *) e->date : NIL); out (" ");
  out_nstring (e->subject); out (" ");
  out_addresses (e->from); out (" ");
  out_addresses (e->sender); out (" ");
  out_addresses (e->reply_to); out (" ");
  out_addresses (e->to); out (" ");
  out_addresses (e->cc); out (" ");
  out_addresses (e->bcc); out (" ");
  out_nstring (e->in_reply_to); out (" ");
  out_nstring (e->message_id);
  out (")");
}

static void out_flags (MESSAGECACHE *elt)
{
  int first = 1;
  unsigned long i;
  out ("FLAGS (");
#define F(c,name) if (c) { if (!first) out (" "); out (name); first = 0; }
  F (elt->recent,"\\Recent");
  F (elt->seen,"\\Seen");
  F (elt->deleted,"\\Deleted");
  F (elt->flagged,"\\Flagged");
  F (elt->answered,"\\Answered");
  F (elt->draft,"\\Draft");
#undef F
  for (i = 0; i < NUSERFLAGS; i++)
    if ((elt->user_flags & (1UL << i)) && stream->user_flags[i]) {
      if (!first) out (" ");
      out (stream->user_flags[i]);
      first = 0;
    }
  out (")");
}

static void report_exists (void)
{
  if (stream && !infetch && nmsgs != lastexists) {
    out ("* "); outn (nmsgs); out (" EXISTS\015\012");
    lastexists = nmsgs;
  }
}

/* ---- commands ---- */

/* The authenticator's responder: a "+ base64" challenge, a base64 line
 * back; "*" cancels. */
static char *responder (void *challenge,unsigned long clen,unsigned long *rlen)
{
  unsigned long i,len;
  unsigned char *t;
  char line[CMDLEN];
  long n;
  out ("+ ");
  if (clen) {
    t = rfc822_binary (challenge,clen,&len);
    for (i = 0; i < len; i++) if (t[i] > ' ') PBOUT (t[i]);
    fs_give ((void **) &t);
  }
  out ("\015\012");
  flush ();
  await_input (logintimeout);
  alarm (logintimeout);
  n = getline_part (line);
  alarm (0);
  if (n == -1) bye (NIL);
  if (n < 0 || !strcmp (line,"*")) {
    cancelled = 1;
    return NIL;
  }
  if (!(t = rfc822_base64 ((unsigned char *) line,n,&len))) {
    cancelled = 1;		/* not base64: treat as a cancel */
    return NIL;
  }
  if (rlen) *rlen = len;
  return (char *) t;
}

static void do_login (void)
{
  char *user,*pass,*admin;
  if (!is_string (2) || !is_string (3) || ntok != 4) { tagged ("BAD","Missing or extra arguments"); return; }
  user = tok[2].s; pass = tok[3].s;
  /* anonymous logins, when the site allows them (as imapd does) */
  if (!strcasecmp (user,"ANONYMOUS") && !access (ANOFILE,F_OK) &&
      anonymous_login (0,NIL)) {
    loggedin = 1; remember_user ();
    syslog (LOG_INFO,"Login anonymous=%.80s host=%.80s",pass,tcp_clienthost ());
    tagged ("OK","LOGIN completed (anonymous)");
    return;
  }
  if ((admin = strchr (user,'*'))) *admin++ = '\0';
  if (server_login (user,pass,admin,0,NIL)) {
    loggedin = 1; remember_user ();
    syslog (LOG_INFO,"Login user=%.80s host=%.80s",user,tcp_clienthost ());
    tagged ("OK","LOGIN completed");
  }
  else tagged ("NO","LOGIN failed");
}

static void do_authenticate (void)
{
  char *user;
  if (!is_string (2) || ntok != 3) { tagged ("BAD","Missing or extra arguments"); return; }
  cancelled = 0;
  /* ANONYMOUS (RFC 4505) is the server's own, as in imapd: the trace
   * string, then anonymous_login, when the site allows anonymous users */
  if (!strcasecmp (tok[2].s,"ANONYMOUS") && !access (ANOFILE,F_OK)) {
    unsigned long len;
    char *trace = responder ("",0,&len);
    if (!trace) tagged ("BAD","AUTHENTICATE ANONYMOUS cancelled");
    else {
      if (anonymous_login (0,NIL)) {
	loggedin = 1; remember_user ();
	syslog (LOG_INFO,"Authenticated anonymous=%.80s host=%.80s",trace,tcp_clienthost ());
	tagged ("OK","AUTHENTICATE completed (anonymous)");
      }
      else tagged ("NO","AUTHENTICATE ANONYMOUS failed");
      fs_give ((void **) &trace);
    }
    return;
  }
  user = mail_auth (up (tok[2].s),responder,0,NIL);
  if (user) {
    loggedin = 1; remember_user ();
    syslog (LOG_INFO,"Authenticated user=%.80s host=%.80s",user,tcp_clienthost ());
    tagged ("OK","AUTHENTICATE completed");
  }
  else if (cancelled) tagged ("BAD","AUTHENTICATE cancelled");
  else tagged ("NO","AUTHENTICATE failed");
}

static void do_select (int readonly)
{
  MAILSTREAM *s;
  if (!is_string (2) || ntok != 3) { tagged ("BAD","Missing or extra arguments"); return; }
  lasterr[0] = '\0';
  nmsgs = 0; lastexists = 0xffffffff;
  if (stream) stream = mail_close (stream);
  s = mail_open (NIL,tok[2].s,readonly ? OP_READONLY : NIL);
  if (!s) {
    stream = NIL;
    warnings ();
    out (tag); out (" NO "); out (lasterr[0] ? lasterr : "Can't open mailbox"); out ("\015\012");
    return;
  }
  stream = s;
  out ("* FLAGS (\\Answered \\Flagged \\Deleted \\Draft \\Seen)\015\012");
  nmsgs = stream->nmsgs;
  report_exists ();
  out ("* "); outn (stream->recent); out (" RECENT\015\012");
  out ("* OK [UIDVALIDITY "); outn (stream->uid_validity); out ("] UID validity\015\012");
  out ("* OK [UIDNEXT "); outn (stream->uid_last + 1); out ("] Predicted next UID\015\012");
  tagged ("OK",stream->rdonly ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed");
}

/* Marks the messages of a sequence (UIDs when uid); 0 if it is bad. */
static int set_sequence (char *seq,int uid)
{
  if (!stream->nmsgs)		/* nothing to mark in an empty mailbox */
    return strspn (seq,"0123456789:*,") == strlen (seq);
  return uid ? mail_uid_sequence (stream,(unsigned char *) seq) :
    mail_sequence (stream,(unsigned char *) seq);
}

/* BODY[HEADER.FIELDS (...)] and .NOT, with or without .PEEK: 1 if it
 * is one; *lines gets the field names, *not is set for .NOT. */
static int header_fields (char *it,STRINGLIST **lines,int *not)
{
  char *s,*e,name[MAILTMPLEN];
  STRINGLIST *l,**tail = lines;
  if (!strncasecmp (it,"BODY.PEEK[",10)) s = it + 10;
  else if (!strncasecmp (it,"BODY[",5)) s = it + 5;
  else return 0;
  if (!strncasecmp (s,"HEADER.FIELDS.NOT (",19)) { *not = 1; s += 19; }
  else if (!strncasecmp (s,"HEADER.FIELDS (",15)) { *not = 0; s += 15; }
  else return 0;
  if (!(e = strchr (s,')')) || strcmp (e,")]")) return 0;
  *lines = NIL;
  while (s < e) {
    size_t n = strcspn (s," )");
    if (n && n < sizeof (name)) {
      memcpy (name,s,n); name[n] = '\0';
      l = *tail = mail_newstringlist ();
      l->text.data = (unsigned char *) cpystr (name);
      l->text.size = n;
      tail = &l->next;
    }
    s += n;
    if (*s == ' ') s++;
  }
  return 1;
}

static void fetch_one (unsigned long i,char **items,int nitems,int uid)
{
  int k,sep = 0,seen = 0;
  unsigned long len;
  char *t,tmp[MAILTMPLEN];
  MESSAGECACHE *elt = mail_elt (stream,i);
  out ("* "); outn (i); out (" FETCH (");
  if (uid) { out ("UID "); outn (mail_uid (stream,i)); sep = 1; }
  for (k = 0; k < nitems; k++) {
    char *it = items[k];
    if (uid && !strcasecmp (it,"UID")) continue;
    if (sep) out (" ");
    sep = 1;
    STRINGLIST *lines;
    int not;
    if (header_fields (it,&lines,&not)) {
      char *p = strstr (it,".PEEK") ? strstr (it,".PEEK") : NIL;
      t = mail_fetch_header (stream,i,NIL,lines,&len,FT_PEEK | (not ? FT_NOT : 0));
      if (p) { out ("BODY"); out (p + 5); }
      else out (it);
      out (" ");
      out_literal ((unsigned char *) t,len);
      mail_free_stringlist (&lines);
    }
    else if (!strcasecmp (it,"FLAGS")) out_flags (elt);
    else if (!strcasecmp (it,"UID")) { out ("UID "); outn (mail_uid (stream,i)); }
    else if (!strcasecmp (it,"RFC822.SIZE")) {
      mail_fetchstructure (stream,i,NIL);
      out ("RFC822.SIZE "); outn (elt->rfc822_size);
    }
    else if (!strcasecmp (it,"INTERNALDATE")) {
      mail_fetchstructure (stream,i,NIL);
      out ("INTERNALDATE \""); out (mail_date (tmp,elt)); out ("\"");
    }
    else if (!strcasecmp (it,"ENVELOPE")) {
      out ("ENVELOPE "); out_envelope (mail_fetchstructure (stream,i,NIL));
    }
    else if (!strcasecmp (it,"RFC822.HEADER") || !strcasecmp (it,"BODY.PEEK[HEADER]") ||
	     !strcasecmp (it,"BODY[HEADER]")) {
      t = mail_fetch_header (stream,i,NIL,NIL,&len,FT_PEEK);
      out (toupper ((unsigned char) it[0]) == 'R' ? "RFC822.HEADER " : "BODY[HEADER] ");
      out_literal ((unsigned char *) t,len);
    }
    else if (!strcasecmp (it,"RFC822.TEXT") || !strcasecmp (it,"BODY.PEEK[TEXT]") ||
	     !strcasecmp (it,"BODY[TEXT]")) {
      int peek = !strcasecmp (it,"BODY.PEEK[TEXT]");
      t = mail_fetch_text (stream,i,NIL,&len,FT_PEEK);
      if (!peek) seen = 1;
      out (toupper ((unsigned char) it[0]) == 'R' ? "RFC822.TEXT " : "BODY[TEXT] ");
      out_literal ((unsigned char *) t,len);
    }
    else if (!strcasecmp (it,"RFC822") || !strcasecmp (it,"BODY[]") ||
	     !strcasecmp (it,"BODY.PEEK[]")) {
      int peek = !strcasecmp (it,"BODY.PEEK[]");
      t = mail_fetch_message (stream,i,&len,FT_PEEK);
      if (!peek) seen = 1;
      out (toupper ((unsigned char) it[0]) == 'R' ? "RFC822 " : "BODY[] ");
      out_literal ((unsigned char *) t,len);
    }
  }
  out (")\015\012");
  if (seen && !elt->seen && !stream->rdonly) {
    sprintf (tmp,"%lu",i);
    mail_setflag (stream,tmp,"\\Seen");
    out ("* "); outn (i); out (" FETCH ("); out_flags (elt); out (")\015\012");
  }
}

static int known_item (char *it)
{
  static char *known[] = {"FLAGS","UID","RFC822.SIZE","INTERNALDATE","ENVELOPE",
    "RFC822.HEADER","RFC822.TEXT","RFC822","BODY[]","BODY.PEEK[]","BODY[HEADER]",
    "BODY.PEEK[HEADER]","BODY[TEXT]","BODY.PEEK[TEXT]",NIL};
  int i,not;
  STRINGLIST *lines;
  for (i = 0; known[i]; i++) if (!strcasecmp (it,known[i])) return 1;
  if (header_fields (it,&lines,&not)) { mail_free_stringlist (&lines); return 1; }
  return 0;
}

static void do_fetch (int base,int uid)
{
  char *items[64];
  int nitems = 0,k;
  unsigned long i;
  if (!is_string (base) || base + 1 >= ntok) { tagged ("BAD","Missing arguments"); return; }
  if (tok[base+1].kind == T_LPAREN) {
    for (k = base + 2; k < ntok && tok[k].kind == T_ATOM && nitems < 64; k++)
      items[nitems++] = tok[k].s;
    if (k != ntok - 1 || tok[k].kind != T_RPAREN) { tagged ("BAD","Bad FETCH item list"); return; }
  }
  else if (tok[base+1].kind == T_ATOM && ntok == base + 2) {
    char *a = tok[base+1].s;
    if (!strcasecmp (a,"ALL")) { items[0] = "FLAGS"; items[1] = "INTERNALDATE"; items[2] = "RFC822.SIZE"; items[3] = "ENVELOPE"; nitems = 4; }
    else if (!strcasecmp (a,"FAST")) { items[0] = "FLAGS"; items[1] = "INTERNALDATE"; items[2] = "RFC822.SIZE"; nitems = 3; }
    else items[nitems++] = a;
  }
  else { tagged ("BAD","Bad FETCH arguments"); return; }
  for (k = 0; k < nitems; k++)
    if (!known_item (items[k])) { tagged ("BAD","Unsupported FETCH item"); return; }
  if (!set_sequence (tok[base].s,uid)) { tagged ("BAD","Bad sequence"); return; }
  infetch = 1;
  for (i = 1; i <= stream->nmsgs; i++)
    if (mail_elt (stream,i)->sequence) fetch_one (i,items,nitems,uid);
  infetch = 0;
  tagged ("OK",uid ? "UID FETCH completed" : "FETCH completed");
}

static void do_store (int base,int uid)
{
  char *op,flags[MAILTMPLEN];
  int k,silent;
  unsigned long i;
  size_t n = 0;
  if (!is_string (base) || base + 2 >= ntok || tok[base+1].kind != T_ATOM) { tagged ("BAD","Missing arguments"); return; }
  op = tok[base+1].s;
  silent = strlen (op) > 7 && !strcasecmp (op + strlen (op) - 7,".SILENT");
  flags[0] = '\0';
  for (k = base + 2; k < ntok; k++) {
    if (tok[k].kind == T_LPAREN || tok[k].kind == T_RPAREN) continue;
    if (n + tok[k].len + 2 >= sizeof (flags)) { tagged ("BAD","Too many flags"); return; }
    if (n) flags[n++] = ' ';
    memcpy (flags + n,tok[k].s,tok[k].len);
    n += tok[k].len;
    flags[n] = '\0';
  }
  if (!set_sequence (tok[base].s,uid)) { tagged ("BAD","Bad sequence"); return; }
  if (!strncasecmp (op,"+FLAGS",6) || !strncasecmp (op,"FLAGS",5)) {
    if (*op != '+') {		/* replace: clear the system flags first */
      for (i = 1; i <= stream->nmsgs; i++) if (mail_elt (stream,i)->sequence) {
	char tmp[32];
	sprintf (tmp,"%lu",i);
	mail_clearflag (stream,tmp,"\\Seen \\Deleted \\Flagged \\Answered \\Draft");
	mail_elt (stream,i)->sequence = T;
      }
      if (!set_sequence (tok[base].s,uid)) { tagged ("BAD","Bad sequence"); return; }
    }
    if (*flags) mail_setflag_full (stream,tok[base].s,flags,uid ? ST_UID : NIL);
  }
  else if (!strncasecmp (op,"-FLAGS",6)) mail_clearflag_full (stream,tok[base].s,flags,uid ? ST_UID : NIL);
  else { tagged ("BAD","Bad STORE operation"); return; }
  if (!silent) {
    set_sequence (tok[base].s,uid);
    for (i = 1; i <= stream->nmsgs; i++) if (mail_elt (stream,i)->sequence) {
      out ("* "); outn (i); out (" FETCH (");
      if (uid) { out ("UID "); outn (mail_uid (stream,i)); out (" "); }
      out_flags (mail_elt (stream,i)); out (")\015\012");
    }
  }
  tagged ("OK",uid ? "UID STORE completed" : "STORE completed");
}

static void do_append (void)
{
  char *mbx,*flags = NIL,*date = NIL,fl[MAILTMPLEN];
  int k = 3;
  STRING msg;
  if (ntok < 4 || !is_string (2)) { tagged ("BAD","Missing arguments"); return; }
  mbx = tok[2].s;
  if (tok[k].kind == T_LPAREN) {
    size_t n = 0;
    fl[0] = '\0';
    for (k++; k < ntok && tok[k].kind == T_ATOM; k++) {
      if (n + tok[k].len + 2 >= sizeof (fl)) { tagged ("BAD","Too many flags"); return; }
      if (n) fl[n++] = ' ';
      memcpy (fl + n,tok[k].s,tok[k].len); n += tok[k].len; fl[n] = '\0';
    }
    if (k >= ntok || tok[k].kind != T_RPAREN) { tagged ("BAD","Bad flag list"); return; }
    flags = fl; k++;
  }
  if (k < ntok - 1 && tok[k].kind == T_STRING) date = tok[k++].s;
  if (k != ntok - 1 || tok[k].kind != T_STRING) { tagged ("BAD","Missing message literal"); return; }
  INIT (&msg,mail_string,(void *) tok[k].s,tok[k].len);
  lasterr[0] = '\0';
  if (mail_append_full (stream,mbx,flags,date,&msg)) tagged ("OK","APPEND completed");
  else { warnings (); out (tag); out (" NO "); out (lasterr[0] ? lasterr : "APPEND failed"); out ("\015\012"); }
}

/* One of NAMESPACE's three lists (RFC 2342): (("prefix" "delimiter")...)
 * or NIL; the library's GET_NAMESPACE answer differs for an anonymous
 * session, as imapd shows it. */
static void out_namespace (NAMESPACE *n)
{
  if (!n) { out ("NIL"); return; }
  out ("(");
  for (; n; n = n->next) {
    out ("(\""); out (n->name); out ("\" ");
    if (!n->delimiter) out ("NIL");
    else {
      char d[5] = "\"\\x\"";	/* quoted, escaped when it must be */
      if (n->delimiter == '"' || n->delimiter == '\\') d[2] = n->delimiter;
      else { d[1] = n->delimiter; d[2] = '"'; d[3] = '\0'; }
      out (d);
    }
    out (")");
  }
  out (")");
}

static void dispatch (void)
{
  char *cmd = up (tok[1].s);
  int uid = 0,base = 2;
  if (!strcmp (cmd,"UID") && ntok > 2 && tok[2].kind == T_ATOM) {
    uid = 1; base = 3; cmd = up (tok[2].s);
  }
  if (!uid && !strcmp (cmd,"CAPABILITY")) {
    out ("* "); capability (); out ("\015\012");
    tagged ("OK","CAPABILITY completed");
  }
  else if (!uid && !strcmp (cmd,"NOOP")) {
    if (stream) mail_ping (stream);
    report_exists ();
    tagged ("OK","NOOP completed");
  }
  else if (!uid && !strcmp (cmd,"LOGOUT")) {
    out ("* BYE Logging out\015\012");
    tagged ("OK","LOGOUT completed");
    flush ();
    bye (NIL);
  }
  else if (!loggedin) {
    if (!strcmp (cmd,"LOGIN")) do_login ();
    else if (!strcmp (cmd,"AUTHENTICATE")) do_authenticate ();
    else if (!strcmp (cmd,"STARTTLS")) {
      char *err = ssl_start_tls (pgm);
      if (err) { out (tag); out (" NO STARTTLS failed: "); out (err); out ("\015\012"); fs_give ((void **) &err); }
      else tagged ("OK","Begin TLS negotiation now");
    }
    else tagged ("BAD","Command unrecognized or not valid before login");
  }
  else if (!uid && !strcmp (cmd,"NAMESPACE")) {
    NAMESPACE **ns = (NAMESPACE **) mail_parameters (NIL,GET_NAMESPACE,NIL);
    out ("* NAMESPACE ");
    out_namespace (ns ? ns[0] : NIL); out (" ");
    out_namespace (ns ? ns[1] : NIL); out (" ");
    out_namespace (ns ? ns[2] : NIL); out ("\015\012");
    tagged ("OK","NAMESPACE completed");
  }
  else if (!uid && (!strcmp (cmd,"SELECT") || !strcmp (cmd,"EXAMINE")))
    do_select (!strcmp (cmd,"EXAMINE"));
  else if (!uid && !strcmp (cmd,"APPEND")) do_append ();
  else if (!stream) tagged ("BAD","Command unrecognized or no mailbox selected");
  else if (!strcmp (cmd,"FETCH")) do_fetch (base,uid);
  else if (!strcmp (cmd,"STORE")) do_store (base,uid);
  else if (!uid && !strcmp (cmd,"EXPUNGE")) {
    if (stream->rdonly) tagged ("NO","Mailbox is read-only");
    else { mail_expunge (stream); report_exists (); tagged ("OK","EXPUNGE completed"); }
  }
  else if (!uid && !strcmp (cmd,"CHECK")) { mail_check (stream); tagged ("OK","CHECK completed"); }
  else if (!uid && !strcmp (cmd,"CLOSE")) {
    if (!stream->rdonly) mail_expunge (stream);
    stream = mail_close (stream);
    tagged ("OK","CLOSE completed");
  }
  else tagged ("BAD","Command unrecognized");
}

/* Alerts, as imapd gives them: each line of an alert file as an untagged
 * "* OK [ALERT]" response, again only once the file has changed. The system
 * file goes to every session, the user's (found with mailboxfile) after the
 * login. (imapd looks at most once a minute; this server at each command.) */
static time_t sysalert,useralert;

static time_t show_alert (char *file,time_t shown)
{
  struct stat sb;
  FILE *f;
  int c,start = 1;
  if (!file || stat (file,&sb) || sb.st_mtime <= shown || !(f = fopen (file,"r")))
    return shown;
  while ((c = getc (f)) != EOF) {
    if (start) out ("* OK [ALERT] ");
    start = (c == '\n');
    if (start) out ("\015\012");
    else if (c != '\r' && c != '\0') PBOUT (c);
  }
  fclose (f);
  if (!start) out ("\015\012");
  return sb.st_mtime;
}

static void alerts (void)
{
  char tmp[MAILTMPLEN];
  sysalert = show_alert (ALERTFILE,sysalert);
  if (loggedin) useralert = show_alert (mailboxfile (tmp,USERALERTFILE),useralert);
}

int main (int argc,char *argv[])
{
  (void) argc;
  pgm = strrchr (argv[0],'/') ? strrchr (argv[0],'/') + 1 : argv[0];
  {				/* shorter limits, for tests */
    char *e;
    if ((e = getenv ("REFSRV_TIMEOUT")) && atol (e) > 0) idletimeout = atol (e);
    if ((e = getenv ("REFSRV_LOGINTIMEOUT")) && atol (e) > 0) logintimeout = atol (e);
  }
#include "linkage.c"
  mail_parameters (NIL,SET_SERVICENAME,(void *) "imap");
  server_init (pgm,"imap","imaps",clkint,kodint,hupint,trmint,NIL);
  strncpy (client,tcp_clienthost (),sizeof (client) - 1);
  out ("* OK [");
  capability ();
  out ("] ");
  out (tcp_serverhost ());
  out (" IMAP4rev1 reference server ready\015\012");
  flush ();
  for (;;) {
    int r = read_command ();
    if (r < 0) {
      syslog (LOG_INFO,"Connection reset by peer host=%.80s",tcp_clienthost ());
      if (stream) mail_close (stream);
      return 0;
    }
    if (r > 0) { alerts (); dispatch (); }
    if (stream) report_exists ();
    flush ();
  }
}

/* ---- callbacks ---- */

void mm_searched (MAILSTREAM *s,unsigned long n) { (void) s; (void) n; }
void mm_exists (MAILSTREAM *s,unsigned long n) { (void) s; nmsgs = n; }
void mm_expunged (MAILSTREAM *s,unsigned long n)
{
  (void) s;
  out ("* "); outn (n); out (" EXPUNGE\015\012");
  if (nmsgs) nmsgs--;
  if (lastexists != 0xffffffff && lastexists) lastexists--;
}
void mm_flags (MAILSTREAM *s,unsigned long n) { (void) s; (void) n; }
void mm_notify (MAILSTREAM *s,char *string,long errflg)
{
  (void) s;
  if (errflg == WARN || !strncmp (string,"[ALERT]",7)) {
    out ("* OK "); out (string); out ("\015\012");
  }
}
void mm_list (MAILSTREAM *s,int d,char *n,long a) { (void) s; (void) d; (void) n; (void) a; }
void mm_lsub (MAILSTREAM *s,int d,char *n,long a) { (void) s; (void) d; (void) n; (void) a; }
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st) { (void) s; (void) m; (void) st; }
void mm_log (char *string,long errflg)
{
				/* imapd ignores this one too */
  if (errflg == WARN && strcmp (string,"Mailbox is empty") && nwarned < MAXWARN) {
    size_t n = strcspn (string,"\015\012");
    if (n > sizeof (warned[0]) - 1) n = sizeof (warned[0]) - 1;
    memcpy (warned[nwarned],string,n);
    warned[nwarned++][n] = '\0';
  }
  if (errflg == ERROR || errflg == WARN) {
    strncpy (lasterr,string,sizeof (lasterr) - 1);
    lasterr[sizeof (lasterr) - 1] = '\0';
  }
}
void mm_dlog (char *string) { (void) string; }
void mm_login (NETMBX *mb,char *user,char *pwd,long trial) { (void) mb; (void) trial; *user = *pwd = '\0'; }
void mm_critical (MAILSTREAM *s) { (void) s; }
void mm_nocritical (MAILSTREAM *s) { (void) s; }
long mm_diskerror (MAILSTREAM *s,long errcode,long serious)
{
  (void) s; (void) errcode; (void) serious;
  bye ("Disk error");
  return T;
}
void mm_fatal (char *string)
{
  syslog (LOG_ALERT,"Fatal error: %.80s host=%.80s",string,tcp_clienthost ());
  out ("* BYE Fatal error\015\012");
  flush ();
}
