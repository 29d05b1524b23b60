//! The router: every API route bare and under `/api/` (as ComfyUI serves them), the
//! WebSocket, and the frontend (or the server's own page); body limits and the origin check
//! around all of it. Handlers are thin; the logic lives in the modules they call.
mod body;
mod files;
mod info;
mod prompt;
mod userdata;
mod ws;

pub use info::FRONTEND_VERSION;

use crate::origin::check_origin;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::response::Html;
use axum::routing::{get, post};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

/// The server's own page, shown when no frontend is installed.
const PAGE: &str = include_str!("../page.html");

/// The API routes, without a prefix.
fn api() -> Router<AppState> {
    Router::new()
        .route("/prompt", get(prompt::get_prompt).post(prompt::post_prompt))
        .route("/queue", get(prompt::get_queue).post(prompt::post_queue))
        .route("/history", get(prompt::get_history).post(prompt::post_history))
        .route("/history/{id}", get(prompt::get_history_of))
        .route("/interrupt", post(prompt::post_interrupt))
        .route("/free", post(prompt::post_free))
        .route("/object_info", get(info::get_object_info))
        .route("/object_info/{class}", get(info::get_object_info_of))
        .route("/system_stats", get(info::get_system_stats))
        .route("/features", get(info::get_features))
        .route("/embeddings", get(info::get_embeddings))
        .route("/extensions", get(info::get_extensions))
        .route("/users", get(info::get_users))
        .route("/i18n", get(info::empty_object))
        .route("/workflow_templates", get(info::empty_object))
        .route("/experiment/models", get(info::empty_list))
        .route("/models", get(info::empty_list))
        .route("/view", get(files::get_view))
        .route("/upload/image", post(files::post_upload))
        .route("/settings", get(userdata::get_settings).post(userdata::post_settings))
        .route(
            "/settings/{id}",
            get(userdata::get_setting).post(userdata::post_setting),
        )
        .route("/userdata", get(userdata::list_userdata))
        .route("/v2/userdata", get(userdata::list_userdata_v2))
        .route(
            "/userdata/{file}",
            get(userdata::get_userdata)
                .post(userdata::post_userdata)
                .delete(userdata::delete_userdata),
        )
        .route("/userdata/{file}/move/{dest}", post(userdata::move_userdata))
        .route("/ws", get(ws::get_ws))
}

/// The whole application over `state`.
pub fn router(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    let api = api();
    // ComfyUI serves `/internal/*` and `/templates/*` without the `/api` prefix.
    let internal = Router::new()
        .route("/internal/logs", get(info::get_logs))
        .route("/internal/logs/raw", get(info::get_logs_raw))
        .route("/internal/folder_paths", get(info::get_folder_paths))
        .route("/templates/{file}", get(info::get_template));
    let mut app = Router::new().merge(api.clone()).nest("/api", api).merge(internal);
    app = match &state.front_end {
        Some(root) => {
            let files = tower_http::services::ServeDir::new(root).append_index_html_on_directories(true);
            app.fallback_service(files)
        }
        None => app.route("/", get(|| async { Html(PAGE) })),
    };
    app.layer(DefaultBodyLimit::max(limit))
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), check_origin))
        .with_state(state)
}
