//! The words that surround a personal name in UK records without being part
//! of it (titles, ranks, honours), and the particles that belong to a family
//! name. Compared folded, so `Dr.`, `DR` and `dr` are one title.

/// Forms of address, honorifics and the police and military ranks written
/// before a name in workforce and complaints systems.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "master",
    "dr",
    "doctor",
    "prof",
    "professor",
    "rev",
    "revd",
    "reverend",
    "fr",
    "father",
    "sir",
    "dame",
    "lord",
    "lady",
    "hon",
    "rt",
    "cllr",
    "councillor",
    "pc",
    "dc",
    "ds",
    "di",
    "dci",
    "dsi",
    "dsupt",
    "sgt",
    "sergeant",
    "insp",
    "inspector",
    "ch",
    "chief",
    "supt",
    "superintendent",
    "det",
    "detective",
    "pcso",
    "con",
    "constable",
    "capt",
    "captain",
    "maj",
    "major",
    "col",
    "lt",
    "cpl",
    "sister",
    "nurse",
];

/// Generational suffixes, honours and professional letters written after a
/// name. Two-letter forms that are just as likely a pair of initials in a
/// `SURNAME IN` export (`JP`, `MP`, `MD`) are left out; the roman numerals
/// start at `II` for the same reason.
const SUFFIXES: &[&str] = &[
    "jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii", "iv", "qc", "kc", "mbe", "obe",
    "cbe", "kbe", "dbe", "bem", "qpm", "kpm", "phd", "esq", "esquire",
];

/// Words that start a family name of several words: `van der Berg`,
/// `de la Cruz`, `St. John`. `al` and `el` are left out, being given names too.
const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "les", "des",
    "dos", "das", "st", "ste", "ter", "ten", "bin", "ibn", "ap",
];

/// A word as the tables hold it: lowercase, without dots.
fn key(word: &str) -> String {
    word.chars()
        .filter(|c| *c != '.')
        .flat_map(char::to_lowercase)
        .collect()
}

pub(super) fn is_title(word: &str) -> bool {
    let k = key(word);
    // `Di` is a given name as often as `DI` is a rank: only the capitals are.
    if k == "di" {
        return word.starts_with("DI");
    }
    TITLES.contains(&k.as_str())
}

pub(super) fn is_suffix(word: &str) -> bool {
    SUFFIXES.contains(&key(word).as_str())
}

pub(super) fn is_particle(word: &str) -> bool {
    PARTICLES.contains(&key(word).as_str())
}

/// The letter of a word that is an initial: one letter, with or without a
/// dot after it.
pub(super) fn initial(word: &str) -> Option<char> {
    let mut chars = word.chars();
    let letter = chars.next().filter(|c| c.is_alphabetic())?;
    match (chars.next(), chars.next()) {
        (None, _) | (Some('.'), None) => Some(letter),
        _ => None,
    }
}
