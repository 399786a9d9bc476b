//! Records whose type is a special category (ontology `sensitivity` on a
//! type): a sickness absence says its subject was unwell by existing. Without
//! a lawful condition on the purpose such a record is absent from every
//! answer; with one it is there, its special-category values masked (see
//! `links/mod.rs` for the data and who sees what).
#![allow(clippy::unwrap_used, clippy::panic)]

mod links;
mod support;

use clearstone_engine::{EngineError, ExportFormat, SearchPage, Session, graph_limits};
use links::*;

const ABSENCE_1: &str = "absence:absence:A1";

fn exported(s: &Session<'_>) -> String {
    String::from_utf8(support::exported(s, ExportFormat::JsonLines, "test")).unwrap()
}

/// Every way the absence could show: `show`, search, the dossier's incoming
/// references and timeline, the graph, and an export.
fn sightings(s: &Session<'_>) -> Vec<&'static str> {
    let mut out = Vec::new();
    match s.show(ABSENCE_1) {
        Ok(_) => out.push("show"),
        Err(EngineError::NotFound(_)) => {}
        Err(e) => panic!("show answers found or not found, not {e}"),
    }
    let page = SearchPage {
        offset: 0,
        size: 20,
    };
    if s.search("id:A1", page).unwrap().total > 0 {
        out.push("search");
    }
    if s.search("type:absence", page)
        .unwrap()
        .hits
        .iter()
        .any(|h| h.entities.iter().any(|x| x == ABSENCE_1))
    {
        out.push("search by type");
    }
    let d = s.dossier(OFFICER_1).unwrap();
    if d.incoming.iter().any(|r| r.entity_id == ABSENCE_1) {
        out.push("dossier incoming");
    }
    if d.timeline.iter().any(|t| t.entity_id == ABSENCE_1) {
        out.push("dossier timeline");
    }
    let net = s
        .graph_expand(OFFICER_1, 2, &[], None, &graph_limits())
        .unwrap();
    if net.nodes.iter().any(|n| n.id == ABSENCE_1) {
        out.push("graph");
    }
    if exported(s).contains(ABSENCE_1) {
        out.push("export");
    }
    out
}

// issue 14, finding 2
#[test]
fn a_record_of_a_special_category_type_is_absent_without_a_lawful_condition() {
    let (_t, e) = fixture();
    let plain = e.session(req("ana", "pds-plain")).unwrap();
    assert_eq!(sightings(&plain), Vec::<&str>::new());
    // Answered exactly as an id that was never loaded.
    let missing = plain.show("absence:absence:A404").unwrap_err();
    let hidden = plain.show(ABSENCE_1).unwrap_err();
    assert_eq!(missing.code(), hidden.code());
}

#[test]
fn a_record_of_a_special_category_type_is_shown_masked_with_a_lawful_condition() {
    let (_t, e) = fixture();
    let pds = e.session(req("ana", "pds")).unwrap();
    assert_eq!(
        sightings(&pds),
        [
            "show",
            "search",
            "search by type",
            "dossier incoming",
            "dossier timeline",
            "graph",
            "export"
        ]
    );
    let a = pds.show(ABSENCE_1).unwrap();
    assert_eq!(
        a.values("reason_class").collect::<Vec<_>>(),
        ["[health — masked]"]
    );
    assert_eq!(a.values("reference").collect::<Vec<_>>(), ["A1"]);
}
