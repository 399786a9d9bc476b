//! What a quarantined record would have become: which values each source
//! column feeds and which entities the record names. The engine gates a
//! quarantined row by these, as it would gate the statements it failed to make.

use std::sync::Arc;

use clearstone_model::{Markings, entity_id};

use crate::RowError;
use crate::mapping::{CategorySpec, Mapping, NameSplit, ValueSource};
use crate::source;

/// One value a source column feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnUse {
    pub schema: Arc<str>,
    /// The property fed; `None` for a key or subject-category column, which
    /// feeds the record's identity rather than a value.
    pub prop: Option<Arc<str>>,
    pub markings: Arc<Markings>,
}

impl Mapping {
    /// For each column the mapping reads (in the order of [`Mapping::columns`]),
    /// every value it feeds.
    pub fn column_uses(&self) -> Vec<Vec<ColumnUse>> {
        let mut uses: Vec<Vec<ColumnUse>> = vec![Vec::new(); self.columns.len()];
        let mut add = |slot: usize, u: ColumnUse| {
            if let Some(v) = uses.get_mut(slot)
                && !v.contains(&u)
            {
                v.push(u);
            }
        };
        for e in &self.entities {
            let identity = ColumnUse {
                schema: e.schema.clone(),
                prop: None,
                markings: e.markings.clone(),
            };
            for k in &e.keys {
                add(*k, identity.clone());
            }
            if let Some(CategorySpec::Column { slot, .. }) = &e.category {
                add(*slot, identity.clone());
            }
            for pm in &e.props {
                let slots: &[usize] = match &pm.source {
                    ValueSource::Column(s) => std::slice::from_ref(s),
                    ValueSource::Columns(v, _) | ValueSource::ByKey { slots: v, .. } => v,
                    ValueSource::Constant(_) | ValueSource::SameRow(_) => &[],
                };
                // A whole name feeds the parts parsed from it too.
                let props = std::iter::once(&pm.prop)
                    .chain(pm.name_parts.iter().flat_map(NameSplit::props));
                for prop in props {
                    for s in slots {
                        add(
                            *s,
                            ColumnUse {
                                schema: e.schema.clone(),
                                prop: Some(prop.clone()),
                                markings: pm.markings.clone(),
                            },
                        );
                    }
                }
            }
        }
        uses
    }
}

/// A quarantined record read back: its mapped columns' values (in the order
/// of [`Mapping::columns`]) and the ids of the entities whose keys it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inspected {
    pub fields: Vec<Option<String>>,
    pub entity_ids: Vec<String>,
}

/// Reads a quarantined record again under `m`, without mapping its values.
///
/// # Errors
/// The record cannot be read back at all (it was quarantined for that).
pub fn inspect(m: &Mapping, raw: &[u8], header: Option<&str>) -> Result<Inspected, RowError> {
    let fields = source::reread(m, raw, header)?;
    let get = |slot: &usize| {
        fields
            .get(*slot)
            .and_then(|v| v.as_deref())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let entity_ids = m
        .entities
        .iter()
        .filter_map(|e| {
            let keys: Option<Vec<&str>> = e.keys.iter().map(get).collect();
            keys.map(|k| entity_id(&m.dataset.name, &e.name, &k))
        })
        .collect();
    Ok(Inspected { fields, entity_ids })
}
