/* drvhelpers: calls the internal routines the local drivers export
 * (unix_*, mmdf_*, mbx_*, mix_*, mx_*) the way a C program can call them
 * with a defined result, and prints what they return, what they write and
 * the callbacks they make. Built once against the ORIGINAL headers and run
 * with each library; run.sh diffs the outputs section by section.
 *
 * Usage: drvhelpers SECTION   (run in a scratch HOME, TZ=UTC)
 * Sections: paths pure isvalid unix mmdf mbx mix mx hostile
 * ("hostile" is for our library only: the original crashes on most of it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <dirent.h>
#include <time.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/file.h>
#include "c-client.h"
#include "fdstring.h"

#define MM_OWN_EXISTS
#define MM_OWN_EXPUNGED
#define MM_OWN_FLAGS
#define MM_OWN_NOTIFY
#define MM_OWN_LOG
#include "../lib/mm_callbacks.h"

static unsigned long last_exists = (unsigned long) -1;
void mm_exists (MAILSTREAM *s,unsigned long n)
{
  if (n != last_exists) printf ("* exists %lu\n",n);
  last_exists = n;
}
void mm_expunged (MAILSTREAM *s,unsigned long n) { last_exists--; printf ("* expunged %lu\n",n); }
void mm_flags (MAILSTREAM *s,unsigned long n) { printf ("* flags %lu\n",n); }
void mm_notify (MAILSTREAM *s,char *t,long e) { printf ("* notify %ld %s\n",e,t); }
void mm_log (char *t,long e) { printf ("* log %ld %s\n",e,t); }

/* The routines under test (the original declares them only in its
 * driver sources). */
long unix_isvalid_fd (int fd);
int unix_lock (char *file,int flags,int mode,DOTLOCK *lock,int op);
void unix_unlock (int fd,MAILSTREAM *stream,DOTLOCK *lock);
char *unix_mbxline (MAILSTREAM *stream,STRING *bs,unsigned long *size);
unsigned long unix_pseudo (MAILSTREAM *stream,char *hdr);
int unix_parse (MAILSTREAM *stream,DOTLOCK *lock,int op);
long unix_rewrite (MAILSTREAM *stream,unsigned long *nexp,DOTLOCK *lock,
                   long flags);
int mmdf_parse (MAILSTREAM *stream,DOTLOCK *lock,int op);
long mmdf_rewrite (MAILSTREAM *stream,unsigned long *nexp,DOTLOCK *lock,
                   long flags);
unsigned long unix_xstatus (MAILSTREAM *stream,char *status,MESSAGECACHE *elt,
                            unsigned long uid,long flag);
char *unix_text_work (MAILSTREAM *stream,MESSAGECACHE *elt,
                      unsigned long *length,long flags);
int unix_collect_msg (MAILSTREAM *stream,FILE *sf,char *flags,char *date,
                      STRING *msg);
int unix_append_msgs (MAILSTREAM *stream,FILE *sf,FILE *df,SEARCHSET *set);
void unix_abort (MAILSTREAM *stream);
long mmdf_isvalid (char *name,char *tmp);
long mmdf_isvalid_fd (int fd,char *tmp);
int mmdf_lock (char *file,int flags,int mode,DOTLOCK *lock,int op);
void mmdf_unlock (int fd,MAILSTREAM *stream,DOTLOCK *lock);
char *mmdf_mbxline (MAILSTREAM *stream,STRING *bs,unsigned long *size);
unsigned long mmdf_pseudo (MAILSTREAM *stream,char *hdr);
unsigned long mmdf_xstatus (MAILSTREAM *stream,char *status,MESSAGECACHE *elt,
                            unsigned long uid,long flag);
char *mmdf_text_work (MAILSTREAM *stream,MESSAGECACHE *elt,
                      unsigned long *length,long flags);
int mmdf_collect_msg (MAILSTREAM *stream,FILE *sf,char *flags,char *date,
                      STRING *msg);
int mmdf_append_msgs (MAILSTREAM *stream,FILE *sf,FILE *df,SEARCHSET *set);
void mmdf_abort (MAILSTREAM *stream);
char *mbx_file (char *dst,char *name);
int mbx_isvalid (MAILSTREAM **stream,char *name,char *tmp,int *ld,char *lock,
                 long flags);
long mbx_parse (MAILSTREAM *stream);
MESSAGECACHE *mbx_elt (MAILSTREAM *stream,unsigned long msgno,long expok);
unsigned long mbx_read_flags (MAILSTREAM *stream,MESSAGECACHE *elt);
void mbx_update_header (MAILSTREAM *stream);
void mbx_update_status (MAILSTREAM *stream,unsigned long msgno,long flags);
unsigned long mbx_hdrpos (MAILSTREAM *stream,unsigned long msgno,
                          unsigned long *size,char **hdr);
unsigned long mbx_rewrite (MAILSTREAM *stream,unsigned long *reclaimed,
                           long flags);
long mbx_flaglock (MAILSTREAM *stream);
void mbx_flag (MAILSTREAM *stream,char *sequence,char *flag,long flags);
void mbx_flags (MAILSTREAM *stream,char *sequence,long flags);
void mbx_abort (MAILSTREAM *stream);
long mix_isvalid (char *name,char *meta);
long mix_subscribe (MAILSTREAM *stream,char *mailbox);
long mix_unsubscribe (MAILSTREAM *stream,char *mailbox);
int mix_rselect (struct dirent *name);
int mix_select (struct dirent *name);
int mix_msgfsort (const void *d1,const void *d2);
long mix_addset (SEARCHSET **set,unsigned long start,unsigned long size);
long mix_burp_check (SEARCHSET *set,size_t size,char *file);
FILE *mix_parse (MAILSTREAM *stream,FILE **idxf,long iflags,long sflags);
char *mix_meta_slurp (MAILSTREAM *stream,unsigned long *seq);
long mix_meta_update (MAILSTREAM *stream);
long mix_index_update (MAILSTREAM *stream,FILE *idxf,long flag);
long mix_status_update (MAILSTREAM *stream,FILE *statf,long flag);
FILE *mix_data_open (MAILSTREAM *stream,int *fd,long *size,
                     unsigned long newsize);
long mix_append_msg (MAILSTREAM *stream,FILE *f,char *flags,MESSAGECACHE *delt,
                     STRING *msg,SEARCHSET *set,unsigned long seq);
char *mix_read_record (FILE *f,char *buf,unsigned long buflen,char *type);
unsigned long mix_read_sequence (FILE *f);
char *mix_dir (char *dst,char *name);
char *mix_file (char *dst,char *dir,char *name);
char *mix_file_data (char *dst,char *dir,unsigned long data);
unsigned long mix_modseq (unsigned long oldseq);
void mix_flag (MAILSTREAM *stream,char *sequence,char *flag,long flags);
unsigned long *mix_sort (MAILSTREAM *stream,char *charset,SEARCHPGM *spg,
                         SORTPGM *pgm,long flags);
THREADNODE *mix_thread (MAILSTREAM *stream,char *type,char *charset,
                        SEARCHPGM *spg,long flags);
void mix_abort (MAILSTREAM *stream);
long mix_burp (MAILSTREAM *stream,void *burp,unsigned long *reclaimed);
int mx_isvalid (char *name,char *tmp);
long mx_subscribe (MAILSTREAM *stream,char *mailbox);
long mx_unsubscribe (MAILSTREAM *stream,char *mailbox);
int mx_rename_work (char *src,size_t srcl,char *dst,size_t dstl,char *name);
void mx_fast (MAILSTREAM *stream,char *sequence,long flags);
char *mx_fast_work (MAILSTREAM *stream,MESSAGECACHE *elt);
void mx_flag (MAILSTREAM *stream,char *sequence,char *flag,long flags);
long mx_append_msg (MAILSTREAM *stream,char *flags,MESSAGECACHE *elt,
                    STRING *st,SEARCHSET *set);
int mx_select (struct dirent *name);
int mx_numsort (const void *d1,const void *d2);
char *mx_file (char *dst,char *name);
long mx_lockindex (MAILSTREAM *stream);
void mx_unlockindex (MAILSTREAM *stream);
void mx_setdate (char *file,MESSAGECACHE *elt);

static char *home;

/* A path with the home directory shown as "~H". */
static const char *h (const char *p)
{
  static char buf[4][2048];
  static int k;
  size_t n = strlen (home);
  char *b = buf[k++ & 3];
  if (p && !strncmp (p,home,n)) snprintf (b,2048,"~H%s",p + n);
  else snprintf (b,2048,"%s",p ? p : "(null)");
  return b;
}

/* Prints text with control characters escaped. */
static void show (const char *label,const char *s,unsigned long n)
{
  unsigned long i;
  printf ("%s [%lu] ",label,n);
  for (i = 0; i < n; i++) {
    unsigned char c = s[i];
    if (c == '\n') fputs ("\\n",stdout);
    else if (c == '\r') fputs ("\\r",stdout);
    else if (c < 32 || c > 126) printf ("\\x%02x",c);
    else putchar (c);
  }
  putchar ('\n');
}

static void showfile (const char *label,const char *path)
{
  FILE *f = fopen (path,"rb");
  char buf[65536];
  size_t n;
  if (!f) { printf ("%s: cannot open\n",label); return; }
  n = fread (buf,1,sizeof buf,f);
  fclose (f);
  show (label,buf,n);
}

/* The message texts appended to the test mailboxes. */
static char *msgs[] = {
  "From: alice@example.org\r\nTo: bob@example.org\r\nSubject: beta\r\n"
  "Message-ID: <1@x>\r\n\r\nFirst body line.\r\nFrom here on it is text.\r\n",
  "From: carol@example.org\r\nSubject: alpha\r\nStatus: RO\r\n"
  "X-UID: 99\r\nMessage-ID: <2@x>\r\nIn-Reply-To: <1@x>\r\n\r\nSecond.\r\n",
  "From: dave@example.org\r\nSubject: gamma\r\nMessage-ID: <3@x>\r\n"
  "References: <1@x> <2@x>\r\n\r\nThird message\r\nwith two lines\r\n",
  "From: erin@example.org\r\nSubject: delta\r\n\r\nFourth.\r\n"
};
static char *dates[] = {
  "1-Jan-2020 10:00:00 +0000","15-Feb-2021 11:30:00 -0500",
  "29-Feb-2024 23:59:59 +0100","2-Mar-2022 08:00:00 +0000"
};
static char *flags[] = { "\\Seen","\\Flagged kwa","","\\Answered \\Draft kwb" };

static void fill (char *mbx,int n)
{
  int i;
  STRING st;
  for (i = 0; i < n; i++) {
    INIT (&st,mail_string,msgs[i],strlen (msgs[i]));
    printf ("append %d = %ld\n",i + 1,
            mail_append_full (NIL,mbx,flags[i],dates[i],&st));
  }
}

static void listing (MAILSTREAM *s)
{
  unsigned long i;
  int k;
  char tmp[MAILTMPLEN];
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e;
    mail_fetchstructure (s,i,NIL);
    e = mail_elt (s,i);
    mail_date (tmp,e);
    printf ("msg %lu uid=%lu size=%lu date=%s %s%s%s%s%s",i,mail_uid (s,i),
            e->rfc822_size,tmp,e->seen ? "S" : "-",e->deleted ? "D" : "-",
            e->flagged ? "F" : "-",e->answered ? "A" : "-",e->draft ? "T" : "-");
    for (k = 0; k < NUSERFLAGS; k++)
      if ((e->user_flags & (1UL << k)) && s->user_flags[k])
        printf (" %s",s->user_flags[k]);
    putchar ('\n');
  }
}

static void reopen_list (char *mbx)
{
  MAILSTREAM *s = mail_open (NIL,mbx,OP_READONLY);
  printf ("reopen %s: %s\n",mbx,s ? "ok" : "failed");
  if (s) { listing (s); mail_close (s); }
}

static struct dirent *dent (const char *name)
{
  struct dirent *d = calloc (1,sizeof (struct dirent));
  strncpy (d->d_name,name,sizeof (d->d_name) - 1);
  return d;
}

static void showset (const char *label,SEARCHSET *s)
{
  printf ("%s:",label);
  for (; s; s = s->next) printf (" %lu-%lu",s->first,s->last);
  putchar ('\n');
}

/* ------------------------------------------------------------------ */

static void paths (void)
{
  char *names[] = { "box","INBOX","a/b","a/b/","~/x","#mhinbox","/etc/x","../x" };
  char tmp[MAILTMPLEN];
  size_t i;
  for (i = 0; i < sizeof names / sizeof *names; i++) {
    char *r;
    memset (tmp,'Z',sizeof tmp); tmp[20] = 0;
    r = mbx_file (tmp,names[i]);
    printf ("mbx_file %s = %s\n",names[i],r ? h (tmp) : "NULL");
    memset (tmp,'Z',sizeof tmp); tmp[20] = 0;
    printf ("mix_dir %s = %s\n",names[i],h (mix_dir (tmp,names[i])));
    memset (tmp,'Z',sizeof tmp); tmp[20] = 0;
    printf ("mx_file %s = %s\n",names[i],h (mx_file (tmp,names[i])));
  }
  printf ("mix_file = %s\n",mix_file (tmp,"/d/e","meta"));
  printf ("mix_file = %s\n",mix_file (tmp,"/d/e",""));
  printf ("mix_file_data 0 = %s\n",mix_file_data (tmp,"/d",0));
  printf ("mix_file_data 1f = %s\n",mix_file_data (tmp,"/d",0x1f));
  printf ("mix_file_data big = %s\n",mix_file_data (tmp,"/d",0x123456789UL));
}

static void pure (void)
{
  SEARCHSET *set = mail_newsearchset (),*cur = set;
  unsigned long now = (unsigned long) time (0),m;
  struct dirent *d[6];
  char *dn[] = { ".mixmeta",".mix",".mix0000001f",".mix0a",".mixg","123" };
  char *mn[] = { ".mix0000001f",".mix",".mix00000002",".mix0a" };
  char *xn[] = { "12","3","100","7a" };
  struct dirent *v[4];
  FILE *f;
  char buf[64];
  size_t i;
  m = mix_modseq (0);
  printf ("modseq(0) is now: %d\n",(m >= now) && (m <= now + 5));
  printf ("modseq(big) = %lu\n",mix_modseq (ULONG_MAX - 5));
  printf ("modseq(now+100) = +%lu\n",mix_modseq (now + 100) - now);
  printf ("addset = %ld\n",mix_addset (&cur,1,10)); showset ("set",set);
  printf ("addset = %ld\n",mix_addset (&cur,11,5)); showset ("set",set);
  printf ("addset = %ld\n",mix_addset (&cur,20,3)); showset ("set",set);
  printf ("addset = %ld\n",mix_addset (&cur,5,1)); showset ("set",set);
  printf ("cur first = %lu\n",cur->first);
  printf ("burp_check 30 = %ld\n",mix_burp_check (set,30,"datafile"));
  printf ("burp_check 16 = %ld\n",mix_burp_check (set,16,"datafile"));
  for (i = 0; i < 6; i++) {
    d[i] = dent (dn[i]);
    printf ("select %s = %d rselect = %d mx_select = %d\n",dn[i],
            mix_select (d[i]),mix_rselect (d[i]),mx_select (d[i]));
  }
  for (i = 0; i < 4; i++) v[i] = dent (mn[i]);
  qsort (v,4,sizeof *v,mix_msgfsort);
  printf ("msgfsort:");
  for (i = 0; i < 4; i++) printf (" %s",v[i]->d_name);
  putchar ('\n');
  for (i = 0; i < 4; i++) v[i] = dent (xn[i]);
  qsort (v,4,sizeof *v,mx_numsort);
  printf ("numsort:");
  for (i = 0; i < 4; i++) printf (" %s",v[i]->d_name);
  putchar ('\n');
  f = tmpfile ();
  fputs ("S1a\r\n\r\nabc\r\nxyz\n0123456789012345678901234567890123456789\r\n"
         "tail",f);
  rewind (f);
  for (i = 0; i < 7; i++) {
    char *r = mix_read_record (f,buf,20,"test");
    printf ("record %lu = %s\n",(unsigned long) i,r ? r : "NULL");
  }
  fclose (f);
  {
    char *seqs[] = { "S1a\r\n","","Sxyz\r\n","S10 junk\r\n","Q5\r\n",
                     "\r\nS7\r\n","Sffffffff\r\n" };
    for (i = 0; i < sizeof seqs / sizeof *seqs; i++) {
      f = tmpfile ();
      fputs (seqs[i],f);
      rewind (f);
      printf ("sequence %lu = %lu\n",(unsigned long) i,mix_read_sequence (f));
      fclose (f);
    }
  }
}

static void isvalid (void)
{
  char *names[] = { "m1","x1","d1","f1","u1","e1","nosuch","INBOX","a" };
  char tmp[MAILTMPLEN],lock[MAILTMPLEN],path[MAILTMPLEN];
  size_t i;
  printf ("create mbx %ld\n",mail_create (NIL,"#driver.mbx/m1"));
  printf ("create mix %ld\n",mail_create (NIL,"#driver.mix/x1"));
  printf ("create mx %ld\n",mail_create (NIL,"#driver.mx/d1"));
  printf ("create mmdf %ld\n",mail_create (NIL,"#driver.mmdf/f1"));
  printf ("create unix %ld\n",mail_create (NIL,"#driver.unix/u1"));
  close (open ("e1",O_CREAT|O_WRONLY,0600));
  mkdir ("a",0700);
  fill ("m1",1); fill ("f1",1); fill ("u1",1);
  {				/* the mini-stream of the header block */
    MAILSTREAM *ms = NIL;
    int ld = 99,fd;
    int k;
    MAILSTREAM *o = mail_open (NIL,"m1",NIL);
    if (o) { mail_setflag (o,"1","kwone kwtwo"); mail_close (o); }
    fd = mbx_isvalid (&ms,"m1",tmp,&ld,lock,0);
    printf ("mini fd>=0 %d ld=%d stream=%s",fd >= 0,ld,ms ? "set" : "NULL");
    if (ms) {
      printf (" validity>0 %d last=%lu dtb=%s",ms->uid_validity > 0,ms->uid_last,
              ms->dtb ? "set" : "NIL");
      for (k = 0; k < NUSERFLAGS; k++) if (ms->user_flags[k]) printf (" %s",ms->user_flags[k]);
      ms = mail_close (ms);
    }
    printf (" pos=%ld\n",fd >= 0 ? (long) lseek (fd,0,SEEK_CUR) : -1L);
    if (fd >= 0) close (fd);
    fd = mbx_isvalid (&ms,"m1",tmp,&ld,lock,1);
    printf ("mini locked fd>=0 %d ld>=0 %d stream=%s\n",fd >= 0,ld >= 0,ms ? "set" : "NULL");
    if (ld >= 0) unlockfd (ld,lock);
    if (ms) ms = mail_close (ms);
    if (fd >= 0) close (fd);
  }
  for (i = 0; i < sizeof names / sizeof *names; i++) {
    int ld = 99,fd;
    long r;
    tmp[0] = 0;
    errno = 0;
    fd = mbx_isvalid (NIL,names[i],tmp,&ld,lock,0);
    printf ("mbx_isvalid %s = %s errno=%d ld=%d tmp=%s\n",names[i],
            fd >= 0 ? "fd" : "-1",fd >= 0 ? 0 : errno,ld,h (tmp));
    if (fd >= 0) close (fd);
    tmp[0] = 0;
    errno = 0;
    r = mix_isvalid (names[i],tmp);
    printf ("mix_isvalid %s = %ld errno=%d meta=%s\n",names[i],r,errno,h (tmp));
    tmp[0] = 0;
    errno = 0;
    r = mx_isvalid (names[i],tmp);
    printf ("mx_isvalid %s = %ld errno=%d tmp=%s\n",names[i],r,errno,h (tmp));
    errno = 0;
    r = mmdf_isvalid (names[i],tmp);
    printf ("mmdf_isvalid %s = %ld errno=%d\n",names[i],r,errno);
    snprintf (path,sizeof path,"%s/%s",home,names[i]);
    if ((fd = open (path,O_RDONLY)) >= 0) {
      printf ("unix_isvalid_fd %s = %ld\n",names[i],unix_isvalid_fd (fd));
      lseek (fd,0,SEEK_SET);
      printf ("mmdf_isvalid_fd %s = %ld\n",names[i],mmdf_isvalid_fd (fd,tmp));
      close (fd);
    }
  }
}

/* The pseudo-message with its time-dependent lines cut to their names. */
static void showpseudo (char *hdr,unsigned long n)
{
  char *s,*e;
  printf ("pseudo length>0: %d strlen matches: %d\n",n > 0,strlen (hdr) == n);
  for (s = hdr; *s; s = e) {
    e = strchr (s,'\n');
    e = e ? e + 1 : s + strlen (s);
    if (!strncmp (s,"From ",5) || !strncmp (s,"\001\001\001\001\nFrom ",10) ||
        !strncmp (s,"Date: ",6) || !strncmp (s,"Message-ID: ",12))
      printf ("pseudo: %.*s...\n",(int) (strchr (s,' ') - s),s);
    else if (!strncmp (s,"X-IMAP: ",8))
      printf ("pseudo: X-IMAP: <validity>%.*s",(int) (e - s - 18),s + 18);
    else show ("pseudo:",s,e - s);
  }
}

static void flat (int mmdf)
{
  char *mbx = mmdf ? "#driver.mmdf/fl" : "#driver.unix/fl";
  MAILSTREAM *s;
  unsigned long i,n,len;
  char *buf = malloc (65536),*r;
  STRING bs;
  FILE *sf,*df;
  SEARCHSET *set;
  DOTLOCK lock;
  char path[MAILTMPLEN];
  int fd;
  struct stat sb;
  /* writable: the original's mmdf_mbxline writes into the line */
  char *lines = strdup (mmdf ? "one\ntwo\r\nthree\001\001\001\001\nfour\nlast" :
                        "one\ntwo\r\n\nFrom x\nlast");
  printf ("create %ld\n",mail_create (NIL,mbx));
  fill ("fl",4);
  s = mail_open (NIL,"fl",NIL);
  if (!s) { printf ("open failed\n"); return; }
  mail_setflag (s,"2","kwc");
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e = mail_elt (s,i);
    long fl[] = { 0,1,-1 };
    int k;
    for (k = 0; k < 3; k++) {
      n = mmdf ? mmdf_xstatus (s,buf,e,0,fl[k]) : unix_xstatus (s,buf,e,0,fl[k]);
      if (fl[k] < 0) {		/* the validity is a time */
        r = strchr (buf,'\n');
        printf ("xstatus %lu/%ld base line has %d words\n",i,fl[k],
                r ? (int) (r - buf) > 0 : 0);
        show ("xstatus rest",r + 1,n - (r + 1 - buf));
      }
      else show ("xstatus",buf,n);
    }
    n = mmdf ? mmdf_xstatus (s,buf,e,77,1) : unix_xstatus (s,buf,e,77,1);
    show ("xstatus uid77",buf,n);
    r = mmdf ? mmdf_text_work (s,e,&len,NIL) : unix_text_work (s,e,&len,NIL);
    show ("text_work",r,len);
    r = mmdf ? mmdf_text_work (s,e,&len,FT_INTERNAL) :
      unix_text_work (s,e,&len,FT_INTERNAL);
    show ("text_work internal",r,len);
  }
  n = mmdf ? mmdf_pseudo (s,buf) : unix_pseudo (s,buf);
  showpseudo (buf,n);
  INIT (&bs,mail_string,lines,strlen (lines));
  do {
    r = mmdf ? mmdf_mbxline (s,&bs,&len) : unix_mbxline (s,&bs,&len);
    show ("mbxline",r,len);
  } while (len);
  /* a STRING read in 5-byte chunks: lines span chunks */
  {
    FDDATA d;
    char chunk[5];
    snprintf (path,sizeof path,"%s/lines",home);
    fd = open (path,O_CREAT|O_RDWR|O_TRUNC,0600);
    write (fd,lines,strlen (lines));
    d.fd = fd; d.pos = 0; d.chunk = chunk; d.chunksize = sizeof chunk;
    INIT (&bs,fd_string,&d,strlen (lines));
    do {
      r = mmdf ? mmdf_mbxline (s,&bs,&len) : unix_mbxline (s,&bs,&len);
      show ("mbxline chunked",r,len);
    } while (len);
    close (fd);
  }
  /* append scratch file and its writer */
  sf = tmpfile ();
  for (i = 0; i < 3; i++) {
    char date[64];
    int rc;
    snprintf (date,sizeof date,"Mon Jan  %lu 10:00:00 2024\n",i + 1);
    INIT (&bs,mail_string,msgs[i],strlen (msgs[i]));
    rc = mmdf ? mmdf_collect_msg (s,sf,flags[i],date,&bs) :
      unix_collect_msg (s,sf,flags[i],date,&bs);
    printf ("collect %lu = %d\n",i + 1,rc);
  }
  fflush (sf);
  n = ftell (sf);
  rewind (sf);
  n = fread (buf,1,n,sf);
  show ("scratch",buf,n);
  rewind (sf);
  df = tmpfile ();
  set = mail_newsearchset ();
  printf ("uid_last before %lu\n",s->uid_last);
  printf ("append_msgs = %d\n",mmdf ? mmdf_append_msgs (s,sf,df,set) :
          unix_append_msgs (s,sf,df,set));
  printf ("uid_last after %lu\n",s->uid_last);
  showset ("appended",set);
  fflush (df);
  n = ftell (df);
  rewind (df);
  n = fread (buf,1,n,df);
  {				/* the user and host are the machine's */
    char *u = myusername (),*hh = mylocalhost ();
    char *p;
    for (p = buf; (p = strstr (p,u)); ) { memset (p,'U',strlen (u)); p += strlen (u); }
    for (p = buf; (p = strstr (p,hh)); ) { memset (p,'H',strlen (hh)); p += strlen (hh); }
  }
  show ("appended text",buf,n);
  fclose (sf); fclose (df);
  /* the appended text with a bad scratch line */
  sf = tmpfile (); df = tmpfile ();
  fputs ("x 12 date\nbody\n",sf);
  rewind (sf);
  printf ("append_msgs bad = %d\n",mmdf ? mmdf_append_msgs (s,sf,df,NIL) :
          unix_append_msgs (s,sf,df,NIL));
  fclose (sf); fclose (df);
  /* an expunge the way the driver's own does it */
  mail_setflag (s,"2","\\Deleted");
  {
    DOTLOCK lk;
    int p = mmdf ? mmdf_parse (s,&lk,LOCK_EX) : unix_parse (s,&lk,LOCK_EX);
    printf ("parse = %d locked=%d\n",p,s->lock);
    if (p) {
      long rw;
      n = 99;
      rw = mmdf ? mmdf_rewrite (s,&n,&lk,NIL) : unix_rewrite (s,&n,&lk,NIL);
      printf ("rewrite = %ld expunged %lu\n",rw,n);
      mail_unlock (s);
    }
    listing (s);
  }
  /* abort: the stream is logged out of its driver */
  if (mmdf) mmdf_abort (s); else unix_abort (s);
  printf ("after abort dtb=%s local=%s\n",s->dtb ? "set" : "NIL",
          s->local ? "set" : "NIL");
  mail_close (s);
  reopen_list ("fl");
  /* lock and unlock without a stream */
  snprintf (path,sizeof path,"%s/fl",home);
  memset (&lock,0,sizeof lock);
  fd = mmdf ? mmdf_lock (path,O_RDWR,0600,&lock,LOCK_EX) :
    unix_lock (path,O_RDWR,0600,&lock,LOCK_EX);
  printf ("lock fd>=0: %d lock=%s\n",fd >= 0,h (lock.lock));
  snprintf (buf,MAILTMPLEN,"%s/fl.lock",home);
  printf ("lock file exists: %d\n",!stat (buf,&sb));
  printf ("flock held: %d\n",flock (open (path,O_RDONLY),LOCK_EX|LOCK_NB) < 0);
  if (mmdf) mmdf_unlock (fd,NIL,&lock); else unix_unlock (fd,NIL,&lock);
  printf ("lock file after unlock: %d\n",!stat (buf,&sb));
  printf ("fd closed: %d\n",fcntl (fd,F_GETFD) < 0);
  printf ("flock free: %d\n",flock (open (path,O_RDONLY),LOCK_EX|LOCK_NB) == 0);
  free (buf);
}

static void mbx (void)
{
  MAILSTREAM *s;
  unsigned long i,size,pos,rec;
  char *hdr = (char *) 1;
  char path[MAILTMPLEN];
  printf ("create %ld\n",mail_create (NIL,"#driver.mbx/mb"));
  fill ("mb",4);
  s = mail_open (NIL,"mb",NIL);
  if (!s) { printf ("open failed\n"); return; }
  for (i = 1; i <= s->nmsgs; i++) {
    pos = mbx_hdrpos (s,i,&size,&hdr);
    printf ("hdrpos %lu = %lu size %lu\n",i,pos,size);
  }
  mail_setflag (s,"1","\\Deleted kwz");
  for (i = 1; i <= s->nmsgs; i++) {
    MESSAGECACHE *e = mail_elt (s,i);
    printf ("read_flags %lu = %lu\n",i,mbx_read_flags (s,e));
    e = mbx_elt (s,i,NIL);
    printf ("elt %lu = %s seen=%d deleted=%d user=%lx\n",i,e ? "ok" : "NULL",
            e ? e->seen : -1,e ? e->deleted : -1,e ? e->user_flags : 0);
  }
  /* a change made in the element, written with update_status */
  mail_elt (s,2)->flagged = NIL;
  mail_elt (s,2)->answered = T;
  mbx_update_status (s,2,NIL);
  mail_elt (s,3)->deleted = T;
  mbx_update_status (s,3,LONGT);
  reopen_list ("mb");
  mbx_update_header (s);
  printf ("flaglock = %ld\n",mbx_flaglock (s));
  mbx_flag (s,"1","\\Seen",ST_SET);
  mbx_flags (s,"1:*",NIL);
  printf ("parse = %ld\n",mbx_parse (s));
  rec = 12345;
  printf ("rewrite 0 = %lu",mbx_rewrite (s,&rec,0));
  printf (" reclaimed %lu\n",rec);
  mail_setflag (s,"2","\\Deleted");
  mail_sequence (s,"2");
  printf ("rewrite -1 = %lu",mbx_rewrite (s,&rec,-1));
  printf (" reclaimed %lu\n",rec);
  listing (s);
  printf ("rewrite 1 = %lu",mbx_rewrite (s,&rec,1));
  printf (" reclaimed %lu\n",rec);
  printf ("nmsgs %lu\n",s->nmsgs);
  listing (s);
  mbx_abort (s);
  printf ("after abort dtb=%s local=%s\n",s->dtb ? "set" : "NIL",
          s->local ? "set" : "NIL");
  mail_close (s);
  reopen_list ("mb");
  snprintf (path,sizeof path,"%s/mb",home);
  {				/* the file, with the validity and PID masked */
    FILE *f = fopen (path,"rb");
    static char buf[65536];
    size_t n = f ? fread (buf,1,sizeof buf,f) : 0;
    if (f) fclose (f);
    if (n >= 2048) { memset (buf + 7,'V',8); memset (buf + 2038,'P',8); }
    show ("file",buf,n);
  }
}

static void mix (void)
{
  MAILSTREAM *s;
  FILE *idxf = (FILE *) 1,*statf,*msgf;
  unsigned long seq,i,*sorted;
  char *r,meta[MAILTMPLEN];
  int fd;
  long size;
  STRING st;
  MESSAGECACHE elt;
  SEARCHSET *set;
  SORTPGM *pgm;
  THREADNODE *t;
  printf ("create %ld\n",mail_create (NIL,"#driver.mix/mx"));
  fill ("mx",3);
  s = mail_open (NIL,"mx",NIL);
  if (!s) { printf ("open failed\n"); return; }
  statf = mix_parse (s,&idxf,LONGT,LONGT);
  printf ("parse statf=%s idxf=%s\n",statf ? "set" : "NULL",idxf ? "set" : "NULL");
  r = mix_meta_slurp (s,&seq);
  printf ("meta_slurp %s seq>0 %d\n",r ? "ok" : "NULL",seq > 0);
  if (r) {			/* validity and last UID lines are times */
    char *k = strstr (r,"\nK");
    printf ("meta starts %c, keywords: %.*s\n",*r,k ? (int) strcspn (k + 1,"\r") : 0,
            k ? k + 1 : "");
  }
  printf ("meta_update = %ld\n",mix_meta_update (s));
  printf ("index_update = %ld\n",mix_index_update (s,idxf,LONGT));
  printf ("status_update = %ld\n",mix_status_update (s,statf,LONGT));
  if (idxf) fclose (idxf);
  if (statf) fclose (statf);
  /* an append the way the driver's own append does it */
  statf = mix_parse (s,&idxf,LONGT,NIL);
  msgf = mix_data_open (s,&fd,&size,200);
  printf ("data_open %s fd-matches %d size>0 %d\n",msgf ? "set" : "NULL",
          msgf ? fileno (msgf) == fd : 0,size > 0);
  memset (&elt,0,sizeof elt);
  mail_parse_date (&elt,"5-May-2023 12:00:00 +0200");
  INIT (&st,mail_string,msgs[3],strlen (msgs[3]));
  set = mail_newsearchset ();
  printf ("append_msg = %ld\n",
          mix_append_msg (s,msgf,"\\Seen kwm",&elt,&st,set,mix_modseq (0)));
  showset ("appended",set);
  fflush (msgf);
  fclose (msgf);
  printf ("meta_update = %ld\n",mix_meta_update (s));
  printf ("index_update = %ld\n",mix_index_update (s,idxf,LONGT));
  printf ("status_update = %ld\n",mix_status_update (s,statf,LONGT));
  fclose (idxf);
  fclose (statf);
  printf ("nmsgs %lu\n",s->nmsgs);
  mix_flag (s,"1:2","\\Flagged",ST_SET);
  mix_flag (s,"3","\\Seen",NIL);
  listing (s);
  pgm = mail_newsortpgm ();
  pgm->function = SORTSUBJECT;
  sorted = mix_sort (s,NIL,mail_criteria ("ALL"),pgm,NIL);
  printf ("sort:");
  for (i = 0; sorted && sorted[i]; i++) printf (" %lu",sorted[i]);
  putchar ('\n');
  t = mix_thread (s,"REFERENCES",NIL,mail_criteria ("ALL"),NIL);
  printf ("thread top %lu\n",t ? t->num : 0);
  printf ("subscribe = %ld\n",mix_subscribe (s,"mx"));
  printf ("subscribe = %ld\n",mix_subscribe (s,"other"));
  printf ("unsubscribe = %ld\n",mix_unsubscribe (s,"other"));
  printf ("unsubscribe = %ld\n",mix_unsubscribe (s,"never"));
  snprintf (meta,sizeof meta,"%s/.mailboxlist",home);
  showfile ("mailboxlist",meta);
  mix_abort (s);
  printf ("after abort dtb=%s local=%s\n",s->dtb ? "set" : "NIL",
          s->local ? "set" : "NIL");
  mail_close (s);
  reopen_list ("mx");
}

static void mx (void)
{
  MAILSTREAM *s;
  MESSAGECACHE elt,*e;
  STRING st;
  SEARCHSET *set;
  char *r,path[MAILTMPLEN],dst[MAILTMPLEN],file[MAILTMPLEN];
  struct stat sb;
  unsigned long i;
  printf ("create %ld\n",mail_create (NIL,"#driver.mx/dx"));
  fill ("dx",2);
  s = mail_open (NIL,"dx",NIL);
  if (!s) { printf ("open failed\n"); return; }
  printf ("lockindex = %ld\n",mx_lockindex (s));
  memset (&elt,0,sizeof elt);
  mail_parse_date (&elt,"6-Jun-2006 06:06:06 +0000");
  INIT (&st,mail_string,msgs[2],strlen (msgs[2]));
  set = mail_newsearchset ();
  printf ("append_msg = %ld\n",mx_append_msg (s,"\\Deleted kwx",&elt,&st,set));
  showset ("appended",set);
  mx_unlockindex (s);
  printf ("nmsgs %lu uid_last %lu\n",s->nmsgs,s->uid_last);
  for (i = 1; i <= s->nmsgs; i++) {
    e = mail_elt (s,i);
    r = mx_fast_work (s,e);
    printf ("fast_work %lu = %s\n",i,h (r));
  }
  snprintf (file,sizeof file,"%s/dx/1",home);
  mx_setdate (file,&elt);
  stat (file,&sb);
  printf ("setdate mtime %ld\n",(long) sb.st_mtime);
  mx_fast (s,"1:*",NIL);
  mail_setflag (s,"1","\\Answered");
  mx_flag (s,"1","\\Answered",ST_SET);
  printf ("lockindex = %ld\n",mx_lockindex (s));
  mail_elt (s,2)->flagged = T;
  mx_unlockindex (s);
  mail_close (s);
  reopen_list ("dx");
  snprintf (path,sizeof path,"%s/dx/.mxindex",home);
  {
    FILE *f = fopen (path,"rb");
    char buf[4096];
    size_t n = f ? fread (buf,1,sizeof buf,f) : 0;
    if (f) fclose (f);
    if (n > 9) memset (buf + 1,'V',8);
    show ("index",buf,n);
  }
  snprintf (path,sizeof path,"%s/dx",home);
  snprintf (dst,sizeof dst,"%s/moved-",home);
  printf ("rename_work = %d\n",mx_rename_work (path,strlen (path),dst,strlen (dst),"2"));
  snprintf (file,sizeof file,"%s/moved-2",home);
  printf ("moved exists %d\n",!stat (file,&sb));
  printf ("rename_work missing = %d errno=%d\n",
          mx_rename_work (path,strlen (path),dst,strlen (dst),"99"),errno);
  printf ("subscribe = %ld\n",mx_subscribe (NIL,"dx"));
  printf ("unsubscribe = %ld\n",mx_unsubscribe (NIL,"dx"));
  printf ("unsubscribe = %ld\n",mx_unsubscribe (NIL,"dx"));
}

/* Our library only: hostile arguments must be refused, never crash. */
static void hostile (void)
{
  MAILSTREAM *s;
  unsigned long n = 5;
  char buf[MAILTMPLEN];
  DOTLOCK lock;
  STRING bs;
  mail_create (NIL,"#driver.mbx/hb");
  fill ("hb",1);
  s = mail_open (NIL,"hb",NIL);
  printf ("mx_lockindex(mbx) = %ld\n",mx_lockindex (s));
  mx_unlockindex (s);
  printf ("mix_meta_update(mbx) = %ld\n",mix_meta_update (s));
  printf ("mix_parse(mbx) = %p\n",(void *) mix_parse (s,NIL,1,1));
  printf ("unix_text_work(mbx) = %p\n",(void *) unix_text_work (s,mail_elt (s,1),&n,0));
  INIT (&bs,mail_string,"x\n",2);
  printf ("unix_mbxline(mbx) = [%s]\n",unix_mbxline (s,&bs,&n));
  unix_abort (s);
  mix_abort (s);
  printf ("still open: %d\n",s->dtb != NIL);
  mail_close (s);
  printf ("mbx_parse(NULL) = %ld\n",mbx_parse (NIL));
  printf ("mbx_elt(NULL) = %p\n",(void *) mbx_elt (NIL,1,0));
  printf ("mbx_hdrpos(NULL) = %lu\n",mbx_hdrpos (NIL,1,&n,NIL));
  mbx_update_status (NIL,1,0);
  mbx_update_header (NIL);
  mbx_abort (NIL);
  printf ("mix_meta_slurp(NULL) = %p\n",(void *) mix_meta_slurp (NIL,&n));
  printf ("mix_index_update(NULL) = %ld\n",mix_index_update (NIL,NIL,1));
  printf ("mix_read_record(NULL) = %p\n",(void *) mix_read_record (NIL,buf,10,"x"));
  printf ("mix_addset(NULL) = %ld\n",mix_addset (NIL,1,1));
  printf ("mx_fast_work(NULL) = %p\n",(void *) mx_fast_work (NIL,NIL));
  printf ("mix_append_msg(NULL) = %ld\n",mix_append_msg (NIL,NIL,NIL,NIL,NIL,NIL,0));
  printf ("unix_pseudo(NULL) = %lu\n",unix_pseudo (NIL,buf));
  printf ("unix_xstatus(NULL) = %lu\n",unix_xstatus (NIL,buf,NIL,0,0));
  printf ("unix_collect_msg(NULL) = %d\n",unix_collect_msg (NIL,NIL,NIL,NIL,NIL));
  printf ("unix_append_msgs(NULL) = %d\n",unix_append_msgs (NIL,NIL,NIL,NIL));
  printf ("unix_lock(NULL) = %d\n",unix_lock (NIL,0,0,&lock,0));
  printf ("mbx_isvalid(NULL) = %d\n",mbx_isvalid (NIL,NIL,NIL,NIL,NIL,0));
  printf ("mix_isvalid(NULL) = %ld\n",mix_isvalid (NIL,NIL));
  printf ("mx_isvalid(NULL) = %d\n",mx_isvalid (NIL,NIL));
  printf ("mx_select(NULL) = %d\n",mx_select (NIL));
  /* every routine that takes a stream, with NULL and with a stream of
     another driver */
  mail_create (NIL,"#driver.mix/hx");
  s = mail_open (NIL,"hx",NIL);
  {
    MAILSTREAM *v[2];
    int k;
    v[0] = NIL; v[1] = s;
    for (k = 0; k < 2; k++) {
      MAILSTREAM *t = k ? s : NIL;
      SEARCHSET *set = mail_newsearchset ();
      MESSAGECACHE elt;
      int fd;
      long sz;
      memset (&elt,0,sizeof elt);
      printf ("round %d\n",k);
      mbx_flag (t,"1","\\Seen",ST_SET);
      mbx_flags (t,"1",0);
      printf (" mbx_flaglock %ld\n",mbx_flaglock (t));
      printf (" mbx_read_flags %lu\n",mbx_read_flags (t,&elt));
      printf (" mbx_rewrite %lu\n",mbx_rewrite (t,&n,1));
      mbx_abort (t);
      INIT (&bs,mail_string,"x\n",2);
      printf (" mx_append_msg %ld\n",mx_append_msg (t,"",&elt,&bs,set));
      mx_fast (t,"1",0);
      mx_flag (t,"1","\\Seen",ST_SET);
      printf (" mx_lockindex %ld\n",mx_lockindex (t));
      mx_unlockindex (t);
      printf (" unix_parse %d\n",unix_parse (t,&lock,LOCK_SH));
      printf (" unix_rewrite %ld\n",unix_rewrite (t,&n,&lock,0));
      printf (" mmdf_parse %d\n",mmdf_parse (t,&lock,LOCK_SH));
      printf (" unix_text_work %p\n",(void *) unix_text_work (t,&elt,&n,0));
      printf (" mmdf_text_work %p\n",(void *) mmdf_text_work (t,&elt,&n,0));
      printf (" mmdf_mbxline [%s]\n",mmdf_mbxline (t,&bs,&n));
      unix_abort (t);
      mmdf_abort (t);
      if (k == 0) {		/* these need no stream in the original */
        mix_flag (t,"1","\\Seen",ST_SET);
        printf (" mix_sort %p\n",(void *) mix_sort (t,NIL,NIL,NIL,0));
        printf (" mix_thread %p\n",(void *) mix_thread (t,"ORDEREDSUBJECT",NIL,NIL,0));
        printf (" mix_meta_update %ld\n",mix_meta_update (t));
        printf (" mix_status_update %ld\n",mix_status_update (t,NIL,1));
        printf (" mix_data_open %p\n",(void *) mix_data_open (t,&fd,&sz,10));
        printf (" mix_parse %p\n",(void *) mix_parse (t,NIL,1,1));
        mix_abort (t);
      }
    }
    printf ("mix stream still open: %d\n",s && s->dtb != NIL);
    if (s) { listing (s); mail_close (s); }
  }
  printf ("done\n");
}

int main (int argc,char *argv[])
{
  char *sec = argc > 1 ? argv[1] : "";
#include "linkage.c"
  setvbuf (stdout,NIL,_IOLBF,0);
  home = getenv ("HOME");
  if (!strcmp (sec,"paths")) paths ();
  else if (!strcmp (sec,"pure")) pure ();
  else if (!strcmp (sec,"isvalid")) isvalid ();
  else if (!strcmp (sec,"unix")) flat (0);
  else if (!strcmp (sec,"mmdf")) flat (1);
  else if (!strcmp (sec,"mbx")) mbx ();
  else if (!strcmp (sec,"mix")) mix ();
  else if (!strcmp (sec,"mx")) mx ();
  else if (!strcmp (sec,"hostile")) hostile ();
  else { fprintf (stderr,"unknown section %s\n",sec); return 2; }
  return 0;
}
