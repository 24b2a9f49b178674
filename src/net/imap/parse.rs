//! IMAP4rev1 response parser: a response is read as lines and literals
//! (bounded in size), then parsed into [`Response`] values. Anything
//! malformed becomes an error value or a warning, never a panic.

use std::borrow::Cow;

use crate::message::model::{
    Address, Body, Envelope, Message, NameTable, Nested, Parameter, ParseEnv, ENCOTHER,
    TYPEMESSAGE, TYPEMULTIPART, TYPEOTHER, TYPETEXT,
};

/// Limits that keep a hostile server from exhausting memory or the stack.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Longest line (without literals).
    pub line: usize,
    /// Largest single literal.
    pub literal: usize,
    /// Largest whole response (lines and literals).
    pub response: usize,
    /// Deepest nesting of parentheses.
    pub depth: usize,
    /// The mailbox name said `/loser`: a personal name holding `@` (a
    /// broken server's way of writing an address there) is dropped, as
    /// the original does for such servers.
    pub loser: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            line: 1 << 20,
            literal: 256 << 20,
            response: 512 << 20,
            depth: 100,
            loser: false,
        }
    }
}

/// One response as it came off the wire: text segments, each followed by
/// the literal it announced (except the last).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawResponse {
    pub lines: Vec<Vec<u8>>,
    pub literals: Vec<Vec<u8>>,
}

impl RawResponse {
    /// The size announced at the end of `line` (`{n}` or `{n+}`), if any.
    pub fn literal_size(line: &[u8]) -> Option<Result<usize, ()>> {
        if line.last() != Some(&b'}') {
            return None;
        }
        let open = line.iter().rposition(|&c| c == b'{')?;
        let mut inner = &line[open + 1..line.len() - 1];
        if inner.last() == Some(&b'+') {
            inner = &inner[..inner.len() - 1];
        }
        if inner.is_empty() || inner.len() > 12 || !inner.iter().all(u8::is_ascii_digit) {
            return Some(Err(()));
        }
        let n: u64 = std::str::from_utf8(inner).ok()?.parse().ok()?;
        Some(usize::try_from(n).map_err(|_| ()))
    }

    /// The whole response text for logs, literals shown as `{n}`.
    pub fn text(&self) -> Vec<u8> {
        let mut t = Vec::new();
        for (i, l) in self.lines.iter().enumerate() {
            t.extend_from_slice(l);
            if i < self.literals.len() {
                t.extend_from_slice(b"\r\n");
            }
        }
        t
    }
}

/// A response code in brackets after OK/NO/BAD/BYE/PREAUTH.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Code {
    Alert,
    Parse,
    ReadOnly,
    ReadWrite,
    TryCreate,
    BadCharset,
    UidValidity(u32),
    UidNext(u32),
    Unseen(u32),
    PermanentFlags(Vec<Vec<u8>>),
    Capability(Vec<Vec<u8>>),
    AppendUid(u32, Vec<u32>),
    CopyUid(u32, Vec<u32>, Vec<u32>),
    Referral(Vec<u8>),
    Other(Vec<u8>),
}

/// OK, NO, BAD, BYE or PREAUTH.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cond {
    Ok,
    No,
    Bad,
    Bye,
    Preauth,
}

/// One namespace of a NAMESPACE answer: prefix, delimiter and extension
/// values (attribute on the first value of each extension only, as the
/// original lays them out).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NamespaceEntry {
    pub name: Vec<u8>,
    pub delimiter: Option<u8>,
    pub params: Vec<(Option<Vec<u8>>, Vec<u8>)>,
}

/// A node of a THREAD answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ThreadNode {
    /// 0 for a dummy node.
    pub num: u32,
    pub children: Vec<ThreadNode>,
}

/// One FETCH data item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchItem {
    Flags(Vec<Vec<u8>>),
    Uid(u32),
    InternalDate(DateText),
    Size(u32),
    Envelope(Box<Envelope>),
    /// BODYSTRUCTURE, or BODY without a section.
    Structure(Box<Body>),
    /// `BODY[section]<origin>`; RFC822.HEADER is "HEADER", RFC822.TEXT is
    /// "TEXT", RFC822 is "RFC822" (the whole message, as `BODY[]`, but
    /// handed to a mailgets hook as `BODY[]` is not). `None` data is NIL.
    Section {
        /// The common names (`HEADER`, `TEXT`, `RFC822`, the empty one)
        /// are borrowed, not allocated: a name block per message, alive
        /// until the cache takes the answer, would leave a gap among the
        /// cached texts once freed (peak RSS, docs/performance.md).
        section: Cow<'static, [u8]>,
        origin: Option<u32>,
        data: Option<Vec<u8>>,
    },
}

/// An INTERNALDATE value, held inline when it is short (a well-formed one
/// is 26 bytes). A heap block per message, alive from the parse until the
/// cache takes the answer, would be freed among the cache's records and
/// leave small gaps there (peak RSS of a large fetch; docs/performance.md).
#[derive(Clone, PartialEq, Eq)]
pub enum DateText {
    Inline { len: u8, bytes: [u8; DATE_INLINE] },
    Long(Vec<u8>),
}

/// Longest INTERNALDATE held inline; the enum stays no larger than the
/// biggest `FetchItem` variant.
const DATE_INLINE: usize = 40;

impl DateText {
    pub fn new(text: Vec<u8>) -> Self {
        if text.len() <= DATE_INLINE {
            let mut bytes = [0; DATE_INLINE];
            bytes[..text.len()].copy_from_slice(&text);
            DateText::Inline {
                len: text.len() as u8,
                bytes,
            }
        } else {
            DateText::Long(text)
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            DateText::Inline { len, bytes } => &bytes[..usize::from(*len)],
            DateText::Long(v) => v,
        }
    }
}

impl std::fmt::Debug for DateText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

/// A section name as `FetchItem::Section` holds it: borrowed when it is
/// one of the names a whole-message fetch uses; upper case either way.
fn section_name(name: &[u8]) -> Cow<'static, [u8]> {
    const COMMON: [&[u8]; 4] = [b"HEADER", b"TEXT", b"RFC822", b""];
    match COMMON.iter().find(|c| c.eq_ignore_ascii_case(name)) {
        Some(c) => Cow::Borrowed(c),
        None => Cow::Owned(name.to_ascii_uppercase()),
    }
}

/// ID's field/value pairs (a NIL value as None).
pub type IdPairs = Vec<(Vec<u8>, Option<Vec<u8>>)>;

/// An untagged response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Untagged {
    Cond(Cond, Option<Code>, Vec<u8>),
    Capability(Vec<Vec<u8>>),
    Flags(Vec<Vec<u8>>),
    Exists(u32),
    Recent(u32),
    Expunge(u32),
    Fetch(u32, Vec<FetchItem>),
    List {
        lsub: bool,
        attributes: Vec<Vec<u8>>,
        delimiter: Option<u8>,
        name: Vec<u8>,
    },
    Status(Vec<u8>, Vec<(Vec<u8>, u32)>),
    Search(Vec<u32>),
    Sort(Vec<u32>),
    Thread(Vec<ThreadNode>),
    Quota(Vec<u8>, Vec<(Vec<u8>, u64, u64)>),
    QuotaRoot(Vec<u8>, Vec<Vec<u8>>),
    Acl(Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>),
    ListRights(Vec<u8>, Vec<u8>, Vec<u8>, Vec<Vec<u8>>),
    MyRights(Vec<u8>, Vec<u8>),
    Namespace(Vec<u8>),
    /// ANNOTATEMORE's `ANNOTATION mailbox entry (attr value ...) ...`:
    /// the mailbox and, per entry, its attribute/value strings in order.
    Annotation(Vec<u8>, Vec<(Vec<u8>, Vec<Vec<u8>>)>),
    /// IMAP2's `MAILBOX name` (the answer to FIND), the name as sent.
    Mailbox(Vec<u8>),
    /// RFC 2971's `ID (field value ...)` (a NIL value as None), or None
    /// for `ID NIL`.
    Id(Option<IdPairs>),
    /// RFC 5161's `ENABLED cap ...`.
    Enabled(Vec<Vec<u8>>),
    Other(Vec<u8>),
}

/// A parsed response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    Tagged(Vec<u8>, Cond, Option<Code>, Vec<u8>),
    Continue(Vec<u8>),
    Untagged(Untagged),
}

/// Why a response could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError(pub Vec<u8>);

type R<T> = Result<T, ParseError>;

fn err<T>(what: &str, rest: &[u8]) -> R<T> {
    let mut m = what.as_bytes().to_vec();
    m.extend_from_slice(b": ");
    m.extend_from_slice(&rest[..rest.len().min(80)]);
    Err(ParseError(m))
}

/// A cursor over a raw response.
pub struct Cursor<'a> {
    raw: &'a RawResponse,
    /// The literals when the caller gave them away (`parse_owned`): each
    /// is moved out once read instead of copied.
    lits: Option<Vec<Vec<u8>>>,
    seg: usize,
    pos: usize,
    depth: usize,
    limits: Limits,
    /// Warnings met (the original's mm_notify WARN texts).
    pub warnings: Vec<Vec<u8>>,
}

impl<'a> Cursor<'a> {
    pub fn new(raw: &'a RawResponse, limits: Limits) -> Self {
        Cursor {
            raw,
            lits: None,
            seg: 0,
            pos: 0,
            depth: 0,
            limits,
            warnings: Vec::new(),
        }
    }
    fn line(&self) -> &'a [u8] {
        self.raw.lines.get(self.seg).map_or(&[][..], |l| &l[..])
    }
    fn rest(&self) -> &'a [u8] {
        let l = self.line();
        &l[self.pos.min(l.len())..]
    }
    fn peek(&self) -> Option<u8> {
        self.rest().first().copied()
    }
    fn bump(&mut self) {
        self.pos += 1;
    }
    fn at_end(&self) -> bool {
        self.rest().is_empty() && self.seg + 1 >= self.raw.lines.len()
    }
    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.bump();
        }
    }
    fn expect(&mut self, c: u8) -> R<()> {
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            err(&format!("expected '{}'", c as char), self.rest())
        }
    }
    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > self.limits.depth {
            return err("nesting too deep", self.rest());
        }
        Ok(())
    }
    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }
    /// What is left of the current line, after spaces.
    pub fn rest_text(&mut self) -> &'a [u8] {
        self.skip_spaces();
        self.rest()
    }
    /// Where the cursor is: segment (line) index and byte offset in it.
    pub fn offset(&self) -> (usize, usize) {
        (self.seg, self.pos)
    }
    /// One address after its `(`: `personal adl mailbox host)`, added to
    /// `v` (an error past 100,000 of them).
    fn address_into(&mut self, v: &mut Vec<Address>) -> R<()> {
        let mut personal = self.nastring()?;
        if self.limits.loser && personal.as_ref().is_some_and(|p| p.contains(&b'@')) {
            personal = None;
        }
        let adl = self.nastring()?;
        let mailbox = self.nastring()?;
        let host = self.nastring()?;
        self.skip_spaces();
        self.expect(b')')?;
        v.push(Address {
            personal,
            adl,
            mailbox,
            host,
            ..Address::default()
        });
        if v.len() > 100_000 {
            return err("address list too long", b"");
        }
        Ok(())
    }

    /// The addresses of a list without its parentheses: `(a)(b)...`, up
    /// to the closing parenthesis (not consumed) or the end.
    pub fn addresses(&mut self) -> R<Vec<Address>> {
        let mut v = Vec::new();
        loop {
            self.skip_spaces();
            if self.peek() != Some(b'(') {
                return Ok(v);
            }
            self.bump();
            self.address_into(&mut v)?;
        }
    }
    /// `(astring ...)` or NIL as a list of strings.
    pub fn string_list(&mut self) -> R<Option<Vec<Vec<u8>>>> {
        self.nil_or_list("string list", usize::MAX, |p| p.astring())
    }
    /// ID's field/value list (RFC 2971) or NIL; at most 1,000 pairs.
    pub fn id_list(&mut self) -> R<Option<IdPairs>> {
        self.nil_or_list("ID list", 1000, |p| {
            let field = p.nstring()?.unwrap_or_default();
            Ok((field, p.nstring()?))
        })
    }
    /// NIL, or a parenthesized list of ITEMs separated by blanks, with at
    /// most MAX of them; WHAT names the list in errors.
    fn nil_or_list<T>(
        &mut self,
        what: &str,
        max: usize,
        mut item: impl FnMut(&mut Self) -> R<T>,
    ) -> R<Option<Vec<T>>> {
        self.skip_spaces();
        if self.is_nil() {
            self.pos += 3;
            return Ok(None);
        }
        self.expect(b'(')?;
        let mut v = Vec::new();
        loop {
            self.skip_spaces();
            match self.peek() {
                Some(b')') => {
                    self.bump();
                    return Ok(Some(v));
                }
                None => return err(&format!("unterminated {what}"), b""),
                _ => {
                    v.push(item(self)?);
                    if v.len() > max {
                        return err(&format!("{what} too long"), b"");
                    }
                }
            }
        }
    }
    /// The THREAD groups `(...)(...)` up to the end or anything else.
    pub fn threads(&mut self) -> R<Vec<ThreadNode>> {
        let mut v = Vec::new();
        self.skip_spaces();
        loop {
            if self.peek() != Some(b'(') {
                return Ok(v);
            }
            let mut t = self.thread_list()?;
            if t.len() == 1 {
                v.push(t.remove(0));
            } else {
                v.push(ThreadNode {
                    num: 0,
                    children: t,
                });
            }
        }
    }
    /// One namespace list of a NAMESPACE answer: NIL or
    /// `(("prefix" "delim" ext...)...)`.
    pub fn namespace(&mut self) -> R<Vec<NamespaceEntry>> {
        self.skip_spaces();
        if self.is_nil() {
            self.pos += 3;
            return Ok(Vec::new());
        }
        self.expect(b'(')?;
        let mut v = Vec::new();
        loop {
            self.skip_spaces();
            match self.peek() {
                Some(b')') => {
                    self.bump();
                    return Ok(v);
                }
                Some(b'(') => self.bump(),
                _ => return err("Not a namespace", self.rest()),
            }
            let name = self.nstring()?.unwrap_or_default();
            let delimiter = match self.nstring() {
                Ok(d) => d.and_then(|d| d.first().copied()),
                Err(_) => return err("Missing delimiter in namespace", self.rest()),
            };
            let mut params = Vec::new();
            loop {
                self.skip_spaces();
                if self.peek() == Some(b')') {
                    self.bump();
                    break;
                }
                if self.peek().is_none() {
                    return err("Junk at end of namespace", b"");
                }
                let att = self.astring()?;
                let vals = self.string_list()?.unwrap_or_default();
                if vals.is_empty() {
                    params.push((Some(att.clone()), b"UNKNOWN".to_vec()));
                }
                for (i, val) in vals.into_iter().enumerate() {
                    params.push(((i == 0).then(|| att.clone()), val));
                }
                if params.len() > 10_000 {
                    return err("too many namespace parameters", b"");
                }
            }
            v.push(NamespaceEntry {
                name,
                delimiter,
                params,
            });
            if v.len() > 10_000 {
                return err("too many namespaces", b"");
            }
        }
    }
    /// An atom: up to a space, parenthesis, bracket or end of line.
    pub fn atom(&mut self) -> &'a [u8] {
        let r = self.rest();
        let n = r
            .iter()
            .position(|&c| matches!(c, b' ' | b'(' | b')' | b'[' | b']' | b'{'))
            .unwrap_or(r.len());
        self.pos += n;
        &r[..n]
    }
    /// An atom that may contain brackets (flags like `\*`, section specs).
    fn flag_atom(&mut self) -> &'a [u8] {
        let r = self.rest();
        let n = r
            .iter()
            .position(|&c| matches!(c, b' ' | b'(' | b')'))
            .unwrap_or(r.len());
        self.pos += n;
        &r[..n]
    }
    pub fn number(&mut self) -> R<u32> {
        let r = self.rest();
        let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 10 {
            return err("expected a number", r);
        }
        self.pos += n;
        let v: u64 = std::str::from_utf8(&r[..n])
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(u64::MAX);
        u32::try_from(v).or_else(|_| err("number out of range", r))
    }
    fn number64(&mut self) -> R<u64> {
        let r = self.rest();
        let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 19 {
            return err("expected a number", r);
        }
        self.pos += n;
        std::str::from_utf8(&r[..n])
            .ok()
            .and_then(|s| s.parse().ok())
            .map_or_else(|| err("number out of range", r), Ok)
    }
    fn is_nil(&self) -> bool {
        let r = self.rest();
        r.len() >= 3
            && r[..3].eq_ignore_ascii_case(b"NIL")
            && !r.get(3).is_some_and(|c| !matches!(c, b' ' | b')' | b'('))
    }
    /// nstring: NIL, a quoted string or a literal.
    pub fn nstring(&mut self) -> R<Option<Vec<u8>>> {
        self.skip_spaces();
        match self.peek() {
            Some(b'"') => {
                self.bump();
                // Measured first: the value is made with its exact size
                // plus one (the NUL the C side adds), so it becomes the
                // cache's string as it is (see `abi::rfc822::vec_to_c`).
                let r = self.rest();
                let (mut end, mut n) = (0, 0);
                loop {
                    match r.get(end) {
                        None => return err("unterminated quoted string", b""),
                        Some(b'"') => break,
                        Some(b'\\') if end + 1 >= r.len() => {
                            return err("unterminated quoted string", b"")
                        }
                        Some(b'\\') => end += 2,
                        Some(_) => end += 1,
                    }
                    n += 1;
                }
                let mut out = Vec::with_capacity(n + 1);
                let mut i = 0;
                while i < end {
                    if r[i] == b'\\' {
                        i += 1;
                    }
                    out.push(r[i]);
                    i += 1;
                }
                self.pos += end + 1;
                Ok(Some(out))
            }
            Some(b'{') => {
                let r = self.rest();
                if RawResponse::literal_size(r).is_none() {
                    return err("bad literal", r);
                }
                let seg = self.seg;
                let lit = match self.lits.as_mut() {
                    Some(l) => l.get_mut(seg).map(std::mem::take),
                    None => self.raw.literals.get(seg).cloned(),
                }
                .ok_or_else(|| ParseError(b"missing literal".to_vec()))?;
                self.seg += 1;
                self.pos = 0;
                Ok(Some(lit))
            }
            _ if self.is_nil() => {
                self.pos += 3;
                Ok(None)
            }
            _ => err("expected a string", self.rest()),
        }
    }
    /// astring: an atom or a string.
    pub fn astring(&mut self) -> R<Vec<u8>> {
        self.skip_spaces();
        match self.peek() {
            Some(b'"') | Some(b'{') => Ok(self.nstring()?.unwrap_or_default()),
            _ => {
                let a = self.flag_atom();
                if a.is_empty() {
                    return err("expected an astring", self.rest());
                }
                Ok(a.to_vec())
            }
        }
    }
    /// A string or NIL where the original accepts an atom as well.
    fn nastring(&mut self) -> R<Option<Vec<u8>>> {
        self.skip_spaces();
        match self.peek() {
            Some(b'"') | Some(b'{') => self.nstring(),
            _ if self.is_nil() => {
                self.pos += 3;
                Ok(None)
            }
            _ => {
                let a = self.atom();
                if a.is_empty() {
                    return err("expected a string", self.rest());
                }
                Ok(Some(a.to_vec()))
            }
        }
    }
    /// `(a b c)` of flag atoms/astrings.
    pub fn flag_list(&mut self) -> R<Vec<Vec<u8>>> {
        self.skip_spaces();
        self.expect(b'(')?;
        let mut v = Vec::new();
        loop {
            self.skip_spaces();
            match self.peek() {
                Some(b')') => {
                    self.bump();
                    return Ok(v);
                }
                None => return err("unterminated list", b""),
                Some(b'"') | Some(b'{') => v.push(self.nstring()?.unwrap_or_default()),
                _ => {
                    let a = self.flag_atom();
                    if a.is_empty() {
                        return err("bad list item", self.rest());
                    }
                    v.push(a.to_vec());
                }
            }
        }
    }
    fn words_to_end(&mut self) -> Vec<Vec<u8>> {
        let mut v = Vec::new();
        loop {
            self.skip_spaces();
            let a = self.flag_atom();
            if a.is_empty() {
                break;
            }
            v.push(a.to_vec());
        }
        v
    }
    fn numbers_to_end(&mut self) -> R<Vec<u32>> {
        let mut v = Vec::new();
        loop {
            self.skip_spaces();
            match self.peek() {
                None => return Ok(v),
                Some(c) if c.is_ascii_digit() => v.push(self.number()?),
                // ESEARCH-style or MODSEQ trailers end the list.
                _ => return Ok(v),
            }
        }
    }
    fn text_to_end(&mut self) -> Vec<u8> {
        self.skip_spaces();
        let r = self.rest();
        self.pos += r.len();
        r.to_vec()
    }

    fn warn(&mut self, what: &str) {
        let mut m = what.as_bytes().to_vec();
        let r = self.rest();
        if !r.is_empty() {
            m.extend_from_slice(b": ");
            m.extend_from_slice(&r[..r.len().min(80)]);
        }
        self.warnings.push(m);
    }

    /// Skips one value of any shape (extension data).
    pub fn skip_value(&mut self) -> R<()> {
        self.skip_spaces();
        match self.peek() {
            Some(b'(') => {
                self.enter()?;
                self.bump();
                loop {
                    self.skip_spaces();
                    match self.peek() {
                        Some(b')') => {
                            self.bump();
                            break;
                        }
                        None => return err("unterminated list", b""),
                        _ => self.skip_value()?,
                    }
                }
                self.leave();
                Ok(())
            }
            Some(b'"') | Some(b'{') => self.nstring().map(|_| ()),
            _ => {
                if self.atom().is_empty() {
                    return err("bad value", self.rest());
                }
                Ok(())
            }
        }
    }

    /// An address list: NIL or `((personal adl mailbox host) ...)`.
    pub fn address_list(&mut self) -> R<Vec<Address>> {
        self.skip_spaces();
        if self.is_nil() {
            self.pos += 3;
            return Ok(Vec::new());
        }
        self.expect(b'(')?;
        // Most lists hold one address: room for one, not the four a first
        // push reserves (504 bytes that would stay unused while a held
        // envelope waits, and then be a gap among the cached strings).
        let mut v = Vec::with_capacity(1);
        loop {
            self.skip_spaces();
            match self.peek() {
                Some(b')') => {
                    self.bump();
                    return Ok(v);
                }
                Some(b'(') => {
                    self.bump();
                    self.address_into(&mut v)?;
                }
                _ => return err("bogus address list", self.rest()),
            }
        }
    }

    /// ENVELOPE: `(date subject from sender reply-to to cc bcc in-reply-to
    /// message-id)`; None for NIL.
    pub fn envelope(&mut self) -> R<Option<Envelope>> {
        self.skip_spaces();
        if self.is_nil() {
            self.pos += 3;
            return Ok(None);
        }
        self.expect(b'(')?;
        let mut e = Envelope {
            imapenvonly: true,
            ..Envelope::default()
        };
        e.date = self.nastring()?;
        e.subject = self.nastring()?;
        e.from = self.address_list()?;
        e.sender = self.address_list()?;
        e.reply_to = self.address_list()?;
        e.to = self.address_list()?;
        e.cc = self.address_list()?;
        e.bcc = self.address_list()?;
        e.in_reply_to = self.nastring()?;
        e.message_id = self.nastring()?;
        self.skip_spaces();
        if self.peek() == Some(b')') {
            self.bump();
        } else {
            self.warn("Junk at end of envelope");
            // Skip whatever remains of the envelope.
            while !matches!(self.peek(), Some(b')') | None) {
                self.skip_value()?;
                self.skip_spaces();
            }
            if self.peek() == Some(b')') {
                self.bump();
            }
        }
        Ok(Some(e))
    }

    pub fn parameters(&mut self) -> R<Vec<Parameter>> {
        self.skip_spaces();
        if self.is_nil() {
            self.pos += 3;
            return Ok(Vec::new());
        }
        if self.peek() != Some(b'(') {
            self.warn("Bogus body parameter");
            self.skip_value()?;
            return Ok(Vec::new());
        }
        self.bump();
        let mut v = Vec::new();
        loop {
            self.skip_spaces();
            if self.peek() == Some(b')') {
                self.bump();
                return Ok(v);
            }
            if self.peek().is_none() {
                return err("unterminated parameter list", b"");
            }
            let attribute = self.nastring()?.unwrap_or_else(|| b"UNKNOWN".to_vec());
            let value = Some(self.nastring()?.unwrap_or_else(|| b"UNKNOWN".to_vec()));
            v.push(Parameter { attribute, value });
            if v.len() > 10_000 {
                return err("too many parameters", b"");
            }
        }
    }

    pub fn disposition(&mut self, b: &mut Body) -> R<()> {
        self.skip_spaces();
        if self.is_nil() {
            self.pos += 3;
            return Ok(());
        }
        if self.peek() != Some(b'(') {
            self.warn("Unknown body disposition");
            return self.skip_value();
        }
        self.bump();
        b.disposition_type = self.nastring()?;
        b.disposition_parameter = self.parameters()?;
        self.skip_spaces();
        self.expect(b')')
    }

    pub fn language(&mut self) -> R<Option<Vec<Vec<u8>>>> {
        self.skip_spaces();
        if self.peek() == Some(b'(') {
            self.bump();
            let mut v = Vec::new();
            loop {
                self.skip_spaces();
                if self.peek() == Some(b')') {
                    self.bump();
                    return Ok(Some(v));
                }
                if self.peek().is_none() {
                    return err("unterminated language list", b"");
                }
                v.push(self.nastring()?.unwrap_or_default());
            }
        }
        Ok(self.nastring()?.map(|s| vec![s]))
    }

    /// BODYSTRUCTURE (or BODY) into the model, looking type and encoding
    /// names up in `env`'s tables.
    pub fn body(&mut self, env: &mut dyn ParseEnv) -> R<Body> {
        self.skip_spaces();
        let mut b = Body::default();
        if self.is_nil() {
            self.pos += 3;
            return Ok(b);
        }
        if self.peek() != Some(b'(') {
            self.warn("Bogus body structure");
            return err("bogus body structure", self.rest());
        }
        self.enter()?;
        self.bump();
        self.skip_spaces();
        if self.peek() == Some(b'(') {
            b.type_ = TYPEMULTIPART;
            let mut parts = Vec::new();
            while self.peek() == Some(b'(') {
                parts.push(self.body(env)?);
                self.skip_spaces();
            }
            b.nested = Nested::Parts(parts);
            b.subtype = match self.nastring()? {
                Some(mut s) => {
                    s.make_ascii_uppercase();
                    Some(s)
                }
                None => {
                    self.warn("Missing multipart subtype");
                    Some(b"MIXED".to_vec())
                }
            };
            if self.peek() == Some(b' ') {
                b.parameter = self.parameters()?;
            }
            if self.peek() == Some(b' ') {
                self.disposition(&mut b)?;
                env.body_extension(2);
            }
            if self.peek() == Some(b' ') {
                b.language = self.language()?;
                env.body_extension(3);
            }
            if self.peek() == Some(b' ') {
                b.location = self.nastring()?;
                env.body_extension(4);
            }
            while self.peek() == Some(b' ') {
                self.skip_value()?;
            }
        } else if self.peek() == Some(b')') {
            self.bump();
            self.leave();
            return Ok(b);
        } else {
            b.type_ = TYPEOTHER;
            b.encoding = ENCOTHER;
            if let Some(t) = self.nastring()? {
                b.type_ = lookup(env.body_types(), &t, TYPEOTHER);
            }
            b.subtype = match self.nastring()? {
                Some(mut s) => {
                    s.make_ascii_uppercase();
                    Some(s)
                }
                None => {
                    self.warn("Missing body subtype");
                    Some(default_subtype(b.type_).to_vec())
                }
            };
            b.parameter = self.parameters()?;
            b.id = self.nastring()?;
            b.description = self.nastring()?;
            if let Some(e) = self.nastring()? {
                b.encoding = lookup(env.body_encodings(), &e, ENCOTHER);
            }
            self.skip_spaces();
            b.size_bytes = u64::from(self.number().unwrap_or(0));
            if b.type_ == TYPEMESSAGE && b.subtype.as_deref() == Some(b"RFC822") {
                match self.envelope()? {
                    Some(env_) => {
                        let inner = self.body(env)?;
                        b.nested = Nested::Msg(Box::new(Message {
                            env: Some(Box::new(env_)),
                            body: Some(Box::new(inner)),
                            ..Message::default()
                        }));
                        self.skip_spaces();
                        b.size_lines = u64::from(self.number().unwrap_or(0));
                    }
                    None => {
                        self.warn("Missing body message envelope");
                        b.subtype = Some(b"RFC822_MISSING_ENVELOPE".to_vec());
                    }
                }
            } else if b.type_ == TYPETEXT {
                self.skip_spaces();
                b.size_lines = u64::from(self.number().unwrap_or(0));
            }
            if self.peek() == Some(b' ') {
                b.md5 = self.nastring()?;
                env.body_extension(1);
            }
            if self.peek() == Some(b' ') {
                self.disposition(&mut b)?;
                env.body_extension(2);
            }
            if self.peek() == Some(b' ') {
                b.language = self.language()?;
                env.body_extension(3);
            }
            if self.peek() == Some(b' ') {
                b.location = self.nastring()?;
                env.body_extension(4);
            }
            while self.peek() == Some(b' ') {
                self.skip_value()?;
            }
        }
        self.skip_spaces();
        if self.peek() == Some(b')') {
            self.bump();
        } else {
            self.warn("Junk at end of body part");
            return err("junk at end of body part", self.rest());
        }
        self.leave();
        Ok(b)
    }

    fn code(&mut self) -> R<Option<Code>> {
        if self.peek() != Some(b'[') {
            return Ok(None);
        }
        self.bump();
        let name = self.atom().to_ascii_uppercase();
        let c = match &name[..] {
            b"ALERT" => Code::Alert,
            b"PARSE" => Code::Parse,
            b"READ-ONLY" => Code::ReadOnly,
            b"READ-WRITE" => Code::ReadWrite,
            b"TRYCREATE" => Code::TryCreate,
            b"BADCHARSET" => Code::BadCharset,
            b"UIDVALIDITY" => {
                self.skip_spaces();
                Code::UidValidity(self.number()?)
            }
            b"UIDNEXT" => {
                self.skip_spaces();
                Code::UidNext(self.number()?)
            }
            b"UNSEEN" => {
                self.skip_spaces();
                Code::Unseen(self.number()?)
            }
            b"PERMANENTFLAGS" => Code::PermanentFlags(self.flag_list()?),
            b"CAPABILITY" => {
                let r = self.rest();
                let end = r.iter().position(|&c| c == b']').unwrap_or(r.len());
                let caps = r[..end]
                    .split(|&c| c == b' ')
                    .filter(|w| !w.is_empty())
                    .map(<[u8]>::to_vec)
                    .collect();
                self.pos += end;
                Code::Capability(caps)
            }
            b"APPENDUID" => {
                self.skip_spaces();
                let v = self.number()?;
                self.skip_spaces();
                let set = self.atom();
                Code::AppendUid(v, uid_set(set).unwrap_or_default())
            }
            b"COPYUID" => {
                self.skip_spaces();
                let v = self.number()?;
                self.skip_spaces();
                let s = uid_set(self.atom()).unwrap_or_default();
                self.skip_spaces();
                let d = uid_set(self.atom()).unwrap_or_default();
                Code::CopyUid(v, s, d)
            }
            b"REFERRAL" => {
                self.skip_spaces();
                let r = self.rest();
                let end = r.iter().position(|&c| c == b']').unwrap_or(r.len());
                self.pos += end;
                Code::Referral(r[..end].to_vec())
            }
            _ => {
                let r = self.rest();
                let end = r.iter().position(|&c| c == b']').unwrap_or(r.len());
                self.pos += end;
                let mut all = name.clone();
                all.extend_from_slice(&r[..end]);
                Code::Other(all)
            }
        };
        // Skip to the closing bracket.
        let r = self.rest();
        match r.iter().position(|&c| c == b']') {
            Some(i) => self.pos += i + 1,
            None => self.pos += r.len(),
        }
        self.skip_spaces();
        Ok(Some(c))
    }

    fn fetch_items(&mut self, env: &mut dyn ParseEnv) -> R<Vec<FetchItem>> {
        self.skip_spaces();
        self.expect(b'(')?;
        let mut items = Vec::new();
        loop {
            self.skip_spaces();
            match self.peek() {
                Some(b')') => {
                    self.bump();
                    break;
                }
                None => return err("unterminated FETCH", b""),
                _ => {}
            }
            let name = self.atom().to_ascii_uppercase();
            let item = match &name[..] {
                b"FLAGS" => FetchItem::Flags(self.flag_list()?),
                b"UID" => {
                    self.skip_spaces();
                    FetchItem::Uid(self.number()?)
                }
                b"INTERNALDATE" => {
                    FetchItem::InternalDate(DateText::new(self.nastring()?.unwrap_or_default()))
                }
                b"RFC822.SIZE" => {
                    self.skip_spaces();
                    FetchItem::Size(self.number()?)
                }
                b"ENVELOPE" => match self.envelope()? {
                    Some(e) => FetchItem::Envelope(Box::new(e)),
                    None => FetchItem::Envelope(Box::default()),
                },
                b"RFC822" | b"RFC822.HEADER" | b"RFC822.TEXT" => FetchItem::Section {
                    section: section_name(name.get(7..).unwrap_or(b"RFC822")),
                    origin: None,
                    data: self.nstring()?,
                },
                b"BODY" | b"BODYSTRUCTURE" | b"BINARY" => {
                    if self.peek() == Some(b'[') {
                        self.bump();
                        let r = self.rest();
                        let end = r
                            .iter()
                            .position(|&c| c == b']')
                            .ok_or_else(|| ParseError(b"unterminated section".to_vec()))?;
                        let section = section_name(&r[..end]);
                        self.pos += end + 1;
                        let mut origin = None;
                        if self.peek() == Some(b'<') {
                            self.bump();
                            origin = Some(self.number()?);
                            self.expect(b'>')?;
                        }
                        let data = self.nstring()?;
                        FetchItem::Section {
                            section,
                            origin,
                            data,
                        }
                    } else {
                        let b = match self.body(env) {
                            Ok(b) => b,
                            Err(e) => {
                                self.warnings.push(e.0.clone());
                                return Err(e);
                            }
                        };
                        FetchItem::Structure(Box::new(b))
                    }
                }
                b"" => return err("bad FETCH item", self.rest()),
                _ => {
                    // Unknown item (MODSEQ, X-GM-*...): skip its value.
                    self.skip_value()?;
                    continue;
                }
            };
            items.push(item);
        }
        Ok(items)
    }

    pub fn thread_list(&mut self) -> R<Vec<ThreadNode>> {
        // One "(" ... ")" group: a chain of numbers, possibly ending in
        // sub-threads.
        self.enter()?;
        self.expect(b'(')?;
        let mut chain: Vec<ThreadNode> = Vec::new();
        let mut branches: Vec<ThreadNode> = Vec::new();
        loop {
            self.skip_spaces();
            match self.peek() {
                Some(b')') => {
                    self.bump();
                    break;
                }
                Some(b'(') => {
                    let mut sub = self.thread_list()?;
                    if sub.len() == 1 {
                        branches.push(sub.remove(0));
                    } else {
                        branches.push(ThreadNode {
                            num: 0,
                            children: sub,
                        });
                    }
                }
                Some(c) if c.is_ascii_digit() => {
                    if !branches.is_empty() {
                        return err("bad THREAD", self.rest());
                    }
                    chain.push(ThreadNode {
                        num: self.number()?,
                        children: Vec::new(),
                    });
                }
                _ => return err("bad THREAD", self.rest()),
            }
        }
        self.leave();
        // Fold the chain: each node is the only child of the previous.
        let mut tail = branches;
        while let Some(mut n) = chain.pop() {
            n.children = tail;
            tail = vec![n];
        }
        Ok(tail)
    }
}

fn default_subtype(t: u16) -> &'static [u8] {
    match t {
        TYPETEXT => b"PLAIN",
        TYPEMULTIPART => b"MIXED",
        TYPEMESSAGE => b"RFC822",
        3 => b"OCTET-STREAM",
        4 => b"BASIC",
        _ => b"UNKNOWN",
    }
}

/// Index of upper-cased `name` in `t`, adding it in the first free slot;
/// `other` when the table is full.
fn lookup(t: &mut dyn NameTable, name: &[u8], other: u16) -> u16 {
    let up = name.to_ascii_uppercase();
    for i in 0..=t.max() {
        match t.get(i) {
            Some(n) if n == &up[..] => return i as u16,
            Some(_) => {}
            None => {
                t.set(i, up);
                return i as u16;
            }
        }
    }
    other
}

/// A UID set `1:3,5` as a list (bounded).
pub fn uid_set(s: &[u8]) -> Option<Vec<u32>> {
    let mut v = Vec::new();
    for part in s.split(|&c| c == b',') {
        let num = |x: &[u8]| -> Option<u32> { std::str::from_utf8(x).ok()?.parse().ok() };
        match part.iter().position(|&c| c == b':') {
            Some(i) => {
                let (a, b) = (num(&part[..i])?, num(&part[i + 1..])?);
                let (lo, hi) = (a.min(b), a.max(b));
                if (hi - lo) as usize + v.len() > 1_000_000 {
                    return None;
                }
                v.extend(lo..=hi);
            }
            None => v.push(num(part)?),
        }
    }
    Some(v)
}

/// Parses a whole raw response.
pub fn parse(
    raw: &RawResponse,
    limits: Limits,
    env: &mut dyn ParseEnv,
) -> (R<Response>, Vec<Vec<u8>>) {
    let mut c = Cursor::new(raw, limits);
    let r = parse_with(&mut c, env);
    (r, c.warnings)
}

/// [`parse`] taking the literals of `raw` (left empty): each literal's
/// bytes become the parsed string without a copy.
pub fn parse_owned(
    raw: &mut RawResponse,
    limits: Limits,
    env: &mut dyn ParseEnv,
) -> (R<Response>, Vec<Vec<u8>>) {
    let lits = std::mem::take(&mut raw.literals);
    let mut c = Cursor::new(raw, limits);
    c.lits = Some(lits);
    let r = parse_with(&mut c, env);
    (r, c.warnings)
}

fn cond_of(w: &[u8]) -> Option<Cond> {
    Some(match &w.to_ascii_uppercase()[..] {
        b"OK" => Cond::Ok,
        b"NO" => Cond::No,
        b"BAD" => Cond::Bad,
        b"BYE" => Cond::Bye,
        b"PREAUTH" => Cond::Preauth,
        _ => return None,
    })
}

fn parse_with(c: &mut Cursor, env: &mut dyn ParseEnv) -> R<Response> {
    if c.peek() == Some(b'+') {
        c.bump();
        return Ok(Response::Continue(c.text_to_end()));
    }
    let tag = c.flag_atom().to_vec();
    if tag.is_empty() {
        return err("missing tag", c.rest());
    }
    c.skip_spaces();
    if tag != b"*" {
        let w = c.atom();
        let cond = cond_of(w).map_or_else(|| err("bad tagged response", w), Ok)?;
        c.skip_spaces();
        let full = c.rest().to_vec();
        let code = c.code().unwrap_or(None);
        return Ok(Response::Tagged(tag, cond, code, full));
    }
    let first = c.atom().to_vec();
    if first.is_empty() {
        return err("empty untagged response", c.rest());
    }
    if first[0].is_ascii_digit() {
        let n: u32 = std::str::from_utf8(&first)
            .ok()
            .and_then(|s| s.parse().ok())
            .map_or_else(|| err("bad number", &first), Ok)?;
        c.skip_spaces();
        let w = c.atom().to_ascii_uppercase();
        let u = match &w[..] {
            b"EXISTS" => Untagged::Exists(n),
            b"RECENT" => Untagged::Recent(n),
            b"EXPUNGE" => Untagged::Expunge(n),
            b"FETCH" => {
                if n == 0 {
                    return err("FETCH of message 0", b"");
                }
                Untagged::Fetch(n, c.fetch_items(env)?)
            }
            _ => Untagged::Other(raw_text(c)),
        };
        return Ok(Response::Untagged(u));
    }
    let word = first.to_ascii_uppercase();
    if let Some(cond) = cond_of(&word) {
        c.skip_spaces();
        let full = c.rest().to_vec();
        let code = c.code().unwrap_or(None);
        return Ok(Response::Untagged(Untagged::Cond(cond, code, full)));
    }
    let u = match &word[..] {
        b"CAPABILITY" => Untagged::Capability(c.words_to_end()),
        b"FLAGS" => Untagged::Flags(c.flag_list()?),
        b"LIST" | b"LSUB" => {
            let attributes = c.flag_list()?;
            let d = c.nstring()?;
            let delimiter = d.and_then(|d| d.first().copied());
            let name = c.astring()?;
            Untagged::List {
                lsub: word == b"LSUB",
                attributes,
                delimiter,
                name,
            }
        }
        b"STATUS" => {
            let name = c.astring()?;
            c.skip_spaces();
            c.expect(b'(')?;
            let mut items = Vec::new();
            loop {
                c.skip_spaces();
                if c.peek() == Some(b')') || c.peek().is_none() {
                    break;
                }
                let k = c.atom().to_ascii_uppercase();
                if k.is_empty() {
                    return err("bad STATUS", c.rest());
                }
                c.skip_spaces();
                let v = c.number64()?;
                items.push((k, u32::try_from(v).unwrap_or(u32::MAX)));
            }
            Untagged::Status(name, items)
        }
        b"SEARCH" => Untagged::Search(c.numbers_to_end()?),
        b"SORT" => Untagged::Sort(c.numbers_to_end()?),
        b"THREAD" => {
            let mut v = Vec::new();
            loop {
                c.skip_spaces();
                if c.peek() != Some(b'(') {
                    break;
                }
                let mut t = c.thread_list()?;
                if t.len() == 1 {
                    v.push(t.remove(0));
                } else {
                    v.push(ThreadNode {
                        num: 0,
                        children: t,
                    });
                }
            }
            Untagged::Thread(v)
        }
        b"QUOTA" => {
            let root = c.astring()?;
            c.skip_spaces();
            c.expect(b'(')?;
            let mut v = Vec::new();
            loop {
                c.skip_spaces();
                if c.peek() == Some(b')') || c.peek().is_none() {
                    break;
                }
                let name = c.atom().to_vec();
                if name.is_empty() {
                    return err("bad QUOTA", c.rest());
                }
                c.skip_spaces();
                let usage = c.number64()?;
                c.skip_spaces();
                let limit = c.number64()?;
                v.push((name, usage, limit));
            }
            Untagged::Quota(root, v)
        }
        b"QUOTAROOT" => {
            let mailbox = c.astring()?;
            let mut roots = Vec::new();
            loop {
                c.skip_spaces();
                if c.peek().is_none() {
                    break;
                }
                roots.push(c.astring()?);
            }
            Untagged::QuotaRoot(mailbox, roots)
        }
        b"ACL" => {
            let mailbox = c.astring()?;
            let mut v = Vec::new();
            loop {
                c.skip_spaces();
                if c.peek().is_none() {
                    break;
                }
                let id = c.astring()?;
                let rights = c.astring()?;
                v.push((id, rights));
            }
            Untagged::Acl(mailbox, v)
        }
        b"LISTRIGHTS" => {
            let mailbox = c.astring()?;
            let id = c.astring()?;
            let req = c.astring()?;
            let mut opt = Vec::new();
            loop {
                c.skip_spaces();
                if c.peek().is_none() {
                    break;
                }
                opt.push(c.astring()?);
            }
            Untagged::ListRights(mailbox, id, req, opt)
        }
        b"MYRIGHTS" => {
            let mailbox = c.astring()?;
            let rights = c.astring()?;
            Untagged::MyRights(mailbox, rights)
        }
        b"NAMESPACE" => Untagged::Namespace(raw_text(c)),
        b"ID" => Untagged::Id(c.id_list()?),
        b"ENABLED" => Untagged::Enabled(c.words_to_end()),
        b"MAILBOX" if c.peek() == Some(b' ') => {
            c.bump();
            Untagged::Mailbox(raw_text(c))
        }
        b"ANNOTATION" => {
            let mailbox = c.astring()?;
            let mut v = Vec::new();
            loop {
                c.skip_spaces();
                if c.peek().is_none() {
                    break;
                }
                let entry = c.astring()?;
                let values = c.string_list()?.unwrap_or_default();
                v.push((entry, values));
            }
            Untagged::Annotation(mailbox, v)
        }
        _ => Untagged::Other(raw_text(c)),
    };
    Ok(Response::Untagged(u))
}

fn raw_text(c: &mut Cursor) -> Vec<u8> {
    let mut t = c.text_to_end();
    while !c.at_end() {
        // Literals of an unknown response are skipped.
        c.seg += 1;
        c.pos = 0;
        t.extend_from_slice(b" ");
        t.extend_from_slice(c.rest());
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::model::Collect;

    fn raw(lines: &[&[u8]], lits: &[&[u8]]) -> RawResponse {
        RawResponse {
            lines: lines.iter().map(|l| l.to_vec()).collect(),
            literals: lits.iter().map(|l| l.to_vec()).collect(),
        }
    }
    fn p(lines: &[&[u8]], lits: &[&[u8]]) -> Response {
        let mut env = Collect::default();
        parse(&raw(lines, lits), Limits::default(), &mut env)
            .0
            .unwrap()
    }

    #[test]
    fn quoted_strings_exact() {
        let r = raw(&[b"\"a\\\"b\\\\c\" \"\" rest"], &[]);
        let mut c = Cursor::new(&r, Limits::default());
        let v = c.nstring().unwrap().unwrap();
        assert_eq!(v, b"a\"b\\c");
        assert_eq!(v.capacity(), v.len() + 1);
        assert_eq!(c.nstring().unwrap().unwrap(), b"");
        assert_eq!(c.rest(), b" rest");
        for bad in [&b"\"abc"[..], b"\"ab\\", b"\""] {
            let r = raw(&[bad], &[]);
            assert!(Cursor::new(&r, Limits::default()).nstring().is_err());
        }
    }

    #[test]
    fn body_extension_levels() {
        struct Lv(Collect, u32);
        impl ParseEnv for Lv {
            fn log_parse(&mut self, m: &[u8]) {
                self.0.log_parse(m)
            }
            fn body_types(&mut self) -> &mut dyn crate::message::model::NameTable {
                self.0.body_types()
            }
            fn body_encodings(&mut self) -> &mut dyn crate::message::model::NameTable {
                self.0.body_encodings()
            }
            fn body_extension(&mut self, level: u32) {
                self.1 = self.1.max(level);
            }
        }
        for (text, level) in [
            (&b"(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1)"[..], 0),
            (b"(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1 NIL)", 1),
            (
                b"(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1 NIL NIL NIL NIL)",
                4,
            ),
            (
                b"((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1) \"MIXED\" NIL NIL)",
                2,
            ),
        ] {
            let r = raw(&[text], &[]);
            let mut env = Lv(Collect::default(), 0);
            Cursor::new(&r, Limits::default()).body(&mut env).unwrap();
            assert_eq!(env.1, level, "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn tagged_and_codes() {
        assert_eq!(
            p(&[b"A1 OK [READ-WRITE] SELECT completed"], &[]),
            Response::Tagged(
                b"A1".to_vec(),
                Cond::Ok,
                Some(Code::ReadWrite),
                b"[READ-WRITE] SELECT completed".to_vec()
            )
        );
        assert_eq!(
            p(&[b"* OK [UIDVALIDITY 3857529045] UIDs valid"], &[]),
            Response::Untagged(Untagged::Cond(
                Cond::Ok,
                Some(Code::UidValidity(3857529045)),
                b"[UIDVALIDITY 3857529045] UIDs valid".to_vec()
            ))
        );
        match p(&[b"A3 OK [COPYUID 38505 304,319:320 3956:3958] Done"], &[]) {
            Response::Tagged(_, _, Some(Code::CopyUid(v, s, d)), _) => {
                assert_eq!(v, 38505);
                assert_eq!(s, vec![304, 319, 320]);
                assert_eq!(d, vec![3956, 3957, 3958]);
            }
            r => panic!("{r:?}"),
        }
        match p(
            &[b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited"],
            &[],
        ) {
            Response::Untagged(Untagged::Cond(_, Some(Code::PermanentFlags(f)), _)) => {
                assert_eq!(f.len(), 3)
            }
            r => panic!("{r:?}"),
        }
    }

    #[test]
    fn fetch_with_literal_and_structure() {
        let r = p(
            &[
                b"* 12 FETCH (FLAGS (\\Seen) UID 7 RFC822.SIZE 44827 BODY[HEADER]<0> {5}",
                b" BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\"))",
            ],
            &[b"ab\r\nc"],
        );
        let Response::Untagged(Untagged::Fetch(12, items)) = r else {
            panic!()
        };
        assert_eq!(items[0], FetchItem::Flags(vec![b"\\Seen".to_vec()]));
        assert_eq!(items[1], FetchItem::Uid(7));
        assert_eq!(items[2], FetchItem::Size(44827));
        assert_eq!(
            items[3],
            FetchItem::Section {
                section: b"HEADER"[..].into(),
                origin: Some(0),
                data: Some(b"ab\r\nc".to_vec())
            }
        );
        let FetchItem::Structure(b) = &items[4] else {
            panic!()
        };
        assert_eq!(b.type_, TYPEMULTIPART);
        let Nested::Parts(parts) = &b.nested else {
            panic!()
        };
        assert_eq!(parts[1].encoding, 3);
        assert_eq!(parts[1].size_lines, 73);
    }

    #[test]
    fn internaldate_and_section_names() {
        let long = "17-Jul-1996 02:44:25 -0700 and more than forty bytes";
        let line = "* 3 FETCH (INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" BODY[header] {2}";
        let tail = format!(
            " INTERNALDATE \"{long}\" BODY[1.mime] NIL RFC822.TEXT NIL BODY[] NIL RFC822 NIL)"
        );
        let r = p(&[line.as_bytes(), tail.as_bytes()], &[b"h\n"]);
        let Response::Untagged(Untagged::Fetch(3, items)) = r else {
            panic!()
        };
        let date = |i: usize| match &items[i] {
            FetchItem::InternalDate(d) => d.as_bytes().to_vec(),
            other => panic!("{other:?}"),
        };
        let section = |i: usize| match &items[i] {
            FetchItem::Section { section, .. } => section.to_vec(),
            other => panic!("{other:?}"),
        };
        assert_eq!(date(0), b"17-Jul-1996 02:44:25 -0700");
        assert_eq!(section(1), b"HEADER");
        assert_eq!(date(2), long.as_bytes());
        assert_eq!(section(3), b"1.MIME");
        assert_eq!(section(4), b"TEXT");
        assert_eq!(section(5), b"");
        assert_eq!(section(6), b"RFC822");
    }

    #[test]
    fn envelope() {
        let r = p(&[b"* 1 FETCH (ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) NIL NIL ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \"<B27397-0100000@cac.washington.edu>\"))"], &[]);
        let Response::Untagged(Untagged::Fetch(1, items)) = r else {
            panic!()
        };
        let FetchItem::Envelope(e) = &items[0] else {
            panic!()
        };
        assert_eq!(e.from[0].mailbox.as_deref(), Some(&b"gray"[..]));
        assert_eq!(e.cc.len(), 2);
        assert!(e.sender.is_empty());
    }

    #[test]
    fn single_items_for_the_internal_exports() {
        // NAMESPACE with extension data, the three lists in a row.
        let r = raw(
            &[b"((\"\" \"/\")(\"Mail/\" \"/\")) NIL ((\"#shared/\" \"/\" \"X-PARAM\" (\"v1\" \"v2\"))(\"#pub.\" NIL)) end"],
            &[],
        );
        let mut c = Cursor::new(&r, Limits::default());
        let personal = c.namespace().unwrap();
        assert_eq!(personal.len(), 2);
        assert_eq!(personal[1].name, b"Mail/");
        assert_eq!(personal[1].delimiter, Some(b'/'));
        assert!(c.namespace().unwrap().is_empty());
        let shared = c.namespace().unwrap();
        assert_eq!(shared.len(), 2);
        assert_eq!(
            shared[0].params,
            vec![
                (Some(b"X-PARAM".to_vec()), b"v1".to_vec()),
                (None, b"v2".to_vec())
            ]
        );
        assert_eq!(shared[1].delimiter, None);
        assert_eq!(c.rest_text(), b"end");
        // THREAD groups stop before what follows them.
        let r = raw(&[b"(2)(3 6 (4 23)(44 7 96)) tail"], &[]);
        let mut c = Cursor::new(&r, Limits::default());
        let t = c.threads().unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].num, 3);
        assert_eq!(t[1].children[0].children.len(), 2);
        assert_eq!(c.offset(), (0, 24));
        // Addresses without the list's parentheses; a string list with a
        // literal.
        let r = raw(
            &[b"(\"A\" NIL \"a\" \"x.org\")(NIL NIL \"b\" NIL)) more"],
            &[],
        );
        let mut c = Cursor::new(&r, Limits::default());
        let a = c.addresses().unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[1].host, None);
        assert_eq!(c.offset(), (0, 38));
        let r = raw(&[b"(\"one\" {3}", b" atom)"], &[b"two"]);
        let mut c = Cursor::new(&r, Limits::default());
        assert_eq!(
            c.string_list().unwrap(),
            Some(vec![b"one".to_vec(), b"two".to_vec(), b"atom".to_vec()])
        );
        // Garbage fails cleanly.
        for bad in [&b"((\"x\""[..], b"(((", b"(\"a\" \"/\" \"X\""] {
            let r = raw(&[bad], &[]);
            assert!(Cursor::new(&r, Limits::default()).namespace().is_err());
        }
    }

    #[test]
    fn lists_and_thread() {
        assert_eq!(
            p(&[b"* LIST (\\HasNoChildren) \"/\" \"a b\""], &[]),
            Response::Untagged(Untagged::List {
                lsub: false,
                attributes: vec![b"\\HasNoChildren".to_vec()],
                delimiter: Some(b'/'),
                name: b"a b".to_vec()
            })
        );
        let Response::Untagged(Untagged::Thread(t)) =
            p(&[b"* THREAD (2)(3 6 (4 23)(44 7 96))"], &[])
        else {
            panic!()
        };
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].num, 3);
        assert_eq!(t[1].children[0].num, 6);
        assert_eq!(t[1].children[0].children.len(), 2);
        assert_eq!(
            p(&[b"* SEARCH 2 84 882"], &[]),
            Response::Untagged(Untagged::Search(vec![2, 84, 882]))
        );
        assert_eq!(
            p(&[b"* QUOTA \"User quota\" (STORAGE 10 102400)"], &[]),
            Response::Untagged(Untagged::Quota(
                b"User quota".to_vec(),
                vec![(b"STORAGE".to_vec(), 10, 102400)]
            ))
        );
    }

    #[test]
    fn hostile_inputs_fail_cleanly() {
        let mut env = Collect::default();
        let deep = {
            let mut s = b"* 1 FETCH (BODYSTRUCTURE ".to_vec();
            s.extend(std::iter::repeat_n(b'(', 10_000));
            s
        };
        for l in [
            &b"* 1 FETCH (BODYSTRUCTURE (\"TEXT\""[..],
            b"* 1 FETCH (ENVELOPE (",
            b"* 99999999999 EXISTS",
            b"* 1 FETCH (BODY[HEADER {5}",
            b"* 1 FETCH (FLAGS",
            b"A1 WHAT",
            b"",
            &deep,
        ] {
            let r = parse(&raw(&[l], &[]), Limits::default(), &mut env).0;
            assert!(r.is_err(), "{:?}", String::from_utf8_lossy(l));
        }
        assert_eq!(RawResponse::literal_size(b"x {-1}"), Some(Err(())));
        assert_eq!(RawResponse::literal_size(b"x {12}"), Some(Ok(12)));
        assert_eq!(RawResponse::literal_size(b"x {12+}"), Some(Ok(12)));
    }

    #[test]
    fn id_and_enabled() {
        assert_eq!(
            p(&[b"* ID NIL"], &[]),
            Response::Untagged(Untagged::Id(None))
        );
        assert_eq!(
            p(
                &[b"* ID (\"name\" \"Dovecot\" \"os\" NIL \"x\" {2}", b")"],
                &[b"ab"]
            ),
            Response::Untagged(Untagged::Id(Some(vec![
                (b"name".to_vec(), Some(b"Dovecot".to_vec())),
                (b"os".to_vec(), None),
                (b"x".to_vec(), Some(b"ab".to_vec())),
            ])))
        );
        assert_eq!(
            p(&[b"* ENABLED UTF8=ACCEPT CONDSTORE"], &[]),
            Response::Untagged(Untagged::Enabled(vec![
                b"UTF8=ACCEPT".to_vec(),
                b"CONDSTORE".to_vec()
            ]))
        );
        let mut env = Collect::default();
        assert!(
            parse(&raw(&[b"* ID (\"a\""], &[]), Limits::default(), &mut env)
                .0
                .is_err()
        );
    }
}
