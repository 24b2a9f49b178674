#!/bin/bash
# drvhelpers suite: the local drivers' internal routines that the library
# exports (unix_*, mmdf_*, mbx_*, mix_*, mx_*), against the original.
#
# drvhelpers.c is compiled once against the ORIGINAL headers and run, one
# section at a time, with the original library and with ours, as the test
# user in a fresh scratch home of the same path; each section's output
# (return values, what the routines wrote to buffers and files, the
# mailboxes reopened afterwards, the callbacks) must be identical:
#   paths    mbx_file, mix_dir, mix_file, mix_file_data, mx_file
#   pure     mix_modseq, mix_addset, mix_burp_check, mix_select/rselect,
#            mix_msgfsort, mx_select, mx_numsort, mix_read_record/sequence
#   isvalid  mbx_isvalid, mix_isvalid, mx_isvalid, mmdf_isvalid (errno
#            too), unix_isvalid_fd, mmdf_isvalid_fd on each format
#   unix     unix_xstatus, unix_text_work, unix_pseudo, unix_mbxline,
#   mmdf     *_collect_msg + *_append_msgs, *_abort, *_lock/*_unlock
#            (and the mmdf_* twins)
#   mbx      mbx_hdrpos, mbx_read_flags, mbx_elt, mbx_update_status,
#            mbx_update_header, mbx_flaglock/mbx_flag, mbx_flags,
#            mbx_parse, mbx_rewrite, mbx_abort, the file afterwards
#   mix      mix_parse, mix_meta_slurp/update, mix_index_update,
#            mix_status_update, mix_data_open + mix_append_msg, mix_flag,
#            mix_sort, mix_thread, mix_subscribe/unsubscribe, mix_abort
#   mx       mx_lockindex, mx_append_msg, mx_unlockindex, mx_fast_work,
#            mx_setdate, mx_fast, mx_flag, mx_rename_work,
#            mx_subscribe/unsubscribe, the index afterwards
# and, with ours only (the original crashes on it), NULL streams and
# streams of another driver: refused with an error, no crash.
# Last line: "N passed, M failed".
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/common.sh"

have_test_user || skip_suite "no user $CCT_USER to open local mailboxes as"
[ -e "$CCT_LIBDIR/libc-client.so.2007e" ] || { fail "our library is not built (make)"; finish; }
[ -e "$CCT_ORIG_INC/c-client.h" ] || skip_suite "the original's headers are not installed"
W=$(mktemp -d /tmp/drvhelpers-suite.XXXXXX)
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT
H=$W/home
if ! cc -w -I"$CCT_ORIG_INC" -o "$W/drvhelpers" "$HERE/drvhelpers.c" -lc-client 2>"$W/cc.log"; then
    cat "$W/cc.log"; fail "build drvhelpers.c"; finish
fi
stage_lib "$W/lib"

run_as() { if is_root; then runuser -u "$CCT_USER" -- env "$@"; else env "$@"; fi; }
reset_home() {
    rm -rf "$H"; mkdir -p "$H"
    if is_root; then chown "$CCT_USER" "$H"; fi
}
# run LIB SECTION: the section's output (and its exit status) in OUT.
run() {
    local lib=$1 sec=$2 envword="CCT_LIB=original"
    [ "$lib" = ours ] && envword="LD_LIBRARY_PATH=$W/lib"
    reset_home
    (cd "$H" && run_as "$envword" HOME="$H" TZ=UTC timeout 20 "$W/drvhelpers" "$sec") \
        >"$W/$lib.$sec" 2>&1
    echo "exit $?" >>"$W/$lib.$sec"
}

for sec in paths pure isvalid unix mmdf mbx mix mx; do
    run original "$sec"
    run ours "$sec"
    if [ "$(wc -l <"$W/original.$sec")" -lt 5 ] || ! grep -q '^exit 0$' "$W/original.$sec"; then
        fail "$sec: the original did not run it"; tail -n 5 "$W/original.$sec"
    elif cmp -s "$W/original.$sec" "$W/ours.$sec"; then
        ok "$sec: same output as the original ($(wc -l <"$W/ours.$sec") lines)"
    else
        fail "$sec: output differs from the original"
        diff "$W/original.$sec" "$W/ours.$sec" | head -n 40
    fi
done

run ours hostile
if grep -q '^done$' "$W/ours.hostile" && grep -q '^exit 0$' "$W/ours.hostile"; then
    ok "hostile arguments refused without a crash"
else
    fail "hostile arguments"; tail -n 20 "$W/ours.hostile"
fi
refusals=$(grep -c 'not a stream open on the' "$W/ours.hostile")
if [ "$refusals" -ge 8 ]; then
    ok "streams of another driver or NULL reported ($refusals errors)"
else
    fail "refusals reported: $refusals"; cat "$W/ours.hostile"
fi
finish
