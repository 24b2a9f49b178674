/* Network transport differential: run with the original and ours, outputs compared. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "c-client.h"

static void p(const char *tag, const char *s) { printf("%s: %s\n", tag, s ? s : "(nil)"); }
static int showtrying = 0;
void mm_log(char *s, long e) {
  if (!showtrying && !strncmp(s, "Trying IP address", 17)) return;
  printf("log[%ld]: %s\n", e, s);
}
void mm_dlog(char *s) {}
void mm_searched(MAILSTREAM *s, unsigned long n) {}
void mm_exists(MAILSTREAM *s, unsigned long n) {}
void mm_expunged(MAILSTREAM *s, unsigned long n) {}
void mm_flags(MAILSTREAM *s, unsigned long n) {}
void mm_notify(MAILSTREAM *s, char *t, long e) {}
void mm_list(MAILSTREAM *s, int d, char *n, long a) {}
void mm_lsub(MAILSTREAM *s, int d, char *n, long a) {}
void mm_status(MAILSTREAM *s, char *m, MAILSTATUS *st) {}
void mm_login(NETMBX *mb, char *u, char *pw, long t) { strcpy(u, "alice"); strcpy(pw, "alicepw"); }
void mm_critical(MAILSTREAM *s) {}
void mm_nocritical(MAILSTREAM *s) {}
long mm_diskerror(MAILSTREAM *s, long e, long ser) { return 1; }
void mm_fatal(char *s) { printf("fatal: %s\n", s); }

static int timeouts = 0;
static long tmo(long overall, long last) { timeouts++; return NIL; }
static void sslfail(char *host, char *reason, unsigned long flags) {
  /* The library's wording differs only in OpenSSL's detail; print the class. */
  printf("sslfailure host=%s class=%s\n", host, strstr(reason, "certificate") || strstr(reason, "self") || strstr(reason, "mismatch") ? "certificate" : "other");
}

/* SET_SSLCERTIFICATEQUERY: asked with (reason, host, certificate subject);
   its answer decides. The reason's wording is OpenSSL's: print its class. */
static long cqanswer = 0;
static long certquery(char *reason, char *host, char *cert) {
  printf("certquery host=%s class=%s cert=%s answer=%ld\n", host,
         reason && (strstr(reason, "certificate") || strstr(reason, "self")) ? "certificate" : "other",
         cert ? cert : "(nil)", cqanswer);
  return cqanswer;
}

static TCPSTREAM *authstream;
static char lastline[1024];
static void *chal(void *st, unsigned long *len) {
  char *l = tcp_getline(authstream);
  if (!l) return NIL;
  if (l[0] == '+') { void *r = rfc822_base64((unsigned char *) l + 2, strlen(l + 2), len); if (!r) { r = cpystr(""); *len = 0; } fs_give((void **) &l); return r; }
  strncpy(lastline, l, sizeof lastline - 1); fs_give((void **) &l); return NIL;
}
static long resp(void *st, char *s, unsigned long n) {
  unsigned long len; char *b, *t, *u;
  if (!s) return tcp_soutr(authstream, "*\r\n");
  b = n ? (char *) rfc822_binary(s, n, &len) : cpystr("");
  for (t = u = b; *t; t++) if (*t != '\r' && *t != '\n') *u++ = *t;
  *u = '\0';
  tcp_soutr(authstream, b); fs_give((void **) &b);
  return tcp_soutr(authstream, "\r\n");
}

int main(int argc, char **argv) {
  char *port = argv[2], *sport = argv[3], *silent = argv[4];
  unsigned long prt = strtoul(port, NIL, 10), sprt = strtoul(sport, NIL, 10);
#include "linkage.c"
  const char *what = argv[1];
  if (!strcmp(what, "plain")) {
    TCPSTREAM *t = tcp_open("127.0.0.1", NIL, prt);
    char *l = t ? tcp_getline(t) : NIL;
    p("greeting-prefix", l ? (l[4] = '\0', l) : NIL);
    p("soutr", t && tcp_soutr(t, "a LOGIN alice alicepw\r\n") ? "T" : "NIL");
    l = t ? tcp_getline(t) : NIL;
    p("login", l ? (strchr(l, ' ') ? (strchr(l, ' ')[3] = '\0', l) : l) : NIL);
    p("host", t ? tcp_host(t) : NIL);
    printf("port: %lu\n", t ? tcp_port(t) : 0);
    if (t) tcp_close(t);
  } else if (!strcmp(what, "refused")) {
    TCPSTREAM *t = tcp_open("127.0.0.1", NIL, sprt);
    p("refused", t ? "open" : "NIL");
    t = tcp_open("no-such-host.invalid", NIL, 143);
    p("nohost", t ? "open" : "NIL");
    t = tcp_open("[not an address]", NIL, 143);
    p("badliteral", t ? "open" : "NIL");
  } else if (!strcmp(what, "timeout")) {
    TCPSTREAM *t;
    mail_parameters(NIL, SET_READTIMEOUT, (void *) 1);
    mail_parameters(NIL, SET_TIMEOUT, (void *) tmo);
    t = tcp_open("127.0.0.1", NIL, prt);
    p("open", t ? "T" : "NIL");
    p("getline", t ? tcp_getline(t) : NIL);
    printf("timeout-callbacks: %d\n", timeouts);
  } else if (!strcmp(what, "ssl") || !strcmp(what, "sslnv") || !strcmp(what, "sslcb") ||
             !strcmp(what, "sslcq")) {
    NETDRIVER *d = (NETDRIVER *) mail_parameters(NIL, GET_SSLDRIVER, NIL);
    unsigned long flags = !strcmp(what, "sslnv") ? NET_NOVALIDATECERT : 0;
    void *s;
    if (!strcmp(what, "sslcb")) mail_parameters(NIL, SET_SSLFAILURE, (void *) sslfail);
    if (!strcmp(what, "sslcq")) {
      cqanswer = argc > 6 && !strcmp(argv[6], "yes");
      mail_parameters(NIL, SET_SSLCERTIFICATEQUERY, (void *) certquery);
      mail_parameters(NIL, SET_SSLFAILURE, (void *) sslfail);
    }
    s = d ? (*d->open)(argv[5], NIL, sprt | flags) : NIL;
    p("sslopen", s ? "T" : "NIL");
    if (s) {
      char *l = (*d->getline)(s);
      p("greeting-prefix", l ? (l[4] = '\0', l) : NIL);
      (*d->close)(s);
    }
  } else if (!strcmp(what, "sasl")) {
    AUTHENTICATOR *a; NETMBX mb; char user[NETMAXUSER], cmd[200]; unsigned long trial = 1; long r;
    char *l;
    mail_valid_net_parse("{127.0.0.1/tls}INBOX", &mb);
    authstream = tcp_open("127.0.0.1", NIL, prt);
    l = authstream ? tcp_getline(authstream) : NIL;
    for (a = mail_lookup_auth(1); a; a = a->next) if (!strcmp(a->name, argv[5])) break;
    if (!a || !a->client) { p("authenticator", "missing"); return 0; }
    sprintf(cmd, "a AUTHENTICATE %s\r\n", argv[5]);
    tcp_soutr(authstream, cmd);
    user[0] = '\0'; lastline[0] = '\0';
    r = (*a->client)(chal, resp, "imap", &mb, NIL, &trial, user);
    if (r && !lastline[0]) { l = tcp_getline(authstream); if (l) strncpy(lastline, l, sizeof lastline - 1); }
    printf("client=%ld trial=%lu user=%s tagged=%.4s\n", r, trial, user, lastline);
  } else if (!strcmp(what, "rsh")) {
    /* rsh NAME TIMEOUT SCRIPT: tcp_aopen on NAME's host with SCRIPT as
       the rsh program and TIMEOUT (0: left at the default). */
    NETMBX mb;
    char usr[MAILTMPLEN];
    long secs = strtol(argv[3], NIL, 10);
    memset(&mb, 0, sizeof mb);
    mail_parameters(NIL, SET_RSHPATH, (void *) argv[4]);
    if (secs) mail_parameters(NIL, SET_RSHTIMEOUT, (void *) secs);
    if (!mail_valid_net_parse(argv[2], &mb)) { p("parse", "NIL"); return 0; }
    p("aopen", tcp_aopen(&mb, "imap", usr) ? "T" : "NIL");
  } else if (!strcmp(what, "multi")) {
    /* multi HOST PORT: tcp_open on a name with several addresses. */
    TCPSTREAM *t;
    showtrying = 1;
    t = tcp_open(argv[2], NIL, strtoul(argv[3], NIL, 10));
    p("open", t ? "T" : "NIL");
    p("greeting", t ? tcp_getline(t) : NIL);
    p("remote", t ? tcp_remotehost(t) : NIL);
    if (t) tcp_close(t);
  } else if (!strcmp(what, "parse")) {
    char line[2048];
    while (fgets(line, sizeof line, stdin)) {
      NETMBX mb;
      long r;
      line[strcspn(line, "\n")] = '\0';
      memset(&mb, 0, sizeof mb);
      r = mail_valid_net_parse(line, &mb);
      printf("%s => %ld", line, r);
      if (r) printf(" host=%s orig=%s user=%s auth=%s mbx=%s svc=%s port=%lu a%d d%d s%d ssl%d try%d nv%d tls%d notls%d ro%d norsh%d loser%d",
                    mb.host, mb.orighost, mb.user, mb.authuser, mb.mailbox, mb.service, mb.port,
                    mb.anoflag, mb.dbgflag, mb.secflag, mb.sslflag, mb.trysslflag, mb.novalidate,
                    mb.tlsflag, mb.notlsflag, mb.readonlyflag, mb.norsh, mb.loser);
      printf("\n");
    }
  }
  return 0;
}
