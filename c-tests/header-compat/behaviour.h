/* Behaviour probes for the header macros that compute something without
 * the library: the STRING accessors (with a driver defined here), VALID
 * from unix.h, UTF8_SIZE_BMP/UTF8_PUT_BMP, and the call-shaping macros
 * (checked by expanding them into calls of local recorder functions). */

/* ---- STRING accessors over a chunked in-memory driver ---- */
static const char *bh_text = "The quick brown fox jumps over the lazy dog";

static void bh_setpos (STRING *s,unsigned long i)
{
  /* chunks of 5 octets, to exercise the refill path of SNX */
  s->offset = i - (i % 5);
  s->chunk = (char *) bh_text + s->offset;
  s->chunksize = (s->size - s->offset < 5) ? s->size - s->offset : 5;
  s->curpos = s->chunk + (i - s->offset);
  s->cursize = s->chunksize - (i - s->offset);
}
static void bh_init (STRING *s,void *data,unsigned long size)
{
  s->data = data;
  s->size = size;
  bh_setpos (s,0);
}
static char bh_next (STRING *s)
{
  /* called by SNX for the last octet of a chunk: return it, then refill */
  char c = *s->curpos++;
  bh_setpos (s,GETPOS (s));
  return c;
}
static STRINGDRIVER bh_driver = { bh_init,bh_next,bh_setpos };

static void behaviour_string (void)
{
  STRING bs;
  char buf[64];
  unsigned long i = 0;
  INIT (&bs,bh_driver,(void *) bh_text,strlen (bh_text));
  printf ("behaviour STRING size %lu chr %c getpos %lu\n",
	  (unsigned long) SIZE (&bs),CHR (&bs),(unsigned long) GETPOS (&bs));
  while (SIZE (&bs) && i < 12) buf[i++] = SNX (&bs);
  buf[i] = '\0';
  printf ("behaviour STRING snx \"%s\" size %lu getpos %lu\n",buf,
	  (unsigned long) SIZE (&bs),(unsigned long) GETPOS (&bs));
  SETPOS (&bs,31);
  printf ("behaviour STRING setpos chr %c size %lu getpos %lu\n",CHR (&bs),
	  (unsigned long) SIZE (&bs),(unsigned long) GETPOS (&bs));
}

/* ---- VALID on "From " lines ---- */
static const char *bh_lines[] = {
  "From user@example.com Sat Jan  3 01:05:34 1996\n",
  "From user@example.com Sat Jan  3 01:05:34 1996\r\n",
  "From user@example.com Sat Jan  3 01:05 1996\n",
  "From user@example.com Sat Jan  3 01:05:34 PST 1996\n",
  "From user@example.com Sat Jan  3 01:05:34 1996 PST\n",
  "From user@example.com Sat Jan  3 01:05:34 -0800 1996\n",
  "From user@example.com Sat Jan  3 01:05:34 1996 -0800\n",
  "From user@example.com Sat Jan  3 01:05:34 PST -0800 1996\n",
  "From user@example.com Sat Jan  3 01:05:34 1996 remote from relay\n",
  "From user Sat Jan  3 01:05:34 1996\n",
  "From x Sat Jan  3 01:05 1996\n",
  "From user@example.com not a date at all, really not\n",
  "From user@example.com Sat Jan  3 01-05-34 1996\n",
  "From \n",
  "from user@example.com Sat Jan  3 01:05:34 1996\n",
  ">From user@example.com Sat Jan  3 01:05:34 1996\n",
  "From user@example.com Sat Jan  3 01:05:34 1996",
  "Subject: From user@example.com Sat Jan  3 01:05:34 1996\n",
  0
};

static void behaviour_valid (void)
{
  int n;
  for (n = 0; bh_lines[n]; n++) {
    char *s = (char *) bh_lines[n];
    char *x = 0;
    int ti = 0, zn = 0;
    VALID (s,x,ti,zn);
    printf ("behaviour VALID %d ti %d",n,ti);
    if (ti) printf (" zn %d end %ld",zn,(long) (x - s));
    printf ("\n");
  }
}

/* ---- UTF-8 of BMP code points ---- */
static void behaviour_utf8 (void)
{
  static const unsigned long cps[] = {
    0x0,0x41,0x7f,0x80,0xe9,0x7ff,0x800,0x20ac,0xd7ff,0xfeff,0xffff
  };
  size_t k;
  for (k = 0; k < sizeof cps / sizeof cps[0]; k++) {
    unsigned long c = cps[k];
    unsigned char out[8], *b = out;
    size_t j;
    UTF8_PUT_BMP (b,c);
    printf ("behaviour UTF8 %lx size %d put",c,(int) UTF8_SIZE_BMP (c));
    for (j = 0; j < (size_t) (b - out); j++) printf (" %02x",out[j]);
    printf ("\n");
  }
}

/* ---- call-shaping macros: expand into recorder functions ---- */
static long bh_args (int n,...)
{
  (void) n;
  return 0;
}
/* Constants are compared on their own; keep them symbolic here. */
#pragma push_macro ("NIL")
#undef NIL
#pragma push_macro ("T")
#undef T
#pragma push_macro ("FT_PEEK")
#undef FT_PEEK
#pragma push_macro ("ST_SET")
#undef ST_SET
#pragma push_macro ("SE_FREE")
#undef SE_FREE
#pragma push_macro ("CP_MOVE")
#undef CP_MOVE
static void behaviour_macros (void)
{
  /* Each shorthand is expanded with literal arguments; the string form of
   * the expansion is compared after whitespace is squeezed out. */
#define BH_STR2(...) #__VA_ARGS__
#define BH_STR(...) BH_STR2 (__VA_ARGS__)
#define BH_SHOW(name,...) do { \
    const char *e = BH_STR (__VA_ARGS__); \
    printf ("behaviour MACRO %s ",name); \
    for (; *e; e++) if (*e != ' ') putchar (*e); \
    putchar ('\n'); \
  } while (0)
  BH_SHOW ("mail_close",mail_close (S));
  BH_SHOW ("mail_fetchfast",mail_fetchfast (S,Q));
  BH_SHOW ("mail_fetchflags",mail_fetchflags (S,Q));
  BH_SHOW ("mail_fetchenvelope",mail_fetchenvelope (S,M));
  BH_SHOW ("mail_fetchstructure",mail_fetchstructure (S,M,B));
  BH_SHOW ("mail_fetchheader",mail_fetchheader (S,M));
  BH_SHOW ("mail_fetchheader_full",mail_fetchheader_full (S,M,L,N,F));
  BH_SHOW ("mail_fetchtext",mail_fetchtext (S,M));
  BH_SHOW ("mail_fetchtext_full",mail_fetchtext_full (S,M,N,F));
  BH_SHOW ("mail_fetchbody",mail_fetchbody (S,M,P,N));
  BH_SHOW ("mail_setflag",mail_setflag (S,Q,G));
  BH_SHOW ("mail_setflag_full",mail_setflag_full (S,Q,G,F));
  BH_SHOW ("mail_clearflag",mail_clearflag (S,Q,G));
  BH_SHOW ("mail_search",mail_search (S,C));
  BH_SHOW ("mail_expunge",mail_expunge (S));
  BH_SHOW ("mail_copy",mail_copy (S,Q,X));
  BH_SHOW ("mail_move",mail_move (S,Q,X));
  BH_SHOW ("mail_append",mail_append (S,X,G));
  BH_SHOW ("aliases",mail_fetchfast_full mail_fetchflags_full
	   mail_fetchstructure_full mail_fetchbody_full mail_clearflag_full);
  BH_SHOW ("rfc822",rfc822_write_address (D,A) rfc822_parse_msg (E,B,S,I,T,H,F));
  BH_SHOW ("smtp_open",smtp_open (H,O));
  BH_SHOW ("nntp_open",nntp_open (H,O));
  BH_SHOW ("pmatch",pmatch (S,P));
  BH_SHOW ("env_unix",myusername () grim_pid_reap (P,K) SUBSCRIPTIONFILE (T)
	   SUBSCRIPTIONTEMP (T));
  BH_SHOW ("renames",write min max flock setpgrp direct altflag);
  BH_SHOW ("MM",MM_EXISTS MM_EXPUNGED MM_FLAGS MM_NOTIFY MM_STATUS MM_LOG
	   MM_CRITICAL MM_NOCRITICAL MM_DISKERROR MM_FATAL MM_APPEND (F));
  BH_SHOW ("SAFE",SAFE_DELETE (D,S,M) SAFE_RENAME (D,S,O,N)
	   SAFE_STATUS (D,S,M,F) SAFE_COPY (D,S,Q,M,O) SAFE_APPEND (D,S,M,A,X)
	   SAFE_SCAN_CONTENTS (D,N,C,Y,Z));
  BH_SHOW ("LEVEL",LEVELIMAP4rev1 (S) LEVELSTATUS (S) LEVELIMAP4 (S)
	   LEVEL1730 (S) LEVELIMAP2bis (S) LEVEL1176 (S) LEVEL1064 (S)
	   LEVELACL (S) LEVELQUOTA (S) LEVELLITERALPLUS (S) LEVELIDLE (S)
	   LEVELMBX_REF (S) LEVELLOG_REF (S) LEVELANONYMOUS (S)
	   LEVELNAMESPACE (S) LEVELUIDPLUS (S) LEVELSTARTTLS (S)
	   LEVELLOGINDISABLED (S) LEVELID (S) LEVELCHILDREN (S)
	   LEVELMULTIAPPEND (S) LEVELBINARY (S) LEVELUNSELECT (S)
	   LEVELSASLIR (S) LEVELSORT (S) LEVELTHREAD (S) LEVELSCAN (S)
	   LEVELURLAUTH (S) LEVELCATENATE (S) LEVELCONDSTORE (S)
	   LEVELESEARCH (S) LEVELWITHIN (S));
  BH_SHOW ("INIT_GETS",INIT_GETS (md,S,M,W,F,L));
  BH_SHOW ("STRING",INIT (s,d,x,n) SIZE (s) CHR (s) SNX (s) GETPOS (s)
	   SETPOS (s,i));
  (void) bh_args;
}
#pragma pop_macro ("NIL")
#pragma pop_macro ("T")
#pragma pop_macro ("FT_PEEK")
#pragma pop_macro ("ST_SET")
#pragma pop_macro ("SE_FREE")
#pragma pop_macro ("CP_MOVE")

static void behaviour (void)
{
  behaviour_string ();
  behaviour_valid ();
  behaviour_utf8 ();
  behaviour_macros ();
}
