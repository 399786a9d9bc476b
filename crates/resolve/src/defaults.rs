//! Settings generated from what a type's properties hold, so that a new
//! deployment's first run is sound without anyone knowing the method: every
//! name, date, identifier, phone, email and place is compared once and
//! blocked on, and records holding only names, or only an identifier, are
//! reachable. The output is the settings file's text, with comments, for a
//! deployment to read and edit.

use std::fmt::Write as _;

/// One property as the ontology describes it: its path from the resolved
/// entity (`address.postcode` follows the reference `address`) and its kind
/// (`name`, `date`, `identifier`, `phone`, `email`, `address`, `postcode`,
/// `text`, ...). Properties of other kinds, and identifiers of a referenced
/// entity (an address's UPRN, which says where, not who), are left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Property<'a> {
    pub path: &'a str,
    pub kind: &'a str,
}

/// Given-name properties other than the first name: another value of the
/// same field (a "known as" name is a nickname the model matches).
const GIVEN_EXTRA: &[&str] = &["known_as", "preferred_name"];
/// Family-name properties other than the last name: a previous or maiden
/// surname is another value of the family name.
const FAMILY_EXTRA: &[&str] = &["previous_names", "maiden_name", "birth_name"];

/// A field of the generated settings.
struct Field {
    name: String,
    kind: &'static str,
    columns: Vec<String>,
    decisive: bool,
    /// Why it is there, as a comment.
    note: &'static str,
}

/// The settings text for resolving entities with `properties`. Identifiers
/// named in `decisive` (a staff or payroll number issued by one system)
/// link on exact agreement; every other identifier carries the setting
/// commented out, for a deployment to turn on.
pub fn generate(properties: &[Property<'_>], decisive: &[&str]) -> String {
    let fields = fields(properties, decisive);
    let has = |name: &str| fields.iter().any(|f| f.name == name);
    let mut out = String::from(HEADER);
    for f in &fields {
        let _ = writeln!(out, "\n# {}", f.note);
        let _ = writeln!(
            out,
            "[[field]]\nname = \"{}\"\nkind = \"{}\"",
            f.name, f.kind
        );
        let columns: Vec<String> = f.columns.iter().map(|c| format!("\"{c}\"")).collect();
        let _ = writeln!(out, "columns = [{}]", columns.join(", "));
        if f.kind == "identifier" {
            let _ = writeln!(out, "{}decisive = true", if f.decisive { "" } else { "# " });
        }
    }
    out.push_str(COMPARISONS);
    let given = has("given");
    let family = has("family");
    let full = has("full");
    let rule = |out: &mut String, name: &str, keys: &[&str]| {
        let keys: Vec<String> = keys.iter().map(|k| format!("\"{k}\"")).collect();
        let _ = writeln!(
            out,
            "\n[[blocking]]\nname = \"{name}\"\nkeys = [{}]",
            keys.join(", ")
        );
    };
    out.push_str(BLOCKING);
    // The rules EM trains on: those that pair many records of every kind.
    // A rule over an identifier few records hold brings too few pairs, and
    // its session would overwrite what the others learnt of names with noise.
    let mut sessions: Vec<String> = Vec::new();
    let dates: Vec<&Field> = fields.iter().filter(|f| f.kind == "date").collect();
    if given && family {
        let _ = writeln!(
            out,
            "\n# Names alone, for records no other rule reaches (an access-card holder\n\
             # or a declared associate holding only a name): they meet every record\n\
             # with the same two names, in either order, but two records the other\n\
             # rules reach are not paired by their names again, which would pair\n\
             # every two namesakes.\n\
             # A name alone never links: such a pair goes to review at best."
        );
        rule(&mut out, "names", &["family:either_order"]);
        out.push_str("unreached_only = true\n");
        for d in &dates {
            let name = format!("family+{}", d.name);
            if sessions.is_empty() {
                sessions.push(name.clone());
            }
            rule(&mut out, &name, &["family", &d.name]);
            rule(
                &mut out,
                &format!("given sound+{}", d.name),
                &["given:metaphone", &d.name],
            );
        }
        if let Some(d) = dates.first() {
            let _ = writeln!(
                out,
                "\n# Both names, in either order, born the same year: given and family\n\
                 # names written the other way round, and a date with day and month\n\
                 # swapped (read in US order) or a slip in the day, which the rules on\n\
                 # the whole date miss. Namesakes of one year are few."
            );
            let year = format!("{}:year", d.name);
            rule(
                &mut out,
                "names either order+year",
                &["family:either_order", &year],
            );
        }
        if let Some(d) = dates.first() {
            let _ = writeln!(
                out,
                "\n# Initials (\"J\" for John) and a misspelt family name, born in the same\n\
                 # month (a date known to the month only still meets its full date). The\n\
                 # month, not the year: by year, the pairs of a common surname grow with\n\
                 # the square of a force-sized register (22M pairs at 1M people)."
            );
            let month = format!("{}:month", d.name);
            rule(
                &mut out,
                "family sound+initial+month",
                &["family:metaphone", "given:prefix1", &month],
            );
        }
    } else if full {
        rule(&mut out, "name", &["full"]);
        let _ = writeln!(out, "\n# The whole name by sound and initial.");
        rule(
            &mut out,
            "name sound+initial",
            &["full:metaphone", "full:prefix1"],
        );
        for d in &dates {
            rule(
                &mut out,
                &format!("name+{}", d.name),
                &["full:metaphone", &d.name],
            );
        }
    } else if let Some(n) = fields.iter().find(|f| f.kind.ends_with("_name")) {
        rule(&mut out, "name", &[&n.name]);
    }
    if has("postcode") {
        let name = if family {
            Some("family:prefix2")
        } else if full {
            Some("full:prefix2")
        } else {
            None
        };
        if let Some(name) = name {
            let _ = writeln!(
                out,
                "\n# One home: initials, and records without a date of birth."
            );
            let key = name.split(':').next().unwrap_or(name);
            let rule_name = format!("postcode+{key}");
            sessions.push(rule_name.clone());
            rule(&mut out, &rule_name, &["postcode", name]);
        }
    }
    let ids: Vec<&Field> = fields.iter().filter(|f| f.kind == "identifier").collect();
    if !ids.is_empty() {
        let _ = writeln!(
            out,
            "\n# Each identifier, phone and email alone: a record holding nothing else\n\
             # still meets its namesakes' records."
        );
    }
    for f in ids {
        // National identifiers are held across sources; local ones are not.
        if NATIONAL_IDENTIFIERS.contains(&f.name.as_str()) {
            sessions.push(f.name.clone());
        }
        rule(&mut out, &f.name, &[&f.name]);
    }
    out.push_str(TRAINING);
    if !sessions.is_empty() {
        let names: Vec<String> = sessions.iter().map(|n| format!("\"{n}\"")).collect();
        let _ = writeln!(out, "sessions = [{}]", names.join(", "));
    }
    out
}

/// The fields for the properties, in a fixed order: names, dates,
/// identifiers (phones and emails among them), then places.
fn fields(properties: &[Property<'_>], decisive: &[&str]) -> Vec<Field> {
    let own = |p: &&Property<'_>| !p.path.contains('.');
    let of_kind = |kind: &str| -> Vec<&Property<'_>> {
        properties.iter().filter(|p| p.kind == kind).collect()
    };
    let names: Vec<&Property<'_>> = of_kind("name").into_iter().filter(own).collect();
    let named = |n: &str| names.iter().any(|p| p.path == n);
    let mut out = Vec::new();
    let column_list = |first: &str, extra: &[&str]| -> Vec<String> {
        std::iter::once(first)
            .chain(extra.iter().copied().filter(|e| named(e)))
            .map(str::to_owned)
            .collect()
    };
    if named("first_name") && named("last_name") {
        out.push(Field {
            name: "given".into(),
            kind: "given_name",
            columns: column_list("first_name", GIVEN_EXTRA),
            decisive: false,
            note: "Given names; a name people go by is another value of the same field.",
        });
        out.push(Field {
            name: "family".into(),
            kind: "family_name",
            columns: column_list("last_name", FAMILY_EXTRA),
            decisive: false,
            note: "Family names; a previous or maiden surname is another value, any\n\
                   # of which agreeing counts. A whole `name` is not compared beside\n\
                   # them: one name would count twice.",
        });
    } else if named("name") {
        out.push(Field {
            name: "full".into(),
            kind: "full_name",
            columns: vec!["name".into()],
            decisive: false,
            note: "The whole name, which is all these records hold of it.",
        });
    }
    for p in of_kind("date").into_iter().filter(own) {
        out.push(Field {
            name: short(p.path),
            kind: "date",
            columns: vec![p.path.to_owned()],
            decisive: false,
            note: "A date (a full date, a month as 1980-03, or a timestamp's date).",
        });
    }
    for kind in ["identifier", "email"] {
        for p in of_kind(kind).into_iter().filter(own) {
            out.push(Field {
                name: short(p.path),
                kind: "identifier",
                columns: vec![p.path.to_owned()],
                decisive: decisive.contains(&p.path),
                note: match kind {
                    "email" => "An email address, compared as keyed.",
                    _ => "An identifier; decisive when one system issues it to one person.",
                },
            });
        }
    }
    // One source's "mobile" is another's "phone", and a cell may list
    // several: every phone is a value of one field, any of which agreeing
    // counts. Kept apart, a mobile would never meet the same number filed
    // as a phone, and a landline against a mobile would count as a
    // disagreement.
    let phones: Vec<String> = of_kind("phone")
        .into_iter()
        .filter(own)
        .map(|p| p.path.to_owned())
        .collect();
    if !phones.is_empty() {
        let decisive = phones.iter().any(|p| decisive.contains(&p.as_str()));
        out.push(Field {
            name: "phone".into(),
            kind: "identifier",
            columns: phones,
            decisive,
            note: "Phone numbers, compared as keyed (spaces aside): every phone property\n\
                   # is a value of this one field, any of which agreeing counts.",
        });
    }
    places(properties, &mut out);
    out
}

/// The place fields of referenced addresses: streets and whole addresses
/// as one address field, then town, county and postcode. They determine
/// each other and are compared as one `place`.
fn places(properties: &[Property<'_>], out: &mut Vec<Field>) {
    let referenced = |p: &&Property<'_>| p.path.contains('.');
    let last = |p: &Property<'_>| p.path.rsplit('.').next().unwrap_or(p.path).to_owned();
    let streets: Vec<String> = properties
        .iter()
        .filter(referenced)
        .filter(|p| p.kind == "address")
        .map(|p| p.path.to_owned())
        .collect();
    if !streets.is_empty() {
        out.push(Field {
            name: "street".into(),
            kind: "address",
            columns: streets,
            decisive: false,
            note: "Where someone lives: street and whole address are values of one field;\n\
                   # with town, county and postcode it is compared as one `place`.",
        });
    }
    for (word, kind, name) in [
        ("town", "text", "town"),
        ("county", "text", "county"),
        ("postcode", "postcode", "postcode"),
    ] {
        if let Some(p) = properties
            .iter()
            .filter(referenced)
            .find(|p| p.kind == kind && last(p) == word)
        {
            out.push(Field {
                name: name.into(),
                kind: match name {
                    "town" => "town",
                    "county" => "region",
                    _ => "postcode",
                },
                columns: vec![p.path.to_owned()],
                decisive: false,
                note: "Part of the place.",
            });
        }
    }
}

/// A field name for a property: the commonest get their usual short names.
fn short(path: &str) -> String {
    match path {
        "birth_date" => "dob".into(),
        "death_date" => "died".into(),
        "national_insurance_number" => "nino".into(),
        "nhs_number" => "nhs".into(),
        other => other.replace('.', "_"),
    }
}

const HEADER: &str = "\
# How clearstone resolves people across sources (`clearstone resolve`).
# Generated from the ontology's property kinds: every name, date,
# identifier, phone, email and place the type has is compared once and
# blocked on. The format is the one `clearstone link` reads
# (docs/resolve.md); here each field's `columns` are ontology properties
# of the entity (all their values are the field's values), and `a.b`
# follows the reference `a` to the referenced entity's property `b`.

# Pairs at or above this probability are linked; people review the band
# below it (`clearstone review`).
threshold = 0.9
pairs_max = 20_000_000
# Records of one household share a family name and a home: where a given
# name or a date of birth speaks against a pair, the two count once.
households = true
";

const COMPARISONS: &str = "
# Without [[comparison]] every field is compared on its own, except that
# street, town, county and postcode are compared as one `place`: they
# determine each other and must not count several times.
";

const BLOCKING: &str = "
# Blocking: a pair is compared when it agrees on every key of a rule.
";

/// Identifiers one national scheme issues, held by many sources at once.
const NATIONAL_IDENTIFIERS: &[&str] = &["nino", "nhs"];

const TRAINING: &str = "
[training]
u_samples = 200_000
em_iterations = 10
seed = 1
# EM sessions on the rules that pair many records: each trains the
# comparisons its rule does not read. A rule over an identifier few records
# hold is left out: its few pairs would teach the names noise.
";
