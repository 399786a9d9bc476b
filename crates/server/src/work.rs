//! Starting work is starting an engine session: after sign-in the user
//! chooses a purpose their roles may use, a reason code, a justification and
//! optionally a case reference. Every later request opens the engine session
//! afresh from that choice (`Work::run`), so the registers are checked each
//! time.

use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Json, Router};
use clearstone_engine::{EngineError, Session, SessionRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Me, me_of, session_cookie};
use crate::state::WebSession;
use crate::{ApiError, AppState};

/// Engine codes that mean the chosen work can no longer be done at all;
/// the web session's work ends and the user chooses again.
const WORK_ENDING: &[&str] = &[
    "unknown_user",
    "unknown_purpose",
    "disabled",
    "purpose_not_for_role",
    "purpose_expired",
    "purpose_unreviewed",
    "break_glass_not_active",
];

/// A signed-in browser, whether or not work has started.
pub struct SignedIn {
    pub(crate) web: WebSession,
    pub(crate) cookie: String,
}

impl SignedIn {
    pub fn user(&self) -> &str {
        &self.web.principal
    }

    /// The token a state-changing request must carry (`x-csrf-token` or a
    /// `csrf` form field).
    pub fn csrf(&self) -> &str {
        &self.web.csrf
    }

    /// The work started, if any: purpose, reason, case.
    pub fn work(&self) -> Option<&SessionRequest> {
        self.web.work.as_ref()
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let cookie = session_cookie(state, &parts.headers).ok_or_else(sign_in_required)?;
        let web = state.web_session(&cookie).ok_or_else(sign_in_required)?;
        Ok(Self { web, cookie })
    }
}

fn sign_in_required() -> ApiError {
    ApiError::new("sign_in_required", "sign in first")
}

/// A request that may act on data: a signed-in user who has started work,
/// or an API token. See the crate's documentation.
pub struct Work {
    state: AppState,
    request: SessionRequest,
    /// The web session's cookie, when the request came from a browser.
    cookie: Option<String>,
    pub(crate) csrf: Option<String>,
    /// Told when the engine session opens, so a refusal before it is logged.
    slot: Option<crate::unlogged::Slot>,
}

impl Work {
    /// The engine session request every act of this request runs under.
    pub fn request(&self) -> &SessionRequest {
        &self.request
    }

    /// The CSRF token of the browser's session (none for an API token).
    pub fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }

    /// Opens the engine session and runs one act in it, off the async
    /// threads. A refusal that ends the chosen work (an expired purpose, a
    /// disabled user) clears the web session's work.
    pub async fn run<T, F>(&self, act: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Session<'_>) -> Result<T, EngineError> + Send + 'static,
    {
        let engine = self.state.engine.clone();
        let request = self.request.clone();
        if let Some(slot) = &self.slot {
            slot.opened();
        }
        let out = crate::blocking::run(move || {
            let session = engine.session(request).map_err(|e| (true, e))?;
            act(&session).map_err(|e| (false, e))
        })
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))?;
        match out {
            Ok(v) => Ok(v),
            Err((opening, e)) => {
                if opening
                    && WORK_ENDING.contains(&e.code())
                    && let Some(c) = &self.cookie
                {
                    self.state.update_session(c, |w| w.work = None);
                }
                Err(e.into())
            }
        }
    }
}

impl FromRequestParts<AppState> for Work {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_string);
        if let Some(token) = bearer {
            let engine = state.engine.clone();
            let request = tokio::task::spawn_blocking(move || engine.token_request(&token))
                .await
                .map_err(|e| ApiError::internal(&e.to_string()))??;
            let slot = parts.extensions.get::<crate::unlogged::Slot>().cloned();
            if let Some(s) = &slot {
                s.found(&request);
            }
            return Ok(Self {
                state: state.clone(),
                request,
                cookie: None,
                csrf: None,
                slot,
            });
        }
        let who = SignedIn::from_request_parts(parts, state).await?;
        let request = who.web.work.clone().ok_or_else(|| {
            ApiError::new(
                "work_not_started",
                "choose a purpose and give a justification first",
            )
        })?;
        let slot = parts.extensions.get::<crate::unlogged::Slot>().cloned();
        if let Some(s) = &slot {
            s.found(&request);
        }
        Ok(Self {
            state: state.clone(),
            request,
            cookie: Some(who.cookie),
            csrf: Some(who.web.csrf),
            slot,
        })
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/purposes", get(purposes))
        .route("/api/v1/work", post(start_work))
        .route("/api/v1/work/break-glass", post(break_glass))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PurposeChoice {
    pub id: String,
    pub description: String,
    /// Whether the purpose names a lawful condition for special-category data.
    pub sensitive: bool,
}

/// The purposes the signed-in user's roles may use today.
#[utoipa::path(get, path = "/api/v1/purposes", tag = "work", security(("session" = [])),
    responses((status = 200, body = Vec<PurposeChoice>), (status = 401, body = crate::errors::ErrorBody)))]
pub(crate) async fn purposes(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<Vec<PurposeChoice>>, ApiError> {
    let engine = state.engine.clone();
    let user = who.web.principal.clone();
    let list = tokio::task::spawn_blocking(move || engine.usable_purposes(&user))
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))??;
    Ok(Json(
        list.into_iter()
            .map(|p| PurposeChoice {
                id: p.id,
                description: p.description,
                sensitive: p.sensitive,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WorkForm {
    pub purpose: String,
    /// One of the engine's reason codes (`investigation`, `complaint`, …).
    pub reason: String,
    pub justification: String,
    pub case_ref: Option<String>,
}

impl WorkForm {
    fn request(self, user: &str, break_glass: bool) -> SessionRequest {
        SessionRequest {
            principal: user.to_string(),
            purpose: self.purpose,
            justification: self.justification,
            reason: Some(self.reason),
            case_ref: self.case_ref.filter(|c| !c.trim().is_empty()),
            break_glass,
            token: None,
        }
    }
}

/// Starts (or switches) work: the engine session is opened to check it,
/// a refusal is logged by the engine and answered with its code.
#[utoipa::path(post, path = "/api/v1/work", tag = "work", security(("session" = [])), request_body = WorkForm,
    responses((status = 200, body = Me), (status = 400, body = crate::errors::ErrorBody),
              (status = 401, body = crate::errors::ErrorBody), (status = 403, body = crate::errors::ErrorBody)))]
pub(crate) async fn start_work(
    State(state): State<AppState>,
    who: SignedIn,
    crate::extract::Json(form): crate::extract::Json<WorkForm>,
) -> Result<Json<Me>, ApiError> {
    let request = form.request(&who.web.principal, false);
    let engine = state.engine.clone();
    let check = request.clone();
    tokio::task::spawn_blocking(move || engine.session(check).map(drop))
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))??;
    state.update_session(&who.cookie, |w| w.work = Some(request));
    let web = state
        .web_session(&who.cookie)
        .ok_or_else(sign_in_required)?;
    Ok(Json(me_of(&web)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BreakGlassForm {
    #[serde(flatten)]
    pub work: WorkForm,
    /// How long the grant lasts (at most 240).
    pub minutes: u64,
}

/// Starts a break-glass grant and works under it: the purpose's dataset
/// and type limits are lifted (never markings or masking), and every event
/// is flagged for review.
#[utoipa::path(post, path = "/api/v1/work/break-glass", tag = "work", security(("session" = [])), request_body = BreakGlassForm,
    responses((status = 200, body = Me), (status = 400, body = crate::errors::ErrorBody),
              (status = 401, body = crate::errors::ErrorBody), (status = 403, body = crate::errors::ErrorBody)))]
pub(crate) async fn break_glass(
    State(state): State<AppState>,
    who: SignedIn,
    crate::extract::Json(form): crate::extract::Json<BreakGlassForm>,
) -> Result<Json<Me>, ApiError> {
    let minutes = form.minutes;
    let plain = form.work.request(&who.web.principal, false);
    let request = SessionRequest {
        break_glass: true,
        ..plain.clone()
    };
    let engine = state.engine.clone();
    tokio::task::spawn_blocking(move || {
        engine.session(plain)?.start_break_glass(minutes).map(drop)
    })
    .await
    .map_err(|e| ApiError::internal(&e.to_string()))??;
    state.update_session(&who.cookie, |w| w.work = Some(request));
    let web = state
        .web_session(&who.cookie)
        .ok_or_else(sign_in_required)?;
    Ok(Json(me_of(&web)))
}
