//! Search: the query box with its syntax help, type, dataset and date
//! facets (which become the query's own filters), highlighted snippets and
//! paging.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use clearstone_engine::{SearchHit as Hit, SearchPage as Page};
use serde::Deserialize;

use super::Pages;
use super::layout::{Chrome, off_thread, problem, render, working};

/// Hits on a page.
const PAGE_SIZE: usize = 20;

#[derive(Deserialize, Default)]
pub(crate) struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default, rename = "type")]
    schema: String,
    #[serde(default)]
    dataset: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: Option<usize>,
}

impl SearchForm {
    /// The query the engine runs: the words typed, then each facet chosen as
    /// the filter the query grammar already has, so one parser checks both.
    fn query(&self) -> String {
        clearstone_engine::SearchFilters {
            q: self.q.clone(),
            schema: self.schema.clone(),
            dataset: self.dataset.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        }
        .query()
    }

    /// This search's link for another page of results.
    fn link(&self, page: usize) -> String {
        let enc = |s: &str| form_urlencode(s);
        format!(
            "/search?q={}&type={}&dataset={}&from={}&to={}&page={page}",
            enc(&self.q),
            enc(&self.schema),
            enc(&self.dataset),
            enc(&self.from),
            enc(&self.to)
        )
    }
}

/// Percent-encodes a query-string value.
pub(crate) fn form_urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A piece of snippet text, marked where it matched.
pub(crate) struct Piece {
    pub text: String,
    pub hit: bool,
}

pub(crate) struct ShownHit {
    pub canonical: String,
    pub schema: String,
    pub label: String,
    pub records: usize,
    pub snippets: Vec<(String, Vec<Piece>)>,
}

/// Splits a snippet at its highlighted byte ranges; a range that does not
/// fall on character boundaries is shown unmarked rather than dropped.
fn pieces(text: &str, highlights: &[(usize, usize)]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut at = 0;
    for &(start, end) in highlights {
        let (Some(before), Some(hit)) = (text.get(at..start), text.get(start..end)) else {
            continue;
        };
        if !before.is_empty() {
            out.push(Piece {
                text: before.to_string(),
                hit: false,
            });
        }
        out.push(Piece {
            text: hit.to_string(),
            hit: true,
        });
        at = end;
    }
    if let Some(rest) = text.get(at..).filter(|r| !r.is_empty()) {
        out.push(Piece {
            text: rest.to_string(),
            hit: false,
        });
    }
    out
}

pub(crate) fn shown(hit: Hit) -> ShownHit {
    ShownHit {
        records: hit.entities.len(),
        snippets: hit
            .snippets
            .iter()
            .map(|s| (s.prop.clone(), pieces(&s.text, &s.highlights)))
            .collect(),
        canonical: hit.canonical,
        schema: hit.schema,
        label: hit.label,
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    form: SearchForm,
    types: Vec<String>,
    datasets: Vec<String>,
    searched: bool,
    total: u64,
    hits: Vec<ShownHit>,
    first: usize,
    previous: Option<String>,
    next: Option<String>,
    /// The counts by type, dataset and year, on the first page.
    facets: Option<super::search_facets::FacetLinks>,
}

pub(crate) async fn page(
    State(pages): State<Pages>,
    headers: HeaderMap,
    Query(form): Query<SearchForm>,
) -> Response {
    off_thread(move || {
        let (who, work) = match working(&pages, &headers) {
            Ok(w) => w,
            Err(redirect) => return redirect,
        };
        let session = match pages.engine.session(work) {
            Ok(s) => s,
            Err(e) => return problem(Chrome::new(&pages, &who, "/search"), &e),
        };
        let chrome = Chrome::of_session(&who, &session, "/search");
        let mut types: Vec<String> = pages
            .engine
            .ontology()
            .types()
            .map(|t| t.name.to_string())
            .collect();
        types.sort();
        // The datasets this session may search, for the facet: names only,
        // as the register's counts cost a pass over the store.
        let datasets = match session.searchable_datasets() {
            Ok(d) => d,
            Err(e) => return problem(chrome, &e),
        };
        let query = form.query();
        let page_no = form.page.unwrap_or(1).max(1);
        let mut out = SearchPage {
            chrome,
            types,
            datasets,
            searched: !query.is_empty(),
            total: 0,
            hits: Vec::new(),
            first: (page_no - 1) * PAGE_SIZE + 1,
            previous: None,
            next: None,
            facets: None,
            form,
        };
        if out.searched {
            let asked = Page {
                offset: (page_no - 1) * PAGE_SIZE,
                size: PAGE_SIZE,
            };
            let results = match session.search(&query, asked) {
                Ok(r) => r,
                Err(e) => return problem(out.chrome, &e),
            };
            out.total = results.total;
            out.previous = (page_no > 1).then(|| out.form.link(page_no - 1));
            out.next = ((page_no * PAGE_SIZE) as u64)
                .lt(&results.total)
                .then(|| out.form.link(page_no + 1));
            out.hits = results.hits.into_iter().map(shown).collect();
            if page_no == 1 && results.total > 0 {
                let f = &out.form;
                let asked = super::search_facets::Asked {
                    q: &f.q,
                    schema: &f.schema,
                    dataset: &f.dataset,
                    from: &f.from,
                    to: &f.to,
                };
                out.facets = match super::search_facets::links(&session, &query, &asked) {
                    Ok(l) => Some(l),
                    Err(e) => return problem(out.chrome, &e),
                };
            }
        }
        render(StatusCode::OK, &out)
    })
    .await
}
