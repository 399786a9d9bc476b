//! The read of every record a resolution run makes, split into ranges of
//! entity ids read on connections of their own: the first range on the
//! calling thread, which also takes in what the others send, so decoding
//! runs on every core while the caller gates and keeps values. Entities of
//! one range arrive in order; ranges arrive interleaved, each named. Each
//! connection reads the store as last committed when its read began, so a
//! write committed while the read starts may be seen by some ranges only;
//! every entity is read whole by one of them.

use std::sync::mpsc;

use clearstone_model::Timestamp;
use clearstone_store::{ScannedEntity, ScannedValue, SqliteStore, StoreError};

use crate::{Engine, EngineError};

/// Entities sent at a time from a range read on another thread.
const ENTITIES_PER_CHUNK: usize = 2_048;
/// Chunks a range read on another thread may have sent and not yet had
/// taken: it waits beyond that, so memory stays bounded whatever the store.
const CHUNKS_WAITING_MAX: usize = 4;

/// A range's entities as read on another thread, owned.
struct Chunk {
    part: usize,
    text: String,
    /// Each entity: where its id lies in `text`, and where its values end
    /// in `values`.
    entities: Vec<((usize, usize), usize)>,
    values: Vec<OwnedValue>,
}

/// A [`ScannedValue`] whose text lies in its chunk's `text`.
struct OwnedValue {
    prop: usize,
    dataset_id: i64,
    schema_id: i64,
    markings_id: i64,
    first_seen: Timestamp,
    text: (usize, usize),
}

impl Chunk {
    fn new(part: usize) -> Chunk {
        Chunk {
            part,
            text: String::new(),
            entities: Vec::new(),
            values: Vec::new(),
        }
    }

    fn push(&mut self, e: &ScannedEntity<'_>) {
        let id_start = self.text.len();
        self.text.push_str(e.entity_id);
        let id = (id_start, self.text.len());
        for v in e.values {
            let start = self.text.len();
            self.text.push_str(v.value);
            self.values.push(OwnedValue {
                prop: v.prop,
                dataset_id: v.dataset_id,
                schema_id: v.schema_id,
                markings_id: v.markings_id,
                first_seen: v.first_seen,
                text: (start, self.text.len()),
            });
        }
        self.entities.push((id, self.values.len()));
    }

    /// Hands each entity to `f` as the store gave it.
    fn replay(
        &self,
        f: &mut dyn FnMut(usize, ScannedEntity<'_>) -> Result<(), EngineError>,
    ) -> Result<(), EngineError> {
        let text = |(a, b): (usize, usize)| self.text.get(a..b).unwrap_or_default();
        let mut values_start = 0;
        let mut values: Vec<ScannedValue<'_>> = Vec::new();
        for &(id, values_end) in &self.entities {
            values.clear();
            for v in self
                .values
                .get(values_start..values_end)
                .unwrap_or_default()
            {
                values.push(ScannedValue {
                    prop: v.prop,
                    dataset_id: v.dataset_id,
                    schema_id: v.schema_id,
                    markings_id: v.markings_id,
                    value: text(v.text),
                    first_seen: v.first_seen,
                });
            }
            values_start = values_end;
            f(
                self.part,
                ScannedEntity {
                    entity_id: text(id),
                    values: &values,
                },
            )?;
        }
        Ok(())
    }
}

/// Reads the values of `props` of every entity, in `parts` ranges of
/// entity ids, and calls `f` with the range's place and the entity, and
/// `store` (the calling thread's connection) for what `f` looks up.
pub(crate) fn for_each_entity_values(
    engine: &Engine,
    store: &SqliteStore,
    props: &[&str],
    parts: usize,
    f: &mut dyn FnMut(&SqliteStore, usize, ScannedEntity<'_>) -> Result<(), EngineError>,
) -> Result<(), EngineError> {
    let ranges = store.entity_ranges(parts)?;
    let (first, rest) = ranges
        .split_first()
        .ok_or_else(|| EngineError::Internal("no range of records to read".into()))?;
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Result<Chunk, EngineError>>(
            CHUNKS_WAITING_MAX.saturating_mul(rest.len()),
        );
        for (i, range) in rest.iter().enumerate() {
            let tx = tx.clone();
            scope.spawn(move || {
                let read = || -> Result<(), EngineError> {
                    let reader = engine.own_reader()?;
                    let mut chunk = Chunk::new(i + 1);
                    reader.for_each_entity_values_in(props, range, &mut |e| {
                        chunk.push(&e);
                        if chunk.entities.len() >= ENTITIES_PER_CHUNK {
                            let full = std::mem::replace(&mut chunk, Chunk::new(i + 1));
                            // The caller stopped: so does the read.
                            tx.send(Ok(full))
                                .map_err(|_| StoreError::Aborted("read stopped".into()))?;
                        }
                        Ok(())
                    })?;
                    if !chunk.entities.is_empty() {
                        let _ = tx.send(Ok(chunk));
                    }
                    Ok(())
                };
                if let Err(e) = read() {
                    let _ = tx.send(Err(e));
                }
            });
        }
        drop(tx);
        let mut failed: Option<EngineError> = None;
        let scanned = store.for_each_entity_values_in(props, first, &mut |e| {
            let take_in = || -> Result<(), EngineError> {
                f(store, 0, e)?;
                // What the other ranges sent meanwhile, so they read on.
                while let Ok(chunk) = rx.try_recv() {
                    chunk?.replay(&mut |part, e| f(store, part, e))?;
                }
                Ok(())
            };
            take_in().map_err(|e| {
                failed = Some(e);
                StoreError::Aborted("read stopped".into())
            })
        });
        if let Err(e) = scanned {
            return Err(failed.take().unwrap_or(EngineError::from(e)));
        }
        for chunk in rx {
            chunk?.replay(&mut |part, e| f(store, part, e))?;
        }
        Ok(())
    })
}
