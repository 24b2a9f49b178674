//! Dovecot's `dovecot-uidlist` (versions 1 and 3 read, version 3 written)
//! and `dovecot-keywords`.
//!
//! Version 3: a header line `3 V<validity> N<next uid> [G<guid>] ...`, then
//! one line per message, `<uid> [<extension fields>] :<base name>`, UIDs
//! ascending. Version 1: `1 <validity> <next uid>`, then `<uid> <name>`.
//! The base name is the file name up to the info separator `:`.

/// One message line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub uid: u32,
    /// The file's base name (before any `:`).
    pub base: Vec<u8>,
    /// Extension fields (`W1260` ...), kept as read, space separated.
    pub ext: Vec<u8>,
}

/// The whole file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UidList {
    pub validity: u32,
    pub next_uid: u32,
    /// Mailbox GUID (hex), kept when rewriting.
    pub guid: Option<Vec<u8>>,
    /// Other header fields, kept as read.
    pub header_ext: Vec<Vec<u8>>,
    pub entries: Vec<Entry>,
}

/// Why a file was not usable as a whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Broken {
    /// No header, an unknown version, or no valid UID validity.
    Header,
}

/// The result of reading: the list and how many lines were skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub list: UidList,
    pub skipped: usize,
}

fn number(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 10 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = s
        .iter()
        .try_fold(0u64, |n, &c| Some(n * 10 + u64::from(c - b'0')))?;
    u32::try_from(n).ok()
}

fn fields(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.split(|&c| c == b' ').filter(|f| !f.is_empty())
}

fn base_of(name: &[u8]) -> &[u8] {
    match memchr::memchr(b':', name) {
        Some(i) => &name[..i],
        None => name,
    }
}

fn good_base(b: &[u8]) -> bool {
    !b.is_empty() && b[0] != b'.' && !b.iter().any(|&c| c == b'/' || c == 0 || c < b' ')
}

/// Parses a uidlist. Bad message lines (unparsable, UID not above the one
/// before, a name seen twice) are skipped and counted; a bad header makes
/// the whole file unusable.
pub fn parse(data: &[u8]) -> Result<Parsed, Broken> {
    let mut lines = data.split(|&c| c == b'\n');
    let header = lines.next().ok_or(Broken::Header)?;
    let header = header.strip_suffix(b"\r").unwrap_or(header);
    let mut h = fields(header);
    let version = h.next().ok_or(Broken::Header)?;
    let mut list = UidList::default();
    let v3 = match version {
        b"3" => {
            for f in h {
                match f[0] {
                    b'V' => list.validity = number(&f[1..]).ok_or(Broken::Header)?,
                    b'N' => list.next_uid = number(&f[1..]).ok_or(Broken::Header)?,
                    b'G' => list.guid = Some(f[1..].to_vec()),
                    _ => list.header_ext.push(f.to_vec()),
                }
            }
            true
        }
        b"1" => {
            list.validity = h.next().and_then(number).ok_or(Broken::Header)?;
            list.next_uid = h.next().and_then(number).ok_or(Broken::Header)?;
            false
        }
        _ => return Err(Broken::Header),
    };
    if list.validity == 0 {
        return Err(Broken::Header);
    }
    let mut skipped = 0;
    let mut last = 0u32;
    let mut seen = std::collections::HashSet::new();
    for line in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let entry = if v3 {
            // "<uid> [ext ...] :<name>" (the name may contain spaces).
            let colon = memchr::memchr(b':', line);
            colon.and_then(|c| {
                let head = &line[..c];
                let mut f = fields(head);
                let uid = f.next().and_then(number)?;
                let ext: Vec<&[u8]> = f.collect();
                Some(Entry {
                    uid,
                    base: base_of(&line[c + 1..]).to_vec(),
                    ext: ext.join(&b' '),
                })
            })
        } else {
            let mut it = line.splitn(2, |&c| c == b' ');
            let uid = it.next().and_then(number);
            let name = it.next();
            uid.zip(name).map(|(uid, name)| Entry {
                uid,
                base: base_of(name).to_vec(),
                ext: Vec::new(),
            })
        };
        match entry {
            Some(e) if e.uid > last && good_base(&e.base) && !seen.contains(&e.base) => {
                last = e.uid;
                seen.insert(e.base.clone());
                list.entries.push(e);
            }
            _ => skipped += 1,
        }
    }
    if list.next_uid <= last {
        list.next_uid = last.saturating_add(1);
    }
    if list.next_uid == 0 {
        list.next_uid = 1;
    }
    Ok(Parsed { list, skipped })
}

/// The version 3 text of `list`.
pub fn write(list: &UidList) -> Vec<u8> {
    let mut out = format!("3 V{} N{}", list.validity, list.next_uid.max(1)).into_bytes();
    if let Some(g) = &list.guid {
        out.extend_from_slice(b" G");
        out.extend_from_slice(g);
    }
    for f in &list.header_ext {
        out.push(b' ');
        out.extend_from_slice(f);
    }
    out.push(b'\n');
    for e in &list.entries {
        out.extend_from_slice(e.uid.to_string().as_bytes());
        if !e.ext.is_empty() {
            out.push(b' ');
            out.extend_from_slice(&e.ext);
        }
        out.extend_from_slice(b" :");
        out.extend_from_slice(&e.base);
        out.push(b'\n');
    }
    out
}

/// Parses `dovecot-keywords`: `<index> <name>` lines, index 0..25 (the
/// letters `a`..`z`). Returns (index, name) pairs, bad lines skipped.
pub fn parse_keywords(data: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out: Vec<(u8, Vec<u8>)> = Vec::new();
    for line in data.split(|&c| c == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut it = line.splitn(2, |&c| c == b' ');
        let (Some(n), Some(name)) = (it.next().and_then(number), it.next()) else {
            continue;
        };
        let ok_name = !name.is_empty()
            && name
                .iter()
                .all(|&c| c > b' ' && c < 127 && !b"(){%*\"\\]".contains(&c));
        if n < 26 && ok_name && !out.iter().any(|(i, k)| *i as u32 == n || k == name) {
            out.push((n as u8, name.to_vec()));
        }
    }
    out.sort();
    out
}

/// The text of `dovecot-keywords` for (index, name) pairs.
pub fn write_keywords(words: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, w) in words {
        out.extend_from_slice(i.to_string().as_bytes());
        out.push(b' ');
        out.extend_from_slice(w);
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version3_round_trip() {
        let text = b"3 V1276528106 N5 G2a3f7b1c6c3d164c5f0000a8ce0e8e1a\n\
            1 :1276528106.M1P2.host,S=10,W=11\n\
            2 W99 :1276528107.M2P2.host,S=10:2,S\n\
            4 :a b c\n";
        let p = parse(text).unwrap();
        assert_eq!(p.skipped, 0);
        let l = &p.list;
        assert_eq!((l.validity, l.next_uid), (1276528106, 5));
        assert_eq!(
            l.guid.as_deref(),
            Some(&b"2a3f7b1c6c3d164c5f0000a8ce0e8e1a"[..])
        );
        assert_eq!(l.entries.len(), 3);
        assert_eq!(l.entries[1].base, b"1276528107.M2P2.host,S=10");
        assert_eq!(l.entries[1].ext, b"W99");
        assert_eq!(l.entries[2].base, b"a b c");
        let again = parse(&write(l)).unwrap();
        assert_eq!(&again.list, l);
    }

    #[test]
    fn version1() {
        let p = parse(b"1 77 3\n1 x.y.z\n2 q.r.s:2,S\n").unwrap();
        assert_eq!((p.list.validity, p.list.next_uid), (77, 3));
        assert_eq!(p.list.entries[1].base, b"q.r.s");
    }

    #[test]
    fn bad_lines_are_skipped_and_next_uid_repaired() {
        let p = parse(b"3 V9 N2\n5 :a\n3 :b\nxx :c\n6 :a\n7 no-colon\n8 :.dot\n9 :ok\n").unwrap();
        assert_eq!(p.skipped, 5);
        let uids: Vec<u32> = p.list.entries.iter().map(|e| e.uid).collect();
        assert_eq!(uids, [5, 9]);
        assert_eq!(p.list.next_uid, 10);
    }

    #[test]
    fn bad_headers() {
        for h in [
            &b""[..],
            b"\n",
            b"2 V1 N1\n",
            b"3 N1\n",
            b"3 Vx N1\n",
            b"1 0 1\n",
            b"3 V99999999999 N1\n",
        ] {
            assert_eq!(
                parse(h),
                Err(Broken::Header),
                "{:?}",
                String::from_utf8_lossy(h)
            );
        }
    }

    #[test]
    fn keywords_file() {
        let k =
            parse_keywords(b"0 $Forwarded\n2 Junk\n2 Dup\n30 Far\nbad\n1 has space\n1 $Label1\n");
        assert_eq!(
            k,
            vec![
                (0, b"$Forwarded".to_vec()),
                (1, b"$Label1".to_vec()),
                (2, b"Junk".to_vec())
            ]
        );
        assert_eq!(parse_keywords(&write_keywords(&k)), k);
    }
}
