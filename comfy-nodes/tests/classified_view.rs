//! The real-vs-fake view: halves, frame colours by verdict, and argument errors.
use comfy_nodes::viewer::{
    real_vs_fake, ClassifiedError, ClassifiedOptions, ImageBatch, Judged, Rgb, RgbImage, JUDGED_FAKE, JUDGED_REAL,
};

const SIDE: usize = 28;

fn count(img: &RgbImage, color: Rgb<u8>) -> usize {
    img.pixels().filter(|&&p| p == color).count()
}

/// Three real images of value 0.0 (grey 128) and three generated ones of -0.5 (grey 64).
fn draw(real_p: &[f32], fake_p: &[f32], threshold: f32) -> Result<RgbImage, ClassifiedError> {
    let real = vec![0.0f32; 3 * SIDE * SIDE];
    let fake = vec![-0.5f32; 3 * SIDE * SIDE];
    let real = Judged::real(ImageBatch::gray(&real, 3, SIDE, SIDE)?, real_p)?;
    let fake = Judged::generated(ImageBatch::gray(&fake, 3, SIDE, SIDE)?, fake_p)?;
    let options = ClassifiedOptions {
        threshold,
        ..ClassifiedOptions::default()
    };
    real_vs_fake(&real, &fake, &options)
}

#[test]
fn real_images_on_the_left_generated_on_the_right_each_upscaled() {
    let img = draw(&[0.9, 0.8, 0.7], &[0.1, 0.2, 0.95], 0.5).unwrap();
    let xs = |level: u8| -> Vec<u32> {
        img.enumerate_pixels()
            .filter(|(_, _, p)| **p == Rgb([level, level, level]))
            .map(|(x, _, _)| x)
            .collect()
    };
    let (real, fake) = (xs(128), xs(64));
    // Default scale 2: each 28x28 image covers 56x56 pixels.
    assert_eq!(real.len(), 3 * 56 * 56);
    assert_eq!(fake.len(), 3 * 56 * 56);
    assert!(
        real.iter().max() < fake.iter().min(),
        "real images must all lie left of generated ones"
    );
}

#[test]
fn frames_take_the_colour_of_the_verdict() {
    let scores = ([0.9, 0.8, 0.7], [0.1, 0.2, 0.95]);
    // Threshold 0 judges every image real, threshold 1 every image fake: the same frames,
    // all green in one picture and all red in the other. The legend's two swatches are the same
    // in both.
    let all_real = draw(&scores.0, &scores.1, 0.0).unwrap();
    let all_fake = draw(&scores.0, &scores.1, 1.0).unwrap();
    let swatch = count(&all_real, JUDGED_FAKE);
    assert!(swatch > 0);
    assert_eq!(count(&all_fake, JUDGED_REAL), swatch);
    let six_frames = count(&all_real, JUDGED_REAL) - swatch;
    assert_eq!(count(&all_fake, JUDGED_FAKE) - swatch, six_frames);
    // At 0.5: four judged real (three real, one generated), two judged fake. Frame areas differ
    // only by the score text inside them, a few dozen pixels each.
    let mixed = draw(&scores.0, &scores.1, 0.5).unwrap();
    let green = (count(&mixed, JUDGED_REAL) - swatch) as f64;
    let red = (count(&mixed, JUDGED_FAKE) - swatch) as f64;
    let frame = six_frames as f64 / 6.0;
    assert!((green / frame - 4.0).abs() < 0.1, "green frames: {}", green / frame);
    assert!((red / frame - 2.0).abs() < 0.1, "red frames: {}", red / frame);
}

#[test]
fn mismatched_scores_and_bad_thresholds_are_errors() {
    let err = draw(&[0.9, 0.8], &[0.1, 0.2, 0.3], 0.5).unwrap_err();
    assert!(matches!(
        err,
        ClassifiedError::ScoreCount {
            half: "real",
            images: 3,
            scores: 2
        }
    ));
    assert!(err.to_string().contains("real half has 3 images but 2 scores"), "{err}");
    let err = draw(&[0.9; 3], &[0.1; 3], 1.5).unwrap_err();
    assert!(matches!(err, ClassifiedError::Threshold(t) if t == 1.5));
}

#[test]
fn nan_scores_get_a_neutral_frame() {
    let with_nan = draw(&[f32::NAN, 0.9, 0.9], &[0.1; 3], 0.5).unwrap();
    let without = draw(&[0.9, 0.9, 0.9], &[0.1; 3], 0.5).unwrap();
    assert!(count(&with_nan, JUDGED_REAL) < count(&without, JUDGED_REAL));
    assert_eq!(count(&with_nan, JUDGED_FAKE), count(&without, JUDGED_FAKE));
}
