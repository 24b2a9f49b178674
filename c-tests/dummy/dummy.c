/* The dummy driver over a scratch tree: LIST/LSUB/SCAN with many
 * patterns (files, directories, nesting, a symlink loop), create, delete
 * and rename of files and directories (with failures), opening empty
 * files, directories and INBOX, and the wildcard matchers. Every callback
 * prints, so the two libraries' outputs can be compared. argv[1] is the
 * home-relative scratch directory (created empty by run.sh). */
#include "../stream/common.h"
#include "linkage.h"
#include <sys/stat.h>
#include <unistd.h>

extern long dummy_create (MAILSTREAM *stream, char *mailbox);
extern long dummy_delete (MAILSTREAM *stream, char *mailbox);
extern long dummy_rename (MAILSTREAM *stream, char *old, char *newname);
extern long dummy_canonicalize (char *tmp, char *ref, char *pat);
extern void dummy_list (MAILSTREAM *stream, char *ref, char *pat);
extern void dummy_lsub (MAILSTREAM *stream, char *ref, char *pat);

static const char *base;

static char *B (const char *fmt)	/* "%s" in fmt becomes the base */
{
  static char bufs[8][600];
  static int n = 0;
  char *b = bufs[n++ % 8];
  snprintf (b, 600, fmt, base, base, base);
  return b;
}

static void put (const char *name, const char *text)
{
  FILE *f = fopen (B (name), "w");
  if (text) fputs (text, f);
  fclose (f);
}

static void list (const char *ref, const char *pat)
{
  printf ("LIST ref=%s pat=%s\n", ref ? ref : "NIL", pat);
  mail_list (NIL, ref ? B (ref) : NIL, B (pat));
}

static void scan (const char *pat, char *contents)
{
  printf ("SCAN pat=%s contents=%s\n", pat, contents);
  mail_scan (NIL, NIL, B (pat), contents);
}

static void exists (const char *name)
{
  struct stat sb;
  const char *p = B (name);
  if (lstat (p, &sb)) printf ("  %s: absent\n", name);
  else printf ("  %s: %s mode %o size %ld\n", name, S_ISDIR (sb.st_mode) ? "dir" : "file",
               (unsigned) (sb.st_mode & 07777), (long) sb.st_size);
}

int main (int argc, char **argv)
{
  static char *names[] = { "", "a", "abc", "a/b", "a/b/c", "a/", "INBOX", "inbox", "x/y/", NIL };
  static char *pats[] = { "", "*", "%", "a", "a*", "a%", "a/%", "a/*", "%/%", "%/", "*/c", "a/%/c",
                          "%b%", "*b", "a/b", "a/b/", "x/%", "%/y/%", NIL };
  char tmp[MAILTMPLEN], box[600];
  MAILSTREAM *s;
  int i, j;
  base = argc > 1 ? argv[1] : ".";
  setvbuf (stdout, NULL, _IOLBF, 0);
#include "linkage.c"
  printf ("-- matchers\n");
  for (i = 0; names[i]; i++) {
    printf ("%-6s ", names[i]);
    for (j = 0; pats[j]; j++)
      printf ("%ld%ld%ld ", pmatch_full (names[i], pats[j], '/'), pmatch_full (names[i], pats[j], NIL),
              dmatch (names[i], pats[j], '/'));
    printf ("\n");
  }

  printf ("-- tree\n");
  put ("%s/empty", NIL);
  put ("%s/text", "hello world\n");
  put ("%s/needle", "Some text with a NeEdLe inside\n");
  put ("%s/.hidden", "dot\n");
  put ("%s/INBOX", NIL);
  mkdir (B ("%s/dir"), 0700);
  put ("%s/dir/a", NIL);
  mkdir (B ("%s/dir/sub"), 0700);
  put ("%s/dir/sub/b", "needle\n");
  mkdir (B ("%s/emptydir"), 0700);
  mkdir (B ("%s/loopdir"), 0700);
  symlink (".", B ("%s/loopdir/loop"));
  symlink ("self", B ("%s/self"));
  symlink ("nowhere", B ("%s/dangling"));

  printf ("-- list\n");
  list (NIL, "%s/*");
  list (NIL, "%s/%");
  list (NIL, "%s/%/%");
  list (NIL, "%s/dir/*");
  list (NIL, "%s/dir/%");
  list (NIL, "%s/d*");
  list (NIL, "%s/*/b");
  list (NIL, "%s/dir");
  list (NIL, "%s/dir/");
  list (NIL, "%s");
  list (NIL, "%s/");
  list (NIL, "%s/nosuch*");
  list (NIL, "%s/empty");
  list (NIL, "%s/emptydir/%");
  list ("%s/", "%");
  list ("%s/dir/", "*");
  list ("%s/dir/", "/x");
  list ("%s/", "");
  list (NIL, "%s/loopdir/*");
  list (NIL, "%s/%%%%%%%%%%%%");
  list (NIL, "INBOX");
  list (NIL, "inbox");
  list (NIL, "IN%");
  list (NIL, "#nosuch/%");
  printf ("-- hidden dot files\n");
  mail_parameters (NIL, SET_HIDEDOTFILES, (void *) 1);
  list (NIL, "%s/%");
  mail_parameters (NIL, SET_HIDEDOTFILES, NIL);
  printf ("-- list max level\n");
  mail_parameters (NIL, SET_LISTMAXLEVEL, (void *) 2);
  list (NIL, "%s/loopdir/*");
  mail_parameters (NIL, SET_LISTMAXLEVEL, (void *) 20);
  printf ("-- scan\n");
  scan ("%s/*", "needle");
  scan ("%s/%", "NEEDLE");
  scan ("%s/*", "hello");
  scan ("%s/*", "absent words");

  printf ("-- canonicalize\n");
  {
    static char *refs[] = { NIL, "", "ref/", "{host}x", "#ftp/", "~/x/", NIL };
    static char *cps[] = { "%", "/abs", "~/h", "#news.x", "{h}x", "a%b%c%d%e%f%g%h%i%j%k", NIL };
    for (i = 0; i < 6; i++) for (j = 0; cps[j]; j++) {
      tmp[0] = '\0';
      long r = dummy_canonicalize (tmp, refs[i], cps[j]);
      printf ("canon %s + %s -> %ld %s\n", refs[i] ? refs[i] : "NIL", cps[j], r, r ? tmp : "");
    }
  }

  printf ("-- create\n");
  printf ("create new %ld\n", dummy_create (NIL, B ("%s/new")));
  exists ("%s/new");
  printf ("create again %ld\n", dummy_create (NIL, B ("%s/new")));
  printf ("create deep %ld\n", dummy_create (NIL, B ("%s/d1/d2/file")));
  exists ("%s/d1"); exists ("%s/d1/d2"); exists ("%s/d1/d2/file");
  printf ("create dir %ld\n", dummy_create (NIL, B ("%s/newdir/")));
  exists ("%s/newdir");
  printf ("create INBOX %ld\n", dummy_create (NIL, "INBOX"));
  printf ("create under file %ld\n", dummy_create (NIL, B ("%s/text/x")));
  printf ("create bad %ld\n", dummy_create (NIL, "/etc/nope"));

  printf ("-- rename\n");
  printf ("rename file %ld\n", dummy_rename (NIL, B ("%s/new"), B ("%s/renamed")));
  exists ("%s/new"); exists ("%s/renamed");
  printf ("rename into new dir %ld\n", dummy_rename (NIL, B ("%s/renamed"), B ("%s/r1/r2/moved")));
  exists ("%s/r1/r2/moved");
  printf ("rename dir %ld\n", dummy_rename (NIL, B ("%s/newdir"), B ("%s/newdir2/")));
  exists ("%s/newdir2");
  printf ("rename file to dir name %ld\n", dummy_rename (NIL, B ("%s/text"), B ("%s/textdir/")));
  printf ("rename missing %ld\n", dummy_rename (NIL, B ("%s/nosuch"), B ("%s/x")));
  printf ("rename onto dir %ld\n", dummy_rename (NIL, B ("%s/dir"), B ("%s/needle/x")));
  printf ("mail_rename dir %ld\n", mail_rename (NIL, B ("%s/emptydir"), B ("%s/emptydir2")));
  exists ("%s/emptydir2");
  printf ("mail_rename onto existing %ld\n", mail_rename (NIL, B ("%s/emptydir2"), B ("%s/dir")));

  printf ("-- delete\n");
  printf ("delete file %ld\n", dummy_delete (NIL, B ("%s/r1/r2/moved")));
  exists ("%s/r1/r2/moved");
  printf ("delete dir %ld\n", dummy_delete (NIL, B ("%s/r1/r2/")));
  exists ("%s/r1/r2");
  printf ("delete nonempty dir %ld\n", dummy_delete (NIL, B ("%s/dir")));
  printf ("delete missing %ld\n", dummy_delete (NIL, B ("%s/nosuch")));
  printf ("mail_delete dir %ld\n", mail_delete (NIL, B ("%s/emptydir2")));
  exists ("%s/emptydir2");
  printf ("mail_delete missing %ld\n", mail_delete (NIL, B ("%s/nosuch")));
  printf ("mail_delete INBOX %ld\n", mail_delete (NIL, "INBOX"));

  printf ("-- open\n");
  s = mail_open (NIL, B ("%s/empty"), NIL);
  printf ("empty -> %s %s nmsgs=%lu inbox=%d\n", s ? "stream" : "NIL", s ? s->dtb->name : "-",
          s ? s->nmsgs : 0, s ? s->inbox : 0);
  if (s) mail_close (s);
  s = mail_open (NIL, B ("%s/dir"), NIL);
  printf ("dir -> %s\n", s ? "stream" : "NIL");
  s = mail_open (NIL, B ("%s/dir"), OP_SILENT);
  printf ("dir silent -> %s\n", s ? "stream" : "NIL");
  s = mail_open (NIL, B ("%s/nosuch"), NIL);
  printf ("missing -> %s\n", s ? "stream" : "NIL");
  s = mail_open (NIL, "INBOX", NIL);
  printf ("INBOX -> %s %s nmsgs=%lu inbox=%d\n", s ? "stream" : "NIL", s ? s->dtb->name : "-",
          s ? s->nmsgs : 0, s ? s->inbox : 0);
  if (s) {
    printf ("list on INBOX stream:\n");
    mail_list (s, NIL, B ("%s/d%"));
    mail_close (s);
  }

  printf ("-- driver prefix\n");
  {
    static char *protos[] = { "#driver.DUMMY/x", "#driver.dummy", "#driver./x", "#DRIVER.dummy:y",
                              "#driver.nosuch/x", NIL };
    for (i = 0; protos[i]; i++) {
      s = mail_open (NIL, protos[i], OP_PROTOTYPE);
      printf ("prototype %s -> %s\n", protos[i], s ? s->dtb->name : "NIL");
    }
    printf ("create upper %ld\n", mail_create (NIL, "#driver.DUMMY/x"));
    printf ("create empty %ld\n", mail_create (NIL, "#driver./x"));
    printf ("create no delimiter %ld\n", mail_create (NIL, "#driver.dummy"));
    sprintf (box, "#driver.dummy/%s/viaprefix", base);
    printf ("create via prefix %ld\n", mail_create (NIL, box));
    exists ("%s/viaprefix");
    printf ("create INBOX %ld\n", mail_create (NIL, "inbox"));
    printf ("create newline %ld\n", mail_create (NIL, "a\nb"));
    printf ("delete newline %ld\n", mail_delete (NIL, "a\rb"));
  }

  printf ("-- lsub\n");
  {
    FILE *f = fopen (".mailboxlist", "w");
    /* (no network names: those are the network drivers' to list) */
    fprintf (f, "INBOX\n%s/dir/sub/b\n%s/text\n%s/a/b/c\n", base, base, base);
    fclose (f);
    static const char *lp[] = { "%s/*", "%s/%", "%s/dir/%", "%s/%/%", "INBOX", "*", "%s/a/%", NIL };
    for (i = 0; lp[i]; i++) {
      printf ("LSUB %s\n", lp[i]);
      mail_lsub (NIL, NIL, B (lp[i]));
    }
    printf ("LSUB ref %s/ pat %%\n", base);
    sprintf (box, "%s/", base);
    mail_lsub (NIL, box, "%");
  }
  return 0;
}
