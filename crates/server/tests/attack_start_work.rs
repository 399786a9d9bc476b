//! Starting work with a case reference that is free text: the reference
//! goes into every event of the work as it is, so the start page and the
//! API refuse it (naming the field) and the log keeps nothing of it.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use serde_json::json;
use support::{Browser, PASSWORD, events, start};

#[test]
fn a_case_reference_that_is_free_text_is_refused_on_the_page_and_the_api() {
    let server = start();
    let mut ana = Browser::new(&server);
    assert_eq!(ana.sign_in("ana", PASSWORD).0, 200);
    let typed = "Jane Doe assault at 12 High Street";
    let (s, body) = ana.post(
        "/api/v1/work",
        &json!({"purpose": "pds", "reason": "investigation",
                "justification": "checking the api", "case_ref": typed}),
    );
    assert_eq!(s, 400, "{body}");
    assert_eq!(body["code"], "invalid_input", "{body}");

    let form = [
        ("csrf", ana.csrf.clone().unwrap()),
        ("purpose", "pds".to_string()),
        ("reason", "investigation".to_string()),
        ("justification", "checking the complaint file".to_string()),
        ("case_ref", typed.to_string()),
    ];
    let mut req = ana.client.post(format!("{}/start", ana.base)).form(&form);
    if let Some(c) = &ana.cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let html = res.text().unwrap();
    assert!(html.contains("href=\"#case_ref\""), "{html}");

    for e in events(&server) {
        assert!(!format!("{e:?}").contains("Jane"), "{e:?}");
    }
}
