//! The original's locking entry points (env_unix.h): dot-locks, session
//! locks, `chk_notsymlink`, `crexcl`, `arm_signal`. The work is done by
//! `store::lock`; this layer converts C buffers, descriptors and the
//! `DOTLOCK` record. Reports go to `mm_log` as they happen, since the
//! original warns while it waits for a lock.

use super::bindings::{BLOCK_FILELOCK, BLOCK_NONE, DOTLOCK, GET_BLOCKNOTIFY, MAILTMPLEN};
use super::callbacks;
use super::memory::c_bytes;
use crate::env::params::{self, Owner};
use crate::os::lock as sys;
use crate::store::events::{Events, Level, Status};
use crate::store::lock::{self as core, Create, DotLockRefused, LockNameState, LockOptions};
use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd};
use std::os::raw::{c_char, c_int, c_long, c_void};

/// Delivers log lines and critical sections to the application at once.
struct Immediate;

impl Events for Immediate {
    fn exists(&mut self, _: u32) {}
    fn recent(&mut self, _: u32) {}
    fn expunged(&mut self, _: u32) {}
    fn flags(&mut self, _: u32) {}
    fn notify(&mut self, _: &[u8], _: Level) {}
    fn log(&mut self, text: &[u8], level: Level) {
        let errflg = match level {
            Level::Info => 0,
            Level::Warn => super::bindings::WARN,
            Level::Error => super::bindings::ERROR,
            Level::Parse => super::bindings::PARSE,
            Level::Bye => super::bindings::BYE,
        };
        super::log_bytes(text, errflg as c_long);
    }
    fn list(&mut self, _: Option<u8>, _: &[u8], _: i64) {}
    fn lsub(&mut self, _: Option<u8>, _: &[u8], _: i64) {}
    fn status(&mut self, _: &[u8], _: &Status) {}
    fn critical(&mut self, entering: bool) {
        // SAFETY: the application's callbacks; the original passes NIL
        // for the stream around the mlock hand-off too.
        unsafe {
            if entering {
                callbacks::mm_critical(std::ptr::null_mut());
            } else {
                callbacks::mm_nocritical(std::ptr::null_mut());
            }
        }
    }
    fn disk_error(&mut self, _: i32, _: bool) -> bool {
        true
    }
}

/// Copies `name` into the caller's MAILTMPLEN buffer `dst`, NUL-terminated.
///
/// # Safety
/// `dst` must be writable for MAILTMPLEN bytes.
unsafe fn put_name(dst: *mut c_char, name: &[u8]) {
    let n = name.len().min(MAILTMPLEN as usize - 1);
    // SAFETY: n + 1 <= MAILTMPLEN bytes, per the contract; `name` is a
    // separate Rust allocation.
    unsafe {
        std::ptr::copy_nonoverlapping(name.as_ptr(), dst.cast::<u8>(), n);
        *dst.add(n) = 0;
    }
}

/// Device and inode from a caller's `struct stat`.
///
/// # Safety
/// `sb` must point to a readable `struct stat`.
unsafe fn dev_ino(sb: *const c_void) -> (u64, u64) {
    // SAFETY: per the contract.
    let st = unsafe { &*(sb as *const libc::stat) };
    (st.st_dev, st.st_ino)
}

extern "C" {
    fn mm_blocknotify(reason: c_int, data: *mut c_void) -> *mut c_void;
}

/// Tells the application's block-notify hook (`SET_BLOCKNOTIFY`) that we
/// are about to wait for a file lock, or are done. The library's own
/// default ignores file locks, so only a hook the program set is called.
pub(crate) fn block_notify(reason: c_int) {
    let Some(entry) = params::entry(Owner::Env, GET_BLOCKNOTIFY) else {
        return;
    };
    if !params::is_set(entry) {
        return;
    }
    let word = params::value(entry);
    if word == 0 || word == mm_blocknotify as *const () as usize {
        return;
    }
    // SAFETY: a non-zero BLOCKNOTIFY word is the address of the
    // application's `blocknotify_t` function, stored by mail_parameters.
    let hook: extern "C" fn(c_int, *mut c_void) -> *mut c_void =
        unsafe { std::mem::transmute::<usize, _>(word) };
    hook(reason, std::ptr::null_mut());
}

/// Runs `lock_work` and converts its answer to the C convention.
///
/// # Safety
/// `lock` writable for MAILTMPLEN bytes; `pid` NULL or writable.
unsafe fn lock_work_c(lock: *mut c_char, dev: u64, ino: u64, op: c_int, pid: *mut c_long) -> c_int {
    if !pid.is_null() {
        // SAFETY: per the contract.
        unsafe { *pid = 0 };
    }
    let opts = LockOptions::current();
    // SAFETY: per the contract.
    unsafe { put_name(lock, &core::session_lock_name(&opts.session_dir, dev, ino)) };
    let blocking = op & sys::LOCK_NB == 0;
    if blocking {
        block_notify(BLOCK_FILELOCK);
    }
    let outcome = core::lock_work(dev, ino, op, &opts, &mut Immediate);
    if blocking {
        block_notify(BLOCK_NONE);
    }
    match outcome {
        Ok(held) => {
            let (_, file) = held.into_raw_parts();
            file.map_or(-1, |f| f.into_raw_fd())
        }
        Err(core::SessionRefused::Held { pid: Some(p) }) => {
            if !pid.is_null() {
                // SAFETY: per the contract.
                unsafe { *pid = p as c_long };
            }
            -1
        }
        Err(_) => -1,
    }
}

/// `lock_work`: session lock for the file described by `sb`.
///
/// # Safety
/// `lock` writable for MAILTMPLEN bytes, `sb` a `struct stat`, `pid` NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn lock_work(
    lock: *mut c_char,
    sb: *mut c_void,
    op: c_int,
    pid: *mut c_long,
) -> c_int {
    super::guard("lock_work", -1, || {
        if lock.is_null() || sb.is_null() {
            return -1;
        }
        // SAFETY: per the contract.
        unsafe {
            let (dev, ino) = dev_ino(sb);
            lock_work_c(lock, dev, ino, op, pid)
        }
    })
}

/// `lockname`: session lock for the file named `fname`.
///
/// # Safety
/// `lock` writable for MAILTMPLEN bytes, `fname` a C string, `pid`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn lockname(
    lock: *mut c_char,
    fname: *mut c_char,
    op: c_int,
    pid: *mut c_long,
) -> c_int {
    super::guard("lockname", -1, || {
        if !pid.is_null() {
            // SAFETY: per the contract.
            unsafe { *pid = 0 };
        }
        // SAFETY: per the contract.
        let Some(name) = (unsafe { c_bytes(fname) }) else {
            return -1;
        };
        if lock.is_null() {
            return -1;
        }
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(name));
        match std::fs::metadata(path) {
            // SAFETY: per the contract.
            Ok(m) => unsafe { lock_work_c(lock, m.dev(), m.ino(), op, pid) },
            Err(_) => -1,
        }
    })
}

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;

/// `lockfd`: session lock for the open file `fd`.
///
/// # Safety
/// `lock` writable for MAILTMPLEN bytes.
#[no_mangle]
pub unsafe extern "C" fn lockfd(fd: c_int, lock: *mut c_char, op: c_int) -> c_int {
    super::guard("lockfd", -1, || {
        let Some(file) = sys::borrow_raw(fd) else {
            return -1;
        };
        if lock.is_null() {
            return -1;
        }
        match file.metadata() {
            // SAFETY: per the contract.
            Ok(m) => unsafe { lock_work_c(lock, m.dev(), m.ino(), op, std::ptr::null_mut()) },
            Err(_) => -1,
        }
    })
}

/// `unlockfd`: removes the lock file if nobody shares it, unlocks and
/// closes `fd`.
///
/// # Safety
/// `fd` is a descriptor from lockfd/lockname the caller gives up; `lock`
/// is its name (a C string).
#[no_mangle]
pub unsafe extern "C" fn unlockfd(fd: c_int, lock: *mut c_char) {
    super::guard("unlockfd", (), || {
        // SAFETY: per the contract.
        let name = unsafe { c_bytes(lock) }.unwrap_or(b"").to_vec();
        if let Some(owned) = sys::own_raw(fd) {
            core::unlock_session_file(std::fs::File::from(owned), &name);
        }
    })
}

/// `chk_notsymlink`: -1 if `name` does not exist, 0 (logged) if it is a
/// symbolic link, else its link count; `sb` receives its lstat.
///
/// # Safety
/// `name` a C string, `sb` a writable `struct stat`.
#[no_mangle]
pub unsafe extern "C" fn chk_notsymlink(name: *mut c_char, sb: *mut c_void) -> c_long {
    super::guard("chk_notsymlink", -1, || {
        if name.is_null() || sb.is_null() {
            return -1;
        }
        // SAFETY: `name` is a C string and `sb` a struct stat, per the
        // contract; lstat writes only that record.
        if unsafe { libc::lstat(name, sb as *mut libc::stat) } != 0 {
            return -1;
        }
        // SAFETY: per the contract.
        let bytes = unsafe { c_bytes(name) }.unwrap_or(b"");
        match core::check_not_symlink(bytes, &mut Immediate).0 {
            LockNameState::Absent => -1,
            LockNameState::Symlink => 0,
            LockNameState::Links(n) => n as c_long,
        }
    })
}

/// `crexcl`: exclusive create; 1 made, 0 impossible, -1 busy.
///
/// # Safety
/// `name` a C string.
#[no_mangle]
pub unsafe extern "C" fn crexcl(name: *mut c_char) -> c_long {
    super::guard("crexcl", 0, || {
        // SAFETY: per the contract.
        let Some(bytes) = (unsafe { c_bytes(name) }) else {
            return 0;
        };
        match core::create_exclusive(bytes) {
            Create::Created => 1,
            Create::Busy => -1,
            Create::Failed(e) => {
                if let Some(code) = e.raw_os_error() {
                    // SAFETY: errno is this thread's; callers read it.
                    unsafe { *libc::__errno_location() = code };
                }
                0
            }
        }
    })
}

/// Records a held dot-lock in a C `DOTLOCK` (name and, for an `mlock`
/// lock, its pipes), giving up its ownership; None records "no lock".
/// For exports that hand dot-locks to C (`unix_lock`, `mmdf_lock`).
pub(crate) fn store_dotlock(base: &mut DOTLOCK, held: Option<core::DotLock>) {
    base.pipei = -1;
    base.pipeo = -1;
    let Some(held) = held else {
        base.lock[0] = 0;
        return;
    };
    let (name, pipes) = held.into_raw_parts();
    // SAFETY: the record's lock buffer is MAILTMPLEN bytes.
    unsafe { put_name(base.lock.as_mut_ptr(), &name) };
    if let Some((from_helper, to_helper)) = pipes {
        base.pipei = from_helper.into_raw_fd();
        base.pipeo = to_helper.into_raw_fd();
    }
}

/// Takes back the dot-lock a `DOTLOCK` records (None if it records none);
/// the record's descriptors then belong to the result.
pub(crate) fn take_dotlock(base: &mut DOTLOCK) -> Option<core::DotLock> {
    if base.lock[0] == 0 {
        return None;
    }
    let end = base
        .lock
        .iter()
        .position(|&c| c == 0)
        .unwrap_or(base.lock.len());
    let name: Vec<u8> = base.lock[..end].iter().map(|&c| c as u8).collect();
    let pipes = if base.pipei >= 0 && base.pipeo >= 0 {
        // SAFETY: descriptors a dot-lock handed over in this record
        // (store_dotlock / dotlock_lock); the record gives them back to be
        // closed, and we mark them gone below.
        unsafe {
            Some((
                OwnedFd::from_raw_fd(base.pipei),
                OwnedFd::from_raw_fd(base.pipeo),
            ))
        }
    } else {
        None
    };
    base.pipei = -1;
    base.pipeo = -1;
    Some(core::DotLock::from_raw_parts(name, pipes))
}

/// `dotlock_lock`: the `.lock` of `file`, recorded in `base`.
///
/// # Safety
/// `file` a C string, `base` a writable DOTLOCK.
#[no_mangle]
pub unsafe extern "C" fn dotlock_lock(file: *mut c_char, base: *mut DOTLOCK, fd: c_int) -> c_long {
    super::guard("dotlock_lock", 0, || {
        // SAFETY: per the contract.
        let Some(name) = (unsafe { c_bytes(file) }) else {
            return 0;
        };
        if base.is_null() || name.len() > 512 {
            return 0;
        }
        // SAFETY: per the contract, `base` is a live DOTLOCK.
        let base = unsafe { &mut *base };
        // SAFETY: the record's lock buffer is MAILTMPLEN bytes.
        unsafe { put_name(base.lock.as_mut_ptr(), &core::dot_lock_name(name)) };
        base.pipei = -1;
        base.pipeo = -1;
        let open_fd = (fd >= 0).then_some(fd);
        match core::dot_lock_with(name, open_fd, &LockOptions::current(), &mut Immediate) {
            Ok(held) => {
                store_dotlock(base, Some(held));
                1
            }
            Err(DotLockRefused::Symlink) => 0,
            Err(_) => {
                base.lock[0] = 0;
                0
            }
        }
    })
}

/// `dotlock_unlock`: removes the lock `base` records (or tells `mlock`).
///
/// # Safety
/// `base` NULL or a DOTLOCK filled by dotlock_lock.
#[no_mangle]
pub unsafe extern "C" fn dotlock_unlock(base: *mut DOTLOCK) -> c_long {
    super::guard("dotlock_unlock", 0, || {
        if base.is_null() {
            return 1;
        }
        // SAFETY: per the contract.
        let base = unsafe { &mut *base };
        match take_dotlock(base) {
            Some(held) => c_long::from(held.release()),
            None => 1,
        }
    })
}

/// `arm_signal`: installs `action` for `sig` (SA_RESTART, nothing
/// blocked); returns the previous handler.
#[no_mangle]
pub extern "C" fn arm_signal(sig: c_int, action: *mut c_void) -> *mut c_void {
    super::guard("arm_signal", std::ptr::null_mut(), || {
        sys::arm_signal(sig, action as usize) as *mut c_void
    })
}
