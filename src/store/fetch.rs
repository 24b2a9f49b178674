//! The pure parts of fetching and flagging through a stream: flag lists
//! (`mail_parse_flags`), header filtering by field name (`mail_filter`,
//! `mail_match_lines`) and MIME section specifiers (`mail_body`,
//! `mail_fetch_body`'s old "0" sections).

use super::sequence::strtoul;

/// The original's system flag bits as `mail_parse_flags` returns them.
pub mod bits {
    pub const SEEN: i64 = 0x1;
    pub const DELETED: i64 = 0x2;
    pub const FLAGGED: i64 = 0x4;
    pub const ANSWERED: i64 = 0x8;
    pub const DRAFT: i64 = 0x20;
}

/// Keyword slots of a stream (`NUSERFLAGS`).
pub const USER_FLAG_SLOTS: usize = 30;
/// Longest keyword a stream will create (`MAXUSERFLAG`).
pub const MAX_USER_FLAG: usize = 50;
/// Longest flag list accepted (`MAILTMPLEN` less one).
const MAX_FLAG_LIST: usize = 1023;

/// What a flag list means for a stream.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ParsedFlags {
    /// System flag bits ([`bits`]).
    pub system: i64,
    /// Keyword bits, one per slot of the stream's keyword table.
    pub user: u64,
    /// Keywords created on the way: slot and name, to store in the table.
    pub created: Vec<(usize, Vec<u8>)>,
    /// Whether the stream may still create keywords afterwards.
    pub may_create: bool,
    /// Warnings to log, in order.
    pub warnings: Vec<Vec<u8>>,
}

/// The original's `%.80s`.
fn at_most_80(s: &[u8]) -> &[u8] {
    &s[..s.len().min(80)]
}

fn warning(prefix: &[u8], s: &[u8]) -> Vec<u8> {
    [prefix, at_most_80(s)].concat()
}

/// Whether `name` is a keyword the original lets a stream create: no
/// control, space, non-ASCII, wildcard, quoted-special or atom/resp-special.
fn creatable(name: &[u8]) -> bool {
    name.iter().all(|&c| {
        c > b' ' && c < 0x7f && !matches!(c, b'*' | b'%' | b'"' | b'\\' | b'(' | b')' | b'{' | b']')
    })
}

/// `mail_parse_flags`: `flag` is `\Seen keyword ...` or a parenthesised
/// list; `table` the stream's keyword slots (a NULL slot ends the search,
/// and is where a new keyword goes when `may_create`). Err holds the error
/// to log ("Bad flag list"); then no flags are returned at all.
pub fn parse_flags(
    flag: &[u8],
    table: &[Option<&[u8]>],
    may_create: bool,
) -> Result<ParsedFlags, &'static str> {
    let mut out = ParsedFlags {
        may_create,
        ..ParsedFlags::default()
    };
    if flag.is_empty() {
        return Ok(out);
    }
    let list = flag[0] == b'(';
    if list != (flag[flag.len() - 1] == b')') || flag.len() > MAX_FLAG_LIST {
        return Err("Bad flag list");
    }
    let inner = if list {
        // "(" alone fails the test above; "()" leaves nothing.
        &flag[1..flag.len() - 1]
    } else {
        flag
    };
    // A copy of the original's table, with the keywords made so far.
    let mut slots: Vec<Option<Vec<u8>>> = (0..USER_FLAG_SLOTS)
        .map(|i| table.get(i).copied().flatten().map(<[u8]>::to_vec))
        .collect();
    for t in split_flags(inner) {
        if let Some(name) = t.strip_prefix(b"\\") {
            let bit = match name.to_ascii_uppercase().as_slice() {
                b"SEEN" => bits::SEEN,
                b"DELETED" => bits::DELETED,
                b"FLAGGED" => bits::FLAGGED,
                b"ANSWERED" => bits::ANSWERED,
                b"DRAFT" => bits::DRAFT,
                _ => {
                    out.warnings.push(warning(b"Unsupported system flag: ", t));
                    0
                }
            };
            out.system |= bit;
            continue;
        }
        // Search the table up to its first empty slot.
        let mut j = 0;
        let mut found = false;
        while j < USER_FLAG_SLOTS {
            let Some(s) = &slots[j] else { break };
            j += 1;
            if s.eq_ignore_ascii_case(t) {
                out.user |= 1 << (j - 1);
                found = true;
                break;
            }
        }
        if found {
            continue;
        }
        if out.may_create && j < USER_FLAG_SLOTS && !t.is_empty() && t.len() <= MAX_USER_FLAG {
            if creatable(t) {
                out.user |= 1 << j;
                slots[j] = Some(t.to_vec());
                out.created.push((j, t.to_vec()));
                if j == USER_FLAG_SLOTS - 1 {
                    out.may_create = false;
                }
            } else {
                out.warnings.push(warning(b"Invalid flag: ", t));
            }
        } else if t.is_empty() {
            out.warnings.push(b"Empty flag invalid".to_vec());
        } else {
            out.warnings.push(warning(b"Unknown flag: ", t));
        }
    }
    Ok(out)
}

/// The flags of a list, split at single spaces as the original does (two
/// spaces make an empty flag); a NUL ends the text.
fn split_flags(inner: &[u8]) -> Vec<&[u8]> {
    let end = inner.iter().position(|&c| c == 0).unwrap_or(inner.len());
    let inner = &inner[..end];
    if inner.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<&[u8]> = inner.split(|&c| c == b' ').collect();
    // A trailing space ends the list rather than making an empty flag.
    if out.last().is_some_and(|t| t.is_empty()) {
        out.pop();
    }
    out
}

/// `mail_match_lines`: whether a header cached with field list `cached`
/// (None: the whole header) serves a request for `wanted` (None: the whole
/// header; `not`: every field except those).
pub fn lines_match(wanted: Option<&[&[u8]]>, cached: Option<&[&[u8]]>, not: bool) -> bool {
    let Some(cached) = cached else {
        return true;
    };
    let Some(wanted) = wanted.filter(|_| !not) else {
        return false;
    };
    wanted
        .iter()
        .all(|w| cached.iter().any(|c| c.eq_ignore_ascii_case(w)))
}

/// Longest field name `mail_filter` compares (`MAILTMPLEN` less one).
pub(crate) const MAX_FIELD_NAME: usize = 1023;

/// `mail_filter`: keeps the header lines (with their continuation lines)
/// whose field name is in `lines` — or, with `not`, those whose name is
/// not — moving them down in place. `text` holds the header in its first
/// `len` bytes and one spare byte after them; returns the new length and
/// leaves a NUL after the kept text (see the end for one quirk). A NUL in a field name ends the name
/// and becomes a space, as in the original.
pub fn filter_header(text: &mut [u8], len: usize, lines: &[&[u8]], not: bool) -> usize {
    let end = len;
    text[end] = b'\n'; // the original's guard, stops every line scan
    let at = |text: &[u8], i: usize| text.get(i).copied().unwrap_or(0);
    let continues = |text: &[u8], i: usize| matches!(at(text, i), b' ' | b'\t');
    let mut src = 0;
    let mut dst = 0;
    while src < end {
        let limit = (src + MAX_FIELD_NAME).min(end);
        let mut s = src;
        while s < limit {
            if text[s] == 0 {
                text[s] = b' ';
            }
            let c = text[s];
            if c == b':' || matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
                break;
            }
            s += 1;
        }
        let name = &text[src..s];
        let listed = !name.is_empty() && lines.iter().any(|l| l.eq_ignore_ascii_case(name));
        let drop = !name.is_empty() && listed == not;
        if drop || src == dst {
            // Skip (or keep in place) through the line and its continuations.
            loop {
                while src <= end && text[src] != b'\n' {
                    src += 1;
                }
                src += 1;
                if !continues(text, src) {
                    break;
                }
            }
            if !drop {
                dst = src;
            }
        } else {
            loop {
                loop {
                    let c = at(text, src);
                    text[dst] = c;
                    dst += 1;
                    src += 1;
                    if c == b'\n' {
                        break;
                    }
                }
                if !continues(text, src) {
                    break;
                }
            }
            // Copying the guard LF went one past the real text.
            if src > end {
                dst -= src - end;
            }
        }
    }
    // A last line kept in place without a line end takes the guard LF
    // with it, so the original then answers `len + 1`; its NUL lands past
    // the buffer, which we skip.
    if let Some(c) = text.get_mut(dst) {
        *c = 0;
    }
    dst
}

/// `mail_body`'s section specifier `n(.n)*`: the part numbers, or None
/// for anything else (a zero, a trailing or doubled dot, other text).
pub fn section_path(section: &[u8]) -> Option<Vec<u64>> {
    let mut path = Vec::new();
    let mut rest = section;
    while let Some(&c) = rest.first() {
        if c == 0 {
            break;
        }
        if !c.is_ascii_digit() {
            return None;
        }
        let (n, used) = strtoul(rest);
        rest = &rest[used..];
        if n == 0 {
            return None;
        }
        match rest.first() {
            None | Some(0) => {}
            Some(b'.') if rest.get(1).is_some_and(|&c| c != 0) => rest = &rest[1..],
            Some(_) => return None,
        }
        path.push(n);
    }
    Some(path)
}

/// `mail_fetch_body`'s old-style header section: "0" (the message header,
/// returns Some("")) or "<section>.0" where the first ".0" ends the text
/// (the nested message's header, returns Some(section)).
pub fn zero_section(section: &[u8]) -> Option<&[u8]> {
    if section == b"0" {
        return Some(b"");
    }
    let at = section.windows(2).position(|w| w == b".0")?;
    (at + 2 == section.len()).then(|| &section[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(flag: &str, table: &[&str], create: bool) -> ParsedFlags {
        let table: Vec<Option<&[u8]>> = table.iter().map(|s| Some(s.as_bytes())).collect();
        parse_flags(flag.as_bytes(), &table, create).unwrap()
    }

    #[test]
    fn system_flags_any_case_and_lists() {
        let p = parse(
            "(\\seen \\DELETED \\Flagged \\answered \\Draft)",
            &[],
            false,
        );
        assert_eq!(p.system, 0x2f);
        assert!(p.warnings.is_empty());
        let p = parse("\\Recent", &[], false);
        assert_eq!(p.system, 0);
        assert_eq!(
            p.warnings,
            vec![b"Unsupported system flag: \\Recent".to_vec()]
        );
        assert_eq!(
            parse("()", &[], true),
            ParsedFlags {
                may_create: true,
                ..Default::default()
            }
        );
    }

    #[test]
    fn bad_lists() {
        for bad in ["(\\Seen", "\\Seen)", "(", ")"] {
            assert_eq!(parse_flags(bad.as_bytes(), &[], true), Err("Bad flag list"));
        }
        let long = "a".repeat(1024);
        assert_eq!(
            parse_flags(long.as_bytes(), &[], true),
            Err("Bad flag list")
        );
        assert!(parse_flags(&long.as_bytes()[1..], &[], false).is_ok());
    }

    #[test]
    fn keywords_found_created_refused() {
        let p = parse("Work $Label1 new", &["$label1", "work"], false);
        assert_eq!(p.user, 0b11);
        assert_eq!(p.warnings, vec![b"Unknown flag: new".to_vec()]);
        let p = parse("Work new", &["$label1", "work"], true);
        assert_eq!(p.user, 0b110);
        assert_eq!(p.created, vec![(2, b"new".to_vec())]);
        // Created once, then found by the next mention.
        let p = parse("x X", &[], true);
        assert_eq!((p.user, p.created.len()), (1, 1));
        let p = parse("a(b", &[], true);
        assert_eq!(p.warnings, vec![b"Invalid flag: a(b".to_vec()]);
        let p = parse("a\u{e9}", &[], true);
        assert_eq!(p.warnings.len(), 1);
        let p = parse("a  b", &[], false);
        assert_eq!(p.warnings[1], b"Empty flag invalid".to_vec());
        let p = parse(&"k".repeat(51), &[], true);
        assert!(p.warnings[0].starts_with(b"Unknown flag: kkk"));
        assert_eq!(parse(&"k".repeat(50), &[], true).user, 1);
    }

    #[test]
    fn last_slot_stops_creation() {
        let names: Vec<String> = (0..29).map(|i| format!("k{i}")).collect();
        let table: Vec<&str> = names.iter().map(String::as_str).collect();
        let p = parse("last more", &table, true);
        assert_eq!(p.user, 1 << 29);
        assert!(!p.may_create);
        assert_eq!(p.warnings, vec![b"Unknown flag: more".to_vec()]);
    }

    fn filter(text: &str, lines: &[&str], not: bool) -> String {
        let mut buf = text.as_bytes().to_vec();
        buf.push(0);
        let lines: Vec<&[u8]> = lines.iter().map(|s| s.as_bytes()).collect();
        let n = filter_header(&mut buf, text.len(), &lines, not);
        assert!(n > text.len() || buf[n] == 0);
        String::from_utf8(buf[..n].to_vec()).unwrap()
    }

    #[test]
    fn filtering_keeps_or_drops_fields_with_continuations() {
        let h = "From: a\r\nSubject: x\r\n  more\r\nTo: b\r\n\r\n";
        assert_eq!(
            filter(h, &["subject"], false),
            "Subject: x\r\n  more\r\n\r\n"
        );
        assert_eq!(filter(h, &["SUBJECT"], true), "From: a\r\nTo: b\r\n\r\n");
        assert_eq!(
            filter(h, &["from", "to"], false),
            "From: a\r\nTo: b\r\n\r\n"
        );
        assert_eq!(filter(h, &[], false), "\r\n");
        // No final line end: the copy stops at the end of the text...
        assert_eq!(filter("A: 1\nB: 2", &["b"], false), "B: 2");
        // ...but a last line kept in place takes the guard LF along.
        assert_eq!(filter("A: 1\nB: 2", &["a", "b"], false), "A: 1\nB: 2\n");
        // Names are whole: "Sub" does not match "Subject".
        assert_eq!(filter(h, &["sub"], false), "\r\n");
    }

    #[test]
    fn lines_matching() {
        let cached: &[&[u8]] = &[b"From", b"Subject"];
        assert!(lines_match(None, None, false));
        assert!(lines_match(Some(&[b"x"]), None, true));
        assert!(!lines_match(None, Some(cached), false));
        assert!(!lines_match(Some(&[b"from"]), Some(cached), true));
        assert!(lines_match(
            Some(&[b"from", b"SUBJECT"]),
            Some(cached),
            false
        ));
        assert!(!lines_match(Some(&[b"from", b"to"]), Some(cached), false));
    }

    #[test]
    fn sections() {
        assert_eq!(section_path(b"1"), Some(vec![1]));
        assert_eq!(section_path(b"2.1.3"), Some(vec![2, 1, 3]));
        for bad in ["0", "1.", "1..2", ".1", "1.0", "TEXT", "1.TEXT", "1x"] {
            assert_eq!(section_path(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(zero_section(b"0"), Some(&b""[..]));
        assert_eq!(zero_section(b"2.0"), Some(&b"2"[..]));
        assert_eq!(zero_section(b"10.0"), Some(&b"10"[..]));
        assert_eq!(zero_section(b"1.0.0"), None);
        assert_eq!(zero_section(b"2.10"), None);
        assert_eq!(zero_section(b"1"), None);
    }
}
