//! Per-thread scratch buffers, kept between calls so that a product does not allocate its
//! packing space each time.
use std::cell::Cell;
use std::thread::LocalKey;

/// A per-thread buffer.
pub type Scratch = LocalKey<Cell<Vec<f32>>>;

thread_local! {
    /// Both packed operands of a product (on the calling thread).
    pub static PACKED: Cell<Vec<f32>> = const { Cell::new(Vec::new()) };
    /// A tile's own packed blocks (on the thread running the tile).
    pub static TILE: Cell<Vec<f32>> = const { Cell::new(Vec::new()) };
}

/// Runs `f` on `len` values of this thread's buffer `key`, starting on a 64-byte boundary.
/// The contents are whatever the last user left.
pub fn with<R>(key: &'static Scratch, len: usize, f: impl FnOnce(&mut [f32]) -> R) -> R {
    const PAD: usize = 16; // 64 bytes of f32
                           // Taken out, not borrowed: a nested product on this thread (work stealing) gets its own.
    let mut buf = key.take();
    if buf.len() < len + PAD {
        buf = vec![0.0; len + PAD];
    }
    let off = buf.as_ptr().align_offset(64).min(PAD);
    let r = f(&mut buf[off..off + len]);
    key.set(buf);
    r
}
