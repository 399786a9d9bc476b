//! What a rule finds: a person, and the evidence with the condition each
//! piece satisfied.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// One piece of evidence: a source record, the statements of it the rule
/// used, and in plain English which condition it satisfied. It holds ids
/// and the rule's own words only, never a value: the reviewer sees the
/// values by opening the record through the gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, PartialOrd, Ord)]
pub struct Evidence {
    pub record: String,
    pub statements: Vec<String>,
    pub condition: String,
}

/// One person a rule flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The canonical id of the person.
    pub person: String,
    /// One sentence on why, made of the rule's vocabulary and counts.
    pub summary: String,
    pub evidence: Vec<Evidence>,
}

impl Finding {
    pub fn evidence_json(&self) -> String {
        serde_json::to_string(&self.evidence).unwrap_or_else(|_| "[]".to_owned())
    }
}

/// The fingerprint of a finding under one rule version: the same rule,
/// version, person and evidence records give the same alert.
pub fn fingerprint(rule: &str, version: u32, finding: &Finding) -> String {
    let mut ids: Vec<&str> = finding.evidence.iter().map(|e| e.record.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut h = Sha256::new();
    for part in [rule, &version.to_string(), &finding.person]
        .into_iter()
        .chain(ids)
    {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
