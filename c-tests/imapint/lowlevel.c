/* The original's low-level exports that need no mail server: md5_* with
 * the caller-owned MD5CONTEXT, ip_*, tcp_name, tcp_socket_open,
 * tcp_isclienthost, netmsg_slurp/netmsg_read (from a NETSTREAM this
 * program serves itself on 127.0.0.1), imap_send_sdate and
 * imap_send_spgm_trim. Built against the ORIGINAL headers and run with
 * both libraries; the outputs must be identical.
 *
 * usage: lowlevel BASEPORT   (uses BASEPORT+1 .. BASEPORT+3) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#define MM_OWN_LOG
#include "../lib/mm_callbacks.h"

void mm_log (char *string,long errflg) { printf ("  mm_log(%ld) %s\n",errflg,string); }

typedef struct {		/* the original's MD5CONTEXT (auth_md5.c) */
  unsigned long chigh;
  unsigned long clow;
  unsigned long state[4];
  unsigned char buf[64];
  unsigned char *ptr;
} MD5CONTEXT;

void md5_init (MD5CONTEXT *ctx);
void md5_update (MD5CONTEXT *ctx,unsigned char *data,unsigned long len);
void md5_final (unsigned char *digest,MD5CONTEXT *ctx);
void *ip_stringtoaddr (char *text,size_t *len,int *family);
struct sockaddr *ip_newsockaddr (size_t *len);
struct sockaddr *ip_sockaddr (int family,void *adr,size_t adrlen,
			      unsigned short port,size_t *len);
char *ip_sockaddrtostring (struct sockaddr *sadr);
long ip_sockaddrtoport (struct sockaddr *sadr);
char *ip_sockaddrtoname (struct sockaddr *sadr);
void *ip_nametoaddr (char *name,size_t *len,int *family,char **canonical,
		     void **next);
char *tcp_name (struct sockaddr *sadr,long flag);
int tcp_socket_open (int family,void *adr,size_t adrlen,unsigned short port,
		     char *tmp,int *ctr,char *hst);
long tcp_isclienthost (char *host);
FILE *netmsg_slurp (NETSTREAM *stream,unsigned long *size,unsigned long *hsiz);
long netmsg_read (void *stream,unsigned long count,char *buffer);
void imap_send_sdate (char **s,char *name,unsigned short date);
char *imap_send_spgm_trim (char *base,char *s,char *text);

static void hex (unsigned char *d,int n)
{
  int i;
  for (i = 0; i < n; i++) printf ("%02x",d[i]);
}

static void md5 (const char *label,unsigned char *data,unsigned long len,
		 int chunk)
{
  MD5CONTEXT ctx;
  unsigned char digest[16];
  unsigned long i,n;
  int zero = 1;
  memset (&ctx,0x5a,sizeof ctx);
  md5_init (&ctx);
  for (i = 0; i < len; i += n) {
    n = chunk ? chunk : len;
    if (n > len - i) n = len - i;
    md5_update (&ctx,data + i,n);
  }
  /* only the low 32 bits of the state words are MD5 state; the
     original leaves carries in the upper half of its 64-bit words */
  printf ("md5 %s chunk=%d: clow=%lu chigh=%lu fill=%ld state=%08lx %08lx %08lx %08lx\n",
	  label,chunk,ctx.clow,ctx.chigh,(long) (ctx.ptr - ctx.buf),
	  ctx.state[0] & 0xffffffff,ctx.state[1] & 0xffffffff,ctx.state[2] & 0xffffffff,
	  ctx.state[3] & 0xffffffff);
  md5_final (digest,&ctx);
  for (i = 0; i < sizeof ctx; i++) if (((unsigned char *) &ctx)[i]) zero = 0;
  printf ("  digest ");
  hex (digest,16);
  printf (" context erased=%d\n",zero);
}

static void show_sadr (const char *label,struct sockaddr *s,size_t len)
{
  printf ("%s: len=%lu family=%d string=%s port=%ld\n",label,
	  (unsigned long) len,s->sa_family,ip_sockaddrtostring (s),
	  ip_sockaddrtoport (s));
}

static int listener (int port)
{
  struct sockaddr_in a;
  int one = 1;
  int s = socket (AF_INET,SOCK_STREAM,0);
  setsockopt (s,SOL_SOCKET,SO_REUSEADDR,&one,sizeof one);
  memset (&a,0,sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons (port);
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (bind (s,(struct sockaddr *) &a,sizeof a) || listen (s,4)) {
    perror ("listener");
    exit (2);
  }
  return s;
}

int main (int argc,char *argv[])
{
  int base = argc > 1 ? atoi (argv[1]) : 15200;
  unsigned char data[1000];
  size_t len,slen;
  int family,i,ctr,sock,ls,cs;
  void *adr,*next;
  char *canon,*s,tmp[MAILTMPLEN],buf[MAILTMPLEN];
  struct sockaddr *sadr;
  unsigned long size,hsiz;
  FILE *f;
  NETMBX mb;
  NETSTREAM *ns;
#include "linkage.c"
  /* MD5: the RFC 1321 examples and a long text in uneven pieces */
  md5 ("empty",(unsigned char *) "",0,0);
  md5 ("abc",(unsigned char *) "abc",3,0);
  md5 ("alphabet",(unsigned char *) "abcdefghijklmnopqrstuvwxyz",26,0);
  for (i = 0; i < 1000; i++) data[i] = (unsigned char) (i * 7 + 3);
  md5 ("1000",data,1000,0);
  md5 ("1000",data,1000,1);
  md5 ("1000",data,1000,63);
  md5 ("1000",data,1000,64);
  md5 ("1000",data,1000,65);
  md5 ("55",data,55,0);
  md5 ("56",data,56,0);
  md5 ("64",data,64,0);

  /* addresses */
  adr = ip_stringtoaddr ("127.0.0.1",&len,&family);
  printf ("stringtoaddr 127.0.0.1: len=%lu family=%d adr=",(unsigned long) len,
	  family);
  hex (adr,len);
  putchar ('\n');
  sadr = ip_sockaddr (family,adr,len,143,&slen);
  show_sadr ("sockaddr v4",sadr,slen);
  s = tcp_name (sadr,NIL);
  printf ("tcp_name: %s\n",s);
  fs_give ((void **) &s);
  s = tcp_name (sadr,T);
  printf ("tcp_name verbose: %s\n",s);
  fs_give ((void **) &s);
  printf ("sockaddrtoname: %s\n",ip_sockaddrtoname (sadr) ?
	  ip_sockaddrtoname (sadr) : "(null)");
  fs_give ((void **) &sadr);
  fs_give (&adr);
  adr = ip_stringtoaddr ("::1",&len,&family);
  printf ("stringtoaddr ::1: len=%lu family=%d adr=",(unsigned long) len,family);
  hex (adr,len);
  putchar ('\n');
  sadr = ip_sockaddr (family,adr,len,993,&slen);
  show_sadr ("sockaddr v6",sadr,slen);
  fs_give ((void **) &sadr);
  fs_give (&adr);
  len = 77; family = 77;
  adr = ip_stringtoaddr ("not.an.address",&len,&family);
  printf ("stringtoaddr name: %s len=%lu family=%d\n",adr ? "addr" : "NULL",
	  (unsigned long) len,family);
  sadr = ip_sockaddr (12345,NIL,0,25,&slen);
  show_sadr ("sockaddr other",sadr,slen);
  fs_give ((void **) &sadr);
  sadr = ip_newsockaddr (&slen);
  printf ("newsockaddr: len=%lu family=%d\n",(unsigned long) slen,sadr->sa_family);
  fs_give ((void **) &sadr);
  for (adr = ip_nametoaddr ("127.0.0.1",&len,&family,&canon,&next); adr;
       adr = ip_nametoaddr (NIL,&len,&family,&canon,&next)) {
    sadr = ip_sockaddr (family,adr,len,1,&slen);
    printf ("nametoaddr 127.0.0.1: family=%d len=%lu canonical=%s addr=%s\n",
	    family,(unsigned long) len,canon,ip_sockaddrtostring (sadr));
    fs_give ((void **) &sadr);
  }
  printf ("isclienthost 127.0.0.1: %ld\n",tcp_isclienthost ("127.0.0.1"));
  mail_parameters (NIL,SET_ALLOWREVERSEDNS,NIL);
  adr = ip_stringtoaddr ("127.0.0.1",&len,&family);
  sadr = ip_sockaddr (family,adr,len,143,&slen);
  s = tcp_name (sadr,T);
  printf ("tcp_name without reverse DNS: %s\n",s);
  fs_give ((void **) &s);
  fs_give ((void **) &sadr);

  /* sockets */
  ls = listener (base + 1);
  memset (tmp,0,sizeof tmp);
  sock = tcp_socket_open (family,adr,len,base + 1,tmp,NIL,"127.0.0.1");
  printf ("socket_open listener: ok=%d tmp=%s\n",sock >= 0,tmp);
  if (sock >= 0) close (sock);
  ctr = -5;
  memset (tmp,0,sizeof tmp);
  sock = tcp_socket_open (family,adr,len,base + 1,tmp,&ctr,"127.0.0.1");
  printf ("socket_open listener with ctr: ok=%d ctr=%d tmp=%s\n",sock >= 0,ctr,
	  tmp);
  if (sock >= 0) close (sock);
  close (ls);
  memset (tmp,0,sizeof tmp);
  sock = tcp_socket_open (family,adr,len,base + 2,tmp,NIL,"127.0.0.1");
  printf ("socket_open closed port: ok=%d tmp=%s\n",sock >= 0,tmp);
  if (sock >= 0) close (sock);
  fs_give (&adr);

  /* netmsg_slurp from a NETSTREAM whose peer is this program */
  ls = listener (base + 3);
  sprintf (tmp,"{127.0.0.1:%d/notls}x",base + 3);
  if (!mail_valid_net_parse (tmp,&mb)) printf ("bad name\n");
  ns = net_open (&mb,NIL,base + 3,NIL,NIL,0);
  cs = accept (ls,NIL,NIL);
  printf ("net_open: %s accept: %s\n",ns ? "ok" : "failed",cs >= 0 ? "ok" : "failed");
  if (ns && cs >= 0) {
    const char *txt = "Subject: slurp\r\n..dotted\r\nX: y\r\n\r\nbody line\r\n"
      "..\r\nlast\r\n.\r\nafter\r\n";
    write (cs,txt,strlen (txt));
    f = netmsg_slurp (ns,&size,&hsiz);
    printf ("slurp: size=%lu hsiz=%lu\n",size,hsiz);
    if (f) {
      memset (buf,0,sizeof buf);
      printf ("netmsg_read 9: %ld",netmsg_read (f,9,buf));
      printf (" [%s]\n",buf);
      memset (buf,0,sizeof buf);
      printf ("netmsg_read rest: %ld",netmsg_read (f,size - 9,buf));
      for (s = buf; *s; s++) if (*s == '\r') *s = '~';
      printf (" [%s]\n",buf);
      printf ("netmsg_read past end: %ld\n",netmsg_read (f,1,buf));
      fclose (f);
    }
    s = net_getline (ns);
    printf ("next line: %s\n",s ? s : "(null)");
    if (s) fs_give ((void **) &s);
    close (cs);			/* the peer goes away */
    cs = -1;
    f = netmsg_slurp (ns,&size,NIL);
    printf ("slurp after the peer closed: %s size=%lu\n",f ? "file" : "NULL",size);
    if (f) fclose (f);
  }
  if (cs >= 0) close (cs);
  if (ns) net_close (ns);
  close (ls);

  /* command-buffer helpers */
  strcpy (buf,"SEARCH");
  s = buf + strlen (buf);
  imap_send_sdate (&s,"SINCE",(unsigned short) (((2024 - 1970) << 9) | (2 << 5) | 29));
  imap_send_sdate (&s,"BEFORE",(unsigned short) (((1999 - 1970) << 9) | (12 << 5) | 1));
  printf ("sdate: [%s] length %ld\n",buf,(long) (s - buf));
  strcpy (buf,"ALL");
  s = imap_send_spgm_trim (buf,buf + 3," HEADER ");
  *s = '\0';
  printf ("spgm_trim ALL+HEADER: [%s]\n",buf);
  strcpy (buf,"ALL");
  s = imap_send_spgm_trim (buf,buf + 3,NIL);
  *s = '\0';
  printf ("spgm_trim ALL alone: [%s]\n",buf);
  strcpy (buf,"ALL SEEN");
  s = imap_send_spgm_trim (buf,buf + 8,NIL);
  *s = '\0';
  printf ("spgm_trim ALL SEEN: [%s]\n",buf);
  strcpy (buf,"UNSEEN");
  s = imap_send_spgm_trim (buf,buf + 6," OR (");
  *s = '\0';
  printf ("spgm_trim other: [%s]\n",buf);
  return 0;
}
