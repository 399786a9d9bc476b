//! What events name: an act on a resolved entity names its canonical id and
//! every source record of it the session may see, each as a keyed hash, so
//! that an overseer asking after either (`audit query --subject`) finds it.

use std::collections::BTreeSet;

use clearstone_store::ResolutionStore;

use crate::{EngineError, Operation, Session};

impl Session<'_> {
    /// `canonical` and each member record of them this session may see.
    pub(crate) fn with_records(&self, canonical: &[&str]) -> Result<BTreeSet<String>, EngineError> {
        let mut out = BTreeSet::new();
        for c in canonical {
            out.insert((*c).to_string());
            let members = self.engine.store()?.cluster_members(c)?;
            for m in members {
                // A hidden member was not touched: only values the session
                // could see were.
                if !out.contains(&m) && !self.visible_statements(&m)?.is_empty() {
                    out.insert(m);
                }
            }
        }
        Ok(out)
    }

    /// Records an event about resolved entities (see [`Self::with_records`]).
    pub(crate) fn record_entities(
        &self,
        op: Operation,
        query: &str,
        canonical: &[&str],
        recipient: Option<&str>,
        outcome: &str,
        concerns: &[(String, Vec<&'static str>)],
    ) -> Result<(), EngineError> {
        let subjects = self.with_records(canonical)?;
        let refs: Vec<&str> = subjects.iter().map(String::as_str).collect();
        self.record_monitored(op, query, &refs, recipient, outcome, concerns)
    }
}
