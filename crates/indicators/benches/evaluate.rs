//! Evaluation speed and peak memory of the rule kinds over a scaled view:
//! `--staff N` staff, each with a few absences, and `--events M` building
//! access events, with one overtime claim per twenty events. Measures the
//! evaluation the engine runs once it has read the records through the
//! gate, not the reading.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::HashMap;
use std::time::Instant;

use clearstone_indicators::{Record, Rule, Value, View, evaluate};

const META: &str = r#"
version = 1
title = "bench"
rationale = "bench"
owner = "bench"
purpose = "bench"
evidence = ["bench"]
review_date = "2030-01-01"
"#;

const ABSENCE: &str = r#"
[count]
schema = "Absence"
person = "staff_member"
date = "start_date"
dedupe = ["staff_member", "start_date"]
window_days = 90
threshold = 4
exclude = { reason_class = ["injury_on_duty", "bereavement"] }
"#;

const OVERTIME: &str = r#"
[uncorroborated]
schema = "OvertimeClaim"
person = "staff_member"
date = "date"
not_checkable = { overtime_reason = ["court", "training"] }
threshold = 3

[uncorroborated.corroboration]
schema = "AccessEvent"
person = "staff_member"
date = "date"
where = { access_type = ["building"] }
"#;

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn date(day: u64) -> String {
    let d = 19_000 + day as i64; // days since 1970: 2022 onwards
    let (y, m, dd) = civil(d);
    format!("{y:04}-{m:02}-{dd:02}")
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn record(id: String, schema: &str, props: &[(&str, String)]) -> Record {
    Record {
        values: props
            .iter()
            .map(|(p, v)| Value {
                prop: (*p).into(),
                value: v.as_str().into(),
                statement: format!("{id}/{p}"),
            })
            .collect(),
        id,
        schema: schema.into(),
        masked: false,
    }
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let staff = arg("--staff", 50_000);
    let events = arg("--events", 1_000_000);
    let days = 365;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let started = Instant::now();
    let mut records = Vec::new();
    let classes = [
        "sickness",
        "sickness",
        "sickness",
        "maternity",
        "disability_related",
        "bereavement",
    ];
    for k in 0..staff {
        let s = format!("hr:staff:{k}");
        records.push(record(s.clone(), "StaffMember", &[("name", "x".into())]));
        for a in 0..rng.below(7) {
            let class = classes[rng.below(classes.len() as u64) as usize];
            records.push(record(
                format!("absence:{k}:{a}"),
                "Absence",
                &[
                    ("staff_member", s.clone()),
                    ("start_date", date(rng.below(days))),
                    ("reason_class", class.into()),
                ],
            ));
        }
    }
    for e in 0..events {
        let s = format!("hr:staff:{}", rng.below(staff));
        records.push(record(
            format!("access:{e}"),
            "AccessEvent",
            &[
                ("staff_member", s.clone()),
                ("date", date(rng.below(days))),
                ("access_type", "building".into()),
            ],
        ));
        if e % 20 == 0 {
            let reason = ["operation", "shift_extension", "court"][rng.below(3) as usize];
            records.push(record(
                format!("overtime:{e}"),
                "OvertimeClaim",
                &[
                    ("staff_member", s),
                    ("date", date(rng.below(days))),
                    ("overtime_reason", reason.into()),
                ],
            ));
        }
    }
    let n = records.len();
    let view = View::plain(records, HashMap::new());
    let built = started.elapsed().as_secs_f64();
    println!("view: {n} records ({staff} staff, {events} access events) built in {built:.1} s");
    for (id, body) in [("absence", ABSENCE), ("overtime", OVERTIME)] {
        let rule = Rule::parse(&format!("id = \"{id}\"{META}{body}"), id).unwrap();
        let t = Instant::now();
        let found = evaluate(&rule, &view);
        println!(
            "rule `{id}`: {} people flagged in {:.2} s",
            found.len(),
            t.elapsed().as_secs_f64()
        );
    }
    println!("peak RSS: {:.0} MB", peak_rss_mb());
}
