//! Exports load back: GraphML and GEXF through a real XML parser, Cytoscape
//! JSON through serde_json, with hostile text in every field.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use clearstone_graph::{
    Filter, Graph, Limit, Limits, NodeIx, NodeRef, Subgraph, Visibility, write_cytoscape,
    write_gexf, write_graphml,
};
use common::{Case, Rng};

const GRAPHML: &str = "http://graphml.graphdrawing.org/xmlns";
const GEXF: &str = "http://gexf.net/1.3";

fn nasty(rng: &mut Rng) -> String {
    const BITS: [&str; 16] = [
        "a",
        "Z",
        " ",
        "<",
        ">",
        "&",
        "\"",
        "'",
        "\t",
        "\n",
        "\r",
        "\u{0}",
        "\u{1b}",
        "é",
        "\u{1f4a5}",
        "\u{fffe}",
    ];
    (0..rng.below(8))
        .map(|_| BITS[rng.below(BITS.len())])
        .collect()
}

/// What survives XML 1.0: characters it cannot carry become U+FFFD.
fn xml_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// One export's view of an edge: source and target ids, kind, dates, record.
type EdgeRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

struct Expected {
    nodes: Vec<(String, String, String)>,
    edges: Vec<EdgeRow>,
    truncated: Vec<&'static str>,
}

fn expected(graph: &Graph, sub: &Subgraph) -> Expected {
    let nodes = sub
        .nodes()
        .iter()
        .map(|&n| {
            let n = graph.node(n).unwrap();
            (n.id.to_string(), n.label.to_string(), n.schema.to_string())
        })
        .collect();
    let edges = sub
        .edges()
        .iter()
        .map(|&e| {
            let e = graph.edge(e).unwrap();
            (
                graph.node(e.from).unwrap().id.to_string(),
                graph.node(e.to).unwrap().id.to_string(),
                e.kind.to_string(),
                e.span.start.map(|d| d.to_string()),
                e.span.end.map(|d| d.to_string()),
                e.record.map(str::to_string),
            )
        })
        .collect();
    let truncated = sub.truncated().iter().map(|l| l.name()).collect();
    Expected {
        nodes,
        edges,
        truncated,
    }
}

fn in_xml(e: Expected) -> Expected {
    let t = |s: &String| xml_text(s);
    Expected {
        nodes: e.nodes.iter().map(|(a, b, c)| (t(a), t(b), t(c))).collect(),
        edges: e
            .edges
            .iter()
            .map(|(f, to, k, s, en, r)| {
                (t(f), t(to), t(k), s.clone(), en.clone(), r.as_ref().map(t))
            })
            .collect(),
        truncated: e.truncated,
    }
}

fn random_export(rng: &mut Rng) -> (Graph, Subgraph) {
    let mut case = Case::random(rng, 25);
    for (i, (id, schema, label)) in case.nodes.iter_mut().enumerate() {
        *id = format!("{}#{i}", nasty(rng));
        *schema = nasty(rng);
        *label = nasty(rng);
    }
    for e in &mut case.edges {
        if let Some(r) = &mut e.record {
            r.push_str(&nasty(rng));
        }
    }
    let graph = case.build();
    let gate = |_: NodeRef<'_>| Visibility::Visible;
    let limits = Limits {
        nodes_max: 1 + rng.below(30),
        edges_max: rng.below(60),
        ..Limits::default()
    };
    let seeds = [NodeIx(rng.below(case.nodes.len()) as u32)];
    let sub = graph
        .expand(&seeds, 3, &Filter::new(&gate), &limits)
        .unwrap();
    (graph, sub)
}

fn data<'a>(node: roxmltree::Node<'a, 'a>, key: &str) -> Option<String> {
    node.children()
        .find(|c| c.has_tag_name((GRAPHML, "data")) && c.attribute("key") == Some(key))
        .map(|c| c.text().unwrap_or("").to_string())
}

#[test]
fn graphml_parses_back() {
    let mut rng = Rng::new(11);
    for round in 0..300 {
        let (graph, sub) = random_export(&mut rng);
        let mut out = Vec::new();
        write_graphml(&graph, &sub, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("round {round}: {e}\n{text}"));
        let root = doc.root_element();
        assert!(root.has_tag_name((GRAPHML, "graphml")));
        let keys: Vec<(&str, &str)> = root
            .children()
            .filter(|c| c.has_tag_name((GRAPHML, "key")))
            .map(|k| (k.attribute("id").unwrap(), k.attribute("for").unwrap()))
            .collect();
        assert!(keys.contains(&("label", "node")) && keys.contains(&("kind", "edge")));
        let g = root
            .children()
            .find(|c| c.has_tag_name((GRAPHML, "graph")))
            .unwrap();
        assert_eq!(g.attribute("edgedefault"), Some("directed"));
        let nodes: Vec<_> = g
            .children()
            .filter(|c| c.has_tag_name((GRAPHML, "node")))
            .map(|n| {
                (
                    n.attribute("id").unwrap().to_string(),
                    data(n, "label").unwrap(),
                    data(n, "schema").unwrap(),
                )
            })
            .collect();
        let edges: Vec<EdgeRow> = g
            .children()
            .filter(|c| c.has_tag_name((GRAPHML, "edge")))
            .map(|e| {
                (
                    e.attribute("source").unwrap().to_string(),
                    e.attribute("target").unwrap().to_string(),
                    data(e, "kind").unwrap(),
                    data(e, "start"),
                    data(e, "end"),
                    data(e, "record"),
                )
            })
            .collect();
        let truncated = data(g, "truncated").unwrap_or_default();
        let want = in_xml(expected(&graph, &sub));
        assert_eq!(nodes, want.nodes, "round {round}");
        assert_eq!(edges, want.edges, "round {round}");
        assert_eq!(truncated, want.truncated.join(" "), "round {round}");
    }
}

#[test]
fn gexf_parses_back() {
    let mut rng = Rng::new(12);
    let mut dynamic = 0;
    for round in 0..300 {
        let (graph, sub) = random_export(&mut rng);
        let mut out = Vec::new();
        write_gexf(&graph, &sub, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("round {round}: {e}\n{text}"));
        let root = doc.root_element();
        assert!(root.has_tag_name((GEXF, "gexf")));
        assert_eq!(root.attribute("version"), Some("1.3"));
        let g = root
            .children()
            .find(|c| c.has_tag_name((GEXF, "graph")))
            .unwrap();
        let att = |n: roxmltree::Node<'_, '_>, key: &str| {
            n.descendants()
                .find(|c| c.has_tag_name((GEXF, "attvalue")) && c.attribute("for") == Some(key))
                .map(|c| c.attribute("value").unwrap().to_string())
        };
        let nodes: Vec<_> = g
            .descendants()
            .filter(|c| c.has_tag_name((GEXF, "node")))
            .map(|n| {
                (
                    n.attribute("id").unwrap().to_string(),
                    n.attribute("label").unwrap().to_string(),
                    att(n, "schema").unwrap(),
                )
            })
            .collect();
        let edges: Vec<EdgeRow> = g
            .descendants()
            .filter(|c| c.has_tag_name((GEXF, "edge")))
            .map(|e| {
                assert_eq!(att(e, "kind").as_deref(), e.attribute("label"));
                (
                    e.attribute("source").unwrap().to_string(),
                    e.attribute("target").unwrap().to_string(),
                    e.attribute("label").unwrap().to_string(),
                    e.attribute("start").map(str::to_string),
                    e.attribute("end").map(str::to_string),
                    att(e, "record"),
                )
            })
            .collect();
        let want = in_xml(expected(&graph, &sub));
        assert_eq!(nodes, want.nodes, "round {round}");
        assert_eq!(edges, want.edges, "round {round}");
        let dated = edges.iter().any(|e| e.3.is_some() || e.4.is_some());
        assert_eq!(
            g.attribute("mode"),
            Some(if dated { "dynamic" } else { "static" })
        );
        dynamic += usize::from(dated);
        let description = root
            .descendants()
            .find(|c| c.has_tag_name((GEXF, "description")))
            .and_then(|d| d.text());
        let cut = (!want.truncated.is_empty())
            .then(|| format!("cut short at {}", want.truncated.join(" ")));
        assert_eq!(description.map(str::to_string), cut, "round {round}");
    }
    assert!(dynamic > 0);
}

#[test]
fn cytoscape_parses_back() {
    let mut rng = Rng::new(13);
    let mut cut = 0;
    for round in 0..300 {
        let (graph, sub) = random_export(&mut rng);
        let mut out = Vec::new();
        write_cytoscape(&graph, &sub, &mut out).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let s = |v: &serde_json::Value| v.as_str().map(str::to_string);
        let nodes: Vec<_> = json["elements"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                let d = &n["data"];
                (
                    s(&d["id"]).unwrap(),
                    s(&d["label"]).unwrap(),
                    s(&d["schema"]).unwrap(),
                )
            })
            .collect();
        let edges: Vec<EdgeRow> = json["elements"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let d = &e["data"];
                assert_eq!(d["id"], format!("e{i}"));
                (
                    s(&d["source"]).unwrap(),
                    s(&d["target"]).unwrap(),
                    s(&d["kind"]).unwrap(),
                    s(&d["start"]),
                    s(&d["end"]),
                    s(&d["record"]),
                )
            })
            .collect();
        let truncated: Vec<String> = json["data"]["truncated"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| s(v).unwrap())
            .collect();
        let want = expected(&graph, &sub);
        assert_eq!(nodes, want.nodes, "round {round}");
        assert_eq!(edges, want.edges, "round {round}");
        assert_eq!(truncated, want.truncated, "round {round}");
        cut += usize::from(sub.truncated().contains(&Limit::EdgesMax));
    }
    assert!(cut > 0);
}

#[test]
fn export_of_a_known_graph_reads_as_expected() {
    let mut b = clearstone_graph::GraphBuilder::new();
    let ana = b.node("hr:person:1", "Person", "Ana <Smith>").unwrap();
    let acme = b.node("hr:org:1", "Organisation", "Acme & Sons").unwrap();
    b.edge(clearstone_graph::NewEdge {
        from: ana,
        to: acme,
        kind: "Employment",
        span: clearstone_graph::Span::parse(Some("2019-04"), None).unwrap(),
        record: Some("hr:employment:1"),
    })
    .unwrap();
    let graph = b.build();
    let gate = |_: NodeRef<'_>| Visibility::Visible;
    let sub = graph
        .expand(&[ana], 1, &Filter::new(&gate), &Limits::default())
        .unwrap();
    let mut out = Vec::new();
    write_cytoscape(&graph, &sub, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "{\"data\":{\"truncated\":[]},\"elements\":{\"nodes\":[\n\
{\"data\":{\"id\":\"hr:person:1\",\"label\":\"Ana <Smith>\",\"schema\":\"Person\"}},\n\
{\"data\":{\"id\":\"hr:org:1\",\"label\":\"Acme & Sons\",\"schema\":\"Organisation\"}}],\"edges\":[\n\
{\"data\":{\"id\":\"e0\",\"source\":\"hr:person:1\",\"target\":\"hr:org:1\",\"kind\":\"Employment\",\"start\":\"2019-04-01\",\"record\":\"hr:employment:1\"}}]}}\n"
    );
    let mut out = Vec::new();
    write_graphml(&graph, &sub, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains(
        "<node id=\"hr:person:1\"><data key=\"label\">Ana &lt;Smith&gt;</data><data key=\"schema\">Person</data></node>"
    ));
}
