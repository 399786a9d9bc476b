//! What an `[uncorroborated]` rule needs of its corroborating records:
//! only their person and date, and only for those its `where` accepts.
//! They are by far the most numerous records a rule reads (every door
//! swipe), and none of them is ever cited as evidence, so the view keeps
//! no statement ids for them and leaves out those the filter rejects.

use clearstone_indicators::{Condition, Normalise, Record, Rule, normalise};
use clearstone_model::Ontology;

/// The corroborating type of a rule that reads its records for nothing
/// else, and the filters on its own properties.
pub(crate) struct Lean {
    schema: String,
    /// Direct properties (no `reference.prop`) and their codes, normalised.
    filter: Vec<(String, Vec<String>)>,
}

impl Lean {
    /// `None` unless `rule` is `[uncorroborated]` and no other part of it
    /// reads the corroborating type (or a type related to it): records of
    /// a type that can be cited, or reached through a path, keep everything.
    pub(crate) fn of(rule: &Rule, ontology: &Ontology) -> Option<Lean> {
        let Condition::Uncorroborated(u) = &rule.condition else {
            return None;
        };
        let c = &u.corroboration;
        let mut others: Vec<String> = vec![u.schema.clone()];
        for (schema, path) in rule.condition.paths() {
            if let Some((via, _)) = path.split_once('.') {
                others.extend(
                    ontology
                        .property(&schema, via)
                        .and_then(|p| p.range.clone()),
                );
            }
        }
        let related = |t: &str| ontology.is_a(t, &c.schema) || ontology.is_a(&c.schema, t);
        if others.iter().any(|t| related(t)) {
            return None;
        }
        let filter = c
            .filter
            .iter()
            .filter(|(path, _)| !path.contains('.'))
            .map(|(path, codes)| {
                let codes = codes
                    .iter()
                    .map(|w| normalise(Normalise::Code, w))
                    .collect();
                (path.clone(), codes)
            })
            .collect();
        Some(Lean {
            schema: c.schema.clone(),
            filter,
        })
    }

    /// Whether records of `schema` are read lean.
    pub(crate) fn applies(&self, schema: &str, ontology: &Ontology) -> bool {
        ontology.is_a(schema, &self.schema)
    }

    /// Whether the rule's filter on the record's own properties can accept
    /// it (a filter through a reference is left to the evaluation).
    pub(crate) fn keeps(&self, r: &Record) -> bool {
        self.filter.iter().all(|(prop, codes)| {
            r.values_of(prop).any(|v| {
                let v = normalise(Normalise::Code, &v.value);
                codes.contains(&v)
            })
        })
    }

    /// `records` as the lean read gives them: the corroborating records the
    /// filter rejects left out, the others without statement ids.
    pub(crate) fn apply(&self, records: &mut Vec<Record>, ontology: &Ontology) {
        records.retain(|r| !self.applies(&r.schema, ontology) || self.keeps(r));
        for r in records
            .iter_mut()
            .filter(|r| self.applies(&r.schema, ontology))
        {
            for v in &mut r.values {
                v.statement = String::new();
            }
        }
    }
}
