//! Value-independent purpose checks: each failure has its own code.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use clearstone_policy::{DenyReason, PolicyError, SensitiveBasis, check_purpose};
use common::*;

const TODAY: &str = "2026-11-20";

#[test]
fn current_reviewed_purpose_for_the_role_passes() {
    assert_eq!(check_purpose(&analyst(), &purpose(), TODAY), Ok(()));
}

#[test]
fn disabled_principal() {
    let mut p = analyst();
    p.disabled = true;
    assert_eq!(
        check_purpose(&p, &purpose(), TODAY),
        Err(DenyReason::Disabled)
    );
}

#[test]
fn purpose_not_for_role() {
    let mut p = analyst();
    p.roles = set(&["social_worker", "reviewer"]);
    assert_eq!(
        check_purpose(&p, &purpose(), TODAY),
        Err(DenyReason::PurposeNotForRole)
    );
    p.roles.insert("analyst".into());
    assert_eq!(check_purpose(&p, &purpose(), TODAY), Ok(()));
}

#[test]
fn expired_purpose() {
    let mut pu = purpose();
    pu.expires = "2026-11-19".into();
    assert_eq!(
        check_purpose(&analyst(), &pu, TODAY),
        Err(DenyReason::PurposeExpired)
    );
    // Usable on its last day.
    pu.expires = TODAY.into();
    assert_eq!(check_purpose(&analyst(), &pu, TODAY), Ok(()));
    // Dates compare as dates, not as any string would.
    pu.expires = "2026-12-01".into();
    assert_eq!(check_purpose(&analyst(), &pu, "2026-11-30"), Ok(()));
}

#[test]
fn overdue_or_never_reviewed_purpose() {
    let mut pu = purpose();
    pu.review_date = "2026-11-19".into();
    assert_eq!(
        check_purpose(&analyst(), &pu, TODAY),
        Err(DenyReason::PurposeUnreviewed)
    );
    let mut pu = purpose();
    pu.reviewed_by = None;
    assert_eq!(
        check_purpose(&analyst(), &pu, TODAY),
        Err(DenyReason::PurposeUnreviewed)
    );
}

#[test]
fn malformed_dates_fail_closed() {
    let mut pu = purpose();
    pu.expires = "30/06/2027".into();
    assert_eq!(
        check_purpose(&analyst(), &pu, TODAY),
        Err(DenyReason::PurposeExpired)
    );
    let mut pu = purpose();
    pu.review_date = "2027-02-30".into();
    assert_eq!(
        check_purpose(&analyst(), &pu, TODAY),
        Err(DenyReason::PurposeUnreviewed)
    );
    assert_eq!(
        check_purpose(&analyst(), &purpose(), "today"),
        Err(DenyReason::PurposeExpired)
    );
}

#[test]
fn checks_come_in_order() {
    let mut p = analyst();
    p.disabled = true;
    p.roles.clear();
    let mut pu = purpose();
    pu.expires = "2000-01-01".into();
    pu.reviewed_by = None;
    assert_eq!(check_purpose(&p, &pu, TODAY), Err(DenyReason::Disabled));
    p.disabled = false;
    assert_eq!(
        check_purpose(&p, &pu, TODAY),
        Err(DenyReason::PurposeNotForRole)
    );
    p.roles = set(&["analyst"]);
    assert_eq!(
        check_purpose(&p, &pu, TODAY),
        Err(DenyReason::PurposeExpired)
    );
}

#[test]
fn validate_names_what_is_missing() {
    assert_eq!(purpose().validate(), Ok(()));
    assert_eq!(with_basis(purpose()).validate(), Ok(()));

    let mut pu = purpose();
    pu.expires = "June".into();
    let err = pu.validate().unwrap_err();
    assert!(matches!(err, PolicyError::Purpose { .. }));
    assert_eq!(
        err.to_string(),
        "invalid purpose `psd-investigation`: expires `June` is not a date (YYYY-MM-DD)"
    );

    let mut pu = purpose();
    pu.legal_basis = " ".into();
    assert!(
        pu.validate()
            .unwrap_err()
            .to_string()
            .contains("no legal basis")
    );

    let mut pu = purpose();
    pu.sensitive = Some(SensitiveBasis {
        condition: String::new(),
    });
    assert!(
        pu.validate()
            .unwrap_err()
            .to_string()
            .contains("no condition")
    );

    let mut pu = with_basis(purpose());
    pu.policy_document.clear();
    assert!(
        pu.validate()
            .unwrap_err()
            .to_string()
            .contains("policy document")
    );
}
