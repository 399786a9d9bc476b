//! Given-name equivalences: Bill for William, Peggy for Margaret, Siobhan for
//! Joan. Resolution treats a match here as evidence that two records may
//! name one person; the demo data generator uses it to vary names
//! realistically.

mod table;

use std::collections::HashMap;
use std::sync::LazyLock;

use table::GROUPS;

use crate::fold::fold;

/// One group of names used for one another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId(u16);

impl GroupId {
    /// The names in the group, the formal name first, folded.
    pub fn members(self) -> &'static [&'static str] {
        GROUPS.get(usize::from(self.0)).copied().unwrap_or_default()
    }

    /// The formal name the group is built around ("william").
    pub fn canonical(self) -> &'static str {
        self.members().first().copied().unwrap_or_default()
    }
}

/// Every folded name in the table, with the groups holding it.
static INDEX: LazyLock<HashMap<&'static str, Vec<GroupId>>> = LazyLock::new(|| {
    let mut index: HashMap<&'static str, Vec<GroupId>> = HashMap::new();
    for (i, group) in GROUPS.iter().enumerate() {
        // The table is a few hundred groups, far below u16::MAX.
        let id = GroupId(u16::try_from(i).unwrap_or(u16::MAX));
        for &name in *group {
            let groups = index.entry(name).or_default();
            if !groups.contains(&id) {
                groups.push(id);
            }
        }
    }
    index
});

/// The groups holding `name`, in table order; empty for a name the table
/// does not know. Case and accents do not matter.
pub fn groups_of(name: &str) -> &'static [GroupId] {
    INDEX.get(fold(name).as_str()).map_or(&[], Vec::as_slice)
}

/// The formal names `name` may stand for: "Bill" gives "william"; "Sam"
/// gives "samuel" and "samantha".
pub fn canonical_forms(name: &str) -> impl Iterator<Item = &'static str> {
    groups_of(name).iter().map(|g| g.canonical())
}

/// Whether two given names may be one person's: the same name once folded,
/// or both in one group ("Bill" and "Liam" yes; "Samuel" and "Samantha" no,
/// though both are "Sam").
pub fn are_nicknames(a: &str, b: &str) -> bool {
    let (a, b) = (fold(a), fold(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let Some(groups) = INDEX.get(a.as_str()) else {
        return false;
    };
    groups.iter().any(|g| g.members().contains(&b.as_str()))
}

/// The other names `name` goes by, from every group holding it, each once
/// and in table order; empty for a name the table does not know.
pub fn variants(name: &str) -> Vec<&'static str> {
    let folded = fold(name);
    let mut out: Vec<&'static str> = Vec::new();
    for group in INDEX.get(folded.as_str()).into_iter().flatten() {
        for &member in group.members() {
            if member != folded && !out.contains(&member) {
                out.push(member);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_large_and_folded() {
        assert!(GROUPS.len() >= 150, "{} groups", GROUPS.len());
        for group in GROUPS {
            assert!(group.len() >= 2, "{group:?} has one name");
            for (i, name) in group.iter().enumerate() {
                assert_eq!(fold(name), *name, "{name:?} in {group:?} is not folded");
                assert!(!group[..i].contains(name), "{name:?} twice in {group:?}");
            }
        }
    }

    #[test]
    fn the_brief_examples_hold() {
        for group in [
            &["William", "Will", "Bill", "Billy", "Liam"][..],
            &["Robert", "Rob", "Bob", "Bobby", "Robbie"],
            &["Margaret", "Maggie", "Peggy", "Meg"],
            &["Elizabeth", "Liz", "Beth", "Betty", "Lizzie", "Eliza"],
            &["Catherine", "Katherine", "Kate", "Kath", "Katie", "Cathy"],
            &["James", "Jim", "Jimmy", "Jamie"],
            &["Alexander", "Alex", "Sandy", "Alec"],
            &["Edward", "Ed", "Eddie", "Ted", "Ned"],
            &["Richard", "Rick", "Dick", "Richie"],
            &["John", "Jack", "Johnny"],
            &["Jonathan", "Jon", "Jonny"],
            &["Christopher", "Chris", "Kit"],
            &["Michael", "Mike", "Mick", "Mikey"],
            &["Rebecca", "Becky", "Becca"],
            &["Victoria", "Vicky", "Tori"],
        ] {
            for a in group {
                for b in group {
                    assert!(are_nicknames(a, b), "{a} and {b}");
                }
            }
        }
        assert!(are_nicknames("Anthony", "Tony"));
        assert!(are_nicknames("Patricia", "Trish"));
        assert!(are_nicknames("Susan", "Suzy"));
        assert!(are_nicknames("Thomas", "Tommy"));
        assert!(are_nicknames("Daniel", "Danny"));
        assert!(are_nicknames("Samuel", "Sam"));
        assert!(are_nicknames("Samantha", "Sam"));
    }

    #[test]
    fn celtic_forms_match_their_english_names() {
        assert!(are_nicknames("Siobhán", "Joan"));
        assert!(are_nicknames("Dai", "David"));
        assert!(are_nicknames("Dafydd", "Dave"));
        assert!(are_nicknames("Iain", "John"));
        assert!(are_nicknames("Seán", "John"));
        assert!(are_nicknames("Siân", "Jane"));
        assert!(are_nicknames("Hamish", "James"));
        assert!(!are_nicknames("Sean", "Ian"));
    }

    #[test]
    fn shared_nicknames_do_not_join_their_formal_names() {
        assert!(!are_nicknames("Samuel", "Samantha"));
        assert!(!are_nicknames("Christopher", "Christine"));
        assert!(!are_nicknames("Alexander", "Alexandra"));
        assert!(!are_nicknames("Joseph", "Joanne"));
        assert!(!are_nicknames("William", "Robert"));
    }

    #[test]
    fn comparison_ignores_case_accents_and_space() {
        assert!(are_nicknames(" BILL ", "william"));
        assert!(are_nicknames("Zoë", "zoe"));
        assert!(!are_nicknames("", ""));
        assert!(!are_nicknames("Xyzzy", "Plugh"));
    }

    #[test]
    fn ambiguous_names_have_several_groups() {
        let forms: Vec<_> = canonical_forms("Sam").collect();
        assert_eq!(forms, ["samuel", "samantha"]);
        assert!(groups_of("Jo").len() >= 3);
        assert_eq!(canonical_forms("Bill").collect::<Vec<_>>(), ["william"]);
        assert!(groups_of("Xyzzy").is_empty());
        let id = groups_of("Liam")[0];
        assert_eq!(id.canonical(), "william");
        assert!(id.members().contains(&"bill"));
    }

    #[test]
    fn variants_list_every_other_name_once() {
        let v = variants("Sam");
        assert!(v.contains(&"samuel"));
        assert!(v.contains(&"samantha"));
        assert!(!v.contains(&"sam"));
        assert_eq!(v.iter().filter(|n| **n == "sammy").count(), 1);
        assert!(variants("Margaret").contains(&"peggy"));
        assert!(variants("Xyzzy").is_empty());
    }
}
