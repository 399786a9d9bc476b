//! `clearstone link`: probabilistic linkage of one CSV file (deduplication)
//! or two (linking only across them) for analysts who need nothing else. No
//! data directory is opened: the records are the caller's own files and
//! nothing reaches the platform's store or audit log.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clearstone_resolve::settings::Settings;
use clearstone_resolve::{
    ComparisonVectors, Features, Record, Scorer, candidates, candidates_link, cluster, model_file,
};
use clearstone_text::{Date, parse_date};

/// Records read and featurised at a time, so that the text of the input is
/// never held whole.
const CHUNK_RECORDS: usize = 65_536;
/// Bad rows printed before only their count is.
const BAD_ROWS_SHOWN: usize = 10;

pub struct LinkArgs<'a> {
    pub settings: &'a Path,
    pub inputs: &'a [PathBuf],
    pub id_column: Option<&'a str>,
    pub out: &'a Path,
    pub clusters: Option<&'a Path>,
    pub model: Option<&'a Path>,
    pub save_model: Option<&'a Path>,
    pub min_probability: Option<f64>,
    pub rejected: Option<&'a Path>,
}

/// A row that could not be read, and why.
struct BadRow {
    file: String,
    line: u64,
    reason: String,
    raw: String,
}

/// What reading the inputs gave.
struct Input {
    features: Features,
    ids: Vec<String>,
    /// Records of the first file; the rest are the second's.
    split: usize,
    bad: Vec<BadRow>,
    /// Per field: values that were not dates in the field's formats.
    unreadable_dates: Vec<u64>,
}

pub fn run(a: &LinkArgs<'_>) -> Result<()> {
    let started = Instant::now();
    let text = std::fs::read_to_string(a.settings)
        .with_context(|| format!("cannot read settings `{}`", a.settings.display()))?;
    let settings = Settings::parse(&text, &a.settings.display().to_string())?;
    let Some(id_column) = a.id_column.or(settings.id_column.as_deref()) else {
        bail!("no id column: give --id-column or `id_column` in the settings");
    };
    if a.inputs.is_empty() || a.inputs.len() > 2 {
        bail!("give one --input to deduplicate or two to link");
    }
    let threshold = a.min_probability.unwrap_or(settings.threshold);
    if !(0.0..=1.0).contains(&threshold) {
        bail!("--min-probability must be between 0 and 1");
    }

    let t = Instant::now();
    let input = read_inputs(&settings, a.inputs, id_column)?;
    report_bad(&input, &settings, a.rejected)?;
    let n = input.features.len();
    eprintln!("read {n} records in {:.2} s", t.elapsed().as_secs_f64());

    let t = Instant::now();
    let cands = if a.inputs.len() == 2 {
        let split = u32::try_from(input.split).context("too many records")?;
        candidates_link(&input.features, split, &settings.rules, settings.pairs_max)?
    } else {
        candidates(&input.features, &settings.rules, settings.pairs_max)?
    };
    for c in &cands.counts {
        eprintln!(
            "  blocking rule {:<28} {:>12} pairs {:>12} new",
            c.rule, c.pairs, c.new_pairs
        );
    }
    eprintln!(
        "{} pairs to compare, blocked in {:.2} s",
        cands.pairs.len(),
        t.elapsed().as_secs_f64()
    );

    // Each pair's levels, computed once for training and scoring both.
    let t = Instant::now();
    let vectors = ComparisonVectors::compute(&settings.comparisons, &input.features, &cands.pairs);
    eprintln!("compared in {:.2} s", t.elapsed().as_secs_f64());

    let t = Instant::now();
    let model = match a.model {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read model `{}`", path.display()))?;
            model_file::from_json(&text, &settings.comparisons)
                .map_err(|e| anyhow::anyhow!("model `{}`: {e}", path.display()))?
        }
        None => settings.train_on(&input.features, &cands.pairs, &vectors)?,
    };
    eprintln!(
        "model {} ({}) in {:.2} s",
        model.version,
        if a.model.is_some() {
            "loaded"
        } else {
            "trained"
        },
        t.elapsed().as_secs_f64()
    );
    if let Some(path) = a.save_model {
        std::fs::write(path, model_file::to_json(&model))
            .with_context(|| format!("cannot write model `{}`", path.display()))?;
    }

    let t = Instant::now();
    let scored = Scorer::new(&model).score_vectors(&input.features, &cands.pairs, &vectors)?;
    // Scores keep the candidates' order, which is sorted.
    let links: Vec<_> = scored
        .iter()
        .filter(|s| s.probability() >= threshold)
        .copied()
        .collect();
    let mut w = csv_writer(a.out)?;
    w.write_record(["left_id", "right_id", "match_weight", "match_probability"])?;
    for s in &links {
        let (l, r) = (id(&input.ids, s.left), id(&input.ids, s.right));
        w.write_record([
            l,
            r,
            &format!("{:.4}", s.weight),
            &format!("{:.6}", s.probability()),
        ])?;
    }
    w.flush()?;
    eprintln!(
        "scored in {:.2} s; {} pairs at probability >= {threshold} written to `{}`",
        t.elapsed().as_secs_f64(),
        links.len(),
        a.out.display()
    );

    if let Some(path) = a.clusters {
        let n32 = u32::try_from(n).context("too many records")?;
        let roots = cluster(n32, &links, f64::NEG_INFINITY, &[]);
        let mut w = csv_writer(path)?;
        w.write_record(["id", "cluster_id"])?;
        for (i, root) in roots.iter().enumerate() {
            w.write_record([id(&input.ids, i as u32), id(&input.ids, *root)])?;
        }
        w.flush()?;
        let distinct: HashSet<&u32> = roots.iter().collect();
        eprintln!(
            "{} clusters written to `{}`",
            distinct.len(),
            path.display()
        );
    }
    eprintln!("done in {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn id(ids: &[String], i: u32) -> &str {
    ids.get(i as usize).map_or("", String::as_str)
}

fn csv_writer(path: &Path) -> Result<csv::Writer<std::fs::File>> {
    csv::Writer::from_path(path).with_context(|| format!("cannot write `{}`", path.display()))
}

fn read_inputs(settings: &Settings, inputs: &[PathBuf], id_column: &str) -> Result<Input> {
    let fields = settings.schema.fields.len();
    let mut out = Input {
        features: Features::new(&settings.schema),
        ids: Vec::new(),
        split: 0,
        bad: Vec::new(),
        unreadable_dates: vec![0; fields],
    };
    let mut seen: HashSet<String> = HashSet::new();
    for (file_no, path) in inputs.iter().enumerate() {
        let name = path.display().to_string();
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(path)
            .with_context(|| format!("cannot read `{name}`"))?;
        let header = reader
            .headers()
            .with_context(|| format!("`{name}`: cannot read the header"))?
            .clone();
        let column = |c: &str| {
            header
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == c)
                .with_context(|| format!("`{name}` has no column `{c}`"))
        };
        let id_at = column(id_column)?;
        let field_columns = settings
            .columns
            .iter()
            .map(|cs| cs.iter().map(|c| column(c)).collect::<Result<Vec<_>>>())
            .collect::<Result<Vec<_>>>()?;
        let mut chunk: Vec<Record> = Vec::with_capacity(CHUNK_RECORDS);
        let mut row = csv::StringRecord::new();
        loop {
            let more = match reader.read_record(&mut row) {
                Ok(more) => more,
                Err(e) => {
                    let line = e.position().map_or(0, csv::Position::line);
                    out.bad.push(BadRow {
                        file: name.clone(),
                        line,
                        reason: e.to_string(),
                        raw: String::new(),
                    });
                    continue;
                }
            };
            if !more {
                break;
            }
            let line = row.position().map_or(0, csv::Position::line);
            let bad = |reason: String| BadRow {
                file: name.clone(),
                line,
                reason,
                raw: row.iter().collect::<Vec<_>>().join(","),
            };
            if row.len() != header.len() {
                out.bad.push(bad(format!(
                    "{} columns, the header has {}",
                    row.len(),
                    header.len()
                )));
                continue;
            }
            let rid = row.get(id_at).unwrap_or_default().trim();
            if rid.is_empty() {
                out.bad.push(bad(format!("no id in column `{id_column}`")));
                continue;
            }
            if !seen.insert(rid.to_owned()) {
                out.bad
                    .push(bad(format!("id `{rid}` appears more than once")));
                continue;
            }
            let mut values = Vec::with_capacity(fields);
            for (f, cols) in field_columns.iter().enumerate() {
                let joined = cols
                    .iter()
                    .filter_map(|&c| row.get(c).map(str::trim))
                    .filter(|v| !v.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                values.push(read_value(settings, f, joined, &mut out.unreadable_dates));
            }
            out.ids.push(rid.to_owned());
            chunk.push(Record {
                id: rid.to_owned(),
                fields: values,
            });
            if chunk.len() == CHUNK_RECORDS {
                featurise(&mut chunk, &mut out.features)?;
            }
        }
        featurise(&mut chunk, &mut out.features)?;
        if file_no == 0 {
            out.split = out.ids.len();
        }
    }
    Ok(out)
}

/// A field's value as resolution reads it: dates in ISO 8601 whatever
/// format the file wrote them in.
fn read_value(settings: &Settings, field: usize, v: String, dates: &mut [u64]) -> Option<String> {
    if v.is_empty() {
        return None;
    }
    let formats: Vec<&str> = settings
        .formats
        .get(field)
        .map(|f| f.iter().map(String::as_str).collect())
        .unwrap_or_default();
    if formats.is_empty() {
        return Some(v);
    }
    match parse_date(&v, &formats) {
        Ok(d) => Some(iso(d)),
        Err(_) => {
            if let Some(c) = dates.get_mut(field) {
                *c += 1;
            }
            None
        }
    }
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn featurise(chunk: &mut Vec<Record>, into: &mut Features) -> Result<()> {
    into.extend(chunk)?;
    chunk.clear();
    Ok(())
}

fn report_bad(input: &Input, settings: &Settings, rejected: Option<&Path>) -> Result<()> {
    for (count, field) in input.unreadable_dates.iter().zip(&settings.schema.fields) {
        if *count > 0 {
            eprintln!(
                "warning: {count} values of `{}` are not dates in its formats and are treated as missing",
                field.name
            );
        }
    }
    if input.bad.is_empty() {
        return Ok(());
    }
    for b in input.bad.iter().take(BAD_ROWS_SHOWN) {
        eprintln!("rejected: `{}` line {}: {}", b.file, b.line, b.reason);
    }
    eprintln!(
        "{} rows rejected{}",
        input.bad.len(),
        rejected.map_or_else(
            || " (give --rejected FILE to keep them)".to_owned(),
            |p| format!(", kept in `{}`", p.display())
        )
    );
    if let Some(path) = rejected {
        let mut w = csv_writer(path)?;
        w.write_record(["file", "line", "reason", "row"])?;
        for b in &input.bad {
            w.write_record([b.file.as_str(), &b.line.to_string(), &b.reason, &b.raw])?;
        }
        w.flush()?;
    }
    Ok(())
}
