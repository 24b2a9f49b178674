/* Shared by the mailbox test programs (dump.c, ops.c): printing helpers
 * and mm_* callbacks that print every call with its arguments, in order.
 * Texts are shown escaped; long texts as length plus a 64-bit FNV-1a hash.
 * Include once, from the program's only source file. */
#ifndef MBX_COMMON_H
#define MBX_COMMON_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "c-client.h"

static time_t started;		/* when the program started: set in main */

/* ---------------------------------------------------------------- output */

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

static void str (const char *s)
{
  if (s) esc ((const unsigned char *) s,strlen (s));
  else fputs ("NIL",stdout);
}

/* 64-bit FNV-1a: a text is shown as its length and this hash. */
static unsigned long long fnv (const unsigned char *s,unsigned long n)
{
  unsigned long long h = 0xcbf29ce484222325ULL;
  while (n--) {
    h ^= *s++;
    h *= 0x100000001b3ULL;
  }
  return h;
}

static void text (const char *label,const char *s,unsigned long len)
{
  printf (" %s=",label);
  if (!s) fputs ("NULL",stdout);
  else printf ("%lu:%016llx",len,fnv ((const unsigned char *) s,len));
}

/* UID validity of a mailbox without a stored one is the time it was
 * opened, which differs between two runs: shown as "<now>" when it lies
 * between this program's start (or $MBX_SINCE, when a script runs several
 * programs in a row on the same files) and the present. */
static int is_now (unsigned long v)
{
  const char *since = getenv ("MBX_SINCE");
  unsigned long from = since ? strtoul (since,NIL,10) : (unsigned long) started;
  return v >= from && v <= (unsigned long) time (0);
}
static void validity (unsigned long v)
{
  if (is_now (v)) fputs ("<now>",stdout);
  else printf ("%lu",v);
}

/* A message without a date of its own (an MMDF message with no "From "
 * line, say) is given the time it was parsed: "<now>" as above. */
static int elt_is_now (MESSAGECACHE *e)
{
  return is_now (mail_longdate (e));
}

/* ------------------------------------------------------------- callbacks */

static const char *level (long e)
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
  printf ("CB log %s ",level (errflg));
  str (string);
  putchar ('\n');
}
void mm_notify (MAILSTREAM *stream,char *string,long errflg)
{
  printf ("CB notify %s ",level (errflg));
  str (string);
  putchar ('\n');
}
void mm_dlog (char *string)
{
  fputs ("CB dlog ",stdout);
  str (string);
  putchar ('\n');
}
void mm_fatal (char *string)
{
  fputs ("CB fatal ",stdout);
  str (string);
  putchar ('\n');
  fflush (stdout);
}
void mm_searched (MAILSTREAM *stream,unsigned long number)
{ printf ("CB searched %lu\n",number); }
void mm_exists (MAILSTREAM *stream,unsigned long number)
{ printf ("CB exists %lu\n",number); }
void mm_expunged (MAILSTREAM *stream,unsigned long number)
{ printf ("CB expunged %lu\n",number); }
void mm_flags (MAILSTREAM *stream,unsigned long number)
{ printf ("CB flags %lu\n",number); }
static void attributes (long a)
{
  printf (" attr=%ld%s%s%s%s%s%s%s",a,
	  (a & LATT_NOINFERIORS) ? " \\NoInferiors" : "",
	  (a & LATT_NOSELECT) ? " \\NoSelect" : "",
	  (a & LATT_MARKED) ? " \\Marked" : "",
	  (a & LATT_UNMARKED) ? " \\UnMarked" : "",
	  (a & LATT_REFERRAL) ? " \\Referral" : "",
	  (a & LATT_HASCHILDREN) ? " \\HasChildren" : "",
	  (a & LATT_HASNOCHILDREN) ? " \\HasNoChildren" : "");
}
void mm_list (MAILSTREAM *stream,int delimiter,char *name,long attr)
{
  /* \Marked/\UnMarked compare a mailbox's access and modification times
   * to the second; a script that writes and lists within one run sees the
   * original itself answer either way, so such runs ask for them hidden. */
  if (getenv ("MBX_NOMARK")) attr &= ~(LATT_MARKED | LATT_UNMARKED);
  printf ("CB list delim=%d ",delimiter);
  str (name);
  attributes (attr);
  putchar ('\n');
}
void mm_lsub (MAILSTREAM *stream,int delimiter,char *name,long attr)
{
  printf ("CB lsub delim=%d ",delimiter);
  str (name);
  attributes (attr);
  putchar ('\n');
}
void mm_status (MAILSTREAM *stream,char *mailbox,MAILSTATUS *s)
{
  fputs ("CB status ",stdout);
  str (mailbox);
  printf (" flags=%ld",s->flags);
  if (s->flags & SA_MESSAGES) printf (" messages=%lu",s->messages);
  if (s->flags & SA_RECENT) printf (" recent=%lu",s->recent);
  if (s->flags & SA_UNSEEN) printf (" unseen=%lu",s->unseen);
  if (s->flags & SA_UIDNEXT) printf (" uidnext=%lu",s->uidnext);
  if (s->flags & SA_UIDVALIDITY) {
    fputs (" uidvalidity=",stdout);
    validity (s->uidvalidity);
  }
  putchar ('\n');
}
void mm_login (NETMBX *mb,char *user,char *pwd,long trial)
{
  puts ("CB login");
  *user = *pwd = '\0';
}
void mm_critical (MAILSTREAM *stream) { puts ("CB critical"); }
void mm_nocritical (MAILSTREAM *stream) { puts ("CB nocritical"); }
long mm_diskerror (MAILSTREAM *stream,long errcode,long serious)
{
  printf ("CB diskerror %ld %ld\n",errcode,serious);
  return T;
}

/* ------------------------------------------------------- stream and elt */

static void flags (MAILSTREAM *stream,MESSAGECACHE *e)
{
  int i;
  printf (" flags=%s%s%s%s%s%s%s kw=(",e->seen ? "S" : "-",
	  e->deleted ? "D" : "-",e->flagged ? "F" : "-",
	  e->answered ? "A" : "-",e->draft ? "T" : "-",e->recent ? "R" : "-",
	  e->valid ? "v" : "-");
  for (i = 0; i < NUSERFLAGS; i++) if (e->user_flags & (1UL << i)) {
    str (stream->user_flags[i]);
    putchar (' ');
  }
  printf (") uf=%lx",e->user_flags);
}

static void streamdata (MAILSTREAM *stream)
{
  int i;
  printf ("stream driver=");
  str (stream->dtb ? stream->dtb->name : NIL);
  fputs (" mailbox=",stdout); str (stream->mailbox);
  printf (" inbox=%u rdonly=%u halfopen=%u anonymous=%u scache=%u"
	  " uid_nosticky=%u\n",stream->inbox,stream->rdonly,stream->halfopen,
	  stream->anonymous,stream->scache,stream->uid_nosticky);
  printf (" nmsgs=%lu recent=%lu uid_validity=",stream->nmsgs,stream->recent);
  validity (stream->uid_validity);
  printf (" uid_last=%lu\n",stream->uid_last);
  printf (" perm seen=%u deleted=%u flagged=%u answered=%u draft=%u"
	  " kwd_create=%u user_flags=%lx\n",stream->perm_seen,
	  stream->perm_deleted,stream->perm_flagged,stream->perm_answered,
	  stream->perm_draft,stream->kwd_create,stream->perm_user_flags);
  fputs (" keywords:",stdout);
  for (i = 0; i < NUSERFLAGS; i++) if (stream->user_flags[i]) {
    printf (" %d=",i);
    str (stream->user_flags[i]);
  }
  putchar ('\n');
}

#endif
