//! `Context`: what a running node can use besides its inputs.
use crate::backend::Backend;
use crate::event::{Event, Observer};
use crate::files::{AnyPath, FilePolicy};
use crate::image::Image;
use crate::node_error::NodeError;
use crate::node_id::NodeId;
use crate::random::{rng_from_seed, ComfyRng};
use crate::reference::ReferenceBackend;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A flag that asks a run to stop. Clones share the flag, so one can be handed to another
/// thread (a Ctrl-C handler, a UI button) while the run holds the other.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the run to stop: before the next node, or at the running node's next check.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether cancellation was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// What a node's `execute` gets besides its inputs: the backend to compute on, a seeded
/// random generator, progress and preview reporting, the cancellation flag, the run's file
/// policy, and a way to show the images it wrote.
///
/// The engine makes one per execution. To test a node alone, make one with [`Context::new`]:
///
/// ```
/// use comfy_core::{Context, ReferenceBackend};
/// use std::sync::Arc;
/// let mut ctx = Context::new(Arc::new(ReferenceBackend)).with_seed(7);
/// ctx.progress(1, 10, "warming up"); // no observer: ignored
/// assert!(ctx.check_cancelled().is_ok());
/// ```
pub struct Context<'a> {
    node: NodeId,
    backend: Arc<dyn Backend>,
    rng: ComfyRng,
    cancel: CancelToken,
    files: Arc<dyn FilePolicy>,
    shown: Vec<PathBuf>,
    observer: Option<&'a mut dyn Observer>,
}

impl Context<'static> {
    /// A context on `backend` for node `"0"`, seed 0, no observer, never cancelled.
    pub fn new(backend: Arc<dyn Backend>) -> Self {
        Context {
            node: NodeId::from("0"),
            backend,
            rng: rng_from_seed(0),
            cancel: CancelToken::new(),
            files: Arc::new(AnyPath),
            shown: Vec::new(),
            observer: None,
        }
    }

    /// A context on the [`ReferenceBackend`], for tests.
    pub fn reference() -> Self {
        Self::new(Arc::new(ReferenceBackend))
    }
}

impl<'a> Context<'a> {
    /// Sets the node id that events carry.
    pub fn with_node(mut self, node: NodeId) -> Self {
        self.node = node;
        self
    }

    /// Reseeds the random generator.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.rng = rng_from_seed(seed);
        self
    }

    /// Uses `cancel` as the cancellation flag.
    pub fn with_cancel(mut self, cancel: CancelToken) -> Self {
        self.cancel = cancel;
        self
    }

    /// Resolves the node's paths with `files`.
    pub fn with_files(mut self, files: Arc<dyn FilePolicy>) -> Self {
        self.files = files;
        self
    }

    /// Sends progress and previews to `observer`.
    pub fn with_observer<'b>(self, observer: &'b mut dyn Observer) -> Context<'b> {
        Context {
            node: self.node,
            backend: self.backend,
            rng: self.rng,
            cancel: self.cancel,
            files: self.files,
            shown: self.shown,
            observer: Some(observer),
        }
    }

    /// The policy that resolves the paths the node is given.
    pub fn files(&self) -> &Arc<dyn FilePolicy> {
        &self.files
    }

    /// Shows an image file the node wrote: UIs display it on the node (a server sends it in
    /// its `executed` message), and the engine keeps it with the node's cached outputs, so a
    /// cached run shows it again.
    pub fn show_image(&mut self, path: &Path) {
        self.shown.push(path.to_path_buf());
    }

    /// The image files shown so far, in order.
    pub fn shown_images(&self) -> &[PathBuf] {
        &self.shown
    }

    /// The id of the running node.
    pub fn node_id(&self) -> &NodeId {
        &self.node
    }

    /// The backend chosen for the run.
    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// The node's random generator, seeded from the run's seed and the node's id: the same
    /// seed gives the same values whatever else the graph holds.
    pub fn rng(&mut self) -> &mut ComfyRng {
        &mut self.rng
    }

    /// Reports progress: `step` of `total`, with a short message (may be empty).
    pub fn progress(&mut self, step: u64, total: u64, message: impl Into<String>) {
        let event = Event::Progress {
            node: self.node.clone(),
            step,
            total,
            message: message.into(),
        };
        self.emit(&event);
    }

    /// Shows an intermediate image.
    pub fn preview(&mut self, image: impl Into<Arc<Image>>) {
        let event = Event::Preview {
            node: self.node.clone(),
            image: image.into(),
        };
        self.emit(&event);
    }

    fn emit(&mut self, event: &Event) {
        if let Some(observer) = self.observer.as_deref_mut() {
            observer.on_event(event);
        }
    }

    /// Whether the run was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// `Err(NodeError::Cancelled)` if the run was asked to stop: call it between steps of long
    /// work and return the error with `?`.
    pub fn check_cancelled(&self) -> Result<(), NodeError> {
        if self.is_cancelled() {
            return Err(NodeError::Cancelled);
        }
        Ok(())
    }
}
