//! Personal names as UK exports write them, each read into its parts.
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_text::name::{NameOrder, NameParts, parse_name};

/// (written, order, title, given, family, suffix, nickname)
type Row = (
    &'static str,
    NameOrder,
    Option<&'static str>,
    &'static [&'static str],
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

const AUTO: NameOrder = NameOrder::Auto;

// issue 16, item 1: names parsed into given and family parts as written.
const FORMS: &[Row] = &[
    (
        "SMITH, John Paul",
        AUTO,
        None,
        &["John", "Paul"],
        "SMITH",
        None,
        None,
    ),
    ("Smith, J.", AUTO, None, &["J"], "Smith", None, None),
    ("Smith,John", AUTO, None, &["John"], "Smith", None, None),
    ("J. Smith", AUTO, None, &["J"], "Smith", None, None),
    ("SMITH J", AUTO, None, &["J"], "SMITH", None, None),
    ("SMITH J R", AUTO, None, &["J", "R"], "SMITH", None, None),
    ("Smith J.R.", AUTO, None, &["J", "R"], "Smith", None, None),
    ("J R SMITH", AUTO, None, &["J", "R"], "SMITH", None, None),
    ("j r smith", AUTO, None, &["J", "R"], "smith", None, None),
    ("JOHN SMITH", AUTO, None, &["JOHN"], "SMITH", None, None),
    ("SMITH John", AUTO, None, &["John"], "SMITH", None, None),
    (
        "Mr John SMITH",
        AUTO,
        Some("Mr"),
        &["John"],
        "SMITH",
        None,
        None,
    ),
    (
        "Dr. A. B. Jones-Smith",
        AUTO,
        Some("Dr"),
        &["A", "B"],
        "Jones-Smith",
        None,
        None,
    ),
    (
        "Smith John",
        NameOrder::FamilyFirst,
        None,
        &["John"],
        "Smith",
        None,
        None,
    ),
    ("Smith John", AUTO, None, &["Smith"], "John", None, None),
    // A family name of one initial is no reading at all: kept whole.
    (
        "SMITH J",
        NameOrder::GivenFirst,
        None,
        &[],
        "SMITH J",
        None,
        None,
    ),
    ("O'NEILL", AUTO, None, &[], "O'NEILL", None, None),
    (
        "Siobhan O'NEILL",
        AUTO,
        None,
        &["Siobhan"],
        "O'NEILL",
        None,
        None,
    ),
    ("McDonald", AUTO, None, &[], "McDonald", None, None),
    (
        "Ronald McDONALD",
        AUTO,
        None,
        &["Ronald"],
        "McDONALD",
        None,
        None,
    ),
    (
        "McDONALD Ronald",
        AUTO,
        None,
        &["Ronald"],
        "McDONALD",
        None,
        None,
    ),
    (
        "MacLEOD Morag",
        AUTO,
        None,
        &["Morag"],
        "MacLEOD",
        None,
        None,
    ),
    ("Mac Smith", AUTO, None, &["Mac"], "Smith", None, None),
    (
        "Jan van der Berg",
        AUTO,
        None,
        &["Jan"],
        "van der Berg",
        None,
        None,
    ),
    (
        "van der Berg, Jan",
        AUTO,
        None,
        &["Jan"],
        "van der Berg",
        None,
        None,
    ),
    (
        "VAN DER BERG Jan",
        AUTO,
        None,
        &["Jan"],
        "VAN DER BERG",
        None,
        None,
    ),
    (
        "van der Berg Jan",
        NameOrder::FamilyFirst,
        None,
        &["Jan"],
        "van der Berg",
        None,
        None,
    ),
    (
        "Mary St. John",
        AUTO,
        None,
        &["Mary"],
        "St. John",
        None,
        None,
    ),
    ("St. John", AUTO, None, &[], "St. John", None, None),
    (
        "Maria de la Cruz",
        AUTO,
        None,
        &["Maria"],
        "de la Cruz",
        None,
        None,
    ),
    (
        "John Smith Jr",
        AUTO,
        None,
        &["John"],
        "Smith",
        Some("Jr"),
        None,
    ),
    (
        "John Smith, Jr.",
        AUTO,
        None,
        &["John"],
        "Smith",
        Some("Jr"),
        None,
    ),
    (
        "Henry Ford III",
        AUTO,
        None,
        &["Henry"],
        "Ford",
        Some("III"),
        None,
    ),
    (
        "Smith, John, QC",
        AUTO,
        None,
        &["John"],
        "Smith",
        Some("QC"),
        None,
    ),
    (
        "Jane Doe KC",
        AUTO,
        None,
        &["Jane"],
        "Doe",
        Some("KC"),
        None,
    ),
    (
        "Sir Mark Rowley QPM",
        AUTO,
        Some("Sir"),
        &["Mark"],
        "Rowley",
        Some("QPM"),
        None,
    ),
    (
        "Dame Jane Smith DBE",
        AUTO,
        Some("Dame"),
        &["Jane"],
        "Smith",
        Some("DBE"),
        None,
    ),
    (
        "Mrs A Patel MBE",
        AUTO,
        Some("Mrs"),
        &["A"],
        "Patel",
        Some("MBE"),
        None,
    ),
    (
        "Jones, Mrs Sarah",
        AUTO,
        Some("Mrs"),
        &["Sarah"],
        "Jones",
        None,
        None,
    ),
    ("Ms Kim Lee", AUTO, Some("Ms"), &["Kim"], "Lee", None, None),
    ("Miss K. Lee", AUTO, Some("Miss"), &["K"], "Lee", None, None),
    (
        "Mx Sam Jones",
        AUTO,
        Some("Mx"),
        &["Sam"],
        "Jones",
        None,
        None,
    ),
    (
        "Prof. Alan Turing",
        AUTO,
        Some("Prof"),
        &["Alan"],
        "Turing",
        None,
        None,
    ),
    (
        "Rev. Richard Coles",
        AUTO,
        Some("Rev"),
        &["Richard"],
        "Coles",
        None,
        None,
    ),
    (
        "Lord Alan Sugar",
        AUTO,
        Some("Lord"),
        &["Alan"],
        "Sugar",
        None,
        None,
    ),
    (
        "Lady Diana Spencer",
        AUTO,
        Some("Lady"),
        &["Diana"],
        "Spencer",
        None,
        None,
    ),
    ("PC J SMITH", AUTO, Some("PC"), &["J"], "SMITH", None, None),
    (
        "DC Amy Hart",
        AUTO,
        Some("DC"),
        &["Amy"],
        "Hart",
        None,
        None,
    ),
    (
        "DS Ravi Shah",
        AUTO,
        Some("DS"),
        &["Ravi"],
        "Shah",
        None,
        None,
    ),
    (
        "DI Jane Tennison",
        AUTO,
        Some("DI"),
        &["Jane"],
        "Tennison",
        None,
        None,
    ),
    ("Di Jones", AUTO, None, &["Di"], "Jones", None, None),
    (
        "Det Sgt Mike Hill",
        AUTO,
        Some("Det Sgt"),
        &["Mike"],
        "Hill",
        None,
        None,
    ),
    (
        "Insp. Tom Barnaby",
        AUTO,
        Some("Insp"),
        &["Tom"],
        "Barnaby",
        None,
        None,
    ),
    (
        "Supt Ann Cole",
        AUTO,
        Some("Supt"),
        &["Ann"],
        "Cole",
        None,
        None,
    ),
    (
        "Cllr Pat Ward",
        AUTO,
        Some("Cllr"),
        &["Pat"],
        "Ward",
        None,
        None,
    ),
    (
        "John \"Jack\" Smith",
        AUTO,
        None,
        &["John"],
        "Smith",
        None,
        Some("Jack"),
    ),
    (
        "John (Jack) Smith",
        AUTO,
        None,
        &["John"],
        "Smith",
        None,
        Some("Jack"),
    ),
    (
        "John 'Jack' Smith",
        AUTO,
        None,
        &["John"],
        "Smith",
        None,
        Some("Jack"),
    ),
    (
        "SMITH, John \u{201C}Jack\u{201D}",
        AUTO,
        None,
        &["John"],
        "SMITH",
        None,
        Some("Jack"),
    ),
    (
        "  Mary   Ann\tO'Neill ",
        AUTO,
        None,
        &["Mary", "Ann"],
        "O'Neill",
        None,
        None,
    ),
    ("Zoë Ball", AUTO, None, &["Zoë"], "Ball", None, None),
    (
        "Siân Lloyd-Jones",
        AUTO,
        None,
        &["Siân"],
        "Lloyd-Jones",
        None,
        None,
    ),
];

fn check(row: &Row) {
    let (written, order, title, given, family, suffix, nickname) = *row;
    let p = parse_name(written, order);
    assert_eq!(p.title.as_deref(), title, "title of {written:?}");
    assert_eq!(p.given, given, "given names of {written:?}");
    assert_eq!(p.family, family, "family name of {written:?}");
    assert_eq!(p.suffix.as_deref(), suffix, "suffix of {written:?}");
    assert_eq!(p.nickname.as_deref(), nickname, "nickname of {written:?}");
}

#[test]
fn uk_forms_read_into_their_parts() {
    for row in FORMS {
        check(row);
    }
}

// issue 16, item 1 (I3): the first initial is the first name, the rest middle names.
#[test]
fn initials_split_into_first_and_middle() {
    let p = parse_name("J R T SMITH", AUTO);
    assert_eq!(p.first_name(), Some("J"));
    assert_eq!(p.middle_names().as_deref(), Some("R T"));
    let p = parse_name("Smith", AUTO);
    assert_eq!((p.first_name(), p.middle_names()), (None, None));
}

#[test]
fn a_former_name_in_brackets_is_kept_apart() {
    let p = parse_name("Mary Smith (née Jones)", AUTO);
    assert_eq!(p.given, ["Mary"]);
    assert_eq!(p.family, "Smith");
    assert_eq!(p.previous.as_deref(), Some("Jones"));
    assert_eq!(p.nickname, None);
}

#[test]
fn what_is_not_a_personal_name_comes_back_whole() {
    for written in [
        "PC 1234 SMITH",
        "Smith & Sons",
        "J. R.",
        "Smith, John, Paul",
        "John (Jack Smith",
        "(Unknown)",
        "",
    ] {
        let p = parse_name(written, AUTO);
        let whole = NameParts {
            family: clearstone_text::name::clean_name(written),
            ..NameParts::default()
        };
        assert_eq!(p, whole, "{written:?}");
    }
}

#[test]
fn parsing_is_stable_under_reparsing_its_output() {
    // Re-ingest writes the same statements only if the same text always
    // gives the same parts; a part parsed again gives itself back.
    for (written, order, ..) in FORMS {
        let p = parse_name(written, *order);
        assert_eq!(parse_name(written, *order), p);
        if !p.given.is_empty() {
            let again = parse_name(&p.family, NameOrder::Auto);
            assert_eq!(again.family, p.family, "{written:?}");
        }
    }
}
