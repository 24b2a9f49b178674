//! Entry points for the original's internal mbx routines exported by the
//! C adapter (`mbx_parse`, `mbx_read_flags`, `mbx_update_header`, ...):
//! thin wrappers over the session's own steps.

use super::*;

impl MbxMailbox {
    /// `mbx_parse`.
    pub(crate) fn helper_parse(&mut self, ev: &mut dyn Events) -> bool {
        self.parse(ev).is_ok()
    }

    /// `mbx_read_flags` of message `i` (0-based): the on-disk flag word,
    /// None when unreadable.
    pub(crate) fn helper_read_flags(&mut self, i: usize) -> Option<u32> {
        (i < self.msgs.len()).then(|| self.read_flags(i)).flatten()
    }

    /// `mbx_elt`: message `i` refreshed; false when it went (expunged by
    /// another process and `expok`).
    pub(crate) fn helper_refresh(&mut self, i: usize, expok: bool, ev: &mut dyn Events) -> bool {
        i < self.msgs.len() && self.refresh(i, expok, ev)
    }

    /// `mbx_update_header`.
    pub(crate) fn helper_write_header(&mut self, ev: &mut dyn Events) {
        self.write_header(ev)
    }

    /// `mbx_update_status` of message `i` (0-based).
    pub(crate) fn helper_write_status(&mut self, i: usize, expunge: bool, ev: &mut dyn Events) {
        if i < self.msgs.len() {
            self.write_status(i, expunge, ev)
        }
    }

    /// `mbx_hdrpos`: where message `i`'s header starts and its length.
    pub(crate) fn helper_hdrpos(&mut self, i: usize) -> Option<(u64, u64)> {
        let m = self.msgs.get(i)?;
        let pos = m.offset + m.line_len;
        let len = match m.header_len {
            Some(n) => n,
            None => {
                let bytes = self.message_bytes(i).ok()?;
                let n = header_len(&bytes);
                self.msgs[i].header_len = Some(n);
                n
            }
        };
        Some((pos, len as u64))
    }

    /// `mbx_rewrite`: (expunged, reclaimed); mode 1 removes the deleted
    /// messages, -1 the deleted ones of `set`, 0 only reclaims space.
    pub(crate) fn helper_rewrite(
        &mut self,
        mode: i32,
        set: Option<MsgSet>,
        ev: &mut dyn Events,
    ) -> (u32, u64) {
        if self.read_only || self.file.is_none() {
            return (0, 0);
        }
        self.rewrite(mode, set, ev)
    }

    /// `mbx_flaglock`: takes the flag lock (kept until `helper_flag_end`).
    pub(crate) fn helper_flag_lock(&mut self, ev: &mut dyn Events) -> bool {
        if self.read_only || self.file.is_none() {
            return true;
        }
        if self.flag_lock.is_none() {
            match self.flag_begin(ev) {
                Some(l) => self.flag_lock = Some(l),
                None => return false,
            }
        }
        true
    }

    /// `mbx_flag`: the end of a flag change (sync, header, lock release).
    pub(crate) fn helper_flag_end(&mut self, ev: &mut dyn Events) {
        if let Some(l) = self.flag_lock.take() {
            self.flag_end(l, ev);
        }
    }

    /// `mbx_abort`: the file and locks released, nothing written.
    pub(crate) fn helper_abort(&mut self) {
        self.abort();
    }

    /// `mbx_snarf`: the system inbox's new mail appended (the caller holds
    /// the parse lock and parses afterwards, as the original's callers do).
    pub(crate) fn helper_snarf(&mut self, ev: &mut dyn Events) {
        if self.file.is_some() {
            self.snarf(ev);
        }
    }

    /// SET/GET_ONETIMEEXPUNGEATPING: with `set`, the next ping takes in
    /// the expunges of other sessions once; whether it will.
    pub(crate) fn helper_onetime_expunge(&mut self, set: bool) -> bool {
        if set {
            self.expok = true;
        }
        self.expok
    }
}
