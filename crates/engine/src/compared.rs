//! What each comparison of a pair compared, so that a person can check the
//! model's reasons: both records' values of the comparison's fields as this
//! session may see them (masked where masked; a referenced record's values,
//! such as an address's street, town and postcode, rather than its id), with
//! the level the model found and the weight it gave.

use clearstone_model::{Entity, PropType};
use clearstone_resolve::compare::NULL_LEVEL;
use clearstone_resolve::settings::Settings;
use clearstone_resolve::{Explanation, Method};

use crate::{EngineError, MASKED_SOURCE, Session};

/// How a comparison's level reads to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// A side had no value: no evidence either way.
    Missing,
    /// The strongest level (equal once normalised: case, spacing, format).
    Agrees,
    /// A level between the strongest and "else" (a near spelling, the same
    /// postcode district).
    Partly,
    /// The "else" level: the values disagree.
    Disagrees,
}

impl Agreement {
    fn of(level: u8, label: &str) -> Self {
        if level == NULL_LEVEL {
            Self::Missing
        } else if label == "else" {
            Self::Disagrees
        } else if level == 1 {
            Self::Agrees
        } else {
            Self::Partly
        }
    }

    /// One character for a text table: `≠` only for a disagreement.
    pub fn mark(self) -> char {
        match self {
            Self::Missing => '?',
            Self::Agrees => '=',
            Self::Partly => '~',
            Self::Disagrees => '≠',
        }
    }
}

/// One field's values on both sides; empty where a side has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldValues {
    pub field: String,
    pub left: Vec<String>,
    pub right: Vec<String>,
}

/// One comparison of a pair: what it read and what it concluded.
#[derive(Debug, Clone)]
pub struct Compared {
    pub comparison: String,
    pub level: u8,
    pub label: &'static str,
    /// The level's weight with its term-frequency adjustment.
    pub weight: f64,
    pub agreement: Agreement,
    pub fields: Vec<FieldValues>,
}

/// The schema fields a comparison reads.
fn fields_of(method: &Method, field: usize) -> Vec<usize> {
    match method {
        Method::Place {
            address,
            town,
            region,
            postcode,
        } => [address, town, region, postcode]
            .into_iter()
            .flatten()
            .copied()
            .collect(),
        _ => vec![field],
    }
}

impl Session<'_> {
    /// Each term of `x` with the values it compared, read from the two
    /// records as they are shown to this session.
    pub(crate) fn compared(
        &self,
        settings: &Settings,
        x: &Explanation,
        left: &Entity,
        right: &Entity,
    ) -> Result<Vec<Compared>, EngineError> {
        let mut out = Vec::with_capacity(x.terms.len());
        for (term, c) in x.terms.iter().zip(&settings.comparisons) {
            let mut fields = Vec::new();
            for i in fields_of(&c.method, c.field) {
                let name = settings
                    .schema
                    .fields
                    .get(i)
                    .map(|f| f.name.clone())
                    .unwrap_or_default();
                let columns = settings.columns.get(i).map_or(&[][..], Vec::as_slice);
                fields.push(FieldValues {
                    field: name,
                    left: self.column_values(left, columns)?,
                    right: self.column_values(right, columns)?,
                });
            }
            out.push(Compared {
                comparison: term.comparison.clone(),
                level: term.level,
                label: term.label,
                weight: term.weight + term.tf_adjustment,
                agreement: Agreement::of(term.level, term.label),
                fields,
            });
        }
        Ok(out)
    }

    /// The values of a field's columns (`prop`, or `via.prop` for a
    /// referenced record's property) as this session may see them. A
    /// referenced record it may not see gives nothing, as an absent one.
    fn column_values(&self, e: &Entity, columns: &[String]) -> Result<Vec<String>, EngineError> {
        let mut out: Vec<String> = Vec::new();
        let mut push = |v: &str| {
            if !out.iter().any(|x| x == v) {
                out.push(v.to_owned());
            }
        };
        for column in columns {
            match column.split_once('.') {
                None => e.values(column).for_each(&mut push),
                Some((via, prop)) => {
                    for s in e.properties.get(via).into_iter().flatten() {
                        // A masked reference shows as masked, not as nothing.
                        if &*s.origin.source == MASKED_SOURCE {
                            push(&s.value);
                            continue;
                        }
                        match self.reviewable(&s.value) {
                            Ok(t) => t.values(prop).for_each(&mut push),
                            Err(EngineError::NotFound(_)) => {}
                            Err(err) => return Err(err),
                        }
                    }
                }
            }
        }
        Ok(out)
    }
}

impl Session<'_> {
    /// The properties of either record that no comparison reads, for
    /// context. References are left out: their ids say nothing a person
    /// can check, and what the model used of their records is compared.
    pub(crate) fn uncompared(
        &self,
        settings: &Settings,
        left: &Entity,
        right: &Entity,
    ) -> Vec<FieldValues> {
        let read: Vec<&str> = settings
            .columns
            .iter()
            .flatten()
            .map(|c| c.split_once('.').map_or(c.as_str(), |(via, _)| via))
            .collect();
        let ontology = self.engine.ontology();
        let is_ref = |e: &Entity, prop: &str| {
            ontology
                .property(&e.schema, prop)
                .is_some_and(|p| p.ty == PropType::Entity)
        };
        let mut props: Vec<&String> = left
            .properties
            .keys()
            .chain(right.properties.keys())
            .filter(|p| !read.contains(&p.as_str()))
            .filter(|p| !is_ref(left, p) && !is_ref(right, p))
            .collect();
        props.sort();
        props.dedup();
        props
            .into_iter()
            .map(|p| FieldValues {
                field: p.clone(),
                left: left.values(p).map(str::to_owned).collect(),
                right: right.values(p).map(str::to_owned).collect(),
            })
            .collect()
    }
}
