//! Entity resolution through the gate (s.62 `combine`): which source
//! records describe the same person. Source statements are never edited;
//! a run stores scored pairs and each entity's canonical id, and people's
//! judgements override the model: `same` joins, `not_same` cuts.

use std::collections::{HashMap, HashSet};

use clearstone_model::{Timestamp, limits};
use clearstone_policy::Action;
use clearstone_resolve::settings::Settings;
use clearstone_resolve::{
    ComparisonVectors, RuleCount, ScoredPair, candidates, candidates_since, cluster, model_file,
};
use clearstone_store::{KeptApartStore, MatchPair, ResolutionRun, ResolutionStore};
use sha2::{Digest, Sha256};

use crate::session::keyed_tag_with;
use crate::{EngineError, Operation, Session};

/// The settings used when a run names none.
pub const DEFAULT_PERSON_SETTINGS: &str = include_str!("../resolution/person.toml");

/// Pairs scored below this are not kept: they can neither link nor reach
/// the review queue.
pub const PAIR_PROBABILITY_MIN: f64 = 0.05;

/// What to resolve and how.
#[derive(Debug, Clone, Default)]
pub struct ResolveOptions {
    /// The entity type; its subtypes are resolved with it.
    pub schema: String,
    /// Settings (TOML); the shipped person settings when absent.
    pub settings: Option<String>,
    /// A saved model (JSON) to score with instead of training.
    pub model: Option<String>,
    /// Score only entities no earlier run has seen, or with a value first
    /// seen since the last run (what an ingest touched), with the last
    /// run's model and settings, against everything already resolved.
    pub incremental: bool,
    /// Kept for callers that still set it; values are now read in one pass
    /// and gated once per shape, so it changes nothing.
    pub batch_statements: Option<usize>,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolveSummary {
    pub run_id: i64,
    pub records: u64,
    pub new_records: u64,
    pub pairs: u64,
    pub links: u64,
    pub clusters: u64,
    pub model_version: String,
    pub rules: Vec<RuleCount>,
    /// Seconds each step of the run took, in order: where the time goes.
    pub phases: Vec<(&'static str, f64)>,
    /// What the settings check found that does not stop a run (as `link`
    /// prints them), one line each.
    pub warnings: Vec<String>,
}

/// Seconds taken by each step of a run, as the steps end.
struct Phases {
    at: std::time::Instant,
    done: Vec<(&'static str, f64)>,
}

impl Phases {
    fn start() -> Phases {
        Phases {
            at: std::time::Instant::now(),
            done: Vec::new(),
        }
    }

    fn end(&mut self, step: &'static str) {
        let now = std::time::Instant::now();
        self.done
            .push((step, now.duration_since(self.at).as_secs_f64()));
        self.at = now;
    }
}

/// The canonical id of a cluster: derived from its smallest member, so it
/// stays the same while the cluster does.
pub(crate) fn canonical_id(smallest_member: &str) -> String {
    let h = Sha256::digest(smallest_member.as_bytes());
    let mut out = String::with_capacity(19);
    out.push_str("cs-");
    for b in h.iter().take(8) {
        for nibble in [b >> 4, b & 15] {
            out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    out
}

fn invalid(what: &str, e: impl std::fmt::Display) -> EngineError {
    EngineError::InvalidInput(format!("{what}: {e}"))
}

pub(crate) fn parse_settings(text: Option<&str>) -> Result<Settings, EngineError> {
    let (text, name) = match text {
        Some(t) => (t, "settings"),
        None => (DEFAULT_PERSON_SETTINGS, "person.toml"),
    };
    Settings::parse(text, name).map_err(|e| EngineError::InvalidInput(e.to_string()))
}

impl Session<'_> {
    /// Resolves every entity of `opts.schema`: reads their values through
    /// the gate, blocks, scores with a trained or given model, clusters with
    /// people's judgements, and stores pairs and canonical ids.
    pub fn resolve(&self, opts: &ResolveOptions) -> Result<ResolveSummary, EngineError> {
        let what = self.type_query("resolve", &opts.schema);
        self.logged(Operation::Combine, &what, &[], || {
            self.known_type(&opts.schema)?;
            self.require_type_anywhere(Action::Ingest, &opts.schema, &what)?;
            self.run_resolution(opts, &what)
        })
    }

    fn run_resolution(
        &self,
        opts: &ResolveOptions,
        what: &str,
    ) -> Result<ResolveSummary, EngineError> {
        let last = self
            .engine
            .store()?
            .resolution_runs(&opts.schema, 1)?
            .into_iter()
            .next();
        // An incremental run goes on with the settings of the run it extends.
        let settings_text = match (&opts.settings, opts.incremental, &last) {
            (Some(t), _, _) => Some(t.as_str()),
            (None, true, Some(run)) => Some(run.settings.as_str()),
            (None, _, _) => None,
        };
        let settings = parse_settings(settings_text)?;
        let mut phases = Phases::start();
        let since = last.as_ref().filter(|_| opts.incremental).map(|r| r.at);
        let loaded = self.resolution_records_in(
            &settings,
            &opts.schema,
            opts.batch_statements
                .unwrap_or(crate::resolve_records::STATEMENTS_PER_BATCH),
            since,
        )?;
        phases.end("read records through the gate");
        // Incremental: entities already resolved come first, new ones after.
        let known: HashSet<String> = if opts.incremental {
            self.engine
                .store()?
                .canonical_ids(&opts.schema)?
                .into_iter()
                .map(|(entity, _)| entity)
                .collect()
        } else {
            HashSet::new()
        };
        // A record the ingest changed is scored again like a new one.
        let changed = &loaded.changed;
        let is_old = |id: &String| known.contains(id) && !changed.contains(id);
        let (old, new): (Vec<usize>, Vec<usize>) =
            (0..loaded.ids.len()).partition(|&i| loaded.ids.get(i).is_some_and(is_old));
        let split = old.len();
        let features = if new.is_empty() || old.is_empty() {
            loaded.features(&settings.schema)?
        } else {
            loaded.features_in(
                &settings.schema,
                old.iter().chain(&new).copied(),
                crate::resolve_records::RECORDS_PER_CHUNK,
            )?
        };
        // The values read are in the features now; holding them too would
        // add to the peak while pairs are compared.
        let ids: Vec<String> = if new.is_empty() || old.is_empty() {
            loaded.into_ids()
        } else {
            let ids = old
                .iter()
                .chain(&new)
                .filter_map(|&i| loaded.ids.get(i).cloned())
                .collect();
            drop(loaded);
            ids
        };
        phases.end("features");

        let model_text = match (&opts.model, opts.incremental, &last) {
            (Some(m), _, _) => Some(m.clone()),
            (None, true, Some(run)) => Some(run.model.clone()),
            (None, true, None) => {
                return Err(EngineError::InvalidInput(format!(
                    "no earlier run over {}: run a full resolution first",
                    opts.schema
                )));
            }
            (None, false, _) => None,
        };
        let mut with_u = None;
        let (pairs, rules, in_order) = if opts.incremental {
            let first_new = u32::try_from(split).map_err(|e| invalid("records", e))?;
            let fresh = candidates_since(&features, first_new, &settings.rules, settings.pairs_max)
                .map_err(|e| invalid("blocking", e))?;
            let mut pairs = fresh.pairs;
            // Pairs kept from earlier runs are scored again, not blocked
            // again: name frequencies move as records arrive, and a full run
            // would score them with today's.
            let index: HashMap<&str, u32> = ids
                .iter()
                .enumerate()
                .filter_map(|(i, id)| u32::try_from(i).ok().map(|i| (id.as_str(), i)))
                .collect();
            for p in self.engine.store()?.match_pairs(&opts.schema, 0.0)? {
                if let (Some(&a), Some(&b)) = (
                    index.get(p.left_id.as_str()),
                    index.get(p.right_id.as_str()),
                ) {
                    pairs.push((a.min(b), a.max(b)));
                }
            }
            pairs.sort_unstable();
            pairs.dedup();
            (pairs, fresh.counts, false)
        } else {
            // `u` needs only the features: it is estimated while blocking
            // runs, on the cores blocking leaves idle between its steps.
            let (c, u) = std::thread::scope(|scope| {
                let u = model_text
                    .is_none()
                    .then(|| scope.spawn(|| settings.estimate_u(&features)));
                let c = candidates(&features, &settings.rules, settings.pairs_max);
                (c, u.map(|h| h.join()))
            });
            with_u = match u {
                Some(Ok(m)) => Some(m),
                Some(Err(_)) => {
                    return Err(EngineError::Internal(
                        "estimating the model's u failed".into(),
                    ));
                }
                None => None,
            };
            let c = c.map_err(|e| invalid("blocking", e))?;
            (c.pairs, c.counts, true)
        };
        phases.end("blocking");
        // Levels once, for training and scoring: a loaded model was checked
        // against these comparisons.
        let vectors = ComparisonVectors::compute(&settings.comparisons, &features, &pairs);
        phases.end("comparisons");
        let model = match &model_text {
            Some(text) => {
                model_file::from_json(text, &settings.comparisons).map_err(|e| {
                    match (&opts.model, &last) {
                        (None, Some(run)) => invalid(
                            &format!("the model of run {} (run a full resolution)", run.id),
                            e,
                        ),
                        _ => invalid("model", e),
                    }
                })?
            }
            None => settings
                .train_on_with_u(
                    with_u.unwrap_or_else(|| settings.estimate_u(&features)),
                    &features,
                    &pairs,
                    in_order.then_some(&rules[..]),
                    &vectors,
                )
                .map_err(|e| invalid("training", e))?,
        };
        phases.end("training");
        let by_rule = |p: &ScoredPair| {
            !settings.decisive.is_empty()
                && settings.rule_link(&features, p.left, p.right).is_some()
        };
        let scored = settings
            .scorer(&model)
            .score_vectors_where(&features, &pairs, &vectors, |p| {
                p.probability() >= PAIR_PROBABILITY_MIN || by_rule(p)
            })
            .map_err(|e| invalid("scoring", e))?;
        let mut linked: Vec<ScoredPair> = Vec::new();
        let kept: Vec<MatchPair> = scored
            .iter()
            .map(|p| {
                let rule = (!settings.decisive.is_empty())
                    .then(|| settings.rule_link(&features, p.left, p.right))
                    .flatten();
                let pair = match_pair(&ids, p, &model.version, rule);
                if pair.probability >= settings.threshold {
                    // Oriented as a stored pair reads back.
                    linked.push(ScoredPair {
                        left: p.left.min(p.right),
                        right: p.left.max(p.right),
                        weight: p.weight,
                    });
                }
                pair
            })
            .collect();
        drop(scored);
        let links = linked.len() as u64;
        phases.end("scoring");
        // Pairs a chain of links must not join, found while the features
        // are at hand.
        let mut apart = settings.apart(&model, &features, &pairs, &vectors, &linked);
        if opts.incremental {
            apart.extend(self.still_apart(&opts.schema, &ids, split)?);
            apart.sort_unstable();
            apart.dedup();
        }
        phases.end("pairs a chain of links must not join");
        let run = ResolutionRun {
            id: 0,
            schema: opts.schema.clone(),
            at: Timestamp::now(),
            principal: self.req.principal.clone(),
            incremental: opts.incremental,
            model_version: model.version.clone(),
            model: model_file::to_json(&model),
            settings: settings_text.unwrap_or(DEFAULT_PERSON_SETTINGS).to_owned(),
            records: ids.len() as u64,
            new_records: (ids.len() - split) as u64,
            pairs: pairs.len() as u64,
            links,
            clusters: 0,
        };
        // What scoring needed is not held while the pairs are stored and
        // the records clustered.
        drop((features, vectors, pairs));
        let engine = self.engine;
        let store_pairs = || -> Result<i64, EngineError> {
            let mut store = engine.store()?;
            let id = store.put_resolution(&run, &kept, true)?;
            store.release_cache()?;
            Ok(id)
        };
        // A full run's records come sorted, once each, as clustering numbers
        // them: its links are clustered as scored, not read back, and while
        // the pairs are stored beside it on the writer.
        let sorted = ids.windows(2).all(|w| w.first() < w.last());
        let (run_id, reclustered) = if !opts.incremental && sorted {
            std::thread::scope(|scope| {
                let storing = scope.spawn(store_pairs);
                let stored = || {
                    storing.join().map_err(|_| {
                        EngineError::Internal("storing the run's pairs failed".into())
                    })?
                };
                let r = self.recluster_timed(
                    &opts.schema,
                    &ids,
                    settings.threshold,
                    Some((linked, Box::new(stored))),
                    Some(&apart),
                    &mut phases,
                )?;
                let run_id = r.stored.ok_or_else(|| {
                    EngineError::Internal("the run's pairs were not stored".into())
                })?;
                Ok::<_, EngineError>((run_id, r))
            })?
        } else {
            let run_id = store_pairs()?;
            phases.end("storing pairs");
            let r = self.recluster_timed(
                &opts.schema,
                &ids,
                settings.threshold,
                None,
                Some(&apart),
                &mut phases,
            )?;
            (run_id, r)
        };
        drop(kept);
        // The event names every record combined and the canonical id each
        // now belongs to, so that "who combined this record, into what" is
        // answered from the log.
        let Reclustered {
            clusters, hashes, ..
        } = reclustered;
        self.record_hashed(
            Operation::Combine,
            what,
            &hashes,
            None,
            &format!(
                "run {run_id}: {} records ({} new), {} pairs, {links} linked, {clusters} clusters, model {}",
                run.records,
                run.new_records,
                run.pairs,
                model.version
            ),
            &[],
        )?;
        phases.end("recording the event");
        Ok(ResolveSummary {
            run_id,
            records: run.records,
            new_records: run.new_records,
            pairs: run.pairs,
            links,
            clusters,
            model_version: model.version,
            rules,
            phases: phases.done,
            warnings: settings.warnings.iter().map(ToString::to_string).collect(),
        })
    }

    /// The latest runs over `schema`, newest first, with their settings and
    /// models (no personal data, but reading them is an act of the session).
    pub fn resolution_runs(
        &self,
        schema: &str,
        limit: usize,
    ) -> Result<Vec<ResolutionRun>, EngineError> {
        let what = self.type_query("read resolution runs of", schema);
        self.logged(Operation::Consult, &what, &[], || {
            self.known_type(schema)?;
            self.require_type_anywhere(Action::Ingest, schema, &what)?;
            let out = self
                .engine
                .store()?
                .resolution_runs(schema, limit.min(limits::PAGE_ROWS_MAX))?;
            self.record(
                Operation::Consult,
                &what,
                &[],
                None,
                &format!("{} runs", out.len()),
            )?;
            Ok(out)
        })
    }

    /// Every resolved entity of `schema` with its canonical id, for those
    /// who run resolution.
    pub fn canonical_ids(&self, schema: &str) -> Result<Vec<(String, String)>, EngineError> {
        let what = self.type_query("read canonical ids of", schema);
        self.logged(Operation::Consult, &what, &[], || {
            self.known_type(schema)?;
            self.require_type_anywhere(Action::Ingest, schema, &what)?;
            let out = self.engine.store()?.canonical_ids(schema)?;
            self.record(
                Operation::Consult,
                &what,
                &[],
                None,
                &format!("{} entities", out.len()),
            )?;
            Ok(out)
        })
    }

    /// The pairs the last run kept apart between records of `ids` before
    /// `split` (those an incremental run neither saw change nor blocked
    /// again), numbered as `ids`: the run keeps them apart too, though it
    /// scores only the pairs it stores, and most of these are not stored.
    fn still_apart(
        &self,
        schema: &str,
        ids: &[String],
        split: usize,
    ) -> Result<Vec<(u32, u32)>, EngineError> {
        let stored = self.engine.store()?.kept_apart(schema)?;
        if stored.is_empty() {
            return Ok(Vec::new());
        }
        let old: HashMap<&str, u32> = ids
            .get(..split)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter_map(|(i, id)| u32::try_from(i).ok().map(|i| (id.as_str(), i)))
            .collect();
        Ok(stored
            .iter()
            .filter_map(|(a, b)| {
                let (a, b) = (*old.get(a.as_str())?, *old.get(b.as_str())?);
                Some((a.min(b), a.max(b)))
            })
            .collect())
    }

    /// Clusters `ids` from the stored pairs, the pairs the last run kept
    /// apart and the judgements in force, and stores each entity's
    /// canonical id; returns the number of clusters.
    pub(crate) fn recluster(
        &self,
        schema: &str,
        ids: &[String],
        threshold: f64,
    ) -> Result<u64, EngineError> {
        self.recluster_timed(schema, ids, threshold, None, None, &mut Phases::start())
            .map(|r| r.clusters)
    }

    /// Clusters as [`Session::recluster`] does; `links`, when given, are the
    /// pairs at or above the threshold as a full run just stored them,
    /// numbered as `ids` (which are then sorted, once each). `run` is given
    /// when a run clusters: the pairs, numbered as `ids`, that it found must
    /// not be joined ([`Settings::apart`]), which are kept apart as
    /// `not_same` judgements are and stored for later re-clustering; and
    /// the records and canonical ids its event names are then hashed.
    fn recluster_timed(
        &self,
        schema: &str,
        ids: &[String],
        threshold: f64,
        links: Option<(Vec<ScoredPair>, PairsStored<'_>)>,
        run: Option<&[(u32, u32)]>,
        phases: &mut Phases,
    ) -> Result<Reclustered, EngineError> {
        // Re-clustering after a judgement keeps apart what the last run did.
        let stored_apart = match run {
            Some(_) => Vec::new(),
            None => self.engine.reader()?.kept_apart(schema)?,
        };
        let apart: Vec<(&str, &str)> = match run {
            Some(run) => run
                .iter()
                .filter_map(|&(a, b)| {
                    Some((ids.get(a as usize)?.as_str(), ids.get(b as usize)?.as_str()))
                })
                .collect(),
            None => stored_apart
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect(),
        };
        let mut ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        ids.sort_unstable();
        ids.dedup();
        let place = |id: &str| {
            ids.binary_search(&id)
                .ok()
                .and_then(|i| u32::try_from(i).ok())
        };
        let pair_of = |l: &str, r: &str| Some((place(l)?, place(r)?));
        // Judgements are read beside the writer, which may be storing the
        // run's pairs.
        let store = self.engine.reader()?;
        let (mut edges, stored) = match links {
            Some((links, stored)) => (links, Some(stored)),
            None => (
                store
                    .match_pairs(schema, threshold)?
                    .iter()
                    .filter_map(|p| {
                        let (left, right) = pair_of(&p.left_id, &p.right_id)?;
                        Some(ScoredPair {
                            left,
                            right,
                            weight: p.weight,
                        })
                    })
                    .collect(),
                None,
            ),
        };
        let mut not_same: Vec<(u32, u32)> =
            apart.iter().filter_map(|(a, b)| pair_of(a, b)).collect();
        for j in store.judgements(schema, false)? {
            let Some((left, right)) = pair_of(&j.left_id, &j.right_id) else {
                continue;
            };
            match j.verdict.as_str() {
                // A person's `same` outranks any score, and what a run
                // found of the pair.
                "same" => {
                    not_same.retain(|&p| p != (left, right) && p != (right, left));
                    edges.push(ScoredPair {
                        left,
                        right,
                        weight: f64::INFINITY,
                    });
                }
                "not_same" => not_same.push((left, right)),
                _ => {}
            }
        }
        drop(store);
        let n = u32::try_from(ids.len()).map_err(|e| invalid("records", e))?;
        let roots = cluster(n, &edges, f64::NEG_INFINITY, &not_same);
        // Members are sorted, so each root is its cluster's smallest id,
        // and comes before the other members: its id is made once.
        // Roots number records, so where each root's id was made is a
        // slot of a vector rather than an entry of a hash map.
        let mut of_root: Vec<Option<usize>> = vec![None; ids.len()];
        let mut canonical: Vec<(String, String)> = Vec::with_capacity(ids.len());
        for (i, (id, &root)) in ids.iter().zip(&roots).enumerate() {
            let made = of_root.get(root as usize).copied().flatten();
            let c = match made.and_then(|at| canonical.get(at)) {
                Some((_, c)) => c.clone(),
                None => {
                    let smallest = ids.get(root as usize).copied().unwrap_or(id);
                    if let Some(slot) = of_root.get_mut(root as usize) {
                        *slot = Some(i);
                    }
                    canonical_id(smallest)
                }
            };
            canonical.push(((*id).to_owned(), c));
        }
        let mut distinct: Vec<u32> = roots.clone();
        distinct.sort_unstable();
        distinct.dedup();
        // The run's pairs are stored before its canonical ids, as they
        // were when one followed the other.
        let stored = match stored {
            Some(wait) => {
                let run_id = wait()?;
                phases.end("clustering, pairs stored beside it");
                Some(run_id)
            }
            None => {
                phases.end("clustering");
                None
            }
        };
        // The subjects a run's event names are hashed while the writer
        // stores the canonical ids.
        let engine = self.engine;
        let canonical_ref = &canonical;
        let apart_ref = &apart;
        let hashes = std::thread::scope(|scope| {
            let storing = scope.spawn(move || -> Result<(), EngineError> {
                let mut store = engine.store()?;
                store.put_canonical(schema, canonical_ref)?;
                if run.is_some() {
                    store.put_kept_apart(schema, apart_ref)?;
                }
                store.release_cache()?;
                Ok(())
            });
            let hashes = if run.is_some() {
                // The records are sorted once each; so are the clusters'
                // ids, one a cluster: merged, they need no sort of all.
                let mut clusters: Vec<&str> = of_root
                    .iter()
                    .flatten()
                    .filter_map(|&at| canonical_ref.get(at))
                    .map(|(_, c)| c.as_str())
                    .collect();
                clusters.sort_unstable();
                clusters.dedup();
                let subjects = sorted_union(&ids, &clusters);
                subject_hashes(engine, &subjects)
            } else {
                Ok(Vec::new())
            };
            storing.join().map_err(|_| {
                EngineError::Internal("storing the run's canonical ids failed".into())
            })??;
            hashes
        })?;
        // Searches group records through the cluster map, read again when
        // next asked for: the index itself is not touched.
        self.engine.clusters_changed()?;
        phases.end("storing canonical ids, subjects hashed beside it");
        Ok(Reclustered {
            clusters: distinct.len() as u64,
            hashes,
            stored,
        })
    }
}

/// The keyed hashes of `subjects`, in order.
fn subject_hashes(engine: &crate::Engine, subjects: &[&str]) -> Result<Vec<[u8; 16]>, EngineError> {
    let mac = engine
        .subject_mac()
        .ok_or_else(|| EngineError::Internal("the subject key was refused".into()))?;
    Ok(subjects.iter().map(|s| keyed_tag_with(&mac, s)).collect())
}

/// The strings of two sorted lists without repeats, sorted, each once.
fn sorted_union<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<&'a str> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x < y => a.next(),
            (Some(x), Some(y)) if y < x => b.next(),
            (Some(_), Some(_)) => {
                b.next();
                a.next()
            }
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(s) => out.push(*s),
            None => return out,
        }
    }
}

/// Waits for the run's pairs to be stored; the run's id.
type PairsStored<'a> = Box<dyn FnOnce() -> Result<i64, EngineError> + 'a>;

/// What clustering a run's records did.
struct Reclustered {
    clusters: u64,
    /// The keyed hashes of the records and their canonical ids, sorted by
    /// what they hash, when asked for; as bytes, a fraction of their text.
    hashes: Vec<[u8; 16]>,
    /// The run's id, when its pairs were stored beside clustering.
    stored: Option<i64>,
}

/// A pair with its left id first in sort order, as pairs and judgements
/// are stored.
pub(crate) fn ordered<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if a <= b { (a, b) } else { (b, a) }
}

/// A pair linked by `rule` (a decisive identifier) is linked whatever its
/// score: probability 1, the model's weight kept.
fn match_pair(ids: &[String], p: &ScoredPair, version: &str, rule: Option<&str>) -> MatchPair {
    let id = |i: u32| ids.get(i as usize).map_or("", String::as_str);
    let (left_id, right_id) = ordered(id(p.left), id(p.right));
    MatchPair {
        left_id: left_id.to_owned(),
        right_id: right_id.to_owned(),
        weight: p.weight,
        probability: if rule.is_some() { 1.0 } else { p.probability() },
        model_version: version.to_owned(),
        run_id: 0,
        rule: rule.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use proptest::prelude::*;

    proptest! {
        // The subjects a run's event names, merged as they were once sorted
        // whole.
        #[test]
        fn sorted_union_is_the_sorted_lists_together_once_each(
            a in proptest::collection::vec("[a-c]{0,3}", 0..40),
            b in proptest::collection::vec("[a-c]{0,3}", 0..40),
        ) {
            fn sorted(v: &[String]) -> Vec<&str> {
                let mut v: Vec<&str> = v.iter().map(String::as_str).collect();
                v.sort_unstable();
                v.dedup();
                v
            }
            let (a, b) = (sorted(&a), sorted(&b));
            let mut whole: Vec<&str> = a.iter().chain(&b).copied().collect();
            whole.sort_unstable();
            whole.dedup();
            prop_assert_eq!(super::sorted_union(&a, &b), whole);
        }
    }
}
