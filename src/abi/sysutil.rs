//! The original's small Unix helpers that programs reach through header
//! renames (`write` → `safe_write`, `flock` → `safe_flock`) and `fatal`.

use super::bindings::{MAILTMPLEN, WARN};
use super::callbacks::mm_fatal;
use std::os::raw::{c_char, c_int, c_long};

/// Largest count passed to one write(2), as the original (INT_MAX).
const WRITE_CHUNK: c_long = i32::MAX as c_long;

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// `safe_write`: writes all `nbytes`, retrying after EINTR and partial
/// writes. Returns `nbytes`, or write's negative result on an error.
///
/// # Safety
/// `buf` must be readable for `nbytes` bytes.
#[no_mangle]
pub unsafe extern "C" fn safe_write(fd: c_int, buf: *mut c_char, nbytes: c_long) -> c_long {
    super::guard("safe_write", 0, || {
        let mut left = nbytes;
        let mut at = buf as *const u8;
        while left > 0 {
            // SAFETY: `at` stays within the caller's `nbytes` bytes.
            let n = unsafe {
                libc::write(
                    fd,
                    at as *const libc::c_void,
                    left.min(WRITE_CHUNK) as usize,
                )
            };
            if n < 0 {
                if errno() == libc::EINTR {
                    continue;
                }
                return n as c_long;
            }
            if n == 0 {
                // A write that accepts nothing would make the original spin
                // for ever; report it as an I/O error instead.
                // SAFETY: errno is this thread's.
                unsafe { *libc::__errno_location() = libc::EIO };
                return -1;
            }
            left -= n as c_long;
            at = at.wrapping_add(n as usize);
        }
        nbytes
    })
}

/// Reports `text` through mm_log at WARN and syslog at LOG_ERR.
fn warn_and_syslog(text: &str, syslog_too: bool) {
    super::log(text, WARN as c_long);
    if syslog_too {
        syslog(libc::LOG_ERR, text);
    }
}

fn syslog(priority: c_int, text: &str) {
    crate::os::syslog::log(priority, text.as_bytes());
}

/// NFS's filesystem magic: flock there is a no-op, as in the original
/// (Linux 2.6 made flock on NFS fail with ENOLCK).
const NFS_SUPER_MAGIC: i64 = 0x6969;

/// `safe_flock`: flock that is skipped on NFS, retries after EINTR, warns
/// and retries while the lock table is full, and treats any other failure
/// of a blocking lock as fatal. Returns 0, or -1 when a non-blocking lock
/// is refused.
#[no_mangle]
pub extern "C" fn safe_flock(fd: c_int, op: c_int) -> c_int {
    super::guard("safe_flock", 0, || {
        let mut fs: libc::statfs = unsafe {
            // SAFETY: statfs is plain C data; zero is a valid value.
            std::mem::zeroed()
        };
        let status = loop {
            // SAFETY: `fs` is a writable statfs record.
            let e = unsafe { libc::fstatfs(fd, &mut fs) };
            if e == 0 || errno() != libc::EINTR {
                break e;
            }
        };
        if status != 0 || fs.f_type as i64 == NFS_SUPER_MAGIC {
            return 0;
        }
        let mut logged = false;
        // SAFETY (loop body): flock has no memory arguments.
        while unsafe { libc::flock(fd, op) } != 0 {
            let err = errno();
            match err {
                libc::EINTR => {}
                libc::ENOLCK => {
                    // strerror's text, as the original (io::Error adds "(os error N)").
                    let text = format!(
                        "File locking failure: {}",
                        String::from_utf8_lossy(&crate::os::lock::strerror(err))
                    );
                    warn_and_syslog(&text, !logged);
                    logged = true;
                    if op & libc::LOCK_NB != 0 {
                        return -1;
                    }
                    std::thread::sleep(std::time::Duration::from_secs(5));
                }
                libc::EWOULDBLOCK if op & libc::LOCK_NB != 0 => return -1,
                _ => {
                    let text = format!(
                        "Unexpected file locking failure: {}",
                        String::from_utf8_lossy(&crate::os::lock::strerror(err))
                    );
                    fatal_message(&text);
                }
            }
        }
        0
    })
}

/// Hands `text` to mm_fatal, logs it, and aborts (the library's own
/// internal give-up, where the original gives up too).
pub fn fatal_message(text: &str) -> ! {
    let mut owned: Vec<u8> = text.bytes().take_while(|&b| b != 0).collect();
    owned.truncate(MAILTMPLEN as usize);
    owned.push(0);
    // SAFETY: NUL-terminated message; mm_fatal is the application's last
    // word before the process ends.
    unsafe { mm_fatal(owned.as_mut_ptr() as *mut c_char) };
    let shown: String = String::from_utf8_lossy(&owned[..owned.len() - 1])
        .chars()
        .take(100)
        .collect();
    syslog(libc::LOG_ALERT, &format!("IMAP toolkit crash: {shown}"));
    std::process::abort();
}

/// `fatal`: reports `string` through mm_fatal and syslog, then aborts
/// the process as the original does.
///
/// # Safety
/// `string` must be NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn fatal(string: *mut c_char) {
    super::guard("fatal", (), || {
        // SAFETY: per the contract.
        let bytes = unsafe { super::memory::c_bytes(string) }.unwrap_or(b"");
        // Hand the caller's own pointer to mm_fatal, as the original does.
        if !string.is_null() {
            // SAFETY: the caller's NUL-terminated string.
            unsafe { mm_fatal(string) };
            let shown: String = String::from_utf8_lossy(bytes).chars().take(100).collect();
            syslog(libc::LOG_ALERT, &format!("IMAP toolkit crash: {shown}"));
            std::process::abort();
        }
        fatal_message(&String::from_utf8_lossy(bytes));
    });
    // Callers rely on fatal never returning, even if reporting failed.
    std::process::abort()
}
