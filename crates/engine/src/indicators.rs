//! Indicator rules through the gate: registered by version, activated by a
//! named person, run under a service principal and each rule's purpose, and
//! their findings written as alerts with evidence (`docs/indicators.md`).

use clearstone_indicators::{Finding, Rule, evaluate, fingerprint};
use clearstone_model::Timestamp;
use clearstone_policy::{Action, PrincipalKind};
use clearstone_store::{Alert, IndicatorRule, IndicatorRun, IndicatorStore, ResolutionStore};
use sha2::{Digest, Sha256};

use crate::session::shortened;
use crate::{Engine, EngineError, Operation, Session, SessionRequest};

/// How many of a rule's recent runs are searched for the last one an
/// incremental run can start from (dry runs in between are skipped).
const INCREMENTAL_LOOKBACK_RUNS: usize = 100;

/// The alert kind of an indicator's finding (the gate's own alerts have theirs).
pub const INDICATOR_ALERT_KIND: &str = "indicator";

/// Checks a rule file without registering it: errors name the file, line
/// and field.
pub fn check_rule(text: &str, file: &str) -> Result<Rule, EngineError> {
    Ok(Rule::parse(text, file)?)
}

/// How a rule is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    /// Evaluates and writes alerts.
    Full,
    /// Evaluates and writes nothing but the run's record: who would be flagged.
    DryRun,
    /// As `Full`, but evaluates again only the people whose records gained
    /// a statement since this version's last run (`docs/indicators.md`).
    Incremental,
}

impl RunMode {
    fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::DryRun => "dry_run",
            Self::Incremental => "incremental",
        }
    }
}

/// What one run of one rule version did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRun {
    pub run_id: i64,
    pub rule_id: String,
    pub rule_version: u32,
    pub mode: &'static str,
    /// Records the rule read through the gate.
    pub records: u64,
    /// Canonical ids of the people flagged, sorted. An incremental run
    /// names only those it evaluated again: the others' alerts stand.
    pub flagged: Vec<String>,
    /// The people an incremental run evaluated again, sorted; `None` when
    /// everyone was evaluated.
    pub evaluated: Option<Vec<String>>,
    pub alerts_new: u64,
    /// Found again by a re-run and left as they were.
    pub alerts_kept: u64,
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Session<'_> {
    fn rule_query(what: &str, id: &str, version: u32) -> String {
        format!(
            "{what} indicator rule `{}` version {version}",
            shortened(id)
        )
    }

    /// Registers a rule file as a draft version. The same text again is a
    /// no-op (`false`); other text under a registered version is refused,
    /// since a version is never rewritten.
    pub fn register_rule(&self, text: &str, file: &str) -> Result<(Rule, bool), EngineError> {
        self.logged(
            Operation::Administer,
            "register indicator rule",
            &[],
            || {
                self.require_action(Action::Administer, "register indicator rules")?;
                let rule = check_rule(text, file)?;
                let added = self
                    .engine
                    .store()?
                    .register_indicator_rule(&IndicatorRule {
                        id: rule.id.clone(),
                        version: rule.version,
                        body: text.to_owned(),
                        sha256: sha256_hex(text),
                        registered_by: self.principal.id.clone(),
                        registered_at: Timestamp::now(),
                        ..IndicatorRule::default()
                    })?;
                self.record(
                    Operation::Administer,
                    &Self::rule_query("register", &rule.id, rule.version),
                    &[],
                    None,
                    if added { "registered" } else { "unchanged" },
                )?;
                Ok((rule, added))
            },
        )
    }

    /// Every registered version of every rule (no personal data).
    pub fn indicator_rules(&self) -> Result<Vec<IndicatorRule>, EngineError> {
        let what = "read indicator rules";
        self.logged(Operation::Consult, what, &[], || {
            let out = self.engine.store()?.indicator_rules()?;
            self.record(
                Operation::Consult,
                what,
                &[],
                None,
                &format!("{} rule versions", out.len()),
            )?;
            Ok(out)
        })
    }

    /// Makes a registered version the active one: the version active before
    /// is retired and the open alerts of other versions are superseded.
    /// The equality impact assessment reference and its approver are kept
    /// with the activation. Returns how many alerts were superseded.
    pub fn activate_rule(
        &self,
        id: &str,
        version: u32,
        eia_reference: Option<&str>,
        approver: Option<&str>,
    ) -> Result<u64, EngineError> {
        let what = Self::rule_query("activate", id, version);
        self.logged(Operation::Administer, &what, &[], || {
            self.require_action(Action::Administer, "activate indicator rules")?;
            self.require_fair_activation(id, version, eia_reference, approver)?;
            let mut store = self.engine.store()?;
            let Some(mut rule) = store.indicator_rule(id, version)? else {
                return Err(EngineError::NotFound(format!(
                    "indicator rule `{}` version {version}",
                    shortened(id)
                )));
            };
            rule.eia_reference = eia_reference.map(str::to_owned);
            rule.approver = approver.map(str::to_owned);
            let superseded =
                store.activate_indicator_rule(&rule, &self.principal.id, Timestamp::now())?;
            drop(store);
            self.record(
                Operation::Administer,
                &what,
                &[],
                None,
                &format!("active, {superseded} alerts superseded"),
            )?;
            Ok(superseded)
        })
    }

    /// Evaluates one registered version under this session, whose purpose
    /// must be the rule's. A full run writes alerts (a finding already
    /// alerted under the same version is left as it is); a dry run writes
    /// none. Either way the run is one logged event naming the people flagged.
    pub fn run_rule(&self, id: &str, version: u32, mode: RunMode) -> Result<RuleRun, EngineError> {
        let what = Self::rule_query(
            match mode {
                RunMode::Full => "run",
                RunMode::DryRun => "dry-run",
                RunMode::Incremental => "incremental run",
            },
            id,
            version,
        );
        self.logged(Operation::Combine, &what, &[], || {
            let stored = self
                .engine
                .store()?
                .indicator_rule(id, version)?
                .ok_or_else(|| {
                    EngineError::NotFound(format!(
                        "indicator rule `{}` version {version}",
                        shortened(id)
                    ))
                })?;
            let rule = check_rule(&stored.body, &format!("{id} v{version}"))?;
            if rule.purpose != self.purpose.id {
                return Err(EngineError::Forbidden {
                    what: format!("run `{}` under another purpose than its own", shortened(id)),
                    code: "purpose_mismatch",
                });
            }
            if mode != RunMode::DryRun && stored.state != "active" {
                return Err(EngineError::InvalidInput(format!(
                    "indicator rule `{}` version {version} is {}: activate it before a run writes alerts (a dry run does not need it)",
                    shortened(id),
                    stored.state
                )));
            }
            self.run_checked(&rule, mode, &what)
        })
    }

    fn run_checked(&self, rule: &Rule, mode: RunMode, what: &str) -> Result<RuleRun, EngineError> {
        let mut run = IndicatorRun {
            rule_id: rule.id.clone(),
            rule_version: rule.version,
            principal: self.principal.id.clone(),
            started_at: Timestamp::now(),
            mode: mode.as_str().to_owned(),
            ..IndicatorRun::default()
        };
        let since = match mode {
            RunMode::Incremental => self.incremental_since(rule)?,
            RunMode::Full | RunMode::DryRun => None,
        };
        run.id = self.engine.store()?.begin_indicator_run(&run)?;
        let gathered = match since {
            Some(since) => self.evaluate_incrementally(rule, since)?,
            None => {
                let g = self.indicator_view(rule, None)?;
                crate::indicators_incremental::Incremental {
                    records: g.records,
                    read_special: g.read_special,
                    evaluated: None,
                    findings: evaluate(rule, &g.view),
                }
            }
        };
        let findings = &gathered.findings;
        let flagged: Vec<String> = findings.iter().map(|f| f.person.clone()).collect();
        let subjects: Vec<&str> = flagged.iter().map(String::as_str).collect();
        let flags: &[&str] = if gathered.read_special {
            &["special_category"]
        } else {
            &[]
        };
        let event = self.record_flagged(
            Operation::Combine,
            what,
            &subjects,
            None,
            &format!(
                "{} records read, {} people flagged",
                gathered.records,
                flagged.len()
            ),
            flags,
        )?;
        let written = match mode {
            RunMode::Full | RunMode::Incremental => {
                let alerts: Vec<Alert> = findings
                    .iter()
                    .map(|f| self.indicator_alert(rule, f, event))
                    .collect();
                self.engine.store()?.put_indicator_alerts(&alerts)?
            }
            RunMode::DryRun => Default::default(),
        };
        run.finished_at = Some(Timestamp::now());
        run.event_id = Some(event);
        run.records = gathered.records;
        run.flagged = flagged.len() as u64;
        run.alerts_new = written.inserted;
        run.alerts_kept = written.kept;
        self.engine.store()?.finish_indicator_run(&run)?;
        Ok(RuleRun {
            run_id: run.id,
            rule_id: rule.id.clone(),
            rule_version: rule.version,
            mode: mode.as_str(),
            records: gathered.records,
            flagged,
            evaluated: gathered.evaluated.map(|p| p.into_iter().collect()),
            alerts_new: written.inserted,
            alerts_kept: written.kept,
        })
    }

    /// When an incremental run may start from: the start of this version's
    /// last finished run that wrote alerts. `None` (evaluate everyone) when
    /// there is none, or when resolution has run since, because who is who
    /// may have changed for records that did not.
    fn incremental_since(&self, rule: &Rule) -> Result<Option<Timestamp>, EngineError> {
        let store = self.engine.store()?;
        let last = store
            .indicator_runs(Some(&rule.id), INCREMENTAL_LOOKBACK_RUNS)?
            .into_iter()
            .find(|r| {
                r.rule_version == rule.version
                    && r.finished_at.is_some()
                    && (r.mode == "full" || r.mode == "incremental")
            });
        let Some(last) = last else {
            return Ok(None);
        };
        let resolved_since = store
            .resolution_runs(crate::indicators_view::PEOPLE_SCHEMA, 1)?
            .first()
            .is_some_and(|r| r.at >= last.started_at);
        Ok((!resolved_since).then_some(last.started_at))
    }

    fn indicator_alert(&self, rule: &Rule, f: &Finding, event: i64) -> Alert {
        Alert {
            id: 0,
            at: Timestamp::now(),
            kind: INDICATOR_ALERT_KIND.into(),
            principal: self.principal.id.clone(),
            subject: self.subject_hash(&f.person),
            detail: format!("{}: {}", rule.title, f.summary),
            event_id: Some(event),
            status: "new".into(),
            rule_id: Some(rule.id.clone()),
            rule_version: Some(rule.version),
            person: Some(f.person.clone()),
            evidence: Some(f.evidence_json()),
            fingerprint: Some(fingerprint(&rule.id, rule.version, f)),
            superseded_by: None,
        }
    }

    /// The canonical ids of the people a version would flag, without
    /// writing alerts (for fairness figures before activation).
    pub fn flagged_by(&self, id: &str, version: u32) -> Result<Vec<String>, EngineError> {
        Ok(self.run_rule(id, version, RunMode::DryRun)?.flagged)
    }

    /// Alerts raised by indicator rules (one rule's, if given), oldest
    /// first, for those who may read alerts.
    pub fn indicator_alerts(
        &self,
        rule_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Alert>, EngineError> {
        let what = match rule_id {
            Some(id) => format!("read alerts of indicator rule `{}`", shortened(id)),
            None => "read indicator alerts".to_owned(),
        };
        self.logged(Operation::Consult, &what, &[], || {
            self.require_action(Action::ReadAudit, "read alerts")?;
            let store = self.engine.store()?;
            // Every alert is read: those about people this session may not
            // see are left out before the page is taken.
            let out = match rule_id {
                Some(id) => store.rule_alerts(id, None)?,
                None => store.indicator_alerts(usize::MAX >> 1)?,
            };
            drop(store);
            let out = self.shown_alerts(out, limit)?;
            self.record(
                Operation::Consult,
                &what,
                &[],
                None,
                &format!("{} alerts", out.len()),
            )?;
            Ok(out)
        })
    }
}

/// One active rule whose scheduled run failed; the others still ran.
#[derive(Debug)]
pub struct RuleFailure {
    pub rule_id: String,
    pub rule_version: u32,
    pub error: EngineError,
}

/// What a scheduled evaluation of every active rule did: one rule failing
/// (its purpose withdrawn from the service, a store error) must not keep
/// the others from running, so each failure is reported beside the runs.
#[derive(Debug, Default)]
pub struct ActiveRuns {
    pub runs: Vec<RuleRun>,
    pub failures: Vec<RuleFailure>,
}

impl Engine {
    /// Runs every active rule, each in its own session of the service
    /// principal `service` under the rule's purpose. A rule that fails is
    /// reported in `failures` and the next one runs; only a failure to read
    /// the rule register, or a principal that is not a service, stops it.
    pub fn run_active_rules(&self, service: &str) -> Result<ActiveRuns, EngineError> {
        self.run_active_rules_in(service, RunMode::Full)
    }

    /// As [`Engine::run_active_rules`], in `mode` (full or incremental).
    pub fn run_active_rules_in(
        &self,
        service: &str,
        mode: RunMode,
    ) -> Result<ActiveRuns, EngineError> {
        let active = self.store()?.active_indicator_rules()?;
        let mut out = ActiveRuns::default();
        for stored in active {
            match self.run_active_rule(service, &stored.id, &stored.body, mode) {
                Ok(run) => out.runs.push(run),
                Err(
                    e @ EngineError::Forbidden {
                        code: "service_principal_required",
                        ..
                    },
                ) => return Err(e),
                Err(error) => out.failures.push(RuleFailure {
                    rule_id: stored.id.clone(),
                    rule_version: stored.version,
                    error,
                }),
            }
        }
        Ok(out)
    }

    fn run_active_rule(
        &self,
        service: &str,
        id: &str,
        body: &str,
        mode: RunMode,
    ) -> Result<RuleRun, EngineError> {
        let rule = check_rule(body, id)?;
        let session = self.session(SessionRequest {
            principal: service.to_owned(),
            purpose: rule.purpose.clone(),
            justification: format!(
                "scheduled evaluation of indicator rule {} version {}",
                rule.id, rule.version
            ),
            reason: Some("audit".into()),
            ..SessionRequest::default()
        })?;
        if session.principal().kind != PrincipalKind::Service {
            return Err(EngineError::Forbidden {
                what: "run indicator rules as a person".into(),
                code: "service_principal_required",
            });
        }
        session.run_rule(&rule.id, rule.version, mode)
    }
}
