//! Every subscription of every conformance golden: the AST equals the reference's `fql_ast`
//! (or the parse fails with its `fql_error`), `matched` equals the reference's, and the
//! framework outcome agrees with the golden status.
#![allow(clippy::unwrap_used)]

use ampscope::engine::trigger::{self, FrameworkOutcome};
#[path = "trigger/load.rs"]
mod load;
use load::load;

#[test]
fn every_golden_subscription_parses_and_matches_like_the_reference() {
    let data = load("goldens/goldens.json");
    let mut checked = 0;
    let mut failures = Vec::new();
    for case in data.as_array().unwrap() {
        let name = case["case"].as_str().unwrap();
        let event = &case["event"];
        for sub in case["subscriptions"].as_array().unwrap() {
            let text = sub["subscribe"].as_str().unwrap();
            let parsed = trigger::parse(text);
            match (&parsed, sub.get("fql_ast"), sub.get("fql_error")) {
                (Ok(fql), Some(ast), _) => {
                    if &fql.to_reference_json() != ast {
                        failures.push(format!(
                            "{name}: {text:?}: AST {} != {ast}",
                            fql.to_reference_json()
                        ));
                    }
                }
                (Err(e), _, Some(msg)) => {
                    if e[0].reference_message != msg.as_str().unwrap() {
                        failures.push(format!("{name}: {text:?}: error {:?} != {msg}", e[0]));
                    }
                }
                (p, ast, err) => failures.push(format!(
                    "{name}: {text:?}: parsed {p:?}, golden ast {ast:?} error {err:?}"
                )),
            }
            let matched = trigger::validate(&parsed, Some(event)).unwrap();
            if Some(matched) != sub["matched"].as_bool() {
                failures.push(format!("{name}: {text:?}: matched {matched}"));
            }
            let status = sub["status"].as_str().unwrap();
            let outcome = trigger::framework_outcome(text, event);
            let consistent = match &outcome {
                FrameworkOutcome::Matched => ["ok", "error", "no_such_action"].contains(&status),
                FrameworkOutcome::NotSubscribed => status == "not_subscribed",
                FrameworkOutcome::Invalid(_) => status == "invalid_subscription",
                FrameworkOutcome::Error(_) => status == "error",
            };
            if !consistent {
                failures.push(format!(
                    "{name}: {text:?}: outcome {outcome:?} vs status {status}"
                ));
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 700, "only {checked} subscriptions checked");
}
