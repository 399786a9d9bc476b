//! Consultation (s.62 `consult`): registers, entities, reveal, the ingest log,
//! events and alerts.

use clearstone_model::{Entity, Statement, Timestamp, limits};
use clearstone_policy::Action;
use clearstone_store::{Alert, Dataset, Event, IngestRun, Store};

use crate::{EngineError, Operation, Session};

/// Self-monitoring concerns gathered record by record while an answer
/// streams out.
#[derive(Debug, Default)]
pub(crate) struct Concerns(std::collections::BTreeMap<String, Vec<&'static str>>);

impl Concerns {
    pub(crate) fn note(&mut self, entity: &str, found: Vec<&'static str>) {
        for f in found {
            let kinds = self.0.entry(entity.to_string()).or_default();
            if !kinds.contains(&f) {
                kinds.push(f);
            }
        }
    }

    pub(crate) fn into_list(self) -> Vec<(String, Vec<&'static str>)> {
        self.0.into_iter().collect()
    }
}

impl Session<'_> {
    /// The dataset register (names, owners, legal bases, counts): not
    /// personal data, but listing it is still an act of this session. Only
    /// the datasets the purpose covers are listed: counts of one it does
    /// not would tell how much is held that the session may not see.
    pub fn datasets(&self) -> Result<Vec<Dataset>, EngineError> {
        let what = "list datasets";
        self.logged(Operation::Consult, what, &[], || {
            let mut out = self.engine.store()?.datasets()?;
            out.retain(|d| self.sees_dataset(d));
            self.visible_counts(&mut out)?;
            self.record(
                Operation::Consult,
                what,
                &[],
                None,
                &format!("{} datasets", out.len()),
            )?;
            Ok(out)
        })
    }

    /// The names of the datasets this session may search in, for a search
    /// form's filter. Names only, from the index's shapes: the register's
    /// counts (`datasets`) sum the store and are its own recorded act, too
    /// slow to repeat on every search page. Names are no one's personal
    /// data, so listing them appends no event.
    pub fn searchable_datasets(&self) -> Result<Vec<String>, EngineError> {
        self.visible_datasets(Action::Search)
    }

    /// The most recent ingest runs of the datasets this session may see,
    /// newest first: the page is taken from the visible runs, so its size
    /// says nothing of the runs of other datasets.
    pub fn ingest_runs(&self, limit: usize) -> Result<Vec<IngestRun>, EngineError> {
        let what = "list ingest runs";
        self.logged(Operation::Consult, what, &[], || {
            self.require_action(Action::Ingest, "read the ingest log")?;
            let out = self.visible_runs(limit.min(limits::PAGE_ROWS_MAX))?;
            self.record(
                Operation::Consult,
                what,
                &[],
                None,
                &format!("{} runs", out.len()),
            )?;
            Ok(out)
        })
    }

    /// As the register: a run of a dataset the session may not see would
    /// tell how much is held there. A dataset the register does not hold (a
    /// first load that failed, and so kept nothing) is judged by the
    /// purpose's coverage alone.
    fn visible_runs(&self, limit: usize) -> Result<Vec<IngestRun>, EngineError> {
        let store = self.engine.store()?;
        let seen: std::collections::BTreeMap<String, bool> = store
            .datasets()?
            .into_iter()
            .map(|d| (d.name.clone(), self.sees_dataset(&d)))
            .collect();
        let mut out = store.runs(usize::MAX >> 1)?;
        drop(store);
        out.retain(|r| match seen.get(&r.dataset) {
            Some(visible) => *visible,
            None => self.sees_dataset(&Dataset {
                name: r.dataset.clone(),
                ..Dataset::default()
            }),
        });
        out.truncate(limit);
        Ok(out)
    }

    /// One entity, with only what this session may see: special-category
    /// values masked, values it may not see left out. An entity with nothing
    /// visible is "not found", so its existence does not leak either.
    pub fn show(&self, entity_id: &str) -> Result<Entity, EngineError> {
        self.show_with(entity_id, None)
    }

    /// As `show`, revealing the special-category values of one property
    /// where the purpose names a lawful condition: its own logged act.
    /// The property must be one the ontology names: it goes into the log,
    /// which keeps only controlled vocabulary, never text someone typed.
    pub fn reveal(&self, entity_id: &str, prop: &str) -> Result<Entity, EngineError> {
        let known = self
            .engine
            .ontology()
            .types()
            .any(|t| t.property(prop).is_some());
        if !known {
            let what = "reveal special-category values";
            self.record(
                Operation::Reveal,
                what,
                &[entity_id],
                None,
                "unknown_property",
            )?;
            return Err(EngineError::InvalidInput(format!(
                "no property `{}` in the ontology",
                crate::session::shortened(prop)
            )));
        }
        self.show_with(entity_id, Some(prop))
    }

    /// Whether the purpose covers `dataset` for some type and the principal
    /// holds its markings (an active break-glass grant lifts coverage).
    fn sees_dataset(&self, d: &Dataset) -> bool {
        let covered = self.break_glass.is_some()
            || self
                .purpose
                .datasets
                .contains(clearstone_policy::COVERS_ALL)
            || self.purpose.datasets.contains(&d.name);
        // Unreadable markings fail closed; none at all is the lowest.
        let markings = match d.markings.trim() {
            "" => Ok(clearstone_model::Markings::default()),
            m => m.parse::<clearstone_model::Markings>(),
        };
        covered
            && markings.is_ok_and(|m| m.permits(self.principal.clearance, &self.principal.caveats))
    }

    fn show_with(&self, entity_id: &str, reveal: Option<&str>) -> Result<Entity, EngineError> {
        let (op, query) = match reveal {
            Some(p) => (Operation::Reveal, format!("reveal `{p}` of entity")),
            None => (Operation::Consult, "show entity".to_string()),
        };
        self.logged(op, &query, &[entity_id], || {
            self.show_gated(entity_id, reveal, op, &query)
        })
    }

    fn show_gated(
        &self,
        entity_id: &str,
        reveal: Option<&str>,
        op: Operation,
        query: &str,
    ) -> Result<Entity, EngineError> {
        if reveal.is_some() && !self.purpose.allows_sensitive() {
            let what = "reveal special-category values";
            self.record(
                Operation::Refused,
                what,
                &[entity_id],
                None,
                "sensitive_basis_required",
            )?;
            return Err(EngineError::Forbidden {
                what: what.into(),
                code: "sensitive_basis_required",
            });
        }
        let raw = self.visible_statements(entity_id, Action::View, reveal.is_some())?;
        let concerns = self.self_monitoring(entity_id, &raw);
        let (shown, mut counts) = self.gate(Action::View, raw, reveal);
        let before = shown.len();
        let shown = self.drop_hidden_targets(Action::View, shown)?;
        counts.allowed = counts.allowed.saturating_sub((before - shown.len()) as u64);
        let found = Entity::assemble(entity_id, shown);
        let outcome = match &found {
            Some(_) => format!("{} shown, {} masked", counts.allowed, counts.masked),
            None => "not found".into(),
        };
        let flags: Vec<&str> = if concerns.is_empty() {
            vec![]
        } else {
            vec!["self_monitoring"]
        };
        let event_id = self.record_flagged(op, query, &[entity_id], None, &outcome, &flags)?;
        self.raise(entity_id, &concerns, event_id)?;
        found.ok_or_else(|| EngineError::NotFound(entity_id.to_string()))
    }

    /// Looking up oneself, a colleague in one's own unit, or someone at one's
    /// own address, outside a case one is assigned to, is a concern for
    /// professional standards (DPA 2018 s.62(4)(b), self-monitoring).
    pub(crate) fn self_monitoring(&self, entity_id: &str, raw: &[Statement]) -> Vec<&'static str> {
        let p = &self.principal;
        let assigned = self
            .case_grant
            .as_ref()
            .is_some_and(|g| g.records.contains(entity_id));
        if assigned {
            return Vec::new();
        }
        // Only a value the session may see raises a concern: the flag is in
        // the event the user reads back, so a hidden record in their unit
        // would otherwise be told from one never loaded.
        let has = |prop: &str, value: &str| {
            let matching: Vec<Statement> = raw
                .iter()
                .filter(|s| &*s.prop == prop && s.value == value)
                .cloned()
                .collect();
            !matching.is_empty()
                && self
                    .gate(Action::View, matching, None)
                    .0
                    .iter()
                    .any(|s| s.value == value)
        };
        let mut out = Vec::new();
        if p.attributes.get("person").is_some_and(|me| me == entity_id) {
            out.push("own_record");
        }
        if let Some(unit) = &p.unit
            && has("unit", unit)
            && p.attributes.get("person").is_none_or(|me| me != entity_id)
        {
            out.push("same_unit_colleague");
        }
        if p.attributes
            .get("address")
            .is_some_and(|a| has("address", a))
        {
            out.push("same_address");
        }
        out
    }

    /// Whether lookups by this principal can raise self-monitoring concerns:
    /// most (services, users without a record, unit or address) have
    /// nothing to look themselves up by.
    pub(crate) fn monitors_lookups(&self) -> bool {
        let p = &self.principal;
        p.unit.is_some()
            || ["person", "address"]
                .iter()
                .any(|k| p.attributes.contains_key(*k))
    }

    /// The concerns one statement raises on its own, for answers that
    /// stream statements rather than records (exports).
    pub(crate) fn concerns_in(&self, s: &Statement) -> Vec<&'static str> {
        self.self_monitoring(&s.entity_id, std::slice::from_ref(s))
    }

    /// Appends the event for an answer naming `subjects`, flagged
    /// `self_monitoring` when any concern was found, and raises each.
    pub(crate) fn record_monitored(
        &self,
        op: Operation,
        query: &str,
        subjects: &[&str],
        recipient: Option<&str>,
        outcome: &str,
        concerns: &[(String, Vec<&'static str>)],
    ) -> Result<(), EngineError> {
        let flags: &[&str] = if concerns.is_empty() {
            &[]
        } else {
            &["self_monitoring"]
        };
        let event_id = self.record_flagged(op, query, subjects, recipient, outcome, flags)?;
        for (entity, found) in concerns {
            self.raise(entity, found, event_id)?;
        }
        Ok(())
    }

    pub(crate) fn raise(
        &self,
        entity_id: &str,
        concerns: &[&str],
        event_id: i64,
    ) -> Result<(), EngineError> {
        for kind in concerns {
            self.engine.store()?.append_alert(&Alert {
                at: Timestamp::now(),
                kind: (*kind).to_string(),
                principal: self.principal.id.clone(),
                subject: self.subject_hash(entity_id),
                detail: format!(
                    "looked up outside an assigned case under purpose `{}`",
                    self.purpose.id
                ),
                event_id: Some(event_id),
                status: "open".into(),
                ..Alert::default()
            })?;
        }
        Ok(())
    }

    /// Alerts for professional standards, newest first. An alert about a
    /// person this session may not see is no alert to it: the page is
    /// taken from the alerts it may know of.
    pub fn alerts(&self, limit: usize) -> Result<Vec<Alert>, EngineError> {
        let what = "read alerts";
        self.logged(Operation::Consult, what, &[], || {
            self.require_action(Action::ReadAudit, what)?;
            let stored = self.engine.store()?.alerts(usize::MAX >> 1)?;
            let out = self.shown_alerts(stored, limit.min(limits::PAGE_ROWS_MAX))?;
            self.record(
                Operation::Consult,
                what,
                &[],
                None,
                &format!("{} alerts", out.len()),
            )?;
            Ok(out)
        })
    }

    /// The most recent events, newest first, as the tamper-evident log holds
    /// them (see `Engine::logged_events`). Reading the log needs a purpose
    /// naming one of the four uses DPA 2018 s.62(4) allows.
    pub fn events(&self, limit: usize) -> Result<Vec<Event>, EngineError> {
        let what = "read events";
        self.logged(Operation::Consult, what, &[], || {
            self.require_action(Action::ReadAudit, "read the access log")?;
            let out = self
                .engine
                .logged_events(limit.min(limits::PAGE_ROWS_MAX))?;
            self.record(
                Operation::Consult,
                what,
                &[],
                None,
                &format!("{} events", out.len()),
            )?;
            Ok(out)
        })
    }
}
