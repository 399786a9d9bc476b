//! Special-category spans in free text and their redaction (issue 19,
//! item 2).
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_notes::{Note, SpecialCategory, redact, special_spans};

fn categories(text: &str) -> Vec<SpecialCategory> {
    let mut c: Vec<_> = special_spans(&Note::new("n", text))
        .into_iter()
        .map(|s| s.category)
        .collect();
    c.sort();
    c.dedup();
    c
}

#[test]
fn each_category_is_found_in_the_words_notes_use() {
    use SpecialCategory::*;
    let cases = [
        ("Kelly said she has been diagnosed with depression.", Health),
        ("Amelia is on medication for ADHD.", Health),
        ("Mum is pregnant and due in May.", Health),
        ("Jack was referred to CAMHS after self-harming.", Health),
        ("The family are Irish Travellers.", Ethnicity),
        ("Dad describes himself as Black Caribbean.", Ethnicity),
        ("The family attend the mosque on Fridays.", Religion),
        ("Mum said they are Jehovah's Witnesses.", Religion),
        ("Olivia told me she is sexually active.", SexLife),
        (
            "Concerns about child sexual exploitation were shared.",
            SexLife,
        ),
        (
            "Leo told me he is gay and has not told his dad.",
            SexualOrientation,
        ),
        (
            "Dad has strong far-right political views.",
            PoliticalOpinion,
        ),
        ("Mum is a trade union representative at work.", TradeUnion),
        (
            "A paternity test and genetic screening were discussed.",
            Genetic,
        ),
        ("Police took fingerprints at the station.", Biometric),
        ("Dad was arrested for assault last year.", Offence),
        ("He was released from prison in June.", Offence),
    ];
    for (text, want) in cases {
        assert!(
            categories(text).contains(&want),
            "{text}: {:?}",
            categories(text)
        );
    }
    for plain in [
        "The home was warm and tidy and there was food in the kitchen.",
        "Mum was in charge of the school run this week.",
        "Next visit booked for two weeks' time.",
        // A school's faith is not the pupil's religion.
        "I will contact St Mary's Catholic Primary School about attendance.",
        "Core group meeting held at Brackenford Church of England Primary.",
    ] {
        assert!(
            categories(plain).is_empty(),
            "{plain}: {:?}",
            categories(plain)
        );
    }
}

#[test]
fn a_category_not_allowed_is_replaced_whole() {
    let text = "Visited at home. Mum said she is taking medication for anxiety. Dad was arrested in May. Amelia was happy.";
    let spans = special_spans(&Note::new("n", text));
    let only_offence = |c: SpecialCategory| c == SpecialCategory::Offence;
    let shown = redact(text, &spans, &only_offence);
    assert_eq!(
        shown,
        "Visited at home. [health withheld] Dad was arrested in May. Amelia was happy."
    );
    let nothing = |_: SpecialCategory| false;
    let shown = redact(text, &spans, &nothing);
    assert!(
        !shown.contains("medication") && !shown.contains("arrested"),
        "{shown}"
    );
    assert!(shown.contains("[offence withheld]"));
}

#[test]
fn overlapping_spans_become_one_placeholder() {
    // Two categories in one sentence: one placeholder naming both, and no
    // word of it left between them.
    let text = "Dad was arrested after drinking alcohol. Fine.";
    let spans = special_spans(&Note::new("n", text));
    let shown = redact(text, &spans, &|_| false);
    assert_eq!(shown, "[health, offence withheld] Fine.");
}

#[test]
fn offsets_are_chars_not_bytes() {
    let text = "Zoë’s mum is pregnant. Zoë is fine.";
    let spans = special_spans(&Note::new("n", text));
    let shown = redact(text, &spans, &|_| false);
    assert_eq!(shown, "[health withheld] Zoë is fine.");
}

#[test]
fn redacted_text_holds_nothing_special() {
    // A placeholder names a category; it is not data of it, so redacted
    // text scanned again is clean, and words outside it still count.
    assert!(
        categories("[religious withheld] [offence, political withheld] Amelia was happy.")
            .is_empty()
    );
    assert_eq!(
        categories("[health withheld] Dad was arrested."),
        [SpecialCategory::Offence]
    );
}
