//! Raw next-token scores.
use crate::boundary::{call, out, slice};
use crate::context::{gpt4all_context, with_context};
use gpt4all_core::{Error, Status};

/// Brings the KV cache to hold exactly the `n_tokens` token ids at `tokens` (evaluating only what
/// is not cached yet, as gpt4all_generate() does with a prompt) and writes the logits after the
/// last of them to `logits` (room for `capacity` floats): one per vocabulary entry, indexed by
/// token id, before any sampler (llama.cpp's `llama_get_logits_ith(ctx, -1)`); `*n_vocab`
/// receives their count. For parity checks and for scoring text.
/// Errors: GPT4ALL_STATUS_BUFFER_TOO_SMALL (`*n_vocab` is the capacity needed; nothing is
/// computed), _CONTEXT_OVERFLOW, _ABORTED, _CONTEXT_BUSY, _INVALID_ARGUMENT (empty input, token
/// ids outside the vocabulary), _DECODE, _DISPOSED.
#[no_mangle]
pub unsafe extern "C" fn gpt4all_logits(
    context: *mut gpt4all_context,
    tokens: *const i32,
    n_tokens: usize,
    logits: *mut f32,
    capacity: usize,
    n_vocab: *mut usize,
) -> Status {
    call(|| {
        let n_vocab = unsafe { out(n_vocab, "n_vocab")? };
        let tokens = unsafe { slice(tokens, n_tokens, "tokens")? };
        with_context(context, |context, abort| {
            let width = context.model().info().vocab_size as usize;
            *n_vocab = width;
            if width > capacity || logits.is_null() {
                return Err(Error::BufferTooSmall { needed: width, capacity });
            }
            let scores = context.eval_logits(tokens, abort)?;
            unsafe { std::ptr::copy_nonoverlapping(scores.as_ptr(), logits, scores.len().min(capacity)) };
            Ok(())
        })
    })
}
