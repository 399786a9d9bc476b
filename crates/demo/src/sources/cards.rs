//! The access-control system's card holders: a whole name typed by whoever
//! issued the card, the employee number when they had it, and a date of
//! birth the system demands and so often holds as `1900-01-01`.

use crate::DemoError;
use crate::entity_id;
use crate::out::{Bad, Faults};
use crate::people::today;
use crate::rng::Rng;
use crate::truth::Forbidden;
use crate::written::{NameParts, any_form};

use super::hr::{self, surname_on};
use super::{Ctx, title};

const TAG: u64 = 0xCA4D;

/// What the issuing clerk writes when they lack a value.
const PLACEHOLDER_DATE: &str = "1900-01-01";

pub fn write(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "card_no",
        "holder",
        "employee_no",
        "department",
        "date_of_birth",
        "issued",
    ];
    let mut csv = cx.csv("access_cards.csv", &header, &[Bad::Key, Bad::Date])?;
    let faults = Faults {
        key: Some(0),
        date: Some(4),
        ..Faults::default()
    };
    let w = cx.w;
    let mut seq = 0u32;
    for k in 0..w.n_staff {
        let p = w.person(w.staff_index(k));
        let mut r = Rng::for_item(cx.seed(), TAG, u64::from(k));
        let (start, _) = hr::service(w, k, &p);
        let unit = hr::unit(w, k);
        // A lost or worn card is replaced: the system keeps both.
        let cards = if r.chance(0.15) { 2 } else { 1 };
        for _ in 0..cards {
            seq += 1;
            let card_no = format!("C{seq:07}");
            let span = (today().0 - start.0).max(1);
            let issued = start.add_days(r.below(span as u64) as i32);
            let surname = surname_on(w, k, &p, issued);
            let nickname = crate::names::nicknames(p.first).first().copied();
            let title = title(&mut r, &p);
            let name = any_form(
                &mut r,
                &NameParts {
                    title,
                    first: p.first,
                    middle: p.middle,
                    surname: &surname,
                    nickname,
                },
            );
            let employee = if r.chance(0.04) {
                "UNKNOWN".to_string()
            } else {
                w.staff_no(k)
            };
            let department = if r.chance(0.05) { "N/A" } else { unit };
            let dob = if r.chance(0.5) {
                p.dob.iso()
            } else {
                PLACEHOLDER_DATE.to_string()
            };
            let fields = vec![
                card_no.clone(),
                name,
                employee,
                department.to_string(),
                dob,
                issued.iso(),
            ];
            if csv.row(&mut cx.truth, fields, faults)? {
                cx.person("cards", "holder", &card_no, p.index)?;
            }
        }
        // A contractor who shares a staff member's name, with no employee
        // number and no date of birth: nothing but the name to go on.
        if r.chance(0.03) {
            seq += 1;
            let card_no = format!("C{seq:07}");
            let nickname = crate::names::nicknames(p.first).first().copied();
            let title = title(&mut r, &p);
            let name = any_form(
                &mut r,
                &NameParts {
                    title,
                    first: p.first,
                    middle: None,
                    surname: &p.surname,
                    nickname,
                },
            );
            let fields = vec![
                card_no.clone(),
                name,
                String::new(),
                "Contractor".to_string(),
                PLACEHOLDER_DATE.to_string(),
                super::recent(&mut r, 700).iso(),
            ];
            if csv.row(&mut cx.truth, fields, faults)? {
                let other = format!("contractor-{card_no}");
                cx.truth
                    .person(&entity_id("cards", "holder", &[&card_no]), &other)?;
                let staff = w.person_id(p.index);
                cx.truth.forbid(Forbidden::Namesake, &staff, &other)?;
            }
        }
    }
    cx.done(csv.finish()?);
    Ok(())
}
