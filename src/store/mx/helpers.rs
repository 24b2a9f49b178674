//! Entry points for the original's internal mx routines exported by the
//! C adapter (`mx_lockindex`, `mx_unlockindex`, `mx_append_msg`).

use super::*;

impl MxMailbox {
    /// `mx_lockindex`: locks and reads the index, held until
    /// `helper_unlock_index`; a no-op when already held.
    pub(crate) fn helper_lock_index(&mut self, ev: &mut dyn Events) -> bool {
        if self.held.is_none() {
            self.held = self.lock_index(ev);
        }
        self.held.is_some()
    }

    /// `mx_unlockindex`: writes the index from the session and releases
    /// it; a no-op when not held.
    pub(crate) fn helper_unlock_index(&mut self) {
        self.flag_held = false;
        if let Some(l) = self.held.take() {
            self.unlock_index(l);
        }
    }

    /// The end of a `mail_flag` whose per-message calls locked the index:
    /// the index written from the session (which has every change) and
    /// released.  False only when a C caller's `mx_lockindex` holds it
    /// (its cache is then what gets written); with no index held there is
    /// nothing to write, as in the original.
    pub(crate) fn helper_flag_end(&mut self) -> bool {
        if std::mem::take(&mut self.flag_held) {
            self.helper_unlock_index();
            return true;
        }
        self.held.is_none()
    }

    /// Sets message `i`'s (0-based) flags and keywords as the application's
    /// cache has them (what `mx_unlockindex` writes).
    pub(crate) fn helper_set_flags(&mut self, i: usize, flags: Flags, keywords: u32) {
        if let Some(m) = self.messages.get_mut(i) {
            let recent = m.flags.contains(Flags::RECENT);
            m.flags = flags.minus(Flags::RECENT).with(Flags::RECENT, recent);
            m.keywords = keywords;
        }
    }

    /// `mx_append_msg`: one message file with the next UID, under the
    /// index lock (taken for the call when not held).
    pub(crate) fn helper_append(&mut self, m: &AppendMessage, ev: &mut dyn Events) -> Option<u32> {
        let r = if self.held.is_some() {
            self.append_one(m, ev).ok()
        } else {
            let l = self.lock_index(ev)?;
            let r = self.append_one(m, ev).ok();
            self.unlock_index(l);
            r
        };
        if r.is_some() {
            ev.exists(self.messages.len() as u32);
        }
        r
    }

    /// The message file of message `i` (0-based).
    pub(crate) fn helper_message_path(&self, i: usize) -> Option<Vec<u8>> {
        self.messages.get(i).map(|m| self.message_path(m.uid))
    }
}
