//! Replaying quarantine from a corrected file uploaded on the data page
//! (issue 17, item 5, Data: "the quarantine ... and replay"): a multipart
//! form with the CSRF token, through the gate, one event, and a page of
//! what was released and what still fails, with the reasons.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{Browser, TestServer, ana_request, events, start, working};

const MAPPING: &str = r#"version = 1
[dataset]
name = "hr"
owner = "People Services"
legal_basis = "employment records"
[source]
format = "csv"
path = "more.csv"
[[entities]]
name = "person"
schema = "Person"
keys = ["id"]
[entities.properties]
name = { column = "name" }
"#;

/// Lines 2 and 3 have no key, so both are quarantined.
const MORE: &str = "id,name\n,Dan Brown\n,Eve Green\n7,Fay Hill\n";
/// Line 2 corrected; line 3 still without its key.
const CORRECTED: &str = "id,name\n8,Dan Brown\n,Eve Green\n7,Fay Hill\n";

fn since(server: &TestServer, before: i64, user: &str) -> Vec<clearstone_engine::AccessEvent> {
    events(server)
        .into_iter()
        .filter(|e| e.id > before && e.principal == user)
        .collect()
}

/// Posts a multipart form as the browser, its token in the body: (status, body).
fn upload(b: &Browser, csrf: Option<&str>, dataset: &str, file: &str) -> (u16, String) {
    let boundary = "x-boundary-7MA4YWxkTrZu0gW";
    let token = match csrf {
        Some(t) => {
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{t}\r\n")
        }
        None => String::new(),
    };
    let body = format!(
        "{token}--{boundary}\r\nContent-Disposition: form-data; name=\"dataset\"\r\n\r\n{dataset}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"more.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    let mut req = b
        .client
        .post(format!("{}/data/quarantine/replay", b.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body);
    if let Some(c) = &b.cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

#[test]
fn a_corrected_file_releases_what_now_maps_and_says_why_the_rest_fails() {
    let server = start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("more.csv"), MORE).unwrap();
    std::fs::write(dir.path().join("more.toml"), MAPPING).unwrap();
    server
        .engine
        .session(ana_request("pds"))
        .unwrap()
        .ingest(&dir.path().join("more.toml"), &mut |_| {})
        .unwrap();

    let nobody = Browser::new(&server);
    let (s, _) = upload(&nobody, None, "hr", CORRECTED);
    assert_eq!(s, 303);

    let ana = working(&server, "ana", "pds");
    let csrf = ana.csrf.clone().unwrap();
    let (_, _, html) = ana.send("GET", "/data", None);
    assert!(
        html.contains("action=\"/data/quarantine/replay\"")
            && html.contains(&format!("name=\"csrf\" value=\"{csrf}\""))
            && html.contains("enctype=\"multipart/form-data\""),
        "{html}"
    );

    // Without the token nothing runs; each attempt is one refused event.
    let before = events(&server).first().unwrap().id;
    let (s, _) = upload(&ana, None, "hr", CORRECTED);
    assert_eq!(s, 403);
    let (s, _) = upload(&ana, Some("forged"), "hr", CORRECTED);
    assert_eq!(s, 403);
    let logged = since(&server, before, "ana");
    assert_eq!(logged.len(), 2, "{logged:?}");
    assert!(
        logged.iter().all(|e| e.outcome == "csrf_failed"),
        "{logged:?}"
    );
    let before = events(&server).first().unwrap().id;

    // An empty file is the user's to fix, and one event.
    let (s, html) = upload(&ana, Some(&csrf), "hr", "");
    assert_eq!(s, 422, "{html}");
    assert!(
        html.contains("govuk-error-summary") && html.contains("href=\"#file\""),
        "{html}"
    );
    assert_eq!(since(&server, before, "ana").len(), 1);

    let before = events(&server).first().unwrap().id;
    let (s, html) = upload(&ana, Some(&csrf), "hr", CORRECTED);
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("data-app-released>1 "), "{html}");
    assert!(html.contains("data-app-still-failing>1<"), "{html}");
    assert!(html.contains("Why they are still quarantined"), "{html}");
    let replayed = since(&server, before, "ana");
    assert_eq!(replayed.len(), 1, "{replayed:?}");
    assert_eq!(replayed[0].operation, "collect");
    assert_eq!(replayed[0].outcome, "1 released, 1 still failing");
    let (_, hits) = ana.get("/api/v1/search?q=dan+brown");
    assert_eq!(hits["total"], 1, "{hits}");
}
