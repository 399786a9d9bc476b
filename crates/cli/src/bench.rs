//! `clearstone bench ingest`: our ingest next to the limit, `sqlite3 .import`
//! of the same CSV files into plain tables, measured in one run, and the
//! ratio of the two next to the ratio recorded in `bench/ingest/results.toml`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clearstone_engine::Engine;

/// People in the calibration run that estimates source rows per person.
const CALIBRATION_PEOPLE: usize = 2_000;

/// The figures recorded in the source tree, the baseline unless another file is given.
const RECORDED: &str = include_str!("../../../bench/ingest/results.toml");

/// The recorded figures: a run falls short when its ratio is more than
/// `margin` (a fraction) below the recorded ratio for the same `--rows`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Recorded {
    margin: f64,
    #[serde(default)]
    run: Vec<RecordedRun>,
}

#[derive(Debug, serde::Deserialize)]
struct RecordedRun {
    rows: u64,
    ratio: f64,
    #[serde(default)]
    when: String,
}

fn recorded(baseline: Option<&Path>) -> Result<(Recorded, String)> {
    let (text, name) = match baseline {
        Some(p) => (
            std::fs::read_to_string(p).with_context(|| format!("cannot read `{}`", p.display()))?,
            p.display().to_string(),
        ),
        None => (
            RECORDED.to_string(),
            "bench/ingest/results.toml".to_string(),
        ),
    };
    let r: Recorded = toml::from_str(&text).with_context(|| format!("in `{name}`"))?;
    if !(0.0..1.0).contains(&r.margin) {
        bail!(
            "in `{name}`: margin must be a fraction from 0 to 1, got `{}`",
            r.margin
        );
    }
    Ok((r, name))
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn size(p: &Path) -> u64 {
    std::fs::metadata(p).map_or(0, |m| m.len())
}

pub fn ingest(rows: u64, work: Option<&Path>, baseline: Option<&Path>) -> Result<()> {
    // Read first: a bad baseline should not cost a whole run.
    let (record, record_name) = recorded(baseline)?;
    let tmp;
    let work: PathBuf = match work {
        Some(w) => w.to_path_buf(),
        None => {
            tmp = std::env::temp_dir().join(format!("clearstone-bench-{}", std::process::id()));
            tmp.clone()
        }
    };
    let calib = clearstone_demo::generate(
        &clearstone_demo::Options {
            seed: 7,
            people: CALIBRATION_PEOPLE,
        },
        &work.join("calibration"),
    )?;
    let per_person = calib.total_rows() as f64 / CALIBRATION_PEOPLE as f64;
    let people = ((rows as f64 / per_person).ceil() as usize).max(1);
    let src = work.join("sources");
    let t = Instant::now();
    let generated =
        clearstone_demo::generate(&clearstone_demo::Options { seed: 42, people }, &src)?;
    eprintln!(
        "generated {} rows for {people} people in {:.1} s",
        generated.total_rows(),
        t.elapsed().as_secs_f64()
    );

    // Generating 10M rows holds more than ingesting them may: the ingest's
    // peak is measured from here.
    let generation_rss = peak_rss_mb();
    crate::bench_rules::reset_peak();

    let data = work.join("data");
    if data.exists() {
        std::fs::remove_dir_all(&data)
            .with_context(|| format!("cannot clear `{}`", data.display()))?;
    }
    let engine = Engine::init(&data, None)?;
    crate::demo::register(&engine)?;
    let session = engine.session(crate::demo::demo_session())?;
    let t = Instant::now();
    let (mut csv_bytes, mut csv_secs, mut all_bytes, mut all_rows, mut statements) =
        (0u64, 0f64, 0u64, 0u64, 0u64);
    let mut csv_files = Vec::new();
    let mut load = session.ingest_load();
    for m in &generated.mappings {
        let s = load.ingest(m, &mut |_| {})?;
        // Per file, to see where a regression lies. Records and statements
        // beside rows: a source of four records a row costs four times as
        // much a row, and is not slow for that.
        let per_s = |n: u64| n as f64 / s.seconds.max(1e-9);
        eprintln!(
            "  {:<32} {:>9} rows {:>8.2} s {:>6.1} MB/s {:>8.0} records/s {:>8.0} statements/s",
            s.source,
            s.rows_read,
            s.seconds,
            s.bytes_read as f64 / 1e6 / s.seconds.max(1e-9),
            per_s(s.entities_touched),
            per_s(s.statements_new + s.statements_seen)
        );
        all_bytes += s.bytes_read;
        all_rows += s.rows_read;
        statements += s.statements_new;
        if s.source.ends_with(".csv") {
            csv_bytes += s.bytes_read;
            csv_secs += s.seconds;
            csv_files.push(m.parent().unwrap_or(Path::new(".")).join(&s.source));
        }
    }
    // The load's one index commit belongs to every file: the CSV files
    // take their share of it by bytes.
    let commit = Instant::now();
    load.finish()?;
    let commit_secs = commit.elapsed().as_secs_f64();
    csv_secs += commit_secs * csv_bytes as f64 / all_bytes.max(1) as f64;
    eprintln!("  index commit at the end of the load {commit_secs:8.2} s");
    let secs = t.elapsed().as_secs_f64();
    let rss = peak_rss_mb();

    let limit_db = work.join("limit.db");
    let _ = std::fs::remove_file(&limit_db);
    let mut script = String::from(".mode csv\n");
    for (i, f) in csv_files.iter().enumerate() {
        let head = std::fs::read(f).with_context(|| format!("cannot read `{}`", f.display()))?;
        let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
        let sep = [b';', b'\t', b'|']
            .into_iter()
            .find(|c| first.contains(c))
            .map_or(",".to_string(), |c| (c as char).to_string());
        script.push_str(&format!(
            ".separator \"{}\"\n.import '{}' t{i}\n",
            sep.escape_default(),
            f.display()
        ));
    }
    let csv_file_bytes: u64 = csv_files.iter().map(|f| size(f)).sum();
    let t = Instant::now();
    let out = Command::new("sqlite3")
        .arg(&limit_db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            if let Some(mut stdin) = c.stdin.take() {
                stdin.write_all(script.as_bytes())?;
            }
            c.wait()
        });
    let limit_secs = t.elapsed().as_secs_f64();
    match out {
        Ok(s) if s.success() => {}
        Ok(s) => bail!("sqlite3 .import failed ({s})"),
        Err(e) => bail!("cannot run sqlite3 (install Debian's `sqlite3`): {e}"),
    }

    let mb = |b: u64| b as f64 / 1e6;
    println!(
        "ingest benchmark ({} source rows, {} files, {:.1} MB)",
        all_rows,
        generated.mappings.len(),
        mb(all_bytes)
    );
    println!(
        "  clearstone, all sources : {secs:8.2} s  {:>10.0} rows/s  {:>10.0} statements/s  {:6.1} MB/s",
        all_rows as f64 / secs,
        statements as f64 / secs,
        mb(all_bytes) / secs
    );
    println!(
        "  clearstone, CSV only    : {csv_secs:8.2} s  {:6.1} MB/s",
        mb(csv_bytes) / csv_secs.max(1e-9)
    );
    println!(
        "  sqlite3 .import, CSV    : {limit_secs:8.2} s  {:6.1} MB/s",
        mb(csv_file_bytes) / limit_secs.max(1e-9)
    );
    let ratio = (mb(csv_bytes) / csv_secs.max(1e-9)) / (mb(csv_file_bytes) / limit_secs.max(1e-9));
    let before = record.run.iter().find(|r| r.rows == rows);
    println!(
        "  ratio (CSV MB/s, ours / limit): {ratio:.3}   recorded: {}",
        before.map_or_else(
            || format!("none for --rows {rows} in `{record_name}`"),
            |r| format!("{:.3} ({})", r.ratio, r.when)
        )
    );
    println!("  peak RSS, ingest: {rss:.0} MB (generation before it: {generation_rss:.0} MB)");
    if let Some(r) = before {
        let floor = r.ratio * (1.0 - record.margin);
        if ratio < floor {
            bail!(
                "ingest regressed: ratio {ratio:.3} is below {floor:.3}, the recorded {:.3} for --rows {rows} less the margin of {:.0}% (`{record_name}`)",
                r.ratio,
                record.margin * 100.0
            );
        }
    }
    Ok(())
}
