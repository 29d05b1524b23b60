//! The node pack's own value types, as they travel along links.
use crate::dataset::{DataLoader, ImageDataset};
use crate::gan::{LossRecord, Network};
use comfy_core::CustomValue;

impl CustomValue for ImageDataset {
    const TYPE_NAME: &'static str = "DATASET";
}

impl CustomValue for DataLoader {
    const TYPE_NAME: &'static str = "DATA_LOADER";
}

impl CustomValue for Network {
    const TYPE_NAME: &'static str = "MODEL";
}

/// The losses recorded by a trainer, one row per step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LossHistory {
    /// The rows, in step order.
    pub records: Vec<LossRecord>,
}

impl CustomValue for LossHistory {
    const TYPE_NAME: &'static str = "LOSS_HISTORY";
}
