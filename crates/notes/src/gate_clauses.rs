//! Who does each thing a sentence says, clause by clause: the subject of
//! every content word, so that "Jack said Mum hit him" and "Mum said that
//! Jack had hit her" are told apart although they hold the same words, and
//! a swap across clauses ("Jordan rang to say that Mum had a cold" of "Mum
//! called to say Jordan has a cold") is seen as well as one either side of
//! a verb (`gate_order`).
//!
//! A word's subject is the group of people nearest before it in its
//! clause: names and role words ("Mum"), the author ("I"), and people named
//! by what they are ("staff", "teachers"); a group joined by "and" is one
//! subject. A pronoun subject ("she said she feels safe") is the sentence's
//! first subject. In the passive ("was told by Mum") the subject is the
//! agent after "by", and without one the word has none. A clause starts
//! after a comma, semicolon or colon and at "that", "which", "who",
//! "whom", "because"; a word with no subject in its clause is not judged.

use std::collections::BTreeSet;

use crate::gate_parties::{party, party_phrase};
use crate::gate_phrases::{after_verb, is_verb_at, name_start, object_at, object_of_phrase};
use crate::words::{Token, canonical, is_negator, is_stopword, lemma, tokens};

/// Words that open a clause with a subject of its own.
const OPENERS: &[&str] = &["that", "which", "who", "whom", "because", "whose"];
/// People named by what they are.
const PEOPLE: &[&str] = &["staff", "teacher", "teachers", "neighbour", "neighbours"];
/// Subject pronouns, which stand for the sentence's first subject.
const PRONOUNS: &[&str] = &["he", "she", "they"];
/// Forms of "be" that make a following participle passive.
pub(crate) const BE: &[&str] = &["was", "were", "been", "is", "are", "be", "being"];
/// Words between a preposition and the person it governs.
pub(crate) const DETERMINERS: &[&str] =
    &["the", "a", "an", "his", "her", "their", "my", "our", "your"];
/// Words after which a participle is a passive without its "be".
const SUBORDINATORS: &[&str] = &["when", "once", "if", "as", "unless", "while", "until"];
/// Words that join two things one subject does.
const COORDINATORS: &[&str] = &["and", "but", "then"];
/// Words a group of people is joined by.
const JOINS: &[&str] = &["and", "or", "&"];

type Subject = BTreeSet<String>;

/// The subject of a cited clause whose pronoun could stand for more than
/// one person.
const ANYONE: &str = "*";

/// A person a token names, as compared, and whether it can be a subject
/// (not "me", not a possessive).
fn person(t: &Token<'_>, first: bool) -> Option<(String, bool)> {
    let low = &*t.low;
    match low {
        "i" => return Some(("i".into(), true)),
        "me" | "my" => return Some(("i".into(), false)),
        _ => {}
    }
    if PEOPLE.contains(&low) {
        return Some((canonical(&lemma(low)).to_string(), true));
    }
    if !t.is_capitalised()
        || is_stopword(low)
        || low.len() < 2
        || crate::dates::names_a_time(t.text)
    {
        return None;
    }
    // An acronym names a service ("GP", "CAMHS"), not a person of the case.
    if t.text.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    // A capitalised first word is a name only when no lowercase use of it
    // is a plain word; "Agreed", "Concern" open sentences.
    if is_negator(low) || (first && (!is_name_at_start(low) || opens_with_verb(low))) {
        return None;
    }
    match low.strip_suffix("'s") {
        Some(bare) => Some((canonical(bare).to_string(), false)),
        None => Some((canonical(low).to_string(), true)),
    }
}

/// Sentence-opening words taken as people: role words and anything that
/// is not one of the notes' usual openings (a verb or a noun of record).
fn is_name_at_start(low: &str) -> bool {
    let stem = lemma(low);
    !crate::words::is_discourse(&stem)
        && !matches!(
            &*stem,
            "agree"
                | "concern"
                | "announce"
                | "unannounced"
                | "accompany"
                | "visit"
                | "call"
                | "return"
                | "meet"
                | "met"
                | "phone"
                | "text"
                | "telephone"
                | "core"
                | "present"
                | "next"
                | "case"
                | "home"
                | "reflection"
                | "attendance"
                | "height"
                | "information"
                | "strategy"
                | "several"
                | "according"
                | "spoken"
                | "having"
                | "once"
                | "since"
                | "during"
                | "question"
                | "advice"
                | "reassurance"
                | "reading"
                | "go"
                | "money"
                | "thing"
                | "shouting"
                | "neighbour"
                | "no"
                | "new"
        )
}

/// Whether a capitalised first word is a verb's past or participle
/// ("Left a voicemail", "Having", "Observing"), which opens notes and
/// summaries far more often than a name so spelt does.
fn opens_with_verb(low: &str) -> bool {
    let regular = (low.ends_with("ed") || low.ends_with("ing")) && low.len() > 4;
    regular || crate::wordnet::get().is_some_and(|wn| wn.irregular_verb_form(low))
}

/// Words after which a person is an object, not a subject.
pub(crate) const PREPOSITIONS: &[&str] = &[
    "with", "to", "at", "from", "for", "of", "near", "by", "about", "on", "in", "into", "after",
    "before", "without", "towards", "between", "among", "see", "seeing", "me",
];

/// (content word, subject) for each content word with a subject, and the
/// people the text names.
///
/// `open_pronouns`: a pronoun after two people stands for anyone (read of
/// the cited text), else for no one (read of the sentence).
fn subjects(text: &str, open_pronouns: bool) -> (Vec<(String, Subject, bool)>, BTreeSet<String>) {
    let toks = tokens(text);
    let mut mentioned = BTreeSet::new();
    let mut out = Vec::new();
    // (index, person, can be subject) in the clause so far.
    let mut clause: Vec<(usize, String, bool)> = Vec::new();
    // The first person named other than the author: whom "he" or "she"
    // stands for.
    let mut antecedent: Option<String> = None;
    let mut antecedent_open = false;
    // Whose the antecedent is, when it was named by a possessive ("Ava"
    // of "Ava's mum"): "he" after "Mohammed's mum" is Mohammed.
    let mut possessor: Option<String> = None;
    // A second person named before a pronoun, not after a preposition
    // ("at the Hollins Estate"): "she" could be either ("the officer pushed
    // her son, she said"), so it stands for no one.
    let mut rivals = false;
    let mut passive_pending = false;
    let mut prev_person = false;
    // No content word yet since the last person: the next one is the head
    // of what that person does.
    let mut fresh = false;
    // The people named so far, a title and its name as one.
    let mut named: BTreeSet<String> = BTreeSet::new();
    // Who did the last verb a person was read to do, and whether the
    // next verb is joined to it by "and".
    let mut last_head: Option<Subject> = None;
    let mut coordinated: Option<Subject> = None;
    let mut in_apposition = false;
    for (i, t) in toks.iter().enumerate() {
        let low = &*t.low;
        let broken = i > 0
            && toks
                .get(i - 1)
                .and_then(|p| text.get(p.end..t.start))
                .is_some_and(|gap| gap.contains([',', ';', ':']));
        // "The night carer, Sandra, reported": a person set off by commas
        // after a noun is that noun's person, and the clause goes on.
        let opens = broken
            && !in_apposition
            && (prev_person || i.checked_sub(1).is_some_and(|p| !is_verb_at(&toks, p)))
            && apposition_at(text, &toks, i);
        let apposed = opens || (broken && in_apposition);
        in_apposition = opens;
        if (broken && !apposed) || OPENERS.contains(&low) {
            clause.clear();
            last_head = None;
            passive_pending = false;
            prev_person = false;
        }
        let found = person(t, i == 0)
            .map(|(p, can)| (p, can, name_start(text, &toks, i)))
            .or_else(|| party_phrase(&toks, i));
        if let Some((p, can, start)) = found {
            mentioned.insert(p.clone());
            named.insert(p.clone());
            // "and Julie agreed": a person named after "and" does it.
            coordinated = None;
            let after_preposition =
                object_of_phrase(&toks, start, i) || after_verb(text, &toks, start);
            match clause.last_mut() {
                // "Kelly Brown", "Mrs Hughes", "Ava's mum": one person, by
                // the last word, who is a subject as that word is ("Mrs
                // Ali's" is not) unless the first was an object.
                Some(last) if prev_person && last.1 != "i" && p != "i" => {
                    let possessive = toks.get(last.0).is_some_and(|w| w.low.ends_with("'s"));
                    possessor = possessive.then(|| last.1.clone());
                    // "Sergeant Bell" is one person a pronoun may stand
                    // for; "Ava's mum" two.
                    if !possessive && last.1 != p {
                        named.remove(&last.1);
                    }
                    last.2 = can
                        && !object_at(&toks, last.0)
                        && !after_verb(text, &toks, name_start(text, &toks, last.0))
                        && (last.2 || possessive);
                    last.1 = p.clone();
                    last.0 = i;
                }
                _ => clause.push((i, p.clone(), can && !after_preposition)),
            }
            if p != "i" && (antecedent.is_none() || (antecedent_open && prev_person)) {
                antecedent = Some(p);
                antecedent_open = true;
            } else if p != "i"
                && antecedent.as_ref() != Some(&p)
                && !after_preposition
                && !prev_person
            {
                rivals = true;
            }
            prev_person = true;
            fresh = clause.last().is_some_and(|c| c.2);
            continue;
        }
        prev_person = false;
        antecedent_open = false;
        if PRONOUNS.contains(&low) {
            let fits = |a: &&String| !clashes(low, a);
            // Read of the sentence, a pronoun stands for someone only when
            // one person named before it could be meant ("the officer
            // pushed the man, he said" is read as no one's act).
            let candidates = named.iter().filter(|p| *p != "i" && fits(p)).count();
            let stands_for = antecedent
                .as_ref()
                .filter(|_| !rivals && candidates <= 1)
                .and_then(|a| Some(a).filter(fits).or(possessor.as_ref().filter(fits)));
            if let Some(a) = stands_for {
                clause.push((i, a.clone(), true));
                fresh = true;
            } else if (rivals || candidates > 1 || low == "they") && open_pronouns {
                // In the cited text a pronoun after two people could be
                // either, and "they" any of them or a group: it is taken
                // as whoever the sentence says.
                clause.push((i, ANYONE.to_string(), true));
                fresh = true;
            }
            continue;
        }
        if BE.contains(&low) {
            passive_pending = true;
            continue;
        }
        // "attended the panel and agreed to write": a verb after "and" is
        // done by the clause's subject as the first verb was.
        if COORDINATORS.contains(&low)
            && toks.get(i + 1).is_some_and(|n| !is_stopword(&n.low))
            && is_verb_at(&toks, i + 1)
        {
            coordinated.clone_from(&last_head);
            fresh |= coordinated.is_some();
        }
        if is_stopword(low) || t.is_number() {
            continue;
        }
        // What a person does is the first verb after them: a noun ("at the
        // panel", "saw their dad at the centre") neither is it nor ends it.
        let verb = is_verb_at(&toks, i);
        let word = canonical(&lemma(low)).to_string();
        let by_next = toks.get(i + 1).is_some_and(|n| n.low == "by");
        let participle = low.ends_with("ed")
            || low.ends_with("en")
            || crate::wordnet::get().is_some_and(|wn| wn.irregular_verb_form(low));
        // "when spoken to alone": a participle after a subordinator is a
        // passive whose "be" is left out.
        let reduced = participle
            && i > 0
            && toks
                .get(i - 1)
                .is_some_and(|w| SUBORDINATORS.contains(&&*w.low));
        let passive = reduced || (passive_pending && (participle || by_next));
        passive_pending = false;
        let subject = match (passive, coordinated.take()) {
            (true, _) => by_agent(text, &toks, i),
            (false, Some(head)) if verb => Some(head),
            (false, _) => group_before(&clause, &toks, i),
        };
        if passive || !verb {
            // A passive's subject is done to; a noun is done by no one.
        } else if fresh {
            last_head.clone_from(&subject);
        }
        if passive && fresh {
            last_head = None;
        }
        if let Some(s) = subject.filter(|s| !s.is_empty()) {
            // A passive with its agent says what the agent does.
            out.push((word, s, fresh && verb));
        }
        fresh &= !verb;
    }
    (out, mentioned)
}

/// Role words that say a woman or a man, as compared.
pub(crate) const WOMEN: &[&str] = &[
    "mother",
    "grandmother",
    "sister",
    "daughter",
    "aunt",
    "wife",
    "niece",
    "granddaughter",
    "stepmother",
    "stepmum",
    "girlfriend",
];
pub(crate) const MEN: &[&str] = &[
    "father",
    "grandfather",
    "brother",
    "son",
    "uncle",
    "husband",
    "nephew",
    "grandson",
    "stepfather",
    "stepdad",
    "boyfriend",
];

/// Whether `pronoun` cannot stand for `person`: "he" of "mother"; "they"
/// of anyone, as it may name a group.
fn clashes(pronoun: &str, person: &str) -> bool {
    match pronoun {
        "he" => WOMEN.contains(&person),
        "she" => MEN.contains(&person),
        _ => true,
    }
}

/// The people of the group nearest before token `at` in its clause.
fn group_before(
    clause: &[(usize, String, bool)],
    toks: &[Token<'_>],
    at: usize,
) -> Option<Subject> {
    let mut group = Subject::new();
    let mut last: Option<usize> = None;
    for (i, p, can) in clause.iter().rev() {
        if *i >= at {
            continue;
        }
        match last {
            None if *can => {
                group.insert(p.clone());
                last = Some(*i);
            }
            None => {}
            Some(l) => {
                let joined = toks
                    .get(i + 1..l)
                    .is_some_and(|between| between.iter().all(|w| JOINS.contains(&&*w.low)))
                    && *can;
                if !joined {
                    break;
                }
                group.insert(p.clone());
                last = Some(*i);
            }
        }
    }
    (!group.is_empty()).then_some(group)
}

/// Tokens at most of a person set off by commas ("Mr Price", "the
/// manager").
const APPOSITION_TOKENS_MAX: usize = 4;

/// Whether a person's phrase opens at `at` and a comma closes it.
fn apposition_at(text: &str, toks: &[Token<'_>], at: usize) -> bool {
    for j in at..at + APPOSITION_TOKENS_MAX {
        let Some(t) = toks.get(j) else { return false };
        let is_person = person(t, false).is_some() || party_phrase(toks, j).is_some();
        let gap = toks
            .get(j + 1)
            .and_then(|n| text.get(t.end..n.start))
            .unwrap_or_default();
        if !gap.chars().all(char::is_whitespace) {
            return is_person && gap.trim() == ",";
        }
        if !(is_person || t.is_capitalised() || DETERMINERS.contains(&&*t.low)) {
            return false;
        }
    }
    false
}

/// The person after "by" following a passive participle at `at`.
fn by_agent(text: &str, toks: &[Token<'_>], at: usize) -> Option<Subject> {
    let by = toks
        .get(at + 1..at + 3)?
        .iter()
        .position(|t| t.low == "by")?;
    // "by the health visitor", "by Mrs Brown", "by Leah's mum": the
    // people of the phrase after "by", one after another without
    // punctuation between, named by the last.
    let mut agent: Option<(String, usize)> = None;
    for i in at + 2 + by..at + 6 + by {
        let Some(t) = toks.get(i) else { break };
        if let Some((_, end)) = &agent
            && !text
                .get(*end..t.start)
                .is_some_and(|g| g.chars().all(char::is_whitespace))
        {
            break;
        }
        match person(t, false).or_else(|| party(toks, i)) {
            Some((p, _)) => agent = Some((p, t.end)),
            None if agent.is_some() => break,
            None => {}
        }
    }
    agent.map(|(p, _)| Subject::from([p]))
}

/// The first person of each word whose subject in the sentence is never
/// its subject in the cited texts, though they say who does it and the
/// sentence's subject is among their people.
pub(crate) fn swapped(sentence: &str, cited: &[&str]) -> Vec<String> {
    // What the sentence says each person does (the first word after
    // them), against everything the cited texts say anyone does.
    let (said, _) = subjects(sentence, false);
    let mut source: Vec<(String, Subject, bool)> = Vec::new();
    let mut people = BTreeSet::new();
    for c in cited {
        let (s, m) = subjects(c, true);
        source.extend(s);
        people.extend(m);
    }
    let same = |a: &str, b: &str| a == b || crate::gate::shared_stem(a, b);
    let mut out = Vec::new();
    for (word, subject, _) in said.into_iter().filter(|s| s.2) {
        let theirs: Vec<&Subject> = source
            .iter()
            .filter(|(w, _, fresh)| *fresh && same(w, &word))
            .map(|(_, s, _)| s)
            .collect();
        if theirs.is_empty() || !subject.iter().all(|p| people.contains(p)) {
            continue;
        }
        if theirs
            .iter()
            .all(|s| s.is_disjoint(&subject) && !s.contains(ANYONE))
            && let Some(first) = subject.iter().next()
            && !out.contains(first)
        {
            out.push(first.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_across_clauses() {
        let src = "Jack said Mum hit him.";
        assert_eq!(
            swapped("Mum said that Jack had hit her.", &[src]),
            ["mother", "jack"]
        );
        assert!(swapped("Jack said that Mum had hit him.", &[src]).is_empty());
        assert!(swapped("Mum hit Jack, Jack said.", &[src]).is_empty());
        let called = "Mum called to say Jordan has been unwell with a cold.";
        assert!(!swapped("Jordan rang to say that Mum had a cold.", &[called]).is_empty());
        assert!(swapped("Jordan has a cold, Mum said.", &[called]).is_empty());
        // The passive names its agent after "by".
        assert!(swapped("Jack was hit by Mum, Jack said.", &[src]).is_empty());
        assert!(!swapped("Mum was hit by Jack.", &[src]).is_empty());
    }

    /// Issue 19: a person just after a verb is its object, not who does
    /// what follows; "asked Sam to call" is Sam's call.
    #[test]
    fn the_object_of_a_verb_does_not_do_what_follows() {
        let src = "Dr Khan assessed Mr Lewis on the ward and recommended a rail.";
        assert!(
            swapped(
                "After assessing Mr Lewis on the ward, Dr Khan recommended a rail.",
                &[src]
            )
            .is_empty()
        );
        assert!(!swapped("Mr Lewis assessed Dr Khan on the ward.", &[src]).is_empty());
        let asked = "Jo asked Sam to call the school.";
        assert!(swapped("Sam was asked by Jo to call the school.", &[asked]).is_empty());
        assert!(!swapped("Sam asked Jo to call the school.", &[asked]).is_empty());
    }

    /// Issue 19: in a sentence, a pronoun after two people who could both
    /// be meant is read as no one's act; "Sergeant Bell" is one person.
    #[test]
    fn a_pronoun_two_people_could_stand_for() {
        let shouted = "Mrs Cole said PC Hart shouted at her son.";
        assert!(swapped("PC Hart shouted at Mrs Cole's son, she said.", &[shouted]).is_empty());
        let src = "Sergeant Bell said the man was trying to run, so she handcuffed him.";
        assert!(
            swapped(
                "The man was trying to run, Sergeant Bell said, so she handcuffed him.",
                &[src]
            )
            .is_empty()
        );
        assert!(
            !swapped(
                "Sergeant Bell said she was trying to run, so the man handcuffed her.",
                &[src]
            )
            .is_empty()
        );
    }

    /// Issue 19: a name set off by commas after a person is that person,
    /// and who does the verb after it is read across the commas.
    #[test]
    fn a_name_in_apposition_does_what_follows() {
        let src = "The night carer, Sandra, reported that Mrs Pearson had been restless.";
        assert!(
            !swapped(
                "Mrs Pearson reported that the night carer, Sandra, had been restless.",
                &[src]
            )
            .is_empty()
        );
        assert!(
            swapped(
                "Mrs Pearson had been restless, the night carer, Sandra, reported.",
                &[src]
            )
            .is_empty()
        );
    }

    /// Issue 19: "the GP" heading its phrase is someone who acts; "the
    /// CAMHS duty line" is not the CAMHS.
    #[test]
    fn an_acronym_after_the_is_a_party() {
        let src = "The GP examined Mrs Pearson and asked staff to record the bruise.";
        assert!(
            !swapped(
                "Staff examined Mrs Pearson and asked the GP to record the bruise.",
                &[src]
            )
            .is_empty()
        );
        assert!(
            swapped(
                "Mrs Pearson was examined by the GP, who asked staff to record the bruise.",
                &[src]
            )
            .is_empty()
        );
    }
}
