/* ops: a fixed script of mailbox-changing operations, for comparing what
 * two libraries write to disk (writeback.sh) and for generating mailboxes
 * with the original to read back (run.sh).
 *
 * usage: ops script FORMAT
 *          FORMAT is unix or mmdf. Creates, appends to (with flags,
 *          keywords and explicit dates), changes flags of, expunges,
 *          copies and moves between, renames and deletes mailboxes named
 *          FORMAT-*, all relative to HOME, printing every call's result
 *          and every callback.
 *        ops session NAME
 *          A read-write session on an existing mailbox NAME: keywords,
 *          flags, \Deleted, copies of the first messages into a new unix
 *          and a new MMDF mailbox, expunge, checkpoint, close.
 *        ops gen FORMAT NAME LISTFILE
 *          Creates NAME in FORMAT and appends every file named in LISTFILE
 *          (one path a line) as a message, with a date and flags derived
 *          from its position.
 *
 * Every append passes an explicit internal date: an append without one
 * takes the present time, which differs between two runs. UID validities
 * made during the run are the present time and print as "<now>".
 */
#include "common.h"

/* Messages written for this test, CRLF as c-client expects appends. */
static const char *msgs[] = {
  /* 0: plain text, encoded-word subject, a body line starting "From " */
  "Date: Mon, 7 Dec 2026 10:00:00 +0100\r\n"
  "From: Ann Example <ann@example.org>\r\n"
  "To: bob@example.net, \"Carl, Jr.\" <carl@example.net>\r\n"
  "Subject: =?ISO-8859-1?Q?caf=E9?= plain\r\n"
  "Message-ID: <ops-0@example.org>\r\n"
  "\r\n"
  "First line.\r\n"
  "From the start of a line this must be escaped in an mbox.\r\n"
  ">From an already quoted line.\r\n"
  "\r\n"
  "Last line.\r\n",
  /* 1: nested MIME */
  "Date: Tue, 8 Dec 2026 11:00:00 -0500\r\n"
  "From: bob@example.net\r\n"
  "To: ann@example.org\r\n"
  "Subject: nested\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
  "\r\n"
  "preamble\r\n"
  "--outer\r\n"
  "Content-Type: text/plain; charset=us-ascii\r\n"
  "Content-Description: the text\r\n"
  "\r\n"
  "Hello.\r\n"
  "--outer\r\n"
  "Content-Type: application/octet-stream; name=\"x.bin\"\r\n"
  "Content-Transfer-Encoding: base64\r\n"
  "Content-Disposition: attachment; filename=\"x.bin\"\r\n"
  "Content-Language: en, de\r\n"
  "Content-Location: http://example.org/x.bin\r\n"
  "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n"
  "Content-ID: <part2@example.net>\r\n"
  "\r\n"
  "AAECAwQFBgcICQoLDA0ODw==\r\n"
  "--outer\r\n"
  "Content-Type: message/rfc822\r\n"
  "\r\n"
  "From: inner@example.com\r\n"
  "Subject: inner\r\n"
  "Content-Type: multipart/alternative; boundary=inner\r\n"
  "\r\n"
  "--inner\r\n"
  "Content-Type: text/plain\r\n"
  "\r\n"
  "plain\r\n"
  "--inner\r\n"
  "Content-Type: text/html\r\n"
  "Content-Transfer-Encoding: quoted-printable\r\n"
  "\r\n"
  "<p>h=C3=A9</p>\r\n"
  "--inner--\r\n"
  "--outer--\r\n"
  "epilogue\r\n",
  /* 2: header only */
  "From: nobody@example.org\r\n"
  "Subject: header only\r\n"
  "\r\n",
  /* 3: bare LF newlines */
  "From: lf@example.org\n"
  "Subject: LF only\n"
  "\n"
  "one\n"
  "From two\n",
  /* 4: status headers already in the text, a bogus Content-Length */
  "From: status@example.org\r\n"
  "Subject: carries status headers\r\n"
  "Status: RO\r\n"
  "X-Status: DAF\r\n"
  "X-Keywords: Stale\r\n"
  "X-UID: 77\r\n"
  "Content-Length: 3\r\n"
  "\r\n"
  "longer than three bytes\r\n",
  /* 5: MMDF delimiters and From lines inside the text, no final newline */
  "From: delim@example.org\r\n"
  "Subject: delimiters inside\r\n"
  "\r\n"
  "\001\001\001\001\r\n"
  "From x@y Mon Dec  7 10:00:00 2026\r\n"
  "\r\n"
  "no newline at the end",
  NIL
};

/* ------------------------------------------------------ UID callbacks */

static void setprint (SEARCHSET *s)
{
  for (; s; s = s->next) {
    printf ("%lu",s->first);
    if (s->last) printf (":%lu",s->last);
    if (s->next) putchar (',');
  }
}
static void appenduid (char *mailbox,unsigned long validity_,SEARCHSET *set)
{
  fputs ("CB appenduid ",stdout); str (mailbox);
  putchar (' '); validity (validity_); putchar (' ');
  setprint (set); putchar ('\n');
}
static void copyuid (MAILSTREAM *stream,char *mailbox,unsigned long validity_,
		     SEARCHSET *source,SEARCHSET *dest)
{
  fputs ("CB copyuid ",stdout); str (mailbox);
  putchar (' '); validity (validity_); putchar (' ');
  setprint (source); putchar (' '); setprint (dest); putchar ('\n');
}

/* ----------------------------------------------------------- helpers */

static const char *fmt;		/* "unix" or "mmdf" */

/* Name of a mailbox of this run: "FORMAT-suffix". For creation in MMDF
 * the driver is named: "#driver.mmdf/FORMAT-suffix". */
static char *box (const char *suffix)
{
  static char buf[4][MAILTMPLEN];
  static int i;
  char *s = buf[i++ & 3];
  sprintf (s,"%s-%s",fmt,suffix);
  return s;
}
static char *newbox (const char *suffix)
{
  static char buf[MAILTMPLEN];
  if (!strcmp (fmt,"unix")) return box (suffix);
  sprintf (buf,"#driver.%s/%s-%s",fmt,fmt,suffix);
  return buf;
}

static void step (const char *what) { printf ("> %s\n",what); }

static long append (MAILSTREAM *stream,const char *mailbox,const char *flags,
		    const char *date,const char *text,size_t len)
{
  STRING s;
  long r;
  printf ("> append %s flags=",mailbox);
  str (flags);
  fputs (" date=",stdout);
  str (date);
  putchar ('\n');
  INIT (&s,mail_string,(void *) text,len);
  r = mail_append_full (stream,(char *) mailbox,(char *) flags,(char *) date,
			&s);
  printf ("= %ld\n",r);
  return r;
}

/* Short per-message listing of an open stream. */
static void summary (MAILSTREAM *stream)
{
  unsigned long i;
  char tmp[MAILTMPLEN];
  streamdata (stream);
  for (i = 1; i <= stream->nmsgs; i++) {
    MESSAGECACHE *e;
    ENVELOPE *env = mail_fetch_structure (stream,i,NIL,NIL);
    e = mail_elt (stream,i);
    printf (" msg %lu uid=%lu size=%lu",i,mail_uid (stream,i),e->rfc822_size);
    flags (stream,e);
    if (elt_is_now (e)) strcpy (tmp,"<now>");
    else mail_date (tmp,e);
    fputs (" date=",stdout); str (tmp);
    fputs (" subject=",stdout); str (env ? env->subject : NIL);
    putchar ('\n');
  }
}

static MAILSTREAM *openbox (const char *name,long options)
{
  MAILSTREAM *s;
  printf ("> open %s options=%ld\n",name,options);
  s = mail_open (NIL,(char *) name,options);
  if (s) summary (s);
  else puts ("= open failed");
  return s;
}

static void closebox (MAILSTREAM *s,long options)
{
  printf ("> close options=%ld\n",options);
  mail_close_full (s,options);
}

static void status (const char *name)
{
  long r;
  printf ("> status %s\n",name);
  r = mail_status (NIL,(char *) name,SA_MESSAGES | SA_RECENT | SA_UNSEEN |
		   SA_UIDNEXT | SA_UIDVALIDITY);
  printf ("= %ld\n",r);
}

static void flag (MAILSTREAM *s,const char *seq,const char *f,long options)
{
  printf ("> flag %s ",seq);
  str (f);
  printf (" options=%ld\n",options);
  mail_flag (s,(char *) seq,(char *) f,options);
}

#define CALL(what,expr) do { long r_; step (what); r_ = (expr); \
  printf ("= %ld\n",r_); } while (0)

/* ------------------------------------------------------------ script */

static void script (void)
{
  MAILSTREAM *s;
  const char *m;
  int i;
  char seq[64];

  CALL ("create 1",mail_create (NIL,newbox ("1")));
  CALL ("create 1 again",mail_create (NIL,newbox ("1")));
  CALL ("create 2",mail_create (NIL,newbox ("2")));
  CALL ("create dir/",mail_create (NIL,box ("dir/")));
  CALL ("create dir/inner",mail_create (NIL,newbox ("dir/inner")));
  CALL ("create INBOX",mail_create (NIL,"INBOX"));
  status (box ("1"));

  /* Appends with every kind of flag, keyword and date. */
  append (NIL,box ("1"),NIL,"07-Dec-2026 10:00:00 +0100",msgs[0],strlen (msgs[0]));
  append (NIL,box ("1"),"\\Seen \\Flagged","8-Dec-2026 11:00:00 -0500",
	  msgs[1],strlen (msgs[1]));
  append (NIL,box ("1"),"(\\Answered \\Draft)"," 1-Jan-1999 00:00:00 +0000",
	  msgs[2],strlen (msgs[2]));
  append (NIL,box ("1"),"\\Seen $Label1 Junk","31-Dec-2025 23:59:59 -1200",
	  msgs[3],strlen (msgs[3]));
  append (NIL,box ("1"),"\\Deleted","29-Feb-2024 12:30:00 +0530",
	  msgs[4],strlen (msgs[4]));
  append (NIL,box ("1"),NIL,"01-Jun-2001 06:07:08 -0700",msgs[5],
	  strlen (msgs[5]));
  append (NIL,box ("1"),NIL,"not a date",msgs[0],strlen (msgs[0]));
  append (NIL,box ("1"),"\\Bogus","03-Mar-2003 03:03:03 +0300",msgs[0],strlen (msgs[0]));
  append (NIL,box ("missing"),NIL,"07-Dec-2026 10:00:00 +0100",msgs[0],
	  strlen (msgs[0]));
  status (box ("1"));

  /* Read-write session: UIDs, flags, keywords, expunge, copy, move. */
  if ((s = openbox (box ("1"),NIL))) {
    flag (s,"1:3","\\Seen",ST_SET);
    flag (s,"2","\\Answered $Label1 NewKey",ST_SET);
    flag (s,"1","\\Seen",NIL);
    flag (s,"4","$Label1",NIL);
    sprintf (seq,"%lu",mail_uid (s,3));
    flag (s,seq,"\\Flagged Another",ST_SET | ST_UID);
    flag (s,"6","\\Deleted",ST_SET);
    CALL ("check",(mail_check (s),0));
    summary (s);
    CALL ("copy 1:3 to 2",mail_copy_full (s,"1:3",box ("2"),NIL));
    CALL ("copy 1 to missing",mail_copy_full (s,"1",box ("missing"),NIL));
    sprintf (seq,"%lu",mail_uid (s,2));
    CALL ("uid copy to dir/inner",mail_copy_full (s,seq,box ("dir/inner"),
						   CP_UID));
    CALL ("move 4 to 2",mail_copy_full (s,"4",box ("2"),CP_MOVE));
    summary (s);
    CALL ("expunge",mail_expunge_full (s,NIL,NIL));
    summary (s);
    /* A second append while the mailbox is open, then a ping sees it. */
    append (NIL,box ("1"),"\\Flagged","02-Feb-2002 02:02:02 +0200",
	    msgs[0],strlen (msgs[0]));
    CALL ("ping",mail_ping (s));
    summary (s);
    closebox (s,NIL);
  }
  status (box ("1"));
  status (box ("2"));

  /* Read-only open must not change anything; flags stay session-only. */
  if ((s = openbox (box ("2"),OP_READONLY))) {
    flag (s,"1","\\Deleted",ST_SET);
    CALL ("expunge read-only",mail_expunge_full (s,NIL,NIL));
    closebox (s,NIL);
  }
  /* Close with expunge. */
  if ((s = openbox (box ("2"),NIL))) {
    flag (s,"2","\\Deleted",ST_SET);
    closebox (s,CL_EXPUNGE);
  }
  if ((s = openbox (box ("2"),OP_READONLY))) closebox (s,NIL);

  /* Many appends and a large message. */
  for (i = 0; i < 12; i++) {
    char date[64];
    sprintf (date,"%02d-Mar-2020 %02d:%02d:00 +0000",i + 1,i,i * 4);
    m = msgs[i % 6];
    append (NIL,box ("2"),(i & 1) ? "\\Seen" : NIL,date,m,strlen (m));
  }
  {
    size_t n = 200000,k;
    char *big = malloc (n + 200);
    strcpy (big,"From: big@example.org\r\nSubject: big\r\n\r\n");
    for (k = strlen (big); k < n; k += 80) {
      memset (big + k,'a' + (k / 80) % 26,78);
      memcpy (big + k + 78,"\r\n",2);
    }
    big[k] = '\0';
    append (NIL,box ("2"),NIL,"10-Oct-2010 10:10:10 +1000",big,k);
    free (big);
  }
  status (box ("2"));

  /* Rename and delete. */
  CALL ("rename 2 to 3",mail_rename (NIL,box ("2"),box ("3")));
  CALL ("rename missing",mail_rename (NIL,box ("2"),box ("4")));
  CALL ("create 4",mail_create (NIL,newbox ("4")));
  CALL ("rename 3 onto 4",mail_rename (NIL,box ("3"),box ("4")));
  CALL ("rename 4 into dir",mail_rename (NIL,box ("4"),box ("dir/four")));
  CALL ("delete dir/four",mail_delete (NIL,box ("dir/four")));
  CALL ("delete dir/four again",mail_delete (NIL,box ("dir/four")));
  CALL ("rename 3 into dir",mail_rename (NIL,box ("3"),box ("dir/three")));
  CALL ("delete dir (not empty)",mail_delete (NIL,box ("dir")));
  CALL ("create 5",mail_create (NIL,newbox ("5")));
  CALL ("delete 5",mail_delete (NIL,box ("5")));
  step ("list");
  mail_list (NIL,"",box ("*"));
  step ("list %");
  mail_list (NIL,"",box ("%"));
  status (box ("dir/three"));
  status (box ("dir/inner"));
}

/* --------------------------------------------------------- session */

static void session (const char *name)
{
  MAILSTREAM *s;
  char seq[64];
  if (!(s = openbox (name,NIL))) return;
  if (s->nmsgs >= 1) flag (s,"1","\\Flagged $Junk Custom1",ST_SET);
  if (s->nmsgs >= 2) flag (s,"2","\\Deleted",ST_SET);
  if (s->nmsgs >= 3) flag (s,"3","\\Answered \\Seen Custom2",ST_SET);
  if (s->nmsgs >= 1) flag (s,"1","Custom1",NIL);
  if (s->nmsgs) {
    sprintf (seq,"1:%lu",s->nmsgs < 3 ? s->nmsgs : 3);
    CALL ("create copy-unix",mail_create (NIL,"copy-unix"));
    CALL ("copy to copy-unix",mail_copy_full (s,seq,"copy-unix",NIL));
    CALL ("create copy-mmdf",mail_create (NIL,"#driver.mmdf/copy-mmdf"));
    CALL ("copy to copy-mmdf",mail_copy_full (s,seq,"copy-mmdf",NIL));
  }
  CALL ("expunge",mail_expunge_full (s,NIL,NIL));
  CALL ("check",(mail_check (s),0));
  summary (s);
  closebox (s,NIL);
}

/* ------------------------------------------------------------- gen */

static void gen (const char *name,const char *listfile)
{
  static const char *flagsets[] = {NIL,"\\Seen","\\Seen \\Answered",
				   "\\Flagged","\\Draft \\Seen","\\Deleted"};
  FILE *list = fopen (listfile,"r");
  char path[4096],date[64];
  char full[MAILTMPLEN];
  unsigned long n = 0;
  if (!list) {
    perror (listfile);
    exit (2);
  }
  if (!strcmp (fmt,"unix")) strcpy (full,name);
  else sprintf (full,"#driver.%s/%s",fmt,name);
  CALL ("create",mail_create (NIL,full));
  while (fgets (path,sizeof path,list)) {
    FILE *f;
    char *text;
    long size;
    path[strcspn (path,"\n")] = '\0';
    if (!(f = fopen (path,"rb"))) {
      perror (path);
      continue;
    }
    fseek (f,0,SEEK_END);
    size = ftell (f);
    rewind (f);
    text = malloc (size + 1);
    if (fread (text,1,size,f) != (size_t) size) size = 0;
    fclose (f);
    sprintf (date,"%02lu-%s-%04lu %02lu:%02lu:%02lu %c%02lu00",n % 28 + 1,
	     "Jan\0Feb\0Mar\0Apr\0May\0Jun\0Jul\0Aug\0Sep\0Oct\0Nov\0Dec" +
	     4 * (n % 12),1990 + n % 40,n % 24,n % 60,(n * 7) % 60,
	     (n & 1) ? '-' : '+',n % 12);
    append (NIL,name,flagsets[n % 6],date,text,size);
    free (text);
    n++;
  }
  fclose (list);
  status (name);
}

int main (int argc,char *argv[])
{
  started = time (0);
#include "linkage.c"
  mail_parameters (NIL,SET_APPENDUID,(void *) appenduid);
  mail_parameters (NIL,SET_COPYUID,(void *) copyuid);
  if (argc == 3 && !strcmp (argv[1],"script")) {
    fmt = argv[2];
    script ();
  }
  else if (argc == 3 && !strcmp (argv[1],"session")) session (argv[2]);
  else if (argc == 5 && !strcmp (argv[1],"gen")) {
    fmt = argv[2];
    gen (argv[3],argv[4]);
  }
  else {
    fprintf (stderr,"usage: ops script FORMAT | ops session NAME |"
	     " ops gen FORMAT NAME LIST\n");
    return 2;
  }
  return 0;
}
