//! Overtime claims from the payroll system (tab-separated): claimant and
//! approver are named by payroll number, not by the HR system's key.

use crate::DemoError;
use crate::date::Date;
use crate::out::{Bad, Csv, Faults};
use crate::people::{Role, World};
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

/// One overtime claim as payroll holds it.
pub(crate) struct Claim {
    pub date: Date,
    pub hours: f64,
    pub rate: &'static str,
    pub reason: &'static str,
    pub operation: &'static str,
    pub status: &'static str,
}

impl Claim {
    /// Worked at a police building, so a door swipe that day can confirm
    /// it: court and training are off-site.
    pub fn on_site(&self) -> bool {
        !matches!(self.reason, "CRT" | "TRN")
    }
}

/// The usual claims of officer `k` (none for other roles): a pure function
/// of the seed, so the door system can hold the swipes that go with them.
pub(crate) fn claims(w: &World, k: u32) -> Vec<Claim> {
    if w.staff_role(k) != Role::Officer {
        return Vec::new();
    }
    let mut r = Rng::for_item(w.seed, TAG, u64::from(k));
    // A few officers claim far more than their colleagues.
    let mean = if r.chance(0.05) { 25.0 } else { 4.0 };
    let mut out = Vec::new();
    for _ in 0..r.count(mean, 80) {
        let reason = r.pick(&["EXT", "EXT", "EXT", "CRT", "OPS", "EVT", "RCL", "TRN"]);
        let operation = if reason == "OPS" || reason == "EVT" {
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
        let date = recent(&mut r, 540);
        let status = r.pick(&["SUB", "APP", "APP", "PAID", "PAID", "PAID", "REJ"]);
        out.push(Claim {
            date,
            hours,
            rate,
            reason,
            operation,
            status,
        });
    }
    out
}

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
        let planted = crate::indicators::overtime_claims(w, k);
        let usual = claims(w, k);
        let all = usual
            .iter()
            .map(|c| (c, true))
            .chain(planted.iter().map(|c| (c, false)));
        for (c, may_break) in all {
            seq += 1;
            let fields = vec![
                format!("OT-{seq:08}"),
                payroll_no(k),
                c.date.dmy(),
                format!("{:.1}", c.hours),
                c.rate.to_string(),
                c.reason.to_string(),
                c.operation.to_string(),
                w.line_manager(k).map(payroll_no).unwrap_or_default(),
                c.status.to_string(),
            ];
            // Ground truth must load: planted rows are never broken.
            let faults = if may_break {
                Faults {
                    key: Some(0),
                    date: Some(2),
                    enumeration: Some(5),
                    latin1: None,
                    columns: true,
                }
            } else {
                Faults::default()
            };
            csv.row(&mut cx.truth, fields, faults)?;
        }
    }
    cx.done(csv.finish()?);
    Ok(())
}
