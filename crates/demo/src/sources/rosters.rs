//! Roster shifts for the last four weeks (Parquet, from the rostering
//! system's data warehouse feed).

use crate::DemoError;
use crate::out::{Parquet, PqKind, PqVal, s};
use crate::people::{Role, today};
use crate::rng::Rng;

use super::Ctx;
use super::hr::{station, unit};

const TAG: u64 = 0x2057;
const DAYS: i32 = 28;

pub fn write(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let cols = [
        ("shift_id", PqKind::Str),
        ("staff_no", PqKind::Str),
        ("shift_date", PqKind::Str),
        ("shift_type", PqKind::Str),
        ("start_time", PqKind::Str),
        ("end_time", PqKind::Str),
        ("hours", PqKind::F64),
        ("unit", PqKind::Str),
        ("station", PqKind::Str),
    ];
    let mut pq = Parquet::create(cx.dir, "roster_shifts.parquet", &cols)?;
    let w = cx.w;
    let first = today().add_days(-DAYS);
    let mut seq = 0u64;
    for k in 0..w.n_staff {
        if w.staff_role(k) == Role::PoliceStaff {
            continue;
        }
        let mut r = Rng::for_item(cx.seed(), TAG, u64::from(k));
        // Response teams rotate earlies, lates and nights; offset by team.
        let offset = (k / 8 % 10) as i32;
        for d in 0..DAYS {
            seq += 1;
            let date = first.add_days(d);
            let cycle = (d + offset) % 10;
            let code = match cycle {
                0 | 1 => "E",
                2 | 3 => "L",
                4 | 5 => "N",
                6..=9 => "RD",
                _ => "D",
            };
            let code = match (code, r.below(40)) {
                ("RD", _) => "RD",
                (_, 0) => "TRG",
                (_, 1) => "CRT",
                (_, 2) => "AL",
                (c, _) => c,
            };
            let (start, end, hours) = match code {
                "E" => ("07:00", "17:00", Some(10.0)),
                "L" => ("14:00", "00:00", Some(10.0)),
                "N" => ("22:00", "07:00", Some(9.0)),
                "TRG" | "CRT" | "D" => ("09:00", "17:00", Some(8.0)),
                _ => ("", "", None),
            };
            pq.row(vec![
                s(format!("SH{seq:09}")),
                s(w.staff_no(k)),
                s(date.iso()),
                s(code),
                s(start),
                s(end),
                hours.map_or(PqVal::Null, PqVal::F),
                s(unit(w, k)),
                s(station(w, k)),
            ])?;
        }
    }
    cx.done(pq.finish()?);
    Ok(())
}
