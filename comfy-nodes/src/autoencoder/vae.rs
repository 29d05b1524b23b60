//! The VAE's two loss terms on the tape: the reparameterised latent `z = μ + σ·ε` and the KL
//! divergence of `N(μ, σ²)` from the prior `N(0, 1)`.
use comfy_core::{Result, Tape, Tensor, Var};

/// The halves of a VAE encoder's output `[b, 2·latent]`: μ (the first `latent` columns) and
/// log σ² (the rest).
pub fn split_latent<'t>(encoded: Var<'t>, latent: usize) -> Result<(Var<'t>, Var<'t>)> {
    Ok((encoded.slice_cols(0, latent)?, encoded.slice_cols(latent, latent)?))
}

/// `z = μ + exp(½ log σ²) · ε` for the noise `eps` (`[b, latent]`, drawn from `N(0, 1)`):
/// differentiable in μ and log σ².
pub fn reparameterise<'t>(tape: &'t Tape, mu: Var<'t>, logvar: Var<'t>, eps: &Tensor) -> Result<Var<'t>> {
    let sigma = logvar.mul_scalar(0.5)?.exp()?;
    mu.add(sigma.mul(tape.constant(eps)?)?)
}

/// The KL divergence `−½ Σ (1 + log σ² − μ² − σ²)` summed over the latent values of each image
/// and averaged over the batch (`μ`, `log σ²`: `[b, latent]`).
pub fn kl_divergence<'t>(mu: Var<'t>, logvar: Var<'t>) -> Result<Var<'t>> {
    let b = mu.shape().dims().first().copied().unwrap_or(1).max(1);
    let terms = logvar.add_scalar(1.0)?.sub(mu.mul(mu)?)?.sub(logvar.exp()?)?;
    terms.sum()?.mul_scalar(-0.5 / b as f32)
}
