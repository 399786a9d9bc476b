//! The `clearstone` command. A thin layer: every operation on data goes
//! through an engine session.

mod args;
mod bench;
mod bench_http;
mod bench_resolve;
mod bench_rules;
mod bench_serve;
mod casework;
mod demo;
mod demo_quality;
mod demo_rules;
mod explore;
mod fairness_monthly;
mod http_post;
mod link;
mod model_endpoints;
mod notes;
mod notes_search;
mod output;
mod progress;
mod registers;
mod resolution;
mod review;
mod rules;
mod search;
mod web;

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser as _;
use clearstone_engine::{
    Destination, Disclosure, Engine, EngineError, ExportFormat, SessionRequest, SharedDir,
};

use args::{
    AuditAction, BenchWhat, Cli, Command, ExportWhat, IndexAction, JudgementAction, PolicyAction,
    PurposeAction, QuarantineAction, ReferencesAction, ResolveAction, SessionArgs, UserAction,
    WitnessAction,
};

/// `clearstone search smith | head` closes the pipe early: end quietly, as
/// other command-line tools do, rather than report a failure to print.
/// (Events are already stored; the next open signs any still pending.)
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .unwrap_or_default();
        if message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    // Exit code 2 means a fault in clearstone; a mistyped command is the
    // user's to fix (1), and help or the version asked for is no error (0).
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::from(e.use_stderr()));
        }
    };
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

/// An id that must be a number: one that is not is still an attempt of
/// the session, refused as one event naming the command alone.
pub(crate) fn number_id(
    s: &clearstone_engine::Session<'_>,
    command: &str,
    id: &str,
) -> Result<i64> {
    if let Ok(n) = id.trim().parse() {
        return Ok(n);
    }
    s.refuse_command(command, "invalid_input")?;
    Err(EngineError::InvalidInput(format!("an id is a number, not `{id}`")).into())
}

fn request(s: &SessionArgs) -> SessionRequest {
    SessionRequest {
        principal: s.user.clone(),
        purpose: s.purpose.clone(),
        justification: s.justification.clone(),
        reason: s.reason.clone(),
        case_ref: s.case_ref.clone(),
        break_glass: s.break_glass,
        token: None,
    }
}

/// Writes `bytes` to `path` as an export would: never through a symbolic
/// link or over another user's file, and readable by its owner alone.
fn write_own_file(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    clearstone_engine::writable_destination(path)?;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .and_then(|mut f| f.write_all(bytes))
        .with_context(|| format!("cannot write `{}`", path.display()))
}

/// Writes the receipt for the session's last event, once it is signed.
fn write_receipt(s: &clearstone_engine::Session<'_>, path: Option<&Path>) -> Result<()> {
    let Some(path) = path else { return Ok(()) };
    let id = s.last_event().context("no event to give a receipt for")?;
    write_own_file(path, s.receipt(id)?.as_bytes())?;
    eprintln!("receipt for event {id} written to `{}`", path.display());
    Ok(())
}

/// Writes the access's receipt if asked, then the entity.
fn print_entity(
    s: &clearstone_engine::Session<'_>,
    entity: &clearstone_engine::Entity,
    json: bool,
    receipt: Option<&Path>,
) -> Result<()> {
    write_receipt(s, receipt)?;
    emit(
        json,
        || output::entity_json(entity),
        || output::entity_text(entity),
    )
}

/// Prints a result as pretty JSON or as text.
fn emit(
    json: bool,
    as_json: impl FnOnce() -> serde_json::Value,
    as_text: impl FnOnce() -> String,
) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(&as_json())?);
    } else {
        print!("{}", as_text());
    }
    Ok(())
}

/// Set once from `--allow-shared-permissions` before any command runs.
static SHARED_DIR: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Opens the data directory, refusing one other users can read unless told.
pub fn open_engine(dir: &Path) -> Result<Engine, EngineError> {
    let shared = match SHARED_DIR.load(std::sync::atomic::Ordering::Relaxed) {
        true => SharedDir::Allow,
        false => SharedDir::Refuse,
    };
    Engine::open_with(dir, shared)
}

fn open(dir: &Path) -> Result<Engine> {
    Ok(open_engine(dir)?)
}

pub fn ingest_all(
    engine: &Engine,
    s: &SessionRequest,
    mappings: &[std::path::PathBuf],
) -> Result<Vec<clearstone_engine::IngestSummary>> {
    let session = engine.session(s.clone())?;
    let mut load = session.ingest_load();
    let mut out = Vec::new();
    for m in mappings {
        let mut bar = progress::Progress::new(&m.display().to_string());
        let r = load.ingest(m, &mut |p| bar.update(p));
        bar.finish();
        let sum = r?;
        println!("{}", output::summary_line(&sum));
        out.push(sum);
    }
    load.finish()?;
    Ok(out)
}

fn run(cli: Cli) -> Result<()> {
    SHARED_DIR.store(
        cli.allow_shared_permissions,
        std::sync::atomic::Ordering::Relaxed,
    );
    let dir = cli.data_dir.as_path();
    match cli.command {
        Command::Init { ontology, admin } => {
            // Before the directory is made, so a bad id leaves nothing behind.
            if !clearstone_engine::is_register_id(&admin) {
                anyhow::bail!(
                    "administrator `{admin}`: a user id is 1 to {} letters, digits, `-`, `_`, `.` or `@`",
                    clearstone_engine::REGISTER_ID_CHARS_MAX
                );
            }
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
            let engine = Engine::init(dir, text.as_deref().map(|t| (t, name.as_str())))?;
            engine.bootstrap_admin(&admin)?;
            println!(
                "initialised `{}`; administrator `{admin}` works under purpose `{}` to add users and purposes",
                dir.display(),
                clearstone_engine::ADMIN_PURPOSE
            );
        }
        Command::Ingest {
            mappings,
            resolve,
            session,
        } => {
            let e = open(dir)?;
            ingest_all(&e, &request(&session), &mappings)?;
            if let Some(schema) = resolve {
                resolution::after_ingest(&e.session(request(&session))?, &schema)?;
            }
        }
        Command::Datasets { json, session } => {
            let e = open(dir)?;
            let ds = e.session(request(&session))?.datasets()?;
            emit(
                json,
                || output::datasets_json(&ds),
                || output::datasets_text(&ds),
            )?;
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
            receipt,
            session,
        } => {
            let e = open(dir)?;
            let s = e.session(request(&session))?;
            print_entity(&s, &s.show(&entity_id)?, json, receipt.as_deref())?;
        }
        Command::Dossier {
            entity_id,
            json,
            session,
        } => {
            let e = open(dir)?;
            explore::dossier(&e.session(request(&session))?, &entity_id, json)?;
        }
        Command::Graph { action } => explore::graph(dir, action)?,
        Command::Export {
            what:
                ExportWhat::Statements {
                    format,
                    out,
                    recipient,
                    gateway,
                    receipt,
                    session,
                },
        } => {
            let e = open(dir)?;
            let s = e.session(request(&session))?;
            let fmt = ExportFormat::parse(&format).context("unknown format")?;
            if out.is_none() && fmt == ExportFormat::Parquet {
                anyhow::bail!("parquet needs --out FILE");
            }
            let disclosure = Disclosure {
                recipient: &recipient,
                gateway: gateway.as_deref(),
            };
            // The bytes leave only once the disclosure is logged: a refused
            // export writes nothing and leaves an existing `--out` as it was.
            let n = export_to(out.as_deref(), |to| {
                Ok(s.export_statements(fmt, to, &disclosure)?)
            })?;
            eprintln!("exported {n} statements");
            write_receipt(&s, receipt.as_deref())?;
        }
        Command::Export {
            what:
                ExportWhat::Clusters {
                    schema,
                    format,
                    out,
                    recipient,
                    gateway,
                    receipt,
                    session,
                },
        } => {
            let e = open(dir)?;
            let s = e.session(request(&session))?;
            let fmt = ExportFormat::parse(&format).context("unknown format")?;
            let disclosure = Disclosure {
                recipient: &recipient,
                gateway: gateway.as_deref(),
            };
            let n = export_to(out.as_deref(), |to| {
                Ok(s.export_clusters(&schema, fmt, to, &disclosure)?)
            })?;
            eprintln!("exported {n} records with their clusters");
            write_receipt(&s, receipt.as_deref())?;
        }
        Command::References {
            action:
                ReferencesAction::Dangling {
                    dataset,
                    limit,
                    json,
                    session,
                    resolve,
                },
        } => {
            let e = open(dir)?;
            let s = e.session(request(&session))?;
            if resolve {
                let found = s.resolve_dangling_references()?;
                eprintln!(
                    "{} references found by value, {} ambiguous (two or more records hold the value)",
                    found.resolved, found.ambiguous
                );
            }
            let refs = s.dangling_references(dataset.as_deref(), limit)?;
            emit(
                json,
                || output::dangling_json(&refs),
                || output::dangling_text(&refs),
            )?;
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
                emit(
                    json,
                    || output::quarantine_json(&rows),
                    || output::quarantine_text(&rows, total),
                )?;
            }
            QuarantineAction::Replay {
                dataset,
                session,
                from,
            } => {
                let e = open(dir)?;
                let s = e.session(request(&session))?;
                let r = match &from {
                    Some(file) => s.replay_quarantine_from(dataset.as_deref(), file)?,
                    None => s.replay_quarantine(dataset.as_deref())?,
                };
                println!(
                    "replayed {} records: {} released ({} new statements), {} still failing",
                    r.examined, r.released, r.statements_new, r.still_failing
                );
            }
        },
        Command::Demo {
            scale,
            seed,
            no_ingest,
            no_serve,
            listen,
        } => {
            demo::run(dir, scale, seed, no_ingest)?;
            if !no_serve && !no_ingest {
                web::serve_demo(dir, listen)?;
            }
        }
        Command::Serve { serve } => web::serve(dir, &serve)?,
        Command::Token { action } => web::token(dir, action)?,
        Command::User { action } => match action {
            UserAction::Add {
                id,
                name,
                roles,
                unit,
                clearance,
                caveats,
                attributes,
                service,
                session,
            } => {
                let e = open(dir)?;
                let s = e.session(request(&session))?;
                let p = registers::principal(
                    &id,
                    name.as_deref(),
                    &roles,
                    unit.as_deref(),
                    &clearance,
                    &caveats,
                    &attributes,
                    service,
                )?;
                s.put_user(&p)?;
                println!("{}", registers::principal_line(&p));
            }
            UserAction::List { session } => {
                for p in open(dir)?.session(request(&session))?.users()? {
                    println!("{}", registers::principal_line(&p));
                }
            }
            UserAction::Disable { id, session } => {
                open(dir)?.session(request(&session))?.disable_user(&id)?;
                println!("disabled `{id}`");
            }
            UserAction::SetPassword { id, session } => web::set_password(dir, &id, &session)?,
            UserAction::Enrol {
                id,
                base_url,
                session,
            } => web::enrol(dir, &id, &base_url, &session)?,
        },
        Command::Purpose { action } => match action {
            PurposeAction::Add { file, session } => {
                // The session first: a refusal must not depend on the file.
                let e = open(dir)?;
                let s = e.session(request(&session))?;
                let p = registers::purpose_from_file(&file)?;
                s.put_purpose(&p)?;
                println!("{}", registers::purpose_line(&p));
            }
            PurposeAction::List { session } => {
                for p in open(dir)?.session(request(&session))?.purposes()? {
                    println!("{}", registers::purpose_line(&p));
                }
            }
        },
        Command::Policy {
            action: PolicyAction::Check { file, session },
        } => {
            // In a session: the file is read by the engine's user, and the
            // check is an act like any other (its errors place problems by
            // line without repeating the file's text).
            let e = open(dir)?;
            let s = e.session(request(&session))?;
            let path = file.unwrap_or_else(|| dir.join("policy.cedar"));
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read `{}`", path.display()))?;
            let sha256 = s.check_policy(&text, &path.display().to_string())?;
            println!(
                "`{}` is valid against the schema (sha256 {sha256})",
                path.display()
            );
        }
        Command::Reveal {
            entity_id,
            property,
            json,
            receipt,
            session,
        } => {
            let e = open(dir)?;
            let s = e.session(request(&session))?;
            print_entity(
                &s,
                &s.reveal(&entity_id, &property)?,
                json,
                receipt.as_deref(),
            )?;
        }
        Command::BreakGlass {
            end: true, session, ..
        } => {
            open(dir)?.session(request(&session))?.end_break_glass()?;
            println!("break-glass ended: commands with --break-glass are refused from now on");
        }
        Command::BreakGlass {
            minutes, session, ..
        } => {
            let minutes = minutes.unwrap_or_default();
            let g = open(dir)?
                .session(request(&session))?
                .start_break_glass(minutes)?;
            println!(
                "break-glass for `{}` until {}: add --break-glass to each command; every act is flagged for review",
                g.principal, g.expires_at
            );
        }
        Command::Events {
            limit,
            json,
            session,
        } => {
            let evs = open(dir)?.session(request(&session))?.events(limit)?;
            let differ = evs
                .iter()
                .filter(|ev| {
                    ev.flags
                        .iter()
                        .any(|f| f == clearstone_engine::STORE_DIFFERS)
                })
                .count();
            if differ > 0 {
                eprintln!(
                    "warning: {differ} events differ from the store's event table, which was edited; shown as the signed log holds them"
                );
            }
            emit(
                json,
                || output::events_json(&evs),
                || output::events_text(&evs),
            )?;
        }
        Command::Witness { action } => match action {
            WitnessAction::Serve {
                dir: wdir,
                listen,
                name,
                logs,
            } => {
                let mut w = clearstone_witness::Witness::open(&wdir, &name)?;
                for l in &logs {
                    w.add_log(l)?;
                }
                let listener = std::net::TcpListener::bind(&listen)
                    .with_context(|| format!("cannot listen on `{listen}`"))?;
                eprintln!(
                    "witness {} listening on http://{listen}/add-checkpoint",
                    w.verifier_key()
                );
                clearstone_witness::serve(&listener, &w, None)?;
            }
            WitnessAction::Key { dir: wdir, name } => println!(
                "{}",
                clearstone_witness::Witness::open(&wdir, &name)?.verifier_key()
            ),
        },
        Command::Audit { action } => match action {
            AuditAction::Key => println!("{}", open(dir)?.log_verifier_key()?),
            AuditAction::Receipt { event_id, session } => {
                print!("{}", {
                    let e = open(dir)?;
                    let s = e.session(request(&session))?;
                    s.receipt(number_id(&s, "audit receipt", &event_id)?)?
                });
            }
            AuditAction::Query {
                subject,
                principal,
                from,
                to,
                operations,
                out,
                session,
            } => {
                if let Some(p) = &out {
                    clearstone_engine::writable_destination(p)?;
                }
                let e = open(dir)?;
                let q = clearstone_engine::Oversight {
                    subject,
                    principal,
                    from,
                    to,
                    operations,
                };
                let report = e.session(request(&session))?.oversee(&q)?;
                let text = clearstone_engine::oversight_jsonl(&report);
                match out {
                    Some(p) => {
                        write_own_file(&p, text.as_bytes())?;
                        eprintln!(
                            "{} events with inclusion proofs written to `{}`",
                            report.evidence.len(),
                            p.display()
                        );
                    }
                    None => print!("{text}"),
                }
            }
        },
        Command::Alerts {
            limit,
            rule,
            json,
            session,
        } => rules::alerts(
            &open(dir)?.session(request(&session))?,
            limit,
            rule.as_deref(),
            json,
        )?,
        Command::Search {
            query,
            page,
            size,
            json,
            session,
        } => search::search(
            &open(dir)?.session(request(&session))?,
            &query,
            page,
            size,
            json,
        )?,
        Command::Index {
            action: IndexAction::Rebuild { session },
        } => search::rebuild(&open(dir)?.session(request(&session))?)?,
        Command::Erase {
            entity_id,
            why,
            session,
        } => search::erase(&open(dir)?.session(request(&session))?, &entity_id, &why)?,
        Command::Resolve {
            action:
                Some(ResolveAction::Profile {
                    schema,
                    settings,
                    format,
                    session,
                }),
            ..
        } => resolution::profile(
            &open(dir)?.session(request(&session))?,
            &schema,
            settings.as_deref(),
            format == "json",
        )?,
        Command::Resolve {
            action: None,
            schema,
            settings,
            model,
            incremental,
            session,
        } => resolution::resolve(
            &open(dir)?.session(request(&session))?,
            &schema,
            settings.as_deref(),
            model.as_deref(),
            incremental,
        )?,
        Command::Review {
            schema,
            limit,
            session,
        } => review::review(&open(dir)?.session(request(&session))?, &schema, limit)?,
        Command::Judge {
            left,
            right,
            verdict,
            why,
            session,
        } => {
            let j = open(dir)?.session(request(&session))?.judge(
                &left,
                &right,
                &verdict.replace('-', "_"),
                &why,
            )?;
            println!("{}", review::judgement_line(&j));
        }
        Command::Judgements {
            action,
            schema,
            withdrawn,
            session,
        } => {
            let engine = open(dir)?;
            let s = engine.session(request(&session))?;
            match action {
                Some(JudgementAction::Withdraw { id, why }) => {
                    println!(
                        "{}",
                        review::judgement_line(&s.withdraw_judgement(
                            number_id(&s, "judgements withdraw", &id)?,
                            &why
                        )?)
                    );
                }
                None => print!(
                    "{}",
                    review::judgements_text(&s.judgements(&schema, withdrawn)?, &schema, withdrawn)
                ),
            }
        }
        Command::Explain {
            left,
            right,
            json,
            session,
        } => {
            review::explain(&open(dir)?.session(request(&session))?, &left, &right, json)?;
        }
        Command::Link {
            settings,
            inputs,
            id_column,
            out,
            clusters,
            model,
            save_model,
            min_probability,
            rejected,
            explain,
        } => link::run(&link::LinkArgs {
            settings: &settings,
            inputs: &inputs,
            id_column: id_column.as_deref(),
            out: &out,
            clusters: clusters.as_deref(),
            model: model.as_deref(),
            save_model: save_model.as_deref(),
            min_probability,
            rejected: rejected.as_deref(),
            explain: &explain,
        })?,
        Command::Bench {
            what:
                BenchWhat::Ingest {
                    rows,
                    work_dir,
                    baseline,
                },
        } => bench::ingest(rows, work_dir.as_deref(), baseline.as_deref())?,
        Command::Bench {
            what: BenchWhat::Resolve { people, work_dir },
        } => bench_resolve::resolve(people, work_dir.as_deref())?,
        Command::ReviewAlert(a) => {
            casework::review_alert(&open(dir)?.session(request(&a.session))?, &a)?;
        }
        Command::Case { action } => {
            let engine = open(dir)?;
            let s = engine.session(request(casework::case_session(&action)))?;
            casework::case(&s, &action)?;
        }
        Command::Fairness { action } => {
            let session = casework::fairness_session(&action);
            casework::fairness(&open(dir)?.session(request(session))?, &action)?;
        }
        Command::Simulate { what } => casework::simulate_feedback(&what),
        Command::Rules { action } => rules::rules(dir, action)?,
        Command::Notes { action } => notes::run(action, dir)?,
        Command::Bench {
            what:
                BenchWhat::Serve {
                    people,
                    clients,
                    seconds,
                    work_dir,
                },
        } => bench_serve::serve(&bench_serve::Options {
            people,
            clients,
            seconds,
            work_dir,
        })?,
        Command::Bench {
            what:
                BenchWhat::Rules {
                    staff,
                    events,
                    work_dir,
                    skip_resolve,
                    copy_store,
                    phase,
                },
        } => bench_rules::rules(&bench_rules::Options {
            staff,
            events,
            work_dir,
            skip_resolve,
            copy_store,
            phase,
        })?,
    }
    Ok(())
}

/// Runs an export into the file named, or onto standard output.
fn export_to<T>(out: Option<&Path>, run: impl FnOnce(Destination<'_>) -> Result<T>) -> Result<T> {
    let mut stdout = std::io::stdout();
    run(match out {
        Some(p) => Destination::File(p),
        None => Destination::Stream(&mut stdout),
    })
}
