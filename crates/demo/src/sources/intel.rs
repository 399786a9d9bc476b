//! Intelligence reports (JSON Lines from the intelligence system), graded
//! 3x5x2 or, for older reports, 5x5x5. Subjects are described as the source
//! described them: nicknames, approximate dates of birth, old addresses.

use crate::DemoError;
use crate::date::Date;
use crate::names;
use crate::noise;
use crate::out::{Bad, Json, JsonFaults, Jsonl};
use crate::people::Person;
use crate::places::{self, Address};
use crate::rng::Rng;

use super::vehicles::vehicles_of;
use super::{Ctx, pick_officer, recent};

const TAG: u64 = 0x1E7E;

const DRUGS: &[&str] = &["cannabis", "cocaine", "heroin", "ketamine", "MDMA"];

fn text(r: &mut Rng, p: &Person, name: &str, ad: &Address, vrm: Option<&str>) -> String {
    let drug = r.pick(DRUGS);
    let he = if p.female { "She" } else { "He" };
    let mut s = match r.below(7) {
        0 => format!(
            "Information received that {name} is supplying {drug} from {}.",
            ad.one_line()
        ),
        1 => format!(
            "{name} has been seen associating with known drug users near {}, {}.",
            ad.street, ad.town
        ),
        2 => format!(
            "{name} is believed to be storing stolen power tools in a garage behind {}.",
            ad.one_line()
        ),
        3 => format!(
            "Source reports that {name} carries a knife when in {} town centre.",
            ad.town
        ),
        4 => format!(
            "{name} is using a mobile phone to arrange the sale of {drug} in {}.",
            ad.town
        ),
        5 => format!(
            "Young people are reported to be visiting {} late at night. {name} is suspected of using them to run drugs.",
            ad.one_line()
        ),
        _ => format!(
            "{name} is believed to be involved in the theft of catalytic converters around {}.",
            ad.town
        ),
    };
    if let Some(v) = vrm {
        s.push_str(&format!(
            " {he} is known to drive a vehicle registration {v}."
        ));
    }
    if r.chance(0.3) {
        s.push_str(&format!(
            " {he} is said to spend time at {} most evenings.",
            r.pick(&[
                "the Red Lion",
                "the bookmakers on the high street",
                "a car wash on the industrial estate",
                "a flat above the takeaway"
            ])
        ));
    }
    s
}

pub fn write(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Json];
    let mut out = Jsonl::create(cx.dir, "intel_reports.jsonl", cx.seed(), &bad)?;
    let w = cx.w;
    let n_reports = (cx.nominals.len() / 2).max(5);
    let faults = JsonFaults {
        key: Some("report_id"),
        date: Some("date"),
        enumeration: Some("topic"),
    };
    let legacy_before = Date::from_ymd(2021, 1, 1);
    for k in 0..n_reports {
        let mut r = Rng::for_item(cx.seed(), TAG, u64::from(k));
        let Some(n) = cx
            .nominals
            .pick_role(&mut r, b'S')
            .or_else(|| cx.nominals.pick_role(&mut r, b'V'))
        else {
            continue;
        };
        let Some(&pi) = cx.nominals.person.get(n as usize) else {
            continue;
        };
        let p = w.person(pi);
        let bad = out.roll(faults);
        let date = recent(&mut r, 8 * 365);
        let ad = places::address(
            cx.seed(),
            p.address_on(date.add_days(-(r.range(0, 400) as i32))),
        );
        let vrm = vehicles_of(w, &p)
            .first()
            .filter(|_| r.chance(0.5))
            .map(|v| v.vrm.clone());
        let first = noise::first_name(&mut r, p.first, 0.4, 0.06);
        let surname = noise::surname(&mut r, &p.surname, 0.06);
        let spoken = match names::nicknames(p.first).first() {
            Some(nick) if *nick != first && r.chance(0.3) => {
                format!("{first} {surname} (known as {nick})")
            }
            _ => format!("{first} {surname}"),
        };
        let id = format!("IR-{:07}", u64::from(k) + 1);
        let dob = noise::dob(&mut r, p.dob, 0.4, 0.05)
            .map(Date::iso)
            .unwrap_or_default();
        let topic = r.pick(&[
            "DRG", "DRG", "VIO", "ACQ", "EXP", "OCG", "WPN", "PUB", "OTH",
        ]);
        let mut obj = Json::new()
            .str("report_id", if bad == Some(Bad::Key) { "" } else { &id })
            .str(
                "date",
                &if bad == Some(Bad::Date) {
                    out.bad_date().to_string()
                } else {
                    date.iso()
                },
            )
            .str(
                "topic",
                if bad == Some(Bad::Enum) {
                    out.bad_code()
                } else {
                    topic
                },
            );
        obj = if date < legacy_before {
            obj.obj(
                "legacy_grading",
                Json::new()
                    .str("source", r.pick(&["A", "B", "B", "C", "C", "D", "E"]))
                    .str("intelligence", r.pick(&["1", "2", "2", "3", "3", "4", "5"]))
                    .str("handling", r.pick(&["1", "1", "1", "2", "3", "4", "5"])),
            )
        } else {
            obj.obj(
                "grading",
                Json::new()
                    .str("source", r.pick(&["1", "2", "2", "2", "3"]))
                    .str("intelligence", r.pick(&["A", "B", "B", "C", "C", "D", "E"]))
                    .str("handling", r.pick(&["P", "P", "P", "C"])),
            )
        };
        let body = text(&mut r, &p, &spoken, &ad, vrm.as_deref());
        obj = obj
            .str("submitted_by", &w.staff_no(pick_officer(w, &mut r)))
            .str("area", ad.town)
            .obj(
                "subject",
                Json::new()
                    .str("surname", &surname)
                    .str("forenames", &first)
                    .opt("dob", &dob)
                    .obj(
                        "address",
                        Json::new()
                            .str("line", &ad.one_line())
                            .str("postcode", &noise::postcode(&mut r, &ad.postcode, 0.3)),
                    ),
            )
            .opt("vehicle_vrm", vrm.as_deref().unwrap_or(""))
            .str("text", &body);
        if out.write(&mut cx.truth, obj, bad, faults)? {
            cx.person("intel", "subject", &id, pi)?;
        }
    }
    cx.done(out.finish()?);
    Ok(())
}
