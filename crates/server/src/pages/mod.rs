//! The HTML pages: server-rendered, working without JavaScript, each opening
//! an engine `Session` for the signed-in user's current work and nothing else.
//! Sign-in and the web session itself belong to the rest of the server, which
//! the pages reach only through [`WorkSource`].

mod alerts;
mod alerts_form;
mod assets;
mod break_glass;
mod cases;
mod cases_edit;
mod cases_form;
mod chart;
mod chart_analysis;
mod data;
mod data_replay;
mod dossier;
mod dpo;
mod dpo_purpose_add;
mod dpo_purposes;
mod fairness;
mod fairness_chart;
mod form;
mod glue;
mod layout;
mod notes;
mod notes_model;
mod notes_search;
mod notes_sources;
mod notes_speech;
mod notes_text;
mod overseer;
mod overseer_witnesses;
mod record;
mod review;
mod search;
mod search_facets;
mod search_saved;
mod start;
mod undo;

use std::sync::Arc;

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::get;
use clearstone_engine::{Engine, SessionRequest};

/// A purpose the signed-in user's roles may start work under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurposeChoice {
    pub id: String,
    pub description: String,
    /// Whether the purpose names a lawful condition for special-category data.
    pub sensitive: bool,
}

/// A browser's signed-in user, and their work once started.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: String,
    pub display_name: String,
    /// The token every state-changing form carries back.
    pub csrf: String,
    /// Principal, purpose, reason, justification and case of the work in
    /// hand; `None` until the user has started work.
    pub work: Option<SessionRequest>,
}

/// Why a sign-in failed, said the same way whether or not the account exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefused {
    BadCredentials,
    LockedOut,
}

/// The web sessions the sign-in part of the server keeps: the pages ask it
/// who is signed in and hand it what the forms collect.
pub trait WorkSource: Send + Sync + 'static {
    /// The user this request's cookie signs in, if any.
    fn signed_in(&self, headers: &HeaderMap) -> Option<SignedIn>;
    /// Checks a password; the `Set-Cookie` value of a new web session.
    fn sign_in(&self, user: &str, password: &str) -> Result<String, SignInRefused>;
    /// The purposes `user`'s roles may use.
    fn purposes(&self, user: &str) -> Vec<PurposeChoice>;
    /// Keeps `work` as the web session's current work (a new purpose starts
    /// new work); the engine has already accepted it.
    fn start_work(&self, headers: &HeaderMap, work: SessionRequest);
    /// Ends the web session; the `Set-Cookie` value that clears it.
    fn sign_out(&self, headers: &HeaderMap) -> String;
    /// The chat model and transcriber the server was started with.
    fn models(&self) -> crate::Models {
        crate::Models::default()
    }
}

/// What every page handler holds.
#[derive(Clone)]
pub struct Pages {
    pub engine: Arc<Engine>,
    pub source: Arc<dyn WorkSource>,
}

/// The pages and their assets, for the server's router to merge.
pub fn router<S: Clone + Send + Sync + 'static>(
    engine: Arc<Engine>,
    source: Arc<dyn WorkSource>,
) -> Router<S> {
    Router::new()
        .route("/", get(start::home))
        .route("/sign-in", get(start::sign_in_form).post(start::sign_in))
        .route("/sign-out", axum::routing::post(start::sign_out))
        .route("/start", get(start::start_form).post(start::start))
        .route("/search", get(search::page))
        .route("/entities/{id}", get(dossier::page))
        .route(
            "/entities/{id}/reveal",
            axum::routing::post(dossier::reveal),
        )
        .route("/review", get(review::page).post(review::decide))
        .route("/chart", get(chart::page))
        .route("/chart/export", axum::routing::post(chart::export))
        .route("/my-record", get(record::page))
        .route("/my-record/receipts/{id}", get(record::receipt))
        .route("/overseer", get(overseer::page))
        .route("/data", get(data::page))
        .route("/dpo", get(dpo::page))
        .route("/cases", get(cases::list))
        .route("/cases/{id}", get(cases::page).post(cases_edit::act))
        .route("/assets/{*path}", get(assets::serve))
        .route(
            "/break-glass",
            get(break_glass::page).post(break_glass::start),
        )
        .route("/break-glass/end", axum::routing::post(break_glass::end))
        .route(
            "/entities/{id}/judgements/{judgement}/withdraw",
            axum::routing::post(undo::withdraw),
        )
        .route(
            "/dpo/purposes/{id}/review",
            axum::routing::post(dpo_purposes::review),
        )
        .route(
            "/dpo/purposes/{id}/expire",
            axum::routing::post(dpo_purposes::expire),
        )
        .route("/notes/{id}", get(notes::page).post(notes::reveal))
        .route(
            "/entities/{id}/notes",
            get(notes_sources::person).post(notes_sources::person_reveal),
        )
        .route(
            "/entities/{id}/notes/add",
            axum::routing::post(notes_sources::add),
        )
        .route(
            "/cases/{id}/notes",
            get(notes_sources::case).post(notes_sources::case_reveal),
        )
        .route(
            "/notes/summaries/{key}/confirm",
            axum::routing::post(notes_sources::sign_off),
        )
        .route("/alerts", get(alerts::list))
        .route("/alerts/{id}", get(alerts::page).post(alerts::act))
        .route(
            "/search/saved",
            get(search_saved::list).post(search_saved::save),
        )
        .route("/search/saved/{id}", get(search_saved::run))
        .route("/dpo/purposes/new", get(dpo_purpose_add::new))
        .route(
            "/data/quarantine/replay",
            axum::routing::post(data_replay::replay).layer(axum::extract::DefaultBodyLimit::max(
                data_replay::REPLAY_BODY_BYTES_MAX,
            )),
        )
        .route("/dpo/purposes", axum::routing::post(dpo_purpose_add::add))
        .route(
            "/search/saved/{id}/delete",
            axum::routing::post(search_saved::delete),
        )
        .route("/entities/{id}/notes/recording", notes_speech::route())
        .route("/entities/{id}/notes/model-summary", notes_model::route())
        .route(
            "/notes/search",
            get(notes_search::page).post(notes_search::reveal),
        )
        .route("/fairness", get(fairness::page_handler))
        .with_state(Pages { engine, source })
}
