#![allow(clippy::unwrap_used, clippy::panic)]
//! External register matches against a slow, obvious reference on random data.

mod support;

use std::collections::BTreeSet;

use clearstone_indicators::evaluate;
use support::*;

const COMPANIES: &[(&str, &str)] = &[
    ("01234567", "Northshire Security Ltd"),
    ("1234568", "Acme Locks Limited"),
    ("SC000123", "Harbour Taxis PLC"),
    ("07654321", "Riverside Motors"),
];

fn register_rule() -> String {
    format!(
        "{META}
[register]
person_schema = \"StaffMember\"
employment = {{ start = \"start_date\", end = \"end_date\" }}
register_schema = \"CompanyAppointment\"
register_person = \"officer\"
appointed = {{ start = \"appointed_on\", end = \"resigned_on\" }}
number = \"company_number\"
name = \"company_name\"

[register.declarations]
schema = \"BusinessInterest\"
person = \"staff_member\"
number = \"organisation.registration_number\"
name = \"organisation.name\"
"
    )
}

fn digits(s: &str) -> String {
    s.trim_start_matches('0').to_owned()
}

fn organisation(s: &str) -> String {
    s.to_lowercase()
        .replace(" ltd", "")
        .replace(" limited", "")
        .replace(" plc", "")
}

// issue 18, item 1 and "tests that must exist": the register kind, with
// overlapping dates and declarations by number or by name.
#[test]
fn register_matches_agree_with_the_reference() {
    let mut flagged_seeds = 0;
    for seed in 0..60 {
        let mut rng = Rng::new(seed);
        let (mut records, mut canonical) = people(&mut rng, 6);
        let mut jobs = Vec::new(); // (who, start, end)
        for i in 0..6 {
            let start = rng.below(200) as i64;
            let end = if rng.chance(0.3) {
                Some(start + rng.below(100) as i64)
            } else {
                None
            };
            let r = records
                .iter_mut()
                .find(|r| r.id == format!("hr:staff:{i}"))
                .unwrap();
            r.values.push(value(&r.id, "start_date", &date(start)));
            if let Some(e) = end {
                r.values.push(value(&r.id, "end_date", &date(e.min(364))));
            }
            jobs.push((format!("cs-{i}"), start, end.map(|e| e.min(364))));
        }
        let mut entries = Vec::new(); // (who, start, end, number, name)
        for k in 0..rng.below(10) {
            let officer = format!("companies:officer:{k}");
            let who = if rng.chance(0.7) {
                let c = format!("cs-{}", rng.below(6));
                canonical.insert(officer.clone(), c.clone());
                c
            } else {
                officer.clone()
            };
            records.push(record(&officer, "Person", &[("name", "x")]));
            let (num, name) = COMPANIES[rng.below(COMPANIES.len() as u64) as usize];
            let start = rng.below(300) as i64;
            let end = if rng.chance(0.5) {
                Some((start + rng.below(60) as i64).min(364))
            } else {
                None
            };
            let mut props = vec![
                ("officer", officer.as_str()),
                ("company_number", num),
                ("company_name", name),
            ];
            let s = date(start);
            let e = end.map(date);
            props.push(("appointed_on", &s));
            if let Some(e) = &e {
                props.push(("resigned_on", e));
            }
            records.push(record(
                &format!("companies:appt:{k}"),
                "CompanyAppointment",
                &props,
            ));
            entries.push((who, start, end, num, name));
        }
        let mut declared = Vec::new(); // (who, number or name)
        for j in 0..rng.below(4) {
            let i = rng.below(6);
            let (num, name) = COMPANIES[rng.below(COMPANIES.len() as u64) as usize];
            let org = format!("decl:org:{j}");
            let by_number = rng.chance(0.5);
            let mut props = vec![("name", if by_number { "something else" } else { name })];
            if by_number {
                props.push(("registration_number", num));
            }
            records.push(record(&org, "Organisation", &props));
            records.push(record(
                &format!("decl:{j}"),
                "BusinessInterest",
                &[
                    ("staff_member", &format!("hr:staff:{i}")),
                    ("organisation", &org),
                ],
            ));
            declared.push((format!("cs-{i}"), by_number, num, name));
        }
        let got: BTreeSet<String> = evaluate(&rule(&register_rule()), &view(records, canonical))
            .into_iter()
            .map(|f| f.person)
            .collect();
        let mut want = BTreeSet::new();
        for (who, a_start, a_end, num, name) in &entries {
            let is_declared = declared.iter().any(|(w, by_number, n, nm)| {
                w == who
                    && ((*by_number && digits(n) == digits(num))
                        || organisation(nm) == organisation(name))
            });
            if is_declared {
                continue;
            }
            for (w, j_start, j_end) in &jobs {
                let overlap =
                    a_end.is_none_or(|e| *j_start <= e) && j_end.is_none_or(|e| *a_start <= e);
                if w == who && overlap {
                    want.insert(who.clone());
                }
            }
        }
        flagged_seeds += usize::from(!want.is_empty());
        assert_eq!(got, want, "seed {seed}");
    }
    // The random data must flag someone often, or the comparison proves little.
    assert!(
        flagged_seeds > 10,
        "only {flagged_seeds} seeds flagged anyone"
    );
}

fn value(id: &str, prop: &str, v: &str) -> clearstone_indicators::Value {
    clearstone_indicators::Value {
        prop: prop.into(),
        value: v.into(),
        statement: format!("st:{id}:{prop}"),
    }
}
