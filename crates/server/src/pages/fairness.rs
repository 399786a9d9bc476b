//! The fairness report page, under the equality-monitoring purpose only:
//! the monthly alert → referral → action report of the active rules, and
//! on request the dry run of a registered rule version. Each table has its
//! chart, drawn on the server as SVG (`fairness_chart.rs`), and the table
//! is the chart's text alternative. Aggregates only: a suppressed cell
//! shows words, never a number or a bar.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use clearstone_engine::fairness::{Interval, PublishedImpact};
use clearstone_engine::{
    EngineError, FAIRNESS_DIMENSIONS, FairnessReport, MONTHLY_STAGES, MonthlyReport, Session,
};
use serde::Deserialize;

use super::Pages;
use super::fairness_chart::{BarChart, SUPPRESSED, ratio_chart};
use super::form::{FieldError, message_for};
use super::layout::{Chrome, off_thread, problem, render, session_page};

#[derive(Deserialize, Default)]
pub(crate) struct FairnessQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// The month whose charts are drawn (default: the last of the range).
    #[serde(default)]
    month: String,
    #[serde(default)]
    dimension: String,
    /// A registered rule version to dry-run, and the service it runs as.
    #[serde(default)]
    rule: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    service: String,
}

/// One group's figures as the table shows them.
struct Row {
    group: String,
    among: String,
    selected: String,
    rate: String,
    rate_interval: String,
    ratio: String,
    ratio_interval: String,
    under: bool,
}

/// A chart with its table.
struct Figure {
    heading: String,
    chart: BarChart,
    rows: Vec<Row>,
}

struct MonthRow {
    month: String,
    alerted: String,
    referred: String,
    actioned: String,
}

struct Choice {
    value: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "fairness.html")]
struct FairnessPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    q: FairnessQuery,
    from: String,
    to: String,
    rules: String,
    people: String,
    months: Vec<MonthRow>,
    month_choices: Vec<Choice>,
    dimension_choices: Vec<Choice>,
    monthly: Vec<Figure>,
    dry_run: Option<(String, Vec<Figure>)>,
}

impl FairnessPage {
    fn error(&self, field: &str) -> Option<&str> {
        message_for(&self.errors, field)
    }
}

fn count(v: Option<u64>) -> String {
    v.map_or_else(|| SUPPRESSED.to_string(), |v| v.to_string())
}

fn interval(i: Option<Interval>) -> String {
    i.map_or_else(String::new, |i| {
        if i.high.is_finite() {
            format!("{:.3} to {:.3}", i.low, i.high)
        } else {
            format!("{:.3} upwards", i.low)
        }
    })
}

fn rows(groups: &[PublishedImpact]) -> Vec<Row> {
    groups
        .iter()
        .map(|g| Row {
            group: g.group.replace('_', " "),
            among: count(g.people),
            selected: count(g.flagged),
            rate: g
                .rate
                .map_or_else(|| SUPPRESSED.to_string(), |r| format!("{r:.3}")),
            rate_interval: interval(g.rate_interval),
            ratio: g
                .ratio
                .map_or_else(|| SUPPRESSED.to_string(), |r| format!("{r:.2}")),
            ratio_interval: interval(g.ratio_interval),
            under: g.adverse == Some(true),
        })
        .collect()
}

fn figure(id: &str, heading: String, groups: &[PublishedImpact]) -> Figure {
    Figure {
        chart: ratio_chart(id, &heading, groups),
        rows: rows(groups),
        heading,
    }
}

fn label(dimension: &str) -> String {
    dimension.replace('_', " ")
}

fn dry_run_figures(r: &FairnessReport) -> (String, Vec<Figure>) {
    let summary = format!(
        "Rule {}: {} people counted, {} would be flagged.",
        r.rule,
        count(r.people),
        count(r.flagged)
    );
    let figures = r
        .tables
        .iter()
        .map(|t| {
            figure(
                &format!("dry-{}", t.dimension),
                format!("Flagged by {}", label(&t.dimension)),
                &t.groups,
            )
        })
        .collect();
    (summary, figures)
}

/// The month field a bad month belongs to.
fn month_error(e: &EngineError) -> FieldError {
    let field = if e.to_string().contains("`--to`") {
        "to"
    } else {
        "from"
    };
    FieldError::new(
        field,
        "Enter months as YYYY-MM, like 2026-03, the first no later than the last and at most 60 months apart",
    )
}

fn draw(s: &Session<'_>, chrome: Chrome, q: FairnessQuery) -> Response {
    let opt = |v: &str| Some(v.trim()).filter(|v| !v.is_empty()).map(str::to_string);
    let mut errors = Vec::new();
    let report = match s.fairness_monthly(None, opt(&q.from).as_deref(), opt(&q.to).as_deref()) {
        Ok(r) => Some(r),
        Err(e @ EngineError::InvalidInput(_)) => {
            errors.push(month_error(&e));
            None
        }
        Err(e) => return problem(chrome, &e),
    };
    let dry_run = match dry_run(s, &q, &mut errors) {
        Ok(d) => d,
        Err(e) => return problem(chrome, &e),
    };
    let dimension = FAIRNESS_DIMENSIONS
        .iter()
        .map(|(d, _)| *d)
        .find(|d| *d == q.dimension)
        .unwrap_or("unit")
        .to_string();
    let page = page(chrome, errors, q, report.as_ref(), &dimension, dry_run);
    render(
        if page.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        &page,
    )
}

/// The dry run asked for, if any; a field's problem goes to `errors`.
fn dry_run(
    s: &Session<'_>,
    q: &FairnessQuery,
    errors: &mut Vec<FieldError>,
) -> Result<Option<(String, Vec<Figure>)>, EngineError> {
    let rule = q.rule.trim();
    if rule.is_empty() {
        return Ok(None);
    }
    let Ok(version) = q.version.trim().parse::<u32>() else {
        errors.push(FieldError::new(
            "version",
            "Enter the rule's version, a whole number like 2",
        ));
        return Ok(None);
    };
    let service = q.service.trim();
    if service.is_empty() {
        errors.push(FieldError::new(
            "service",
            "Enter the service principal the rule's dry run runs as",
        ));
        return Ok(None);
    }
    match s.fairness_of_version(service, rule, version) {
        Ok(r) => Ok(Some(dry_run_figures(&r))),
        Err(e @ (EngineError::NotFound(_) | EngineError::InvalidInput(_))) => {
            errors.push(FieldError::new("rule", e.to_string()));
            Ok(None)
        }
        Err(e @ EngineError::SessionRefused { .. }) => {
            errors.push(FieldError::new("service", e.to_string()));
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

fn page(
    chrome: Chrome,
    errors: Vec<FieldError>,
    q: FairnessQuery,
    report: Option<&MonthlyReport>,
    dimension: &str,
    dry_run: Option<(String, Vec<Figure>)>,
) -> FairnessPage {
    let months = report.map_or_else(Vec::new, |r| r.months.iter().collect::<Vec<_>>());
    let chosen = months
        .iter()
        .find(|m| m.month == q.month.trim())
        .or(months.last())
        .copied();
    let monthly = chosen.map_or_else(Vec::new, |m| {
        MONTHLY_STAGES
            .iter()
            .filter_map(|(stage, about)| {
                let groups = m.groups(stage, dimension)?;
                Some(figure(
                    &format!("month-{stage}"),
                    format!("{}: {about}, by {}", m.month, label(dimension)),
                    groups,
                ))
            })
            .collect()
    });
    FairnessPage {
        chrome,
        errors,
        from: report.map_or_else(String::new, |r| r.from.clone()),
        to: report.map_or_else(String::new, |r| r.to.clone()),
        rules: report.map_or_else(String::new, |r| {
            if r.rules.is_empty() {
                "no rule is active".to_string()
            } else {
                r.rules.join(", ")
            }
        }),
        people: count(report.and_then(|r| r.people)),
        months: months
            .iter()
            .map(|m| MonthRow {
                month: m.month.clone(),
                alerted: count(m.alerted),
                referred: count(m.referred),
                actioned: count(m.actioned),
            })
            .collect(),
        month_choices: months
            .iter()
            .map(|m| Choice {
                value: m.month.clone(),
                selected: chosen.is_some_and(|c| c.month == m.month),
            })
            .collect(),
        dimension_choices: FAIRNESS_DIMENSIONS
            .iter()
            .map(|(d, _)| Choice {
                value: (*d).to_string(),
                selected: *d == dimension,
            })
            .collect(),
        monthly,
        dry_run,
        q,
    }
}

pub(crate) async fn page_handler(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Query(q): Query<FairnessQuery>,
) -> Response {
    off_thread(move || {
        session_page(&pages, &headers, "/fairness", |s: &Session<'_>, chrome| {
            draw(s, chrome, q)
        })
    })
    .await
}
