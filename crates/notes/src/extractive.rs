//! The deterministic default summariser: note sentences ranked by how
//! central they are to the notes chosen (centroid of weighted content
//! words) with a lift for sentences that record an event or decision, then
//! picked by maximal marginal relevance so that the same thing said in ten
//! notes is said once.

use std::collections::{BTreeMap, HashMap};

use crate::error::NotesError;
use crate::gate::citation_gate;
use crate::note::{Note, Span};
use crate::sentence::sentences;
use crate::summary::{Summariser, Summary, SummarySentence};
use crate::words::{content, is_discourse};

/// Weight of centrality against novelty when picking the next sentence.
const MMR_LAMBDA: f64 = 0.7;
/// Lift for a sentence that records something that happened or was decided.
const EVENT_LIFT: f64 = 0.15;
/// Scores closer than this are equal.
const TIE_MARGIN: f64 = 1e-9;
/// Sentences with fewer content words say too little to stand alone.
const CONTENT_WORDS_MIN: usize = 3;

/// Words of sentences that record events and decisions, which a reader of
/// a summary most needs.
pub(crate) const EVENT_WORDS: &[&str] = &[
    "concern",
    "worry",
    "agree",
    "decide",
    "decision",
    "refer",
    "referral",
    "plan",
    "meet",
    "strategy",
    "assessment",
    "assess",
    "incident",
    "police",
    "arrest",
    "court",
    "hearing",
    "conference",
    "visit",
    "appointment",
    "attend",
    "miss",
    "move",
    "exclude",
    "exclusion",
    "hospital",
    "injury",
    "disclose",
    "disclosure",
    "threshold",
    "enquiry",
    "section",
    "review",
    "outcome",
    "care",
    "place",
    "placement",
    "contact",
    "report",
    "call",
    "phone",
    "school",
    "start",
    "change",
    "book",
    "arrange",
    "leave",
    "missing",
    "abscond",
    "escalate",
];

/// Summarises by extracting note sentences; each is cited exactly.
#[derive(Debug, Clone, Default)]
pub struct ExtractiveSummariser;

struct Candidate {
    order: usize,
    span: Span,
    text: String,
    vector: BTreeMap<String, f64>,
    score: f64,
}

/// Sums in key order (a BTreeMap), so that a score is the same to the last
/// bit on every run.
fn cosine(a: &BTreeMap<String, f64>, b: &BTreeMap<String, f64>) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let dot: f64 = small
        .iter()
        .filter_map(|(k, v)| large.get(k).map(|w| v * w))
        .sum();
    let norm = |m: &BTreeMap<String, f64>| m.values().map(|v| v * v).sum::<f64>().sqrt();
    let n = norm(a) * norm(b);
    if n == 0.0 { 0.0 } else { dot / n }
}

impl Summariser for ExtractiveSummariser {
    fn summarise(&self, notes: &[Note], max_sentences: usize) -> Result<Summary, NotesError> {
        if notes.is_empty() {
            return Err(NotesError::NoNotes);
        }
        let mut words_of: Vec<(Span, String, Vec<String>)> = Vec::new();
        for note in notes {
            for span in sentences(note) {
                let Some(text) = span.slice(&note.text) else {
                    continue;
                };
                let words: Vec<String> = content(text)
                    .into_iter()
                    .filter(|c| !is_discourse(&c.word))
                    // Polarity is part of the meaning: "no concerns" and
                    // "concerns" are not the same sentence.
                    .map(|c| {
                        if c.negated {
                            format!("not {}", c.word)
                        } else {
                            c.word
                        }
                    })
                    .collect();
                words_of.push((span, text.to_string(), words));
            }
        }
        let total = words_of.len();
        let enough = words_of
            .iter()
            .filter(|w| w.2.len() >= CONTENT_WORDS_MIN)
            .count();
        let mut df: HashMap<&str, usize> = HashMap::new();
        for (_, _, words) in &words_of {
            let mut seen: Vec<&str> = words.iter().map(String::as_str).collect();
            seen.sort_unstable();
            seen.dedup();
            for w in seen {
                *df.entry(w).or_default() += 1;
            }
        }
        let idf = |w: &str| {
            let d = df.get(w).copied().unwrap_or(1) as f64;
            (1.0 + total as f64 / d).ln()
        };
        let mut candidates: Vec<Candidate> = Vec::new();
        for (order, (span, text, words)) in words_of.iter().enumerate() {
            // Short sentences only when there is nothing longer.
            if words.len() < CONTENT_WORDS_MIN && enough >= max_sentences {
                continue;
            }
            let mut vector: BTreeMap<String, f64> = BTreeMap::new();
            for w in words {
                *vector.entry(w.clone()).or_default() += idf(w);
            }
            candidates.push(Candidate {
                order,
                span: span.clone(),
                text: text.clone(),
                vector,
                score: 0.0,
            });
        }
        let mut centroid: BTreeMap<String, f64> = BTreeMap::new();
        for c in &candidates {
            for (w, v) in &c.vector {
                *centroid.entry(w.clone()).or_default() += v;
            }
        }
        for c in &mut candidates {
            let event = c
                .vector
                .keys()
                .any(|w| EVENT_WORDS.contains(&w.trim_start_matches("not ")));
            c.score = cosine(&c.vector, &centroid) + if event { EVENT_LIFT } else { 0.0 };
        }
        let mut chosen: Vec<usize> = Vec::new();
        let mut spent = vec![false; candidates.len()];
        while chosen.len() < max_sentences {
            let mut best: Option<(f64, usize)> = None;
            for (i, c) in candidates.iter().enumerate() {
                if spent.get(i).copied().unwrap_or(true) {
                    continue;
                }
                let redundancy = chosen
                    .iter()
                    .filter_map(|j| candidates.get(*j))
                    .map(|s| cosine(&c.vector, &s.vector))
                    .fold(0.0, f64::max);
                let mmr = MMR_LAMBDA * c.score - (1.0 - MMR_LAMBDA) * redundancy;
                // Ties (a sentence copied into another note scores the
                // same) go to the earlier one; the margin keeps rounding
                // from deciding them.
                if best.is_none_or(|(b, _)| mmr > b + TIE_MARGIN) {
                    best = Some((mmr, i));
                }
            }
            let Some((_, i)) = best else { break };
            if let Some(s) = spent.get_mut(i) {
                *s = true;
            }
            // The same words as a chosen sentence (a line copied from note
            // to note) add nothing.
            let text = candidates
                .get(i)
                .map(|c| c.text.as_str())
                .unwrap_or_default();
            let repeat = chosen
                .iter()
                .filter_map(|j| candidates.get(*j))
                .any(|s| s.text == text);
            if !repeat {
                chosen.push(i);
            }
        }
        chosen.sort_by_key(|i| candidates.get(*i).map_or(usize::MAX, |c| c.order));
        let sentences = chosen
            .into_iter()
            .filter_map(|i| candidates.get(i))
            .map(|c| SummarySentence {
                verdict: citation_gate(&c.text, &[c.text.as_str()]),
                text: c.text.clone(),
                citations: vec![c.span.clone()],
                machine_written: false,
            })
            .collect();
        Ok(Summary {
            sentences,
            model: None,
        })
    }
}
