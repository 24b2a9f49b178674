//! RFC 2822 / MIME header writing, byte-identical to the original's
//! `rfc822_output_*` family (quoting, group syntax, line folding).

use super::lex::{default_subtype, CharSet, RSPECIALS, TSPECIALS, WSPECIALS};
use super::model::*;

/// The original's continuation indent for folded address lines.
const CONT: &[u8] = b"    ";
/// Prefix for resent headers.
const RESENT: &[u8] = b"ReSent-";

/// `rfc822_output_cat`: write `src`, quoting it when it holds any of
/// `specials` (or, for `None`, when it is not a valid dot-atom).
pub fn output_cat(out: &mut Vec<u8>, src: &[u8], specials: Option<&CharSet>) {
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
        out.extend_from_slice(src);
        return;
    }
    out.push(b'"');
    for &c in src {
        if c == b'\\' || c == b'"' {
            out.push(b'\\');
        }
        out.push(c);
    }
    out.push(b'"');
}

/// `rfc822_output_address`: mailbox@host of one address (nothing for a
/// group marker).
pub fn output_address(out: &mut Vec<u8>, adr: &Address) {
    let Some(host) = adr.host.as_deref() else {
        return;
    };
    output_cat(out, adr.mailbox.as_deref().unwrap_or_default(), None);
    if host.first() != Some(&b'@') {
        out.push(b'@');
        output_cat(out, host, None);
    }
}

/// `rfc822_output_address_list`: `pretty` is the current column when
/// folding is wanted, 0 for no folding. (The original accepts a specials
/// argument but always quotes phrases with the phrase specials.)
pub fn output_address_list(out: &mut Vec<u8>, list: &[Address], mut pretty: i64) {
    let mut n: i64 = 0;
    for (idx, adr) in list.iter().enumerate() {
        let next = list.get(idx + 1);
        let next_has_mailbox = next.is_some_and(|a| a.mailbox.is_some());
        let base = out.len();
        if adr.host.is_some() {
            if !(pretty != 0 && n != 0) {
                match adr.personal.as_deref() {
                    Some(p) if !p.is_empty() => {
                        output_cat(out, p, Some(&RSPECIALS));
                        out.extend_from_slice(b" <");
                        output_address(out, adr);
                        out.push(b'>');
                    }
                    _ => output_address(out, adr),
                }
                if next_has_mailbox {
                    out.extend_from_slice(b", ");
                }
            }
        } else if let Some(m) = adr.mailbox.as_deref() {
            output_cat(out, m, Some(&RSPECIALS));
            out.extend_from_slice(b": ");
            n += 1;
        } else if n != 0 {
            out.push(b';');
            n -= 1;
            if n == 0 && next_has_mailbox {
                out.extend_from_slice(b", ");
            }
        }
        if pretty != 0 && next.is_some() {
            // The original measures what this entry wrote from its buffer
            // pointers; when nothing was written it takes that for a buffer
            // wrap and counts a whole buffer, which always forces a fold.
            let written = out.len() - base;
            pretty += if written == 0 {
                1 << 20
            } else {
                written as i64
            };
            if pretty >= 78 {
                out.extend_from_slice(b"\r\n");
                out.extend_from_slice(CONT);
                pretty = CONT.len() as i64;
            }
        }
    }
}

/// `rfc822_write_address_full` (and `rfc822_write_address` with
/// `column` 0): append the list; `column` is `dest - base` when folding.
pub fn write_address_full(out: &mut Vec<u8>, list: &[Address], column: i64) {
    output_address_list(out, list, column);
}

/// `rfc822_output_header_line`.
pub fn output_header_line(out: &mut Vec<u8>, kind: &[u8], resent: bool, text: Option<&[u8]>) {
    if let Some(t) = text {
        if resent {
            out.extend_from_slice(RESENT);
        }
        out.extend_from_slice(kind);
        out.extend_from_slice(b": ");
        out.extend_from_slice(t);
        out.extend_from_slice(b"\r\n");
    }
}

/// `rfc822_output_address_line`.
pub fn output_address_line(out: &mut Vec<u8>, kind: &[u8], resent: bool, list: &[Address]) {
    if list.is_empty() {
        return;
    }
    if resent {
        out.extend_from_slice(RESENT);
    }
    out.extend_from_slice(kind);
    out.extend_from_slice(b": ");
    let col = kind.len() as i64 + if resent { RESENT.len() as i64 } else { 0 };
    output_address_list(out, list, col);
    out.extend_from_slice(b"\r\n");
}

/// `rfc822_output_parameter`.
pub fn output_parameter(out: &mut Vec<u8>, params: &[Parameter]) {
    for p in params {
        out.extend_from_slice(b"; ");
        out.extend_from_slice(&p.attribute);
        out.push(b'=');
        output_cat(
            out,
            p.value.as_deref().unwrap_or_default(),
            Some(&TSPECIALS),
        );
    }
}

/// `rfc822_output_stringlist`.
pub fn output_stringlist(out: &mut Vec<u8>, list: &[Vec<u8>]) {
    for (i, s) in list.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        output_cat(out, s, Some(&TSPECIALS));
    }
}

/// `rfc822_output_body_header`: the Content-* lines of `body` (no final
/// blank line; each line but the last ends in CRLF, the last one too).
pub fn output_body_header(
    out: &mut Vec<u8>,
    body: &Body,
    types: &dyn NameTable,
    encodings: &dyn NameTable,
) {
    out.extend_from_slice(b"Content-Type: ");
    out.extend_from_slice(types.get(body.type_ as usize).unwrap_or_default());
    out.push(b'/');
    out.extend_from_slice(
        body.subtype
            .as_deref()
            .unwrap_or(default_subtype(body.type_)),
    );
    if !body.parameter.is_empty() {
        output_parameter(out, &body.parameter);
    } else if body.type_ == TYPETEXT {
        out.extend_from_slice(b"; CHARSET=");
        out.extend_from_slice(if body.encoding == ENC7BIT {
            b"US-ASCII"
        } else {
            b"X-UNKNOWN"
        });
    }
    if body.encoding != 0 {
        out.extend_from_slice(b"\r\nContent-Transfer-Encoding: ");
        out.extend_from_slice(encodings.get(body.encoding as usize).unwrap_or_default());
    }
    let line = |out: &mut Vec<u8>, k: &[u8], v: &Option<Vec<u8>>| {
        if let Some(v) = v {
            out.extend_from_slice(k);
            out.extend_from_slice(v);
        }
    };
    line(out, b"\r\nContent-ID: ", &body.id);
    line(out, b"\r\nContent-Description: ", &body.description);
    line(out, b"\r\nContent-MD5: ", &body.md5);
    if let Some(l) = &body.language {
        out.extend_from_slice(b"\r\nContent-Language: ");
        output_stringlist(out, l);
    }
    line(out, b"\r\nContent-Location: ", &body.location);
    if let Some(d) = &body.disposition_type {
        out.extend_from_slice(b"\r\nContent-Disposition: ");
        out.extend_from_slice(d);
        output_parameter(out, &body.disposition_parameter);
    }
    out.extend_from_slice(b"\r\n");
}

/// `rfc822_output_header` (`rfc822_header` with `bcc` false): the header
/// block for `env` (and the MIME headers of `body`), ending in a blank line.
pub fn output_header(
    out: &mut Vec<u8>,
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
        out.extend_from_slice(&r[..n]);
    }
    output_header_line(out, b"Newsgroups", resent, env.newsgroups.as_deref());
    output_header_line(out, b"Date", resent, env.date.as_deref());
    output_address_line(out, b"From", resent, &env.from);
    output_address_line(out, b"Sender", resent, &env.sender);
    output_address_line(out, b"Reply-To", resent, &env.reply_to);
    output_header_line(out, b"Subject", resent, env.subject.as_deref());
    if !env.bcc.is_empty() && env.to.is_empty() && env.cc.is_empty() {
        out.extend_from_slice(b"To: undisclosed recipients: ;\r\n");
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
            out.extend_from_slice(b"MIME-Version: 1.0\r\n");
            output_body_header(out, b, types, encodings);
        }
    }
    out.extend_from_slice(b"\r\n");
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
