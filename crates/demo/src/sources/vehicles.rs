//! Registered keepers of vehicles (a DVLA-style extract, as Parquet).

use crate::DemoError;
use crate::date::Date;
use crate::noise;
use crate::out::{Parquet, PqKind, PqVal, s};
use crate::people::{Kind, Person, World, today};
use crate::places;
use crate::rng::{Rng, mix};

use super::{Ctx, title};

const TAG: u64 = 0x7EC1;

/// Registration letters (UK plates use neither I nor Q).
const LETTERS: &[u8] = b"ABCDEFGHJKLMNOPRSTUVWXYZ";
const MAKES: &[(&str, &[&str])] = &[
    (
        "FORD",
        &["FIESTA", "FOCUS", "KUGA", "TRANSIT CUSTOM", "PUMA"],
    ),
    ("VAUXHALL", &["CORSA", "ASTRA", "MOKKA", "VIVARO"]),
    ("VOLKSWAGEN", &["GOLF", "POLO", "TIGUAN", "PASSAT"]),
    ("TOYOTA", &["YARIS", "COROLLA", "C-HR", "AYGO"]),
    ("NISSAN", &["QASHQAI", "JUKE", "MICRA"]),
    ("BMW", &["1 SERIES", "3 SERIES", "X1"]),
    ("AUDI", &["A3", "A4", "Q3"]),
    ("KIA", &["SPORTAGE", "PICANTO", "CEED"]),
    ("HYUNDAI", &["TUCSON", "I10", "I20"]),
    ("MERCEDES-BENZ", &["A CLASS", "C CLASS", "SPRINTER"]),
    ("PEUGEOT", &["208", "2008", "3008"]),
    ("SKODA", &["OCTAVIA", "FABIA"]),
    ("HONDA", &["CIVIC", "JAZZ", "CBR500R"]),
];
const COLOURS: &[&str] = &[
    "BLACK", "WHITE", "SILVER", "GREY", "BLUE", "RED", "GREEN", "ORANGE",
];

#[derive(Debug, Clone)]
pub struct Vehicle {
    pub vrm: String,
    pub make: &'static str,
    pub model: &'static str,
    pub colour: &'static str,
    pub year: i32,
    pub since: Date,
}

/// The vehicles a person keeps: a pure function of the person, so
/// intelligence reports can mention the right car.
pub fn vehicles_of(w: &World, p: &Person) -> Vec<Vehicle> {
    if matches!(p.kind, Kind::Child(_)) || p.age() < 18 {
        return Vec::new();
    }
    let mut r = Rng::for_item(w.seed, TAG, u64::from(p.index));
    let chance = if matches!(p.kind, Kind::Staff(_)) {
        0.8
    } else {
        0.45
    };
    if !r.chance(chance) {
        return Vec::new();
    }
    let n = if r.chance(0.2) { 2 } else { 1 };
    (0..n)
        .map(|j| {
            let (make, models) = MAKES[r.zipf(MAKES.len())];
            let year = today().year() - r.range(0, 16) as i32;
            let since = Date::from_ymd(year, 1, 1)
                .add_days(r.range(0, 3000) as i32)
                .min(today().add_days(-(r.range(1, 300) as i32)));
            Vehicle {
                vrm: vrm(w.seed, p.index * 2 + j, year, since),
                make,
                model: models[r.below_usize(models.len())],
                colour: COLOURS[r.zipf(COLOURS.len())],
                year,
                since,
            }
        })
        .collect()
}

/// `AB12 CDE`: the five letters are a bijection of the vehicle number, so
/// registrations never collide; the digits are the age identifier.
fn vrm(seed: u64, v: u32, year: i32, _since: Date) -> String {
    const SPACE: u64 = 24 * 24 * 24 * 24 * 24;
    let offset = mix(seed) % SPACE;
    let mut x = (u64::from(v) * 7919 + offset) % SPACE;
    let mut l = [0u8; 5];
    for c in l.iter_mut().rev() {
        *c = LETTERS[(x % 24) as usize];
        x /= 24;
    }
    let age = (year % 100 + if v.is_multiple_of(2) { 0 } else { 50 }) % 100;
    format!(
        "{}{}{age:02} {}{}{}",
        l[0] as char, l[1] as char, l[2] as char, l[3] as char, l[4] as char
    )
}

pub fn write(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let cols = [
        ("vrm", PqKind::Str),
        ("make", PqKind::Str),
        ("model", PqKind::Str),
        ("colour", PqKind::Str),
        ("year_of_manufacture", PqKind::I32),
        ("keeper_title", PqKind::Str),
        ("keeper_forenames", PqKind::Str),
        ("keeper_surname", PqKind::Str),
        ("keeper_dob", PqKind::Str),
        ("keeper_address1", PqKind::Str),
        ("keeper_address2", PqKind::Str),
        ("keeper_town", PqKind::Str),
        ("keeper_postcode", PqKind::Str),
        ("keeper_since", PqKind::Str),
    ];
    let mut pq = Parquet::create(cx.dir, "vehicle_keepers.parquet", &cols)?;
    let w = cx.w;
    for i in 0..w.child_base() {
        let p = w.person(i);
        for v in vehicles_of(w, &p) {
            let mut r = Rng::for_item(cx.seed(), TAG ^ 0xF00, u64::from(i) ^ mix(v.year as u64));
            // The keeper's address is whatever they last told the registry.
            let at = if r.chance(0.8) { today() } else { v.since };
            let ad = places::address(cx.seed(), p.address_on(at));
            let mut forenames = noise::first_name(&mut r, p.first, 0.02, 0.01);
            if let Some(m) = p.middle {
                forenames = format!("{forenames} {m}");
            }
            let surname = if v.since < today().add_days(-2000) {
                p.birth_surname.clone().unwrap_or_else(|| p.surname.clone())
            } else {
                p.surname.clone()
            };
            pq.row(vec![
                s(v.vrm.clone()),
                s(v.make),
                s(v.model),
                s(v.colour),
                PqVal::I(v.year),
                s(title(&mut r, &p)),
                s(forenames.to_uppercase()),
                s(surname.to_uppercase()),
                s(p.dob.compact()),
                s(ad.flat.map(|f| format!("FLAT {f}")).unwrap_or_default()),
                s(format!("{} {}", ad.number, ad.street.to_uppercase())),
                s(ad.town.to_uppercase()),
                s(ad.postcode.clone()),
                s(v.since.compact()),
            ])?;
            cx.person("vehicles", "keeper", &v.vrm, i)?;
        }
    }
    cx.done(pq.finish()?);
    Ok(())
}
