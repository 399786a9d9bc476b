//! `clearstone search | index rebuild | erase`, every one through a session.

use std::io::IsTerminal;

use anyhow::Result;
use clearstone_engine::json::results_json;
use clearstone_engine::{SearchPage, Session};

pub fn search(s: &Session<'_>, query: &str, page: usize, size: usize, as_json: bool) -> Result<()> {
    let offset = page.saturating_sub(1).saturating_mul(size);
    let results = s.search(query, SearchPage { offset, size })?;
    if as_json {
        println!("{}", serde_json::to_string_pretty(&results_json(&results))?);
        return Ok(());
    }
    let bold = std::io::stdout().is_terminal();
    println!(
        "{} {} match; showing {}–{}",
        results.total,
        if results.total == 1 {
            "entity"
        } else {
            "entities"
        },
        (offset + 1).min(offset + results.hits.len()),
        offset + results.hits.len()
    );
    for (i, h) in results.hits.iter().enumerate() {
        println!(
            "{:>3}. {}  {}  score {:.1}",
            offset + i + 1,
            h.label,
            h.canonical,
            h.score
        );
        println!("     records: {}", h.entities.join(", "));
        for sn in &h.snippets {
            println!(
                "     {}: {}",
                sn.prop,
                marked(&sn.text, &sn.highlights, bold)
            );
        }
    }
    if results.total as usize > offset + results.hits.len() {
        println!("more: --page {}", page.max(1) + 1);
    }
    Ok(())
}

/// The text with its matched ranges bold on a terminal, or in [brackets].
fn marked(text: &str, ranges: &[(usize, usize)], bold: bool) -> String {
    let (open, close) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    let mut out = String::with_capacity(text.len() + ranges.len() * 8);
    let mut at = 0;
    for &(a, b) in ranges {
        let (Some(before), Some(hit)) = (text.get(at..a), text.get(a..b)) else {
            continue;
        };
        out.push_str(before);
        out.push_str(open);
        out.push_str(hit);
        out.push_str(close);
        at = b;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

pub fn rebuild(s: &Session<'_>) -> Result<()> {
    let started = std::time::Instant::now();
    let docs = s.rebuild_index()?;
    println!(
        "index rebuilt: {docs} documents in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn erase(s: &Session<'_>, entity_id: &str, reason: &str) -> Result<()> {
    let n = s.erase(entity_id, reason)?;
    println!("{entity_id}: {n} statements erased from the store and the index");
    Ok(())
}
