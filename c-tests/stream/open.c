/* Registry order, authenticator lookup, the message cache, and mail_open
 * of dummy folders and nonexistent names. Run in a scratch home. */
#include "common.h"
#include "linkage.h"
#include <sys/stat.h>
extern MAILSTREAM dummyproto;

int main (int argc, char **argv)
{
  char box[300], junk[300], nobox[300], dir[300];
  const char *base = argc > 1 ? argv[1] : ".";
  DRIVER *d;
  MAILSTREAM *s, *p;
  MESSAGECACHE *e1, *e3, *e5;
  unsigned long i;
  int n;
setvbuf (stdout, NULL, _IOLBF, 0);
#include "linkage.c"
  for (d = (DRIVER *) mail_parameters (NIL, GET_DRIVERS, NIL); d; d = d->next)
    printf ("driver %s %lx\n", d->name, d->flags);
  for (i = 1; mail_lookup_auth (i); i++) printf ("auth %lu %s\n", i, mail_lookup_auth (i)->name);
  /* (mechanisms with client methods come with the authenticators) */
  printf ("lookup nosuch %u\n", mail_lookup_auth_name ("nosuch", 0));
  printf ("-- open\n");
  sprintf (box, "%s/emptybox", base); sprintf (junk, "%s/junkbox", base);
  sprintf (nobox, "%s/nosuchbox", base); sprintf (dir, "%s/adir", base);
  fclose (fopen (box, "w"));
  { FILE *f = fopen (junk, "w"); fputs ("not a mailbox\n", f); fclose (f); }
  mkdir (dir, 0700);
  s = mail_open (NIL, box, NIL);
  if (!s) { printf ("emptybox did not open\n"); return 1; }
  printf ("emptybox -> %s driver=%s nmsgs=%lu inbox=%d rdonly=%d mailbox=%s\n", s ? "stream" : "NIL",
          s ? s->dtb->name : "-", s ? s->nmsgs : 0, s ? s->inbox : 0, s ? s->rdonly : 0, s ? s->mailbox : "-");
  printf ("ping %ld\n", mail_ping (s));
  mail_check (s);
  printf ("-- cache\n");
  mail_exists (s, 5);
  e1 = mail_elt (s, 1); e3 = mail_elt (s, 3); e5 = mail_elt (s, 5);
  printf ("cachesize %lu nmsgs %lu msgnos %lu %lu %lu lockcount %u\n", s->cachesize, s->nmsgs,
          e1->msgno, e3->msgno, e5->msgno, e1->lockcount);
  mail_expunged (s, 2);
  printf ("after expunge 2: nmsgs %lu e3 at %d msgno %lu e5 at %d msgno %lu\n", s->nmsgs,
          mail_elt (s, 2) == e3, e3->msgno, mail_elt (s, 4) == e5, e5->msgno);
  mail_expunged (s, 9);
  mail_exists (s, 600);
  printf ("grown: cachesize %lu e3 stable %d e5 stable %d\n", s->cachesize, mail_elt (s, 2) == e3, mail_elt (s, 4) == e5);
  mail_recent (s, 700);
  e1->lockcount++;
  mail_expunged (s, 1);
  printf ("shared elt kept: msgno %lu lockcount %u\n", e1->msgno, e1->lockcount);
  mail_free_elt (&e1);
  printf ("freed %d\n", e1 == NIL);
  printf ("status:\n");
  mail_status (NIL, box, SA_MESSAGES | SA_RECENT);
  s = mail_close (s);
  printf ("closed %d\n", s == NIL);
  printf ("-- errors\n");
  for (n = 0; n < 1; n++) {
    char *bad[] = { nobox, junk };
    s = mail_open (NIL, bad[n], NIL);
    printf ("%s -> %s\n", bad[n], s ? "stream" : "NIL");
    s = mail_open (NIL, bad[n], OP_SILENT);
    printf ("%s silent -> %s\n", bad[n], s ? "stream" : "NIL");
  }
  s = mail_open (NIL, "bad\nname", NIL);
  s = mail_open (NIL, "{host/bogus}x", NIL);
  printf ("-- prototypes\n");
  p = mail_open (NIL, box, OP_PROTOTYPE);
  printf ("proto emptybox %s %d\n", p ? p->dtb->name : "NIL", p == &dummyproto);
  p = mail_open (NIL, "#driver.dummy/x", OP_PROTOTYPE);
  printf ("proto #driver.dummy %s\n", p ? p->dtb->name : "NIL");
  p = mail_open (NIL, "#driver.nosuch/x", OP_PROTOTYPE);
  p = mail_open (NIL, "#driver.dummy", OP_PROTOTYPE);
  p = mail_open (NIL, nobox, OP_PROTOTYPE);
  printf ("proto nosuch %s\n", p ? "stream" : "NIL");
  printf ("valid emptybox %s\n", mail_valid (NIL, box, NIL) ? mail_valid (NIL, box, NIL)->name : "NIL");
  s = mail_open (NIL, dir, NIL);
  printf ("adir -> %s\n", s ? "stream" : "NIL");
  s = mail_open (NIL, box, OP_HALFOPEN);
  printf ("halfopen -> %s\n", s ? "stream" : "NIL");
  s = mail_open (NIL, box, OP_READONLY | OP_SILENT);
  if (!s) return 1;
  printf ("silent ro -> rdonly=%d silent=%d nmsgs=%lu\n", s->rdonly, s->silent, s->nmsgs);
  s = mail_open (s, box, NIL);
  if (!s) return 1;
  printf ("reopened -> silent=%d\n", s->silent);
  mail_close (s);
  return 0;
}
