//! WordNet's `data.*` files, read one synset at a time where the index
//! points (its offsets are byte offsets into them), only for the senses the
//! gate asks about: which lexicographer file a sense is in ("noun.person"),
//! its derivationally related (`+`) and its hypernym (`@`) pointers. Never
//! loaded whole: a sense is read the first time it is asked about and
//! remembered.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::{Pos, SenseId};

/// Senses remembered before the memory is emptied: a bound on what a
/// long-lived process holds, far above the senses one summary meets.
const SYNSETS_CACHED_MAX: usize = 50_000;

/// Longest synset line read: the longest in WordNet 3.0 is some 16 KB
/// ("head"'s hyponyms); anything longer is not WordNet's.
const LINE_MAX: u64 = 64 * 1024;

/// Lexicographer files that name people: `noun.person`, and `noun.group`
/// (a family, a school, a council), as `lexnames(5WN)` numbers them.
pub(crate) const LEX_NOUN_GROUP: u8 = 14;
pub(crate) const LEX_NOUN_PERSON: u8 = 18;

/// Lexicographer files of nouns that name acts and events.
pub(crate) const LEX_NOUN_ACT: u8 = 4;
pub(crate) const LEX_NOUN_EVENT: u8 = 11;

/// Lexicographer files of verbs that say how things stand or seem, not
/// that anything was done: `verb.perception` ("show", "appear") and
/// `verb.stative` ("include", "live", "need").
pub(crate) const LEX_VERB_PERCEPTION: u8 = 39;
pub(crate) const LEX_VERB_STATIVE: u8 = 42;

/// Whether nouns of the lexicographer file `lexname` name what the
/// citation gate's faults change: a person or group, a place, thing, body
/// part, food, substance, animal or plant, a time or a quantity.
pub(crate) fn names_entity(lexname: u8) -> bool {
    matches!(
        lexname,
        5 | 6 | 8 | 13 | 14 | 15 | 17 | 18 | 20 | 23 | 27 | 28
    )
}

/// What the gate reads of one synset.
#[derive(Debug, Default)]
pub(crate) struct Synset {
    /// Its lexicographer file.
    pub(crate) lexname: u8,
    /// Its words, lowercase, as the index spells them.
    pub(crate) words: Vec<String>,
    /// Derivationally related forms (`+`: "arrive" and "arrival"), each a
    /// link between two words: (this synset's word number, the other
    /// synset, its word number), numbered from 1.
    pub(crate) derived: Vec<(u8, SenseId, u8)>,
    /// The synsets it is a kind of (`@`: "car" is a kind of "motor
    /// vehicle").
    pub(crate) hypernyms: Vec<SenseId>,
    /// Antonyms (`!`: "agree" and "disagree"), each a link between two
    /// words, numbered as [`Synset::derived`] is.
    pub(crate) antonyms: Vec<(u8, SenseId, u8)>,
    /// Senses WordNet groups with this one (`$`, a verb group: "stay" and
    /// "remain") or gives as like it (`&`, an adjective's cluster:
    /// "messy" and "untidy").
    pub(crate) similar: Vec<SenseId>,
    /// How many kinds of it WordNet lists (`~`): how broad it is.
    pub(crate) kinds: u16,
}

/// The data files of one WordNet folder and the synsets read so far.
#[derive(Debug, Default)]
pub(crate) struct Data {
    dir: std::path::PathBuf,
    read: Mutex<HashMap<SenseId, Arc<Synset>>>,
}

pub(crate) fn pos_of(sense: SenseId) -> Option<Pos> {
    Pos::ALL
        .into_iter()
        .find(|p| p.sense(0) == sense & 0xff00_0000)
}

fn pos_letter(letter: &str) -> Option<Pos> {
    match letter {
        "n" => Some(Pos::Noun),
        "v" => Some(Pos::Verb),
        "a" | "s" => Some(Pos::Adj),
        "r" => Some(Pos::Adv),
        _ => None,
    }
}

impl Data {
    pub(crate) fn new(dir: &Path) -> Data {
        Data {
            dir: dir.to_path_buf(),
            read: Mutex::new(HashMap::new()),
        }
    }

    /// The synset of `sense`, read from its data file the first time;
    /// `None` when the file or the line cannot be read.
    pub(crate) fn synset(&self, sense: SenseId) -> Option<Arc<Synset>> {
        if let Some(hit) = self.read.lock().ok()?.get(&sense) {
            return Some(Arc::clone(hit));
        }
        let pos = pos_of(sense)?;
        let line = self.line(pos, u64::from(sense & 0x00ff_ffff))?;
        let synset = Arc::new(parse(&line)?);
        let mut read = self.read.lock().ok()?;
        if read.len() >= SYNSETS_CACHED_MAX {
            read.clear();
        }
        read.insert(sense, Arc::clone(&synset));
        Some(synset)
    }

    fn line(&self, pos: Pos, offset: u64) -> Option<String> {
        let path = self.dir.join(format!("data.{}", pos.file()));
        let mut file = std::fs::File::open(path).ok()?;
        file.seek(SeekFrom::Start(offset)).ok()?;
        let mut line = String::new();
        BufReader::new(file.take(LINE_MAX))
            .read_line(&mut line)
            .ok()?;
        // The line at an offset starts with that offset; anything else is
        // not the synset the index named.
        let head = line.split(' ').next()?;
        (head.parse::<u64>().ok()? == offset).then_some(line)
    }
}

/// `offset lex_filenum ss_type w_cnt word lex_id ... p_cnt [ptr ...] ...`,
/// `w_cnt` in hex, each pointer `symbol offset pos source/target`.
fn parse(line: &str) -> Option<Synset> {
    let mut f = line.split(' ');
    let _offset = f.next()?;
    let lexname: u8 = f.next()?.parse().ok()?;
    let _ss_type = f.next()?;
    let count = usize::from_str_radix(f.next()?, 16).ok()?;
    let mut words = Vec::with_capacity(count);
    for _ in 0..count {
        let word = f.next()?;
        // An adjective's syntactic marker: "galore(ip)".
        let word = word.split_once('(').map_or(word, |(w, _)| w);
        words.push(word.to_ascii_lowercase());
        let _lex_id = f.next()?;
    }
    let pointers: usize = f.next()?.parse().ok()?;
    let mut synset = Synset {
        lexname,
        words,
        ..Synset::default()
    };
    for _ in 0..pointers {
        let (symbol, offset, pos, ends) = (f.next()?, f.next()?, f.next()?, f.next()?);
        if symbol == "+" || symbol == "!" {
            let to = pos_letter(pos)?.sense(offset.parse().ok()?);
            let from = u8::from_str_radix(ends.get(..2)?, 16).ok()?;
            let target = u8::from_str_radix(ends.get(2..)?, 16).ok()?;
            let links = if symbol == "+" {
                &mut synset.derived
            } else {
                &mut synset.antonyms
            };
            links.push((from, to, target));
        } else if symbol == "@" {
            synset
                .hypernyms
                .push(pos_letter(pos)?.sense(offset.parse().ok()?));
        } else if symbol == "~" {
            synset.kinds = synset.kinds.saturating_add(1);
        } else if symbol == "$" || symbol == "&" {
            synset
                .similar
                .push(pos_letter(pos)?.sense(offset.parse().ok()?));
        }
    }
    Some(synset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_synset_line_gives_its_file_and_pointers() {
        let line = "01992503 38 v 02 arrive 0 get 0 003 ! 02009433 v 0101 + 00048739 n 0101 @ 01835496 v 0000 01 + 22 00 | reach a destination\n";
        let s = parse(line);
        assert!(s.as_ref().is_some_and(|s| s.lexname == 38));
        assert_eq!(
            s.as_ref().map(|s| s.words.clone()),
            Some(vec!["arrive".to_string(), "get".to_string()])
        );
        assert_eq!(
            s.as_ref().map(|s| s.derived.clone()),
            Some(vec![(1, Pos::Noun.sense(48_739), 1)])
        );
        assert_eq!(
            s.as_ref().map(|s| s.antonyms.clone()),
            Some(vec![(1, Pos::Verb.sense(2_009_433), 1)])
        );
        assert_eq!(
            s.map(|s| s.hypernyms),
            Some(vec![Pos::Verb.sense(1_835_496)])
        );
    }
}
