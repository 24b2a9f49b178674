//! The driver and authenticator lists, version check and one-time TLS
//! set-up. The lists are chains through the `next` fields of the objects
//! themselves: programs copy-relocate driver objects, so the objects we
//! link are always the ones the caller passed (the program's copies), never
//! copies of our own.

use super::bindings::*;
use super::sysutil::fatal_message as fatal;
use std::os::raw::{c_char, c_long, c_uint, c_ulong, c_void};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

static DRIVERS: AtomicPtr<DRIVER> = AtomicPtr::new(null_mut());
static AUTHENTICATORS: AtomicPtr<AUTHENTICATOR> = AtomicPtr::new(null_mut());

/// The version this library implements (what `linkage.c` checks).
pub const VERSION: &str = "2007f";

/// Head of the driver chain.
pub fn drivers() -> *mut DRIVER {
    DRIVERS.load(Ordering::Acquire)
}

/// Head of the authenticator chain.
pub fn authenticators() -> *mut AUTHENTICATOR {
    AUTHENTICATORS.load(Ordering::Acquire)
}

/// ASCII case-insensitive comparison of a C string with a C string, as
/// the original's `compare_cstring` (NULL never matches).
///
/// # Safety
/// Both must be NULL or NUL-terminated.
pub unsafe fn same_name(a: *const c_char, b: *const c_char) -> bool {
    // SAFETY: per the contract.
    match unsafe { (super::memory::c_bytes(a), super::memory::c_bytes(b)) } {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        _ => false,
    }
}

/// Finds a linked driver by name (case-insensitive).
///
/// # Safety
/// `name` must be NULL or NUL-terminated.
pub unsafe fn find_driver(name: *const c_char) -> *mut DRIVER {
    let mut d = drivers();
    // SAFETY: the chain holds only driver objects passed to mail_link,
    // which live for the whole process.
    unsafe {
        while !d.is_null() && !same_name((*d).name, name) {
            d = (*d).next;
        }
    }
    d
}

/// Finds a linked authenticator by name (case-insensitive).
///
/// # Safety
/// `name` must be NULL or NUL-terminated.
pub unsafe fn find_authenticator(name: *const c_char) -> *mut AUTHENTICATOR {
    let mut a = authenticators();
    // SAFETY: as for drivers, the chain holds static objects.
    unsafe {
        while !a.is_null() && !same_name((*a).name, name) {
            a = (*a).next;
        }
    }
    a
}

/// `mail_link`: appends a driver to the chain.
///
/// # Safety
/// `driver` must point to a DRIVER that lives for the rest of the process.
#[no_mangle]
pub unsafe extern "C" fn mail_link(driver: *mut DRIVER) {
    super::guard("mail_link", (), || {
        if driver.is_null() {
            return;
        }
        // SAFETY: every element of the chain is a live driver object; we
        // only walk `next` and write the last one's `next`.
        unsafe {
            let head = drivers();
            if head.is_null() {
                DRIVERS.store(driver, Ordering::Release);
            } else {
                let mut d = head;
                while !(*d).next.is_null() {
                    d = (*d).next;
                }
                (*d).next = driver;
            }
            (*driver).next = null_mut();
        }
    })
}

/// `auth_link`: appends an authenticator whose `valid` check (if any)
/// passes.
///
/// # Safety
/// `auth` must point to an AUTHENTICATOR living for the rest of the process.
#[no_mangle]
pub unsafe extern "C" fn auth_link(auth: *mut AUTHENTICATOR) {
    super::guard("auth_link", (), || {
        if auth.is_null() {
            return;
        }
        // SAFETY: `auth` is valid per the contract; its `valid` hook takes no
        // arguments.
        unsafe {
            if let Some(valid) = (*auth).valid {
                if valid() == 0 {
                    return;
                }
                // A program's own copy of auth_md5 (copy relocation) loses
                // its server half too when the password file is missing.
                if valid as usize == super::server::auth_md5_valid as *const () as usize
                    && super::server::md5_server_unavailable()
                {
                    (*auth).server = None;
                }
                // Likewise a copy of auth_gss without a usable keytab.
                if valid as usize == super::gss::auth_gssapi_valid as *const () as usize
                    && super::gss::gss_server_unavailable()
                {
                    (*auth).server = None;
                }
            }
            let head = authenticators();
            if head.is_null() {
                AUTHENTICATORS.store(auth, Ordering::Release);
            } else {
                let mut a = head;
                while !(*a).next.is_null() {
                    a = (*a).next;
                }
                (*a).next = auth;
            }
            (*auth).next = null_mut();
        }
    })
}

/// `mail_lookup_auth`: the i-th (1-based) linked authenticator, or NULL.
#[no_mangle]
pub extern "C" fn mail_lookup_auth(i: c_ulong) -> *mut AUTHENTICATOR {
    super::guard("mail_lookup_auth", std::ptr::null_mut(), || {
        let mut a = authenticators();
        let mut i = i;
        // SAFETY: walking the chain of static authenticator objects. Like the
        // original, index 0 counts as "wrap around" (it decrements first).
        unsafe {
            loop {
                if a.is_null() {
                    return a;
                }
                i = i.wrapping_sub(1);
                if i == 0 {
                    return a;
                }
                a = (*a).next;
            }
        }
    })
}

/// `mail_lookup_auth_name`: 1-based index of the enabled client
/// authenticator called `mechanism` that has all of `flags`, else 0.
///
/// # Safety
/// `mechanism` must be NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_lookup_auth_name(mechanism: *mut c_char, flags: c_long) -> c_uint {
    super::guard("mail_lookup_auth_name", 0, || {
        let mut a = authenticators();
        let mut i: c_uint = 1;
        // SAFETY: chain of static objects; names are C strings.
        unsafe {
            while !a.is_null() {
                if (*a).client.is_some()
                    && (flags & !(*a).flags) == 0
                    && ((*a).flags & AU_DISABLE) == 0
                    && same_name((*a).name, mechanism)
                {
                    return i;
                }
                i += 1;
                a = (*a).next;
            }
        }
        0
    })
}

/// `mail_versioncheck`: the application's headers must be this version.
///
/// # Safety
/// `version` must be NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_versioncheck(version: *mut c_char) {
    super::guard("mail_versioncheck", (), || {
        // SAFETY: per the contract.
        let app = unsafe { super::memory::c_bytes(version) }.unwrap_or(b"");
        if app != VERSION.as_bytes() {
            let app: String = String::from_utf8_lossy(&app[..app.len().min(100)]).into_owned();
            fatal(&format!(
                "c-client library version skew, app={app} library={VERSION}"
            ));
        }
    })
}

/// `ssl_onceonlyinit`: registers the SSL driver and start hook once.
#[no_mangle]
pub extern "C" fn ssl_onceonlyinit() {
    super::guard("ssl_onceonlyinit", (), || {
        static DONE: AtomicBool = AtomicBool::new(false);
        if DONE.swap(true, Ordering::AcqRel) {
            return;
        }
        let driver = std::ptr::addr_of_mut!(super::net::SSLDRIVER) as *mut c_void;
        // SAFETY: mail_parameters with SET codes that store the given words.
        unsafe {
            super::params::mail_parameters(null_mut(), SET_SSLDRIVER, driver);
            super::params::mail_parameters(
                null_mut(),
                SET_SSLSTART,
                super::net::ssl_start_hook as *mut c_void,
            );
        }
    })
}
