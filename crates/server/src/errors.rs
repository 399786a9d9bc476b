//! The one error-code table: every engine error code, and the server's own,
//! with its HTTP status. A body is always `{code, message, field?}`. An
//! internal fault is a 500 with a reference to quote, whose detail goes to
//! the server's own error output, never to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use clearstone_engine::EngineError;
use serde::Serialize;

/// Every code and its status. The API's tests walk it; `docs/web.md`
/// prints it.
pub const TABLE: &[(&str, u16)] = &[
    // The server's own: who is asking.
    ("sign_in_required", 401),
    ("sign_in_failed", 401),
    ("token_refused", 401),
    ("locked_out", 429),
    ("work_not_started", 403),
    ("csrf_failed", 403),
    ("enrolment_refused", 400),
    ("body_too_large", 413),
    ("unsupported_media_type", 415),
    ("route_not_found", 404),
    ("method_not_allowed", 405),
    // Opening an engine session.
    ("principal_required", 400),
    ("purpose_required", 400),
    ("justification_required", 400),
    ("justification_not_words", 400),
    ("unknown_user", 403),
    ("unknown_purpose", 403),
    ("disabled", 403),
    ("purpose_not_for_role", 403),
    ("purpose_expired", 403),
    ("purpose_unreviewed", 403),
    ("break_glass_not_active", 403),
    // Decisions of the gate.
    ("forbidden", 403),
    ("own_principal", 403),
    ("shared_permissions", 403),
    ("not_found", 404),
    // Bad input.
    ("invalid_input", 400),
    ("invalid_policy", 400),
    ("invalid_ontology", 400),
    ("invalid_mapping", 400),
    ("source_unreadable", 400),
    ("recipient_required", 400),
    ("limit_exceeded", 413),
    ("not_initialised", 500),
    ("already_initialised", 409),
    ("store_too_new", 500),
    // Faults: ours, not the user's.
    ("internal", 500),
    ("io_error", 500),
    ("ingest_failed", 500),
    ("audit_log", 500),
    ("unwitnessed", 503),
];

/// The status for a code; a code the table does not know (a deny reason
/// of the policies, which are refusals) is a 403.
pub fn status_of(code: &str) -> StatusCode {
    let n = TABLE
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(403, |(_, s)| *s);
    StatusCode::from_u16(n).unwrap_or(StatusCode::FORBIDDEN)
}

/// An error as the API answers it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code from the error-code table.
    pub code: String,
    /// One lowercase line for a person.
    pub message: String,
    /// The request field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            status: status_of(code),
            body: ErrorBody {
                code: code.into(),
                message: message.into(),
                field: None,
            },
        }
    }

    pub fn field(mut self, field: &str) -> Self {
        self.body.field = Some(field.into());
        self
    }

    /// A fault of ours: the client gets a reference to quote, the detail
    /// goes to the server's error output.
    pub fn internal(detail: &str) -> Self {
        let reference = crate::auth::random_token(6);
        eprintln!("error[internal] ref {reference}: {detail}");
        Self::new(
            "internal",
            format!("an internal fault stopped this request; quote reference `{reference}`"),
        )
    }

    pub fn code(&self) -> &str {
        &self.body.code
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        let code = e.code();
        if status_of(code).is_server_error() {
            return Self::internal(&format!("{code}: {e}"));
        }
        Self::new(code, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = crate::unlogged::ErrorCode(self.body.code.clone());
        let mut response = (self.status, Json(self.body)).into_response();
        response.extensions_mut().insert(code);
        response
    }
}

/// Answers for paths and methods no route has, in the same shape.
pub async fn not_found() -> ApiError {
    ApiError::new("route_not_found", "no such page or api route")
}

/// Answers for a method a route does not take, in the same shape.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new("method_not_allowed", "this route does not take that method")
}
