//! Reading a JSON request body ourselves, so that a wrong content type or malformed JSON is a
//! 400 in ComfyUI's error shape (ComfyUI answers malformed JSON with a plain-text 500).
use crate::api_error::ApiError;
use axum::http::{header, HeaderMap, StatusCode};
use serde_json::Value as Json;

/// The body as JSON. Accepted content types: `application/json`, none (scripts posting with
/// plain urllib), and `application/x-www-form-urlencoded` (urllib's default); anything else
/// is refused.
pub fn json_body(headers: &HeaderMap, body: &[u8]) -> Result<Json, ApiError> {
    if let Some(kind) = headers.get(header::CONTENT_TYPE) {
        let kind = kind.to_str().unwrap_or_default().to_ascii_lowercase();
        let essence = kind.split(';').next().unwrap_or_default().trim().to_string();
        if !matches!(
            essence.as_str(),
            "application/json" | "application/x-www-form-urlencoded" | ""
        ) {
            let msg = format!("Content-Type {essence:?} is not accepted; send application/json");
            return Err(ApiError::bad_request("invalid_content_type", msg, "").with_status(StatusCode::BAD_REQUEST));
        }
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "invalid_json",
            "The request body is empty; send a JSON object",
            "",
        ));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::bad_request("invalid_json", format!("Malformed JSON: {e}"), ""))
}

/// The body as JSON, or `{}` when empty (the control routes accept an empty body).
pub fn optional_json(headers: &HeaderMap, body: &[u8]) -> Result<Json, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Json::Object(Default::default()));
    }
    json_body(headers, body)
}

/// The body as JSON whatever its content type: the interface posts settings with `fetch` and a
/// string body, which the browser labels `text/plain` (the origin check still applies).
pub fn settings_json(body: &[u8]) -> Result<Json, ApiError> {
    json_body(&HeaderMap::new(), body)
}
