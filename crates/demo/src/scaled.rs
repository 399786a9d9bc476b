//! The indicator benchmark's data set: only the sources the shipped rules
//! read (HR, absence, overtime, declarations, crime nominals, complaints,
//! access cards and events, the companies register), at a chosen number of
//! staff and access events, streamed to disk like the full demo; and one
//! more day of access events to ingest after a first evaluation.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::out::{create, io};
use crate::people::{World, today};
use crate::rng::Rng;
use crate::sources::{self, Ctx, station};
use crate::{DemoError, SourceFile};

/// The mapping the next day's events are ingested with.
pub const NEXT_DAY_MAPPING: &str = "access_events_next_day.toml";
const NEXT_DAY_FILE: &str = "access_events_next_day.jsonl";

/// Days of access events the door and audit systems export.
const ACCESS_DAYS: f64 = 60.0;

/// Staff are this share of the world's people (`World::new`).
const STAFF_PER_100_PEOPLE: u64 = 8;

const TAG: u64 = 0x5CA1;

/// Scale of the benchmark's data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaledOptions {
    pub seed: u64,
    pub staff: u32,
    /// Usual access events in all (about: each member of staff draws theirs).
    pub events: u64,
}

/// What [`generate_scaled`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scaled {
    /// Mapping files in ingest order.
    pub mappings: Vec<PathBuf>,
    pub sources: Vec<SourceFile>,
    /// `rule,part,entity_id` as in the full demo.
    pub indicator_truth: PathBuf,
}

impl Scaled {
    pub fn total_rows(&self) -> u64 {
        self.sources.iter().map(|s| s.rows).sum()
    }
}

/// The source file a mapping reads (its `[source] path`).
fn mapping_source(text: &str) -> Option<&str> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("path = "))
        .map(|v| v.trim().trim_matches('"'))
}

/// Writes the indicator sources for `opts.staff` members of staff into `dir`.
pub fn generate_scaled(opts: &ScaledOptions, dir: &Path) -> Result<Scaled, DemoError> {
    let people = u64::from(opts.staff) * 100 / STAFF_PER_100_PEOPLE;
    let people_usize = usize::try_from(people).map_err(|_| DemoError::Scale(usize::MAX))?;
    if !(crate::PEOPLE_MIN..=crate::PEOPLE_MAX).contains(&people_usize) {
        return Err(DemoError::Scale(people_usize));
    }
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let world = World::new(opts.seed, people as u32);
    let mut cx = Ctx::new(&world, dir)?;
    cx.access_per_staff = opts.events as f64 / f64::from(world.n_staff.max(1));
    sources::write_indicator_sources(&mut cx)?;
    let written: Vec<String> = cx.sources.iter().map(|s| s.file.clone()).collect();
    let mut mappings = Vec::new();
    for (name, text) in sources::MAPPINGS {
        if mapping_source(text).is_some_and(|f| written.iter().any(|w| w == f)) {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|e| io(&path, e))?;
            mappings.push(path);
        }
    }
    let (_, _, _, _, sources) = cx.finish()?;
    let indicator_truth = crate::indicators::write_truth(&world, dir)?;
    Ok(Scaled {
        mappings,
        sources,
        indicator_truth,
    })
}

/// Writes one more day of access events (`day` days from today, 1 being
/// tomorrow), about a 60th of `opts.events`, and the mapping that ingests
/// them into the same dataset. Returns the mapping and the events written.
pub fn write_next_day(
    opts: &ScaledOptions,
    dir: &Path,
    day: u32,
) -> Result<(PathBuf, u64), DemoError> {
    let people = u64::from(opts.staff) * 100 / STAFF_PER_100_PEOPLE;
    let world = World::new(opts.seed, people as u32);
    let per_staff = opts.events as f64 / ACCESS_DAYS / f64::from(world.n_staff.max(1));
    let date = today()
        .add_days(i32::try_from(day).unwrap_or(i32::MAX))
        .iso();
    let path = dir.join(NEXT_DAY_FILE);
    let mut f = std::io::BufWriter::with_capacity(1 << 16, create(&path)?);
    let mut n = 0u64;
    for k in 0..world.n_staff {
        let mut r = Rng::for_item(opts.seed ^ u64::from(day), TAG, u64::from(k));
        let events = r.count(per_staff, (per_staff * 10.0).max(1.0) as u32);
        for _ in 0..events {
            n += 1;
            let (kind, action) = if r.chance(0.5) {
                ("DOOR", r.pick(&["IN", "OUT", "DENY"]))
            } else {
                ("SYS", r.pick(&["LOGIN", "LOGOUT", "VIEW"]))
            };
            writeln!(
                f,
                r#"{{"event_id":"ED{day:03}-{n:010}","staff_no":"{}","date":"{date}","time":"{:02}:{:02}:00","type":"{kind}","action":"{action}","location":"{}","device":"CR-{:04}"}}"#,
                world.staff_no(k),
                r.range(0, 23),
                r.range(0, 59),
                station(&world, k),
                r.below(400)
            )
            .map_err(|e| io(&path, e))?;
        }
    }
    f.flush().map_err(|e| io(&path, e))?;
    let text = sources::MAPPINGS
        .iter()
        .find(|(name, _)| *name == "access_events.toml")
        .map(|(_, text)| text.replace("\"access_events.jsonl\"", &format!("\"{NEXT_DAY_FILE}\"")))
        .unwrap_or_default();
    let mapping = dir.join(NEXT_DAY_MAPPING);
    std::fs::write(&mapping, text).map_err(|e| io(&mapping, e))?;
    Ok((mapping, n))
}
