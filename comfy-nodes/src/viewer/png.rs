//! `save_png`: write a picture as a PNG file atomically, so readers never see half a file.
use std::path::Path;

use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbImage};

use super::error::ViewerError;
use crate::atomic::atomic_write;

/// Encodes `image` as an 8-bit RGB PNG; `path` only labels the error.
fn encode_png(path: &Path, image: &RgbImage) -> Result<Vec<u8>, ViewerError> {
    let mut bytes = Vec::new();
    PngEncoder::new(&mut bytes)
        .write_image(image.as_raw(), image.width(), image.height(), ExtendedColorType::Rgb8)
        .map_err(|source| ViewerError::Encode {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(bytes)
}

/// Writes `image` to `path` as an 8-bit RGB PNG, creating missing parent directories.
///
/// The PNG goes to a temporary file in the same directory, is synced to disk and then renamed
/// over `path` (see [`atomic_write`]): a crash leaves the old file or the new one, never a torn
/// one, and no temporary file is left behind on failure.
pub fn save_png(path: impl AsRef<Path>, image: &RgbImage) -> Result<(), ViewerError> {
    let path = path.as_ref();
    let bytes = encode_png(path, image)?;
    atomic_write(path, &bytes).map_err(|source| ViewerError::Io {
        path: path.to_path_buf(),
        source,
    })
}
