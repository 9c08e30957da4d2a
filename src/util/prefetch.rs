//! Cache hints: asking for memory some time before it is read, so that a miss overlaps other
//! work instead of stalling it. A hint never faults and changes no result; on targets other
//! than x86-64 it does nothing.

/// Bytes in a cache line.
const LINE: usize = 64;

/// Asks for every cache line of the `bytes` bytes from `p` (which need not be valid memory).
#[inline(always)]
pub fn lines(p: *const u8, bytes: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        let first = p as usize & !(LINE - 1);
        let mut at = first;
        while at < p as usize + bytes {
            // SAFETY: a prefetch is a hint: it never faults, whatever the address.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    p.wrapping_add(at - p as usize).cast(),
                );
            }
            at += LINE;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (p, bytes, LINE);
}

/// Asks for the cache line at `p` (which need not be valid memory) to be written: it comes
/// owned, so the first store into it does not wait either.
#[inline(always)]
pub fn line_for_write(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint: it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_ET0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Asks for every cache line of `value`.
#[inline(always)]
pub fn value<T: ?Sized>(value: &T) {
    lines((value as *const T).cast(), size_of_val(value));
}
