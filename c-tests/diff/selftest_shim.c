/* Fault injector for selftest.sh: preloaded on "our" side of difftest.py so
 * that the harness can be shown to catch a crash, a hang and a changed
 * result.  Which messages are hit is chosen by substrings of the header:
 *   SHIM_CRASH=s  raise SIGSEGV before parsing
 *   SHIM_HANG=s   sleep for an hour before parsing
 *   SHIM_DIFF=s   parse, then change the envelope's subject
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "c-client.h"

typedef void (*parse_fn) (ENVELOPE **,BODY **,char *,unsigned long,STRING *,
			  char *,unsigned long,unsigned long);

static int hit (const char *var,const char *hdr)
{
  const char *s = getenv (var);
  return s && *s && strstr (hdr,s);
}

void rfc822_parse_msg_full (ENVELOPE **en,BODY **bdy,char *s,unsigned long i,
			    STRING *bs,char *host,unsigned long depth,
			    unsigned long flags)
{
  parse_fn real = (parse_fn) dlsym (RTLD_NEXT,"rfc822_parse_msg_full");
  if (!depth && hit ("SHIM_CRASH",s)) raise (SIGSEGV);
  if (!depth && hit ("SHIM_HANG",s)) sleep (3600);
  real (en,bdy,s,i,bs,host,depth,flags);
  if (!depth && hit ("SHIM_DIFF",s) && *en) {
    fs_give ((void **) &(*en)->subject);
    (*en)->subject = cpystr ("changed by selftest_shim");
  }
}
