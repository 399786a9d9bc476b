//! `clearstone dossier` and `clearstone graph ...`: one entity with
//! everything visible about it, and the links between entities, every step
//! through a session.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;
use clearstone_engine::{
    Connections, Day, Destination, Disclosure, Dossier, GraphEdge, GraphFormat, GraphNode, Network,
    Session, SharedAssociates, Span, graph_limits,
};

use crate::args::SessionArgs;

#[derive(Subcommand)]
pub enum GraphAction {
    /// The entities one reference away, with the references.
    Neighbours {
        id: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// The entities within N references and the references among them.
    Expand {
        id: String,
        #[arg(long, default_value_t = 2)]
        hops: u32,
        /// Follow only references of this property (repeat): subject, staff_member, address, ...
        #[arg(long = "kind")]
        kinds: Vec<String>,
        /// Only references whose record's dates reach this date or later (YYYY, YYYY-MM or YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Only references whose record's dates start on or before this date.
        #[arg(long)]
        to: Option<String>,
        /// At most this many entities (up to 1,000).
        #[arg(long)]
        nodes_max: Option<usize>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// How two entities connect: a shortest path and every path of up to K references.
    Paths {
        a: String,
        b: String,
        #[arg(long, default_value_t = 4)]
        k: u32,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// The entities linked to both.
    Shared {
        a: String,
        b: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Degree and betweenness of the entities within N references.
    Centrality {
        id: String,
        #[arg(long, default_value_t = 2)]
        hops: u32,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Write the entities within N references to a file for yEd, Gephi or Cytoscape.
    Export {
        id: String,
        #[arg(long, value_parser = ["graphml", "gexf", "cytoscape"])]
        format: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 2)]
        hops: u32,
        /// Who receives the file (`self, for analysis` for one's own use): the
        /// export is logged as a disclosure to them before the file is written.
        #[arg(long, default_value = "")]
        recipient: String,
        /// The law permitting the disclosure (the purpose's legal basis when absent).
        #[arg(long)]
        gateway: Option<String>,
        #[command(flatten)]
        session: SessionArgs,
    },
}

/// Prints a result as pretty JSON or as text. A reader that stops early
/// (`| head`) is not an error: the access was made and logged either way.
fn emit(json: bool, as_json: serde_json::Value, as_text: impl FnOnce() -> String) -> Result<()> {
    let text = if json {
        serde_json::to_string_pretty(&as_json)? + "\n"
    } else {
        as_text()
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

pub fn dossier(s: &Session<'_>, id: &str, json: bool) -> Result<()> {
    let d = s.dossier(id)?;
    emit(json, d.to_json(), || dossier_text(&d))
}

/// Runs one graph command under the session the command names.
pub fn graph(dir: &Path, action: GraphAction) -> Result<()> {
    let session = match &action {
        GraphAction::Neighbours { session, .. }
        | GraphAction::Expand { session, .. }
        | GraphAction::Paths { session, .. }
        | GraphAction::Shared { session, .. }
        | GraphAction::Centrality { session, .. }
        | GraphAction::Export { session, .. } => session.clone(),
    };
    let engine = crate::open(dir)?;
    // The session first: a refusal must not depend on the arguments.
    let s = engine.session(crate::request(&session))?;
    match action {
        GraphAction::Neighbours { id, json, .. } => {
            let n = s.graph_neighbours(&id)?;
            emit(json, n.to_json(), || {
                let mut out = format!("{}\n", node_line(&n.node));
                for (node, edges) in &n.neighbours {
                    out.push_str(&format!("  {}\n", node_line(node)));
                    for e in edges {
                        out.push_str(&format!("      {}\n", edge_line(e)));
                    }
                }
                out + &cut_line(&n.truncated)
            })
        }
        GraphAction::Expand {
            id,
            hops,
            kinds,
            from,
            to,
            nodes_max,
            json,
            ..
        } => {
            let span = match (&from, &to) {
                (None, None) => None,
                _ => Some(span(from.as_deref(), to.as_deref())?),
            };
            let mut limits = graph_limits();
            if let Some(n) = nodes_max {
                limits.nodes_max = n;
            }
            let net = s.graph_expand(&id, hops, &kinds, span, &limits)?;
            emit(json, net.to_json(), || network_text(&net))
        }
        GraphAction::Paths { a, b, k, json, .. } => {
            let c = s.graph_paths(&a, &b, k)?;
            emit(json, c.to_json(), || connections_text(&c))
        }
        GraphAction::Shared { a, b, json, .. } => {
            let sh = s.graph_shared(&a, &b)?;
            emit(json, sh.to_json(), || shared_text(&sh))
        }
        GraphAction::Centrality { id, hops, json, .. } => {
            let c = s.graph_centrality(&id, hops)?;
            emit(json, c.to_json(), || {
                let mut out = format!(
                    "{:>12} {:>8} {:>12} {:>8}  entity\n",
                    "betweenness", "norm", "degree", "norm"
                );
                for x in &c.scores {
                    out.push_str(&format!(
                        "{:>12.2} {:>8.4} {:>12} {:>8.4}  {}\n",
                        x.betweenness,
                        x.betweenness_normalised,
                        x.degree,
                        x.degree_normalised,
                        node_line(&x.node)
                    ));
                }
                out + &cut_line(&c.network.truncated)
            })
        }
        GraphAction::Export {
            id,
            format,
            out,
            hops,
            recipient,
            gateway,
            ..
        } => {
            let fmt = GraphFormat::parse(&format).context("unknown format")?;
            let disclosure = Disclosure {
                recipient: &recipient,
                gateway: gateway.as_deref(),
            };
            // Written beside `out` and renamed into place once the
            // disclosure is logged, so a refused export leaves no file.
            let net = s.graph_export(&id, hops, fmt, Destination::File(&out), &disclosure)?;
            eprintln!(
                "exported {} entities and {} references to `{}` for {}",
                net.nodes.len(),
                net.edges.len(),
                out.display(),
                recipient.trim()
            );
            eprint!("{}", cut_line(&net.truncated));
            Ok(())
        }
    }
}

fn span(from: Option<&str>, to: Option<&str>) -> Result<Span> {
    let start = from
        .map(Day::parse_earliest)
        .transpose()
        .context("--from")?;
    let end = to.map(Day::parse_latest).transpose().context("--to")?;
    Span::new(start, end).context("--from and --to")
}

/// A label with its type, unless the label names the type already.
fn labelled(label: &str, schema: &str) -> String {
    if label.ends_with(&format!("({schema})")) {
        label.to_string()
    } else {
        format!("{label}  ({schema})")
    }
}

fn node_line(n: &GraphNode) -> String {
    format!("{}  {}", n.id, labelled(&n.label, &n.schema))
}

fn references(n: usize) -> String {
    if n == 1 {
        "1 reference".into()
    } else {
        format!("{n} references")
    }
}

fn edge_line(e: &GraphEdge) -> String {
    let when = match (&e.start, &e.end) {
        (None, None) => String::new(),
        (s, t) if s == t => format!("  {}", s.as_deref().unwrap_or("")),
        (s, t) => format!(
            "  {} .. {}",
            s.as_deref().unwrap_or(""),
            t.as_deref().unwrap_or("")
        ),
    };
    format!(
        "{} -{}-> {}  (record {}){when}",
        e.from, e.kind, e.to, e.record
    )
}

fn cut_line(truncated: &[String]) -> String {
    if truncated.is_empty() {
        String::new()
    } else {
        format!("cut short at {}\n", truncated.join(", "))
    }
}

fn network_text(net: &Network) -> String {
    let mut out = format!("{} entities\n", net.nodes.len());
    for n in &net.nodes {
        out.push_str(&format!("  {}\n", node_line(n)));
    }
    out.push_str(&format!("{}\n", references(net.edges.len())));
    for e in &net.edges {
        out.push_str(&format!("  {}\n", edge_line(e)));
    }
    out + &cut_line(&net.truncated)
}

fn connections_text(c: &Connections) -> String {
    let mut out = format!("{}\n{}\n", node_line(&c.a), node_line(&c.b));
    match &c.shortest {
        Some(p) => out.push_str(&format!("shortest: {}\n", references(p.hops.len()))),
        None => out.push_str("no path\n"),
    }
    for (i, p) in c.paths.iter().enumerate() {
        out.push_str(&format!("path {} ({})\n", i + 1, references(p.hops.len())));
        for (j, n) in p.nodes.iter().enumerate() {
            out.push_str(&format!("  {}\n", node_line(n)));
            for e in p.hops.get(j).into_iter().flatten() {
                out.push_str(&format!("      {}\n", edge_line(e)));
            }
        }
    }
    out + &cut_line(&c.truncated)
}

fn shared_text(s: &SharedAssociates) -> String {
    let mut out = format!(
        "{}\n{}\n{} shared\n",
        node_line(&s.a),
        node_line(&s.b),
        s.associates.len()
    );
    for x in &s.associates {
        out.push_str(&format!("  {}\n", node_line(&x.node)));
        for e in x.via_a.iter().chain(&x.via_b) {
            out.push_str(&format!("      {}\n", edge_line(e)));
        }
    }
    out + &cut_line(&s.truncated)
}

fn dossier_text(d: &Dossier) -> String {
    let mut out = format!("{}  {}  ({})\n", d.id, d.label, d.schema);
    out.push_str("records\n");
    for m in &d.members {
        out.push_str(&format!("  {}  {}  {}\n", m.entity_id, m.dataset, m.schema));
    }
    if !d.properties.is_empty() {
        out.push_str("values\n");
    }
    let width = d.properties.keys().map(String::len).max().unwrap_or(0);
    for (p, values) in &d.properties {
        for (i, v) in values.iter().enumerate() {
            let label = if i == 0 { p.as_str() } else { "" };
            if v.masked {
                out.push_str(&format!("  {label:<width$}  {}\n", v.value));
                continue;
            }
            out.push_str(&format!("  {label:<width$}  {}\n", v.value));
            for s in &v.sources {
                let was = s
                    .original_value
                    .as_deref()
                    .map(|o| format!(" (source said `{o}`)"))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "  {:<width$}    from {} {} record {}{was}, seen {} .. {}, {}\n",
                    "", s.dataset, s.source, s.record, s.first_seen, s.last_seen, s.markings
                ));
            }
        }
    }
    let refs = |title: &str, rs: &[clearstone_engine::Reference], out: &mut String| {
        if rs.is_empty() {
            return;
        }
        out.push_str(title);
        for r in rs {
            out.push_str(&format!(
                "  {:<14} {}  {}\n",
                r.prop,
                r.entity_id,
                labelled(&r.label, &r.schema)
            ));
        }
    };
    refs("refers to\n", &d.outgoing, &mut out);
    refs("referred to by\n", &d.incoming, &mut out);
    if !d.timeline.is_empty() {
        out.push_str("timeline\n");
        for e in &d.timeline {
            out.push_str(&format!(
                "  {:<10}  {}  {}  (as {})\n",
                e.date.as_deref().unwrap_or("undated"),
                e.entity_id,
                labelled(&e.label, &e.schema),
                e.prop
            ));
        }
    }
    let h = &d.history;
    match &h.schema {
        None => out.push_str("resolution\n  not resolved\n"),
        Some(schema) => {
            out.push_str(&format!("resolution (as {schema})\n"));
            for r in &h.runs {
                out.push_str(&format!(
                    "  run {} at {} by `{}`, model {}{}\n",
                    r.id,
                    r.at,
                    r.principal,
                    r.model_version,
                    if r.incremental { ", incremental" } else { "" }
                ));
            }
            for p in &h.pairs {
                out.push_str(&format!(
                    "  {} ~ {}  probability {:.3}, run {}{}\n",
                    p.left_id,
                    p.right_id,
                    p.probability,
                    p.run_id,
                    if p.linked { ", linked" } else { "" }
                ));
            }
            for j in &h.judgements {
                out.push_str(&format!("  {}\n", crate::review::judgement_line(j)));
            }
        }
    }
    out + &cut_line(
        &d.truncated
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>(),
    )
}
