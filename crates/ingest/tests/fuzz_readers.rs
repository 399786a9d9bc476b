//! The fuzz target's harness on stable Rust, as CI runs it: every input of
//! the committed corpus (`fuzz/corpus/readers`), then seeded mutations of
//! them. `fuzz/run` runs the same harness under libFuzzer for longer.
#![allow(clippy::unwrap_used, clippy::panic)]

mod fuzz_harness;

use std::path::{Path, PathBuf};

fn corpus() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/readers");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

#[test]
fn every_corpus_input_holds_the_invariants() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = corpus();
    assert!(inputs.len() >= 8, "the corpus is committed");
    for input in &inputs {
        fuzz_harness::check(dir.path(), input);
    }
}

/// xorshift64*: a fixed seed gives the same inputs on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that matter to the readers: separators, quotes, line breaks, JSON
/// punctuation, a Windows quote, bytes invalid in UTF-8, a NUL.
const INTERESTING: &[u8] = b",;|\t\"'\r\n{}[]:\\ 0a\x92\xff\xfe\xc3\x00";

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, other: &[u8]) {
    for _ in 0..=rng.below(4) {
        let at = rng.below(input.len() + 1);
        match rng.below(6) {
            0 if !input.is_empty() => {
                let i = at.min(input.len() - 1);
                input[i] ^= 1 << rng.below(8);
            }
            1 => input.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            2 if at < input.len() => {
                let end = (at + rng.below(8) + 1).min(input.len());
                input.drain(at..end);
            }
            3 if at < input.len() => {
                let end = (at + rng.below(16) + 1).min(input.len());
                let piece = input[at..end].to_vec();
                input.splice(at..at, piece);
            }
            4 if !other.is_empty() => {
                let from = rng.below(other.len());
                let end = (from + rng.below(32) + 1).min(other.len());
                input.splice(at..at, other[from..end].iter().copied());
            }
            _ if !input.is_empty() => input[0] = rng.next() as u8,
            _ => input.push(rng.next() as u8),
        }
    }
}

#[test]
fn seeded_mutations_of_the_corpus_hold_the_invariants() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = corpus();
    let mut rng = Rng(0x015c_1ea5_701e);
    for round in 0..1500 {
        let mut input = inputs[round % inputs.len()].clone();
        let other = &inputs[rng.below(inputs.len())];
        mutate(&mut rng, &mut input, other);
        fuzz_harness::check(dir.path(), &input);
    }
}
