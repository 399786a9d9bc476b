//! Link analysis through the session: what the graph returns, counts and
//! connects is what the session may see, and nothing else (see
//! `links/mod.rs` for the data and who sees what).
#![allow(clippy::unwrap_used, clippy::panic)]

mod links;
mod support;

use std::sync::{Arc, Mutex};

use clearstone_engine::{
    Day, Destination, Disclosure, EngineError, ExportFormat, GraphFormat, Limits, Network,
    Oversight, SearchPage, Session, SessionRequest, Span, graph_limits,
};
use links::*;
use sha2::Digest as _;

fn canonical(s: &Session<'_>, id: &str) -> String {
    s.dossier(id).unwrap().id
}

fn ids(net: &Network) -> Vec<String> {
    let mut v: Vec<String> = net.nodes.iter().map(|n| n.id.clone()).collect();
    v.sort();
    v
}

fn expand(s: &Session<'_>, id: &str, hops: u32) -> Network {
    s.graph_expand(id, hops, &[], None, &graph_limits())
        .unwrap()
}

#[test]
fn expansion_never_returns_or_counts_a_hidden_node() {
    let (_t, e) = fixture();
    let ana = e.session(req("ana", "pds")).unwrap();
    let hal = e.session(req("hal", "pds")).unwrap();
    let sam = e.session(req("sam", "pds")).unwrap();
    let ann = canonical(&ana, OFFICER_1);

    let seen_by_ana = expand(&ana, OFFICER_1, 2);
    let seen_by_hal = expand(&hal, OFFICER_1, 2);
    let seen_by_sam = expand(&sam, OFFICER_1, 2);
    assert_eq!(seen_by_ana.nodes[0].id, ann, "the seed comes first");
    assert_eq!(seen_by_ana.nodes[0].label, "Ann Smithson (Officer)");
    // ana: Ann, two homes, the absence, two complaints, two complainants.
    let a = ids(&seen_by_ana);
    for id in ["psd:complaint:C1", "psd:complaint:C2", "absence:absence:A1"] {
        assert!(a.contains(&id.to_string()), "{id} in {a:?}");
    }
    assert!(!a.iter().any(|i| i.starts_with("intel:")), "{a:?}");
    // hal: no complaint and nothing found through one.
    let h = ids(&seen_by_hal);
    assert!(!h.iter().any(|i| i.starts_with("psd:")), "{h:?}");
    assert!(
        !seen_by_hal
            .edges
            .iter()
            .any(|e| e.record.starts_with("psd:") || e.record.starts_with("intel:"))
    );
    assert!(h.len() < a.len() && a.len() < ids(&seen_by_sam).len());
    let text = format!("{seen_by_hal:?}");
    for hidden in ["psd:", "intel:", "Holt", "Complaint", "Intelligence"] {
        assert!(!text.contains(hidden), "{hidden} leaked: {text}");
    }
    // Limits count only what hal may see: exactly his nodes fit.
    let limits = Limits {
        nodes_max: h.len(),
        ..graph_limits()
    };
    let fit = hal.graph_expand(OFFICER_1, 2, &[], None, &limits).unwrap();
    assert_eq!((fit.nodes.len(), fit.truncated.len()), (h.len(), 0));
    let limits = Limits {
        nodes_max: h.len() - 1,
        ..graph_limits()
    };
    let cut = hal.graph_expand(OFFICER_1, 2, &[], None, &limits).unwrap();
    assert_eq!(cut.truncated, ["nodes_max"]);

    // Neighbours and centrality see the same world.
    let n = hal.graph_neighbours(OFFICER_1).unwrap();
    assert!(
        n.neighbours
            .iter()
            .all(|(x, _)| !x.id.starts_with("psd:") && !x.id.starts_with("intel:"))
    );
    let c = hal.graph_centrality(OFFICER_1, 2).unwrap();
    assert_eq!(c.scores.len(), h.len());
    assert_eq!(
        c.scores[0].node.id, ann,
        "Ann sits between her homes and absence"
    );

    // A hidden entity cannot be asked about at all, the same as one that
    // does not exist.
    for id in [COMPLAINANT_1, "psd:complaint:C1", "nobody:at:all"] {
        assert!(matches!(
            hal.graph_expand(id, 1, &[], None, &graph_limits()),
            Err(EngineError::NotFound(_))
        ));
    }
}

#[test]
fn a_path_that_needs_a_hidden_entity_is_not_returned() {
    let (_t, e) = fixture();
    let ana = e.session(req("ana", "pds")).unwrap();
    let hal = e.session(req("hal", "pds")).unwrap();
    let sam = e.session(req("sam", "pds")).unwrap();

    // Ann and Bob are linked through a complainant: Ann <- C1 -> P1 <- C3 -> Bob.
    let p = ana.graph_paths(OFFICER_1, OFFICER_2, 4).unwrap();
    let shortest = p.shortest.as_ref().unwrap();
    let via: Vec<&str> = shortest.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(via.len(), 5, "{via:?}");
    assert_eq!(via[1], "psd:complaint:C1");
    assert_eq!(via[3], "psd:complaint:C3");
    assert_eq!(shortest.hops[0][0].kind, "subject");
    assert_eq!(p.paths.len(), 1);
    // hal may not see complaints: no path, and nothing says one was held back.
    let p = hal.graph_paths(OFFICER_1, OFFICER_2, 4).unwrap();
    assert!(p.shortest.is_none() && p.paths.is_empty() && p.truncated.is_empty());
    assert!(!format!("{p:?}").contains("psd:"));

    // Ann and Cat are linked only by a SECRET report.
    let p = ana.graph_paths(OFFICER_1, OFFICER_3, 4).unwrap();
    assert!(p.shortest.is_none() && p.paths.is_empty() && p.truncated.is_empty());
    let p = sam.graph_paths(OFFICER_1, OFFICER_3, 4).unwrap();
    let via: Vec<&str> = p.paths[0].nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(via[1], REPORT_1);

    // Shared associates: the complaint both Ann and the complainant are in.
    let s = ana.graph_shared(OFFICER_1, COMPLAINANT_1).unwrap();
    let shared: Vec<&str> = s.associates.iter().map(|x| x.node.id.as_str()).collect();
    assert_eq!(shared, ["psd:complaint:C1"]);
    let s = ana.graph_shared(OFFICER_1, OFFICER_3).unwrap();
    assert!(s.associates.is_empty() && s.truncated.is_empty());
    let s = sam.graph_shared(OFFICER_1, OFFICER_3).unwrap();
    assert_eq!(s.associates[0].node.id, REPORT_1);
    // A hidden end is the same as a missing one.
    assert!(matches!(
        hal.graph_shared(OFFICER_1, COMPLAINANT_1),
        Err(EngineError::NotFound(_))
    ));
    assert!(matches!(
        hal.graph_paths(OFFICER_1, COMPLAINANT_1, 3),
        Err(EngineError::NotFound(_))
    ));
    // k is limited.
    assert!(matches!(
        ana.graph_paths(OFFICER_1, OFFICER_2, 9),
        Err(EngineError::InvalidInput(_))
    ));
}

#[test]
fn kinds_and_dates_narrow_what_is_followed() {
    let (_t, e) = fixture();
    let ana = e.session(req("ana", "pds")).unwrap();
    let only = |kinds: &[&str], span: Option<Span>| {
        let kinds: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
        ids(&ana
            .graph_expand(OFFICER_1, 1, &kinds, span, &graph_limits())
            .unwrap())
    };
    let subjects = only(&["subject"], None);
    assert!(subjects.contains(&"psd:complaint:C1".to_string()));
    assert!(
        !subjects
            .iter()
            .any(|i| i.starts_with("absence:") || i.contains("home"))
    );
    let from_2021 = Span::new(Day::parse_earliest("2021").ok(), None).unwrap();
    let recent = only(&["subject", "staff_member"], Some(from_2021));
    assert!(recent.contains(&"psd:complaint:C1".to_string()));
    assert!(!recent.contains(&"psd:complaint:C2".to_string()), "2019");
    assert!(!recent.contains(&"absence:absence:A1".to_string()), "2020");
    let june_2020 = Span::parse(Some("2020-06-05"), Some("2020-06-05")).unwrap();
    assert!(only(&["staff_member"], Some(june_2020)).contains(&"absence:absence:A1".to_string()));
    assert!(matches!(
        ana.graph_expand(
            OFFICER_1,
            1,
            &["no_such_property".into()],
            None,
            &graph_limits()
        ),
        Err(EngineError::InvalidInput(_))
    ));
    let over = Limits {
        nodes_max: clearstone_engine::GRAPH_NODES_MAX + 1,
        ..graph_limits()
    };
    assert!(matches!(
        ana.graph_expand(OFFICER_1, 1, &[], None, &over),
        Err(EngineError::InvalidInput(_))
    ));
}

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn export(s: &Session<'_>, format: GraphFormat, recipient: &str) -> (Network, String) {
    let buf = Buf::default();
    let net = s
        .graph_export(
            OFFICER_1,
            2,
            format,
            Destination::Stream(&mut buf.clone()),
            &Disclosure {
                recipient,
                gateway: None,
            },
        )
        .unwrap();
    let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    (net, text)
}

#[test]
fn exports_load_back_with_what_the_session_sees() {
    let (_t, e) = fixture();
    let hal = e.session(req("hal", "pds")).unwrap();
    let expected = expand(&hal, OFFICER_1, 2);

    let (net, graphml) = export(&hal, GraphFormat::GraphMl, SELF);
    assert_eq!(net, expected);
    let doc = roxmltree::Document::parse(&graphml).unwrap();
    let ns = "http://graphml.graphdrawing.org/xmlns";
    let nodes: Vec<roxmltree::Node<'_, '_>> = doc
        .descendants()
        .filter(|n| n.has_tag_name((ns, "node")))
        .collect();
    let mut got: Vec<String> = nodes
        .iter()
        .map(|n| n.attribute("id").unwrap().to_string())
        .collect();
    got.sort();
    assert_eq!(got, ids(&expected));
    let label_of = |id: &str| {
        nodes
            .iter()
            .find(|n| n.attribute("id") == Some(id))
            .and_then(|n| {
                n.children()
                    .find(|c| c.attribute("key") == Some("label"))
                    .and_then(|c| c.text())
            })
            .map(str::to_string)
    };
    let ann = &expected.nodes[0];
    assert_eq!(label_of(&ann.id), Some(ann.label.clone()));
    let edges = doc
        .descendants()
        .filter(|n| n.has_tag_name((ns, "edge")))
        .count();
    assert_eq!(edges, expected.edges.len());
    assert!(!graphml.contains("psd:") && !graphml.contains("intel:"));
    assert!(!graphml.contains("nodes_max"), "not cut short");

    let (_, gexf) = export(&hal, GraphFormat::Gexf, SELF);
    let doc = roxmltree::Document::parse(&gexf).unwrap();
    let gexf_nodes = doc
        .descendants()
        .filter(|n| n.has_tag_name(("http://gexf.net/1.3", "node")))
        .count();
    assert_eq!(gexf_nodes, expected.nodes.len());
    // The absence is dated, so Gephi gets a dynamic graph.
    assert!(gexf.contains("mode=\"dynamic\""));

    let (_, cy) = export(&hal, GraphFormat::Cytoscape, SELF);
    let v: serde_json::Value = serde_json::from_str(&cy).unwrap();
    assert_eq!(
        v["elements"]["nodes"].as_array().unwrap().len(),
        expected.nodes.len()
    );
    assert_eq!(
        v["elements"]["edges"].as_array().unwrap().len(),
        expected.edges.len()
    );
}

/// The recipient of an export to one's own file.
const SELF: &str = "self, for analysis";

// issue 14, finding 12: an export without a recipient was logged as a
// consultation, and a disclosure carried neither its gateway nor a hash of
// what was sent.
#[test]
fn a_graph_export_is_always_a_disclosure_with_its_gateway_and_the_hash_of_its_bytes() {
    let (_t, e) = fixture();
    let s = e.session(req("ana", "pds")).unwrap();
    let mut sent = String::new();
    let ev = one_event(&e, || {
        sent = export(&s, GraphFormat::GraphMl, SELF).1;
    });
    assert_eq!(ev.operation, "disclose");
    assert_eq!(ev.recipient.as_deref(), Some(SELF));
    assert!(
        ev.query
            .starts_with("graph export graphml 2 hops under gateway sha256:"),
        "{}",
        ev.query
    );
    let digest: String = sha2::Sha256::digest(sent.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(
        ev.outcome.contains(&format!("sha256:{digest}")),
        "{}",
        ev.outcome
    );
    let ev = one_event(&e, || {
        export(&s, GraphFormat::Gexf, "IOPC");
    });
    assert_eq!(ev.operation, "disclose");
    assert_eq!(ev.recipient.as_deref(), Some("IOPC"));
    let ev = one_event(&e, || {
        let err = s
            .graph_export(
                OFFICER_1,
                2,
                GraphFormat::Gexf,
                Destination::Stream(&mut std::io::sink()),
                &Disclosure {
                    recipient: " ",
                    gateway: None,
                },
            )
            .unwrap_err();
        assert!(matches!(err, EngineError::RecipientRequired));
    });
    assert_eq!(
        (ev.operation.as_str(), ev.outcome.as_str()),
        ("refused", "recipient_required")
    );
}

// issue 14, finding 15: graph answers, searches and exports named canonical
// ids only (exports nothing at all, finding 9), so asking the log after a
// source record found none of them.
#[test]
fn an_overseer_finds_graph_answers_searches_and_exports_by_any_source_record_of_them() {
    let (_t, e) = fixture();
    let s = e.session(req("ana", "pds")).unwrap();
    s.graph_neighbours(OFFICER_1).unwrap();
    assert!(
        !s.search("Smithson", SearchPage::first(10))
            .unwrap()
            .hits
            .is_empty()
    );
    s.export_statements(
        ExportFormat::Csv,
        Destination::Stream(&mut std::io::sink()),
        &Disclosure {
            recipient: "IOPC",
            gateway: Some("DPA 2018 s.35(2)(b)"),
        },
    )
    .unwrap();
    let eng = e.session(req("eng", "load")).unwrap();
    let found = eng
        .oversee(&Oversight {
            subject: Some(VETTING_1.into()),
            principal: Some("ana".into()),
            ..Oversight::default()
        })
        .unwrap();
    let queries: Vec<&str> = found
        .evidence
        .iter()
        .map(|ev| ev.event["query"].as_str().unwrap())
        .collect();
    assert_eq!(queries.len(), 3, "{queries:?}");
    assert_eq!(queries[0], "graph neighbours");
    assert!(queries[1].starts_with("search sha256:"), "{queries:?}");
    assert!(
        queries[2].starts_with("export statements csv under gateway sha256:"),
        "{queries:?}"
    );
}

#[test]
fn every_graph_method_logs_one_event_naming_the_nodes_it_returns() {
    let (_t, e) = fixture();
    let s = e.session(req("ana", "pds")).unwrap();
    type Op<'a> = Box<dyn Fn() -> usize + 'a>;
    let ops: Vec<(&str, Op<'_>)> = vec![
        (
            "graph neighbours",
            Box::new(|| s.graph_neighbours(OFFICER_1).unwrap().neighbours.len() + 1),
        ),
        (
            "graph expand 2 hops",
            Box::new(|| expand(&s, OFFICER_1, 2).nodes.len()),
        ),
        (
            "graph paths k=4",
            Box::new(|| {
                s.graph_paths(OFFICER_1, OFFICER_2, 4).unwrap().paths[0]
                    .nodes
                    .len()
            }),
        ),
        (
            "graph shared associates",
            Box::new(|| {
                s.graph_shared(OFFICER_1, COMPLAINANT_1)
                    .unwrap()
                    .associates
                    .len()
                    + 2
            }),
        ),
        (
            "graph centrality 1 hops",
            Box::new(|| s.graph_centrality(OFFICER_1, 1).unwrap().scores.len()),
        ),
    ];
    for (query, op) in &ops {
        let mut returned = 0;
        let ev = one_event(&e, || returned = op());
        assert_eq!(
            (ev.operation.as_str(), ev.query.as_str()),
            ("consult", *query)
        );
        // Each entity returned, with its source records.
        assert!(ev.subjects.len() >= returned, "{query}");
        assert!(ev.subjects.iter().all(|h| h.len() == 32), "{query}");
    }
    // A refusal is logged once too.
    let ev = one_event(&e, || {
        assert!(s.graph_neighbours("nobody:at:all").is_err());
    });
    assert_eq!(ev.outcome, "not found");
    // No session, no graph; a session covering no data finds nothing.
    assert!(
        e.session(SessionRequest {
            purpose: String::new(),
            ..req("ana", "pds")
        })
        .is_err()
    );
    let admin = support::admin(&e, "checking");
    assert!(matches!(
        admin.graph_neighbours(OFFICER_1),
        Err(EngineError::NotFound(_))
    ));
}

#[test]
fn the_graph_follows_the_index() {
    let (t, e) = fixture();
    let eng = e.session(req("eng", "load")).unwrap();
    let ana = e.session(req("ana", "pds")).unwrap();
    let before = ana.graph_paths(OFFICER_1, OFFICER_3, 4).unwrap();
    assert!(before.paths.is_empty());
    // A new complaint about Cat by a complainant of Ann's connects them.
    let mapping = psd_mapping().replace("psd.csv", "psd_more.csv");
    load(
        &eng,
        &t.path().join("src"),
        &mapping,
        "psd_more.csv",
        PSD_MORE_CSV,
    );
    let after = ana.graph_paths(OFFICER_1, OFFICER_3, 4).unwrap();
    let via: Vec<&str> = after.paths[0].nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(
        (via[1], via[3]),
        ("psd:complaint:C2", "psd:complaint:C4"),
        "{via:?}"
    );
    assert_eq!(via[2], canonical(&ana, COMPLAINANT_2));
}
