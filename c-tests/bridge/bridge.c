/* A Berkeley mailbox through the whole stack: the generic layer, the
 * DRIVER slots and the core unix driver behind them. Opens a hand-made
 * file, reads headers and texts, changes flags, lets new mail arrive,
 * expunges, copies, appends and reopens, printing what the program sees
 * (callbacks, stream fields, cache elements) and the files. argv[1] is the
 * home-relative scratch directory; with "probe" it only says whether this
 * library can do all that (a core unix driver and the generic layer). */
#include "../stream/common.h"
#include "linkage.h"
#include <sys/stat.h>

static char dir[300];

static char *P (const char *name)
{
  static char bufs[4][400];
  static int n = 0;
  char *b = bufs[n++ % 4];
  sprintf (b, "%s/%s", dir, name);
  return b;
}

static void show_stream (MAILSTREAM *s)
{
  unsigned long i;
  int k;
  char tmp[MAILTMPLEN];
  printf ("stream %s nmsgs %lu recent %lu validity %s last %lu rdonly %d inbox %d perm %d%d%d%d%d kwd %d\n",
          s->dtb->name, s->nmsgs, s->recent, s->uid_validity ? "set" : "0", s->uid_last, s->rdonly,
          s->inbox, s->perm_seen, s->perm_deleted, s->perm_flagged, s->perm_answered, s->perm_draft,
          s->kwd_create);
  for (k = 0; k < NUSERFLAGS; k++) if (s->user_flags[k]) printf ("  keyword %d %s\n", k, s->user_flags[k]);
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e = mail_elt (s, i);
    printf ("  msg %lu uid %lu flags %d%d%d%d%d%d kw %lx size %lu date %s\n", i, mail_uid (s, i),
            e->seen, e->deleted, e->flagged, e->answered, e->draft, e->recent, e->user_flags,
            e->rfc822_size, mail_date (tmp, e));
  }
}

static void show_file (const char *name)
{
  char line[2000];
  FILE *f = fopen (P (name), "r");
  printf ("file %s:\n", name);
  if (!f) { printf ("  (absent)\n"); return; }
  while (fgets (line, sizeof line, f)) {
    /* Times of creation differ between the runs. */
    if (!strncmp (line, "X-IMAP: ", 8) || !strncmp (line, "X-IMAPbase: ", 12)) {
      char *s = strchr (line, ' ') + 1;
      while (*s >= '0' && *s <= '9') *s++ = 'N';
    }
    if (!strncmp (line, "From MAILER-DAEMON ", 19) || !strncmp (line, "Date: ", 6) ||
        !strncmp (line, "Message-ID: ", 12)) strcpy (line, "(time)\n");
    printf ("  %s", line);
  }
  fclose (f);
}

static void put (const char *name, const char *mode, const char *text)
{
  FILE *f = fopen (P (name), mode);
  fputs (text, f);
  fclose (f);
}

static const char *box1 =
  "From alice@example.org Mon Jan  2 10:00:00 2023\n"
  "Subject: one\n"
  "From: alice@example.org\n"
  "\n"
  "first body\n"
  "\n"
  "From bob@example.org Tue Jan  3 11:30:00 2023\n"
  "Subject: two\n"
  "Status: RO\n"
  "X-Status: F\n"
  "\n"
  "second body\n"
  "two lines\n"
  "\n"
  "From carol@example.org Wed Jan  4 12:45:00 2023\n"
  "Subject: three\n"
  "\n"
  "third\n";

int main (int argc, char **argv)
{
  MAILSTREAM *s;
  unsigned long len;
  char *t;
  STRING msg;
  static char text[] = "Subject: appended\r\n\r\nappended body\r\n";
  sprintf (dir, "%s", argc > 1 ? argv[1] : ".");
  setvbuf (stdout, NULL, _IOLBF, 0);
#include "linkage.c"
  put ("box", "w", box1);
  if (argc > 2 && !strcmp (argv[2], "probe")) {
    DRIVER *d = mail_valid (NIL, P ("box"), NIL);
    quiet_log = 1;
    s = d ? mail_open (NIL, P ("box"), OP_READONLY) : NIL;
    t = s ? mail_fetch_header (s, 1, NIL, NIL, &len, FT_PEEK) : NIL;
    printf ("%s\n", (d && !strcmp (d->name, "unix") && t && len) ? "ready" : "not ready");
    return 0;
  }
  printf ("-- open\n");
  s = mail_open (NIL, P ("box"), NIL);
  if (!s) { printf ("open failed\n"); return 1; }
  show_stream (s);
  printf ("-- fetch\n");
  t = mail_fetch_header (s, 1, NIL, NIL, &len, FT_PEEK);
  printf ("header 1 (%lu): %.*s", len, (int) len, t);
  t = mail_fetch_text (s, 2, NIL, &len, FT_PEEK);
  printf ("text 2 peek (%lu): %.*s", len, (int) len, t);
  t = mail_fetch_text (s, 1, NIL, &len, NIL);
  printf ("text 1 (%lu): %.*s", len, (int) len, t);
  t = mail_fetch_text (s, 1, NIL, &len, NIL);
  printf ("text 1 again (%lu)\n", len);
  t = mail_fetch_message (s, 3, &len, NIL);
  printf ("message 3 (%lu): %.*s", len, (int) len, t);
  show_stream (s);
  printf ("-- flags\n");
  mail_setflag (s, "1:2", "\\Deleted \\Answered work");
  mail_clearflag (s, "2", "\\Flagged");
  mail_setflag (s, "3", "$Label1 \\Draft");
  show_stream (s);
  mail_check (s);
  show_file ("box");
  printf ("-- new mail\n");
  put ("box", "a", "\nFrom dave@example.org Thu Jan  5 08:00:00 2023\nSubject: four\n\nfourth\n");
  printf ("ping %ld\n", mail_ping (s));
  show_stream (s);
  printf ("-- expunge\n");
  mail_expunge (s);
  show_stream (s);
  printf ("-- copy\n");
  printf ("copy to missing %ld\n", mail_copy (s, "1", P ("copied")));
  printf ("create %ld\n", mail_create (s, P ("copied")));
  printf ("copy %ld\n", mail_copy (s, "1:2", P ("copied")));
  printf ("move %ld\n", mail_move (s, "2", P ("copied")));
  show_stream (s);
  printf ("-- append\n");
  INIT (&msg, mail_string, text, strlen (text));
  printf ("append %ld\n", mail_append_full (NIL, P ("copied"), "(\\Seen kw1)", "05-Jan-2023 09:10:11 +0100", &msg));
  INIT (&msg, mail_string, text, strlen (text));
  printf ("append to missing %ld\n", mail_append_full (NIL, P ("nosuch"), NIL, NIL, &msg));
  printf ("status %ld\n", mail_status (NIL, P ("copied"), SA_MESSAGES | SA_RECENT | SA_UNSEEN));
  printf ("-- close\n");
  mail_close_full (s, CL_EXPUNGE);
  show_file ("box");
  show_file ("copied");
  printf ("-- reopen\n");
  s = mail_open (NIL, P ("copied"), OP_READONLY);
  if (s) { show_stream (s); mail_close (s); }
  printf ("-- rename and delete\n");
  printf ("rename %ld\n", mail_rename (NIL, P ("copied"), P ("renamed")));
  printf ("delete %ld\n", mail_delete (NIL, P ("renamed")));
  printf ("delete again %ld\n", mail_delete (NIL, P ("renamed")));
  return 0;
}
