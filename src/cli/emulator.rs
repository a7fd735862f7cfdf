//! `ampscope emulator`.

/// Runs the command; returns the exit code.
pub fn run(_args: &[String]) -> i32 {
    eprintln!("ampscope emulator: not built yet");
    2
}
