//! Seeded xorshift generators shared by the unit tests that walk random
//! inputs: the same seed gives the same sequence on every run.

/// The raw 64-bit xorshift sequence from `seed` (not 0).
pub fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

/// The same sequence reduced to `0..n` on each call.
pub fn below(seed: u64) -> impl FnMut(usize) -> usize {
    let mut next = xorshift(seed);
    move |n| (next() % n as u64) as usize
}
