//! Cases: a team working on subjects, linked entities, alerts, notes and
//! documents under one purpose, with tasks, assignment, status and a
//! decision log. A case is the "assigned case" of self-monitoring: a member
//! who opens a session with the case's reference under its purpose may look
//! up what the case links without raising a concern ([`CaseGrant`]).
//!
//! Who may do what: anyone may open a case (under their session's purpose,
//! as its lead); the lead changes the team and closes it; members link,
//! add tasks and decisions and read it. To anyone else a case is answered
//! as one that does not exist. Free text (titles, tasks, rationales) is kept
//! under its hash and the log holds only the hash.

use std::collections::BTreeSet;

use clearstone_store::{
    CaseDecision, CaseEntry, CaseFile, CaseStore, CaseTask, Register, ResolutionStore, SqliteStore,
    Store,
};

use crate::registers::{is_register_id, register_query};
use crate::session::{shortened, text_ref};
use crate::{EngineError, Operation, Session, Timestamp};

/// What a case links to besides its team.
pub const CASE_LINK_KINDS: [&str; 5] = ["subject", "entity", "alert", "note", "document"];

/// The codes of a case's decision log. None of them says "misconduct":
/// that is decided by a misconduct process, not recorded by a tool.
pub const CASE_DECISIONS: [&str; 8] = [
    "opened",
    "assessment_started",
    "referred_for_assessment",
    "referred_to_iopc",
    "management_action",
    "no_further_action",
    "closed",
    "note",
];

/// Characters of a case's title or task, or of a rationale.
pub const CASE_TEXT_CHARS_MAX: usize = 2_000;

/// The fewest letters a rationale holds.
pub const RATIONALE_LETTERS_MIN: usize = 10;

/// A case as its team sees it, with the texts its hashes name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseView {
    pub case: CaseFile,
    pub title: String,
    /// Team and links, removed ones too, oldest first.
    pub entries: Vec<CaseEntry>,
    /// Tasks with their text.
    pub tasks: Vec<(CaseTask, String)>,
    /// The decision log with each rationale's text.
    pub decisions: Vec<(CaseDecision, String)>,
}

impl CaseView {
    /// Current members of the team.
    pub fn team(&self) -> Vec<&str> {
        self.in_force("member")
    }

    /// What is linked now under `kind`.
    pub fn in_force(&self, kind: &str) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|e| e.kind == kind && e.removed_at.is_none())
            .map(|e| e.target.as_str())
            .collect()
    }
}

/// What the session's case lets its principal look up without a
/// self-monitoring concern: the records the case links (subjects and
/// entities, every record of a resolved one). Read when the session opens,
/// so a change of team or links takes effect from the next session.
#[derive(Debug, Clone, Default)]
pub(crate) struct CaseGrant {
    pub records: BTreeSet<String>,
}

impl CaseGrant {
    /// The grant of `case_ref` to `principal` under `purpose`: none unless
    /// the case is open, runs under that purpose and has them on its team.
    pub(crate) fn load(
        store: &SqliteStore,
        case_ref: Option<&str>,
        principal: &str,
        purpose: &str,
    ) -> Result<Option<CaseGrant>, EngineError> {
        let Some(case_ref) = case_ref else {
            return Ok(None);
        };
        let Some(case) = store.case_file(case_ref)? else {
            return Ok(None);
        };
        if case.status != "open" || case.purpose != purpose {
            return Ok(None);
        }
        let entries = store.case_entries(case_ref)?;
        let member = entries
            .iter()
            .any(|e| e.kind == "member" && e.target == principal && e.removed_at.is_none());
        if !member {
            return Ok(None);
        }
        let mut records = BTreeSet::new();
        for e in entries
            .iter()
            .filter(|e| matches!(e.kind.as_str(), "subject" | "entity") && e.removed_at.is_none())
        {
            let mut members = store.cluster_members(&e.target)?;
            if members.is_empty()
                && let Some((_, canonical)) = store.canonical_of(&e.target)?
            {
                members = store.cluster_members(&canonical)?;
            }
            records.extend(members);
            records.insert(e.target.clone());
        }
        Ok(Some(CaseGrant { records }))
    }
}

/// Refuses text that is empty, too long or not one block of words.
pub(crate) fn check_text(what: &str, text: &str, letters_min: usize) -> Result<(), EngineError> {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters < letters_min {
        return Err(EngineError::InvalidInput(format!(
            "a {what} needs words: at least {letters_min} letters"
        )));
    }
    if text.chars().count() > CASE_TEXT_CHARS_MAX {
        return Err(EngineError::InvalidInput(format!(
            "a {what} is at most {CASE_TEXT_CHARS_MAX} characters (case_text_chars_max)"
        )));
    }
    Ok(())
}

impl Session<'_> {
    /// Keeps free text under its hash, which is what tables and the log name.
    pub(crate) fn keep_text(&self, text: &str) -> Result<String, EngineError> {
        let r = text_ref(text);
        self.engine.store()?.put_text(&r, text)?;
        Ok(r)
    }

    fn text_of(&self, hash: &str) -> Result<String, EngineError> {
        Ok(self.engine.store()?.text(hash)?.unwrap_or_default())
    }

    /// The case if this session's principal is on its team; absent and
    /// not one's own are answered alike.
    pub(crate) fn member_case(&self, id: &str) -> Result<CaseFile, EngineError> {
        let store = self.engine.store()?;
        let case = store
            .case_file(id)?
            .ok_or_else(|| EngineError::NoCase(shortened(id)))?;
        let member = store
            .case_entries(id)?
            .iter()
            .any(|e| e.kind == "member" && e.target == self.principal.id && e.removed_at.is_none());
        if !member {
            return Err(EngineError::NoCase(shortened(id)));
        }
        Ok(case)
    }

    fn lead_case(&self, id: &str) -> Result<CaseFile, EngineError> {
        let case = self.member_case(id)?;
        if case.lead != self.principal.id {
            return Err(EngineError::Forbidden {
                what: format!("change the team of case `{id}`: only its lead may"),
                code: "not_case_lead",
            });
        }
        Ok(case)
    }

    fn open_case(&self, id: &str) -> Result<CaseFile, EngineError> {
        let case = self.member_case(id)?;
        if case.status != "open" {
            return Err(EngineError::InvalidInput(format!("case `{id}` is closed")));
        }
        Ok(case)
    }

    /// `action `id`` for a case there is and whose team the user is on, or
    /// `action` alone: a reference typed for a case that does not exist may
    /// be anything a person typed (a name, an email address), which the log
    /// must not keep; and one the user may not see is logged as absent, since
    /// their own record of access shows them the event.
    pub(crate) fn case_query(&self, action: &str, id: &str) -> String {
        let exists = is_register_id(id) && self.member_case(id).is_ok();
        match exists {
            true => register_query(action, id),
            false => action.to_string(),
        }
    }

    /// Whether `id` names a registered user, so the log may name them.
    fn is_user(&self, id: &str) -> bool {
        is_register_id(id)
            && self
                .engine
                .store()
                .ok()
                .and_then(|s| s.document(Register::Principal, id).ok().flatten())
                .is_some()
    }

    /// Opens a case under this session's purpose with its principal as lead
    /// and first member. `id` is the case's reference (register-id
    /// characters), or one is made up from the date.
    pub fn create_case(&self, id: Option<&str>, title: &str) -> Result<CaseFile, EngineError> {
        let query = id.map_or("case create".to_string(), |i| {
            self.case_query("case create", i)
        });
        self.logged(Operation::Alter, &query, &[], || {
            check_text("case title", title, 4)?;
            let id = match id {
                // Shaped as the case reference a session names, so work
                // may start on it.
                Some(i) if is_register_id(i) && crate::is_case_reference(i) => i.to_string(),
                Some(_) => {
                    return Err(EngineError::InvalidInput(crate::case_reference_problem()));
                }
                None => self.next_case_id()?,
            };
            let now = Timestamp::now();
            let case = CaseFile {
                id: id.clone(),
                title: self.keep_text(title)?,
                purpose: self.purpose.id.clone(),
                status: "open".into(),
                lead: self.principal.id.clone(),
                created_by: self.principal.id.clone(),
                created_at: now,
                closed_at: None,
            };
            if !self.engine.store()?.create_case(&case)? {
                return Err(EngineError::InvalidInput(format!(
                    "case `{id}` exists already"
                )));
            }
            self.engine.store()?.add_case_decision(&CaseDecision {
                case_id: id.clone(),
                at: now,
                principal: self.principal.id.clone(),
                decision: "opened".into(),
                rationale: case.title.clone(),
                ..CaseDecision::default()
            })?;
            self.record(
                Operation::Alter,
                &format!("case create `{id}` title {}", case.title),
                &[],
                None,
                "created",
            )?;
            Ok(case)
        })
    }

    fn next_case_id(&self) -> Result<String, EngineError> {
        let year = Timestamp::now().to_string();
        let year = year.get(..4).unwrap_or("0000");
        let n = self.engine.store()?.case_files()?.len() + 1;
        Ok(format!("CASE-{year}-{n:04}"))
    }

    /// The cases this session's principal is on the team of.
    pub fn cases(&self) -> Result<Vec<CaseFile>, EngineError> {
        self.logged(Operation::Consult, "case list", &[], || {
            let store = self.engine.store()?;
            let mut out = Vec::new();
            for c in store.case_files()? {
                let member = store.case_entries(&c.id)?.iter().any(|e| {
                    e.kind == "member" && e.target == self.principal.id && e.removed_at.is_none()
                });
                if member {
                    out.push(c);
                }
            }
            drop(store);
            self.record(
                Operation::Consult,
                "case list",
                &[],
                None,
                &format!("{} cases", out.len()),
            )?;
            Ok(out)
        })
    }

    /// A case with its team, links, tasks and decision log, for its team.
    pub fn case(&self, id: &str) -> Result<CaseView, EngineError> {
        let query = self.case_query("case show", id);
        self.logged(Operation::Consult, &query, &[], || {
            self.member_case(id)?;
            let mut view = self.case_view_unlogged(id)?;
            self.without_hidden_links(&mut view)?;
            let subjects: Vec<&str> = view
                .entries
                .iter()
                .filter(|e| matches!(e.kind.as_str(), "subject" | "entity"))
                .map(|e| e.target.as_str())
                .collect();
            self.record(Operation::Consult, &query, &subjects, None, "shown")?;
            Ok(view)
        })
    }

    /// Leaves out the linked records and alerts this session may not see,
    /// as if never linked: a teammate may work under a narrower purpose than
    /// whoever linked them.
    pub(crate) fn without_hidden_links(&self, view: &mut CaseView) -> Result<(), EngineError> {
        let mut entries = Vec::with_capacity(view.entries.len());
        for e in std::mem::take(&mut view.entries) {
            let seen = match e.kind.as_str() {
                "subject" | "entity" => self.cluster_of(&e.target)?.is_some(),
                "alert" => self.knows_alert(&e.target)?,
                _ => true,
            };
            if seen {
                entries.push(e);
            }
        }
        view.entries = entries;
        Ok(())
    }

    /// The case as its team sees it; the caller checks membership and logs.
    pub(crate) fn case_view_unlogged(&self, id: &str) -> Result<CaseView, EngineError> {
        let store = self.engine.store()?;
        let case = store
            .case_file(id)?
            .ok_or_else(|| EngineError::NoCase(shortened(id)))?;
        let entries = store.case_entries(id)?;
        let tasks = store.case_tasks(id)?;
        let decisions = store.case_decisions(id)?;
        drop(store);
        let mut view = CaseView {
            title: self.text_of(&case.title)?,
            case,
            entries,
            tasks: Vec::with_capacity(tasks.len()),
            decisions: Vec::with_capacity(decisions.len()),
        };
        for t in tasks {
            let text = self.text_of(&t.title)?;
            view.tasks.push((t, text));
        }
        for d in decisions {
            let text = self.text_of(&d.rationale)?;
            view.decisions.push((d, text));
        }
        Ok(view)
    }

    /// Adds a user to the case's team (its lead only); effective from their
    /// next session.
    pub fn case_add_member(&self, id: &str, principal: &str) -> Result<(), EngineError> {
        self.case_member(id, principal, true)
    }

    /// Takes a user off the team (its lead only): their next session under
    /// the case has no grant.
    pub fn case_remove_member(&self, id: &str, principal: &str) -> Result<(), EngineError> {
        self.case_member(id, principal, false)
    }

    fn case_member(&self, id: &str, principal: &str, add: bool) -> Result<(), EngineError> {
        let verb = if add { "add member" } else { "remove member" };
        let query = match self.is_user(principal) {
            true => format!("{} `{principal}`", self.case_query("case", id)),
            false => self.case_query("case", id),
        };
        let query = format!("{query} {verb}");
        self.logged(Operation::Alter, &query, &[], || {
            let case = self.lead_case(id)?;
            if case.status != "open" {
                return Err(EngineError::InvalidInput(format!("case `{id}` is closed")));
            }
            let now = Timestamp::now();
            let changed = if add {
                let known = is_register_id(principal)
                    && self
                        .engine
                        .store()?
                        .document(Register::Principal, principal)?
                        .is_some();
                if !known {
                    return Err(EngineError::NoSuchUser(shortened(principal)));
                }
                self.engine.store()?.add_case_entry(&CaseEntry {
                    case_id: id.to_string(),
                    kind: "member".into(),
                    target: principal.to_string(),
                    added_by: self.principal.id.clone(),
                    added_at: now,
                    ..CaseEntry::default()
                })?
            } else {
                if principal == case.lead {
                    return Err(EngineError::InvalidInput(
                        "the lead cannot leave the team: give the case another lead first".into(),
                    ));
                }
                self.engine.store()?.remove_case_entry(
                    id,
                    "member",
                    principal,
                    &self.principal.id,
                    now,
                )?
            };
            let outcome = if changed { "changed" } else { "unchanged" };
            self.record(Operation::Alter, &query, &[], None, outcome)
        })
    }

    /// Links a subject or entity the session may see (its id as given: a
    /// source record or a canonical id), or an alert, note or document by
    /// reference. Linking a record is looking it up: it raises what any
    /// lookup would, since a case one links oneself to is no excuse.
    pub fn case_link(&self, id: &str, kind: &str, target: &str) -> Result<(), EngineError> {
        self.case_linking(id, kind, target, true)
    }

    pub fn case_unlink(&self, id: &str, kind: &str, target: &str) -> Result<(), EngineError> {
        self.case_linking(id, kind, target, false)
    }

    fn case_linking(
        &self,
        id: &str,
        kind: &str,
        target: &str,
        add: bool,
    ) -> Result<(), EngineError> {
        let known_kind = CASE_LINK_KINDS.contains(&kind);
        let verb = if add { "link" } else { "unlink" };
        let query = match known_kind {
            true => format!("{} {verb} {kind}", self.case_query("case", id)),
            false => format!("{} {verb}", self.case_query("case", id)),
        };
        let record = matches!(kind, "subject" | "entity");
        let subjects: Vec<&str> = if record { vec![target] } else { vec![] };
        self.logged(Operation::Alter, &query, &subjects, || {
            if !known_kind {
                return Err(EngineError::InvalidInput(format!(
                    "a case links one of {}, not `{}`",
                    CASE_LINK_KINDS.join(", "),
                    shortened(kind)
                )));
            }
            self.open_case(id)?;
            let mut concerns = Vec::new();
            if add && record {
                // Hidden and absent alike: only what the session may see is linked.
                let Some((_, members)) = self.cluster_of(target)? else {
                    return Err(EngineError::NotFound(shortened(target)));
                };
                for m in &members {
                    let raw = self.visible_statements(m, clearstone_policy::Action::View, false)?;
                    let found = self.self_monitoring(m, &raw);
                    if !found.is_empty() {
                        concerns.push((m.clone(), found));
                    }
                }
            }
            if add && kind == "alert" {
                self.require_action(clearstone_policy::Action::ReadAudit, "link an alert")?;
                if !self.knows_alert(target)? {
                    return Err(EngineError::InvalidInput(format!(
                        "no alert `{}`",
                        shortened(target)
                    )));
                }
            }
            let now = Timestamp::now();
            // A note or document reference may be any text: kept by hash.
            let stored = match kind {
                "note" | "document" => self.keep_text(target)?,
                _ => target.to_string(),
            };
            let changed = if add {
                self.engine.store()?.add_case_entry(&CaseEntry {
                    case_id: id.to_string(),
                    kind: kind.to_string(),
                    target: stored,
                    added_by: self.principal.id.clone(),
                    added_at: now,
                    ..CaseEntry::default()
                })?
            } else {
                self.engine.store()?.remove_case_entry(
                    id,
                    kind,
                    &stored,
                    &self.principal.id,
                    now,
                )?
            };
            let outcome = if changed { "changed" } else { "unchanged" };
            self.record_monitored(
                Operation::Alter,
                &query,
                &subjects,
                None,
                outcome,
                &concerns,
            )
        })
    }

    /// Adds a task, with a due date (`YYYY-MM-DD`) and an assignee on the team.
    pub fn case_add_task(
        &self,
        id: &str,
        text: &str,
        due: Option<&str>,
        assignee: Option<&str>,
    ) -> Result<i64, EngineError> {
        let query = format!("{} add task", self.case_query("case", id));
        self.logged(Operation::Alter, &query, &[], || {
            let case = self.open_case(id)?;
            check_text("task", text, 4)?;
            if let Some(d) = due
                && !is_date(d)
            {
                return Err(EngineError::InvalidInput(format!(
                    "a due date is `YYYY-MM-DD`, not `{}`",
                    shortened(d)
                )));
            }
            if let Some(a) = assignee {
                let on_team = self
                    .engine
                    .store()?
                    .case_entries(&case.id)?
                    .iter()
                    .any(|e| e.kind == "member" && e.target == a && e.removed_at.is_none());
                if !on_team {
                    return Err(EngineError::InvalidInput(format!(
                        "`{}` is not on the team of case `{id}`",
                        shortened(a)
                    )));
                }
            }
            // Kept before the store is taken for the task: keeping the text
            // takes it too.
            let title = self.keep_text(text)?;
            let task = self.engine.store()?.add_case_task(&CaseTask {
                case_id: id.to_string(),
                title,
                due: due.map(str::to_string),
                assignee: assignee.map(str::to_string),
                created_by: self.principal.id.clone(),
                created_at: Timestamp::now(),
                ..CaseTask::default()
            })?;
            self.record(Operation::Alter, &query, &[], None, &format!("task {task}"))?;
            Ok(task)
        })
    }

    pub fn case_finish_task(&self, id: &str, task: i64) -> Result<(), EngineError> {
        let query = format!("{} finish task {task}", self.case_query("case", id));
        self.logged(Operation::Alter, &query, &[], || {
            self.open_case(id)?;
            if !self
                .engine
                .store()?
                .finish_case_task(id, task, Timestamp::now())?
            {
                return Err(EngineError::InvalidInput(format!(
                    "case `{id}` has no open task {task}"
                )));
            }
            self.record(Operation::Alter, &query, &[], None, "done")
        })
    }

    /// Appends to the decision log; `closed` closes the case (its lead only).
    pub fn case_decide(
        &self,
        id: &str,
        decision: &str,
        rationale: &str,
    ) -> Result<(), EngineError> {
        let known = CASE_DECISIONS.contains(&decision);
        let query = match known {
            true => format!("{} decide {decision}", self.case_query("case", id)),
            false => format!("{} decide", self.case_query("case", id)),
        };
        self.logged(Operation::Alter, &query, &[], || {
            if !known {
                return Err(EngineError::InvalidInput(format!(
                    "a case decision is one of {}, not `{}`",
                    CASE_DECISIONS.join(", "),
                    shortened(decision)
                )));
            }
            let case = if decision == "closed" {
                self.lead_case(id)?
            } else {
                self.member_case(id)?
            };
            if case.status != "open" {
                return Err(EngineError::InvalidInput(format!("case `{id}` is closed")));
            }
            check_text("rationale", rationale, RATIONALE_LETTERS_MIN)?;
            let hash = self.keep_text(rationale)?;
            let now = Timestamp::now();
            let mut store = self.engine.store()?;
            store.add_case_decision(&CaseDecision {
                case_id: id.to_string(),
                at: now,
                principal: self.principal.id.clone(),
                decision: decision.to_string(),
                rationale: hash.clone(),
                ..CaseDecision::default()
            })?;
            if decision == "closed" {
                store.close_case(id, now)?;
            }
            drop(store);
            self.record(
                Operation::Alter,
                &format!("{query} rationale {hash}"),
                &[],
                None,
                "recorded",
            )
        })
    }

    /// Gives the case a new lead from its team (its lead only).
    pub fn case_assign(&self, id: &str, lead: &str) -> Result<(), EngineError> {
        let query = match self.is_user(lead) {
            true => format!("{} assign `{lead}`", self.case_query("case", id)),
            false => format!("{} assign", self.case_query("case", id)),
        };
        self.logged(Operation::Alter, &query, &[], || {
            let case = self.lead_case(id)?;
            let on_team = self
                .engine
                .store()?
                .case_entries(&case.id)?
                .iter()
                .any(|e| e.kind == "member" && e.target == lead && e.removed_at.is_none());
            if !on_team {
                return Err(EngineError::InvalidInput(format!(
                    "`{}` is not on the team of case `{id}`: add them first",
                    shortened(lead)
                )));
            }
            self.engine.store()?.set_case_lead(id, lead)?;
            self.record(Operation::Alter, &query, &[], None, "assigned")
        })
    }
}

/// `YYYY-MM-DD` with a month and day in range.
fn is_date(s: &str) -> bool {
    let mut it = s.split('-');
    let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return false;
    };
    y.len() == 4
        && m.len() == 2
        && d.len() == 2
        && y.parse::<u16>().is_ok()
        && m.parse::<u8>().is_ok_and(|m| (1..=12).contains(&m))
        && d.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d))
}
