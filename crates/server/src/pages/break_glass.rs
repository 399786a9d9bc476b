//! Break-glass: its own screen, saying plainly what it does and that it is
//! reviewed, before a grant is started; and ending it early. The engine
//! starts and ends the grant, each as one flagged event.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use clearstone_engine::{
    BREAK_GLASS_JUSTIFICATION_CHARS_MIN, BREAK_GLASS_MINUTES_MAX, EngineError, REASON_CODES,
    SessionRequest,
};
use serde::Deserialize;

use super::form::{FieldError, csrf_ok, message_for, work_choice_errors};
use super::layout::{Chrome, off_thread, problem, refused_work, render};
use super::start::capitalised;
use super::{Pages, PurposeChoice, SignedIn};

#[derive(Deserialize, Default, Clone)]
pub(crate) struct BreakGlassForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    case_ref: String,
}

#[derive(Template)]
#[template(path = "break_glass.html")]
struct BreakGlassPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    purposes: Vec<PurposeChoice>,
    reasons: Vec<&'static str>,
    form: BreakGlassForm,
    minutes_max: u64,
    justification_min: usize,
}

impl BreakGlassPage {
    fn error(&self, field: &str) -> Option<&str> {
        message_for(&self.errors, field)
    }
}

fn draw(pages: &Pages, who: &SignedIn, errors: Vec<FieldError>, form: BreakGlassForm) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = BreakGlassPage {
        chrome: Chrome::new(pages, who, "/start"),
        errors,
        purposes: pages.source.purposes(&who.user),
        reasons: REASON_CODES.to_vec(),
        form,
        minutes_max: BREAK_GLASS_MINUTES_MAX,
        justification_min: BREAK_GLASS_JUSTIFICATION_CHARS_MIN,
    };
    render(status, &page)
}

fn expired() -> Response {
    (
        StatusCode::FORBIDDEN,
        "this form has expired: reload the page",
    )
        .into_response()
}

pub(crate) async fn page(State(pages): State<Pages>, headers: HeaderMap) -> Response {
    off_thread(move || {
        let Some(who) = pages.source.signed_in(&headers) else {
            return Redirect::to("/sign-in").into_response();
        };
        let form = BreakGlassForm {
            purpose: who
                .work
                .as_ref()
                .map(|w| w.purpose.clone())
                .unwrap_or_default(),
            ..BreakGlassForm::default()
        };
        draw(&pages, &who, Vec::new(), form)
    })
    .await
}

/// The form's problems that need no engine to see.
fn checked(form: &BreakGlassForm, purposes: &[PurposeChoice]) -> (Vec<FieldError>, u64) {
    let mut errors = work_choice_errors(
        &form.purpose,
        &form.reason,
        purposes,
        "Select the purpose you are working under",
    );
    if form.justification.trim().chars().count() < BREAK_GLASS_JUSTIFICATION_CHARS_MIN {
        errors.push(FieldError::new(
            "justification",
            format!(
                "Say why this cannot wait, in at least {BREAK_GLASS_JUSTIFICATION_CHARS_MIN} characters"
            ),
        ));
    }
    let case_ref = form.case_ref.trim();
    if !case_ref.is_empty() && !clearstone_engine::is_case_reference(case_ref) {
        errors.push(FieldError::new(
            "case_ref",
            capitalised(&clearstone_engine::case_reference_problem()),
        ));
    }
    let minutes = form.minutes.trim().parse::<u64>().unwrap_or(0);
    if minutes == 0 || minutes > BREAK_GLASS_MINUTES_MAX {
        errors.push(FieldError::new(
            "minutes",
            format!("Enter how long you need, from 1 to {BREAK_GLASS_MINUTES_MAX} minutes"),
        ));
    }
    (errors, minutes)
}

pub(crate) async fn start(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Form(form): Form<BreakGlassForm>,
) -> Response {
    off_thread(move || {
        let Some(who) = pages.source.signed_in(&headers) else {
            return Redirect::to("/sign-in").into_response();
        };
        if !csrf_ok(&who, &form.csrf) {
            return expired();
        }
        let (mut errors, minutes) = checked(&form, &pages.source.purposes(&who.user));
        let plain = SessionRequest {
            principal: who.user.clone(),
            purpose: form.purpose.clone(),
            justification: form.justification.trim().to_string(),
            reason: Some(form.reason.clone()),
            case_ref: Some(form.case_ref.trim().to_string()).filter(|c| !c.is_empty()),
            break_glass: false,
            token: None,
        };
        if !errors.is_empty() {
            if let Err(e) = refused_work(&pages, plain, "/break-glass") {
                return problem(Chrome::new(&pages, &who, "/start"), &e);
            }
        } else {
            // The engine starts the grant (one flagged event, or its refusal).
            let started = pages
                .engine
                .session(plain.clone())
                .and_then(|s| s.start_break_glass(minutes));
            match started {
                Ok(_) => {
                    let work = SessionRequest {
                        break_glass: true,
                        ..plain
                    };
                    pages.source.start_work(&headers, work);
                    return Redirect::to("/search").into_response();
                }
                Err(e @ (EngineError::JustificationNotWords | EngineError::InvalidInput(_))) => {
                    errors.push(FieldError::new(
                        "justification",
                        capitalised(&e.to_string()),
                    ));
                }
                Err(e) => errors.push(FieldError::new("purpose", capitalised(&e.to_string()))),
            }
        }
        draw(&pages, &who, errors, form)
    })
    .await
}

#[derive(Deserialize)]
pub(crate) struct EndForm {
    #[serde(default)]
    csrf: String,
}

/// Ends the grant and goes on under the same purpose without it.
pub(crate) async fn end(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Form(form): Form<EndForm>,
) -> Response {
    off_thread(move || {
        let Some(who) = pages.source.signed_in(&headers) else {
            return Redirect::to("/sign-in").into_response();
        };
        if !csrf_ok(&who, &form.csrf) {
            return expired();
        }
        let Some(work) = who.work.clone().filter(|w| w.break_glass) else {
            return Redirect::to("/start").into_response();
        };
        let plain = SessionRequest {
            break_glass: false,
            ..work
        };
        let ended = pages
            .engine
            .session(plain.clone())
            .and_then(|s| s.end_break_glass());
        match ended {
            // A grant that ran out before the button was pressed is over too.
            Ok(()) | Err(EngineError::BreakGlassNotActive) => {
                pages.source.start_work(&headers, plain);
                Redirect::to("/search").into_response()
            }
            Err(e) => problem(Chrome::new(&pages, &who, "/start"), &e),
        }
    })
    .await
}
