//! Password back end object for `PASSWDTYPE=pmb`: PAM for the
//! stacks that do not hand the conversation its application data back
//! (the original's ckp_pmb: the credentials are kept aside instead).
//!
//! One such object is linked into the library and names the back end the
//! library's `checkpw` uses (src/os/passwd.rs reads it). The checks
//! themselves are in the library; changing the back end is a relink with
//! another of these objects (tools/passwd-variant.sh), not a rebuild.
#![no_std]

/// The back end's name, NUL-terminated.
#[no_mangle]
pub static cclient_passwdtype: [u8; 4] = *b"pmb\0";
