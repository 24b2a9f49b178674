//! Gives the shared library the original's soname, so programs linked
//! against `libc-client.so.2007e` load ours unchanged.

fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libc-client.so.2007e");
    println!("cargo:rerun-if-changed=build.rs");
}
