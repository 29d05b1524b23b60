//! Image folders: PNG and JPEG files, one sub-folder per label or all in one folder, converted
//! to grayscale or RGB and resized to one size — the same [`ImageDataset`] MNIST gives.
//!
//! The work is bounded before anything is decoded: at most [`MAX_FOLDER_FILES`] files, at most
//! [`MAX_FOLDER_BYTES`] of resized pixels in all, and each file is decoded under
//! [`image::Limits`] of [`MAX_IMAGE_SIDE`] pixels a side and [`MAX_DECODE_BYTES`] of memory.
use super::error::DatasetError;
use super::image_set::ImageDataset;
use image::imageops::{resize, FilterType};
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The most files (images and label folders) a folder dataset may hold.
pub const MAX_FOLDER_FILES: usize = 200_000;
/// The most bytes of resized pixels a folder dataset may hold: 2 GiB.
pub const MAX_FOLDER_BYTES: u64 = 2 << 30;
/// The widest or tallest image decoded, in pixels.
pub const MAX_IMAGE_SIDE: u32 = 16_384;
/// The most memory the decoder may use for one image: 512 MiB.
pub const MAX_DECODE_BYTES: u64 = 512 << 20;
/// The largest width or height images can be resized to.
pub const MAX_TARGET_SIDE: u32 = 4096;
/// The most label folders (labels are stored as bytes).
pub const MAX_LABELS: usize = 256;

/// The colour of the loaded images (`grayscale` or `rgb` on the folder node).
#[derive(Clone, Copy, Debug, PartialEq, Eq, comfy_core::PortChoice)]
pub enum ColorMode {
    /// One channel, the image's luma.
    #[choice("grayscale")]
    Gray,
    /// Three channels; an alpha channel is dropped.
    Rgb,
}

impl ColorMode {
    /// Channels per pixel.
    pub fn channels(self) -> usize {
        match self {
            ColorMode::Gray => 1,
            ColorMode::Rgb => 3,
        }
    }
}

/// How a folder's images are converted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FolderOptions {
    /// Width every image is resized to.
    pub width: u32,
    /// Height every image is resized to.
    pub height: u32,
    /// Grayscale or RGB.
    pub color: ColorMode,
}

/// Loads every PNG and JPEG image in `dir`.
///
/// Either `dir` holds one sub-folder per label (label `i` is the `i`-th sub-folder name in
/// sorted order; files in a label folder are read in sorted order) or it holds the images
/// themselves (no labels). Names starting with `.` are skipped. Anything else is an error
/// naming the file: a file that is not a PNG or JPEG image (by its content, whatever its
/// extension) or that fails to decode, a folder inside a label folder, images beside label
/// folders, an empty label folder. Images are resized with a triangle (bilinear) filter,
/// which averages over the source pixels when shrinking.
pub fn load_image_folder(dir: &Path, options: &FolderOptions) -> Result<ImageDataset, DatasetError> {
    check_options(dir, options)?;
    let (files, labels) = list_images(dir)?;
    let per_image = options.width as u64 * options.height as u64 * options.color.channels() as u64;
    if per_image.saturating_mul(files.len() as u64) > MAX_FOLDER_BYTES {
        return Err(format(
            dir,
            format!(
                "{} images of {}×{}×{} would need more than {MAX_FOLDER_BYTES} bytes; use fewer or smaller images",
                files.len(),
                options.width,
                options.height,
                options.color.channels()
            ),
        ));
    }
    let mut pixels = Vec::with_capacity((per_image as usize).saturating_mul(files.len()));
    for file in &files {
        pixels.extend(read_image(file, options)?);
    }
    let dims = (
        options.height as usize,
        options.width as usize,
        options.color.channels(),
    );
    ImageDataset::new(pixels, labels, dims, dir)
}

fn format(path: &Path, msg: impl Into<String>) -> DatasetError {
    DatasetError::Format {
        path: path.to_path_buf(),
        msg: msg.into(),
    }
}

fn check_options(dir: &Path, o: &FolderOptions) -> Result<(), DatasetError> {
    let side = 1..=MAX_TARGET_SIDE;
    if side.contains(&o.width) && side.contains(&o.height) {
        return Ok(());
    }
    Err(format(
        dir,
        format!(
            "images cannot be resized to {}×{} (each side 1 to {MAX_TARGET_SIDE})",
            o.width, o.height
        ),
    ))
}

/// The visible entries of `dir`, sorted by name, split into (files, folders); at most
/// `budget` of them.
fn entries(dir: &Path, budget: usize) -> Result<(Vec<PathBuf>, Vec<PathBuf>), DatasetError> {
    let io = |source| DatasetError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if all.len() >= budget {
            return Err(format(
                dir,
                format!("more than {MAX_FOLDER_FILES} files; refusing to read further"),
            ));
        }
        let path = entry.path();
        // `metadata` follows symbolic links, so a linked folder counts as a folder.
        let kind = std::fs::metadata(&path).map_err(|source| DatasetError::Io {
            path: path.clone(),
            source,
        })?;
        if !kind.is_dir() && !kind.is_file() {
            return Err(format(&path, "neither a file nor a folder"));
        }
        all.push((path, kind.is_dir()));
    }
    all.sort();
    let (folders, files): (Vec<_>, Vec<_>) = all.into_iter().partition(|(_, d)| *d);
    Ok((
        files.into_iter().map(|(p, _)| p).collect(),
        folders.into_iter().map(|(p, _)| p).collect(),
    ))
}

/// The image files to read, in order, and their labels (when `dir` has label folders).
fn list_images(dir: &Path) -> Result<(Vec<PathBuf>, Option<Vec<u8>>), DatasetError> {
    let (files, folders) = entries(dir, MAX_FOLDER_FILES)?;
    if folders.is_empty() {
        if files.is_empty() {
            return Err(DatasetError::Empty { path: dir.into() });
        }
        return Ok((files, None));
    }
    if let Some(stray) = files.first() {
        return Err(format(
            stray,
            "a file beside label folders: put every image in its label's folder, or use no folders",
        ));
    }
    if folders.len() > MAX_LABELS {
        return Err(format(
            dir,
            format!("{} label folders; at most {MAX_LABELS}", folders.len()),
        ));
    }
    let (mut images, mut labels) = (Vec::new(), Vec::new());
    for (label, folder) in folders.iter().enumerate() {
        let (files, nested) = entries(folder, MAX_FOLDER_FILES - images.len())?;
        if let Some(inner) = nested.first() {
            return Err(format(
                inner,
                "a folder inside a label folder: labels are one level deep",
            ));
        }
        if files.is_empty() {
            return Err(DatasetError::Empty { path: folder.clone() });
        }
        labels.resize(labels.len() + files.len(), label as u8);
        images.extend(files);
    }
    Ok((images, Some(labels)))
}

/// Decodes one PNG or JPEG file under the limits, converted and resized.
fn read_image(path: &Path, o: &FolderOptions) -> Result<Vec<u8>, DatasetError> {
    let io = |source| DatasetError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_DECODE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_DECODE_BYTES {
        return Err(format(
            path,
            format!("the file is larger than {} MiB", MAX_DECODE_BYTES >> 20),
        ));
    }
    decode_image(&bytes, path, o)
}

/// Decodes the bytes of a PNG or JPEG file as a folder dataset does: under the decoding limits
/// ([`MAX_IMAGE_SIDE`], [`MAX_DECODE_BYTES`]), converted to `o.color` and resized to
/// `o.width × o.height`. `path` only names the source in errors.
pub fn decode_image(bytes: &[u8], path: &Path, o: &FolderOptions) -> Result<Vec<u8>, DatasetError> {
    let decoded = decode(bytes, path)?;
    let (w, h) = (o.width, o.height);
    Ok(match o.color {
        ColorMode::Gray => fit(decoded.to_luma8(), w, h).into_raw(),
        ColorMode::Rgb => fit(decoded.to_rgb8(), w, h).into_raw(),
    })
}

fn fit<P: image::Pixel + 'static>(
    img: image::ImageBuffer<P, Vec<P::Subpixel>>,
    w: u32,
    h: u32,
) -> image::ImageBuffer<P, Vec<P::Subpixel>> {
    if img.dimensions() == (w, h) {
        img
    } else {
        resize(&img, w, h, FilterType::Triangle)
    }
}

fn decode(bytes: &[u8], path: &Path) -> Result<DynamicImage, DatasetError> {
    let reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|source| DatasetError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    match reader.format() {
        Some(ImageFormat::Png | ImageFormat::Jpeg) => {}
        _ => return Err(format(path, "not a PNG or JPEG image")),
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = reader;
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => format(
            path,
            format!(
                "the image is over the limits of {MAX_IMAGE_SIDE} pixels a side and {} MiB to decode",
                MAX_DECODE_BYTES >> 20
            ),
        ),
        other => format(path, format!("cannot decode the image: {other}")),
    })
}
