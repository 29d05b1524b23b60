//! What the server is: node types, system stats, features, and the small lists the frontend
//! asks for at start.
use crate::object_info::{node_info, object_info};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

/// The frontend version the server is tested against.
pub const FRONTEND_VERSION: &str = "1.27.10";

/// `GET /object_info`.
pub async fn get_object_info(State(state): State<AppState>) -> Json<Value> {
    Json(object_info(&state.registry))
}

/// `GET /object_info/{class}`: `{class: entry}`, or `{}` for an unknown type.
pub async fn get_object_info_of(State(state): State<AppState>, Path(class): Path<String>) -> Json<Value> {
    match state.registry.schema(&class) {
        Some(schema) => Json(json!({ class: node_info(schema) })),
        None => Json(json!({})),
    }
}

/// `GET /system_stats`: the program and the backend Comfy computes on.
pub async fn get_system_stats(State(state): State<AppState>) -> Json<Value> {
    let argv: Vec<String> = std::env::args().collect();
    Json(json!({
        "system": {
            "os": std::env::consts::OS,
            "ram_total": 0, "ram_free": 0,
            "comfyui_version": concat!("comfy-", env!("CARGO_PKG_VERSION")),
            "required_frontend_version": FRONTEND_VERSION,
            "python_version": "none (Rust)",
            "pytorch_version": "none (Comfy's own engine)",
            "embedded_python": false,
            "argv": argv,
        },
        "devices": [{
            "name": state.backend_name.as_ref(), "type": state.backend_name.as_ref(), "index": 0,
            "vram_total": 0, "vram_free": 0, "torch_vram_total": 0, "torch_vram_free": 0,
        }],
    }))
}

/// `GET /features` (the same as the WebSocket's `feature_flags` answer).
pub async fn get_features(State(state): State<AppState>) -> Json<Value> {
    Json(features(&state))
}

/// The server's feature flags.
pub fn features(state: &AppState) -> Value {
    json!({ "supports_preview_metadata": true, "max_upload_size": state.config.max_body_bytes })
}

/// `GET /embeddings`: none.
pub async fn get_embeddings() -> Json<Value> {
    Json(json!([]))
}

/// `GET /extensions`: the frontend's own extension scripts, when it is installed.
pub async fn get_extensions(State(state): State<AppState>) -> Json<Value> {
    let mut found = Vec::new();
    if let Some(root) = &state.front_end {
        collect_scripts(&root.join("extensions"), "/extensions", &mut found, 0);
    }
    found.sort();
    Json(json!(found))
}

fn collect_scripts(dir: &std::path::Path, url: &str, found: &mut Vec<String>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let path = entry.path();
        if path.is_dir() && depth < 4 {
            collect_scripts(&path, &format!("{url}/{name}"), found, depth + 1);
        } else if name.ends_with(".js") {
            found.push(format!("{url}/{name}"));
        }
    }
}

/// `GET /users`: one local user, settings kept on the server.
pub async fn get_users() -> Json<Value> {
    Json(json!({ "storage": "server", "migrated": true }))
}

/// An empty object (`/i18n`, `/workflow_templates`: nothing to add to the frontend's own).
pub async fn empty_object() -> Json<Value> {
    Json(json!({}))
}

/// An empty list (`/experiment/models`, `/models`: Comfy has no model folders of ComfyUI's).
pub async fn empty_list() -> Json<Value> {
    Json(json!([]))
}

/// `GET /internal/logs/raw`: Comfy's server keeps no log buffer of its own.
pub async fn get_logs_raw() -> Json<Value> {
    Json(json!({ "entries": [], "size": { "cols": 80, "rows": 24 } }))
}

/// `GET /internal/logs`: no log buffer, so an empty text.
pub async fn get_logs() -> Json<Value> {
    Json(json!(""))
}

/// `GET /internal/folder_paths`: the server's folders by kind.
pub async fn get_folder_paths(State(state): State<AppState>) -> Json<Value> {
    let f = &state.folders;
    Json(json!({ "input": [f.input, ""], "output": [f.output, ""], "user": [f.user, ""] }))
}

/// `GET /templates/{file}`: the template index (`index.json`, `index.{locale}.json`) is an empty
/// list, since Comfy ships no ComfyUI templates; anything else is 404.
pub async fn get_template(Path(file): Path<String>) -> axum::response::Response {
    use axum::response::IntoResponse;
    if file.starts_with("index") && file.ends_with(".json") {
        Json(json!([])).into_response()
    } else {
        axum::http::StatusCode::NOT_FOUND.into_response()
    }
}
