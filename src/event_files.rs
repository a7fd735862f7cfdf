//! Reading event files of any size a megabyte at a time through the engine's [`EventStream`]:
//! the app's loading thread and `ampscope replay` both read so.

use std::io::Read;

use crate::engine::event::{EventStream, Loaded};

/// Bytes read per step.
pub const READ_SIZE: usize = 1 << 20;

/// Reads `input` to its end, handing `each` the bytes read so far and what each read completed
/// (events and errors, in order; the last call has the end of the text's). Stops early when
/// `each` returns `false`.
pub fn read_events(
    mut input: impl Read,
    mut each: impl FnMut(u64, Vec<Loaded>) -> bool,
) -> std::io::Result<()> {
    let mut stream = EventStream::new();
    let mut buf = vec![0u8; READ_SIZE];
    let mut read = 0u64;
    loop {
        let n = match input.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        read += n as u64;
        let loaded = if n == 0 {
            stream.finish()
        } else {
            stream.push(&buf[..n])
        };
        if !each(read, loaded) || n == 0 {
            return Ok(());
        }
    }
}
