//! `AppState`: what every route handler shares, behind one cheap-to-clone handle.
use crate::config::ServerConfig;
use crate::files::Folders;
use crate::hub::Hub;
use crate::queue::Queue;
use comfy_core::Registry;
use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The shared state of one server.
#[derive(Clone)]
pub struct AppState {
    /// The node types.
    pub registry: Arc<Registry>,
    /// Pending, running and finished prompts.
    pub queue: Arc<Queue>,
    /// The connected WebSocket clients.
    pub hub: Arc<Hub>,
    /// The resolved folders.
    pub folders: Folders,
    /// The frontend's folder, when one is installed.
    pub front_end: Option<PathBuf>,
    /// The configuration it was built from.
    pub config: Arc<ServerConfig>,
    /// The backend's name, for `/system_stats`.
    pub backend_name: Arc<str>,
    ids: Arc<AtomicU64>,
}

impl AppState {
    /// State over these parts.
    pub fn new(registry: Arc<Registry>, folders: Folders, config: ServerConfig, backend_name: &str) -> Self {
        AppState {
            registry,
            queue: Arc::new(Queue::new(config.history_limit)),
            hub: Arc::new(Hub::default()),
            folders,
            front_end: config.front_end_root.clone(),
            config: Arc::new(config),
            backend_name: backend_name.into(),
            ids: Arc::new(AtomicU64::new(0)),
        }
    }

    /// A fresh random id in UUID v4 form (ids only need to be unique, not secret).
    pub fn new_id(&self) -> String {
        let n = self.ids.fetch_add(1, Ordering::Relaxed);
        let word = |salt: u64| {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(n);
            h.write_u64(salt);
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            h.finish()
        };
        let (a, b) = (word(1), word(2));
        let b = (b & 0x0fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0x0fff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }
}
