/* Calls exports with hostile arguments that the original tolerates (NULL
 * pointers where it checks for them, unknown parameter codes, overlong
 * strings, out-of-range numbers) and prints what comes back, without
 * addresses, so runs against the original and against ours compare byte
 * for byte. With the argument "stubs" it instead calls functions that are
 * not implemented yet (ours only): each must log and fail, not crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "c-client.h"

/* The shared silent callbacks, except those that print what they get. */
#define MM_OWN_NOTIFY
#define MM_OWN_LIST
#define MM_OWN_LSUB
#define MM_OWN_STATUS
#define MM_OWN_LOG
#define MM_OWN_DLOG
#define MM_OWN_FATAL
#include "../lib/mm_callbacks.h"
void mm_notify (MAILSTREAM *s,char *t,long e) { printf ("notify: %s\n",t); }
void mm_list (MAILSTREAM *s,int d,char *n,long a) { printf ("list: %s\n",n); }
void mm_lsub (MAILSTREAM *s,int d,char *n,long a) { printf ("lsub: %s\n",n); }
void mm_status (MAILSTREAM *s,char *m,MAILSTATUS *st) { printf ("status\n"); }
void mm_log (char *t,long e) { printf ("log[%ld]: %.200s\n",e,t); }
void mm_dlog (char *t) { printf ("dlog: %.200s\n",t); }
void mm_fatal (char *t) { printf ("fatal: %s\n",t); fflush (stdout); }

#define NN(p) ((p) ? "ptr" : "NIL")

static char *big (size_t n,char c)
{
  char *s = malloc (n + 1);
  memset (s,c,n);
  s[n] = '\0';
  return s;
}

static void hostile (void)
{
  char *huge = big (100000,'x');
  char *hugebrace = big (20000,'a');
  char tmp[MAILTMPLEN];
  NETMBX mb;
  MESSAGECACHE elt;
  SIZEDTEXT st;
  unsigned long ul;
  long codes[] = {0,-1,1,99,12345,999999,0x7fffffffL};
  int i;
  hugebrace[0] = '{';
  /* unknown parameter codes */
  for (i = 0; i < (int) (sizeof (codes) / sizeof (codes[0])); i++) {
    printf ("mail_parameters(%ld)=%s\n",codes[i],
            NN (mail_parameters (NIL,codes[i],NIL)));
    printf ("env_parameters(%ld)=%s\n",codes[i],
            NN (env_parameters (codes[i],NIL)));
    printf ("tcp_parameters(%ld)=%s\n",codes[i],
            NN (tcp_parameters (codes[i],NIL)));
  }
  /* NULL where the original checks */
  printf ("cpystr(NIL)=%s\n",NN (cpystr (NIL)));
  printf ("compare_cstring(NIL,NIL)=%d\n",compare_cstring (NIL,NIL));
  printf ("compare_cstring(NIL,x)=%d\n",compare_cstring (NIL,(unsigned char *) "x"));
  printf ("search(NIL)=%ld\n",search (NIL,0,NIL,0));
  printf ("search(neg)=%ld\n",search ((unsigned char *) "abc",-5,(unsigned char *) "b",-1));
  printf ("ssearch(neg)=%ld\n",ssearch ((unsigned char *) "abc",3,(unsigned char *) "b",-1));
  ul = 0;
  printf ("find_rightmost_bit(0)=%lu\n",find_rightmost_bit (&ul));
  printf ("mail_lookup_auth(0)=%s\n",NN (mail_lookup_auth (0)));
  printf ("mail_lookup_auth(99999)=%s\n",NN (mail_lookup_auth (99999)));
  printf ("mail_lookup_auth_name(NIL)=%u\n",mail_lookup_auth_name (NIL,0));
  printf ("mail_lookup_auth_name(huge)=%u\n",mail_lookup_auth_name (huge,0));
  {
    ENVELOPE *env = NIL; BODY *body = NIL; ADDRESS *adr = NIL;
    STRINGLIST *sl = NIL; SEARCHPGM *pgm = NIL; THREADNODE *thr = NIL;
    mail_free_envelope (&env);
    mail_free_body (&body);
    mail_free_address (&adr);
    mail_free_stringlist (&sl);
    mail_free_searchpgm (&pgm);
    mail_free_threadnode (&thr);
    printf ("free(&NIL) ok\n");
  }
  memset (&st,0,sizeof (st));
  printf ("cpytxt(NIL,0)=%s\n",NN (cpytxt (&st,NIL,0)));
  printf ("cpytxt size=%lu\n",st.size);
  fs_give ((void **) &st.data);
  /* overlong strings */
  printf ("mail_valid_net_parse(huge)=%ld\n",mail_valid_net_parse (huge,&mb));
  printf ("mail_valid_net_parse({huge)=%ld\n",mail_valid_net_parse (hugebrace,&mb));
  printf ("mail_valid({huge)=%s\n",NN (mail_valid (NIL,hugebrace,"open mailbox")));
  printf ("mail_create(huge)=%ld\n",mail_create (NIL,huge));
  printf ("mail_create({huge)=%ld\n",mail_create (NIL,hugebrace));
  printf ("mail_delete(huge)=%ld\n",mail_delete (NIL,huge));
  printf ("mail_rename(huge)=%ld\n",mail_rename (NIL,huge,huge));
  mail_list (NIL,huge,"*");
  mail_list (NIL,NIL,huge);
  mail_lsub (NIL,"",huge);
  mail_scan (NIL,"",huge,"x");
  printf ("mail_status({huge)=%ld\n",mail_status (NIL,hugebrace,SA_MESSAGES));
  memset (&elt,0,sizeof (elt));
  printf ("mail_parse_date(huge)=%ld\n",mail_parse_date (&elt,(unsigned char *) huge));
  printf ("mail_parse_date(junk)=%ld\n",
          mail_parse_date (&elt,(unsigned char *) "99 Foo 99999 99:99:99 +9999"));
  printf ("mail_shortdate(big)=%u\n",mail_shortdate (0xffffffff,99,99));
  {
    HASHTAB *h = hash_create (7);
    printf ("hash_lookup(huge)=%s\n",NN (hash_lookup (h,huge)));
    hash_add (h,huge,(void *) 1,0);
    printf ("hash_lookup(huge) after add=%s\n",NN (hash_lookup (h,huge)));
    hash_destroy (&h);
    printf ("hash_destroy cleared=%s\n",NN (h));
  }
  {
    unsigned char *dst = NIL;
    unsigned long dstl = 0;
    printf ("strcrlfcpy(empty)=%lu\n",strcrlfcpy (&dst,&dstl,(unsigned char *) "",0));
    fs_give ((void **) &dst);
  }
  {
    STRING bs;
    INIT (&bs,mail_string,(void *) "",0);
    printf ("strcrlflen(empty)=%lu\n",strcrlflen (&bs));
  }
  tmp[0] = '\0';
  printf ("dummy_file(huge)=%s\n",NN (dummy_file (tmp,huge)));
  free (huge);
  free (hugebrace);
}

/* Ours only: functions that were stubs once (the IMAP annotation and
 * append-referral helpers, implemented now), called with hostile
 * arguments the original would crash on: each fails quietly (no "not
 * available" report is left). */
static void stubs (void)
{
  /* Internal IMAP helpers that no program of the toolkit's users
   * imports: they stay unimplemented longest. */
  printf ("imap_getannotation=%ld\n",imap_getannotation (NIL,NIL,NIL,NIL));
  printf ("mail_thread=%s\n",NN (mail_thread (NIL,NIL,NIL,NIL,-1)));
  printf ("mail_sort=%s\n",NN (mail_sort (NIL,NIL,NIL,NIL,-1)));
  printf ("imap_setannotation=%ld\n",imap_setannotation (NIL,NIL));
  /* internal, not in any header: the original's prototype */
  {
    extern long imap_append_referral (char *mailbox,char *tmp,append_t af,
				      void *data,char *flags,char *date,
				      STRING *message,void *map,
				      long options);
    char tmp[MAILTMPLEN];
    printf ("imap_append_referral=%ld\n",
	    imap_append_referral (NIL,NIL,NIL,NIL,NIL,NIL,NIL,NIL,0));
    printf ("imap_append_referral(name)=%ld\n",
	    imap_append_referral ("{",tmp,NIL,NIL,"(",NIL,NIL,NIL,-1));
  }
  /* implemented now: hostile arguments fail quietly */
  printf ("imap_cache=%ld\n",imap_cache (NIL,0,NIL,NIL,NIL));
  printf ("imap_cache(huge)=%ld\n",imap_cache (NIL,~0UL,"1.2.3",NIL,NIL));
}

int main (int argc,char **argv)
{
#include "linkage.c"
  setvbuf (stdout,NIL,_IOLBF,0);
  if (argc > 1 && !strcmp (argv[1],"stubs")) stubs ();
  else hostile ();
  printf ("done\n");
  return 0;
}
