//! Sentence embeddings.
use crate::boundary::{call, out, slice};
use crate::context::{gpt4all_context, with_context};
use gpt4all_core::{Error, Status};

/// Embeds the `n_tokens` token ids at `tokens` (one input) into one vector of the model's
/// embedding length, pooled as the model specifies (mean pooling for generative models), and
/// writes it to `embedding` (room for `capacity` floats); `*dimensions` receives its length.
/// `normalize` scales it to unit length (L2). The context must be created with `embeddings`.
/// Errors: GPT4ALL_STATUS_BUFFER_TOO_SMALL (`*dimensions` is the capacity needed; nothing is
/// computed), _CONTEXT_OVERFLOW (the input does not fit one batch), _ABORTED, _CONTEXT_BUSY,
/// _INVALID_ARGUMENT (empty input, token ids outside the vocabulary, a generation context),
/// _DECODE, _DISPOSED.
#[no_mangle]
pub unsafe extern "C" fn gpt4all_embed(
    context: *mut gpt4all_context,
    tokens: *const i32,
    n_tokens: usize,
    normalize: bool,
    embedding: *mut f32,
    capacity: usize,
    dimensions: *mut usize,
) -> Status {
    call(|| {
        let dimensions = unsafe { out(dimensions, "dimensions")? };
        let tokens = unsafe { slice(tokens, n_tokens, "tokens")? };
        with_context(context, |context, abort| {
            let width = context.model().info().embedding_length as usize;
            *dimensions = width;
            if width > capacity || embedding.is_null() {
                return Err(Error::BufferTooSmall { needed: width, capacity });
            }
            let vector = context.embed(&[tokens.to_vec()], normalize, abort)?.pop().unwrap_or_default();
            *dimensions = vector.len().min(capacity);
            unsafe { std::ptr::copy_nonoverlapping(vector.as_ptr(), embedding, *dimensions) };
            Ok(())
        })
    })
}
