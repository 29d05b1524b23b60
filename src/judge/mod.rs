//! An independent judge of generated digits: a CNN trained on real labelled MNIST digits only
//! (never on generated ones), and the scores it gives a batch of images — how confidently each
//! reads as a digit, how evenly the classes appear, how far the images' features are from real
//! digits' (a Fréchet distance), and, for a conditional generator, how often each image is the
//! digit it was asked for.
mod classifier;
mod frechet;
mod scores;

pub use classifier::{classifier_layers, ClassifierStep, CLASSES, FEATURES};
pub use frechet::frechet_distance;
pub use scores::{DigitJudge, JudgeError, Scores, Verdict};
