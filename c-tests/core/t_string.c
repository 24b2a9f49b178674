/* STRING drivers: where data1, curpos, cursize, chunk and offset point after
 * INIT, each SNX and each SETPOS, for mail_string, file_string and
 * fd_string; plus strcrlflen, textcpystring and textcpyoffstring. */
#include "common.h"
#include "nl.h"
#include <fcntl.h>
#include <unistd.h>

static const char sample[] =
  "From: someone\nTo: other\r\n\r\nBody line\nlast\r\nend";

static void state (const char *what,STRING *s)
{
  printf ("%-8s pos=%lu size=%lu cursize=%lu curpos-chunk=%ld offset=%lu "
	  "chunksize=%lu sz=%lu\n",what,GETPOS (s),SIZE (s),s->cursize,
	  (long) (s->curpos - s->chunk),s->offset,s->chunksize,s->size);
}

static void walk (STRING *s,unsigned long steps)
{
  unsigned long i;
  char c;
  for (i = 0; i < steps; i++) {
    c = SNX (s);
    printf ("c=%02x ",(unsigned char) c);
    state ("snx",s);
  }
}

static void exercise (const char *name,STRING *s)
{
  SIZEDTEXT t;
  unsigned long len = SIZE (s);
  printf ("== %s\n",name);
  state ("init",s);
  printf ("chr=%02x\n",(unsigned char) CHR (s));
  walk (s,len < 12 ? len : 12);
  SETPOS (s,5); state ("setpos5",s); walk (s,3);
  SETPOS (s,len - 2); state ("setposE",s); walk (s,2);
  SETPOS (s,0); state ("setpos0",s);
  printf ("crlflen=%lu\n",strcrlflen (s)); state ("aftercl",s);
  SETPOS (s,10);
  printf ("crlflen10=%lu\n",strcrlflen (s)); state ("aftercl",s);
  memset (&t,0,sizeof (t));
  SETPOS (s,3);
  textcpystring (&t,s); show ("tcs",t.data,t.size); state ("aftertcs",s);
  textcpyoffstring (&t,s,7,9); show ("tcos",t.data,t.size); state ("aftertco",s);
  textcpyoffstring (&t,s,0,len); show ("tcos",t.data,t.size);
  free (t.data);
}

int main (int argc,char **argv)
{
  STRING s;
  char path[4096];
  unsigned long n = strlen (sample);
  FILE *f;
  int fd;
  char chunk[7];
  FDDATA d;
  if (argc < 2) return 2;
  snprintf (path,sizeof (path),"%s/string-sample",argv[1]);
  f = fopen (path,"w+");
  fwrite (sample,1,n,f);
  fflush (f);
				/* in-memory */
  memset (&s,0,sizeof (s));
  INIT (&s,mail_string,(void *) sample,n);
  printf ("data1=%lu dtb=%d\n",s.data1,s.dtb == &mail_string);
  exercise ("mail_string",&s);
				/* after exhausting, cursize has wrapped */
  INIT (&s,mail_string,(void *) "abc",3);
  walk (&s,3);
  SETPOS (&s,1); state ("mset1",&s);
				/* stdio */
  memset (&s,0,sizeof (s));
  INIT (&s,file_string,(void *) f,n);
  printf ("dtb=%d data1-byte=%02x chunk-is-data1=%d\n",s.dtb == &file_string,
	  (unsigned char) *(char *) &s.data1,s.chunk == (char *) &s.data1);
  exercise ("file_string",&s);
  fclose (f);
				/* file descriptor with a 7-byte chunk at offset 3 */
  fd = open (path,O_RDONLY);
  memset (&s,0,sizeof (s));
  memset (chunk,'#',sizeof (chunk));
  d.fd = fd; d.pos = 3; d.chunk = chunk; d.chunksize = sizeof (chunk);
  INIT (&s,fd_string,(void *) &d,n - 3);
  printf ("data1=%lu fd-same=%d chunk-same=%d\n",s.data1,
	  (long) s.data == (long) fd,s.chunk == chunk);
  exercise ("fd_string",&s);
  SETPOS (&s,n + 50); state ("beyond",&s);
				/* a chunk larger than the data */
  {
    char big[100];
    d.pos = 0; d.chunk = big; d.chunksize = sizeof (big);
    INIT (&s,fd_string,(void *) &d,n);
    exercise ("fd_string-big",&s);
  }
  close (fd);
  unlink (path);
  return 0;
}
