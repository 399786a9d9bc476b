//! What indicators keep (`sql/0007_indicators.sql`): the rule register by
//! version, the runs, and the alerts a rule raises, which share the `alert`
//! table with the gate's self-monitoring alerts.

use clearstone_model::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::sqlite::to_i64;
use crate::{Alert, SqliteStore, StoreError};

/// One registered version of an indicator rule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndicatorRule {
    pub id: String,
    pub version: u32,
    /// The rule file's text, exactly as registered.
    pub body: String,
    /// SHA-256 of `body`, hex.
    pub sha256: String,
    /// `draft`, `active` or `retired`.
    pub state: String,
    pub registered_by: String,
    pub registered_at: Timestamp,
    pub activated_by: Option<String>,
    pub activated_at: Option<Timestamp>,
    /// The equality impact assessment a low impact ratio calls for.
    pub eia_reference: Option<String>,
    pub approver: Option<String>,
}

/// One evaluation of one rule version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndicatorRun {
    pub id: i64,
    pub rule_id: String,
    pub rule_version: u32,
    pub principal: String,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    /// `full`, `incremental` or `dry_run`.
    pub mode: String,
    pub event_id: Option<i64>,
    /// Records the rule read.
    pub records: u64,
    /// People the rule flagged.
    pub flagged: u64,
    pub alerts_new: u64,
    /// Alerts the run found again (same fingerprint), left as they were.
    pub alerts_kept: u64,
}

/// What writing a run's alerts did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlertWrite {
    pub inserted: u64,
    /// Already there under the same fingerprint, left untouched (a re-run).
    pub kept: u64,
}

/// The review states in which an alert is still open, and so superseded
/// when another version of its rule is activated.
pub const OPEN_ALERT_STATES: &[&str] = &["new", "in_review"];

pub trait IndicatorStore {
    /// Registers a rule version. `Ok(false)` when the same text is already
    /// registered under it; a different text under a registered version is
    /// refused, since a version is never rewritten.
    fn register_indicator_rule(&mut self, rule: &IndicatorRule) -> Result<bool, StoreError>;
    fn indicator_rule(&self, id: &str, version: u32) -> Result<Option<IndicatorRule>, StoreError>;
    /// Every version of every rule, by id then version.
    fn indicator_rules(&self) -> Result<Vec<IndicatorRule>, StoreError>;
    fn active_indicator_rules(&self) -> Result<Vec<IndicatorRule>, StoreError>;
    /// Makes one version the active one, in one transaction: the version
    /// active before is retired and the open alerts of every other version
    /// are marked superseded by this one. Returns how many were superseded.
    fn activate_indicator_rule(
        &mut self,
        rule: &IndicatorRule,
        by: &str,
        at: Timestamp,
    ) -> Result<u64, StoreError>;
    fn begin_indicator_run(&mut self, run: &IndicatorRun) -> Result<i64, StoreError>;
    fn finish_indicator_run(&mut self, run: &IndicatorRun) -> Result<(), StoreError>;
    /// Runs, newest first, of one rule or of all.
    fn indicator_runs(
        &self,
        rule_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<IndicatorRun>, StoreError>;
    /// Writes a run's alerts in one transaction; an alert whose fingerprint
    /// is already stored is left as it is (with its review state).
    fn put_indicator_alerts(&mut self, alerts: &[Alert]) -> Result<AlertWrite, StoreError>;
    fn alert(&self, id: i64) -> Result<Option<Alert>, StoreError>;
    /// The alerts of one rule (of one version, if given), oldest first.
    fn rule_alerts(&self, rule_id: &str, version: Option<u32>) -> Result<Vec<Alert>, StoreError>;
    /// The alerts of every indicator rule, oldest first, at most `limit`.
    fn indicator_alerts(&self, limit: usize) -> Result<Vec<Alert>, StoreError>;
}

pub(crate) const ALERT_COLUMNS: &str = "id, at, kind, principal, subject, detail, event_id, status, \
     rule_id, rule_version, person, evidence, fingerprint, superseded_by";

pub(crate) fn alert_row(r: &Row<'_>) -> rusqlite::Result<Alert> {
    Ok(Alert {
        id: r.get(0)?,
        at: Timestamp(r.get(1)?),
        kind: r.get(2)?,
        principal: r.get(3)?,
        subject: r.get(4)?,
        detail: r.get(5)?,
        event_id: r.get(6)?,
        status: r.get(7)?,
        rule_id: r.get(8)?,
        rule_version: r.get(9)?,
        person: r.get(10)?,
        evidence: r.get(11)?,
        fingerprint: r.get(12)?,
        superseded_by: r.get(13)?,
    })
}

/// Inserts one alert; with a fingerprint already stored, nothing happens and
/// 0 is returned.
pub(crate) fn insert_alert(conn: &Connection, a: &Alert) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "INSERT INTO alert(at, kind, principal, subject, detail, event_id, status, rule_id, \
         rule_version, person, evidence, fingerprint, superseded_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) \
         ON CONFLICT(fingerprint) WHERE fingerprint IS NOT NULL DO NOTHING",
        params![
            a.at.0,
            a.kind,
            a.principal,
            a.subject,
            a.detail,
            a.event_id,
            a.status,
            a.rule_id,
            a.rule_version,
            a.person,
            a.evidence,
            a.fingerprint,
            a.superseded_by
        ],
    )?)
}

const RULE_COLUMNS: &str = "id, version, body, sha256, state, registered_by, registered_at, \
     activated_by, activated_at, eia_reference, approver";

fn rule_row(r: &Row<'_>) -> rusqlite::Result<IndicatorRule> {
    Ok(IndicatorRule {
        id: r.get(0)?,
        version: r.get(1)?,
        body: r.get(2)?,
        sha256: r.get(3)?,
        state: r.get(4)?,
        registered_by: r.get(5)?,
        registered_at: Timestamp(r.get(6)?),
        activated_by: r.get(7)?,
        activated_at: r.get::<_, Option<i64>>(8)?.map(Timestamp),
        eia_reference: r.get(9)?,
        approver: r.get(10)?,
    })
}

const RUN_COLUMNS: &str = "id, rule_id, rule_version, principal, started_at, finished_at, mode, \
     event_id, records, flagged, alerts_new, alerts_kept";

fn run_row(r: &Row<'_>) -> rusqlite::Result<IndicatorRun> {
    let count =
        |i: usize| -> rusqlite::Result<u64> { Ok(u64::try_from(r.get::<_, i64>(i)?).unwrap_or(0)) };
    Ok(IndicatorRun {
        id: r.get(0)?,
        rule_id: r.get(1)?,
        rule_version: r.get(2)?,
        principal: r.get(3)?,
        started_at: Timestamp(r.get(4)?),
        finished_at: r.get::<_, Option<i64>>(5)?.map(Timestamp),
        mode: r.get(6)?,
        event_id: r.get(7)?,
        records: count(8)?,
        flagged: count(9)?,
        alerts_new: count(10)?,
        alerts_kept: count(11)?,
    })
}

impl IndicatorStore for SqliteStore {
    fn register_indicator_rule(&mut self, rule: &IndicatorRule) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let known: Option<String> = tx
            .query_row(
                "SELECT sha256 FROM indicator_rule WHERE id = ?1 AND version = ?2",
                params![rule.id, rule.version],
                |r| r.get(0),
            )
            .optional()?;
        match known {
            Some(sha) if sha == rule.sha256 => return Ok(false),
            Some(_) => {
                return Err(StoreError::RuleChanged {
                    id: rule.id.clone(),
                    version: rule.version,
                });
            }
            None => {}
        }
        tx.execute(
            "INSERT INTO indicator_rule(id, version, body, sha256, state, registered_by, registered_at) \
             VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6)",
            params![
                rule.id,
                rule.version,
                rule.body,
                rule.sha256,
                rule.registered_by,
                rule.registered_at.0
            ],
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn indicator_rule(&self, id: &str, version: u32) -> Result<Option<IndicatorRule>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {RULE_COLUMNS} FROM indicator_rule WHERE id = ?1 AND version = ?2"
                ),
                params![id, version],
                rule_row,
            )
            .optional()?)
    }

    fn indicator_rules(&self) -> Result<Vec<IndicatorRule>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {RULE_COLUMNS} FROM indicator_rule ORDER BY id, version"
        ))?;
        let rows = q.query_map([], rule_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn active_indicator_rules(&self) -> Result<Vec<IndicatorRule>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {RULE_COLUMNS} FROM indicator_rule WHERE state = 'active' ORDER BY id"
        ))?;
        let rows = q.query_map([], rule_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn activate_indicator_rule(
        &mut self,
        rule: &IndicatorRule,
        by: &str,
        at: Timestamp,
    ) -> Result<u64, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE indicator_rule SET state = 'retired' WHERE id = ?1 AND version <> ?2 AND state = 'active'",
            params![rule.id, rule.version],
        )?;
        let changed = tx.execute(
            "UPDATE indicator_rule SET state = 'active', activated_by = ?3, activated_at = ?4, \
             eia_reference = ?5, approver = ?6 WHERE id = ?1 AND version = ?2",
            params![
                rule.id,
                rule.version,
                by,
                at.0,
                rule.eia_reference,
                rule.approver
            ],
        )?;
        if changed == 0 {
            return Err(StoreError::UnknownRule {
                id: rule.id.clone(),
                version: rule.version,
            });
        }
        let states = OPEN_ALERT_STATES
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let superseded = tx.execute(
            &format!(
                "UPDATE alert SET superseded_by = ?2 WHERE rule_id = ?1 AND rule_version <> ?2 \
                 AND superseded_by IS NULL AND status IN ({states})"
            ),
            params![rule.id, rule.version],
        )?;
        tx.commit()?;
        Ok(superseded as u64)
    }

    fn begin_indicator_run(&mut self, run: &IndicatorRun) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO indicator_run(rule_id, rule_version, principal, started_at, mode, event_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                run.rule_id,
                run.rule_version,
                run.principal,
                run.started_at.0,
                run.mode,
                run.event_id
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn finish_indicator_run(&mut self, run: &IndicatorRun) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE indicator_run SET finished_at = ?2, event_id = ?3, records = ?4, flagged = ?5, \
             alerts_new = ?6, alerts_kept = ?7 WHERE id = ?1",
            params![
                run.id,
                run.finished_at.map(|t| t.0),
                run.event_id,
                to_i64(run.records),
                to_i64(run.flagged),
                to_i64(run.alerts_new),
                to_i64(run.alerts_kept)
            ],
        )?;
        Ok(())
    }

    fn indicator_runs(
        &self,
        rule_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<IndicatorRun>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {RUN_COLUMNS} FROM indicator_run WHERE ?1 IS NULL OR rule_id = ?1 \
             ORDER BY id DESC LIMIT ?2"
        ))?;
        let rows = q.query_map(params![rule_id, to_i64(limit as u64)], run_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn put_indicator_alerts(&mut self, alerts: &[Alert]) -> Result<AlertWrite, StoreError> {
        let tx = self.conn.transaction()?;
        let mut out = AlertWrite::default();
        for a in alerts {
            if insert_alert(&tx, a)? == 0 {
                out.kept += 1;
            } else {
                out.inserted += 1;
            }
        }
        tx.commit()?;
        Ok(out)
    }

    fn alert(&self, id: i64) -> Result<Option<Alert>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {ALERT_COLUMNS} FROM alert WHERE id = ?1"),
                [id],
                alert_row,
            )
            .optional()?)
    }

    fn rule_alerts(&self, rule_id: &str, version: Option<u32>) -> Result<Vec<Alert>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {ALERT_COLUMNS} FROM alert WHERE rule_id = ?1 \
             AND (?2 IS NULL OR rule_version = ?2) ORDER BY id"
        ))?;
        let rows = q.query_map(params![rule_id, version], alert_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn indicator_alerts(&self, limit: usize) -> Result<Vec<Alert>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {ALERT_COLUMNS} FROM alert WHERE rule_id IS NOT NULL ORDER BY id LIMIT ?1"
        ))?;
        let rows = q.query_map([to_i64(limit as u64)], alert_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
