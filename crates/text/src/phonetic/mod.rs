//! Phonetic codes for names, so that spellings which sound alike ("Smith",
//! "Smyth"; "Catherine", "Kathryn") share a blocking key in resolution.

mod metaphone;
mod soundex;

pub use metaphone::double_metaphone;
pub use soundex::soundex;

use crate::fold::fold;

/// The name as uppercase ASCII letters, digits and single spaces, which is
/// what both algorithms were written for. Letters that folding leaves
/// non-ASCII are spelt out the way English speakers would say them; any
/// others are dropped.
fn ascii_upper(s: &str) -> String {
    // Ç is decomposed by folding, and the plain C would then be read as K.
    let spared: String = s
        .chars()
        .map(|c| if matches!(c, 'ç' | 'Ç') { 's' } else { c })
        .collect();
    let folded = fold(&spared);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        let spelt = match c {
            'ß' => "SS",
            'æ' => "AE",
            'œ' => "OE",
            'ø' => "O",
            'þ' | 'ð' => "TH",
            'đ' => "D",
            'ł' => "L",
            'ı' => "I",
            'ŋ' => "NG",
            c if c.is_ascii() => {
                out.push(c.to_ascii_uppercase());
                continue;
            }
            _ => continue,
        };
        out.push_str(spelt);
    }
    // A dropped word leaves its separators behind.
    out.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_plain_uppercase_ascii() {
        assert_eq!(ascii_upper("O'Brien-Ødegård"), "OBRIEN ODEGARD");
        assert_eq!(ascii_upper("Straße"), "STRASSE");
        assert_eq!(ascii_upper("François"), "FRANSOIS");
        assert_eq!(ascii_upper("李 Li"), "LI");
    }
}
