//! Who did what to whom (issue 19, the citation gate): a summary sentence
//! that swaps the two people either side of a verb is unsupported, while
//! the same order, lists of names in any order and role synonyms pass.
//! Generated cases over names, role words and verbs, then hand-written ones
//! in the style of the demo's notes.
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_notes::{Verdict, citation_gate};

const PEOPLE: &[&str] = &["Mum", "Dad", "Jack", "Amelia", "Nan", "Kelly"];
/// (as the note says it, as a summary says it): the same verb.
const VERBS: &[(&str, &str)] = &[
    ("told", "told"),
    ("hit", "hit"),
    ("phoned", "rang"),
    ("shouted at", "shouted at"),
    ("pushed", "pushed"),
    ("blamed", "blamed"),
];

fn swapped(v: &Verdict) -> bool {
    matches!(v, Verdict::Unsupported { reasons } if reasons.iter().any(|r| r.starts_with("roles_swapped")))
}

#[test]
fn generated_swaps_are_caught_and_the_same_order_passes() {
    let (mut cases, mut caught, mut passed) = (0, 0, 0);
    for a in PEOPLE {
        for b in PEOPLE.iter().filter(|b| *b != a) {
            for (said, summary) in VERBS {
                let note = format!("{a} {said} {b} in the kitchen.");
                cases += 1;
                let same = citation_gate(&format!("{a} {summary} {b} in the kitchen."), &[&note]);
                let other = citation_gate(&format!("{b} {summary} {a} in the kitchen."), &[&note]);
                let list = citation_gate(&format!("{b} and {a} were in the kitchen."), &[&note]);
                passed += usize::from(same.is_supported());
                caught += usize::from(swapped(&other));
                assert!(!swapped(&list), "{b} and {a}: {list:?}");
            }
        }
    }
    assert_eq!((caught, passed), (cases, cases), "of {cases}");
}

#[test]
fn hand_written_roles() {
    let note = "Mum said that Jack had hit Amelia at the weekend. Kelly rang the school.";
    for bad in [
        "Amelia had hit Jack at the weekend.",
        "Mum said Amelia hit Jack.",
    ] {
        assert!(swapped(&citation_gate(bad, &[note])), "{bad}");
    }
    for good in [
        "Mum said Jack had hit Amelia at the weekend.",
        "Jack hit Amelia at the weekend, Mum said.",
        "Kelly rang the school.",
    ] {
        let v = citation_gate(good, &[note]);
        assert!(!swapped(&v), "{good}: {v:?}");
    }
}
