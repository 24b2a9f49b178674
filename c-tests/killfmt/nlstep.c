/* nlstep N CMD ARGS...: run CMD under ptrace and SIGKILL it (its whole
 * process group) on entry to its N-th system call that can change a file
 * (write to a file, rename, unlink, truncate, an open that creates or
 * truncates, ...): the call is not made, so the files are exactly as they
 * are between two such calls. Every state a kill can leave behind (apart
 * from a write cut short inside the kernel) is one N.
 *
 * N = 0 runs CMD to its end and prints "points P ready R done D": P such
 * calls in all, R of them before CMD wrote "READY" to its standard output
 * (opening the mailbox and loading), D before "DONE". N > 0 prints one
 * word: "open" (killed before READY), "mid" (before DONE), "after" (while
 * closing) or "finished" (CMD ended first: N > P). CMD's standard output
 * goes to the file named by NLSTEP_OUT (default /dev/null).
 * A seccomp filter stops the writer only at the calls that may count
 * (the others run untraced), which keeps each trial cheap.
 * Plain libc only; x86_64 and aarch64 system call numbers. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* the open flags of the open-type calls: argument index */
static int open_flags_arg (long nr)
{
#ifdef SYS_open
  if (nr == SYS_open) return 1;
#endif
#ifdef SYS_creat
  if (nr == SYS_creat) return -2;	/* always creates */
#endif
  if (nr == SYS_openat) return 2;
  return -1;
}

/* does system call NR with arguments A change a file? */
static int mutating (long nr,const unsigned long long *a)
{
  int k = open_flags_arg (nr);
  if (k == -2) return 1;
  if (k >= 0) return (a[k] & (O_CREAT | O_TRUNC)) != 0;
  if (nr == SYS_write || nr == SYS_writev)
    return a[0] > 2;			/* not the terminal/pipes of stdio */
  switch (nr) {
  case SYS_pwrite64: case SYS_pwritev: case SYS_pwritev2:
  case SYS_ftruncate: case SYS_truncate: case SYS_fallocate:
  case SYS_renameat: case SYS_renameat2: case SYS_unlinkat:
  case SYS_mkdirat: case SYS_linkat: case SYS_symlinkat:
  case SYS_fchmod: case SYS_fchmodat: case SYS_utimensat:
  case SYS_copy_file_range: case SYS_sendfile: case SYS_fchown:
  case SYS_fchownat:
#ifdef SYS_rename
  case SYS_rename: case SYS_unlink: case SYS_rmdir: case SYS_mkdir:
  case SYS_link: case SYS_symlink: case SYS_chmod: case SYS_utime:
  case SYS_utimes: case SYS_futimesat: case SYS_chown: case SYS_lchown:
#endif
    return 1;
  }
  return 0;
}

/* does the write about to be made (fd 1) carry WORD? */
static int says (pid_t tid,const unsigned long long *a,const char *word)
{
  char buf[256];
  struct iovec local = { buf,sizeof buf - 1 };
  struct iovec remote = { (void *) (unsigned long) a[1],
			  a[2] < sizeof buf - 1 ? a[2] : sizeof buf - 1 };
  ssize_t n = process_vm_readv (tid,&local,1,&remote,1,0);
  if (n <= 0) return 0;
  buf[n] = '\0';
  return strstr (buf,word) != NULL;
}

/* the calls `mutating' looks at (it decides on their arguments) */
static const long watched[] = {
  SYS_openat, SYS_write, SYS_writev, SYS_pwrite64, SYS_pwritev, SYS_pwritev2,
  SYS_ftruncate, SYS_truncate, SYS_fallocate, SYS_renameat, SYS_renameat2,
  SYS_unlinkat, SYS_mkdirat, SYS_linkat, SYS_symlinkat, SYS_fchmod,
  SYS_fchmodat, SYS_utimensat, SYS_copy_file_range, SYS_sendfile, SYS_fchown,
  SYS_fchownat,
#ifdef SYS_rename
  SYS_open, SYS_creat, SYS_rename, SYS_unlink, SYS_rmdir, SYS_mkdir, SYS_link,
  SYS_symlink, SYS_chmod, SYS_utime, SYS_utimes, SYS_futimesat, SYS_chown,
  SYS_lchown,
#endif
};
#define NWATCHED (sizeof watched / sizeof watched[0])

/* in the child: stop at the watched calls only (SECCOMP_RET_TRACE) */
static void filter (void)
{
  struct sock_filter f[NWATCHED + 3];
  struct sock_fprog prog = { NWATCHED + 3,f };
  size_t i;
  f[0] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS,
					offsetof (struct seccomp_data,nr));
  for (i = 0; i < NWATCHED; i++)	/* equal: jump to the TRACE return */
    f[1 + i] = (struct sock_filter)
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K,(unsigned) watched[i],
		(unsigned char) (NWATCHED - i),0);
  f[1 + NWATCHED] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K,
						   SECCOMP_RET_ALLOW);
  f[2 + NWATCHED] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K,
						   SECCOMP_RET_TRACE);
  if (prctl (PR_SET_NO_NEW_PRIVS,1,0,0,0) ||
      prctl (PR_SET_SECCOMP,SECCOMP_MODE_FILTER,&prog)) {
    perror ("nlstep: seccomp");
    _exit (126);
  }
}

int main (int argc,char **argv)
{
  long target;
  long count = 0,ready = -1,done = -1;
  pid_t pid;
  int status,live = 1;
  const char *out = getenv ("NLSTEP_OUT");
  if (argc < 3) { fprintf (stderr,"usage: nlstep N CMD ARGS...\n"); return 1; }
  target = atol (argv[1]);
  if (!(pid = fork ())) {
    int fd = open (out ? out : "/dev/null",O_WRONLY | O_CREAT | O_TRUNC,0644);
    if (fd >= 0) { dup2 (fd,1); close (fd); }
    setpgid (0,0);
    ptrace (PTRACE_TRACEME,0,0,0);
    raise (SIGSTOP);
    filter ();
    execvp (argv[2],argv + 2);
    _exit (127);
  }
  if (waitpid (pid,&status,0) != pid || !WIFSTOPPED (status)) {
    perror ("nlstep: child"); return 1;
  }
  ptrace (PTRACE_SETOPTIONS,pid,0,PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL |
	  PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK);
  ptrace (PTRACE_CONT,pid,0,0);
  while (live) {
    int sig = 0;
    pid_t tid = waitpid (-1,&status,__WALL);
    if (tid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (WIFEXITED (status) || WIFSIGNALED (status)) {
      if (tid == pid) live = 0;
      continue;
    }
    if (!WIFSTOPPED (status)) continue;
    if ((status >> 8) == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
      struct __ptrace_syscall_info info;
      if (ptrace (PTRACE_GET_SYSCALL_INFO,tid,sizeof info,&info) > 0 &&
	  info.op == PTRACE_SYSCALL_INFO_SECCOMP) {
	long nr = (long) info.seccomp.nr;
	const unsigned long long *a =
	  (const unsigned long long *) info.seccomp.args;
	if ((nr == SYS_write) && (a[0] == 1)) {
	  if (ready < 0 && says (tid,a,"READY")) ready = count;
	  if (done < 0 && says (tid,a,"DONE")) done = count;
	}
	else if (mutating (nr,a) && (++count == target) && target > 0) {
	  kill (-pid,SIGKILL);
	  kill (pid,SIGKILL);
	  while (waitpid (-1,&status,__WALL) > 0 || errno == EINTR);
	  puts (ready < 0 ? "open" : done < 0 ? "mid" : "after");
	  return 0;
	}
      }
    }
    else if (WSTOPSIG (status) != SIGTRAP && WSTOPSIG (status) != SIGSTOP &&
	     !(status >> 16))
      sig = WSTOPSIG (status);	/* a real signal: deliver it */
    ptrace (PTRACE_CONT,tid,0,sig);
  }
  while (waitpid (-1,&status,__WALL) > 0);
  if (target > 0) puts ("finished");
  else printf ("points %ld ready %ld done %ld\n",count,
	       ready < 0 ? count : ready,done < 0 ? count : done);
  return 0;
}
