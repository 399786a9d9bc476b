//! Extraction, special-category detection, summaries and chronologies
//! measured on the demo's case notes against the ground truth the generator
//! writes beside them (issue 19, item 9): precision and recall per kind are
//! printed and held above the floors measured when this test was written.
//! What the case knows is read from the demo's own exports, as the engine
//! reads it from the records: the child, the carers linked to the child,
//! and the note's author.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use clearstone_engine::note_text::{
    EntityDetector, ExtractiveSummariser, Known, KnownPerson, Note, RuleDetector, Summariser,
    chronology, special_spans,
};
use clearstone_model::entity_id;
use serde_json::Value;

const PEOPLE: usize = 3_000;

/// Floors (precision, recall) per mention kind, a little under what was
/// measured at seed 7 with 3,000 people (3,409 notes):
///
/// | kind | precision | recall |
/// |---|---|---|
/// | person | 1.000 | 0.990 |
/// | date | 1.000 | 1.000 |
/// | school, gp_surgery, address, postcode | 1.000 | 1.000 |
/// | nhs_number, ni_number, phone, email, vehicle_reg | 1.000 | 1.000 |
/// | place | 0.972 | 1.000 |
///
/// Dates: periods that resolve against the note's date ("this week", "next
/// month") are date mentions in the truth as in the detector; habits
/// ("every Friday") are neither. Places: the few left over are people the
/// case does not know, named after "from" or "to".
const MENTION_FLOORS: &[(&str, f64, f64)] = &[
    ("person", 0.98, 0.97),
    ("date", 0.98, 0.98),
    ("school", 0.98, 0.95),
    ("gp_surgery", 0.98, 0.98),
    ("address", 0.98, 0.98),
    ("postcode", 0.98, 0.98),
    ("nhs_number", 0.98, 0.98),
    ("ni_number", 0.98, 0.98),
    ("phone", 0.98, 0.98),
    ("email", 0.98, 0.98),
    ("vehicle_reg", 0.98, 0.98),
    ("place", 0.95, 0.98),
];
/// Measured 0.947 precision (faith schools' names read as religion) and
/// 0.815 recall (appointments with health services and police
/// notifications that name no condition or offence are missed).
const SPECIAL_FLOORS: (f64, f64) = (0.93, 0.80);
/// Measured 0.996.
const EVENT_RECALL_FLOOR: f64 = 0.98;

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: u64,
    fp: u64,
    fn_: u64,
}

impl Counts {
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .filter_map(Result::ok)
        .map(|rec| {
            head.iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn field<'a>(row: &'a HashMap<String, String>, k: &str) -> &'a str {
    row.get(k).map_or("", String::as_str)
}

fn person(id: String, names: &[&str], role: &str) -> KnownPerson {
    let mut ns: Vec<String> = Vec::new();
    for n in names {
        let n = n.trim();
        if !n.is_empty() && !ns.iter().any(|x| x == n) {
            ns.push(n.to_string());
        }
    }
    KnownPerson {
        entity_id: id,
        names: ns,
        role: Some(role.into()),
    }
}

struct Demo {
    notes: Vec<(Note, Value)>,
    children: HashMap<String, KnownPerson>,
    carers: HashMap<String, KnownPerson>,
    practitioners: HashMap<String, KnownPerson>,
    /// child entity → carer entities
    family: HashMap<String, Vec<String>>,
    /// note entity → (child entity, author entity)
    links: HashMap<String, (String, String)>,
}

fn demo(dir: &Path) -> Demo {
    let g = clearstone_demo::generate(
        &clearstone_demo::Options {
            seed: 7,
            people: PEOPLE,
        },
        dir,
    )
    .unwrap();
    let mut children = HashMap::new();
    for r in read_csv(&dir.join("csc_children.csv")) {
        let id = entity_id("csc", "child", &[field(&r, "child_id")]);
        let full = format!("{} {}", field(&r, "forename"), field(&r, "surname"));
        let names = [
            full.as_str(),
            field(&r, "forename"),
            field(&r, "preferred_name"),
        ];
        children.insert(id.clone(), person(id, &names, "child"));
    }
    let mut carers = HashMap::new();
    for r in read_csv(&dir.join("csc_carers.csv")) {
        let id = entity_id("csc", "carer", &[field(&r, "carer_id")]);
        let full = format!("{} {}", field(&r, "forename"), field(&r, "surname"));
        carers.insert(
            id.clone(),
            person(id, &[full.as_str(), field(&r, "forename")], "carer"),
        );
    }
    let mut practitioners = HashMap::new();
    for r in read_csv(&dir.join("csc_practitioners.csv")) {
        let id = entity_id("csc", "practitioner", &[field(&r, "practitioner_id")]);
        let full = format!("{} {}", field(&r, "forename"), field(&r, "surname"));
        practitioners.insert(
            id.clone(),
            person(id, &[full.as_str(), field(&r, "forename")], "practitioner"),
        );
    }
    let mut family: HashMap<String, Vec<String>> = HashMap::new();
    for r in read_csv(&dir.join("csc_family_links.csv")) {
        family
            .entry(entity_id("csc", "child", &[field(&r, "child_id")]))
            .or_default()
            .push(entity_id("csc", "carer", &[field(&r, "carer_id")]));
    }
    let truth: HashMap<String, Value> = std::fs::read_to_string(&g.notes_truth)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["note_id"].as_str().unwrap().to_string(), v)
        })
        .collect();
    let mut notes = Vec::new();
    let mut links = HashMap::new();
    for line in std::fs::read_to_string(dir.join("csc_case_notes.jsonl"))
        .unwrap()
        .lines()
    {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let key = v["note_id"].as_str().unwrap_or("");
        let id = entity_id("csc", "note", &[key]);
        let Some(t) = truth.get(&id) else { continue };
        let note = Note {
            id: id.clone(),
            text: v["text"].as_str().unwrap().to_string(),
            date: t["date"].as_str().map(str::to_string),
            kind: None,
            author: None,
        };
        links.insert(
            id,
            (
                t["child_id"].as_str().unwrap().to_string(),
                entity_id("csc", "practitioner", &[v["author"].as_str().unwrap_or("")]),
            ),
        );
        notes.push((note, t.clone()));
    }
    assert!(notes.len() > 1_000, "{} notes", notes.len());
    Demo {
        notes,
        children,
        carers,
        practitioners,
        family,
        links,
    }
}

impl Demo {
    fn known(&self, note_id: &str) -> Known {
        let mut known = Known::default();
        let Some((child, author)) = self.links.get(note_id) else {
            return known;
        };
        known.people.extend(self.children.get(child).cloned());
        for c in self.family.get(child).into_iter().flatten() {
            known.people.extend(self.carers.get(c).cloned());
        }
        known.people.extend(self.practitioners.get(author).cloned());
        known
    }
}

fn span_of(v: &Value) -> (usize, usize) {
    (
        v["start"].as_u64().unwrap() as usize,
        v["end"].as_u64().unwrap() as usize,
    )
}

#[test]
fn extraction_and_chronologies_hold_their_floors_on_the_demo_notes() {
    let dir = tempfile::tempdir().unwrap();
    let d = demo(dir.path());
    let detector = RuleDetector::new();
    let mut mentions: BTreeMap<String, Counts> = BTreeMap::new();
    let mut special: BTreeMap<String, Counts> = BTreeMap::new();
    let mut special_all = Counts::default();
    for (note, truth) in &d.notes {
        let known = d.known(&note.id);
        // Mentions: the same kind over the same span.
        let want: Vec<(String, usize, usize)> = truth["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let (a, b) = span_of(m);
                (m["kind"].as_str().unwrap().to_string(), a, b)
            })
            .collect();
        let got: Vec<(String, usize, usize)> = detector
            .detect(note, &known)
            .into_iter()
            .map(|m| (m.kind.code().to_string(), m.span.start, m.span.end))
            .collect();
        for g in &got {
            let c = mentions.entry(g.0.clone()).or_default();
            if want.contains(g) {
                c.tp += 1
            } else {
                c.fp += 1
            }
        }
        for w in &want {
            if !got.contains(w) {
                mentions.entry(w.0.clone()).or_default().fn_ += 1;
            }
        }
        // Special-category spans: the same category over an overlapping span.
        let want: Vec<(String, usize, usize)> = truth["special"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let (a, b) = span_of(s);
                (s["category"].as_str().unwrap().to_string(), a, b)
            })
            .collect();
        let got: Vec<(String, usize, usize)> = special_spans(note)
            .into_iter()
            .map(|s| (s.category.code().to_string(), s.span.start, s.span.end))
            .collect();
        let meets = |x: &(String, usize, usize), y: &(String, usize, usize)| {
            x.0 == y.0 && x.1 < y.2 && y.1 < x.2
        };
        for g in &got {
            let c = special.entry(g.0.clone()).or_default();
            if want.iter().any(|w| meets(w, g)) {
                c.tp += 1;
                special_all.tp += 1;
            } else {
                c.fp += 1;
                special_all.fp += 1;
            }
        }
        for w in &want {
            if !got.iter().any(|g| meets(w, g)) {
                special.entry(w.0.clone()).or_default().fn_ += 1;
                special_all.fn_ += 1;
            }
        }
    }
    println!(
        "extraction on {} demo notes (kind: precision recall, tp fp fn)",
        d.notes.len()
    );
    for (k, c) in &mentions {
        println!(
            "  {k:<12} {:.3} {:.3}  {} {} {}",
            c.precision(),
            c.recall(),
            c.tp,
            c.fp,
            c.fn_
        );
    }
    println!("special-category spans (category: precision recall, tp fp fn)");
    for (k, c) in &special {
        println!(
            "  {k:<18} {:.3} {:.3}  {} {} {}",
            c.precision(),
            c.recall(),
            c.tp,
            c.fp,
            c.fn_
        );
    }

    // Chronologies and summaries, child by child.
    let mut by_child: BTreeMap<&str, Vec<&(Note, Value)>> = BTreeMap::new();
    for n in &d.notes {
        by_child
            .entry(n.1["child_id"].as_str().unwrap())
            .or_default()
            .push(n);
    }
    let (mut events, mut found) = (0u64, 0u64);
    for (_, group) in by_child.iter().take(300) {
        let notes: Vec<Note> = group.iter().map(|(n, _)| n.clone()).collect();
        let text_of = |id: &str| notes.iter().find(|n| n.id == id).map(|n| n.text.as_str());
        let known = d.known(&notes[0].id);
        let chrono = chronology(&notes, &known);
        for e in &chrono {
            let cited = e
                .citation
                .slice(text_of(&e.citation.note_id).unwrap())
                .unwrap();
            assert!(
                cited.contains(e.what.trim()),
                "`{}` not in `{cited}`",
                e.what
            );
        }
        for (n, t) in group {
            for ev in t["events"].as_array().unwrap() {
                events += 1;
                let (a, b) = span_of(ev);
                if chrono.iter().any(|e| {
                    e.citation.note_id == n.id && e.citation.start < b && a < e.citation.end
                }) {
                    found += 1;
                }
            }
        }
        let summary = ExtractiveSummariser.summarise(&notes, 5).unwrap();
        for s in &summary.sentences {
            assert!(!s.citations.is_empty());
            let cited: Vec<&str> = s
                .citations
                .iter()
                .map(|c| c.slice(text_of(&c.note_id).unwrap()).unwrap())
                .collect();
            assert!(
                cited.join(" ").contains(s.text.trim()),
                "`{}` not in {cited:?}",
                s.text
            );
        }
    }
    let event_recall = ratio(found, events);
    println!("chronology events found: {found} of {events} ({event_recall:.3})");

    for (kind, p, r) in MENTION_FLOORS {
        let c = mentions.get(*kind).copied().unwrap_or_default();
        assert!(c.tp + c.fn_ > 0, "the demo has no `{kind}` mentions");
        assert!(
            c.precision() >= *p,
            "{kind} precision {:.3} < {p}",
            c.precision()
        );
        assert!(c.recall() >= *r, "{kind} recall {:.3} < {r}", c.recall());
    }
    assert!(
        special_all.precision() >= SPECIAL_FLOORS.0,
        "special precision {:.3}",
        special_all.precision()
    );
    assert!(
        special_all.recall() >= SPECIAL_FLOORS.1,
        "special recall {:.3}",
        special_all.recall()
    );
    assert!(
        event_recall >= EVENT_RECALL_FLOOR,
        "event recall {event_recall:.3}"
    );
}
