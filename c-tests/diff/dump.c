/* dump: canonical text dump of how c-client parses messages.
 *
 * Built once against the original's headers and run against two libraries
 * (the original and ours, chosen with LD_LIBRARY_PATH); run.sh compares the
 * outputs message by message.  The dump holds no pointers, addresses or
 * times, so two runs of the same library give identical bytes.
 *
 * usage: dump [-s N] [-l] FILE...
 *   -s N  start at message N (1-based) of every file (crash isolation)
 *   -l    only list "FILE KIND COUNT" per file, parse nothing
 *
 * Each message is framed by "=== MSG <file>#<n>" and "=== END <file>#<n>",
 * and stdout is flushed after each message, so a crash leaves every finished
 * message intact and names the one that was being parsed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"
#include "msgsplit.h"

/* ---- output helpers ---- */

static void esc (const unsigned char *s,size_t n)
{
  size_t i;
  putchar ('"');
  for (i = 0; i < n; i++) {
    if (s[i] == '\\' || s[i] == '"') printf ("\\%c",s[i]);
    else if (s[i] >= 0x20 && s[i] < 0x7f) putchar (s[i]);
    else printf ("\\x%02x",s[i]);
  }
  putchar ('"');
}

static void pstr (int ind,const char *label,const char *s)
{
  printf ("%*s%s=",ind,"",label);
  if (s) esc ((const unsigned char *) s,strlen (s));
  else fputs ("NIL",stdout);
  putchar ('\n');
}

/* ---- callbacks: a c-client application must define all of them ---- */

static const char *errname (long e)
{
  switch (e) {
  case NIL: return "NIL";
  case WARN: return "WARN";
  case ERROR: return "ERROR";
  case PARSE: return "PARSE";
  case BYE: return "BYE";
  default: return "OTHER";
  }
}

void mm_log (char *string,long errflg)
{
  printf ("LOG[%s]: ",errname (errflg));
  if (string) esc ((unsigned char *) string,strlen (string));
  putchar ('\n');
}
void mm_notify (MAILSTREAM *stream,char *string,long errflg)
{
  printf ("NOTIFY[%s]: ",errname (errflg));
  if (string) esc ((unsigned char *) string,strlen (string));
  putchar ('\n');
}
void mm_dlog (char *string) { pstr (0,"DLOG",string); }
void mm_fatal (char *string) { pstr (0,"FATAL",string); fflush (stdout); }
void mm_searched (MAILSTREAM *stream,unsigned long number)
{ printf ("CB searched %lu\n",number); }
void mm_exists (MAILSTREAM *stream,unsigned long number)
{ printf ("CB exists %lu\n",number); }
void mm_expunged (MAILSTREAM *stream,unsigned long number)
{ printf ("CB expunged %lu\n",number); }
void mm_flags (MAILSTREAM *stream,unsigned long number)
{ printf ("CB flags %lu\n",number); }
void mm_list (MAILSTREAM *stream,int delimiter,char *name,long attributes)
{ pstr (0,"CB list",name); }
void mm_lsub (MAILSTREAM *stream,int delimiter,char *name,long attributes)
{ pstr (0,"CB lsub",name); }
void mm_status (MAILSTREAM *stream,char *mailbox,MAILSTATUS *status)
{ pstr (0,"CB status",mailbox); }
void mm_login (NETMBX *mb,char *user,char *pwd,long trial)
{ *user = *pwd = '\0'; puts ("CB login"); }
void mm_critical (MAILSTREAM *stream) { puts ("CB critical"); }
void mm_nocritical (MAILSTREAM *stream) { puts ("CB nocritical"); }
long mm_diskerror (MAILSTREAM *stream,long errcode,long serious)
{ puts ("CB diskerror"); return T; }

/* ---- addresses ---- */

/* upper bound of what rfc822_write_address may write; the legacy writer
 * aborts the process beyond SENDBUFLEN, so larger lists are not written */
static size_t addr_bound (ADDRESS *a)
{
  size_t n = 1;
  for (; a; a = a->next) {
    n += 32;
    if (a->personal) n += 3 * strlen (a->personal);
    if (a->adl) n += 3 * strlen (a->adl);
    if (a->mailbox) n += 3 * strlen (a->mailbox);
    if (a->host) n += 3 * strlen (a->host);
  }
  return n;
}

static char *outbuf;		/* growing sink for rfc822_output_* */
static size_t outlen,outcap;

static long sink (void *stream,char *string)
{
  size_t n = strlen (string);
  if (outlen + n + 1 > outcap) {
    outcap = (outlen + n + 1) * 2;
    if (!(outbuf = (char *) realloc (outbuf,outcap))) exit (2);
  }
  memcpy (outbuf + outlen,string,n + 1);
  outlen += n;
  return LONGT;
}

static void dump_addr (int ind,const char *label,ADDRESS *adr)
{
  static char wbuf[SENDBUFLEN + 1024];
  char tmp[SENDBUFLEN];
  RFC822BUFFER buf;
  ADDRESS *a;
  int i = 0;
  if (!adr) { printf ("%*s%s=NIL\n",ind,"",label); return; }
  printf ("%*s%s:\n",ind,"",label);
  for (a = adr; a; a = a->next) {
    printf ("%*s[%d]\n",ind + 2,"",i++);
    pstr (ind + 4,"personal",a->personal);
    pstr (ind + 4,"adl",a->adl);
    pstr (ind + 4,"mailbox",a->mailbox);
    pstr (ind + 4,"host",a->host);
    pstr (ind + 4,"error",a->error);
    pstr (ind + 4,"orcpt.type",a->orcpt.type);
    pstr (ind + 4,"orcpt.addr",a->orcpt.addr);
  }
  if (addr_bound (adr) < SENDBUFLEN - 1024) {
    wbuf[0] = '\0';
    rfc822_write_address (wbuf,adr);
    pstr (ind + 2,"write_address",wbuf);
  }
  else printf ("%*swrite_address=SKIPPED(too long for legacy buffer)\n",
	       ind + 2,"");
  outlen = 0;			/* the same list through a flushing buffer */
  if (outbuf) outbuf[0] = '\0';
  buf.f = sink; buf.s = NIL;
  buf.beg = buf.cur = tmp; buf.end = tmp + sizeof (tmp) - 1;
  rfc822_output_address_list (&buf,adr,0,NIL);
  rfc822_output_flush (&buf);
  pstr (ind + 2,"output_address_list",outbuf ? outbuf : "");
}

/* ---- envelope and body ---- */

static void dump_params (int ind,const char *label,PARAMETER *p)
{
  if (!p) { printf ("%*s%s=NIL\n",ind,"",label); return; }
  printf ("%*s%s:\n",ind,"",label);
  for (; p; p = p->next) {
    printf ("%*s",ind + 2,"");
    if (p->attribute) esc ((unsigned char *) p->attribute,strlen (p->attribute));
    else fputs ("NIL",stdout);
    putchar ('=');
    if (p->value) esc ((unsigned char *) p->value,strlen (p->value));
    else fputs ("NIL",stdout);
    putchar ('\n');
  }
}

static void dump_body (int ind,BODY *b);

static void dump_env (int ind,ENVELOPE *e)
{
  if (!e) { printf ("%*senvelope=NIL\n",ind,""); return; }
  printf ("%*senvelope: incomplete=%u imapenvonly=%u sparep=%s\n",ind,"",
	  e->incomplete,e->imapenvonly,e->sparep ? "set" : "NIL");
  ind += 2;
  pstr (ind,"remail",e->remail);
  dump_addr (ind,"return_path",e->return_path);
  pstr (ind,"date",(char *) e->date);
  dump_addr (ind,"from",e->from);
  dump_addr (ind,"sender",e->sender);
  dump_addr (ind,"reply_to",e->reply_to);
  pstr (ind,"subject",e->subject);
  dump_addr (ind,"to",e->to);
  dump_addr (ind,"cc",e->cc);
  dump_addr (ind,"bcc",e->bcc);
  pstr (ind,"in_reply_to",e->in_reply_to);
  pstr (ind,"message_id",e->message_id);
  pstr (ind,"newsgroups",e->newsgroups);
  pstr (ind,"followup_to",e->followup_to);
  pstr (ind,"references",e->references);
}

static void dump_parttext (int ind,const char *label,PARTTEXT *t)
{
  printf ("%*s%s: offset=%lu size=%lu data=",ind,"",label,t->offset,
	  t->text.size);
  if (t->text.data) esc (t->text.data,t->text.size);
  else fputs ("NIL",stdout);
  putchar ('\n');
}

static void dump_body (int ind,BODY *b)
{
  STRINGLIST *l;
  PART *p;
  int i;
  if (!b) { printf ("%*sbody=NIL\n",ind,""); return; }
  printf ("%*sbody: type=%u(%s) encoding=%u(%s)\n",ind,"",b->type,
	  (b->type <= TYPEMAX && body_types[b->type]) ? body_types[b->type] :
	  "NIL",b->encoding,
	  (b->encoding <= ENCMAX && body_encodings[b->encoding]) ?
	  body_encodings[b->encoding] : "NIL");
  ind += 2;
  pstr (ind,"subtype",b->subtype);
  dump_params (ind,"parameter",b->parameter);
  pstr (ind,"id",b->id);
  pstr (ind,"description",b->description);
  pstr (ind,"disposition.type",b->disposition.type);
  dump_params (ind,"disposition.parameter",b->disposition.parameter);
  printf ("%*slanguage:",ind,"");
  for (l = b->language; l; l = l->next) {
    putchar (' ');
    if (l->text.data) esc (l->text.data,l->text.size);
    else fputs ("NIL",stdout);
  }
  putchar ('\n');
  pstr (ind,"location",b->location);
  pstr (ind,"md5",b->md5);
  printf ("%*ssize.bytes=%lu size.lines=%lu sparep=%s\n",ind,"",
	  b->size.bytes,b->size.lines,b->sparep ? "set" : "NIL");
  dump_parttext (ind,"mime",&b->mime);
  dump_parttext (ind,"contents",&b->contents);
  if (b->type == TYPEMULTIPART) {
    for (i = 1, p = b->nested.part; p; p = p->next, i++) {
      printf ("%*spart %d:\n",ind,"",i);
      dump_body (ind + 2,&p->body);
    }
  }
  else if (b->type == TYPEMESSAGE && b->nested.msg) {
    MESSAGE *m = b->nested.msg;
    printf ("%*smessage:\n",ind,"");
    dump_parttext (ind + 2,"full",&m->full);
    dump_parttext (ind + 2,"header",&m->header);
    dump_parttext (ind + 2,"text",&m->text);
    printf ("%*slines=%s\n",ind + 2,"",m->lines ? "set" : "NIL");
    dump_env (ind + 2,m->env);
    dump_body (ind + 2,m->body);
  }
  else if (b->nested.part)	/* union member set on a leaf type */
    printf ("%*snested=set\n",ind,"");
}

/* ---- per-header-line decoding and dates ---- */

static void dump_headers (const char *h,size_t n)
{
  size_t i = 0,s,k = 0;
  while (i < n) {
    SIZEDTEXT src,dst;
    long r;
    s = i;			/* a field: a line plus its continuations */
    do {
      const char *p = (const char *) memchr (h + i,'\n',n - i);
      i = p ? (size_t) (p - h) + 1 : n;
    } while (i < n && (h[i] == ' ' || h[i] == '\t'));
    src.size = i - s;		/* without the line end */
    if (src.size && h[s + src.size - 1] == '\n') src.size--;
    if (src.size && h[s + src.size - 1] == '\r') src.size--;
    if (!src.size) continue;	/* the empty line ending the header */
    src.data = (unsigned char *) h + s;
    dst.data = NIL; dst.size = 0;
    r = utf8_mime2text (&src,&dst,U8T_CANONICAL);
    printf ("hdr %lu ret=%ld ",(unsigned long) ++k,r);
    if (dst.data) esc (dst.data,dst.size);
    else fputs ("NIL",stdout);
    putchar ('\n');
    if (dst.data && dst.data != src.data) fs_give ((void **) &dst.data);
  }
}

static void dump_date (ENVELOPE *env)
{
  MESSAGECACHE elt;
  char tmp[MAILTMPLEN];
  long r;
  if (!env || !env->date) { puts ("date: none"); return; }
  memset (&elt,0,sizeof (elt));
  r = mail_parse_date (&elt,env->date);
  printf ("date: ret=%ld day=%u month=%u year=%u hours=%u minutes=%u "
	  "seconds=%u zoccident=%u zhours=%u zminutes=%u\n",r,elt.day,
	  elt.month,elt.year,elt.hours,elt.minutes,elt.seconds,elt.zoccident,
	  elt.zhours,elt.zminutes);
  if (r) pstr (0,"mail_date",mail_date (tmp,&elt));
}

/* ---- main ---- */

int main (int argc,char *argv[])
{
  unsigned long from = 1;
  int listonly = 0,a = 1,status = 0;
  for (; a < argc && argv[a][0] == '-'; a++) {
    if (!strcmp (argv[a],"-s") && a + 1 < argc) from = strtoul (argv[++a],NIL,10);
    else if (!strcmp (argv[a],"-l")) listonly = 1;
    else { fprintf (stderr,"usage: dump [-s N] [-l] FILE...\n"); return 2; }
  }
  for (; a < argc; a++) {
    msgfile f;
    size_t m;
    if (ms_load (&f,argv[a])) {
      printf ("=== FILE %s unreadable\n",argv[a]);
      status = 1;
      continue;
    }
    if (listonly) {
      printf ("%s %s %lu\n",argv[a],f.kind,(unsigned long) f.nmsgs);
      ms_free (&f);
      continue;
    }
    for (m = from ? from - 1 : 0; m < f.nmsgs; m++) {
      ENVELOPE *env = NIL;
      BODY *body = NIL;
      STRING bs;
      char *hdr,*txt;
      size_t hlen,tlen;
      ms_prepare (&f,m,&hdr,&hlen,&txt,&tlen);
      printf ("=== MSG %s#%lu\n",argv[a],(unsigned long) m + 1);
      printf ("kind=%s header.size=%lu text.size=%lu\n",f.kind,
	      (unsigned long) hlen,(unsigned long) tlen);
      fflush (stdout);		/* the marker survives a crash in the parser */
      INIT (&bs,mail_string,txt,tlen);
      rfc822_parse_msg_full (&env,&body,hdr,hlen,&bs,BADHOST,0,0);
      dump_env (0,env);
      dump_body (0,body);
      dump_date (env);
      dump_headers (hdr,hlen);
      mail_free_envelope (&env);
      mail_free_body (&body);
      printf ("freed env=%s body=%s\n",env ? "set" : "NIL",
	      body ? "set" : "NIL");
      printf ("=== END %s#%lu\n",argv[a],(unsigned long) m + 1);
      fflush (stdout);
      free (hdr);
      free (txt);
    }
    ms_free (&f);
  }
  return status;
}
