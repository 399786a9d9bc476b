#![allow(clippy::unwrap_used, clippy::panic)]
//! Rule files: what is checked, and errors that name file, line and field.

mod support;

use clearstone_indicators::{Rule, RuleError};
use support::META;

const COUNT: &str = "
[count]
schema = \"Absence\"
person = \"staff_member\"
date = \"start_date\"
window_days = 90
threshold = 4
";

// issue 18, item 1: a rule carries its metadata.
#[test]
fn a_rule_file_parses_with_its_metadata() {
    let r = Rule::parse(&format!("{META}{COUNT}"), "r.toml").unwrap();
    assert_eq!((r.id.as_str(), r.version), ("test_rule", 1));
    assert_eq!(r.purpose, "workforce_integrity");
    assert_eq!(r.review_date, "2027-01-01");
    assert_eq!(r.condition.kind(), "count");
}

#[test]
fn errors_name_the_file_line_and_field() {
    let text = format!("{META}{}", COUNT.replace("threshold = 4", "threshold = 0"));
    match Rule::parse(&text, "rules/absence.toml") {
        Err(e @ RuleError::Field { .. }) => {
            let line = text
                .lines()
                .position(|l| l.starts_with("threshold"))
                .unwrap()
                + 1;
            assert_eq!(
                e.to_string(),
                format!("rules/absence.toml:{line}: field `count.threshold`: must be at least 1")
            );
        }
        other => panic!("expected a field error, got {other:?}"),
    }
    let text = format!("{}{COUNT}", META.replace("2027-01-01", "next year"));
    let e = Rule::parse(&text, "a.toml").unwrap_err();
    assert!(e.to_string().contains("field `review_date`"), "{e}");
    let e = Rule::parse(&format!("{META}{COUNT}colour = 1\n"), "a.toml").unwrap_err();
    assert_eq!(e.code(), "rule_syntax");
    assert!(e.to_string().starts_with("a.toml:"), "{e}");
    let e = Rule::parse(META, "a.toml").unwrap_err();
    assert!(e.to_string().contains("exactly one of"), "{e}");
}
