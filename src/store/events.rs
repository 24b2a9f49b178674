//! What a mailbox reports while it works: new and expunged messages, flag
//! changes, notices and log lines, LIST/LSUB/STATUS answers.
//!
//! The core never calls the application. It reports through [`Events`];
//! the C adapter records the events during a core call and delivers them to
//! the program's `mm_*` callbacks once the call has returned, because those
//! callbacks may re-enter the library. Rust tests implement the trait to
//! watch a mailbox work.

/// Severity of a log line or notice, the original's `NIL`/`WARN`/`ERROR`/
/// `PARSE`/`BYE` levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
    Parse,
    Bye,
}

/// Mailbox counts for `mail_status` (each present when asked for).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    pub messages: Option<u32>,
    pub recent: Option<u32>,
    pub unseen: Option<u32>,
    pub uid_next: Option<u32>,
    pub uid_validity: Option<u32>,
}

/// LIST/LSUB attributes, the original's `LATT_*` bits.
pub mod attributes {
    pub const NOINFERIORS: i64 = 1;
    pub const NOSELECT: i64 = 2;
    pub const MARKED: i64 = 4;
    pub const UNMARKED: i64 = 8;
    pub const REFERRAL: i64 = 16;
    pub const HASCHILDREN: i64 = 32;
    pub const HASNOCHILDREN: i64 = 64;
}

/// Receiver of everything a driver reports.
pub trait Events {
    /// The mailbox now holds `count` messages (never fewer than before
    /// except after `expunged`).
    fn exists(&mut self, count: u32);
    /// `count` of the messages are recent.
    fn recent(&mut self, count: u32);
    /// Message `msgno` is gone; later numbers shift down by one.
    fn expunged(&mut self, msgno: u32);
    /// The flags of `msgno` changed.
    fn flags(&mut self, msgno: u32);
    /// A notice about the open mailbox (`mm_notify`).
    fn notify(&mut self, text: &[u8], level: Level);
    /// A log line (`mm_log`).
    fn log(&mut self, text: &[u8], level: Level);
    /// A mailbox name answering LIST.
    fn list(&mut self, delimiter: Option<u8>, name: &[u8], attributes: i64);
    /// A mailbox name answering LSUB.
    fn lsub(&mut self, delimiter: Option<u8>, name: &[u8], attributes: i64);
    /// The answer to STATUS for `name`.
    fn status(&mut self, name: &[u8], status: &Status);
    /// Entering (`true`) or leaving a stretch that must not be interrupted
    /// (`mm_critical`/`mm_nocritical`).
    fn critical(&mut self, entering: bool);
    /// A write failed with `errno`. Returns true to give up, false to try
    /// again (`mm_diskerror`). Unlike the others this needs its answer at
    /// once, so the adapter delivers it synchronously.
    fn disk_error(&mut self, errno: i32, serious: bool) -> bool;
    /// Appended messages got UIDs `dest` in mailbox `name` (the APPENDUID
    /// callback). Drivers report it only when asked for the UIDs, at the
    /// point the original calls the application.
    fn append_uids(&mut self, _name: &[u8], _validity: u32, _dest: &[u32]) {}
    /// Messages with UIDs `source` were copied to mailbox `name` as `dest`
    /// (the COPYUID callback); as [`Events::append_uids`].
    fn copy_uids(&mut self, _name: &[u8], _validity: u32, _source: &[u32], _dest: &[u32]) {}
}

/// One recorded event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Exists(u32),
    Recent(u32),
    Expunged(u32),
    Flags(u32),
    Notify(Vec<u8>, Level),
    Log(Vec<u8>, Level),
    List(Option<u8>, Vec<u8>, i64),
    Lsub(Option<u8>, Vec<u8>, i64),
    Status(Vec<u8>, Status),
    Critical(bool),
    DiskError(i32, bool),
    /// Mailbox, UID validity, new UIDs.
    AppendUids(Vec<u8>, u32, Vec<u32>),
    /// Mailbox, UID validity, source UIDs, new UIDs.
    CopyUids(Vec<u8>, u32, Vec<u32>, Vec<u32>),
}

/// Events kept in order, to be delivered later (the adapter) or inspected
/// (tests). A disk error is recorded and answered "give up".
#[derive(Debug, Default)]
pub struct Recorder {
    pub events: Vec<Event>,
}

impl Recorder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the recorded events, leaving the recorder empty.
    pub fn take(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// The texts logged at `level`, for tests.
    pub fn logged(&self, level: Level) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Log(t, l) if *l == level => Some(String::from_utf8_lossy(t).into_owned()),
                _ => None,
            })
            .collect()
    }
}

impl Events for Recorder {
    fn exists(&mut self, count: u32) {
        self.events.push(Event::Exists(count));
    }
    fn recent(&mut self, count: u32) {
        self.events.push(Event::Recent(count));
    }
    fn expunged(&mut self, msgno: u32) {
        self.events.push(Event::Expunged(msgno));
    }
    fn flags(&mut self, msgno: u32) {
        self.events.push(Event::Flags(msgno));
    }
    fn notify(&mut self, text: &[u8], level: Level) {
        self.events.push(Event::Notify(text.to_vec(), level));
    }
    fn log(&mut self, text: &[u8], level: Level) {
        self.events.push(Event::Log(text.to_vec(), level));
    }
    fn list(&mut self, delimiter: Option<u8>, name: &[u8], attributes: i64) {
        self.events
            .push(Event::List(delimiter, name.to_vec(), attributes));
    }
    fn lsub(&mut self, delimiter: Option<u8>, name: &[u8], attributes: i64) {
        self.events
            .push(Event::Lsub(delimiter, name.to_vec(), attributes));
    }
    fn status(&mut self, name: &[u8], status: &Status) {
        self.events
            .push(Event::Status(name.to_vec(), status.clone()));
    }
    fn critical(&mut self, entering: bool) {
        self.events.push(Event::Critical(entering));
    }
    fn disk_error(&mut self, errno: i32, serious: bool) -> bool {
        self.events.push(Event::DiskError(errno, serious));
        true
    }
    fn append_uids(&mut self, name: &[u8], validity: u32, dest: &[u32]) {
        self.events
            .push(Event::AppendUids(name.to_vec(), validity, dest.to_vec()));
    }
    fn copy_uids(&mut self, name: &[u8], validity: u32, source: &[u32], dest: &[u32]) {
        self.events.push(Event::CopyUids(
            name.to_vec(),
            validity,
            source.to_vec(),
            dest.to_vec(),
        ));
    }
}
