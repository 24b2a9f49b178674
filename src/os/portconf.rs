//! The port's settings (paths, restrictBox, IP version, ...): one small
//! object defines `cclient_portconf`, a fixed-size block of
//! `KEY=VALUE` records after a magic line. build.rs generates and bundles
//! the one of the cargo build (the `ldb` port unless `CCLIENT_*` variables
//! say otherwise); `make <port>` relinks the library with another one
//! (tools/passwd-variant.sh), so another port is not a second compile.

/// Size of the block (fixed, so objects of every port are the same size).
pub const LEN: usize = 4096;

extern "C" {
    static cclient_portconf: [u8; LEN];
}

/// The linked block.
pub fn raw() -> &'static [u8] {
    // SAFETY: an immutable array of LEN bytes defined by the port object
    // linked into the library; never written.
    unsafe { &*std::ptr::addr_of!(cclient_portconf) }
}
