//! The dossier (s.62 `consult`): one resolved entity as this session may see
//! it. Its source records, every value with where it came from, what it
//! points at, what points at it (on a timeline where the referring record
//! has a date), and how its records came to be joined. Everything passes the
//! gate: a record the session may not see is left out as if it had never
//! been loaded, so nothing in the dossier hints at it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use clearstone_model::{PropType, Statement, Timestamp, limits};
use clearstone_policy::Action;
use clearstone_store::{Judgement, ResolutionRun, ResolutionStore};
use serde_json::Value;

use clearstone_search::{REFERRERS_MAX, Referrer, TARGETS_MAX};

use crate::index::search_error;
use crate::subjects::Seen;
use crate::{EngineError, MASKED_SOURCE, Operation, Session};

// A dossier's event names every entity it returns, and the log holds at
// most 64 KiB per event (some 1,800 subject hashes): these limits keep the
// largest dossier's event, 1 + 200 + 500 + 500 + 250 ids, under that.

/// Source records listed in one dossier. A cluster this large is more likely
/// a resolution fault than one person, and the answer says it was cut.
pub const DOSSIER_MEMBERS_MAX: usize = 200;
/// References listed in each direction. A busy address or a long-serving
/// officer's rosters are pointed at by many records; the most recent are
/// kept (see `incoming`), and the answer says it was cut.
pub const DOSSIER_REFERENCES_MAX: usize = 500;
/// Scored pairs looked up among the members (each is one store lookup).
pub const DOSSIER_PAIRS_MAX: usize = 5_000;
/// Judgements listed.
pub const DOSSIER_JUDGEMENTS_MAX: usize = 250;

/// One source record of the dossier's entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierMember {
    pub entity_id: String,
    pub dataset: String,
    pub schema: String,
}

/// Where one value came from: one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueSource {
    /// The member that holds it.
    pub entity_id: String,
    pub dataset: String,
    /// The file or table, and the row or record key in it.
    pub source: String,
    pub record: String,
    /// The raw text, where cleaning changed it.
    pub original_value: Option<String>,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    pub markings: String,
    pub subject_category: Option<String>,
    /// `fact` or `assessment`.
    pub kind: String,
    pub statement_id: String,
}

/// One value of a property, with every source that gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierValue {
    pub value: String,
    /// A special-category value as the gate masks it: the value is the
    /// placeholder naming its category, and its provenance and times are
    /// withheld with it (the sources then carry `[masked]`).
    pub masked: bool,
    /// Earliest and latest sighting over the sources; `None` when masked.
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
    pub sources: Vec<ValueSource>,
}

/// A link between the dossier's entity and another record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The referring property (`subject`, `address`, `staff_member`).
    pub prop: String,
    /// The member at this end: the one holding the value (outgoing) or the
    /// one pointed at (incoming).
    pub member: String,
    /// The record at the other end, and its canonical entity.
    pub entity_id: String,
    pub canonical_id: String,
    pub schema: String,
    /// Made only of values this session may see.
    pub label: String,
    /// Where the link itself was stated; empty for an incoming reference,
    /// which is stated in the other record.
    pub dataset: String,
    pub record: String,
}

/// A record pointing at the entity, placed in time by its type's
/// `timeline` date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEvent {
    /// `YYYY-MM-DD`; `None` when the date is not among what this session may
    /// see of the record (such events come last).
    pub date: Option<String>,
    pub schema: String,
    pub label: String,
    pub entity_id: String,
    pub canonical_id: String,
    /// The property that links it, and the member it points at.
    pub prop: String,
    pub member: String,
}

/// A scored pair among the members.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberPair {
    pub left_id: String,
    pub right_id: String,
    pub probability: f64,
    pub weight: f64,
    pub model_version: String,
    pub run_id: i64,
    /// At or above the threshold of the settings of the last run, so the
    /// model joined the two (unless a person cut them).
    pub linked: bool,
}

/// A resolution run, without its model and settings files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub id: i64,
    pub at: Timestamp,
    pub principal: String,
    pub model_version: String,
    pub incremental: bool,
}

/// How the members came to be one entity.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResolutionHistory {
    /// The type the members were resolved as; `None` for a record no run
    /// has resolved.
    pub schema: Option<String>,
    /// The runs that scored the pairs below, and the latest run, newest first.
    pub runs: Vec<RunSummary>,
    pub pairs: Vec<MemberPair>,
    /// Judgements on pairs with a member on at least one side and both sides
    /// visible, withdrawn ones included, newest first.
    pub judgements: Vec<Judgement>,
}

/// One resolved entity as this session may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dossier {
    /// The canonical id (a record no run has joined is its own).
    pub id: String,
    pub schema: String,
    pub label: String,
    pub members: Vec<DossierMember>,
    /// Every property but references, each value with its sources.
    pub properties: BTreeMap<String, Vec<DossierValue>>,
    pub outgoing: Vec<Reference>,
    pub incoming: Vec<Reference>,
    /// Dated first, in date order.
    pub timeline: Vec<TimelineEvent>,
    pub history: ResolutionHistory,
    /// The limits (`members_max`, `references_max`, `pairs_max`,
    /// `judgements_max`) that cut this answer short; empty when complete.
    pub truncated: Vec<&'static str>,
}

/// The statements of the records one answer has read, raw and as the gate
/// let them through, so that a record asked about twice (to find its
/// cluster, to list it, to check it for self-monitoring) is read and
/// decided once. Never kept between answers: what a session may see can
/// change between them.
#[derive(Default)]
pub(crate) struct Reads {
    raw: HashMap<String, Vec<Statement>>,
    shown: HashMap<String, Vec<Statement>>,
}

impl Session<'_> {
    /// One record's statements as stored, read once per answer.
    fn raw_read<'r>(&self, reads: &'r mut Reads, id: &str) -> Result<&'r [Statement], EngineError> {
        if !reads.raw.contains_key(id) {
            let raw = self.visible_statements(id, Action::View, false)?;
            reads.raw.insert(id.to_string(), raw);
        }
        Ok(reads.raw.get(id).map_or(&[], Vec::as_slice))
    }

    /// The statements of every record of `ids` not yet read, in one read:
    /// a dossier's members and the records it points at come by the dozen.
    fn raw_read_many(&self, reads: &mut Reads, ids: &[&str]) -> Result<(), EngineError> {
        let asked = crate::subjects::not_yet_known(ids, &reads.raw);
        if asked.is_empty() {
            return Ok(());
        }
        let read = self.visible_statements_many(&asked, Action::View)?;
        reads.raw.extend(read);
        Ok(())
    }

    /// One record's statements as this session may see them, read and
    /// decided once per answer.
    fn shown_read<'r>(
        &self,
        reads: &'r mut Reads,
        id: &str,
    ) -> Result<&'r [Statement], EngineError> {
        if !reads.shown.contains_key(id) {
            let raw = self.raw_read(reads, id)?.to_vec();
            let shown = self.gate(Action::View, raw, None).0;
            reads.shown.insert(id.to_string(), shown);
        }
        Ok(reads.shown.get(id).map_or(&[], Vec::as_slice))
    }

    /// The canonical id and members `id` names: a canonical id as this
    /// session knows it ([`view_id`]), or a source record (opening its
    /// whole cluster). A source record the session may not see names
    /// nothing, so its membership of a cluster cannot be tested, and nor
    /// does a canonical id derived from a hidden member; the members are
    /// not yet gated.
    pub(crate) fn cluster_of(
        &self,
        id: &str,
    ) -> Result<Option<(String, Vec<String>)>, EngineError> {
        Ok(self
            .cluster_read(id, &mut Reads::default())?
            .map(|(canonical, members, _)| (canonical, members)))
    }

    /// As [`Session::cluster_of`], keeping what it read in `reads`, with
    /// only the members this session may see something of, and whether
    /// they are the whole cluster.
    fn cluster_read(
        &self,
        id: &str,
        reads: &mut Reads,
    ) -> Result<Option<(String, Vec<String>, bool)>, EngineError> {
        let (visible, all) = self.visible_members(id, reads)?;
        // A cluster none of whose members may be seen names nothing.
        if !visible.is_empty() || !all {
            let ids: Vec<&str> = visible.iter().map(String::as_str).collect();
            if visible.is_empty() || view_id(id, &ids, all) != id {
                return Ok(None);
            }
            return Ok(Some((id.to_string(), visible, all)));
        }
        let canonical = self.engine.reader()?.canonical_of(id)?;
        // Canonical ids are `cs-` and a hash (`resolve::canonical_id`).
        if canonical.is_none() && id.starts_with("cs-") {
            return self.cluster_by_view_id(id, reads);
        }
        if self.shown_read(reads, id)?.is_empty() {
            return Ok(None);
        }
        Ok(Some(match canonical {
            Some((_, c)) => {
                let (visible, all) = self.visible_members(&c, reads)?;
                (c, visible, all)
            }
            None => (id.to_string(), vec![id.to_string()], true),
        }))
    }

    /// The members of cluster `canonical` this session may see, and whether
    /// they are all of it: hidden ones are left out at the store, then each
    /// left is decided statement by statement.
    fn visible_members(
        &self,
        canonical: &str,
        reads: &mut Reads,
    ) -> Result<(Vec<String>, bool), EngineError> {
        let (members, all) = self.visible_cluster_members(canonical)?;
        let ids: Vec<&str> = members.iter().map(String::as_str).collect();
        self.raw_read_many(reads, &ids)?;
        let mut out = Vec::with_capacity(members.len());
        for m in &members {
            if !self.shown_read(reads, m)?.is_empty() {
                out.push(m.clone());
            }
        }
        let all = all && out.len() == members.len();
        Ok((out, all))
    }

    /// The cluster a canonical id derived from one of its visible members
    /// other than the smallest names: the id this session was shown when
    /// the smallest is hidden from it. Found by deriving the id of every
    /// resolved record, which only a shown id that is not a cluster's own
    /// asks for.
    fn cluster_by_view_id(
        &self,
        id: &str,
        reads: &mut Reads,
    ) -> Result<Option<(String, Vec<String>, bool)>, EngineError> {
        let names: Vec<String> = self
            .engine
            .ontology()
            .types()
            .map(|t| t.name.clone())
            .collect();
        for ty in names {
            let resolved = self.engine.reader()?.canonical_ids(&ty)?;
            for (entity, canonical) in resolved {
                if crate::resolve::canonical_id(&entity) != id {
                    continue;
                }
                let (visible, all) = self.visible_members(&canonical, reads)?;
                let ids: Vec<&str> = visible.iter().map(String::as_str).collect();
                if view_id(&canonical, &ids, all) != id {
                    return Ok(None);
                }
                return Ok(Some((canonical, visible, all)));
            }
        }
        Ok(None)
    }

    /// The resolved entity `id` names (a canonical id or any of its source
    /// records), with everything this session may see of it: members,
    /// values with their sources, references both ways, a timeline of the
    /// records pointing at it, and its resolution history. "Not found" when
    /// nothing of it is visible, like `show`. One `consult` event names every
    /// entity returned.
    pub fn dossier(&self, id: &str) -> Result<Dossier, EngineError> {
        self.logged(Operation::Consult, "dossier", &[id], || {
            self.open_dossier(id)
        })
    }

    fn open_dossier(&self, id: &str) -> Result<Dossier, EngineError> {
        let mut truncated = Vec::new();
        let mut reads = Reads::default();
        let (canonical, all_members, whole) = match self.cluster_read(id, &mut reads)? {
            Some(c) => c,
            None => (id.to_string(), Vec::new(), true),
        };
        // Members in id order, each with only what the gate lets through.
        // Only visible members count towards the limit, so whether it was
        // reached says nothing about hidden ones.
        let mut members = Vec::new();
        let mut statements: Vec<Statement> = Vec::new();
        for m in &all_members {
            let shown = self.shown_read(&mut reads, m)?;
            let Some(first) = shown.first() else {
                continue;
            };
            if members.len() == DOSSIER_MEMBERS_MAX {
                truncated.push("members_max");
                break;
            }
            members.push(DossierMember {
                entity_id: m.clone(),
                dataset: first.dataset.to_string(),
                schema: first.schema.to_string(),
            });
            statements.extend_from_slice(shown);
        }
        if members.is_empty() {
            self.record(Operation::Consult, "dossier", &[id], None, "not found")?;
            return Err(EngineError::NotFound(id.to_string()));
        }
        let member_ids: Vec<&str> = members.iter().map(|m| m.entity_id.as_str()).collect();
        let cluster = canonical;
        let canonical = view_id(
            &cluster,
            &member_ids,
            whole && member_ids.len() == all_members.len(),
        );
        let schema = self.most_specific(&members);
        // Named as the most specific records name it (an officer as HR has
        // them, rather than as a vehicle keeper's record spells it).
        let own: Vec<Statement> = statements
            .iter()
            .filter(|s| *s.schema == *schema)
            .cloned()
            .collect();
        let label = caption(self, &schema, &own)
            .or_else(|| caption(self, &schema, &statements))
            .unwrap_or_else(|| format!("{schema} {canonical}"));
        let (properties, refs) = self.group_values(statements);
        let mut shown_ids = Seen::default();
        let outgoing = self.outgoing(refs, &mut truncated, &mut shown_ids, &mut reads)?;
        let member_set: BTreeSet<&str> = members.iter().map(|m| m.entity_id.as_str()).collect();
        let (incoming, timeline) =
            self.incoming(&cluster, &member_set, &mut truncated, &mut shown_ids)?;
        let history = self.history(&members, &mut truncated, &mut reads)?;
        let mut hit = HashSet::new();
        truncated.retain(|t| hit.insert(*t));

        let mut ids: Vec<&str> = vec![canonical.as_str()];
        ids.extend(members.iter().map(|m| m.entity_id.as_str()));
        ids.extend(outgoing.iter().map(|r| r.entity_id.as_str()));
        ids.extend(incoming.iter().map(|r| r.entity_id.as_str()));
        for j in &history.judgements {
            ids.extend([j.left_id.as_str(), j.right_id.as_str()]);
        }
        let mut seen = HashSet::new();
        ids.retain(|i| seen.insert(*i));
        let values: usize = properties.values().map(Vec::len).sum();
        // Opening a dossier is looking the person up, as `show` is: the same
        // self-monitoring concerns apply to each of its records.
        let mut concerns: Vec<(&str, Vec<&'static str>)> = Vec::new();
        // Most principals have nothing to look themselves up by.
        if self.monitors_lookups() {
            for m in &members {
                let raw = self.raw_read(&mut reads, &m.entity_id)?;
                let found = self.self_monitoring(&m.entity_id, raw);
                if !found.is_empty() {
                    concerns.push((&m.entity_id, found));
                }
            }
        }
        let flags: &[&str] = if concerns.is_empty() {
            &[]
        } else {
            &["self_monitoring"]
        };
        let event_id = self.record_flagged(
            Operation::Consult,
            "dossier",
            &ids,
            None,
            &format!(
                "{} records, {values} values, {} out, {} in, {} events{}",
                members.len(),
                outgoing.len(),
                incoming.len(),
                timeline.len(),
                if truncated.is_empty() {
                    String::new()
                } else {
                    format!(", cut at {}", truncated.join(" "))
                }
            ),
            flags,
        )?;
        for (entity, found) in &concerns {
            self.raise(entity, found, event_id)?;
        }
        Ok(Dossier {
            id: canonical,
            schema,
            label,
            members,
            properties,
            outgoing,
            incoming,
            timeline,
            history,
            truncated,
        })
    }

    /// The member type every other member's type is a parent of (an
    /// `Officer` record joined to a `Person` one is an officer), else the
    /// first member's.
    fn most_specific(&self, members: &[DossierMember]) -> String {
        let o = self.engine.ontology();
        members
            .iter()
            .find(|m| members.iter().all(|n| o.is_a(&m.schema, &n.schema)))
            .or(members.first())
            .map(|m| m.schema.clone())
            .unwrap_or_default()
    }

    /// Values grouped by property and value, and apart from them the
    /// references (entity-typed values that were not masked).
    fn group_values(
        &self,
        statements: Vec<Statement>,
    ) -> (BTreeMap<String, Vec<DossierValue>>, Vec<Statement>) {
        let o = self.engine.ontology();
        let mut refs = Vec::new();
        let mut grouped: BTreeMap<String, BTreeMap<(bool, String), Vec<Statement>>> =
            BTreeMap::new();
        for s in statements {
            let masked = &*s.origin.source == MASKED_SOURCE;
            let is_ref = o
                .property(&s.schema, &s.prop)
                .is_some_and(|p| p.ty == PropType::Entity);
            if is_ref && !masked {
                refs.push(s);
                continue;
            }
            grouped
                .entry(s.prop.to_string())
                .or_default()
                .entry((masked, s.value.clone()))
                .or_default()
                .push(s);
        }
        let properties = grouped
            .into_iter()
            .map(|(prop, values)| {
                let values = values
                    .into_iter()
                    .map(|((masked, value), mut group)| {
                        group.sort_by(|a, b| {
                            a.first_seen
                                .cmp(&b.first_seen)
                                .then_with(|| a.entity_id.cmp(&b.entity_id))
                        });
                        let seen =
                            |f: fn(&Statement) -> Timestamp| (!masked).then(|| group.iter().map(f));
                        DossierValue {
                            value,
                            masked,
                            first_seen: seen(|s| s.first_seen).and_then(Iterator::min),
                            last_seen: seen(|s| s.last_seen).and_then(Iterator::max),
                            sources: group.iter().map(source).collect(),
                        }
                    })
                    .collect();
                (prop, values)
            })
            .collect();
        (properties, refs)
    }

    /// The members' references to records this session may see, with those
    /// records' labels. A reference to a record it may not see is left out,
    /// id and all.
    fn outgoing(
        &self,
        mut refs: Vec<Statement>,
        truncated: &mut Vec<&'static str>,
        shown_ids: &mut Seen,
        reads: &mut Reads,
    ) -> Result<Vec<Reference>, EngineError> {
        refs.sort_by(|a, b| {
            (&a.prop, &a.value, &a.entity_id).cmp(&(&b.prop, &b.value, &b.entity_id))
        });
        // Every target, its cluster, and that cluster's members, each in
        // one read for all the references.
        let targets: Vec<&str> = refs.iter().map(|s| s.value.as_str()).collect();
        self.raw_read_many(reads, &targets)?;
        let resolved = self.engine.reader()?.canonicals_of(&targets)?;
        let clusters: Vec<&str> = resolved.values().map(|(_, c)| c.as_str()).collect();
        self.see_clusters(shown_ids, &clusters)?;
        let mut out = Vec::new();
        for s in refs {
            let target = self.shown_read(reads, &s.value)?.to_vec();
            let Some(first) = target.first() else {
                continue;
            };
            // Counted after the gate, like members.
            if out.len() == DOSSIER_REFERENCES_MAX {
                truncated.push("references_max");
                break;
            }
            let schema = first.schema.to_string();
            let canonical_id = match resolved.get(&s.value) {
                Some((_, c)) => self.visible_canonical(c, shown_ids)?,
                None => s.value.clone(),
            };
            out.push(Reference {
                prop: s.prop.to_string(),
                member: s.entity_id.to_string(),
                label: caption(self, &schema, &target)
                    .unwrap_or_else(|| format!("{schema} {}", s.value)),
                entity_id: s.value,
                canonical_id,
                schema,
                dataset: s.dataset.to_string(),
                record: s.origin.record.to_string(),
            });
        }
        Ok(out)
    }

    /// Records outside the entity pointing at any member, as far as this
    /// session may see them (the index answers only from documents whose
    /// shape it may view), and the dated ones among them as a timeline.
    fn incoming(
        &self,
        cluster: &str,
        members: &BTreeSet<&str>,
        truncated: &mut Vec<&'static str>,
        shown_ids: &mut Seen,
    ) -> Result<(Vec<Reference>, Vec<TimelineEvent>), EngineError> {
        let visible = self.visible(Action::View)?;
        // Members are fewer than the index's limit on targets for one lookup.
        let targets: Vec<String> = members
            .iter()
            .take(TARGETS_MAX)
            .map(|m| m.to_string())
            .collect();
        // All the index will give, so that a cut keeps the most recent
        // rather than whatever sorts first.
        let mut found = self
            .engine
            .search_index()
            .referrers(&targets, &visible, REFERRERS_MAX)
            .map_err(search_error)?;
        let mut cut = found.len() >= REFERRERS_MAX;
        // Every referrer's cluster in one read (an officer's shifts and
        // access events alone are dozens), the key itself when unresolved.
        let keys: Vec<&str> = found.iter().map(|r| r.canonical.as_str()).collect();
        let resolved = self.engine.reader()?.canonicals_of(&keys)?;
        for r in &mut found {
            match resolved.get(&r.canonical) {
                Some((_, c)) => r.canonical = c.clone(),
                None => shown_ids.unresolved(&r.canonical),
            }
        }
        // Records of the entity itself pointing at each other are already
        // its outgoing references.
        found.retain(|r| r.canonical != cluster && !members.contains(r.entity.as_str()));
        let o = self.engine.ontology();
        // The referrer's date on a timeline, if its type has one.
        let when = |r: &Referrer| -> Option<String> {
            let prop = o.get(&r.schema)?.timeline.as_deref()?;
            r.dates
                .iter()
                .find(|(p, _)| p == prop)
                .map(|(_, d)| d.clone())
        };
        if found.len() > DOSSIER_REFERENCES_MAX {
            // Newest first, undated last.
            found.sort_by_cached_key(|r| {
                let d = when(r);
                (d.is_none(), std::cmp::Reverse(d))
            });
            found.truncate(DOSSIER_REFERENCES_MAX);
            cut = true;
        }
        if cut {
            truncated.push("references_max");
        }
        found.sort_by(|a, b| {
            a.prop
                .cmp(&b.prop)
                .then_with(|| a.entity.cmp(&b.entity))
                .then_with(|| a.target.cmp(&b.target))
        });
        let clusters: Vec<&str> = found.iter().map(|r| r.canonical.as_str()).collect();
        self.see_clusters(shown_ids, &clusters)?;
        let mut incoming = Vec::with_capacity(found.len());
        let mut timeline = Vec::new();
        for mut r in found {
            r.canonical = self.visible_canonical(&r.canonical, shown_ids)?;
            if o.get(&r.schema).is_some_and(|t| t.timeline.is_some()) {
                timeline.push(TimelineEvent {
                    date: when(&r),
                    schema: r.schema.clone(),
                    label: r.label.clone(),
                    entity_id: r.entity.clone(),
                    canonical_id: r.canonical.clone(),
                    prop: r.prop.clone(),
                    member: r.target.clone(),
                });
            }
            incoming.push(Reference {
                prop: r.prop,
                member: r.target,
                entity_id: r.entity,
                canonical_id: r.canonical,
                schema: r.schema,
                label: r.label,
                dataset: String::new(),
                record: String::new(),
            });
        }
        // Undated events last; ties by record, so the order is stable.
        timeline.sort_by(|a, b| {
            (a.date.is_none(), &a.date, &a.entity_id, &a.prop).cmp(&(
                b.date.is_none(),
                &b.date,
                &b.entity_id,
                &b.prop,
            ))
        });
        Ok((incoming, timeline))
    }

    /// The runs and scores that joined the members, and the judgements on
    /// pairs involving them whose other side this session may also see.
    fn history(
        &self,
        members: &[DossierMember],
        truncated: &mut Vec<&'static str>,
        reads: &mut Reads,
    ) -> Result<ResolutionHistory, EngineError> {
        let Some(first) = members.first() else {
            return Ok(ResolutionHistory::default());
        };
        let Some((schema, _)) = self.engine.reader()?.canonical_of(&first.entity_id)? else {
            return Ok(ResolutionHistory::default());
        };
        let run_ids = self
            .engine
            .reader()?
            .resolution_run_ids(&schema, limits::PAGE_ROWS_MAX)?;
        let latest = match run_ids.first() {
            Some(id) => self.engine.known_run(*id)?,
            None => None,
        };
        let threshold = latest.as_ref().map_or(f64::INFINITY, |r| r.threshold);
        let ids: Vec<&str> = members.iter().map(|m| m.entity_id.as_str()).collect();
        let mut pairs = Vec::new();
        'pairs: for (i, l) in ids.iter().enumerate() {
            for r in ids.iter().skip(i + 1) {
                if pairs.len() == DOSSIER_PAIRS_MAX {
                    truncated.push("pairs_max");
                    break 'pairs;
                }
                // Members are in id order, as pairs are stored.
                if let Some(p) = self.engine.reader()?.match_pair(&schema, l, r)? {
                    pairs.push(MemberPair {
                        linked: p.probability >= threshold,
                        left_id: p.left_id,
                        right_id: p.right_id,
                        probability: p.probability,
                        weight: p.weight,
                        model_version: p.model_version,
                        run_id: p.run_id,
                    });
                }
            }
        }
        let member_set: HashSet<&str> = ids.iter().copied().collect();
        let mut judgements = Vec::new();
        let mut outside_visible: BTreeMap<String, bool> = BTreeMap::new();
        let all = self.engine.reader()?.judgements_of(&schema, &ids, true)?;
        for j in all {
            let (l, r) = (j.left_id.as_str(), j.right_id.as_str());
            if !member_set.contains(l) && !member_set.contains(r) {
                continue;
            }
            let other = if member_set.contains(l) { r } else { l };
            if !member_set.contains(other) {
                let seen = match outside_visible.get(other) {
                    Some(v) => *v,
                    None => {
                        let v = !self.shown_read(reads, other)?.is_empty();
                        outside_visible.insert(other.to_string(), v);
                        v
                    }
                };
                if !seen {
                    continue;
                }
            }
            if judgements.len() == DOSSIER_JUDGEMENTS_MAX {
                truncated.push("judgements_max");
                break;
            }
            judgements.push(j);
        }
        let used: BTreeSet<i64> = pairs.iter().map(|p| p.run_id).collect();
        let mut runs = Vec::new();
        for (i, id) in run_ids.iter().enumerate() {
            if (i == 0 || used.contains(id))
                && let Some(r) = self.engine.known_run(*id)?
            {
                runs.push(r.summary.clone());
            }
        }
        Ok(ResolutionHistory {
            schema: Some(schema),
            runs,
            pairs,
            judgements,
        })
    }
}

/// The id a session knows a cluster by, derived from the members it may see
/// only, so that it says nothing of the others: the cluster's own id when
/// that derives from a visible member (or the record is unresolved and is
/// its own id), else the id the visible members would have had if the
/// hidden ones had never been loaded. A canonical id is a hash of its
/// smallest member, which a guessable record id would otherwise give away.
pub(crate) fn view_id(canonical: &str, visible: &[&str], all_visible: bool) -> String {
    match visible.iter().min() {
        Some(first)
            if !all_visible
                && !visible.contains(&canonical)
                && crate::resolve::canonical_id(first) != canonical =>
        {
            crate::resolve::canonical_id(first)
        }
        _ => canonical.to_string(),
    }
}

pub(crate) fn run_summary(r: &ResolutionRun) -> RunSummary {
    RunSummary {
        id: r.id,
        at: r.at,
        principal: r.principal.clone(),
        model_version: r.model_version.clone(),
        incremental: r.incremental,
    }
}

fn source(s: &Statement) -> ValueSource {
    ValueSource {
        entity_id: s.entity_id.to_string(),
        dataset: s.dataset.to_string(),
        source: s.origin.source.to_string(),
        record: s.origin.record.to_string(),
        original_value: s.original_value.clone(),
        first_seen: s.first_seen,
        last_seen: s.last_seen,
        markings: s.markings.to_string(),
        subject_category: s.subject_category.map(|c| c.as_str().to_string()),
        kind: s.kind.as_str().to_string(),
        statement_id: s.id.to_string(),
    }
}

/// The type's caption value (`name`, an address's `full`, a vehicle's
/// `registration`) among statements the gate let through unmasked, else any
/// name; `None` when there is neither.
fn caption(session: &Session<'_>, schema: &str, shown: &[Statement]) -> Option<String> {
    let o = session.engine.ontology();
    let wanted = o.get(schema).map_or("name", |t| t.caption.as_str());
    let unmasked = || shown.iter().filter(|s| &*s.origin.source != MASKED_SOURCE);
    unmasked()
        .filter(|s| &*s.prop == wanted)
        .map(|s| s.value.clone())
        .min()
        .or_else(|| {
            unmasked()
                .filter(|s| {
                    o.property(&s.schema, &s.prop)
                        .is_some_and(|p| p.ty == PropType::Name)
                })
                .map(|s| s.value.clone())
                .min()
        })
}

/// A judgement as the dossier and the CLI show it.
pub fn judgement_json(j: &Judgement) -> Value {
    crate::dossier_json::judgement_value(j)
}

impl Dossier {
    /// The dossier as JSON (the CLI's `--json`; the API writes the dossier
    /// itself, which serialises to the same). The layout is documented in
    /// `docs/dossier.md`.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}
