//! The node pack's own value types, as they travel along links.
use crate::dataset::{DataLoader, ImageDataset};
use crate::network::Network;
use crate::train::LossHistory;
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

impl CustomValue for LossHistory {
    const TYPE_NAME: &'static str = "LOSS_HISTORY";
}
