//! Protective markings on statements: a classification and handling caveats.
//!
//! Markings are mandatory access controls, like security classifications: a
//! user must hold the classification and every caveat to see a value.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use crate::ModelError;

/// Government Security Classifications, ordered from least to most protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Classification {
    #[default]
    Official,
    OfficialSensitive,
    Secret,
    TopSecret,
}

impl Classification {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Official => "OFFICIAL",
            Self::OfficialSensitive => "OFFICIAL-SENSITIVE",
            Self::Secret => "SECRET",
            Self::TopSecret => "TOP-SECRET",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Official,
            Self::OfficialSensitive,
            Self::Secret,
            Self::TopSecret,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// Text form: `OFFICIAL-SENSITIVE` or `OFFICIAL-SENSITIVE:HR,PERSONAL`
/// (caveats sorted, so equal markings have one spelling).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Markings {
    pub classification: Classification,
    pub caveats: BTreeSet<String>,
}

impl Markings {
    /// Whether holding `clearance` and `caveats` is enough to see a value so marked.
    pub fn permits(&self, clearance: Classification, caveats: &BTreeSet<String>) -> bool {
        self.classification <= clearance && self.caveats.is_subset(caveats)
    }
}

impl FromStr for Markings {
    type Err = ModelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| ModelError::Markings(format!("`{s}`: {why}"));
        let (class, caveats) = match s.split_once(':') {
            Some((c, rest)) => (c, rest),
            None => (s, ""),
        };
        let classification = Classification::parse(class.trim()).ok_or_else(|| {
            bad("unknown classification (OFFICIAL, OFFICIAL-SENSITIVE, SECRET, TOP-SECRET)")
        })?;
        let mut set = BTreeSet::new();
        for c in caveats.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let ok = c
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
            if !ok {
                return Err(bad("caveats are upper-case letters, digits, `-` and `_`"));
            }
            set.insert(c.to_string());
        }
        Ok(Self {
            classification,
            caveats: set,
        })
    }
}

impl fmt::Display for Markings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.classification.as_str())?;
        for (i, c) in self.caveats.iter().enumerate() {
            f.write_str(if i == 0 { ":" } else { "," })?;
            f.write_str(c)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_one_spelling() {
        let m: Markings = "OFFICIAL-SENSITIVE:PERSONAL,HR".parse().unwrap();
        assert_eq!(m.to_string(), "OFFICIAL-SENSITIVE:HR,PERSONAL");
        assert_eq!("OFFICIAL".parse::<Markings>().unwrap(), Markings::default());
        assert!("RESTRICTED".parse::<Markings>().is_err());
        assert!("OFFICIAL:hr".parse::<Markings>().is_err());
    }

    #[test]
    fn permits_needs_clearance_and_every_caveat() {
        let m: Markings = "OFFICIAL-SENSITIVE:HR".parse().unwrap();
        let hr: BTreeSet<String> = ["HR".to_string()].into();
        assert!(m.permits(Classification::Secret, &hr));
        assert!(!m.permits(Classification::Official, &hr));
        assert!(!m.permits(Classification::Secret, &BTreeSet::new()));
    }
}
