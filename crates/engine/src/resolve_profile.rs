//! What a resolution's settings would meet, before running it: each
//! field's fill rate and distinct values among the records the session may
//! use, and the pairs each blocking rule would bring, counted from its key
//! counts without generating a pair (as Splink's analysis tools do).

use std::collections::HashMap;

use clearstone_policy::Action;
use clearstone_resolve::{Features, Key, KeyPart, Rule, rule_pairs};

use crate::resolve::parse_settings;
use crate::{EngineError, Operation, Session};

/// A rule bringing more pairs per record than this blocks too little: a
/// useful rule brings a handful.
pub const PAIRS_PER_RECORD_WARN: u64 = 100;

/// One field of the settings, over the records read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProfile {
    pub field: String,
    /// Records with a value the session may use (hidden and masked values
    /// count as missing).
    pub filled: u64,
    /// Distinct values, as blocking compares them.
    pub distinct: u64,
}

/// One blocking rule: the settings' own, or a candidate on one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleProfile {
    pub rule: String,
    /// The settings block on it (else a candidate: one field, exactly).
    pub in_settings: bool,
    /// Pairs agreeing on the rule's keys, whatever other rules bring.
    pub pairs: u64,
    pub warning: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveProfile {
    pub schema: String,
    pub records: u64,
    pub pairs_max: u64,
    pub fields: Vec<FieldProfile>,
    pub rules: Vec<RuleProfile>,
}

/// Pairs and distinct keys of one rule, from how many records share each key.
fn key_counts(features: &Features, rule: &Rule) -> (u64, u64, u64) {
    let mut counts: HashMap<u64, u64> = HashMap::new();
    let mut keyed = 0u64;
    for k in rule.keys(features).into_iter().flatten() {
        *counts.entry(k).or_insert(0) += 1;
        keyed += 1;
    }
    let pairs = counts.values().map(|n| n * n.saturating_sub(1) / 2).sum();
    (keyed, counts.len() as u64, pairs)
}

fn warning(pairs: u64, records: u64, pairs_max: u64) -> Option<String> {
    if pairs > pairs_max {
        Some(format!(
            "{pairs} pairs is more than pairs_max ({pairs_max})"
        ))
    } else if pairs > PAIRS_PER_RECORD_WARN.saturating_mul(records) {
        Some(format!(
            "{} pairs per record: too loose to block on alone",
            pairs / records.max(1)
        ))
    } else {
        None
    }
}

impl Session<'_> {
    /// Profiles the records of `schema` against `settings` (the shipped
    /// person settings when absent). One event, naming no record: only
    /// counts leave.
    pub fn resolve_profile(
        &self,
        schema: &str,
        settings: Option<&str>,
    ) -> Result<ResolveProfile, EngineError> {
        let what = self.type_query("profile resolution of", schema);
        self.logged(Operation::Consult, &what, &[], || {
            self.known_type(schema)?;
            self.require_type_anywhere(Action::Ingest, schema, &what)?;
            let settings = parse_settings(settings)?;
            let loaded = self.resolution_records(&settings, schema)?;
            let features = loaded.features(&settings.schema)?;
            let records = features.len() as u64;
            let mut fields = Vec::new();
            let mut rules = Vec::new();
            for (i, f) in settings.schema.fields.iter().enumerate() {
                let exact = Rule {
                    unreached_only: false,
                    name: f.name.clone(),
                    keys: vec![KeyPart {
                        field: i,
                        key: Key::Exact,
                    }],
                };
                let (filled, distinct, pairs) = key_counts(&features, &exact);
                fields.push(FieldProfile {
                    field: f.name.clone(),
                    filled,
                    distinct,
                });
                if !settings.rules.iter().any(|r| r.keys == exact.keys) {
                    rules.push(RuleProfile {
                        rule: exact.name,
                        in_settings: false,
                        pairs,
                        warning: warning(pairs, records, settings.pairs_max),
                    });
                }
            }
            // A rule of unreached records pairs fewer than its keys share.
            let counted = settings
                .rules
                .iter()
                .any(|r| r.unreached_only)
                .then(|| rule_pairs(&features, &settings.rules));
            let own = settings.rules.iter().enumerate().map(|(i, r)| {
                let pairs = match counted.as_ref().and_then(|c| c.get(i)) {
                    Some(&n) if r.unreached_only => n,
                    _ => key_counts(&features, r).2,
                };
                RuleProfile {
                    rule: r.name.clone(),
                    in_settings: true,
                    pairs,
                    warning: warning(pairs, records, settings.pairs_max),
                }
            });
            let rules: Vec<RuleProfile> = own.chain(rules).collect();
            self.record(
                Operation::Consult,
                &what,
                &[],
                None,
                &format!(
                    "{records} records, {} fields, {} rules",
                    fields.len(),
                    rules.len()
                ),
            )?;
            Ok(ResolveProfile {
                schema: schema.to_owned(),
                records,
                pairs_max: settings.pairs_max,
                fields,
                rules,
            })
        })
    }
}
