/*
 * os_sos.h -- operating-system layer for the "sos" port.
 *
 * Part of the memory-safe c-client replacement.  This library is built for
 * Linux only; the per-port file names are kept so that build scripts naming
 * them still work, and all of them give the Linux definitions.
 */

#include "osdep.h"
