//! Sorting messages (mail.c's sort half): the sort keys, their order, and
//! the base subject used for SUBJECT sorting and threading. The C side
//! (`crate::abi::sort`) loads the keys into the stream's sort cache; the
//! decisions are here.
#![forbid(unsafe_code)]

use std::cmp::Ordering;

/// One criterion of a sort program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// Sent date (Date: header, else arrival).
    Date,
    /// Internal (arrival) date.
    Arrival,
    /// RFC822 size.
    Size,
    /// Mailbox of the first From address.
    From,
    /// Mailbox of the first To address.
    To,
    /// Mailbox of the first Cc address.
    Cc,
    /// Base subject.
    Subject,
}

/// A step of a sort program: a key and its direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// What to compare.
    pub key: Key,
    /// Descending when set.
    pub reverse: bool,
}

/// The cached keys of one message, as the sort cache holds them.
#[derive(Clone, Debug, Default)]
pub struct Keys<'a> {
    /// Message number (the final tie-breaker).
    pub num: u64,
    /// Sent date in seconds.
    pub date: u64,
    /// Arrival date in seconds.
    pub arrival: u64,
    /// Size in octets.
    pub size: u64,
    /// First From mailbox (None sorts before any text).
    pub from: Option<&'a [u8]>,
    /// First To mailbox.
    pub to: Option<&'a [u8]>,
    /// First Cc mailbox.
    pub cc: Option<&'a [u8]>,
    /// Base subject.
    pub subject: Option<&'a [u8]>,
}

/// Case-independent (ASCII) comparison of two texts, an absent text
/// sorting first, as the library's `compare_cstring`.
pub fn compare_text(a: Option<&[u8]>, b: Option<&[u8]>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => {
            let la = a.iter().map(|c| c.to_ascii_lowercase());
            let lb = b.iter().map(|c| c.to_ascii_lowercase());
            la.cmp(lb)
        }
    }
}

/// Compares two messages under a program; equal keys fall back to the
/// message number so that the order is total.
pub fn compare(a: &Keys, b: &Keys, program: &[Step]) -> Ordering {
    for step in program {
        let o = match step.key {
            Key::Date => a.date.cmp(&b.date),
            Key::Arrival => a.arrival.cmp(&b.arrival),
            Key::Size => a.size.cmp(&b.size),
            Key::From => compare_text(a.from, b.from),
            Key::To => compare_text(a.to, b.to),
            Key::Cc => compare_text(a.cc, b.cc),
            Key::Subject => compare_text(a.subject, b.subject),
        };
        let o = if step.reverse { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.num.cmp(&b.num)
}

/// The positions of `keys` in sorted order.
pub fn order(keys: &[Keys], program: &[Step]) -> Vec<usize> {
    if let Some(v) = order_numeric(keys, program) {
        return v;
    }
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    idx.sort_by(|&x, &y| compare(&keys[x], &keys[y], program));
    idx
}

/// `order` for programs of at most three numeric keys (date, arrival,
/// size): each message becomes one flat key (a reversed step's value
/// complemented, which reverses unsigned order exactly; the number last,
/// then the position), sorted without comparing through the program.
/// None for other programs.
fn order_numeric(keys: &[Keys], program: &[Step]) -> Option<Vec<usize>> {
    if program.len() > 3
        || !program
            .iter()
            .all(|s| matches!(s.key, Key::Date | Key::Arrival | Key::Size))
    {
        return None;
    }
    let mut flat: Vec<([u64; 4], usize)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let mut f = [0u64; 4];
            for (slot, step) in f.iter_mut().zip(program) {
                let v = match step.key {
                    Key::Date => k.date,
                    Key::Arrival => k.arrival,
                    _ => k.size,
                };
                *slot = if step.reverse { !v } else { v };
            }
            f[program.len()] = k.num;
            (f, i)
        })
        .collect();
    flat.sort_unstable();
    Some(flat.into_iter().map(|(_, i)| i).collect())
}

/// A NUL-terminated working copy with C string semantics: reading past
/// the end gives NUL.
struct Buf(Vec<u8>);

impl Buf {
    fn at(&self, i: usize) -> u8 {
        self.0.get(i).copied().unwrap_or(0)
    }
    fn put(&mut self, i: usize, c: u8) {
        if let Some(b) = self.0.get_mut(i) {
            *b = c;
        }
    }
    fn strlen(&self, from: usize) -> usize {
        let mut n = 0;
        while self.at(from + n) != 0 {
            n += 1;
        }
        n
    }
    fn wsp(&self, mut i: usize) -> usize {
        while matches!(self.at(i), b' ' | b'\t') {
            i += 1;
        }
        i
    }
    /// Past a "[...]" blob and the blanks after it; the same place when
    /// there is no blob; None when a blob opens but does not close.
    fn blob(&self, mut i: usize) -> Option<usize> {
        if self.at(i) != b'[' {
            return Some(i);
        }
        loop {
            i += 1;
            match self.at(i) {
                b']' => return Some(self.wsp(i + 1)),
                b'[' | 0 => return None,
                _ => {}
            }
        }
    }
    fn is(&self, i: usize, c: u8) -> bool {
        self.at(i).eq_ignore_ascii_case(&c)
    }
}

/// The base subject of an already MIME-decoded (canonical) subject, and
/// whether a reply/forward marker was removed: blanks folded to one
/// space, then trailing blanks and "(fwd)", leading "re:", "fw:", "fwd:"
/// (each with optional "[blob]"s), blobs and "[fwd: ...]" wrappers
/// removed repeatedly, as the original's `mail_strip_subject`.
///
/// The original's first trailer pass measures the text before folding
/// blanks; that pass is reproduced, bytes left behind by the folding
/// included, so results are the same in every case.
pub fn strip_subject(decoded: &[u8]) -> (Vec<u8>, bool) {
    let size = decoded.len();
    let mut b = Buf(decoded.to_vec());
    b.0.push(0);
    let mut refwd = false;
    // Fold runs of blanks, tabs becoming spaces.
    let (mut x, mut prev) = (0usize, b'x');
    let mut i = 0;
    while b.at(i) != 0 {
        let c = b.at(i);
        if prev != b' ' {
            prev = if c == b'\t' { b' ' } else { c };
            b.put(x, prev);
            x += 1;
        } else if c != b'\t' && c != b' ' {
            prev = c;
            b.put(x, c);
            x += 1;
        }
        i += 1;
    }
    b.put(x, 0);
    let mut s = 0usize;
    let mut slen = size;
    loop {
        // Trailers: blanks and "(fwd)".
        let mut t = s + slen;
        while t > s {
            match b.at(t - 1) {
                b' ' | b'\t' => {
                    t -= 1;
                    b.put(t, 0);
                }
                b')' if t >= s + 5
                    && b.at(t - 5) == b'('
                    && b.is(t - 4, b'f')
                    && b.is(t - 3, b'w')
                    && b.is(t - 2, b'd') =>
                {
                    t -= 5;
                    b.put(t, 0);
                    refwd = true;
                }
                _ => break,
            }
        }
        // Leaders: blanks, "re", "fw", "fwd" with blobs and a colon, blobs.
        loop {
            match b.at(s) {
                b' ' | b'\t' => {
                    s = b.wsp(s + 1);
                }
                b'r' | b'R' => {
                    if b.is(s + 1, b'e') {
                        match b.blob(b.wsp(s + 2)) {
                            Some(t) if b.at(t) == b':' => {
                                s = t + 1;
                                refwd = true;
                            }
                            _ => break,
                        }
                    } else {
                        break;
                    }
                }
                b'f' | b'F' => {
                    if b.is(s + 1, b'w') {
                        let t = if b.is(s + 2, b'd') {
                            b.wsp(s + 3)
                        } else {
                            b.wsp(s + 2)
                        };
                        match b.blob(t) {
                            Some(t) if b.at(t) == b':' => {
                                s = t + 1;
                                refwd = true;
                            }
                            _ => break,
                        }
                    } else {
                        break;
                    }
                }
                b'[' => match b.blob(s) {
                    Some(t) if b.at(t) != 0 => s = t,
                    _ => break,
                },
                _ => break,
            }
        }
        // A "[fwd: ...]" wrapper: unwrap and start again.
        if b.at(s) == b'['
            && b.is(s + 1, b'f')
            && b.is(s + 2, b'w')
            && b.is(s + 3, b'd')
            && b.at(s + 4) == b':'
        {
            let last = s + b.strlen(s) - 1;
            if b.at(last) == b']' {
                b.put(last, 0);
                s += 5;
                refwd = true;
                slen = b.strlen(s);
                continue;
            }
        }
        break;
    }
    let n = b.strlen(s);
    (b.0[s..s + n].to_vec(), refwd)
}

/// The value of the first field of a fetched header block (text after its
/// colon), its folded lines joined as the original's sort loader does:
/// a line break before a blank is removed (moving the rest up without
/// shortening the text, as a `memmove` of the tail without its NUL); with
/// `again` (the first letter of the field name, either case) a following
/// line whose first letter matches continues the value after its colon;
/// any other line break ends the value. None when there is no colon.
pub fn header_value(hdr: &[u8], again: Option<u8>) -> Option<Vec<u8>> {
    let end = hdr.iter().position(|&c| c == 0).unwrap_or(hdr.len());
    let hdr = &hdr[..end];
    let colon = hdr.iter().position(|&c| c == b':')?;
    // Most values are one line: when the first line break is not followed
    // by a continuation, the value is the text up to it.
    let rest = &hdr[colon + 1..];
    match rest.iter().position(|&c| c == b'\r' || c == b'\n') {
        None => return Some(rest.to_vec()),
        Some(x) => {
            let v = if rest[x] == b'\r' && rest.get(x + 1) == Some(&b'\n') {
                x + 2
            } else {
                x + 1
            };
            let c = rest.get(v).copied().unwrap_or(0);
            if !matches!(c, b' ' | b'\t') && !again.is_some_and(|a| c.eq_ignore_ascii_case(&a)) {
                return Some(rest[..x].to_vec());
            }
        }
    }
    Some(joined_value(rest, again))
}

/// `header_value(h, None)` of the header `hdr` filtered to the fields
/// called `name` (by `mail_filter`'s rules: a name ends at a colon, a
/// blank or a line end; nameless lines stay), found in one pass without
/// building the filtered copy. None when the header holds what the
/// shortcut does not model (a NUL anywhere, a kept nameless line
/// with a colon or NUL before the field, a wanted field without a colon
/// or without a line end):
/// the caller then filters for real.
pub fn field_value(hdr: &[u8], name: &[u8]) -> Option<Option<Vec<u8>>> {
    // The filter turns a NUL where a name starts into a blank, which can
    // make a later line look like a continuation: such headers take the
    // real filter.
    if memchr::memchr(0, hdr).is_some() {
        return None;
    }
    let end = hdr.len();
    let mut src = 0;
    while src < end {
        let limit = (src + crate::store::fetch::MAX_FIELD_NAME).min(end);
        let mut s = src;
        while s < limit {
            match hdr[s] {
                0 => return None,
                b':' | b' ' | b'\t' | b'\r' | b'\n' => break,
                _ => s += 1,
            }
        }
        // The line and its continuation lines.
        let mut next = src;
        loop {
            next = match memchr::memchr(b'\n', &hdr[next..]) {
                Some(k) => next + k + 1,
                None => end + 1,
            };
            if next >= end || !matches!(hdr[next], b' ' | b'\t') {
                break;
            }
        }
        let field = &hdr[src..next.min(end)];
        if s == src {
            if field.iter().any(|&c| c == b':' || c == 0) {
                return None;
            }
        } else if hdr[src..s].eq_ignore_ascii_case(name) {
            // Without its line end (the header's last line) the filtered
            // copy may or may not carry the filter's guard line end after
            // it, which the joining quirk can see: filter for real.
            if !field.contains(&b':') || field.last() != Some(&b'\n') {
                return None;
            }
            return Some(header_value(field, None));
        }
        src = next;
    }
    Some(None)
}

/// The general case of `header_value`: `rest` is the text after the
/// first colon.
fn joined_value(rest: &[u8], again: Option<u8>) -> Vec<u8> {
    let mut b = Buf(rest.to_vec());
    b.0.push(0);
    let mut x = 0usize;
    loop {
        let n = b.strlen(x);
        let Some(off) = b.0[x..x + n].iter().position(|&c| c == b'\r' || c == b'\n') else {
            break;
        };
        x += off;
        let v = if b.at(x) == b'\r' && b.at(x + 1) == b'\n' {
            x + 2
        } else {
            x + 1
        };
        let c = b.at(v);
        let joined = match c {
            b' ' | b'\t' => {
                let len = b.strlen(v);
                b.0.copy_within(v..v + len, x);
                true
            }
            _ if again.is_some_and(|a| c.eq_ignore_ascii_case(&a)) => {
                let len = b.strlen(v);
                match b.0[v..v + len].iter().position(|&k| k == b':') {
                    Some(p) => {
                        let from = v + p + 1;
                        let l = b.strlen(from);
                        b.0.copy_within(from..from + l, x);
                        true
                    }
                    None => false,
                }
            }
            _ => false,
        };
        if !joined {
            b.put(x, 0);
            b.put(x + 1, 0);
            break;
        }
        x += 1;
    }
    let n = b.strlen(0);
    b.0[..n].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(s: &str) -> (String, bool) {
        let (v, r) = strip_subject(s.as_bytes());
        (String::from_utf8(v).unwrap(), r)
    }

    #[test]
    fn base_subjects() {
        assert_eq!(st("Re: hello"), ("hello".into(), true));
        assert_eq!(st("RE: [list] Fwd: hi (fwd)"), ("hi".into(), true));
        assert_eq!(st("[Fwd: Re: x]"), ("x".into(), true));
        assert_eq!(st("[list] topic"), ("topic".into(), false));
        assert_eq!(st("[list]"), ("[list]".into(), false));
        assert_eq!(st("Re  : x"), ("x".into(), true));
        assert_eq!(st("plain"), ("plain".into(), false));
        // Folding blanks hides the trailer pass: the original's quirk.
        assert_eq!(st("a  b "), ("a b ".into(), false));
    }

    #[test]
    fn header_values() {
        let v = header_value(b"Subject: a\r\n b\r\n\r\n", None).unwrap();
        assert_eq!(v, b" a b".to_vec());
        let v = header_value(b"From: x@y\nFrom: z@w\n\n", Some(b'f')).unwrap();
        assert_eq!(v, b" x@y z@w".to_vec());
        assert!(header_value(b"", None).is_none());
    }

    #[test]
    fn numeric_orders_match_the_comparator() {
        let mut x = 12345u64;
        let mut rnd = |n: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % n
        };
        let keys: Vec<Keys> = (0..500)
            .map(|i| Keys {
                num: i + 1,
                date: rnd(20),
                arrival: rnd(5),
                size: if rnd(4) == 0 { u64::MAX } else { rnd(50) },
                ..Default::default()
            })
            .collect();
        let all = [Key::Date, Key::Arrival, Key::Size];
        for a in all {
            for b in all {
                for ra in [false, true] {
                    for rb in [false, true] {
                        let p = [
                            Step {
                                key: a,
                                reverse: ra,
                            },
                            Step {
                                key: b,
                                reverse: rb,
                            },
                        ];
                        let mut want: Vec<usize> = (0..keys.len()).collect();
                        want.sort_by(|&x, &y| compare(&keys[x], &keys[y], &p));
                        assert_eq!(order(&keys, &p), want);
                        assert_eq!(order(&keys, &p[..1]), {
                            let mut w: Vec<usize> = (0..keys.len()).collect();
                            w.sort_by(|&x, &y| compare(&keys[x], &keys[y], &p[..1]));
                            w
                        });
                    }
                }
            }
        }
    }

    #[test]
    fn one_line_values_take_the_short_path() {
        let parts: [&[u8]; 8] = [b"a", b"\r\n", b"\n", b" ", b"\t", b"f", b"F: x", b"\r"];
        // Every header of up to five parts after "Date:": same as the
        // general path.
        let mut stack: Vec<(Vec<u8>, usize)> = vec![(Vec::new(), 0)];
        while let Some((v, depth)) = stack.pop() {
            for again in [None, Some(b'f')] {
                let mut h = b"Date:".to_vec();
                h.extend_from_slice(&v);
                assert_eq!(
                    header_value(&h, again),
                    Some(joined_value(&v, again)),
                    "{h:?}"
                );
            }
            if depth < 5 {
                for p in parts {
                    let mut w = v.clone();
                    w.extend_from_slice(p);
                    stack.push((w, depth + 1));
                }
            }
        }
    }

    #[test]
    fn field_value_matches_filter_then_value() {
        let parts: [&[u8]; 12] = [
            b"Date: x", b"date:y", b"From: z", b"\r\n", b"\n", b" c", b"\tc:", b":", b"\0",
            b"Date ", b"DATE\0:", b"\r",
        ];
        let mut stack: Vec<(Vec<u8>, usize)> = vec![(Vec::new(), 0)];
        let mut checked = 0;
        while let Some((v, depth)) = stack.pop() {
            if let Some(fast) = field_value(&v, b"date") {
                let mut buf = v.clone();
                buf.push(0);
                buf.push(0);
                let n = crate::store::fetch::filter_header(&mut buf, v.len(), &[b"date"], false);
                let kept = &buf[..n.min(v.len() + 1)];
                assert_eq!(
                    fast,
                    header_value(kept, None),
                    "{:?}",
                    String::from_utf8_lossy(&v)
                );
                checked += 1;
            }
            if depth < 5 {
                for p in parts {
                    let mut w = v.clone();
                    w.extend_from_slice(p);
                    stack.push((w, depth + 1));
                }
            }
        }
        assert!(checked > 1000);
    }

    #[test]
    fn ordering_ties_on_number() {
        let k = [
            Keys {
                num: 2,
                date: 5,
                ..Default::default()
            },
            Keys {
                num: 1,
                date: 5,
                ..Default::default()
            },
            Keys {
                num: 3,
                date: 1,
                ..Default::default()
            },
        ];
        let p = [Step {
            key: Key::Date,
            reverse: false,
        }];
        assert_eq!(order(&k, &p), vec![2, 1, 0]);
        let p = [Step {
            key: Key::Date,
            reverse: true,
        }];
        assert_eq!(order(&k, &p), vec![1, 0, 2]);
    }
}
