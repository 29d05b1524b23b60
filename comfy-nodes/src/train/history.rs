//! Losses by name: what one step reports and the history of a whole run.

/// One loss a model's step reports: `key` names its CSV column and its tensor in a training
/// state (`d_loss`), `label` is how charts and progress lines show it (`D loss`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LossName {
    /// The column and tensor name.
    pub key: String,
    /// The name shown to people.
    pub label: String,
}

impl LossName {
    /// A loss called `key` in files and `label` on screen.
    pub fn new(key: impl Into<String>, label: impl Into<String>) -> Self {
        LossName {
            key: key.into(),
            label: label.into(),
        }
    }
}

/// One row of a loss history: the losses of one step, in the order of the history's names.
#[derive(Clone, Debug, PartialEq)]
pub struct LossRecord {
    /// Global step (0-based).
    pub step: usize,
    /// Epoch (0-based).
    pub epoch: usize,
    /// One value per loss name.
    pub values: Vec<f32>,
}

/// The losses of every step of a run, by name. It travels along links as `LOSS_HISTORY`, so
/// the loss-curve and CSV nodes work for every model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LossHistory {
    /// The chart title the trainer suggests (`GAN losses`).
    pub title: String,
    /// The losses each record holds, in order.
    pub names: Vec<LossName>,
    /// The rows, in step order.
    pub records: Vec<LossRecord>,
}

impl LossHistory {
    /// An empty history of the losses `names`.
    pub fn new(title: impl Into<String>, names: Vec<LossName>) -> Self {
        LossHistory {
            title: title.into(),
            names,
            records: Vec::new(),
        }
    }

    /// Steps recorded.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether no step is recorded.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The position of the loss `key`.
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.names.iter().position(|n| n.key == key)
    }

    /// `(step, value)` of the loss at `index` for every step.
    pub fn series(&self, index: usize) -> Vec<(f64, f64)> {
        self.records
            .iter()
            .filter_map(|r| Some((r.step as f64, f64::from(*r.values.get(index)?))))
            .collect()
    }

    /// Every value of the loss at `index`, in step order.
    pub fn column(&self, index: usize) -> Vec<f32> {
        self.records
            .iter()
            .filter_map(|r| r.values.get(index).copied())
            .collect()
    }

    /// The history as CSV: `step,epoch,` then one column per loss key.
    pub fn to_csv(&self) -> String {
        let mut csv = String::from("step,epoch");
        for name in &self.names {
            csv.push(',');
            csv.push_str(&name.key);
        }
        csv.push('\n');
        for r in &self.records {
            csv.push_str(&format!("{},{}", r.step, r.epoch));
            for v in &r.values {
                csv.push_str(&format!(",{v}"));
            }
            csv.push('\n');
        }
        csv
    }
}
