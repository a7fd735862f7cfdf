//! `ampscope emulator`: the local Amplitude emulator as a standalone server.
//!
//! Prints its URL on the first line, then one line per request (keys masked), and stops on
//! Ctrl+C.

use std::io::Write;
use std::time::Duration;

use super::args::Args;
use crate::transport::emulator::{ApiKeyRule, Emulator, EmulatorConfig, Faults};

/// Usage of the subcommand.
pub const USAGE: &str = "\
usage: ampscope emulator [--port N] [--force-status S] [--latency-ms N] [--drop-connections]
                         [--keys K1,K2 | --hex-keys] [--quiet]

  --port N            port on 127.0.0.1 (default 0: any free port)
  --force-status S    answer every request with status S (documented body shape)
  --latency-ms N      wait N ms before answering
  --drop-connections  close connections without answering
  --keys K1,K2        accept only these API keys (default: any non-empty key)
  --hex-keys          accept only 32-hex-character keys, like Amplitude's
  --quiet             do not print a line per request
";

/// Runs the command; returns the exit code.
pub fn run(args: &[String]) -> i32 {
    let parsed = match Args::parse(args, &["port", "force-status", "latency-ms", "keys"]) {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    if parsed.flag("help") || parsed.flag("h") {
        print!("{USAGE}");
        return 0;
    }
    let config = match config_from(&parsed) {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    let quiet = parsed.flag("quiet");
    let handle = match Emulator::start(config) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("ampscope emulator: could not start: {e}");
            return 1;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ampscope emulator: {e}");
            return 1;
        }
    };
    let mut last = 0u64;
    let served = runtime.block_on(async {
        // The handler is installed before the URL is printed, so whoever reads the URL can
        // already stop the emulator with Ctrl+C / SIGINT.
        let mut interrupt = Interrupt::install()?;
        println!("{}", handle.url());
        println!("Amplitude emulator listening; press Ctrl+C to stop.");
        let _ = std::io::stdout().flush();
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        loop {
            tokio::select! {
                _ = interrupt.recv() => break,
                _ = tick.tick() => {
                    if quiet { continue; }
                    let lines: Vec<String> = handle.with_state(|s| {
                        s.requests_after(last)
                            .map(|r| {
                                last = r.seq;
                                format!("{} {} -> {} {}", r.method, r.target, r.status, r.answer)
                            })
                            .collect()
                    });
                    for l in lines {
                        println!("{l}");
                    }
                    let _ = std::io::stdout().flush();
                }
            }
        }
        Ok::<(), std::io::Error>(())
    });
    if let Err(e) = served {
        eprintln!("ampscope emulator: cannot handle Ctrl+C: {e}");
        return 1;
    }
    handle.shutdown();
    println!("stopped");
    0
}

/// Ctrl+C (SIGINT; on Unix also SIGTERM) as a stream that is listening from creation on.
struct Interrupt {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Interrupt {
    #[cfg(unix)]
    fn install() -> std::io::Result<Interrupt> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Interrupt {
            int: signal(SignalKind::interrupt())?,
            term: signal(SignalKind::terminate())?,
        })
    }

    #[cfg(not(unix))]
    fn install() -> std::io::Result<Interrupt> {
        Ok(Interrupt {})
    }

    #[cfg(unix)]
    async fn recv(&mut self) {
        tokio::select! {
            _ = self.int.recv() => {}
            _ = self.term.recv() => {}
        }
    }

    #[cfg(not(unix))]
    async fn recv(&mut self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn usage_error(message: &str) -> i32 {
    eprintln!("ampscope emulator: {message}\n\n{USAGE}");
    2
}

fn number<T: std::str::FromStr>(a: &Args, name: &str) -> Result<Option<T>, String> {
    a.value(name)
        .map(|v| {
            v.parse::<T>()
                .map_err(|_| format!("--{name} needs a number, got '{v}'"))
        })
        .transpose()
}

/// The emulator configuration the flags describe.
pub fn config_from(a: &Args) -> Result<EmulatorConfig, String> {
    if let Some(p) = a.positionals.first() {
        return Err(format!("unexpected argument '{p}'"));
    }
    let known = ["drop-connections", "hex-keys", "quiet"];
    if let Some(f) = a.flags.iter().find(|f| !known.contains(&f.as_str())) {
        return Err(format!("unknown option --{f}"));
    }
    let port = number::<u16>(a, "port")?.unwrap_or(0);
    let force_status = number::<u16>(a, "force-status")?;
    if let Some(s) = force_status
        && !(100..=599).contains(&s)
    {
        return Err(format!("--force-status {s} is not an HTTP status"));
    }
    let latency = Duration::from_millis(number::<u64>(a, "latency-ms")?.unwrap_or(0));
    let keys = match (a.value("keys"), a.flag("hex-keys")) {
        (Some(_), true) => return Err("use either --keys or --hex-keys".into()),
        (Some(list), false) => ApiKeyRule::OneOf(
            list.split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        (None, true) => ApiKeyRule::Hex32,
        (None, false) => ApiKeyRule::AnyNonEmpty,
    };
    Ok(EmulatorConfig {
        port,
        keys,
        faults: Faults {
            force_status,
            force_count: None,
            latency,
            drop_connections: a.flag("drop-connections"),
        },
        ..EmulatorConfig::default()
    })
}
