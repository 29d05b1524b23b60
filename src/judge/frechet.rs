//! The Fréchet distance between two sets of feature vectors, each summarised by its mean and
//! covariance (as the FID compares Inception features; here, the judge's).
use nalgebra::{DMatrix, DVector, SymmetricEigen};

/// Mean and covariance (unbiased) of `rows`, all of the same length.
fn moments(rows: &[Vec<f32>]) -> (DVector<f64>, DMatrix<f64>) {
    let d = rows.first().map_or(0, Vec::len);
    let n = rows.len().max(1) as f64;
    let mut mean = DVector::<f64>::zeros(d);
    for r in rows {
        for (m, &v) in mean.iter_mut().zip(r) {
            *m += f64::from(v) / n;
        }
    }
    let mut cov = DMatrix::<f64>::zeros(d, d);
    for r in rows {
        let centred = DVector::from_iterator(d, r.iter().zip(mean.iter()).map(|(&v, m)| f64::from(v) - m));
        cov += &centred * centred.transpose();
    }
    cov /= (rows.len().max(2) - 1) as f64;
    (mean, cov)
}

/// The symmetric square root of a positive semi-definite matrix (negative eigenvalues from
/// rounding count as zero).
fn sqrt_psd(m: &DMatrix<f64>) -> DMatrix<f64> {
    let eigen = SymmetricEigen::new(m.clone());
    let roots = eigen.eigenvalues.map(|l| l.max(0.0).sqrt());
    &eigen.eigenvectors * DMatrix::from_diagonal(&roots) * eigen.eigenvectors.transpose()
}

/// `‖μa − μb‖² + tr(Σa + Σb − 2 (Σa Σb)^½)`: 0 for the same distribution, larger the further
/// apart. The trace of the square root is taken as `Σ √λ` over the eigenvalues of the symmetric
/// `Σa^½ Σb Σa^½`, which has the same eigenvalues as `Σa Σb`.
pub fn frechet_distance(a: &[Vec<f32>], b: &[Vec<f32>]) -> f64 {
    let ((mean_a, cov_a), (mean_b, cov_b)) = (moments(a), moments(b));
    let root_a = sqrt_psd(&cov_a);
    let middle = &root_a * &cov_b * &root_a;
    let middle = (&middle + middle.transpose()) * 0.5;
    let cross: f64 = SymmetricEigen::new(middle)
        .eigenvalues
        .iter()
        .map(|l| l.max(0.0).sqrt())
        .sum();
    (mean_a - mean_b).norm_squared() + cov_a.trace() + cov_b.trace() - 2.0 * cross
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_distance_is_zero_for_one_set_and_grows_with_a_shift() {
        let a: Vec<Vec<f32>> = (0..200).map(|i| vec![(i % 7) as f32, (i % 5) as f32 * 0.5]).collect();
        assert!(frechet_distance(&a, &a).abs() < 1e-9);
        // Shifting every vector by (3, 4) moves the mean by 5: the distance is 25.
        let shifted: Vec<Vec<f32>> = a.iter().map(|v| vec![v[0] + 3.0, v[1] + 4.0]).collect();
        assert!((frechet_distance(&a, &shifted) - 25.0).abs() < 1e-6);
        // One varying coordinate x (mean m, variance σ²) scaled by 2: the mean moves by m and
        // σ² becomes 4σ², so the distance is m² + σ² + 4σ² − 2·2σ² = m² + σ².
        let b: Vec<Vec<f32>> = (0..200).map(|i| vec![(i % 7) as f32, 1.0]).collect();
        let scaled: Vec<Vec<f32>> = b.iter().map(|v| vec![v[0] * 2.0, v[1]]).collect();
        let m = b.iter().map(|v| f64::from(v[0])).sum::<f64>() / 200.0;
        let var = b.iter().map(|v| (f64::from(v[0]) - m).powi(2)).sum::<f64>() / 199.0;
        assert!((frechet_distance(&b, &scaled) - (m * m + var)).abs() < 1e-6);
    }
}
