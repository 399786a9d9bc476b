//! A real server on an ephemeral loopback port over a real data directory,
//! and a real HTTP client: no mocks.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeSet;
use std::sync::Arc;

use clearstone_engine::policy::{AuditUse, Principal, PrincipalKind, Purpose, SensitiveBasis};
use clearstone_engine::{ADMIN_PURPOSE, Classification, Engine, SessionRequest};
use clearstone_server::{AppState, Timeouts};
use reqwest::blocking::{Client, Response};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// Special-category values carry this, so any leak is found by grepping.
pub const SENTINEL: &str = "SENTINEL-HEALTH";
pub const PASSWORD: &str = "correct horse battery staple";

const ONTOLOGY: &str = r#"version = 1
[types.Person.properties]
name = { type = "name", sensitivity = "ordinary" }
health = { type = "text", sensitivity = "health" }
knows = { type = "entity", range = "Person", sensitivity = "ordinary" }
"#;

const MAPPING: &str = r#"version = 1
[dataset]
name = "hr"
owner = "People Services"
legal_basis = "employment records"
[source]
format = "csv"
path = "people.csv"
[[entities]]
name = "person"
schema = "Person"
keys = ["id"]
[entities.properties]
name = { column = "name" }
health = { column = "health" }
knows = { entity = "hr:person", column = "knows" }
"#;

const PEOPLE: &str = "id,name,health,knows\n\
    1,Alice Smith,SENTINEL-HEALTH asthma,2\n\
    2,Bob Smith,SENTINEL-HEALTH diabetes,1\n\
    3,Carol Jones,SENTINEL-HEALTH none,1\n";

pub struct TestServer {
    pub base: String,
    pub engine: Arc<Engine>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub fn user(id: &str, roles: &[&str]) -> Principal {
    Principal {
        id: id.into(),
        display_name: id.into(),
        kind: PrincipalKind::User,
        roles: roles.iter().map(|r| r.to_string()).collect(),
        unit: None,
        clearance: Classification::OfficialSensitive,
        caveats: BTreeSet::new(),
        attributes: Default::default(),
        disabled: false,
    }
}

pub fn purpose(id: &str, sensitive: bool) -> Purpose {
    Purpose {
        id: id.into(),
        description: "test purpose".into(),
        legal_basis: "DPA 2018 Part 3".into(),
        sensitive: sensitive.then(|| SensitiveBasis {
            condition: "DPA 2018 sch. 8 para 1".into(),
        }),
        policy_document: "APD-7".into(),
        datasets: ["hr".to_string()].into(),
        entity_types: ["*".to_string()].into(),
        roles: ["analyst".to_string()].into(),
        audit_use: Some(AuditUse::VerifyLawfulness),
        review_date: "2099-01-01".into(),
        expires: "2099-12-31".into(),
        reviewed_by: Some("dpo".into()),
    }
}

pub fn admin_request() -> SessionRequest {
    SessionRequest {
        principal: "admin".into(),
        purpose: ADMIN_PURPOSE.into(),
        justification: "setting up the server test".into(),
        ..SessionRequest::default()
    }
}

pub fn ana_request(purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: "ana".into(),
        purpose: purpose.into(),
        justification: "checking the api".into(),
        reason: Some("investigation".into()),
        ..SessionRequest::default()
    }
}

/// Users `admin`, `ana` (analyst) and `bea` (analyst), purposes `pds`
/// (no special-category data) and `pds-health` (with a lawful condition),
/// three people in dataset `hr`, and a server on a free port.
pub fn start() -> TestServer {
    start_with(Timeouts::default())
}

pub fn start_with(timeouts: Timeouts) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("people.csv"), PEOPLE).unwrap();
    std::fs::write(dir.path().join("people.toml"), MAPPING).unwrap();
    let engine = Engine::init(&dir.path().join("data"), Some((ONTOLOGY, "o.toml"))).unwrap();
    engine.bootstrap_admin("admin").unwrap();
    {
        let admin = engine.session(admin_request()).unwrap();
        admin
            .put_user(&user("ana", &["analyst", "data_engineer"]))
            .unwrap();
        admin.put_user(&user("bea", &["analyst"])).unwrap();
        admin.put_purpose(&purpose("pds", false)).unwrap();
        admin.put_purpose(&purpose("pds-health", true)).unwrap();
        admin.set_password("ana", PASSWORD).unwrap();
        admin.set_password("bea", PASSWORD).unwrap();
        let ana = engine.session(ana_request("pds")).unwrap();
        ana.ingest(&dir.path().join("people.toml"), &mut |_| {})
            .unwrap();
    }
    serve(engine, dir, timeouts)
}

/// A server on a free loopback port over `engine`, whose data lives in `dir`.
pub fn serve(engine: Engine, dir: tempfile::TempDir, timeouts: Timeouts) -> TestServer {
    serve_with_models(engine, dir, timeouts, clearstone_server::Models::default())
}

/// [`serve`] with a chat model and a transcriber.
pub fn serve_with_models(
    engine: Engine,
    dir: tempfile::TempDir,
    timeouts: Timeouts,
    models: clearstone_server::Models,
) -> TestServer {
    let engine = Arc::new(engine);
    let state = AppState::new(engine.clone(), timeouts, false).with_models(models);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(l.local_addr().unwrap()).unwrap();
            clearstone_server::serve(state, l, None, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
    });
    let addr = addr_rx.recv().unwrap();
    TestServer {
        base: format!("http://{addr}"),
        engine,
        stop: Some(tx),
        thread: Some(thread),
        _dir: dir,
    }
}

/// A browser: its cookie and CSRF token, set by signing in.
pub struct Browser {
    pub base: String,
    pub client: Client,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

/// Every response's security headers, whatever its status.
pub fn assert_secure_headers(h: &HeaderMap, what: &str) {
    let csp = h
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("{what}: no content-security-policy"));
    assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(
        h.get("x-content-type-options").unwrap(),
        "nosniff",
        "{what}"
    );
    assert_eq!(h.get("referrer-policy").unwrap(), "no-referrer", "{what}");
}

impl Browser {
    pub fn new(server: &TestServer) -> Self {
        Self {
            base: server.base.clone(),
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookie: None,
            csrf: None,
        }
    }

    /// Sends a request as this browser; every answer is checked for the
    /// security headers.
    pub fn send(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, HeaderMap, String) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let unsafe_method = method != reqwest::Method::GET;
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        if unsafe_method && let Some(t) = &self.csrf {
            req = req.header("x-csrf-token", t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res: Response = req.send().unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        assert_secure_headers(&headers, path);
        (status, headers, res.text().unwrap())
    }

    pub fn get(&self, path: &str) -> (u16, Value) {
        let (s, _, b) = self.send("GET", path, None);
        (s, serde_json::from_str(&b).unwrap_or(Value::String(b)))
    }

    pub fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let (s, _, b) = self.send("POST", path, Some(body));
        (s, serde_json::from_str(&b).unwrap_or(Value::String(b)))
    }

    /// Signs in, keeping the cookie and CSRF token; returns the raw
    /// `set-cookie` header.
    pub fn sign_in(&mut self, user: &str, password: &str) -> (u16, Value, Option<String>) {
        let (s, h, b) = self.send(
            "POST",
            "/api/v1/sign-in",
            Some(&json!({"user": user, "password": password})),
        );
        let set = h
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if let Some(c) = &set {
            self.cookie = c.split(';').next().map(str::to_string);
        }
        let body: Value = serde_json::from_str(&b).unwrap_or(Value::Null);
        if let Some(t) = body.get("csrf").and_then(Value::as_str) {
            self.csrf = Some(t.to_string());
        }
        (s, body, set)
    }

    pub fn start_work(&self, purpose: &str) -> (u16, Value) {
        self.post(
            "/api/v1/work",
            &json!({"purpose": purpose, "reason": "investigation",
                    "justification": "checking the api", "case_ref": "PSD-1"}),
        )
    }
}

/// Signed in as `user` with work started under `purpose`.
pub fn working(server: &TestServer, user: &str, purpose: &str) -> Browser {
    let mut b = Browser::new(server);
    let (s, body, _) = b.sign_in(user, PASSWORD);
    assert_eq!(s, 200, "{body}");
    let (s, body) = b.start_work(purpose);
    assert_eq!(s, 200, "{body}");
    b
}

/// The events the log holds, newest first, read as the administrator
/// (whose own reading is one `consult` event by `admin`).
pub fn events(server: &TestServer) -> Vec<clearstone_engine::AccessEvent> {
    server
        .engine
        .session(SessionRequest {
            principal: "admin".into(),
            purpose: ADMIN_PURPOSE.into(),
            justification: "reading what the test did".into(),
            ..SessionRequest::default()
        })
        .unwrap()
        .events(10_000)
        .unwrap()
}

/// An API token for ana's work under `purpose`, issued by ana, and its id.
pub fn ana_token(server: &TestServer, purpose: &str) -> (String, String) {
    let token = server
        .engine
        .session(ana_request(purpose))
        .unwrap()
        .issue_token(&ana_request(purpose), 30)
        .unwrap();
    let id = token
        .trim_start_matches(clearstone_engine::TOKEN_PREFIX)
        .split('.')
        .next()
        .unwrap()
        .to_string();
    (token, id)
}
