//! Names as other systems write them: one free-text field holding the whole
//! name, in whatever order and case the system's clerks used.

use crate::rng::Rng;

/// The parts of a name a writer may draw on.
pub struct NameParts<'a> {
    pub title: &'a str,
    pub first: &'a str,
    pub middle: Option<&'a str>,
    pub surname: &'a str,
    /// A familiar form of the first name, when there is one.
    pub nickname: Option<&'a str>,
}

fn initial(s: &str) -> String {
    s.chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default()
}

/// `SURNAME, Forename Middle`, as registers and case systems write it.
pub fn register_form(n: &NameParts<'_>) -> String {
    match n.middle {
        Some(m) => format!("{}, {} {m}", n.surname.to_uppercase(), n.first),
        None => format!("{}, {}", n.surname.to_uppercase(), n.first),
    }
}

/// One of the common forms of a whole name, chosen at random: surname
/// first with a comma, initial and surname, surname and initial, upper
/// case, with title (and now and then an honour), initials only, familiar
/// name, or plainly written.
pub fn any_form(r: &mut Rng, n: &NameParts<'_>) -> String {
    let i = initial(n.first);
    let upper = n.surname.to_uppercase();
    match r.weighted(&[20, 12, 10, 12, 10, 8, 8, 20]) {
        0 => register_form(n),
        1 => format!("{i}. {}", n.surname),
        2 => format!("{upper} {i}"),
        3 => format!("{} {upper}", n.first.to_uppercase()),
        4 => {
            let honour = if r.chance(0.1) { " MBE" } else { "" };
            format!("{} {} {}{honour}", n.title, n.first, n.surname)
        }
        5 => match n.middle {
            Some(m) => format!("{i} {} {upper}", initial(m)),
            None => format!("{i} {upper}"),
        },
        6 => format!("{} {}", n.nickname.unwrap_or(n.first), n.surname),
        _ => format!("{} {}", n.first, n.surname),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_keeps_the_surname_and_a_given_name_or_initial() {
        let n = NameParts {
            title: "Mrs",
            first: "Elizabeth",
            middle: Some("Anne"),
            surname: "Okafor",
            nickname: Some("Liz"),
        };
        let mut r = Rng::new(7);
        for _ in 0..200 {
            let s = any_form(&mut r, &n);
            assert!(s.to_lowercase().contains("okafor"), "{s}");
            assert!(s.contains('E') || s.contains("Liz"), "{s}");
        }
        assert_eq!(register_form(&n), "OKAFOR, Elizabeth Anne");
    }
}
