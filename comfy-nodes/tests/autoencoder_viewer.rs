//! `reconstruction_grid`: originals in the top block, each reconstruction straight below its
//! original, both blocks captioned.
use comfy_nodes::viewer::{
    image_grid, reconstruction_grid, GridOptions, ImageBatch, ReconstructionOptions, Rgb, DEFAULT_PADDING_COLOR,
};

const WHITE: Rgb<u8> = Rgb([255, 255, 255]);
const BLACK: Rgb<u8> = Rgb([0, 0, 0]);

#[test]
fn originals_sit_above_their_reconstructions() {
    // Five 3×4 images: originals white, reconstructions black; 3 per row, no upscaling.
    let (white, black) = (vec![1.0f32; 5 * 12], vec![0.0f32; 5 * 12]);
    let top = ImageBatch::gray(&white, 5, 3, 4).unwrap();
    let bottom = ImageBatch::gray(&black, 5, 3, 4).unwrap();
    let options = ReconstructionOptions {
        scale: 1,
        ..ReconstructionOptions::new(3)
    };
    let picture = reconstruction_grid(&top, &bottom, &options).unwrap();
    let block = image_grid(&top, &GridOptions::new(2, 3)).unwrap();
    assert_eq!(picture.width(), block.width());
    let band = (picture.height() - 2 * block.height()) / 2;
    assert_eq!(picture.height(), 2 * band + 2 * block.height());
    // Cell (row r, col c) of a block starts at padding + index × (size + padding).
    let cell = |block_top: u32, row: u32, col: u32| (2 + col * 6, block_top + 2 + row * 5);
    let lower = 2 * band + block.height();
    for i in 0..5 {
        let (row, col) = (i / 3, i % 3);
        let (x, y) = cell(band, row, col);
        assert_eq!(*picture.get_pixel(x, y), WHITE, "original {i}");
        let (x, y) = cell(lower, row, col);
        assert_eq!(
            *picture.get_pixel(x, y),
            BLACK,
            "reconstruction {i} sits below original {i}"
        );
    }
    // The sixth cell of each block is empty: padding colour.
    let (x, y) = cell(band, 1, 2);
    assert_eq!(*picture.get_pixel(x, y), DEFAULT_PADDING_COLOR);
    // Each caption band holds caption text: light grey (225) on the padding (72), anti-aliased,
    // so more than ten pixels at least half inked and some edges in between.
    for band_top in [0, band + block.height()] {
        let levels: Vec<u8> = (band_top..band_top + band)
            .flat_map(|y| (0..picture.width()).map(move |x| (x, y)))
            .map(|(x, y)| picture.get_pixel(x, y).0[0])
            .collect();
        let lit = levels.iter().filter(|&&v| v > 148).count();
        assert!(lit > 10, "no caption in the band at row {band_top}: {lit} lit pixels");
        assert!(
            levels.iter().any(|&v| v > 72 && v < 148),
            "caption edges are anti-aliased"
        );
    }
}

#[test]
fn values_follow_the_range_and_batches_of_other_sizes_still_draw() {
    let top_values = vec![-1.0f32, 1.0];
    let bottom_values = vec![0.0f32; 4 * 4];
    let top = ImageBatch::gray(&top_values, 2, 1, 1).unwrap();
    let bottom = ImageBatch::gray(&bottom_values, 4, 2, 2).unwrap();
    let mut options = ReconstructionOptions::new(2);
    options.range = comfy_nodes::viewer::ValueRange::MinusOneToOne;
    let picture = reconstruction_grid(&top, &bottom, &options).unwrap();
    // The wider lower block sets the width; nothing panics or is cut off.
    let lower = image_grid(&bottom, &GridOptions::new(2, 2).with_scale(2)).unwrap();
    assert_eq!(picture.width(), lower.width());
    let band = picture.height()
        - lower.height()
        - image_grid(&top, &GridOptions::new(1, 2).with_scale(2))
            .unwrap()
            .height();
    assert!(band > 0 && band.is_multiple_of(2));
    assert_eq!(*picture.get_pixel(2, band / 2 + 2), BLACK, "-1 is black");
    assert_eq!(*picture.get_pixel(2 + 2 + 2, band / 2 + 2), WHITE, "1 is white");
}
