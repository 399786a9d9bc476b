//! Edits on the case workspace, as forms: add a task, mark one done, hand
//! the lead to a team member, link or unlink a record, alert, note or
//! document, and add to the decision log. Each is one engine act, checked
//! there (team, lead, open case); a case the user is not on is answered as
//! one that does not exist.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Pages;
use super::layout::{Chrome, off_thread, problem, working_form};

#[derive(Deserialize, Default)]
pub(crate) struct CaseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    act: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    task: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    decision: String,
}

fn given(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

pub(crate) async fn act(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<CaseForm>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working_form(&pages, &headers, &form.csrf) {
            Ok(w) => w,
            Err(refused) => return refused,
        };
        let chrome = Chrome::new(&pages, &who, "/cases");
        let s = match pages.engine.session(work) {
            Ok(s) => s,
            Err(e) => return problem(chrome, &e),
        };
        let text = form.text.trim();
        let done = match form.act.as_str() {
            "task" => s
                .case_add_task(&id, text, given(&form.due), given(&form.assignee))
                .map(|_| ()),
            // A task number that is not a number names no task: the engine
            // says so, after its one event.
            "done" => s.case_finish_task(&id, form.task.trim().parse().unwrap_or(0)),
            "assign" => s.case_assign(&id, form.assignee.trim()),
            "link" => s.case_link(&id, form.kind.trim(), form.target.trim()),
            "unlink" => s.case_unlink(&id, form.kind.trim(), form.target.trim()),
            "decide" => s.case_decide(&id, form.decision.trim(), text),
            // Still an attempt: refused as one event, case or no case.
            other => s.refuse_case_act(&id, other),
        };
        let typed = super::cases_form::Typed {
            act: &form.act,
            text,
            due: &form.due,
            assignee: &form.assignee,
            kind: &form.kind,
            target: &form.target,
            decision: &form.decision,
        };
        match done {
            Ok(()) => Redirect::to(&format!("/cases/{}", urlencoding(&id))).into_response(),
            Err(e) => super::cases_form::again(chrome, &id, &typed, &e),
        }
    })
    .await
}

/// A case reference in a path: register-id characters pass, anything else
/// is percent-encoded so the redirect cannot be steered.
fn urlencoding(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
