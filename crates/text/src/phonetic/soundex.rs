use super::ascii_upper;

/// American Soundex as the US National Archives define it: the first letter,
/// then three digits for the consonants that follow, with H and W not
/// separating consonants of the same code and vowels separating them.
///
/// Returns an empty string for a name with no letters.
///
/// ```
/// use clearstone_text::phonetic::soundex;
/// assert_eq!(soundex("Robert"), "R163");
/// assert_eq!(soundex("Ashcraft"), "A261");
/// ```
pub fn soundex(s: &str) -> String {
    let name = ascii_upper(s);
    let mut letters = name.bytes().filter(u8::is_ascii_alphabetic);
    let Some(first) = letters.next() else {
        return String::new();
    };
    let mut out = String::with_capacity(4);
    out.push(char::from(first));
    let mut last = code(first);
    for letter in letters {
        match letter {
            b'H' | b'W' => {}
            b'A' | b'E' | b'I' | b'O' | b'U' | b'Y' => last = 0,
            _ => {
                let digit = code(letter);
                if digit != last {
                    out.push(char::from(b'0' + digit));
                    if out.len() == 4 {
                        return out;
                    }
                }
                last = digit;
            }
        }
    }
    while out.len() < 4 {
        out.push('0');
    }
    out
}

/// The Soundex digit of a consonant; 0 for vowels, H, W and Y.
fn code(letter: u8) -> u8 {
    match letter {
        b'B' | b'F' | b'P' | b'V' => 1,
        b'C' | b'G' | b'J' | b'K' | b'Q' | b'S' | b'X' | b'Z' => 2,
        b'D' | b'T' => 3,
        b'L' => 4,
        b'M' | b'N' => 5,
        b'R' => 6,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_archives_examples() {
        assert_eq!(soundex("Robert"), "R163");
        assert_eq!(soundex("Rupert"), "R163");
        assert_eq!(soundex("Rubin"), "R150");
        assert_eq!(soundex("Ashcraft"), "A261");
        assert_eq!(soundex("Ashcroft"), "A261");
        assert_eq!(soundex("Tymczak"), "T522");
        assert_eq!(soundex("Pfister"), "P236");
        assert_eq!(soundex("Honeyman"), "H555");
    }

    #[test]
    fn short_and_empty_names() {
        assert_eq!(soundex("Lee"), "L000");
        assert_eq!(soundex("O'Hara"), "O600");
        assert_eq!(soundex(""), "");
        assert_eq!(soundex("123"), "");
    }

    #[test]
    fn case_and_accents_do_not_matter() {
        assert_eq!(soundex("müller"), soundex("MULLER"));
    }
}
