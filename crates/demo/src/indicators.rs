//! Patterns planted for the indicator rules the demo ships, with ground
//! truth: for each rule, the staff who match it (`pattern`), near misses
//! that must not (`decoy`), and people whose only absences are of a
//! protected class (`protected_only`), whom no rule may ever flag.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::out::{create, io};
use crate::people::{Role, World, today};
use crate::sources::Claim;
use crate::sources::overtime::claims;
use crate::{DemoError, entity_id};

/// The shipped rule the absence patterns are planted for.
pub const ABSENCE_RULE: &str = "repeated_absence";
/// The shipped rule the overtime patterns are planted for.
pub const OVERTIME_RULE: &str = "unconfirmed_overtime";

/// The part a staff member plays in the ground truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Planted {
    /// Four distinct sickness absences within 90 days.
    Pattern,
    /// Three within 90 days, one of them exported twice (two rows, one absence).
    Decoy,
    /// Six absences in 90 days, every one of a protected class.
    ProtectedOnly,
    /// Three sickness absences within 90 days and a fourth that an
    /// attendance check an alert directed put on record: a rule that
    /// excludes directed records must not count it.
    DirectedDecoy,
}

impl Planted {
    fn code(self) -> &'static str {
        match self {
            Self::Pattern => "pattern",
            Self::Decoy | Self::DirectedDecoy => "decoy",
            Self::ProtectedOnly => "protected_only",
        }
    }
}

/// Spacing of planted staff: one of each part in every 25 staff ordinals.
pub(crate) const EVERY: u32 = 25;

pub(crate) fn absence_part(k: u32) -> Option<Planted> {
    match k % EVERY {
        5 => Some(Planted::Pattern),
        12 => Some(Planted::Decoy),
        19 => Some(Planted::ProtectedOnly),
        22 => Some(Planted::DirectedDecoy),
        _ => None,
    }
}

/// One planted absence: start, reason code and text, days lost, and
/// whether it is a second export of the row before.
pub(crate) struct PlantedAbsence {
    pub start: Date,
    pub code: &'static str,
    pub reason: &'static str,
    pub days: i64,
    /// The alert whose check put the absence on record, if one did.
    pub check_ref: &'static str,
}

/// The absences a planted staff member has instead of their usual ones.
pub(crate) fn absences(part: Planted) -> Vec<PlantedAbsence> {
    let at = |days_ago: i32| today().add_days(-days_ago);
    let sick = |days_ago: i32, reason: &'static str| PlantedAbsence {
        start: at(days_ago),
        code: "SICK",
        reason,
        days: 2,
        check_ref: "",
    };
    match part {
        Planted::Pattern => vec![
            sick(100, "Cold/flu"),
            sick(80, "Migraine"),
            sick(55, "Gastrointestinal"),
            sick(30, "Back pain"),
        ],
        Planted::Decoy => vec![
            sick(100, "Cold/flu"),
            sick(70, "Migraine"),
            // The same absence in two rows: the export ran twice.
            sick(40, "Back pain"),
            sick(40, "Back pain"),
        ],
        Planted::DirectedDecoy => vec![
            sick(100, "Cold/flu"),
            sick(75, "Migraine"),
            sick(50, "Back pain"),
            // Unrecorded until a roster check an alert directed found it.
            PlantedAbsence {
                check_ref: "ALERT-CHECK-0007",
                ..sick(25, "Absent from rostered shift, not reported")
            },
        ],
        Planted::ProtectedOnly => [
            ("DIS", "Treatment for long-term condition", 120),
            ("ADJ", "Assessment for reasonable adjustments", 105),
            ("DIS", "Disability-related hospital appointment", 90),
            ("ADJ", "Phased return on adjusted duties", 75),
            ("DIS", "Flare-up of long-term condition", 60),
            ("ADO", "Adoption leave", 45),
        ]
        .into_iter()
        .map(|(code, reason, days_ago)| PlantedAbsence {
            start: at(days_ago),
            code,
            reason,
            days: 3,
            check_ref: "",
        })
        .collect(),
    }
}

/// The part an officer plays for the overtime rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OvertimePart {
    /// Three claims for work at a station with no door swipe that day.
    Pattern,
    /// Three claims for court and training: off-site, so not checkable.
    OffSite,
    /// Three station claims, each with a swipe that day.
    Corroborated,
}

pub(crate) fn overtime_part(w: &World, k: u32) -> Option<OvertimePart> {
    if w.staff_role(k) != Role::Officer {
        return None;
    }
    match k % EVERY {
        8 => Some(OvertimePart::Pattern),
        15 => Some(OvertimePart::OffSite),
        22 => Some(OvertimePart::Corroborated),
        _ => None,
    }
}

/// Older than the door system's everyday events (60 days), so only the
/// swipes planted with them can confirm them.
const PLANTED_OVERTIME_DAYS_AGO: [i32; 3] = [75, 95, 115];

/// The claims planted for officer `k`, besides their usual ones.
pub(crate) fn overtime_claims(w: &World, k: u32) -> Vec<Claim> {
    let Some(part) = overtime_part(w, k) else {
        return Vec::new();
    };
    let reasons: [&'static str; 3] = match part {
        OvertimePart::OffSite => ["CRT", "TRN", "CRT"],
        OvertimePart::Pattern | OvertimePart::Corroborated => ["EXT", "EXT", "EXT"],
    };
    PLANTED_OVERTIME_DAYS_AGO
        .iter()
        .zip(reasons)
        .map(|(days_ago, reason)| Claim {
            date: today().add_days(-days_ago),
            hours: 4.0,
            rate: "1.5",
            reason,
            operation: "",
            status: "PAID",
        })
        .collect()
}

/// The days officer `k` swiped in at their station to work the overtime
/// they claimed on site: every such claim has one, except the planted
/// pattern's claims.
pub(crate) fn overtime_swipes(w: &World, k: u32) -> Vec<Date> {
    let part = overtime_part(w, k);
    let missing: Vec<Date> = match part {
        Some(OvertimePart::Pattern) => overtime_claims(w, k).iter().map(|c| c.date).collect(),
        _ => Vec::new(),
    };
    let planted = match part {
        Some(OvertimePart::Corroborated) => overtime_claims(w, k),
        _ => Vec::new(),
    };
    let mut out: Vec<Date> = claims(w, k)
        .iter()
        .chain(&planted)
        .filter(|c| c.on_site() && !missing.contains(&c.date))
        .map(|c| c.date)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Writes `indicator_truth.csv`: `rule,part,entity_id` for every planted
/// staff member, the entity id being their HR record's.
pub(crate) fn write_truth(w: &World, dir: &Path) -> Result<PathBuf, DemoError> {
    let path = dir.join("indicator_truth.csv");
    let mut f = std::io::BufWriter::new(create(&path)?);
    let mut out = String::from("rule,part,entity_id\n");
    for k in 0..w.n_staff {
        let id = entity_id("hr", "staff", &[&w.staff_no(k)]);
        if let Some(part) = absence_part(k) {
            out.push_str(&format!("{ABSENCE_RULE},{},{id}\n", part.code()));
        }
        if let Some(part) = overtime_part(w, k) {
            let code = match part {
                OvertimePart::Pattern => "pattern",
                OvertimePart::OffSite | OvertimePart::Corroborated => "decoy",
            };
            out.push_str(&format!("{OVERTIME_RULE},{code},{id}\n"));
        }
        let p = w.person(w.staff_index(k));
        let (start, left) = crate::sources::service(w, k, &p);
        if let Some(part) = crate::indicators_register::register_part(k)
            && crate::indicators_register::directorship(k, &p.surname, start, left).is_some()
        {
            out.push_str(&format!(
                "{},{},{id}\n",
                crate::indicators_register::REGISTER_RULE,
                part.code()
            ));
        }
        if let Some(part) = crate::indicators_shared::shared_part(k) {
            out.push_str(&format!(
                "{},{},{id}\n",
                crate::indicators_shared::SHARED_RULE,
                part.code()
            ));
        }
    }
    f.write_all(out.as_bytes()).map_err(|e| io(&path, e))?;
    f.flush().map_err(|e| io(&path, e))?;
    Ok(path)
}

/// The indicator rules shipped with the demo, by file name.
pub const RULES: &[(&str, &str)] = &[
    (
        "repeated_absence.toml",
        include_str!("../indicators/repeated_absence.toml"),
    ),
    (
        "unconfirmed_overtime.toml",
        include_str!("../indicators/unconfirmed_overtime.toml"),
    ),
    (
        "undeclared_shared_phone.toml",
        include_str!("../indicators/undeclared_shared_phone.toml"),
    ),
    (
        "undeclared_directorship.toml",
        include_str!("../indicators/undeclared_directorship.toml"),
    ),
];
