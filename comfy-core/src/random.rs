//! Seeded random numbers: the same seed gives the same values on every platform.
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The random generator used throughout Comfy (portable and reproducible).
pub type ComfyRng = ChaCha8Rng;

/// A generator from a seed.
pub fn rng_from_seed(seed: u64) -> ComfyRng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// `n` values uniform in `[lo, hi)`.
pub fn uniform(rng: &mut impl Rng, n: usize, lo: f32, hi: f32) -> Vec<f32> {
    (0..n).map(|_| lo + (hi - lo) * rng.random::<f32>()).collect()
}

/// `n` standard normal values (Box–Muller on two uniforms).
pub fn standard_normal(rng: &mut impl Rng, n: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(n + 1);
    while out.len() < n {
        // 1 - u keeps the logarithm's argument in (0, 1].
        let u1 = 1.0 - rng.random::<f64>();
        let u2 = rng.random::<f64>();
        let r = (-2.0 * u1.ln()).sqrt();
        let theta = std::f64::consts::TAU * u2;
        out.push((r * theta.cos()) as f32);
        out.push((r * theta.sin()) as f32);
    }
    out.truncate(n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_has_unit_moments() {
        let v = standard_normal(&mut rng_from_seed(1), 100_000);
        let mean = v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64;
        let var = v.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / v.len() as f64;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "variance {var}");
    }

    #[test]
    fn same_seed_same_values() {
        assert_eq!(
            uniform(&mut rng_from_seed(7), 5, -1.0, 1.0),
            uniform(&mut rng_from_seed(7), 5, -1.0, 1.0)
        );
        assert_ne!(
            uniform(&mut rng_from_seed(7), 5, -1.0, 1.0),
            uniform(&mut rng_from_seed(8), 5, -1.0, 1.0)
        );
    }
}
