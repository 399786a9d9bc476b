//! A review act the engine refused (a rationale without words, a referral
//! confirmed by its own author, an outcome that is not one) comes back as
//! the same form with the GOV.UK error summary, the message beside its
//! field and what was typed kept. The page reads nothing more, so the
//! attempt stays the one event it was.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use clearstone_engine::{EngineError, REVIEW_OUTCOMES};

use super::form::{FieldError, message_for};
use super::layout::{Chrome, problem, render};

#[derive(Template)]
#[template(path = "alert_form.html")]
struct AlertFormPage {
    chrome: Chrome,
    id: i64,
    act: String,
    outcome: String,
    text: String,
    outcomes: Vec<&'static str>,
    errors: Vec<FieldError>,
}

impl AlertFormPage {
    fn error(&self, field: &str) -> Option<&str> {
        message_for(&self.errors, field)
    }
}

/// The field a refusal is about, and what to tell the user there.
fn field_of(e: &EngineError) -> Option<(StatusCode, FieldError)> {
    let message = e.to_string();
    match e {
        EngineError::Forbidden {
            code: "four_eyes", ..
        } => Some((
            StatusCode::FORBIDDEN,
            FieldError::new(
                "outcome",
                "A referral you made must be confirmed by a second, different reviewer",
            ),
        )),
        EngineError::InvalidInput(_) => {
            let field = if message.contains("review outcome") {
                "outcome"
            } else {
                "text"
            };
            Some((
                StatusCode::UNPROCESSABLE_ENTITY,
                FieldError::new(field, message),
            ))
        }
        _ => None,
    }
}

/// The form of `act` again with the engine's refusal beside its field, or
/// the problem page when the refusal is not about what was typed (an alert
/// that does not exist, a fault).
pub(crate) fn again(
    chrome: Chrome,
    id: i64,
    act: &str,
    outcome: &str,
    text: &str,
    e: &EngineError,
) -> Response {
    // Only the acts with fields come back on their form; an act the page
    // does not offer has nothing to correct.
    let with_fields = matches!(act, "decide" | "confirm" | "representation");
    let Some((status, error)) = field_of(e).filter(|_| with_fields) else {
        return problem(chrome, e);
    };
    render(
        status,
        &AlertFormPage {
            chrome,
            id,
            act: act.to_string(),
            outcome: outcome.to_string(),
            text: text.to_string(),
            outcomes: REVIEW_OUTCOMES.to_vec(),
            errors: vec![error],
        },
    )
}
