//! c-client: a memory-safe implementation of the UW IMAP toolkit's mail
//! library, exported through the original's C ABI.
//!
//! Layers (dependencies point down only):
//! - `abi`: the C boundary (`#[no_mangle]` exports, `#[repr(C)]` records,
//!   callbacks into the application). The only home of `unsafe` besides `os`.
//! - the safe core: `message`, `charset`, `store`, `net`, `query`, `env`.
//! - `os`: thin wrappers over the operating system.

pub mod abi;
pub mod charset;
pub mod env;
pub mod message;
pub mod net;
pub mod os;
pub mod query;
pub mod server;
pub mod store;
#[cfg(test)]
mod test_rand;
