//! Moving new mail from the system inbox into an INBOX kept in another
//! format (the mbx and mix drivers' "snarf"): the system inbox is opened
//! as an internal session, its messages handed to the format, then marked
//! deleted and expunged once the format has them safely.

use super::events::{Events, Level, Status};
use super::flags::Flags;
use super::mailbox::{Mailbox, MessageInfo, OpenOptions};
use crate::env::user;
use crate::store::common::path_of;
use std::fs;

/// Passes on only logs, notices and disk errors (an internal session's
/// message events are nobody's), and flag reports when `.1` is set (the
/// original reports the flags it sets on the system inbox it empties).
pub struct Silent<'a>(pub &'a mut dyn Events, pub bool);

impl Events for Silent<'_> {
    fn exists(&mut self, _count: u32) {}
    fn recent(&mut self, _count: u32) {}
    fn expunged(&mut self, _msgno: u32) {}
    fn flags(&mut self, msgno: u32) {
        if self.1 {
            self.0.flags(msgno);
        }
    }
    fn notify(&mut self, text: &[u8], level: Level) {
        self.0.notify(text, level);
    }
    fn log(&mut self, text: &[u8], level: Level) {
        self.0.log(text, level);
    }
    fn list(&mut self, d: Option<u8>, name: &[u8], a: i64) {
        self.0.list(d, name, a);
    }
    fn lsub(&mut self, d: Option<u8>, name: &[u8], a: i64) {
        self.0.lsub(d, name, a);
    }
    fn status(&mut self, name: &[u8], status: &Status) {
        self.0.status(name, status);
    }
    fn critical(&mut self, entering: bool) {
        self.0.critical(entering);
    }
    fn disk_error(&mut self, errno: i32, serious: bool) -> bool {
        self.0.disk_error(errno, serious)
    }
}

/// The system inbox's path when it is a non-empty regular file.
pub fn pending() -> Option<Vec<u8>> {
    let sys = user::system_inbox()?;
    let m = fs::metadata(path_of(&sys)).ok()?;
    (m.is_file() && m.len() > 0).then_some(sys)
}

/// An open, writable, non-empty system inbox session.
pub struct SystemInbox {
    mb: Box<dyn Mailbox>,
}

impl SystemInbox {
    /// Opens `path` as the original's `mail_open(sysinbox(), OP_SILENT)`
    /// (through the unix driver); None when it can't be opened, is
    /// read-only or holds no message.
    pub fn open(path: &[u8], ev: &mut dyn Events) -> Option<SystemInbox> {
        let unix = super::registry::driver("unix")?;
        let options = OpenOptions {
            silent: true,
            ..Default::default()
        };
        let mut quiet = Silent(ev, false);
        let mut mb = unix.open(path, options, &mut quiet).ok()?;
        if mb.read_only() || mb.count() == 0 {
            mb.close(false, &mut quiet);
            return None;
        }
        Some(SystemInbox { mb })
    }

    pub fn count(&self) -> u32 {
        self.mb.count()
    }

    pub fn info(&self, msgno: u32) -> MessageInfo {
        self.mb.info(msgno)
    }

    /// Header and text of message `msgno` as one (empty when unreadable).
    pub fn message(&mut self, msgno: u32, ev: &mut dyn Events) -> Vec<u8> {
        let mut quiet = Silent(ev, false);
        let h = self.mb.header(msgno, &mut quiet).map(|h| h.into_owned());
        let t = self.mb.text(msgno, &mut quiet).map(|t| t.into_owned());
        match (h, t) {
            (Ok(h), Ok(t)) => [h, t].concat(),
            _ => Vec::new(),
        }
    }

    /// Sets `\Deleted` on `msgnos`. The original reports these flag
    /// changes on the system inbox's own internal stream; there is no such
    /// stream here, and reporting them on the INBOX's would name the
    /// wrong messages, so they are not reported (see deviations.md).
    pub fn delete(&mut self, msgnos: &[u32], ev: &mut dyn Events) {
        let mut quiet = Silent(ev, false);
        for &m in msgnos {
            let info = self.mb.info(m).clone();
            let _ = self.mb.store_flags(
                &[m],
                info.flags.union(Flags::DELETED),
                info.keywords,
                false,
                &mut quiet,
            );
        }
    }

    pub fn expunge(&mut self, ev: &mut dyn Events) {
        let mut quiet = Silent(ev, false);
        let _ = self.mb.expunge(None, &mut quiet);
    }

    pub fn close(mut self, ev: &mut dyn Events) {
        let mut quiet = Silent(ev, false);
        self.mb.close(false, &mut quiet);
    }
}

/// The original's estimate of an INBOX's status before its next move of
/// new mail: the system inbox's messages counted in, and the next UID
/// moved on by as many.
pub fn status_estimate(st: &mut Status, ev: &mut dyn Events) {
    let Some(sys) = user::system_inbox() else {
        return;
    };
    let Some(unix) = super::registry::driver("unix") else {
        return;
    };
    if !unix.valid(&sys) {
        return;
    }
    let quiet = OpenOptions {
        read_only: true,
        silent: true,
        ..Default::default()
    };
    let mut sink = Silent(ev, false);
    let Ok(mut mb) = unix.open(&sys, quiet, &mut sink) else {
        return;
    };
    let n = mb.count();
    let recent = (1..=n)
        .filter(|&m| mb.info(m).flags.contains(Flags::RECENT))
        .count() as u32;
    let unseen = (1..=n)
        .filter(|&m| !mb.info(m).flags.contains(Flags::SEEN))
        .count() as u32;
    mb.close(false, &mut sink);
    let add = |v: &mut Option<u32>, k: u32| *v = Some(v.unwrap_or(0).wrapping_add(k));
    add(&mut st.messages, n);
    add(&mut st.recent, recent);
    add(&mut st.unseen, unseen);
    add(&mut st.uid_next, n);
}
