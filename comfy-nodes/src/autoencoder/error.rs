//! `AutoencoderError`: why an autoencoder could not be built, trained or measured.
use crate::dataset::PixelScale;
use comfy_core::Activation;

/// Why an autoencoder could not be built, trained or measured.
#[derive(Debug, thiserror::Error)]
pub enum AutoencoderError {
    /// The encoder and decoder do not fit together.
    #[error(
        "encoder {encoder_in} → {latent} and decoder {decoder_in} → {decoder_out} do not fit: the decoder must read the encoder's {latent} outputs (or half of them, for a VAE encoder writing μ and log σ²) and rebuild its {encoder_in} inputs"
    )]
    Mismatch {
        /// Values the encoder reads (pixels per image).
        encoder_in: usize,
        /// Values the encoder writes (the latent width).
        latent: usize,
        /// Values the decoder reads.
        decoder_in: usize,
        /// Values the decoder writes.
        decoder_out: usize,
    },
    /// A size that must not be zero is.
    #[error("an autoencoder's sizes must not be zero: {what}")]
    ZeroSize {
        /// The sizes given.
        what: String,
    },
    /// Images of another size than the autoencoder reads.
    #[error("images have {found} values each, the autoencoder reads {expected}")]
    ImageSize {
        /// Values per image the encoder reads.
        expected: usize,
        /// Values per image given.
        found: usize,
    },
    /// The decoder's last activation cannot produce pixels in the data's range.
    #[error("the decoder's {activation:?} output cannot rebuild pixels scaled {scale:?}: pair sigmoid (or relu) with 0..1 and tanh with -1..1")]
    OutputRange {
        /// The decoder's output activation.
        activation: Activation,
        /// How the data's bytes are scaled.
        scale: PixelScale,
    },
    /// Binary cross-entropy needs sigmoid outputs and targets in 0..1.
    #[error("the BCE loss needs a sigmoid decoder output and pixels scaled 0..1, found {activation:?} and {scale:?}; use the MSE loss otherwise")]
    BceNeedsSigmoid {
        /// The decoder's output activation.
        activation: Activation,
        /// How the data's bytes are scaled.
        scale: PixelScale,
    },
    /// A tensor operation failed.
    #[error(transparent)]
    Tensor(#[from] comfy_core::Error),
    /// The images could not be batched.
    #[error(transparent)]
    Dataset(#[from] crate::dataset::DatasetError),
}
