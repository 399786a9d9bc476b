//! Signing in and starting work: the purpose, reason code, justification and
//! case reference that every later page's session is opened with.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use clearstone_engine::{EngineError, REASON_CODES, SessionRequest};
use serde::Deserialize;

use super::form::{FieldError, csrf_ok, message_for, work_choice_errors};
use super::layout::{Chrome, off_thread, problem, refused_work, render};
use super::{Pages, PurposeChoice, SignInRefused, SignedIn};

pub(crate) async fn home(State(pages): State<Pages>, headers: HeaderMap) -> Redirect {
    match pages.source.signed_in(&headers) {
        None => Redirect::to("/sign-in"),
        Some(who) if who.work.is_none() => Redirect::to("/start"),
        Some(_) => Redirect::to("/search"),
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    user: String,
}

impl SignInPage {
    fn error(&self, field: &str) -> Option<&str> {
        message_for(&self.errors, field)
    }
}

fn nobody() -> Chrome {
    Chrome {
        user: String::new(),
        purpose: String::new(),
        purpose_description: String::new(),
        case_ref: None,
        break_glass: false,
        csrf: String::new(),
        nav: Vec::new(),
    }
}

pub(crate) async fn sign_in_form() -> Response {
    let page = SignInPage {
        chrome: nobody(),
        errors: Vec::new(),
        user: String::new(),
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    user: String,
    #[serde(default)]
    password: String,
}

pub(crate) async fn sign_in(State(pages): State<Pages>, Form(form): Form<SignInForm>) -> Response {
    let mut errors = Vec::new();
    if form.user.trim().is_empty() {
        errors.push(FieldError::new("user", "Enter your user name"));
    }
    if form.password.is_empty() {
        errors.push(FieldError::new("password", "Enter your password"));
    }
    if errors.is_empty() {
        // Checking a password is slow by design: off the async threads.
        let source = pages.source.clone();
        let (user, password) = (form.user.trim().to_string(), form.password.clone());
        let outcome = tokio::task::spawn_blocking(move || source.sign_in(&user, &password))
            .await
            .unwrap_or(Err(SignInRefused::BadCredentials));
        match outcome {
            Ok(cookie) => {
                return ([(header::SET_COOKIE, cookie)], Redirect::to("/start")).into_response();
            }
            // The same words whether or not the account exists.
            Err(SignInRefused::BadCredentials) => errors.push(FieldError::new(
                "user",
                "The user name or password is not right",
            )),
            Err(SignInRefused::LockedOut) => errors.push(FieldError::new(
                "user",
                "Too many attempts to sign in: wait 15 minutes, then try again",
            )),
        }
    }
    let page = SignInPage {
        chrome: nobody(),
        errors,
        user: form.user,
    };
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(Deserialize)]
pub(crate) struct TokenForm {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn sign_out(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    match pages.source.signed_in(&headers) {
        Some(who) if csrf_ok(&who, &form.csrf) => {
            let cookie = pages.source.sign_out(&headers);
            ([(header::SET_COOKIE, cookie)], Redirect::to("/sign-in")).into_response()
        }
        Some(_) => (
            StatusCode::FORBIDDEN,
            "this form has expired: reload the page",
        )
            .into_response(),
        None => Redirect::to("/sign-in").into_response(),
    }
}

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    purposes: Vec<PurposeChoice>,
    reasons: Vec<&'static str>,
    form: StartForm,
}

impl StartPage {
    fn error(&self, field: &str) -> Option<&str> {
        message_for(&self.errors, field)
    }
}

#[derive(Deserialize, Default, Clone)]
pub(crate) struct StartForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    case_ref: String,
}

fn start_page(
    pages: &Pages,
    who: &SignedIn,
    errors: Vec<FieldError>,
    form: StartForm,
) -> StartPage {
    StartPage {
        chrome: Chrome::new(pages, who, "/start"),
        errors,
        purposes: pages.source.purposes(&who.user),
        reasons: REASON_CODES.to_vec(),
        form,
    }
}

pub(crate) async fn start_form(State(pages): State<Pages>, headers: HeaderMap) -> Response {
    off_thread(move || {
        let Some(who) = pages.source.signed_in(&headers) else {
            return Redirect::to("/sign-in").into_response();
        };
        let form = who
            .work
            .clone()
            .map(|w| StartForm {
                purpose: w.purpose,
                reason: w.reason.unwrap_or_default(),
                ..StartForm::default()
            })
            .unwrap_or_default();
        render(StatusCode::OK, &start_page(&pages, &who, Vec::new(), form))
    })
    .await
}

pub(crate) async fn start(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Form(form): Form<StartForm>,
) -> Response {
    off_thread(move || {
        let Some(who) = pages.source.signed_in(&headers) else {
            return Redirect::to("/sign-in").into_response();
        };
        if !csrf_ok(&who, &form.csrf) {
            return (
                StatusCode::FORBIDDEN,
                "this form has expired: reload the page",
            )
                .into_response();
        }
        let mut errors = work_choice_errors(
            &form.purpose,
            &form.reason,
            &pages.source.purposes(&who.user),
            "Select the purpose of your work",
        );
        if form.justification.trim().is_empty() {
            errors.push(FieldError::new(
                "justification",
                "Enter why you need to see this data",
            ));
        }
        let case_ref = form.case_ref.trim();
        if !case_ref.is_empty() && !clearstone_engine::is_case_reference(case_ref) {
            errors.push(FieldError::new(
                "case_ref",
                capitalised(&clearstone_engine::case_reference_problem()),
            ));
        }
        let work = SessionRequest {
            principal: who.user.clone(),
            purpose: form.purpose.clone(),
            justification: form.justification.trim().to_string(),
            reason: Some(form.reason.clone()),
            case_ref: Some(form.case_ref.trim().to_string()).filter(|c| !c.is_empty()),
            break_glass: false,
            token: None,
        };
        if !errors.is_empty() {
            if let Err(e) = refused_work(&pages, work, "/start") {
                return problem(Chrome::new(&pages, &who, "/start"), &e);
            }
        } else {
            // The engine decides (and logs a refusal); only work it accepts is kept.
            match pages.engine.session(work.clone()) {
                Ok(_) => {
                    pages.source.start_work(&headers, work);
                    return Redirect::to("/search").into_response();
                }
                Err(e @ EngineError::JustificationNotWords) => {
                    errors.push(FieldError::new(
                        "justification",
                        capitalised(&e.to_string()),
                    ));
                }
                Err(e) => errors.push(FieldError::new("purpose", capitalised(&e.to_string()))),
            }
        }
        let page = start_page(&pages, &who, errors, form);
        render(StatusCode::UNPROCESSABLE_ENTITY, &page)
    })
    .await
}

/// An engine message (lowercase, for a terminal) as a sentence on a page.
pub(crate) fn capitalised(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
