//! Why an event matched a trigger or not: per condition the path, the actual value, the
//! operator, the expected value and the result, and how the groups combined them. A tree for
//! the GUI ([`Explanation::root`]) and a plain-text rendering ([`Explanation::render_text`]).

use std::ops::Range;

use serde::Serialize;
use serde_json::Value;

use super::Fql;
use super::ast::{Condition, Expected, Group, GroupOp, Node, Operator};
use super::eval::{self, Actual};

/// The result of one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "result", content = "message")]
pub enum Outcome {
    Pass,
    Fail,
    /// The reference's `validate` throws here.
    Error(String),
}

impl Outcome {
    fn passed(&self) -> bool {
        matches!(self, Outcome::Pass)
    }
}

/// One condition, evaluated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConditionExplanation {
    /// The field as a path, e.g. `properties.price`, `type`.
    pub path: String,
    /// The value found; `None` when missing (JavaScript `undefined`).
    pub actual: Option<Value>,
    /// `missing`, `null`, `string`, `number`, `boolean`, `array`, `object`, `function`.
    pub actual_kind: &'static str,
    /// The reference operator (`=`, `number_equals`, `starts_with`, …).
    pub operator: String,
    /// The operator in words (`is greater than`).
    pub operator_words: String,
    /// The expected value (absent for `exists`, `is_true`, …).
    pub expected: Option<Value>,
    pub outcome: Outcome,
    /// Did the reference evaluate this condition? (`and`/`or` stop at the first decisive
    /// child; conditions after it are shown but not reached.)
    pub reached: bool,
    /// Why the result may surprise, when it may.
    pub note: Option<String>,
    pub span: Range<usize>,
}

/// A node of the explanation tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ExplainNode {
    Group {
        /// `and` or `or`.
        operator: &'static str,
        outcome: Outcome,
        reached: bool,
        /// E.g. "all of 2 passed", "none of 3 passed".
        summary: String,
        children: Vec<ExplainNode>,
        span: Range<usize>,
    },
    Condition(ConditionExplanation),
    /// An empty `()` slot: the reference throws when it reaches it.
    Empty {
        outcome: Outcome,
        reached: bool,
        span: Range<usize>,
    },
}

impl ExplainNode {
    fn outcome(&self) -> &Outcome {
        match self {
            ExplainNode::Group { outcome, .. } | ExplainNode::Empty { outcome, .. } => outcome,
            ExplainNode::Condition(c) => &c.outcome,
        }
    }

    fn set_unreached(&mut self) {
        match self {
            ExplainNode::Group {
                reached, children, ..
            } => {
                *reached = false;
                children.iter_mut().for_each(ExplainNode::set_unreached);
            }
            ExplainNode::Empty { reached, .. } => *reached = false,
            ExplainNode::Condition(c) => c.reached = false,
        }
    }
}

/// The whole explanation for one event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// What `validate` returns (`false` when it throws).
    pub matched: bool,
    /// The message when `validate` throws.
    pub error: Option<String>,
    pub root: ExplainNode,
}

/// Explains `fql` on `event`.
pub fn explain(fql: &Fql, event: &Value) -> Explanation {
    let root = group(&fql.root, event);
    let (matched, error) = match root.outcome() {
        Outcome::Pass => (true, None),
        Outcome::Fail => (false, None),
        Outcome::Error(e) => (false, Some(format!("TypeError: {e}"))),
    };
    Explanation {
        matched,
        error,
        root,
    }
}

fn group(g: &Group, event: &Value) -> ExplainNode {
    let mut children: Vec<ExplainNode> = g.children.iter().map(|n| node(n, event)).collect();
    // The reference's `every`/`some`: the first decisive child (or error) ends the group.
    let decisive = |o: &Outcome| match g.operator {
        GroupOp::And => !o.passed(),
        GroupOp::Or => !matches!(o, Outcome::Fail),
    };
    let stop = children.iter().position(|c| decisive(c.outcome()));
    let outcome = match (stop, g.operator) {
        (Some(i), _) => match children[i].outcome() {
            Outcome::Error(e) => Outcome::Error(e.clone()),
            o => o.clone(),
        },
        (None, GroupOp::And) => Outcome::Pass,
        (None, GroupOp::Or) => Outcome::Fail,
    };
    if let Some(i) = stop {
        children[i + 1..]
            .iter_mut()
            .for_each(ExplainNode::set_unreached);
    }
    let passed = children.iter().filter(|c| c.outcome().passed()).count();
    let n = children.len();
    let summary = match g.operator {
        GroupOp::And => format!("all of {n} must pass: {passed} passed"),
        GroupOp::Or => format!("one of {n} must pass: {passed} passed"),
    };
    ExplainNode::Group {
        operator: g.operator.as_str(),
        outcome,
        reached: true,
        summary,
        children,
        span: g.span.clone(),
    }
}

fn node(n: &Node, event: &Value) -> ExplainNode {
    match n {
        Node::Group(g) => group(g, event),
        Node::Condition(c) => ExplainNode::Condition(condition(c, event)),
        Node::Empty { span } => ExplainNode::Empty {
            outcome: Outcome::Error(super::parser::TYPE_ERROR.into()),
            reached: true,
            span: span.clone(),
        },
    }
}

fn condition(c: &Condition, event: &Value) -> ConditionExplanation {
    let base = ConditionExplanation {
        path: c.field.display_path(),
        actual: None,
        actual_kind: "missing",
        operator: c.operator.as_str().to_string(),
        operator_words: c.operator.describe(),
        expected: c.value.as_ref().map(Expected::to_json),
        outcome: Outcome::Fail,
        reached: true,
        note: None,
        span: c.span.clone(),
    };
    match eval::actual_traced(&c.field, event) {
        Err(e) => ConditionExplanation {
            outcome: Outcome::Error(e.message),
            ..base
        },
        Ok((actual, stop)) => {
            let pass = eval::test_value(&actual, &c.operator, c.value.as_ref());
            let note = note(c, &actual, pass, stop);
            ConditionExplanation {
                actual: actual.to_json(),
                actual_kind: actual.kind(),
                outcome: if pass { Outcome::Pass } else { Outcome::Fail },
                note,
                ..base
            }
        }
    }
}

/// One sentence when the result depends on a quirk of the reference.
fn note(c: &Condition, actual: &Actual<'_>, pass: bool, stop: Option<String>) -> Option<String> {
    use Operator as O;
    let kind = actual.kind();
    let is_str = kind == "string";
    let single_quoted = matches!(&c.value, Some(Expected::Str(s)) if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\''));
    if let Some(seg) = stop
        && !matches!(actual, Actual::Undefined | Actual::Null)
    {
        return Some(format!(
            "the path stops at '{seg}', whose value is falsy: the reference returns that value \
             instead of looking further"
        ));
    }
    match &c.operator {
        O::Other(op) => Some(format!(
            "'{op}' is not an operator: this condition never matches"
        )),
        O::Eq | O::Ne if single_quoted => {
            Some("single quotes stay part of the value: the text compared includes them".into())
        }
        O::Eq if !pass && !is_str && kind != "missing" => Some(format!(
            "'=' compares text, and the actual value is a {kind}, so it never matches"
        )),
        O::Ne if pass && !is_str && kind != "missing" => Some(format!(
            "'!=' compares text, and the actual value is a {kind}, so it always passes"
        )),
        O::Ne if pass && kind == "missing" => {
            Some("'!=' also passes when the field is missing".into())
        }
        O::Lt | O::Le | O::Gt | O::Ge | O::NumberEquals | O::NumberNotEquals
            if kind != "number" && kind != "missing" =>
        {
            Some(format!(
                "'{}' only matches numbers, and the actual value is a {kind}",
                c.operator.as_str()
            ))
        }
        O::Contains
        | O::NotContains
        | O::StartsWith
        | O::NotStartsWith
        | O::EndsWith
        | O::NotEndsWith
            if !is_str && kind != "missing" =>
        {
            Some(format!(
                "'{}' only matches text, and the actual value is a {kind}",
                c.operator.as_str()
            ))
        }
        O::NotContains | O::NotStartsWith | O::NotEndsWith if kind == "missing" => Some(
            "negated text tests fail when the field is missing (the value must be text)".into(),
        ),
        O::IsTrue | O::IsFalse if !pass && kind != "boolean" && kind != "missing" => Some(format!(
            "'{}' needs a boolean, and the actual value is a {kind}",
            c.operator.as_str()
        )),
        _ => None,
    }
}

fn show_value(v: &Option<Value>) -> String {
    match v {
        None => "missing".into(),
        Some(v) => v.to_string(),
    }
}

impl Explanation {
    /// A plain-text rendering, one line per node, indented by depth.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        out.push_str(if self.matched {
            "matched\n"
        } else {
            "not matched\n"
        });
        if let Some(e) = &self.error {
            out.push_str(&format!("the reference throws: {e}\n"));
        }
        render(&self.root, 1, &mut out);
        out
    }
}

fn mark(o: &Outcome, reached: bool) -> &'static str {
    match (o, reached) {
        (_, false) => "[skip]",
        (Outcome::Pass, _) => "[pass]",
        (Outcome::Fail, _) => "[fail]",
        (Outcome::Error(_), _) => "[error]",
    }
}

fn render(n: &ExplainNode, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    match n {
        ExplainNode::Group {
            operator,
            outcome,
            reached,
            summary,
            children,
            ..
        } => {
            let words = if *operator == "and" {
                "all of"
            } else {
                "any of"
            };
            out.push_str(&format!(
                "{indent}{} {words} ({operator}): {summary}\n",
                mark(outcome, *reached)
            ));
            for c in children {
                render(c, depth + 1, out);
            }
        }
        ExplainNode::Empty {
            outcome, reached, ..
        } => {
            out.push_str(&format!(
                "{indent}{} empty ( ): the reference throws here\n",
                mark(outcome, *reached)
            ));
        }
        ExplainNode::Condition(c) => {
            let expected = c
                .expected
                .as_ref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "{indent}{} {} {}{expected}: actual {}",
                mark(&c.outcome, c.reached),
                c.path,
                c.operator,
                show_value(&c.actual),
            ));
            if let Outcome::Error(e) = &c.outcome {
                out.push_str(&format!(" (throws: {e})"));
            }
            if let Some(note) = &c.note {
                out.push_str(&format!(" ({note})"));
            }
            out.push('\n');
        }
    }
}
