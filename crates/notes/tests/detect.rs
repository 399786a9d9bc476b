//! The rule detector on hand-written notes: each kind of mention found,
//! normalised and linked (issue 19, item 2).
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_notes::{
    EntityDetector, Known, KnownPerson, Mention, MentionKind, Note, RuleDetector,
};

fn known() -> Known {
    Known {
        people: vec![
            KnownPerson {
                entity_id: "p-child".into(),
                names: vec!["William Thomas Hughes".into()],
                role: Some("child".into()),
            },
            KnownPerson {
                entity_id: "p-mother".into(),
                names: vec!["Kelly Hughes".into()],
                role: Some("mother".into()),
            },
            KnownPerson {
                entity_id: "p-sw".into(),
                names: vec!["Sarah Okafor".into()],
                role: Some("social worker".into()),
            },
        ],
        places: vec![("pl-home".into(), "14 Mill Street, Ashby".into())],
    }
}

fn detect(text: &str) -> Vec<Mention> {
    let note = Note::new("n1", text).dated("2025-03-19");
    RuleDetector::new().detect(&note, &known())
}

fn has(ms: &[Mention], kind: MentionKind, text: &str) -> Option<Mention> {
    ms.iter()
        .find(|m| m.kind == kind && m.text == text)
        .cloned()
}

#[test]
fn known_people_by_name_nickname_title_and_role() {
    let ms = detect(
        "Billy was seen with Ms Hughes. Mum said Will Hughes is fine; Sarah will call. Dr Ahmed agreed.",
    );
    let billy = has(&ms, MentionKind::Person, "Billy").unwrap();
    assert_eq!(billy.entity_id.as_deref(), Some("p-child"));
    assert_eq!(
        has(&ms, MentionKind::Person, "Ms Hughes")
            .unwrap()
            .entity_id
            .as_deref(),
        Some("p-mother")
    );
    assert_eq!(
        has(&ms, MentionKind::Person, "Mum")
            .unwrap()
            .entity_id
            .as_deref(),
        Some("p-mother")
    );
    assert_eq!(
        has(&ms, MentionKind::Person, "Will Hughes")
            .unwrap()
            .entity_id
            .as_deref(),
        Some("p-child")
    );
    assert_eq!(
        has(&ms, MentionKind::Person, "Sarah")
            .unwrap()
            .entity_id
            .as_deref(),
        Some("p-sw")
    );
    // Not known: offered for linking.
    assert_eq!(
        has(&ms, MentionKind::Person, "Dr Ahmed").unwrap().entity_id,
        None
    );
    // Char offsets: the span slices back to the text.
    let note_text = "Billy was seen with Ms Hughes. Mum said Will Hughes is fine; Sarah will call. Dr Ahmed agreed.";
    for m in &ms {
        assert_eq!(m.span.slice(note_text), Some(m.text.as_str()));
    }
}

#[test]
fn dates_absolute_and_relative_to_the_note() {
    let ms = detect("Visited yesterday and on 12/03/2025; review on 2nd April and next week.");
    let iso = |t: &str| has(&ms, MentionKind::Date, t).unwrap().normalised;
    assert_eq!(iso("yesterday"), "2025-03-18");
    assert_eq!(iso("12/03/2025"), "2025-03-12");
    assert_eq!(iso("2nd April"), "2025-04-02");
    assert_eq!(iso("next week"), "2025-03-26");
}

#[test]
fn schools_surgeries_addresses_and_places() {
    let ms = detect(
        "Met staff at St Mary's Primary School and Oakfield Academy. Registered at Marsh Lane Surgery and Dr Patel's surgery; seen at Ashby Medical Centre. Family moved to 22 Acacia Road, Northtown NE1 4XY last month. Home at 14 Mill Street, Ashby. Went to Westfield Park and in Southbridge.",
    );
    assert!(
        has(&ms, MentionKind::School, "St Mary's Primary School").is_some(),
        "{ms:#?}"
    );
    assert!(has(&ms, MentionKind::School, "Oakfield Academy").is_some());
    assert!(has(&ms, MentionKind::GpSurgery, "Marsh Lane Surgery").is_some());
    assert!(has(&ms, MentionKind::GpSurgery, "Dr Patel's surgery").is_some());
    assert!(has(&ms, MentionKind::GpSurgery, "Ashby Medical Centre").is_some());
    let addr = has(&ms, MentionKind::Address, "22 Acacia Road, Northtown").unwrap();
    assert_eq!(addr.normalised, "22 Acacia Road, Northtown");
    assert_eq!(
        has(&ms, MentionKind::Postcode, "NE1 4XY")
            .unwrap()
            .normalised,
        "NE1 4XY"
    );
    let home = has(&ms, MentionKind::Address, "14 Mill Street, Ashby").unwrap();
    assert_eq!(home.entity_id.as_deref(), Some("pl-home"));
    assert!(has(&ms, MentionKind::Place, "Westfield Park").is_some());
    assert!(has(&ms, MentionKind::Place, "Southbridge").is_some());
}

#[test]
fn identifiers_are_found_only_when_valid() {
    let ms = detect(
        "NHS no 943 476 5919, not 943 476 5918. NI number AB 12 34 56 C; QQ123456C is not one. Call 07700 900123 or (01632) 960001, email kelly.hughes@example.org. Car AB12 CDE seen, and old plate A123 BCD.",
    );
    assert_eq!(
        has(&ms, MentionKind::NhsNumber, "943 476 5919")
            .unwrap()
            .normalised,
        "943 476 5919"
    );
    assert!(!ms.iter().any(|m| m.text == "943 476 5918"), "{ms:#?}");
    assert_eq!(
        has(&ms, MentionKind::NiNumber, "AB 12 34 56 C")
            .unwrap()
            .normalised,
        "AB 12 34 56 C"
    );
    assert!(
        !ms.iter()
            .any(|m| m.kind == MentionKind::NiNumber && m.text.starts_with("QQ"))
    );
    assert_eq!(
        has(&ms, MentionKind::Phone, "07700 900123")
            .unwrap()
            .normalised,
        "+447700900123"
    );
    assert_eq!(
        has(&ms, MentionKind::Phone, "(01632) 960001")
            .unwrap()
            .normalised,
        "+441632960001"
    );
    assert_eq!(
        has(&ms, MentionKind::Email, "kelly.hughes@example.org")
            .unwrap()
            .normalised,
        "kelly.hughes@example.org"
    );
    assert_eq!(
        has(&ms, MentionKind::VehicleReg, "AB12 CDE")
            .unwrap()
            .normalised,
        "AB12 CDE"
    );
    assert_eq!(
        has(&ms, MentionKind::VehicleReg, "A123 BCD")
            .unwrap()
            .normalised,
        "A123 BCD"
    );
}

#[test]
fn identifiers_that_look_alike_are_told_apart() {
    // A 3-3-4 number with a valid check digit is an NHS number even when
    // it starts with 0 (Scottish CHI numbers do), never a call abroad
    // through "00"; a phone number stays a phone.
    let ms = detect(
        "NHS number 053 747 6490, or 005 250 1957, not 005 250 1958; call 0161 496 0000 or 0044 7700 900123.",
    );
    assert_eq!(
        has(&ms, MentionKind::NhsNumber, "053 747 6490")
            .unwrap()
            .normalised,
        "053 747 6490"
    );
    assert!(
        has(&ms, MentionKind::NhsNumber, "005 250 1957").is_some(),
        "{ms:#?}"
    );
    assert!(
        !ms.iter().any(|m| m.text.contains("005 250 1958")),
        "{ms:#?}"
    );
    assert_eq!(
        has(&ms, MentionKind::Phone, "0161 496 0000")
            .unwrap()
            .normalised,
        "+441614960000"
    );
    assert_eq!(
        has(&ms, MentionKind::Phone, "0044 7700 900123")
            .unwrap()
            .normalised,
        "+447700900123"
    );
}

#[test]
fn addresses_end_before_the_postcode_and_units_are_schools() {
    let ms = detect(
        "Post should now go to 7 Pen y Bryn Lane, NX23 9UZ. Met staff at Northshire Pupil Referral Unit, then referred to CAMHS.",
    );
    assert!(
        has(&ms, MentionKind::Address, "7 Pen y Bryn Lane").is_some(),
        "{ms:#?}"
    );
    assert_eq!(
        has(&ms, MentionKind::Postcode, "NX23 9UZ")
            .unwrap()
            .normalised,
        "NX23 9UZ"
    );
    assert!(has(&ms, MentionKind::School, "Northshire Pupil Referral Unit").is_some());
    assert!(!ms.iter().any(|m| m.text == "CAMHS"));
}

#[test]
fn people_the_case_does_not_know_are_offered_by_relation_and_family_title() {
    let ms = detect(
        "Billy's friend Kai came round. Mum's partner, Dean Walsh, was present and Aunt Lisa called. Nan said her brother I spoke to was kind.",
    );
    for name in ["Kai", "Dean Walsh", "Aunt Lisa"] {
        let m = has(&ms, MentionKind::Person, name).unwrap_or_else(|| panic!("{name}: {ms:#?}"));
        assert_eq!(m.entity_id, None);
    }
    // A known person after a relation word is still linked.
    let ms = detect("Her brother Billy was at home.");
    assert_eq!(
        has(&ms, MentionKind::Person, "Billy")
            .unwrap()
            .entity_id
            .as_deref(),
        Some("p-child")
    );
    // "Nan" with no name after it is the role, and "I" is no name.
    assert!(!ms.iter().any(|m| m.text == "I"));
}

#[test]
fn dates_and_postcodes_as_councils_and_practitioners_type_them() {
    let ms = detect("Seen 07-Mar-2025 and on Wed 12/03, scored 3/4. Now at ne1 4xy.");
    let iso = |t: &str| {
        has(&ms, MentionKind::Date, t)
            .unwrap_or_else(|| panic!("{t}: {ms:#?}"))
            .normalised
    };
    assert_eq!(iso("07-Mar-2025"), "2025-03-07");
    assert_eq!(iso("12/03"), "2025-03-12");
    assert!(!ms.iter().any(|m| m.text == "3/4"));
    assert_eq!(
        has(&ms, MentionKind::Postcode, "ne1 4xy")
            .unwrap()
            .normalised,
        "NE1 4XY"
    );
}

// issue 19, item 2: a period is a date only when it resolves, a habit is no
// date, and a service or a kind of building is no place.
#[test]
fn periods_habits_services_and_kinds_of_building() {
    let ms = detect(
        "The family attend the Kingdom Hall weekly and go to the mosque every Friday. Visits to avoid Sunday mornings. Referred to Early Help and a call from Children's Services; Mum met staff at the Job Centre. Next visit this week, course starts next month. Seen in Southbridge on Tuesday.",
    );
    let texts: Vec<(MentionKind, &str)> = ms.iter().map(|m| (m.kind, m.text.as_str())).collect();
    for not in [
        "Kingdom Hall",
        "Friday",
        "Sunday",
        "Early Help",
        "Children's Services",
        "Job Centre",
    ] {
        assert!(!ms.iter().any(|m| m.text.contains(not)), "{not}: {texts:?}");
    }
    for (kind, text, normalised) in [
        (MentionKind::Date, "this week", "2025-03-19"),
        (MentionKind::Date, "next month", "2025-04"),
        (MentionKind::Date, "Tuesday", "2025-03-18"),
        (MentionKind::Place, "Southbridge", "southbridge"),
    ] {
        let m = has(&ms, kind, text).unwrap_or_else(|| panic!("{text}: {texts:?}"));
        assert_eq!(m.normalised, normalised);
    }

    // Without the note's date, "this week" and "last Tuesday" name no time;
    // a day and month still name a day of some year.
    let undated = Note::new("n2", "Seen this week and last Tuesday, and on 2nd April.");
    let ms = RuleDetector::new().detect(&undated, &known());
    let dates: Vec<(&str, &str)> = ms
        .iter()
        .filter(|m| m.kind == MentionKind::Date)
        .map(|m| (m.text.as_str(), m.normalised.as_str()))
        .collect();
    assert_eq!(dates, [("2nd April", "--04-02")]);
}
