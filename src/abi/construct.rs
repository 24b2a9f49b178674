//! Constructors and destructors of the public records (`mail_new*`,
//! `mail_free*`, `mail_gc_msg`, `mail_gc_body`).
//!
//! Memory rules (the original's, which programs rely on):
//! - every record and every string hanging off one is a C-heap block
//!   (`fs_get`, i.e. malloc), so a program may `free()` what we build and
//!   we may free what it built with malloc;
//! - a `mail_free_*(T **)` frees the whole structure reachable from `*p`
//!   and sets `*p` to NULL; NULL (or a pointer to NULL) is a no-op;
//! - fields that a free releases are cleared as it goes, so a record that
//!   is only emptied (`mail_free_body_data`, `mail_gc_*`) can be reused.
//!
//! Lists and trees are walked with an explicit work stack rather than by
//! recursion, so a 100 000-element address list or a deeply nested MIME
//! tree cannot overflow the C stack.

use super::bindings::*;
use super::memory::{fs_get, fs_give};
use super::misc::cpystr;
use std::os::raw::{c_char, c_long, c_void};

// --- Hooks set through mail_parameters ------------------------------------

/// The application's hook for freeing an envelope's `sparep`
/// (`SET_FREEENVELOPESPAREP`), read from the parameter table.
pub fn free_envelope_sparep() -> freeenvelopesparep_t {
    let word = super::params::hook(GET_FREEENVELOPESPAREP);
    // SAFETY: a non-zero word was stored by mail_parameters from a function
    // pointer of this type (or is NULL, which maps to None).
    unsafe { std::mem::transmute::<usize, freeenvelopesparep_t>(word) }
}

/// The application's hook for freeing a body's `sparep`
/// (`SET_FREEBODYSPAREP`), read from the parameter table.
pub fn free_body_sparep() -> freebodysparep_t {
    let word = super::params::hook(GET_FREEBODYSPAREP);
    // SAFETY: as above, for the body hook's type.
    unsafe { std::mem::transmute::<usize, freebodysparep_t>(word) }
}

// --- Constructors -------------------------------------------------------------

/// A zero-filled C-heap record of type `T`.
fn zeroed<T>() -> *mut T {
    let size = std::mem::size_of::<T>();
    let block = fs_get(size) as *mut T;
    // SAFETY: `block` is a fresh allocation of `size` bytes.
    unsafe { std::ptr::write_bytes(block as *mut u8, 0, size) };
    block
}

// The exported names are spelled out (`extern "C" fn name`) so that
// tools/gen-stubs.py sees them as implemented.
macro_rules! zeroed_constructors {
    ($($(#[$doc:meta])* pub extern "C" fn $name:ident() -> $ty:ty;)*) => {
        $(
            $(#[$doc])*
            #[no_mangle]
            pub extern "C" fn $name() -> *mut $ty {
                super::guard(stringify!($name), std::ptr::null_mut(), zeroed::<$ty>)
            }
        )*
    };
}

zeroed_constructors! {
    /// `mail_newenvelope`: an empty envelope.
    pub extern "C" fn mail_newenvelope() -> ENVELOPE;
    /// `mail_newaddr`: an empty address.
    pub extern "C" fn mail_newaddr() -> ADDRESS;
    /// `mail_newbody_parameter`: an empty parameter.
    pub extern "C" fn mail_newbody_parameter() -> PARAMETER;
    /// `mail_newmsg`: an empty encapsulated-message record.
    pub extern "C" fn mail_newmsg() -> MESSAGE;
    /// `mail_newstringlist`: an empty string list element.
    pub extern "C" fn mail_newstringlist() -> STRINGLIST;
    /// `mail_newsearchpgm`: a search program matching everything.
    pub extern "C" fn mail_newsearchpgm() -> SEARCHPGM;
    /// `mail_newsearchset`: an empty search set element.
    pub extern "C" fn mail_newsearchset() -> SEARCHSET;
    /// `mail_newsortpgm`: an empty sort program element.
    pub extern "C" fn mail_newsortpgm() -> SORTPGM;
    /// `mail_newacllist`: an empty ACL list element.
    pub extern "C" fn mail_newacllist() -> ACLLIST;
    /// `mail_newquotalist`: an empty quota list element.
    pub extern "C" fn mail_newquotalist() -> QUOTALIST;
    /// `mail_newannotation` (Debian's annotation addition): empty.
    pub extern "C" fn mail_newannotation() -> ANNOTATION;
    /// `mail_newannotationvalue` (Debian's annotation addition): empty.
    pub extern "C" fn mail_newannotationvalue() -> ANNOTATION_VALUES;
}

/// `mail_initbody`: clears a body to its defaults (TEXT, 7BIT, all else
/// empty) and returns it.
///
/// # Safety
/// `body` must be NULL or point to a writable BODY.
#[no_mangle]
pub unsafe extern "C" fn mail_initbody(body: *mut BODY) -> *mut BODY {
    super::guard("mail_initbody", std::ptr::null_mut(), || {
        if body.is_null() {
            return body;
        }
        // SAFETY: `body` is a writable BODY per the contract.
        unsafe {
            std::ptr::write_bytes(body as *mut u8, 0, std::mem::size_of::<BODY>());
            (*body).type_ = TYPETEXT as u16;
            (*body).encoding = ENC7BIT as u16;
        }
        body
    })
}

/// `mail_newbody`: a body with `mail_initbody`'s defaults.
#[no_mangle]
pub extern "C" fn mail_newbody() -> *mut BODY {
    super::guard("mail_newbody", std::ptr::null_mut(), || {
        // SAFETY: a fresh BODY-sized block.
        unsafe { mail_initbody(fs_get(std::mem::size_of::<BODY>()) as *mut BODY) }
    })
}

/// `mail_newbody_part`: a part whose body has `mail_initbody`'s defaults.
#[no_mangle]
pub extern "C" fn mail_newbody_part() -> *mut PART {
    super::guard("mail_newbody_part", std::ptr::null_mut(), || {
        let part = zeroed::<PART>();
        // SAFETY: `part` is a fresh, zeroed PART.
        unsafe { mail_initbody(std::ptr::addr_of_mut!((*part).body)) };
        part
    })
}

/// `mail_newsearchheader`: a HEADER criterion with copies of the field
/// name and text.
///
/// # Safety
/// `line` and `text` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_newsearchheader(
    line: *mut c_char,
    text: *mut c_char,
) -> *mut SEARCHHEADER {
    super::guard("mail_newsearchheader", std::ptr::null_mut(), || {
        let hdr = zeroed::<SEARCHHEADER>();
        // SAFETY: `hdr` is fresh; the strings per the contract.
        unsafe {
            for (dst, src) in [(&mut (*hdr).line, line), (&mut (*hdr).text, text)] {
                dst.data = cpystr(src) as *mut u8;
                dst.size = if src.is_null() {
                    0
                } else {
                    libc::strlen(src) as std::os::raw::c_ulong
                };
            }
        }
        hdr
    })
}

/// `mail_newsearchor`: an OR of two empty search programs.
#[no_mangle]
pub extern "C" fn mail_newsearchor() -> *mut SEARCHOR {
    super::guard("mail_newsearchor", std::ptr::null_mut(), || {
        let or = zeroed::<SEARCHOR>();
        // SAFETY: `or` is fresh.
        unsafe {
            (*or).first = mail_newsearchpgm();
            (*or).second = mail_newsearchpgm();
        }
        or
    })
}

/// `mail_newsearchpgmlist`: a list element holding an empty program.
#[no_mangle]
pub extern "C" fn mail_newsearchpgmlist() -> *mut SEARCHPGMLIST {
    super::guard("mail_newsearchpgmlist", std::ptr::null_mut(), || {
        let list = zeroed::<SEARCHPGMLIST>();
        // SAFETY: `list` is fresh.
        unsafe { (*list).pgm = mail_newsearchpgm() };
        list
    })
}

/// `mail_newthreadnode`: a thread node pointing at `sc`.
#[no_mangle]
pub extern "C" fn mail_newthreadnode(sc: *mut SORTCACHE) -> *mut THREADNODE {
    super::guard("mail_newthreadnode", std::ptr::null_mut(), || {
        let node = zeroed::<THREADNODE>();
        // SAFETY: `node` is fresh.
        unsafe { (*node).sc = sc };
        node
    })
}

// --- The free engine ------------------------------------------------------

/// Frees `*p` if set and clears it.
///
/// # Safety
/// `*p` must be NULL or a C-heap block not used afterwards.
unsafe fn give<T>(p: &mut *mut T) {
    if !p.is_null() {
        // SAFETY: per the contract.
        unsafe { fs_give(p as *mut *mut T as *mut *mut c_void) };
    }
}

/// Takes the pointer out of `p`, leaving NULL.
fn take<T>(p: &mut *mut T) -> *mut T {
    std::mem::replace(p, std::ptr::null_mut())
}

/// Pending work of a free: nested records wait here instead of on the C
/// stack.
enum Job {
    /// Free this block itself (its contents were handled by another job).
    Block(*mut c_void),
    /// Empty a body and free the BODY block.
    Body(*mut BODY),
    /// Free a list of parts (bodies and PART blocks).
    Parts(*mut PART),
    /// `mail_gc_msg` of a message with these flags.
    Msg(*mut MESSAGE, c_long),
    /// `mail_gc_body`: drop cached texts throughout a body.
    GcBody(*mut BODY),
    /// A search program and everything under it.
    Pgm(*mut SEARCHPGM),
    /// A chain of OR criteria.
    Ors(*mut SEARCHOR),
    /// A chain of NOT criteria.
    PgmList(*mut SEARCHPGMLIST),
    /// A thread node, its branches and its successors.
    Thread(*mut THREADNODE),
}

/// Runs jobs until none are left.
///
/// # Safety
/// Every pointer in `jobs` must be NULL or a valid record whose reachable
/// blocks are C-heap blocks owned by the structure.
unsafe fn run(jobs: Vec<Job>) {
    let mut stack = jobs;
    while let Some(job) = stack.pop() {
        // SAFETY: forwarded contract: each job's pointer came from a valid
        // structure, and each block is reached once.
        unsafe { step(job, &mut stack) };
    }
}

/// Whether a body's subtype is exactly "RFC822" (the only subtype whose
/// nested message the original frees in depth).
///
/// # Safety
/// `subtype` NULL or NUL-terminated.
unsafe fn is_rfc822(subtype: *const c_char) -> bool {
    // SAFETY: per the contract.
    !subtype.is_null() && unsafe { std::ffi::CStr::from_ptr(subtype) }.to_bytes() == b"RFC822"
}

/// One job; nested records are pushed onto `stack`.
///
/// # Safety
/// As for [`run`].
unsafe fn step(job: Job, stack: &mut Vec<Job>) {
    // SAFETY: per the contract of `run`; every pointer is checked for NULL
    // before use.
    unsafe {
        match job {
            Job::Block(p) => {
                let mut p = p;
                give(&mut p);
            }
            Job::Body(b) => {
                if !b.is_null() {
                    body_data(&mut *b, stack);
                    let mut b = b;
                    give(&mut b);
                }
            }
            Job::Parts(mut part) => {
                while !part.is_null() {
                    let next = (*part).next;
                    body_data(&mut (*part).body, stack);
                    give(&mut part);
                    part = next;
                }
            }
            Job::Msg(msg, flags) => {
                if let Some(msg) = msg.as_mut() {
                    gc_msg(msg, flags, stack);
                }
            }
            Job::GcBody(b) => {
                if let Some(b) = b.as_mut() {
                    gc_body(b, stack);
                }
            }
            Job::Pgm(p) => {
                if let Some(pgm) = p.as_mut() {
                    searchpgm_contents(pgm, stack);
                    let mut p = p;
                    give(&mut p);
                }
            }
            Job::Ors(mut or) => {
                while !or.is_null() {
                    let next = (*or).next;
                    stack.push(Job::Pgm(take(&mut (*or).first)));
                    stack.push(Job::Pgm(take(&mut (*or).second)));
                    give(&mut or);
                    or = next;
                }
            }
            Job::PgmList(mut list) => {
                while !list.is_null() {
                    let next = (*list).next;
                    stack.push(Job::Pgm(take(&mut (*list).pgm)));
                    give(&mut list);
                    list = next;
                }
            }
            Job::Thread(mut node) => {
                if !node.is_null() {
                    stack.push(Job::Thread(take(&mut (*node).branch)));
                    stack.push(Job::Thread(take(&mut (*node).next)));
                    give(&mut node);
                }
            }
        }
    }
}

/// `mail_free_body_data` for one body: releases everything it points to
/// and clears those fields; nested parts and messages go on the stack.
///
/// # Safety
/// As for [`run`].
unsafe fn body_data(body: &mut BODY, stack: &mut Vec<Job>) {
    // SAFETY: per the contract of `run`.
    unsafe {
        match body.type_ as std::os::raw::c_int {
            TYPEMULTIPART => stack.push(Job::Parts(take(&mut body.nested.part))),
            TYPEMESSAGE => {
                let msg = take(&mut body.nested.msg);
                if !msg.is_null() {
                    // The MESSAGE block goes last (the stack is LIFO).
                    stack.push(Job::Block(msg as *mut c_void));
                    if is_rfc822(body.subtype) {
                        free_stringlist(&mut (*msg).lines);
                        stack.push(Job::Msg(msg, (GC_ENV | GC_TEXTS) as c_long));
                    }
                }
            }
            _ => {}
        }
        give(&mut body.subtype);
        free_parameters(&mut body.parameter);
        give(&mut body.id);
        give(&mut body.description);
        give(&mut body.disposition.type_);
        free_parameters(&mut body.disposition.parameter);
        free_stringlist(&mut body.language);
        give(&mut body.location);
        give(&mut body.mime.text.data);
        give(&mut body.contents.text.data);
        give(&mut body.md5);
        if !body.sparep.is_null() {
            if let Some(hook) = free_body_sparep() {
                hook(&mut body.sparep);
            }
        }
    }
}

/// `mail_gc_msg`: with GC_ENV drops the envelope and body, with GC_TEXTS
/// the cached texts (and the header's line list with the header).
///
/// # Safety
/// As for [`run`].
unsafe fn gc_msg(msg: &mut MESSAGE, flags: c_long, stack: &mut Vec<Job>) {
    // SAFETY: per the contract of `run`.
    unsafe {
        if flags & GC_ENV as c_long != 0 {
            free_envelope(&mut msg.env);
            stack.push(Job::Body(take(&mut msg.body)));
        }
        if flags & GC_TEXTS as c_long != 0 {
            give(&mut msg.full.text.data);
            if !msg.header.text.data.is_null() {
                free_stringlist(&mut msg.lines);
                give(&mut msg.header.text.data);
            }
            give(&mut msg.text.text.data);
            if !msg.body.is_null() {
                stack.push(Job::GcBody(msg.body));
            }
        }
    }
}

/// `mail_gc_body`: drops the cached MIME header and contents texts of a
/// body and of everything nested in it.
///
/// # Safety
/// As for [`run`].
unsafe fn gc_body(body: &mut BODY, stack: &mut Vec<Job>) {
    // SAFETY: per the contract of `run`.
    unsafe {
        match body.type_ as std::os::raw::c_int {
            TYPEMULTIPART => {
                let mut part = body.nested.part;
                while !part.is_null() {
                    stack.push(Job::GcBody(std::ptr::addr_of_mut!((*part).body)));
                    part = (*part).next;
                }
            }
            TYPEMESSAGE => {
                let msg = body.nested.msg;
                if is_rfc822(body.subtype) && !msg.is_null() {
                    free_stringlist(&mut (*msg).lines);
                    stack.push(Job::Msg(msg, GC_TEXTS as c_long));
                }
            }
            _ => {}
        }
        give(&mut body.mime.text.data);
        give(&mut body.contents.text.data);
    }
}

/// Frees an address list (all strings of each address).
///
/// # Safety
/// As for [`run`].
unsafe fn free_addresses(list: &mut *mut ADDRESS) {
    let mut adr = take(list);
    // SAFETY: per the contract of `run`.
    unsafe {
        while let Some(a) = adr.as_mut() {
            let next = a.next;
            give(&mut a.personal);
            give(&mut a.adl);
            give(&mut a.mailbox);
            give(&mut a.host);
            give(&mut a.error);
            give(&mut a.orcpt.type_);
            give(&mut a.orcpt.addr);
            give(&mut adr);
            adr = next;
        }
    }
}

/// Frees a parameter list.
///
/// # Safety
/// As for [`run`].
unsafe fn free_parameters(list: &mut *mut PARAMETER) {
    let mut p = take(list);
    // SAFETY: per the contract of `run`.
    unsafe {
        while let Some(par) = p.as_mut() {
            let next = par.next;
            give(&mut par.attribute);
            give(&mut par.value);
            give(&mut p);
            p = next;
        }
    }
}

/// Frees a string list.
///
/// # Safety
/// As for [`run`].
unsafe fn free_stringlist(list: &mut *mut STRINGLIST) {
    let mut s = take(list);
    // SAFETY: per the contract of `run`.
    unsafe {
        while let Some(el) = s.as_mut() {
            let next = el.next;
            give(&mut el.text.data);
            give(&mut s);
            s = next;
        }
    }
}

/// Frees a list whose elements own nothing but themselves.
///
/// # Safety
/// As for [`run`]; `next` must return the element's successor.
unsafe fn free_plain_list<T>(list: &mut *mut T, next: impl Fn(&T) -> *mut T) {
    let mut el = take(list);
    // SAFETY: per the contract of `run`.
    unsafe {
        while let Some(e) = el.as_ref() {
            let following = next(e);
            give(&mut el);
            el = following;
        }
    }
}

/// Frees a search header list.
///
/// # Safety
/// As for [`run`].
unsafe fn free_searchheaders(list: &mut *mut SEARCHHEADER) {
    let mut h = take(list);
    // SAFETY: per the contract of `run`.
    unsafe {
        while let Some(hdr) = h.as_mut() {
            let next = hdr.next;
            give(&mut hdr.line.data);
            give(&mut hdr.text.data);
            give(&mut h);
            h = next;
        }
    }
}

/// Frees an envelope: its strings, address lists and (through the hook)
/// its `sparep`.
///
/// # Safety
/// As for [`run`].
unsafe fn free_envelope(env: &mut *mut ENVELOPE) {
    let e = take(env);
    // SAFETY: per the contract of `run`.
    unsafe {
        let Some(en) = e.as_mut() else {
            return;
        };
        give(&mut en.remail);
        free_addresses(&mut en.return_path);
        give(&mut en.date);
        free_addresses(&mut en.from);
        free_addresses(&mut en.sender);
        free_addresses(&mut en.reply_to);
        give(&mut en.subject);
        free_addresses(&mut en.to);
        free_addresses(&mut en.cc);
        free_addresses(&mut en.bcc);
        give(&mut en.in_reply_to);
        give(&mut en.message_id);
        give(&mut en.newsgroups);
        give(&mut en.followup_to);
        give(&mut en.references);
        if !en.sparep.is_null() {
            if let Some(hook) = free_envelope_sparep() {
                hook(&mut en.sparep);
            }
        }
        let mut e = e;
        give(&mut e);
    }
}

/// Releases everything a search program points to (not the program
/// block); nested programs go on the stack.
///
/// The original leaves the lists added after its first release (UNKEYWORD,
/// and the RETURN-PATH … REFERENCES header lists) allocated; they are the
/// program's own, so they are freed here too.
///
/// # Safety
/// As for [`run`].
unsafe fn searchpgm_contents(pgm: &mut SEARCHPGM, stack: &mut Vec<Job>) {
    // SAFETY: per the contract of `run`.
    unsafe {
        free_plain_list(&mut pgm.msgno, |s| s.next);
        free_plain_list(&mut pgm.uid, |s| s.next);
        stack.push(Job::Ors(take(&mut pgm.or)));
        stack.push(Job::PgmList(take(&mut pgm.not)));
        free_searchheaders(&mut pgm.header);
        for list in [
            &mut pgm.bcc,
            &mut pgm.body,
            &mut pgm.cc,
            &mut pgm.from,
            &mut pgm.keyword,
            &mut pgm.unkeyword,
            &mut pgm.subject,
            &mut pgm.text,
            &mut pgm.to,
            &mut pgm.return_path,
            &mut pgm.sender,
            &mut pgm.reply_to,
            &mut pgm.in_reply_to,
            &mut pgm.message_id,
            &mut pgm.newsgroups,
            &mut pgm.followup_to,
            &mut pgm.references,
        ] {
            free_stringlist(list);
        }
    }
}

// --- Exported destructors ---------------------------------------------------

/// Defines `fn $name(p: *mut *mut $ty)`: NULL-safe, runs `$body` on the
/// caller's pointer slot (which the body leaves NULL).
macro_rules! destructor {
    ($(#[$doc:meta])* pub unsafe extern "C" fn $name:ident($slot:ident: *mut *mut $ty:ty) $body:block) => {
        $(#[$doc])*
        ///
        /// # Safety
        /// The argument must be NULL or point to NULL or to a structure
        /// built from C-heap blocks that nothing else frees.
        #[no_mangle]
        pub unsafe extern "C" fn $name(p: *mut *mut $ty) {
            super::guard(stringify!($name), (), || {
                // SAFETY: per the contract above.
                if let Some($slot) = unsafe { p.as_mut() } {
                    if !$slot.is_null() {
                        // SAFETY: per the contract above.
                        unsafe { $body };
                        *$slot = std::ptr::null_mut();
                    }
                }
            })
        }
    };
}

destructor! {
    /// `mail_free_body`: a body and everything nested in it.
    pub unsafe extern "C" fn mail_free_body(slot: *mut *mut BODY) { run(vec![Job::Body(take(slot))]) }
}
destructor! {
    /// `mail_free_body_parameter`: a parameter list.
    pub unsafe extern "C" fn mail_free_body_parameter(slot: *mut *mut PARAMETER) { free_parameters(slot) }
}
destructor! {
    /// `mail_free_body_part`: a list of parts with their bodies.
    pub unsafe extern "C" fn mail_free_body_part(slot: *mut *mut PART) { run(vec![Job::Parts(take(slot))]) }
}
destructor! {
    /// `mail_free_envelope`: an envelope with its addresses.
    pub unsafe extern "C" fn mail_free_envelope(slot: *mut *mut ENVELOPE) { free_envelope(slot) }
}
destructor! {
    /// `mail_free_address`: an address list.
    pub unsafe extern "C" fn mail_free_address(slot: *mut *mut ADDRESS) { free_addresses(slot) }
}
destructor! {
    /// `mail_free_stringlist`: a string list.
    pub unsafe extern "C" fn mail_free_stringlist(slot: *mut *mut STRINGLIST) { free_stringlist(slot) }
}
destructor! {
    /// `mail_free_searchpgm`: a search program and all its criteria.
    pub unsafe extern "C" fn mail_free_searchpgm(slot: *mut *mut SEARCHPGM) { run(vec![Job::Pgm(take(slot))]) }
}
destructor! {
    /// `mail_free_searchheader`: a header criterion list.
    pub unsafe extern "C" fn mail_free_searchheader(slot: *mut *mut SEARCHHEADER) { free_searchheaders(slot) }
}
destructor! {
    /// `mail_free_searchset`: a search set list.
    pub unsafe extern "C" fn mail_free_searchset(slot: *mut *mut SEARCHSET) { free_plain_list(slot, |s| s.next) }
}
destructor! {
    /// `mail_free_searchor`: an OR chain with its programs.
    pub unsafe extern "C" fn mail_free_searchor(slot: *mut *mut SEARCHOR) { run(vec![Job::Ors(take(slot))]) }
}
destructor! {
    /// `mail_free_searchpgmlist`: a NOT chain with its programs.
    pub unsafe extern "C" fn mail_free_searchpgmlist(slot: *mut *mut SEARCHPGMLIST) { run(vec![Job::PgmList(take(slot))]) }
}
destructor! {
    /// `mail_free_sortpgm`: a sort program list.
    pub unsafe extern "C" fn mail_free_sortpgm(slot: *mut *mut SORTPGM) { free_plain_list(slot, |s| s.next) }
}
destructor! {
    /// `mail_free_threadnode`: a thread tree (branches and successors).
    pub unsafe extern "C" fn mail_free_threadnode(slot: *mut *mut THREADNODE) { run(vec![Job::Thread(take(slot))]) }
}
destructor! {
    /// `mail_free_acllist`: an ACL list.
    pub unsafe extern "C" fn mail_free_acllist(slot: *mut *mut ACLLIST) {
        let mut el = take(slot);
        while let Some(e) = el.as_mut() {
            let next = e.next;
            give(&mut e.identifier);
            give(&mut e.rights);
            give(&mut el);
            el = next;
        }
    }
}
destructor! {
    /// `mail_free_quotalist`: a quota list.
    pub unsafe extern "C" fn mail_free_quotalist(slot: *mut *mut QUOTALIST) {
        let mut el = take(slot);
        while let Some(e) = el.as_mut() {
            let next = e.next;
            give(&mut e.name);
            give(&mut el);
            el = next;
        }
    }
}
destructor! {
    /// `mail_free_namespace`: a namespace list with its parameters.
    pub unsafe extern "C" fn mail_free_namespace(slot: *mut *mut NAMESPACE) {
        let mut el = take(slot);
        while let Some(e) = el.as_mut() {
            let next = e.next;
            give(&mut e.name);
            free_parameters(&mut e.param);
            give(&mut el);
            el = next;
        }
    }
}
destructor! {
    /// `mail_free_annotation` (Debian's annotation addition): an
    /// annotation with its attribute/value list.
    pub unsafe extern "C" fn mail_free_annotation(slot: *mut *mut ANNOTATION) {
        let a = &mut **slot;
        give(&mut a.mbox);
        give(&mut a.entry);
        let mut v = take(&mut a.values);
        while let Some(e) = v.as_mut() {
            let next = e.next;
            give(&mut e.attr);
            give(&mut e.value);
            give(&mut v);
            v = next;
        }
        give(slot);
    }
}

/// `mail_free_body_data`: empties a body (which stays allocated).
///
/// # Safety
/// `body` must be NULL or a valid BODY built from C-heap blocks.
#[no_mangle]
pub unsafe extern "C" fn mail_free_body_data(body: *mut BODY) {
    super::guard("mail_free_body_data", (), || {
        // SAFETY: per the contract.
        if let Some(b) = unsafe { body.as_mut() } {
            let mut stack = Vec::new();
            // SAFETY: per the contract.
            unsafe {
                body_data(b, &mut stack);
                run(stack);
            }
        }
    })
}

/// `mail_gc_msg`: drops a message's envelope/body (GC_ENV) and cached
/// texts (GC_TEXTS).
///
/// # Safety
/// `msg` must be NULL or a valid MESSAGE built from C-heap blocks.
#[no_mangle]
pub unsafe extern "C" fn mail_gc_msg(msg: *mut MESSAGE, gcflags: c_long) {
    super::guard("mail_gc_msg", (), || {
        // SAFETY: per the contract.
        unsafe { run(vec![Job::Msg(msg, gcflags)]) };
    })
}

/// `mail_gc_body`: drops the cached texts of a body tree.
///
/// # Safety
/// `body` must be NULL or a valid BODY built from C-heap blocks.
#[no_mangle]
pub unsafe extern "C" fn mail_gc_body(body: *mut BODY) {
    super::guard("mail_gc_body", (), || {
        // SAFETY: per the contract.
        unsafe { run(vec![Job::GcBody(body)]) };
    })
}
