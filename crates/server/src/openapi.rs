//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use axum::Json;
use axum::routing::get;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "clearstone",
        description = "Every call acts through the engine's gate: \
        a signed-in user's chosen purpose (or an API token's), decided by policy, redacted \
        and logged."
    ),
    paths(
        crate::auth::sign_in,
        crate::auth::sign_out,
        crate::auth::me,
        crate::auth::enrol,
        crate::work::purposes,
        crate::work::start_work,
        crate::work::break_glass,
        crate::api::entities::search,
        crate::api::entities::show,
        crate::api::entities::reveal,
        crate::api::entities::dossier,
        crate::api::graph::neighbours,
        crate::api::graph::expand,
        crate::api::graph::centrality,
        crate::api::graph::paths,
        crate::api::graph::shared,
        crate::api::graph::export,
        crate::api::review::queue,
        crate::api::review::judge,
        crate::api::review::explain,
        crate::api::data::datasets,
        crate::api::data::ingest_runs,
        crate::api::data::quarantine,
        crate::api::data::users,
        crate::api::data::purposes,
        crate::api::data::events,
        crate::api::data::alerts,
        crate::api::data::audit_query,
        crate::api::data::receipt,
        crate::api::data::own_events,
        crate::api::data::own_receipt,
        crate::api::search_extra::facets,
        crate::api::saved_searches::list,
        crate::api::saved_searches::save,
        crate::api::saved_searches::run,
        crate::api::saved_searches::delete,
    ),
    components(schemas(crate::errors::ErrorBody)),
    modifiers(&SecuritySchemes),
    security(("session" = []), ("bearer" = []))
)]
struct ApiDoc;

/// A browser's session cookie, or a script's API token.
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::SESSION_COOKIE))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as served at `/api/v1/openapi.json`.
pub fn openapi_json() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub(crate) fn routes() -> axum::Router<crate::AppState> {
    axum::Router::new().route(
        "/api/v1/openapi.json",
        get(|| async { Json(openapi_json()) }),
    )
}
