//! Atomic PNG saving.
use std::path::PathBuf;

use comfy_nodes::viewer::{save_png, Rgb, RgbImage, ViewerError};

fn scratch_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("comfy-viewer-save-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn saves_creating_directories_and_leaves_no_temporary_file() {
    let dir = scratch_dir("create");
    let path = dir.join("a/b/picture.png");
    let img = RgbImage::from_fn(7, 5, |x, y| Rgb([x as u8 * 30, y as u8 * 50, 200]));
    save_png(&path, &img).unwrap();
    assert_eq!(image::open(&path).unwrap().to_rgb8(), img);
    assert_eq!(files_in(&dir.join("a/b")), ["picture.png"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn overwrites_an_existing_file() {
    let dir = scratch_dir("overwrite");
    let path = dir.join("samples.png");
    save_png(&path, &RgbImage::from_pixel(4, 4, Rgb([0, 0, 0]))).unwrap();
    let newer = RgbImage::from_pixel(6, 3, Rgb([10, 20, 30]));
    save_png(&path, &newer).unwrap();
    assert_eq!(image::open(&path).unwrap().to_rgb8(), newer);
    assert_eq!(files_in(&dir), ["samples.png"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn io_errors_name_the_path() {
    let dir = scratch_dir("error");
    std::fs::create_dir_all(&dir).unwrap();
    let blocker = dir.join("not-a-dir");
    std::fs::write(&blocker, b"file").unwrap();
    let path = blocker.join("picture.png");
    let err = save_png(&path, &RgbImage::new(2, 2)).unwrap_err();
    assert!(matches!(err, ViewerError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("not-a-dir"), "{err}");
    // A directory where the file should go: the rename fails, and the temporary file is removed.
    let taken = dir.join("taken.png");
    std::fs::create_dir_all(taken.join("inside")).unwrap();
    assert!(matches!(
        save_png(&taken, &RgbImage::new(2, 2)),
        Err(ViewerError::Io { .. })
    ));
    assert_eq!(files_in(&dir), ["not-a-dir", "taken.png"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
