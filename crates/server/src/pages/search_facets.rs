//! The counts beside the search page's filters: how the entities matched
//! fall by type, dataset and year, each a link that narrows the search to
//! it (the filter the query grammar already has, as the form's own).

use clearstone_engine::{EngineError, Session};

use super::search::form_urlencode;

/// One value of a facet: its count and the search narrowed to it.
pub(crate) struct FacetLink {
    pub value: String,
    pub count: u64,
    pub href: String,
    /// The search is already narrowed to it.
    pub chosen: bool,
}

/// One facet: its name and values.
pub(crate) struct FacetGroup {
    pub title: &'static str,
    pub links: Vec<FacetLink>,
}

pub(crate) struct FacetLinks {
    /// Type, dataset and year, each with at least one value.
    pub groups: Vec<FacetGroup>,
    /// False when too many records matched to count.
    pub counted: bool,
}

/// The search form's fields, to keep while one of them changes.
pub(crate) struct Asked<'a> {
    pub q: &'a str,
    pub schema: &'a str,
    pub dataset: &'a str,
    pub from: &'a str,
    pub to: &'a str,
}

impl Asked<'_> {
    fn href(&self, schema: &str, dataset: &str, from: &str, to: &str) -> String {
        format!(
            "/search?q={}&type={}&dataset={}&from={}&to={}",
            form_urlencode(self.q),
            form_urlencode(schema),
            form_urlencode(dataset),
            form_urlencode(from),
            form_urlencode(to)
        )
    }
}

/// Years listed: the most populous, enough to narrow by, few enough to read.
const YEARS_SHOWN: usize = 12;

/// The facet counts of `query` (the one the engine runs): one event.
pub(crate) fn links(
    session: &Session<'_>,
    query: &str,
    asked: &Asked<'_>,
) -> Result<FacetLinks, EngineError> {
    let f = session.search_facets(query)?;
    let types: Vec<FacetLink> = f
        .types
        .into_iter()
        .map(|(value, count)| FacetLink {
            href: asked.href(&value, asked.dataset, asked.from, asked.to),
            chosen: value == asked.schema,
            value,
            count,
        })
        .collect();
    let datasets: Vec<FacetLink> = f
        .datasets
        .into_iter()
        .map(|(value, count)| FacetLink {
            href: asked.href(asked.schema, &value, asked.from, asked.to),
            chosen: value == asked.dataset,
            value,
            count,
        })
        .collect();
    let mut years: Vec<FacetLink> = f
        .years
        .into_iter()
        .take(YEARS_SHOWN)
        .map(|(value, count)| FacetLink {
            href: asked.href(asked.schema, asked.dataset, &value, &value),
            chosen: value == asked.from && value == asked.to,
            value,
            count,
        })
        .collect();
    years.sort_by(|a, b| b.value.cmp(&a.value));
    let groups = [("Type", types), ("Dataset", datasets), ("Year", years)]
        .into_iter()
        .filter(|(_, links)| !links.is_empty())
        .map(|(title, links)| FacetGroup { title, links })
        .collect();
    Ok(FacetLinks {
        groups,
        counted: f.counted,
    })
}
