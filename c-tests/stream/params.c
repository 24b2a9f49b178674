/* mail_parameters: the GET value of every code (defaults), then SET/GET
 * round trips, printed so both libraries can be compared. */
#include "common.h"
#include "linkage.h"

static void hook (void) { }
static void hook2 (void) { }

static const char *describe (void *v)
{
  static char buf[64];
  if (!v) return "NIL";
  if (v == (void *) mm_cache) return "mm_cache";
  if (v == (void *) mm_dlog) return "mm_dlog";
  if (v == (void *) mm_blocknotify) return "mm_blocknotify";
  if (v == (void *) hook) return "hook";
  if (v == (void *) hook2) return "hook2";
  if ((unsigned long) v < 100000) { sprintf (buf, "%lu", (unsigned long) v); return buf; }
  if (!*(char *) v) return "VOIDT";
  if (0) { sprintf (buf, "%lu", (unsigned long) v); return buf; }
  return "pointer";
}

/* A pointer to a structure: its first byte says nothing (VOIDT is only
 * told apart by an empty string), so only NIL or not. */
static const char *describe_struct (void *v)
{
  return v ? "pointer" : "NIL";
}

/* GET codes whose value is a hook (function or data pointer) */
static long hooks[] = {
  GET_GETS, GET_CACHE, GET_SMTPVERBOSE, GET_RFC822OUTPUT,
  GET_READPROGRESS, GET_PARSEPHRASE, GET_BLOCKNOTIFY, GET_SORTRESULTS,
  GET_THREADRESULTS, GET_PARSELINE, GET_NEWSRCQUERY, GET_FREEENVELOPESPAREP,
  GET_FREEELTSPAREP, GET_SSLSTART, GET_FREESTREAMSPAREP, GET_FREEBODYSPAREP,
  GET_COPYUID, GET_APPENDUID, GET_RFC822OUTPUTFULL, GET_LOGOUTHOOK,
  GET_LOGOUTDATA, GET_TIMEOUT, GET_SSLCERTIFICATEQUERY, GET_SSLFAILURE,
  GET_KINIT, GET_SSLCLIENTCERT, GET_SSLCLIENTKEY, GET_IMAPENVELOPE,
  GET_IMAPREFERRAL, GET_ACL, GET_LISTRIGHTS, GET_MYRIGHTS,
  GET_QUOTA, GET_QUOTAROOT, GET_SENDCOMMAND, GET_MAILPROXYCOPY,
  GET_SSLDRIVER, GET_SCANCONTENTS, 0
};
/* GET codes whose value is a number or a flag */
static long numbers[] = {
  GET_EXPUNGEATPING, GET_TRYSSLFIRST, GET_DEBUGSENSITIVE, GET_TCPDEBUG,
  GET_BLOCKENVINIT, GET_DISABLEPLAINTEXT, GET_CHROOTSERVER, GET_ADVERTISETHEWORLD,
  GET_DISABLEAUTOSHAREDNS, GET_DISABLE822TZTEXT, GET_LIMITEDADVERTISE, GET_OPENTIMEOUT,
  GET_READTIMEOUT, GET_WRITETIMEOUT, GET_CLOSETIMEOUT, GET_RSHTIMEOUT,
  GET_ALLOWREVERSEDNS, GET_SSHTIMEOUT, GET_NEWSRCCANONHOST, GET_KERBEROS_CP_SVR_NAME,
  GET_MAXLOGINTRIALS, GET_LOOKAHEAD, GET_IMAPPORT, GET_PREFETCH,
  GET_CLOSEONERROR, GET_POP3PORT, GET_UIDLOOKAHEAD, GET_NNTPPORT,
  GET_SSLIMAPPORT, GET_SSLPOPPORT, GET_SSLNNTPPORT, GET_SSLSMTPPORT,
  GET_SMTPPORT, GET_IMAPTRYSSL, GET_NNTPRANGE, GET_NNTPHIDEPATH,
  GET_FETCHLOOKAHEADLIMIT, GET_MBXPROTECTION, GET_DIRPROTECTION, GET_LOCKPROTECTION,
  GET_FROMWIDGET, GET_DISABLEFCNTLLOCK, GET_LOCKEACCESERROR, GET_LISTMAXLEVEL,
  GET_USERHASNOLIFE, GET_FTPPROTECTION, GET_PUBLICPROTECTION, GET_SHAREDPROTECTION,
  GET_LOCKTIMEOUT, GET_NOTIMEZONES, GET_HIDEDOTFILES, GET_FTPDIRPROTECTION,
  GET_PUBLICDIRPROTECTION, GET_SHAREDDIRPROTECTION, GET_TRUSTDNS, GET_SASLUSESPTRNAME,
  GET_NETFSSTATBUG, GET_SNARFINTERVAL, GET_SNARFPRESERVE, GET_MHALLOWINBOX,
  GET_USERPROMPT, GET_EXTENSION, GET_ANNOTATION, GET_IDLETIMEOUT, 9999, 0
};
/* GET codes whose value is a string */
static long strings[] = {
  GET_USERNAME, GET_HOMEDIR, GET_LOCALHOST, GET_SYSINBOX, GET_SERVICENAME,
  GET_EXTERNALAUTHID, GET_SSLCAPATH, GET_RSHCOMMAND, GET_RSHPATH,
  GET_SSHCOMMAND, GET_SSHPATH, GET_NEWSACTIVE, GET_NEWSSPOOL, GET_NEWSRC,
  GET_ANONYMOUSHOME, GET_FTPHOME, GET_PUBLICHOME, GET_SHAREDHOME,
  GET_MHPROFILE, GET_MHPATH, GET_IMAPEXTRAHEADERS, GET_MAILSUBDIR, 0
};

int main (void)
{
  int i;
  void *v;
#include "linkage.c"
  printf ("-- defaults\n");
  for (i = 0; hooks[i]; i++)
    printf ("get %ld = %s\n", hooks[i], hooks[i] == GET_SSLDRIVER ?
            describe_struct (mail_parameters (NIL, hooks[i], NIL)) :
            describe (mail_parameters (NIL, hooks[i], NIL)));
  for (i = 0; numbers[i]; i++)
    printf ("get %ld = %s\n", numbers[i], describe (mail_parameters (NIL, numbers[i], NIL)));
  for (i = 0; strings[i]; i++) {
    v = mail_parameters (NIL, strings[i], NIL);
    printf ("get %ld = %s\n", strings[i], v ? (char *) v : "NIL");
  }
  printf ("drivers %s threaders %s namespace %s\n",
          describe_struct (mail_parameters (NIL, GET_DRIVERS, NIL)),
          ((THREADER *) mail_parameters (NIL, GET_THREADERS, NIL))->name,
          describe_struct (mail_parameters (NIL, GET_NAMESPACE, NIL)));
  printf ("threader 2 %s\n", ((THREADER *) mail_parameters (NIL, GET_THREADERS, NIL))->next->name);
  printf ("-- set/get\n");
  for (i = 0; hooks[i]; i++) {
    long set = hooks[i] + 1;
    void *old = mail_parameters (NIL, hooks[i], NIL);
    if (hooks[i] == GET_SSLDRIVER || hooks[i] == GET_SCANCONTENTS) continue;
    printf ("set %ld(hook) -> %s;", set, describe (mail_parameters (NIL, set, (void *) hook)));
    printf (" get -> %s\n", describe (mail_parameters (NIL, hooks[i], NIL)));
    printf ("set %ld(NIL) -> %s;", set, describe (mail_parameters (NIL, set, NIL)));
    printf (" get -> %s\n", describe (mail_parameters (NIL, hooks[i], NIL)));
    mail_parameters (NIL, set, old);	/* restore: the library may call it */
  }
  for (i = 0; numbers[i]; i++) {
    long set = numbers[i] + 1;
    if (numbers[i] == GET_IDLETIMEOUT) continue;	/* SET is fatal */
    printf ("set %ld(7) -> %s;", set, describe (mail_parameters (NIL, set, (void *) 7)));
    printf (" get -> %s\n", describe (mail_parameters (NIL, numbers[i], NIL)));
    printf ("set %ld(0) -> %s;", set, describe (mail_parameters (NIL, set, NIL)));
    printf (" get -> %s\n", describe (mail_parameters (NIL, numbers[i], NIL)));
  }
  for (i = 0; strings[i]; i++) {
    long set = strings[i] + 1;
    char val[32];
    sprintf (val, "value-%ld", set);
    v = mail_parameters (NIL, set, val);
    printf ("set %ld -> %s;", set, v ? (v == val ? "same" : (char *) v) : "NIL");
    strcpy (val, "changed");	/* copied or kept? */
    v = mail_parameters (NIL, strings[i], NIL);
    printf (" get -> %s\n", v ? (char *) v : "NIL");
  }
  printf ("-- drivers\n");
  printf ("get driver mbx %s\n", ((DRIVER *) mail_parameters (NIL, GET_DRIVER, "MBX"))->name);
  printf ("get driver nosuch %s\n", describe (mail_parameters (NIL, GET_DRIVER, "nosuch")));
  v = mail_parameters (NIL, DISABLE_DRIVER, "mbx");
  printf ("disable mbx %s flags %lx\n", v == &mbxdriver ? "ok" : "other", mbxdriver.flags);
  v = mail_parameters (NIL, ENABLE_DRIVER, "mbx");
  printf ("enable mbx %s flags %lx\n", v == &mbxdriver ? "ok" : "other", mbxdriver.flags);
  v = mail_parameters (NIL, DISABLE_AUTHENTICATOR, "plain");
  printf ("disable plain %s flags %lx\n", v == &auth_pla ? "ok" : describe (v), auth_pla.flags);
  v = mail_parameters (NIL, UNHIDE_AUTHENTICATOR, "external");
  printf ("unhide external %s flags %lx\n", v == &auth_ext ? "ok" : describe (v), auth_ext.flags);
  v = mail_parameters (NIL, HIDE_AUTHENTICATOR, "external");
  printf ("hide external %s flags %lx\n", v == &auth_ext ? "ok" : describe (v), auth_ext.flags);
  v = mail_parameters (NIL, ENABLE_AUTHENTICATOR, "plain");
  printf ("enable plain %s flags %lx\n", v == &auth_pla ? "ok" : describe (v), auth_pla.flags);
  v = mail_parameters (NIL, SET_EXTERNALAUTHID, "someone");
  printf ("externalauthid %s flags %lx\n", (char *) v, auth_ext.flags);
  v = mail_parameters (NIL, SET_EXTERNALAUTHID, NIL);
  printf ("externalauthid %s flags %lx\n", describe (v), auth_ext.flags);
  return 0;
}
