//! Surprising behaviours of the reference that Ampscope reproduces on purpose, so the app can
//! warn when a mapping relies on one.

/// One reproduced surprise of mapping-kit. Resolution reports which ones a mapping hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MappingQuirk {
    /// A path ran into a falsy value (`0`, `""`, `false`, `null`) before its end and returned
    /// that value instead of nothing.
    PathFalsyIntermediate,
    /// `$.` is removed wherever it first appears in a path, not only at the start.
    PathDollarDotAnywhere,
    /// A bracketed key containing a dot (`["a.b"]`) is split at the dot: it cannot be reached.
    PathDottedKeyUnreachable,
    /// `{{$.x}}` in a template looks up a key named `$` and renders nothing.
    TemplateDollarPath,
    /// A value inserted by `{{{x}}}` that contains `{{y}}` is expanded a second time.
    TemplateTripleReexpanded,
    /// An object was inserted into a template and rendered as `[object Object]`.
    TemplateObjectString,
    /// `@if` with a falsy fixed `else` (`false`, `0`, `""`, `null`) removes the field instead.
    IfFalsyElseDropped,
    /// `@replace` on a missing, null, object or array value gives `""` instead of nothing.
    ReplaceNonStringGivesEmpty,
    /// A `@replace` replacement used JavaScript's `$$`, `$&`, `` $` `` or `$'` patterns.
    ReplaceDollarPatterns,
    /// A missing value in a later `@merge` object erased a value set by an earlier one.
    MergeUndefinedErases,
    /// `@merge` spread a string's characters or an array's elements under index keys.
    MergeSpreadsNonObject,
    /// `@merge` direction in another case (`"LEFT"`) passes validation but acts as `right`.
    MergeDirectionCase,
    /// `@json` mode in another case (`"ENCODE"`) passes validation but gives nothing.
    JsonModeCase,
    /// `@arrayPath` with a directive as first element uses its result as the array itself,
    /// not as a path; a string result is returned as is.
    ArrayPathDirectiveNotPath,
    /// A mapping that is a string was spread into an object of its characters.
    StringMappingSpread,
}

impl MappingQuirk {
    /// Every quirk, in declaration order.
    pub const ALL: [MappingQuirk; 15] = [
        MappingQuirk::PathFalsyIntermediate,
        MappingQuirk::PathDollarDotAnywhere,
        MappingQuirk::PathDottedKeyUnreachable,
        MappingQuirk::TemplateDollarPath,
        MappingQuirk::TemplateTripleReexpanded,
        MappingQuirk::TemplateObjectString,
        MappingQuirk::IfFalsyElseDropped,
        MappingQuirk::ReplaceNonStringGivesEmpty,
        MappingQuirk::ReplaceDollarPatterns,
        MappingQuirk::MergeUndefinedErases,
        MappingQuirk::MergeSpreadsNonObject,
        MappingQuirk::MergeDirectionCase,
        MappingQuirk::JsonModeCase,
        MappingQuirk::ArrayPathDirectiveNotPath,
        MappingQuirk::StringMappingSpread,
    ];

    /// A one-line note for the user.
    pub fn note(self) -> &'static str {
        match self {
            MappingQuirk::PathFalsyIntermediate => {
                "a path stopped at a falsy value (0, \"\", false or null) and returned it"
            }
            MappingQuirk::PathDollarDotAnywhere => {
                "\"$.\" is removed wherever it first appears in a path, not only at the start"
            }
            MappingQuirk::PathDottedKeyUnreachable => {
                "keys containing a dot cannot be reached, even in [\"…\"] brackets"
            }
            MappingQuirk::TemplateDollarPath => {
                "{{$.x}} in @template renders nothing: template paths must not start with $."
            }
            MappingQuirk::TemplateTripleReexpanded => {
                "a value inserted by {{{x}}} containing {{y}} was expanded again"
            }
            MappingQuirk::TemplateObjectString => {
                "an object was inserted into a template as \"[object Object]\""
            }
            MappingQuirk::IfFalsyElseDropped => {
                "@if ignores a false/0/\"\"/null else value: the field is removed instead"
            }
            MappingQuirk::ReplaceNonStringGivesEmpty => {
                "@replace on a missing, null or object value gives \"\" (the field is kept)"
            }
            MappingQuirk::ReplaceDollarPatterns => {
                "the @replace replacement uses JavaScript $ patterns ($$, $&, $`, $')"
            }
            MappingQuirk::MergeUndefinedErases => {
                "a missing value in a later @merge object erased an earlier value"
            }
            MappingQuirk::MergeSpreadsNonObject => {
                "@merge spread a string or array into index keys"
            }
            MappingQuirk::MergeDirectionCase => {
                "@merge direction is case-sensitive at run time: only \"left\" merges left"
            }
            MappingQuirk::JsonModeCase => {
                "@json mode is case-sensitive at run time: the field was removed"
            }
            MappingQuirk::ArrayPathDirectiveNotPath => {
                "@arrayPath used a directive's result as the array, not as a path"
            }
            MappingQuirk::StringMappingSpread => {
                "a string mapping was spread into an object of its characters"
            }
        }
    }
}

/// The set of quirks a resolution hit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuirkSet(u32);

impl QuirkSet {
    /// Records `q`.
    pub fn hit(&mut self, q: MappingQuirk) {
        self.0 |= 1 << q as u32;
    }

    /// Records every quirk of `other`.
    pub fn merge(&mut self, other: QuirkSet) {
        self.0 |= other.0;
    }

    /// Was `q` hit?
    pub fn contains(self, q: MappingQuirk) -> bool {
        self.0 & (1 << q as u32) != 0
    }

    /// Nothing hit.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The quirks hit, in declaration order.
    pub fn to_vec(self) -> Vec<MappingQuirk> {
        MappingQuirk::ALL
            .into_iter()
            .filter(|q| self.contains(*q))
            .collect()
    }
}
