/*
 * unix.h -- the traditional UNIX (mbox) format: recognising a message's "From " line.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_UNIX_H_INCLUDED
#define CCLIENT_UNIX_H_INCLUDED

/* BEGIN GENERATED constants */
#define KODRETRY 15
#define LOCKTIMEOUT 5
/* END GENERATED constants */

/*
 * VALID(s,x,ti,zn): is the line at s a message separator?
 *
 * On return ti is non-zero when it is: x then points at the end of the date
 * (a trailing " remote from host" and the CR of a CRLF are not included),
 * x[ti] is the blank before the time of day, and zn is the offset from x of
 * the blank before the time zone, or 0 when the line has no zone.  The
 * accepted shapes are "From who Www Mmm dd hh:mm[:ss] [zone] yyyy" with the
 * zone as a name, a +/-hhmm offset, or both, and the year last or just
 * before the zone.
 */
#define VALID(s,x,ti,zn) { \
  ti = 0; \
  if (!strncmp ((char *) (s),"From ",5)) { \
    for (x = (s) + 5; *x && (*x != '\012'); ++x); \
    if (*x) { \
      if (x[-1] == '\015') --x; \
      if ((x - (s)) >= 41) { \
	for (zn = -1; x[zn] != ' '; --zn); \
	if (!strncmp ((char *) x + zn - 12," remote from",12)) x += zn - 12; \
      } \
      if ((x - (s)) >= 27) { \
	if (x[-5] == ' ') { \
	  if (x[-8] == ':') { zn = 0; ti = -5; } \
	  else if (x[-9] == ' ') ti = zn = -9; \
	  else if ((x[-11] == ' ') && ((x[-10] == '+') || (x[-10] == '-'))) \
	    ti = zn = -11; \
	} \
	else if (x[-4] == ' ') { \
	  if (x[-9] == ' ') { zn = -4; ti = -9; } \
	} \
	else if (x[-6] == ' ') { \
	  if ((x[-11] == ' ') && ((x[-5] == '+') || (x[-5] == '-'))) { \
	    zn = -6; ti = -11; \
	  } \
	} \
	if (ti) { \
	  if (x[ti - 3] != ':') ti = 0; \
	  else { \
	    ti -= (x[ti - 6] == ':') ? 9 : 6; \
	    if ((x[ti] != ' ') || (x[ti - 3] != ' ') || (x[ti - 7] != ' ') || \
		(x[ti - 11] != ' ')) ti = 0; \
	  } \
	} \
      } \
    } \
  } \
}

#endif /* CCLIENT_UNIX_H_INCLUDED */
