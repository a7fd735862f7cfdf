//! Headless commands. Each subcommand lives in its own module with `pub fn run(args) -> i32`
//! (the process exit code: 0 success, 1 failure found, 2 bad input).

pub mod args;
pub mod compare;
pub mod emulator;
pub mod map;
pub mod replay;
pub mod run_case;
pub mod trigger;

/// Usage text shown by `ampscope --help`.
pub const USAGE: &str = "\
ampscope — see what Segment's Amplitude (Actions) destination sends, before it sends it

usage:
  ampscope [EVENTS_FILE…]                    open the desktop app (loading the files)
  ampscope trigger --fql EXPR [--json] FILE  evaluate a trigger on every event of FILE
  ampscope map --mapping M.json [--fields F.json [--action KEY]] EVENT.json
                                             resolve a mapping against one event
  ampscope run-case CASE.json                run one conformance case (see tests/conformance)
  ampscope replay [--project P] [--out FILE] [--expect GOLDEN] [--now TIME] EVENTS_FILE
                                             run the presets (or P's subscriptions) over a
                                             file of events, offline; check a golden file
  ampscope emulator [--port N] [--force-status S] [--latency-ms N] [--drop-connections]
                                             run the local Amplitude emulator
  ampscope compare [--classic-settings S.json] [--json] [--migrated] EVENTS_FILE
                                             classic vs Actions requests per event
  ampscope --help | --version
";

/// Runs a subcommand; `None` when `name` is not one.
pub fn dispatch(name: &str, args: &[String]) -> Option<i32> {
    Some(match name {
        "trigger" => trigger::run(args),
        "map" => map::run(args),
        "run-case" => run_case::run(args),
        "replay" => replay::run(args),
        "emulator" => emulator::run(args),
        "compare" => compare::run(args),
        _ => return None,
    })
}
