//! MNIST in its standard IDX files, raw or gzipped: the bundled 10,000-digit subset or the
//! full 60,000-digit set, read the same way.
use super::error::DatasetError;
use super::idx::read_idx;
use super::image_set::ImageDataset;
use std::path::{Path, PathBuf};

/// Which half of MNIST (a `train`/`test` drop-down on the dataset node).
#[derive(Clone, Copy, Debug, PartialEq, Eq, comfy_core::PortChoice)]
pub enum Split {
    /// `train-*` files.
    Train,
    /// `t10k-*` files.
    Test,
}

impl Split {
    fn prefix(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Test => "t10k",
        }
    }
}

/// The directory of the bundled subset (9,000 train / 1,000 test digits), inside this repository.
pub fn bundled_mnist_dir() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir.parent().unwrap_or(crate_dir).join("data").join("mnist")
}

/// Finds `{prefix}-{kind}-idx{n}-ubyte[.gz]` (or the `.idx{n}-ubyte` spelling) in `dir`.
fn find(dir: &Path, split: Split, kind: &str, idx: u8) -> Result<PathBuf, DatasetError> {
    let p = split.prefix();
    let tried = vec![
        format!("{p}-{kind}-idx{idx}-ubyte.gz"),
        format!("{p}-{kind}-idx{idx}-ubyte"),
        format!("{p}-{kind}.idx{idx}-ubyte.gz"),
        format!("{p}-{kind}.idx{idx}-ubyte"),
    ];
    match tried.iter().map(|n| dir.join(n)).find(|p| p.is_file()) {
        Some(path) => Ok(path),
        None => Err(DatasetError::Missing {
            dir: dir.to_path_buf(),
            what: format!("{p} {kind}"),
            tried,
        }),
    }
}

/// Loads MNIST images and labels of `split` from `dir`, checking that they agree.
pub fn load_mnist(dir: &Path, split: Split) -> Result<ImageDataset, DatasetError> {
    let images_path = find(dir, split, "images", 3)?;
    let labels_path = find(dir, split, "labels", 1)?;
    let images = read_idx(&images_path)?;
    let labels = read_idx(&labels_path)?;
    let [n, rows, cols] = images.dims[..] else {
        return Err(DatasetError::Format {
            path: images_path,
            msg: format!("images need 3 dimensions [count, rows, cols], found {:?}", images.dims),
        });
    };
    let [n_labels] = labels.dims[..] else {
        return Err(DatasetError::Format {
            path: labels_path,
            msg: format!("labels need 1 dimension [count], found {:?}", labels.dims),
        });
    };
    if n != n_labels {
        return Err(DatasetError::Inconsistent {
            path: labels_path,
            msg: format!("{n_labels} labels for {n} images in {}", images_path.display()),
        });
    }
    if let Some(i) = labels.data.iter().position(|&l| l > 9) {
        return Err(DatasetError::Inconsistent {
            path: labels_path,
            msg: format!("label {} at index {i} is outside 0–9", labels.data[i]),
        });
    }
    if n == 0 {
        return Err(DatasetError::Empty { path: images_path });
    }
    ImageDataset::new(images.data, Some(labels.data), (rows, cols, 1), images_path)
}
