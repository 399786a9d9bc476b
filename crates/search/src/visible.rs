//! The shapes a session may see, and the query clause that holds every
//! search to them.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use tantivy::columnar::Column;
use tantivy::query::AllScorer;
use tantivy::query::doc_predicate_query::{
    ConstOrVariableSegmentPredicate, DocPredicate, SegmentDocPredicate,
};
use tantivy::{DocId, SegmentReader};

/// The shapes the session may see for one action, as the engine's gate
/// decided them. Every search, count and referral listing is restricted to
/// documents of these shapes inside the index query itself, so a document
/// of any other shape cannot match, rank, count or be quoted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visible {
    shapes: Arc<HashSet<u64, BuildHasherDefault<ShapeHasher>>>,
}

/// Shapes are hashes already; probing a set of them is on the path of
/// every candidate document, so they are not hashed again with SipHash.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ShapeHasher(u64);

impl Hasher for ShapeHasher {
    fn finish(&self) -> u64 {
        // A multiply spreads shapes that an engine numbered 1, 2, 3 ...
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl Visible {
    pub fn new(shapes: impl IntoIterator<Item = u64>) -> Self {
        Self {
            shapes: Arc::new(shapes.into_iter().collect()),
        }
    }

    pub fn contains(&self, shape: u64) -> bool {
        self.shapes.contains(&shape)
    }

    /// A session that may see nothing gets empty answers without a search.
    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.shapes.iter().copied()
    }
}

/// The visibility clause: a document matches when its shape is visible.
///
/// Read from the shape column, one lookup per candidate document, and never
/// the leader of an intersection (its cost is the whole segment), so it
/// costs almost nothing on top of the clauses that select. A segment whose
/// shapes are all visible, or all hidden, is decided once for the segment.
#[derive(Debug, Clone)]
pub(crate) struct VisibleShapes(pub(crate) Visible);

pub(crate) struct SegmentShapes {
    column: Column<u64>,
    visible: Visible,
}

impl SegmentDocPredicate for SegmentShapes {
    fn eval(&mut self, doc: DocId) -> bool {
        self.column
            .first(doc)
            .is_some_and(|shape| self.visible.contains(shape))
    }

    fn cost(&self) -> u64 {
        // A column read and a hash probe: a few times a posting advance.
        10
    }
}

impl DocPredicate for VisibleShapes {
    type SegmentDocPredicate = SegmentShapes;

    fn doc_predicate(
        &self,
        segment: &SegmentReader,
    ) -> tantivy::Result<ConstOrVariableSegmentPredicate<SegmentShapes>> {
        if self.0.is_empty() {
            return Ok(ConstOrVariableSegmentPredicate::Const(false));
        }
        let list = crate::columns::shapes(segment)?;
        let seen = list.present.len();
        let shown = list.present.iter().filter(|s| self.0.contains(**s)).count();
        if shown == 0 {
            return Ok(ConstOrVariableSegmentPredicate::Const(false));
        }
        if shown == seen && segment.num_docs() > 0 {
            return Ok(ConstOrVariableSegmentPredicate::Const(true));
        }
        Ok(ConstOrVariableSegmentPredicate::Variable {
            predicate: SegmentShapes {
                column: list.column.clone(),
                visible: self.0.clone(),
            },
            necessary_condition: Box::new(AllScorer::new(segment.max_doc())),
        })
    }
}
