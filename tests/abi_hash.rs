//! Hash tables through the C entry points.

mod abi_support;

use c_client::abi::hash::*;
use std::ffi::CString;
use std::os::raw::c_void;

#[test]
fn add_lookup_reset_destroy() {
    let keys: Vec<CString> = (0..2000)
        .map(|i| CString::new(format!("key-{i}")).unwrap())
        .collect();
    for size in [0usize, 1, 13, 997] {
        let mut tab = hash_create(size);
        // SAFETY: a fresh table; keys outlive it.
        unsafe {
            for (i, k) in keys.iter().enumerate() {
                let e = hash_add(tab, k.as_ptr() as *mut _, (i + 1) as *mut c_void, 2);
                assert_eq!((*e).data[0] as usize, i + 1);
                let slots = std::ptr::addr_of!((*e).data) as *const *mut c_void;
                assert!((*slots.add(1)).is_null() && (*slots.add(2)).is_null());
            }
            for (i, k) in keys.iter().enumerate() {
                let d = hash_lookup(tab, k.as_ptr() as *mut _);
                assert!(!d.is_null());
                assert_eq!(*d as usize, i + 1);
                let idx = hash_index(tab, k.as_ptr() as *mut _);
                assert_eq!(
                    idx,
                    if size == 0 {
                        0
                    } else {
                        key_hash(k.as_bytes()) % size as u64
                    }
                );
            }
            let missing = CString::new("absent").unwrap();
            assert!(hash_lookup(tab, missing.as_ptr() as *mut _).is_null());
            let d = hash_lookup_and_add(tab, missing.as_ptr() as *mut _, 5 as *mut c_void, 0);
            assert_eq!(*d as usize, 5);
            let again = hash_lookup_and_add(tab, missing.as_ptr() as *mut _, 9 as *mut c_void, 0);
            assert_eq!(again, d, "an existing key keeps its entry");
            hash_reset(tab);
            assert!(hash_lookup(tab, keys[0].as_ptr() as *mut _).is_null());
            hash_destroy(&mut tab);
            assert!(tab.is_null());
        }
    }
}
