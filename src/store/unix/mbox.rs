//! The "mbox" driver: INBOX kept as the Berkeley mailbox `~/mbox`, into
//! which new mail is moved ("snarfed") from the system inbox whenever the
//! session pings, at most once per snarf interval. Everything else is the
//! unix driver's.

use super::format::Kind;
use super::{fail, mailbox_path, msg, path_of, probe_path, s80, Probe, UnixDriver, UnixMailbox};
use crate::env::params::{self, Owner};
use crate::env::user;
use crate::store::events::{Events, Level, Status};
use crate::store::flags::Flags;
use crate::store::lock::{self, FlockKind};
use crate::store::mailbox::{
    AppendMessage, AppendSource, Driver, Mailbox, MessageInfo, MsgSet, OpenOptions, Result, UidMap,
};
use std::borrow::Cow;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU32, Ordering};

/// The "mbox" driver.
#[derive(Debug)]
pub struct MboxDriver;

pub static MBOX: MboxDriver = MboxDriver;

/// `GET_SNARFINTERVAL` and `GET_SERVICENAME`.
const SNARF_INTERVAL: i64 = 564;
const SERVICE_NAME: i64 = 119;

/// Snarfs done by this process: only the first is reported.
static SNARFED: AtomicU32 = AtomicU32::new(0);

fn mbox_path() -> Option<Vec<u8>> {
    mailbox_path(b"mbox")
}

/// `mbox_valid`: INBOX, when `~/mbox` is a Berkeley mailbox or empty and
/// the system inbox is one, empty, or missing.
fn valid(name: &[u8]) -> bool {
    if !name.eq_ignore_ascii_case(b"INBOX") {
        return false;
    }
    let mbox_ok = mbox_path()
        .map(|p| probe_path(Kind::Unix, &p))
        .is_some_and(|p| matches!(p, Probe::Valid | Probe::Empty));
    let inbox_ok = user::system_inbox()
        .map(|p| probe_path(Kind::Unix, &p))
        .is_some_and(|p| matches!(p, Probe::Valid | Probe::Empty | Probe::Missing));
    mbox_ok && inbox_ok
}

/// An open mbox INBOX: the `~/mbox` session and when it last snarfed.
#[derive(Debug)]
pub struct MboxMailbox {
    inner: UnixMailbox,
    last_snarf: i64,
}

impl MboxMailbox {
    /// `mbox_ping`'s snarf: moves the system inbox's messages to the end
    /// of `~/mbox` and empties the system inbox, under both files' locks.
    fn snarf(&mut self, ev: &mut dyn Events) {
        let mb = &mut self.inner;
        let now = UnixMailbox::now_secs();
        let interval = params::number(Owner::Mail, SNARF_INTERVAL);
        let Some(sysinbox) = user::system_inbox() else {
            return;
        };
        let nonempty = std::fs::metadata(path_of(&sysinbox)).is_ok_and(|m| m.len() > 0);
        if mb.dead || mb.session.is_none() || now < self.last_snarf + interval || !nonempty {
            return;
        }
        ev.critical(true);
        let (dot, opened) = lock::dot_lock_open(
            &sysinbox,
            || {
                std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(path_of(&sysinbox))
            },
            ev,
        );
        if let Ok(sf) = opened {
            let held = lock::flock(&sf, FlockKind::Exclusive, false);
            let size = sf.metadata().map_or(0, |m| m.len()) as usize;
            let mut text = vec![0u8; size];
            let read = super::read_some(&sf, &mut text).unwrap_or(0);
            if size == 0 || read != size || !Kind::Unix.looks_valid(&text) {
                let t = msg(&[b"Mail drop ", &sysinbox, b" is not in standard Unix format"]);
                ev.log(&t, Level::Error);
            } else {
                let _ = mb.locked(FlockKind::Exclusive, ev, |mb, file, ev| {
                    if !mb.reparse(file, ev) {
                        return;
                    }
                    let at = mb.size as u64;
                    let moved = file.write_all_at(&text, at).and_then(|_| file.sync_all());
                    if let Err(e) = moved {
                        let t = format!("New mail move failed: {}", super::error_text(&e));
                        ev.log(t.as_bytes(), Level::Warn);
                        let _ = file.set_len(at);
                        return;
                    }
                    let now_size = sf.metadata().map_or(0, |m| m.len()) as usize;
                    if now_size != size {
                        let mut t = b"Mail drop ".to_vec();
                        t.extend_from_slice(&sysinbox);
                        t.extend_from_slice(
                            format!(" lock failure, old={} now={}", size, now_size).as_bytes(),
                        );
                        ev.log(&t, Level::Error);
                        let _ = file.set_len(at);
                        return;
                    }
                    let _ = sf.set_len(0);
                    if SNARFED.fetch_add(1, Ordering::Relaxed) == 0
                        && params::string(Owner::Mail, SERVICE_NAME).is_none_or(|s| s == b"unknown")
                    {
                        let t = msg(&[
                            format!("Moved {} bytes of new mail to ", size).as_bytes(),
                            &mb.path,
                            b" from ",
                            &sysinbox,
                        ]);
                        ev.log(&t, Level::Warn);
                    }
                });
            }
            drop(held);
        }
        drop(dot);
        ev.critical(false);
        self.last_snarf = UnixMailbox::now_secs();
    }
}

impl Mailbox for MboxMailbox {
    fn mailbox_name(&self) -> Option<&[u8]> {
        self.inner.mailbox_name()
    }
    fn driver_name(&self) -> &'static str {
        "mbox"
    }
    fn count(&self) -> u32 {
        self.inner.count()
    }
    fn info(&self, msgno: u32) -> MessageInfo {
        self.inner.info(msgno)
    }
    fn uid_validity(&self) -> u32 {
        self.inner.uid_validity()
    }
    fn uid_last(&self) -> u32 {
        self.inner.uid_last()
    }
    fn keywords(&self) -> &[Vec<u8>] {
        self.inner.keywords()
    }
    fn can_create_keywords(&self) -> bool {
        self.inner.can_create_keywords()
    }
    fn read_only(&self) -> bool {
        self.inner.read_only()
    }
    fn header(&mut self, msgno: u32, ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        self.inner.header(msgno, ev)
    }
    fn text(&mut self, msgno: u32, ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        self.inner.text(msgno, ev)
    }
    fn store_flags(
        &mut self,
        set: MsgSet,
        flags: Flags,
        keywords: u32,
        silent: bool,
        ev: &mut dyn Events,
    ) -> Result<()> {
        self.inner.store_flags(set, flags, keywords, silent, ev)
    }
    fn keyword_index(&mut self, name: &[u8], create: bool) -> Option<usize> {
        self.inner.keyword_index(name, create)
    }
    fn ping(&mut self, ev: &mut dyn Events) -> Result<bool> {
        self.snarf(ev);
        self.inner.ping(ev)
    }
    fn check(&mut self, ev: &mut dyn Events) -> Result<()> {
        if self.ping(ev)? {
            self.inner.check(ev)?;
        }
        Ok(())
    }
    fn expunge(&mut self, set: Option<MsgSet>, ev: &mut dyn Events) -> Result<u32> {
        // The ping (and its snarf) runs whatever the expunge answered.
        let r = self.inner.expunge(set, ev);
        let _ = self.ping(ev);
        r
    }
    fn messages_for_copy(
        &mut self,
        set: MsgSet,
        ev: &mut dyn Events,
    ) -> Result<Vec<AppendMessage>> {
        self.inner.messages_for_copy(set, ev)
    }
    fn copy_to(&mut self, set: MsgSet, target: &[u8], ev: &mut dyn Events) -> Option<Result<()>> {
        self.inner.copy_to(set, target, ev)
    }
    fn copy_to_uids(
        &mut self,
        set: MsgSet,
        target: &[u8],
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Option<Result<Option<UidMap>>> {
        self.inner.copy_to_uids(set, target, want_uids, ev)
    }
    fn close(&mut self, expunge: bool, ev: &mut dyn Events) {
        self.inner.close(expunge, ev)
    }
}

impl Driver for MboxDriver {
    fn name(&self) -> &'static str {
        "mbox"
    }

    fn valid(&self, name: &[u8]) -> bool {
        valid(name)
    }

    fn open(
        &self,
        _name: &[u8],
        options: OpenOptions,
        ev: &mut dyn Events,
    ) -> Result<Box<dyn Mailbox>> {
        let Some(path) = mbox_path() else {
            return Err(fail(ev, b"Can't open - invalid name: mbox"));
        };
        let inner = UnixMailbox::open_path(Kind::Unix, path, options, false, ev)?;
        let mut mb = MboxMailbox {
            inner,
            last_snarf: 0,
        };
        if !mb.ping(ev)? {
            return Err(crate::store::mailbox::Error::reported());
        }
        // The upper level hears the sizes after the snarf.
        if !mb.inner.silent {
            ev.exists(mb.count());
        }
        let recent = (1..=mb.count())
            .filter(|&n| mb.info(n).flags.contains(Flags::RECENT))
            .count() as u32;
        ev.recent(recent);
        Ok(Box::new(mb))
    }

    fn create(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        if name.eq_ignore_ascii_case(b"INBOX") {
            return super::UNIX.create(b"mbox", ev);
        }
        Err(fail(
            ev,
            &msg(&[b"Can't create non-INBOX name as mbox: ", s80(name)]),
        ))
    }

    fn delete(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        let _ = name;
        UnixDriver::rename_or_delete(b"~/mbox", None, ev)?;
        // Deleting INBOX empties it: the file is made again.
        super::UNIX.create(b"mbox", ev)
    }

    fn rename(&self, _old: &[u8], new: &[u8], ev: &mut dyn Events) -> Result<()> {
        UnixDriver::rename_or_delete(b"~/mbox", Some(new), ev)?;
        super::UNIX.create(b"mbox", ev)
    }

    fn append(&self, name: &[u8], messages: &[AppendMessage], ev: &mut dyn Events) -> Result<()> {
        self.append_uids(name, messages, false, ev).map(|_| ())
    }

    fn append_uids(
        &self,
        name: &[u8],
        messages: &[AppendMessage],
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Result<Option<UidMap>> {
        if valid(name) {
            return super::UNIX.append_uids(b"mbox", messages, want_uids, ev);
        }
        Err(fail(ev, &msg(&[b"Can't append to that name: ", s80(name)])))
    }

    fn append_from(
        &self,
        name: &[u8],
        source: &mut dyn AppendSource,
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Result<Option<UidMap>> {
        if valid(name) {
            return super::UNIX.append_from(b"mbox", source, want_uids, ev);
        }
        Err(fail(ev, &msg(&[b"Can't append to that name: ", s80(name)])))
    }

    fn status(&self, name: &[u8], ev: &mut dyn Events) -> Result<Status> {
        let mut st = super::UNIX.status(b"mbox", ev)?;
        let _ = name;
        if st.recent == Some(0) {
            // Count what the next snarf would bring in.
            if let Some(sysinbox) = user::system_inbox() {
                let quiet = OpenOptions {
                    read_only: true,
                    silent: true,
                    ..Default::default()
                };
                if let Ok(mut sys) = UnixMailbox::open_path(Kind::Unix, sysinbox, quiet, false, ev)
                {
                    let n = sys.count();
                    let unseen = (1..=n)
                        .filter(|&i| !sys.info(i).flags.contains(Flags::SEEN))
                        .count() as u32;
                    // UIDNEXT comes from ~/mbox's X-IMAPbase: it may be the
                    // last UID there is. Added as the snarf estimate adds.
                    st.messages = st.messages.map(|m| m.wrapping_add(n));
                    st.recent = st.recent.map(|r| r.wrapping_add(sys.recent));
                    st.unseen = st.unseen.map(|u| u.wrapping_add(unseen));
                    st.uid_next = st.uid_next.map(|u| u.wrapping_add(n));
                    sys.close(false, ev);
                }
            }
        }
        Ok(st)
    }
}
