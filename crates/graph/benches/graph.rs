//! Latency of the graph's queries at a million entities, timed with
//! std::time: build time and memory, 3-hop expansion, expansion capped at
//! 1,000 nodes (goal: under 10 ms), 4-hop shortest path, all paths up to 4
//! hops, and the cost of a gate that hides some entities.
//!
//! cargo bench -p clearstone-graph --bench graph
//!
//! `CLEARSTONE_BENCH_NODES` sets the size (default 1,000,000 nodes, three
//! edges a node). One end of each edge is drawn uniformly and the other from
//! a steep power law, so a few nodes have tens of thousands of links, as a
//! large employer or a busy address does. Under `cargo test --benches` it
//! only prints a note.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use clearstone_graph::{
    Day, Filter, Graph, GraphBuilder, Limits, NewEdge, NodeIx, NodeRef, Span, Visibility,
};

const KINDS: [&str; 4] = ["Association", "Employment", "Family", "Ownership"];

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn build(n: usize, rng: &mut Rng) -> Graph {
    let m = 3 * n;
    let mut b = GraphBuilder::with_capacity(n, m);
    for i in 0..n {
        let (schema, label) = match i % 10 {
            0..=5 => ("Person", format!("Person number {i}")),
            6 | 7 => ("Organisation", format!("Organisation {i} Ltd")),
            _ => ("Address", format!("{} High Street, Northshire", i % 997)),
        };
        b.node(&format!("ds:{schema}:{i:07}"), schema, &label)
            .unwrap();
    }
    // The power-law end goes through a shuffle, so hubs are not the first
    // nodes added.
    let mut shuffle: Vec<u32> = (0..n as u32).collect();
    for i in (1..n).rev() {
        shuffle.swap(i, rng.below(i + 1));
    }
    for i in 0..m {
        let from = rng.below(n);
        let to = shuffle[((n as f64) * rng.unit().powi(3)) as usize % n] as usize;
        let span = if rng.below(10) < 7 {
            let start = 12_000 + rng.below(7_000) as i32;
            let end = (rng.below(2) == 0).then(|| Day(start + rng.below(3_000) as i32));
            Span::new(Some(Day(start)), end).unwrap()
        } else {
            Span::default()
        };
        let record = format!("ds:rel:{i}");
        b.edge(NewEdge {
            from: NodeIx(from as u32),
            to: NodeIx(to as u32),
            kind: KINDS[rng.below(KINDS.len())],
            span,
            record: Some(&record),
        })
        .unwrap();
    }
    b.build()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

/// Runs `query` `rounds` times on fresh random inputs; prints p50, p99 and
/// the median of what each run returned.
fn time(name: &str, rounds: usize, mut query: impl FnMut(usize) -> usize) {
    let mut times = Vec::with_capacity(rounds);
    let mut sizes = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let start = Instant::now();
        let size = black_box(query(i));
        times.push(start.elapsed());
        sizes.push(size);
    }
    times.sort();
    sizes.sort();
    println!(
        "{name:<52} p50 {:>11}  p99 {:>11}  max {:>11}  median size {}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(times.last().copied().unwrap_or_default()),
        sizes[sizes.len() / 2]
    );
}

/// The far end of a walk of `steps` random steps from `from`.
fn walk(graph: &Graph, from: NodeIx, steps: usize, rng: &mut Rng) -> NodeIx {
    let gate = |_: NodeRef<'_>| Visibility::Visible;
    let filter = Filter::new(&gate);
    let limits = Limits {
        nodes_max: usize::MAX,
        edges_max: usize::MAX,
        ..Limits::default()
    };
    let mut at = from;
    for _ in 0..steps {
        let next = graph.neighbours(at, &filter, &limits).unwrap().neighbours;
        if next.is_empty() {
            break;
        }
        at = next[rng.below(next.len())].node;
    }
    at
}

fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "unknown".into())
}

fn main() {
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("graph bench: skipped outside `cargo bench`");
        return;
    }
    let n: usize = std::env::var("CLEARSTONE_BENCH_NODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut rng = Rng(0x5eed);
    let start = Instant::now();
    let graph = build(n, &mut rng);
    let built = start.elapsed();
    println!(
        "graph: {} nodes, {} edges; built in {:.2} s; {:.0} MiB held; peak RSS {}",
        graph.node_count(),
        graph.edge_count(),
        built.as_secs_f64(),
        graph.memory_bytes() as f64 / (1 << 20) as f64,
        peak_rss()
    );

    let open = |_: NodeRef<'_>| Visibility::Visible;
    let all = Filter::new(&open);
    // A gate that hides about one entity in twenty, as a hash of its id.
    let gated = |node: NodeRef<'_>| {
        let h = node.id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        if h % 20 == 0 {
            Visibility::Hidden
        } else {
            Visibility::Visible
        }
    };
    let gated = Filter::new(&gated);
    let employment = Filter::new(&open)
        .kinds(["Employment", "Family"])
        .during(Span::parse(Some("2010"), Some("2015")).unwrap());
    let uncapped = Limits {
        nodes_max: usize::MAX,
        edges_max: usize::MAX,
        ..Limits::default()
    };
    let capped = Limits {
        nodes_max: 1_000,
        edges_max: usize::MAX,
        ..Limits::default()
    };
    let seeds: Vec<NodeIx> = (0..2_000).map(|_| NodeIx(rng.below(n) as u32)).collect();
    let seed = |i: usize| [seeds[i % seeds.len()]];

    time("neighbours", 2_000, |i| {
        graph
            .neighbours(seed(i)[0], &all, &Limits::default())
            .unwrap()
            .neighbours
            .len()
    });
    time("expand 1,000 nodes (nodes_max), 3 hops", 2_000, |i| {
        graph
            .expand(&seed(i), 3, &all, &capped)
            .unwrap()
            .nodes()
            .len()
    });
    time("expand 1,000 nodes, 3 hops, gate hides 1/20", 2_000, |i| {
        graph
            .expand(&seed(i), 3, &gated, &capped)
            .unwrap()
            .nodes()
            .len()
    });
    time("expand 3 hops, default limits (10,000 nodes)", 500, |i| {
        graph
            .expand(&seed(i), 3, &all, &Limits::default())
            .unwrap()
            .nodes()
            .len()
    });
    time("expand 2 hops, uncapped", 200, |i| {
        graph
            .expand(&seed(i), 2, &all, &uncapped)
            .unwrap()
            .nodes()
            .len()
    });
    time("expand 3 hops, uncapped", 50, |i| {
        graph
            .expand(&seed(i), 3, &all, &uncapped)
            .unwrap()
            .nodes()
            .len()
    });
    time("expand 3 hops, 2 kinds, 2010-2015, uncapped", 50, |i| {
        graph
            .expand(&seed(i), 3, &employment, &uncapped)
            .unwrap()
            .nodes()
            .len()
    });

    let four = Limits {
        hops_max: 4,
        ..Limits::default()
    };
    let pairs: Vec<(NodeIx, NodeIx)> = (0..1_000)
        .map(|i| {
            let a = seeds[i];
            (a, walk(&graph, a, 4, &mut rng))
        })
        .collect();
    let random_pairs: Vec<(NodeIx, NodeIx)> = (0..1_000)
        .map(|i| (seeds[i], seeds[seeds.len() - 1 - i]))
        .collect();
    time(
        "shortest path, hops_max 4, ends 4 steps apart",
        1_000,
        |i| {
            let (a, b) = pairs[i];
            graph
                .shortest_path(a, b, &all, &four)
                .unwrap()
                .paths
                .first()
                .map_or(0, |p| p.len())
        },
    );
    time("shortest path, hops_max 4, random ends", 1_000, |i| {
        let (a, b) = random_pairs[i];
        graph
            .shortest_path(a, b, &all, &four)
            .unwrap()
            .paths
            .first()
            .map_or(0, |p| p.len())
    });
    time(
        "shortest path, hops_max 4, random ends, gated",
        1_000,
        |i| {
            let (a, b) = random_pairs[i];
            graph
                .shortest_path(a, b, &gated, &four)
                .unwrap()
                .paths
                .first()
                .map_or(0, |p| p.len())
        },
    );
    time("shortest path, hops_max 6, random ends", 300, |i| {
        let (a, b) = random_pairs[i];
        graph
            .shortest_path(a, b, &all, &Limits::default())
            .unwrap()
            .paths
            .first()
            .map_or(0, |p| p.len())
    });
    let k4 = Limits {
        k_max: 4,
        ..Limits::default()
    };
    time(
        "all paths k = 4 (paths_max 100), ends 4 steps apart",
        300,
        |i| {
            let (a, b) = pairs[i];
            graph.all_paths(a, b, 4, &all, &k4).unwrap().paths.len()
        },
    );
    time("shared associates, ends 2 steps apart", 1_000, |i| {
        let (a, _) = pairs[i];
        let b = walk(&graph, a, 2, &mut Rng(i as u64));
        graph
            .shared_associates(a, b, &all, &Limits::default())
            .unwrap()
            .associates
            .len()
    });
    let sub = graph.expand(&seed(0), 3, &all, &capped).unwrap();
    time("betweenness of a 1,000-node expansion", 5, |_| {
        clearstone_graph::betweenness_centrality(&graph, &sub)
            .unwrap()
            .len()
    });
    time("GraphML export of a 1,000-node expansion", 20, |_| {
        let mut out = Vec::new();
        clearstone_graph::write_graphml(&graph, &sub, &mut out).unwrap();
        out.len()
    });
    println!("peak RSS {}", peak_rss());
}
