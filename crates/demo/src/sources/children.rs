//! Northshire County Council children's services: practitioners, children,
//! their carers and family links, cases, assessments, EHC plans and case
//! notes. The council writes dates as `07-Mar-2025` and uses DfE codes.

use crate::DemoError;
use crate::date::Date;
use crate::entity_id;
use crate::names;
use crate::noise;
use crate::notes::{GP_SURGERIES, HOSPITAL, Ids, NoteCtx, NoteType, NotesTruth, note};
use crate::out::{Bad, Faults, Json, JsonFaults, Jsonl};
use crate::people::{Person, World, ascii_lower, today};
use crate::places::{self, HEALTH_SETTINGS, SCHOOLS};
use crate::rng::{Rng, mix};

use super::Ctx;

const TAG_PRAC: u64 = 0x5C01;
const TAG_CHILD: u64 = 0x5C02;
const TAG_CARER: u64 = 0x5C03;
const TAG_CASE: u64 = 0x5C04;
const TAG_NOTE: u64 = 0x5C05;

const TEAMS: &[&str] = &[
    "Hallbridge Assessment Team",
    "Kingsmoor Child Protection Team",
    "Children in Care Team",
    "Early Help Hub",
    "Leaving Care Team",
    "Disabled Children's Team",
    "Carrow Family Support Team",
];

fn practitioner_id(j: u32) -> String {
    format!("SW{:04}", 1001 + u64::from(j))
}

fn child_id(c: u32) -> String {
    format!("LC{:07}", 2_000_000 + u64::from(c))
}

fn carer_id(f: u32, second: bool) -> String {
    format!("CP{:07}", 3_000_000 + 2 * u64::from(f) + u64::from(second))
}

/// The DfE ethnicity code a council records for an 18+1 code.
fn dfe_ethnicity(code: &str) -> &'static str {
    match code {
        "W1" => "WBRI",
        "W2" => "WIRI",
        "W9" => "WOTH",
        "A1" => "AIND",
        "A2" => "APKN",
        "A3" => "ABAN",
        "A4" => "CHNE",
        "B1" => "BAFR",
        "B2" => "BCRB",
        "M1" => "MWBC",
        "O2" | "O9" => "OOTH",
        _ => "NOBT",
    }
}

fn gender(p: &Person) -> &'static str {
    if p.female { "Female" } else { "Male" }
}

fn practitioner(w: &World, r: &mut Rng) -> u32 {
    r.below(u64::from(w.n_prac)) as u32
}

pub fn write(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    practitioners(cx)?;
    children(cx)?;
    carers(cx)?;
    cases(cx)?;
    Ok(())
}

fn practitioners(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "practitioner_id",
        "forename",
        "surname",
        "role",
        "team",
        "email",
        "phone",
        "registration_no",
    ];
    let mut csv = cx.csv("csc_practitioners.csv", &header, &[])?;
    let w = cx.w;
    for j in 0..w.n_prac {
        let p = w.person(w.practitioner_index(j));
        let mut r = Rng::for_item(cx.seed(), TAG_PRAC, u64::from(j));
        let role = match j % 8 {
            0 => "TM",
            1 | 2 => "SP",
            3 => "FSW",
            4 => "EHW",
            _ => "SW",
        };
        let id = practitioner_id(j);
        let fields = vec![
            id.clone(),
            p.first.to_string(),
            p.surname.clone(),
            role.to_string(),
            TEAMS[(j / 6) as usize % TEAMS.len()].to_string(),
            format!(
                "{}.{}@northshire.gov.uk",
                ascii_lower(p.first),
                ascii_lower(&p.surname)
            ),
            format!("01632 96{:04}", r.below(10_000)),
            format!("SW{:06}", r.below(1_000_000)),
        ];
        if csv.row(&mut cx.truth, fields, Faults::default())? {
            cx.person("csc", "practitioner", &id, p.index)?;
        }
    }
    cx.done(csv.finish()?);
    Ok(())
}

fn children(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "child_id",
        "forename",
        "middle_names",
        "surname",
        "preferred_name",
        "dob",
        "gender",
        "ethnicity",
        "first_language",
        "upn",
        "nhs_number",
        "address",
        "postcode",
        "school",
        "legal_status",
    ];
    let bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Columns];
    let mut csv = cx.csv("csc_children.csv", &header, &bad)?;
    let w = cx.w;
    for c in 0..w.n_children {
        let p = w.person(w.child_index(c));
        let mut r = Rng::for_item(cx.seed(), TAG_CHILD, u64::from(c));
        let ad = places::address(cx.seed(), p.current_address());
        let nicks = names::nicknames(p.first);
        let preferred = if !nicks.is_empty() && r.chance(0.25) {
            nicks[0]
        } else {
            ""
        };
        let language = match p.community().key {
            "polish" => "Polish",
            "pakistani" => r.pick(&["English", "Urdu", "Punjabi"]),
            "bangladeshi" => r.pick(&["English", "Bengali (Sylheti)"]),
            "welsh" => r.pick(&["English", "Welsh"]),
            "middle_eastern" => r.pick(&["English", "Turkish", "Arabic", "Kurdish"]),
            _ => "English",
        };
        let school = if p.age() >= 4 {
            SCHOOLS[r.zipf(SCHOOLS.len())]
        } else {
            ""
        };
        let id = child_id(c);
        let fields = vec![
            id.clone(),
            p.first.to_string(),
            p.middle.unwrap_or("").to_string(),
            p.surname.clone(),
            preferred.to_string(),
            noise::dob(&mut r, p.dob, 0.0, 0.01)
                .map(Date::d_mon_y)
                .unwrap_or_default(),
            gender(&p).to_string(),
            dfe_ethnicity(p.ethnicity).to_string(),
            language.to_string(),
            if p.age() >= 4 {
                format!("N{:012}", mix(u64::from(c) ^ cx.seed()) % 1_000_000_000_000)
            } else {
                String::new()
            },
            format!(
                "{:010}",
                4_000_000_000 + (mix(u64::from(p.index) ^ 0x4e45) % 999_999_999)
            ),
            ad.one_line(),
            noise::postcode(&mut r, &ad.postcode, 0.05),
            school.to_string(),
            (r.pick(&["CIN", "CIN", "CIN", "CPP", "LAC20", "LAC31", "NONE", "NONE"])).to_string(),
        ];
        let faults = Faults {
            key: Some(0),
            date: Some(5),
            enumeration: Some(7),
            latin1: None,
            columns: true,
        };
        if csv.row(&mut cx.truth, fields, faults)? {
            cx.person("csc", "child", &id, p.index)?;
        }
    }
    cx.done(csv.finish()?);
    Ok(())
}

fn carers(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "carer_id", "forename", "surname", "dob", "gender", "address", "postcode", "phone", "email",
    ];
    let bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Columns];
    let mut csv = cx.csv("csc_carers.csv", &header, &bad)?;
    let link_header = [
        "child_id",
        "carer_id",
        "relationship",
        "parental_responsibility",
    ];
    let link_bad = [Bad::Key, Bad::Enum, Bad::Columns];
    let mut links = cx.csv("csc_family_links.csv", &link_header, &link_bad)?;
    let w = cx.w;
    for c in 0..w.n_children {
        let f = w.family_of_child(c);
        let Some(fam) = w.family(f) else { continue };
        let parents: &[bool] = if fam.co_parent {
            &[false, true]
        } else {
            &[false]
        };
        for &second in parents {
            let p = w.person(w.parent_index(f, second));
            let id = carer_id(f, second);
            if f == c {
                let mut r =
                    Rng::for_item(cx.seed(), TAG_CARER, u64::from(f) * 2 + u64::from(second));
                let ad = places::address(cx.seed(), p.current_address());
                let surname = match &p.birth_surname {
                    Some(b) if r.chance(0.15) => b.clone(),
                    _ => noise::surname(&mut r, &p.surname, 0.03),
                };
                let fields = vec![
                    id.clone(),
                    noise::first_name(&mut r, p.first, 0.1, 0.03),
                    surname,
                    noise::dob(&mut r, p.dob, 0.2, 0.03)
                        .map(Date::d_mon_y)
                        .unwrap_or_default(),
                    gender(&p).to_string(),
                    ad.one_line(),
                    noise::postcode(&mut r, &ad.postcode, 0.1),
                    if p.mobile.is_empty() {
                        String::new()
                    } else {
                        noise::phone(&mut r, &p.mobile)
                    },
                    if r.chance(0.4) {
                        p.email.clone()
                    } else {
                        String::new()
                    },
                ];
                let faults = Faults {
                    key: Some(0),
                    date: Some(3),
                    enumeration: Some(4),
                    latin1: None,
                    columns: true,
                };
                if csv.row(&mut cx.truth, fields, faults)? {
                    cx.person("csc", "carer", &id, p.index)?;
                }
            }
            let rel = if p.female { "MOT" } else { "FAT" };
            let pr = if !second || fam.cohabit || fam.married {
                "Y"
            } else {
                "N"
            };
            let fields = vec![child_id(c), id, rel.to_string(), pr.to_string()];
            let faults = Faults {
                key: Some(1),
                date: None,
                enumeration: Some(2),
                latin1: None,
                columns: true,
            };
            links.row(&mut cx.truth, fields, faults)?;
        }
    }
    cx.done(csv.finish()?);
    cx.done(links.finish()?);
    Ok(())
}

const NEEDS: &[(&str, &str, &str)] = &[
    (
        "ASD",
        "Autism diagnosis; finds changes to routine very difficult and needs a quiet space to regulate.",
        "Daily visual timetable, access to a calm room, and termly speech and language therapy.",
    ),
    (
        "SLCN",
        "Significant delay in expressive language; speech is hard for unfamiliar adults to understand.",
        "Weekly speech and language therapy and a communication book used at home and school.",
    ),
    (
        "SEMH",
        "Anxiety affecting attendance and friendships; has had support from CAMHS.",
        "Key adult in school, a reduced timetable to start, and a named mentor.",
    ),
    (
        "SPLD",
        "Dyslexia; reading age well below chronological age.",
        "Small-group literacy intervention four times a week and assistive technology.",
    ),
    (
        "MLD",
        "Global learning difficulties across the curriculum.",
        "Differentiated curriculum and teaching assistant support for core subjects.",
    ),
    (
        "PD",
        "Cerebral palsy affecting mobility; uses a walking frame.",
        "Physiotherapy programme, accessible classroom, and support with personal care.",
    ),
    (
        "HI",
        "Moderate hearing loss; wears hearing aids.",
        "Radio aid in class and visits from the teacher of the deaf.",
    ),
    (
        "VI",
        "Visual impairment; needs enlarged print.",
        "Modified materials and mobility training.",
    ),
];

fn cases(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let seed = cx.seed();
    let header = [
        "case_id",
        "child_id",
        "opened",
        "closed",
        "case_type",
        "referral_source",
        "category_of_need",
        "practitioner_id",
        "status",
        "closure_reason",
    ];
    let bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Columns];
    let mut case_csv = cx.csv("csc_cases.csv", &header, &bad)?;
    let a_header = [
        "assessment_id",
        "case_id",
        "child_id",
        "assessment_type",
        "started",
        "completed",
        "outcome",
        "practitioner_id",
    ];
    let mut assess = cx.csv("csc_assessments.csv", &a_header, &bad)?;
    let e_header = [
        "plan_id",
        "child_id",
        "issued",
        "review_date",
        "primary_need",
        "secondary_need",
        "needs",
        "provision",
        "school",
        "status",
    ];
    let mut ehc = cx.csv("csc_ehc_plans.csv", &e_header, &bad)?;
    let note_bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Json];
    let mut notes = Jsonl::create(cx.dir, "csc_case_notes.jsonl", seed, &note_bad)?;
    let mut notes_truth = NotesTruth::create(cx.dir)?;
    let note_faults = JsonFaults {
        key: Some("note_id"),
        date: Some("date"),
        enumeration: Some("type"),
    };
    let w = cx.w;
    let (mut case_seq, mut assess_seq, mut note_seq, mut plan_seq) = (0u64, 0u64, 0u64, 0u64);
    for c in 0..w.n_children {
        let p = w.person(w.child_index(c));
        let mut r = Rng::for_item(seed, TAG_CASE, u64::from(c));
        let f = w.family_of_child(c);
        let fam = w.family(f);
        let carer = w.person(w.parent_index(f, false));
        let other = fam
            .filter(|f| f.co_parent)
            .map(|_| w.person(w.parent_index(f, true)));
        let police_known = cx.nominals.of_person(carer.index).is_some()
            || other
                .as_ref()
                .is_some_and(|o| cx.nominals.of_person(o.index).is_some());
        let school = if p.age() >= 4 {
            SCHOOLS[r.zipf(SCHOOLS.len())]
        } else {
            "the nursery"
        };

        if p.age() >= 3 && r.chance(0.15) {
            plan_seq += 1;
            let (code, needs, provision) = r.pick(NEEDS);
            let (second, _, _) = r.pick(NEEDS);
            let issued = today()
                .add_days(-(r.range(30, 1500) as i32))
                .max(p.dob.add_days(3 * 365));
            let fields = vec![
                format!("EHC{plan_seq:06}"),
                child_id(c),
                issued.d_mon_y(),
                issued.add_days(365).d_mon_y(),
                code.to_string(),
                if second == code {
                    String::new()
                } else {
                    second.to_string()
                },
                needs.to_string(),
                provision.to_string(),
                school.to_string(),
                (r.pick(&["ISSUED", "ISSUED", "ISSUED", "REVIEW", "DRAFT", "CEASED"])).to_string(),
            ];
            let faults = Faults {
                key: Some(0),
                date: Some(2),
                enumeration: Some(4),
                latin1: None,
                columns: true,
            };
            ehc.row(&mut cx.truth, fields, faults)?;
        }

        let n_cases = if r.chance(0.15) { 2 } else { 1 };
        let mut opened = today().add_days(-(r.range(20, 2000) as i32)).max(p.dob);
        for n in 0..n_cases {
            case_seq += 1;
            let last = n + 1 == n_cases;
            let closed = (!last || r.chance(0.3))
                .then(|| opened.add_days(r.range(60, 400) as i32).min(today()));
            let case_id = format!("CASE-{case_seq:07}");
            let source = if police_known && r.chance(0.5) {
                "POL"
            } else {
                r.pick(&[
                    "SCH", "SCH", "HEA", "HEA", "FAM", "SELF", "NEI", "LA", "ANON", "OTH",
                ])
            };
            let prac = practitioner(w, &mut r);
            let fields = vec![
                case_id.clone(),
                child_id(c),
                opened.d_mon_y(),
                closed.map(Date::d_mon_y).unwrap_or_default(),
                (r.pick(&["EH", "CIN", "CIN", "CP", "LAC"])).to_string(),
                source.to_string(),
                (r.pick(&[
                    "N1", "N1", "N2", "N3", "N4", "N4", "N5", "N6", "N7", "N8", "N0",
                ]))
                .to_string(),
                practitioner_id(prac),
                if closed.is_some() { "CLOSED" } else { "OPEN" }.to_string(),
                if closed.is_some() {
                    (r.pick(&[
                        "Needs met",
                        "Stepped down to early help",
                        "Family moved out of area",
                        "Case transferred",
                    ]))
                    .to_string()
                } else {
                    String::new()
                },
            ];
            let faults = Faults {
                key: Some(0),
                date: Some(2),
                enumeration: Some(4),
                latin1: None,
                columns: true,
            };
            case_csv.row(&mut cx.truth, fields, faults)?;

            let end = closed.unwrap_or_else(today);
            for _ in 0..=r.count(0.4, 2) {
                assess_seq += 1;
                let started = opened.add_days(r.range(0, 20) as i32).min(end);
                let done =
                    (r.chance(0.8)).then(|| started.add_days(r.range(5, 45) as i32).min(today()));
                let fields = vec![
                    format!("ASM{assess_seq:07}"),
                    case_id.clone(),
                    child_id(c),
                    (r.pick(&["SA", "SA", "SA", "S47", "CFA", "SDQ", "RHI"])).to_string(),
                    started.d_mon_y(),
                    done.map(Date::d_mon_y).unwrap_or_default(),
                    if done.is_some() {
                        r.pick(&["NFA", "EH", "CIN", "CIN", "ICPC", "LPM"])
                    } else {
                        "IP"
                    }
                    .to_string(),
                    practitioner_id(prac),
                ];
                let faults = Faults {
                    key: Some(0),
                    date: Some(4),
                    enumeration: Some(3),
                    latin1: None,
                    columns: true,
                };
                assess.row(&mut cx.truth, fields, faults)?;
            }

            let worker = w.person(w.practitioner_index(prac));
            let carer_named = !r.chance(0.6);
            let carer_name = if carer_named {
                carer.first.to_string()
            } else if carer.female {
                "Mum".to_string()
            } else {
                "Dad".to_string()
            };
            let other_named = r.chance(0.5);
            let other_name = other.as_ref().map(|o| {
                if other_named {
                    o.first.to_string()
                } else if o.female {
                    "Mum".to_string()
                } else {
                    "Dad".to_string()
                }
            });
            let child_entity = entity_id("csc", "child", &[&child_id(c)]);
            let carer_entity = entity_id("csc", "carer", &[&carer_id(f, false)]);
            let other_entity = entity_id("csc", "carer", &[&carer_id(f, true)]);
            let worker_entity = entity_id("csc", "practitioner", &[&practitioner_id(prac)]);
            let case_entity = entity_id("csc", "case", &[&case_id]);
            let home = places::address(seed, p.current_address());
            let ids = Ids::draw(
                seed ^ u64::from(c),
                &carer.mobile,
                &carer.email,
                home.line1(),
                &home.postcode,
            );
            let nicks = names::nicknames(p.first);
            let health = if r.chance(0.3) {
                GP_SURGERIES[r.below_usize(GP_SURGERIES.len())]
            } else if r.chance(0.1) {
                HOSPITAL
            } else {
                HEALTH_SETTINGS[r.below_usize(HEALTH_SETTINGS.len())]
            };
            let span = (end.0 - opened.0).max(1);
            for _ in 0..r.range(2, 12) {
                note_seq += 1;
                let bad = notes.roll(note_faults);
                let t = NoteType::pick(&mut r);
                let date = opened.add_days(r.range(0, i64::from(span)) as i32);
                let id = format!("NOTE{note_seq:08}");
                let ctx = NoteCtx {
                    child: p.first,
                    child_nick: nicks.first().copied(),
                    child_surname: &p.surname,
                    child_female: p.female,
                    child_entity: &child_entity,
                    carer: &carer_name,
                    carer_entity: carer_named.then_some(carer_entity.as_str()),
                    other_carer: other_name.as_deref(),
                    other_entity: (other_named && other.is_some()).then_some(other_entity.as_str()),
                    school,
                    health,
                    worker: worker.first,
                    worker_surname: &worker.surname,
                    worker_entity: &worker_entity,
                    age: p.age(),
                    date,
                    ids: &ids,
                };
                let mut text_rng = Rng::for_item(seed, TAG_NOTE, note_seq);
                let written = note(&mut text_rng, t, &ctx);
                let obj = Json::new()
                    .str("note_id", if bad == Some(Bad::Key) { "" } else { &id })
                    .str("case_id", &case_id)
                    .str("child_id", &child_id(c))
                    .str("author", &practitioner_id(prac))
                    .str(
                        "date",
                        &if bad == Some(Bad::Date) {
                            notes.bad_date().to_string()
                        } else {
                            date.d_mon_y()
                        },
                    )
                    .str(
                        "type",
                        if bad == Some(Bad::Enum) {
                            notes.bad_code()
                        } else {
                            t.code()
                        },
                    )
                    .str("text", &written.text);
                if notes.write(&mut cx.truth, obj, bad, note_faults)? {
                    let note_entity = entity_id("csc", "note", &[&id]);
                    notes_truth.write(&note_entity, &child_entity, &case_entity, date, &written)?;
                }
            }
            opened = end.add_days(r.range(30, 300) as i32).min(today());
        }
    }
    cx.done(case_csv.finish()?);
    cx.done(assess.finish()?);
    cx.done(ehc.finish()?);
    cx.done(notes.finish()?);
    notes_truth.finish()?;
    Ok(())
}
