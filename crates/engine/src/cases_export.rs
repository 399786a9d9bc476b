//! A case bundle: the case with its team, links, tasks and decision log, and
//! each linked record as the session may see it, disclosed as one logged
//! act with its recipient (`disclose.rs`).

use std::collections::BTreeSet;
use std::io::Write;

use clearstone_model::Entity;
use clearstone_policy::Action;
use serde_json::{Value, json};

use crate::disclose::{Destination, Disclosed, Disclosure};
use crate::json::entity_json;
use crate::{CaseView, EngineError, Operation, Session};

fn view_json(v: &CaseView) -> Value {
    json!({
        "id": v.case.id,
        "title": v.title,
        "purpose": v.case.purpose,
        "status": v.case.status,
        "lead": v.case.lead,
        "created_by": v.case.created_by,
        "created_at": v.case.created_at.to_string(),
        "closed_at": v.case.closed_at.map(|t| t.to_string()),
        "entries": v.entries.iter().map(|e| json!({
            "kind": e.kind,
            "target": e.target,
            "added_by": e.added_by,
            "added_at": e.added_at.to_string(),
            "removed_by": e.removed_by,
            "removed_at": e.removed_at.map(|t| t.to_string()),
        })).collect::<Vec<_>>(),
        "tasks": v.tasks.iter().map(|(t, text)| json!({
            "id": t.id,
            "text": text,
            "due": t.due,
            "assignee": t.assignee,
            "status": t.status,
        })).collect::<Vec<_>>(),
        "decisions": v.decisions.iter().map(|(d, text)| json!({
            "at": d.at.to_string(),
            "by": d.principal,
            "decision": d.decision,
            "rationale": text,
        })).collect::<Vec<_>>(),
    })
}

impl Session<'_> {
    /// Discloses the case bundle of a case this session's principal is on
    /// the team of, to `to`, naming every linked record in the event.
    pub fn export_case(
        &self,
        id: &str,
        to: Destination<'_>,
        d: &Disclosure<'_>,
    ) -> Result<u64, EngineError> {
        let query = self.case_query("case export", id);
        self.logged(Operation::Disclose, &query, &[], || {
            self.member_case(id)?;
            let mut view = self.case_view_unlogged(id)?;
            self.without_hidden_links(&mut view)?;
            let done = self.disclose(&query, d, to, |out| self.write_bundle(&view, out))?;
            Ok(done.count)
        })
    }

    fn write_bundle(
        &self,
        view: &CaseView,
        mut out: Box<dyn Write + Send>,
    ) -> Result<Disclosed, EngineError> {
        let mut subjects = BTreeSet::new();
        let mut records = Vec::new();
        for e in view
            .entries
            .iter()
            .filter(|e| matches!(e.kind.as_str(), "subject" | "entity") && e.removed_at.is_none())
        {
            let Some((_, members)) = self.cluster_of(&e.target)? else {
                continue;
            };
            for m in members {
                let raw = self.visible_statements(&m, Action::Export, false)?;
                // As the case pages show it, with or without the case's
                // grant: protected characteristics withheld.
                let (shown, _) = self.gate_for_review(Action::Export, raw);
                let shown = self.drop_hidden_targets(Action::Export, shown)?;
                if let Some(entity) = Entity::assemble(&m, shown) {
                    records.push(entity_json(&entity));
                    subjects.insert(m);
                }
            }
        }
        let count = records.len() as u64;
        let bundle = json!({ "case": view_json(view), "records": records });
        serde_json::to_writer_pretty(&mut out, &bundle)
            .map_err(|e| EngineError::Internal(format!("case bundle: {e}")))?;
        out.flush().map_err(|source| EngineError::Io {
            path: "case bundle".into(),
            source,
        })?;
        Ok(Disclosed {
            subjects,
            count,
            outcome: format!("case bundle with {count} records"),
            concerns: Vec::new(),
        })
    }
}
