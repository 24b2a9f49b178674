//! Maildir file names: `<time>.<unique>.<host>[,S=<size>][,W=<vsize>]`
//! followed, in `cur/`, by the info suffix `:2,<flags>` (flag letters in
//! ASCII order: `D` draft, `F` flagged, `P` passed, `R` replied, `S` seen,
//! `T` trashed; `a`..`z` are Dovecot's keywords).

use crate::store::flags::Flags;

/// What a Maildir file name says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileName {
    /// The name up to the info separator (`:`): the message's identity.
    pub base: Vec<u8>,
    /// System flags from the info suffix.
    pub flags: Flags,
    /// Bit `i`: keyword letter `'a' + i`.
    pub keyword_letters: u32,
    /// Flag letters we do not map (`P`, other capitals), kept on rewrite.
    pub other: Vec<u8>,
    /// The `,S=` size (the file's size in bytes).
    pub size: Option<u64>,
    /// The `,W=` size (the size with CRLF line ends).
    pub vsize: Option<u64>,
    /// The number before the first dot (seconds), for ordering new files.
    pub time: Option<u64>,
    /// Whether the name had an info suffix of version 2.
    pub has_info: bool,
}

/// The system flags and their letters, in ASCII order of the letters.
const LETTERS: [(u8, Flags); 5] = [
    (b'D', Flags::DRAFT),
    (b'F', Flags::FLAGGED),
    (b'R', Flags::ANSWERED),
    (b'S', Flags::SEEN),
    (b'T', Flags::DELETED),
];

fn number(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0u64, |n, &c| {
        n.checked_mul(10)?.checked_add(u64::from(c - b'0'))
    })
}

/// Parses a file name. None for names that are not messages (dot files,
/// empty names, names with a slash or NUL).
pub fn parse(name: &[u8]) -> Option<FileName> {
    if name.is_empty() || name[0] == b'.' || name.iter().any(|&c| c == b'/' || c == 0) {
        return None;
    }
    let (base, info) = match memchr::memchr(b':', name) {
        Some(i) => (&name[..i], Some(&name[i + 1..])),
        None => (name, None),
    };
    if base.is_empty() {
        return None;
    }
    let mut out = FileName {
        base: base.to_vec(),
        ..FileName::default()
    };
    let first = base.split(|&c| c == b'.').next().unwrap_or(b"");
    out.time = number(first);
    // ",S=" and ",W=" fields after the host part.
    for field in base.split(|&c| c == b',').skip(1) {
        if let Some(v) = field.strip_prefix(b"S=") {
            out.size = number(v);
        } else if let Some(v) = field.strip_prefix(b"W=") {
            out.vsize = number(v);
        }
    }
    if let Some(info) = info {
        if let Some(letters) = info.strip_prefix(b"2,") {
            out.has_info = true;
            for &c in letters {
                if let Some(&(_, f)) = LETTERS.iter().find(|(l, _)| *l == c) {
                    out.flags = out.flags.union(f);
                } else if c.is_ascii_lowercase() {
                    out.keyword_letters |= 1 << (c - b'a');
                } else if c.is_ascii_graphic() && c != b',' && !out.other.contains(&c) {
                    out.other.push(c);
                }
            }
        }
    }
    Some(out)
}

/// The info suffix (`:2,` and the letters, in ASCII order) for `flags`,
/// keyword letters and letters to keep.
pub fn info_suffix(flags: Flags, keyword_letters: u32, other: &[u8]) -> Vec<u8> {
    let mut letters: Vec<u8> = other.to_vec();
    for &(l, f) in &LETTERS {
        if flags.contains(f) {
            letters.push(l);
        }
    }
    for i in 0..26u8 {
        if keyword_letters & (1 << i) != 0 {
            letters.push(b'a' + i);
        }
    }
    letters.sort_unstable();
    letters.dedup();
    let mut out = b":2,".to_vec();
    out.extend_from_slice(&letters);
    out
}

/// The host part of a new name: `/` and `:` escaped as `\057` and `\072`.
pub fn host_part(host: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(host.len());
    for &c in host {
        match c {
            b'/' => out.extend_from_slice(b"\\057"),
            b':' => out.extend_from_slice(b"\\072"),
            b',' => out.extend_from_slice(b"\\054"),
            0..=32 | 127.. => {}
            c => out.push(c),
        }
    }
    if out.is_empty() {
        out.extend_from_slice(b"localhost");
    }
    out
}

/// A new base name: `<secs>.M<usecs>P<pid>Q<n>.<host>,S=<size>,W=<vsize>`.
pub fn new_base(
    secs: u64,
    usecs: u32,
    pid: u32,
    n: u64,
    host: &[u8],
    size: u64,
    vsize: u64,
) -> Vec<u8> {
    let mut out = format!("{secs}.M{usecs}P{pid}Q{n}.").into_bytes();
    out.extend_from_slice(&host_part(host));
    out.extend_from_slice(format!(",S={size},W={vsize}").as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dovecot_name_with_sizes_and_flags() {
        let f = parse(b"1700000000.M12P345.host,S=1234,W=1260:2,FRSab").unwrap();
        assert_eq!(f.base, b"1700000000.M12P345.host,S=1234,W=1260");
        assert_eq!(f.size, Some(1234));
        assert_eq!(f.vsize, Some(1260));
        assert_eq!(f.time, Some(1_700_000_000));
        assert!(f.has_info);
        assert_eq!(
            f.flags,
            Flags::FLAGGED.union(Flags::ANSWERED).union(Flags::SEEN)
        );
        assert_eq!(f.keyword_letters, 3);
        assert!(f.other.is_empty());
    }

    #[test]
    fn new_file_without_info() {
        let f = parse(b"1.2.h").unwrap();
        assert_eq!(f.base, b"1.2.h");
        assert!(!f.has_info && f.flags.is_empty());
        assert_eq!(f.size, None);
    }

    #[test]
    fn unknown_letters_are_kept_and_order_is_ascii() {
        let f = parse(b"1.2.h:2,PTDz").unwrap();
        assert_eq!(f.other, b"P");
        assert_eq!(f.flags, Flags::DELETED.union(Flags::DRAFT));
        assert_eq!(f.keyword_letters, 1 << 25);
        assert_eq!(
            info_suffix(f.flags, f.keyword_letters, &f.other),
            b":2,DPTz"
        );
        assert_eq!(info_suffix(Flags::NONE, 0, b""), b":2,");
    }

    #[test]
    fn rejects_non_messages() {
        assert!(parse(b"").is_none());
        assert!(parse(b".hidden").is_none());
        assert!(parse(b":2,S").is_none());
        assert!(parse(b"a/b").is_none());
        // A size too large is ignored, not an error.
        assert_eq!(
            parse(b"1.2.h,S=99999999999999999999999").unwrap().size,
            None
        );
        // An old-style info (":1,") has no flags.
        assert!(!parse(b"1.2.h:1,S").unwrap().has_info);
    }

    #[test]
    fn new_names() {
        assert_eq!(
            new_base(5, 6, 7, 8, b"a/b:c", 10, 12),
            b"5.M6P7Q8.a\\057b\\072c,S=10,W=12"
        );
        let p = parse(&new_base(5, 6, 7, 8, b"h", 10, 12)).unwrap();
        assert_eq!((p.size, p.vsize, p.time), (Some(10), Some(12), Some(5)));
    }
}
