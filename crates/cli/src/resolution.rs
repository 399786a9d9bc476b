//! `clearstone resolve | review | judge | judgements | explain`: entity
//! resolution in a data directory, every step through a session.

use std::io::BufRead;
use std::path::Path;

use anyhow::{Context, Result};
use clearstone_engine::{Entity, Judgement, ResolveOptions, ReviewItem, Session};

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
        batch_statements: None,
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

fn values(e: &Entity, prop: &str) -> String {
    e.values(prop).collect::<Vec<_>>().join(" / ")
}

/// Both records side by side, property by property.
fn side_by_side(item: &ReviewItem) -> String {
    let mut props: Vec<&String> = item
        .left
        .properties
        .keys()
        .chain(item.right.properties.keys())
        .collect();
    props.sort();
    props.dedup();
    let mut out = format!(
        "{:<22} {:<36} {}\n",
        "", item.pair.left_id, item.pair.right_id
    );
    for p in props {
        let (l, r) = (values(&item.left, p), values(&item.right, p));
        let mark = if l == r { ' ' } else { '≠' };
        out.push_str(&format!("{mark} {p:<20} {l:<36} {r}\n"));
    }
    out
}

/// Shows each queued pair and asks y (same), n (not same), u (unsure),
/// s (skip) or q (quit); a verdict needs a reason.
pub fn review(s: &Session<'_>, schema: &str, limit: usize) -> Result<()> {
    let queue = s.review_queue(schema, limit)?;
    if queue.is_empty() {
        println!("nothing to review");
        return Ok(());
    }
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut decided = 0;
    for (n, item) in queue.iter().enumerate() {
        println!(
            "\npair {} of {}: probability {:.3}\n{}\n{}",
            n + 1,
            queue.len(),
            item.pair.probability,
            side_by_side(item),
            item.explanation.to_text()
        );
        let verdict = loop {
            print!("same person? [y]es / [n]o / [u]nsure / [s]kip / [q]uit: ");
            std::io::Write::flush(&mut std::io::stdout())?;
            let Some(line) = lines.next() else {
                return finish(decided);
            };
            match line?.trim() {
                "y" => break Some("same"),
                "n" => break Some("not_same"),
                "u" => break Some("unsure"),
                "s" => break None,
                "q" => return finish(decided),
                _ => {}
            }
        };
        let Some(verdict) = verdict else { continue };
        print!("why: ");
        std::io::Write::flush(&mut std::io::stdout())?;
        let why = lines.next().transpose()?.unwrap_or_default();
        let j = s.judge(&item.pair.left_id, &item.pair.right_id, verdict, &why)?;
        println!("recorded judgement {}", j.id);
        decided += 1;
    }
    finish(decided)
}

fn finish(decided: usize) -> Result<()> {
    println!("{decided} judgements recorded");
    Ok(())
}

pub fn judgement_line(j: &Judgement) -> String {
    let mut line = format!(
        "#{} {} {} {} by `{}` at {}: {}",
        j.id, j.left_id, j.verdict, j.right_id, j.principal, j.at, j.why
    );
    if let Some(p) = j.probability {
        line.push_str(&format!(" (model said {p:.3})"));
    }
    if let Some(at) = j.withdrawn_at {
        line.push_str(&format!(
            " — withdrawn by `{}` at {at}: {}",
            j.withdrawn_by.as_deref().unwrap_or(""),
            j.withdrawn_why.as_deref().unwrap_or("")
        ));
    }
    line
}
