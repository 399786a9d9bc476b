//! `clearstone rules ...` and `clearstone alerts`: indicator rules checked,
//! registered by version, activated, dry-run and run through the gate, and
//! the alert queue they share with the gate's self-monitoring.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;
use clearstone_engine::{Alert, Engine, RunMode, Session, check_rule};

use crate::args::SessionArgs;

#[derive(Subcommand)]
pub enum RulesAction {
    /// Check rule files without registering them (errors name file, line and field).
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Register rule files as draft versions (a changed rule needs a new version).
    Register {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Every registered version with its state.
    List {
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Make a version the active one; the open alerts of other versions are superseded.
    Activate {
        id: String,
        #[arg(long)]
        version: u32,
        /// The equality impact assessment the activation rests on.
        #[arg(long)]
        eia_reference: Option<String>,
        /// Who approved the assessment.
        #[arg(long)]
        approver: Option<String>,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Evaluate a version without writing alerts: how many people it would flag.
    DryRun {
        id: String,
        #[arg(long)]
        version: u32,
        /// Print the canonical ids flagged as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Run every active rule as a service principal, each under its own purpose.
    Run {
        /// The service principal the rules run as.
        #[arg(long, env = "CLEARSTONE_SERVICE_USER")]
        service: String,
        /// Evaluate again only the people whose records changed since each
        /// rule's last run (a full run when there is none, or after resolution).
        #[arg(long)]
        incremental: bool,
    },
}

fn read(file: &Path) -> Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("cannot read `{}`", file.display()))
}

pub fn rules(dir: &Path, action: RulesAction) -> Result<()> {
    let open = |_: &SessionArgs| -> Result<Engine> { Ok(crate::open_engine(dir)?) };
    match action {
        RulesAction::Check { files } => {
            for f in files {
                let rule = check_rule(&read(&f)?, &f.display().to_string())?;
                println!(
                    "ok: `{}` version {} ({}), purpose `{}`, review by {}",
                    rule.id,
                    rule.version,
                    rule.condition.kind(),
                    rule.purpose,
                    rule.review_date
                );
            }
        }
        RulesAction::Register { files, session } => {
            let engine = open(&session)?;
            let s = engine.session(crate::request(&session))?;
            for f in files {
                let (rule, added) = s.register_rule(&read(&f)?, &f.display().to_string())?;
                println!(
                    "{} `{}` version {}",
                    if added {
                        "registered"
                    } else {
                        "already registered"
                    },
                    rule.id,
                    rule.version
                );
            }
        }
        RulesAction::List { session } => {
            let engine = open(&session)?;
            let rules = engine
                .session(crate::request(&session))?
                .indicator_rules()?;
            if rules.is_empty() {
                println!("no indicator rules registered");
            }
            for r in rules {
                println!(
                    "{} v{} {} sha256 {} registered by `{}`{}",
                    r.id,
                    r.version,
                    r.state,
                    r.sha256.get(..12).unwrap_or(&r.sha256),
                    r.registered_by,
                    r.activated_by
                        .map(|by| format!(", activated by `{by}`"))
                        .unwrap_or_default()
                );
            }
        }
        RulesAction::Activate {
            id,
            version,
            eia_reference,
            approver,
            session,
        } => {
            let engine = open(&session)?;
            let n = engine.session(crate::request(&session))?.activate_rule(
                &id,
                version,
                eia_reference.as_deref(),
                approver.as_deref(),
            )?;
            println!(
                "`{id}` version {version} is active; {n} open alerts of other versions superseded"
            );
        }
        RulesAction::DryRun {
            id,
            version,
            json,
            session,
        } => {
            let engine = open(&session)?;
            let run = engine.session(crate::request(&session))?.run_rule(
                &id,
                version,
                RunMode::DryRun,
            )?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "rule": id, "version": version, "records": run.records, "flagged": run.flagged })
                );
            } else {
                println!(
                    "`{id}` version {version} would flag {} people ({} records read); no alerts written",
                    run.flagged.len(),
                    run.records
                );
            }
        }
        RulesAction::Run {
            service,
            incremental,
        } => {
            let engine = crate::open_engine(dir)?;
            let mode = if incremental {
                RunMode::Incremental
            } else {
                RunMode::Full
            };
            let active = engine.run_active_rules_in(&service, mode)?;
            if active.runs.is_empty() && active.failures.is_empty() {
                println!("no active indicator rules");
            }
            for r in active.runs {
                println!(
                    "`{}` version {}: {} records, {} people flagged, {} new alerts, {} already raised",
                    r.rule_id,
                    r.rule_version,
                    r.records,
                    r.flagged.len(),
                    r.alerts_new,
                    r.alerts_kept
                );
            }
            for f in &active.failures {
                eprintln!(
                    "error: `{}` version {} failed: {} ({})",
                    f.rule_id,
                    f.rule_version,
                    f.error,
                    f.error.code()
                );
            }
            if !active.failures.is_empty() {
                anyhow::bail!(
                    "{} of the active indicator rules failed; the others ran",
                    active.failures.len()
                );
            }
        }
    }
    Ok(())
}

/// One alert as a line: the gate's own, or an indicator's with its rule.
fn alert_line(a: &Alert) -> String {
    let mut line = format!(
        "#{} {} {} by `{}` subject {} ({}) event #{}",
        a.id,
        a.at,
        a.kind,
        a.principal,
        a.subject,
        a.status,
        a.event_id.unwrap_or(0)
    );
    if let (Some(rule), Some(v)) = (&a.rule_id, a.rule_version) {
        line.push_str(&format!(" rule `{rule}` v{v}"));
    }
    if let Some(p) = &a.person {
        line.push_str(&format!(" person {p}"));
    }
    if let Some(v) = a.superseded_by {
        line.push_str(&format!(" superseded by v{v}"));
    }
    if a.rule_id.is_some() {
        line.push_str(&format!("\n    {}", a.detail));
    }
    line
}

/// `clearstone alerts`: every alert, or one rule's with `--rule`.
pub fn alerts(s: &Session<'_>, limit: usize, rule: Option<&str>, json: bool) -> Result<()> {
    let alerts = match rule {
        Some(r) => s.indicator_alerts(Some(r), limit)?,
        None => s.alerts(limit)?,
    };
    if json {
        let list: Vec<serde_json::Value> = alerts
            .iter()
            .map(|a| {
                serde_json::json!({
                    "id": a.id, "at": a.at.to_string(), "kind": a.kind, "principal": a.principal,
                    "subject": a.subject, "detail": a.detail, "event_id": a.event_id,
                    "status": a.status, "rule_id": a.rule_id, "rule_version": a.rule_version,
                    "person": a.person,
                    "evidence": a.evidence.as_deref().and_then(|e| serde_json::from_str::<serde_json::Value>(e).ok()),
                    "superseded_by": a.superseded_by,
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(list));
        return Ok(());
    }
    if alerts.is_empty() {
        println!("no alerts");
    }
    for a in &alerts {
        println!("{}", alert_line(a));
    }
    Ok(())
}
