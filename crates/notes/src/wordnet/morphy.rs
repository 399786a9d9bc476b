//! WordNet's morphy: a word's base forms in one part of speech, from the
//! exception lists ("went" is "go", "children" is "child") and then the
//! detachment rules of `morphy(7WN)`, each kept only when the index has it.

use super::{SenseId, WordNet};

/// A part of speech, as WordNet's files name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pos {
    Noun = 0,
    Verb = 1,
    Adj = 2,
    Adv = 3,
}

impl Pos {
    pub(crate) const ALL: [Pos; 4] = [Pos::Noun, Pos::Verb, Pos::Adj, Pos::Adv];

    /// The name its files end or begin with.
    pub(crate) fn file(self) -> &'static str {
        match self {
            Pos::Noun => "noun",
            Pos::Verb => "verb",
            Pos::Adj => "adj",
            Pos::Adv => "adv",
        }
    }

    /// A synset of this part of speech: offsets are below 2^24 (the largest
    /// data file is some 15 MB), so the part of speech fits above them.
    pub(crate) fn sense(self, offset: u32) -> SenseId {
        ((self as u32) << 24) | (offset & 0x00ff_ffff)
    }

    /// Suffix and its replacement, in morphy's order.
    fn rules(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Pos::Noun => &[
                ("s", ""),
                ("ses", "s"),
                ("xes", "x"),
                ("zes", "z"),
                ("ches", "ch"),
                ("shes", "sh"),
                ("men", "man"),
                ("ies", "y"),
            ],
            Pos::Verb => &[
                ("s", ""),
                ("ies", "y"),
                ("es", "e"),
                ("es", ""),
                ("ed", "e"),
                ("ed", ""),
                ("ing", "e"),
                ("ing", ""),
            ],
            Pos::Adj => &[("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
            Pos::Adv => &[],
        }
    }
}

impl WordNet {
    /// The base forms of `word` (lowercase, words of a collocation joined
    /// by `_`) as a `pos`: its exceptions, the word itself when it is a
    /// lemma, and each detachment the index knows. A collocation's last
    /// word is the one inflected ("living_rooms").
    pub(crate) fn morphy(&self, word: &str, pos: Pos) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |w: String| {
            if !out.contains(&w) {
                out.push(w);
            }
        };
        if let Some(bases) = self.exceptions.get(word) {
            for (p, base) in bases {
                if *p == pos {
                    add(base.to_string());
                }
            }
        }
        if self.is_lemma(word, pos) {
            add(word.to_string());
        }
        // Noun rules do not apply to a word ending in "ss" ("address").
        if pos == Pos::Noun && word.ends_with("ss") {
            return out;
        }
        // One buffer for every candidate: most are not lemmas, and the gate
        // asks this of every word it does not find as written.
        let mut base = String::with_capacity(word.len() + 2);
        for (suffix, ending) in pos.rules() {
            if let Some(stem) = word.strip_suffix(suffix)
                && !stem.is_empty()
                && !stem.ends_with('_')
            {
                base.clear();
                base.push_str(stem);
                base.push_str(ending);
                if self.is_lemma(&base, pos) {
                    add(base.clone());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> WordNet {
        let mut wn = WordNet::default();
        let nouns = "child n 1 0 1 0 00000001\nroom n 1 0 1 0 00000002\nliving_room n 1 0 1 0 00000003\naddress n 1 0 1 0 00000004\n";
        let verbs = "go v 1 0 1 0 00000005\nstop v 1 0 1 0 00000006\nhope v 1 0 1 0 00000007\n";
        assert!(wn.read_index(Pos::Noun, nouns).is_ok());
        assert!(wn.read_index(Pos::Verb, verbs).is_ok());
        wn.exceptions
            .insert("went".into(), vec![(Pos::Verb, "go".into())]);
        wn.exceptions
            .insert("children".into(), vec![(Pos::Noun, "child".into())]);
        wn
    }

    #[test]
    fn exceptions_then_detachment() {
        let wn = tiny();
        assert_eq!(wn.morphy("went", Pos::Verb), ["go"]);
        assert_eq!(wn.morphy("children", Pos::Noun), ["child"]);
        assert_eq!(wn.morphy("rooms", Pos::Noun), ["room"]);
        assert_eq!(wn.morphy("hoped", Pos::Verb), ["hope"]);
        assert_eq!(wn.morphy("living_rooms", Pos::Noun), ["living_room"]);
        // "address" is not the plural of "addres".
        assert_eq!(wn.morphy("address", Pos::Noun), ["address"]);
        assert!(wn.morphy("went", Pos::Noun).is_empty());
    }

    #[test]
    fn a_sense_keeps_its_part_of_speech() {
        assert_ne!(Pos::Noun.sense(5), Pos::Verb.sense(5));
    }
}
