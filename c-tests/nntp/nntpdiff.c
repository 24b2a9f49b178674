/* Reads and posts news over NNTP through c-client, for the nntp suite:
 * compiled once against the original's headers, run with either library
 * against the same private INN.
 *
 *   nntpdiff HOSTSPEC GROUP     e.g. nntpdiff 127.0.0.1:14420 test.one
 *
 * Lists the groups (LIST ACTIVE) and the subscribed ones (.newsrc), opens
 * {HOSTSPEC/nntp}#news.GROUP, prints every overview, header and text, a
 * few searches (the client's local SEARCH emulation) and STATUS, marks
 * messages read and closes (.newsrc written), then posts one article with
 * nntp_open/nntp_mail/nntp_close. Every callback is printed as it comes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"

#define MM_OWN_EXISTS
#define MM_OWN_EXPUNGED
#define MM_OWN_FLAGS
#define MM_OWN_NOTIFY
#define MM_OWN_LOG
#define MM_OWN_STATUS
#define MM_OWN_LIST
#define MM_OWN_LSUB
#define MM_OWN_SEARCHED
#include "../lib/mm_callbacks.h"

void mm_exists (MAILSTREAM *s,unsigned long n) { printf ("* exists %lu\n",n); }
void mm_expunged (MAILSTREAM *s,unsigned long n) { printf ("* expunged %lu\n",n); }
void mm_flags (MAILSTREAM *s,unsigned long n) { printf ("* flags %lu\n",n); }
void mm_notify (MAILSTREAM *s,char *t,long e) { printf ("* notify %ld %s\n",e,t); }
void mm_log (char *t,long e) { printf ("* log %ld %s\n",e,t); }
void mm_searched (MAILSTREAM *s,unsigned long n) { printf ("* searched %lu\n",n); }
void mm_list (MAILSTREAM *s,int d,char *n,long a) { printf ("* list %c %s %ld\n",d ? d : '0',n,a); }
void mm_lsub (MAILSTREAM *s,int d,char *n,long a) { printf ("* lsub %c %s %ld\n",d ? d : '0',n,a); }
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st)
{
  printf ("* status %s messages=%lu recent=%lu unseen=%lu uidnext=%lu\n",
          m,st->messages,st->recent,st->unseen,st->uidnext);
}

static void show (const char *label,char *s,unsigned long n)
{
  unsigned long i;
  printf ("%s %lu [",label,n);
  for (i = 0; i < n; i++) {
    unsigned char c = s[i];
    if (c == '\r') printf ("\\r");
    else if (c == '\n') printf ("\\n");
    else if (c < 32 || c > 126) printf ("\\x%02x",c);
    else putchar (c);
  }
  printf ("]\n");
}

/* Volatile header lines (the server's Path, dates, ids, Xref) are blanked. */
static void show_header (char *h,unsigned long n)
{
  char *copy = malloc (n + 1),*line,*save;
  memcpy (copy,h,n); copy[n] = '\0';
  printf ("header:\n");
  for (line = strtok_r (copy,"\r\n",&save); line; line = strtok_r (NIL,"\r\n",&save)) {
    if (*line == '\t' || *line == ' ') continue;
    if (!strncmp (line,"Path:",5) || !strncmp (line,"Date:",5) ||
        !strncmp (line,"Message-ID:",11) || !strncmp (line,"Injection-",10) ||
        !strncmp (line,"NNTP-Posting-",13) || !strncmp (line,"Xref:",5))
      printf ("  %.*s ...\n",(int) (strchr (line,':') - line),line);
    else printf ("  %s\n",line);
  }
  free (copy);
}

static void ov (MAILSTREAM *s,unsigned long uid,OVERVIEW *o,unsigned long msgno)
{
  printf ("overview msgno=%lu uid=%lu subject=%s from=%s@%s octets=%s lines=%lu refs=%s\n",
          msgno,uid,o->subject ? o->subject : "(nil)",
          o->from && o->from->mailbox ? o->from->mailbox : "(nil)",
          o->from && o->from->host ? o->from->host : "(nil)",
          o->optional.octets ? "some" : "none",o->optional.lines,
          o->references && *o->references ? o->references : "(none)");
}

int main (int argc,char **argv)
{
  char mbx[MAILTMPLEN],ref[MAILTMPLEN],tmp[MAILTMPLEN];
  MAILSTREAM *s;
  unsigned long i,n;
#include "linkage.c"
  if (argc < 3) return 2;
  setvbuf (stdout,NIL,_IOLBF,0);
  /* Sets up the environment, ~/.newsrc included (the original's nntp
     subscribe crashes without it). */
  myusername ();
  sprintf (ref,"{%s/nntp}#news.",argv[1]);
  sprintf (mbx,"{%s/nntp}#news.%s",argv[1],argv[2]);
  printf ("> list\n");
  mail_list (NIL,ref,"*");
  mail_list (NIL,ref,"test.%");
  printf ("> status\n");
  mail_status (NIL,mbx,SA_MESSAGES|SA_RECENT|SA_UNSEEN|SA_UIDNEXT);
  printf ("> open\n");
  if (!(s = mail_open (NIL,mbx,NIL))) { printf ("open failed\n"); return 1; }
  printf ("nmsgs=%lu recent=%lu rdonly=%d uidvalidity=%lu\n",s->nmsgs,s->recent,s->rdonly,
          s->uid_validity);
  sprintf (tmp,"1:%lu",s->nmsgs);
  if (s->nmsgs) mail_fetch_overview (s,tmp,ov);
  for (i = 1; i <= s->nmsgs; i++) {
    char *h = mail_fetchheader_full (s,i,NIL,&n,FT_PEEK);
    printf ("msg %lu uid %lu\n",i,mail_uid (s,i));
    show_header (h,n);
    h = mail_fetchtext_full (s,i,&n,FT_PEEK);
    show ("text",h,n);
  }
  /* The newsrc of an nntp name comes from its stream (set by opening a
     group): subscribe and lsub use the open one (with none, or a
     half-open one, the original crashes). */
  printf ("> subscribe\n");
  printf ("subscribe %ld\n",mail_subscribe (s,mbx));
  printf ("> lsub\n");
  mail_lsub (s,ref,"*");
  printf ("> search\n");
  mail_search_full (s,NIL,mail_criteria ("SUBJECT hello"),SE_FREE);
  mail_search_full (s,NIL,mail_criteria ("BODY dotted"),SE_FREE);
  mail_search_full (s,NIL,mail_criteria ("UNSEEN"),SE_FREE);
  printf ("> read and close\n");
  if (s->nmsgs) mail_setflag (s,"1","\\Deleted");
  mail_close (s);
  printf ("> post\n");
  {
    char *hosts[2] = { NIL,NIL };
    char host[MAILTMPLEN];
    SENDSTREAM *ss;
    ENVELOPE *env = mail_newenvelope ();
    BODY *body = mail_newbody ();
    strcpy (host,argv[1]);
    hosts[0] = host;
    env->from = mail_newaddr ();
    env->from->personal = cpystr ("Poster");
    env->from->mailbox = cpystr ("poster");
    env->from->host = cpystr ("example.org");
    env->subject = cpystr ("posted by the test");
    env->newsgroups = cpystr (argv[2]);
    env->date = cpystr ("Sun, 6 Dec 2026 10:00:00 +0000");
    body->type = TYPETEXT;
    body->contents.text.data = (unsigned char *) cpystr ("a posted line\r\n.a dotted line\r\n");
    body->contents.text.size = strlen ((char *) body->contents.text.data);
    ss = nntp_open (hosts,NIL);
    if (ss) {
      printf ("nntp_mail %ld\n",nntp_mail (ss,env,body));
      printf ("reply %.3s\n",ss->reply ? ss->reply : "(nil)");
      nntp_close (ss);
    }
    else printf ("nntp_open failed\n");
    mail_free_envelope (&env);
    mail_free_body (&body);
  }
  return 0;
}
