//! An extract of the companies register: the officers of companies in the
//! county, as the register publishes them: `SURNAME, Forename Middle`, the
//! month and year of birth only, and a correspondence address. Some are
//! staff with a directorship (under the surname they had when appointed),
//! some are their relatives on the same board at the same address, and some
//! merely share a staff member's name.

use crate::DemoError;
use crate::date::Date;
use crate::entity_id;
use crate::people::{Person, today};
use crate::places;
use crate::rng::Rng;
use crate::truth::Forbidden;
use crate::written::{NameParts, register_form};

use super::Ctx;
use super::hr::surname_on;

const TAG: u64 = 0xC0C0;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const TRADES: &[&str] = &[
    "Property",
    "Consulting",
    "Security Services",
    "Lettings",
    "Training",
    "Building Services",
    "Holdings",
    "Fitness",
];

const OCCUPATIONS: &[&str] = &["Director", "Company Director", "Consultant", "None"];

/// `%B %Y`, as the register shows a date of birth.
fn month_year(d: Date) -> String {
    let (y, m, _) = d.ymd();
    let month = MONTHS.get(m as usize - 1).copied().unwrap_or("January");
    format!("{month} {y}")
}

struct Officer<'a> {
    id: String,
    company: &'a str,
    company_name: &'a str,
    name: String,
    role: &'static str,
    born: Date,
    address: u32,
    appointed: Date,
    resigned: Option<Date>,
}

pub fn write(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "officer_id",
        "company_number",
        "company_name",
        "name",
        "officer_role",
        "date_of_birth",
        "occupation",
        "address_line_1",
        "locality",
        "postal_code",
        "appointed_on",
        "resigned_on",
    ];
    let mut csv = cx.csv("company_officers.csv", &header, &[])?;
    let w = cx.w;
    let seed = cx.seed();
    let mut seq = 0u32;
    let mut write = |cx: &mut Ctx<'_>, r: &mut Rng, o: Officer<'_>| -> Result<bool, DemoError> {
        let ad = places::address(seed, o.address);
        let fields = vec![
            o.id,
            o.company.to_string(),
            o.company_name.to_string(),
            o.name,
            o.role.to_string(),
            month_year(o.born),
            r.pick(OCCUPATIONS).to_string(),
            ad.line1(),
            ad.town.to_string(),
            ad.postcode.clone(),
            o.appointed.iso(),
            o.resigned.map(Date::iso).unwrap_or_default(),
        ];
        csv.row(&mut cx.truth, fields, Default::default())
    };
    for k in 0..w.n_staff {
        let p = w.person(w.staff_index(k));
        let mut r = Rng::for_item(seed, TAG, u64::from(k));
        // Staff planted for the directorship rule hold only the planted
        // appointment, so that each plays exactly its part.
        let director = r.chance(0.06) && crate::indicators_register::register_part(k).is_none();
        let namesake = r.chance(0.04);
        if director {
            seq += 1;
            let company = format!("{:08}", 9_000_000 + seq);
            let adult = p.dob.add_days(18 * 365);
            let span = (today().0 - adult.0).clamp(1, 20 * 365);
            let appointed = today().add_days(-(r.below(span as u64) as i32));
            let surname = surname_on(w, k, &p, appointed);
            let company_name = format!("{surname} {} Ltd", r.pick(TRADES));
            let id = officer_id(seq, 1);
            let address = p.address_on(appointed);
            let o = Officer {
                id: id.clone(),
                company: &company,
                company_name: &company_name,
                name: register_form(&parts(&p, &surname)),
                role: "director",
                born: p.dob,
                address,
                appointed,
                resigned: None,
            };
            if write(cx, &mut r, o)? {
                cx.person("companies", "officer", &id, p.index)?;
            }
            // A family company: a parent or grown child on the board, at
            // the same address and with the same surname.
            if r.chance(0.5) {
                let parent = p.age() < 45;
                let gap = r.range(24 * 365, 34 * 365) as i32;
                let born = if parent {
                    p.dob.add_days(-gap)
                } else {
                    p.dob.add_days(gap)
                };
                // A father and son of the same name tell themselves apart
                // with a suffix; the dates of birth still do.
                let named_after = !p.female && r.chance(0.25);
                if born.age_on(today()) >= 18 {
                    let female = !named_after && r.chance(0.5);
                    let first = if named_after {
                        p.first
                    } else {
                        crate::names::first_name(&mut r, p.community(), female, born.year())
                    };
                    if named_after || first != p.first {
                        let id = officer_id(seq, 2);
                        let name = NameParts {
                            title: "",
                            first,
                            middle: None,
                            surname: &surname,
                            nickname: None,
                        };
                        let o = Officer {
                            id: id.clone(),
                            company: &company,
                            company_name: &company_name,
                            name: match (named_after, parent) {
                                (false, _) => register_form(&name),
                                (true, true) => format!("{} Snr", register_form(&name)),
                                (true, false) => format!("{} Jnr", register_form(&name)),
                            },
                            role: if r.chance(0.5) {
                                "director"
                            } else {
                                "secretary"
                            },
                            born,
                            address,
                            appointed,
                            resigned: None,
                        };
                        if write(cx, &mut r, o)? {
                            let other = format!("relative-{id}");
                            let eid = entity_id("companies", "officer", &[&id]);
                            cx.truth.person(&eid, &other)?;
                            cx.truth
                                .forbid(Forbidden::Relative, &w.person_id(p.index), &other)?;
                        }
                    }
                }
            }
        }
        // Someone else of the same name, born in another month, elsewhere.
        if namesake {
            seq += 1;
            let company = format!("{:08}", 9_000_000 + seq);
            let company_name = format!("{} {} Ltd", p.surname, r.pick(TRADES));
            let mut born = today().add_days(-(r.range(20 * 365, 70 * 365) as i32));
            if month_year(born) == month_year(p.dob) {
                born = born.add_days(40);
            }
            let id = officer_id(seq, 3);
            let o = Officer {
                id: id.clone(),
                company: &company,
                company_name: &company_name,
                name: register_form(&NameParts {
                    middle: None,
                    ..parts(&p, &p.surname)
                }),
                role: "director",
                born,
                address: r.below(u64::from(w.n_addresses)) as u32,
                appointed: super::recent(&mut r, 3000),
                resigned: None,
            };
            if write(cx, &mut r, o)? {
                let other = format!("namesake-{id}");
                cx.truth
                    .person(&entity_id("companies", "officer", &[&id]), &other)?;
                cx.truth
                    .forbid(Forbidden::Namesake, &w.person_id(p.index), &other)?;
            }
        }
    }
    // Planted for the directorship rule, after everyone else so that the
    // rest of the register is unchanged.
    for k in 0..w.n_staff {
        let p = w.person(w.staff_index(k));
        let (start, left) = super::hr::service(w, k, &p);
        let Some(d) = crate::indicators_register::directorship(k, &p.surname, start, left) else {
            continue;
        };
        let id = officer_id(k, 4);
        let mut r = Rng::for_item(seed, TAG ^ 1, u64::from(k));
        let o = Officer {
            id: id.clone(),
            company: &d.number,
            company_name: &d.name,
            name: register_form(&parts(&p, &p.surname)),
            role: "director",
            born: p.dob,
            address: p.current_address(),
            appointed: d.appointed,
            resigned: None,
        };
        if write(cx, &mut r, o)? {
            cx.person("companies", "officer", &id, p.index)?;
        }
    }
    cx.done(csv.finish()?);
    Ok(())
}

fn parts<'a>(p: &'a Person, surname: &'a str) -> NameParts<'a> {
    NameParts {
        title: "",
        first: p.first,
        middle: p.middle,
        surname,
        nickname: None,
    }
}

/// The register's id of an appointment: one per company and board seat.
fn officer_id(company: u32, seat: u8) -> String {
    format!("OF{company:07}{seat}")
}
