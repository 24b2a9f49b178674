/* Posts news through c-client's NNTP client (nntp_open_full, nntp_mail,
 * nntp_close), for the nntp suite: compiled once against the original's
 * headers, run with either library against the same private INN.
 *
 *   nntppost HOST:PORT DEADPORT
 *   nntppost HOST:PORT - hostile N  (against scenario N of c-tests/nntp/peer.py)
 *
 * Every callback is printed as it comes; after each attempt, the result
 * and the reply code the program reads from the SENDSTREAM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"

#define MM_OWN_NOTIFY
#define MM_OWN_LOG
#define MM_OWN_LOGIN
#define MM_OWN_DLOG
#include "../lib/mm_callbacks.h"

/* exported by both libraries, not declared in nntp.h */
long nntp_create (MAILSTREAM *stream,char *mailbox);
long nntp_delete (MAILSTREAM *stream,char *mailbox);
long nntp_rename (MAILSTREAM *stream,char *old,char *newname);
long nntp_append (MAILSTREAM *stream,char *mailbox,append_t af,void *data);

static const char *password = "alicepw";

void mm_notify (MAILSTREAM *s,char *t,long e) { printf ("* notify %ld %s\n",e,t); }
void mm_log (char *t,long e) { printf ("* log %ld %s\n",e,t); }
void mm_dlog (char *t) { printf ("* dlog %s\n",t); }
void mm_login (NETMBX *mb,char *user,char *pwd,long trial)
{
  printf ("* login host=%s user=%s trial=%ld\n",mb->host,mb->user,trial);
  strcpy (user,*mb->user ? mb->user : "alice");
  strcpy (pwd,trial < 2 ? password : "");
}

/* One article to GROUPS through HOST (a host list of one). */
static void post (char *host,long options,char *groups,char *subject,char *date,char *text)
{
  char *hosts[2];
  SENDSTREAM *ss;
  ENVELOPE *env = mail_newenvelope ();
  BODY *body = mail_newbody ();
  hosts[0] = host; hosts[1] = NIL;
  printf ("> post %s %s\n",host,groups);
  env->from = mail_newaddr ();
  env->from->personal = cpystr ("Poster");
  env->from->mailbox = cpystr ("poster");
  env->from->host = cpystr ("example.org");
  env->subject = cpystr (subject);
  env->newsgroups = cpystr (groups);
  env->date = cpystr (date);
  body->type = TYPETEXT;
  body->contents.text.data = (unsigned char *) cpystr (text);
  body->contents.text.size = strlen (text);
  if ((ss = nntp_open_full (NIL,hosts,"nntp",NIL,options))) {
    printf ("nntp_mail %ld\n",nntp_mail (ss,env,body));
    printf ("reply %.3s\n",ss->reply ? ss->reply : "(nil)");
    printf ("date after %s\n",env->date);
    printf ("nntp_close %p\n",(void *) nntp_close (ss));
  }
  else printf ("nntp_open failed\n");
  mail_free_envelope (&env);
  mail_free_body (&body);
}

int main (int argc,char **argv)
{
  char host[MAILTMPLEN],dead[MAILTMPLEN],user[MAILTMPLEN];
#include "linkage.c"
  if (argc < 3) return 2;
  setvbuf (stdout,NIL,_IOLBF,0);
  if (argc > 4 && !strcmp (argv[3],"hostile")) {
    /* scenario N of peer.py */
    static const long opts[] = { NIL,NIL,NIL,NIL,NIL,NIL,NIL,NIL,NOP_READONLY,NIL,NIL,
                                 NIL,NIL,NIL,NIL };
    int i = atoi (argv[4]);
    if (i < 0 || i > 14) return 2;
    /* a stalled peer ends the wait after this many seconds */
    mail_parameters (NIL,SET_READTIMEOUT,(void *) 3);
    post (argv[1],opts[i],"test.one","hostile","Sun, 6 Dec 2026 10:00:00 +0000",
          ".line\r\n");
    return 0;
  }
  sprintf (host,"%s",argv[1]);
  sprintf (dead,"127.0.0.1:%s",argv[2]);
  post (host,NIL,"test.one","posted by the test","Sun, 6 Dec 2026 10:00:00 +0000",
        "a posted line\r\n.a dotted line\r\n..two dots\r\n");
  post (host,NIL,"test.two,test.one","crossposted",
        "Sun, 6 Dec 2026 10:00:00 +0000 (UTC)",".leading dot\r\nend\r\n");
  post (host,NIL,"no.such.group","nowhere","Sun, 6 Dec 2026 10:00:00 +0000","lost\r\n");
  sprintf (user,"%s/user=alice",argv[1]);
  post (user,NIL,"test.two","with a login","Sun, 6 Dec 2026 10:00:00 +0000","logged in\r\n");
  password = "wrong";
  post (user,NIL,"test.two","bad password","Sun, 6 Dec 2026 10:00:00 +0000","refused\r\n");
  post (host,NOP_DEBUG,"test.empty","debugged","Sun, 6 Dec 2026 10:00:00 +0000","seen\r\n");
  post (dead,NIL,"test.one","no server","Sun, 6 Dec 2026 10:00:00 +0000","none\r\n");
  post ("bad{host",NIL,"test.one","bad host","Sun, 6 Dec 2026 10:00:00 +0000","none\r\n");
  printf ("> the mailbox operations news refuses\n");
  printf ("create %ld\n",nntp_create (NIL,"x"));
  printf ("delete %ld\n",nntp_delete (NIL,"x"));
  printf ("rename %ld\n",nntp_rename (NIL,"x","y"));
  printf ("append %ld\n",nntp_append (NIL,"x",NIL,NIL));
  {
    char *none[1] = { NIL };
    printf ("> empty host list\n");
    printf ("%p\n",(void *) nntp_open (none,NIL));
  }
  return 0;
}
