//! Image folders: label sub-folders or a flat folder, PNG and JPEG, grayscale or RGB, resized;
//! every bad file is an error naming it, and the work is bounded.
use comfy_core::{Activation, Backend, Mlp};
use comfy_gpu::CpuBackend;
use comfy_nodes::dataset::{
    load_image_folder, ColorMode, DataLoader, DatasetError, FolderOptions, LoaderConfig, PixelScale, MAX_IMAGE_SIDE,
};
use comfy_nodes::gan::{trainer, GanTrainConfig, Network};
use comfy_nodes::train::Silent;
use image::{ImageFormat, Rgb, RgbImage};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn tmpdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("comfy-folder-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A `w`×`h` picture of one colour, saved as PNG or JPEG (by the extension of `path`).
fn solid(path: &Path, w: u32, h: u32, color: [u8; 3]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let format = ImageFormat::from_path(path).unwrap();
    RgbImage::from_pixel(w, h, Rgb(color))
        .save_with_format(path, format)
        .unwrap();
}

fn gray(w: u32, h: u32) -> FolderOptions {
    FolderOptions {
        width: w,
        height: h,
        color: ColorMode::Gray,
    }
}

fn err_text(dir: &Path, options: &FolderOptions) -> String {
    load_image_folder(dir, options).unwrap_err().to_string()
}

#[test]
fn label_folders_give_sorted_labels_resized_pixels_and_skip_hidden_files() {
    let dir = tmpdir("labels");
    solid(&dir.join("dogs/b.png"), 10, 6, [200, 200, 200]);
    solid(&dir.join("cats/z.jpg"), 7, 9, [100, 100, 100]);
    solid(&dir.join("cats/a.png"), 4, 4, [0, 0, 0]);
    std::fs::write(dir.join(".DS_Store"), b"finder junk").unwrap();
    std::fs::write(dir.join("cats/.hidden"), b"junk").unwrap();
    let data = load_image_folder(&dir, &gray(4, 3)).unwrap();
    assert_eq!((data.len(), data.height(), data.width(), data.channels()), (3, 3, 4, 1));
    // cats (label 0): a.png then z.jpg; dogs (label 1): b.png.
    assert_eq!(data.labels(), Some(&[0u8, 0, 1][..]));
    assert!(data.image(0).unwrap().iter().all(|&p| p == 0));
    assert!(
        data.image(1).unwrap().iter().all(|&p| p.abs_diff(100) <= 3),
        "JPEG is lossy, but not that much"
    );
    assert!(
        data.image(2).unwrap().iter().all(|&p| p == 200),
        "a resized solid colour stays that colour"
    );
    assert_eq!(data.source(), dir.as_path());
}

#[test]
fn a_flat_folder_has_no_labels_and_rgb_keeps_colours() {
    let dir = tmpdir("flat");
    solid(&dir.join("red.png"), 5, 5, [255, 0, 0]);
    solid(&dir.join("blue.jpeg"), 16, 16, [0, 0, 255]);
    let rgb = FolderOptions {
        color: ColorMode::Rgb,
        ..gray(2, 2)
    };
    let data = load_image_folder(&dir, &rgb).unwrap();
    assert_eq!(data.labels(), None);
    assert_eq!((data.len(), data.channels(), data.image_size()), (2, 3, 12));
    // Sorted by name: blue.jpeg, then red.png.
    for px in data.image(0).unwrap().chunks(3) {
        assert!(px[0] < 10 && px[1] < 10 && px[2] > 240, "blue pixel {px:?}");
    }
    assert!(data.image(1).unwrap().chunks(3).all(|px| px == [255, 0, 0]));
}

#[test]
fn unreadable_files_are_reported_by_name() {
    let dir = tmpdir("bad");
    solid(&dir.join("good.png"), 3, 3, [9, 9, 9]);
    std::fs::write(dir.join("notes.txt"), b"not an image").unwrap();
    let text = err_text(&dir, &gray(3, 3));
    assert!(
        text.contains("notes.txt") && text.contains("not a PNG or JPEG"),
        "{text}"
    );

    std::fs::remove_file(dir.join("notes.txt")).unwrap();
    // A PNG signature followed by garbage: the format is known, decoding fails.
    let mut corrupt = b"\x89PNG\r\n\x1a\n".to_vec();
    corrupt.extend_from_slice(&[0x42; 64]);
    std::fs::write(dir.join("broken.png"), corrupt).unwrap();
    let text = err_text(&dir, &gray(3, 3));
    assert!(text.contains("broken.png") && text.contains("cannot decode"), "{text}");

    std::fs::remove_file(dir.join("broken.png")).unwrap();
    // A JPEG cut short after its header.
    let mut jpeg = Vec::new();
    RgbImage::from_pixel(32, 32, Rgb([1, 2, 3]))
        .write_to(&mut std::io::Cursor::new(&mut jpeg), ImageFormat::Jpeg)
        .unwrap();
    std::fs::write(dir.join("cut.jpg"), &jpeg[..jpeg.len() / 3]).unwrap();
    let text = err_text(&dir, &gray(3, 3));
    assert!(text.contains("cut.jpg"), "{text}");
}

#[test]
fn empty_and_missing_folders_are_errors() {
    let dir = tmpdir("empty");
    match load_image_folder(&dir, &gray(4, 4)) {
        Err(DatasetError::Empty { path }) => assert_eq!(path, dir),
        other => panic!("expected Empty, got {other:?}"),
    }
    std::fs::create_dir_all(dir.join("zeros")).unwrap();
    solid(&dir.join("ones/a.png"), 2, 2, [1, 1, 1]);
    match load_image_folder(&dir, &gray(4, 4)) {
        Err(DatasetError::Empty { path }) => assert_eq!(path, dir.join("zeros")),
        other => panic!("expected Empty for the label folder, got {other:?}"),
    }
    let missing = dir.join("no-such-folder");
    let text = err_text(&missing, &gray(4, 4));
    assert!(text.contains("no-such-folder"), "{text}");
}

#[test]
fn nesting_and_strays_beside_label_folders_are_errors() {
    let dir = tmpdir("nested");
    solid(&dir.join("a/x.png"), 2, 2, [1, 1, 1]);
    solid(&dir.join("a/deeper/y.png"), 2, 2, [1, 1, 1]);
    let text = err_text(&dir, &gray(2, 2));
    assert!(text.contains("deeper") && text.contains("one level deep"), "{text}");

    std::fs::remove_dir_all(dir.join("a/deeper")).unwrap();
    solid(&dir.join("stray.png"), 2, 2, [1, 1, 1]);
    let text = err_text(&dir, &gray(2, 2));
    assert!(
        text.contains("stray.png") && text.contains("beside label folders"),
        "{text}"
    );
}

#[test]
fn oversized_images_and_sizes_are_refused() {
    let dir = tmpdir("limits");
    solid(&dir.join("wide.png"), MAX_IMAGE_SIDE + 1, 1, [0, 0, 0]);
    let text = err_text(&dir, &gray(8, 8));
    assert!(text.contains("wide.png") && text.contains("over the limits"), "{text}");

    std::fs::remove_file(dir.join("wide.png")).unwrap();
    solid(&dir.join("ok.png"), 2, 2, [0, 0, 0]);
    let text = err_text(&dir, &gray(0, 8));
    assert!(text.contains("0×8"), "{text}");
}

#[test]
fn the_gan_trains_on_a_folder_of_pictures() {
    let dir = tmpdir("gan");
    for i in 0..12u8 {
        let shade = 20 * i;
        solid(&dir.join(format!("img{i:02}.png")), 12, 12, [shade, shade, shade]);
    }
    let data = Arc::new(load_image_folder(&dir, &gray(8, 8)).unwrap());
    let config = LoaderConfig {
        batch_size: 4,
        shuffle: true,
        seed: 0,
        drop_last: true,
        scale: PixelScale::MinusOneToOne,
    };
    let loader = DataLoader::new(data, config).unwrap();
    let g = Mlp::new(vec![4, 16, 64], Activation::LeakyRelu(0.2), Activation::Tanh).unwrap();
    let d = Mlp::new(vec![64, 16, 1], Activation::LeakyRelu(0.2), Activation::Identity).unwrap();
    let backend: Arc<dyn Backend> = Arc::new(CpuBackend::new());
    let config = GanTrainConfig {
        epochs: 2,
        ..Default::default()
    };
    let mut t = trainer(
        Network::mlp(&g, 0).unwrap(),
        Network::mlp(&d, 1).unwrap(),
        backend,
        config,
    )
    .unwrap();
    t.train(&loader, &mut Silent).unwrap();
    assert_eq!(t.history.len(), 6);
    assert!(t.history.records.iter().all(|r| r.values.iter().all(|v| v.is_finite())));
}

#[test]
fn the_node_loads_a_folder_and_asks_for_a_directory() {
    use comfy_core::{Context, DynNode, Inputs};
    use comfy_nodes::dataset::ImageDataset;
    use comfy_nodes::nodes::ImageFolderDatasetNode;
    let dir = tmpdir("node");
    solid(&dir.join("one/a.png"), 5, 5, [10, 20, 30]);
    solid(&dir.join("two/b.jpg"), 5, 5, [10, 20, 30]);
    let inputs = Inputs::new()
        .with("directory", dir.to_string_lossy().as_ref())
        .with("color", "rgb")
        .with("width", 3)
        .with("height", 2);
    let out = ImageFolderDatasetNode
        .execute_values(&inputs, &mut Context::reference())
        .unwrap();
    let data = out.values()[0].downcast::<ImageDataset>().unwrap();
    assert_eq!((data.len(), data.height(), data.width(), data.channels()), (2, 2, 3, 3));
    assert_eq!(data.labels(), Some(&[0u8, 1][..]));
    let empty = inputs.with("directory", " ");
    let e = ImageFolderDatasetNode
        .execute_values(&empty, &mut Context::reference())
        .unwrap_err();
    assert!(e.to_string().contains("directory"), "{e}");
}
