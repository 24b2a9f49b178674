//! The process heap for Rust allocations: the C library's malloc itself, so
//! that a byte vector built by the parser can become a C string the
//! application frees with `free()` (see `abi::rfc822::vec_to_c`) instead of being copied.
//! `std::alloc::System` is malloc-based too, but its contract forbids mixing
//! it with `free`; this allocator makes that mixing part of its definition.
//! It is process-wide for the library's Rust code (and the std it links).

use std::alloc::{GlobalAlloc, Layout};

/// Alignment every malloc block has on the platforms we build for.
const MALLOC_ALIGN: usize = 16;

pub struct CHeap;

// SAFETY: every block comes from malloc/realloc/posix_memalign and goes
// back through free/realloc, which is what they require; small
// alignments are met by malloc's own, larger ones by posix_memalign.
unsafe impl GlobalAlloc for CHeap {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if l.align() <= MALLOC_ALIGN && l.align() <= l.size() {
            // SAFETY: any size may be asked of malloc.
            unsafe { libc::malloc(l.size()) as *mut u8 }
        } else {
            let mut p: *mut libc::c_void = std::ptr::null_mut();
            let align = l.align().max(std::mem::size_of::<usize>());
            // SAFETY: `align` is a power of two and a multiple of the
            // pointer size, as posix_memalign requires.
            match unsafe { libc::posix_memalign(&mut p, align, l.size()) } {
                0 => p as *mut u8,
                _ => std::ptr::null_mut(),
            }
        }
    }
    unsafe fn dealloc(&self, p: *mut u8, _l: Layout) {
        // SAFETY: `p` came from `alloc`/`realloc` above.
        unsafe { libc::free(p as *mut libc::c_void) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        if l.align() <= MALLOC_ALIGN && l.align() <= new_size {
            // SAFETY: `p` came from malloc or posix_memalign with an
            // alignment malloc also gives, so realloc may move it.
            unsafe { libc::realloc(p as *mut libc::c_void, new_size) as *mut u8 }
        } else {
            // SAFETY: the layout is valid (the caller's contract).
            let new_l = unsafe { Layout::from_size_align_unchecked(new_size, l.align()) };
            // SAFETY: as for `alloc`; the old block holds `l.size()`
            // bytes and the new one at least `new_size`.
            unsafe {
                let n = self.alloc(new_l);
                if !n.is_null() {
                    std::ptr::copy_nonoverlapping(p, n, l.size().min(new_size));
                    self.dealloc(p, l);
                }
                n
            }
        }
    }
}

#[global_allocator]
static HEAP: CHeap = CHeap;
