/*
 * env_unix.h -- UNIX environment: dot-locks, lock files, users, passwords, configuration.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_ENV_UNIX_H_INCLUDED
#define CCLIENT_ENV_UNIX_H_INCLUDED

/* BEGIN GENERATED constants */
#define MU_ANONYMOUS 2
#define MU_LOGGEDIN 0
#define MU_NOTLOGGEDIN 1
#define RESTRICTOTHERUSER 2
#define RESTRICTROOT 1
/* END GENERATED constants */

/* State of a held mailbox dot-lock (file name, and the pipe to the lock
 * helper program when one was needed). */
typedef struct dotlock_base {
  char lock[MAILTMPLEN];
  int pipei;
  int pipeo;
} DOTLOCK;

/* Where the subscription list lives, and its temporary during rewrites. */
#define SUBSCRIPTIONFILE(t) sprintf (t,"%s/.mailboxlist",myhomedir ())
#define SUBSCRIPTIONTEMP(t) sprintf (t,"%s/.mlbxlsttmp",myhomedir ())

/* System-wide configuration file read by dorc(). */
#define SYSCONFIG "/etc/c-client.cf"

/* Account names with special meaning. */
#define ANONYMOUSUSER "nobody"
#define UNLOGGEDUSER "root"
#define ADMINGROUP "mailadm"

#include "env.h"

struct passwd;

#define myusername() myusername_full (NIL)
#define grim_pid_reap(pid,killreq) grim_pid_reap_status (pid,killreq,NIL)

/* BEGIN GENERATED prototypes */
void *arm_signal (int, void *);
struct passwd *checkpw (struct passwd *, char *, int, char **);
long chk_notsymlink (char *, void *);
char *default_user_flag (unsigned long);
void dorc (char *, long);
long dotlock_lock (char *, DOTLOCK *, int);
long dotlock_unlock (DOTLOCK *);
long env_init (char *, char *);
long get_dir_protection (char *);
void grim_pid_reap_status (int, int, void *);
int lock_work (char *, void *, int, long *);
int lockfd (int, char *, int);
int lockname (char *, char *, int, long *);
long loginpw (struct passwd *, int, char **);
char *mailboxdir (char *, char *, char *);
void *mm_blocknotify (int, void *);
char *myusername_full (unsigned long *);
long path_create (MAILSTREAM *, char *);
long pw_login (struct passwd *, char *, char *, char *, int, char **);
void rfc822_fixed_date (char *);
long safe_write (int, char *, long);
long set_mbx_protections (char *, char *);
char *sysinbox ();
void unlockfd (int, char *);
MAILSTREAM *user_flags (MAILSTREAM *);
/* END GENERATED prototypes */

#endif /* CCLIENT_ENV_UNIX_H_INCLUDED */
