/*
 * mail.h -- the core c-client interface: mailbox streams, the message
 * cache, envelopes and body structures, drivers and authenticators,
 * search/sort/thread programs, callback types and the mail_* API.
 *
 * Part of the memory-safe c-client replacement.  Record layouts, constant
 * values, macro meanings and prototypes follow the UW IMAP 2007f interface
 * (as shipped by Debian) so that programs compiled against either set of
 * headers are interchangeable.  Constants, prototypes and data declarations
 * between BEGIN/END GENERATED markers come from the ABI tables via
 * tools/gen-headers/gen-headers.py; the rest is written by hand.
 */

#ifndef CCLIENT_MAIL_H_INCLUDED
#define CCLIENT_MAIL_H_INCLUDED

/* Version string handed to mail_versioncheck() by linkage.c. */
#define CCLIENTVERSION "2007f"

/* Host names used for addresses lacking or garbling their domain. */
#define BADHOST ".MISSING-HOST-NAME."
#define ERRHOST ".SYNTAX-ERROR."

/* Pointer-typed "true", for parameters that take void *. */
#define VOIDT (void *) ""

/* Integer constants: limits, mail_parameters() codes, option bits, ... */
/* BEGIN GENERATED constants */
#define AU_AUTHUSER ((long) 2)
#define AU_DISABLE ((long) 0x20000000)
#define AU_HIDE ((long) 0x10000000)
#define AU_SECURE ((long) 1)
#define BASEYEAR 1970
#define BLOCK_DNSLOOKUP 10
#define BLOCK_FILELOCK 20
#define BLOCK_NONE 0
#define BLOCK_NONSENSITIVE 2
#define BLOCK_SENSITIVE 1
#define BLOCK_TCPCLOSE 14
#define BLOCK_TCPOPEN 11
#define BLOCK_TCPREAD 12
#define BLOCK_TCPWRITE 13
#define BYE ((long) 4)
#define CACHEINCREMENT 250
#define CH_ELT ((long) 31)
#define CH_EXPUNGE ((long) 45)
#define CH_FREE ((long) 40)
#define CH_FREESORTCACHE ((long) 43)
#define CH_INIT ((long) 10)
#define CH_MAKEELT ((long) 30)
#define CH_SIZE ((long) 11)
#define CH_SORTCACHE ((long) 35)
#define CL_EXPUNGE ((long) 1)
#define CP_DEBUG ((long) 0x20000000)
#define CP_MOVE ((long) 2)
#define CP_UID ((long) 1)
#define DISABLE_AUTHENTICATOR ((long) 4)
#define DISABLE_DEBUG ((long) 6)
#define DISABLE_DRIVER ((long) 2)
#define DR_CRLF ((long) 512)
#define DR_DIRFMT ((long) 0x20000)
#define DR_DISABLE ((long) 1)
#define DR_HALFOPEN ((long) 0x10000)
#define DR_LOCAL ((long) 2)
#define DR_LOCKING ((long) 256)
#define DR_LOWMEM ((long) 128)
#define DR_MAIL ((long) 4)
#define DR_MODSEQ ((long) 0x40000)
#define DR_NAMESPACE ((long) 64)
#define DR_NEWS ((long) 8)
#define DR_NOFAST ((long) 32)
#define DR_NOINTDATE ((long) 0x2000)
#define DR_NONEWMAIL ((long) 0x4000)
#define DR_NONEWMAILRONLY ((long) 0x8000)
#define DR_NOSTICKY ((long) 1024)
#define DR_READONLY ((long) 16)
#define DR_RECYCLE ((long) 2048)
#define DR_XPOINT ((long) 0x1000)
#define ENABLE_AUTHENTICATOR ((long) 3)
#define ENABLE_DEBUG ((long) 5)
#define ENABLE_DRIVER ((long) 1)
#define ENC7BIT 0
#define ENC8BIT 1
#define ENCBASE64 3
#define ENCBINARY 2
#define ENCMAX 10
#define ENCOTHER 5
#define ENCQUOTEDPRINTABLE 4
#define ERROR ((long) 2)
#define EX_UID ((long) 1)
#define FT_INTERNAL ((long) 8)
#define FT_NEEDBODY ((long) 256)
#define FT_NEEDENV ((long) 128)
#define FT_NOHDRS ((long) 64)
#define FT_NOLOOKAHEAD ((long) 512)
#define FT_NOT ((long) 4)
#define FT_PEEK ((long) 2)
#define FT_PREFETCHTEXT ((long) 32)
#define FT_RETURNSTRINGSTRUCT ((long) 2048)
#define FT_SEARCHLOOKAHEAD ((long) 1024)
#define FT_UID ((long) 1)
#define GC_ELT ((long) 1)
#define GC_ENV ((long) 2)
#define GC_TEXTS ((long) 4)
#define GET_ACL ((long) 432)
#define GET_ADVERTISETHEWORLD ((long) 215)
#define GET_ALLOWREVERSEDNS ((long) 312)
#define GET_ANNOTATION ((long) 576)
#define GET_ANONYMOUSHOME ((long) 522)
#define GET_APPENDUID ((long) 157)
#define GET_BLOCKENVINIT ((long) 161)
#define GET_BLOCKNOTIFY ((long) 131)
#define GET_CACHE ((long) 105)
#define GET_CHROOTSERVER ((long) 213)
#define GET_CLOSEONERROR ((long) 408)
#define GET_CLOSETIMEOUT ((long) 306)
#define GET_COPYUID ((long) 155)
#define GET_DEBUGSENSITIVE ((long) 147)
#define GET_DIRFMTTEST ((long) 570)
#define GET_DIRPROTECTION ((long) 502)
#define GET_DISABLE822TZTEXT 221
#define GET_DISABLEAUTOSHAREDNS ((long) 217)
#define GET_DISABLEFCNTLLOCK ((long) 516)
#define GET_DISABLEPLAINTEXT ((long) 211)
#define GET_DRIVER ((long) 121)
#define GET_DRIVERS ((long) 101)
#define GET_EXPUNGEATPING ((long) 123)
#define GET_EXTENSION ((long) 514)
#define GET_EXTERNALAUTHID ((long) 229)
#define GET_FETCHLOOKAHEAD ((long) 444)
#define GET_FETCHLOOKAHEADLIMIT ((long) 454)
#define GET_FREEBODYSPAREP ((long) 153)
#define GET_FREEELTSPAREP ((long) 143)
#define GET_FREEENVELOPESPAREP ((long) 141)
#define GET_FREESTREAMSPAREP ((long) 151)
#define GET_FROMWIDGET ((long) 506)
#define GET_FTPDIRPROTECTION ((long) 550)
#define GET_FTPHOME ((long) 524)
#define GET_FTPPROTECTION ((long) 538)
#define GET_GETS ((long) 103)
#define GET_HIDEDOTFILES ((long) 548)
#define GET_HOMEDIR ((long) 203)
#define GET_IDLETIMEOUT ((long) 452)
#define GET_IMAPENVELOPE ((long) 416)
#define GET_IMAPEXTRAHEADERS ((long) 430)
#define GET_IMAPPORT ((long) 404)
#define GET_IMAPREFERRAL ((long) 418)
#define GET_IMAPTRYALT ((long) 442)
#define GET_IMAPTRYSSL ((long) 442)
#define GET_INBOXPATH ((long) 568)
#define GET_KERBEROS_CP_SVR_NAME ((long) 336)
#define GET_KINIT ((long) 330)
#define GET_LIMITEDADVERTISE ((long) 223)
#define GET_LISTMAXLEVEL ((long) 520)
#define GET_LISTRIGHTS ((long) 434)
#define GET_LOCALHOST ((long) 205)
#define GET_LOCKEACCESERROR ((long) 518)
#define GET_LOCKPROTECTION ((long) 504)
#define GET_LOCKTIMEOUT ((long) 544)
#define GET_LOGOUTDATA ((long) 227)
#define GET_LOGOUTHOOK ((long) 225)
#define GET_LOOKAHEAD ((long) 402)
#define GET_MAILPROXYCOPY ((long) 117)
#define GET_MAILSUBDIR 219
#define GET_MAXLOGINTRIALS ((long) 400)
#define GET_MBXPROTECTION ((long) 500)
#define GET_MHALLOWINBOX ((long) 574)
#define GET_MHPATH ((long) 532)
#define GET_MHPROFILE ((long) 530)
#define GET_MYRIGHTS ((long) 436)
#define GET_NAMESPACE ((long) 115)
#define GET_NETFSSTATBUG ((long) 560)
#define GET_NEWSACTIVE ((long) 508)
#define GET_NEWSRC ((long) 512)
#define GET_NEWSRCCANONHOST ((long) 328)
#define GET_NEWSRCQUERY ((long) 139)
#define GET_NEWSSPOOL ((long) 510)
#define GET_NNTPHIDEPATH ((long) 448)
#define GET_NNTPPORT ((long) 414)
#define GET_NNTPRANGE ((long) 446)
#define GET_NOTIMEZONES ((long) 546)
#define GET_ONETIMEEXPUNGEATPING ((long) 534)
#define GET_OPENTIMEOUT ((long) 300)
#define GET_PARSELINE ((long) 137)
#define GET_PARSEPHRASE ((long) 125)
#define GET_POP3PORT ((long) 410)
#define GET_PREFETCH ((long) 406)
#define GET_PUBLICDIRPROTECTION ((long) 552)
#define GET_PUBLICHOME ((long) 526)
#define GET_PUBLICPROTECTION ((long) 540)
#define GET_QUOTA ((long) 438)
#define GET_QUOTAROOT ((long) 440)
#define GET_READPROGRESS ((long) 111)
#define GET_READTIMEOUT ((long) 302)
#define GET_RFC822OUTPUT ((long) 109)
#define GET_RFC822OUTPUTFULL ((long) 159)
#define GET_RSHCOMMAND ((long) 314)
#define GET_RSHPATH ((long) 316)
#define GET_RSHTIMEOUT ((long) 310)
#define GET_SASLUSESPTRNAME ((long) 558)
#define GET_SCANCONTENTS ((long) 572)
#define GET_SENDCOMMAND ((long) 450)
#define GET_SERVICENAME ((long) 119)
#define GET_SHAREDDIRPROTECTION ((long) 554)
#define GET_SHAREDHOME ((long) 528)
#define GET_SHAREDPROTECTION ((long) 542)
#define GET_SMTPPORT ((long) 428)
#define GET_SMTPVERBOSE ((long) 107)
#define GET_SNARFINTERVAL ((long) 564)
#define GET_SNARFMAILBOXNAME ((long) 562)
#define GET_SNARFPRESERVE ((long) 566)
#define GET_SORTRESULTS ((long) 133)
#define GET_SSHCOMMAND ((long) 320)
#define GET_SSHPATH ((long) 322)
#define GET_SSHTIMEOUT ((long) 318)
#define GET_SSLCAPATH ((long) 231)
#define GET_SSLCERTIFICATEQUERY ((long) 324)
#define GET_SSLCLIENTCERT ((long) 332)
#define GET_SSLCLIENTKEY ((long) 334)
#define GET_SSLDRIVER ((long) 127)
#define GET_SSLFAILURE ((long) 326)
#define GET_SSLIMAPPORT ((long) 420)
#define GET_SSLNNTPPORT ((long) 424)
#define GET_SSLPOPPORT ((long) 422)
#define GET_SSLSMTPPORT ((long) 426)
#define GET_SSLSTART ((long) 145)
#define GET_SYSINBOX ((long) 207)
#define GET_TCPDEBUG ((long) 149)
#define GET_THREADERS ((long) 113)
#define GET_THREADRESULTS ((long) 135)
#define GET_TIMEOUT ((long) 308)
#define GET_TRUSTDNS ((long) 556)
#define GET_TRYALTFIRST ((long) 129)
#define GET_TRYSSLFIRST ((long) 129)
#define GET_UIDLOOKAHEAD ((long) 412)
#define GET_USERHASNOLIFE ((long) 536)
#define GET_USERNAME ((long) 201)
#define GET_USERPROMPT ((long) 209)
#define GET_WRITETIMEOUT ((long) 304)
#define HIDE_AUTHENTICATOR ((long) 7)
#define LATT_HASCHILDREN ((long) 32)
#define LATT_HASNOCHILDREN ((long) 64)
#define LATT_MARKED ((long) 4)
#define LATT_NOINFERIORS ((long) 1)
#define LATT_NOSELECT ((long) 2)
#define LATT_REFERRAL ((long) 16)
#define LATT_UNMARKED ((long) 8)
#define LONGT ((long) 1)
#define MAILTMPLEN 1024
#define MAXAUTHENTICATORS 8
#define MAXLOGINTRIALS 3
#define MAXMESSAGES ((unsigned long) 0xf4240)
#define MAXUSERFLAG 50
#define MAXWILDCARDS 10
#define MG_COPY ((long) 2)
#define MG_UID ((long) 1)
#define NETMAXHOST 256
#define NETMAXMBX 256
#define NETMAXSRV 21
#define NETMAXUSER 65
#define NET_NOOPENTIMEOUT ((unsigned long) 0x20000000)
#define NET_NOVALIDATECERT ((unsigned long) 0x40000000)
#define NET_SILENT ((unsigned long) 0x80000000)
#define NET_TLSCLIENT ((unsigned long) 0x10000000)
#define NET_TRYSSL ((unsigned long) 0x8000000)
#define NIL 0
#define NUSERFLAGS 30
#define OP_ANONYMOUS ((long) 4)
#define OP_DEBUG ((long) 1)
#define OP_EXPUNGE ((long) 128)
#define OP_HALFOPEN ((long) 64)
#define OP_MULNEWSRC ((long) 1024)
#define OP_NOKOD ((long) 2048)
#define OP_PROTOTYPE ((long) 32)
#define OP_READONLY ((long) 2)
#define OP_RESERVED ((unsigned long) 0xff000000)
#define OP_SECURE ((long) 256)
#define OP_SHORTCACHE ((long) 8)
#define OP_SILENT ((long) 16)
#define OP_SNIFF ((long) 0x1000)
#define OP_TRYALT ((long) 512)
#define OP_TRYSSL ((long) 512)
#define PARSE ((long) 3)
#define REFAPPEND ((long) 10)
#define REFAUTH ((long) 1)
#define REFAUTHFAILED ((long) 0)
#define REFCOPY ((long) 9)
#define REFCREATE ((long) 3)
#define REFDELETE ((long) 4)
#define REFRENAME ((long) 5)
#define REFSELECT ((long) 2)
#define REFSTATUS ((long) 8)
#define REFSUBSCRIBE ((long) 6)
#define REFUNSUBSCRIBE ((long) 7)
#define SA_DEBUG ((long) 0x10000000)
#define SA_MESSAGES ((long) 1)
#define SA_MULNEWSRC ((long) 0x20000000)
#define SA_RECENT ((long) 2)
#define SA_UIDNEXT ((long) 8)
#define SA_UIDVALIDITY ((long) 16)
#define SA_UNSEEN ((long) 4)
#define SC_EXPUNGEDEFERRED ((long) 1)
#define SENDBUFLEN 0x4001
#define SET_ACL ((long) 433)
#define SET_ADVERTISETHEWORLD ((long) 216)
#define SET_ALLOWREVERSEDNS ((long) 313)
#define SET_ANNOTATION ((long) 577)
#define SET_ANONYMOUSHOME ((long) 523)
#define SET_APPENDUID ((long) 158)
#define SET_BLOCKENVINIT ((long) 162)
#define SET_BLOCKNOTIFY ((long) 132)
#define SET_CACHE ((long) 106)
#define SET_CHROOTSERVER ((long) 214)
#define SET_CLOSEONERROR ((long) 409)
#define SET_CLOSETIMEOUT ((long) 307)
#define SET_COPYUID ((long) 156)
#define SET_DEBUGSENSITIVE ((long) 148)
#define SET_DIRFMTTEST ((long) 571)
#define SET_DIRPROTECTION ((long) 503)
#define SET_DISABLE822TZTEXT 222
#define SET_DISABLEAUTOSHAREDNS ((long) 218)
#define SET_DISABLEFCNTLLOCK ((long) 517)
#define SET_DISABLEPLAINTEXT ((long) 212)
#define SET_DRIVER ((long) 122)
#define SET_DRIVERS ((long) 102)
#define SET_EXPUNGEATPING ((long) 124)
#define SET_EXTENSION ((long) 515)
#define SET_EXTERNALAUTHID ((long) 230)
#define SET_FETCHLOOKAHEAD ((long) 445)
#define SET_FETCHLOOKAHEADLIMIT ((long) 455)
#define SET_FREEBODYSPAREP ((long) 154)
#define SET_FREEELTSPAREP ((long) 144)
#define SET_FREEENVELOPESPAREP ((long) 142)
#define SET_FREESTREAMSPAREP ((long) 152)
#define SET_FROMWIDGET ((long) 507)
#define SET_FTPDIRPROTECTION ((long) 551)
#define SET_FTPHOME ((long) 525)
#define SET_FTPPROTECTION ((long) 539)
#define SET_GETS ((long) 104)
#define SET_HIDEDOTFILES ((long) 549)
#define SET_HOMEDIR ((long) 204)
#define SET_IDLETIMEOUT ((long) 453)
#define SET_IMAPENVELOPE ((long) 417)
#define SET_IMAPEXTRAHEADERS ((long) 431)
#define SET_IMAPPORT ((long) 405)
#define SET_IMAPREFERRAL ((long) 419)
#define SET_IMAPTRYALT ((long) 443)
#define SET_IMAPTRYSSL ((long) 443)
#define SET_INBOXPATH ((long) 569)
#define SET_KERBEROS_CP_SVR_NAME ((long) 337)
#define SET_KINIT ((long) 331)
#define SET_LIMITEDADVERTISE ((long) 224)
#define SET_LISTMAXLEVEL ((long) 521)
#define SET_LISTRIGHTS ((long) 435)
#define SET_LOCALHOST ((long) 206)
#define SET_LOCKEACCESERROR ((long) 519)
#define SET_LOCKPROTECTION ((long) 505)
#define SET_LOCKTIMEOUT ((long) 545)
#define SET_LOGOUTDATA ((long) 228)
#define SET_LOGOUTHOOK ((long) 226)
#define SET_LOOKAHEAD ((long) 403)
#define SET_MAILPROXYCOPY ((long) 118)
#define SET_MAILSUBDIR 220
#define SET_MAXLOGINTRIALS ((long) 401)
#define SET_MBXPROTECTION ((long) 501)
#define SET_MHALLOWINBOX ((long) 575)
#define SET_MHPATH ((long) 533)
#define SET_MHPROFILE ((long) 531)
#define SET_MYRIGHTS ((long) 437)
#define SET_NAMESPACE ((long) 116)
#define SET_NETFSSTATBUG ((long) 561)
#define SET_NEWSACTIVE ((long) 509)
#define SET_NEWSRC ((long) 513)
#define SET_NEWSRCCANONHOST ((long) 329)
#define SET_NEWSRCQUERY ((long) 140)
#define SET_NEWSSPOOL ((long) 511)
#define SET_NNTPHIDEPATH ((long) 449)
#define SET_NNTPPORT ((long) 415)
#define SET_NNTPRANGE ((long) 447)
#define SET_NOTIMEZONES ((long) 547)
#define SET_ONETIMEEXPUNGEATPING ((long) 535)
#define SET_OPENTIMEOUT ((long) 301)
#define SET_PARSELINE ((long) 138)
#define SET_PARSEPHRASE ((long) 126)
#define SET_POP3PORT ((long) 411)
#define SET_PREFETCH ((long) 407)
#define SET_PUBLICDIRPROTECTION ((long) 553)
#define SET_PUBLICHOME ((long) 527)
#define SET_PUBLICPROTECTION ((long) 541)
#define SET_QUOTA ((long) 439)
#define SET_QUOTAROOT ((long) 441)
#define SET_READPROGRESS ((long) 112)
#define SET_READTIMEOUT ((long) 303)
#define SET_RFC822OUTPUT ((long) 110)
#define SET_RFC822OUTPUTFULL ((long) 160)
#define SET_RSHCOMMAND ((long) 315)
#define SET_RSHPATH ((long) 317)
#define SET_RSHTIMEOUT ((long) 311)
#define SET_SASLUSESPTRNAME ((long) 559)
#define SET_SCANCONTENTS ((long) 573)
#define SET_SENDCOMMAND ((long) 451)
#define SET_SERVICENAME ((long) 120)
#define SET_SHAREDDIRPROTECTION ((long) 555)
#define SET_SHAREDHOME ((long) 529)
#define SET_SHAREDPROTECTION ((long) 543)
#define SET_SMTPPORT ((long) 429)
#define SET_SMTPVERBOSE ((long) 108)
#define SET_SNARFINTERVAL ((long) 565)
#define SET_SNARFMAILBOXNAME ((long) 563)
#define SET_SNARFPRESERVE ((long) 567)
#define SET_SORTRESULTS ((long) 134)
#define SET_SSHCOMMAND ((long) 321)
#define SET_SSHPATH ((long) 323)
#define SET_SSHTIMEOUT ((long) 319)
#define SET_SSLCAPATH ((long) 232)
#define SET_SSLCERTIFICATEQUERY ((long) 325)
#define SET_SSLCLIENTCERT ((long) 333)
#define SET_SSLCLIENTKEY ((long) 335)
#define SET_SSLDRIVER ((long) 128)
#define SET_SSLFAILURE ((long) 327)
#define SET_SSLIMAPPORT ((long) 421)
#define SET_SSLNNTPPORT ((long) 425)
#define SET_SSLPOPPORT ((long) 423)
#define SET_SSLSMTPPORT ((long) 427)
#define SET_SSLSTART ((long) 146)
#define SET_SYSINBOX ((long) 208)
#define SET_TCPDEBUG ((long) 150)
#define SET_THREADERS ((long) 114)
#define SET_THREADRESULTS ((long) 136)
#define SET_TIMEOUT ((long) 309)
#define SET_TRUSTDNS ((long) 557)
#define SET_TRYALTFIRST ((long) 130)
#define SET_TRYSSLFIRST ((long) 130)
#define SET_UIDLOOKAHEAD ((long) 413)
#define SET_USERHASNOLIFE ((long) 537)
#define SET_USERNAME ((long) 202)
#define SET_USERPROMPT ((long) 210)
#define SET_WRITETIMEOUT ((long) 305)
#define SE_FREE ((long) 2)
#define SE_NEEDBODY ((long) 128)
#define SE_NOHDRS ((long) 256)
#define SE_NOLOCAL ((long) 512)
#define SE_NOPREFETCH ((long) 4)
#define SE_NOSERVER ((long) 16)
#define SE_RETAIN ((long) 32)
#define SE_SILLYOK ((long) 1024)
#define SE_UID ((long) 1)
#define SORTARRIVAL 1
#define SORTCC 5
#define SORTDATE 0
#define SORTFROM 2
#define SORTSIZE 6
#define SORTSUBJECT 3
#define SORTTO 4
#define SO_FREE ((long) 8)
#define SO_NOSERVER ((long) 16)
#define SO_OVERVIEW ((long) 64)
#define ST_SET ((long) 4)
#define ST_SILENT ((long) 2)
#define ST_UID ((long) 1)
#define T 1
#define TCPDEBUG ((long) 5)
#define TYPEAPPLICATION 3
#define TYPEAUDIO 4
#define TYPEIMAGE 5
#define TYPEMAX 15
#define TYPEMESSAGE 2
#define TYPEMODEL 7
#define TYPEMULTIPART 1
#define TYPEOTHER 8
#define TYPETEXT 0
#define TYPEVIDEO 6
#define UNHIDE_AUTHENTICATOR ((long) 8)
#define WARN ((long) 1)
#define fANSWERED 8
#define fDELETED 2
#define fDRAFT 32
#define fEXPUNGED 0x8000
#define fFLAGGED 4
#define fOLD 16
#define fSEEN 1
/* END GENERATED constants */

/* mail_parameters codes of this library's own IMAP extensions (the
 * original has no such codes and answers NIL to them); see docs/imap.md.
 * SET_IMAPID: the ID (RFC 2971) to send after login, as "field=value"
 * lines (NIL: none, the default; "": ID NIL).  GET_IMAPSERVERID with the
 * stream: the server's ID answer in the same form, NIL when none came.
 * SET_IMAPUTF8: ENABLE UTF8=ACCEPT (RFC 6855) after login on servers that
 * offer it (as the "/utf8" mailbox-name flag does for one name).
 * SET_IMAPMOVE: CP_MOVE (mail_move) sends MOVE (RFC 6851) on servers that
 * list it, instead of COPY and STORE +FLAGS (\Deleted); the moved messages
 * are then expunged at once (mm_expunged). */
#define GET_IMAPID ((long) 456)
#define SET_IMAPID ((long) 457)
#define GET_IMAPSERVERID ((long) 458)
#define GET_IMAPUTF8 ((long) 460)
#define SET_IMAPUTF8 ((long) 461)
#define GET_IMAPMOVE ((long) 462)
#define SET_IMAPMOVE ((long) 463)

/* ---- Sized text and string lists --------------------------------- */

#define SIZEDTEXT struct mail_sizedtext
SIZEDTEXT {
  unsigned char *data;		/* octets, not necessarily NUL-terminated */
  unsigned long size;		/* number of octets */
};

#define STRINGLIST struct string_list
STRINGLIST {
  SIZEDTEXT text;
  STRINGLIST *next;
};

/* ---- Parsed network mailbox name ({host/flags}mailbox) -------------- */

typedef struct net_mailbox {
  char host[NETMAXHOST];	/* possibly canonicalised host */
  char orighost[NETMAXHOST];	/* host as written */
  char user[NETMAXUSER];	/* /user= */
  char authuser[NETMAXUSER];	/* /authuser= */
  char mailbox[NETMAXMBX];	/* name after the closing brace */
  char service[NETMAXSRV];	/* /service= or the driver's default */
  unsigned long port;		/* :port, 0 for the default */
  unsigned int anoflag : 1;	/* /anonymous */
  unsigned int dbgflag : 1;	/* /debug */
  unsigned int secflag : 1;	/* /secure */
  unsigned int sslflag : 1;	/* /ssl */
  unsigned int trysslflag : 1;	/* /tryssl */
  unsigned int novalidate : 1;	/* /novalidate-cert */
  unsigned int tlsflag : 1;	/* /tls */
  unsigned int notlsflag : 1;	/* /notls */
  unsigned int readonlyflag : 1;/* /readonly */
  unsigned int norsh : 1;	/* /norsh */
  unsigned int loser : 1;	/* /loser */
  unsigned int tlssslv23 : 1;	/* /tls-sslv23 (Debian addition) */
} NETMBX;

/* ---- Addresses and envelopes -------------------------------------- */

#define ADDRESS struct mail_address
ADDRESS {
  char *personal;		/* display name */
  char *adl;			/* source route */
  char *mailbox;		/* local part (group name for group start) */
  char *host;			/* domain (NIL marks a group) */
  char *error;			/* SMTP error text for this recipient */
  struct {			/* DSN original recipient */
    char *type;
    char *addr;
  } orcpt;
  ADDRESS *next;
};

typedef struct mail_envelope {
  unsigned int incomplete : 1;	/* only some fields are filled in */
  unsigned int imapenvonly : 1;	/* filled from an IMAP ENVELOPE only */
  char *remail;
  ADDRESS *return_path;
  unsigned char *date;
  ADDRESS *from;
  ADDRESS *sender;
  ADDRESS *reply_to;
  char *subject;
  ADDRESS *to;
  ADDRESS *cc;
  ADDRESS *bcc;
  char *in_reply_to;
  char *message_id;
  char *newsgroups;
  char *followup_to;
  char *references;
  void *sparep;			/* owned by the application */
} ENVELOPE;

/* ---- Body structure ---------------------------------------------- */

#define BODY struct mail_bodystruct
#define MESSAGE struct mail_body_message
#define PARAMETER struct mail_body_parameter
#define PART struct mail_body_part
#define PARTTEXT struct mail_body_text

PARTTEXT {
  unsigned long offset;		/* where the text starts in the message */
  SIZEDTEXT text;
};

BODY {
  unsigned short type;		/* TYPE* code */
  unsigned short encoding;	/* ENC* code */
  char *subtype;
  PARAMETER *parameter;
  char *id;
  char *description;
  struct {
    char *type;
    PARAMETER *parameter;
  } disposition;
  STRINGLIST *language;
  char *location;
  PARTTEXT mime;		/* the part's MIME header */
  PARTTEXT contents;		/* the part's contents */
  union {
    PART *part;			/* TYPEMULTIPART: list of parts */
    MESSAGE *msg;		/* message/rfc822: the enclosed message */
  } nested;
  struct {
    unsigned long lines;
    unsigned long bytes;
  } size;
  char *md5;
  void *sparep;			/* owned by the application */
};

PARAMETER {
  char *attribute;
  char *value;
  PARAMETER *next;
};

PART {
  BODY body;
  PART *next;
};

MESSAGE {
  ENVELOPE *env;
  BODY *body;
  PARTTEXT full;
  STRINGLIST *lines;
  PARTTEXT header;
  PARTTEXT text;
};

/* ---- Per-message cache entry (mail_elt) ---------------------------- */

typedef struct message_cache {
  unsigned long msgno;
  unsigned int lockcount : 8;	/* extra references held */
  unsigned long rfc822_size;
  struct {			/* library-private part */
    unsigned long uid;
    unsigned long mod;		/* modification sequence */
    PARTTEXT special;
    MESSAGE msg;
    union {			/* for the driver */
      unsigned long data;
      void *ptr;
    } spare;
    unsigned int sequence : 1;
    unsigned int dirty : 1;
    unsigned int filter : 1;
    unsigned int ghost : 1;
  } private;
  /* internal date, broken down */
  unsigned int day : 5;
  unsigned int month : 4;
  unsigned int year : 7;	/* years since BASEYEAR */
  unsigned int hours : 5;
  unsigned int minutes : 6;
  unsigned int seconds : 6;
  unsigned int zoccident : 1;	/* zone is west of UTC */
  unsigned int zhours : 4;
  unsigned int zminutes : 6;
  /* system flags */
  unsigned int seen : 1;
  unsigned int deleted : 1;
  unsigned int flagged : 1;
  unsigned int answered : 1;
  unsigned int draft : 1;
  unsigned int recent : 1;
  /* status */
  unsigned int valid : 1;	/* flags are known */
  unsigned int searched : 1;	/* matched the last search */
  unsigned int sequence : 1;	/* in the last parsed sequence */
  /* free for the application */
  unsigned int spare : 1;
  unsigned int spare2 : 1;
  unsigned int spare3 : 1;
  unsigned int spare4 : 1;
  unsigned int spare5 : 1;
  unsigned int spare6 : 1;
  unsigned int spare7 : 1;
  unsigned int spare8 : 1;
  void *sparep;
  unsigned long user_flags;	/* keyword bits, see stream->user_flags */
} MESSAGECACHE;

/* ---- Stringstructs: a readable source of octets -------------------- */

#define STRINGDRIVER struct string_driver

typedef struct mailstring {
  void *data;			/* for the string driver */
  unsigned long data1;		/* for the string driver */
  unsigned long size;		/* total octets */
  char *chunk;			/* current buffer */
  unsigned long chunksize;
  unsigned long offset;		/* position of chunk within the string */
  char *curpos;			/* next octet */
  unsigned long cursize;	/* octets left in chunk */
  STRINGDRIVER *dtb;
} STRING;

STRINGDRIVER {
  void (*init) (STRING *s,void *data,unsigned long size);
  char (*next) (STRING *s);
  void (*setpos) (STRING *s,unsigned long i);
};

/* Bind s to driver d and data; octets left; peek; get next; position. */
#define INIT(s,d,data,size) ((*((s)->dtb = &d)->init) (s,data,size))
#define SIZE(s) ((s)->size - GETPOS (s))
#define CHR(s) (*(s)->curpos)
#define SNX(s) (--(s)->cursize ? *(s)->curpos++ : (*(s)->dtb->next) (s))
#define GETPOS(s) ((s)->offset + ((s)->curpos - (s)->chunk))
#define SETPOS(s,i) (*(s)->dtb->setpos) (s,i)

/* ---- Search programs ---------------------------------------------- */

#define SEARCHPGM struct search_program
#define SEARCHHEADER struct search_header
#define SEARCHSET struct search_set
#define SEARCHOR struct search_or
#define SEARCHPGMLIST struct search_pgm_list

SEARCHHEADER {
  SIZEDTEXT line;		/* field name */
  SIZEDTEXT text;		/* wanted substring */
  SEARCHHEADER *next;
};

SEARCHSET {
  unsigned long first;
  unsigned long last;		/* 0 if not a range */
  SEARCHSET *next;
};

SEARCHOR {
  SEARCHPGM *first;
  SEARCHPGM *second;
  SEARCHOR *next;
};

SEARCHPGMLIST {
  SEARCHPGM *pgm;
  SEARCHPGMLIST *next;
};

SEARCHPGM {
  SEARCHSET *msgno;
  SEARCHSET *uid;
  SEARCHOR *or;
  SEARCHPGMLIST *not;
  SEARCHHEADER *header;
  STRINGLIST *bcc;
  STRINGLIST *body;
  STRINGLIST *cc;
  STRINGLIST *from;
  STRINGLIST *keyword;
  STRINGLIST *unkeyword;
  STRINGLIST *subject;
  STRINGLIST *text;
  STRINGLIST *to;
  unsigned long larger;
  unsigned long smaller;
  unsigned long older;		/* seconds */
  unsigned long younger;	/* seconds */
  /* dates as produced by mail_shortdate() */
  unsigned short sentbefore;
  unsigned short senton;
  unsigned short sentsince;
  unsigned short before;
  unsigned short on;
  unsigned short since;
  unsigned int answered : 1;
  unsigned int unanswered : 1;
  unsigned int deleted : 1;
  unsigned int undeleted : 1;
  unsigned int draft : 1;
  unsigned int undraft : 1;
  unsigned int flagged : 1;
  unsigned int unflagged : 1;
  unsigned int recent : 1;
  unsigned int old : 1;
  unsigned int seen : 1;
  unsigned int unseen : 1;
  /* criteria with no IMAP search key of their own */
  STRINGLIST *return_path;
  STRINGLIST *sender;
  STRINGLIST *reply_to;
  STRINGLIST *in_reply_to;
  STRINGLIST *message_id;
  STRINGLIST *newsgroups;
  STRINGLIST *followup_to;
  STRINGLIST *references;
};

typedef struct mbx_status {
  long flags;			/* SA_* bits that are valid */
  unsigned long messages;
  unsigned long recent;
  unsigned long unseen;
  unsigned long uidnext;
  unsigned long uidvalidity;
} MAILSTATUS;

/* ---- Sort programs and the sort cache ------------------------------ */

typedef void (*postsort_t) (void *sc);

#define SORTPGM struct sort_program
SORTPGM {
  unsigned int reverse : 1;
  unsigned int abort : 1;
  short function;		/* SORT* code */
  unsigned long nmsgs;
  struct {
    unsigned long cached;
    unsigned long sorted;
    unsigned long postsorted;
  } progress;
  postsort_t postsort;
  SORTPGM *next;		/* tie breaker */
};

#define SORTCACHE struct sort_cache
SORTCACHE {
  unsigned int sorted : 1;
  unsigned int postsorted : 1;
  unsigned int refwd : 1;	/* subject had Re:/Fwd: */
  unsigned int dirty : 1;
  SORTPGM *pgm;
  unsigned long num;
  unsigned long date;
  unsigned long arrival;
  unsigned long size;
  char *from;
  char *to;
  char *cc;
  char *subject;		/* base subject */
  char *message_id;
  char *unique;
  STRINGLIST *references;
};

/* ---- ACL, annotation and quota replies ---------------------------- */

#define ACLLIST struct acl_list
ACLLIST {
  char *identifier;
  char *rights;
  ACLLIST *next;
};

#define ANNOTATION_VALUES struct annotation_value_list
ANNOTATION_VALUES {
  char *attr;
  char *value;
  ANNOTATION_VALUES *next;
};

#define ANNOTATION struct annotation
ANNOTATION {
  char *mbox;
  char *entry;
  ANNOTATION_VALUES *values;
};

#define QUOTALIST struct quota_list
QUOTALIST {
  char *name;
  unsigned long usage;
  unsigned long limit;
  QUOTALIST *next;
};

/* ---- The mailbox stream ------------------------------------------- */

#define DRIVER struct driver

typedef struct mail_stream {
  DRIVER *dtb;			/* driver serving this stream */
  void *local;			/* driver's private state */
  char *mailbox;		/* canonical name */
  char *original_mailbox;	/* name as given to mail_open */
  unsigned short use;
  unsigned short sequence;	/* bumped on reuse, see MAILHANDLE */
  unsigned int inbox : 1;
  unsigned int lock : 1;
  unsigned int debug : 1;
  unsigned int silent : 1;	/* no events to the application */
  unsigned int rdonly : 1;
  unsigned int anonymous : 1;
  unsigned int scache : 1;	/* short caching */
  unsigned int halfopen : 1;
  unsigned int secure : 1;
  unsigned int tryssl : 1;
  unsigned int mulnewsrc : 1;
  unsigned int perm_seen : 1;
  unsigned int perm_deleted : 1;
  unsigned int perm_flagged : 1;
  unsigned int perm_answered : 1;
  unsigned int perm_draft : 1;
  unsigned int kwd_create : 1;
  unsigned int uid_nosticky : 1;
  unsigned int unhealthy : 1;
  unsigned int nokod : 1;
  unsigned int sniff : 1;
  unsigned long perm_user_flags;
  unsigned long gensym;		/* protocol tag counter */
  unsigned long nmsgs;
  unsigned long recent;
  unsigned long uid_validity;
  unsigned long uid_last;
  char *user_flags[NUSERFLAGS];	/* keyword names by bit */
  unsigned long cachesize;
  MESSAGECACHE **cache;
  SORTCACHE **sc;
  unsigned long msgno;		/* message the scratch fields refer to */
  ENVELOPE *env;
  BODY *body;
  SIZEDTEXT text;
  struct {			/* mail snarfing into this stream */
    char *name;
    unsigned long time;
    long options;
  } snarf;
  struct {			/* library-private */
    struct {
      STRINGLIST *string;
      long result;
      char *text;
    } search;
    STRING string;
  } private;
  /* free for the application */
  void *sparep;
  unsigned int spare : 1;
  unsigned int spare2 : 1;
  unsigned int spare3 : 1;
  unsigned int spare4 : 1;
  unsigned int spare5 : 1;
  unsigned int spare6 : 1;
  unsigned int spare7 : 1;
  unsigned int spare8 : 1;
} MAILSTREAM;

typedef struct mail_stream_handle {
  MAILSTREAM *stream;
  unsigned short sequence;	/* stream->sequence when the handle was made */
} MAILHANDLE;

typedef struct mail_overview {
  char *subject;
  ADDRESS *from;
  char *date;
  char *message_id;
  char *references;
  struct {			/* 0 / NIL when unknown */
    unsigned long octets;
    unsigned long lines;
    char *xref;
  } optional;
} OVERVIEW;

/* ---- Network transport -------------------------------------------- */

#define NETDRIVER struct net_driver

typedef struct net_stream {
  void *stream;			/* the transport's own stream */
  NETDRIVER *dtb;
} NETSTREAM;

NETDRIVER {
  void *(*open) (char *host,char *service,unsigned long port);
  void *(*aopen) (NETMBX *mb,char *service,char *usrbuf);
  char *(*getline) (void *stream);
  long (*getbuffer) (void *stream,unsigned long size,char *buffer);
  long (*soutr) (void *stream,char *string);
  long (*sout) (void *stream,char *string,unsigned long size);
  void (*close) (void *stream);
  char *(*host) (void *stream);
  char *(*remotehost) (void *stream);
  unsigned long (*port) (void *stream);
  char *(*localhost) (void *stream);
};

/* What a mailgets_t callback is reading. */
typedef struct getsdata {
  MAILSTREAM *stream;
  unsigned long msgno;
  char *what;
  STRINGLIST *stl;
  unsigned long first;
  unsigned long last;
  long flags;
} GETS_DATA;

/* Fill a GETS_DATA (expands to a statement, semicolon included). */
#define INIT_GETS(md,s,m,w,f,l) \
  md.stream = s, md.msgno = m, md.what = w, md.first = f, md.last = l, \
  md.stl = NIL, md.flags = NIL;

/* ---- SMTP / NNTP posting stream ------------------------------------ */

typedef struct send_stream {
  NETSTREAM *netstream;
  char *host;
  char *reply;			/* last server reply line */
  long replycode;
  unsigned int debug : 1;
  unsigned int sensitive : 1;	/* keep the protocol trace quiet */
  unsigned int loser : 1;
  unsigned int saslcancel : 1;
  union {
    struct {			/* SMTP */
      unsigned int ok : 1;	/* EHLO accepted */
      struct {
	unsigned int send : 1;
	unsigned int soml : 1;
	unsigned int saml : 1;
	unsigned int expn : 1;
	unsigned int help : 1;
	unsigned int turn : 1;
	unsigned int etrn : 1;
	unsigned int starttls : 1;
	unsigned int relay : 1;
	unsigned int pipe : 1;
	unsigned int ensc : 1;
	unsigned int bmime : 1;
	unsigned int chunk : 1;
      } service;
      struct {
	unsigned int ok : 1;
	unsigned int want : 1;
      } eightbit;
      struct {
	unsigned int ok : 1;
	unsigned int want : 1;
	struct {
	  unsigned int failure : 1;
	  unsigned int delay : 1;
	  unsigned int success : 1;
	} notify;
	unsigned int full : 1;
	char *envid;
      } dsn;
      struct {
	unsigned int ok : 1;
	unsigned long limit;
      } size;
      struct {
	unsigned int ok : 1;
	unsigned long minby;
      } deliverby;
      struct {
	unsigned int ok : 1;
	char *domains;
      } atrn;
      unsigned int auth : MAXAUTHENTICATORS;	/* one bit per authenticator */
    } esmtp;
    struct {			/* NNTP */
      unsigned int post : 1;
      struct {
	unsigned int ok : 1;
	unsigned int listgroup : 1;
	unsigned int over : 1;
	unsigned int hdr : 1;
	unsigned int pat : 1;
	unsigned int starttls : 1;
	unsigned int multidomain : 1;
	unsigned int authuser : 1;
	unsigned int sasl : MAXAUTHENTICATORS;
      } ext;
    } nntp;
  } protocol;
} SENDSTREAM;

/* ---- Callback and hook types (mostly for mail_parameters) ---------- */

typedef long (*readfn_t) (void *stream,unsigned long size,char *buffer);
typedef char *(*mailgets_t) (readfn_t f,void *stream,unsigned long size,
			     GETS_DATA *md);
typedef char *(*readprogress_t) (GETS_DATA *md,unsigned long octets);
typedef void *(*mailcache_t) (MAILSTREAM *stream,unsigned long msgno,long op);
typedef long (*mailproxycopy_t) (MAILSTREAM *stream,char *sequence,
				 char *mailbox,long options);
typedef long (*tcptimeout_t) (long overall,long last);
typedef void *(*authchallenge_t) (void *stream,unsigned long *len);
typedef long (*authrespond_t) (void *stream,char *s,unsigned long size);
typedef long (*authcheck_t) (void);
typedef long (*authclient_t) (authchallenge_t challenger,
			      authrespond_t responder,char *service,
			      NETMBX *mb,void *s,unsigned long *trial,
			      char *user);
typedef char *(*authresponse_t) (void *challenge,unsigned long clen,
				 unsigned long *rlen);
typedef char *(*authserver_t) (authresponse_t responder,int argc,
			       char *argv[]);
typedef void (*smtpverbose_t) (char *buffer);
typedef void (*imapenvelope_t) (MAILSTREAM *stream,unsigned long msgno,
				ENVELOPE *env);
typedef char *(*imapreferral_t) (MAILSTREAM *stream,char *url,long code);
typedef void (*overview_t) (MAILSTREAM *stream,unsigned long uid,
			    OVERVIEW *ov,unsigned long msgno);
typedef unsigned long *(*sorter_t) (MAILSTREAM *stream,char *charset,
				    SEARCHPGM *spg,SORTPGM *pgm,long flags);
typedef void (*parseline_t) (ENVELOPE *env,char *hdr,char *data,char *host);
typedef ADDRESS *(*parsephrase_t) (char *phrase,char *end,char *host);
typedef void *(*blocknotify_t) (int reason,void *data);
typedef long (*kinit_t) (char *host,char *reason);
typedef void (*sendcommand_t) (MAILSTREAM *stream,char *cmd,long flags);
typedef char *(*newsrcquery_t) (MAILSTREAM *stream,char *mulname,char *name);
typedef void (*getacl_t) (MAILSTREAM *stream,char *mailbox,ACLLIST *acl);
typedef void (*listrights_t) (MAILSTREAM *stream,char *mailbox,char *id,
			      char *alwaysrights,STRINGLIST *possiblerights);
typedef void (*myrights_t) (MAILSTREAM *stream,char *mailbox,char *rights);
typedef void (*quota_t) (MAILSTREAM *stream,char *qroot,QUOTALIST *qlist);
typedef void (*quotaroot_t) (MAILSTREAM *stream,char *mbx,STRINGLIST *qroot);
typedef void (*sortresults_t) (MAILSTREAM *stream,unsigned long *list,
			       unsigned long size);
typedef char *(*userprompt_t) (void);
typedef long (*append_t) (MAILSTREAM *stream,void *data,char **flags,
			  char **date,STRING **message);
typedef void (*copyuid_t) (MAILSTREAM *stream,char *mailbox,
			   unsigned long uidvalidity,SEARCHSET *sourceset,
			   SEARCHSET *destset);
typedef void (*appenduid_t) (char *mailbox,unsigned long uidvalidity,
			     SEARCHSET *set);
typedef long (*dirfmttest_t) (char *name);
typedef long (*scancontents_t) (char *name,char *contents,unsigned long csiz,
				unsigned long fsiz);
typedef void (*freeeltsparep_t) (void **sparep);
typedef void (*freeenvelopesparep_t) (void **sparep);
typedef void (*freebodysparep_t) (void **sparep);
typedef void (*freestreamsparep_t) (void **sparep);
typedef void *(*sslstart_t) (void *stream,char *host,unsigned long flags);
typedef long (*sslcertificatequery_t) (char *reason,char *host,char *cert);
typedef void (*sslfailure_t) (char *host,char *reason,unsigned long flags);
typedef void (*logouthook_t) (void *data);
typedef char *(*sslclientcert_t) (void);
typedef char *(*sslclientkey_t) (void);
typedef void (*getannotation_t) (MAILSTREAM *stream,ANNOTATION *annot);

/* ---- Threading ------------------------------------------------------ */

#define THREADNODE struct thread_node
THREADNODE {
  unsigned long num;		/* message number or UID */
  SORTCACHE *sc;
  THREADNODE *branch;		/* first child */
  THREADNODE *next;		/* next sibling */
};

typedef void (*threadresults_t) (MAILSTREAM *stream,THREADNODE *tree);

#define THREADER struct threader_list
THREADER {
  char *name;			/* e.g. "REFERENCES" */
  THREADNODE *(*dispatch) (MAILSTREAM *stream,char *charset,SEARCHPGM *spg,
			   long flags,sorter_t sorter);
  THREADER *next;
};

typedef void **container_t;

/* ---- Namespaces ---------------------------------------------------- */

#define NAMESPACE struct mail_namespace
NAMESPACE {
  char *name;			/* prefix */
  int delimiter;		/* hierarchy delimiter, NUL if none */
  PARAMETER *param;
  NAMESPACE *next;
};

/* ---- SASL authenticators ------------------------------------------- */

#define AUTHENTICATOR struct mail_authenticator
AUTHENTICATOR {
  long flags;			/* AU_* bits */
  char *name;			/* SASL mechanism name */
  authcheck_t valid;		/* usable on this system? */
  authclient_t client;
  authserver_t server;
  AUTHENTICATOR *next;
};

/* ---- Mailbox drivers ----------------------------------------------- */

DRIVER {
  char *name;
  unsigned long flags;		/* DR_* bits */
  DRIVER *next;
  DRIVER *(*valid) (char *mailbox);
  void *(*parameters) (long function,void *value);
  void (*scan) (MAILSTREAM *stream,char *ref,char *pat,char *contents);
  void (*list) (MAILSTREAM *stream,char *ref,char *pat);
  void (*lsub) (MAILSTREAM *stream,char *ref,char *pat);
  long (*subscribe) (MAILSTREAM *stream,char *mailbox);
  long (*unsubscribe) (MAILSTREAM *stream,char *mailbox);
  long (*create) (MAILSTREAM *stream,char *mailbox);
  long (*mbxdel) (MAILSTREAM *stream,char *mailbox);
  long (*mbxren) (MAILSTREAM *stream,char *old,char *newname);
  long (*status) (MAILSTREAM *stream,char *mbx,long flags);
  MAILSTREAM *(*open) (MAILSTREAM *stream);
  void (*close) (MAILSTREAM *stream,long options);
  void (*fast) (MAILSTREAM *stream,char *sequence,long flags);
  void (*msgflags) (MAILSTREAM *stream,char *sequence,long flags);
  long (*overview) (MAILSTREAM *stream,overview_t ofn);
  ENVELOPE *(*structure) (MAILSTREAM *stream,unsigned long msgno,BODY **body,
			  long flags);
  char *(*header) (MAILSTREAM *stream,unsigned long msgno,
		   unsigned long *length,long flags);
  long (*text) (MAILSTREAM *stream,unsigned long msgno,STRING *bs,long flags);
  long (*msgdata) (MAILSTREAM *stream,unsigned long msgno,char *section,
		   unsigned long first,unsigned long last,STRINGLIST *lines,
		   long flags);
  unsigned long (*uid) (MAILSTREAM *stream,unsigned long msgno);
  unsigned long (*msgno) (MAILSTREAM *stream,unsigned long uid);
  void (*flag) (MAILSTREAM *stream,char *sequence,char *flag,long flags);
  void (*flagmsg) (MAILSTREAM *stream,MESSAGECACHE *elt);
  long (*search) (MAILSTREAM *stream,char *charset,SEARCHPGM *pgm,long flags);
  unsigned long *(*sort) (MAILSTREAM *stream,char *charset,SEARCHPGM *spg,
			  SORTPGM *pgm,long flags);
  THREADNODE *(*thread) (MAILSTREAM *stream,char *type,char *charset,
			 SEARCHPGM *spg,long flag);
  long (*ping) (MAILSTREAM *stream);
  void (*check) (MAILSTREAM *stream);
  long (*expunge) (MAILSTREAM *stream,char *sequence,long options);
  long (*copy) (MAILSTREAM *stream,char *sequence,char *mailbox,long options);
  long (*append) (MAILSTREAM *stream,char *mailbox,append_t af,void *data);
  void (*gc) (MAILSTREAM *stream,long gcflags);
};

/* The drivers and authenticators this build links in. */
#include "linkage.h"

/* Old member name kept for source compatibility. */
#define altflag sslflag

/* ---- Shorthand forms of the mail_* calls --------------------------- */

#define mail_close(stream) mail_close_full (stream,NIL)
#define mail_fetchfast(stream,sequence) mail_fetch_fast (stream,sequence,NIL)
#define mail_fetchfast_full mail_fetch_fast
#define mail_fetchflags(stream,sequence) \
  mail_fetch_flags (stream,sequence,NIL)
#define mail_fetchflags_full mail_fetch_flags
#define mail_fetchenvelope(stream,msgno) \
  mail_fetch_structure (stream,msgno,NIL,NIL)
#define mail_fetchstructure(stream,msgno,body) \
  mail_fetch_structure (stream,msgno,body,NIL)
#define mail_fetchstructure_full mail_fetch_structure
#define mail_fetchheader(stream,msgno) \
  mail_fetch_header (stream,msgno,NIL,NIL,NIL,FT_PEEK)
#define mail_fetchheader_full(stream,msgno,lines,len,flags) \
  mail_fetch_header (stream,msgno,NIL,lines,len,FT_PEEK | (flags))
#define mail_fetchtext(stream,msgno) \
  mail_fetch_text (stream,msgno,NIL,NIL,NIL)
#define mail_fetchtext_full(stream,msgno,length,flags) \
  mail_fetch_text (stream,msgno,NIL,length,flags)
#define mail_fetchbody(stream,msgno,section,length) \
  mail_fetch_body (stream,msgno,section,length,NIL)
#define mail_fetchbody_full mail_fetch_body
#define mail_setflag(stream,sequence,flag) \
  mail_flag (stream,sequence,flag,ST_SET)
#define mail_setflag_full(stream,sequence,flag,flags) \
  mail_flag (stream,sequence,flag,ST_SET | (flags))
#define mail_clearflag(stream,sequence,flag) \
  mail_flag (stream,sequence,flag,NIL)
#define mail_clearflag_full mail_flag
/* Note: this one carries its own trailing semicolon, as it always has. */
#define mail_search(stream,criteria) \
  mail_search_full (stream,NIL,mail_criteria (criteria),SE_FREE);
#define mail_expunge(stream) mail_expunge_full (stream,NIL,NIL)
#define mail_copy(stream,sequence,mailbox) \
  mail_copy_full (stream,sequence,mailbox,NIL)
#define mail_move(stream,sequence,mailbox) \
  mail_copy_full (stream,sequence,mailbox,CP_MOVE)
#define mail_append(stream,mailbox,message) \
  mail_append_full (stream,mailbox,NIL,NIL,message)

/* ---- Indirections drivers use (redefined by flocksim.h ports) ------- */

#define SAFE_DELETE(dtb,stream,mailbox) (*dtb->mbxdel) (stream,mailbox)
#define SAFE_RENAME(dtb,stream,old,newname) (*dtb->mbxren) (stream,old,newname)
#define SAFE_STATUS(dtb,stream,mbx,flags) (*dtb->status) (stream,mbx,flags)
#define SAFE_COPY(dtb,stream,sequence,mailbox,options) \
  (*dtb->copy) (stream,sequence,mailbox,options)
#define SAFE_APPEND(dtb,stream,mailbox,af,data) \
  (*dtb->append) (stream,mailbox,af,data)
#define SAFE_SCAN_CONTENTS(dtb,name,contents,csiz,fsiz) \
  scan_contents (dtb,name,contents,csiz,fsiz)

#define MM_EXISTS mm_exists
#define MM_EXPUNGED mm_expunged
#define MM_FLAGS mm_flags
#define MM_NOTIFY mm_notify
#define MM_STATUS mm_status
#define MM_LOG mm_log
#define MM_CRITICAL mm_critical
#define MM_NOCRITICAL mm_nocritical
#define MM_DISKERROR mm_diskerror
#define MM_FATAL mm_fatal
#define MM_APPEND(af) (*af)

/* ---- Exported data ------------------------------------------------- */
/* BEGIN GENERATED data */
extern char *body_encodings[];
extern char *body_types[];
extern const char *days[];
extern STRINGDRIVER mail_string;
extern const char *months[];
/* END GENERATED data */

/* ---- Functions (the mm_* ones are defined by the application) ------ */
/* BEGIN GENERATED prototypes */
long INWAIT (long);
int PBIN (void);
int PBOUT (int);
int PFLUSH (void);
char *PSIN (char *, int);
long PSINR (char *, unsigned long);
int PSOUT (char *);
int PSOUTR (SIZEDTEXT *);
void auth_link (AUTHENTICATOR *);
long mail_append_full (MAILSTREAM *, char *, char *, char *, STRING *);
long mail_append_multiple (MAILSTREAM *, char *, append_t, void *);
SEARCHSET *mail_append_set (SEARCHSET *, unsigned long);
char *mail_auth (char *, authresponse_t, int, char **);
BODY *mail_body (MAILSTREAM *, unsigned long, unsigned char *);
char *mail_cdate (char *, MESSAGECACHE *);
void mail_check (MAILSTREAM *);
MAILSTREAM *mail_close_full (MAILSTREAM *, long);
long mail_copy_full (MAILSTREAM *, char *, char *, long);
long mail_create (MAILSTREAM *, char *);
SEARCHPGM *mail_criteria (char *);
int mail_criteria_date (unsigned short *, char **);
int mail_criteria_string (STRINGLIST **, char **);
char *mail_date (char *, MESSAGECACHE *);
void mail_debug (MAILSTREAM *);
long mail_delete (MAILSTREAM *, char *);
void mail_dlog (char *, long);
MESSAGECACHE *mail_elt (MAILSTREAM *, unsigned long);
void mail_exists (MAILSTREAM *, unsigned long);
long mail_expunge_full (MAILSTREAM *, char *, long);
void mail_expunged (MAILSTREAM *, unsigned long);
char *mail_fetch_body (MAILSTREAM *, unsigned long, char *, unsigned long *, long);
void mail_fetch_fast (MAILSTREAM *, char *, long);
void mail_fetch_flags (MAILSTREAM *, char *, long);
char *mail_fetch_header (MAILSTREAM *, unsigned long, char *, STRINGLIST *, unsigned long *, long);
char *mail_fetch_message (MAILSTREAM *, unsigned long, unsigned long *, long);
char *mail_fetch_mime (MAILSTREAM *, unsigned long, char *, unsigned long *, long);
void mail_fetch_overview (MAILSTREAM *, char *, overview_t);
void mail_fetch_overview_default (MAILSTREAM *, overview_t);
void mail_fetch_overview_sequence (MAILSTREAM *, char *, overview_t);
char *mail_fetch_string_return (GETS_DATA *, STRING *, unsigned long, unsigned long *, long);
ENVELOPE *mail_fetch_structure (MAILSTREAM *, unsigned long, BODY **, long);
char *mail_fetch_text (MAILSTREAM *, unsigned long, char *, unsigned long *, long);
char *mail_fetch_text_return (GETS_DATA *, SIZEDTEXT *, unsigned long *);
void mail_fetchfrom (char *, MAILSTREAM *, unsigned long, long);
void mail_fetchsubject (char *, MAILSTREAM *, unsigned long, long);
unsigned long mail_filter (char *, unsigned long, STRINGLIST *, long);
void mail_flag (MAILSTREAM *, char *, char *, long);
void mail_free_acllist (ACLLIST **);
void mail_free_address (ADDRESS **);
void mail_free_annotation (ANNOTATION **);
void mail_free_body (BODY **);
void mail_free_body_data (BODY *);
void mail_free_body_parameter (PARAMETER **);
void mail_free_body_part (PART **);
void mail_free_cache (MAILSTREAM *);
void mail_free_elt (MESSAGECACHE **);
void mail_free_envelope (ENVELOPE **);
void mail_free_handle (MAILHANDLE **);
void mail_free_namespace (NAMESPACE **);
void mail_free_quotalist (QUOTALIST **);
void mail_free_searchheader (SEARCHHEADER **);
void mail_free_searchor (SEARCHOR **);
void mail_free_searchpgm (SEARCHPGM **);
void mail_free_searchpgmlist (SEARCHPGMLIST **);
void mail_free_searchset (SEARCHSET **);
void mail_free_sortpgm (SORTPGM **);
void mail_free_stringlist (STRINGLIST **);
void mail_free_threadnode (THREADNODE **);
void mail_gc (MAILSTREAM *, long);
void mail_gc_body (BODY *);
void mail_gc_msg (MESSAGE *, long);
BODY *mail_initbody (BODY *);
void mail_link (DRIVER *);
void mail_list (MAILSTREAM *, char *, char *);
void mail_lock (MAILSTREAM *);
unsigned long mail_longdate (MESSAGECACHE *);
AUTHENTICATOR *mail_lookup_auth (unsigned long);
unsigned int mail_lookup_auth_name (char *, long);
void mail_lsub (MAILSTREAM *, char *, char *);
MAILHANDLE *mail_makehandle (MAILSTREAM *);
long mail_match_lines (STRINGLIST *, STRINGLIST *, long);
unsigned long mail_msgno (MAILSTREAM *, unsigned long);
MESSAGECACHE *mail_new_cache_elt (unsigned long);
ACLLIST *mail_newacllist (void);
ADDRESS *mail_newaddr (void);
ANNOTATION *mail_newannotation (void);
ANNOTATION_VALUES *mail_newannotationvalue (void);
BODY *mail_newbody (void);
PARAMETER *mail_newbody_parameter (void);
PART *mail_newbody_part (void);
ENVELOPE *mail_newenvelope (void);
MESSAGE *mail_newmsg (void);
QUOTALIST *mail_newquotalist (void);
SEARCHHEADER *mail_newsearchheader (char *, char *);
SEARCHOR *mail_newsearchor (void);
SEARCHPGM *mail_newsearchpgm (void);
SEARCHPGMLIST *mail_newsearchpgmlist (void);
SEARCHSET *mail_newsearchset (void);
SORTPGM *mail_newsortpgm (void);
STRINGLIST *mail_newstringlist (void);
THREADNODE *mail_newthreadnode (SORTCACHE *);
void mail_nodebug (MAILSTREAM *);
MAILSTREAM *mail_open (MAILSTREAM *, char *, long);
MAILSTREAM *mail_open_work (DRIVER *, MAILSTREAM *, char *, long);
void *mail_parameters (MAILSTREAM *, long, void *);
long mail_parse_date (MESSAGECACHE *, unsigned char *);
long mail_parse_flags (MAILSTREAM *, char *, unsigned long *);
SEARCHSET *mail_parse_set (char *, char **);
long mail_partial_body (MAILSTREAM *, unsigned long, char *, unsigned long, unsigned long, long);
long mail_partial_text (MAILSTREAM *, unsigned long, char *, unsigned long, unsigned long, long);
long mail_ping (MAILSTREAM *);
long mail_read (void *, unsigned long, char *);
void mail_recent (MAILSTREAM *, unsigned long);
long mail_rename (MAILSTREAM *, char *, char *);
void mail_scan (MAILSTREAM *, char *, char *, char *);
long mail_search_addr (ADDRESS *, STRINGLIST *);
long mail_search_body (MAILSTREAM *, unsigned long, BODY *, char *, unsigned long, long);
long mail_search_default (MAILSTREAM *, char *, SEARCHPGM *, long);
long mail_search_full (MAILSTREAM *, char *, SEARCHPGM *, long);
char *mail_search_gets (readfn_t, void *, unsigned long, GETS_DATA *);
long mail_search_header (SIZEDTEXT *, STRINGLIST *);
long mail_search_header_text (char *, STRINGLIST *);
long mail_search_keyword (MAILSTREAM *, MESSAGECACHE *, STRINGLIST *, long);
long mail_search_msg (MAILSTREAM *, unsigned long, char *, SEARCHPGM *);
long mail_search_string (SIZEDTEXT *, char *, STRINGLIST **);
long mail_search_string_work (SIZEDTEXT *, STRINGLIST **);
long mail_search_text (MAILSTREAM *, unsigned long, char *, STRINGLIST *, long);
long mail_sequence (MAILSTREAM *, unsigned char *);
unsigned short mail_shortdate (unsigned int, unsigned int, unsigned int);
unsigned long *mail_sort (MAILSTREAM *, char *, SEARCHPGM *, SORTPGM *, long);
unsigned long *mail_sort_cache (MAILSTREAM *, SORTPGM *, SORTCACHE **, long);
int mail_sort_compare (const void *, const void *);
SORTCACHE **mail_sort_loadcache (MAILSTREAM *, SORTPGM *);
unsigned long *mail_sort_msgs (MAILSTREAM *, char *, SEARCHPGM *, SORTPGM *, long);
long mail_status (MAILSTREAM *, char *, long);
long mail_status_default (MAILSTREAM *, char *, long);
MAILSTREAM *mail_stream (MAILHANDLE *);
unsigned int mail_strip_subject (char *, char **);
char *mail_strip_subject_blob (char *);
char *mail_strip_subject_wsp (char *);
long mail_subscribe (MAILSTREAM *, char *);
THREADNODE *mail_thread (MAILSTREAM *, char *, char *, SEARCHPGM *, long);
THREADNODE *mail_thread_c2node (MAILSTREAM *, container_t, long);
long mail_thread_check_child (container_t, container_t);
int mail_thread_compare_date (const void *, const void *);
void mail_thread_loadcache (MAILSTREAM *, unsigned long, OVERVIEW *, unsigned long);
THREADNODE *mail_thread_msgs (MAILSTREAM *, char *, char *, SEARCHPGM *, long, sorter_t);
THREADNODE *mail_thread_orderedsubject (MAILSTREAM *, char *, SEARCHPGM *, long, sorter_t);
char *mail_thread_parse_msgid (char *, char **);
STRINGLIST *mail_thread_parse_references (char *, long);
container_t mail_thread_prune_dummy (container_t, container_t);
container_t mail_thread_prune_dummy_work (container_t, container_t);
THREADNODE *mail_thread_references (MAILSTREAM *, char *, SEARCHPGM *, long, sorter_t);
THREADNODE *mail_thread_sort (THREADNODE *, THREADNODE **);
unsigned long mail_uid (MAILSTREAM *, unsigned long);
long mail_uid_sequence (MAILSTREAM *, unsigned char *);
void mail_unlock (MAILSTREAM *);
long mail_unsubscribe (MAILSTREAM *, char *);
long mail_usable_network_stream (MAILSTREAM *, char *);
char *mail_utf7_valid (char *);
DRIVER *mail_valid (MAILSTREAM *, char *, char *);
DRIVER *mail_valid_net (char *, DRIVER *, char *, char *);
long mail_valid_net_parse (char *, NETMBX *);
long mail_valid_net_parse_work (char *, NETMBX *, char *);
void mail_versioncheck (char *);
void *mm_cache (MAILSTREAM *, unsigned long, long);
void mm_critical (MAILSTREAM *);
long mm_diskerror (MAILSTREAM *, long, long);
void mm_dlog (char *);
void mm_exists (MAILSTREAM *, unsigned long);
void mm_expunged (MAILSTREAM *, unsigned long);
void mm_fatal (char *);
void mm_flags (MAILSTREAM *, unsigned long);
void mm_list (MAILSTREAM *, int, char *, long);
void mm_log (char *, long);
void mm_login (NETMBX *, char *, char *, long);
void mm_lsub (MAILSTREAM *, int, char *, long);
void mm_nocritical (MAILSTREAM *);
void mm_notify (MAILSTREAM *, char *, long);
void mm_searched (MAILSTREAM *, unsigned long);
void mm_status (MAILSTREAM *, char *, MAILSTATUS *);
NETSTREAM *net_aopen (NETDRIVER *, NETMBX *, char *, char *);
void net_close (NETSTREAM *);
long net_getbuffer (void *, unsigned long, char *);
char *net_getline (NETSTREAM *);
char *net_host (NETSTREAM *);
char *net_localhost (NETSTREAM *);
NETSTREAM *net_open (NETMBX *, NETDRIVER *, unsigned long, NETDRIVER *, char *, unsigned long);
NETSTREAM *net_open_work (NETDRIVER *, char *, char *, unsigned long, unsigned long, unsigned long);
unsigned long net_port (NETSTREAM *);
char *net_remotehost (NETSTREAM *);
long net_sout (NETSTREAM *, char *, unsigned long);
long net_soutr (NETSTREAM *, char *);
char *sm_read (void **);
long sm_subscribe (char *);
long sm_unsubscribe (char *);
void ssl_onceonlyinit (void);
void ssl_server_init (char *);
char *ssl_start_tls (char *);
/* END GENERATED prototypes */

#endif /* CCLIENT_MAIL_H_INCLUDED */
