//! What staff declare (business interests, memberships, notifiable
//! associations) and what payroll knows (trade union subscriptions).

use crate::DemoError;
use crate::names;
use crate::noise;
use crate::out::{Bad, Faults};
use crate::people::Role;
use crate::places::TOWNS;
use crate::rng::Rng;

use super::{Ctx, recent, title};
use crate::written::{NameParts, any_form};

const TAG_UNION: u64 = 0x7A10;
const TAG_INTEREST: u64 = 0x1473;
const TAG_MEMBER: u64 = 0x3E3B;
const TAG_ASSOC: u64 = 0xA550;

pub fn unions(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "deduction_ref",
        "staff_no",
        "union_code",
        "membership_no",
        "union_role",
        "monthly_subscription",
        "start_date",
    ];
    let bad = [Bad::Date, Bad::Enum, Bad::Columns];
    let mut csv = cx.csv("union_memberships.csv", &header, &bad)?;
    let w = cx.w;
    for k in 0..w.n_staff {
        // Officers may not join a trade union (Police Act 1996 s.64).
        if w.staff_role(k) == Role::Officer {
            continue;
        }
        let mut r = Rng::for_item(cx.seed(), TAG_UNION, u64::from(k));
        if !r.chance(0.55) {
            continue;
        }
        let code = r.pick(&["UNISON", "UNISON", "UNISON", "GMB", "UNITE", "PCS"]);
        let fields = vec![
            format!("PD{}", w.staff_no(k)),
            w.staff_no(k),
            code.to_string(),
            format!("{}{:07}", &code[..1], r.below(10_000_000)),
            (r.pick(&["M", "M", "M", "M", "M", "M", "M", "M", "REP", "BO"])).to_string(),
            format!("{:.2}", 8.0 + r.below(900) as f64 / 100.0),
            recent(&mut r, 12 * 365).dmy(),
        ];
        let faults = Faults {
            key: None,
            date: Some(6),
            enumeration: Some(4),
            latin1: None,
            columns: true,
        };
        csv.row(&mut cx.truth, fields, faults)?;
    }
    cx.done(csv.finish()?);
    Ok(())
}

const TRADES: &[&str] = &[
    "Dog Grooming",
    "Driving School",
    "Personal Training",
    "Photography",
    "Joinery",
    "Property Lettings",
    "Bookkeeping",
    "Catering",
    "Fitness",
    "Garden Services",
    "Security Consultancy",
    "Tutoring",
    "Plastering",
    "Holiday Cottages",
    "Beauty",
];

pub fn interests(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "interest_ref",
        "staff_no",
        "declared",
        "interest_type",
        "organisation",
        "company_no",
        "org_type",
        "role",
        "hours_per_week",
        "decision",
        "review_date",
    ];
    let bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Columns];
    let mut csv = cx.csv("business_interests.csv", &header, &bad)?;
    let w = cx.w;
    let mut seq = 0u64;
    for k in 0..w.n_staff {
        let mut r = Rng::for_item(cx.seed(), TAG_INTEREST, u64::from(k));
        if !r.chance(0.12) {
            continue;
        }
        let p = w.person(w.staff_index(k));
        for _ in 0..=r.count(0.3, 3) {
            seq += 1;
            let trade = r.pick(TRADES);
            let (kind, org, company, org_type) = match r.below(5) {
                0 => (
                    "SE",
                    format!("{} {} {}", p.first, p.surname, trade),
                    String::new(),
                    "ST",
                ),
                1 => (
                    "DIR",
                    format!("{} {} Ltd", p.surname, trade),
                    format!("{:08}", r.below(16_000_000)),
                    "CO",
                ),
                2 => (
                    "BO",
                    format!("{} {}", r.pick(TOWNS).name, trade),
                    format!("{:08}", r.below(16_000_000)),
                    "CO",
                ),
                3 => (
                    "VOL",
                    format!("{} Community Trust", r.pick(TOWNS).name),
                    format!("{:07}", r.below(1_200_000)),
                    "CH",
                ),
                _ => (
                    "SEC",
                    format!("{} {} Ltd", names::surname(&mut r, p.community()), trade),
                    format!("{:08}", r.below(16_000_000)),
                    "CO",
                ),
            };
            let declared = recent(&mut r, 6 * 365);
            let decision = r.pick(&["APP", "APP", "APP", "APC", "REF", "PEN", "WDN"]);
            let fields = vec![
                format!("BI-{seq:06}"),
                w.staff_no(k),
                declared.dmy(),
                kind.to_string(),
                org,
                company,
                org_type.to_string(),
                (r.pick(&["Owner", "Director", "Employee", "Trustee", "Partner"])).to_string(),
                r.range(2, 16).to_string(),
                decision.to_string(),
                declared.add_days(365).dmy(),
            ];
            let faults = Faults {
                key: Some(0),
                date: Some(2),
                enumeration: Some(3),
                latin1: None,
                columns: true,
            };
            csv.row(&mut cx.truth, fields, faults)?;
        }
    }
    // The declarations of the directorship rule's decoys.
    for k in 0..w.n_staff {
        let p = w.person(w.staff_index(k));
        let (start, left) = super::hr::service(w, k, &p);
        let Some(d) = crate::indicators_register::directorship(k, &p.surname, start, left) else {
            continue;
        };
        let Some((org, number)) = crate::indicators_register::declared(k, &d) else {
            continue;
        };
        let declared = d.appointed.add_days(14);
        let fields = vec![
            format!("BI-P{k:05}"),
            w.staff_no(k),
            declared.dmy(),
            "DIR".to_string(),
            org,
            number,
            "CO".to_string(),
            "Director".to_string(),
            "4".to_string(),
            "APP".to_string(),
            declared.add_days(365).dmy(),
        ];
        // Ground truth must load: planted rows are never broken.
        csv.row(&mut cx.truth, fields, Faults::default())?;
    }
    cx.done(csv.finish()?);
    Ok(())
}

const MEMBERSHIPS: &[(&str, &str)] = &[
    ("FRA", "Northshire Lodge No. 4127"),
    ("FRA", "Royal Antediluvian Order of Buffaloes, Carrow Lodge"),
    ("SPO", "Hallbridge Harriers Running Club"),
    ("SPO", "Carrow Rugby Union Football Club"),
    ("SPO", "Kingsmoor Golf Club"),
    ("CHA", "Kingsmoor Food Bank"),
    ("CHA", "Northshire Mountain Rescue"),
    ("PRO", "Chartered Institute of Personnel and Development"),
    ("PRO", "Chartered Management Institute"),
    ("COM", "Eastholme Residents' Association"),
    ("NET", "Northshire Women in Policing"),
    ("NET", "Northshire Police Disability Network"),
];

pub fn memberships(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "decl_ref",
        "staff_no",
        "declared",
        "membership_type",
        "organisation",
        "role",
    ];
    let bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Columns];
    let mut csv = cx.csv("memberships.csv", &header, &bad)?;
    let w = cx.w;
    let mut seq = 0u64;
    for k in 0..w.n_staff {
        let mut r = Rng::for_item(cx.seed(), TAG_MEMBER, u64::from(k));
        if !r.chance(0.15) {
            continue;
        }
        seq += 1;
        let (kind, org) = r.pick(MEMBERSHIPS);
        let fields = vec![
            format!("DM-{seq:06}"),
            w.staff_no(k),
            recent(&mut r, 5 * 365).dmy(),
            kind.to_string(),
            org.to_string(),
            (r.pick(&[
                "Member",
                "Member",
                "Member",
                "Committee member",
                "Treasurer",
                "Volunteer",
            ]))
            .to_string(),
        ];
        let faults = Faults {
            key: Some(0),
            date: Some(2),
            enumeration: Some(3),
            latin1: None,
            columns: true,
        };
        csv.row(&mut cx.truth, fields, faults)?;
    }
    cx.done(csv.finish()?);
    Ok(())
}

const OFFENDING: &[&str] = &[
    "Convicted of supplying cannabis (2019)",
    "Convicted of burglary (2017); on licence until 2024",
    "Arrested for assault (2023), released under investigation",
    "Convicted of drink driving (2022)",
    "Known to be involved in handling stolen goods",
    "Convicted of fraud by false representation (2018)",
];

/// Staff who declare a friend or relative with an offending history; the
/// associate is a real person in the crime system. The form is typed up
/// from paper: declarant and associate are whole names as written, and an
/// associate's date of birth the declarant did not know is `UNKNOWN`.
pub fn associations(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "decl_ref",
        "staff_no",
        "declarant",
        "declared",
        "associate_name",
        "associate_dob",
        "relationship",
        "associate_offending",
        "risk",
    ];
    let bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Columns];
    let mut csv = cx.csv("notifiable_associations.csv", &header, &bad)?;
    let w = cx.w;
    let mut seq = 0u64;
    for k in 0..w.n_staff {
        let mut r = Rng::for_item(cx.seed(), TAG_ASSOC, u64::from(k));
        if !r.chance(0.03) {
            continue;
        }
        let Some(n) = cx.nominals.pick_role(&mut r, b'S') else {
            continue;
        };
        let Some(&pi) = cx.nominals.person.get(n as usize) else {
            continue;
        };
        let a = w.person(pi);
        let p = w.person(w.staff_index(k));
        seq += 1;
        let key = format!("NA-{seq:05}");
        let declared = recent(&mut r, 4 * 365);
        let staff_surname = super::hr::surname_on(w, k, &p, declared);
        let staff_title = title(&mut r, &p);
        let declarant = any_form(
            &mut r,
            &NameParts {
                title: staff_title,
                first: p.first,
                middle: p.middle,
                surname: &staff_surname,
                nickname: names::nicknames(p.first).first().copied(),
            },
        );
        let first = noise::first_name(&mut r, a.first, 0.35, 0.03);
        let surname = noise::surname(&mut r, &a.surname, 0.03);
        let associate_title = title(&mut r, &a);
        let associate = any_form(
            &mut r,
            &NameParts {
                title: associate_title,
                first: &first,
                middle: None,
                surname: &surname,
                nickname: None,
            },
        );
        let fields = vec![
            key.clone(),
            w.staff_no(k),
            declarant,
            declared.dmy(),
            associate,
            noise::dob(&mut r, a.dob, 0.3, 0.03)
                .map(|d| d.dmy())
                .unwrap_or_else(|| "UNKNOWN".to_string()),
            (r.pick(&[
                "Friend",
                "Cousin",
                "Brother-in-law",
                "Former partner",
                "Neighbour",
                "School friend",
            ]))
            .to_string(),
            (r.pick(OFFENDING)).to_string(),
            (r.pick(&["L", "L", "M", "H", "NA"])).to_string(),
        ];
        let faults = Faults {
            key: Some(0),
            date: Some(3),
            enumeration: Some(8),
            latin1: None,
            columns: true,
        };
        if csv.row(&mut cx.truth, fields, faults)? {
            cx.person("declarations", "associate", &key, a.index)?;
            cx.person("declarations", "declarant", &key, p.index)?;
        }
    }
    // The declared association planted for the shared-phone rule: the
    // suspect who gave this member of staff's landline, declared by them.
    for k in 0..w.n_staff {
        if crate::indicators_shared::shared_part(k)
            != Some(crate::indicators_shared::SharedPart::Declared)
        {
            continue;
        }
        let a = crate::indicators_shared::other_person(w, k);
        let p = w.person(w.staff_index(k));
        let key = format!("NA-P{k:05}");
        let fields = vec![
            key.clone(),
            w.staff_no(k),
            format!("{} {}", p.first, p.surname),
            crate::people::today().add_days(-200).dmy(),
            format!("{} {}", a.first, a.surname),
            a.dob.dmy(),
            "Partner".to_string(),
            "Convicted of fraud by false representation (2018)".to_string(),
            "M".to_string(),
        ];
        // Ground truth must load: planted rows are never broken.
        if csv.row(&mut cx.truth, fields, Faults::default())? {
            cx.person("declarations", "associate", &key, a.index)?;
            cx.person("declarations", "declarant", &key, p.index)?;
        }
    }
    cx.done(csv.finish()?);
    Ok(())
}
