//! The link chart's questions beyond expansion: the dates relationships
//! must overlap, the paths between the entity and another, the associates
//! it shares with another, and who sits at the centre of its network. Each
//! answer is one act of the engine (one event), drawn on the chart and
//! listed in a table of its own for those who cannot see the picture.

use std::collections::BTreeSet;

use clearstone_engine::{
    CentralityReport, Connections, Day, GraphEdge, GraphNode, LinkPath, Network, SharedAssociates,
    Span, is_value_id,
};

use super::form::FieldError;

/// Longest path listed when the form does not say: short enough to read,
/// long enough to reach a friend of a friend's employer.
const PATH_HOPS_DEFAULT: u32 = 3;
/// Hops around the entity that centrality is computed over.
pub(crate) const CENTRALITY_HOPS: u32 = 2;

/// The dates asked for, as a span; a date that does not parse is the
/// field's error.
pub(crate) fn span(from: &str, until: &str) -> Result<Option<Span>, Vec<FieldError>> {
    let (from, until) = (from.trim(), until.trim());
    if from.is_empty() && until.is_empty() {
        return Ok(None);
    }
    let mut errors = Vec::new();
    let mut day = |v: &str, field: &str, latest: bool| -> Option<Day> {
        if v.is_empty() {
            return None;
        }
        let parsed = match latest {
            true => Day::parse_latest(v),
            false => Day::parse_earliest(v),
        };
        match parsed {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new(
                    field,
                    format!("enter the date `{v}` as YYYY, YYYY-MM or YYYY-MM-DD"),
                ));
                None
            }
        }
    };
    let start = day(from, "from", false);
    let end = day(until, "until", true);
    if !errors.is_empty() {
        return Err(errors);
    }
    Span::new(start, end).map(Some).map_err(|_| {
        vec![FieldError::new(
            "until",
            format!("the date `{until}` is before `{from}`"),
        )]
    })
}

/// The longest path to list, 1 to the engine's `k_max`.
pub(crate) fn hops(k: &str) -> Result<u32, FieldError> {
    let k = k.trim();
    if k.is_empty() {
        return Ok(PATH_HOPS_DEFAULT);
    }
    let max = clearstone_engine::graph_limits().k_max;
    match k.parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(FieldError::new(
            "k",
            format!("enter the longest path `{k}` as a number of hops from 1 to {max}"),
        )),
    }
}

/// One path in the table: its entities in order, with how each step links.
pub(crate) struct PathRow {
    pub hops: usize,
    pub steps: Vec<Step>,
}

/// An entity along a path and the relationships that lead to the next.
pub(crate) struct Step {
    pub id: String,
    /// An entity with a dossier, rather than a value records share.
    pub entity: bool,
    pub label: String,
    /// Empty for the last entity.
    pub link: String,
}

fn kinds(edges: &[GraphEdge]) -> String {
    let mut k: Vec<String> = edges.iter().map(|e| e.kind.replace('_', " ")).collect();
    k.sort();
    k.dedup();
    k.join(", ")
}

fn path_row(p: &LinkPath) -> PathRow {
    PathRow {
        hops: p.hops.len(),
        steps: p
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| Step {
                entity: !is_value_id(&n.id),
                id: n.id.clone(),
                label: n.label.clone(),
                link: p.hops.get(i).map(|h| kinds(h)).unwrap_or_default(),
            })
            .collect(),
    }
}

/// The paths section: the shortest first, then every path up to `k` hops.
pub(crate) struct Paths {
    pub shortest: Option<PathRow>,
    pub all: Vec<PathRow>,
    pub k: u32,
    pub truncated: Vec<String>,
}

pub(crate) fn paths(c: &Connections, k: u32) -> Paths {
    Paths {
        shortest: c.shortest.as_ref().map(path_row),
        all: c.paths.iter().map(path_row).collect(),
        k,
        truncated: c.truncated.clone(),
    }
}

pub(crate) struct SharedRow {
    pub id: String,
    pub entity: bool,
    pub label: String,
    pub schema: String,
    pub via_a: String,
    pub via_b: String,
}

pub(crate) struct Shared {
    pub a: String,
    pub b: String,
    pub rows: Vec<SharedRow>,
    pub truncated: Vec<String>,
}

pub(crate) fn shared(s: &SharedAssociates) -> Shared {
    Shared {
        a: s.a.label.clone(),
        b: s.b.label.clone(),
        rows: s
            .associates
            .iter()
            .map(|x| SharedRow {
                entity: !is_value_id(&x.node.id),
                id: x.node.id.clone(),
                label: x.node.label.clone(),
                schema: x.node.schema.clone(),
                via_a: kinds(&x.via_a),
                via_b: kinds(&x.via_b),
            })
            .collect(),
        truncated: s.truncated.clone(),
    }
}

pub(crate) struct ScoreRow {
    pub id: String,
    pub entity: bool,
    pub label: String,
    pub schema: String,
    pub degree: String,
    pub betweenness: String,
    /// Normalised betweenness, 0 to 1, which sizes the node on the chart.
    pub weight: f64,
}

pub(crate) fn scores(r: &CentralityReport) -> Vec<ScoreRow> {
    r.scores
        .iter()
        .map(|s| ScoreRow {
            entity: !is_value_id(&s.node.id),
            id: s.node.id.clone(),
            label: s.node.label.clone(),
            schema: s.node.schema.clone(),
            degree: format!("{}", s.degree),
            betweenness: format!("{:.2}", s.betweenness_normalised),
            weight: s.betweenness_normalised.clamp(0.0, 1.0),
        })
        .collect()
}

/// Adds what an answer names to the chart, so the picture shows it too;
/// the sets hold what the chart already has.
#[derive(Default)]
pub(crate) struct Merge {
    pub net: Network,
    pub nodes: BTreeSet<String>,
    pub edges: BTreeSet<(String, String, String, String)>,
}

impl Merge {
    pub(crate) fn node(&mut self, n: &GraphNode) {
        if self.nodes.insert(n.id.clone()) {
            self.net.nodes.push(n.clone());
        }
    }

    pub(crate) fn edge(&mut self, e: &GraphEdge) {
        if self.edges.insert((
            e.from.clone(),
            e.to.clone(),
            e.kind.clone(),
            e.record.clone(),
        )) {
            self.net.edges.push(e.clone());
        }
    }

    pub(crate) fn network(&mut self, part: Network) {
        for n in &part.nodes {
            self.node(n);
        }
        for e in &part.edges {
            self.edge(e);
        }
        self.net.truncated.extend(part.truncated);
    }

    pub(crate) fn path(&mut self, p: &LinkPath) {
        for n in &p.nodes {
            self.node(n);
        }
        for e in p.hops.iter().flatten() {
            self.edge(e);
        }
    }

    pub(crate) fn shared(&mut self, s: &SharedAssociates) {
        self.node(&s.b);
        for x in &s.associates {
            self.node(&x.node);
            for e in x.via_a.iter().chain(&x.via_b) {
                self.edge(e);
            }
        }
    }
}
