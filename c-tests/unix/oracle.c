/* Makes Berkeley mailbox files with the library it runs against and
 * reports what the library sees in them, for the unix driver's tests.
 *
 *   oracle <home-relative dir> [mmdf]
 *
 * With "mmdf" the mailboxes are made MMDF ones with mail_create (so each
 * starts with the pseudo-message) and the stage files are called M<stage>.
 *
 * Stages (each file copied to <dir>/out/<stage>.mbx, each followed by a
 * report <stage>.txt made from a fresh read-only open of the copy):
 *   A  five messages appended to an empty file (flags, dates, keywords,
 *      "From " lines, internal headers, a NUL, a long line, CR LF)
 *   B  A opened read-write, flags and keywords changed, checkpointed
 *   C  B expunged
 *   D  messages 1:2 of C copied into a mailbox made with mail_create
 *   E  a copy of C with two messages appended (known and unknown keywords)
 * Events and log lines go to stdout. */
#include "../stream/common.h"
#include "linkage.h"
#include <sys/stat.h>

static char outdir[512];
static int mmdf = 0;

static void copy_file (const char *from, const char *stage)
{
  char to[700], buf[65536];
  size_t n;
  FILE *in = fopen (from, "rb"), *out;
  sprintf (to, "%s/%s%s.mbx", outdir, mmdf ? "M" : "", stage);
  out = fopen (to, "wb");
  if (!in || !out) { printf ("cannot copy %s\n", from); exit (1); }
  while ((n = fread (buf, 1, sizeof buf, in)) > 0) fwrite (buf, 1, n, out);
  fclose (in); fclose (out);
}

static void hex (FILE *f, const char *tag, unsigned char *s, unsigned long len)
{
  unsigned long i;
  fprintf (f, "%s %lu ", tag, len);
  for (i = 0; i < len; i++) fprintf (f, "%02x", s[i]);
  fprintf (f, "\n");
}

/* Opens the copy of a stage read-only and writes what the library sees. */
static void report (const char *base, const char *stage)
{
  char name[700], path[700], tmp[MAILTMPLEN];
  MAILSTREAM *s;
  unsigned long i, len;
  int k;
  FILE *f;
  sprintf (name, "%s/%s%s.mbx", outdir, mmdf ? "M" : "", stage);
  s = mail_open (NIL, name, OP_READONLY);
  sprintf (path, "%s/%s%s.txt", outdir, mmdf ? "M" : "", stage);
  f = fopen (path, "w");
  if (!s) { fprintf (f, "open failed\n"); fclose (f); return; }
  fprintf (f, "driver %s nmsgs %lu recent %lu validity %lu last %lu\n", s->dtb->name,
           s->nmsgs, s->recent, s->uid_validity, s->uid_last);
  for (k = 0; k < NUSERFLAGS; k++)
    if (s->user_flags[k]) fprintf (f, "keyword %d %s\n", k, s->user_flags[k]);
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e;
    char *h, *t;
    mail_fetch_fast (s, (sprintf (tmp, "%lu", i), tmp), NIL);
    e = mail_elt (s, i);
    fprintf (f, "msg %lu uid %lu flags %d%d%d%d%d%d kw %lx size %lu date %s\n", i, mail_uid (s, i),
             e->seen, e->deleted, e->flagged, e->answered, e->draft, e->recent,
             e->user_flags, e->rfc822_size, mail_date (tmp, e));
    h = mail_fetch_header (s, i, NIL, NIL, &len, FT_PEEK);
    hex (f, "header", (unsigned char *) h, len);
    t = mail_fetch_text (s, i, NIL, &len, FT_PEEK);
    hex (f, "text", (unsigned char *) t, len);
  }
  mail_close (s);
  fclose (f);
}

static void append (char *box, char *msg, unsigned long len, char *flags, char *date)
{
  STRING st;
  char *copy = malloc (len + 1);  /* the library may write into it */
  memcpy (copy, msg, len + 1);
  INIT (&st, mail_string, copy, len);
  printf ("append %ld\n", mail_append_full (NIL, box, flags, date, &st));
  free (copy);
}

int main (int argc, char **argv)
{
  char box[600], box2[600], path[600], longline[2100];
  char m3[] = "From: c@d\r\nSubject: three\r\n\r\nnul:\0:here\r\nlone\rcr\nend";
  MAILSTREAM *s;
  const char *base = argc > 1 ? argv[1] : ".";
  setvbuf (stdout, NULL, _IOLBF, 0);
  mmdf = argc > 2 && !strcmp (argv[2], "mmdf");
  sprintf (outdir, "%s/out", base);
  mkdir (outdir, 0700);
#include "linkage.c"
  sprintf (box, "%s/A.mbx", base);
  sprintf (box2, "%s/D.mbx", base);
  if (mmdf) {
    char made[700];
    sprintf (made, "#driver.mmdf/%s", box);
    printf ("create %ld\n", mail_create (NIL, made));
  }
  else fclose (fopen (box, "w"));
  append (box, "From: a@b\r\nSubject: one\r\n\r\nHello\r\n", 34, "\\Seen",
          "01-Jan-2020 10:00:00 +0100");
  {
    char *m = "Status: RO\r\nX-UID: 99\r\nFrom: x@y\r\nSubject: two\r\nX-Mailer: t\r\n"
              "Status: O\r\n\r\nbody\r\nFrom me to you\r\n>From quoted\r\nFrom\r\n\r\n";
    append (box, m, strlen (m), "(\\Flagged \\Answered)", "2-Feb-2021 03:04:05 -0500");
  }
  append (box, m3, sizeof m3 - 1, "\\Deleted \\Draft", "15-Mar-2019 23:59:59 +0000");
  memset (longline, 'x', 2000);
  longline[2000] = 0;
  {
    char m[2300];
    sprintf (m, "Subject: four\r\nX-Keywords: foo\r\n\r\n%s\r\nFrom the end\r\n", longline);
    append (box, m, strlen (m), "($Label1 work)", "30-Jun-2022 12:00:00 +0200");
  }
  {
    char *m = "Subject: five\r\nstatus: lower\r\nX-IMAPbase: 1 2\r\n\r\n\r\nblank lines\r\n\r\n";
    append (box, m, strlen (m), NIL, "31-Dec-1999 23:59:59 -0800");
  }
  sprintf (path, "%s/A.mbx", base);
  copy_file (path, "A");

  printf ("-- B\n");
  s = mail_open (NIL, box, NIL);
  if (!s) { printf ("open failed\n"); return 1; }
  mail_setflag (s, "1", "\\Deleted");
  mail_setflag (s, "2", "work $Label1");
  mail_clearflag (s, "2", "\\Flagged");
  mail_setflag (s, "3:4", "\\Seen");
  mail_setflag (s, "5", "$Label1");
  mail_check (s);
  copy_file (path, "B");
  printf ("-- C\n");
  mail_expunge (s);
  copy_file (path, "C");
  printf ("-- D\n");
  if (mmdf) {
    char made[700];
    sprintf (made, "#driver.mmdf/%s", box2);
    printf ("create %ld\n", mail_create (NIL, made));
  }
  else printf ("create %ld\n", mail_create (NIL, box2));
  printf ("copy %ld\n", mail_copy (s, "1:2", box2));
  mail_close (s);
  sprintf (path, "%s/D.mbx", base);
  copy_file (path, "D");
  printf ("-- E\n");
  {
    char from[700], to[700], buf[65536];
    size_t n;
    FILE *in, *out;
    sprintf (from, "%s/%sC.mbx", outdir, mmdf ? "M" : "");
    sprintf (to, "%s/E.mbx", base);
    in = fopen (from, "rb"); out = fopen (to, "wb");
    while ((n = fread (buf, 1, sizeof buf, in)) > 0) fwrite (buf, 1, n, out);
    fclose (in); fclose (out);
    append (to, "Subject: six\r\n\r\nsix\r\n", 21, "work \\Seen", "1-Apr-2023 01:02:03 +0000");
    append (to, "Subject: seven\r\n\r\nseven", 23, "($Label1 unknownkw)", "2-Apr-2023 01:02:03 +0000");
    copy_file (to, "E");
  }
  report (base, "A");
  report (base, "B");
  report (base, "C");
  report (base, "D");
  report (base, "E");
  return 0;
}
