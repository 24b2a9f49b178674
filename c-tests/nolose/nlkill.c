/* nlkill DELAY_US CMD ARGS...: run CMD with its stdout on a pipe; once CMD
 * printed "READY", wait DELAY_US microseconds and SIGKILL it.  Prints one
 * word saying where the kill landed:
 *   mid       killed before it printed DONE (inside the operation)
 *   after     killed after DONE (while closing)
 *   finished  it had exited by itself before the delay ran out
 *   noready   it exited (or 120 s passed) without printing READY
 * and exits 0 (1 on usage or system errors).  No C library of ours here:
 * plain libc only. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char buf[65536];
static size_t have;

/* read what is available within timeout_ms; 0 on EOF */
static int pump (int fd,int timeout_ms)
{
  struct pollfd p = { fd, POLLIN, 0 };
  ssize_t n;
  if (poll (&p,1,timeout_ms) <= 0) return 1;
  n = read (fd,buf + have,sizeof buf - 1 - have);
  if (n <= 0) return 0;
  have += (size_t) n;
  buf[have] = '\0';
  if (have > sizeof buf / 2) {	/* keep only the tail */
    memmove (buf,buf + have - 64,64);
    have = 64;
    buf[have] = '\0';
  }
  return 1;
}

int main (int argc,char **argv)
{
  int fds[2],status;
  pid_t pid;
  long delay;
  struct timespec start,t;
  if (argc < 3) { fprintf (stderr,"usage: nlkill DELAY_US CMD ARGS...\n"); return 1; }
  delay = atol (argv[1]);
  if (pipe (fds)) { perror ("pipe"); return 1; }
  if (!(pid = fork ())) {
    dup2 (fds[1],1);
    close (fds[0]);
    close (fds[1]);
    execvp (argv[2],argv + 2);
    _exit (127);
  }
  close (fds[1]);
  clock_gettime (CLOCK_MONOTONIC,&start);
  while (!strstr (buf,"READY\n")) {
    clock_gettime (CLOCK_MONOTONIC,&t);
    if (t.tv_sec - start.tv_sec > 120 || !pump (fds[0],1000)) {
      kill (pid,SIGKILL);
      waitpid (pid,&status,0);
      puts ("noready");
      return 0;
    }
  }
  if (delay > 0) {
    struct timespec d = { delay / 1000000, (delay % 1000000) * 1000 };
    while (nanosleep (&d,&d) && errno == EINTR);
  }
  if (waitpid (pid,&status,WNOHANG) == pid) {
    puts ("finished");
    return 0;
  }
  kill (pid,SIGKILL);
  waitpid (pid,&status,0);
  while (pump (fds[0],0) && !strstr (buf,"DONE"));
  puts (strstr (buf,"DONE") ? "after" : "mid");
  return 0;
}
