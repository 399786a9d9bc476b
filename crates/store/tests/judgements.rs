#![allow(clippy::unwrap_used, clippy::panic)]
//! Judgements read by the records they involve, as a dossier reads them.

use clearstone_model::Timestamp;
use clearstone_store::{Judgement, ResolutionStore, SqliteStore};

fn judgement(schema: &str, left: &str, right: &str, at: i64) -> Judgement {
    Judgement {
        id: 0,
        schema: schema.into(),
        left_id: left.into(),
        right_id: right.into(),
        verdict: "same".into(),
        probability: Some(0.9),
        model_version: Some("m1".into()),
        principal: "reviewer".into(),
        at: Timestamp(at),
        why: "same date of birth".into(),
        withdrawn_at: None,
        withdrawn_by: None,
        withdrawn_why: None,
    }
}

#[test]
fn judgements_of_records_are_those_on_either_side_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("clearstone.db")).unwrap();
    let ab = store
        .add_judgement(&judgement("Person", "a", "b", 1))
        .unwrap();
    store
        .add_judgement(&judgement("Person", "c", "d", 2))
        .unwrap();
    let eb = store
        .add_judgement(&judgement("Person", "b", "e", 3))
        .unwrap();
    store
        .add_judgement(&judgement("Vehicle", "b", "f", 4))
        .unwrap();
    let xa = store
        .add_judgement(&judgement("Person", "x", "a", 5))
        .unwrap();

    let of = |store: &SqliteStore, ids: &[&str], withdrawn: bool| -> Vec<i64> {
        store
            .judgements_of("Person", ids, withdrawn)
            .unwrap()
            .iter()
            .map(|j| j.id)
            .collect()
    };
    assert_eq!(of(&store, &["b"], true), vec![eb, ab]);
    // A pair with both sides asked for is answered once.
    assert_eq!(of(&store, &["a", "b"], true), vec![xa, eb, ab]);
    assert_eq!(of(&store, &["z"], true), Vec::<i64>::new());

    store
        .withdraw_judgement(eb, "reviewer", Timestamp(6), "entered in error")
        .unwrap();
    assert_eq!(of(&store, &["b"], false), vec![ab]);
    assert_eq!(of(&store, &["b"], true), vec![eb, ab]);
}

#[test]
fn judgements_of_many_records_are_read_in_batches_without_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("clearstone.db")).unwrap();
    let ids: Vec<String> = (0..450).map(|i| format!("r{i:03}")).collect();
    let mut made = Vec::new();
    for (i, pair) in ids.chunks(2).enumerate() {
        let [l, r] = pair else { continue };
        made.push(
            store
                .add_judgement(&judgement("Person", l, r, i as i64))
                .unwrap(),
        );
    }
    // Both sides of every pair asked for, falling in different batches.
    let asked: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut found: Vec<i64> = store
        .judgements_of("Person", &asked, true)
        .unwrap()
        .iter()
        .map(|j| j.id)
        .collect();
    assert!(found.windows(2).all(|w| w[0] > w[1]), "newest first");
    found.reverse();
    assert_eq!(found, made);
}
