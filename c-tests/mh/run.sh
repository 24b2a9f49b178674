#!/bin/sh
# Differential suite for the mh driver: one C program (mh.c) built once
# against the ORIGINAL headers, run with the original library and with ours
# (LD_LIBRARY_PATH), as the unprivileged user, HOME a scratch directory with
# a .mh_profile (scratch under /tmp/mh-run.*).
#   (a) one library writes a folder, both read it: identical dumps
#   (b) the files each library wrote from the same script are identical
#   (c) LIST, LSUB, SCAN of #mh/ names and #mhinbox
#   (d) create/rename/delete, copy/move, append, status, #mhinbox
#   (e) mailutil copy/transfer between mh and Berkeley/mbx files
#   (f) damaged input: stray and odd file names, garbage .mh_sequences, no
#       Path, no profile, an absolute Path, an unreadable message file, a
#       folder changed while open: same result, no crash
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ours="$root/build/lib"
corpus=""
for c in "$root/../shared/corpus" "$root/../../shared/corpus" /work/shared/corpus; do [ -d "$c" ] && corpus=$(cd "$c" && pwd) && break; done
if [ ! -e "$ours/libc-client.so.2007e" ]; then echo "no $ours/libc-client.so.2007e (run make)"; echo "0 passed, 1 failed"; exit 1; fi
if [ ! -e /usr/include/c-client/c-client.h ]; then echo "SKIP: no original c-client headers"; echo "0 passed, 0 failed"; exit 0; fi
work=$(mktemp -d /tmp/mh-run.XXXXXX)
chmod 755 "$work"
if [ "$(id -u)" = 0 ]; then runas="runuser -u cloudsdk --"; owner=cloudsdk; else runas=""; owner=$(id -un); fi
cc -w -I/usr/include/c-client -o "$work/mh" "$here/mh.c" -lc-client || { echo "0 passed, 1 failed"; exit 1; }
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
# Messages: corpus ones when the corpus is there, plus made-up ones (one
# with CRLF line ends, one with no body, one with a lone CR).
mkdir -p "$work/msgs"
i=0
if [ -n "$corpus" ]; then
  for f in $(find "$corpus" -type f -name "*.eml" -size -60k | sort | head -6); do
    i=$((i + 1)); cp "$f" "$work/msgs/m$(printf %02d $i)"
  done
fi
while [ $i -lt 5 ]; do
  i=$((i + 1))
  printf 'From: a%d@example.org\nTo: b@example.org\nSubject: generated %d\nDate: Mon, 1 Jan 2001 00:00:00 +0000\n\nbody %d\nline two\n' $i $i $i > "$work/msgs/m$(printf %02d $i)"
done
printf 'Subject: crlf\r\nFrom: c@example.org\r\n\r\nbody\r\n' > "$work/msgs/m90"
printf 'Subject: header only\nFrom: d@example.org\n' > "$work/msgs/m91"
printf 'Subject: lone\rcr\nFrom: e@example.org\n\nx\ry\n' > "$work/msgs/m92"
chmod -R a+rX "$work"
msgs=$(ls "$work/msgs" | sed "s|^|$work/msgs/|" | tr '\n' ' ')
first() { echo $msgs | cut -d' ' -f1-$1; }

# home NAME [PROFILE-TEXT]: a fresh scratch home owned by the test user
home() {
  rm -rf "$work/$1"; mkdir -p "$work/$1"
  printf '%s' "${2-Path: Mail
}" > "$work/$1/.mh_profile"
  chown -R "$owner" "$work/$1"; echo "$work/$1"
}
# run LIB HOME ARGS...: the program (or any command) with either library
run() {
  r_lib=$1; r_h=$2; shift 2
  if [ "$r_lib" = ours ]; then r_lp="LD_LIBRARY_PATH=$ours"; else r_lp=""; fi
  $runas env -i PATH=/usr/bin:/bin HOME="$r_h" TZ=UTC $r_lp sh -c 'cd "$HOME" && exec "$@"' sh "$@" 2>&1
}
twin() { rm -rf "$work/$2"; cp -a "$1" "$work/$2"; echo "$work/$2"; }
# norm FILE: scratch paths masked, and our note about other drivers that
# are not written yet (mailutil's LIST walks every driver) dropped
norm() {
  sed -e "s|$work/[^/ ]*|HOME|g" -e '/not available in this version of c-client/d' "$1" > "$1.n"
}
same() {
  norm "$2"; norm "$3"
  if cmp -s "$2.n" "$3.n"; then ok "$1"; else bad "$1"; diff "$2.n" "$3.n" | head -20; fi
}
# tree DIR: names, sizes, mtimes, modes and bytes of each file
tree() {
  (cd "$1" && for f in $(ls -A | grep -v '^\.mh_profile$' | sort); do
     if [ -d "$f" ]; then echo "dir $f $(stat -c %a "$f")"; tree "$1/$f" | sed "s|^|$f/|"; continue; fi
     t=$(stat -c %Y "$f"); [ "$t" -lt 1600000000 ] || t=now
     # a Berkeley file's "From " lines and X-IMAP header carry the time
     echo "$f $(stat -c '%s %a' "$f") $t $(sed -e 's/^From .*/From/' -e 's/^X-IMAP.*/X-IMAP/' -e 's/^Date: .*/Date/' -e 's/^Message-ID: .*/Message-ID/' "$f" | md5sum | cut -c1-32)"
   done)
}
# both LABEL HOME-SETUP-FN ARGS...: run ARGS with each library in a fresh
# home made by the setup function, compare output and files
both() {
  _label=$1; _setup=$2; shift 2
  for _lib in orig ours; do
    _h=$(home "both-$_lib")
    $_setup "$_h" "$_lib"
    # what the setup made now gets one fixed time (dates set on purpose stay)
    find "$_h" -newermt @1600000000 -exec touch -h -d @1500000000 {} +
    run $_lib "$_h" "$@" > "$work/both-$_lib.out"; echo "rc=$?" >> "$work/both-$_lib.out"
    tree "$_h" > "$work/both-$_lib.tree"
  done
  same "$_label" "$work/both-orig.out" "$work/both-ours.out"
  same "$_label: same files" "$work/both-orig.tree" "$work/both-ours.tree"
}

# (a), (b): one library writes, both read
for writer in orig ours; do
  h=$(home "w-$writer")
  run $writer "$h" "$work/mh" write box $msgs > "$work/w-$writer.write"
  h1=$(twin "$h" "w-$writer-r1"); h2=$(twin "$h" "w-$writer-r2")
  run orig "$h1" "$work/mh" dump '#mh/box' > "$work/w-$writer.dump-orig"
  run ours "$h2" "$work/mh" dump '#mh/box' > "$work/w-$writer.dump-ours"
  same "$writer writes, both read the same" "$work/w-$writer.dump-orig" "$work/w-$writer.dump-ours"
  # flags are the session's: set, shown, expunged, forgotten
  run orig "$h1" "$work/mh" flags '#mh/box' > "$work/w-$writer.flags-orig"
  run ours "$h2" "$work/mh" flags '#mh/box' > "$work/w-$writer.flags-ours"
  same "$writer writes, flag sessions agree" "$work/w-$writer.flags-orig" "$work/w-$writer.flags-ours"
  run ours "$h1" "$work/mh" dump '#mh/box' > "$work/w-$writer.dump-ours2"
  run orig "$h2" "$work/mh" dump '#mh/box' > "$work/w-$writer.dump-orig2"
  same "$writer writes, second reads agree" "$work/w-$writer.dump-orig2" "$work/w-$writer.dump-ours2"
done
same "write script reports the same" "$work/w-orig.write" "$work/w-ours.write"
tree "$work/w-orig/Mail" > "$work/w-orig.tree"
tree "$work/w-ours/Mail" > "$work/w-ours.tree"
same "files on disk are the same" "$work/w-orig.tree" "$work/w-ours.tree"
# the same folder read through a plain name below the MH path
h=$(twin "$work/w-orig" plain)
run orig "$h" "$work/mh" dump Mail/box > "$work/plain-orig"
run ours "$h" "$work/mh" dump Mail/box > "$work/plain-ours"
same "a plain name below the MH path is the folder" "$work/plain-orig" "$work/plain-ours"

# (c) LIST, LSUB, SCAN: both libraries on the same tree (same readdir order)
h=$(home lists)
$runas sh -c "cd '$h' && mkdir -p Mail/a/b/c Mail/a/12 Mail/x Mail/inbox Mail/.hidden Mail/34 && echo > Mail/file && echo > Mail/a/7"
{
  run orig "$h" "$work/mh" sub '#mh/a'
  run orig "$h" "$work/mh" sub '#mh/a/b'
  run orig "$h" "$work/mh" sub '#mh/x'
} > "$work/subs"
for lib in orig ours; do
  {
    for p in '#mh/*' '#mh/%' '#mh/a/%' '#mh/a/*' '#mhinbox' '#MHINBOX' '#mh/a' '#mh/nosuch/%' '#mh/%/%' '#mh/*/*/*/*/*/*/*/*/*/*/*' '#news.%'; do
      echo "list $p"; run $lib "$h" "$work/mh" list "" "$p"
      echo "lsub $p"; run $lib "$h" "$work/mh" lsub "" "$p"
    done
    echo "list ref"; run $lib "$h" "$work/mh" list '#mh/a/' '%'
    echo "list ref2"; run $lib "$h" "$work/mh" list '#mh/a/' '/%'
    echo "list empty"; run $lib "$h" "$work/mh" list '#mh/a/' ''
    echo "list empty2"; run $lib "$h" "$work/mh" list '' ''
    echo "scan"; run $lib "$h" "$work/mh" scan '' '#mh/%' 'body'
    # plain names: the dummy driver's walk, asking mh about its folders
    echo "list plain"; run $lib "$h" "$work/mh" list '' '*'
    echo "list plain2"; run $lib "$h" "$work/mh" list '' 'Mail/%'
    echo "lsub plain"; run $lib "$h" "$work/mh" lsub '' '*'
  } > "$work/lists-$lib"
done
same "LIST, LSUB and SCAN of mh names" "$work/lists-orig" "$work/lists-ours"

# (d) operations
for lib in orig ours; do
  h=$(home "ops-$lib")
  {
    run $lib "$h" "$work/mh" write src $msgs > /dev/null
    run $lib "$h" "$work/mh" write dst $(first 2) > /dev/null
    run $lib "$h" "$work/mh" status '#mh/src'
    run $lib "$h" "$work/mh" copy '#mh/src' '#mh/dst' 1:3
    run $lib "$h" "$work/mh" copy '#mh/src' '#mh/nosuch' 1:2
    printf 'From x Mon Jan  1 00:00:00 2001\nSubject: x\n\nx\n' > "$h/plain"; chown "$owner" "$h/plain"; touch -d @1000000000 "$h/plain"
    run $lib "$h" "$work/mh" copy '#mh/src' plain 2:3
    run $lib "$h" "$work/mh" copy '#mh/src' '#mh/dst' 4 move
    run $lib "$h" "$work/mh" status '#mh/dst'
    run $lib "$h" "$work/mh" ops newbox
    run $lib "$h" "$work/mh" append '#mh/dst' $(echo $msgs | cut -d' ' -f3-4)
    run $lib "$h" "$work/mh" append '#mh/nosuch' $(echo $msgs | cut -d' ' -f3)
    run $lib "$h" "$work/mh" append '#mh/12' $(echo $msgs | cut -d' ' -f3)
    run $lib "$h" "$work/mh" append 'Mail/dst' $(echo $msgs | cut -d' ' -f3)
    run $lib "$h" "$work/mh" append '#mhinbox' $(echo $msgs | cut -d' ' -f3)
    run $lib "$h" "$work/mh" dump '#mhinbox'
    run $lib "$h" "$work/mh" dump '#mh/inbox'
    run $lib "$h" "$work/mh" params
    run $lib "$h" "$work/mh" dump plain
  } > "$work/ops-$lib.out"
  run $lib "$h" "$work/mh" dump '#mh/dst' >> "$work/ops-$lib.out"
  tree "$h" > "$work/ops-$lib.tree"
done
same "status, copy, move, create, rename, delete, append report the same" "$work/ops-orig.out" "$work/ops-ours.out"
same "and leave the same files" "$work/ops-orig.tree" "$work/ops-ours.tree"
# a copy appends one message at a time; another hand adds a message far
# above the target's highest in the middle, then removes it again: each
# later append numbers its file from the folder as it is then
for lib in orig ours; do
  h=$(home "meddle-$lib")
  {
    run $lib "$h" "$work/mh" write src $msgs > /dev/null
    run $lib "$h" "$work/mh" write dst $(first 2) > /dev/null
    run $lib "$h" env MH_CRITICAL_AT=2 MH_CRITICAL_CMD="cp Mail/dst/1 Mail/dst/40" "$work/mh" copy '#mh/src' '#mh/dst' 1:4
    run $lib "$h" env MH_CRITICAL_AT=4 MH_CRITICAL_CMD="rm Mail/dst/40 Mail/dst/41" "$work/mh" copy '#mh/src' '#mh/dst' 1:5
    ls "$h/Mail/dst" | sort -n | tr '\n' ' '; echo
  } > "$work/meddle-$lib.out"
  run $lib "$h" "$work/mh" dump '#mh/dst' >> "$work/meddle-$lib.out"
  tree "$h" > "$work/meddle-$lib.tree"
done
same "a copy into a folder changed meanwhile numbers the same" "$work/meddle-orig.out" "$work/meddle-ours.out"
same "and leaves the same files" "$work/meddle-orig.tree" "$work/meddle-ours.tree"
# the highest message removed between two appends of a copy: its number is
# free again for the next (ours only: our mm_critical comes after each
# append, the original's before its file is made, docs/deviations.md)
h=$(home "freed-ours")
run ours "$h" "$work/mh" write src $msgs > /dev/null
run ours "$h" "$work/mh" write dst $(first 2) > /dev/null
run ours "$h" env MH_CRITICAL_AT=3 MH_CRITICAL_CMD='rm Mail/dst/$(ls Mail/dst | sort -n | tail -1)' "$work/mh" copy '#mh/src' '#mh/dst' 1:5 > /dev/null
got=$(ls "$h/Mail/dst" | sort -n | tr '\n' ' '); want=$(seq 1 $(ls "$h/Mail/dst" | wc -l) | tr '\n' ' ')
if [ "$got" = "$want" ]; then ok "a number freed between two appends of a copy is taken again"; else bad "a number freed between two appends of a copy is taken again ($got)"; fi
# an #mhinbox whose directory is missing is made when opened
mkinbox() { :; }
both "#mhinbox made on open" mkinbox "$work/mh" dump '#mhinbox'

# #mhinbox takes in the system inbox's mail (here a Berkeley file in HOME)
sysbox() {
  printf 'From a@b Mon Jan  1 00:00:00 2001\nSubject: one\nStatus: RO\nX-Status: F\n\nbody one\n\nFrom a@b Tue Jan  2 03:04:05 2001\nSubject: two\n\nbody two\n' > "$1/sys"
  chown "$owner" "$1/sys"
  [ "$2" = skip ] || run orig "$1" "$work/mh" append '#mhinbox' $(first 1) > /dev/null
}
both "#mhinbox takes in the system inbox" sysbox "$work/mh" snarf sys '#mhinbox'
emptyinbox() { sysbox "$1" skip; }
both "#mhinbox made and filled from the system inbox" emptyinbox "$work/mh" snarf sys '#mhinbox'

# (e) mailutil between mh and the Berkeley and mbx formats
mbxs=$(find "$corpus" -type f -name "*.mail" -size -100k 2>/dev/null | sort | head -2)
for lib in orig ours; do
  h=$(home "mu-$lib")
  mkdir -p "$h/src"
  n=0
  for f in $mbxs; do n=$((n + 1)); cp "$f" "$h/src/box$n"; touch -d @1000000000 "$h/src/box$n"; done
  [ $n -gt 0 ] || printf 'From a@b Mon Jan  1 00:00:00 2001\nSubject: one\n\nbody\n\nFrom a@b Tue Jan  2 00:00:00 2001\nSubject: two\n\nbody two\n' > "$h/src/box1"
  chown -R "$owner" "$h"
  {
    run $lib "$h" mailutil transfer src '#mh/dst/'
    run $lib "$h" mailutil copy src/box1 '#mh/single'
    run $lib "$h" mailutil check '#mh/single'
    run $lib "$h" mailutil copy '#mh/single' back
    run $lib "$h" mailutil copy '#mh/single' '#driver.mbx/mbxbox'
    run $lib "$h" mailutil copy mbxbox '#mh/frommbx'
    run $lib "$h" mailutil check '#mh/frommbx'
    run $lib "$h" mailutil transfer '#mh/single' '#mh/again/'
    run $lib "$h" mailutil transfer '#mh/dst/src/' out/
  } > "$work/mu-$lib.out"
  for b in single frommbx dst/src/box1; do run orig "$h" "$work/mh" dump "#mh/$b"; done >> "$work/mu-$lib.out"
  run orig "$h" "$work/mh" dump back >> "$work/mu-$lib.out"
  rm -rf "$h/src" "$h/mbxbox"
  tree "$h" > "$work/mu-$lib.tree"
done
same "mailutil transfer and copy report the same" "$work/mu-orig.out" "$work/mu-ours.out"
same "mailutil transfer and copy write the same files" "$work/mu-orig.tree" "$work/mu-ours.tree"

# (f) damaged and odd input
strays() {
  run orig "$1" "$work/mh" write box $(first 4) > /dev/null
  $runas sh -c "cd '$1/Mail/box' && echo junk > abc && echo x > 12a && echo y > ,3 && printf 'Subject: zero\n\nz\n' > 007 && printf 'cur: 1\nunseen: 1-9 zz\n\0\377' > .mh_sequences && mkdir sub"
}
both "stray names, odd numbers and a garbage .mh_sequences" strays "$work/mh" dump '#mh/box'
both "a folder with such files is deleted as the original deletes it" strays "$work/mh" ops box
# Entries the original reads as garbage memory (a directory with a number
# for a name; a number too large for an int, whose file it then cannot
# find): ours shows them empty; every other message must read the same.
oddities() {
  run orig "$1" "$work/mh" write box $(first 3) > /dev/null
  $runas sh -c "cd '$1/Mail/box' && mkdir 55 && printf 'Subject: big\n\nb\n' > 99999999999"
}
for lib in orig ours; do
  h=$(home "odd-$lib"); oddities "$h"
  find "$h" -newermt @1600000000 -exec touch -h -d @1500000000 {} +
  run $lib "$h" "$work/mh" dump '#mh/box' > "$work/odd-$lib.out"; echo "rc=$?" >> "$work/odd-$lib.out"
  grep -v 'uid=55 \|uid=1215752191 ' "$work/odd-$lib.out" > "$work/odd-$lib.rest"
done
if grep -q 'uid=55 size=0 .* h=0:.* t=0:' "$work/odd-ours.out" && grep -q 'uid=1215752191 size=0 .* h=0:.* t=0:' "$work/odd-ours.out"; then
  same "a numbered directory and an out-of-range number: the rest reads the same" "$work/odd-orig.rest" "$work/odd-ours.rest"
else bad "a numbered directory and an out-of-range number: shown empty"; grep 'uid=55\|uid=12157' "$work/odd-ours.out"; fi
noseq() { run orig "$1" "$work/mh" write box $(first 3) > /dev/null; rm -f "$1/Mail/box/.mh_sequences"; }
both "no .mh_sequences" noseq "$work/mh" dump '#mh/box'
nopath() { printf 'Editor: vi\nPath:Nope\n' > "$1/.mh_profile"; run orig "$1" "$work/mh" write box $(first 2) > /dev/null; }
both "a profile without Path: ~/Mail" nopath "$work/mh" dump '#mh/box'
noprof() { rm -f "$1/.mh_profile"; }
both "no profile: mh names disabled, said once" noprof "$work/mh" params
both "no profile: opening an mh name" noprof "$work/mh" dump '#mh/box'
abspath() { printf 'Path: %s/elsewhere\r\n' "$1" > "$1/.mh_profile"; run orig "$1" "$work/mh" write box $(first 2) > /dev/null; }
both "an absolute Path" abspath "$work/mh" dump '#mh/box'
emptyprof() { : > "$1/.mh_profile"; }
both "an empty profile" emptyprof "$work/mh" params
unreadable() { run orig "$1" "$work/mh" write box $(first 3) > /dev/null; chmod 000 "$1/Mail/box/2"; }
# the original's structure of an unreadable message has a garbage size
for lib in orig ours; do
  h=$(home "unr-$lib"); unreadable "$h"
  find "$h" -newermt @1600000000 -exec touch -h -d @1500000000 {} +
  run $lib "$h" "$work/mh" dump '#mh/box' | sed 's/size2=[0-9]*/size2=N/' > "$work/unr-$lib.out"
  tree "$h" > "$work/unr-$lib.tree"
done
same "an unreadable message file: read as empty, the rest the same" "$work/unr-orig.out" "$work/unr-ours.out"
same "an unreadable message file: no file changed" "$work/unr-orig.tree" "$work/unr-ours.tree"
changed() { run orig "$1" "$work/mh" write box $(first 4) > /dev/null; cp "$work/msgs/m01" "$1/Mail/box/new"; chown "$owner" "$1/Mail/box/new"; }
both "a folder changed while open" changed "$work/mh" behind '#mh/box' 'sleep 1; rm Mail/box/2 && mv Mail/box/new Mail/box/9 && rm Mail/box/3'
gone() { run orig "$1" "$work/mh" write box $(first 2) > /dev/null; }
both "a folder removed while open" gone "$work/mh" behind '#mh/box' 'sleep 1; rm -rf Mail/box'
notdir() { mkdir -p "$1/Mail"; echo x > "$1/Mail/flat"; chown -R "$owner" "$1"; }
both "a file where a folder should be" notdir "$work/mh" append '#mh/flat' $(first 1)

if [ $fail = 0 ] && [ -z "${MH_KEEP:-}" ]; then rm -rf "$work"; else echo "(kept $work)"; fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
