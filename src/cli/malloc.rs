//! Asking glibc's allocator to keep freed memory, as the training programs and benchmarks do.
//!
//! A training step frees and allocates a few hundred megabytes of activations and gradients.
//! With glibc's defaults the allocator hands memory back to the kernel when the top of a heap
//! is free and faults it in again (zeroed) on the next step: the DCGAN step at batch 64 took
//! about 14,000 page faults a step and 100–107 ms, against 70–71 ms with `M_TOP_PAD` at
//! 256 MiB and almost no faults (`perf stat -e page-faults`, same binary, one session;
//! PyTorch's own step took about 25 faults). `M_TOP_PAD` makes every heap keep that much free
//! memory at its top instead of trimming it.

/// Bytes of free memory each heap keeps (see the module documentation).
pub const TOP_PAD: usize = 256 << 20;

/// Sets glibc's `M_TOP_PAD` to [`TOP_PAD`]; `false` where that is not possible (another C
/// library, or glibc refused). Call it first thing in `main`, before threads allocate.
pub fn keep_freed_memory() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only changes a tunable of the allocator, under the allocator's own
        // lock, so it may be called at any time from any thread; any value is valid for M_TOP_PAD.
        unsafe { libc::mallopt(libc::M_TOP_PAD, TOP_PAD as libc::c_int) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}
