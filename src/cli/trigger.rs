//! `ampscope trigger`.

/// Runs the command; returns the exit code.
pub fn run(_args: &[String]) -> i32 {
    eprintln!("ampscope trigger: not built yet");
    2
}
