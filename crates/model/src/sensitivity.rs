//! Sensitivity tags carried by every property of the ontology.

use std::fmt;

/// How the law classes a property's values. Special categories are those of
/// UK GDPR art. 9 and DPA 2018 s.35(8); `Offence` is criminal offence data
/// (UK GDPR art. 10), which has its own conditions but is not special category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sensitivity {
    Ordinary,
    Offence,
    Racial,
    Ethnic,
    Political,
    Religious,
    Philosophical,
    TradeUnion,
    Genetic,
    Biometric,
    Health,
    SexLife,
    SexualOrientation,
}

impl Sensitivity {
    pub const ALL: [Sensitivity; 13] = [
        Self::Ordinary,
        Self::Offence,
        Self::Racial,
        Self::Ethnic,
        Self::Political,
        Self::Religious,
        Self::Philosophical,
        Self::TradeUnion,
        Self::Genetic,
        Self::Biometric,
        Self::Health,
        Self::SexLife,
        Self::SexualOrientation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ordinary => "ordinary",
            Self::Offence => "offence",
            Self::Racial => "racial",
            Self::Ethnic => "ethnic",
            Self::Political => "political",
            Self::Religious => "religious",
            Self::Philosophical => "philosophical",
            Self::TradeUnion => "trade_union",
            Self::Genetic => "genetic",
            Self::Biometric => "biometric",
            Self::Health => "health",
            Self::SexLife => "sex_life",
            Self::SexualOrientation => "sexual_orientation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Special-category data: masked unless the purpose names a lawful condition.
    pub fn is_special(self) -> bool {
        !matches!(self, Self::Ordinary | Self::Offence)
    }
}

impl fmt::Display for Sensitivity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_counts_eleven_special_categories() {
        for t in Sensitivity::ALL {
            assert_eq!(Sensitivity::parse(t.as_str()), Some(t));
        }
        assert_eq!(
            Sensitivity::ALL.iter().filter(|t| t.is_special()).count(),
            11
        );
        assert_eq!(Sensitivity::parse("Health"), None);
    }
}
