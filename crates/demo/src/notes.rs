//! Children's case notes in plain English, from templates: what happened,
//! what was seen, what was agreed. Fictional and deliberately non-graphic;
//! varied enough that summaries and extraction have real work to do.
//!
//! Each note is written with its ground truth: every mention of a person
//! the case knows, a date (absolute or relative to the note's own date), a
//! place or a UK identifier, with its char span; the special-category
//! spans; and the events a chronology must hold. Offsets are char (Unicode
//! scalar) offsets, half-open, as the notes crate cites.
//!
//! Templates carry their truth inline: a sentence starting `!` is an event,
//! `#health ` (any sensitivity tag) is a special-category span as a whole,
//! and each `{slot}` says what its value is. A sentence is tagged by what
//! it tells about the family: an appointment with a health service is
//! health data, a police notification about the address is offence data
//! (UK GDPR art. 10 covers alleged offences); a faith school's name is not
//! the family's religion.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::DemoError;
use crate::date::Date;
use crate::out::{Json, create, io};
use crate::rng::{Rng, mix};

/// The ground truth file the generator writes beside the notes.
pub const NOTES_TRUTH_FILE: &str = "notes_truth.jsonl";

/// The UK identifiers a family's notes may quote.
#[derive(Debug, Clone, Default)]
pub struct Ids {
    /// Ten digits with a valid mod-11 check digit.
    pub nhs: String,
    /// Two prefix letters, six digits and a suffix letter.
    pub ni: String,
    /// `7` and nine digits, as the people model holds it; empty when none.
    pub mobile: String,
    pub email: String,
    pub street: String,
    pub postcode: String,
    /// The current format: area, age identifier, three letters.
    pub vrm: String,
}

impl Ids {
    /// Identifiers drawn for one family, a pure function of `key`.
    pub fn draw(key: u64, mobile: &str, email: &str, street: String, postcode: &str) -> Self {
        let mut r = Rng::new(mix(key ^ 0x1d5));
        Self {
            nhs: nhs_number(&mut r),
            ni: ni_number(&mut r),
            mobile: mobile.to_string(),
            email: email.to_string(),
            street,
            postcode: postcode.to_string(),
            vrm: vrm(&mut r),
        }
    }
}

fn nhs_number(r: &mut Rng) -> String {
    loop {
        // Numbers are issued from 400 000 000 and 600 000 000 up (England, Wales).
        let first = r.pick(&[4u32, 6, 7]);
        let digits: Vec<u32> = std::iter::once(first)
            .chain((0..8).map(|_| r.below(10) as u32))
            .collect();
        let sum: u32 = digits.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => continue,
            c => c,
        };
        let mut s: String = digits
            .iter()
            .filter_map(|d| char::from_digit(*d, 10))
            .collect();
        s.extend(char::from_digit(check, 10));
        return s;
    }
}

fn ni_number(r: &mut Rng) -> String {
    const FIRST: &[u8] = b"ABCEGHJKLMNOPRSTWXYZ";
    const SECOND: &[u8] = b"ABCEGHJKLMNPRSTWXYZ";
    const BANNED: &[&str] = &["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"];
    loop {
        let a = char::from(FIRST[r.below_usize(FIRST.len())]);
        let b = char::from(SECOND[r.below_usize(SECOND.len())]);
        let prefix = format!("{a}{b}");
        if BANNED.contains(&prefix.as_str()) {
            continue;
        }
        let suffix = char::from(b"ABCD"[r.below_usize(4)]);
        return format!("{prefix}{:06}{suffix}", r.below(1_000_000));
    }
}

fn vrm(r: &mut Rng) -> String {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNOPRSTUVWXY";
    let mut l = || char::from(LETTERS[r.below_usize(LETTERS.len())]);
    let (a, b) = (l(), l());
    let (c, d, e) = (l(), l(), l());
    let age = r.pick(&[
        15, 16, 17, 18, 19, 20, 21, 22, 23, 65, 66, 67, 68, 69, 70, 71, 72, 73,
    ]);
    format!("{a}{b}{age}{c}{d}{e}")
}

/// Named GP surgeries and the hospital, beside the generic settings, so
/// that some notes name a place a detector should find.
pub const GP_SURGERIES: &[&str] = &[
    "Hallbridge Medical Centre",
    "Kingsmoor Health Centre",
    "Carrow Road Surgery",
    "Eastholme Family Practice",
];
pub const HOSPITAL: &str = "Hallbridge General Hospital";

pub struct NoteCtx<'a> {
    pub child: &'a str,
    pub child_nick: Option<&'a str>,
    pub child_surname: &'a str,
    pub child_female: bool,
    /// Entity ids as the mappings name them, for the truth.
    pub child_entity: &'a str,
    /// "Mum", "Dad", or the carer's first name.
    pub carer: &'a str,
    /// Set when `carer` is a name.
    pub carer_entity: Option<&'a str>,
    pub other_carer: Option<&'a str>,
    pub other_entity: Option<&'a str>,
    pub school: &'a str,
    pub health: &'a str,
    pub worker: &'a str,
    pub worker_surname: &'a str,
    pub worker_entity: &'a str,
    pub age: i32,
    /// The note's own date, which relative dates count from.
    pub date: Date,
    pub ids: &'a Ids,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteType {
    HomeVisit,
    SchoolVisit,
    Health,
    Phone,
    Strategy,
    MultiAgency,
    Supervision,
}

impl NoteType {
    pub fn code(self) -> &'static str {
        match self {
            NoteType::HomeVisit => "HV",
            NoteType::SchoolVisit => "SV",
            NoteType::Health => "HA",
            NoteType::Phone => "PC",
            NoteType::Strategy => "SD",
            NoteType::MultiAgency => "MAM",
            NoteType::Supervision => "SUP",
        }
    }

    pub fn pick(r: &mut Rng) -> Self {
        match r.weighted(&[30, 15, 12, 20, 5, 10, 8]) {
            0 => NoteType::HomeVisit,
            1 => NoteType::SchoolVisit,
            2 => NoteType::Health,
            3 => NoteType::Phone,
            4 => NoteType::Strategy,
            5 => NoteType::MultiAgency,
            _ => NoteType::Supervision,
        }
    }
}

/// One mention a detector should find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionTruth {
    pub start: usize,
    pub end: usize,
    /// The notes crate's `MentionKind` code.
    pub kind: &'static str,
    pub text: String,
    pub normalised: String,
    pub entity: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialTruth {
    pub start: usize,
    pub end: usize,
    /// The ontology's sensitivity tag.
    pub category: &'static str,
}

/// A significant event: the sentence that records it, and when it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTruth {
    pub start: usize,
    pub end: usize,
    pub date: String,
}

#[derive(Debug, Clone, Default)]
pub struct Annotated {
    pub text: String,
    pub mentions: Vec<MentionTruth>,
    pub special: Vec<SpecialTruth>,
    pub events: Vec<EventTruth>,
}

/// Builds a note's text while keeping char offsets.
struct Builder {
    ann: Annotated,
    chars: usize,
}

impl Builder {
    fn lit(&mut self, s: &str) {
        self.ann.text.push_str(s);
        self.chars += s.chars().count();
    }

    fn mention(
        &mut self,
        text: &str,
        kind: &'static str,
        normalised: String,
        entity: Option<&str>,
    ) {
        let start = self.chars;
        self.lit(text);
        self.ann.mentions.push(MentionTruth {
            start,
            end: self.chars,
            kind,
            text: text.to_string(),
            normalised,
            entity: entity.map(str::to_string),
        });
    }
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
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

fn weekday(d: Date) -> usize {
    // 1970-01-01 was a Thursday.
    (d.0 + 3).rem_euclid(7) as usize
}

fn long_date(d: Date) -> String {
    let (y, m, day) = d.ymd();
    format!("{day} {} {y}", MONTHS[(m as usize + 11) % 12])
}

/// A date relative to the note's own, written as practitioners write it.
/// `on` puts "on" before an absolute date (not before "yesterday").
fn date_slot(r: &mut Rng, b: &mut Builder, base: Date, future: bool, on: bool) {
    let sign = if future { 1 } else { -1 };
    let (pre, text, date) = match r.below(5) {
        0 => {
            let d = base.add_days(sign);
            let w = if future { "tomorrow" } else { "yesterday" };
            ("", w.to_string(), d)
        }
        1 => {
            let target = r.below_usize(7);
            let mut d = base.add_days(sign);
            while weekday(d) != target {
                d = d.add_days(sign);
            }
            let w = if future { "next" } else { "last" };
            ("", format!("{w} {}", WEEKDAYS[target]), d)
        }
        2 => {
            let d = base.add_days(sign * r.range(3, 40) as i32);
            (if on { "on " } else { "" }, d.dmy(), d)
        }
        _ => {
            let d = base.add_days(sign * r.range(2, 60) as i32);
            (if on { "on " } else { "" }, long_date(d), d)
        }
    };
    b.lit(pre);
    b.mention(&text, "date", date.iso(), None);
}

/// A period counted from the note's date, as it resolves: a week by the
/// day a week on from the note ("this week" is the note's own day), a month
/// as `YYYY-MM`. A period that does not resolve ("this term") is no date.
fn period(base: Date, written: &str) -> Option<String> {
    let months = |n: i32| {
        let (y, m, _) = base.ymd();
        let k = y * 12 + m as i32 - 1 + n;
        format!("{:04}-{:02}", k.div_euclid(12), k.rem_euclid(12) + 1)
    };
    match written {
        "this week" => Some(base.iso()),
        "next week" => Some(base.add_days(7).iso()),
        "last week" => Some(base.add_days(-7).iso()),
        "this month" => Some(months(0)),
        "next month" => Some(months(1)),
        "last month" => Some(months(-1)),
        "in three months" => Some(months(3)),
        _ => None,
    }
}

fn spaced_nhs(n: &str) -> String {
    match (n.get(..3), n.get(3..6), n.get(6..)) {
        (Some(a), Some(b), Some(c)) => format!("{a} {b} {c}"),
        _ => n.to_string(),
    }
}

fn spaced_ni(n: &str) -> String {
    match (
        n.get(..2),
        n.get(2..4),
        n.get(4..6),
        n.get(6..8),
        n.get(8..),
    ) {
        (Some(a), Some(b), Some(c), Some(d), Some(e)) => format!("{a} {b} {c} {d} {e}"),
        _ => n.to_string(),
    }
}

/// Fills one slot; false when the slot is unknown.
fn slot(r: &mut Rng, b: &mut Builder, name: &str, c: &NoteCtx<'_>) -> bool {
    let (they, their) = if c.child_female {
        ("she", "her")
    } else {
        ("he", "his")
    };
    match name {
        "child" => {
            let text = match (r.below(10), c.child_nick) {
                (0..=1, Some(nick)) => nick.to_string(),
                (2, _) => format!("{} {}", c.child, c.child_surname),
                _ => c.child.to_string(),
            };
            b.mention(&text, "person", text.clone(), Some(c.child_entity));
        }
        "carer" => match c.carer_entity {
            Some(e) => b.mention(c.carer, "person", c.carer.to_string(), Some(e)),
            None => b.lit(c.carer),
        },
        "other" => match (c.other_carer, c.other_entity) {
            (Some(name), Some(e)) => b.mention(name, "person", name.to_string(), Some(e)),
            (Some(role), None) => b.lit(role),
            _ => b.lit("the other parent"),
        },
        "worker" => {
            let text = if r.chance(0.3) {
                format!("{} {}", c.worker, c.worker_surname)
            } else {
                c.worker.to_string()
            };
            b.mention(&text, "person", text.clone(), Some(c.worker_entity));
        }
        "school" if c.school == "the nursery" => b.lit(c.school),
        "school" => b.mention(c.school, "school", c.school.to_string(), None),
        "health" if GP_SURGERIES.contains(&c.health) => {
            b.mention(c.health, "gp_surgery", c.health.to_string(), None)
        }
        "health" if c.health == HOSPITAL => {
            b.mention(c.health, "place", c.health.to_string(), None)
        }
        "health" => b.lit(c.health),
        "today" => b.mention("today", "date", c.date.iso(), None),
        n if n.starts_with("period=") => {
            let written = n.trim_start_matches("period=");
            match period(c.date, written) {
                Some(normalised) => b.mention(written, "date", normalised, None),
                None => b.lit(written),
            }
        }
        n if n.starts_with("place=") => {
            let place = n.trim_start_matches("place=");
            b.mention(place, "place", place.to_string(), None);
        }
        "they" => b.lit(they),
        "their" => b.lit(their),
        "past" => date_slot(r, b, c.date, false, true),
        "future" => date_slot(r, b, c.date, true, true),
        "until" => date_slot(r, b, c.date, true, false),
        "nhs" => {
            let n = &c.ids.nhs;
            let text = if r.chance(0.7) {
                spaced_nhs(n)
            } else {
                n.clone()
            };
            b.mention(&text, "nhs_number", spaced_nhs(n), None);
        }
        "ni" => {
            let n = &c.ids.ni;
            let text = if r.chance(0.5) {
                spaced_ni(n)
            } else {
                n.clone()
            };
            b.mention(&text, "ni_number", n.clone(), None);
        }
        "phone" => {
            let m = &c.ids.mobile;
            let national = format!("0{m}");
            let text = match (r.below(3), national.get(..5), national.get(5..)) {
                (0, _, _) => format!("+44 {m}"),
                (1, Some(a), Some(rest)) => format!("{a} {rest}"),
                _ => national.clone(),
            };
            b.mention(&text, "phone", format!("+44{m}"), None);
        }
        "email" => b.mention(
            &c.ids.email,
            "email",
            c.ids.email.to_ascii_lowercase(),
            None,
        ),
        "address" => b.mention(&c.ids.street, "address", c.ids.street.clone(), None),
        "postcode" => b.mention(
            &c.ids.postcode,
            "postcode",
            c.ids.postcode.to_ascii_uppercase(),
            None,
        ),
        "vrm" => {
            let v = &c.ids.vrm;
            let text = match (v.get(..4), v.get(4..)) {
                (Some(a), Some(rest)) if r.chance(0.7) => format!("{a} {rest}"),
                _ => v.clone(),
            };
            b.mention(&text, "vehicle_reg", v.clone(), None);
        }
        _ => return false,
    }
    true
}

/// Appends one sentence from template `t`, with its truth.
fn sentence(r: &mut Rng, b: &mut Builder, t: &str, c: &NoteCtx<'_>) {
    let mut rest = t;
    let mut event = false;
    let mut category: Option<&'static str> = None;
    loop {
        if let Some(r2) = rest.strip_prefix('!') {
            event = true;
            rest = r2;
        } else if let Some(r2) = rest.strip_prefix('#') {
            let (tag, after) = r2.split_once(' ').unwrap_or((r2, ""));
            category = clearstone_model::Sensitivity::parse(tag).map(|s| s.as_str());
            rest = after;
        } else {
            break;
        }
    }
    if !b.ann.text.is_empty() {
        b.lit(" ");
    }
    let start = b.chars;
    let dates_before = b.ann.mentions.len();
    let mut first = true;
    while !rest.is_empty() {
        match rest.find('{') {
            Some(0) => {
                let Some(close) = rest.find('}') else {
                    b.lit(rest);
                    break;
                };
                let name = rest.get(1..close).unwrap_or("");
                if !slot(r, b, name, c) {
                    b.lit(rest.get(..=close).unwrap_or(""));
                }
                rest = rest.get(close + 1..).unwrap_or("");
            }
            Some(i) => {
                let lit = rest.get(..i).unwrap_or("");
                push_literal(b, lit, first);
                rest = rest.get(i..).unwrap_or("");
            }
            None => {
                push_literal(b, rest, first);
                rest = "";
            }
        }
        first = false;
    }
    let end = b.chars;
    if let Some(category) = category {
        b.ann.special.push(SpecialTruth {
            start,
            end,
            category,
        });
    }
    if event {
        let date = b
            .ann
            .mentions
            .get(dates_before..)
            // A month or a week booked ahead dates nothing to the day: the
            // event is when the note records it.
            .and_then(|ms| {
                ms.iter()
                    .find(|m| m.kind == "date" && m.normalised.len() == 10)
            })
            .map_or_else(|| c.date.iso(), |m| m.normalised.clone());
        b.ann.events.push(EventTruth { start, end, date });
    }
}

/// A sentence starts with a capital even when its template starts lower case.
fn push_literal(b: &mut Builder, lit: &str, first: bool) {
    let mut chars = lit.chars();
    match chars.next() {
        Some(ch) if first => {
            b.lit(&ch.to_uppercase().to_string());
            b.lit(chars.as_str());
        }
        _ => b.lit(lit),
    }
}

const HOME_OPEN: &[&str] = &[
    "Announced home visit to see {child} and {carer}.",
    "Unannounced home visit; {carer} answered the door and invited me in.",
    "Visited the family home after school to see {child}.",
    "Home visit with a family support worker present.",
];
const HOME_OBSERVE: &[&str] = &[
    "The home was warm, tidy and there was food in the kitchen.",
    "The living room was cluttered and there were several bags of washing on the floor.",
    "{child} showed me {their} bedroom, which was clean and had a new duvet cover.",
    "{child} appeared tired and said {they} had been up late playing games.",
    "{child} was chatty and pleased to show me a drawing from school.",
    "#health {carer} appeared low in mood and said things had been difficult {period=this week}.",
    "There were no concerns about the home conditions {today}.",
    "{carer} said money has been tight since the benefits were reassessed.",
];
const HOME_VOICE: &[&str] = &[
    "I spoke with {child} alone; {they} said {they} feel safe at home.",
    "{child} said {they} miss seeing {other} and would like more contact.",
    "{child} said there had been arguing at home at the weekend but that it had stopped.",
    "{child} did not want to talk {today} and went to play in the garden.",
    "{child} told me {their} favourite thing {period=this week} was going swimming.",
];
const CONCERNS: &[&str] = &[
    "!Concern raised about {child}'s school attendance, which has dropped this term.",
    "!#health Concern noted that the last two health appointments were missed.",
    "!Neighbours have reported shouting at the address late at night.",
    "!Concern that {carer} is struggling to manage {child}'s behaviour at bedtime.",
    "!The school has raised a concern that {child} has arrived without a packed lunch several times.",
    "No new concerns were raised.",
];
const ACTIONS: &[&str] = &[
    "#health Agreed that {carer} will make a new appointment with {health} {period=this week}.",
    "!Agreed to refer the family to the food bank and to a debt advice service.",
    "I will contact {school} to arrange a meeting about attendance.",
    "Agreed a bedtime routine with {carer}; to review at the next visit.",
    "Next visit booked for {until}.",
    "To discuss in supervision and update the plan.",
    "Agreed that {child} will be offered a place at the after-school club.",
    "{carer} agreed to attend the parenting course starting {period=next month}.",
];
const SCHOOL: &[&str] = &[
    "Met with the designated safeguarding lead at {school}.",
    "Attendance this term is reported as below ninety per cent.",
    "Teachers report that {child} is settled in class and has made friends.",
    "{child} has been finding reading difficult and is receiving extra support.",
    "Staff said {child} sometimes seems hungry at the start of the day.",
    "{child} was seen briefly in school and said {they} were happy.",
    "The school will share weekly attendance figures with me.",
];
const HEALTH: &[&str] = &[
    "#health Accompanied {carer} and {child} to {health}.",
    "#health {child}'s immunisations are now up to date.",
    "#health {health} will review {child} again {period=in three months}.",
    "#health Height and weight were within the expected range.",
    "!#health A referral for a hearing test has been made.",
    "#health {carer} was given advice about dental care and registering with a dentist.",
    "{child} was calm during the appointment and answered questions.",
];
const PHONE: &[&str] = &[
    "Telephone call from {carer}, who wanted to rearrange the visit booked for {until}.",
    "Phone call to {school} to check on attendance.",
    "#health Call from the health visitor to share an update following a recent visit.",
    "#health {carer} called to say {child} has been unwell with a cold and is off school.",
    "Left a voicemail for {carer} asking them to call back.",
    "!#offence Call from the police to share a notification about an incident at the address {past}.",
    "{carer} rang the duty line {past} to ask for help with a housing letter.",
    "Returned a call from {school} about {child}'s behaviour at lunchtime.",
    "Call from {other} asking for an update on {child}.",
    "#health Spoke with {carer} by phone to confirm the appointment at {health}.",
    "Text message from {carer} to say the family are away until {until}.",
    "!Call from the housing officer about rent arrears at the address.",
];
const PHONE_DETAIL: &[&str] = &[
    "{carer} sounded calm and was happy to talk.",
    "{carer} was upset and said they had not slept well; I listened and offered reassurance.",
    "The information was noted and will be shared with my manager.",
    "I explained why the visit is important and {carer} agreed to a new time {future}.",
    "#offence The police notification said no offences were disclosed and no arrests were made.",
    "{child} could be heard playing in the background.",
    "The school confirmed {child} was in class {today}.",
    "There was no answer on a second attempt later in the day.",
    "{carer} asked for the number of the food bank, which I sent by text.",
];
const STRATEGY: &[&str] = &[
    "!Strategy discussion held with police, health and education.",
    "#offence Information was shared about a recent police attendance at the address.",
    "!Agreed that the threshold for a section 47 enquiry is met.",
    "!Agreed that a single assessment will continue and no section 47 enquiry is needed.",
    "#offence Police will complete further checks and share the outcome.",
];
const MULTI: &[&str] = &[
    "!Core group meeting held at {school}.",
    "Present: {carer}, school staff, the health visitor and {worker}.",
    "The plan was reviewed and progress noted on attendance.",
    "Agencies agreed that the family is engaging well.",
    "!Agreed to step down to early help if progress continues.",
    "{carer} said the meeting was helpful.",
];
const SUPERVISION: &[&str] = &[
    "Case discussed in supervision with {worker}.",
    "Manager agreed the current plan is proportionate.",
    "!Agreed to increase visits to weekly for the {period=next month}.",
    "Reflection on the family's history and the impact on {child}.",
    "!Agreed to seek legal advice if concerns continue.",
];
/// Sentences quoting a UK identifier; each names what it needs.
const IDENTIFIERS: &[(&str, &str)] = &[
    (
        "phone",
        "{carer} gave a new mobile number, {phone}, for appointment texts.",
    ),
    (
        "phone",
        "The best number to reach the family is now {phone}.",
    ),
    (
        "email",
        "{carer} asked for letters to be sent by email to {email}.",
    ),
    ("nhs", "{child}'s NHS number is {nhs}."),
    (
        "nhs",
        "The GP surgery confirmed {child}'s NHS number as {nhs}.",
    ),
    (
        "ni",
        "{carer}'s National Insurance number {ni} was given for the housing benefit claim.",
    ),
    ("", "!The family have moved to {address}, {postcode}."),
    (
        "",
        "Post for the family should now go to {address}, {postcode}.",
    ),
    (
        "",
        "A car with registration {vrm} was parked on the drive during the visit.",
    ),
    (
        "",
        "{carer} said the car, {vrm}, belongs to a friend who visits most days.",
    ),
];
/// Special-category sentences, one category each (the tag is the ontology's).
const SPECIAL: &[&str] = &[
    "#health {child} has been diagnosed with asthma and uses an inhaler at school.",
    "#health {carer} said the GP has prescribed antidepressants for low mood.",
    "!#health {child} had a seizure at school {past} and was taken to hospital.",
    "#religious The family attend the mosque every Friday and {child} goes to madrasa after school.",
    "#religious {carer} said the family are Jehovah's Witnesses and attend the Kingdom Hall weekly.",
    "#religious {carer} asked for visits to avoid Sunday mornings, when the family go to church.",
    "#ethnic {carer} described the family as Irish Travellers who have lived on the site for years.",
    "#ethnic {carer} said the family are Roma and moved from {place=Slovakia} before {child} was born.",
    "#sexual_orientation {carer} said they are gay and their partner has recently moved in.",
    "#sex_life {carer} said a new sexual relationship began a few weeks ago.",
    "#political {carer} is an active member of a political party and was canvassing at the weekend.",
    "#trade_union {carer} is a trade union representative at the depot where they work.",
    "!#offence {carer} received a police caution for shoplifting {past}.",
    "#genetic {child} has been referred for genetic testing for fragile X syndrome.",
];

/// Picks `n` distinct sentences from a pool.
fn some(r: &mut Rng, pool: &[&str], n: usize, c: &NoteCtx<'_>, b: &mut Builder) {
    let mut used = Vec::new();
    for _ in 0..n.min(pool.len()) {
        let mut i = r.below_usize(pool.len());
        while used.contains(&i) {
            i = (i + 1) % pool.len();
        }
        used.push(i);
        if let Some(t) = pool.get(i) {
            sentence(r, b, t, c);
        }
    }
}

fn identifier(r: &mut Rng, c: &NoteCtx<'_>, b: &mut Builder) {
    let usable: Vec<&str> = IDENTIFIERS
        .iter()
        .filter(|(needs, _)| match *needs {
            "phone" => !c.ids.mobile.is_empty(),
            "email" => !c.ids.email.is_empty(),
            _ => true,
        })
        .map(|(_, t)| *t)
        .collect();
    if !usable.is_empty() {
        let t = r.pick(&usable);
        sentence(r, b, t, c);
    }
}

pub fn note(r: &mut Rng, t: NoteType, c: &NoteCtx<'_>) -> Annotated {
    let mut b = Builder {
        ann: Annotated::default(),
        chars: 0,
    };
    let s = &mut b;
    match t {
        NoteType::HomeVisit => {
            some(r, HOME_OPEN, 1, c, s);
            some(r, HOME_OBSERVE, 2, c, s);
            if c.age >= 4 {
                some(r, HOME_VOICE, 1, c, s);
            }
            some(r, CONCERNS, 1, c, s);
            let n = 1 + r.below_usize(2);
            some(r, ACTIONS, n, c, s);
        }
        NoteType::SchoolVisit => {
            some(r, SCHOOL, 3, c, s);
            some(r, ACTIONS, 1, c, s);
        }
        NoteType::Health => {
            some(r, HEALTH, 3, c, s);
            some(r, ACTIONS, 1, c, s);
        }
        NoteType::Phone => {
            some(r, PHONE, 1, c, s);
            let n = 1 + r.below_usize(2);
            some(r, PHONE_DETAIL, n, c, s);
            if r.chance(0.5) {
                some(r, ACTIONS, 1, c, s);
            }
        }
        NoteType::Strategy => {
            some(r, STRATEGY, 3, c, s);
        }
        NoteType::MultiAgency => {
            some(r, MULTI, 3, c, s);
            some(r, ACTIONS, 1, c, s);
        }
        NoteType::Supervision => {
            some(r, SUPERVISION, 2, c, s);
            some(r, CONCERNS, 1, c, s);
        }
    }
    if r.chance(0.3) {
        identifier(r, c, s);
    }
    if r.chance(0.2) {
        some(r, SPECIAL, 1, c, s);
    }
    b.ann
}

/// `notes_truth.jsonl`: one line per note that loads, with its truth.
pub struct NotesTruth {
    w: BufWriter<File>,
    pub path: PathBuf,
}

impl NotesTruth {
    pub fn create(dir: &Path) -> Result<Self, DemoError> {
        let path = dir.join(NOTES_TRUTH_FILE);
        Ok(Self {
            w: BufWriter::new(create(&path)?),
            path,
        })
    }

    pub fn write(
        &mut self,
        note_entity: &str,
        child_entity: &str,
        case_entity: &str,
        date: Date,
        a: &Annotated,
    ) -> Result<(), DemoError> {
        let span =
            |j: Json, start: usize, end: usize| j.num("start", start as u64).num("end", end as u64);
        let mentions = a
            .mentions
            .iter()
            .map(|m| {
                span(Json::new(), m.start, m.end)
                    .str("kind", m.kind)
                    .str("text", &m.text)
                    .str("normalised", &m.normalised)
                    .opt("entity_id", m.entity.as_deref().unwrap_or(""))
            })
            .collect();
        let special = a
            .special
            .iter()
            .map(|s| span(Json::new(), s.start, s.end).str("category", s.category))
            .collect();
        let events = a
            .events
            .iter()
            .map(|e| span(Json::new(), e.start, e.end).str("date", &e.date))
            .collect();
        let line = Json::new()
            .str("note_id", note_entity)
            .str("child_id", child_entity)
            .str("case_id", case_entity)
            .str("date", &date.iso())
            .arr("mentions", mentions)
            .arr("special", special)
            .arr("events", events)
            .finish();
        writeln!(self.w, "{line}").map_err(|e| io(&self.path, e))
    }

    pub fn finish(mut self) -> Result<PathBuf, DemoError> {
        self.w.flush().map_err(|e| io(&self.path, e))?;
        Ok(self.path)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ids() -> Ids {
        Ids::draw(
            7,
            "7700900123",
            "amy@example.org",
            "12 Acacia Road".into(),
            "NX1 2AB",
        )
    }

    #[test]
    fn notes_fill_every_slot_and_spans_hold_their_text() {
        let ids = ids();
        let c = NoteCtx {
            child: "Amelia",
            child_nick: Some("Millie"),
            child_surname: "Hart",
            child_female: true,
            child_entity: "csc:child:1",
            carer: "Jo",
            carer_entity: Some("csc:carer:1"),
            other_carer: Some("Dad"),
            other_entity: None,
            school: "Carrow Community Primary",
            health: "Kingsmoor Health Centre",
            worker: "Sarah",
            worker_surname: "Ng",
            worker_entity: "csc:practitioner:1",
            age: 7,
            date: Date::from_ymd(2025, 3, 7),
            ids: &ids,
        };
        let mut r = Rng::new(5);
        let mut kinds = std::collections::BTreeSet::new();
        for _ in 0..400 {
            let t = NoteType::pick(&mut r);
            let n = note(&mut r, t, &c);
            assert!(!n.text.contains('{'), "{}", n.text);
            assert!(n.text.len() > 20);
            let chars: Vec<char> = n.text.chars().collect();
            for m in &n.mentions {
                let got: String = chars.get(m.start..m.end).unwrap().iter().collect();
                assert_eq!(got, m.text);
                kinds.insert(m.kind);
            }
            for s in &n.special {
                assert!(s.end <= chars.len() && s.start < s.end);
            }
        }
        for k in [
            "person",
            "date",
            "school",
            "gp_surgery",
            "nhs_number",
            "ni_number",
        ] {
            assert!(kinds.contains(k), "{k}");
        }
    }

    #[test]
    fn identifiers_are_valid() {
        for k in 0..200 {
            let i = Ids::draw(k, "", "", String::new(), "");
            let d: Vec<u32> = i.nhs.chars().filter_map(|c| c.to_digit(10)).collect();
            assert_eq!(d.len(), 10);
            let sum: u32 = d
                .iter()
                .take(9)
                .zip((2..=10).rev())
                .map(|(a, w)| a * w)
                .sum();
            assert_eq!((11 - sum % 11) % 11, d[9]);
            assert_eq!(i.ni.len(), 9);
            assert_eq!(i.vrm.len(), 7);
        }
    }

    #[test]
    fn periods_resolve_against_the_note_or_are_no_date() {
        let base = Date::from_ymd(2025, 12, 19);
        assert_eq!(period(base, "this week").as_deref(), Some("2025-12-19"));
        assert_eq!(period(base, "next month").as_deref(), Some("2026-01"));
        assert_eq!(period(base, "in three months").as_deref(), Some("2026-03"));
        assert_eq!(period(base, "this term"), None);
    }

    #[test]
    fn relative_dates_count_from_the_note() {
        let mut r = Rng::new(1);
        let base = Date::from_ymd(2025, 3, 7); // a Friday
        assert_eq!(weekday(base), 4);
        for _ in 0..50 {
            let mut b = Builder {
                ann: Annotated::default(),
                chars: 0,
            };
            date_slot(&mut r, &mut b, base, false, true);
            let m = b.ann.mentions.first().unwrap();
            assert!(m.normalised < base.iso());
            if m.text == "yesterday" {
                assert_eq!(m.normalised, "2025-03-06");
            }
            if m.text == "last Friday" {
                assert_eq!(m.normalised, "2025-02-28");
            }
        }
    }
}
