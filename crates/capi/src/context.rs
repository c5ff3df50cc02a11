//! Contexts: a KV cache over a model, used by one call at a time and abortable from any thread.
use crate::boundary::{c_str, call, out};
use crate::handle::Registry;
use crate::model;
use crate::options::{self, versioned};
use gpt4all_core::{defaults, Context, ContextParams, Error, KvCacheType, Result, Status};
use std::ffi::c_char;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, TryLockError};

/// An inference context (opaque): the KV cache, reused across calls when prompts share a prefix.
/// Create with gpt4all_context_create(), free with gpt4all_context_free().
pub struct gpt4all_context {
    _private: [u8; 0],
}

/// Options for gpt4all_context_create(). Zero means "choose for me" everywhere.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct gpt4all_context_options {
    /// sizeof(gpt4all_context_options).
    pub struct_size: usize,
    /// Tokens the context holds. gpt4all_context_options_default() sets GPT4All's n_ctx
    /// default, used as given like any other value (as GPT4All does, even above the model's
    /// training length); 0: that default, capped at the model's training length.
    pub context_size: u32,
    /// Tokens evaluated per llama_decode call; 0: the default, which
    /// gpt4all_context_options_default() sets.
    pub batch_size: u32,
    /// CPU threads; 0: the physical cores this process may use.
    pub threads: u32,
    /// Create the context for gpt4all_embed() instead of generation.
    pub embeddings: bool,
    /// The KV cache's number format by llama.cpp's name ("f16", "q8_0", "f32", ...); NULL: "f16".
    /// "f32" with flash_attention 0 computes attention exactly in float32.
    pub kv_cache_type: *const c_char,
    /// Flash attention: -1 lets llama.cpp decide (on where the backend has it), 0 off, 1 on.
    pub flash_attention: i32,
}

impl Default for gpt4all_context_options {
    fn default() -> Self {
        let core = ContextParams::default();
        gpt4all_context_options {
            struct_size: size_of::<Self>(),
            context_size: defaults::CONTEXT_SIZE,
            batch_size: defaults::BATCH_SIZE,
            threads: core.threads,
            embeddings: core.embeddings,
            kv_cache_type: std::ptr::null(),
            flash_attention: -1,
        }
    }
}
versioned!(gpt4all_context_options);

pub(crate) struct ContextHandle {
    context: Mutex<Context>,
    /// Raised by gpt4all_context_abort(); lowered when a call starts.
    abort: AtomicBool,
}

static CONTEXTS: Registry<ContextHandle> = Registry::new("context");

/// Runs `f` on the context behind `handle` with its abort flag lowered; a context that is in use
/// by another call is GPT4ALL_STATUS_CONTEXT_BUSY.
pub(crate) fn with_context<T>(
    handle: *const gpt4all_context,
    f: impl FnOnce(&mut Context, &AtomicBool) -> Result<T>,
) -> Result<T> {
    let handle = CONTEXTS.get(handle)?;
    let mut context = match handle.context.try_lock() {
        Ok(context) => context,
        Err(TryLockError::WouldBlock) => return Err(Error::Busy),
        // A panic interrupted an earlier call: the KV cache may not match the record of the
        // tokens it holds, so start from an empty one.
        Err(TryLockError::Poisoned(poisoned)) => {
            let mut context = poisoned.into_inner();
            context.clear();
            handle.context.clear_poison();
            context
        }
    };
    handle.abort.store(false, Ordering::SeqCst);
    f(&mut context, &handle.abort)
}

/// The options that gpt4all_context_create() uses when given NULL.
#[no_mangle]
pub extern "C" fn gpt4all_context_options_default() -> gpt4all_context_options {
    gpt4all_context_options::default()
}

/// Creates a context for `model` and writes its handle to `*context`. `options` may be NULL.
/// The context keeps the model's weights alive until it is freed. Thread-safe.
/// Errors: GPT4ALL_STATUS_CONTEXT_CREATE (usually not enough memory), _VOCAB_ONLY,
/// _INVALID_ARGUMENT, _DISPOSED.
#[no_mangle]
pub unsafe extern "C" fn gpt4all_context_create(
    model: *const crate::model::gpt4all_model,
    options: *const gpt4all_context_options,
    context: *mut *mut gpt4all_context,
) -> Status {
    call(|| {
        let context = unsafe { out(context, "context")? };
        *context = std::ptr::null_mut();
        let model = model::get(model)?;
        let options = unsafe { options::read(options, "options")? };
        let params = ContextParams {
            context_size: options.context_size,
            batch_size: options.batch_size,
            threads: options.threads,
            embeddings: options.embeddings,
            // One sequence: a C caller drives one generation per context.
            parallel: 1,
            kv_cache_type: match options.kv_cache_type.is_null() {
                true => KvCacheType::default(),
                false => {
                    let name = unsafe { c_str(options.kv_cache_type, "options->kv_cache_type")? };
                    KvCacheType::from_name(name).ok_or_else(|| Error::InvalidArgument {
                        reason: format!(
                            "options->kv_cache_type must be one of {}, got '{name}'",
                            KvCacheType::names().collect::<Vec<_>>().join(", ")
                        ),
                    })?
                }
            },
            flash_attention: match options.flash_attention {
                -1 => None,
                0 => Some(false),
                1 => Some(true),
                other => {
                    return Err(Error::InvalidArgument {
                        reason: format!("options->flash_attention must be -1, 0 or 1, got {other}"),
                    })
                }
            },
        };
        let created = Context::new(model, &params)?;
        *context = CONTEXTS.insert(ContextHandle { context: Mutex::new(created), abort: AtomicBool::new(false) });
        Ok(())
    })
}

/// Frees a context handle. A call still running on it (on another thread) finishes first; raise
/// gpt4all_context_abort() to end it sooner. NULL is a no-op.
/// Errors: GPT4ALL_STATUS_DISPOSED (freed already).
#[no_mangle]
pub extern "C" fn gpt4all_context_free(context: *mut gpt4all_context) -> Status {
    call(|| CONTEXTS.remove(context))
}

/// Empties the KV cache, so the next prompt is evaluated from its first token.
/// Errors: GPT4ALL_STATUS_CONTEXT_BUSY, _INVALID_ARGUMENT, _DISPOSED.
#[no_mangle]
pub extern "C" fn gpt4all_context_clear(context: *mut gpt4all_context) -> Status {
    call(|| with_context(context, |context, _| Ok(context.clear())))
}

/// The number of tokens the KV cache holds (`*n_tokens`), which the next prompt may reuse.
/// Errors: GPT4ALL_STATUS_CONTEXT_BUSY, _INVALID_ARGUMENT, _DISPOSED.
#[no_mangle]
pub unsafe extern "C" fn gpt4all_context_cached_tokens(context: *mut gpt4all_context, n_tokens: *mut usize) -> Status {
    call(|| {
        let n_tokens = unsafe { out(n_tokens, "n_tokens")? };
        *n_tokens = with_context(context, |context, _| Ok(context.cached_tokens().len()))?;
        Ok(())
    })
}

/// Asks the call running on `context` (gpt4all_generate(), gpt4all_embed()) to stop: it
/// returns within one token (one batch while evaluating a prompt). Any thread, any time; a
/// no-op when nothing runs. Errors: GPT4ALL_STATUS_INVALID_ARGUMENT, _DISPOSED.
#[no_mangle]
pub extern "C" fn gpt4all_context_abort(context: *mut gpt4all_context) -> Status {
    call(|| {
        CONTEXTS.get(context)?.abort.store(true, Ordering::SeqCst);
        Ok(())
    })
}
