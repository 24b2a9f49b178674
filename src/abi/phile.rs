//! The phile driver's helper exports (its slots come from `core_driver!`).

use super::memory::c_bytes;
use crate::store::phile;
use std::os::raw::{c_char, c_int, c_uchar, c_ulong};

/// `phile_type`: the original's PTYPE bits for `i` bytes at `s` (0 for
/// binary), with the number of LFs in `*j`.
///
/// # Safety
/// `s` readable for `i` bytes; `j` writable.
#[no_mangle]
pub unsafe extern "C" fn phile_type(s: *mut c_uchar, i: c_ulong, j: *mut c_ulong) -> c_int {
    super::guard("phile_type", 0, || {
        // SAFETY: per the contract.
        let data: &[u8] = if i == 0 || s.is_null() {
            &[]
        } else {
            unsafe { std::slice::from_raw_parts(s, i as usize) }
        };
        let (bits, lines) = match phile::classify(data) {
            None => (0, 0),
            Some((k, lines)) => {
                let mut b = 1;
                for (on, bit) in [
                    (k.has_cr, 2),
                    (k.eight_bit, 4),
                    (k.iso2022_jp, 8),
                    (k.iso2022_kr, 16),
                    (k.iso2022_cn, 32),
                ] {
                    if on {
                        b |= bit;
                    }
                }
                (b, lines)
            }
        };
        if !j.is_null() {
            // SAFETY: per the contract. The original stops counting at the
            // first binary byte; callers only use the count for text.
            unsafe { *j = lines as c_ulong };
        }
        bits
    })
}

/// `phile_isvalid`: whether `name` is a plain file phile would show;
/// `tmp` (MAILTMPLEN bytes) receives the file name.
///
/// # Safety
/// `name` NUL-terminated; `tmp` NULL or MAILTMPLEN bytes.
#[no_mangle]
pub unsafe extern "C" fn phile_isvalid(name: *mut c_char, tmp: *mut c_char) -> c_int {
    super::guard("phile_isvalid", 0, || {
        // SAFETY: per the contract.
        let Some(n) = (unsafe { c_bytes(name) }) else {
            return 0;
        };
        if !tmp.is_null() {
            // SAFETY: tmp has MAILTMPLEN bytes; mailboxfile writes within them.
            unsafe { super::env::mailboxfile(tmp, name) };
        }
        use crate::store::mailbox::Driver;
        c_int::from(phile::PHILE.valid(n))
    })
}
