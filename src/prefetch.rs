//! A hint to the processor that a node will be read soon.
//!
//! The engine's walks follow pointers from node to node, and on a circuit bigger than the cache each
//! step waits for memory. Where a walk knows an address well before it reads it (the free list's
//! next node, an input the walk will come back to), asking for it early lets the wait overlap other
//! work.

/// Asks the processor to bring the cache line at `ptr` into cache. It never reads the memory as far
/// as the program is concerned, so any address, even a dangling or null one, is fine. A no-op on
/// targets without a prefetch instruction in the baseline, and under Miri.
#[inline(always)]
pub(crate) fn prefetch<T>(ptr: *const T) {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    // SAFETY: `_mm_prefetch` is an `unsafe` function only because it needs the `sse` target
    // feature, which every x86_64 target has. A prefetch does not access memory in the sense of the
    // language (it cannot fault, and it is not a read the program observes), so no pointer
    // validity is required.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(ptr.cast());
    }
    #[cfg(not(all(target_arch = "x86_64", not(miri))))]
    let _ = ptr;
}
