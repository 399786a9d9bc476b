//! Case notes with their ground truth: every mention a detector should
//! find, with its char span. Families, names, identifiers and dates are
//! drawn per case; sentences hold decoys (invalid identifiers, times,
//! scores, reference numbers, people the case does not know) that must not
//! be found.

use clearstone_notes::{Known, KnownPerson, MentionKind, Note};

use super::rng::Rng;

pub struct Truth {
    pub kind: MentionKind,
    pub start: usize,
    pub end: usize,
    pub entity: Option<String>,
}

pub struct Case {
    pub known: Known,
    pub notes: Vec<(Note, Vec<Truth>)>,
}

const GIVEN_F: &[&str] = &[
    "Amelia", "Olivia", "Isla", "Zoë", "Grace", "Poppy", "Freya", "Sophie", "Chloe", "Megan",
];
const GIVEN_M: &[&str] = &[
    "William", "Thomas", "James", "Oliver", "Jack", "Harry", "Daniel", "Samuel", "Joseph", "Alfie",
];
const ADULT_F: &[&str] = &[
    "Kelly", "Sarah", "Joanne", "Lisa", "Nicola", "Emma", "Donna", "Rachel",
];
const ADULT_M: &[&str] = &[
    "Dean", "Craig", "Lee", "Paul", "Darren", "Mark", "Stuart", "Wayne",
];
const SURNAMES: &[&str] = &[
    "Hughes", "Walsh", "Patel", "Okafor", "Kowalski", "O'Brien", "Smith", "Ahmed", "Nowak",
    "Clarke",
];
const SCHOOLS: &[&str] = &[
    "Hillside Academy",
    "St Mary's Primary School",
    "Oakfield Junior School",
    "Kingsway Academy",
    "Brook Lane Infant School",
    "Northshire High School",
];
const GPS: &[&str] = &[
    "Marsh Lane Surgery",
    "Ashby Medical Centre",
    "Kingsmoor Health Centre",
    "Eastholme Family Practice",
];
const PLACES: &[&str] = &[
    "Westfield Park",
    "Kingsmead Leisure Centre",
    "Eastgate Library",
    "Hallbridge General Hospital",
    "the Beacon Children's Centre",
];
const TOWNS: &[&str] = &[
    "Southbridge",
    "Ashby",
    "Northtown",
    "Hallbridge",
    "Kingsmoor",
];
const STREETS: &[&str] = &[
    "Mill Street",
    "Acacia Road",
    "Church Lane",
    "Victoria Avenue",
    "Park Close",
    "Station Road",
];
const POSTCODES: &[&str] = &[
    "NE1 4XY", "SW1A 1AA", "LS6 2QT", "M14 5RB", "B15 2TT", "CF10 3AT", "EH3 9DR", "BS8 1TH",
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
const WEEKDAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

/// Builds a note's text and its truth in char offsets.
struct Builder {
    text: String,
    chars: usize,
    truth: Vec<Truth>,
}

impl Builder {
    fn lit(&mut self, s: &str) {
        self.text.push_str(s);
        self.chars += s.chars().count();
    }

    fn mention(&mut self, s: &str, kind: MentionKind, entity: Option<&str>) {
        let start = self.chars;
        self.lit(s);
        self.truth.push(Truth {
            kind,
            start,
            end: self.chars,
            entity: entity.map(str::to_string),
        });
    }
}

fn nhs(r: &mut Rng) -> String {
    loop {
        let d: Vec<u32> = (0..9)
            .map(|i| {
                if i == 0 {
                    4 + r.below(6) as u32
                } else {
                    r.below(10) as u32
                }
            })
            .collect();
        let sum: u32 = d.iter().enumerate().map(|(i, x)| x * (10 - i as u32)).sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => continue,
            c => c,
        };
        let s: String = d
            .iter()
            .chain([check].iter())
            .map(|x| char::from(b'0' + *x as u8))
            .collect();
        return format!("{} {} {}", &s[..3], &s[3..6], &s[6..]);
    }
}

fn ni(r: &mut Rng) -> String {
    const A: &[u8] = b"ABCEGHJKLMNPRSTWXYZ";
    loop {
        let a = A[r.below(A.len())] as char;
        let b = A[r.below(A.len())] as char;
        if ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(&format!("{a}{b}").as_str()) {
            continue;
        }
        let n = r.below(1_000_000);
        let s = b"ABCD"[r.below(4)] as char;
        return if r.chance(0.5) {
            format!("{a}{b}{n:06}{s}")
        } else {
            format!(
                "{a}{b} {:02} {:02} {:02} {s}",
                n / 10_000,
                n / 100 % 100,
                n % 100
            )
        };
    }
}

fn vrm(r: &mut Rng) -> String {
    const L: &[u8] = b"ABCDEFGHJKLMNOPRSTUVWXY";
    let mut l = || L[r.below(L.len())] as char;
    let (a, b, c, d, e) = (l(), l(), l(), l(), l());
    let age = [15, 18, 21, 23, 65, 68, 71, 73][r.below(8)];
    format!("{a}{b}{age} {c}{d}{e}")
}

fn day(r: &mut Rng) -> (usize, usize) {
    (1 + r.below(12), 1 + r.below(28))
}

/// A date as notes write them, absolute or relative.
fn date(r: &mut Rng, future: bool) -> String {
    let (m, d) = day(r);
    match r.below(9) {
        0 => format!("{d:02}/{m:02}/2025"),
        1 => format!("{d} {} 2025", MONTHS[m - 1]),
        2 => format!("{d}th {}", &MONTHS[m - 1][..3]),
        3 => (if future { "tomorrow" } else { "yesterday" }).to_string(),
        4 => format!(
            "{} {}",
            if future { "next" } else { "last" },
            r.pick(WEEKDAYS)
        ),
        5 => (if future { "next week" } else { "last week" }).to_string(),
        6 => {
            if future {
                "in two weeks".to_string()
            } else {
                "three days ago".to_string()
            }
        }
        7 => format!("{} {d}", MONTHS[m - 1]),
        _ => format!("2025-{m:02}-{d:02}"),
    }
}

struct Family {
    child: (String, String, Option<&'static str>), // given, surname, nickname
    mother: (String, String),
    worker: (String, String),
    school: &'static str,
    gp: &'static str,
    address: String,
    postcode: &'static str,
    phone: String,
    email: String,
    nhs: String,
    ni: String,
    vrm: String,
}

fn nickname(given: &str) -> Option<&'static str> {
    match given {
        "William" => Some("Billy"),
        "Thomas" => Some("Tom"),
        "James" => Some("Jim"),
        "Samuel" => Some("Sam"),
        "Joseph" => Some("Joe"),
        "Daniel" => Some("Danny"),
        "Oliver" => Some("Ollie"),
        _ => None,
    }
}

/// A sentence template; each `{slot}` is a mention, `{!...}` a decoy.
const SENTENCES: &[&str] = &[
    "Home visit to see {child} and {mother} at {address}, {postcode}.",
    "{mother} said {child} saw the GP at {gp} {past}.",
    "Met {worker} and the safeguarding lead at {school} on {abs}.",
    "{child} was taken to {place} {past} by {mother}.",
    "{mother} gave her mobile number as {phone} and her email as {email}.",
    "{child}'s NHS number is {nhs}; the referral form was ref 20931.",
    "{mother}'s National Insurance number is {ni}.",
    "A car, {vrm}, was parked outside the address when {worker} arrived.",
    "Next review booked for {future} at {school}.",
    "The family moved to {town} {past} and {child} started at {school}.",
    "{child} scored 14 out of 20 in a spelling test at 10.30 and was in Year 5.",
    "Phoned {gp} on {landline} to book a review for {child}.",
    "{worker} will visit {child} and {mother} {future}.",
    "No concerns were raised by {school} {thisweek}.",
    "{child}'s friend {friend} came round after school with his brother {brother}.",
    "{titled} at {gp} will review {child} {inmonths}.",
    "The number given, 943 476 5918, failed the check and QQ 12 34 56 C is not a valid NI number.",
    "Room 12 was booked for 2 hours at a cost of £250.",
    "{mother} said she had been to {place} with {child} on {abs}.",
    "{mother} said she has been diagnosed with depression and is on medication.",
    "{child} was arrested for shoplifting {past} and released without charge.",
    "The family attend the mosque weekly and {child} fasts during Ramadan.",
];

pub fn case(seed: u64, notes: usize) -> Case {
    let mut r = Rng::new(seed);
    let female = r.chance(0.5);
    let given = (if female {
        r.pick(GIVEN_F)
    } else {
        r.pick(GIVEN_M)
    })
    .to_string();
    let surname = r.pick(SURNAMES).to_string();
    let nick = nickname(&given);
    let f = Family {
        child: (given.clone(), surname.clone(), nick),
        mother: (r.pick(ADULT_F).to_string(), surname.clone()),
        worker: (
            r.pick(
                ADULT_F
                    .iter()
                    .chain(ADULT_M)
                    .copied()
                    .collect::<Vec<_>>()
                    .as_slice(),
            )
            .to_string(),
            r.other(SURNAMES, surname.as_str()).to_string(),
        ),
        school: r.pick(SCHOOLS),
        gp: r.pick(GPS),
        address: format!(
            "{} {}, {}",
            1 + r.below(120),
            r.pick(STREETS),
            r.pick(TOWNS)
        ),
        postcode: r.pick(POSTCODES),
        phone: format!("07700 9{:05}", r.below(100_000)),
        email: format!(
            "{}.{}@example.org",
            r.pick(ADULT_F).to_lowercase(),
            surname.to_lowercase().replace('\'', "")
        ),
        nhs: nhs(&mut r),
        ni: ni(&mut r),
        vrm: vrm(&mut r),
    };
    let known = Known {
        people: vec![
            KnownPerson {
                entity_id: format!("child-{seed}"),
                names: vec![format!("{given} {surname}")],
                role: Some("child".into()),
            },
            KnownPerson {
                entity_id: format!("mother-{seed}"),
                names: vec![format!("{} {}", f.mother.0, f.mother.1)],
                role: Some("mother".into()),
            },
            KnownPerson {
                entity_id: format!("worker-{seed}"),
                names: vec![format!("{} {}", f.worker.0, f.worker.1)],
                role: Some("social worker".into()),
            },
        ],
        places: vec![(format!("home-{seed}"), f.address.clone())],
    };
    let mut out = Vec::new();
    for n in 0..notes {
        let mut b = Builder {
            text: String::new(),
            chars: 0,
            truth: Vec::new(),
        };
        let count = 3 + r.below(5);
        for i in 0..count {
            if i > 0 {
                b.lit(" ");
            }
            let t = r.pick(SENTENCES);
            fill(&mut r, &mut b, t, &f, &known);
        }
        let note = Note::new(format!("{seed}-{n}"), b.text).dated(format!(
            "2025-{:02}-{:02}",
            1 + r.below(12),
            1 + r.below(28)
        ));
        out.push((note, b.truth));
    }
    Case { known, notes: out }
}

fn fill(r: &mut Rng, b: &mut Builder, t: &str, f: &Family, known: &Known) {
    let id = |i: usize| known.people[i].entity_id.clone();
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        b.lit(&rest[..open]);
        let close = open + rest[open..].find('}').unwrap();
        let slot = &rest[open + 1..close];
        match slot {
            "child" => {
                let text = match (r.below(6), f.child.2) {
                    (0, Some(nick)) => nick.to_string(),
                    (1, _) => format!("{} {}", f.child.0, f.child.1),
                    _ => f.child.0.clone(),
                };
                b.mention(&text, MentionKind::Person, Some(&id(0)));
            }
            "mother" => {
                let text = match r.below(3) {
                    0 => format!("Ms {}", f.mother.1),
                    1 => format!("{} {}", f.mother.0, f.mother.1),
                    _ => f.mother.0.clone(),
                };
                b.mention(&text, MentionKind::Person, Some(&id(1)));
            }
            "worker" => {
                let text = if r.chance(0.5) {
                    f.worker.0.clone()
                } else {
                    format!("{} {}", f.worker.0, f.worker.1)
                };
                b.mention(&text, MentionKind::Person, Some(&id(2)));
            }
            "titled" => {
                let text = format!(
                    "Dr {}",
                    r.pick(&["Adeyemi", "Lindqvist", "Moreau", "Byrne"])
                );
                b.mention(&text, MentionKind::Person, None);
            }
            // Not known to the case: found by the relation word before, offered
            // for linking.
            "friend" => b.mention(
                r.pick(&["Kai", "Reuben", "Ellis", "Tyler"]),
                MentionKind::Person,
                None,
            ),
            "brother" => b.mention(
                r.pick(&["Kai", "Reuben", "Ellis", "Tyler"]),
                MentionKind::Person,
                None,
            ),
            "address" => b.mention(&f.address, MentionKind::Address, Some(&known.places[0].0)),
            "postcode" => b.mention(f.postcode, MentionKind::Postcode, None),
            "school" => b.mention(f.school, MentionKind::School, None),
            "gp" => b.mention(f.gp, MentionKind::GpSurgery, None),
            "place" => {
                let p = r.pick(PLACES);
                match p.strip_prefix("the ") {
                    Some(name) => {
                        b.lit("the ");
                        b.mention(name, MentionKind::Place, None);
                    }
                    None => b.mention(p, MentionKind::Place, None),
                }
            }
            "town" => b.mention(r.pick(TOWNS), MentionKind::Place, None),
            "past" | "future" => {
                let d = date(r, slot == "future");
                let absolute = d.starts_with(|c: char| c.is_ascii_digit())
                    || MONTHS.iter().any(|m| d.starts_with(m));
                if absolute {
                    b.lit("on ");
                }
                b.mention(&d, MentionKind::Date, None);
            }
            "abs" => {
                let (m, d) = day(r);
                b.mention(
                    &format!("{d} {} 2025", MONTHS[m - 1]),
                    MentionKind::Date,
                    None,
                );
            }
            "phone" => b.mention(&f.phone, MentionKind::Phone, None),
            "landline" => b.mention(
                r.pick(&["01632 960001", "(0161) 496 0000", "0113 496 0123"]),
                MentionKind::Phone,
                None,
            ),
            "thisweek" => b.mention(
                r.pick(&["this week", "today", "this morning"]),
                MentionKind::Date,
                None,
            ),
            "inmonths" => b.mention(
                r.pick(&["in three months", "in 6 weeks", "next month"]),
                MentionKind::Date,
                None,
            ),
            "email" => b.mention(&f.email, MentionKind::Email, None),
            "nhs" => b.mention(&f.nhs, MentionKind::NhsNumber, None),
            "ni" => b.mention(&f.ni, MentionKind::NiNumber, None),
            "vrm" => b.mention(&f.vrm, MentionKind::VehicleReg, None),
            other => panic!("no slot {other}"),
        }
        rest = &rest[close + 1..];
    }
    b.lit(rest);
}
