/* pw_login and grim_pid_reap_status, compiled once against the ORIGINAL
 * headers and run as root on both libraries (c-tests/server/run.sh); the
 * outputs must be identical.
 *
 *   pwlogin reap               a child's exit status; a child killed by
 *                              grim_pid_reap_status's SIGHUP
 *   pwlogin USER [AUSER [HOME]] pw_login of USER (as AUSER, "-" none), then who
 *                              the process is (user and groups) and its
 *                              environment
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include "c-client.h"
#include "../lib/mm_callbacks.h"

int main (int argc,char *argv[])
{
  struct passwd *pw;
  long r;
  char *auser,*home;
  uid_t uid;
  gid_t gid;
#include "linkage.c"
  if (argc > 1 && !strcmp (argv[1],"reap")) {
    int st = -1, p[2];
    pid_t pid;
    char c;
    if (!(pid = fork ())) _exit (7);
    grim_pid_reap_status (pid,NIL,&st);
    printf ("exit child: exited=%d status=%d\n",WIFEXITED (st),WEXITSTATUS (st));
    if (pipe (p)) return 1;
    if (!(pid = fork ())) {	/* tells the parent it is ready, then waits */
      close (p[0]);
      if (write (p[1],"r",1) != 1) _exit (1);
      for (;;) pause ();
    }
    close (p[1]);
    if (read (p[0],&c,1) != 1) return 1;
    st = -1;
    grim_pid_reap_status (pid,T,&st);
    printf ("killed child: signaled=%d signal=%d\n",WIFSIGNALED (st),WTERMSIG (st));
    grim_pid_reap (pid,NIL);	/* no such child any more: returns */
    printf ("reaping a reaped child returns\n");
    return 0;
  }
  if (argc < 2) return 2;
  pw = getpwnam (argv[1]);
  auser = argc > 2 && strcmp (argv[2],"-") ? argv[2] : NIL;
  home = argc > 3 ? argv[3] : NIL;
  uid = pw ? pw->pw_uid : 0;
  gid = pw ? pw->pw_gid : 0;	/* pw's storage may be reused by the call */
  r = pw_login (pw,auser,pw ? pw->pw_name : NIL,home,0,NIL);
  printf ("pw_login=%ld euid=%s\n",r,geteuid () == 0 ? "root" :
	  (pw && geteuid () == uid && getuid () == uid) ? "user" : "other");
  if (r) {
    char cwd[1024];
    gid_t groups[256];
    int i,n = getgroups (256,groups),primary = 0;
    for (i = 0; i < n; i++) if (groups[i] == gid) primary = 1;
				/* the user's groups (initgroups), not root's */
    printf ("gid=%s groups=%d primary-in-groups=%d\n",
	    (getgid () == gid && getegid () == gid) ? "user" : "other",n,primary);
    printf ("myusername=%s\n",myusername ());
    printf ("myhomedir=%s\n",myhomedir ());
    printf ("cwd=%s\n",getcwd (cwd,sizeof (cwd)) ? cwd : "?");
  }
  return 0;
}
