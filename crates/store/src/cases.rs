//! What cases and alert reviews keep (`sql/0008_cases.sql`). Free text is
//! named by the hash it is kept under in `text_ref`; the engine decides who
//! may do what, this only keeps it.

use clearstone_model::Timestamp;
use rusqlite::{OptionalExtension, Row, params};

use crate::{SqliteStore, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseFile {
    pub id: String,
    /// Hash of the title's text.
    pub title: String,
    pub purpose: String,
    /// `open` or `closed`.
    pub status: String,
    pub lead: String,
    pub created_by: String,
    pub created_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}

/// A member of a case's team, or a link from a case to what it holds, with
/// who added it and when, and who removed it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseEntry {
    pub id: i64,
    pub case_id: String,
    /// `member` for the team; else `subject`, `entity`, `alert`, `note`, `document`.
    pub kind: String,
    /// The principal, entity id, alert id or reference.
    pub target: String,
    pub added_by: String,
    pub added_at: Timestamp,
    pub removed_by: Option<String>,
    pub removed_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseTask {
    pub id: i64,
    pub case_id: String,
    /// Hash of the task's text.
    pub title: String,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    pub assignee: Option<String>,
    /// `open` or `done`.
    pub status: String,
    pub created_by: String,
    pub created_at: Timestamp,
    pub done_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseDecision {
    pub id: i64,
    pub case_id: String,
    pub at: Timestamp,
    pub principal: String,
    /// A code (`opened`, `closed`, `referred`, …).
    pub decision: String,
    /// Hash of the rationale's text.
    pub rationale: String,
}

/// One act of reviewing an alert.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertReviewAct {
    pub id: i64,
    pub alert_id: i64,
    pub at: Timestamp,
    pub principal: String,
    /// `open`, `decide`, `confirm` or `representation`.
    pub act: String,
    pub outcome: Option<String>,
    /// Hash of the rationale's (or representations') text.
    pub rationale: Option<String>,
    /// From opening to deciding.
    pub seconds: Option<i64>,
}

pub trait CaseStore {
    /// Creates a case with its lead as the first member; false when the id is taken.
    fn create_case(&mut self, case: &CaseFile) -> Result<bool, StoreError>;
    fn case_file(&self, id: &str) -> Result<Option<CaseFile>, StoreError>;
    fn case_files(&self) -> Result<Vec<CaseFile>, StoreError>;
    fn close_case(&mut self, id: &str, at: Timestamp) -> Result<bool, StoreError>;
    fn set_case_lead(&mut self, id: &str, lead: &str) -> Result<bool, StoreError>;
    /// Adds a member or a link unless one in force has the same target;
    /// false when it was there already.
    fn add_case_entry(&mut self, entry: &CaseEntry) -> Result<bool, StoreError>;
    /// Ends the entry in force for `kind` and `target`; false when none was.
    fn remove_case_entry(
        &mut self,
        case_id: &str,
        kind: &str,
        target: &str,
        by: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
    /// The team and links, removed ones too, oldest first.
    fn case_entries(&self, case_id: &str) -> Result<Vec<CaseEntry>, StoreError>;
    fn add_case_task(&mut self, task: &CaseTask) -> Result<i64, StoreError>;
    fn finish_case_task(
        &mut self,
        case_id: &str,
        id: i64,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
    fn case_tasks(&self, case_id: &str) -> Result<Vec<CaseTask>, StoreError>;
    fn add_case_decision(&mut self, d: &CaseDecision) -> Result<i64, StoreError>;
    fn case_decisions(&self, case_id: &str) -> Result<Vec<CaseDecision>, StoreError>;
    /// Records one review act and sets the alert's status, in one transaction.
    fn add_review_act(&mut self, act: &AlertReviewAct, status: &str) -> Result<i64, StoreError>;
    fn review_acts(&self, alert_id: i64) -> Result<Vec<AlertReviewAct>, StoreError>;
    /// Every review act, oldest first, for the rubber-stamp report.
    fn all_review_acts(&self) -> Result<Vec<AlertReviewAct>, StoreError>;
    /// Keeps the latest fairness dry run of a rule version: the tables with
    /// an adverse impact ratio, space-separated.
    fn put_fairness_check(
        &mut self,
        rule_id: &str,
        version: u32,
        at: Timestamp,
        principal: &str,
        adverse: &str,
    ) -> Result<(), StoreError>;
    fn fairness_check(&self, rule_id: &str, version: u32) -> Result<Option<String>, StoreError>;
}

const CASE_COLUMNS: &str = "id, title, purpose, status, lead, created_by, created_at, closed_at";
const TASK_COLUMNS: &str =
    "id, case_id, title, due, assignee, status, created_by, created_at, done_at";
const REVIEW_COLUMNS: &str = "id, alert_id, at, principal, act, outcome, rationale, seconds";

fn case_row(r: &Row<'_>) -> rusqlite::Result<CaseFile> {
    Ok(CaseFile {
        id: r.get(0)?,
        title: r.get(1)?,
        purpose: r.get(2)?,
        status: r.get(3)?,
        lead: r.get(4)?,
        created_by: r.get(5)?,
        created_at: Timestamp(r.get(6)?),
        closed_at: r.get::<_, Option<i64>>(7)?.map(Timestamp),
    })
}

fn entry_row(kind: Option<&str>) -> impl Fn(&Row<'_>) -> rusqlite::Result<CaseEntry> + '_ {
    move |r| {
        Ok(CaseEntry {
            id: r.get(0)?,
            case_id: r.get(1)?,
            kind: match kind {
                Some(k) => k.to_string(),
                None => r.get(2)?,
            },
            target: r.get(3)?,
            added_by: r.get(4)?,
            added_at: Timestamp(r.get(5)?),
            removed_by: r.get(6)?,
            removed_at: r.get::<_, Option<i64>>(7)?.map(Timestamp),
        })
    }
}

fn task_row(r: &Row<'_>) -> rusqlite::Result<CaseTask> {
    Ok(CaseTask {
        id: r.get(0)?,
        case_id: r.get(1)?,
        title: r.get(2)?,
        due: r.get(3)?,
        assignee: r.get(4)?,
        status: r.get(5)?,
        created_by: r.get(6)?,
        created_at: Timestamp(r.get(7)?),
        done_at: r.get::<_, Option<i64>>(8)?.map(Timestamp),
    })
}

fn review_row(r: &Row<'_>) -> rusqlite::Result<AlertReviewAct> {
    Ok(AlertReviewAct {
        id: r.get(0)?,
        alert_id: r.get(1)?,
        at: Timestamp(r.get(2)?),
        principal: r.get(3)?,
        act: r.get(4)?,
        outcome: r.get(5)?,
        rationale: r.get(6)?,
        seconds: r.get(7)?,
    })
}

impl CaseStore for SqliteStore {
    fn create_case(&mut self, c: &CaseFile) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            &format!("INSERT OR IGNORE INTO case_file({CASE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
            params![
                c.id,
                c.title,
                c.purpose,
                c.status,
                c.lead,
                c.created_by,
                c.created_at.0,
                c.closed_at.map(|t| t.0)
            ],
        )?;
        if n == 0 {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO case_member(case_id, principal, added_by, added_at) VALUES (?1, ?2, ?3, ?4)",
            params![c.id, c.lead, c.created_by, c.created_at.0],
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn case_file(&self, id: &str) -> Result<Option<CaseFile>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {CASE_COLUMNS} FROM case_file WHERE id = ?1"),
                [id],
                case_row,
            )
            .optional()?)
    }

    fn case_files(&self) -> Result<Vec<CaseFile>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {CASE_COLUMNS} FROM case_file ORDER BY created_at, id"
        ))?;
        let rows = q.query_map([], case_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn close_case(&mut self, id: &str, at: Timestamp) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE case_file SET status = 'closed', closed_at = ?2 WHERE id = ?1 AND status = 'open'",
            params![id, at.0],
        )?;
        Ok(n > 0)
    }

    fn set_case_lead(&mut self, id: &str, lead: &str) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE case_file SET lead = ?2 WHERE id = ?1",
            params![id, lead],
        )?;
        Ok(n > 0)
    }

    fn add_case_entry(&mut self, e: &CaseEntry) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let in_force: Option<i64> = if e.kind == "member" {
            tx.query_row(
                "SELECT id FROM case_member WHERE case_id = ?1 AND principal = ?2 AND removed_at IS NULL",
                params![e.case_id, e.target],
                |r| r.get(0),
            )
            .optional()?
        } else {
            tx.query_row(
                "SELECT id FROM case_link WHERE case_id = ?1 AND kind = ?2 AND target = ?3 AND removed_at IS NULL",
                params![e.case_id, e.kind, e.target],
                |r| r.get(0),
            )
            .optional()?
        };
        if in_force.is_some() {
            return Ok(false);
        }
        if e.kind == "member" {
            tx.execute(
                "INSERT INTO case_member(case_id, principal, added_by, added_at) VALUES (?1, ?2, ?3, ?4)",
                params![e.case_id, e.target, e.added_by, e.added_at.0],
            )?;
        } else {
            tx.execute(
                "INSERT INTO case_link(case_id, kind, target, added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![e.case_id, e.kind, e.target, e.added_by, e.added_at.0],
            )?;
        }
        tx.commit()?;
        Ok(true)
    }

    fn remove_case_entry(
        &mut self,
        case_id: &str,
        kind: &str,
        target: &str,
        by: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let n = if kind == "member" {
            self.conn.execute(
                "UPDATE case_member SET removed_by = ?3, removed_at = ?4
                 WHERE case_id = ?1 AND principal = ?2 AND removed_at IS NULL",
                params![case_id, target, by, at.0],
            )?
        } else {
            self.conn.execute(
                "UPDATE case_link SET removed_by = ?4, removed_at = ?5
                 WHERE case_id = ?1 AND kind = ?2 AND target = ?3 AND removed_at IS NULL",
                params![case_id, kind, target, by, at.0],
            )?
        };
        Ok(n > 0)
    }

    fn case_entries(&self, case_id: &str) -> Result<Vec<CaseEntry>, StoreError> {
        let mut q = self.conn.prepare(
            "SELECT id, case_id, '', principal, added_by, added_at, removed_by, removed_at
             FROM case_member WHERE case_id = ?1 ORDER BY added_at, id",
        )?;
        let mut out: Vec<CaseEntry> = q
            .query_map([case_id], entry_row(Some("member")))?
            .collect::<Result<_, _>>()?;
        let mut q = self.conn.prepare(
            "SELECT id, case_id, kind, target, added_by, added_at, removed_by, removed_at
             FROM case_link WHERE case_id = ?1 ORDER BY added_at, id",
        )?;
        let links: Vec<CaseEntry> = q
            .query_map([case_id], entry_row(None))?
            .collect::<Result<_, _>>()?;
        out.extend(links);
        Ok(out)
    }

    fn add_case_task(&mut self, t: &CaseTask) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO case_task(case_id, title, due, assignee, status, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?6)",
            params![
                t.case_id,
                t.title,
                t.due,
                t.assignee,
                t.created_by,
                t.created_at.0
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn finish_case_task(
        &mut self,
        case_id: &str,
        id: i64,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE case_task SET status = 'done', done_at = ?3 WHERE case_id = ?1 AND id = ?2 AND status = 'open'",
            params![case_id, id, at.0],
        )?;
        Ok(n > 0)
    }

    fn case_tasks(&self, case_id: &str) -> Result<Vec<CaseTask>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {TASK_COLUMNS} FROM case_task WHERE case_id = ?1 ORDER BY due IS NULL, due, id"
        ))?;
        let rows = q.query_map([case_id], task_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn add_case_decision(&mut self, d: &CaseDecision) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO case_decision(case_id, at, principal, decision, rationale) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![d.case_id, d.at.0, d.principal, d.decision, d.rationale],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn case_decisions(&self, case_id: &str) -> Result<Vec<CaseDecision>, StoreError> {
        let mut q = self.conn.prepare(
            "SELECT id, case_id, at, principal, decision, rationale FROM case_decision WHERE case_id = ?1 ORDER BY id",
        )?;
        let rows = q.query_map([case_id], |r| {
            Ok(CaseDecision {
                id: r.get(0)?,
                case_id: r.get(1)?,
                at: Timestamp(r.get(2)?),
                principal: r.get(3)?,
                decision: r.get(4)?,
                rationale: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn add_review_act(&mut self, a: &AlertReviewAct, status: &str) -> Result<i64, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO alert_review(alert_id, at, principal, act, outcome, rationale, seconds)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                a.alert_id,
                a.at.0,
                a.principal,
                a.act,
                a.outcome,
                a.rationale,
                a.seconds
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "UPDATE alert SET status = ?2 WHERE id = ?1",
            params![a.alert_id, status],
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn review_acts(&self, alert_id: i64) -> Result<Vec<AlertReviewAct>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {REVIEW_COLUMNS} FROM alert_review WHERE alert_id = ?1 ORDER BY id"
        ))?;
        let rows = q.query_map([alert_id], review_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn all_review_acts(&self) -> Result<Vec<AlertReviewAct>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {REVIEW_COLUMNS} FROM alert_review ORDER BY id"
        ))?;
        let rows = q.query_map([], review_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn put_fairness_check(
        &mut self,
        rule_id: &str,
        version: u32,
        at: Timestamp,
        principal: &str,
        adverse: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO fairness_check(rule_id, rule_version, at, principal, adverse) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(rule_id, rule_version) DO UPDATE SET at = excluded.at,
                 principal = excluded.principal, adverse = excluded.adverse",
            params![rule_id, version, at.0, principal, adverse],
        )?;
        Ok(())
    }

    fn fairness_check(&self, rule_id: &str, version: u32) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT adverse FROM fairness_check WHERE rule_id = ?1 AND rule_version = ?2",
                params![rule_id, version],
                |r| r.get(0),
            )
            .optional()?)
    }
}
