//! Children's case notes in plain English, from templates: what happened,
//! what was seen, what was agreed. Fictional and deliberately non-graphic;
//! varied enough that summaries and extraction have real work to do.

use crate::rng::Rng;

pub struct NoteCtx<'a> {
    pub child: &'a str,
    pub child_female: bool,
    pub carer: &'a str,
    /// "mum", "dad", or the carer's relationship as the child says it.
    pub carer_role: &'a str,
    pub other_carer: Option<&'a str>,
    pub school: &'a str,
    pub health: &'a str,
    pub worker: &'a str,
    pub age: i32,
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

fn fill(r: &mut Rng, t: &str, c: &NoteCtx<'_>) -> String {
    const DAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
    let (they, their) = if c.child_female {
        ("she", "her")
    } else {
        ("he", "his")
    };
    t.replace("{day}", r.pick(DAYS))
        .replace("{child}", c.child)
        .replace("{carer}", c.carer)
        .replace("{role}", c.carer_role)
        .replace("{other}", c.other_carer.unwrap_or("the other parent"))
        .replace("{school}", c.school)
        .replace("{health}", c.health)
        .replace("{worker}", c.worker)
        .replace("{they}", they)
        .replace("{their}", their)
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
    "{carer} appeared low in mood and said things had been difficult this week.",
    "There were no concerns about the home conditions today.",
    "{carer} said money has been tight since the benefits were reassessed.",
];
const HOME_VOICE: &[&str] = &[
    "I spoke with {child} alone; {they} said {they} feel safe at home.",
    "{child} said {they} miss seeing {other} and would like more contact.",
    "{child} said there had been arguing at home at the weekend but that it had stopped.",
    "{child} did not want to talk today and went to play in the garden.",
    "{child} told me {their} favourite thing this week was going swimming.",
];
const CONCERNS: &[&str] = &[
    "Concern raised about {child}'s school attendance, which has dropped this term.",
    "Concern noted that the last two health appointments were missed.",
    "Neighbours have reported shouting at the address late at night.",
    "Concern that {carer} is struggling to manage {child}'s behaviour at bedtime.",
    "The school has raised a concern that {child} has arrived without a packed lunch several times.",
    "No new concerns were raised.",
];
const ACTIONS: &[&str] = &[
    "Agreed that {carer} will make a new appointment with {health} this week.",
    "Agreed to refer the family to the food bank and to a debt advice service.",
    "I will contact {school} to arrange a meeting about attendance.",
    "Agreed a bedtime routine with {carer}; to review at the next visit.",
    "Next visit booked for two weeks' time.",
    "To discuss in supervision and update the plan.",
    "Agreed that {child} will be offered a place at the after-school club.",
    "{carer} agreed to attend the parenting course starting next month.",
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
    "Accompanied {carer} and {child} to {health}.",
    "{child}'s immunisations are now up to date.",
    "{health} will review {child} again in three months.",
    "Height and weight were within the expected range.",
    "A referral for a hearing test has been made.",
    "{carer} was given advice about dental care and registering with a dentist.",
    "{child} was calm during the appointment and answered questions.",
];
const PHONE: &[&str] = &[
    "Telephone call from {carer}, who wanted to rearrange {day}'s visit.",
    "Phone call to {school} to check on attendance.",
    "Call from the health visitor to share an update following a recent visit.",
    "{carer} called to say {child} has been unwell with a cold and is off school.",
    "Left a voicemail for {carer} asking them to call back.",
    "Call from the police to share a notification about an incident at the address.",
    "{carer} rang the duty line on {day} afternoon to ask for help with a housing letter.",
    "Returned a call from {school} about {child}'s behaviour at lunchtime.",
    "Call from {other} asking for an update on {child}.",
    "Spoke with {carer} by phone to confirm the appointment at {health}.",
    "Text message from {carer} to say the family are away until {day}.",
    "Call from the housing officer about rent arrears at the address.",
];
const PHONE_DETAIL: &[&str] = &[
    "{carer} sounded calm and was happy to talk.",
    "{carer} was upset and said {they} had not slept well; I listened and offered reassurance.",
    "The information was noted and will be shared with my manager.",
    "I explained why the visit is important and {carer} agreed to a new time on {day}.",
    "The police notification said no offences were disclosed and no arrests were made.",
    "{child} could be heard playing in the background.",
    "The school confirmed {child} was in class today.",
    "There was no answer on a second attempt later in the day.",
    "{carer} asked for the number of the food bank, which I sent by text.",
];
const STRATEGY: &[&str] = &[
    "Strategy discussion held with police, health and education.",
    "Information was shared about a recent police attendance at the address.",
    "Agreed that the threshold for a section 47 enquiry is met.",
    "Agreed that a single assessment will continue and no section 47 enquiry is needed.",
    "Police will complete further checks and share the outcome.",
];
const MULTI: &[&str] = &[
    "Core group meeting held at {school}.",
    "Present: {carer}, school staff, the health visitor and {worker}.",
    "The plan was reviewed and progress noted on attendance.",
    "Agencies agreed that the family is engaging well.",
    "Agreed to step down to early help if progress continues.",
    "{carer} said the meeting was helpful.",
];
const SUPERVISION: &[&str] = &[
    "Case discussed in supervision.",
    "Manager agreed the current plan is proportionate.",
    "Agreed to increase visits to weekly for the next month.",
    "Reflection on the family's history and the impact on {child}.",
    "Agreed to seek legal advice if concerns continue.",
];

/// Picks `n` distinct sentences from a pool.
fn some(r: &mut Rng, pool: &[&str], n: usize, c: &NoteCtx<'_>, out: &mut Vec<String>) {
    let mut used = Vec::new();
    for _ in 0..n.min(pool.len()) {
        let mut i = r.below_usize(pool.len());
        while used.contains(&i) {
            i = (i + 1) % pool.len();
        }
        used.push(i);
        out.push(fill(r, pool[i], c));
    }
}

pub fn note(r: &mut Rng, t: NoteType, c: &NoteCtx<'_>) -> String {
    let mut s = Vec::new();
    match t {
        NoteType::HomeVisit => {
            some(r, HOME_OPEN, 1, c, &mut s);
            some(r, HOME_OBSERVE, 2, c, &mut s);
            if c.age >= 4 {
                some(r, HOME_VOICE, 1, c, &mut s);
            }
            some(r, CONCERNS, 1, c, &mut s);
            let n = 1 + r.below_usize(2);
            some(r, ACTIONS, n, c, &mut s);
        }
        NoteType::SchoolVisit => {
            some(r, SCHOOL, 3, c, &mut s);
            some(r, ACTIONS, 1, c, &mut s);
        }
        NoteType::Health => {
            some(r, HEALTH, 3, c, &mut s);
            some(r, ACTIONS, 1, c, &mut s);
        }
        NoteType::Phone => {
            some(r, PHONE, 1, c, &mut s);
            let n = 1 + r.below_usize(2);
            some(r, PHONE_DETAIL, n, c, &mut s);
            if r.chance(0.5) {
                some(r, ACTIONS, 1, c, &mut s);
            }
        }
        NoteType::Strategy => {
            some(r, STRATEGY, 3, c, &mut s);
        }
        NoteType::MultiAgency => {
            some(r, MULTI, 3, c, &mut s);
            some(r, ACTIONS, 1, c, &mut s);
        }
        NoteType::Supervision => {
            some(r, SUPERVISION, 2, c, &mut s);
            some(r, CONCERNS, 1, c, &mut s);
        }
    }
    let mut text = s.join(" ");
    if let Some(first) = text.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_fill_every_slot() {
        let c = NoteCtx {
            child: "Amelia",
            child_female: true,
            carer: "Mum",
            carer_role: "mum",
            other_carer: Some("Dad"),
            school: "Carrow Community Primary",
            health: "the GP surgery",
            worker: "Sarah",
            age: 7,
        };
        let mut r = Rng::new(5);
        for _ in 0..50 {
            let t = NoteType::pick(&mut r);
            let n = note(&mut r, t, &c);
            assert!(!n.contains('{'), "{n}");
            assert!(n.len() > 20);
        }
    }
}
