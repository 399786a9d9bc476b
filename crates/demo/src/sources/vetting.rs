//! Force Vetting Unit records.

use crate::DemoError;
use crate::out::{Bad, Faults};
use crate::people::{Role, today};
use crate::rng::Rng;

use super::Ctx;
use super::hr::service;

const TAG: u64 = 0x7E77;

const ADVERSE: &[&str] = &[
    "Relative has a conviction for possession of a controlled drug (2016); risk managed",
    "County court judgment for debt (2019), since satisfied",
    "Partner subject of intelligence relating to shoplifting; no current concern",
    "Caution for criminal damage as a juvenile (2005)",
    "Associate convicted of drink driving (2021); declared by applicant",
];

pub fn write(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "vetting_ref",
        "staff_no",
        "level",
        "status",
        "granted",
        "expiry",
        "adverse_information",
    ];
    let bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Columns];
    let mut csv = cx.csv("vetting.csv", &header, &bad)?;
    let w = cx.w;
    let mut seq = 0u64;
    for k in 0..w.n_staff {
        let mut r = Rng::for_item(cx.seed(), TAG, u64::from(k));
        let p = w.person(w.staff_index(k));
        let (start, _) = service(w, k, &p);
        let mut granted = start.add_days(-(r.range(20, 120) as i32));
        let mut level = "RV";
        loop {
            seq += 1;
            let expiry = granted.add_days(if level == "RV" { 10 * 365 } else { 7 * 365 });
            let status = if expiry < today() {
                "EXP"
            } else {
                r.pick(&["GR", "GR", "GR", "GR", "GR", "GR", "GC", "IP"])
            };
            let adverse = if status == "GC" || r.chance(0.02) {
                r.pick(ADVERSE)
            } else {
                ""
            };
            let fields = vec![
                format!("FVU/{seq:06}"),
                w.staff_no(k),
                level.to_string(),
                status.to_string(),
                granted.dmy(),
                expiry.dmy(),
                adverse.to_string(),
            ];
            let faults = Faults {
                key: Some(0),
                date: Some(4),
                enumeration: Some(2),
                latin1: None,
                columns: true,
            };
            csv.row(&mut cx.truth, fields, faults)?;
            // Renewal, or a higher level for a specialist post.
            granted = granted.add_days(r.range(3 * 365, 9 * 365) as i32);
            if granted > today() || !r.chance(0.6) {
                break;
            }
            level = if w.staff_role(k) == Role::Officer {
                r.pick(&["MV", "NPPV2", "NPPV3", "CTC", "SC"])
            } else {
                r.pick(&["NPPV1", "NPPV2", "CTC"])
            };
        }
    }
    cx.done(csv.finish()?);
    Ok(())
}
