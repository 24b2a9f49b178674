/*
 * flockcyg.h -- flock() emulation for the Cygwin port: flock() calls go to
 * flocksim(), with the usual LOCK_* operation bits.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Not used by the Linux build.
 */

#ifndef CCLIENT_FLOCKCYG_H_INCLUDED
#define CCLIENT_FLOCKCYG_H_INCLUDED

#define flock flocksim

#undef LOCK_SH
#define LOCK_SH 1
#undef LOCK_EX
#define LOCK_EX 2
#undef LOCK_NB
#define LOCK_NB 4
#undef LOCK_UN
#define LOCK_UN 8

int flocksim (int fd,int operation);

#endif /* CCLIENT_FLOCKCYG_H_INCLUDED */
