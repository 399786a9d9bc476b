//! Patterns planted for the shared-phone rule: staff whose phone a crime
//! nominal of someone else gave, and the near misses it must explain away
//! (a station switchboard many people give, a declared association, and
//! the member of staff's own record in the crime system).

use crate::people::{Person, World};
use crate::rng::Rng;
use crate::sources::pick_public;

use crate::indicators::EVERY;

/// The shipped rule the shared-phone patterns are planted for.
pub const SHARED_RULE: &str = "undeclared_shared_phone";

/// The number people give when they mean "ring the police station": some
/// staff put it down as their home phone, some witnesses as theirs.
pub(crate) const SWITCHBOARD: &str = "0300 123 6000";

/// Witnesses who gave the switchboard, so that with the staff who did more
/// people hold it than the rule's `max_people`.
const SWITCHBOARD_WITNESSES: u32 = 4;

const TAG: u64 = 0x54A2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SharedPart {
    /// A suspect in the crime system gave this member of staff's landline.
    Pattern,
    /// Their home phone is the station switchboard.
    Switchboard,
    /// As the pattern, but they declared the suspect as an association.
    Declared,
    /// The crime system holds them (a victim) with their own landline.
    SamePerson,
}

impl SharedPart {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::Pattern => "pattern",
            Self::Switchboard | Self::Declared | Self::SamePerson => "decoy",
        }
    }
}

pub(crate) fn shared_part(k: u32) -> Option<SharedPart> {
    match k % EVERY {
        3 => Some(SharedPart::Pattern),
        10 => Some(SharedPart::Switchboard),
        17 => Some(SharedPart::Declared),
        23 => Some(SharedPart::SamePerson),
        _ => None,
    }
}

/// A crime nominal planted for the rule, with the phone it gave and its
/// role code (`S` suspect, `V` victim, `W` witness).
pub(crate) struct PlantedNominal {
    pub key: String,
    pub person: Person,
    pub phone: String,
    pub role: u8,
}

/// The member of the public planted against staff member `k`.
pub(crate) fn other_person(w: &World, k: u32) -> Person {
    let mut r = Rng::for_item(w.seed, TAG, u64::from(k));
    pick_public(w, &mut r, [1.0, 1.0, 1.0])
}

/// The landline as the crime system typed it: international form, so
/// only a normalised comparison finds it.
fn international(uk: &str) -> String {
    let digits: String = uk.chars().filter(char::is_ascii_digit).collect();
    format!("+44 {}", digits.strip_prefix('0').unwrap_or(&digits))
}

/// Every nominal planted for the rule, in a fixed order.
pub(crate) fn nominals(w: &World) -> Vec<PlantedNominal> {
    let mut out = Vec::new();
    for k in 0..w.n_staff {
        let Some(part) = shared_part(k) else {
            continue;
        };
        let Some(landline) = crate::sources::home_phone(w, k) else {
            continue;
        };
        let (person, role) = match part {
            SharedPart::Pattern | SharedPart::Declared => (other_person(w, k), b'S'),
            SharedPart::SamePerson => (w.person(w.staff_index(k)), b'V'),
            SharedPart::Switchboard => continue,
        };
        out.push(PlantedNominal {
            key: format!("NP{k:06}"),
            person,
            phone: international(&landline),
            role,
        });
    }
    let mut r = Rng::for_item(w.seed, TAG ^ 1, 0);
    for i in 0..SWITCHBOARD_WITNESSES {
        out.push(PlantedNominal {
            key: format!("NW{i:06}"),
            person: pick_public(w, &mut r, [1.0, 1.0, 1.0]),
            phone: SWITCHBOARD.to_string(),
            role: b'W',
        });
    }
    out
}
