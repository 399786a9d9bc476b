//! The `clearstone` command. A thin layer: every operation on data goes
//! through an engine session.

mod args;
mod bench;
mod demo;
mod output;
mod progress;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use clearstone_engine::{Engine, EngineError, ExportFormat, SessionRequest};

use args::{BenchWhat, Cli, Command, ExportWhat, QuarantineAction, SessionArgs};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let engine = e.downcast_ref::<EngineError>();
            let user = engine.is_none_or(EngineError::is_user_error);
            match engine {
                Some(ee) => eprintln!("error[{}]: {ee}", ee.code()),
                None => eprintln!("error: {e:#}"),
            }
            ExitCode::from(if user { 1 } else { 2 })
        }
    }
}

fn request(s: &SessionArgs) -> SessionRequest {
    SessionRequest {
        principal: s.user.clone(),
        purpose: s.purpose.clone(),
        justification: s.justification.clone(),
        case_ref: s.case_ref.clone(),
    }
}

fn open(dir: &Path) -> Result<Engine> {
    Ok(Engine::open(dir)?)
}

pub fn ingest_all(
    engine: &Engine,
    s: &SessionRequest,
    mappings: &[std::path::PathBuf],
) -> Result<Vec<clearstone_engine::IngestSummary>> {
    let session = engine.session(s.clone())?;
    let mut out = Vec::new();
    for m in mappings {
        let mut bar = progress::Progress::new(&m.display().to_string());
        let r = session.ingest(m, &mut |p| bar.update(p));
        bar.finish();
        let sum = r?;
        println!("{}", output::summary_line(&sum));
        out.push(sum);
    }
    Ok(out)
}

fn run(cli: Cli) -> Result<()> {
    let dir = cli.data_dir.as_path();
    match cli.command {
        Command::Init { ontology } => {
            let text = match &ontology {
                Some(p) => Some(
                    std::fs::read_to_string(p)
                        .with_context(|| format!("cannot read `{}`", p.display()))?,
                ),
                None => None,
            };
            let name = ontology
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            Engine::init(dir, text.as_deref().map(|t| (t, name.as_str())))?;
            println!("initialised `{}`", dir.display());
        }
        Command::Ingest { mappings, session } => {
            ingest_all(&open(dir)?, &request(&session), &mappings)?;
        }
        Command::Datasets { json, session } => {
            let e = open(dir)?;
            let ds = e.session(request(&session))?.datasets()?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&output::datasets_json(&ds))?
                );
            } else {
                print!("{}", output::datasets_text(&ds));
            }
        }
        Command::Runs { limit, session } => {
            let e = open(dir)?;
            print!(
                "{}",
                output::runs_text(&e.session(request(&session))?.ingest_runs(limit)?)
            );
        }
        Command::Show {
            entity_id,
            json,
            session,
        } => {
            let e = open(dir)?;
            let entity = e.session(request(&session))?.show(&entity_id)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&output::entity_json(&entity))?
                );
            } else {
                print!("{}", output::entity_text(&entity));
            }
        }
        Command::Export {
            what:
                ExportWhat::Statements {
                    format,
                    out,
                    recipient,
                    session,
                },
        } => {
            let e = open(dir)?;
            let s = e.session(request(&session))?;
            let fmt = ExportFormat::parse(&format).context("unknown format")?;
            let sink: Box<dyn Write + Send> = match &out {
                Some(p) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(p)
                        .with_context(|| format!("cannot create `{}`", p.display()))?,
                )),
                None if fmt == ExportFormat::Parquet => anyhow::bail!("parquet needs --out FILE"),
                None => Box::new(std::io::stdout()),
            };
            let n = s.export_statements(fmt, sink, &recipient)?;
            eprintln!("exported {n} statements");
        }
        Command::Quarantine { action } => match action {
            QuarantineAction::List {
                dataset,
                limit,
                json,
                session,
            } => {
                let e = open(dir)?;
                let (rows, total) = e
                    .session(request(&session))?
                    .quarantine(dataset.as_deref(), limit)?;
                if json {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&output::quarantine_json(&rows))?
                    );
                } else {
                    print!("{}", output::quarantine_text(&rows, total));
                }
            }
            QuarantineAction::Replay { dataset, session } => {
                let e = open(dir)?;
                let r = e
                    .session(request(&session))?
                    .replay_quarantine(dataset.as_deref())?;
                println!(
                    "replayed {} records: {} released ({} new statements), {} still failing",
                    r.examined, r.released, r.statements_new, r.still_failing
                );
            }
        },
        Command::Demo { scale, seed } => demo::run(dir, scale, seed)?,
        Command::Bench {
            what: BenchWhat::Ingest { rows, work_dir },
        } => bench::ingest(rows, work_dir.as_deref())?,
    }
    Ok(())
}
