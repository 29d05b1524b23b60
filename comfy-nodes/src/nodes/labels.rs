//! Class labels as they travel between nodes (a `[n]` tensor of class indices), and the
//! `digits` input that says which classes a conditional generator draws.
use comfy_core::{NodeError, Tensor};

/// Labels `[n]` (class indices as floats) as a tensor.
pub(crate) fn labels_tensor(labels: &[u8]) -> Result<Tensor, NodeError> {
    Ok(Tensor::from_vec(
        labels.iter().map(|&l| f32::from(l)).collect(),
        [labels.len()],
    )?)
}

/// The class indices a labels tensor holds; `input` names it in errors.
pub(crate) fn labels_from(t: &Tensor, input: &str) -> Result<Vec<u8>, NodeError> {
    t.to_vec()?
        .into_iter()
        .map(|v| {
            if v.fract() == 0.0 && (0.0..=255.0).contains(&v) {
                Ok(v as u8)
            } else {
                Err(NodeError::msg(format!("{input}: {v} is not a class label")))
            }
        })
        .collect()
}

/// The labels of `count` images drawn by a generator of `classes` classes, as the `digits`
/// input says: `all` (or empty) cycles through every class, `rows` draws them class by class
/// (the rows of a class grid, as even as `count` allows), `3` draws only threes, `0,2,5`
/// cycles through those. `None` for a generator that is not conditional (which only `all`
/// suits). A class the generator does not know is an error naming the input.
pub(crate) fn digit_labels(digits: &str, classes: usize, count: usize) -> Result<Option<Vec<u8>>, NodeError> {
    let spec = digits.trim();
    let all = spec.is_empty() || spec == "all";
    if spec == "rows" && classes > 0 {
        return Ok(Some((0..count).map(|i| (i * classes / count.max(1)) as u8).collect()));
    }
    if classes == 0 {
        if all {
            return Ok(None);
        }
        return Err(NodeError::msg(format!(
            "digits: the generator is not conditional, so it cannot be asked for {spec:?}; give \"all\""
        )));
    }
    let chosen: Vec<u8> = if all {
        (0..classes).map(|c| c as u8).collect()
    } else {
        spec.split(',')
            .map(str::trim)
            .map(|d| match d.parse::<usize>() {
                Ok(c) if c < classes && c <= usize::from(u8::MAX) => Ok(c as u8),
                _ => Err(NodeError::msg(format!(
                    "digits: `{d}` is not one of the generator's classes 0–{}",
                    classes - 1
                ))),
            })
            .collect::<Result<_, _>>()?
    };
    Ok(Some((0..count).map(|i| chosen[i % chosen.len()]).collect()))
}

/// `count` labels in class order, `per_class` of each: the rows of a class grid.
pub(crate) fn class_rows(classes: usize, per_class: usize) -> Vec<u8> {
    (0..classes * per_class).map(|i| (i / per_class) as u8).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_say_which_classes_are_drawn() {
        assert_eq!(digit_labels("all", 0, 3).unwrap(), None);
        assert_eq!(digit_labels("all", 3, 5).unwrap(), Some(vec![0, 1, 2, 0, 1]));
        assert_eq!(digit_labels(" 7 ", 10, 3).unwrap(), Some(vec![7, 7, 7]));
        assert_eq!(digit_labels("0,5", 10, 3).unwrap(), Some(vec![0, 5, 0]));
        assert_eq!(digit_labels("rows", 2, 4).unwrap(), Some(vec![0, 0, 1, 1]));
        let e = digit_labels("12", 10, 3).unwrap_err().to_string();
        assert!(e.contains("`12` is not one of the generator's classes 0–9"), "{e}");
        assert!(digit_labels("3", 0, 3).is_err());
        assert!(digit_labels("x", 10, 3).is_err());
        assert_eq!(class_rows(3, 2), vec![0, 0, 1, 1, 2, 2]);
        let t = labels_tensor(&[1, 9]).unwrap();
        assert_eq!(labels_from(&t, "labels").unwrap(), vec![1, 9]);
        assert!(labels_from(&Tensor::from_vec(vec![0.5], [1]).unwrap(), "l").is_err());
    }
}
