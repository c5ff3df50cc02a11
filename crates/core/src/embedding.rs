//! Sentence embeddings: one pooled vector per input, several inputs per batch.
use crate::context::{with_abort, Context, EMBEDDING_SEQUENCES};
use crate::error::{Error, Result};
use crate::model::Token;
use gpt4all_llama_sys as sys;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};

impl Context {
    /// Embeds each token sequence into one vector of the model's embedding length, pooled as the
    /// model specifies (mean pooling for generative models). `normalize` scales each vector to
    /// unit length. A sequence longer than the context is an [`Error::ContextOverflow`].
    pub fn embed(&mut self, inputs: &[Vec<Token>], normalize: bool, abort: &AtomicBool) -> Result<Vec<Vec<f32>>> {
        if !self.is_embedding() {
            return Err(Error::InvalidArgument { reason: "create the context with embeddings enabled".into() });
        }
        crate::fault::point("embed");
        let limit = self.batch_size() as usize;
        for input in inputs {
            if input.is_empty() {
                return Err(Error::InvalidArgument { reason: "cannot embed an empty input".into() });
            }
            if input.len() > limit {
                return Err(Error::ContextOverflow { tokens: input.len(), context_size: limit });
            }
            self.model().check_tokens(input)?;
        }
        let mut vectors = Vec::with_capacity(inputs.len());
        let mut start = 0;
        while start < inputs.len() {
            // Pack as many whole inputs as fit in one batch.
            let mut end = start;
            let mut tokens = 0;
            while end < inputs.len()
                && end - start < EMBEDDING_SEQUENCES as usize
                && tokens + inputs[end].len() <= limit
            {
                tokens += inputs[end].len();
                end += 1;
            }
            if abort.load(Ordering::Relaxed) {
                return Err(Error::Aborted);
            }
            vectors.extend(self.embed_batch(&inputs[start..end], tokens, abort)?);
            start = end;
        }
        if normalize {
            vectors.iter_mut().for_each(|v| normalize_l2(v));
        }
        Ok(vectors)
    }

    fn embed_batch(&mut self, inputs: &[Vec<Token>], total: usize, abort: &AtomicBool) -> Result<Vec<Vec<f32>>> {
        self.clear();
        let raw = NonNull::new(self.raw()).unwrap();
        let model = self.model().clone();
        model.check_rpc()?;
        let dims = model.info().embedding_length as usize;
        let mut batch = unsafe { sys::llama_batch_init(total as i32, 0, 1) };
        let mut n = 0usize;
        for (seq, input) in inputs.iter().enumerate() {
            for (pos, &token) in input.iter().enumerate() {
                unsafe {
                    *batch.token.add(n) = token;
                    *batch.pos.add(n) = pos as i32;
                    *batch.n_seq_id.add(n) = 1;
                    **batch.seq_id.add(n) = seq as i32;
                    *batch.logits.add(n) = 1;
                }
                n += 1;
            }
        }
        batch.n_tokens = n as i32;
        let encoder_only =
            unsafe { sys::llama_model_has_encoder(model.raw()) && !sys::llama_model_has_decoder(model.raw()) };
        let status = model.compute_on_workers(raw, || {
            with_abort(raw, abort, || unsafe {
                if encoder_only {
                    sys::llama_encode(raw.as_ptr(), batch)
                } else {
                    sys::llama_decode(raw.as_ptr(), batch)
                }
            })
        });
        let result = match status {
            _ if model.check_rpc().is_err() => model.check_rpc().map(|_| Vec::new()),
            0 => (0..inputs.len())
                .map(|seq| {
                    let ptr = unsafe { sys::llama_get_embeddings_seq(raw.as_ptr(), seq as i32) };
                    if ptr.is_null() {
                        Err(Error::InvalidArgument { reason: "the model produced no pooled embedding".into() })
                    } else {
                        Ok(unsafe { std::slice::from_raw_parts(ptr, dims) }.to_vec())
                    }
                })
                .collect(),
            2 => Err(Error::Aborted),
            status if abort.load(Ordering::Relaxed) => Err(Error::Decode { status }).or(Err(Error::Aborted)),
            status => Err(Error::Decode { status }),
        };
        unsafe { sys::llama_batch_free(batch) };
        self.clear();
        result
    }
}

/// Scales `v` to unit Euclidean length (a zero vector stays zero).
pub fn normalize_l2(v: &mut [f32]) {
    let norm = v.iter().map(|x| (*x as f64) * (*x as f64)).sum::<f64>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x = (*x as f64 / norm) as f32);
    }
}
