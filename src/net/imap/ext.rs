//! Extensions the original does not have, both opt-in: ID (RFC 2971) and
//! UTF8=ACCEPT (RFC 6855). Programs keep speaking modified UTF-7 mailbox
//! names; a session with UTF8=ACCEPT enabled converts them to UTF-8 on the
//! way out and back on the way in, so a program sees the same names with
//! and without it.

use super::parse::{Code, IdPairs, Response, Untagged};
use crate::charset::mutf7;

/// RFC 2971's limits: 30 pairs, fields of 30 octets, values of 1024.
const ID_PAIRS: usize = 30;
const ID_FIELD: usize = 30;
const ID_VALUE: usize = 1024;

/// Appends S as an IMAP quoted string (`"` and `\\` escaped).
pub fn quoted(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &c in s {
        if c == b'"' || c == b'\\' {
            out.push(b'\\');
        }
        out.push(c);
    }
    out.push(b'"');
}

/// The argument of the ID command for a program's setting: lines
/// `field=value` (a line without `=` gives a NIL value), or `NIL` when
/// nothing usable is left (an empty setting). Pairs past RFC 2971's
/// limits, or with bytes other than printable ASCII, are left out.
pub fn id_argument(spec: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut n = 0;
    for line in spec.split(|&c| c == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let (field, value) = match line.iter().position(|&c| c == b'=') {
            Some(i) => (&line[..i], Some(&line[i + 1..])),
            None => (line, None),
        };
        let printable = |s: &[u8]| s.iter().all(|&c| (0x20..0x7f).contains(&c));
        if field.is_empty()
            || field.len() > ID_FIELD
            || !printable(field)
            || value.is_some_and(|v| v.len() > ID_VALUE || !printable(v))
            || n == ID_PAIRS
        {
            continue;
        }
        out.push(if n == 0 { b'(' } else { b' ' });
        quoted(&mut out, field);
        out.push(b' ');
        match value {
            Some(v) => quoted(&mut out, v),
            None => out.extend_from_slice(b"NIL"),
        }
        n += 1;
    }
    if n == 0 {
        return b"NIL".to_vec();
    }
    out.push(b')');
    out
}

/// A server's ID answer as the program reads it: `field=value` lines
/// (`field` alone for a NIL value; line ends, NULs and `=` in a field
/// become blanks), empty for `ID NIL`.
pub fn id_text(pairs: &Option<IdPairs>) -> Vec<u8> {
    let clean = |s: &[u8], eq: bool| -> Vec<u8> {
        s.iter()
            .map(|&c| match c {
                0 | b'\r' | b'\n' => b' ',
                b'=' if eq => b' ',
                c => c,
            })
            .collect()
    };
    let mut out = Vec::new();
    for (i, (f, v)) in pairs.iter().flatten().enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        out.extend_from_slice(&clean(f, true));
        if let Some(v) = v {
            out.push(b'=');
            out.extend_from_slice(&clean(v, false));
        }
    }
    out
}

/// A program's mailbox name (modified UTF-7) as UTF-8 for a server with
/// UTF8=ACCEPT enabled; None when it goes as it is (nothing to convert, or
/// not valid modified UTF-7, which the server then judges).
pub fn name_to_wire(name: &[u8]) -> Option<Vec<u8>> {
    if !name.contains(&b'&') {
        return None;
    }
    mutf7::from_mutf7(name).filter(|u| u.len() <= name.len() * 4 && !u.contains(&0))
}

/// A mailbox name from a server with UTF8=ACCEPT enabled (UTF-8) as the
/// program knows it (modified UTF-7); bytes that are not UTF-8 stay as
/// they came.
pub fn name_from_wire(name: &mut Vec<u8>) {
    if !name.iter().any(|&c| c == b'&' || c >= 0x80) {
        return;
    }
    if let Some(m) = mutf7::to_mutf7(name) {
        if !name.contains(&0) {
            *name = m;
        }
    }
}

/// A referral URL's raw UTF-8 (from a server with UTF8=ACCEPT) back to
/// modified UTF-7; an ASCII URL is left alone (its `&` may be anything).
fn url_from_wire(url: &mut Vec<u8>) {
    if url.iter().any(|&c| c >= 0x80) {
        name_from_wire(url);
    }
}

fn code_from_wire(code: &mut Option<Code>) {
    if let Some(Code::Referral(u)) = code {
        url_from_wire(u);
    }
}

/// Every mailbox name in a response of a UTF8=ACCEPT session converted
/// with [`name_from_wire`] (LIST/LSUB, STATUS, ACL, LISTRIGHTS, MYRIGHTS,
/// QUOTAROOT, ANNOTATION, referrals).
pub fn response_from_wire(r: &mut Response) {
    match r {
        Response::Tagged(_, _, code, _) => code_from_wire(code),
        Response::Continue(_) => {}
        Response::Untagged(u) => match u {
            Untagged::Cond(_, code, _) => code_from_wire(code),
            Untagged::List { name, .. }
            | Untagged::Status(name, _)
            | Untagged::QuotaRoot(name, _)
            | Untagged::Acl(name, _)
            | Untagged::ListRights(name, ..)
            | Untagged::MyRights(name, _)
            | Untagged::Annotation(name, _) => name_from_wire(name),
            _ => {}
        },
    }
}

/// Whether a message's header (up to the first empty line) holds 8-bit
/// bytes: APPEND sends such a message in RFC 6855's `UTF8 (~{n}...)` form.
pub fn header_has_8bit(msg: &[u8]) -> bool {
    let end = memchr::memmem::find(msg, b"\r\n\r\n")
        .or_else(|| memchr::memmem::find(msg, b"\n\n"))
        .unwrap_or(msg.len());
    msg[..end].iter().any(|&c| c >= 0x80)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_argument_forms() {
        assert_eq!(id_argument(b""), b"NIL");
        assert_eq!(
            id_argument(b"name=prog\nversion=1.0\r\nos"),
            b"(\"name\" \"prog\" \"version\" \"1.0\" \"os\" NIL)"
        );
        assert_eq!(id_argument(b"x=a\"b\\c"), b"(\"x\" \"a\\\"b\\\\c\")");
        // Bad pairs are left out.
        assert_eq!(id_argument(b"=v\nn=\xc3\xa9\nok=1"), b"(\"ok\" \"1\")");
        let many: Vec<u8> = (0..40)
            .flat_map(|i| format!("f{i}=v\n").into_bytes())
            .collect();
        assert_eq!(
            id_argument(&many).iter().filter(|&&c| c == b'"').count(),
            30 * 4
        );
    }

    #[test]
    fn id_text_forms() {
        assert_eq!(id_text(&None), b"");
        let p = Some(vec![
            (b"name".to_vec(), Some(b"Dovecot".to_vec())),
            (b"x=y".to_vec(), None),
            (b"v".to_vec(), Some(b"a\r\nb".to_vec())),
        ]);
        assert_eq!(id_text(&p), b"name=Dovecot\nx y\nv=a  b");
    }

    #[test]
    fn names_round_trip() {
        assert_eq!(name_to_wire(b"INBOX"), None);
        assert_eq!(name_to_wire(b"Caf&AOk-").unwrap(), "Caf\u{e9}".as_bytes());
        assert_eq!(name_to_wire(b"A&-B").unwrap(), b"A&B");
        assert_eq!(name_to_wire(b"bad&name"), None);
        let mut n = "Caf\u{e9}/\u{65e5}\u{672c}".as_bytes().to_vec();
        name_from_wire(&mut n);
        assert_eq!(n, b"Caf&AOk-/&ZeVnLA-");
        let mut n = b"A&B".to_vec();
        name_from_wire(&mut n);
        assert_eq!(n, b"A&-B");
        let mut n = b"\xff\xfe".to_vec();
        name_from_wire(&mut n);
        assert_eq!(n, b"\xff\xfe");
        let mut n = b"INBOX".to_vec();
        name_from_wire(&mut n);
        assert_eq!(n, b"INBOX");
    }

    #[test]
    fn eight_bit_headers() {
        assert!(header_has_8bit("Subject: caf\u{e9}\r\n\r\nx".as_bytes()));
        assert!(!header_has_8bit("Subject: x\r\n\r\ncaf\u{e9}".as_bytes()));
        assert!(!header_has_8bit("Subject: x\n\ncaf\u{e9}".as_bytes()));
    }
}
