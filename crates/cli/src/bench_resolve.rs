//! `clearstone bench resolve`: `resolve` through the engine on demo people
//! next to `clearstone link` on the same records as CSV, with equivalent
//! settings, in one run: time, peak memory and pairwise F1 against the
//! generator's truth.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clearstone_engine::{DEFAULT_PERSON_SETTINGS, Engine, ResolveOptions};

const SEED: u64 = 42;

/// The CSV column behind each property the engine's settings read, as the
/// people mapping loads them.
const CSV_COLUMNS: [(&str, &[&str]); 7] = [
    ("first_name", &["given_name"]),
    ("last_name", &["surname"]),
    ("birth_date", &["date_of_birth"]),
    ("national_insurance_number", &["soc_sec_id"]),
    ("address.street", &["street_number", "address_1"]),
    ("address.town", &["suburb"]),
    ("address.postcode", &["postcode"]),
];

/// The engine's person settings rewritten for the people CSV: the same
/// fields, comparisons, blocking and training, read from the columns the
/// mapping loads each property from. A property the people file does not
/// hold is missing from every record the engine reads too, so its field,
/// and the rules and training sessions on it, are left out for both alike.
fn link_settings(engine_settings: &str) -> Result<String> {
    let mut doc: toml::Table = toml::from_str(engine_settings).context("in the engine settings")?;
    let fields = doc
        .get_mut("field")
        .and_then(toml::Value::as_array_mut)
        .context("the engine settings have no [[field]]")?;
    let mut dropped: Vec<String> = Vec::new();
    fields.retain_mut(|f| {
        let Some(f) = f.as_table_mut() else {
            return true;
        };
        let name = f
            .get("name")
            .and_then(toml::Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let props: Vec<String> = match f.get("columns").and_then(toml::Value::as_array) {
            Some(cs) => cs
                .iter()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect(),
            None => vec![name.clone()],
        };
        let columns: Vec<toml::Value> = props
            .iter()
            .filter_map(|p| CSV_COLUMNS.iter().find(|(prop, _)| prop == p))
            .flat_map(|(_, cs)| cs.iter().map(|c| toml::Value::from(*c)))
            .collect();
        if columns.is_empty() {
            dropped.push(name);
            return false;
        }
        f.insert("columns".into(), toml::Value::Array(columns));
        if f.get("kind").and_then(toml::Value::as_str) == Some("date") {
            f.insert(
                "formats".into(),
                toml::Value::Array(vec![toml::Value::from("%Y%m%d")]),
            );
        }
        true
    });
    // A key names its field, or its field and a transform (`given:prefix1`).
    let reads_dropped = |rule: &toml::Value| {
        rule.get("keys")
            .and_then(toml::Value::as_array)
            .is_some_and(|keys| {
                keys.iter().filter_map(toml::Value::as_str).any(|k| {
                    let field = k.split(':').next().unwrap_or(k);
                    dropped.iter().any(|d| d == field)
                })
            })
    };
    let mut rules_dropped: Vec<String> = Vec::new();
    if let Some(rules) = doc.get_mut("blocking").and_then(toml::Value::as_array_mut) {
        rules.retain(|r| {
            let gone = reads_dropped(r);
            if gone && let Some(n) = r.get("name").and_then(toml::Value::as_str) {
                rules_dropped.push(n.to_owned());
            }
            !gone
        });
    }
    if let Some(sessions) = doc
        .get_mut("training")
        .and_then(|t| t.get_mut("sessions"))
        .and_then(toml::Value::as_array_mut)
    {
        sessions.retain(|s| {
            s.as_str()
                .is_none_or(|n| !rules_dropped.iter().any(|d| d == n))
        });
    }
    doc.insert("id_column".into(), toml::Value::from("rec_id"));
    Ok(toml::to_string(&doc)?)
}

/// The process's resident memory now and its high-water mark, in MB.
fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU seconds the process has used (user and system), from
/// `/proc/self/stat` in clock ticks of 1/100 s, Linux's `USER_HZ`: on a
/// shared machine the wall time says more about the neighbours.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|t| t.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// Starts a phase's high-water mark at the memory resident now (Linux).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Pairwise precision, recall and F1 of `clusters` (record, cluster) against
/// `truth` (record, person), over the records both name.
fn pairwise_f1(
    clusters: &HashMap<String, String>,
    truth: &HashMap<String, String>,
) -> (f64, f64, f64) {
    let pairs = |counts: HashMap<(&str, &str), u64>| -> u64 {
        counts.values().map(|n| n * n.saturating_sub(1) / 2).sum()
    };
    let (mut by_cluster, mut by_person, mut by_both) =
        (HashMap::new(), HashMap::new(), HashMap::new());
    for (record, c) in clusters {
        let Some(p) = truth.get(record) else { continue };
        *by_cluster.entry((c.as_str(), "")).or_insert(0u64) += 1;
        *by_person.entry((p.as_str(), "")).or_insert(0u64) += 1;
        *by_both.entry((c.as_str(), p.as_str())).or_insert(0u64) += 1;
    }
    let (found, real, right) = (pairs(by_cluster), pairs(by_person), pairs(by_both));
    let precision = right as f64 / found.max(1) as f64;
    let recall = right as f64 / real.max(1) as f64;
    let f1 = 2.0 * precision * recall / (precision + recall).max(f64::MIN_POSITIVE);
    (precision, recall, f1)
}

/// Copies the directory `from` (files and folders) to `to`, its owner's
/// alone as a data directory must be.
pub(crate) fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(to)
        .with_context(|| format!("cannot create `{}`", to.display()))?;
    for entry in
        std::fs::read_dir(from).with_context(|| format!("cannot read `{}`", from.display()))?
    {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("cannot copy `{}`", entry.path().display()))?;
        }
    }
    Ok(())
}

fn read_pairs(path: &Path, prefix: &str) -> Result<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let mut out = HashMap::new();
    for row in r.records() {
        let row = row.with_context(|| format!("in `{}`", path.display()))?;
        if let (Some(a), Some(b)) = (row.get(0), row.get(1)) {
            out.insert(format!("{prefix}{a}"), b.to_owned());
        }
    }
    Ok(out)
}

struct Phase {
    secs: f64,
    cpu: f64,
    start_mb: f64,
    peak_mb: f64,
}

fn measured<T>(run: impl FnOnce() -> Result<T>) -> Result<(T, Phase)> {
    reset_peak();
    let (start_mb, _) = rss_mb();
    let (t, cpu) = (Instant::now(), cpu_secs());
    let out = run()?;
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu;
    let (_, peak_mb) = rss_mb();
    Ok((
        out,
        Phase {
            secs,
            cpu,
            start_mb,
            peak_mb,
        },
    ))
}

pub fn resolve(records: usize, work: Option<&Path>) -> Result<()> {
    let tmp;
    let work: PathBuf = match work {
        Some(w) => w.to_path_buf(),
        None => {
            tmp = std::env::temp_dir().join(format!("clearstone-bench-{}", std::process::id()));
            tmp.clone()
        }
    };
    let src = work.join("sources");
    let data = work.join("data");
    let ingested = work.join("ingested");
    let stamp = work.join("prepared");
    let prepared = std::fs::read_to_string(&stamp).ok() == Some(records.to_string());
    let settings = link_settings(DEFAULT_PERSON_SETTINGS)?;
    let link_toml = work.join("person-link.toml");
    let truth_prefix = "people:person:";

    if !prepared {
        let t = Instant::now();
        clearstone_demo::write_people_csv(SEED, records, &src)?;
        std::fs::write(src.join("people.toml"), clearstone_demo::PEOPLE_MAPPING)?;
        eprintln!(
            "generated {records} records in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        for dir in [&data, &ingested] {
            if dir.exists() {
                std::fs::remove_dir_all(dir)
                    .with_context(|| format!("cannot clear `{}`", dir.display()))?;
            }
        }
        let engine = Engine::init(&data, None)?;
        crate::demo::register(&engine)?;
        let session = engine.session(crate::demo::demo_session())?;
        let t = Instant::now();
        session.ingest(&src.join("people.toml"), &mut |_| {})?;
        eprintln!("ingested in {:.1} s", t.elapsed().as_secs_f64());
        drop(session);
        drop(engine);
        // Kept as ingested, so that each later run resolves the same store
        // for the first time rather than one an earlier run resolved.
        copy_dir(&data, &ingested)?;
        std::fs::write(&stamp, records.to_string())?;
    } else {
        eprintln!(
            "reusing the {records} records ingested in `{}`",
            data.display()
        );
        if ingested.exists() {
            std::fs::remove_dir_all(&data)
                .with_context(|| format!("cannot clear `{}`", data.display()))?;
            copy_dir(&ingested, &data)?;
        }
    }
    std::fs::write(&link_toml, &settings)?;
    let truth = read_pairs(&src.join("truth.csv"), truth_prefix)?;

    // Link first: nothing else has run in the process yet.
    let (links, clusters) = (work.join("links.csv"), work.join("clusters.csv"));
    let inputs = [src.join("people.csv")];
    let ((), link) = measured(|| {
        crate::link::run(&crate::link::LinkArgs {
            settings: &link_toml,
            inputs: &inputs,
            id_column: None,
            out: &links,
            clusters: Some(&clusters),
            model: None,
            save_model: None,
            min_probability: None,
            rejected: None,
            explain: &[],
        })
    })?;
    let link_f1 = pairwise_f1(&read_pairs(&clusters, truth_prefix)?, &truth);

    let engine = Engine::open(&data)?;
    let session = engine.session(crate::demo::demo_session())?;
    let (summary, resolve) = measured(|| {
        Ok(session.resolve(&ResolveOptions {
            schema: "Person".into(),
            ..ResolveOptions::default()
        })?)
    })?;
    // The first search after a run reads the new cluster map: what a
    // resolution now leaves for later instead of rewriting the index.
    let (first_search, search) = measured(|| {
        Ok(session.search(
            "smith",
            clearstone_engine::SearchPage {
                offset: 0,
                size: 20,
            },
        )?)
    })?;
    let canonical: HashMap<String, String> = session.canonical_ids("Person")?.into_iter().collect();
    let engine_f1 = pairwise_f1(&canonical, &truth);

    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "resolve benchmark ({records} demo people records; load average {})",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "  {:<22} {:>9} {:>9} {:>11} {:>11} {:>9} {:>9} {:>9}",
        "", "time", "CPU", "start RSS", "peak RSS", "precision", "recall", "F1"
    );
    let row = |name: &str, p: &Phase, (pr, re, f1): (f64, f64, f64)| {
        println!(
            "  {name:<22} {:>7.2} s {:>7.2} s {:>8.0} MB {:>8.0} MB {pr:>9.4} {re:>9.4} {f1:>9.4}",
            p.secs, p.cpu, p.start_mb, p.peak_mb
        );
    };
    row("resolve (engine)", &resolve, engine_f1);
    row("link (CSV)", &link, link_f1);
    println!(
        "  engine / link: time {:.2}x, CPU {:.2}x, peak memory {:.2}x; {} records, {} pairs, {} linked, {} clusters",
        resolve.secs / link.secs.max(1e-9),
        resolve.cpu / link.cpu.max(1e-9),
        resolve.peak_mb / link.peak_mb.max(1e-9),
        summary.records,
        summary.pairs,
        summary.links,
        summary.clusters
    );
    let width = summary
        .phases
        .iter()
        .map(|(p, _)| p.len())
        .max()
        .unwrap_or(0);
    for (phase, secs) in &summary.phases {
        println!("    {phase:<width$} {secs:>8.2} s");
    }
    println!(
        "  first search after the run (`smith`, {} hits): {:.3} s, {:.3} s CPU",
        first_search.total, search.secs, search.cpu
    );
    Ok(())
}
