/* ccdemo -- a small c-client application that shows what the library
 * answers: its version, linked drivers and authenticators, how it parses
 * network mailbox names and address lists, and above all its RFC 822/MIME
 * engine at work on the messages of a sample mailbox, printed the way a
 * mail client shows them (envelope, MIME tree with IMAP section numbers,
 * decoded text).  Last, it asks the library to open the sample mailbox
 * itself through mail_open, which needs the unix mailbox driver.
 *
 * It is written the way programs written for c-client are: it defines every
 * mm_* callback, and includes linkage.c inside main() to register the
 * drivers and authenticators the library was configured with.  Anything the
 * library cannot do yet shows up as its own "not available" log line; the
 * demo prints what it got back and carries on.
 *
 * Its output contains no pointers, times or temporary paths, so the same
 * program built against the original c-client must print the same text
 * (demo/check.sh compares the two).
 *
 * Usage: ccdemo [sample.mbox]
 */

#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <ctype.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include "c-client.h"
#include "linkage.h"

/* Deepest MIME nesting we print; the sample needs four levels. */
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

/* ---- the RFC 822/MIME engine on the sample mailbox ---- */

/* Bounds for the sample reader: anything beyond is reported, not shown. */
#define MAX_MESSAGES 1000
#define MAX_MBOX_BYTES (16UL * 1024 * 1024)
#define MAX_TEXT_PARTS 64
#define SHOW_LINES 6		/* lines of each text part shown */
#define SHOW_WIDTH 72		/* bytes of each line shown */

/* What the demo counts while it walks the messages. */
typedef struct {
  unsigned long messages,bytes,parts,text,attachments,forwarded;
  unsigned long decoded,undecoded;
} TOTALS;

/* A text (or attachment) part to show after the tree. */
typedef struct {
  char label[64];
  BODY *body;
} SHOWPART;

typedef struct {
  SHOWPART part[MAX_TEXT_PARTS];
  int n;
} SHOWLIST;

/* "1 line", "2 lines" */
static const char *plural (unsigned long n)
{
  return n == 1 ? "" : "s";
}

static const char *encoding_name (unsigned short enc)
{
  return (enc <= ENCMAX && body_encodings[enc]) ? body_encodings[enc] : "?";
}

static char *param_value (PARAMETER *param,const char *attribute)
{
  for (; param; param = param->next)
    if (param->attribute && !compare_cstring (param->attribute,
					     (char *) attribute))
      return param->value;
  return NIL;
}

/* Appends printf-style text to BUF (of SIZE bytes) at *USED, never past
 * its end. */
static void append (char *buf,size_t size,size_t *used,const char *fmt,...)
{
  va_list ap;
  int n;
  if (*used >= size) return;
  va_start (ap,fmt);
  n = vsnprintf (buf + *used,size - *used,fmt,ap);
  va_end (ap);
  if (n > 0) *used = (*used + n < size) ? *used + n : size - 1;
}

/* An address list the way a mail client shows it: decoded personal
 * names, group syntax kept. */
static void show_address_list (const char *indent,const char *label,
			       ADDRESS *adr)
{
  char line[4 * MAILTMPLEN],name[MAILTMPLEN];
  size_t used = 0;
  int n = 0,ingroup = 0;
  if (!adr) return;
  line[0] = '\0';
  for (; adr && n < 100; adr = adr->next, n++) {
    if (!adr->host) {		/* group start has a name, group end none */
      if (adr->mailbox) {
	append (line,sizeof line,&used,"%s%s: ",n ? ", " : "",
		decode (adr->mailbox,name,sizeof name));
	ingroup = 1;
	n = -1;			/* no comma before the first member */
      }
      else {
	append (line,sizeof line,&used,";");
	ingroup = 0;
      }
      continue;
    }
    if (n > 0) append (line,sizeof line,&used,", ");
    if (adr->personal)
      append (line,sizeof line,&used,"%s <%s@%s>",
	      decode (adr->personal,name,sizeof name),
	      adr->mailbox ? adr->mailbox : "?",adr->host);
    else append (line,sizeof line,&used,"%s@%s",
		 adr->mailbox ? adr->mailbox : "?",adr->host);
  }
  if (ingroup) append (line,sizeof line,&used,";");
  printf ("%s%-12s%s\n",indent,label,line);
}

/* rfc822_write_address writes into the caller's buffer without a bound:
 * only call it when the list surely fits. */
static void show_written_addresses (const char *label,ADDRESS *adr)
{
  static char out[SENDBUFLEN];
  ADDRESS *a;
  size_t need = 1;
  for (a = adr; a; a = a->next) {
    need += 16;
    if (a->personal) need += 2 * strlen (a->personal);
    if (a->adl) need += 2 * strlen (a->adl);
    if (a->mailbox) need += 2 * strlen (a->mailbox);
    if (a->host) need += 2 * strlen (a->host);
  }
  if (!adr) return;
  if (need > sizeof out) {
    printf ("    %s: (too long to write here)\n",label);
    return;
  }
  out[0] = '\0';
  rfc822_write_address (out,adr);
  printf ("    %s: %s\n",label,out);
}

static void show_envelope (const char *indent,ENVELOPE *env)
{
  char buf[MAILTMPLEN],when[MAILTMPLEN];
  MESSAGECACHE elt;
  if (!env) {
    printf ("%s(no envelope)\n",indent);
    return;
  }
  if (env->date) {
    printf ("%s%-12s%s\n",indent,"Date:",(char *) env->date);
    memset (&elt,0,sizeof elt);
    if (mail_parse_date (&elt,env->date))
      printf ("%s%-12s%s (mail_parse_date, then mail_date)\n",indent,"",
	      mail_date (when,&elt));
    else printf ("%s%-12s(mail_parse_date cannot read it)\n",indent,"");
  }
  show_address_list (indent,"From:",env->from);
  show_address_list (indent,"To:",env->to);
  show_address_list (indent,"Cc:",env->cc);
  if (env->subject)
    printf ("%s%-12s%s\n",indent,"Subject:",decode (env->subject,buf,sizeof buf));
  if (env->message_id) printf ("%s%-12s%s\n",indent,"Message-ID:",env->message_id);
}

/* One line of the MIME tree: section, type, parameters, encoding, size,
 * disposition. */
static void show_part_line (BODY *b,const char *label,int depth)
{
  PARAMETER *p;
  printf ("    %-9s%*s%s/%s",label,depth * 2,"",type_name (b->type),
	  b->subtype ? b->subtype : "?");
  for (p = b->parameter; p; p = p->next)
    if (p->attribute && compare_cstring (p->attribute,"BOUNDARY"))
      printf ("; %s=%s",p->attribute,p->value ? p->value : "");
  if (b->type != TYPEMULTIPART) printf (", %s",encoding_name (b->encoding));
  printf (", %lu bytes",b->size.bytes);
  if (b->type == TYPETEXT || b->type == TYPEMESSAGE)
    printf (", %lu line%s",b->size.lines,plural (b->size.lines));
  if (b->disposition.type) {
    printf (", %s",b->disposition.type);
    for (p = b->disposition.parameter; p; p = p->next)
      if (p->attribute)
	printf ("; %s=%s",p->attribute,p->value ? p->value : "");
  }
  if (b->description) printf (" \"%s\"",b->description);
  putchar ('\n');
}

/* The MIME tree, numbered as IMAP numbers sections: a multipart's parts
 * are PREFIX.1, PREFIX.2, ... (1, 2, ... at the top); the body of a
 * message/rfc822 at section S is S.TEXT when multipart, S.1 otherwise. */
static void show_tree (BODY *b,const char *label,const char *prefix,int depth,
		       SHOWLIST *show,TOTALS *t)
{
  PART *part;
  char sub[64],nested[64];
  int n;
  if (!b || depth > MAX_DEPTH) return;
  t->parts++;
  show_part_line (b,label,depth);
  switch (b->type) {
  case TYPEMULTIPART:
    for (part = b->nested.part, n = 1; part && n <= 100; part = part->next, n++) {
      if (*prefix) snprintf (sub,sizeof sub,"%s.%d",prefix,n);
      else snprintf (sub,sizeof sub,"%d",n);
      show_tree (&part->body,sub,sub,depth + 1,show,t);
    }
    return;
  case TYPEMESSAGE:
    if (b->subtype && !compare_cstring (b->subtype,"RFC822") && b->nested.msg) {
      char indent[64];
      t->forwarded++;
      snprintf (indent,sizeof indent,"    %-9s%*s  ","",depth * 2,"");
      show_envelope (indent,b->nested.msg->env);
      if (b->nested.msg->body) {
	if (b->nested.msg->body->type == TYPEMULTIPART) {
	  snprintf (nested,sizeof nested,"%s.TEXT",label);
	  show_tree (b->nested.msg->body,nested,label,depth + 1,show,t);
	}
	else {
	  snprintf (nested,sizeof nested,"%s.1",label);
	  show_tree (b->nested.msg->body,nested,nested,depth + 1,show,t);
	}
      }
      return;
    }
    break;
  }
  /* a leaf: text parts and attachments are shown after the tree */
  if (b->type == TYPETEXT) t->text++;
  if (b->disposition.type && !compare_cstring (b->disposition.type,"ATTACHMENT"))
    t->attachments++;
  if (show->n < MAX_TEXT_PARTS &&
      (b->type == TYPETEXT || b->disposition.type)) {
    snprintf (show->part[show->n].label,sizeof show->part[show->n].label,"%s",
	      label);
    show->part[show->n++].body = b;
  }
}

/* Prints TEXT (UTF-8) the way a message list preview does: the first
 * lines, cut on a character boundary, control characters made visible. */
static void show_abridged (unsigned char *s,unsigned long len)
{
  unsigned long i = 0,start,end,cut;
  unsigned long lines = 0,shown = 0;
  unsigned long total = 0;
  for (i = 0; i < len; i++) if (s[i] == '\n') total++;
  if (len && s[len - 1] != '\n') total++;
  for (i = 0; i < len && shown < SHOW_LINES; lines++) {
    start = i;
    while (i < len && s[i] != '\n') i++;
    end = i;
    if (i < len) i++;		/* past the LF */
    if (end > start && s[end - 1] == '\r') end--;
    cut = end;
    if (cut - start > SHOW_WIDTH) {
      cut = start + SHOW_WIDTH;
      while (cut > start && (s[cut] & 0xc0) == 0x80) cut--;
    }
    printf ("        | ");
    for (unsigned long k = start; k < cut; k++)
      putchar ((s[k] < 0x20 && s[k] != '\t') || s[k] == 0x7f ? '?' : s[k]);
    printf ("%s\n",cut < end ? " [...]" : "");
    shown++;
  }
  if (total > shown)
    printf ("        | (%lu more line%s)\n",total - shown,plural (total - shown));
}

/* Decodes the content transfer encoding of part B (found at its offset in
 * the message text TEXT), converts text to UTF-8, prints it abridged. */
static void show_part_text (const char *label,BODY *b,unsigned char *text,
			    unsigned long textlen,TOTALS *t)
{
  unsigned long off = b->contents.offset,size = b->contents.text.size,len = 0;
  unsigned char *raw,*plain = NIL;
  char *charset = param_value (b->parameter,"CHARSET");
  char *name = param_value (b->disposition.parameter,"FILENAME");
  SIZEDTEXT src,dst;
  if (!name) name = param_value (b->parameter,"NAME");
  printf ("    [%s] %s/%s",label,type_name (b->type),
	  b->subtype ? b->subtype : "?");
  if (name) printf (" \"%s\"",name);
  if (off > textlen || size > textlen - off) {
    printf (": outside the message text\n");
    return;
  }
  raw = text + off;
  switch (b->encoding) {
  case ENCBASE64:
    plain = rfc822_base64 (raw,size,&len);
    break;
  case ENCQUOTEDPRINTABLE:
    plain = rfc822_qprint (raw,size,&len);
    break;
  default:
    len = size;
  }
  if ((b->encoding == ENCBASE64 || b->encoding == ENCQUOTEDPRINTABLE) && !plain) {
    printf (": the %s content does not decode\n",encoding_name (b->encoding));
    t->undecoded++;
    return;
  }
  if (plain) printf (", %lu bytes after %s decoding",len,
		     encoding_name (b->encoding));
  if (b->type != TYPETEXT) {
    printf (", not text: not shown\n");
    if (plain) fs_give ((void **) &plain);
    return;
  }
  src.data = plain ? plain : raw;
  src.size = len;
  dst.data = NIL;
  dst.size = 0;
  if (utf8_text (&src,charset,&dst,NIL)) {
    printf (", %s to UTF-8:\n",charset ? charset : "US-ASCII");
    show_abridged (dst.data,dst.size);
    t->decoded++;
  }
  else {
    printf (", charset %s unknown to the library:\n",charset ? charset : "?");
    show_abridged (src.data,src.size);
    t->undecoded++;
  }
  if (dst.data && dst.data != src.data) fs_give ((void **) &dst.data);
  if (plain) fs_give ((void **) &plain);
}

/* Is the line at S (LEN bytes, no newline) a mailbox separator: "From ",
 * a sender, then a ctime-shaped date, "Www Mmm dd hh:mm[:ss] ... yyyy"? */
static int is_from_line (const char *s,size_t len)
{
  static const char *days = "SunMonTueWedThuFriSat";
  static const char *months = "JanFebMarAprMayJunJulAugSepOctNovDec";
  size_t i,j;
  if (len < 5 || strncmp (s,"From ",5)) return 0;
  for (i = 5; i + 16 <= len; i++) {
    const char *d = s + i;
    char day[4],mon[4];
    if (d[-1] != ' ' || d[3] != ' ' || d[7] != ' ') continue;
    memcpy (day,d,3); day[3] = '\0';
    memcpy (mon,d + 4,3); mon[3] = '\0';
    if (!strstr (days,day) || (strstr (days,day) - days) % 3) continue;
    if (!strstr (months,mon) || (strstr (months,mon) - months) % 3) continue;
    if (!(d[8] == ' ' || isdigit ((unsigned char) d[8])) ||
	!isdigit ((unsigned char) d[9]) || d[10] != ' ' ||
	!isdigit ((unsigned char) d[11]) || !isdigit ((unsigned char) d[12]) ||
	d[13] != ':' || !isdigit ((unsigned char) d[14]) ||
	!isdigit ((unsigned char) d[15]))
      continue;
    /* a year follows the time somewhere on the line */
    for (j = i + 16; j + 4 <= len; j++)
      if (isdigit ((unsigned char) s[j]) && isdigit ((unsigned char) s[j + 1]) &&
	  isdigit ((unsigned char) s[j + 2]) && isdigit ((unsigned char) s[j + 3]) &&
	  (j + 4 == len || s[j + 4] == ' ') && s[j - 1] == ' ')
	return 1;
  }
  return 0;
}

/* Parses and shows one message, given as it stood in the mailbox (LF
 * line ends, From line already removed). */
static void show_message (unsigned long msgno,const char *msg,size_t len,
			  TOTALS *t)
{
  char *crlf;
  size_t i,n = 0,hdrlen;
  ENVELOPE *env = NIL;
  BODY *body = NIL;
  STRING bs;
  SHOWLIST *show;
  int k;
  /* The parser wants CRLF text, as the local drivers hand it over. */
  if (!(crlf = malloc (2 * len + 1)) || !(show = calloc (1,sizeof *show))) {
    printf ("  out of memory\n");
    free (crlf);
    return;
  }
  for (i = 0; i < len; i++) {
    if (msg[i] == '\n' && (i == 0 || msg[i - 1] != '\r')) crlf[n++] = '\r';
    crlf[n++] = msg[i];
  }
  crlf[n] = '\0';
  for (hdrlen = 0; hdrlen + 1 < n; hdrlen++)
    if (crlf[hdrlen] == '\r' && crlf[hdrlen + 1] == '\n' &&
	(hdrlen == 0 || (hdrlen >= 2 && crlf[hdrlen - 2] == '\r' &&
			 crlf[hdrlen - 1] == '\n')))
      break;
  hdrlen = (hdrlen + 1 < n) ? hdrlen + 2 : n;
  printf ("\n-- message %lu: %lu bytes (header %lu, text %lu)\n",msgno,
	  (unsigned long) n,(unsigned long) hdrlen,(unsigned long) (n - hdrlen));
  t->messages++;
  t->bytes += n;
  INIT (&bs,mail_string,(void *) (crlf + hdrlen),n - hdrlen);
  rfc822_parse_msg_full (&env,&body,crlf,hdrlen,&bs,BADHOST,0,0);
  show_envelope ("    ",env);
  if (env) {
    show_written_addresses ("From, as rfc822_write_address writes it",env->from);
    show_written_addresses ("To, as rfc822_write_address writes it",env->to);
  }
  printf ("  MIME structure:\n");
  if (body) {
    if (body->type == TYPEMULTIPART) show_tree (body,"TEXT","",0,show,t);
    else show_tree (body,"1","1",0,show,t);
  }
  if (show->n) printf ("  parts:\n");
  for (k = 0; k < show->n; k++)
    show_part_text (show->part[k].label,show->part[k].body,
		    (unsigned char *) crlf + hdrlen,n - hdrlen,t);
  mail_free_envelope (&env);
  mail_free_body (&body);
  free (show);
  free (crlf);
}

/* Reads the sample mailbox and splits it the way the unix driver does: a
 * message starts at a From line at the start of the file or after an
 * empty line; the empty line before the next From line ends it. */
static void show_parsed_mailbox (const char *file)
{
  FILE *f;
  char *data;
  size_t len = 0,got,pos,line,eol,msgstart = 0;
  unsigned long msgno = 0;
  int inmsg = 0,prevblank = 1;
  TOTALS t;
  memset (&t,0,sizeof t);
  section ("the sample mailbox through the RFC 822/MIME engine"
	   " (rfc822_parse_msg_full)");
  if (!(f = fopen (file,"rb"))) {
    printf ("    cannot read %s\n",file);
    return;
  }
  if (!(data = malloc (MAX_MBOX_BYTES + 1))) {
    fclose (f);
    printf ("    out of memory\n");
    return;
  }
  while (len < MAX_MBOX_BYTES &&
	 (got = fread (data + len,1,MAX_MBOX_BYTES - len,f)) > 0) len += got;
  fclose (f);
  data[len] = '\0';
  for (pos = 0;; pos = eol + 1) {
    int atend = pos >= len;
    if (atend) pos = len;
    line = pos;
    for (eol = pos; eol < len && data[eol] != '\n'; eol++);
    if (atend || (prevblank && is_from_line (data + line,eol - line))) {
      if (inmsg && msgno <= MAX_MESSAGES) {
	size_t end = pos;	/* the separating empty line is not the message's */
	if (end > msgstart + 1 && data[end - 1] == '\n' && data[end - 2] == '\n')
	  end--;
	show_message (msgno,data + msgstart,end - msgstart,&t);
      }
      if (atend) break;
      inmsg = 1;
      msgno++;
      msgstart = eol < len ? eol + 1 : len;
    }
    prevblank = (eol == line) || (eol == line + 1 && data[line] == '\r');
  }
  if (!msgno) printf ("    no message found (a mailbox starts with a From line)\n");
  else if (msgno > MAX_MESSAGES)
    printf ("\n    (%lu more messages not shown)\n",msgno - MAX_MESSAGES);
  printf ("\nsummary: %lu message%s, %lu bytes as CRLF text; %lu body part%s:"
	  " %lu text, %lu attachment%s, %lu forwarded message%s;"
	  " %lu part%s decoded to UTF-8, %lu not\n",t.messages,plural (t.messages),
	  t.bytes,t.parts,plural (t.parts),t.text,t.attachments,
	  plural (t.attachments),t.forwarded,plural (t.forwarded),t.decoded,
	  plural (t.decoded),t.undecoded);
  free (data);
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
  section ("mail_open of the sample mailbox (needs the unix mailbox driver)");
  if (!(stream = mail_open (NIL,(char *) name,OP_READONLY))) {
    printf ("    mail_open returned NIL: the library cannot open it\n");
    return;
  }
  printf ("    opened %s with driver %s: %lu messages\n",name,
	  stream->dtb && stream->dtb->name ? stream->dtb->name : "?",
	  stream->nmsgs);
  for (i = 1; i <= stream->nmsgs && i <= MAX_MESSAGES; i++) {
    SHOWLIST *show = calloc (1,sizeof *show);
    TOTALS t;
    printf ("\n-- message %lu\n",i);
    body = NIL;
    env = mail_fetchstructure (stream,i,&body);
    show_envelope ("    ",env);
    printf ("  MIME structure:\n");
    if (body && show) {
      memset (&t,0,sizeof t);
      if (body->type == TYPEMULTIPART) show_tree (body,"TEXT","",0,show,&t);
      else show_tree (body,"1","1",0,show,&t);
    }
    free (show);
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
  show_parsed_mailbox (sample);

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
  {
    char *home = (char *) mail_parameters (NIL,GET_HOMEDIR,NIL);
    section ("home directory for relative mailbox names (SET_HOMEDIR, GET_HOMEDIR)");
    printf ("    %s\n",!home ?
	    "(library did not say)" : strcmp (home,tmpl) ? "not the one set" :
	    "the scratch directory, as set");
  }
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
