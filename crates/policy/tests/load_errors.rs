//! Policy files that must not load, and errors that say where and why.
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_policy::{DEFAULT_POLICIES, PolicyError, PolicySet};

fn problems(text: &str, file: &str) -> (String, Vec<clearstone_policy::Problem>) {
    match PolicySet::load(text, file) {
        Ok(_) => panic!("`{file}` loaded"),
        Err(e @ PolicyError::Invalid { .. }) => {
            let shown = e.to_string();
            let PolicyError::Invalid {
                file: named,
                problems,
            } = e
            else {
                unreachable!()
            };
            assert_eq!(named, file);
            (shown, problems)
        }
        Err(e) => panic!("wrong error: {e}"),
    }
}

#[test]
fn default_policies_load_and_hash_stably() {
    let p = PolicySet::default_policies().unwrap();
    assert_eq!(p.text(), DEFAULT_POLICIES);
    assert_eq!(p.file_name(), "default.cedar");
    assert_eq!(p.sha256().len(), 64);
    assert!(
        p.sha256()
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    let again = PolicySet::load(DEFAULT_POLICIES, "copy.cedar").unwrap();
    assert_eq!(again.sha256(), p.sha256());
    let edited = PolicySet::load(&format!("{DEFAULT_POLICIES}\n// edited\n"), "x").unwrap();
    assert_ne!(edited.sha256(), p.sha256());
    // Known answer: SHA-256 of the empty string.
    assert_eq!(
        PolicySet::load("", "empty.cedar").unwrap().sha256(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn unknown_attribute_names_file_policy_and_line() {
    let text = "// header\n\n@id(\"unit_only\")\npermit (principal, action == Action::\"view\", resource)\nwhen { principal.department == \"PSD\" };\n";
    let (shown, problems) = problems(text, "force.cedar");
    assert!(
        shown.starts_with("invalid policies in `force.cedar`: "),
        "{shown}"
    );
    assert!(!shown.contains('\n'), "{shown}");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].policy.as_deref(), Some("unit_only"));
    assert_eq!(problems[0].line, Some(5), "{shown}");
    assert!(shown.contains("department"), "{shown}");
    assert_eq!(
        shown,
        "invalid policies in `force.cedar`: line 5: policy `unit_only`: \
         attribute `department` on entity type `User` not found"
    );
}

#[test]
fn unknown_action_is_named() {
    let text = "permit (principal, action == Action::\"delete\", resource);";
    let (shown, problems) = problems(text, "bad.cedar");
    assert_eq!(problems[0].line, Some(1), "{shown}");
    assert!(shown.contains("delete"), "{shown}");
    assert!(shown.contains("`bad.cedar`"), "{shown}");
}

#[test]
fn parse_errors_are_placed() {
    let text = "permit (principal, action, resource);\n\nforbid (principal, action resource);\n";
    let (shown, problems) = problems(text, "typo.cedar");
    assert_eq!(problems[0].line, Some(3), "{shown}");
}

#[test]
fn type_errors_are_reported() {
    // Classification is a number; comparing it with a string is a type error
    // that strict validation must catch before it fails at run time.
    let text = "@id(\"m\")\n@reason(\"markings\")\nforbid (principal, action, resource)\nwhen { context.classification == \"SECRET\" };\n";
    let (shown, problems) = problems(text, "types.cedar");
    assert_eq!(problems[0].policy.as_deref(), Some("m"), "{shown}");
}

#[test]
fn annotations_are_checked() {
    let text = "@id(\"a\")\n@reason(\"because\")\nforbid (principal, action, resource);\n\n@id(\"b\")\n@reason(\"markings\")\npermit (principal, action, resource);\n\n@id(\"c\")\n@reason(\"markings\")\n@mask(\"x\")\nforbid (principal, action, resource);\n";
    let (shown, problems) = problems(text, "notes.cedar");
    let found: Vec<(Option<&str>, Option<usize>)> = problems
        .iter()
        .map(|p| (p.policy.as_deref(), p.line))
        .collect();
    assert_eq!(
        found,
        [
            (Some("a"), Some(1)),
            (Some("b"), Some(5)),
            (Some("c"), Some(9))
        ],
        "{shown}"
    );
    assert!(shown.contains("unknown @reason `because`"), "{shown}");
}

#[test]
fn duplicate_ids_and_templates_are_refused() {
    let text = "@id(\"x\")\npermit (principal, action, resource);\n@id(\"x\")\nforbid (principal, action, resource);\n";
    let (shown, _) = problems(text, "dup.cedar");
    assert!(shown.contains("`x`"), "{shown}");
    let text = "permit (principal == ?principal, action, resource);";
    let (shown, problems) = problems(text, "slot.cedar");
    assert!(shown.contains("templates"), "{shown}");
    assert_eq!(problems[0].line, Some(1), "{shown}");
}
