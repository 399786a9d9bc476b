//! Times features, blocking, training, scoring and clustering on seeded
//! synthetic people and prints pairwise precision, recall and F1 at
//! probability 0.5. It calls the library alone (no files, no settings), so
//! it measures the resolution core; `bench/resolve` measures `clearstone
//! link` end to end on more realistic people.
//!
//! The names here are drawn from short, steeply skewed lists, so many
//! different people share a given name, surname and date of birth; the
//! best attainable F1 is well below what realistic data allows.
//!
//! `cargo run --release -p clearstone-resolve --example throughput -- 100000`

use std::collections::HashMap;
use std::time::Instant;

use clearstone_resolve::{
    Comparison, ComparisonVectors, Features, FieldFeatures, FieldKind, Key, KeyPart, Model, Record,
    ResolveError, Rule, Schema, Scorer, candidates, cluster,
};

/// SplitMix64, so the data are the same on every run.
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
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    /// Roughly Zipfian over `0..n`, as surnames and given names are.
    fn zipf(&mut self, n: usize) -> usize {
        let x = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(x) as usize).saturating_sub(1).min(n - 1)
    }
}

const GIVEN: &[&str] = &[
    "William",
    "Bill",
    "Margaret",
    "Peggy",
    "Robert",
    "Bob",
    "Elizabeth",
    "Beth",
    "James",
    "Jim",
    "Catherine",
    "Kate",
    "Thomas",
    "Tom",
    "Mary",
    "John",
    "Jack",
    "Sarah",
    "David",
    "Dave",
    "Emma",
    "Oliver",
    "Amelia",
    "Harry",
    "Olivia",
    "George",
    "Isla",
    "Noah",
    "Ava",
    "Jacob",
    "Mia",
    "Charlie",
    "Grace",
    "Muhammad",
    "Aisha",
    "Priya",
    "Arjun",
    "Siobhan",
    "Ciaran",
    "Rhys",
    "Megan",
    "Callum",
    "Eilidh",
    "Kwame",
    "Chidi",
    "Zoe",
    "Lucy",
    "Ruby",
];
const SYLLABLES: &[&str] = &[
    "smi", "th", "jo", "nes", "wil", "son", "tay", "lor", "bro", "wn", "da", "vies", "ev", "ans",
    "ro", "ber", "ts", "wal", "ker", "gre", "en", "ha", "ll", "wo", "od", "kha", "n", "pa", "tel",
    "o", "kon", "kwo", "mc", "don", "ald", "ste", "wart",
];
const STREETS: &[&str] = &[
    "High Street",
    "Mill Lane",
    "Church Road",
    "Station Road",
    "Park Avenue",
    "Victoria Road",
    "Green Lane",
    "Manor Close",
];
const AREAS: &[&str] = &["LS", "M", "B", "SW", "NE", "CF", "EH", "G", "BS", "L"];

struct Person {
    given: String,
    family: String,
    dob: (i32, u32, u32),
    postcode: String,
    address: String,
    nino: String,
}

fn person(r: &mut Rng, i: usize) -> Person {
    let given = GIVEN[r.zipf(GIVEN.len())].to_owned();
    let mut family = String::new();
    // Two or three syllables from a skewed pick: some surnames are common.
    let s = r.zipf(SYLLABLES.len() * SYLLABLES.len());
    family.push_str(SYLLABLES[s % SYLLABLES.len()]);
    family.push_str(SYLLABLES[s / SYLLABLES.len()]);
    if r.chance(0.5) {
        family.push_str(SYLLABLES[r.below(SYLLABLES.len())]);
    }
    let mut chars = family.chars();
    let family = chars.next().map_or(String::new(), |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    });
    // Inward codes never use C, I, K, M, O or V.
    const INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    let postcode = format!(
        "{}{} {}{}{}",
        AREAS[r.below(AREAS.len())],
        1 + r.below(20),
        r.below(10),
        INWARD[r.below(INWARD.len())] as char,
        INWARD[r.below(INWARD.len())] as char
    );
    let address = format!("{} {}", 1 + r.below(200), STREETS[r.below(STREETS.len())]);
    Person {
        given,
        family,
        dob: (
            1940 + r.below(65) as i32,
            1 + r.below(12) as u32,
            1 + r.below(28) as u32,
        ),
        postcode,
        address,
        nino: format!("AB{:06}C", i % 1_000_000),
    }
}

fn typo(r: &mut Rng, s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    if c.len() < 3 {
        return s.to_owned();
    }
    let i = 1 + r.below(c.len() - 2);
    match r.below(3) {
        0 => c.swap(i, i + 1),
        1 => {
            c.remove(i);
        }
        _ => c[i] = (b'a' + r.below(26) as u8) as char,
    }
    c.into_iter().collect()
}

fn noisy(r: &mut Rng, p: &Person, id: String) -> Record {
    let nick = |r: &mut Rng, g: &str| -> String {
        let pairs = [
            ("William", "Bill"),
            ("Margaret", "Peggy"),
            ("Robert", "Bob"),
            ("Elizabeth", "Beth"),
            ("James", "Jim"),
            ("Catherine", "Kate"),
            ("Thomas", "Tom"),
            ("David", "Dave"),
            ("John", "Jack"),
        ];
        for (a, b) in pairs {
            if g == a && r.chance(0.5) {
                return b.to_owned();
            }
        }
        g.to_owned()
    };
    let given = if r.chance(0.15) {
        nick(r, &p.given)
    } else if r.chance(0.1) {
        typo(r, &p.given)
    } else {
        p.given.clone()
    };
    let family = if r.chance(0.1) {
        typo(r, &p.family)
    } else {
        p.family.clone()
    };
    let (y, mut m, mut d) = p.dob;
    if r.chance(0.05) && d <= 12 {
        std::mem::swap(&mut m, &mut d);
    } else if r.chance(0.05) {
        d = 1 + r.below(28) as u32;
    }
    let moved = r.chance(0.2);
    let (postcode, address) = if moved {
        let q = person(r, 0);
        (q.postcode, q.address)
    } else {
        (p.postcode.clone(), p.address.clone())
    };
    let miss = |r: &mut Rng, v: String, p: f64| if r.chance(p) { None } else { Some(v) };
    Record {
        id,
        fields: vec![
            miss(r, given, 0.02),
            miss(r, family, 0.02),
            miss(r, format!("{y:04}-{m:02}-{d:02}"), 0.05),
            miss(r, postcode, 0.05),
            miss(r, address, 0.1),
            miss(r, p.nino.clone(), 0.6),
        ],
    }
}

/// Records generated and featurised at a time, so that the raw records are
/// never held whole (as a caller reading a large file would do).
const CHUNK_RECORDS: usize = 65_536;

/// A record's values as features hold them, for the diagnostics.
fn show(f: &Features, i: u32) -> String {
    (0..f.schema().fields.len())
        .map(|c| match f.field(i as usize, c) {
            FieldFeatures::Missing => "-".to_owned(),
            FieldFeatures::Name { folded, .. } => folded.to_owned(),
            FieldFeatures::Date(d) => format!("{}-{:02}-{:02}", d.year, d.month, d.day),
            FieldFeatures::Postcode { code, .. } => code.to_owned(),
            FieldFeatures::Address { folded, .. } => folded.to_owned(),
            FieldFeatures::Text(t) => t.to_owned(),
            FieldFeatures::Number(x) => x.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn main() -> Result<(), ResolveError> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let schema = Schema::new([
        ("given", FieldKind::GivenName),
        ("family", FieldKind::FamilyName),
        ("dob", FieldKind::Date),
        ("postcode", FieldKind::Postcode),
        ("address", FieldKind::Address),
        ("nino", FieldKind::Identifier),
    ]);
    let mut r = Rng(42);
    let mut features = Features::new(&schema);
    let mut truth = Vec::with_capacity(n);
    let mut people = 0usize;
    let mut chunk = Vec::with_capacity(CHUNK_RECORDS);
    let mut featurising = std::time::Duration::ZERO;
    let mut pending: Option<Person> = None;
    let mut copies_left = 0;
    while truth.len() < n {
        if copies_left == 0 {
            pending = Some(person(&mut r, people));
            copies_left = if r.chance(0.2) { 2 + r.below(3) } else { 1 };
            people += 1;
        }
        if let Some(p) = &pending {
            chunk.push(noisy(&mut r, p, truth.len().to_string()));
            truth.push(people - 1);
        }
        copies_left -= 1;
        if chunk.len() == CHUNK_RECORDS || truth.len() == n {
            let t = Instant::now();
            features.extend(&chunk)?;
            featurising += t.elapsed();
            chunk.clear();
        }
    }
    drop(chunk);
    let mut stages = featurising;
    println!("records {n}, people {people}; features {featurising:.2?}");

    let k = |field, key| KeyPart { field, key };
    // Each rule catches pairs the others miss: a mistyped name, a date of
    // birth keyed wrong or missing, a move.
    let rules = vec![
        Rule {
            unreached_only: false,
            name: "family+dob".into(),
            keys: vec![k(1, Key::Exact), k(2, Key::Exact)],
        },
        Rule {
            unreached_only: false,
            name: "given sound+dob".into(),
            keys: vec![k(0, Key::Metaphone), k(2, Key::Exact)],
        },
        Rule {
            unreached_only: false,
            name: "nino".into(),
            keys: vec![k(5, Key::Exact)],
        },
        Rule {
            unreached_only: false,
            name: "names+year".into(),
            keys: vec![k(0, Key::Exact), k(1, Key::Exact), k(2, Key::Year)],
        },
        Rule {
            unreached_only: false,
            name: "postcode".into(),
            keys: vec![k(3, Key::Exact)],
        },
        Rule {
            unreached_only: false,
            name: "family sound+dob".into(),
            keys: vec![k(1, Key::Metaphone), k(2, Key::Exact)],
        },
        Rule {
            unreached_only: false,
            name: "initials+dob".into(),
            keys: vec![k(0, Key::Prefix(1)), k(1, Key::Prefix(1)), k(2, Key::Exact)],
        },
    ];
    let t = Instant::now();
    let cands = candidates(&features, &rules, 50_000_000)?;
    stages += t.elapsed();
    println!("blocking {:.2?}: {} pairs", t.elapsed(), cands.pairs.len());
    for c in &cands.counts {
        println!(
            "  rule {:<28} {:>10} pairs, {:>10} new",
            c.rule, c.pairs, c.new_pairs
        );
    }

    // Postcode and address determine each other: one comparison.
    let mut comparisons = ["given", "family", "dob", "nino"]
        .iter()
        .map(|f| Comparison::for_field(&schema, f))
        .collect::<Result<Vec<_>, _>>()?;
    comparisons.push(Comparison::place(
        &schema,
        "place",
        &["postcode", "address"],
    )?);
    let mut model = Model::new(comparisons, 1e-4);
    let t = Instant::now();
    let vectors = ComparisonVectors::compute(&model.comparisons, &features, &cands.pairs);
    let levels_time = t.elapsed();
    stages += levels_time;
    let t = Instant::now();
    model.train(&features, &vectors, 10, 1_000_000, 1)?;
    stages += t.elapsed();
    println!(
        "levels of {} pairs {levels_time:.2?} ({:.1}M pairs/s); training (u from 1M random pairs, EM x10) {:.2?}; prior {:.3e}; model {}",
        cands.pairs.len(),
        cands.pairs.len() as f64 / levels_time.as_secs_f64() / 1e6,
        t.elapsed(),
        model.prior,
        model.version
    );

    {
        // Splink-style sessions: m for each comparison from the pairs of a
        // rule that does not block on it.
        let t = Instant::now();
        let sessions = [(0usize, vec![1usize, 2]), (1, vec![0, 2])];
        for (rule, exclude) in sessions {
            let pairs = candidates(&features, &rules[rule..=rule], 50_000_000)?.pairs;
            let v = ComparisonVectors::compute(&model.comparisons, &features, &pairs);
            model.train_m_session(&v, 10, &exclude)?;
        }
        // λ again, now that the sessions have taught `m` what matches are.
        model.estimate_prior(&features, &vectors)?;
        stages += t.elapsed();
        println!(
            "sessions {:.2?}; prior {:.3e}; model {}",
            t.elapsed(),
            model.prior,
            model.version
        );
    }
    let scorer = Scorer::new(&model);
    let t = Instant::now();
    let scored = scorer.score_vectors(&features, &cands.pairs, &vectors)?;
    stages += t.elapsed();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "scored {} pairs from their levels in {secs:.3}s: {:.1}M pairs/s",
        scored.len(),
        scored.len() as f64 / secs / 1e6
    );
    let t = Instant::now();
    let clusters = cluster(n as u32, &scored, 0.0, &[]);
    stages += t.elapsed();
    let distinct = {
        let mut c = clusters.clone();
        c.sort_unstable();
        c.dedup();
        c.len()
    };
    println!("clusters {distinct} in {:.2?}", t.elapsed());
    println!("total of the stages {stages:.2?}");

    // Pairwise precision and recall at probability 0.5 (weight 0).
    let mut true_pairs = 0u64;
    let mut sizes: HashMap<usize, u64> = HashMap::new();
    for &p in &truth {
        *sizes.entry(p).or_default() += 1;
    }
    for s in sizes.values() {
        true_pairs += s * (s - 1) / 2;
    }
    let blocked_true = cands
        .pairs
        .iter()
        .filter(|&&(a, b)| truth[a as usize] == truth[b as usize])
        .count();
    println!(
        "blocking recall {:.4} ({blocked_true} of {true_pairs} true pairs)",
        blocked_true as f64 / true_pairs.max(1) as f64
    );
    if std::env::var_os("SHOW_MISSED").is_some() {
        let set: std::collections::HashSet<(u32, u32)> = cands.pairs.iter().copied().collect();
        let mut by_person: HashMap<usize, Vec<u32>> = HashMap::new();
        for (i, &p) in truth.iter().enumerate() {
            by_person.entry(p).or_default().push(i as u32);
        }
        let mut shown = 0;
        for v in by_person.values() {
            for (x, &a) in v.iter().enumerate() {
                for &b in &v[x + 1..] {
                    if !set.contains(&(a, b)) && shown < 12 {
                        shown += 1;
                        println!("missed {} || {}", show(&features, a), show(&features, b));
                    }
                }
            }
        }
    }
    let predicted: Vec<_> = scored.iter().filter(|s| s.weight >= 0.0).collect();
    let tp = predicted
        .iter()
        .filter(|s| truth[s.left as usize] == truth[s.right as usize])
        .count() as f64;
    if std::env::var_os("SHOW_FP").is_some() {
        for s in predicted
            .iter()
            .filter(|s| truth[s.left as usize] != truth[s.right as usize])
            .take(12)
        {
            println!(
                "false positive {:.2}: {} || {}",
                s.weight,
                show(&features, s.left),
                show(&features, s.right)
            );
        }
    }
    let precision = tp / predicted.len().max(1) as f64;
    let recall = tp / true_pairs.max(1) as f64;
    println!(
        "pairwise at p>=0.5: precision {precision:.4} recall {recall:.4} F1 {:.4}",
        2.0 * precision * recall / (precision + recall)
    );
    Ok(())
}
