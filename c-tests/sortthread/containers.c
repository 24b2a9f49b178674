/* The original's container helpers of REFERENCES threading, called on
 * container trees built here (mail.h: a container_t points to four words:
 * the sort cache entry, NULL for a dummy, then the parent, next sibling and
 * first child containers). Pseudo-random forests of several sizes, with and
 * without dummies: mail_thread_check_child on every pair,
 * mail_thread_c2node before and after pruning (with SE_UID when a mailbox
 * is given), mail_thread_prune_dummy on the whole forest and on a subtree,
 * mail_thread_prune_dummy_work on single containers. Prints every link
 * after each step, as container numbers; built once against the original's
 * headers and run with each library. Usage: containers [MAILBOX] */
#include <stdio.h>
#include <string.h>
#include "c-client.h"

#define MAXC 40
static void *con[MAXC][4];
static SORTCACHE sc[MAXC];
static int ncon;
static unsigned long seed;

static unsigned long rnd (unsigned long n)
{
  seed = seed * 1103515245UL + 12345UL;
  return (seed >> 16) % n;
}

static int idx (void *p)
{
  int i;
  if (!p) return -1;
  for (i = 0; i < ncon; i++) if (p == (void *) con[i]) return i;
  return -2;
}

static void dump (const char *what)
{
  int i;
  printf ("%s:",what);
  for (i = 0; i < ncon; i++)
    printf (" %d[%s p%d s%d c%d]",i,con[i][0] ? "m" : "d",idx (con[i][1]),
	    idx (con[i][2]),idx (con[i][3]));
  printf ("\n");
}

static void nodes (THREADNODE *t)
{
  for (; t; t = t->branch) {
    printf ("(%lu%s",t->num,t->sc ? "" : "*");
    if (t->sc) printf ("@%d",(int) (t->sc - sc));
    if (t->next) { printf (" "); nodes (t->next); }
    printf (")");
  }
}

static void c2n (MAILSTREAM *stream,const char *what,container_t c,long flags)
{
  THREADNODE *t = mail_thread_c2node (stream,c,flags);
  printf ("%s c2node%s:",what,flags ? "(uid)" : "");
  nodes (t);
  printf ("\n");
  mail_free_threadnode (&t);
}

/* a forest of n containers; dummies one in `dummies` (0: none) */
static container_t build (int n,int dummies,unsigned long msgs)
{
  int i,j;
  container_t root = NIL;
  ncon = n;
  memset (con,0,sizeof (con));
  memset (sc,0,sizeof (sc));
  for (i = 0; i < n; i++) {
    if (!dummies || rnd (dummies)) {
      con[i][0] = &sc[i];
      sc[i].num = msgs ? 1 + rnd (msgs) : 100 + i;
    }
    j = i ? (int) rnd (i + 1) - 1 : -1;	/* parent: -1 root */
    if (j >= 0) {
      void **k;
      con[i][1] = con[j];
      if (!con[j][3]) con[j][3] = con[i];
      else {
	for (k = (void **) con[j][3]; k[2]; k = (void **) k[2]);
	k[2] = con[i];
      }
    }
    else if (!root) root = (container_t) con[i];
    else {
      void **k;
      for (k = root; k[2]; k = (void **) k[2]);
      k[2] = con[i];
    }
  }
  return root;
}

int main (int argc,char **argv)
{
  MAILSTREAM *stream = NIL;
  unsigned long msgs = 0;
  int round,i,j,n;
  container_t root,r;
#include "linkage.c"
  if (argc > 1 && (stream = mail_open (NIL,argv[1],OP_READONLY)))
    msgs = stream->nmsgs;
  printf ("check_child(NIL,NIL)=%ld\n",mail_thread_check_child (NIL,NIL));
  printf ("prune_dummy(NIL,NIL)=%d\n",idx (mail_thread_prune_dummy (NIL,NIL)));
  printf ("c2node(NIL)=%s\n",mail_thread_c2node (NIL,NIL,0) ? "node" : "NIL");
  for (round = 0; round < 60; round++) {
    seed = round * 7919 + 1;
    n = 1 + (round * 7) % 30;
    printf ("== round %d: %d containers\n",round,n);
    root = build (n,round % 4 ? 1 + round % 3 + 1 : 0,0);
    dump ("built");
    for (i = 0; i < n; i++) {
      printf ("check %d:",i);
      for (j = 0; j < n; j++)
	printf ("%ld",mail_thread_check_child ((container_t) con[i],
					       (container_t) con[j]));
      printf (" nil=%ld\n",mail_thread_check_child (NIL,(container_t) con[i]));
    }
    c2n (NIL,"built",root,0);
    if (stream && msgs) {
      seed = round * 7919 + 1;
      root = build (n,round % 4 ? 1 + round % 3 + 1 : 0,msgs);
      c2n (stream,"msgs",root,0);
      c2n (stream,"msgs",root,SE_UID);
      seed = round * 7919 + 1;
      root = build (n,round % 4 ? 1 + round % 3 + 1 : 0,0);
    }
    r = mail_thread_prune_dummy (root,NIL);
    printf ("pruned head=%d\n",idx (r));
    dump ("pruned");
    c2n (NIL,"pruned",r,0);
    /* a subtree's children, with the first child as older sister */
    seed = round * 7919 + 1;
    root = build (n,round % 4 ? 1 + round % 3 + 1 : 0,0);
    for (i = 0; i < n; i++) if (con[i][3] && ((void **) con[i][3])[2]) {
      void **first = (void **) con[i][3];
      r = mail_thread_prune_dummy ((container_t) first[2],first);
      printf ("subtree %d head=%d\n",i,idx (r));
      dump ("subtree");
      break;
    }
    /* single containers through the worker */
    for (i = 0; i < n; i += 3) {
      seed = round * 7919 + 1;
      root = build (n,round % 4 ? 1 + round % 3 + 1 : 0,0);
      r = mail_thread_prune_dummy_work ((container_t) con[i],NIL);
      printf ("work %d=%d\n",i,idx (r));
      dump ("work");
    }
  }
  if (stream) mail_close (stream);
  printf ("done\n");
  return 0;
}
void mm_searched(MAILSTREAM *s, unsigned long n) {}
void mm_exists(MAILSTREAM *s, unsigned long n) {}
void mm_expunged(MAILSTREAM *s, unsigned long n) {}
void mm_flags(MAILSTREAM *s, unsigned long n) {}
void mm_notify(MAILSTREAM *s, char *str, long e) {}
void mm_list(MAILSTREAM *s, int d, char *n, long a) {}
void mm_lsub(MAILSTREAM *s, int d, char *n, long a) {}
void mm_status(MAILSTREAM *s, char *m, MAILSTATUS *st) {}
void mm_log(char *str, long e) {}
void mm_dlog(char *str) {}
void mm_login(NETMBX *mb, char *u, char *p, long t) {}
void mm_critical(MAILSTREAM *s) {}
void mm_nocritical(MAILSTREAM *s) {}
long mm_diskerror(MAILSTREAM *s, long e, long serious) { return 1; }
void mm_fatal(char *str) {}
