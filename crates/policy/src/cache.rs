//! Memoised decisions for one principal under one purpose.
//!
//! The engine decides every value it returns, and an entity can carry fifty
//! statements, but they come in few shapes: the decision depends only on the
//! action, the value's dataset, type, sensitivity and markings, and `reveal`.
//! So each shape is evaluated by Cedar once and then costs a hash lookup.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use clearstone_model::{Markings, Sensitivity};

use crate::request::Session;
use crate::{Action, Decision, PolicyError, PolicySet, Principal, Purpose, Resource};

/// Shapes remembered before the memo is cleared and refilled. Only decisions
/// are dropped, never results, so this bounds memory and nothing else.
pub const CACHE_ENTRIES_MAX: usize = 4096;

pub struct DecisionCache {
    policies: PolicySet,
    session: Session,
    memo: HashMap<u64, Vec<Entry>, BuildHasherDefault<Prehashed>>,
    entries: usize,
}

/// One remembered shape. Stored whole and compared on lookup, so a hash
/// collision can never hand one shape another's decision.
struct Entry {
    action: Action,
    dataset: String,
    schema: String,
    schema_ancestors: Vec<String>,
    sensitivity: Sensitivity,
    type_sensitivity: Sensitivity,
    markings: Markings,
    reveal: bool,
    decision: Decision,
}

impl Entry {
    fn matches(&self, action: Action, r: &Resource, reveal: bool) -> bool {
        self.action == action
            && self.reveal == reveal
            && self.sensitivity == r.sensitivity
            && self.type_sensitivity == r.type_sensitivity
            && self.dataset == r.dataset
            && self.schema == r.schema
            && self.markings == r.markings
            && self.schema_ancestors == r.schema_ancestors
    }
}

impl DecisionCache {
    /// Builds the Cedar entities for `principal` and `purpose` once. The
    /// value-independent checks ([`crate::check_purpose`]) are the caller's,
    /// before the first decision.
    pub fn new(
        policies: &PolicySet,
        principal: &Principal,
        purpose: &Purpose,
    ) -> Result<Self, PolicyError> {
        Ok(Self {
            policies: policies.clone(),
            session: policies.session(principal, purpose)?,
            memo: HashMap::default(),
            entries: 0,
        })
    }

    pub fn decide(&mut self, action: Action, resource: &Resource, reveal: bool) -> Decision {
        let key = shape_hash(action, resource, reveal);
        if let Some(entry) = self
            .memo
            .get(&key)
            .and_then(|bucket| bucket.iter().find(|e| e.matches(action, resource, reveal)))
        {
            return entry.decision;
        }
        let decision = self
            .policies
            .evaluate(&self.session, action, resource, reveal);
        if self.entries >= CACHE_ENTRIES_MAX {
            self.memo.clear();
            self.entries = 0;
        }
        self.memo.entry(key).or_default().push(Entry {
            action,
            dataset: resource.dataset.clone(),
            schema: resource.schema.clone(),
            schema_ancestors: resource.schema_ancestors.clone(),
            sensitivity: resource.sensitivity,
            type_sensitivity: resource.type_sensitivity,
            markings: resource.markings.clone(),
            reveal,
            decision,
        });
        self.entries += 1;
        decision
    }

    /// Shapes remembered now.
    pub fn len(&self) -> usize {
        self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }
}

fn shape_hash(action: Action, r: &Resource, reveal: bool) -> u64 {
    let mut h = Fx::default();
    action.hash(&mut h);
    r.dataset.hash(&mut h);
    r.schema.hash(&mut h);
    r.schema_ancestors.hash(&mut h);
    r.sensitivity.hash(&mut h);
    r.type_sensitivity.hash(&mut h);
    r.markings.hash(&mut h);
    reveal.hash(&mut h);
    h.finish()
}

/// The Fx hash (as in rustc): a multiply and rotate per word. Keys are
/// internal names (datasets, types, markings), not attacker-chosen, and the
/// memo is bounded, so speed wins over flood resistance here.
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// For keys that are already hashes.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
