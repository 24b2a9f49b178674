/* The library's own IMAP extensions, opt-in (docs/imap.md): compiled once
 * against the ORIGINAL headers (which do not have the new parameter
 * codes, so they are written here as numbers) and run with each library.
 *
 *   extdiff id PORT      Dovecot as alice: open INBOX with /debug, append,
 *                        status, list, fetch, close; every callback and
 *                        mm_dlog line. With EXTDIFF_ID in the environment,
 *                        SET_IMAPID with its value first and the server's
 *                        ID answer (GET_IMAPSERVERID) at the end.
 *   extdiff utf8 PORT [FLAG]
 *                        a pre-authenticated Courier: names with non-ASCII
 *                        characters (modified UTF-7) created, subscribed,
 *                        listed, STATUS, APPEND of an 8-bit and a 7-bit
 *                        message, SELECT, envelopes, RENAME, DELETE; the
 *                        mailbox names carry FLAG (e.g. "/utf8"). With
 *                        EXTDIFF_DEBUG set, the mm_dlog lines too.
 *   extdiff move PORT    Dovecot as alice: three messages in INBOX, mail_move
 *                        of 2:3 to Dest, then of the first by UID, expunge;
 *                        callbacks, flags and mm_dlog lines, then the
 *                        final contents of INBOX and Dest. With EXTDIFF_MOVE
 *                        set, SET_IMAPMOVE first.
 *   extdiff unsol PORT   unsol.py: open INBOX (its SELECT answer carries an
 *                        unasked ID and ENABLED), list, close.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"

#define MM_OWN_SEARCHED
#define MM_OWN_EXISTS
#define MM_OWN_EXPUNGED
#define MM_OWN_FLAGS
#define MM_OWN_NOTIFY
#define MM_OWN_LIST
#define MM_OWN_LSUB
#define MM_OWN_STATUS
#define MM_OWN_LOG
#define MM_OWN_LOGIN
#define MM_OWN_DLOG
#include "../lib/mm_callbacks.h"

#define X_SET_IMAPID 457L
#define X_GET_IMAPSERVERID 458L
#define X_SET_IMAPMOVE 463L

static int trace = 0;
void mm_dlog (char *t) { if (trace) printf ("  dlog %s\n",t); }
void mm_searched (MAILSTREAM *s,unsigned long n) { printf ("  mm_searched %lu\n",n); }
void mm_exists (MAILSTREAM *s,unsigned long n) { printf ("  mm_exists %lu\n",n); }
void mm_expunged (MAILSTREAM *s,unsigned long n) { printf ("  mm_expunged %lu\n",n); }
void mm_flags (MAILSTREAM *s,unsigned long n) { printf ("  mm_flags %lu\n",n); }
void mm_notify (MAILSTREAM *s,char *t,long e) { printf ("  mm_notify %ld %s\n",e,t); }
void mm_list (MAILSTREAM *s,int d,char *n,long a) { printf ("  mm_list %c %s %ld\n",d ? d : '0',n,a); }
void mm_lsub (MAILSTREAM *s,int d,char *n,long a) { printf ("  mm_lsub %c %s %ld\n",d ? d : '0',n,a); }
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st)
{
  printf ("  mm_status %s flags=%ld msgs=%lu recent=%lu unseen=%lu\n",
	  m,st->flags,st->messages,st->recent,st->unseen);
}
void mm_log (char *t,long e) { printf ("  mm_log %ld %s\n",e,t); }
void mm_login (NETMBX *mb,char *user,char *pwd,long trial)
{
  printf ("  mm_login host=%s user=%s trial=%ld\n",mb->host,mb->user,trial);
  strcpy (user,"alice");
  strcpy (pwd,"alicepw");
}

static void envelopes (MAILSTREAM *s)
{
  unsigned long i;
  for (i = 1; i <= s->nmsgs; i++) {
    ENVELOPE *e = mail_fetchenvelope (s,i);
    printf ("  envelope %lu subject=%s from=%s\n",i,
	    (e && e->subject) ? e->subject : "(nil)",
	    (e && e->from && e->from->mailbox) ? e->from->mailbox : "(nil)");
  }
}

static long append (MAILSTREAM *s,char *mbx,char *text)
{
  STRING st;
  INIT (&st,mail_string,text,strlen (text));
  return mail_append (s,mbx,&st);
}

static int id_session (char *port)
{
  char name[256],ref[256];
  char *spec = getenv ("EXTDIFF_ID");
  MAILSTREAM *s;
  trace = 1;
  if (spec) mail_parameters (NIL,X_SET_IMAPID,spec);
  sprintf (ref,"{127.0.0.1:%s/imap/notls/user=alice}",port);
  sprintf (name,"{127.0.0.1:%s/imap/notls/user=alice/debug}INBOX",port);
  printf ("open\n");
  if (!(s = mail_open (NIL,name,NIL))) { printf ("open failed\n"); return 1; }
  printf ("  nmsgs=%lu\n",s->nmsgs);
  printf ("append\n");
  sprintf (name,"%sINBOX",ref);
  printf ("  -> %ld\n",append (s,name,"From: a@example.com\r\nSubject: id test\r\n\r\nbody\r\n"));
  printf ("status\n");
  mail_status (s,name,SA_MESSAGES | SA_UNSEEN);
  printf ("list\n");
  mail_list (s,ref,"*");
  printf ("ping\n");
  printf ("  -> %ld nmsgs=%lu\n",mail_ping (s),s->nmsgs);
  envelopes (s);
  printf ("server id: %s\n",
	  (char *) mail_parameters (s,X_GET_IMAPSERVERID,NIL) ?
	  (char *) mail_parameters (s,X_GET_IMAPSERVERID,NIL) : "(none)");
  printf ("close\n");
  mail_close (s);
  return 0;
}

static int utf8_session (char *port,char *flag)
{
  char ref[256],name[512],to[512];
  static char *boxes[] = {"INBOX.Caf&AOk-","INBOX.&ZeVnLA-","INBOX.A&-B",NIL};
  MAILSTREAM *s;
  int i;
  if (getenv ("EXTDIFF_DEBUG") && *getenv ("EXTDIFF_DEBUG")) trace = 1;
  sprintf (ref,"{127.0.0.1:%s/imap/notls%s%s}",port,flag,trace ? "/debug" : "");
#define NAME(b) (sprintf (name,"%s%s",ref,b),name)
  printf ("open\n");
  if (!(s = mail_open (NIL,NAME ("INBOX"),NIL))) { printf ("open failed\n"); return 1; }
  printf ("  nmsgs=%lu\n",s->nmsgs);
  for (i = 0; boxes[i]; i++) {
    printf ("create %s -> %ld\n",boxes[i],mail_create (s,NAME (boxes[i])));
  }
  printf ("create INBOX.Caf&AOk- again -> %ld\n",mail_create (s,NAME ("INBOX.Caf&AOk-")));
  printf ("subscribe -> %ld\n",mail_subscribe (s,NAME ("INBOX.Caf&AOk-")));
  printf ("list INBOX.*\n");
  mail_list (s,ref,"INBOX.*");
  printf ("list INBOX.Caf&AOk-%%\n");
  mail_list (s,ref,"INBOX.Caf&AOk-%");
  printf ("lsub\n");
  mail_lsub (s,ref,"*");
  printf ("append 8-bit -> %ld\n",append (s,NAME ("INBOX.Caf&AOk-"),
	  "From: b@example.com\r\nSubject: caf\303\251 cr\303\250me\r\n\r\nbody\r\n"));
  printf ("append 7-bit -> %ld\n",append (s,NAME ("INBOX.&ZeVnLA-"),
	  "From: c@example.com\r\nSubject: plain\r\n\r\nbody\r\n"));
  for (i = 0; boxes[i]; i++) {
    printf ("status %s\n",boxes[i]);
    mail_status (s,NAME (boxes[i]),SA_MESSAGES | SA_RECENT | SA_UNSEEN);
  }
  printf ("select INBOX.Caf&AOk-\n");
  if (!(s = mail_open (s,NAME ("INBOX.Caf&AOk-"),NIL))) { printf ("select failed\n"); return 1; }
  printf ("  nmsgs=%lu\n",s->nmsgs);
  envelopes (s);
  printf ("copy -> %ld\n",mail_copy (s,"1","INBOX.A&-B"));
  printf ("select INBOX\n");
  if (!(s = mail_open (s,NAME ("INBOX"),NIL))) { printf ("select failed\n"); return 1; }
  sprintf (to,"%sINBOX.R&AOk-sum&AOk-",ref);
  printf ("rename -> %ld\n",mail_rename (s,NAME ("INBOX.Caf&AOk-"),to));
  printf ("list after rename\n");
  mail_list (s,ref,"INBOX.*");
  printf ("status INBOX.A&-B\n");
  mail_status (s,NAME ("INBOX.A&-B"),SA_MESSAGES);
  printf ("delete\n");
  printf ("  -> %ld\n",mail_delete (s,to));
  for (i = 1; boxes[i]; i++) printf ("  -> %ld\n",mail_delete (s,NAME (boxes[i])));
  printf ("delete missing -> %ld\n",mail_delete (s,NAME ("INBOX.Caf&AOk-")));
  printf ("list at the end\n");
  mail_list (s,ref,"*");
  printf ("close\n");
  mail_close (s);
  return 0;
}

static int unsol_session (char *port)
{
  char name[256],ref[256];
  MAILSTREAM *s;
  sprintf (ref,"{127.0.0.1:%s/imap/notls}",port);
  sprintf (name,"%sINBOX",ref);
  printf ("open\n");
  if (!(s = mail_open (NIL,name,NIL))) { printf ("open failed\n"); return 1; }
  printf ("list\n");
  mail_list (s,ref,"%");
  printf ("close\n");
  mail_close (s);
  return 0;
}
static void states (MAILSTREAM *s)
{
  unsigned long i;
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e = mail_elt (s,i);
    printf ("  msg %lu deleted=%d\n",i,e->deleted);
  }
}

static int move_session (char *port)
{
  char name[256],ref[256],uid[32];
  MAILSTREAM *s;
  long r;
  int i;
  if (getenv ("EXTDIFF_MOVE")) mail_parameters (NIL,X_SET_IMAPMOVE,(void *) T);
  sprintf (ref,"{127.0.0.1:%s/imap/notls/user=alice}",port);
  sprintf (name,"{127.0.0.1:%s/imap/notls/user=alice/debug}INBOX",port);
  trace = 1;
  printf ("open\n");
  if (!(s = mail_open (NIL,name,NIL))) { printf ("open failed\n"); return 1; }
  sprintf (name,"%sDest",ref);
  printf ("create -> %ld\n",mail_create (s,name));
  sprintf (name,"%sINBOX",ref);
  for (i = 1; i <= 3; i++) {
    char text[128];
    sprintf (text,"From: a@example.com\r\nSubject: move %d\r\n\r\nbody %d\r\n",i,i);
    printf ("append -> %ld\n",append (s,name,text));
  }
  printf ("ping -> %ld nmsgs=%lu\n",mail_ping (s),s->nmsgs);
  envelopes (s);
  r = mail_copy_full (s,"2:3","Dest",CP_MOVE);
  printf ("move 2:3 -> %ld nmsgs=%lu\n",r,s->nmsgs);
  states (s);
  sprintf (uid,"%lu",mail_uid (s,1));
  r = mail_copy_full (s,uid,"Dest",CP_MOVE | CP_UID);
  printf ("uid move of 1 -> %ld nmsgs=%lu\n",r,s->nmsgs);
  states (s);
  printf ("expunge\n");
  mail_expunge (s);
  trace = 0;
  printf ("final INBOX nmsgs=%lu\n",s->nmsgs);
  envelopes (s);
  sprintf (name,"%sDest",ref);
  mail_close (s);
  if (!(s = mail_open (NIL,name,OP_READONLY))) { printf ("open Dest failed\n"); return 1; }
  printf ("final Dest nmsgs=%lu\n",s->nmsgs);
  envelopes (s);
  states (s);
  mail_close (s);
  return 0;
}

int main (int argc,char *argv[])
{
#include "linkage.c"
  setvbuf (stdout,NIL,_IONBF,0);
  if (argc >= 3 && !strcmp (argv[1],"id")) return id_session (argv[2]);
  if (argc >= 3 && !strcmp (argv[1],"move")) return move_session (argv[2]);
  if (argc >= 3 && !strcmp (argv[1],"unsol")) return unsol_session (argv[2]);
  if (argc >= 3 && !strcmp (argv[1],"utf8"))
    return utf8_session (argv[2],argc > 3 ? argv[3] : "");
  fprintf (stderr,"usage: extdiff id|utf8|unsol PORT [FLAG]\n");
  return 2;
}
