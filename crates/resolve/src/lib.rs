//! Entity resolution: probabilistic record linkage (Fellegi–Sunter) over
//! comparison features precomputed once per record, explainable and
//! reversible. Pure: nothing here reads or writes files.

mod apart;
pub mod block;
pub mod cluster;
pub mod compare;
pub mod defaults;
mod error;
pub mod features;
mod ids;
mod jaro;
pub mod model;
pub mod model_file;
pub mod record;
mod rng;
pub mod score;
pub mod settings;
mod values;

pub use block::{Candidates, Key, KeyPart, Rule, RuleCount, candidates, candidates_link};
pub use block::{candidates_since, rule_pairs};
pub use cluster::cluster;
pub use compare::{Comparison, Method};
pub use error::ResolveError;
pub use features::{Features, FieldFeatures};
pub use ids::Ids;
pub use model::{ComparisonVectors, Model};
pub use record::{Field, FieldKind, Record, Schema};
pub use score::{Explanation, HOUSEHOLD_ONCE, ScoredPair, Scorer, Term, probability};
pub use values::Values;
