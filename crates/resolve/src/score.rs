//! Scoring candidate pairs with a model, and explaining a score. The scorer
//! turns the model into a flat table of match weights once, so that scoring
//! a pair is a few lookups and additions per comparison.

use rayon::prelude::*;

use crate::compare::{DATE_GENERATION, Method, NULL_LEVEL, PLACE_SAME_DWELLING};
use crate::error::ResolveError;
use crate::features::Features;
use crate::model::{ComparisonVectors, Model};

/// One scored pair of records (indexes into the features).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoredPair {
    pub left: u32,
    pub right: u32,
    /// log2 of the odds that the pair is a match.
    pub weight: f64,
}

impl ScoredPair {
    pub fn probability(&self) -> f64 {
        probability(self.weight)
    }
}

/// The probability for a match weight.
pub fn probability(weight: f64) -> f64 {
    let odds = weight.exp2();
    if odds.is_infinite() {
        1.0
    } else {
        odds / (1.0 + odds)
    }
}

/// How an explanation names the household's part.
pub const HOUSEHOLD_ONCE: &str = "household counted once";

/// How far below the cap's probability a names-alone pair is held, in
/// bits: enough that rounding never lifts it to the threshold.
const NAMES_ALONE_MARGIN: f64 = 1e-6;

/// A model prepared for scoring.
#[derive(Debug, Clone)]
pub struct Scorer<'m> {
    model: &'m Model,
    prior_weight: f64,
    /// `weights[c][level]` = log2(m / u); 0 for the null level.
    weights: Vec<Vec<f64>>,
    /// For comparisons whose exact level is adjusted for term frequency,
    /// that level and its `u`.
    tf: Vec<Option<(u8, f64)>>,
    /// Which comparisons read names.
    names: Vec<bool>,
    /// Which comparisons read names or dates: what tells the members of a
    /// household apart.
    personal: Vec<Personal>,
    /// The highest weight of a pair whose only agreeing evidence is names
    /// ([`Scorer::names_alone_at_most`]).
    names_alone_max: Option<f64>,
    /// The family-name and place comparisons whose agreement on one
    /// dwelling counts once ([`Scorer::household_once`]).
    household: Option<Household>,
}

/// Indexes of the comparisons [`Scorer::household_once`] reads.
#[derive(Debug, Clone, Copy)]
struct Household {
    family: usize,
    place: usize,
}

/// What a comparison reads of the person, as opposed to their household.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Personal {
    Name,
    Date,
    Neither,
}

/// What a household's shared values contributed to a pair so far: the
/// family name's weight, the place comparison's level and weight, and
/// whether another name or a date spoke against the pair.
#[derive(Debug, Clone, Copy, Default)]
struct HouseholdParts {
    family: f64,
    place_level: u8,
    place: f64,
    against: bool,
}

impl HouseholdParts {
    /// Notes comparison `c`'s part. A name speaks against the pair when
    /// it weighs against; a date only when it is a generation apart: a
    /// date keyed wrong (a slip, or one no level explains) is as common in
    /// one person's records as a family name and a home shared, and must
    /// not cost them that evidence.
    fn note(&mut self, h: Option<Household>, c: usize, personal: Personal, level: u8, weight: f64) {
        if let Some(h) = h {
            if c == h.family {
                self.family = weight;
            } else if c == h.place {
                self.place_level = level;
                self.place = weight;
            } else if match personal {
                Personal::Name => weight < 0.0,
                Personal::Date => level == DATE_GENERATION,
                Personal::Neither => false,
            } {
                self.against = true;
            }
        }
    }

    /// 0, or minus the smaller of the two weights when both are for, the
    /// records share a dwelling, and a given name or a date of birth
    /// speaks against them: then the family name and the home agreeing is
    /// what any two members of one household show, one piece of evidence,
    /// not two. Without such a disagreement they count as they are, so
    /// that a record with an initial or no date still meets its own.
    fn once(&self) -> f64 {
        if self.against
            && PLACE_SAME_DWELLING.contains(&self.place_level)
            && self.family > 0.0
            && self.place > 0.0
        {
            -self.family.min(self.place)
        } else {
            0.0
        }
    }
}

/// One comparison's part in a score.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub comparison: String,
    pub level: u8,
    pub label: &'static str,
    /// log2(m / u) for the level.
    pub weight: f64,
    /// log2(u / tf) when the level is an exact name match, else 0.
    pub tf_adjustment: f64,
}

/// Why a pair scored what it did: the prior and each comparison's part,
/// which add up to `total`.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub model_version: String,
    pub prior_weight: f64,
    pub terms: Vec<Term>,
    pub total: f64,
    pub probability: f64,
    /// The decisive field that links the pair by rule, whatever the
    /// score; set by whoever holds the settings
    /// ([`crate::settings::Settings::rule_link`]).
    pub rule: Option<String>,
    /// What the score lost because names were its only agreeing evidence
    /// (0, or negative), included in `total`.
    pub names_alone: f64,
    /// What the score lost because the family name and the home agreed as
    /// any household's do, counted once (0, or negative), included in
    /// `total`.
    pub household: f64,
}

impl Explanation {
    /// The waterfall as readable text, one line per part.
    pub fn to_text(&self) -> String {
        let mut out = format!("model {}\n", self.model_version);
        out.push_str(&format!("{:<24} {:>8.3}\n", "prior", self.prior_weight));
        for t in &self.terms {
            let line = format!("{} = {}", t.comparison, t.label);
            out.push_str(&format!("{line:<24} {:>8.3}", t.weight));
            if t.tf_adjustment != 0.0 {
                out.push_str(&format!("  (term frequency {:+.3})", t.tf_adjustment));
            }
            out.push('\n');
        }
        if self.household != 0.0 {
            out.push_str(&format!("{:<24} {:>8.3}\n", HOUSEHOLD_ONCE, self.household));
        }
        if self.names_alone != 0.0 {
            out.push_str(&format!(
                "{:<24} {:>8.3}\n",
                "names alone never link", self.names_alone
            ));
        }
        out.push_str(&format!(
            "{:<24} {:>8.3}  probability {:.4}\n",
            "total", self.total, self.probability
        ));
        if let Some(rule) = &self.rule {
            out.push_str(&format!("linked by rule `{rule}`\n"));
        }
        out
    }

    /// The waterfall as one JSON object.
    pub fn to_json(&self) -> String {
        let terms: Vec<String> = self
            .terms
            .iter()
            .map(|t| {
                format!(
                    "{{\"comparison\":{},\"level\":{},\"label\":{},\"weight\":{},\"tf_adjustment\":{}}}",
                    json_string(&t.comparison),
                    t.level,
                    json_string(t.label),
                    json_number(t.weight),
                    json_number(t.tf_adjustment)
                )
            })
            .collect();
        let rule = self
            .rule
            .as_ref()
            .map(|r| format!(",\"rule\":{}", json_string(r)))
            .unwrap_or_default();
        format!(
            "{{\"model_version\":{},\"prior_weight\":{},\"terms\":[{}],\"household\":{},\"names_alone\":{},\"total\":{},\"probability\":{}{rule}}}",
            json_string(&self.model_version),
            json_number(self.prior_weight),
            terms.join(","),
            json_number(self.household),
            json_number(self.names_alone),
            json_number(self.total),
            json_number(self.probability)
        )
    }
}

/// `s` as a JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A finite number as JSON; JSON has no infinities, so those become null.
fn json_number(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        "null".to_owned()
    }
}

/// The term frequency of a pair's value in field `field`: the larger of the
/// two sides', as Splink does, so that the adjustment never overstates.
/// With several values, the one both records hold.
fn pair_tf(f: &Features, a: u32, b: u32, field: usize) -> Option<f64> {
    let tf = if f.has_further() {
        f.name_share(field, f.shared_name(field, a, b)?)?
    } else {
        f.term_frequency(a, field)?.max(f.term_frequency(b, field)?)
    };
    (tf > 0.0).then_some(tf)
}

impl<'m> Scorer<'m> {
    pub fn new(model: &'m Model) -> Scorer<'m> {
        let prior_weight = (model.prior / (1.0 - model.prior)).log2();
        let weights = model
            .m
            .iter()
            .zip(&model.u)
            .map(|(m, u)| {
                m.iter()
                    .zip(u)
                    .enumerate()
                    .map(|(l, (m, u))| if l == 0 { 0.0 } else { (m / u).log2() })
                    .collect()
            })
            .collect();
        let tf = model
            .comparisons
            .iter()
            .zip(&model.u)
            .map(|(c, u)| {
                (1..c.level_count())
                    .filter_map(|l| u8::try_from(l).ok())
                    .find(|&l| c.is_tf_level(l))
                    .and_then(|l| u.get(usize::from(l)).map(|&u| (l, u)))
            })
            .collect();
        let names = model
            .comparisons
            .iter()
            .map(|c| matches!(c.method, Method::Name { .. }))
            .collect();
        let personal = model
            .comparisons
            .iter()
            .map(|c| match c.method {
                Method::Name { .. } => Personal::Name,
                Method::Date { .. } => Personal::Date,
                _ => Personal::Neither,
            })
            .collect();
        Scorer {
            model,
            prior_weight,
            weights,
            tf,
            names,
            personal,
            names_alone_max: None,
            household: None,
        }
    }

    /// The scorer with the family name (comparison `family`) and the
    /// place (comparison `place`) counted once when the records share a
    /// dwelling and a given name or date of birth disagrees: a parent and
    /// a grown child at one address agree on both, so together they say
    /// "one household", not "one person", and only the stronger of the two
    /// counts. Evidence about the person (a given name, a date of birth,
    /// their own number) must do the rest.
    pub fn household_once(mut self, family: usize, place: usize) -> Scorer<'m> {
        self.household = Some(Household { family, place });
        self
    }

    /// The scorer with a pair whose only agreeing evidence is names held
    /// below `probability`: namesakes are common, so however rare a name,
    /// agreeing on it alone is a question for a person, never a link.
    /// Evidence for other comparisons (a date, a place, an identifier)
    /// lifts the cap; evidence against them only lowers the score.
    pub fn names_alone_at_most(mut self, probability: f64) -> Scorer<'m> {
        let p = probability.clamp(1e-9, 1.0 - 1e-9);
        self.names_alone_max = Some((p / (1.0 - p)).log2() - NAMES_ALONE_MARGIN);
        self
    }

    /// How far a pair's `weight` is lowered when `agrees_otherwise` is
    /// false (no comparison but names has a positive weight): 0 or less.
    fn names_alone(&self, weight: f64, agrees_otherwise: bool) -> f64 {
        match self.names_alone_max {
            Some(max) if !agrees_otherwise && weight > max => max - weight,
            _ => 0.0,
        }
    }

    /// The match weight of the pair of records `a` and `b`.
    pub fn weight(&self, f: &Features, a: u32, b: u32) -> f64 {
        let mut w = self.prior_weight;
        let mut agrees_otherwise = false;
        let mut household = HouseholdParts::default();
        for (i, (((c, weights), tf), &name)) in self
            .model
            .comparisons
            .iter()
            .zip(&self.weights)
            .zip(&self.tf)
            .zip(&self.names)
            .enumerate()
        {
            let level = c.level(f, a, b);
            let mut lw = weights.get(usize::from(level)).copied().unwrap_or(0.0);
            agrees_otherwise |= !name && lw > 0.0;
            if let Some((tf_level, u)) = tf
                && *tf_level == level
                && let Some(tf) = pair_tf(f, a, b, c.field)
            {
                lw += (u / tf).log2();
            }
            w += lw;
            household.note(self.household, i, self.personal[i], level, lw);
        }
        w += household.once();
        w + self.names_alone(w, agrees_otherwise)
    }

    /// Scores every pair, in parallel, in the order given.
    pub fn score(&self, features: &Features, pairs: &[(u32, u32)]) -> Vec<ScoredPair> {
        pairs
            .par_iter()
            .map(|&(left, right)| ScoredPair {
                left,
                right,
                weight: self.weight(features, left, right),
            })
            .collect()
    }

    /// Scores every pair from the levels computed for training, which is
    /// what makes scoring after training cheap.
    ///
    /// # Errors
    /// [`ResolveError::ModelShape`] when `vectors` does not hold one row of
    /// one level per comparison for each pair.
    pub fn score_vectors(
        &self,
        features: &Features,
        pairs: &[(u32, u32)],
        vectors: &ComparisonVectors,
    ) -> Result<Vec<ScoredPair>, ResolveError> {
        self.score_vectors_where(features, pairs, vectors, |_| true)
    }

    /// As [`Scorer::score_vectors`], keeping only the pairs `keep` accepts
    /// (those at or above a threshold, say), in the order given: the
    /// scores of millions of pairs that are then dropped are never held.
    ///
    /// # Errors
    /// As [`Scorer::score_vectors`].
    pub fn score_vectors_where(
        &self,
        features: &Features,
        pairs: &[(u32, u32)],
        vectors: &ComparisonVectors,
        keep: impl Fn(&ScoredPair) -> bool + Sync,
    ) -> Result<Vec<ScoredPair>, ResolveError> {
        let width = self.model.comparisons.len();
        if vectors.width != width || vectors.len() != pairs.len() {
            return Err(ResolveError::ModelShape {
                got: vectors.width,
                expected: width,
            });
        }
        // An exact level means both records hold the same name, so the
        // adjustment is looked up once per name rather than per pair.
        let tables: Vec<Option<(u8, usize, Vec<f64>)>> = self
            .model
            .comparisons
            .iter()
            .zip(&self.tf)
            .map(|(c, tf)| {
                let (level, u) = (*tf)?;
                let shares = features.name_shares(c.field)?;
                let adjust = |tf: f64| if tf > 0.0 { (u / tf).log2() } else { 0.0 };
                Some((level, c.field, shares.into_iter().map(adjust).collect()))
            })
            .collect();
        Ok(pairs
            .par_iter()
            .zip(vectors.rows())
            .map(|(&(left, right), row)| {
                let mut weight = self.prior_weight;
                let mut agrees_otherwise = false;
                let mut household = HouseholdParts::default();
                for (i, (((&level, weights), table), &name)) in row
                    .iter()
                    .zip(&self.weights)
                    .zip(&tables)
                    .zip(&self.names)
                    .enumerate()
                {
                    let mut lw = weights.get(usize::from(level)).copied().unwrap_or(0.0);
                    agrees_otherwise |= !name && lw > 0.0;
                    if let Some((tf_level, field, adjust)) = table
                        && *tf_level == level
                        && let Some(id) = if features.has_further() {
                            features.shared_name(*field, left, right)
                        } else {
                            features.name_id(*field, left)
                        }
                    {
                        lw += adjust.get(id as usize).copied().unwrap_or(0.0);
                    }
                    weight += lw;
                    household.note(self.household, i, self.personal[i], level, lw);
                }
                weight += household.once();
                weight += self.names_alone(weight, agrees_otherwise);
                ScoredPair {
                    left,
                    right,
                    weight,
                }
            })
            .filter(|s| keep(s))
            .collect())
    }

    /// The explanation of the score of the pair of records `a` and `b`.
    pub fn explain(&self, f: &Features, a: u32, b: u32) -> Explanation {
        let mut total = self.prior_weight;
        let mut terms = Vec::with_capacity(self.model.comparisons.len());
        let mut agrees_otherwise = false;
        let mut parts = HouseholdParts::default();
        for (i, (((c, weights), tf), &name)) in self
            .model
            .comparisons
            .iter()
            .zip(&self.weights)
            .zip(&self.tf)
            .zip(&self.names)
            .enumerate()
        {
            let level = c.level(f, a, b);
            let weight = weights.get(usize::from(level)).copied().unwrap_or(0.0);
            agrees_otherwise |= !name && weight > 0.0;
            let tf_adjustment = match tf {
                Some((tf_level, u)) if *tf_level == level && level != NULL_LEVEL => {
                    pair_tf(f, a, b, c.field).map_or(0.0, |tf| (u / tf).log2())
                }
                _ => 0.0,
            };
            total += weight + tf_adjustment;
            parts.note(
                self.household,
                i,
                self.personal[i],
                level,
                weight + tf_adjustment,
            );
            terms.push(Term {
                comparison: c.name.clone(),
                level,
                label: c.levels().get(usize::from(level)).copied().unwrap_or("?"),
                weight,
                tf_adjustment,
            });
        }
        let household = parts.once();
        let total = total + household;
        let names_alone = self.names_alone(total, agrees_otherwise);
        let total = total + names_alone;
        Explanation {
            model_version: self.model.version.clone(),
            prior_weight: self.prior_weight,
            terms,
            total,
            probability: probability(total),
            rule: None,
            names_alone,
            household,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use std::collections::HashMap;

    use super::*;
    use crate::block::{Key, KeyPart, Rule, candidates};
    use crate::compare::Comparison;
    use crate::record::{FieldKind, Record, Schema};
    use crate::rng::SplitMix64;
    use clearstone_text::fold;

    fn schema() -> Schema {
        Schema::new([
            ("given", FieldKind::GivenName),
            ("family", FieldKind::FamilyName),
            ("dob", FieldKind::Date),
            ("postcode", FieldKind::Postcode),
            ("address", FieldKind::Address),
            ("nino", FieldKind::Identifier),
        ])
    }

    /// Random people with small vocabularies, so that pairs hit every level.
    fn random_records(n: usize, seed: u64) -> Vec<Record> {
        let given = [
            "John", "Jon", "Bill", "William", "Mary", "Maria", "J", "Smith", "",
        ];
        let family = ["Smith", "Smyth", "Schmidt", "Jones", "John", "Okonkwo", ""];
        let dobs = [
            "1980-01-02",
            "1980-02-01",
            "1981-01-02",
            "1980-01-20",
            "1980-06-30",
            "1975-03-03",
            "x",
        ];
        let pcs = ["LS1 1AA", "LS1 1AB", "LS1 2AA", "LS9 2AA", "M1 1AE", "bad"];
        let addrs = [
            "12 High Street Leeds",
            "12 High Street",
            "12 High Road",
            "4 Mill Lane York",
        ];
        // Each held by fewer records than make a number shared.
        let ninos = [
            "AB123456C",
            "AB123456D",
            "ab 12 34 56 c",
            "AB123465C",
            "CD654321A",
            "CD654321B",
            "EF111111A",
            "EF111112A",
            "GH222222B",
            "GH222222C",
            "JK333333D",
            "LM444444A",
            "NP555555B",
            "RS666666C",
            "TW777777D",
        ];
        let mut rng = SplitMix64::new(seed);
        let mut pick = |xs: &[&str]| -> Option<String> {
            let v = xs[rng.below(xs.len() as u64) as usize];
            if v.is_empty() {
                None
            } else {
                Some(v.to_owned())
            }
        };
        (0..n)
            .map(|i| Record {
                id: i.to_string(),
                fields: vec![
                    pick(&given),
                    pick(&family),
                    pick(&dobs),
                    pick(&pcs),
                    pick(&addrs),
                    pick(&ninos),
                ],
            })
            .collect()
    }

    fn model(schema: &Schema) -> Model {
        let comparisons = ["given", "family", "dob", "postcode", "address", "nino"]
            .iter()
            .map(|f| Comparison::for_field(schema, f).unwrap())
            .collect();
        Model::new(comparisons, 0.01)
    }

    // issue 16: at one address, a date of birth a generation apart is
    // what a parent and child show, and the family name and home count
    // once; a date keyed wrong beyond any slip the levels know is what one
    // person's two records show as often, and costs them nothing more.
    #[test]
    fn only_a_generation_apart_makes_a_household() {
        let schema = Schema::new([
            ("given", FieldKind::GivenName),
            ("family", FieldKind::FamilyName),
            ("dob", FieldKind::Date),
            ("address", FieldKind::Address),
            ("postcode", FieldKind::Postcode),
        ]);
        let comparisons = vec![
            Comparison::for_field(&schema, "given").unwrap(),
            Comparison::for_field(&schema, "family").unwrap(),
            Comparison::for_field(&schema, "dob").unwrap(),
            Comparison::place(&schema, "place", &["address", "postcode"]).unwrap(),
        ];
        // Model::new's start: every agreement for, every "else" against.
        let model = Model::new(comparisons, 0.01);
        let record = |id: &str, name: [&str; 2], dob: &str| Record {
            id: id.into(),
            fields: [name[0], name[1], dob, "10 Ruskin Avenue", "LS7 9QY"]
                .map(|v| Some(v.to_owned()))
                .to_vec(),
        };
        let mut records = vec![
            record("son", ["Ahmet", "Demir"], "1988-09-08"),
            record("keyed wrong", ["Ahmet", "Demir"], "1986-02-17"),
            record("father", ["Ahmet", "Demir"], "1962-12-04"),
        ];
        // Others, so that the names are not everyone's.
        for i in 0..40 {
            let (given, family) = (format!("Given{i}"), format!("Family{i}"));
            records.push(record(&format!("{i}"), [&given, &family], "1970-05-05"));
        }
        let features = Features::compute(&schema, &records).unwrap();
        let scorer = Scorer::new(&model).household_once(1, 3);
        let keyed = scorer.explain(&features, 0, 1);
        let father = scorer.explain(&features, 0, 2);
        assert_eq!(keyed.terms[2].label, "else", "{keyed:?}");
        assert_eq!(father.terms[2].label, "a generation apart", "{father:?}");
        assert!(keyed.terms[3].weight > 0.0 && keyed.terms[1].weight > 0.0);
        assert_eq!(keyed.household, 0.0, "{keyed:?}");
        let weaker = father.terms[1].weight + father.terms[1].tf_adjustment;
        let weaker = weaker.min(father.terms[3].weight);
        assert!((father.household + weaker).abs() < 1e-9, "{father:?}");
        for (b, e) in [(1, &keyed), (2, &father)] {
            assert!((scorer.weight(&features, 0, b) - e.total).abs() < 1e-9);
        }
    }

    /// The slow, obvious scorer: features recomputed from the two records'
    /// raw values alone for every pair, term frequencies counted afresh, and
    /// the odds multiplied out before taking one logarithm.
    fn slow_weight(model: &Model, schema: &Schema, records: &[Record], a: usize, b: usize) -> f64 {
        let two = Features::compute(schema, &[records[a].clone(), records[b].clone()]).unwrap();
        let mut odds = model.prior / (1.0 - model.prior);
        for (c, comparison) in model.comparisons.iter().enumerate() {
            let level = comparison.level(&two, 0, 1) as usize;
            if level == 0 {
                continue;
            }
            odds *= model.m[c][level] / model.u[c][level];
            if comparison.is_tf_level(level as u8) {
                let mut counts: HashMap<String, f64> = HashMap::new();
                let mut total = 0.0;
                for r in records {
                    if let Some(v) = &r.fields[comparison.field] {
                        let f = fold(v);
                        if !f.is_empty() {
                            *counts.entry(f).or_default() += 1.0;
                            total += 1.0;
                        }
                    }
                }
                let value = |r: &Record| fold(r.fields[comparison.field].as_deref().unwrap());
                let tf =
                    (counts[&value(&records[a])] / total).max(counts[&value(&records[b])] / total);
                odds *= model.u[c][level] / tf;
            }
        }
        odds.log2()
    }

    #[test]
    fn fast_scorer_agrees_with_the_slow_one() {
        let schema = schema();
        let records = random_records(300, 11);
        let features = Features::compute(&schema, &records).unwrap();
        let mut model = model(&schema);
        model.estimate_u(&features, 5_000, 3);
        let rules = vec![Rule {
            unreached_only: false,
            name: "postcode district".into(),
            keys: vec![KeyPart {
                field: 3,
                key: Key::PostcodeDistrict,
            }],
        }];
        let pairs = candidates(&features, &rules, 1_000_000).unwrap().pairs;
        let vectors = ComparisonVectors::compute(&model.comparisons, &features, &pairs);
        model.em(&vectors, 5, true).unwrap();
        let scorer = Scorer::new(&model);
        let scored = scorer.score(&features, &pairs);
        assert_eq!(scored.len(), pairs.len());
        assert_eq!(
            scorer.score_vectors(&features, &pairs, &vectors).unwrap(),
            scored
        );
        let positive: Vec<ScoredPair> = scored.iter().filter(|s| s.weight > 0.0).copied().collect();
        assert!(!positive.is_empty() && positive.len() < scored.len());
        assert_eq!(
            scorer
                .score_vectors_where(&features, &pairs, &vectors, |s| s.weight > 0.0)
                .unwrap(),
            positive
        );
        let mut levels_seen = std::collections::HashSet::new();
        for (s, row) in scored.iter().zip(vectors.levels.chunks(vectors.width)) {
            levels_seen.extend(row.iter().enumerate().map(|(c, &l)| (c, l)));
            let slow = slow_weight(&model, &schema, &records, s.left as usize, s.right as usize);
            assert!((s.weight - slow).abs() < 1e-9, "{} vs {slow}", s.weight);
        }
        // The random records reach most levels of most comparisons.
        assert!(levels_seen.len() > 25, "{}", levels_seen.len());
    }

    #[test]
    fn explanation_adds_up() {
        let schema = schema();
        let records = random_records(200, 5);
        let features = Features::compute(&schema, &records).unwrap();
        let mut model = model(&schema);
        model.estimate_u(&features, 2_000, 1);
        let scorer = Scorer::new(&model);
        let mut tf_seen = false;
        for a in 0..40 {
            for b in (a + 1)..40 {
                let e = scorer.explain(&features, a, b);
                let sum = e.prior_weight
                    + e.terms
                        .iter()
                        .map(|t| t.weight + t.tf_adjustment)
                        .sum::<f64>();
                assert!((sum - e.total).abs() < 1e-9);
                assert!((e.total - scorer.weight(&features, a, b)).abs() < 1e-9);
                assert!((e.probability - probability(e.total)).abs() < 1e-12);
                assert_eq!(e.model_version, model.version);
                tf_seen |= e.terms.iter().any(|t| t.tf_adjustment != 0.0);
            }
        }
        assert!(tf_seen);
        let text = scorer.explain(&features, 0, 1).to_text();
        assert!(text.contains("prior") && text.contains("total"));
        let json = scorer.explain(&features, 0, 1).to_json();
        assert!(json.starts_with("{\"model_version\":\""), "{json}");
        assert!(json.contains("\"comparison\":\"given\""), "{json}");
        assert_eq!(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }

    // issue 16, names alone: however rare the name, agreeing on names and
    // nothing else stays below the cap; a date agreeing as well lifts it.
    #[test]
    fn names_alone_never_pass_the_cap() {
        let schema = Schema::new([
            ("given", FieldKind::GivenName),
            ("family", FieldKind::FamilyName),
            ("dob", FieldKind::Date),
        ]);
        let record = |id: &str, dob: Option<&str>| Record {
            id: id.into(),
            fields: vec![
                Some("Zebedee".into()),
                Some("Quarrington".into()),
                dob.map(Into::into),
            ],
        };
        let mut records = vec![
            record("a", None),
            record("b", None),
            record("c", Some("1970-01-01")),
            record("d", Some("1970-01-01")),
        ];
        records.extend((0..200).map(|i| Record {
            id: format!("o{i}"),
            fields: vec![Some(format!("G{i}")), Some(format!("F{i}")), None],
        }));
        let features = Features::compute(&schema, &records).unwrap();
        let comparisons = ["given", "family", "dob"]
            .iter()
            .map(|f| Comparison::for_field(&schema, f).unwrap())
            .collect();
        let model = Model::new(comparisons, 0.5);
        let plain = Scorer::new(&model);
        assert!(plain.explain(&features, 0, 1).probability > 0.9);
        let capped = Scorer::new(&model).names_alone_at_most(0.9);
        let e = capped.explain(&features, 0, 1);
        assert!(e.probability < 0.9 && e.names_alone < 0.0, "{e:?}");
        assert!((capped.weight(&features, 0, 1) - e.total).abs() < 1e-9);
        let pairs = [(0, 1), (2, 3)];
        let vectors = ComparisonVectors::compute(&model.comparisons, &features, &pairs);
        let scored = capped.score_vectors(&features, &pairs, &vectors).unwrap();
        assert!((scored[0].weight - e.total).abs() < 1e-9);
        // The same names with the same date of birth are not held back.
        let dated = capped.explain(&features, 2, 3);
        assert_eq!(dated.names_alone, 0.0);
        assert!(dated.probability > 0.9);
        assert!((scored[1].weight - dated.total).abs() < 1e-9);
    }

    #[test]
    fn a_rare_surname_says_more_than_a_common_one() {
        let schema = Schema::new([("family", FieldKind::FamilyName)]);
        let mut records: Vec<Record> = (0..100)
            .map(|i| Record {
                id: i.to_string(),
                fields: vec![Some("Smith".into())],
            })
            .collect();
        records.extend((0..100).map(|i| Record {
            id: format!("o{i}"),
            fields: vec![Some(format!("Rare{i}"))],
        }));
        records.push(Record {
            id: "r".into(),
            fields: vec![Some("Rare0".into())],
        });
        let features = Features::compute(&schema, &records).unwrap();
        let model = Model::new(
            vec![Comparison::for_field(&schema, "family").unwrap()],
            0.01,
        );
        let scorer = Scorer::new(&model);
        let common = scorer.weight(&features, 0, 1);
        let rare = scorer.weight(&features, 100, 200);
        assert!(rare > common + 5.0, "rare {rare} common {common}");
    }

    /// People in thirty towns of three counties, each town with two postcode
    /// districts of its own; one in five recorded twice, most of them at the
    /// same home, some after a move within the town or away. Returns the
    /// records and each record's person.
    fn people_in_towns(seed: u64) -> (Schema, Vec<Record>, Vec<usize>) {
        let schema = Schema::new([
            ("given", FieldKind::GivenName),
            ("family", FieldKind::FamilyName),
            ("dob", FieldKind::Date),
            ("address", FieldKind::Address),
            ("town", FieldKind::Town),
            ("county", FieldKind::Region),
            ("postcode", FieldKind::Postcode),
        ]);
        let given = [
            "Ann", "Bob", "Cara", "Dev", "Eve", "Finn", "Gita", "Hal", "Ivo",
        ];
        let family = [
            "Smith", "Okafor", "Nowak", "Patel", "Evans", "Murphy", "Khan",
        ];
        let counties = [("LS", "Yorkshire"), ("BA", "Somerset"), ("NE", "Tyne")];
        let streets = ["High Street", "Mill Lane", "Church Road", "Park Avenue"];
        let mut rng = SplitMix64::new(seed);
        let (mut records, mut truth) = (Vec::new(), Vec::new());
        let home = |rng: &mut SplitMix64, town: u64| {
            let (area, county) = counties[(town % 3) as usize];
            let district = 1 + 2 * town + rng.below(2);
            let postcode = format!(
                "{area}{district} {}A{}",
                rng.below(10),
                ["B", "D", "E", "F"][rng.below(4) as usize]
            );
            let address = format!("{} {}", 1 + rng.below(60), streets[rng.below(4) as usize]);
            (address, format!("Town {town}"), county, postcode)
        };
        for p in 0..3000 {
            let g = given[rng.below(given.len() as u64) as usize];
            let f = family[rng.below(family.len() as u64) as usize];
            let dob = format!(
                "19{:02}-{:02}-{:02}",
                40 + rng.below(60),
                1 + rng.below(12),
                1 + rng.below(28)
            );
            let town = rng.below(30);
            let first = home(&mut rng, town);
            let copies = if rng.below(5) == 0 { 2 } else { 1 };
            for copy in 0..copies {
                let (address, town, county, postcode) = match (copy, rng.below(10)) {
                    (1, 0) => home(&mut rng, town),
                    (1, 1) => {
                        let elsewhere = rng.below(30);
                        home(&mut rng, elsewhere)
                    }
                    _ => first.clone(),
                };
                records.push(Record {
                    id: format!("{p}-{copy}"),
                    fields: vec![
                        Some(g.into()),
                        Some(f.into()),
                        Some(dob.clone()),
                        Some(address),
                        Some(town),
                        Some(county.into()),
                        Some(postcode),
                    ],
                });
                truth.push(p);
            }
        }
        (schema, records, truth)
    }

    #[test]
    fn a_shared_locality_counts_once_in_the_place_comparison() {
        let (schema, records, truth) = people_in_towns(21);
        let features = Features::compute(&schema, &records).unwrap();
        let rules = vec![
            Rule {
                unreached_only: false,
                name: "family+dob".into(),
                keys: vec![
                    KeyPart {
                        field: 1,
                        key: Key::Exact,
                    },
                    KeyPart {
                        field: 2,
                        key: Key::Exact,
                    },
                ],
            },
            Rule {
                unreached_only: false,
                name: "postcode".into(),
                keys: vec![KeyPart {
                    field: 6,
                    key: Key::Exact,
                }],
            },
        ];
        let pairs = candidates(&features, &rules, u64::MAX).unwrap().pairs;
        let names = ["given", "family", "dob"];
        let mut separate: Vec<Comparison> = names
            .iter()
            .chain(&["address", "town", "county", "postcode"])
            .map(|f| Comparison::for_field(&schema, f).unwrap())
            .collect();
        let mut combined: Vec<Comparison> = names
            .iter()
            .map(|f| Comparison::for_field(&schema, f).unwrap())
            .collect();
        combined.push(
            Comparison::place(&schema, "place", &["address", "town", "county", "postcode"])
                .unwrap(),
        );
        let mut trained = Vec::new();
        for comparisons in [std::mem::take(&mut separate), std::mem::take(&mut combined)] {
            let mut model = Model::new(comparisons, 1e-4);
            let vectors = ComparisonVectors::compute(&model.comparisons, &features, &pairs);
            model.train(&features, &vectors, 20, 50_000, 3).unwrap();
            trained.push(model);
        }
        let (separate, combined) = (&trained[0], &trained[1]);
        // Two different people in one postcode district: same town and
        // county, another street address and postcode.
        let place_fields = |i: usize| records[i].fields[3..].to_vec();
        let (a, b) = (0..records.len())
            .flat_map(|a| (a + 1..records.len()).map(move |b| (a, b)))
            .find(|&(a, b)| {
                let (x, y) = (place_fields(a), place_fields(b));
                truth[a] != truth[b]
                    && x[1] == y[1]
                    && x[3].as_deref().and_then(|p| p.split(' ').next())
                        == y[3].as_deref().and_then(|p| p.split(' ').next())
                    && x[0] != y[0]
                    && x[3] != y[3]
            })
            .unwrap();
        let place_weight = |model: &Model| {
            let e = Scorer::new(model).explain(&features, a as u32, b as u32);
            e.terms
                .iter()
                .filter(|t| !names.contains(&t.comparison.as_str()))
                .map(|t| t.weight)
                .sum::<f64>()
        };
        let (apart, together) = (place_weight(separate), place_weight(combined));
        // Town, county and postcode district each count as evidence on their
        // own, so the same locality weighs as much as eight times the odds
        // more than the one level of the combined comparison says.
        assert!(
            apart > together + 3.0,
            "separate {apart}, combined {together}"
        );
        assert!(together < 2.5, "combined {together}");
        // A record and its copy at the same home still agree strongly.
        let (x, y) = (0..records.len() - 1)
            .map(|i| (i, i + 1))
            .find(|&(x, y)| truth[x] == truth[y] && place_fields(x) == place_fields(y))
            .unwrap();
        let e = Scorer::new(combined).explain(&features, x as u32, y as u32);
        let place = e.terms.iter().find(|t| t.comparison == "place").unwrap();
        assert_eq!(place.label, "address and postcode");
        assert!(place.weight > 5.0, "{}", place.weight);
    }
}
