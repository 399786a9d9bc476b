//! Features computed a chunk at a time, as a run computes them, block,
//! train and score exactly as those of all records at once: the same
//! pairs, the same model to the last bit, the same weights. The demo's
//! staff records hold several values of a field (previous surnames, names
//! gone by), whose further rows are added chunk by chunk.
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_policy::{AuditUse, Principal, PrincipalKind, Purpose};
use clearstone_resolve::{ComparisonVectors, Features, candidates, model_file};

use crate::resolve::parse_settings;
use crate::{ADMIN_PURPOSE, Classification, Engine, SessionRequest};

fn session_request(principal: &str, purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: principal.into(),
        purpose: purpose.into(),
        justification: "comparing chunked features".into(),
        ..SessionRequest::default()
    }
}

/// What blocking, training and scoring make of some features: pairs, the
/// trained model as saved, and each pair's weight to the bit.
type Outcome = (Vec<(u32, u32)>, String, Vec<(u32, u32, u64)>);

fn outcome(settings: &clearstone_resolve::settings::Settings, f: &Features) -> Outcome {
    let c = candidates(f, &settings.rules, settings.pairs_max).unwrap();
    let vectors = ComparisonVectors::compute(&settings.comparisons, f, &c.pairs);
    let model = settings
        .train_on_with_u(
            settings.estimate_u(f),
            f,
            &c.pairs,
            Some(&c.counts[..]),
            &vectors,
        )
        .unwrap();
    let scored = settings
        .scorer(&model)
        .score_vectors_where(f, &c.pairs, &vectors, |_| true)
        .unwrap()
        .into_iter()
        .map(|p| (p.left, p.right, p.weight.to_bits()))
        .collect();
    (c.pairs, model_file::to_json(&model), scored)
}

// issue 16: features are built a chunk at a time, as `link` builds them.
#[test]
fn features_in_chunks_block_train_and_score_as_all_at_once_issue_16() {
    let tmp = tempfile::tempdir().unwrap();
    let generated = clearstone_demo::generate(
        &clearstone_demo::Options {
            seed: 5,
            people: 600,
        },
        &tmp.path().join("src"),
    )
    .unwrap();
    let e = Engine::init(&tmp.path().join("data"), None).unwrap();
    e.bootstrap_admin("admin").unwrap();
    let admin = e
        .session(SessionRequest {
            justification: "setting up the chunked features test".into(),
            ..session_request("admin", ADMIN_PURPOSE)
        })
        .unwrap();
    admin
        .put_user(&Principal {
            id: "eng".into(),
            display_name: "eng".into(),
            kind: PrincipalKind::User,
            roles: ["data_engineer".to_string()].into(),
            unit: None,
            clearance: Classification::Secret,
            caveats: ["HR", "PSD", "PERSONAL"]
                .iter()
                .map(|c| c.to_string())
                .collect(),
            attributes: Default::default(),
            disabled: false,
        })
        .unwrap();
    admin
        .put_purpose(&Purpose {
            id: "quality".into(),
            description: "keeping the person index accurate".into(),
            legal_basis: "public task".into(),
            sensitive: None,
            policy_document: "APD-2".into(),
            datasets: ["*".to_string()].into(),
            entity_types: ["*".to_string()].into(),
            roles: ["data_engineer".to_string()].into(),
            audit_use: Some(AuditUse::VerifyLawfulness),
            review_date: "2099-01-01".into(),
            expires: "2099-12-31".into(),
            reviewed_by: Some("dpo".into()),
        })
        .unwrap();
    drop(admin);
    let s = e.session(session_request("eng", "quality")).unwrap();
    for m in &generated.mappings {
        let name = m.file_name().unwrap().to_string_lossy();
        if [
            "hr_officers.toml",
            "hr_staff.toml",
            "crime_persons.toml",
            "notifiable_associations.toml",
            "company_officers.toml",
            "business_interests.toml",
            "access_cards.toml",
        ]
        .contains(&name.as_ref())
        {
            s.ingest(m, &mut |_| {}).unwrap();
        }
    }
    let settings = parse_settings(None).unwrap();
    let loaded = s.resolution_records(&settings, "Person").unwrap();
    let n = loaded.ids.len();
    assert!(n > 200, "{n} records");
    let whole = loaded
        .features_in(&settings.schema, 0..n, usize::MAX)
        .unwrap();
    assert_eq!(whole.len(), n);
    let expected = outcome(&settings, &whole);
    assert!(!expected.0.is_empty());
    // Read in one range of the store or in several, on threads of their
    // own, the records come in the same order and make the same outcome.
    for parts in [1, 3, 7] {
        let read = s
            .resolution_records_read(&settings, "Person", None, parts)
            .unwrap();
        assert_eq!(read.ids, loaded.ids, "{parts} parts");
        let f = read.features_in(&settings.schema, 0..n, 64).unwrap();
        assert!(outcome(&settings, &f) == expected, "{parts} parts");
    }
    for chunk in [1, 7, 64] {
        let f = loaded.features_in(&settings.schema, 0..n, chunk).unwrap();
        assert!(outcome(&settings, &f) == expected, "chunks of {chunk}");
    }
    // An order given is kept: the records reversed pair as the same
    // records do, numbered from the other end (blocking gives pairs rule
    // by rule, so they are compared as sets).
    let reversed = loaded
        .features_in(&settings.schema, (0..n).rev(), 7)
        .unwrap();
    let flip = |i: u32| (n as u32 - 1) - i;
    let mut pairs: Vec<(u32, u32)> = candidates(&reversed, &settings.rules, settings.pairs_max)
        .unwrap()
        .pairs
        .into_iter()
        .map(|(a, b)| (flip(a).min(flip(b)), flip(a).max(flip(b))))
        .collect();
    pairs.sort_unstable();
    let mut same = expected.0;
    same.sort_unstable();
    assert_eq!(pairs, same);
}
