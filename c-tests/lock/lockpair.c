/* One side of a cross-library locking test: run.sh starts a holder on one
 * library and a prober on the other (or the same) and checks they respect
 * each other. Usage: lockpair ROLE MAILBOX, in the scratch directory.
 * Holders create "held" once they have the lock and let go when the file
 * "release" appears (or, when they accept it, on the kiss of death). */
#include <stdio.h>
#define MM_OWN_LOG
#include "../lib/mm_callbacks.h"
#include <sys/stat.h>
#include <sys/time.h>
#include <signal.h>
#include <errno.h>

void mm_log (char *string,long errflg)
{
  printf ("log[%ld] %s\n",errflg,string);
  fflush (stdout);
}

static volatile sig_atomic_t kissed = 0;
static void kod (int sig) { kissed = 1; }

static void touch (const char *name)
{
  FILE *f = fopen (name,"w");
  if (f) { fprintf (f,"%d\n",getpid ()); fclose (f); }
}

/* Wait up to 30 s for "release" or the kiss of death; say which. */
static void wait_release (void)
{
  int i;
  for (i = 0; i < 300 && !kissed && access ("release",F_OK); i++)
    usleep (100000);
  printf (kissed ? "kissed\n" : access ("release",F_OK) ? "timeout\n" :
	  "released\n");
  fflush (stdout);
}

static long holder_pid (void)
{
  long pid = 0;
  FILE *f = fopen ("held","r");
  if (f) { if (fscanf (f,"%ld",&pid) != 1) pid = 0; fclose (f); }
  return pid;
}

static double now (void)
{
  struct timeval tv;
  gettimeofday (&tv,NIL);
  return tv.tv_sec + tv.tv_usec / 1e6;
}

int main (int argc,char *argv[])
{
  char lock[MAILTMPLEN],tmp[64];
  char *role = argc > 2 ? argv[1] : "",*box = argc > 2 ? argv[2] : "";
  long pid;
  int fd,i;
  DOTLOCK dl;
  setvbuf (stdout,NIL,_IOLBF,0);
  if (!strncmp (role,"hold-session",12)) {
    /* as unix_open does for a read-write session: lock, note our PID */
    if ((fd = lockname (lock,box,LOCK_EX|LOCK_NB,&pid)) < 0) {
      printf ("could not lock\n");
      return 1;
    }
    sprintf (tmp,"%d",getpid ());
    write (fd,tmp,strlen (tmp) + 1);
    ftruncate (fd,strlen (tmp));
    if (!strcmp (role,"hold-session")) arm_signal (SIGUSR2,kod);
    else if (!strcmp (role,"hold-session-deaf")) arm_signal (SIGUSR2,SIG_IGN);
    touch ("held");
    wait_release ();
    unlockfd (fd,lock);
    return 0;
  }
  if (!strcmp (role,"probe-session")) {
    fd = lockname (lock,box,LOCK_EX|LOCK_NB,&pid);
    if (fd < 0) printf ("busy, pid is the holder's: %d\n",pid == holder_pid ());
    else { printf ("free\n"); unlockfd (fd,lock); }
    return 0;
  }
  if (!strcmp (role,"kiss")) {
    /* the opening dance of unix_open, through the exported functions */
    if ((fd = lockname (lock,box,LOCK_EX|LOCK_NB,&pid)) >= 0) {
      printf ("free\n");
      unlockfd (fd,lock);
      return 0;
    }
    printf ("busy, pid is the holder's: %d\n",pid == holder_pid ());
    if (!pid || kill ((int) pid,SIGUSR2)) { printf ("cannot kiss\n"); return 1; }
    for (i = 0; i < 15 && (fd = lockname (lock,box,LOCK_EX|LOCK_NB,&pid)) < 0;
	 i++) sleep (1);
    printf (fd >= 0 ? "got the lock after the kiss\n" : "still locked\n");
    if (fd >= 0) unlockfd (fd,lock);
    return 0;
  }
  if (!strcmp (role,"hold-dot")) {
    if (!dotlock_lock (box,&dl,-1)) { printf ("could not lock\n"); return 1; }
    touch ("held");
    wait_release ();
    printf ("unlock %ld\n",dotlock_unlock (&dl));
    return 0;
  }
  if (!strcmp (role,"probe-dot")) {
    /* blocks while the holder keeps its .lock (timeout 1 minute) */
    double t0 = now ();
    mail_parameters (NIL,SET_LOCKTIMEOUT,(void *) 1);
    i = dotlock_lock (box,&dl,-1);
    printf ("got %d after waiting: %d\n",i,now () - t0 >= 2.0);
    if (i) dotlock_unlock (&dl);
    return 0;
  }
  if (!strcmp (role,"hold-flock")) {
    if ((fd = open (box,O_RDWR)) < 0 || flock (fd,LOCK_EX)) return 1;
    touch ("held");
    wait_release ();
    flock (fd,LOCK_UN);
    return 0;
  }
  if (!strcmp (role,"probe-flock")) {
    fd = open (box,O_RDONLY);
    printf (flock (fd,LOCK_SH|LOCK_NB) ? "busy\n" : "free\n");
    return 0;
  }
  if (!strcmp (role,"open-unix") || !strcmp (role,"hold-unix")) {
    /* the original's own unix driver taking or holding the session lock */
    MAILSTREAM *stream;
#include "linkage.c"
    if (!strcmp (role,"hold-unix")) arm_signal (SIGUSR2,kod);
    if (!(stream = mail_open (NIL,box,NIL))) { printf ("open failed\n"); return 1; }
    printf ("opened %s readonly %d\n",stream->dtb->name,stream->rdonly);
    if (!strcmp (role,"hold-unix")) {
      touch ("held");
      wait_release ();
    }
    mail_close (stream);
    return 0;
  }
  printf ("usage: lockpair ROLE MAILBOX\n");
  return 2;
}
