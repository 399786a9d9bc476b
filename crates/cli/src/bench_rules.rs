//! `clearstone bench rules`: the shipped indicator rules at a scaled demo
//! (the sources they read, at a chosen number of staff and access events):
//! ingest, a full evaluation, then one more day of access events and an
//! incremental evaluation. Each evaluation runs in a process of its own, as
//! `clearstone rules run` does, so its peak memory is its own and not what
//! the ingest before it left behind.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clearstone_engine::{
    ADMIN_PURPOSE, ActiveRuns, Engine, ResolveOptions, RunMode, SessionRequest,
};

const SEED: u64 = 42;

/// What a run measures.
pub struct Options {
    pub staff: u32,
    pub events: u64,
    pub work_dir: Option<PathBuf>,
    /// Leave resolution out (each record is then its own person).
    pub skip_resolve: bool,
    /// Add the next day to a fresh copy of the store, so that every run
    /// adds the same day to the same store (without it, each run adds one
    /// more day to the store itself).
    pub copy_store: bool,
    /// Set in the child process that runs one evaluation.
    pub phase: Option<Phase>,
}

/// One evaluation, run in a child process of the same binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Phase {
    Full,
    Incremental,
}

impl Phase {
    fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Incremental => "incremental",
        }
    }
}

/// The process's peak resident memory since the last reset, in MB.
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU seconds (user and system) the process has used: on a shared machine
/// the wall time of a phase says as much about the others' load as ours.
fn cpu_secs() -> f64 {
    // Linux's `USER_HZ`, the unit of `/proc/self/stat` times, is 100 on
    // every architecture the kernel exports it for.
    const TICKS_PER_SECOND: f64 = 100.0;
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces), from `state`.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / TICKS_PER_SECOND
}

/// Starts the peak over from the memory in use now, so that each phase
/// reports its own (Linux: writing 5 to `clear_refs` resets `VmHWM`).
pub(crate) fn reset_peak() {
    // Without it (an older kernel) each phase reports the peak so far.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn ingest(engine: &Engine, mappings: &[PathBuf]) -> Result<(u64, u64, f64)> {
    let session = engine.session(crate::demo::demo_session())?;
    let (mut rows, mut statements, mut secs) = (0u64, 0u64, 0f64);
    for m in mappings {
        let s = session.ingest(m, &mut |_| {})?;
        eprintln!(
            "  {:<32} {:>10} rows {:>8.1} s {:>9.0} rows/s",
            s.source,
            s.rows_read,
            s.seconds,
            s.rows_read as f64 / s.seconds.max(1e-9)
        );
        rows += s.rows_read;
        statements += s.statements_new;
        secs += s.seconds;
    }
    Ok((rows, statements, secs))
}

fn print_runs(what: &str, secs: f64, cpu: f64, peak: f64, runs: &ActiveRuns) {
    println!("  {what:<30} {secs:8.2} s   peak {peak:7.0} MB   {cpu:.2} s CPU");
    for r in &runs.runs {
        let again = r
            .evaluated
            .as_ref()
            .map(|p| format!(" ({} people evaluated again)", p.len()))
            .unwrap_or_default();
        println!(
            "    `{}` v{}: {} records read, {} people flagged{again}, {} new alerts, {} kept",
            r.rule_id,
            r.rule_version,
            r.records,
            r.flagged.len(),
            r.alerts_new,
            r.alerts_kept
        );
    }
    for f in &runs.failures {
        println!(
            "    `{}` v{} failed: {}",
            f.rule_id, f.rule_version, f.error
        );
    }
}

/// Runs one evaluation of every active rule in this process, which the
/// benchmark started for it, and prints its wall time, CPU time and the
/// process's own peak memory (engine opening included).
fn phase(data: &Path, phase: Phase) -> Result<()> {
    let (t, cpu) = (Instant::now(), cpu_secs());
    let engine = crate::open_engine(data)?;
    let mode = match phase {
        Phase::Full => RunMode::Full,
        Phase::Incremental => RunMode::Incremental,
    };
    let runs = engine.run_active_rules_in(crate::demo_rules::SERVICE, mode)?;
    drop(engine);
    print_runs(
        &format!("{} evaluation", phase.as_str()),
        t.elapsed().as_secs_f64(),
        cpu_secs() - cpu,
        peak_mb(),
        &runs,
    );
    Ok(())
}

/// Runs `phase` in a child process of this binary, as a user's
/// `clearstone rules run` would be, and fails when it does.
fn run_child(o: &Options, work: &Path, phase: Phase) -> Result<()> {
    let exe = std::env::current_exe().context("cannot find the running binary")?;
    let status = std::process::Command::new(exe)
        .args(["bench", "rules", "--staff", &o.staff.to_string()])
        .args(["--events", &o.events.to_string(), "--work-dir"])
        .arg(work)
        .args(["--phase", phase.as_str()])
        .args(o.copy_store.then_some("--copy-store"))
        .status()
        .context("cannot start the evaluation's process")?;
    anyhow::ensure!(
        status.success(),
        "the {} evaluation's process failed ({status})",
        phase.as_str()
    );
    Ok(())
}

pub fn rules(o: &Options) -> Result<()> {
    let tmp;
    let work: &Path = match &o.work_dir {
        Some(w) => w,
        None => {
            tmp =
                std::env::temp_dir().join(format!("clearstone-bench-rules-{}", std::process::id()));
            &tmp
        }
    };
    let scale = clearstone_demo::ScaledOptions {
        seed: SEED,
        staff: o.staff,
        events: o.events,
    };
    let src = work.join("sources");
    let data = work.join("data");
    // The store the next day goes into: with `copy_store`, a copy of
    // `data` made afresh for each run.
    let copy = work.join("data-next-day");
    let next = if o.copy_store { &copy } else { &data };
    if let Some(p) = o.phase {
        let dir = if p == Phase::Full { &data } else { next };
        return phase(dir, p);
    }
    let days = work.join("bench-rules-days");
    let marker = work.join("bench-rules-scale");
    let scale_text = format!("{} {} {SEED}", o.staff, o.events);
    let reuse = std::fs::read_to_string(&marker).is_ok_and(|t| t.trim() == scale_text);
    let engine = if reuse {
        println!(
            "rules benchmark: {} staff, reusing the store in `{}`",
            o.staff,
            data.display()
        );
        crate::open_engine(&data)?
    } else {
        let t = Instant::now();
        let generated = clearstone_demo::generate_scaled(&scale, &src)
            .context("cannot generate the scaled indicator sources")?;
        println!(
            "rules benchmark: {} staff, {} source rows ({} access events) generated in {:.1} s",
            o.staff,
            generated.total_rows(),
            generated
                .sources
                .iter()
                .find(|s| s.file == "access_events.jsonl")
                .map_or(0, |s| s.rows),
            t.elapsed().as_secs_f64()
        );
        if data.exists() {
            std::fs::remove_dir_all(&data)
                .with_context(|| format!("cannot clear `{}`", data.display()))?;
        }
        let _ = std::fs::remove_file(&marker);
        let _ = std::fs::remove_file(&days);
        let engine = Engine::init(&data, None)?;
        crate::demo::register(&engine)?;
        reset_peak();
        let cpu = cpu_secs();
        let (rows, statements, secs) = ingest(&engine, &generated.mappings)?;
        println!(
            "  ingest                         {secs:8.1} s   peak {:7.0} MB   {:.1} s CPU   {rows} rows, {statements} statements, {:.0} rows/s",
            peak_mb(),
            cpu_secs() - cpu,
            rows as f64 / secs.max(1e-9)
        );
        if !o.skip_resolve {
            reset_peak();
            let (t, cpu) = (Instant::now(), cpu_secs());
            let loader = engine.session(crate::demo::demo_session())?;
            let resolved = loader.resolve(&ResolveOptions {
                schema: "Person".into(),
                ..ResolveOptions::default()
            })?;
            drop(loader);
            println!(
                "  resolution                     {:8.1} s   peak {:7.0} MB   {:.1} s CPU   {} records into {} people",
                t.elapsed().as_secs_f64(),
                peak_mb(),
                cpu_secs() - cpu,
                resolved.records,
                resolved.clusters
            );
        }
        std::fs::write(&marker, &scale_text)
            .with_context(|| format!("cannot write `{}`", marker.display()))?;
        engine
    };

    let admin = engine.session(SessionRequest {
        principal: crate::demo::ADMIN.into(),
        purpose: ADMIN_PURPOSE.into(),
        justification: "registering the benchmark's indicator rules".into(),
        ..SessionRequest::default()
    })?;
    for (file, text) in clearstone_demo::INDICATOR_RULES {
        let (rule, _) = admin.register_rule(text, file)?;
        admin.activate_rule(&rule.id, rule.version, None, None)?;
    }
    drop(admin);
    // The evaluations open the store in processes of their own.
    drop(engine);
    run_child(o, work, Phase::Full)?;

    // A store reused without a copy already holds the days added before:
    // add the next.
    let day: u32 = if o.copy_store {
        if copy.exists() {
            std::fs::remove_dir_all(&copy)
                .with_context(|| format!("cannot clear `{}`", copy.display()))?;
        }
        let t = Instant::now();
        crate::bench_resolve::copy_dir(&data, &copy)?;
        println!(
            "  store copied for the next day  {:8.1} s",
            t.elapsed().as_secs_f64()
        );
        1
    } else {
        let day = std::fs::read_to_string(&days)
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0)
            + 1;
        std::fs::write(&days, day.to_string())
            .with_context(|| format!("cannot write `{}`", days.display()))?;
        day
    };
    let t = Instant::now();
    let (next_day, events) = clearstone_demo::write_next_day(&scale, &src, day)
        .context("cannot write the next day's access events")?;
    let gen_secs = t.elapsed().as_secs_f64();
    let engine = crate::open_engine(next)?;
    reset_peak();
    let (rows, _, secs) = ingest(&engine, &[next_day])?;
    println!(
        "  next day's ingest              {secs:8.1} s   peak {:7.0} MB   {rows} rows ({events} events generated in {gen_secs:.1} s)",
        peak_mb()
    );
    drop(engine);
    run_child(o, work, Phase::Incremental)?;
    if o.copy_store {
        let _ = std::fs::remove_dir_all(&copy);
    }
    if o.work_dir.is_none() {
        let _ = std::fs::remove_dir_all(work);
    }
    Ok(())
}
