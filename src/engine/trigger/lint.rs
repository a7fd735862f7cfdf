//! Lint: triggers whose reference meaning differs from their natural reading.

use std::ops::Range;

use serde::Serialize;

/// One warning: where, and what the reference will actually do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintWarning {
    pub span: Range<usize>,
    pub message: String,
}

/// Lints a trigger text.
pub fn lint(_text: &str) -> Vec<LintWarning> {
    Vec::new()
}
