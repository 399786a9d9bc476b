//! A judgement made under a purpose that sees only some of the resolved
//! records: the outcome its user reads back in their own record of access
//! must not count the records they may not see (re-clustering spans every
//! record of the type).
#![allow(clippy::unwrap_used, clippy::panic)]

mod links;
mod support;

use links::*;

/// The outcomes of judging the two complainants under `psd-only` and of
/// withdrawing it, with `hidden` more resolved officers it may not see.
fn outcomes(hidden: usize) -> (String, String) {
    let (t, e) = fixture();
    let db = rusqlite::Connection::open(t.path().join("data").join("clearstone.db")).unwrap();
    for n in 0..hidden {
        db.execute(
            "INSERT INTO canonical(entity_id, schema, canonical_id) VALUES (?1, 'Person', ?2)",
            [format!("hr:officer:9{n}"), format!("cs-hidden-{n}")],
        )
        .unwrap();
    }
    drop(db);
    let s = e.session(req("sam", "psd-only")).unwrap();
    let last = || {
        let event = s.own_events(1).unwrap().into_iter().next().unwrap();
        (event.query, event.outcome)
    };
    let j = s
        .judge(COMPLAINANT_1, COMPLAINANT_2, "not_same", "two complainants")
        .unwrap();
    let judged = last();
    s.withdraw_judgement(j.id, "entered against the wrong pair")
        .unwrap();
    let withdrawn = last();
    assert_eq!(judged.0, "judge a pair of records");
    assert_eq!(withdrawn.0, "withdraw a judgement");
    (judged.1, withdrawn.1)
}

#[test]
fn a_judgements_outcome_counts_nothing_the_reviewer_may_not_see() {
    assert_eq!(outcomes(0), outcomes(5));
}
