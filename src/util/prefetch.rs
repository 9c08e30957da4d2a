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
        // From the start of `p`'s line (wrapping pointer steps: the address need not be valid).
        let mut line = p.wrapping_sub(p as usize % LINE);
        let end = p.wrapping_add(bytes);
        while line < end {
            // SAFETY: a prefetch is a hint: it never faults, whatever the address.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(line.cast());
            }
            line = line.wrapping_add(LINE);
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

#[cfg(test)]
mod tests {
    #[test]
    fn hints_at_any_address_change_nothing() {
        let values: Vec<u64> = (0..100).collect();
        // Unaligned starts, an empty range, a range past the end and a null pointer: hints
        // never fault, never read into the program and, in a debug build, never overflow.
        let bytes = values.as_ptr().cast::<u8>();
        for offset in [0, 1, 7, 63, 65] {
            super::lines(bytes.wrapping_add(offset), 100);
        }
        super::lines(bytes, 0);
        super::lines(bytes, 1 << 20);
        super::lines(std::ptr::null(), 64);
        super::line_for_write(std::ptr::null());
        super::value(&values[..]);
        assert_eq!(values, (0..100).collect::<Vec<u64>>());
    }
}
