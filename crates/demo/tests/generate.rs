#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use clearstone_demo::{DemoError, Options, entity_id, generate};
use common::{Mapping, Ontology, Record, bad_rows, parse_date, read_mapping, truth};

const PERSON_LIKE: &str = "Person";

#[test]
fn same_seed_same_bytes_other_seed_other_data() {
    let (a, ga) = common::generate(7, 400);
    let (b, gb) = common::generate(7, 400);
    let (c, _) = common::generate(8, 400);
    assert_eq!(ga.sources, gb.sources);
    let mut names: Vec<_> = std::fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() > 50, "{names:?}");
    for n in &names {
        let x = std::fs::read(a.path().join(n)).unwrap();
        let y = std::fs::read(b.path().join(n)).unwrap();
        assert!(x == y, "{n:?} differs between two runs with one seed");
    }
    let differs = ["truth.csv", "crime_persons.csv", "hr_officers.csv"]
        .iter()
        .all(|n| {
            std::fs::read(a.path().join(n)).unwrap() != std::fs::read(c.path().join(n)).unwrap()
        });
    assert!(differs, "another seed gave the same data");
}

#[test]
fn scale_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let err = generate(
        &Options {
            seed: 1,
            people: 10,
        },
        dir.path(),
    )
    .unwrap_err();
    assert!(matches!(err, DemoError::Scale(10)));
    assert!(err.to_string().starts_with("people must be"));
    assert_eq!(Options::default().people, 20_000);
}

#[test]
fn generated_lists_what_it_wrote() {
    let (dir, g) = common::generate(3, 300);
    assert_eq!(g.mappings.len(), 29);
    for m in &g.mappings {
        assert!(m.starts_with(dir.path()) && m.exists(), "{m:?}");
        let mapping = read_mapping(m);
        assert!(
            g.rows(&mapping.source_path).is_some(),
            "{}",
            mapping.source_path
        );
    }
    assert!(g.truth.exists() && g.bad_rows.exists());
    assert_eq!(
        truth(&g.truth).len() as u64,
        g.truth_rows,
        "duplicate entity ids in truth"
    );
    for s in &g.sources {
        assert!(dir.path().join(&s.file).exists(), "{}", s.file);
    }
    // The mapping's first source is the gazetteer, which others do not reference.
    assert!(g.mappings[0].ends_with("gazetteer.toml"));
}

/// Problems a loader following docs/mapping.md would find in a record.
fn problems(m: &Mapping, ont: &Ontology, header_len: usize, r: &Record) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if m.format == "csv" && r.columns != header_len {
        out.push((String::new(), "wrong column count".to_string()));
    }
    if !r.utf8 {
        let col = r
            .values
            .iter()
            .find(|(_, v)| v.contains('\u{FFFD}'))
            .map(|(k, _)| k.clone());
        out.push((col.unwrap_or_default(), "invalid utf-8".to_string()));
    }
    if !r.json_ok {
        out.push((String::new(), "malformed json".to_string()));
        return out;
    }
    for e in &m.entities {
        for k in Mapping::keys(e) {
            if r.get(&k).trim().is_empty() {
                out.push((k, "missing key".to_string()));
            }
        }
        let schema = e["schema"].as_str().unwrap();
        for (pname, v) in Mapping::props(e) {
            let v = v.as_table().unwrap();
            if v.contains_key("entity") {
                continue;
            }
            let Some(prop) = ont.types[schema].get(&pname) else {
                continue;
            };
            let Some(col) = v.get("column").and_then(|c| c.as_str()) else {
                continue;
            };
            let value = r.get(col);
            if m.is_missing(v, value) {
                continue;
            }
            match prop.ty.as_str() {
                "date" => {
                    let formats: Vec<String> = v
                        .get("date_formats")
                        .and_then(|d| d.as_array())
                        .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
                        .unwrap_or_else(|| m.date_formats.clone());
                    if parse_date(value, &formats).is_none() {
                        out.push((col.to_string(), "unparseable date".to_string()));
                    }
                }
                "enum" => {
                    let mapped = v
                        .get("map")
                        .and_then(|mp| mp.as_table())
                        .and_then(|mp| mp.get(value))
                        .and_then(|x| x.as_str())
                        .unwrap_or(value);
                    if !prop.values.iter().any(|x| x == mapped) {
                        out.push((col.to_string(), "invalid enum".to_string()));
                    }
                }
                "postcode" if !postcode_ok(value) => {
                    out.push((col.to_string(), "postcode".to_string()))
                }
                "phone" if !phone_ok(value) => out.push((col.to_string(), "phone".to_string())),
                "email" if !(value.contains('@') && value.contains('.')) => {
                    out.push((col.to_string(), "email".to_string()));
                }
                "number" if value.parse::<f64>().is_err() => {
                    out.push((col.to_string(), "number".to_string()))
                }
                _ => {}
            }
        }
    }
    out
}

/// UK postcode shape (`A9 9AA` .. `AA9A 9AA`), ignoring case and spacing.
fn postcode_ok(s: &str) -> bool {
    let c: Vec<char> = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let n = c.len();
    (5..=7).contains(&n)
        && c[0].is_ascii_alphabetic()
        && c[n - 3].is_ascii_digit()
        && c[n - 2].is_ascii_alphabetic()
        && c[n - 1].is_ascii_alphabetic()
        && c[..n - 3].iter().all(|c| c.is_ascii_alphanumeric())
}

/// A UK number that converts to E.164 `+44...`.
fn phone_ok(s: &str) -> bool {
    let d: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    match d.strip_prefix("+44") {
        Some(rest) => rest.len() == 10 && digits(rest),
        None => d.len() == 11 && d.starts_with('0') && digits(&d),
    }
}

#[test]
fn bad_rows_are_bad_and_only_they_are() {
    let (_dir, g) = common::generate(5, 600);
    let ont = Ontology::load();
    let bad = bad_rows(&g.bad_rows);
    assert!(bad.len() >= 20, "only {} bad rows", bad.len());
    let reasons: BTreeSet<&str> = bad.values().map(|(_, r)| r.as_str()).collect();
    assert!(reasons.len() >= 5, "{reasons:?}");
    let mut seen = 0;
    for path in &g.mappings {
        let m = read_mapping(path);
        let src = m.read_source();
        for r in &src.records {
            let found = problems(&m, &ont, src.header.len(), r);
            match bad.get(&(m.source_path.clone(), r.line)) {
                Some((col, reason)) => {
                    seen += 1;
                    assert!(
                        found
                            .iter()
                            .any(|(c, why)| why == reason && (col.is_empty() || c == col)),
                        "{}:{} listed as {reason} ({col}) but has {found:?}",
                        m.source_path,
                        r.line
                    );
                }
                None => assert!(
                    found.is_empty(),
                    "{}:{} is bad but not listed: {found:?}",
                    m.source_path,
                    r.line
                ),
            }
        }
    }
    // A row broken in one file is read by each mapping of that file.
    assert!(seen >= bad.len(), "{seen} of {} bad rows found", bad.len());
}

/// Whether `recorded` is the true date of birth `t` or one of the
/// documented errors: day and month swapped, year off by one.
/// A month-precision date (day 0) is explained by any day of its month.
fn explained(t: (i32, u32, u32), recorded: (i32, u32, u32)) -> bool {
    recorded == t
        || (recorded.2 == 0 && (recorded.0, recorded.1) == (t.0, t.1))
        || recorded == (t.0, t.2, t.1)
        || (recorded.1 == t.1 && recorded.2 == t.2 && (recorded.0 - t.0).abs() == 1)
}

#[test]
fn truth_matches_the_sources() {
    let (_dir, g) = common::generate(11, 600);
    let ont = Ontology::load();
    let truth = truth(&g.truth);
    let bad = bad_rows(&g.bad_rows);
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    let mut dobs: BTreeMap<String, Vec<(i32, u32, u32)>> = BTreeMap::new();
    let mut datasets_per_person: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in &g.mappings {
        let m = read_mapping(path);
        let src = m.read_source();
        for e in &m.entities {
            let schema = e["schema"].as_str().unwrap();
            if !ont.is_a(schema, PERSON_LIKE) {
                continue;
            }
            let name = e["name"].as_str().unwrap();
            let keys = Mapping::keys(e);
            let dob_map = Mapping::props(e)
                .get("birth_date")
                .and_then(|v| v.as_table())
                .cloned();
            let dob_col = dob_map
                .as_ref()
                .and_then(|v| v.get("column"))
                .and_then(|c| c.as_str())
                .map(String::from);
            let dob_formats: Vec<String> = dob_map
                .as_ref()
                .and_then(|v| v.get("date_formats"))
                .and_then(|d| d.as_array())
                .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
                .unwrap_or_else(|| m.date_formats.clone());
            for r in &src.records {
                if bad.contains_key(&(m.source_path.clone(), r.line)) {
                    continue;
                }
                let vals: Vec<&str> = keys.iter().map(|k| r.get(k)).collect();
                let id = entity_id(&m.dataset, name, &vals);
                let Some(pid) = truth.get(&id) else {
                    panic!(
                        "{}:{} ({id}) is a person-like record missing from truth",
                        m.source_path, r.line
                    );
                };
                assert!(
                    found.insert(id.clone(), pid.clone()).is_none(),
                    "{id} twice"
                );
                datasets_per_person
                    .entry(pid.clone())
                    .or_default()
                    .insert(m.dataset.clone());
                if let (Some(col), Some(v)) = (&dob_col, &dob_map)
                    && !m.is_missing(v, r.get(col))
                {
                    let d = parse_date(r.get(col), &dob_formats).unwrap();
                    dobs.entry(pid.clone()).or_default().push(d);
                }
            }
        }
    }
    let missing: Vec<_> = truth
        .keys()
        .filter(|k| !found.contains_key(*k))
        .take(5)
        .collect();
    assert!(
        missing.is_empty(),
        "truth ids with no source row: {missing:?}"
    );
    assert_eq!(found.len(), truth.len());

    for (pid, ds) in &dobs {
        let ok = ds.iter().any(|t| ds.iter().all(|d| explained(*t, *d)));
        assert!(
            ok,
            "{pid} has dates of birth no documented error explains: {ds:?}"
        );
    }
    let in_two = datasets_per_person
        .values()
        .filter(|d| d.len() >= 2)
        .count();
    let in_three = datasets_per_person
        .values()
        .filter(|d| d.len() >= 3)
        .count();
    assert!(
        in_two * 10 >= datasets_per_person.len(),
        "too little overlap: {in_two} of {}",
        datasets_per_person.len()
    );
    assert!(in_three > 0, "nobody in three systems");
    let records_per_person = found.len() as f64 / datasets_per_person.len() as f64;
    assert!(records_per_person > 1.2, "{records_per_person}");
}

const ENTITY_KEYS: &[&str] = &[
    "name",
    "schema",
    "keys",
    "subject_category",
    "kind",
    "markings",
    "properties",
];
const VALUE_KEYS: &[&str] = &[
    "column",
    "columns",
    "join",
    "constant",
    "entity",
    "map",
    "split",
    "date_formats",
    "upper",
    "markings",
    "missing",
    "name_order",
    "by",
];
const SUBJECT_CATEGORIES: &[&str] = &["suspect", "victim", "witness", "staff", "child", "other"];

#[test]
fn mappings_match_sources_and_ontology() {
    let (_dir, g) = common::generate(13, 800);
    let ont = Ontology::load();
    let maps: Vec<Mapping> = g.mappings.iter().map(|p| read_mapping(p)).collect();
    let known: BTreeSet<String> = maps
        .iter()
        .flat_map(|m| {
            m.entities
                .iter()
                .map(|e| format!("{}:{}", m.dataset, e["name"].as_str().unwrap()))
        })
        .collect();
    for m in &maps {
        let file = m.path.display().to_string();
        assert!(
            m.dataset
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        );
        let src = m.read_source();
        let header: BTreeSet<&str> = src.header.iter().map(|s| s.as_str()).collect();
        let locals: BTreeSet<&str> = m
            .entities
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        for e in &m.entities {
            for k in e.keys() {
                assert!(
                    ENTITY_KEYS.contains(&k.as_str()),
                    "{file}: unknown entity key {k}"
                );
            }
            let schema = e["schema"].as_str().unwrap();
            let props = ont
                .types
                .get(schema)
                .unwrap_or_else(|| panic!("{file}: no type {schema}"));
            for k in Mapping::keys(e) {
                assert!(
                    header.contains(k.as_str()),
                    "{file}: key column {k} not in source"
                );
            }
            match e.get("subject_category") {
                None => {}
                Some(sc) => {
                    assert!(
                        ont.is_a(schema, PERSON_LIKE),
                        "{file}: subject_category on {schema}"
                    );
                    if let Some(s) = sc.as_str() {
                        assert!(SUBJECT_CATEGORIES.contains(&s), "{file}: {s}");
                    } else {
                        let t = sc.as_table().unwrap();
                        assert!(header.contains(t["column"].as_str().unwrap()));
                        for v in t["map"].as_table().unwrap().values() {
                            assert!(SUBJECT_CATEGORIES.contains(&v.as_str().unwrap()));
                        }
                    }
                }
            }
            for (pname, v) in Mapping::props(e) {
                let prop = props
                    .get(&pname)
                    .unwrap_or_else(|| panic!("{file}: {schema} has no property {pname}"));
                let v = v.as_table().unwrap();
                for k in v.keys() {
                    assert!(
                        VALUE_KEYS.contains(&k.as_str()),
                        "{file}: {pname}: unknown key {k}"
                    );
                }
                let sources = ["column", "columns", "constant"]
                    .iter()
                    .filter(|k| v.contains_key(**k))
                    .count();
                if let Some(target) = v.get("entity").and_then(|t| t.as_str()) {
                    assert_eq!(
                        prop.ty, "entity",
                        "{file}: {pname} is not an entity property"
                    );
                    if v.contains_key("column") {
                        assert!(
                            known.contains(target),
                            "{file}: {pname} refers to unknown {target}"
                        );
                    } else {
                        assert!(
                            locals.contains(target),
                            "{file}: {pname} refers to unknown local {target}"
                        );
                        assert_eq!(sources, 0, "{file}: {pname}");
                    }
                } else {
                    assert_eq!(
                        sources, 1,
                        "{file}: {pname} needs exactly one of column, columns, constant"
                    );
                    assert_ne!(prop.ty, "entity", "{file}: {pname} is an entity property");
                }
                for col in Mapping::columns(v) {
                    assert!(
                        header.contains(col.as_str()),
                        "{file}: column {col} not in source"
                    );
                }
                if prop.ty == "enum" {
                    let allowed = |x: &str| prop.values.iter().any(|p| p == x);
                    if let Some(c) = v.get("constant").and_then(|c| c.as_str()) {
                        assert!(allowed(c), "{file}: {pname} = {c}");
                    }
                    if let Some(mp) = v.get("map").and_then(|mp| mp.as_table()) {
                        for x in mp.values() {
                            assert!(allowed(x.as_str().unwrap()), "{file}: {pname} maps to {x}");
                        }
                    }
                } else if let Some(mp) = v.get("map").and_then(|mp| mp.as_table()) {
                    assert!(!mp.is_empty(), "{file}: {pname}");
                }
            }
        }
    }
}

#[test]
fn formats_vary_as_ingest_must_handle() {
    let (dir, g) = common::generate(2, 300);
    let absence = std::fs::read(dir.path().join("absence.csv")).unwrap();
    assert!(absence.starts_with(b"absence_id;"));
    let staff = std::fs::read(dir.path().join("hr_staff.csv")).unwrap();
    assert!(staff.starts_with(b"\xEF\xBB\xBFstaff_no,"));
    let overtime = std::fs::read(dir.path().join("overtime.tsv")).unwrap();
    assert!(overtime.starts_with(b"claim_ref\tpayroll_no"));
    let persons = common::read_csv(&dir.path().join("crime_persons.csv"), ',');
    let postcodes: Vec<&str> = persons.records.iter().map(|r| r.get("postcode")).collect();
    assert!(
        postcodes
            .iter()
            .any(|p| p.chars().any(|c| c.is_ascii_lowercase()))
    );
    assert!(postcodes.iter().any(|p| !p.contains(' ')));
    let phones: Vec<&str> = persons.records.iter().map(|r| r.get("phone")).collect();
    assert!(phones.iter().any(|p| p.starts_with("+44")));
    assert!(phones.iter().any(|p| p.starts_with("07")));
    assert!(g.rows("roster_shifts.parquet").unwrap() > 0);
    assert!(g.rows("vehicle_keepers.parquet").unwrap() > 0);
    let notes = common::read_jsonl(&dir.path().join("csc_case_notes.jsonl"));
    let texts: BTreeSet<&str> = notes.records.iter().map(|r| r.get("text")).collect();
    assert!(
        texts.len() * 10 > notes.records.len() * 8,
        "case notes repeat too much"
    );
}
