//! Public complaints against officers and staff (Professional Standards
//! case management, exported from Excel: UTF-8 with a byte order mark).

use crate::DemoError;
use crate::date::Date;
use crate::noise;
use crate::out::{Bad, Csv, Faults};
use crate::people::World;
use crate::places;
use crate::rng::Rng;

use super::{Ctx, pick_officer, pick_public, recent, title};

const TAG: u64 = 0xC0C0;

const ALLEGATIONS: &[(&str, &str)] = &[
    (
        "DOD",
        "Complainant states officers did not attend a reported burglary for two days.",
    ),
    (
        "DOD",
        "Complainant unhappy that no update was given on a reported assault.",
    ),
    (
        "POW",
        "Complainant believes the stop and search in the town centre was unjustified.",
    ),
    (
        "UOF",
        "Complainant alleges handcuffs were applied too tightly during arrest.",
    ),
    (
        "DIS",
        "Complainant feels they were treated differently because of their ethnicity.",
    ),
    (
        "IND",
        "Complainant states the officer was rude and dismissive at the front counter.",
    ),
    (
        "IND",
        "Complainant alleges the officer swore at them during a roadside stop.",
    ),
    (
        "ACC",
        "Complainant believes their personal details were shared with a neighbour.",
    ),
    (
        "ABP",
        "Complainant alleges the officer contacted them socially after attending an incident.",
    ),
    (
        "OTH",
        "Complainant unhappy with the handling of property seized from them.",
    ),
];

pub fn count(w: &World) -> u32 {
    (w.n_staff * 30 / 100).max(5)
}

pub fn reference(k: u32, received: Date) -> String {
    format!("CO/{}/{:05}", received.year(), u64::from(k) + 1)
}

/// The subject (staff ordinal) and date of complaint `k`: rebuilt by
/// conduct matters that arise from complaints.
pub fn basics(w: &World, k: u32) -> (u32, Date, Rng) {
    let mut r = Rng::for_item(w.seed, TAG, u64::from(k));
    let subject = pick_officer(w, &mut r);
    let received = recent(&mut r, 4 * 365);
    (subject, received, r)
}

pub fn write(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "complaint_ref",
        "received",
        "complainant_title",
        "complainant_forename",
        "complainant_surname",
        "complainant_dob",
        "complainant_address",
        "complainant_town",
        "complainant_postcode",
        "complainant_phone",
        "complainant_email",
        "subject_staff_no",
        "subject_collar_no",
        "allegation_code",
        "allegation",
        "handling",
        "outcome",
    ];
    let bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Columns];
    let mut csv = Csv::create(
        cx.dir,
        "complaints.csv",
        b',',
        true,
        &header,
        cx.seed(),
        &bad,
    )?;
    let w = cx.w;
    for k in 0..count(w) {
        let (subject, received, mut r) = basics(w, k);
        let p = pick_public(w, &mut r, [0.02, 0.5, 1.0]);
        let ad = places::address(cx.seed(), p.address_on(received));
        let (code, text) = r.pick(ALLEGATIONS);
        let rf = reference(k, received);
        let outcome = if received > crate::people::today().add_days(-120) {
            "ONG"
        } else {
            r.pick(&["SA", "SA", "SNA", "NFA", "NFA", "WD", "RC"])
        };
        let fields = vec![
            rf.clone(),
            received.dmy(),
            title(&mut r, &p).to_string(),
            noise::first_name(&mut r, p.first, 0.1, 0.03),
            noise::surname(&mut r, &p.surname, 0.03),
            noise::dob(&mut r, p.dob, 0.3, 0.02)
                .map(Date::dmy)
                .unwrap_or_default(),
            ad.line1(),
            ad.town.to_string(),
            noise::postcode(&mut r, &ad.postcode, 0.2),
            if p.mobile.is_empty() {
                String::new()
            } else {
                noise::phone(&mut r, &p.mobile)
            },
            if r.chance(0.5) {
                p.email.clone()
            } else {
                String::new()
            },
            w.staff_no(subject),
            if r.chance(0.7) {
                w.collar_no(subject)
            } else {
                String::new()
            },
            code.to_string(),
            text.to_string(),
            (r.pick(&["OUT", "OUT", "RP", "RP", "INV", "IOPC"])).to_string(),
            outcome.to_string(),
        ];
        let faults = Faults {
            key: Some(0),
            date: Some(1),
            enumeration: Some(13),
            latin1: None,
            columns: true,
        };
        if csv.row(&mut cx.truth, fields, faults)? {
            cx.person("complaints", "complainant", &rf, p.index)?;
        }
    }
    cx.done(csv.finish()?);
    Ok(())
}
