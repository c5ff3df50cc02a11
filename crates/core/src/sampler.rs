//! The sampler chain: penalties, then the truncation samplers, then temperature and a seeded draw.
use crate::defaults;
use crate::error::{Error, Result};
use crate::model::Token;
use gpt4all_llama_sys as sys;
use std::ptr::NonNull;

/// How the next token is chosen. `temperature <= 0` means greedy (always the most likely token,
/// deterministic); the other fields then only matter through the penalties.
#[derive(Debug, Clone)]
pub struct SamplingParams {
    pub temperature: f32,
    /// Keep the k most likely tokens (0 disables).
    pub top_k: i32,
    /// Keep the smallest set of tokens whose probabilities add up to p (1 disables).
    pub top_p: f32,
    /// Drop tokens less likely than `min_p` times the most likely one (0 disables).
    pub min_p: f32,
    /// Divide the logits of recently seen tokens by this (1 disables).
    pub repeat_penalty: f32,
    pub frequency_penalty: f32,
    pub presence_penalty: f32,
    /// How many recent tokens the penalties look at (0 disables, -1 the whole context).
    pub repeat_last_n: i32,
    pub seed: u32,
}

impl Default for SamplingParams {
    /// The values of [`crate::defaults`].
    fn default() -> Self {
        SamplingParams {
            temperature: defaults::TEMPERATURE,
            top_k: defaults::TOP_K,
            top_p: defaults::TOP_P,
            min_p: defaults::MIN_P,
            repeat_penalty: defaults::REPEAT_PENALTY,
            frequency_penalty: defaults::FREQUENCY_PENALTY,
            presence_penalty: defaults::PRESENCE_PENALTY,
            repeat_last_n: defaults::REPEAT_LAST_N,
            seed: defaults::RANDOM_SEED,
        }
    }
}

/// An owned llama.cpp sampler chain.
pub struct Sampler {
    raw: NonNull<sys::llama_sampler>,
    /// The chain is llama.cpp's greedy sampler alone: `sample` takes the argmax of the logits
    /// directly instead of building the chain's array of every token's candidate data.
    pure_greedy: bool,
}

// SAFETY: a sampler is plain state that is used by one thread at a time.
unsafe impl Send for Sampler {}

impl Sampler {
    /// Builds the chain for `params`; `context_size` resolves `repeat_last_n = -1`.
    pub fn new(params: &SamplingParams, context_size: u32, vocab_size: u32) -> Result<Sampler> {
        check(params)?;
        let chain = unsafe { sys::llama_sampler_chain_init(sys::llama_sampler_chain_default_params()) };
        let add = |s: *mut sys::llama_sampler| unsafe { sys::llama_sampler_chain_add(chain, s) };
        let last_n = if params.repeat_last_n < 0 { context_size as i32 } else { params.repeat_last_n };
        let penalised =
            params.repeat_penalty != 1.0 || params.frequency_penalty != 0.0 || params.presence_penalty != 0.0;
        unsafe {
            if penalised && last_n != 0 {
                add(sys::llama_sampler_init_penalties(
                    vocab_size as i32,
                    last_n,
                    params.repeat_penalty,
                    params.frequency_penalty,
                    params.presence_penalty,
                ));
            }
            if params.temperature <= 0.0 {
                add(sys::llama_sampler_init_greedy());
            } else {
                if params.top_k > 0 {
                    add(sys::llama_sampler_init_top_k(params.top_k));
                }
                if params.top_p < 1.0 {
                    add(sys::llama_sampler_init_top_p(params.top_p, 1));
                }
                if params.min_p > 0.0 {
                    add(sys::llama_sampler_init_min_p(params.min_p, 1));
                }
                add(sys::llama_sampler_init_temp(params.temperature));
                add(sys::llama_sampler_init_dist(params.seed));
            }
        }
        let pure_greedy = params.temperature <= 0.0 && !(penalised && last_n != 0);
        Ok(Sampler { raw: NonNull::new(chain).expect("llama_sampler_chain_init returned null"), pure_greedy })
    }

    /// Records tokens that the penalties should count (the prompt's tail, and each sampled token).
    pub fn accept(&mut self, tokens: &[Token]) {
        for &t in tokens {
            unsafe { sys::llama_sampler_accept(self.raw.as_ptr(), t) };
        }
    }

    /// Picks the next token from the context's last logits (the chain accepts it itself).
    pub(crate) fn sample(&mut self, ctx: *mut sys::llama_context) -> Token {
        if self.pure_greedy {
            // The first of the highest logits, as llama.cpp's greedy sampler picks it; it keeps
            // no state, so there is nothing to accept.
            let model = unsafe { sys::llama_get_model(ctx) };
            let n_vocab = unsafe { sys::llama_vocab_n_tokens(sys::llama_model_get_vocab(model)) } as usize;
            let logits = unsafe { sys::llama_get_logits_ith(ctx, -1) };
            if !logits.is_null() && n_vocab > 0 {
                let logits = unsafe { std::slice::from_raw_parts(logits, n_vocab) };
                let best = argmax(logits);
                return best as Token;
            }
        }
        unsafe { sys::llama_sampler_sample(self.raw.as_ptr(), ctx, -1) }
    }
}

/// The index of the first highest value (0 for an empty slice), as llama.cpp's greedy sampler
/// picks it. The maximum is found per lane first, a loop the compiler turns into SIMD `max`
/// instructions; a plain compare-and-branch loop costs a few percent of a small model's decode.
fn argmax(values: &[f32]) -> usize {
    const LANES: usize = 16;
    let mut lane_max = [f32::NEG_INFINITY; LANES];
    let chunks = values.chunks_exact(LANES);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (max, &v) in lane_max.iter_mut().zip(chunk) {
            *max = if v > *max { v } else { *max };
        }
    }
    let max = lane_max.iter().chain(tail).fold(f32::NEG_INFINITY, |m, &v| if v > m { v } else { m });
    values.iter().position(|&v| v == max).unwrap_or(0)
}

impl Drop for Sampler {
    fn drop(&mut self) {
        unsafe { sys::llama_sampler_free(self.raw.as_ptr()) }
    }
}

fn check(p: &SamplingParams) -> Result<()> {
    let bad = |reason: &str| Err(Error::InvalidArgument { reason: reason.into() });
    if !p.temperature.is_finite() {
        return bad("temperature must be a finite number");
    }
    if !(0.0..=1.0).contains(&p.top_p) || !(0.0..=1.0).contains(&p.min_p) {
        return bad("topP and minP must be between 0 and 1");
    }
    if !(p.repeat_penalty.is_finite() && p.repeat_penalty > 0.0) {
        return bad("repeatPenalty must be a positive number");
    }
    if !p.frequency_penalty.is_finite() || !p.presence_penalty.is_finite() {
        return bad("penalties must be finite numbers");
    }
    if p.top_k < 0 {
        return bad("topK must be 0 (off) or more");
    }
    if p.repeat_last_n < -1 {
        return bad("repeatLastN must be -1 (the whole context), 0 (off) or more");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::argmax;

    #[test]
    fn argmax_picks_the_first_highest_value() {
        let naive = |v: &[f32]| (1..v.len()).fold(0, |best, i| if v[i] > v[best] { i } else { best });
        for len in [1, 15, 16, 17, 33, 32000] {
            let values: Vec<f32> = (0..len).map(|i| ((i * 7919) % 1009) as f32 - 500.0).collect();
            assert_eq!(argmax(&values), naive(&values), "length {len}");
        }
        assert_eq!(argmax(&[1.0, 3.0, 3.0, 2.0]), 1);
        assert_eq!(argmax(&[0.0; 40].iter().copied().chain([5.0]).collect::<Vec<_>>()), 40);
        assert_eq!(argmax(&[f32::NEG_INFINITY; 20]), 0);
        assert_eq!(argmax(&[]), 0);
    }
}
