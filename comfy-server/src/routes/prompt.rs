//! `/prompt`, `/queue`, `/history`, `/interrupt`, `/free`: the queue's routes.
use super::body::{json_body, optional_json};
use crate::api_error::ApiError;
use crate::hub::Frame;
use crate::prompt::parse_prompt;
use crate::state::AppState;
use crate::worker::status_message;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// `POST /prompt`: validates and queues a prompt.
pub async fn post_prompt(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let number = state.queue.take_number();
    let body = json_body(&headers, &body)?;
    let mut posted = parse_prompt(&body, &state.registry, || state.new_id())?;
    posted.job.number = match (posted.number, posted.front) {
        (Some(n), _) => n,
        (None, true) => -number,
        (None, false) => number,
    };
    let reply = json!({ "prompt_id": posted.job.prompt_id, "number": posted.job.number, "node_errors": {} });
    let remaining = state.queue.push(posted.job);
    state.hub.broadcast(Frame::Text(status_message(remaining, None)));
    Ok(Json(reply))
}

/// `GET /prompt`: how many prompts are left.
pub async fn get_prompt(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "exec_info": { "queue_remaining": state.queue.remaining() } }))
}

/// `GET /queue`.
pub async fn get_queue(State(state): State<AppState>) -> Json<Value> {
    Json(state.queue.snapshot())
}

/// The ids in `{"delete": [...]}`.
fn ids(body: &Value) -> Vec<String> {
    let list = body.get("delete").and_then(Value::as_array);
    list.into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// `POST /queue`: `{"clear": true}` or `{"delete": [ids]}`.
pub async fn post_queue(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let body = optional_json(&headers, &body)?;
    if body.get("clear").and_then(Value::as_bool) == Some(true) {
        state.queue.clear();
    }
    state.queue.delete(&ids(&body));
    state
        .hub
        .broadcast(Frame::Text(status_message(state.queue.remaining(), None)));
    Ok(().into_response())
}

/// `?max_items=N`.
#[derive(Deserialize)]
pub struct HistoryQuery {
    max_items: Option<usize>,
}

/// `GET /history`.
pub async fn get_history(State(state): State<AppState>, Query(q): Query<HistoryQuery>) -> Json<Value> {
    Json(state.queue.history(q.max_items))
}

/// `GET /history/{id}`: `{id: entry}`, or `{}` for an unknown id.
pub async fn get_history_of(State(state): State<AppState>, Path(id): Path<String>) -> Json<Value> {
    match state.queue.history_of(&id) {
        Some(entry) => Json(json!({ id: entry })),
        None => Json(json!({})),
    }
}

/// `POST /history`: `{"clear": true}` or `{"delete": [ids]}`.
pub async fn post_history(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = optional_json(&headers, &body)?;
    if body.get("clear").and_then(Value::as_bool) == Some(true) {
        state.queue.clear_history();
    }
    state.queue.delete_history(&ids(&body));
    Ok(().into_response())
}

/// `POST /interrupt`, optionally `{"prompt_id"}`: cancels the running prompt.
pub async fn post_interrupt(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = optional_json(&headers, &body)?;
    state.queue.interrupt(body.get("prompt_id").and_then(Value::as_str));
    Ok(().into_response())
}

/// `POST /free`: empties the executor's cache before the next prompt.
pub async fn post_free(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let body = optional_json(&headers, &body)?;
    let asked = |key: &str| body.get(key).and_then(Value::as_bool) == Some(true);
    if asked("unload_models") || asked("free_memory") {
        state.queue.request_free();
    }
    Ok(().into_response())
}
