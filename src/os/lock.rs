//! The system calls mailbox locking needs that std does not offer: `flock`,
//! the file system type, `kill`, signal dispositions, the host name, and
//! starting the privileged `mlock` helper with the mailbox descriptor
//! inherited at its own number. Everything else (exclusive create, lstat,
//! links, chmod) is plain std and lives in the safe core.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};

pub use libc::{LOCK_EX, LOCK_NB, LOCK_SH, LOCK_UN};

/// The kiss-of-death signal: a process wanting a mailbox's session lock
/// sends it to the holder (the original's unix/mmdf drivers use SIGUSR2).
pub const KISS_OF_DEATH: i32 = libc::SIGUSR2;

/// The Linux `NFS_SUPER_MAGIC`: `flock` is a no-op on such files.
const NFS_SUPER_MAGIC: i64 = 0x6969;

fn result(rc: libc::c_int) -> io::Result<()> {
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// One `flock(2)` call on `fd` with operation `op` (`LOCK_*` bits).
pub fn flock(fd: &impl AsRawFd, op: i32) -> io::Result<()> {
    // SAFETY: flock only reads its integer arguments; a stale descriptor
    // gives EBADF, never undefined behaviour.
    result(unsafe { libc::flock(fd.as_raw_fd(), op) })
}

/// `flock(2)` on a descriptor number the C caller owns.
pub fn flock_raw(fd: RawFd, op: i32) -> io::Result<()> {
    // SAFETY: as in `flock`; a bad number yields EBADF.
    result(unsafe { libc::flock(fd, op) })
}

/// Whether `fd` lives on NFS, where the original treats `flock` as a
/// no-op. None when the file system could not be asked.
pub fn is_nfs(fd: RawFd) -> Option<bool> {
    let mut buf = std::mem::MaybeUninit::<libc::statfs>::zeroed();
    loop {
        // SAFETY: `buf` is a writable statfs-sized buffer; fstatfs fills it
        // or fails without touching memory beyond it.
        let rc = unsafe { libc::fstatfs(fd, buf.as_mut_ptr()) };
        if rc == 0 {
            // SAFETY: fstatfs returned 0, so it initialised the buffer
            // (and it started zeroed anyway).
            let sf = unsafe { buf.assume_init() };
            // f_type's width differs between architectures.
            #[allow(clippy::unnecessary_cast)]
            let kind = sf.f_type as i64;
            return Some(kind == NFS_SUPER_MAGIC);
        }
        if io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            return None;
        }
    }
}

/// `kill(pid, sig)`; Ok when the signal was sent.
pub fn kill(pid: i32, sig: i32) -> io::Result<()> {
    if pid <= 0 {
        // Never signal a process group or everyone: a lock file holding
        // "0" or a negative number is garbage, not a target.
        return Err(io::Error::from_raw_os_error(libc::ESRCH));
    }
    // SAFETY: kill takes two integers; pid > 0 addresses one process.
    result(unsafe { libc::kill(pid, sig) })
}

/// Whether process `pid` exists (possibly owned by someone else).
pub fn pid_alive(pid: i32) -> bool {
    match kill(pid, 0) {
        Ok(()) => true,
        Err(e) => e.raw_os_error() == Some(libc::EPERM),
    }
}

/// This process's id.
pub fn getpid() -> i32 {
    std::process::id() as i32
}

/// The host name as `gethostname` gives it (used in hitching-post names).
pub fn hostname() -> Vec<u8> {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is writable for its full length and we pass one
    // byte less so the result is always NUL-terminated.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) };
    if rc != 0 {
        return Vec::new();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    buf[..end].to_vec()
}

/// Set by [`surrender_handler`] when the kiss of death arrives.
static SURRENDER_REQUESTED: AtomicBool = AtomicBool::new(false);

extern "C" fn surrender_handler(_sig: libc::c_int) {
    // Only an atomic store: async-signal-safe.
    SURRENDER_REQUESTED.store(true, Ordering::SeqCst);
}

/// Installs a kiss-of-death handler that only records the request, for
/// programs that want to surrender a mailbox instead of dying (the
/// original leaves SIGUSR2 to the application: `server_init` arms its
/// own handler, a plain client keeps the default and is killed).
pub fn arm_surrender_flag() {
    arm_signal(KISS_OF_DEATH, surrender_handler as *const () as usize);
}

/// Whether the kiss of death arrived since the flag was armed or cleared.
pub fn surrender_requested() -> bool {
    SURRENDER_REQUESTED.load(Ordering::SeqCst)
}

/// Forgets an earlier kiss of death (a new session lock starts clean).
pub fn clear_surrender_request() {
    SURRENDER_REQUESTED.store(false, Ordering::SeqCst);
}

/// `sigaction(sig)` with handler word `action` (a function address,
/// `SIG_DFL` or `SIG_IGN`), no signals blocked and `SA_RESTART`, as the
/// original's POSIX `arm_signal`. Returns the previous handler word.
pub fn arm_signal(sig: i32, action: usize) -> usize {
    // SAFETY: zeroed sigaction structures are valid "no handler, no flags"
    // values; sigaction reads `new` and writes `old`, both live locals.
    // The caller vouches that `action` is SIG_DFL, SIG_IGN or a function
    // taking the signal number (the C signature promises the same).
    unsafe {
        let mut new: libc::sigaction = std::mem::zeroed();
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigemptyset(&mut new.sa_mask);
        new.sa_sigaction = action;
        new.sa_flags = libc::SA_RESTART;
        if libc::sigaction(sig, &new, &mut old) != 0 {
            return libc::SIG_ERR;
        }
        old.sa_sigaction
    }
}

/// The pipes to a running `mlock`: we read its verdict from `from_helper`
/// and write the release byte to `to_helper`.
#[derive(Debug)]
pub struct HelperPipes {
    pub from_helper: OwnedFd,
    pub to_helper: OwnedFd,
}

fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors pipe writes.
    result(unsafe { libc::pipe(fds.as_mut_ptr()) })?;
    // SAFETY: pipe succeeded, so both numbers are fresh descriptors that
    // nothing else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Starts `program fd path` as a grandchild owned by init (so nobody has to
/// reap it), in its own process group, with its stdin on a pipe from us and
/// its stdout/stderr on a pipe to us; `fd` (the open mailbox) is inherited
/// at its own number, every other descriptor above 2 is closed. Mirrors how
/// the original starts `mlock`.
pub fn spawn_lock_helper(program: &[u8], fd: RawFd, path: &[u8]) -> io::Result<HelperPipes> {
    let invalid = || io::Error::from_raw_os_error(libc::EINVAL);
    let prog = CString::new(program).map_err(|_| invalid())?;
    let arg = CString::new(fd.to_string()).map_err(|_| invalid())?;
    let file = CString::new(path).map_err(|_| invalid())?;
    let argv = [prog.as_ptr(), arg.as_ptr(), file.as_ptr(), std::ptr::null()];
    let (from_helper, helper_out) = pipe()?;
    let (helper_in, to_helper) = pipe()?;
    // Everything the child needs is prepared above: after fork it only makes
    // async-signal-safe calls.
    let highest = [&from_helper, &helper_out, &helper_in, &to_helper]
        .iter()
        .map(|f| f.as_raw_fd())
        .max()
        .unwrap_or(0)
        .max(20);
    let (out_fd, in_fd) = (helper_out.as_raw_fd(), helper_in.as_raw_fd());
    // SAFETY: fork duplicates the process; the child branch below calls only
    // async-signal-safe functions (fork, dup2, close, fcntl, setpgid, execv,
    // _exit) on memory prepared before the fork, and never returns.
    let child = unsafe { libc::fork() };
    if child < 0 {
        return Err(io::Error::last_os_error());
    }
    if child == 0 {
        // SAFETY: see above; this branch ends in _exit in every path.
        unsafe {
            if libc::fork() == 0 {
                libc::dup2(out_fd, 1);
                libc::dup2(out_fd, 2);
                libc::dup2(in_fd, 0);
                let mut cf = highest;
                while cf >= 3 {
                    if cf != fd {
                        libc::close(cf);
                    }
                    cf -= 1;
                }
                // Rust opens files close-on-exec; the helper needs this one.
                let flags = libc::fcntl(fd, libc::F_GETFD);
                if flags >= 0 {
                    libc::fcntl(fd, libc::F_SETFD, flags & !libc::FD_CLOEXEC);
                }
                libc::setpgid(0, 0);
                libc::execv(argv[0], argv.as_ptr());
                libc::_exit(1);
            }
            libc::_exit(1);
        }
    }
    // Reap the intermediate child; the grandchild now belongs to init.
    let mut status = 0;
    loop {
        // SAFETY: waitpid writes the status into a live local.
        let rc = unsafe { libc::waitpid(child, &mut status, 0) };
        if rc >= 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            break;
        }
    }
    drop(helper_out);
    drop(helper_in);
    Ok(HelperPipes {
        from_helper,
        to_helper,
    })
}

/// Waits up to `seconds` for one byte on `fd`; None on timeout or error.
pub fn read_byte_within(fd: &impl AsRawFd, seconds: i64) -> Option<u8> {
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = seconds.saturating_mul(1000).clamp(0, i32::MAX as i64) as i32;
    // SAFETY: one live pollfd structure.
    let ready = unsafe { libc::poll(&mut pfd, 1, ms) };
    if ready <= 0 {
        return None;
    }
    let mut byte = 0u8;
    // SAFETY: reads at most one byte into a live local.
    let n = unsafe { libc::read(fd.as_raw_fd(), (&mut byte as *mut u8).cast(), 1) };
    (n == 1).then_some(byte)
}

/// Writes one byte to `fd`; true when it was written.
pub fn write_byte(fd: RawFd, byte: u8) -> bool {
    // SAFETY: writes one byte from a live local; a bad fd gives EBADF.
    unsafe { libc::write(fd, (&byte as *const u8).cast(), 1) == 1 }
}

/// Closes a descriptor number the C caller handed over.
pub fn close_raw(fd: RawFd) {
    // SAFETY: the caller passes a descriptor it owns and no longer uses.
    unsafe { libc::close(fd) };
}

/// Takes ownership of a descriptor number the C caller handed over.
pub fn own_raw(fd: RawFd) -> Option<OwnedFd> {
    if fd < 0 {
        return None;
    }
    // SAFETY: the C contract (unlockfd, DOTLOCK pipes) gives us this
    // descriptor to close; nothing else will close it.
    Some(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A `File` sharing `fd` without owning it (std's metadata on a borrowed
/// descriptor). The caller must keep `fd` open while the result lives.
pub fn borrow_raw(fd: RawFd) -> Option<std::mem::ManuallyDrop<std::fs::File>> {
    if fd < 0 {
        return None;
    }
    // SAFETY: wrapped in ManuallyDrop, so the File never closes the
    // caller's descriptor; a stale number only makes calls fail with EBADF.
    Some(std::mem::ManuallyDrop::new(unsafe {
        std::fs::File::from_raw_fd(fd)
    }))
}

/// The C library's text for `errno` (what the original's messages show).
pub fn strerror(errno: i32) -> Vec<u8> {
    // SAFETY: strerror returns a pointer to a NUL-terminated string that
    // stays valid until the next strerror call on this thread; we copy it
    // at once.
    unsafe {
        let p = libc::strerror(errno);
        if p.is_null() {
            return Vec::new();
        }
        std::ffi::CStr::from_ptr(p).to_bytes().to_vec()
    }
}

pub use libc::{LOG_CRIT, LOG_ERR, LOG_INFO};

/// One line to the system log at `priority` (with the program's
/// `openlog` facility, as the original's lock warnings).
pub fn syslog(priority: i32, text: &[u8]) {
    let line: Vec<u8> = text
        .iter()
        .copied()
        .filter(|&b| b != 0)
        .chain([0])
        .collect();
    // SAFETY: "%s" with one NUL-terminated string that outlives the call.
    unsafe {
        libc::syslog(
            priority,
            c"%s".as_ptr(),
            line.as_ptr().cast::<libc::c_char>(),
        )
    };
}
