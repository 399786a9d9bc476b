//! Sentences for the citation gate: a source sentence written as a case
//! note would be, a faithful paraphrase of it, and the same paraphrase with
//! one planted fault of each kind.

use super::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Faithful,
    ChangedNumber,
    ChangedDate,
    MovedPlace,
    WrongPerson,
    InventedEvent,
    FlippedNegation,
}

impl Kind {
    pub const FAULTS: [Kind; 6] = [
        Kind::ChangedNumber,
        Kind::ChangedDate,
        Kind::MovedPlace,
        Kind::WrongPerson,
        Kind::InventedEvent,
        Kind::FlippedNegation,
    ];
}

pub struct Case {
    pub kind: Kind,
    pub sentence: String,
    pub cited: Vec<String>,
}

/// (source, paraphrase, paraphrase with an invented event). Slots: {C}
/// child, {he}/{his} the child's pronouns, {P} carer, {S} school, {L}
/// place, {D} date, {N} number, {X} the negatable phrase of the template.
struct Template {
    source: &'static str,
    para: &'static str,
    invented: &'static str,
    /// (negative, positive) as the source writes it and as the paraphrase does.
    neg: Option<[&'static str; 4]>,
}

const TEMPLATES: &[Template] = &[
    Template {
        source: "On {D}, {C} {X} {S}.",
        para: "{C} {X} {S} on {D}.",
        invented: "{C} was excluded from {S} on {D}.",
        neg: Some(["did not attend", "attended", "missed", "attended"]),
    },
    Template {
        source: "{P} said that {C} {X} well for the last {N} nights.",
        para: "According to {P}, {C} {X} well for the last {N} nights.",
        invented: "According to {P}, {C} has been wetting the bed for the last {N} nights.",
        neg: Some(["has not slept", "has slept", "hasn't slept", "has slept"]),
    },
    Template {
        source: "During the home visit on {D} there were {X} about the conditions in the home.",
        para: "The home visit on {D} noted {X} about the home conditions.",
        invented: "The home visit on {D} noted that the family had been evicted.",
        neg: Some(["no concerns", "concerns", "no concerns", "concerns"]),
    },
    Template {
        source: "I spoke with {C} alone at {L} and {he} told me {he} {X} safe living with {P}.",
        para: "{C} said {he} {X} safe living with {P} when spoken to alone at {L}.",
        invented: "{C} said {he} had been hit by {P} when spoken to alone at {L}.",
        neg: Some(["does not feel", "feels", "doesn't feel", "feels"]),
    },
    Template {
        source: "{P} {X} to take {C} to the dentist at {L} within {N} weeks.",
        para: "{P} {X} to take {C} to the dentist at {L} within {N} weeks.",
        invented: "{P} was arrested at {L} within {N} weeks.",
        neg: Some(["refused", "agreed", "declined", "agreed"]),
    },
    Template {
        source: "The school reported that {C}'s attendance was {N} per cent this term and that {he} {X} late.",
        para: "The school said {C}'s attendance this term was {N} per cent and that {he} {X} late.",
        invented: "The school said {C} was suspended this term after fighting with {N} pupils.",
        neg: Some(["is never", "is often", "is never", "is often"]),
    },
    Template {
        source: "{C} was seen by the health visitor at {L} on {D} and {X} happy.",
        para: "On {D} the health visitor saw {C} at {L}; {he} {X} happy.",
        invented: "On {D} the health visitor took {C} to hospital from {L}.",
        neg: Some(["did not appear", "appeared", "didn't appear", "appeared"]),
    },
    Template {
        source: "A meeting was held at {S} on {D} with {P} and the class teacher, who {X} worried.",
        para: "{P} and the class teacher met at {S} on {D}; the teacher {X} worried.",
        invented: "{P} and the class teacher had an argument at {S} on {D}.",
        neg: Some(["was not", "was", "wasn't", "was"]),
    },
    Template {
        source: "{C} lives with {P} and {N} younger siblings in a flat near {L} and {X} a bedroom of {his} own.",
        para: "{C} lives near {L} in a flat with {P} and {N} younger siblings and {X} a bedroom of {his} own.",
        invented: "{C} ran away from the flat near {L} with {N} younger siblings.",
        neg: Some(["does not have", "has", "doesn't have", "has"]),
    },
    Template {
        source: "{P} {X} the parenting course at {L}, which started on {D}.",
        para: "{P} {X} the parenting course at {L} that began on {D}.",
        invented: "{P} was sacked from the parenting course at {L} that began on {D}.",
        neg: Some([
            "has not attended",
            "has attended",
            "hasn't attended",
            "has attended",
        ]),
    },
    Template {
        source: "During the visit on {D}, {C} {X} to talk about {his} dad.",
        para: "{C} {X} to talk about {his} dad when visited on {D}.",
        invented: "{C} cried and broke a window when visited on {D}.",
        neg: Some(["did not want", "wanted", "didn't want", "wanted"]),
    },
    Template {
        source: "{P} reported that {C} {X} well since moving to {L} {N} months ago.",
        para: "{C} {X} well since the move to {L} {N} months ago, {P} said.",
        invented: "{C} has been self-harming since the move to {L} {N} months ago, {P} said.",
        neg: Some([
            "has not been eating",
            "has been eating",
            "hasn't been eating",
            "has been eating",
        ]),
    },
    Template {
        source: "{P} rang on {D} to say that {C} {X} been in school for {N} days.",
        para: "On {D} {P} phoned to say {C} {X} been in school for {N} days.",
        invented: "On {D} {P} phoned to say {C} had been stabbed outside school.",
        neg: Some(["has not", "has", "hasn't", "has"]),
    },
    Template {
        source: "Next visit booked for {D} at {L}; {P} {X} to be present.",
        para: "The next visit is booked at {L} on {D} and {P} {X} to be there.",
        invented: "The next visit at {L} on {D} is cancelled because {P} is in prison.",
        neg: Some(["did not agree", "agreed", "refused", "agreed"]),
    },
];

const CHILDREN: &[(&str, bool)] = &[
    ("Amelia", true),
    ("Jack", false),
    ("Olivia", true),
    ("Noah", false),
    ("Isla", true),
    ("Leo", false),
    ("Ava", true),
    ("Oscar", false),
    ("Freya", true),
    ("Harry", false),
    ("Mia", true),
    ("Charlie", false),
    ("Poppy", true),
    ("Theo", false),
    ("Grace", true),
    ("Alfie", false),
];
const CARERS: &[&str] = &[
    "Mum",
    "Dad",
    "Ms Patel",
    "Mrs Hughes",
    "Mr Okafor",
    "Kelly Brown",
    "Dean Walsh",
    "Nan",
    "Sarah Jones",
    "Mr Kowalski",
    "Aunt Lisa",
    "Ms Ahmed",
];
const SCHOOLS: &[&str] = &[
    "Carrow Community Primary",
    "St Mary's Primary School",
    "Hillside Academy",
    "Northshire High School",
    "Brook Lane Infants",
    "Oakfield Junior School",
    "Kingsway Academy",
    "Riverside Primary",
];
const PLACES: &[&str] = &[
    "Northtown",
    "the Riverside Family Hub",
    "Eastgate Library",
    "Kingsmead Leisure Centre",
    "Westfield Park",
    "Southbridge",
    "Marsh Lane Clinic",
    "the Hollins Estate",
    "Ashby",
    "the Beacon Children's Centre",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const NUMBER_WORDS: &[&str] = &[
    "", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve",
];

/// A day of 2025, (month, day).
fn day(r: &mut Rng) -> (usize, usize) {
    (1 + r.below(12), 1 + r.below(28))
}

fn date_text(m: usize, d: usize, style: usize) -> String {
    let month = MONTHS[m - 1];
    match style {
        0 => format!("{d} {month} 2025"),
        1 => format!("{d:02}/{m:02}/2025"),
        2 => {
            let suffix = match d {
                1 | 21 | 31 => "st",
                2 | 22 => "nd",
                3 | 23 => "rd",
                _ => "th",
            };
            format!("{d}{suffix} {month}")
        }
        _ => format!("{month} {d}, 2025"),
    }
}

fn number_text(n: usize, words: bool) -> String {
    if words && n < NUMBER_WORDS.len() {
        NUMBER_WORDS[n].to_string()
    } else {
        n.to_string()
    }
}

struct Slots {
    child: (&'static str, bool),
    carer: &'static str,
    school: &'static str,
    place: &'static str,
    date: (usize, usize),
    number: usize,
    negative: bool,
}

fn fill(t: &str, s: &Slots, x: &str, date: &str, number: &str) -> String {
    let (he, his) = if s.child.1 {
        ("she", "her")
    } else {
        ("he", "his")
    };
    let out = t
        .replace("{C}", s.child.0)
        .replace("{he}", he)
        .replace("{his}", his)
        .replace("{P}", s.carer)
        .replace("{S}", s.school)
        .replace("{L}", s.place)
        .replace("{D}", date)
        .replace("{N}", number)
        .replace("{X}", x);
    let mut chars = out.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => out,
    }
}

fn is_percent(t: &Template) -> bool {
    t.source.contains("per cent")
}

/// `per_kind` cases of each kind, faithful paraphrases included.
pub fn corpus(seed: u64, per_kind: usize) -> Vec<Case> {
    let mut r = Rng::new(seed);
    let mut out = Vec::new();
    for kind in std::iter::once(Kind::Faithful).chain(Kind::FAULTS) {
        let mut made = 0;
        while made < per_kind {
            let t = &TEMPLATES[r.below(TEMPLATES.len())];
            let needs = |slot: &str| t.source.contains(slot);
            let usable = match kind {
                Kind::ChangedNumber => needs("{N}"),
                Kind::ChangedDate => needs("{D}"),
                Kind::MovedPlace => needs("{S}") || needs("{L}"),
                Kind::FlippedNegation => t.neg.is_some(),
                Kind::WrongPerson => t.para.contains("{C}") || t.para.contains("{P}"),
                _ => true,
            };
            if !usable {
                continue;
            }
            let n = if is_percent(t) {
                60 + r.below(40)
            } else {
                2 + r.below(9)
            };
            let s = Slots {
                child: r.pick(CHILDREN),
                carer: r.pick(CARERS),
                school: r.pick(SCHOOLS),
                place: r.pick(PLACES),
                date: day(&mut r),
                number: n,
                negative: r.chance(0.5),
            };
            let neg = t.neg.unwrap_or(["", "", "", ""]);
            let (src_x, para_x) = if s.negative {
                (neg[0], neg[2])
            } else {
                (neg[1], neg[3])
            };
            let src_style = r.below(4);
            let para_style = r.below(4);
            let src_words = r.chance(0.5);
            let para_words = r.chance(0.5);
            let source = fill(
                t.source,
                &s,
                src_x,
                &date_text(s.date.0, s.date.1, src_style),
                &number_text(s.number, src_words),
            );
            let mut p = Slots { ..s };
            let mut x = para_x;
            let mut template = t.para;
            match kind {
                Kind::Faithful => {}
                Kind::ChangedNumber => {
                    let delta = 1 + r.below(5);
                    p.number = if r.chance(0.5) || s.number <= delta {
                        s.number + delta
                    } else {
                        s.number - delta
                    };
                }
                Kind::ChangedDate => {
                    let (m, d) = s.date;
                    p.date = if r.chance(0.5) {
                        (
                            m,
                            if d > 14 {
                                d - 1 - r.below(13)
                            } else {
                                d + 1 + r.below(13)
                            },
                        )
                    } else {
                        (if m == 12 { 1 } else { m + 1 }, d)
                    };
                }
                Kind::MovedPlace => {
                    if t.source.contains("{S}") && (!t.source.contains("{L}") || r.chance(0.5)) {
                        p.school = r.other(SCHOOLS, s.school);
                    } else {
                        p.place = r.other(PLACES, s.place);
                    }
                }
                Kind::WrongPerson => {
                    if t.para.contains("{C}") && (r.chance(0.5) || !t.para.contains("{P}")) {
                        p.child = r.other(CHILDREN, s.child);
                    } else {
                        p.carer = r.other(CARERS, s.carer);
                    }
                }
                Kind::InventedEvent => template = t.invented,
                Kind::FlippedNegation => {
                    x = if s.negative { neg[3] } else { neg[2] };
                }
            }
            let sentence = fill(
                template,
                &p,
                x,
                &date_text(p.date.0, p.date.1, para_style),
                &number_text(p.number, para_words),
            );
            out.push(Case {
                kind,
                sentence,
                cited: vec![source],
            });
            made += 1;
        }
    }
    out
}
