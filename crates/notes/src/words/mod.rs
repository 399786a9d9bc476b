//! Words of free text for comparing meaning: byte-positioned tokens, light
//! lemmas, stopwords, a small synonym table, number words and negation.
//! Shared by the citation gate, the summariser and the chronology so that
//! all three read a sentence the same way.

use std::borrow::Cow;

mod lexicon;

use lexicon::{
    CLAUSE_BREAKS, DISCOURSE, FUNCTION_FORMS, IMPLICATIVE, IRREGULAR, NEGATIVE_FORMS, NEGATORS,
    NUMBER_WORDS, STOPWORDS, SYNONYMS,
};

/// One word or number of a text, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub(crate) text: &'a str,
    /// The word lowercased, borrowed when it already is: every matcher
    /// compares lowercase, and most words need no copy.
    pub(crate) low: Cow<'a, str>,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl<'a> Token<'a> {
    fn new(text: &'a str, start: usize, end: usize) -> Token<'a> {
        let plain = text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'\'');
        let low = if plain && clitic_host(text).is_none() {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(lower(text))
        };
        Token {
            text,
            low,
            start,
            end,
        }
    }

    pub(crate) fn is_capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }

    pub(crate) fn is_number(&self) -> bool {
        self.text.bytes().all(|b| b.is_ascii_digit())
    }
}

/// The words of `text`: runs of letters and digits, with an apostrophe or
/// hyphen between letters kept ("O'Brien", "didn't", "after-school").
pub(crate) fn tokens(text: &str) -> Vec<Token<'_>> {
    if text.is_ascii() {
        return ascii_tokens(text);
    }
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut start: Option<usize> = None;
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        // Inside words only, so "12-03-2025" stays three numbers.
        let inner = matches!(c, '\'' | '\u{2019}' | '-')
            && prev.is_some_and(char::is_alphabetic)
            && chars.peek().is_some_and(|(_, n)| n.is_alphabetic());
        prev = Some(c);
        if c.is_alphanumeric() || inner {
            start.get_or_insert(i);
        } else if let Some(s) = start.take()
            && let Some(t) = text.get(s..i)
        {
            out.push(Token::new(t, s, i));
        }
    }
    if let Some(s) = start
        && let Some(t) = text.get(s..)
    {
        out.push(Token::new(t, s, text.len()));
    }
    out
}

/// [`tokens`] over bytes, for the text that is all ASCII, as most notes are.
fn ascii_tokens(text: &str) -> Vec<Token<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut i = 0;
    while i < b.len() {
        if !b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while let Some(&c) = b.get(i) {
            let inner = (c == b'\'' || c == b'-')
                && b.get(i - 1).is_some_and(u8::is_ascii_alphabetic)
                && b.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
            if c.is_ascii_alphanumeric() || inner {
                i += 1;
            } else {
                break;
            }
        }
        if let Some(t) = text.get(start..i) {
            out.push(Token::new(t, start, i));
        }
    }
    out
}

/// Lowercased, curly apostrophes straightened, and a pronoun's contracted
/// auxiliary dropped ("she'd" is "she", "we'll" is "we").
pub(crate) fn lower(word: &str) -> String {
    let low: String = if word.is_ascii() {
        word.to_ascii_lowercase()
    } else {
        word.chars()
            .map(|c| if c == '\u{2019}' { '\'' } else { c })
            .flat_map(char::to_lowercase)
            .collect()
    };
    match clitic_host(&low) {
        Some(host) => host.to_string(),
        None => low,
    }
}

/// Auxiliaries English contracts onto the word before them: "would" or
/// "had", "will", "have", "are", "am". Each is a stopword in full.
const CLITICS: &[&str] = &["'d", "'ll", "'ve", "'re", "'m"];

/// The word a contracted auxiliary leans on in a lowercased word, when
/// that word is itself a stopword ("they'll", "I'd", "who've"): the auxiliary says nothing a
/// summary could change, the pronoun says who. A name's "'d" is left whole.
fn clitic_host(low: &str) -> Option<&str> {
    CLITICS.iter().find_map(|c| {
        let host = low.strip_suffix(c)?;
        is_stopword(host).then_some(host)
    })
}

pub(crate) fn is_stopword(lower: &str) -> bool {
    STOPWORDS.contains(&lower)
}

/// The stopword a function-like word stands for ("following" is "after").
pub(crate) fn function_form(lower: &str) -> Option<&'static str> {
    FUNCTION_FORMS
        .iter()
        .find(|(w, _)| *w == lower)
        .map(|(_, f)| *f)
}

pub(crate) fn is_negator(lower: &str) -> bool {
    NEGATORS.contains(&lower) || lower.ends_with("n't")
}

pub(crate) fn is_clause_break(lower: &str) -> bool {
    CLAUSE_BREAKS.contains(&lower)
}

pub(crate) fn is_discourse(lemma: &str) -> bool {
    DISCOURSE.contains(&lemma)
}

/// The value of a number written as digits or as a word ("two", "third").
pub(crate) fn number_value(lower: &str) -> Option<u64> {
    let digits = lower
        .strip_suffix("st")
        .or_else(|| lower.strip_suffix("nd"))
        .or_else(|| lower.strip_suffix("rd"))
        .or_else(|| lower.strip_suffix("th"))
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or(lower);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits.parse().ok();
    }
    let word = |w: &str| {
        NUMBER_WORDS
            .iter()
            .find(|(n, _)| *n == w)
            .map(|(_, n)| u64::from(*n))
    };
    // "thirty-eight": tens and units written as one word.
    if let Some((tens, units)) = lower.split_once('-') {
        let (t, u) = (word(tens)?, word(units)?);
        return ((20..=90).contains(&t) && t % 10 == 0 && (1..=9).contains(&u)).then_some(t + u);
    }
    word(lower)
}

/// A count joined to its unit by a hyphen ("two-day", "3-week"): the
/// count and the unit's canonical lemma. Not a number of two words
/// ("thirty-eight"), which [`number_value`] reads whole.
pub(crate) fn number_compound(lower: &str) -> Option<(u64, String)> {
    if number_value(lower).is_some() {
        return None;
    }
    // A unit that is a count of another: "a fortnight" is two weeks.
    if lemma(lower) == "fortnight" {
        return Some((2, "week".to_string()));
    }
    let (head, unit) = lower.split_once('-')?;
    let n = number_value(head)?;
    (!unit.is_empty() && !unit.contains('-')).then(|| (n, canonical(&lemma(unit)).to_string()))
}

/// The value of a number written in several words ("four hundred and
/// twenty", "three thousand"), with the tokens it spans: runs of number
/// words, "and" allowed after "hundred" or "thousand".
pub(crate) fn spelled_numbers(toks: &[Token<'_>]) -> Vec<(u64, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let mut total = 0u64;
        let mut current = 0u64;
        let mut end = i;
        let mut j = i;
        while let Some(t) = toks.get(j) {
            let low = &*t.low;
            let value = if low == "thousand" {
                Some(1000)
            } else if t.is_number() {
                None
            } else {
                number_value(low)
            };
            match value {
                Some(100) => current = current.max(1) * 100,
                Some(1000) => {
                    total += current.max(1) * 1000;
                    current = 0;
                }
                Some(v) => current += v,
                None if low == "and"
                    && j > i
                    && toks
                        .get(j - 1)
                        .is_some_and(|p| p.low == "hundred" || p.low == "thousand")
                    && toks
                        .get(j + 1)
                        .is_some_and(|n| !n.is_number() && number_value(&n.low).is_some()) =>
                {
                    j += 1;
                    continue;
                }
                None => break,
            }
            end = j;
            j += 1;
        }
        if end > i {
            out.push((total + current, i, end));
            i = end + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// A light lemma: irregular forms from the table, then regular plural,
/// past, participle and adverb endings. Not a stemmer: it only has to make
/// the forms a note and its summary use meet.
pub(crate) fn lemma(lower: &str) -> String {
    if let Some((_, l)) = IRREGULAR.iter().find(|(w, _)| *w == lower) {
        return (*l).to_string();
    }
    let w = lower.strip_suffix("'s").unwrap_or(lower);
    let n = w.len();
    let stem = |suffix: &str| w.strip_suffix(suffix).filter(|s| s.len() >= 3);
    if let Some(s) = stem("ies") {
        return format!("{s}y");
    }
    if let Some(s) = stem("ing") {
        return undouble(s);
    }
    if let Some(s) = stem("ied") {
        return format!("{s}y");
    }
    if let Some(s) = stem("ed") {
        return undouble(s);
    }
    if let Some(s) = stem("ly").filter(|s| s.len() >= 4) {
        return s.to_string();
    }
    if n > 3 && w.ends_with("sses") {
        return w.get(..n - 2).unwrap_or(w).to_string();
    }
    if n > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return w.get(..n - 1).unwrap_or(w).to_string();
    }
    w.to_string()
}

/// "stopp" to "stop", "planning"'s "plann" to "plan"; "agre" back to "agree"
/// is left to the irregular table.
fn undouble(s: &str) -> String {
    let b = s.as_bytes();
    match b {
        [.., x, y] if x == y && !matches!(x, b'l' | b's' | b'z' | b'e') => {
            s.get(..s.len() - 1).unwrap_or(s).to_string()
        }
        _ => s.to_string(),
    }
}

/// The canonical word of a lemma's synonym group, or the lemma itself.
pub(crate) fn canonical(lemma: &str) -> &str {
    for group in SYNONYMS {
        if group.contains(&lemma)
            && let Some(first) = group.first()
        {
            return first;
        }
    }
    lemma
}

/// The word a negative form negates ("miss" gives "attend").
pub(crate) fn negative_form(lemma: &str) -> Option<&'static str> {
    // The light lemma cuts a final "e" with "-ing" and "-ed" ("refusing"
    // is "refus"), which the table's base forms keep.
    NEGATIVE_FORMS
        .iter()
        .find(|(w, _)| *w == lemma || w.strip_suffix('e') == Some(lemma))
        .map(|(_, p)| *p)
}

/// One content word of a sentence: its canonical lemma and whether it is
/// negated where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Content {
    pub(crate) word: String,
    pub(crate) negated: bool,
    /// Whether its clause holds an odd number of negators ("not", "no",
    /// "never"; not "without"): "no assessment was needed" and "an assessment was not
    /// needed" negate different words of one clause.
    pub(crate) clause_negated: bool,
    /// Whether the word is what a negative form negates ("attend" of
    /// "missed"), not the word written.
    pub(crate) from_negative: bool,
    /// Its index among the text's [`tokens`].
    pub(crate) at: usize,
}

/// Whether token `at` is the "going" of "going to" before a verb, which
/// says no more than "will" ("is going to phone"); not "going to the shop".
fn is_future(toks: &[Token<'_>], at: usize) -> bool {
    let word = |i: usize| toks.get(i).map(|t| &*t.low);
    word(at) == Some("going")
        && word(at + 1) == Some("to")
        && toks
            .get(at + 2)
            .is_some_and(|v| !v.is_capitalised() && !is_stopword(&v.low) && !v.is_number())
}

/// Words that, right after "no", show it is an answer ("said no when I
/// asked"), not a determiner ("no concerns").
const ANSWER_FOLLOWERS: &[&str] = &[
    "when", "if", "because", "but", "and", "or", "so", "as", "although", "though", "while",
    "since", "until", "then",
];

/// How many content words a negator reaches: the one it governs ("did not
/// attend", "no concerns"), not the rest of the clause, whose words keep
/// their own polarity ("no concerns about the home").
const NEGATION_REACH: usize = 1;

/// The content words of a text with their polarity: stopwords and numbers
/// left out, lemmatised, synonyms brought together, negative forms turned
/// into their negated word ("missed" is "attend", negated).
pub(crate) fn content(text: &str) -> Vec<Content> {
    let mut out: Vec<Content> = Vec::new();
    // Where the current clause's words start in `out`, and whether it has
    // said "not" yet.
    let mut clause_start = 0usize;
    let mut clause_negated = false;
    let close = |out: &mut Vec<Content>, from: &mut usize, negated: &mut bool| {
        for c in out.iter_mut().skip(*from) {
            c.clause_negated = *negated;
        }
        *from = out.len();
        *negated = false;
    };
    let mut reach = 0usize;
    let mut last_end = 0usize;
    let mut after_number = false;
    let mut rather = false;
    let mut skip = 0usize;
    let toks = tokens(text);
    for (at, t) in toks.iter().enumerate() {
        // Punctuation between words ends a clause, and a negation with it.
        if text
            .get(last_end..t.start)
            .is_some_and(|gap| gap.contains([',', ';', ':', '.', '(', ')']))
        {
            reach = 0;
            rather &= !text.get(last_end..t.start).is_some_and(|g| g.contains('.'));
            close(&mut out, &mut clause_start, &mut clause_negated);
        }
        last_end = t.end;
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let low = lower(t.text);
        // "no longer needs": "longer" passes the negation on; so does
        // "yet" after a negator ("has not yet been traced"), where it is
        // no conjunction opening a clause.
        if low == "longer" && at > 0 && toks.get(at - 1).is_some_and(|p| p.low == "no") {
            continue;
        }
        if low == "yet" && at > 0 && toks.get(at - 1).is_some_and(|p| is_negator(&p.low)) {
            continue;
        }
        // "Instead of her mother", "in place of one-to-one", "rather than
        // stay", "would rather go home, he said, than stay": what is set
        // aside is negated, as "without" negates its object; "rather"
        // itself says nothing.
        let next = |k: usize| toks.get(at + k).map(|n| &*n.low);
        if low == "rather" {
            rather = true;
            continue;
        }
        let in_place_of = low == "in" && next(1) == Some("place") && next(2) == Some("of");
        if (low == "instead" && next(1) == Some("of")) || (low == "than" && rather) || in_place_of {
            reach = NEGATION_REACH;
            rather = false;
            if in_place_of {
                skip = 1;
            }
            continue;
        }
        // "She said no when I asked": "no" as an answer ends its clause
        // and negates nothing after it.
        let answer = low == "no"
            && toks.get(at + 1).is_none_or(|n| {
                text.get(t.end..n.start)
                    .is_some_and(|gap| gap.contains([',', ';', ':', '.']))
                    || ANSWER_FOLLOWERS.contains(&&*n.low)
            });
        if answer {
            continue;
        }
        if is_negator(&low) {
            reach = NEGATION_REACH;
            // "Without" negates its object only ("dismissed without
            // notice"); two negators in a clause undo each other.
            clause_negated ^= low != "without";
            continue;
        }
        if is_clause_break(&low) {
            reach = 0;
            close(&mut out, &mut clause_start, &mut clause_negated);
            continue;
        }
        // "Two times" is "twice": after a number, "times" is its unit.
        let multiplier = low == "times" && after_number;
        after_number = number_value(&low).is_some();
        if is_stopword(&low)
            || function_form(&low).is_some()
            || after_number
            || multiplier
            || is_future(&toks, at)
        {
            continue;
        }
        let lem = lemma(&low);
        let (word, inherent) = match negative_form(&lem) {
            Some(positive) => (positive.to_string(), true),
            None => (canonical(&lem).to_string(), false),
        };
        let negated = (reach > 0) != inherent;
        reach = reach.saturating_sub(1);
        // What an implicative governs is its infinitive ("refused to
        // go", "not allowed me to see", "did not let me see"), not a
        // phrase after it ("did not agree with the school's view"), nor
        // the people "let" is said of ("refused to let the team in": the
        // team is not negated, letting them in is).
        let let_object = toks.get(at + 1).is_some_and(|n| {
            matches!(&*n.low, "me" | "him" | "her" | "us" | "them" | "you" | "it")
        });
        let governs = (word == "let" && let_object)
            || (1..=2).any(|k| toks.get(at + k).is_some_and(|n| n.low == "to"));
        if negated && IMPLICATIVE.contains(&word.as_str()) && governs {
            reach = NEGATION_REACH;
        }
        out.push(Content {
            word,
            negated,
            clause_negated: false,
            from_negative: inherent,
            at,
        });
    }
    close(&mut out, &mut clause_start, &mut clause_negated);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lemmas_meet() {
        assert_eq!(lemma("visits"), "visit");
        assert_eq!(lemma("stopped"), "stop");
        assert_eq!(lemma("said"), "say");
        assert_eq!(lemma("worries"), "worry");
        assert_eq!(canonical(&lemma("mum's")), "mother");
    }

    #[test]
    fn a_negative_form_is_read_in_any_of_its_forms() {
        for text in [
            "He refused to go",
            "He is refusing to go",
            "He refuses to go",
        ] {
            let c = content(text);
            assert!(
                c.iter()
                    .any(|c| c.word == "agree" && c.negated && c.from_negative),
                "{text}: {c:?}"
            );
        }
    }

    #[test]
    fn a_pronouns_contracted_auxiliary_is_dropped() {
        assert_eq!(lower("She'd"), "she");
        assert_eq!(lower("we\u{2019}ll"), "we");
        assert_eq!(
            tokens("they've gone").first().map(|t| &*t.low),
            Some("they")
        );
        // Not a pronoun: the word stays whole.
        assert_eq!(lower("O'Brien"), "o'brien");
        assert!(content("I'd asked Mum.").iter().all(|c| c.word != "i'd"));
    }

    #[test]
    fn going_to_before_a_verb_is_will() {
        assert!(
            content("Dad is going to phone.")
                .iter()
                .all(|c| !c.word.starts_with("go"))
        );
        assert!(
            content("Dad is going to the shop.")
                .iter()
                .any(|c| c.word.starts_with("go"))
        );
    }

    #[test]
    fn a_count_joined_to_its_unit() {
        assert_eq!(number_compound("two-day"), Some((2, "day".to_string())));
        assert_eq!(
            number_compound("three-weeks"),
            Some((3, "week".to_string()))
        );
        assert_eq!(number_compound("fortnight"), Some((2, "week".to_string())));
        assert_eq!(number_compound("thirty-eight"), None);
        assert_eq!(number_compound("after-school"), None);
    }

    #[test]
    fn times_after_a_number_is_its_unit() {
        assert!(content("seen two times").iter().all(|c| c.word != "time"));
        assert!(content("at times").iter().any(|c| c.word == "time"));
    }

    #[test]
    fn numbers_written_in_words() {
        assert_eq!(number_value("thirty-eight"), Some(38));
        assert_eq!(number_value("eight-thirty"), None);
        let toks = tokens("owes four hundred and twenty pounds, three thousand in all");
        let found: Vec<u64> = spelled_numbers(&toks).iter().map(|n| n.0).collect();
        assert_eq!(found, [420, 3000]);
    }

    #[test]
    fn negation_reaches_the_clause() {
        let c = content("Amelia did not attend school, but played outside.");
        let attend = c.iter().find(|c| c.word == "attend");
        assert!(attend.is_some_and(|a| a.negated));
        let play = c.iter().find(|c| c.word == "play");
        assert!(play.is_some_and(|p| !p.negated));
        let missed = content("Amelia missed school.");
        assert!(missed.iter().any(|c| c.word == "attend" && c.negated));
        // A negated "able" or a refusal negates what it governs.
        for text in [
            "I wasn't able to speak to Tom.",
            "I was unable to speak to Tom.",
            "Tom refused to speak to me.",
            "Unless he speaks to me.",
        ] {
            let c = content(text);
            let speak = c.iter().find(|c| c.word == "speak");
            assert!(speak.is_some_and(|s| s.negated), "{text}");
        }
        let c = content("Tom agreed to speak to me.");
        assert!(c.iter().any(|c| c.word == "speak" && !c.negated));
    }
}
