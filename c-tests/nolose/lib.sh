# Shared set-up of the no-lose suites (killtrials, fulldisk, concurrent,
# badinput) and bench/mailbox.sh.  Source it after setting NL_HERE.
#
# Library under test ("L"): OURS_LIB, a directory holding
# libc-client.so.2007e; default the worktree's build/lib.  OURS_LIB=original
# (or /usr/lib) runs the suites against the original, which is how they are
# validated.  The checker always reads with the original library.
#
# Everything that touches mailboxes runs as the test user (cloudsdk when we
# are root) with HOME=/home/cloudsdk, in a scratch folder there named
# relative to HOME (Debian's build refuses names starting with / or ..).
. "$NL_HERE/../lib/common.sh"

NL_ORIG_DIR=/usr/lib
if is_root; then
    NL_HOME=$(getent passwd "$CCT_USER" | cut -d: -f6)
    NL_HOME=${NL_HOME:-/home/$CCT_USER}
else
    NL_HOME=$HOME
fi

# nl_setup NAME: scratch dirs, library staging, compiled programs.
#   $W     root-owned work dir (programs, staged library), readable by all
#   $REL   scratch folder relative to $NL_HOME; $BOXDIR its absolute path
#   $LDIR  directory of library L; $LLABEL how to call it in reports
nl_setup() {
    have_test_user || skip_suite "test user $CCT_USER does not exist"
    [ -f "$CCT_ORIG_INC/c-client.h" ] || skip_suite "the original's headers ($CCT_ORIG_INC) are not installed"
    W=$(mktemp -d "${TMPDIR:-/tmp}/nolose.XXXXXX")
    chmod 755 "$W"
    REL=.nolose-$1.$$
    BOXDIR=$NL_HOME/$REL
    trap 'nl_cleanup' EXIT
    U rm -rf "$BOXDIR"
    U mkdir -p "$BOXDIR" || { echo "cannot make $BOXDIR as $CCT_USER"; echo "0 passed, 1 failed"; exit 1; }
    case "${OURS_LIB:-$CCT_ROOT/build/lib}" in
        original|/usr/lib|/usr/lib/) LDIR=$NL_ORIG_DIR; LLABEL="original (OURS_LIB=original)" ;;
        *)
            src=${OURS_LIB:-$CCT_ROOT/build/lib}
            if [ ! -f "$src/libc-client.so.2007e" ]; then
                echo "error: $src/libc-client.so.2007e missing (run make, or set OURS_LIB)"
                echo "0 passed, 1 failed"; exit 1
            fi
            mkdir -p "$W/lib"
            cp -L "$src"/libc-client.so.2007e "$W/lib/"
            LDIR=$W/lib; LLABEL="ours ($src)" ;;
    esac
    nl_cc nolose "$NL_HERE/nolose.c" -lc-client
    nl_cc nlkill "$NL_HERE/nlkill.c"
    cp "$NL_HERE/compare.awk" "$W/"
    chmod -R a+rX "$W"
}

nl_cleanup() {
    [ -n "${NL_KEEP:-}" ] && { echo "kept: $W $BOXDIR"; return; }
    U rm -rf "$BOXDIR" 2>/dev/null
    rm -rf "$W"
}

# nl_cc NAME SOURCE [LIBS]: compile against the original's headers into $W.
nl_cc() {
    _n=$1; _s=$2; shift 2
    if ! gcc -O2 -w -I"$CCT_ORIG_INC" -I"$NL_HERE" -o "$W/$_n" "$_s" "$@" 2>"$W/$_n.cc.log"; then
        cat "$W/$_n.cc.log"; echo "0 passed, 1 failed"; exit 1
    fi
}

# U CMD...: as the test user, HOME set, in HOME.
U() {
    if is_root; then
        runuser -u "$CCT_USER" -- env HOME="$NL_HOME" sh -c 'cd "$HOME" && exec "$@"' sh "$@"
    else
        (cd "$NL_HOME" && "$@")
    fi
}
# UL / UO CMD...: as the test user with library L / the original.
UL() { U env LD_LIBRARY_PATH="$LDIR" "$@"; }
UO() { U env LD_LIBRARY_PATH="$NL_ORIG_DIR" "$@"; }

# The largest mbox of the corpus (the 26 MB list archive), or empty.
nl_corpus_mbox() {
    # NL_CORPUS=/nonexistent: no corpus (synthetic messages)
    _c=${NL_CORPUS:-$CCT_ROOT/../shared/corpus}
    [ -d "$_c" ] || [ -n "${NL_CORPUS:-}" ] || _c=/work/shared/corpus
    [ -d "$_c" ] || return 0
    find "$_c" -type f -name '*.mbox' -printf '%s %p\n' 2>/dev/null | sort -n | tail -1 | cut -d' ' -f2-
}

# nl_generate N OUT [TAG]: an mbox of N messages with unique Message-IDs
# <nl.TAG.K@nolose.test>, from corpus messages when there are any (cycled
# through; their own Message-ID and c-client status headers dropped), else
# synthetic ones.  Written by whoever calls it (pipe it through U tee).
nl_generate() {
    _src=$(nl_corpus_mbox)
    awk -v n="$1" -v tag="${3:-0}" -v have="${_src:+1}" '
    function emit(k, msg,   lines, m, i, inhdr, skip, line) {
        printf "From nolose@example.org Mon Jan  1 00:00:%02d 2001\n", k % 60
        printf "Message-ID: <nl.%s.%d@nolose.test>\n", tag, k
        m = split(msg, lines, "\n"); inhdr = 1; skip = 0
        for (i = 1; i <= m; i++) {
            line = lines[i]
            if (inhdr) {
                if (line == "") { inhdr = 0 }
                else if (line ~ /^[ \t]/) { if (skip) continue }
                else {
                    skip = (tolower(line) ~ /^(message-id|status|x-status|x-uid|x-imap|x-imapbase|x-keywords|content-length):/)
                    if (skip) continue
                }
            }
            if (i == m && line == "") break
            print line
        }
        print ""
    }
    BEGIN {
        if (!have) {
            for (k = 1; k <= n; k++) {
                body = ""
                for (j = 0; j < 10 + k % 50; j++) body = body sprintf("line %d of synthetic message %d, some text to make it longer\n", j, k)
                emit(k, sprintf("From: Sender %d <s%d@example.org>\nTo: list@example.org\nSubject: synthetic %d\nDate: Mon, 1 Jan 2001 00:00:00 +0000\n\n%s", k, k, k, body))
            }
            exit
        }
    }
    /^From [^ ]+ +(Mon|Tue|Wed|Thu|Fri|Sat|Sun) / {
        if (cur != "" || started) pool[np++] = cur
        started = 1; cur = ""
        if (np >= n) exit
        next
    }
    started { cur = cur $0 "\n" }
    END {
        if (!have) exit
        if (started && np < n) pool[np++] = cur
        for (k = 1; k <= n; k++) emit(k, pool[(k - 1) % np])
    }' "${_src:-/dev/null}" > "$2"
}

# nl_compare BEFORE AFTER [TOLERATED]: see compare.awk.
nl_compare() {
    awk -v tolfile="${3:-/dev/null}" -f "$NL_HERE/compare.awk" "$1" "$2"
}

# nl_checker_selftest: the checker must see damage we do by hand (a flipped
# byte in a body, a cut in the middle, NULs after the end, a lost message),
# and see none in an untouched copy.  Counts as tests.
nl_checker_selftest() {
    nl_generate 50 "$W/st.mbox" st
    chmod a+r "$W/st.mbox"
    U sh -c "cp '$W/st.mbox' '$REL/st' && cp '$REL/st' '$REL/st.same'"
    UO "$W/nolose" sums "$REL/st" > "$W/st.before" 2>/dev/null
    _size=$(stat -c %s "$W/st.mbox")
    # a byte in the body of a message near the middle
    _off=$(grep -b -m1 '^Message-ID: <nl.st.25@' "$W/st.mbox" | cut -d: -f1)
    _body=$(tail -c +$((_off + 1)) "$W/st.mbox" | grep -b -m1 '^$' | cut -d: -f1)
    U sh -c "cp '$REL/st' '$REL/st.flip' && printf 'X' | dd of='$REL/st.flip' bs=1 seek=$((_off + _body + 3)) conv=notrunc status=none"
    U sh -c "cp '$REL/st' '$REL/st.cut' && truncate -s $((_size / 2)) '$REL/st.cut'"
    U sh -c "cp '$REL/st' '$REL/st.pad' && head -c 3000 /dev/zero >> '$REL/st.pad'"
    U sh -c "awk '/^Message-ID: <nl.st.30@/ { drop = 1 } /^Message-ID: <nl.st.31@/ { drop = 0 } !drop' '$REL/st' > '$REL/st.drop'"
    for _case in "same:lost 0 damaged 0 padded 0" "flip:damaged 1" "cut:lost [1-9][0-9]* damaged [01] " \
                 "pad:padded 1" "drop:lost 1 damaged 0 padded 0"; do
        _name=${_case%%:*}; _want=${_case#*:}
        UO "$W/nolose" sums "$REL/st.$_name" > "$W/st.after" 2>/dev/null
        _got=$(nl_compare "$W/st.before" "$W/st.after")
        if echo "$_got" | grep -q "$_want"; then ok "checker sees $_name: $_got"
        else fail "checker on $_name: want '$_want', got '$_got'"; fi
    done
}

# nl_to_mmdf < MBOX > MMDF: the same messages in MMDF form (each between
# two ^A^A^A^A lines; the "From " line kept, as c-client writes it).
nl_to_mmdf() {
    awk '/^From [^ ]+ +(Mon|Tue|Wed|Thu|Fri|Sat|Sun) / { if (n++) printf "\001\001\001\001\n"; printf "\001\001\001\001\n" }
         { print }
         END { if (n) printf "\001\001\001\001\n" }'
}
