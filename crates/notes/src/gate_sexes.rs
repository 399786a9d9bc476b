//! Who does what to whom, told by sex where the people are pronouns: "he
//! picks her up" and "she picks him up" hold the same words, and "she"
//! may be anyone the note has named, so the role checks that follow names
//! cannot tell them apart. What they cannot hide is that the one doing the
//! act is a man in the note and a woman in the sentence.
//!
//! For each verb the sentence and the cited text share, the sexes of its
//! doers and of those it is done to are read from "he", "she", "him",
//! "her", titles ("Mr Bell") and role words ("her stepdad"), a passive's
//! subject counted as done to and its "by" as the doer. The sentence has
//! swapped roles when a sex it makes the doer is, in the cited text, only
//! ever done to, or the reverse.

use crate::gate::shared_stem;
use crate::gate_clauses::{BE, MEN, PREPOSITIONS, WOMEN};
use crate::words::{Token, canonical, is_negator, is_stopword, lemma, tokens};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sex {
    Female,
    Male,
}

/// What a sex is to an act: its doer, done to, or both ("he handcuffed
/// him", where sex tells nothing of who did what).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Doer,
    DoneTo,
    Both,
}

/// Tokens at most between a doer and its verb ("he had never been").
const TO_VERB_MAX: usize = 4;
/// Tokens at most between a verb and the one it is done to ("picks her
/// up", "violent towards her", "spoke to him about").
const TO_OBJECT_MAX: usize = 3;

/// (verb, sex, its role) for each act `text` says.
fn acts(text: &str) -> Vec<(String, Sex, Role)> {
    let toks = tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        // A possessor is no doer ("Ms Kaur's referral").
        let possessor = |e: &usize| toks.get(*e).is_some_and(|t| t.low.ends_with("'s"));
        let Some((sex, end)) = doer(&toks, i).filter(|(_, e)| !possessor(e)) else {
            i += 1;
            continue;
        };
        // "her partner, Mr Bell, strangled her": a person set off by
        // commas does what follows the closing one.
        let apposition = i > 0 && gap_has_comma(text, &toks, i - 1, i);
        let Some((verb, passive)) = verb_after(text, &toks, end, apposition) else {
            i = end + 1;
            continue;
        };
        let Some(v) = toks
            .get(verb)
            .map(|t| canonical(&lemma(&t.low)).to_string())
        else {
            break;
        };
        let role = |doing: bool| if doing { Role::Doer } else { Role::DoneTo };
        // After a passive, "by" names the doer; otherwise the one after
        // the verb is done to.
        match done_to(text, &toks, verb) {
            Some((other, _)) if other == sex => out.push((v, sex, Role::Both)),
            Some((other, by)) => {
                out.push((v.clone(), sex, role(!passive)));
                out.push((v, other, role(passive && by)));
            }
            None => out.push((v, sex, role(!passive))),
        }
        i = verb + 1;
    }
    out
}

/// A sexed person opening at `at` as a subject: "he", "she", a title and
/// a name, or a role word with its possessive ("her stepdad"); with the
/// index of its last token.
fn doer(toks: &[Token<'_>], at: usize) -> Option<(Sex, usize)> {
    let t = toks.get(at)?;
    match &*t.low {
        "he" => return Some((Sex::Male, at)),
        "she" => return Some((Sex::Female, at)),
        _ => {}
    }
    person(toks, at)
}

/// A title and its name, or a role word after a possessive or standing
/// as a name.
fn person(toks: &[Token<'_>], at: usize) -> Option<(Sex, usize)> {
    let t = toks.get(at)?;
    let titled = |sex: Sex| {
        toks.get(at + 1)
            .filter(|n| n.is_capitalised())
            .map(|_| (sex, at + 1))
    };
    match &*t.low {
        "mr" => return titled(Sex::Male),
        "mrs" | "ms" | "miss" => return titled(Sex::Female),
        "his" | "her" | "their" | "my" | "the" => return role(toks, at + 1),
        _ => {}
    }
    // A role word alone is a name ("Mum said"); after a determiner it is
    // read above. Other words are not looked up at all.
    if t.is_capitalised() {
        role(toks, at)
    } else {
        None
    }
}

fn role(toks: &[Token<'_>], at: usize) -> Option<(Sex, usize)> {
    let word = canonical(&lemma(&toks.get(at)?.low)).to_string();
    if WOMEN.contains(&word.as_str()) {
        Some((Sex::Female, at))
    } else if MEN.contains(&word.as_str()) {
        Some((Sex::Male, at))
    } else {
        None
    }
}

/// The verb after a doer ending at `end`: the first content word within
/// [`TO_VERB_MAX`] tokens and the same clause, and whether a form of "be"
/// before it makes it passive.
fn verb_after(
    text: &str,
    toks: &[Token<'_>],
    end: usize,
    apposition: bool,
) -> Option<(usize, bool)> {
    let mut passive = false;
    let mut last = toks.get(end)?.end;
    for j in end + 1..=end + TO_VERB_MAX {
        let t = toks.get(j)?;
        let closes = apposition && j == end + 1 && gap_has_comma(text, toks, end, j);
        if !closes && clause_ends(text, last, t.start) {
            return None;
        }
        last = t.end;
        if t.is_capitalised() {
            return None;
        }
        // "Was hit", "was not seen": a form of "be" just before the verb,
        // or before a negator or adverb that is. A preposition between
        // ("is at work") leaves no verb of this doer.
        if BE.contains(&&*t.low) {
            passive = true;
            continue;
        }
        if PREPOSITIONS.contains(&&*t.low) {
            return None;
        }
        if is_stopword(&t.low) {
            passive &= is_negator(&t.low)
                || matches!(&*t.low, "also" | "then" | "just" | "already" | "often");
            continue;
        }
        // Only a verb is an act ("is anxious", "has had treatment" say
        // none); after a form of "be" it is passive but for "-ing".
        if crate::wordnet::get().is_none() || !crate::gate_phrases::can_be_verb(&t.low) {
            return None;
        }
        return Some((j, passive && !t.low.ends_with("ing")));
    }
    None
}

/// Whether punctuation between byte offsets `from` and `to` ends a clause.
fn clause_ends(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to)
        .is_some_and(|gap| gap.contains([',', ';', ':', '.', '(', ')']))
}

/// Whether a comma stands between tokens `a` and `b`.
fn gap_has_comma(text: &str, toks: &[Token<'_>], a: usize, b: usize) -> bool {
    match (toks.get(a), toks.get(b)) {
        (Some(x), Some(y)) => text.get(x.end..y.start).is_some_and(|g| g.contains(',')),
        _ => false,
    }
}

/// The sexed person a verb at `verb` is done to, within [`TO_OBJECT_MAX`]
/// tokens and its clause ("him", "her" not before its noun, a title and
/// name, a role word), and whether "by" came before them.
fn done_to(text: &str, toks: &[Token<'_>], verb: usize) -> Option<(Sex, bool)> {
    let mut by = false;
    let mut last = toks.get(verb)?.end;
    for j in verb + 1..=verb + TO_OBJECT_MAX {
        let t = toks.get(j)?;
        if clause_ends(text, last, t.start) {
            return None;
        }
        last = t.end;
        let possessive = toks
            .get(j + 1)
            .is_some_and(|n| !is_stopword(&n.low) && !n.is_capitalised());
        match &*t.low {
            "him" | "himself" => return Some((Sex::Male, by)),
            "her" if !possessive => return Some((Sex::Female, by)),
            "herself" => return Some((Sex::Female, by)),
            "by" => by = true,
            _ => {}
        }
        if let Some((sex, _)) = person(toks, j) {
            return Some((sex, by));
        }
        if !is_stopword(&t.low) {
            return None;
        }
    }
    None
}

/// The verbs of the sentence whose doer and the one it is done to are, by
/// sex, the other way round from every cited text that says that verb.
pub(crate) fn swapped(sentence: &str, cited: &[&str]) -> Vec<String> {
    let mine = acts(sentence);
    if mine.iter().all(|(_, _, r)| *r == Role::Both) {
        // Nothing to compare: the cited text is not read.
        return Vec::new();
    }
    let said: Vec<(String, Sex, Role)> = cited.iter().flat_map(|c| acts(c)).collect();
    let mut out: Vec<String> = Vec::new();
    for (verb, sex, role) in mine {
        let other = match role {
            Role::Doer => Role::DoneTo,
            Role::DoneTo => Role::Doer,
            Role::Both => continue,
        };
        let same = |v: &str| v == verb || shared_stem(v, &verb);
        let cited_as = |r: Role| {
            said.iter()
                .any(|(v, s, x)| same(v) && *s == sex && (*x == r || *x == Role::Both))
        };
        if cited_as(other) && !cited_as(role) && !out.contains(&verb) {
            out.push(verb);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_does_what_by_sex() {
        let src = "Kayla said he picks her up in a grey car near the shop.";
        assert!(swapped("Kayla said he picks her up near the shop.", &[src]).is_empty());
        assert!(!swapped("Kayla said she picks him up near the shop.", &[src]).is_empty());
        let bell = "Ms Kaur was referred after her partner, Mr Bell, strangled her.";
        assert!(!swapped("Ms Kaur was referred after she strangled Mr Bell.", &[bell]).is_empty());
        // A passive's subject is done to.
        let hit = "Her stepdad hit her with a belt.";
        assert!(swapped("She was hit by her stepdad with a belt.", &[hit]).is_empty());
        assert!(!swapped("She hit her stepdad with a belt.", &[hit]).is_empty());
    }
}
