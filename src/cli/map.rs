//! `ampscope map --mapping MAPPING.json [--fields FIELDS.json [--action KEY]] EVENT.json`
//!
//! Resolves a mapping against one event and prints the result as JSON. With `--fields` the
//! result also goes through the framework pipeline (clean-up, coercion, validation), printing
//! the payload `perform()` would receive. `FIELDS.json` is an array of field definitions, an
//! action entry with `fields`, or a whole `definitions.json` (then `--action` picks the action).
//!
//! Exit codes: 0 resolved; 1 the payload failed the fields' validation; 2 bad input, an invalid
//! mapping (every validation error is printed with its location) or a mapping run-time error.

use serde_json::Value;

use super::args::Args;
use crate::engine::mapping::{self, MappingError, schema};

const USAGE: &str =
    "usage: ampscope map --mapping MAPPING.json [--fields FIELDS.json [--action KEY]] EVENT.json";

/// Runs the command; returns the exit code.
pub fn run(args: &[String]) -> i32 {
    let args = match Args::parse_known(args, &["mapping", "fields", "action"], &[]) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ampscope map: {e}\n{USAGE}");
            return 2;
        }
    };
    let (Some(mapping_path), [event_path]) = (args.value("mapping"), args.positionals.as_slice())
    else {
        eprintln!("{USAGE}");
        return 2;
    };
    let mapping = match read_json(mapping_path) {
        Ok(v) => v,
        Err(e) => return fail(&e),
    };
    let event = match read_json(event_path) {
        Ok(v) => v,
        Err(e) => return fail(&e),
    };
    let fields = match args
        .value("fields")
        .map(|p| load_fields(p, args.value("action")))
    {
        None => None,
        Some(Ok(f)) => Some(f),
        Some(Err(e)) => return fail(&e),
    };
    // `@liquid`'s "now" is this machine's clock, as in the reference.
    let now_ms = crate::clock::now_ms();
    let resolution =
        match mapping::with_clock(now_ms, || mapping::resolve_with_report(&mapping, &event)) {
            Ok(r) => r,
            Err(MappingError::Invalid { errors, .. }) => {
                eprintln!(
                    "ampscope map: the mapping is invalid ({} error{}):",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" }
                );
                for e in errors {
                    eprintln!("  at {}: {}", e.pointer(), e.message);
                }
                return 2;
            }
            Err(e) => return fail(&format!("the mapping failed: {e}")),
        };
    for q in &resolution.quirks {
        eprintln!("note: {} ({q:?})", q.note());
    }
    let out = match fields {
        None => match resolution.value.to_json() {
            Some(v) => v,
            None => {
                eprintln!("note: the mapping resolved to undefined (nothing)");
                return 0;
            }
        },
        Some(fields) => match schema::process(&fields, &resolution.value) {
            Ok(payload) => payload,
            Err(e) => {
                eprintln!("ampscope map: the payload fails the fields' validation:");
                for d in &e.details {
                    eprintln!("  at {}: {}", d.path, d.message);
                }
                return 1;
            }
        },
    };
    // As JSON.stringify(value, null, 2) writes it: JavaScript's numbers and key order.
    println!("{}", crate::engine::js::stringify_pretty(&out));
    0
}

fn fail(msg: &str) -> i32 {
    eprintln!("ampscope map: {msg}");
    2
}

fn read_json(path: &str) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    crate::engine::js::utf16::parse_json(&text)
        .map_err(|e| format!("{path} is not valid JSON: {e}"))
}

fn load_fields(path: &str, action: Option<&str>) -> Result<schema::Fields, String> {
    let v = read_json(path)?;
    match (v.get("actions"), action) {
        (Some(_), Some(key)) => schema::Fields::for_action(&v, key),
        (Some(_), None) => Err(format!(
            "{path} holds several actions: choose one with --action KEY"
        )),
        _ => schema::Fields::from_definitions_json(&v),
    }
    .map_err(|e| format!("{path}: {e}"))
}
