//! Fast-field columns and shape lists of each segment, opened once.
//!
//! Opening a column decodes its header and block metadata, and listing a
//! segment's shapes walks the shape field's terms: every search, referral
//! listing and count did both for every segment, and a dossier asks the
//! index once per member. A segment never changes once written (deletions
//! are a separate bitset, applied by the searcher), so what is read of it
//! is kept by its id for as long as the process runs.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{SegmentReader, TantivyError};

use crate::clusters::{ClusterTable, Clusters};
use crate::schema::SHAPE;

/// Segments remembered before the cache is emptied: far more than an index
/// holds at once, so only segments merged away are ever dropped this way.
const SEGMENTS_MAX: usize = 1_024;

/// Cluster maps whose tables a segment keeps (each 4 bytes a record).
const MAPS_PER_SEGMENT: usize = 2;

/// The shape column of one segment and the shapes present in it.
pub(crate) struct SegmentShapeList {
    pub(crate) column: Column<u64>,
    pub(crate) present: Vec<u64>,
}

#[derive(Default)]
struct Opened {
    shapes: Option<Arc<SegmentShapeList>>,
    strs: HashMap<&'static str, StrColumn>,
    u64s: HashMap<&'static str, Column<u64>>,
    /// The segment's records grouped by the cluster maps of these ids, the
    /// latest last: searches that hold two maps at once (sessions either
    /// side of a resolution, or a map of the caller's own) would otherwise
    /// rebuild the table on every other search.
    groups: Vec<(u64, Arc<ClusterTable>)>,
}

static OPENED: LazyLock<Mutex<HashMap<SegmentId, Opened>>> = LazyLock::new(Default::default);

fn with_segment<T>(segment: &SegmentReader, f: impl FnOnce(&mut Opened) -> T) -> T {
    let mut all = OPENED.lock().unwrap_or_else(PoisonError::into_inner);
    let id = segment.segment_id();
    if !all.contains_key(&id) && all.len() >= SEGMENTS_MAX {
        all.clear();
    }
    f(all.entry(id).or_default())
}

/// A string fast field of the segment.
pub(crate) fn str_column(
    segment: &SegmentReader,
    field: &'static str,
) -> tantivy::Result<StrColumn> {
    if let Some(c) = with_segment(segment, |o| o.strs.get(field).cloned()) {
        return Ok(c);
    }
    let column = segment
        .fast_fields()
        .str(field)?
        .ok_or_else(|| TantivyError::SchemaError(format!("no fast column `{field}`")))?;
    with_segment(segment, |o| o.strs.insert(field, column.clone()));
    Ok(column)
}

/// A u64 fast field of the segment.
pub(crate) fn u64_column(
    segment: &SegmentReader,
    field: &'static str,
) -> tantivy::Result<Column<u64>> {
    if let Some(c) = with_segment(segment, |o| o.u64s.get(field).cloned()) {
        return Ok(c);
    }
    let column = segment.fast_fields().u64(field)?;
    with_segment(segment, |o| o.u64s.insert(field, column.clone()));
    Ok(column)
}

/// The segment's shape column, and the shapes its terms list (a shape per
/// dataset, type and marking: few).
pub(crate) fn shapes(segment: &SegmentReader) -> tantivy::Result<Arc<SegmentShapeList>> {
    if let Some(s) = with_segment(segment, |o| o.shapes.clone()) {
        return Ok(s);
    }
    let column = segment.fast_fields().u64(SHAPE)?;
    let field = segment.schema().get_field(SHAPE)?;
    let inverted = segment.inverted_index(field)?;
    let mut terms = inverted.terms().stream()?;
    let mut present = Vec::new();
    while terms.advance() {
        if let Ok(bytes) = <[u8; 8]>::try_from(terms.key()) {
            present.push(u64::from_be_bytes(bytes));
        }
    }
    let list = Arc::new(SegmentShapeList { column, present });
    with_segment(segment, |o| o.shapes = Some(list.clone()));
    Ok(list)
}

/// The segment's records grouped by `clusters`, built once per map: a
/// table the size of the segment's records, made by one pass over their
/// ids in order.
pub(crate) fn segment_groups(
    segment: &SegmentReader,
    entity: &StrColumn,
    clusters: &Arc<Clusters>,
) -> tantivy::Result<Arc<ClusterTable>> {
    let id = clusters.id();
    let known = with_segment(segment, |o| {
        o.groups
            .iter()
            .find(|(m, _)| *m == id)
            .map(|(_, g)| g.clone())
    });
    if let Some(g) = known {
        return Ok(g);
    }
    let groups = Arc::new(ClusterTable::build(entity, clusters.clone())?);
    with_segment(segment, |o| {
        if o.groups.len() >= MAPS_PER_SEGMENT {
            o.groups.remove(0);
        }
        o.groups.push((id, groups.clone()));
    });
    Ok(groups)
}
