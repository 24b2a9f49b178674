//! The "phile" driver: any plain file that no mailbox format claims, shown
//! read-only as a mailbox of one message. The message is made up from the
//! file: its owner is the sender, its path the subject, its modification
//! time the date, and its bytes the body, typed as text (with a guessed
//! charset) or as base64 application/octet-stream.

use super::events::{Events, Level, Status};
use super::flags::Flags;
use super::mailbox::{
    AppendMessage, Driver, Error, Mailbox, MessageInfo, MsgSet, OpenOptions, Result,
};
use super::names::LocalName;
use crate::env::user;
use crate::message::date::{zone_offset_minutes, MailDate, DAYS, MONTHS};
use crate::message::encoding::{base64_encode, to_crlf};
use crate::message::model::{
    Address, Body, Envelope, Parameter, VecTable, ENC7BIT, ENC8BIT, ENCBASE64, TYPEAPPLICATION,
    TYPETEXT,
};
use crate::message::write::output_header;
use crate::os::clock;
use std::borrow::Cow;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;

/// What a scan of the file's bytes found (the original's PTYPE* bits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextKind {
    pub eight_bit: bool,
    /// A CR was seen: the text already has Internet line ends.
    pub has_cr: bool,
    pub iso2022_jp: bool,
    pub iso2022_kr: bool,
    pub iso2022_cn: bool,
}

impl TextKind {
    /// The charset parameter the original gives such text.
    pub fn charset(&self) -> &'static [u8] {
        if self.iso2022_jp {
            b"ISO-2022-JP"
        } else if self.iso2022_kr {
            b"ISO-2022-KR"
        } else if self.iso2022_cn {
            b"ISO-2022-CN"
        } else if self.eight_bit {
            b"X-UNKNOWN"
        } else {
            b"US-ASCII"
        }
    }
}

/// Classifies `data` as text (with the number of LFs) or binary (None), as
/// the original's phile_type does: a control character other than BEL, BS,
/// TAB, LF, VT, FF, CR, SO, SI and ESC, or DEL, makes it binary.
pub fn classify(data: &[u8]) -> Option<(TextKind, u64)> {
    let mut kind = TextKind::default();
    let mut lines = 0;
    let at = |i: usize| data.get(i).copied().unwrap_or(0);
    for (i, &c) in data.iter().enumerate() {
        match c {
            b'\n' => lines += 1,
            b'\r' => kind.has_cr = true,
            0x1b if at(i + 1) == b'$' => {
                let (second, third) = (at(i + 2), at(i + 3));
                let cn_tail = matches!(third, b'I'..=b'M');
                // The original's cases for ')' and '*' fall through to
                // the later ones, so their tests apply as well.
                match second {
                    b'B' | b'@' => kind.iso2022_jp = true,
                    b')' => match third {
                        b'A' | b'E' | b'G' | b'H' => kind.iso2022_cn = true,
                        b'C' => kind.iso2022_kr = true,
                        _ if cn_tail => kind.iso2022_cn = true,
                        _ => {}
                    },
                    b'*' if third == b'H' || cn_tail => kind.iso2022_cn = true,
                    b'+' if cn_tail => kind.iso2022_cn = true,
                    _ => {}
                }
            }
            0..=6 | 16..=26 | 28..=31 | 127 => return None,
            128..=255 => kind.eight_bit = true,
            _ => {}
        }
    }
    Some((kind, lines))
}

/// The phile driver.
pub struct PhileDriver;

/// The one driver value, for the registry.
pub static PHILE: PhileDriver = PhileDriver;

/// The file behind `name`: never INBOX.
fn file_of(name: &[u8]) -> Option<Vec<u8>> {
    match user::mailbox_file(name)? {
        LocalName::Path(p) if !p.is_empty() => Some(p),
        _ => None,
    }
}

fn metadata(path: &[u8]) -> Option<std::fs::Metadata> {
    std::fs::metadata(std::ffi::OsStr::from_bytes(path)).ok()
}

fn is_ftp_name(name: &[u8]) -> bool {
    name.len() >= 5 && name[..4].eq_ignore_ascii_case(b"#ftp") && name[4] == b'/'
}

/// Internal date and Date: header text of a modification time, in local
/// time with its zone, as the original computes them.
fn file_date(mtime: i64) -> (MailDate, Vec<u8>) {
    let (Some(local), Some(utc)) = (clock::local(mtime), clock::utc(mtime)) else {
        return (MailDate::default(), Vec::new());
    };
    let offset = zone_offset_minutes(&local, &utc);
    let west = offset < 0;
    let abs = offset.unsigned_abs();
    let date = MailDate::from_fields(
        local.mday as u32,
        (local.mon + 1) as u32,
        (local.year - 70) as u32,
        local.hour as u32,
        local.min as u32,
        local.sec as u32,
        west,
        abs / 60,
        abs % 60,
    );
    let text = format!(
        "{}, {} {} {} {:02}:{:02}:{:02} {}{:02}{:02}",
        DAYS.get(local.wday as usize).unwrap_or(&"Sun"),
        local.mday,
        MONTHS.get(local.mon as usize).unwrap_or(&"Jan"),
        local.year + 1900,
        local.hour,
        local.min,
        local.sec,
        if west { '-' } else { '+' },
        date.zhours,
        date.zminutes,
    );
    (date, text.into_bytes())
}

impl Driver for PhileDriver {
    fn name(&self) -> &'static str {
        "phile"
    }

    fn valid(&self, name: &[u8]) -> bool {
        let Some(path) = file_of(name) else {
            return false;
        };
        // Empty files belong to the empty-mailbox format, except on #ftp/.
        metadata(&path).is_some_and(|m| !m.is_dir() && (m.len() > 0 || is_ftp_name(name)))
    }

    fn open(
        &self,
        name: &[u8],
        _options: OpenOptions,
        _ev: &mut dyn Events,
    ) -> Result<Box<dyn Mailbox>> {
        let refuse = || {
            let mut t = b"Unable to open file ".to_vec();
            t.extend_from_slice(name);
            Error::new(t)
        };
        let path = file_of(name).ok_or_else(refuse)?;
        let meta = metadata(&path).ok_or_else(refuse)?;
        let data = std::fs::read(std::ffi::OsStr::from_bytes(&path)).map_err(|_| refuse())?;
        Ok(Box::new(PhileMailbox::new(path, &meta, data)))
    }

    // A plain file is created, deleted and renamed as the dummy driver does
    // it (the original's phile slots are the dummy driver's functions).
    fn create(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        super::dummy::DRIVER.create(name, ev)
    }

    fn delete(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        super::dummy::DRIVER.delete(name, ev)
    }

    fn rename(&self, old: &[u8], new: &[u8], ev: &mut dyn Events) -> Result<()> {
        super::dummy::DRIVER.rename(old, new, ev)
    }

    fn append(&self, name: &[u8], _messages: &[AppendMessage], _ev: &mut dyn Events) -> Result<()> {
        let mut text = Vec::new();
        match file_of(name) {
            Some(p) => {
                text.extend_from_slice(b"Can't append - not in valid mailbox format: ");
                text.extend_from_slice(&p[..p.len().min(80)]);
            }
            None => {
                text.extend_from_slice(b"Can't append - invalid name: ");
                text.extend_from_slice(&name[..name.len().min(80)]);
            }
        }
        Err(Error::new(text))
    }

    fn status(&self, name: &[u8], _ev: &mut dyn Events) -> Result<Status> {
        let meta = file_of(name)
            .and_then(|p| metadata(&p))
            .ok_or_else(Error::reported)?;
        Ok(Status {
            messages: Some(1),
            recent: Some(1),
            unseen: Some(1),
            uid_next: Some(1),
            uid_validity: Some(meta.mtime() as u32),
        })
    }
}

/// An open plain file.
pub struct PhileMailbox {
    path: Vec<u8>,
    info: MessageInfo,
    uid_validity: u32,
    header: Vec<u8>,
    text: Vec<u8>,
    envelope: Envelope,
    body: Body,
}

impl PhileMailbox {
    fn new(path: Vec<u8>, meta: &std::fs::Metadata, data: Vec<u8>) -> Self {
        let (date, date_text) = file_date(meta.mtime());
        let owner = user::user_name_of(meta.uid())
            .unwrap_or_else(|| format!("User-Number-{}", meta.uid()).into_bytes());
        let envelope = Envelope {
            date: Some(date_text),
            from: vec![Address {
                mailbox: Some(owner),
                host: Some(user::local_host()),
                ..Address::default()
            }],
            subject: Some(path.clone()),
            ..Envelope::default()
        };
        let mut body = Body::default();
        let text = match classify(&data) {
            Some((kind, lines)) => {
                body.type_ = TYPETEXT;
                body.subtype = Some(b"PLAIN".to_vec());
                body.parameter = vec![Parameter {
                    attribute: b"charset".to_vec(),
                    value: Some(kind.charset().to_vec()),
                }];
                body.encoding = if kind.eight_bit { ENC8BIT } else { ENC7BIT };
                body.size_lines = lines;
                if kind.has_cr {
                    data
                } else {
                    to_crlf(&data)
                }
            }
            None => {
                body.type_ = TYPEAPPLICATION;
                body.subtype = Some(b"OCTET-STREAM".to_vec());
                let base = match path.iter().rposition(|&c| c == b'/') {
                    Some(i) => &path[i + 1..],
                    None => &path[..],
                };
                body.parameter = vec![Parameter {
                    attribute: b"name".to_vec(),
                    value: Some(base.to_vec()),
                }];
                body.encoding = ENCBASE64;
                base64_encode(&data)
            }
        };
        let mut header = Vec::new();
        output_header(
            &mut header,
            &envelope,
            Some(&body),
            false,
            &VecTable::body_types(),
            &VecTable::body_encodings(),
        );
        body.size_bytes = text.len() as u64;
        body.contents.size = text.len() as u64;
        let info = MessageInfo {
            uid: 1,
            flags: Flags::RECENT,
            keywords: 0,
            internal_date: date,
            size: (header.len() + text.len()) as u32,
        };
        PhileMailbox {
            path,
            info,
            uid_validity: meta.mtime() as u32,
            header,
            text,
            envelope,
            body,
        }
    }

    /// The file's path, which becomes the stream's mailbox name.
    pub fn path(&self) -> &[u8] {
        &self.path
    }
}

impl Mailbox for PhileMailbox {
    fn driver_name(&self) -> &'static str {
        "phile"
    }
    fn count(&self) -> u32 {
        1
    }
    fn info(&self, _msgno: u32) -> MessageInfo {
        self.info.clone()
    }
    fn uid_validity(&self) -> u32 {
        self.uid_validity
    }
    fn uid_last(&self) -> u32 {
        1
    }
    fn keywords(&self) -> &[Vec<u8>] {
        &[]
    }
    fn read_only(&self) -> bool {
        true
    }
    fn flags_in_cache(&self) -> bool {
        true
    }
    fn header(&mut self, _msgno: u32, _ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        Ok(Cow::Borrowed(&self.header))
    }
    fn text(&mut self, _msgno: u32, _ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        Ok(Cow::Borrowed(&self.text))
    }
    fn mailbox_name(&self) -> Option<&[u8]> {
        Some(&self.path)
    }
    fn structure(&mut self, _msgno: u32) -> Option<(Envelope, Body)> {
        Some((self.envelope.clone(), self.body.clone()))
    }
    /// Flags live for the session only: the file is never written.
    fn store_flags(
        &mut self,
        set: MsgSet,
        flags: Flags,
        keywords: u32,
        silent: bool,
        ev: &mut dyn Events,
    ) -> Result<()> {
        if set.contains(&1) {
            let new = Flags(flags.0 & Flags::SETTABLE.0)
                .union(Flags(self.info.flags.0 & Flags::RECENT.0));
            let changed = new != self.info.flags || keywords != self.info.keywords;
            self.info.flags = new;
            self.info.keywords = keywords;
            if changed && !silent {
                ev.flags(1);
            }
        }
        Ok(())
    }
    fn keyword_index(&mut self, _name: &[u8], _create: bool) -> Option<usize> {
        None
    }
    fn ping(&mut self, _ev: &mut dyn Events) -> Result<bool> {
        Ok(true)
    }
    fn check(&mut self, ev: &mut dyn Events) -> Result<()> {
        ev.log(b"Check completed", Level::Info);
        Ok(())
    }
    fn expunge(&mut self, _set: Option<MsgSet>, ev: &mut dyn Events) -> Result<u32> {
        ev.log(b"Expunge ignored on readonly mailbox", Level::Info);
        Ok(0)
    }
    fn messages_for_copy(
        &mut self,
        _set: MsgSet,
        _ev: &mut dyn Events,
    ) -> Result<Vec<AppendMessage>> {
        let mut t = b"Can't copy - file \"".to_vec();
        t.extend_from_slice(&self.path);
        t.extend_from_slice(b"\" is not in valid mailbox format");
        Err(Error::new(t))
    }
    fn close(&mut self, _expunge: bool, _ev: &mut dyn Events) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_like_the_original() {
        assert_eq!(classify(b"hello\nworld\n").map(|(_, n)| n), Some(2));
        assert_eq!(classify(b"a\x00b"), None);
        assert_eq!(classify(b"a\x7fb"), None);
        assert_eq!(
            classify(b"\x07\x08\t\x0b\x0c\x0e\x0f"),
            Some((TextKind::default(), 0))
        );
        let (k, _) = classify(b"caf\xe9\r\n").unwrap();
        assert!(k.eight_bit && k.has_cr);
        assert_eq!(k.charset(), b"X-UNKNOWN");
        assert_eq!(classify(b"\x1b$B").unwrap().0.charset(), b"ISO-2022-JP");
        assert_eq!(classify(b"\x1b$)C").unwrap().0.charset(), b"ISO-2022-KR");
        assert_eq!(classify(b"\x1b$)A").unwrap().0.charset(), b"ISO-2022-CN");
        // Fall-through of the original's switch: ')' then 'H' or 'I'..'M'.
        assert_eq!(classify(b"\x1b$)H").unwrap().0.charset(), b"ISO-2022-CN");
        assert_eq!(classify(b"\x1b$)K").unwrap().0.charset(), b"ISO-2022-CN");
        assert_eq!(classify(b"\x1b$*H").unwrap().0.charset(), b"ISO-2022-CN");
        assert_eq!(classify(b"\x1b$+M").unwrap().0.charset(), b"ISO-2022-CN");
        assert_eq!(classify(b"\x1b$+H").unwrap().0.charset(), b"US-ASCII");
        // An escape at the very end reads nothing past the data.
        assert_eq!(classify(b"x\x1b").unwrap().0.charset(), b"US-ASCII");
    }

    #[test]
    fn text_file_becomes_one_crlf_message() {
        let dir = std::env::temp_dir().join(format!("phile-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("notes.txt");
        std::fs::write(&file, b"line one\nline two\n").unwrap();
        let meta = std::fs::metadata(&file).unwrap();
        let path = file.as_os_str().as_bytes().to_vec();
        let mut mb = PhileMailbox::new(path.clone(), &meta, std::fs::read(&file).unwrap());
        let mut ev = super::super::events::Recorder::new();
        assert_eq!(&*mb.text(1, &mut ev).unwrap(), b"line one\r\nline two\r\n");
        let header = mb.header(1, &mut ev).unwrap().into_owned();
        let header = String::from_utf8(header).unwrap();
        assert!(header.starts_with("Date: "), "{header}");
        assert!(header.contains(&format!("Subject: {}\r\n", file.display())));
        assert!(header.contains("Content-Type: TEXT/PLAIN; charset=US-ASCII\r\n"));
        assert!(header.ends_with("\r\n\r\n"));
        assert_eq!(mb.info(1).size as usize, header.len() + 20);
        assert!(mb.read_only());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn binary_file_becomes_base64() {
        let dir = std::env::temp_dir().join(format!("phile-bin-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("blob.bin");
        std::fs::write(&file, b"\x00\x01\x02").unwrap();
        let meta = std::fs::metadata(&file).unwrap();
        let mut mb = PhileMailbox::new(
            file.as_os_str().as_bytes().to_vec(),
            &meta,
            std::fs::read(&file).unwrap(),
        );
        let mut ev = super::super::events::Recorder::new();
        assert_eq!(&*mb.text(1, &mut ev).unwrap(), b"AAEC\r\n");
        let (_, body) = mb.structure(1).unwrap();
        assert_eq!(body.type_, TYPEAPPLICATION);
        assert_eq!(body.encoding, ENCBASE64);
        assert_eq!(body.parameter[0].value.as_deref(), Some(&b"blob.bin"[..]));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
