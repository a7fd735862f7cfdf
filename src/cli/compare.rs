//! `ampscope compare [--classic-settings S.json] [--json] [--migrated] [--summary-csv F]
//! [--summary-md F] EVENTS_FILE`: per event, the classic destination's requests, the Actions
//! requests (the five cloud presets, or the migration's subscriptions with `--migrated`) and
//! their differences; then differences summed over all events.

use serde_json::{Value, json};

use super::args::Args;
use crate::engine::amplitude::presets;
use crate::engine::classic::{ClassicSettings, Provenance};
use crate::engine::compare::{Aggregate, ChangeKind, SideBySide, reason, side_by_side};
use crate::engine::event::parse_events;
use crate::engine::js;
use crate::engine::migration::{self, MigrationOptions};
use crate::engine::project::Subscription;

const USAGE: &str = "usage: ampscope compare [--classic-settings S.json] [--json] [--migrated] \
[--summary-csv FILE] [--summary-md FILE] EVENTS_FILE";

/// Runs the command; returns the exit code.
pub fn run(args: &[String]) -> i32 {
    let args = match Args::parse_known(
        args,
        &["classic-settings", "summary-csv", "summary-md"],
        &["json", "migrated"],
    ) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ampscope compare: {e}\n{USAGE}");
            return 2;
        }
    };
    let [file] = args.positionals.as_slice() else {
        eprintln!("ampscope compare: give exactly one EVENTS_FILE\n{USAGE}");
        return 2;
    };
    let settings = match args.value("classic-settings") {
        None => ClassicSettings::default(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {path}: {e}"))
            .and_then(|t| ClassicSettings::from_json_text(&t))
        {
            Ok(loaded) => {
                for issue in &loaded.issues {
                    eprintln!("ampscope compare: {path}: {issue}");
                }
                loaded.settings
            }
            Err(e) => {
                eprintln!("ampscope compare: {e}");
                return 2;
            }
        },
    };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("ampscope compare: cannot read {file}: {e}");
            return 2;
        }
    };
    let loaded = parse_events(&text);
    for e in &loaded.errors {
        eprintln!("ampscope compare: {file}: {e}");
    }
    if loaded.events.is_empty() {
        eprintln!("ampscope compare: {file} holds no readable event");
        return 2;
    }
    let subscriptions: Vec<Subscription> = if args.flag("migrated") {
        migration::subscriptions(&settings, MigrationOptions::default())
            .into_iter()
            .map(|g| g.subscription)
            .collect()
    } else {
        presets::cloud_subscriptions()
    };
    let actions_settings = migration::actions_settings(&settings);
    let now_ms = crate::clock::now_ms();

    let mut aggregate = Aggregate::new();
    let mut results = Vec::new();
    let mut unavailable: Option<String> = None;
    for ev in &loaded.events {
        let sbs = side_by_side(
            &settings,
            &actions_settings,
            &subscriptions,
            &ev.value,
            now_ms,
        );
        if let Some(c) = &sbs.comparison {
            aggregate.add(ev.index, c);
        }
        if let Err(reason) = &sbs.actions {
            unavailable.get_or_insert_with(|| reason.clone());
        }
        results.push((ev.index, ev.line, sbs));
    }

    for (flag, content) in [
        ("summary-csv", aggregate.to_csv()),
        ("summary-md", aggregate.to_markdown()),
    ] {
        if let Some(path) = args.value(flag)
            && let Err(e) = std::fs::write(path, content)
        {
            eprintln!("ampscope compare: cannot write {path}: {e}");
            return 2;
        }
    }

    if args.flag("json") {
        let events: Vec<Value> = results
            .iter()
            .map(|(index, line, sbs)| event_json(*index, *line, sbs))
            .collect();
        let out = json!({
            "events": events,
            "actions_available": unavailable.is_none(),
            "summary": {
                "events": aggregate.events(),
                "rows": serde_json::to_value(aggregate.rows()).unwrap_or(Value::Null),
            },
        });
        println!("{}", js::stringify_pretty(&out));
        return 0;
    }

    let mut out = String::new();
    if let Some(reason) = &unavailable {
        out.push_str(&format!(
            "note: the Actions side is not available in this build yet ({reason}); showing the classic requests only\n\n"
        ));
    }
    for (index, line, sbs) in &results {
        text_event(&mut out, *index, *line, sbs);
    }
    if unavailable.is_none() {
        out.push_str(&aggregate.to_markdown());
    }
    print!("{out}");
    0
}

fn event_json(index: usize, line: usize, sbs: &SideBySide) -> Value {
    let (actions, unavailable) = match &sbs.actions {
        Ok(runs) => (
            serde_json::to_value(runs).unwrap_or(Value::Null),
            Value::Null,
        ),
        Err(r) => (Value::Null, Value::String(r.clone())),
    };
    json!({
        "index": index,
        "line": line,
        "classic": serde_json::to_value(&sbs.classic).unwrap_or(Value::Null),
        "actions": actions,
        "actions_unavailable": unavailable,
        "comparison": sbs.comparison.as_ref().map(|c| serde_json::to_value(c).unwrap_or(Value::Null)),
    })
}

fn text_event(out: &mut String, index: usize, line: usize, sbs: &SideBySide) {
    let c = &sbs.classic;
    out.push_str(&format!(
        // Numbered from 1 for people, as the loader does (`--json` keeps the 0-based index).
        "== event {} (line {line}): {}\n",
        index + 1,
        if c.call.is_empty() { "?" } else { &c.call }
    ));
    out.push_str("classic:\n");
    if let Some(skip) = &c.skipped {
        out.push_str(&format!("  nothing sent: {skip}\n"));
    }
    for r in &c.requests {
        out.push_str(&format!("  {} {}\n", r.request.method, r.request.url));
        out.push_str(&format!("    {}\n", js::stringify(&r.payload)));
        for d in &r.decisions {
            if let Provenance::Inferred(why) = &d.provenance {
                out.push_str(&format!("    inferred ({}): {why}\n", d.subject));
            }
        }
    }
    match &sbs.actions {
        Err(reason) => out.push_str(&format!("actions: not available yet ({reason})\n")),
        Ok(runs) => {
            out.push_str("actions:\n");
            let mut any = false;
            for run in runs.iter().filter(|r| r.status != "not_subscribed") {
                any = true;
                out.push_str(&format!("  [{}] {}\n", run.subscription, run.status));
                for req in &run.requests {
                    out.push_str(&format!("  {} {}\n    {}\n", req.method, req.url, req.body));
                }
                if let Some(e) = &run.error {
                    out.push_str(&format!("    error: {e}\n"));
                }
            }
            if !any {
                out.push_str("  no subscription matched\n");
            }
        }
    }
    if let Some(cmp) = &sbs.comparison {
        out.push_str("differences:\n");
        let mut n = 0;
        for (pair, d) in cmp.differences() {
            n += 1;
            let what = match d.kind {
                ChangeKind::Added if d.path.is_empty() => {
                    format!("only in Actions: {}", pair.label)
                }
                ChangeKind::Removed if d.path.is_empty() => {
                    format!("only in classic: {}", pair.label)
                }
                ChangeKind::Added => format!("added    {} = {}", d.path, show(&d.actions)),
                ChangeKind::Removed => format!("removed  {} (was {})", d.path, show(&d.classic)),
                ChangeKind::Changed => format!(
                    "changed  {}: {} → {}",
                    d.path,
                    show(&d.classic),
                    show(&d.actions)
                ),
                ChangeKind::Moved => format!(
                    "moved    {} → {} = {}",
                    d.from.as_deref().unwrap_or(""),
                    d.path,
                    show(&d.actions)
                ),
            };
            let why = d
                .reason
                .and_then(reason)
                .map(|r| format!("  [{}]", r.title))
                .unwrap_or_default();
            out.push_str(&format!("  {what}{why}\n"));
        }
        if n == 0 {
            out.push_str("  none\n");
        }
    }
    out.push('\n');
}

/// A value for one line of text, shortened.
fn show(v: &Option<Value>) -> String {
    let text = v.as_ref().map(js::stringify).unwrap_or_default();
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(77).collect();
        format!("{cut}...")
    } else {
        text
    }
}
