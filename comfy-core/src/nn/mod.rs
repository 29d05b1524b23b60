//! Models as layer lists with PyTorch's `nn.Sequential` parameter names: the [`Mlp`] builder,
//! the general [`Sequential`] of [`Layer`]s (linear, convolution, transposed convolution,
//! batch normalisation, activations, flatten/unflatten, a condition joined as extra channels),
//! its initialisations, and the MNIST [`DcganConfig`].
//!
//! Images between layers are NHWC (see [`crate::ConvGeometry`]); parameters are stored in
//! PyTorch's layouts under PyTorch's names, so a checkpoint of them loads into the same
//! `torch.nn.Sequential` with `load_state_dict(strict=True)`.
mod activation;
mod dcgan;
mod init;
mod layer;
mod mlp;
mod sequential;

pub use activation::Activation;
pub use dcgan::DcganConfig;
pub use init::Init;
pub use layer::{Layer, Sample};
pub use mlp::Mlp;
pub use sequential::{Forward, Mode, Sequential};
