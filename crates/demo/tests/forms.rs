//! The forms real exports have, each present in the generated sources and
//! each told truly by the ground truth (issue 16, "Tests and demo").
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{Source, read_csv, truth};

fn source(dir: &Path, file: &str) -> Source {
    read_csv(&dir.join(file), ',')
}

/// Entity id → person id, and person id → entity ids.
fn people(
    g: &clearstone_demo::Generated,
) -> (BTreeMap<String, String>, BTreeMap<String, Vec<String>>) {
    let t = truth(&g.truth);
    let mut by_person: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (e, p) in &t {
        by_person.entry(p.clone()).or_default().push(e.clone());
    }
    (t, by_person)
}

/// A word of two letters or more in capitals.
fn upper(w: &str) -> bool {
    w.len() > 1 && w.chars().all(|c| !c.is_lowercase())
}

/// Whether a holder's name is written in one form.
type Form = dyn Fn(&str) -> bool;

#[test]
fn whole_names_are_written_in_every_common_form() {
    let (dir, _) = common::generate(21, 3000);
    let cards = source(dir.path(), "access_cards.csv");
    let holders: Vec<&str> = cards.records.iter().map(|r| r.get("holder")).collect();
    let forms: [(&str, &Form); 6] = [
        ("SURNAME, Forename", &|h| {
            h.split_once(", ").is_some_and(|(s, _)| upper(s))
        }),
        ("I. Surname", &|h| h.as_bytes().get(1..3) == Some(b". ")),
        ("SURNAME I", &|h| {
            let w: Vec<&str> = h.split(' ').collect();
            w.len() == 2 && upper(w[0]) && w[1].len() == 1
        }),
        ("FORENAME SURNAME", &|h| {
            let w: Vec<&str> = h.split(' ').collect();
            w.len() == 2 && w.iter().all(|x| upper(x))
        }),
        ("title", &|h| {
            ["Mr ", "Mrs ", "Ms ", "Miss ", "Dr "]
                .iter()
                .any(|t| h.starts_with(t))
        }),
        ("initials only", &|h| {
            let w: Vec<&str> = h.split(' ').collect();
            w.len() == 3 && w[0].len() == 1 && w[1].len() == 1 && upper(w[2])
        }),
    ];
    for (name, is) in forms {
        assert!(holders.iter().any(|h| is(h)), "no holder written {name}");
    }
    let officers = source(dir.path(), "company_officers.csv");
    assert!(
        officers
            .records
            .iter()
            .all(|r| r.get("name").contains(", ")),
        "the register writes every officer surname first"
    );
}

#[test]
fn placeholders_and_month_year_dates_are_there_to_read_as_such() {
    let (dir, _) = common::generate(22, 3000);
    let cards = source(dir.path(), "access_cards.csv");
    let has = |col: &str, v: &str| cards.records.iter().any(|r| r.get(col) == v);
    assert!(has("date_of_birth", "1900-01-01"));
    assert!(has("employee_no", "UNKNOWN"));
    assert!(has("department", "N/A"));
    let decl = source(dir.path(), "notifiable_associations.csv");
    assert!(
        decl.records
            .iter()
            .any(|r| r.get("associate_dob") == "UNKNOWN")
    );
    let months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let officers = source(dir.path(), "company_officers.csv");
    assert!(!officers.records.is_empty());
    for r in &officers.records {
        let dob = r.get("date_of_birth");
        let (month, year) = dob.split_once(' ').unwrap();
        assert!(months.contains(&month), "{dob}");
        assert!(year.len() == 4 && year.parse::<u32>().is_ok(), "{dob}");
    }
}

#[test]
fn overtime_names_staff_by_payroll_number_that_hr_holds() {
    let (dir, _) = common::generate(23, 1500);
    let mut payroll = BTreeSet::new();
    for file in ["hr_staff.csv", "hr_officers.csv"] {
        for r in source(dir.path(), file).records {
            assert!(!r.get("payroll_no").is_empty());
            assert!(
                payroll.insert(r.get("payroll_no").to_string()),
                "payroll numbers repeat"
            );
        }
    }
    let overtime = read_csv(&dir.path().join("overtime.tsv"), '\t');
    assert!(!overtime.records.is_empty());
    let named = overtime
        .records
        .iter()
        .filter(|r| payroll.contains(r.get("payroll_no")))
        .count();
    // Only the rows broken on purpose (a missing column) may miss.
    assert!(named * 100 >= overtime.records.len() * 97, "{named}");
    assert!(overtime.header.iter().all(|h| h != "staff_no"));
}

#[test]
fn older_records_use_the_surname_hr_holds_as_previous() {
    let (dir, g) = common::generate(24, 3000);
    let (t, _) = people(&g);
    let mut previous: BTreeMap<String, String> = BTreeMap::new();
    for file in ["hr_staff.csv", "hr_officers.csv"] {
        for r in source(dir.path(), file).records {
            let id = clearstone_demo::entity_id("hr", "staff", &[r.get("staff_no")]);
            if !r.get("previous_surname").is_empty() {
                previous.insert(t[&id].clone(), r.get("previous_surname").to_uppercase());
            }
        }
    }
    assert!(!previous.is_empty());
    let cards = source(dir.path(), "access_cards.csv");
    let old_name_used = cards.records.iter().any(|r| {
        let id = clearstone_demo::entity_id("cards", "holder", &[r.get("card_no")]);
        t.get(&id)
            .and_then(|p| previous.get(p))
            .is_some_and(|old| r.get("holder").to_uppercase().contains(old.as_str()))
    });
    assert!(old_name_used);
}

#[test]
fn relatives_and_namesakes_are_other_people_the_truth_forbids_merging() {
    let (dir, g) = common::generate(25, 8_000);
    let (_, by_person) = people(&g);
    let forbidden = read_csv(&g.forbidden, ',');
    let officers = source(dir.path(), "company_officers.csv");
    let row = |entity: &str| {
        officers.records.iter().find(|r| {
            clearstone_demo::entity_id("companies", "officer", &[r.get("officer_id")]) == entity
        })
    };
    let surname = |name: &str| name.split(", ").next().unwrap_or("").to_string();
    let hr_surnames: BTreeMap<String, String> = ["hr_staff.csv", "hr_officers.csv"]
        .iter()
        .flat_map(|f| source(dir.path(), f).records)
        .map(|r| (r.get("staff_no").to_string(), r.get("surname").to_string()))
        .collect();
    let holders: BTreeMap<String, String> = source(dir.path(), "access_cards.csv")
        .records
        .iter()
        .map(|r| (r.get("card_no").to_string(), r.get("holder").to_string()))
        .collect();
    let letters = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphabetic())
            .flat_map(char::to_uppercase)
            .collect()
    };
    let mut kinds = BTreeSet::new();
    for f in &forbidden.records {
        let (a, b) = (f.get("person_a"), f.get("person_b"));
        assert_ne!(a, b);
        assert!(
            by_person.contains_key(a) && by_person.contains_key(b),
            "{a} {b}"
        );
        kinds.insert(f.get("kind").to_string());
        if f.get("kind") == "namesake" {
            // Written with the staff member's surname, whatever the case
            // and punctuation (HR has the odd typing error of its own).
            let hr = by_person[a].iter().find(|e| e.starts_with("hr:")).unwrap();
            let hr_surname = letters(&hr_surnames[hr.rsplit(':').next().unwrap()]);
            let other = &by_person[b][0];
            let written = match row(other) {
                Some(r) => r.get("name").to_string(),
                None => holders[other.rsplit(':').next().unwrap()].clone(),
            };
            let written = letters(&written);
            let near = written.contains(&hr_surname)
                || hr_surname.len() > 4 && written.contains(hr_surname.get(..4).unwrap());
            assert!(near, "{written} {hr_surname}");
            continue;
        }
        // On the same board as the staff member, at the same address, with
        // the same surname.
        let rel = by_person[b].iter().find_map(|e| row(e)).unwrap();
        let staff = by_person[a]
            .iter()
            .filter_map(|e| row(e))
            .find(|r| r.get("company_number") == rel.get("company_number"))
            .unwrap();
        assert_eq!(staff.get("postal_code"), rel.get("postal_code"));
        assert_eq!(staff.get("address_line_1"), rel.get("address_line_1"));
        assert_eq!(surname(staff.get("name")), surname(rel.get("name")));
        assert_ne!(staff.get("date_of_birth"), rel.get("date_of_birth"));
    }
    assert_eq!(
        kinds,
        BTreeSet::from(["namesake".to_string(), "relative".to_string()])
    );
}
