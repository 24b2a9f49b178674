/* auths.c -- the authenticator sources the default Linux build compiles
 * into the library (Kerberos via MIT GSSAPI, EXTERNAL, CRAM-MD5, PLAIN,
 * LOGIN).  Only meaningful inside the library's own build; kept for file
 * name compatibility.  Part of the memory-safe c-client replacement. */
#include "kerb_mit.c"
#include "auth_gss.c"
#include "auth_ext.c"
#include "auth_md5.c"
#include "auth_pla.c"
#include "auth_log.c"
