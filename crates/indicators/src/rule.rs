//! The rule file: metadata, then exactly one condition table.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::RuleError;

/// Paths (`prop` or `reference.prop`) and the values that satisfy them,
/// compared as codes ([`crate::normalise`] with [`Normalise::Code`]).
pub type Filter = BTreeMap<String, Vec<String>>;

/// How values are made comparable before they are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Normalise {
    /// Folded, punctuation to `_` (controlled vocabulary).
    #[default]
    Code,
    /// E.164 where it parses (`07700 900123` and `+44 7700 900123` agree).
    Phone,
    Email,
    Postcode,
    /// Folded with spaces removed: an address as a place.
    Address,
    /// Folded, with legal suffixes (`Ltd`, `Limited`, `PLC`, `LLP`) dropped.
    Organisation,
    /// Identifiers: folded with spaces removed, leading zeros dropped.
    Number,
}

impl Normalise {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Code => "code",
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Postcode => "postcode",
            Self::Address => "address",
            Self::Organisation => "organisation",
            Self::Number => "number",
        }
    }
}

/// A date range given by two paths; a missing end is still open.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    pub start: String,
    pub end: Option<String>,
}

/// Declarations that explain away a finding: records of `schema` made by
/// the person (`person` path), linking an entity (`link`) or naming an
/// organisation by number or name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declarations {
    pub schema: String,
    pub person: Option<String>,
    pub link: Option<String>,
    pub number: Option<String>,
    pub name: Option<String>,
}

/// Distinct records per person in a sliding window, at or over a threshold.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountRule {
    pub schema: String,
    /// Path to the person the record is about; absent: the record itself.
    pub person: Option<String>,
    pub date: String,
    /// Paths whose values together identify one real record: the same
    /// absence exported twice counts once. Empty: the record id.
    #[serde(default)]
    pub dedupe: Vec<String>,
    pub window_days: u32,
    pub threshold: u32,
    #[serde(default, rename = "where")]
    pub filter: Filter,
    #[serde(default)]
    pub exclude: Filter,
}

/// A value held both by a person and by a record of another type.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedRule {
    pub person_schema: String,
    pub person: Option<String>,
    pub person_props: Vec<String>,
    pub other_schema: String,
    /// Path to who the other record is; absent: the record itself.
    pub other_person: Option<String>,
    pub other_props: Vec<String>,
    #[serde(default)]
    pub normalise: Normalise,
    /// A value held by more people than this means nothing (a switchboard).
    pub max_people: u32,
    pub declarations: Option<Declarations>,
}

/// A person matching an entry of an external register during their
/// employment, with no declaration of the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterRule {
    pub person_schema: String,
    pub person: Option<String>,
    pub employment: Interval,
    pub register_schema: String,
    pub register_person: Option<String>,
    pub appointed: Interval,
    pub number: Option<String>,
    pub name: Option<String>,
    pub declarations: Declarations,
}

/// What corroborates an event: a record of the same person within the window.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Corroboration {
    pub schema: String,
    pub person: Option<String>,
    pub date: String,
    #[serde(default, rename = "where")]
    pub filter: Filter,
}

/// Events with no corroborating record within a window.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncorroboratedRule {
    pub schema: String,
    pub person: Option<String>,
    pub date: String,
    #[serde(default, rename = "where")]
    pub filter: Filter,
    /// Events the rule cannot check (off-site work): never counted.
    #[serde(default)]
    pub not_checkable: Filter,
    pub corroboration: Corroboration,
    #[serde(default)]
    pub window_days: u32,
    #[serde(default = "one")]
    pub threshold: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    Count(CountRule),
    Shared(SharedRule),
    Register(RegisterRule),
    Uncorroborated(UncorroboratedRule),
}

impl Condition {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Count(_) => "count",
            Self::Shared(_) => "shared",
            Self::Register(_) => "register",
            Self::Uncorroborated(_) => "uncorroborated",
        }
    }

    /// Every entity type the condition reads, in a fixed order.
    pub fn schemas(&self) -> Vec<&str> {
        let mut out: Vec<&str> = match self {
            Self::Count(c) => vec![&c.schema],
            Self::Shared(s) => {
                let mut v = vec![s.person_schema.as_str(), &s.other_schema];
                v.extend(s.declarations.as_ref().map(|d| d.schema.as_str()));
                v
            }
            Self::Register(r) => vec![&r.person_schema, &r.register_schema, &r.declarations.schema],
            Self::Uncorroborated(u) => vec![&u.schema, &u.corroboration.schema],
        };
        out.dedup();
        out
    }

    /// Every path the condition reads, with the type it starts from: what
    /// the engine must read for it.
    pub fn paths(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut add = |schema: &str, p: Option<&String>| {
            if let Some(p) = p {
                let pair = (schema.to_owned(), p.clone());
                if !out.contains(&pair) {
                    out.push(pair);
                }
            }
        };
        let filter = |f: &Filter| f.keys().cloned().collect::<Vec<_>>();
        match self {
            Self::Count(c) => {
                add(&c.schema, c.person.as_ref());
                add(&c.schema, Some(&c.date));
                for p in c
                    .dedupe
                    .iter()
                    .chain(&filter(&c.filter))
                    .chain(&filter(&c.exclude))
                {
                    add(&c.schema, Some(p));
                }
            }
            Self::Shared(s) => {
                add(&s.person_schema, s.person.as_ref());
                for p in &s.person_props {
                    add(&s.person_schema, Some(p));
                }
                add(&s.other_schema, s.other_person.as_ref());
                for p in &s.other_props {
                    add(&s.other_schema, Some(p));
                }
                if let Some(d) = &s.declarations {
                    add_declarations(d, &mut add);
                }
            }
            Self::Register(r) => {
                add(&r.person_schema, r.person.as_ref());
                add(&r.person_schema, Some(&r.employment.start));
                add(&r.person_schema, r.employment.end.as_ref());
                add(&r.register_schema, r.register_person.as_ref());
                add(&r.register_schema, Some(&r.appointed.start));
                add(&r.register_schema, r.appointed.end.as_ref());
                add(&r.register_schema, r.number.as_ref());
                add(&r.register_schema, r.name.as_ref());
                add_declarations(&r.declarations, &mut add);
            }
            Self::Uncorroborated(u) => {
                add(&u.schema, u.person.as_ref());
                add(&u.schema, Some(&u.date));
                for p in filter(&u.filter).iter().chain(&filter(&u.not_checkable)) {
                    add(&u.schema, Some(p));
                }
                let c = &u.corroboration;
                add(&c.schema, c.person.as_ref());
                add(&c.schema, Some(&c.date));
                for p in &filter(&c.filter) {
                    add(&c.schema, Some(p));
                }
            }
        }
        out
    }
}

fn add_declarations(d: &Declarations, add: &mut impl FnMut(&str, Option<&String>)) {
    add(&d.schema, d.person.as_ref());
    add(&d.schema, d.link.as_ref());
    add(&d.schema, d.number.as_ref());
    add(&d.schema, d.name.as_ref());
}

/// A parsed, checked rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub rationale: String,
    pub owner: String,
    /// The purpose the rule runs under (its lawful basis and conditions).
    pub purpose: String,
    /// What the rule cites for its pattern meaning something.
    pub evidence: Vec<String>,
    /// When the rule must next be reviewed (ISO date).
    pub review_date: String,
    pub condition: Condition,
    /// Leave out records that activity the tool directed produced (an
    /// alert led to a check that made the record), so that the rule's own
    /// output does not feed its input (`docs/fairness.md`, feedback loops).
    pub exclude_directed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: String,
    version: u32,
    title: String,
    rationale: String,
    owner: String,
    purpose: String,
    evidence: Vec<String>,
    review_date: String,
    count: Option<CountRule>,
    shared: Option<SharedRule>,
    register: Option<RegisterRule>,
    uncorroborated: Option<UncorroboratedRule>,
    #[serde(default)]
    exclude_directed: bool,
}

/// Longest identifier accepted for a rule or purpose id.
const ID_MAX: usize = 64;

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= ID_MAX
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// The 1-based line where `field` is set (`field =` at the start of a
/// line), at or after the table `[section]` if given.
fn line_of(text: &str, section: Option<&str>, field: &str) -> usize {
    let mut in_section = section.is_none();
    let mut section_line = 1;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if let Some(s) = section
            && t.starts_with('[')
        {
            in_section = t.trim_start_matches('[').trim_end_matches(']').trim() == s;
            if in_section {
                section_line = i + 1;
            }
            continue;
        }
        if in_section
            && let Some(rest) = t.strip_prefix(field)
            && rest.trim_start().starts_with(['=', '.'])
        {
            return i + 1;
        }
    }
    section_line
}

fn line_at(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |head| head.bytes().filter(|b| *b == b'\n').count() + 1)
}

impl Rule {
    /// Parses and checks a rule file; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Rule, RuleError> {
        let raw: RuleFile = toml::from_str(text).map_err(|e| RuleError::Syntax {
            file: file.to_owned(),
            line: e.span().map_or(1, |s| line_at(text, s.start)),
            message: e.message().trim().to_owned(),
        })?;
        let field = |section: Option<&str>, name: &str, message: String| RuleError::Field {
            file: file.to_owned(),
            line: line_of(text, section, name),
            field: match section {
                Some(s) => format!("{s}.{name}"),
                None => name.to_owned(),
            },
            message,
        };
        if !is_identifier(&raw.id) {
            return Err(field(
                None,
                "id",
                format!(
                    "`{}` is not an identifier (lower-case letters, digits, `_` and `-`)",
                    raw.id
                ),
            ));
        }
        if raw.version == 0 {
            return Err(field(None, "version", "versions start at 1".into()));
        }
        if !is_identifier(&raw.purpose) {
            return Err(field(
                None,
                "purpose",
                format!("`{}` is not a purpose id", raw.purpose),
            ));
        }
        for (name, v) in [
            ("title", &raw.title),
            ("rationale", &raw.rationale),
            ("owner", &raw.owner),
        ] {
            if v.trim().is_empty() {
                return Err(field(None, name, "must not be empty".into()));
            }
        }
        if raw.evidence.iter().all(|e| e.trim().is_empty()) {
            return Err(field(
                None,
                "evidence",
                "cite at least one source for the pattern".into(),
            ));
        }
        if clearstone_text::Date::parse_iso(&raw.review_date).is_err() {
            return Err(field(
                None,
                "review_date",
                format!("`{}` is not a date (YYYY-MM-DD)", raw.review_date),
            ));
        }
        let mut found = Vec::new();
        if let Some(c) = raw.count {
            if c.threshold == 0 {
                return Err(field(
                    Some("count"),
                    "threshold",
                    "must be at least 1".into(),
                ));
            }
            if c.window_days == 0 {
                return Err(field(
                    Some("count"),
                    "window_days",
                    "must be at least 1".into(),
                ));
            }
            found.push(Condition::Count(c));
        }
        if let Some(s) = raw.shared {
            if s.max_people < 2 {
                return Err(field(
                    Some("shared"),
                    "max_people",
                    "must be at least 2: two people share any value they both hold".into(),
                ));
            }
            if s.person_props.is_empty() {
                return Err(field(
                    Some("shared"),
                    "person_props",
                    "name at least one".into(),
                ));
            }
            if s.other_props.is_empty() {
                return Err(field(
                    Some("shared"),
                    "other_props",
                    "name at least one".into(),
                ));
            }
            found.push(Condition::Shared(s));
        }
        if let Some(r) = raw.register {
            if r.number.is_none() && r.name.is_none() {
                return Err(field(
                    Some("register"),
                    "number",
                    "name the organisation by `number`, `name` or both".into(),
                ));
            }
            if r.declarations.number.is_none() && r.declarations.name.is_none() {
                return Err(field(
                    Some("register.declarations"),
                    "number",
                    "a declaration is matched by `number`, `name` or both".into(),
                ));
            }
            found.push(Condition::Register(r));
        }
        if let Some(u) = raw.uncorroborated {
            if u.threshold == 0 {
                return Err(field(
                    Some("uncorroborated"),
                    "threshold",
                    "must be at least 1".into(),
                ));
            }
            found.push(Condition::Uncorroborated(u));
        }
        let mut found = found.into_iter();
        let (Some(condition), None) = (found.next(), found.next()) else {
            return Err(RuleError::Syntax {
                file: file.to_owned(),
                line: 1,
                message: "a rule has exactly one of `[count]`, `[shared]`, `[register]`, `[uncorroborated]`"
                    .into(),
            });
        };
        for (schema, path) in condition.paths() {
            if path.is_empty() || path.split('.').count() > 2 || path.split('.').any(str::is_empty)
            {
                return Err(field(
                    Some(condition.kind()),
                    path.split('.').next().unwrap_or_default(),
                    format!("`{path}` on `{schema}` is not a property or `reference.property`"),
                ));
            }
        }
        Ok(Rule {
            id: raw.id,
            version: raw.version,
            title: raw.title,
            rationale: raw.rationale,
            owner: raw.owner,
            purpose: raw.purpose,
            evidence: raw.evidence,
            review_date: raw.review_date,
            condition,
            exclude_directed: raw.exclude_directed,
        })
    }
}
