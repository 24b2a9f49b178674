/* A PAM module of the kind PASSWDTYPE=pmb exists for: it asks the
 * application's conversation for the password but hands it NULL instead
 * of the application's data pointer (as some PAM implementations did).
 * The password it accepts is PMB_TEST_PASSWORD; account and credential
 * steps succeed. Built and named in a test service file by
 * c-tests/passwdtype/run.sh. */
#include <stdlib.h>
#include <string.h>
#include <security/pam_modules.h>
#include <security/pam_appl.h>

#define PMB_TEST_PASSWORD "Lost-Ptr-5"

int pam_sm_authenticate (pam_handle_t *pamh,int flags,int argc,const char **argv)
{
  const struct pam_conv *conv = NULL;
  struct pam_message msg;
  const struct pam_message *msgp = &msg;
  struct pam_response *resp = NULL;
  int ok;
  (void) flags; (void) argc; (void) argv;
  if (pam_get_item (pamh,PAM_CONV,(const void **) &conv) != PAM_SUCCESS || !conv || !conv->conv)
    return PAM_AUTH_ERR;
  msg.msg_style = PAM_PROMPT_ECHO_OFF;
  msg.msg = "Password: ";
				/* the data pointer lost on the way */
  if (conv->conv (1,&msgp,&resp,NULL) != PAM_SUCCESS || !resp) return PAM_AUTH_ERR;
  ok = resp[0].resp && !strcmp (resp[0].resp,PMB_TEST_PASSWORD);
  if (resp[0].resp) free (resp[0].resp);
  free (resp);
  return ok ? PAM_SUCCESS : PAM_AUTH_ERR;
}

int pam_sm_setcred (pam_handle_t *pamh,int flags,int argc,const char **argv)
{
  (void) pamh; (void) flags; (void) argc; (void) argv;
  return PAM_SUCCESS;
}

int pam_sm_acct_mgmt (pam_handle_t *pamh,int flags,int argc,const char **argv)
{
  (void) pamh; (void) flags; (void) argc; (void) argv;
  return PAM_SUCCESS;
}
