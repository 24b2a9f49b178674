//! The shape every mailbox driver has: a [`Driver`] that recognises names
//! and works on whole mailboxes, and a [`Mailbox`] that is one open
//! session on a mailbox.
//!
//! Messages are numbered from 1 as in IMAP; a [`Mailbox`] keeps the state of
//! each message ([`MessageInfo`]) and is the source of truth for it. The C
//! adapter mirrors that state into the application's message cache after
//! every call, and turns the reported [`Events`] into `mm_*` callbacks.

use super::events::{Events, Status};
use super::flags::Flags;
use crate::message::date::MailDate;
use crate::message::model::{Body, Envelope};
use std::borrow::Cow;

/// Why an operation failed. The text is what the original logs (the adapter
/// passes it to `mm_log` at ERROR level unless the driver already logged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub text: Vec<u8>,
    /// True when the driver has already reported the failure through
    /// [`Events::log`], so the adapter must not log it again.
    pub reported: bool,
}

impl Error {
    pub fn new(text: impl Into<Vec<u8>>) -> Self {
        Error {
            text: text.into(),
            reported: false,
        }
    }
    /// A failure the driver has already logged.
    pub fn reported() -> Self {
        Error {
            text: Vec::new(),
            reported: true,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// What a mailbox knows of one message, mirrored into `MESSAGECACHE`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageInfo {
    pub uid: u32,
    pub flags: Flags,
    /// Bit `i` set: keyword `i` of [`Mailbox::keywords`].
    pub keywords: u32,
    pub internal_date: MailDate,
    /// RFC822.SIZE: the message's size with CRLF line ends.
    pub size: u32,
}

/// How to open a mailbox (the `OP_*` options that reach a driver).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenOptions {
    pub read_only: bool,
    /// Report nothing (`OP_SILENT`): an internal stream, e.g. for copying.
    pub silent: bool,
    /// Don't take the session lock (`OP_SHORTCACHE`-style quick looks).
    pub debug: bool,
    /// The name was INBOX (the stream's `inbox` bit).
    pub inbox: bool,
}

/// One message to append.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppendMessage {
    /// Flags to store (`\Seen` ... `\Draft`).
    pub flags: Flags,
    /// Keyword names to store (created in the target when allowed).
    pub keywords: Vec<Vec<u8>>,
    /// The internal date; `None` means "now".
    pub date: Option<MailDate>,
    /// The message, normally with CRLF line ends as c-client passes it.
    pub message: Vec<u8>,
}

/// Where the messages of an append come from (the application's append
/// callback, in the adapter).
pub trait AppendSource {
    /// The next message, None after the last; Err when the application
    /// failed or the message is unacceptable (reported through `ev`).
    fn next_message(&mut self, ev: &mut dyn Events) -> Option<Result<AppendMessage>>;
}

/// Messages the caller already holds, handed out one at a time: lets a
/// driver that appends from an [`AppendSource`] serve the slice forms too.
pub struct Given<'a>(pub std::slice::Iter<'a, AppendMessage>);

impl AppendSource for Given<'_> {
    fn next_message(&mut self, _ev: &mut dyn Events) -> Option<Result<AppendMessage>> {
        self.0.next().cloned().map(Ok)
    }
}

/// The three append methods of a [`Driver`] whose type has
/// `fn append_work(&self, name, source: &mut dyn AppendSource, want_uids,
/// ev) -> Result<Option<UidMap>>`: the slice forms go through it too, so
/// each message is examined in the same order however it is given.
#[macro_export]
macro_rules! appends_through_work {
    () => {
        fn append(
            &self,
            name: &[u8],
            messages: &[$crate::store::mailbox::AppendMessage],
            ev: &mut dyn $crate::store::events::Events,
        ) -> $crate::store::mailbox::Result<()> {
            self.append_work(
                name,
                &mut $crate::store::mailbox::Given(messages.iter()),
                false,
                ev,
            )
            .map(|_| ())
        }

        fn append_uids(
            &self,
            name: &[u8],
            messages: &[$crate::store::mailbox::AppendMessage],
            want_uids: bool,
            ev: &mut dyn $crate::store::events::Events,
        ) -> $crate::store::mailbox::Result<Option<$crate::store::mailbox::UidMap>> {
            self.append_work(
                name,
                &mut $crate::store::mailbox::Given(messages.iter()),
                want_uids,
                ev,
            )
        }

        fn append_from(
            &self,
            name: &[u8],
            source: &mut dyn $crate::store::mailbox::AppendSource,
            want_uids: bool,
            ev: &mut dyn $crate::store::events::Events,
        ) -> $crate::store::mailbox::Result<Option<$crate::store::mailbox::UidMap>> {
            self.append_work(name, source, want_uids, ev)
        }
    };
}

/// The UIDs appended or copied messages got (for the APPENDUID and COPYUID
/// callbacks).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UidMap {
    /// UID validity of the target mailbox.
    pub validity: u32,
    /// UIDs of the source messages (copy only), in order.
    pub source: Vec<u32>,
    /// UIDs the new messages got, in the same order.
    pub dest: Vec<u32>,
}

/// Which messages an operation applies to, already resolved to numbers.
pub type MsgSet<'a> = &'a [u32];

/// One open mailbox.
pub trait Mailbox {
    /// Name of the driver (`"unix"`, `"dummy"` ...), as in `DRIVER.name`.
    fn driver_name(&self) -> &'static str;
    /// Number of messages.
    fn count(&self) -> u32;
    /// State of message `msgno` (1-based; callers keep it in range). By
    /// value: a driver may keep it packed.
    fn info(&self, msgno: u32) -> MessageInfo;
    fn uid_validity(&self) -> u32;
    /// Last UID assigned.
    fn uid_last(&self) -> u32;
    /// The mailbox's keywords, in bit order.
    fn keywords(&self) -> &[Vec<u8>];
    /// Whether a new keyword may be created by setting it.
    fn can_create_keywords(&self) -> bool {
        !self.read_only()
    }
    /// Which flags are permanent (the `perm_*` bits).
    fn permanent_flags(&self) -> Flags {
        if self.read_only() {
            Flags::NONE
        } else {
            Flags::SETTABLE
        }
    }
    fn read_only(&self) -> bool;
    /// Whether the session is on an INBOX when the driver knows better
    /// than the name "INBOX" (the stream's `inbox` bit); None: by the name.
    fn inbox(&self) -> Option<bool> {
        None
    }
    /// Takes in, as a new recent message, the file the adapter has just
    /// stored for `uid` with `flags` and `date` (the original's mh INBOX
    /// moves mail in from the system inbox so). False: not taken.
    fn adopt(&mut self, _uid: u32, _flags: Flags, _date: MailDate) -> bool {
        false
    }
    /// Whether the open said nothing of the mailbox's size on purpose (the
    /// original's mh driver, making a missing INBOX as it opens it, reports
    /// no count), so the adapter must not announce one either.
    fn counts_untold(&self) -> bool {
        false
    }
    /// Whether the driver keeps no flags of its own, so the application's
    /// cache is their only record (the original's phile driver has no flag
    /// methods: the generic layer changes the cache, and reading a message
    /// marks it \Seen there and reports it every time).
    fn flags_in_cache(&self) -> bool {
        false
    }

    /// The header of `msgno` with CRLF line ends, ending with the blank
    /// line, as the driver presents it (bookkeeping headers removed).
    /// Makes the date and size of `msgno` known (`fast`); the default reads
    /// the header, which teaches a driver that learns them as it reads.
    fn learn(&mut self, msgno: u32, ev: &mut dyn Events) {
        let _ = self.header(msgno, ev);
    }
    fn header(&mut self, msgno: u32, ev: &mut dyn Events) -> Result<Cow<'_, [u8]>>;
    /// Hands `f` the header of each of `msgnos` (ascending) in a form fit
    /// for looking up ordinary fields (Date, Subject, ...), reading the
    /// store in large blocks: either [`Mailbox::header`]'s text, or text
    /// that turns into it when every bare LF becomes CRLF and the
    /// bookkeeping fields (lines with a name, dropped with their
    /// continuation lines) are removed, holding no CR and no NUL. `None`
    /// for a message without such a form (or unreadable: the caller then
    /// asks `header`, which reports the error). False, calling nothing,
    /// when the driver has no such form (the default).
    fn header_lookups(&mut self, _msgnos: &[u32], _f: &mut dyn FnMut(u32, Option<&[u8]>)) -> bool {
        false
    }
    /// The body of `msgno` with CRLF line ends. Does not mark it seen: the
    /// caller does, through [`Mailbox::store_flags`].
    fn text(&mut self, msgno: u32, ev: &mut dyn Events) -> Result<Cow<'_, [u8]>>;

    /// The name the stream should carry once open, when the driver renames
    /// it (the original's phile shows the file's path, mbox shows "mbox").
    fn mailbox_name(&self) -> Option<&[u8]> {
        None
    }

    /// The mailbox as `Any`, for the C adapter's driver-specific helper
    /// exports (the original's internal routines). None by default.
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        None
    }

    /// The envelope and body structure, for a driver that makes them itself
    /// rather than having them parsed from `header` and `text` (the
    /// original's `structure` slot). None: parse them as usual.
    fn structure(&mut self, _msgno: u32) -> Option<(Envelope, Body)> {
        None
    }

    /// Replaces the flags and keywords of each message of `set`. Reports
    /// `flags` for each message that changed unless `silent`.
    fn store_flags(
        &mut self,
        set: MsgSet,
        flags: Flags,
        keywords: u32,
        silent: bool,
        ev: &mut dyn Events,
    ) -> Result<()>;
    /// Called before a flag change reaches message `msgno` (the first of
    /// the two `flagmsg` calls): a driver whose file other processes change
    /// may read the message's flags again here. True when it did (the
    /// caller then refreshes its copy). By default nothing happens.
    fn before_flags(&mut self, _msgno: u32, _ev: &mut dyn Events) -> bool {
        false
    }
    /// Index of keyword `name`, creating it if allowed and there is room.
    fn keyword_index(&mut self, name: &[u8], create: bool) -> Option<usize>;

    /// Looks for changes (new mail, changes by others). `Ok(false)` means
    /// the mailbox is gone and the stream is dead.
    fn ping(&mut self, ev: &mut dyn Events) -> Result<bool>;
    /// Writes pending changes (a checkpoint).
    fn check(&mut self, ev: &mut dyn Events) -> Result<()>;
    /// Removes the `\Deleted` messages (only those in `set` when given),
    /// reporting `expunged` for each; returns how many were removed.
    fn expunge(&mut self, set: Option<MsgSet>, ev: &mut dyn Events) -> Result<u32>;
    /// Copies the messages of `set` into mailbox `target` (whatever its
    /// driver: the caller passes a way to append there).
    fn messages_for_copy(&mut self, set: MsgSet, ev: &mut dyn Events)
        -> Result<Vec<AppendMessage>>;
    /// Copies the messages of `set` into mailbox `target` the driver's own
    /// way (as the original's per-driver copy does: the Berkeley driver
    /// writes its stored form, keeps the "From " line, and judges the
    /// target itself). `None`: not handled here, and the caller appends
    /// [`Mailbox::messages_for_copy`] through the target's driver.
    fn copy_to(
        &mut self,
        _set: MsgSet,
        _target: &[u8],
        _ev: &mut dyn Events,
    ) -> Option<Result<()>> {
        None
    }
    /// [`Mailbox::copy_to`]; with `want_uids` (a COPYUID callback is set)
    /// the result also carries the UIDs when the driver could learn them.
    fn copy_to_uids(
        &mut self,
        set: MsgSet,
        target: &[u8],
        _want_uids: bool,
        ev: &mut dyn Events,
    ) -> Option<Result<Option<UidMap>>> {
        self.copy_to(set, target, ev).map(|r| r.map(|()| None))
    }
    /// Ends the session, writing pending changes (and expunging if asked).
    fn close(&mut self, expunge: bool, ev: &mut dyn Events);
}

/// A mailbox format or protocol: recognises names and works on mailboxes.
pub trait Driver: Sync {
    /// Name of the driver, as in `DRIVER.name`.
    fn name(&self) -> &'static str;
    /// Whether `name` is a mailbox of this driver.
    fn valid(&self, name: &[u8]) -> bool;
    /// Opens `name`.
    fn open(
        &self,
        name: &[u8],
        options: OpenOptions,
        ev: &mut dyn Events,
    ) -> Result<Box<dyn Mailbox>>;
    fn create(&self, name: &[u8], ev: &mut dyn Events) -> Result<()>;
    fn delete(&self, name: &[u8], ev: &mut dyn Events) -> Result<()>;
    fn rename(&self, old: &[u8], new: &[u8], ev: &mut dyn Events) -> Result<()>;
    /// Appends `messages` to mailbox `name` as one operation: all or none.
    fn append(&self, name: &[u8], messages: &[AppendMessage], ev: &mut dyn Events) -> Result<()>;
    /// [`Driver::append`]; with `want_uids` (an APPENDUID callback is set)
    /// also the UIDs the messages got, when the driver could learn them.
    fn append_uids(
        &self,
        name: &[u8],
        messages: &[AppendMessage],
        _want_uids: bool,
        ev: &mut dyn Events,
    ) -> Result<Option<UidMap>> {
        self.append(name, messages, ev).map(|()| None)
    }
    /// [`Driver::append_uids`] with the messages taken one at a time from
    /// `source` when the driver is ready for them: the original examines
    /// the target before it asks the application for the first message, so
    /// what the target and each message report comes in that order. By
    /// default every message is taken first.
    fn append_from(
        &self,
        name: &[u8],
        source: &mut dyn AppendSource,
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Result<Option<UidMap>> {
        let mut messages = Vec::new();
        while let Some(m) = source.next_message(ev) {
            messages.push(m?);
        }
        self.append_uids(name, &messages, want_uids, ev)
    }
    /// Counts for STATUS without opening a stream the caller sees.
    fn status(&self, name: &[u8], ev: &mut dyn Events) -> Result<Status>;
}
