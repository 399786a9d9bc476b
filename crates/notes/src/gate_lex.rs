//! What WordNet says of a content word, for the citation gate: its base
//! forms and its first senses, with those of the collocation it opens ("go
//! to" is "attend", "put on" is "gain", "living room" is "lounge"). Two
//! words agree when they share a base form or a sense of one part of
//! speech. Without WordNet every word is its own and nothing more.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::wordnet::{self, SenseId, WordNet};
use crate::words::{Token, canonical, is_stopword};

/// Words after a content word read as one collocation with it, at most.
const COLLOCATION_WORDS_MAX: usize = 2;

/// Words of object at most between a verb and its particle ("picked
/// Priya up", "put the meeting off").
const OBJECT_WORDS_MAX: usize = 2;

/// Steps up WordNet's hypernyms a sentence's word may be from a cited
/// word it says more broadly: three reach "medication" from "tablet".
const BROADER_LEVELS: usize = 3;

/// Words remembered per thread before the memory is emptied: a bound on
/// what a long-lived worker holds, far above one summary's vocabulary.
const WORDS_CACHED_MAX: usize = 20_000;

thread_local! {
    static WORDS: RefCell<HashMap<String, (Lex, bool)>> = RefCell::new(HashMap::new());
}

/// A content word as WordNet reads it.
#[derive(Debug, Default, Clone)]
pub(crate) struct Lex {
    lemmas: Vec<String>,
    senses: Vec<SenseId>,
    /// The collocations read with the words after this one, each with the
    /// index of its last token ("come_back" and the index of "back").
    phrases: Vec<(String, usize)>,
}

impl Lex {
    /// The word at `at` of `toks`, read through WordNet when it is loaded.
    pub(crate) fn of(text: &str, toks: &[Token<'_>], at: usize) -> Lex {
        match wordnet::get() {
            Some(wn) => Lex::read(wn, text, toks, at),
            None => Lex::default(),
        }
    }

    /// A word given by its base form rather than read where it stands:
    /// what a negative form negates ("attend" of "missed").
    pub(crate) fn of_base(base: &str) -> Lex {
        match wordnet::get() {
            Some(wn) => Lex::word(wn, base).0,
            None => Lex::default(),
        }
    }

    fn read(wn: &WordNet, text: &str, toks: &[Token<'_>], at: usize) -> Lex {
        let mut lex = Lex::default();
        let Some(t) = toks.get(at) else {
            return lex;
        };
        let surface = t.low.strip_suffix("'s").unwrap_or(&t.low);
        let (word, heads) = Lex::word(wn, surface);
        lex = word;
        if !heads {
            return lex;
        }
        let firsts: Vec<String> = wn.lemmas(surface);
        // The words that follow it without punctuation between.
        let mut joined = surface.to_string();
        let mut rest = String::new();
        let mut end = t.end;
        for (k, next) in toks
            .iter()
            .enumerate()
            .skip(at + 1)
            .take(COLLOCATION_WORDS_MAX)
        {
            if !text
                .get(end..next.start)
                .is_some_and(|gap| gap.chars().all(char::is_whitespace))
            {
                break;
            }
            end = next.end;
            joined.push('_');
            joined.push_str(&next.low);
            rest.push('_');
            rest.push_str(&next.low);
            // "went to" is "go_to": the first word's base with the rest as
            // written; "living rooms" is "living_room": morphy on the whole.
            let mut found: Vec<String> = firsts
                .iter()
                .map(|f| format!("{f}{rest}"))
                .filter(|c| wn.knows(c))
                .collect();
            found.extend(wn.lemmas(&joined));
            for c in found {
                lex.add(wn, &c);
                lex.phrases.push((c, k));
            }
        }
        for (c, k) in Lex::split_particle(wn, text, toks, at, &firsts) {
            lex.add(wn, &c);
            lex.phrases.push((c, k));
        }
        lex
    }

    /// The collocations this word opens, each with the index of its last
    /// token: where one is supported, its later words ("back" of "come
    /// back") are said by it and need no support of their own.
    pub(crate) fn phrases(&self) -> &[(String, usize)] {
        &self.phrases
    }

    /// A phrasal verb with its object between ("picked Priya up", "rang
    /// her back"): the verb's base and a word after one or two words of
    /// object, where that word ends the clause or a preposition follows
    /// it, read as the collocation WordNet lists ("pick_up").
    fn split_particle(
        wn: &WordNet,
        text: &str,
        toks: &[Token<'_>],
        at: usize,
        firsts: &[String],
    ) -> Vec<(String, usize)> {
        let plain = |a: &Token<'_>, b: &Token<'_>| {
            text.get(a.end..b.start)
                .is_some_and(|gap| gap.chars().all(char::is_whitespace))
        };
        let mut out = Vec::new();
        for object in 1..=OBJECT_WORDS_MAX {
            let Some(span) = toks.get(at..=at + object + 1) else {
                break;
            };
            if !span.windows(2).all(|w| matches!(w, [a, b] if plain(a, b))) {
                break;
            }
            let Some(particle) = span.last() else { break };
            let closes = toks
                .get(at + object + 2)
                .is_none_or(|next| !plain(particle, next) || is_stopword(&next.low));
            if !closes {
                continue;
            }
            for f in firsts {
                let c = format!("{f}_{}", particle.low);
                if wn.knows(&c) && !out.iter().any(|(o, _)| *o == c) {
                    out.push((c, at + object + 1));
                }
            }
        }
        out
    }

    /// One word alone, and whether it or a base of it opens a collocation:
    /// remembered per thread, as a summary's sentences and the notes they
    /// cite use the same words again and again.
    fn word(wn: &WordNet, surface: &str) -> (Lex, bool) {
        WORDS.with(|cache| {
            let mut cache = cache.borrow_mut();
            if let Some(hit) = cache.get(surface) {
                return hit.clone();
            }
            let mut lex = Lex::default();
            let firsts = wn.lemmas(surface);
            for l in &firsts {
                lex.add(wn, l);
            }
            let heads =
                wn.heads_collocation(surface) || firsts.iter().any(|f| wn.heads_collocation(f));
            if cache.len() >= WORDS_CACHED_MAX {
                cache.clear();
            }
            cache.insert(surface.to_string(), (lex.clone(), heads));
            (lex, heads)
        })
    }

    fn add(&mut self, wn: &WordNet, lemma: &str) {
        if !self.lemmas.iter().any(|l| l == lemma) {
            self.lemmas.push(lemma.to_string());
            self.senses.extend_from_slice(wn.senses(lemma));
            // The gate's own synonym groups hold for WordNet's base forms
            // too ("struggling" is "struggle", which the table joins to
            // "hard").
            let group = canonical(lemma);
            if group != lemma && !self.lemmas.iter().any(|l| l == group) {
                self.lemmas.push(group.to_string());
            }
        }
    }

    /// The words this word is a form of in another part of speech
    /// ("arrive" of "arrival", "hear" of "audible"): WordNet's
    /// derivational links from its first senses. A link between two
    /// spellings of one word ("mother" the verb to "mother" the noun)
    /// counts only from this word itself: the verb sense "father" shares
    /// with "mother" does not make them one.
    pub(crate) fn derived(&self) -> Vec<String> {
        self.linked(WordNet::derived, |from, to, lemmas| {
            from != to || lemmas.iter().any(|l| l == from)
        })
    }

    /// The words WordNet gives as this word's antonyms ("disagree" of
    /// "agree"), from its own spellings only: an antonym is a link
    /// between words, not senses.
    pub(crate) fn antonyms(&self) -> Vec<String> {
        self.linked(WordNet::antonyms, |from, _, lemmas| {
            lemmas.iter().any(|l| l == from)
        })
    }

    /// The words at the end of the word links `links` gives from this
    /// word's senses, where `keep` (from, to, this word's base forms)
    /// holds.
    fn linked(
        &self,
        links: impl Fn(&WordNet, SenseId) -> Vec<(String, String)>,
        keep: impl Fn(&str, &str, &[String]) -> bool,
    ) -> Vec<String> {
        let Some(wn) = wordnet::get() else {
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::new();
        for s in &self.senses {
            for (from, to) in links(wn, *s) {
                if keep(&from, &to, &self.lemmas) && !out.contains(&to) {
                    out.push(to);
                }
            }
        }
        out
    }

    /// The senses this word is a kind of, up to [`BROADER_LEVELS`] steps
    /// up WordNet's hypernyms: "vehicle" of "car", "medication" of
    /// "tablet". A sentence may say a cited thing more broadly.
    pub(crate) fn broader(&self) -> Vec<SenseId> {
        let Some(wn) = wordnet::get() else {
            return Vec::new();
        };
        let mut out: Vec<SenseId> = Vec::new();
        let mut level: Vec<SenseId> = self.senses.clone();
        for _ in 0..BROADER_LEVELS {
            let mut next = Vec::new();
            for s in level {
                for h in wn.hypernyms(s) {
                    if !out.contains(&h) {
                        out.push(h);
                        next.push(h);
                    }
                }
            }
            level = next;
        }
        out
    }

    /// The senses of actions this word is close to ([`WordNet::near`])
    /// within `levels` steps up, from its first `senses` verb senses; two
    /// verbs close to one sense say one thing.
    pub(crate) fn near(&self, levels: usize, senses: usize) -> Vec<SenseId> {
        let Some(wn) = wordnet::get() else {
            return Vec::new();
        };
        let mut out: Vec<SenseId> = Vec::new();
        let verb_senses = self.senses.iter().map(|s| wn.near(*s, levels));
        for near in verb_senses.filter(|n| !n.is_empty()).take(senses) {
            for n in near {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
        out
    }

    /// Whether one of this word's senses is among `senses`.
    pub(crate) fn is_among(&self, senses: &[SenseId]) -> bool {
        self.senses.iter().any(|s| senses.contains(s))
    }

    /// Whether `word` is one of this word's base forms.
    pub(crate) fn has_base(&self, word: &str) -> bool {
        self.lemmas.iter().any(|l| l == word)
    }

    /// Whether the sentence's own words (`said`) already say this word:
    /// one of them is one of its base forms. A cited verb said once
    /// stands for one verb of the sentence, not for a second one beside it
    /// ("answered questions and cried" of "answered questions").
    pub(crate) fn said_in(&self, said: &[&str]) -> bool {
        self.lemmas.iter().any(|l| {
            said.iter()
                .any(|w| *w == l || crate::gate::shared_stem(w, l))
        })
    }

    /// Whether one of the word's base forms is among `words`.
    pub(crate) fn is_one_of(&self, words: &[&str]) -> bool {
        self.lemmas.iter().any(|l| words.contains(&l.as_str()))
    }

    /// The word's first base form, as WordNet spells it ("take" of
    /// "taking", which the light lemma cuts to "tak").
    pub(crate) fn base(&self) -> Option<&str> {
        self.lemmas.first().map(String::as_str)
    }

    /// Whether two words are forms of one word or share a sense.
    pub(crate) fn agrees(&self, other: &Lex) -> bool {
        self.lemmas.iter().any(|l| other.lemmas.contains(l))
            || self.senses.iter().any(|s| other.senses.contains(s))
    }
}
