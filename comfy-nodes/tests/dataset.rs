//! MNIST loading, and every kind of bad file giving a clear error that names it.
use comfy_nodes::dataset::idx::{encode_idx, read_idx, IdxArray, MAX_IDX_BYTES};
use comfy_nodes::dataset::{
    bundled_mnist_dir, load_mnist, DataLoader, DatasetError, ImageDataset, LoaderConfig, PixelScale, Split,
};
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("comfy-dataset-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A small MNIST-style directory: `n` images of 4×3 and `n_labels` labels.
fn write_set(dir: &Path, n: usize, n_labels: usize, label: u8, gzip: bool) {
    let images = encode_idx(&IdxArray {
        dims: vec![n, 4, 3],
        data: (0..n * 12).map(|i| (i % 256) as u8).collect(),
    });
    let labels = encode_idx(&IdxArray {
        dims: vec![n_labels],
        data: vec![label; n_labels],
    });
    let (ext, images, labels) = if gzip {
        (".gz", gz(&images), gz(&labels))
    } else {
        ("", images, labels)
    };
    std::fs::write(dir.join(format!("train-images-idx3-ubyte{ext}")), images).unwrap();
    std::fs::write(dir.join(format!("train-labels-idx1-ubyte{ext}")), labels).unwrap();
}

#[test]
fn bundled_subset_loads_with_known_labels() {
    let train = load_mnist(&bundled_mnist_dir(), Split::Train).unwrap();
    let test = load_mnist(&bundled_mnist_dir(), Split::Test).unwrap();
    assert_eq!(
        (train.len(), train.height(), train.width(), train.channels()),
        (9000, 28, 28, 1)
    );
    assert_eq!(test.len(), 1000);
    // The first labels, as the dataset's README lists them.
    assert_eq!(&train.labels().unwrap()[..10], &[1, 1, 0, 8, 3, 6, 8, 9, 9, 5]);
    let mut counts = [0usize; 10];
    train.labels().unwrap().iter().for_each(|&l| counts[l as usize] += 1);
    assert_eq!(counts, [905, 1009, 897, 913, 871, 790, 930, 951, 855, 879]);
}

#[test]
fn raw_and_gzipped_files_load_the_same() {
    let (a, b) = (tmpdir("raw"), tmpdir("gz"));
    write_set(&a, 5, 5, 3, false);
    write_set(&b, 5, 5, 3, true);
    let (x, y) = (
        load_mnist(&a, Split::Train).unwrap(),
        load_mnist(&b, Split::Train).unwrap(),
    );
    assert_eq!(x.pixels(), y.pixels());
    assert_eq!((x.len(), x.height(), x.width()), (5, 4, 3));
}

fn err_of(dir: &Path) -> String {
    load_mnist(dir, Split::Train).unwrap_err().to_string()
}

#[test]
fn counts_that_disagree_and_bad_labels() {
    let d = tmpdir("counts");
    write_set(&d, 5, 4, 1, true);
    let msg = err_of(&d);
    assert!(
        msg.contains("4 labels for 5 images") && msg.contains("train-labels"),
        "{msg}"
    );
    write_set(&d, 5, 5, 10, true);
    let msg = err_of(&d);
    assert!(msg.contains("label 10") && msg.contains("0–9"), "{msg}");
    write_set(&d, 0, 0, 1, true);
    assert!(matches!(load_mnist(&d, Split::Train), Err(DatasetError::Empty { .. })));
}

#[test]
fn missing_files_name_what_was_looked_for() {
    let d = tmpdir("missing");
    let msg = err_of(&d);
    assert!(
        msg.contains("train-images-idx3-ubyte.gz") && msg.contains("no train images file"),
        "{msg}"
    );
}

#[test]
fn truncated_and_corrupt_files() {
    let d = tmpdir("bad");
    write_set(&d, 5, 5, 1, false);
    let images = d.join("train-images-idx3-ubyte");
    let bytes = std::fs::read(&images).unwrap();
    // Truncated data: the header promises more than is there.
    std::fs::write(&images, &bytes[..bytes.len() - 7]).unwrap();
    assert!(matches!(
        read_idx(&images),
        Err(DatasetError::LengthMismatch {
            expected: 60,
            actual: 53,
            ..
        })
    ));
    // Cut inside the header.
    std::fs::write(&images, &bytes[..9]).unwrap();
    assert!(err_of(&d).contains("inside the header"));
    // Wrong magic number.
    let mut bad = bytes.clone();
    bad[0] = 0x12;
    std::fs::write(&images, &bad).unwrap();
    assert!(err_of(&d).contains("bad magic number 0x1200"));
    // A header whose dimensions claim gigabytes: an error, with no allocation of that size.
    let mut huge = bytes.clone();
    huge[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
    std::fs::write(&images, &huge).unwrap();
    assert!(matches!(read_idx(&images), Err(DatasetError::LengthMismatch { .. })));
    // Corrupt gzip: a valid gzip file with its middle garbled, then one cut short.
    let z = gz(&bytes);
    let gz_path = d.join("x.gz");
    let mut garbled = z.clone();
    let mid = garbled.len() / 2;
    garbled[mid..mid + 4].copy_from_slice(&[0xff; 4]);
    std::fs::write(&gz_path, &garbled).unwrap();
    let e = read_idx(&gz_path).unwrap_err().to_string();
    assert!(e.contains("x.gz"), "{e}");
    std::fs::write(&gz_path, &z[..z.len() / 2]).unwrap();
    assert!(matches!(read_idx(&gz_path), Err(DatasetError::Gzip { .. })));
    // Element types other than bytes are refused.
    let mut other = bytes.clone();
    other[2] = 0x0d;
    std::fs::write(&images, &other).unwrap();
    assert!(err_of(&d).contains("element type 0x0d"));
}

#[test]
fn gzip_bomb_is_cut_off() {
    // 1 GiB + a little of zeros compresses to about a megabyte.
    let d = tmpdir("bomb");
    let path = d.join("bomb.gz");
    let mut e = GzEncoder::new(std::fs::File::create(&path).unwrap(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..(MAX_IDX_BYTES >> 20) + 1 {
        e.write_all(&chunk).unwrap();
    }
    e.finish().unwrap();
    assert!(matches!(read_idx(&path), Err(DatasetError::TooLarge { .. })));
}

#[test]
fn loader_batches_shuffles_and_scales() {
    let data = Arc::new(load_mnist(&bundled_mnist_dir(), Split::Test).unwrap());
    let config = LoaderConfig {
        batch_size: 64,
        shuffle: true,
        seed: 3,
        drop_last: true,
        scale: PixelScale::MinusOneToOne,
    };
    let loader = DataLoader::new(data.clone(), config.clone()).unwrap();
    assert_eq!(loader.batches_per_epoch(), 15);
    let batches: Vec<_> = loader.epoch(0).collect();
    assert_eq!(batches.len(), 15);
    assert_eq!(batches[0].images.shape().dims(), &[64, 784]);
    let v = batches[0].images.to_vec().unwrap();
    assert!(v.iter().all(|x| (-1.0..=1.0).contains(x)) && v.contains(&-1.0) && v.contains(&1.0));
    // Same seed and epoch ⇒ same order; another epoch ⇒ another order.
    let labels = |epoch| loader.epoch(epoch).map(|b| b.labels).collect::<Vec<_>>();
    assert_eq!(labels(2), labels(2));
    assert_ne!(labels(0), labels(1));
    let keep_last = DataLoader::new(
        data.clone(),
        LoaderConfig {
            drop_last: false,
            ..config.clone()
        },
    )
    .unwrap();
    assert_eq!(
        keep_last.epoch(0).last().unwrap().images.shape().dims(),
        &[1000 - 15 * 64, 784]
    );
    assert!(DataLoader::new(
        data.clone(),
        LoaderConfig {
            batch_size: 0,
            ..config.clone()
        }
    )
    .is_err());
    assert!(DataLoader::new(
        data.clone(),
        LoaderConfig {
            batch_size: 5000,
            ..config.clone()
        }
    )
    .is_err());
    // Every loader has at least one batch an epoch (the trainers count steps by it).
    let one = DataLoader::new(
        data,
        LoaderConfig {
            batch_size: 5000,
            drop_last: false,
            ..config
        },
    )
    .unwrap();
    assert_eq!((one.batches_per_epoch(), one.epoch(0).count()), (1, 1));
    assert!(matches!(
        ImageDataset::new(Vec::new(), None, (28, 28, 1), "nothing"),
        Err(DatasetError::Empty { .. })
    ));
}
