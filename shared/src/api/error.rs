//! The one place that decides HTTP status codes. Clients get a stable code
//! and a safe message; the log gets the cause chain.

use http::StatusCode;
use lambda_http::Body;

use crate::domain::ValidationError;
use crate::store::InvalidCursor;

/// Everything an endpoint can answer other than success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("sign in to do this")]
    Unauthorized,
    #[error("this needs the admin group")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        details: Option<serde_json::Value>,
    },
    /// The `Accept` header allows none of the answer's media types.
    #[error("this answers {0}; the Accept header allows neither")]
    NotAcceptable(&'static str),
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    #[error("the service is temporarily unavailable; retry with the same Idempotency-Key")]
    Unavailable(#[source] anyhow::Error),
    #[error("unexpected error")]
    Unexpected(#[from] anyhow::Error),
}

/// 400 is for a request that breaks the published schema (`openapi.yaml`);
/// 422 for one that matches it but breaks a rule no schema can state (two
/// values out of order, a cursor this listing never issued, card data).
impl From<ValidationError> for ApiError {
    fn from(e: ValidationError) -> Self {
        if e.range {
            return ApiError::Unprocessable {
                code: "invalid_range",
                message: e.to_string(),
            };
        }
        ApiError::BadRequest {
            code: "invalid_field",
            message: e.to_string(),
        }
    }
}

impl From<InvalidCursor> for ApiError {
    fn from(_: InvalidCursor) -> Self {
        ApiError::Unprocessable {
            code: "invalid_cursor",
            message: "the cursor was not issued by this listing".into(),
        }
    }
}

impl From<crate::store::products::ListError> for ApiError {
    fn from(e: crate::store::products::ListError) -> Self {
        match e {
            crate::store::products::ListError::InvalidCursor(c) => c.into(),
            crate::store::products::ListError::Unexpected(e) => e.into(),
        }
    }
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Conflict {
            code,
            message: message.into(),
            details: None,
        }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, code),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            ApiError::NotAcceptable(_) => (StatusCode::NOT_ACCEPTABLE, "not_acceptable"),
            ApiError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, code),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// The JSON error response: `{"error": {"code", "message"}}`.
    pub fn into_response(self) -> http::Response<Body> {
        let (status, code) = self.status_and_code();
        match &self {
            ApiError::Unexpected(cause) | ApiError::Unavailable(cause) => {
                tracing::error!(error = ?cause, "request failed");
            }
            other => tracing::info!(%code, error = %other, "request refused"),
        }
        let mut error = serde_json::json!({ "code": code, "message": self.to_string() });
        if let ApiError::Conflict {
            details: Some(details),
            ..
        } = &self
        {
            error["details"] = details.clone();
        }
        super::json(status, &serde_json::json!({ "error": error }))
    }
}
