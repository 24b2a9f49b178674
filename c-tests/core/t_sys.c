/* safe_write, safe_flock and fatal. Usage: t_sys WORKDIR */
#include "common.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

long safe_write (int fd,char *buf,long nbytes);
int safe_flock (int fd,int op);

int main (int argc,char **argv)
{
  char path[4096],*big;
  long n = 3 * 1024 * 1024,i;
  int fd,fd2,p[2],status;
  pid_t pid;
  if (argc < 2) return 2;
  snprintf (path,sizeof (path),"%s/sys-sample",argv[1]);
				/* write to a pipe drained by a child: partial writes */
  big = malloc (n);
  for (i = 0; i < n; i++) big[i] = (char) (i * 31);
  pipe (p);
  if (!(pid = fork ())) {
    char buf[4096];
    long got = 0,sum = 0,r;
    close (p[1]);
    while ((r = read (p[0],buf,sizeof (buf))) > 0) {
      for (i = 0; i < r; i++) sum += (unsigned char) buf[i] * ((got + i) % 7);
      got += r;
    }
    printf ("child got=%ld sum=%ld\n",got,sum);
    fflush (stdout);
    _exit (0);
  }
  close (p[0]);
  printf ("safe_write pipe=%ld\n",safe_write (p[1],big,n));
  fflush (stdout);
  close (p[1]);
  waitpid (pid,&status,0);
  printf ("safe_write zero=%ld negative=%ld\n",safe_write (1,big,0),
	  safe_write (1,big,-5));
  printf ("safe_write badfd=%ld\n",safe_write (-1,big,10));
  free (big);
				/* flock: exclusive twice from two descriptors */
  fd = open (path,O_RDWR | O_CREAT,0600);
  fd2 = open (path,O_RDWR);
  printf ("flock ex=%d\n",safe_flock (fd,LOCK_EX));
  printf ("flock ex-nb other=%d\n",safe_flock (fd2,LOCK_EX | LOCK_NB));
  printf ("flock sh-nb other=%d\n",safe_flock (fd2,LOCK_SH | LOCK_NB));
  printf ("flock un=%d\n",safe_flock (fd,LOCK_UN));
  printf ("flock ex-nb other now=%d\n",safe_flock (fd2,LOCK_EX | LOCK_NB));
  close (fd); close (fd2);
  unlink (path);
  fflush (stdout);
				/* fatal: mm_fatal sees the text, then abort */
  if (!(pid = fork ())) {
    fatal ("something broke");
    printf ("fatal returned!\n");
    _exit (0);
  }
  waitpid (pid,&status,0);
  printf ("fatal child signaled=%d sig=%d\n",WIFSIGNALED (status),
	  WIFSIGNALED (status) ? WTERMSIG (status) : -1);
  return 0;
}
