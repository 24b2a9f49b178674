//! Reading a mailbox file's records through one reused buffer: the
//! parsers of the single-file formats (mbx, tenex, mtx) only look at each
//! message's short record line (and tenex counts line ends), so the file
//! is scanned in fixed pieces instead of being read whole into memory.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

/// The buffer's size: large enough for many records of ordinary messages
/// per read, small enough to be nothing next to a mailbox.
pub const PIECE: usize = 64 * 1024;

/// A window onto the bytes `[0, end)` of a file (the file is passed to
/// each call, so that the caller keeps its own borrows free).
pub struct Window {
    end: u64,
    buf: Vec<u8>,
    /// File offset of `buf[0]`.
    start: u64,
}

impl Window {
    /// A window onto a file up to `end` (the size the caller measured).
    pub fn new(end: u64) -> Self {
        Window {
            end,
            buf: Vec::new(),
            start: 0,
        }
    }

    /// The bytes at `pos`: at most `want` (at most [`PIECE`]), fewer only
    /// where `end` comes first. Empty at or past `end`. An error when the
    /// file can't be read (or shrank below `end`).
    pub fn at(&mut self, file: &File, pos: u64, want: usize) -> io::Result<&[u8]> {
        if pos >= self.end {
            return Ok(&[]);
        }
        let want = (want.min(PIECE) as u64).min(self.end - pos) as usize;
        let have = pos >= self.start && pos - self.start + want as u64 <= self.buf.len() as u64;
        if !have {
            let n = (PIECE as u64).min(self.end - pos) as usize;
            self.buf.resize(n, 0);
            if let Err(e) = file.read_exact_at(&mut self.buf, pos) {
                self.buf.clear();
                return Err(e);
            }
            self.start = pos;
        }
        let from = (pos - self.start) as usize;
        Ok(&self.buf[from..from + want])
    }

    /// Hands the bytes `[pos, pos + len)` (clipped at `end`) to `f` in
    /// pieces, in order.
    pub fn each(
        &mut self,
        file: &File,
        pos: u64,
        len: u64,
        mut f: impl FnMut(&[u8]),
    ) -> io::Result<()> {
        let stop = pos.saturating_add(len).min(self.end);
        let mut p = pos;
        while p < stop {
            let piece = self.at(file, p, (stop - p).min(PIECE as u64) as usize)?;
            if piece.is_empty() {
                break;
            }
            f(piece);
            p += piece.len() as u64;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn pieces_cover_the_range() {
        let path = std::env::temp_dir().join(format!("window-test-{}", std::process::id()));
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        File::create(&path).unwrap().write_all(&data).unwrap();
        let f = File::open(&path).unwrap();
        let mut w = Window::new(data.len() as u64);
        assert_eq!(w.at(&f, 10, 64).unwrap(), &data[10..74]);
        assert_eq!(w.at(&f, 199_990, 64).unwrap(), &data[199_990..]);
        assert!(w.at(&f, 200_000, 64).unwrap().is_empty());
        let mut got = Vec::new();
        w.each(&f, 5, 150_000, |p| got.extend_from_slice(p))
            .unwrap();
        assert_eq!(got, &data[5..150_005]);
        got.clear();
        w.each(&f, 100, 1_000_000, |p| got.extend_from_slice(p))
            .unwrap();
        assert_eq!(got, &data[100..]);
        let mut short = Window::new(300_000);
        assert!(short.at(&f, 250_000, 10).is_err());
        let _ = std::fs::remove_file(&path);
    }
}
