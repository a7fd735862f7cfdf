//! `ampscope map`.

/// Runs the command; returns the exit code.
pub fn run(_args: &[String]) -> i32 {
    eprintln!("ampscope map: not built yet");
    2
}
