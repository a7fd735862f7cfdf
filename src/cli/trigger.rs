//! `ampscope trigger --fql EXPR [--json] FILE`: evaluates a trigger on every event of FILE and
//! explains each result. Exit codes: 0 done, 2 bad trigger, unreadable file or broken events.

use serde_json::{Value, json};

use super::args::Args;
use crate::engine::event::parse_events;
use crate::engine::trigger;

/// Runs the command; returns the exit code.
pub fn run(args: &[String]) -> i32 {
    let a = match Args::parse_known(args, &["fql"], &["json"]) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ampscope trigger: {e}\nusage: ampscope trigger --fql EXPR [--json] FILE");
            return 2;
        }
    };
    let (Some(fql_text), [file]) = (a.value("fql"), a.positionals.as_slice()) else {
        eprintln!("usage: ampscope trigger --fql EXPR [--json] FILE");
        return 2;
    };
    let fql = match trigger::parse(fql_text) {
        Ok(f) => f,
        Err(errors) => {
            for e in &errors {
                eprintln!("{}", e.render(fql_text));
                eprintln!("  the reference says: {}", e.reference_message);
            }
            return 2;
        }
    };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("ampscope trigger: cannot read {file}: {e}");
            return 2;
        }
    };
    let loaded = parse_events(&text);
    for e in &loaded.errors {
        eprintln!("{file}: {e}");
    }
    let warnings = trigger::lint(fql_text);
    if a.flag("json") {
        let events: Vec<Value> = loaded
            .events
            .iter()
            .map(|ev| {
                let x = fql.explain(&ev.value);
                json!({
                    "index": ev.index,
                    "line": ev.line,
                    "matched": x.matched,
                    "error": x.error,
                    "explanation": x.root,
                })
            })
            .collect();
        let out = json!({
            "fql": fql_text,
            "ast": fql.to_reference_json(),
            "warnings": warnings,
            "events": events,
        });
        println!("{}", crate::engine::js::stringify_pretty(&out));
    } else {
        for w in &warnings {
            let (line, column) = trigger::line_column(fql_text, w.span.start);
            eprintln!(
                "warning: {} (line {line}, column {column})\n{}",
                w.message,
                trigger::caret(fql_text, &w.span)
            );
        }
        for ev in &loaded.events {
            let x = fql.explain(&ev.value);
            // Numbered from 1, as the loader's messages and the app number them (the JSON
            // output keeps the 0-based `index`).
            print!(
                "event {} (line {}): {}",
                ev.index + 1,
                ev.line,
                x.render_text()
            );
        }
    }
    if loaded.errors.is_empty() { 0 } else { 2 }
}
