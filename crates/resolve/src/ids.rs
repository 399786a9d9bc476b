//! Record ids, each held once.

use crate::features::Dictionary;

/// Distinct record ids in the order they were added, named by their
/// position: one text for them all rather than a string each, and an
/// index to refuse an id seen before, dropped with [`Ids::seal`] once no
/// more are coming.
#[derive(Debug, Clone, Default)]
pub struct Ids {
    ids: Dictionary,
    sealed: bool,
}

impl Ids {
    pub fn new() -> Ids {
        Ids::default()
    }

    /// Adds `id` and gives its position; `None` when it is already here,
    /// when there are already [`crate::features::RECORDS_MAX`] ids, and
    /// after [`Ids::seal`].
    pub fn insert(&mut self, id: &str) -> Option<u32> {
        if self.sealed {
            return None;
        }
        match self.ids.intern(id) {
            Some((i, true)) => Some(i),
            _ => None,
        }
    }

    /// The id at `position`; empty past the end.
    pub fn get(&self, position: u32) -> &str {
        self.ids.get(position)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Frees the index that finds ids by their text, which only adding
    /// needs; no id can be added after.
    pub fn seal(&mut self) {
        self.ids.drop_index();
        self.sealed = true;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn ids_are_held_once_and_repeats_refused() {
        let mut ids = Ids::new();
        assert_eq!(ids.insert("a-1"), Some(0));
        assert_eq!(ids.insert("b-2"), Some(1));
        assert_eq!(ids.insert("a-1"), None);
        assert_eq!((ids.get(0), ids.get(1), ids.get(2)), ("a-1", "b-2", ""));
        assert_eq!(ids.len(), 2);
        ids.seal();
        assert_eq!(ids.get(1), "b-2");
        assert_eq!(ids.insert("c-3"), None);
    }
}
