//! Clusters out (`clearstone export clusters`): each resolved record this
//! session may export, the canonical id it is known by, and how it joined
//! its cluster. A disclosure like any export (`disclose.rs`): the event
//! names every record and canonical id and the hash of the bytes, and is
//! committed before the bytes leave. A record the session may not see is
//! not listed, does not change the canonical id shown (derived from the
//! visible members, as search does) and is never named as a link.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;

use clearstone_model::limits;
use clearstone_policy::Action;
use clearstone_store::{ResolutionStore, Store, StoreError};

use crate::disclose::{Destination, Disclosed, Disclosure};
use crate::dossier::view_id;
use crate::export::ExportFormat;
use crate::resolve::parse_settings;
use crate::{EngineError, Operation, Session};

pub(crate) const CLUSTER_COLUMNS: [&str; 7] = [
    "record_id",
    "canonical_id",
    "joined_by",
    "linked_to",
    "probability",
    "rule",
    "judgement",
];

/// The strongest link from a record to another listed member of its
/// cluster: a person's `same` judgement outranks any score, as in
/// clustering; else the pair with the highest probability.
#[derive(Debug, Clone, PartialEq)]
enum Link {
    Judgement { other: String, id: i64 },
    Score { other: String, probability: f64 },
}

impl Link {
    fn rank(&self) -> (u8, f64) {
        match self {
            Self::Judgement { .. } => (1, f64::INFINITY),
            Self::Score { probability, .. } => (0, *probability),
        }
    }

    fn other(&self) -> &str {
        match self {
            Self::Judgement { other, .. } | Self::Score { other, .. } => other,
        }
    }

    /// Whether this link beats `than`; ties go to the smaller other record,
    /// so that the answer does not depend on the store's order.
    fn beats(&self, than: &Link) -> bool {
        let (a, b) = (self.rank(), than.rank());
        a.0 > b.0 || (a.0 == b.0 && (a.1 > b.1 || (a.1 == b.1 && self.other() < than.other())))
    }
}

/// One output row, as text; empty where there is nothing to say.
fn row(record: &str, canonical: &str, link: Option<&Link>) -> [String; 7] {
    let (joined_by, other, probability, judgement) = match link {
        None => ("", "", String::new(), String::new()),
        Some(Link::Score { other, probability }) => (
            "score",
            other.as_str(),
            format!("{probability:.6}"),
            String::new(),
        ),
        Some(Link::Judgement { other, id }) => {
            ("judgement", other.as_str(), String::new(), id.to_string())
        }
    };
    [
        record.to_owned(),
        canonical.to_owned(),
        joined_by.to_owned(),
        other.to_owned(),
        probability,
        // Stored pairs do not name the rule that linked them yet.
        String::new(),
        judgement,
    ]
}

/// A column's value in JSON: null when empty, numbers as numbers.
fn json_value(column: &str, v: &str) -> serde_json::Value {
    if v.is_empty() {
        return serde_json::Value::Null;
    }
    let number = match column {
        "probability" => v.parse::<f64>().ok().and_then(serde_json::Number::from_f64),
        "judgement" => v.parse::<i64>().ok().map(serde_json::Number::from),
        _ => None,
    };
    number.map_or_else(
        || serde_json::Value::String(v.to_owned()),
        serde_json::Value::Number,
    )
}

fn werr(e: impl std::fmt::Display) -> EngineError {
    EngineError::Store(StoreError::Aborted(format!("export failed: {e}")))
}

impl Session<'_> {
    /// Writes the clusters of `schema` to `to` as a disclosure to
    /// `d.recipient`; returns the number of records written.
    pub fn export_clusters(
        &self,
        schema: &str,
        format: ExportFormat,
        to: Destination<'_>,
        d: &Disclosure<'_>,
    ) -> Result<u64, EngineError> {
        let query = format!(
            "{} {}",
            self.type_query("export clusters of", schema),
            format.as_str()
        );
        self.logged(Operation::Disclose, &query, &[], || {
            self.known_type(schema)?;
            if format == ExportFormat::Parquet {
                return Err(EngineError::InvalidInput(
                    "clusters are exported as csv or jsonl".into(),
                ));
            }
            self.require_type_anywhere(Action::Export, schema, &query)?;
            let done = self.disclose(&query, d, to, |out| {
                self.write_clusters(schema, format, out)
            })?;
            Ok(done.count)
        })
    }

    fn write_clusters(
        &self,
        schema: &str,
        format: ExportFormat,
        out: Box<dyn Write + Send>,
    ) -> Result<Disclosed, EngineError> {
        let store = self.engine.store()?;
        let run = store
            .resolution_runs(schema, 1)?
            .into_iter()
            .next()
            .ok_or_else(|| {
                EngineError::InvalidInput(format!("no resolution run over {schema} yet"))
            })?;
        let threshold = parse_settings(Some(&run.settings))?.threshold;
        let resolved = store.canonical_ids(schema)?;
        let pairs = store.match_pairs(schema, threshold)?;
        let judgements = store.judgements(schema, false)?;
        drop(store);

        // Which records this session may export, and its concerns about them.
        let mut visible: BTreeSet<&str> = BTreeSet::new();
        let mut concerns = crate::read::Concerns::default();
        for (record, _) in &resolved {
            let raw = self
                .engine
                .store()?
                .entity_statements(record, limits::ENTITY_STATEMENTS_MAX)?;
            let found = self.self_monitoring(record, &raw);
            if !self.gate(Action::Export, raw, None).0.is_empty() {
                visible.insert(record);
                concerns.note(record, found);
            }
        }
        let mut members: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut cluster_of: HashMap<&str, &str> = HashMap::new();
        for (record, canonical) in &resolved {
            members.entry(canonical).or_default().push(record);
            cluster_of.insert(record, canonical);
        }
        let shown: HashMap<&str, String> = members
            .iter()
            .map(|(canonical, all)| {
                let seen: Vec<&str> = all
                    .iter()
                    .copied()
                    .filter(|m| visible.contains(m))
                    .collect();
                let id = view_id(canonical, &seen, seen.len() == all.len());
                (*canonical, id)
            })
            .collect();

        // The strongest link of each listed record to another listed member
        // of its own cluster (a pair above the threshold may have been cut
        // by a `not_same` judgement).
        let mut best: HashMap<&str, Link> = HashMap::new();
        let mut offer = |a: &str, b: &str, link: Link| {
            let keep = visible.contains(a)
                && visible.contains(b)
                && cluster_of
                    .get(a)
                    .is_some_and(|c| cluster_of.get(b) == Some(c));
            if !keep {
                return;
            }
            if let Some(&record) = visible.get(a)
                && best.get(record).is_none_or(|held| link.beats(held))
            {
                best.insert(record, link);
            }
        };
        for p in &pairs {
            for (a, b) in [(&p.left_id, &p.right_id), (&p.right_id, &p.left_id)] {
                let link = Link::Score {
                    other: b.clone(),
                    probability: p.probability,
                };
                offer(a, b, link);
            }
        }
        for j in judgements.iter().filter(|j| j.verdict == "same") {
            for (a, b) in [(&j.left_id, &j.right_id), (&j.right_id, &j.left_id)] {
                let link = Link::Judgement {
                    other: b.clone(),
                    id: j.id,
                };
                offer(a, b, link);
            }
        }

        let rows: Vec<[String; 7]> = resolved
            .iter()
            .filter(|(record, _)| visible.contains(record.as_str()))
            .map(|(record, canonical)| {
                let id = shown
                    .get(canonical.as_str())
                    .map_or(canonical.as_str(), String::as_str);
                row(record, id, best.get(record.as_str()))
            })
            .collect();
        match format {
            ExportFormat::JsonLines => {
                let mut w = std::io::BufWriter::new(out);
                for r in &rows {
                    let obj: serde_json::Map<String, serde_json::Value> = CLUSTER_COLUMNS
                        .iter()
                        .zip(r)
                        .map(|(k, v)| (k.to_string(), json_value(k, v)))
                        .collect();
                    serde_json::to_writer(&mut w, &obj).map_err(werr)?;
                    w.write_all(b"\n").map_err(werr)?;
                }
                w.flush().map_err(werr)?;
            }
            ExportFormat::Csv | ExportFormat::Parquet => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(CLUSTER_COLUMNS).map_err(werr)?;
                for r in &rows {
                    w.write_record(r).map_err(werr)?;
                }
                w.flush().map_err(werr)?;
            }
        }
        // Each record's canonical id as shown and as stored, so that the log
        // answers for any of them.
        let mut subjects: BTreeSet<String> = BTreeSet::new();
        for r in &rows {
            let [record, canonical, ..] = r;
            subjects.insert(record.clone());
            subjects.insert(canonical.clone());
            if let Some(stored) = cluster_of.get(record.as_str()) {
                subjects.insert((*stored).to_owned());
            }
        }
        let n = rows.len() as u64;
        Ok(Disclosed {
            subjects,
            count: n,
            outcome: format!("{n} records in clusters"),
            concerns: concerns.into_list(),
        })
    }
}
