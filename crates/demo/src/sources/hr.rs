//! The force's HR system: officers and police staff, as two nightly exports.
//! HR is the most careful system, so its records carry the fewest errors;
//! its addresses are the most often out of date.

use crate::DemoError;
use crate::noise;
use crate::out::{Csv, Faults};
use crate::people::{Person, Role, World, ascii_lower, today};
use crate::places::{self, STAFF_UNITS, STATIONS, UNITS};
use crate::rng::Rng;

use super::{Ctx, sex_code, title};

const TAG_HR: u64 = 0x4852;

const COMMON: &[&str] = &[
    "title",
    "forename",
    "middle_names",
    "surname",
    "known_as",
    "date_of_birth",
    "sex",
    "ethnic_origin",
    "religion",
    "sexual_orientation",
    "disability",
    "unit",
    "station",
    "start_date",
    "leaving_date",
    "status",
    "address_1",
    "address_2",
    "town",
    "postcode",
    "mobile",
    "work_email",
    "line_manager",
    "payroll_no",
    "previous_surname",
    "home_phone",
];

pub fn rank_code(rank: &str) -> &'static str {
    match rank {
        "chief_constable" => "CC",
        "deputy_chief_constable" => "DCC",
        "chief_inspector" => "CI",
        "inspector" => "INSP",
        "sergeant" => "PS",
        _ => "PC",
    }
}

fn religion_text(r: &str) -> &'static str {
    match r {
        "none" => "No religion",
        "christian" => "Christian",
        "muslim" => "Muslim",
        "hindu" => "Hindu",
        "sikh" => "Sikh",
        "jewish" => "Jewish",
        "buddhist" => "Buddhist",
        "other" => "Other",
        _ => "Prefer not to say",
    }
}

fn orientation_text(o: &str) -> &'static str {
    match o {
        "heterosexual" => "Heterosexual",
        "gay_or_lesbian" => "Gay or lesbian",
        "bisexual" => "Bisexual",
        "other" => "Other",
        _ => "Prefer not to say",
    }
}

/// The payroll system's number for staff ordinal `k`: issued by another
/// system than the staff number, so the two never line up.
pub fn payroll_no(k: u32) -> String {
    // 7919 is prime, so this permutes 0..1_000_000 and numbers stay unique.
    format!("PY{:06}", (u64::from(k) * 7919 + 104_729) % 1_000_000)
}

/// A staff member's surname before marriage and the day it changed: HR
/// holds it as a previous surname, older records still use it.
pub fn maiden(w: &World, k: u32, p: &Person) -> Option<(String, crate::date::Date)> {
    let mut r = Rng::for_item(w.seed, TAG_HR ^ 4, u64::from(k));
    if !p.female || p.age() < 27 || !r.chance(0.35) {
        return None;
    }
    let old = crate::names::surname(&mut r, p.community());
    if old == p.surname {
        return None;
    }
    let married = p
        .dob
        .add_days(r.range(24 * 365, i64::from(p.age()) * 365 - 200) as i32);
    Some((old.to_string(), married.min(today().add_days(-30))))
}

/// The surname a record made on `on` would hold.
pub fn surname_on(w: &World, k: u32, p: &Person, on: crate::date::Date) -> String {
    match maiden(w, k, p) {
        Some((old, married)) if on < married => old,
        _ => p.surname.clone(),
    }
}

/// A home landline for about half the workforce, beside the mobile. Each
/// household has its own number (7927 is prime, so this permutes the six
/// digits); staff planted for the shared-phone rule always have one.
pub fn home_phone(w: &World, k: u32) -> Option<String> {
    use crate::indicators_shared::{SWITCHBOARD, SharedPart, shared_part};
    let part = shared_part(k);
    if part == Some(SharedPart::Switchboard) {
        return Some(SWITCHBOARD.to_string());
    }
    let mut r = Rng::for_item(w.seed, TAG_HR ^ 5, u64::from(k));
    (r.chance(0.5) || part.is_some())
        .then(|| format!("01632 {:06}", (u64::from(k) * 7927 + 31_337) % 1_000_000))
}

/// Start date and whether (and when) they left.
pub fn service(w: &World, k: u32, p: &Person) -> (crate::date::Date, Option<crate::date::Date>) {
    let mut r = Rng::for_item(w.seed, TAG_HR ^ 1, u64::from(k));
    let max_years = (p.age() - 19).clamp(0, 35);
    let start = today().add_days(-(r.range(30, i64::from(max_years) * 365 + 60) as i32));
    // A decoy of the directorship rule left long enough ago to have been
    // appointed since.
    let must = crate::indicators_register::must_have_left(k);
    let left = (r.chance(0.06) || must)
        .then(|| today().add_days(-(r.range(if must { 100 } else { 10 }, 700) as i32)))
        .filter(|d| *d > start);
    (start, left)
}

pub fn unit(w: &World, k: u32) -> &'static str {
    let mut r = Rng::for_item(w.seed, TAG_HR ^ 2, u64::from(k / 8));
    if w.staff_role(k) == Role::Officer || w.staff_role(k) == Role::Pcso {
        UNITS[r.zipf(UNITS.len())]
    } else {
        STAFF_UNITS[r.zipf(STAFF_UNITS.len())]
    }
}

pub fn station(w: &World, k: u32) -> &'static str {
    let mut r = Rng::for_item(w.seed, TAG_HR ^ 3, u64::from(k / 8));
    STATIONS[r.zipf(STATIONS.len())]
}

pub fn work_email(p: &Person) -> String {
    format!(
        "{}.{}@northshire.police.uk",
        ascii_lower(p.first),
        ascii_lower(&p.surname)
    )
}

fn job_title(r: &mut Rng, unit: &str, role: Role) -> (&'static str, &'static str) {
    if role == Role::Pcso {
        return ("Police Community Support Officer", "Scale 4");
    }
    let t = match unit {
        "Force Control Room" => r.pick(&["Call Handler", "Dispatcher", "Control Room Supervisor"]),
        "People Services" => r.pick(&["HR Adviser", "HR Business Partner", "Payroll Officer"]),
        "Finance" => r.pick(&["Finance Officer", "Accountant", "Procurement Officer"]),
        "Digital Services" => r.pick(&[
            "Service Desk Analyst",
            "Systems Developer",
            "Digital Forensics Technician",
        ]),
        "Intelligence Unit" => r.pick(&["Intelligence Analyst", "Intelligence Researcher"]),
        "Custody" => "Detention Officer",
        "Front Counter" => "Enquiry Office Clerk",
        "Criminal Justice Unit" => r.pick(&["Case Builder", "Witness Care Officer"]),
        "Professional Standards" => r.pick(&["Vetting Officer", "Investigator"]),
        "Estates" => "Estates Officer",
        _ => "Administrator",
    };
    (
        t,
        r.pick(&[
            "Scale 3", "Scale 4", "Scale 5", "Scale 6", "SO1", "SO2", "PO1",
        ]),
    )
}

pub fn write(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let mut off_header = vec!["staff_no", "collar_no", "rank"];
    off_header.extend_from_slice(COMMON);
    let mut staff_header = vec!["staff_no", "role_type", "job_title", "grade"];
    staff_header.extend_from_slice(COMMON);
    let seed = cx.seed();
    let mut officers = cx.csv("hr_officers.csv", &off_header, &[])?;
    let mut staff = Csv::create(cx.dir, "hr_staff.csv", b',', true, &staff_header, seed, &[])?;
    let w = cx.w;
    for k in 0..w.n_staff {
        let p = w.person(w.staff_index(k));
        let mut r = Rng::for_item(seed, TAG_HR, u64::from(k));
        let role = w.staff_role(k);
        let (start, left) = service(w, k, &p);
        // HR often still has the address given at joining.
        let addr_on = if r.chance(0.7) { today() } else { start };
        let ad = places::address(seed, p.address_on(addr_on));
        let status = if left.is_some() {
            "Leaver"
        } else {
            r.pick(&[
                "Active",
                "Active",
                "Active",
                "Active",
                "Active",
                "Active",
                "Active",
                "Active",
                "Active",
                "Active",
                "Active",
                "Active",
                "Active",
                "Active",
                "Suspended",
                "Restricted",
                "Career Break",
            ])
        };
        let known_as = {
            let n = crate::names::nicknames(p.first);
            if !n.is_empty() && r.chance(0.3) {
                n[0].to_string()
            } else {
                String::new()
            }
        };
        let dob = noise::dob(&mut r, p.dob, 0.0, 0.003)
            .map(|d| d.dmy())
            .unwrap_or_default();
        let unit = unit(w, k);
        let mut common = vec![
            title(&mut r, &p).to_string(),
            p.first.to_string(),
            p.middle.unwrap_or("").to_string(),
            noise::surname(&mut r, &p.surname, 0.003),
            known_as,
            dob,
            sex_code(&p).to_string(),
            p.ethnicity.to_string(),
            religion_text(p.religion).to_string(),
            orientation_text(p.orientation).to_string(),
            if p.disability {
                "Y"
            } else if r.chance(0.05) {
                "Prefer not to say"
            } else {
                "N"
            }
            .to_string(),
            unit.to_string(),
            station(w, k).to_string(),
            start.dmy(),
            left.map(|d| d.dmy()).unwrap_or_default(),
            status.to_string(),
            ad.flat.map(|f| format!("Flat {f}")).unwrap_or_default(),
            format!("{} {}", ad.number, ad.street),
            ad.town.to_string(),
            noise::postcode(&mut r, &ad.postcode, 0.05),
            if p.mobile.is_empty() {
                String::new()
            } else {
                noise::phone(&mut r, &p.mobile)
            },
            work_email(&p),
            w.line_manager(k).map(|m| w.staff_no(m)).unwrap_or_default(),
            payroll_no(k),
            maiden(w, k, &p).map(|m| m.0).unwrap_or_default(),
            home_phone(w, k).unwrap_or_default(),
        ];
        let staff_no = w.staff_no(k);
        let (csv, mut fields) = if role == Role::Officer {
            let rank = w.rank(k);
            (
                &mut officers,
                vec![
                    staff_no.clone(),
                    w.collar_no(k),
                    rank_code(rank).to_string(),
                ],
            )
        } else {
            let (job, grade) = job_title(&mut r, unit, role);
            let rt = if role == Role::Pcso { "PCSO" } else { "STAFF" };
            (
                &mut staff,
                vec![
                    staff_no.clone(),
                    rt.to_string(),
                    job.to_string(),
                    grade.to_string(),
                ],
            )
        };
        fields.append(&mut common);
        if csv.row(&mut cx.truth, fields, Faults::default())? {
            cx.person("hr", "staff", &staff_no, p.index)?;
        }
    }
    cx.done(officers.finish()?);
    cx.done(staff.finish()?);
    Ok(())
}
