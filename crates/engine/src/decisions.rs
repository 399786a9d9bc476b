//! Policy decisions remembered across sessions. A decision depends only on
//! the policies (fixed for the engine's life), the principal and purpose as
//! the registers hold them, and the value's shape; so sessions opened for
//! the same principal and purpose share one memo instead of asking Cedar
//! again for every shape on every request. Each session still reads the
//! principal and purpose from the registers when it opens, and a changed
//! entry is a different key: a memo never outlives what it was decided on.

use std::sync::{Arc, Mutex, MutexGuard};

use clearstone_policy::{Action, DecisionCache, PolicySet, Principal, Purpose};
use clearstone_search::Visible;

use crate::EngineError;

/// (principal, purpose) pairs whose memos are kept; the least recently
/// opened is dropped past this, costing only its decisions again.
pub const SHARED_DECISION_MEMOS_MAX: usize = 64;

/// One principal under one purpose, with its memo.
struct Memo {
    principal: Principal,
    purpose: Purpose,
    cache: Arc<Mutex<DecisionCache>>,
}

/// The index shapes one memo's principal and purpose may see for one
/// action. Every search, dossier and graph asks, and deciding every shape
/// again each time was a large part of a dossier view. Keyed by the memo
/// itself (held here, so it is never mistaken for a later memo at the same
/// address) and by how many shapes the index held: shapes are only ever
/// added, so a new one makes the next asker decide them all again.
struct VisibleMemo {
    memo: Arc<Mutex<DecisionCache>>,
    action: Action,
    shapes: usize,
    visible: Visible,
}

/// Visible-shape answers kept, the least recently made dropped first.
const VISIBLE_MEMOS_MAX: usize = 4 * SHARED_DECISION_MEMOS_MAX;

#[derive(Default)]
pub(crate) struct SharedDecisions {
    /// Most recently opened last.
    memos: Mutex<Vec<Memo>>,
    visible: Mutex<Vec<VisibleMemo>>,
    pub(crate) sights: crate::visible_records::Sights,
}

impl SharedDecisions {
    /// The memo for `principal` under `purpose`, made when there is none.
    pub(crate) fn memo(
        &self,
        policies: &PolicySet,
        principal: &Principal,
        purpose: &Purpose,
    ) -> Result<Arc<Mutex<DecisionCache>>, EngineError> {
        let mut memos = self
            .memos
            .lock()
            .map_err(|_| EngineError::Internal("the decision memo lock was poisoned".into()))?;
        let found = memos
            .iter()
            .position(|m| m.principal == *principal && m.purpose == *purpose);
        if let Some(i) = found {
            let m = memos.remove(i);
            let cache = m.cache.clone();
            memos.push(m);
            return Ok(cache);
        }
        let cache = Arc::new(Mutex::new(
            policies
                .cache(principal, purpose)
                .map_err(|e| EngineError::Internal(e.to_string()))?,
        ));
        if memos.len() >= SHARED_DECISION_MEMOS_MAX {
            memos.remove(0);
        }
        memos.push(Memo {
            principal: principal.clone(),
            purpose: purpose.clone(),
            cache: cache.clone(),
        });
        Ok(cache)
    }
}

impl SharedDecisions {
    /// What `memo`'s principal and purpose may see for `action` among the
    /// index's first `shapes` shapes, if already decided.
    pub(crate) fn visible(
        &self,
        memo: &Arc<Mutex<DecisionCache>>,
        action: Action,
        shapes: usize,
    ) -> Option<Visible> {
        let kept = self.visible.lock().ok()?;
        kept.iter()
            .find(|v| Arc::ptr_eq(&v.memo, memo) && v.action == action && v.shapes == shapes)
            .map(|v| v.visible.clone())
    }

    /// Keeps what `memo`'s principal and purpose may see for `action`,
    /// decided over (at least) the index's first `shapes` shapes.
    pub(crate) fn keep_visible(
        &self,
        memo: &Arc<Mutex<DecisionCache>>,
        action: Action,
        shapes: usize,
        visible: &Visible,
    ) {
        let Ok(mut kept) = self.visible.lock() else {
            return;
        };
        kept.retain(|v| !(Arc::ptr_eq(&v.memo, memo) && v.action == action));
        if kept.len() >= VISIBLE_MEMOS_MAX {
            kept.remove(0);
        }
        kept.push(VisibleMemo {
            memo: memo.clone(),
            action,
            shapes,
            visible: visible.clone(),
        });
    }
}

/// The memo's lock. A panic while deciding leaves only remembered
/// decisions behind, each complete, so a poisoned memo is still sound.
pub(crate) fn lock(cache: &Mutex<DecisionCache>) -> MutexGuard<'_, DecisionCache> {
    cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
