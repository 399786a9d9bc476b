//! The per-person read of an incremental run. When every new record is of
//! a type whose records are about a person (a claim, an absence, an
//! appointment, a declaration) or one such records refer to through a
//! rule's `reference.prop` path (a declared interest's organisation), the
//! people whose findings can change are found from the new records and
//! the records referring to them, and only those people's records are
//! read: the records resolution holds to be them and every record that
//! refers to one of those (found through the search index's references),
//! each read from the store through the gate, with the records they refer
//! to for a rule's `reference.prop` paths. Evaluating those people over
//! their own records gives what a full evaluation gives them. Anything
//! else (a person reached through another record, a case grant, more
//! people or references than one lookup takes) reads everything instead.

use std::collections::{BTreeSet, HashSet};

use clearstone_indicators::{Rule, affected_people, evaluate_people, person_paths};
use clearstone_model::Timestamp;
use clearstone_policy::{Action, Decision};
use clearstone_search::{REFERRERS_MAX, TARGETS_MAX};

use crate::index::search_error;
use crate::indicators_incremental::Incremental;
use crate::indicators_lean::Lean;
use crate::indicators_scan::Part;
use crate::indicators_view::Wanted;
use crate::{EngineError, Session};

impl Session<'_> {
    /// An incremental evaluation that reads only the people the new
    /// records concern; `None` when it cannot (see the module's comment)
    /// and the caller must read everything.
    pub(crate) fn evaluate_by_person(
        &self,
        rule: &Rule,
        since: Timestamp,
        wanted: &Wanted,
        changed_types: &[String],
    ) -> Result<Option<Incremental>, EngineError> {
        let ontology = self.engine.ontology();
        let paths = person_paths(&rule.condition);
        let direct = paths
            .iter()
            .all(|(_, p)| p.is_none_or(|p| !p.contains('.')));
        // The types a `reference.prop` path goes through (an interest's
        // organisation): a new one concerns whoever refers to it.
        let through: Vec<String> = rule
            .condition
            .paths()
            .into_iter()
            .filter_map(|(schema, path)| {
                let (via, _) = path.split_once('.')?;
                ontology.property(&schema, via)?.range.clone()
            })
            .collect();
        let is_through = |t: &str| through.iter().any(|s| ontology.is_a(t, s));
        let about_people = changed_types
            .iter()
            .all(|t| is_through(t) || paths.iter().any(|(s, _)| ontology.is_a(t, s)));
        if self.case_grant.is_some() || paths.is_empty() || !direct || !about_people {
            return Ok(None);
        }
        let lean = Lean::of(rule, ontology);
        let new = self.scan_indicator_records(wanted, None, lean.as_ref(), Part::After(since))?;
        let mut new_ids: Vec<String> = new.records.iter().map(|r| r.id.clone()).collect();
        let new_through: Vec<String> = new
            .records
            .iter()
            .filter(|r| is_through(&r.schema))
            .map(|r| r.id.clone())
            .collect();
        if new_ids.len() > TARGETS_MAX {
            return Ok(None);
        }
        let Some(referring) = self.referring(&new_through)? else {
            return Ok(None);
        };
        new_ids.extend(referring);
        // In full: a new version may have moved a record from one person
        // to another, and both are then concerned.
        let ids: Vec<&str> = new_ids.iter().map(String::as_str).collect();
        let fresh =
            self.scan_indicator_records(wanted, None, lean.as_ref(), Part::Entities(&ids))?;
        let mut records = fresh.records.len() as u64;
        let mut read_special = fresh.read_special;
        let view = self
            .indicator_view_of(wanted, fresh.records, false, HashSet::new())?
            .view;
        let changed: HashSet<String> = new_ids.iter().cloned().collect();
        let affected = affected_people(rule, &view, &changed).unwrap_or_default();
        if affected.is_empty() {
            return Ok(Some(Incremental {
                records,
                read_special,
                evaluated: Some(affected),
                findings: Vec::new(),
            }));
        }
        let targets: Vec<String> = view
            .members(&affected)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let Some(referring) = self.referring(&targets)? else {
            return Ok(None);
        };
        let mut ids: BTreeSet<&str> = targets.iter().map(String::as_str).collect();
        ids.extend(new_ids.iter().map(String::as_str));
        ids.extend(referring.iter().map(String::as_str));
        let ids: Vec<&str> = ids.into_iter().collect();
        let mut read =
            self.scan_indicator_records(wanted, None, lean.as_ref(), Part::Entities(&ids))?;
        // The records a `reference.prop` path goes through (a declared
        // interest's organisation).
        let vias: BTreeSet<String> = rule
            .condition
            .paths()
            .into_iter()
            .filter_map(|(_, p)| p.split_once('.').map(|(via, _)| via.to_owned()))
            .collect();
        let hop: BTreeSet<String> = read
            .records
            .iter()
            .flat_map(|r| r.values.iter())
            .filter(|v| vias.contains(&*v.prop))
            .map(|v| v.value.to_string())
            .collect();
        if !hop.is_empty() {
            let hop: Vec<&str> = hop.iter().map(String::as_str).collect();
            let more =
                self.scan_indicator_records(wanted, None, lean.as_ref(), Part::Entities(&hop))?;
            read.read_special |= more.read_special;
            let have: HashSet<String> = read.records.iter().map(|r| r.id.clone()).collect();
            read.records
                .extend(more.records.into_iter().filter(|r| !have.contains(&r.id)));
        }
        records += read.records.len() as u64;
        read_special |= read.read_special;
        let view = self
            .indicator_view_of(wanted, read.records, false, HashSet::new())?
            .view;
        Ok(Some(Incremental {
            records,
            read_special,
            findings: evaluate_people(rule, &view, &affected),
            evaluated: Some(affected),
        }))
    }

    /// The records referring to any of `targets`, by entity id; `None`
    /// when there are more targets or referring records than one lookup of
    /// the search index takes.
    fn referring(&self, targets: &[String]) -> Result<Option<Vec<String>>, EngineError> {
        if targets.is_empty() {
            return Ok(Some(Vec::new()));
        }
        if targets.len() > TARGETS_MAX {
            return Ok(None);
        }
        // Masked records are read too (and never count), so only the
        // shapes the rule may not read at all are left out.
        let visible =
            self.shapes_where(Action::Resolve, |d| !matches!(d, Decision::Deny { .. }))?;
        let found = self
            .engine
            .search_index()
            .referrers(targets, &visible, REFERRERS_MAX)
            .map_err(search_error)?;
        if found.len() >= REFERRERS_MAX {
            return Ok(None);
        }
        Ok(Some(found.into_iter().map(|r| r.entity).collect()))
    }
}
