//! `clearstone link`: probabilistic linkage of one CSV file (deduplication)
//! or two (linking only across them) for analysts who need nothing else. No
//! data directory is opened: the records are the caller's own files and
//! nothing reaches the platform's store or audit log.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clearstone_resolve::record::VALUE_SEPARATOR;
use clearstone_resolve::settings::Settings;
use clearstone_resolve::{
    ComparisonVectors, Features, Ids, Model, ScoredPair, Values, candidates, candidates_link,
    cluster, model_file,
};
use clearstone_text::DateFormats;
use rayon::prelude::*;

/// Records read and featurised at a time, so that the text of the input is
/// never held whole.
const CHUNK_RECORDS: usize = 65_536;
/// The first chunk is smaller, and each after as large as all before it up
/// to [`CHUNK_RECORDS`], so that computing features starts sooner rather
/// than waiting for a whole chunk to be read.
const FIRST_CHUNK_RECORDS: usize = 4_096;
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
    /// Ids of pairs to explain, two by two.
    pub explain: &'a [String],
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
    ids: Ids,
    /// Records of the first file; the rest are the second's.
    split: usize,
    bad: Vec<BadRow>,
    /// Per field: values that were not dates in the field's formats.
    unreadable_dates: Vec<u64>,
    /// Of the time reading, how much went to computing features.
    featurising: Duration,
}

pub fn run(a: &LinkArgs<'_>) -> Result<()> {
    let started = Instant::now();
    let text = std::fs::read_to_string(a.settings)
        .with_context(|| format!("cannot read settings `{}`", a.settings.display()))?;
    let settings = Settings::parse(&text, &a.settings.display().to_string())?;
    for w in &settings.warnings {
        eprintln!("warning: {w}");
    }
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
    eprintln!(
        "read {n} records in {:.2} s ({:.2} s of it computing features)",
        t.elapsed().as_secs_f64(),
        input.featurising.as_secs_f64()
    );

    let t = Instant::now();
    let split = u32::try_from(input.split).context("too many records")?;
    // `u` needs only the features: it is estimated while blocking runs, on
    // the cores blocking leaves idle between its steps.
    let (cands, with_u) = rayon::join(
        || {
            if a.inputs.len() == 2 {
                candidates_link(&input.features, split, &settings.rules, settings.pairs_max)
            } else {
                candidates(&input.features, &settings.rules, settings.pairs_max)
            }
        },
        || {
            a.model
                .is_none()
                .then(|| settings.estimate_u(&input.features))
        },
    );
    let cands = cands?;
    for c in &cands.counts {
        eprintln!(
            "  blocking rule {:<28} {:>12} pairs {:>12} new",
            c.rule, c.pairs, c.new_pairs
        );
    }
    eprintln!(
        "{} pairs to compare, blocked{} in {:.2} s",
        cands.pairs.len(),
        if with_u.is_some() {
            " (and u estimated)"
        } else {
            ""
        },
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
        None => settings.train_on_with_u(
            with_u.unwrap_or_else(|| settings.estimate_u(&input.features)),
            &input.features,
            &cands.pairs,
            Some(&cands.counts),
            &vectors,
        )?,
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

    explain(a.explain, &input, &model, &settings)?;

    let t = Instant::now();
    // Only the links are kept, in the candidates' order.
    // A pair that agrees on a decisive identifier is linked by rule.
    let by_rule = |s: &ScoredPair| {
        !settings.decisive.is_empty()
            && settings
                .rule_link(&input.features, s.left, s.right)
                .is_some()
    };
    let links = settings.scorer(&model).score_vectors_where(
        &input.features,
        &cands.pairs,
        &vectors,
        |s| s.probability() >= threshold || by_rule(s),
    )?;
    // Pairs a chain of links must not join, while the features are at hand.
    let apart = match a.clusters {
        Some(_) => settings.apart(&model, &input.features, &cands.pairs, &vectors, &links),
        None => Vec::new(),
    };
    drop((vectors, cands));
    write_links(a.out, &links, &input.ids, by_rule)?;
    eprintln!(
        "scored in {:.2} s; {} pairs at probability >= {threshold} written to `{}`",
        t.elapsed().as_secs_f64(),
        links.len(),
        a.out.display()
    );

    if let Some(path) = a.clusters {
        let n32 = u32::try_from(n).context("too many records")?;
        let roots = cluster(n32, &links, f64::NEG_INFINITY, &apart);
        let mut w = csv_writer(path)?;
        w.write_record(["id", "cluster_id"])?;
        for (i, root) in roots.iter().enumerate() {
            w.write_record([input.ids.get(i as u32), input.ids.get(*root)])?;
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

/// Prints the explanation of each pair of records named in `ids`.
fn explain(ids: &[String], input: &Input, model: &Model, settings: &Settings) -> Result<()> {
    let scorer = settings.scorer(model);
    let position = |id: &str| {
        (0..input.features.len() as u32)
            .find(|&i| input.ids.get(i) == id)
            .with_context(|| format!("--explain: no record has the id `{id}`"))
    };
    for pair in ids.chunks(2) {
        if let [left, right] = pair {
            let (l, r) = (position(left)?, position(right)?);
            let mut e = scorer.explain(&input.features, l, r);
            e.rule = settings.rule_link(&input.features, l, r).map(str::to_owned);
            print!("{left} and {right}\n{}", e.to_text());
        }
    }
    Ok(())
}

/// Links formatted per parallel task: formatting numbers costs more than
/// scoring the pairs did, so the rows are written in parallel and the
/// pieces joined in order.
const LINKS_PER_TASK: usize = 16_384;

/// Pairs linked by a rule are written with probability 1 and the model's
/// weight, which says what the other fields thought of them.
fn write_links(
    path: &Path,
    links: &[ScoredPair],
    ids: &Ids,
    by_rule: impl Fn(&ScoredPair) -> bool + Sync,
) -> Result<()> {
    let pieces: Vec<Vec<u8>> = links
        .par_chunks(LINKS_PER_TASK)
        .map(|chunk| {
            let mut out = Vec::with_capacity(chunk.len() * 48);
            for s in chunk {
                push_field(&mut out, ids.get(s.left));
                out.push(b',');
                push_field(&mut out, ids.get(s.right));
                out.push(b',');
                push_fixed(&mut out, s.weight, 4);
                out.push(b',');
                let p = if by_rule(s) { 1.0 } else { s.probability() };
                push_fixed(&mut out, p, 6);
                out.push(b'\n');
            }
            out
        })
        .collect();
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(path)
            .with_context(|| format!("cannot write `{}`", path.display()))?,
    );
    file.write_all(b"left_id,right_id,match_weight,match_probability\n")
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    for piece in &pieces {
        file.write_all(piece)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    file.flush()
        .with_context(|| format!("cannot write `{}`", path.display()))
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn push_field(out: &mut Vec<u8>, field: &str) {
    if field
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.push(b'"');
        for b in field.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(field.as_bytes());
    }
}

/// `x` with `decimals` digits after the point, as `{:.N}` writes it but
/// from the value rounded to an integer count of the last digit: general
/// float formatting, exact to the last bit, took most of writing the links.
fn push_fixed(out: &mut Vec<u8>, x: f64, decimals: u32) {
    let scale = 10u64.pow(decimals);
    let scaled = (x.abs() * scale as f64).round();
    if !scaled.is_finite() || scaled >= 1e18 {
        // Writing to a Vec cannot fail.
        let _ = write!(out, "{x:.*}", decimals as usize);
        return;
    }
    let scaled = scaled as u64;
    if x.is_sign_negative() {
        out.push(b'-');
    }
    let _ = write!(
        out,
        "{}.{:0width$}",
        scaled / scale,
        scaled % scale,
        width = decimals as usize
    );
}

fn csv_writer(path: &Path) -> Result<csv::Writer<std::fs::File>> {
    csv::Writer::from_path(path).with_context(|| format!("cannot write `{}`", path.display()))
}

fn read_inputs(settings: &Settings, inputs: &[PathBuf], id_column: &str) -> Result<Input> {
    // Parsing the text runs on this thread while another computes the
    // features of the chunk read before, so that neither waits for the
    // other; the two pass a few buffers of values back and forth.
    let (full, to_featurise) = mpsc::sync_channel::<Values>(1);
    let (emptied, empty) = mpsc::channel::<Values>();
    std::thread::scope(|scope| {
        let featuriser = scope.spawn(move || -> Result<(Features, Duration)> {
            let mut features = Features::new(&settings.schema);
            let mut busy = Duration::ZERO;
            for mut chunk in to_featurise {
                let t = Instant::now();
                features.extend_values(&chunk)?;
                busy += t.elapsed();
                chunk.clear();
                // The reader may have finished and gone.
                let _ = emptied.send(chunk);
            }
            Ok((features, busy))
        });
        let read = read_rows(settings, inputs, id_column, &full, &empty);
        drop(full);
        let featurised = featuriser
            .join()
            .map_err(|_| anyhow::anyhow!("computing features failed"))?;
        let (features, featurising) = featurised?;
        let (ids, split, bad, unreadable_dates) = read?;
        Ok(Input {
            features,
            ids,
            split,
            bad,
            unreadable_dates,
            featurising,
        })
    })
}

/// What reading the rows gave: the ids, where the second file starts, the
/// rows rejected and the unreadable dates per field.
type Rows = (Ids, usize, Vec<BadRow>, Vec<u64>);

/// Reads every row of the inputs, sends their values to `full` a chunk at
/// a time and takes buffers back from `empty`.
fn read_rows(
    settings: &Settings,
    inputs: &[PathBuf],
    id_column: &str,
    full: &mpsc::SyncSender<Values>,
    empty: &mpsc::Receiver<Values>,
) -> Result<Rows> {
    let fields = settings.schema.fields.len();
    let (mut ids, mut split, mut rejected) = (Ids::new(), 0, Vec::new());
    let mut unreadable = vec![0; fields];
    // Buffers of values and one row, reused: allocating a string per
    // field of every record is what reading a large file used to cost.
    let mut chunk = Values::new(fields);
    // Sends the chunk to be featurised and takes an empty one; false when
    // featurising has stopped on an error, which the caller reports.
    let hand_over = |chunk: &mut Values| -> bool {
        let next = empty.try_recv().unwrap_or_else(|_| Values::new(fields));
        full.send(std::mem::replace(chunk, next)).is_ok()
    };
    let mut row = csv::ByteRecord::new();
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
        let mut used: Vec<usize> = field_columns.iter().flatten().copied().collect();
        used.push(id_at);
        used.sort_unstable();
        used.dedup();
        loop {
            let more = match reader.read_byte_record(&mut row) {
                Ok(more) => more,
                Err(e) => {
                    let line = e.position().map_or(0, csv::Position::line);
                    rejected.push(BadRow {
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
                raw: row
                    .iter()
                    .map(String::from_utf8_lossy)
                    .collect::<Vec<_>>()
                    .join(","),
            };
            if row.len() != header.len() {
                rejected.push(bad(format!(
                    "{} columns, the header has {}",
                    row.len(),
                    header.len()
                )));
                continue;
            }
            // The whole row checked at once, which nearly every row passes;
            // otherwise only the columns read must be text.
            let whole = std::str::from_utf8(row.as_slice()).ok();
            if whole.is_none()
                && let Some(&c) = used
                    .iter()
                    .find(|&&c| std::str::from_utf8(row.get(c).unwrap_or_default()).is_err())
            {
                let column = header.get(c).unwrap_or_default();
                rejected.push(bad(format!("column `{column}` is not UTF-8 text")));
                continue;
            }
            let text = |c: usize| {
                let field = whole
                    .zip(row.range(c))
                    .and_then(|(w, r)| w.get(r))
                    .or_else(|| std::str::from_utf8(row.get(c)?).ok());
                field.unwrap_or_default().trim()
            };
            let rid = text(id_at);
            if rid.is_empty() {
                rejected.push(bad(format!("no id in column `{id_column}`")));
                continue;
            }
            if ids.insert(rid).is_none() {
                rejected.push(bad(format!("id `{rid}` appears more than once")));
                continue;
            }
            let dates = &mut unreadable;
            chunk.push(|f, out| {
                let start = out.len();
                let formats = settings.formats.get(f).and_then(Option::as_ref);
                if let Some(sep) = settings.separators.get(f).and_then(Option::as_deref) {
                    // Several values: each read on its own (a date in the
                    // field's formats) and joined as resolution expects.
                    for &c in field_columns.get(f).into_iter().flatten() {
                        for v in text(c).split(sep).map(str::trim).filter(|v| !v.is_empty()) {
                            let before = out.len();
                            if before > start {
                                out.push(VALUE_SEPARATOR);
                            }
                            let at = out.len();
                            out.push_str(v);
                            if let Some(formats) = formats {
                                read_date(out, at, formats, dates.get_mut(f));
                                if out.len() == at {
                                    out.truncate(before);
                                }
                            }
                        }
                    }
                    return;
                }
                for &c in field_columns.get(f).into_iter().flatten() {
                    let v = text(c);
                    if !v.is_empty() {
                        if out.len() > start {
                            out.push(' ');
                        }
                        out.push_str(v);
                    }
                }
                if let Some(Some(formats)) = settings.formats.get(f) {
                    read_date(out, start, formats, dates.get_mut(f));
                }
            });
            // Chunks double from the first until they are full size.
            let before = ids.len() - chunk.len();
            let full = before.clamp(FIRST_CHUNK_RECORDS, CHUNK_RECORDS);
            if chunk.len() >= full && !hand_over(&mut chunk) {
                return Ok((ids, split, rejected, unreadable));
            }
        }
        if !hand_over(&mut chunk) {
            break;
        }
        if file_no == 0 {
            split = ids.len();
        }
    }
    ids.seal();
    Ok((ids, split, rejected, unreadable))
}

/// A date field's value, the end of `text` from `start`, as resolution
/// reads it: in ISO 8601 whatever format the file wrote it in, or missing
/// (and counted in `unreadable`) when it is in none of the field's formats.
fn read_date(text: &mut String, start: usize, formats: &DateFormats, unreadable: Option<&mut u64>) {
    let Some(value) = text.get(start..).filter(|v| !v.is_empty()) else {
        return;
    };
    let date = formats.parse(value);
    text.truncate(start);
    match date {
        Ok(d) => d.push_iso(text),
        Err(_) => {
            if let Some(n) = unreadable {
                *n += 1;
            }
        }
    }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn fixed_point_numbers_are_written_as_format_writes_them() {
        // Weights and probabilities over their whole range, by a fixed
        // sequence of hashed values, with signs and round numbers.
        let mut xs = vec![0.0, -0.0, 1.0, -1.0, 0.5, 12.25, -3.999_99, 1e-9, -1e-9];
        let mut h = 1u64;
        for _ in 0..20_000 {
            h = h.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let unit = (h >> 11) as f64 / (1u64 << 53) as f64;
            xs.push(unit);
            xs.push((unit - 0.5) * 100.0);
        }
        for x in xs {
            for decimals in [4, 6] {
                let mut out = Vec::new();
                push_fixed(&mut out, x, decimals);
                let expected = format!("{x:.*}", decimals as usize);
                assert_eq!(String::from_utf8(out).unwrap(), expected, "{x}");
            }
        }
        let mut out = Vec::new();
        push_fixed(&mut out, f64::NEG_INFINITY, 4);
        assert_eq!(out, b"-inf");
    }

    #[test]
    fn fields_are_quoted_as_the_csv_writer_quotes_them() {
        for field in [
            "rec-1",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\r",
            "",
            " x ",
        ] {
            let mut ours = Vec::new();
            push_field(&mut ours, field);
            ours.push(b',');
            push_field(&mut ours, "y");
            ours.push(b'\n');
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([field, "y"]).unwrap();
            assert_eq!(ours, w.into_inner().unwrap(), "{field:?}");
        }
    }
}
