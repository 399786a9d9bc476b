//! The queries against slow, obvious references on seeded random graphs,
//! with hidden nodes and edges, kind and date filters, and limits.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::cell::RefCell;
use std::collections::BTreeSet;

use clearstone_graph::{
    EdgeIx, EdgeRef, Filter, Graph, Limit, Limits, NodeIx, NodeRef, Path, Subgraph, Visibility,
    betweenness_centrality, degree_centrality,
};
use common::{Case, Rng, betweenness_by_pairs};

const CASES: u64 = 400;

fn visibility(hidden: bool) -> Visibility {
    if hidden {
        Visibility::Hidden
    } else {
        Visibility::Visible
    }
}

/// Runs `check` with the case's gate and filter.
fn with_filter<R>(case: &Case, check: impl FnOnce(&Filter<'_>) -> R) -> R {
    let node_gate = |n: NodeRef<'_>| visibility(case.hidden[n.ix.0 as usize]);
    let edge_gate = |e: EdgeRef<'_>| visibility(case.hidden_edges[e.ix.0 as usize]);
    let mut filter = Filter::new(&node_gate).edge_gate(&edge_gate);
    if let Some(kinds) = &case.kinds {
        filter = filter.kinds(kinds.iter().copied());
    }
    if let Some(span) = case.during {
        filter = filter.during(span);
    }
    check(&filter)
}

fn small_limits(rng: &mut Rng) -> Limits {
    Limits {
        nodes_max: if rng.chance(30) {
            1 + rng.below(8)
        } else {
            1_000
        },
        edges_max: if rng.chance(30) { rng.below(10) } else { 1_000 },
        hops_max: 6,
        k_max: 6,
        paths_max: if rng.chance(30) {
            1 + rng.below(5)
        } else {
            100_000
        },
        visits_max: 1_000_000,
    }
}

fn ix(n: usize) -> NodeIx {
    NodeIx(n as u32)
}

fn path_of(case: &Case, nodes: &[usize]) -> Path {
    Path {
        nodes: nodes.iter().map(|&n| ix(n)).collect(),
        edges: nodes.windows(2).map(|w| case.between(w[0], w[1])).collect(),
    }
}

#[test]
fn expansion_equals_breadth_first_reference() {
    let mut rng = Rng::new(1);
    for round in 0..CASES {
        let case = Case::random(&mut rng, 40);
        let graph = case.build();
        let n = case.nodes.len();
        let seeds: Vec<usize> = (0..1 + rng.below(3)).map(|_| rng.below(n)).collect();
        let hops = rng.below(5);
        let limits = small_limits(&mut rng);
        let (nodes, edges, truncated) = case.expand(&seeds, hops, &limits);
        let seeds: Vec<NodeIx> = seeds.into_iter().map(ix).collect();
        let sub = with_filter(&case, |f| graph.expand(&seeds, hops as u32, f, &limits)).unwrap();
        assert_eq!(sub.nodes(), nodes, "round {round}: nodes");
        assert_eq!(sub.edges(), edges, "round {round}: edges");
        assert_eq!(sub.truncated(), truncated, "round {round}: truncated");
    }
}

#[test]
fn neighbours_equal_reference() {
    let mut rng = Rng::new(2);
    for round in 0..CASES {
        let case = Case::random(&mut rng, 30);
        let graph = case.build();
        let node = rng.below(case.nodes.len());
        let limits = small_limits(&mut rng);
        let got = with_filter(&case, |f| graph.neighbours(ix(node), f, &limits)).unwrap();
        let (mut want, mut truncated, mut edges) = (Vec::new(), Vec::new(), 0);
        if !case.hidden[node] {
            for v in case.nbrs(node) {
                let between = case.between(node, v);
                if want.len() >= limits.nodes_max {
                    truncated.push(Limit::NodesMax);
                    break;
                }
                if edges + between.len() > limits.edges_max {
                    truncated.push(Limit::EdgesMax);
                    break;
                }
                edges += between.len();
                want.push((ix(v), between));
            }
        }
        let got_pairs: Vec<(NodeIx, Vec<EdgeIx>)> = got
            .neighbours
            .into_iter()
            .map(|n| (n.node, n.edges))
            .collect();
        assert_eq!(got_pairs, want, "round {round}");
        assert_eq!(got.truncated, truncated, "round {round}");
    }
}

#[test]
fn shortest_paths_are_shortest_and_valid() {
    let mut rng = Rng::new(3);
    for round in 0..CASES * 2 {
        let case = Case::random(&mut rng, 40);
        let graph = case.build();
        let n = case.nodes.len();
        let (a, b) = (rng.below(n), rng.below(n));
        let limits = Limits {
            hops_max: rng.below(7) as u32,
            ..Limits::default()
        };
        let got = with_filter(&case, |f| graph.shortest_path(ix(a), ix(b), f, &limits)).unwrap();
        let dist = case
            .distances(a)
            .get(&b)
            .copied()
            .filter(|_| !case.hidden[b]);
        match dist {
            Some(d) if d <= limits.hops_max as usize => {
                assert!(got.truncated.is_empty(), "round {round}");
                let [path] = got.paths.as_slice() else {
                    panic!("round {round}: expected one path, got {:?}", got.paths);
                };
                assert_eq!(path.len(), d, "round {round}");
                let nodes: Vec<usize> = path.nodes.iter().map(|n| n.0 as usize).collect();
                assert_eq!((nodes[0], nodes[d]), (a, b), "round {round}");
                assert!(nodes.iter().all(|&v| !case.hidden[v]), "round {round}");
                assert_eq!(*path, path_of(&case, &nodes), "round {round}");
                assert!(path.edges.iter().all(|e| !e.is_empty()), "round {round}");
            }
            Some(_) => {
                assert!(got.paths.is_empty(), "round {round}");
                assert_eq!(got.truncated, [Limit::HopsMax], "round {round}");
            }
            None => {
                assert!(got.paths.is_empty(), "round {round}");
                assert!(
                    got.truncated.iter().all(|&l| l == Limit::HopsMax),
                    "round {round}"
                );
            }
        }
    }
}

#[test]
fn all_paths_equal_brute_force() {
    let mut rng = Rng::new(4);
    for round in 0..CASES {
        let case = Case::random(&mut rng, 16);
        let graph = case.build();
        let n = case.nodes.len();
        let (a, b) = (rng.below(n), rng.below(n));
        let k = rng.below(6);
        let limits = small_limits(&mut rng);
        let got = with_filter(&case, |f| {
            graph.all_paths(ix(a), ix(b), k as u32, f, &limits)
        })
        .unwrap();
        let all = case.all_paths(a, b, k);
        let want: Vec<Path> = all
            .iter()
            .take(limits.paths_max)
            .map(|p| path_of(&case, p))
            .collect();
        assert_eq!(got.paths, want, "round {round}");
        let cut = all.len() > limits.paths_max;
        assert_eq!(
            got.truncated,
            if cut { vec![Limit::PathsMax] } else { vec![] },
            "round {round}"
        );
    }
}

#[test]
fn shared_associates_equal_reference() {
    let mut rng = Rng::new(5);
    for round in 0..CASES {
        let case = Case::random(&mut rng, 20);
        let graph = case.build();
        let n = case.nodes.len();
        let (a, b) = (rng.below(n), if rng.chance(10) { 0 } else { rng.below(n) });
        let limits = small_limits(&mut rng);
        let got =
            with_filter(&case, |f| graph.shared_associates(ix(a), ix(b), f, &limits)).unwrap();
        let (mut want, mut truncated, mut edges) = (Vec::new(), Vec::new(), 0);
        if !case.hidden[a] && !case.hidden[b] {
            let ends = if a == b { 1 } else { 2 };
            let common: BTreeSet<usize> =
                case.nbrs(a).intersection(&case.nbrs(b)).copied().collect();
            for c in common.into_iter().filter(|&c| c != a && c != b) {
                let (via_a, via_b) = (case.between(c, a), case.between(c, b));
                if ends + want.len() >= limits.nodes_max {
                    truncated.push(Limit::NodesMax);
                    break;
                }
                if edges + via_a.len() + via_b.len() > limits.edges_max {
                    truncated.push(Limit::EdgesMax);
                    break;
                }
                edges += via_a.len() + via_b.len();
                want.push((ix(c), via_a, via_b));
            }
        }
        let got_rows: Vec<_> = got
            .associates
            .iter()
            .map(|s| (s.node, s.via_a.clone(), s.via_b.clone()))
            .collect();
        assert_eq!(got_rows, want, "round {round}");
        assert_eq!(got.truncated, truncated, "round {round}");
        let sub = got.subgraph();
        assert_subgraph_closed(&graph, &sub);
    }
}

fn assert_subgraph_closed(graph: &Graph, sub: &Subgraph) {
    let nodes: BTreeSet<NodeIx> = sub.nodes().iter().copied().collect();
    assert_eq!(nodes.len(), sub.nodes().len(), "a node twice");
    let edges: BTreeSet<EdgeIx> = sub.edges().iter().copied().collect();
    assert_eq!(edges.len(), sub.edges().len(), "an edge twice");
    for &e in sub.edges() {
        let e = graph.edge(e).unwrap();
        assert!(nodes.contains(&e.from) && nodes.contains(&e.to));
    }
}

#[test]
fn centrality_equals_pair_counting() {
    let mut rng = Rng::new(6);
    for round in 0..CASES {
        let case = Case::random(&mut rng, 14);
        let graph = case.build();
        let seeds = [ix(rng.below(case.nodes.len()))];
        let sub = with_filter(&case, |f| graph.expand(&seeds, 3, f, &Limits::default())).unwrap();
        let position = |n: NodeIx| sub.nodes().iter().position(|&m| m == n).unwrap();
        let pairs: Vec<(usize, usize)> = sub
            .edges()
            .iter()
            .map(|&e| {
                let e = graph.edge(e).unwrap();
                (position(e.from), position(e.to))
            })
            .collect();
        let size = sub.nodes().len();
        let want = betweenness_by_pairs(size, &pairs);
        let got = betweenness_centrality(&graph, &sub).unwrap();
        let degree = degree_centrality(&graph, &sub).unwrap();
        for i in 0..size {
            assert_eq!(got[i].node, sub.nodes()[i]);
            assert!(
                (got[i].value - want[i]).abs() < 1e-9,
                "round {round}: {} vs {}",
                got[i].value,
                want[i]
            );
            let scale = if size > 2 {
                2.0 / ((size - 1) * (size - 2)) as f64
            } else {
                0.0
            };
            assert!(
                (got[i].normalised - want[i] * scale).abs() < 1e-9,
                "round {round}"
            );
            let distinct: BTreeSet<usize> = pairs
                .iter()
                .filter(|(f, t)| f != t)
                .filter_map(|&(f, t)| {
                    if f == i {
                        Some(t)
                    } else if t == i {
                        Some(f)
                    } else {
                        None
                    }
                })
                .collect();
            assert_eq!(degree[i].value, distinct.len() as f64, "round {round}");
        }
    }
}

/// The hidden-node rule in one property: a user sees exactly what they
/// would see had the hidden nodes and edges never been loaded, down to which
/// limits are reported.
#[test]
fn hidden_nodes_are_as_if_never_loaded() {
    let mut rng = Rng::new(7);
    for round in 0..CASES {
        let mut case = Case::random(&mut rng, 30);
        if case.hidden.iter().all(|&h| !h) {
            case.hidden = (0..case.nodes.len()).map(|_| rng.chance(30)).collect();
        }
        let (clean, kept, kept_edges) = case.without_hidden();
        if clean.nodes.is_empty() {
            continue;
        }
        let (graph, clean_graph) = (case.build(), clean.build());
        let old = |n: NodeIx| ix(kept[n.0 as usize]);
        let old_edge = |e: &EdgeIx| EdgeIx(kept_edges[e.0 as usize] as u32);
        let old_path = |p: &Path| Path {
            nodes: p.nodes.iter().map(|&n| old(n)).collect(),
            edges: p
                .edges
                .iter()
                .map(|es| es.iter().map(old_edge).collect())
                .collect(),
        };
        let limits = small_limits(&mut rng);
        let (a, b) = (rng.below(clean.nodes.len()), rng.below(clean.nodes.len()));
        let seeds = [ix(a), ix(b)];
        let old_seeds = [old(ix(a)), old(ix(b))];

        let want = with_filter(&clean, |f| clean_graph.expand(&seeds, 3, f, &limits)).unwrap();
        let got = with_filter(&case, |f| graph.expand(&old_seeds, 3, f, &limits)).unwrap();
        assert_eq!(
            got.nodes(),
            want.nodes().iter().map(|&n| old(n)).collect::<Vec<_>>(),
            "round {round}"
        );
        assert_eq!(
            got.edges(),
            want.edges().iter().map(old_edge).collect::<Vec<_>>(),
            "round {round}"
        );
        assert_eq!(got.truncated(), want.truncated(), "round {round}");

        let want = with_filter(&clean, |f| {
            clean_graph.shortest_path(ix(a), ix(b), f, &limits)
        })
        .unwrap();
        let got = with_filter(&case, |f| {
            graph.shortest_path(old(ix(a)), old(ix(b)), f, &limits)
        })
        .unwrap();
        assert_eq!(
            got.paths,
            want.paths.iter().map(old_path).collect::<Vec<_>>(),
            "round {round}"
        );
        assert_eq!(got.truncated, want.truncated, "round {round}");

        let limits = Limits { k_max: 4, ..limits };
        let want = with_filter(&clean, |f| {
            clean_graph.all_paths(ix(a), ix(b), 4, f, &limits)
        })
        .unwrap();
        let got = with_filter(&case, |f| {
            graph.all_paths(old(ix(a)), old(ix(b)), 4, f, &limits)
        })
        .unwrap();
        assert_eq!(
            got.paths,
            want.paths.iter().map(old_path).collect::<Vec<_>>(),
            "round {round}"
        );
        assert_eq!(got.truncated, want.truncated, "round {round}");

        let want = with_filter(&clean, |f| {
            clean_graph.shared_associates(ix(a), ix(b), f, &limits)
        })
        .unwrap();
        let got = with_filter(&case, |f| {
            graph.shared_associates(old(ix(a)), old(ix(b)), f, &limits)
        })
        .unwrap();
        assert_eq!(got.associates.len(), want.associates.len(), "round {round}");
        for (g, w) in got.associates.iter().zip(&want.associates) {
            assert_eq!(g.node, old(w.node), "round {round}");
            assert_eq!(
                g.via_a,
                w.via_a.iter().map(old_edge).collect::<Vec<_>>(),
                "round {round}"
            );
            assert_eq!(
                g.via_b,
                w.via_b.iter().map(old_edge).collect::<Vec<_>>(),
                "round {round}"
            );
        }
        assert_eq!(got.truncated, want.truncated, "round {round}");
    }
}

/// Hidden ends answer like isolated ones, and the gate hears about each node
/// at most once per query.
#[test]
fn hidden_ends_answer_like_isolated_nodes() {
    let mut rng = Rng::new(8);
    for round in 0..CASES / 4 {
        let mut case = Case::random(&mut rng, 30);
        let n = case.nodes.len();
        let a = rng.below(n);
        case.hidden[a] = true;
        let graph = case.build();
        let asked = RefCell::new(Vec::new());
        let gate = |node: NodeRef<'_>| {
            asked.borrow_mut().push(node.ix);
            visibility(case.hidden[node.ix.0 as usize])
        };
        let filter = Filter::new(&gate);
        let limits = Limits::default();
        for b in 0..n {
            asked.borrow_mut().clear();
            let (x, y) = (ix(a), ix(b));
            assert!(
                graph.shortest_path(x, y, &filter, &limits).unwrap() == Default::default(),
                "round {round}"
            );
            assert!(
                graph.shortest_path(y, x, &filter, &limits).unwrap() == Default::default(),
                "round {round}"
            );
            assert!(
                graph.all_paths(y, x, 4, &filter, &limits).unwrap() == Default::default(),
                "round {round}"
            );
            assert!(
                graph.shared_associates(x, y, &filter, &limits).unwrap() == Default::default(),
                "round {round}"
            );
            assert!(
                graph
                    .shared_associates(x, y, &filter, &limits)
                    .unwrap()
                    .subgraph()
                    .nodes()
                    .is_empty()
            );
        }
        assert!(graph.neighbours(ix(a), &filter, &limits).unwrap() == Default::default());
        assert!(graph.expand(&[ix(a)], 3, &filter, &limits).unwrap() == Subgraph::default());
        asked.borrow_mut().clear();
        let b = rng.below(n);
        let _ = graph.expand(&[ix(b)], 4, &filter, &limits).unwrap();
        let _ = graph.all_paths(ix(b), ix(a), 4, &filter, &limits).unwrap();
        let mut each = asked.borrow().clone();
        let calls = each.len();
        each.sort();
        each.dedup();
        assert!(
            calls <= 2 * each.len(),
            "round {round}: the gate was asked twice in one query"
        );
    }
}

#[test]
fn limits_on_the_question_are_errors() {
    let case = Case::random(&mut Rng::new(9), 10);
    let graph = case.build();
    let limits = Limits {
        hops_max: 2,
        k_max: 3,
        ..Limits::default()
    };
    let gate = |_: NodeRef<'_>| Visibility::Visible;
    let filter = Filter::new(&gate);
    let err = graph.expand(&[ix(0)], 3, &filter, &limits).unwrap_err();
    assert_eq!(err.to_string(), "3 is over the limit hops_max = 2");
    let err = graph
        .all_paths(ix(0), ix(0), 4, &filter, &limits)
        .unwrap_err();
    assert_eq!(err.to_string(), "4 is over the limit k_max = 3");
    let missing = ix(case.nodes.len());
    assert!(graph.expand(&[missing], 1, &filter, &limits).is_err());
    assert!(
        graph
            .shortest_path(ix(0), missing, &filter, &limits)
            .is_err()
    );
    assert!(graph.neighbours(missing, &filter, &limits).is_err());
}

/// A search that runs out of visits says so instead of claiming no path.
#[test]
fn visits_max_is_reported() {
    let mut b = clearstone_graph::GraphBuilder::new();
    let n: Vec<NodeIx> = (0..200)
        .map(|i| b.node(&format!("n{i}"), "Person", "p").unwrap())
        .collect();
    for w in n.windows(2) {
        b.edge(clearstone_graph::NewEdge {
            from: w[0],
            to: w[1],
            kind: "Association",
            span: Default::default(),
            record: None,
        })
        .unwrap();
    }
    let graph = b.build();
    let gate = |_: NodeRef<'_>| Visibility::Visible;
    let filter = Filter::new(&gate);
    let limits = Limits {
        hops_max: 500,
        k_max: 500,
        visits_max: 50,
        ..Limits::default()
    };
    let got = graph.shortest_path(n[0], n[199], &filter, &limits).unwrap();
    assert!(got.paths.is_empty());
    assert_eq!(got.truncated, [Limit::VisitsMax]);
    let got = graph
        .all_paths(n[0], n[199], 300, &filter, &limits)
        .unwrap();
    assert_eq!(got.truncated, [Limit::VisitsMax]);
    let limits = Limits {
        visits_max: 1_000,
        ..limits
    };
    assert_eq!(
        graph
            .shortest_path(n[0], n[199], &filter, &limits)
            .unwrap()
            .paths[0]
            .len(),
        199
    );
    assert_eq!(
        graph
            .all_paths(n[0], n[199], 300, &filter, &limits)
            .unwrap()
            .paths[0]
            .len(),
        199
    );
}
