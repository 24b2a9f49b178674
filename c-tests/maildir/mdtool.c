/* A small c-client program for the Maildir suite: appends files to a
 * mailbox, changes flags, expunges, and dumps a mailbox (UIDs, flags,
 * keywords, internal dates, message bytes) in a form the suite compares
 * with what Dovecot reports.
 *
 *   mdtool append MAILBOX "FLAGS" FILE...
 *   mdtool appenddate MAILBOX "FLAGS" DATE FILE...  (DATE "01-Jan-2020 10:00:00 +0000")
 *   mdtool dump MAILBOX OUTDIR      one line per message, texts in OUTDIR/<uid>
 *   mdtool flag MAILBOX UIDSET "FLAGS" set|clear
 *   mdtool expunge MAILBOX
 *   mdtool count MAILBOX            open, print the message count and last UID
 *   mdtool vanish MAILBOX DIR       open, delete DIR/cur/\* behind the stream's
 *                                   back, then fetch and ping
 *   mdtool create MAILBOX | delete MAILBOX | status MAILBOX | list REF PATTERN
 *
 * Registers the drivers of the linkage.c it is compiled with (the suite
 * generates one with EXTRADRIVERS="md mbox"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#define MM_OWN_LOG
#define MM_OWN_LIST
#define MM_OWN_STATUS
#include "../lib/mm_callbacks.h"
#include "linkage.h"

void mm_log (char *string,long errflg)
{
  fprintf (stderr,"log%s: %s\n",errflg == ERROR ? " ERROR" :
	   errflg == WARN ? " WARN" : "",string);
}
void mm_list (MAILSTREAM *stream,int delimiter,char *name,long attributes)
{
  printf ("LIST %c %s%s\n",delimiter ? delimiter : '-',name,
	  (attributes & LATT_NOSELECT) ? " \\NoSelect" : "");
}
void mm_status (MAILSTREAM *stream,char *mailbox,MAILSTATUS *s)
{
  printf ("STATUS %s messages %lu recent %lu unseen %lu uidnext %lu\n",mailbox,
	  s->messages,s->recent,s->unseen,s->uidnext);
}

static char *slurp (const char *path,unsigned long *len)
{
  FILE *f = fopen (path,"rb");
  char *buf,*out;
  long n;
  unsigned long i,j;
  if (!f) return NULL;
  fseek (f,0,SEEK_END); n = ftell (f); fseek (f,0,SEEK_SET);
  buf = malloc (n + 1);
  if (fread (buf,1,n,f) != (size_t) n) { fclose (f); free (buf); return NULL; }
  fclose (f);
  out = malloc (2 * n + 1);	/* LF -> CRLF */
  for (i = j = 0; i < (unsigned long) n; i++) {
    if (buf[i] == '\n' && (i == 0 || buf[i-1] != '\r')) out[j++] = '\r';
    out[j++] = buf[i];
  }
  free (buf);
  *len = j;
  return out;
}

static int cmp (const void *a,const void *b)
{
  return strcmp (*(char **) a,*(char **) b);
}

static int dump (char *mbx,char *outdir)
{
  MAILSTREAM *s = mail_open (NIL,mbx,OP_READONLY);
  unsigned long i,len;
  if (!s) return 1;
  printf ("count %lu validity %lu\n",s->nmsgs,s->uid_validity);
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *elt;
    char *names[64],path[1024],*h,*t;
    int n = 0,k;
    unsigned long kw;
    FILE *f;
    mail_fetch_fast (s,"1:*",NIL);
    elt = mail_elt (s,i);
    if (elt->seen) names[n++] = "\\Seen";
    if (elt->answered) names[n++] = "\\Answered";
    if (elt->flagged) names[n++] = "\\Flagged";
    if (elt->deleted) names[n++] = "\\Deleted";
    if (elt->draft) names[n++] = "\\Draft";
    for (kw = elt->user_flags,k = 0; kw && k < NUSERFLAGS; k++)
      if ((kw & (1UL << k)) && s->user_flags[k]) names[n++] = s->user_flags[k];
    qsort (names,n,sizeof (char *),cmp);
    printf ("uid %lu date %lu flags",mail_uid (s,i),mail_longdate (elt));
    for (k = 0; k < n; k++) printf (" %s",names[k]);
    printf ("\n");
    h = mail_fetch_header (s,i,NIL,NIL,&len,FT_PEEK);
    snprintf (path,sizeof path,"%s/%lu",outdir,mail_uid (s,i));
    if (!(f = fopen (path,"wb"))) return 1;
    for (k = 0; k < (int) len; k++) if (h[k] != '\r') putc (h[k],f);
    t = mail_fetch_text (s,i,NIL,&len,FT_PEEK);
    for (k = 0; k < (int) len; k++) if (t[k] != '\r') putc (t[k],f);
    fclose (f);
  }
  mail_close (s);
  return 0;
}

int main (int argc,char *argv[])
{
#include "linkage.c"
  if (argc < 3) return 2;
  if (!strcmp (argv[1],"append") && argc >= 4) {
    int i,bad = 0;
    for (i = 4; i < argc; i++) {
      unsigned long len;
      STRING st;
      char *msg = slurp (argv[i],&len);
      if (!msg) { fprintf (stderr,"can't read %s\n",argv[i]); return 1; }
      INIT (&st,mail_string,msg,len);
      if (!mail_append_full (NIL,argv[2],*argv[3] ? argv[3] : NIL,NIL,&st)) bad++;
      free (msg);
    }
    return bad ? 1 : 0;
  }
  if (!strcmp (argv[1],"appenddate") && argc >= 6) {
    int i,bad = 0;
    for (i = 5; i < argc; i++) {
      unsigned long len;
      STRING st;
      char *msg = slurp (argv[i],&len);
      if (!msg) return 1;
      INIT (&st,mail_string,msg,len);
      if (!mail_append_full (NIL,argv[2],*argv[3] ? argv[3] : NIL,argv[4],&st)) bad++;
      free (msg);
    }
    return bad ? 1 : 0;
  }
  if (!strcmp (argv[1],"dump") && argc == 4) return dump (argv[2],argv[3]);
  if (!strcmp (argv[1],"flag") && argc == 6) {
    MAILSTREAM *s = mail_open (NIL,argv[2],NIL);
    if (!s) return 1;
    mail_flag (s,argv[3],argv[4],ST_UID | (strcmp (argv[5],"set") ? NIL : ST_SET));
    mail_close (s);
    return 0;
  }
  if (!strcmp (argv[1],"expunge")) {
    MAILSTREAM *s = mail_open (NIL,argv[2],NIL);
    if (!s) return 1;
    mail_expunge (s);
    mail_close (s);
    return 0;
  }
  if (!strcmp (argv[1],"count")) {
    MAILSTREAM *s = mail_open (NIL,argv[2],NIL);
    if (!s) return 1;
    printf ("count %lu last %lu\n",s->nmsgs,s->uid_last);
    mail_close (s);
    return 0;
  }
  if (!strcmp (argv[1],"vanish") && argc == 4) {
    MAILSTREAM *s = mail_open (NIL,argv[2],NIL);
    char cmd[1200];
    unsigned long len = 0;
    char *t;
    if (!s) return 1;
    printf ("before %lu\n",s->nmsgs);
    snprintf (cmd,sizeof cmd,"rm -f '%s'/cur/*",argv[3]);
    if (system (cmd)) return 1;
    t = mail_fetch_text (s,1,NIL,&len,FT_PEEK);
    printf ("fetch %s len %lu\n",(t && len) ? "data" : "empty",len);
    printf ("ping %ld\n",mail_ping (s));
    printf ("after %lu\n",s->nmsgs);
    mail_close (s);
    return 0;
  }
  if (!strcmp (argv[1],"create")) return mail_create (NIL,argv[2]) ? 0 : 1;
  if (!strcmp (argv[1],"delete")) return mail_delete (NIL,argv[2]) ? 0 : 1;
  if (!strcmp (argv[1],"status"))
    return mail_status (NIL,argv[2],SA_MESSAGES|SA_RECENT|SA_UNSEEN|SA_UIDNEXT) ? 0 : 1;
  if (!strcmp (argv[1],"list") && argc == 4) { mail_list (NIL,argv[2],argv[3]); return 0; }
  return 2;
}
