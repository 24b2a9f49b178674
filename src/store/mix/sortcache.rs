//! The `.mixsortcache` file: the sort and thread keys of a mailbox's
//! messages kept between sessions (sequence record, then per message a
//! record `:uid:sentdate:fromlen:tolen:cclen:Rsubjlen:msgidlen:reflen:`
//! whose lengths count the following data lines' text plus one, then the
//! data lines `F<from>`, `T<to>`, `C<cc>`, `S<subject>`, `M<message-id>`
//! and `R` followed by `<len:8 hex>:<reference>:` for each reference).

use super::format::{hex, seq_line, Record, Records};

/// The keys of one message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SortKeys {
    pub uid: u64,
    /// The sent date (seconds).
    pub date: u64,
    /// The subject was a reply or forward.
    pub refwd: bool,
    pub from: Option<Vec<u8>>,
    pub to: Option<Vec<u8>>,
    pub cc: Option<Vec<u8>>,
    pub subject: Option<Vec<u8>>,
    pub message_id: Option<Vec<u8>>,
    /// None: not known yet; Some(empty): known to be none.
    pub references: Option<Vec<Vec<u8>>>,
}

/// Which keys a message already has in the session (the file's copy of
/// those is skipped unread, as the original does).
#[derive(Clone, Copy, Debug, Default)]
pub struct Have {
    pub from: bool,
    pub to: bool,
    pub cc: bool,
    pub subject: bool,
    pub message_id: bool,
    pub references: bool,
}

/// Why reading stopped early.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadError {
    /// A bad record: the part named and the text of the record.
    Bad(&'static str, Vec<u8>),
    /// A record too long to read (already logged by the reader).
    Oversize(Vec<u8>),
}

/// Reads the records after the sequence record. `known(uid)` tells
/// whether the UID is in the mailbox and which keys it has; `found` gets
/// the keys read for a known message (also the part read of a record that
/// turns out bad, as the original keeps what it stored).
pub fn read_records(
    recs: &mut Records<'_>,
    known: &mut dyn FnMut(u64) -> Option<Have>,
    found: &mut dyn FnMut(SortKeys),
) -> Result<(), ReadError> {
    loop {
        let line = match recs.next_record("sortcache") {
            Record::Eof => return Ok(()),
            Record::Oversize(l) => return Err(ReadError::Oversize(l.to_vec())),
            Record::Line(l) => l,
        };
        let bad = |what: &'static str| ReadError::Bad(what, line.to_vec());
        let mut s = line;
        let field = |s: &mut &[u8], what: &'static str| -> Result<u64, ReadError> {
            if s.first() != Some(&b':') || !s.get(1).is_some_and(u8::is_ascii_hexdigit) {
                return Err(bad(what));
            }
            let (v, rest) = hex(&s[1..]);
            *s = rest;
            Ok(v)
        };
        let uid = field(&mut s, "uid")?;
        let date = field(&mut s, "sentdate")?;
        let fromlen = field(&mut s, "from")?;
        let tolen = field(&mut s, "to")?;
        let cclen = field(&mut s, "cc")?;
        // The subject length comes after a one-letter reply marker.
        if s.first() != Some(&b':')
            || !matches!(s.get(1), Some(b'R' | b' '))
            || !s.get(2).is_some_and(u8::is_ascii_hexdigit)
        {
            return Err(bad("subject"));
        }
        let refwd = s[1] == b'R';
        let (subjlen, rest) = hex(&s[2..]);
        s = rest;
        let msgidlen = field(&mut s, "message-id")?;
        let reflen = field(&mut s, "references")?;
        if s.first() != Some(&b':') {
            return Err(bad("expansion"));
        }
        let lens = [fromlen, tolen, cclen, subjlen, msgidlen, reflen];
        let Some(have) = known(uid) else {
            // Lengths are from disk: a hostile one saturates, and the skip
            // then ends the file.
            let skip = lens
                .iter()
                .filter(|&&l| l != 0)
                .fold(0u64, |t, &l| t.saturating_add(l.saturating_add(2)));
            recs.skip(skip);
            continue;
        };
        let mut keys = SortKeys {
            uid,
            date,
            refwd,
            ..Default::default()
        };
        let data = [
            (fromlen, have.from, b'F', "from data"),
            (tolen, have.to, b'T', "to data"),
            (cclen, have.cc, b'C', "cc data"),
            (subjlen, have.subject, b'S', "subject data"),
            (msgidlen, have.message_id, b'M', "message-id data"),
        ];
        for (n, (len, has, letter, what)) in data.into_iter().enumerate() {
            if len == 0 {
                continue;
            }
            if has {
                recs.skip(len.saturating_add(2));
                continue;
            }
            let Some(text) = data_line(recs, letter, len) else {
                found(keys);
                return Err(ReadError::Bad(what, line.to_vec()));
            };
            let slot = match n {
                0 => &mut keys.from,
                1 => &mut keys.to,
                2 => &mut keys.cc,
                3 => &mut keys.subject,
                _ => &mut keys.message_id,
            };
            *slot = Some(text);
        }
        if reflen != 0 {
            if have.references {
                recs.skip(reflen.saturating_add(2));
            } else {
                let Some(text) = data_line(recs, b'R', reflen) else {
                    found(keys);
                    return Err(ReadError::Bad("references data", line.to_vec()));
                };
                match parse_references(&text) {
                    Some(r) => keys.references = Some(r),
                    None => {
                        found(keys);
                        return Err(ReadError::Bad("references length consistency check", text));
                    }
                }
            }
        }
        found(keys);
    }
}

/// A data line: `letter`, `len - 1` bytes, CRLF; the bytes up to the
/// first NUL (the original keeps them as a C string).
fn data_line(recs: &mut Records<'_>, letter: u8, len: u64) -> Option<Vec<u8>> {
    let raw = recs.take(len.checked_add(2)?)?;
    let n = raw.len();
    if raw[0] != letter || raw[n - 2] != b'\r' || raw[n - 1] != b'\n' {
        return None;
    }
    let text = &raw[1..n - 2];
    let end = text.iter().position(|&c| c == 0).unwrap_or(text.len());
    Some(text[..end].to_vec())
}

/// The references data: `<len:hex>:<text>:` repeated.
fn parse_references(mut s: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    while !s.is_empty() {
        if !s[0].is_ascii_hexdigit() {
            return None;
        }
        let (len, rest) = hex(s);
        let len = usize::try_from(len).ok()?;
        if len == 0
            || rest.first() != Some(&b':')
            || rest.len() < len.saturating_add(2)
            || rest[len + 1] != b':'
        {
            return None;
        }
        out.push(rest[1..len + 1].to_vec());
        s = &rest[len + 2..];
    }
    Some(out)
}

/// The whole file: sequence record `seq`, then a record per message.
pub fn write(seq: u64, entries: &[SortKeys]) -> Vec<u8> {
    let mut out = seq_line(seq);
    let len = |v: &Option<Vec<u8>>| v.as_ref().map_or(0, |t| t.len() + 1);
    for e in entries {
        let reflen = e
            .references
            .as_ref()
            .map_or(0, |r| 1 + r.iter().map(|t| 10 + t.len()).sum::<usize>());
        out.extend_from_slice(
            format!(
                ":{:08x}:{:08x}:{:08x}:{:08x}:{:08x}:{}{:08x}:{:08x}:{:08x}:\r\n",
                e.uid,
                e.date,
                len(&e.from),
                len(&e.to),
                len(&e.cc),
                if e.refwd { 'R' } else { ' ' },
                len(&e.subject),
                len(&e.message_id),
                reflen
            )
            .as_bytes(),
        );
        for (letter, v) in [
            (b'F', &e.from),
            (b'T', &e.to),
            (b'C', &e.cc),
            (b'S', &e.subject),
            (b'M', &e.message_id),
        ] {
            if let Some(t) = v {
                out.push(letter);
                out.extend_from_slice(t);
                out.extend_from_slice(b"\r\n");
            }
        }
        if let Some(r) = &e.references {
            out.push(b'R');
            for t in r {
                out.extend_from_slice(format!("{:08x}:", t.len()).as_bytes());
                out.extend_from_slice(t);
                out.push(b':');
            }
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let e = vec![
            SortKeys {
                uid: 1,
                date: 0x5f5e100,
                refwd: true,
                from: Some(b"alice".to_vec()),
                subject: Some(b"hello".to_vec()),
                message_id: Some(b"<a@b>".to_vec()),
                references: Some(vec![b"<x@y>".to_vec(), b"<z@w>".to_vec()]),
                ..Default::default()
            },
            SortKeys {
                uid: 3,
                references: Some(Vec::new()),
                ..Default::default()
            },
        ];
        let text = write(7, &e);
        let mut recs = Records::new(&text);
        assert_eq!(recs.sequence(), Some(7));
        let mut got = Vec::new();
        read_records(&mut recs, &mut |_| Some(Have::default()), &mut |k| {
            got.push(k)
        })
        .unwrap();
        assert_eq!(got, e);
        // Unknown UIDs are skipped whole.
        let mut recs = Records::new(&text);
        recs.sequence();
        let mut got = Vec::new();
        read_records(&mut recs, &mut |u| (u == 3).then(Have::default), &mut |k| {
            got.push(k)
        })
        .unwrap();
        assert_eq!(got, e[1..]);
    }

    #[test]
    fn lengths_at_the_top_of_u64_end_the_read() {
        // Hostile lengths (hex saturates at u64::MAX): skipping or reading
        // the data lines must not overflow.
        let max = "ffffffffffffffff";
        let rec = |lens: [&str; 6]| {
            format!(
                "S1\r\n:1:2:{}:{}:{}: {}:{}:{}:\r\nFab\r\n",
                lens[0], lens[1], lens[2], lens[3], lens[4], lens[5]
            )
        };
        let all = rec([max; 6]);
        let from = rec([max, "0", "0", "0", "0", "0"]);
        let refs = rec(["0", "0", "0", "0", "0", max]);
        let have_all = Have {
            from: true,
            to: true,
            cc: true,
            subject: true,
            message_id: true,
            references: true,
        };
        for (text, known) in [
            (&all, None),
            (&all, Some(have_all)),
            (&from, Some(Have::default())),
            (&refs, Some(Have::default())),
            (&refs, Some(have_all)),
        ] {
            let mut recs = Records::new(text.as_bytes());
            recs.sequence();
            let _ = read_records(&mut recs, &mut |_| known, &mut |_| {});
        }
        // A reference length that wraps when its separators are added.
        let text = format!("S1\r\n:1:2:0:0:0: 0:0:16:\r\nR{max}:abc:\r\n");
        let mut recs = Records::new(text.as_bytes());
        recs.sequence();
        let r = read_records(&mut recs, &mut |_| Some(Have::default()), &mut |_| {});
        assert!(matches!(
            r,
            Err(ReadError::Bad("references length consistency check", _))
        ));
    }

    #[test]
    fn bad_records() {
        for (text, what) in [
            (&b"S1\r\nxyz\r\n"[..], "uid"),
            (b"S1\r\n:1:2:3\r\n", "to"),
            (b"S1\r\n:1:2:0:0:0:X0:0:0:\r\n", "subject"),
            (b"S1\r\n:1:2:0:0:0: 0:0:0\r\n", "expansion"),
            (b"S1\r\n:1:2:4:0:0: 0:0:0:\r\nTabc\r\n", "from data"),
            (b"S1\r\n:1:2:0:0:0: 0:0:5:\r\nR0:\r\n", "references data"),
        ] {
            let mut recs = Records::new(text);
            recs.sequence();
            let r = read_records(&mut recs, &mut |_| Some(Have::default()), &mut |_| {});
            match r {
                Err(ReadError::Bad(w, _)) => assert_eq!(w, what, "{text:?}"),
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }
}
