/* Opens one mailbox read-write with the unix driver, prints the events and
 * log lines, then what the library sees (same format as oracle.c's
 * reports), and closes it (which checkpoints when anything is dirty).
 *
 *   cases <mailbox name> [mmdf]       (NOLIFE=1 in the environment sets
 *                                      USERHASNOLIFE) */
#include "../stream/common.h"
#include "linkage.h"
extern DRIVER unixdriver, mmdfdriver;

static void hex (const char *tag, unsigned char *s, unsigned long len)
{
  unsigned long i;
  printf ("%s %lu ", tag, len);
  for (i = 0; i < len; i++) printf ("%02x", s[i]);
  printf ("\n");
}

int main (int argc, char **argv)
{
  char tmp[MAILTMPLEN];
  MAILSTREAM *s;
  unsigned long i, len;
  int k;
  setvbuf (stdout, NULL, _IOLBF, 0);
#include "linkage.c"
  /* NOLIFE=1: the user wants no UIDs or keywords kept (USERHASNOLIFE). */
  if (getenv ("NOLIFE")) mail_parameters (NIL, SET_USERHASNOLIFE, (void *) 1);
  /* Straight to the unix driver, as unix_copy/unix_append do, so files it
     would not recognise are opened too. */
  s = mail_open_work (argc > 2 ? &mmdfdriver : &unixdriver, NIL, argv[1], NIL);
  if (!s) { printf ("open failed\n"); return 0; }
  printf ("driver %s nmsgs %lu recent %lu validity %lu last %lu\n", s->dtb->name,
          s->nmsgs, s->recent, s->uid_validity, s->uid_last);
  for (k = 0; k < NUSERFLAGS; k++)
    if (s->user_flags[k]) printf ("keyword %d %s\n", k, s->user_flags[k]);
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e;
    char *h, *t;
    mail_fetch_fast (s, (sprintf (tmp, "%lu", i), tmp), NIL);
    e = mail_elt (s, i);
    printf ("msg %lu uid %lu flags %d%d%d%d%d%d kw %lx size %lu date %s\n", i, mail_uid (s, i),
            e->seen, e->deleted, e->flagged, e->answered, e->draft, e->recent,
            e->user_flags, e->rfc822_size, mail_date (tmp, e));
    h = mail_fetch_header (s, i, NIL, NIL, &len, FT_PEEK);
    hex ("header", (unsigned char *) h, len);
    t = mail_fetch_text (s, i, NIL, &len, FT_PEEK);
    hex ("text", (unsigned char *) t, len);
  }
  mail_close (s);
  return 0;
}
