//! What every handler shares: the engine and the signed-in web sessions.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clearstone_engine::{Engine, SessionRequest};

/// How long a web session lives without a request, and at most.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(15 * 60),
            absolute: Duration::from_secs(10 * 60 * 60),
        }
    }
}

/// A signed-in browser. `work` is the engine session request it acts under
/// once the user has chosen a purpose; switching purpose replaces it.
#[derive(Debug, Clone)]
pub(crate) struct WebSession {
    pub principal: String,
    pub csrf: String,
    pub started: Instant,
    pub last_seen: Instant,
    pub work: Option<SessionRequest>,
}

#[derive(Clone)]
pub struct AppState {
    pub(crate) engine: Arc<Engine>,
    /// Keyed by the SHA-256 of the cookie's value, so a memory dump does
    /// not hand out live sessions.
    pub(crate) sessions: Arc<Mutex<HashMap<String, WebSession>>>,
    pub(crate) timeouts: Timeouts,
    /// Under TLS cookies are `Secure` and `__Host-` prefixed.
    pub(crate) tls: bool,
    pub(crate) models: crate::Models,
}

impl AppState {
    pub fn new(engine: Arc<Engine>, timeouts: Timeouts, tls: bool) -> Self {
        Self {
            engine,
            sessions: Arc::new(Mutex::new(HashMap::new())),
            timeouts,
            tls,
            models: crate::Models::default(),
        }
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// The live web session for a cookie value, touched; an expired one is
    /// removed and answered as absent.
    pub(crate) fn web_session(&self, cookie: &str) -> Option<WebSession> {
        let key = crate::auth::session_key(cookie);
        let mut all = self.sessions.lock().ok()?;
        let now = Instant::now();
        let live = all.get(&key).is_some_and(|w| {
            now.duration_since(w.last_seen) < self.timeouts.idle
                && now.duration_since(w.started) < self.timeouts.absolute
        });
        if !live {
            all.remove(&key);
            return None;
        }
        let w = all.get_mut(&key)?;
        w.last_seen = now;
        Some(w.clone())
    }

    /// Forgets every web session past a timeout, so that abandoned ones
    /// do not pile up in memory.
    pub(crate) fn prune(&self) {
        let now = Instant::now();
        if let Ok(mut all) = self.sessions.lock() {
            all.retain(|_, w| {
                now.duration_since(w.last_seen) < self.timeouts.idle
                    && now.duration_since(w.started) < self.timeouts.absolute
            });
        }
    }

    pub(crate) fn update_session(&self, cookie: &str, f: impl FnOnce(&mut WebSession)) {
        let key = crate::auth::session_key(cookie);
        if let Ok(mut all) = self.sessions.lock()
            && let Some(w) = all.get_mut(&key)
        {
            f(w);
        }
    }
}
