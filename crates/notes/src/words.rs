//! Words of free text for comparing meaning: byte-positioned tokens, light
//! lemmas, stopwords, a small synonym table, number words and negation.
//! Shared by the citation gate, the summariser and the chronology so that
//! all three read a sentence the same way.

use std::borrow::Cow;

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
        let low = if plain {
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

/// Words that carry no content of their own.
const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "if",
    "then",
    "so",
    "as",
    "of",
    "at",
    "by",
    "for",
    "with",
    "about",
    "against",
    "between",
    "into",
    "through",
    "during",
    "before",
    "after",
    "above",
    "below",
    "to",
    "from",
    "up",
    "down",
    "in",
    "out",
    "on",
    "off",
    "over",
    "under",
    "again",
    "further",
    "once",
    "here",
    "there",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "both",
    "each",
    "few",
    "more",
    "most",
    "other",
    "some",
    "such",
    "only",
    "own",
    "same",
    "than",
    "too",
    "very",
    "can",
    "will",
    "just",
    "should",
    "now",
    "i",
    "me",
    "my",
    "we",
    "our",
    "us",
    "you",
    "your",
    "he",
    "him",
    "his",
    "she",
    "her",
    "hers",
    "it",
    "its",
    "they",
    "them",
    "their",
    "theirs",
    "this",
    "that",
    "these",
    "those",
    "who",
    "whom",
    "which",
    "what",
    "be",
    "am",
    "is",
    "are",
    "was",
    "were",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "doing",
    "would",
    "could",
    "may",
    "might",
    "must",
    "shall",
    "also",
    "which",
    "while",
    "because",
    "until",
    "since",
    "although",
    "though",
    "whether",
    "would",
    "s",
    "t",
    "d",
    "ll",
    "re",
    "ve",
    "m",
    "o",
    "one's",
    "themselves",
    "himself",
    "herself",
    "itself",
    "myself",
    "ourselves",
    "yourself",
    "get",
    "got",
    "still",
    "yet",
    "already",
    "even",
    "well",
    "whose",
    "per",
    "via",
    "onto",
    "upon",
    "within",
    "across",
    "along",
    "around",
    "among",
    "toward",
    "towards",
    "please",
    "re",
    "like",
];

/// Words that say how something was recorded rather than what happened,
/// and the ways a summary names the note's author: a summary may add them
/// without claiming anything the note does not.
const DISCOURSE: &[&str] = &[
    "say",
    "report",
    "state",
    "explain",
    "note",
    "mention",
    "describe",
    "confirm",
    "share",
    "record",
    "indicate",
    "add",
    "tell",
    "advise",
    "inform",
    "update",
    "overall",
    "further",
    "additionally",
    "addition",
    "also",
    "worker",
    "practitioner",
    "social",
    "caseworker",
    "author",
    "writer",
    "recorded",
    "noted",
    "according",
    "accord",
    "regard",
    "regarding",
    "relation",
    "currently",
    "respectively",
    "accordingly",
    "subsequently",
    "later",
    "previously",
    "reportedly",
    "apparently",
    "summary",
    "summarise",
    "case",
];

/// Negators: a content word after one, in the same clause, is negated.
const NEGATORS: &[&str] = &[
    "not",
    "no",
    "never",
    "nothing",
    "nobody",
    "none",
    "neither",
    "nor",
    "without",
    "cannot",
    "didn't",
    "doesn't",
    "don't",
    "isn't",
    "wasn't",
    "weren't",
    "aren't",
    "hasn't",
    "haven't",
    "hadn't",
    "won't",
    "wouldn't",
    "couldn't",
    "shouldn't",
    "can't",
    "mustn't",
    "n't",
];

/// Words that end a negation's reach.
const CLAUSE_BREAKS: &[&str] = &[
    "but", "although", "though", "however", "whereas", "yet", "while", "and",
];

/// Words whose meaning is a negated word: "missed" is "did not attend".
const NEGATIVE_FORMS: &[(&str, &str)] = &[
    ("miss", "attend"),
    ("absent", "present"),
    ("unable", "able"),
    ("unwell", "well"),
    ("unhappy", "happy"),
    ("unsafe", "safe"),
    ("decline", "agree"),
    ("refuse", "agree"),
    ("fail", "manage"),
    ("unsettled", "settle"),
    ("untidy", "tidy"),
    ("dirty", "clean"),
    ("unannounced", "announce"),
];

/// Words used for one another, each mapped to the first of its group.
const SYNONYMS: &[&[&str]] = &[
    &["mother", "mum", "mummy", "mom"],
    &["father", "dad", "daddy"],
    &["child", "kid", "young", "youngster"],
    &[
        "say", "tell", "state", "report", "explain", "mention", "disclose", "express", "comment",
    ],
    &["phone", "telephone", "call", "ring", "rang"],
    &["home", "house", "property", "address"],
    &["worry", "concern", "anxious", "worried", "concerned"],
    &["meet", "meeting"],
    &["doctor", "gp"],
    &["happy", "pleased", "glad", "content", "cheerful"],
    &["upset", "distressed", "tearful"],
    &["sad", "low", "down"],
    &["tired", "exhausted", "sleepy", "fatigued"],
    &["arrange", "book", "schedule", "organise", "set"],
    &["refer", "referral"],
    &["appointment", "appt"],
    &["attend", "attendance"],
    &["agree", "accept", "consent", "agreement"],
    &["visit", "see", "saw", "seen"],
    &[
        "speak",
        "talk",
        "chat",
        "discuss",
        "conversation",
        "spoke",
        "chatty",
    ],
    &["clean", "tidy"],
    &["warm", "heated"],
    &["school", "class", "classroom", "lesson"],
    &["teacher", "staff", "teaching"],
    &["ask", "request"],
    &["help", "support", "assist", "assistance"],
    &["difficult", "hard", "tough", "struggle", "struggling"],
    &["review", "reassess", "reassessment", "revisit"],
    &["plan", "arrangement"],
    &["argue", "argument", "row", "arguing"],
    &["shout", "yell", "shouting"],
    &["safe", "secure"],
    &["food", "meal", "lunch", "breakfast"],
    &["money", "finance", "financial", "cash"],
    &["police", "officer", "officers"],
    &["hungry", "starving"],
    &["friend", "friendship"],
    &["begin", "start", "commence"],
    &["end", "finish", "stop", "cease"],
    &["unwell", "ill", "sick", "poorly"],
    &["give", "provide", "offer"],
    &["contact", "reach", "get"],
    &["week", "weekly"],
    &["month", "monthly"],
    &["day", "daily"],
];

/// Irregular forms brought to their lemma before the suffix rules run.
const IRREGULAR: &[(&str, &str)] = &[
    ("was", "be"),
    ("were", "be"),
    ("been", "be"),
    ("is", "be"),
    ("are", "be"),
    ("am", "be"),
    ("had", "have"),
    ("has", "have"),
    ("did", "do"),
    ("does", "do"),
    ("done", "do"),
    ("said", "say"),
    ("told", "tell"),
    ("saw", "see"),
    ("seen", "see"),
    ("went", "go"),
    ("gone", "go"),
    ("made", "make"),
    ("felt", "feel"),
    ("gave", "give"),
    ("given", "give"),
    ("met", "meet"),
    ("took", "take"),
    ("taken", "take"),
    ("spoke", "speak"),
    ("spoken", "speak"),
    ("rang", "ring"),
    ("rung", "ring"),
    ("left", "leave"),
    ("kept", "keep"),
    ("came", "come"),
    ("brought", "bring"),
    ("thought", "think"),
    ("bought", "buy"),
    ("found", "find"),
    ("knew", "know"),
    ("known", "know"),
    ("ran", "run"),
    ("sent", "send"),
    ("slept", "sleep"),
    ("woke", "wake"),
    ("ate", "eat"),
    ("eaten", "eat"),
    ("wrote", "write"),
    ("written", "write"),
    ("held", "hold"),
    ("heard", "hear"),
    ("paid", "pay"),
    ("lost", "lose"),
    ("moved", "move"),
    ("children", "child"),
    ("people", "person"),
    ("women", "woman"),
    ("men", "man"),
    ("began", "begin"),
    ("begun", "begin"),
    ("fell", "fall"),
    ("hit", "hit"),
    ("stole", "steal"),
    ("stolen", "steal"),
    ("drove", "drive"),
    ("driven", "drive"),
    ("shown", "show"),
    ("showed", "show"),
    ("led", "lead"),
    ("arrived", "arrive"),
    ("agreed", "agree"),
    ("argued", "argue"),
    ("raised", "raise"),
    ("received", "receive"),
    ("shared", "share"),
    ("noted", "note"),
    ("continued", "continue"),
    ("booked", "book"),
    ("referred", "refer"),
    ("planned", "plan"),
    ("stopped", "stop"),
    ("dropped", "drop"),
    ("hoped", "hope"),
    ("arranged", "arrange"),
    ("reviewed", "review"),
    ("used", "use"),
    ("missed", "miss"),
    ("declined", "decline"),
    ("refused", "refuse"),
    ("closed", "close"),
    ("increased", "increase"),
    ("reduced", "reduce"),
    ("improved", "improve"),
    ("settled", "settle"),
    ("placed", "place"),
    ("changed", "change"),
    ("managed", "manage"),
    ("scored", "score"),
    ("stayed", "stay"),
    ("played", "play"),
    ("called", "call"),
    ("visited", "visit"),
    ("invited", "invite"),
    ("accompanied", "accompany"),
    ("worried", "worry"),
    ("tried", "try"),
    ("cried", "cry"),
    ("applied", "apply"),
    ("studied", "study"),
    ("carried", "carry"),
    ("copied", "copy"),
    ("didn't", "do"),
    ("doesn't", "do"),
    ("don't", "do"),
    ("isn't", "be"),
    ("wasn't", "be"),
    ("weren't", "be"),
    ("hasn't", "have"),
    ("haven't", "have"),
    ("hadn't", "have"),
    ("won't", "will"),
    ("can't", "can"),
    ("cannot", "can"),
    ("couldn't", "could"),
    ("wouldn't", "would"),
    ("shouldn't", "should"),
    ("aren't", "be"),
    ("i'm", "i"),
    ("she's", "she"),
    ("he's", "he"),
    ("it's", "it"),
    ("they're", "they"),
    ("we're", "we"),
    ("i've", "i"),
    ("we've", "we"),
    ("they've", "they"),
];

/// Number words, as the digits a sentence may write them in. "One",
/// "first", "second" and "once" are left out: they are more often not
/// counts ("no one", "at first", "a second call").
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
    ("hundred", 100),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("twice", 2),
    ("dozen", 12),
];

/// Lowercased, curly apostrophes straightened.
pub(crate) fn lower(word: &str) -> String {
    word.chars()
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

pub(crate) fn is_stopword(lower: &str) -> bool {
    STOPWORDS.contains(&lower)
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
    NUMBER_WORDS
        .iter()
        .find(|(w, _)| *w == lower)
        .map(|(_, n)| u64::from(*n))
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
    NEGATIVE_FORMS
        .iter()
        .find(|(w, _)| *w == lemma)
        .map(|(_, p)| *p)
}

/// One content word of a sentence: its canonical lemma and whether it is
/// negated where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Content {
    pub(crate) word: String,
    pub(crate) negated: bool,
}

/// How many content words a negator reaches: the one it governs ("did not
/// attend", "no concerns"), not the rest of the clause, whose words keep
/// their own polarity ("no concerns about the home").
const NEGATION_REACH: usize = 1;

/// The content words of a text with their polarity: stopwords and numbers
/// left out, lemmatised, synonyms brought together, negative forms turned
/// into their negated word ("missed" is "attend", negated).
pub(crate) fn content(text: &str) -> Vec<Content> {
    let mut out = Vec::new();
    let mut reach = 0usize;
    let mut last_end = 0usize;
    for t in tokens(text) {
        // Punctuation between words ends a clause, and a negation with it.
        if text
            .get(last_end..t.start)
            .is_some_and(|gap| gap.contains([',', ';', ':', '.', '(', ')']))
        {
            reach = 0;
        }
        last_end = t.end;
        let low = lower(t.text);
        if is_negator(&low) {
            reach = NEGATION_REACH;
            continue;
        }
        if is_clause_break(&low) {
            reach = 0;
            continue;
        }
        if is_stopword(&low) || number_value(&low).is_some() {
            continue;
        }
        let lem = lemma(&low);
        let (word, inherent) = match negative_form(&lem) {
            Some(positive) => (positive.to_string(), true),
            None => (canonical(&lem).to_string(), false),
        };
        let negated = (reach > 0) != inherent;
        reach = reach.saturating_sub(1);
        out.push(Content { word, negated });
    }
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
    fn negation_reaches_the_clause() {
        let c = content("Amelia did not attend school, but played outside.");
        let attend = c.iter().find(|c| c.word == "attend");
        assert!(attend.is_some_and(|a| a.negated));
        let play = c.iter().find(|c| c.word == "play");
        assert!(play.is_some_and(|p| !p.negated));
        let missed = content("Amelia missed school.");
        assert!(missed.iter().any(|c| c.word == "attend" && c.negated));
    }
}
