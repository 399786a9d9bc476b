//! Overtime claims from the payroll system (tab-separated): claimant and
//! approver are named by payroll number, not by the HR system's key.

use crate::DemoError;
use crate::out::{Bad, Csv, Faults};
use crate::people::Role;
use crate::rng::Rng;

use super::hr::payroll_no;
use super::{Ctx, recent};

const TAG: u64 = 0x0717;

const OPERATIONS: &[&str] = &[
    "Op Kestrel",
    "Op Harbour",
    "Op Lantern",
    "Op Sycamore",
    "Op Tern",
    "Op Granite",
    "Op Bluebell",
    "Op Marlin",
    "Op Ember",
    "Op Quarry",
];

pub fn write(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "claim_ref",
        "payroll_no",
        "date_worked",
        "hours",
        "rate",
        "reason_code",
        "operation",
        "approved_by",
        "status",
    ];
    let bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Columns];
    let mut csv = Csv::create(
        cx.dir,
        "overtime.tsv",
        b'\t',
        false,
        &header,
        cx.seed(),
        &bad,
    )?;
    let w = cx.w;
    let mut seq = 0u64;
    for k in 0..w.n_staff {
        if w.staff_role(k) != Role::Officer {
            continue;
        }
        let mut r = Rng::for_item(cx.seed(), TAG, u64::from(k));
        // A few officers claim far more than their colleagues.
        let mean = if r.chance(0.05) { 25.0 } else { 4.0 };
        for _ in 0..r.count(mean, 80) {
            seq += 1;
            let reason = r.pick(&["EXT", "EXT", "EXT", "CRT", "OPS", "EVT", "RCL", "TRN"]);
            let op = if reason == "OPS" || reason == "EVT" {
                r.pick(OPERATIONS)
            } else {
                ""
            };
            let hours = (r.range(1, 20) as f64) * 0.5;
            let rate = if reason == "RCL" {
                "2.0"
            } else {
                r.pick(&["1.5", "1.5", "1.33", "2.0"])
            };
            let fields = vec![
                format!("OT-{seq:08}"),
                payroll_no(k),
                recent(&mut r, 540).dmy(),
                format!("{hours:.1}"),
                rate.to_string(),
                reason.to_string(),
                op.to_string(),
                w.line_manager(k).map(payroll_no).unwrap_or_default(),
                (r.pick(&["SUB", "APP", "APP", "PAID", "PAID", "PAID", "REJ"])).to_string(),
            ];
            let faults = Faults {
                key: Some(0),
                date: Some(2),
                enumeration: Some(5),
                latin1: None,
                columns: true,
            };
            csv.row(&mut cx.truth, fields, faults)?;
        }
    }
    cx.done(csv.finish()?);
    Ok(())
}
