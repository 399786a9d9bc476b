//! Registered processing purposes (principle 6) and the checks on them that
//! do not depend on any value: who may use them, and whether they are current.

use std::collections::BTreeSet;

use crate::{DenyReason, PolicyError, Principal};

/// Written in `datasets` or `entity_types`, covers all of them.
pub const COVERS_ALL: &str = "*";

/// A lawful condition for processing special-category data: a DPA 2018
/// Schedule 8 condition (e.g. `safeguarding of children and individuals at
/// risk`) or `consent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SensitiveBasis {
    pub condition: String,
}

/// The uses DPA 2018 s.62(4) allows for the logs of processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditUse {
    VerifyLawfulness,
    SelfMonitoring,
    IntegrityAndSecurity,
    CriminalProceedings,
}

impl AuditUse {
    pub const ALL: [AuditUse; 4] = [
        Self::VerifyLawfulness,
        Self::SelfMonitoring,
        Self::IntegrityAndSecurity,
        Self::CriminalProceedings,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyLawfulness => "verify_lawfulness",
            Self::SelfMonitoring => "self_monitoring",
            Self::IntegrityAndSecurity => "integrity_and_security",
            Self::CriminalProceedings => "criminal_proceedings",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purpose {
    pub id: String,
    pub description: String,
    /// The lawful basis for processing, e.g. `DPA 2018 s.35(2)(b)`.
    pub legal_basis: String,
    /// Set when the purpose may process special-category data.
    pub sensitive: Option<SensitiveBasis>,
    /// Where the appropriate policy document (DPA 2018 s.42) lives.
    pub policy_document: String,
    /// Datasets covered; empty covers none, [`COVERS_ALL`] covers every one.
    pub datasets: BTreeSet<String>,
    /// Entity types covered, with their subtypes; [`COVERS_ALL`] covers every one.
    pub entity_types: BTreeSet<String>,
    /// Roles that may work under this purpose.
    pub roles: BTreeSet<String>,
    /// Set on purposes that may read the access log.
    pub audit_use: Option<AuditUse>,
    /// Date (YYYY-MM-DD) by which the purpose must be reviewed again.
    pub review_date: String,
    /// Date (YYYY-MM-DD) after which the purpose may no longer be used.
    pub expires: String,
    /// Who last reviewed the purpose; an unreviewed purpose cannot be used.
    pub reviewed_by: Option<String>,
}

impl Purpose {
    /// Whether the purpose names a lawful condition for special-category data.
    /// A blank condition names none.
    pub fn allows_sensitive(&self) -> bool {
        self.sensitive
            .as_ref()
            .is_some_and(|s| !s.condition.trim().is_empty())
    }

    /// Checks a purpose before it is registered: it names its legal basis,
    /// its dates are ISO dates, and sensitive processing has a condition and
    /// a policy document (DPA 2018 s.42).
    pub fn validate(&self) -> Result<(), PolicyError> {
        let bad = |message: String| PolicyError::Purpose {
            id: self.id.clone(),
            message,
        };
        if self.id.trim().is_empty() {
            return Err(bad("the id is empty".into()));
        }
        if self.legal_basis.trim().is_empty() {
            return Err(bad("no legal basis".into()));
        }
        for (field, value) in [
            ("review_date", &self.review_date),
            ("expires", &self.expires),
        ] {
            if iso_date(value).is_none() {
                return Err(bad(format!("{field} `{value}` is not a date (YYYY-MM-DD)")));
            }
        }
        if let Some(basis) = &self.sensitive {
            if basis.condition.trim().is_empty() {
                return Err(bad("sensitive processing names no condition".into()));
            }
            if self.policy_document.trim().is_empty() {
                return Err(bad("sensitive processing needs a policy document".into()));
            }
        }
        Ok(())
    }
}

/// Checks that `principal` may work under `purpose` on `today_iso`
/// (YYYY-MM-DD), before any value is asked for. A date that is not a valid
/// ISO date fails the check it belongs to, so a typo cannot keep a purpose
/// alive.
pub fn check_purpose(
    principal: &Principal,
    purpose: &Purpose,
    today_iso: &str,
) -> Result<(), DenyReason> {
    if principal.disabled {
        return Err(DenyReason::Disabled);
    }
    if principal.roles.is_disjoint(&purpose.roles) {
        return Err(DenyReason::PurposeNotForRole);
    }
    let today = iso_date(today_iso).ok_or(DenyReason::PurposeExpired)?;
    match iso_date(&purpose.expires) {
        Some(expires) if expires >= today => {}
        _ => return Err(DenyReason::PurposeExpired),
    }
    match iso_date(&purpose.review_date) {
        Some(review) if review >= today && purpose.reviewed_by.is_some() => Ok(()),
        _ => Err(DenyReason::PurposeUnreviewed),
    }
}

/// Parses YYYY-MM-DD into a comparable (year, month, day).
fn iso_date(s: &str) -> Option<(u16, u8, u8)> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .and_then(|_| s.get(r))
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year: u16 = digits(0..4)?.parse().ok()?;
    let month: u8 = digits(5..7)?.parse().ok()?;
    let day: u8 = digits(8..10)?.parse().ok()?;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then_some((year, month, day))
}

#[cfg(test)]
mod tests {
    use super::iso_date;

    #[test]
    fn parses_only_real_iso_dates() {
        assert_eq!(iso_date("2026-02-28"), Some((2026, 2, 28)));
        assert_eq!(iso_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(iso_date("2026-02-29"), None);
        assert_eq!(iso_date("2026-13-01"), None);
        assert_eq!(iso_date("2026-1-01"), None);
        assert_eq!(iso_date("2026/01/01"), None);
        assert_eq!(iso_date("+026-01-01"), None);
        assert_eq!(iso_date(""), None);
    }
}
