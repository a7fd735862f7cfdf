//! `ampscope replay`.

/// Runs the command; returns the exit code.
pub fn run(_args: &[String]) -> i32 {
    eprintln!("ampscope replay: not built yet");
    2
}
