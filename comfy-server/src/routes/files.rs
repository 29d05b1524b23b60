//! `/view` and `/upload/image`: files in the server's folders, confined to them.
use crate::api_error::ApiError;
use crate::files::confine;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Multipart, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::PathBuf;

/// `/view`'s query.
#[derive(Deserialize)]
pub struct ViewQuery {
    filename: Option<String>,
    #[serde(default)]
    subfolder: String,
    #[serde(rename = "type", default = "output")]
    kind: String,
}

fn output() -> String {
    "output".into()
}

fn refused(status: StatusCode, message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_path", message, "").with_status(status)
}

/// The folder of a `type` (`temp` is the output folder: Comfy keeps no separate one).
fn folder(state: &AppState, kind: &str) -> Result<(PathBuf, &'static str), ApiError> {
    match kind {
        "output" | "temp" => Ok((state.folders.output.clone(), "output")),
        "input" => Ok((state.folders.input.clone(), "input")),
        other => Err(refused(
            StatusCode::BAD_REQUEST,
            format!("unknown type {other:?}: output, input or temp"),
        )),
    }
}

/// `filename` in `subfolder` of the folder, or why not: a bad name is 400, a subfolder that
/// leads out 403 (as ComfyUI answers).
fn file_in(state: &AppState, kind: &str, subfolder: &str, filename: &str) -> Result<PathBuf, ApiError> {
    let (base, name) = folder(state, kind)?;
    if filename.is_empty() || filename.contains('/') || filename.contains('\\') || filename.contains("..") {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            format!("invalid filename {filename:?}"),
        ));
    }
    if !subfolder.is_empty() {
        confine(&base, subfolder, name).map_err(|e| refused(StatusCode::FORBIDDEN, e.to_string()))?;
    }
    let raw = match subfolder.trim_end_matches('/') {
        "" => filename.to_string(),
        dir => format!("{dir}/{filename}"),
    };
    confine(&base, &raw, name).map_err(|e| refused(StatusCode::FORBIDDEN, e.to_string()))
}

/// `GET /view?filename=&subfolder=&type=`: an image from the output or input folder.
pub async fn get_view(State(state): State<AppState>, Query(q): Query<ViewQuery>) -> Result<Response, ApiError> {
    let Some(filename) = q.filename.as_deref() else {
        return Err(refused(StatusCode::BAD_REQUEST, "give a filename"));
    };
    let path = file_in(&state, &q.kind, &q.subfolder, filename)?;
    let bytes = match tokio::fs::read(&path).await {
        Ok(bytes) => bytes,
        Err(_) => return Err(refused(StatusCode::NOT_FOUND, format!("no file {filename:?}"))),
    };
    let mime = match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    let disposition = format!("filename=\"{}\"", filename.replace('"', ""));
    let headers = [
        (header::CONTENT_TYPE, mime.to_string()),
        (header::CONTENT_DISPOSITION, disposition),
    ];
    Ok((headers, Body::from(bytes)).into_response())
}

/// `POST /upload/image` (multipart: `image`, `subfolder`, `type`, `overwrite`): stores a PNG
/// or JPEG that decodes, inside the input folder.
pub async fn post_upload(State(state): State<AppState>, mut form: Multipart) -> Result<Json<Value>, ApiError> {
    let (mut image, mut subfolder, mut kind, mut overwrite) = (None, String::new(), "input".to_string(), false);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| refused(StatusCode::BAD_REQUEST, e.to_string()))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let data = field
            .bytes()
            .await
            .map_err(|e| refused(StatusCode::BAD_REQUEST, e.to_string()))?;
        match name.as_str() {
            "image" => image = Some((file_name.unwrap_or_default(), data)),
            "subfolder" => subfolder = String::from_utf8_lossy(&data).to_string(),
            "type" => kind = String::from_utf8_lossy(&data).to_string(),
            "overwrite" => overwrite = matches!(&data[..], b"true" | b"1"),
            _ => {}
        }
    }
    let Some((filename, data)) = image else {
        return Err(refused(StatusCode::BAD_REQUEST, "no image field"));
    };
    image::load_from_memory(&data).map_err(|e| refused(StatusCode::BAD_REQUEST, format!("not an image: {e}")))?;
    let mut path = file_in(&state, &kind, &subfolder, &filename)?;
    let mut name = filename.clone();
    let mut n = 1;
    while !overwrite && path.exists() {
        let p = std::path::Path::new(&filename);
        let stem = p
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let ext = p
            .extension()
            .map(|e| format!(".{}", e.to_string_lossy()))
            .unwrap_or_default();
        name = format!("{stem} ({n}){ext}");
        path = file_in(&state, &kind, &subfolder, &name)?;
        n += 1;
    }
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|e| refused(StatusCode::FORBIDDEN, e.to_string()))?;
    }
    tokio::fs::write(&path, &data)
        .await
        .map_err(|e| refused(StatusCode::FORBIDDEN, e.to_string()))?;
    Ok(Json(json!({ "name": name, "subfolder": subfolder, "type": kind })))
}
