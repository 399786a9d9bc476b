//! A word said in place of a cited one: the citation gate's test of
//! whether a content word it found nowhere in the cited text replaces a
//! cited word the sentence leaves out, or adds something.
//!
//! A paraphrase swaps words ("received a caution" of "was cautioned",
//! "hosted" of "held", "on two occasions" of "twice"); an invented event
//! adds an act the note lacks ("answered questions and cried"). So a word
//! with no cited synonym passes only when it takes the place of a cited
//! word of the same polarity that the sentence does not say, each cited
//! word standing for one word at most, and the two name the same kind of
//! act or abstraction (WordNet's lexicographer file: "hit" is contact,
//! "call" communication, so "hit the school" does not stand for "call the
//! school").
//!
//! What each other fault changes is never swapped this way: people and
//! groups (the wrong person), places, objects and body parts (a moved
//! place), times (a changed date), quantities (a changed number), and acts
//! and events said as nouns (an invented event: "to report a theft" of
//! "to check on attendance"). Nor are qualities, whose opposites the gate
//! reads through antonyms: "high" for "medium" is not a paraphrase. A verb
//! that is also the name of a place or a thing ("school", "home") is read
//! as that name.

use crate::gate::shared_stem;
use crate::gate_lex::Lex;
use crate::wordnet::Pos;

/// First noun senses read for a noun's kind: its usual meaning.
const SENSES_READ: usize = 1;

/// First verb senses read for the kind of act a verb names.
const VERB_SENSES: usize = 2;

/// First noun senses in which a word naming a person, place, thing, time
/// or quantity is never swapped.
const GUARDED_SENSES: usize = 2;

/// Whether nouns of the lexicographer file `class` (`lexnames(5WN)`) may
/// stand for one another: abstractions (attributes, cognition,
/// communication, feelings, motives, phenomena, possession, relations,
/// states). Not acts or events (4, 11, 22), people or groups (14, 18),
/// places and things (5, 6, 8, 13, 15, 17, 20, 25, 27), times (28) or
/// quantities (23).
fn interchangeable(class: u8) -> bool {
    matches!(class, 3 | 7 | 9 | 10 | 12 | 16 | 19 | 21 | 24 | 26)
}

/// Whether nouns of `class` name a person, place, thing, time or quantity.
fn thing(class: u8) -> bool {
    matches!(
        class,
        5 | 6 | 8 | 13 | 14 | 15 | 17 | 18 | 20 | 23 | 25 | 27 | 28
    )
}

/// A content word, with its reading and polarity.
pub(crate) struct Word<'a> {
    pub(crate) word: &'a str,
    pub(crate) lex: &'a Lex,
    pub(crate) negated: bool,
    /// Whether it stands where a verb does.
    pub(crate) verb: bool,
}

/// Which of `unsupported` (words of the sentence no cited word supports)
/// each stand in place of a cited word of `cited` that no word of `said`
/// (every content word of the sentence) says, one cited word to one
/// sentence word, in the order the sentence says them.
pub(crate) fn substituted(
    unsupported: &[Word<'_>],
    said: &[Word<'_>],
    cited: &[Word<'_>],
) -> Vec<bool> {
    let covered = |c: &Word<'_>| {
        said.iter()
            .any(|s| s.word == c.word || shared_stem(s.word, c.word) || s.lex.agrees(c.lex))
    };
    let mut free: Vec<(&Word<'_>, Vec<u8>)> = cited
        .iter()
        .filter(|c| !covered(c))
        .map(|c| (c, kinds(c)))
        .collect();
    unsupported
        .iter()
        .map(|u| {
            let mine = kinds(u);
            let acts = act_kinds(u);
            let at = free.iter().position(|(c, theirs)| {
                c.negated == u.negated
                    && (theirs.iter().any(|k| mine.contains(k))
                        || act_kinds(c).iter().any(|k| acts.contains(k)))
            });
            at.map(|i| free.remove(i)).is_some()
        })
        .collect()
}

/// The kinds of act a verb names, by its first verb senses; none for a
/// word not in a verb's place, or one whose first noun senses name a
/// person, place, thing, time or quantity ("school", "home").
fn act_kinds(w: &Word<'_>) -> Vec<u8> {
    if !w.verb
        || w.lex
            .classes(Pos::Noun, GUARDED_SENSES)
            .iter()
            .any(|c| thing(*c))
    {
        return Vec::new();
    }
    w.lex.classes(Pos::Verb, VERB_SENSES)
}

/// The kinds a noun may be swapped within: that of its first noun sense;
/// none for a word in a verb's place, or one any of whose first noun
/// senses is of a kind never swapped ("home" is a place before a state).
fn kinds(w: &Word<'_>) -> Vec<u8> {
    let guarded = w.lex.classes(Pos::Noun, GUARDED_SENSES);
    if w.verb || guarded.is_empty() || guarded.iter().any(|c| !interchangeable(*c)) {
        return Vec::new();
    }
    w.lex.classes(Pos::Noun, SENSES_READ)
}
