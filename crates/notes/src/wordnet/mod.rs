//! Princeton WordNet 3.0, read at run time from its database files (Debian's
//! `wordnet-base`: `index.*` and the `*.exc` exception lists), for the
//! lemmas and synonyms the citation gate compares words by.
//!
//! Only the index is read: a word's synsets are listed there by offset,
//! most frequent sense first, and two words are synonyms when they share an
//! offset in one part of speech, so the glosses in `data.*` are never
//! needed. Only each word's first senses are kept ([`SENSES_KEPT`]): a rare
//! sense ("call" as "shout") would join words a summary must keep apart.
//!
//! The files are read once per process, the first time a word is looked up,
//! from the folder named by `CLEARSTONE_WORDNET` (default
//! `/usr/share/wordnet`). Without them the gate works as before, on its own
//! word tables: [`status`] says which.

mod data;
mod morphy;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub(crate) use morphy::Pos;

/// Senses kept of each word in each part of speech, most frequent first;
/// fewer where the index counts fewer senses seen in its tagged texts
/// (`tagsense_cnt`), since an untagged sense is a rare one ("mother" as
/// "beget", which is also "father"). Eight, not two: a summary says
/// "raised" for "increased" and "watched" for "observed", which meet
/// only in their third or fourth senses, and paraphrases on sets the gate
/// was not tuned on meet later still; the tag count already keeps out the
/// rare ones. A collocation keeps as many ("put on" is "gain" in its
/// fourth).
pub(crate) const SENSES_KEPT: usize = 8;

/// Most kinds a verb may have for two of them to say one thing: "perceive"
/// joins "see" and "notice"; "change", with hundreds, joins nothing.
const NEAR_KINDS_MAX: u16 = 40;

/// The environment variable naming the folder of WordNet's files.
pub const WORDNET_ENV: &str = "CLEARSTONE_WORDNET";

/// Where WordNet is looked for when [`WORDNET_ENV`] is not set.
pub const WORDNET_DEFAULT_DIR: &str = "/usr/share/wordnet";

/// One sense: a synset, its part of speech in the top bits so that a noun
/// and a verb never meet by offset.
pub(crate) type SenseId = u32;

/// What the index says of one word.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    /// Bit `Pos as u8` is set for each part of speech the word is a lemma of.
    pos: u8,
    /// Range of its kept senses in [`WordNet::senses`].
    first: u32,
    count: u16,
    /// Whether, as an adjective, it says what something pertains to
    /// ("occupational", "dental"): a kind, not a quality.
    relational: bool,
}

/// The parts of WordNet the gate reads, in memory.
#[derive(Debug, Default)]
pub struct WordNet {
    words: HashMap<Box<str>, Entry>,
    senses: Vec<SenseId>,
    /// Irregular form -> (part of speech, base form).
    exceptions: HashMap<Box<str>, Vec<(Pos, Box<str>)>>,
    /// Base form -> its irregular forms, every part of speech.
    irregular: HashMap<Box<str>, Vec<Box<str>>>,
    /// The first words of multi-word lemmas ("go" of "go_to"), so that a
    /// word opening none is not looked up with the words after it.
    heads: std::collections::HashSet<Box<str>>,
    /// The synsets, read where asked.
    data: data::Data,
}

/// Why WordNet could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WordNetError {
    #[error("cannot read wordnet file `{path}`: {reason}")]
    Unreadable { path: String, reason: String },

    #[error("wordnet file `{path}` line {line} is not an index entry")]
    Malformed { path: String, line: usize },
}

impl WordNetError {
    /// The stable snake_case code callers match on and show.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unreadable { .. } => "wordnet_unreadable",
            Self::Malformed { .. } => "wordnet_malformed",
        }
    }
}

/// Whether the gate reads words through WordNet in this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordNetStatus {
    /// Loaded from this folder.
    Loaded { dir: PathBuf, words: usize },
    /// Not loaded: the gate uses its own word tables only.
    Missing { dir: PathBuf, reason: String },
}

impl WordNetStatus {
    /// The one line a notes command or page shows when WordNet is missing,
    /// so that a practitioner knows why more faithful sentences are marked.
    pub fn missing_line(&self) -> Option<String> {
        match self {
            Self::Loaded { .. } => None,
            Self::Missing { dir, .. } => Some(format!(
                "WordNet is not installed at `{}`: the citation gate runs without lemmas and synonyms",
                dir.display()
            )),
        }
    }
}

fn read(path: &Path) -> Result<String, WordNetError> {
    std::fs::read_to_string(path).map_err(|e| WordNetError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

impl WordNet {
    /// Reads `index.{noun,verb,adj,adv}` and `{noun,verb,adj,adv}.exc` from
    /// `dir`.
    pub fn load(dir: &Path) -> Result<WordNet, WordNetError> {
        let mut wn = WordNet {
            data: data::Data::new(dir),
            ..WordNet::default()
        };
        for pos in Pos::ALL {
            let path = dir.join(format!("index.{}", pos.file()));
            let text = read(&path)?;
            wn.read_index(pos, &text)
                .map_err(|line| WordNetError::Malformed {
                    path: path.display().to_string(),
                    line,
                })?;
            let path = dir.join(format!("{}.exc", pos.file()));
            let text = read(&path)?;
            for line in text.lines() {
                let mut parts = line.split_whitespace();
                if let (Some(form), Some(base)) = (parts.next(), parts.next()) {
                    let forms = wn.irregular.entry(base.into()).or_default();
                    if !forms.iter().any(|f| &**f == form) {
                        forms.push(form.into());
                    }
                    wn.exceptions
                        .entry(form.into())
                        .or_default()
                        .push((pos, base.into()));
                }
            }
        }
        wn.words.shrink_to_fit();
        wn.heads.shrink_to_fit();
        wn.senses.shrink_to_fit();
        Ok(wn)
    }

    /// One `index.*` file: `lemma pos synset_cnt p_cnt [ptr...] sense_cnt
    /// tagsense_cnt offset...`, the offsets most frequent sense first. Lines
    /// starting with a space are the licence. Errs with the line number.
    fn read_index(&mut self, pos: Pos, text: &str) -> Result<(), usize> {
        for (n, line) in text.lines().enumerate() {
            if line.starts_with(' ') || line.is_empty() {
                continue;
            }
            let mut f = line.split_ascii_whitespace();
            let (Some(lemma), Some(_), Some(synsets), Some(pointers)) =
                (f.next(), f.next(), f.next(), f.next())
            else {
                return Err(n + 1);
            };
            let synsets: usize = synsets.parse().map_err(|_| n + 1)?;
            let pointers: usize = pointers.parse().map_err(|_| n + 1)?;
            // Pointer symbols, then sense_cnt and tagsense_cnt.
            let mut relational = false;
            for symbol in f.by_ref().take(pointers) {
                relational |= pos == Pos::Adj && symbol == "\\";
            }
            let mut f = f.skip(1);
            let tagged: usize = f.next().and_then(|t| t.parse().ok()).ok_or(n + 1)?;
            let mut offsets = f;
            let first = u32::try_from(self.senses.len()).map_err(|_| n + 1)?;
            let mut count = 0u16;
            for _ in 0..synsets.min(SENSES_KEPT).min(tagged.max(1)) {
                let offset: u32 = offsets.next().and_then(|o| o.parse().ok()).ok_or(n + 1)?;
                self.senses.push(pos.sense(offset));
                count += 1;
            }
            if let Some((head, _)) = lemma.split_once('_') {
                self.heads.insert(head.into());
            }
            let e = self.words.entry(lemma.into()).or_default();
            if e.count == 0 {
                e.first = first;
                e.count = count;
            } else {
                // A word of two parts of speech: its senses of both, side by
                // side (a word is read one part of speech after another).
                let start = e.first as usize;
                let end = start + e.count as usize;
                let prev: Vec<SenseId> = self.senses.get(start..end).unwrap_or_default().to_vec();
                let mine: Vec<SenseId> = self.senses.split_off(first as usize);
                let at = u32::try_from(self.senses.len()).map_err(|_| n + 1)?;
                self.senses.extend(prev);
                self.senses.extend(mine);
                e.first = at;
                e.count += count;
            }
            e.pos |= 1 << pos as u8;
            e.relational |= relational;
        }
        Ok(())
    }

    fn is_lemma(&self, word: &str, pos: Pos) -> bool {
        self.words
            .get(word)
            .is_some_and(|e| e.pos & (1 << pos as u8) != 0)
    }

    /// The kept senses of a lemma (every part of speech).
    pub(crate) fn senses(&self, lemma: &str) -> &[SenseId] {
        self.words
            .get(lemma)
            .and_then(|e| {
                let start = e.first as usize;
                self.senses.get(start..start + e.count as usize)
            })
            .unwrap_or_default()
    }

    /// The base forms of a word in every part of speech it can be: its
    /// exceptions, itself, and what WordNet's detachment rules give
    /// (morphy). Multi-word lemmas are joined by `_`.
    pub(crate) fn lemmas(&self, word: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for pos in Pos::ALL {
            for base in self.morphy(word, pos) {
                if !out.contains(&base) {
                    out.push(base);
                }
            }
        }
        out
    }

    /// The base forms the exception lists give `word` ("went" is "go"),
    /// every part of speech; empty for a regular word.
    pub(crate) fn irregular_bases(&self, word: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (_, base) in self.exceptions.get(word).into_iter().flatten() {
            if !out.contains(&&**base) {
                out.push(base);
            }
        }
        out
    }

    /// The irregular forms of a base form ("go": "went", "gone").
    pub(crate) fn irregular_forms(&self, base: &str) -> impl Iterator<Item = &str> {
        self.irregular.get(base).into_iter().flatten().map(|f| &**f)
    }

    /// Whether some multi-word lemma starts with `word`.
    pub(crate) fn heads_collocation(&self, word: &str) -> bool {
        self.heads.contains(word)
    }

    /// Whether `word` (any form) is a noun and never a verb ("thing").
    pub(crate) fn only_noun(&self, word: &str) -> bool {
        !self.morphy(word, Pos::Noun).is_empty() && self.morphy(word, Pos::Verb).is_empty()
    }

    /// Whether `word` is only ever a quality: every base form of it an
    /// adjective or adverb, never a noun or a verb, and no adjective of
    /// them relational ("messy", "mostly", "additional"; not "dental",
    /// "past" or "empty").
    pub(crate) fn only_quality(&self, word: &str) -> bool {
        let mut bases = Vec::new();
        for pos in Pos::ALL {
            bases.extend(self.morphy(word, pos));
        }
        !bases.is_empty()
            && bases.iter().all(|b| {
                self.words.get(b.as_str()).is_some_and(|e| {
                    e.pos & ((1 << Pos::Noun as u8) | (1 << Pos::Verb as u8)) == 0 && !e.relational
                })
            })
    }

    /// The lexicographer files of the first sense in `pos` of each base
    /// form of `word` in `pos`.
    fn first_classes(&self, word: &str, pos: Pos) -> Vec<Option<u8>> {
        self.morphy(word, pos)
            .iter()
            .map(|b| {
                self.senses(b)
                    .iter()
                    .find(|s| data::pos_of(**s) == Some(pos))
                    .and_then(|s| self.data.synset(*s))
                    .map(|s| s.lexname)
            })
            .collect()
    }

    /// Whether `word` is a verb whose first sense says how things stand
    /// (`verb.stative`: "include", "live", "need", "spend") or seem
    /// (`verb.perception`: "show", "appear"), not an act, for every base
    /// form it has as a verb, and no noun of it is first a person, place,
    /// thing, time or quantity ("weekend" is a verb of staying, but "every
    /// weekend" names days). `Some(true)` for a state, `Some(false)` for a
    /// perception.
    pub(crate) fn says_no_act(&self, word: &str) -> Option<bool> {
        let verbs = self.first_classes(word, Pos::Verb);
        let stative = verbs.iter().all(|c| *c == Some(data::LEX_VERB_STATIVE));
        let seeming = verbs
            .iter()
            .all(|c| matches!(c, Some(data::LEX_VERB_STATIVE | data::LEX_VERB_PERCEPTION)));
        let entity = self
            .first_classes(word, Pos::Noun)
            .into_iter()
            .any(|c| c.is_some_and(data::names_entity));
        (!verbs.is_empty() && seeming && !entity).then_some(stative)
    }

    /// Whether the first noun sense of every base form of `word` is an act
    /// or an event (`noun.act`, `noun.event`: "visit", "placement",
    /// "meeting").
    pub(crate) fn names_act(&self, word: &str) -> bool {
        let nouns = self.first_classes(word, Pos::Noun);
        !nouns.is_empty()
            && nouns
                .iter()
                .all(|c| matches!(c, Some(data::LEX_NOUN_ACT | data::LEX_NOUN_EVENT)))
    }

    /// Whether `word` (any form) can be a verb ("booked", "visit").
    pub(crate) fn can_be_verb(&self, word: &str) -> bool {
        !self.morphy(word, Pos::Verb).is_empty()
    }

    /// Whether the verb exception lists give `word` as an irregular form
    /// ("sent", "told", "taken"): a past tense or participle that no
    /// ending shows.
    pub(crate) fn irregular_verb_form(&self, word: &str) -> bool {
        self.exceptions
            .get(word)
            .is_some_and(|bases| bases.iter().any(|(p, _)| *p == Pos::Verb))
    }

    /// Whether `word` is a lemma of WordNet in any part of speech.
    pub(crate) fn knows(&self, word: &str) -> bool {
        self.words.contains_key(word)
    }

    /// Whether the first noun sense of `word` (any form) names a person or
    /// a group of people ("officer", "family", "school"), by its
    /// lexicographer file.
    pub(crate) fn names_party(&self, word: &str) -> bool {
        self.morphy(word, Pos::Noun).iter().any(|base| {
            self.senses(base)
                .iter()
                .find(|s| data::pos_of(**s) == Some(Pos::Noun))
                .and_then(|s| self.data.synset(*s))
                .is_some_and(|s| matches!(s.lexname, data::LEX_NOUN_PERSON | data::LEX_NOUN_GROUP))
        })
    }

    /// The synsets `sense` is a kind of ("motor vehicle" of "car").
    pub(crate) fn hypernyms(&self, sense: SenseId) -> Vec<SenseId> {
        self.data
            .synset(sense)
            .map(|s| s.hypernyms.clone())
            .unwrap_or_default()
    }

    /// The senses an action is close to: for a verb sense, itself, the
    /// verbs WordNet groups with it and what it is a way of doing up to
    /// `levels` steps up, where that has at most [`NEAR_KINDS_MAX`] kinds
    /// ("get" of "pick up" and "collect"; "change" is too broad to say
    /// anything). Other parts of speech have none: things, places and
    /// people of one kind are not one another, nor is "weekly" "monthly"
    /// for being alike.
    pub(crate) fn near(&self, sense: SenseId, levels: usize) -> Vec<SenseId> {
        let Some(synset) = self.data.synset(sense) else {
            return Vec::new();
        };
        let mut out = vec![sense];
        match data::pos_of(sense) {
            Some(Pos::Verb) => {
                out.extend(synset.similar.iter().copied());
                let mut level = synset.hypernyms.clone();
                for _ in 0..levels {
                    let mut next = Vec::new();
                    for h in level {
                        let Some(parent) = self.data.synset(h) else {
                            continue;
                        };
                        if parent.kinds <= NEAR_KINDS_MAX && !out.contains(&h) {
                            out.push(h);
                        }
                        next.extend(parent.hypernyms.iter().copied());
                    }
                    level = next;
                }
            }
            _ => out.clear(),
        }
        out
    }

    /// The links WordNet draws from the words of the synset `sense` to
    /// forms of them in other parts of speech (`+`: "arrive" to
    /// "arrival", "hearable" to "hear"), as (from, to) words, read from
    /// `data.*` the first time. A link ends at one word, not a synset.
    pub(crate) fn derived(&self, sense: SenseId) -> Vec<(String, String)> {
        self.word_links(sense, |s| &s.derived)
    }

    /// The antonyms WordNet gives the words of the synset `sense` (`!`:
    /// "agree" to "disagree"), as (from, to) words.
    pub(crate) fn antonyms(&self, sense: SenseId) -> Vec<(String, String)> {
        self.word_links(sense, |s| &s.antonyms)
    }

    fn word_links(
        &self,
        sense: SenseId,
        links: impl Fn(&data::Synset) -> &Vec<(u8, SenseId, u8)>,
    ) -> Vec<(String, String)> {
        let Some(synset) = self.data.synset(sense) else {
            return Vec::new();
        };
        links(&synset)
            .iter()
            .filter_map(|(from, to, n)| {
                let source = synset.words.get(usize::from(*from).checked_sub(1)?)?;
                let target = self.data.synset(*to)?;
                let word = target.words.get(usize::from(*n).checked_sub(1)?)?;
                Some((source.clone(), word.clone()))
            })
            .collect()
    }

    /// The number of distinct words read.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether nothing was read.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// The folder WordNet is read from: `CLEARSTONE_WORDNET`, else the default.
pub fn wordnet_dir() -> PathBuf {
    std::env::var_os(WORDNET_ENV)
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(WORDNET_DEFAULT_DIR), PathBuf::from)
}

static LOADED: OnceLock<(PathBuf, Result<WordNet, WordNetError>)> = OnceLock::new();

fn loaded() -> &'static (PathBuf, Result<WordNet, WordNetError>) {
    LOADED.get_or_init(|| {
        let dir = wordnet_dir();
        let wn = WordNet::load(&dir);
        (dir, wn)
    })
}

/// WordNet as this process reads it, loading it on first use; `None` when
/// its files are missing or unreadable.
pub(crate) fn get() -> Option<&'static WordNet> {
    loaded().1.as_ref().ok()
}

/// Whether the citation gate reads words through WordNet in this process,
/// and from where (loads it if it was not yet).
pub fn status() -> WordNetStatus {
    let (dir, wn) = loaded();
    match wn {
        Ok(wn) => WordNetStatus::Loaded {
            dir: dir.clone(),
            words: wn.len(),
        },
        Err(e) => WordNetStatus::Missing {
            dir: dir.clone(),
            reason: e.to_string(),
        },
    }
}
