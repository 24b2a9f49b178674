//! Kerberos V through the system's MIT libraries (`libgssapi_krb5.so.2`,
//! `libkrb5.so.3`), loaded at run time. Debian's c-client is linked with
//! them; this library loads them on first use instead, so it also runs
//! where they are not installed: then nothing Kerberos works, exactly as
//! on a system without keytab or tickets (GSSAPI is not valid).
//!
//! The wrappers own what the libraries hand out (names, credentials,
//! contexts, buffers) and release it when dropped.

use std::ffi::{c_char, c_int, c_void, CString};
use std::ptr::null_mut;
use std::sync::OnceLock;

/// `OM_uint32`.
pub type Om = u32;

pub const GSS_S_COMPLETE: Om = 0;
pub const GSS_S_CONTINUE_NEEDED: Om = 1;
pub const GSS_S_CREDENTIALS_EXPIRED: Om = 11 << 16;
pub const GSS_S_FAILURE: Om = 13 << 16;
pub const GSS_C_INTEG_FLAG: Om = 32;
pub const GSS_C_MUTUAL_FLAG: Om = 2;
pub const GSS_C_REPLAY_FLAG: Om = 4;
const GSS_C_ACCEPT: c_int = 2;
const GSS_C_GSS_CODE: c_int = 1;
const GSS_C_MECH_CODE: c_int = 2;
/// Mask of the routine error of a major status.
const GSS_ROUTINE_ERROR_MASK: Om = 0xff << 16;

/// MIT error codes that mean "no or expired tickets" (`kerberos_try_kinit`).
pub const KRB5KRB_AP_ERR_TKT_EXPIRED: i32 = -1765328352;
pub const KRB5_FCC_NOFILE: i32 = -1765328189;
pub const KRB5_CC_NOTFOUND: i32 = -1765328243;

#[repr(C)]
struct Buf {
    length: usize,
    value: *mut c_void,
}

impl Buf {
    fn empty() -> Buf {
        Buf {
            length: 0,
            value: null_mut(),
        }
    }
}

type Opaque = *mut c_void;

type ImportNameFn = unsafe extern "C" fn(*mut Om, *mut Buf, Opaque, *mut Opaque) -> Om;
type ReleaseNameFn = unsafe extern "C" fn(*mut Om, *mut Opaque) -> Om;
type DisplayNameFn = unsafe extern "C" fn(*mut Om, Opaque, *mut Buf, *mut Opaque) -> Om;
type AcquireCredFn = unsafe extern "C" fn(
    *mut Om,
    Opaque,
    Om,
    Opaque,
    c_int,
    *mut Opaque,
    *mut Opaque,
    *mut Om,
) -> Om;
type ReleaseCredFn = unsafe extern "C" fn(*mut Om, *mut Opaque) -> Om;
type AcceptSecContextFn = unsafe extern "C" fn(
    *mut Om,
    *mut Opaque,
    Opaque,
    *mut Buf,
    Opaque,
    *mut Opaque,
    *mut Opaque,
    *mut Buf,
    *mut Om,
    *mut Om,
    *mut Opaque,
) -> Om;
type InitSecContextFn = unsafe extern "C" fn(
    *mut Om,
    Opaque,
    *mut Opaque,
    Opaque,
    Opaque,
    Om,
    Om,
    Opaque,
    *mut Buf,
    *mut Opaque,
    *mut Buf,
    *mut Om,
    *mut Om,
) -> Om;
type DeleteSecContextFn = unsafe extern "C" fn(*mut Om, *mut Opaque, *mut Buf) -> Om;
type WrapFn =
    unsafe extern "C" fn(*mut Om, Opaque, c_int, Om, *mut Buf, *mut c_int, *mut Buf) -> Om;
type UnwrapFn =
    unsafe extern "C" fn(*mut Om, Opaque, *mut Buf, *mut Buf, *mut c_int, *mut Om) -> Om;
type ReleaseBufferFn = unsafe extern "C" fn(*mut Om, *mut Buf) -> Om;
type DisplayStatusFn = unsafe extern "C" fn(*mut Om, Om, c_int, Opaque, *mut Om, *mut Buf) -> Om;
type KInitContextFn = unsafe extern "C" fn(*mut Opaque) -> i32;
type KFreeContextFn = unsafe extern "C" fn(Opaque);
type KKtDefaultFn = unsafe extern "C" fn(Opaque, *mut Opaque) -> i32;
type KKtStartSeqGetFn = unsafe extern "C" fn(Opaque, Opaque, *mut Opaque) -> i32;
type KKtEndSeqGetFn = unsafe extern "C" fn(Opaque, Opaque, *mut Opaque) -> i32;
type KKtCloseFn = unsafe extern "C" fn(Opaque, Opaque) -> i32;
type KParseNameFn = unsafe extern "C" fn(Opaque, *const c_char, *mut Opaque) -> i32;
type KAnameToLocalnameFn = unsafe extern "C" fn(Opaque, Opaque, c_int, *mut c_char) -> i32;
type KFreePrincipalFn = unsafe extern "C" fn(Opaque, Opaque);

struct Lib {
    oid_hostbased: Opaque,
    import_name: ImportNameFn,
    release_name: ReleaseNameFn,
    display_name: DisplayNameFn,
    acquire_cred: AcquireCredFn,
    release_cred: ReleaseCredFn,
    accept_sec_context: AcceptSecContextFn,
    init_sec_context: InitSecContextFn,
    delete_sec_context: DeleteSecContextFn,
    wrap: WrapFn,
    unwrap: UnwrapFn,
    release_buffer: ReleaseBufferFn,
    display_status: DisplayStatusFn,
    k_init_context: KInitContextFn,
    k_free_context: KFreeContextFn,
    k_kt_default: KKtDefaultFn,
    k_kt_start_seq_get: KKtStartSeqGetFn,
    k_kt_end_seq_get: KKtEndSeqGetFn,
    k_kt_close: KKtCloseFn,
    k_parse_name: KParseNameFn,
    k_aname_to_localname: KAnameToLocalnameFn,
    k_free_principal: KFreePrincipalFn,
}

// SAFETY: the record holds function addresses and a pointer to a constant
// OID of the loaded library, which stays loaded for the process's life.
unsafe impl Send for Lib {}
// SAFETY: as above; nothing in it is ever written after loading.
unsafe impl Sync for Lib {}

fn open(name: &std::ffi::CStr) -> Opaque {
    // SAFETY: a NUL-terminated library name; the handle is never closed.
    unsafe { libc::dlopen(name.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) }
}

fn sym(handle: Opaque, name: &std::ffi::CStr) -> Option<Opaque> {
    // SAFETY: a live handle and a NUL-terminated symbol name.
    let p = unsafe { libc::dlsym(handle, name.as_ptr()) };
    (!p.is_null()).then_some(p)
}

macro_rules! load {
    ($h:expr, $name:literal, $t:ty) => {{
        let p = sym($h, $name)?;
        // SAFETY: the symbol is the MIT library's function of this
        // prototype (gssapi.h / krb5.h).
        unsafe { std::mem::transmute::<Opaque, $t>(p) }
    }};
}

fn load_lib() -> Option<Lib> {
    let g = open(c"libgssapi_krb5.so.2");
    let k = open(c"libkrb5.so.3");
    if g.is_null() || k.is_null() {
        return None;
    }
    let oid_var = sym(g, c"GSS_C_NT_HOSTBASED_SERVICE")?;
    // SAFETY: the symbol is a `gss_OID` variable of the library.
    let oid_hostbased = unsafe { *(oid_var as *const Opaque) };
    Some(Lib {
        oid_hostbased,
        import_name: load!(g, c"gss_import_name", ImportNameFn),
        release_name: load!(g, c"gss_release_name", ReleaseNameFn),
        display_name: load!(g, c"gss_display_name", DisplayNameFn),
        acquire_cred: load!(g, c"gss_acquire_cred", AcquireCredFn),
        release_cred: load!(g, c"gss_release_cred", ReleaseCredFn),
        accept_sec_context: load!(g, c"gss_accept_sec_context", AcceptSecContextFn),
        init_sec_context: load!(g, c"gss_init_sec_context", InitSecContextFn),
        delete_sec_context: load!(g, c"gss_delete_sec_context", DeleteSecContextFn),
        wrap: load!(g, c"gss_wrap", WrapFn),
        unwrap: load!(g, c"gss_unwrap", UnwrapFn),
        release_buffer: load!(g, c"gss_release_buffer", ReleaseBufferFn),
        display_status: load!(g, c"gss_display_status", DisplayStatusFn),
        k_init_context: load!(k, c"krb5_init_context", KInitContextFn),
        k_free_context: load!(k, c"krb5_free_context", KFreeContextFn),
        k_kt_default: load!(k, c"krb5_kt_default", KKtDefaultFn),
        k_kt_start_seq_get: load!(k, c"krb5_kt_start_seq_get", KKtStartSeqGetFn),
        k_kt_end_seq_get: load!(k, c"krb5_kt_end_seq_get", KKtEndSeqGetFn),
        k_kt_close: load!(k, c"krb5_kt_close", KKtCloseFn),
        k_parse_name: load!(k, c"krb5_parse_name", KParseNameFn),
        k_aname_to_localname: load!(k, c"krb5_aname_to_localname", KAnameToLocalnameFn),
        k_free_principal: load!(k, c"krb5_free_principal", KFreePrincipalFn),
    })
}

fn lib() -> Option<&'static Lib> {
    static LIB: OnceLock<Option<Lib>> = OnceLock::new();
    LIB.get_or_init(load_lib).as_ref()
}

/// Whether the Kerberos libraries could be loaded.
pub fn available() -> bool {
    lib().is_some()
}

/// A (major, minor) GSSAPI status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    pub major: Om,
    pub minor: Om,
}

impl Status {
    pub fn complete(self) -> bool {
        self.major == GSS_S_COMPLETE
    }
}

fn take(l: &Lib, b: &mut Buf) -> Vec<u8> {
    let out = if b.value.is_null() || b.length == 0 {
        Vec::new()
    } else {
        // SAFETY: the library filled b with length bytes at value.
        unsafe { std::slice::from_raw_parts(b.value as *const u8, b.length) }.to_vec()
    };
    let mut mn = 0;
    // SAFETY: a buffer the library allocated (or an empty one).
    unsafe { (l.release_buffer)(&mut mn, b) };
    out
}

fn input(data: &[u8]) -> Buf {
    Buf {
        length: data.len(),
        value: data.as_ptr() as *mut c_void,
    }
}

/// A GSSAPI name (released when dropped).
pub struct Name(Opaque);

impl Drop for Name {
    fn drop(&mut self) {
        if let (Some(l), false) = (lib(), self.0.is_null()) {
            let mut mn = 0;
            // SAFETY: a name the library made.
            unsafe { (l.release_name)(&mut mn, &mut self.0) };
        }
    }
}

/// `gss_import_name` of a host-based service name ("service@host").
pub fn import_service_name(text: &[u8]) -> Result<Name, Status> {
    let l = lib().ok_or(Status {
        major: GSS_S_FAILURE,
        minor: 0,
    })?;
    let mut b = input(text);
    let mut mn = 0;
    let mut out: Opaque = null_mut();
    // SAFETY: b describes text, alive for the call; out receives a name.
    let mj = unsafe { (l.import_name)(&mut mn, &mut b, l.oid_hostbased, &mut out) };
    if mj == GSS_S_COMPLETE {
        Ok(Name(out))
    } else {
        Err(Status {
            major: mj,
            minor: mn,
        })
    }
}

/// `gss_display_name`.
pub fn display_name(n: &Name) -> Option<Vec<u8>> {
    let l = lib()?;
    let mut mn = 0;
    let mut b = Buf::empty();
    // SAFETY: a live name; b receives a buffer we release.
    let mj = unsafe { (l.display_name)(&mut mn, n.0, &mut b, null_mut()) };
    (mj == GSS_S_COMPLETE).then(|| take(l, &mut b))
}

/// Acceptor credentials (released when dropped).
pub struct Cred(Opaque);

impl Drop for Cred {
    fn drop(&mut self) {
        if let (Some(l), false) = (lib(), self.0.is_null()) {
            let mut mn = 0;
            // SAFETY: credentials the library made.
            unsafe { (l.release_cred)(&mut mn, &mut self.0) };
        }
    }
}

/// `gss_acquire_cred` for accepting as `name`.
pub fn acquire_accept_cred(name: &Name) -> Result<Cred, Status> {
    let l = lib().ok_or(Status {
        major: GSS_S_FAILURE,
        minor: 0,
    })?;
    let mut mn = 0;
    let mut out: Opaque = null_mut();
    // SAFETY: a live name; out receives credentials.
    let mj = unsafe {
        (l.acquire_cred)(
            &mut mn,
            name.0,
            0,
            null_mut(),
            GSS_C_ACCEPT,
            &mut out,
            null_mut(),
            null_mut(),
        )
    };
    if mj == GSS_S_COMPLETE {
        Ok(Cred(out))
    } else {
        Err(Status {
            major: mj,
            minor: mn,
        })
    }
}

/// A security context (deleted when dropped).
pub struct Ctx(Opaque);

impl Drop for Ctx {
    fn drop(&mut self) {
        if let (Some(l), false) = (lib(), self.0.is_null()) {
            let mut mn = 0;
            // SAFETY: a context the library made.
            unsafe { (l.delete_sec_context)(&mut mn, &mut self.0, null_mut()) };
        }
    }
}

impl Ctx {
    pub fn new() -> Ctx {
        Ctx(null_mut())
    }
}

impl Default for Ctx {
    fn default() -> Self {
        Ctx::new()
    }
}

/// One step of `gss_accept_sec_context`: the status, the token to send,
/// and (when complete) the initiator's name.
pub fn accept_step(ctx: &mut Ctx, cred: &Cred, token: &[u8]) -> (Status, Vec<u8>, Option<Name>) {
    let Some(l) = lib() else {
        return (
            Status {
                major: GSS_S_FAILURE,
                minor: 0,
            },
            Vec::new(),
            None,
        );
    };
    let mut mn = 0;
    let mut inb = input(token);
    let mut outb = Buf::empty();
    let mut src: Opaque = null_mut();
    let mut flags: Om = 0;
    // SAFETY: live context slot and credentials; inb describes token for
    // the call; outb and src receive objects we release.
    let mj = unsafe {
        (l.accept_sec_context)(
            &mut mn,
            &mut ctx.0,
            cred.0,
            &mut inb,
            null_mut(),
            &mut src,
            null_mut(),
            &mut outb,
            &mut flags,
            null_mut(),
            null_mut(),
        )
    };
    let out = take(l, &mut outb);
    let name = (!src.is_null()).then_some(Name(src));
    (
        Status {
            major: mj,
            minor: mn,
        },
        out,
        name,
    )
}

/// One step of `gss_init_sec_context` with the default credentials, for
/// `target`, with the flags the original asks for.
pub fn init_step(ctx: &mut Ctx, target: &Name, token: Option<&[u8]>) -> (Status, Vec<u8>) {
    let Some(l) = lib() else {
        return (
            Status {
                major: GSS_S_FAILURE,
                minor: 0,
            },
            Vec::new(),
        );
    };
    let mut mn = 0;
    let mut inb = token.map(input);
    let inp = inb.as_mut().map_or(null_mut(), |b| b as *mut Buf);
    let mut outb = Buf::empty();
    // SAFETY: live context slot and name; inp NULL or a buffer alive for
    // the call; outb receives a buffer we release.
    let mj = unsafe {
        (l.init_sec_context)(
            &mut mn,
            null_mut(),
            &mut ctx.0,
            target.0,
            null_mut(),
            GSS_C_INTEG_FLAG | GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG,
            0,
            null_mut(),
            inp,
            null_mut(),
            &mut outb,
            null_mut(),
            null_mut(),
        )
    };
    let out = take(l, &mut outb);
    if mj != GSS_S_COMPLETE && mj != GSS_S_CONTINUE_NEEDED {
        *ctx = Ctx::new();
    }
    (
        Status {
            major: mj,
            minor: mn,
        },
        out,
    )
}

/// `gss_wrap` without confidentiality at protection `qop`.
pub fn wrap(ctx: &Ctx, qop: Om, data: &[u8]) -> Result<Vec<u8>, Status> {
    let l = lib().ok_or(Status {
        major: GSS_S_FAILURE,
        minor: 0,
    })?;
    let mut mn = 0;
    let mut inb = input(data);
    let mut outb = Buf::empty();
    let mut conf = 0;
    // SAFETY: a live context; inb describes data; outb is released.
    let mj = unsafe { (l.wrap)(&mut mn, ctx.0, 0, qop, &mut inb, &mut conf, &mut outb) };
    let out = take(l, &mut outb);
    if mj == GSS_S_COMPLETE {
        Ok(out)
    } else {
        Err(Status {
            major: mj,
            minor: mn,
        })
    }
}

/// `gss_unwrap`: the message and its protection.
pub fn unwrap(ctx: &Ctx, data: &[u8]) -> Option<(Vec<u8>, Om)> {
    let l = lib()?;
    let mut mn = 0;
    let mut inb = input(data);
    let mut outb = Buf::empty();
    let mut conf = 0;
    let mut qop: Om = 0;
    // SAFETY: a live context; inb describes data; outb is released.
    let mj = unsafe { (l.unwrap)(&mut mn, ctx.0, &mut inb, &mut outb, &mut conf, &mut qop) };
    let out = take(l, &mut outb);
    (mj == GSS_S_COMPLETE).then_some((out, qop))
}

/// The texts of a status code (`gss_display_status`), GSS codes when
/// `gss_code`, else mechanism codes.
pub fn status_texts(code: Om, gss_code: bool) -> Vec<Vec<u8>> {
    let Some(l) = lib() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut mctx: Om = 0;
    let kind = if gss_code {
        GSS_C_GSS_CODE
    } else {
        GSS_C_MECH_CODE
    };
    for _ in 0..16 {
        let mut mn = 0;
        let mut b = Buf::empty();
        // SAFETY: b receives a buffer we release.
        let mj = unsafe { (l.display_status)(&mut mn, code, kind, null_mut(), &mut mctx, &mut b) };
        if mj & GSS_ROUTINE_ERROR_MASK != 0 {
            break;
        }
        out.push(take(l, &mut b));
        if mctx == 0 {
            break;
        }
    }
    out
}

/// Whether the default keytab can be read (`kerberos_server_valid`).
pub fn default_keytab_usable() -> bool {
    let Some(l) = lib() else {
        return false;
    };
    let mut ret = false;
    let mut ctx: Opaque = null_mut();
    // SAFETY: ctx receives a context we free; the keytab and cursor are
    // used and closed within.
    unsafe {
        if (l.k_init_context)(&mut ctx) == 0 {
            let mut kt: Opaque = null_mut();
            if (l.k_kt_default)(ctx, &mut kt) == 0 {
                let mut cur: Opaque = null_mut();
                if (l.k_kt_start_seq_get)(ctx, kt, &mut cur) == 0
                    && (l.k_kt_end_seq_get)(ctx, kt, &mut cur) == 0
                {
                    ret = true;
                }
                (l.k_kt_close)(ctx, kt);
            }
            (l.k_free_context)(ctx);
        }
    }
    ret
}

/// The local account a principal maps to (`krb5_aname_to_localname`),
/// at most `max - 1` bytes.
pub fn principal_local_name(principal: &[u8], max: usize) -> Option<Vec<u8>> {
    let l = lib()?;
    let p = CString::new(principal).ok()?;
    let mut out = None;
    let mut ctx: Opaque = null_mut();
    // SAFETY: ctx and the principal are freed within; the name buffer has
    // max bytes and the library writes at most max - 1 plus a NUL.
    unsafe {
        if (l.k_init_context)(&mut ctx) == 0 {
            let mut prnc: Opaque = null_mut();
            if (l.k_parse_name)(ctx, p.as_ptr(), &mut prnc) == 0 {
                let mut buf = vec![0u8; max];
                if (l.k_aname_to_localname)(
                    ctx,
                    prnc,
                    (max - 1) as c_int,
                    buf.as_mut_ptr() as *mut c_char,
                ) == 0
                {
                    let n = buf.iter().position(|&c| c == 0).unwrap_or(max);
                    buf.truncate(n);
                    out = Some(buf);
                }
                (l.k_free_principal)(ctx, prnc);
            }
            (l.k_free_context)(ctx);
        }
    }
    out
}
