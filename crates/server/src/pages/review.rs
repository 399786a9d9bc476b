//! Match review: the most uncertain pairs first, the two records side by
//! side with the waterfall of match weights, and a decision (same, not same,
//! unsure) with the reviewer's rationale.

use std::collections::BTreeSet;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use clearstone_engine::{Entity, Session, VERDICTS};
use serde::Deserialize;

use super::form::{FieldError, message_for};
use super::layout::{Chrome, off_thread, problem, render, signed_in_page, working_form};
use super::{Pages, SignedIn};

/// Pairs listed after the one in hand.
const QUEUE_SHOWN_MAX: usize = 20;
/// The type whose records are reviewed when none is asked for.
const DEFAULT_SCHEMA: &str = "Person";

/// One property of the two records, side by side.
pub(crate) struct Row {
    pub prop: String,
    pub left: Vec<String>,
    pub right: Vec<String>,
}

pub(crate) struct Weight {
    pub part: String,
    pub weight: String,
}

/// The pair in hand: both records, the weights, and how sure the model is.
pub(crate) struct Pair {
    pub left: String,
    pub right: String,
    pub rows: Vec<Row>,
    pub weights: Vec<Weight>,
    pub total: String,
    pub probability: String,
    pub model: String,
}

pub(crate) struct Queued {
    pub left: String,
    pub right: String,
    pub probability: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    chrome: Chrome,
    schema: String,
    pair: Option<Pair>,
    queue: Vec<Queued>,
    verdicts: Vec<&'static str>,
    errors: Vec<FieldError>,
    form: DecideForm,
    decided: bool,
}

impl ReviewPage {
    fn error(&self, field: &str) -> Option<&str> {
        message_for(&self.errors, field)
    }
}

fn rows(left: &Entity, right: &Entity) -> Vec<Row> {
    let props: BTreeSet<&String> = left
        .properties
        .keys()
        .chain(right.properties.keys())
        .collect();
    let values = |e: &Entity, p: &str| -> Vec<String> {
        e.properties
            .get(p)
            .map(|v| v.iter().map(|s| s.value.clone()).collect())
            .unwrap_or_default()
    };
    props
        .into_iter()
        .map(|p| Row {
            prop: p.replace('_', " "),
            left: values(left, p),
            right: values(right, p),
        })
        .collect()
}

fn pair(left: &Entity, right: &Entity, e: &clearstone_resolve::Explanation) -> Pair {
    let mut weights = vec![Weight {
        part: "prior".into(),
        weight: format!("{:+.2}", e.prior_weight),
    }];
    weights.extend(e.terms.iter().map(|t| Weight {
        part: format!(
            "{}: {}",
            t.comparison.replace('_', " "),
            t.label.replace('_', " ")
        ),
        weight: format!("{:+.2}", t.weight + t.tf_adjustment),
    }));
    if e.household != 0.0 {
        weights.push(Weight {
            part: clearstone_resolve::HOUSEHOLD_ONCE.into(),
            weight: format!("{:+.2}", e.household),
        });
    }
    if e.names_alone != 0.0 {
        weights.push(Weight {
            part: "names alone never link".into(),
            weight: format!("{:+.2}", e.names_alone),
        });
    }
    Pair {
        left: left.id.clone(),
        right: right.id.clone(),
        rows: rows(left, right),
        weights,
        total: format!("{:+.2}", e.total),
        probability: format!("{:.3}", e.probability),
        model: e.model_version.clone(),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct ReviewQuery {
    #[serde(default)]
    schema: Option<String>,
    #[serde(default)]
    left: Option<String>,
    #[serde(default)]
    right: Option<String>,
    #[serde(default)]
    decided: Option<String>,
}

fn review_page(
    pages: &Pages,
    who: &SignedIn,
    session: &Session<'_>,
    q: &ReviewQuery,
    errors: Vec<FieldError>,
    form: DecideForm,
) -> Response {
    let chrome = Chrome::new(pages, who, "/review");
    let schema = q.schema.clone().unwrap_or_else(|| DEFAULT_SCHEMA.into());
    let (in_hand, queue) = match (&q.left, &q.right) {
        // A pair asked for by name (from a dossier's history).
        (Some(l), Some(r)) => {
            let shown = session
                .explain(l, r)
                .and_then(|e| Ok((session.show(l)?, session.show(r)?, e)));
            match shown {
                Ok((a, b, e)) => (Some(pair(&a, &b, &e)), Vec::new()),
                Err(e) => return problem(chrome, &e),
            }
        }
        _ => match session.review_queue(&schema, QUEUE_SHOWN_MAX + 1) {
            Ok(items) => {
                let mut items = items.into_iter();
                let first = items
                    .next()
                    .map(|i| pair(&i.left, &i.right, &i.explanation));
                let rest = items
                    .map(|i| Queued {
                        left: i.pair.left_id,
                        right: i.pair.right_id,
                        probability: format!("{:.3}", i.pair.probability),
                    })
                    .collect();
                (first, rest)
            }
            Err(e) => return problem(chrome, &e),
        },
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ReviewPage {
        chrome,
        schema,
        pair: in_hand,
        queue,
        verdicts: VERDICTS.to_vec(),
        errors,
        form,
        decided: q.decided.is_some(),
    };
    render(status, &page)
}

pub(crate) async fn page(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Query(q): Query<ReviewQuery>,
) -> Response {
    off_thread(move || {
        signed_in_page(&pages, &headers, "/review", |who, session| {
            review_page(&pages, who, session, &q, Vec::new(), DecideForm::default())
        })
    })
    .await
}

#[derive(Deserialize, Default)]
pub(crate) struct DecideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    left: String,
    #[serde(default)]
    right: String,
    #[serde(default)]
    verdict: String,
    #[serde(default)]
    why: String,
}

pub(crate) async fn decide(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Form(form): Form<DecideForm>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working_form(&pages, &headers, &form.csrf) {
            Ok(w) => w,
            Err(refused) => return refused,
        };
        let session = match pages.engine.session(work) {
            Ok(s) => s,
            Err(e) => return problem(Chrome::new(&pages, &who, "/review"), &e),
        };
        let mut errors = Vec::new();
        if !VERDICTS.contains(&form.verdict.as_str()) {
            errors.push(FieldError::new(
                "verdict",
                "Select whether these are the same",
            ));
        }
        if form.why.trim().is_empty() {
            errors.push(FieldError::new("why", "Enter the reason for your decision"));
        }
        if errors.is_empty() {
            match session.judge(&form.left, &form.right, &form.verdict, form.why.trim()) {
                Ok(_) => return Redirect::to("/review?decided=1").into_response(),
                Err(e) => return problem(Chrome::new(&pages, &who, "/review"), &e),
            }
        }
        let q = ReviewQuery {
            left: Some(form.left.clone()),
            right: Some(form.right.clone()),
            ..ReviewQuery::default()
        };
        review_page(&pages, &who, &session, &q, errors, form)
    })
    .await
}
