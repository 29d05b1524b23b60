//! `/ws?clientId=`: the WebSocket. The first frame is `status` with the client's `sid`; a
//! client that sends `feature_flags` gets the server's; then the worker's messages follow.
use super::info::features;
use crate::hub::{message, Frame};
use crate::state::AppState;
use crate::worker::status_message;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use std::sync::atomic::Ordering;
use tokio::sync::mpsc;

/// `?clientId=`.
#[derive(Deserialize)]
pub struct WsQuery {
    #[serde(rename = "clientId")]
    client_id: Option<String>,
}

/// Upgrades the connection.
pub async fn get_ws(State(state): State<AppState>, Query(q): Query<WsQuery>, upgrade: WebSocketUpgrade) -> Response {
    let id = q
        .client_id
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| state.new_id().replace('-', ""));
    upgrade.on_upgrade(move |socket| serve(state, id, socket))
}

async fn serve(state: AppState, id: String, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let first = status_message(state.queue.remaining(), Some(&id));
    if socket.send(Message::text(first)).await.is_err() {
        return;
    }
    let serial = state.hub.join(&id, tx);
    loop {
        tokio::select! {
            frame = rx.recv() => {
                let sent = match frame {
                    Some(Frame::Text(text)) => socket.send(Message::text(text)).await,
                    Some(Frame::Binary(bytes)) => socket.send(Message::binary(bytes)).await,
                    None => break,
                };
                if sent.is_err() {
                    break;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if let Some(reply) = answer(&state, &id, text.as_str()) {
                        if socket.send(Message::text(reply)).await.is_err() {
                            break;
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
        }
    }
    state.hub.leave(&id, serial);
}

/// The answer to a client's message: `feature_flags` gets the server's flags.
fn answer(state: &AppState, id: &str, text: &str) -> Option<String> {
    let msg: Value = serde_json::from_str(text).ok()?;
    if msg.get("type")?.as_str()? != "feature_flags" {
        return None;
    }
    let wants = msg["data"]["supports_preview_metadata"].as_bool() == Some(true);
    if let Some(client) = state.hub.client(id) {
        client.wants_metadata.store(wants, Ordering::Relaxed);
    }
    Some(message("feature_flags", features(state)))
}
