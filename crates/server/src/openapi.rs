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
    modifiers(&SecuritySchemes, &ErrorAnswers),
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

/// The statuses of the one error table (`errors.rs`) that any operation may
/// answer, whatever its own handler does: a body or query that does not
/// parse, who is asking, a hidden record, a body over its limit or of
/// another type, a lockout, and a fault.
const ANY_OPERATION_MAY_ANSWER: [(&str, &str); 9] = [
    ("400", "the request is not one this operation takes"),
    ("401", "not signed in, or the token is refused"),
    ("403", "refused: work not started, or the gate's decision"),
    (
        "404",
        "not found (a hidden record is answered as an absent one)",
    ),
    ("413", "over a named limit"),
    ("415", "a body of another media type"),
    ("429", "locked out after failed sign-ins"),
    ("500", "an internal fault, with a reference to quote"),
    ("503", "the log's witnesses did not cosign in time"),
];

/// Lists the error table's answers on every operation, each with the
/// error body, so that a client (and a checker such as schemathesis) finds
/// every status the server sends in the document.
struct ErrorAnswers;

impl utoipa::Modify for ErrorAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in operations.into_iter().flatten() {
                for (status, description) in ANY_OPERATION_MAY_ANSWER {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| {
                            ResponseBuilder::new()
                                .description(description)
                                .content(
                                    "application/json",
                                    ContentBuilder::new()
                                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                                        .build(),
                                )
                                .build()
                                .into()
                        });
                }
            }
        }
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
