//! Message sets as c-client's callers write them: `1,3:5,7:*`, by message
//! number (`mail_sequence`) or by UID (`mail_uid_sequence`), and the
//! searchset form `mail_parse_set` reads (`1:3,5`, no `*`).
//!
//! The parsers yield one item at a time so the caller can mark each item
//! before the next is read, exactly when the original marks it; an error
//! ends the walk with the text the original logs, items already yielded
//! stay marked.

/// One item of a set, with the bounds in ascending order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    One(u64),
    /// An inclusive range, written either way round.
    Range(u64, u64),
}

/// What a set's numbers are and how `*` is worked out.
enum Kind<F> {
    /// Message numbers, each within `1..=nmsgs`.
    Msgno { nmsgs: u64 },
    /// UIDs, any non-zero value; `*` asks the closure (it may consult the
    /// mailbox, so it runs only when a `*` is read).
    Uid { star: F },
}

/// Error texts, as the original logs them.
const SYNTAX: &str = "Syntax error in sequence";
const NO_MAXIMUM: &str = "No messages, so no maximum message number";
const OUT_OF_RANGE: &str = "Sequence out of range";
const RANGE_INVALID: &str = "Sequence range invalid";
const RANGE_SYNTAX: &str = "Sequence range syntax error";
const ITEM_SYNTAX: &str = "Sequence syntax error";
const UID_ZERO: &str = "UID may not be zero";
const UID_RANGE_INVALID: &str = "UID sequence range invalid";
const UID_RANGE_SYNTAX: &str = "UID sequence range syntax error";
const UID_ITEM_SYNTAX: &str = "UID sequence syntax error";

/// The walk over one set; see [`msgno_set`] and [`uid_set`].
pub struct SetParser<'a, F> {
    rest: &'a [u8],
    kind: Kind<F>,
    done: bool,
}

/// Message-number set over a mailbox of `nmsgs` messages.
pub fn msgno_set(text: &[u8], nmsgs: u64) -> SetParser<'_, fn() -> u64> {
    SetParser {
        rest: text,
        kind: Kind::Msgno { nmsgs },
        done: false,
    }
}

/// UID set; `star` gives the value of `*` (the highest UID).
pub fn uid_set<F: FnMut() -> u64>(text: &[u8], star: F) -> SetParser<'_, F> {
    SetParser {
        rest: text,
        kind: Kind::Uid { star },
        done: false,
    }
}

/// C's `strtoul(s, &end, 10)`: optional white space and sign, then digits;
/// saturates at the maximum on overflow, negates modulo 2^64 after `-`.
/// Returns the value and the bytes consumed (0 when no digits: nothing is
/// consumed, as `end` is left at `s`).
pub fn strtoul(s: &[u8]) -> (u64, usize) {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let mut negative = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        negative = s[i] == b'-';
        i += 1;
    }
    let start = i;
    let mut value: u64 = 0;
    let mut overflow = false;
    while i < s.len() && s[i].is_ascii_digit() {
        match value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(s[i] - b'0')))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
        i += 1;
    }
    if i == start {
        return (0, 0);
    }
    let value = if overflow {
        u64::MAX
    } else if negative {
        value.wrapping_neg()
    } else {
        value
    };
    (value, i)
}

impl<F: FnMut() -> u64> SetParser<'_, F> {
    fn uid(&self) -> bool {
        matches!(self.kind, Kind::Uid { .. })
    }

    /// `*`: the highest message number or UID.
    fn star(&mut self) -> Result<u64, &'static str> {
        match &mut self.kind {
            Kind::Msgno { nmsgs: 0 } => Err(NO_MAXIMUM),
            Kind::Msgno { nmsgs } => Ok(*nmsgs),
            Kind::Uid { star } => Ok(star()),
        }
    }

    fn number(&mut self) -> u64 {
        let (value, used) = strtoul(self.rest);
        self.rest = &self.rest[used..];
        value
    }

    fn in_range(&self, n: u64) -> bool {
        match self.kind {
            Kind::Msgno { nmsgs } => n != 0 && n <= nmsgs,
            Kind::Uid { .. } => n != 0,
        }
    }

    fn step(&mut self) -> Result<Item, &'static str> {
        let first = if self.rest[0] == b'*' {
            let v = self.star()?;
            self.rest = &self.rest[1..];
            v
        } else if !self.rest[0].is_ascii_digit() {
            return Err(SYNTAX);
        } else {
            let v = self.number();
            if !self.in_range(v) {
                return Err(if self.uid() { UID_ZERO } else { OUT_OF_RANGE });
            }
            v
        };
        match self.rest.first() {
            Some(b':') => {
                self.rest = &self.rest[1..];
                let last = if self.rest.first() == Some(&b'*') {
                    let v = self.star()?;
                    self.rest = &self.rest[1..];
                    v
                } else {
                    let v = self.number();
                    if !self.in_range(v) {
                        return Err(if self.uid() {
                            UID_RANGE_INVALID
                        } else {
                            RANGE_INVALID
                        });
                    }
                    v
                };
                if let Some(&c) = self.rest.first() {
                    self.rest = &self.rest[1..];
                    if c != b',' {
                        return Err(if self.uid() {
                            UID_RANGE_SYNTAX
                        } else {
                            RANGE_SYNTAX
                        });
                    }
                }
                Ok(Item::Range(first.min(last), first.max(last)))
            }
            Some(b',') => {
                self.rest = &self.rest[1..];
                Ok(Item::One(first))
            }
            None => Ok(Item::One(first)),
            Some(_) => Err(if self.uid() {
                UID_ITEM_SYNTAX
            } else {
                ITEM_SYNTAX
            }),
        }
    }
}

impl<F: FnMut() -> u64> Iterator for SetParser<'_, F> {
    type Item = Result<Item, &'static str>;

    fn next(&mut self) -> Option<Self::Item> {
        // The original stops at the end of the text or at a NUL.
        if self.done || self.rest.first().is_none_or(|&c| c == 0) {
            return None;
        }
        let item = self.step();
        self.done = item.is_err();
        Some(item)
    }
}

/// `mail_parse_set`: a searchset `n[:m](,n[:m])*` at the start of `text`.
/// Returns the (first, last) pairs, `last` 0 for a single number, and the
/// bytes consumed; None when the set is malformed or empty.
pub fn parse_searchset(text: &[u8]) -> Option<(Vec<(u64, u64)>, usize)> {
    let mut items = Vec::new();
    let mut at = 0;
    while text.get(at).is_some_and(u8::is_ascii_digit) {
        let (first, used) = strtoul(&text[at..]);
        at += used;
        if first == 0 {
            return None;
        }
        let mut last = 0;
        if text.get(at) == Some(&b':') {
            at += 1;
            if !text.get(at).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            let (v, used) = strtoul(&text[at..]);
            at += used;
            if v == 0 {
                return None;
            }
            last = v;
        }
        items.push((first, last));
        if text.get(at) == Some(&b',') {
            at += 1;
        } else {
            return Some((items, at));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msgnos(text: &str, nmsgs: u64) -> (Vec<Item>, Option<&'static str>) {
        let mut items = Vec::new();
        for r in msgno_set(text.as_bytes(), nmsgs) {
            match r {
                Ok(i) => items.push(i),
                Err(e) => return (items, Some(e)),
            }
        }
        (items, None)
    }

    fn uids(text: &str, max: u64) -> (Vec<Item>, Option<&'static str>, u32) {
        let mut stars = 0;
        let mut items = Vec::new();
        let mut err = None;
        for r in uid_set(text.as_bytes(), || {
            stars += 1;
            max
        }) {
            match r {
                Ok(i) => items.push(i),
                Err(e) => err = Some(e),
            }
        }
        (items, err, stars)
    }

    #[test]
    fn singles_ranges_and_star() {
        use Item::*;
        assert_eq!(
            msgnos("1,3:5,*", 9),
            (vec![One(1), Range(3, 5), One(9)], None)
        );
        assert_eq!(msgnos("1:*", 4), (vec![Range(1, 4)], None));
        assert_eq!(msgnos("*:2", 4), (vec![Range(2, 4)], None));
        assert_eq!(msgnos("5:2", 9), (vec![Range(2, 5)], None));
        assert_eq!(msgnos("", 9), (vec![], None));
        // A trailing comma ends the set quietly, as in the original.
        assert_eq!(msgnos("2,", 9), (vec![One(2)], None));
    }

    #[test]
    fn msgno_errors_keep_earlier_items() {
        use Item::*;
        assert_eq!(msgnos("*", 0), (vec![], Some(NO_MAXIMUM)));
        assert_eq!(msgnos("1:*", 0).1, Some(OUT_OF_RANGE));
        assert_eq!(msgnos("0", 3), (vec![], Some(OUT_OF_RANGE)));
        assert_eq!(msgnos("1,4", 3), (vec![One(1)], Some(OUT_OF_RANGE)));
        assert_eq!(msgnos("1,x", 3), (vec![One(1)], Some(SYNTAX)));
        assert_eq!(msgnos(" 1", 3), (vec![], Some(SYNTAX)));
        assert_eq!(msgnos("1:0", 3), (vec![], Some(RANGE_INVALID)));
        assert_eq!(msgnos("1:4", 3), (vec![], Some(RANGE_INVALID)));
        assert_eq!(msgnos("1:x", 3), (vec![], Some(RANGE_INVALID)));
        assert_eq!(msgnos("1:2x", 3), (vec![], Some(RANGE_SYNTAX)));
        assert_eq!(msgnos("1;2", 3), (vec![], Some(ITEM_SYNTAX)));
        assert_eq!(msgnos("2:1:3", 3), (vec![], Some(RANGE_SYNTAX)));
    }

    #[test]
    fn range_end_is_read_by_strtoul() {
        use Item::*;
        // After ':' the original calls strtoul directly: blanks and signs pass.
        assert_eq!(msgnos("1: 2", 3), (vec![Range(1, 2)], None));
        assert_eq!(msgnos("1:+3", 3), (vec![Range(1, 3)], None));
        assert_eq!(msgnos("1:-1", 3).1, Some(RANGE_INVALID));
    }

    #[test]
    fn overflow_saturates() {
        assert_eq!(strtoul(b"99999999999999999999999"), (u64::MAX, 23));
        assert_eq!(strtoul(b"18446744073709551615x"), (u64::MAX, 20));
        assert_eq!(strtoul(b"-1"), (u64::MAX, 2));
        assert_eq!(strtoul(b"-0"), (0, 2));
        assert_eq!(strtoul(b"- 1"), (0, 0));
        assert_eq!(strtoul(b"x"), (0, 0));
        assert_eq!(msgnos("99999999999999999999999", 3).1, Some(OUT_OF_RANGE));
        let (items, err, _) = uids("99999999999999999999999", 3);
        assert_eq!((items, err), (vec![Item::One(u64::MAX)], None));
    }

    #[test]
    fn uid_sets() {
        use Item::*;
        let (items, err, stars) = uids("7:*,2,*", 40);
        assert_eq!(
            (items, err, stars),
            (vec![Range(7, 40), One(2), One(40)], None, 2)
        );
        assert_eq!(uids("0", 4).1, Some(UID_ZERO));
        assert_eq!(uids("1:0", 4).1, Some(UID_RANGE_INVALID));
        assert_eq!(uids("1:2;", 4).1, Some(UID_RANGE_SYNTAX));
        assert_eq!(uids("1;", 4).1, Some(UID_ITEM_SYNTAX));
        assert_eq!(uids("a", 4).1, Some(SYNTAX));
        // No star is read, so the mailbox is never asked.
        assert_eq!(uids("1:5", 4).2, 0);
        // UIDs have no upper bound.
        assert_eq!(uids("500", 4).0, vec![One(500)]);
    }

    #[test]
    fn searchsets() {
        assert_eq!(
            parse_searchset(b"1:3,5 rest"),
            Some((vec![(1, 3), (5, 0)], 5))
        );
        assert_eq!(parse_searchset(b"4"), Some((vec![(4, 0)], 1)));
        assert_eq!(parse_searchset(b"0"), None);
        assert_eq!(parse_searchset(b"1:"), None);
        assert_eq!(parse_searchset(b"1:0"), None);
        assert_eq!(parse_searchset(b"1,"), None);
        assert_eq!(parse_searchset(b"x"), None);
        assert_eq!(parse_searchset(b"*"), None);
    }
}
