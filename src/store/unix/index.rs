//! The message index of an open Berkeley mailbox, kept small: the driver
//! holds it beside the application's cache elements (all the original
//! keeps), so every byte of it a message counts against the original's
//! memory.
//!
//! Messages are stored in chunks of [`CHUNK`]: each column (offset,
//! lengths, UID, date, ...) as its difference from the chunk's least value,
//! in as many bits as the chunk's largest difference needs. Neighbouring
//! messages have close offsets, equal "From " line lengths, runs of UIDs
//! and near dates, and a text nearly always fills the room to the next
//! message's offset, so a message takes 8–11 bytes, and every value stays
//! exact whatever its size. Flags and the bookkeeping bits change often
//! and sit in a byte a message beside the chunks. The last, unfilled
//! chunk is kept unpacked.

use crate::message::date::MailDate;
use crate::store::flags::Flags;
use crate::store::mailbox::MessageInfo;
use std::fmt;

/// One message with every value (what the index gives and takes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Message {
    pub info: MessageInfo,
    /// Offset of the "From " line.
    pub offset: usize,
    pub from_len: u32,
    pub header_len: u32,
    pub text_len: u32,
    pub header_lf_len: u32,
    /// Must be written at the next checkpoint.
    pub dirty: bool,
    /// See [`super::format::ParsedMessage::canon`].
    pub canon: bool,
}

/// Messages a packed chunk holds.
const CHUNK: usize = 128;
/// Columns of a packed chunk.
const COLS: usize = 11;
const OFFSET: usize = 0;
const FROM: usize = 1;
const HEADER: usize = 2;
const TEXT: usize = 4;
const UID: usize = 6;
const KEYWORDS: usize = 7;
const FLAGS_HI: usize = 10;

/// The room the next message's offset `next` leaves after `m`'s "From "
/// line and header: its text and what ends it.
fn room(offset: usize, from_len: u32, header_len: u32, next: usize) -> u32 {
    next.wrapping_sub(offset)
        .wrapping_sub(from_len as usize)
        .wrapping_sub(header_len as usize) as u32
}

/// An internal date as one number that grows with the date: the fields
/// at their C bit-field widths, or (a value past them) all of each byte.
fn when(d: &MailDate) -> u64 {
    let fits = d.day < 32
        && d.month < 16
        && d.year < 128
        && d.hours < 32
        && d.minutes < 64
        && d.seconds < 64;
    let fields = [d.year, d.month, d.day, d.hours, d.minutes, d.seconds];
    if fits {
        [7, 4, 5, 5, 6, 6]
            .iter()
            .zip(fields)
            .fold(0u64, |acc, (&bits, v)| acc << bits | v as u64)
    } else {
        fields.iter().fold(1u64, |acc, &v| acc << 8 | v as u64)
    }
}

fn date_of(when: u64, zone: u64) -> MailDate {
    let mut f = [0u8; 6];
    let mut v = when;
    if when >> 48 == 0 {
        for (k, bits) in [6, 6, 5, 5, 4, 7].into_iter().enumerate() {
            f[5 - k] = (v & ((1 << bits) - 1)) as u8;
            v >>= bits;
        }
    } else {
        for k in 0..6 {
            f[5 - k] = v as u8;
            v >>= 8;
        }
    }
    MailDate {
        year: f[0],
        month: f[1],
        day: f[2],
        hours: f[3],
        minutes: f[4],
        seconds: f[5],
        zoccident: zone >> 16 & 1 != 0,
        zhours: (zone >> 8) as u8,
        zminutes: zone as u8,
    }
}

/// The columns of message `j` of its chunk; `next` is the offset of the
/// message after it in the chunk (None for the last one, whose text length
/// the chunk keeps apart).
fn columns(m: &Message, j: usize, next: Option<usize>) -> [u64; COLS] {
    let d = &m.info.internal_date;
    let zone = (d.zoccident as u64) << 16 | (d.zhours as u64) << 8 | d.zminutes as u64;
    let text = next.map_or(0, |next| {
        // Nearly always the same for every message: the text fills the
        // room to the next message but for its ending.
        m.text_len
            .wrapping_sub(room(m.offset, m.from_len, m.header_len, next)) as u64
    });
    [
        m.offset as u64,
        m.from_len as u64,
        m.header_len as u64,
        // What the header loses in its LF form.
        m.header_len.wrapping_sub(m.header_lf_len) as u64,
        text,
        // RFC822.SIZE beyond the header's LF length and the text's.
        m.info
            .size
            .wrapping_sub(m.header_lf_len.wrapping_add(m.text_len)) as u64,
        // A run of UIDs is one value.
        m.info.uid.wrapping_sub(j as u32) as u64,
        m.info.keywords as u64,
        when(d),
        zone,
        (m.info.flags.0 >> 6) as u64,
    ]
}

/// Inverse of [`columns`]: `text_len` is the message's text length,
/// `state` from [`state_of`].
fn message(c: &[u64; COLS], j: usize, text_len: u32, state: u8) -> Message {
    let header_len = c[HEADER] as u32;
    let header_lf_len = header_len.wrapping_sub(c[3] as u32);
    Message {
        info: MessageInfo {
            uid: (c[UID] as u32).wrapping_add(j as u32),
            flags: Flags(state & LOW_FLAGS | (c[FLAGS_HI] as u8) << 6),
            keywords: c[KEYWORDS] as u32,
            internal_date: date_of(c[8], c[9]),
            size: (c[5] as u32).wrapping_add(header_lf_len.wrapping_add(text_len)),
        },
        offset: c[OFFSET] as usize,
        from_len: c[FROM] as u32,
        header_len,
        text_len,
        header_lf_len,
        dirty: state & DIRTY != 0,
        canon: state & CANON != 0,
    }
}

/// The flags kept in the state byte (all there are; any higher bits are a
/// column).
const LOW_FLAGS: u8 = 0x3f;
const DIRTY: u8 = 1 << 6;
const CANON: u8 = 1 << 7;

fn state_of(m: &Message) -> u8 {
    m.info.flags.0 & LOW_FLAGS | if m.dirty { DIRTY } else { 0 } | if m.canon { CANON } else { 0 }
}

/// [`CHUNK`] messages, column by column.
#[derive(Clone)]
struct Chunk {
    /// Each column's least value.
    base: [u64; COLS],
    /// Each column's width in bits and place in a message's bits.
    width: [u8; COLS],
    shift: [u16; COLS],
    /// A message's bits (the widths' sum).
    stride: u16,
    /// The last message's text length.
    last_text: u32,
    /// Message `j`'s bits from bit `j * stride`; one spare word at the end
    /// so that any field reads as two words.
    bits: Box<[u64]>,
}

impl Chunk {
    fn pack(msgs: &[Message]) -> Chunk {
        let mut cols: Vec<[u64; COLS]> = msgs
            .iter()
            .enumerate()
            .map(|(j, m)| columns(m, j, msgs.get(j + 1).map(|n| n.offset)))
            .collect();
        // The last message's text column repeats the first's (no wider).
        cols[CHUNK - 1][TEXT] = cols[0][TEXT];
        let mut base = [u64::MAX; COLS];
        let mut top = [0u64; COLS];
        for c in &cols {
            for k in 0..COLS {
                base[k] = base[k].min(c[k]);
                top[k] = top[k].max(c[k]);
            }
        }
        let mut width = [0u8; COLS];
        let mut shift = [0u16; COLS];
        let mut stride = 0u16;
        for k in 0..COLS {
            width[k] = (64 - (top[k] - base[k]).leading_zeros()) as u8;
            shift[k] = stride;
            stride += width[k] as u16;
        }
        let words = (msgs.len() * stride as usize).div_ceil(64) + 1;
        let mut chunk = Chunk {
            base,
            width,
            shift,
            stride,
            last_text: msgs[CHUNK - 1].text_len,
            bits: vec![0; words].into_boxed_slice(),
        };
        for (j, c) in cols.iter().enumerate() {
            for k in 0..COLS {
                chunk.write(j, k, c[k] - base[k]);
            }
        }
        chunk
    }

    fn read(&self, j: usize, k: usize) -> u64 {
        let width = self.width[k] as u32;
        if width == 0 {
            return self.base[k];
        }
        let at = j * self.stride as usize + self.shift[k] as usize;
        let (w, s) = (at / 64, at % 64);
        let two = self.bits[w] as u128 | (self.bits[w + 1] as u128) << 64;
        let v = (two >> s) as u64;
        let mask = if width == 64 {
            u64::MAX
        } else {
            (1 << width) - 1
        };
        self.base[k] + (v & mask)
    }

    /// Stores `delta` (already less the base, and fitting the width).
    fn write(&mut self, j: usize, k: usize, delta: u64) {
        let width = self.width[k] as u32;
        if width == 0 {
            return;
        }
        let at = j * self.stride as usize + self.shift[k] as usize;
        let (w, s) = (at / 64, at % 64);
        let mask = if width == 64 {
            u128::from(u64::MAX)
        } else {
            (1u128 << width) - 1
        } << s;
        let mut two = self.bits[w] as u128 | (self.bits[w + 1] as u128) << 64;
        two = (two & !mask) | ((delta as u128) << s & mask);
        self.bits[w] = two as u64;
        self.bits[w + 1] = (two >> 64) as u64;
    }

    /// Stores `v` in place when it fits the column as packed.
    fn try_write(&mut self, j: usize, k: usize, v: u64) -> bool {
        let Some(delta) = v.checked_sub(self.base[k]) else {
            return false;
        };
        if self.width[k] < 64 && delta >> self.width[k] != 0 {
            return false;
        }
        self.write(j, k, delta);
        true
    }

    fn columns(&self, j: usize) -> [u64; COLS] {
        std::array::from_fn(|k| self.read(j, k))
    }

    fn message(&self, j: usize, state: u8) -> Message {
        let c = self.columns(j);
        message(&c, j, self.text_len(j, &c), state)
    }

    /// Message `j`'s text length, `c` its columns.
    fn text_len(&self, j: usize, c: &[u64; COLS]) -> u32 {
        if j == CHUNK - 1 {
            return self.last_text;
        }
        let next = self.read(j + 1, OFFSET) as usize;
        let room = room(c[OFFSET] as usize, c[FROM] as u32, c[HEADER] as u32, next);
        (c[TEXT] as u32).wrapping_add(room)
    }
}

/// The index: packed chunks, then the last messages unpacked.
#[derive(Clone, Default)]
pub(super) struct Index {
    chunks: Vec<Chunk>,
    tail: Vec<Message>,
    /// Flags, [`DIRTY`] and [`CANON`] of every message (those of the tail
    /// also in `tail`).
    state: Vec<u8>,
}

impl Index {
    pub fn new() -> Index {
        Index::default()
    }

    pub fn len(&self) -> usize {
        self.state.len()
    }

    pub fn is_empty(&self) -> bool {
        self.state.is_empty()
    }

    pub fn push(&mut self, m: Message) {
        self.state.push(state_of(&m));
        self.tail.push(m);
        if self.tail.len() == CHUNK {
            self.chunks.push(Chunk::pack(&self.tail));
            self.tail.clear();
        }
    }

    /// Message `i` (from 0); panics past the end, as slice indexing does.
    pub fn get(&self, i: usize) -> Message {
        let state = self.state[i];
        let (c, j) = (i / CHUNK, i % CHUNK);
        match self.chunks.get(c) {
            Some(chunk) => chunk.message(j, state),
            None => self.tail[j].clone(),
        }
    }

    pub fn at(&self, i: usize) -> Option<Message> {
        (i < self.len()).then(|| self.get(i))
    }

    pub fn last(&self) -> Option<Message> {
        self.len().checked_sub(1).map(|i| self.get(i))
    }

    /// Column `k` of message `i` (in a chunk), else `in_tail` of it.
    fn column<T>(&self, i: usize, k: usize, in_tail: impl Fn(&Message) -> T) -> Result<u64, T> {
        let (c, j) = (i / CHUNK, i % CHUNK);
        match self.chunks.get(c) {
            Some(chunk) => Ok(chunk.read(j, k)),
            None => Err(in_tail(&self.tail[j])),
        }
    }

    pub fn flags(&self, i: usize) -> Flags {
        match self.column(i, FLAGS_HI, |m| m.info.flags) {
            Ok(hi) => Flags(self.state[i] & LOW_FLAGS | (hi as u8) << 6),
            Err(f) => f,
        }
    }

    pub fn offset(&self, i: usize) -> usize {
        self.column(i, OFFSET, |m| m.offset)
            .map_or_else(|o| o, |v| v as usize)
    }

    pub fn uid(&self, i: usize) -> u32 {
        self.column(i, UID, |m| m.info.uid)
            .map_or_else(|u| u, |v| (v as u32).wrapping_add((i % CHUNK) as u32))
    }

    pub fn keywords(&self, i: usize) -> u32 {
        self.column(i, KEYWORDS, |m| m.info.keywords)
            .map_or_else(|k| k, |v| v as u32)
    }

    pub fn set_dirty(&mut self, i: usize, dirty: bool) {
        let s = &mut self.state[i];
        *s = (*s & !DIRTY) | if dirty { DIRTY } else { 0 };
        if let Some(m) = self.tail_mut(i) {
            m.dirty = dirty;
        }
    }

    fn tail_mut(&mut self, i: usize) -> Option<&mut Message> {
        let (c, j) = (i / CHUNK, i % CHUNK);
        (c == self.chunks.len()).then(|| &mut self.tail[j])
    }

    /// Replaces the flags and keywords of message `i`.
    pub fn set_flags(&mut self, i: usize, flags: Flags, keywords: u32) {
        if flags.0 & !LOW_FLAGS != self.flags(i).0 & !LOW_FLAGS || keywords != self.keywords(i) {
            let mut m = self.get(i);
            m.info.flags = flags;
            m.info.keywords = keywords;
            return self.set(i, m);
        }
        let s = &mut self.state[i];
        *s = (*s & !LOW_FLAGS) | flags.0 & LOW_FLAGS;
        if let Some(m) = self.tail_mut(i) {
            m.info.flags = flags;
        }
    }

    /// Replaces message `i`.
    pub fn set(&mut self, i: usize, m: Message) {
        self.state[i] = state_of(&m);
        let (c, j) = (i / CHUNK, i % CHUNK);
        if c == self.chunks.len() {
            self.tail[j] = m;
            return;
        }
        let now = self.get(i);
        let chunk = &mut self.chunks[c];
        // The text lengths hang on the offsets: a new place or length
        // repacks the chunk (it happens only in tests; rewrites build a
        // new index).
        let mut fits = (now.offset, now.from_len, now.header_len, now.text_len)
            == (m.offset, m.from_len, m.header_len, m.text_len);
        if fits {
            let cols = columns(&m, j, None);
            for (k, &v) in cols.iter().enumerate() {
                fits &= k == TEXT || chunk.try_write(j, k, v);
            }
        }
        if !fits {
            let mut all: Vec<Message> = (c * CHUNK..(c + 1) * CHUNK).map(|n| self.get(n)).collect();
            all[j] = m;
            self.chunks[c] = Chunk::pack(&all);
        }
    }

    /// Takes message `i` out, the later ones moving down.
    pub fn remove(&mut self, i: usize) -> Message {
        let gone = self.get(i);
        let from = i / CHUNK;
        let moved = self.chunks.split_off(from);
        let tail = std::mem::take(&mut self.tail);
        let mut states = self.state.split_off(from * CHUNK).into_iter();
        let mut n = from * CHUNK;
        let mut put = |ix: &mut Index, m: Message| {
            if n != i {
                ix.push(m);
            }
            n += 1;
        };
        for chunk in moved {
            for j in 0..CHUNK {
                let s = states.next().unwrap_or(0);
                put(self, chunk.message(j, s));
            }
        }
        for m in tail {
            put(self, m);
        }
        gone
    }

    /// Bytes the index holds on the heap (the vectors' lengths).
    #[cfg(test)]
    pub fn heap_bytes(&self) -> usize {
        let chunk = std::mem::size_of::<Chunk>();
        self.chunks
            .iter()
            .map(|c| chunk + c.bits.len() * 8)
            .sum::<usize>()
            + self.tail.len() * std::mem::size_of::<Message>()
            + self.state.len()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = Message> + ExactSizeIterator + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

impl fmt::Debug for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl FromIterator<Message> for Index {
    fn from_iter<T: IntoIterator<Item = Message>>(iter: T) -> Index {
        let mut ix = Index::new();
        for m in iter {
            ix.push(m);
        }
        ix
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rand::xorshift;

    /// A random message: now and then values at the edges of their types,
    /// otherwise values near `near`'s (as neighbours in a mailbox are).
    fn random(next: &mut impl FnMut() -> u64, near: &Message) -> Message {
        let mut pick = |close: u64, mask: u64| match next() % 16 {
            0 => next() & mask,
            1 => mask,
            2 => 0,
            _ => close.wrapping_add(next() % 4096) & mask,
        };
        let d = &near.info.internal_date;
        let byte = |v: u64| v as u8;
        Message {
            info: MessageInfo {
                uid: pick(near.info.uid as u64, u32::MAX as u64) as u32,
                flags: Flags(pick(0, 0xff) as u8),
                keywords: if pick(0, 7) == 0 {
                    pick(0, u32::MAX as u64) as u32
                } else {
                    0
                },
                internal_date: MailDate {
                    day: byte(pick(d.day as u64, 0xff)),
                    month: byte(pick(0, 0xff)),
                    year: byte(pick(d.year as u64, 0xff)),
                    hours: byte(pick(0, 0xff)),
                    minutes: byte(pick(0, 0xff)),
                    seconds: byte(pick(0, 0xff)),
                    zoccident: pick(0, 1) != 0,
                    zhours: byte(pick(0, 0xff)),
                    zminutes: byte(pick(0, 0xff)),
                },
                size: pick(near.info.size as u64, u32::MAX as u64) as u32,
            },
            offset: pick(near.offset as u64, usize::MAX as u64) as usize,
            from_len: pick(near.from_len as u64, (1 << 30) - 1) as u32,
            header_len: pick(near.header_len as u64, u32::MAX as u64) as u32,
            text_len: pick(near.text_len as u64, u32::MAX as u64) as u32,
            header_lf_len: pick(near.header_lf_len as u64, u32::MAX as u64) as u32,
            dirty: pick(0, 1) != 0,
            canon: pick(0, 1) != 0,
        }
    }

    fn same(ix: &Index, model: &[Message]) {
        assert_eq!(ix.len(), model.len());
        for (i, m) in model.iter().enumerate() {
            assert_eq!(ix.get(i), *m, "message {i}");
            assert_eq!(ix.offset(i), m.offset);
            assert_eq!(ix.uid(i), m.info.uid);
            assert_eq!(ix.flags(i), m.info.flags);
            assert_eq!(ix.keywords(i), m.info.keywords);
        }
        assert!(ix.iter().eq(model.iter().cloned()));
        assert_eq!(ix.at(model.len()), None);
    }

    /// Every value reads back exactly, through pushes, in-place and
    /// widening replacements, flag changes and removals, in packed chunks
    /// and in the unpacked tail.
    #[test]
    fn index_reads_back_what_it_was_given() {
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        let mut ix = Index::new();
        let mut model: Vec<Message> = Vec::new();
        let mut prev = Message {
            info: MessageInfo::default(),
            offset: 0,
            from_len: 50,
            header_len: 1000,
            text_len: 3000,
            header_lf_len: 990,
            dirty: false,
            canon: false,
        };
        for _ in 0..3 * CHUNK * 7 + 5 {
            let m = random(&mut next, &prev);
            ix.push(m.clone());
            model.push(m.clone());
            prev = m;
        }
        same(&ix, &model);
        for round in 0..600 {
            let i = (next() % model.len() as u64) as usize;
            match round % 4 {
                0 => {
                    let m = random(&mut next, &model[i]);
                    ix.set(i, m.clone());
                    model[i] = m;
                }
                1 => {
                    let flags = Flags(next() as u8);
                    let keywords = if next().is_multiple_of(2) {
                        0
                    } else {
                        next() as u32
                    };
                    ix.set_flags(i, flags, keywords);
                    model[i].info.flags = flags;
                    model[i].info.keywords = keywords;
                }
                2 => {
                    let dirty = next().is_multiple_of(2);
                    ix.set_dirty(i, dirty);
                    model[i].dirty = dirty;
                }
                _ => {
                    assert_eq!(ix.remove(i), model.remove(i));
                }
            }
            if round % 50 == 0 {
                same(&ix, &model);
            }
        }
        same(&ix, &model);
        while !model.is_empty() {
            let i = (next() % model.len() as u64) as usize;
            assert_eq!(ix.remove(i), model.remove(i));
        }
        same(&ix, &model);
    }

    /// An ordinary mailbox's index takes a few bytes a message (it is
    /// most of what the driver adds to the application's cache).
    #[test]
    fn index_of_an_ordinary_mailbox_is_small() {
        let mut ix = Index::new();
        let mut offset = 0;
        let n = 10_000;
        for k in 0..n {
            let (header_len, text_len) = (800 + k * 37 % 1500, 200 + k * 7919 % 20_000);
            ix.push(Message {
                info: MessageInfo {
                    uid: k as u32 + 1,
                    flags: Flags::SEEN,
                    keywords: 0,
                    internal_date: MailDate {
                        day: 1 + (k / 500 % 28) as u8,
                        month: 3,
                        year: 36,
                        hours: (k % 24) as u8,
                        minutes: (k % 60) as u8,
                        seconds: (k * 7 % 60) as u8,
                        zoccident: false,
                        zhours: 1,
                        zminutes: 0,
                    },
                    size: (header_len + text_len + text_len / 40) as u32,
                },
                offset,
                from_len: 48,
                header_len: header_len as u32,
                text_len: text_len as u32,
                header_lf_len: header_len as u32 - 40,
                dirty: false,
                canon: true,
            });
            offset += 48 + header_len + text_len + 1;
        }
        let per = ix.heap_bytes() as f64 / n as f64;
        assert!(per < 14.0, "{per} bytes a message");
    }
}
