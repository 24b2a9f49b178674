/* Differential tool for the mix driver, compiled once against the
 * original's headers and run with either library.
 *
 *   mixtool write BOX FILE...   create #driver.mix/BOX and run a fixed
 *                               script: appends with flags, keywords and
 *                               dates, flag changes, an expunge, more
 *                               appends
 *   mixtool dump BOX            print what a reader sees (stream data and
 *                               each message's UID, flags, keywords,
 *                               internal date, size and a hash of its
 *                               header and text)
 *   mixtool session BOX         read commands from stdin, one a line:
 *                               ping | append FILE FLAGS | set SEQ FLAGS |
 *                               clear SEQ FLAGS | expunge | show | quit;
 *                               "done N" after each
 *   mixtool open BOX            open, report the logs, close (bad input)
 *   mixtool ops                 create, status, list, rename, delete of mix
 *                               mailboxes (nested names, INBOX, refusals)
 *
 * mm_log lines are printed with their level, prefixed "log". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"

#define MM_OWN_LOG
#define MM_OWN_NOTIFY
#define MM_OWN_LIST
#define MM_OWN_STATUS
#include "../lib/mm_callbacks.h"

static int quiet_logs = 0;
void mm_log (char *string,long errflg)
{
  if (!quiet_logs) printf ("log %ld %s\n",errflg,string);
}
void mm_notify (MAILSTREAM *stream,char *string,long errflg)
{
  if (!quiet_logs) printf ("notify %ld %s\n",errflg,string);
}

void mm_list (MAILSTREAM *stream,int delimiter,char *name,long attributes)
{
  printf ("list %c %s %lx\n",delimiter ? delimiter : '0',name,attributes);
}
void mm_status (MAILSTREAM *stream,char *mailbox,MAILSTATUS *st)
{
  printf ("status %s msgs %lu recent %lu unseen %lu uidnext %lu\n",mailbox,
	  st->messages,st->recent,st->unseen,st->uidnext);
}

static unsigned long hash (unsigned char *s,unsigned long n)
{
  unsigned long h = 5381;
  while (n--) h = ((h << 5) + h) ^ *s++;
  return h & 0xffffffff;
}

/* a file as a CRLF message */
static char *slurp (char *file,unsigned long *len)
{
  FILE *f = fopen (file,"rb");
  char *buf,*out;
  long n,i,j;
  if (!f) return NIL;
  fseek (f,0,SEEK_END); n = ftell (f); rewind (f);
  buf = malloc (n + 1);
  n = fread (buf,1,n,f);
  fclose (f);
  out = malloc (2*n + 3);
  for (i = j = 0; i < n; i++) {
    if (buf[i] == '\n' && (i == 0 || buf[i-1] != '\r')) out[j++] = '\r';
    out[j++] = buf[i];
  }
  if (!j) { strcpy (out,"X: y\r\n\r\n"); j = 8; }
  out[j] = '\0';
  free (buf);
  *len = j;
  return out;
}

static long append_file (MAILSTREAM *s,char *box,char *file,char *flags,
			 char *date)
{
  STRING st;
  unsigned long len;
  long ret;
  char *msg = slurp (file,&len);
  if (!msg) return NIL;
  INIT (&st,mail_string,msg,len);
  ret = mail_append_full (s,box,flags,date,&st);
  free (msg);
  return ret;
}

static void show (MAILSTREAM *s)
{
  unsigned long i,j;
  char tmp[MAILTMPLEN];
  printf ("nmsgs %lu recent %lu uidvalidity-set %d uidlast %lu rdonly %d\n",
	  s->nmsgs,s->recent,s->uid_validity ? 1 : 0,s->uid_last,s->rdonly);
  printf ("keywords");
  for (i = 0; i < NUSERFLAGS && s->user_flags[i]; i++)
    printf (" %s",s->user_flags[i]);
  printf ("\n");
  if (s->nmsgs) {
    sprintf (tmp,"1:%lu",s->nmsgs);
    mail_fetch_flags (s,tmp,NIL);
    mail_fetch_fast (s,tmp,NIL);
  }
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e = mail_elt (s,i);
    printf ("msg %lu uid %lu flags %s%s%s%s%s%s kw",i,mail_uid (s,i),
	    e->seen ? "S" : "-",e->deleted ? "D" : "-",
	    e->flagged ? "F" : "-",e->answered ? "A" : "-",
	    e->draft ? "d" : "-",e->recent ? "R" : "-");
    for (j = 0; j < NUSERFLAGS; j++)
      if (e->user_flags & (1 << j)) printf (" %s",s->user_flags[j]);
    mail_date (tmp,e);
    printf (" date %s size %lu\n",tmp,e->rfc822_size);
  }
}

static void show_bodies (MAILSTREAM *s)
{
  unsigned long i,hl,tl;
  for (i = 1; i <= s->nmsgs; i++) {
    char *h = mail_fetch_header (s,i,NIL,NIL,&hl,FT_PEEK);
    unsigned long hh = hash ((unsigned char *) h,hl);
    char *t = mail_fetch_text (s,i,NIL,&tl,FT_PEEK);
    printf ("body %lu header %lu %08lx text %lu %08lx\n",i,hl,hh,tl,
	    hash ((unsigned char *) t,tl));
  }
}

static char *dates[] = {
  "01-Jan-2001 00:00:01 +0000","29-Feb-2004 12:34:56 -0800",
  "31-Dec-1999 23:59:59 +1345","15-Jul-2020 08:00:00 +0530",
  "07-Mar-1985 17:05:09 -0330"
};

static int do_write (char *box,int n,char **files)
{
  char name[MAILTMPLEN],tmp[MAILTMPLEN];
  MAILSTREAM *s;
  int i;
  sprintf (name,"#driver.mix/%s",box);
  if (!mail_create (NIL,name)) { printf ("create failed\n"); return 1; }
  if (!append_file (NIL,box,files[0],"(\\Seen)",dates[0])) {
    printf ("append failed\n"); return 1;
  }
  if (!(s = mail_open (NIL,box,NIL))) { printf ("open failed\n"); return 1; }
  mail_setflag (s,"1","alpha beta $Label1");
  for (i = 1; i < n; i++) {
    char *fl;
    switch (i % 6) {
    case 0: fl = "(\\Seen alpha)"; break;
    case 1: fl = "(\\Flagged beta \\Draft)"; break;
    case 2: fl = NIL; break;
    case 3: fl = "(\\Answered \\Seen $Label1 alpha)"; break;
    case 4: fl = "(\\Deleted)"; break;
    default: fl = "(nosuchkeyword \\Seen)"; break;
    }
    if (!append_file (s,box,files[i],fl,dates[i % 5])) {
      printf ("append %d failed\n",i); break;
    }
  }
  mail_ping (s);
  if (s->nmsgs >= 3) {
    mail_setflag (s,"2:3","\\Deleted gamma");
    mail_clearflag (s,"1","\\Seen beta");
    sprintf (tmp,"%lu",s->nmsgs);
    mail_setflag (s,tmp,"\\Flagged delta");
  }
  mail_expunge (s);
  if (n > 1) append_file (s,box,files[1],"(\\Seen gamma)",dates[2]);
  if (s->nmsgs >= 2) mail_setflag (s,"1:2","\\Answered");
  mail_check (s);
  show (s);
  mail_close (s);
  return 0;
}

static int do_dump (char *box)
{
  MAILSTREAM *s = mail_open (NIL,box,OP_READONLY);
  if (!s) { printf ("open failed\n"); return 1; }
  show (s);
  show_bodies (s);
  mail_close (s);
  return 0;
}

static int do_session (char *box)
{
  char line[MAILTMPLEN],a[MAILTMPLEN],b[MAILTMPLEN];
  unsigned long n = 0;
  MAILSTREAM *s = mail_open (NIL,box,NIL);
  if (!s) { printf ("open failed\n"); return 1; }
  setvbuf (stdout,NIL,_IONBF,0);
  quiet_logs = 1;
  printf ("done %lu\n",n++);
  while (fgets (line,sizeof line,stdin)) {
    line[strcspn (line,"\n")] = '\0';
    a[0] = b[0] = '\0';
    if (!strcmp (line,"quit")) break;
    else if (!strcmp (line,"ping")) mail_ping (s);
    else if (!strcmp (line,"show")) show (s);
    else if (!strcmp (line,"expunge")) mail_expunge (s);
    else if (sscanf (line,"append %s %[^\n]",a,b) >= 1)
      printf ("appended %ld\n",append_file (s,box,a,b[0] ? b : NIL,dates[1]));
    else if (sscanf (line,"set %s %[^\n]",a,b) == 2) mail_setflag (s,a,b);
    else if (sscanf (line,"clear %s %[^\n]",a,b) == 2) mail_clearflag (s,a,b);
    printf ("done %lu\n",n++);
  }
  mail_close (s);
  return 0;
}

static int do_open (char *box)
{
  MAILSTREAM *s = mail_open (NIL,box,NIL);
  if (!s) { printf ("open failed\n"); return 1; }
  printf ("opened nmsgs %lu\n",s->nmsgs);
  show_bodies (s);
  mail_close (s);
  return 0;
}

static void status (char *box)
{
  long r = mail_status (NIL,box,SA_MESSAGES|SA_RECENT|SA_UNSEEN|SA_UIDNEXT);
  printf ("status %s -> %ld\n",box,r);
}

static void do_ops (char **files)
{
  char *boxes[] = {"#driver.mix/one","#driver.mix/dir/two","#driver.mix/dir/",
		   "#driver.mix/.mixbad","#driver.mix/one",NIL};
  int i;
  for (i = 0; boxes[i]; i++)
    printf ("create %s -> %ld\n",boxes[i],mail_create (NIL,boxes[i]));
  printf ("append one -> %ld\n",append_file (NIL,"one",files[0],"(\\Seen)",
					      dates[3]));
  printf ("append nosuch -> %ld\n",append_file (NIL,"nosuch",files[0],NIL,
						 dates[3]));
  printf ("append dir/two -> %ld\n",append_file (NIL,"dir/two",files[1],NIL,
						  NIL));
  status ("one"); status ("dir/two");
  printf ("list\n"); mail_list (NIL,"","*");
  printf ("rename one -> dir/three %ld\n",mail_rename (NIL,"one","dir/three"));
  printf ("rename dir/two -> dir/three %ld\n",
	  mail_rename (NIL,"dir/two","dir/three"));
  printf ("rename nosuch -> x %ld\n",mail_rename (NIL,"nosuch","x"));
  printf ("rename dir/three -> new/deep/four %ld\n",
	  mail_rename (NIL,"dir/three","new/deep/four"));
  status ("new/deep/four");
  printf ("create INBOX -> %ld\n",mail_create (NIL,"#driver.mix/INBOX"));
  printf ("append INBOX -> %ld\n",append_file (NIL,"INBOX",files[2],NIL,
						dates[0]));
  status ("INBOX");
  printf ("rename INBOX -> oldinbox %ld\n",mail_rename (NIL,"INBOX","oldinbox"));
  status ("oldinbox"); status ("INBOX");
  printf ("list\n"); mail_list (NIL,"","*");
  printf ("delete dir/two -> %ld\n",mail_delete (NIL,"dir/two"));
  printf ("delete dir/two -> %ld\n",mail_delete (NIL,"dir/two"));
  printf ("delete new/deep/four -> %ld\n",mail_delete (NIL,"new/deep/four"));
  printf ("list\n"); mail_list (NIL,"","*");
}

int main (int argc,char *argv[])
{
#include "linkage.c"
  if (argc < 3) return 2;
  if (!strcmp (argv[1],"write") && argc > 3)
    return do_write (argv[2],argc - 3,argv + 3);
  if (!strcmp (argv[1],"dump")) return do_dump (argv[2]);
  if (!strcmp (argv[1],"session")) return do_session (argv[2]);
  if (!strcmp (argv[1],"open")) return do_open (argv[2]);
  if (!strcmp (argv[1],"ops") && argc > 4) { do_ops (argv + 2); return 0; }
  return 2;
}
