//! Unit tests of the RFC 2822/MIME engine on messages written for them.
//! Expected values are the original library's answers for these inputs.

use c_client::message::lex;
use c_client::message::model::*;
use c_client::message::{address, parse, write};

fn adr(text: &str) -> (Vec<Address>, Vec<String>) {
    let mut c = Collect::default();
    let l = address::parse_adrlist_new(text.as_bytes(), Some(b"dflt"), &mut c);
    let w = c
        .warnings
        .iter()
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    (l, w)
}

fn s(v: &Option<Vec<u8>>) -> Option<&str> {
    v.as_deref().map(|b| std::str::from_utf8(b).expect("utf8"))
}

fn written(list: &[Address], col: i64) -> String {
    let mut o = Vec::new();
    write::write_address_full(&mut o, list, col);
    String::from_utf8(o).expect("utf8")
}

#[test]
fn plain_and_named_addresses() {
    let (l, w) = adr("Joe Q. Public <joe@example.com>, plain@h");
    assert!(w.is_empty());
    assert_eq!(l.len(), 2);
    assert_eq!(s(&l[0].personal), Some("Joe Q. Public"));
    assert_eq!(
        (s(&l[0].mailbox), s(&l[0].host)),
        (Some("joe"), Some("example.com"))
    );
    assert_eq!(
        (s(&l[1].mailbox), s(&l[1].host)),
        (Some("plain"), Some("h"))
    );
    // '.' is a phrase special, so the name is quoted on output.
    assert_eq!(
        written(&l, 0),
        "\"Joe Q. Public\" <joe@example.com>, plain@h"
    );
}

#[test]
fn default_host_and_comment_personal() {
    let (l, _) = adr("user (The User)");
    assert_eq!(s(&l[0].host), Some("dflt"));
    assert_eq!(s(&l[0].personal), Some("The User"));
    let mut c = Collect::default();
    let l = address::parse_adrlist_new(b"user", None, &mut c);
    assert_eq!(l[0].host, None, "a NIL default host stays NIL");
}

#[test]
fn groups_and_their_markers() {
    let (l, _) = adr("Team: a@b, c@d;, e@f");
    let shape: Vec<(Option<&str>, bool)> = l
        .iter()
        .map(|a| (s(&a.mailbox), a.host.is_some()))
        .collect();
    assert_eq!(
        shape,
        vec![
            (Some("Team"), false),
            (Some("a"), true),
            (Some("c"), true),
            (None, false),
            (Some("e"), true)
        ]
    );
    assert_eq!(written(&l, 0), "Team: a@b, c@d;, e@f");
    // Folded output skips members of groups and folds after each entry
    // that writes nothing.
    assert_eq!(written(&l, 4), "Team: \r\n    \r\n    ;, e@f");
}

#[test]
fn syntax_errors_become_marked_addresses() {
    let (l, w) = adr("a@b junk");
    assert_eq!(s(&l[1].mailbox), Some("UNEXPECTED_DATA_AFTER_ADDRESS"));
    assert_eq!(s(&l[1].host), Some(".SYNTAX-ERROR."));
    assert_eq!(w, vec!["Must use comma to separate addresses: junk"]);
    let (l, w) = adr("<a@b");
    assert_eq!(s(&l[1].mailbox), Some("MISSING_MAILBOX_TERMINATOR"));
    assert_eq!(w, vec!["Unterminated mailbox: a@b"]);
    let (l, w) = adr("@x");
    assert_eq!(s(&l[0].mailbox), Some("INVALID_ADDRESS"));
    assert_eq!(w, vec!["Invalid mailbox list: @x"]);
    let (l, w) = adr("a@");
    assert_eq!(s(&l[0].host), Some(".SYNTAX-ERROR."));
    assert_eq!(w, vec!["Missing or invalid host name after @"]);
}

#[test]
fn route_and_rfc733_at() {
    let (l, w) = adr("<@r1,@r2:u@h>");
    assert!(w.is_empty());
    assert_eq!(s(&l[0].adl), Some("@r1,@r2"));
    let (l, _) = adr("user at host.com");
    assert_eq!(s(&l[0].host), Some("host.com"));
}

#[test]
fn spaced_dots_are_joined() {
    let (l, _) = adr("first . last @ host . com");
    assert_eq!(
        (s(&l[0].mailbox), s(&l[0].host)),
        (Some("first.last"), Some("host.com"))
    );
}

#[test]
fn unterminated_comment_truncates() {
    let (l, w) = adr("a@b (open");
    assert_eq!(s(&l[0].host), Some("b"));
    assert_eq!(w, vec!["Unterminated comment: (open"]);
}

#[test]
fn lexer_pieces() {
    assert_eq!(lex::unquote(b"\"a\\\"b\" c"), b"a\"b c");
    assert_eq!(lex::default_subtype(TYPEAUDIO), b"BASIC");
    assert_eq!(lex::default_subtype(TYPEVIDEO), b"UNKNOWN");
    let mut c = Collect::default();
    let mut b = lex::buffer(b"  (c (nested)) word rest");
    let mut p = 0;
    lex::skipws(&mut b, &mut p, &mut c);
    assert_eq!(&b[p..p + 4], b"word");
    let mut b = lex::buffer(b"\"quoted word\"x y");
    assert_eq!(lex::parse_word(&mut b, Some(0), None, &mut c), Some(14));
    let mut b = lex::buffer(b"one two <x>");
    assert_eq!(lex::parse_phrase(&mut b, Some(0), &mut c), Some(7));
}

fn msg(text: &[u8], flags: u64) -> (Envelope, Body, Vec<String>) {
    let hl = text
        .windows(2)
        .position(|w| w == b"\n\n")
        .map_or(text.len(), |p| p + 2);
    let mut c = Collect::default();
    let (e, b) = parse::parse_msg_full(
        &text[..hl],
        Some(parse::BodyText {
            data: &text[hl..],
            base: 0,
        }),
        Some(b"dflt"),
        0,
        flags,
        &mut c,
    );
    let w = c
        .warnings
        .iter()
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    (e, b.expect("body"), w)
}

#[test]
fn envelope_fields_first_wins_and_lists_append() {
    let (e, b, _) = msg(
        b"Subject: one\nSubject: two\nTo: a@b\nTo: c@d\nNewsgroups: x, y\n\nline1\nline2\n",
        0,
    );
    assert_eq!(s(&e.subject), Some("one"));
    assert_eq!(e.to.len(), 2);
    assert_eq!(s(&e.newsgroups), Some("x,y"));
    assert!(e.sender.is_empty() && e.reply_to.is_empty());
    assert_eq!(b.size_lines, 2);
    assert_eq!(b.size_bytes, 14, "bare LFs count as CRLF");
    assert_eq!(s(&b.parameter[0].value), Some("US-ASCII"));
    let (_, b, _) = msg(b"Subject: x\n\nline1\nline2\n", DR_CRLF);
    assert_eq!(b.size_bytes, 12);
}

#[test]
fn sender_and_reply_to_default_to_from() {
    let (e, _, _) = msg(b"From: Ann <ann@x>\n\n", 0);
    assert_eq!(e.sender, e.from);
    assert_eq!(e.reply_to, e.from);
}

#[test]
fn content_headers_need_mime_version() {
    let (_, b, w) = msg(b"Content-Type: image/png\n\nx", 0);
    assert_eq!(b.type_, TYPEIMAGE, "type with a slash declares MIME");
    assert_eq!(
        w,
        vec!["Warning: MIME header encountered in non-MIME message"]
    );
    let (_, b, w) = msg(b"Content-Description: d\n\nx", 0);
    assert_eq!(b.description, None);
    assert!(w.is_empty());
}

#[test]
fn multipart_offsets_and_sizes() {
    let m = b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\npre\n--b\nContent-Type: text/plain\n\nhello\n--b\n\nsecond\n--b--\n";
    let (_, b, w) = msg(m, 0);
    assert!(w.is_empty());
    let Nested::Parts(parts) = &b.nested else {
        panic!("no parts")
    };
    assert_eq!(parts.len(), 2);
    // Offsets are from the start of the body text.
    let body = &m[m.windows(2).position(|w| w == b"\n\n").expect("blank") + 2..];
    let p0 = &parts[0];
    assert_eq!(&body[p0.mime.offset as usize..][..13], b"Content-Type:");
    assert_eq!(
        &body[p0.contents.offset as usize..][..p0.contents.size as usize],
        b"hello"
    );
    assert_eq!(p0.mime.size + p0.contents.size, 31);
    assert_eq!(&body[parts[1].contents.offset as usize..][..6], b"second");
}

#[test]
fn message_rfc822_has_its_own_envelope() {
    let m = b"MIME-Version: 1.0\nContent-Type: message/rfc822\n\nSubject: inner\n\nbody\n";
    let (_, b, _) = msg(m, 0);
    let Nested::Msg(inner) = &b.nested else {
        panic!("no message")
    };
    assert_eq!(s(&inner.env.as_ref().expect("env").subject), Some("inner"));
    assert_eq!(inner.header.size, 16);
    assert_eq!(inner.text.size, 5);
    assert_eq!(inner.text.offset, 16);
    assert_eq!(b.size_lines, 3);
}

#[test]
fn parameters_and_unknown_names() {
    let m = b"MIME-Version: 1.0\nContent-Type: x-new/Sub; A=\"q v\"; b\nContent-Transfer-Encoding: x-enc\n\n";
    let mut c = Collect::default();
    let (_, b) = parse::parse_msg_full(
        m,
        Some(parse::BodyText { data: b"", base: 0 }),
        None,
        0,
        0,
        &mut c,
    );
    let b = b.expect("body");
    assert_eq!(b.type_, 9);
    assert_eq!(c.types.get(9), Some(&b"X-NEW"[..]));
    assert_eq!(b.encoding, 6);
    assert_eq!(c.encodings.get(6), Some(&b"X-ENC"[..]));
    assert_eq!(s(&b.subtype), Some("SUB"));
    assert_eq!(s(&b.parameter[0].value), Some("q v"));
    assert_eq!(s(&b.parameter[1].value), Some("MISSING_PARAMETER_VALUE"));
    let w: Vec<String> = c
        .warnings
        .iter()
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    assert_eq!(
        w,
        vec![
            "Unknown MIME type: X-NEW",
            "Missing parameter value: B",
            "Unknown MIME transfer encoding: X-ENC"
        ]
    );
}

#[test]
fn body_header_output() {
    let mut b = Body {
        type_: TYPEAPPLICATION,
        encoding: ENCBASE64,
        ..Body::default()
    };
    b.parameter.push(Parameter {
        attribute: b"NAME".to_vec(),
        value: Some(b"a b.txt".to_vec()),
    });
    b.language = Some(vec![b"EN".to_vec(), b"FR".to_vec()]);
    let c = Collect::default();
    let mut o = Vec::new();
    write::output_body_header(&mut o, &b, &c.types, &c.encodings);
    assert_eq!(
        String::from_utf8(o).expect("utf8"),
        "Content-Type: APPLICATION/OCTET-STREAM; NAME=\"a b.txt\"\r\nContent-Transfer-Encoding: BASE64\r\nContent-Language: EN, FR\r\n"
    );
}

#[test]
fn long_address_lines_fold() {
    let (l, _) = adr("aaaaaaaaaaaaaaaaaaaa@example.com, bbbbbbbbbbbbbbbbbbbbb@example.com, ccccccccccccccccccccc@example.com, d@e");
    let out = written(&l, 4);
    assert_eq!(
        out,
        "aaaaaaaaaaaaaaaaaaaa@example.com, bbbbbbbbbbbbbbbbbbbbb@example.com, ccccccccccccccccccccc@example.com, \r\n    d@e"
    );
    assert!(!written(&l, 0).contains('\r'));
}
