//! Reads by id that leave a record the session could see nothing of in
//! the store. A record hidden inside a dataset the purpose covers (a type
//! it does not cover, markings above the principal's clearance) would
//! otherwise be read, unpacked and decided, then withheld, while an absent
//! id reads nothing: how long a lookup took would tell the two apart.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use clearstone_model::{Markings, Sensitivity, Statement, limits};
use clearstone_policy::{Action, Decision, DecisionCache, Resource};
use clearstone_store::Store;

use crate::{EngineError, Session};

/// Shapes remembered across sessions before the memo starts again.
const SIGHTS_MAX: usize = 4096;

/// A decision memo (by address), the action, whether a reveal was asked
/// for, and a record's dataset, type and stored markings.
type SightKey = (usize, Action, bool, String, String, String);

/// Whether a record of one shape shows anything, per principal and
/// purpose: a hidden record must not cost the deciding each time, since an
/// absent one costs none. Shared by sessions, as their decision memos are
/// (one session per request, in the server).
#[derive(Default)]
pub(crate) struct Sights {
    seen: Mutex<HashMap<SightKey, bool>>,
    /// The memos keyed by address, held so no other takes their address
    /// while an answer is kept under it.
    memos: Mutex<Vec<Arc<Mutex<DecisionCache>>>>,
}

impl Session<'_> {
    /// One record's statements as stored, or none when no statement of any
    /// of its versions could pass the gate for `action` (or, with `reveal`,
    /// be revealed). The gate still decides every statement returned.
    pub(crate) fn visible_statements(
        &self,
        entity_id: &str,
        action: Action,
        reveal: bool,
    ) -> Result<Vec<Statement>, EngineError> {
        if self.outside_purpose(entity_id) {
            return Ok(Vec::new());
        }
        let mut sees = |dataset: &str, schema: &str, markings: &str| {
            self.shows_any(action, reveal, dataset, schema, markings)
        };
        Ok(self.engine.reader()?.entity_statements_visible(
            entity_id,
            limits::ENTITY_STATEMENTS_MAX,
            &mut sees,
        )?)
    }

    /// [`Session::visible_statements`] for many records in one read: a
    /// record the session could see nothing of maps to an empty list, as
    /// one never loaded does.
    pub(crate) fn visible_statements_many(
        &self,
        entity_ids: &[&str],
        action: Action,
    ) -> Result<HashMap<String, Vec<Statement>>, EngineError> {
        let (outside, inside): (Vec<&str>, Vec<&str>) =
            entity_ids.iter().partition(|id| self.outside_purpose(id));
        let mut sees = |dataset: &str, schema: &str, markings: &str| {
            self.shows_any(action, false, dataset, schema, markings)
        };
        let mut out = self.engine.reader()?.statements_of_many_visible(
            &inside,
            limits::ENTITY_STATEMENTS_MAX,
            &mut sees,
        )?;
        out.extend(outside.into_iter().map(|id| (id.to_string(), Vec::new())));
        Ok(out)
    }

    /// The members of cluster `canonical` of which the session could see
    /// something, in id order, and whether that is every member: a hidden
    /// member is left at the store, by its shape, as a record never loaded
    /// would be, and never becomes part of the answer's work.
    pub(crate) fn visible_cluster_members(
        &self,
        canonical: &str,
    ) -> Result<(Vec<String>, bool), EngineError> {
        let mut sees = |dataset: &str, schema: &str, markings: &str| {
            self.shows_any(Action::View, false, dataset, schema, markings)
        };
        Ok(self
            .engine
            .reader()?
            .cluster_members_visible(canonical, &mut sees)?)
    }

    /// [`Session::may_see_any`], remembered per principal and purpose
    /// (break-glass widens decisions outside the shared memo: not kept).
    fn shows_any(
        &self,
        action: Action,
        reveal: bool,
        dataset: &str,
        schema: &str,
        markings: &str,
    ) -> bool {
        // Markings that do not read are read whole, so the damage is
        // reported as on every other read.
        let decide = |markings: &str| match markings.parse::<Markings>() {
            Ok(m) => self.may_see_any(action, reveal, dataset, schema, &m),
            Err(_) => true,
        };
        if self.break_glass.is_some() {
            return decide(markings);
        }
        let sights = &self.engine.decisions.sights;
        let key: SightKey = (
            Arc::as_ptr(&self.decisions) as usize,
            action,
            reveal,
            dataset.to_string(),
            schema.to_string(),
            markings.to_string(),
        );
        if let Some(b) = sights.seen.lock().ok().and_then(|m| m.get(&key).copied()) {
            return b;
        }
        let b = decide(markings);
        if let (Ok(mut seen), Ok(mut memos)) = (sights.seen.lock(), sights.memos.lock()) {
            if seen.len() >= SIGHTS_MAX {
                seen.clear();
                memos.clear();
            }
            if !memos.iter().any(|m| Arc::ptr_eq(m, &self.decisions)) {
                memos.push(self.decisions.clone());
            }
            seen.insert(key, b);
        }
        b
    }

    /// Whether some property of `schema` in `dataset`, carrying `markings`,
    /// is shown (or masked) for `action`: the gate's own decision, for each
    /// sensitivity the type's properties have. A type the ontology does not
    /// define has no property the gate would show.
    fn may_see_any(
        &self,
        action: Action,
        reveal: bool,
        dataset: &str,
        schema: &str,
        markings: &Markings,
    ) -> bool {
        let ontology = self.engine.ontology();
        let Some(ty) = ontology.get(schema) else {
            return false;
        };
        let mut kinds: Vec<Sensitivity> = ty.properties.values().map(|p| p.sensitivity).collect();
        kinds.sort_unstable();
        kinds.dedup();
        let ancestors = self.engine.ancestors(schema);
        kinds.into_iter().any(|sensitivity| {
            let resource = Resource {
                dataset: dataset.to_string(),
                schema: schema.to_string(),
                schema_ancestors: ancestors.clone(),
                sensitivity,
                type_sensitivity: ty.sensitivity,
                markings: markings.clone(),
            };
            !matches!(self.decide(action, &resource, false), Decision::Deny { .. })
                || (reveal
                    && !matches!(
                        self.decide(Action::RevealSensitive, &resource, true),
                        Decision::Deny { .. }
                    ))
        })
    }
}
