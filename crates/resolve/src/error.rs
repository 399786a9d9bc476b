use thiserror::Error;

/// Why resolution could not proceed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ResolveError {
    #[error("record `{id}` has {got} fields, the schema has {expected}")]
    FieldCount {
        id: String,
        got: usize,
        expected: usize,
    },

    #[error("field `{name}` is not in the schema")]
    UnknownField { name: String },

    #[error("field `{name}` is a {kind} field, the comparison needs {needed}")]
    FieldKind {
        name: String,
        kind: &'static str,
        needed: &'static str,
    },

    #[error(
        "comparison `{comparison}` has two {role} fields, `{first}` and `{second}`; give it one"
    )]
    PlaceRole {
        comparison: String,
        role: &'static str,
        first: String,
        second: String,
    },

    #[error("comparison `{comparison}` names no fields")]
    NoFields { comparison: String },

    #[error("pairs_max exceeded: rule `{rule}` would produce {pairs} pairs")]
    PairsMax { rule: String, pairs: u64 },

    #[error("{count} blocking rules, at most {max}")]
    TooManyRules { count: usize, max: usize },

    #[error("blocking rule `{rule}` has no keys")]
    EmptyRule { rule: String },

    #[error("values of records of {got} fields, the schema has {expected}")]
    ValuesWidth { got: usize, expected: usize },

    #[error("too many records: {count}, at most {max}")]
    TooManyRecords { count: usize, max: usize },

    #[error("model has {got} comparisons, expected {expected}")]
    ModelShape { got: usize, expected: usize },

    #[error("no comparison vectors to train on")]
    NoPairs,

    #[error(
        "comparisons `{first}` and `{second}` both count {what}; the same evidence must \
         count once: drop one, or compare the whole name only where the halves are missing"
    )]
    DoubleCount {
        first: String,
        second: String,
        what: String,
    },

    #[error(
        "column `{column}` is read by comparisons `{first}` and `{second}`; one value must \
         count once"
    )]
    ColumnTwice {
        column: String,
        first: String,
        second: String,
    },
}
