//! Fairness before a rule runs: how many people a rule version would flag,
//! by unit and by the protected characteristics HR holds (ethnicity, sex,
//! age band, disability), with impact ratios (`fairness.rs`). It runs only
//! under the equality-monitoring purpose, reads the characteristics through
//! the gate, and returns aggregates only, with cells under 10 suppressed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use clearstone_model::Statement;
use clearstone_policy::Action;
use clearstone_store::{CaseStore, Register, ResolutionStore, Store};

use crate::fairness::{GroupCount, PublishedImpact, age_band, any_adverse, impacts, published};
use crate::registers::{is_register_id, register_query};
use crate::session::shortened;
use crate::{EngineError, Operation, Session, Timestamp};

/// The purpose fairness reports run under: its legal basis is the
/// monitoring of equality of opportunity (DPA 2018 sch. 1 para 8).
pub const EQUALITY_PURPOSE: &str = "equality-monitoring";

/// The HR record type whose people are counted.
pub const WORKFORCE_TYPE: &str = "StaffMember";

/// What each table groups by: its name and the property it reads.
pub const FAIRNESS_DIMENSIONS: [(&str, &str); 5] = [
    ("unit", "unit"),
    ("ethnicity", "ethnicity"),
    ("sex", "sex"),
    ("age_band", "birth_date"),
    ("disability", "disability"),
];

/// The group of someone whose value is absent or hidden.
pub const NOT_KNOWN: &str = "not_known";

/// One table of a fairness report.
#[derive(Debug, Clone, PartialEq)]
pub struct FairnessTable {
    pub dimension: String,
    pub groups: Vec<PublishedImpact>,
    /// Whether any group's ratio, small or not, is under four-fifths.
    pub adverse: bool,
}

/// A dry run's fairness report: aggregates only.
#[derive(Debug, Clone, PartialEq)]
pub struct FairnessReport {
    pub rule: String,
    /// People counted, when at least 10.
    pub people: Option<u64>,
    /// People flagged, when at least 10 or none.
    pub flagged: Option<u64>,
    pub tables: Vec<FairnessTable>,
}

impl FairnessReport {
    /// The dimensions with a ratio under four-fifths: activation then needs
    /// an equality impact assessment.
    pub fn adverse_dimensions(&self) -> Vec<&str> {
        self.tables
            .iter()
            .filter(|t| t.adverse)
            .map(|t| t.dimension.as_str())
            .collect()
    }
}

/// One person's groups, by dimension.
pub(crate) type Groups = BTreeMap<&'static str, String>;

/// Counts per dimension and group from each person's groups and whether
/// they are flagged.
pub fn group_counts(people: &[(Groups, bool)]) -> Vec<(&'static str, Vec<GroupCount>)> {
    FAIRNESS_DIMENSIONS
        .iter()
        .map(|(dim, _)| {
            let mut counts: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
            for (groups, flagged) in people {
                let g = groups.get(dim).map_or(NOT_KNOWN, String::as_str);
                let c = counts.entry(g).or_default();
                c.1 += 1;
                if *flagged {
                    c.0 += 1;
                }
            }
            let list = counts
                .into_iter()
                .map(|(group, (flagged, people))| GroupCount {
                    group: group.to_string(),
                    flagged,
                    people,
                })
                .collect();
            (*dim, list)
        })
        .collect()
}

/// A report from counts: every table's ratios, published with small cells
/// suppressed. The `not_known` group is shown but is not a group the
/// four-fifths rule compares.
pub fn report_from(rule: &str, people: &[(Groups, bool)]) -> FairnessReport {
    let total = people.len() as u64;
    let flagged = people.iter().filter(|(_, f)| *f).count() as u64;
    FairnessReport {
        rule: rule.to_string(),
        people: (total >= crate::fairness::PUBLISHED_CELL_MIN).then_some(total),
        flagged: crate::fairness::publishable(flagged).then_some(flagged),
        tables: tables_of(people),
    }
}

/// A table per dimension from each person's groups and whether they are
/// selected: ratios on every group, published with small cells suppressed.
pub(crate) fn tables_of(people: &[(Groups, bool)]) -> Vec<FairnessTable> {
    group_counts(people)
        .into_iter()
        .map(|(dim, counts)| {
            let (known, unknown): (Vec<GroupCount>, Vec<GroupCount>) =
                counts.into_iter().partition(|g| g.group != NOT_KNOWN);
            let mut all = impacts(&known);
            let adverse = any_adverse(&all);
            // The not-known group is shown against the same best group.
            if let Some(u) = unknown.first() {
                let mut with = known.clone();
                with.push(u.clone());
                if let Some(i) = impacts(&with).into_iter().find(|i| i.group == NOT_KNOWN) {
                    all.push(i);
                }
            }
            FairnessTable {
                dimension: dim.to_string(),
                groups: published(&all),
                adverse,
            }
        })
        .collect()
}

impl Session<'_> {
    pub(crate) fn require_equality_purpose(&self, what: &str) -> Result<(), EngineError> {
        if self.purpose.id == EQUALITY_PURPOSE {
            return Ok(());
        }
        self.record(
            Operation::Refused,
            what,
            &[],
            None,
            "equality_purpose_required",
        )?;
        Err(EngineError::Forbidden {
            what: format!(
                "{what} under purpose `{}`: fairness reports run under `{EQUALITY_PURPOSE}`",
                self.purpose.id
            ),
            code: "equality_purpose_required",
        })
    }

    /// The fairness of flagging `flagged` (canonical person ids, or source
    /// records) among the workforce this session may see: the dry run of
    /// version `version` of rule `rule`, before it is activated. Whether a
    /// table showed an adverse impact is kept for the activation check.
    pub fn fairness_dry_run(
        &self,
        rule: &str,
        version: u32,
        flagged: &[String],
    ) -> Result<FairnessReport, EngineError> {
        let query = format!(
            "{} version {version} dry run",
            register_query("fairness of rule", rule)
        );
        self.logged(Operation::Consult, &query, &[], || {
            self.require_equality_purpose(&query)?;
            if !is_register_id(rule) {
                return Err(EngineError::InvalidInput(format!(
                    "a rule id is 1 to 64 letters, digits, `-`, `_`, `.` or `@`, not `{}`",
                    shortened(rule)
                )));
            }
            let flagged: BTreeSet<&str> = flagged.iter().map(String::as_str).collect();
            let people = self.workforce_groups(&|records, canonical| {
                flagged.contains(canonical) || records.iter().any(|r| flagged.contains(r.as_str()))
            })?;
            let report = report_from(rule, &people);
            let adverse = report.adverse_dimensions().join(" ");
            self.engine.store()?.put_fairness_check(
                rule,
                version,
                Timestamp::now(),
                &self.principal.id,
                &adverse,
            )?;
            self.record(
                Operation::Consult,
                &query,
                &[],
                None,
                &format!(
                    "aggregates of {} people; adverse: {}",
                    people.len(),
                    if adverse.is_empty() { "none" } else { &adverse }
                ),
            )?;
            Ok(report)
        })
    }

    /// Refuses to activate a rule version whose fairness dry run showed an
    /// impact ratio under four-fifths, unless an equality impact assessment
    /// reference is given with its approver, a registered user other than
    /// the one activating.
    pub(crate) fn require_fair_activation(
        &self,
        rule: &str,
        version: u32,
        eia_reference: Option<&str>,
        approver: Option<&str>,
    ) -> Result<(), EngineError> {
        let adverse = self
            .engine
            .store()?
            .fairness_check(rule, version)?
            .unwrap_or_default();
        if adverse.is_empty() {
            return Ok(());
        }
        let eia = eia_reference.map(str::trim).filter(|r| !r.is_empty());
        let approver = approver.map(str::trim).filter(|a| {
            is_register_id(a)
                && *a != self.principal.id
                && self
                    .engine
                    .store()
                    .is_ok_and(|s| s.document(Register::Principal, a).ok().flatten().is_some())
        });
        if eia.is_some() && approver.is_some() {
            return Ok(());
        }
        Err(EngineError::Forbidden {
            what: format!(
                "activate rule `{}` version {version}: its fairness dry run shows an impact ratio under 0.8 ({adverse}); give an equality impact assessment reference and its approver, a registered user other than you",
                shortened(rule)
            ),
            code: "equality_impact_assessment_required",
        })
    }

    /// Each person of the workforce this session may see (by canonical id)
    /// with their groups, and whether `flag` says they are flagged.
    fn workforce_groups(
        &self,
        flag: &dyn Fn(&[String], &str) -> bool,
    ) -> Result<Vec<(Groups, bool)>, EngineError> {
        Ok(self
            .workforce_people()?
            .into_iter()
            .map(|(person, records, groups)| {
                let flagged = flag(&records, &person);
                (groups, flagged)
            })
            .collect())
    }

    /// Each person of the workforce this session may see: their canonical
    /// id, their records' ids and their groups.
    pub(crate) fn workforce_people(
        &self,
    ) -> Result<Vec<(String, Vec<String>, Groups)>, EngineError> {
        let ontology = self.engine.ontology();
        let props: BTreeSet<&str> = FAIRNESS_DIMENSIONS.iter().map(|(_, p)| *p).collect();
        let mut by_record: HashMap<String, Vec<Statement>> = HashMap::new();
        let mut canonical: HashMap<String, String> = HashMap::new();
        {
            let store = self.engine.store()?;
            store.for_each_statement(&mut |s| {
                if ontology.is_a(&s.schema, WORKFORCE_TYPE) {
                    let e = by_record.entry(s.entity_id.to_string()).or_default();
                    if props.contains(&*s.prop) {
                        e.push(s);
                    }
                }
                Ok(())
            })?;
            for id in by_record.keys() {
                let c = store
                    .canonical_of(id)?
                    .map_or_else(|| id.clone(), |(_, c)| c);
                canonical.insert(id.clone(), c);
            }
        }
        let today = Timestamp::now().to_string();
        let mut people: BTreeMap<String, (Vec<String>, Groups)> = BTreeMap::new();
        for (record, statements) in by_record {
            // A record the session may not see at all is not counted.
            let (visible, _) = self.gate(Action::View, statements.clone(), None);
            let seen = !visible.is_empty()
                || !self
                    .gate(
                        Action::View,
                        self.visible_statements(&record, Action::View, false)?,
                        None,
                    )
                    .0
                    .is_empty();
            if !seen {
                continue;
            }
            let person = canonical
                .get(&record)
                .cloned()
                .unwrap_or_else(|| record.clone());
            let entry = people.entry(person).or_default();
            entry.0.push(record.clone());
            for (dim, prop) in FAIRNESS_DIMENSIONS {
                if entry.1.contains_key(dim) {
                    continue;
                }
                let of_prop: Vec<Statement> = statements
                    .iter()
                    .filter(|s| &*s.prop == prop)
                    .cloned()
                    .collect();
                // Special-category values are read as revealed, for counting
                // only: they never leave this function.
                let (shown, counts) = self.gate(Action::View, of_prop, Some(prop));
                if counts.masked > 0 {
                    continue;
                }
                let Some(value) = shown.first().map(|s| s.value.trim().to_string()) else {
                    continue;
                };
                let group = match dim {
                    "age_band" => age_band(&value, &today).to_string(),
                    _ => clearstone_text::fold(&value).replace(' ', "_"),
                };
                if !group.is_empty() {
                    entry.1.insert(dim, group);
                }
            }
        }
        Ok(people
            .into_iter()
            .map(|(person, (records, groups))| (person, records, groups))
            .collect())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn person(unit: &str, ethnicity: Option<&str>, flagged: bool) -> (Groups, bool) {
        let mut g = Groups::new();
        g.insert("unit", unit.to_string());
        if let Some(e) = ethnicity {
            g.insert("ethnicity", e.to_string());
        }
        (g, flagged)
    }

    // issue 18, item 5: counted by hand — ethnicity white 30 of 100
    // flagged, black 12 of 80 (ratio 0.5, adverse), 5 not known (a cell
    // under 10: suppressed, and not compared).
    #[test]
    fn a_report_counts_groups_and_flags_an_adverse_ratio() {
        let mut people = Vec::new();
        for i in 0..100 {
            people.push(person("north", Some("white"), i < 30));
        }
        for i in 0..80 {
            people.push(person("south", Some("black"), i < 12));
        }
        for _ in 0..5 {
            people.push(person("south", None, false));
        }
        // The smallest shown group, suppressed with the not-known one so
        // that the total does not give that one back.
        for _ in 0..20 {
            people.push(person("south", Some("asian"), false));
        }
        let r = report_from("r1", &people);
        assert_eq!(r.people, Some(205));
        assert_eq!(r.flagged, Some(42));
        assert_eq!(r.adverse_dimensions(), ["unit", "ethnicity"]);
        let eth = r
            .tables
            .iter()
            .find(|t| t.dimension == "ethnicity")
            .unwrap();
        let black = eth.groups.iter().find(|g| g.group == "black").unwrap();
        assert!((black.ratio.unwrap() - 0.5).abs() < 1e-9);
        let unknown = eth.groups.iter().find(|g| g.group == NOT_KNOWN).unwrap();
        assert_eq!((unknown.people, unknown.flagged), (None, None));
        let asian = eth.groups.iter().find(|g| g.group == "asian").unwrap();
        assert_eq!((asian.people, asian.flagged), (None, None));
        let sex = r.tables.iter().find(|t| t.dimension == "sex").unwrap();
        assert!(!sex.adverse, "everyone not known is no comparison");
    }
}
