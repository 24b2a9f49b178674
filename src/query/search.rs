//! Searching: the criteria language of `mail_criteria`, and the tests a
//! search program applies to one message (sets, flags, keywords, dates,
//! sizes, header and text strings). The C boundary walks the caller's
//! SEARCHPGM and asks these functions for every decision.

use crate::charset;
use crate::message::date::{self, MailDate};

/// `U8T_CANONICAL`: text is compared after case folding and decomposition.
pub const CANONICAL: i64 = 6;

/// One element of a message or UID set: `last == 0` means the single
/// number `first`; a range may be written either way round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub first: u64,
    pub last: u64,
}

/// Whether `n` is in one of the elements of `set`.
pub fn in_set(set: &[Range], n: u64) -> bool {
    set.iter().any(|r| match r.last {
        0 => n == r.first,
        last if r.first <= last => (r.first..=last).contains(&n),
        last => (last..=r.first).contains(&n),
    })
}

/// The flag criteria of a program (true = criterion present).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlagKeys {
    pub answered: bool,
    pub unanswered: bool,
    pub deleted: bool,
    pub undeleted: bool,
    pub draft: bool,
    pub undraft: bool,
    pub flagged: bool,
    pub unflagged: bool,
    pub recent: bool,
    pub old: bool,
    pub seen: bool,
    pub unseen: bool,
}

/// The system flags of a message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    pub answered: bool,
    pub deleted: bool,
    pub draft: bool,
    pub flagged: bool,
    pub recent: bool,
    pub seen: bool,
}

impl FlagKeys {
    /// Whether any flag criterion is present (then flags must be loaded).
    pub fn any(&self) -> bool {
        *self != FlagKeys::default()
    }

    /// Whether a message with `f` passes every flag criterion.
    pub fn admits(&self, f: &Flags) -> bool {
        let pairs = [
            (self.answered, self.unanswered, f.answered),
            (self.deleted, self.undeleted, f.deleted),
            (self.draft, self.undraft, f.draft),
            (self.flagged, self.unflagged, f.flagged),
            (self.recent, self.old, f.recent),
            (self.seen, self.unseen, f.seen),
        ];
        pairs
            .iter()
            .all(|&(set, unset, value)| if value { !unset } else { !set })
    }
}

/// KEYWORD (`wanted`) or UNKEYWORD (`!wanted`) over a message whose user
/// flag bits are `bits`, given the stream's flag names in table order.
/// Only the names before the first empty slot count; an unknown KEYWORD
/// never matches, an unknown UNKEYWORD is ignored. Bit 31 is widened as
/// the original's `int` shift widens it, so KEYWORD on it never matches.
pub fn keywords_match(names: &[Option<Vec<u8>>], bits: u64, keys: &[&[u8]], wanted: bool) -> bool {
    let mut mask: u64 = 0;
    for key in keys {
        let found = names
            .iter()
            .map_while(|n| n.as_ref())
            .position(|n| n.eq_ignore_ascii_case(key));
        match found {
            Some(i) => mask |= (1i32.wrapping_shl(i as u32)) as i64 as u64,
            None if wanted => return false,
            None => {}
        }
    }
    let set = bits & mask;
    if wanted {
        mask == set
    } else {
        set == 0
    }
}

/// The date and size criteria of a program.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DateKeys {
    pub before: u16,
    pub on: u16,
    pub since: u16,
    pub older: u64,
    pub younger: u64,
    pub larger: u64,
    pub smaller: u64,
}

impl DateKeys {
    /// Whether a message of `size` octets with internal date `internal`
    /// passes, `now` being the current time in seconds.
    pub fn admits(&self, size: u64, internal: &MailDate, now: u64) -> bool {
        if (self.larger != 0 && size <= self.larger) || (self.smaller != 0 && size >= self.smaller)
        {
            return false;
        }
        if self.before != 0 || self.on != 0 || self.since != 0 {
            let d = date::short_date(
                internal.year.into(),
                internal.month.into(),
                internal.day.into(),
            );
            if (self.before != 0 && d >= self.before)
                || (self.on != 0 && d != self.on)
                || (self.since != 0 && d < self.since)
            {
                return false;
            }
        }
        if self.older != 0 || self.younger != 0 {
            let when = date::long_date(internal);
            if (self.older != 0 && when > now.wrapping_sub(self.older))
                || (self.younger != 0 && when < now.wrapping_sub(self.younger))
            {
                return false;
            }
        }
        true
    }
}

/// SENTBEFORE/SENTON/SENTSINCE against a Date: header (`None` = absent);
/// an unparsable date fails every sent-date criterion.
pub fn sent_date_admits(header: Option<&[u8]>, before: u16, on: u16, since: u16) -> bool {
    // The original's date parser refuses text of a line's length or more.
    let text = header.unwrap_or(&[]);
    let text = &text[..text.len().min(1023)];
    let Some(d) = date::criteria_date(text) else {
        return false;
    };
    !((before != 0 && d >= before) || (on != 0 && d != on) || (since != 0 && d < since))
}

/// The original's `ssearch`: whether `pat` occurs in `base`, byte for
/// byte. An empty pattern is found in any non-empty text, but nothing is
/// found in empty text.
pub fn ssearch(base: &[u8], pat: &[u8]) -> bool {
    if base.is_empty() || base.len() < pat.len() {
        return false;
    }
    pat.is_empty() || memchr::memmem::find(base, pat).is_some()
}

/// Which of `keys` occur in `text` (already canonical UTF-8): the indices
/// found. The caller drops those keys; the search is done when none are
/// left (`mail_search_string_work`).
pub fn keys_found(text: &[u8], keys: &[&[u8]]) -> Vec<usize> {
    keys.iter()
        .enumerate()
        .filter(|(_, k)| ssearch(text, k))
        .map(|(i, _)| i)
        .collect()
}

/// Text in `charset` (or guessed) converted to canonical UTF-8 for
/// searching, as `mail_search_string` does: an unknown charset falls back
/// to guessing.
pub fn canonical_text(text: &[u8], charset_name: Option<&[u8]>) -> Vec<u8> {
    let (ok, out) = charset::text(text, charset_name, CANONICAL);
    if ok {
        return out.into_owned();
    }
    charset::text(text, None, CANONICAL).1.into_owned()
}

/// Header text decoded (RFC 2047 words) and canonicalised for searching.
/// `log` receives the decoder's parse warnings.
pub fn canonical_header(text: &[u8], log: &mut dyn FnMut(&[u8])) -> Vec<u8> {
    charset::mime2text_log(text, CANONICAL, log).1.into_owned()
}

/// `mail_search_header`: every key occurs in the decoded header text
/// (trailing line ends removed). An empty header matches only empty keys.
pub fn search_header(hdr: &[u8], keys: &[&[u8]], log: &mut dyn FnMut(&[u8])) -> bool {
    let h = canonical_header(hdr, log);
    let mut end = h.len();
    while end > 0 && matches!(h[end - 1], b'\r' | b'\n') {
        end -= 1;
    }
    let h = &h[..end];
    keys.iter().all(|k| {
        if h.is_empty() {
            k.is_empty()
        } else {
            ssearch(h, k)
        }
    })
}

/// The field bodies of fetched header lines, one per line, with the field
/// names stripped (the HEADER criterion searches only the values).
/// Continuation lines are kept whole; each line ends with a newline.
pub fn header_field_data(raw: &[u8]) -> Vec<u8> {
    let e = raw.len();
    let mut out = Vec::with_capacity(e + 1);
    let mut t = 0;
    while t < e {
        if !matches!(raw[t], b'\t' | b' ') {
            // Skip the field name and its colon (a second colon too).
            while t < e {
                t += 1;
                if raw[t - 1] == b':' {
                    break;
                }
            }
            if t < e && raw[t] == b':' {
                t += 1;
            }
        }
        while t < e && raw[t] != b'\r' && raw[t] != b'\n' {
            out.push(raw[t]);
            t += 1;
        }
        out.push(b'\n');
        while t < e && matches!(raw[t], b'\r' | b'\n') {
            t += 1;
        }
    }
    out
}

/// A criterion of `mail_criteria`'s language with a string argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringKey {
    Bcc,
    Body,
    Cc,
    From,
    Keyword,
    Subject,
    Text,
    To,
    Unkeyword,
}

/// A program built from a criteria string: only what `mail_criteria`
/// can express (flags, internal dates, address/subject/body/text strings,
/// keywords). String lists keep the order of the criteria.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Criteria {
    pub flags: FlagKeys,
    pub before: u16,
    pub on: u16,
    pub since: u16,
    pub strings: Vec<(StringKey, Vec<u8>)>,
}

impl Criteria {
    /// The strings given for `key`, in order.
    pub fn strings_of(&self, key: StringKey) -> impl Iterator<Item = &[u8]> {
        self.strings
            .iter()
            .filter(move |(k, _)| *k == key)
            .map(|(_, s)| s.as_slice())
    }
}

/// glibc `strtok_r` over a byte buffer whose NUL bytes end it, with the
/// save position kept in `pos`.
struct Tokens {
    buf: Vec<u8>,
    pos: usize,
}

impl Tokens {
    fn at(&self, i: usize) -> u8 {
        self.buf.get(i).copied().unwrap_or(0)
    }

    /// Next token starting at `from` (or the saved position), splitting
    /// at any byte of `delims`; the delimiter after it becomes a NUL.
    fn next(&mut self, from: Option<usize>, delims: &[u8]) -> Option<usize> {
        let mut s = from.unwrap_or(self.pos);
        while self.at(s) != 0 && delims.contains(&self.at(s)) {
            s += 1;
        }
        if self.at(s) == 0 {
            self.pos = s;
            return None;
        }
        let mut e = s;
        while self.at(e) != 0 && !delims.contains(&self.at(e)) {
            e += 1;
        }
        if self.at(e) == 0 {
            self.pos = e;
        } else {
            self.buf[e] = 0;
            self.pos = e + 1;
        }
        Some(s)
    }

    /// The NUL-terminated bytes starting at `s`.
    fn cstr(&self, s: usize) -> &[u8] {
        let tail = self.buf.get(s..).unwrap_or(&[]);
        let n = tail.iter().position(|&c| c == 0).unwrap_or(tail.len());
        &tail[..n]
    }
}

/// The argument of a string criterion (`mail_criteria_string`): an atom,
/// a quoted string or a `{n}CRLF` literal. `None` when it is missing or
/// malformed.
fn criteria_string(tok: &mut Tokens) -> Option<Vec<u8>> {
    let c = tok.next(None, b"")?;
    match tok.at(c) {
        b'{' => {
            let digits = tok.buf[c + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let mut d = c + 1 + digits;
            // strtoul: an overlong number saturates (and then cannot fit).
            let n: usize = std::str::from_utf8(&tok.buf[c + 1..d])
                .ok()
                .and_then(|s| {
                    if s.is_empty() {
                        Some(0)
                    } else {
                        s.parse().ok()
                    }
                })
                .unwrap_or(usize::MAX);
            if tok.at(d) != b'}' || tok.at(d + 1) != b'\r' || tok.at(d + 2) != b'\n' {
                return None;
            }
            d += 3;
            let len = tok.cstr(d).len();
            if n > len {
                return None;
            }
            let end = d + n;
            if tok.at(end) != 0 && tok.at(end) != b' ' {
                return None;
            }
            // Restart the tokenizer just before the literal's end, with
            // that byte masked so it cannot count as a delimiter; the
            // space after the literal becomes its terminator.
            let keep = tok.buf[end - 1];
            tok.buf[end - 1] = 0xff;
            tok.next(Some(end - 1), b" ");
            tok.buf[end - 1] = keep;
            let text = tok.cstr(d).to_vec();
            Some(text)
        }
        0 | b' ' => None,
        b'"' => {
            if !tok.buf[c + 1..]
                .iter()
                .take_while(|&&b| b != 0)
                .any(|&b| b == b'"')
            {
                return None;
            }
            let d = tok.next(Some(c), b"\"")?;
            Some(tok.cstr(d).to_vec())
        }
        _ => {
            let d = tok.next(Some(c), b" ")?;
            Some(tok.cstr(d).to_vec())
        }
    }
}

/// Parses a criteria string (`mail_criteria`). On an unknown criterion
/// or a bad argument, the error holds the criterion (upper-cased, as the
/// original reports it).
pub fn parse_criteria(text: &[u8]) -> Result<Criteria, Vec<u8>> {
    let n = text.iter().position(|&b| b == 0).unwrap_or(text.len());
    let mut buf = text[..n].to_vec();
    buf.push(0);
    let mut tok = Tokens { buf, pos: 0 };
    let mut pgm = Criteria::default();
    let mut from = Some(0);
    while let Some(start) = tok.next(from.take(), b" ") {
        let len = tok.cstr(start).len();
        tok.buf[start..start + len].make_ascii_uppercase();
        let word = tok.cstr(start).to_vec();
        let ok = match word.as_slice() {
            b"ALL" => true,
            b"ANSWERED" => set(&mut pgm.flags.answered),
            b"DELETED" => set(&mut pgm.flags.deleted),
            b"FLAGGED" => set(&mut pgm.flags.flagged),
            b"NEW" => set(&mut pgm.flags.recent) && set(&mut pgm.flags.unseen),
            b"OLD" => set(&mut pgm.flags.old),
            b"RECENT" => set(&mut pgm.flags.recent),
            b"SEEN" => set(&mut pgm.flags.seen),
            b"UNANSWERED" => set(&mut pgm.flags.unanswered),
            b"UNDELETED" => set(&mut pgm.flags.undeleted),
            b"UNFLAGGED" => set(&mut pgm.flags.unflagged),
            b"UNSEEN" => set(&mut pgm.flags.unseen),
            b"BEFORE" => criteria_date(&mut tok, &mut pgm.before),
            b"ON" => criteria_date(&mut tok, &mut pgm.on),
            b"SINCE" => criteria_date(&mut tok, &mut pgm.since),
            _ => match string_key(&word) {
                Some(key) => match criteria_string(&mut tok) {
                    Some(s) => {
                        pgm.strings.push((key, s));
                        true
                    }
                    None => false,
                },
                None => false,
            },
        };
        if !ok {
            return Err(word);
        }
    }
    Ok(pgm)
}

fn set(flag: &mut bool) -> bool {
    *flag = true;
    true
}

fn string_key(word: &[u8]) -> Option<StringKey> {
    Some(match word {
        b"BCC" => StringKey::Bcc,
        b"BODY" => StringKey::Body,
        b"CC" => StringKey::Cc,
        b"FROM" => StringKey::From,
        b"KEYWORD" => StringKey::Keyword,
        b"SUBJECT" => StringKey::Subject,
        b"TEXT" => StringKey::Text,
        b"TO" => StringKey::To,
        b"UNKEYWORD" => StringKey::Unkeyword,
        _ => return None,
    })
}

/// A date argument (`mail_criteria_date`): parsed like any string, then
/// as a date whose packed value must be non-zero.
fn criteria_date(tok: &mut Tokens, slot: &mut u16) -> bool {
    let Some(s) = criteria_string(tok) else {
        return false;
    };
    let s = &s[..s.len().min(1023)];
    match date::criteria_date(s) {
        Some(d) => {
            *slot = d;
            true
        }
        None => false,
    }
}

/// `mail_criteria_string` over a caller's tokenizer state: `buf` is the
/// text from the saved position to its NUL (exclusive). Returns the
/// argument, and the new save position; `buf` is changed in place the way
/// the C tokenizer changes the caller's buffer (same length).
pub fn criteria_string_at(buf: &mut Vec<u8>) -> (Option<Vec<u8>>, usize) {
    let len = buf.len();
    let mut work = std::mem::take(buf);
    work.push(0);
    let mut tok = Tokens { buf: work, pos: 0 };
    let got = criteria_string(&mut tok);
    let pos = tok.pos;
    tok.buf.truncate(len);
    *buf = tok.buf;
    (got, pos)
}

/// The error text `mail_criteria` logs for a criterion it refuses.
pub fn unknown_criterion_message(word: &[u8]) -> Vec<u8> {
    let mut msg = b"Unknown search criterion: ".to_vec();
    msg.extend_from_slice(&word[..word.len().min(30)]);
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(c: &Criteria, k: StringKey) -> Vec<Vec<u8>> {
        c.strings_of(k).map(|s| s.to_vec()).collect()
    }

    #[test]
    fn sets_take_ranges_either_way_round() {
        let set = [Range { first: 2, last: 0 }, Range { first: 9, last: 5 }];
        assert!(in_set(&set, 2) && in_set(&set, 5) && in_set(&set, 9) && in_set(&set, 7));
        assert!(!in_set(&set, 1) && !in_set(&set, 3) && !in_set(&set, 10));
    }

    #[test]
    fn flag_keys() {
        let seen = Flags {
            seen: true,
            ..Flags::default()
        };
        let keys = FlagKeys {
            seen: true,
            undeleted: true,
            ..FlagKeys::default()
        };
        assert!(keys.admits(&seen));
        assert!(!keys.admits(&Flags {
            deleted: true,
            ..seen
        }));
        assert!(!FlagKeys {
            unseen: true,
            ..FlagKeys::default()
        }
        .admits(&seen));
        assert!(FlagKeys::default().admits(&seen) && !FlagKeys::default().any());
    }

    #[test]
    fn keywords() {
        let names = vec![
            Some(b"Alpha".to_vec()),
            Some(b"beta".to_vec()),
            None,
            Some(b"gamma".to_vec()),
        ];
        assert!(keywords_match(&names, 0b1, &[b"ALPHA"], true));
        assert!(!keywords_match(&names, 0b1, &[b"alpha", b"beta"], true));
        assert!(keywords_match(&names, 0b11, &[b"alpha", b"beta"], true));
        // After an empty slot names do not count.
        assert!(!keywords_match(&names, 0b1000, &[b"gamma"], true));
        assert!(keywords_match(&names, 0b1, &[b"beta", b"nosuch"], false));
        assert!(!keywords_match(&names, 0b10, &[b"beta"], false));
        let mut full: Vec<Option<Vec<u8>>> = (0..32)
            .map(|i| Some(format!("k{i}").into_bytes()))
            .collect();
        assert!(!keywords_match(&full, 1 << 31, &[b"k31"], true));
        full.truncate(31);
        assert!(keywords_match(&full, 1 << 30, &[b"k30"], true));
    }

    #[test]
    fn dates_and_sizes() {
        let d = date::parse_date(b"15-Mar-2021 10:00:00 +0000").unwrap();
        let on = date::criteria_date(b"15-Mar-2021").unwrap();
        let next = date::criteria_date(b"16-Mar-2021").unwrap();
        assert!(DateKeys {
            on,
            ..Default::default()
        }
        .admits(10, &d, 0));
        assert!(DateKeys {
            before: next,
            since: on,
            ..Default::default()
        }
        .admits(10, &d, 0));
        assert!(!DateKeys {
            before: on,
            ..Default::default()
        }
        .admits(10, &d, 0));
        assert!(!DateKeys {
            since: next,
            ..Default::default()
        }
        .admits(10, &d, 0));
        assert!(DateKeys {
            larger: 9,
            smaller: 11,
            ..Default::default()
        }
        .admits(10, &d, 0));
        assert!(!DateKeys {
            larger: 10,
            ..Default::default()
        }
        .admits(10, &d, 0));
        assert!(!DateKeys {
            smaller: 10,
            ..Default::default()
        }
        .admits(10, &d, 0));
        assert!(sent_date_admits(
            Some(b"Mon, 15 Mar 2021 23:00:00 -0500"),
            0,
            on,
            0
        ));
        assert!(!sent_date_admits(None, 0, 0, on));
        assert!(!sent_date_admits(Some(b"garbage"), next, 0, 0));
    }

    #[test]
    fn ssearch_edges() {
        assert!(ssearch(b"abc", b""));
        assert!(!ssearch(b"", b""));
        assert!(ssearch(b"abc", b"bc") && !ssearch(b"abc", b"cb") && !ssearch(b"ab", b"abc"));
    }

    #[test]
    fn header_search_is_case_insensitive_and_decodes_words() {
        let mut log = |_: &[u8]| {};
        let key = canonical_text(b"caf\xc3\xa9", Some(b"UTF-8"));
        assert!(search_header(
            b"=?ISO-8859-1?Q?Caf=E9?= au lait\r\n",
            &[&key],
            &mut log
        ));
        let key = canonical_text(b"LAIT", None);
        assert!(search_header(b"Cafe au lait", &[&key], &mut log));
        assert!(!search_header(b"Cafe", &[b"tea"], &mut log));
        assert!(
            search_header(b"\r\n", &[b""], &mut log) && !search_header(b"\r\n", &[b"x"], &mut log)
        );
    }

    #[test]
    fn field_data_strips_names() {
        assert_eq!(
            header_field_data(b"Subject: hi\r\n there\r\nX-A: b\r\n\r\n"),
            b" hi\n there\n b\n".to_vec()
        );
        assert_eq!(header_field_data(b"A:: x\r\n"), b" x\n".to_vec());
    }

    #[test]
    fn criteria_words_and_arguments() {
        let c = parse_criteria(
            b"seen  Undeleted SUBJECT \"hello world\" FROM bob TEXT {3}\r\na b BEFORE 1-Jan-2020",
        )
        .unwrap();
        assert!(c.flags.seen && c.flags.undeleted && !c.flags.unseen);
        assert_eq!(strs(&c, StringKey::Subject), vec![b"hello world".to_vec()]);
        assert_eq!(strs(&c, StringKey::From), vec![b"bob".to_vec()]);
        assert_eq!(strs(&c, StringKey::Text), vec![b"a b".to_vec()]);
        assert_eq!(c.before, date::criteria_date(b"1-Jan-2020").unwrap());
        let n = parse_criteria(b"NEW").unwrap();
        assert!(n.flags.recent && n.flags.unseen);
        assert_eq!(parse_criteria(b""), Ok(Criteria::default()));
    }

    #[test]
    fn tokenizer_state_is_the_callers() {
        // The rest of "SUBJECT \"a b\" SEEN" after the criterion.
        let mut buf = b"\"a b\" SEEN".to_vec();
        let (got, pos) = criteria_string_at(&mut buf);
        assert_eq!(got, Some(b"a b".to_vec()));
        assert_eq!(&buf[pos..], b" SEEN");
        assert_eq!(buf[4], 0, "the closing quote becomes the terminator");
        let mut buf = b"{3}\r\nfwd SEEN".to_vec();
        let (got, pos) = criteria_string_at(&mut buf);
        assert_eq!((got, &buf[pos..]), (Some(b"fwd".to_vec()), &b"SEEN"[..]));
        let mut buf = b" leading".to_vec();
        assert_eq!(criteria_string_at(&mut buf).0, None);
        let mut buf = Vec::new();
        assert_eq!(criteria_string_at(&mut buf).0, None);
    }

    #[test]
    fn criteria_spacing_and_literals() {
        assert_eq!(parse_criteria(b"SUBJECT  trip"), Err(b"SUBJECT".to_vec()));
        let c = parse_criteria(b"SUBJECT {0}\r\n SEEN").unwrap();
        assert_eq!(strs(&c, StringKey::Subject), vec![Vec::<u8>::new()]);
        assert!(c.flags.seen);
        // After a quoted string the tokenizer resumes right after the quote.
        assert_eq!(parse_criteria(b"SUBJECT \"fw\"d"), Err(b"D".to_vec()));
        assert_eq!(
            parse_criteria(b"SEEN\tFLAGGED"),
            Err(b"SEEN\tFLAGGED".to_vec())
        );
    }

    #[test]
    fn criteria_failures_name_the_criterion() {
        assert_eq!(parse_criteria(b"ALL bogus"), Err(b"BOGUS".to_vec()));
        assert_eq!(parse_criteria(b"before notadate"), Err(b"BEFORE".to_vec()));
        assert_eq!(parse_criteria(b"SUBJECT"), Err(b"SUBJECT".to_vec()));
        assert_eq!(parse_criteria(b"SUBJECT \"open"), Err(b"SUBJECT".to_vec()));
        assert_eq!(parse_criteria(b"TEXT {9}\r\nab"), Err(b"TEXT".to_vec()));
        assert_eq!(parse_criteria(b"UID 1"), Err(b"UID".to_vec()));
        assert_eq!(
            unknown_criterion_message(b"X"),
            b"Unknown search criterion: X".to_vec()
        );
    }
}
