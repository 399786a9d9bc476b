//! Indicator rules: files that say which pattern in workforce records raises
//! a concern for a person to review, and their evaluation.
//!
//! The crate is pure. The engine reads the records a rule needs through the
//! gate, decides who is who by resolution, and hands over a [`View`]; the
//! rule returns [`Finding`]s, each with the evidence for it and the plain
//! English of the condition every piece satisfied. Absences of a protected
//! class (maternity, disability-related, ...) never count towards any rule:
//! that exclusion is built in and no rule can switch it off
//! ([`protected`]). A rule may also leave out the records that activity it
//! directed produced ([`directed`]). The language is written down in `docs/indicators.md`.

pub mod directed;
mod error;
mod eval;
mod finding;
mod incremental;
pub mod protected;
mod rule;
mod view;

pub use error::RuleError;
pub use eval::evaluate;
pub use finding::{Evidence, Finding, fingerprint};
pub use incremental::{affected_people, corroboration_reach, evaluate_people, person_paths};
pub use rule::{
    Condition, CountRule, Declarations, Filter, Interval, Normalise, RegisterRule, Rule,
    SharedRule, UncorroboratedRule,
};
pub use view::{Record, Value, View, normalise};
