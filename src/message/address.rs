//! RFC 2822 address parsing with the original's exact recovery rules,
//! substitute hosts and warnings.
//!
//! Each function works on a NUL-terminated working buffer (see `lex`) that it
//! may write into, as the original does; `Option<usize>` string positions
//! stand for C `char *` that may be NIL.

use super::lex::{at, cpy, cpy_range, cstr, parse_phrase, parse_word, skip_comment, skipws, trunc};
use super::lex::{owned, unquote, LITERAL, WSPECIALS};
use super::model::{Address, ParseEnv, ERRHOST, MAXGROUPDEPTH};

fn log_with(env: &mut dyn ParseEnv, prefix: &[u8], tail: &[u8]) {
    let mut m = prefix.to_vec();
    m.extend_from_slice(trunc(tail, 80));
    env.log_parse(&m);
}

fn err_addr(mailbox: &[u8]) -> Address {
    Address {
        mailbox: Some(mailbox.to_vec()),
        host: Some(ERRHOST.to_vec()),
        ..Address::default()
    }
}

/// `rfc822_parse_adrlist` on a byte string: parse `text` and append the
/// addresses to `list`. `host` is the default host (NIL allowed).
pub fn parse_adrlist(
    list: &mut Vec<Address>,
    text: &[u8],
    host: Option<&[u8]>,
    env: &mut dyn ParseEnv,
) {
    let mut b = super::lex::buffer(text);
    parse_adrlist_buf(list, &mut b, host, env);
}

/// Convenience: parse into a fresh list.
pub fn parse_adrlist_new(text: &[u8], host: Option<&[u8]>, env: &mut dyn ParseEnv) -> Vec<Address> {
    let mut v = Vec::new();
    parse_adrlist(&mut v, text, host, env);
    v
}

/// `rfc822_parse_adrlist` on a working buffer (NUL-terminated), which is
/// modified as the original modifies its argument.
pub fn parse_adrlist_buf(
    list: &mut Vec<Address>,
    b: &mut [u8],
    host: Option<&[u8]>,
    env: &mut dyn ParseEnv,
) {
    let mut p = 0usize;
    skipws(b, &mut p, env);
    if at(b, p) == 0 {
        return;
    }
    let mut string = Some(p);
    while let Some(mut s) = string {
        while at(b, s) == b',' {
            s += 1;
            skipws(b, &mut s, env);
        }
        string = Some(s);
        if at(b, s) == 0 {
            string = None;
        } else if parse_address(list, b, &mut string, host, 0, env) {
            if let Some(mut s) = string {
                skipws(b, &mut s, env);
                match at(b, s) {
                    b',' => string = Some(s + 1),
                    0 => string = None,
                    c => {
                        let pre: &[u8] = if c.is_ascii_alphanumeric() {
                            b"Must use comma to separate addresses: "
                        } else {
                            b"Unexpected characters at end of address: "
                        };
                        let tail = cstr(b, s).to_vec();
                        log_with(env, pre, &tail);
                        list.push(err_addr(b"UNEXPECTED_DATA_AFTER_ADDRESS"));
                        string = None;
                    }
                }
            }
        } else if let Some(mut s) = string {
            skipws(b, &mut s, env);
            if at(b, s) == 0 {
                env.log_parse(b"Missing address after comma");
            } else {
                let tail = cstr(b, s).to_vec();
                log_with(env, b"Invalid mailbox list: ", &tail);
            }
            list.push(err_addr(b"INVALID_ADDRESS"));
            break;
        }
    }
}

/// `rfc822_parse_address`: one address or group; true if anything was added.
pub fn parse_address(
    list: &mut Vec<Address>,
    b: &mut [u8],
    string: &mut Option<usize>,
    host: Option<&[u8]>,
    depth: u64,
    env: &mut dyn ParseEnv,
) -> bool {
    let Some(mut s) = *string else { return false };
    skipws(b, &mut s, env);
    *string = Some(s);
    if at(b, s) == 0 {
        return false;
    }
    if parse_group(list, b, string, host, depth, env) {
        return true;
    }
    if let Some(adrs) = parse_mailbox(b, string, host, env) {
        if list.is_empty() {
            // The usual single address: keep its vector instead of copying.
            *list = adrs;
        } else {
            list.extend(adrs);
        }
        return true;
    }
    if string.is_some() {
        return false;
    }
    !list.is_empty()
}

/// `rfc822_parse_group`.
pub fn parse_group(
    list: &mut Vec<Address>,
    b: &mut [u8],
    string: &mut Option<usize>,
    host: Option<&[u8]>,
    depth: u64,
    env: &mut dyn ParseEnv,
) -> bool {
    if depth > MAXGROUPDEPTH {
        env.log_parse(b"Ignoring excessively deep group recursion");
        return false;
    }
    let Some(mut start) = *string else {
        return false;
    };
    skipws(b, &mut start, env);
    *string = Some(start);
    if at(b, start) == 0 {
        return false;
    }
    let p = if at(b, start) == b':' {
        start
    } else {
        match parse_phrase(b, Some(start), env) {
            Some(p) => p,
            None => return false,
        }
    };
    let mut s = p;
    skipws(b, &mut s, env);
    if at(b, s) != b':' {
        return false;
    }
    if p < b.len() {
        b[p] = 0;
    }
    let mut p = s + 1;
    skipws(b, &mut p, env);
    list.push(Address {
        mailbox: Some(cpy(b, start)),
        ..Address::default()
    });
    *string = Some(p);
    while let Some(s) = *string {
        let c = at(b, s);
        if c == 0 || c == b';' {
            break;
        }
        if parse_address(list, b, string, host, depth + 1, env) {
            if let Some(mut s) = *string {
                skipws(b, &mut s, env);
                *string = Some(s);
                match at(b, s) {
                    b',' => *string = Some(s + 1),
                    b';' | 0 => {}
                    _ => {
                        let tail = cstr(b, s).to_vec();
                        log_with(
                            env,
                            b"Unexpected characters after address in group: ",
                            &tail,
                        );
                        *string = None;
                        list.push(err_addr(b"UNEXPECTED_DATA_AFTER_ADDRESS_IN_GROUP"));
                    }
                }
            }
        } else {
            let tail = string.map(|s| cstr(b, s).to_vec()).unwrap_or_default();
            log_with(env, b"Invalid group mailbox list: ", &tail);
            *string = None;
            list.push(err_addr(b"INVALID_ADDRESS_IN_GROUP"));
        }
    }
    if let Some(mut s) = *string {
        if at(b, s) == b';' {
            s += 1;
        }
        skipws(b, &mut s, env);
        *string = Some(s);
    }
    list.push(Address::default());
    true
}

/// `rfc822_parse_mailbox`: a mailbox (phrase route-addr, route-addr, or
/// addr-spec). Returns the addresses made (normally one).
pub fn parse_mailbox(
    b: &mut [u8],
    string: &mut Option<usize>,
    host: Option<&[u8]>,
    env: &mut dyn ParseEnv,
) -> Option<Vec<Address>> {
    let mut s = (*string)?;
    skipws(b, &mut s, env);
    *string = Some(s);
    if at(b, s) == 0 {
        return None;
    }
    if at(b, s) == b'<' {
        return parse_routeaddr(b, Some(s), string, host, env);
    }
    let end = parse_phrase(b, Some(s), env)?;
    if let Some(mut adr) = parse_routeaddr(b, Some(end), string, host, env) {
        if end < b.len() {
            b[end] = 0;
        }
        adr[0].personal = Some(cpy(b, s));
        return Some(adr);
    }
    if phraseonly(b, end) {
        let phrase = cstr(b, s);
        let phrase = &phrase[..phrase.len().min(end - s)];
        let phrase = phrase.to_vec();
        if let Some(adr) = env.parse_phrase(&phrase, host.unwrap_or_default()) {
            let mut e = end;
            skipws(b, &mut e, env);
            *string = Some(e);
            return Some(adr);
        }
    }
    parse_addrspec(b, Some(s), string, host, env).map(|a| vec![a])
}

/// `rfc822_phraseonly`.
pub fn phraseonly(b: &[u8], mut end: usize) -> bool {
    while at(b, end) == b' ' {
        end += 1;
    }
    matches!(at(b, end), 0 | b',' | b';')
}

/// `rfc822_parse_routeaddr`.
pub fn parse_routeaddr(
    b: &mut [u8],
    string: Option<usize>,
    ret: &mut Option<usize>,
    host: Option<&[u8]>,
    env: &mut dyn ParseEnv,
) -> Option<Vec<Address>> {
    let mut string = string?;
    skipws(b, &mut string, env);
    if at(b, string) != b'<' {
        return None;
    }
    string += 1;
    let mut t = string;
    skipws(b, &mut t, env);
    let mut adl: Option<Vec<u8>> = None;
    while at(b, t) == b'@' {
        let mut e = Some(t);
        let d = parse_domain(b, t + 1, &mut e, env);
        // A failed domain literal may leave the pointer NIL; the original
        // would then read through it, we read it as the end of the string.
        t = e.unwrap_or(b.len().saturating_sub(1));
        let Some(d) = d else { break };
        match adl.as_mut() {
            Some(a) => {
                a.extend_from_slice(b",@");
                a.extend_from_slice(&d);
            }
            None => {
                let mut a = b"@".to_vec();
                a.extend_from_slice(&d);
                adl = Some(a);
            }
        }
        skipws(b, &mut t, env);
        if at(b, t) != b',' {
            break;
        }
        t += 1;
        skipws(b, &mut t, env);
    }
    if let Some(a) = &adl {
        if at(b, t) != b':' {
            let mut m = b"Unterminated at-domain-list: ".to_vec();
            m.extend_from_slice(trunc(a, 80));
            m.extend_from_slice(trunc(cstr(b, t), 80));
            env.log_parse(&m);
        } else {
            string = t + 1;
        }
    }
    let mut adr = parse_addrspec(b, Some(string), ret, host, env)?;
    adr.adl = adl;
    if let Some(mut r) = *ret {
        if at(b, r) == b'>' {
            r += 1;
            skipws(b, &mut r, env);
            *ret = if at(b, r) == 0 { None } else { Some(r) };
            return Some(vec![adr]);
        }
    }
    let mut m = b"Unterminated mailbox: ".to_vec();
    m.extend_from_slice(trunc(adr.mailbox.as_deref().unwrap_or_default(), 80));
    m.push(b'@');
    match adr.host.as_deref() {
        Some(h) if h.first() != Some(&b'@') => m.extend_from_slice(trunc(h, 80)),
        _ => m.extend_from_slice(b"<null>"),
    }
    env.log_parse(&m);
    Some(vec![adr, err_addr(b"MISSING_MAILBOX_TERMINATOR")])
}

/// `rfc822_parse_addrspec`.
pub fn parse_addrspec(
    b: &mut [u8],
    string: Option<usize>,
    ret: &mut Option<usize>,
    host: Option<&[u8]>,
    env: &mut dyn ParseEnv,
) -> Option<Address> {
    let mut string = string?;
    skipws(b, &mut string, env);
    if at(b, string) == 0 {
        return None;
    }
    let mut t = parse_word(b, Some(string), Some(&WSPECIALS), env)?;
    let mut adr = Address::default();
    let mut mailbox = cpy_range(b, string, t);
    let mut end = t;
    skipws(b, &mut t, env);
    while at(b, t) == b'.' {
        t += 1;
        let mut s = t;
        skipws(b, &mut s, env);
        match parse_word(b, Some(s), Some(&WSPECIALS), env) {
            Some(w) => {
                end = w;
                let part = cpy_range(b, s, w);
                mailbox.push(b'.');
                mailbox.extend_from_slice(&part);
                t = w;
                skipws(b, &mut t, env);
            }
            None => {
                env.log_parse(b"Invalid mailbox part after .");
                break;
            }
        }
    }
    adr.mailbox = Some(mailbox);
    let t = end;
    let mut e = end;
    skipws(b, &mut e, env);
    // RFC 733 allowed "at" for "@".
    if matches!(at(b, e), b'a' | b'A')
        && matches!(at(b, e + 1), b't' | b'T')
        && matches!(at(b, e + 2), b' ' | b'\t' | b'\r' | b'\n' | b'(')
    {
        e += 1;
        b[e] = b'@';
    }
    let mut end: Option<usize>;
    if at(b, e) != b'@' {
        end = Some(t);
    } else {
        end = Some(e + 1);
        let d = parse_domain(b, e + 1, &mut end, env);
        adr.host = Some(d.unwrap_or_else(|| ERRHOST.to_vec()));
    }
    if adr.host.is_none() {
        adr.host = host.map(owned);
    }
    if let Some(mut e) = end {
        while at(b, e) == b' ' {
            e += 1;
        }
        if at(b, e) == b'(' {
            if let Some(c) = skip_comment(b, &mut e, true, env) {
                let text = cstr(b, c);
                if !text.is_empty() {
                    adr.personal = Some(unquote(text));
                }
            }
        }
        skipws(b, &mut e, env);
        end = Some(e);
    }
    *ret = match end {
        Some(e) if at(b, e) != 0 => Some(e),
        _ => None,
    };
    Some(adr)
}

/// Parse a domain literal at `string` (which is at '['). Sets `end` as the
/// original does, including on failure.
fn domain_literal(
    b: &mut [u8],
    string: usize,
    end: &mut Option<usize>,
    env: &mut dyn ParseEnv,
) -> Option<Vec<u8>> {
    let w = parse_word(b, Some(string + 1), Some(&LITERAL), env);
    *end = w;
    match w {
        None => {
            env.log_parse(b"Empty domain literal");
            None
        }
        Some(w) if at(b, w) != b']' => {
            env.log_parse(b"Unterminated domain literal");
            None
        }
        Some(w) => {
            *end = Some(w + 1);
            Some(b[string..w + 1].to_vec())
        }
    }
}

/// One attempt to parse the domain part after a dot, as the nested call of
/// the original does. Returns the part and whether it was a word (which
/// opens a new nesting level) or a literal.
enum DomPart {
    Word(Vec<u8>, usize),
    Literal(Vec<u8>, usize),
    Fail,
}

fn domain_part(b: &mut [u8], mut s: usize, env: &mut dyn ParseEnv) -> DomPart {
    skipws(b, &mut s, env);
    if at(b, s) == b'[' {
        let mut e = None;
        return match domain_literal(b, s, &mut e, env) {
            Some(d) => DomPart::Literal(d, e.unwrap_or(s)),
            None => DomPart::Fail,
        };
    }
    match parse_word(b, Some(s), Some(&WSPECIALS), env) {
        Some(t) => DomPart::Word(cpy_range(b, s, t), t),
        None => {
            env.log_parse(b"Missing or invalid host name after @");
            DomPart::Fail
        }
    }
}

/// A domain being built from its innermost level outward: stored reversed
/// so that prepending is cheap, with the span of quote characters tracked so
/// that each re-unquoting touches only the bytes it can change.
struct Folded {
    rev: Vec<u8>,
    /// Leftmost and rightmost quote character, as indices into the string.
    span: Option<(usize, usize)>,
}

fn is_q(c: u8) -> bool {
    c == b'"' || c == b'\\'
}

fn q_span(s: &[u8]) -> Option<(usize, usize)> {
    let lo = s.iter().position(|&c| is_q(c))?;
    let hi = s.iter().rposition(|&c| is_q(c))?;
    Some((lo, hi))
}

impl Folded {
    fn new(s: Vec<u8>) -> Self {
        let span = q_span(&s);
        let mut rev = s;
        rev.reverse();
        Folded { rev, span }
    }
    fn unquote(&mut self) {
        let Some((lo, hi)) = self.span else { return };
        let len = self.rev.len();
        let end = (hi + 2).min(len);
        // The region lo..end of the string, in string order.
        let region: Vec<u8> = self.rev[len - end..len - lo]
            .iter()
            .rev()
            .copied()
            .collect();
        let out = unquote(&region);
        let span = q_span(&out).map(|(a, b)| (a + lo, b + lo));
        let mut out_rev = out;
        out_rev.reverse();
        self.rev.splice(len - end..len - lo, out_rev);
        self.span = span;
    }
    fn prepend(&mut self, part: &[u8]) {
        let n = part.len() + 1;
        self.span = match (q_span(part), self.span) {
            (Some((a, _)), Some((_, d))) => Some((a, d + n)),
            (Some((a, b)), None) => Some((a, b)),
            (None, Some((c, d))) => Some((c + n, d + n)),
            (None, None) => None,
        };
        self.rev.push(b'.');
        self.rev.extend(part.iter().rev());
    }
    fn finish(mut self) -> Vec<u8> {
        self.rev.reverse();
        self.rev
    }
}

/// `rfc822_parse_domain`. The original recurses once per "word . word"
/// step and unquotes each inner result again; this does the same work with
/// an explicit stack of levels.
pub fn parse_domain(
    b: &mut [u8],
    mut string: usize,
    end: &mut Option<usize>,
    env: &mut dyn ParseEnv,
) -> Option<Vec<u8>> {
    skipws(b, &mut string, env);
    if at(b, string) == b'[' {
        return domain_literal(b, string, end, env);
    }
    let Some(t) = parse_word(b, Some(string), Some(&WSPECIALS), env) else {
        env.log_parse(b"Missing or invalid host name after @");
        return None;
    };
    let first = cpy_range(b, string, t);
    let mut pos = t;
    skipws(b, &mut pos, env);
    if at(b, pos) != b'.' {
        // One level (dots inside a word are part of it): the folding below
        // would hand back `first` unchanged.
        *end = Some(t);
        return Some(first);
    }
    // Accumulated text of each nesting level, innermost last.
    let mut levels: Vec<Vec<u8>> = vec![first];
    let mut last_end = t;
    let mut failed = false;
    while at(b, pos) == b'.' {
        match domain_part(b, pos + 1, env) {
            DomPart::Word(w, e) => {
                levels.push(w);
                last_end = e;
            }
            DomPart::Literal(l, e) => {
                let top = levels.last_mut().expect("levels is never empty");
                top.push(b'.');
                top.extend_from_slice(&unquote(&l));
                last_end = e;
            }
            DomPart::Fail => {
                env.log_parse(b"Invalid domain part after .");
                failed = true;
                break;
            }
        }
        pos = last_end;
        skipws(b, &mut pos, env);
    }
    if failed {
        // Each enclosing level retries the failing part once after its
        // inner level returns, logging again.
        for _ in 1..levels.len() {
            let mut p = last_end;
            skipws(b, &mut p, env);
            if at(b, p) != b'.' {
                break;
            }
            match domain_part(b, p + 1, env) {
                DomPart::Fail => env.log_parse(b"Invalid domain part after ."),
                _ => break,
            }
        }
    }
    let mut r = Folded::new(levels.pop().expect("levels is never empty"));
    while let Some(outer) = levels.pop() {
        r.unquote();
        r.prepend(&outer);
    }
    let r = r.finish();
    *end = Some(last_end);
    Some(r)
}

/// A byte an atom may hold (outside WSPECIALS, not NUL).
#[inline]
fn atom_byte(c: u8) -> bool {
    c != 0 && !WSPECIALS.contains(c)
}

/// End of the atom starting at `i` (`i` itself when there is none).
#[inline]
fn atom_end(v: &[u8], mut i: usize) -> usize {
    while i < v.len() && atom_byte(v[i]) {
        i += 1;
    }
    i
}

/// `local@domain` at `i`, both single atoms side by side with the "@":
/// (mailbox, host, end).
fn simple_addrspec(v: &[u8], i: usize) -> Option<(&[u8], &[u8], usize)> {
    let l = atom_end(v, i);
    if l == i || v.get(l) != Some(&b'@') {
        return None;
    }
    let h = atom_end(v, l + 1);
    if h == l + 1 {
        return None;
    }
    Some((&v[i..l], &v[l + 1..h], h))
}

#[inline]
fn skip_spaces(v: &[u8], mut i: usize) -> usize {
    while v.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// One address of the shapes [`simple_adrlist`] takes, at `i` (not a
/// space): the address and where it ends.
fn simple_address(v: &[u8], i: usize) -> Option<(Address, usize)> {
    let make = |personal: Option<Vec<u8>>, m: &[u8], h: &[u8]| Address {
        personal,
        mailbox: Some(owned(m)),
        host: Some(owned(h)),
        ..Address::default()
    };
    if v[i] == b'<' {
        // <local@domain>
        let (m, h, e) = simple_addrspec(v, i + 1)?;
        return (v.get(e) == Some(&b'>')).then(|| (make(None, m, h), e + 1));
    }
    if let Some((m, h, e)) = simple_addrspec(v, i) {
        // local@domain, perhaps followed by a plain comment: the original
        // takes the comment, trimmed of blanks, as the personal name.
        let c = skip_spaces(v, e);
        if v.get(c) != Some(&b'(') {
            return Some((make(None, m, h), e));
        }
        let close = c + 1 + v[c + 1..].iter().position(|&x| x == b')')?;
        let text = &v[c + 1..close];
        if text
            .iter()
            .any(|&x| matches!(x, b'(' | b'"' | b'\\') || x < 0x20 || x == 0x7f)
        {
            return None;
        }
        let lead = text.iter().take_while(|&&x| x == b' ').count();
        let trail = text.iter().rev().take_while(|&&x| x == b' ').count();
        let personal = (lead < text.len()).then(|| owned(&text[lead..text.len() - trail]));
        return Some((make(personal, m, h), close + 1));
    }
    // phrase <local@domain>: words (atoms, or quoted strings without
    // backslashes) separated by blanks.
    let mut w = i;
    let mut end;
    loop {
        if v[w] == b'"' {
            let q = w + 1 + v[w + 1..].iter().position(|&x| x == b'"')?;
            let inner = &v[w + 1..q];
            if inner.is_empty() || inner.iter().any(|&x| x == b'\\' || x == 0) {
                return None;
            }
            end = q + 1;
        } else {
            end = atom_end(v, w);
            if end == w {
                return None;
            }
        }
        let next = skip_spaces(v, end);
        match v.get(next) {
            Some(&b'<') => {
                let (m, h, e) = simple_addrspec(v, next + 1)?;
                if v.get(e) != Some(&b'>') {
                    return None;
                }
                return Some((make(Some(unquote(&v[i..end])), m, h), e + 1));
            }
            // Another word, after at least one blank.
            Some(&c) if next > end && (c == b'"' || atom_byte(c)) => w = next,
            _ => return None,
        }
    }
}

/// The usual address lists without the general parser: `local@domain`,
/// `local@domain (comment)`, `<local@domain>` and `phrase <local@domain>`
/// separated by commas, with blanks around them; each local part and
/// domain one atom. The result is what [`parse_adrlist_buf`] makes of
/// such a list (which logs nothing for it); `None` for anything else,
/// which then goes to the general parser.
pub fn simple_adrlist(v: &[u8]) -> Option<Vec<Address>> {
    let mut out = Vec::new();
    let mut i = skip_spaces(v, 0);
    if i == v.len() {
        return None;
    }
    loop {
        // Commas before an address are passed over, blanks after each.
        while v.get(i) == Some(&b',') {
            i = skip_spaces(v, i + 1);
        }
        if i == v.len() {
            break;
        }
        // Blanks alone after a comma are an error to the general parser
        // ("Missing address after comma"), as is a second comma after them.
        i = skip_spaces(v, i);
        if i == v.len() {
            return None;
        }
        let (a, e) = simple_address(v, i)?;
        out.push(a);
        i = skip_spaces(v, e);
        match v.get(i) {
            None => break,
            Some(&b',') => i += 1,
            Some(_) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod simple_lists {
    use super::*;
    use crate::message::model::Collect;

    /// Every list the shortcut takes gives what the general parser gives,
    /// without a warning: random lists made of the pieces that matter to
    /// either parser.
    #[test]
    fn shortcut_lists_equal_the_general_parse() {
        let pieces: [&[u8]; 30] = [
            b"a",
            b"bob",
            b"x.y",
            b"@",
            b"<",
            b">",
            b",",
            b" ",
            b"  ",
            b"\"",
            b"\"J Q\"",
            b"(",
            b")",
            b"(c d )",
            b"( )",
            b"at",
            b":",
            b";",
            b"\\",
            b".",
            b"\xc3\xa9",
            b"[",
            b"]",
            b"\t",
            b"\x1b",
            b"\"\"",
            b"Jo",
            b"e.com",
            b"a@b.c",
            b"N <m@h>",
        ];
        let mut next = crate::test_rand::below(0x2545_f491_4f6c_dd1d);
        let (mut taken, mut total) = (0, 0);
        for _ in 0..400_000 {
            let mut v = Vec::new();
            for _ in 0..1 + next(9) {
                v.extend_from_slice(pieces[next(pieces.len())]);
            }
            total += 1;
            let Some(fast) = simple_adrlist(&v) else {
                continue;
            };
            taken += 1;
            let mut env = Collect::default();
            let mut slow = Vec::new();
            parse_adrlist(&mut slow, &v, Some(b"def.host"), &mut env);
            assert_eq!(fast, slow, "{:?}", String::from_utf8_lossy(&v));
            assert!(env.warnings.is_empty(), "{:?}", String::from_utf8_lossy(&v));
        }
        assert!(taken > total / 50, "{taken} of {total}");
    }

    #[test]
    fn shortcut_takes_the_usual_shapes() {
        for v in [
            &b"a@b.c"[..],
            b"John Smith <js@ex.com>",
            b"\"Smith, John\" <js@ex.com>, x@y (X Y)",
            b"<a@b>,,  c@d ,",
        ] {
            assert!(
                simple_adrlist(v).is_some(),
                "{:?}",
                String::from_utf8_lossy(v)
            );
        }
    }
}
