//! What events name: an act on a resolved entity names its canonical id and
//! every source record of it the session may see, each as a keyed hash, so
//! that an overseer asking after either (`audit query --subject`) finds it.
//!
//! An answer that names many entities (search hits, graph nodes) asks three
//! things of each cluster member: may the session see it (to derive the id
//! it is shown), is it named in the event, and does looking it up raise a
//! self-monitoring concern. [`Seen`] keeps what one answer has read, so each
//! member's statements are read and decided once, not once a question.

use std::collections::{BTreeSet, HashMap};

use clearstone_policy::Action;
use clearstone_store::ResolutionStore;

use crate::dossier::view_id;
use crate::{EngineError, Operation, Session};

/// What one answer has learnt of clusters and records. Never kept between
/// answers: what a session may see can change between them.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    members: HashMap<String, Vec<String>>,
    records: HashMap<String, Sight>,
    shown: HashMap<String, String>,
}

#[derive(Debug)]
struct Sight {
    visible: bool,
    concerns: Vec<&'static str>,
}

impl Seen {
    /// Notes that `entity`, a record resolution has not placed in any
    /// cluster, names no cluster either, sparing the look-up. Canonical
    /// ids are `cs-` and a hash (`resolve::canonical_id`): a record id of
    /// that form is still looked up.
    pub(crate) fn unresolved(&mut self, entity: &str) {
        if !entity.starts_with("cs-") {
            self.members.entry(entity.to_string()).or_default();
        }
    }
}

impl Session<'_> {
    /// The members of the cluster `id` names; none when it names no cluster.
    fn members_seen(&self, seen: &mut Seen, id: &str) -> Result<Vec<String>, EngineError> {
        if let Some(m) = seen.members.get(id) {
            return Ok(m.clone());
        }
        let m = self.engine.reader()?.cluster_members(id)?;
        seen.members.insert(id.to_string(), m.clone());
        Ok(m)
    }

    /// Whether the session may see `entity` and what looking it up raises,
    /// from one read of its statements.
    fn sight<'s>(&self, seen: &'s mut Seen, entity: &str) -> Result<&'s Sight, EngineError> {
        if !seen.records.contains_key(entity) {
            let raw = self.visible_statements(entity, Action::View, false)?;
            let sight = self.sight_of(entity, raw);
            seen.records.insert(entity.to_string(), sight);
        }
        seen.records
            .get(entity)
            .ok_or_else(|| EngineError::NotFound(entity.to_string()))
    }

    fn sight_of(&self, entity: &str, raw: Vec<clearstone_model::Statement>) -> Sight {
        let concerns = if self.monitors_lookups() {
            self.self_monitoring(entity, &raw)
        } else {
            Vec::new()
        };
        let visible = !self.gate(Action::View, raw, None).0.is_empty();
        Sight { visible, concerns }
    }

    /// Learns the members of every cluster of `canonicals` not yet known,
    /// and sights every member, in two reads rather than one a cluster and
    /// one a member: answers name clusters by the dozen.
    pub(crate) fn see_clusters(
        &self,
        seen: &mut Seen,
        canonicals: &[&str],
    ) -> Result<(), EngineError> {
        let asked = not_yet_known(canonicals, &seen.members);
        let store = self.engine.reader()?;
        if !asked.is_empty() {
            seen.members.extend(store.clusters_of_many(&asked)?);
        }
        drop(store);
        let members: Vec<String> = canonicals
            .iter()
            .filter_map(|c| seen.members.get(*c))
            .flatten()
            .cloned()
            .collect();
        let members: Vec<&str> = members.iter().map(String::as_str).collect();
        self.see_records(seen, &members)
    }

    /// Sights every record of `records` not yet sighted, in one read.
    pub(crate) fn see_records(&self, seen: &mut Seen, records: &[&str]) -> Result<(), EngineError> {
        let asked = not_yet_known(records, &seen.records);
        if asked.is_empty() {
            return Ok(());
        }
        let read = self.visible_statements_many(&asked, Action::View)?;
        for (entity, raw) in read {
            let sight = self.sight_of(&entity, raw);
            seen.records.insert(entity, sight);
        }
        Ok(())
    }

    /// `canonical` as this session knows it ([`view_id`]).
    pub(crate) fn visible_canonical(
        &self,
        canonical: &str,
        seen: &mut Seen,
    ) -> Result<String, EngineError> {
        if let Some(v) = seen.shown.get(canonical) {
            return Ok(v.clone());
        }
        let members = self.members_seen(seen, canonical)?;
        let shown = if members.is_empty() {
            canonical.to_string()
        } else {
            let mut visible = Vec::with_capacity(members.len());
            for m in &members {
                if self.sight(seen, m)?.visible {
                    visible.push(m.as_str());
                }
            }
            view_id(canonical, &visible, visible.len() == members.len())
        };
        seen.shown.insert(canonical.to_string(), shown.clone());
        Ok(shown)
    }

    /// [`Session::visible_canonical`] of the cluster an index key names (its
    /// smallest record, `Engine::cluster_key`), or the key itself when that
    /// record is unresolved: one look-up, shared with what follows.
    pub(crate) fn visible_cluster_of_key(
        &self,
        key: &str,
        seen: &mut Seen,
    ) -> Result<String, EngineError> {
        let canonical = crate::resolve::canonical_id(key);
        if self.members_seen(seen, &canonical)?.is_empty() {
            return Ok(key.to_string());
        }
        self.visible_canonical(&canonical, seen)
    }

    /// `canonical` and each member record of them this session may see.
    pub(crate) fn with_records(
        &self,
        canonical: &[&str],
        seen: &mut Seen,
    ) -> Result<BTreeSet<String>, EngineError> {
        self.see_clusters(seen, canonical)?;
        let mut out = BTreeSet::new();
        for c in canonical {
            out.insert((*c).to_string());
            for m in self.members_seen(seen, c)? {
                // A hidden member was not touched: only values the session
                // could see were.
                if !out.contains(&m) && self.sight(seen, &m)?.visible {
                    out.insert(m);
                }
            }
        }
        Ok(out)
    }

    /// The self-monitoring concerns of every record behind `ids` (a
    /// canonical id stands for each of its members), for answers that name
    /// many entities: search hits, graph nodes. Records whose id the answer
    /// did not name are looked up too, as a canonical id is the person.
    pub(crate) fn concerns_of(
        &self,
        ids: &[&str],
        seen: &mut Seen,
    ) -> Result<Vec<(String, Vec<&'static str>)>, EngineError> {
        if !self.monitors_lookups() {
            return Ok(Vec::new());
        }
        self.see_clusters(seen, ids)?;
        let alone: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| seen.members.get(*id).is_none_or(Vec::is_empty))
            .collect();
        self.see_records(seen, &alone)?;
        let mut out = Vec::new();
        let mut done = std::collections::HashSet::new();
        for id in ids {
            let mut members = self.members_seen(seen, id)?;
            if members.is_empty() {
                members.push((*id).to_string());
            }
            for m in members {
                if !done.insert(m.clone()) {
                    continue;
                }
                let found = &self.sight(seen, &m)?.concerns;
                if !found.is_empty() {
                    out.push((m.clone(), found.clone()));
                }
            }
        }
        Ok(out)
    }

    /// Records an event about resolved entities (see [`Self::with_records`]).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record_entities(
        &self,
        op: Operation,
        query: &str,
        canonical: &[&str],
        recipient: Option<&str>,
        outcome: &str,
        concerns: &[(String, Vec<&'static str>)],
        seen: &mut Seen,
    ) -> Result<(), EngineError> {
        let subjects = self.with_records(canonical, seen)?;
        let refs: Vec<&str> = subjects.iter().map(String::as_str).collect();
        self.record_monitored(op, query, &refs, recipient, outcome, concerns)
    }
}

/// The ids of `ids` that `known` lacks, sorted and each once: what one
/// batched read still has to fetch.
pub(crate) fn not_yet_known<'a, V>(ids: &[&'a str], known: &HashMap<String, V>) -> Vec<&'a str> {
    let mut asked: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| !known.contains_key(*id))
        .collect();
    asked.sort_unstable();
    asked.dedup();
    asked
}
