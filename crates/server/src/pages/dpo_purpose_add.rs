//! Adding a purpose to the register from the data protection page: a form
//! with the error summary and each field's own error, sent with the CSRF
//! token. The engine decides (a purpose that may administer the registers)
//! and every attempt that reaches it is one event, refused ones too.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use clearstone_engine::policy::{AuditUse, Purpose, SensitiveBasis};
use clearstone_engine::{EngineError, Timestamp, purpose_problems};
use serde::Deserialize;

use super::Pages;
use super::form::{FieldError, message_for};
use super::layout::{Chrome, off_thread, problem, render, session_page, working_form};
use super::start::capitalised;

#[derive(Deserialize, Default)]
pub(crate) struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    legal_basis: String,
    /// `yes` when the purpose may process special-category data.
    #[serde(default)]
    sensitive: String,
    #[serde(default)]
    condition: String,
    #[serde(default)]
    policy_document: String,
    #[serde(default)]
    datasets: String,
    #[serde(default)]
    entity_types: String,
    #[serde(default)]
    roles: String,
    #[serde(default)]
    audit_use: String,
    #[serde(default)]
    review_date: String,
    #[serde(default)]
    expires: String,
}

/// Names typed as a list, separated by commas or spaces.
fn names(list: &str) -> std::collections::BTreeSet<String> {
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}

impl AddForm {
    fn purpose(&self, audit_use: Option<AuditUse>) -> Purpose {
        let entity_types = match names(&self.entity_types) {
            t if t.is_empty() => ["*".to_string()].into(),
            t => t,
        };
        Purpose {
            id: self.id.trim().to_string(),
            description: self.description.trim().to_string(),
            legal_basis: self.legal_basis.trim().to_string(),
            sensitive: (self.sensitive == "yes").then(|| SensitiveBasis {
                condition: self.condition.trim().to_string(),
            }),
            policy_document: self.policy_document.trim().to_string(),
            datasets: names(&self.datasets),
            entity_types,
            roles: names(&self.roles),
            audit_use,
            review_date: self.review_date.trim().to_string(),
            expires: self.expires.trim().to_string(),
            reviewed_by: None,
        }
    }
}

#[derive(Template)]
#[template(path = "dpo_purpose_new.html")]
struct AddPage {
    chrome: Chrome,
    form: AddForm,
    errors: Vec<FieldError>,
    audit_uses: Vec<&'static str>,
}

impl AddPage {
    fn error(&self, field: &str) -> Option<&str> {
        message_for(&self.errors, field)
    }
}

fn form_page(chrome: Chrome, form: AddForm, errors: Vec<FieldError>) -> Response {
    let status = match errors.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    render(
        status,
        &AddPage {
            chrome,
            form: AddForm {
                csrf: String::new(),
                ..form
            },
            errors,
            audit_uses: AuditUse::ALL.iter().map(|u| u.as_str()).collect(),
        },
    )
}

/// `GET /dpo/purposes/new`: the empty form, which reads nothing.
pub(crate) async fn new(State(pages): State<Pages>, headers: HeaderMap) -> Response {
    off_thread(move || {
        session_page(&pages, &headers, "/dpo", |_, chrome| {
            let form = AddForm {
                sensitive: "no".into(),
                entity_types: "*".into(),
                ..AddForm::default()
            };
            form_page(chrome, form, Vec::new())
        })
    })
    .await
}

/// `POST /dpo/purposes`: one event, added or refused.
pub(crate) async fn add(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Form(form): Form<AddForm>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working_form(&pages, &headers, &form.csrf) {
            Ok(w) => w,
            Err(refused) => return refused,
        };
        let chrome = Chrome::new(&pages, &who, "/dpo");
        let audit_use = match form.audit_use.as_str() {
            "" => None,
            u => match AuditUse::parse(u) {
                Some(a) => Some(a),
                // The form offers none other: refused as one attempt.
                None => {
                    let refused = pages
                        .engine
                        .session(work)
                        .and_then(|s| s.refuse_purpose_audit_use(form.id.trim(), u));
                    let e = refused.err().unwrap_or_else(|| {
                        EngineError::Internal("an unknown use of the log was accepted".into())
                    });
                    return problem(chrome, &e);
                }
            },
        };
        let purpose = form.purpose(audit_use);
        let now = Timestamp::now().to_string();
        let mut errors: Vec<FieldError> = purpose_problems(&purpose, now.get(..10).unwrap_or(&now))
            .into_iter()
            .map(|p| FieldError::new(p.field, capitalised(&p.message)))
            .collect();
        let done = pages
            .engine
            .session(work)
            .and_then(|s| s.add_purpose(&purpose));
        match done {
            Ok(_) if errors.is_empty() => Redirect::to("/dpo").into_response(),
            Ok(_) => problem(
                chrome,
                &EngineError::Internal("a purpose the form refused was registered".into()),
            ),
            Err(EngineError::InvalidInput(message)) => {
                // Only the register knows an id is taken.
                if errors.is_empty() {
                    errors.push(FieldError::new("id", capitalised(&message)));
                }
                form_page(chrome, form, errors)
            }
            Err(e) => problem(chrome, &e),
        }
    })
    .await
}
