#!/bin/bash
# NNTP reading benchmark: the original c-client and ours, same program
# (built once against the original's headers), same private INN
# (c-tests/lib/inn.sh, 127.0.0.1:15150) holding BENCH_NNTP_MSGS articles
# (default 1000) in one group. Timed, each in its own process: opening the
# group (GROUP, LISTGROUP, .newsrc), mail_fetch_overview over every
# article (OVER), and HEAD+BODY of the first 20 articles (INN answers
# each of those some 40 ms late, whichever library asks: Nagle against
# delayed ACKs, so this one measures the server). Prints the seconds (best
# of BENCH_ROUNDS, default 3) and the ratios original/ours. Reported,
# never asserted. Needs root and INN (Debian inn2); skipped otherwise.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$root/c-tests/lib/common.sh"
. "$root/c-tests/lib/inn.sh"
N=${BENCH_NNTP_MSGS:-1000}
ROUNDS=${BENCH_ROUNDS:-3}
PORT=15150
inn_available || { echo "nntp bench: INN not installed (or not root); skipped"; exit 0; }
have_test_user || { echo "nntp bench: test user $CCT_USER missing; skipped"; exit 0; }
[ -f "$root/build/lib/libc-client.so.2007e" ] || { echo "nntp bench: build/lib missing (make)"; exit 0; }
W=$(mktemp -d /tmp/nntpbench.XXXXXX)
chmod 755 "$W"
trap 'inn_stop; rm -rf "$W"' EXIT
cat >"$W/b.c" <<'CEOF'
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "c-client.h"
#include "mm_callbacks.h"
static double now (void) { struct timespec t; clock_gettime (CLOCK_MONOTONIC,&t); return t.tv_sec + t.tv_nsec / 1e9; }
static unsigned long seen;
static void ov (MAILSTREAM *s,unsigned long uid,OVERVIEW *o,unsigned long msgno) { if (o) seen++; }
/* b MAILBOX OP: OP one of open overview fetch */
int main (int argc,char **argv)
{
  double t0 = now (),t1;
  unsigned long i,n;
  MAILSTREAM *s;
#include "linkage.c"
  s = mail_open (NIL,argv[1],OP_READONLY);
  if (!s) { printf ("%s FAILED open\n",argv[2]); return 1; }
  if (strcmp (argv[2],"open")) {
    t0 = now ();
    if (!strcmp (argv[2],"overview")) { mail_fetch_overview (s,"1:*",ov); n = seen; }
    else for (i = 1, n = 0; i <= s->nmsgs && i <= 20; i++) {
      mail_fetchheader_full (s,i,NIL,NIL,FT_PEEK);
      if (mail_fetchtext_full (s,i,NIL,FT_PEEK)) n++;
    }
  }
  else n = s->nmsgs;
  t1 = now ();
  printf ("RESULT %s n=%lu t=%.4f\n",argv[2],n,t1 - t0);
  mail_close (s);
  return 0;
}
CEOF
cc -O2 -w -I"$CCT_ORIG_INC" -I"$root/c-tests/lib" -o "$W/b" "$W/b.c" -lc-client || { echo "nntp bench: build failed"; exit 0; }
stage_lib "$W/lib"
inn_start "$W/inn" "$PORT" || { echo "nntp bench: INN did not start"; exit 0; }
python3 - "$PORT" "$N" <<'PY'
import socket, sys, time, email.utils
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port), timeout=60)
f = s.makefile("rwb")
f.readline()
f.write(b"MODE READER\r\n"); f.flush(); f.readline()
d = email.utils.formatdate(time.time() - 3600, usegmt=True)
for i in range(n):
    f.write(b"POST\r\n"); f.flush()
    assert f.readline()[:3] == b"340"
    art = ("Newsgroups: test.one\r\nFrom: Bench %d <bench%d@example.org>\r\nSubject: benchmark article %d\r\n"
           "Date: %s\r\n\r\n" % (i, i, i, d)) + "".join("line %d of article %d with some words\r\n" % (k, i) for k in range(30))
    f.write(art.encode() + b".\r\n"); f.flush()
    assert f.readline()[:3] == b"240"
f.write(b"QUIT\r\n"); f.flush()
PY
H=$W/home; mkdir -p "$H"; chown "$CCT_USER" "$H"
MBX="{127.0.0.1:$PORT/nntp}#news.test.one"
best() { # LIB OP: best time of ROUNDS
    local lib=$1 op=$2 b="" t envlib="CCT_LIB=original"
    [ "$lib" = ours ] && envlib="LD_LIBRARY_PATH=$W/lib"
    for _ in $(seq "$ROUNDS"); do
        t=$(cd "$H" && runuser -u "$CCT_USER" -- env "$envlib" HOME="$H" "$W/b" "$MBX" "$op" 2>/dev/null |
            sed -n 's/^RESULT .* t=//p')
        [ -z "$t" ] && { echo "FAILED"; return; }
        if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; fi
    done
    echo "$b"
}
echo "nntp bench: $N articles over NNTP (INN on loopback), seconds, best of $ROUNDS"
printf '%-10s %10s %10s %8s\n' op original ours ratio
for op in open overview fetch; do
    o=$(best original "$op"); u=$(best ours "$op")
    r=$(awk "BEGIN{ if ($u > 0) printf \"%.2f\", $o / $u; else print \"-\" }" 2>/dev/null)
    printf '%-10s %10s %10s %8s\n' "$op" "$o" "$u" "$r"
done
