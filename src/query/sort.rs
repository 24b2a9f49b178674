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
    order_with(keys.len(), |i| keys[i].clone(), program)
}

/// [`order`] of `n` messages whose keys `key_of` gives (read once each
/// while the order is built, and again for the texts of messages whose
/// leading text keys tie; the caller need not hold them all).
pub fn order_with<'a>(
    n: usize,
    key_of: impl Fn(usize) -> Keys<'a>,
    program: &[Step],
) -> Vec<usize> {
    if let Some(v) = order_numeric(n, &key_of, program) {
        return v;
    }
    if n > u32::MAX as usize {
        let mut v: Vec<usize> = (0..n).collect();
        v.sort_by(|&x, &y| compare(&key_of(x), &key_of(y), program));
        return v;
    }
    let text_of = |k: &Keys<'a>, key: Key| -> Option<&'a [u8]> {
        match key {
            Key::From => k.from,
            Key::To => k.to,
            Key::Cc => k.cc,
            _ => k.subject,
        }
    };
    let is_text = |k: Key| matches!(k, Key::From | Key::To | Key::Cc | Key::Subject);
    // Compact per-message columns, no copy of any text: the first text
    // step (SUBJECT, ORDEREDSUBJECT's SUBJECT DATE) keeps the first eight
    // octets of its lowered text beside the position, which decides most
    // comparisons, and the borrowed text, compared in place when they tie. Only the
    // numeric keys the program uses get a column, and the message number
    // only when it does not rise with the position (the loader's order),
    // where the position breaks ties alike.
    let uses = |k: Key| program.iter().any(|s| s.key == k);
    let lead = program.first().filter(|s| is_text(s.key)).copied();
    let mut date_col: Vec<u64> = Vec::with_capacity(if uses(Key::Date) { n } else { 0 });
    let mut arrival_col: Vec<u64> = Vec::with_capacity(if uses(Key::Arrival) { n } else { 0 });
    let mut size_col: Vec<u64> = Vec::with_capacity(if uses(Key::Size) { n } else { 0 });
    let mut num_col: Vec<u64> = Vec::new();
    let mut rising = true;
    let mut last_num = 0u64;
    let mut items: Vec<Item<'a>> = Vec::with_capacity(n);
    for m in 0..n {
        let k = key_of(m);
        if rising && m > 0 && k.num <= last_num {
            rising = false;
            num_col.reserve_exact(n);
            num_col.extend((0..m).map(|j| key_of(j).num));
        }
        last_num = k.num;
        if !rising {
            num_col.push(k.num);
        }
        if date_col.capacity() > 0 {
            date_col.push(k.date);
        }
        if arrival_col.capacity() > 0 {
            arrival_col.push(k.arrival);
        }
        if size_col.capacity() > 0 {
            size_col.push(k.size);
        }
        let text = lead.and_then(|s| text_of(&k, s.key));
        items.push(Item {
            pre: text.map_or(0, lowered_prefix),
            text,
            pos: m as u32,
        });
    }
    let skip = usize::from(lead.is_some());
    items.sort_unstable_by(|a, b| {
        let (x, y) = (a.pos as usize, b.pos as usize);
        if let Some(step) = lead {
            let mut o = (a.text.is_some(), a.pre).cmp(&(b.text.is_some(), b.pre));
            if o == Ordering::Equal {
                if let (Some(ta), Some(tb)) = (a.text, b.text) {
                    o = compare_lowered_tail(ta, tb);
                }
            }
            let o = if step.reverse { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        for step in program.iter().skip(skip) {
            let o = match step.key {
                Key::Date => date_col[x].cmp(&date_col[y]),
                Key::Arrival => arrival_col[x].cmp(&arrival_col[y]),
                Key::Size => size_col[x].cmp(&size_col[y]),
                key => compare_text(text_of(&key_of(x), key), text_of(&key_of(y), key)),
            };
            let o = if step.reverse { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        if rising {
            x.cmp(&y)
        } else {
            num_col[x].cmp(&num_col[y]).then(x.cmp(&y))
        }
    });
    items.into_iter().map(|it| it.pos as usize).collect()
}

/// [`order_with`] written into `out` (one slot per message, `n` =
/// `out.len()`), using no other memory than `out`, for the usual
/// programs: one numeric key whose values fit in 32 bits, or a text key
/// first (each message's text present) over fewer than 2^24 messages,
/// numbers rising with the position (the loader's order). Each slot holds
/// a packed key (value or leading text octets, then the position) while
/// the order is built, then the position. False, with `out` unspecified,
/// for other programs and keys: [`order_with`] orders those.
pub fn order_into<'a>(
    out: &mut [u64],
    key_of: impl Fn(usize) -> Keys<'a>,
    program: &[Step],
) -> bool {
    let n = out.len();
    let Some(&lead) = program.first() else {
        return false;
    };
    let mut last = 0u64;
    for (i, slot) in out.iter_mut().enumerate() {
        let k = key_of(i);
        if i > 0 && k.num <= last {
            return false;
        }
        last = k.num;
        *slot = match lead.key {
            Key::Date | Key::Arrival | Key::Size => {
                let v = match lead.key {
                    Key::Date => k.date,
                    Key::Arrival => k.arrival,
                    _ => k.size,
                };
                if program.len() > 1 || v > u64::from(u32::MAX) || i > u32::MAX as usize {
                    return false;
                }
                // Reversed: the complement in 32 bits reverses the order.
                let v = if lead.reverse {
                    u64::from(u32::MAX) - v
                } else {
                    v
                };
                (v << 32) | i as u64
            }
            key => {
                let text = match key {
                    Key::From => k.from,
                    Key::To => k.to,
                    Key::Cc => k.cc,
                    _ => k.subject,
                };
                match text {
                    Some(t) if i < 1 << 24 => {
                        // Reversed: the complemented prefix, positions
                        // still rising within equal ones.
                        let pre = lowered_prefix(t);
                        let pre = if lead.reverse { !pre } else { pre };
                        (pre & !0xff_ffff) | i as u64
                    }
                    _ => return false,
                }
            }
        };
    }
    if matches!(lead.key, Key::Date | Key::Arrival | Key::Size) {
        // Positions break ties, as the numbers (rising) would.
        out.sort_unstable();
        out.iter_mut().for_each(|w| *w &= u64::from(u32::MAX));
        return true;
    }
    let text_of = |k: &Keys<'a>, key: Key| -> Option<&'a [u8]> {
        match key {
            Key::From => k.from,
            Key::To => k.to,
            Key::Cc => k.cc,
            _ => k.subject,
        }
    };
    const POS: u64 = 0xff_ffff;
    // By the first five lowered octets (then the position) as plain
    // words; each run of equal octets is then ordered by the whole texts
    // and the later steps, from a copy of its leading keys when it is not
    // large.
    out.sort_unstable();
    // The second step's value when it is numeric (ORDEREDSUBJECT's date):
    // with the lead text, what a run's copy keeps of each message.
    let second = program.get(1).copied();
    let numeric = |k: &Keys<'a>| match second.map(|s| s.key) {
        Some(Key::Date) => k.date,
        Some(Key::Arrival) => k.arrival,
        Some(Key::Size) => k.size,
        _ => 0,
    };
    let later = if second.is_some_and(|s| matches!(s.key, Key::Date | Key::Arrival | Key::Size)) {
        2
    } else {
        1
    };
    // (lead text, second numeric value, position)
    type Entry<'t> = (Option<&'t [u8]>, u64, u32);
    let entry = |w: u64| -> Entry<'a> {
        let k = key_of(w as usize);
        (text_of(&k, lead.key), numeric(&k), w as u32)
    };
    let same = |a: &Entry<'a>, b: &Entry<'a>| {
        // Equal octets need no lowering (thread members mostly).
        let o = if a.0 == b.0 {
            Ordering::Equal
        } else {
            compare_text(a.0, b.0)
        };
        let o = if lead.reverse { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
        if later == 2 {
            let o = a.1.cmp(&b.1);
            let o = if program[1].reverse { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        if program.len() > later {
            let (ka, kb) = (key_of(a.2 as usize), key_of(b.2 as usize));
            for step in &program[later..] {
                let o = match step.key {
                    Key::Date => ka.date.cmp(&kb.date),
                    Key::Arrival => ka.arrival.cmp(&kb.arrival),
                    Key::Size => ka.size.cmp(&kb.size),
                    key => compare_text(text_of(&ka, key), text_of(&kb, key)),
                };
                let o = if step.reverse { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
        a.2.cmp(&b.2)
    };
    const COPIED: usize = 4096;
    let mut run_keys: Vec<Entry<'a>> = Vec::new();
    let mut start = 0;
    while start < n {
        let pre = out[start] & !POS;
        let len = out[start..]
            .iter()
            .take_while(|&&w| w & !POS == pre)
            .count();
        let run = &mut out[start..start + len];
        run.iter_mut().for_each(|w| *w &= POS);
        if len > COPIED {
            run.sort_unstable_by(|&a, &b| same(&entry(a), &entry(b)));
        } else if len > 1 {
            run_keys.clear();
            run_keys.extend(run.iter().map(|&w| entry(w)));
            run_keys.sort_unstable_by(&same);
            for (w, k) in run.iter_mut().zip(&run_keys) {
                *w = u64::from(k.2);
            }
        }
        start += len;
    }
    true
}

/// One message in [`order_with`]'s text sort.
struct Item<'a> {
    /// The first eight octets of the lead text, lowered, big-endian, NUL
    /// padded: unequal prefixes order as the texts do.
    pre: u64,
    /// The lead text, borrowed (an absent one sorts first).
    text: Option<&'a [u8]>,
    /// The message's position.
    pos: u32,
}

/// The first eight octets of `t` lowered into a big-endian word (zeros
/// past the end): when two words differ they order as the lowered texts.
fn lowered_prefix(t: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    for (d, s) in b.iter_mut().zip(t) {
        *d = s.to_ascii_lowercase();
    }
    u64::from_be_bytes(b)
}

/// [`compare_text`] of two present texts whose lowered prefixes
/// ([`lowered_prefix`]) are equal.
fn compare_lowered_tail(a: &[u8], b: &[u8]) -> Ordering {
    // Equal words over eight octets each mean equal lowered first eight.
    let (a, b) = if a.len() >= 8 && b.len() >= 8 {
        (&a[8..], &b[8..])
    } else {
        (a, b)
    };
    let n = a.len().min(b.len());
    for i in 0..n {
        let (x, y) = (a[i], b[i]);
        if x != y {
            let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
            if x != y {
                return x.cmp(&y);
            }
        }
    }
    a.len().cmp(&b.len())
}

/// `order` for programs of at most three numeric keys (date, arrival,
/// size): each message becomes one flat key (a reversed step's value
/// complemented, which reverses unsigned order exactly; the number last,
/// then the position), sorted without comparing through the program.
/// None for other programs.
fn order_numeric<'a>(
    n: usize,
    key_of: &impl Fn(usize) -> Keys<'a>,
    program: &[Step],
) -> Option<Vec<usize>> {
    if program.len() > 3
        || !program
            .iter()
            .all(|s| matches!(s.key, Key::Date | Key::Arrival | Key::Size))
    {
        return None;
    }
    let value = |k: &Keys, step: &Step| {
        let v = match step.key {
            Key::Date => k.date,
            Key::Arrival => k.arrival,
            _ => k.size,
        };
        if step.reverse {
            !v
        } else {
            v
        }
    };
    if let [step] = program {
        if n <= u32::MAX as usize {
            // One key and numbers rising with the position (the loader's
            // order): the value over the position in one 16-octet word.
            let mut flat: Vec<u128> = Vec::with_capacity(n);
            let mut last = 0u64;
            let mut rising = true;
            for i in 0..n {
                let k = key_of(i);
                if i > 0 && k.num <= last {
                    rising = false;
                    break;
                }
                last = k.num;
                flat.push((u128::from(value(&k, step)) << 64) | i as u128);
            }
            if rising {
                flat.sort_unstable();
                return Some(flat.into_iter().map(|w| w as u32 as usize).collect());
            }
            drop(flat);
            let mut flat: Vec<(u64, u64, u32)> = (0..n)
                .map(|i| {
                    let k = key_of(i);
                    (value(&k, step), k.num, i as u32)
                })
                .collect();
            flat.sort_unstable();
            return Some(flat.into_iter().map(|(_, _, i)| i as usize).collect());
        }
    }
    let mut flat: Vec<([u64; 4], usize)> = (0..n)
        .map(|i| (i, key_of(i)))
        .map(|(i, k)| {
            let mut f = [0u64; 4];
            for (slot, step) in f.iter_mut().zip(program) {
                *slot = value(&k, step);
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
        match self.0.get(from..) {
            Some(t) => memchr::memchr(0, t).unwrap_or(t.len()),
            None => 0,
        }
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
    let mut v = Vec::with_capacity(decoded.len() + 1);
    v.extend_from_slice(decoded);
    strip_subject_owned(v)
}

/// [`strip_subject`] working in the text's own buffer.
pub fn strip_subject_owned(mut v: Vec<u8>) -> (Vec<u8>, bool) {
    let size = v.len();
    v.push(0);
    let mut b = Buf(v);
    let mut refwd = false;
    // Fold runs of blanks, tabs becoming spaces (up to the first NUL).
    let text_end = memchr::memchr(0, &b.0).unwrap_or(size);
    let folds = b.0[..text_end]
        .windows(2)
        .any(|w| w[0] == b'\t' || (w[0] == b' ' && matches!(w[1], b' ' | b'\t')))
        || b.0[..text_end].last() == Some(&b'\t');
    if folds {
        let (mut x, mut prev) = (0usize, b'x');
        for i in 0..text_end {
            let c = b.0[i];
            if prev != b' ' {
                prev = if c == b'\t' { b' ' } else { c };
                b.0[x] = prev;
                x += 1;
            } else if c != b'\t' && c != b' ' {
                prev = c;
                b.0[x] = c;
                x += 1;
            }
        }
        b.0[x] = 0;
    }
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
    let mut v = b.0;
    v.truncate(s + n);
    v.drain(..s);
    (v, refwd)
}

/// The value of the first field of a fetched header block (text after its
/// colon), its folded lines joined as the original's sort loader does:
/// a line break before a blank is removed (moving the rest up without
/// shortening the text, as a `memmove` of the tail without its NUL); with
/// `again` (the first letter of the field name, either case) a following
/// line whose first letter matches continues the value after its colon;
/// any other line break ends the value. None when there is no colon.
pub fn header_value(hdr: &[u8], again: Option<u8>) -> Option<Vec<u8>> {
    header_value_cow(hdr, again).map(std::borrow::Cow::into_owned)
}

/// [`header_value`], borrowing the one-line values (most of them) from
/// `hdr` instead of copying them.
pub fn header_value_cow(hdr: &[u8], again: Option<u8>) -> Option<std::borrow::Cow<'_, [u8]>> {
    use std::borrow::Cow;
    let end = memchr::memchr(0, hdr).unwrap_or(hdr.len());
    let hdr = &hdr[..end];
    let colon = memchr::memchr(b':', hdr)?;
    // Most values are one line: when the first line break is not followed
    // by a continuation, the value is the text up to it.
    let rest = &hdr[colon + 1..];
    match memchr::memchr2(b'\r', b'\n', rest) {
        None => return Some(Cow::Borrowed(rest)),
        Some(x) => {
            let v = if rest[x] == b'\r' && rest.get(x + 1) == Some(&b'\n') {
                x + 2
            } else {
                x + 1
            };
            let c = rest.get(v).copied().unwrap_or(0);
            if !matches!(c, b' ' | b'\t') && !again.is_some_and(|a| c.eq_ignore_ascii_case(&a)) {
                return Some(Cow::Borrowed(&rest[..x]));
            }
        }
    }
    Some(Cow::Owned(joined_value(rest, again)))
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
    let mut out = [None];
    field_values_clean(hdr, &[name], &mut out);
    out[0].take()
}

/// [`field_value`] for several (non-empty) names in one pass over a header
/// known to hold no NUL: `out[k]` gets `field_value(hdr, names[k])`.
pub fn field_values_clean(hdr: &[u8], names: &[&[u8]], out: &mut [Option<Option<Vec<u8>>>]) {
    debug_assert!(memchr::memchr(0, hdr).is_none());
    // Which names are still open (no allocation for the usual few names).
    let mut few = [false; 8];
    let mut many = Vec::new();
    let open: &mut [bool] = if names.len() <= few.len() {
        &mut few[..names.len()]
    } else {
        many.resize(names.len(), false);
        &mut many
    };
    for (o, n) in open.iter_mut().zip(names) {
        *o = !n.is_empty();
    }
    out.iter_mut().for_each(|o| *o = None);
    let mut left = open.iter().filter(|&&o| o).count();
    let end = hdr.len();
    // Where each field starts: a line start not opening with a blank
    // (those continue the field before), the header's first line always.
    let mut starts = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', hdr).map(|p| p + 1))
        .filter(|&p| p == 0 || (p < end && !matches!(hdr[p], b' ' | b'\t')))
        .peekable();
    let stop = |c: u8| matches!(c, b':' | b' ' | b'\t' | b'\r' | b'\n');
    while left > 0 {
        let Some(src) = starts.next() else {
            break;
        };
        if src >= end {
            break;
        }
        let c = hdr[src];
        let nameless = stop(c);
        // A named field is only looked at when it may be one wanted.
        if !nameless
            && !names
                .iter()
                .zip(open.iter())
                .any(|(n, &o)| o && n[0].eq_ignore_ascii_case(&c))
        {
            continue;
        }
        let next = starts.peek().copied().unwrap_or(end);
        let field = &hdr[src..next];
        if nameless {
            if memchr::memchr(b':', field).is_some() {
                // The shortcut does not model this: every open name
                // takes the real filter.
                return;
            }
            continue;
        }
        let limit = (src + crate::store::fetch::MAX_FIELD_NAME).min(end);
        let s = hdr[src..limit]
            .iter()
            .position(|&c| stop(c))
            .map_or(limit, |k| src + k);
        for k in 0..names.len() {
            if open[k] && hdr[src..s].eq_ignore_ascii_case(names[k]) {
                open[k] = false;
                left -= 1;
                // Without its line end (the header's last line) the
                // filtered copy may or may not carry the filter's guard
                // line end after it, which the joining quirk can see:
                // filter for real.
                out[k] = (memchr::memchr(b':', field).is_some() && field.last() == Some(&b'\n'))
                    .then(|| header_value(field, None));
            }
        }
    }
    for k in 0..names.len() {
        if open[k] {
            out[k] = Some(None);
        }
    }
}

/// Where [`field_values_clean`] finds each of `names` (non-empty) in a
/// header of the driver's lookup form (no CR, no NUL): each name's line
/// is searched for (a line break and the name's first letter in either
/// case) instead of walking every line, which is what sorting by Date or
/// Subject spent its time on. The searchers are made once for many
/// headers.
pub struct FieldSearch<'n> {
    names: &'n [&'n [u8]],
    /// Per name: the searchers of its line start in either case (None
    /// for a name the search does not model).
    starts: Vec<Option<Vec<memchr::memmem::Finder<'static>>>>,
    nameless_colon: memchr::memmem::Finder<'static>,
    blank_line: memchr::memmem::Finder<'static>,
}

impl<'n> FieldSearch<'n> {
    /// The search for `names`.
    pub fn new(names: &'n [&'n [u8]]) -> Self {
        let starts = names
            .iter()
            .map(|name| match name.first() {
                Some(&c) if !field_stop(c) && name.len() < crate::store::fetch::MAX_FIELD_NAME => {
                    let (u, l) = (c.to_ascii_uppercase(), c.to_ascii_lowercase());
                    let mut v = vec![memchr::memmem::Finder::new(&[b'\n', u]).into_owned()];
                    if u != l {
                        v.push(memchr::memmem::Finder::new(&[b'\n', l]).into_owned());
                    }
                    Some(v)
                }
                _ => None,
            })
            .collect();
        FieldSearch {
            names,
            starts,
            nameless_colon: memchr::memmem::Finder::new(b"\n:").into_owned(),
            blank_line: memchr::memmem::Finder::new(b"\n\n").into_owned(),
        }
    }

    /// `out[k]`: the lines (continuations included) of the field of
    /// `names[k]` that [`field_values_clean`] would take, None when the
    /// header has none. False, with `out` unspecified, when a nameless
    /// line (opening with a colon or a line break, other than the
    /// header's closing blank line) comes before a wanted field, or a
    /// name is not modelled: the walk decides those.
    pub fn spans<'h>(&self, hdr: &'h [u8], out: &mut [Option<&'h [u8]>]) -> bool {
        debug_assert!(memchr::memchr2(0, b'\r', hdr).is_none());
        let end = hdr.len();
        // The first line is a field start whatever it opens with.
        if hdr.first().is_some_and(|&c| field_stop(c)) {
            return false;
        }
        let named = |p: usize, name: &[u8]| {
            hdr.get(p..p + name.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(name))
                && hdr.get(p + name.len()).is_none_or(|&c| field_stop(c))
        };
        // How far the walk would have looked: up to the last wanted field.
        let mut reach = 0;
        for ((slot, name), starts) in out.iter_mut().zip(self.names).zip(&self.starts) {
            let Some(starts) = starts else {
                return false;
            };
            let mut found = named(0, name).then_some(0);
            if found.is_none() {
                for f in starts {
                    // A later case only matters before the line found so far.
                    let hay = &hdr[..found.unwrap_or(end)];
                    found = f
                        .find_iter(hay)
                        .map(|q| q + 1)
                        .find(|&p| named(p, name))
                        .or(found);
                }
            }
            *slot = found.map(|f| {
                let mut from = f;
                let next = loop {
                    match memchr::memchr(b'\n', &hdr[from..]) {
                        Some(e) if from + e + 1 < end => {
                            let p = from + e + 1;
                            if matches!(hdr[p], b' ' | b'\t') {
                                from = p;
                            } else {
                                break p;
                            }
                        }
                        _ => break end,
                    }
                };
                &hdr[f..next]
            });
            reach = reach.max(found.unwrap_or(end));
        }
        // Nameless lines before `reach`; the closing blank line is harmless
        // (its field is a line break, no colon).
        let before = &hdr[..reach];
        self.nameless_colon.find(before).is_none()
            && self
                .blank_line
                .find(&before[..reach.min(end.saturating_sub(1))])
                .is_none()
    }
}

/// Whether an octet ends a field name (`mail_filter`'s rule).
fn field_stop(c: u8) -> bool {
    matches!(c, b':' | b' ' | b'\t' | b'\r' | b'\n')
}

/// [`field_values_clean`] on a header of the lookup form (no CR, no
/// NUL), through [`FieldSearch`] when it can decide.
pub fn field_values_lf(hdr: &[u8], names: &[&[u8]], out: &mut [Option<Option<Vec<u8>>>]) {
    let mut spans = [None; 4];
    if names.len() <= spans.len() && FieldSearch::new(names).spans(hdr, &mut spans[..names.len()]) {
        for (o, span) in out.iter_mut().zip(spans) {
            *o = match span {
                None => Some(None),
                Some(f) => field_value_of(f).map(|v| v.map(std::borrow::Cow::into_owned)),
            };
        }
    } else {
        field_values_clean(hdr, names, out);
    }
}

/// What [`field_values_clean`] makes of a field found in the lookup
/// form: its value (None when it has no colon), or None (outer) when
/// the walk would leave it to the real filter (no colon, or no line end
/// after it).
pub fn field_value_of(field: &[u8]) -> Option<Option<std::borrow::Cow<'_, [u8]>>> {
    (memchr::memchr(b':', field).is_some() && field.last() == Some(&b'\n'))
        .then(|| header_value_cow(field, None))
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

    /// A small seeded generator: `rnd(n)` is in `0..n`.
    fn lcg(seed: u64) -> impl FnMut(u64) -> u64 {
        let mut x = seed;
        move |n| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % n
        }
    }

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
        let mut rnd = lcg(12345);
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
    fn text_orders_match_the_comparator() {
        let mut rnd = lcg(777);
        let words: [&[u8]; 9] = [b"", b"a", b"A", b"ab", b"aB", b"b", b"\xe9", b"Z", b"a b"];
        let pick = |r: u64| -> Option<&[u8]> { (r != 9).then(|| words[r as usize % 9]) };
        let keys: Vec<Keys> = (0..400)
            .map(|i| Keys {
                num: 1000 - (i % 300),
                date: rnd(4),
                size: rnd(3),
                from: pick(rnd(10)),
                to: pick(rnd(10)),
                cc: pick(rnd(10)),
                subject: pick(rnd(10)),
                ..Default::default()
            })
            .collect();
        let all = [
            Key::Subject,
            Key::Date,
            Key::From,
            Key::Size,
            Key::To,
            Key::Cc,
        ];
        for a in all {
            for b in all {
                for (ra, rb) in [(false, false), (true, false), (false, true)] {
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
                    for p in [&p[..1], &p[..]] {
                        let mut want: Vec<usize> = (0..keys.len()).collect();
                        want.sort_by(|&x, &y| compare(&keys[x], &keys[y], p));
                        assert_eq!(order(&keys, p), want, "{p:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn long_texts_and_rising_numbers_match_the_comparator() {
        // Texts sharing their first eight octets (in either case), shorter
        // than eight, with NULs; numbers rising with the position (the
        // loader's order) and falling.
        let mut rnd = lcg(4242);
        let words: [&[u8]; 12] = [
            b"",
            b"abcdefgh",
            b"ABCDEFGH",
            b"abcdefghi",
            b"abcdefgHI",
            b"abcdefgh\0",
            b"abc",
            b"abc\0",
            b"abcdefgha long subject",
            b"ABCDEFGHA LONG SUBJECT",
            b"abcdefgh[z]",
            b"\xe9abcdefgh",
        ];
        let pick = |r: u64| -> Option<&[u8]> { (r != 12).then(|| words[r as usize % 12]) };
        for rising in [true, false] {
            let keys: Vec<Keys> = (0..600u64)
                .map(|i| Keys {
                    num: if rising { 3 * i + 1 } else { 5000 - (i % 250) },
                    date: rnd(3),
                    arrival: rnd(2),
                    from: pick(rnd(13)),
                    subject: pick(rnd(13)),
                    ..Default::default()
                })
                .collect();
            let all = [Key::Subject, Key::Date, Key::From, Key::Arrival];
            for a in all {
                for b in all {
                    for (ra, rb) in [(false, false), (true, false), (false, true)] {
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
                        for p in [&p[..1], &p[..]] {
                            let mut want: Vec<usize> = (0..keys.len()).collect();
                            want.sort_by(|&x, &y| compare(&keys[x], &keys[y], p));
                            assert_eq!(order(&keys, p), want, "{p:?} rising {rising}");
                        }
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
            if !v.contains(&0) {
                let mut out = [None, None];
                field_values_clean(&v, &[b"date", b"from"], &mut out);
                assert_eq!(out, [field_value(&v, b"date"), field_value(&v, b"from")]);
            }
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
    fn orders_in_place_match_the_comparator() {
        let mut rnd = lcg(99);
        // Texts sharing their first five octets in either case, shorter
        // and longer than five, with NULs and high octets.
        let words: [&[u8]; 12] = [
            b"",
            b"a",
            b"abcde",
            b"ABCDE",
            b"abcdef",
            b"abcdeF",
            b"abcdeg",
            b"abcd",
            b"abcd\0",
            b"abcde\0x",
            b"\xe9t\xe9",
            b"Z",
        ];
        let mut taken = 0;
        for round in 0..40 {
            let big = round % 3 == 0;
            let keys: Vec<Keys> = (0..300)
                .map(|i| Keys {
                    num: 10 + 2 * i,
                    date: if big { rnd(3) << 31 } else { rnd(5) },
                    size: rnd(3),
                    from: Some(words[rnd(12) as usize]),
                    // An absent text now and then.
                    subject: (rnd(40) != 0 || round % 2 == 0).then(|| words[rnd(12) as usize]),
                    ..Default::default()
                })
                .collect();
            let all = [Key::Subject, Key::Date, Key::From, Key::Size];
            for a in all {
                for b in all {
                    for (ra, rb) in [(false, false), (true, false), (false, true), (true, true)] {
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
                        for p in [&p[..1], &p[..]] {
                            let mut out = vec![0u64; keys.len()];
                            if order_into(&mut out, |i| keys[i].clone(), p) {
                                taken += 1;
                                let got: Vec<usize> = out.iter().map(|&w| w as usize).collect();
                                assert_eq!(got, order(&keys, p), "{p:?}");
                            }
                        }
                    }
                }
            }
        }
        assert!(taken > 1000, "{taken}");
        // A run of equal leading octets too long to copy.
        let keys: Vec<Keys> = (0..9000)
            .map(|i| Keys {
                num: i + 1,
                date: rnd(7),
                subject: Some(words[2 + rnd(4) as usize]),
                ..Default::default()
            })
            .collect();
        for reverse in [false, true] {
            let p = [
                Step {
                    key: Key::Subject,
                    reverse,
                },
                Step {
                    key: Key::Date,
                    reverse: !reverse,
                },
            ];
            let mut out = vec![0u64; keys.len()];
            assert!(order_into(&mut out, |i| keys[i].clone(), &p));
            let got: Vec<usize> = out.iter().map(|&w| w as usize).collect();
            assert_eq!(got, order(&keys, &p));
        }
    }

    #[test]
    fn field_search_matches_the_line_walk() {
        // Random headers of the lookup form (no CR, no NUL) built from
        // the pieces either way can trip on: names in any case, with
        // blanks before the colon, prefixes of other names, continuation
        // lines, nameless lines, blank lines, no final line end.
        let mut rnd = lcg(4242);
        let parts: [&[u8]; 24] = [
            b"Date: Mon, 1 Jan 2001 00:00:00 +0000\n",
            b"date:x\n",
            b"DATE :y\n",
            b"Date\n",
            b"Dated: no\n",
            b"Delivered-To: a@b\n",
            b"Subject: Re: hello\n",
            b"subject:\n",
            b"SUBJECT\t: [x] y\n",
            b"Subjects: no\n",
            b"Sender: s\n",
            b" folded: on\n",
            b"\tmore\n",
            b": nameless\n",
            b"\n",
            b"X-Date: z\n",
            b"From: f\n",
            b"d",
            b"s",
            b"Date: ",
            b"Subject:",
            b" ",
            b"\xe9t\xe9: w\n",
            b"Received: from x\n\tby y; Tue, 2 Jan 2001\n",
        ];
        let names: [&[&[u8]]; 3] = [&[b"date"], &[b"subject"], &[b"date", b"subject"]];
        let mut decided = 0;
        for round in 0..60_000 {
            let mut h = Vec::new();
            for _ in 0..rnd(12) {
                h.extend_from_slice(parts[rnd(parts.len() as u64) as usize]);
            }
            // Most stored headers end with their blank line.
            if round % 4 != 0 {
                h.push(b'\n');
            }
            for ns in names {
                let mut walk = [None, None];
                field_values_clean(&h, ns, &mut walk[..ns.len()]);
                let mut fast = [None, None];
                field_values_lf(&h, ns, &mut fast[..ns.len()]);
                assert_eq!(walk, fast, "{:?} {ns:?}", String::from_utf8_lossy(&h));
                let mut spans = [None, None];
                if FieldSearch::new(ns).spans(&h, &mut spans[..ns.len()]) {
                    decided += 1;
                }
            }
        }
        assert!(decided > 100_000, "{decided}");
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
