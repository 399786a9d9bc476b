//! Break-glass with a case reference that is not one: the engine's refusal
//! was said beside the justification, so the user was sent to fix a field
//! that was right. It is said beside the case reference, before anything
//! runs, and nothing typed reaches the log.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{Browser, PASSWORD, events, start};

#[test]
fn a_bad_case_reference_is_reported_beside_the_case_reference_field() {
    let server = start();
    let mut ana = Browser::new(&server);
    assert_eq!(ana.sign_in("ana", PASSWORD).0, 200);
    let form = [
        ("csrf", ana.csrf.clone().unwrap()),
        ("purpose", "pds".to_string()),
        ("reason", "safeguarding".to_string()),
        (
            "justification",
            "a child reported missing tonight, duty inspector agreed".to_string(),
        ),
        ("minutes", "30".to_string()),
        ("case_ref", "Jane Doe missing from home".to_string()),
    ];
    let mut req = ana
        .client
        .post(format!("{}/break-glass", ana.base))
        .form(&form);
    if let Some(c) = &ana.cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let html = res.text().unwrap();
    assert!(
        html.contains("href=\"#case_ref\"") && html.contains("id=\"case_ref-error\""),
        "{html}"
    );
    assert!(!html.contains("href=\"#justification\""), "{html}");
    for e in events(&server) {
        assert!(!format!("{e:?}").contains("Jane"), "{e:?}");
    }
}
