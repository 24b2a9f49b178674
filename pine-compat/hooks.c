/* hooks -- the mail_parameters() traffic of a Pine/Alpine- or imapd-style
 * program: at start-up such programs install their own functions as hooks
 * (block notification, read progress, SSL certificate questions, spare
 * pointer destructors, sort/thread result sinks, ...) and tune numeric
 * parameters (timeouts, ports, lookahead), then read some of them back.
 * The library must hand back exactly what was installed: a hook that comes
 * back different, or not at all, is a callback the program will never get.
 *
 * Prints one "ok"/"FAIL" line per check and a last line "N passed, N failed";
 * exits non-zero when something failed.  Built with linkage.c in main(), as
 * every c-client application is.
 */

#include <stdio.h>
#include <string.h>
#include "c-client.h"
#include "linkage.h"

static int passed = 0,failed = 0;

static void result (int good,const char *what,long set,void *got,void *want)
{
  if (good) passed++;
  else failed++;
  printf ("%s - %s (function %ld: got %p, want %p)\n",good ? "ok  " : "FAIL",
	  what,set,got,want);
}

/* ---- the application's callbacks (quiet, as a test harness) ---- */
#define MM_OWN_LOG
#define MM_OWN_FATAL
#include "../c-tests/lib/mm_callbacks.h"
void mm_log (char *t,long e) { if (getenv ("HOOKS_VERBOSE")) printf ("  log: %s\n",t); }
void mm_fatal (char *t) { printf ("  fatal: %s\n",t); }

/* ---- hooks of the kinds Pine installs ---- */
static void *app_blocknotify (int reason,void *data) { return NIL; }
static void app_readprogress (GETS_DATA *md,unsigned long octets) {}
static long app_sslcertquery (char *reason,char *host,char *cert) { return NIL; }
static void app_sslfailure (char *host,char *reason,unsigned long flags) {}
static void app_freestreamsparep (void **p) {}
static void app_freeeltsparep (void **p) {}
static void app_freeenvelopesparep (void **p) {}
static void app_freebodysparep (void **p) {}
static long app_mailproxycopy (MAILSTREAM *s,char *seq,char *mb,long fl) { return NIL; }
static void app_sortresults (MAILSTREAM *s,unsigned long *list,unsigned long size) {}
static void app_threadresults (MAILSTREAM *s,THREADNODE *tree) {}
static void *app_timeout (long reason,long seconds,char *host) { return NIL; }
static void app_logout (void *data) {}
static int app_logoutdata;
static ADDRESS *app_parsephrase (char *phrase,char *end,char *host) { return NIL; }
static void app_quota (MAILSTREAM *s,unsigned char *root,QUOTALIST *q) {}
static void app_acl (MAILSTREAM *s,char *mb,ACLLIST *acl) {}

struct hook { long set,get; void *value; const char *what; };

int main (void)
{
  struct hook hooks[] = {
    {SET_BLOCKNOTIFY,GET_BLOCKNOTIFY,(void *) app_blocknotify,"block notify hook"},
    {SET_READPROGRESS,GET_READPROGRESS,(void *) app_readprogress,"read progress hook"},
    {SET_SSLCERTIFICATEQUERY,GET_SSLCERTIFICATEQUERY,(void *) app_sslcertquery,"SSL certificate query hook"},
    {SET_SSLFAILURE,GET_SSLFAILURE,(void *) app_sslfailure,"SSL failure hook"},
    {SET_FREESTREAMSPAREP,GET_FREESTREAMSPAREP,(void *) app_freestreamsparep,"stream spare pointer destructor"},
    {SET_FREEELTSPAREP,GET_FREEELTSPAREP,(void *) app_freeeltsparep,"elt spare pointer destructor"},
    {SET_FREEENVELOPESPAREP,GET_FREEENVELOPESPAREP,(void *) app_freeenvelopesparep,"envelope spare pointer destructor"},
    {SET_FREEBODYSPAREP,GET_FREEBODYSPAREP,(void *) app_freebodysparep,"body spare pointer destructor"},
    {SET_MAILPROXYCOPY,GET_MAILPROXYCOPY,(void *) app_mailproxycopy,"proxy copy hook"},
    {SET_SORTRESULTS,GET_SORTRESULTS,(void *) app_sortresults,"sort results sink"},
    {SET_THREADRESULTS,GET_THREADRESULTS,(void *) app_threadresults,"thread results sink"},
    {SET_TIMEOUT,GET_TIMEOUT,(void *) app_timeout,"TCP timeout hook"},
    {SET_LOGOUTHOOK,GET_LOGOUTHOOK,(void *) app_logout,"logout hook"},
    {SET_LOGOUTDATA,GET_LOGOUTDATA,(void *) &app_logoutdata,"logout hook data"},
    {SET_PARSEPHRASE,GET_PARSEPHRASE,(void *) app_parsephrase,"phrase parser hook"},
    {SET_QUOTA,GET_QUOTA,(void *) app_quota,"quota results sink"},
    {SET_ACL,GET_ACL,(void *) app_acl,"ACL results sink"},
    /* numeric parameters travel through the same void * */
    {SET_OPENTIMEOUT,GET_OPENTIMEOUT,(void *) 17,"open timeout"},
    {SET_READTIMEOUT,GET_READTIMEOUT,(void *) 61,"read timeout"},
    {SET_RSHTIMEOUT,GET_RSHTIMEOUT,(void *) 7,"rsh timeout"},
    {SET_MAXLOGINTRIALS,GET_MAXLOGINTRIALS,(void *) 2,"maximum login trials"},
    {SET_LOOKAHEAD,GET_LOOKAHEAD,(void *) 40,"IMAP lookahead"},
    {SET_IMAPPORT,GET_IMAPPORT,(void *) 1143,"IMAP port"},
    {SET_POP3PORT,GET_POP3PORT,(void *) 1110,"POP3 port"},
    {SET_PREFETCH,GET_PREFETCH,(void *) 3,"IMAP prefetch"},
    {SET_CLOSEONERROR,GET_CLOSEONERROR,(void *) 1,"close on error"},
    {SET_UIDLOOKAHEAD,GET_UIDLOOKAHEAD,(void *) 500,"UID lookahead"},
    {SET_SNARFINTERVAL,GET_SNARFINTERVAL,(void *) 300,"snarf interval"},
  };
  size_t i;
  void *got;
  char *s;

#include "linkage.c"

  for (i = 0; i < sizeof hooks / sizeof hooks[0]; i++) {
    mail_parameters (NIL,hooks[i].set,hooks[i].value);
    got = mail_parameters (NIL,hooks[i].get,NIL);
    result (got == hooks[i].value,hooks[i].what,hooks[i].set,got,hooks[i].value);
  }
  /* Putting the library's own block notifier back, as Pine does when it
   * leaves a section with its own (NIL is no option: the library calls the
   * notifier without checking). */
  mail_parameters (NIL,SET_BLOCKNOTIFY,(void *) mm_blocknotify);
  got = mail_parameters (NIL,GET_BLOCKNOTIFY,NIL);
  result (got == (void *) mm_blocknotify,"block notify hook restored to mm_blocknotify",
	  SET_BLOCKNOTIFY,got,(void *) mm_blocknotify);

  /* String parameters: the library keeps its own copy (imapd sets the
   * user name and home directory after login). */
  {
    char name[] = "pineuser",home[] = "/tmp/pine-home";
    mail_parameters (NIL,SET_USERNAME,(void *) name);
    mail_parameters (NIL,SET_HOMEDIR,(void *) home);
    strcpy (name,"XXXXXXXX");
    strcpy (home,"XXXXXXXXXXXXXX");
    s = (char *) mail_parameters (NIL,GET_USERNAME,NIL);
    result (s && !strcmp (s,"pineuser"),"user name kept as a copy",SET_USERNAME,s,NIL);
    s = (char *) mail_parameters (NIL,GET_HOMEDIR,NIL);
    result (s && !strcmp (s,"/tmp/pine-home"),"home directory kept as a copy",SET_HOMEDIR,s,NIL);
  }

  /* linkage.c's own setting must be visible (value 2 on Debian's build). */
  got = mail_parameters (NIL,GET_DISABLEPLAINTEXT,NIL);
  result (got == (void *) EXPECT_DISABLEPLAINTEXT,"plaintext setting from linkage.c",
	  GET_DISABLEPLAINTEXT,got,(void *) EXPECT_DISABLEPLAINTEXT);

  /* The driver list that linkage.c registered, as Pine walks it. */
  {
    DRIVER *d;
    int n = 0;
    char names[512] = "";
    for (d = (DRIVER *) mail_parameters (NIL,GET_DRIVERS,NIL); d && n < 64; d = d->next, n++) {
      if (*names) strncat (names," ",sizeof names - strlen (names) - 1);
      strncat (names,d->name,sizeof names - strlen (names) - 1);
    }
    passed += !strcmp (names,EXPECT_DRIVERS);
    failed += !!strcmp (names,EXPECT_DRIVERS);
    printf ("%s - driver list walked via GET_DRIVERS: \"%s\"\n",
	    strcmp (names,EXPECT_DRIVERS) ? "FAIL" : "ok  ",names);
  }

  printf ("%d passed, %d failed\n",passed,failed);
  return failed ? 1 : 0;
}
