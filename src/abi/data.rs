//! The data objects the original exports, with its exact sizes: programs
//! copy-relocate drivers, authenticators and string drivers into
//! themselves, so size and layout are part of the ABI.
//!
//! Driver and authenticator method slots are filled in by the modules that
//! implement them; until then a slot is NULL and the dispatch layer reports
//! the operation as not available instead of calling through it.

#![allow(non_upper_case_globals)]

use super::bindings::*;
use super::strings;
use std::os::raw::{c_char, c_long};
use std::ptr::{addr_of_mut, null_mut};

/// A C string literal as the `char *` the original's records hold.
macro_rules! c_str {
    ($s:expr) => {
        concat!($s, "\0").as_ptr() as *mut c_char
    };
}

const fn driver(name: *mut c_char, flags: u64) -> DRIVER {
    // SAFETY: DRIVER is plain C data (pointers, integers and optional
    // function pointers); all-zero is its valid empty value.
    let empty: DRIVER = unsafe { std::mem::zeroed() };
    DRIVER {
        name,
        flags,
        next: null_mut(),
        ..empty
    }
}

// The NNTP driver (src/abi/nntp.rs, nntp_post.rs, nntp_read.rs); flags
// are the original's DR_* combination.
#[no_mangle]
pub static mut nntpdriver: DRIVER = DRIVER {
    valid: Some(super::nntp::nntp_valid),
    parameters: Some(super::params::nntp_parameters),
    scan: Some(super::nntp_read::nntp_scan),
    list: Some(super::nntp_read::nntp_list),
    lsub: Some(super::nntp_read::nntp_lsub),
    subscribe: Some(super::nntp_read::nntp_subscribe),
    unsubscribe: Some(super::nntp_read::nntp_unsubscribe),
    create: Some(super::nntp_post::nntp_create),
    mbxdel: Some(super::nntp_post::nntp_delete),
    mbxren: Some(super::nntp_post::nntp_rename),
    status: Some(super::nntp_read::nntp_status),
    open: Some(super::nntp_read::nntp_mopen),
    close: Some(super::nntp_read::nntp_mclose),
    fast: Some(super::nntp_read::nntp_fetchfast),
    msgflags: Some(super::nntp_read::nntp_flags),
    overview: Some(super::nntp_read::nntp_overview),
    header: Some(super::nntp_read::nntp_header),
    text: Some(super::nntp_read::nntp_text),
    flagmsg: Some(super::nntp_read::nntp_flagmsg),
    search: Some(super::nntp_read::nntp_search),
    sort: Some(super::nntp_read::nntp_sort),
    thread: Some(super::nntp_read::nntp_thread),
    ping: Some(super::nntp_read::nntp_ping),
    check: Some(super::nntp_read::nntp_check),
    expunge: Some(super::nntp_read::nntp_expunge),
    copy: Some(super::nntp_read::nntp_copy),
    append: Some(super::nntp_post::nntp_append),
    ..driver(c_str!("nntp"), 0x17a78)
};
/// Prototype stream of the NNTP driver.
#[no_mangle]
pub static mut nntpproto: MAILSTREAM = MAILSTREAM {
    dtb: addr_of_mut!(nntpdriver),
    // SAFETY: MAILSTREAM is plain C data; all-zero is empty.
    ..unsafe { std::mem::zeroed() }
};

// The local news driver (src/abi/news.rs).
#[no_mangle]
pub static mut newsdriver: DRIVER = DRIVER {
    valid: Some(super::news::news_valid),
    parameters: Some(super::params::news_parameters),
    scan: Some(super::news::news_scan),
    list: Some(super::news::news_list),
    lsub: Some(super::news::news_lsub),
    subscribe: Some(super::news::news_subscribe),
    unsubscribe: Some(super::news::news_unsubscribe),
    create: Some(super::news::news_create),
    mbxdel: Some(super::news::news_delete),
    mbxren: Some(super::news::news_rename),
    status: Some(super::stream::mail_status_default),
    open: Some(super::news::news_open),
    close: Some(super::news::news_close),
    fast: Some(super::news::news_fast),
    msgflags: Some(super::news::news_flags),
    header: Some(super::news::news_header),
    text: Some(super::news::news_text),
    flagmsg: Some(super::news::news_flagmsg),
    ping: Some(super::news::news_ping),
    check: Some(super::news::news_check),
    expunge: Some(super::news::news_expunge),
    copy: Some(super::news::news_copy),
    append: Some(super::news::news_append),
    ..driver(c_str!("news"), 0x24078)
};
/// Prototype stream of the news driver.
#[no_mangle]
pub static mut newsproto: MAILSTREAM = MAILSTREAM {
    dtb: addr_of_mut!(newsdriver),
    // SAFETY: MAILSTREAM is plain C data; all-zero is empty.
    ..unsafe { std::mem::zeroed() }
};

// The dummy driver has its methods (src/abi/dummy.rs).
#[no_mangle]
pub static mut dummydriver: DRIVER = DRIVER {
    valid: Some(super::dummy::dummy_valid),
    parameters: Some(super::dummy::dummy_parameters),
    scan: Some(super::dummy::dummy_scan),
    list: Some(super::dummy::dummy_list),
    lsub: Some(super::dummy::dummy_lsub),
    subscribe: Some(super::dummy::dummy_subscribe),
    create: Some(super::dummy::dummy_create),
    mbxdel: Some(super::dummy::dummy_delete),
    mbxren: Some(super::dummy::dummy_rename),
    status: Some(super::stream::mail_status_default),
    open: Some(super::dummy::dummy_open),
    close: Some(super::dummy::dummy_close),
    ping: Some(super::dummy::dummy_ping),
    check: Some(super::dummy::dummy_check),
    expunge: Some(super::dummy::dummy_expunge),
    copy: Some(super::dummy::dummy_copy),
    append: Some(super::dummy::dummy_append),
    ..driver(c_str!("dummy"), 0x6)
};
/// Prototype stream of the dummy driver.
#[no_mangle]
pub static mut dummyproto: MAILSTREAM = MAILSTREAM {
    dtb: addr_of_mut!(dummydriver),
    // SAFETY: MAILSTREAM is plain C data; all-zero is empty.
    ..unsafe { std::mem::zeroed() }
};

// Drivers implemented in the core (src/store), reached through
// src/abi/bridge.rs: one invocation per driver, its slots as in the
// original's DRIVER object (`new` generates the export, `use` reuses one).
use super::dummy::{dummy_create, dummy_delete, dummy_rename};
use super::params::{
    mbx_parameters, mh_parameters, mix_parameters, mmdf_parameters, mx_parameters,
    phile_parameters, unix_parameters,
};
use super::stream::mail_status_default;
super::bridge::core_driver!(unixdriver, unixproto, "unix", 0x9106, {
    valid: new unix_valid, parameters: use unix_parameters, scan: new unix_scan,
    list: new unix_list, lsub: new unix_lsub, create: new unix_create,
    mbxdel: new unix_delete, mbxren: new unix_rename, status: use mail_status_default,
    open: new unix_open, close: new unix_close, header: new unix_header,
    text: new unix_text, flagmsg: new unix_flagmsg, ping: new unix_ping,
    check: new unix_check, expunge: new unix_expunge, copy: new unix_copy,
    append: new unix_append,
});
super::bridge::core_driver!(mmdfdriver, mmdfproto, "mmdf", 0x9106, {
    valid: new mmdf_valid, parameters: use mmdf_parameters, scan: new mmdf_scan,
    list: new mmdf_list, lsub: new mmdf_lsub, create: new mmdf_create,
    mbxdel: new mmdf_delete, mbxren: new mmdf_rename, status: use mail_status_default,
    open: new mmdf_open, close: new mmdf_close, header: new mmdf_header,
    text: new mmdf_text, flagmsg: new mmdf_flagmsg, ping: new mmdf_ping,
    check: new mmdf_check, expunge: new mmdf_expunge, copy: new mmdf_copy,
    append: new mmdf_append,
});

use super::drvhelpers::mbx_flag;
// As the original's: per-message writes through `flagmsg` under one flag
// lock, synced and released once by the `flag` slot (`mbx_flag`).
super::bridge::core_driver!(mbxdriver, mbxproto, "mbx", 0x306, {
    valid: new mbx_valid, parameters: use mbx_parameters, scan: new mbx_scan,
    list: new mbx_list, lsub: new mbx_lsub, create: new mbx_create,
    mbxdel: new mbx_delete, mbxren: new mbx_rename, status: use mbx_status,
    open: new mbx_open, close: new mbx_close, header: new mbx_header,
    text: new mbx_text, flag: use mbx_flag, flagmsg: new mbx_flagmsg, ping: new mbx_ping,
    check: new mbx_check, expunge: new mbx_expunge, copy: new mbx_copy,
    append: new mbx_append,
});

/// `mbx_status`: the counts of the stream when it is open on the mailbox
/// (the generic layer passes it only then), else of a quiet read-only open.
///
/// # Safety
/// `stream` NULL or live; `mbx` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mbx_status(
    stream: *mut MAILSTREAM,
    mbx: *mut c_char,
    flags: c_long,
) -> c_long {
    super::guard("mbx_status", 0, || {
        if stream.is_null() {
            let core = crate::store::registry::driver("mbx");
            // SAFETY: forwarded contract.
            unsafe { super::bridge::status(core, stream, mbx, flags) }
        } else {
            // SAFETY: forwarded contract; the stream is open on `mbx`.
            unsafe { mail_status_default(stream, mbx, flags) }
        }
    })
}
super::bridge::core_driver!(mboxdriver, mboxproto, "mbox", 0x8106, {
    valid: new mbox_valid, parameters: use unix_parameters, scan: use unix_scan,
    list: use unix_list, lsub: use unix_lsub, create: new mbox_create,
    mbxdel: new mbox_delete, mbxren: new mbox_rename, status: new mbox_status,
    open: new mbox_open, close: use unix_close, header: use unix_header,
    text: use unix_text, flagmsg: use unix_flagmsg, ping: new mbox_ping,
    check: new mbox_check, expunge: new mbox_expunge, copy: use unix_copy,
    append: new mbox_append,
});
use super::mix::{mix_flag, mix_sort, mix_thread};
// As the original's, the mix driver changes flags through its `flag` slot
// only (one status file write for the whole change).
super::bridge::core_driver!(mixdriver, mixproto, "mix", 0x60326, {
    valid: new mix_valid, parameters: use mix_parameters, scan: new mix_scan,
    list: new mix_list, lsub: new mix_lsub, create: new mix_create,
    mbxdel: new mix_delete, mbxren: new mix_rename, status: use mail_status_default,
    open: new mix_open, close: new mix_close, header: new mix_header,
    text: new mix_text, flag: use mix_flag, ping: new mix_ping,
    check: new mix_check, expunge: new mix_expunge, copy: new mix_copy,
    append: new mix_append, sort: use mix_sort, thread: use mix_thread,
});
super::bridge::core_driver!(philedriver, phileproto, "phile", 0x412, {
    valid: new phile_valid, parameters: use phile_parameters, scan: new phile_scan,
    list: new phile_list, lsub: new phile_lsub, create: use dummy_create,
    mbxdel: use dummy_delete, mbxren: use dummy_rename, status: new phile_status,
    open: new phile_open, close: new phile_close, structure: new phile_structure,
    header: new phile_header, text: new phile_text, ping: new phile_ping,
    check: new phile_check, expunge: new phile_expunge, copy: new phile_copy,
    append: new phile_append,
});
use super::drvhelpers::{mx_fast, mx_flag};
// As the original's: the index locked by the first per-message call,
// written and released once by the `flag` slot (`mx_flag`).
super::bridge::core_driver!(mxdriver, mxproto, "mx", 0x20326, {
    valid: new mx_valid, parameters: use mx_parameters, scan: new mx_scan,
    list: new mx_list, lsub: new mx_lsub, create: new mx_create,
    mbxdel: new mx_delete, mbxren: new mx_rename, status: use mail_status_default,
    open: new mx_open, close: new mx_close, fast: use mx_fast, header: new mx_header,
    text: new mx_text, flag: use mx_flag, flagmsg: new mx_flagmsg, ping: new mx_ping,
    check: new mx_check, expunge: new mx_expunge, copy: new mx_copy,
    append: new mx_append,
});
// The legacy tenex and mtx formats (src/store/tenex); their own slots
// (status, fast, msgflags, flag) are in src/abi/tenex.rs.
use super::tenex::{
    mtx_flag, mtx_flags, mtx_parameters, mtx_status, tenex_fast, tenex_flag, tenex_flags,
    tenex_parameters, tenex_status,
};
super::bridge::core_driver!(tenexdriver, tenexproto, "tenex", 0x506, {
    valid: new tenex_valid, parameters: use tenex_parameters, scan: new tenex_scan,
    list: new tenex_list, lsub: new tenex_lsub, create: use dummy_create,
    mbxdel: new tenex_delete, mbxren: new tenex_rename, status: use tenex_status,
    open: new tenex_open, close: new tenex_close, fast: use tenex_fast,
    msgflags: use tenex_flags, header: new tenex_header, text: new tenex_text,
    flag: use tenex_flag, flagmsg: new tenex_flagmsg, ping: new tenex_ping,
    check: new tenex_check, expunge: new tenex_expunge, copy: new tenex_copy,
    append: new tenex_append,
});
super::bridge::core_driver!(mtxdriver, mtxproto, "mtx", 0x706, {
    valid: new mtx_valid, parameters: use mtx_parameters, scan: new mtx_scan,
    list: new mtx_list, lsub: new mtx_lsub, create: use dummy_create,
    mbxdel: new mtx_delete, mbxren: new mtx_rename, status: use mtx_status,
    open: new mtx_open, close: new mtx_close, fast: use mtx_flags,
    msgflags: use mtx_flags, header: new mtx_header, text: new mtx_text,
    flag: use mtx_flag, flagmsg: new mtx_flagmsg, ping: new mtx_ping,
    check: new mtx_check, expunge: new mtx_expunge, copy: new mtx_copy,
    append: new mtx_append,
});

// The original's mh driver keeps flags only in the cache (no flag slots).
use super::mh::{
    mh_copy, mh_fast, mh_header, mh_list, mh_lsub, mh_open, mh_ping, mh_scan, mh_subscribe,
    mh_text, mh_unsubscribe, mh_valid,
};
super::bridge::core_driver!(mhdriver, mhproto, "mh", 0x20466, {
    valid: use mh_valid, parameters: use mh_parameters, scan: use mh_scan,
    list: use mh_list, lsub: use mh_lsub, subscribe: use mh_subscribe,
    unsubscribe: use mh_unsubscribe, create: new mh_create,
    mbxdel: new mh_delete, mbxren: new mh_rename, status: use mail_status_default,
    open: use mh_open, close: new mh_close, fast: use mh_fast, header: use mh_header,
    text: use mh_text, ping: use mh_ping,
    check: new mh_check, expunge: new mh_expunge, copy: use mh_copy,
    append: new mh_append,
});

// The Maildir driver, an addition of ours (the original has none): built
// with feature driver-maildir, linked by programs whose linkage.c names it
// (EXTRADRIVERS=md); see docs/ports.md.
#[cfg(feature = "driver-maildir")]
use super::maildir::{md_list, md_lsub, md_scan};
#[cfg(feature = "driver-maildir")]
super::bridge::core_driver!(mddriver, mdproto, "md", 0x46, {
    valid: new md_valid, parameters: use phile_parameters, scan: use md_scan,
    list: use md_list, lsub: use md_lsub, create: new md_create,
    mbxdel: new md_delete, mbxren: new md_rename, status: new md_status,
    open: new md_open, close: new md_close, header: new md_header,
    text: new md_text, flagmsg: new md_flagmsg, ping: new md_ping,
    check: new md_check, expunge: new md_expunge, copy: new md_copy,
    append: new md_append,
});

const fn authenticator(name: *mut c_char, flags: c_long) -> AUTHENTICATOR {
    AUTHENTICATOR {
        flags,
        name,
        valid: None,
        client: None,
        server: None,
        next: null_mut(),
    }
}

#[no_mangle]
pub static mut auth_gss: AUTHENTICATOR = AUTHENTICATOR {
    valid: Some(super::gss::auth_gssapi_valid),
    client: Some(super::gss::auth_gssapi_client),
    server: Some(super::gss::auth_gssapi_server),
    ..authenticator(c_str!("GSSAPI"), 0x3)
};
#[no_mangle]
pub static mut auth_ext: AUTHENTICATOR = AUTHENTICATOR {
    client: Some(super::auth::auth_external_client),
    server: Some(super::server::auth_external_server),
    ..authenticator(c_str!("EXTERNAL"), 0x1000_0003)
};
#[no_mangle]
pub static mut auth_md5: AUTHENTICATOR = AUTHENTICATOR {
    valid: Some(super::server::auth_md5_valid),
    client: Some(super::auth::auth_md5_client),
    server: Some(super::server::auth_md5_server),
    ..authenticator(c_str!("CRAM-MD5"), 0x1)
};
#[no_mangle]
pub static mut auth_pla: AUTHENTICATOR = AUTHENTICATOR {
    client: Some(super::auth::auth_plain_client),
    server: Some(super::server::auth_plain_server),
    ..authenticator(c_str!("PLAIN"), 0x1000_0002)
};
#[no_mangle]
pub static mut auth_log: AUTHENTICATOR = AUTHENTICATOR {
    client: Some(super::auth::auth_login_client),
    server: Some(super::server::auth_login_server),
    ..authenticator(c_str!("LOGIN"), 0x1000_0000)
};

/// XOAUTH2 and OAUTHBEARER (ours): outside the authenticator list, so
/// that nothing the original offers changes; `/auth=` reaches them.
pub static mut AUTH_XOAUTH2: AUTHENTICATOR = AUTHENTICATOR {
    client: Some(super::auth::auth_xoauth2_client),
    ..authenticator(c_str!("XOAUTH2"), 0)
};
pub static mut AUTH_OAUTHBEARER: AUTHENTICATOR = AUTHENTICATOR {
    client: Some(super::auth::auth_oauthbearer_client),
    ..authenticator(c_str!("OAUTHBEARER"), 0)
};

/// String drivers. Programs may copy these records into themselves (copy
/// relocations) or define their own `file_string`; STRINGs always go
/// through the `dtb` they were initialised with.
#[no_mangle]
pub static mut mail_string: STRINGDRIVER = STRINGDRIVER {
    init: Some(strings::mail_string_init),
    next: Some(strings::mail_string_next),
    setpos: Some(strings::mail_string_setpos),
};
#[no_mangle]
pub static mut file_string: STRINGDRIVER = STRINGDRIVER {
    init: Some(strings::file_string_init),
    next: Some(strings::file_string_next),
    setpos: Some(strings::file_string_setpos),
};
#[no_mangle]
pub static mut fd_string: STRINGDRIVER = STRINGDRIVER {
    init: Some(strings::fd_string_init),
    next: Some(strings::fd_string_next),
    setpos: Some(strings::fd_string_setpos),
};

/// Body type names, indexed by TYPE*; unknown names met while parsing are
/// added in the free slots at run time, as the original does.
#[no_mangle]
pub static mut body_types: [*mut c_char; TYPEMAX as usize + 1] = {
    let mut t = [null_mut(); TYPEMAX as usize + 1];
    t[TYPETEXT as usize] = c_str!("TEXT");
    t[TYPEMULTIPART as usize] = c_str!("MULTIPART");
    t[TYPEMESSAGE as usize] = c_str!("MESSAGE");
    t[TYPEAPPLICATION as usize] = c_str!("APPLICATION");
    t[TYPEAUDIO as usize] = c_str!("AUDIO");
    t[TYPEIMAGE as usize] = c_str!("IMAGE");
    t[TYPEVIDEO as usize] = c_str!("VIDEO");
    t[TYPEMODEL as usize] = c_str!("MODEL");
    t[TYPEOTHER as usize] = c_str!("X-UNKNOWN");
    t
};

/// Content-transfer-encoding names, indexed by ENC*; extended at run time.
#[no_mangle]
pub static mut body_encodings: [*mut c_char; ENCMAX as usize + 1] = {
    let mut t = [null_mut(); ENCMAX as usize + 1];
    t[ENC7BIT as usize] = c_str!("7BIT");
    t[ENC8BIT as usize] = c_str!("8BIT");
    t[ENCBINARY as usize] = c_str!("BINARY");
    t[ENCBASE64 as usize] = c_str!("BASE64");
    t[ENCQUOTEDPRINTABLE as usize] = c_str!("QUOTED-PRINTABLE");
    t[ENCOTHER as usize] = c_str!("X-UNKNOWN");
    t
};

/// Day and month abbreviations used in dates.
#[no_mangle]
pub static mut days: [*const c_char; 7] = [
    c_str!("Sun"),
    c_str!("Mon"),
    c_str!("Tue"),
    c_str!("Wed"),
    c_str!("Thu"),
    c_str!("Fri"),
    c_str!("Sat"),
];
#[no_mangle]
pub static mut months: [*const c_char; 12] = [
    c_str!("Jan"),
    c_str!("Feb"),
    c_str!("Mar"),
    c_str!("Apr"),
    c_str!("May"),
    c_str!("Jun"),
    c_str!("Jul"),
    c_str!("Aug"),
    c_str!("Sep"),
    c_str!("Oct"),
    c_str!("Nov"),
    c_str!("Dec"),
];

// Character classes of RFC 822 (and MIME tokens): the characters that force
// quoting. Control characters 1-31 and DEL are special in all of them.
macro_rules! with_controls {
    ($s:expr) => {
        concat!(
            $s,
            "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10",
            "\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f\0"
        )
        .as_ptr() as *const c_char
    };
}
#[no_mangle]
pub static mut specials: *const c_char = with_controls!(" ()<>@,;:\\\"[].");
#[no_mangle]
pub static mut rspecials: *const c_char = with_controls!("()<>@,;:\\\"[].");
#[no_mangle]
pub static mut wspecials: *const c_char = with_controls!(" ()<>@,;:\\\"[]");
#[no_mangle]
pub static mut tspecials: *const c_char = with_controls!(" ()<>@,;:\\\"[]/?=");

/// Separator line of MMDF mailboxes.
#[no_mangle]
pub static mut mmdfhdr: *mut c_char = c_str!("\x01\x01\x01\x01\n");

/// Largest positive `int`, used by callers as "no limit".
#[no_mangle]
pub static mut maxposint: c_long = i32::MAX as c_long;

/// Our own notice in place of the original's copyright text (see
/// docs/deviations.md).
#[no_mangle]
pub static mut UW_copyright: *mut c_char = c_str!(
    "c-client compatible library: a memory-safe reimplementation of the UW IMAP toolkit's c-client.\nLicensed under the Apache License, Version 2.0.\n"
);

/// The pseudo-message that keeps folder metadata at the front of some
/// mailbox formats: sender, name and subject identify it to both libraries.
#[no_mangle]
pub static mut pseudo_from: *mut c_char = c_str!("MAILER-DAEMON");
#[no_mangle]
pub static mut pseudo_name: *mut c_char = c_str!("Mail System Internal Data");
#[no_mangle]
pub static mut pseudo_subject: *mut c_char =
    c_str!("DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA");
#[no_mangle]
pub static mut pseudo_msg: *mut c_char = c_str!(
    "This message holds the folder's internal data (such as message UIDs and\nkeywords) and is not real mail. Mail software creates it automatically;\nif it is deleted, that data is lost and recreated with initial values."
);
