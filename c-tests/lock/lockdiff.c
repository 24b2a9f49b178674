/* Differential test of the locking entry points: run against the original
 * library and against ours, the output and the files left must agree.
 * Argument: a scratch directory (relative to the current directory). */
#include <stdio.h>
#define MM_OWN_LOG
#define MM_OWN_CRITICAL
#define MM_OWN_NOCRITICAL
#include "../lib/mm_callbacks.h"
#include <sys/stat.h>
#include <signal.h>
#include <errno.h>
#include <dirent.h>

void mm_log (char *string,long errflg) { printf ("  log[%ld] %s\n",errflg,string); }
void mm_critical (MAILSTREAM *stream) { printf ("  critical\n"); }
void mm_nocritical (MAILSTREAM *stream) { printf ("  nocritical\n"); }

static void expect_name (const char *lock,const char *file)
{
  struct stat sb;
  char want[MAILTMPLEN];
  stat (file,&sb);
  sprintf (want,"/tmp/.%lx.%lx",(unsigned long) sb.st_dev,
	   (unsigned long) sb.st_ino);
  printf ("  lock name %s\n",strcmp (lock,want) ? lock : "= /tmp/.<dev>.<ino>");
}

long crexcl (char *name);

/* Session-lock names hold device and inode numbers: show them as <lock>. */
static void describe (const char *name)
{
  struct stat sb;
  const char *shown = strncmp (name,"/tmp/.",6) ? name : "<lock>";
  if (lstat (name,&sb)) printf ("  %s: absent\n",shown);
  else printf ("  %s: mode %03o size %ld links %ld%s\n",shown,
	       (unsigned) (sb.st_mode & 07777),(long) sb.st_size,
	       (long) sb.st_nlink,S_ISLNK (sb.st_mode) ? " symlink" : "");
}

static void listing (void)
{
  struct dirent **names;
  int i,n = scandir (".",&names,NIL,alphasort);
  printf ("  files:");
  for (i = 0; i < n; i++) {
    if (strcmp (names[i]->d_name,".") && strcmp (names[i]->d_name,".."))
      printf (" %s",names[i]->d_name);
    free (names[i]);
  }
  free (names);
  printf ("\n");
}

static void handler (int sig) {}

static void *notify (int reason,void *data)
{
  printf ("  blocknotify %d\n",reason);
  return data;
}

int main (int argc,char *argv[])
{
  char lock[MAILTMPLEN],lock2[MAILTMPLEN];
  long pid;
  int fd,fd2,bfd;
  struct stat sb;
  DOTLOCK dl;
  FILE *f;
  if (argc < 2 || chdir (argv[1])) return 2;
  umask (022);
  f = fopen ("box","w"); fputs ("x\n",f); fclose (f);
  /* A lock file a killed process left for an earlier file with this
   * inode number (other suites run alongside) is not this test's. */
  if (!stat ("box",&sb)) {
    char stale[MAILTMPLEN];
    sprintf (stale,"/tmp/.%lx.%lx",(unsigned long) sb.st_dev,
	     (unsigned long) sb.st_ino);
    unlink (stale);
  }

  printf ("lockname exclusive\n");
  fd = lockname (lock,"box",LOCK_EX|LOCK_NB,&pid);
  printf ("  fd>=0 %d pid %ld\n",fd >= 0,pid);
  expect_name (lock,"box");
  describe (lock);
  printf ("second exclusive (other open file)\n");
  pid = 99;
  fd2 = lockname (lock2,"box",LOCK_EX|LOCK_NB,&pid);
  printf ("  fd %d pid %ld same name %d\n",fd2,pid,!strcmp (lock,lock2));
  write (fd,"4242",5);		/* as unix_open notes its PID, NUL too */
  ftruncate (fd,4);
  fd2 = lockname (lock2,"box",LOCK_EX|LOCK_NB,&pid);
  printf ("  with pid written: fd %d pid %ld\n",fd2,pid);
  write (fd,"  -17",5); ftruncate (fd,5);
  fd2 = lockname (lock2,"box",LOCK_EX|LOCK_NB,&pid);
  printf ("  with negative pid: fd %d pid %ld\n",fd2,pid);
  printf ("unlockfd\n");
  unlockfd (fd,lock);
  describe (lock);

  printf ("lockfd shared twice\n");
  bfd = open ("box",O_RDONLY);
  fd = lockfd (bfd,lock,LOCK_SH);
  fd2 = lockfd (bfd,lock2,LOCK_SH|LOCK_NB);
  printf ("  both %d %d\n",fd >= 0,fd2 >= 0);
  expect_name (lock,"box");
  describe (lock);
  printf ("  exclusive while shared: %d\n",lockfd (bfd,lock2,LOCK_EX|LOCK_NB));
  unlockfd (fd2,lock2);
  printf ("after first unlock\n");
  describe (lock);
  unlockfd (fd,lock);
  printf ("after second unlock\n");
  describe (lock);
  printf ("lock_work with a stat record\n");
  fstat (bfd,&sb);
  pid = 5;
  fd = lock_work (lock,&sb,LOCK_EX,&pid);
  printf ("  fd>=0 %d pid %ld\n",fd >= 0,pid);
  expect_name (lock,"box");
  unlockfd (fd,lock);
  describe (lock);
  close (bfd);

  printf ("chk_notsymlink\n");
  printf ("  absent %ld\n",chk_notsymlink ("nothing",&sb));
  printf ("  file %ld\n",chk_notsymlink ("box",&sb));
  link ("box","box.hard");
  printf ("  hard-linked %ld size %ld\n",chk_notsymlink ("box",&sb),
	  (long) sb.st_size);
  unlink ("box.hard");
  symlink ("box","box.sym");
  printf ("  symlink %ld\n",chk_notsymlink ("box.sym",&sb));

  printf ("crexcl\n");
  printf ("  new %ld\n",crexcl ("made"));
  printf ("  again %ld\n",crexcl ("made"));
  errno = 0;
  pid = crexcl ("nodir/made");
  printf ("  missing dir %ld errno %s\n",pid,strerror (errno));
  describe ("made");
  unlink ("made");
  listing ();

  printf ("dotlock_lock quiet\n");
  printf ("  result %ld\n",dotlock_lock ("box",&dl,-1));
  printf ("  lock %s pipes %d %d\n",dl.lock,dl.pipei,dl.pipeo);
  describe ("box.lock");
  printf ("timeout default %ld\n",(long) mail_parameters (NIL,GET_LOCKTIMEOUT,NIL));
  printf ("timeout set %ld\n",(long) mail_parameters (NIL,SET_LOCKTIMEOUT,(void *) 0));
  {
    DOTLOCK d2;
    printf ("dotlock_lock on a held lock, timeout 0\n");
    printf ("  result %ld\n",dotlock_lock ("box",&d2,-1));
    printf ("  lock %s\n",d2.lock);
    describe ("box.lock");
    printf ("  unlock %ld\n",dotlock_unlock (&d2));
  }
  printf ("dotlock_unlock\n");
  printf ("  result %ld\n",dotlock_unlock (&dl));
  describe ("box.lock");
  printf ("  unlock again %ld\n",dotlock_unlock (&dl));
  dl.lock[0] = '\0';
  printf ("  unlock empty %ld\n",dotlock_unlock (&dl));
  printf ("  unlock NULL %ld\n",dotlock_unlock (NIL));

  printf ("dotlock on a symlinked lock name\n");
  symlink ("elsewhere","sym.lock");
  f = fopen ("sym","w"); fclose (f);
  strcpy (dl.lock,"junk");
  printf ("  result %ld lock '%s'\n",dotlock_lock ("sym",&dl,-1),dl.lock);

  printf ("dotlock in a read-only directory\n");
  mkdir ("ro",0755);
  f = fopen ("ro/box","w"); fclose (f);
  chmod ("ro",0555);
  printf ("  quiet: %ld lock '%s'\n",dotlock_lock ("ro/box",&dl,-1),dl.lock);
  bfd = open ("ro/box",O_RDONLY);
  printf ("  with fd: %ld lock '%s'\n",dotlock_lock ("ro/box",&dl,bfd),dl.lock);
  mail_parameters (NIL,SET_LOCKEACCESERROR,NIL);
  printf ("  warning off: %ld\n",dotlock_lock ("ro/box",&dl,bfd));
  close (bfd);
  chmod ("ro",0755);
  {
    char longname[600];
    memset (longname,'a',sizeof (longname) - 1);
    longname[sizeof (longname) - 1] = '\0';
    strcpy (dl.lock,"untouched");
    printf ("  long name: %ld lock '%s'\n",dotlock_lock (longname,&dl,-1),
	    dl.lock);
  }

  printf ("arm_signal\n");
  printf ("  first old is default %d\n",
	  arm_signal (SIGUSR2,handler) == (void *) SIG_DFL);
  printf ("  second old is handler %d\n",
	  arm_signal (SIGUSR2,SIG_DFL) == (void *) handler);
  {
    struct sigaction sa;
    arm_signal (SIGUSR1,handler);
    sigaction (SIGUSR1,NIL,&sa);
    printf ("  flags restart %d\n",!!(sa.sa_flags & SA_RESTART));
  }
  printf ("block notification around a blocking lock\n");
  mail_parameters (NIL,SET_BLOCKNOTIFY,(void *) notify);
  fd = lockname (lock,"box",LOCK_EX,&pid);
  fd2 = lockname (lock2,"box",LOCK_SH|LOCK_NB,&pid);
  printf ("  %d %d\n",fd >= 0,fd2);
  unlockfd (fd,lock);
  printf ("dotlock with the mailbox open, missing directory\n");
  bfd = open ("box",O_RDONLY);
  mail_parameters (NIL,SET_LOCKEACCESERROR,(void *) T);
  printf ("  result %ld lock '%s'\n",dotlock_lock ("nodir/box",&dl,bfd),dl.lock);
  printf ("lock protection 0640\n");
  mail_parameters (NIL,SET_LOCKPROTECTION,(void *) 0640);
  printf ("  result %ld\n",dotlock_lock ("box",&dl,bfd));
  describe ("box.lock");
  dotlock_unlock (&dl);
  close (bfd);
  printf ("closed box: session locks at the root\n");
  mail_parameters (NIL,SET_CHROOTSERVER,(void *) T);
  fd = lockname (lock,"box",LOCK_EX|LOCK_NB,&pid);
  printf ("  fd %d pid %ld prefix %.2s\n",fd,pid,lock);
  mail_parameters (NIL,SET_CHROOTSERVER,NIL);
  printf ("lock protection %lo\n",(long) mail_parameters (NIL,GET_LOCKPROTECTION,NIL));
  listing ();
  return 0;
}
