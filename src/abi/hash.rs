//! The original's hash tables (HASHTAB/HASHENT): a bucket array allocated
//! in one block behind the size, chained entries with caller-owned keys and
//! a variable number of data slots after the first.
//!
//! Programs read the records directly (`table[i]`, `ent->data[k]`), so the
//! layout and the bucket of every key (the polynomial hash) are the
//! original's.

use super::bindings::{HASHENT, HASHMULT, HASHTAB};
use super::memory::{fs_get, fs_give};
use std::os::raw::{c_char, c_long, c_ulong, c_void};

/// The original's key hash: a polynomial over the key's bytes, each taken
/// as a C `char` (signed here) converted to `unsigned int`.
pub fn key_hash(key: &[u8]) -> u64 {
    key.iter().fold(0u64, |acc, &b| {
        acc.wrapping_mul(HASHMULT as u64)
            .wrapping_add(b as i8 as i32 as u32 as u64)
    })
}

/// Buckets actually allocated: at least one, so that a table created with
/// size 0 (which the original divides by) is still usable.
fn buckets(size: usize) -> usize {
    size.max(1)
}

/// The bucket array that follows the size field.
///
/// # Safety
/// `tab` must be a table made by `hash_create`.
unsafe fn slots(tab: *mut HASHTAB) -> *mut *mut HASHENT {
    // SAFETY: the array starts at `table` and has buckets(size) entries.
    unsafe { std::ptr::addr_of_mut!((*tab).table) as *mut *mut HASHENT }
}

/// `hash_create`: an empty table of `size` buckets.
#[no_mangle]
pub extern "C" fn hash_create(size: usize) -> *mut HASHTAB {
    super::guard("hash_create", std::ptr::null_mut(), || {
        // Saturating: an absurd size must fail in fs_get (fatal, as in the
        // original), not wrap to a small block that is then overrun.
        let bytes = buckets(size)
            .saturating_mul(std::mem::size_of::<*mut HASHENT>())
            .saturating_add(std::mem::size_of::<usize>());
        let tab = fs_get(bytes) as *mut HASHTAB;
        // SAFETY: `tab` is a fresh block of `bytes` bytes.
        unsafe {
            std::ptr::write_bytes(tab as *mut u8, 0, bytes);
            (*tab).size = size;
        }
        tab
    })
}

/// `hash_reset`: frees every entry (not the keys or data) and empties the
/// buckets.
///
/// # Safety
/// `hashtab` must be NULL or a table made by `hash_create`.
#[no_mangle]
pub unsafe extern "C" fn hash_reset(hashtab: *mut HASHTAB) {
    super::guard("hash_reset", (), || {
        if hashtab.is_null() {
            return;
        }
        // SAFETY: per the contract the table has buckets(size) slots whose
        // chains were allocated by hash_add.
        unsafe {
            let table = slots(hashtab);
            for i in 0..buckets((*hashtab).size) {
                let mut ent = *table.add(i);
                *table.add(i) = std::ptr::null_mut();
                while !ent.is_null() {
                    let next = (*ent).next;
                    fs_give(std::ptr::addr_of_mut!(ent) as *mut *mut c_void);
                    ent = next;
                }
            }
        }
    })
}

/// `hash_destroy`: resets and frees the table, clearing the caller's
/// pointer.
///
/// # Safety
/// `hashtab` must be NULL or point to NULL or a table from `hash_create`.
#[no_mangle]
pub unsafe extern "C" fn hash_destroy(hashtab: *mut *mut HASHTAB) {
    super::guard("hash_destroy", (), || {
        // SAFETY: per the contract.
        unsafe {
            if hashtab.is_null() || (*hashtab).is_null() {
                return;
            }
            hash_reset(*hashtab);
            fs_give(hashtab as *mut *mut c_void);
        }
    })
}

/// `hash_index`: the bucket of `key`.
///
/// # Safety
/// `hashtab` a table from `hash_create`, `key` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn hash_index(hashtab: *mut HASHTAB, key: *mut c_char) -> c_ulong {
    super::guard("hash_index", 0, || {
        if hashtab.is_null() || key.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        let (size, key) = unsafe { ((*hashtab).size, std::ffi::CStr::from_ptr(key).to_bytes()) };
        match size {
            0 => 0,
            n => key_hash(key) % n as u64,
        }
    })
}

/// The entry for `key` in its bucket, or NULL.
///
/// # Safety
/// As for [`hash_index`].
unsafe fn find(hashtab: *mut HASHTAB, key: *mut c_char, bucket: c_ulong) -> *mut HASHENT {
    // SAFETY: per the contract; entry names are the NUL-terminated keys
    // callers added.
    unsafe {
        let wanted = std::ffi::CStr::from_ptr(key);
        let mut ent = *slots(hashtab).add(bucket as usize);
        while !ent.is_null() {
            if !(*ent).name.is_null() && std::ffi::CStr::from_ptr((*ent).name) == wanted {
                return ent;
            }
            ent = (*ent).next;
        }
        std::ptr::null_mut()
    }
}

/// `hash_lookup`: the data slots of `key`, or NULL.
///
/// # Safety
/// As for [`hash_index`].
#[no_mangle]
pub unsafe extern "C" fn hash_lookup(hashtab: *mut HASHTAB, key: *mut c_char) -> *mut *mut c_void {
    super::guard("hash_lookup", std::ptr::null_mut(), || {
        if hashtab.is_null() || key.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: per the contract.
        unsafe {
            let ent = find(hashtab, key, hash_index(hashtab, key));
            if ent.is_null() {
                std::ptr::null_mut()
            } else {
                std::ptr::addr_of_mut!((*ent).data) as *mut *mut c_void
            }
        }
    })
}

/// Makes an entry with `1 + extra` zeroed data slots, the first set to
/// `data`, and puts it at the head of `bucket`.
///
/// # Safety
/// As for [`hash_index`]; `key` must outlive the entry (it is not copied).
unsafe fn insert(
    hashtab: *mut HASHTAB,
    key: *mut c_char,
    data: *mut c_void,
    extra: c_long,
    bucket: c_ulong,
) -> *mut HASHENT {
    let extra = extra.max(0) as usize;
    let bytes = std::mem::size_of::<HASHENT>()
        .saturating_add(extra.saturating_mul(std::mem::size_of::<*mut c_void>()));
    let ent = fs_get(bytes) as *mut HASHENT;
    // SAFETY: `ent` is a fresh block of `bytes` bytes; the bucket exists.
    unsafe {
        std::ptr::write_bytes(ent as *mut u8, 0, bytes);
        let head = slots(hashtab).add(bucket as usize);
        (*ent).next = *head;
        (*ent).name = key;
        (*ent).data[0] = data;
        *head = ent;
    }
    ent
}

/// `hash_add`: adds `key` without looking for it first (callers ensure it
/// is absent); returns the new entry.
///
/// # Safety
/// As for [`insert`].
#[no_mangle]
pub unsafe extern "C" fn hash_add(
    hashtab: *mut HASHTAB,
    key: *mut c_char,
    data: *mut c_void,
    extra: c_long,
) -> *mut HASHENT {
    super::guard("hash_add", std::ptr::null_mut(), || {
        if hashtab.is_null() || key.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: per the contract.
        unsafe { insert(hashtab, key, data, extra, hash_index(hashtab, key)) }
    })
}

/// `hash_lookup_and_add`: the data slots of `key`, adding it when absent.
///
/// # Safety
/// As for [`insert`].
#[no_mangle]
pub unsafe extern "C" fn hash_lookup_and_add(
    hashtab: *mut HASHTAB,
    key: *mut c_char,
    data: *mut c_void,
    extra: c_long,
) -> *mut *mut c_void {
    super::guard("hash_lookup_and_add", std::ptr::null_mut(), || {
        if hashtab.is_null() || key.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: per the contract.
        unsafe {
            let bucket = hash_index(hashtab, key);
            let mut ent = find(hashtab, key, bucket);
            if ent.is_null() {
                ent = insert(hashtab, key, data, extra, bucket);
            }
            std::ptr::addr_of_mut!((*ent).data) as *mut *mut c_void
        }
    })
}

#[cfg(test)]
mod tests {
    use super::key_hash;

    #[test]
    fn polynomial_hash() {
        assert_eq!(key_hash(b""), 0);
        assert_eq!(key_hash(b"a"), 97);
        assert_eq!(key_hash(b"ab"), 97 * 29 + 98);
        // High bytes count as negative chars widened to 32 bits.
        assert_eq!(key_hash(b"\xff"), 0xffff_ffff);
    }
}
