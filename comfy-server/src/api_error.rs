//! `ApiError`: a refused request, answered with ComfyUI's error shape
//! `{"error": {type, message, details, extra_info}, "node_errors": {...}}` and a 4xx status.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value as Json};

/// A request the server refuses, with what it says about it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// The HTTP status (400, 403, 404, 413…).
    pub status: StatusCode,
    /// ComfyUI's error type (`invalid_prompt`, `prompt_outputs_failed_validation`…).
    pub kind: &'static str,
    /// One sentence.
    pub message: String,
    /// More precise words (the node, the input).
    pub details: String,
    /// Per-node errors, keyed by node id (`{}` for whole-prompt problems).
    pub node_errors: Json,
}

impl ApiError {
    /// A 400 of `kind` with no node errors.
    pub fn bad_request(kind: &'static str, message: impl Into<String>, details: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            kind,
            message: message.into(),
            details: details.into(),
            node_errors: json!({}),
        }
    }

    /// The same error with another status.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The JSON body.
    pub fn body(&self) -> Json {
        json!({
            "error": { "type": self.kind, "message": self.message, "details": self.details, "extra_info": {} },
            "node_errors": self.node_errors,
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}
