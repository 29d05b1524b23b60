//! `/settings` and `/userdata`: the interface's settings and saved workflows, in the user
//! folder (`user/default/`, as ComfyUI keeps a single user's), every path confined to it.
use crate::api_error::ApiError;
use crate::files::confine;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

const SETTINGS: &str = "comfy.settings.json";

fn user_root(state: &AppState) -> Result<PathBuf, ApiError> {
    let root = state.folders.user.join("default");
    std::fs::create_dir_all(&root).map_err(|e| io_error(StatusCode::INTERNAL_SERVER_ERROR, e))?;
    Ok(root)
}

fn io_error(status: StatusCode, e: std::io::Error) -> ApiError {
    ApiError::bad_request("io_error", e.to_string(), "").with_status(status)
}

fn not_found(what: &str) -> ApiError {
    ApiError::bad_request("not_found", what, "").with_status(StatusCode::NOT_FOUND)
}

/// `raw` inside the user folder; refused with 403 otherwise.
fn user_path(state: &AppState, raw: &str) -> Result<PathBuf, ApiError> {
    let root = user_root(state)?;
    let raw = raw.trim_start_matches("./");
    confine(&root, raw, "user")
        .map_err(|e| ApiError::bad_request("invalid_path", e.to_string(), "").with_status(StatusCode::FORBIDDEN))
}

fn read_settings(state: &AppState) -> Result<Map<String, Value>, ApiError> {
    let path = user_root(state)?.join(SETTINGS);
    let text = std::fs::read_to_string(path).unwrap_or_default();
    Ok(serde_json::from_str(&text).unwrap_or_default())
}

fn write_settings(state: &AppState, settings: &Map<String, Value>) -> Result<(), ApiError> {
    let path = user_root(state)?.join(SETTINGS);
    let text = serde_json::to_string_pretty(settings).unwrap_or_default();
    std::fs::write(path, text).map_err(|e| io_error(StatusCode::INTERNAL_SERVER_ERROR, e))
}

/// `GET /settings`.
pub async fn get_settings(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(Value::Object(read_settings(&state)?)))
}

/// `POST /settings`: merges an object of settings.
pub async fn post_settings(State(state): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let Value::Object(new) = super::body::settings_json(&body)? else {
        return Err(ApiError::bad_request(
            "invalid_json",
            "settings must be a JSON object",
            "",
        ));
    };
    let mut settings = read_settings(&state)?;
    settings.extend(new);
    write_settings(&state, &settings)?;
    Ok(().into_response())
}

/// `GET /settings/{id}`: the value, or `null`.
pub async fn get_setting(State(state): State<AppState>, UrlPath(id): UrlPath<String>) -> Result<Json<Value>, ApiError> {
    Ok(Json(read_settings(&state)?.remove(&id).unwrap_or(Value::Null)))
}

/// `POST /settings/{id}`: the body is the value.
pub async fn post_setting(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let value = super::body::settings_json(&body)?;
    let mut settings = read_settings(&state)?;
    settings.insert(id, value);
    write_settings(&state, &settings)?;
    Ok(().into_response())
}

/// `/userdata`'s list query.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    dir: String,
    #[serde(default)]
    recurse: Option<String>,
    #[serde(default)]
    full_info: Option<String>,
    #[serde(default)]
    split: Option<String>,
}

fn yes(flag: &Option<String>) -> bool {
    flag.as_deref().is_some_and(|v| v == "true" || v == "1")
}

fn file_info(path: &Path, rel: &str) -> Value {
    let meta = std::fs::metadata(path).ok();
    let modified = meta
        .as_ref()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok());
    json!({ "path": rel, "size": meta.map_or(0, |m| m.len()), "modified": modified.map_or(0.0, |d| d.as_secs_f64()) })
}

fn walk(dir: &Path, prefix: &str, recurse: bool, out: &mut Vec<(PathBuf, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let kind = entry.file_type();
        if kind.as_ref().is_ok_and(|k| k.is_dir()) {
            if recurse {
                walk(&entry.path(), &rel, recurse, out);
            }
        } else if kind.is_ok_and(|k| k.is_file()) {
            out.push((entry.path(), rel));
        }
    }
}

/// `GET /userdata?dir=&recurse=&full_info=&split=`: the files in a user folder.
pub async fn list_userdata(State(state): State<AppState>, Query(q): Query<ListQuery>) -> Result<Json<Value>, ApiError> {
    let dir = user_path(&state, &q.dir)?;
    // ComfyUI answers 404 until the folder exists, which the interface tolerates but logs as a
    // console error at every start; a folder nothing was saved in yet is simply empty.
    if !dir.is_dir() {
        return Ok(Json(Value::Array(Vec::new())));
    }
    let mut files = Vec::new();
    walk(&dir, "", yes(&q.recurse), &mut files);
    files.sort_by(|a, b| a.1.cmp(&b.1));
    let list: Vec<Value> = files
        .iter()
        .map(|(path, rel)| match (yes(&q.full_info), yes(&q.split)) {
            (true, _) => file_info(path, rel),
            (false, true) => json!(std::iter::once(rel.as_str()).chain(rel.split('/')).collect::<Vec<_>>()),
            (false, false) => json!(rel),
        })
        .collect();
    Ok(Json(json!(list)))
}

/// `GET /v2/userdata?path=`: files and folders one level down.
#[derive(Deserialize)]
pub struct V2Query {
    #[serde(default)]
    path: String,
}

/// `GET /v2/userdata`.
pub async fn list_userdata_v2(
    State(state): State<AppState>,
    Query(q): Query<V2Query>,
) -> Result<Json<Value>, ApiError> {
    let dir = if q.path.is_empty() {
        user_root(&state)?
    } else {
        user_path(&state, &q.path)?
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Err(not_found("Path not found"));
    };
    let mut list: Vec<Value> = entries
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let rel = if q.path.is_empty() {
                name.clone()
            } else {
                format!("{}/{name}", q.path.trim_end_matches('/'))
            };
            let is_dir = e.file_type().is_ok_and(|k| k.is_dir());
            let mut info = file_info(&e.path(), &rel);
            info["name"] = json!(name);
            info["type"] = json!(if is_dir { "directory" } else { "file" });
            info
        })
        .collect();
    list.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
    Ok(Json(json!(list)))
}

/// `GET /userdata/{file}`.
pub async fn get_userdata(State(state): State<AppState>, UrlPath(file): UrlPath<String>) -> Result<Response, ApiError> {
    let path = user_path(&state, &file)?;
    match tokio::fs::read(&path).await {
        Ok(bytes) => Ok(Body::from(bytes).into_response()),
        Err(_) => Err(not_found("File not found")),
    }
}

/// `?overwrite=&full_info=`.
#[derive(Deserialize)]
pub struct WriteQuery {
    overwrite: Option<String>,
    full_info: Option<String>,
}

/// `POST /userdata/{file}`: writes the body (409 when it exists and `overwrite=false`).
pub async fn post_userdata(
    State(state): State<AppState>,
    UrlPath(file): UrlPath<String>,
    Query(q): Query<WriteQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let path = user_path(&state, &file)?;
    prepare_target(&path, &q).await?;
    // Through a temporary file and a rename, so a crash never leaves half a saved workflow.
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    tokio::fs::write(&tmp, &body)
        .await
        .map_err(|e| io_error(StatusCode::FORBIDDEN, e))?;
    tokio::fs::rename(&tmp, &path)
        .await
        .map_err(|e| io_error(StatusCode::FORBIDDEN, e))?;
    Ok(written(&path, &file, &q))
}

/// Refuses (409) to replace an existing `path` when the query says `overwrite=false`, and
/// creates the folder it goes in.
async fn prepare_target(path: &Path, q: &WriteQuery) -> Result<(), ApiError> {
    if q.overwrite.as_deref() == Some("false") && path.exists() {
        return Err(ApiError::bad_request("conflict", "File already exists", "").with_status(StatusCode::CONFLICT));
    }
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|e| io_error(StatusCode::FORBIDDEN, e))?;
    }
    Ok(())
}

/// The answer to a write or a move: the file's path and details with `full_info`, else its path.
fn written(path: &Path, name: &str, q: &WriteQuery) -> Response {
    let reply = if yes(&q.full_info) {
        file_info(path, name)
    } else {
        json!(name)
    };
    Json(reply).into_response()
}

/// `DELETE /userdata/{file}`.
pub async fn delete_userdata(
    State(state): State<AppState>,
    UrlPath(file): UrlPath<String>,
) -> Result<Response, ApiError> {
    let path = user_path(&state, &file)?;
    tokio::fs::remove_file(&path)
        .await
        .map_err(|_| not_found("File not found"))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /userdata/{file}/move/{dest}`.
pub async fn move_userdata(
    State(state): State<AppState>,
    UrlPath((file, dest)): UrlPath<(String, String)>,
    Query(q): Query<WriteQuery>,
) -> Result<Response, ApiError> {
    let from = user_path(&state, &file)?;
    let to = user_path(&state, &dest)?;
    if !from.is_file() {
        return Err(not_found("File not found"));
    }
    prepare_target(&to, &q).await?;
    tokio::fs::rename(&from, &to)
        .await
        .map_err(|e| io_error(StatusCode::FORBIDDEN, e))?;
    Ok(written(&to, &dest, &q))
}
