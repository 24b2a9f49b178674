//! RFC 2822 / MIME header writing, byte-identical to the original's
//! `rfc822_output_*` family (quoting, group syntax, line folding).

use super::lex::{default_subtype, CharSet, RSPECIALS, TSPECIALS, WSPECIALS};
use super::model::*;

/// The original's continuation indent for folded address lines.
const CONT: &[u8] = b"    ";
/// Prefix for resent headers.
const RESENT: &[u8] = b"ReSent-";

/// Where the writers put their bytes: a growable vector, or (in the ABI) the
/// caller's fixed `RFC822BUFFER` that is flushed whenever it fills.
///
/// The original folds address lines by measuring with its buffer pointers,
/// so a sink reports its fill position and capacity; a sink whose flush
/// failed drops everything after (the original stops writing there).
pub trait Sink {
    /// Append bytes (ignored once the sink has failed).
    fn put(&mut self, bytes: &[u8]);
    /// Fill position within the buffer (`cur - beg`).
    fn cursor(&self) -> usize;
    /// Buffer capacity (`end - beg`).
    fn span(&self) -> usize;
    /// False once a flush has failed.
    fn ok(&self) -> bool {
        true
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    fn cursor(&self) -> usize {
        self.len()
    }
    /// A vector never wraps; an entry that writes nothing measures as a
    /// buffer this big, which always forces a fold, as in the original.
    fn span(&self) -> usize {
        self.len() + (1 << 20)
    }
}

/// How many bytes the original believes were written since `base`, from
/// buffer positions: `cur - base`, or across one wrap `(end - base) + (cur -
/// beg)` (also used when nothing moved).
fn measured(out: &dyn Sink, base: usize) -> i64 {
    let cur = out.cursor();
    if cur > base {
        (cur - base) as i64
    } else {
        (out.span().saturating_sub(base) + cur) as i64
    }
}

/// `rfc822_output_cat`: write `src`, quoting it when it holds any of
/// `specials` (or, for `None`, when it is not a valid dot-atom).
pub fn output_cat(out: &mut dyn Sink, src: &[u8], specials: Option<&CharSet>) {
    let quote = src.is_empty()
        || match specials {
            Some(set) => src.iter().any(|&c| set.contains(c)),
            None => {
                src.iter().any(|&c| WSPECIALS.contains(c))
                    || src[0] == b'.'
                    || src.windows(2).any(|w| w == b"..")
                    || src[src.len() - 1] == b'.'
            }
        };
    if !quote {
        out.put(src);
        return;
    }
    out.put(b"\"");
    // Runs between quote/backslash characters go out whole.
    let mut rest = src;
    while let Some(i) = rest.iter().position(|&c| c == b'\\' || c == b'"') {
        out.put(&rest[..i]);
        out.put(b"\\");
        out.put(&rest[i..=i]);
        rest = &rest[i + 1..];
    }
    out.put(rest);
    out.put(b"\"");
}

/// `rfc822_output_address`: mailbox@host of one address (nothing for a
/// group marker).
pub fn output_address(out: &mut dyn Sink, adr: &Address) {
    let Some(host) = adr.host.as_deref() else {
        return;
    };
    output_cat(out, adr.mailbox.as_deref().unwrap_or_default(), None);
    if host.first() != Some(&b'@') {
        out.put(b"@");
        output_cat(out, host, None);
    }
}

/// `rfc822_output_address_list`: `pretty` is the current column when
/// folding is wanted, 0 for no folding. (The original accepts a specials
/// argument but always quotes phrases with the phrase specials.)
pub fn output_address_list(out: &mut dyn Sink, list: &[Address], mut pretty: i64) {
    let mut n: i64 = 0;
    for (idx, adr) in list.iter().enumerate() {
        let next = list.get(idx + 1);
        let next_has_mailbox = next.is_some_and(|a| a.mailbox.is_some());
        let base = out.cursor();
        if adr.host.is_some() {
            if !(pretty != 0 && n != 0) {
                match adr.personal.as_deref() {
                    Some(p) if !p.is_empty() => {
                        output_cat(out, p, Some(&RSPECIALS));
                        out.put(b" <");
                        output_address(out, adr);
                        out.put(b">");
                    }
                    _ => output_address(out, adr),
                }
                if next_has_mailbox {
                    out.put(b", ");
                }
            }
        } else if let Some(m) = adr.mailbox.as_deref() {
            output_cat(out, m, Some(&RSPECIALS));
            out.put(b": ");
            n += 1;
        } else if n != 0 {
            out.put(b";");
            n -= 1;
            if n == 0 && next_has_mailbox {
                out.put(b", ");
            }
        }
        if pretty != 0 && next.is_some() {
            pretty += measured(out, base);
            if pretty >= 78 {
                out.put(b"\r\n");
                out.put(CONT);
                pretty = CONT.len() as i64;
            }
        }
    }
}

/// `rfc822_write_address_full` (and `rfc822_write_address` with
/// `column` 0): append the list; `column` is `dest - base` when folding.
pub fn write_address_full(out: &mut dyn Sink, list: &[Address], column: i64) {
    output_address_list(out, list, column);
}

/// `rfc822_output_header_line`.
pub fn output_header_line(out: &mut dyn Sink, kind: &[u8], resent: bool, text: Option<&[u8]>) {
    if let Some(t) = text {
        if resent {
            out.put(RESENT);
        }
        out.put(kind);
        out.put(b": ");
        out.put(t);
        out.put(b"\r\n");
    }
}

/// `rfc822_output_address_line`.
pub fn output_address_line(out: &mut dyn Sink, kind: &[u8], resent: bool, list: &[Address]) {
    if list.is_empty() {
        return;
    }
    if resent {
        out.put(RESENT);
    }
    out.put(kind);
    out.put(b": ");
    let col = kind.len() as i64 + if resent { RESENT.len() as i64 } else { 0 };
    output_address_list(out, list, col);
    out.put(b"\r\n");
}

/// `rfc822_output_parameter`.
pub fn output_parameter(out: &mut dyn Sink, params: &[Parameter]) {
    for p in params {
        out.put(b"; ");
        out.put(&p.attribute);
        out.put(b"=");
        output_cat(
            out,
            p.value.as_deref().unwrap_or_default(),
            Some(&TSPECIALS),
        );
    }
}

/// `rfc822_output_stringlist`.
pub fn output_stringlist(out: &mut dyn Sink, list: &[Vec<u8>]) {
    for (i, s) in list.iter().enumerate() {
        if i > 0 {
            out.put(b", ");
        }
        output_cat(out, s, Some(&TSPECIALS));
    }
}

/// `rfc822_output_body_header`: the Content-* lines of `body` (no final
/// blank line; each line but the last ends in CRLF, the last one too).
pub fn output_body_header(
    out: &mut dyn Sink,
    body: &Body,
    types: &dyn NameTable,
    encodings: &dyn NameTable,
) {
    out.put(b"Content-Type: ");
    out.put(types.get(body.type_ as usize).unwrap_or_default());
    out.put(b"/");
    out.put(
        body.subtype
            .as_deref()
            .unwrap_or(default_subtype(body.type_)),
    );
    if !body.parameter.is_empty() {
        output_parameter(out, &body.parameter);
    } else if body.type_ == TYPETEXT {
        out.put(b"; CHARSET=");
        out.put(if body.encoding == ENC7BIT {
            b"US-ASCII"
        } else {
            b"X-UNKNOWN"
        });
    }
    if body.encoding != 0 {
        out.put(b"\r\nContent-Transfer-Encoding: ");
        out.put(encodings.get(body.encoding as usize).unwrap_or_default());
    }
    let line = |out: &mut dyn Sink, k: &[u8], v: &Option<Vec<u8>>| {
        if let Some(v) = v {
            out.put(k);
            out.put(v);
        }
    };
    line(out, b"\r\nContent-ID: ", &body.id);
    line(out, b"\r\nContent-Description: ", &body.description);
    line(out, b"\r\nContent-MD5: ", &body.md5);
    if let Some(l) = &body.language {
        out.put(b"\r\nContent-Language: ");
        output_stringlist(out, l);
    }
    line(out, b"\r\nContent-Location: ", &body.location);
    if let Some(d) = &body.disposition_type {
        out.put(b"\r\nContent-Disposition: ");
        out.put(d);
        output_parameter(out, &body.disposition_parameter);
    }
    out.put(b"\r\n");
}

/// `rfc822_output_header` (`rfc822_header` with `bcc` false): the header
/// block for `env` (and the MIME headers of `body`), ending in a blank line.
pub fn output_header(
    out: &mut dyn Sink,
    env: &Envelope,
    body: Option<&Body>,
    bcc: bool,
    types: &dyn NameTable,
    encodings: &dyn NameTable,
) {
    let resent = env.remail.as_deref().is_some_and(|r| !r.is_empty());
    if let Some(r) = env.remail.as_deref() {
        let i = r.len();
        // Drop the remail header's trailing CRLF when it ends in CR LF x x.
        let n = if i > 4 && r[i - 4] == b'\r' { i - 2 } else { i };
        out.put(&r[..n]);
    }
    output_header_line(out, b"Newsgroups", resent, env.newsgroups.as_deref());
    output_header_line(out, b"Date", resent, env.date.as_deref());
    output_address_line(out, b"From", resent, &env.from);
    output_address_line(out, b"Sender", resent, &env.sender);
    output_address_line(out, b"Reply-To", resent, &env.reply_to);
    output_header_line(out, b"Subject", resent, env.subject.as_deref());
    if !env.bcc.is_empty() && env.to.is_empty() && env.cc.is_empty() {
        out.put(b"To: undisclosed recipients: ;\r\n");
    }
    output_address_line(out, b"To", resent, &env.to);
    output_address_line(out, b"cc", resent, &env.cc);
    if bcc {
        output_address_line(out, b"bcc", resent, &env.bcc);
    }
    output_header_line(out, b"In-Reply-To", resent, env.in_reply_to.as_deref());
    output_header_line(out, b"Message-ID", resent, env.message_id.as_deref());
    output_header_line(out, b"Followup-to", resent, env.followup_to.as_deref());
    output_header_line(out, b"References", resent, env.references.as_deref());
    if env.remail.is_none() {
        if let Some(b) = body {
            out.put(b"MIME-Version: 1.0\r\n");
            output_body_header(out, b, types, encodings);
        }
    }
    out.put(b"\r\n");
}

/// Why body encoding stopped: the original calls `fatal()` here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidMessageEncoding;

/// Content converters the body encoders need (owned by the encoding module).
pub trait Encoders {
    /// `rfc822_8bit`: 8-bit text to quoted-printable.
    fn qprint(&mut self, src: &[u8]) -> Vec<u8>;
    /// `rfc822_binary`: binary to base64 with CRLF line breaks.
    fn base64(&mut self, src: &[u8]) -> Vec<u8>;
    /// A fresh multipart boundary ("hostid-random-time=:pid").
    fn boundary(&mut self) -> Vec<u8>;
    /// `mm_log(msg, PARSE)`.
    fn log_parse(&mut self, msg: &[u8]);
}

fn ensure_boundary(body: &mut Body, enc: &mut dyn Encoders) {
    if !body.parameter.iter().any(|p| p.attribute == b"BOUNDARY") {
        body.parameter.push(Parameter {
            attribute: b"BOUNDARY".to_vec(),
            value: Some(enc.boundary()),
        });
    }
}

fn convert(body: &mut Body, to: u16, enc: &mut dyn Encoders) {
    let data = body.contents.data.take().unwrap_or_default();
    let n = (body.contents.size as usize).min(data.len());
    let new = if to == ENCQUOTEDPRINTABLE {
        enc.qprint(&data[..n])
    } else {
        enc.base64(&data[..n])
    };
    body.contents.size = new.len() as u64;
    body.contents.data = Some(new);
    body.encoding = to;
}

/// `rfc822_encode_body_7bit`.
pub fn encode_body_7bit(
    body: &mut Body,
    enc: &mut dyn Encoders,
) -> Result<(), InvalidMessageEncoding> {
    match body.type_ {
        TYPEMULTIPART => {
            ensure_boundary(body, enc);
            if let Nested::Parts(parts) = &mut body.nested {
                for p in parts {
                    encode_body_7bit(p, enc)?;
                }
            }
        }
        TYPEMESSAGE => match body.encoding {
            ENC7BIT => {}
            ENC8BIT => enc.log_parse(b"8-bit included message in 7-bit message body"),
            ENCBINARY => enc.log_parse(b"Binary included message in 7-bit message body"),
            _ => return Err(InvalidMessageEncoding),
        },
        _ => match body.encoding {
            ENC8BIT => convert(body, ENCQUOTEDPRINTABLE, enc),
            ENCBINARY => convert(body, ENCBASE64, enc),
            _ => {}
        },
    }
    Ok(())
}

/// `rfc822_encode_body_8bit`.
pub fn encode_body_8bit(
    body: &mut Body,
    enc: &mut dyn Encoders,
) -> Result<(), InvalidMessageEncoding> {
    match body.type_ {
        TYPEMULTIPART => {
            ensure_boundary(body, enc);
            if let Nested::Parts(parts) = &mut body.nested {
                for p in parts {
                    encode_body_8bit(p, enc)?;
                }
            }
        }
        TYPEMESSAGE => match body.encoding {
            ENC7BIT | ENC8BIT => {}
            ENCBINARY => enc.log_parse(b"Binary included message in 8-bit message body"),
            _ => return Err(InvalidMessageEncoding),
        },
        _ => {
            if body.encoding == ENCBINARY {
                convert(body, ENCBASE64, enc);
            }
        }
    }
    Ok(())
}

/// The multipart boundary the original uses: the value of the first
/// parameter named exactly "BOUNDARY".
pub fn boundary_of(body: &Body) -> Option<&[u8]> {
    body.parameter
        .iter()
        .find(|p| p.attribute == b"BOUNDARY")
        .map(|p| p.value.as_deref().unwrap_or_default())
}

/// `rfc822_output_text`: the body text of `body`. A multipart writes each
/// part as delimiter, part header, blank line, part text, then the closing
/// delimiter; anything else writes its contents and a CRLF. The caller
/// makes sure every multipart has a boundary (the original adds one on the
/// fly); nesting is walked with an explicit stack, so depth costs heap, not
/// call stack.
pub fn output_text(
    out: &mut dyn Sink,
    body: &Body,
    types: &dyn NameTable,
    encodings: &dyn NameTable,
) {
    struct Frame<'a> {
        cookie: &'a [u8],
        parts: std::slice::Iter<'a, Body>,
    }
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut next = Some(body);
    loop {
        if let Some(b) = next.take() {
            if b.type_ == TYPEMULTIPART {
                let parts: &[Body] = match &b.nested {
                    Nested::Parts(p) => p,
                    _ => &[],
                };
                stack.push(Frame {
                    cookie: boundary_of(b).unwrap_or_default(),
                    parts: parts.iter(),
                });
            } else {
                if let Some(d) = &b.contents.data {
                    out.put(d);
                }
                out.put(b"\r\n");
            }
        }
        if !out.ok() {
            return;
        }
        let Some(top) = stack.last_mut() else { return };
        let cookie = top.cookie;
        match top.parts.next() {
            Some(p) => {
                out.put(b"--");
                out.put(cookie);
                out.put(b"\r\n");
                output_body_header(out, p, types, encodings);
                out.put(b"\r\n");
                next = Some(p);
            }
            None => {
                out.put(b"--");
                out.put(cookie);
                out.put(b"--\r\n");
                stack.pop();
            }
        }
    }
}
