//! `clearstone demo`: generate the fictional county's sources, ingest them all
//! through a session, and show a newcomer what to try next.

use std::path::Path;

use anyhow::{Context, Result};
use clearstone_engine::{Engine, EngineError, SessionRequest};

/// The demo's own session: a named loader, a purpose and a reason, like any other.
pub fn demo_session() -> SessionRequest {
    SessionRequest {
        principal: "demo-loader".into(),
        purpose: "demo".into(),
        justification: "loading the fictional Northshire demonstration data".into(),
        case_ref: None,
    }
}

/// An entity id to try `show` on: the first record of the ground truth.
fn example_entity(truth: &Path) -> Option<String> {
    let text = std::fs::read_to_string(truth).ok()?;
    let line = text.lines().nth(1)?;
    line.split(',').next().map(str::to_string)
}

pub fn run(dir: &Path, scale: usize, seed: u64) -> Result<()> {
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
    let engine = match Engine::open(dir) {
        Ok(e) => e,
        Err(EngineError::NotInitialised(_)) => Engine::init(dir, None)?,
        Err(e) => return Err(e.into()),
    };
    let session = demo_session();
    let sums = crate::ingest_all(&engine, &session, &generated.mappings)?;
    let rows: u64 = sums.iter().map(|s| s.rows_read).sum();
    let statements: u64 = sums
        .iter()
        .map(|s| s.statements_new + s.statements_seen)
        .sum();
    let quarantined: u64 = sums.iter().map(|s| s.quarantined).sum();
    let secs: f64 = sums.iter().map(|s| s.seconds).sum();
    println!(
        "\nloaded {} sources: {rows} rows, {statements} statements, {quarantined} records quarantined, in {secs:.1} s",
        sums.len()
    );
    let ds = engine.session(session)?.datasets()?;
    println!("\n{}", crate::output::datasets_text(&ds));
    let d = dir.display();
    println!(
        "Ground truth for resolution tests: {}\n\nTry (the demo user and purpose are set for you here; real deployments register their own):\n  \
         export CLEARSTONE_USER=demo-analyst CLEARSTONE_PURPOSE=demo CLEARSTONE_JUSTIFICATION=\"exploring the demo\"\n  \
         clearstone --data-dir {d} datasets\n  \
         clearstone --data-dir {d} show {}\n  \
         clearstone --data-dir {d} quarantine list\n  \
         clearstone --data-dir {d} export statements --format csv --out statements.csv --recipient \"demo reader\"",
        generated.truth.display(),
        example_entity(&generated.truth).unwrap_or_else(|| "<entity id>".into()),
    );
    Ok(())
}
