#![allow(clippy::unwrap_used, clippy::panic)]
//! A session sees exactly what it would see if the documents it may not see
//! had never been indexed: the same hits, scores, order, totals and
//! snippets. Checked two ways on random corpora: against an index holding
//! only the visible documents (every query kind), and against a brute-force
//! reference over the visible documents (exact identifiers, exact names,
//! type and dataset filters).

use std::collections::BTreeMap;

use clearstone_search::{IndexDoc, Page, Query, Results, SearchIndex, Visible, score};
use clearstone_text::nickname::are_nicknames;
use clearstone_text::phonetic::double_metaphone;
use clearstone_text::similarity::damerau_levenshtein;

/// Surnames that match one another in no way: no shared sound code, not
/// nicknames, three or more edits apart (checked below).
const NAMES: &[&str] = &[
    "Abbott",
    "Fitzgerald",
    "Kowalski",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quinn",
    "Zhang",
];
const IDS: &[&str] = &[
    "AB123456C",
    "CD234567D",
    "EF345678A",
    "GH456789B",
    "JK567890C",
];
const SCHEMAS: &[(&str, &[&str])] = &[
    ("Person", &["Person", "LegalEntity", "Thing"]),
    (
        "Officer",
        &["Officer", "StaffMember", "Person", "LegalEntity", "Thing"],
    ),
    ("Vehicle", &["Vehicle", "Thing"]),
];
const DATASETS: &[&str] = &["hr", "psd", "intel"];
const WORDS: &[&str] = &["canal", "stolen", "vehicle", "meeting", "threat", "harbour"];
const SHAPES: u64 = 6;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

#[test]
fn the_vocabulary_has_no_accidental_matches() {
    for (i, a) in NAMES.iter().enumerate() {
        for b in &NAMES[i + 1..] {
            let (a, b) = (a.to_lowercase(), b.to_lowercase());
            let (ca, cb) = (double_metaphone(&a), double_metaphone(&b));
            for x in [&ca.0, &ca.1] {
                assert!(x != &cb.0 && x != &cb.1, "{a} and {b} sound alike");
            }
            assert!(!are_nicknames(&a, &b));
            assert!(damerau_levenshtein(&a, &b) >= 3, "{a} and {b}");
        }
    }
}

fn corpus(r: &mut Rng) -> Vec<IndexDoc> {
    let n = 20 + r.below(60);
    let canonicals = 1 + n / 2;
    (0..n)
        .map(|i| {
            let (schema, ancestors) = SCHEMAS[r.below(SCHEMAS.len())];
            let names = (0..r.below(3))
                .map(|_| {
                    let v = if r.chance(50) {
                        r.pick(NAMES).to_owned()
                    } else {
                        format!("{} {}", r.pick(NAMES), r.pick(NAMES))
                    };
                    ("name".to_owned(), v)
                })
                .collect();
            let identifiers = (0..r.below(2))
                .map(|_| ("ni_number".to_owned(), r.pick(IDS).to_owned()))
                .collect();
            let texts = (0..r.below(2))
                .map(|_| {
                    let t = format!("{} {} {}", r.pick(WORDS), r.pick(WORDS), r.pick(WORDS));
                    ("note".to_owned(), t)
                })
                .collect();
            let refs = (0..r.below(2))
                .map(|_| ("link".to_owned(), format!("t{}", r.below(4))))
                .collect();
            IndexDoc {
                entity: format!("e{i:03}"),
                canonical: format!("c{:03}", r.below(canonicals)),
                shape: 1 + r.below(SHAPES as usize) as u64,
                schema: schema.into(),
                schema_ancestors: ancestors.iter().map(|s| s.to_string()).collect(),
                dataset: r.pick(DATASETS).into(),
                subject_category: None,
                label: format!("label {i}"),
                names,
                identifiers,
                dates: vec![(
                    "birth_date".into(),
                    format!(
                        "19{:02}-0{}-1{}",
                        50 + r.below(40),
                        1 + r.below(9),
                        r.below(10)
                    ),
                )],
                texts,
                refs,
            }
        })
        .collect()
}

/// Commits every `chunk` documents, so that groups span index segments.
fn build(docs: &[&IndexDoc], chunk: usize) -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    for part in docs.chunks(chunk) {
        let mut w = index.writer().unwrap();
        for d in part {
            w.add(d).unwrap();
        }
        w.commit().unwrap();
    }
    index
}

fn queries(r: &mut Rng) -> Vec<String> {
    let mut q = vec![
        format!("name:{}", r.pick(NAMES)),
        r.pick(NAMES).to_lowercase(),
        format!("id:{}", r.pick(IDS)),
        format!("type:{}", SCHEMAS[r.below(3)].0),
        format!("dataset:{}", r.pick(DATASETS)),
        format!("{} type:person", r.pick(NAMES)),
        format!("{} -{}", r.pick(NAMES), r.pick(NAMES)),
        // Every kind of variant: fuzzy, phonetic, initial, text, dates.
        format!("{}x", r.pick(NAMES)),
        format!("{} {}", &r.pick(NAMES)[..1], r.pick(NAMES)),
        format!("text:{}", r.pick(WORDS)),
        format!("\"{} {}\"", r.pick(WORDS), r.pick(WORDS)),
        format!("born:19{}..19{}", 50 + r.below(20), 70 + r.below(20)),
        format!("{} dataset:{}", r.pick(IDS), r.pick(DATASETS)),
    ];
    q.retain(|s| !s.is_empty());
    q
}

/// Expected (canonical, score, entities) for the queries a brute force can
/// answer: each visible document either matches with a known score or not.
fn brute_force(query: &str, visible: &[&IndexDoc]) -> Option<Vec<(String, f32, Vec<String>)>> {
    let (field, value) = query.split_once(':')?;
    let value = value.to_lowercase();
    let doc_score = |d: &IndexDoc| -> Option<f32> {
        match field {
            "name" => d
                .names
                .iter()
                .any(|(_, v)| v.to_lowercase().split(' ').any(|t| t == value))
                // An exact word matches its own sound code too, which
                // adds its tie-breaking share.
                .then_some(score::NAME_EXACT + score::NAME_TIE_BREAKER * score::NAME_PHONETIC),
            "id" => d
                .identifiers
                .iter()
                .any(|(_, v)| v.to_lowercase() == value)
                .then_some(score::IDENTIFIER),
            "type" => d
                .schema_ancestors
                .iter()
                .any(|t| t.to_lowercase() == value)
                .then_some(0.0),
            "dataset" => (d.dataset == value).then_some(0.0),
            _ => None,
        }
    };
    if !matches!(field, "name" | "id" | "type" | "dataset") {
        return None;
    }
    let mut groups: BTreeMap<String, (f32, Vec<(f32, String)>)> = BTreeMap::new();
    for d in visible {
        if let Some(s) = doc_score(d) {
            let g = groups.entry(d.canonical.clone()).or_insert((s, Vec::new()));
            g.0 = g.0.max(s);
            g.1.push((s, d.entity.clone()));
        }
    }
    let mut out: Vec<(String, f32, Vec<String>)> = groups
        .into_iter()
        .map(|(c, (s, mut es))| {
            es.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            (c, s, es.into_iter().map(|e| e.1).collect())
        })
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Some(out)
}

fn run(index: &SearchIndex, q: &Query, visible: &Visible, page: Page) -> Results {
    index.search(q, visible, page).unwrap()
}

#[test]
fn hidden_documents_change_nothing_a_session_sees() {
    let mut r = Rng(20240611);
    let mut checked = 0;
    for round in 0..30 {
        let docs = corpus(&mut r);
        let shown: Vec<u64> = (1..=SHAPES).filter(|_| r.chance(50)).collect();
        let visible = Visible::new(shown.iter().copied());
        let visible_docs: Vec<&IndexDoc> =
            docs.iter().filter(|d| visible.contains(d.shape)).collect();
        let full = build(&docs.iter().collect::<Vec<_>>(), 1 + r.below(docs.len()));
        let only_visible = build(&visible_docs, usize::MAX);
        let everything = Visible::new(1..=SHAPES);
        for text in queries(&mut r) {
            let q = Query::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            for page in [
                Page::first(100),
                Page::first(3),
                Page { offset: 2, size: 4 },
            ] {
                let got = run(&full, &q, &visible, page);
                let reference = run(&only_visible, &q, &everything, page);
                assert_eq!(
                    got, reference,
                    "round {round}, {text}, {page:?}, shapes {shown:?}"
                );
            }
            let got = run(&full, &q, &visible, Page::first(100));
            if let Some(expected) = brute_force(&text, &visible_docs) {
                assert_eq!(got.total, expected.len() as u64, "round {round}, {text}");
                let hits: Vec<(String, f32, Vec<String>)> = got
                    .hits
                    .iter()
                    .map(|h| (h.canonical.clone(), h.score, h.entities.clone()))
                    .collect();
                assert_eq!(hits, expected, "round {round}, {text}");
                checked += 1;
            }
            // Every snippet quotes a visible document of its own entity.
            for h in &got.hits {
                for s in &h.snippets {
                    let quoted = visible_docs.iter().any(|d| {
                        d.canonical == h.canonical
                            && d.names
                                .iter()
                                .chain(&d.identifiers)
                                .chain(&d.texts)
                                .chain(&d.dates)
                                .any(|(p, v)| *p == s.prop && *v == s.text)
                    });
                    assert!(
                        quoted,
                        "round {round}, {text}: {s:?} quotes no visible value"
                    );
                }
            }
            // Referrers obey the same rule.
            let targets: Vec<String> = (0..4).map(|t| format!("t{t}")).collect();
            let got = full.referrers(&targets, &visible, 1000).unwrap();
            let reference = only_visible.referrers(&targets, &everything, 1000).unwrap();
            assert_eq!(got, reference, "round {round}");
            assert!(got.iter().all(|x| visible.contains(x.shape)));
        }
        // Nothing visible: nothing at all.
        let none = Visible::new([]);
        let q = Query::parse("type:thing").unwrap();
        assert_eq!(run(&full, &q, &none, Page::first(10)), Results::default());
    }
    assert!(checked > 100, "{checked} brute-force comparisons");
}
