//! Adding a purpose to the register from a form: every field a data
//! protection officer fills in is checked on its own, so a form can say
//! which one is wrong, and the same checks refuse it in the engine.

use clearstone_model::Timestamp;
use clearstone_policy::Purpose;
use clearstone_store::{Register, Store};

use crate::registers::{REGISTER_ID_CHARS_MAX, is_register_id};
use crate::{EngineError, Operation, Session};

/// One field of a purpose that cannot be registered, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurposeProblem {
    /// `id`, `description`, `legal_basis`, `condition`, `policy_document`,
    /// `datasets`, `roles`, `review_date` or `expires`.
    pub field: &'static str,
    pub message: String,
}

/// Whether `s` is a calendar date written YYYY-MM-DD.
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> { s.get(r)?.parse().ok() };
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return false;
    }
    if !s
        .chars()
        .enumerate()
        .all(|(i, c)| matches!(i, 4 | 7) || c.is_ascii_digit())
    {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// What is wrong with `p` as a new purpose on `today` (YYYY-MM-DD), each
/// problem on the field it belongs to; empty when it can be registered
/// (short of an id already in use, which only the register knows).
pub fn purpose_problems(p: &Purpose, today: &str) -> Vec<PurposeProblem> {
    let mut out = Vec::new();
    let mut bad =
        |field: &'static str, message: String| out.push(PurposeProblem { field, message });
    if !is_register_id(&p.id) {
        bad(
            "id",
            format!(
                "enter an id of 1 to {REGISTER_ID_CHARS_MAX} letters, digits, `-`, `_`, `.` or `@`"
            ),
        );
    }
    if p.description.trim().is_empty() {
        bad(
            "description",
            "enter a title that says what the purpose is for".into(),
        );
    }
    if p.legal_basis.trim().is_empty() {
        bad(
            "legal_basis",
            "enter the lawful basis, such as `DPA 2018 s.35(2)(b)`".into(),
        );
    }
    if let Some(s) = &p.sensitive {
        if s.condition.trim().is_empty() {
            bad(
                "condition",
                "enter the Schedule 1 or Schedule 8 condition that allows special-category data"
                    .into(),
            );
        }
        if p.policy_document.trim().is_empty() {
            bad(
                "policy_document",
                "enter where the appropriate policy document is (DPA 2018 s.42)".into(),
            );
        }
    }
    if p.datasets.is_empty() {
        bad(
            "datasets",
            "enter the datasets it covers, or `*` for every dataset".into(),
        );
    }
    if p.roles.is_empty() {
        bad(
            "roles",
            "enter at least one role that may work under it".into(),
        );
    }
    for (field, value, what) in [
        ("review_date", &p.review_date, "review date"),
        ("expires", &p.expires, "expiry date"),
    ] {
        if !is_iso_date(value.trim()) {
            bad(field, format!("enter the {what} as YYYY-MM-DD"));
        } else if value.trim() < today {
            bad(field, format!("the {what} must be today or later"));
        }
    }
    out
}

impl Session<'_> {
    /// Registers a new purpose, reviewed by this session's principal: one
    /// event, allowed or refused. A purpose already registered is refused
    /// (its review and expiry have their own acts), as is one with any of
    /// the problems [`purpose_problems`] finds.
    pub fn add_purpose(&self, p: &Purpose) -> Result<Purpose, EngineError> {
        self.logged(
            Operation::Administer,
            &self.registered_query("add purpose", Register::Purpose, &p.id),
            &[],
            || {
                self.require_action(clearstone_policy::Action::Administer, "add purposes")?;
                let now = Timestamp::now().to_string();
                if let Some(first) = purpose_problems(p, now.get(..10).unwrap_or(&now)).first() {
                    return Err(EngineError::InvalidInput(first.message.clone()));
                }
                if self
                    .engine
                    .store()?
                    .document(Register::Purpose, &p.id)?
                    .is_some()
                {
                    return Err(EngineError::InvalidInput(format!(
                        "a purpose `{}` is already registered: review or expire it instead",
                        p.id
                    )));
                }
                let mut added = p.clone();
                added.review_date = p.review_date.trim().to_string();
                added.expires = p.expires.trim().to_string();
                added.reviewed_by = Some(self.principal.id.clone());
                self.put_purpose(&added)?;
                Ok(added)
            },
        )
    }
}
