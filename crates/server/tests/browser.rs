//! The pages in a real headless Chromium (issue 17, browser tests): the
//! server runs on an ephemeral port over a small generated demo store, and
//! `browser/driver.mjs` signs in, starts work, searches, opens a dossier and
//! reveals a value, decides a match, expands the link chart, exports it,
//! reads the user's own record of access, reviews an alert, works a case
//! and reads the fairness report, as an overseer, asks the log and
//! verifies it, and, as a data steward, replays quarantine from a file and
//! sends the form that adds a purpose with its errors, with the mouse and with the keyboard only, running
//! axe-core (WCAG 2.2 AA) on every page. Screenshots go to
//! `<target>/browser-artifacts/`.
//!
//! Needs Chromium and the pinned node packages; without them it fails and
//! says how to install them (`.ci/run` does both).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use clearstone_engine::policy::{AuditUse, Principal, PrincipalKind, Purpose, SensitiveBasis};
use clearstone_engine::{ADMIN_PURPOSE, Classification, Engine, ResolveOptions, SessionRequest};
use clearstone_server::{AppState, Timeouts};

const USER: &str = "web-analyst";
const OVERSEER: &str = "web-overseer";
/// Loads data and administers the registers: the quarantine replay and the
/// form that adds a purpose are theirs.
const STEWARD: &str = "web-steward";
const STEWARD_PURPOSE: &str = "data-stewardship";
const PASSWORD: &str = "correct horse battery staple";
const CONDITION: &str = "DPA 2018 sch. 8 para 1 (statutory purposes), test";
const REVIEW_PURPOSE: &str = "psd-review";
const CASE: &str = "PSD-2026-0114";

fn principal(id: &str, roles: &[&str]) -> Principal {
    Principal {
        id: id.into(),
        display_name: id.into(),
        kind: PrincipalKind::User,
        roles: roles.iter().map(|r| r.to_string()).collect(),
        unit: None,
        clearance: Classification::Secret,
        caveats: ["HR", "PSD", "PERSONAL", "INTELLIGENCE"]
            .iter()
            .map(|c| c.to_string())
            .collect(),
        attributes: Default::default(),
        disabled: false,
    }
}

fn purpose(id: &str, roles: &[&str], condition: &str) -> Purpose {
    Purpose {
        id: id.into(),
        description: "Exploring the fictional Northshire data".into(),
        legal_basis: "DPA 2018 Part 3 s.31 (test); fictional data".into(),
        sensitive: Some(SensitiveBasis {
            condition: condition.into(),
        }),
        policy_document: "test".into(),
        datasets: ["*".to_string()].into(),
        entity_types: ["*".to_string()].into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        audit_use: None,
        review_date: "2099-06-30".into(),
        expires: "2099-12-31".into(),
        reviewed_by: Some("test-dpo".into()),
    }
}

/// A small demo store: generated, loaded and resolved through sessions, a
/// search that finds a person whose dossier has a masked value, and a
/// dataset with quarantined rows with its source file, to replay from.
fn demo_store(dir: &Path) -> (Engine, String, (String, PathBuf)) {
    let engine = Engine::init(dir, None).expect("init");
    engine.bootstrap_admin("test-admin").expect("admin");
    let admin = engine
        .session(SessionRequest {
            principal: "test-admin".into(),
            purpose: ADMIN_PURPOSE.into(),
            justification: "registering the test users and purposes".into(),
            ..SessionRequest::default()
        })
        .expect("admin session");
    admin
        .put_user(&principal("test-loader", &["data_engineer"]))
        .expect("loader");
    admin
        .put_user(&principal(USER, &["analyst"]))
        .expect("analyst");
    admin
        .put_purpose(&purpose("test-load", &["data_engineer"], CONDITION))
        .expect("load purpose");
    admin
        .put_purpose(&purpose("demo", &["analyst"], CONDITION))
        .expect("purpose");
    admin
        .put_user(&principal(OVERSEER, &["overseer"]))
        .expect("overseer");
    admin
        .put_purpose(&Purpose {
            sensitive: None,
            datasets: Default::default(),
            entity_types: Default::default(),
            audit_use: Some(AuditUse::VerifyLawfulness),
            ..purpose("oversight", &["overseer"], CONDITION)
        })
        .expect("oversight purpose");
    admin
        .put_user(&principal(
            STEWARD,
            &["data_engineer", "data_protection_officer"],
        ))
        .expect("steward");
    admin
        .put_purpose(&Purpose {
            audit_use: Some(AuditUse::VerifyLawfulness),
            ..purpose(
                STEWARD_PURPOSE,
                &["data_engineer", "data_protection_officer"],
                CONDITION,
            )
        })
        .expect("stewardship purpose");
    for user in [USER, OVERSEER, STEWARD] {
        admin.set_password(user, PASSWORD).expect("password");
    }
    // Reviewing alerts and working cases, and equality monitoring: the
    // alert, case and fairness pages (issue 18).
    admin
        .put_purpose(&Purpose {
            audit_use: Some(AuditUse::VerifyLawfulness),
            ..purpose(REVIEW_PURPOSE, &["analyst"], CONDITION)
        })
        .expect("review purpose");
    admin
        .put_purpose(&purpose(
            clearstone_engine::EQUALITY_PURPOSE,
            &["analyst"],
            "DPA 2018 sch. 1 para 8 (equality of opportunity or treatment), test",
        ))
        .expect("equality purpose");
    drop(admin);
    let generated = clearstone_demo::generate(
        &clearstone_demo::Options {
            seed: 7,
            people: 300,
        },
        &dir.join("sources"),
    )
    .expect("generate");
    let loader = engine
        .session(SessionRequest {
            principal: "test-loader".into(),
            purpose: "test-load".into(),
            justification: "loading the browser test's demo data".into(),
            ..SessionRequest::default()
        })
        .expect("loader session");
    for m in &generated.mappings {
        loader.ingest(m, &mut |_| {}).expect("ingest");
    }
    let (quarantined, _) = loader.quarantine(None, 1).expect("quarantine");
    let replay = quarantined
        .first()
        .map(|q| {
            let mapping_dir = Path::new(&q.mapping).parent().unwrap_or(Path::new("."));
            (q.dataset.clone(), mapping_dir.join(&q.source))
        })
        .expect("the demo data quarantines some rows");
    loader
        .resolve(&ResolveOptions {
            schema: "Person".into(),
            ..ResolveOptions::default()
        })
        .expect("resolve");
    drop(loader);
    let query = masked_person(&engine).expect("a person with a masked value");
    alert_and_case(&engine, dir);
    (engine, query, replay)
}

/// An indicator alert on a member of staff, as a rule run stores it, and a
/// case that holds it, for the alert and case pages.
fn alert_and_case(engine: &Engine, dir: &Path) {
    let db = rusqlite::Connection::open(dir.join("clearstone.db")).expect("store");
    // A member of staff the demo holds: an alert about a person no one may
    // see is no alert.
    let staff: String = db
        .query_row(
            "SELECT entity_id FROM record WHERE entity_id LIKE 'hr:staff:%' ORDER BY entity_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a member of staff");
    let evidence = format!(
        r#"[{{"record":"{staff}","statements":[],"condition":"a distinct Absence record dated 2026-01-20, one of 4 within the 90 days from 2026-01-05 (threshold 4)"}}]"#
    );
    db.execute(
        "INSERT INTO alert(at, kind, principal, subject, detail, status, rule_id, rule_version, person, evidence, fingerprint)
         VALUES (?1, 'indicator', 'svc-indicators', '', 'Repeated short absences', 'new', 'repeated_absence', 2, ?2, ?3, 'browser-1')",
        rusqlite::params![clearstone_engine::Timestamp::now().0, staff, evidence],
    )
    .expect("alert");
    let alert = db.last_insert_rowid();
    let s = engine
        .session(SessionRequest {
            principal: USER.into(),
            purpose: REVIEW_PURPOSE.into(),
            justification: "opening the browser test's case".into(),
            ..SessionRequest::default()
        })
        .expect("review session");
    s.create_case(Some(CASE), "Attendance pattern assessment")
        .expect("case");
    s.case_link(CASE, "alert", &alert.to_string())
        .expect("case link");
}

/// The name of someone whose top search hit has a masked value to reveal.
fn masked_person(engine: &Engine) -> Option<String> {
    let s = engine
        .session(SessionRequest {
            principal: USER.into(),
            purpose: "demo".into(),
            justification: "choosing the browser test's example".into(),
            ..SessionRequest::default()
        })
        .ok()?;
    let hits = s
        .search("type:person", clearstone_engine::SearchPage::first(100))
        .ok()?;
    for hit in hits.hits {
        let Ok(d) = s.dossier(&hit.canonical) else {
            continue;
        };
        if !d.properties.values().flatten().any(|v| v.masked) {
            continue;
        }
        let name = d
            .properties
            .get("name")?
            .iter()
            .find(|v| !v.masked)?
            .value
            .clone();
        let top = s
            .search(
                &format!("\"{name}\""),
                clearstone_engine::SearchPage::first(1),
            )
            .ok()?;
        if top
            .hits
            .first()
            .is_some_and(|h| h.canonical == hit.canonical)
        {
            return Some(name);
        }
    }
    None
}

fn chromium() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Ok(PathBuf::from(path));
    }
    for name in ["chromium", "chromium-browser"] {
        for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
            let p = dir.join(name);
            if p.is_file() {
                return Ok(p);
            }
        }
    }
    Err(
        "no Chromium for the browser test: install it with `apt-get install -y chromium` \
         (or set CHROMIUM to its executable)"
            .into(),
    )
}

fn artifacts() -> PathBuf {
    // The test binary lives in <target>/debug/deps.
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    target.join("browser-artifacts")
}

#[test]
fn main_flow_in_chromium_passes_axe_and_the_keyboard() {
    let chromium = chromium().unwrap_or_else(|m| panic!("{m}"));
    let driver_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        driver_dir.join("node_modules/playwright-core").is_dir()
            && driver_dir.join("node_modules/axe-core").is_dir(),
        "the browser test's node packages are missing: run `npm ci --prefix crates/server/tests/browser`"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (engine, query, (replay_dataset, replay_file)) = demo_store(&dir.path().join("data"));
    let state = AppState::new(Arc::new(engine), Timeouts::default(), false);
    let app = clearstone_server::router(state);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    runtime.spawn(async move { axum::serve(listener, app).await });

    let out = artifacts();
    let run = Command::new("node")
        .arg(driver_dir.join("driver.mjs"))
        .env("BASE_URL", format!("http://{addr}"))
        .env("CHROMIUM", &chromium)
        .env("ARTIFACTS", &out)
        .env("USER_ID", USER)
        .env("OVERSEER_ID", OVERSEER)
        .env("PASSWORD", PASSWORD)
        .env("QUERY", &query)
        .env("REVIEW_PURPOSE", REVIEW_PURPOSE)
        .env("CASE_REF", CASE)
        .env("STEWARD_ID", STEWARD)
        .env("STEWARD_PURPOSE", STEWARD_PURPOSE)
        .env("REPLAY_DATASET", &replay_dataset)
        .env("REPLAY_FILE", &replay_file)
        .output()
        .expect("node runs (install Node.js 18 or later)");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "the browser walk-through failed (screenshots and report.json in `{}`):\n{stdout}\n{stderr}",
        out.display()
    );
    println!("{stdout}");
}
