//! Ampscope: see the exact HTTP requests Segment's Amplitude (Actions) destination would send
//! for your events, triggers and mappings — before any live data flows.
//!
//! * [`engine`] is pure (serde/serde_json only): events, the trigger language (FQL), the mapping
//!   language, the Amplitude (Actions) and classic models, comparison and the project document.
//! * [`transport`] sends requests and hosts the local Amplitude emulator.
//! * [`cli`] holds the headless commands; `app` (feature `gui`) the desktop window; [`clock`]
//!   is the wall clock they read.

pub mod cli;
pub mod clock;
pub mod engine;
pub mod event_files;
pub mod text;
pub mod transport;

#[cfg(feature = "gui")]
pub mod app;

/// mimalloc instead of the system allocator: the engine builds many small, short-lived values
/// per event (mapping results, request bodies), and glibc's malloc/free were a quarter of the
/// replay profile.
#[global_allocator]
static ALLOCATOR: alloc::Mimalloc = alloc::Mimalloc;

/// The only unsafe code of the crate: `GlobalAlloc` is an unsafe trait.
///
/// The `mimalloc` crate asks for every block through mimalloc's aligned API, which sends
/// blocks over a kilobyte (request bodies, payload vectors) down a slow path that
/// over-allocates by the alignment; plain `mi_malloc` already gives what Rust's usual
/// alignments need.
#[allow(unsafe_code)]
mod alloc {
    use std::alloc::{GlobalAlloc, Layout};
    use std::ffi::c_void;

    use libmimalloc_sys::{
        mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc,
        mi_zalloc_aligned,
    };

    /// mimalloc's blocks are whole words, aligned to at least a word: alignments up to that
    /// need nothing more than `mi_malloc`.
    const PLAIN: usize = std::mem::size_of::<usize>();

    pub struct Mimalloc;

    // SAFETY: each method hands the layout's size (and, above a word, its alignment) to the
    // mimalloc function made for that job; blocks are freed by `mi_free` whichever way they
    // were allocated.
    unsafe impl GlobalAlloc for Mimalloc {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            unsafe {
                if layout.align() <= PLAIN {
                    mi_malloc(layout.size()).cast()
                } else {
                    mi_malloc_aligned(layout.size(), layout.align()).cast()
                }
            }
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            unsafe {
                if layout.align() <= PLAIN {
                    mi_zalloc(layout.size()).cast()
                } else {
                    mi_zalloc_aligned(layout.size(), layout.align()).cast()
                }
            }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
            unsafe { mi_free(ptr.cast::<c_void>()) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            unsafe {
                if layout.align() <= PLAIN {
                    mi_realloc(ptr.cast::<c_void>(), new_size).cast()
                } else {
                    mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// Blocks of every small size and of a few large ones, at each alignment Rust asks for,
    /// come back aligned and usable (grown and shrunk in place or moved).
    #[test]
    fn the_allocator_honours_alignments() {
        use std::alloc::{GlobalAlloc, Layout};
        let a = super::alloc::Mimalloc;
        let sizes = (1..=300).chain([1023, 1024, 1025, 4096, 4100, 70_000, 3_000_000]);
        for size in sizes {
            for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
                let layout = Layout::from_size_align(size, align).unwrap_or_else(|e| panic!("{e}"));
                #[allow(unsafe_code)]
                // SAFETY: the layout has a non-zero size; the block is written within its
                // size and freed once, with the layout it was made with.
                unsafe {
                    let p = a.alloc(layout);
                    assert!(
                        !p.is_null() && (p as usize).is_multiple_of(align),
                        "{size} {align}"
                    );
                    p.write_bytes(0xA5, size);
                    let z = a.alloc_zeroed(layout);
                    assert!(
                        !z.is_null() && (z as usize).is_multiple_of(align),
                        "{size} {align}"
                    );
                    assert!(std::slice::from_raw_parts(z, size).iter().all(|b| *b == 0));
                    a.dealloc(z, layout);
                    let q = a.realloc(p, layout, size * 3);
                    assert!(
                        !q.is_null() && (q as usize).is_multiple_of(align),
                        "{size} {align}"
                    );
                    assert!(
                        std::slice::from_raw_parts(q, size)
                            .iter()
                            .all(|b| *b == 0xA5)
                    );
                    a.dealloc(q, Layout::from_size_align_unchecked(size * 3, align));
                }
            }
        }
    }
}
