#![allow(clippy::unwrap_used, clippy::panic)]
//! Uncorroborated events against a slow, obvious reference on random data.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use clearstone_indicators::evaluate;
use support::*;

fn uncorroborated_rule(window: u32, threshold: u32) -> String {
    format!(
        "{META}
[uncorroborated]
schema = \"OvertimeClaim\"
person = \"staff_member\"
date = \"date\"
not_checkable = {{ overtime_reason = [\"court\", \"training\"] }}
window_days = {window}
threshold = {threshold}

[uncorroborated.corroboration]
schema = \"AccessEvent\"
person = \"staff_member\"
date = \"date\"
where = {{ access_type = [\"building\"] }}
"
    )
}

// issue 18, item 1 and "tests that must exist": events with no
// corroboration, ignoring those the rule cannot check.
#[test]
fn uncorroborated_events_match_the_reference() {
    let mut flagged_seeds = 0;
    for seed in 0..60 {
        let mut rng = Rng::new(seed);
        let (mut records, canonical) = people(&mut rng, 6);
        let staff: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
        let mut claims = Vec::new();
        for i in 0..rng.below(30) {
            let s = staff[rng.below(staff.len() as u64) as usize].clone();
            let day = rng.below(100) as i64;
            let reason = rng
                .pick(&["operation", "shift_extension", "court", "training"])
                .to_owned();
            records.push(record(
                &format!("ot:{i}"),
                "OvertimeClaim",
                &[
                    ("staff_member", &s),
                    ("date", &date(day)),
                    ("overtime_reason", &reason),
                ],
            ));
            claims.push((canonical[&s].clone(), day, reason));
        }
        let mut access = Vec::new();
        for i in 0..rng.below(60) {
            let s = staff[rng.below(staff.len() as u64) as usize].clone();
            let day = rng.below(100) as i64;
            let kind = rng.pick(&["building", "system"]);
            records.push(record(
                &format!("acc:{i}"),
                "AccessEvent",
                &[
                    ("staff_member", &s),
                    ("date", &date(day)),
                    ("access_type", kind),
                ],
            ));
            if kind == "building" {
                access.push((canonical[&s].clone(), day));
            }
        }
        let window = rng.below(3) as u32;
        let threshold = 1 + rng.below(3) as u32;
        let got: BTreeSet<String> = evaluate(
            &rule(&uncorroborated_rule(window, threshold)),
            &view(records, canonical),
        )
        .into_iter()
        .map(|f| f.person)
        .collect();
        let mut count: BTreeMap<String, u32> = BTreeMap::new();
        for (who, day, reason) in &claims {
            if reason == "court" || reason == "training" {
                continue;
            }
            let seen = access
                .iter()
                .any(|(w, d)| w == who && (d - day).abs() <= i64::from(window));
            if !seen {
                *count.entry(who.clone()).or_default() += 1;
            }
        }
        let want: BTreeSet<String> = count
            .into_iter()
            .filter(|(_, n)| *n >= threshold)
            .map(|(w, _)| w)
            .collect();
        flagged_seeds += usize::from(!want.is_empty());
        assert_eq!(
            got, want,
            "seed {seed}, window {window}, threshold {threshold}"
        );
    }
    // The random data must flag someone often, or the comparison proves little.
    assert!(
        flagged_seeds > 10,
        "only {flagged_seeds} seeds flagged anyone"
    );
}
