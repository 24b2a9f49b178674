/* ccdemo -- a small c-client application that shows what the library
 * answers: its version, linked drivers and authenticators, how it parses
 * network mailbox names, an empty folder opened through the dummy driver,
 * and the messages of a sample mailbox (envelopes, MIME structure,
 * RFC 2047 decoding).
 *
 * It is written the way programs written for c-client are: it defines every
 * mm_* callback, and includes linkage.c inside main() to register the
 * drivers and authenticators the library was configured with.  Anything the
 * library cannot do yet shows up as its own "not available" log line; the
 * demo prints what it got back and carries on.
 *
 * Usage: ccdemo [sample.mbox]
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include "c-client.h"
#include "linkage.h"

/* Deepest MIME nesting we print; the sample needs three levels. */
#define MAX_DEPTH 8

static unsigned long last_exists = 0;

/* ---- callbacks the library calls into ---- */

void mm_searched (MAILSTREAM *stream,unsigned long number) {}

void mm_exists (MAILSTREAM *stream,unsigned long number)
{
  last_exists = number;
}

void mm_expunged (MAILSTREAM *stream,unsigned long number) {}

void mm_flags (MAILSTREAM *stream,unsigned long number) {}

void mm_notify (MAILSTREAM *stream,char *string,long errflg)
{
  mm_log (string,errflg);
}

void mm_list (MAILSTREAM *stream,int delimiter,char *name,long attributes)
{
  printf ("    list: %s\n",name);
}

void mm_lsub (MAILSTREAM *stream,int delimiter,char *name,long attributes)
{
  printf ("    lsub: %s\n",name);
}

void mm_status (MAILSTREAM *stream,char *mailbox,MAILSTATUS *status)
{
  printf ("    status of %s: %lu messages\n",mailbox,status->messages);
}

void mm_log (char *string,long errflg)
{
  const char *level;
  switch (errflg) {
  case NIL: level = "info"; break;
  case PARSE: level = "parse"; break;
  case WARN: level = "warning"; break;
  case BYE: level = "bye"; break;
  case TCPDEBUG: level = "tcp"; break;
  default: level = "error"; break;
  }
  printf ("    [library %s] %s\n",level,string ? string : "(null)");
}

void mm_dlog (char *string)
{
  printf ("    [library debug] %s\n",string ? string : "(null)");
}

/* The demo never logs in anywhere: answer with an empty user, which tells
 * the library to give up. */
void mm_login (NETMBX *mb,char *user,char *pwd,long trial)
{
  user[0] = pwd[0] = '\0';
}

void mm_critical (MAILSTREAM *stream) {}

void mm_nocritical (MAILSTREAM *stream) {}

long mm_diskerror (MAILSTREAM *stream,long errcode,long serious)
{
  printf ("    [library disk error] %s\n",strerror ((int) errcode));
  return T;			/* give up rather than retry forever */
}

void mm_fatal (char *string)
{
  printf ("    [library fatal] %s\n",string ? string : "(null)");
}

/* ---- helpers ---- */

static void section (const char *title)
{
  printf ("\n== %s\n",title);
}

/* Decodes RFC 2047 encoded words of TEXT into OUT as UTF-8; copies TEXT
 * as it is when the library cannot decode it.  Returns OUT. */
static char *decode (char *text,char *out,size_t outlen)
{
  SIZEDTEXT src,dst;
  src.data = (unsigned char *) text;
  src.size = strlen (text);
  dst.data = NIL;
  dst.size = 0;
  if (utf8_mime2text (&src,&dst,NIL) && dst.data) {
    snprintf (out,outlen,"%.*s",(int) dst.size,(char *) dst.data);
    if (dst.data != src.data) fs_give ((void **) &dst.data);
  }
  else snprintf (out,outlen,"%s (not decoded)",text);
  return out;
}

static void print_decoded (const char *label,char *text)
{
  char buf[MAILTMPLEN];
  if (text) printf ("    %s: %s\n",label,decode (text,buf,sizeof buf));
  else printf ("    %s: (none)\n",label);
}

static void print_addresses (const char *label,ADDRESS *adr)
{
  char name[MAILTMPLEN];
  int n = 0;
  for (; adr && n < 20; adr = adr->next, n++) {
    if (!adr->host) {		/* group syntax: start has a name, end has none */
      if (adr->mailbox) printf ("    %s: group %s:\n",label,adr->mailbox);
      else printf ("    %s: end of group\n",label);
      continue;
    }
    printf ("    %s: %s%s<%s@%s>\n",label,
	    adr->personal ? decode (adr->personal,name,sizeof name) : "",
	    adr->personal ? " " : "",
	    adr->mailbox ? adr->mailbox : "?",adr->host ? adr->host : "?");
  }
  if (!n) printf ("    %s: (none)\n",label);
}

static const char *type_name (unsigned short type)
{
  return (type <= TYPEMAX && body_types[type]) ? body_types[type] : "?";
}

static void print_body (BODY *body,const char *section_no,int depth)
{
  PARAMETER *param;
  PART *part;
  char sub[64];
  int n;
  if (!body || depth > MAX_DEPTH) return;
  printf ("    %*s[%s] %s/%s",depth * 2,"",*section_no ? section_no : "1",
	  type_name (body->type),body->subtype ? body->subtype : "?");
  for (param = body->parameter; param; param = param->next)
    if (param->attribute && !compare_cstring (param->attribute,"charset"))
      printf (" charset=%s",param->value ? param->value : "?");
  if (body->disposition.type)
    printf (" (%s)",body->disposition.type);
  printf (", %lu bytes\n",body->size.bytes);
  switch (body->type) {
  case TYPEMULTIPART:
    for (part = body->nested.part, n = 1; part && n < 100; part = part->next, n++) {
      if (*section_no) snprintf (sub,sizeof sub,"%s.%d",section_no,n);
      else snprintf (sub,sizeof sub,"%d",n);
      print_body (&part->body,sub,depth + 1);
    }
    break;
  case TYPEMESSAGE:
    if (body->subtype && !compare_cstring (body->subtype,"RFC822") &&
	body->nested.msg) {
      if (body->nested.msg->env)
	print_decoded ("  forwarded subject",body->nested.msg->env->subject);
      snprintf (sub,sizeof sub,"%s",*section_no ? section_no : "1");
      print_body (body->nested.msg->body,sub,depth + 1);
    }
    break;
  }
}

/* ---- what the demo shows ---- */

static void show_drivers (void)
{
  DRIVER *d;
  int n = 0;
  section ("linked mail drivers (mail_parameters GET_DRIVERS)");
  for (d = (DRIVER *) mail_parameters (NIL,GET_DRIVERS,NIL); d && n < 64;
       d = d->next, n++)
    printf ("    %2d. %s\n",n + 1,d->name ? d->name : "(unnamed)");
  if (!n) printf ("    (the library returned no driver list)\n");
}

static void show_authenticators (void)
{
  AUTHENTICATOR *a;
  unsigned long i;
  section ("linked authenticators (mail_lookup_auth)");
  for (i = 1; i <= 32 && (a = mail_lookup_auth (i)); i++)
    printf ("    %2lu. %s%s\n",i,a->name ? a->name : "(unnamed)",
	    (a->flags & AU_SECURE) ? " (secure)" : "");
  if (i == 1) printf ("    (the library returned no authenticator)\n");
  printf ("    plaintext logins disabled: %ld (0 no, 1 always, 2 unless TLS)\n",
	  (long) mail_parameters (NIL,GET_DISABLEPLAINTEXT,NIL));
}

static void show_net_parse (void)
{
  static char *names[] = {
    "{imap.example.org/ssl/user=joe}INBOX",
    "{[127.0.0.1]:1143/imap/novalidate-cert}Archive/2026",
    "{news.example.org/nntp}#news.comp.mail.imap",
    "{pop.example.com:995/pop3/ssl/authuser=admin}",
    "INBOX",
    "{unterminated.example.org",
    NIL
  };
  NETMBX mb;
  int i;
  section ("mail_valid_net_parse");
  for (i = 0; names[i]; i++) {
    memset (&mb,0,sizeof mb);
    if (mail_valid_net_parse (names[i],&mb))
      printf ("    %-52s host=%s port=%lu service=%s user=%s authuser=%s"
	      " mailbox=%s%s%s\n",names[i],mb.host,mb.port,mb.service,mb.user,
	      mb.authuser,mb.mailbox,mb.sslflag ? " ssl" : "",
	      mb.novalidate ? " novalidate-cert" : "");
    else printf ("    %-52s not a valid network name\n",names[i]);
  }
}

static void show_empty_folder (void)
{
  MAILSTREAM *stream;
  FILE *f;
  section ("mail_open of an empty folder (the dummy driver's case)");
  if (!(f = fopen ("empty","w"))) {
    printf ("    cannot create an empty file here\n");
    return;
  }
  fclose (f);
  last_exists = 0;
  if ((stream = mail_open (NIL,"empty",OP_READONLY))) {
    printf ("    opened with driver %s: %lu messages\n",
	    stream->dtb && stream->dtb->name ? stream->dtb->name : "?",
	    stream->nmsgs);
    mail_close (stream);
  }
  else printf ("    mail_open returned NIL\n");
  unlink ("empty");
}

static void show_mailbox (const char *name)
{
  MAILSTREAM *stream;
  ENVELOPE *env;
  BODY *body;
  unsigned long i;
  section ("messages of the sample mailbox");
  if (!(stream = mail_open (NIL,(char *) name,OP_READONLY))) {
    printf ("    mail_open returned NIL\n");
    return;
  }
  printf ("    opened %s with driver %s: %lu messages\n",name,
	  stream->dtb && stream->dtb->name ? stream->dtb->name : "?",
	  stream->nmsgs);
  for (i = 1; i <= stream->nmsgs && i <= 1000; i++) {
    printf ("  message %lu\n",i);
    body = NIL;
    env = mail_fetchstructure (stream,i,&body);
    if (!env) {
      printf ("    (no envelope)\n");
      continue;
    }
    printf ("    date: %s\n",env->date ? (char *) env->date : "(none)");
    print_addresses ("from",env->from);
    print_addresses ("to",env->to);
    print_decoded ("subject",env->subject);
    print_body (body,"",0);
  }
  mail_close (stream);
}

static void show_address_parsing (void)
{
  ADDRESS *adr = NIL;
  char text[] = "Ines Alvarez <ines.alvarez@example.org>, tom@example.com,"
    " Club: anna@example.net, \"Zoe M.\" <zoe@example.de>;";
  char out[MAILTMPLEN];
  section ("rfc822_parse_adrlist / rfc822_write_address");
  rfc822_parse_adrlist (&adr,text,"example.org");
  print_addresses ("parsed",adr);
  if (adr) {
    out[0] = '\0';
    rfc822_write_address (out,adr);
    printf ("    rewritten: %s\n",out);
    mail_free_address (&adr);
  }
}

int main (int argc,char *argv[])
{
  char *sample = argc > 1 ? argv[1] : "sample.mbox";
  char tmpl[] = "/tmp/ccdemo.XXXXXX";
  char copy[PATH_MAX];
  FILE *in,*out;
  size_t n;
  char buf[8192];

  printf ("ccdemo: a c-client application, built against headers of version %s\n",
	  CCLIENTVERSION);
#include "linkage.c"

  show_drivers ();
  show_authenticators ();
  show_net_parse ();
  show_address_parsing ();

  /* Work on a copy in a scratch directory, under a relative name: the
   * Debian-style build refuses mailbox names that begin with "/" or "..". */
  if (!mkdtemp (tmpl)) {
    perror ("mkdtemp");
    return 1;
  }
  snprintf (copy,sizeof copy,"%s/sample.mbox",tmpl);
  if ((in = fopen (sample,"rb")) && (out = fopen (copy,"wb"))) {
    while ((n = fread (buf,1,sizeof buf,in)) > 0) fwrite (buf,1,n,out);
    fclose (out);
  }
  else printf ("ccdemo: cannot copy %s\n",sample);
  if (in) fclose (in);
  /* Relative mailbox names are taken from the home directory: point it at
   * the scratch directory through the library's parameter hook. */
  mail_parameters (NIL,SET_HOMEDIR,(void *) tmpl);
  printf ("\n    home directory for mailbox names: %s\n",
	  (char *) mail_parameters (NIL,GET_HOMEDIR,NIL) ?
	  (char *) mail_parameters (NIL,GET_HOMEDIR,NIL) : "(library did not say)");
  if (chdir (tmpl)) {
    perror ("chdir");
    return 1;
  }
  show_empty_folder ();
  show_mailbox ("sample.mbox");
  unlink ("sample.mbox");
  if (chdir ("/") == 0) rmdir (tmpl);
  printf ("\nccdemo: done\n");
  return 0;
}
