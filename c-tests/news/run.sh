#!/bin/bash
# news suite: the .newsrc routines and the local news driver against the
# original library.
#
# newstool.c is compiled once against the ORIGINAL headers and run with the
# original library and with ours (LD_LIBRARY_PATH), as the unprivileged
# test user, on a scratch news spool (active file, group directories with
# numbered articles, LF and CRLF ones) whose paths reach the library
# through SET_NEWSACTIVE/SET_NEWSSPOOL/SET_NEWSRC. Each case starts from the
# same .newsrc fixture; the printed callbacks and answers must be the same,
# and so must the .newsrc and .newsrc.old files left behind.
#   (a) newsrc without a stream: newsrc_state, newsrc_update (subscribe,
#       unsubscribe, already subscribed, new group, missing file, no
#       newline), newsrc_lsub with `*` and `%` patterns, newsrc_check_uid;
#   (b) the news driver: mail_valid, open (the [UNSEEN] notice, recent
#       counts, \Deleted for read articles), headers, sizes and dates,
#       texts of CRLF articles, \Seen from a fetch, read state changes
#       written to .newsrc at check and close (with the .old backup);
#   (c) newsrc_read/newsrc_write on a news stream over many .newsrc shapes:
#       subscribed/unsubscribed, ranges, odd spacing, bogus characters,
#       CRLF and CR newlines, a missing group, an empty or missing file;
#   (d) list, lsub, subscribe, unsubscribe, create/delete/rename/copy/
#       append refusals, expunge, status, search, scan.
# Log lines of other drivers that are still stubs ("not available") are
# left out of the comparison.
# The original's article loader reads texts from a wrong offset for LF
# articles (and overruns its buffers): texts are compared for CRLF
# articles only (docs/deviations.md).
# Last line: "N passed, M failed".
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/common.sh"

have_test_user || skip_suite "no user $CCT_USER to open local mailboxes as"
[ -e "$CCT_LIBDIR/libc-client.so.2007e" ] || { fail "our library is not built (make)"; finish; }
# No dot in the path: the original turns every dot of the spool path into
# a slash.
W=$(mktemp -d /tmp/news_suite_XXXXXX)
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT
if ! cc -w -I"$CCT_ORIG_INC" -o "$W/newstool" "$HERE/newstool.c" -lc-client 2>"$W/cc.log"; then
    cat "$W/cc.log"; fail "build newstool.c"; finish
fi
stage_lib "$W/lib"

run_as() { if is_root; then runuser -u "$CCT_USER" -- env "$@"; else env "$@"; fi; }
libenv() { if [ "$1" = ours ]; then echo "LD_LIBRARY_PATH=$W/lib"; else echo "CCT_LIB=original"; fi; }

# ---- the spool ---------------------------------------------------------------
S=$W/spool
mkdir -p "$S/comp/lang/c" "$S/alt/test" "$S/comp/mail/imap" "$S/alt/empty" "$S/misc/big"
printf 'comp.lang.c 0000000010 0000000003 y\nalt.test 0000000005 0000000001 y\ncomp.mail.imap 0000000000 0000000001 m\nalt.empty 0000000000 0000000001 y\nmisc.big 0000000040 0000000001 y\nalt.nodir 0000000000 0000000001 y\n' > "$W/active"
for n in 3 4 5 7 9 10; do
    printf 'Subject: art %s\nFrom: a@b.example\nNewsgroups: comp.lang.c\nMessage-ID: <%s@b.example>\n\nline one of %s\nline two\n' $n $n $n > "$S/comp/lang/c/$n"
done
printf 'Subject: one\r\nFrom: x@y.example\r\n\r\nbody of one\r\n' > "$S/alt/test/1"
printf 'Subject: two\r\nFrom: x@y.example\r\n\r\nbody\r\nof two\r\n' > "$S/alt/test/2"
printf 'Subject: three, no body\n' > "$S/alt/test/4"
printf 'Subject: five\r\n\r\n' > "$S/alt/test/5"
printf 'not an article\n' > "$S/alt/test/notes"
for n in $(seq 1 40); do printf 'Subject: big %s\r\n\r\nx\r\n' $n > "$S/misc/big/$n"; done
touch -d '2024-03-05 06:07:08 UTC' "$S"/*/*/* "$S"/*/*/*/* 2>/dev/null
chmod -R a+rX "$W"

# newsrc fixtures
fx() { printf "$2" > "$W/fx.$1"; }
fx lf      'comp.lang.c: 1-4,7\nalt.test! 1\ncomp.mail.imap: \nmisc.big: 1-10,12,20-30\n'
fx crlf    'comp.lang.c: 1-4,7\r\nalt.test: 1-2\r\n'
fx cr      'comp.lang.c: 3\ralt.test: 1\r'
fx spacing 'comp.lang.c:    3-4 , 9\nalt.test:1,2,4\n'
fx bogus   'comp.lang.c: 3-4;9\nalt.test: x\n'
fx nogroup 'other.group: 1-5\n'
fx empty   ''
fx nonl    'comp.lang.c: 1-3'
fx unsub   'comp.lang.c! 1-5,9\nalt.test! \n'
fx dup     'comp.lang.c: 1-3,5\ncomp.lang.c: 9\n'
fx beyond  'comp.lang.c: 1-20,25\nalt.test: 1-9\n'
fx noline  'options -n\ncomp.lang.c: 3\n\nalt.test: 1\n'
fx colon   ':stray\ncomp.lang.c: 4\n'
fx zero    'comp.lang.c: 0-4,7-0\n'
fx upper   'comp.lang.c: 1\ncomp.mail.imap: 1\nalt.test: 1\ncomp.lang.java! 1\ncomp: 1\n'

# tool LIB FIXTURE STEPS...: one run in a fresh home with the fixture as
# .newsrc ("none": no .newsrc); output, then the files left, into $W/out.LIB
tool() {
    local lib=$1 fix=$2; shift 2
    local H=$W/home.$lib
    rm -rf "$H"; mkdir -p "$H"
    [ "$fix" != none ] && cp "$W/fx.$fix" "$H/.newsrc"
    if is_root; then chown -R "$CCT_USER" "$H"; fi
    {
        (cd "$H" && run_as "$(libenv "$lib")" HOME="$H" TZ=UTC NEWSRC="$H/.newsrc" \
            NEWSACTIVE="$W/active" NEWSSPOOL="$S" "$W/newstool" "$@") 2>/dev/null \
            | sed "s#$H#HOME#g" | grep -v 'not available in this version of c-client$' \
            | grep -v -e "${FILTER:-^\$^}"
        for f in .newsrc .newsrc.old; do
            if [ -e "$H/$f" ]; then echo "== $f"; od -c "$H/$f" | head -n 40; fi
        done
    } > "$W/out.$lib"
}
# case LABEL FIXTURE STEPS...: both libraries, same output and files.
case_() {
    local label=$1; shift
    tool original "$@"; tool ours "$@"
    if cmp -s "$W/out.original" "$W/out.ours"; then ok "$label"
    else fail "$label"; diff "$W/out.original" "$W/out.ours" | head -n 20; fi
}

# ---- (a) newsrc without a stream --------------------------------------------
for fix in lf crlf cr spacing nonl unsub dup noline colon; do
    case_ "state $fix" $fix nstate:comp.lang.c nstate:alt.test nstate:comp.mail.imap nstate:nope
done
case_ "state missing file" none nstate:comp.lang.c
for fix in lf crlf cr nonl empty unsub noline colon; do
    case_ "update $fix" $fix nupdate:comp.lang.c:! nupdate:alt.test:: nupdate:comp.lang.c:: \
        nupdate:comp.lang.c:: nupdate:new.group:: nupdate:other:!
done
case_ "update missing file" none nupdate:comp.lang.c::
case_ "update missing file, unsubscribe" none nupdate:alt.test:!
for fix in lf upper crlf unsub; do
    case_ "lsub $fix" $fix 'nlsub:#news.*' 'nlsub:#news.%' 'nlsub:#news.comp.%' 'nlsub:#news.comp.*' \
        'nlsub:{news.example/nntp}#news.*' 'nlsub:#news.%.lang' 'nlsub:#news.alt.test'
done
case_ "lsub missing file" none 'nlsub:#news.*'
case_ "check_uid" none 'checkuid:1-3,5:1,2,3,4,5,6,7' 'checkuid:3:1,3,4' 'checkuid::1,2' \
    'checkuid:5-3:1,4,9' 'checkuid:2-0,4:1,2,3,4,5' 'checkuid:1-3;5:1,4,9' 'checkuid:10-20,30:5,15,25,35'

# ---- (b) the driver -------------------------------------------------------------
case_ "valid" lf 'valid:#news.comp.lang.c' 'valid:#news.comp.lang' 'valid:#news.alt.nodir' \
    'valid:#news.comp/lang' 'valid:#NEWS.comp.lang.c'
case_ "open LF group, headers" lf 'open:#news.comp.lang.c' dumph
# CRLF articles: the original miscounts their sizes (and so their texts).
FILTER='^size=\|^text ' case_ "open CRLF group, headers" lf 'open:#news.alt.test' dump
FILTER='^text ' case_ "fetch sets seen" lf 'open:#news.alt.test' text:2 text:2 'search:SEEN'
# Our texts against the files themselves.
tool ours lf 'open:#news.alt.test' dump 'open:#news.comp.lang.c' dump
if grep -qF 'text 13 [body of one\r\n]' "$W/out.ours" && grep -qF 'text 14 [body\r\nof two\r\n]' "$W/out.ours" \
    && grep -qF 'text 0 []' "$W/out.ours" && grep -qF 'text 25 [line one of 3\r\nline two\r\n]' "$W/out.ours" \
    && grep -qF 'size=48 ' "$W/out.ours" && grep -qF 'header 25 [Subject: three, no body\r\n]' "$W/out.ours"; then
    ok "texts and sizes of LF and CRLF articles (ours)"
else
    fail "texts and sizes of LF and CRLF articles (ours)"; grep -e '^text' -e '^size' -e '^header' "$W/out.ours" | head -n 20
fi
case_ "read state written at close" lf 'open:#news.comp.lang.c' 'set:5:\Deleted' 'clear:1:\Deleted' close
case_ "read state written at check" lf 'open:#news.misc.big' 'set:11,13:\Deleted' check 'clear:1:\Deleted' close
case_ "no change, no write" lf 'open:#news.comp.lang.c' 'set:1:\Deleted' 'set:2:\Flagged' close
case_ "new group entry appended" nogroup 'open:#news.comp.lang.c' 'set:1:\Deleted' close
case_ "no newsrc: created at close" none 'open:#news.alt.test' 'set:1,2:\Deleted' close
case_ "empty group" lf 'open:#news.alt.empty' close
case_ "group without directory" lf 'open:#news.alt.nodir'
case_ "unsubscribed group read" unsub 'open:#news.comp.lang.c' 'set:6:\Deleted' close
case_ "CRLF newsrc rewritten" crlf 'open:#news.alt.test' 'set:3:\Deleted' close
case_ "CR newsrc rewritten" cr 'open:#news.comp.lang.c' 'set:6:\Deleted' close

# ---- (c) newsrc_read / newsrc_write on a stream ------------------------------------
for fix in lf crlf cr spacing bogus nogroup empty nonl unsub dup beyond noline colon zero; do
    case_ "read/write $fix" $fix 'open:#news.comp.lang.c' nread:comp.lang.c nread:alt.test \
        'set:2,5:\Deleted' nwrite:comp.lang.c nwrite:alt.test
done
case_ "read/write missing file" none 'open:#news.misc.big' nread:misc.big 'clear:1:\Deleted' nwrite:misc.big

# ---- (d) names and refusals --------------------------------------------------------
case_ "list" lf 'list::#news.*' 'list::#news.%' 'list:#news.:comp.%' 'list:#news.comp.:.%' \
    'list::#news.comp.*' 'list::' 'list:#news.comp.:' 'list::#news.%%%%%%%%%%%'
case_ "lsub" lf 'lsub::#news.*' 'lsub::#news.%' 'lsub:#news.:comp.*'
case_ "subscribe" lf 'sub:#news.comp.mail.imap' 'sub:#news.alt.test' 'sub:#news.alt.empty' \
    'unsub:#news.comp.lang.c' 'sub:#news.no.such' 'lsub::#news.*'
case_ "refusals" lf 'create:#news.x' 'delete:#news.alt.test' 'rename:#news.alt.test:#news.y' \
    'open:#news.alt.test' 'copy:1:INBOX' 'append:#news.alt.test' expunge ping check
case_ "status" lf 'status:#news.comp.lang.c' 'status:#news.alt.test'
case_ "search" beyond 'open:#news.comp.lang.c' 'search:ALL' 'search:UNSEEN' 'search:DELETED' \
    'search:RECENT' 'search:SUBJECT "art 9"'
case_ "scan" lf 'scan::#news.*:art' 'scan::*:art'

# ---- (e) the nntp exports that need no server --------------------------------------
case_ "nntp names" none 'nvalid={news.example/nntp}#news.comp.lang.c' 'nvalid={news.example:119/nntp}comp.lang' \
    'nvalid={news.example/nntp}#mh/x' 'nvalid={news.example/imap}#news.a' 'nvalid={news.example/nntp/anonymous}#news.a' \
    'nvalid=#news.comp' 'nvalid={news.example/nntp}' \
    'ncanon={news.example/nntp}#news.|comp.%' 'ncanon={news.example/nntp}#news.comp.|.lang.*' \
    'ncanon={news.example/nntp}#news.|#news.alt.*' 'ncanon=|{h/nntp}#news.a?b' 'ncanon=|{h/nntp}#news.a,b%' \
    'ncanon={h/imap}INBOX|x' 'ncanon=|#news.local'
case_ "nntp overview lines" none \
    'nover=hello one\tAlice <alice@example.org>\tSun, 6 Dec 2026 21:38:43 -0000\t<1@x>\t<0@x> <p@x>\t498\t2\tXref: h test.one:1\tNewsgroups: test.one' \
    'nover=only a subject' 'nover=subj\tfrom@x' 'nover=subj\t"Q P" <q@p>, r@s\t6 Dec 2026 10:00 +0100' \
    'nover=s\tf@x\tbad date\t<m@x>' 'nover=s\tf@x\tMon, 7 Dec 2026 01:02:03 +0530\t<m@x>\t\t12' \
    'nover=\t\t\t\t\t\t\t\t' 'nover=s\tf\td\tm\tr\tx\ty\tz'

finish
