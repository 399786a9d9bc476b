//! The pages' view of the server's web sessions: [`WorkSource`] over
//! [`AppState`], so the pages sign in, start work and read the signed-in
//! user exactly as the JSON API does.

use std::time::Instant;

use axum::http::HeaderMap;
use clearstone_engine::SessionRequest;

use super::{PurposeChoice, SignInRefused, SignedIn, WorkSource};
use crate::AppState;
use crate::auth::{cookie_name, random_token, session_cookie, session_key};
use crate::state::WebSession;

/// The cookie's attributes, as the API's sign-in sets them.
fn cookie(state: &AppState, value: &str, max_age: Option<u64>) -> String {
    let mut c = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict",
        cookie_name(state.tls)
    );
    if state.tls {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

impl WorkSource for AppState {
    fn signed_in(&self, headers: &HeaderMap) -> Option<SignedIn> {
        let web = self.web_session(&session_cookie(self, headers)?)?;
        Some(SignedIn {
            display_name: web.principal.clone(),
            user: web.principal,
            csrf: web.csrf,
            work: web.work,
        })
    }

    fn sign_in(&self, user: &str, password: &str) -> Result<String, SignInRefused> {
        let principal = self.engine.sign_in(user, password).map_err(|e| {
            if e.code() == "locked_out" {
                SignInRefused::LockedOut
            } else {
                SignInRefused::BadCredentials
            }
        })?;
        // A new id at every sign-in, so a planted cookie is never promoted.
        let id = random_token(32);
        let now = Instant::now();
        let web = WebSession {
            principal: principal.id,
            csrf: random_token(32),
            started: now,
            last_seen: now,
            work: None,
        };
        self.sessions
            .lock()
            .map_err(|_| SignInRefused::BadCredentials)?
            .insert(session_key(&id), web);
        Ok(cookie(self, &id, None))
    }

    fn purposes(&self, user: &str) -> Vec<PurposeChoice> {
        self.engine
            .usable_purposes(user)
            .unwrap_or_default()
            .into_iter()
            .map(|p| PurposeChoice {
                id: p.id,
                description: p.description,
                sensitive: p.sensitive,
            })
            .collect()
    }

    fn start_work(&self, headers: &HeaderMap, work: SessionRequest) {
        if let Some(c) = session_cookie(self, headers) {
            self.update_session(&c, |w| w.work = Some(work));
        }
    }

    fn sign_out(&self, headers: &HeaderMap) -> String {
        if let Some(old) = session_cookie(self, headers)
            && let Ok(mut all) = self.sessions.lock()
        {
            all.remove(&session_key(&old));
        }
        cookie(self, "", Some(0))
    }

    fn models(&self) -> crate::Models {
        self.models.clone()
    }
}
