//! The `imapdriver` and the `imap_*` exports: the C face of the IMAP client
//! in `crate::net::imap`. The session and the response parser are safe Rust;
//! this module turns parsed responses into the application's message cache
//! and `mm_*` callbacks, in the order the server sent them, once each
//! command has finished (so a callback that re-enters the library never
//! finds a half-read response).

use super::bindings::*;
use super::cache::{mail_elt, mail_exists, mail_expunged, mail_recent};
use super::callbacks::{
    mm_flags, mm_list, mm_log, mm_login, mm_lsub, mm_notify, mm_searched, mm_status,
};
use super::memory::{c_bytes, c_string_from, fs_get, fs_give};
use super::rfc822::CEnv;
use crate::net::imap::parse::{Code, Cond, FetchItem, ThreadNode, Untagged};
use crate::net::imap::session::{Arg, Broken, Done, Item, More, OwnedArg, Session};
use std::os::raw::{c_char, c_long, c_uchar, c_ulong, c_void};
use std::ptr::{addr_of_mut, null_mut};

extern "C" {
    fn mail_valid_net_parse(name: *mut c_char, mb: *mut NETMBX) -> c_long;
    fn mail_valid_net(
        name: *mut c_char,
        drv: *mut DRIVER,
        host: *mut c_char,
        mailbox: *mut c_char,
    ) -> *mut DRIVER;
    fn mail_open(stream: *mut MAILSTREAM, name: *mut c_char, options: c_long) -> *mut MAILSTREAM;
    fn mail_close_full(stream: *mut MAILSTREAM, options: c_long) -> *mut MAILSTREAM;
    fn mail_usable_network_stream(stream: *mut MAILSTREAM, name: *mut c_char) -> c_long;
    fn mail_parse_date(elt: *mut MESSAGECACHE, s: *mut c_uchar) -> c_long;
    fn mail_body(stream: *mut MAILSTREAM, msgno: c_ulong, section: *mut c_uchar) -> *mut BODY;
    fn mail_sequence(stream: *mut MAILSTREAM, sequence: *mut c_uchar) -> c_long;
    fn mail_uid_sequence(stream: *mut MAILSTREAM, sequence: *mut c_uchar) -> c_long;
    fn mail_search_default(
        stream: *mut MAILSTREAM,
        charset: *mut c_char,
        pgm: *mut SEARCHPGM,
        flags: c_long,
    ) -> c_long;
    fn mail_free_envelope(env: *mut *mut ENVELOPE);
    fn mail_free_body(body: *mut *mut BODY);
    fn mail_free_threadnode(t: *mut *mut THREADNODE);
    fn mail_newthreadnode(sc: *mut SORTCACHE) -> *mut THREADNODE;
    fn mail_newbody() -> *mut BODY;
    fn mail_newbody_parameter() -> *mut PARAMETER;
    fn mail_newacllist() -> *mut ACLLIST;
    fn mail_free_acllist(l: *mut *mut ACLLIST);
    fn mail_newquotalist() -> *mut QUOTALIST;
    fn mail_free_quotalist(l: *mut *mut QUOTALIST);
    fn mail_newstringlist() -> *mut STRINGLIST;
    fn mail_free_stringlist(l: *mut *mut STRINGLIST);
    fn mail_uid(stream: *mut MAILSTREAM, msgno: c_ulong) -> c_ulong;
    fn mail_newsearchpgm() -> *mut SEARCHPGM;
    fn mail_newsearchset() -> *mut SEARCHSET;
    fn mail_free_searchpgm(p: *mut *mut SEARCHPGM);
    fn mail_search_full(
        stream: *mut MAILSTREAM,
        charset: *mut c_char,
        pgm: *mut SEARCHPGM,
        flags: c_long,
    ) -> c_long;
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
}

/// What an IMAP stream keeps in `stream->local`.
pub struct ImapLocal {
    pub(super) session: Session,
    pub(super) host: Vec<u8>,
    port: u16,
    pub(super) user: Option<Vec<u8>>,
    byeseen: bool,
    /// Mailbox of the APPEND/COPY under way (for APPENDUID/COPYUID).
    appendmailbox: Option<Vec<u8>>,
    uidsearch: bool,
    /// `{host...}` prepended to LIST/LSUB names while listing.
    prefix: Option<Vec<u8>>,
    sortdata: Vec<c_ulong>,
    threaddata: Vec<ThreadNode>,
    got_thread: bool,
    notls: bool,
    /// `/nocompress` (ours): no COMPRESS DEFLATE on this connection.
    nocompress: bool,
    /// `/utf8` (ours): the name asked for ENABLE UTF8=ACCEPT.
    utf8name: bool,
    /// ENABLE UTF8=ACCEPT was sent: only then does `* ENABLED` count.
    utf8asked: bool,
    /// The server's ID answer (ours, GET_IMAPSERVERID): `field=value`
    /// lines with a NUL after them.
    pub(super) server_id: Option<Vec<u8>>,
    ssl: bool,
    /// STARTTLS was done.
    tls: bool,
    novalidate: bool,
    /// The URL of a `[REFERRAL ...]` code of the last command.
    referral: Option<Vec<u8>>,
    /// An authenticator's client half cancelled the exchange
    /// (`imap_response` with no response): no "Can not authenticate" log.
    pub(super) saslcancel: bool,
    /// The IMAPCAP record `imap_cap` hands out (stable address).
    pub(super) cap: Box<IMAPCAP>,
    /// The server refused both FIND forms once: it is RFC 1064 IMAP2
    /// (the original clears its rfc1176 capability bit).
    no1176: bool,
    /// The server refused a FETCH of BODY but took ALL: it is RFC 1176
    /// IMAP2 (the original clears its imap2bis capability bit).
    no2bis: bool,
    /// The IMAPPARSEDREPLY record the internal exports hand out.
    pub(super) reply: Box<super::imap_int::ReplyStore>,
    /// Whole sections read ahead for a program that reads messages in
    /// order (see `read_ahead`).
    ahead: ReadAhead,
    /// Envelopes and structures fetched ahead (see `env_ahead`).
    env_ahead: EnvAhead,
    /// A search, sort or thread refused with a message set is being
    /// retried without it: only these results count (SEARCH: the
    /// messages marked here, by number; SORT and THREAD: the messages
    /// with their `searched` bit), as the original.
    filter: Option<Vec<bool>>,
}

impl Drop for ImapLocal {
    fn drop(&mut self) {
        free_threaders(&mut self.cap);
    }
}

/// Frees the THREADER list of an IMAPCAP record.
fn free_threaders(cap: &mut IMAPCAP) {
    let mut t = std::mem::replace(&mut cap.threader, null_mut());
    while !t.is_null() {
        // SAFETY: nodes and names were malloc'ed by fill_cap.
        unsafe {
            let next = (*t).next;
            fs_give(&mut (*t).name as *mut *mut c_char as *mut *mut c_void);
            let mut p = t as *mut c_void;
            fs_give(&mut p);
            t = next;
        }
    }
}

/// Read-ahead of whole `HEADER`/`TEXT` sections for a program that walks
/// the mailbox in order: one FETCH brings the sections of the next
/// messages instead of one round trip each. The sections are held here,
/// by message number, and handed to the message cache only when the
/// program asks for them, so the cache (and the envelope that a header
/// completes) changes at the moment it would have without read-ahead.
/// Only peeking reads are done ahead: a read that sets `\Seen` always
/// goes to the server.
#[derive(Default)]
struct ReadAhead {
    /// Sections kept, by message number: "HEADER" and "TEXT".
    header: std::collections::HashMap<u32, Vec<u8>>,
    text: std::collections::HashMap<u32, Vec<u8>>,
    /// The message the current FETCH is for; other messages' sections of
    /// that FETCH are kept above. 0: no read-ahead under way.
    target: u32,
    /// Per kind (header, text, both): the message a reader in order asks
    /// for next, and the current window.
    next: [u32; 3],
    window: [u32; 3],
    /// The FETCH under way also brings the texts of a program that reads
    /// each message's header and then its text: every TEXT section of it
    /// is held, the target's too.
    with_text: bool,
}

/// Most messages read ahead at once.
const READ_AHEAD_MAX: u32 = 64;

/// Envelope fetches beyond the original's lookahead, for a program that
/// asks for the structures of the messages in order: the FETCH the
/// original sends (the message and its lookahead) also names the next
/// messages, up to a window that doubles to [`ENV_AHEAD_MAX`]. The answers
/// for those messages are held here, unapplied, and applied when the
/// program's request makes the original send the FETCH that names them,
/// with the same attributes; so the cache, the `mm_flags` callbacks and
/// their order are those the original's FETCH would give, without its
/// round trip. Any other command in between (a flag change, a NOOP, an
/// expunge...) makes what is held stale: it is dropped, the original's
/// FETCH sent, and no more is fetched ahead on this mailbox (a program
/// that mixes other commands with its structure requests gets the
/// original's traffic rather than answers fetched twice).
#[derive(Default)]
struct EnvAhead {
    /// The session's tag count after the FETCH that brought `held`.
    tag: u32,
    /// That FETCH's attribute list.
    att: String,
    /// Its FETCH responses for the messages past the original's
    /// lookahead, by message number, in the order received.
    held: std::collections::HashMap<u32, Vec<Vec<FetchItem>>>,
    /// The first message the last request's FETCH did not name (where a
    /// program reading in order asks next).
    next: u32,
    /// Messages named past the original's lookahead by the last FETCH.
    window: u32,
    /// Something held went stale: no more fetching ahead.
    off: bool,
}

/// Most messages whose envelopes are fetched ahead at once.
const ENV_AHEAD_MAX: u32 = 64;

pub(super) fn level_code(c: Cond) -> c_long {
    match c {
        Cond::Ok | Cond::Preauth => 0,
        Cond::No => WARN as c_long,
        Cond::Bad => ERROR as c_long,
        Cond::Bye => BYE as c_long,
    }
}

pub(super) fn cz(t: &[u8]) -> Vec<u8> {
    let mut v: Vec<u8> = t.iter().copied().filter(|&c| c != 0).collect();
    v.push(0);
    v
}

pub(super) fn log(text: &[u8], level: c_long) {
    let mut t = cz(text);
    // SAFETY: NUL-terminated, alive across the call.
    unsafe { mm_log(t.as_mut_ptr() as *mut c_char, level) };
}

pub(super) unsafe fn notify(stream: *mut MAILSTREAM, text: &[u8], level: c_long) {
    let mut t = cz(text);
    // SAFETY: NUL-terminated, alive across the call; stream live or NULL.
    unsafe { mm_notify(stream, t.as_mut_ptr() as *mut c_char, level) };
}

/// The stream's IMAP state.
///
/// # Safety
/// `stream` NULL or live; its `local` NULL or set by [`imap_open`].
pub(super) unsafe fn local<'a>(stream: *mut MAILSTREAM) -> Option<&'a mut ImapLocal> {
    // SAFETY: per the contract; only imap_open stores into `local` of an
    // imapdriver stream.
    unsafe {
        let s = stream.as_mut()?;
        if s.dtb != addr_of_mut!(imapdriver) {
            return None;
        }
        let l = (s.local as *mut ImapLocal).as_mut()?;
        // Telemetry follows the stream's debug flag (mail_debug and
        // mail_nodebug change it at any time).
        l.session.debug = s.debug() != 0;
        Some(l)
    }
}

/// The session's telemetry line to the application: `mail_dlog`, so a
/// sensitive line reads "<suppressed>" unless SET_DEBUGSENSITIVE.
fn dlog_line(line: &[u8], sensitive: bool) {
    let mut z = cz(line);
    // SAFETY: NUL-terminated, alive across the call.
    unsafe { super::stream::mail_dlog(z.as_mut_ptr() as *mut c_char, sensitive as c_long) };
}

/// A finished command as the original sees it: key and text.
pub(super) struct Reply {
    pub(super) cond: Cond,
    pub(super) code: Option<Code>,
    pub(super) text: Vec<u8>,
    pub(super) broken: bool,
}

/// Sends a command, applies what came back and returns the reply.
///
/// # Safety
/// `stream` live with IMAP local data.
pub(super) unsafe fn send(stream: *mut MAILSTREAM, cmd: &str, args: &[Arg]) -> Reply {
    // SAFETY: per the contract.
    unsafe {
        tell_command(stream, cmd);
        send_untold(stream, cmd, args)
    }
}

/// The application's SET_SENDCOMMAND hook, told of a command about to go
/// out as the original's `imap_send` tells it: the command's name, and
/// SC_EXPUNGEDEFERRED for plain FETCH, STORE and SEARCH (during which a
/// server may not report expunges). Not on a connection already lost.
/// Commands the original sends without `imap_send` (AUTHENTICATE) and
/// those it never sends (COMPRESS) are not told.
///
/// # Safety
/// `stream` live or NULL.
pub(super) unsafe fn tell_command(stream: *mut MAILSTREAM, cmd: &str) {
    let h = super::params::hook(GET_SENDCOMMAND as c_long);
    // SAFETY: stream live or NULL; the hook word was stored by
    // SET_SENDCOMMAND, so it is a sendcommand_t or 0.
    unsafe {
        if h == 0 || local(stream).is_none_or(|l| l.session.dead) {
            return;
        }
        let Some(f) = std::mem::transmute::<usize, sendcommand_t>(h) else {
            return;
        };
        let deferred = ["FETCH", "STORE", "SEARCH"]
            .iter()
            .any(|c| cmd.eq_ignore_ascii_case(c));
        let mut z = cz(cmd.as_bytes());
        f(
            stream,
            z.as_mut_ptr() as *mut c_char,
            if deferred { SC_EXPUNGEDEFERRED } else { 0 },
        );
    }
}

/// [`send`] without telling the SET_SENDCOMMAND hook.
///
/// # Safety
/// `stream` live with IMAP local data.
unsafe fn send_untold(stream: *mut MAILSTREAM, cmd: &str, args: &[Arg]) -> Reply {
    // SAFETY: per the contract.
    unsafe {
        let Some(l) = local(stream) else {
            return Reply {
                cond: Cond::No,
                code: None,
                text: b"[CLOSED] IMAP connection lost".to_vec(),
                broken: true,
            };
        };
        let mut env = CEnv::new();
        let mut items = Vec::new();
        let r = l.session.command(cmd, args, &mut env, &mut items);
        note_extlevel(stream, env.extlevel);
        drop(env);
        apply(stream, items);
        finish(stream, r)
    }
}

pub(super) unsafe fn finish(stream: *mut MAILSTREAM, r: Result<Done, Broken>) -> Reply {
    match r {
        Ok(d) => Reply {
            cond: d.cond,
            code: d.code,
            text: d.text,
            broken: false,
        },
        Err(Broken(t)) => {
            // As the original: the break itself, then "lost" for every
            // command tried on the dead connection.
            let text = if t == b"IMAP connection lost" {
                b"[CLOSED] IMAP connection lost".to_vec()
            } else {
                b"[CLOSED] IMAP connection broken (server response)".to_vec()
            };
            // SAFETY: stream live.
            unsafe { notify(stream, &text, BYE as c_long) };
            Reply {
                cond: Cond::No,
                code: None,
                text,
                broken: true,
            }
        }
    }
}

/// Raises `IMAPCAP.extlevel` to the body extension data a parse met, as
/// the original's body structure parser does: the header fields the
/// envelope FETCH asks for then leave out what the body structure tells.
///
/// # Safety
/// `stream` NULL or live.
pub(super) unsafe fn note_extlevel(stream: *mut MAILSTREAM, level: u32) {
    // SAFETY: per the contract.
    if let Some(l) = unsafe { local(stream) } {
        if level > l.cap.extlevel {
            l.cap.extlevel = level;
        }
    }
}

/// The extension level the envelope FETCH is built for.
///
/// # Safety
/// `stream` NULL or live.
pub(super) unsafe fn extlevel(stream: *mut MAILSTREAM) -> u32 {
    // SAFETY: per the contract.
    unsafe { local(stream) }.map_or(0, |l| l.cap.extlevel)
}

/// `imap_OK`: true for OK; reports NO/BAD as the original.
pub(super) unsafe fn ok(stream: *mut MAILSTREAM, r: &Reply) -> bool {
    // SAFETY: stream live.
    unsafe {
        match r.cond {
            Cond::Ok => {
                response(stream, r.code.as_ref(), &r.text, 0, false);
                true
            }
            Cond::No => {
                response(stream, r.code.as_ref(), &r.text, WARN as c_long, false);
                false
            }
            Cond::Bad => {
                response(stream, r.code.as_ref(), &r.text, ERROR as c_long, false);
                let mut m = b"IMAP protocol error: ".to_vec();
                m.extend_from_slice(&r.text[..r.text.len().min(80)]);
                log(&m, ERROR as c_long);
                false
            }
            c => {
                let mut m = b"Unexpected IMAP response: ".to_vec();
                m.extend_from_slice(format!("{c:?}").to_uppercase().as_bytes());
                m.push(b' ');
                m.extend_from_slice(&r.text[..r.text.len().min(80)]);
                log(&m, ERROR as c_long);
                false
            }
        }
    }
}

/// `imap_parse_response`: acts on a response code, then tells the
/// application unless the code was ordinary SELECT data.
pub(super) unsafe fn response(
    stream: *mut MAILSTREAM,
    code: Option<&Code>,
    text: &[u8],
    mut errflg: c_long,
    mut ntfy: bool,
) {
    // SAFETY: stream live.
    unsafe {
        let s = &mut *stream;
        if let Some(code) = code {
            match code {
                Code::UidValidity(v) if c_ulong::from(*v) != s.uid_validity => {
                    ntfy = false;
                    s.uid_validity = c_ulong::from(*v);
                    // Elements not made yet have no UID to forget: looked
                    // up without making them, as the original does.
                    for i in 1..=s.nmsgs {
                        let e = super::cache::cache_call(stream, i, CH_ELT) as *mut MESSAGECACHE;
                        if let Some(e) = e.as_mut() {
                            e.private.uid = 0;
                        }
                    }
                }
                Code::UidNext(n) => {
                    ntfy = false;
                    s.uid_last = c_ulong::from(*n).wrapping_sub(1);
                }
                Code::PermanentFlags(flags) => {
                    ntfy = false;
                    s.set_perm_seen(0);
                    s.set_perm_deleted(0);
                    s.set_perm_answered(0);
                    s.set_perm_draft(0);
                    s.set_kwd_create(0);
                    s.perm_user_flags = 0;
                    for f in flags {
                        if f.first() == Some(&b'\\') {
                            match &f.to_ascii_lowercase()[..] {
                                b"\\seen" => s.set_perm_seen(1),
                                b"\\deleted" => s.set_perm_deleted(1),
                                b"\\flagged" => s.set_perm_flagged(1),
                                b"\\answered" => s.set_perm_answered(1),
                                b"\\draft" => s.set_perm_draft(1),
                                b"\\*" => s.set_kwd_create(1),
                                _ => {}
                            }
                        } else {
                            s.perm_user_flags |= user_flag(stream, f);
                        }
                    }
                }
                Code::Capability(_) => ntfy = false,
                Code::CopyUid(v, src, dst) if *v != 0 => {
                    ntfy = true;
                    let cu = super::params::hook(GET_COPYUID);
                    let mbx = local(stream).and_then(|l| l.appendmailbox.clone());
                    if let (true, Some(m)) = (cu != 0, mbx) {
                        let f: copyuid_t = std::mem::transmute::<usize, copyuid_t>(cu);
                        if let Some(f) = f {
                            let mut m = cz(&m);
                            let mut a = set_of(src);
                            let mut b = set_of(dst);
                            f(
                                stream,
                                m.as_mut_ptr() as *mut c_char,
                                c_ulong::from(*v),
                                a,
                                b,
                            );
                            ntfy = false;
                            super::construct::mail_free_searchset(&mut a);
                            super::construct::mail_free_searchset(&mut b);
                        }
                    }
                }
                Code::AppendUid(v, dst) if *v != 0 => {
                    ntfy = true;
                    let au = super::params::hook(GET_APPENDUID);
                    let mbx = local(stream).and_then(|l| l.appendmailbox.clone());
                    if let (true, Some(m)) = (au != 0, mbx) {
                        let f: appenduid_t = std::mem::transmute::<usize, appenduid_t>(au);
                        if let Some(f) = f {
                            let mut m = cz(&m);
                            let mut b = set_of(dst);
                            f(m.as_mut_ptr() as *mut c_char, c_ulong::from(*v), b);
                            ntfy = false;
                            super::construct::mail_free_searchset(&mut b);
                        }
                    }
                }
                Code::Referral(u) => {
                    ntfy = true;
                    if let Some(l) = local(stream) {
                        l.referral = Some(u.clone());
                    }
                }
                Code::ReadOnly => s.set_rdonly(1),
                Code::ReadWrite => s.set_rdonly(0),
                Code::Parse if errflg == 0 => errflg = PARSE as c_long,
                Code::Other(t) if t.eq_ignore_ascii_case(b"UIDNOTSTICKY") => {
                    ntfy = false;
                    s.set_uid_nosticky(1);
                }
                // A code without arguments tells nothing by itself.
                Code::Other(t) if !t.contains(&b' ') => {}
                Code::Alert | Code::Parse | Code::TryCreate | Code::BadCharset => {}
                _ => ntfy = true,
            }
        }
        if ntfy && s.silent() == 0 {
            notify(stream, text, errflg);
        }
    }
}

/// A SEARCHSET list of `v` (ranges folded).
fn set_of(v: &[u32]) -> *mut SEARCHSET {
    let mut head: *mut SEARCHSET = null_mut();
    let mut tail: *mut SEARCHSET = null_mut();
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j + 1 < v.len() && v[j + 1] == v[j].wrapping_add(1) {
            j += 1;
        }
        let node = super::construct::mail_newsearchset();
        // SAFETY: a fresh zeroed SEARCHSET.
        unsafe {
            (*node).first = c_ulong::from(v[i]);
            (*node).last = if j > i { c_ulong::from(v[j]) } else { 0 };
            if tail.is_null() {
                head = node;
            } else {
                (*tail).next = node;
            }
        }
        tail = node;
        i = j + 1;
    }
    head
}

/// `imap_parse_user_flag`.
pub(super) unsafe fn user_flag(stream: *mut MAILSTREAM, flag: &[u8]) -> c_ulong {
    // SAFETY: stream live.
    unsafe {
        for (i, f) in (*stream).user_flags.iter().enumerate() {
            if let Some(name) = c_bytes(*f) {
                if name.eq_ignore_ascii_case(flag) {
                    return 1 << i;
                }
            }
        }
    }
    0
}

/// Applies untagged responses in order (the original's
/// `imap_parse_unsolicited`).
pub(super) unsafe fn apply(stream: *mut MAILSTREAM, items: Vec<Item>) {
    for it in items {
        // SAFETY: stream live throughout; callbacks may re-enter.
        unsafe {
            match it {
                Item::Warning(t) => {
                    notify(stream, &t, WARN as c_long);
                    (*stream).set_unhealthy(1);
                }
                Item::Untagged(u) => untagged(stream, u),
            }
        }
    }
}

pub(super) unsafe fn untagged(stream: *mut MAILSTREAM, u: Untagged) {
    // SAFETY: stream live.
    unsafe {
        let nmsgs = (*stream).nmsgs;
        match u {
            Untagged::Exists(n) if c_ulong::from(n) >= nmsgs => mail_exists(stream, n.into()),
            Untagged::Recent(n) if c_ulong::from(n) <= nmsgs => mail_recent(stream, n.into()),
            Untagged::Expunge(n) if n >= 1 && c_ulong::from(n) <= nmsgs => {
                // Message numbers shift: what was read ahead is dropped.
                if let Some(l) = local(stream) {
                    l.ahead.header.clear();
                    l.ahead.text.clear();
                    l.ahead.next = [0; 3];
                }
                mail_expunged(stream, n.into())
            }
            Untagged::Exists(_) | Untagged::Recent(_) | Untagged::Expunge(_) => {}
            Untagged::Fetch(n, items) => {
                if c_ulong::from(n) <= nmsgs {
                    let envelope = items.iter().any(|i| matches!(i, FetchItem::Envelope(_)));
                    let header = fetch_items(stream, n, items);
                    if envelope || header {
                        envelope_hook(stream, n);
                    }
                }
            }
            Untagged::Flags(flags) => {
                let s = &mut *stream;
                for f in flags.iter().filter(|f| f.first() != Some(&b'\\')) {
                    let mut i = 0;
                    while i < NUSERFLAGS as usize {
                        match c_bytes(s.user_flags[i]) {
                            Some(n) if n.eq_ignore_ascii_case(f) => break,
                            Some(_) => i += 1,
                            None => {
                                s.user_flags[i] = c_string_from(f);
                                break;
                            }
                        }
                    }
                }
            }
            Untagged::Search(v) => {
                let uidsearch = local(stream).is_some_and(|l| l.uidsearch);
                let filter = local(stream).and_then(|l| l.filter.clone());
                for i in v.into_iter().filter(|&i| i != 0) {
                    if uidsearch {
                        mm_searched(stream, i.into());
                    } else if c_ulong::from(i) <= (*stream).nmsgs
                        && filter
                            .as_ref()
                            .is_none_or(|f| f.get(i as usize).copied().unwrap_or(false))
                    {
                        if let Some(e) = mail_elt(stream, i.into()).as_mut() {
                            e.set_searched(1);
                        }
                        if (*stream).silent() == 0 {
                            mm_searched(stream, i.into());
                        }
                    }
                }
            }
            Untagged::Sort(v) => {
                let filtering = local(stream).is_some_and(|l| l.filter.is_some());
                let mut data: Vec<c_ulong> = Vec::new();
                for i in v.into_iter().filter(|&i| i != 0) {
                    if data.len() >= nmsgs as usize {
                        break;
                    }
                    let i = c_ulong::from(i);
                    if filtering && (i > nmsgs || (*mail_elt(stream, i)).searched() == 0) {
                        continue;
                    }
                    data.push(i);
                }
                // The application's GET_SORTRESULTS hook hears each SORT
                // answer, as the original's.
                let n = data.len() as c_ulong;
                data.push(0);
                super::sort::sort_results(stream, data.as_mut_ptr(), n);
                data.pop();
                if let Some(l) = local(stream) {
                    l.sortdata = data;
                }
            }
            Untagged::Thread(t) => {
                if let Some(l) = local(stream) {
                    l.threaddata = t;
                    l.got_thread = true;
                }
            }
            Untagged::Status(name, items) => {
                let mut st: MAILSTATUS = std::mem::zeroed();
                for (k, v) in items {
                    let v = c_ulong::from(v);
                    match &k[..] {
                        b"MESSAGES" => {
                            st.flags |= SA_MESSAGES as c_long;
                            st.messages = v;
                        }
                        b"RECENT" => {
                            st.flags |= SA_RECENT as c_long;
                            st.recent = v;
                        }
                        b"UNSEEN" => {
                            st.flags |= SA_UNSEEN as c_long;
                            st.unseen = v;
                        }
                        b"UIDNEXT" => {
                            st.flags |= SA_UIDNEXT as c_long;
                            st.uidnext = v;
                        }
                        b"UIDVALIDITY" => {
                            st.flags |= SA_UIDVALIDITY as c_long;
                            st.uidvalidity = v;
                        }
                        _ => {}
                    }
                }
                let mbx = c_bytes((*stream).mailbox).unwrap_or(b"");
                let end = mbx.iter().position(|&c| c == b'}').map_or(0, |i| i + 1);
                let mut full = mbx[..end].to_vec();
                full.extend_from_slice(&name);
                let mut full = cz(&full);
                mm_status(stream, full.as_mut_ptr() as *mut c_char, &mut st);
            }
            Untagged::List {
                lsub,
                attributes,
                delimiter,
                name,
            } => {
                let mut a: c_long = 0;
                for t in &attributes {
                    a |= match &t.to_ascii_lowercase()[..] {
                        b"\\noinferiors" => LATT_NOINFERIORS as c_long,
                        b"\\noselect" => LATT_NOSELECT as c_long,
                        b"\\marked" => LATT_MARKED as c_long,
                        b"\\unmarked" => LATT_UNMARKED as c_long,
                        b"\\haschildren" => LATT_HASCHILDREN as c_long,
                        b"\\hasnochildren" => LATT_HASNOCHILDREN as c_long,
                        _ => 0,
                    };
                }
                let mut full = local(stream)
                    .and_then(|l| l.prefix.clone())
                    .unwrap_or_default();
                full.extend_from_slice(&name);
                let mut full = cz(&full);
                let d = std::os::raw::c_int::from(delimiter.unwrap_or(0));
                if lsub {
                    mm_lsub(stream, d, full.as_mut_ptr() as *mut c_char, a);
                } else {
                    mm_list(stream, d, full.as_mut_ptr() as *mut c_char, a);
                }
            }
            Untagged::Acl(mbx, entries) => {
                let ar = super::params::hook(GET_ACL);
                if let Some(f) = std::mem::transmute::<usize, getacl_t>(ar) {
                    let mut m = cz(&mbx);
                    let mut head: *mut ACLLIST = null_mut();
                    let mut tail: *mut ACLLIST = null_mut();
                    for (id, rights) in entries {
                        let n = mail_newacllist();
                        (*n).identifier = c_string_from(&id);
                        (*n).rights = c_string_from(&rights);
                        if tail.is_null() {
                            head = n;
                        } else {
                            (*tail).next = n;
                        }
                        tail = n;
                    }
                    f(stream, m.as_mut_ptr() as *mut c_char, head);
                    mail_free_acllist(&mut head);
                }
            }
            Untagged::ListRights(mbx, id, req, opt) => {
                let lr = super::params::hook(GET_LISTRIGHTS);
                if let Some(f) = std::mem::transmute::<usize, listrights_t>(lr) {
                    let (mut m, mut i, mut r) = (cz(&mbx), cz(&id), cz(&req));
                    let mut sl = stringlist(&opt);
                    f(
                        stream,
                        m.as_mut_ptr() as *mut c_char,
                        i.as_mut_ptr() as *mut c_char,
                        r.as_mut_ptr() as *mut c_char,
                        sl,
                    );
                    mail_free_stringlist(&mut sl);
                }
            }
            Untagged::MyRights(mbx, rights) => {
                let mr = super::params::hook(GET_MYRIGHTS);
                if let Some(f) = std::mem::transmute::<usize, myrights_t>(mr) {
                    let (mut m, mut r) = (cz(&mbx), cz(&rights));
                    f(
                        stream,
                        m.as_mut_ptr() as *mut c_char,
                        r.as_mut_ptr() as *mut c_char,
                    );
                }
            }
            Untagged::Quota(root, res) => {
                let qt = super::params::hook(GET_QUOTA);
                if let Some(f) = std::mem::transmute::<usize, quota_t>(qt) {
                    let mut m = cz(&root);
                    let mut head: *mut QUOTALIST = null_mut();
                    let mut tail: *mut QUOTALIST = null_mut();
                    for (name, usage, limit) in res {
                        let n = mail_newquotalist();
                        (*n).name = c_string_from(&name);
                        (*n).usage = usage as c_ulong;
                        (*n).limit = limit as c_ulong;
                        if tail.is_null() {
                            head = n;
                        } else {
                            (*tail).next = n;
                        }
                        tail = n;
                    }
                    f(stream, m.as_mut_ptr() as *mut c_char, head);
                    mail_free_quotalist(&mut head);
                }
            }
            Untagged::QuotaRoot(mbx, roots) => {
                let qr = super::params::hook(GET_QUOTAROOT);
                if let Some(f) = std::mem::transmute::<usize, quotaroot_t>(qr) {
                    let mut m = cz(&mbx);
                    let mut sl = stringlist(&roots);
                    f(stream, m.as_mut_ptr() as *mut c_char, sl);
                    mail_free_stringlist(&mut sl);
                }
            }
            Untagged::Cond(cond, code, text) => {
                if cond == Cond::Bye {
                    if let Some(l) = local(stream) {
                        l.byeseen = true;
                    }
                }
                response(stream, code.as_ref(), &text, level_code(cond), true);
            }
            Untagged::Capability(_) => {}
            Untagged::Namespace(t) => super::imap_int::set_namespace(stream, &t),
            // Ours: kept for GET_IMAPSERVERID, never reported.
            Untagged::Id(pairs) => {
                if let Some(l) = local(stream) {
                    let mut t = crate::net::imap::ext::id_text(&pairs);
                    t.push(0);
                    l.server_id = Some(t);
                }
            }
            // Ours: taken only as the answer to our ENABLE (a server that
            // says it unasked does not switch the names to UTF-8).
            Untagged::Enabled(caps) => {
                if let Some(l) = local(stream).filter(|l| l.utf8asked) {
                    if caps.iter().any(|c| c.eq_ignore_ascii_case(b"UTF8=ACCEPT")) {
                        l.session.utf8 = true;
                    }
                }
            }
            Untagged::Annotation(mbx, entries) => annotation(stream, &mbx, entries),
            Untagged::Mailbox(t) => {
                // IMAP2's FIND answer: the name as sent, after the prefix.
                let mut full = local(stream)
                    .and_then(|l| l.prefix.clone())
                    .filter(|p| p.len() + t.len() < 16 * MAILTMPLEN as usize)
                    .unwrap_or_default();
                full.extend_from_slice(&t);
                let mut full = cz(&full);
                mm_list(stream, 0, full.as_mut_ptr() as *mut c_char, 0);
            }
            Untagged::Other(t) => {
                let key: Vec<u8> = t.split(|&c| c == b' ').next().unwrap_or(b"").to_vec();
                let mut m = b"Unexpected untagged message: ".to_vec();
                m.extend_from_slice(&key[..key.len().min(80)]);
                notify(stream, &m, WARN as c_long);
                (*stream).set_unhealthy(1);
            }
        }
    }
}

/// The SET_IMAPENVELOPE hook, after a FETCH that carried an envelope or
/// the whole top-level header (`BODY[HEADER]`, IMAP4's `BODY[0]`,
/// `RFC822.HEADER`): the message's cached envelope, as the original.
unsafe fn envelope_hook(stream: *mut MAILSTREAM, msgno: u32) {
    let h = super::params::number(crate::env::params::Owner::Imap, GET_IMAPENVELOPE as c_long);
    // SAFETY: stream live; the hook word was stored by SET_IMAPENVELOPE.
    unsafe {
        let Some(f) = std::mem::transmute::<usize, imapenvelope_t>(h as usize) else {
            return;
        };
        let env = if (*stream).scache() != 0 {
            (*stream).env
        } else {
            match mail_elt(stream, msgno.into()).as_ref() {
                Some(e) => e.private.msg.env,
                None => null_mut(),
            }
        };
        if !env.is_null() {
            f(stream, msgno.into(), env);
        }
    }
}

/// An untagged ANNOTATION: one ANNOTATION per entry to the GET_ANNOTATION
/// hook (attributes and values pair up in order; an empty string is left
/// NULL), freed after the call, as the original.
unsafe fn annotation(stream: *mut MAILSTREAM, mbx: &[u8], entries: Vec<(Vec<u8>, Vec<Vec<u8>>)>) {
    use super::construct::{mail_free_annotation, mail_newannotation, mail_newannotationvalue};
    let h = super::params::number(crate::env::params::Owner::Imap, GET_ANNOTATION) as usize;
    let some = |t: &Vec<u8>| {
        if t.is_empty() {
            null_mut()
        } else {
            c_string_from(t)
        }
    };
    // SAFETY: stream live; the hook word was stored by SET_ANNOTATION; the
    // records are fresh C-heap blocks freed by mail_free_annotation.
    unsafe {
        let f = std::mem::transmute::<usize, getannotation_t>(h);
        for (entry, values) in entries {
            let mut a = mail_newannotation();
            if a.is_null() {
                return;
            }
            (*a).mbox = c_string_from(mbx);
            (*a).entry = c_string_from(&entry);
            let mut tail: *mut ANNOTATION_VALUES = null_mut();
            for pair in values.chunks(2) {
                let v = mail_newannotationvalue();
                if v.is_null() {
                    break;
                }
                (*v).attr = some(&pair[0]);
                if let Some(val) = pair.get(1) {
                    (*v).value = some(val);
                }
                if tail.is_null() {
                    (*a).values = v;
                } else {
                    (*tail).next = v;
                }
                tail = v;
            }
            if let Some(f) = f {
                f(stream, a);
            }
            mail_free_annotation(&mut a);
        }
    }
}

/// `mail_free_stringlist`.
pub(super) unsafe fn free_stringlist(l: *mut *mut STRINGLIST) {
    // SAFETY: forwarded.
    unsafe { mail_free_stringlist(l) };
}

pub(super) fn stringlist(v: &[Vec<u8>]) -> *mut STRINGLIST {
    let mut head: *mut STRINGLIST = null_mut();
    let mut tail: *mut STRINGLIST = null_mut();
    for s in v {
        // SAFETY: fresh list nodes; data malloc'ed.
        unsafe {
            let n = mail_newstringlist();
            (*n).text.data = c_string_from(s) as *mut c_uchar;
            (*n).text.size = s.len() as c_ulong;
            if tail.is_null() {
                head = n;
            } else {
                (*tail).next = n;
            }
            tail = n;
        }
    }
    head
}

/// One FETCH response into the cache; true when it put the whole
/// top-level header there (the SET_IMAPENVELOPE hook is then due).
pub(super) unsafe fn fetch_items(
    stream: *mut MAILSTREAM,
    msgno: u32,
    items: Vec<FetchItem>,
) -> bool {
    let mut header = false;
    // SAFETY: stream live, msgno in range.
    unsafe {
        let elt = mail_elt(stream, msgno.into());
        if elt.is_null() {
            return false;
        }
        for it in items {
            match it {
                FetchItem::Flags(flags) => {
                    let e = &mut *elt;
                    let old = (
                        e.valid(),
                        e.seen(),
                        e.deleted(),
                        e.flagged(),
                        e.answered(),
                        e.draft(),
                        e.user_flags,
                    );
                    e.set_valid(1);
                    e.user_flags = 0;
                    e.set_seen(0);
                    e.set_deleted(0);
                    e.set_flagged(0);
                    e.set_answered(0);
                    e.set_draft(0);
                    e.set_recent(0);
                    for f in &flags {
                        if f.first() == Some(&b'\\') {
                            match &f.to_ascii_lowercase()[..] {
                                b"\\seen" => e.set_seen(1),
                                b"\\deleted" => e.set_deleted(1),
                                b"\\flagged" => e.set_flagged(1),
                                b"\\answered" => e.set_answered(1),
                                b"\\recent" => e.set_recent(1),
                                b"\\draft" => e.set_draft(1),
                                _ => {}
                            }
                        } else {
                            e.user_flags |= user_flag(stream, f);
                        }
                    }
                    let new = (
                        e.valid(),
                        e.seen(),
                        e.deleted(),
                        e.flagged(),
                        e.answered(),
                        e.draft(),
                        e.user_flags,
                    );
                    if old.0 == 0 || old != new {
                        mm_flags(stream, msgno.into());
                    }
                }
                FetchItem::InternalDate(d) => {
                    let d = d.as_bytes();
                    // On the stack when short: a heap copy here would be
                    // freed among the cache's records (a gap per message).
                    let mut short = [0u8; 64];
                    let mut long: Vec<u8>;
                    let z: &mut [u8] = if d.len() < short.len() && !d.contains(&0) {
                        short[..d.len()].copy_from_slice(d);
                        &mut short
                    } else {
                        long = cz(d);
                        &mut long
                    };
                    if mail_parse_date(elt, z.as_mut_ptr()) == 0 {
                        let mut m = b"Bogus date: ".to_vec();
                        m.extend_from_slice(&d[..d.len().min(80)]);
                        notify(stream, &m, WARN as c_long);
                        (*stream).set_unhealthy(1);
                        let mut dflt = cz(b"01-Jan-1970 00:00:00 +0000");
                        mail_parse_date(elt, dflt.as_mut_ptr());
                    }
                }
                FetchItem::Uid(u) => (*elt).private.uid = u.into(),
                FetchItem::Size(n) => (*elt).rfc822_size = n.into(),
                FetchItem::Envelope(e) => {
                    // A short cache keeps one message's envelope and body
                    // on the stream, as the original.
                    let slot = if (*stream).scache() != 0 {
                        mail_free_body(&mut (*stream).body);
                        (*stream).msgno = msgno.into();
                        &mut (*stream).env
                    } else {
                        &mut (*elt).private.msg.env
                    };
                    mail_free_envelope(slot);
                    *slot = super::rfc822::envelope_to_c(*e);
                }
                FetchItem::Structure(b) => {
                    let slot = if (*stream).scache() != 0 {
                        if (*stream).msgno != c_ulong::from(msgno) {
                            mail_free_envelope(&mut (*stream).env);
                            (*stream).msgno = msgno.into();
                        }
                        &mut (*stream).body
                    } else {
                        &mut (*elt).private.msg.body
                    };
                    mail_free_body(slot);
                    let cb = mail_newbody();
                    super::rfc822::body_fill_c(*b, cb, &mut Vec::new());
                    *slot = cb;
                }
                FetchItem::Section {
                    section,
                    origin,
                    data,
                } => {
                    let mut data = data.unwrap_or_default();
                    let whole822 = *section == *b"RFC822";
                    let section: &[u8] = if whole822 { b"" } else { &section };
                    // Body sections, partials and RFC822 go through the
                    // application's mailgets when it has one (headers and
                    // BODY[] never do), as the original's string reader.
                    if origin.is_some() || whole822 || section.first().is_some_and(|&c| c != b'H') {
                        let first = origin.map_or(0, |o| c_ulong::from(o) + 1);
                        if let Some(d) = super::mail::through_mailgets(
                            stream,
                            msgno.into(),
                            section,
                            first,
                            &data,
                        ) {
                            data = d;
                        }
                    }
                    if origin.is_some() {
                        // A partial is the application's: never cached.
                        continue;
                    }
                    if let Some(l) = local(stream) {
                        let a = &mut l.ahead;
                        if a.target != 0 && a.with_text && section == b"TEXT" {
                            a.text.insert(msgno, data);
                            continue;
                        }
                        if a.target != 0 && a.target != msgno {
                            match section {
                                b"HEADER" => {
                                    a.header.insert(msgno, data);
                                    continue;
                                }
                                b"TEXT" => {
                                    a.text.insert(msgno, data);
                                    continue;
                                }
                                _ => {}
                            }
                        }
                    }
                    header |= section == b"HEADER" || section == b"0";
                    cache(stream, msgno, section, Some(data));
                }
            }
        }
    }
    header
}

fn fs_text(data: &[u8]) -> SIZEDTEXT {
    let p = fs_get(data.len() + 1) as *mut c_uchar;
    // SAFETY: p has room for data and a NUL.
    unsafe {
        std::ptr::copy_nonoverlapping(data.as_ptr(), p, data.len());
        *p.add(data.len()) = 0;
    }
    SIZEDTEXT {
        data: p,
        size: data.len() as c_ulong,
    }
}

/// Puts `data` into a cache slot (freeing what it held) and returns the
/// bytes as cached. A vector with room for the NUL becomes the slot's
/// block itself (it came from malloc, see `crate::os::heap`), as the
/// original reads a literal straight into the block it caches: no copy,
/// and no freed temporary of the literal's size left in the heap.
unsafe fn put<'a>(slot: *mut SIZEDTEXT, mut data: Vec<u8>) -> &'a [u8] {
    // SAFETY: slot points into the cache; the vector's block is malloc'ed.
    unsafe {
        if !(*slot).data.is_null() {
            fs_give(&mut (*slot).data as *mut *mut c_uchar as *mut *mut c_void);
        }
        // (Only when the spare room costs nothing: a block with slack would
        // keep it for as long as the cache keeps the text.)
        *slot = if data.len() < data.capacity()
            && super::rfc822::fits_exactly(data.len() + 1, data.capacity())
        {
            let size = data.len();
            data.push(0);
            SIZEDTEXT {
                data: std::mem::ManuallyDrop::new(data).as_mut_ptr(),
                size: size as c_ulong,
            }
        } else {
            fs_text(&data)
        };
        std::slice::from_raw_parts((*slot).data, (*slot).size as usize)
    }
}

/// `imap_cache`: a fetched section into its place in the cache.
pub(super) unsafe fn cache(
    stream: *mut MAILSTREAM,
    msgno: u32,
    seg: &[u8],
    data: Option<Vec<u8>>,
) -> bool {
    // SAFETY: stream live, msgno in range.
    unsafe {
        let elt = mail_elt(stream, msgno.into());
        let is_header = |s: &[u8]| s == b"HEADER" || s == b"0" || s.starts_with(b"HEADER.FIELDS");
        if is_header(seg) {
            let slot = &mut (*elt).private.msg.header.text as *mut SIZEDTEXT;
            if let Some(data) = data {
                let data = put(slot, data);
                mail_free_stringlist(&mut (*elt).private.msg.lines);
                (*elt).private.msg.lines = field_list(seg);
                // A short cache merges into the stream's envelope (that
                // of this message from now on).
                let env = if (*stream).scache() != 0 {
                    if (*stream).msgno != c_ulong::from(msgno) {
                        mail_free_envelope(&mut (*stream).env);
                        mail_free_body(&mut (*stream).body);
                        (*stream).msgno = msgno.into();
                    }
                    &mut (*stream).env
                } else {
                    &mut (*elt).private.msg.env
                };
                merge_header(stream, env, data, seg != b"HEADER" && seg != b"0");
            }
            return !(*slot).data.is_null();
        }
        if seg == b"TEXT" {
            return store(&mut (*elt).private.msg.text.text, data);
        }
        if seg.is_empty() {
            return store(&mut (*elt).private.msg.full.text, data);
        }
        // Nested: split the part number from a trailing specifier.
        let mut cut = seg.len();
        let mut i = 0;
        while i < seg.len() {
            if seg[i] == b'.'
                && seg
                    .get(i + 1)
                    .is_none_or(|c| c.is_ascii_alphabetic() || *c == b'0')
            {
                cut = i;
                break;
            }
            i += 1;
        }
        let mut part = cz(&seg[..cut]);
        let spec = if cut < seg.len() {
            &seg[cut + 1..]
        } else {
            &b""[..]
        };
        let b = mail_body(stream, msgno.into(), part.as_mut_ptr());
        if b.is_null() {
            let mut m = b"Unknown section number: ".to_vec();
            m.extend_from_slice(&seg[..cut.min(80)]);
            notify(stream, &m, WARN as c_long);
            (*stream).set_unhealthy(1);
            return false;
        }
        if spec.is_empty() {
            return store(&mut (*b).contents.text, data);
        }
        let is_msg = (*b).type_ == TYPEMESSAGE as u16
            && c_bytes((*b).subtype) == Some(b"RFC822")
            && !(*b).nested.msg.is_null();
        if is_msg && is_header(spec) {
            let m = (*b).nested.msg;
            if let Some(data) = data {
                let data = put(&mut (*m).header.text, data);
                mail_free_stringlist(&mut (*m).lines);
                (*m).lines = field_list(spec);
                merge_header(
                    stream,
                    &mut (*m).env,
                    data,
                    spec != b"HEADER" && spec != b"0",
                );
            }
            !(*m).header.text.data.is_null()
        } else if is_msg && spec == b"TEXT" {
            store(&mut (*(*b).nested.msg).text.text, data)
        } else if spec == b"MIME" {
            store(&mut (*b).mime.text, data)
        } else {
            let mut m = b"Unknown section specifier: ".to_vec();
            m.extend_from_slice(&seg[..seg.len().min(160)]);
            notify(stream, &m, WARN as c_long);
            (*stream).set_unhealthy(1);
            false
        }
    }
}

/// Puts `data` (if any) into a cache slot; whether the slot holds text.
unsafe fn store(slot: *mut SIZEDTEXT, data: Option<Vec<u8>>) -> bool {
    // SAFETY: slot points into the cache.
    unsafe {
        if let Some(d) = data {
            put(slot, d);
        }
        !(*slot).data.is_null()
    }
}

/// The header names of a `HEADER.FIELDS (...)` section (NULL for others);
/// for `.NOT` the sizes are zeroed so the cache is never reused for them.
fn field_list(seg: &[u8]) -> *mut STRINGLIST {
    let Some(open) = seg.iter().position(|&c| c == b'(') else {
        return null_mut();
    };
    let close = seg.iter().rposition(|&c| c == b')').unwrap_or(seg.len());
    if close <= open {
        return null_mut();
    }
    let names: Vec<Vec<u8>> = seg[open + 1..close]
        .split(|&c| c == b' ')
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.strip_prefix(b"\"")
                .and_then(|w| w.strip_suffix(b"\""))
                .unwrap_or(w)
                .to_vec()
        })
        .collect();
    let list = stringlist(&names);
    if seg.starts_with(b"HEADER.FIELDS.NOT") {
        let mut l = list;
        while !l.is_null() {
            // SAFETY: nodes of the list just made.
            unsafe {
                (*l).text.size = 0;
                l = (*l).next;
            }
        }
    }
    list
}

/// `imap_parse_header`: fields the envelope lacks come from a header.
pub(super) unsafe fn merge_header(
    stream: *mut MAILSTREAM,
    env: *mut *mut ENVELOPE,
    hdr: &[u8],
    partial: bool,
) {
    // SAFETY: env points into the cache.
    unsafe {
        let mut nenv: *mut ENVELOPE = null_mut();
        // The parser reads `len` bytes and stops at a NUL: a header without
        // one is parsed where it lies (a copy of a large header would be a
        // large temporary block).
        let mut copy;
        let (text, len) = if memchr::memchr(0, hdr).is_none() {
            (hdr.as_ptr() as *mut c_char, hdr.len())
        } else {
            copy = cz(hdr);
            (copy.as_mut_ptr() as *mut c_char, copy.len() - 1)
        };
        let mut host = cz(&local(stream).map(|l| l.host.clone()).unwrap_or_default());
        let flags = (*(*stream).dtb).flags;
        rfc822_parse_msg_full(
            &mut nenv,
            null_mut(),
            text,
            len as c_ulong,
            null_mut(),
            host.as_mut_ptr() as *mut c_char,
            0,
            flags as c_ulong,
        );
        if nenv.is_null() {
            return;
        }
        if !(*env).is_null() {
            let e = &mut **env;
            if e.newsgroups.is_null() {
                e.newsgroups = (*nenv).newsgroups;
                (*nenv).newsgroups = null_mut();
            }
            if e.followup_to.is_null() {
                e.followup_to = (*nenv).followup_to;
                (*nenv).followup_to = null_mut();
            }
            if e.references.is_null() {
                e.references = (*nenv).references;
                (*nenv).references = null_mut();
            }
            if e.sparep.is_null() {
                e.sparep = (*nenv).sparep;
                (*nenv).sparep = null_mut();
            }
            mail_free_envelope(&mut nenv);
            e.set_imapenvonly(0);
        } else {
            (*nenv).set_incomplete(partial as u32);
            *env = nenv;
        }
    }
}

// ---------------------------------------------------------------------------
// The driver.

/// `imap_valid`.
///
/// # Safety
/// `name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_valid(name: *mut c_char) -> *mut DRIVER {
    super::guard("imap_valid", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { mail_valid_net(name, addr_of_mut!(imapdriver), null_mut(), null_mut()) }
    })
}

pub(super) fn nm_bytes(b: &[c_char]) -> Vec<u8> {
    b.iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect()
}

/// `imap_open`.
///
/// # Safety
/// `stream` NULL (prototype) or a stream being opened by mail_open.
#[no_mangle]
pub unsafe extern "C" fn imap_open(stream: *mut MAILSTREAM) -> *mut MAILSTREAM {
    super::guard("imap_open", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { open(stream) }
    })
}

unsafe fn open(stream: *mut MAILSTREAM) -> *mut MAILSTREAM {
    // SAFETY: per imap_open's contract.
    unsafe {
        if stream.is_null() {
            return addr_of_mut!(imapproto);
        }
        let mut mb: NETMBX = std::mem::zeroed();
        if mail_valid_net_parse((*stream).mailbox, &mut mb) == 0 {
            return null_mut();
        }
        let recycled = local(stream).is_some() && recycle(stream);
        let s = &mut *stream;
        if mb.dbgflag() != 0 {
            s.set_debug(1);
        }
        if mb.readonlyflag() != 0 {
            s.set_rdonly(1);
        }
        if mb.anoflag() != 0 {
            s.set_anonymous(1);
        }
        if mb.secflag() != 0 {
            s.set_secure(1);
        }
        let mut redirect = None;
        if !recycled && !connect(stream, &mut mb, &mut redirect) {
            return redirect.unwrap_or(null_mut());
        }
        // Before IMAP4 no PERMANENTFLAGS comes: everything is taken as
        // permanent, as the original does.
        let old = u32::from(!level(stream).imap4);
        let s = &mut *stream;
        s.set_perm_seen(old);
        s.set_perm_deleted(old);
        s.set_perm_answered(old);
        s.set_perm_draft(old);
        s.perm_user_flags = if old != 0 { 0xffff_ffff } else { 0 };
        s.sequence += 1;
        let Some(l) = local(stream) else {
            return null_mut();
        };
        let mut name = b"{".to_vec();
        name.extend_from_slice(&l.host);
        name.extend_from_slice(format!(":{}", l.port).as_bytes());
        name.extend_from_slice(b"/imap");
        if l.tls {
            name.extend_from_slice(b"/tls");
        }
        if l.notls {
            name.extend_from_slice(b"/notls");
        }
        if l.ssl {
            name.extend_from_slice(b"/ssl");
        }
        if l.novalidate {
            name.extend_from_slice(b"/novalidate-cert");
        }
        if l.session.limits.loser {
            name.extend_from_slice(b"/loser");
        }
        if l.nocompress {
            name.extend_from_slice(b"/nocompress");
        }
        if l.utf8name {
            name.extend_from_slice(b"/utf8");
        }
        if s.secure() != 0 {
            name.extend_from_slice(b"/secure");
        }
        if s.rdonly() != 0 {
            name.extend_from_slice(b"/readonly");
        }
        if s.anonymous() != 0 {
            name.extend_from_slice(b"/anonymous");
        } else if let Some(u) = &l.user {
            name.extend_from_slice(b"/user=\"");
            name.extend_from_slice(u);
            name.push(b'"');
        }
        name.push(b'}');
        let mailbox = nm_bytes(&mb.mailbox);
        if s.halfopen() == 0 {
            s.nmsgs = 0;
            let cmd = if s.rdonly() != 0 { "EXAMINE" } else { "SELECT" };
            if let Some(l) = local(stream) {
                l.referral = None;
                // A reused connection: what was read ahead was another
                // mailbox's.
                l.ahead = ReadAhead::default();
                l.env_ahead = EnvAhead::default();
            }
            let r = send(stream, cmd, &[Arg::Mbx(&mailbox)]);
            let ok_select = ok(stream, &r);
            if !ok_select {
                if let Some(t) = referral(stream, REFSELECT) {
                    return t;
                }
            }
            if ok_select {
                name.extend_from_slice(&mailbox);
                let s = &mut *stream;
                if s.nmsgs == 0 && s.silent() == 0 {
                    log(b"Mailbox is empty", 0);
                }
                s.set_inbox(mailbox.eq_ignore_ascii_case(b"INBOX") as u32);
            } else {
                log(&r.text, ERROR as c_long);
                if super::params::number(
                    crate::env::params::Owner::Imap,
                    GET_CLOSEONERROR as c_long,
                ) != 0
                    || r.broken
                {
                    close_local(stream, 0);
                    return null_mut();
                }
                (*stream).set_halfopen(1);
            }
        }
        if (*stream).halfopen() != 0 {
            name.extend_from_slice(b"<no_mailbox>");
            mail_exists(stream, 0);
            mail_recent(stream, 0);
        }
        let s = &mut *stream;
        let mut old = s.mailbox as *mut c_void;
        fs_give(&mut old);
        s.mailbox = c_string_from(&name);
        if local(stream).is_some_and(|l| l.session.dead) {
            close_local(stream, 1);
            return null_mut();
        }
        stream
    }
}

/// Connects, reads the greeting, starts TLS and logs in (a new stream or
/// one whose connection could not be reused); false after reporting why.
unsafe fn connect(
    stream: *mut MAILSTREAM,
    mb: &mut NETMBX,
    redirect: &mut Option<*mut MAILSTREAM>,
) -> bool {
    // SAFETY: stream live (being opened).
    unsafe {
        let s = &mut *stream;
        let host = nm_bytes(&mb.host);
        let port = if mb.port != 0 {
            mb.port as u16
        } else if mb.sslflag() != 0 {
            993
        } else {
            143
        };
        let host_s = String::from_utf8_lossy(&host).into_owned();
        let tcp = |code: c_long| super::params::number(crate::env::params::Owner::Tcp, code) as i64;
        let novalidate = mb.novalidate() != 0;
        let tls_opts = move |name: &str| super::net::tls_options(name, novalidate);
        let opts = crate::net::transport::OpenOptions {
            host: host_s.clone(),
            port,
            timeouts: crate::net::transport::Timeouts::from_secs(
                tcp(GET_OPENTIMEOUT as c_long),
                tcp(GET_READTIMEOUT as c_long),
                tcp(GET_WRITETIMEOUT as c_long),
                tcp(GET_CLOSETIMEOUT as c_long),
            ),
            tls: (mb.sslflag() != 0).then(|| tls_opts(&host_s)),
            max_line: crate::net::imap::parse::Limits::default().line,
            // SET_TIMEOUT is asked when a wait runs out, as the original.
            timeout_hook: Some(super::net::timeout_hook()),
            log: Some(std::sync::Arc::new(|k, t: &str| {
                let level = match k {
                    crate::net::transport::LogKind::Info => 0,
                    crate::net::transport::LogKind::Warn => WARN as c_long,
                    crate::net::transport::LogKind::Debug => TCPDEBUG as c_long,
                };
                log(t.as_bytes(), level);
            })),
            ..Default::default()
        };
        let conn = match crate::net::transport::Connection::open(&opts) {
            Ok(c) => c,
            Err(crate::net::transport::NetError::Tls(f)) => {
                super::net::report_tls_failure(&host, &f, 0);
                return false;
            }
            Err(e) => {
                log(e.to_string().as_bytes(), ERROR as c_long);
                return false;
            }
        };
        // The name used for authentication, as the original: with
        // TRUSTDNS, the peer's name from a PTR lookup (SASLUSESPTRNAME) or
        // else the resolver's canonical name; otherwise the name given.
        let host = {
            use crate::env::params::Owner;
            let n = |o, c: c_long| super::params::number(o, c) != 0;
            if !n(Owner::Mail, GET_TRUSTDNS) {
                host.clone()
            } else if n(Owner::Mail, GET_SASLUSESPTRNAME) {
                conn.remote_host(n(Owner::Tcp, GET_ALLOWREVERSEDNS))
                    .into_bytes()
            } else {
                conn.host().as_bytes().to_vec()
            }
        };
        let wire = crate::net::imap::session::NetWire(conn);
        let mut session = Session::new(Box::new(wire));
        session.trace = Some(dlog_line);
        session.debug = s.debug() != 0;
        // "/loser": astrings always quoted, personal names holding "@"
        // dropped (see also `loser`).
        session.limits.loser = mb.loser() != 0;
        let mut env = CEnv::new();
        let mut items = Vec::new();
        let greeting = session.greeting(&mut env, &mut items);
        drop(env);
        s.local = Box::into_raw(Box::new(ImapLocal {
            session,
            host: host_s.clone().into_bytes(),
            port,
            user: None,
            byeseen: false,
            appendmailbox: None,
            uidsearch: false,
            prefix: None,
            sortdata: Vec::new(),
            threaddata: Vec::new(),
            got_thread: false,
            notls: mb.notlsflag() != 0,
            nocompress: super::net::nocompress_flag(mb),
            utf8name: super::net::utf8_flag(mb),
            utf8asked: false,
            server_id: None,
            ssl: mb.sslflag() != 0,
            tls: false,
            novalidate: mb.novalidate() != 0,
            referral: None,
            saslcancel: false,
            no1176: false,
            no2bis: false,
            // SAFETY: IMAPCAP is plain C data; all-zero is "nothing known".
            cap: Box::new(std::mem::zeroed()),
            reply: Box::default(),
            ahead: ReadAhead::default(),
            env_ahead: EnvAhead::default(),
            filter: None,
        })) as *mut c_void;
        apply(stream, items);
        let preauth = match greeting {
            // The greeting's text reaches mm_notify as any untagged OK
            // (unless its code is ordinary data such as CAPABILITY).
            Ok(d) if d.cond == Cond::Ok || d.cond == Cond::Preauth => {
                response(stream, d.code.as_ref(), &d.text, 0, true);
                d.cond == Cond::Preauth
            }
            Ok(d) => {
                log(&d.text, ERROR as c_long);
                close_local(stream, 1);
                return false;
            }
            Err(b) => {
                let r = finish(stream, Err(b));
                log(&r.text, ERROR as c_long);
                close_local(stream, 1);
                return false;
            }
        };
        if !preauth {
            if !has_cap(stream) {
                capability(stream);
            }
            if local(stream).is_some_and(|l| l.session.dead) {
                close_local(stream, 1);
                return false;
            }
            // STARTTLS when the server offers it, unless /notls or /ssl.
            let starttls = mb.sslflag() == 0
                && mb.notlsflag() == 0
                && local(stream).is_some_and(|l| l.session.has(b"STARTTLS"));
            if starttls {
                let r = send(stream, "STARTTLS", &[]);
                if ok(stream, &r) {
                    let name = String::from_utf8_lossy(&nm_bytes(&mb.host)).into_owned();
                    let o = tls_opts(&name);
                    let started = local(stream).map(|l| l.session.start_tls_io(&o));
                    if let Some(Err(e)) = started {
                        let tls = e
                            .get_ref()
                            .and_then(|x| x.downcast_ref::<crate::net::transport::NetError>());
                        let f = match tls {
                            Some(crate::net::transport::NetError::Tls(f)) => f.clone(),
                            _ => crate::net::tls::TlsFailure::negotiation(),
                        };
                        super::net::report_tls_failure(&nm_bytes(&mb.host), &f, 0);
                        close_local(stream, 1);
                        return false;
                    }
                    if let Some(l) = local(stream) {
                        l.tls = true;
                        l.session.capabilities.clear();
                    }
                    capability(stream);
                }
            } else if mb.tlsflag() != 0 {
                log(b"Unable to negotiate TLS with this server", ERROR as c_long);
                close_local(stream, 1);
                return false;
            }
            let mut hostz = [0 as c_char; NETMAXHOST as usize];
            for (d, &c) in hostz
                .iter_mut()
                .zip(host.iter().take(NETMAXHOST as usize - 1))
            {
                *d = c as c_char;
            }
            mb.host = hostz;
            // New capabilities are due after the login (unless its answer
            // brings them).
            if let Some(l) = local(stream) {
                l.session.got_caps = false;
            }
            let logged_in = if (*stream).anonymous() != 0 {
                anon(stream)
            } else {
                login(stream, mb)
            };
            if !logged_in {
                // A referral the application follows: the stream is
                // reopened on the name its hook gives.
                if let Some(r) = referral(stream, REFAUTHFAILED) {
                    *redirect = Some(r);
                    return false;
                }
                // As the original: the failed stream is closed with LOGOUT.
                close_local(stream, 0);
                return false;
            }
            if let Some(r) = referral(stream, REFAUTH) {
                *redirect = Some(r);
                return false;
            }
        }
        if local(stream).is_some_and(|l| !l.session.got_caps && !l.session.dead) {
            capability(stream);
        }
        extensions(stream, mb);
        compress(stream, mb);
        true
    }
}

/// Ours, opt-in, once logged in (or pre-authenticated) and before any
/// mailbox is selected: `ID` (RFC 2971) when the program set SET_IMAPID
/// and the server lists ID, then `ENABLE UTF8=ACCEPT` (RFC 6855) when the
/// name says `/utf8` or SET_IMAPUTF8 is on and the server lists
/// UTF8=ACCEPT. Neither answer reaches the program's callbacks (the
/// original sends neither command); `* ID` is kept for GET_IMAPSERVERID,
/// `* ENABLED UTF8=ACCEPT` switches the session's mailbox names to UTF-8.
unsafe fn extensions(stream: *mut MAILSTREAM, mb: &NETMBX) {
    use crate::env::params::{string, Owner};
    // SAFETY: stream live with IMAP local data.
    unsafe {
        let usable = |cap: &[u8]| {
            local(stream).is_some_and(|l| !l.session.dead && !l.byeseen && l.session.has(cap))
        };
        if let Some(spec) = string(Owner::Imap, GET_IMAPID) {
            if usable(b"ID") {
                let list = crate::net::imap::ext::id_argument(&spec);
                send_untold(stream, "ID", &[Arg::Atom(&list)]);
            }
        }
        let wanted = super::net::utf8_flag(mb)
            || super::params::number(Owner::Imap, GET_IMAPUTF8 as c_long) != 0;
        if wanted && usable(b"UTF8=ACCEPT") {
            if let Some(l) = local(stream) {
                l.utf8asked = true;
            }
            send_untold(stream, "ENABLE", &[Arg::Atom(b"UTF8=ACCEPT")]);
        }
    }
}

/// Ours (RFC 4978): COMPRESS DEFLATE once logged in, when the server
/// offers it and the name did not say `/nocompress`. The answer is not
/// reported (the original sends no such command, so a program sees no
/// extra callback); a refusal leaves the connection as it was.
unsafe fn compress(stream: *mut MAILSTREAM, mb: &NETMBX) {
    // SAFETY: stream live with IMAP local data.
    unsafe {
        if super::net::nocompress_flag(mb)
            || !local(stream).is_some_and(|l| {
                !l.session.dead && !l.byeseen && l.session.has(b"COMPRESS=DEFLATE")
            })
        {
            return;
        }
        let r = send_untold(stream, "COMPRESS", &[Arg::Atom(b"DEFLATE")]);
        if r.cond == Cond::Ok && !r.broken {
            if let Some(l) = local(stream) {
                let _ = l.session.start_compress();
            }
        }
    }
}

/// Follows a `[REFERRAL url]` of the last command when the application's
/// GET_IMAPREFERRAL hook gives a mailbox name for it (`code` REFAUTH or
/// REFSELECT): the connection is closed and the stream reopened on that
/// name, as the original does. None when there is nothing to follow.
unsafe fn referral(stream: *mut MAILSTREAM, code: c_long) -> Option<*mut MAILSTREAM> {
    thread_local! {
        static DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    }
    // SAFETY: stream live; the hook word was stored by SET_IMAPREFERRAL.
    unsafe {
        let url = local(stream)?.referral.take()?;
        let h = super::params::number(crate::env::params::Owner::Imap, GET_IMAPREFERRAL as c_long)
            as usize;
        let f = std::mem::transmute::<usize, imapreferral_t>(h)?;
        let mut u = cz(&url);
        let name = f(stream, u.as_mut_ptr() as *mut c_char, code);
        if name.is_null() {
            return None;
        }
        close_local(stream, 0);
        let mut old = (*stream).mailbox as *mut c_void;
        fs_give(&mut old);
        (*stream).mailbox = name;
        // A server that refers to itself for ever ends here.
        let d = DEPTH.with(|d| d.get());
        if d >= 20 {
            log(b"Too many IMAP referrals", ERROR as c_long);
            return Some(null_mut());
        }
        DEPTH.with(|x| x.set(d + 1));
        let r = open(stream);
        DEPTH.with(|x| x.set(d));
        Some(r)
    }
}

/// Recycling (`mail_open` on an open IMAP stream to the same server): the
/// connection is kept when it still answers a NOOP (and the stream is not
/// half-open, or the server can UNSELECT), as the original; otherwise it is
/// closed.
unsafe fn recycle(stream: *mut MAILSTREAM) -> bool {
    // SAFETY: stream live with IMAP local data.
    unsafe {
        let usable = local(stream).is_some_and(|l| !l.session.dead && !l.byeseen)
            && ((*stream).halfopen() == 0
                || local(stream).is_some_and(|l| l.session.has(b"UNSELECT")));
        if usable {
            let silent = (*stream).silent();
            (*stream).set_silent(1);
            let alive = imap_ping(stream) != 0;
            (*stream).set_silent(silent);
            if alive {
                if let Some(l) = local(stream) {
                    let mut m = b"Reusing connection to ".to_vec();
                    m.extend_from_slice(&l.host);
                    if let Some(u) = &l.user {
                        m.extend_from_slice(b"/user=\"");
                        m.extend_from_slice(u);
                        m.push(b'"');
                    }
                    if silent == 0 {
                        log(&m, 0);
                    }
                }
                if (*stream).halfopen() != 0 {
                    send(stream, "UNSELECT", &[]);
                }
                return true;
            }
        }
        close_local(stream, 0);
        false
    }
}

pub(super) unsafe fn has_cap(stream: *mut MAILSTREAM) -> bool {
    // SAFETY: stream live.
    unsafe { local(stream).is_some_and(|l| !l.session.capabilities.is_empty()) }
}

pub(super) unsafe fn capability(stream: *mut MAILSTREAM) {
    // SAFETY: stream live.
    unsafe {
        let r = send(stream, "CAPABILITY", &[]);
        let _ = r;
        // A server that names no capabilities is taken for IMAP2bis, as
        // the original does (fill_cap reads the word).
        if let Some(l) = local(stream) {
            if l.session.capabilities.is_empty() && !l.session.dead {
                l.session.capabilities.push(b"IMAP2BIS".to_vec());
            }
        }
    }
}

/// The protocol level of a server, as the original's LEVEL* macros.
#[derive(Clone, Copy, Default)]
pub(super) struct Level {
    /// IMAP4rev1.
    pub(super) rev1: bool,
    /// IMAP4 or IMAP4rev1.
    pub(super) imap4: bool,
    /// IMAP2bis or later.
    pub(super) imap2bis: bool,
    /// RFC 1176 IMAP2 (FIND) or later.
    pub(super) rfc1176: bool,
}

pub(super) unsafe fn level(stream: *mut MAILSTREAM) -> Level {
    // SAFETY: stream NULL or live.
    let Some(l) = (unsafe { local(stream) }) else {
        return Level::default();
    };
    let mut v = Level::default();
    // (Asked at every fetch: compared without allocating.)
    for c in &l.session.capabilities {
        if c.eq_ignore_ascii_case(b"IMAP4REV1") {
            v.rev1 = true;
            v.imap4 = true;
            v.imap2bis = true;
            v.rfc1176 = true;
        } else if c.eq_ignore_ascii_case(b"IMAP4") {
            v.imap4 = true;
            v.imap2bis = true;
            v.rfc1176 = true;
        } else if c.eq_ignore_ascii_case(b"IMAP2BIS") {
            v.imap2bis = true;
            v.rfc1176 = true;
        } else if c.eq_ignore_ascii_case(b"IMAP2") {
            v.rfc1176 = true;
        }
    }
    if l.no1176 {
        v.rfc1176 = false;
    }
    if l.no2bis {
        v.imap2bis = false;
    }
    v
}

/// Logs in with LOGIN (SASL comes with the transport layer), asking the
/// application for the password through `mm_login` as the original.
pub(super) unsafe fn login(stream: *mut MAILSTREAM, mb: &mut NETMBX) -> bool {
    // SAFETY: stream live.
    unsafe {
        let maxt = super::params::number(
            crate::env::params::Owner::Imap,
            GET_MAXLOGINTRIALS as c_long,
        )
        .max(1);
        if let Some(r) = sasl_login(stream, mb, maxt) {
            return r;
        }
        login_cmd(stream, mb)
    }
}

/// The LOGIN command (the original's `imap_login`): the refusals for
/// /secure, LOGINDISABLED and /authuser, then `mm_login` and LOGIN up to
/// the maximum number of trials.
pub(super) unsafe fn login_cmd(stream: *mut MAILSTREAM, mb: &mut NETMBX) -> bool {
    // SAFETY: stream live.
    unsafe {
        if (*stream).secure() != 0 {
            log(
                b"Can't do secure authentication with this server",
                ERROR as c_long,
            );
            return false;
        }
        if local(stream).is_some_and(|l| l.session.has(b"LOGINDISABLED")) {
            log(
                b"Server disables LOGIN, no recognized SASL authenticator",
                ERROR as c_long,
            );
            return false;
        }
        if mb.authuser[0] != 0 {
            log(b"Can't do /authuser with this server", ERROR as c_long);
            return false;
        }
        let max = super::params::number(
            crate::env::params::Owner::Imap,
            GET_MAXLOGINTRIALS as c_long,
        )
        .max(1);
        let mut trial: c_long = 0;
        loop {
            let mut usr = [0 as c_char; MAILTMPLEN as usize];
            let mut pwd = [0 as c_char; MAILTMPLEN as usize];
            mm_login(mb, usr.as_mut_ptr(), pwd.as_mut_ptr(), trial);
            trial += 1;
            let user = nm_bytes(&usr);
            let pass = nm_bytes(&pwd);
            pwd.iter_mut().for_each(|c| *c = 0);
            if pass.is_empty() {
                log(b"Login aborted", ERROR as c_long);
                return false;
            }
            // The command is hidden from the telemetry.
            if let Some(l) = local(stream) {
                l.session.sensitive = true;
            }
            let r = send(stream, "LOGIN", &[Arg::Str(&user), Arg::Str(&pass)]);
            if let Some(l) = local(stream) {
                l.session.sensitive = false;
            }
            if ok(stream, &r) {
                if let Some(l) = local(stream) {
                    l.user = Some(user);
                }
                return true;
            }
            log(&r.text, WARN as c_long);
            if trial == max {
                log(b"Too many login failures", ERROR as c_long);
            }
            let alive = local(stream)
                .is_some_and(|l| !l.session.dead && !l.byeseen && l.referral.is_none());
            if trial >= max || !alive {
                return false;
            }
        }
    }
}

/// AUTHENTICATE with each authenticator the server offers, in the order of
/// the library's authenticator list, `max` tries each; None when the
/// server offers none of them (then LOGIN is used).
pub(super) unsafe fn sasl_login(
    stream: *mut MAILSTREAM,
    mb: &mut NETMBX,
    max: c_long,
) -> Option<bool> {
    use crate::net::imap::auth::{authenticate, Login, Registered};
    // SAFETY: stream live; the authenticators live for the process.
    unsafe {
        let caps = local(stream)?.session.capabilities.clone();
        let flags = if (*stream).secure() != 0 {
            AU_SECURE as c_long
        } else {
            0
        } | if mb.authuser[0] != 0 {
            AU_AUTHUSER as c_long
        } else {
            0
        };
        let mut registered = Vec::new();
        let mut gss_at: *mut AUTHENTICATOR = null_mut();
        let mut i: c_ulong = 1;
        loop {
            let a = super::registry::mail_lookup_auth(i);
            if a.is_null() || i > 32 {
                break;
            }
            i += 1;
            let Some(name) = c_bytes((*a).name) else {
                continue;
            };
            let mut z = cz(name);
            let usable =
                super::registry::mail_lookup_auth_name(z.as_mut_ptr() as *mut c_char, flags) != 0;
            let has_client = (*a).client.is_some();
            if usable && has_client && name.eq_ignore_ascii_case(b"GSSAPI") && gss_at.is_null() {
                gss_at = a;
            }
            registered.push(Registered {
                name: name.to_vec(),
                usable,
                has_client,
            });
        }
        let login = Login {
            capabilities: &caps,
            registered: &registered,
            forced: super::net::forced_mechanism(mb),
            secured: local(stream).is_some_and(|l| l.ssl || l.tls),
            maxtrials: max.max(1) as u64,
            authuser: nm_bytes(&mb.authuser),
            host: nm_bytes(&mb.host),
            port: mb.port as u16,
        };
        let mut peer = AuthPeer { stream, mb, gss_at };
        authenticate(&mut peer, &login)
    }
}

/// The session and the application as the SASL login of
/// `crate::net::imap::auth` sees them.
struct AuthPeer<'a> {
    stream: *mut MAILSTREAM,
    mb: &'a mut NETMBX,
    /// The GSSAPI authenticator object, if it can run.
    gss_at: *mut AUTHENTICATOR,
}

impl crate::net::imap::auth::Peer for AuthPeer<'_> {
    fn log(&mut self, text: &[u8], level: crate::net::sasl_loop::Level) {
        use crate::net::sasl_loop::Level as L;
        let l = match level {
            L::Info => 0,
            L::Warn => WARN as c_long,
            L::Error => ERROR as c_long,
        };
        log(text, l);
    }
    fn alive(&self) -> bool {
        // SAFETY: the stream is live for the login.
        unsafe { local(self.stream) }
            .is_some_and(|l| !l.session.dead && !l.byeseen && l.referral.is_none())
    }
    fn dead(&self) -> bool {
        // SAFETY: as above.
        unsafe { local(self.stream) }.is_none_or(|l| l.session.dead)
    }
    fn cancelled(&self) -> bool {
        // SAFETY: as above.
        unsafe { local(self.stream) }.is_some_and(|l| l.saslcancel)
    }
    fn clear_cancel(&mut self) {
        // SAFETY: as above.
        if let Some(l) = unsafe { local(self.stream) } {
            l.saslcancel = false;
        }
    }
    fn login(&mut self, trial: u64) -> (Vec<u8>, Vec<u8>) {
        let mut usr = [0 as c_char; MAILTMPLEN as usize];
        let mut pwd = [0 as c_char; MAILTMPLEN as usize];
        // SAFETY: mm_login fills the two MAILTMPLEN buffers.
        unsafe { mm_login(self.mb, usr.as_mut_ptr(), pwd.as_mut_ptr(), trial as c_long) };
        let r = (nm_bytes(&usr), nm_bytes(&pwd));
        pwd.iter_mut().for_each(|c| *c = 0);
        r
    }
    fn mailbox_user(&self) -> Vec<u8> {
        nm_bytes(&self.mb.user)
    }
    fn object_client(&mut self, trial: &mut u64) -> crate::net::imap::auth::Step {
        use super::imap_int::{authenticate_with, AuthStep};
        use crate::net::imap::auth::Step;
        if self.gss_at.is_null() {
            return Step::Unsent;
        }
        let mut usr = [0 as c_char; MAILTMPLEN as usize];
        let mut t = *trial as c_ulong;
        // SAFETY: the stream is live, the authenticator registered, usr a
        // MAILTMPLEN buffer.
        let r = unsafe {
            authenticate_with(self.stream, self.gss_at, self.mb, &mut t, usr.as_mut_ptr())
        };
        *trial = t as u64;
        match r {
            AuthStep::Ok => {
                // SAFETY: as above.
                if let Some(l) = unsafe { local(self.stream) } {
                    l.user = Some(nm_bytes(&usr));
                }
                Step::Ok
            }
            AuthStep::Cancelled => Step::Cancelled,
            AuthStep::Failed(t) => Step::Failed(t),
            AuthStep::Unsent => Step::Unsent,
        }
    }
    fn exchange(
        &mut self,
        m: crate::net::sasl::Mechanism,
        creds: crate::net::sasl::Credentials,
    ) -> Result<(), Option<Vec<u8>>> {
        use crate::net::sasl::{Mechanism, SaslClient};
        let stream = self.stream;
        let Ok(mut client) = SaslClient::new(m, creds) else {
            return Err(None);
        };
        // SAFETY: the stream is live for the login.
        unsafe {
            let Some(l) = local(stream) else {
                return Err(None);
            };
            let mut env = CEnv::new();
            let mut items = Vec::new();
            // The client's responses are hidden from the telemetry unless
            // the mechanism is one the original calls secure.
            l.session.sensitive = !matches!(m, Mechanism::CramMd5 | Mechanism::External);
            let r = l.session.authenticate(&mut client, &mut env, &mut items);
            l.session.sensitive = false;
            drop(env);
            apply(stream, items);
            let r = finish(stream, r);
            if ok(stream, &r) {
                Ok(())
            } else {
                Err(Some(r.text.clone()))
            }
        }
    }
    fn cancel(&mut self, m: crate::net::sasl::Mechanism) -> bool {
        let stream = self.stream;
        // SAFETY: the stream is live for the login.
        unsafe {
            let Some(l) = local(stream) else {
                return false;
            };
            let mut env = CEnv::new();
            let mut items = Vec::new();
            let r = l
                .session
                .authenticate_cancel(m.name(), &mut env, &mut items);
            drop(env);
            apply(stream, items);
            let r = finish(stream, r);
            ok(stream, &r)
        }
    }
    fn logged_in(&mut self, user: Vec<u8>) {
        // SAFETY: the stream is live for the login.
        if let Some(l) = unsafe { local(self.stream) } {
            l.user = Some(user);
        }
    }
}

/// Anonymous login (the original's `imap_anon`): AUTHENTICATE ANONYMOUS
/// with the local host name when the server offers it, else LOGIN
/// ANONYMOUS with that name.
pub(super) unsafe fn anon(stream: *mut MAILSTREAM) -> bool {
    // SAFETY: stream live.
    unsafe {
        let host = c_bytes(super::env::mylocalhost())
            .unwrap_or_default()
            .to_vec();
        let Some(l) = local(stream) else {
            return false;
        };
        let r = if l.session.has(b"AUTH=ANONYMOUS") {
            let tag = l.session.next_tag();
            let mut line = tag.clone();
            line.extend_from_slice(b" AUTHENTICATE ANONYMOUS\r\n");
            if l.session.send_raw(&line).is_err() {
                log(
                    b"[CLOSED] IMAP connection broken (anonymous auth)",
                    ERROR as c_long,
                );
                return false;
            }
            let mut env = CEnv::new();
            let mut items = Vec::new();
            let mut res = l
                .session
                .read_until(Some(&tag), false, &mut env, &mut items);
            if let Ok(crate::net::imap::parse::Response::Continue(_)) = res {
                let mut resp = crate::net::sasl::encode64(&host).into_bytes();
                resp.extend_from_slice(b"\r\n");
                res = match l.session.send_raw(&resp) {
                    Ok(()) => loop {
                        match l
                            .session
                            .read_until(Some(&tag), false, &mut env, &mut items)
                        {
                            Ok(crate::net::imap::parse::Response::Continue(_)) => {
                                let _ = l.session.send_raw(b"*\r\n");
                            }
                            other => break other,
                        }
                    },
                    Err(e) => Err(e),
                };
            }
            drop(env);
            apply(stream, items);
            match res {
                Ok(crate::net::imap::parse::Response::Tagged(_, cond, code, text)) => Reply {
                    cond,
                    code,
                    text,
                    broken: false,
                },
                Ok(_) => Reply {
                    cond: Cond::Bad,
                    code: None,
                    text: b"[CLOSED] IMAP connection broken (anonymous auth)".to_vec(),
                    broken: true,
                },
                Err(b) => finish(stream, Err(b)),
            }
        } else {
            send(stream, "LOGIN ANONYMOUS", &[Arg::Str(&host)])
        };
        if ok(stream, &r) {
            return true;
        }
        log(&r.text, ERROR as c_long);
        false
    }
}

/// Frees the IMAP state (LOGOUT first unless `quiet` or a BYE was seen).
unsafe fn close_local(stream: *mut MAILSTREAM, quiet: i32) {
    // SAFETY: stream live.
    unsafe {
        let Some(l) = local(stream) else { return };
        if quiet == 0 && !l.byeseen && !l.session.dead {
            let r = send(stream, "LOGOUT", &[]);
            if !ok(stream, &r) {
                log(&r.text, WARN as c_long);
            }
        }
        let raw = (*stream).local as *mut ImapLocal;
        (*stream).local = null_mut();
        drop(Box::from_raw(raw));
    }
}

/// `imap_close`.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn imap_close(stream: *mut MAILSTREAM, options: c_long) {
    super::guard("imap_close", (), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(l) = local(stream) else { return };
            if !l.byeseen && !l.session.dead && options & CL_EXPUNGE as c_long != 0 {
                let c = if level(stream).imap4 {
                    "CLOSE"
                } else {
                    "EXPUNGE"
                };
                send(stream, c, &[]);
            }
            close_local(stream, 0);
        }
    })
}

/// `imap_structure`: envelope and body of `msgno`, fetched with lookahead.
///
/// # Safety
/// `stream` live; `body` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_structure(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    body: *mut *mut BODY,
    flags: c_long,
) -> *mut ENVELOPE {
    super::guard("imap_structure", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { structure(stream, msgno, body, flags) }
    })
}

unsafe fn structure(
    stream: *mut MAILSTREAM,
    mut msgno: c_ulong,
    body: *mut *mut BODY,
    mut flags: c_long,
) -> *mut ENVELOPE {
    // SAFETY: per imap_structure's contract.
    unsafe {
        // The application's lookahead set (GET_FETCHLOOKAHEAD), used once.
        let mut set = local(stream).map_or(null_mut(), |l| l.reply.take_lookahead());
        let s = &mut *stream;
        if flags & FT_UID as c_long != 0 {
            for i in 1..=s.nmsgs {
                if (*mail_elt(stream, i)).private.uid == msgno {
                    msgno = i;
                    flags &= !(FT_UID as c_long);
                }
            }
        }
        let lv = level(stream);
        if lv.imap4 && flags & FT_UID as c_long != 0 {
            // The UID is not in the cache: the message is fetched by UID
            // (the original assumes nothing of it is cached).
            let seq = format!("{msgno}");
            let mut f = (FT_NEEDENV as c_long) | (flags & (FT_UID | FT_NOHDRS) as c_long);
            if !body.is_null() {
                f |= FT_NEEDBODY as c_long;
            }
            let (cmd, att) = fetch_spec(stream, f);
            fetch_cmd_as(stream, cmd, seq.as_bytes(), &att);
            for i in 1..=(*stream).nmsgs {
                let e = mail_elt(stream, i);
                if (*e).private.uid == msgno {
                    if !body.is_null() {
                        *body = (*e).private.msg.body;
                    }
                    return (*e).private.msg.env;
                }
            }
            if !body.is_null() {
                *body = null_mut();
            }
            return null_mut();
        }
        if msgno == 0 || msgno > s.nmsgs {
            return null_mut();
        }
        let elt = mail_elt(stream, msgno);
        // A short cache: the stream holds one message's envelope and body
        // (another message's are dropped), and nothing is looked ahead.
        let short = s.scache() != 0;
        if short && s.msgno != msgno {
            mail_free_envelope(&mut s.env);
            mail_free_body(&mut s.body);
            s.msgno = msgno;
        }
        let (env, b) = if short {
            (&mut s.env, &mut s.body)
        } else {
            (&mut (*elt).private.msg.env, &mut (*elt).private.msg.body)
        };
        let need_env = env.is_null() || (**env).incomplete() != 0;
        // A server before IMAP2bis has no body structure: it is made up
        // below from the text.
        let need_body = !body.is_null() && b.is_null() && lv.imap2bis;
        let mut seq = format!("{msgno}");
        // The same list, one number a message.
        let mut want: Vec<u32> = vec![msgno as u32];
        let lookahead = !short && flags & FT_NOLOOKAHEAD as c_long == 0 && (need_env || need_body);
        let by_set = lookahead && !set.is_null();
        if by_set {
            // The original's walk of the set: up to FETCHLOOKAHEADLIMIT
            // messages not cached (with their bodies when a body is
            // wanted), in the set's order, while the command is short.
            let n = s.nmsgs;
            let cached = |i: c_ulong| -> bool {
                if i == 0 || i > n {
                    return true;
                }
                let e = mail_elt(stream, i);
                e.is_null()
                    || (!(*e).private.msg.env.is_null()
                        && (body.is_null() || !(*e).private.msg.body.is_null()))
            };
            let mut k = super::params::number(
                crate::env::params::Owner::Imap,
                GET_FETCHLOOKAHEADLIMIT as c_long,
            );
            while k > 0 && !set.is_null() && seq.len() < MAXCOMMAND_ORIG - 30 {
                let f = (*set).first;
                let l = (*set).last;
                let mut i = if f == 0xffff_ffff { n } else { f.min(n) };
                let mut j = if l == 0xffff_ffff { n } else { l.min(n) };
                if j != 0 {
                    if i > j {
                        std::mem::swap(&mut i, &mut j);
                    }
                    while i <= j && (i == msgno || cached(i)) {
                        i += 1;
                    }
                    while k > 0 && i <= j {
                        let mut x = i + 1;
                        while x <= j && !cached(x) {
                            x += 1;
                        }
                        x -= 1;
                        if i == x {
                            seq.push_str(&format!(",{i}"));
                            i += 1;
                            k -= 1;
                        } else {
                            seq.push_str(&format!(",{i}:{x}"));
                            let m = (1 + x - i) as c_long;
                            k = if k > m { k - m } else { 0 };
                            if k > 0 {
                                i = x + 2;
                                while i <= j && (i == msgno || cached(i)) {
                                    i += 1;
                                }
                            }
                        }
                    }
                } else if i != msgno && i != 0 && {
                    let e = mail_elt(stream, i);
                    !e.is_null() && (*e).private.msg.env.is_null()
                } {
                    seq.push_str(&format!(",{i}"));
                    k -= 1;
                }
                set = (*set).next;
            }
        } else if lookahead {
            let mut k =
                super::params::number(crate::env::params::Owner::Imap, GET_LOOKAHEAD as c_long);
            let n = s.nmsgs;
            let mut i = msgno + 1;
            while k > 0 && i <= n {
                if (*mail_elt(stream, i)).private.msg.env.is_null() {
                    if seq.len() > MAILTMPLEN as usize - 20 {
                        break;
                    }
                    seq.push_str(&format!(",{i}"));
                    let mut j = i + 1;
                    k -= 1;
                    while k > 0 && j <= n && (*mail_elt(stream, j)).private.msg.env.is_null() {
                        j += 1;
                        k -= 1;
                    }
                    j -= 1;
                    want.extend(i as u32..=j as u32);
                    if i != j {
                        seq.push_str(&format!(":{j}"));
                        i = j;
                    }
                }
                i += 1;
            }
        }
        if s.lock() == 0 {
            let mut tmp = String::new();
            if (*elt).private.uid == 0 && lv.imap4 {
                tmp.push_str(" UID");
            }
            if need_env {
                tmp.push_str(" ENVELOPE");
                if flags & FT_NOHDRS as c_long == 0 && lv.rev1 {
                    tmp.push(' ');
                    tmp.push_str(&hdrs(extlevel(stream)));
                }
            }
            if need_body {
                tmp.push_str(if lv.imap4 { " BODYSTRUCTURE" } else { " BODY" });
            }
            if (*elt).day() == 0 {
                tmp.push_str(" INTERNALDATE");
            }
            if (*elt).rfc822_size == 0 {
                tmp.push_str(" RFC822.SIZE");
            }
            if !tmp.is_empty() {
                let att = format!("({} FLAGS)", &tmp[1..]);
                if lookahead && !by_set && lv.rev1 && env_ahead(stream, &want, &att) {
                    let elt = mail_elt(stream, msgno);
                    if !body.is_null() {
                        *body = (*elt).private.msg.body;
                    }
                    return (*elt).private.msg.env;
                }
                let r = send(
                    stream,
                    "FETCH",
                    &[Arg::Atom(seq.as_bytes()), Arg::Atom(att.as_bytes())],
                );
                if !ok(stream, &r) {
                    // An RFC 1176 server that knows no BODY: FETCH ALL,
                    // and the server is IMAP2 from now on.
                    let b = if short {
                        (*stream).body
                    } else {
                        (*mail_elt(stream, msgno)).private.msg.body
                    };
                    if !lv.imap4 && lv.imap2bis && !body.is_null() && b.is_null() {
                        let r = send(
                            stream,
                            "FETCH",
                            &[Arg::Atom(seq.as_bytes()), Arg::Atom(b"ALL")],
                        );
                        if ok(stream, &r) {
                            if let Some(l) = local(stream) {
                                l.no2bis = true;
                            }
                        } else {
                            log(&r.text, ERROR as c_long);
                        }
                    } else {
                        log(&r.text, ERROR as c_long);
                    }
                }
            }
        }
        let elt = mail_elt(stream, msgno);
        if elt.is_null() {
            return null_mut();
        }
        let slots = |stream: *mut MAILSTREAM| -> (*mut ENVELOPE, *mut BODY) {
            if short {
                ((*stream).env, (*stream).body)
            } else {
                let e = mail_elt(stream, msgno);
                ((*e).private.msg.env, (*e).private.msg.body)
            }
        };
        if !body.is_null() {
            if slots(stream).1.is_null() && !level(stream).imap2bis {
                imap2_body(stream, msgno, flags);
            }
            *body = slots(stream).1;
        }
        slots(stream).0
    }
}

/// The body structure of a message from a server before IMAP2bis, made up
/// as the original does: one TEXT/PLAIN part in US-ASCII whose size and
/// lines are those of the message's text.
///
/// # Safety
/// `stream` live, `msgno` in range.
unsafe fn imap2_body(stream: *mut MAILSTREAM, msgno: c_ulong, flags: c_long) {
    // SAFETY: per the contract; the text is fetched before the body is
    // hung in the cache (the fetch may re-enter the cache).
    unsafe {
        let b = super::construct::mail_initbody(mail_newbody());
        (*b).subtype = c_string_from(
            c_bytes(super::rfc822::rfc822_default_subtype((*b).type_)).unwrap_or(b"PLAIN"),
        );
        let p = mail_newbody_parameter();
        (*p).attribute = c_string_from(b"CHARSET");
        (*p).value = c_string_from(b"US-ASCII");
        (*b).parameter = p;
        if (*stream).scache() != 0 {
            (*stream).body = b;
        } else {
            (*mail_elt(stream, msgno)).private.msg.body = b;
        }
        let mut len: c_ulong = 0;
        let t = super::mail::mail_fetch_text(stream, msgno, null_mut(), &mut len, flags);
        (*b).size.bytes = len;
        if !t.is_null() && len > 0 {
            let text = std::slice::from_raw_parts(t as *const u8, len as usize);
            (*b).size.lines = text.iter().filter(|&&c| c == b'\n').count() as c_ulong;
        }
    }
}

/// A sorted message list as a sequence set ("1:3,5").
fn seq_set(v: &[u32]) -> String {
    let mut s = String::new();
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j + 1 < v.len() && v[j + 1] == v[j].wrapping_add(1) {
            j += 1;
        }
        if !s.is_empty() {
            s.push(',');
        }
        if j > i {
            s.push_str(&format!("{}:{}", v[i], v[j]));
        } else {
            s.push_str(&format!("{}", v[i]));
        }
        i = j + 1;
    }
    s
}

/// The envelope FETCH of `want` (the original's list: the message asked
/// for, then its lookahead) for `att`, through what [`EnvAhead`] holds:
/// held answers are applied; the rest is fetched, with the next messages
/// as well when the program asks in order. False: nothing done, the
/// caller sends the original's FETCH.
///
/// # Safety
/// `stream` live; `want` ascending and not empty.
unsafe fn env_ahead(stream: *mut MAILSTREAM, want: &[u32], att: &str) -> bool {
    // SAFETY: stream live; callbacks may re-enter, so the local data is
    // looked up again after each.
    unsafe {
        if (*stream).scache() != 0 || (*stream).debug() != 0 || want.is_empty() {
            return false;
        }
        let Some(l) = local(stream) else {
            return false;
        };
        let last = want[want.len() - 1];
        let tag = l.session.tag_count();
        // Fetched ahead only once the body extension level is at its top:
        // a held body structure can then not change the header fields the
        // original asks for before it would have seen that structure.
        let top = l.cap.extlevel >= 4;
        let a = &mut l.env_ahead;
        let in_order = want[0] == a.next;
        a.next = last.wrapping_add(1);
        // The held answers for the start of `want`, if the rest of it has
        // none (else what is held does not fit and is dropped).
        let mut now: Vec<Item> = Vec::new();
        let mut used = 0;
        if a.tag != tag && !a.held.is_empty() {
            a.off = true;
        }
        if a.off {
            a.held.clear();
            return false;
        }
        if a.tag == tag && a.att == att && !a.held.is_empty() {
            let p = want.iter().take_while(|m| a.held.contains_key(m)).count();
            if p > 0 && want[p..].iter().all(|m| !a.held.contains_key(m)) {
                for m in &want[..p] {
                    for f in a.held.remove(m).unwrap_or_default() {
                        now.push(Item::Untagged(Untagged::Fetch(*m, f)));
                    }
                }
                used = p;
            }
        }
        if used == 0 {
            a.held.clear();
            if !in_order || !top {
                a.window = 0;
                return false;
            }
        }
        let rest = &want[used..];
        if rest.is_empty() {
            // All of it was held: the original's FETCH would have answered
            // it (its OK has no code: nothing more to report).
            tell_command(stream, "FETCH");
            apply(stream, now);
            return true;
        }
        a.held.clear();
        let lo = (want.len() as u32).min(ENV_AHEAD_MAX);
        a.window = a.window.saturating_mul(2).clamp(lo, ENV_AHEAD_MAX);
        let mut ext: Vec<u32> = Vec::new();
        let nmsgs = (*stream).nmsgs;
        let mut i = c_ulong::from(last) + 1;
        while top && (ext.len() as u32) < a.window && i <= nmsgs {
            let e = mail_elt(stream, i);
            if e.is_null() || !(*e).private.msg.env.is_null() {
                break;
            }
            ext.push(i as u32);
            i += 1;
        }
        apply(stream, now);
        let mut all = rest.to_vec();
        all.extend_from_slice(&ext);
        let seq = seq_set(&all);
        tell_command(stream, "FETCH");
        let Some(l) = local(stream) else {
            return true;
        };
        let mut env = CEnv::new();
        let mut items = Vec::new();
        let r = l.session.command(
            "FETCH",
            &[Arg::Atom(seq.as_bytes()), Arg::Atom(att.as_bytes())],
            &mut env,
            &mut items,
        );
        if env.extlevel > l.cap.extlevel {
            l.cap.extlevel = env.extlevel;
        }
        drop(env);
        let tag = l.session.tag_count();
        let first_ext = ext.first().copied().unwrap_or(u32::MAX);
        // Held only from a plain answer: the server's OK without a code,
        // and nothing but FETCH responses for the messages named.
        let clean = matches!(&r, Ok(d) if d.cond == Cond::Ok && d.code.is_none())
            && items.iter().all(|it| {
                matches!(it, Item::Untagged(Untagged::Fetch(n, _)) if all.binary_search(n).is_ok())
            });
        if clean && !ext.is_empty() {
            let mut held: std::collections::HashMap<u32, Vec<Vec<FetchItem>>> =
                std::collections::HashMap::new();
            let mut now = Vec::new();
            for it in items {
                match it {
                    Item::Untagged(Untagged::Fetch(n, f)) if n >= first_ext => {
                        held.entry(n).or_default().push(f)
                    }
                    other => now.push(other),
                }
            }
            l.env_ahead.tag = tag;
            l.env_ahead.att = att.to_string();
            l.env_ahead.held = held;
            items = now;
        }
        apply(stream, items);
        let r = finish(stream, r);
        if !ok(stream, &r) {
            log(&r.text, ERROR as c_long);
        }
        true
    }
}

/// The header fields the original asks for with every envelope, less
/// those that the body structure's extension data (up to `level`, see
/// [`note_extlevel`]) already gives, with the application's
/// `SET_IMAPEXTRAHEADERS` names before the last two.
pub(super) fn hdrs(level: u32) -> String {
    let drop_ = level.min(4) as usize;
    let mut t = String::from("BODY.PEEK[HEADER.FIELDS (Newsgroups");
    for f in &[
        "Content-MD5",
        "Content-Disposition",
        "Content-Language",
        "Content-Location",
    ][drop_..]
    {
        t.push(' ');
        t.push_str(f);
    }
    let extra = crate::env::params::string(crate::env::params::Owner::Imap, GET_IMAPEXTRAHEADERS);
    if let Some(x) = extra {
        t.push(' ');
        t.push_str(&String::from_utf8_lossy(&x));
    }
    t.push_str(" Followup-To References)]");
    t
}

/// The original's `imap_fetch`: the command and attribute list that load
/// the cache for `flags` (FT_UID, FT_NEEDENV, FT_NEEDBODY, FT_NOHDRS) at
/// the server's level: IMAP4 and later by UID with ENVELOPE (the extra
/// header fields on IMAP4rev1 only) and BODYSTRUCTURE; older servers
/// without UIDs, with RFC822.HEADER and BODY, or FAST.
///
/// # Safety
/// `stream` live.
pub(super) unsafe fn fetch_spec(stream: *mut MAILSTREAM, flags: c_long) -> (&'static str, String) {
    // SAFETY: stream live.
    let lv = unsafe { level(stream) };
    let env = flags & FT_NEEDENV as c_long != 0;
    let body = flags & FT_NEEDBODY as c_long != 0;
    if !lv.imap4 {
        let att = match (env, body) {
            (true, true) => "(RFC822.HEADER BODY INTERNALDATE RFC822.SIZE FLAGS)",
            (true, false) => "(RFC822.HEADER INTERNALDATE RFC822.SIZE FLAGS)",
            _ => "FAST",
        };
        return ("FETCH", att.to_string());
    }
    let mut t = String::from("(UID");
    if env {
        t.push_str(" ENVELOPE");
        if flags & FT_NOHDRS as c_long == 0 && lv.rev1 {
            t.push(' ');
            // SAFETY: stream live.
            t.push_str(&hdrs(unsafe { extlevel(stream) }));
        }
        if body {
            t.push_str(" BODYSTRUCTURE");
        }
    }
    t.push_str(" INTERNALDATE RFC822.SIZE FLAGS)");
    let cmd = if flags & FT_UID as c_long != 0 {
        "UID FETCH"
    } else {
        "FETCH"
    };
    (cmd, t)
}

/// Sends `cmd` (FETCH or UID FETCH) of `seq` for `att`; a failure is
/// logged as the original does.
///
/// # Safety
/// `stream` live.
unsafe fn fetch_cmd_as(stream: *mut MAILSTREAM, cmd: &str, seq: &[u8], att: &str) {
    // SAFETY: stream live.
    unsafe {
        let seq = &loser_seq(stream, seq, cmd.starts_with("UID"))[..];
        let r = send(stream, cmd, &[Arg::Atom(seq), Arg::Atom(att.as_bytes())]);
        if !ok(stream, &r) {
            log(&r.text, ERROR as c_long);
        }
    }
}

/// The FETCH command for `flags` at the server's level (UID FETCH only
/// from IMAP4 on: older servers have no UIDs).
///
/// # Safety
/// `stream` live.
unsafe fn fetch_verb(stream: *mut MAILSTREAM, flags: c_long) -> &'static str {
    // SAFETY: stream live.
    if flags & FT_UID as c_long != 0 && unsafe { level(stream) }.imap4 {
        "UID FETCH"
    } else {
        "FETCH"
    }
}

/// `imap_fast`: UID, INTERNALDATE, RFC822.SIZE and FLAGS of a sequence.
///
/// # Safety
/// `stream` live; `sequence` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_fast(stream: *mut MAILSTREAM, sequence: *mut c_char, flags: c_long) {
    super::guard("imap_fast", (), || {
        // SAFETY: per the contract.
        unsafe {
            if local(stream).is_none() {
                return;
            }
            let seq = c_bytes(sequence).unwrap_or(b"").to_vec();
            let (cmd, att) = fetch_spec(stream, flags & FT_UID as c_long);
            fetch_cmd_as(stream, cmd, &seq, &att);
        }
    })
}

/// `imap_flags`: FLAGS of a sequence.
///
/// # Safety
/// `stream` live; `sequence` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_flags(stream: *mut MAILSTREAM, sequence: *mut c_char, flags: c_long) {
    super::guard("imap_flags", (), || {
        // SAFETY: per the contract.
        unsafe {
            if local(stream).is_none() {
                return;
            }
            let seq = c_bytes(sequence).unwrap_or(b"").to_vec();
            fetch_cmd_as(stream, fetch_verb(stream, flags), &seq, "FLAGS");
        }
    })
}

/// `imap_overview`: envelopes of the selected messages that lack one are
/// fetched in one command, then `ofn` is called for each selected message.
///
/// # Safety
/// `stream` live; `ofn` NULL or the application's callback.
#[no_mangle]
pub unsafe extern "C" fn imap_overview(stream: *mut MAILSTREAM, ofn: overview_t) -> c_long {
    super::guard("imap_overview", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if local(stream).is_none_or(|l| l.session.dead) {
                return 0;
            }
            let n = (*stream).nmsgs;
            let mut seq = String::new();
            let mut i = 1;
            while i <= n {
                let e = mail_elt(stream, i);
                if (*e).sequence() != 0 && (*e).private.msg.env.is_null() {
                    let start = i;
                    while i < n && {
                        let f = mail_elt(stream, i + 1);
                        (*f).sequence() != 0 && (*f).private.msg.env.is_null()
                    } {
                        i += 1;
                    }
                    if !seq.is_empty() {
                        seq.push(',');
                    }
                    if i == start {
                        seq.push_str(&format!("{start}"));
                    } else {
                        seq.push_str(&format!("{start}:{i}"));
                    }
                }
                i += 1;
            }
            if !seq.is_empty() {
                let (cmd, att) = fetch_spec(stream, FT_NEEDENV as c_long);
                fetch_cmd_as(stream, cmd, seq.as_bytes(), &att);
            }
            let Some(f) = ofn else { return 1 };
            for i in 1..=(*stream).nmsgs {
                let e = mail_elt(stream, i);
                if (*e).sequence() == 0 {
                    continue;
                }
                let env = super::mail::mail_fetch_structure(stream, i, null_mut(), 0);
                if env.is_null() {
                    continue;
                }
                let mut ov: OVERVIEW = std::mem::zeroed();
                ov.subject = (*env).subject;
                ov.from = (*env).from;
                ov.date = (*env).date as *mut c_char;
                ov.message_id = (*env).message_id;
                ov.references = (*env).references;
                ov.optional.octets = (*mail_elt(stream, i)).rfc822_size;
                f(stream, mail_uid(stream, i), &mut ov, i);
            }
            1
        }
    })
}

/// `imap_msgdata`: fetches a section into the cache.
///
/// # Safety
/// `stream` live; `section` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_msgdata(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    first: c_ulong,
    last: c_ulong,
    lines: *mut STRINGLIST,
    flags: c_long,
) -> c_long {
    super::guard("imap_msgdata", 0, || {
        // SAFETY: per the contract.
        unsafe { msgdata(stream, msgno, section, first, last, lines, flags) }
    })
}

/// The original's MAXCOMMAND (RFC 2683's command line guideline).
const MAXCOMMAND_ORIG: usize = 1000;

/// The original's IMAPLOOKAHEAD: messages after the one asked for that a
/// search's header read takes along.
const SEARCH_LOOKAHEAD: c_ulong = 20;

unsafe fn msgdata(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    first: c_ulong,
    last: c_ulong,
    lines: *mut STRINGLIST,
    mut flags: c_long,
) -> c_long {
    // SAFETY: per imap_msgdata's contract.
    unsafe {
        let sec = c_bytes(section).unwrap_or(b"").to_vec();
        let lv = level(stream);
        let peek = flags & FT_PEEK as c_long != 0;
        let whole = first == 0 && last == 0 && lines.is_null();
        let uid = flags & FT_UID as c_long != 0;
        let both = flags & FT_PREFETCHTEXT as c_long != 0;
        let search_ahead = flags & FT_SEARCHLOOKAHEAD as c_long != 0
            && msgno < (*stream).nmsgs
            && (*stream).scache() == 0;
        let kind = match &sec[..] {
            b"HEADER" if both => Some(2),
            b"HEADER" => Some(0),
            b"TEXT" => Some(1),
            _ => None,
        };
        if let (Some(kind), true, false, true, true, false) =
            (kind, peek, uid, whole, lv.rev1, search_ahead)
        {
            if let Some(r) = read_ahead(stream, msgno as u32, kind) {
                return r;
            }
        }
        let cmd = fetch_verb(stream, flags);
        let seq = if search_ahead {
            format!(
                "{msgno}:{}",
                (msgno + SEARCH_LOOKAHEAD).min((*stream).nmsgs)
            )
        } else {
            format!("{msgno}")
        };
        let item = if peek { "BODY.PEEK" } else { "BODY" };
        let secs = String::from_utf8_lossy(&sec).into_owned();
        let has = |w: &[u8]| sec.windows(w.len()).any(|x| x == w);
        // What the server's level cannot do: the original's words.
        let mut noextend: Option<&str> = None;
        let mut nopartial: Option<&str> = None;
        let mut nolines: Option<&str> = None;
        let mut nopeek: Option<&str> = None;
        let mut nononpeek: Option<&str> = None;
        let mut att;
        if lv.rev1 {
            if sec == b"HEADER" && (!lines.is_null() || both) {
                if !lines.is_null() {
                    let not = if flags & FT_NOT as c_long != 0 {
                        ".NOT"
                    } else {
                        ""
                    };
                    let mut names = Vec::new();
                    let mut l = lines;
                    while !l.is_null() {
                        let t = std::slice::from_raw_parts((*l).text.data, (*l).text.size as usize);
                        names.push(String::from_utf8_lossy(t).into_owned());
                        l = (*l).next;
                    }
                    att = format!("{item}[HEADER.FIELDS{not} ({})]", names.join(" "));
                } else if peek {
                    att = "(BODY.PEEK[HEADER] BODY.PEEK[TEXT])".to_string();
                } else {
                    att = "(BODY[HEADER] BODY[TEXT])".to_string();
                }
            } else {
                att = format!("{item}[{secs}]");
            }
            if first != 0 || last != 0 {
                att.push_str(&format!(
                    "<{first}.{}>",
                    if last != 0 { last } else { c_ulong::MAX }
                ));
            }
        } else if lv.imap4 {
            // IMAP4 (RFC 1730): HEADER is part 0, TEXT and the whole
            // message are the RFC822 items; no MIME, no partials, no
            // header lines.
            att = match &sec[..] {
                b"HEADER" => match (both, peek) {
                    (true, true) => "(BODY.PEEK[0] RFC822.TEXT.PEEK)",
                    (true, false) => "(BODY[0] RFC822.TEXT)",
                    (false, true) => "BODY.PEEK[0]",
                    (false, false) => "BODY[0]",
                }
                .to_string(),
                b"TEXT" if peek => "RFC822.TEXT.PEEK".to_string(),
                b"TEXT" => "RFC822.TEXT".to_string(),
                b"" if peek => "RFC822.PEEK".to_string(),
                b"" => "RFC822".to_string(),
                _ => match secs.find(".HEADER") {
                    Some(i) => format!("{item}[{}.0]", &secs[..i]),
                    None => format!("{item}[{secs}]"),
                },
            };
            if has(b".MIME") || has(b".TEXT") {
                noextend = Some("4");
            }
            if first != 0 || last != 0 {
                nopartial = Some("4");
            }
            if !lines.is_null() {
                nolines = Some("4");
            }
        } else if lv.imap2bis {
            // IMAP2bis: RFC822.HEADER (which never sets \Seen), RFC822.TEXT
            // and RFC822; body parts only without peeking.
            att = match &sec[..] {
                b"HEADER" => {
                    if flags & FT_PEEK as c_long != 0 {
                        flags &= !(FT_PEEK as c_long);
                    } else {
                        nononpeek = Some("2bis");
                    }
                    if both {
                        "(RFC822.HEADER RFC822.TEXT)"
                    } else {
                        "RFC822.HEADER"
                    }
                    .to_string()
                }
                b"TEXT" => "RFC822.TEXT".to_string(),
                b"" => "RFC822".to_string(),
                _ => format!("BODY[{secs}]"),
            };
            if has(b".HEADER") || has(b".MIME") || has(b".TEXT") {
                noextend = Some("2bis");
            }
            if first != 0 || last != 0 {
                nopartial = Some("2bis");
            }
            if !lines.is_null() {
                nolines = Some("2bis");
            }
            if flags & FT_PEEK as c_long != 0 {
                nopeek = Some("2bis");
            }
        } else {
            // IMAP2 (RFC 1176/1064): the RFC822 items only; part 1 is the
            // text.
            att = match &sec[..] {
                b"HEADER" => {
                    flags &= !(FT_PEEK as c_long);
                    nononpeek = Some("2");
                    if both {
                        "(RFC822.HEADER RFC822.TEXT)"
                    } else {
                        "RFC822.HEADER"
                    }
                    .to_string()
                }
                b"TEXT" => "RFC822.TEXT".to_string(),
                b"1" => {
                    let elt = mail_elt(stream, msgno);
                    let t = &(*elt).private.msg.text.text;
                    if !t.data.is_null() {
                        let d = std::slice::from_raw_parts(t.data, t.size as usize).to_vec();
                        cache(stream, msgno as u32, b"1", Some(d));
                        return 1;
                    }
                    "RFC822.TEXT".to_string()
                }
                b"" => "RFC822".to_string(),
                _ => {
                    noextend = Some("2");
                    String::new()
                }
            };
            if flags & FT_PEEK as c_long != 0 {
                nopeek = Some("2");
            }
            if first != 0 || last != 0 {
                nopartial = Some("2");
            }
            if !lines.is_null() {
                nolines = Some("2");
            }
        }
        if let Some(v) = noextend {
            log(
                format!("[NOTIMAP4REV1] IMAP{v} server can't do extended body fetch").as_bytes(),
                ERROR as c_long,
            );
            return 0;
        }
        if let Some(v) = nopartial {
            notify(
                stream,
                format!("[NOTIMAP4REV1] IMAP{v} server can't do partial fetch").as_bytes(),
                WARN as c_long,
            );
        }
        if let Some(v) = nolines {
            notify(
                stream,
                format!("[NOTIMAP4REV1] IMAP{v} server can't do selective header fetch").as_bytes(),
                WARN as c_long,
            );
        }
        let args = [Arg::Atom(seq.as_bytes()), Arg::Atom(att.as_bytes())];
        if let Some(v) = nopeek.or(nononpeek) {
            // Peeking (or not) simulated around the fetch: the current
            // \Seen first, then the fetch, then \Seen put back.
            let r = send(
                stream,
                cmd,
                &[Arg::Atom(seq.as_bytes()), Arg::Atom(b"FLAGS")],
            );
            if !ok(stream, &r) {
                log(&r.text, WARN as c_long);
            }
            let seen = (*mail_elt(stream, msgno)).seen() != 0;
            if !seen {
                let t = if nopeek.is_some() {
                    format!("[NOTIMAP4] Simulating peeking fetch in IMAP{v}")
                } else {
                    format!("[NOTIMAP4] Simulating non-peeking header fetch in IMAP{v}")
                };
                notify(stream, t.as_bytes(), 0);
            }
            let r = send(stream, cmd, &args);
            if !ok(stream, &r) {
                log(&r.text, ERROR as c_long);
                return 0;
            }
            let now = (*mail_elt(stream, msgno)).seen() != 0;
            let fix: Option<&[u8]> = if nopeek.is_some() && !seen && now {
                Some(b"-FLAGS \\Seen")
            } else if nononpeek.is_some() && !now {
                Some(b"+FLAGS \\Seen")
            } else {
                None
            };
            if let Some(f) = fix {
                let r = send(stream, "STORE", &[Arg::Atom(seq.as_bytes()), Arg::Atom(f)]);
                if !ok(stream, &r) {
                    log(&r.text, WARN as c_long);
                }
            }
        } else {
            let r = send(stream, cmd, &args);
            if !ok(stream, &r) {
                log(&r.text, ERROR as c_long);
                return 0;
            }
        }
        if !lv.imap2bis && sec == b"1" {
            // IMAP2 answered RFC822.TEXT: that is part 1 too.
            let elt = mail_elt(stream, msgno);
            let t = &(*elt).private.msg.text.text;
            let d = if t.data.is_null() {
                Vec::new()
            } else {
                std::slice::from_raw_parts(t.data, t.size as usize).to_vec()
            };
            cache(stream, msgno as u32, b"1", Some(d));
        }
        1
    }
}

/// Serves a whole peeking `HEADER` (kind 0), `TEXT` (1) or both (2)
/// read of `msgno` from what was read ahead, or, when the program reads
/// in order, fetches the sections of the next messages with it. `None`:
/// not handled here (a program that does not read in order, or a short
/// cache), the caller fetches as the original does.
///
/// # Safety
/// `stream` live.
unsafe fn read_ahead(stream: *mut MAILSTREAM, msgno: u32, kind: usize) -> Option<c_long> {
    // SAFETY: stream live.
    unsafe {
        let nmsgs = (*stream).nmsgs;
        if (*stream).scache() != 0
            || msgno == 0
            || c_ulong::from(msgno) > nmsgs
            || super::params::hook(GET_GETS) != 0
        {
            // (With a mailgets the texts go to the application as they
            // arrive: only the original's own fetches may bring them.)
            return None;
        }
        let l = local(stream)?;
        let a = &mut l.ahead;
        let in_order = a.next[kind] == msgno;
        a.next[kind] = msgno.wrapping_add(1);
        let have = match kind {
            0 => a.header.contains_key(&msgno),
            1 => a.text.contains_key(&msgno),
            _ => a.header.contains_key(&msgno) && a.text.contains_key(&msgno),
        };
        if have {
            let h = if kind != 1 {
                a.header.remove(&msgno)
            } else {
                None
            };
            let t = if kind != 0 {
                a.text.remove(&msgno)
            } else {
                None
            };
            let hdr = h.is_some();
            // The original sends its FETCH here.
            tell_command(stream, "FETCH");
            if let Some(h) = h {
                cache(stream, msgno, b"HEADER", Some(h));
            }
            if let Some(t) = t {
                cache(stream, msgno, b"TEXT", Some(t));
            }
            if hdr {
                // As when the original's own FETCH brings it.
                envelope_hook(stream, msgno);
            }
            return Some(1);
        }
        if !in_order {
            a.window[kind] = 1;
            return None;
        }
        a.window[kind] = (a.window[kind] * 2).clamp(2, READ_AHEAD_MAX);
        let end = (u64::from(msgno) + u64::from(a.window[kind]) - 1).min(nmsgs) as u32;
        // A program that read the text of the message before this one
        // (in order too) reads this one's text next: the texts come in
        // the same FETCH (the server reads each message once, not twice).
        let with_text = kind == 0 && a.next[1] == msgno;
        // What is still held is of messages the program skipped: dropped,
        // so that at most one window is held.
        match kind {
            0 if !with_text => a.header.clear(),
            1 => a.text.clear(),
            _ => {
                a.header.clear();
                a.text.clear();
            }
        }
        a.target = msgno;
        a.with_text = with_text;
        let att = match kind {
            0 if !with_text => "BODY.PEEK[HEADER]",
            1 => "BODY.PEEK[TEXT]",
            _ => "(BODY.PEEK[HEADER] BODY.PEEK[TEXT])",
        };
        let seq = format!("{msgno}:{end}");
        let r = send(
            stream,
            "FETCH",
            &[Arg::Atom(seq.as_bytes()), Arg::Atom(att.as_bytes())],
        );
        if let Some(l) = local(stream) {
            l.ahead.target = 0;
            l.ahead.with_text = false;
        }
        // A refused range (a message expunged meanwhile, say) falls back
        // to the one-message fetch, whose answer the program then sees.
        if r.cond == Cond::Ok {
            ok(stream, &r);
            Some(1)
        } else {
            None
        }
    }
}

/// `imap_uid`.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn imap_uid(stream: *mut MAILSTREAM, msgno: c_ulong) -> c_ulong {
    super::guard("imap_uid", 0, || {
        // SAFETY: per the contract.
        unsafe {
            // IMAP2 had no UIDs: the number stands for itself.
            if local(stream).is_some() && !level(stream).imap4 {
                return msgno;
            }
            if msgno == 0 || msgno > (*stream).nmsgs {
                return 0;
            }
            let elt = mail_elt(stream, msgno);
            if (*elt).private.uid == 0 {
                // The UIDs of this message and of up to GET_UIDLOOKAHEAD
                // following ones not known yet, as the original lists
                // them: runs of unknown ones as ranges, within its
                // command buffer's bound.
                let n = (*stream).nmsgs;
                let mut k = super::params::number(
                    crate::env::params::Owner::Imap,
                    GET_UIDLOOKAHEAD as c_long,
                )
                .max(0) as c_ulong;
                let unknown = |i: c_ulong| (*mail_elt(stream, i)).private.uid == 0;
                let mut seq = msgno.to_string();
                let mut i = msgno + 1;
                while k > 0 && i <= n {
                    if unknown(i) {
                        if seq.len() > MAILTMPLEN as usize - 20 {
                            break;
                        }
                        seq.push_str(&format!(",{i}"));
                        let mut j = i + 1;
                        k -= 1;
                        while k > 0 && j <= n && unknown(j) {
                            j += 1;
                            k -= 1;
                        }
                        j -= 1;
                        if j != i {
                            seq.push_str(&format!(":{j}"));
                            i = j;
                        }
                    }
                    i += 1;
                }
                let r = send(
                    stream,
                    "FETCH",
                    &[Arg::Atom(seq.as_bytes()), Arg::Atom(b"UID")],
                );
                if !ok(stream, &r) {
                    log(&r.text, ERROR as c_long);
                }
            }
            let elt = mail_elt(stream, msgno);
            if elt.is_null() {
                0
            } else {
                (*elt).private.uid
            }
        }
    })
}

/// `imap_msgno`.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn imap_msgno(stream: *mut MAILSTREAM, uid: c_ulong) -> c_ulong {
    super::guard("imap_msgno", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if local(stream).is_some() && !level(stream).imap4 {
                return uid;
            }
            // Known already, else the server is asked for that UID when
            // some UIDs are unknown, as the original.
            let n = (*stream).nmsgs;
            let mut holes = false;
            for i in 1..=n {
                match (*mail_elt(stream, i)).private.uid {
                    0 => holes = true,
                    u if u == uid => return i,
                    _ => {}
                }
            }
            if !holes {
                return 0;
            }
            let seq = uid.to_string();
            let r = send(
                stream,
                "UID FETCH",
                &[Arg::Atom(seq.as_bytes()), Arg::Atom(b"UID")],
            );
            if !ok(stream, &r) {
                log(&r.text, ERROR as c_long);
            }
            (1..=(*stream).nmsgs)
                .find(|&i| (*mail_elt(stream, i)).private.uid == uid)
                .unwrap_or(0)
        }
    })
}

/// The mailbox name said `/loser` (a server the original works around:
/// no server SEARCH, no server THREAD, ascending ranges only, astrings
/// always quoted, personal names holding "@" dropped).
///
/// # Safety
/// `stream` NULL or live.
pub(super) unsafe fn loser(stream: *mut MAILSTREAM) -> bool {
    // SAFETY: per the contract.
    unsafe { local(stream).is_some_and(|l| l.session.limits.loser) }
}

/// `imap_reform_sequence`'s work: every descending range `b:a` of `seq`
/// written `a:b` (`*` is the last message, or its UID when `uid`); the
/// sequence as it is for an empty mailbox.
///
/// # Safety
/// `stream` live.
pub(super) unsafe fn reform(stream: *mut MAILSTREAM, seq: &[u8], uid: bool) -> Vec<u8> {
    // SAFETY: stream live.
    unsafe {
        let n = (*stream).nmsgs;
        if n == 0 {
            return seq.to_vec();
        }
        let star = if uid { mail_uid(stream, n) } else { n };
        crate::net::imap::session::reform_sequence(seq, star as u64)
    }
}

/// The sequence a command over `seq` sends: reformed for `/loser`.
///
/// # Safety
/// `stream` live.
unsafe fn loser_seq(stream: *mut MAILSTREAM, seq: &[u8], uid: bool) -> Vec<u8> {
    // SAFETY: stream live.
    unsafe {
        if loser(stream) {
            reform(stream, seq, uid)
        } else {
            seq.to_vec()
        }
    }
}

/// `imap_flag`: STORE.
///
/// # Safety
/// `stream` live; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_flag(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    flag: *mut c_char,
    flags: c_long,
) {
    super::guard("imap_flag", (), || {
        // SAFETY: per the contract.
        unsafe {
            let imap4 = level(stream).imap4;
            let cmd = if imap4 && flags & ST_UID as c_long != 0 {
                "UID STORE"
            } else {
                "STORE"
            };
            let silent = imap4 && flags & ST_SILENT as c_long != 0;
            let op: &[u8] = match (flags & ST_SET as c_long != 0, silent) {
                (true, true) => b"+Flags.silent",
                (true, false) => b"+Flags",
                (false, true) => b"-Flags.silent",
                (false, false) => b"-Flags",
            };
            let seq = c_bytes(sequence).unwrap_or(b"");
            let seq = &loser_seq(stream, seq, flags & ST_UID as c_long != 0)[..];
            let f = c_bytes(flag).unwrap_or(b"");
            let mut list = b"(".to_vec();
            list.extend_from_slice(f.strip_prefix(b"(").unwrap_or(f));
            if list.last() != Some(&b')') {
                list.push(b')');
            }
            let r = send(
                stream,
                cmd,
                &[Arg::Atom(seq), Arg::Atom(op), Arg::Atom(&list)],
            );
            if !ok(stream, &r) {
                log(&r.text, ERROR as c_long);
            }
        }
    })
}

/// `imap_ping`: NOOP.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn imap_ping(stream: *mut MAILSTREAM) -> c_long {
    super::guard("imap_ping", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if local(stream).is_none_or(|l| l.session.dead) {
                return 0;
            }
            let r = send(stream, "NOOP", &[]);
            ok(stream, &r) as c_long
        }
    })
}

/// `imap_check`: CHECK.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn imap_check(stream: *mut MAILSTREAM) {
    super::guard("imap_check", (), || {
        // SAFETY: per the contract.
        unsafe {
            let r = send(stream, "CHECK", &[]);
            let good = ok(stream, &r);
            log(&r.text, if good { 0 } else { ERROR as c_long });
        }
    })
}

/// `imap_expunge`.
///
/// # Safety
/// `stream` live; `sequence` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_expunge(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    options: c_long,
) -> c_long {
    super::guard("imap_expunge", 0, || {
        // SAFETY: per the contract.
        unsafe { expunge(stream, sequence, options) }
    })
}

unsafe fn expunge(stream: *mut MAILSTREAM, sequence: *mut c_char, options: c_long) -> c_long {
    // SAFETY: per imap_expunge's contract.
    unsafe {
        let r;
        if !sequence.is_null() {
            if options & EX_UID as c_long != 0 {
                if !local(stream).is_some_and(|l| l.session.has(b"UIDPLUS")) {
                    log(
                        b"[NOTUIDPLUS] Can't do UID EXPUNGE with this server",
                        ERROR as c_long,
                    );
                    return 0;
                }
                let seq = c_bytes(sequence).unwrap_or(b"").to_vec();
                r = send(stream, "UID EXPUNGE", &[Arg::Atom(&seq)]);
            } else {
                if mail_sequence(stream, sequence as *mut c_uchar) == 0 {
                    return 0;
                }
                let n = (*stream).nmsgs;
                let mut t = String::new();
                let mut i = 1;
                while i <= n {
                    if (*mail_elt(stream, i)).sequence() != 0 {
                        if !t.is_empty() {
                            t.push(',');
                        }
                        let j = i;
                        t.push_str(&mail_uid(stream, j).to_string());
                        while i < n && (*mail_elt(stream, i + 1)).sequence() != 0 {
                            i += 1;
                        }
                        if i != j {
                            t.push_str(&format!(":{}", mail_uid(stream, i)));
                        }
                    }
                    i += 1;
                }
                let mut t = cz(t.as_bytes());
                return expunge(stream, t.as_mut_ptr() as *mut c_char, EX_UID as c_long);
            }
        } else {
            r = send(stream, "EXPUNGE", &[]);
        }
        let good = ok(stream, &r);
        log(&r.text, if good { 0 } else { ERROR as c_long });
        good as c_long
    }
}

/// The mailbox part of a `{host}mailbox` name.
unsafe fn mailbox_part(name: *mut c_char) -> Option<Vec<u8>> {
    // SAFETY: name NUL-terminated.
    unsafe {
        let mut tmp = [0 as c_char; MAILTMPLEN as usize];
        if mail_valid_net(name, addr_of_mut!(imapdriver), null_mut(), tmp.as_mut_ptr()).is_null() {
            return None;
        }
        Some(nm_bytes(&tmp))
    }
}

/// `imap_copy`.
///
/// # Safety
/// `stream` live; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_copy(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    mailbox: *mut c_char,
    flags: c_long,
) -> c_long {
    super::guard("imap_copy", 0, || {
        // SAFETY: per the contract.
        unsafe {
            // Ours, opt-in: MOVE where the server has it. Off by default
            // because MOVE expunges at once, which the original never does.
            let mv = flags & CP_MOVE as c_long != 0
                && super::params::number(crate::env::params::Owner::Imap, GET_IMAPMOVE as c_long)
                    != 0
                && local(stream).is_some_and(|l| l.session.has(b"MOVE"));
            let cmd = match (level(stream).imap4 && flags & CP_UID as c_long != 0, mv) {
                (true, true) => "UID MOVE",
                (true, false) => "UID COPY",
                (false, true) => "MOVE",
                (false, false) => "COPY",
            };
            let seq = c_bytes(sequence).unwrap_or(b"").to_vec();
            let seq = loser_seq(stream, &seq, flags & CP_UID as c_long != 0);
            let mbx = c_bytes(mailbox).unwrap_or(b"").to_vec();
            if let Some(l) = local(stream) {
                l.appendmailbox = Some(mbx.clone());
            }
            let r = send(stream, cmd, &[Arg::Atom(&seq), Arg::Mbx(&mbx)]);
            let good = ok(stream, &r);
            if let Some(l) = local(stream) {
                l.appendmailbox = None;
            }
            if good {
                if flags & CP_MOVE as c_long != 0 && !mv {
                    let mut d = cz(b"\\Deleted");
                    let st = ST_SET as c_long
                        + if flags & CP_UID as c_long != 0 {
                            ST_UID as c_long
                        } else {
                            0
                        };
                    imap_flag(stream, sequence, d.as_mut_ptr() as *mut c_char, st);
                }
                1
            } else {
                log(&r.text, ERROR as c_long);
                0
            }
        }
    })
}

/// Reads a STRING into a vector.
pub(super) unsafe fn read_string(s: *mut STRING) -> Vec<u8> {
    // SAFETY: a STRING set up by the application's append callback.
    unsafe {
        let s = &mut *s;
        let size = s.size as usize;
        let mut out = Vec::with_capacity(size.min(1 << 26));
        if let Some(setpos) = (*s.dtb).setpos {
            setpos(s, 0);
        }
        while out.len() < size {
            if s.cursize == 0 {
                // The next chunk: by position where the driver can (a
                // driver's `next` hands back a byte and moves past it, as
                // mailutil's message strings do), else by `next`.
                if let Some(setpos) = (*s.dtb).setpos {
                    setpos(s, out.len() as c_ulong);
                } else if let Some(next) = (*s.dtb).next {
                    out.push(next(s) as u8);
                    continue;
                } else {
                    break;
                }
                if s.cursize == 0 || s.curpos.is_null() {
                    break;
                }
            }
            if s.curpos.is_null() {
                break;
            }
            let n = (s.cursize as usize).min(size - out.len());
            out.extend_from_slice(std::slice::from_raw_parts(s.curpos as *const u8, n));
            s.curpos = s.curpos.add(n);
            s.cursize -= n as c_ulong;
        }
        out
    }
}

/// `imap_append`: APPEND (MULTIAPPEND when the server has it).
///
/// # Safety
/// `stream` NULL or live; `mailbox` NUL-terminated; `af` the application's.
#[no_mangle]
pub unsafe extern "C" fn imap_append(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    af: append_t,
    data: *mut c_void,
) -> c_long {
    super::guard("imap_append", 0, || {
        // SAFETY: per the contract.
        unsafe { append(stream, mailbox, af, data) }
    })
}

pub(super) unsafe fn append(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    af: append_t,
    data: *mut c_void,
) -> c_long {
    // SAFETY: per imap_append's contract.
    unsafe {
        let mut tmp = [0 as c_char; MAILTMPLEN as usize];
        if mail_valid_net(
            mailbox,
            addr_of_mut!(imapdriver),
            null_mut(),
            tmp.as_mut_ptr(),
        )
        .is_null()
        {
            return 0;
        }
        let mbx = nm_bytes(&tmp);
        let debug = stream.as_ref().is_some_and(|s| s.debug() != 0);
        let mut st = stream;
        let usable = local(stream).is_some_and(|l| !l.session.dead);
        if !usable {
            let dbg = if debug { OP_DEBUG as c_long } else { 0 };
            st = mail_open(
                null_mut(),
                mailbox,
                (OP_HALFOPEN | OP_SILENT) as c_long | dbg,
            );
            if st.is_null() {
                log(b"Can't access server for append", ERROR as c_long);
                return 0;
            }
        }
        if let Some(l) = local(st) {
            l.appendmailbox = Some(c_bytes(mailbox).unwrap_or(b"").to_vec());
        }
        let mut map = AppendData {
            af,
            data,
            flags: null_mut(),
            date: null_mut(),
            message: null_mut(),
        };
        let mut ret = 0;
        let mut last: Option<Reply> = None;
        if local(st).is_some_and(|l| l.session.has(b"MULTIAPPEND")) {
            let r = multiappend(st, &mbx, &mut map, false);
            ret = ok(st, &r) as c_long;
            last = Some(r);
        } else if let Some(f) = af {
            while f(st, data, &mut map.flags, &mut map.date, &mut map.message) != 0
                && !map.message.is_null()
            {
                let r = append_single(st, &mbx, map.flags, map.date, map.message);
                ret = ok(st, &r) as c_long;
                last = Some(r);
                if ret == 0 {
                    break;
                }
            }
        }
        if let Some(l) = local(st) {
            l.appendmailbox = None;
        }
        // A failure: a referral the application follows, else the error.
        let mut next = None;
        if ret == 0 {
            if let Some(r) = &last {
                next = referred(st, REFAPPEND as c_long);
                if next.is_none() {
                    log(&r.text, ERROR as c_long);
                }
            }
        }
        if st != stream {
            mail_close_full(st, 0);
        }
        if let Some(m) = next {
            ret = append_referral(
                m,
                tmp.as_mut_ptr(),
                af,
                data,
                map.flags,
                map.date,
                map.message,
                &mut map,
                c_long::from(debug),
            );
        }
        ret
    }
}

/// The original's APPENDDATA: the append callback and the message it
/// gave last.
#[repr(C)]
pub struct AppendData {
    pub af: append_t,
    pub data: *mut c_void,
    pub flags: *mut c_char,
    pub date: *mut c_char,
    pub message: *mut STRING,
}

/// A date in INTERNALDATE form; None when it does not parse.
unsafe fn internal_date(d: *mut c_char) -> Option<Vec<u8>> {
    // SAFETY: d NUL-terminated; the buffers are local.
    unsafe {
        let mut elt: MESSAGECACHE = std::mem::zeroed();
        if super::dates::mail_parse_date(&mut elt, d as *mut c_uchar) == 0 {
            return None;
        }
        let mut tmp = [0 as c_char; MAILTMPLEN as usize];
        super::dates::mail_date(tmp.as_mut_ptr(), &mut elt);
        Some(nm_bytes(&tmp))
    }
}

/// A FLAGS argument as the original writes it: parenthesised unless it
/// already is.
fn flags_arg(f: &[u8]) -> Vec<u8> {
    if f.first() == Some(&b'(') {
        f.to_vec()
    } else {
        [&b"("[..], f, &b")"[..]].concat()
    }
}

/// One message of an APPEND: flags, date and the text; None for a date
/// that does not parse.
unsafe fn message_args(
    flags: *mut c_char,
    date: *mut c_char,
    msg: *mut STRING,
    utf8: bool,
) -> Option<Vec<OwnedArg>> {
    // SAFETY: strings NULL or NUL-terminated; msg a valid STRING.
    unsafe {
        let mut v = Vec::new();
        let text = read_string(msg);
        // Ours: a UTF8=ACCEPT session sends an 8-bit header as RFC 6855
        // asks (`UTF8 (~{n}...)`), with an empty flag list when there is
        // none (Courier takes the form only after one).
        let utf8 = utf8 && crate::net::imap::ext::header_has_8bit(&text);
        if let Some(f) = c_bytes(flags) {
            v.push(OwnedArg::Atom(flags_arg(f)));
        } else if utf8 {
            v.push(OwnedArg::Atom(b"()".to_vec()));
        }
        if !date.is_null() {
            v.push(OwnedArg::Str(internal_date(date)?));
        }
        v.push(if utf8 {
            OwnedArg::Utf8Literal(text)
        } else {
            OwnedArg::Literal(text)
        });
        Some(v)
    }
}

/// Sends a command whose later arguments `more` gives as it goes.
unsafe fn send_more(
    stream: *mut MAILSTREAM,
    cmd: &str,
    args: &[Arg],
    more: &mut dyn FnMut(&mut Vec<Item>) -> More,
) -> Reply {
    // SAFETY: stream live.
    unsafe {
        if local(stream).is_none() {
            return send(stream, cmd, args);
        }
        // (Told before the local data is borrowed: the hook may re-enter.)
        tell_command(stream, cmd);
        let Some(l) = local(stream) else {
            return send_untold(stream, cmd, args);
        };
        let mut env = CEnv::new();
        let mut items = Vec::new();
        let r = l
            .session
            .command_more(cmd, args, more, &mut env, &mut items);
        drop(env);
        apply(stream, items);
        match r {
            Err(Broken(t)) if t == ZERO_LITERAL => {
                notify(stream, &t, BYE as c_long);
                Reply {
                    cond: Cond::No,
                    code: None,
                    text: t,
                    broken: true,
                }
            }
            r => finish(stream, r),
        }
    }
}

/// What the original says when a MULTIAPPEND is abandoned.
const ZERO_LITERAL: &[u8] = b"Server zero-length literal error";

/// MULTIAPPEND: every message the callback gives in one APPEND, each asked
/// for after the previous one is sent; `redo` starts with the message
/// already in `map` (after a referral). A bad date or a callback that
/// fails abandons the command as the original does.
unsafe fn multiappend(st: *mut MAILSTREAM, mbx: &[u8], map: &mut AppendData, redo: bool) -> Reply {
    // SAFETY: st live; map's callback is the application's.
    unsafe {
        let mut need = !redo;
        let mut first = true;
        let mut more = |_: &mut Vec<Item>| -> More {
            if need {
                let Some(f) = map.af else {
                    return More::Abort(ZERO_LITERAL.to_vec());
                };
                if f(
                    st,
                    map.data,
                    &mut map.flags,
                    &mut map.date,
                    &mut map.message,
                ) == 0
                {
                    return More::Abort(ZERO_LITERAL.to_vec());
                }
                if map.message.is_null() {
                    return if first {
                        More::Abort(ZERO_LITERAL.to_vec())
                    } else {
                        More::End
                    };
                }
            } else if map.message.is_null() {
                return More::End;
            }
            need = true;
            first = false;
            let utf8 = local(st).is_some_and(|l| l.session.utf8);
            match message_args(map.flags, map.date, map.message, utf8) {
                Some(a) => More::Args(a),
                None => More::Abort(ZERO_LITERAL.to_vec()),
            }
        };
        send_more(st, "APPEND", &[Arg::Mbx(mbx)], &mut more)
    }
}

/// One APPEND (the original's imap_append_single); IMAP2bis takes neither
/// flags nor a date.
unsafe fn append_single(
    st: *mut MAILSTREAM,
    mbx: &[u8],
    flags: *mut c_char,
    date: *mut c_char,
    msg: *mut STRING,
) -> Reply {
    // SAFETY: st live; strings NULL or NUL-terminated; msg valid.
    unsafe {
        let utf8 = local(st).is_some_and(|l| l.session.utf8);
        let Some(mut v) = message_args(flags, date, msg, utf8) else {
            return Reply {
                cond: Cond::Bad,
                code: None,
                text: b"Bad date in append".to_vec(),
                broken: false,
            };
        };
        if !level(st).imap4 {
            v.drain(..v.len() - 1);
        }
        let args: Vec<Arg> = std::iter::once(Arg::Mbx(mbx))
            .chain(v.iter().map(OwnedArg::as_arg))
            .collect();
        send(st, "APPEND", &args)
    }
}

/// `imap_append_referral`: the append again at the server a referral
/// named (and at the next one, while the application follows them),
/// starting with the message of the failed attempt.
///
/// # Safety
/// `mailbox` NULL or NUL-terminated; `tmp` NULL or MAILTMPLEN bytes;
/// `message` and `map` as the failed attempt left them.
#[no_mangle]
pub unsafe extern "C" fn imap_append_referral(
    mailbox: *mut c_char,
    tmp: *mut c_char,
    af: append_t,
    data: *mut c_void,
    flags: *mut c_char,
    date: *mut c_char,
    message: *mut STRING,
    map: *mut AppendData,
    options: c_long,
) -> c_long {
    super::guard("imap_append_referral", 0, || {
        // SAFETY: per the contract.
        unsafe { append_referral(mailbox, tmp, af, data, flags, date, message, map, options) }
    })
}

#[allow(clippy::too_many_arguments)]
unsafe fn append_referral(
    mut mailbox: *mut c_char,
    tmp: *mut c_char,
    af: append_t,
    data: *mut c_void,
    mut flags: *mut c_char,
    mut date: *mut c_char,
    mut message: *mut STRING,
    map: *mut AppendData,
    options: c_long,
) -> c_long {
    // SAFETY: per imap_append_referral's contract.
    unsafe {
        let mut own = [0 as c_char; MAILTMPLEN as usize];
        let tmp = if tmp.is_null() { own.as_mut_ptr() } else { tmp };
        while !mailbox.is_null()
            && !mail_valid_net(mailbox, addr_of_mut!(imapdriver), null_mut(), tmp).is_null()
        {
            let dbg = if options != 0 { OP_DEBUG as c_long } else { 0 };
            let st = mail_open(
                null_mut(),
                mailbox,
                (OP_HALFOPEN | OP_SILENT) as c_long | dbg,
            );
            if st.is_null() {
                let mut m = b"Can't access referral server: ".to_vec();
                let n = c_bytes(mailbox).unwrap_or(b"");
                m.extend_from_slice(&n[..n.len().min(80)]);
                log(&m, ERROR as c_long);
                return 0;
            }
            let mbx = c_bytes(tmp).unwrap_or(b"").to_vec();
            let reply;
            if local(st).is_some_and(|l| l.session.has(b"MULTIAPPEND")) && !map.is_null() {
                let r = multiappend(st, &mbx, &mut *map, true);
                if ok(st, &r) {
                    mail_close_full(st, 0);
                    return 1;
                }
                reply = r;
            } else {
                loop {
                    let r = append_single(st, &mbx, flags, date, message);
                    if !ok(st, &r) {
                        reply = r;
                        break;
                    }
                    let more =
                        af.is_some_and(|f| f(st, data, &mut flags, &mut date, &mut message) != 0);
                    if !more || message.is_null() {
                        mail_close_full(st, 0);
                        return 1;
                    }
                }
            }
            mailbox = match referred(st, REFAPPEND as c_long) {
                Some(m) => m,
                None => {
                    log(&reply.text, ERROR as c_long);
                    null_mut()
                }
            };
            mail_close_full(st, 0);
        }
        0
    }
}

/// Runs `f` on a stream connected to the server of `name`: `stream` when
/// usable, else a temporary half-open one.
unsafe fn with_server<R>(
    stream: *mut MAILSTREAM,
    name: *mut c_char,
    fail: R,
    f: impl FnOnce(*mut MAILSTREAM) -> R,
) -> R {
    // SAFETY: stream NULL or live; name NUL-terminated.
    unsafe {
        if local(stream).is_some_and(|l| !l.session.dead)
            && mail_usable_network_stream(stream, name) != 0
        {
            return f(stream);
        }
        let t = mail_open(null_mut(), name, (OP_HALFOPEN | OP_SILENT) as c_long);
        if t.is_null() {
            return fail;
        }
        let r = f(t);
        mail_close_full(t, 0);
        r
    }
}

/// `imap_status`.
///
/// # Safety
/// `stream` NULL or live; `mbx` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_status(
    stream: *mut MAILSTREAM,
    mbx: *mut c_char,
    flags: c_long,
) -> c_long {
    super::guard("imap_status", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(name) = mailbox_part(mbx) else {
                return 0;
            };
            // The given stream serves when it speaks STATUS or is half
            // open (EXAMINE would lose a selected mailbox).
            let mut st = stream;
            let usable = local(stream).is_some_and(|l| !l.session.dead)
                && (level(stream).rev1 || (*stream).halfopen() != 0)
                && mail_usable_network_stream(stream, mbx) != 0;
            if !usable {
                st = mail_open(null_mut(), mbx, (OP_HALFOPEN | OP_SILENT) as c_long);
                if st.is_null() {
                    return 0;
                }
            }
            let mut ret = 0;
            if level(st).rev1 {
                let mut t = Vec::new();
                if flags & SA_MESSAGES as c_long != 0 {
                    t.push("MESSAGES");
                }
                if flags & SA_RECENT as c_long != 0 {
                    t.push("RECENT");
                }
                if flags & SA_UNSEEN as c_long != 0 {
                    t.push("UNSEEN");
                }
                if flags & SA_UIDNEXT as c_long != 0 {
                    t.push("UIDNEXT");
                }
                if flags & SA_UIDVALIDITY as c_long != 0 {
                    t.push("UIDVALIDITY");
                }
                let list = format!("({})", t.join(" "));
                let r = send(st, "STATUS", &[Arg::Mbx(&name), Arg::Atom(list.as_bytes())]);
                if ok(st, &r) {
                    ret = 1;
                } else if let Some(m) = referred(st, REFSTATUS as c_long) {
                    let debug = if (*st).debug() != 0 {
                        SA_DEBUG as c_long
                    } else {
                        0
                    };
                    ret = imap_status(null_mut(), m, flags | debug);
                }
            } else if ok(st, &send(st, "EXAMINE", &[Arg::Mbx(&name)])) {
                // The IMAP2 way: the counts of an EXAMINE, UNSEEN by a
                // search.
                let mut status: MAILSTATUS = std::mem::zeroed();
                status.flags = flags & !((SA_UIDNEXT | SA_UIDVALIDITY) as c_long);
                status.messages = (*st).nmsgs;
                status.recent = (*st).recent;
                if flags & SA_UNSEEN as c_long != 0 {
                    for i in 1..=(*st).nmsgs {
                        if let Some(e) = mail_elt(st, i).as_mut() {
                            e.set_searched(0);
                        }
                    }
                    if ok(st, &send(st, "SEARCH UNSEEN", &[])) {
                        for i in 1..=(*st).nmsgs {
                            if mail_elt(st, i).as_ref().is_some_and(|e| e.searched() != 0) {
                                status.unseen += 1;
                            }
                        }
                    }
                }
                let sm = c_bytes((*st).mailbox).unwrap_or(b"");
                let mut full =
                    sm[..sm.iter().position(|&c| c == b'}').map_or(0, |i| i + 1)].to_vec();
                full.extend_from_slice(&name);
                let mut full = cz(&full);
                mm_status(st, full.as_mut_ptr() as *mut c_char, &mut status);
                ret = 1;
            }
            if st != stream {
                mail_close_full(st, 0);
            }
            ret
        }
    })
}

pub(super) unsafe fn list_work(
    stream: *mut MAILSTREAM,
    cmd: &str,
    r: *mut c_char,
    p: *mut c_char,
    contents: Option<&[u8]>,
) {
    // SAFETY: stream NULL or live; strings NULL or NUL-terminated.
    unsafe {
        let rb = c_bytes(r).unwrap_or(b"");
        let pb = c_bytes(p).unwrap_or(b"");
        let (server, refr, pat) = if !rb.is_empty() {
            if imap_valid(r).is_null() {
                return;
            }
            let pl = rb.iter().position(|&c| c == b'}').map_or(0, |i| i + 1);
            (r, rb[pl..].to_vec(), pb.to_vec())
        } else {
            if imap_valid(p).is_null() {
                return;
            }
            let pl = pb.iter().position(|&c| c == b'}').map_or(0, |i| i + 1);
            (p, Vec::new(), pb[pl..].to_vec())
        };
        let sb = c_bytes(server).unwrap_or(b"");
        let prefix = sb[..sb.iter().position(|&c| c == b'}').map_or(0, |i| i + 1)].to_vec();
        let run = |st: *mut MAILSTREAM| {
            if let Some(l) = local(st) {
                l.prefix = Some(prefix.clone());
            }
            let lv = level(st);
            match contents {
                // SCAN (mail_scan) only where the server has it.
                Some(c) => {
                    if local(st).is_some_and(|l| l.session.has(b"SCAN")) {
                        send(st, cmd, &[Arg::Mbx(&refr), Arg::MbxWild(&pat), Arg::Str(c)]);
                    } else {
                        log(b"Scan not valid on this IMAP server", ERROR as c_long);
                    }
                }
                None if lv.imap4 => {
                    // With referrals armed, RLIST/RLSUB (RFC 2193) so the
                    // server may refer instead of hiding remote names.
                    let armed = local(st).is_some_and(|l| l.session.has(b"MAILBOX-REFERRALS"))
                        && super::params::number(
                            crate::env::params::Owner::Imap,
                            GET_IMAPREFERRAL as c_long,
                        ) != 0;
                    let c = match cmd {
                        "LIST" if armed => "RLIST",
                        "LSUB" if armed => "RLSUB",
                        c => c,
                    };
                    send(st, c, &[Arg::Mbx(&refr), Arg::MbxWild(&pat)]);
                }
                None if lv.rfc1176 => {
                    // IMAP2: FIND with the reference glued on and every
                    // '%' made '*'; a LIST tries IMAP2bis's ALL.MAILBOXES
                    // first; a server refusing both is RFC 1064.
                    let mut mbx = refr.clone();
                    mbx.extend_from_slice(&pat);
                    for c in mbx.iter_mut() {
                        if *c == b'%' {
                            *c = b'*';
                        }
                    }
                    let all = cmd.contains("LIST")
                        && send(st, "FIND ALL.MAILBOXES", &[Arg::Wild(&mbx)]).cond != Cond::Bad;
                    if !all && send(st, "FIND MAILBOXES", &[Arg::Wild(&mbx)]).cond == Cond::Bad {
                        if let Some(l) = local(st) {
                            l.no1176 = true;
                        }
                    }
                }
                None => {}
            }
            if let Some(l) = local(st) {
                l.prefix = None;
            }
        };
        if local(stream).is_some_and(|l| !l.session.dead) {
            run(stream);
        } else {
            let t = mail_open(null_mut(), server, (OP_HALFOPEN | OP_SILENT) as c_long);
            if t.is_null() {
                return;
            }
            run(t);
            mail_close_full(t, 0);
        }
    }
}

/// `imap_list`.
///
/// # Safety
/// `stream` NULL or live; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_list(stream: *mut MAILSTREAM, r: *mut c_char, p: *mut c_char) {
    // SAFETY: per the contract.
    super::guard("imap_list", (), || unsafe {
        list_work(stream, "LIST", r, p, None)
    })
}

/// `imap_lsub`.
///
/// # Safety
/// As [`imap_list`].
#[no_mangle]
pub unsafe extern "C" fn imap_lsub(stream: *mut MAILSTREAM, r: *mut c_char, p: *mut c_char) {
    // SAFETY: per the contract.
    super::guard("imap_lsub", (), || unsafe {
        list_work(stream, "LSUB", r, p, None)
    })
}

/// `imap_scan`: the server has no SCAN here; as the original without it.
///
/// # Safety
/// As [`imap_list`].
#[no_mangle]
pub unsafe extern "C" fn imap_scan(
    stream: *mut MAILSTREAM,
    r: *mut c_char,
    p: *mut c_char,
    c: *mut c_char,
) {
    super::guard("imap_scan", (), || {
        // SAFETY: per the contract: the server's SCAN when it has it.
        unsafe {
            let contents = c_bytes(c).map(<[u8]>::to_vec);
            list_work(stream, "SCAN", r, p, contents.as_deref())
        }
    })
}

unsafe fn manage(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    cmd: &str,
    arg2: Option<*mut c_char>,
) -> c_long {
    // SAFETY: stream NULL or live; names NUL-terminated.
    unsafe {
        let Some(name) = mailbox_part(mailbox) else {
            return 0;
        };
        let second = match arg2 {
            Some(a) => match mailbox_part(a) {
                Some(n) => Some(n),
                None => return 0,
            },
            None => None,
        };
        with_server(stream, mailbox, 0, |st| {
            // Before IMAP4, (UN)SUBSCRIBE took a MAILBOX keyword.
            let legacy;
            let cmd = if (cmd == "Subscribe" || cmd == "Unsubscribe") && !level(st).imap4 {
                legacy = format!("{cmd} Mailbox");
                &legacy[..]
            } else {
                cmd
            };
            let mut args = vec![Arg::Mbx(&name)];
            if let Some(s2) = &second {
                args.push(Arg::Mbx(s2));
            }
            let r = send(st, cmd, &args);
            let mut good = ok(st, &r);
            // A referral the application follows: the command again there
            // (RENAME's new name follows the referred name's NUL).
            if !good {
                let code = match cmd.as_bytes().first() {
                    Some(b'S') => REFSUBSCRIBE as c_long,
                    Some(b'U') => REFUNSUBSCRIBE as c_long,
                    Some(b'C') => REFCREATE as c_long,
                    Some(b'D') => REFDELETE as c_long,
                    Some(b'R') => REFRENAME as c_long,
                    _ => -1,
                };
                if code >= 0 {
                    if let Some(m) = referred(st, code) {
                        let second = if cmd.starts_with('R') {
                            Some(m.add(libc::strlen(m) + 1))
                        } else {
                            None
                        };
                        // (The name stays the application's, as the
                        // original leaves it.)
                        good = manage(null_mut(), m, cmd, second) != 0;
                    }
                }
            }
            log(&r.text, if good { 0 } else { ERROR as c_long });
            good as c_long
        })
    }
}

/// The mailbox name the GET_IMAPREFERRAL hook gives for the referral of
/// the last command (`code` one of the REF* codes), if any.
unsafe fn referred(stream: *mut MAILSTREAM, code: c_long) -> Option<*mut c_char> {
    // SAFETY: stream live; the hook word was stored by SET_IMAPREFERRAL.
    unsafe {
        let h = super::params::number(crate::env::params::Owner::Imap, GET_IMAPREFERRAL as c_long)
            as usize;
        let f = std::mem::transmute::<usize, imapreferral_t>(h)?;
        let url = local(stream)?.referral.clone()?;
        let mut u = cz(&url);
        let m = f(stream, u.as_mut_ptr() as *mut c_char, code);
        (!m.is_null()).then_some(m)
    }
}

/// `imap_manage`: CREATE/DELETE/RENAME/SUBSCRIBE/UNSUBSCRIBE.
///
/// # Safety
/// `stream` NULL or live; strings NUL-terminated (`arg2` may be NULL).
#[no_mangle]
pub unsafe extern "C" fn imap_manage(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    command: *mut c_char,
    arg2: *mut c_char,
) -> c_long {
    super::guard("imap_manage", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let cmd = String::from_utf8_lossy(c_bytes(command).unwrap_or(b"")).into_owned();
            let a2 = (!arg2.is_null()).then_some(arg2);
            manage(stream, mailbox, &cmd, a2)
        }
    })
}

macro_rules! manage_fn {
    ($name:ident, $cmd:expr) => {
        /// See [`imap_manage`].
        ///
        /// # Safety
        /// As [`imap_manage`].
        #[no_mangle]
        pub unsafe extern "C" fn $name(stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
            // SAFETY: per the contract.
            super::guard(stringify!($name), 0, || unsafe {
                manage(stream, mailbox, $cmd, None)
            })
        }
    };
}
manage_fn!(imap_create, "Create");
manage_fn!(imap_delete, "Delete");
manage_fn!(imap_subscribe, "Subscribe");
manage_fn!(imap_unsubscribe, "Unsubscribe");

/// `imap_rename`.
///
/// # Safety
/// As [`imap_manage`].
#[no_mangle]
pub unsafe extern "C" fn imap_rename(
    stream: *mut MAILSTREAM,
    old: *mut c_char,
    new: *mut c_char,
) -> c_long {
    // SAFETY: per the contract.
    super::guard("imap_rename", 0, || unsafe {
        manage(stream, old, "Rename", Some(new))
    })
}

// ---------------------------------------------------------------------------
// Search, sort, thread.

pub(super) fn imap_date(d: u16) -> String {
    const M: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let day = d & 0x1f;
    let month = ((d >> 5) & 0xf).clamp(1, 12);
    let year = (d >> 9) as u32 + 1970;
    format!("{}-{}-{}", day, M[month as usize - 1], year)
}

/// The criteria of a search program as IMAP text; strings that need it go
/// as literals (`lits`, referenced by index).
pub(super) struct Spgm {
    /// "/loser": strings always quoted.
    pub(super) loser: bool,
    /// The text, without the literals.
    pub(super) text: Vec<u8>,
    /// The mailbox's size (a message set of 1:nmsgs is left out).
    pub(super) nmsgs: c_ulong,
    /// Strings that go as literals: where each goes in `text` (after a
    /// space) and its bytes.
    lits: Vec<(usize, Vec<u8>)>,
}

impl Spgm {
    pub(super) fn new(nmsgs: c_ulong) -> Self {
        Spgm {
            loser: false,
            text: Vec::new(),
            nmsgs,
            lits: Vec::new(),
        }
    }

    /// The program writer for a stream: its size and its `/loser`.
    ///
    /// # Safety
    /// `stream` NULL or live.
    pub(super) unsafe fn of(stream: *mut MAILSTREAM) -> Self {
        // SAFETY: per the contract.
        unsafe {
            let mut p = Spgm::new(stream.as_ref().map_or(0, |s| s.nmsgs));
            p.loser = loser(stream);
            p
        }
    }

    /// An empty program of the same kind (for OR and NOT).
    fn sub(&self) -> Self {
        let mut p = Spgm::new(self.nmsgs);
        p.loser = self.loser;
        p
    }

    /// Appends a sub-program (OR, NOT).
    fn append(&mut self, sub: Spgm) {
        let off = self.text.len();
        self.text.extend_from_slice(&sub.text);
        self.lits
            .extend(sub.lits.into_iter().map(|(p, l)| (p + off, l)));
    }

    /// The program as command arguments: its text, with each literal an
    /// argument of its own (synchronising unless the server has LITERAL+,
    /// as the session sends any literal).
    pub(super) fn args(&self) -> Vec<Arg<'_>> {
        let mut v = Vec::new();
        let mut at = 0;
        for (p, l) in &self.lits {
            if v.is_empty() {
                v.push(Arg::Atom(&self.text[at..*p]));
            } else {
                v.push(Arg::Raw(&self.text[at..*p]));
            }
            v.push(Arg::Literal(l));
            at = *p;
        }
        if v.is_empty() {
            v.push(Arg::Atom(&self.text));
        } else {
            v.push(Arg::Raw(&self.text[at..]));
        }
        v
    }

    /// The program as one text, literals written in it as LITERAL+ ones
    /// (`{n+}`), for the command-buffer writers of the internal exports.
    pub(super) fn inline(&self) -> Vec<u8> {
        let mut t = Vec::new();
        let mut at = 0;
        for (p, l) in &self.lits {
            t.extend_from_slice(&self.text[at..*p]);
            t.extend_from_slice(format!(" {{{}+}}\r\n", l.len()).as_bytes());
            t.extend_from_slice(l);
            at = *p;
        }
        t.extend_from_slice(&self.text[at..]);
        t
    }
    fn word(&mut self, w: &str) {
        if !self.text.is_empty() {
            self.text.push(b' ');
        }
        self.text.extend_from_slice(w.as_bytes());
    }
    pub(super) fn string(&mut self, s: &[u8]) {
        use crate::net::imap::session::{astring_form, Form};
        // The original's astring: an atom when it can be, else quoted,
        // else a literal.
        match astring_form(s, false, self.loser) {
            Form::Atom => {
                self.text.push(b' ');
                self.text.extend_from_slice(s);
            }
            Form::Quoted => {
                self.text.extend_from_slice(b" \"");
                self.text.extend_from_slice(s);
                self.text.push(b'"');
            }
            Form::Literal => self.lits.push((self.text.len(), s.to_vec())),
        }
    }
    pub(super) unsafe fn set(&mut self, prefix: &str, mut set: *mut SEARCHSET) {
        // SAFETY: a valid set list.
        unsafe {
            if !self.text.is_empty() {
                self.text.push(b' ');
            }
            self.text.extend_from_slice(prefix.as_bytes());
            let mut first = true;
            while !set.is_null() {
                if !first {
                    self.text.push(b',');
                }
                first = false;
                let f = (*set).first;
                let l = (*set).last;
                let num = |n: c_ulong| {
                    if n == 0xffff_ffff {
                        "*".to_string()
                    } else {
                        n.to_string()
                    }
                };
                self.text.extend_from_slice(num(f).as_bytes());
                if l != 0 && l != f {
                    self.text.push(b':');
                    self.text.extend_from_slice(num(l).as_bytes());
                }
                set = (*set).next;
            }
        }
    }
    pub(super) unsafe fn list(&mut self, name: &str, mut l: *mut STRINGLIST) {
        // SAFETY: a valid string list.
        unsafe {
            while !l.is_null() {
                self.word(name);
                let t = if (*l).text.data.is_null() {
                    &[][..]
                } else {
                    std::slice::from_raw_parts((*l).text.data, (*l).text.size as usize)
                };
                self.string(t);
                l = (*l).next;
            }
        }
    }
    pub(super) unsafe fn pgm(&mut self, p: *mut SEARCHPGM, depth: usize) {
        // SAFETY: a valid program.
        unsafe {
            if p.is_null() || depth > 50 {
                self.word("ALL");
                return;
            }
            let p = &*p;
            let start = self.text.len();
            // The original's order. A message set that is one range of
            // the whole mailbox says nothing and is left out.
            let m = p.msgno;
            if !m.is_null() && (!(*m).next.is_null() || (*m).first != 1 || (*m).last != self.nmsgs)
            {
                self.set("", p.msgno);
            }
            if !p.uid.is_null() {
                self.set("UID ", p.uid);
            }
            if p.larger != 0 {
                self.word(&format!("LARGER {}", p.larger));
            }
            if p.smaller != 0 {
                self.word(&format!("SMALLER {}", p.smaller));
            }
            let flags: [(u32, &str); 12] = [
                (p.answered(), "ANSWERED"),
                (p.unanswered(), "UNANSWERED"),
                (p.deleted(), "DELETED"),
                (p.undeleted(), "UNDELETED"),
                (p.draft(), "DRAFT"),
                (p.undraft(), "UNDRAFT"),
                (p.flagged(), "FLAGGED"),
                (p.unflagged(), "UNFLAGGED"),
                (p.recent(), "RECENT"),
                (p.old(), "OLD"),
                (p.seen(), "SEEN"),
                (p.unseen(), "UNSEEN"),
            ];
            for (on, w) in flags {
                if on != 0 {
                    self.word(w);
                }
            }
            self.list("KEYWORD", p.keyword);
            self.list("UNKEYWORD", p.unkeyword);
            for (d, w) in [
                (p.sentbefore, "SENTBEFORE"),
                (p.senton, "SENTON"),
                (p.sentsince, "SENTSINCE"),
                (p.before, "BEFORE"),
                (p.on, "ON"),
                (p.since, "SINCE"),
            ] {
                if d != 0 {
                    self.word(&format!("{w} {}", imap_date(d)));
                }
            }
            if p.older != 0 {
                self.word(&format!("OLDER {}", p.older));
            }
            if p.younger != 0 {
                self.word(&format!("YOUNGER {}", p.younger));
            }
            self.list("BCC", p.bcc);
            self.list("CC", p.cc);
            self.list("FROM", p.from);
            self.list("TO", p.to);
            self.list("SUBJECT", p.subject);
            self.list("BODY", p.body);
            self.list("TEXT", p.text);
            for (l, h) in [
                (p.return_path, "Return-Path"),
                (p.sender, "Sender"),
                (p.reply_to, "Reply-To"),
                (p.in_reply_to, "In-Reply-To"),
                (p.message_id, "Message-ID"),
                (p.newsgroups, "Newsgroups"),
                (p.followup_to, "Followup-To"),
                (p.references, "References"),
            ] {
                self.list(&format!("HEADER {h}"), l);
            }
            let mut h = p.header;
            while !h.is_null() {
                self.word("HEADER");
                let line = std::slice::from_raw_parts((*h).line.data, (*h).line.size as usize);
                let text = if (*h).text.data.is_null() {
                    &[][..]
                } else {
                    std::slice::from_raw_parts((*h).text.data, (*h).text.size as usize)
                };
                self.string(line);
                self.string(text);
                h = (*h).next;
            }
            let mut o = p.or;
            while !o.is_null() {
                self.word("OR (");
                let mut sub = self.sub();
                sub.pgm((*o).first, depth + 1);
                self.append(sub);
                self.text.extend_from_slice(b") (");
                let mut sub = self.sub();
                sub.pgm((*o).second, depth + 1);
                self.append(sub);
                self.text.push(b')');
                o = (*o).next;
            }
            let mut n = p.not;
            while !n.is_null() {
                self.word("NOT (");
                let mut sub = self.sub();
                sub.pgm((*n).pgm, depth + 1);
                self.append(sub);
                self.text.push(b')');
                n = (*n).next;
            }
            if self.text.len() == start {
                self.word("ALL");
            }
        }
    }
}

/// `imap_search`: SEARCH on the server.
///
/// # Safety
/// `stream` live; `charset` NULL or NUL-terminated; `pgm` a valid program.
#[no_mangle]
pub unsafe extern "C" fn imap_search(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    pgm: *mut SEARCHPGM,
    flags: c_long,
) -> c_long {
    super::guard("imap_search", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if pgm.is_null() || local(stream).is_none() {
                return 0;
            }
            let lv = level(stream);
            let p = &*pgm;
            let nz = |x: *const c_void| !x.is_null();
            // What an IMAP2bis server cannot search for.
            let old = !lv.imap4
                && (!charset.is_null()
                    || flags & SE_UID as c_long != 0
                    || nz(p.msgno as _)
                    || nz(p.uid as _)
                    || nz(p.or as _)
                    || nz(p.not as _)
                    || nz(p.header as _)
                    || p.larger != 0
                    || p.smaller != 0
                    || p.sentbefore != 0
                    || p.senton != 0
                    || p.sentsince != 0
                    || p.draft() != 0
                    || p.undraft() != 0
                    || nz(p.return_path as _)
                    || nz(p.sender as _)
                    || nz(p.reply_to as _)
                    || nz(p.message_id as _)
                    || nz(p.in_reply_to as _)
                    || nz(p.newsgroups as _)
                    || nz(p.followup_to as _)
                    || nz(p.references as _));
            let within = !fill_cap_within(stream) && (p.older != 0 || p.younger != 0);
            // A program with no criteria but message numbers (or none).
            let silly = !(nz(p.uid as _)
                || nz(p.or as _)
                || nz(p.not as _)
                || nz(p.header as _)
                || nz(p.from as _)
                || nz(p.to as _)
                || nz(p.cc as _)
                || nz(p.bcc as _)
                || nz(p.subject as _)
                || nz(p.body as _)
                || nz(p.text as _)
                || p.larger != 0
                || p.smaller != 0
                || p.sentbefore != 0
                || p.senton != 0
                || p.sentsince != 0
                || p.before != 0
                || p.on != 0
                || p.since != 0
                || p.answered() != 0
                || p.unanswered() != 0
                || p.deleted() != 0
                || p.undeleted() != 0
                || p.draft() != 0
                || p.undraft() != 0
                || p.flagged() != 0
                || p.unflagged() != 0
                || p.recent() != 0
                || p.old() != 0
                || p.seen() != 0
                || p.unseen() != 0
                || nz(p.keyword as _)
                || nz(p.unkeyword as _)
                || nz(p.return_path as _)
                || nz(p.sender as _)
                || nz(p.reply_to as _)
                || nz(p.in_reply_to as _)
                || nz(p.message_id as _)
                || nz(p.newsgroups as _)
                || nz(p.followup_to as _)
                || nz(p.references as _));
            if flags & SE_NOSERVER as c_long != 0 || loser(stream) || old || within {
                if flags & SE_NOLOCAL as c_long != 0
                    || mail_search_default(stream, charset, pgm, flags | SE_NOSERVER as c_long) == 0
                {
                    return 0;
                }
            } else if flags & (SE_NOLOCAL | SE_SILLYOK) as c_long == 0 && silly {
                // ALL or message numbers only: searched here, as the
                // original does.
                mail_search_default(stream, null_mut(), pgm, flags | SE_NOSERVER as c_long);
            } else if !server_search(stream, charset, pgm, flags) {
                return 0;
            }
            search_prefetch(stream, flags);
            1
        }
    })
}

/// Whether the server has WITHIN (OLDER/YOUNGER).
///
/// # Safety
/// `stream` live.
unsafe fn fill_cap_within(stream: *mut MAILSTREAM) -> bool {
    // SAFETY: stream live.
    unsafe { local(stream).is_some_and(|l| l.session.has(b"WITHIN")) }
}

/// SEARCH (or UID SEARCH) on the server; false when it failed (logged).
/// A BAD answer makes the search local, as the original.
///
/// # Safety
/// `stream` live with IMAP local data; `pgm` valid.
unsafe fn server_search(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    pgm: *mut SEARCHPGM,
    flags: c_long,
) -> bool {
    // SAFETY: per the contract.
    unsafe {
        let cmd = if flags & SE_UID as c_long != 0 {
            "UID SEARCH"
        } else {
            "SEARCH"
        };
        let mut sp = Spgm::of(stream);
        sp.pgm(pgm, 0);
        let cs = c_bytes(charset).map(<[u8]>::to_vec);
        if let Some(l) = local(stream) {
            l.uidsearch = flags & SE_UID as c_long != 0;
        }
        let r = {
            let mut args = Vec::new();
            if let Some(c) = &cs {
                args.push(Arg::Atom(b"CHARSET"));
                args.push(Arg::Str(c));
            }
            args.extend(sp.args());
            send(stream, cmd, &args)
        };
        // Retry without a charset when the server refuses it (ours).
        let (r, cs) = if cs.is_some() && matches!(r.code, Some(Code::BadCharset)) {
            (send(stream, cmd, &sp.args()), None)
        } else {
            (r, cs)
        };
        // A server that refuses a message set (BAD) is asked again
        // without it, and only the set's messages found count, as the
        // original.
        let set = if pgm.is_null() {
            null_mut()
        } else {
            (*pgm).msgno
        };
        let r = if flags & SE_UID as c_long == 0 && !set.is_null() && r.cond == Cond::Bad {
            let n = (*stream).nmsgs as usize;
            let mut f = vec![false; n + 1];
            let mut ss = set;
            while !ss.is_null() {
                let mut i = (*ss).first as usize;
                if i != 0 {
                    let mut j = (*ss).last as usize;
                    if j == 0 {
                        j = i;
                    } else if j < i {
                        std::mem::swap(&mut i, &mut j);
                    }
                    if i <= n {
                        f[i..=j.min(n)].fill(true);
                    }
                }
                ss = (*ss).next;
            }
            if let Some(l) = local(stream) {
                l.filter = Some(f);
            }
            (*pgm).msgno = null_mut();
            let mut sp = Spgm::of(stream);
            sp.pgm(pgm, 0);
            (*pgm).msgno = set;
            let mut args = Vec::new();
            if let Some(c) = &cs {
                args.push(Arg::Atom(b"CHARSET"));
                args.push(Arg::Str(c));
            }
            args.extend(sp.args());
            let r = send(stream, cmd, &args);
            if let Some(l) = local(stream) {
                l.filter = None;
            }
            r
        } else {
            r
        };
        if let Some(l) = local(stream) {
            l.uidsearch = false;
        }
        if r.cond == Cond::Bad {
            return flags & SE_NOLOCAL as c_long == 0
                && mail_search_default(stream, charset, pgm, flags | SE_NOSERVER as c_long) != 0;
        }
        if !ok(stream, &r) {
            log(&r.text, ERROR as c_long);
            return false;
        }
        true
    }
}

/// After a search, the envelopes of the first `SET_PREFETCH` messages
/// found that have none are fetched (not for UID searches, short caches
/// or `SE_NOPREFETCH`), as the original.
///
/// # Safety
/// `stream` live.
unsafe fn search_prefetch(stream: *mut MAILSTREAM, flags: c_long) {
    // SAFETY: stream live.
    unsafe {
        let mut k = super::params::number(crate::env::params::Owner::Imap, GET_PREFETCH as c_long);
        if k <= 0 || flags & (SE_NOPREFETCH | SE_UID) as c_long != 0 || (*stream).scache() != 0 {
            return;
        }
        let n = (*stream).nmsgs;
        let want = |i: c_ulong| {
            let e = mail_elt(stream, i);
            !e.is_null() && (*e).searched() != 0 && (*e).private.msg.env.is_null()
        };
        let mut seq = String::new();
        let mut i: c_ulong = 1;
        while k > 0 && i <= n {
            if want(i) {
                if !seq.is_empty() {
                    seq.push(',');
                }
                let j = i;
                seq.push_str(&format!("{j}"));
                k -= 1;
                while k > 0 && i < n && want(i + 1) {
                    i += 1;
                    k -= 1;
                }
                if i != j {
                    seq.push_str(&format!(":{i}"));
                }
                if seq.len() > IMAPTMPLEN_ORIG - 50 {
                    break;
                }
            }
            i += 1;
        }
        if seq.is_empty() {
            return;
        }
        let mut f = FT_NEEDENV as c_long;
        if flags & SE_NOHDRS as c_long != 0 {
            f |= FT_NOHDRS as c_long;
        }
        if flags & SE_NEEDBODY as c_long != 0 {
            f |= FT_NEEDBODY as c_long;
        }
        let (cmd, att) = fetch_spec(stream, f);
        fetch_cmd_as(stream, cmd, seq.as_bytes(), &att);
    }
}

/// The original's IMAPTMPLEN (its sequence buffer for the prefetch).
const IMAPTMPLEN_ORIG: usize = 16 * MAILTMPLEN as usize;

/// `imap_sort`: SORT on the server when it has it (else the generic sort).
///
/// # Safety
/// `stream` live; `spg` and `pgm` valid.
#[no_mangle]
pub unsafe extern "C" fn imap_sort(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    pgm: *mut SORTPGM,
    flags: c_long,
) -> *mut c_ulong {
    super::guard("imap_sort", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { sort(stream, charset, spg, pgm, flags) }
    })
}

/// A search program of the messages whose `searched` bit is set (NULL
/// when there is none), for SORT and THREAD without a program, as the
/// original; freed with `mail_free_searchpgm`.
///
/// # Safety
/// `stream` live.
unsafe fn searched_pgm(stream: *mut MAILSTREAM) -> *mut SEARCHPGM {
    // SAFETY: stream live; fresh nodes.
    unsafe {
        let mut tsp: *mut SEARCHPGM = null_mut();
        let mut ss: *mut SEARCHSET = null_mut();
        for i in 1..=(*stream).nmsgs {
            if (*mail_elt(stream, i)).searched() == 0 {
                continue;
            }
            if ss.is_null() {
                tsp = mail_newsearchpgm();
                ss = mail_newsearchset();
                (*tsp).msgno = ss;
                (*ss).first = i;
            } else if i == (*ss).last.max((*ss).first) + 1 {
                (*ss).last = i;
            } else {
                let n = mail_newsearchset();
                (*ss).next = n;
                ss = n;
                (*ss).first = i;
            }
        }
        tsp
    }
}

/// The SORT or THREAD command of `args` (the last a search program, a
/// temporary one of the searched messages when `tsp`): a server that
/// refuses the temporary one (BAD) is asked again for ALL, only the
/// searched messages counting, as the original.
///
/// # Safety
/// `stream` live.
unsafe fn sort_or_thread(
    stream: *mut MAILSTREAM,
    cmd: &str,
    lead: &[Arg],
    spg: *mut SEARCHPGM,
    tsp: bool,
    flags: c_long,
) -> Reply {
    // SAFETY: stream live; spg valid or NULL.
    unsafe {
        let mut sp = Spgm::of(stream);
        sp.pgm(spg, 0);
        let mut args = lead.to_vec();
        args.extend(sp.args());
        let r = send(stream, cmd, &args);
        if !tsp || flags & SE_UID as c_long != 0 || r.cond != Cond::Bad {
            return r;
        }
        if let Some(l) = local(stream) {
            l.filter = Some(Vec::new());
        }
        let mut sp = Spgm::of(stream);
        sp.pgm(null_mut(), 0);
        let mut args = lead.to_vec();
        args.extend(sp.args());
        let r = send(stream, cmd, &args);
        if let Some(l) = local(stream) {
            l.filter = None;
        }
        r
    }
}

/// `imap_sort`'s work: SORT on the server when it has it (with the
/// original's retry and its fall back to sorting here on BAD); else the
/// search here, one FETCH of what the sort keys need and the sort.
///
/// # Safety
/// `stream` live; `spg` NULL or valid; `pgm` a valid sort program.
unsafe fn sort(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    pgm: *mut SORTPGM,
    flags: c_long,
) -> *mut c_ulong {
    // SAFETY: per the contract.
    unsafe {
        if pgm.is_null() {
            return null_mut();
        }
        (*pgm).nmsgs = 0;
        let within =
            spg.is_null() || fill_cap_within(stream) || ((*spg).older == 0 && (*spg).younger == 0);
        let server = local(stream).is_some_and(|l| l.session.has(b"SORT"));
        if server && flags & SE_NOSERVER as c_long == 0 && within {
            let mut keys = Vec::new();
            let mut p = pgm;
            while !p.is_null() {
                let mut k = String::new();
                if (*p).reverse() != 0 {
                    k.push_str("REVERSE ");
                }
                k.push_str(match c_long::from((*p).function) {
                    x if x == SORTDATE as c_long => "DATE",
                    x if x == SORTARRIVAL as c_long => "ARRIVAL",
                    x if x == SORTFROM as c_long => "FROM",
                    x if x == SORTSUBJECT as c_long => "SUBJECT",
                    x if x == SORTTO as c_long => "TO",
                    x if x == SORTCC as c_long => "CC",
                    x if x == SORTSIZE as c_long => "SIZE",
                    _ => "ARRIVAL",
                });
                keys.push(k);
                p = (*p).next;
            }
            let keys = format!("({})", keys.join(" "));
            let cs = c_bytes(charset).unwrap_or(b"US-ASCII").to_vec();
            let cmd = if flags & SE_UID as c_long != 0 {
                "UID SORT"
            } else {
                "SORT"
            };
            let mut tsp = null_mut();
            if spg.is_null() {
                tsp = searched_pgm(stream);
                if tsp.is_null() {
                    return null_mut();
                }
            }
            if let Some(l) = local(stream) {
                l.sortdata.clear();
            }
            let lead = [Arg::Atom(keys.as_bytes()), Arg::Str(&cs)];
            let p = if tsp.is_null() { spg } else { tsp };
            let r = sort_or_thread(stream, cmd, &lead, p, !tsp.is_null(), flags);
            if !tsp.is_null() {
                mail_free_searchpgm(&mut tsp);
            }
            if r.cond == Cond::Bad {
                return if flags & SE_NOLOCAL as c_long != 0 {
                    null_mut()
                } else {
                    sort(stream, charset, spg, pgm, flags | SE_NOSERVER as c_long)
                };
            }
            if !ok(stream, &r) {
                log(&r.text, ERROR as c_long);
                return null_mut();
            }
            let data = local(stream)
                .map(|l| std::mem::take(&mut l.sortdata))
                .unwrap_or_default();
            (*pgm).nmsgs = data.len() as c_ulong;
            let out = fs_get((data.len() + 1) * std::mem::size_of::<c_ulong>()) as *mut c_ulong;
            for (i, v) in data.iter().enumerate() {
                *out.add(i) = *v;
            }
            *out.add(data.len()) = 0;
            return out;
        }
        if (*stream).scache() != 0 {
            return super::sort::mail_sort_msgs(stream, charset, spg, pgm, flags);
        }
        // Sorted here: the keys that need envelopes, the search (quiet),
        // one FETCH of what the searched messages lack, then the sort.
        let mut ftflags: c_long = 0;
        let mut p = pgm;
        while !p.is_null() && ftflags == 0 {
            let f = c_long::from((*p).function);
            if [SORTDATE, SORTFROM, SORTSUBJECT, SORTTO, SORTCC]
                .iter()
                .any(|&k| k as c_long == f)
            {
                ftflags = FT_NEEDENV as c_long;
                if flags & SE_NOHDRS as c_long != 0 {
                    ftflags |= FT_NOHDRS as c_long;
                }
            }
            p = (*p).next;
        }
        if !spg.is_null() {
            let silent = (*stream).silent();
            (*stream).set_silent(1);
            mail_search_full(stream, charset, spg, flags & SE_NOSERVER as c_long);
            (*stream).set_silent(silent);
        }
        (*pgm).nmsgs = 0;
        (*pgm).progress.cached = 0;
        let mut want: Vec<u32> = Vec::new();
        for i in 1..=(*stream).nmsgs {
            let e = mail_elt(stream, i);
            if (*e).searched() == 0 {
                continue;
            }
            (*pgm).nmsgs += 1;
            let lacks = if ftflags != 0 {
                (*e).private.msg.env.is_null()
            } else {
                (*e).day() == 0
            };
            if lacks {
                want.push(i as u32);
            }
        }
        if !want.is_empty() {
            // (The original does not report how this FETCH went.)
            let seq = loser_seq(stream, seq_set(&want).as_bytes(), false);
            let (cmd, att) = fetch_spec(stream, ftflags);
            send(stream, cmd, &[Arg::Atom(&seq), Arg::Atom(att.as_bytes())]);
        }
        if (*pgm).nmsgs == 0 {
            return null_mut();
        }
        let sc = super::sort::mail_sort_loadcache(stream, pgm);
        let mut ret = null_mut();
        if (*pgm).abort() == 0 {
            ret = super::sort::mail_sort_cache(stream, pgm, sc, flags);
        }
        let mut scp = sc as *mut c_void;
        fs_give(&mut scp);
        super::sort::sort_results(stream, ret, (*pgm).nmsgs);
        ret
    }
}

pub(super) fn thread_to_c(nodes: &[ThreadNode], depth: usize) -> *mut THREADNODE {
    // Siblings are linked through `branch`, a node's first child is `next`.
    let mut head: *mut THREADNODE = null_mut();
    let mut tail: *mut THREADNODE = null_mut();
    for n in nodes {
        // SAFETY: fresh nodes from mail_newthreadnode.
        unsafe {
            let c = mail_newthreadnode(null_mut());
            (*c).num = c_ulong::from(n.num);
            if depth < 1000 {
                (*c).next = thread_to_c(&n.children, depth + 1);
            }
            if tail.is_null() {
                head = c;
            } else {
                (*tail).branch = c;
            }
            tail = c;
        }
    }
    head
}

/// `imap_thread`: THREAD on the server when it has the algorithm.
///
/// # Safety
/// `stream` live; strings NUL-terminated; `spg` valid.
#[no_mangle]
pub unsafe extern "C" fn imap_thread(
    stream: *mut MAILSTREAM,
    type_: *mut c_char,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    flags: c_long,
) -> *mut THREADNODE {
    super::guard("imap_thread", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let t = c_bytes(type_).unwrap_or(b"").to_ascii_uppercase();
            let mut cap = b"THREAD=".to_vec();
            cap.extend_from_slice(&t);
            // As the original: the server's algorithm when it has it,
            // else threading here (unless SE_NOLOCAL).
            let within = spg.is_null()
                || fill_cap_within(stream)
                || ((*spg).older == 0 && (*spg).younger == 0);
            let server = flags & SE_NOSERVER as c_long == 0
                && within
                && local(stream).is_some_and(|l| !l.session.limits.loser && l.session.has(&cap));
            if server {
                return thread_work(stream, type_, charset, spg, flags);
            }
            if flags & SE_NOLOCAL as c_long != 0 {
                return null_mut();
            }
            super::thread::mail_thread_msgs(
                stream,
                type_,
                charset,
                spg,
                flags | SE_NOSERVER as c_long,
                Some(imap_sort),
            )
        }
    })
}

/// `imap_thread_work`: THREAD (or UID THREAD) on the server.
///
/// # Safety
/// `stream` live; strings NUL-terminated; `spg` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn imap_thread_work(
    stream: *mut MAILSTREAM,
    type_: *mut c_char,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    flags: c_long,
) -> *mut THREADNODE {
    super::guard("imap_thread_work", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { thread_work(stream, type_, charset, spg, flags) }
    })
}

unsafe fn thread_work(
    stream: *mut MAILSTREAM,
    type_: *mut c_char,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    flags: c_long,
) -> *mut THREADNODE {
    // SAFETY: per imap_thread_work's contract.
    unsafe {
        let t = c_bytes(type_).unwrap_or(b"").to_vec();
        let cs = c_bytes(charset).unwrap_or(b"US-ASCII").to_vec();
        let cmd = if flags & SE_UID as c_long != 0 {
            "UID THREAD"
        } else {
            "THREAD"
        };
        let mut tsp = null_mut();
        if spg.is_null() {
            tsp = searched_pgm(stream);
            if tsp.is_null() {
                return null_mut();
            }
        }
        if let Some(l) = local(stream) {
            l.threaddata.clear();
            l.got_thread = false;
        }
        let lead = [Arg::Atom(&t), Arg::Str(&cs)];
        let p = if tsp.is_null() { spg } else { tsp };
        let filtered = !tsp.is_null() && flags & SE_UID as c_long == 0;
        let r = sort_or_thread(stream, cmd, &lead, p, !tsp.is_null(), flags);
        if !tsp.is_null() {
            mail_free_searchpgm(&mut tsp);
        }
        if r.cond == Cond::Bad {
            return if flags & SE_NOLOCAL as c_long != 0 {
                null_mut()
            } else {
                super::thread::mail_thread_msgs(
                    stream,
                    type_,
                    charset,
                    spg,
                    flags | SE_NOSERVER as c_long,
                    Some(imap_sort),
                )
            };
        }
        if !ok(stream, &r) {
            log(&r.text, ERROR as c_long);
            return null_mut();
        }
        let mut data = local(stream)
            .map(|l| std::mem::take(&mut l.threaddata))
            .unwrap_or_default();
        // After a retry without the searched set, a message not searched
        // is a dummy node, as the original makes it.
        if filtered {
            unsearched_dummies(stream, &mut data, 0);
        }
        thread_to_c(&data, 0)
    }
}

/// Numbers of messages not searched become 0 (dummy nodes).
///
/// # Safety
/// `stream` live.
unsafe fn unsearched_dummies(stream: *mut MAILSTREAM, nodes: &mut [ThreadNode], depth: usize) {
    for n in nodes {
        let i = c_ulong::from(n.num);
        // SAFETY: stream live; i in range.
        if i != 0
            && (i > unsafe { (*stream).nmsgs } || unsafe { (*mail_elt(stream, i)).searched() } == 0)
        {
            n.num = 0;
        }
        if depth < 1000 {
            // SAFETY: as above.
            unsafe { unsearched_dummies(stream, &mut n.children, depth + 1) };
        }
    }
}

// ---------------------------------------------------------------------------
// Quota and ACL.

unsafe fn simple(stream: *mut MAILSTREAM, cmd: &str, cap: &[u8], args: &[Arg]) -> c_long {
    // SAFETY: stream NULL or live.
    unsafe {
        if !local(stream).is_some_and(|l| l.session.has(cap)) {
            let m = format!("{cmd} illegal on this server");
            log(m.as_bytes(), ERROR as c_long);
            return 0;
        }
        let r = send(stream, cmd, args);
        if ok(stream, &r) {
            1
        } else {
            log(&r.text, ERROR as c_long);
            0
        }
    }
}

unsafe fn arg<'a>(p: *mut c_char) -> &'a [u8] {
    // SAFETY: NULL or NUL-terminated.
    unsafe { c_bytes(p).unwrap_or(b"") }
}

/// `imap_getquota`.
///
/// # Safety
/// `stream` live; `qroot` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_getquota(stream: *mut MAILSTREAM, qroot: *mut c_char) -> c_long {
    // SAFETY: per the contract.
    super::guard("imap_getquota", 0, || unsafe {
        simple(stream, "GETQUOTA", b"QUOTA", &[Arg::Str(arg(qroot))])
    })
}

/// `imap_getquotaroot`.
///
/// # Safety
/// `stream` live; `mailbox` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_getquotaroot(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
) -> c_long {
    // SAFETY: per the contract.
    super::guard("imap_getquotaroot", 0, || unsafe {
        simple(stream, "GETQUOTAROOT", b"QUOTA", &[Arg::Mbx(arg(mailbox))])
    })
}

/// `imap_setquota`.
///
/// # Safety
/// `stream` live; `qroot` NUL-terminated; `limits` a valid list.
#[no_mangle]
pub unsafe extern "C" fn imap_setquota(
    stream: *mut MAILSTREAM,
    qroot: *mut c_char,
    limits: *mut STRINGLIST,
) -> c_long {
    super::guard("imap_setquota", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let mut t = b"(".to_vec();
            let mut l = limits;
            let mut first = true;
            while !l.is_null() {
                if !first {
                    t.push(b' ');
                }
                first = false;
                // QUOTA's odd syntax, as the original: the resource name
                // is the NUL-terminated text, the limit is the `size`
                // field (so the text must not be read `size` bytes far).
                if let Some(name) = c_bytes((*l).text.data as *mut c_char) {
                    t.extend_from_slice(name);
                }
                t.push(b' ');
                t.extend_from_slice((*l).text.size.to_string().as_bytes());
                l = (*l).next;
            }
            t.push(b')');
            simple(
                stream,
                "SETQUOTA",
                b"QUOTA",
                &[Arg::Str(arg(qroot)), Arg::Atom(&t)],
            )
        }
    })
}

/// `imap_getacl`.
///
/// # Safety
/// `stream` live; `mailbox` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_getacl(stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    // SAFETY: per the contract.
    super::guard("imap_getacl", 0, || unsafe {
        simple(stream, "GETACL", b"ACL", &[Arg::Mbx(arg(mailbox))])
    })
}

/// `imap_setacl`.
///
/// # Safety
/// `stream` live; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_setacl(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    id: *mut c_char,
    rights: *mut c_char,
) -> c_long {
    // SAFETY: per the contract.
    super::guard("imap_setacl", 0, || unsafe {
        simple(
            stream,
            "SETACL",
            b"ACL",
            &[
                Arg::Mbx(arg(mailbox)),
                Arg::Str(arg(id)),
                Arg::Str(arg(rights)),
            ],
        )
    })
}

/// `imap_deleteacl`.
///
/// # Safety
/// `stream` live; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_deleteacl(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    id: *mut c_char,
) -> c_long {
    // SAFETY: per the contract.
    super::guard("imap_deleteacl", 0, || unsafe {
        simple(
            stream,
            "DELETEACL",
            b"ACL",
            &[Arg::Mbx(arg(mailbox)), Arg::Str(arg(id))],
        )
    })
}

/// `imap_listrights`.
///
/// # Safety
/// `stream` live; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_listrights(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    id: *mut c_char,
) -> c_long {
    // SAFETY: per the contract.
    super::guard("imap_listrights", 0, || unsafe {
        simple(
            stream,
            "LISTRIGHTS",
            b"ACL",
            &[Arg::Mbx(arg(mailbox)), Arg::Str(arg(id))],
        )
    })
}

/// `imap_myrights`.
///
/// # Safety
/// `stream` live; `mailbox` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_myrights(stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    // SAFETY: per the contract.
    super::guard("imap_myrights", 0, || unsafe {
        simple(stream, "MYRIGHTS", b"ACL", &[Arg::Mbx(arg(mailbox))])
    })
}

/// Sets the IMAPCAP record from the capability list as the original's
/// `imap_parse_capabilities` does (THREAD= values in reverse order, AUTH=
/// as bits of the authenticator list, LOGIN dropped when PLAIN is there).
pub(super) unsafe fn fill_cap(stream: *mut MAILSTREAM) -> *mut IMAPCAP {
    // SAFETY: stream live.
    unsafe {
        let secure = (*stream).secure() != 0;
        let Some(l) = local(stream) else {
            return null_mut();
        };
        let extlevel = l.cap.extlevel;
        free_threaders(&mut l.cap);
        *l.cap = std::mem::zeroed();
        l.cap.extlevel = extlevel;
        let c = &mut *l.cap;
        let authflags = if secure { AU_SECURE as c_long } else { 0 };
        let auth_bit = |name: &[u8], flags: c_long| -> Option<u32> {
            let mut z = cz(name);
            let i = super::registry::mail_lookup_auth_name(z.as_mut_ptr() as *mut c_char, flags)
                as c_long;
            (i >= 1 && i - 1 < MAXAUTHENTICATORS as c_long).then(|| 1u32 << (i - 1))
        };
        for t in l.session.capabilities.clone() {
            let u = t.to_ascii_uppercase();
            match &u[..] {
                b"IMAP4" => {
                    c.set_imap4(1);
                    c.set_imap2bis(1);
                    c.set_rfc1176(1);
                }
                b"IMAP4REV1" => {
                    c.set_imap4rev1(1);
                    c.set_imap2bis(1);
                    c.set_rfc1176(1);
                }
                b"IMAP2" => c.set_rfc1176(1),
                b"IMAP2BIS" => {
                    c.set_imap2bis(1);
                    c.set_rfc1176(1);
                }
                b"ACL" => c.set_acl(1),
                b"QUOTA" => c.set_quota(1),
                b"LITERAL+" => c.set_litplus(1),
                b"IDLE" => c.set_idle(1),
                b"MAILBOX-REFERRALS" => c.set_mbx_ref(1),
                b"LOGIN-REFERRALS" => c.set_log_ref(1),
                b"NAMESPACE" => c.set_namespace(1),
                b"UIDPLUS" => c.set_uidplus(1),
                b"STARTTLS" => c.set_starttls(1),
                b"LOGINDISABLED" => c.set_logindisabled(1),
                b"ID" => c.set_id(1),
                b"CHILDREN" => c.set_children(1),
                b"MULTIAPPEND" => c.set_multiappend(1),
                b"BINARY" => c.set_binary(1),
                b"UNSELECT" => c.set_unselect(1),
                b"SASL-IR" => c.set_sasl_ir(1),
                b"SCAN" => c.set_scan(1),
                b"URLAUTH" => c.set_urlauth(1),
                b"CATENATE" => c.set_catenate(1),
                b"CONDSTORE" => c.set_condstore(1),
                b"ESEARCH" => c.set_esearch(1),
                _ if u.starts_with(b"SORT") => c.set_sort(1),
                _ => {
                    let Some(eq) = t.iter().position(|&x| x == b'=') else {
                        continue;
                    };
                    let (k, v) = (&u[..eq], &t[eq + 1..]);
                    if k == b"THREAD" {
                        // (None for "/loser", as the original.)
                        if l.session.limits.loser {
                            continue;
                        }
                        let n = fs_get(std::mem::size_of::<THREADER>()) as *mut THREADER;
                        std::ptr::write_bytes(n, 0, 1);
                        (*n).name = c_string_from(v);
                        (*n).next = c.threader;
                        c.threader = n;
                    } else if k == b"AUTH" {
                        if let Some(b) = auth_bit(v, authflags) {
                            c.set_auth(c.auth() | b);
                        } else if v.eq_ignore_ascii_case(b"ANONYMOUS") {
                            c.set_authanon(1);
                        }
                    }
                }
            }
        }
        if l.no1176 {
            c.set_rfc1176(0);
        }
        if l.no2bis {
            c.set_imap2bis(0);
        }
        if let (Some(p), Some(lg)) = (auth_bit(b"PLAIN", 0), auth_bit(b"LOGIN", 0)) {
            if c.auth() & p != 0 {
                c.set_auth(c.auth() & !lg);
            }
        }
        &mut *l.cap as *mut IMAPCAP
    }
}

/// `imap_cap`: the server's capabilities as the original's IMAPCAP record
/// (owned by the stream), which the `LEVEL*` macros of imap4r1.h read;
/// NULL for a stream that is not an open IMAP stream.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn imap_cap(stream: *mut MAILSTREAM) -> *mut IMAPCAP {
    super::guard("imap_cap", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { fill_cap(stream) }
    })
}

/// `imap_host`: the server's host name.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn imap_host(stream: *mut MAILSTREAM) -> *mut c_char {
    super::guard("imap_host", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            match local(stream) {
                Some(l) => {
                    static mut HOST: [u8; 256] = [0; 256];
                    let h = &l.host[..l.host.len().min(255)];
                    let p = addr_of_mut!(HOST) as *mut u8;
                    std::ptr::copy_nonoverlapping(h.as_ptr(), p, h.len());
                    *p.add(h.len()) = 0;
                    p as *mut c_char
                }
                None => c"<closed>".as_ptr() as *mut c_char,
            }
        }
    })
}

/// `imap_gc`: with `GC_TEXTS`, the body part texts of every cached body
/// and of the short cache's body on the stream; with `GC_ELT`, the
/// elements nobody else holds. (The generic `mail_gc` does the rest.)
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn imap_gc(stream: *mut MAILSTREAM, gcflags: c_long) {
    super::guard("imap_gc", (), || {
        // SAFETY: stream live; the elements come from the cache manager.
        unsafe {
            use super::cache::cache_call;
            let n = (*stream).nmsgs;
            cache_call(stream, n, CH_SIZE);
            if gcflags & GC_TEXTS != 0 {
                if (*stream).scache() == 0 {
                    for i in 1..=n {
                        let elt = cache_call(stream, i, CH_ELT) as *mut MESSAGECACHE;
                        if !elt.is_null() {
                            super::imap_int::imap_gc_body((*elt).private.msg.body);
                        }
                    }
                }
                super::imap_int::imap_gc_body((*stream).body);
            }
            if gcflags & GC_ELT != 0 {
                for i in 1..=n {
                    let elt = cache_call(stream, i, CH_ELT) as *mut MESSAGECACHE;
                    if !elt.is_null() && (*elt).lockcount() == 1 {
                        cache_call(stream, i, CH_FREE);
                    }
                }
            }
        }
    })
}

/// Frees the thread data a stream may hold (unused: threads are built fresh).
#[allow(dead_code)]
unsafe fn free_thread(t: &mut *mut THREADNODE) {
    // SAFETY: t from thread_to_c.
    unsafe { mail_free_threadnode(t) };
}

#[allow(dead_code)]
unsafe fn uid_seq(stream: *mut MAILSTREAM, s: *mut c_uchar) -> c_long {
    // SAFETY: forwarded.
    unsafe { mail_uid_sequence(stream, s) }
}

/// The IMAP driver.
#[no_mangle]
pub static mut imapdriver: DRIVER = DRIVER {
    name: c"imap".as_ptr() as *mut c_char,
    flags: 0x10a4c,
    next: null_mut(),
    valid: Some(imap_valid),
    parameters: Some(super::params::imap_parameters),
    scan: Some(imap_scan),
    list: Some(imap_list),
    lsub: Some(imap_lsub),
    subscribe: Some(imap_subscribe),
    unsubscribe: Some(imap_unsubscribe),
    create: Some(imap_create),
    mbxdel: Some(imap_delete),
    mbxren: Some(imap_rename),
    status: Some(imap_status),
    open: Some(imap_open),
    close: Some(imap_close),
    fast: Some(imap_fast),
    msgflags: Some(imap_flags),
    overview: Some(imap_overview),
    structure: Some(imap_structure),
    header: None,
    text: None,
    msgdata: Some(imap_msgdata),
    uid: Some(imap_uid),
    msgno: Some(imap_msgno),
    flag: Some(imap_flag),
    flagmsg: None,
    search: Some(imap_search),
    sort: Some(imap_sort),
    thread: Some(imap_thread),
    ping: Some(imap_ping),
    check: Some(imap_check),
    expunge: Some(imap_expunge),
    copy: Some(imap_copy),
    append: Some(imap_append),
    gc: Some(imap_gc),
};

/// Prototype stream of the IMAP driver.
#[no_mangle]
pub static mut imapproto: MAILSTREAM = MAILSTREAM {
    dtb: addr_of_mut!(imapdriver),
    // SAFETY: MAILSTREAM is plain C data; all-zero is empty.
    ..unsafe { std::mem::zeroed() }
};
