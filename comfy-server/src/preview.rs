//! Preview images as ComfyUI's binary WebSocket frames: type 1 `[u32 1][u32 2 = PNG][PNG]`, or
//! type 4 `[u32 4][u32 len][JSON metadata][PNG]` for clients that asked for metadata.
use comfy_core::Image;
use image::{ExtendedColorType, ImageEncoder};
use serde_json::json;

/// Binary event type of a plain preview.
pub const PREVIEW_IMAGE: u32 = 1;
/// Binary event type of a preview with metadata.
pub const PREVIEW_IMAGE_WITH_METADATA: u32 = 4;
/// Image format code of PNG in a type 1 frame.
pub const FORMAT_PNG: u32 = 2;

/// The image as PNG bytes; `None` for a channel count PNG cannot hold.
pub fn png_bytes(image: &Image) -> Option<Vec<u8>> {
    let color = match image.channels() {
        1 => ExtendedColorType::L8,
        2 => ExtendedColorType::La8,
        3 => ExtendedColorType::Rgb8,
        4 => ExtendedColorType::Rgba8,
        _ => return None,
    };
    let mut out = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new(&mut out);
    encoder
        .write_image(image.pixels(), image.width(), image.height(), color)
        .ok()?;
    Some(out)
}

/// The frame that carries `image` as node `node`'s preview.
pub fn preview_frame(image: &Image, node: &str, prompt_id: &str, with_metadata: bool) -> Option<Vec<u8>> {
    let png = png_bytes(image)?;
    let mut frame = Vec::with_capacity(png.len() + 64);
    if with_metadata {
        let meta = json!({
            "node_id": node, "display_node_id": node, "parent_node_id": null,
            "real_node_id": node, "prompt_id": prompt_id, "image_type": "image/png",
        })
        .to_string();
        frame.extend_from_slice(&PREVIEW_IMAGE_WITH_METADATA.to_be_bytes());
        frame.extend_from_slice(&(meta.len() as u32).to_be_bytes());
        frame.extend_from_slice(meta.as_bytes());
    } else {
        frame.extend_from_slice(&PREVIEW_IMAGE.to_be_bytes());
        frame.extend_from_slice(&FORMAT_PNG.to_be_bytes());
    }
    frame.extend_from_slice(&png);
    Some(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_start_with_their_type_and_carry_a_png() {
        let image = Image::filled(2, 2, 3, 128).unwrap();
        let plain = preview_frame(&image, "5", "p", false).unwrap();
        assert_eq!(&plain[..8], &[0, 0, 0, 1, 0, 0, 0, 2]);
        assert_eq!(&plain[8..12], b"\x89PNG");
        let meta = preview_frame(&image, "5", "p", true).unwrap();
        assert_eq!(&meta[..4], &[0, 0, 0, 4]);
        let len = u32::from_be_bytes([meta[4], meta[5], meta[6], meta[7]]) as usize;
        let info: serde_json::Value = serde_json::from_slice(&meta[8..8 + len]).unwrap();
        assert_eq!(info["node_id"], "5");
        assert_eq!(&meta[8 + len..12 + len], b"\x89PNG");
    }
}
