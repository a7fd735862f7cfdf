//! `ampscope run-case`.

/// Runs the command; returns the exit code.
pub fn run(_args: &[String]) -> i32 {
    eprintln!("ampscope run-case: not built yet");
    2
}
