//! `ServerConfig`: where the server listens, which folders it uses, and its limits.
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

/// ComfyUI's default port.
pub const DEFAULT_PORT: u16 = 8188;

/// The largest request body (a prompt's JSON, an upload): ComfyUI's `max_upload_size`, 100 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 100 << 20;

/// The most finished prompts kept in the history (ComfyUI's `MAXIMUM_HISTORY_SIZE`).
pub const DEFAULT_HISTORY_LIMIT: usize = 10_000;

/// How a server is set up. `ServerConfig::new(root)` puts `input/`, `output/` and `user/`
/// under `root` and listens on 127.0.0.1:8188.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The address to listen on; loopback unless said otherwise.
    pub listen: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Where nodes read from (and uploads go).
    pub input_dir: PathBuf,
    /// Where nodes write to (what `/view?type=output` serves).
    pub output_dir: PathBuf,
    /// Where settings and the interface's saved workflows live.
    pub user_dir: PathBuf,
    /// The folder of ComfyUI's web frontend (its `static/`); `None` serves the server's own page.
    pub front_end_root: Option<PathBuf>,
    /// The `Origin` allowed to make cross-origin requests (`"*"` for any); `None` refuses them
    /// on a loopback server.
    pub cors_origin: Option<String>,
    /// The largest request body accepted.
    pub max_body_bytes: usize,
    /// The most finished prompts kept in the history.
    pub history_limit: usize,
}

impl ServerConfig {
    /// Folders `input/`, `output/` and `user/` under `root`, 127.0.0.1, port 8188.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        ServerConfig {
            listen: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            input_dir: root.join("input"),
            output_dir: root.join("output"),
            user_dir: root.join("user"),
            front_end_root: None,
            cors_origin: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            history_limit: DEFAULT_HISTORY_LIMIT,
        }
    }

    /// The same, on `port` (0 for a free one).
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }
}
