//! Where a person's phrase stands in a clause, for the role check
//! (`gate_clauses`): whether it is the object of a verb or a preposition,
//! where a name or a party's phrase starts and ends, and which words are
//! read as verbs.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::gate_clauses::{BE, DETERMINERS, PREPOSITIONS};
use crate::gate_parties::party_phrase;
use crate::words::{Token, is_negator, is_stopword, lemma};

/// Prepositions that may open a clause with its own subject ("after his
/// sister rang").
const CLAUSE_PREPOSITIONS: &[&str] = &["after", "before", "since", "until", "till"];
/// Verbs whose next person opens a clause of its own rather than being
/// their object: "said Jack hit her", against "told Jack".
const CLAUSE_VERBS: &[&str] = &[
    "say",
    "think",
    "believe",
    "hope",
    "know",
    "worry",
    "fear",
    "claim",
    "suggest",
    "feel",
    "admit",
    "deny",
    "insist",
    "confirm",
    "report",
    "state",
    "explain",
    "agree",
    "add",
    "mention",
    "realise",
    "understand",
    "accept",
    "thought",
    "felt",
    "knew",
];

/// Verbs whose object does the infinitive after it ("asked the panel to
/// consider", "told Jack to leave").
const CONTROL_VERBS: &[&str] = &[
    "ask",
    "tell",
    "told",
    "want",
    "allow",
    "help",
    "persuade",
    "encourage",
    "advise",
    "remind",
    "warn",
    "expect",
    "need",
    "invite",
    "urge",
    "request",
    "order",
    "force",
    "instruct",
    "require",
    "teach",
    "taught",
    "enable",
    "support",
    "get",
    "got",
];

/// The last token of the phrase opening at `start`: past determiners,
/// titles, names and possessives, and the lowercase words of a party.
fn end_of_phrase(toks: &[Token<'_>], start: usize) -> usize {
    let mut end = start;
    while let Some(next) = toks.get(end + 1) {
        let low = &*next.low;
        let part = next.is_capitalised()
            || DETERMINERS.contains(&low)
            || toks
                .get(end)
                .is_some_and(|t| t.low.ends_with("'s") || DETERMINERS.contains(&&*t.low))
            || party_phrase(toks, end + 1).is_some();
        if !part || is_stopword(low) && !DETERMINERS.contains(&low) {
            break;
        }
        end += 1;
    }
    end
}

/// Whether the phrase opening at token `start` is the object of the verb
/// just before it in the same clause ("visited Mr Okafor", "book Ellie an
/// appointment", "assessed Mr Lewis and recommended"): a person there is
/// done to, and does not do what follows. A word after a determiner or a
/// preposition is read as a noun ("at the review Mum said").
pub(crate) fn after_verb(text: &str, toks: &[Token<'_>], start: usize) -> bool {
    let Some(prev) = start.checked_sub(1).and_then(|p| toks.get(p)) else {
        return false;
    };
    let joined = toks
        .get(start)
        .and_then(|t| text.get(prev.end..t.start))
        .is_some_and(|gap| gap.chars().all(char::is_whitespace));
    let low = &*prev.low;
    if !joined
        || prev.is_capitalised()
        || prev.is_number()
        || is_stopword(low)
        || is_negator(low)
        || CLAUSE_VERBS.contains(&lemma(low).as_str())
    {
        return false;
    }
    // "asked the panel to consider": the person asked does what follows.
    let controls = CONTROL_VERBS.contains(&lemma(low).as_str())
        && toks
            .get(end_of_phrase(toks, start) + 1)
            .is_some_and(|w| w.low == "to");
    if controls {
        return false;
    }
    let noun_before = start
        .checked_sub(2)
        .and_then(|p| toks.get(p))
        .is_some_and(|w| DETERMINERS.contains(&&*w.low) || PREPOSITIONS.contains(&&*w.low));
    let verb = match crate::wordnet::get() {
        Some(_) => can_be_verb(low),
        None => low.ends_with("ed"),
    };
    verb && !noun_before
}

/// Whether token `at` is read as a verb: a word WordNet has as one, not
/// just after a determiner, a preposition, a possessive or a number, where
/// it is a noun ("the review", "at school"). Without WordNet every word
/// may be.
pub(crate) fn is_verb_at(toks: &[Token<'_>], at: usize) -> bool {
    let Some(t) = toks.get(at).filter(|t| !t.is_capitalised()) else {
        return false;
    };
    // "after hitting a teacher": a gerund after a preposition is a verb.
    let gerund = t.low.ends_with("ing");
    let noun_place = at
        .checked_sub(1)
        .and_then(|p| toks.get(p))
        .is_some_and(|w| {
            DETERMINERS.contains(&&*w.low)
                || (PREPOSITIONS.contains(&&*w.low) && !gerund)
                || w.low.ends_with("'s")
                || w.is_number()
        });
    // After "is" or "was" the word says what the subject is ("was
    // chatty"), as a verb says what they do.
    let predicate = at
        .checked_sub(1)
        .and_then(|p| toks.get(p))
        .is_some_and(|w| BE.contains(&&*w.low));
    !noun_place && (predicate || can_be_verb(&t.low))
}

/// Words remembered per thread before the memory is emptied, as in the
/// gate's other WordNet readings.
const WORDS_CACHED_MAX: usize = 20_000;

thread_local! {
    static VERBS: RefCell<HashMap<String, bool>> = RefCell::new(HashMap::new());
}

/// Whether WordNet has `word` as a verb (true without WordNet),
/// remembered per thread: every word of a sentence and of the text it
/// cites is asked, for every sentence.
pub(crate) fn can_be_verb(word: &str) -> bool {
    let Some(wn) = crate::wordnet::get() else {
        return true;
    };
    VERBS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(hit) = cache.get(word) {
            return *hit;
        }
        let verb = wn.can_be_verb(word);
        if cache.len() >= WORDS_CACHED_MAX {
            cache.clear();
        }
        cache.insert(word.to_string(), verb);
        verb
    })
}

/// The token that opens the name at `at`: titles and names before it
/// ("Mr" of "Mr Okafor", "PC" of "PC Marsh") and a determiner.
pub(crate) fn name_start(text: &str, toks: &[Token<'_>], at: usize) -> usize {
    let mut start = at;
    while let Some(prev) = start.checked_sub(1).and_then(|p| toks.get(p)) {
        let joined = toks
            .get(start)
            .and_then(|t| text.get(prev.end..t.start))
            .is_some_and(|gap| gap.chars().all(char::is_whitespace));
        if !joined || !(prev.is_capitalised() || DETERMINERS.contains(&&*prev.low)) {
            break;
        }
        start -= 1;
    }
    start
}

/// Whether token `i` follows a preposition, past determiners: an object;
/// not after "after" or "before" when a verb follows the person, which
/// makes them the subject of a clause ("after his sister rang").
pub(crate) fn object_at(toks: &[Token<'_>], i: usize) -> bool {
    object_of_phrase(toks, i, i)
}

/// [`object_at`] for the phrase opening at `start` whose head is `head`.
pub(crate) fn object_of_phrase(toks: &[Token<'_>], start: usize, head: usize) -> bool {
    let Some(prep) = toks.get(..start).and_then(|before| {
        before
            .iter()
            .rev()
            .find(|w| !DETERMINERS.contains(&&*w.low))
    }) else {
        return false;
    };
    PREPOSITIONS.contains(&&*prep.low)
        && !(CLAUSE_PREPOSITIONS.contains(&&*prep.low) && is_verb_at(toks, head + 1))
}
