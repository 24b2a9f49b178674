/* Differential probe of c-client's date routines.
 * Usage: dates_diff MODE < lines
 *   parse     each line is a date string; prints the parse result and fields
 *   fields    each line is "day month year hours minutes seconds zocc zh zm";
 *             prints mail_date, mail_cdate, mail_longdate, mail_shortdate
 *   criteria  each line is the argument of a SINCE search key
 *   now       prints rfc822_date, rfc822_fixed_date, internal_date, then
 *             rfc822_date without zone text (set through mail_parameters)
 * Every output line is one record; the Rust side prints the same format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../mm_stubs.h"

static void fields (MESSAGECACHE *e)
{
  printf ("D=%u M=%u Y=%u h=%u m=%u s=%u zo=%u zh=%u zm=%u",
	  e->day,e->month,e->year,e->hours,e->minutes,e->seconds,
	  e->zoccident,e->zhours,e->zminutes);
}

static void formats (MESSAGECACHE *e)
{
  char tmp[MAILTMPLEN];
  char *nl;
  printf ("|%s",mail_date (tmp,e));
  mail_cdate (tmp,e);
  if ((nl = strchr (tmp,'\n'))) *nl = '\0';
  printf ("|%s\\n",tmp);
  printf ("|%lu|%u",mail_longdate (e),
	  (unsigned) mail_shortdate (e->year,e->month,e->day));
}

int main (int argc,char *argv[])
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  const char *mode = argc > 1 ? argv[1] : "parse";
  if (!strcmp (mode,"now")) {
    char tmp[MAILTMPLEN];
    rfc822_date (tmp); printf ("%s\n",tmp);
    rfc822_fixed_date (tmp); printf ("%s\n",tmp);
    internal_date (tmp); printf ("%s\n",tmp);
    mail_parameters (NIL,SET_DISABLE822TZTEXT,(void *) 1);
    rfc822_date (tmp); printf ("%s\n",tmp);
    return 0;
  }
  while ((n = getline (&line,&cap,stdin)) >= 0) {
    if (n && line[n-1] == '\n') line[--n] = '\0';
    if (!strcmp (mode,"parse")) {
      MESSAGECACHE e;
      long r;
      memset (&e,0,sizeof (e));
      r = mail_parse_date (&e,(unsigned char *) line);
      printf ("%c ",r ? 'T' : 'F');
      fields (&e);
      if (r) formats (&e);
      printf ("\n");
    }
    else if (!strcmp (mode,"fields")) {
      unsigned v[9];
      MESSAGECACHE e;
      if (sscanf (line,"%u %u %u %u %u %u %u %u %u",v,v+1,v+2,v+3,v+4,v+5,
		  v+6,v+7,v+8) != 9) continue;
      memset (&e,0,sizeof (e));
      e.day = v[0]; e.month = v[1]; e.year = v[2]; e.hours = v[3];
      e.minutes = v[4]; e.seconds = v[5]; e.zoccident = v[6];
      e.zhours = v[7]; e.zminutes = v[8];
      fields (&e);
      formats (&e);
      printf ("\n");
    }
    else if (!strcmp (mode,"criteria")) {
      char *buf = malloc (n + 7);
      char *r = NULL;
      unsigned short d = 0;
      int ret;
      sprintf (buf,"SINCE %s",line);
      strtok_r (buf," ",&r);
      ret = mail_criteria_date (&d,&r);
      printf ("%d %u\n",ret ? 1 : 0,ret ? (unsigned) d : 0);
      free (buf);
    }
  }
  free (line);
  return 0;
}
