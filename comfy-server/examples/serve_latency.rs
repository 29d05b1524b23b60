//! The server's latency as a client feels it: from `POST /prompt` to the WebSocket's
//! `executing{node:null}`, over 100 prompts after 3 warm-ups, for
//! (a) generate-only with a new seed each time (the generator cached),
//! (b) the same prompt fully cached,
//! (c) a GanTrainer prompt whose trainer is cached and whose generation changes,
//! printed beside what ComfyUI 0.3.64 recorded on this machine (shared/comfyui-api/README.md).
//!
//! ```sh
//! cargo run --release -p comfy-server --example serve_latency [-- --device cpu]
//! ```
use comfy_core::Registry;
use comfy_server::{Server, ServerConfig};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const WARM_UP: usize = 3;
const PROMPTS: usize = 100;

fn generate(seed: u64) -> Value {
    json!({
        "1": { "class_type": "MlpGenerator", "inputs": { "latent_dim": 32, "hidden": "128", "seed": 1 } },
        "2": { "class_type": "GenerateImages", "inputs": { "generator": ["1", 0], "count": 16, "seed": seed } },
        "3": { "class_type": "SaveImageGrid", "inputs": { "images": ["2", 0], "path": "bench/a.png", "rows": 4, "cols": 4 } },
    })
}

fn trained(seed: u64) -> Value {
    json!({
        "1": { "class_type": "MnistDataset", "inputs": {} },
        "2": { "class_type": "DataLoader", "inputs": { "dataset": ["1", 0], "batch_size": 64, "seed": 1 } },
        "3": { "class_type": "MlpGenerator", "inputs": { "latent_dim": 32, "hidden": "128", "seed": 1 } },
        "4": { "class_type": "MlpDiscriminator", "inputs": { "hidden": "128", "seed": 2 } },
        "5": { "class_type": "GanTrainer", "inputs": { "generator": ["3", 0], "discriminator": ["4", 0], "loader": ["2", 0], "epochs": 1 } },
        "6": { "class_type": "GenerateImages", "inputs": { "generator": ["5", 0], "count": 16, "seed": seed } },
        "7": { "class_type": "SaveImageGrid", "inputs": { "images": ["6", 0], "path": "bench/c.png", "rows": 4, "cols": 4 } },
    })
}

/// Posts `prompt` and waits for its `executing{node:null}`; the time it took.
async fn round_trip(http: &reqwest::Client, base: &str, ws: &mut Ws, prompt: Value) -> Duration {
    let start = Instant::now();
    let body = json!({ "prompt": prompt, "client_id": "bench" });
    let reply: Value = http
        .post(format!("{base}/prompt"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = reply["prompt_id"].as_str().expect("queued").to_string();
    while let Some(Ok(msg)) = ws.next().await {
        let Message::Text(text) = msg else { continue };
        let v: Value = serde_json::from_str(text.as_str()).unwrap();
        if v["type"] == "executing" && v["data"]["node"].is_null() && v["data"]["prompt_id"] == id {
            break;
        }
    }
    start.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

async fn measure(http: &reqwest::Client, base: &str, ws: &mut Ws, make: impl Fn(usize) -> Value) -> (f64, f64) {
    for i in 0..WARM_UP {
        round_trip(http, base, ws, make(i)).await;
    }
    let mut times = Vec::with_capacity(PROMPTS);
    for i in WARM_UP..WARM_UP + PROMPTS {
        times.push(round_trip(http, base, ws, make(i)).await);
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.95))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let device = std::env::args()
        .skip_while(|a| a != "--device")
        .nth(1)
        .unwrap_or_else(|| "cpu".into());
    let choice = match device.as_str() {
        "gpu" => comfy_gpu::DeviceChoice::Gpu,
        "auto" => comfy_gpu::DeviceChoice::Auto,
        _ => comfy_gpu::DeviceChoice::Cpu,
    };
    let backend = comfy_gpu::select(choice).expect("the device");
    let mut registry = Registry::new();
    comfy_nodes::register_all(&mut registry);
    let root = std::env::temp_dir().join(format!("comfy-serve-latency-{}", std::process::id()));
    let name = backend.name();
    let server = Server::new(registry, backend, ServerConfig::new(&root).with_port(0))
        .start()
        .unwrap();
    let base = format!("http://{}", server.local_addr());
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws?clientId=bench", server.local_addr()))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let a = measure(&http, &base, &mut ws, |i| generate(i as u64)).await;
    let b = measure(&http, &base, &mut ws, |_| generate(0)).await;
    let c = measure(&http, &base, &mut ws, |i| trained(i as u64)).await;
    println!("POST /prompt → executing{{node:null}}, {PROMPTS} prompts after {WARM_UP} warm-ups, backend `{name}`");
    println!("| prompt | Comfy p50 | Comfy p95 | ComfyUI 0.3.64 p50 / p95 (64×64 image) |");
    println!("|---|---|---|---|");
    println!(
        "| (a) generate 16 digits, new seed each time | {:.1} ms | {:.1} ms | 8.0 / 13.1 ms (uncached) |",
        a.0, a.1
    );
    println!(
        "| (b) the same prompt, fully cached | {:.1} ms | {:.1} ms | 4.3 / 6.2 ms (cached) |",
        b.0, b.1
    );
    println!(
        "| (c) GanTrainer cached, generation changes | {:.1} ms | {:.1} ms | — (ComfyUI does not train) |",
        c.0, c.1
    );
    drop(ws);
    server.shutdown().unwrap();
    let _ = std::fs::remove_dir_all(root);
}
