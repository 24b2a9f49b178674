/*
 * c-client.h -- the one header an application includes.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Pulls in the core API, the operating-system layer and
 * the RFC 822, SMTP, NNTP, charset and utility interfaces.
 */

#ifndef __CCLIENT_H
#define __CCLIENT_H

#ifdef __cplusplus
extern "C" {
/* Some record members are named after C++ keywords.  Rename them while the
 * declarations are read (g++ users may also need -fno-operator-names). */
#define private cclientPrivate
#define and cclientAnd
#define or cclientOr
#define not cclientNot
#endif

#include "mail.h"
#include "osdep.h"
#include "rfc822.h"
#include "smtp.h"
#include "nntp.h"
#include "utf8.h"
#include "utf8aux.h"
#include "misc.h"

#ifdef __cplusplus
/* Only `private' is given back; and/or/not stay renamed, as they always
 * have for programs built with this header. */
#undef private
}
#endif

#endif /* __CCLIENT_H */
