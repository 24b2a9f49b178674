//! The `.newsrc` file: which newsgroups a user subscribes to (`group:`),
//! which not (`group!`), and which articles of each were read, as ranges
//! after the colon (`comp.mail.imap: 1-107,110,112-130`).
//!
//! The file is read and written the way the original's newsrc routines do
//! it, byte for byte, quirks included, because other news readers (and the
//! original library) share it with us:
//! - a line is a name ended by `:` or `!`; a name is read at most 1023
//!   bytes at a time, and what does not end with a delimiter is no entry;
//! - the newline convention (LF, CR or CRLF) is the first one seen;
//! - rewriting an entry copies the file to `NAME.old` first and rebuilds it
//!   from that copy (the copy step of the original turns the first CR of
//!   the file into the byte that follows it; kept, since it is what lands
//!   on disk);
//! - a line without a delimiter (a blank line, an `options` line) is
//!   dropped when an entry is rewritten;
//! - articles below the first one in the spool count as read.
//!
//! Every function reports through [`Events`] (log lines, the `[UNSEEN]`
//! notice, LSUB answers) in the order the original calls the application.

use crate::store::events::{attributes, Events, Level};
use crate::store::pattern::pmatch_full;
use std::ffi::OsStr;
use std::io::{Seek, SeekFrom, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The original's scratch buffer size (names are read into MAILTMPLEN).
const TMPLEN: usize = 1024;
const EOF: i32 = -1;
const CR: i32 = 0x0d;
const LF: i32 = 0x0a;

/// A file read byte by byte with the stdio operations the format needs.
struct Cursor {
    data: Vec<u8>,
    pos: usize,
}

impl Cursor {
    fn new(data: Vec<u8>) -> Self {
        Cursor { data, pos: 0 }
    }
    fn getc(&mut self) -> i32 {
        match self.data.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                i32::from(b)
            }
            None => EOF,
        }
    }
    fn ungetc(&mut self, c: i32) {
        if c != EOF && self.pos > 0 {
            self.pos -= 1;
        }
    }
    /// Reads a newsgroup name: up to a delimiter, a line end or the end of
    /// the file, at most `TMPLEN - 1` bytes. `c` is left at the last byte
    /// read (the delimiter, or the last byte of a name cut short). `pos`
    /// is set after each byte taken into the name.
    fn name(&mut self, c: &mut i32, pos: &mut usize, limit: usize) -> Vec<u8> {
        let mut name = Vec::new();
        while name.len() < limit {
            *c = self.getc();
            if *c == EOF || *c == i32::from(b':') || *c == i32::from(b'!') || *c == CR || *c == LF {
                break;
            }
            *pos = self.pos;
            name.push(*c as u8);
        }
        name
    }
    /// Skips to the end of the current line (leaves `c` at CR, LF or EOF).
    fn skip_line(&mut self, c: &mut i32) {
        while *c != CR && *c != LF && *c != EOF {
            *c = self.getc();
        }
    }
}

fn is_digit(c: i32) -> bool {
    (i32::from(b'0')..=i32::from(b'9')).contains(&c)
}

/// `%.80s`: at most 80 bytes of `s`.
fn cut80(s: &[u8]) -> &[u8] {
    &s[..s.len().min(80)]
}

fn text(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn path(name: &[u8]) -> &Path {
    Path::new(OsStr::from_bytes(name))
}

/// What reading a group's state did to each message (only ever sets).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mark {
    pub valid: bool,
    /// Read (the news drivers keep "read" in `\Deleted`).
    pub deleted: bool,
    pub recent: bool,
}

/// `newsrc_read`: the state of `group` in the newsrc `file`, applied to the
/// messages whose UIDs are `uids` (ascending). Returns one mark per message
/// and the number of recent (never read, beyond the recorded ranges)
/// messages. Reports "Bogus character" and "No state" log lines and the
/// `[UNSEEN]` notice.
pub fn read(file: &[u8], group: &[u8], uids: &[u64], ev: &mut dyn Events) -> (Vec<Mark>, u64) {
    read_from(std::fs::read(path(file)).ok(), group, uids, ev)
}

/// [`read`] on the file's contents (None: no file).
pub fn read_from(
    data: Option<Vec<u8>>,
    group: &[u8],
    uids: &[u64],
    ev: &mut dyn Events,
) -> (Vec<Mark>, u64) {
    let n = uids.len();
    let mut marks = vec![Mark::default(); n];
    // m is 1-based as in the cache.
    let mut m = 1usize;
    let mut recent = 0u64;
    let mut unseen = 0usize;
    let uid = |m: usize| uids[m - 1];
    let mut open = false;
    if let Some(data) = data {
        open = true;
        let mut f = Cursor::new(data);
        let mut c: i32;
        loop {
            c = 0;
            let mut pos = 0;
            let name = f.name(&mut c, &mut pos, TMPLEN - 1);
            if c == i32::from(b':') || c == i32::from(b'!') {
                if name != group {
                    f.skip_line(&mut c);
                } else {
                    loop {
                        c = f.getc();
                        if c != i32::from(b' ') {
                            break;
                        }
                    }
                    if n > 0 {
                        while open && m <= n {
                            if is_digit(c) {
                                let mut i = 0u64;
                                let mut j = 0u64;
                                while is_digit(c) {
                                    i = i.wrapping_mul(10).wrapping_add((c - 0x30) as u64);
                                    c = f.getc();
                                }
                                if c == i32::from(b'-') {
                                    c = f.getc();
                                    while is_digit(c) {
                                        j = j.wrapping_mul(10).wrapping_add((c - 0x30) as u64);
                                        c = f.getc();
                                    }
                                }
                                if unseen == 0 && uid(m) < i {
                                    unseen = m;
                                }
                                while m <= n && uid(m) < i {
                                    marks[m - 1].valid = true;
                                    m += 1;
                                }
                                while m <= n
                                    && (if j != 0 {
                                        uid(m) >= i && uid(m) <= j
                                    } else {
                                        uid(m) == i
                                    })
                                {
                                    marks[m - 1].valid = true;
                                    marks[m - 1].deleted = true;
                                    m += 1;
                                }
                            }
                            if c == i32::from(b',') {
                                c = f.getc();
                            } else {
                                if c != EOF && c != CR && c != LF {
                                    let t = format!("Bogus character 0x{:x} in news state", c);
                                    ev.log(t.as_bytes(), Level::Error);
                                }
                                open = false;
                            }
                        }
                    } else {
                        f.skip_line(&mut c);
                        open = false;
                    }
                }
            }
            if !(open && c != EOF) {
                break;
            }
        }
    }
    if open {
        let t = text(&[
            b"No state for newsgroup ",
            cut80(group),
            b" found, reading as new",
        ]);
        ev.log(&t, Level::Warn);
    }
    if m <= n {
        if unseen == 0 {
            unseen = m;
        }
        while m <= n {
            marks[m - 1].valid = true;
            marks[m - 1].recent = true;
            recent += 1;
            m += 1;
        }
    }
    if unseen != 0 {
        let t = format!("[UNSEEN] {} is first unseen message in ", unseen);
        let t = text(&[t.as_bytes(), cut80(group)]);
        ev.notify(&t, Level::Info);
    }
    (marks, recent)
}

/// The read ranges of a group as `newsrc_newmessages` writes them (with
/// the leading space, then `nl`): `msgs` are (UID, read) pairs in order.
pub fn ranges(msgs: &[(u64, bool)], nl: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if let Some(&(first, _)) = msgs.first() {
        let mut sep = b' ';
        let mut j = if first > 1 { 1u64 } else { 0 };
        let mut k = j;
        let dump = |out: &mut Vec<u8>, sep: &mut u8, j: u64, k: u64| {
            out.push(*sep);
            if j == k {
                out.extend_from_slice((j as i64).to_string().as_bytes());
            } else {
                out.extend_from_slice(format!("{}-{}", j as i64, k as i64).as_bytes());
            }
            *sep = b',';
        };
        for &(uid, read) in msgs {
            if read {
                k = uid;
                if j == 0 {
                    j = k;
                }
            } else if j != 0 {
                k = uid.wrapping_sub(1);
                if k != 0 {
                    dump(&mut out, &mut sep, j, k);
                }
                j = 0;
            }
        }
        if j != 0 {
            dump(&mut out, &mut sep, j, k);
        }
    }
    out.extend_from_slice(nl);
    out
}

/// The backup copy the writer makes of newsrc bytes, the newline
/// convention it sniffs on the way, and the last byte copied (EOF when
/// none).
pub fn backup_copy(data: &[u8]) -> (Vec<u8>, Vec<u8>, i32) {
    let mut f = Cursor::new(data.to_vec());
    let mut nl: Vec<u8> = Vec::new();
    let mut out = Vec::with_capacity(data.len());
    let mut last = EOF;
    loop {
        let mut c = f.getc();
        if c == EOF {
            break;
        }
        if nl.is_empty() && (c == CR || c == LF) {
            nl.push(c as u8);
            if c == CR {
                c = f.getc();
                if c == LF {
                    nl.push(b'\n');
                }
                f.ungetc(c);
            }
        }
        // putc of EOF writes 0xff and returns it.
        let byte = (c & 0xff) as u8;
        out.push(byte);
        last = i32::from(byte);
    }
    (out, nl, last)
}

fn created(ev: &mut dyn Events, file: &[u8], notify: bool) -> bool {
    match std::fs::File::create(path(file)) {
        Ok(_) => {
            if notify {
                ev.log(&text(&[b"Creating news state ", cut80(file)]), Level::Warn);
            }
            true
        }
        Err(_) => {
            ev.log(
                &text(&[b"Unable to create news state ", cut80(file)]),
                Level::Error,
            );
            false
        }
    }
}

fn write_error(ev: &mut dyn Events, file: &[u8]) -> bool {
    ev.log(&text(&[b"Error writing to ", cut80(file)]), Level::Error);
    false
}

/// `newsrc_write`: records the read state of `group` (`msgs`: UID and
/// read flag of every message, ascending) in the newsrc `file`, keeping a
/// copy of the old file in `file.old`. True on success.
pub fn write(file: &[u8], group: &[u8], msgs: &[(u64, bool)], ev: &mut dyn Events) -> bool {
    let mut backup = file.to_vec();
    backup.extend_from_slice(b".old");
    let (source, nl) = match std::fs::read(path(file)) {
        Ok(data) => {
            let (copy, nl, last) = backup_copy(&data);
            if std::fs::write(path(&backup), &copy).is_err() {
                ev.log(
                    &text(&[b"Can't create backup news state ", cut80(&backup)]),
                    Level::Error,
                );
                return false;
            }
            if last == EOF {
                // An empty file: written afresh.
                if !created(ev, file, false) {
                    return false;
                }
                (None, nl)
            } else if nl.is_empty() {
                ev.log(
                    &text(&[b"Unknown newline convention in ", cut80(file)]),
                    Level::Error,
                );
                return false;
            } else {
                match std::fs::read(path(&backup)) {
                    Ok(b) => (Some(b), nl),
                    Err(_) => {
                        ev.log(
                            &text(&[b"Error reading backup news state ", cut80(&backup)]),
                            Level::Error,
                        );
                        return false;
                    }
                }
            }
        }
        Err(_) => {
            if !created(ev, file, true) {
                return false;
            }
            (None, Vec::new())
        }
    };
    let out = rebuild(source, &nl, group, msgs);
    if std::fs::write(path(file), &out).is_err() {
        return write_error(ev, file);
    }
    true
}

/// The newsrc after [`write`]: `source` (the backup's bytes, None for a
/// new or empty file) with the entry of `group` replaced, or appended.
pub fn rebuild(source: Option<Vec<u8>>, nl: &[u8], group: &[u8], msgs: &[(u64, bool)]) -> Vec<u8> {
    let nl: &[u8] = if nl.is_empty() { b"\n" } else { nl };
    let mut out = Vec::new();
    let mut done = false;
    if let Some(source) = source {
        let mut bf = Cursor::new(source);
        loop {
            let mut c = 0;
            let mut pos = 0;
            let name = bf.name(&mut c, &mut pos, TMPLEN - 1);
            if !name.is_empty() && (c == i32::from(b':') || c == i32::from(b'!')) {
                out.extend_from_slice(&name);
                out.push(c as u8);
                if name == group {
                    out.extend_from_slice(&ranges(msgs, nl));
                    loop {
                        c = bf.getc();
                        if c == EOF || c == CR || c == LF {
                            break;
                        }
                    }
                    while c == CR || c == LF {
                        c = bf.getc();
                    }
                    while c != EOF {
                        out.push(c as u8);
                        c = bf.getc();
                    }
                    done = true;
                } else {
                    loop {
                        c = bf.getc();
                        if c == EOF || c == CR || c == LF {
                            break;
                        }
                        out.push(c as u8);
                    }
                }
                if c == CR {
                    out.push(b'\r');
                    c = bf.getc();
                    if c != EOF && c != LF {
                        bf.ungetc(c);
                    }
                }
                if c == LF {
                    out.push(b'\n');
                }
            }
            if c == EOF || done {
                break;
            }
        }
    }
    if !done {
        out.extend_from_slice(group);
        out.push(b':');
        out.extend_from_slice(&ranges(msgs, nl));
    }
    out
}

/// `newsrc_update`: sets the subscription of `group` to `state` (`:`
/// subscribed, `!` not) in the newsrc `file`, in place when the group has
/// an entry, else appended. True on success.
pub fn update(file: &[u8], group: &[u8], state: u8, ev: &mut dyn Events) -> bool {
    let entry = |nl: &[u8]| text(&[group, &[state, b' '], nl]);
    let Ok(data) = std::fs::read(path(file)) else {
        return created(ev, file, true) && std::fs::write(path(file), entry(b"\n")).is_ok();
    };
    let mut f = Cursor::new(data);
    let mut nl: Vec<u8> = Vec::new();
    let mut pos = 0usize;
    let mut c: i32;
    loop {
        c = 0;
        let name = f.name(&mut c, &mut pos, TMPLEN - 1);
        if (c == i32::from(b':') || c == i32::from(b'!')) && name == group {
            if c == i32::from(state) {
                if c == i32::from(b':') {
                    ev.log(
                        &text(&[b"Already subscribed to ", cut80(group)]),
                        Level::Warn,
                    );
                }
                return true;
            }
            let res = std::fs::OpenOptions::new()
                .write(true)
                .open(path(file))
                .and_then(|mut w| {
                    w.seek(SeekFrom::Start(pos as u64))?;
                    w.write_all(&[state])
                });
            return res.is_ok();
        }
        f.skip_line(&mut c);
        if nl.is_empty() && (c == CR || c == LF) {
            nl.push(c as u8);
            if c == CR {
                c = f.getc();
                if c == LF {
                    nl.push(b'\n');
                } else {
                    f.ungetc(c);
                }
            }
        }
        if c == EOF {
            break;
        }
    }
    if !nl.is_empty() {
        std::fs::OpenOptions::new()
            .append(true)
            .open(path(file))
            .and_then(|mut w| w.write_all(&entry(&nl)))
            .is_ok()
    } else if pos != 0 {
        ev.log(
            &text(&[b"Unknown newline convention in ", cut80(file)]),
            Level::Error,
        );
        false
    } else {
        created(ev, file, false) && std::fs::write(path(file), entry(b"\n")).is_ok()
    }
}

/// `newsrc_lsub`: the subscribed groups of the newsrc `file` that match
/// `pattern` (a `#news.` name, possibly remote), reported as LSUB answers;
/// with a trailing `%`, the levels above a group that match, as
/// `\NoSelect`.
pub fn lsub(file: &[u8], pattern: &[u8], ev: &mut dyn Events) {
    if let Ok(data) = std::fs::read(path(file)) {
        lsub_from(data, pattern, ev);
    }
}

/// [`lsub`] on the file's contents.
pub fn lsub_from(data: Vec<u8>, pattern: &[u8], ev: &mut dyn Events) {
    let show_uppers = pattern.last() == Some(&b'%');
    let mut lcl = 0usize;
    if pattern.first() == Some(&b'{') {
        if let Some(p) = pattern.iter().position(|&b| b == b'}') {
            lcl = p + 1;
        }
    }
    if pattern.get(lcl) == Some(&b'#') {
        lcl += 6;
    }
    let lcl = lcl.min(TMPLEN - 1);
    let mut prefix = pattern[..lcl.min(pattern.len())].to_vec();
    // Bytes past the end of the pattern were NULs in the original's buffer.
    prefix.resize(lcl, 0);
    let mut f = Cursor::new(data);
    let mut c = 0;
    while c != EOF {
        let mut pos = 0;
        let read = f.name(&mut c, &mut pos, TMPLEN - 1 - lcl);
        if c == i32::from(b':') {
            let mut name = prefix.clone();
            name.extend_from_slice(&read);
            // A NUL in the prefix ends the C string there.
            let cstr = |v: &[u8]| -> Vec<u8> {
                let end = v.iter().position(|&b| b == 0).unwrap_or(v.len());
                v[..end].to_vec()
            };
            if pmatch_full(&cstr(&name), pattern, b'.') {
                ev.lsub(Some(b'.'), &cstr(&name), 0);
            } else if show_uppers {
                let mut local = read.clone();
                while let Some(dot) = local.iter().rposition(|&b| b == b'.') {
                    local.truncate(dot);
                    let mut up = prefix.clone();
                    up.extend_from_slice(&local);
                    let up = cstr(&up);
                    if pmatch_full(&up, pattern, b'.') {
                        ev.lsub(Some(b'.'), &up, attributes::NOSELECT);
                    }
                }
            }
        }
        f.skip_line(&mut c);
    }
}

/// `newsrc_state`: the state text of `group` (what follows `group:` or
/// `group!` and its spaces, to the end of the line), or None after a
/// "No state" warning.
pub fn state(file: &[u8], group: &[u8], ev: &mut dyn Events) -> Option<Vec<u8>> {
    state_from(std::fs::read(path(file)).ok(), group, ev)
}

/// [`state`] on the file's contents (None: no file).
pub fn state_from(data: Option<Vec<u8>>, group: &[u8], ev: &mut dyn Events) -> Option<Vec<u8>> {
    if let Some(data) = data {
        let mut f = Cursor::new(data);
        let mut c: i32;
        loop {
            c = 0;
            let mut pos = 0;
            let name = f.name(&mut c, &mut pos, TMPLEN - 1);
            if c == i32::from(b':') || c == i32::from(b'!') {
                if name != group {
                    f.skip_line(&mut c);
                } else {
                    let mut begin;
                    loop {
                        begin = f.pos;
                        c = f.getc();
                        if c != i32::from(b' ') {
                            break;
                        }
                    }
                    let mut size = 0;
                    while c != CR && c != LF && c != EOF {
                        size += 1;
                        c = f.getc();
                    }
                    return Some(f.data[begin..begin + size].to_vec());
                }
            }
            if c == EOF {
                break;
            }
        }
    }
    ev.log(
        &text(&[b"No state for newsgroup ", cut80(group), b" found"]),
        Level::Warn,
    );
    None
}

/// `newsrc_check_uid`: counts `uid` as unseen (and recent) against the
/// state text of a group: unseen when no range holds it, recent as well
/// when it is above every range. A malformed state stops the check.
pub fn check_uid(state: &[u8], uid: u64, recent: &mut u64, unseen: &mut u64) {
    let at = |p: usize| state.get(p).copied().unwrap_or(0);
    let digit = |b: u8| b.is_ascii_digit();
    let mut p = 0;
    while at(p) != 0 {
        let mut i = 0u64;
        while digit(at(p)) {
            i = i.wrapping_mul(10).wrapping_add(u64::from(at(p) - b'0'));
            p += 1;
        }
        let j = if at(p) != b'-' {
            i
        } else {
            let mut j = 0u64;
            p += 1;
            while digit(at(p)) {
                j = j.wrapping_mul(10).wrapping_add(u64::from(at(p) - b'0'));
                p += 1;
            }
            if j == 0 {
                j = i;
            }
            if j < i {
                return;
            }
            j
        };
        if at(p) == b',' {
            p += 1;
        } else if at(p) != 0 {
            return;
        }
        if uid <= j {
            if uid < i {
                *unseen += 1;
            }
            return;
        }
    }
    *unseen += 1;
    *recent += 1;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::events::{Event, Recorder};

    fn tmp(name: &str, content: Option<&[u8]>) -> Vec<u8> {
        let dir = std::env::temp_dir().join(format!("newsrc-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        let _ = std::fs::remove_file(&p);
        if let Some(c) = content {
            std::fs::write(&p, c).unwrap();
        }
        p.as_os_str().as_bytes().to_vec()
    }

    #[test]
    fn read_marks_ranges() {
        let f = tmp("r1", Some(b"a.b: 1-3,5\nc.d! 2\n"));
        let mut ev = Recorder::new();
        let (marks, recent) = read(&f, b"a.b", &[2, 3, 4, 5, 6, 7], &mut ev);
        let del: Vec<bool> = marks.iter().map(|m| m.deleted).collect();
        assert_eq!(del, [true, true, false, true, false, false]);
        assert_eq!(recent, 2);
        assert!(matches!(&ev.events[0], Event::Notify(t, _) if t.starts_with(b"[UNSEEN] 3 ")));
    }

    #[test]
    fn write_rewrites_entry() {
        let f = tmp("w1", Some(b"x.y: 1\na.b: 1-3\nz! \n"));
        let mut ev = Recorder::new();
        assert!(write(
            &f,
            b"a.b",
            &[(2, true), (3, false), (4, true)],
            &mut ev
        ));
        let got = std::fs::read(path(&f)).unwrap();
        assert_eq!(got, b"x.y: 1\na.b: 1-2,4\nz! \n");
    }

    #[test]
    fn ranges_format() {
        assert_eq!(
            ranges(&[(1, true), (2, true), (3, false)], b"\n"),
            b" 1-2\n"
        );
        assert_eq!(ranges(&[(5, false), (6, true)], b"\n"), b" 1-4,6\n");
        assert_eq!(ranges(&[], b"\n"), b"\n");
    }

    #[test]
    fn update_in_place_and_append() {
        let f = tmp("u1", Some(b"a.b: 1-3\n"));
        let mut ev = Recorder::new();
        assert!(update(&f, b"a.b", b'!', &mut ev));
        assert!(update(&f, b"c.d", b':', &mut ev));
        assert_eq!(std::fs::read(path(&f)).unwrap(), b"a.b! 1-3\nc.d: \n");
    }

    #[test]
    fn check_uid_counts() {
        let (mut r, mut u) = (0, 0);
        for uid in 1..=8 {
            check_uid(b"1-3,5", uid, &mut r, &mut u);
        }
        assert_eq!((r, u), (3, 4));
    }
}
