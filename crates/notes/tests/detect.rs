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
