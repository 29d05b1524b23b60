//! Pictures on the page: PNG bytes embedded as `data:` URIs, so the page is one file that needs
//! nothing beside it and nothing from the network.
use super::error::ReportError;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbImage};

/// A picture ready to put in an `<img src=…>`: a `data:image/png;base64,…` URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbeddedPng {
    uri: String,
    width: u32,
    height: u32,
}

impl EmbeddedPng {
    /// Encodes a viewer picture; `what` names it in errors.
    pub fn from_rgb(what: &str, image: &RgbImage) -> Result<Self, ReportError> {
        Self::encode(what, image.as_raw(), image.dimensions(), ExtendedColorType::Rgb8)
    }

    /// Encodes a graph image (grey, RGB or RGBA); `what` names it in errors.
    pub fn from_image(what: &str, image: &comfy_core::Image) -> Result<Self, ReportError> {
        let color = match image.channels() {
            1 => ExtendedColorType::L8,
            4 => ExtendedColorType::Rgba8,
            _ => ExtendedColorType::Rgb8,
        };
        Self::encode(what, image.pixels(), (image.width(), image.height()), color)
    }

    fn encode(
        what: &str,
        pixels: &[u8],
        (width, height): (u32, u32),
        color: ExtendedColorType,
    ) -> Result<Self, ReportError> {
        let mut png = Vec::new();
        PngEncoder::new(&mut png)
            .write_image(pixels, width, height, color)
            .map_err(|source| ReportError::Encode {
                what: what.to_string(),
                source,
            })?;
        Ok(EmbeddedPng {
            uri: format!("data:image/png;base64,{}", BASE64.encode(&png)),
            width,
            height,
        })
    }

    /// The `data:` URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Width and height in pixels.
    pub fn dimensions(&self) -> (u32, u32) {
        (self.width, self.height)
    }
}
