/* Differential probe of c-client's transfer-encoding routines.
 * Usage: encodings_diff < lines
 * Each input line is the hex of one input buffer. For each, the probe calls
 * rfc822_base64, rfc822_binary, rfc822_qprint and rfc822_8bit and prints one
 * record per call, "NAME LEN HEX" (or "NAME NIL"), preceded by any mm_log
 * lines ("LOG LEVEL HEX") the call produced. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../mm_stubs.h"

static void put (const char *name,unsigned char *p,unsigned long len)
{
  unsigned long i;
  if (!p) { printf ("%s NIL\n",name); return; }
  printf ("%s %lu ",name,len);
  for (i = 0; i < len; i++) printf ("%02x",p[i]);
  printf ("\n");
  fs_give ((void **) &p);
}

static int hexval (int c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int main (void)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline (&line,&cap,stdin)) >= 0) {
    unsigned long len,i;
    unsigned char *buf;
    if (n && line[n-1] == '\n') line[--n] = '\0';
    len = n / 2;
    /* NUL after the data, as a C caller's string would have */
    buf = malloc (len + 1);
    for (i = 0; i < len; i++)
      buf[i] = (hexval (line[2*i]) << 4) | hexval (line[2*i+1]);
    buf[len] = '\0';
    printf ("IN %lu\n",len);
    { unsigned long l = 0; void *r = rfc822_base64 (buf,len,&l);
      put ("B64",r,l); }
    { unsigned long l = 0; unsigned char *r = rfc822_binary (buf,len,&l);
      put ("BIN",r,l); }
    { unsigned long l = 0; unsigned char *r = rfc822_qprint (buf,len,&l);
      put ("QP",r,l); }
    { unsigned long l = 0; unsigned char *r = rfc822_8bit (buf,len,&l);
      put ("8B",r,l); }
    free (buf);
  }
  free (line);
  return 0;
}
