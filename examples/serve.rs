//! Serves ComfyUI's API (and its web interface, when installed) over Comfy's nodes.
//!
//! ```sh
//! pip install comfyui-frontend-package==1.27.10     # optional: ComfyUI's own interface
//! cargo run --release --example serve                # then open the URL it prints
//! cargo run --release --example serve -- --listen 0.0.0.0 --port 8189 --device cpu
//! ```
//!
//! The flags are ComfyUI's. It listens on 127.0.0.1 unless `--listen` says otherwise; every
//! path a prompt names stays inside the input and output folders; cross-origin requests are
//! refused unless `--enable-cors-header` allows them.
use comfy::cli::{parse_or_exit, DeviceArgs};
use comfy::core::Registry;
use comfy_server::{find_frontend, Server, ServerConfig, DEFAULT_MAX_BODY_BYTES, FRONTEND_PIP};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// Serve ComfyUI's HTTP + WebSocket API over Comfy's nodes.
#[derive(clap::Parser)]
#[command(name = "serve")]
struct Args {
    /// The address to listen on (0.0.0.0 for every interface)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    listen: IpAddr,
    /// The port
    #[arg(long, value_name = "N", default_value_t = 8188)]
    port: u16,
    /// ComfyUI's web frontend folder [default: the pip-installed comfyui-frontend-package]
    #[arg(long, value_name = "DIR")]
    front_end_root: Option<PathBuf>,
    /// Where nodes write (images, checkpoints, reports)
    #[arg(long, value_name = "DIR", default_value = "output")]
    output_directory: PathBuf,
    /// Where nodes read from, and uploads go
    #[arg(long, value_name = "DIR", default_value = "input")]
    input_directory: PathBuf,
    /// Where settings and saved workflows go
    #[arg(long, value_name = "DIR", default_value = "user")]
    user_directory: PathBuf,
    /// Allow cross-origin requests from ORIGIN (any origin when no value is given)
    #[arg(long, value_name = "ORIGIN", num_args = 0..=1, default_missing_value = "*")]
    enable_cors_header: Option<String>,
    /// The largest upload or prompt, in MB
    #[arg(long, value_name = "MB", default_value_t = (DEFAULT_MAX_BODY_BYTES >> 20) as u64)]
    max_upload_size: u64,
    #[command(flatten)]
    device: DeviceArgs,
}

fn main() -> ExitCode {
    let args: Args = parse_or_exit();
    // Step 1: the node types the interface lists.
    let mut registry = Registry::new();
    comfy::nodes::register_all(&mut registry);
    // Step 2: the backend, chosen once for the server's life.
    let backend = match args.device.backend() {
        Ok(backend) => backend,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Step 3: folders, limits and the frontend.
    let mut config = ServerConfig::new(".").with_port(args.port);
    config.listen = args.listen;
    config.input_dir = args.input_directory;
    config.output_dir = args.output_directory;
    config.user_dir = args.user_directory;
    config.cors_origin = args.enable_cors_header;
    config.max_body_bytes = usize::try_from(args.max_upload_size << 20).unwrap_or(usize::MAX);
    config.front_end_root = find_frontend(args.front_end_root);
    if config.front_end_root.is_none() {
        eprintln!("ComfyUI's interface is not installed (pip install {FRONTEND_PIP}); serving a small page instead");
    }
    let name = backend.name();
    // Step 4: listen, and run until the process is stopped.
    let running = match Server::new(registry, backend, config).start() {
        Ok(running) => running,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("Comfy server on `{name}`: open {}", running.url());
    match running.wait() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
