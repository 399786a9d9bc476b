//! The overseer's workspace: who consulted a subject, what a user did
//! between dates, every disclosure and reveal, each event with its inclusion
//! proof; the current signed checkpoint and the log's public key; and
//! *Verify now*, which checks the checkpoint's signature and every listed
//! event's proof here, with the `merkle` crate, as `clearstone-verify` would.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clearstone_engine::{Oversight, OversightReport, oversight_jsonl};
use clearstone_merkle::{Checkpoint, Hash, VerifierKey, leaf_hash, verify_inclusion};
use serde::Deserialize;

use super::Pages;
use super::layout::{Chrome, off_thread, problem, render, working};

/// The operations an overseer may narrow to, as the log names them.
const OPERATIONS: [&str; 5] = [
    "consult",
    "disclose",
    "reveal",
    "review_decision",
    "break_glass",
];

#[derive(Deserialize, Default)]
pub(crate) struct OverseeForm {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    operation: String,
    #[serde(default)]
    verify: Option<String>,
    #[serde(default)]
    download: Option<String>,
}

impl OverseeForm {
    fn oversight(&self) -> Oversight {
        let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Oversight {
            subject: given(&self.subject),
            principal: given(&self.user),
            from: given(&self.from),
            to: given(&self.to),
            operations: given(&self.operation).into_iter().collect(),
        }
    }
}

pub(crate) struct Row {
    pub id: String,
    pub at: String,
    pub operation: String,
    pub user: String,
    pub purpose: String,
    pub query: String,
    pub recipient: String,
    pub outcome: String,
}

/// What *Verify now* found.
pub(crate) struct Verified {
    pub ok: bool,
    pub message: String,
}

#[derive(Template)]
#[template(path = "overseer.html")]
struct OverseerPage {
    chrome: Chrome,
    form: OverseeForm,
    operations: Vec<&'static str>,
    checkpoint: String,
    key: String,
    rows: Vec<Row>,
    verified: Option<Verified>,
    /// Each witness's cosignature, when *Verify now* was asked.
    witnesses: Vec<super::overseer_witnesses::WitnessCheck>,
}

/// Checks the checkpoint against the log's key and every event's inclusion
/// proof against the checkpoint.
fn verify(r: &OversightReport) -> Verified {
    let check = || -> Result<String, String> {
        let key = VerifierKey::parse(&r.verifier_key).map_err(|e| e.to_string())?;
        let origin = r.checkpoint.lines().next().unwrap_or_default();
        let opened = Checkpoint::open(r.checkpoint.as_bytes(), origin, &key, &[])
            .map_err(|e| format!("the checkpoint does not verify: {e}"))?;
        let cp = &opened.checkpoint;
        for ev in &r.evidence {
            let proof = ev
                .proof
                .iter()
                .map(|h| Hash::from_base64(h))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("event at index {}: {e}", ev.index))?;
            verify_inclusion(
                &leaf_hash(&ev.entry),
                ev.index,
                cp.size(),
                &proof,
                cp.root(),
            )
            .map_err(|e| format!("event at index {} is not proven in the log: {e}", ev.index))?;
        }
        Ok(format!(
            "The checkpoint of {} entries is signed by the log's key, and each of the {} events listed is proven to be in it.",
            cp.size(),
            r.evidence.len()
        ))
    };
    match check() {
        Ok(message) => Verified { ok: true, message },
        Err(message) => Verified { ok: false, message },
    }
}

fn text(v: &serde_json::Value, field: &str) -> String {
    match v.get(field) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

pub(crate) async fn page(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Query(form): Query<OverseeForm>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working(&pages, &headers) {
            Ok(w) => w,
            Err(redirect) => return redirect,
        };
        let chrome = Chrome::new(&pages, &who, "/overseer");
        let report = match pages
            .engine
            .session(work)
            .and_then(|s| s.oversee(&form.oversight()))
        {
            Ok(r) => r,
            Err(e) => return problem(chrome, &e),
        };
        if form.download.is_some() {
            let mut response = oversight_jsonl(&report).into_response();
            let h = response.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/jsonl"),
            );
            h.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"oversight.jsonl\""),
            );
            return response;
        }
        let mut verified = form.verify.is_some().then(|| verify(&report));
        let mut witnesses = Vec::new();
        if let Some(v) = verified.as_mut() {
            let keys = match pages.engine.witness_keys() {
                Ok(k) => k,
                Err(e) => return problem(chrome, &e),
            };
            witnesses = super::overseer_witnesses::check(&report.checkpoint, &keys);
            let failed = witnesses.iter().filter(|w| !w.verified).count();
            if failed > 0 {
                v.ok = false;
                v.message = format!(
                    "{} {failed} of the {} witnesses' cosignatures on the checkpoint {} not verify.",
                    v.message,
                    witnesses.len(),
                    if failed == 1 { "does" } else { "do" }
                );
            }
        }
        let rows = report
            .evidence
            .iter()
            .rev()
            .map(|ev| Row {
                id: text(&ev.event, "id"),
                at: text(&ev.event, "at"),
                operation: text(&ev.event, "operation").replace('_', " "),
                user: text(&ev.event, "principal"),
                purpose: text(&ev.event, "purpose"),
                query: text(&ev.event, "query"),
                recipient: text(&ev.event, "recipient"),
                outcome: text(&ev.event, "outcome"),
            })
            .collect();
        let page = OverseerPage {
            chrome,
            form,
            operations: OPERATIONS.to_vec(),
            checkpoint: report.checkpoint,
            key: report.verifier_key,
            rows,
            verified,
            witnesses,
        };
        render(StatusCode::OK, &page)
    })
    .await
}
