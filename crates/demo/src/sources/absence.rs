//! The duty-management system's absence records (semicolon-separated, as
//! its European-locale export writes them).

use crate::DemoError;
use crate::out::{Bad, Csv, Faults};
use crate::rng::Rng;

use super::{Ctx, recent};

const TAG: u64 = 0xAB5E;

const SICKNESS: &[&str] = &[
    "Cold/flu",
    "Gastrointestinal",
    "Back pain",
    "Stress",
    "Anxiety/depression",
    "Migraine",
    "Covid-19",
    "Musculoskeletal - knee",
    "Surgery",
    "Chest infection",
    "Dental",
    "Hospital appointment",
    "Ear, nose and throat",
    "Fatigue",
];

pub fn write(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "absence_id",
        "staff_no",
        "start_date",
        "end_date",
        "reason_code",
        "reason",
        "days_lost",
        "certification",
        "check_ref",
    ];
    let bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Columns];
    let mut csv = Csv::create(cx.dir, "absence.csv", b';', false, &header, cx.seed(), &bad)?;
    let w = cx.w;
    let mut seq = 0u64;
    for k in 0..w.n_staff {
        if let Some(part) = crate::indicators::absence_part(k) {
            for a in crate::indicators::absences(part) {
                seq += 1;
                let fields = vec![
                    format!("ABS{seq:07}"),
                    w.staff_no(k),
                    a.start.dmy(),
                    a.start.add_days((a.days - 1) as i32).dmy(),
                    a.code.to_string(),
                    a.reason.to_string(),
                    a.days.to_string(),
                    "SC".to_string(),
                    a.check_ref.to_string(),
                ];
                // Ground truth must load: planted rows are never broken.
                csv.row(&mut cx.truth, fields, Faults::default())?;
            }
            continue;
        }
        let mut r = Rng::for_item(cx.seed(), TAG, u64::from(k));
        let p = w.person(w.staff_index(k));
        for _ in 0..r.count(2.5, 12) {
            seq += 1;
            let code = match r.weighted(&[70, 4, 3, 3, 1, 4, 4, 5, 3]) {
                0 => "SICK",
                1 => "DIS",
                2 => "ADJ",
                3 if p.female && p.age() < 48 => "MAT",
                3 => "PAT",
                4 => "ADO",
                5 => "IOD",
                6 => "BER",
                7 => "DEP",
                _ => "OTH",
            };
            let (reason, days): (String, i64) = match code {
                "SICK" => (r.pick(SICKNESS).to_string(), r.count(4.0, 90).into()),
                "DIS" => (
                    (r.pick(&[
                        "Flare-up of long-term condition",
                        "Treatment for long-term condition",
                        "Disability-related hospital appointment",
                    ]))
                    .to_string(),
                    r.range(1, 10),
                ),
                "ADJ" => (
                    (r.pick(&[
                        "Awaiting workplace adjustment - specialist equipment",
                        "Phased return on adjusted duties",
                        "Assessment for reasonable adjustments",
                    ]))
                    .to_string(),
                    r.range(1, 15),
                ),
                "MAT" => ("Maternity leave".to_string(), r.range(180, 365)),
                "PAT" => ("Paternity leave".to_string(), 10),
                "ADO" => ("Adoption leave".to_string(), r.range(60, 250)),
                "IOD" => (
                    (r.pick(&[
                        "Injured during arrest - wrist",
                        "Assaulted on duty - bruising",
                        "Slipped on ice at scene",
                        "Dog bite on duty",
                    ]))
                    .to_string(),
                    r.range(1, 40),
                ),
                "BER" => ("Bereavement - close family".to_string(), r.range(2, 7)),
                "DEP" => ("Dependant care - child unwell".to_string(), r.range(1, 3)),
                _ => ("Jury service".to_string(), r.range(5, 10)),
            };
            let start = recent(&mut r, 3 * 365);
            let end = start.add_days((days.max(1) - 1) as i32);
            let cert = if days <= 7 {
                "SC"
            } else if code == "SICK" || code == "DIS" {
                "FN"
            } else {
                "NR"
            };
            let fields = vec![
                format!("ABS{seq:07}"),
                w.staff_no(k),
                start.dmy(),
                if r.chance(0.03) {
                    String::new()
                } else {
                    end.dmy()
                },
                code.to_string(),
                reason,
                (days.max(1)).to_string(),
                cert.to_string(),
                String::new(),
            ];
            let faults = Faults {
                key: Some(0),
                date: Some(2),
                enumeration: Some(4),
                latin1: None,
                columns: true,
            };
            csv.row(&mut cx.truth, fields, faults)?;
        }
    }
    cx.done(csv.finish()?);
    Ok(())
}
