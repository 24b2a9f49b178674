//! Message and MIME structure parsing (`rfc822_parse_msg_full`,
//! `rfc822_parse_content`, `rfc822_parse_content_header`,
//! `rfc822_parse_parameter`) with the original's sizes, offsets and
//! warnings.

use super::address::{parse_adrlist_buf, simple_adrlist};
use super::lex::{
    at, buffer, cpy_range, cstr, default_subtype, owned, parse_phrase, parse_word, skipws, trunc,
    TSPECIALS,
};
use super::model::*;

/// The body text being parsed: the original's `STRING`, reduced to a byte
/// slice read with a cursor. `base` is the position (`GETPOS`) of `d[0]`.
struct Str<'a> {
    d: &'a [u8],
    pos: usize,
    /// Current end (`bs->size`), as an index into `d`.
    end: usize,
    base: u64,
}

impl Str<'_> {
    #[inline]
    fn snx(&mut self) -> u8 {
        let c = at(self.d, self.pos);
        self.pos += 1;
        c
    }
    #[inline]
    fn chr(&self) -> u8 {
        at(self.d, self.pos)
    }
    #[inline]
    fn getpos(&self) -> u64 {
        self.base + self.pos as u64
    }
    fn size(&self) -> u64 {
        self.end.saturating_sub(self.pos) as u64
    }
}

/// The body to parse with a message: its bytes and the offset the original
/// would report for its first byte (`GETPOS` of the `STRING`, usually 0).
#[derive(Debug, Clone, Copy)]
pub struct BodyText<'a> {
    pub data: &'a [u8],
    pub base: u64,
}

/// `rfc822_parse_msg_full`: parse `header` into an envelope and, when
/// `body` is given, the body structure. `host` of `None` becomes BADHOST.
pub fn parse_msg_full(
    header: &[u8],
    body: Option<BodyText<'_>>,
    host: Option<&[u8]>,
    depth: u64,
    flags: u64,
    env: &mut dyn ParseEnv,
) -> (Envelope, Option<Body>) {
    let mut bdy = body.map(|_| Body::default());
    let e = parse_header(header, bdy.as_mut(), host.unwrap_or(BADHOST), env);
    if let (Some(b), Some(t)) = (bdy.as_mut(), body) {
        let mut bs = Str {
            d: t.data,
            pos: 0,
            end: t.data.len(),
            base: t.base,
        };
        parse_content(b, &mut bs, host.unwrap_or(BADHOST), depth, flags, env);
    }
    (e, bdy)
}

/// Copy of an address list as `rfc822_cpy_adr` makes it.
fn cpy_adr(list: &[Address]) -> Vec<Address> {
    list.iter()
        .map(|a| Address {
            personal: a.personal.as_deref().map(owned),
            adl: a.adl.as_deref().map(owned),
            mailbox: a.mailbox.as_deref().map(owned),
            host: a.host.as_deref().map(owned),
            ..Address::default()
        })
        .collect()
}

/// ASCII case-insensitive search for "\nMIME-Version" in `hay` (misc.c
/// `search`).
fn has_mime_version(hay: &[u8]) -> bool {
    const PAT: &[u8] = b"\nmime-version";
    memchr::memchr_iter(b'\n', hay)
        .any(|i| hay.len() - i >= PAT.len() && hay[i..i + PAT.len()].eq_ignore_ascii_case(PAT))
}

fn squeeze_spaces(v: &[u8]) -> Vec<u8> {
    v.iter().copied().filter(|&c| c != b' ').collect()
}

/// The header line starting at `s` when it needs no unfolding: it ends in
/// LF or CRLF, the next line does not continue it, and it holds no tab, CR
/// or NUL. Returns the line (without its end) and where the next begins.
fn plain_line(h: &[u8], s: usize) -> Option<(&[u8], usize)> {
    let rest = h.get(s..)?;
    let lf = memchr::memchr(b'\n', rest)?;
    if matches!(at(h, s + lf + 1), b' ' | b'\t') {
        return None;
    }
    let l = &rest[..lf];
    let l = l.strip_suffix(b"\r").unwrap_or(l);
    if memchr::memchr3(b'\r', b'\t', 0, l).is_some() {
        return None;
    }
    Some((l, s + lf + 1))
}

/// Collect one logical (unfolded) header line from `h[*s..]` into `line`,
/// as the original's byte loop does: CRLF and folding line ends vanish, a
/// tab becomes a space, a line end not followed by a blank (or a NUL) ends
/// the line.
fn collect_line(h: &[u8], s: &mut usize, i: &mut usize, line: &mut Vec<u8>) {
    line.clear();
    let mut c = b' ';
    while *i > 0 && c != 0 {
        // Fast path: a run of ordinary bytes.
        let run_end = (*s + *i).min(h.len());
        let run = &h[(*s).min(run_end)..run_end];
        let n = memchr::memchr3(b'\r', b'\n', b'\t', run).unwrap_or(run.len());
        let n = memchr::memchr(0, &run[..n]).unwrap_or(n);
        if n > 0 {
            // Grown as a vector would, but never past what is left of the
            // header (the most the line can take): a large header's
            // temporary stays the header's size, not twice it.
            if line.capacity() - line.len() < n {
                let room = (line.capacity() * 2)
                    .max(line.len() + n)
                    .min(line.len() + *i);
                line.reserve_exact(room - line.len());
            }
            line.extend_from_slice(&run[..n]);
            *s += n;
            *i -= n;
            if *i == 0 {
                break;
            }
            // The run stopped at a CR, LF, tab or NUL, or at the end of
            // the header: a new search would find nothing before it, so
            // the byte is taken as it is.
        }
        c = at(h, *s);
        *s += 1;
        match c {
            b'\r' if at(h, *s) == b'\n' => {}
            // A line end that is not followed by a blank ends the line.
            b'\r' | b'\n' if at(h, *s) != b' ' && at(h, *s) != b'\t' => c = 0,
            b'\r' | b'\n' => {}
            b'\t' => line.push(b' '),
            _ => {} // 0: ends the C string
        }
        *i -= 1;
    }
}

/// Whether `name` (as the header line has it, trailing blanks removed) is
/// one [`parse_header`] acts on: the names of its `match`, in any case.
fn field_used(name: &[u8]) -> bool {
    let Some((&first, rest)) = name.split_first() else {
        return false;
    };
    let is = |w: &[u8]| rest.eq_ignore_ascii_case(w);
    match first.to_ascii_uppercase() {
        b'>' => is(b"FROM"),
        b'B' => is(b"CC"),
        b'C' => {
            is(b"C")
                || rest
                    .get(..7)
                    .is_some_and(|p| p.eq_ignore_ascii_case(b"ONTENT-"))
        }
        b'D' => is(b"ATE"),
        b'F' => is(b"ROM") || is(b"OLLOWUP-TO"),
        b'I' => is(b"N-REPLY-TO"),
        b'M' => is(b"ESSAGE-ID") || is(b"IME-VERSION"),
        b'N' => is(b"EWSGROUPS"),
        b'R' => is(b"EPLY-TO") || is(b"EFERENCES"),
        b'S' => is(b"UBJECT") || is(b"ENDER"),
        b'T' => is(b"O"),
        _ => false,
    }
}

/// Where the header line at `h[s..]` ends when its name is known from the
/// first physical line (a colon before any tab, CR, LF or NUL: the
/// unfolded line then has the same name) and is not one [`field_used`]
/// takes; `None` when the line must be unfolded and looked at.
fn unused_field_end(h: &[u8], s: usize) -> Option<usize> {
    let first = h.get(s..)?;
    let colon = first
        .iter()
        .position(|&c| matches!(c, b':' | b'\t' | b'\r' | b'\n' | 0))
        .filter(|&k| first[k] == b':')?;
    let mut nend = colon;
    while nend > 1 && first[nend - 1] == b' ' {
        nend -= 1;
    }
    if field_used(&first[..nend]) {
        return None;
    }
    Some(logical_line_end(h, s + colon + 1))
}

/// The header half of `rfc822_parse_msg_full`.
fn parse_header(
    h: &[u8],
    mut body: Option<&mut Body>,
    host: &[u8],
    ev: &mut dyn ParseEnv,
) -> Envelope {
    let mut env = Envelope::default();
    let mut s = 0usize;
    let mut i = h.len();
    let mut mimep: i8 = -1;
    // Sized for typical folded lines and header names, so that they rarely
    // grow.
    let mut buf: Vec<u8> = Vec::with_capacity(h.len().min(512));
    let mut name: Vec<u8> = Vec::with_capacity(64);
    // Without a hook to see them, lines of no field the parse keeps
    // (Received, X-..., List-...) are passed over without unfolding.
    let every_line = ev.sees_every_line();
    while i > 0 && at(h, s) != b'\n' {
        if !every_line {
            if let Some(next) = unused_field_end(h, s) {
                i -= next - s;
                s = next;
                continue;
            }
        }
        let line: &[u8] = if let Some((l, next)) = plain_line(h, s) {
            // An unfolded line without tabs, lone CRs or NULs is its own
            // unfolded form: use it in place.
            i -= next - s;
            s = next;
            l
        } else {
            collect_line(h, &mut s, &mut i, &mut buf);
            &buf
        };
        // Names are short: a plain loop beats a SIMD search set-up.
        let Some(colon) = line.iter().position(|&c| c == b':') else {
            continue;
        };
        let mut d = colon + 1;
        while at(line, d) == b' ' {
            d += 1;
        }
        let mut nend = colon;
        while nend > 1 && line[nend - 1] == b' ' {
            nend -= 1;
        }
        name.clear();
        name.extend_from_slice(&line[..nend]);
        name.make_ascii_uppercase();
        let value = &line[d.min(line.len())..];
        if every_line {
            ev.parse_line(&mut env, &name, value, host);
        }
        let rest = name.get(1..).unwrap_or_default();
        let adr = |list: &mut Vec<Address>, ev: &mut dyn ParseEnv| {
            // The usual shapes without the general parser (same result).
            if let Some(l) = simple_adrlist(value) {
                if list.is_empty() {
                    *list = l;
                } else {
                    list.extend(l);
                }
                return;
            }
            let mut b = buffer(value);
            parse_adrlist_buf(list, &mut b, Some(host), ev);
        };
        match name.first().copied().unwrap_or(0) {
            b'>' if rest == b"FROM" => adr(&mut env.from, ev),
            b'B' if rest == b"CC" => adr(&mut env.bcc, ev),
            b'C' => {
                if rest == b"C" {
                    adr(&mut env.cc, ev);
                } else if name.len() >= 8 && &name[1..8] == b"ONTENT-" {
                    if let Some(b) = body.as_deref_mut() {
                        let sub = &name[8..];
                        if mimep == -1 {
                            let from = s - 1;
                            let hay = &h[from.min(h.len())..(from + i).min(h.len())];
                            mimep = has_mime_version(hay) as i8;
                            if mimep == 0
                                && (sub == b"TRANSFER-ENCODING"
                                    || (sub == b"TYPE" && value.contains(&b'/')))
                            {
                                ev.log_parse(
                                    b"Warning: MIME header encountered in non-MIME message",
                                );
                                mimep = 1;
                            }
                        }
                        if mimep == 1 {
                            parse_content_header(b, sub, value, ev);
                        }
                    }
                }
            }
            b'D' if env.date.is_none() && rest == b"ATE" => env.date = Some(owned(value)),
            b'F' => {
                if rest == b"ROM" {
                    adr(&mut env.from, ev);
                } else if rest == b"OLLOWUP-TO" {
                    env.followup_to = Some(squeeze_spaces(value));
                }
            }
            b'I' if env.in_reply_to.is_none() && rest == b"N-REPLY-TO" => {
                env.in_reply_to = Some(owned(value))
            }
            b'M' => {
                if env.message_id.is_none() && rest == b"ESSAGE-ID" {
                    env.message_id = Some(owned(value));
                } else if rest == b"IME-VERSION" {
                    let mut b = buffer(value);
                    if let Some(t) = parse_phrase(&mut b, Some(0), ev) {
                        b[t] = 0;
                    }
                    let mut p = 0;
                    skipws(&mut b, &mut p, ev);
                    let v = cstr(&b, p);
                    if v != b"1.0" && v != b"RFC-XXXX" {
                        ev.log_parse(b"Warning: message has unknown MIME version");
                    }
                    mimep = 1;
                }
            }
            b'N' if env.newsgroups.is_none() && rest == b"EWSGROUPS" => {
                env.newsgroups = Some(squeeze_spaces(value))
            }
            b'R' => {
                if rest == b"EPLY-TO" {
                    adr(&mut env.reply_to, ev);
                } else if env.references.is_none() && rest == b"EFERENCES" {
                    env.references = Some(owned(value));
                }
            }
            b'S' => {
                if env.subject.is_none() && rest == b"UBJECT" {
                    env.subject = Some(owned(value));
                } else if rest == b"ENDER" {
                    adr(&mut env.sender, ev);
                }
            }
            b'T' if rest == b"O" => adr(&mut env.to, ev),
            _ => {}
        }
    }
    if env.sender.is_empty() {
        env.sender = cpy_adr(&env.from);
    }
    if env.reply_to.is_empty() {
        env.reply_to = cpy_adr(&env.from);
    }
    env
}

/// The envelope fields of [`quiet_fields`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct QuietFields {
    pub subject: Option<Vec<u8>>,
    pub date: Option<Vec<u8>>,
    pub message_id: Option<Vec<u8>>,
    pub references: Option<Vec<u8>>,
    pub in_reply_to: Option<Vec<u8>>,
}

/// Subject, Date, Message-ID, References and In-Reply-To as an envelope
/// parse of header `h` (without a body) would give them, when that parse
/// would also report nothing: every address field takes the shortcut
/// parser (which never warns) and a MIME-Version line says just "1.0".
/// `None` when that is not so: parse in full then. Lines are split and
/// names matched as in [`parse_header`]; hooks of the caller's
/// (`ParseEnv::parse_line`) are the caller's to rule out.
pub fn quiet_fields(h: &[u8]) -> Option<QuietFields> {
    const ADDRESSES: [&[u8]; 7] = [
        b"FROM",
        b">FROM",
        b"TO",
        b"CC",
        b"BCC",
        b"SENDER",
        b"REPLY-TO",
    ];
    const KEPT: [&[u8]; 6] = [
        b"SUBJECT",
        b"DATE",
        b"MESSAGE-ID",
        b"REFERENCES",
        b"IN-REPLY-TO",
        b"MIME-VERSION",
    ];
    let mut q = QuietFields::default();
    let mut s = 0usize;
    let mut i = h.len();
    let mut buf: Vec<u8> = Vec::new();
    while i > 0 && at(h, s) != b'\n' {
        // A name ending on the first physical line (no tab, CR, LF or NUL
        // before its colon) is the name the unfolded line has: fields of
        // no interest are passed over without unfolding them.
        let first = &h[s..];
        let stop = first
            .iter()
            .position(|&c| matches!(c, b':' | b'\t' | b'\r' | b'\n' | 0));
        if let Some(colon) = stop.filter(|&k| first[k] == b':') {
            let mut nend = colon;
            while nend > 1 && first[nend - 1] == b' ' {
                nend -= 1;
            }
            let name = &first[..nend];
            let wanted = KEPT
                .iter()
                .chain(ADDRESSES.iter())
                .any(|n| name.eq_ignore_ascii_case(n));
            if !wanted {
                s = logical_line_end(h, s + colon + 1);
                i = h.len() - s;
                continue;
            }
        }
        let line: &[u8] = if let Some((l, next)) = plain_line(h, s) {
            i -= next - s;
            s = next;
            l
        } else {
            collect_line(h, &mut s, &mut i, &mut buf);
            &buf
        };
        let Some(colon) = line.iter().position(|&c| c == b':') else {
            continue;
        };
        let mut d = colon + 1;
        while at(line, d) == b' ' {
            d += 1;
        }
        let mut nend = colon;
        while nend > 1 && line[nend - 1] == b' ' {
            nend -= 1;
        }
        let name = &line[..nend];
        let value = &line[d.min(line.len())..];
        let first_of = |slot: &mut Option<Vec<u8>>| {
            if slot.is_none() {
                *slot = Some(owned(value));
            }
        };
        if name.eq_ignore_ascii_case(b"SUBJECT") {
            first_of(&mut q.subject);
        } else if name.eq_ignore_ascii_case(b"DATE") {
            first_of(&mut q.date);
        } else if name.eq_ignore_ascii_case(b"MESSAGE-ID") {
            first_of(&mut q.message_id);
        } else if name.eq_ignore_ascii_case(b"REFERENCES") {
            first_of(&mut q.references);
        } else if name.eq_ignore_ascii_case(b"IN-REPLY-TO") {
            first_of(&mut q.in_reply_to);
        } else if ADDRESSES.iter().any(|n| name.eq_ignore_ascii_case(n)) {
            simple_adrlist(value)?;
        } else if name.eq_ignore_ascii_case(b"MIME-VERSION") && value != b"1.0" {
            // "1.0" is the one value known to parse without a word.
            return None;
        }
    }
    Some(q)
}

/// Where the logical header line containing `h[from..]` ends, as
/// [`collect_line`] finds it: after a line end (LF, CRLF or a lone CR) not
/// followed by a blank, after a NUL, or at the end of `h`.
fn logical_line_end(h: &[u8], mut from: usize) -> usize {
    loop {
        let Some(k) = h
            .get(from..)
            .and_then(|r| memchr::memchr3(b'\r', b'\n', 0, r))
        else {
            return h.len();
        };
        let mut p = from + k;
        match h[p] {
            0 => return p + 1,
            b'\r' if at(h, p + 1) == b'\n' => p += 1,
            _ => {}
        }
        if !matches!(at(h, p + 1), b' ' | b'\t') {
            return p + 1;
        }
        from = p + 1;
    }
}

/// Look `name` up in a type/encoding table, adding it when there is room,
/// as the original does. Returns the index or `None` on overflow.
fn table_index(t: &mut dyn NameTable, name: &[u8]) -> Result<usize, ()> {
    let max = t.max();
    let mut i = 0;
    while i <= max {
        match t.get(i) {
            None => break,
            Some(n) if n.eq_ignore_ascii_case(name) => return Ok(i),
            Some(_) => i += 1,
        }
    }
    if i > max {
        Err(())
    } else {
        t.set(i, name.to_ascii_uppercase());
        Ok(i | (1 << 31))
    }
}

fn log_fmt(ev: &mut dyn ParseEnv, pre: &[u8], tail: &[u8], n: usize) {
    let mut m = pre.to_vec();
    m.extend_from_slice(trunc(tail, n));
    ev.log_parse(&m);
}

/// Which run-time name table a MIME name is looked up in.
#[derive(Clone, Copy)]
enum NameKind {
    Type,
    Encoding,
}

/// The number of a body type or transfer-encoding name, adding the name to
/// its table when new, with the original's PARSE messages for a new name
/// and for a full table (which gives the "other" number).
fn name_index(ev: &mut dyn ParseEnv, kind: NameKind, name: &[u8]) -> u16 {
    let (found, other, overflow, unknown): (_, u16, &[u8], &[u8]) = match kind {
        NameKind::Type => (
            table_index(ev.body_types(), name),
            TYPEOTHER,
            b"MIME type table overflow: ",
            b"Unknown MIME type: ",
        ),
        NameKind::Encoding => (
            table_index(ev.body_encodings(), name),
            ENCOTHER,
            b"MIME encoding table overflow: ",
            b"Unknown MIME transfer encoding: ",
        ),
    };
    match found {
        Err(()) => {
            log_fmt(ev, overflow, name, 100);
            other
        }
        Ok(i) => {
            if i & (1 << 31) != 0 {
                log_fmt(ev, unknown, &name.to_ascii_uppercase(), 100);
            }
            (i & 0xffff) as u16
        }
    }
}

/// The number of body type `name` in the run-time table (added when new).
pub fn type_index(ev: &mut dyn ParseEnv, name: &[u8]) -> u16 {
    name_index(ev, NameKind::Type, name)
}

/// The number of transfer encoding `name` in the run-time table.
pub fn encoding_index(ev: &mut dyn ParseEnv, name: &[u8]) -> u16 {
    name_index(ev, NameKind::Encoding, name)
}

/// `rfc822_parse_content_header`: apply one `Content-<name>: value` header
/// (`name` is what follows "Content-", upper-cased).
pub fn parse_content_header(body: &mut Body, name: &[u8], value: &[u8], ev: &mut dyn ParseEnv) {
    let mut b = buffer(value);
    let mut s = 0usize;
    skipws(&mut b, &mut s, ev);
    let name = match memchr::memchr(b' ', name) {
        Some(n) => &name[..n],
        None => name,
    };
    let rest = name.get(1..).unwrap_or_default();
    match name.first().copied().unwrap_or(0) {
        b'I' if rest == b"D" && body.id.is_none() => body.id = Some(owned(cstr(&b, s))),
        b'D' => {
            if rest == b"ESCRIPTION" && body.description.is_none() {
                body.description = Some(owned(cstr(&b, s)));
            }
            if rest == b"ISPOSITION" && body.disposition_type.is_none() {
                let Some(n) = parse_word(&mut b, Some(s), Some(&TSPECIALS), ev) else {
                    return;
                };
                let mut t = owned(cstr(&b[..n], s));
                t.make_ascii_uppercase();
                body.disposition_type = Some(t);
                let mut n = n;
                skipws(&mut b, &mut n, ev);
                parse_parameter(&mut body.disposition_parameter, &mut b, Some(n), ev);
            }
        }
        b'L' => {
            if rest == b"ANGUAGE" && body.language.is_none() {
                let mut s = Some(s);
                let mut langs: Vec<Vec<u8>> = Vec::new();
                while let Some(p) = s {
                    let Some(n) = parse_word(&mut b, Some(p), Some(&TSPECIALS), ev) else {
                        break;
                    };
                    let mut l = owned(cstr(&b[..n], p));
                    l.make_ascii_uppercase();
                    langs.push(l);
                    let mut n = n;
                    skipws(&mut b, &mut n, ev);
                    if at(&b, n) == b',' {
                        let mut q = n + 1;
                        skipws(&mut b, &mut q, ev);
                        s = Some(q);
                    } else {
                        s = None;
                    }
                }
                if !langs.is_empty() {
                    body.language = Some(langs);
                }
            } else if rest == b"OCATION" && body.location.is_none() {
                body.location = Some(owned(cstr(&b, s)));
            }
        }
        b'M' if rest == b"D5" && body.md5.is_none() => body.md5 = Some(owned(cstr(&b, s))),
        b'T' => {
            if rest == b"YPE" && body.subtype.is_none() && body.parameter.is_empty() {
                let Some(n) = parse_word(&mut b, Some(s), Some(&TSPECIALS), ev) else {
                    return;
                };
                let tname = cpy_range(&b, s, n);
                body.type_ = name_index(ev, NameKind::Type, &tname);
                let mut n = n;
                skipws(&mut b, &mut n, ev);
                let mut name = Some(n);
                if at(&b, n) == b'/' {
                    let mut s2 = n + 1;
                    name = parse_word(&mut b, Some(s2), Some(&TSPECIALS), ev);
                    match name {
                        Some(e) => {
                            let keep = b[e];
                            b[e] = 0;
                            skipws(&mut b, &mut s2, ev);
                            b[e] = keep;
                            let mut st = cpy_range(&b, s2, e);
                            st.make_ascii_uppercase();
                            body.subtype = Some(st);
                            let mut e = e;
                            skipws(&mut b, &mut e, ev);
                            name = Some(e);
                        }
                        None => {
                            let mut p = s2;
                            skipws(&mut b, &mut p, ev);
                            name = Some(p);
                        }
                    }
                }
                parse_parameter(&mut body.parameter, &mut b, name, ev);
            } else if rest == b"RANSFER-ENCODING" {
                let Some(n) = parse_word(&mut b, Some(s), Some(&TSPECIALS), ev) else {
                    return;
                };
                let ename = cpy_range(&b, s, n);
                body.encoding = name_index(ev, NameKind::Encoding, &ename);
            }
        }
        _ => {}
    }
}

/// `rfc822_parse_parameter` over the working buffer from position `text`.
pub fn parse_parameter(
    par: &mut Vec<Parameter>,
    b: &mut [u8],
    mut text: Option<usize>,
    ev: &mut dyn ParseEnv,
) {
    while let Some(t) = text {
        if at(b, t) != b';' {
            break;
        }
        let mut s = t + 1;
        text = parse_word(b, Some(s), Some(&TSPECIALS), ev);
        let Some(mut t) = text else { break };
        let keep = b[t];
        b[t] = 0;
        skipws(b, &mut s, ev);
        if at(b, s) == 0 {
            b[t] = keep;
            continue;
        }
        let mut attribute = owned(cstr(b, s));
        attribute.make_ascii_uppercase();
        b[t] = keep;
        skipws(b, &mut t, ev);
        text = Some(t);
        let mut value = None;
        if at(b, t) == b'=' {
            let mut s = t + 1;
            text = parse_word(b, Some(s), Some(&TSPECIALS), ev);
            if let Some(mut t) = text {
                let keep = b[t];
                b[t] = 0;
                skipws(b, &mut s, ev);
                if at(b, s) != 0 {
                    value = Some(super::lex::cpy(b, s));
                }
                b[t] = keep;
                skipws(b, &mut t, ev);
                text = Some(t);
            }
        }
        if value.is_none() {
            log_fmt(ev, b"Missing parameter value: ", &attribute, 80);
            value = Some(b"MISSING_PARAMETER_VALUE".to_vec());
        }
        par.push(Parameter { attribute, value });
    }
    match text {
        None => ev.log_parse(b"Missing parameter"),
        Some(t) if at(b, t) != 0 => {
            let tail = cstr(b, t).to_vec();
            log_fmt(
                ev,
                b"Unexpected characters at end of parameters: ",
                &tail,
                80,
            );
        }
        _ => {}
    }
}

/// Index of the first ESC or 8-bit byte in `s` (or its length).
fn first_esc_or_8bit(s: &[u8]) -> usize {
    // 8-bit bytes: test whole blocks with the word-at-a-time `is_ascii`.
    let mut high = s.len();
    for (bi, block) in s.chunks(4096).enumerate() {
        if !block.is_ascii() {
            high = bi * 4096 + block.iter().position(|&b| b >= 0x80).unwrap_or(block.len());
            break;
        }
    }
    memchr::memchr(0x1b, &s[..high]).unwrap_or(high)
}

/// The LFs in `d`, and those of them not preceded by a CR (what
/// `strcrlflen` adds: an LF right after a CR is already part of a CRLF).
/// Compares byte pairs in blocks with byte-wide counters, a loop the
/// compiler vectorises.
fn lf_counts(d: &[u8]) -> (u64, u64) {
    let Some(&first) = d.first() else {
        return (0, 0);
    };
    let (mut lf, mut bare) = ((first == b'\n') as u64, (first == b'\n') as u64);
    for (prev, cur) in d[..d.len() - 1].chunks(255).zip(d[1..].chunks(255)) {
        let (mut l, mut b): (u8, u8) = (0, 0);
        for (&p, &c) in prev.iter().zip(cur) {
            let is_lf = c == b'\n';
            l += is_lf as u8;
            b += (is_lf & (p != b'\r')) as u8;
        }
        lf += l as u64;
        bare += b as u64;
    }
    (lf, bare)
}

/// `rfc822_parse_content`: parse the body at the cursor of `bs`.
fn parse_content(
    body: &mut Body,
    bs: &mut Str<'_>,
    h: &[u8],
    depth: u64,
    flags: u64,
    ev: &mut dyn ParseEnv,
) {
    if depth > MAXMIMEDEPTH {
        body.type_ = TYPETEXT;
        ev.log_parse(b"Ignoring excessively deep MIME recursion");
    }
    if body.subtype.is_none() {
        body.subtype = Some(owned(default_subtype(body.type_)));
    }
    body.contents.offset = bs.getpos();
    let mut i = bs.size();
    body.size_bytes = i;
    body.contents.size = i;
    // Text and message bodies count their lines (every LF of the contents),
    // and without DR_CRLF the size counts each bare LF twice: one pass
    // gives both.
    let counts = if flags & DR_CRLF == 0 || matches!(body.type_, TYPETEXT | TYPEMESSAGE) {
        let end = bs.end.min(bs.d.len());
        lf_counts(&bs.d[bs.pos.min(end)..end])
    } else {
        (0, 0)
    };
    if flags & DR_CRLF == 0 {
        body.size_bytes = i + counts.1;
    }
    match body.type_ {
        TYPETEXT => {
            body.size_lines += counts.0;
            if body.parameter.is_empty() {
                let mut value: Option<&'static [u8]> = None;
                while i > 0 {
                    if value.is_none() {
                        // Skip plain 7-bit bytes in bulk: only ESC and 8-bit
                        // bytes can decide the charset.
                        let end = (bs.pos as u64 + i).min(bs.d.len() as u64) as usize;
                        let win = &bs.d[bs.pos.min(end)..end];
                        let k = first_esc_or_8bit(win);
                        if k > 0 {
                            bs.pos += k;
                            i -= k as u64;
                            continue;
                        }
                    }
                    i -= 1;
                    let mut c = bs.snx();
                    if value.is_none() {
                        let mut jis = false;
                        if c == 0x1b && i > 0 {
                            i -= 1;
                            c = bs.snx();
                            if c == b'$' && i > 0 {
                                i -= 1;
                                c = bs.snx();
                                jis = c == b'B' || c == b'@';
                            }
                        }
                        if jis {
                            value = Some(&b"ISO-2022-JP"[..]);
                        } else if c & 0x80 != 0 {
                            value = Some(&b"X-UNKNOWN"[..]);
                        }
                    } else {
                        // Charset known (lines are counted already).
                        bs.pos += i as usize;
                        i = 0;
                    }
                }
                let value = match value {
                    Some(v) => v,
                    None => match body.encoding {
                        ENC7BIT | ENC8BIT | ENCBINARY => &b"US-ASCII"[..],
                        _ => &b"X-UNKNOWN"[..],
                    },
                };
                body.parameter.push(Parameter {
                    attribute: owned(b"CHARSET"),
                    value: Some(owned(value)),
                });
            } else {
                bs.pos += i as usize;
            }
        }
        TYPEMESSAGE => {
            if body.subtype.as_deref() == Some(b"RFC822") {
                let mut msg = Box::<Message>::default();
                if !matches!(body.encoding, ENC7BIT | ENC8BIT | ENCBINARY) {
                    ev.log_parse(b"Ignoring nested encoding of message contents");
                }
                let start = bs.pos;
                // Hunt for the blank line: stop before an LF that follows an
                // LF with only CRs between (or the start), as the original's
                // byte loop does; whole lines are skipped with memchr.
                let limit = (start as u64 + i) as usize;
                let mut p = start;
                loop {
                    while p < limit && at(bs.d, p) == b'\r' {
                        p += 1;
                    }
                    if p >= limit || at(bs.d, p) == b'\n' {
                        break;
                    }
                    let win = &bs.d[p.min(bs.d.len())..limit.min(bs.d.len())];
                    match memchr::memchr(b'\n', win) {
                        Some(k) => p += k + 1,
                        None => {
                            p = limit;
                            break;
                        }
                    }
                }
                let mut j = (p - start) as u64;
                bs.pos = p;
                if i > j {
                    bs.snx();
                    j += 1;
                }
                msg.header.size = j;
                msg.text.size = body.contents.size - j;
                msg.text.offset = bs.getpos();
                msg.full.offset = body.contents.offset;
                msg.header.offset = body.contents.offset;
                msg.full.size = body.contents.size;
                let hdr_end = (start + j as usize).min(bs.d.len());
                let hdr = &bs.d[start.min(hdr_end)..hdr_end];
                bs.pos = start + j as usize;
                let mut nb = Body::default();
                let e = parse_header(hdr, Some(&mut nb), h, ev);
                parse_content(&mut nb, bs, h, depth + 1, flags, ev);
                msg.env = Some(Box::new(e));
                msg.body = Some(Box::new(nb));
                bs.pos = start;
                body.nested = Nested::Msg(msg);
            }
            body.size_lines += counts.0;
            bs.pos += i as usize;
        }
        TYPEMULTIPART => parse_multipart(body, bs, h, depth, flags, i, ev),
        _ => {}
    }
}

/// A part found by the boundary scan of a multipart.
#[derive(Default, Clone, Copy)]
struct Span {
    /// `mime.offset`: where the part's MIME header starts.
    offset: u64,
    /// `mime.size` before the header is taken off.
    size: u64,
    /// In a multipart/digest: the part defaults to MESSAGE.
    digest: bool,
}

/// The multipart branch of `rfc822_parse_content`.
fn parse_multipart(
    body: &mut Body,
    bs: &mut Str<'_>,
    h: &[u8],
    depth: u64,
    flags: u64,
    mut i: u64,
    ev: &mut dyn ParseEnv,
) {
    if !matches!(body.encoding, ENC7BIT | ENC8BIT | ENCBINARY) {
        ev.log_parse(b"Ignoring nested encoding of multipart contents");
    }
    let digest = body.subtype.as_deref() == Some(b"DIGEST");
    let cookie: Vec<u8> = body
        .parameter
        .iter()
        .find(|p| p.attribute == b"BOUNDARY" && p.value.is_some())
        .and_then(|p| p.value.clone())
        .map(|v| cstr(&v, 0).to_vec())
        .unwrap_or_else(|| b"-".to_vec());
    let j = cookie.len() as u64 + 2;
    let mut delim = b"--".to_vec();
    delim.extend_from_slice(&cookie);
    let finder = memchr::memmem::Finder::new(&delim);
    // The jump below relies on the cookie holding no line end (true of any
    // parameter parsed from a header line).
    let jump = memchr::memchr2(b'\r', b'\n', &cookie).is_none();
    let mut c = b'\n';
    // The boundary scan finds where each part's MIME header starts; a part
    // is parsed as soon as the next delimiter gives its length (the scan
    // logs nothing, so warnings keep the original's order), and nothing
    // but the current part is held.
    let mut out = PartSink {
        stream: ev.streams_parts(),
        bodies: Vec::new(),
        line: Vec::new(),
        any: false,
    };
    if out.stream {
        ev.begin_parts();
    }
    let mut cur: Option<Span> = None;
    // `i` is unsigned in the original; every decrement below is guarded so
    // it cannot wrap, as analysis of the original shows it never does.
    'scan: while i > j {
        let m = bs.getpos().saturating_sub(1);
        let mut at_line = c == b'\n';
        if c == b'\r' {
            if bs.chr() == b'\n' {
                c = bs.snx();
                i -= 1;
            }
            at_line = i != 0;
        } else if c != b'\n' {
            // Ordinary byte. Only a line start followed by "--" and the
            // cookie can change anything, so go straight to the line end
            // before the next such text, in the state the byte loop reaches
            // there, or to where the scan stops (i == j) if none comes first.
            let room = (i - j) as usize;
            let lim = (bs.pos + room).min(bs.d.len());
            let next = if jump {
                delimiter_line_end(bs.d, bs.pos, lim, &finder)
            } else {
                let win = &bs.d[bs.pos.min(lim)..lim];
                memchr::memchr2(b'\r', b'\n', win).map(|k| bs.pos + k)
            };
            match next {
                Some(p) => {
                    c = bs.d[p];
                    i -= (p + 1 - bs.pos) as u64;
                    bs.pos = p + 1;
                }
                None => {
                    bs.pos += room;
                    i = j;
                }
            }
            continue 'scan;
        }
        if !at_line {
            continue;
        }
        // At the start of a line: "--" then the cookie?
        if i == 0 {
            continue;
        }
        i -= 1;
        c = bs.snx();
        if c != b'-' {
            continue;
        }
        if i == 0 {
            continue;
        }
        i -= 1;
        c = bs.snx();
        if c != b'-' {
            continue;
        }
        let mut k = j - 2;
        if k > 0 {
            let mut ci = 0usize;
            loop {
                if i == 0 {
                    break;
                }
                i -= 1;
                c = bs.snx();
                if cookie[ci] != c {
                    break;
                }
                ci += 1;
                k -= 1;
                if k == 0 {
                    break;
                }
            }
        }
        if k > 0 {
            continue;
        }
        c = if i > 0 {
            i -= 1;
            bs.snx()
        } else {
            b'\n'
        };
        if c == b'-' {
            if i > 0 {
                i -= 1;
                c = bs.snx();
                let ok = c == b'-'
                    && if i > 0 {
                        i -= 1;
                        c = bs.snx();
                        c == b'\r' || c == b'\n'
                    } else {
                        true
                    };
                if ok {
                    if let Some(mut p) = cur.take() {
                        p.size = m.saturating_sub(p.offset);
                        out.emit(p, bs, h, depth, flags, ev);
                    }
                    i = 1;
                }
            }
            continue;
        }
        while c == b' ' || c == b'\t' {
            c = if i > 0 {
                i -= 1;
                bs.snx()
            } else {
                b'\n'
            };
        }
        if c == b'\r' && i > 0 && bs.chr() == b'\n' {
            c = bs.snx();
            i -= 1;
        }
        if c == b'\r' || c == b'\n' {
            if let Some(mut p) = cur.take() {
                p.size = m.saturating_sub(p.offset);
                out.emit(p, bs, h, depth, flags, ev);
            }
            cur = Some(Span {
                offset: bs.getpos(),
                size: 0,
                digest,
            });
        }
    }
    if let Some(mut p) = cur {
        p.size = i + bs.getpos().saturating_sub(p.offset);
        out.emit(p, bs, h, depth, flags, ev);
    }
    if !out.any {
        out.emit(Span::default(), bs, h, depth, flags, ev);
    }
    if out.stream {
        ev.end_parts();
    }
    body.nested = Nested::Parts(out.bodies);
}

/// For the multipart scan at `pos` (just after an ordinary byte): the CR or
/// LF before `lim` that the scan takes as the line end preceding the next
/// `delim` ("--" and the cookie) that starts a line. A CRLF counts from its
/// CR, as the scan consumes both at once. Line ends not followed by the
/// delimiter are skipped: at them the scan changes nothing (the cookie holds
/// no CR or LF, so no match can swallow a line end).
fn delimiter_line_end(
    d: &[u8],
    pos: usize,
    lim: usize,
    finder: &memchr::memmem::Finder<'_>,
) -> Option<usize> {
    let from = pos + 1;
    for q in finder.find_iter(d.get(from..)?).map(|k| from + k) {
        let mut p = q - 1;
        if p >= lim {
            return None;
        }
        match d[p] {
            b'\n' if p > pos && d[p - 1] == b'\r' => p -= 1,
            b'\n' | b'\r' => {}
            _ => continue,
        }
        return Some(p);
    }
    None
}

/// Where a multipart's finished parts go: to the `ParseEnv` one by one when
/// it streams them, else into the list.
struct PartSink {
    stream: bool,
    bodies: Vec<Body>,
    /// Reused buffer for the parts' MIME header lines.
    line: Vec<u8>,
    any: bool,
}

impl PartSink {
    /// Build and parse the part `sp`, then hand it on. The scan's cursor is
    /// kept.
    fn emit(
        &mut self,
        sp: Span,
        bs: &mut Str<'_>,
        h: &[u8],
        depth: u64,
        flags: u64,
        ev: &mut dyn ParseEnv,
    ) {
        let mut part = Body::default();
        if sp.digest {
            part.type_ = TYPEMESSAGE;
        }
        part.mime.offset = sp.offset;
        part.mime.size = sp.size;
        let pos = bs.pos;
        parse_part(&mut part, bs, h, depth, flags, &mut self.line, ev);
        bs.pos = pos;
        self.any = true;
        if self.stream {
            ev.take_part(part);
        } else {
            self.bodies.push(part);
        }
    }
}

/// One part of a multipart (second pass): its MIME header, then its
/// contents. `part.mime` holds where the part starts and its length.
fn parse_part(
    part: &mut Body,
    bs: &mut Str<'_>,
    h: &[u8],
    depth: u64,
    flags: u64,
    line: &mut Vec<u8>,
    ev: &mut dyn ParseEnv,
) {
    let mut i = part.mime.size;
    if i == 0 {
        part.subtype = Some(owned(default_subtype(part.type_)));
        match part.type_ {
            TYPETEXT if part.parameter.is_empty() => {
                let v: &[u8] = if part.encoding == ENC7BIT {
                    b"US-ASCII"
                } else {
                    b"X-UNKNOWN"
                };
                part.parameter.push(Parameter {
                    attribute: owned(b"CHARSET"),
                    value: Some(owned(v)),
                });
            }
            TYPEMESSAGE => part.nested = Nested::Msg(Box::default()),
            _ => {}
        }
        return;
    }
    bs.pos = (part.mime.offset - bs.base) as usize;
    while i > 0 && bs.chr() != b'\r' && bs.chr() != b'\n' {
        line.clear();
        let mut c = b' ';
        while c != 0 {
            let c1 = bs.snx();
            match c1 {
                b'\r' | b'\n' => {
                    if c1 == b'\r' && i > 0 && bs.chr() == b'\n' {
                        bs.snx();
                        i -= 1;
                    }
                    if i == 0 || (bs.chr() != b' ' && bs.chr() != b'\t') {
                        c = 0;
                    }
                }
                b'\t' | b' ' => {
                    if c != b' ' {
                        c = b' ';
                        line.push(c);
                    }
                }
                _ => {
                    c = c1;
                    line.push(c);
                }
            }
            if i == 0 {
                c = 0;
            } else {
                i -= 1;
                if i == 0 {
                    c = 0;
                }
            }
        }
        // The line is a C string: it ends at the first NUL.
        let l = cstr(line, 0);
        if l.len() >= 8 && l[..8].eq_ignore_ascii_case(b"content-") {
            if let Some(colon) = memchr::memchr(b':', &l[8..]) {
                let mut name = l[8..8 + colon].to_vec();
                name.make_ascii_uppercase();
                let mut v = 8 + colon + 1;
                while at(l, v) == b' ' {
                    v += 1;
                }
                let value = l[v.min(l.len())..].to_vec();
                parse_content_header(part, &name, &value, ev);
            }
        }
    }
    if i > 0 && bs.chr() == b'\r' {
        i -= 1;
        bs.snx();
    }
    if i > 0 && bs.chr() == b'\n' {
        i -= 1;
        bs.snx();
    }
    let saved = bs.end;
    bs.end = bs.pos + i as usize;
    part.mime.size -= i;
    parse_content(part, bs, h, depth + 1, flags, ev);
    bs.end = saved;
}

/// `rfc822_parse_content` for a body whose content headers are already
/// applied (as the C export is used): `text` holds the body bytes from
/// position `text.base` on. `host` of `None` becomes BADHOST for nested
/// messages, as there.
pub fn parse_content_of(
    body: &mut Body,
    text: BodyText<'_>,
    host: Option<&[u8]>,
    depth: u64,
    flags: u64,
    env: &mut dyn ParseEnv,
) {
    let mut bs = Str {
        d: text.data,
        pos: 0,
        end: text.data.len(),
        base: text.base,
    };
    parse_content(body, &mut bs, host.unwrap_or(BADHOST), depth, flags, env);
}

#[cfg(test)]
mod tests {
    use super::{lf_counts, parse_msg_full, BodyText};
    use crate::message::model::*;

    /// A random header of field names and values the parse treats in
    /// different ways: folded, with CRLF or LF ends, tabs, NULs, lines
    /// without a colon, a blank line inside, truncated.
    fn random_header(next: &mut impl FnMut(usize) -> usize) -> Vec<u8> {
        let names: &[&[u8]] = &[
            b"Subject",
            b"subject",
            b"SUBJECT ",
            b"Subject  ",
            b" Subject",
            b"From",
            b"from",
            b">From",
            b"To",
            b"Cc",
            b"BCC",
            b"Sender",
            b"Reply-To",
            b"MIME-Version",
            b"X-Foo",
            b"Date",
            b"Message-ID",
            b"Content-Type",
            b"Subjec",
            b"",
            b"S",
            b"Subject\n ",
            b"To\r\n\t",
            b"X-Foo\tBar",
            b"Received",
            b"X\0Y",
            b"Cc\r",
            b"Content-Transfer-Encoding",
            b"content-type ",
            b"CONTENT-",
            b"Content",
            b"In-Reply-To",
            b"References",
            b"Newsgroups",
            b"Followup-To",
            b"Return-Path",
            b"Received ",
            b"Mime-Version\r\n ",
        ];
        let values: &[&[u8]] = &[
            b"",
            b" ",
            b"hello world",
            b"a\tb",
            b"=?utf-8?q?caf=C3=A9?=",
            b"a@b",
            b"a@b, c@d",
            b"Name <x@y>",
            b"\"Q N\" <x@y>",
            b"x@y (comment)",
            b"bad <",
            b"@@",
            b"a@b,,c",
            b"<a@b>",
            b"one\0two",
            b"cr\ralone",
            b"1.0",
            b"2.0",
            b"group: a@b;",
            b"x:y",
            b"  lead",
            b"trail  ",
            b"\t\ttabs",
            b"from a;\r\n\tby b",
            b"x\r\n",
            b"1.0 (x)",
            b"text/plain; charset=us-ascii",
            b"multipart/mixed;\r\n boundary=b",
            b"base64",
            b"x-new",
        ];
        let crlf = next(2) == 0;
        let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
        let mut h = Vec::new();
        for _ in 0..next(7) {
            match next(12) {
                0 => h.extend_from_slice(b"no colon here"),
                1 => h.extend_from_slice(b":lone"),
                _ => {
                    h.extend_from_slice(names[next(names.len())]);
                    h.push(b':');
                    if next(3) > 0 {
                        h.push(b' ');
                    }
                    h.extend_from_slice(values[next(values.len())]);
                }
            }
            for _ in 0..next(3).saturating_sub(1) {
                h.extend_from_slice(eol);
                h.extend_from_slice(if next(2) == 0 { b" " } else { b"\t" });
                h.extend_from_slice(values[next(values.len())]);
            }
            h.extend_from_slice(eol);
        }
        if next(4) == 0 {
            h.extend_from_slice(eol);
            h.extend_from_slice(b"Subject: after the end");
            h.extend_from_slice(eol);
        }
        if next(8) == 0 {
            h.truncate(h.len().saturating_sub(next(3)));
        }
        h
    }

    /// `quiet_fields` against the full parse on random headers: when it
    /// answers, the parse gives those fields and no warning.
    #[test]
    fn quiet_fields_match_the_parse() {
        let mut next = crate::test_rand::below(0x2545_f491_4f6c_dd1d);
        let (mut answered, mut declined) = (0, 0);
        for _ in 0..60_000 {
            let h = random_header(&mut next);
            let mut env = Collect::default();
            let (e, _) = parse_msg_full(&h, None, None, 0, 0, &mut env);
            match super::quiet_fields(&h) {
                Some(q) => {
                    answered += 1;
                    let got = (q.subject, q.date, q.message_id, q.references, q.in_reply_to);
                    let want = (e.subject, e.date, e.message_id, e.references, e.in_reply_to);
                    assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&h));
                    assert!(env.warnings.is_empty(), "{:?}", String::from_utf8_lossy(&h));
                }
                None => declined += 1,
            }
        }
        assert!(
            answered > 10_000 && declined > 1_000,
            "{answered} {declined}"
        );
    }

    /// Collect, but asking for every header line as a `parseline` hook
    /// does: the parse then unfolds and looks at each line.
    #[derive(Default)]
    struct EveryLine(Collect);

    impl ParseEnv for EveryLine {
        fn log_parse(&mut self, msg: &[u8]) {
            self.0.log_parse(msg);
        }
        fn body_types(&mut self) -> &mut dyn NameTable {
            &mut self.0.types
        }
        fn body_encodings(&mut self) -> &mut dyn NameTable {
            &mut self.0.encodings
        }
        fn sees_every_line(&mut self) -> bool {
            true
        }
    }

    /// Passing over unused lines without unfolding them gives the parse of
    /// every line: same envelope, body and warnings.
    #[test]
    fn unused_lines_passed_over_equal_the_full_parse() {
        let mut next = crate::test_rand::below(0x1b87_3593_cc9e_2d51);
        let text = BodyText {
            data: b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n",
            base: 0,
        };
        for _ in 0..60_000 {
            let h = random_header(&mut next);
            let body = (next(2) == 0).then_some(text);
            let mut fast = Collect::default();
            let got = parse_msg_full(&h, body, None, 0, 0, &mut fast);
            let mut every = EveryLine::default();
            let want = parse_msg_full(&h, body, None, 0, 0, &mut every);
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&h));
            assert_eq!(
                fast.warnings,
                every.0.warnings,
                "{:?}",
                String::from_utf8_lossy(&h)
            );
        }
    }

    /// Receives parts one by one and puts the tree back together by the
    /// rule the C ABI relies on: a multipart left empty takes the most
    /// recently finished list.
    #[derive(Default)]
    struct Streamed {
        inner: Collect,
        open: Vec<Vec<Body>>,
        done: Vec<Vec<Body>>,
    }

    fn attach(b: &mut Body, done: &mut Vec<Vec<Body>>) {
        match &mut b.nested {
            Nested::Parts(p) if p.is_empty() && b.type_ == TYPEMULTIPART => {
                *p = done.pop().expect("a finished list for this multipart");
            }
            Nested::Msg(m) => {
                if let Some(nb) = m.body.as_deref_mut() {
                    attach(nb, done);
                }
            }
            _ => {}
        }
    }

    impl ParseEnv for Streamed {
        fn log_parse(&mut self, msg: &[u8]) {
            self.inner.log_parse(msg);
        }
        fn body_types(&mut self) -> &mut dyn NameTable {
            &mut self.inner.types
        }
        fn body_encodings(&mut self) -> &mut dyn NameTable {
            &mut self.inner.encodings
        }
        fn streams_parts(&self) -> bool {
            true
        }
        fn begin_parts(&mut self) {
            self.open.push(Vec::new());
        }
        fn take_part(&mut self, mut part: Body) {
            attach(&mut part, &mut self.done);
            self.open.last_mut().expect("inside a multipart").push(part);
        }
        fn end_parts(&mut self) {
            let list = self.open.pop().expect("inside a multipart");
            self.done.push(list);
        }
    }

    #[test]
    fn streamed_parts_rebuild_the_same_tree() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/message/msg");
        let mut msgs: Vec<Vec<u8>> = std::fs::read_dir(dir)
            .expect("tests/data/message/msg")
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .collect();
        // Multiparts in a message in a multipart, and a digest, nested.
        msgs.push(
            b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=a\n\n\
              --a\nContent-Type: message/rfc822\n\n\
              Subject: in\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=b\n\n\
              --b\n\none\n--b\nContent-Type: multipart/digest; boundary=c\n\n\
              --c\n\nSubject: d\n\nx\n--c--\n--b--\n\
              --a\nContent-Type: multipart/mixed; boundary=e\n\n--e\n\ny\n--e--\n\
              --a\n\nlast\n--a--\n"
                .to_vec(),
        );
        assert!(msgs.len() > 10);
        for m in &msgs {
            let split = memchr::memmem::find(m, b"\n\n").map_or(m.len(), |k| k + 2);
            let (h, t) = m.split_at(split);
            let text = Some(BodyText { data: t, base: 0 });
            let mut plain = Collect::default();
            let (e1, b1) = parse_msg_full(h, text, None, 0, 0, &mut plain);
            let mut st = Streamed::default();
            let (e2, mut b2) = parse_msg_full(h, text, None, 0, 0, &mut st);
            attach(b2.as_mut().unwrap(), &mut st.done);
            assert!(st.open.is_empty() && st.done.is_empty());
            assert_eq!(e1, e2);
            assert_eq!(b1, b2, "{}", String::from_utf8_lossy(m));
            assert_eq!(plain.warnings, st.inner.warnings);
        }
    }

    /// The byte-by-byte rule of `strcrlflen`: a CR swallows an LF right
    /// after it; any other LF is bare.
    fn reference(d: &[u8]) -> u64 {
        let (mut n, mut k) = (0, 0);
        while k < d.len() {
            match d[k] {
                b'\r' if d.get(k + 1) == Some(&b'\n') => k += 1,
                b'\n' => n += 1,
                _ => {}
            }
            k += 1;
        }
        n
    }

    #[test]
    fn lf_counts_match_the_byte_rule() {
        // Lengths around the 255-byte blocks, with LFs, CRs and CRLFs at
        // every phase, including block edges.
        let mut seed = 7u32;
        for len in [0usize, 1, 2, 3, 254, 255, 256, 257, 510, 511, 1000] {
            for _ in 0..20 {
                let d: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                        [b'\r', b'\n', b'a', b'\n'][(seed >> 16) as usize % 4]
                    })
                    .collect();
                let lf = d.iter().filter(|&&c| c == b'\n').count() as u64;
                assert_eq!(lf_counts(&d), (lf, reference(&d)), "{d:?}");
            }
        }
        assert_eq!(lf_counts(b"\n"), (1, 1));
        assert_eq!(lf_counts(b"\r\n\r\r\n\n"), (3, 1));
    }

    /// `collect_line` against the byte-at-a-time loop it stands for, on
    /// random headers of letters, blanks, CRs, LFs and NULs, from every
    /// start and with every count of bytes left.
    #[test]
    fn collect_line_equals_byte_loop() {
        fn byte_loop(h: &[u8], mut s: usize, mut i: usize) -> (Vec<u8>, usize, usize) {
            let at = |k: usize| h.get(k).copied().unwrap_or(0);
            let mut line = Vec::new();
            let mut c = b' ';
            while i > 0 && c != 0 {
                c = at(s);
                s += 1;
                match c {
                    b'\r' if at(s) == b'\n' => {}
                    b'\r' | b'\n' if at(s) != b' ' && at(s) != b'\t' => c = 0,
                    b'\r' | b'\n' => {}
                    b'\t' => line.push(b' '),
                    0 => {}
                    _ => line.push(c),
                }
                i -= 1;
            }
            (line, s, i)
        }
        let alphabet = b"ab: \t\r\n\0";
        let mut next = crate::test_rand::below(0x2545_f491_4f6c_dd1d);
        for _ in 0..3_000 {
            let len = next(40);
            let h: Vec<u8> = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            for start in 0..=h.len() {
                for left in [h.len() - start, (h.len() - start) / 2, h.len() - start + 3] {
                    let (mut s, mut i, mut line) = (start, left, b"stale".to_vec());
                    super::collect_line(&h, &mut s, &mut i, &mut line);
                    assert_eq!(
                        (line, s, i),
                        byte_loop(&h, start, left),
                        "{h:?} {start} {left}"
                    );
                }
            }
        }
    }
}
