//! Entry points for the original's internal mix routines exported by the
//! C adapter (`mix_parse`, `mix_index_update`, ...): thin wrappers over
//! the session's own steps, so a C caller of those names drives the same
//! code the driver uses.

use super::*;

impl MixMailbox {
    /// `mix_parse`: the index and status files, left locked.
    pub(crate) fn helper_parse(
        &mut self,
        iflags: bool,
        sflags: bool,
        ev: &mut dyn Events,
    ) -> Option<(File, File)> {
        self.parse(iflags, sflags, ev).map(|l| (l.index, l.status))
    }

    /// `mix_index_update` into `f` (the index file).
    pub(crate) fn helper_index_update(
        &mut self,
        f: &File,
        expand: bool,
        ev: &mut dyn Events,
    ) -> bool {
        self.index_update(f, expand, ev)
    }

    /// `mix_status_update` into `f` (the status file).
    pub(crate) fn helper_status_update(
        &mut self,
        f: &File,
        expand: bool,
        ev: &mut dyn Events,
    ) -> bool {
        self.status_update(f, expand, ev)
    }

    /// `mix_meta_update`.
    pub(crate) fn helper_meta_update(&mut self) -> bool {
        self.meta_update()
    }

    /// The metadata file's path and the sequence last seen in it.
    pub(crate) fn helper_meta(&self) -> (Vec<u8>, u64) {
        (self.path(b"meta"), self.metaseq)
    }

    /// `mix_burp` over every data file (the compaction of an expunge
    /// without removing messages); the bytes reclaimed.
    pub(crate) fn helper_burp(&mut self, ev: &mut dyn Events) -> Option<u64> {
        let before = self.data_bytes();
        self.expunge_work(Exp::BurpOnly, ev).ok()?;
        Some(before.saturating_sub(self.data_bytes()))
    }

    /// Sum of the sizes of the data files.
    fn data_bytes(&self) -> u64 {
        let Ok(rd) = fs::read_dir(os(&self.dir)) else {
            return 0;
        };
        rd.flatten()
            .filter(|e| data_file_number(e.file_name().as_bytes()).is_some())
            .filter_map(|e| e.metadata().ok())
            .map(|m| m.len())
            .sum()
    }

    /// `mix_data_open`.
    pub(crate) fn helper_data_open(
        &mut self,
        newsize: u64,
        ev: &mut dyn Events,
    ) -> io::Result<(File, u64)> {
        self.data_open(newsize, ev)
    }

    /// `mix_append_msg`: one message written at `at` of `f` (a data file
    /// from `helper_data_open`); its UID and the offset after it.
    pub(crate) fn helper_append_msg(
        &mut self,
        f: &File,
        at: u64,
        m: &AppendMessage,
        date: MailDate,
        seq: u64,
        ev: &mut dyn Events,
    ) -> io::Result<(u32, u64)> {
        let end = self.append_msg(f, at, m, date, seq, ev)?;
        ev.exists(self.msgs.len() as u32);
        Ok((self.last as u32, end))
    }

    /// Sets message `i`'s (0-based) flags and keywords as the application's
    /// cache has them (what the original's status writer writes).
    pub(crate) fn helper_set_flags(&mut self, i: usize, flags: Flags, keywords: u32) {
        if let Some(m) = self.msgs.get_mut(i) {
            let recent = m.info.flags.contains(Flags::RECENT);
            m.info.flags = flags.minus(Flags::RECENT).with(Flags::RECENT, recent);
            m.info.keywords = keywords;
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
