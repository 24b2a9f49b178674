//! Which password back end this library was linked with: the object
//! `ports/passwd/ckp_<type>.rs` defines `cclient_passwdtype` ("std",
//! "pam", "pmb" or "nul"). The default build links the one of its cargo
//! feature (build.rs); the other `PASSWDTYPE`s are the same library
//! relinked with another object (tools/passwd-variant.sh).

extern "C" {
    static cclient_passwdtype: [u8; 4];
}

/// The linked back end's name ("std", "pam", "pmb", "nul").
pub fn linked_type() -> &'static [u8] {
    // SAFETY: an immutable, NUL-terminated 4-byte array defined by the
    // back end object linked into the library; never written.
    let raw: &'static [u8; 4] = unsafe { &*std::ptr::addr_of!(cclient_passwdtype) };
    let end = raw.iter().position(|&c| c == 0).unwrap_or(raw.len());
    &raw[..end]
}
