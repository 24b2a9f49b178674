/* Preloaded into a program built without the Maildir driver in its
 * linkage.c (Debian's mailutil): registers mddriver before main() runs,
 * as EXTRADRIVERS=md would. */
#include "c-client.h"

extern DRIVER mddriver;

__attribute__ ((constructor)) static void link_maildir (void)
{
  mail_link (&mddriver);
}
