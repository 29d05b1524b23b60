//! `Server`: built from a registry, a backend and a configuration; `start` binds it and runs
//! it on its own threads (an async runtime for HTTP, one worker thread for prompts) until
//! [`RunningServer::shutdown`].
use crate::config::ServerConfig;
use crate::error::ServerError;
use crate::files::{ConfinedPaths, Folders};
use crate::routes::router;
use crate::state::AppState;
use crate::worker::Worker;
use comfy_core::{Backend, Executor, Registry};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// A server, not yet listening.
pub struct Server {
    registry: Arc<Registry>,
    backend: Arc<dyn Backend>,
    config: ServerConfig,
    seed: u64,
}

/// A listening server. Dropping it without [`RunningServer::shutdown`] leaves it running
/// until the process ends.
pub struct RunningServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    http: Option<JoinHandle<()>>,
    worker: Option<JoinHandle<()>>,
    state: AppState,
}

impl Server {
    /// A server for the node types of `registry`, computing on `backend`.
    pub fn new(registry: Registry, backend: Arc<dyn Backend>, config: ServerConfig) -> Self {
        Server {
            registry: Arc::new(registry),
            backend,
            config,
            seed: 0,
        }
    }

    /// Sets the run seed of the executor (each node's generator is seeded from it).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Creates the folders, binds the address and starts serving.
    pub fn start(self) -> Result<RunningServer, ServerError> {
        let c = &self.config;
        let folders =
            Folders::create(&c.input_dir, &c.output_dir, &c.user_dir).map_err(|error| ServerError::Folder {
                path: c.output_dir.clone(),
                error,
            })?;
        let addr = SocketAddr::new(c.listen, c.port);
        let listener = TcpListener::bind(addr).map_err(|error| ServerError::Bind { addr, error })?;
        listener.set_nonblocking(true).map_err(ServerError::Runtime)?;
        let addr = listener.local_addr().map_err(ServerError::Runtime)?;
        let state = AppState::new(
            Arc::clone(&self.registry),
            folders.clone(),
            self.config,
            &self.backend.name(),
        );
        let executor = Executor::new(self.backend)
            .with_seed(self.seed)
            .with_files(Arc::new(ConfinedPaths::new(folders.clone())));
        let worker = Worker {
            registry: self.registry,
            queue: Arc::clone(&state.queue),
            hub: Arc::clone(&state.hub),
            folders,
        };
        let worker = std::thread::Builder::new()
            .name("comfy-server-worker".into())
            .spawn(move || worker.run(executor))
            .map_err(ServerError::Runtime)?;
        let (stop, stopped) = oneshot::channel();
        let app = router(state.clone());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(ServerError::Runtime)?;
        let http = std::thread::Builder::new()
            .name("comfy-server-http".into())
            .spawn(move || serve(runtime, listener, app, stopped))
            .map_err(ServerError::Runtime)?;
        Ok(RunningServer {
            addr,
            stop: Some(stop),
            http: Some(http),
            worker: Some(worker),
            state,
        })
    }
}

/// Serves until `stopped` fires, then drops the runtime (closing the WebSockets).
fn serve(runtime: tokio::runtime::Runtime, listener: TcpListener, app: axum::Router, stopped: oneshot::Receiver<()>) {
    runtime.block_on(async move {
        let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
            return;
        };
        let shutdown = async {
            let _ = stopped.await;
        };
        let _ = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    });
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
}

impl RunningServer {
    /// The address it listens on (with the port chosen when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Prompts pending or running.
    pub fn queue_remaining(&self) -> usize {
        self.state.queue.remaining()
    }

    /// Stops accepting requests, cancels the running prompt and waits for both threads.
    pub fn shutdown(mut self) -> Result<(), ServerError> {
        self.stop_threads()
    }

    /// Blocks until the server stops (it stops only through another handle's shutdown or
    /// the end of the process).
    pub fn wait(mut self) -> Result<(), ServerError> {
        let http = self.http.take();
        if let Some(http) = http {
            http.join().map_err(|_| ServerError::Panicked)?;
        }
        self.stop_threads()
    }

    fn stop_threads(&mut self) -> Result<(), ServerError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.state.queue.close();
        let mut result = Ok(());
        for handle in [self.http.take(), self.worker.take()].into_iter().flatten() {
            if handle.join().is_err() {
                result = Err(ServerError::Panicked);
            }
        }
        result
    }
}
