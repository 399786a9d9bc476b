//! The fictional systems' exports, one module per system.

mod absence;
pub(crate) mod access;
mod cards;
mod children;
mod companies;
mod complaints;
mod conduct;
mod crime;
mod declarations;
mod gazetteer;
mod hr;
mod intel;
pub(crate) mod overtime;
mod rosters;
mod vehicles;
mod vetting;

use std::path::{Path, PathBuf};

use crate::out::{Bad, Csv};
use crate::people::{Person, Role, World};
use crate::rng::Rng;
use crate::truth::Truth;
use crate::{DemoError, SourceFile, entity_id};

pub(crate) use hr::{home_phone, service, station};
pub(crate) use overtime::Claim;

/// Mapping files in ingest order: records that others reference come first.
pub const MAPPINGS: &[(&str, &str)] = &[
    (
        "gazetteer.toml",
        include_str!("../../mappings/gazetteer.toml"),
    ),
    (
        "hr_officers.toml",
        include_str!("../../mappings/hr_officers.toml"),
    ),
    (
        "hr_staff.toml",
        include_str!("../../mappings/hr_staff.toml"),
    ),
    (
        "union_memberships.toml",
        include_str!("../../mappings/union_memberships.toml"),
    ),
    ("absence.toml", include_str!("../../mappings/absence.toml")),
    (
        "overtime.toml",
        include_str!("../../mappings/overtime.toml"),
    ),
    (
        "roster_shifts.toml",
        include_str!("../../mappings/roster_shifts.toml"),
    ),
    ("vetting.toml", include_str!("../../mappings/vetting.toml")),
    (
        "business_interests.toml",
        include_str!("../../mappings/business_interests.toml"),
    ),
    (
        "memberships.toml",
        include_str!("../../mappings/memberships.toml"),
    ),
    (
        "crime_persons.toml",
        include_str!("../../mappings/crime_persons.toml"),
    ),
    (
        "crime_incidents.toml",
        include_str!("../../mappings/crime_incidents.toml"),
    ),
    (
        "crime_involvements.toml",
        include_str!("../../mappings/crime_involvements.toml"),
    ),
    (
        "intel_reports.toml",
        include_str!("../../mappings/intel_reports.toml"),
    ),
    (
        "vehicle_keepers.toml",
        include_str!("../../mappings/vehicle_keepers.toml"),
    ),
    (
        "complaints.toml",
        include_str!("../../mappings/complaints.toml"),
    ),
    (
        "conduct_matters.toml",
        include_str!("../../mappings/conduct_matters.toml"),
    ),
    (
        "notifiable_associations.toml",
        include_str!("../../mappings/notifiable_associations.toml"),
    ),
    (
        "access_events.toml",
        include_str!("../../mappings/access_events.toml"),
    ),
    (
        "csc_practitioners.toml",
        include_str!("../../mappings/csc_practitioners.toml"),
    ),
    (
        "csc_children.toml",
        include_str!("../../mappings/csc_children.toml"),
    ),
    (
        "csc_carers.toml",
        include_str!("../../mappings/csc_carers.toml"),
    ),
    (
        "csc_family_links.toml",
        include_str!("../../mappings/csc_family_links.toml"),
    ),
    (
        "csc_cases.toml",
        include_str!("../../mappings/csc_cases.toml"),
    ),
    (
        "csc_assessments.toml",
        include_str!("../../mappings/csc_assessments.toml"),
    ),
    (
        "csc_ehc_plans.toml",
        include_str!("../../mappings/csc_ehc_plans.toml"),
    ),
    (
        "csc_case_notes.toml",
        include_str!("../../mappings/csc_case_notes.toml"),
    ),
    (
        "access_cards.toml",
        include_str!("../../mappings/access_cards.toml"),
    ),
    (
        "company_officers.toml",
        include_str!("../../mappings/company_officers.toml"),
    ),
];

/// Nominal records of the crime system, kept compactly because incidents,
/// intelligence and declarations refer back to them.
#[derive(Debug, Default)]
pub struct Nominals {
    /// Person index per nominal ordinal, ascending (duplicates adjacent).
    pub person: Vec<u32>,
    /// Principal role code per nominal (b'S', b'V', b'W', b'O').
    pub role: Vec<u8>,
}

impl Nominals {
    pub fn id(ordinal: u32) -> String {
        format!("N{:07}", u64::from(ordinal) + 1)
    }

    pub fn len(&self) -> u32 {
        self.person.len() as u32
    }

    /// The first nominal record of a person, if the crime system has one.
    pub fn of_person(&self, index: u32) -> Option<u32> {
        let at = self.person.partition_point(|p| *p < index);
        (self.person.get(at) == Some(&index)).then_some(at as u32)
    }

    /// A nominal with principal role `role`, favouring none in particular.
    pub fn pick_role(&self, r: &mut Rng, role: u8) -> Option<u32> {
        if self.person.is_empty() {
            return None;
        }
        for _ in 0..64 {
            let k = r.below(u64::from(self.len())) as u32;
            if self.role.get(k as usize) == Some(&role) {
                return Some(k);
            }
        }
        None
    }
}

pub struct Ctx<'a> {
    pub w: &'a World,
    pub dir: &'a Path,
    pub truth: Truth,
    pub sources: Vec<SourceFile>,
    pub nominals: Nominals,
    /// Mean usual access events per member of staff (the scaled benchmark
    /// raises it).
    pub access_per_staff: f64,
}

impl<'a> Ctx<'a> {
    pub fn new(w: &'a World, dir: &'a Path) -> Result<Self, DemoError> {
        Ok(Self {
            w,
            dir,
            truth: Truth::create(dir)?,
            sources: Vec::new(),
            nominals: Nominals::default(),
            access_per_staff: access::ACCESS_PER_STAFF,
        })
    }

    pub fn seed(&self) -> u64 {
        self.w.seed
    }

    /// A comma-separated file without a byte-order mark, the usual export.
    pub fn csv(&self, name: &str, header: &[&'static str], bad: &[Bad]) -> Result<Csv, DemoError> {
        Csv::create(self.dir, name, b',', false, header, self.seed(), bad)
    }

    pub fn done(&mut self, (file, rows): (String, u64)) {
        self.sources.push(SourceFile { file, rows });
    }

    /// Records that the person-like record `dataset:name:key` is `person`.
    pub fn person(
        &mut self,
        dataset: &str,
        name: &str,
        key: &str,
        person: u32,
    ) -> Result<(), DemoError> {
        let id = entity_id(dataset, name, &[key]);
        let pid = self.w.person_id(person);
        self.truth.person(&id, &pid)
    }

    pub fn finish(self) -> Result<(PathBuf, PathBuf, PathBuf, u64, Vec<SourceFile>), DemoError> {
        let truth_path = self.truth.truth_path.clone();
        let bad_path = self.truth.bad_path.clone();
        let forbidden_path = self.truth.forbidden_path.clone();
        let rows = self.truth.finish()?;
        Ok((truth_path, bad_path, forbidden_path, rows, self.sources))
    }
}

pub fn write_all(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    gazetteer::write(cx)?;
    hr::write(cx)?;
    declarations::unions(cx)?;
    absence::write(cx)?;
    overtime::write(cx)?;
    rosters::write(cx)?;
    vetting::write(cx)?;
    declarations::interests(cx)?;
    declarations::memberships(cx)?;
    crime::persons(cx)?;
    crime::incidents(cx)?;
    intel::write(cx)?;
    vehicles::write(cx)?;
    complaints::write(cx)?;
    conduct::write(cx)?;
    declarations::associations(cx)?;
    access::write(cx)?;
    children::write(cx)?;
    cards::write(cx)?;
    companies::write(cx)?;
    Ok(())
}

/// Only the sources the shipped indicator rules read (and what they
/// reference), in ingest order: the scaled benchmark's data set.
pub fn write_indicator_sources(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    hr::write(cx)?;
    absence::write(cx)?;
    overtime::write(cx)?;
    declarations::interests(cx)?;
    crime::persons(cx)?;
    complaints::write(cx)?;
    declarations::associations(cx)?;
    access::write(cx)?;
    cards::write(cx)?;
    companies::write(cx)?;
    Ok(())
}

/// A member of the public, favouring those with more police contact.
/// `weights` is the acceptance chance per contact tier.
pub fn pick_public(w: &World, r: &mut Rng, weights: [f64; 3]) -> Person {
    let (lo, hi) = w.public_range();
    let mut last = None;
    for _ in 0..200 {
        let i = lo + r.below(u64::from(hi - lo)) as u32;
        let p = w.person(i);
        if r.chance(weights[usize::from(p.tier.min(2))]) {
            return p;
        }
        last = Some(p);
    }
    last.unwrap_or_else(|| w.person(lo))
}

/// An officer's staff ordinal; a few officers draw far more of everything
/// (complaints, incidents), as in life.
pub fn pick_officer(w: &World, r: &mut Rng) -> u32 {
    for _ in 0..64 {
        let u = r.f64();
        let k = ((u * u) * f64::from(w.n_staff)) as u32;
        // Spread the skew over the workforce rather than the oldest hires.
        let k = (k.wrapping_mul(2_654_435_761) ^ (w.seed as u32)) % w.n_staff;
        if w.staff_role(k) == Role::Officer {
            return k;
        }
    }
    0
}

/// Sex as most police systems code it.
pub fn sex_code(p: &Person) -> &'static str {
    if p.female { "F" } else { "M" }
}

pub fn title(r: &mut Rng, p: &Person) -> &'static str {
    if p.age() < 16 {
        return if p.female { "Miss" } else { "Master" };
    }
    if p.female {
        r.pick(crate::names::TITLES_FEMALE)
    } else {
        r.pick(crate::names::TITLES_MALE)
    }
}

/// A date in the `days` before today.
pub fn recent(r: &mut Rng, days: i64) -> crate::date::Date {
    crate::people::today().add_days(-(r.range(0, days) as i32))
}
