/* The user environment, observed through the exports a program sees:
 * myusername_full, myhomedir, mylocalhost, sysinbox, mailboxfile,
 * mailboxdir, mail_parameters GETs of the settings configuration files
 * make, namespaces, protections, keywords, prototypes, subscriptions.
 * Run with the scenario as argv[1]; HOME is a scratch directory. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>
#define MM_OWN_LOG
#define MM_OWN_FATAL
#include "../lib/mm_callbacks.h"

void mm_log (char *string,long errflg)
{
  /* Drivers not written yet report themselves; that is not this suite's
   * business, so those lines are left out of the comparison. */
  if (strstr (string,"not available in this version")) return;
  printf ("log[%ld] %s\n",errflg,string);
}
void mm_fatal (char *string) { printf ("fatal %s\n",string); fflush (stdout); }

static const char *home;

static void show (const char *what,char *s) { printf ("%s = %s\n",what,s ? s : "NIL"); }

static void names (void)
{
  static char *list[] = {
    "INBOX","inbox","InBoX","INBOX/x","INBOXes","foo","a/b/c","~/foo","~/","~",
    "~cloudsdk/bar","~cloudsdk","~root/x","~nosuch/x","/etc/passwd","/var/mail/cloudsdk",
    "/var/mail/cloudsdk/","..","../x","a/../b","a..b","a//b","a/~b","~/../x",
    "#ftp/x","#FTP/INBOX","#public/x","#public/inbox","#shared/x","#Shared/INBOX",
    "#news.comp","#mhinbox","#mh/x","#foo","#ftp","{x}y","{imap.example.org}INBOX","",
    ".hidden","a b","%","*",NULL
  };
  char tmp[MAILTMPLEN],big[400];
  char **n;
  for (n = list; *n; n++) {
    char *r = mailboxfile (tmp,*n);
    printf ("mailboxfile(%s) = %s\n",*n,r ? (*r ? r : "(driver's INBOX)") : "NIL");
  }
  memset (big,'a',sizeof big); big[256] = '\0';
  show ("mailboxfile(256 chars)",mailboxfile (tmp,big) ? "ok" : NIL);
  big[256] = 'a'; big[257] = '\0';
  show ("mailboxfile(257 chars)",mailboxfile (tmp,big) ? "ok" : NIL);
  show ("mailboxdir(NIL,NIL)",mailboxdir (tmp,NIL,NIL));
  show ("mailboxdir(x/,y)",mailboxdir (tmp,"x/","y"));
  show ("mailboxdir(NIL,INBOX)",mailboxdir (tmp,NIL,"INBOX"));
  show ("mailboxdir(~/,NIL)",mailboxdir (tmp,"~/",NIL));
  show ("mailboxdir(/etc/,x)",mailboxdir (tmp,"/etc/","x"));
  show ("mailboxdir(#ftp/,x)",mailboxdir (tmp,"#ftp/","x"));
  show ("mailboxdir(long,x)",mailboxdir (tmp,big,"x"));
  big[200] = '\0';
  show ("mailboxdir(200,200)",mailboxdir (tmp,big,big) ? "ok" : NIL);
}

static long strs[] = {
  GET_USERNAME,GET_HOMEDIR,GET_SYSINBOX,GET_NEWSRC,GET_NEWSACTIVE,
  GET_NEWSSPOOL,GET_ANONYMOUSHOME,GET_FTPHOME,GET_PUBLICHOME,GET_SHAREDHOME,
  GET_SSLCAPATH,GET_RSHCOMMAND,GET_RSHPATH,GET_SSHCOMMAND,GET_SSHPATH,GET_MHPATH,0
};
static long nums[] = {
  GET_MBXPROTECTION,GET_DIRPROTECTION,GET_LOCKPROTECTION,GET_FTPPROTECTION,
  GET_PUBLICPROTECTION,GET_SHAREDPROTECTION,GET_FTPDIRPROTECTION,
  GET_PUBLICDIRPROTECTION,GET_SHAREDDIRPROTECTION,GET_LOCKTIMEOUT,
  GET_DISABLEFCNTLLOCK,GET_LOCKEACCESERROR,GET_USERHASNOLIFE,GET_HIDEDOTFILES,
  GET_LISTMAXLEVEL,GET_NETFSSTATBUG,GET_DISABLEPLAINTEXT,GET_CHROOTSERVER,
  GET_ADVERTISETHEWORLD,GET_LIMITEDADVERTISE,GET_DISABLEAUTOSHAREDNS,
  GET_KERBEROS_CP_SVR_NAME,GET_FROMWIDGET,GET_OPENTIMEOUT,GET_READTIMEOUT,
  GET_WRITETIMEOUT,GET_RSHTIMEOUT,GET_SSHTIMEOUT,GET_MAXLOGINTRIALS,
  GET_LOOKAHEAD,GET_PREFETCH,GET_CLOSEONERROR,GET_IMAPPORT,GET_POP3PORT,
  GET_UIDLOOKAHEAD,GET_TRYSSLFIRST,GET_TRUSTDNS,GET_SASLUSESPTRNAME,
  GET_NNTPRANGE,GET_ALLOWREVERSEDNS,GET_MHALLOWINBOX,GET_BLOCKENVINIT,0
};

static void settings (void)
{
  int i;
  void *v;
  NAMESPACE **ns;
  for (i = 0; strs[i]; i++) {
    v = mail_parameters (NIL,strs[i],NIL);
    printf ("get %ld = %s\n",strs[i],v ? (char *) v : "NIL");
  }
  for (i = 0; nums[i]; i++) {
    v = mail_parameters (NIL,nums[i],NIL);
    if (!v) printf ("get %ld = NIL\n",nums[i]);
    else if ((unsigned long) v < 1000000) printf ("get %ld = %ld\n",nums[i],(long) v);
    else printf ("get %ld = T\n",nums[i]);
  }
  ns = (NAMESPACE **) mail_parameters (NIL,GET_NAMESPACE,NIL);
  for (i = 0; i < 3; i++) {
    NAMESPACE *n;
    printf ("namespace %d:",i);
    for (n = ns[i]; n; n = n->next) printf (" \"%s\"%c",n->name,n->delimiter ? n->delimiter : '0');
    printf ("\n");
  }
}

static void identity (void)
{
  unsigned long flags = 99;
  char *u = myusername_full (&flags);
  char host[MAILTMPLEN];
  printf ("user %s flags %lu\n",u,flags);
  show ("myhomedir",myhomedir ());
  show ("sysinbox",sysinbox ());
  /* The host name is whatever this machine is called: compare the two
   * libraries' answers, and show that it is non-empty. */
  show ("mylocalhost",mylocalhost ());
  show ("GET_LOCALHOST",mail_parameters (NIL,GET_LOCALHOST,NIL));
  show ("tcp_canonical(localhost)",tcp_canonical ("localhost"));
  show ("tcp_canonical(LocalHost)",tcp_canonical ("LocalHost"));
  show ("tcp_canonical([127.0.0.1])",tcp_canonical ("[127.0.0.1]"));
  show ("tcp_canonical(VM)",tcp_canonical ("VM"));
  show ("tcp_canonical(no-such-host.invalid)",tcp_canonical ("no-such-host.invalid"));
  show ("tcp_canonical(NO-SUCH.invalid)",tcp_canonical ("NO-SUCH.invalid"));
}

static void extras (void)
{
  int i;
  char path[MAILTMPLEN];
  struct stat sb;
  MAILSTREAM *p;
  static char *boxes[] = {"x","#ftp/x","#public/x","#SHARED/x","#shared","#mh/x",NULL};
  for (i = 0; boxes[i]; i++)
    printf ("get_dir_protection(%s) = %lo\n",boxes[i],get_dir_protection (boxes[i]));
  for (i = 0; i < 4; i++) show ("default_user_flag",default_user_flag (i));
  p = default_proto (NIL);
  printf ("default_proto(NIL) %s\n",p ? p->dtb->name : "NIL");
  p = default_proto (T);
  printf ("default_proto(T) %s\n",p ? p->dtb->name : "NIL");
  sprintf (path,"%s/protfile",home);
  fclose (fopen (path,"w"));
  sprintf (path,"%s/protdir",home);
  mkdir (path,0700);
  chmod (path,02700);
  for (i = 0; boxes[i]; i++) {
    sprintf (path,"%s/protfile",home);
    printf ("set_mbx_protections(%s,file) %ld",boxes[i],set_mbx_protections (boxes[i],path));
    stat (path,&sb);
    printf (" -> %o",sb.st_mode & 07777);
    sprintf (path,"%s/protdir",home);
    set_mbx_protections (boxes[i],path);
    stat (path,&sb);
    printf (" dir -> %o\n",sb.st_mode & 07777);
  }
}

/* The default block-notify hook stops the alarm clock around sensitive
 * code and restarts it after. */
static void blocknotify (void)
{
  void *left;
  alarm (100);
  left = mm_blocknotify (BLOCK_SENSITIVE,NIL);
  printf ("blocknotify sensitive -> %ld, alarm now %u\n",(long) left,alarm (0));
  printf ("blocknotify nonsensitive -> %ld",(long) mm_blocknotify (BLOCK_NONSENSITIVE,(void *) 50));
  printf (", alarm now %u\n",alarm (0));
  printf ("blocknotify nonsensitive(0) -> %ld, alarm %u\n",
          (long) mm_blocknotify (BLOCK_NONSENSITIVE,NIL),alarm (0));
  printf ("blocknotify dnslookup -> %ld\n",(long) mm_blocknotify (BLOCK_DNSLOOKUP,(void *) 7));
  printf ("GET_BLOCKNOTIFY is mm_blocknotify: %s\n",
          mail_parameters (NIL,GET_BLOCKNOTIFY,NIL) == (void *) mm_blocknotify ? "yes" : "no");
}

static void dump_list (void)
{
  char path[MAILTMPLEN];
  FILE *f;
  int c;
  sprintf (path,"%s/.mailboxlist",myhomedir ());
  printf ("list: ");
  if (!(f = fopen (path,"r"))) printf ("(none)");
  else {
    while ((c = getc (f)) != EOF) putchar (c == '\n' ? '|' : c);
    fclose (f);
  }
  printf ("\n");
}

static void walk (void)
{
  void *sdb = NIL;
  char *s;
  printf ("sm_read:");
  while (s = sm_read (&sdb)) printf (" [%s]",s);
  printf (" sdb %s\n",sdb ? "set" : "NIL");
}

static void subscriptions (void)
{
  static char *subs[] = {"inbox","a/b","a/b","INBOX","~/x","#news.y","x y",NULL};
  static char *unsubs[] = {"zz","Inbox","a/b","a/b",NULL};
  int i;
  walk ();
  printf ("sm_unsubscribe(x) %ld\n",sm_unsubscribe ("x"));
  for (i = 0; subs[i]; i++) printf ("sm_subscribe(%s) %ld\n",subs[i],sm_subscribe (subs[i]));
  dump_list ();
  walk ();
  for (i = 0; unsubs[i]; i++) {
    printf ("sm_unsubscribe(%s) %ld\n",unsubs[i],sm_unsubscribe (unsubs[i]));
    dump_list ();
  }
  /* A list written by hand: a line longer than the original's 1023-byte
   * reads, and a last line without its newline. */
  {
    char path[MAILTMPLEN];
    FILE *f;
    int j;
    sprintf (path,"%s/.mailboxlist",myhomedir ());
    f = fopen (path,"w");
    fputs ("first\n",f);
    for (j = 0; j < 1500; j++) putc ('a' + j % 26,f);
    fputs ("\nsecond\nunfinished",f);
    fclose (f);
    walk ();
    printf ("sm_subscribe(tail) %ld\n",sm_subscribe ("tail"));
    dump_list ();
    printf ("sm_unsubscribe(second) %ld\n",sm_unsubscribe ("second"));
    dump_list ();
    walk ();
  }
  printf ("mail_subscribe(nosuch) %ld\n",mail_subscribe (NIL,"nosuch"));
  printf ("mail_subscribe(a\\nb) %ld\n",mail_subscribe (NIL,"a\nb"));
  printf ("mail_unsubscribe(nosuch) %ld\n",mail_unsubscribe (NIL,"nosuch"));
  printf ("mail_unsubscribe(x y) %ld\n",mail_unsubscribe (NIL,"x y"));
  dump_list ();
  walk ();
}

int main (int argc,char **argv)
{
  char *mode = argc > 1 ? argv[1] : "names";
  home = getenv ("HOME");
#include "linkage.c"
  printf ("== %s\n",mode);
  if (!strcmp (mode,"init-user")) printf ("env_init %ld\n",env_init ("someone",(char *) home));
  else if (!strcmp (mode,"init-anon")) printf ("env_init %ld\n",env_init (NIL,(char *) home));
  else if (!strcmp (mode,"init-closed")) printf ("env_init %ld\n",env_init ("cloudsdk",NIL));
  else if (!strcmp (mode,"init-twice")) {
    printf ("env_init %ld\n",env_init ("cloudsdk",(char *) home));
    printf ("env_init %ld\n",env_init ("cloudsdk",(char *) home));
    return 0;			/* not reached: fatal aborts */
  }
  else if (!strcmp (mode,"blocked")) {
    unsigned long flags = 99;
    mail_parameters (NIL,SET_BLOCKENVINIT,VOIDT);
    printf ("blocked user %s",myusername_full (&flags));
    printf (" flags %lu\n",flags);
    show ("GET_USERNAME",mail_parameters (NIL,GET_USERNAME,NIL));
    printf ("env_init %ld\n",env_init ("x","/"));
    show ("GET_USERNAME",mail_parameters (NIL,GET_USERNAME,NIL));
    return 0;
  }
  else if (!strcmp (mode,"preset")) {
    mail_parameters (NIL,SET_USERNAME,"preset-user");
    mail_parameters (NIL,SET_HOMEDIR,(void *) home);
    mail_parameters (NIL,SET_SYSINBOX,"/var/mail/elsewhere");
    mail_parameters (NIL,SET_LOCALHOST,"set.example");
  }
  else if (!strcmp (mode,"dorc") && argc > 2) {
    myusername ();
    dorc (argv[2],NIL);
  }
  identity ();
  names ();
  settings ();
  extras ();
  if (!strcmp (mode,"names")) {
    subscriptions ();
    blocknotify ();
  }
  return 0;
}
