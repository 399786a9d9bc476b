//! Patterns planted for the undeclared-directorship rule: staff who are on
//! the companies register, appointed while employed and not declared, and
//! the near misses (declared by number written otherwise, declared by a
//! differently written company name, appointed after leaving).

use crate::date::Date;
use crate::indicators::EVERY;
use crate::people::today;

/// The shipped rule the directorship patterns are planted for.
pub const REGISTER_RULE: &str = "undeclared_directorship";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RegisterPart {
    /// Appointed while employed; nothing declared.
    Pattern,
    /// Declared, with the company number without its leading zero.
    ByNumber,
    /// Declared by name only, written in capitals with `Limited`.
    ByName,
    /// Appointed after they left the force.
    AfterLeaving,
}

impl RegisterPart {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::Pattern => "pattern",
            Self::ByNumber | Self::ByName | Self::AfterLeaving => "decoy",
        }
    }
}

pub(crate) fn register_part(k: u32) -> Option<RegisterPart> {
    match k % EVERY {
        1 => Some(RegisterPart::Pattern),
        6 => Some(RegisterPart::ByNumber),
        13 => Some(RegisterPart::ByName),
        20 => Some(RegisterPart::AfterLeaving),
        _ => None,
    }
}

/// The planted directorship of staff member `k`: company number and name,
/// and the appointment date given when (and whether) they left.
pub(crate) struct Directorship {
    pub number: String,
    pub name: String,
    pub appointed: Date,
}

pub(crate) fn directorship(
    k: u32,
    surname: &str,
    start: Date,
    left: Option<Date>,
) -> Option<Directorship> {
    let part = register_part(k)?;
    let appointed = match (part, left) {
        (RegisterPart::AfterLeaving, Some(left)) => left.add_days(20).min(today()),
        (RegisterPart::AfterLeaving, None) => return None,
        (_, Some(left)) => left.add_days(-60).max(start),
        (_, None) => today().add_days(-120).max(start),
    };
    Some(Directorship {
        // Apart from the register's own numbers (9,000,000 upwards).
        number: format!("{:08}", 8_000_000 + k),
        name: format!("{surname} Property Services Ltd"),
        appointed,
    })
}

/// Whether staff member `k` must have left the force (a planted decoy).
pub(crate) fn must_have_left(k: u32) -> bool {
    register_part(k) == Some(RegisterPart::AfterLeaving)
}

/// The declaration a decoy made: organisation name and company number as
/// typed on the form.
pub(crate) fn declared(k: u32, d: &Directorship) -> Option<(String, String)> {
    match register_part(k)? {
        RegisterPart::ByNumber => Some((
            "Property lettings (family business)".to_string(),
            d.number.trim_start_matches('0').to_string(),
        )),
        RegisterPart::ByName => Some((
            d.name.to_uppercase().replace(" LTD", " LIMITED"),
            String::new(),
        )),
        RegisterPart::Pattern | RegisterPart::AfterLeaving => None,
    }
}
