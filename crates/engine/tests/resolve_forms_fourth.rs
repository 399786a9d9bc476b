//! Resolution with the shipped person settings on a fourth set of forms no
//! other test writes, as HR, access-card, vetting and case systems export
//! them: payroll numbers padded with zeros, prefixed (`EMP0123`) or bare;
//! `Mr John SMITH` in one column; two given names against one; a known-as
//! name; dates of birth as timestamps and in US order (declared in the
//! mapping); postcodes without a space or in lower case; phones written
//! three ways; emails in another case; an address over four columns against
//! one line; a married name with the maiden name held as a previous surname
//! on one side only. Twins, a parent and the child named after them, and a
//! member of staff and a relative at the same address must stay apart.
#![allow(clippy::unwrap_used, clippy::panic)]

mod forms;
mod support;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use forms::Rng;

const HR_MAPPING: &str = r#"version = 1
[dataset]
name = "hr"
owner = "People Services"
legal_basis = "employment"
[source]
format = "csv"
path = "hr.csv"
date_formats = ["%Y-%m-%dT%H:%M:%S"]
[[entities]]
name = "staff"
schema = "StaffMember"
keys = ["emp_no"]
subject_category = "staff"
[entities.properties]
payroll_number = { column = "emp_no" }
title = { column = "title" }
first_name = { column = "forenames" }
last_name = { column = "surname" }
known_as = { column = "known_as" }
previous_names = { column = "previous_surname" }
birth_date = { column = "dob" }
mobile = { column = "mobile" }
email = { column = "email" }
address = { entity = "home" }
[[entities]]
name = "home"
schema = "Address"
keys = ["emp_no"]
[entities.properties]
street = { columns = ["line1", "line2"], join = ", " }
town = { column = "town" }
postcode = { column = "postcode" }
"#;

const CARDS_MAPPING: &str = r#"version = 1
[dataset]
name = "cards"
owner = "Estates"
legal_basis = "employment"
[source]
format = "csv"
path = "cards.csv"
[[entities]]
name = "holder"
schema = "StaffMember"
keys = ["card_no"]
subject_category = "staff"
[entities.properties]
name = { column = "holder" }
payroll_number = { column = "payroll" }
"#;

const VETTING_MAPPING: &str = r#"version = 1
[dataset]
name = "vetting"
owner = "Vetting Unit"
legal_basis = "law enforcement"
[source]
format = "csv"
path = "vetting.csv"
date_formats = ["%d/%m/%Y %H:%M"]
[[entities]]
name = "subject"
schema = "Person"
keys = ["ref"]
subject_category = "other"
[entities.properties]
first_name = { column = "forename" }
last_name = { column = "surname" }
birth_date = { column = "dob" }
phone = { column = "phone" }
email = { column = "email" }
address = { entity = "home" }
[[entities]]
name = "home"
schema = "Address"
keys = ["ref"]
[entities.properties]
full = { column = "address" }
postcode = { column = "postcode" }
"#;

const CASES_MAPPING: &str = r#"version = 1
[dataset]
name = "cases"
owner = "Professional Standards"
legal_basis = "law enforcement"
[source]
format = "csv"
path = "cases.csv"
date_formats = ["%m/%d/%Y"]
[[entities]]
name = "party"
schema = "Person"
keys = ["party_id"]
subject_category = "other"
[entities.properties]
first_name = { column = "first" }
last_name = { column = "last" }
birth_date = { column = "dob" }
address = { entity = "home" }
[[entities]]
name = "home"
schema = "Address"
keys = ["party_id"]
[entities.properties]
street = { column = "line1" }
town = { column = "town" }
postcode = { column = "postcode" }
"#;

/// Given names, each with the name its bearer may be known by.
const GIVEN: &[(&str, &str)] = &[
    ("James", "Jim"),
    ("William", "Bill"),
    ("Robert", "Bob"),
    ("Elizabeth", "Liz"),
    ("Margaret", "Maggie"),
    ("Catherine", "Kate"),
    ("Thomas", "Tom"),
    ("Susan", "Sue"),
    ("Daniel", "Dan"),
    ("Rebecca", "Becky"),
    ("Anthony", "Tony"),
    ("Victoria", "Vicky"),
];
const MIDDLE: &[&str] = &["Paul", "Anne", "Marie", "John", "Louise", "David"];
const FAMILY: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Wilson", "Walker", "Wright", "Hughes", "Green", "Hall",
    "Wood", "Clarke", "Patel", "Khan", "Begum", "Ahmed",
];
const STREETS: &[&str] = &["High Street", "Church Road", "Park Avenue", "Mill Lane"];
const LOCALITIES: &[&str] = &["Didsbury", "Chorlton", "Withington", ""];

#[derive(Clone)]
struct Person {
    id: String,
    given: usize,
    middle: Option<usize>,
    family: usize,
    /// The surname before marriage, where it was another.
    maiden: Option<usize>,
    /// (year, month, day)
    dob: (u32, u32, u32),
    payroll: u64,
    mobile: u64,
    landline: u64,
    house: u64,
    street: &'static str,
    locality: &'static str,
    postcode: (u64, u64, &'static str),
}

fn person(r: &mut Rng, id: String) -> Person {
    let family = r.below(FAMILY.len() as u64) as usize;
    Person {
        id,
        given: r.below(GIVEN.len() as u64) as usize,
        middle: r.chance(0.4).then(|| r.below(MIDDLE.len() as u64) as usize),
        family,
        maiden: r
            .chance(0.15)
            .then(|| (family + 1 + r.below(FAMILY.len() as u64 - 1) as usize) % FAMILY.len()),
        dob: (
            1960 + r.below(40) as u32,
            1 + r.below(12) as u32,
            // Day and month both 12 or less are read either way round:
            // real, and what US order makes of them.
            1 + r.below(28) as u32,
        ),
        payroll: 1 + r.below(99_999),
        mobile: r.below(100_000),
        landline: r.below(10_000),
        house: 1 + r.below(200),
        street: r.pick(STREETS),
        locality: r.pick(LOCALITIES),
        postcode: (
            1 + r.below(40),
            1 + r.below(9),
            ["AB", "DE", "FG", "HJ", "LN", "PQ"][r.below(6) as usize],
        ),
    }
}

impl Person {
    fn given(&self) -> &'static str {
        GIVEN[self.given].0
    }
    /// The name a third of people go by, which HR records.
    fn known_as(&self) -> Option<&'static str> {
        self.given.is_multiple_of(3).then_some(GIVEN[self.given].1)
    }
    fn given_names(&self) -> String {
        match self.middle {
            Some(m) => format!("{} {}", self.given(), MIDDLE[m]),
            None => self.given().to_owned(),
        }
    }
    fn family(&self) -> &'static str {
        FAMILY[self.family]
    }
    fn postcode(&self) -> String {
        let (d, s, u) = self.postcode;
        format!("M{d} {s}{u}")
    }
    fn email(&self) -> String {
        format!(
            "{}.{}{}@mail.example",
            self.given(),
            self.family(),
            self.payroll % 97
        )
    }
    fn title(&self) -> &'static str {
        // The second half of the given names are women's.
        if self.given % 2 == 1 && self.given >= 3 {
            if self.maiden.is_some() { "Mrs" } else { "Ms" }
        } else {
            "Mr"
        }
    }
}

/// The forms a record is written in, tallied apart: its name, its date of
/// birth and one more (an identifier, a phone, an email or an address).
const NAME_FORMS: &[&str] = &[
    "Mr John SMITH",
    "one of two given names",
    "known-as name",
    "maiden name, previous on HR only",
    "name as HR",
];
const DATE_FORMS: &[&str] = &["dd/mm/yyyy hh:mm", "US order", "no date"];
const OTHER_FORMS: &[&str] = &[
    "payroll EMP0123 vs 00123",
    "payroll 123 vs 00123",
    "phone +44 7700 900123",
    "phone 07700900123",
    "phone (0161) 496 0000",
    "email in capitals",
    "address one line, postcode m11aa",
    "address four columns",
];

/// Writes the four sources; returns the truth (entity id → person), the
/// forms of each record outside HR, and the pairs of people that must
/// stay apart.
type Written = (
    HashMap<String, String>,
    HashMap<String, [&'static str; 3]>,
    Vec<(String, String)>,
);

struct Out {
    hr: String,
    cards: String,
    vetting: String,
    cases: String,
    truth: HashMap<String, String>,
    form_of: HashMap<String, [&'static str; 3]>,
    keys: u64,
}

impl Out {
    fn key(&mut self, prefix: &str) -> String {
        self.keys += 1;
        format!("{prefix}{:05}", self.keys)
    }

    fn staff(&mut self, p: &Person) {
        let (y, m, d) = p.dob;
        let maiden = p.maiden.map_or("", |f| FAMILY[f]);
        let known = p.known_as().unwrap_or_default();
        writeln!(
            self.hr,
            "{:05},{},{},{},{known},{maiden},{y}-{m:02}-{d:02}T00:00:00,+44 7700 9{:05},{},{} {},{},Manchester,{}",
            p.payroll,
            p.title(),
            p.given_names(),
            p.family(),
            p.mobile,
            p.email(),
            p.house,
            p.street,
            p.locality,
            p.postcode()
        )
        .unwrap();
        self.truth
            .insert(format!("hr:staff:{:05}", p.payroll), p.id.clone());
    }

    fn card(&mut self, r: &mut Rng, p: &Person) {
        let key = self.key("C");
        let payroll = if r.chance(0.5) {
            ("payroll EMP0123 vs 00123", format!("EMP{:04}", p.payroll))
        } else {
            ("payroll 123 vs 00123", p.payroll.to_string())
        };
        writeln!(
            self.cards,
            "{key},{} {} {},{}",
            p.title(),
            p.given(),
            p.family().to_uppercase(),
            payroll.1
        )
        .unwrap();
        let e = format!("cards:holder:{key}");
        self.form_of
            .insert(e.clone(), ["Mr John SMITH", "no date", payroll.0]);
        self.truth.insert(e, p.id.clone());
    }

    /// A vetting record, written before any marriage: the maiden name.
    fn vetting(&mut self, r: &mut Rng, p: &Person) {
        let key = self.key("V");
        let (name_form, forename) = match (p.middle, r.below(3)) {
            (Some(_), 0) => ("one of two given names", p.given().to_owned()),
            (_, 1) if p.known_as().is_some() => ("known-as name", GIVEN[p.given].1.to_owned()),
            _ => ("name as HR", p.given_names()),
        };
        let (name_form, surname) = match p.maiden {
            Some(f) => ("maiden name, previous on HR only", FAMILY[f]),
            None => (name_form, p.family()),
        };
        let (y, m, d) = p.dob;
        let other = OTHER_FORMS[2 + r.below(5) as usize];
        let phone = match other {
            "phone +44 7700 900123" => format!("+44 7700 9{:05}", p.mobile),
            "phone (0161) 496 0000" => format!("(0161) 496 {:04}", p.landline),
            _ => format!("07700 9{:05}", p.mobile).replace(' ', ""),
        };
        let email = match other {
            "email in capitals" => p.email().to_uppercase(),
            _ => String::new(),
        };
        let (address, postcode) = match other {
            "address one line, postcode m11aa" => (
                [
                    format!("{} {}", p.house, p.street),
                    p.locality.to_owned(),
                    "Manchester".to_owned(),
                ]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
                p.postcode().replace(' ', "").to_lowercase(),
            ),
            _ => (String::new(), String::new()),
        };
        writeln!(
            self.vetting,
            "{key},{forename},{surname},{d:02}/{m:02}/{y} 00:00,{phone},{email},\"{address}\",{postcode}",
        )
        .unwrap();
        let e = format!("vetting:subject:{key}");
        self.form_of
            .insert(e.clone(), [name_form, "dd/mm/yyyy hh:mm", other]);
        self.truth.insert(e, p.id.clone());
    }

    /// A party to a case, from a system that writes dates in US order.
    fn party(&mut self, r: &mut Rng, p: &Person, dob: bool) {
        let key = self.key("P");
        let (y, m, d) = p.dob;
        let date = if dob {
            format!("{m:02}/{d:02}/{y}")
        } else {
            String::new()
        };
        let postcode = if r.chance(0.5) {
            p.postcode().to_lowercase()
        } else {
            p.postcode().replace(' ', "")
        };
        writeln!(
            self.cases,
            "{key},{},{},{date},{} {},Manchester,{postcode}",
            p.given(),
            p.family(),
            p.house,
            p.street
        )
        .unwrap();
        let e = format!("cases:party:{key}");
        self.form_of.insert(
            e.clone(),
            [
                "name as HR",
                if dob { "US order" } else { "no date" },
                "address four columns",
            ],
        );
        self.truth.insert(e, p.id.clone());
    }
}

fn write_sources(dir: &Path, people: usize, seed: u64) -> Written {
    let mut r = Rng(seed);
    let mut out = Out {
        hr: "emp_no,title,forenames,surname,known_as,previous_surname,dob,mobile,email,line1,line2,town,postcode\n".into(),
        cards: "card_no,holder,payroll\n".into(),
        vetting: "ref,forename,surname,dob,phone,email,address,postcode\n".into(),
        cases: "party_id,first,last,dob,line1,town,postcode\n".into(),
        truth: HashMap::new(),
        form_of: HashMap::new(),
        keys: 0,
    };
    let mut forbidden = Vec::new();
    let mut payrolls = std::collections::HashSet::new();
    let mut fresh = |r: &mut Rng, id: String| loop {
        let p = person(r, id.clone());
        if payrolls.insert(p.payroll) {
            return p;
        }
    };
    for i in 0..people {
        let p = fresh(&mut r, format!("P{i}"));
        out.staff(&p);
        if r.chance(0.6) {
            out.card(&mut r, &p);
        }
        if r.chance(0.7) {
            out.vetting(&mut r, &p);
        }
        if r.chance(0.5) {
            out.party(&mut r, &p, true);
        }
        // A twin: the same date of birth, home and family name, another
        // given name; on the staff too, as twins often are.
        if r.chance(0.05) {
            let other = fresh(&mut r, format!("T{i}"));
            let twin = Person {
                id: other.id,
                given: (p.given + 1 + r.below(GIVEN.len() as u64 - 1) as usize) % GIVEN.len(),
                middle: other.middle,
                payroll: other.payroll,
                mobile: other.mobile,
                ..p.clone()
            };
            out.staff(&twin);
            out.vetting(&mut r, &twin);
            forbidden.push((p.id.clone(), twin.id.clone()));
        }
        // A parent the member of staff is named after, at the same home,
        // a generation older; and the member of staff as a party with no
        // date, who may join either.
        if r.chance(0.05) {
            let other = fresh(&mut r, format!("F{i}"));
            let parent = Person {
                id: other.id,
                dob: (p.dob.0 - 24 - r.below(10) as u32, other.dob.1, other.dob.2),
                maiden: None,
                mobile: other.mobile,
                landline: p.landline,
                ..p.clone()
            };
            out.party(&mut r, &parent, true);
            out.vetting(&mut r, &parent);
            out.party(&mut r, &p, false);
            forbidden.push((p.id.clone(), parent.id.clone()));
        }
        // A relative at the same address: the family name and the home,
        // another given name and date of birth.
        if r.chance(0.08) {
            let other = fresh(&mut r, format!("R{i}"));
            let relative = Person {
                family: p.family,
                maiden: None,
                house: p.house,
                street: p.street,
                locality: p.locality,
                postcode: p.postcode,
                landline: p.landline,
                given: if other.given == p.given {
                    (p.given + 1) % GIVEN.len()
                } else {
                    other.given
                },
                ..other
            };
            out.party(&mut r, &relative, true);
            out.vetting(&mut r, &relative);
            forbidden.push((p.id.clone(), relative.id.clone()));
        }
    }
    for (name, text) in [
        ("hr.csv", &out.hr),
        ("cards.csv", &out.cards),
        ("vetting.csv", &out.vetting),
        ("cases.csv", &out.cases),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    for (name, text) in [
        ("hr.toml", HR_MAPPING),
        ("cards.toml", CARDS_MAPPING),
        ("vetting.toml", VETTING_MAPPING),
        ("cases.toml", CASES_MAPPING),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    (out.truth, out.form_of, forbidden)
}

// issue 16: with the shipped settings, every form above finds its staff
// record, and no twin, parent or relative at the same address is merged
// with a member of staff.
#[test]
fn the_shipped_settings_resolve_a_fourth_set_of_forms() {
    let tmp = tempfile::tempdir().unwrap();
    let (truth, form_of, forbidden) = write_sources(tmp.path(), 600, 41);
    let clusters = forms::resolve(
        tmp.path(),
        &["hr.toml", "cards.toml", "vetting.toml", "cases.toml"],
    );
    let t = forms::tally(&truth, &form_of, &forbidden, &clusters);
    let report = &t.report;
    println!("{report}");
    assert!(forbidden.len() > 80, "{report}");
    let members = |who: &str| {
        let mut m: Vec<String> = truth
            .iter()
            .filter(|(_, p)| *p == who)
            .map(|(e, _)| format!("{e} in {:?}", clusters.get(e)))
            .collect();
        m.sort();
        m
    };
    let merged: Vec<_> = t
        .merged
        .iter()
        .map(|(a, b)| (members(a), members(b)))
        .collect();
    assert!(t.merged.is_empty(), "{merged:#?}\n{report}");
    assert!(t.overall.f1() >= 0.95, "{report}");
    for form in NAME_FORMS.iter().chain(DATE_FORMS).chain(OTHER_FORMS) {
        assert!(t.by_form[form].recall() >= 0.9, "{form}\n{report}");
    }
}
