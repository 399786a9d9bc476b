//! Command-line grammar.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  clearstone demo                                   generate, ingest and summarise the demo data
  clearstone init --data-dir ./data
  clearstone ingest --mapping demo/demo-sources/hr_staff.toml --user ana --purpose pds-investigation \\
      --justification \"complaint 2026/114\"
  clearstone show hr:staff:100004 --json
  clearstone dossier hr:staff:100004
  clearstone graph expand hr:staff:100004 --hops 2
  clearstone export statements --format parquet --out all.parquet --recipient \"ICO audit\"
  clearstone quarantine list --dataset hr
  clearstone quarantine replay

Session flags (--user, --purpose, --justification, --case) can also come from
CLEARSTONE_USER, CLEARSTONE_PURPOSE, CLEARSTONE_JUSTIFICATION and CLEARSTONE_CASE.
Exit codes: 0 ok, 1 your input needs fixing, 2 internal error.";

#[derive(Parser)]
#[command(name = "clearstone", version, about = "Open data integration and investigation for public bodies, behind one accountable gate", after_help = EXAMPLES)]
pub struct Cli {
    /// The data directory (database, keys, quarantine).
    #[arg(
        long,
        global = true,
        env = "CLEARSTONE_DATA_DIR",
        default_value = "clearstone-data"
    )]
    pub data_dir: PathBuf,
    #[command(subcommand)]
    pub command: Command,
    /// Open a data directory that other users can read (refused otherwise).
    #[arg(long, global = true, env = "CLEARSTONE_ALLOW_SHARED_PERMISSIONS")]
    pub allow_shared_permissions: bool,
}

/// Who is asking, for what and why: required for anything touching personal data.
#[derive(Args, Clone, Default)]
pub struct SessionArgs {
    #[arg(long, env = "CLEARSTONE_USER", default_value = "")]
    pub user: String,
    #[arg(long, env = "CLEARSTONE_PURPOSE", default_value = "")]
    pub purpose: String,
    #[arg(long, env = "CLEARSTONE_JUSTIFICATION", default_value = "")]
    pub justification: String,
    /// Why, as a code: investigation, complaint, safeguarding, vetting, audit,
    /// data_quality, legal_request, other.
    #[arg(long, env = "CLEARSTONE_REASON")]
    pub reason: Option<String>,
    /// Case reference the work is for.
    #[arg(long = "case", env = "CLEARSTONE_CASE")]
    pub case_ref: Option<String>,
    /// Act under your break-glass grant (every act is flagged for review).
    #[arg(long)]
    pub break_glass: bool,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create a data directory (with the default ontology or your own) and
    /// register its first administrator.
    Init {
        #[arg(long)]
        ontology: Option<PathBuf>,
        /// The first administrator's user id.
        #[arg(long, default_value = "admin")]
        admin: String,
    },
    /// The users register (administrators).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// The purposes register (data protection officers).
    Purpose {
        #[command(subcommand)]
        action: PurposeAction,
    },
    /// Policies.
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// Show one entity's special-category values of one property (a logged act;
    /// the purpose must name a lawful condition).
    Reveal {
        entity_id: String,
        property: String,
        #[arg(long)]
        json: bool,
        /// Write a tlog-proof receipt for this access's event to FILE.
        #[arg(long)]
        receipt: Option<PathBuf>,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Start an emergency break-glass grant for yourself, or end yours (--end).
    BreakGlass {
        #[arg(long, required_unless_present = "end")]
        minutes: Option<u64>,
        /// End your grant now rather than when it runs out.
        #[arg(long, conflicts_with = "minutes")]
        end: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// The latest events, read from the signed log (needs a purpose with a DPA 2018 s.62(4) use).
    Events {
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// The tamper-evident log: its key, receipts, and an overseer's questions.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Run a witness: cosign another log's checkpoints after checking each
    /// extends the last (C2SP tlog-witness). Holds no personal data.
    Witness {
        #[command(subcommand)]
        action: WitnessAction,
    },
    /// Concerns raised for professional standards: the gate's self-monitoring
    /// and indicator rules' findings, in one queue.
    Alerts {
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Only the alerts of this indicator rule.
        #[arg(long)]
        rule: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Ingest the sources named by one or more mapping files: each is a run
    /// of its own, and their records become searchable together, at the end.
    Ingest {
        #[arg(long = "mapping", required = true)]
        mappings: Vec<PathBuf>,
        /// Then resolve this type: only the records the ingest touched are
        /// scored again, with the last run's model (everything when never resolved).
        #[arg(long, value_name = "TYPE")]
        resolve: Option<String>,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// List datasets with their owner, legal basis and counts.
    Datasets {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// The ingest log, newest first.
    Runs {
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Show one entity assembled from its statements, with provenance.
    Show {
        entity_id: String,
        #[arg(long)]
        json: bool,
        /// Write a tlog-proof receipt for this access's event to FILE.
        #[arg(long)]
        receipt: Option<PathBuf>,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Everything visible about one entity: its records, each value with its
    /// sources, links both ways, a timeline and how its records were joined
    /// (docs/dossier.md).
    Dossier {
        /// A canonical id or any of its source records.
        entity_id: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Link analysis over the references between entities (docs/graph.md).
    Graph {
        #[command(subcommand)]
        action: crate::explore::GraphAction,
    },
    /// Export data in open formats.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Records that could not be mapped.
    Quarantine {
        #[command(subcommand)]
        action: QuarantineAction,
    },
    /// Generate the demo data, ingest every source and print what loaded.
    Demo {
        /// Number of people in the fictional county.
        #[arg(long, default_value_t = 20_000)]
        scale: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Generate and register the demo users and purposes, but load nothing.
        #[arg(long)]
        no_ingest: bool,
        /// Load only: do not serve the demo afterwards.
        #[arg(long)]
        no_serve: bool,
        /// Where the demo is served.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
    },
    /// Link records in plain CSV files: one file to find its duplicates, two
    /// to link across them. Needs no data directory (docs/resolve.md).
    Link {
        /// The linkage settings (TOML).
        #[arg(long)]
        settings: PathBuf,
        /// One CSV file to deduplicate, or two to link.
        #[arg(long = "input", required = true)]
        inputs: Vec<PathBuf>,
        /// The column holding each record's id (default: the settings' `id_column`).
        #[arg(long)]
        id_column: Option<String>,
        /// Where to write the linked pairs (left_id,right_id,match_weight,match_probability).
        #[arg(long)]
        out: PathBuf,
        /// Where to write each record's cluster (id,cluster_id).
        #[arg(long)]
        clusters: Option<PathBuf>,
        /// Score with this saved model instead of training one.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Save the model used (trained or loaded) to this file.
        #[arg(long)]
        save_model: Option<PathBuf>,
        /// Write pairs at or above this probability (default: the settings' threshold).
        #[arg(long)]
        min_probability: Option<f64>,
        /// Keep rows that could not be read in this CSV file.
        #[arg(long)]
        rejected: Option<PathBuf>,
        /// Print why a pair of records scored what it did (repeatable).
        #[arg(long, num_args = 2, value_names = ["LEFT_ID", "RIGHT_ID"])]
        explain: Vec<String>,
    },
    /// Resolve entities: which records describe the same person (docs/resolve.md).
    #[command(args_conflicts_with_subcommands = true)]
    Resolve {
        #[command(subcommand)]
        action: Option<ResolveAction>,
        /// The entity type; its subtypes are resolved with it.
        #[arg(long = "type", default_value = "Person")]
        schema: String,
        /// Settings (TOML); the shipped person settings when absent.
        #[arg(long)]
        settings: Option<PathBuf>,
        /// Score with this saved model instead of training one.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Score only records no earlier run has seen, with the last run's model.
        #[arg(long)]
        incremental: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Decide uncertain pairs in the terminal, most uncertain first.
    Review {
        #[arg(long = "type", default_value = "Person")]
        schema: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Record that two records are (or are not) the same person.
    Judge {
        left: String,
        right: String,
        /// same, not_same or unsure.
        verdict: String,
        #[arg(long)]
        why: String,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// List judgements, or withdraw one.
    Judgements {
        #[command(subcommand)]
        action: Option<JudgementAction>,
        #[arg(long = "type", default_value = "Person")]
        schema: String,
        /// Include withdrawn judgements.
        #[arg(long)]
        withdrawn: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Why the model scores a pair as it does: the waterfall of match weights.
    Explain {
        left: String,
        right: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Find people, vehicles, reports...: `name:"jon smith" born:1980..1985
    /// type:person dataset:hr` (docs/search.md). Only what you may see is searched.
    Search {
        /// May start with `-` (an exclusion, `-dataset:hr`).
        #[arg(allow_hyphen_values = true)]
        query: String,
        /// Page number, from 1.
        #[arg(long, default_value_t = 1)]
        page: usize,
        /// Results per page.
        #[arg(long, default_value_t = 10)]
        size: usize,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// The search index (derived from the store).
    Index {
        #[command(subcommand)]
        action: IndexAction,
    },
    /// Erase one source record from the store and the index (a logged act).
    Erase {
        entity_id: String,
        /// Why: the erasure request's reference or the retention review.
        #[arg(long)]
        why: String,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Benchmarks, printed as numbers.
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
    /// References between records.
    References {
        #[command(subcommand)]
        action: ReferencesAction,
    },
    /// Serve the web application and the JSON API (docs/web.md).
    Serve {
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// API tokens for scripts: each opens sessions as one user under one purpose.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Review an alert: take it into review, decide, confirm a referral as a
    /// second reviewer, record representations; or the rubber-stamp report.
    ReviewAlert(crate::casework::ReviewAlertArgs),
    /// Cases: team, links, tasks, decisions and bundles (docs/cases.md).
    Case {
        #[command(subcommand)]
        action: crate::casework::CaseAction,
    },
    /// Fairness reports, aggregates only (docs/fairness.md).
    Fairness {
        #[command(subcommand)]
        action: crate::casework::FairnessAction,
    },
    /// Simulations on made-up data (docs/fairness.md).
    Simulate {
        #[command(subcommand)]
        what: crate::casework::SimulateWhat,
    },
    /// Indicator rules: check, register, activate, dry-run and run (docs/indicators.md).
    Rules {
        #[command(subcommand)]
        action: crate::rules::RulesAction,
    },
    /// Case notes: add, show with mentions, summarise and chronology with
    /// citations, confirm a summary, transcribe a recorded visit.
    Notes {
        #[command(subcommand)]
        action: crate::notes::NotesAction,
    },
}

#[derive(Subcommand)]
pub enum ReferencesAction {
    /// References to keys that no record holds (yet), as this session may see them.
    Dangling {
        #[arg(long)]
        dataset: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
        /// First look again for the records that references by a non-key
        /// column name (`by = ...`), and link those now found.
        #[arg(long)]
        resolve: bool,
    },
}

#[derive(Subcommand)]
pub enum UserAction {
    Add {
        id: String,
        #[arg(long)]
        name: Option<String>,
        /// Repeat for several roles.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        #[arg(long)]
        unit: Option<String>,
        /// OFFICIAL, OFFICIAL-SENSITIVE, SECRET or TOP-SECRET.
        #[arg(long, default_value = "OFFICIAL")]
        clearance: String,
        /// Handling caveats held (repeat).
        #[arg(long = "caveat")]
        caveats: Vec<String>,
        /// key=value (repeat): `person` (own record's entity id), `address`, `cases`.
        #[arg(long = "attr")]
        attributes: Vec<String>,
        /// A service principal for automated jobs.
        #[arg(long)]
        service: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    List {
        #[command(flatten)]
        session: SessionArgs,
    },
    Disable {
        id: String,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Set a user's password (your own, or anyone's as an administrator),
    /// read from standard input, never from the command line.
    SetPassword {
        id: String,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Issue a one-time enrolment link with which a user sets their password.
    Enrol {
        id: String,
        /// The server's address as users reach it, to print the link.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
        #[command(flatten)]
        session: SessionArgs,
    },
}

#[derive(Args, Clone)]
pub struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// PEM certificate chain; with --tls-key, serves HTTPS.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key.
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Allow plain HTTP on a non-loopback address (behind a TLS proxy).
    #[arg(long)]
    pub insecure_http: bool,
    /// Minutes a web session lives without a request.
    #[arg(long, default_value_t = 15)]
    pub idle_minutes: u64,
    /// Hours a web session lives at most.
    #[arg(long, default_value_t = 10)]
    pub absolute_hours: u64,
}

#[derive(Subcommand)]
pub enum TokenAction {
    /// Issue a token; it is printed once and only its hash is kept.
    Issue {
        /// The user it acts as (default: you; another user needs an administrator).
        #[arg(long = "for")]
        for_user: Option<String>,
        /// The purpose it works under (default: your session's).
        #[arg(long)]
        for_purpose: Option<String>,
        /// Why the script needs it (default: your session's justification).
        #[arg(long)]
        for_justification: Option<String>,
        #[arg(long)]
        for_reason: Option<String>,
        #[arg(long)]
        for_case: Option<String>,
        #[arg(long, default_value_t = 90)]
        days: i64,
        #[command(flatten)]
        session: SessionArgs,
    },
    Revoke {
        id: String,
        #[command(flatten)]
        session: SessionArgs,
    },
    List {
        #[command(flatten)]
        session: SessionArgs,
    },
}

#[derive(Subcommand)]
pub enum IndexAction {
    /// Recreate the index from the store.
    Rebuild {
        #[command(flatten)]
        session: SessionArgs,
    },
}

#[derive(Subcommand)]
pub enum PurposeAction {
    /// Add or replace a purpose from a TOML file (see docs/gate.md).
    Add {
        #[arg(long)]
        file: PathBuf,
        #[command(flatten)]
        session: SessionArgs,
    },
    List {
        #[command(flatten)]
        session: SessionArgs,
    },
}

#[derive(Subcommand)]
pub enum AuditAction {
    /// Print the log's verifier key (`name+keyid+base64`) for overseers.
    Key,
    /// A tlog-proof receipt for one event.
    Receipt {
        /// A number; one that is not is refused as one event.
        event_id: String,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Events from the log alone, as JSON Lines with inclusion proofs.
    Query {
        /// Who consulted this entity.
        #[arg(long)]
        subject: Option<String>,
        /// Everything this user did.
        #[arg(long = "by")]
        principal: Option<String>,
        /// From this ISO date or time (inclusive).
        #[arg(long)]
        from: Option<String>,
        /// Up to this ISO date or time (inclusive).
        #[arg(long)]
        to: Option<String>,
        /// Only these operations (repeat): disclose, reveal, consult, collect, …
        #[arg(long = "operation")]
        operations: Vec<String>,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        session: SessionArgs,
    },
}

#[derive(Subcommand)]
pub enum WitnessAction {
    /// Serve `POST /add-checkpoint`.
    Serve {
        /// The witness's own directory (key and state).
        #[arg(long)]
        dir: PathBuf,
        #[arg(long, default_value = "127.0.0.1:7380")]
        listen: String,
        /// The witness's name in its cosignatures (used when the key is created).
        #[arg(long, default_value = "clearstone.witness/w1")]
        name: String,
        /// A log to witness, by its verifier key (repeat; remembered).
        #[arg(long = "log")]
        logs: Vec<String>,
    },
    /// Print the witness's verifier key, for the logs' `witnesses` files.
    Key {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long, default_value = "clearstone.witness/w1")]
        name: String,
    },
}

#[derive(Subcommand)]
pub enum PolicyAction {
    /// Validate a policy file against the schema (the data directory's when absent).
    Check {
        file: Option<PathBuf>,
        #[command(flatten)]
        session: SessionArgs,
    },
}

#[derive(Subcommand)]
pub enum ExportWhat {
    /// Every statement, with provenance.
    Statements {
        #[arg(long, value_parser = ["csv", "jsonl", "parquet"])]
        format: String,
        /// Output file (standard output when absent; not for parquet).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Who receives the export (a disclosure is logged with its recipient).
        #[arg(long, env = "CLEARSTONE_RECIPIENT", default_value = "")]
        recipient: String,
        /// The law permitting the disclosure (the purpose's legal basis when absent).
        #[arg(long)]
        gateway: Option<String>,
        /// Write a tlog-proof receipt for this access's event to FILE.
        #[arg(long)]
        receipt: Option<PathBuf>,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Each resolved record, its canonical id and how it joined its cluster.
    Clusters {
        #[arg(long = "type", visible_alias = "schema", default_value = "Person")]
        schema: String,
        #[arg(long, value_parser = ["csv", "jsonl"], default_value = "csv")]
        format: String,
        /// Output file (standard output when absent).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Who receives the export (a disclosure is logged with its recipient).
        #[arg(long, env = "CLEARSTONE_RECIPIENT", default_value = "")]
        recipient: String,
        /// The law permitting the disclosure (the purpose's legal basis when absent).
        #[arg(long)]
        gateway: Option<String>,
        /// Write a tlog-proof receipt for this access's event to FILE.
        #[arg(long)]
        receipt: Option<PathBuf>,
        #[command(flatten)]
        session: SessionArgs,
    },
}

#[derive(Subcommand)]
pub enum QuarantineAction {
    List {
        #[arg(long)]
        dataset: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Map quarantined records again after the mapping or data was fixed.
    Replay {
        #[arg(long)]
        dataset: Option<String>,
        #[command(flatten)]
        session: SessionArgs,
        /// Take the records from this corrected export (matched by key, or by
        /// line where the key was missing) instead of as quarantined.
        #[arg(long)]
        from: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum JudgementAction {
    /// Withdraw a judgement (kept, marked withdrawn) and re-cluster.
    Withdraw {
        /// A number; one that is not is refused as one event.
        id: String,
        #[arg(long)]
        why: String,
    },
}

#[derive(Subcommand)]
pub enum BenchWhat {
    /// Ingest speed against `sqlite3 .import` of the same CSV files.
    Ingest {
        /// Source rows to generate (approximately).
        #[arg(long, default_value_t = 1_000_000)]
        rows: u64,
        /// Where to generate and ingest (a fresh temporary folder when absent).
        #[arg(long)]
        work_dir: Option<PathBuf>,
        /// Recorded figures to compare with (default: `bench/ingest/results.toml` as built).
        #[arg(long)]
        baseline: Option<PathBuf>,
    },
    /// `resolve` through the engine next to `link` on the same records as CSV.
    Resolve {
        /// Demo people records to generate and resolve.
        #[arg(long, default_value_t = 1_000_000)]
        people: usize,
        /// Where to generate and ingest; a second run with the same `--people` reuses the store.
        #[arg(long)]
        work_dir: Option<PathBuf>,
    },
    /// Dossier views, searches and 2-hop expansions through a real
    /// `clearstone serve` (pages and API) by concurrent signed-in users,
    /// next to the same acts on the engine directly.
    Serve {
        /// Demo people to generate and load (the demo's default scale).
        #[arg(long, default_value_t = 20_000)]
        people: usize,
        /// Concurrent signed-in users, each on its own connection.
        #[arg(long, default_value_t = 16)]
        clients: usize,
        /// How long each act is measured.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Where to generate and load; a second run with the same `--people` reuses the store.
        #[arg(long)]
        work_dir: Option<PathBuf>,
    },
    /// The shipped indicator rules at a scaled demo: ingest, a full
    /// evaluation, then one more day of access events and an incremental one.
    Rules {
        /// Members of staff to generate.
        #[arg(long, default_value_t = 50_000)]
        staff: u32,
        /// Access events to generate (about).
        #[arg(long, default_value_t = 10_000_000)]
        events: u64,
        /// Where to generate and load (a fresh temporary folder, removed after, when absent).
        #[arg(long)]
        work_dir: Option<PathBuf>,
        /// Leave resolution out: each record is then its own person.
        #[arg(long)]
        skip_resolve: bool,
        /// Add the next day's events to a fresh copy of the reused store,
        /// so that every run measures the same day (needs the store's size
        /// again in free disk).
        #[arg(long)]
        copy_store: bool,
        /// Run only this evaluation, in this process (how the benchmark
        /// starts each evaluation's own process).
        #[arg(long, value_enum, hide = true)]
        phase: Option<crate::bench_rules::Phase>,
    },
}

#[derive(Subcommand)]
pub enum ResolveAction {
    /// Each field's fill rate and distinct values, and the pairs each
    /// blocking rule would bring, before resolving.
    Profile {
        /// The entity type; its subtypes are profiled with it.
        #[arg(long = "type", default_value = "Person")]
        schema: String,
        /// Settings (TOML); the shipped person settings when absent.
        #[arg(long)]
        settings: Option<PathBuf>,
        /// `text` (a table) or `json`.
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
        #[command(flatten)]
        session: SessionArgs,
    },
}
