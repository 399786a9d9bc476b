//! The dossier: one resolved entity's values by property with their sources,
//! masked values as placeholders with a Reveal form, relationships both ways,
//! the timeline and the resolution history. Revealing is its own form and
//! its own logged act, for one property at a time.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use clearstone_engine::{Dossier, EngineError, Session};
use serde::Deserialize;

use super::form::{FieldError, message_for};
use super::layout::{Chrome, off_thread, problem, render, signed_in_page, working_form};
use super::{Pages, SignedIn};

#[derive(Template)]
#[template(path = "dossier.html")]
struct DossierPage {
    chrome: Chrome,
    d: Dossier,
    /// Whether the purpose names a lawful condition for special-category data.
    condition: bool,
    errors: Vec<FieldError>,
}

impl DossierPage {
    fn error(&self, field: &str) -> Option<&str> {
        message_for(&self.errors, field)
    }

    /// Whether any value of `prop` is masked, so its Reveal form is shown.
    fn masked(&self, prop: &str) -> bool {
        self.d
            .properties
            .get(prop)
            .is_some_and(|values| values.iter().any(|v| v.masked))
    }
}

/// Whether the session's purpose names a lawful condition: the session read
/// it from the registers when it opened.
fn condition(session: &Session<'_>) -> bool {
    session.purpose().sensitive.is_some()
}

pub(crate) fn dossier_page(
    who: &SignedIn,
    session: &Session<'_>,
    id: &str,
    errors: Vec<FieldError>,
) -> Response {
    let chrome = Chrome::of_session(who, session, "/search");
    match session.dossier(id) {
        Ok(d) => {
            let status = if errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let page = DossierPage {
                chrome,
                d,
                condition: condition(session),
                errors,
            };
            render(status, &page)
        }
        Err(e) => problem(chrome, &e),
    }
}

pub(crate) async fn page(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    off_thread(move || {
        signed_in_page(&pages, &headers, "/search", |who, session| {
            dossier_page(who, session, &id, Vec::new())
        })
    })
    .await
}

#[derive(Deserialize)]
pub(crate) struct RevealForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    prop: String,
    /// Ticked when the user confirms they rely on the purpose's condition.
    #[serde(default)]
    condition: String,
}

/// One value shown by a reveal, with the record it came from.
struct Revealed {
    value: String,
    dataset: String,
    record: String,
}

#[derive(Template)]
#[template(path = "revealed.html")]
struct RevealedPage {
    chrome: Chrome,
    id: String,
    label: String,
    prop: String,
    values: Vec<Revealed>,
}

pub(crate) async fn reveal(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<RevealForm>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working_form(&pages, &headers, &form.csrf) {
            Ok(w) => w,
            Err(refused) => return refused,
        };
        let session = match pages.engine.session(work) {
            Ok(s) => s,
            Err(e) => return problem(Chrome::new(&pages, &who, "/search"), &e),
        };
        if form.condition != "confirmed" {
            let errors = vec![FieldError::new(
                format!("condition-{}", form.prop),
                format!(
                    "Confirm the lawful condition you rely on to see {}",
                    form.prop.replace('_', " ")
                ),
            )];
            return dossier_page(&who, &session, &id, errors);
        }
        let d = match session.dossier(&id) {
            Ok(d) => d,
            Err(e) => return problem(Chrome::new(&pages, &who, "/search"), &e),
        };
        // Each source record is revealed on its own: one act, one event each.
        let mut values = Vec::new();
        for member in &d.members {
            let entity = match session.reveal(&member.entity_id, &form.prop) {
                Ok(e) => e,
                Err(EngineError::NotFound(_)) => continue,
                Err(e) => return problem(Chrome::new(&pages, &who, "/search"), &e),
            };
            for s in entity.properties.get(&form.prop).into_iter().flatten() {
                values.push(Revealed {
                    value: s.value.to_string(),
                    dataset: s.dataset.to_string(),
                    record: member.entity_id.clone(),
                });
            }
        }
        let page = RevealedPage {
            chrome: Chrome::new(&pages, &who, "/search"),
            id: d.id,
            label: d.label,
            prop: form.prop,
            values,
        };
        render(StatusCode::OK, &page)
    })
    .await
}
