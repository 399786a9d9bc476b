//! The alert queue and one alert with its evidence and review. Indicator
//! alerts and the gate's own self-monitoring alerts share the queue; each
//! alert shows its rule, the plain-English condition each piece of evidence
//! met, and that record's values as the reviewer may see them, protected
//! characteristics withheld. Taking an alert into review, deciding,
//! confirming a referral and recording representations are forms, each
//! one engine act. An alert the user may not see is answered as an absent
//! one.

use std::collections::BTreeSet;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use clearstone_engine::{Alert, AlertForReview, REVIEW_OUTCOMES, Session};
use serde::Deserialize;

use super::Pages;
use super::layout::{Chrome, off_thread, problem, render, session_page, working_form};

/// Alerts read for the queue, newest first, before filtering.
const QUEUE_READ_MAX: usize = 500;

/// How the queue may be ordered: (code, label).
const SORTS: [(&str, &str); 4] = [
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("rule", "Rule"),
    ("status", "Status"),
];

#[derive(Deserialize, Default)]
pub(crate) struct QueueQuery {
    #[serde(default)]
    rule: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    sort: String,
}

/// One alert in the queue.
struct Row {
    id: i64,
    at: String,
    rule: String,
    status: String,
    detail: String,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct QueuePage {
    chrome: Chrome,
    rows: Vec<Row>,
    rules: Vec<Choice>,
    states: Vec<Choice>,
    sorts: Vec<Choice>,
    filtered: bool,
}

/// What the queue calls an alert's rule: the indicator rule and version,
/// or the gate's kind of self-monitoring alert.
fn rule_of(a: &Alert) -> String {
    match (&a.rule_id, a.rule_version) {
        (Some(r), Some(v)) => format!("{r} v{v}"),
        (Some(r), None) => r.clone(),
        _ => a.kind.clone(),
    }
}

fn rule_key(a: &Alert) -> String {
    a.rule_id.clone().unwrap_or_else(|| a.kind.clone())
}

fn choices(values: BTreeSet<String>, selected: &str, all: &str) -> Vec<Choice> {
    let mut out = vec![Choice {
        value: String::new(),
        label: all.to_string(),
        selected: selected.is_empty(),
    }];
    out.extend(values.into_iter().map(|v| Choice {
        selected: v == selected,
        label: v.replace('_', " "),
        value: v,
    }));
    out
}

fn queue(alerts: Vec<Alert>, q: &QueueQuery, chrome: Chrome) -> QueuePage {
    let rules: BTreeSet<String> = alerts.iter().map(rule_key).collect();
    let states: BTreeSet<String> = alerts.iter().map(|a| a.status.clone()).collect();
    let mut kept: Vec<Alert> = alerts
        .into_iter()
        .filter(|a| q.rule.is_empty() || rule_key(a) == q.rule)
        .filter(|a| q.status.is_empty() || a.status == q.status)
        .collect();
    match q.sort.as_str() {
        "oldest" => kept.sort_by_key(|a| (a.at.0, a.id)),
        "rule" => kept.sort_by_key(|a| (rule_of(a), a.id)),
        "status" => kept.sort_by(|a, b| (&a.status, a.id).cmp(&(&b.status, b.id))),
        _ => kept.sort_by_key(|a| (std::cmp::Reverse(a.at.0), std::cmp::Reverse(a.id))),
    }
    let sort = if SORTS.iter().any(|(c, _)| *c == q.sort) {
        q.sort.as_str()
    } else {
        "newest"
    };
    QueuePage {
        chrome,
        filtered: !q.rule.is_empty() || !q.status.is_empty(),
        rows: kept
            .iter()
            .map(|a| Row {
                id: a.id,
                at: a.at.to_string(),
                rule: rule_of(a),
                status: a.status.replace('_', " "),
                detail: a.detail.clone(),
            })
            .collect(),
        rules: choices(rules, &q.rule, "All rules"),
        states: choices(states, &q.status, "All states"),
        sorts: SORTS
            .iter()
            .map(|(c, l)| Choice {
                value: (*c).to_string(),
                label: (*l).to_string(),
                selected: *c == sort,
            })
            .collect(),
    }
}

pub(crate) async fn list(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Query(q): Query<QueueQuery>,
) -> Response {
    off_thread(move || {
        session_page(
            &pages,
            &headers,
            "/alerts",
            |s: &Session<'_>, chrome| match s.alerts(QUEUE_READ_MAX) {
                Ok(alerts) => render(StatusCode::OK, &queue(alerts, &q, chrome)),
                Err(e) => problem(chrome, &e),
            },
        )
    })
    .await
}

/// One value of a piece of evidence.
struct Shown {
    prop: String,
    value: String,
}

struct Piece {
    record: String,
    condition: String,
    values: Vec<Shown>,
}

struct Act {
    at: String,
    by: String,
    act: String,
    outcome: String,
    text: String,
}

#[derive(Template)]
#[template(path = "alert.html")]
struct AlertPage {
    chrome: Chrome,
    alert: Alert,
    rule: String,
    pieces: Vec<Piece>,
    acts: Vec<Act>,
    outcomes: Vec<&'static str>,
}

impl AlertPage {
    fn can_open(&self) -> bool {
        matches!(self.alert.status.as_str(), "new" | "open")
    }
    fn can_decide(&self) -> bool {
        self.alert.status == "in_review"
    }
    fn can_confirm(&self) -> bool {
        self.alert.status == "referral_pending"
    }
    fn can_represent(&self) -> bool {
        self.alert.status == "refer_for_assessment"
    }
}

fn alert_page(view: AlertForReview, chrome: Chrome) -> AlertPage {
    let pieces = view
        .evidence
        .into_iter()
        .map(|e| Piece {
            values: e
                .statements
                .into_iter()
                .map(|s| Shown {
                    prop: s.prop.replace('_', " "),
                    value: s.value,
                })
                .collect(),
            record: e.record,
            condition: e.condition,
        })
        .collect();
    let acts = view
        .acts
        .into_iter()
        .map(|(a, text)| Act {
            at: a.at.to_string(),
            by: a.principal,
            act: a.act.replace('_', " "),
            outcome: a.outcome.unwrap_or_default().replace('_', " "),
            text,
        })
        .collect();
    AlertPage {
        chrome,
        rule: rule_of(&view.alert),
        alert: view.alert,
        pieces,
        acts,
        outcomes: REVIEW_OUTCOMES.to_vec(),
    }
}

pub(crate) async fn page(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    off_thread(move || {
        session_page(&pages, &headers, "/alerts", |s: &Session<'_>, chrome| {
            // A reference that is not a number names no alert: answered as
            // an absent one, after the same one event.
            let id = id.parse::<i64>().unwrap_or(0);
            match s.alert_view(id) {
                Ok(view) => render(StatusCode::OK, &alert_page(view, chrome)),
                Err(e) => problem(chrome, &e),
            }
        })
    })
    .await
}

#[derive(Deserialize, Default)]
pub(crate) struct ActForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    act: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    text: String,
}

/// One review act on the alert: take into review, decide, confirm a
/// referral, or record the subject's representations.
pub(crate) async fn act(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ActForm>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working_form(&pages, &headers, &form.csrf) {
            Ok(w) => w,
            Err(refused) => return refused,
        };
        let chrome = Chrome::new(&pages, &who, "/alerts");
        let session = match pages.engine.session(work) {
            Ok(s) => s,
            Err(e) => return problem(chrome, &e),
        };
        let n = id.parse::<i64>().unwrap_or(0);
        let text = form.text.trim();
        let done = match form.act.as_str() {
            "open" => session.review_alert(n).map(|_| ()),
            "decide" => session.decide_alert(n, &form.outcome, text).map(|_| ()),
            "confirm" => session.confirm_alert(n, &form.outcome, text).map(|_| ()),
            "representation" => session.alert_representation(n, text),
            // Still an attempt: refused as one event, alert or no alert.
            other => session.refuse_alert_act(n, other),
        };
        match done {
            Ok(()) => Redirect::to(&format!("/alerts/{n}")).into_response(),
            Err(e) => super::alerts_form::again(chrome, n, &form.act, &form.outcome, text, &e),
        }
    })
    .await
}
