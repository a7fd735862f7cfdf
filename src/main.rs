//! Start-up only: no arguments opens the window; a subcommand runs headless.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(first) = args.first() else {
        return open_window();
    };
    match first.as_str() {
        "-h" | "--help" | "help" => {
            print!("{}", ampscope::cli::USAGE);
            ExitCode::SUCCESS
        }
        "-V" | "--version" => {
            println!("ampscope {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        name => match ampscope::cli::dispatch(name, &args[1..]) {
            Some(code) => ExitCode::from(code.clamp(0, 255) as u8),
            None => {
                eprintln!(
                    "ampscope: unknown command '{name}'\n\n{}",
                    ampscope::cli::USAGE
                );
                ExitCode::from(2)
            }
        },
    }
}

#[cfg(feature = "gui")]
fn open_window() -> ExitCode {
    match ampscope::app::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ampscope: could not open the window: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_window() -> ExitCode {
    eprintln!(
        "ampscope was built without the `gui` feature.\n\n{}",
        ampscope::cli::USAGE
    );
    ExitCode::from(2)
}
