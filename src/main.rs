//! Start-up only: no arguments (or event files) opens the window; a subcommand runs headless.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(first) = args.first() else {
        return open_window(Vec::new());
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
            // `ampscope events.ndjson …`: the window, loading them.
            None if args.iter().all(|a| std::path::Path::new(a).is_file()) => {
                open_window(args.iter().map(Into::into).collect())
            }
            None => {
                // Name the argument that is neither a command nor a file.
                let bad = args
                    .iter()
                    .find(|a| !std::path::Path::new(a).is_file())
                    .map_or(name, String::as_str);
                eprintln!(
                    "ampscope: '{bad}' is neither a command nor an event file\n\n{}",
                    ampscope::cli::USAGE
                );
                ExitCode::from(2)
            }
        },
    }
}

#[cfg(feature = "gui")]
fn open_window(files: Vec<std::path::PathBuf>) -> ExitCode {
    match ampscope::app::run(files) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ampscope: could not open the window: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_window(_files: Vec<std::path::PathBuf>) -> ExitCode {
    eprintln!(
        "ampscope was built without the `gui` feature.\n\n{}",
        ampscope::cli::USAGE
    );
    ExitCode::from(2)
}
