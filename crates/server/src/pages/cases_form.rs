//! A case edit the engine refused for what was typed (a due date that is
//! not a date, an assignee not on the team, a rationale without words, a
//! kind or decision that is not one) comes back as the same form with the
//! GOV.UK error summary, the message beside its field and what was typed
//! kept. The page reads nothing more, so the attempt stays one event.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use clearstone_engine::{CASE_DECISIONS, CASE_LINK_KINDS, EngineError};

use super::form::{FieldError, message_for};
use super::layout::{Chrome, problem, render};

/// What was typed into the refused form.
pub(crate) struct Typed<'a> {
    pub act: &'a str,
    pub text: &'a str,
    pub due: &'a str,
    pub assignee: &'a str,
    pub kind: &'a str,
    pub target: &'a str,
    pub decision: &'a str,
}

#[derive(Template)]
#[template(path = "case_form.html")]
struct CaseFormPage {
    chrome: Chrome,
    id: String,
    act: String,
    text: String,
    due: String,
    assignee: String,
    kind: String,
    target: String,
    decision: String,
    kinds: Vec<&'static str>,
    decisions: Vec<&'static str>,
    errors: Vec<FieldError>,
}

impl CaseFormPage {
    fn error(&self, field: &str) -> Option<&str> {
        message_for(&self.errors, field)
    }
}

/// The field of the form of `act` that a refusal saying `message` is about;
/// `None` when it is about the case rather than what was typed.
fn field_of(act: &str, message: &str) -> Option<&'static str> {
    if message.contains("is closed") {
        return None;
    }
    match act {
        "task" if message.contains("due date") => Some("task-due"),
        "task" if message.contains("not on the team") => Some("task-assignee"),
        "task" => Some("task-text"),
        "assign" => Some("assign-lead"),
        "link" | "unlink" if message.contains("case links one of") => Some("link-kind"),
        "link" | "unlink" => Some("link-target"),
        "decide" if message.contains("decision is one of") => Some("decision"),
        "decide" => Some("decision-text"),
        _ => None,
    }
}

/// The form again with the refusal beside its field, or the problem page
/// when the refusal is not about what was typed (a case one is not on, an
/// act only the lead may do, a closed case, a fault).
pub(crate) fn again(chrome: Chrome, id: &str, typed: &Typed<'_>, e: &EngineError) -> Response {
    let message = e.to_string();
    let field = match e {
        EngineError::InvalidInput(_) => field_of(typed.act, &message),
        _ => None,
    };
    let Some(field) = field else {
        return problem(chrome, e);
    };
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &CaseFormPage {
            chrome,
            id: id.to_string(),
            act: typed.act.to_string(),
            text: typed.text.to_string(),
            due: typed.due.to_string(),
            assignee: typed.assignee.to_string(),
            kind: typed.kind.to_string(),
            target: typed.target.to_string(),
            decision: typed.decision.to_string(),
            kinds: CASE_LINK_KINDS.to_vec(),
            decisions: CASE_DECISIONS.to_vec(),
            errors: vec![FieldError::new(field, message)],
        },
    )
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn each_refusal_goes_to_its_field() {
        let due = "a due date is `YYYY-MM-DD`, not `next week`";
        assert_eq!(field_of("task", due), Some("task-due"));
        assert_eq!(
            field_of("task", "`zed` is not on the team of case `C-1`"),
            Some("task-assignee")
        );
        assert_eq!(
            field_of("decide", "a rationale needs words: at least 10 letters"),
            Some("decision-text")
        );
        assert_eq!(field_of("decide", "case `C-1` is closed"), None);
        assert_eq!(field_of("done", "case `C-1` has no open task 3"), None);
    }
}
