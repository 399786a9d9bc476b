//! Text handling at layer 0: folding, cleaning of values at ingest, name keys,
//! phonetic codes, nicknames, string similarity and tokenising.
//!
//! Ingest, entity resolution and search all call into this crate so that a
//! value is normalised the same way wherever it is compared. Nothing here does
//! I/O; every function is pure.

pub mod date;
pub mod email;
mod error;
mod fold;
pub mod name;
pub mod nickname;
pub mod phone;
pub mod phonetic;
pub mod postcode;
pub mod similarity;
pub mod tokens;

pub use date::{Date, DateFormats, DateValue, parse_date};
pub use email::normalise_email;
pub use error::TextError;
pub use fold::{fold, fold_into, fold_onto};
pub use phone::to_e164;
pub use postcode::Postcode;
