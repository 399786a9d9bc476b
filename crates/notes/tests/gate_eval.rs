//! The citation gate on a held-out set (issue 19, item 4): sentences of the
//! demo's case notes, each with summary sentences written by templates apart
//! from the gate's word tables and the bench's corpus (`gate_eval/make.py`
//! builds `gate_eval/set.jsonl`). Reports, per kind of planted fault, the
//! share rejected, and the share of faithful paraphrases passed; fails if
//! any falls under the floor the gate has reached, so it can only improve.
//! A second set, `gate_eval/second.jsonl`, written by hand in other
//! shapes (`gate_eval/second.py`), is scored the same way; it was written
//! before the gate read words through WordNet and only its totals were
//! looked at while the gate changed. A third, `gate_eval/third.jsonl`
//! (`gate_eval/third.py`), written by hand in yet other registers and
//! shapes before the gate's rules for contractions, phrasal verbs,
//! antonyms and roles said by nouns, is scored the same way and was read
//! only as totals while those rules were written. A fourth,
//! `gate_eval/fourth.jsonl` (`gate_eval/fourth.py`), written by hand in
//! five more registers, is read only before and after a round of changes
//! tuned on the other three. A fifth, `gate_eval/fifth.jsonl`
//! (`gate_eval/fifth.py`), in six registers none of the others use, is
//! likewise read only before and after a round tuned on the first four.
//! A sixth, `gate_eval/sixth.jsonl` (`gate_eval/sixth.py`), in six more
//! registers, is read only before and after a round tuned on the first five.
//! A seventh, `gate_eval/seventh.jsonl` (`gate_eval/seventh.py`), in six
//! more, likewise before and after a round tuned on the first six, and an
//! eighth, `gate_eval/eighth.jsonl` (`gate_eval/eighth.py`), in seven
//! more, before and after a round tuned on the first seven.
//! `GATE_EVAL_SHOW=kind` lists that kind's misses.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;

use clearstone_notes::citation_gate;
use clearstone_notes::wordnet::{WORDNET_ENV, WordNetStatus, status};

/// Whether WordNet is loaded; says loudly when it is not, and fails when
/// `CLEARSTONE_WORDNET` names a folder without it.
fn wordnet() -> bool {
    match status() {
        WordNetStatus::Loaded { .. } => true,
        WordNetStatus::Missing { dir, reason } => {
            assert!(
                std::env::var_os(WORDNET_ENV).is_none(),
                "{WORDNET_ENV} names {}, which does not hold WordNet: {reason}",
                dir.display()
            );
            eprintln!(
                "SKIPPED the WordNet floors: WordNet is not at {} ({reason}); \
                 checking the floors of the gate's own word tables",
                dir.display()
            );
            false
        }
    }
}

/// Least share of each kind the gate must get right: the goal of
/// 95% for every fault, and for faithful paraphrases what the gate reaches
/// reading words through WordNet (98%; 93% on its own word tables, 88%
/// before times, implicatives and counts with their unit, 84% before
/// light verbs and -ise/-ice). "Opened the door" for "answered the
/// door" is still refused: WordNet has no sense the two share.
const FLOORS: &[(&str, f64)] = &[
    ("faithful", 0.98),
    ("changed_number", 0.95),
    ("changed_date", 0.95),
    ("moved_place", 0.95),
    ("wrong_person", 0.95),
    ("invented_event", 0.95),
    ("flipped_negation", 0.95),
    // Before the clause-aware check: 36.7%.
    ("swapped_roles", 0.95),
];

/// Floors on the gate's own word tables, where WordNet is not installed:
/// (set, kind, floor), lower than with WordNet for faithful paraphrases
/// and for roles said by nouns, which only WordNet tells are people.
const WITHOUT_WORDNET: &[(&str, &str, f64)] = &[
    ("set.jsonl", "faithful", 0.93),
    ("second.jsonl", "faithful", 0.58),
    ("second.jsonl", "swapped_roles", 0.39),
    ("third.jsonl", "faithful", 0.75),
    ("third.jsonl", "swapped_roles", 0.20),
    // 0.20 until "let" stopped passing its negation to the people let in:
    // "the team refused to let Mr Okafor in" was refused for "Mr Okafor"
    // said without the negation, not for who refused.
    ("fourth.jsonl", "swapped_roles", 0.13),
    ("fourth.jsonl", "faithful", 0.64),
    ("fifth.jsonl", "faithful", 0.69),
    ("fifth.jsonl", "swapped_roles", 0.20),
    ("sixth.jsonl", "faithful", 0.44),
    ("sixth.jsonl", "swapped_roles", 0.13),
    ("seventh.jsonl", "faithful", 0.55),
    ("seventh.jsonl", "swapped_roles", 0.42),
    ("eighth.jsonl", "faithful", 0.40),
];

fn field<'a>(line: &'a serde_json::Value, key: &str) -> &'a str {
    line.get(key).and_then(serde_json::Value::as_str).unwrap()
}

/// Floors on the second set: what the gate reaches there (faithful 53.5%
/// with WordNet, 46.5% without; a changed date 100%, a flipped negation
/// 92.5%, swapped roles 65.2% with WordNet and 39.1% without: parties
/// named by nouns are known through WordNet), the 95% where it is
/// met. It was 49.4%, 91.7% and 39.1% before contractions, parties said by
/// nouns, "before"/"after", derivational links and numbers in words.
/// Raised to faithful 64.1% (54.7% without WordNet), a flipped negation
/// 95.0% and swapped roles 78.3% by possessives and open pronouns in the
/// role check, broader words, refusals and "unless" as negation, "going
/// to", "come"/"go"/"put" as light verbs and counts joined to their unit.
/// Still under the first set's figures: the first set's templates share
/// its sentences' shapes, this set's paraphrases do not. Raised to
/// faithful 65.3% (55.9% without WordNet) by reading a verb's object as
/// done to, and a pronoun several people could stand for as no one's;
/// to 67.6% (58.2% without WordNet) by function words in other spellings
/// ("following" is "after"), "found" as a word of recording, and a
/// clause's negation said of another of its words; to 70.0% by four
/// WordNet senses a word instead of two and three steps to a broader word;
/// to 71.8% (58.8% without) by reading a negative form through WordNet
/// as the word it negates ("missed" as "attend"); to 75.9% by verbs
/// WordNet makes ways of doing one thing or groups together ("warned" of
/// "told"); to 80.0% by eight WordNet senses a word, qualities read as
/// claiming nothing, and verbs that are ways of doing a cited one; to
/// 81.8% by verbs of being, having or seeming read as claiming nothing;
/// 82.4% by "no" as an answer ("said no when I asked") negating nothing.
/// Swapped roles 82.6% with the sexes of a verb's doer and of the one it
/// is done to compared ("she picks him up" of "he picks her up").
const SECOND_FLOORS: &[(&str, f64)] = &[
    ("faithful", 0.82),
    ("changed_number", 0.95),
    ("changed_date", 0.95),
    ("moved_place", 0.95),
    ("wrong_person", 0.95),
    ("invented_event", 0.95),
    ("flipped_negation", 0.95),
    ("swapped_roles", 0.82),
];

#[test]
fn the_gate_on_sentences_it_has_not_seen() {
    evaluate("set.jsonl", FLOORS, 40);
}

#[test]
fn the_gate_on_a_second_set_written_in_other_shapes() {
    evaluate("second.jsonl", SECOND_FLOORS, 20);
}

/// Floors on the third set: what the gate reaches there. Measured once
/// before the gate was changed for it: faithful 54.5% with WordNet (53.7%
/// without), a changed date 80.0%, a flipped negation 93.8%, swapped roles
/// 20.0%, every other fault 100%; and once after: faithful 57.7% (56.9%
/// without), a changed date 93.3%, a flipped negation 93.8%, swapped roles
/// 66.7% with WordNet (20.0% without), every other fault 100%. After the
/// round the second set's floors name, and times of day: faithful 72.4%
/// (69.1% without), swapped roles 73.3%, the rest as before. After the
/// fourth set's round (who does what, function words, a clause's
/// negation): faithful 77.2% (73.2% without), a flipped negation 100%;
/// 78.0% with four WordNet senses and three steps to a broader word;
/// 78.9% (74.0% without) with "fortnight" as two weeks; 79.7% with a
/// supported phrasal verb saying its particle; 81.3% (75.6% without)
/// with days written as ordinal words ("the fourteenth of March"); 82.1%
/// with verbs close in WordNet; 82.9% with a weekday named as a habit
/// naming that weekday; 87.0% with eight WordNet senses a word,
/// qualities read as claiming nothing, and verbs that are ways of doing a
/// cited one; 87.8% with verbs of being, having or seeming read as
/// claiming nothing.
const THIRD_FLOORS: &[(&str, f64)] = &[
    ("faithful", 0.87),
    ("changed_number", 0.95),
    ("changed_date", 0.93),
    ("moved_place", 0.95),
    ("wrong_person", 0.95),
    ("invented_event", 0.95),
    ("flipped_negation", 0.95),
    ("swapped_roles", 0.73),
];

#[test]
fn the_gate_on_a_third_set_in_other_registers() {
    evaluate("third.jsonl", THIRD_FLOORS, 15);
}

/// Floors on the fourth set (`gate_eval/fourth.py`), written by hand in
/// registers the other three lack (youth offending, a crisis team's
/// contacts, an SEN annual review, a misconduct hearing, discharge
/// planning) and measured once before the gate was changed beside it:
/// faithful 53.3% with WordNet or without, a wrong person 95.8%, a flipped
/// negation 84.2% (89.5% without), swapped roles 66.7% (13.3% without),
/// every other fault 100%; and once after the round tuned on the other
/// three (the second set's floors name it): faithful 57.5% with WordNet
/// or without, a flipped negation 89.5% (94.7% without), swapped roles
/// 80.0% (20.0% without), the rest as before. Far from the first set's
/// 98%: that round's rules carried over only in part to sentences they
/// were not written from. After the round on who does what (a verb's
/// object, pronouns several people could stand for, the first verb after
/// a person): faithful 68.3% (59.2% without WordNet); after function
/// words and a clause's negation: faithful 71.7% (62.5% without), a
/// flipped negation 94.7%; 73.3% with four WordNet senses and three
/// steps to a broader word; 74.2% with a supported phrasal verb saying
/// its particle ("come back" of "return"); 75.8% (64.2% without) with
/// days as ordinal words and "able to" read as "can"; 77.5% with
/// WordNet's antonyms ("did not agree" of "disagreed") and an
/// implicative negating only its infinitive; 80.0% with verbs close in
/// WordNet ("raised" of "increased"); 80.8% with "instead of" and
/// "rather than" negating what they set aside; 81.7% with "let her know"
/// read as telling; 85.0% with eight WordNet senses a word, qualities read
/// as claiming nothing, and verbs that are ways of doing a cited one;
/// 86.7% with "let" negating letting, not the people let in; 88.3% with
/// a refusal supported by what it refuses and a sentence's own denial
/// standing for the cited one.
const FOURTH_FLOORS: &[(&str, f64)] = &[
    ("faithful", 0.88),
    ("changed_number", 0.95),
    ("changed_date", 0.95),
    ("moved_place", 0.95),
    ("wrong_person", 0.95),
    ("invented_event", 0.95),
    ("flipped_negation", 0.94),
    ("swapped_roles", 0.80),
];

#[test]
fn the_gate_on_a_fourth_set_in_other_registers() {
    evaluate("fourth.jsonl", FOURTH_FLOORS, 15);
}

/// Floors on the fifth set (`gate_eval/fifth.py`), written by hand in
/// registers none of the others use (a school nurse's health plan reviews,
/// probation supervision, a tenancy visit, a custody record, a care home's
/// safeguarding referral, a CAMHS triage call) before the gate was changed
/// beside it, and read only before and after that round. Before: faithful
/// 67.5% with WordNet, a moved place 86.7%, a flipped negation 95.0%,
/// swapped roles 46.7% (63.4% and 20.0% without WordNet), every other
/// fault 100%. After the round tuned on the first four: faithful 74.8%
/// (69.1% without), a flipped negation 90.0%, the rest as before. The
/// two negations it passed were both on words of recording ("did not
/// report", "was able to say" of "could not say"), which the gate skipped
/// whatever their polarity; with that mended, a flipped negation 100%.
/// So this set has been read once more than the others were, for that
/// one fix. Tuned on with the other four since the sixth set was
/// written: faithful 76.4% with a title saying who "she" may be; 78.0%
/// with "instead of" and "rather than" negating what they set aside;
/// 79.7% with an age ("aged 14", "16-year-old") saying only its number;
/// 80.5% with "let her know" read as telling; 81.3% with a weekday named
/// as a habit ("Thursday afternoons") naming that weekday. Swapped roles
/// 53.3% with a name in apposition ("the night carer, Sandra,") read as
/// the person before it; 60.0% with "the GP" heading its phrase read as
/// a party. Faithful 85.4% with eight WordNet senses a word, qualities
/// read as claiming nothing, and verbs that are ways of doing a cited one;
/// 87.8% with verbs of being, having or seeming read as claiming nothing,
/// which let one swap of roles through (53.3%): "the risk his former
/// partner poses to him" of "the risk to his former partner" was refused
/// only for "poses", not for who is at risk; 60.0% again with the sexes
/// of a verb's doer and of the one it is done to compared.
const FIFTH_FLOORS: &[(&str, f64)] = &[
    ("faithful", 0.87),
    ("changed_number", 0.95),
    ("changed_date", 0.95),
    ("moved_place", 0.86),
    ("wrong_person", 0.95),
    ("invented_event", 0.95),
    ("flipped_negation", 0.95),
    ("swapped_roles", 0.60),
];

#[test]
fn the_gate_on_a_fifth_set_in_other_registers() {
    evaluate("fifth.jsonl", FIFTH_FLOORS, 15);
}

/// Floors on the sixth set (`gate_eval/sixth.py`), written by hand in
/// registers none of the other five use (a foster carer's daily log, a
/// MARAC summary, supervised family time, an occupational therapist's home
/// visit, a looked-after child review, a return interview after a child
/// went missing from care) before the gate was changed beside it, and
/// read only before and after a round tuned on the first five. Before:
/// faithful 50.8% with WordNet (43.3% without), a moved place 93.3%, a
/// wrong person 88.2%, a flipped negation 88.9%, swapped roles 40.0%
/// (20.0% without), every other fault 100%. After the round tuned on the
/// first five: faithful 56.7% (45.0% without), swapped roles 40.0% (13.3%
/// without: one fewer, left as measured), every fault as before. Tuned on
/// with the other five since the seventh set was written: faithful 60.8%
/// with eight WordNet senses a word, qualities read as claiming nothing,
/// and verbs that are ways of doing a cited one; every fault as before;
/// 64.2% with verbs of being, having or seeming read as claiming nothing;
/// 65.8% with a negated act supported by its object cited negated; 65.0%
/// once a verb of state done to an act needs a cited word ("was spent
/// playing" is refused with "postponed the visit"). Swapped roles 66.7%
/// with the sexes of a verb's doer and of the one it is done to compared
/// ("she gave him vodka" of "he gave her vodka").
const SIXTH_FLOORS: &[(&str, f64)] = &[
    ("faithful", 0.65),
    ("changed_number", 0.95),
    ("changed_date", 0.95),
    ("moved_place", 0.93),
    ("wrong_person", 0.88),
    ("invented_event", 0.95),
    ("flipped_negation", 0.88),
    ("swapped_roles", 0.66),
];

#[test]
fn the_gate_on_a_sixth_set_in_other_registers() {
    evaluate("sixth.jsonl", SIXTH_FLOORS, 15);
}

fn evaluate(file: &str, floors: &[(&str, f64)], least: usize) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/gate_eval")
        .join(file);
    let text = std::fs::read_to_string(path).unwrap();
    let show = std::env::var("GATE_EVAL_SHOW").unwrap_or_default();
    // kind -> (right, total)
    let mut tally: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let (kind, cited, sentence) =
            (field(&v, "kind"), field(&v, "cited"), field(&v, "sentence"));
        let verdict = citation_gate(sentence, &[cited]);
        let right = verdict.is_supported() == (kind == "faithful");
        let t = tally.entry(kind.to_string()).or_default();
        t.1 += 1;
        if right {
            t.0 += 1;
        } else if show == kind {
            eprintln!("{sentence}\n    <- {cited}\n    {verdict:?}");
        }
    }
    let mut short = Vec::new();
    let with_wordnet = wordnet();
    for (kind, floor) in floors {
        let floor = WITHOUT_WORDNET
            .iter()
            .find(|(f, k, _)| !with_wordnet && *f == file && k == kind)
            .map_or(*floor, |(_, _, without)| floor.min(*without));
        let (right, total) = tally.get(*kind).copied().unwrap_or_default();
        assert!(total >= least, "{kind}: only {total} sentences");
        let share = right as f64 / total as f64;
        let what = if *kind == "faithful" {
            "passed"
        } else {
            "rejected"
        };
        eprintln!(
            "{file}: {kind:>16}: {right:>3} of {total:>3} {what} ({:.1}%)",
            share * 100.0
        );
        if share < floor {
            short.push(format!("{kind} {share:.3} < {floor}"));
        }
    }
    assert!(short.is_empty(), "under the floor: {short:?}");
}

/// Floors on the seventh set (`gate_eval/seventh.py`), written by hand in
/// registers none of the other six use (a pre-sentence report, a police
/// public protection notice, a personal education plan review, a Mental
/// Health Act assessment, child protection conference minutes, an
/// ambulance crew's patient report) before the gate was changed beside it,
/// and read only before and after a round tuned on the first six.
/// Before: faithful 66.7% with WordNet (55.1% without), a flipped
/// negation 94.7%, swapped roles 64.3% (42.9% without), every other fault
/// 100%. After the round tuned on the first six (eight WordNet senses a
/// word, qualities, verbs that are ways of doing a cited one): faithful
/// 69.4% (55.1% without), every fault as before. Tuned on with the other
/// six since the eighth set was written: 72.1% with verbs of being,
/// having or seeming read as claiming nothing and "not yet" read as "not";
/// 73.5% with a negated act supported by its object cited negated and a
/// light verb not opposed by another; 74.1% with "refusing" read as the
/// refusal it is. A flipped negation 100% since "not yet" is "not".
const SEVENTH_FLOORS: &[(&str, f64)] = &[
    ("faithful", 0.74),
    ("changed_number", 0.95),
    ("changed_date", 0.95),
    ("moved_place", 0.95),
    ("wrong_person", 0.95),
    ("invented_event", 0.95),
    ("flipped_negation", 0.95),
    ("swapped_roles", 0.64),
];

#[test]
fn the_gate_on_a_seventh_set_in_other_registers() {
    evaluate("seventh.jsonl", SEVENTH_FLOORS, 14);
}

/// Floors on the eighth set (`gate_eval/eighth.py`), written by hand in
/// registers none of the other seven use (a Cafcass section 7 report, a
/// MASH strategy discussion, a Care Act assessment, a health visitor's
/// two-year review, a school safeguarding lead's log, an early help
/// assessment, a paediatric liaison nurse's emergency department record)
/// before the gate was changed beside it, and read only before and after a
/// round tuned on the first seven. Before: faithful 51.7% with WordNet
/// (38.1% without), a moved place 94.1%, a flipped negation 92.3%,
/// swapped roles 40.0%, every other fault 100%. After the round tuned on
/// the first seven (verbs of being, having or seeming; a negation said of
/// an act or of its object; "not yet", "no" as an answer, "let",
/// "refusing"; the sexes of a verb's doer and of the one it is done to):
/// faithful 55.1% (40.1% without), swapped roles 53.3%, every other fault
/// as before.
const EIGHTH_FLOORS: &[(&str, f64)] = &[
    ("faithful", 0.55),
    ("changed_number", 0.95),
    ("changed_date", 0.95),
    ("moved_place", 0.94),
    ("wrong_person", 0.95),
    ("invented_event", 0.95),
    ("flipped_negation", 0.92),
    ("swapped_roles", 0.53),
];

#[test]
fn the_gate_on_an_eighth_set_in_other_registers() {
    evaluate("eighth.jsonl", EIGHTH_FLOORS, 15);
}
