//! Seeded random numbers: the same seed gives the same values on every platform.
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The random generator used throughout Comfy (portable and reproducible).
pub type ComfyRng = ChaCha8Rng;

/// A generator from a seed.
pub fn rng_from_seed(seed: u64) -> ComfyRng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// The exact position of a generator as text (`seed:stream:word`, hexadecimal), so that a
/// checkpoint can store it and [`rng_from_state`] continue the same sequence.
pub fn rng_state(rng: &ComfyRng) -> String {
    let seed: String = rng.get_seed().iter().map(|b| format!("{b:02x}")).collect();
    format!("{seed}:{:x}:{:x}", rng.get_stream(), rng.get_word_pos())
}

/// A generator at the position [`rng_state`] wrote, or `None` if `state` is not one.
pub fn rng_from_state(state: &str) -> Option<ComfyRng> {
    let mut parts = state.split(':');
    let (seed, stream, word) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || seed.len() != 64 || !seed.is_ascii() {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(&seed[2 * i..2 * i + 2], 16).ok()?;
    }
    let mut rng = ChaCha8Rng::from_seed(bytes);
    rng.set_stream(u64::from_str_radix(stream, 16).ok()?);
    rng.set_word_pos(u128::from_str_radix(word, 16).ok()?);
    Some(rng)
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
    fn a_saved_position_continues_the_same_sequence() {
        let mut rng = rng_from_seed(42);
        let _ = standard_normal(&mut rng, 37);
        let state = rng_state(&rng);
        let mut resumed = rng_from_state(&state).expect("own state parses");
        assert_eq!(standard_normal(&mut rng, 101), standard_normal(&mut resumed, 101));
        for bad in [
            "",
            "00:0:0",
            &state[1..],
            &format!("{state}:1"),
            &state.replace(':', ";"),
        ] {
            assert!(rng_from_state(bad).is_none(), "{bad}");
        }
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
