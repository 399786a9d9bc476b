//! Versioned schema migrations. `PRAGMA user_version` holds the version; each
//! step runs in its own transaction, so a failed upgrade leaves the old schema.

use rusqlite::Connection;

use crate::StoreError;

/// Migration `i` takes the schema from version `i` to `i + 1`. Append only:
/// a released step is never edited, since stores in the field ran it.
const STEPS: &[&str] = &[
    include_str!("sql/0001_initial.sql"),
    include_str!("sql/0002_registers.sql"),
    include_str!("sql/0003_resolution.sql"),
    include_str!("sql/0004_dangling.sql"),
    include_str!("sql/0005_accounts.sql"),
    include_str!("sql/0006_rule_links.sql"),
    include_str!("sql/0007_indicators.sql"),
    include_str!("sql/0008_cases.sql"),
    include_str!("sql/0009_saved_searches.sql"),
    include_str!("sql/0010_record_first_seen.sql"),
    include_str!("sql/0011_generations.sql"),
    include_str!("sql/0012_record_shape.sql"),
    include_str!("sql/0013_canonical_schema_index.sql"),
    include_str!("sql/0014_break_glass_purpose.sql"),
    include_str!("sql/0015_kept_apart.sql"),
];

pub const SCHEMA_VERSION: i64 = STEPS.len() as i64;

pub(crate) fn migrate(conn: &mut Connection, path: &str) -> Result<i64, StoreError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_string(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, sql) in STEPS
        .iter()
        .enumerate()
        .skip(usize::try_from(found).unwrap_or(0))
    {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        // The one step whose data SQL cannot write: markings are in bodies.
        if i + 1 == 12 {
            crate::visible_read::fill_markings(&tx)?;
        }
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(found)
}
