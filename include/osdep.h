/*
 * osdep.h -- operating-system layer for the Linux port (lnx/slx/lnp/ldb).
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Every os_*.h of other ports refers here, since this
 * library only targets Linux-like systems.
 */

#ifndef CCLIENT_OSDEP_H_INCLUDED
#define CCLIENT_OSDEP_H_INCLUDED

/* Ask the C library for the X/Open and BSD interfaces the API relies on. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 1
#endif
#ifndef _BSD_SOURCE
#define _BSD_SOURCE 1
#endif

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>
#include <dirent.h>
#include <time.h>
#include <fcntl.h>
#include <syslog.h>
#include <sys/file.h>

/* Names the library's sources (and some applications) use, mapped to what
 * this system provides or to the library's own replacements. */
#define setpgrp setpgid
#define direct dirent
#define flock safe_flock

#include "env_unix.h"
#include "fs.h"
#include "ftl.h"
#include "nl.h"
#include "tcp.h"

#endif /* CCLIENT_OSDEP_H_INCLUDED */
