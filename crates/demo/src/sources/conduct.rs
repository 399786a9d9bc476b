//! Conduct matters recorded by Professional Standards; some arise from
//! complaints, and then share the complaint's subject.

use crate::DemoError;
use crate::out::{Bad, Faults};
use crate::people::today;
use crate::rng::Rng;

use super::{Ctx, complaints, recent};

const TAG: u64 = 0xC0DC;

const STANDARDS: &[(&str, &str)] = &[
    (
        "HI",
        "Alleged to have made inaccurate entries in a pocket notebook.",
    ),
    (
        "ARC",
        "Alleged to have been abusive to a member of the public.",
    ),
    (
        "ED",
        "Alleged to have made discriminatory remarks to a colleague.",
    ),
    ("UOF", "Use of force during an arrest to be reviewed."),
    (
        "OI",
        "Alleged failure to follow a lawful order regarding scene preservation.",
    ),
    (
        "DR",
        "Alleged failure to record a crime reported by a member of the public.",
    ),
    (
        "CON",
        "Alleged unauthorised checks on police systems for a personal matter.",
    ),
    (
        "FFW",
        "Alleged to have reported for duty unfit through alcohol.",
    ),
    ("DC", "Arrested off duty on suspicion of drink driving."),
    (
        "DC",
        "Alleged to have formed an inappropriate relationship with a victim.",
    ),
    (
        "CR",
        "Alleged failure to challenge a colleague's inappropriate behaviour.",
    ),
];

pub fn write(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "matter_ref",
        "staff_no",
        "recorded",
        "standard",
        "severity",
        "outcome",
        "complaint_ref",
        "allegation",
    ];
    let bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Columns];
    let mut csv = cx.csv("conduct_matters.csv", &header, &bad)?;
    let w = cx.w;
    let n = (w.n_staff * 8 / 100).max(3);
    let n_complaints = complaints::count(w);
    for k in 0..n {
        let mut r = Rng::for_item(cx.seed(), TAG, u64::from(k));
        let (subject, recorded, complaint) = if r.chance(0.4) {
            let c = r.below(u64::from(n_complaints)) as u32;
            let (subject, received, _) = complaints::basics(w, c);
            let recorded = received.add_days(r.range(20, 200) as i32).min(today());
            (subject, recorded, complaints::reference(c, received))
        } else {
            (
                r.below(u64::from(w.n_staff)) as u32,
                recent(&mut r, 5 * 365),
                String::new(),
            )
        };
        let (code, text) = r.pick(STANDARDS);
        let severity = r.pick(&["PERF", "MIS", "MIS", "MIS", "GM"]);
        let outcome = if recorded > today().add_days(-180) {
            "ONG"
        } else if severity == "GM" {
            r.pick(&["FWW", "DIS", "RES", "NCA"])
        } else {
            r.pick(&["NCA", "RP", "RP", "MA", "WW"])
        };
        let fields = vec![
            format!("PSD-{}-{:04}", recorded.year(), u64::from(k) + 1),
            w.staff_no(subject),
            recorded.dmy(),
            code.to_string(),
            severity.to_string(),
            outcome.to_string(),
            complaint,
            text.to_string(),
        ];
        let faults = Faults {
            key: Some(0),
            date: Some(2),
            enumeration: Some(3),
            latin1: None,
            columns: true,
        };
        csv.row(&mut cx.truth, fields, faults)?;
    }
    cx.done(csv.finish()?);
    Ok(())
}
