//! The demo generator's FEBRL-style people file as index documents.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::collections::HashMap;
use std::path::Path;

use clearstone_search::IndexDoc;

#[derive(Debug, Clone)]
pub struct Record {
    pub rec: String,
    pub given: String,
    pub surname: String,
    pub number: String,
    pub street: String,
    pub flat: String,
    pub town: String,
    pub postcode: String,
    /// YYYY-MM-DD, or empty.
    pub dob: String,
    pub ni: String,
    /// The real person behind the record, from truth.csv.
    pub person: String,
}

/// Writes `records` people with the demo generator into `dir` and reads
/// them back with their ground truth.
pub fn generate(seed: u64, records: usize, dir: &Path) -> Vec<Record> {
    let out = clearstone_demo::write_people_csv(seed, records, dir).unwrap();
    let truth: HashMap<String, String> = std::fs::read_to_string(&out.truth)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let (rec, person) = l.split_once(',').unwrap();
            (rec.to_owned(), person.to_owned())
        })
        .collect();
    let text = std::fs::read_to_string(&out.people).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let f = split_csv(line);
            assert_eq!(f.len(), 11, "{line}");
            let dob = if f[9].len() == 8 {
                format!("{}-{}-{}", &f[9][..4], &f[9][4..6], &f[9][6..])
            } else {
                String::new()
            };
            Record {
                person: truth[&f[0]].clone(),
                rec: f[0].clone(),
                given: f[1].clone(),
                surname: f[2].clone(),
                number: f[3].clone(),
                street: f[4].clone(),
                flat: f[5].clone(),
                town: f[6].clone(),
                postcode: f[7].clone(),
                dob,
                ni: f[10].clone(),
            }
        })
        .collect()
}

fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    out.push(field);
    out
}

/// One record as one document of its own (`canonical` = the record), or
/// grouped under its real person.
pub fn doc(r: &Record, grouped: bool, shape: u64, dataset: &str) -> IndexDoc {
    let mut names = Vec::new();
    if !r.given.is_empty() {
        names.push(("given_name".to_owned(), r.given.clone()));
    }
    if !r.surname.is_empty() {
        names.push(("surname".to_owned(), r.surname.clone()));
    }
    let mut identifiers = Vec::new();
    if !r.postcode.is_empty() {
        identifiers.push(("postcode".to_owned(), r.postcode.clone()));
    }
    if !r.ni.is_empty() {
        identifiers.push(("ni_number".to_owned(), r.ni.clone()));
    }
    let dates = if r.dob.is_empty() {
        Vec::new()
    } else {
        vec![("birth_date".to_owned(), r.dob.clone())]
    };
    let address = [&r.flat, &r.number, &r.street, &r.town]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    IndexDoc {
        entity: r.rec.clone(),
        canonical: if grouped {
            r.person.clone()
        } else {
            r.rec.clone()
        },
        shape,
        schema: "Person".into(),
        schema_ancestors: vec!["Person".into(), "LegalEntity".into(), "Thing".into()],
        dataset: dataset.into(),
        subject_category: None,
        label: format!("{} {}", r.given, r.surname),
        names,
        identifiers,
        dates,
        texts: vec![("address".to_owned(), address)],
        refs: vec![("lives_at".to_owned(), format!("addr:{}", r.postcode))],
    }
}
