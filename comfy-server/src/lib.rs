//! # comfy-server
//!
//! ComfyUI's HTTP + WebSocket API over Comfy's engine, so ComfyUI's own web interface (and
//! existing ComfyUI API clients) build, train, watch and generate with Comfy's nodes.
//!
//! One worker thread runs prompts in order on one long-lived `Executor`, so its cache lives
//! across prompts: change only a generator's seed and only that node and what follows run
//! again. Every path a prompt names is confined to the server's input and output folders.
//!
//! ```no_run
//! use comfy_core::{ReferenceBackend, Registry};
//! use comfy_server::{Server, ServerConfig};
//! use std::sync::Arc;
//!
//! let server = Server::new(Registry::new(), Arc::new(ReferenceBackend), ServerConfig::new("comfy-data").with_port(0));
//! let running = server.start().unwrap();
//! println!("open {}", running.url());
//! running.shutdown().unwrap();
//! ```
#![warn(missing_docs)]

mod api_error;
mod config;
mod error;
mod files;
mod frontend;
mod hub;
mod object_info;
mod observer;
mod origin;
mod preview;
mod prompt;
mod queue;
mod routes;
mod server;
mod state;
mod worker;

pub use api_error::ApiError;
pub use config::{ServerConfig, DEFAULT_HISTORY_LIMIT, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT};
pub use error::ServerError;
pub use files::{confine, ConfinedPaths, Folders};
pub use frontend::{find_frontend, installed_frontend, FRONTEND_PIP};
pub use object_info::{node_info, object_info};
pub use routes::FRONTEND_VERSION;
pub use server::{RunningServer, Server};
