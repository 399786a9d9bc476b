//! `clearstone review-alert`, `case`, `fairness` and `simulate`: reviewing
//! alerts, working cases, fairness reports and the feedback-loop simulation
//! (docs/cases.md, docs/fairness.md).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use clearstone_engine::fairness::{Interval, PublishedImpact};
use clearstone_engine::feedback::{FeedbackSettings, RUNAWAY_SHARE, simulate};
use clearstone_engine::{
    AlertForReview, CaseView, Destination, Disclosure, FairnessReport, FairnessTable,
    QUICK_DECISION_SECONDS, RubberStampReport, Session,
};

use crate::args::SessionArgs;

#[derive(Args)]
pub struct ReviewAlertArgs {
    /// The alert (from `clearstone alerts`); omitted with --rubber-stamp.
    pub id: Option<String>,
    /// Decide: no_further_action or refer_for_assessment.
    #[arg(long, conflicts_with_all = ["confirm", "representation"])]
    pub decide: Option<String>,
    /// Confirm a pending referral as a second reviewer: refer_for_assessment
    /// or no_further_action.
    #[arg(long, conflicts_with = "representation")]
    pub confirm: Option<String>,
    /// Why: required with --decide and --confirm.
    #[arg(long)]
    pub rationale: Option<String>,
    /// The subject's representations, once they were told of a referral.
    #[arg(long)]
    pub representation: Option<String>,
    /// Show the rubber-stamp report instead.
    #[arg(long, conflicts_with_all = ["decide", "confirm", "representation"])]
    pub rubber_stamp: bool,
    /// Decisions faster than this count as quick in the report.
    #[arg(long, default_value_t = QUICK_DECISION_SECONDS)]
    pub quick_seconds: i64,
    #[command(flatten)]
    pub session: SessionArgs,
}

#[derive(Subcommand)]
pub enum CaseAction {
    /// Open a case under your purpose, as its lead.
    Create {
        #[arg(long)]
        id: Option<String>,
        #[arg(long)]
        title: String,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// The cases you are on the team of.
    List {
        #[command(flatten)]
        session: SessionArgs,
    },
    Show {
        id: String,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Link a subject, entity, alert, note or document.
    Link {
        id: String,
        kind: String,
        target: String,
        #[command(flatten)]
        session: SessionArgs,
    },
    Unlink {
        id: String,
        kind: String,
        target: String,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Add or remove a member of the team (the lead only).
    Member {
        id: String,
        /// add or remove
        change: String,
        /// The user added or removed (a positional, apart from --user).
        member: String,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Give the case a new lead from its team (the lead only).
    Assign {
        id: String,
        /// The new lead (a positional, apart from --user).
        lead: String,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Add a task.
    Task {
        id: String,
        #[arg(long)]
        text: String,
        /// YYYY-MM-DD
        #[arg(long)]
        due: Option<String>,
        #[arg(long)]
        assignee: Option<String>,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Mark a task done.
    Done {
        id: String,
        task: i64,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Add to the decision log (`closed` closes the case).
    Decide {
        id: String,
        decision: String,
        #[arg(long)]
        rationale: String,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Disclose the case bundle (JSON) to a recipient.
    Export {
        id: String,
        #[arg(long, default_value = "")]
        recipient: String,
        #[arg(long)]
        gateway: Option<String>,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        session: SessionArgs,
    },
}

#[derive(Subcommand)]
pub enum FairnessAction {
    /// Who a rule version would flag, by unit and protected characteristic
    /// (under the equality-monitoring purpose; aggregates only).
    DryRun {
        /// The rule file: its registered version is dry-run by `--service`
        /// under the rule's purpose inside the engine, and only aggregates
        /// come out. With `--flagged`, the rule's id instead.
        #[arg(long)]
        rule: String,
        /// The rule's version, with `--flagged`.
        #[arg(long)]
        version: Option<u32>,
        /// The service principal the rule's dry run runs as.
        #[arg(long)]
        service: Option<String>,
        /// The people a dry run flagged, canonical ids one a line, when the
        /// dry run was made apart.
        #[arg(long)]
        flagged: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Month by month, alert → referral → action rates of the active rules
    /// by unit and protected characteristic (under the equality-monitoring
    /// purpose; aggregates only).
    Monthly {
        /// The first month, `YYYY-MM` (default: eleven months before `--to`).
        #[arg(long)]
        from: Option<String>,
        /// The last month, `YYYY-MM` (default: this month).
        #[arg(long)]
        to: Option<String>,
        /// Only this active rule's alerts.
        #[arg(long)]
        rule: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
}

#[derive(Subcommand)]
pub enum SimulateWhat {
    /// Whether attention allocated by alerts runs away to one of two groups
    /// with equal base rates, with and without excluding directed records.
    Feedback {
        #[arg(long, default_value_t = 2018)]
        seed: u64,
        #[arg(long, default_value_t = 200)]
        rounds: u32,
        #[arg(long, default_value_t = 500)]
        people_per_group: u32,
        #[arg(long, default_value_t = 50)]
        checks_per_round: u32,
        #[arg(long, default_value_t = 4)]
        window_rounds: u32,
    },
}

pub fn review_alert(s: &Session<'_>, a: &ReviewAlertArgs) -> Result<()> {
    if a.rubber_stamp {
        print!(
            "{}",
            rubber_stamp_text(&s.rubber_stamp_report(a.quick_seconds)?)
        );
        return Ok(());
    }
    let Some(id) = &a.id else {
        bail!("give the alert's id (`clearstone alerts` lists them), or --rubber-stamp");
    };
    let id = crate::number_id(s, "review-alert", id)?;
    let rationale = || -> Result<&str> {
        a.rationale
            .as_deref()
            .context("a decision needs --rationale: why, in words")
    };
    if let Some(outcome) = &a.decide {
        let status = s.decide_alert(id, outcome, rationale()?)?;
        println!("alert {id}: {status}");
    } else if let Some(outcome) = &a.confirm {
        let status = s.confirm_alert(id, outcome, rationale()?)?;
        println!("alert {id}: {status}");
    } else if let Some(text) = &a.representation {
        s.alert_representation(id, text)?;
        println!("alert {id}: representations recorded");
    } else {
        print!("{}", alert_text(&s.review_alert(id)?));
    }
    Ok(())
}

fn alert_text(v: &AlertForReview) -> String {
    let a = &v.alert;
    let mut out = format!("alert {} ({}) raised {}\n", a.id, a.status, a.at);
    match (&a.rule_id, a.rule_version) {
        (Some(r), Some(n)) => out.push_str(&format!("rule {r} version {n}\n")),
        _ => out.push_str(&format!(
            "self-monitoring: {} by `{}`\n",
            a.kind, a.principal
        )),
    }
    if let Some(p) = &a.person {
        out.push_str(&format!("about {p}\n"));
    }
    out.push_str(&format!("{}\n", a.detail));
    for (n, e) in v.evidence.iter().enumerate() {
        out.push_str(&format!(
            "evidence {}: {} — {}\n",
            n + 1,
            e.record,
            e.condition
        ));
        for st in &e.statements {
            out.push_str(&format!("  {:<24} {}\n", st.prop, st.value));
        }
    }
    for (act, text) in &v.acts {
        out.push_str(&format!(
            "{} {} by `{}`{}{}\n",
            act.at,
            act.act,
            act.principal,
            act.outcome
                .as_deref()
                .map(|o| format!(": {o}"))
                .unwrap_or_default(),
            if text.is_empty() {
                String::new()
            } else {
                format!(" — {text}")
            }
        ));
    }
    out
}

fn rubber_stamp_text(r: &RubberStampReport) -> String {
    let mut out = format!(
        "{} decisions, {} under {} seconds\n{:<24} {:>9} {:>6} {:>9} {:>8}  flagged\n",
        r.decisions,
        r.quick,
        r.quick_seconds,
        "reviewer",
        "decisions",
        "quick",
        "agreement",
        "median s"
    );
    for s in &r.reviewers {
        out.push_str(&format!(
            "{:<24} {:>9} {:>6} {:>8.0}% {:>8}  {}\n",
            s.reviewer,
            s.decisions,
            s.quick,
            s.agreement() * 100.0,
            s.median_seconds.map_or("-".to_string(), |m| m.to_string()),
            if s.flagged { "yes" } else { "" }
        ));
    }
    out
}

pub fn case(s: &Session<'_>, action: &CaseAction) -> Result<()> {
    match action {
        CaseAction::Create { id, title, .. } => {
            let c = s.create_case(id.as_deref(), title)?;
            println!(
                "case {} opened under purpose `{}`, lead `{}`",
                c.id, c.purpose, c.lead
            );
        }
        CaseAction::List { .. } => {
            let cases = s.cases()?;
            if cases.is_empty() {
                println!("no cases");
            }
            for c in cases {
                println!(
                    "{} {} {} lead `{}` purpose `{}`",
                    c.id, c.status, c.created_at, c.lead, c.purpose
                );
            }
        }
        CaseAction::Show { id, .. } => print!("{}", case_text(&s.case(id)?)),
        CaseAction::Link {
            id, kind, target, ..
        } => {
            s.case_link(id, kind, target)?;
            println!("case {id}: {kind} linked");
        }
        CaseAction::Unlink {
            id, kind, target, ..
        } => {
            s.case_unlink(id, kind, target)?;
            println!("case {id}: {kind} unlinked");
        }
        CaseAction::Member {
            id, change, member, ..
        } => {
            match change.as_str() {
                "add" => s.case_add_member(id, member)?,
                "remove" => s.case_remove_member(id, member)?,
                other => bail!("a team change is `add` or `remove`, not `{other}`"),
            }
            println!("case {id}: team changed");
        }
        CaseAction::Assign { id, lead, .. } => {
            s.case_assign(id, lead)?;
            println!("case {id}: lead `{lead}`");
        }
        CaseAction::Task {
            id,
            text,
            due,
            assignee,
            ..
        } => {
            let t = s.case_add_task(id, text, due.as_deref(), assignee.as_deref())?;
            println!("case {id}: task {t}");
        }
        CaseAction::Done { id, task, .. } => {
            s.case_finish_task(id, *task)?;
            println!("case {id}: task {task} done");
        }
        CaseAction::Decide {
            id,
            decision,
            rationale,
            ..
        } => {
            s.case_decide(id, decision, rationale)?;
            println!("case {id}: {decision} recorded");
        }
        CaseAction::Export {
            id,
            recipient,
            gateway,
            out,
            ..
        } => {
            let d = Disclosure {
                recipient,
                gateway: gateway.as_deref(),
            };
            let mut stdout = std::io::stdout();
            let to = match out.as_deref() {
                Some(p) => Destination::File(p),
                None => Destination::Stream(&mut stdout),
            };
            let n = s.export_case(id, to, &d)?;
            eprintln!("case {id}: bundle with {n} records disclosed to {recipient}");
        }
    }
    Ok(())
}

/// The session flags of a case command.
pub fn case_session(action: &CaseAction) -> &SessionArgs {
    match action {
        CaseAction::Create { session, .. }
        | CaseAction::List { session }
        | CaseAction::Show { session, .. }
        | CaseAction::Link { session, .. }
        | CaseAction::Unlink { session, .. }
        | CaseAction::Member { session, .. }
        | CaseAction::Assign { session, .. }
        | CaseAction::Task { session, .. }
        | CaseAction::Done { session, .. }
        | CaseAction::Decide { session, .. }
        | CaseAction::Export { session, .. } => session,
    }
}

fn case_text(v: &CaseView) -> String {
    let c = &v.case;
    let mut out = format!(
        "case {} — {}\n{} under purpose `{}`, lead `{}`, opened {} by `{}`\nteam: {}\n",
        c.id,
        v.title,
        c.status,
        c.purpose,
        c.lead,
        c.created_at,
        c.created_by,
        v.team().join(", ")
    );
    for kind in clearstone_engine::CASE_LINK_KINDS {
        let linked = v.in_force(kind);
        if !linked.is_empty() {
            out.push_str(&format!("{kind}: {}\n", linked.join(", ")));
        }
    }
    for (t, text) in &v.tasks {
        out.push_str(&format!(
            "task {} [{}] {}{}{}\n",
            t.id,
            t.status,
            text,
            t.due
                .as_deref()
                .map(|d| format!(", due {d}"))
                .unwrap_or_default(),
            t.assignee
                .as_deref()
                .map(|a| format!(", for `{a}`"))
                .unwrap_or_default()
        ));
    }
    for (d, text) in &v.decisions {
        out.push_str(&format!(
            "{} {} by `{}`: {}\n",
            d.at, d.decision, d.principal, text
        ));
    }
    out
}

pub fn fairness_session(action: &FairnessAction) -> &SessionArgs {
    match action {
        FairnessAction::DryRun { session, .. } | FairnessAction::Monthly { session, .. } => session,
    }
}

pub fn fairness(s: &Session<'_>, action: &FairnessAction) -> Result<()> {
    let (rule, version, service, flagged, json) = match action {
        FairnessAction::DryRun {
            rule,
            version,
            service,
            flagged,
            json,
            ..
        } => (rule, version, service, flagged, json),
        FairnessAction::Monthly {
            from,
            to,
            rule,
            json,
            ..
        } => {
            let report = s.fairness_monthly(rule.as_deref(), from.as_deref(), to.as_deref())?;
            if *json {
                let out = crate::fairness_monthly::monthly_json(&report);
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                print!("{}", crate::fairness_monthly::monthly_text(&report));
            }
            return Ok(());
        }
    };
    let report = match (flagged, version, service) {
        (Some(flagged), Some(version), _) => {
            s.fairness_dry_run(rule, *version, &read_ids(flagged)?)?
        }
        (Some(_), None, _) => bail!("`--flagged` needs the rule's `--version`"),
        (None, _, Some(service)) => {
            let text = std::fs::read_to_string(rule)
                .with_context(|| format!("cannot read rule file `{rule}`"))?;
            s.fairness_of_rule(service, &text, rule)?
        }
        (None, _, None) => {
            bail!("give `--service`, the service principal the rule's dry run runs as")
        }
    };
    if *json {
        println!("{}", serde_json::to_string_pretty(&report_json(&report))?);
    } else {
        print!("{}", report_text(&report));
    }
    Ok(())
}

fn read_ids(path: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

pub(crate) fn shown<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "<10".to_string(), |v| v.to_string())
}

fn interval(i: Option<Interval>) -> String {
    i.map_or_else(String::new, |i| format!("[{:.3}, {:.3}]", i.low, i.high))
}

pub(crate) fn group_line(g: &PublishedImpact) -> String {
    format!(
        "  {:<20} {:>7} {:>7} {:>7} {:<18} {:>6} {:<18} {}\n",
        g.group,
        shown(g.people),
        shown(g.flagged),
        g.rate.map_or("-".into(), |r| format!("{r:.3}")),
        interval(g.rate_interval),
        g.ratio.map_or("-".into(), |r| format!("{r:.2}")),
        interval(g.ratio_interval),
        match g.adverse {
            Some(true) => "under 0.8",
            _ => "",
        }
    )
}

pub fn report_text(r: &FairnessReport) -> String {
    let mut out = format!(
        "rule {}: {} people, {} flagged (cells under 10 shown as <10)\n\
         rates with Wilson 95% intervals; impact ratio against the highest group with Katz log 95% intervals\n",
        r.rule,
        shown(r.people),
        shown(r.flagged)
    );
    for t in &r.tables {
        out.push_str(&format!(
            "{}{}\n  {:<20} {:>7} {:>7} {:>7} {:<18} {:>6} {:<18}\n",
            t.dimension,
            if t.adverse {
                " — a ratio under four-fifths: activation needs an equality impact assessment"
            } else {
                ""
            },
            "group",
            "people",
            "flagged",
            "rate",
            "interval",
            "ratio",
            "interval"
        ));
        for g in &t.groups {
            out.push_str(&group_line(g));
        }
    }
    out
}

fn report_json(r: &FairnessReport) -> serde_json::Value {
    serde_json::json!({
        "rule": r.rule,
        "people": r.people,
        "flagged": r.flagged,
        "tables": r.tables.iter().map(table_json).collect::<Vec<_>>(),
    })
}

pub(crate) fn table_json(t: &FairnessTable) -> serde_json::Value {
    let iv = |i: Option<Interval>| i.map(|i| serde_json::json!([i.low, i.high]));
    serde_json::json!({
        "dimension": t.dimension,
        "adverse": t.adverse,
        "groups": t.groups.iter().map(|g| serde_json::json!({
            "group": g.group,
            "people": g.people,
            "flagged": g.flagged,
            "rate": g.rate,
            "rate_wilson_95": iv(g.rate_interval),
            "impact_ratio": g.ratio,
            "impact_ratio_katz_95": iv(g.ratio_interval),
            "adverse": g.adverse,
        })).collect::<Vec<_>>(),
    })
}

pub fn simulate_feedback(what: &SimulateWhat) {
    let SimulateWhat::Feedback {
        seed,
        rounds,
        people_per_group,
        checks_per_round,
        window_rounds,
    } = *what;
    let base = FeedbackSettings {
        seed,
        rounds,
        people_per_group,
        checks_per_round,
        window_rounds,
        ..FeedbackSettings::default()
    };
    println!(
        "two groups of {people_per_group} with equal base rates, {rounds} rounds, {checks_per_round} checks a round sent to the group with more records in the last {window_rounds} rounds (seed {seed})"
    );
    for exclude in [false, true] {
        let out = simulate(FeedbackSettings {
            exclude_directed: exclude,
            ..base
        });
        let (outside, directed) = out.totals();
        let share = out.top_share();
        println!(
            "{:<32} checks to the most-checked group in the second half: {:>5.1}%  records outside {:?} directed {:?}  {}",
            if exclude {
                "excluding directed records:"
            } else {
                "counting directed records:"
            },
            share * 100.0,
            outside,
            directed,
            if share >= RUNAWAY_SHARE {
                "runaway"
            } else {
                "no runaway"
            }
        );
    }
}
