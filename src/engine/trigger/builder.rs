//! The Segment app's trigger builder (spec §8): one group of conditions combined with ALL
//! (`and`) or ANY (`or`), each condition a family (event type, event name, event property,
//! user trait, context field, userId) with the operators the app offers for it. Converts to
//! FQL through `generateFql`, and from FQL when the builder can show it; otherwise the trigger
//! is "raw only", with the reasons.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::ast::{Condition, Expected, Field, Group, GroupOp, Node, Operator, to_number};
use super::{generate, lint, parse};
use crate::engine::js;

/// ALL (`and`) or ANY (`or`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Combinator {
    All,
    Any,
}

/// What a condition looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    EventType,
    EventName,
    /// `properties.<path>`.
    EventProperty,
    /// `traits.<path>` (top-level traits: identify and group calls).
    UserTrait,
    /// `context.<path>`.
    ContextField,
    UserId,
}

/// The builder's operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuilderOp {
    Is,
    IsNot,
    Contains,
    DoesNotContain,
    StartsWith,
    EndsWith,
    /// "is equals to" (numbers).
    NumberEquals,
    /// "is not equals to" (numbers).
    NumberNotEquals,
    LessThan,
    LessThanOrEqual,
    GreaterThan,
    GreaterThanOrEqual,
    Exists,
    DoesNotExist,
    IsTrue,
    IsFalse,
}

use BuilderOp as B;

const SCALAR_TEXT: &[BuilderOp] = &[
    B::Is,
    B::IsNot,
    B::Contains,
    B::DoesNotContain,
    B::StartsWith,
    B::EndsWith,
];
const MAP_OPS: &[BuilderOp] = &[
    B::Is,
    B::NumberEquals,
    B::IsNot,
    B::NumberNotEquals,
    B::LessThan,
    B::LessThanOrEqual,
    B::GreaterThan,
    B::GreaterThanOrEqual,
    B::Contains,
    B::DoesNotContain,
    B::StartsWith,
    B::EndsWith,
    B::Exists,
    B::DoesNotExist,
    B::IsTrue,
    B::IsFalse,
];
const USER_ID_OPS: &[BuilderOp] = &[
    B::Is,
    B::IsNot,
    B::Contains,
    B::DoesNotContain,
    B::StartsWith,
    B::EndsWith,
    B::Exists,
    B::DoesNotExist,
];

impl Family {
    /// The operators the builder offers for this family, in menu order.
    pub fn operators(self) -> &'static [BuilderOp] {
        match self {
            Family::EventType => &[B::Is, B::IsNot],
            Family::EventName => SCALAR_TEXT,
            Family::EventProperty | Family::UserTrait | Family::ContextField => MAP_OPS,
            Family::UserId => USER_ID_OPS,
        }
    }

    /// Does the family take a path (`properties.<path>`)?
    pub fn has_path(self) -> bool {
        matches!(
            self,
            Family::EventProperty | Family::UserTrait | Family::ContextField
        )
    }
}

impl BuilderOp {
    /// The label shown in the app.
    pub fn label(self) -> &'static str {
        match self {
            B::Is => "is",
            B::IsNot => "is not",
            B::Contains => "contains",
            B::DoesNotContain => "does not contain",
            B::StartsWith => "starts with",
            B::EndsWith => "ends with",
            B::NumberEquals => "is equals to",
            B::NumberNotEquals => "is not equals to",
            B::LessThan => "is less than",
            B::LessThanOrEqual => "is less than or equal to",
            B::GreaterThan => "is greater than",
            B::GreaterThanOrEqual => "is greater than or equal to",
            B::Exists => "exists",
            B::DoesNotExist => "does not exist",
            B::IsTrue => "is true",
            B::IsFalse => "is false",
        }
    }

    /// Does it take a value?
    pub fn takes_value(self) -> bool {
        !matches!(self, B::Exists | B::DoesNotExist | B::IsTrue | B::IsFalse)
    }

    fn numeric(self) -> bool {
        matches!(
            self,
            B::NumberEquals
                | B::NumberNotEquals
                | B::LessThan
                | B::LessThanOrEqual
                | B::GreaterThan
                | B::GreaterThanOrEqual
        )
    }

    fn ast(self) -> Operator {
        match self {
            B::Is => Operator::Eq,
            B::IsNot => Operator::Ne,
            B::Contains => Operator::Contains,
            B::DoesNotContain => Operator::NotContains,
            B::StartsWith => Operator::StartsWith,
            B::EndsWith => Operator::EndsWith,
            B::NumberEquals => Operator::NumberEquals,
            B::NumberNotEquals => Operator::NumberNotEquals,
            B::LessThan => Operator::Lt,
            B::LessThanOrEqual => Operator::Le,
            B::GreaterThan => Operator::Gt,
            B::GreaterThanOrEqual => Operator::Ge,
            B::Exists => Operator::Exists,
            B::DoesNotExist => Operator::NotExists,
            B::IsTrue => Operator::IsTrue,
            B::IsFalse => Operator::IsFalse,
        }
    }

    fn from_ast(op: &Operator) -> Option<BuilderOp> {
        Some(match op {
            Operator::Eq => B::Is,
            Operator::Ne => B::IsNot,
            Operator::Contains => B::Contains,
            Operator::NotContains => B::DoesNotContain,
            Operator::StartsWith => B::StartsWith,
            Operator::EndsWith => B::EndsWith,
            Operator::NumberEquals => B::NumberEquals,
            Operator::NumberNotEquals => B::NumberNotEquals,
            Operator::Lt => B::LessThan,
            Operator::Le => B::LessThanOrEqual,
            Operator::Gt => B::GreaterThan,
            Operator::Ge => B::GreaterThanOrEqual,
            Operator::Exists => B::Exists,
            Operator::NotExists => B::DoesNotExist,
            Operator::IsTrue => B::IsTrue,
            Operator::IsFalse => B::IsFalse,
            _ => return None,
        })
    }
}

/// One row of the builder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuilderCondition {
    pub family: Family,
    /// The dotted path for property/trait/context families (`app.version`); empty otherwise.
    pub path: String,
    pub operator: BuilderOp,
    /// The value as typed (numbers as text); empty for operators without a value.
    pub value: String,
}

/// The whole builder: one group, no nesting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Builder {
    pub combinator: Combinator,
    pub conditions: Vec<BuilderCondition>,
}

/// Why a trigger can only be edited as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawOnly {
    pub reasons: Vec<RawReason>,
}

/// One reason, with the part of the text it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawReason {
    pub span: Range<usize>,
    pub reason: String,
}

/// A builder row that cannot become FQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuilderError {
    /// Index of the condition.
    pub index: usize,
    pub message: String,
}

impl Builder {
    /// The builder view of a trigger, or why it is raw only.
    pub fn from_fql(text: &str) -> Result<Builder, RawOnly> {
        let raw = |span: Range<usize>, reason: String| RawOnly {
            reasons: vec![RawReason { span, reason }],
        };
        let fql = match parse(text) {
            Ok(f) => f,
            Err(e) => {
                let e = &e[0];
                return Err(raw(
                    e.span.clone(),
                    format!("the trigger does not parse: {}", e.message),
                ));
            }
        };
        let mut reasons = Vec::new();
        for w in lint(text) {
            reasons.push(RawReason {
                span: w.span,
                reason: format!("the reference reads this differently: {}", w.message),
            });
        }
        let mut conditions = Vec::new();
        for child in &fql.root.children {
            match child {
                Node::Group(g) => reasons.push(RawReason {
                    span: g.span.clone(),
                    reason: "the builder has one group of conditions; nested groups are raw only"
                        .into(),
                }),
                Node::Empty { span } => reasons.push(RawReason {
                    span: span.clone(),
                    reason: "empty parentheses".into(),
                }),
                Node::Condition(c) => match row(c) {
                    Ok(r) => conditions.push(r),
                    Err(reason) => reasons.push(RawReason {
                        span: c.span.clone(),
                        reason,
                    }),
                },
            }
        }
        let builder = Builder {
            combinator: match fql.root.operator {
                GroupOp::And => Combinator::All,
                GroupOp::Or => Combinator::Any,
            },
            conditions,
        };
        if reasons.is_empty() {
            match builder.to_group() {
                Ok(g) if g.same_meaning(&fql.root) => {}
                _ => reasons.push(RawReason {
                    span: 0..text.len(),
                    reason: "the builder would write a trigger with a different meaning".into(),
                }),
            }
        }
        if reasons.is_empty() {
            Ok(builder)
        } else {
            Err(RawOnly { reasons })
        }
    }

    /// The AST of the builder's conditions.
    pub fn to_group(&self) -> Result<Group, BuilderError> {
        let mut children = Vec::with_capacity(self.conditions.len());
        for (index, c) in self.conditions.iter().enumerate() {
            let err = |message: String| BuilderError { index, message };
            if !c.family.operators().contains(&c.operator) {
                return Err(err(format!(
                    "'{}' is not offered for this kind of condition",
                    c.operator.label()
                )));
            }
            let field = match c.family {
                Family::EventType => Field::EventType,
                Family::EventName => Field::Event,
                Family::UserId => Field::UserId,
                Family::EventProperty => Field::Property(c.path.clone()),
                Family::UserTrait => Field::Trait(c.path.clone()),
                Family::ContextField => Field::Context(c.path.clone()),
            };
            if c.family.has_path() && c.path.is_empty() {
                return Err(err("choose a property path".into()));
            }
            let value = if !c.operator.takes_value() {
                None
            } else if c.operator.numeric() {
                let n = to_number(&c.value);
                if !n.is_finite() || c.value.trim().is_empty() {
                    return Err(err(format!("'{}' needs a number", c.operator.label())));
                }
                Some(Expected::Num(n))
            } else {
                if c.value.contains('"') {
                    return Err(err(
                        "trigger values cannot contain a double quote (\")".into()
                    ));
                }
                Some(Expected::Str(c.value.clone()))
            };
            children.push(Node::Condition(Condition::new(
                field,
                c.operator.ast(),
                value,
            )));
        }
        Ok(Group {
            operator: match self.combinator {
                Combinator::All => GroupOp::And,
                Combinator::Any => GroupOp::Or,
            },
            children,
            span: 0..0,
        })
    }

    /// The FQL the Segment app would save for this builder.
    pub fn to_fql(&self) -> Result<String, BuilderError> {
        let g = self.to_group()?;
        generate::generate_fql(&g).map_err(|e| BuilderError {
            index: 0,
            message: e.message,
        })
    }
}

fn row(c: &Condition) -> Result<BuilderCondition, String> {
    let (family, path) = match &c.field {
        Field::EventType => (Family::EventType, String::new()),
        Field::Event => (Family::EventName, String::new()),
        Field::UserId => (Family::UserId, String::new()),
        Field::Property(p) => (Family::EventProperty, p.clone()),
        Field::Trait(p) => (Family::UserTrait, p.clone()),
        Field::Context(p) => (Family::ContextField, p.clone()),
        Field::Name => {
            return Err("the builder has no page/screen name condition".into());
        }
    };
    let op = BuilderOp::from_ast(&c.operator)
        .filter(|op| family.operators().contains(op))
        .ok_or_else(|| {
            format!(
                "the builder does not offer '{}' for this kind of condition",
                c.operator.describe()
            )
        })?;
    let value = match &c.value {
        _ if !op.takes_value() => String::new(),
        Some(Expected::Str(s)) => s.clone(),
        Some(Expected::Num(n)) if n.is_finite() => js::number_to_string(*n),
        Some(Expected::Bool(b)) => {
            return Err(format!(
                "'{} {b}' compares with the text \"{b}\": the builder cannot show it",
                c.operator.as_str()
            ));
        }
        _ => return Err("the value cannot be shown by the builder".into()),
    };
    Ok(BuilderCondition {
        family,
        path,
        operator: op,
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_round_trips_the_well_formed_subset() {
        for text in [
            "type = \"track\"",
            "type = \"track\" and event = \"Order Completed\"",
            "type = \"page\" or type = \"screen\"",
            "properties.price > 100 and contains(event, \"Order\")",
            "traits.email != null and context.app.version = \"5.2.1\"",
            "properties.vip = true and properties.gift = false and properties.total = 100",
            "match(event, \"Order*\") and match(userId, \"*@x.com\") and userId != null",
            "properties.product\\ 1.price >= 10",
        ] {
            let b = Builder::from_fql(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!(b.to_fql().ok().as_deref(), Some(text));
        }
    }

    #[test]
    fn raw_only_with_a_reason() {
        for (text, words) in [
            (
                "type = \"identify\" and (event = \"A\" or event = \"B\")",
                "nested groups",
            ),
            ("name = \"Home\"", "page/screen name"),
            ("!match(event, \"Test*\")", "does not start with"),
            (
                "type = \"track\" and event = \"A\" or event = \"B\"",
                "differently",
            ),
            ("properties.flag != true", "differently"),
            ("contains(type, \"x\") and event = \"a\"", "differently"),
            ("properties.x>5", "does not parse"),
            ("properties.price > \"100\"", "different meaning"),
        ] {
            let e = Builder::from_fql(text).expect_err(text);
            assert!(
                e.reasons.iter().any(|r| r.reason.contains(words)),
                "{text}: {e:?}"
            );
        }
    }

    #[test]
    fn builder_rows_become_fql() {
        let b = Builder {
            combinator: Combinator::Any,
            conditions: vec![
                BuilderCondition {
                    family: Family::EventName,
                    path: String::new(),
                    operator: BuilderOp::EndsWith,
                    value: "Completed".into(),
                },
                BuilderCondition {
                    family: Family::EventProperty,
                    path: "cart value".into(),
                    operator: BuilderOp::GreaterThanOrEqual,
                    value: "49.90".into(),
                },
                BuilderCondition {
                    family: Family::UserTrait,
                    path: "plan".into(),
                    operator: BuilderOp::DoesNotExist,
                    value: String::new(),
                },
            ],
        };
        assert_eq!(
            b.to_fql().ok().as_deref(),
            Some(
                "match(event, \"*Completed\") or properties.cart\\ value >= 49.9 or traits.plan = null"
            )
        );
        let mut bad = b.clone();
        bad.conditions[1].value = "lots".into();
        assert_eq!(bad.to_fql().map_err(|e| e.index), Err(1));
        bad.conditions[1].value = "1".into();
        bad.conditions[0].family = Family::EventType;
        assert_eq!(bad.to_fql().map_err(|e| e.index), Err(0));
    }
}
