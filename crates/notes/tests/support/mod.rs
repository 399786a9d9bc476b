#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

pub mod gate_corpus;
pub mod notes_corpus;
pub mod rng;
