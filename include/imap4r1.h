/*
 * imap4r1.h -- the IMAP client driver's extras: server capabilities, ACL, quota, annotations.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_IMAP4R1_H_INCLUDED
#define CCLIENT_IMAP4R1_H_INCLUDED

/* BEGIN GENERATED constants */
#define BODYEXTDSP 2
#define BODYEXTLANG 3
#define BODYEXTLOC 4
#define BODYEXTMD5 1
/* END GENERATED constants */

/* What the server said it can do (from CAPABILITY). */
typedef struct imap_cap {
  unsigned int rfc1176 : 1;
  unsigned int imap2bis : 1;
  unsigned int imap4 : 1;	/* RFC 1730 */
  unsigned int imap4rev1 : 1;
  unsigned int acl : 1;
  unsigned int quota : 1;
  unsigned int litplus : 1;
  unsigned int idle : 1;
  unsigned int mbx_ref : 1;
  unsigned int log_ref : 1;
  unsigned int authanon : 1;
  unsigned int namespace : 1;
  unsigned int uidplus : 1;
  unsigned int starttls : 1;
  unsigned int logindisabled : 1;
  unsigned int id : 1;
  unsigned int children : 1;
  unsigned int multiappend : 1;
  unsigned int binary : 1;
  unsigned int unselect : 1;
  unsigned int sasl_ir : 1;
  unsigned int sort : 1;
  unsigned int scan : 1;
  unsigned int urlauth : 1;
  unsigned int catenate : 1;
  unsigned int condstore : 1;
  unsigned int esearch : 1;
  unsigned int within : 1;
  unsigned int extlevel;	/* BODYEXT* level the server supports */
  unsigned int auth : MAXAUTHENTICATORS;	/* one bit per authenticator */
  THREADER *threader;		/* THREAD= algorithms offered */
} IMAPCAP;

/* Capability tests on an IMAP stream. */
#define LEVELIMAP4rev1(stream) imap_cap (stream)->imap4rev1
#define LEVELSTATUS LEVELIMAP4rev1
#define LEVELIMAP4(stream) \
  (imap_cap (stream)->imap4rev1 || imap_cap (stream)->imap4)
#define LEVEL1730(stream) imap_cap (stream)->imap4
#define LEVELIMAP2bis(stream) imap_cap (stream)->imap2bis
#define LEVEL1176(stream) imap_cap (stream)->rfc1176
#define LEVEL1064(stream) 1
#define LEVELACL(stream) imap_cap (stream)->acl
#define LEVELQUOTA(stream) imap_cap (stream)->quota
#define LEVELLITERALPLUS(stream) imap_cap (stream)->litplus
#define LEVELIDLE(stream) imap_cap (stream)->idle
#define LEVELMBX_REF(stream) imap_cap (stream)->mbx_ref
#define LEVELLOG_REF(stream) imap_cap (stream)->log_ref
#define LEVELANONYMOUS(stream) imap_cap (stream)->authanon
#define LEVELNAMESPACE(stream) imap_cap (stream)->namespace
#define LEVELUIDPLUS(stream) imap_cap (stream)->uidplus
#define LEVELSTARTTLS(stream) imap_cap (stream)->starttls
#define LEVELLOGINDISABLED(stream) imap_cap (stream)->logindisabled
#define LEVELID(stream) imap_cap (stream)->id
#define LEVELCHILDREN(stream) imap_cap (stream)->children
#define LEVELMULTIAPPEND(stream) imap_cap (stream)->multiappend
#define LEVELBINARY(stream) imap_cap (stream)->binary
#define LEVELUNSELECT(stream) imap_cap (stream)->unselect
#define LEVELSASLIR(stream) imap_cap (stream)->sasl_ir
#define LEVELSORT(stream) imap_cap (stream)->sort
#define LEVELTHREAD(stream) ((imap_cap (stream)->threader) ? T : NIL)
#define LEVELSCAN(stream) imap_cap (stream)->scan
#define LEVELURLAUTH(stream) imap_cap (stream)->urlauth
#define LEVELCATENATE(stream) imap_cap (stream)->catenate
#define LEVELCONDSTORE(stream) imap_cap (stream)->condstore
#define LEVELESEARCH(stream) imap_cap (stream)->esearch
#define LEVELWITHIN(stream) imap_cap (stream)->within

/* BEGIN GENERATED prototypes */
long imap_cache (MAILSTREAM *, unsigned long, char *, STRINGLIST *, SIZEDTEXT *);
IMAPCAP *imap_cap (MAILSTREAM *);
long imap_deleteacl (MAILSTREAM *, char *, char *);
long imap_getacl (MAILSTREAM *, char *);
long imap_getannotation (MAILSTREAM *, char *, STRINGLIST *, STRINGLIST *);
long imap_getquota (MAILSTREAM *, char *);
long imap_getquotaroot (MAILSTREAM *, char *);
char *imap_host (MAILSTREAM *);
long imap_listrights (MAILSTREAM *, char *, char *);
long imap_myrights (MAILSTREAM *, char *);
long imap_setacl (MAILSTREAM *, char *, char *, char *);
long imap_setannotation (MAILSTREAM *, ANNOTATION *);
long imap_setquota (MAILSTREAM *, char *, STRINGLIST *);
/* END GENERATED prototypes */

#endif /* CCLIENT_IMAP4R1_H_INCLUDED */
