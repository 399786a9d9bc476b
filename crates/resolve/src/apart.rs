//! Pairs that must never end in one cluster, though a chain of links would
//! put them there: two records whose own comparison says they are two
//! people (different numbers from a system that gives one to each, or
//! dates of birth a generation apart). Clustering treats them as it treats
//! a person's `not_same` judgement, as constrained clustering does, so that
//! a record with little of its own (an intelligence subject with a name and
//! a flat) cannot join a father and his son by linking to each.

use rayon::prelude::*;

use crate::cluster::components;
use crate::compare::{DATE_GENERATION, Method};
use crate::features::Features;
use crate::model::{ComparisonVectors, Model};
use crate::score::ScoredPair;
use crate::settings::Settings;

impl Settings {
    /// The candidate `pairs` (with their levels, `vectors`) that `linked`
    /// would put in one cluster, though the pair is not linked itself and a
    /// comparison reads it as two people: a decisive identifier differs, or
    /// a date is a generation apart. Few, as only pairs inside one cluster
    /// are looked at; in the order of `pairs`.
    pub fn apart(
        &self,
        model: &Model,
        features: &Features,
        pairs: &[(u32, u32)],
        vectors: &ComparisonVectors,
        linked: &[ScoredPair],
    ) -> Vec<(u32, u32)> {
        // The comparisons that can say "two people", and the level that does.
        let parting: Vec<(usize, u8)> = model
            .comparisons
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c.method {
                Method::Date { .. } => Some((i, DATE_GENERATION)),
                Method::Identifier | Method::Exact if self.decisive.contains(&c.field) => {
                    Some((i, u8::try_from(c.level_count() - 1).ok()?))
                }
                _ => None,
            })
            .collect();
        if parting.is_empty() || linked.is_empty() {
            return Vec::new();
        }
        let n = u32::try_from(features.len()).unwrap_or(u32::MAX);
        let roots = components(n, linked);
        let root = |r: u32| roots.get(r as usize).copied();
        // The levels first: they are read in order, the roots at random.
        let inside: Vec<(u32, u32)> = pairs
            .par_iter()
            .zip(vectors.rows())
            .filter(|&(&(a, b), row)| {
                parting.iter().any(|&(i, l)| row.get(i) == Some(&l)) && root(a) == root(b)
            })
            .map(|(&p, _)| p)
            .collect();
        if inside.is_empty() {
            return inside;
        }
        let scorer = self.scorer(model);
        inside
            .into_iter()
            .filter(|&(a, b)| {
                crate::score::probability(scorer.weight(features, a, b)) < self.threshold
                    && self.rule_link(features, a, b).is_none()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::cluster::cluster;
    use crate::defaults::{Property, generate};
    use crate::record::Record;

    // issue 16: an intelligence subject known by name and flat alone links
    // to a father and to the son named after him; the chain must not make
    // one person of the two, whose dates are a generation apart, nor of two
    // staff whose payroll numbers differ.
    #[test]
    fn a_chain_never_joins_two_people_its_ends_say_are_two() {
        let props = [
            ("first_name", "name"),
            ("last_name", "name"),
            ("birth_date", "date"),
            ("payroll_number", "identifier"),
            ("address.street", "address"),
            ("address.postcode", "postcode"),
        ]
        .map(|(path, kind)| Property { path, kind });
        let s = Settings::parse(&generate(&props, &["payroll_number"]), "s.toml").unwrap();
        let mut model = Model::new(s.comparisons.clone(), 0.01);
        // Model::new's start, with the two parting levels as firm as
        // training makes them.
        for (c, m) in s.comparisons.iter().zip(&mut model.m) {
            if let Some(last) = m.last_mut()
                && (matches!(c.method, Method::Date { .. }) || s.decisive.contains(&c.field))
            {
                *last = 1e-6;
            }
        }
        let field = |name: &str| s.schema.index(name).unwrap();
        let person = |id: &str, name: [&str; 2], dob: &str, payroll: &str| {
            let mut fields = vec![None; s.schema.fields.len()];
            let mut put = |f: &str, v: &str| {
                fields[field(f)] = (!v.is_empty()).then(|| v.to_owned());
            };
            put("given", name[0]);
            put("family", name[1]);
            put("dob", dob);
            put("payroll_number", payroll);
            put("street", "Flat 2, 14 Canal Street");
            put("postcode", "LS7 9QY");
            Record {
                id: id.into(),
                fields,
            }
        };
        let mut records = vec![
            person("father", ["Nathaniel", "Okafor"], "1961-04-12", ""),
            person("son", ["Nathaniel", "Okafor"], "1989-10-30", ""),
            person("subject", ["Nathaniel", "Okafor"], "", ""),
            person("staff", ["Grace", "Bello"], "", "P1001"),
            person("other staff", ["Grace", "Bello"], "", "P2002"),
            person("card", ["Grace", "Bello"], "", ""),
        ];
        for i in 0..40 {
            let name = [format!("Given{i}"), format!("Family{i}")];
            records.push(person(
                &i.to_string(),
                [&name[0], &name[1]],
                "1970-05-05",
                "",
            ));
        }
        let features = Features::compute(&s.schema, &records).unwrap();
        let n = records.len() as u32;
        let pairs: Vec<(u32, u32)> = [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)].into();
        let vectors = ComparisonVectors::compute(&model.comparisons, &features, &pairs);
        let scorer = s.scorer(&model);
        let linked: Vec<ScoredPair> = scorer
            .score(&features, &pairs)
            .into_iter()
            .filter(|p| p.probability() >= s.threshold)
            .collect();
        let chained = cluster(n, &linked, f64::NEG_INFINITY, &[]);
        assert_eq!(chained[0], chained[1], "{linked:?}");
        assert_eq!(chained[3], chained[4], "{linked:?}");
        let apart = s.apart(&model, &features, &pairs, &vectors, &linked);
        assert_eq!(apart, [(0, 1), (3, 4)]);
        let roots = cluster(n, &linked, f64::NEG_INFINITY, &apart);
        assert_ne!(roots[0], roots[1]);
        assert_ne!(roots[3], roots[4]);
        // The subject and the card still join one of each.
        assert!(roots[2] == roots[0] || roots[2] == roots[1]);
        assert!(roots[5] == roots[3] || roots[5] == roots[4]);
        // Nothing to part where no chain joins them.
        let few: Vec<ScoredPair> = linked
            .iter()
            .filter(|p| p.left != 2 && p.right != 2)
            .cloned()
            .collect();
        let few: Vec<ScoredPair> = few
            .into_iter()
            .filter(|p| p.left != 5 && p.right != 5)
            .collect();
        assert!(
            s.apart(&model, &features, &pairs, &vectors, &few)
                .is_empty()
        );
    }
}
