/* checkpw, the password back end the library was built with, compiled
 * once against the ORIGINAL headers; c-tests/passwdtype/run.sh runs it on
 * the original library (PAM) and on our PASSWDTYPE variants.
 *
 *   ckpw SERVICE USER PASSWORD LABEL [USER PASSWORD LABEL ...]
 *
 * For each triple: the verdict of checkpw (PAM service SERVICE when the
 * back end is PAM), any mm_notify the check makes, and the logout hook it
 * arms (PAM keeps its handle until then), which is then run and disarmed.
 */
#include <stdio.h>
#include <pwd.h>
#define MM_OWN_NOTIFY
#include "../lib/mm_callbacks.h"

void mm_notify (MAILSTREAM *stream,char *string,long errflg)
{
  printf ("  notify %s%s\n",string,errflg == WARN ? " (WARN)" : "");
}

int main (int argc,char *argv[])
{
  int i;
#include "linkage.c"
  if (argc < 2) return 2;
  mail_parameters (NIL,SET_SERVICENAME,(void *) argv[1]);
  for (i = 2; i + 2 < argc; i += 3) {
    struct passwd *pw = getpwnam (argv[i]);
    if (!pw) printf ("%s %s: no such user\n",argv[i],argv[i+2]);
    else {
      logouthook_t lgoh;
      printf ("%s %s: %s\n",argv[i],argv[i+2],
	      checkpw (pw,argv[i+1],0,NIL) == pw ? "accepted" : "refused");
				/* the back end's cleanup hook, as imapd runs
				 * it at logout, then disarmed */
      if ((lgoh = (logouthook_t) mail_parameters (NIL,GET_LOGOUTHOOK,NIL))) {
	printf ("  logout hook armed, data %s\n",
		mail_parameters (NIL,GET_LOGOUTDATA,NIL) ? "set" : "NIL");
	(*lgoh) (mail_parameters (NIL,GET_LOGOUTDATA,NIL));
	mail_parameters (NIL,SET_LOGOUTHOOK,NIL);
	mail_parameters (NIL,SET_LOGOUTDATA,NIL);
      }
    }
    fflush (stdout);
  }
  return 0;
}
