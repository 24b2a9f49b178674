#!/bin/bash
# Mailbox write suite: what each library writes to disk, and whether the
# other library reads it back the same.
#   1. ops.c's fixed operation script (create, appends with flags, keywords
#      and explicit dates, flag changes, keyword creation, expunge, UID
#      assignment, copy/move into other mailboxes, rename, delete, list,
#      status), in unix and in MMDF format, run once with the original and
#      once with ours from an empty home: the script's output (results and
#      callbacks) must be identical, and so must every file left in the
#      home, byte for byte after masking (below).
#   2. Read back both ways: every mailbox the original wrote is dumped
#      (dump.c) with the original and with ours, and every mailbox ours
#      wrote likewise; the dumps must be identical.
#   3. Read-write sessions on real mailboxes: every mbox/MMDF file of
#      ../shared/corpus (skipped when absent) is opened read-write by dump
#      -w -s -m 3 (UIDs assigned, \Seen set on the first three messages by
#      fetching them, then closed, which rewrites the file), then by ops
#      session (keywords, flags, \Deleted, copies of three messages into a
#      new unix and a new MMDF mailbox, expunge, checkpoint) with each
#      library; outputs and resulting files are compared, and the files
#      are read back by the other library.
# Self-check: the original runs every step twice; both runs must agree.
#
# Masked in files (tools.py mask), because they are the time of the run:
# the UID validity in X-IMAP/X-IMAPbase, and the pseudo message's From
# line date, Date: and Message-ID:. In dump/ops output a UID validity made
# during that program's run prints as "<now>" (see common.h).
# Last line: "N passed, M failed".
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
start=$(date +%s)
build dump || { bad "build dump.c"; finish; }
build ops || { bad "build ops.c"; finish; }
LIBS="orig orig2"
[ "$HAVE_OURS" = 1 ] && LIBS="$LIBS ours" || bad "no library of ours at $OURS_LIB"

# readback LABEL DIR: dump every file of DIR (a home) with the original and
# with ours; the dumps must be identical.
readback() {
    local boxes lib
    boxes=$(cd "$2" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
    [ -n "$boxes" ] || return 0
    for lib in orig ours; do
        [ "$lib" = ours ] && [ "$HAVE_OURS" = 0 ] && continue
        fresh_home "$2"
        in_home "$lib" "$W/bin/dump" $boxes >"$W/out/rb-$lib" 2>&1
        echo "exit $?" >>"$W/out/rb-$lib"
    done
    [ "$HAVE_OURS" = 1 ] && compare "$1" "$W/out/rb-orig" "$W/out/rb-ours"
}

# ---------------- 1 and 2: the operation script
for fmt in unix mmdf; do
    for lib in $LIBS; do
        fresh_home
        MBX_NOMARK=1 in_home "${lib%2}" "$W/bin/ops" script "$fmt" >"$W/out/ops-$lib" 2>&1
        echo "exit $?" >>"$W/out/ops-$lib"
        rm -rf "$W/res-$lib"
        cp -a "$H" "$W/res-$lib"
    done
    # The validities just written are this second: see run.sh.
    sleep 1
    if cmp -s "$W/out/ops-orig" "$W/out/ops-orig2"; then
        ok "ops script $fmt: the original's output is deterministic ($(wc -l <"$W/out/ops-orig") lines)"
    else
        bad "ops script $fmt: two runs of the original differ"
        diff "$W/out/ops-orig" "$W/out/ops-orig2" | head -n 6
    fi
    same_files "ops script $fmt: files of two runs of the original" "$W/res-orig" "$W/res-orig2"
    if [ "$HAVE_OURS" = 1 ]; then
        compare "ops script $fmt: output, original vs ours" "$W/out/ops-orig" "$W/out/ops-ours"
        same_files "ops script $fmt: files written, original vs ours" "$W/res-orig" "$W/res-ours"
        readback "ops script $fmt: original's files read by original vs ours" "$W/res-orig"
        readback "ops script $fmt: our files read by original vs ours" "$W/res-ours"
    fi
done

# ---------------- 3: read-write sessions on corpus mailboxes
if [ -d "$CORPUS" ]; then
    # All sessions first, then one pause (validities of this second, see
    # above), then the comparisons and read-backs.
    names=()
    while IFS= read -r f; do
        case $(head -c 5 "$f" | od -An -c | tr -d ' \n') in
        From | '001001001001\n') ;;
        *) continue ;;
        esac
        rel=${f#"$CORPUS"/}
        name=$(echo "$rel" | tr '/' '_')
        names+=("$name")
        d="$W/rw/$name"
        mkdir -p "$d/src"
        # -p: files the unix and MMDF drivers reject open as one message
        # (phile driver), dated by the file's mtime: keep the corpus's.
        cp -p "$f" "$d/src/$name"
        echo "$rel" >"$d/rel"
        for lib in $LIBS; do
            # Validities made by the dump are "<now>" for the ops after it
            # too; so are the dates of MMDF messages without a "From " line,
            # which both libraries take from the time of the copy made here.
            MBX_SINCE=$(date +%s)
            fresh_home "$d/src"
            in_home "${lib%2}" "$W/bin/dump" -w -s -m 3 "$name" >"$d/out-$lib" 2>&1
            echo "exit $?" >>"$d/out-$lib"
            in_home "${lib%2}" "$W/bin/ops" session "$name" >>"$d/out-$lib" 2>&1
            echo "exit $?" >>"$d/out-$lib"
            cp -a "$H" "$d/res-$lib"
            MBX_SINCE=
        done
    done < <(find "$CORPUS" -type f ! -name '*.sha256' ! -name 'README*' ! -name 'UPSTREAM-LICENSE*' | LC_ALL=C sort)
    sleep 1
    for name in "${names[@]}"; do
        d="$W/rw/$name"
        rel=$(cat "$d/rel")
        if cmp -s "$d/out-orig" "$d/out-orig2"; then
            ok "rw $rel: the original's session is deterministic"
        else
            bad "rw $rel: two sessions of the original differ"
        fi
        same_files "rw $rel: files after two sessions of the original" "$d/res-orig" "$d/res-orig2"
        if [ "$HAVE_OURS" = 1 ]; then
            compare "rw $rel: session, original vs ours" "$d/out-orig" "$d/out-ours"
            same_files "rw $rel: file after the session, original vs ours" "$d/res-orig" "$d/res-ours"
            readback "rw $rel: original's file read by original vs ours" "$d/res-orig"
            readback "rw $rel: our file read by original vs ours" "$d/res-ours"
        fi
        rm -rf "$d"
    done
    echo "corpus: ${#names[@]} mailboxes opened read-write"
else
    echo "skip corpus read-write sessions: $CORPUS not found"
fi
echo "time: $(($(date +%s) - start))s"
finish
