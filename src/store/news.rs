//! The local news spool (`#news.group.name`): the active file says which
//! groups exist (one line each, the name up to the first space), each
//! group is a directory of the spool (dots become slashes) holding one
//! file per article, named by its number. Articles are read-only; which
//! were read is kept in the `.newsrc` (`env::newsrc`).
//!
//! This module holds the parts that do not touch the C message cache:
//! names, the active file, the spool directory, article sizes and texts.
//! The driver itself (the cache elements, `.newsrc` at open and close) is
//! `src/abi/news.rs`.

use super::events::{attributes, Events, Level};
use super::pattern::pmatch_full;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// At most this many wildcards in a LIST/LSUB pattern.
const MAX_WILDCARDS: usize = 10;

fn path(name: &[u8]) -> &Path {
    Path::new(OsStr::from_bytes(name))
}

/// Whether `name` has the form of a news name (`#news.` and no `/`).
pub fn is_news_name(name: &[u8]) -> bool {
    name.starts_with(b"#news.") && !name.contains(&b'/')
}

/// The active file's contents, when the spool directory exists and the
/// active file can be read (the original's condition for every lookup).
pub fn read_active(active: &[u8], spool: &[u8]) -> Option<Vec<u8>> {
    std::fs::metadata(path(spool)).ok()?;
    std::fs::read(path(active)).ok()
}

/// The group names of an active file, in order: each line's text up to
/// its first space (lines without a space name no group).
pub fn groups(active: &[u8]) -> impl Iterator<Item = &[u8]> {
    active
        .split(|&b| b == b'\n')
        .filter_map(|line| line.iter().position(|&b| b == b' ').map(|sp| &line[..sp]))
}

/// `news_valid`: `name` is `#news.` and a group of the active file.
pub fn valid(name: &[u8], active: &[u8], spool: &[u8]) -> bool {
    if !is_news_name(name) {
        return false;
    }
    match read_active(active, spool) {
        Some(data) => groups(&data).any(|g| g == &name[6..]),
        None => false,
    }
}

/// `news_canonicalize`: the reference and pattern as one pattern, when it
/// is a news name with not too many wildcards (else None, after an error
/// line for the wildcards).
pub fn canonicalize(reference: &[u8], pattern: &[u8], ev: &mut dyn Events) -> Option<Vec<u8>> {
    let mut out;
    if !reference.is_empty() {
        out = reference.to_vec();
        if pattern.first() == Some(&b'#') {
            out = pattern.to_vec();
        } else if pattern.first() == Some(&b'.') && out.last() == Some(&b'.') {
            out.extend_from_slice(&pattern[1..]);
        } else {
            out.extend_from_slice(pattern);
        }
    } else {
        out = pattern.to_vec();
    }
    if !is_news_name(&out) {
        return None;
    }
    let wild = out.iter().filter(|&&b| b == b'*' || b == b'%').count();
    if wild <= MAX_WILDCARDS {
        return Some(out);
    }
    ev.log(b"Excessive wildcards in LIST/LSUB", Level::Error);
    None
}

/// `news_list`: the groups matching the reference and pattern, as LIST
/// answers; with a trailing `%`, the level below a non-matching group's
/// start as `\NoSelect`; an empty pattern answers the root.
pub fn list(reference: &[u8], pattern: &[u8], active: &[u8], spool: &[u8], ev: &mut dyn Events) {
    if pattern.is_empty() {
        if let Some(mut p) = canonicalize(reference, b"*", ev) {
            match p.iter().position(|&b| b == b'.') {
                Some(dot) => p.truncate(dot + 1),
                None => p.clear(),
            }
            ev.list(Some(b'.'), &p, attributes::NOSELECT);
        }
        return;
    }
    let Some(pat) = canonicalize(reference, pattern, ev) else {
        return;
    };
    let Some(data) = read_active(active, spool) else {
        return;
    };
    let upper = if pat.last() == Some(&b'%') {
        pat.len() - 1
    } else {
        0
    };
    for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let Some(sp) = line.iter().position(|&b| b == b' ') else {
            continue;
        };
        let mut name = b"#news.".to_vec();
        name.extend_from_slice(&line[..sp]);
        if pmatch_full(&name, &pat, b'.') {
            ev.list(Some(b'.'), &name, 0);
        } else if upper != 0 && upper < name.len() {
            if let Some(dot) = name[upper..].iter().position(|&b| b == b'.') {
                name.truncate(upper + dot);
                if pmatch_full(&name, &pat, b'.') {
                    ev.list(Some(b'.'), &name, attributes::NOSELECT);
                }
            }
        }
    }
}

/// The spool directory of group `group` (a name after `#news.`): the
/// spool path and the group joined by `/`, every dot of the result made a
/// slash (the spool's own dots included, as the original does).
pub fn group_dir(spool: &[u8], group: &[u8]) -> Vec<u8> {
    let mut dir = spool.to_vec();
    dir.push(b'/');
    dir.extend_from_slice(group);
    for b in dir.iter_mut() {
        if *b == b'.' {
            *b = b'/';
        }
    }
    dir
}

/// `atoi` of a run of digits, as the C library computes it on this
/// platform (the long result cut to an int), widened as the original
/// stores it in an unsigned long.
fn atoi(digits: &[u8]) -> u64 {
    let mut v: i64 = 0;
    for &d in digits {
        v = v.saturating_mul(10).saturating_add(i64::from(d - b'0'));
    }
    v as i32 as i64 as u64
}

/// The article numbers of a group directory, ascending (the names made of
/// digits only), or None when it cannot be read.
pub fn articles(dir: &[u8]) -> Option<Vec<u64>> {
    let rd = std::fs::read_dir(path(dir)).ok()?;
    let mut nums: Vec<u64> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let n = e.file_name();
            let n = n.as_bytes();
            (!n.is_empty() && n.iter().all(u8::is_ascii_digit)).then(|| atoi(n))
        })
        .collect();
    nums.sort_by_key(|&n| n as i64 as i32);
    Some(nums)
}

/// One article file, measured as the original measures it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Article {
    /// Modification time (seconds since the epoch): the internal date.
    pub mtime: i64,
    /// Size with every line end counted as CRLF.
    pub size: u64,
    /// Size of the header (with the blank line) counted the same way.
    pub header_size: u64,
    /// Where the header ends in the file.
    pub header_end: usize,
    pub raw: Vec<u8>,
}

/// Reads article `uid` of directory `dir`.
pub fn load(dir: &[u8], uid: u64) -> Option<Article> {
    let mut p = dir.to_vec();
    p.extend_from_slice(format!("/{uid}").as_bytes());
    let meta = std::fs::metadata(path(&p)).ok()?;
    let raw = std::fs::read(path(&p)).ok()?;
    use std::os::unix::fs::MetadataExt;
    let (size, header_size, header_end) = measure(&raw);
    Some(Article {
        mtime: meta.mtime(),
        size,
        header_size,
        header_end,
        raw,
    })
}

/// Sizes of a message with CRLF line ends: (whole, header, header's end in
/// the raw bytes). The header ends after the first empty line; a bare CR
/// counts as one byte and is no line end; without an empty line the whole
/// message is header.
pub fn measure(raw: &[u8]) -> (u64, u64, usize) {
    let mut size = 0u64;
    let mut header: Option<(u64, usize)> = None;
    let mut line_start = false;
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        i += 1;
        let newline = match c {
            b'\r' if raw.get(i) == Some(&b'\n') => {
                i += 1;
                true
            }
            b'\n' => true,
            _ => false,
        };
        if newline {
            size += 2;
            if header.is_none() && line_start {
                header = Some((size, i));
            }
            line_start = true;
        } else {
            size += 1;
            line_start = false;
        }
    }
    let (hs, he) = header.unwrap_or((size, raw.len()));
    (size, hs, he)
}

/// `raw` with every bare LF made CRLF (CRLF and bare CR kept).
pub fn crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 16);
    let mut prev = 0u8;
    for &c in raw {
        if c == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

impl Article {
    /// The header, CRLF line ends, with its blank line.
    pub fn header(&self) -> Vec<u8> {
        crlf(&self.raw[..self.header_end])
    }
    /// The body, CRLF line ends.
    pub fn text(&self) -> Vec<u8> {
        crlf(&self.raw[self.header_end..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::events::{Event, Recorder};

    #[test]
    fn sizes() {
        let raw = b"A: b\nC: d\n\nbody\n";
        let (s, h, e) = measure(raw);
        assert_eq!((s, h, e), (20, 14, 11));
        let a = Article {
            mtime: 0,
            size: s,
            header_size: h,
            header_end: e,
            raw: raw.to_vec(),
        };
        assert_eq!(a.header(), b"A: b\r\nC: d\r\n\r\n");
        assert_eq!(a.text(), b"body\r\n");
        assert_eq!(measure(b"A: b\r\n"), (6, 6, 6));
    }

    #[test]
    fn names() {
        assert!(is_news_name(b"#news.comp.lang"));
        assert!(!is_news_name(b"#news.a/b"));
        assert_eq!(
            group_dir(b"/var/spool/news", b"comp.lang.c"),
            b"/var/spool/news/comp/lang/c"
        );
        let active = b"comp.lang.c 10 3 y\nalt.test 5 1 y\nbad\n";
        let g: Vec<&[u8]> = groups(active).collect();
        assert_eq!(g, [&b"comp.lang.c"[..], b"alt.test"]);
        let mut ev = Recorder::new();
        assert_eq!(
            canonicalize(b"#news.", b"comp.*", &mut ev),
            Some(b"#news.comp.*".to_vec())
        );
        assert_eq!(canonicalize(b"", b"INBOX", &mut ev), None);
        assert!(canonicalize(b"", b"#news.%%%%%%%%%%%", &mut ev).is_none());
        assert!(matches!(&ev.events[0], Event::Log(..)));
    }
}
