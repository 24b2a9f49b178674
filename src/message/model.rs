//! The message model: safe mirrors of the original's `ADDRESS`, `ENVELOPE`,
//! `BODY`, `PARAMETER`, `PART` and `MESSAGE` records.
//!
//! Strings are byte vectors (headers may carry 8-bit data); `None` stands for
//! the C library's NIL pointer. Linked lists become `Vec`s in list order.

/// Body type codes (`TYPE*` in mail.h).
pub const TYPETEXT: u16 = 0;
pub const TYPEMULTIPART: u16 = 1;
pub const TYPEMESSAGE: u16 = 2;
pub const TYPEAPPLICATION: u16 = 3;
pub const TYPEAUDIO: u16 = 4;
pub const TYPEIMAGE: u16 = 5;
pub const TYPEVIDEO: u16 = 6;
pub const TYPEMODEL: u16 = 7;
pub const TYPEOTHER: u16 = 8;
pub const TYPEMAX: usize = 15;

/// Transfer encoding codes (`ENC*` in mail.h).
pub const ENC7BIT: u16 = 0;
pub const ENC8BIT: u16 = 1;
pub const ENCBINARY: u16 = 2;
pub const ENCBASE64: u16 = 3;
pub const ENCQUOTEDPRINTABLE: u16 = 4;
pub const ENCOTHER: u16 = 5;
pub const ENCMAX: usize = 10;

/// Limits of the original (rfc822.h).
pub const MAXGROUPDEPTH: u64 = 50;
pub const MAXMIMEDEPTH: u64 = 50;

/// Host names the original substitutes (mail.h `BADHOST` / `ERRHOST`).
pub const BADHOST: &[u8] = b".MISSING-HOST-NAME.";
pub const ERRHOST: &[u8] = b".SYNTAX-ERROR.";

/// Driver flag: the text already uses CRLF line ends (mail.h `DR_CRLF`).
pub const DR_CRLF: u64 = 0x200;

/// One entry of an address list. A group is a start entry (mailbox = group
/// name, host = None) followed by members and an end entry (all None).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    pub personal: Option<Vec<u8>>,
    pub adl: Option<Vec<u8>>,
    pub mailbox: Option<Vec<u8>>,
    pub host: Option<Vec<u8>>,
    pub error: Option<Vec<u8>>,
    pub orcpt_type: Option<Vec<u8>>,
    pub orcpt_addr: Option<Vec<u8>>,
}

/// `ENVELOPE`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Envelope {
    pub incomplete: bool,
    pub imapenvonly: bool,
    pub remail: Option<Vec<u8>>,
    pub return_path: Vec<Address>,
    pub date: Option<Vec<u8>>,
    pub from: Vec<Address>,
    pub sender: Vec<Address>,
    pub reply_to: Vec<Address>,
    pub subject: Option<Vec<u8>>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub bcc: Vec<Address>,
    pub in_reply_to: Option<Vec<u8>>,
    pub message_id: Option<Vec<u8>>,
    pub newsgroups: Option<Vec<u8>>,
    pub followup_to: Option<Vec<u8>>,
    pub references: Option<Vec<u8>>,
}

/// `PARAMETER`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parameter {
    pub attribute: Vec<u8>,
    pub value: Option<Vec<u8>>,
}

/// `PARTTEXT`: an offset from the body origin plus a sized text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartText {
    pub offset: u64,
    /// `text.data`; parsing leaves it unset, writers may fill it.
    pub data: Option<Vec<u8>>,
    /// `text.size`.
    pub size: u64,
}

/// `MESSAGE`: an encapsulated message/rfc822.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    pub env: Option<Box<Envelope>>,
    pub body: Option<Box<Body>>,
    pub full: PartText,
    pub header: PartText,
    pub text: PartText,
}

/// The `nested` union of `BODY`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Nested {
    #[default]
    None,
    /// `nested.part`: a multipart's parts, in order.
    Parts(Vec<Body>),
    /// `nested.msg`.
    Msg(Box<Message>),
}

/// `BODY`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub type_: u16,
    pub encoding: u16,
    pub subtype: Option<Vec<u8>>,
    pub parameter: Vec<Parameter>,
    pub id: Option<Vec<u8>>,
    pub description: Option<Vec<u8>>,
    pub disposition_type: Option<Vec<u8>>,
    pub disposition_parameter: Vec<Parameter>,
    /// `language` (a STRINGLIST); `None` is NIL.
    pub language: Option<Vec<Vec<u8>>>,
    pub location: Option<Vec<u8>>,
    pub mime: PartText,
    pub contents: PartText,
    pub nested: Nested,
    pub size_lines: u64,
    pub size_bytes: u64,
    pub md5: Option<Vec<u8>>,
}

impl Default for Body {
    /// What `mail_newbody`/`mail_initbody` produce: TEXT, 7BIT, all else empty.
    fn default() -> Self {
        Body {
            type_: TYPETEXT,
            encoding: ENC7BIT,
            subtype: None,
            parameter: Vec::new(),
            id: None,
            description: None,
            disposition_type: None,
            disposition_parameter: Vec::new(),
            language: None,
            location: None,
            mime: PartText::default(),
            contents: PartText::default(),
            nested: Nested::None,
            size_lines: 0,
            size_bytes: 0,
            md5: None,
        }
    }
}

/// A process-wide name table (`body_types` / `body_encodings`): slots
/// `0..=max()`, unused slots empty, new names appended at run time.
pub trait NameTable {
    /// Name at slot `i`, or `None` for an empty slot.
    fn get(&self, i: usize) -> Option<&[u8]>;
    /// Store a new (already upper-cased) name in an empty slot.
    fn set(&mut self, i: usize, name: Vec<u8>);
    /// Highest slot index (`TYPEMAX` / `ENCMAX`).
    fn max(&self) -> usize;
}

/// A `NameTable` held in Rust memory, initialised as the original's tables.
#[derive(Debug, Clone)]
pub struct VecTable {
    slots: Vec<Option<Vec<u8>>>,
}

impl VecTable {
    fn with(names: &[&[u8]], max: usize) -> Self {
        let mut slots: Vec<Option<Vec<u8>>> = vec![None; max + 1];
        for (slot, n) in slots.iter_mut().zip(names) {
            *slot = Some(n.to_vec());
        }
        VecTable { slots }
    }
    /// The initial `body_types` table.
    pub fn body_types() -> Self {
        Self::with(
            &[
                b"TEXT",
                b"MULTIPART",
                b"MESSAGE",
                b"APPLICATION",
                b"AUDIO",
                b"IMAGE",
                b"VIDEO",
                b"MODEL",
                b"X-UNKNOWN",
            ],
            TYPEMAX,
        )
    }
    /// The initial `body_encodings` table.
    pub fn body_encodings() -> Self {
        Self::with(
            &[
                b"7BIT",
                b"8BIT",
                b"BINARY",
                b"BASE64",
                b"QUOTED-PRINTABLE",
                b"X-UNKNOWN",
            ],
            ENCMAX,
        )
    }
}

impl NameTable for VecTable {
    fn get(&self, i: usize) -> Option<&[u8]> {
        self.slots.get(i).and_then(|s| s.as_deref())
    }
    fn set(&mut self, i: usize, name: Vec<u8>) {
        if let Some(s) = self.slots.get_mut(i) {
            *s = Some(name);
        }
    }
    fn max(&self) -> usize {
        self.slots.len().saturating_sub(1)
    }
}

/// What the parser needs from its surroundings: the `mm_log(…, PARSE)` sink,
/// the two writable name tables, and the optional application hooks
/// (`GET_PARSELINE`, `GET_PARSEPHRASE`).
pub trait ParseEnv {
    /// A parse warning, worded as the original's `mm_log(msg, PARSE)`.
    fn log_parse(&mut self, msg: &[u8]);
    fn body_types(&mut self) -> &mut dyn NameTable;
    fn body_encodings(&mut self) -> &mut dyn NameTable;
    /// Called for every header line (upper-cased name, value) before the
    /// built-in handling, as the original's `parseline_t` hook.
    fn parse_line(&mut self, _env: &mut Envelope, _name: &[u8], _value: &[u8], _host: &[u8]) {}
    /// True when `parse_line` does something with lines the parse itself
    /// ignores: the parser then unfolds and hands over every line.
    fn sees_every_line(&mut self) -> bool {
        false
    }
    /// `parsephrase_t` hook: turn a bare phrase into an address list.
    fn parse_phrase(&mut self, _phrase: &[u8], _host: &[u8]) -> Option<Vec<Address>> {
        None
    }
    /// True to receive multipart parts one by one as they are parsed
    /// instead of in `Nested::Parts` (a caller that converts them then never
    /// holds a whole list twice). For each multipart the parser calls
    /// `begin_parts`, `take_part` for every part in order (each complete,
    /// with its own multiparts already handed over the same way), then
    /// `end_parts`, and leaves the multipart's `Nested::Parts` empty.
    fn streams_parts(&self) -> bool {
        false
    }
    /// A body structure carried extension data up to `level` (1: MD5,
    /// 2: disposition, 3: language, 4: location), present even if NIL.
    fn body_extension(&mut self, _level: u32) {}
    fn begin_parts(&mut self) {}
    fn take_part(&mut self, _part: Body) {}
    fn end_parts(&mut self) {}
}

/// A self-contained `ParseEnv` for Rust callers and tests: records warnings
/// and owns its tables.
#[derive(Debug, Clone)]
pub struct Collect {
    pub warnings: Vec<Vec<u8>>,
    pub types: VecTable,
    pub encodings: VecTable,
}

impl Default for Collect {
    fn default() -> Self {
        Collect {
            warnings: Vec::new(),
            types: VecTable::body_types(),
            encodings: VecTable::body_encodings(),
        }
    }
}

impl ParseEnv for Collect {
    fn log_parse(&mut self, msg: &[u8]) {
        self.warnings.push(msg.to_vec());
    }
    fn body_types(&mut self) -> &mut dyn NameTable {
        &mut self.types
    }
    fn body_encodings(&mut self) -> &mut dyn NameTable {
        &mut self.encodings
    }
}
