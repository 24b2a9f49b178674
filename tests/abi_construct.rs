//! Constructors and destructors through the exported C entry points:
//! defaults, pointer clearing, sparep hooks, and frees of long lists and
//! deep trees on a small stack (they must not recurse).

mod abi_support;

use c_client::abi::bindings::*;
use c_client::abi::construct::*;
use c_client::abi::misc::cpystr;
use c_client::abi::params::mail_parameters;
use std::os::raw::c_void;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicUsize, Ordering};

fn cstr(s: &str) -> *mut std::os::raw::c_char {
    let owned = std::ffi::CString::new(s).unwrap();
    // SAFETY: `owned` is NUL-terminated; cpystr copies it.
    unsafe { cpystr(owned.as_ptr()) }
}

fn all_zero<T>(p: *const T) -> bool {
    // SAFETY: `p` is a live record of type T.
    let bytes = unsafe { std::slice::from_raw_parts(p as *const u8, std::mem::size_of::<T>()) };
    bytes.iter().all(|&b| b == 0)
}

#[test]
fn constructors_give_empty_records() {
    let env = mail_newenvelope();
    assert!(all_zero(env));
    let body = mail_newbody();
    // SAFETY: fresh records from the constructors.
    unsafe {
        assert_eq!((*body).type_ as i32, TYPETEXT);
        assert_eq!((*body).encoding as i32, ENC7BIT);
        (*body).type_ = TYPEAUDIO as u16;
        (*body).size.bytes = 7;
        // initbody only resets: TEXT and 7BIT are both zero.
        assert_eq!(mail_initbody(body), body);
        assert!(all_zero(body));
        let mut env = env;
        mail_free_envelope(&mut env);
        assert!(env.is_null());
        let mut body = body;
        mail_free_body(&mut body);
        assert!(body.is_null());

        let or = mail_newsearchor();
        assert!(!(*or).first.is_null() && !(*or).second.is_null());
        assert!(all_zero((*or).first));
        let mut or = or;
        mail_free_searchor(&mut or);
        assert!(or.is_null());

        let hdr = mail_newsearchheader(cstr("X-Test"), cstr("value"));
        assert_eq!((*hdr).line.size, 6);
        assert_eq!((*hdr).text.size, 5);
        // The constructor copied the strings; free our originals.
        let mut hdr = hdr;
        mail_free_searchheader(&mut hdr);
        assert!(hdr.is_null());

        let part = mail_newbody_part();
        assert!((*part).next.is_null());
        assert_eq!((*part).body.type_ as i32, TYPETEXT);
        let mut part = part;
        mail_free_body_part(&mut part);
        assert!(part.is_null());
    }
}

#[test]
fn destructors_accept_null() {
    // SAFETY: NULL and pointers to NULL are documented no-ops.
    unsafe {
        mail_free_body(null_mut());
        let mut b: *mut BODY = null_mut();
        mail_free_body(&mut b);
        mail_free_body_data(null_mut());
        mail_gc_msg(null_mut(), (GC_ENV | GC_TEXTS) as _);
        mail_gc_body(null_mut());
        let mut t: *mut THREADNODE = null_mut();
        mail_free_threadnode(&mut t);
        mail_free_annotation(null_mut());
    }
}

static BODY_HOOK_CALLS: AtomicUsize = AtomicUsize::new(0);
static ENV_HOOK_CALLS: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn body_hook(sparep: *mut *mut c_void) {
    BODY_HOOK_CALLS.fetch_add(1, Ordering::SeqCst);
    // SAFETY: the library passes the body's sparep slot.
    unsafe {
        libc::free(*sparep);
        *sparep = null_mut();
    }
}

unsafe extern "C" fn env_hook(sparep: *mut *mut c_void) {
    ENV_HOOK_CALLS.fetch_add(1, Ordering::SeqCst);
    // SAFETY: the library passes the envelope's sparep slot.
    unsafe {
        libc::free(*sparep);
        *sparep = null_mut();
    }
}

#[test]
fn sparep_hooks_run_for_every_body_and_envelope() {
    // Installed the way an application does, through mail_parameters.
    // SAFETY: the hooks have the C signatures the codes expect.
    unsafe {
        mail_parameters(null_mut(), SET_FREEBODYSPAREP, body_hook as *mut c_void);
        mail_parameters(null_mut(), SET_FREEENVELOPESPAREP, env_hook as *mut c_void);
    }
    // SAFETY: records built with the constructors and malloc'ed spareps.
    unsafe {
        let top = mail_newbody();
        (*top).type_ = TYPEMULTIPART as u16;
        (*top).sparep = libc::malloc(8);
        let mut tail: *mut *mut PART = &mut (*top).nested.part;
        for _ in 0..3 {
            let p = mail_newbody_part();
            (*p).body.sparep = libc::malloc(8);
            *tail = p;
            tail = &mut (*p).next;
        }
        // One part carries an encapsulated message with an envelope.
        let second = &mut (*(*top).nested.part).next;
        let b = &mut (**second).body;
        b.type_ = TYPEMESSAGE as u16;
        b.subtype = cstr("RFC822");
        b.nested.msg = mail_newmsg();
        (*b.nested.msg).env = mail_newenvelope();
        (*(*b.nested.msg).env).sparep = libc::malloc(8);
        (*b.nested.msg).body = mail_newbody();
        (*(*b.nested.msg).body).sparep = libc::malloc(8);
        let mut top = top;
        mail_free_body(&mut top);
        assert!(top.is_null());
    }
    // SAFETY: clearing the hooks again.
    unsafe {
        mail_parameters(null_mut(), SET_FREEBODYSPAREP, null_mut());
        mail_parameters(null_mut(), SET_FREEENVELOPESPAREP, null_mut());
    }
    assert_eq!(BODY_HOOK_CALLS.load(Ordering::SeqCst), 5);
    assert_eq!(ENV_HOOK_CALLS.load(Ordering::SeqCst), 1);
}

/// Runs `f` on a thread with a 128 KiB stack: a recursive free of the
/// structures below would need far more.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(128 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn long_lists_free_without_recursion() {
    on_small_stack(|| {
        // SAFETY: lists built with the constructors.
        unsafe {
            let mut adr: *mut ADDRESS = null_mut();
            let mut thr: *mut THREADNODE = null_mut();
            let mut sl: *mut STRINGLIST = null_mut();
            for i in 0..100_000 {
                let a = mail_newaddr();
                (*a).mailbox = cstr("user");
                (*a).next = adr;
                adr = a;
                let t = mail_newthreadnode(null_mut());
                if i % 3 == 0 {
                    (*t).branch = thr;
                } else {
                    (*t).next = thr;
                }
                thr = t;
                let s = mail_newstringlist();
                (*s).text.data = cstr("x") as *mut u8;
                (*s).text.size = 1;
                (*s).next = sl;
                sl = s;
            }
            mail_free_address(&mut adr);
            mail_free_threadnode(&mut thr);
            mail_free_stringlist(&mut sl);
            assert!(adr.is_null() && thr.is_null() && sl.is_null());
        }
    });
}

#[test]
fn deep_trees_free_without_recursion() {
    on_small_stack(|| {
        // SAFETY: trees built with the constructors.
        unsafe {
            let top = mail_newbody();
            let mut b = top;
            for i in 0..50_000 {
                if i % 2 == 0 {
                    (*b).type_ = TYPEMULTIPART as u16;
                    (*b).nested.part = mail_newbody_part();
                    b = &mut (*(*b).nested.part).body;
                } else {
                    (*b).type_ = TYPEMESSAGE as u16;
                    (*b).subtype = cstr("RFC822");
                    let m = mail_newmsg();
                    (*m).body = mail_newbody();
                    (*m).header.text.data = cstr("h") as *mut u8;
                    (*b).nested.msg = m;
                    b = (*m).body;
                }
                (*b).contents.text.data = cstr("c") as *mut u8;
            }
            mail_gc_body(top);
            let mut top = top;
            mail_free_body(&mut top);
            assert!(top.is_null());

            let pgm = mail_newsearchpgm();
            let mut p = pgm;
            for i in 0..50_000 {
                if i % 2 == 0 {
                    (*p).not = mail_newsearchpgmlist();
                    p = (*(*p).not).pgm;
                } else {
                    (*p).or = mail_newsearchor();
                    p = (*(*p).or).first;
                }
            }
            let mut pgm = pgm;
            mail_free_searchpgm(&mut pgm);
            assert!(pgm.is_null());
        }
    });
}

#[test]
fn free_body_data_clears_fields_and_keeps_sizes() {
    // SAFETY: a body populated with C-heap blocks.
    unsafe {
        let b = mail_newbody();
        (*b).subtype = cstr("PLAIN");
        (*b).id = cstr("<id>");
        (*b).md5 = cstr("sum");
        (*b).parameter = mail_newbody_parameter();
        (*(*b).parameter).attribute = cstr("CHARSET");
        (*b).size.bytes = 42;
        mail_free_body_data(b);
        assert!((*b).subtype.is_null() && (*b).id.is_null() && (*b).md5.is_null());
        assert!((*b).parameter.is_null());
        assert_eq!((*b).size.bytes, 42);
        libc::free(b as *mut c_void);
    }
}
