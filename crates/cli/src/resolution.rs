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
    let sum = s.resolve(&ResolveOptions {
        schema: schema.to_owned(),
        settings: read(settings)?,
        model: read(model)?,
        incremental,
    })?;
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
