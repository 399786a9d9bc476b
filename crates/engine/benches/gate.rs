//! The gate's cost per operation: `show` of one entity with 50 statements,
//! read straight from the store (no gate) and through a session (policy
//! decisions, redaction, and the appended event), in one run.
//!
//! cargo bench -p clearstone-engine --bench gate
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use clearstone_engine::policy::{Principal, Purpose, SensitiveBasis};
use clearstone_engine::{Classification, Engine, Entity, SessionRequest};
use clearstone_model::limits;
use clearstone_store::{SqliteStore, Store};

const PROPS: usize = 50;
const ROUNDS: usize = 3_000;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    // 50 properties, every tenth one special category.
    let mut onto = String::from("version = 1\n[types.Subject.properties]\n");
    let mut map = String::from(
        "version = 1\n[dataset]\nname = \"hr\"\nmarkings = \"OFFICIAL-SENSITIVE:HR\"\n[source]\nformat = \"csv\"\npath = \"s.csv\"\n[[entities]]\nname = \"e\"\nschema = \"Subject\"\nkeys = [\"id\"]\n[entities.properties]\n",
    );
    let mut header = vec!["id".to_string()];
    let mut row = vec!["1".to_string()];
    for i in 0..PROPS {
        let tag = if i % 10 == 9 { "health" } else { "ordinary" };
        onto.push_str(&format!(
            "p{i} = {{ type = \"identifier\", sensitivity = \"{tag}\" }}\n"
        ));
        map.push_str(&format!("p{i} = {{ column = \"p{i}\" }}\n"));
        header.push(format!("p{i}"));
        row.push(format!("value-{i}"));
    }
    std::fs::write(
        dir.path().join("s.csv"),
        format!("{}\n{}\n", header.join(","), row.join(",")),
    )
    .unwrap();
    std::fs::write(dir.path().join("s.toml"), map).unwrap();
    let data = dir.path().join("data");
    let e = Engine::init(&data, Some((&onto, "bench.toml"))).unwrap();
    let admin = support::bootstrap_admin(&e, "bench");
    let roles = &["analyst", "data_engineer"];
    admin
        .put_user(&Principal {
            display_name: "Ana".into(),
            ..support::user("ana", roles, Classification::Secret, &["HR"])
        })
        .unwrap();
    admin
        .put_purpose(&Purpose {
            description: "bench".into(),
            legal_basis: "bench".into(),
            sensitive: Some(SensitiveBasis {
                condition: "sch. 8".into(),
            }),
            policy_document: "APD-1".into(),
            ..support::purpose("work", roles, &["*"])
        })
        .unwrap();
    drop(admin);
    let s = e
        .session(SessionRequest {
            principal: "ana".into(),
            purpose: "work".into(),
            justification: "bench".into(),
            ..SessionRequest::default()
        })
        .unwrap();
    s.ingest(&dir.path().join("s.toml"), &mut |_| {}).unwrap();

    let store = SqliteStore::open(&data.join("clearstone.db")).unwrap();
    let raw = || {
        Entity::assemble(
            "hr:e:1",
            store
                .entity_statements("hr:e:1", limits::ENTITY_STATEMENTS_MAX)
                .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(raw().statement_count(), PROPS);
    assert_eq!(s.show("hr:e:1").unwrap().statement_count(), PROPS);

    let time = |f: &mut dyn FnMut()| {
        for _ in 0..ROUNDS / 10 {
            f();
        }
        let t = Instant::now();
        for _ in 0..ROUNDS {
            f();
        }
        t.elapsed().as_secs_f64() * 1e6 / ROUNDS as f64
    };
    let plain = time(&mut || {
        std::hint::black_box(raw());
    });
    let gated = time(&mut || {
        std::hint::black_box(s.show("hr:e:1").unwrap());
    });
    println!("show of one entity with {PROPS} statements, {ROUNDS} rounds each");
    println!("  store only (no gate)                  : {plain:8.1} µs");
    println!("  through the gate (policy, mask, event): {gated:8.1} µs");
    println!(
        "  gate cost per entity                  : {:8.1} µs",
        gated - plain
    );
}
