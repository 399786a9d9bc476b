//! Redaction: every statement leaves the engine only after a policy decision.
//! Allowed values pass; special-category values without a reveal become a
//! placeholder naming the category, with their provenance withheld too;
//! denied values are dropped without trace, so not even their count shows.

use std::collections::HashMap;
use std::sync::Arc;

use clearstone_model::{Markings, PropType, Sensitivity, Statement, StatementId, Timestamp};
use clearstone_policy::{Action, Decision, Resource, masked_placeholder};
use clearstone_store::StoreError;

use crate::Session;

/// Provenance shown for a masked value.
pub const MASKED_SOURCE: &str = "[masked]";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GateCounts {
    pub allowed: u64,
    pub masked: u64,
    pub denied: u64,
}

impl Session<'_> {
    /// Applies the policies to statements for `action`. `reveal` names the
    /// property whose special-category values the user asked to see: its
    /// values are decided as `reveal_sensitive`.
    pub(crate) fn gate(
        &self,
        action: Action,
        statements: Vec<Statement>,
        reveal: Option<&str>,
    ) -> (Vec<Statement>, GateCounts) {
        let mut ancestors: HashMap<Arc<str>, Vec<String>> = HashMap::new();
        // Statements of one record share their dataset, schema and markings
        // `Arc`s, so a decision is made once per shape within a call.
        type Shape = (*const u8, *const u8, *const Markings, Sensitivity, bool);
        let mut decided: HashMap<Shape, Decision> = HashMap::new();
        // Denied statements stay alive until the loop ends: a freed `Arc`'s
        // address could otherwise be reused by another shape.
        let mut withheld: Vec<Statement> = Vec::new();
        let mut counts = GateCounts::default();
        let mut out = Vec::with_capacity(statements.len());
        for mut s in statements {
            // A property the ontology does not know cannot be classified, so it is not shown.
            let Some(sensitivity) = self
                .engine
                .ontology()
                .property(&s.schema, &s.prop)
                .map(|p| p.sensitivity)
            else {
                counts.denied += 1;
                withheld.push(s);
                continue;
            };
            // Only the property asked for is revealed; the rest is `action` as usual.
            let wants = reveal.is_some_and(|p| p == &*s.prop);
            let shape = (
                s.dataset.as_ptr(),
                s.schema.as_ptr(),
                Arc::as_ptr(&s.markings),
                sensitivity,
                wants,
            );
            let decision = match decided.get(&shape) {
                Some(d) => *d,
                None => {
                    let anc = ancestors
                        .entry(s.schema.clone())
                        .or_insert_with(|| self.engine.ancestors(&s.schema))
                        .clone();
                    let resource = Resource {
                        dataset: s.dataset.to_string(),
                        schema: s.schema.to_string(),
                        schema_ancestors: anc,
                        sensitivity,
                        type_sensitivity: self.engine.ontology().type_sensitivity(&s.schema),
                        markings: (*s.markings).clone(),
                    };
                    let act = if wants {
                        Action::RevealSensitive
                    } else {
                        action
                    };
                    let d = self.decide(act, &resource, wants);
                    decided.insert(shape, d);
                    d
                }
            };
            match decision {
                Decision::Allow => {
                    counts.allowed += 1;
                    let act = if wants {
                        Action::RevealSensitive
                    } else {
                        action
                    };
                    self.withhold_spans(&mut s, act, wants);
                    out.push(s);
                }
                Decision::Mask { category } => {
                    counts.masked += 1;
                    mask(&mut s, category);
                    out.push(s);
                }
                Decision::Deny { .. } => {
                    counts.denied += 1;
                    withheld.push(s);
                }
            }
        }
        drop(withheld);
        if self.case_grant.is_some() {
            self.withhold_protected(&mut out, &mut counts);
        }
        (out, counts)
    }
}

/// Whether each record a reference names may be seen, remembered for one
/// answer (an export names the same address many times).
#[derive(Debug, Default)]
pub(crate) struct Targets(HashMap<String, bool>);

impl Session<'_> {
    /// Whether `s` is a reference (an entity-typed value, unmasked) to a
    /// record this session may not see for `action`, or to one never
    /// loaded. Such a value names the record it points at, so it is left
    /// out as the record is: hidden and absent alike. `load` reads a
    /// record's statements, so that a caller streaming from the store can
    /// use the store it holds.
    pub(crate) fn hides_target(
        &self,
        action: Action,
        s: &Statement,
        targets: &mut Targets,
        load: &dyn Fn(&str) -> Result<Vec<Statement>, StoreError>,
    ) -> Result<bool, StoreError> {
        let is_ref = &*s.origin.source != MASKED_SOURCE
            && self
                .engine
                .ontology()
                .property(&s.schema, &s.prop)
                .is_some_and(|p| p.ty == PropType::Entity);
        if !is_ref {
            return Ok(false);
        }
        if let Some(seen) = targets.0.get(&s.value) {
            return Ok(!seen);
        }
        let seen = !self.gate(action, load(&s.value)?, None).0.is_empty();
        targets.0.insert(s.value.clone(), seen);
        Ok(!seen)
    }

    /// `statements` without their references to records this session may
    /// not see for `action` (see [`Session::hides_target`]).
    pub(crate) fn drop_hidden_targets(
        &self,
        action: Action,
        statements: Vec<Statement>,
    ) -> Result<Vec<Statement>, crate::EngineError> {
        let load = |id: &str| -> Result<Vec<Statement>, StoreError> {
            self.visible_statements(id, action, false)
                .map_err(|e| StoreError::Aborted(e.to_string()))
        };
        let mut targets = Targets::default();
        let mut out = Vec::with_capacity(statements.len());
        for s in statements {
            if !self.hides_target(action, &s, &mut targets, &load)? {
                out.push(s);
            }
        }
        Ok(out)
    }
}

fn mask(s: &mut Statement, category: Sensitivity) {
    replace_value(s, masked_placeholder(category));
}

/// Puts `placeholder` where the value was, with nothing derived from it left.
pub(crate) fn replace_value(s: &mut Statement, placeholder: String) {
    s.value = placeholder;
    // The real id hashes the value; for a value with few possibilities (an
    // ethnicity code) that hash would give it away, so the id is re-derived
    // from the placeholder.
    s.id = StatementId::new(&s.dataset, &s.entity_id, &s.prop, &s.value);
    s.original_value = None;
    s.origin.source = MASKED_SOURCE.into();
    s.origin.record = "".into();
    s.first_seen = Timestamp(0);
    s.last_seen = Timestamp(0);
}
