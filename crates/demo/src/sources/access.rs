//! Building access-control and system audit events (JSON Lines), merged
//! from the door system and the records system's audit trail.

use crate::DemoError;
use crate::out::{Bad, Json, JsonFaults, Jsonl};
use crate::rng::Rng;

use super::hr::station;
use super::{Ctx, Nominals, recent};

const TAG: u64 = 0xACCE;

const DOORS: &[&str] = &[
    "Main Entrance",
    "Rear Yard",
    "Custody Suite",
    "Property Store",
    "CID Office",
    "Armoury",
];
const SYSTEMS: &[&str] = &[
    "Records Management System",
    "Intelligence System",
    "Duty Management",
    "Police National Computer",
];

/// Usual access events per member of staff in the demo's 60 days.
pub(crate) const ACCESS_PER_STAFF: f64 = 20.0;

/// The most events one member of staff has: ten times the mean, so the
/// scaled benchmark's busier doors keep the same spread.
fn access_cap(mean: f64) -> u32 {
    (mean * 10.0).clamp(1.0, f64::from(u32::MAX)) as u32
}

pub fn write(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Json];
    let mut out = Jsonl::create(cx.dir, "access_events.jsonl", cx.seed(), &bad)?;
    let faults = JsonFaults {
        key: Some("event_id"),
        date: Some("date"),
        enumeration: Some("action"),
    };
    let w = cx.w;
    let mut seq = 0u64;
    for k in 0..w.n_staff {
        let mut r = Rng::for_item(cx.seed(), TAG, u64::from(k));
        for _ in 0..r.count(cx.access_per_staff, access_cap(cx.access_per_staff)) {
            seq += 1;
            let bad = out.roll(faults);
            let date = recent(&mut r, 60);
            let time = format!(
                "{:02}:{:02}:{:02}",
                r.range(0, 23),
                r.range(0, 59),
                r.range(0, 59)
            );
            let door = r.chance(0.5);
            let (kind, action, location, device) = if door {
                let action = r.pick(&["IN", "IN", "OUT", "OUT", "DENY"]);
                (
                    "DOOR",
                    action,
                    format!("{} - {}", station(w, k), r.pick(DOORS)),
                    format!("CR-{:04}", r.below(400)),
                )
            } else {
                let action = r.pick(&[
                    "LOGIN", "LOGOUT", "SEARCH", "SEARCH", "VIEW", "VIEW", "VIEW", "PRINT",
                    "EXPORT",
                ]);
                (
                    "SYS",
                    action,
                    r.pick(SYSTEMS).to_string(),
                    format!("WS{:05}", r.below(3000)),
                )
            };
            let (search, record) = match action {
                "SEARCH" | "VIEW" | "PRINT" if cx.nominals.len() > 0 => {
                    let n = r.below(u64::from(cx.nominals.len())) as u32;
                    let pi = cx.nominals.person.get(n as usize).copied().unwrap_or(0);
                    if action == "SEARCH" {
                        (w.person(pi).surname.to_lowercase(), String::new())
                    } else {
                        (String::new(), Nominals::id(n))
                    }
                }
                _ => (String::new(), String::new()),
            };
            let id = format!("EV{seq:010}");
            let obj = Json::new()
                .str("event_id", if bad == Some(Bad::Key) { "" } else { &id })
                .str("staff_no", &w.staff_no(k))
                .str(
                    "date",
                    &if bad == Some(Bad::Date) {
                        out.bad_date().to_string()
                    } else {
                        date.iso()
                    },
                )
                .str("time", &time)
                .str("type", kind)
                .str(
                    "action",
                    if bad == Some(Bad::Enum) {
                        out.bad_code()
                    } else {
                        action
                    },
                )
                .str("location", &location)
                .str("device", &device)
                .opt("search_terms", &search)
                .opt("record_ref", &record);
            out.write(&mut cx.truth, obj, bad, faults)?;
        }
        // The swipe in at the station on each day of overtime worked there.
        let mut r = Rng::for_item(cx.seed(), TAG ^ 1, u64::from(k));
        for day in crate::indicators::overtime_swipes(w, k) {
            seq += 1;
            let obj = Json::new()
                .str("event_id", &format!("EV{seq:010}"))
                .str("staff_no", &w.staff_no(k))
                .str("date", &day.iso())
                .str(
                    "time",
                    &format!(
                        "{:02}:{:02}:{:02}",
                        r.range(6, 9),
                        r.range(0, 59),
                        r.range(0, 59)
                    ),
                )
                .str("type", "DOOR")
                .str("action", "IN")
                .str("location", &format!("{} - Main Entrance", station(w, k)))
                .str("device", &format!("CR-{:04}", r.below(400)));
            // Ground truth must load: these are never broken.
            out.write(&mut cx.truth, obj, None, faults)?;
        }
    }
    cx.done(out.finish()?);
    Ok(())
}
