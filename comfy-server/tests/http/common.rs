//! Starting a server on a free port in a fresh folder, and talking to it.
use comfy_core::{ReferenceBackend, Registry};
use comfy_server::{RunningServer, Server, ServerConfig};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

pub type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A running server in its own folder, removed on drop.
pub struct TestServer {
    pub server: Option<RunningServer>,
    pub root: PathBuf,
    pub base: String,
    pub http: reqwest::Client,
}

impl TestServer {
    pub fn start() -> Self {
        Self::start_with(|_| {})
    }

    pub fn start_with(adjust: impl FnOnce(&mut ServerConfig)) -> Self {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("comfy-server-it-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let mut config = ServerConfig::new(&root).with_port(0);
        adjust(&mut config);
        let mut registry = Registry::new();
        comfy_nodes::register_all(&mut registry);
        let server = Server::new(registry, std::sync::Arc::new(ReferenceBackend), config)
            .start()
            .unwrap();
        let base = format!("http://{}", server.local_addr());
        TestServer {
            server: Some(server),
            root,
            base,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let res = self.http.get(self.url(path)).send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let res = self.http.post(self.url(path)).json(body).send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Posts `prompt` for `client`; returns the prompt id.
    pub async fn queue(&self, prompt: &Value, client: &str) -> String {
        let (status, body) = self
            .post("/api/prompt", &json!({ "prompt": prompt, "client_id": client }))
            .await;
        assert_eq!(status, 200, "{body}");
        body["prompt_id"].as_str().unwrap().to_string()
    }

    pub async fn ws(&self, client: &str) -> Ws {
        let url = format!(
            "ws://{}/ws?clientId={client}",
            self.server.as_ref().unwrap().local_addr()
        );
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let first = next_text(&mut ws).await;
        assert_eq!(first["type"], "status");
        assert_eq!(first["data"]["sid"], client);
        ws
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().unwrap();
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The next text message, as JSON (binary frames are skipped).
pub async fn next_text(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(60), ws.next())
            .await
            .expect("no message in 60 s");
        match msg.expect("socket closed").unwrap() {
            Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
            _ => continue,
        }
    }
}

/// What a client heard about one prompt, up to its `executing{node:null}`.
pub struct Heard {
    pub messages: Vec<Value>,
    pub previews: usize,
}

impl Heard {
    pub fn types(&self) -> Vec<String> {
        self.messages
            .iter()
            .map(|m| m["type"].as_str().unwrap().to_string())
            .collect()
    }

    pub fn of(&self, kind: &str) -> Vec<&Value> {
        self.messages
            .iter()
            .filter(|m| m["type"] == kind)
            .map(|m| &m["data"])
            .collect()
    }
}

/// Reads messages until `executing{node:null}` for `prompt_id`.
pub async fn until_done(ws: &mut Ws, prompt_id: &str) -> Heard {
    let mut heard = Heard {
        messages: Vec::new(),
        previews: 0,
    };
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(120), ws.next())
            .await
            .expect("no message in 120 s");
        let text = match msg.expect("socket closed").unwrap() {
            Message::Text(text) => text,
            Message::Binary(bytes) => {
                assert_eq!(&bytes[..4], &[0, 0, 0, 1]);
                heard.previews += 1;
                continue;
            }
            _ => continue,
        };
        let value: Value = serde_json::from_str(text.as_str()).unwrap();
        let done =
            value["type"] == "executing" && value["data"]["node"].is_null() && value["data"]["prompt_id"] == prompt_id;
        heard.messages.push(value);
        if done {
            return heard;
        }
    }
}

/// Sends the frontend's first message.
pub async fn send_feature_flags(ws: &mut Ws, metadata: bool) {
    let msg = json!({ "type": "feature_flags", "data": { "supports_preview_metadata": metadata } });
    ws.send(Message::text(msg.to_string())).await.unwrap();
}

/// A tiny generator → GenerateImages (seed `seed`) → SaveImageGrid at `path`.
pub fn generate_prompt(seed: u64, path: &str) -> Value {
    json!({
        "1": { "class_type": "MlpGenerator", "inputs": { "latent_dim": 8, "hidden": "16", "seed": 1 } },
        "2": { "class_type": "GenerateImages", "inputs": { "generator": ["1", 0], "count": 4, "seed": seed } },
        "3": { "class_type": "SaveImageGrid", "inputs": { "images": ["2", 0], "path": path, "rows": 2, "cols": 2 } },
    })
}

/// A small GAN training run on the bundled digits with `epochs` epochs, then a sample grid.
pub fn training_prompt(epochs: u64) -> Value {
    json!({
        "1": { "class_type": "MnistDataset", "inputs": {} },
        "2": { "class_type": "DataLoader", "inputs": { "dataset": ["1", 0], "batch_size": 64, "seed": 1 } },
        "3": { "class_type": "MlpGenerator", "inputs": { "latent_dim": 8, "hidden": "16", "seed": 1 } },
        "4": { "class_type": "MlpDiscriminator", "inputs": { "hidden": "16", "seed": 2 } },
        "5": { "class_type": "GanTrainer", "inputs": { "generator": ["3", 0], "discriminator": ["4", 0], "loader": ["2", 0], "epochs": epochs } },
        "6": { "class_type": "GenerateImages", "inputs": { "generator": ["5", 0], "count": 4, "seed": 3 } },
        "7": { "class_type": "SaveImageGrid", "inputs": { "images": ["6", 0], "path": "train/grid.png", "rows": 2, "cols": 2 } },
    })
}
