//! Linkage settings: the fields of a record, how pairs are compared, which
//! pairs are compared at all, and how the model is trained. Read from TOML
//! (`docs/resolve.md`); every error names the file, the line and the setting.

use std::fmt;

use clearstone_text::DateFormats;
use serde::Deserialize;
use toml::Spanned;

use crate::block::{Key, KeyPart, Rule, RuleCount};
use crate::compare::{Comparison, Method};
use crate::error::ResolveError;
use crate::features::Features;
use crate::model::{ComparisonVectors, Model};
use crate::record::{Field, FieldKind, Schema};
use crate::score::Scorer;

/// A setting that cannot be used, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    pub file: String,
    pub line: usize,
    pub setting: String,
    pub message: String,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` line {}", self.file, self.line)?;
        if !self.setting.is_empty() {
            write!(f, ", `{}`", self.setting)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for SettingsError {}

/// Settings that load but leave records out of reach: worth saying before
/// a run, not a reason to refuse one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsWarning {
    /// A stable snake_case name: `never_blocked` (no rule reads a compared
    /// field, so no pair is ever brought by it) or `unreachable` (records
    /// holding only names, or only an identifier, are never paired).
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for SettingsWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// How the model is trained when no saved model is given.
#[derive(Debug, Clone, PartialEq)]
pub struct Training {
    /// Random pairs drawn to estimate `u`.
    pub u_samples: usize,
    pub em_iterations: usize,
    pub seed: u64,
    /// Indexes into [`Settings::rules`]: each an EM session over that rule's
    /// pairs with the comparisons on its own fields left out.
    pub sessions: Vec<usize>,
}

/// Parsed, checked settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The column holding each record's id, unless the caller names one.
    pub id_column: Option<String>,
    /// Pairs at or above this match probability are linked.
    pub threshold: f64,
    /// Pairs with a probability in this range are offered to people for
    /// review, the most uncertain first.
    pub review_band: (f64, f64),
    /// Blocking fails rather than compare more pairs than this.
    pub pairs_max: u64,
    /// The records come from households (people who share a family name
    /// and a home): the two agreeing count once where a given name or a
    /// date of birth speaks against the pair ([`Scorer::household_once`]).
    pub households: bool,
    pub schema: Schema,
    /// For each schema field, the input columns it is read from (joined
    /// with a space).
    pub columns: Vec<Vec<String>>,
    /// For each schema field, the date formats its values are read with
    /// (none: ISO 8601, or not a date).
    pub formats: Vec<Option<DateFormats>>,
    pub comparisons: Vec<Comparison>,
    pub rules: Vec<Rule>,
    pub training: Training,
    /// What the settings check found that does not stop a run.
    pub warnings: Vec<SettingsWarning>,
    /// Identifier fields declared decisive: two records holding the same
    /// value in one are linked by rule, whatever the other fields say.
    pub decisive: Vec<usize>,
    /// For each schema field, the text that separates several values in
    /// one input column (`separator = "|"`), when the file has any.
    pub separators: Vec<Option<String>>,
}

/// The most pairs compared when a file does not say.
pub const PAIRS_MAX_DEFAULT: u64 = 50_000_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    id_column: Option<String>,
    threshold: Option<Spanned<f64>>,
    review_band: Option<Spanned<[f64; 2]>>,
    pairs_max: Option<u64>,
    #[serde(default)]
    households: bool,
    #[serde(default)]
    field: Vec<RawField>,
    comparison: Option<Vec<RawComparison>>,
    #[serde(default)]
    blocking: Vec<RawRule>,
    #[serde(default)]
    training: RawTraining,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    name: Spanned<String>,
    kind: Spanned<String>,
    columns: Option<Vec<String>>,
    #[serde(default)]
    formats: Vec<String>,
    separator: Option<Spanned<String>>,
    #[serde(default)]
    decisive: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComparison {
    name: Spanned<String>,
    field: Option<Spanned<String>>,
    fields: Option<Vec<Spanned<String>>>,
    within_days: Option<i64>,
    tolerance: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Spanned<String>,
    keys: Vec<Spanned<String>>,
    #[serde(default)]
    unreached_only: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTraining {
    u_samples: Option<usize>,
    em_iterations: Option<usize>,
    seed: Option<u64>,
    sessions: Option<Vec<Spanned<String>>>,
}

struct Ctx<'a> {
    text: &'a str,
    file: &'a str,
}

impl Ctx<'_> {
    fn err(&self, at: usize, setting: &str, message: impl Into<String>) -> SettingsError {
        let end = at.min(self.text.len());
        let line = self
            .text
            .get(..end)
            .map_or(1, |s| s.bytes().filter(|b| *b == b'\n').count() + 1);
        SettingsError {
            file: self.file.to_owned(),
            line,
            setting: setting.to_owned(),
            message: message.into(),
        }
    }

    fn resolve(&self, at: usize, setting: &str, e: ResolveError) -> SettingsError {
        self.err(at, setting, e.to_string())
    }
}

fn kind_of(name: &str) -> Option<FieldKind> {
    Some(match name {
        "given_name" => FieldKind::GivenName,
        "family_name" => FieldKind::FamilyName,
        "full_name" => FieldKind::FullName,
        "date" => FieldKind::Date,
        "postcode" => FieldKind::Postcode,
        "address" => FieldKind::Address,
        "town" => FieldKind::Town,
        "region" => FieldKind::Region,
        "identifier" => FieldKind::Identifier,
        "number" => FieldKind::Number,
        _ => return None,
    })
}

const KINDS: &str =
    "given_name, family_name, full_name, date, postcode, address, town, region, identifier, number";

/// `field` or `field:key`, where key is exact, metaphone, prefixN, district,
/// sector, year or either_order.
fn key_part(schema: &Schema, spec: &str) -> Result<KeyPart, String> {
    let (name, key) = spec.split_once(':').unwrap_or((spec, "exact"));
    let field = schema.index(name).map_err(|e| e.to_string())?;
    let key = match key {
        "exact" => Key::Exact,
        "either_order" => {
            let other = schema.fields.get(field).and_then(|f| match f.kind {
                FieldKind::GivenName => schema.first_of(FieldKind::FamilyName),
                FieldKind::FamilyName => schema.first_of(FieldKind::GivenName),
                _ => None,
            });
            match other {
                Some(other) => Key::EitherOrder(other),
                None => {
                    return Err(format!(
                        "`{name}:either_order` needs `{name}` to be a given or family name \
                         and the schema to have the other half of the name"
                    ));
                }
            }
        }
        "metaphone" => Key::Metaphone,
        "district" => Key::PostcodeDistrict,
        "sector" => Key::PostcodeSector,
        "year" => Key::Year,
        "month" => Key::Month,
        "sorted" => Key::Sorted,
        k => match k.strip_prefix("prefix").map(str::parse::<usize>) {
            Some(Ok(n)) if n > 0 => Key::Prefix(n),
            _ => {
                return Err(format!(
                    "unknown key `{k}`; use exact, metaphone, prefixN, district, sector, year, \
                     month, sorted or either_order"
                ));
            }
        },
    };
    Ok(KeyPart { field, key })
}

impl Settings {
    /// Parses settings from the text of `file` (named in errors).
    ///
    /// # Errors
    /// [`SettingsError`] naming the line and setting: TOML syntax, unknown
    /// settings, unknown kinds, fields or keys, duplicate names, a
    /// threshold outside (0, 1), and two comparisons over fields that
    /// determine each other.
    pub fn parse(text: &str, file: &str) -> Result<Settings, SettingsError> {
        let cx = Ctx { text, file };
        let raw: RawSettings = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            cx.err(at, "", e.message().trim())
        })?;

        let mut schema = Schema::default();
        let (mut columns, mut formats) = (Vec::new(), Vec::new());
        let (mut separators, mut decisive) = (Vec::new(), Vec::new());
        for f in raw.field {
            let name = f.name.get_ref();
            let kind = kind_of(f.kind.get_ref()).ok_or_else(|| {
                cx.err(
                    f.kind.span().start,
                    "field.kind",
                    format!("unknown kind `{}`; use one of {KINDS}", f.kind.get_ref()),
                )
            })?;
            if schema.index(name).is_ok() {
                return Err(cx.err(
                    f.name.span().start,
                    "field.name",
                    format!("field `{name}` is defined twice"),
                ));
            }
            if !f.formats.is_empty() && kind != FieldKind::Date {
                return Err(cx.err(
                    f.name.span().start,
                    "field.formats",
                    format!("field `{name}` is not a date; formats apply to dates only"),
                ));
            }
            if let Some(sep) = &f.separator
                && sep.get_ref().is_empty()
            {
                return Err(cx.err(
                    sep.span().start,
                    "field.separator",
                    format!("field `{name}` has an empty separator"),
                ));
            }
            separators.push(f.separator.map(Spanned::into_inner));
            if f.decisive {
                if kind != FieldKind::Identifier {
                    return Err(cx.err(
                        f.name.span().start,
                        "field.decisive",
                        format!(
                            "field `{name}` is a {} field; only an identifier can be decisive",
                            kind.as_str()
                        ),
                    ));
                }
                decisive.push(schema.fields.len());
            }
            columns.push(f.columns.unwrap_or_else(|| vec![name.clone()]));
            if f.formats.is_empty() {
                formats.push(None);
            } else {
                let given: Vec<&str> = f.formats.iter().map(String::as_str).collect();
                let read = DateFormats::new(&given)
                    .map_err(|e| cx.err(f.name.span().start, "field.formats", e.to_string()))?;
                formats.push(Some(read));
            }
            schema.fields.push(Field {
                name: name.clone(),
                kind,
            });
        }
        if schema.fields.is_empty() {
            return Err(cx.err(0, "field", "no fields: add at least one [[field]]"));
        }

        let comparisons = match raw.comparison {
            Some(specs) => comparisons_from(&cx, &schema, specs)?,
            None => default_comparisons(&schema).map_err(|e| cx.resolve(0, "field", e))?,
        };
        place_guard(&cx, &schema, &comparisons)?;
        double_count_guard(&schema, &columns, &comparisons)
            .map_err(|e| cx.resolve(0, "comparison", e))?;

        let mut rules: Vec<Rule> = Vec::new();
        for r in raw.blocking {
            let name = r.name.get_ref();
            if rules.iter().any(|x| &x.name == name) {
                return Err(cx.err(
                    r.name.span().start,
                    "blocking.name",
                    format!("blocking rule `{name}` is defined twice"),
                ));
            }
            if r.keys.is_empty() {
                return Err(cx.err(
                    r.name.span().start,
                    "blocking.keys",
                    format!("blocking rule `{name}` has no keys and would compare every pair"),
                ));
            }
            let keys = r
                .keys
                .iter()
                .map(|k| {
                    key_part(&schema, k.get_ref())
                        .map_err(|m| cx.err(k.span().start, "blocking.keys", m))
                })
                .collect::<Result<Vec<_>, _>>()?;
            rules.push(Rule {
                unreached_only: r.unreached_only,
                name: name.clone(),
                keys,
            });
        }
        if rules.is_empty() {
            return Err(cx.err(
                0,
                "blocking",
                "no blocking rules: add at least one [[blocking]]",
            ));
        }

        let sessions = match raw.training.sessions {
            Some(names) => names
                .iter()
                .map(|n| {
                    rules
                        .iter()
                        .position(|r| &r.name == n.get_ref())
                        .ok_or_else(|| {
                            cx.err(
                                n.span().start,
                                "training.sessions",
                                format!("no blocking rule is called `{}`", n.get_ref()),
                            )
                        })
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => (0..rules.len()).collect(),
        };

        let threshold = match raw.threshold {
            Some(t) if *t.get_ref() > 0.0 && *t.get_ref() < 1.0 => *t.get_ref(),
            Some(t) => {
                return Err(cx.err(
                    t.span().start,
                    "threshold",
                    "must be a probability strictly between 0 and 1",
                ));
            }
            None => 0.5,
        };
        let review_band = match raw.review_band {
            Some(b) => {
                let [low, high] = *b.get_ref();
                if !(0.0 <= low && low < high && high <= 1.0) {
                    return Err(cx.err(
                        b.span().start,
                        "review_band",
                        "must be [low, high] with 0 <= low < high <= 1",
                    ));
                }
                (low, high)
            }
            None => (0.2, 0.95),
        };
        let warnings = reach(&schema, &comparisons, &rules);
        Ok(Settings {
            warnings,
            separators,
            decisive,
            id_column: raw.id_column,
            threshold,
            review_band,
            pairs_max: raw.pairs_max.unwrap_or(PAIRS_MAX_DEFAULT),
            households: raw.households,
            schema,
            columns,
            formats,
            comparisons,
            rules,
            training: Training {
                u_samples: raw.training.u_samples.unwrap_or(1_000_000),
                em_iterations: raw.training.em_iterations.unwrap_or(10),
                seed: raw.training.seed.unwrap_or(1),
                sessions,
            },
        })
    }

    /// Trains a model: `u` from random pairs, `m` by EM over all candidate
    /// `pairs`, then one EM session per configured blocking rule, then λ
    /// again from the candidates with the sessions' `m`.
    ///
    /// # Errors
    /// As [`Settings::train_on`].
    pub fn train(&self, features: &Features, pairs: &[(u32, u32)]) -> Result<Model, ResolveError> {
        let vectors = ComparisonVectors::compute(&self.comparisons, features, pairs);
        self.train_on(features, pairs, None, &vectors)
    }

    /// As [`Settings::train`], given the levels of the candidate `pairs`
    /// under these settings' comparisons, which scoring then reuses. Each
    /// session trains on those of the candidates that agree on its rule,
    /// which are all of the rule's pairs when deduplicating and its pairs
    /// across the files when linking.
    ///
    /// `brought` is the blocking counts when `pairs` are the candidates
    /// blocking with these settings' rules gave, in its order. A pair a
    /// rule brought agrees on it and no pair a later rule brought does
    /// (that rule would have brought it first), so a session then looks
    /// only at the pairs before its rule's own.
    ///
    /// # Errors
    /// As [`Model::train`]; [`ResolveError::ModelShape`] when `vectors`
    /// does not hold one row per pair or `brought` does not account for
    /// every pair, rule by rule.
    pub fn train_on(
        &self,
        features: &Features,
        pairs: &[(u32, u32)],
        brought: Option<&[RuleCount]>,
        vectors: &ComparisonVectors,
    ) -> Result<Model, ResolveError> {
        let model = self.estimate_u(features);
        self.train_on_with_u(model, features, pairs, brought, vectors)
    }

    /// A model of these settings' comparisons with `u` estimated from the
    /// training's random pairs: the first step of [`Settings::train_on`],
    /// which needs only the features, so that it can run while blocking
    /// finds the candidates.
    pub fn estimate_u(&self, features: &Features) -> Model {
        let mut model = Model::new(self.comparisons.clone(), 1e-4);
        let t = &self.training;
        model.estimate_u(features, t.u_samples, t.seed);
        model
    }

    /// [`Settings::train_on`] from a model [`Settings::estimate_u`] gave.
    ///
    /// # Errors
    /// As [`Settings::train_on`].
    pub fn train_on_with_u(
        &self,
        model: Model,
        features: &Features,
        pairs: &[(u32, u32)],
        brought: Option<&[RuleCount]>,
        vectors: &ComparisonVectors,
    ) -> Result<Model, ResolveError> {
        let mut model = self.train_m(model, features, pairs, brought, vectors)?;
        // λ was settled with the first EM's `m`, which blocking on common
        // keys blurs; the sessions' `m` tell matches apart better.
        model.estimate_prior(features, vectors)?;
        Ok(model)
    }

    /// `u`, `m` and a first λ, as [`Settings::train_on`] has them before
    /// its last step.
    fn train_m(
        &self,
        mut model: Model,
        features: &Features,
        pairs: &[(u32, u32)],
        brought: Option<&[RuleCount]>,
        vectors: &ComparisonVectors,
    ) -> Result<Model, ResolveError> {
        if vectors.len() != pairs.len() {
            return Err(ResolveError::ModelShape {
                got: vectors.len(),
                expected: pairs.len(),
            });
        }
        // Where each rule's own pairs start and end.
        let own: Option<Vec<std::ops::Range<usize>>> = match brought {
            None => None,
            Some(counts) => {
                let total: u64 = counts.iter().map(|c| c.new_pairs).sum();
                let fits = counts.len() == self.rules.len()
                    && counts
                        .iter()
                        .zip(&self.rules)
                        .all(|(c, r)| c.rule == r.name)
                    && usize::try_from(total).is_ok_and(|t| t == pairs.len());
                if !fits {
                    return Err(ResolveError::ModelShape {
                        got: usize::try_from(total).unwrap_or(usize::MAX),
                        expected: pairs.len(),
                    });
                }
                let mut at = 0;
                Some(
                    counts
                        .iter()
                        .map(|c| {
                            let start = at;
                            at += usize::try_from(c.new_pairs).unwrap_or(0);
                            start..at
                        })
                        .collect(),
                )
            }
        };
        let t = &self.training;
        model.train_m(features, vectors, t.em_iterations)?;
        for &r in &t.sessions {
            let Some(rule) = self.rules.get(r) else {
                continue;
            };
            let exclude = self.comparisons_on(rule);
            // A rule whose pairs all agree on everything teaches nothing.
            if exclude.len() >= self.comparisons.len() {
                continue;
            }
            let (within, own_from) = match own.as_ref().and_then(|o| o.get(r)) {
                Some(o) => (0..o.end, o.start),
                None => (0..pairs.len(), pairs.len()),
            };
            // Only the rows before the rule's own need their keys read.
            let keys = if own_from > 0 {
                rule.keys(features)
            } else {
                Vec::new()
            };
            let key = |i: u32| keys.get(i as usize).copied().flatten();
            let agree = |i: usize| {
                i >= own_from
                    || pairs
                        .get(i)
                        .is_some_and(|&(a, b)| key(a).is_some_and(|k| key(b) == Some(k)))
            };
            match model.train_m_session_where(vectors, within, agree, t.em_iterations, &exclude) {
                Err(ResolveError::NoPairs) => {}
                other => other?,
            }
        }
        Ok(model)
    }

    /// The scorer for `model` under these settings: a pair whose only
    /// agreeing evidence is names is held below the threshold and the top
    /// of the review band, so it is offered for review at best.
    pub fn scorer<'m>(&self, model: &'m Model) -> Scorer<'m> {
        let scorer = Scorer::new(model).names_alone_at_most(self.threshold.min(self.review_band.1));
        if !self.households {
            return scorer;
        }
        let family = model.comparisons.iter().position(|c| {
            matches!(c.method, Method::Name { .. })
                && self.schema.fields.get(c.field).map(|f| f.kind) == Some(FieldKind::FamilyName)
        });
        let place = model.comparisons.iter().position(|c| {
            matches!(
                c.method,
                Method::Place {
                    address: Some(_),
                    ..
                }
            )
        });
        match (family, place) {
            (Some(family), Some(place)) => scorer.household_once(family, place),
            _ => scorer,
        }
    }

    /// The decisive field two records hold the same value of, which links
    /// them by rule whatever the other fields say (an employee number
    /// issued by one system): its name, the rule's. A disagreement on it
    /// is only the strong evidence against its comparison's "else" gives.
    pub fn rule_link(&self, f: &Features, a: u32, b: u32) -> Option<&str> {
        self.decisive
            .iter()
            .find(|&&field| f.same_value(field, a, b))
            .and_then(|&field| self.schema.fields.get(field))
            .map(|field| field.name.as_str())
    }

    /// The comparisons that read a field the rule blocks on.
    fn comparisons_on(&self, rule: &Rule) -> Vec<usize> {
        self.comparisons
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                fields_of(c)
                    .iter()
                    .any(|&f| rule.keys.iter().any(|k| k.reads(f)))
            })
            .map(|(i, _)| i)
            .collect()
    }
}

/// One comparison per field, except that every place field (address, town,
/// region, postcode) goes into a single combined comparison.
fn default_comparisons(schema: &Schema) -> Result<Vec<Comparison>, ResolveError> {
    let mut out = Vec::new();
    let places: Vec<&str> = schema
        .fields
        .iter()
        .filter(|f| f.kind.is_place())
        .map(|f| f.name.as_str())
        .collect();
    for f in &schema.fields {
        if !f.kind.is_place() {
            out.push(Comparison::for_field(schema, &f.name)?);
        }
    }
    match places.as_slice() {
        [] => {}
        [one] => out.push(Comparison::for_field(schema, one)?),
        many => out.push(Comparison::place(schema, "place", many)?),
    }
    Ok(out)
}

fn comparisons_from(
    cx: &Ctx<'_>,
    schema: &Schema,
    specs: Vec<RawComparison>,
) -> Result<Vec<Comparison>, SettingsError> {
    let mut out: Vec<Comparison> = Vec::new();
    for s in specs {
        let at = s.name.span().start;
        let name = s.name.get_ref();
        if out.iter().any(|c| &c.name == name) {
            return Err(cx.err(
                at,
                "comparison.name",
                format!("comparison `{name}` is defined twice"),
            ));
        }
        let mut c = match (&s.field, &s.fields) {
            (Some(f), None) => Comparison::for_field(schema, f.get_ref())
                .map_err(|e| cx.resolve(f.span().start, "comparison.field", e))?,
            (None, Some(fs)) if !fs.is_empty() => {
                let names: Vec<&str> = fs.iter().map(|f| f.get_ref().as_str()).collect();
                Comparison::place(schema, name, &names)
                    .map_err(|e| cx.resolve(at, "comparison.fields", e))?
            }
            _ => {
                return Err(cx.err(
                    at,
                    "comparison",
                    format!("comparison `{name}` needs either `field` or a non-empty `fields`"),
                ));
            }
        };
        c.name.clone_from(name);
        match (&mut c.method, s.within_days, s.tolerance) {
            (_, None, None) => {}
            (Method::Date { within_days }, Some(d), None) if d >= 0 => *within_days = d,
            (Method::Number { tolerance }, None, Some(t)) if t >= 0.0 => *tolerance = t,
            _ => {
                return Err(cx.err(
                    at,
                    "comparison",
                    "`within_days` (days, ≥ 0) applies to dates only and `tolerance` (≥ 0) to numbers only",
                ));
            }
        }
        out.push(c);
    }
    if out.is_empty() {
        return Err(cx.err(0, "comparison", "no comparisons"));
    }
    Ok(out)
}

/// Refuses two comparisons that both read place fields: a postcode, a town
/// and a county of one address agree or disagree together, so counting them
/// separately multiplies the evidence of "same locality" and EM learns
/// locality instead of identity.
fn place_guard(
    cx: &Ctx<'_>,
    schema: &Schema,
    comparisons: &[Comparison],
) -> Result<(), SettingsError> {
    let on_places: Vec<&Comparison> = comparisons
        .iter()
        .filter(|c| {
            fields_of(c)
                .iter()
                .any(|&f| schema.fields.get(f).is_some_and(|x| x.kind.is_place()))
        })
        .collect();
    if let [first, second, ..] = on_places.as_slice() {
        let fields: Vec<&str> = on_places
            .iter()
            .flat_map(|c| fields_of(c))
            .filter_map(|f| schema.fields.get(f).map(|x| x.name.as_str()))
            .collect();
        return Err(cx.err(
            0,
            "comparison",
            format!(
                "comparisons `{}` and `{}` both compare where someone lives; these fields \
                 determine each other and must not count as independent evidence: compare \
                 them as one, e.g. [[comparison]] name = \"place\" fields = {:?}",
                first.name, second.name, fields
            ),
        ));
    }
    Ok(())
}

/// The fields whose values a comparison weighs: for a name its own field
/// only (the other half of the name is read to recognise a swap, not
/// counted), for a place every place field it names.
fn own_fields(c: &Comparison) -> Vec<usize> {
    match &c.method {
        Method::Place { .. } => fields_of(c),
        _ => vec![c.field],
    }
}

/// Refuses evidence counted twice: a whole-name comparison beside one of
/// the given or family name (a namesake without a date of birth then
/// scores the name three times over), one field in two comparisons, and
/// one input column read by two comparisons through different fields.
fn double_count_guard(
    schema: &Schema,
    columns: &[Vec<String>],
    comparisons: &[Comparison],
) -> Result<(), ResolveError> {
    let kind = |f: usize| schema.fields.get(f).map(|x| x.kind);
    let name_kind = |c: &Comparison| match c.method {
        Method::Name { .. } => kind(c.field),
        _ => None,
    };
    let whole = comparisons
        .iter()
        .find(|c| name_kind(c) == Some(FieldKind::FullName));
    let half = comparisons.iter().find(|c| {
        matches!(
            name_kind(c),
            Some(FieldKind::GivenName | FieldKind::FamilyName)
        )
    });
    if let (Some(whole), Some(half)) = (whole, half) {
        return Err(ResolveError::DoubleCount {
            first: whole.name.clone(),
            second: half.name.clone(),
            what: "a person's name".to_owned(),
        });
    }
    let field_name = |f: usize| schema.fields.get(f).map_or("", |x| x.name.as_str());
    for (i, c) in comparisons.iter().enumerate() {
        for other in comparisons.iter().skip(i + 1) {
            let (mine, theirs) = (own_fields(c), own_fields(other));
            if let Some(&f) = mine.iter().find(|f| theirs.contains(f)) {
                return Err(ResolveError::DoubleCount {
                    first: c.name.clone(),
                    second: other.name.clone(),
                    what: format!("field `{}`", field_name(f)),
                });
            }
            let cols = |fields: &[usize]| -> Vec<&String> {
                fields
                    .iter()
                    .filter_map(|&f| columns.get(f))
                    .flatten()
                    .collect()
            };
            let theirs = cols(&theirs);
            if let Some(column) = cols(&mine).into_iter().find(|x| theirs.contains(x)) {
                return Err(ResolveError::ColumnTwice {
                    column: column.clone(),
                    first: c.name.clone(),
                    second: other.name.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Which compared fields blocking never reaches: a field no rule reads,
/// and records that hold only names, or only an identifier, when every
/// rule also needs something else (whole-name-only records never meet
/// when every rule needs a date of birth).
fn reach(schema: &Schema, comparisons: &[Comparison], rules: &[Rule]) -> Vec<SettingsWarning> {
    let mut out = Vec::new();
    let field = |f: usize| schema.fields.get(f);
    let name_of = |f: usize| field(f).map_or("", |x| x.name.as_str());
    let read = |f: usize| rules.iter().any(|r| r.keys.iter().any(|k| k.reads(f)));
    for c in comparisons {
        let fields = own_fields(c);
        if !fields.iter().any(|&f| read(f)) {
            out.push(SettingsWarning {
                code: "never_blocked",
                message: format!(
                    "no blocking rule reads comparison `{}`'s field `{}`: only pairs other \
                     rules bring are compared on it",
                    c.name,
                    name_of(fields.first().copied().unwrap_or(c.field))
                ),
            });
        }
    }
    // A rule reaches records holding only the fields `only` accepts when
    // each of its keys reads such a field.
    let reaches = |only: &dyn Fn(usize) -> bool| {
        rules.iter().any(|r| {
            r.keys
                .iter()
                .all(|k| only(k.field) && !matches!(k.key, Key::EitherOrder(o) if !only(o)))
        })
    };
    let is_name = |f: usize| field(f).is_some_and(|x| x.kind.is_name());
    let compared = |f: usize| comparisons.iter().any(|c| own_fields(c).contains(&f));
    let names: Vec<usize> = (0..schema.fields.len())
        .filter(|&f| is_name(f) && compared(f))
        .collect();
    if !names.is_empty() && !reaches(&is_name) {
        out.push(SettingsWarning {
            code: "unreachable",
            message: format!(
                "records holding only a name ({}) are never paired: every blocking rule also \
                 needs another field; add a rule on names alone, e.g. keys = [\"{}:metaphone\", \
                 \"{}:prefix1\"]",
                names
                    .iter()
                    .map(|&f| format!("`{}`", name_of(f)))
                    .collect::<Vec<_>>()
                    .join(", "),
                name_of(
                    names
                        .iter()
                        .copied()
                        .find(|&f| field(f).is_some_and(|x| x.kind != FieldKind::GivenName))
                        .unwrap_or(0)
                ),
                name_of(
                    names
                        .iter()
                        .copied()
                        .find(|&f| field(f).is_some_and(|x| x.kind != FieldKind::FamilyName))
                        .unwrap_or(0)
                ),
            ),
        });
    }
    for f in 0..schema.fields.len() {
        let identifier = field(f).is_some_and(|x| x.kind == FieldKind::Identifier);
        if identifier && compared(f) && !reaches(&|g| g == f) {
            out.push(SettingsWarning {
                code: "unreachable",
                message: format!(
                    "records holding only `{0}` are never paired: no blocking rule reads \
                     `{0}` alone; add one, e.g. keys = [\"{0}\"]",
                    name_of(f)
                ),
            });
        }
    }
    out
}

/// The schema fields a comparison reads: for a name, the other half of the
/// name too, which its swapped level reads.
fn fields_of(c: &Comparison) -> Vec<usize> {
    match &c.method {
        Method::Name {
            swap_with: Some(other),
            ..
        } => vec![c.field, *other],
        Method::Place {
            address,
            town,
            region,
            postcode,
        } => [address, town, region, postcode]
            .into_iter()
            .filter_map(|f| *f)
            .collect(),
        _ => vec![c.field],
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::block::candidates;
    use crate::record::Record;
    use crate::rng::SplitMix64;

    const SETTINGS: &str = r#"
[[field]]
name = "given"
kind = "given_name"

[[field]]
name = "family"
kind = "family_name"

[[field]]
name = "dob"
kind = "date"

[[field]]
name = "postcode"
kind = "postcode"

[[blocking]]
name = "names+year"
keys = ["given", "family", "dob:year"]

[[blocking]]
name = "postcode"
keys = ["postcode"]

[[blocking]]
name = "family+dob"
keys = ["family", "dob"]

[training]
u_samples = 100_000
em_iterations = 20
sessions = ["names+year", "postcode"]
"#;

    /// People from small vocabularies, a quarter of them twice with
    /// slips, so that most blocked pairs are two people; and the number
    /// of true pairs.
    fn people(n: u64, seed: u64) -> (Vec<Record>, u64) {
        let mut rng = SplitMix64::new(seed);
        let (mut records, mut true_pairs) = (Vec::new(), 0u64);
        for p in 0..n {
            let given = format!("G{}", rng.below(12));
            let family = format!("F{}", rng.below(12));
            let (y, m, d) = (1940 + rng.below(15), 1 + rng.below(12), 1 + rng.below(28));
            let postcode = format!("LS{} {}AB", 1 + rng.below(25), rng.below(10));
            let copies = 1 + u64::from(rng.below(4) == 0);
            true_pairs += copies * (copies - 1) / 2;
            for copy in 0..copies {
                let slip = copy == 1 && rng.below(8) == 0;
                let dob = if slip {
                    format!("{y}-{d:02}-{m:02}")
                } else {
                    format!("{y}-{m:02}-{d:02}")
                };
                let moved = copy == 1 && rng.below(5) == 0;
                let postcode = if moved {
                    format!("M{} {}AB", 1 + rng.below(25), rng.below(10))
                } else {
                    postcode.clone()
                };
                records.push(Record {
                    id: format!("{p}-{copy}"),
                    fields: vec![
                        Some(given.clone()),
                        Some(family.clone()),
                        Some(dob),
                        Some(postcode),
                    ],
                });
            }
        }
        (records, true_pairs)
    }

    #[test]
    fn training_ends_with_the_prior_nearer_the_true_match_rate() {
        let settings = Settings::parse(SETTINGS, "test.toml").unwrap();
        let (records, true_pairs) = people(6000, 23);
        let features = Features::compute(&settings.schema, &records).unwrap();
        let pairs = candidates(&features, &settings.rules, u64::MAX)
            .unwrap()
            .pairs;
        let n = records.len() as f64;
        let expected = true_pairs as f64 / (n * (n - 1.0) / 2.0);
        let off = |m: &Model| (m.prior / expected - 1.0).abs();

        let vectors = ComparisonVectors::compute(&settings.comparisons, &features, &pairs);
        let with_u = settings.estimate_u(&features);
        let before = settings
            .train_m(with_u, &features, &pairs, None, &vectors)
            .unwrap();
        let after = settings.train(&features, &pairs).unwrap();
        assert_eq!(after.m, before.m);
        assert!(
            off(&after) < off(&before),
            "after {} before {} expected {expected}",
            after.prior,
            before.prior
        );
        assert!(
            off(&after) < 0.1,
            "prior {} expected {expected}",
            after.prior
        );
    }

    #[test]
    fn sessions_on_the_candidates_train_as_sessions_on_each_rule_blocked_again() {
        let settings = Settings::parse(SETTINGS, "test.toml").unwrap();
        let (records, _) = people(2000, 5);
        let features = Features::compute(&settings.schema, &records).unwrap();
        let c = candidates(&features, &settings.rules, u64::MAX).unwrap();
        let pairs = c.pairs;
        let vectors = ComparisonVectors::compute(&settings.comparisons, &features, &pairs);
        let t = &settings.training;
        assert!(
            t.sessions.iter().any(|&r| r > 0),
            "a session on a later rule"
        );
        let mut blocked_again = Model::new(settings.comparisons.clone(), 1e-4);
        blocked_again
            .train(&features, &vectors, t.em_iterations, t.u_samples, t.seed)
            .unwrap();
        for &r in &t.sessions {
            let rule = &settings.rules[r];
            let own = candidates(&features, std::slice::from_ref(rule), u64::MAX).unwrap();
            let v = ComparisonVectors::compute(&settings.comparisons, &features, &own.pairs);
            blocked_again
                .train_m_session(&v, t.em_iterations, &settings.comparisons_on(rule))
                .unwrap();
        }
        let trained = |brought| {
            let with_u = settings.estimate_u(&features);
            settings.train_m(with_u, &features, &pairs, brought, &vectors)
        };
        assert_eq!(trained(None).unwrap(), blocked_again);
        // Knowing which rule brought each pair changes nothing but the work.
        assert_eq!(trained(Some(&c.counts)).unwrap(), blocked_again);
        // Counts that do not account for the pairs are refused.
        let mut wrong = c.counts.clone();
        wrong[0].new_pairs += 1;
        assert!(matches!(
            trained(Some(&wrong)),
            Err(ResolveError::ModelShape { .. })
        ));
    }
}
