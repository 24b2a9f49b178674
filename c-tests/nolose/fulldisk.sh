#!/bin/bash
# Full disk: a small tmpfs (mounted here, so this suite needs root; it is
# skipped with a message otherwise) becomes the test user's HOME; a mailbox
# of FULL_MESSAGES messages (default 2000) and a source mailbox go there,
# then a filler file takes every free byte.  With library L, as the test
# user:
#   append   the source appended to the mailbox  -> must fail, report it
#   flags    \Seen \Flagged \Answered \Draft on all + checkpoint: fits in
#            the space the original reserves: may succeed
#   keywords a long keyword on all + checkpoint: the file must grow
#                                                -> must report an error
#   copy     the source copied into the mailbox  -> must fail, report it
#   expunge  every tenth message expunged (the file shrinks): may succeed
# Each time the mailbox (and source) must keep every message byte for
# byte (checker on the original; for expunge the deleted ones may go).
# FULL_FORMAT=mmdf uses MMDF mailboxes instead of unix ones; mbx, mix, mx,
# tenex or mtx mailboxes are made from them by the original's mailutil
# (there a keyword change need not grow anything: it may succeed).
# FULL_FORMAT=mh: MH folders #mh/box and #mh/src (the tmpfs HOME's
# .mh_profile names the scratch folder as its Path).  FULL_FORMAT=md:
# Maildirs #md/SCRATCH/box and /src; the original has no Maildir driver, so
# library L (mddriver registered by c-tests/maildir/shim.c) makes, writes
# and checks them, and there is no "original says" line.
# What the original reports is printed for each.  OURS_LIB=original
# validates the suite.  Last line "N passed, M failed".
set -u
NL_HERE=$(cd "$(dirname "$0")" && pwd)
. "$NL_HERE/lib.sh"
NMSG=${FULL_MESSAGES:-2000}
FORMAT=${FULL_FORMAT:-unix}     # or mmdf, mbx, mix, mx, mh, tenex, mtx, md
is_root || skip_suite "fulldisk needs root to mount a tmpfs (run it as root; the programs run as $CCT_USER)"
have_test_user || skip_suite "test user $CCT_USER does not exist"
MNT=$(mktemp -d /tmp/nolose-full.XXXXXX)
if ! mount -t tmpfs -o size=32m,mode=755 tmpfs "$MNT" 2>"$MNT.err"; then
    rmdir "$MNT"; skip_suite "cannot mount a tmpfs: $(cat "$MNT.err")"
fi
rm -f "$MNT.err"
trap 'umount "$MNT"; rmdir "$MNT"' EXIT
chown "$CCT_USER" "$MNT"
NL_HOME=$MNT      # names stay HOME-relative: HOME is the small file system
nl_setup full
trap 'nl_cleanup; umount "$MNT" && rmdir "$MNT"' EXIT
echo "full disk: library L = $LLABEL; 32 MB tmpfs at $MNT as HOME; $NMSG messages; $FORMAT format"
nl_generate "$NMSG" "$W/box" full
nl_generate $((NMSG / 2)) "$W/src" fsrc
if [ "$FORMAT" = mmdf ]; then
    for f in box src; do nl_to_mmdf < "$W/$f" > "$W/$f.mmdf"; mv "$W/$f.mmdf" "$W/$f"; done
fi
chmod a+r "$W/box" "$W/src"
# the mailbox names; the checker and maker: the original, or L for md
NB=$REL/box; NS=$REL/src; SHIM=""
case $FORMAT in
    mh) NB="#mh/box"; NS="#mh/src"; U sh -c "printf 'Path: %s\n' '$REL' > .mh_profile" ;;
    md)
        [ "$LDIR" = "$NL_ORIG_DIR" ] && skip_suite "the original has no Maildir driver (FULL_FORMAT=md needs library L)"
        NB="#md/$REL/box"; NS="#md/$REL/src"; SHIM=$W/shim.so
        cc -w -shared -fPIC -I"$CCT_INCDIR" -o "$SHIM" "$CCT_ROOT/c-tests/maildir/shim.c" \
            "$LDIR/libc-client.so.2007e" || { fail "the Maildir shim does not build"; finish; }
        chmod a+r "$SHIM" ;;
esac
CKNAME="the original"; [ -n "$SHIM" ] && CKNAME="library L"
CK() { if [ -n "$SHIM" ]; then UL env LD_PRELOAD="$SHIM" "$@"; else UO "$@"; fi; }
# original's own form first (UIDs, status), on the real disk
case $FORMAT in
    unix|mmdf)
        cp "$W/box" "$W/src" "$BOXDIR/" && chown "$CCT_USER" "$BOXDIR/box" "$BOXDIR/src" ;;
    *)
        for f in box src; do
            cp "$W/$f" "$BOXDIR/$f.unix" && chown "$CCT_USER" "$BOXDIR/$f.unix"
            case $f in box) dst=$NB ;; *) dst=$NS ;; esac
            case $FORMAT in mh|md) ;; *) dst="#driver.$FORMAT/$REL/$f" ;; esac
            CK mailutil copy "$REL/$f.unix" "$dst" > /dev/null 2>&1 ||
                { fail "$CKNAME cannot make a $FORMAT mailbox"; finish; }
            rm -f "$BOXDIR/$f.unix"
        done ;;
esac
CK "$W/nolose" touch "$NB" 2>/dev/null
CK "$W/nolose" touch "$NS" 2>/dev/null
cp -a "$BOXDIR/box" "$W/box.pristine"; cp -a "$BOXDIR/src" "$W/src.pristine"
chmod -R a+rX "$W"/*.pristine
CK "$W/nolose" sums "$NB" > "$W/before.box" 2>/dev/null
CK "$W/nolose" sums "$NS" > "$W/before.src" 2>/dev/null
awk 'NR % 10 == 1 { print $1 }' "$W/before.box" > "$W/tolerated.expunge"

# fill: fresh mailbox and source, then a filler up to ENOSPC
fill() {
    U sh -c "rm -rf '$REL'/* '$REL'/.[!.]*; cp -R '$W/box.pristine' '$REL/box'; cp -R '$W/src.pristine' '$REL/src';
             dd if=/dev/zero of='$REL/filler' bs=4k 2>/dev/null; dd if=/dev/zero of='$REL/filler2' bs=1 2>/dev/null; true"
    df -k "$MNT" | awk 'NR == 2 { print $4 }'
}

# op NAME ARGS...: the writer on library L with the disk full
op() {
    name=$1; shift
    # what the original says in the same place
    if [ -z "$SHIM" ]; then
        fill >/dev/null
        UO "$W/nolose" "$@" > /dev/null 2> "$W/$name.orig.err"
        orc=$?
        osaid=$(head -3 "$W/$name.orig.err" | tr '\n' ';')
        echo "  $name: original: exit $orc: ${osaid:-(nothing said)}"
    fi
    free=$(fill)
    UL env ${SHIM:+LD_PRELOAD=$SHIM} "$W/nolose" "$@" > "$W/$name.out" 2> "$W/$name.err"
    rc=$?
    said=$(head -3 "$W/$name.err" | tr '\n' ';')
    [ "$LDIR" = "$NL_ORIG_DIR" ] || echo "  $name: L: exit $rc: ${said:-(nothing said)}"
    U rm -f "$REL/filler" "$REL/filler2"
    # the mailbox and source keep their messages
    tol=/dev/null; [ "$name" = expunge ] && tol=$W/tolerated.expunge
    CK "$W/nolose" sums "$NB" > "$W/after.box" 2>/dev/null || { fail "$name: $CKNAME cannot read the mailbox afterwards"; return; }
    if r=$(nl_compare "$W/before.box" "$W/after.box" "$tol"); then ok "$name: mailbox intact on a full disk ($r)"
    else fail "$name: mailbox damaged on a full disk: $r"; fi
    CK "$W/nolose" sums "$NS" > "$W/after.src" 2>/dev/null
    if r=$(nl_compare "$W/before.src" "$W/after.src"); then :; else fail "$name: source damaged: $r"; fi
    if [ "$name" != expunge ]; then
        U diff -r -q "$REL/box" "$W/box.pristine" > /dev/null 2>&1 && echo "  $name: mailbox byte-identical afterwards" ||
            echo "  $name: mailbox bytes differ afterwards (messages intact)"
    fi
    # exit 2: the writer could not even open its mailbox
    [ $rc = 2 ] && fail "$name: L cannot open the mailbox (exit 2)"
    case $name in
        append|copy)
            [ $rc = 1 ] && ok "$name: L says the operation failed" || fail "$name: L exit $rc on a full disk (want 1: failed)"
            [ -n "$said" ] && ok "$name: L reported an error" || fail "$name: L said nothing" ;;
        flags)
            echo "  $name: L exit $rc (fits in reserved space: may succeed)" ;;
        keywords)
            if [ "$FORMAT" != unix ] && [ "$FORMAT" != mmdf ]; then
                echo "  $name: L exit $rc (the $FORMAT format may have room for it: may succeed)"
            elif grep -q 'mm_diskerror\|mm_log ERROR\|mm_log WARN' "$W/$name.err"; then ok "$name: L reported the failed checkpoint"
            else fail "$name: L reported nothing for a checkpoint that cannot grow the file"; fi ;;
        expunge)
            echo "  $name: L exit $rc (a shrinking rewrite may succeed)" ;;
    esac
    echo "  ($free KB were free before the operation)"
}

op append append "$NB" "$NS"
op flags flags "$NB"
op keywords keywords "$NB"
op copy copy "$NS" "$NB"
op expunge expunge "$NB"
finish
