//! The `nntpdriver` reading methods: `{host/nntp}#news.group` opened
//! read-only over the posting session of `nntp_post.rs` (a SENDSTREAM),
//! GROUP and LISTGROUP (or HDR/XHDR) for the UID map, OVER/XOVER for
//! overviews, HEAD/BODY/ARTICLE, LIST ACTIVE for `mail_list`, the
//! `.newsrc` for `\Seen` (read articles come back `\Deleted`, as in the
//! original), subscriptions and STATUS, and the original's local SEARCH
//! emulation over cached overviews. The arithmetic (GROUP ranges, map and
//! OVER lines, sort keys) is safe code in `crate::net::nntp`; this module
//! keeps the message cache and the `mm_*` callbacks in the original's
//! order. The commands and replies are the session's
//! (`crate::net::nntp::session`), spoken over the stream's SENDSTREAM.

use super::bindings::*;
use super::cache::{mail_elt, mail_exists, mail_recent};
use super::callbacks::{mm_flags, mm_list, mm_log, mm_lsub, mm_searched, mm_status};
use super::log_bytes as log;
use super::memory::{c_bytes, c_string_from, fs_get, fs_give};
use super::net::c_field as nm_bytes;
use super::net::{cz, notify};
use super::net::{net_getline, net_host, net_port};
use super::nntp_post::{nntp_close, nntp_open_full, Sess};
use super::search::search_silently;
use super::sort::sort_results;
use crate::env::params::Owner;
use crate::net::nntp as proto;
use crate::net::nntp::session::{self, Reader, LIST_SLACK, MAX_LIST_LINES, MAX_TEXT};
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_uint, c_ulong, c_void};
use std::ptr::{addr_of_mut, null_mut};

extern "C" {
    fn mail_valid_net_parse(name: *mut c_char, mb: *mut NETMBX) -> c_long;
    fn mail_open(stream: *mut MAILSTREAM, name: *mut c_char, options: c_long) -> *mut MAILSTREAM;
    fn mail_close_full(stream: *mut MAILSTREAM, options: c_long) -> *mut MAILSTREAM;
    fn mail_usable_network_stream(stream: *mut MAILSTREAM, name: *mut c_char) -> c_long;
    fn mail_sequence(stream: *mut MAILSTREAM, sequence: *mut c_uchar) -> c_long;
    fn mail_uid_sequence(stream: *mut MAILSTREAM, sequence: *mut c_uchar) -> c_long;
    fn mail_uid(stream: *mut MAILSTREAM, msgno: c_ulong) -> c_ulong;
    fn mail_msgno(stream: *mut MAILSTREAM, uid: c_ulong) -> c_ulong;
    fn mail_parse_date(elt: *mut MESSAGECACHE, s: *mut c_uchar) -> c_long;
    fn mail_free_envelope(env: *mut *mut ENVELOPE);
    fn mail_free_address(adr: *mut *mut ADDRESS);
    fn mail_shortdate(year: c_uint, month: c_uint, day: c_uint) -> std::os::raw::c_ushort;
    fn mail_longdate(elt: *mut MESSAGECACHE) -> c_ulong;
    fn mail_search_msg(
        stream: *mut MAILSTREAM,
        msgno: c_ulong,
        section: *mut c_char,
        pgm: *mut SEARCHPGM,
    ) -> c_long;
    fn mail_search_keyword(
        stream: *mut MAILSTREAM,
        elt: *mut MESSAGECACHE,
        st: *mut STRINGLIST,
        flag: c_long,
    ) -> c_long;
    fn mail_search_addr(adr: *mut ADDRESS, st: *mut STRINGLIST) -> c_long;
    fn mail_search_header_text(s: *mut c_char, st: *mut STRINGLIST) -> c_long;
    fn mail_search_header(hdr: *mut SIZEDTEXT, st: *mut STRINGLIST) -> c_long;
    fn mail_search_text(
        stream: *mut MAILSTREAM,
        msgno: c_ulong,
        section: *mut c_char,
        st: *mut STRINGLIST,
        flags: c_long,
    ) -> c_long;
    fn mail_fetch_structure(
        stream: *mut MAILSTREAM,
        msgno: c_ulong,
        body: *mut *mut BODY,
        flags: c_long,
    ) -> *mut ENVELOPE;
    fn mail_fetch_header(
        stream: *mut MAILSTREAM,
        msgno: c_ulong,
        section: *mut c_char,
        lines: *mut STRINGLIST,
        len: *mut c_ulong,
        flags: c_long,
    ) -> *mut c_char;
    fn mail_sort_cache(
        stream: *mut MAILSTREAM,
        pgm: *mut SORTPGM,
        sc: *mut *mut SORTCACHE,
        flags: c_long,
    ) -> *mut c_ulong;
    fn mail_sort_loadcache(stream: *mut MAILSTREAM, pgm: *mut SORTPGM) -> *mut *mut SORTCACHE;
    fn mail_strip_subject(t: *mut c_char, ret: *mut *mut c_char) -> c_uint;
    fn mail_thread_msgs(
        stream: *mut MAILSTREAM,
        type_: *mut c_char,
        charset: *mut c_char,
        spg: *mut SEARCHPGM,
        flags: c_long,
        sorter: sorter_t,
    ) -> *mut THREADNODE;
    fn utf8_badcharset(charset: *mut c_char) -> *mut c_char;
    fn utf8_searchpgm(pgm: *mut SEARCHPGM, charset: *mut c_char);
    fn pmatch_full(s: *mut c_uchar, pat: *mut c_uchar, delim: c_uchar) -> c_long;
    fn sm_read(sdb: *mut *mut c_void) -> *mut c_char;
    fn newsrc_read(group: *mut c_char, stream: *mut MAILSTREAM) -> c_long;
    fn newsrc_write(group: *mut c_char, stream: *mut MAILSTREAM) -> c_long;
    fn newsrc_lsub(stream: *mut MAILSTREAM, pattern: *mut c_char);
    fn newsrc_update(stream: *mut MAILSTREAM, group: *mut c_char, state: c_int) -> c_long;
    fn newsrc_state(stream: *mut MAILSTREAM, group: *mut c_char) -> *mut c_char;
    fn newsrc_check_uid(
        state: *mut c_uchar,
        uid: c_ulong,
        recent: *mut c_ulong,
        unseen: *mut c_ulong,
    );
    fn rfc822_parse_msg_full(
        en: *mut *mut ENVELOPE,
        bdy: *mut *mut BODY,
        s: *mut c_char,
        i: c_ulong,
        bs: *mut STRING,
        host: *mut c_char,
        depth: c_ulong,
        flags: c_ulong,
    );
    fn rfc822_parse_address(
        lst: *mut *mut ADDRESS,
        last: *mut ADDRESS,
        string: *mut *mut c_char,
        defaulthost: *mut c_char,
        depth: c_ulong,
    ) -> *mut ADDRESS;
    fn fatal(string: *mut c_char);
}

use super::nntp::nntp_parse_overview;

const NNTPSOFTFATAL: c_long = 400;
const BADHOST: &std::ffi::CStr = c".MISSING-HOST-NAME.";
const UID_VALIDITY: c_ulong = 0xbeef_face;
static EMPTY: [c_char; 1] = [0];

/// What an NNTP stream keeps in `stream->local`.
pub struct NntpLocal {
    /// The session (NULL once handed back).
    nntp: *mut SENDSTREAM,
    /// The newsrc needs writing (a `\Deleted` changed).
    dirty: bool,
    tlsflag: bool,
    tlssslv23: bool,
    notlsflag: bool,
    sslflag: bool,
    novalidate: bool,
    /// Whether XOVER and XHDR are still worth trying.
    reader: Reader,
    /// The newsgroup, NUL-terminated.
    name: Vec<u8>,
    user: Option<Vec<u8>>,
    /// The newsrc file name, NUL-terminated (GET_NEWSRC hands it out).
    newsrc: Vec<u8>,
    over_fmt: Option<Vec<u8>>,
    /// Message whose text is in `txt`.
    msgno: c_ulong,
    txt: Option<Vec<u8>>,
}

/// The stream's NNTP state.
///
/// # Safety
/// `stream` NULL or live; its `local` NULL or set by [`nntp_mopen`].
pub unsafe fn local<'a>(stream: *mut MAILSTREAM) -> Option<&'a mut NntpLocal> {
    // SAFETY: per the contract; only nntp_mopen stores an NntpLocal into
    // `local` of an nntpdriver stream.
    unsafe {
        let s = stream.as_mut()?;
        if s.dtb != addr_of_mut!(super::data::nntpdriver) {
            return None;
        }
        (s.local as *mut NntpLocal).as_mut()
    }
}

/// The session of the stream (NULL without one).
unsafe fn session(stream: *mut MAILSTREAM) -> *mut SENDSTREAM {
    // SAFETY: per local's contract.
    unsafe { local(stream).map_or(null_mut(), |l| l.nntp) }
}

/// The session's last reply line.
unsafe fn reply_of<'a>(nntp: *mut SENDSTREAM) -> &'a [u8] {
    // SAFETY: live session; reply NULL or a C string.
    unsafe { nntp.as_ref().and_then(|n| c_bytes(n.reply)).unwrap_or(b"") }
}

/// The lines of a multi-line reply (see `session::lines`), each to
/// `each`; true when the final `.` came.
unsafe fn lines(nntp: *mut SENDSTREAM, max: u64, mut each: impl FnMut(&[u8])) -> bool {
    !nntp.is_null() && session::lines(&mut Sess(nntp), max, &mut |_, l| each(l))
}

/// A dot-terminated text from a bare connection (see
/// `session::slurp_lines`).
unsafe fn slurp(net: *mut NETSTREAM) -> Option<(Vec<u8>, usize)> {
    session::slurp_lines(
        &mut || {
            // SAFETY: live NETSTREAM; each line is ours to free.
            unsafe {
                let mut p = net_getline(net);
                let line = c_bytes(p)?.to_vec();
                fs_give(&mut p as *mut *mut c_char as *mut *mut c_void);
                Some(line)
            }
        },
        MAX_TEXT,
    )
}

/// The session's SENDSTREAM as the dialogues' peer (not NULL).
fn peer(nntp: *mut SENDSTREAM) -> Sess {
    Sess(nntp)
}

/// GROUP on a session (false without one).
fn select(nntp: *mut SENDSTREAM, name: &[u8]) -> bool {
    !nntp.is_null() && session::group(&mut peer(nntp), name)
}

/// HEAD or BODY on the stream's session (a made-up 400 without one).
unsafe fn fetch(
    stream: *mut MAILSTREAM,
    how: fn(&mut dyn session::Peer, &[u8]) -> session::Fetched,
    id: &[u8],
) -> session::Fetched {
    // SAFETY: per local's contract.
    let nntp = unsafe { session(stream) };
    if nntp.is_null() {
        return session::Fetched {
            code: NNTPSOFTFATAL,
            text: None,
        };
    }
    how(&mut peer(nntp), id)
}

/// `netmsg_slurp`: a dot-terminated text from the connection into a
/// scratch file (rewound), with its size and its header's size.
///
/// # Safety
/// `stream` a live NETSTREAM; `size` writable; `hsiz` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn netmsg_slurp(
    stream: *mut NETSTREAM,
    size: *mut c_ulong,
    hsiz: *mut c_ulong,
) -> *mut libc::FILE {
    super::guard("netmsg_slurp", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let f = libc::tmpfile();
            if f.is_null() {
                let e = std::io::Error::last_os_error();
                log(
                    format!("Unable to create scratch file: {:.80}", e.to_string()).as_bytes(),
                    ERROR,
                );
                return null_mut();
            }
            if !size.is_null() {
                *size = 0;
            }
            if !hsiz.is_null() {
                *hsiz = 0;
            }
            let Some((text, h)) = slurp(stream) else {
                libc::fclose(f);
                return null_mut();
            };
            if libc::fwrite(text.as_ptr() as *const c_void, 1, text.len(), f) != text.len() {
                log(b"Error writing scratch file at byte 0", ERROR);
                libc::fclose(f);
                return null_mut();
            }
            libc::fseek(f, 0, libc::SEEK_SET);
            if !size.is_null() {
                *size = text.len() as c_ulong;
            }
            if !hsiz.is_null() {
                *hsiz = h as c_ulong;
            }
            f
        }
    })
}

/// `GET_NEWSRC` of an nntp stream: its newsrc name.
///
/// # Safety
/// `stream` NULL or live.
pub unsafe fn newsrc_of(stream: *mut MAILSTREAM) -> *mut c_void {
    // SAFETY: per the contract.
    unsafe { local(stream).map_or(null_mut(), |l| l.newsrc.as_mut_ptr() as *mut c_void) }
}

/// `ENABLE_DEBUG`/`DISABLE_DEBUG` of an nntp stream.
///
/// # Safety
/// `stream` NULL or live.
pub unsafe fn set_debug(stream: *mut MAILSTREAM, on: bool) {
    // SAFETY: per the contract.
    unsafe {
        if let Some(n) = local(stream).and_then(|l| l.nntp.as_mut()) {
            n.set_debug(on as u32);
        }
    }
}

/// `nntp_scan`: not valid for NNTP.
///
/// # Safety
/// `reference` NULL or a C string; `pat` a C string.
#[no_mangle]
pub unsafe extern "C" fn nntp_scan(
    _stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pat: *mut c_char,
    _contents: *mut c_char,
) {
    super::guard("nntp_scan", (), || {
        let mut tmp = vec![0 as c_char; MAILTMPLEN as usize];
        // SAFETY: per the contract; tmp a MAILTMPLEN buffer.
        if unsafe { super::nntp::nntp_canonicalize(reference, pat, tmp.as_mut_ptr(), null_mut()) }
            != 0
        {
            log(b"Scan not valid for NNTP mailboxes", ERROR);
        }
    })
}

/// `nntp_list`: LIST ACTIVE (with the pattern as a wildmat when it can
/// be one; plain LIST if refused), each group matching reported, and with
/// a trailing `%` its unselectable parents.
///
/// # Safety
/// `stream` NULL or live; `reference` NULL or a C string; `pat` a C string.
#[no_mangle]
pub unsafe extern "C" fn nntp_list(
    stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pat: *mut c_char,
) {
    super::guard("nntp_list", (), || {
        // SAFETY: per the contract.
        unsafe { list(stream, reference, pat) }
    })
}

unsafe fn list(stream: *mut MAILSTREAM, reference: *mut c_char, pat: *mut c_char) {
    // SAFETY: per nntp_list's contract.
    unsafe {
        let p = c_bytes(pat).unwrap_or(b"");
        let mut pattern = vec![0 as c_char; MAILTMPLEN as usize];
        let mut wildmat = vec![0 as c_char; MAILTMPLEN as usize];
        let showuppers = p.last() == Some(&b'%');
        if p.is_empty() {
            if super::nntp::nntp_canonicalize(
                reference,
                c"*".as_ptr() as *mut c_char,
                pattern.as_mut_ptr(),
                null_mut(),
            ) != 0
            {
                let mut pt = nm_bytes(&pattern);
                match pt.iter().position(|&b| b == b'}').and_then(|b| {
                    pt[b + 1..]
                        .iter()
                        .position(|&c| c == b'.')
                        .map(|d| b + 1 + d)
                }) {
                    Some(dot) => pt.truncate(dot + 1),
                    None => pt.clear(),
                }
                let mut z = cz(&pt);
                mm_list(stream, b'.' as c_int, z.as_mut_ptr() as *mut c_char, 0);
            }
            return;
        }
        if super::nntp::nntp_canonicalize(
            reference,
            pat,
            pattern.as_mut_ptr(),
            wildmat.as_mut_ptr(),
        ) == 0
        {
            return;
        }
        let mut st = stream;
        let mut temp = false;
        if local(st).is_none_or(|l| l.nntp.is_null()) {
            st = mail_open(null_mut(), pattern.as_mut_ptr(), OP_HALFOPEN | OP_SILENT);
            if st.is_null() {
                return;
            }
            temp = true;
        }
        let w = nm_bytes(&wildmat);
        let nntp = session(st);
        let ok = !nntp.is_null() && session::list_active(&mut peer(nntp), &w);
        if ok {
            let pt = nm_bytes(&pattern);
            let mut pz = cz(&pt);
            let brace = pt.iter().position(|&b| b == b'}').map_or(0, |b| b + 1);
            let lcl = if pt.get(brace) == Some(&b'#') {
                brace + 6
            } else {
                brace
            };
            let prefix = pt[..lcl.min(pt.len())].to_vec();
            let nntp = session(st);
            lines(nntp, MAX_LIST_LINES, |s| {
                let Some(sp) = s.iter().position(|&b| b == b' ') else {
                    return;
                };
                let mut group = s[..sp].to_vec();
                let full = |g: &[u8]| {
                    let mut n = prefix.clone();
                    n.extend_from_slice(g);
                    cz(&n)
                };
                let mut name = full(&group);
                if pmatch_full(name.as_mut_ptr(), pz.as_mut_ptr() as *mut c_uchar, b'.') != 0 {
                    mm_list(st, b'.' as c_int, name.as_mut_ptr() as *mut c_char, 0);
                } else if showuppers {
                    while let Some(d) = group.iter().rposition(|&b| b == b'.') {
                        group.truncate(d);
                        let mut name = full(&group);
                        if pmatch_full(name.as_mut_ptr(), pz.as_mut_ptr() as *mut c_uchar, b'.')
                            != 0
                        {
                            mm_list(
                                st,
                                b'.' as c_int,
                                name.as_mut_ptr() as *mut c_char,
                                LATT_NOSELECT,
                            );
                        }
                    }
                }
            });
        }
        if temp {
            mail_close_full(st, 0);
        }
    }
}

/// `nntp_lsub`: the subscribed groups of the newsrc, then the
/// subscription list's nntp names matching.
///
/// # Safety
/// `stream` NULL or live; `reference` NULL or a C string; `pat` a C string.
#[no_mangle]
pub unsafe extern "C" fn nntp_lsub(
    stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pat: *mut c_char,
) {
    super::guard("nntp_lsub", (), || {
        // SAFETY: per the contract.
        unsafe {
            let mut mbx = vec![0 as c_char; MAILTMPLEN as usize];
            if super::nntp::nntp_canonicalize(reference, pat, mbx.as_mut_ptr(), null_mut()) != 0 {
                newsrc_lsub(stream, mbx.as_mut_ptr());
            }
            let p = c_bytes(pat).unwrap_or(b"").to_vec();
            let mut r = c_bytes(reference).map(|r| r.to_vec());
            if p.first() == Some(&b'{') {
                if super::nntp::nntp_valid(pat).is_null() {
                    return;
                }
                r = None;
            }
            if let Some(rr) = &r {
                if rr.first() == Some(&b'{') && super::nntp::nntp_valid(reference).is_null() {
                    return;
                }
            }
            let mut full = r.unwrap_or_default();
            full.extend_from_slice(&p);
            let mut fz = cz(&full);
            let mut sdb: *mut c_void = null_mut();
            loop {
                let s = sm_read(&mut sdb);
                if s.is_null() {
                    break;
                }
                if !super::nntp::nntp_valid(s).is_null()
                    && pmatch_full(s as *mut c_uchar, fz.as_mut_ptr() as *mut c_uchar, 0) != 0
                {
                    mm_lsub(stream, 0, s, 0);
                }
            }
        }
    })
}

/// `nntp_subscribe`: the group subscribed in the newsrc.
///
/// # Safety
/// `stream` NULL or live; `mailbox` a C string.
#[no_mangle]
pub unsafe extern "C" fn nntp_subscribe(stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    super::guard("nntp_subscribe", 0, || {
        // SAFETY: per the contract.
        unsafe { update(stream, mailbox, b':') }
    })
}

/// `nntp_unsubscribe`: the group unsubscribed in the newsrc.
///
/// # Safety
/// `stream` NULL or live; `mailbox` a C string.
#[no_mangle]
pub unsafe extern "C" fn nntp_unsubscribe(stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    super::guard("nntp_unsubscribe", 0, || {
        // SAFETY: per the contract.
        unsafe { update(stream, mailbox, b'!') }
    })
}

unsafe fn update(stream: *mut MAILSTREAM, mailbox: *mut c_char, state: u8) -> c_long {
    let mut mbx = vec![0 as c_char; MAILTMPLEN as usize];
    // SAFETY: mbx a MAILTMPLEN buffer.
    unsafe {
        if super::nntp::nntp_isvalid(mailbox, mbx.as_mut_ptr()).is_null() {
            0
        } else {
            newsrc_update(stream, mbx.as_mut_ptr(), state as c_int)
        }
    }
}

/// The group part of an nntp name (`#news.` dropped), when the name is
/// one STATUS accepts.
fn status_group(mb: &NETMBX) -> Option<Vec<u8>> {
    if nm_bytes(&mb.service) != b"nntp" {
        return None;
    }
    let m = nm_bytes(&mb.mailbox);
    if m.is_empty() {
        return None;
    }
    if m[0] != b'#' {
        return Some(m);
    }
    m.strip_prefix(b"#news.").map(|g| g.to_vec())
}

/// `nntp_status`: GROUP on the stream's session (or a half-open one),
/// the unseen and recent counts from the newsrc over the article map.
///
/// # Safety
/// `stream` NULL or live; `mbx` a C string.
#[no_mangle]
pub unsafe extern "C" fn nntp_status(
    stream: *mut MAILSTREAM,
    mbx: *mut c_char,
    flags: c_long,
) -> c_long {
    super::guard("nntp_status", 0, || {
        // SAFETY: per the contract.
        unsafe { status(stream, mbx, flags) }
    })
}

unsafe fn status(stream: *mut MAILSTREAM, mbx: *mut c_char, flags: c_long) -> c_long {
    // SAFETY: per nntp_status's contract.
    unsafe {
        let mut mb: NETMBX = std::mem::zeroed();
        let group = if mail_valid_net_parse(mbx, &mut mb) != 0 {
            status_group(&mb)
        } else {
            None
        };
        let Some(name) = group else {
            let mut t = b"Invalid NNTP name ".to_vec();
            t.extend_from_slice(c_bytes(mbx).unwrap_or(b""));
            log(&t, ERROR);
            return 0;
        };
        let old = if !stream.is_null() && (*stream).halfopen() == 0 {
            local(stream).map(|l| nm_bytes_u8(&l.name))
        } else {
            None
        };
        let mut st = stream;
        let mut temp = false;
        if !(local(stream).is_some_and(|l| !l.nntp.is_null())
            && mail_usable_network_stream(stream, mbx) != 0)
        {
            let mul = if flags & SA_MULNEWSRC != 0 {
                OP_MULNEWSRC
            } else {
                0
            };
            st = mail_open(null_mut(), mbx, OP_HALFOPEN | OP_SILENT | mul);
            if st.is_null() {
                return 0;
            }
            temp = true;
        }
        let mut ret = 0;
        if select(session(st), &name) {
            let range = super::params::number(Owner::Nntp, GET_NNTPRANGE) as u64;
            let r = proto::status_range(reply_of(session(st)), range);
            let mut status: MAILSTATUS = std::mem::zeroed();
            status.flags = flags;
            status.uidnext = r.uidnext;
            status.messages = r.range_raw;
            if r.claimed_raw > r.range_raw {
                log(
                    format!(
                        "NNTP SERVER BUG (impossible message count): {} > {}",
                        r.claimed_raw, r.range_raw
                    )
                    .as_bytes(),
                    WARN,
                );
            }
            status.messages = r.messages;
            let first = r.first;
            let mut nz = cz(&name);
            if status.messages == 0 {
            } else if flags & (SA_RECENT | SA_UNSEEN) == 0 {
                status.messages = r.claimed;
            } else {
                let state = newsrc_state(st, nz.as_mut_ptr() as *mut c_char);
                if !state.is_null() {
                    if getmap(st, &name, first, r.uidnext - 1, r.rnmsgs, status.messages) {
                        let mut count = 0;
                        let (mut rec, mut uns) = (0 as c_ulong, 0 as c_ulong);
                        let max = r.rnmsgs.saturating_add(LIST_SLACK);
                        lines(session(st), max, |s| {
                            let k = proto::atol(s) as u64;
                            if k >= first && k < r.uidnext {
                                newsrc_check_uid(state as *mut c_uchar, k, &mut rec, &mut uns);
                                count += 1;
                            }
                        });
                        status.messages = count;
                        status.recent = rec;
                        status.unseen = uns;
                    } else {
                        let (mut rec, mut uns) = (0 as c_ulong, 0 as c_ulong);
                        for k in first..r.uidnext {
                            newsrc_check_uid(state as *mut c_uchar, k, &mut rec, &mut uns);
                        }
                        status.recent = rec;
                        status.unseen = uns;
                    }
                    let mut p = state as *mut c_void;
                    fs_give(&mut p);
                } else {
                    status.recent = status.messages;
                    status.unseen = status.messages;
                }
            }
            status.uidvalidity = (*st).uid_validity;
            mm_status(st, mbx, &mut status);
            ret = 1;
        }
        if temp {
            mail_close_full(st, 0);
        } else if let Some(o) = old {
            if !select(session(st), &o) {
                let r = reply_of(session(st)).to_vec();
                log(&r, ERROR);
                (*st).set_halfopen(1);
            }
        }
        ret
    }
}

fn nm_bytes_u8(b: &[u8]) -> Vec<u8> {
    b.iter().copied().take_while(|&c| c != 0).collect()
}

/// The article map: LISTGROUP, else HDR Date/XHDR Date over the range;
/// true when its lines follow.
unsafe fn getmap(
    stream: *mut MAILSTREAM,
    name: &[u8],
    first: u64,
    last: u64,
    rnmsgs: u64,
    nmsgs: u64,
) -> bool {
    // SAFETY: stream live with a session.
    unsafe {
        let nntp = session(stream);
        let Some(l) = local(stream).filter(|_| !nntp.is_null()) else {
            return false;
        };
        session::getmap(
            &mut peer(nntp),
            &mut l.reader,
            name,
            (first, last),
            rnmsgs,
            nmsgs,
        )
    }
}

/// `nntp_getmap`: as the original, with the map's lines left to read.
///
/// # Safety
/// `stream` live (an nntp stream); `name` a C string.
#[no_mangle]
pub unsafe extern "C" fn nntp_getmap(
    stream: *mut MAILSTREAM,
    name: *mut c_char,
    first: c_ulong,
    last: c_ulong,
    rnmsgs: c_ulong,
    nmsgs: c_ulong,
    _tmp: *mut c_char,
) -> c_long {
    super::guard("nntp_getmap", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let n = c_bytes(name).unwrap_or(b"").to_vec();
            c_long::from(getmap(stream, &n, first, last, rnmsgs, nmsgs))
        }
    })
}

/// `nntp_mopen`: the prototype for NULL; else connects (or reuses the
/// recycled stream's session), selects the group with GROUP, maps its
/// articles and reads the newsrc.
///
/// # Safety
/// `stream` NULL or a stream being opened by mail_open.
#[no_mangle]
pub unsafe extern "C" fn nntp_mopen(stream: *mut MAILSTREAM) -> *mut MAILSTREAM {
    super::guard("nntp_mopen", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { mopen(stream) }
    })
}

unsafe fn mopen(stream: *mut MAILSTREAM) -> *mut MAILSTREAM {
    // SAFETY: per nntp_mopen's contract.
    unsafe {
        if stream.is_null() {
            return addr_of_mut!(super::data::nntpproto);
        }
        let mut mb: NETMBX = std::mem::zeroed();
        mail_valid_net_parse((*stream).mailbox, &mut mb);
        let mbox = nm_bytes(&mb.mailbox);
        let mbx = if mbox.first() == Some(&b'#') {
            mbox.get(6..).unwrap_or(&[]).to_vec()
        } else {
            mbox.clone()
        };
        let mut nstream: *mut SENDSTREAM = null_mut();
        if let Some(l) = local(stream) {
            nstream = l.nntp;
            let host = c_bytes(net_host((*nstream).netstream))
                .unwrap_or(b"")
                .to_vec();
            let mut t = b"Reusing connection to ".to_vec();
            t.extend_from_slice(&host);
            if (*stream).silent() == 0 {
                log(&t, 0);
            }
            if (*stream).rdonly() != 0 {
                mb.set_readonlyflag(1);
            }
            if l.tlsflag {
                mb.set_tlsflag(1);
            }
            if l.tlssslv23 {
                mb.set_tlssslv23(1);
            }
            if l.notlsflag {
                mb.set_notlsflag(1);
            }
            if l.sslflag {
                mb.set_sslflag(1);
            }
            if l.novalidate {
                mb.set_novalidate(1);
            }
            if (*nstream).loser() != 0 {
                mb.set_loser(1);
            }
            if (*stream).secure() != 0 {
                mb.set_secflag(1);
            }
            l.nntp = null_mut();
            mclose(stream);
            (*stream).dtb = addr_of_mut!(super::data::nntpdriver);
        }
        let s = &mut *stream;
        if mb.dbgflag() != 0 {
            s.set_debug(1);
        }
        if mb.readonlyflag() != 0 {
            s.set_rdonly(1);
        }
        if mb.secflag() != 0 {
            s.set_secure(1);
        }
        let tryssl = mb.trysslflag() != 0 || s.tryssl() != 0;
        mb.set_trysslflag(tryssl as u32);
        s.set_tryssl(tryssl as u32);
        if nstream.is_null() {
            let mut h = nm_bytes(&mb.host);
            let port = super::params::number(Owner::Nntp, GET_NNTPPORT) as c_ulong;
            if mb.port != 0 || port != 0 {
                h.extend_from_slice(
                    format!(":{}", if mb.port != 0 { mb.port } else { port }).as_bytes(),
                );
            }
            for (on, flag) in [
                (mb.tlsflag(), &b"/tls"[..]),
                (mb.tlssslv23(), b"/tls-sslv23"),
                (mb.notlsflag(), b"/notls"),
                (mb.sslflag(), b"/ssl"),
                (mb.novalidate(), b"/novalidate-cert"),
                (mb.loser(), b"/loser"),
                (mb.secflag(), b"/secure"),
            ] {
                if on != 0 {
                    h.extend_from_slice(flag);
                }
            }
            let user = nm_bytes(&mb.user);
            if !user.is_empty() {
                h.extend_from_slice(b"/user=\"");
                h.extend_from_slice(&user);
                h.push(b'"');
            }
            h.truncate(MAILTMPLEN as usize - 1);
            let mut hz = cz(&h);
            let mut hostlist = [hz.as_mut_ptr() as *mut c_char, null_mut()];
            nstream = nntp_open_full(
                null_mut(),
                hostlist.as_mut_ptr(),
                c"nntp".as_ptr() as *mut c_char,
                0,
                NOP_READONLY | if s.debug() != 0 { NOP_DEBUG } else { 0 },
            );
            if nstream.is_null() {
                return null_mut();
            }
        }
        let mut range = proto::OpenRange::default();
        if (*stream).halfopen() == 0 {
            if select(nstream, &mbx) {
                let limit = super::params::number(Owner::Nntp, GET_NNTPRANGE) as u64;
                range = proto::open_range(reply_of(nstream), limit);
                (*stream).uid_last = range.last;
                if range.absurd {
                    log(
                        format!(
                            "NNTP SERVER BUG (impossible message count): {} > {}",
                            range.claimed, range.rnmsgs
                        )
                        .as_bytes(),
                        WARN,
                    );
                }
            } else {
                let r = reply_of(nstream).to_vec();
                log(&r, ERROR);
                nntp_close(nstream);
                return null_mut();
            }
        }
        // The newsrc: one per host when asked (through the application's
        // query hook if it set one).
        let global =
            super::params::mail_parameters(null_mut(), GET_NEWSRC, null_mut()) as *const c_char;
        let gname = c_bytes(global).unwrap_or(b"").to_vec();
        let newsrc = if (*stream).mulnewsrc() != 0 {
            let mut t = gname.clone();
            t.push(b'-');
            let host =
                if super::params::mail_parameters(null_mut(), GET_NEWSRCCANONHOST, null_mut())
                    .is_null()
                {
                    nm_bytes(&mb.host)
                } else {
                    c_bytes(net_host((*nstream).netstream))
                        .unwrap_or(b"")
                        .to_vec()
                };
            t.extend(host.iter().map(|c| c.to_ascii_lowercase()));
            let q = super::params::hook(GET_NEWSRCQUERY);
            if q != 0 {
                // SAFETY: the hook was installed as a newsrcquery_t.
                let f: unsafe extern "C" fn(
                    *mut MAILSTREAM,
                    *mut c_char,
                    *mut c_char,
                ) -> *mut c_char = std::mem::transmute(q);
                let mut tz = cz(&t);
                let mut gz = cz(&gname);
                let r = f(
                    stream,
                    tz.as_mut_ptr() as *mut c_char,
                    gz.as_mut_ptr() as *mut c_char,
                );
                c_bytes(r).map(|b| b.to_vec()).unwrap_or(t)
            } else {
                t
            }
        } else {
            gname
        };
        let user = nm_bytes(&mb.user);
        (*stream).local = Box::into_raw(Box::new(NntpLocal {
            nntp: nstream,
            dirty: false,
            tlsflag: mb.tlsflag() != 0,
            tlssslv23: mb.tlssslv23() != 0,
            notlsflag: mb.notlsflag() != 0,
            sslflag: mb.sslflag() != 0,
            novalidate: mb.novalidate() != 0,
            reader: Reader::default(),
            name: cz(&mbx),
            user: (!user.is_empty()).then_some(user),
            newsrc: cz(&newsrc),
            over_fmt: None,
            msgno: 0,
            txt: None,
        })) as *mut c_void;
        if mb.loser() != 0 {
            (*nstream).set_loser(1);
        }
        let s = &mut *stream;
        s.sequence += 1;
        s.set_rdonly(1);
        s.set_perm_deleted(1);
        s.uid_validity = UID_VALIDITY;
        let trust = !super::params::mail_parameters(null_mut(), GET_TRUSTDNS, null_mut()).is_null();
        let mut name = b"{".to_vec();
        if trust {
            name.extend_from_slice(c_bytes(net_host((*nstream).netstream)).unwrap_or(b""));
        } else {
            name.extend_from_slice(&nm_bytes(&mb.host));
        }
        name.extend_from_slice(format!(":{}/nntp", net_port((*nstream).netstream)).as_bytes());
        let l = local(stream).expect("just set");
        for (on, flag) in [
            (l.tlsflag, &b"/tls"[..]),
            (l.tlssslv23, b"/tls-sslv23"),
            (l.notlsflag, b"/notls"),
            (l.sslflag, b"/ssl"),
            (l.novalidate, b"/novalidate-cert"),
            ((*nstream).loser() != 0, b"/loser"),
            (s.secure() != 0, b"/secure"),
            (s.rdonly() != 0, b"/readonly"),
        ] {
            if on {
                name.extend_from_slice(flag);
            }
        }
        if let Some(u) = &l.user {
            name.extend_from_slice(b"/user=\"");
            name.extend_from_slice(u);
            name.push(b'"');
        }
        if s.halfopen() != 0 {
            name.extend_from_slice(b"}<no_mailbox>");
        } else {
            name.extend_from_slice(b"}#news.");
            name.extend_from_slice(&mbx);
        }
        let mut old = s.mailbox as *mut c_void;
        fs_give(&mut old);
        s.mailbox = c_string_from(&name);
        if let Some(t) = session::overview_format(&mut peer(nstream)) {
            l.over_fmt = Some(t);
        }
        let nmsgs = range.nmsgs;
        if nmsgs != 0 {
            let silent = s.silent();
            s.set_silent(1);
            mail_exists(stream, nmsgs);
            let (first, last) = (range.first, range.last);
            if getmap(stream, &mbx, first, last, range.rnmsgs, nmsgs) {
                let mut n: c_ulong = 0;
                let max = range.rnmsgs.saturating_add(LIST_SLACK);
                lines(nstream, max, |line| {
                    match proto::map_line(line, first, last) {
                        proto::MapLine::TooHigh(k) => {
                            notify(
                                stream,
                                format!("NNTP SERVER BUG (out of range article ID): {k} > {last}")
                                    .as_bytes(),
                                0,
                            );
                            (*stream).set_unhealthy(1);
                        }
                        proto::MapLine::Keep(k) => {
                            if n == (*stream).nmsgs {
                                mail_exists(stream, n + 1);
                            }
                            n += 1;
                            (*mail_elt(stream, n)).private.uid = k;
                        }
                        proto::MapLine::Skip => {}
                    }
                });
                range.nmsgs = n;
            } else {
                for (k, uid) in (1..=nmsgs).zip(first..) {
                    (*mail_elt(stream, k)).private.uid = uid;
                }
            }
            let s = &mut *stream;
            s.set_unhealthy(0);
            s.nmsgs = 0;
            s.set_silent(silent);
            mail_exists(stream, range.nmsgs);
            let mut gz = cz(&mbx);
            let recent = newsrc_read(gz.as_mut_ptr() as *mut c_char, stream);
            mail_recent(stream, recent as c_ulong);
        } else {
            if s.silent() == 0 && s.halfopen() == 0 {
                let mut t = b"Newsgroup ".to_vec();
                t.extend_from_slice(&mbx);
                t.extend_from_slice(b" is empty");
                log(&t, WARN);
            }
            mail_exists(stream, 0);
            mail_recent(stream, 0);
        }
        stream
    }
}

/// `nntp_mclose`: writes the newsrc if a `\Deleted` changed, QUITs and
/// frees the stream's data.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn nntp_mclose(stream: *mut MAILSTREAM, _options: c_long) {
    super::guard("nntp_mclose", (), || {
        // SAFETY: per the contract.
        unsafe { mclose(stream) }
    })
}

unsafe fn mclose(stream: *mut MAILSTREAM) {
    // SAFETY: per nntp_mclose's contract.
    unsafe {
        if local(stream).is_none() {
            return;
        }
        check(stream);
        let l = Box::from_raw((*stream).local as *mut NntpLocal);
        (*stream).local = null_mut();
        // The newsrc name may be asked for while the stream closes: it goes
        // with the local data, after the last newsrc write above.
        if !l.nntp.is_null() {
            nntp_close(l.nntp);
        }
        for i in 1..=(*stream).nmsgs {
            let e = mail_elt(stream, i);
            if !(*e).private.spare.ptr.is_null() {
                fs_give(&mut (*e).private.spare.ptr);
            }
        }
        drop(l);
        (*stream).dtb = null_mut();
    }
}

/// `nntp_fetchfast`: envelope, size and date of each message in the
/// sequence (from HEAD and BODY: slow, as the original warns).
///
/// # Safety
/// `stream` live; `sequence` a C string.
#[no_mangle]
pub unsafe extern "C" fn nntp_fetchfast(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    flags: c_long,
) {
    super::guard("nntp_fetchfast", (), || {
        // SAFETY: per the contract.
        unsafe { fetchfast(stream, sequence, flags) }
    })
}

unsafe fn fetchfast(stream: *mut MAILSTREAM, sequence: *mut c_char, flags: c_long) {
    // SAFETY: per nntp_fetchfast's contract.
    unsafe {
        if stream.is_null() || local(stream).is_none() {
            return;
        }
        let ok = if flags & FT_UID != 0 {
            mail_uid_sequence(stream, sequence as *mut c_uchar)
        } else {
            mail_sequence(stream, sequence as *mut c_uchar)
        };
        if ok == 0 {
            return;
        }
        let mut i = 1;
        while i <= (*stream).nmsgs {
            let elt = mail_elt(stream, i);
            if (*elt).sequence() != 0 {
                (*elt).set_valid(1);
                if !((*elt).day() != 0 && (*elt).rfc822_size != 0) {
                    let mut e: *mut ENVELOPE = null_mut();
                    let env: *mut *mut ENVELOPE = if (*stream).scache() == 0 {
                        &mut (*elt).private.msg.env
                    } else if (*stream).msgno == i {
                        &mut (*stream).env
                    } else {
                        &mut e
                    };
                    if (*env).is_null() || (*elt).rfc822_size == 0 {
                        let mut hs: c_ulong = 0;
                        let dtb = (*stream).dtb;
                        let ht = match (*dtb).header {
                            Some(h) => h(stream, i, &mut hs, 0),
                            None => EMPTY.as_ptr() as *mut c_char,
                        };
                        if (*env).is_null() {
                            rfc822_parse_msg_full(
                                env,
                                null_mut(),
                                ht,
                                hs,
                                null_mut(),
                                BADHOST.as_ptr() as *mut c_char,
                                0,
                                (*dtb).flags as c_ulong,
                            );
                        }
                        if (*elt).rfc822_size == 0 {
                            let mut bs: STRING = std::mem::zeroed();
                            if let Some(t) = (*dtb).text {
                                t(stream, i, &mut bs, FT_PEEK);
                            }
                            (*elt).rfc822_size = hs + bs.size - super::strings::getpos(&bs);
                        }
                    }
                    if (*elt).day() == 0 && !(*env).is_null() && !(**env).date.is_null() {
                        mail_parse_date(elt, (**env).date);
                    }
                    if (*elt).day() == 0 {
                        (*elt).set_day(1);
                        (*elt).set_month(1);
                    }
                    mail_free_envelope(&mut e);
                }
            }
            i += 1;
        }
    }
}

/// `nntp_flags`: every message valid (flags are local).
///
/// # Safety
/// `stream` live; `sequence` a C string.
#[no_mangle]
pub unsafe extern "C" fn nntp_flags(stream: *mut MAILSTREAM, sequence: *mut c_char, flags: c_long) {
    super::guard("nntp_flags", (), || {
        // SAFETY: per the contract.
        unsafe {
            let ok = if flags & FT_UID != 0 {
                mail_uid_sequence(stream, sequence as *mut c_uchar)
            } else {
                mail_sequence(stream, sequence as *mut c_uchar)
            };
            if ok != 0 {
                for i in 1..=(*stream).nmsgs {
                    (*mail_elt(stream, i)).set_valid(1);
                }
            }
        }
    })
}

/// Loads the overview cache for the messages in the sequence that have
/// none (OVER/XOVER over each gap).
unsafe fn load_overviews(stream: *mut MAILSTREAM) {
    // SAFETY: stream live with a session.
    unsafe {
        let nmsgs = (*stream).nmsgs;
        let mut i = 1;
        while i <= nmsgs {
            let elt = mail_elt(stream, i);
            if (*elt).sequence() != 0 && (*elt).private.spare.ptr.is_null() {
                let mut j = i + 1;
                while j <= nmsgs {
                    let e = mail_elt(stream, j);
                    if (*e).sequence() == 0 || !(*e).private.spare.ptr.is_null() {
                        break;
                    }
                    j += 1;
                }
                let (a, b) = (mail_uid(stream, i), mail_uid(stream, j - 1));
                let range = if i == j - 1 {
                    format!("{a}")
                } else {
                    format!("{a}-{b}")
                };
                i = j;
                if over(stream, range.as_bytes()) {
                    let max = b.saturating_sub(a).saturating_add(1 + LIST_SLACK);
                    lines(session(stream), max, |line| {
                        let (uid, text) = proto::over_line(line);
                        let k = if uid != 0 { mail_msgno(stream, uid) } else { 0 };
                        match text {
                            Some(t) if k != 0 => {
                                let e = mail_elt(stream, k);
                                if !(*e).private.spare.ptr.is_null() {
                                    fs_give(&mut (*e).private.spare.ptr);
                                }
                                (*e).private.spare.ptr = c_string_from(&t) as *mut c_void;
                            }
                            _ => {
                                notify(
                                    stream,
                                    format!("Server returned data for unknown UID {uid}")
                                        .as_bytes(),
                                    WARN,
                                );
                                (*stream).set_unhealthy(1);
                            }
                        }
                    });
                    (*stream).set_unhealthy(0);
                } else {
                    i = nmsgs;
                }
            }
            i += 1;
        }
    }
}

/// `nntp_overview`: the overviews of the messages in the sequence (cached
/// from OVER), each to `ofn`.
///
/// # Safety
/// `stream` live; `ofn` NULL or a callback.
#[no_mangle]
pub unsafe extern "C" fn nntp_overview(stream: *mut MAILSTREAM, ofn: overview_t) -> c_long {
    super::guard("nntp_overview", 0, || {
        // SAFETY: per the contract.
        unsafe { overview(stream, ofn) }
    })
}

unsafe fn overview(stream: *mut MAILSTREAM, ofn: overview_t) -> c_long {
    // SAFETY: per nntp_overview's contract.
    unsafe {
        let nntp = session(stream);
        if nntp.is_null() || (*nntp).netstream.is_null() {
            return 0;
        }
        load_overviews(stream);
        let Some(f) = ofn else { return 1 };
        for i in 1..=(*stream).nmsgs {
            let elt = mail_elt(stream, i);
            if (*elt).sequence() == 0 {
                continue;
            }
            let uid = mail_uid(stream, i);
            let s = (*elt).private.spare.ptr as *mut c_char;
            let mut ov: OVERVIEW = std::mem::zeroed();
            if nntp_parse_overview(&mut ov, s, elt) != 0 {
                f(stream, uid, &mut ov, i);
            } else {
                f(stream, uid, null_mut(), i);
                let text = c_bytes(s).unwrap_or(b"").to_vec();
                if !text.is_empty() {
                    let mut t = format!("Unable to parse overview for UID {uid}: ").into_bytes();
                    t.extend_from_slice(&text[..text.len().min(500)]);
                    notify(stream, &t, WARN);
                    (*stream).set_unhealthy(1);
                    fs_give(&mut (*elt).private.spare.ptr);
                }
                (*stream).set_unhealthy(0);
                if (*elt).private.spare.ptr.is_null() {
                    (*elt).private.spare.ptr = c_string_from(b"") as *mut c_void;
                }
            }
            free_overview(&mut ov);
        }
        1
    }
}

unsafe fn free_overview(ov: &mut OVERVIEW) {
    // SAFETY: from nntp_parse_overview: fs_get'd copy and address list.
    unsafe {
        if !ov.from.is_null() {
            mail_free_address(&mut ov.from);
        }
        if !ov.subject.is_null() {
            let mut p = ov.subject as *mut c_void;
            fs_give(&mut p);
            ov.subject = null_mut();
        }
    }
}

/// OVER (after the one-time check for servers whose OVER is broken), else
/// XOVER; true when overview lines follow.
unsafe fn over(stream: *mut MAILSTREAM, sequence: &[u8]) -> bool {
    // SAFETY: stream live with a session.
    unsafe {
        let nntp = session(stream);
        let Some(l) = local(stream).filter(|_| !nntp.is_null()) else {
            return false;
        };
        session::over(&mut peer(nntp), &mut l.reader, sequence)
    }
}

/// `nntp_over`: OVER or XOVER for `sequence`; true when lines follow.
///
/// # Safety
/// `stream` live; `sequence` a C string.
#[no_mangle]
pub unsafe extern "C" fn nntp_over(stream: *mut MAILSTREAM, sequence: *mut c_char) -> c_long {
    super::guard("nntp_over", 0, || {
        // SAFETY: per the contract.
        unsafe { c_long::from(over(stream, c_bytes(sequence).unwrap_or(b""))) }
    })
}

/// `nntp_header`: HEAD, cached in the element with an extra CRLF.
///
/// # Safety
/// `stream` live; `size` writable.
#[no_mangle]
pub unsafe extern "C" fn nntp_header(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    size: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    super::guard("nntp_header", EMPTY.as_ptr() as *mut c_char, || {
        // SAFETY: per the contract.
        unsafe { header(stream, msgno, size, flags) }
    })
}

unsafe fn header(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    size: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    // SAFETY: per nntp_header's contract.
    unsafe {
        let empty = EMPTY.as_ptr() as *mut c_char;
        let mut sz: c_ulong = 0;
        let mut msgno = msgno;
        if !size.is_null() {
            *size = 0;
        }
        if flags & FT_UID != 0 {
            msgno = mail_msgno(stream, msgno);
            if msgno == 0 {
                return empty;
            }
        }
        let elt = mail_elt(stream, msgno);
        let slot = &mut (*elt).private.msg.header.text as *mut SIZEDTEXT;
        if (*slot).data.is_null() {
            let uid = mail_uid(stream, msgno).to_string();
            let f = fetch(stream, session::head, uid.as_bytes());
            let (code, got) = (f.code as c_long, f.text);
            match got {
                Some((mut t, _)) => {
                    t.extend_from_slice(b"\r\n");
                    let p = fs_get(t.len() + 1) as *mut c_uchar;
                    std::ptr::copy_nonoverlapping(t.as_ptr(), p, t.len());
                    *p.add(t.len()) = 0;
                    (*slot).data = p;
                    (*slot).size = t.len() as c_ulong;
                    sz = t.len() as c_ulong;
                    (*elt).set_valid(1);
                }
                None => {
                    if code != NNTPSOFTFATAL
                        && !session(stream).is_null()
                        && !(*session(stream)).netstream.is_null()
                    {
                        (*elt).set_valid(1);
                        (*elt).set_deleted(1);
                    }
                    (*slot).size = 0;
                }
            }
        } else {
            sz = (*slot).size;
        }
        if !size.is_null() {
            *size = sz;
        }
        if (*slot).data.is_null() {
            empty
        } else {
            (*slot).data as *mut c_char
        }
    }
}

/// `nntp_text`: BODY, kept for the last message asked; marks it `\Seen`
/// unless peeking.
///
/// # Safety
/// `stream` live; `bs` writable.
#[no_mangle]
pub unsafe extern "C" fn nntp_text(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    bs: *mut STRING,
    flags: c_long,
) -> c_long {
    super::guard("nntp_text", 0, || {
        // SAFETY: per the contract.
        unsafe { text(stream, msgno, bs, flags) }
    })
}

unsafe fn init_string(bs: *mut STRING, data: *const u8, size: usize) {
    // SAFETY: the library's memory STRING driver; data readable for size.
    unsafe {
        let driver = addr_of_mut!(super::data::mail_string);
        (*bs).dtb = driver;
        if let Some(init) = (*driver).init {
            init(bs, data as *mut c_void, size as c_ulong);
        }
    }
}

unsafe fn text(stream: *mut MAILSTREAM, msgno: c_ulong, bs: *mut STRING, flags: c_long) -> c_long {
    // SAFETY: per nntp_text's contract.
    unsafe {
        init_string(bs, EMPTY.as_ptr() as *const u8, 0);
        let mut msgno = msgno;
        if flags & FT_UID != 0 {
            msgno = mail_msgno(stream, msgno);
            if msgno == 0 {
                return 0;
            }
        }
        let elt = mail_elt(stream, msgno);
        let Some(l) = local(stream) else { return 0 };
        if l.txt.is_some() && l.msgno != msgno {
            l.txt = None;
        }
        l.msgno = msgno;
        if l.txt.is_none() {
            let uid = (*elt).private.uid.to_string();
            let f = fetch(stream, session::body, uid.as_bytes());
            let (code, got) = (f.code as c_long, f.text);
            match got {
                Some((t, _)) => {
                    if let Some(l) = local(stream) {
                        l.txt = Some(t);
                    }
                }
                None => {
                    if code != NNTPSOFTFATAL {
                        (*elt).set_deleted(1);
                    }
                    return 0;
                }
            }
        }
        if flags & FT_PEEK == 0 {
            (*elt).set_seen(1);
            mm_flags(stream, (*elt).msgno);
        }
        let Some(t) = local(stream).and_then(|l| l.txt.as_ref()) else {
            return 0;
        };
        init_string(bs, t.as_ptr(), t.len());
        1
    }
}

/// `nntp_article`: ARTICLE by message ID into a scratch file (size and
/// header size returned).
///
/// # Safety
/// `stream` live; `msgid` a C string; `size` and `hsiz` writable.
#[no_mangle]
pub unsafe extern "C" fn nntp_article(
    stream: *mut MAILSTREAM,
    msgid: *mut c_char,
    size: *mut c_ulong,
    hsiz: *mut c_ulong,
) -> *mut libc::FILE {
    super::guard("nntp_article", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let nntp = session(stream);
            if !nntp.is_null() && session::article(&mut peer(nntp), c_bytes(msgid)) {
                let f = netmsg_slurp((*nntp).netstream, size, hsiz);
                if f.is_null() {
                    session::drop_endless(&mut peer(nntp));
                }
                f
            } else {
                null_mut()
            }
        }
    })
}

/// `nntp_flagmsg`: notes whether a `\Deleted` (read) mark changed, which
/// makes the newsrc dirty.
///
/// # Safety
/// `stream` live; `elt` its element.
#[no_mangle]
pub unsafe extern "C" fn nntp_flagmsg(stream: *mut MAILSTREAM, elt: *mut MESSAGECACHE) {
    super::guard("nntp_flagmsg", (), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(l) = local(stream) else { return };
            if l.dirty {
                return;
            }
            let e = &mut *elt;
            if e.valid() != 0 {
                if e.sequence() != e.deleted() {
                    l.dirty = true;
                }
                e.set_sequence(1);
            } else {
                e.set_sequence(e.deleted());
            }
        }
    })
}

/// `nntp_search`: the original's local search; with `SO_OVERVIEW`, the
/// overview answers what it can.
///
/// # Safety
/// `stream` live; `charset` NULL or a C string; `pgm` a search program.
#[no_mangle]
pub unsafe extern "C" fn nntp_search(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    pgm: *mut SEARCHPGM,
    flags: c_long,
) -> c_long {
    super::guard("nntp_search", 0, || {
        // SAFETY: per the contract.
        unsafe { search(stream, charset, pgm, flags) }
    })
}

unsafe fn search(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    pgm: *mut SEARCHPGM,
    flags: c_long,
) -> c_long {
    // SAFETY: per nntp_search's contract.
    unsafe {
        let msg = utf8_badcharset(charset);
        if !msg.is_null() {
            mm_log(msg, ERROR);
            let mut p = msg as *mut c_void;
            fs_give(&mut p);
            return 0;
        }
        utf8_searchpgm(pgm, charset);
        let over = flags & SO_OVERVIEW != 0;
        if over {
            for i in 1..=(*stream).nmsgs {
                let hit = search_msg(stream, i, pgm, null_mut());
                (*mail_elt(stream, i)).set_sequence(hit as u32);
            }
            overview(stream, None);
        }
        for i in 1..=(*stream).nmsgs {
            let mut ov: OVERVIEW = std::mem::zeroed();
            let elt = mail_elt(stream, i);
            let hit = if over
                && (*elt).sequence() != 0
                && nntp_parse_overview(&mut ov, (*elt).private.spare.ptr as *mut c_char, elt) != 0
            {
                search_msg(stream, i, pgm, &mut ov)
            } else {
                mail_search_msg(stream, i, null_mut(), pgm) != 0
            };
            if hit {
                if flags & SE_UID != 0 {
                    mm_searched(stream, mail_uid(stream, i));
                } else {
                    (*mail_elt(stream, i)).set_searched(1);
                    if (*stream).silent() == 0 {
                        mm_searched(stream, i);
                    }
                }
            }
            free_overview(&mut ov);
        }
        1
    }
}

/// Whether `n` is in a message or UID set.
unsafe fn in_set(mut set: *mut SEARCHSET, n: c_ulong) -> bool {
    // SAFETY: a list of live SEARCHSETs.
    unsafe {
        while let Some(s) = set.as_ref() {
            let inside = if s.last != 0 {
                n >= s.first && n <= s.last
            } else {
                n == s.first
            };
            if inside {
                return true;
            }
            set = s.next;
        }
    }
    false
}

/// `nntp_search_msg`: one message against a program; with no overview,
/// only the flags, sets and keywords count (the preliminary pass).
///
/// # Safety
/// `stream` live; `pgm` a search program; `ov` NULL or an overview.
#[no_mangle]
pub unsafe extern "C" fn nntp_search_msg(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    pgm: *mut SEARCHPGM,
    ov: *mut OVERVIEW,
) -> c_long {
    super::guard("nntp_search_msg", 0, || {
        // SAFETY: per the contract.
        unsafe { c_long::from(search_msg(stream, msgno, pgm, ov)) }
    })
}

unsafe fn search_msg(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    pgm: *mut SEARCHPGM,
    ov: *mut OVERVIEW,
) -> bool {
    // SAFETY: per nntp_search_msg's contract.
    unsafe {
        let now = libc::time(null_mut()) as c_ulong;
        let elt = mail_elt(stream, msgno);
        let p = &mut *pgm;
        let e = &*elt;
        if !p.msgno.is_null() && !in_set(p.msgno, msgno) {
            return false;
        }
        if !p.uid.is_null() && !in_set(p.uid, mail_uid(stream, msgno)) {
            return false;
        }
        if (p.answered() != 0 && e.answered() == 0)
            || (p.unanswered() != 0 && e.answered() != 0)
            || (p.deleted() != 0 && e.deleted() == 0)
            || (p.undeleted() != 0 && e.deleted() != 0)
            || (p.draft() != 0 && e.draft() == 0)
            || (p.undraft() != 0 && e.draft() != 0)
            || (p.flagged() != 0 && e.flagged() == 0)
            || (p.unflagged() != 0 && e.flagged() != 0)
            || (p.recent() != 0 && e.recent() == 0)
            || (p.old() != 0 && e.recent() != 0)
            || (p.seen() != 0 && e.seen() == 0)
            || (p.unseen() != 0 && e.seen() != 0)
        {
            return false;
        }
        if (!p.keyword.is_null() && mail_search_keyword(stream, elt, p.keyword, 1) == 0)
            || (!p.unkeyword.is_null() && mail_search_keyword(stream, elt, p.unkeyword, 0) != 0)
        {
            return false;
        }
        if let Some(o) = ov.as_mut() {
            if (p.larger != 0 && o.optional.octets <= p.larger)
                || (p.smaller != 0 && o.optional.octets >= p.smaller)
            {
                return false;
            }
            if p.sentbefore != 0
                || p.senton != 0
                || p.sentsince != 0
                || p.before != 0
                || p.on != 0
                || p.since != 0
            {
                let mut delt: MESSAGECACHE = std::mem::zeroed();
                if mail_parse_date(&mut delt, o.date as *mut c_uchar) == 0 {
                    return false;
                }
                let d = mail_shortdate(delt.year(), delt.month(), delt.day());
                if d == 0
                    || (p.sentbefore != 0 && d >= p.sentbefore)
                    || (p.senton != 0 && d != p.senton)
                    || (p.sentsince != 0 && d < p.sentsince)
                    || (p.before != 0 && d >= p.before)
                    || (p.on != 0 && d != p.on)
                    || (p.since != 0 && d < p.since)
                {
                    return false;
                }
            }
            if p.older != 0 || p.younger != 0 {
                let msgd = mail_longdate(elt);
                if p.older != 0 && msgd > now.wrapping_sub(p.older as c_ulong) {
                    return false;
                }
                if p.younger != 0 && msgd < now.wrapping_sub(p.younger as c_ulong) {
                    return false;
                }
            }
            if (!p.from.is_null() && mail_search_addr(o.from, p.from) == 0)
                || (!p.subject.is_null() && mail_search_header_text(o.subject, p.subject) == 0)
                || (!p.message_id.is_null()
                    && mail_search_header_text(o.message_id, p.message_id) == 0)
                || (!p.references.is_null()
                    && mail_search_header_text(o.references, p.references) == 0)
            {
                return false;
            }
            if !p.bcc.is_null()
                || !p.cc.is_null()
                || !p.to.is_null()
                || !p.return_path.is_null()
                || !p.sender.is_null()
                || !p.reply_to.is_null()
                || !p.in_reply_to.is_null()
                || !p.newsgroups.is_null()
                || !p.followup_to.is_null()
            {
                let env = mail_fetch_structure(stream, msgno, null_mut(), 0);
                let Some(en) = env.as_ref() else { return false };
                if (!p.bcc.is_null() && mail_search_addr(en.bcc, p.bcc) == 0)
                    || (!p.cc.is_null() && mail_search_addr(en.cc, p.cc) == 0)
                    || (!p.to.is_null() && mail_search_addr(en.to, p.to) == 0)
                    || (!p.return_path.is_null()
                        && mail_search_addr(en.return_path, p.return_path) == 0)
                    || (!p.sender.is_null() && mail_search_addr(en.sender, p.sender) == 0)
                    || (!p.reply_to.is_null() && mail_search_addr(en.reply_to, p.reply_to) == 0)
                    || (!p.in_reply_to.is_null()
                        && mail_search_header_text(en.in_reply_to, p.in_reply_to) == 0)
                    || (!p.newsgroups.is_null()
                        && mail_search_header_text(en.newsgroups, p.newsgroups) == 0)
                    || (!p.followup_to.is_null()
                        && mail_search_header_text(en.followup_to, p.followup_to) == 0)
                {
                    return false;
                }
            }
            let mut hdr = p.header;
            while let Some(h) = hdr.as_mut() {
                let mut sth: STRINGLIST = std::mem::zeroed();
                sth.text.data = h.line.data;
                sth.text.size = h.line.size;
                let mut len: c_ulong = 0;
                let t = mail_fetch_header(
                    stream,
                    msgno,
                    null_mut(),
                    &mut sth,
                    &mut len,
                    FT_INTERNAL | FT_PEEK,
                );
                let Some(tb) = c_bytes(t).filter(|b| b.contains(&b':')) else {
                    return false;
                };
                if h.text.size != 0 {
                    let data = proto::header_field_data(&tb[..(len as usize).min(tb.len())]);
                    let mut dz = data.clone();
                    dz.push(0);
                    let mut s = SIZEDTEXT {
                        data: dz.as_mut_ptr(),
                        size: data.len() as c_ulong,
                    };
                    let mut stc: STRINGLIST = std::mem::zeroed();
                    stc.text.data = h.text.data;
                    stc.text.size = h.text.size;
                    if mail_search_header(&mut s, &mut stc) == 0 {
                        return false;
                    }
                }
                hdr = h.next;
            }
            if (!p.text.is_null() && mail_search_text(stream, msgno, null_mut(), p.text, 1) == 0)
                || (!p.body.is_null()
                    && mail_search_text(stream, msgno, null_mut(), p.body, 0) == 0)
            {
                return false;
            }
        }
        let mut or = p.or;
        while let Some(o) = or.as_ref() {
            if !(search_msg(stream, msgno, o.first, ov) || search_msg(stream, msgno, o.second, ov))
            {
                return false;
            }
            or = o.next;
        }
        let mut not = p.not;
        while let Some(n) = not.as_ref() {
            if search_msg(stream, msgno, n.pgm, ov) {
                return false;
            }
            not = n.next;
        }
        true
    }
}

/// `nntp_sort`: searches, loads the sort keys from OVER, sorts.
///
/// # Safety
/// `stream` live; `charset` NULL or a C string; `spg` NULL or a search
/// program; `pgm` a sort program.
#[no_mangle]
pub unsafe extern "C" fn nntp_sort(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    pgm: *mut SORTPGM,
    flags: c_long,
) -> *mut c_ulong {
    super::guard("nntp_sort", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { sort(stream, charset, spg, pgm, flags) }
    })
}

unsafe fn sortcache(stream: *mut MAILSTREAM, i: c_ulong) -> *mut SORTCACHE {
    // SAFETY: the installed cache manager answers CH_SORTCACHE.
    unsafe {
        match super::params::cache_manager() {
            Some(f) => f(stream, i, CH_SORTCACHE) as *mut SORTCACHE,
            None => null_mut(),
        }
    }
}

unsafe fn sort(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    pgm: *mut SORTPGM,
    flags: c_long,
) -> *mut c_ulong {
    // SAFETY: per nntp_sort's contract.
    unsafe {
        search_silently(stream, charset, spg);
        (*pgm).nmsgs = 0;
        (*pgm).progress.cached = 0;
        let (mut start, mut last) = (0, 0);
        for i in 1..=(*stream).nmsgs {
            if (*mail_elt(stream, i)).searched() != 0 {
                (*pgm).nmsgs += 1;
                let r = sortcache(stream, i);
                if !r.is_null() && (*r).date == 0 {
                    last = mail_uid(stream, i);
                    if start == 0 {
                        start = last;
                    }
                }
            }
        }
        let ret = if (*pgm).nmsgs != 0 {
            let mut sc = sort_loadcache(stream, pgm, start, last, flags);
            let r = if (*pgm).abort() == 0 {
                mail_sort_cache(stream, pgm, sc, flags)
            } else {
                null_mut()
            };
            fs_give(&mut sc as *mut *mut *mut SORTCACHE as *mut *mut c_void);
            r
        } else {
            let p = fs_get(std::mem::size_of::<c_ulong>()) as *mut c_ulong;
            *p = 0;
            p
        };
        sort_results(stream, ret, (*pgm).nmsgs);
        ret
    }
}

/// `nntp_sort_loadcache`: the sort keys of the searched messages, from
/// OVER over `start..last` when some are not cached yet.
///
/// # Safety
/// `stream` live; `pgm` a sort program.
#[no_mangle]
pub unsafe extern "C" fn nntp_sort_loadcache(
    stream: *mut MAILSTREAM,
    pgm: *mut SORTPGM,
    start: c_ulong,
    last: c_ulong,
    flags: c_long,
) -> *mut *mut SORTCACHE {
    super::guard("nntp_sort_loadcache", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { sort_loadcache(stream, pgm, start, last, flags) }
    })
}

unsafe fn sort_loadcache(
    stream: *mut MAILSTREAM,
    pgm: *mut SORTPGM,
    start: c_ulong,
    last: c_ulong,
    flags: c_long,
) -> *mut *mut SORTCACHE {
    // SAFETY: per nntp_sort_loadcache's contract.
    unsafe {
        let mut pg = pgm;
        while let Some(p) = pg.as_ref() {
            match p.function as c_int {
                SORTARRIVAL | SORTSIZE | SORTDATE | SORTFROM | SORTSUBJECT => {}
                SORTTO => notify(
                    stream,
                    b"[NNTPSORT] Can't do To-field sorting in NNTP",
                    WARN,
                ),
                SORTCC => notify(
                    stream,
                    b"[NNTPSORT] Can't do cc-field sorting in NNTP",
                    WARN,
                ),
                _ => fatal(c"Unknown sort function".as_ptr() as *mut c_char),
            }
            pg = p.next;
        }
        if start != 0 {
            let range = if start != last {
                format!("{start}-{last}")
            } else {
                format!("{start}")
            };
            if !over(stream, range.as_bytes()) {
                return mail_sort_loadcache(stream, pgm);
            }
            let max = last.saturating_sub(start).saturating_add(1 + LIST_SLACK);
            lines(session(stream), max, |line| {
                let f = proto::sort_fields(line);
                let i = mail_msgno(stream, f.uid);
                let Some(subject) = f.subject.filter(|_| i != 0) else {
                    return;
                };
                let r = sortcache(stream, i);
                if r.is_null() {
                    return;
                }
                let mut sz = cz(&subject);
                (*r).set_refwd(mail_strip_subject(
                    sz.as_mut_ptr() as *mut c_char,
                    &mut (*r).subject,
                ));
                if let Some(from) = f.from {
                    let mut fz = cz(&from);
                    let mut v = fz.as_mut_ptr() as *mut c_char;
                    let mut adr: *mut ADDRESS = null_mut();
                    adr = rfc822_parse_address(
                        &mut adr,
                        adr,
                        &mut v,
                        BADHOST.as_ptr() as *mut c_char,
                        0,
                    );
                    if !adr.is_null() {
                        (*r).from = (*adr).mailbox;
                        (*adr).mailbox = null_mut();
                        mail_free_address(&mut adr);
                    }
                    if let Some(date) = f.date {
                        let mut telt: MESSAGECACHE = std::mem::zeroed();
                        let mut dz = cz(&date);
                        if mail_parse_date(&mut telt, dz.as_mut_ptr()) != 0 {
                            (*r).date = mail_longdate(&mut telt);
                        }
                        if let Some(size) = f.size {
                            (*r).size = size as c_ulong;
                        }
                    }
                }
            });
        }
        let n = (*pgm).nmsgs as usize;
        let bytes = n * std::mem::size_of::<*mut SORTCACHE>();
        let sc = fs_get(bytes.max(1)) as *mut *mut SORTCACHE;
        std::ptr::write_bytes(sc as *mut u8, 0, bytes.max(1));
        let mut i = 1;
        while (*pgm).abort() == 0 && i <= (*stream).nmsgs {
            if (*mail_elt(stream, i)).searched() != 0 {
                let r = sortcache(stream, i);
                let k = (*pgm).progress.cached as usize;
                if k < n {
                    *sc.add(k) = r;
                }
                (*pgm).progress.cached += 1;
                let r = &mut *r;
                r.pgm = pgm;
                r.num = if flags & SE_UID != 0 {
                    mail_uid(stream, i)
                } else {
                    i
                };
                if r.date == 0 {
                    r.date = r.num;
                }
                if r.arrival == 0 {
                    r.arrival = mail_uid(stream, i);
                }
                if r.size == 0 {
                    r.size = 1;
                }
                if r.from.is_null() {
                    r.from = c_string_from(b"");
                }
                if r.to.is_null() {
                    r.to = c_string_from(b"");
                }
                if r.cc.is_null() {
                    r.cc = c_string_from(b"");
                }
                if r.subject.is_null() {
                    r.subject = c_string_from(b"");
                }
            }
            i += 1;
        }
        sc
    }
}

/// `nntp_thread`: threads through the generic code with `nntp_sort`.
///
/// # Safety
/// `stream` live; the rest as `mail_thread`.
#[no_mangle]
pub unsafe extern "C" fn nntp_thread(
    stream: *mut MAILSTREAM,
    type_: *mut c_char,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    flags: c_long,
) -> *mut THREADNODE {
    super::guard("nntp_thread", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { mail_thread_msgs(stream, type_, charset, spg, flags, Some(nntp_sort)) }
    })
}

/// `nntp_ping`: STAT; false once the connection is gone.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn nntp_ping(stream: *mut MAILSTREAM) -> c_long {
    super::guard("nntp_ping", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let nntp = session(stream);
            c_long::from(!nntp.is_null() && session::ping(&mut peer(nntp)))
        }
    })
}

unsafe fn check(stream: *mut MAILSTREAM) {
    // SAFETY: stream live.
    unsafe {
        let Some(l) = local(stream) else { return };
        if l.dirty {
            let mut name = l.name.clone();
            newsrc_write(name.as_mut_ptr() as *mut c_char, stream);
        }
        if let Some(l) = local(stream) {
            l.dirty = false;
        }
    }
}

/// `nntp_check`: writes the newsrc when a read mark changed.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn nntp_check(stream: *mut MAILSTREAM) {
    super::guard("nntp_check", (), || {
        // SAFETY: per the contract.
        unsafe { check(stream) }
    })
}

/// `nntp_expunge`: ignored (read-only), said so unless silent.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn nntp_expunge(
    stream: *mut MAILSTREAM,
    _sequence: *mut c_char,
    _options: c_long,
) -> c_long {
    super::guard("nntp_expunge", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if (*stream).silent() == 0 {
                log(b"Expunge ignored on readonly mailbox", 0);
            }
        }
        1
    })
}

/// `nntp_copy`: only through the application's proxy copy.
///
/// # Safety
/// `stream` live; `sequence`, `mailbox` C strings.
#[no_mangle]
pub unsafe extern "C" fn nntp_copy(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    mailbox: *mut c_char,
    options: c_long,
) -> c_long {
    super::guard("nntp_copy", 0, || {
        // SAFETY: per the contract; the hook was installed as a
        // mailproxycopy_t.
        unsafe {
            let pc = super::params::mail_parameters(stream, GET_MAILPROXYCOPY, null_mut()) as usize;
            if pc != 0 {
                let f: unsafe extern "C" fn(
                    *mut MAILSTREAM,
                    *mut c_char,
                    *mut c_char,
                    c_long,
                ) -> c_long = std::mem::transmute(pc);
                return f(stream, sequence, mailbox, options);
            }
            log(b"Copy not valid for NNTP", ERROR);
            0
        }
    })
}
