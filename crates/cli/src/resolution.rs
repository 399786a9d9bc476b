//! `clearstone resolve`: entity resolution in a data directory, every step
//! through a session. Review, judgements and explanations are in `review.rs`.

use std::path::Path;

use anyhow::{Context, Result};
use clearstone_engine::{ResolveOptions, Session};

pub fn resolve(
    s: &Session<'_>,
    schema: &str,
    settings: Option<&Path>,
    model: Option<&Path>,
    incremental: bool,
) -> Result<()> {
    let read = |p: Option<&Path>| -> Result<Option<String>> {
        p.map(|p| {
            std::fs::read_to_string(p).with_context(|| format!("cannot read `{}`", p.display()))
        })
        .transpose()
    };
    let sum = s
        .resolve(&ResolveOptions {
            schema: schema.to_owned(),
            settings: read(settings)?,
            model: read(model)?,
            incremental,
            batch_statements: None,
        })
        .map_err(|e| match model {
            Some(p) => {
                anyhow::Error::new(e).context(format!("with the model in `{}`", p.display()))
            }
            None => e.into(),
        })?;
    for w in &sum.warnings {
        eprintln!("warning: {w}");
    }
    for r in &sum.rules {
        println!(
            "  blocking rule {:<28} {:>10} pairs {:>10} new",
            r.rule, r.pairs, r.new_pairs
        );
    }
    println!(
        "run {}: {} records ({} new), {} pairs scored, {} linked, {} clusters; model {}",
        sum.run_id,
        sum.records,
        sum.new_records,
        sum.pairs,
        sum.links,
        sum.clusters,
        sum.model_version
    );
    Ok(())
}

/// Prints what the settings would meet: fields, then blocking rules.
pub fn profile(s: &Session<'_>, schema: &str, settings: Option<&Path>, json: bool) -> Result<()> {
    let text = settings
        .map(|p| {
            std::fs::read_to_string(p).with_context(|| format!("cannot read `{}`", p.display()))
        })
        .transpose()?;
    let p = s.resolve_profile(schema, text.as_deref())?;
    if json {
        let v = serde_json::json!({
            "type": p.schema,
            "records": p.records,
            "pairs_max": p.pairs_max,
            "fields": p.fields.iter().map(|f| serde_json::json!({
                "field": f.field,
                "filled": f.filled,
                "fill_rate": f.filled as f64 / p.records.max(1) as f64,
                "distinct": f.distinct,
            })).collect::<Vec<_>>(),
            "rules": p.rules.iter().map(|r| serde_json::json!({
                "rule": r.rule,
                "in_settings": r.in_settings,
                "pairs": r.pairs,
                "warning": r.warning,
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    println!("{} records of {}", p.records, p.schema);
    println!(
        "{:<28} {:>10} {:>7} {:>10}",
        "field", "filled", "rate", "distinct"
    );
    for f in &p.fields {
        println!(
            "{:<28} {:>10} {:>6.1}% {:>10}",
            f.field,
            f.filled,
            100.0 * f.filled as f64 / p.records.max(1) as f64,
            f.distinct
        );
    }
    println!(
        "\n{:<28} {:>9} {:>14}  (pairs_max {})",
        "blocking rule", "settings", "pairs", p.pairs_max
    );
    for r in &p.rules {
        println!(
            "{:<28} {:>9} {:>14}{}",
            r.rule,
            if r.in_settings { "yes" } else { "candidate" },
            r.pairs,
            r.warning
                .as_ref()
                .map_or_else(String::new, |w| format!("  warning: {w}"))
        );
    }
    Ok(())
}

/// After an ingest: re-scores what the ingest touched against the rest with
/// the last run's model and settings, or resolves everything when `schema`
/// was never resolved.
pub fn after_ingest(s: &Session<'_>, schema: &str) -> Result<()> {
    let earlier = !s.resolution_runs(schema, 1)?.is_empty();
    resolve(s, schema, None, None, earlier)
}
