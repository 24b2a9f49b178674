/* Splitting mailbox files into messages and normalising line ends, shared by
 * c-tests/diff/dump.c and bench/parse_bench.c.  Pure C: it calls nothing in
 * c-client, so both libraries under test see exactly the same bytes.
 *
 * Rules (see docs/testing.md, "Differential corpus test"):
 *  - a file whose first non-whitespace bytes (after an optional UTF-8 BOM) are
 *    "From " is an mbox: a message starts at a line beginning "From " that is
 *    at the start of the file or follows an empty line or carries a
 *    ctime-shaped date (the unix driver's own test); that From line is
 *    dropped, and one empty line before the next separator (or at the end of
 *    the file) is dropped too, as the unix driver does;
 *  - a file starting with a "\1\1\1\1" line is MMDF: messages lie between
 *    separator lines; a leading "From " line in a message is dropped;
 *  - anything else is one message (maildir, MH, .eml).
 *  - Each message is split into header (up to and including the first empty
 *    line) and text, then converted to CRLF the way the unix driver hands
 *    data to rfc822_parse_msg: in the header, CRs not followed by LF are
 *    dropped and bare LFs become CRLF; in the text every CR is dropped and
 *    every LF becomes CRLF.
 */
#ifndef MSGSPLIT_H
#define MSGSPLIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  size_t start, len;		/* byte range of the message in the file */
} msgspan;

typedef struct {
  char *data;			/* whole file */
  size_t size;
  const char *kind;		/* "mbox", "mmdf" or "single" */
  msgspan *msgs;
  size_t nmsgs, cap;
} msgfile;

static void ms_push (msgfile *f,size_t start,size_t len)
{
  if (f->nmsgs == f->cap) {
    f->cap = f->cap ? f->cap * 2 : 16;
    f->msgs = (msgspan *) realloc (f->msgs,f->cap * sizeof (msgspan));
    if (!f->msgs) { perror ("realloc"); exit (2); }
  }
  f->msgs[f->nmsgs].start = start;
  f->msgs[f->nmsgs].len = len;
  f->nmsgs++;
}

/* offset just past the end of the line starting at i */
static size_t ms_eol (const char *d,size_t n,size_t i)
{
  const char *p = (const char *) memchr (d + i,'\n',n - i);
  return p ? (size_t) (p - d) + 1 : n;
}

static int ms_is_empty_line (const char *d,size_t i,size_t e)
{
  return (e - i == 1 && d[i] == '\n') ||
    (e - i == 2 && d[i] == '\r' && d[i+1] == '\n');
}

/* drop one trailing empty line ("\n" or "\r\n") if the span ends with two */
static size_t ms_trim_sep (const char *d,size_t s,size_t e)
{
  if (e - s >= 2 && d[e-1] == '\n' && d[e-2] == '\n') return e - 1;
  if (e - s >= 4 && d[e-1] == '\n' && d[e-2] == '\r' && d[e-3] == '\n' &&
      d[e-4] == '\r') return e - 2;
  if (e - s >= 3 && d[e-1] == '\n' && d[e-2] == '\r' && d[e-3] == '\n')
    return e - 2;
  return e;
}

/* does the line d[i..e) carry a ctime-shaped date ("Www Mmm dd hh:mm"), the
 * mark of a From line the unix driver accepts even without an empty line
 * before it? */
static int ms_ctime_from (const char *d,size_t i,size_t e)
{
  static const char *wd = "SunMonTueWedThuFriSat";
  static const char *mo = "JanFebMarAprMayJunJulAugSepOctNovDec";
  size_t j,k;
  for (j = i + 5; j + 16 <= e; j++) {
    int okd = 0,okm = 0;
    for (k = 0; k < 21; k += 3) if (!memcmp (d + j,wd + k,3)) okd = 1;
    if (!okd || d[j+3] != ' ') continue;
    for (k = 0; k < 36; k += 3) if (!memcmp (d + j + 4,mo + k,3)) okm = 1;
    if (!okm || d[j+7] != ' ') continue;
    k = j + 8;			/* day: " d" or "dd" */
    if (!((d[k] == ' ' || (d[k] >= '0' && d[k] <= '9')) &&
	  d[k+1] >= '0' && d[k+1] <= '9' && d[k+2] == ' ')) continue;
    k += 3;			/* time: "hh:mm" */
    if (d[k] >= '0' && d[k] <= '9' && d[k+1] >= '0' && d[k+1] <= '9' &&
	d[k+2] == ':') return 1;
  }
  return 0;
}

static int ms_load (msgfile *f,const char *path)
{
  FILE *fp = fopen (path,"rb");
  size_t i,n,bom = 0;
  memset (f,0,sizeof (*f));
  if (!fp) return -1;
  fseek (fp,0,SEEK_END);
  n = (size_t) ftell (fp);
  fseek (fp,0,SEEK_SET);
  f->data = (char *) malloc (n + 1);
  if (!f->data || fread (f->data,1,n,fp) != n) { fclose (fp); return -1; }
  fclose (fp);
  f->data[n] = '\0';
  f->size = n;
  if (n >= 3 && !memcmp (f->data,"\xEF\xBB\xBF",3)) bom = 3;
  i = bom;			/* the unix driver skips leading whitespace */
  while (i < n && (f->data[i] == '\n' || f->data[i] == '\r' ||
		   f->data[i] == ' ' || f->data[i] == '\t')) i++;
  if (n - i >= 5 && !memcmp (f->data + i,"From ",5)) {
    size_t cur = 0;		/* start of current message, 0 = none yet */
    int have = 0,prev_empty = 1;
    f->kind = "mbox";
    while (i < n) {
      size_t e = ms_eol (f->data,n,i);
      if (e - i >= 5 && !memcmp (f->data + i,"From ",5) &&
	  (prev_empty || ms_ctime_from (f->data,i,e))) {
	if (have) ms_push (f,cur,ms_trim_sep (f->data,cur,i) - cur);
	cur = e; have = 1;
	prev_empty = 0;
      }
      else prev_empty = ms_is_empty_line (f->data,i,e);
      i = e;
    }
    if (have) ms_push (f,cur,ms_trim_sep (f->data,cur,n) - cur);
  }
  else if (n - bom >= 5 && !memcmp (f->data + bom,"\1\1\1\1",4) &&
	   (f->data[bom+4] == '\n' || f->data[bom+4] == '\r')) {
    size_t cur = 0;
    int inside = 0;
    f->kind = "mmdf";
    for (i = bom; i < n;) {
      size_t e = ms_eol (f->data,n,i);
      int sep = (e - i >= 4) && !memcmp (f->data + i,"\1\1\1\1",4) &&
	(e - i == 4 || ms_is_empty_line (f->data,i + 4,e));
      if (sep) {
	if (inside && i > cur) ms_push (f,cur,i - cur);
	inside = !inside;
	cur = e;
      }
      else if (inside && i == cur && e - i >= 5 &&
	       !memcmp (f->data + i,"From ",5)) cur = e;
      i = e;
    }
    if (inside && n > cur) ms_push (f,cur,n - cur);
  }
  else {
    f->kind = "single";
    ms_push (f,0,n);
  }
  return 0;
}

static void ms_free (msgfile *f)
{
  free (f->data);
  free (f->msgs);
  memset (f,0,sizeof (*f));
}

/* Split message m into CRLF header (with its empty line) and CRLF text.
 * Both results are malloc'ed and NUL-terminated. */
static void ms_prepare (const msgfile *f,size_t m,char **hdr,size_t *hlen,
			char **txt,size_t *tlen)
{
  const char *d = f->data + f->msgs[m].start;
  size_t n = f->msgs[m].len,i,hend = n,k;
  char *h,*t;
  for (i = 0; i < n;) {		/* header ends after the first empty line */
    size_t e = ms_eol (d,n,i);
    if (ms_is_empty_line (d,i,e)) { hend = e; break; }
    i = e;
  }
  h = (char *) malloc (2 * hend + 1);
  t = (char *) malloc (2 * (n - hend) + 1);
  if (!h || !t) { perror ("malloc"); exit (2); }
  for (i = k = 0; i < hend; i++) {
    if (d[i] == '\r') {
      if (i + 1 < hend && d[i+1] == '\n') h[k++] = '\r';
    }
    else if (d[i] == '\n') {
      if (!k || h[k-1] != '\r') h[k++] = '\r';
      h[k++] = '\n';
    }
    else h[k++] = d[i];
  }
  h[k] = '\0'; *hlen = k;
  for (i = hend, k = 0; i < n; i++) {
    if (d[i] == '\r') continue;
    if (d[i] == '\n') t[k++] = '\r';
    t[k++] = d[i];
  }
  t[k] = '\0'; *tlen = k;
  *hdr = h; *txt = t;
}

#endif
