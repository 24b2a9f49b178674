//! The internal routines of the original's local drivers that its library
//! exports (`unix_*`, `mmdf_*`, `mbx_*`, `mix_*`, `mx_*`), as thin
//! adapters: the path and file-format ones over the core's functions, the
//! ones that work on an open stream over that stream's core session (the
//! stream must be open on that driver: anything else is refused with an
//! error, never dereferenced). Where the original works on its private
//! per-stream structure the observable effect (results, files, callbacks)
//! is the same; the few differences are in docs/deviations.md.

use super::bindings::*;
use super::bridge::elt_flags;
use super::bridge::{self, local_of, Local};
use super::cache::mail_elt;
use super::memory::c_bytes;
use crate::store::events::{Events, Level, Status};
use crate::store::flags::Flags;
use crate::store::mailbox::{AppendMessage, Mailbox};
use crate::store::unix::format::{self as ufmt, Kind, MailboxState, Now};
use std::os::raw::{c_char, c_int, c_long, c_ulong, c_void};
use std::ptr::{addr_of, null_mut};

extern "C" {
    fn mail_parse_flags(stream: *mut MAILSTREAM, flag: *mut c_char, uf: *mut c_ulong) -> c_long;
    fn mail_append_set(set: *mut SEARCHSET, msgno: c_ulong) -> *mut SEARCHSET;
    fn mail_longdate(elt: *mut MESSAGECACHE) -> c_ulong;
    fn mylocalhost() -> *mut c_char;
    fn myusername_full(type_: *mut c_ulong) -> *mut c_char;
    fn sm_subscribe(mailbox: *mut c_char) -> c_long;
    fn sm_unsubscribe(mailbox: *mut c_char) -> c_long;
    fn dotlock_lock(file: *mut c_char, base: *mut DOTLOCK, fd: c_int) -> c_long;
    fn dotlock_unlock(base: *mut DOTLOCK) -> c_long;
}

// ---------------------------------------------------------------------------
// Shared pieces

/// The driver objects each family of helpers accepts a stream of.
fn unix_drivers() -> [*const DRIVER; 2] {
    [
        addr_of!(super::data::unixdriver),
        addr_of!(super::data::mboxdriver),
    ]
}
fn mmdf_drivers() -> [*const DRIVER; 1] {
    [addr_of!(super::data::mmdfdriver)]
}
fn mbx_drivers() -> [*const DRIVER; 1] {
    [addr_of!(super::data::mbxdriver)]
}
pub(crate) fn mix_drivers() -> [*const DRIVER; 1] {
    [addr_of!(super::data::mixdriver)]
}
fn mx_drivers() -> [*const DRIVER; 1] {
    [addr_of!(super::data::mxdriver)]
}

fn drivers_of(kind: Kind) -> Vec<*const DRIVER> {
    match kind {
        Kind::Unix => unix_drivers().to_vec(),
        Kind::Mmdf => mmdf_drivers().to_vec(),
    }
}

/// Reports a stream the helper cannot work on.
fn refuse(func: &str, driver: &str) {
    super::log(
        &format!("{func}: not a stream open on the {driver} driver"),
        ERROR as c_long,
    );
}

/// The stream's local state if it is open on one of `drivers`; else the
/// refusal is logged.
///
/// # Safety
/// `stream` NULL or live.
pub(crate) unsafe fn ours<'a>(
    stream: *mut MAILSTREAM,
    drivers: &[*const DRIVER],
    func: &str,
    driver: &str,
) -> Option<&'a mut Local> {
    // SAFETY: per the contract.
    let l = unsafe { local_of(stream, drivers) };
    if l.is_none() {
        refuse(func, driver);
    }
    l
}

/// Runs `f` on the core session of a stream open on one of `drivers`,
/// then mirrors and delivers its events; None (refusal logged) otherwise.
///
/// # Safety
/// `stream` NULL or live.
unsafe fn on<R>(
    stream: *mut MAILSTREAM,
    drivers: &[*const DRIVER],
    func: &str,
    driver: &str,
    f: impl FnOnce(&mut dyn Mailbox, &mut dyn Events) -> R,
) -> Option<R> {
    // SAFETY: per the contract.
    unsafe {
        ours(stream, drivers, func, driver)?;
        bridge::with_core(stream, f)
    }
}

/// The concrete session type of a core mailbox.
fn concrete<T: 'static>(mb: &mut dyn Mailbox) -> Option<&mut T> {
    mb.as_any_mut()?.downcast_mut::<T>()
}

/// Runs `f` on the stream's session of concrete type `T` (a stream open
/// on one of `drivers`); None otherwise.
///
/// # Safety
/// `stream` NULL or live.
unsafe fn on_as<T: 'static, R>(
    stream: *mut MAILSTREAM,
    drivers: &[*const DRIVER],
    func: &str,
    driver: &str,
    f: impl FnOnce(&mut T, &mut dyn Events) -> R,
) -> Option<R> {
    // SAFETY: per the contract.
    unsafe {
        on(stream, drivers, func, driver, |mb, ev| {
            concrete::<T>(mb).map(|m| f(m, ev))
        })
    }
    .flatten()
}

/// `sm_subscribe` (or `sm_unsubscribe` when not `subscribe`) of
/// `mailbox`; 0 when it is NULL.
///
/// # Safety
/// `mailbox` NULL or NUL-terminated.
unsafe fn subscription(mailbox: *mut c_char, subscribe: bool) -> c_long {
    if mailbox.is_null() {
        0
    } else if subscribe {
        // SAFETY: per the contract.
        unsafe { sm_subscribe(mailbox) }
    } else {
        // SAFETY: per the contract.
        unsafe { sm_unsubscribe(mailbox) }
    }
}

/// Copies `bytes` and a NUL into `dst` (which the caller sized).
///
/// # Safety
/// `dst` writable for `bytes.len() + 1` bytes.
unsafe fn put(dst: *mut c_char, bytes: &[u8]) {
    // SAFETY: per the contract.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), dst as *mut u8, bytes.len());
        *dst.add(bytes.len()) = 0;
    }
}

/// Copies a path into a MAILTMPLEN buffer; false when it does not fit.
///
/// # Safety
/// `dst` NULL or writable for MAILTMPLEN bytes.
unsafe fn put_path(dst: *mut c_char, p: &[u8]) -> bool {
    if dst.is_null() || p.len() >= MAILTMPLEN as usize {
        return false;
    }
    // SAFETY: per the contract; it fits.
    unsafe { put(dst, p) };
    true
}

/// Keeps `bytes` (NUL-terminated) in the stream's scratch buffer and
/// returns a pointer to it, valid until the next helper call on the stream.
fn keep(l: &mut Local, bytes: &[u8]) -> *mut c_char {
    l.scratch.clear();
    l.scratch.extend_from_slice(bytes);
    l.scratch.push(0);
    l.scratch.as_mut_ptr() as *mut c_char
}

fn set_errno(e: c_int) {
    // SAFETY: this thread's errno.
    unsafe { *libc::__errno_location() = e };
}

/// Events passed on except the informational log lines (the internal
/// routines do their work without the summary the driver slots log).
struct NoInfo<'a>(&'a mut dyn Events);

impl Events for NoInfo<'_> {
    fn exists(&mut self, count: u32) {
        self.0.exists(count)
    }
    fn recent(&mut self, count: u32) {
        self.0.recent(count)
    }
    fn expunged(&mut self, msgno: u32) {
        self.0.expunged(msgno)
    }
    fn flags(&mut self, msgno: u32) {
        self.0.flags(msgno)
    }
    fn notify(&mut self, text: &[u8], level: Level) {
        self.0.notify(text, level)
    }
    fn log(&mut self, text: &[u8], level: Level) {
        if level != Level::Info {
            self.0.log(text, level)
        }
    }
    fn list(&mut self, d: Option<u8>, name: &[u8], a: i64) {
        self.0.list(d, name, a)
    }
    fn lsub(&mut self, d: Option<u8>, name: &[u8], a: i64) {
        self.0.lsub(d, name, a)
    }
    fn status(&mut self, name: &[u8], status: &Status) {
        self.0.status(name, status)
    }
    fn critical(&mut self, entering: bool) {
        self.0.critical(entering)
    }
    fn disk_error(&mut self, errno: i32, serious: bool) -> bool {
        self.0.disk_error(errno, serious)
    }
}

/// The stream's keyword names by slot (empty for an unused slot).
///
/// # Safety
/// `stream` live.
unsafe fn stream_keywords(stream: *mut MAILSTREAM) -> Vec<Vec<u8>> {
    // SAFETY: per the contract; the names are NUL-terminated or NULL.
    unsafe {
        (*stream)
            .user_flags
            .iter()
            .map(|&p| c_bytes(p).map(<[u8]>::to_vec).unwrap_or_default())
            .collect()
    }
}

/// The folder state the pseudo-message and status lines describe, from
/// the stream.
///
/// # Safety
/// `stream` live.
unsafe fn state_of(stream: *mut MAILSTREAM) -> MailboxState {
    let mut st = MailboxState::new();
    // SAFETY: per the contract.
    unsafe {
        st.uid_validity = (*stream).uid_validity as u32;
        st.uid_last = (*stream).uid_last as u32;
        st.keywords = stream_keywords(stream);
        st.nosticky = (*stream).uid_nosticky() != 0;
    }
    st
}

/// Reads a whole STRING from its current position.
///
/// # Safety
/// `s` a STRING set up by a driver's init.
unsafe fn read_string(s: *mut STRING) -> Vec<u8> {
    // SAFETY: per the contract.
    unsafe {
        let n = super::strings::size(s) as usize;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(super::strings::snx(s) as u8);
        }
        v
    }
}

/// The flags and keywords of each element of the stream's cache.
///
/// # Safety
/// `stream` live.
unsafe fn cache_flags(stream: *mut MAILSTREAM) -> Vec<(Flags, u32)> {
    // SAFETY: per the contract.
    unsafe {
        (1..=(*stream).nmsgs)
            .map(|i| {
                mail_elt(stream, i)
                    .as_ref()
                    .map_or((Flags::NONE, 0), |e| (elt_flags(e), e.user_flags as u32))
            })
            .collect()
    }
}

/// The stream's cache flags into the core (what the original's routines
/// read from the elements).
///
/// # Safety
/// `stream` live and core-backed.
unsafe fn push_cache_flags(stream: *mut MAILSTREAM) {
    // SAFETY: per the contract.
    unsafe {
        for i in 1..=(*stream).nmsgs {
            let e = mail_elt(stream, i);
            if e.as_ref().is_some_and(|e| e.valid() != 0) {
                bridge::flagmsg(stream, e);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// unix and mmdf

/// `*_isvalid_fd`: whether the next bytes of `fd` start a mailbox of the
/// format (read as the original reads them, into `tmp` when given).
///
/// # Safety
/// `tmp` NULL or writable for MAILTMPLEN bytes.
unsafe fn isvalid_fd(kind: Kind, fd: c_int, tmp: *mut c_char) -> c_long {
    let mut buf = vec![0u8; MAILTMPLEN as usize];
    // SAFETY: the buffer holds MAILTMPLEN bytes; read writes at most one less.
    let n = unsafe { libc::read(fd, buf.as_mut_ptr() as *mut c_void, MAILTMPLEN as usize - 1) };
    if !tmp.is_null() {
        // SAFETY: per the contract.
        unsafe { std::ptr::copy_nonoverlapping(buf.as_ptr(), tmp as *mut u8, buf.len()) };
    }
    if n < 0 {
        return 0;
    }
    let data = &buf[..n as usize];
    match kind {
        Kind::Mmdf => c_long::from(Kind::Mmdf.looks_valid(data)),
        Kind::Unix => {
            let mut s = 0;
            let mut c = b'\n';
            while s < data.len() && matches!(data[s], b'\r' | b'\n' | b' ' | b'\t') {
                c = data[s];
                s += 1;
            }
            // The original answers the offset of the time in the line (its
            // VALID macro's `ti`), non-zero for a valid line.
            match ufmt::valid_from(data, s) {
                Some(v) if c == b'\n' => v.time as c_long,
                _ => 0,
            }
        }
    }
}

/// `*_lock`: opens `file` and locks it (a dot-lock when possible, then
/// flock with `op`); the descriptor, or -1.
///
/// # Safety
/// `file` NUL-terminated; `lock` NULL or a writable DOTLOCK.
unsafe fn lock(
    file: *mut c_char,
    flags: c_int,
    mode: c_int,
    lock: *mut DOTLOCK,
    op: c_int,
) -> c_int {
    if file.is_null() {
        return -1;
    }
    super::lock::block_notify(BLOCK_FILELOCK as c_int);
    // SAFETY: per the contract.
    let fd = unsafe {
        let open = || libc::open(file, flags, mode as libc::c_uint);
        if lock.is_null() {
            let fd = open();
            if fd >= 0 {
                libc::flock(fd, op);
            }
            fd
        } else if dotlock_lock(file, lock, -1) != 0 {
            let fd = open();
            if fd >= 0 {
                libc::flock(fd, op);
            } else {
                dotlock_unlock(lock);
            }
            fd
        } else {
            let mut fd = open();
            if fd >= 0 {
                if dotlock_lock(file, lock, fd) != 0 {
                    libc::close(fd);
                    fd = open();
                    if fd >= 0 {
                        libc::flock(fd, op);
                    } else {
                        dotlock_unlock(lock);
                    }
                } else {
                    libc::flock(fd, op);
                }
            }
            fd
        }
    };
    super::lock::block_notify(BLOCK_NONE as c_int);
    fd
}

/// `*_unlock`: with a stream, the file's times set as the original sets
/// them (new mail is then seen as read or not); the flock released, the
/// descriptor closed when there is no stream, the dot-lock removed.
///
/// # Safety
/// `stream` NULL or live; `lock` NULL or a DOTLOCK from `*_lock`.
unsafe fn unlock(kind: Kind, func: &str, fd: c_int, stream: *mut MAILSTREAM, lock: *mut DOTLOCK) {
    // SAFETY: per the contract.
    unsafe {
        if !stream.is_null() {
            if ours(stream, &drivers_of(kind), func, kind.name()).is_none() {
                return;
            }
            let mut sb: libc::stat = std::mem::zeroed();
            if libc::fstat(fd, &mut sb) == 0 {
                let now = libc::time(null_mut());
                let (atime, mtime) = (sb.st_atime, sb.st_mtime);
                let ctime = sb.st_ctime;
                let times = if (*stream).rdonly() == 0 {
                    Some((now, if now > mtime { mtime } else { now - 1 }))
                } else if (*stream).recent != 0 {
                    if atime >= mtime || atime >= ctime {
                        let m = if mtime < now { mtime } else { now };
                        Some((m - 1, m - 1))
                    } else {
                        None
                    }
                } else if atime < mtime || atime < ctime {
                    Some((now, if now > mtime { mtime } else { now - 1 }))
                } else {
                    None
                };
                if let Some((a, m)) = times {
                    let ts = [
                        libc::timespec {
                            tv_sec: a,
                            tv_nsec: 0,
                        },
                        libc::timespec {
                            tv_sec: m,
                            tv_nsec: 0,
                        },
                    ];
                    libc::futimens(fd, ts.as_ptr());
                }
            }
        }
        libc::flock(fd, libc::LOCK_UN);
        if stream.is_null() {
            libc::close(fd);
        }
        if !lock.is_null() {
            dotlock_unlock(lock);
        }
    }
}

/// `*_parse`: takes in what was added to the file; 1 while the stream
/// lives, the stream then locked (`mail_lock`) and critical as the
/// original leaves it. The file locks are not left held (see
/// docs/deviations.md): `lock` is set to "no dot-lock".
///
/// # Safety
/// `stream` NULL or live; `lock` NULL or writable.
unsafe fn parse(kind: Kind, func: &str, stream: *mut MAILSTREAM, lock: *mut DOTLOCK) -> c_int {
    // SAFETY: per the contract.
    unsafe {
        if let Some(l) = lock.as_mut() {
            l.lock[0] = 0;
            l.pipei = -1;
            l.pipeo = -1;
        }
        if ours(stream, &drivers_of(kind), func, kind.name()).is_none() {
            return 0;
        }
        if (*stream).lock() != 0 {
            super::log(&format!("{func}: stream already locked"), ERROR as c_long);
            return 0;
        }
        let r = bridge::with_core(stream, |mb, ev| mb.ping(ev).unwrap_or(false));
        if r != Some(true) {
            return 0;
        }
        // As the original leaves it: the stream locked and the program in
        // a critical section, which the caller ends with mail_unlock and
        // its own mm_nocritical.
        (*stream).set_lock(1);
        super::callbacks::mm_critical(stream);
        1
    }
}

/// `*_mbxline`: the next line of `bs` (with its newline) and its length;
/// for MMDF a delimiter glued to the end of the line is left unread.
///
/// # Safety
/// `stream` NULL or live; `bs` NULL or a STRING set up by a driver's
/// init; `size` NULL or writable.
unsafe fn mbxline(
    kind: Kind,
    func: &str,
    stream: *mut MAILSTREAM,
    bs: *mut STRING,
    size: *mut c_ulong,
) -> *mut c_char {
    use super::strings::{getpos, setpos, size as left, snx};
    let empty = c"".as_ptr() as *mut c_char;
    // SAFETY: per the contract.
    unsafe {
        if !size.is_null() {
            *size = 0;
        }
        let Some(l) = ours(stream, &drivers_of(kind), func, kind.name()) else {
            return empty;
        };
        if bs.is_null() || size.is_null() || (*bs).dtb.is_null() {
            return empty;
        }
        if (*bs).cursize == 0 {
            setpos(bs, getpos(bs));
        }
        if left(bs) == 0 {
            return empty;
        }
        let chunk = std::slice::from_raw_parts((*bs).curpos as *const u8, (*bs).cursize as usize);
        let (mut ret, mut n) = match chunk.iter().position(|&c| c == b'\n') {
            Some(i) => {
                let r = (*bs).curpos;
                (*bs).curpos = (*bs).curpos.add(i + 1);
                (*bs).cursize -= (i + 1) as c_ulong;
                (r, i + 1)
            }
            None => {
                let mut line = chunk.to_vec();
                setpos(bs, getpos(bs) + chunk.len() as c_ulong);
                while left(bs) > 0 {
                    let c = snx(bs) as u8;
                    line.push(c);
                    if c == b'\n' {
                        break;
                    }
                }
                let n = line.len();
                (keep(l, &line), n)
            }
        };
        let d = ufmt::MMDF_DELIMITER;
        if kind == Kind::Mmdf && n > d.len() {
            let tail = std::slice::from_raw_parts((ret as *const u8).add(n - d.len()), d.len());
            if tail == d {
                setpos(bs, getpos(bs) - d.len() as c_ulong);
                n -= d.len();
                // The original writes the newline into the line in place;
                // a line in the caller's buffer is copied first.
                let mut line = std::slice::from_raw_parts(ret as *const u8, n).to_vec();
                if let Some(last) = line.last_mut() {
                    *last = b'\n';
                }
                ret = keep(l, &line);
            }
        }
        *size = n as c_ulong;
        ret
    }
}

/// `*_pseudo`: the folder's internal-data pseudo-message for the stream's
/// UID state and keywords, written to `hdr`; its length.
///
/// # Safety
/// `stream` NULL or live; `hdr` NULL or large enough (as the original
/// assumes).
unsafe fn pseudo(kind: Kind, stream: *mut MAILSTREAM, hdr: *mut c_char) -> c_ulong {
    if stream.is_null() || hdr.is_null() {
        return 0;
    }
    // SAFETY: per the contract.
    unsafe {
        let st = state_of(stream);
        let host = c_bytes(mylocalhost()).unwrap_or(b"localhost").to_vec();
        let text = ufmt::pseudo_message_kind(kind, &st, &Now::current(), &host);
        put(hdr, &text);
        text.len() as c_ulong
    }
}

/// `*_xstatus`: the Status, X-Status, X-Keywords and X-UID lines (and the
/// X-IMAPbase line when `flag` < 0) of `elt`, written to `status`.
///
/// # Safety
/// `stream` NULL or live; `elt` NULL or an element; `status` NULL or
/// large enough.
unsafe fn xstatus(
    stream: *mut MAILSTREAM,
    status: *mut c_char,
    elt: *mut MESSAGECACHE,
    uid: c_ulong,
    flag: c_long,
) -> c_ulong {
    // SAFETY: per the contract.
    unsafe {
        let Some(e) = elt.as_ref() else { return 0 };
        if stream.is_null() || status.is_null() {
            return 0;
        }
        let mut st = state_of(stream);
        if uid != 0 {
            st.nosticky = false;
        }
        let uid = if uid != 0 { uid } else { e.private.uid };
        let text = ufmt::xstatus(
            &st,
            elt_flags(e),
            e.user_flags as u32,
            uid as u32,
            e.recent() != 0,
            false,
            flag < 0,
            flag != 0,
        );
        put(status, &text);
        text.len() as c_ulong
    }
}

/// `*_text_work`: the body of `elt`'s message (CRLF; with FT_INTERNAL as
/// stored, without CRs) in a stream-owned buffer.
///
/// # Safety
/// `stream` NULL or live; `elt` NULL or one of its elements; `length` NULL
/// or writable.
unsafe fn text_work(
    kind: Kind,
    func: &str,
    stream: *mut MAILSTREAM,
    elt: *mut MESSAGECACHE,
    length: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    // SAFETY: per the contract.
    let work = || unsafe {
        if !length.is_null() {
            *length = 0;
        }
        ours(stream, &drivers_of(kind), func, kind.name())?;
        let msgno = elt.as_ref()?.msgno as u32;
        let mut text = bridge::core_part(stream, msgno, true)?;
        if flags & FT_INTERNAL as c_long != 0 {
            text.retain(|&c| c != b'\r');
        }
        if let Some(n) = length.as_mut() {
            *n = text.len() as c_ulong;
        }
        let l = local_of(stream, &drivers_of(kind))?;
        Some(keep(l, &text))
    };
    work().unwrap_or(null_mut())
}

/// `*_rewrite`: the file rewritten from the session; with `nexp` the
/// deleted messages (those of the sequence when `flags`) are expunged and
/// counted there. The dot-lock, if any, is released.
///
/// # Safety
/// `stream` NULL or live; `nexp` NULL or writable; `lock` NULL or a
/// DOTLOCK.
unsafe fn rewrite(
    kind: Kind,
    func: &str,
    stream: *mut MAILSTREAM,
    nexp: *mut c_ulong,
    lock: *mut DOTLOCK,
    flags: c_long,
) -> c_long {
    // SAFETY: per the contract.
    unsafe {
        if let Some(n) = nexp.as_mut() {
            *n = 0;
        }
        if ours(stream, &drivers_of(kind), func, kind.name()).is_none() {
            return 0;
        }
        push_cache_flags(stream);
        let set = (flags != 0).then(|| bridge::marked(stream));
        let ok = bridge::with_core(stream, |mb, ev| {
            let mut quiet = NoInfo(ev);
            if nexp.is_null() {
                mb.check(&mut quiet).is_ok()
            } else {
                match mb.expunge(set.as_deref(), &mut quiet) {
                    Ok(n) => {
                        *nexp = c_ulong::from(n);
                        true
                    }
                    Err(_) => false,
                }
            }
        });
        if let Some(l) = lock.as_mut() {
            if l.lock[0] != 0 {
                dotlock_unlock(lock);
            }
        }
        c_long::from(ok == Some(true))
    }
}

/// `*_collect_msg`: one message appended to the scratch file `sf` as the
/// original's append collects it (a metadata line: flags, size, date and
/// keyword names; the text with NULs made 0x80; a newline).
///
/// # Safety
/// `stream` NULL or live; `sf` NULL or an open FILE; `flags` NULL or
/// NUL-terminated; `date` NUL-terminated; `msg` a STRING.
unsafe fn collect_msg(
    stream: *mut MAILSTREAM,
    sf: *mut libc::FILE,
    flags: *mut c_char,
    date: *mut c_char,
    msg: *mut STRING,
) -> c_int {
    // SAFETY: per the contract.
    unsafe {
        if stream.is_null() || sf.is_null() || msg.is_null() || (*msg).dtb.is_null() {
            return 0;
        }
        let mut uf: c_ulong = 0;
        let f = if flags.is_null() {
            0
        } else {
            mail_parse_flags(stream, flags, &mut uf)
        };
        let date = c_bytes(date).unwrap_or(b"");
        let mut out = format!("{} {} ", f, super::strings::size(msg) + 1).into_bytes();
        out.extend_from_slice(date);
        let names = stream_keywords(stream);
        let mut bits = uf;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if let Some(n) = names.get(i).filter(|n| !n.is_empty()) {
                out.push(b' ');
                out.extend_from_slice(n);
            }
        }
        out.push(b'\n');
        let mut text = read_string(msg);
        for c in text.iter_mut() {
            if *c == 0 {
                *c = 0x80;
            }
        }
        out.extend_from_slice(&text);
        out.push(b'\n');
        c_int::from(libc::fwrite(out.as_ptr() as *const c_void, 1, out.len(), sf) == out.len())
    }
}

/// Reads one line (at most MAILTMPLEN-1 bytes, as fgets) from `f`.
///
/// # Safety
/// `f` an open FILE.
unsafe fn fgets_line(f: *mut libc::FILE, max: usize) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    while line.len() < max - 1 {
        // SAFETY: per the contract.
        let c = unsafe { libc::fgetc(f) };
        if c == libc::EOF {
            break;
        }
        line.push(c as u8);
        if c == b'\n' as c_int {
            break;
        }
    }
    (!line.is_empty()).then_some(line)
}

/// Whether a header line (at a line start, in the header) is one the
/// format writes itself, so a copied one gets "X-Original-".
fn own_header(t: &[u8]) -> bool {
    let ci = |s: &[u8], w: &[u8]| s.len() >= w.len() && s[..w.len()].eq_ignore_ascii_case(w);
    match t.first() {
        Some(b'S' | b's') => t.len() > 6 && ci(&t[1..], b"tatus:"),
        Some(b'X' | b'x') => {
            t.get(1) == Some(&b'-')
                && ((t.len() > 5 && ci(&t[2..], b"UID:"))
                    || (t.len() > 6 && ci(&t[2..], b"IMAP") && t[6] == b':')
                    || (t.len() > 10 && ci(&t[2..], b"IMAPbase:"))
                    || (t.len() > 8 && ci(&t[2..], b"Status:"))
                    || (t.len() > 10 && ci(&t[2..], b"Keywords:")))
        }
        _ => false,
    }
}

/// `*_append_msgs`: the messages of scratch file `sf` (from
/// `*_collect_msg`) written to `df` in the format, with UIDs from the
/// stream (noted in `set`) when `set` is given.
///
/// # Safety
/// `stream` NULL or live; `sf`, `df` NULL or open FILEs; `set` NULL or a
/// SEARCHSET.
unsafe fn append_msgs(
    kind: Kind,
    stream: *mut MAILSTREAM,
    sf: *mut libc::FILE,
    df: *mut libc::FILE,
    set: *mut SEARCHSET,
) -> c_int {
    const MAX: usize = MAILTMPLEN as usize;
    // SAFETY: per the contract.
    unsafe {
        if sf.is_null() || df.is_null() || (!set.is_null() && stream.is_null()) {
            return 0;
        }
        let write = |b: &[u8]| libc::fwrite(b.as_ptr() as *const c_void, 1, b.len(), df) == b.len();
        let user = c_bytes(myusername_full(null_mut())).unwrap_or(b"").to_vec();
        let host = c_bytes(mylocalhost()).unwrap_or(b"").to_vec();
        let widget = crate::env::params::number(crate::env::params::Owner::Unix, GET_FROMWIDGET);
        let mut hdrp = true;
        while let Some(meta) = fgets_line(sf, MAX) {
            if !(meta[0].is_ascii_digit() && meta.contains(&b'\n')) {
                return 0;
            }
            let (f, rest) = leading_number(&meta);
            let f = f as c_long;
            let Some(rest) = rest
                .strip_prefix(b" ")
                .filter(|r| r.first().is_some_and(u8::is_ascii_digit))
            else {
                return 0;
            };
            let (mut i, rest) = leading_number(rest);
            let Some(date) = rest.strip_prefix(b" ") else {
                return 0;
            };
            let mut head = Vec::new();
            if kind == Kind::Mmdf {
                head.extend_from_slice(ufmt::MMDF_DELIMITER);
            }
            head.extend_from_slice(b"From ");
            head.extend_from_slice(&user);
            head.push(b'@');
            head.extend_from_slice(&host);
            head.push(b' ');
            head.extend_from_slice(date);
            head.extend_from_slice(b"Status: ");
            if f & fSEEN as c_long != 0 {
                head.push(b'R');
            }
            head.extend_from_slice(b"\nX-Status: ");
            for (bit, c) in [
                (fDELETED, b'D'),
                (fFLAGGED, b'F'),
                (fANSWERED, b'A'),
                (fDRAFT, b'T'),
            ] {
                if f & bit as c_long != 0 {
                    head.push(c);
                }
            }
            head.extend_from_slice(b"\nX-Keywords:");
            loop {
                let c = libc::fgetc(sf);
                if c == libc::EOF {
                    return 0;
                }
                if c == b'\n' as c_int {
                    break;
                }
                head.push(c as u8);
            }
            head.push(b'\n');
            if !set.is_null() {
                (*stream).uid_last += 1;
                head.extend_from_slice(format!("X-UID: {}\n", (*stream).uid_last).as_bytes());
            }
            if !write(&head) {
                return 0;
            }
            let mut c = b'\n';
            while i > 0 {
                let Some(mut t) = fgets_line(sf, MAX) else {
                    break;
                };
                let j0 = t.len() as u64;
                if i < j0 {
                    super::log("append_msgs overrun", ERROR as c_long);
                    return 0;
                }
                i -= j0;
                let last = *t.last().unwrap_or(&b'\n');
                match kind {
                    Kind::Unix => t.retain(|&b| b != b'\r'),
                    Kind::Mmdf => t.retain(|&b| b != b'\r' && b != 1),
                }
                if t.is_empty() {
                    // The original keeps the previous line's last byte.
                    continue;
                }
                if c == b'\n' {
                    match t[0] {
                        b'F' if kind == Kind::Unix
                            && t.len() > 4
                            && t.starts_with(b"From ")
                            && (widget != 0 || ufmt::valid_from(&t, 0).is_some())
                            && !write(b">") =>
                        {
                            return 0;
                        }
                        b'S' | b's' if hdrp && own_header(&t) && !write(b"X-Original-") => {
                            return 0;
                        }
                        b'X' | b'x' => {
                            if hdrp && own_header(&t) && !write(b"X-Original-") {
                                return 0;
                            }
                            // The original falls through to the blank-line
                            // case here.
                            hdrp = false;
                        }
                        b'\n' => hdrp = false,
                        _ => {}
                    }
                }
                if !write(&t) {
                    return 0;
                }
                c = *t.last().unwrap_or(&last);
            }
            if i != 0 {
                return 0;
            }
            if kind == Kind::Mmdf && !write(ufmt::MMDF_DELIMITER) {
                return 0;
            }
            if !stream.is_null() {
                mail_append_set(set, (*stream).uid_last);
            }
        }
        1
    }
}

/// A leading decimal number (as strtoul) and the rest.
fn leading_number(b: &[u8]) -> (u64, &[u8]) {
    let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let v = b[..n].iter().fold(0u64, |a, &c| {
        a.wrapping_mul(10).wrapping_add(u64::from(c - b'0'))
    });
    (v, &b[n..])
}

/// `*_abort`: the session dropped without writing; the stream is left
/// without a driver, as the original leaves it.
///
/// # Safety
/// `stream` NULL or live.
unsafe fn abort(stream: *mut MAILSTREAM, drivers: &[*const DRIVER], func: &str, driver: &str) {
    // SAFETY: per the contract.
    unsafe {
        if ours(stream, drivers, func, driver).is_some() {
            bridge::abort(stream, |mb| {
                if let Some(m) = concrete::<crate::store::mbx::MbxMailbox>(mb) {
                    m.helper_abort();
                }
            });
        }
    }
}

macro_rules! flat_exports {
    ($kind:expr, $name:literal, $abort:ident, $lock:ident, $unlock:ident, $parse:ident,
     $mbxline:ident, $pseudo:ident, $xstatus:ident, $text_work:ident, $rewrite:ident,
     $extend:ident, $write:ident, $phys_write:ident, $collect:ident, $append_msgs:ident) => {
        /// Drops the session without writing (the stream loses its driver).
        ///
        /// # Safety
        /// `stream` NULL or live.
        #[no_mangle]
        pub unsafe extern "C" fn $abort(stream: *mut MAILSTREAM) {
            super::guard(stringify!($abort), (), || {
                // SAFETY: forwarded contract.
                unsafe { abort(stream, &drivers_of($kind), stringify!($abort), $name) }
            })
        }

        /// Opens and locks a mailbox file; the descriptor or -1.
        ///
        /// # Safety
        /// `file` NUL-terminated; `lck` NULL or a writable DOTLOCK.
        #[no_mangle]
        pub unsafe extern "C" fn $lock(
            file: *mut c_char,
            flags: c_int,
            mode: c_int,
            lck: *mut DOTLOCK,
            op: c_int,
        ) -> c_int {
            super::guard(stringify!($lock), -1, || {
                // SAFETY: forwarded contract.
                unsafe { lock(file, flags, mode, lck, op) }
            })
        }

        /// Unlocks (and without a stream closes) a locked mailbox file.
        ///
        /// # Safety
        /// `stream` NULL or live; `lck` NULL or a DOTLOCK.
        #[no_mangle]
        pub unsafe extern "C" fn $unlock(fd: c_int, stream: *mut MAILSTREAM, lck: *mut DOTLOCK) {
            super::guard(stringify!($unlock), (), || {
                // SAFETY: forwarded contract.
                unsafe { unlock($kind, stringify!($unlock), fd, stream, lck) }
            })
        }

        /// Takes in new messages; 1 while the stream lives.
        ///
        /// # Safety
        /// `stream` NULL or live; `lck` NULL or writable.
        #[no_mangle]
        pub unsafe extern "C" fn $parse(
            stream: *mut MAILSTREAM,
            lck: *mut DOTLOCK,
            _op: c_int,
        ) -> c_int {
            super::guard(stringify!($parse), 0, || {
                // SAFETY: forwarded contract.
                unsafe { parse($kind, stringify!($parse), stream, lck) }
            })
        }

        /// The next line of a STRING.
        ///
        /// # Safety
        /// `stream` NULL or live; `bs` NULL or a set-up STRING; `size`
        /// NULL or writable.
        #[no_mangle]
        pub unsafe extern "C" fn $mbxline(
            stream: *mut MAILSTREAM,
            bs: *mut STRING,
            size: *mut c_ulong,
        ) -> *mut c_char {
            super::guard(stringify!($mbxline), c"".as_ptr() as *mut c_char, || {
                // SAFETY: forwarded contract.
                unsafe { mbxline($kind, stringify!($mbxline), stream, bs, size) }
            })
        }

        /// The folder's pseudo-message, written to `hdr`.
        ///
        /// # Safety
        /// `stream` NULL or live; `hdr` NULL or large enough.
        #[no_mangle]
        pub unsafe extern "C" fn $pseudo(stream: *mut MAILSTREAM, hdr: *mut c_char) -> c_ulong {
            super::guard(stringify!($pseudo), 0, || {
                // SAFETY: forwarded contract.
                unsafe { pseudo($kind, stream, hdr) }
            })
        }

        /// A message's status lines, written to `status`.
        ///
        /// # Safety
        /// As for `xstatus`.
        #[no_mangle]
        pub unsafe extern "C" fn $xstatus(
            stream: *mut MAILSTREAM,
            status: *mut c_char,
            elt: *mut MESSAGECACHE,
            uid: c_ulong,
            flag: c_long,
        ) -> c_ulong {
            super::guard(stringify!($xstatus), 0, || {
                // SAFETY: forwarded contract.
                unsafe { xstatus(stream, status, elt, uid, flag) }
            })
        }

        /// A message's body in a stream-owned buffer.
        ///
        /// # Safety
        /// As for `text_work`.
        #[no_mangle]
        pub unsafe extern "C" fn $text_work(
            stream: *mut MAILSTREAM,
            elt: *mut MESSAGECACHE,
            length: *mut c_ulong,
            flags: c_long,
        ) -> *mut c_char {
            super::guard(stringify!($text_work), null_mut(), || {
                // SAFETY: forwarded contract.
                unsafe { text_work($kind, stringify!($text_work), stream, elt, length, flags) }
            })
        }

        /// Rewrites the file (expunging with `nexp`).
        ///
        /// # Safety
        /// As for `rewrite`.
        #[no_mangle]
        pub unsafe extern "C" fn $rewrite(
            stream: *mut MAILSTREAM,
            nexp: *mut c_ulong,
            lck: *mut DOTLOCK,
            flags: c_long,
        ) -> c_long {
            super::guard(stringify!($rewrite), 0, || {
                // SAFETY: forwarded contract.
                unsafe { rewrite($kind, stringify!($rewrite), stream, nexp, lck, flags) }
            })
        }

        /// Room for a rewrite of `size` bytes: the core's rewrite makes its
        /// own room, so the file is not padded (docs/deviations.md).
        ///
        /// # Safety
        /// `stream` NULL or live.
        #[no_mangle]
        pub unsafe extern "C" fn $extend(stream: *mut MAILSTREAM, _size: c_ulong) -> c_long {
            super::guard(stringify!($extend), 0, || {
                // SAFETY: forwarded contract.
                let ok = unsafe { ours(stream, &drivers_of($kind), stringify!($extend), $name) };
                c_long::from(ok.is_some())
            })
        }

        /// The original's buffered writer over its private UNIXFILE
        /// structure: refused (docs/deviations.md).
        #[no_mangle]
        pub extern "C" fn $write(_f: *mut c_void, _s: *mut c_char, _i: c_ulong) {
            super::guard(stringify!($write), (), || {
                super::log(
                    concat!(
                        stringify!($write),
                        ": the original's private rewrite buffer is not supported"
                    ),
                    ERROR as c_long,
                )
            })
        }

        /// As `*_write`: refused.
        #[no_mangle]
        pub extern "C" fn $phys_write(_f: *mut c_void, _buf: *mut c_char, _size: usize) {
            super::guard(stringify!($phys_write), (), || {
                super::log(
                    concat!(
                        stringify!($phys_write),
                        ": the original's private rewrite buffer is not supported"
                    ),
                    ERROR as c_long,
                )
            })
        }

        /// One message into an append scratch file.
        ///
        /// # Safety
        /// As for `collect_msg`.
        #[no_mangle]
        pub unsafe extern "C" fn $collect(
            stream: *mut MAILSTREAM,
            sf: *mut libc::FILE,
            flags: *mut c_char,
            date: *mut c_char,
            msg: *mut STRING,
        ) -> c_int {
            super::guard(stringify!($collect), 0, || {
                // SAFETY: forwarded contract.
                unsafe { collect_msg(stream, sf, flags, date, msg) }
            })
        }

        /// The messages of an append scratch file into a mailbox file.
        ///
        /// # Safety
        /// As for `append_msgs`.
        #[no_mangle]
        pub unsafe extern "C" fn $append_msgs(
            stream: *mut MAILSTREAM,
            sf: *mut libc::FILE,
            df: *mut libc::FILE,
            set: *mut SEARCHSET,
        ) -> c_int {
            super::guard(stringify!($append_msgs), 0, || {
                // SAFETY: forwarded contract.
                unsafe { append_msgs($kind, stream, sf, df, set) }
            })
        }
    };
}

flat_exports!(
    Kind::Unix,
    "unix",
    unix_abort,
    unix_lock,
    unix_unlock,
    unix_parse,
    unix_mbxline,
    unix_pseudo,
    unix_xstatus,
    unix_text_work,
    unix_rewrite,
    unix_extend,
    unix_write,
    unix_phys_write,
    unix_collect_msg,
    unix_append_msgs
);
flat_exports!(
    Kind::Mmdf,
    "mmdf",
    mmdf_abort,
    mmdf_lock,
    mmdf_unlock,
    mmdf_parse,
    mmdf_mbxline,
    mmdf_pseudo,
    mmdf_xstatus,
    mmdf_text_work,
    mmdf_rewrite,
    mmdf_extend,
    mmdf_write,
    mmdf_phys_write,
    mmdf_collect_msg,
    mmdf_append_msgs
);

/// `unix_isvalid_fd`: whether `fd`'s next bytes start a unix mailbox.
#[no_mangle]
pub extern "C" fn unix_isvalid_fd(fd: c_int) -> c_long {
    // SAFETY: no scratch buffer.
    super::guard("unix_isvalid_fd", 0, || unsafe {
        isvalid_fd(Kind::Unix, fd, null_mut())
    })
}

/// `mmdf_isvalid_fd`: whether `fd`'s next bytes start an MMDF mailbox
/// (they are read into `tmp`).
///
/// # Safety
/// `tmp` NULL or writable for MAILTMPLEN bytes.
#[no_mangle]
pub unsafe extern "C" fn mmdf_isvalid_fd(fd: c_int, tmp: *mut c_char) -> c_long {
    // SAFETY: forwarded contract.
    super::guard("mmdf_isvalid_fd", 0, || unsafe {
        isvalid_fd(Kind::Mmdf, fd, tmp)
    })
}

/// `mmdf_isvalid`: whether `name` is an MMDF mailbox; errno as the
/// original leaves it (EINVAL after success, 0 for an empty file, -1 for
/// another format).
///
/// # Safety
/// `name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mmdf_isvalid(name: *mut c_char, _tmp: *mut c_char) -> c_long {
    super::guard("mmdf_isvalid", 0, || {
        // SAFETY: per the contract.
        let Some(n) = (unsafe { c_bytes(name) }) else {
            return 0;
        };
        use crate::store::unix::Probe;
        let p = crate::store::unix::probe(Kind::Mmdf, n);
        set_errno(match p {
            Probe::Valid | Probe::BadName => libc::EINVAL,
            Probe::Empty => 0,
            Probe::Missing => libc::ENOENT,
            Probe::Denied => libc::EACCES,
            Probe::NotUnix => -1,
        });
        c_long::from(p == Probe::Valid)
    })
}

// ---------------------------------------------------------------------------
// mbx

use crate::store::mbx::MbxMailbox;

/// Runs `f` on the stream's mbx session.
///
/// # Safety
/// `stream` NULL or live.
unsafe fn on_mbx<R>(
    stream: *mut MAILSTREAM,
    func: &str,
    f: impl FnOnce(&mut MbxMailbox, &mut dyn Events) -> R,
) -> Option<R> {
    // SAFETY: per the contract.
    unsafe { on_as(stream, &mbx_drivers(), func, "mbx", f) }
}

/// The 0-based index of `msgno` in the stream's cache, when valid.
///
/// # Safety
/// `stream` live.
unsafe fn index_of(stream: *mut MAILSTREAM, msgno: c_ulong) -> Option<usize> {
    // SAFETY: per the contract.
    let n = unsafe { (*stream).nmsgs };
    (msgno >= 1 && msgno <= n).then(|| msgno as usize - 1)
}

/// `mbx_abort`.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mbx_abort(stream: *mut MAILSTREAM) {
    // SAFETY: forwarded contract.
    super::guard("mbx_abort", (), || unsafe {
        abort(stream, &mbx_drivers(), "mbx_abort", "mbx")
    })
}

/// `mbx_elt`: the element of `msgno` with its flags read again from the
/// file; NULL when another process expunged it and `expok`.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mbx_elt(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    expok: c_long,
) -> *mut MESSAGECACHE {
    super::guard("mbx_elt", null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe {
            if ours(stream, &mbx_drivers(), "mbx_elt", "mbx").is_none() {
                return null_mut();
            }
            let Some(i) = index_of(stream, msgno) else {
                return null_mut();
            };
            let kept = on_mbx(stream, "mbx_elt", |m, ev| {
                m.helper_refresh(i, expok != 0, ev)
            });
            if kept == Some(true) {
                mail_elt(stream, msgno)
            } else {
                null_mut()
            }
        }
    })
}

/// `mbx_file`: the file of mailbox `name`, into `dst`.
///
/// # Safety
/// `dst` NULL or writable for MAILTMPLEN bytes; `name` NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mbx_file(dst: *mut c_char, name: *mut c_char) -> *mut c_char {
    super::guard("mbx_file", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            match c_bytes(name).and_then(crate::store::mbx::mbx_file) {
                Some(p) if put_path(dst, &p) => dst,
                _ => null_mut(),
            }
        }
    })
}

/// `mbx_flag`: the end of a flag change (sync, header update, lock
/// release).
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mbx_flag(
    stream: *mut MAILSTREAM,
    _seq: *mut c_char,
    _flag: *mut c_char,
    _flags: c_long,
) {
    super::guard("mbx_flag", (), || {
        // SAFETY: forwarded contract.
        unsafe {
            if ours(stream, &mbx_drivers(), "mbx_flag", "mbx").is_some() {
                bridge::with_core_flag_end(stream, |mb, ev| {
                    if let Some(m) = concrete::<MbxMailbox>(mb) {
                        m.helper_flag_end(ev);
                    }
                });
            }
        };
    })
}

/// `mbx_flags`: the flags of the messages of `sequence` read again.
///
/// # Safety
/// `stream` NULL or live; `sequence` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mbx_flags(stream: *mut MAILSTREAM, sequence: *mut c_char, flags: c_long) {
    super::guard("mbx_flags", (), || {
        // SAFETY: forwarded contract.
        unsafe {
            if ours(stream, &mbx_drivers(), "mbx_flags", "mbx").is_none() || sequence.is_null() {
                return;
            }
            if on_mbx(stream, "mbx_flags", |m, ev| m.helper_parse(ev)) != Some(true) {
                return;
            }
            let Some(set) = bridge::selection(stream, sequence, flags & FT_UID as c_long != 0)
            else {
                return;
            };
            on_mbx(stream, "mbx_flags", |m, ev| {
                for i in set {
                    m.helper_refresh(i as usize - 1, false, ev);
                }
            });
        }
    })
}

/// `mbx_flaglock`: takes the flag lock (held until `mbx_flag`); 1 on
/// success.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mbx_flaglock(stream: *mut MAILSTREAM) -> c_long {
    super::guard("mbx_flaglock", 0, || {
        // SAFETY: forwarded contract.
        let r = unsafe { on_mbx(stream, "mbx_flaglock", |m, ev| m.helper_flag_lock(ev)) };
        c_long::from(r == Some(true))
    })
}

/// `mbx_hdrpos`: where message `msgno`'s header starts in the file, its
/// length in `size`; `hdr` is set to NULL (the header is read with
/// `mail_fetchheader`).
///
/// # Safety
/// `stream` NULL or live; `size`, `hdr` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn mbx_hdrpos(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    size: *mut c_ulong,
    hdr: *mut *mut c_char,
) -> c_ulong {
    super::guard("mbx_hdrpos", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            if let Some(h) = hdr.as_mut() {
                *h = null_mut();
            }
            if let Some(s) = size.as_mut() {
                *s = 0;
            }
            if ours(stream, &mbx_drivers(), "mbx_hdrpos", "mbx").is_none() {
                return 0;
            }
            let Some(i) = index_of(stream, msgno) else {
                return 0;
            };
            let Some((pos, len)) =
                on_mbx(stream, "mbx_hdrpos", |m, _| m.helper_hdrpos(i)).flatten()
            else {
                return 0;
            };
            if let Some(s) = size.as_mut() {
                *s = len as c_ulong;
            }
            pos as c_ulong
        }
    })
}

/// `mbx_isvalid`: the descriptor of mailbox `name` opened (read-write with
/// `flags`) when it is an mbx file, else -1 with errno set (EINVAL, -1
/// for another format). The file name goes to `tmp`. With `stream` the
/// original also builds a mini-stream of the header block; ours does not
/// (docs/deviations.md): `*stream` is left NULL, `*ld` -1.
///
/// # Safety
/// `stream`, `ld` NULL or writable; `name` NUL-terminated; `tmp` NULL or
/// writable for MAILTMPLEN bytes.
#[no_mangle]
pub unsafe extern "C" fn mbx_isvalid(
    stream: *mut *mut MAILSTREAM,
    name: *mut c_char,
    tmp: *mut c_char,
    ld: *mut c_int,
    lock: *mut c_char,
    flags: c_long,
) -> c_int {
    super::guard("mbx_isvalid", -1, || {
        // SAFETY: per the contract.
        unsafe {
            if let Some(l) = ld.as_mut() {
                *l = -1;
            }
            if let Some(s) = stream.as_mut() {
                *s = null_mut();
            }
            let mut error = libc::EINVAL;
            let mut ret = -1;
            let path = c_bytes(name).and_then(crate::store::mbx::mbx_file);
            if let Some(p) = path.filter(|p| put_path(tmp, p) || tmp.is_null()) {
                let c = std::ffi::CString::new(p).unwrap_or_default();
                let mode = if flags != 0 {
                    libc::O_RDWR
                } else {
                    libc::O_RDONLY
                };
                let fd = libc::open(c.as_ptr(), mode);
                if fd >= 0 {
                    error = -1;
                    let mut hdr = vec![0u8; crate::store::mbx::format::HDRSIZE];
                    let n = libc::read(fd, hdr.as_mut_ptr() as *mut c_void, hdr.len());
                    if n == hdr.len() as isize && crate::store::mbx::format::is_mbx(&hdr) {
                        ret = fd;
                        if !stream.is_null() && !mini_stream(stream, fd, ld, lock, flags) {
                            ret = -1;
                        }
                    }
                    if ret != fd {
                        libc::close(fd);
                    } else {
                        libc::lseek(fd, 0, libc::SEEK_SET);
                    }
                } else {
                    error = *libc::__errno_location();
                    // INBOX that is not an mbx file.
                    if error == libc::ENOENT
                        && c_bytes(name).is_some_and(|n| n.eq_ignore_ascii_case(b"INBOX"))
                    {
                        error = -1;
                    }
                }
            }
            if ret < 0 {
                set_errno(error);
            }
            ret
        }
    })
}

/// The original's mini-stream of `mbx_isvalid`: the file locked shared
/// (and, with `flags`, the parse/append lock taken into `*ld`/`lock`), a
/// zeroed stream with the header block's UID validity, last UID and
/// keywords (freed by the caller with `mail_close`). False on failure.
///
/// # Safety
/// `stream` writable; `fd` open on an mbx file; `ld` NULL or writable;
/// `lock` NULL or writable for MAILTMPLEN bytes.
unsafe fn mini_stream(
    stream: *mut *mut MAILSTREAM,
    fd: c_int,
    ld: *mut c_int,
    lock: *mut c_char,
    flags: c_long,
) -> bool {
    use crate::store::mbx::format::{parse_block, HDRSIZE};
    // SAFETY: per the contract.
    unsafe {
        if libc::flock(fd, libc::LOCK_SH) != 0 {
            return false;
        }
        if flags != 0 {
            if ld.is_null() || lock.is_null() {
                return false;
            }
            *ld = super::lock::lockfd(fd, lock, libc::LOCK_EX);
            if *ld < 0 {
                return false;
            }
        }
        let mut hdr = vec![0u8; HDRSIZE];
        let Some(block) = (libc::pread(fd, hdr.as_mut_ptr() as *mut c_void, HDRSIZE, 0)
            == HDRSIZE as isize)
            .then(|| parse_block(&hdr))
            .flatten()
        else {
            if let Some(l) = ld.as_mut().filter(|l| **l >= 0) {
                super::lock::unlockfd(*l, lock);
                *l = -1;
            }
            return false;
        };
        let s = super::memory::fs_get(std::mem::size_of::<MAILSTREAM>()) as *mut MAILSTREAM;
        std::ptr::write_bytes(s, 0, 1);
        (*s).uid_validity = c_ulong::from(block.uid_validity);
        (*s).uid_last = c_ulong::from(block.uid_last);
        for (i, k) in block.keywords.iter().enumerate().take(NUSERFLAGS as usize) {
            if let Some(name) = k {
                (*s).user_flags[i] = super::memory::c_string_from(name);
            }
        }
        *stream = s;
        true
    }
}

/// `mbx_parse`: takes in new messages; 1 while the stream lives.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mbx_parse(stream: *mut MAILSTREAM) -> c_long {
    super::guard("mbx_parse", 0, || {
        // SAFETY: forwarded contract.
        let r = unsafe { on_mbx(stream, "mbx_parse", |m, ev| m.helper_parse(ev)) };
        c_long::from(r == Some(true))
    })
}

/// `mbx_read_flags`: `elt`'s flags read again from the file into the
/// element; non-zero when the message is marked expunged.
///
/// # Safety
/// `stream` NULL or live; `elt` NULL or one of its elements.
#[no_mangle]
pub unsafe extern "C" fn mbx_read_flags(
    stream: *mut MAILSTREAM,
    elt: *mut MESSAGECACHE,
) -> c_ulong {
    super::guard("mbx_read_flags", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            if ours(stream, &mbx_drivers(), "mbx_read_flags", "mbx").is_none() {
                return 0;
            }
            let Some(msgno) = elt.as_ref().map(|e| e.msgno) else {
                return 0;
            };
            let Some(i) = index_of(stream, msgno) else {
                return 0;
            };
            let word = on_mbx(stream, "mbx_read_flags", |m, _| m.helper_read_flags(i)).flatten();
            if let Some(e) = elt.as_mut() {
                e.set_valid(1);
            }
            c_ulong::from(word.unwrap_or(0) & crate::store::mbx::format::F_EXPUNGED)
        }
    })
}

/// `mbx_rewrite`: compacts the file (expunging the deleted messages when
/// `flags` > 0, those of the sequence when < 0); the number expunged, the
/// bytes reclaimed in `reclaimed`.
///
/// # Safety
/// `stream` NULL or live; `reclaimed` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn mbx_rewrite(
    stream: *mut MAILSTREAM,
    reclaimed: *mut c_ulong,
    flags: c_long,
) -> c_ulong {
    super::guard("mbx_rewrite", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            if let Some(r) = reclaimed.as_mut() {
                *r = 0;
            }
            if ours(stream, &mbx_drivers(), "mbx_rewrite", "mbx").is_none() {
                return 0;
            }
            push_cache_flags(stream);
            let set = (flags < 0).then(|| bridge::marked(stream));
            let mode = flags.signum() as i32;
            let (n, rec) = on_mbx(stream, "mbx_rewrite", |m, ev| {
                m.helper_rewrite(mode, set.as_deref(), ev)
            })
            .unwrap_or((0, 0));
            if let Some(r) = reclaimed.as_mut() {
                *r = rec as c_ulong;
            }
            c_ulong::from(n)
        }
    })
}

/// `mbx_snarf`: the system inbox's new mail appended to the file and the
/// system inbox emptied (at most once per snarf interval; not when the
/// stream is the system inbox). The caller holds the parse lock and
/// parses afterwards, as the original's does.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mbx_snarf(stream: *mut MAILSTREAM) {
    super::guard("mbx_snarf", (), || {
        // SAFETY: forwarded contract.
        unsafe { on_mbx(stream, "mbx_snarf", |m, ev| m.helper_snarf(ev)) };
    })
}

/// SET/GET_ONETIMEEXPUNGEATPING of the mbx and mix drivers' parameters:
/// `value` is the stream; with `set` its next ping takes in other
/// sessions' expunges once. VOIDT when that is pending, else NULL (also
/// for a stream of another driver, which the original would misread).
///
/// # Safety
/// `value` NULL or a live stream.
pub(crate) unsafe fn onetime_expunge(value: *mut c_void, set: bool, mix: bool) -> *mut c_void {
    let stream = value as *mut MAILSTREAM;
    // SAFETY: per the contract.
    let pending = unsafe {
        if mix {
            if local_of(stream, &mix_drivers()).is_none() {
                return null_mut();
            }
            bridge::with_core(stream, |mb, _| {
                concrete::<crate::store::mix::MixMailbox>(mb).map(|m| m.helper_onetime_expunge(set))
            })
        } else {
            if local_of(stream, &mbx_drivers()).is_none() {
                return null_mut();
            }
            bridge::with_core(stream, |mb, _| {
                concrete::<MbxMailbox>(mb).map(|m| m.helper_onetime_expunge(set))
            })
        }
    };
    if pending.flatten() == Some(true) {
        super::params::voidt()
    } else {
        null_mut()
    }
}

/// `mbx_update_header`: the header block rewritten (UID state, keywords).
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mbx_update_header(stream: *mut MAILSTREAM) {
    super::guard("mbx_update_header", (), || {
        // SAFETY: forwarded contract.
        unsafe {
            on_mbx(stream, "mbx_update_header", |m, ev| {
                m.helper_write_header(ev)
            })
        };
    })
}

/// `mbx_update_status`: message `msgno`'s flags (as its element has them)
/// written to its line; with `flags` a deleted message is also marked
/// expunged.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mbx_update_status(stream: *mut MAILSTREAM, msgno: c_ulong, flags: c_long) {
    super::guard("mbx_update_status", (), || {
        // SAFETY: forwarded contract.
        unsafe {
            if ours(stream, &mbx_drivers(), "mbx_update_status", "mbx").is_none() {
                return;
            }
            let Some(i) = index_of(stream, msgno) else {
                return;
            };
            let elt = mail_elt(stream, msgno);
            if elt.as_ref().is_some_and(|e| e.valid() != 0) {
                bridge::flagmsg(stream, elt);
            }
            on_mbx(stream, "mbx_update_status", |m, ev| {
                m.helper_write_status(i, flags != 0, ev)
            });
        }
    })
}

// ---------------------------------------------------------------------------
// mix

use crate::store::mix::MixMailbox;

/// Runs `f` on the stream's mix session.
///
/// # Safety
/// `stream` NULL or live.
unsafe fn on_mix<R>(
    stream: *mut MAILSTREAM,
    func: &str,
    f: impl FnOnce(&mut MixMailbox, &mut dyn Events) -> R,
) -> Option<R> {
    // SAFETY: per the contract.
    unsafe { on_as(stream, &mix_drivers(), func, "mix", f) }
}

/// A FILE over `f` (which it then owns), NULL on failure.
pub(crate) fn into_file(f: std::fs::File, mode: &std::ffi::CStr) -> *mut libc::FILE {
    use std::os::fd::IntoRawFd;
    let fd = f.into_raw_fd();
    // SAFETY: `fd` is ours to give away.
    let fp = unsafe { libc::fdopen(fd, mode.as_ptr()) };
    if fp.is_null() {
        // SAFETY: not handed over.
        unsafe { libc::close(fd) };
    }
    fp
}

/// Runs `f` with a File borrowing the descriptor of FILE `fp` (flushed
/// first; left positioned at its end afterwards).
///
/// # Safety
/// `fp` an open FILE.
unsafe fn with_file<R>(fp: *mut libc::FILE, f: impl FnOnce(&std::fs::File) -> R) -> R {
    use std::os::fd::FromRawFd;
    // SAFETY: per the contract; the File is never dropped (the FILE owns
    // the descriptor).
    unsafe {
        libc::fflush(fp);
        let file = std::mem::ManuallyDrop::new(std::fs::File::from_raw_fd(libc::fileno(fp)));
        let r = f(&file);
        libc::fseek(fp, 0, libc::SEEK_END);
        r
    }
}

/// `mix_abort`.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mix_abort(stream: *mut MAILSTREAM) {
    // SAFETY: forwarded contract.
    super::guard("mix_abort", (), || unsafe {
        abort(stream, &mix_drivers(), "mix_abort", "mix")
    })
}

/// `mix_addset`: the range of `size` from `start` added to the end of
/// `*set` (a new element when it does not continue the last one); 0 and
/// an error when the range runs backwards.
///
/// # Safety
/// `set` NULL or points to a SEARCHSET pointer.
#[no_mangle]
pub unsafe extern "C" fn mix_addset(
    set: *mut *mut SEARCHSET,
    start: c_ulong,
    size: c_ulong,
) -> c_long {
    super::guard("mix_addset", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(s) = set.as_mut().and_then(|p| p.as_mut()) else {
                return 0;
            };
            if start < s.last {
                super::log(
                    &format!("Backwards-running mix index {start} < {}", s.last),
                    ERROR as c_long,
                );
                return 0;
            }
            let mut cur: *mut SEARCHSET = s;
            if s.last == 0 {
                s.first = start;
            } else if start > s.last {
                let n = super::memory::fs_get(std::mem::size_of::<SEARCHSET>()) as *mut SEARCHSET;
                std::ptr::write_bytes(n, 0, 1);
                (*n).first = start;
                s.next = n;
                *set = n;
                cur = n;
            }
            (*cur).last = start.wrapping_add(size);
            1
        }
    })
}

/// `mix_append_msg`: one message written to data file `f` at its current
/// position (from `mix_data_open`), added to the session with the next
/// UID (noted in `set`); the index and status files are written by
/// `mix_index_update` / `mix_status_update`.
///
/// # Safety
/// `stream` NULL or live; `f` NULL or an open FILE; `flags` NULL or
/// NUL-terminated; `delt` NULL or an element with the internal date;
/// `msg` a STRING; `set` NULL or a SEARCHSET.
#[no_mangle]
pub unsafe extern "C" fn mix_append_msg(
    stream: *mut MAILSTREAM,
    f: *mut libc::FILE,
    flags: *mut c_char,
    delt: *mut MESSAGECACHE,
    msg: *mut STRING,
    set: *mut SEARCHSET,
    seq: c_ulong,
) -> c_long {
    super::guard("mix_append_msg", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if ours(stream, &mix_drivers(), "mix_append_msg", "mix").is_none()
                || f.is_null()
                || msg.is_null()
                || (*msg).dtb.is_null()
            {
                return 0;
            }
            let message = read_string(msg);
            let text = c_bytes(flags).unwrap_or(b"").to_vec();
            let Some(date) = delt.as_ref().map(super::dates::read_fields) else {
                return 0;
            };
            libc::fflush(f);
            let at = libc::ftell(f);
            if at < 0 {
                return 0;
            }
            let got = with_file(f, |file| {
                on_mix(stream, "mix_append_msg", |m, ev| {
                    let (fl, keywords) = bridge::parse_append_flags(&text, ev);
                    let am = AppendMessage {
                        flags: fl,
                        keywords,
                        date: Some(date),
                        message,
                    };
                    m.helper_append_msg(file, at as u64, &am, date, seq, ev)
                        .ok()
                })
                .flatten()
            });
            let Some((uid, _end)) = got else {
                super::log("Error writing mix message", ERROR as c_long);
                return 0;
            };
            if !set.is_null() {
                mail_append_set(set, c_ulong::from(uid));
            }
            1
        }
    })
}

/// `mix_burp`: the data files compacted (space no message uses is cut
/// out) when the session is alone on the mailbox; the bytes reclaimed in
/// `reclaimed`. The original's per-file MIXBURP argument is private to it
/// and ignored here (docs/deviations.md).
///
/// # Safety
/// `stream` NULL or live; `reclaimed` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn mix_burp(
    stream: *mut MAILSTREAM,
    _burp: *mut c_void,
    reclaimed: *mut c_ulong,
) -> c_long {
    super::guard("mix_burp", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            if let Some(r) = reclaimed.as_mut() {
                *r = 0;
            }
            let got = on_mix(stream, "mix_burp", |m, ev| m.helper_burp(&mut NoInfo(ev))).flatten();
            if let (Some(n), Some(r)) = (got, reclaimed.as_mut()) {
                *r = n as c_ulong;
            }
            c_long::from(got.is_some())
        }
    })
}

/// `mix_burp_check`: 0 (with an error naming `file`) when a range of
/// `set` runs past `size`.
///
/// # Safety
/// `set` NULL or a SEARCHSET list; `file` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mix_burp_check(
    set: *mut SEARCHSET,
    size: usize,
    file: *mut c_char,
) -> c_long {
    super::guard("mix_burp_check", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let mut s = set;
            while let Some(e) = s.as_ref() {
                if e.last > size as c_ulong {
                    let name = c_bytes(file).unwrap_or(b"");
                    let name = &name[..name.len().min(80)];
                    let mut t = b"Unexpected short mix message file ".to_vec();
                    t.extend_from_slice(name);
                    t.extend_from_slice(format!(" {size} < {}", e.last).as_bytes());
                    super::log_bytes(&t, ERROR as c_long);
                    return 0;
                }
                s = e.next;
            }
            1
        }
    })
}

/// `mix_data_open`: the data file new messages go to (rolled to a new one
/// when `newsize` more would make it too big), as a FILE; its descriptor
/// and size in `fd` and `size`.
///
/// # Safety
/// `stream` NULL or live; `fd`, `size` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn mix_data_open(
    stream: *mut MAILSTREAM,
    fd: *mut c_int,
    size: *mut c_long,
    newsize: c_ulong,
) -> *mut libc::FILE {
    super::guard("mix_data_open", null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe {
            if let Some(d) = fd.as_mut() {
                *d = -1;
            }
            let got = on_mix(stream, "mix_data_open", |m, ev| {
                m.helper_data_open(newsize, ev).ok()
            })
            .flatten();
            let Some((file, len)) = got else {
                super::log("Error opening mix message file", ERROR as c_long);
                return null_mut();
            };
            let fp = into_file(file, c"r+b");
            if fp.is_null() {
                return null_mut();
            }
            libc::fseek(fp, len as libc::c_long, libc::SEEK_SET);
            if let Some(d) = fd.as_mut() {
                *d = libc::fileno(fp);
            }
            if let Some(s) = size.as_mut() {
                *s = len as c_long;
            }
            fp
        }
    })
}

/// `mix_dir`: the directory of mailbox `name` into `dst` (empty when the
/// name maps to none).
///
/// # Safety
/// `dst` writable for MAILTMPLEN bytes; `name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mix_dir(dst: *mut c_char, name: *mut c_char) -> *mut c_char {
    super::guard("mix_dir", dst, || {
        // SAFETY: per the contract.
        unsafe {
            if dst.is_null() {
                return dst;
            }
            let d = c_bytes(name)
                .and_then(crate::store::mix::mix_dir)
                .unwrap_or_default();
            if !put_path(dst, &d) {
                *dst = 0;
            }
            dst
        }
    })
}

/// Copies at most `max` bytes of `b`.
fn upto(b: &[u8], max: usize) -> &[u8] {
    &b[..b.len().min(max)]
}

/// `mix_file`: `dir/.mix<name>` into `dst`.
///
/// # Safety
/// `dst` writable for MAILTMPLEN bytes; `dir`, `name` NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mix_file(
    dst: *mut c_char,
    dir: *mut c_char,
    name: *mut c_char,
) -> *mut c_char {
    super::guard("mix_file", dst, || {
        // SAFETY: per the contract.
        unsafe {
            if dst.is_null() {
                return dst;
            }
            let d = upto(c_bytes(dir).unwrap_or(b""), 500);
            let n = upto(c_bytes(name).unwrap_or(b""), 80);
            put(dst, &crate::store::mix::mix_file(d, n));
            dst
        }
    })
}

/// `mix_file_data`: the name of data file `data` of `dir` into `dst`.
///
/// # Safety
/// As for `mix_file`.
#[no_mangle]
pub unsafe extern "C" fn mix_file_data(
    dst: *mut c_char,
    dir: *mut c_char,
    data: c_ulong,
) -> *mut c_char {
    super::guard("mix_file_data", dst, || {
        // SAFETY: per the contract.
        unsafe {
            if dst.is_null() {
                return dst;
            }
            let d = upto(c_bytes(dir).unwrap_or(b""), 500);
            put(dst, &crate::store::mix::data_path(d, data));
            dst
        }
    })
}

/// `mix_index_update`: the index written into `idxf` from the session
/// (with `flag`, the file grown first so the write cannot fail midway).
///
/// # Safety
/// `stream` NULL or live; `idxf` NULL or an open FILE of the index.
#[no_mangle]
pub unsafe extern "C" fn mix_index_update(
    stream: *mut MAILSTREAM,
    idxf: *mut libc::FILE,
    flag: c_long,
) -> c_long {
    super::guard("mix_index_update", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            if ours(stream, &mix_drivers(), "mix_index_update", "mix").is_none() || idxf.is_null() {
                return 0;
            }
            let r = with_file(idxf, |f| {
                on_mix(stream, "mix_index_update", |m, ev| {
                    m.helper_index_update(f, flag != 0, ev)
                })
            });
            c_long::from(r == Some(true))
        }
    })
}

/// `mix_status_update`: the status file written into `statf` from the
/// session.
///
/// # Safety
/// `stream` NULL or live; `statf` NULL or an open FILE of the status file.
#[no_mangle]
pub unsafe extern "C" fn mix_status_update(
    stream: *mut MAILSTREAM,
    statf: *mut libc::FILE,
    flag: c_long,
) -> c_long {
    super::guard("mix_status_update", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            if ours(stream, &mix_drivers(), "mix_status_update", "mix").is_none() || statf.is_null()
            {
                return 0;
            }
            // The flags written are the elements' (set here directly: the
            // caller holds the status file's lock).
            let flags = cache_flags(stream);
            let r = with_file(statf, |f| {
                on_mix(stream, "mix_status_update", |m, ev| {
                    for (i, (fl, k)) in flags.into_iter().enumerate() {
                        m.helper_set_flags(i, fl, k);
                    }
                    m.helper_status_update(f, flag != 0, ev)
                })
            });
            c_long::from(r == Some(true))
        }
    })
}

/// `mix_isvalid`: whether `name` is a mix mailbox; its metadata file name
/// goes to `meta`; errno as the original leaves it.
///
/// # Safety
/// `name` NULL or NUL-terminated; `meta` NULL or writable for MAILTMPLEN
/// bytes.
#[no_mangle]
pub unsafe extern "C" fn mix_isvalid(name: *mut c_char, meta: *mut c_char) -> c_long {
    super::guard("mix_isvalid", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(n) = c_bytes(name) else { return 0 };
            if n.len() > NETMAXMBX as usize {
                set_errno(libc::ENAMETOOLONG);
                return 0;
            }
            if let Some(d) = crate::store::mix::mix_dir(n) {
                put_path(meta, &crate::store::mix::mix_file(&d, b"meta"));
            }
            use crate::store::mix::Probe;
            match crate::store::mix::probe(n) {
                Probe::Valid => {
                    set_errno(0);
                    1
                }
                Probe::Missing => {
                    set_errno(libc::ENOENT);
                    0
                }
                Probe::Other => {
                    set_errno(0);
                    0
                }
            }
        }
    })
}

/// `mix_meta_slurp`: the metadata file read into a stream-owned buffer;
/// the text after its sequence line, the sequence in `seq`. NULL (with an
/// error) when the file or its sequence line is bad.
///
/// # Safety
/// `stream` NULL or live; `seq` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn mix_meta_slurp(stream: *mut MAILSTREAM, seq: *mut c_ulong) -> *mut c_char {
    super::guard("mix_meta_slurp", null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe {
            let Some((path, metaseq)) = on_mix(stream, "mix_meta_slurp", |m, _| m.helper_meta())
            else {
                return null_mut();
            };
            let Ok(data) = std::fs::read(std::ffi::OsStr::from_encoded_bytes_unchecked(&path))
            else {
                super::log("Error reading mix metadata file", ERROR as c_long);
                return null_mut();
            };
            let bad = || {
                super::log(
                    "Error in mix metadata file sequence record",
                    ERROR as c_long,
                );
                null_mut()
            };
            if data.first() != Some(&b'S') || !data.get(1).is_some_and(u8::is_ascii_hexdigit) {
                return bad();
            }
            let (v, rest) = crate::store::mix::format::hex(&data[1..]);
            if v < metaseq || !rest.starts_with(b"\r\n") {
                return bad();
            }
            if let Some(s) = seq.as_mut() {
                *s = v as c_ulong;
            }
            let skip = data.len() - rest.len() + 2;
            let Some(l) = local_of(stream, &mix_drivers()) else {
                return null_mut();
            };
            let p = keep(l, &data);
            p.add(skip)
        }
    })
}

/// `mix_meta_update`: the metadata file rewritten (UID state, keywords).
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mix_meta_update(stream: *mut MAILSTREAM) -> c_long {
    super::guard("mix_meta_update", 0, || {
        // SAFETY: forwarded contract.
        let r = unsafe { on_mix(stream, "mix_meta_update", |m, _| m.helper_meta_update()) };
        c_long::from(r == Some(true))
    })
}

/// `mix_modseq`: a new modification sequence: the time now, or one more
/// than `oldseq` when that is not later.
#[no_mangle]
pub extern "C" fn mix_modseq(oldseq: c_ulong) -> c_ulong {
    super::guard("mix_modseq", 0, || {
        // SAFETY: time(NULL).
        let now = unsafe { libc::time(null_mut()) } as c_ulong;
        if now <= oldseq {
            oldseq.wrapping_add(1)
        } else {
            now
        }
    })
}

/// The name of a `struct dirent` (the original's `struct direct`).
///
/// # Safety
/// `d` NULL or a dirent.
unsafe fn dirent_name<'a>(d: *const c_void) -> Option<&'a [u8]> {
    let d = d as *const libc::dirent;
    // SAFETY: per the contract.
    unsafe {
        d.as_ref()
            .map(|d| std::ffi::CStr::from_ptr(d.d_name.as_ptr()).to_bytes())
    }
}

/// A hexadecimal number at the start of `b` (as strtoul base 16; 0 for
/// none).
fn hex_prefix(b: &[u8]) -> u64 {
    crate::store::mix::format::hex(b).0
}

/// `mix_msgfsort`: qsort order of two data-file entries by number.
///
/// # Safety
/// `d1`, `d2` point to `struct dirent *`.
#[no_mangle]
pub unsafe extern "C" fn mix_msgfsort(d1: *const c_void, d2: *const c_void) -> c_int {
    super::guard("mix_msgfsort", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let num = |d: *const c_void| {
                let p = (d as *const *const c_void)
                    .as_ref()
                    .copied()
                    .unwrap_or(std::ptr::null());
                dirent_name(p).map_or(0, |n| hex_prefix(n.get(4..).unwrap_or(b"")))
            };
            match num(d1).cmp(&num(d2)) {
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            }
        }
    })
}

/// `mix_parse`: what changed in the metadata, index and status files taken
/// in; the status file returned locked as a FILE (NULL on failure), the
/// index in `*idxf` (locked exclusively with `iflags`).
///
/// # Safety
/// `stream` NULL or live; `idxf` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn mix_parse(
    stream: *mut MAILSTREAM,
    idxf: *mut *mut libc::FILE,
    iflags: c_long,
    sflags: c_long,
) -> *mut libc::FILE {
    super::guard("mix_parse", null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe {
            if let Some(p) = idxf.as_mut() {
                *p = null_mut();
            }
            let got = on_mix(stream, "mix_parse", |m, ev| {
                m.helper_parse(iflags != 0, sflags != 0, ev)
            })
            .flatten();
            let Some((index, status)) = got else {
                return null_mut();
            };
            match idxf.as_mut() {
                Some(p) => *p = into_file(index, c"r+b"),
                None => drop(index),
            }
            into_file(status, c"r+b")
        }
    })
}

/// `mix_read_record`: the next non-empty record (line without its CRLF)
/// of `f` into `buf`; an empty buffer at end of file; NULL (with an
/// error) for an overlong record.
///
/// # Safety
/// `f` NULL or an open FILE; `buf` NULL or writable for `buflen` bytes;
/// `type_` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mix_read_record(
    f: *mut libc::FILE,
    buf: *mut c_char,
    buflen: c_ulong,
    type_: *mut c_char,
) -> *mut c_char {
    super::guard("mix_read_record", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            if f.is_null() || buf.is_null() || buflen < 3 {
                return null_mut();
            }
            let what = String::from_utf8_lossy(c_bytes(type_).unwrap_or(b"")).into_owned();
            let n = buflen as usize;
            *buf.add(n - 2) = 0;
            *buf.add(n - 1) = 0;
            let room = (n - 1).min(c_int::MAX as usize) as c_int;
            while !libc::fgets(buf, room, f).is_null() {
                let got = std::ffi::CStr::from_ptr(buf).to_bytes();
                if let Some(nl) = got.iter().position(|&c| c == b'\n') {
                    let end = if nl > 0 && got[nl - 1] == b'\r' {
                        nl - 1
                    } else {
                        nl
                    };
                    *buf.add(end) = 0;
                    if end != 0 {
                        return buf;
                    }
                    super::log(&format!("Empty mix {what} record"), WARN as c_long);
                } else if *buf.add(n - 2) != 0 {
                    let mut t = format!("Oversize mix {what} record: ").into_bytes();
                    t.extend_from_slice(upto(got, 512));
                    super::log_bytes(&t, ERROR as c_long);
                    return null_mut();
                } else {
                    let mut t = format!("Truncated mix {what} record: ").into_bytes();
                    t.extend_from_slice(upto(got, 512));
                    super::log_bytes(&t, WARN as c_long);
                    return buf;
                }
            }
            *buf = 0;
            buf
        }
    })
}

/// `mix_read_sequence`: the sequence record of `f` (1 for an empty file,
/// 0 for anything else).
///
/// # Safety
/// `f` NULL or an open FILE.
#[no_mangle]
pub unsafe extern "C" fn mix_read_sequence(f: *mut libc::FILE) -> c_ulong {
    super::guard("mix_read_sequence", 0, || {
        let mut tmp = vec![0 as c_char; MAILTMPLEN as usize];
        // SAFETY: the buffer holds MAILTMPLEN bytes.
        let r = unsafe {
            mix_read_record(
                f,
                tmp.as_mut_ptr(),
                MAILTMPLEN as c_ulong - 1,
                c"sequence".as_ptr() as *mut c_char,
            )
        };
        if r.is_null() {
            return 0;
        }
        // SAFETY: NUL-terminated by mix_read_record.
        let rec = unsafe { std::ffi::CStr::from_ptr(tmp.as_ptr()) }.to_bytes();
        match rec.first() {
            None => 1,
            Some(b'S') if rec.get(1).is_some_and(u8::is_ascii_hexdigit) => {
                let (v, rest) = crate::store::mix::format::hex(&rec[1..]);
                if rest.is_empty() {
                    v as c_ulong
                } else {
                    0
                }
            }
            _ => 0,
        }
    })
}

/// `mix_rselect`: scandir filter for the format's own files.
///
/// # Safety
/// `name` NULL or a dirent.
#[no_mangle]
pub unsafe extern "C" fn mix_rselect(name: *mut c_void) -> c_int {
    super::guard("mix_rselect", 0, || {
        // SAFETY: per the contract.
        let n = unsafe { dirent_name(name) };
        c_int::from(n.is_some_and(crate::store::mix::dirfmt_test))
    })
}

/// `mix_select`: scandir filter for data files (".mix" and hex digits).
///
/// # Safety
/// `name` NULL or a dirent.
#[no_mangle]
pub unsafe extern "C" fn mix_select(name: *mut c_void) -> c_int {
    super::guard("mix_select", 0, || {
        // SAFETY: per the contract.
        let n = unsafe { dirent_name(name) };
        c_int::from(n.is_some_and(|n| {
            crate::store::mix::dirfmt_test(n) && n[4..].iter().all(u8::is_ascii_hexdigit)
        }))
    })
}

/// `mix_subscribe`: `sm_subscribe`.
///
/// # Safety
/// `mailbox` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mix_subscribe(_stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    // SAFETY: forwarded contract.
    super::guard("mix_subscribe", 0, || unsafe {
        subscription(mailbox, true)
    })
}

/// `mix_unsubscribe`: `sm_unsubscribe`.
///
/// # Safety
/// `mailbox` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mix_unsubscribe(_stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    // SAFETY: forwarded contract.
    super::guard("mix_unsubscribe", 0, || unsafe {
        subscription(mailbox, false)
    })
}

// ---------------------------------------------------------------------------
// mx

use crate::store::mx::MxMailbox;

/// Runs `f` on the stream's mx session.
///
/// # Safety
/// `stream` NULL or live.
unsafe fn on_mx<R>(
    stream: *mut MAILSTREAM,
    func: &str,
    f: impl FnOnce(&mut MxMailbox, &mut dyn Events) -> R,
) -> Option<R> {
    // SAFETY: per the contract.
    unsafe { on_as(stream, &mx_drivers(), func, "mx", f) }
}

/// `mx_append_msg`: one message file added to the stream's mailbox with
/// the next UID (noted in `set`), its date from `elt` when given.
///
/// # Safety
/// `stream` NULL or live; `flags` NULL or NUL-terminated; `elt` NULL or an
/// element; `st` a STRING; `set` NULL or a SEARCHSET.
#[no_mangle]
pub unsafe extern "C" fn mx_append_msg(
    stream: *mut MAILSTREAM,
    flags: *mut c_char,
    elt: *mut MESSAGECACHE,
    st: *mut STRING,
    set: *mut SEARCHSET,
) -> c_long {
    super::guard("mx_append_msg", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if ours(stream, &mx_drivers(), "mx_append_msg", "mx").is_none()
                || st.is_null()
                || (*st).dtb.is_null()
            {
                return 0;
            }
            let message = read_string(st);
            let text = c_bytes(flags).unwrap_or(b"").to_vec();
            let date = elt.as_ref().map(super::dates::read_fields);
            let uid = on_mx(stream, "mx_append_msg", |m, ev| {
                let (fl, keywords) = bridge::parse_append_flags(&text, ev);
                let am = AppendMessage {
                    flags: fl,
                    keywords,
                    date,
                    message,
                };
                m.helper_append(&am, ev)
            })
            .flatten();
            let Some(uid) = uid else { return 0 };
            if !set.is_null() {
                mail_append_set(set, c_ulong::from(uid));
            }
            1
        }
    })
}

/// `mx_fast`: the dates and sizes of the messages of `sequence` loaded.
///
/// # Safety
/// `stream` NULL or live; `sequence` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mx_fast(stream: *mut MAILSTREAM, sequence: *mut c_char, flags: c_long) {
    super::guard("mx_fast", (), || {
        // SAFETY: forwarded contract.
        unsafe {
            if ours(stream, &mx_drivers(), "mx_fast", "mx").is_some() && !sequence.is_null() {
                bridge::fast(stream, sequence, flags);
            }
        }
    })
}

/// `mx_fast_work`: `elt`'s message file name (in a stream-owned buffer),
/// its size and a date from the file's time set in `elt` when it has no
/// size yet.
///
/// # Safety
/// `stream` NULL or live; `elt` NULL or one of its elements.
#[no_mangle]
pub unsafe extern "C" fn mx_fast_work(
    stream: *mut MAILSTREAM,
    elt: *mut MESSAGECACHE,
) -> *mut c_char {
    super::guard("mx_fast_work", null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe {
            if ours(stream, &mx_drivers(), "mx_fast_work", "mx").is_none() {
                return null_mut();
            }
            let Some(e) = elt.as_mut() else {
                return null_mut();
            };
            let Some(i) = index_of(stream, e.msgno) else {
                return null_mut();
            };
            let Some(path) =
                on_mx(stream, "mx_fast_work", |m, _| m.helper_message_path(i)).flatten()
            else {
                return null_mut();
            };
            if e.rfc822_size == 0 {
                let c = std::ffi::CString::new(path.clone()).unwrap_or_default();
                let mut sb: libc::stat = std::mem::zeroed();
                if libc::stat(c.as_ptr(), &mut sb) == 0 {
                    let mut tm: libc::tm = std::mem::zeroed();
                    libc::gmtime_r(&sb.st_mtime, &mut tm);
                    e.set_day(tm.tm_mday as u32);
                    e.set_month((tm.tm_mon + 1) as u32);
                    e.set_year((tm.tm_year + 1900 - BASEYEAR as c_int) as u32);
                    e.set_hours(tm.tm_hour as u32);
                    e.set_minutes(tm.tm_min as u32);
                    e.set_seconds(tm.tm_sec as u32);
                    e.set_zhours(0);
                    e.set_zminutes(0);
                    e.set_zoccident(0);
                    e.rfc822_size = sb.st_size as c_ulong;
                }
            }
            let Some(l) = local_of(stream, &mx_drivers()) else {
                return null_mut();
            };
            keep(l, &path)
        }
    })
}

/// `mx_file`: the directory of mailbox `name` into `dst`.
///
/// # Safety
/// `dst` writable for MAILTMPLEN bytes; `name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mx_file(dst: *mut c_char, name: *mut c_char) -> *mut c_char {
    super::guard("mx_file", dst, || {
        // SAFETY: per the contract.
        unsafe {
            if dst.is_null() {
                return dst;
            }
            let d = c_bytes(name)
                .map(crate::store::mx::directory)
                .unwrap_or_default();
            if !put_path(dst, &d) {
                *dst = 0;
            }
            dst
        }
    })
}

/// `mx_flag`: the end of a flag change: the index written and released.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mx_flag(
    stream: *mut MAILSTREAM,
    _seq: *mut c_char,
    _flag: *mut c_char,
    _flags: c_long,
) {
    super::guard("mx_flag", (), || {
        // SAFETY: forwarded contract.
        unsafe {
            // After the driver's own per-message calls the session has the
            // change; else (a C caller's mx_lockindex) the cache is written.
            let done = local_of(stream, &mx_drivers()).is_some()
                && on_mx(stream, "mx_flag", |m, _| m.helper_flag_end()) == Some(true);
            if !done {
                unlock_index(stream, "mx_flag");
            }
        }
    })
}

/// `mx_isvalid`: whether `name` is an mx mailbox (its directory goes to
/// `tmp`); errno as the original leaves it.
///
/// # Safety
/// `name` NULL or NUL-terminated; `tmp` NULL or writable for MAILTMPLEN
/// bytes.
#[no_mangle]
pub unsafe extern "C" fn mx_isvalid(name: *mut c_char, tmp: *mut c_char) -> c_int {
    super::guard("mx_isvalid", 0, || {
        // SAFETY: per the contract.
        unsafe {
            set_errno(0);
            let Some(n) = c_bytes(name) else { return 0 };
            let dir = crate::store::mx::directory(n);
            put_path(tmp, &dir);
            // The original leaves the index's name there when the name is
            // a directory.
            let is_dir = !dir.is_empty()
                && std::fs::metadata(std::ffi::OsStr::from_encoded_bytes_unchecked(&dir))
                    .is_ok_and(|m| m.is_dir());
            if is_dir {
                put_path(tmp, &[&dir[..], b"/.mxindex"].concat());
            }
            use crate::store::mx::Probe;
            match crate::store::mx::probe(n) {
                Probe::Valid => 1,
                Probe::NotMx => {
                    set_errno(0);
                    0
                }
                Probe::Missing(e) => {
                    set_errno(e.unwrap_or(0));
                    0
                }
            }
        }
    })
}

/// `mx_lockindex`: the index locked and read into the session (held until
/// `mx_unlockindex`); 1 on success.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mx_lockindex(stream: *mut MAILSTREAM) -> c_long {
    super::guard("mx_lockindex", 0, || {
        // SAFETY: forwarded contract.
        let r = unsafe { on_mx(stream, "mx_lockindex", |m, ev| m.helper_lock_index(ev)) };
        c_long::from(r == Some(true))
    })
}

/// The index written from the application's cache and released.
///
/// # Safety
/// `stream` NULL or live.
unsafe fn unlock_index(stream: *mut MAILSTREAM, func: &str) {
    // SAFETY: per the contract.
    unsafe {
        if ours(stream, &mx_drivers(), func, "mx").is_none() {
            return;
        }
        let flags = cache_flags(stream);
        on_mx(stream, func, |m, _| {
            for (i, (f, k)) in flags.into_iter().enumerate() {
                m.helper_set_flags(i, f, k);
            }
            m.helper_unlock_index();
        });
    }
}

/// `mx_unlockindex`: the index written from the session and released.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mx_unlockindex(stream: *mut MAILSTREAM) {
    // SAFETY: forwarded contract.
    super::guard("mx_unlockindex", (), || unsafe {
        unlock_index(stream, "mx_unlockindex")
    })
}

/// `mx_numsort`: qsort order of two message-file entries by number.
///
/// # Safety
/// `d1`, `d2` point to `struct dirent *`.
#[no_mangle]
pub unsafe extern "C" fn mx_numsort(d1: *const c_void, d2: *const c_void) -> c_int {
    super::guard("mx_numsort", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let num = |d: *const c_void| {
                let p = (d as *const *const c_void)
                    .as_ref()
                    .copied()
                    .unwrap_or(std::ptr::null());
                dirent_name(p).map_or(0, |n| {
                    let c = std::ffi::CString::new(n).unwrap_or_default();
                    libc::atoi(c.as_ptr())
                })
            };
            num(d1).wrapping_sub(num(d2))
        }
    })
}

/// `mx_rename_work`: renames `src/name` to `dst` followed by `name`; 0 on
/// success, -1 with errno.
///
/// # Safety
/// `src`, `dst`, `name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mx_rename_work(
    src: *mut c_char,
    _srcl: usize,
    dst: *mut c_char,
    _dstl: usize,
    name: *mut c_char,
) -> c_int {
    super::guard("mx_rename_work", -1, || {
        // SAFETY: per the contract.
        unsafe {
            let (Some(s), Some(d), Some(n)) = (c_bytes(src), c_bytes(dst), c_bytes(name)) else {
                set_errno(libc::EINVAL);
                return -1;
            };
            let from = std::ffi::CString::new([s, b"/", n].concat()).unwrap_or_default();
            let to = std::ffi::CString::new([d, n].concat()).unwrap_or_default();
            libc::rename(from.as_ptr(), to.as_ptr())
        }
    })
}

/// `mx_select`: scandir filter for message files (all digits).
///
/// # Safety
/// `name` NULL or a dirent.
#[no_mangle]
pub unsafe extern "C" fn mx_select(name: *mut c_void) -> c_int {
    super::guard("mx_select", 0, || {
        // SAFETY: per the contract.
        let n = unsafe { dirent_name(name) };
        c_int::from(n.is_some_and(|n| n.iter().all(u8::is_ascii_digit)))
    })
}

/// `mx_setdate`: `file`'s modification time set to `elt`'s internal date
/// (access time now).
///
/// # Safety
/// `file` NULL or NUL-terminated; `elt` NULL or an element.
#[no_mangle]
pub unsafe extern "C" fn mx_setdate(file: *mut c_char, elt: *mut MESSAGECACHE) {
    super::guard("mx_setdate", (), || {
        // SAFETY: per the contract.
        unsafe {
            if file.is_null() || elt.is_null() {
                return;
            }
            let m = mail_longdate(elt) as libc::time_t;
            let now = libc::time(null_mut());
            let t = [
                libc::timespec {
                    tv_sec: now,
                    tv_nsec: 0,
                },
                libc::timespec {
                    tv_sec: m,
                    tv_nsec: 0,
                },
            ];
            libc::utimensat(libc::AT_FDCWD, file, t.as_ptr(), 0);
        }
    })
}

/// `mx_subscribe`: `sm_subscribe`.
///
/// # Safety
/// `mailbox` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mx_subscribe(_stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    // SAFETY: forwarded contract.
    super::guard("mx_subscribe", 0, || unsafe { subscription(mailbox, true) })
}

/// `mx_unsubscribe`: `sm_unsubscribe`.
///
/// # Safety
/// `mailbox` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mx_unsubscribe(_stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    // SAFETY: forwarded contract.
    super::guard("mx_unsubscribe", 0, || unsafe {
        subscription(mailbox, false)
    })
}
