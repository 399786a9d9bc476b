//! `clearstone demo`: generate the fictional county's sources, register demo
//! users and purposes, ingest every source through a session, and show a
//! newcomer what to try next.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result};
use clearstone_engine::policy::{AuditUse, Principal, PrincipalKind, Purpose, SensitiveBasis};
use clearstone_engine::{
    ADMIN_PURPOSE, Classification, Engine, EngineError, ResolveOptions, SessionRequest,
};

pub(crate) const ADMIN: &str = "demo-admin";

/// Every caveat the demo's sources carry, so the demo analyst sees the data
/// (special-category values stay masked until revealed).
const CAVEATS: [&str; 4] = ["HR", "PSD", "PERSONAL", "INTELLIGENCE"];

/// The loader's session: a named data engineer, a purpose and a reason.
pub fn demo_session() -> SessionRequest {
    SessionRequest {
        principal: "demo-loader".into(),
        purpose: "demo-load".into(),
        justification: "loading the fictional Northshire demonstration data".into(),
        reason: Some("data_quality".into()),
        ..SessionRequest::default()
    }
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn user(id: &str, name: &str, roles: &[&str], unit: Option<&str>, caveats: &[&str]) -> Principal {
    Principal {
        id: id.into(),
        display_name: name.into(),
        kind: PrincipalKind::User,
        roles: set(roles),
        unit: unit.map(str::to_string),
        clearance: Classification::Secret,
        caveats: set(caveats),
        attributes: Default::default(),
        disabled: false,
    }
}

fn purpose(
    id: &str,
    description: &str,
    legal_basis: &str,
    roles: &[&str],
    datasets: &[&str],
    year: i32,
) -> Purpose {
    Purpose {
        id: id.into(),
        description: description.into(),
        legal_basis: legal_basis.into(),
        sensitive: None,
        policy_document: "Northshire appropriate policy document APD-2026-03".into(),
        datasets: set(datasets),
        entity_types: set(&["*"]),
        roles: set(roles),
        audit_use: None,
        review_date: format!("{}-06-30", year + 1),
        expires: format!("{}-12-31", year + 1),
        reviewed_by: Some("demo-dpo".into()),
    }
}

/// Registers the demo's users and purposes, once per data directory.
pub fn register(engine: &Engine) -> Result<()> {
    match engine.bootstrap_admin(ADMIN) {
        Ok(()) => {}
        // Registered by an earlier run.
        Err(EngineError::InvalidInput(_)) => return Ok(()),
        Err(e) => return Err(e.into()),
    }
    let admin = engine.session(SessionRequest {
        principal: ADMIN.into(),
        purpose: ADMIN_PURPOSE.into(),
        justification: "registering the demonstration users and purposes".into(),
        ..SessionRequest::default()
    })?;
    let year: i32 = clearstone_engine::Timestamp::now()
        .to_string()
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(2026);
    admin.put_user(&user(
        "demo-loader",
        "Demo data engineer",
        &["data_engineer"],
        None,
        &CAVEATS,
    ))?;
    admin.put_user(&user(
        "demo-analyst",
        "Demo PSD analyst",
        &["analyst"],
        Some("PSD"),
        &CAVEATS,
    ))?;
    // The monthly fairness report groups alerts by the characteristics
    // HR holds: without HR's caveat every member of staff was hidden from
    // it and each group came out as not known.
    admin.put_user(&user(
        "demo-dpo",
        "Demo data protection officer",
        &["data_protection_officer"],
        None,
        &["HR"],
    ))?;
    // Loading sickness, union and EHC plan records is processing them: the
    // loader needs a lawful condition too, or their quarantined rows would
    // be hidden from the one who must fix them.
    let mut load = purpose(
        "demo-load",
        "Loading the demonstration sources",
        "UK GDPR art. 6(1)(e); demonstration data, fictional",
        &["data_engineer"],
        &["*"],
        year,
    );
    load.sensitive = Some(SensitiveBasis {
        condition: "UK GDPR art. 9(2)(b) and DPA 2018 sch. 1 para 1 (employment), demonstration"
            .into(),
    });
    admin.put_purpose(&load)?;
    let mut explore = purpose(
        "demo",
        "Exploring the fictional Northshire data",
        "DPA 2018 Part 3 s.31 (demonstration); fictional data",
        &["analyst"],
        &["*"],
        year,
    );
    explore.sensitive = Some(SensitiveBasis {
        condition: "DPA 2018 sch. 8 para 1 (statutory purposes), demonstration".into(),
    });
    admin.put_purpose(&explore)?;
    let mut oversight = purpose(
        "demo-oversight",
        "Checking that the demo was used lawfully",
        "DPA 2018 s.62(4)(a) verifying the lawfulness of processing",
        &["data_protection_officer"],
        &[],
        year,
    );
    oversight.audit_use = Some(AuditUse::VerifyLawfulness);
    admin.put_purpose(&oversight)?;
    crate::demo_rules::register(&admin, year)?;
    // Fairness reports read protected characteristics for aggregates only,
    // under a purpose of their own (docs/fairness.md).
    let mut equality = purpose(
        clearstone_engine::EQUALITY_PURPOSE,
        "Monitoring indicator rules for equality of treatment, in aggregate",
        "Equality Act 2010 s.149 (public sector equality duty); demonstration",
        &["data_protection_officer", "analyst"],
        &["*"],
        year,
    );
    equality.sensitive = Some(SensitiveBasis {
        condition: "DPA 2018 sch. 1 para 8 (equality of opportunity or treatment), demonstration"
            .into(),
    });
    admin.put_purpose(&equality)?;
    Ok(())
}

/// An entity id to try `show` on: the first record of the ground truth.
fn example_entity(truth: &Path) -> Option<String> {
    let text = std::fs::read_to_string(truth).ok()?;
    let line = text.lines().nth(1)?;
    line.split(',').next().map(str::to_string)
}

/// The example's name as the analyst would see it, for a search to paste.
fn example_name(engine: &Engine, id: &str) -> Option<String> {
    let s = engine
        .session(SessionRequest {
            principal: "demo-analyst".into(),
            purpose: "demo".into(),
            justification: "choosing an example search for the demo's instructions".into(),
            reason: Some("other".into()),
            ..SessionRequest::default()
        })
        .ok()?;
    let entity = s.show(id).ok()?;
    entity.values("name").next().map(str::to_lowercase)
}

pub fn run(dir: &Path, scale: usize, seed: u64, no_ingest: bool) -> Result<()> {
    // The engine first: it makes the data directory its owner's alone, and
    // the generated sources inside it are then created that way too.
    let engine = match crate::open_engine(dir) {
        Ok(e) => e,
        Err(EngineError::NotInitialised(_)) => Engine::init(dir, None)?,
        Err(e) => return Err(e.into()),
    };
    let sources = dir.join("demo-sources");
    eprintln!(
        "generating {scale} people (seed {seed}) into `{}`",
        sources.display()
    );
    let generated = clearstone_demo::generate(
        &clearstone_demo::Options {
            seed,
            people: scale,
        },
        &sources,
    )
    .context("cannot generate the demo data")?;
    register(&engine)?;
    if no_ingest {
        println!(
            "registered the demo users and purposes; sources in `{}`",
            sources.display()
        );
        return Ok(());
    }
    let session = demo_session();
    // Timed whole: the load's one index commit comes after the last run.
    let loading = std::time::Instant::now();
    let sums = crate::ingest_all(&engine, &session, &generated.mappings)?;
    let secs = loading.elapsed().as_secs_f64();
    let rows: u64 = sums.iter().map(|s| s.rows_read).sum();
    let statements: u64 = sums
        .iter()
        .map(|s| s.statements_new + s.statements_seen)
        .sum();
    let quarantined: u64 = sums.iter().map(|s| s.quarantined).sum();
    println!(
        "\nloaded {} sources: {rows} rows, {statements} statements, {quarantined} records quarantined, in {secs:.1} s ({:.0} rows/s, indexed and logged)",
        sums.len(),
        rows as f64 / secs.max(1e-9)
    );
    let loader = engine.session(session)?;
    // People appear in several systems: resolve them, so that search, the
    // dossier and the graph show one person per resolved cluster.
    let started = std::time::Instant::now();
    let resolved = loader.resolve(&ResolveOptions {
        schema: "Person".into(),
        ..ResolveOptions::default()
    })?;
    println!(
        "resolved {} person records into {} people ({} linked pairs) and indexed them, in {:.1} s",
        resolved.records,
        resolved.clusters,
        resolved.links,
        started.elapsed().as_secs_f64()
    );
    let clusters = loader.canonical_ids("Person")?.into_iter().collect();
    let ds = loader.datasets()?;
    drop(loader);
    println!("\n{}", crate::output::datasets_text(&ds));
    // The demo knows who everyone really is: show how close the shipped
    // settings came, so a change to resolution shows its effect here.
    let (truth, forbidden) =
        crate::demo_quality::read_truth(&generated.truth, &generated.forbidden)?;
    let quality = crate::demo_quality::score(&truth, &forbidden, &clusters);
    println!("{}", crate::demo_quality::render(&quality));
    crate::demo_rules::run(&engine, &generated.indicator_truth)?;
    let d = dir.display();
    let example = example_entity(&generated.truth).unwrap_or_else(|| "<entity id>".into());
    let name = example_name(&engine, &example).unwrap_or_else(|| "smith".into());
    println!(
        "Ground truth for resolution tests: {}\n\n\
         Users: demo-analyst (purpose `demo`), demo-loader (`demo-load`), demo-dpo (`demo-oversight`), demo-admin (`{ADMIN_PURPOSE}`).\n\
         Try (the binary is target/release/clearstone; `cargo install --path crates/cli` puts it on your PATH):\n  \
         export CLEARSTONE_USER=demo-analyst CLEARSTONE_PURPOSE=demo CLEARSTONE_JUSTIFICATION=\"exploring the demo\"\n  \
         clearstone --data-dir {d} datasets\n  \
         clearstone --data-dir {d} search '{name}'\n  \
         clearstone --data-dir {d} search 'name:\"{name}\" type:person' --json\n  \
         clearstone --data-dir {d} search 'dataset:complaints date:2024-01..2024-12'\n  \
         clearstone --data-dir {d} dossier {example}\n  \
         clearstone --data-dir {d} graph expand {example} --hops 2\n  \
         clearstone --data-dir {d} graph export {example} --format graphml --out {example_file}.graphml\n  \
         clearstone --data-dir {d} show {example}\n  \
         clearstone --data-dir {d} reveal {example} ethnicity\n  \
         CLEARSTONE_USER=demo-loader CLEARSTONE_PURPOSE=demo-load clearstone --data-dir {d} quarantine list\n  \
         clearstone --data-dir {d} export statements --format csv --out statements.csv --recipient \"demo reader\"\n  \
         CLEARSTONE_USER=demo-dpo CLEARSTONE_PURPOSE=demo-oversight clearstone --data-dir {d} events\n  \
         CLEARSTONE_USER=demo-dpo CLEARSTONE_PURPOSE=demo-oversight clearstone --data-dir {d} alerts --rule repeated_absence\n  \
         clearstone --data-dir {d} rules run --service demo-indicators",
        generated.truth.display(),
        example_file = example.replace(':', "_"),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use clearstone_engine::{EQUALITY_PURPOSE, Engine, SessionRequest};

    // issue 18, item 5: the demo's data protection officer reads HR's
    // workforce records under equality monitoring, or every group of the
    // monthly report is "not known".
    #[test]
    fn the_demo_dpo_is_cleared_for_the_workforce_records_equality_monitoring_counts() {
        let tmp = tempfile::tempdir().unwrap();
        let engine = Engine::init(&tmp.path().join("data"), None).unwrap();
        super::register(&engine).unwrap();
        let s = engine
            .session(SessionRequest {
                principal: "demo-dpo".into(),
                purpose: EQUALITY_PURPOSE.into(),
                justification: "checking the demo's clearances".into(),
                ..SessionRequest::default()
            })
            .unwrap();
        assert!(s.principal().caveats.contains("HR"));
    }
}
