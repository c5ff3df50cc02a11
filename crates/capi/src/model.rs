//! Models: loading, what a model is, tokenize and detokenize.
use crate::backend;
use crate::boundary::{c_str, call, out, slice, str_with_length};
use crate::buffer::{write_items, write_text};
use crate::handle::Registry;
use crate::options::{self, versioned};
use gpt4all_core::{GpuLayers, Model, ModelParams, Status};
use std::ffi::{c_char, c_void, CString};
use std::path::Path;
use std::sync::Arc;

/// A loaded model (opaque). Create with gpt4all_model_load(), free with gpt4all_model_free().
pub struct gpt4all_model {
    _private: [u8; 0],
}

/// Called while a model loads with its progress from 0 to 1; return false to cancel the load.
pub type gpt4all_progress_callback = Option<unsafe extern "C" fn(progress: f32, user_data: *mut c_void) -> bool>;

/// Options for gpt4all_model_load().
#[repr(C)]
#[derive(Clone, Copy)]
pub struct gpt4all_model_options {
    /// sizeof(gpt4all_model_options).
    pub struct_size: usize,
    /// Layers to put on the GPU: -1 every layer, 0 none (the default).
    pub gpu_layers: i32,
    /// Memory-map the file (the default): fast loads, pages shared between processes.
    pub use_mmap: bool,
    /// Load only the vocabulary: tokenize and detokenize work, contexts cannot be created.
    pub vocab_only: bool,
    /// Progress and cancellation; NULL for none. Called on the loading thread.
    pub progress: gpt4all_progress_callback,
    /// Passed to `progress` as is.
    pub progress_user_data: *mut c_void,
    /// RPC workers that hold part of the layers (each started with `gpt4all rpc-worker`): a
    /// comma-separated list of `host:port` (UTF-8), or NULL for none. The protocol has no
    /// authentication or encryption: use workers on a trusted network or through an SSH tunnel.
    pub rpc_workers: *const c_char,
    /// With rpc_workers: `rpc_split_count` shares of the layers, this machine first, then each
    /// worker; NULL: by free memory, as llama.cpp splits between GPUs.
    pub rpc_split: *const f32,
    pub rpc_split_count: usize,
    /// With rpc_workers: milliseconds a worker may take to answer one request before the model
    /// fails with GPT4ALL_STATUS_RPC_UNAVAILABLE.
    pub rpc_timeout_ms: u32,
}

impl Default for gpt4all_model_options {
    fn default() -> Self {
        let core = ModelParams::default();
        gpt4all_model_options {
            struct_size: size_of::<Self>(),
            gpu_layers: match core.gpu_layers {
                GpuLayers::All => -1,
                GpuLayers::Count(n) => n as i32,
            },
            use_mmap: core.use_mmap,
            vocab_only: core.vocab_only,
            progress: None,
            progress_user_data: std::ptr::null_mut(),
            rpc_workers: std::ptr::null(),
            rpc_split: std::ptr::null(),
            rpc_split_count: 0,
            rpc_timeout_ms: core.rpc_timeout.as_millis() as u32,
        }
    }
}

/// What a model is. The strings belong to the model and stay valid until it is freed.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct gpt4all_model_info {
    /// sizeof(gpt4all_model_info), set by the caller.
    pub struct_size: usize,
    /// `general.architecture`, such as "llama".
    pub architecture: *const c_char,
    /// `general.name`, or NULL.
    pub name: *const c_char,
    /// The file type, as llama.cpp names it ("Q4_0", "F16", ...).
    pub quantization: *const c_char,
    /// The Jinja chat template (`tokenizer.chat_template`), or NULL.
    pub chat_template: *const c_char,
    /// The text of the beginning-of-sequence token (`tokenizer.ggml.bos_token_id`), such as
    /// "<s>", or NULL: what chat templates call `bos_token`.
    pub bos_token: *const c_char,
    /// The text of the end-of-sequence token (`tokenizer.ggml.eos_token_id`), or NULL: `eos_token`.
    pub eos_token: *const c_char,
    /// Tokens the model was trained on.
    pub context_length: u32,
    /// Width of the embeddings (floats).
    pub embedding_length: u32,
    pub layer_count: u32,
    /// Tokens in the vocabulary.
    pub vocab_size: u32,
    pub parameters: u64,
    /// Bytes of weights.
    pub size_bytes: u64,
    /// Whether the model has an encoder (T5 and other encoder-decoder models).
    pub has_encoder: bool,
}

impl Default for gpt4all_model_info {
    fn default() -> Self {
        gpt4all_model_info {
            struct_size: size_of::<Self>(),
            architecture: std::ptr::null(),
            name: std::ptr::null(),
            quantization: std::ptr::null(),
            chat_template: std::ptr::null(),
            bos_token: std::ptr::null(),
            eos_token: std::ptr::null(),
            context_length: 0,
            embedding_length: 0,
            layer_count: 0,
            vocab_size: 0,
            parameters: 0,
            size_bytes: 0,
            has_encoder: false,
        }
    }
}
versioned!(gpt4all_model_options, gpt4all_model_info);

/// A model with its metadata as C strings.
pub(crate) struct ModelHandle {
    pub(crate) model: Arc<Model>,
    architecture: CString,
    name: Option<CString>,
    quantization: CString,
    chat_template: Option<CString>,
    bos_token: Option<CString>,
    eos_token: Option<CString>,
}

pub(crate) static MODELS: Registry<ModelHandle> = Registry::new("model");

fn c_string(text: &str) -> CString {
    CString::new(text.replace('\0', "")).unwrap_or_default()
}

/// The text of the special token whose id the metadata key names, rendered as special text.
fn special_token(model: &Model, key: &str) -> Option<CString> {
    let id = model.metadata().iter().find(|(k, _)| k == key)?.1.as_u64()?;
    let id = i32::try_from(id).ok().filter(|&id| (id as u32) < model.info().vocab_size)?;
    Some(c_string(&String::from_utf8_lossy(&model.token_bytes(id, true))))
}

fn c_ptr(text: &Option<CString>) -> *const c_char {
    text.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
}

/// The options that gpt4all_model_load() uses when given NULL.
#[no_mangle]
pub extern "C" fn gpt4all_model_options_default() -> gpt4all_model_options {
    gpt4all_model_options::default()
}

/// Validates and loads the GGUF file at `path` (UTF-8) and writes its handle to `*model`.
/// `options` may be NULL for the defaults. Blocks until loaded; thread-safe.
/// Errors: GPT4ALL_STATUS_MODEL_NOT_FOUND, _NOT_GGUF, _INVALID_GGUF (truncated or corrupt),
/// _UNSUPPORTED_ARCHITECTURE, _VOCAB_ONLY (a vocabulary file without vocab_only), _MODEL_LOAD,
/// _ABORTED (the progress callback returned false), _NO_BACKEND, _INVALID_ARGUMENT, _RPC_UNAVAILABLE
/// (an RPC worker refused the connection, did not answer within rpc_timeout_ms, or speaks another
/// protocol version).
#[no_mangle]
pub unsafe extern "C" fn gpt4all_model_load(
    path: *const c_char,
    options: *const gpt4all_model_options,
    model: *mut *mut gpt4all_model,
) -> Status {
    call(|| {
        let model = unsafe { out(model, "model")? };
        *model = std::ptr::null_mut();
        let path = unsafe { c_str(path, "path")? };
        let options = unsafe { options::read(options, "options")? };
        backend::ensure()?;
        let params = ModelParams {
            gpu_layers: match options.gpu_layers {
                n if n < 0 => GpuLayers::All,
                n => GpuLayers::Count(n as u32),
            },
            use_mmap: options.use_mmap,
            vocab_only: options.vocab_only,
            rpc_workers: match options.rpc_workers.is_null() {
                true => Vec::new(),
                false => unsafe { c_str(options.rpc_workers, "options.rpc_workers")? }
                    .split(',')
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(String::from)
                    .collect(),
            },
            rpc_split: match options.rpc_split.is_null() {
                true => None,
                false => {
                    Some(unsafe { slice(options.rpc_split, options.rpc_split_count, "options.rpc_split")? }.to_vec())
                }
            },
            rpc_timeout: match options.rpc_timeout_ms {
                0 => return Err(crate::boundary::invalid("options.rpc_timeout_ms must be at least 1".into())),
                ms => std::time::Duration::from_millis(ms.into()),
            },
        };
        let user_data = options.progress_user_data;
        let mut progress = options.progress.map(|callback| move |p: f32| unsafe { callback(p, user_data) });
        let progress = progress.as_mut().map(|p| p as &mut dyn FnMut(f32) -> bool);
        let loaded = Model::load(Path::new(path), &params, progress)?;
        let info = loaded.info();
        let handle = ModelHandle {
            architecture: c_string(&info.architecture),
            name: info.name.as_deref().map(c_string),
            quantization: c_string(&info.quantization),
            chat_template: info.chat_template.as_deref().map(c_string),
            bos_token: special_token(&loaded, "tokenizer.ggml.bos_token_id"),
            eos_token: special_token(&loaded, "tokenizer.ggml.eos_token_id"),
            model: Arc::new(loaded),
        };
        *model = MODELS.insert(handle);
        Ok(())
    })
}

/// Frees a model handle. Contexts created from it keep working (they hold the weights until
/// they are freed). NULL is a no-op. Errors: GPT4ALL_STATUS_DISPOSED (freed already).
#[no_mangle]
pub extern "C" fn gpt4all_model_free(model: *mut gpt4all_model) -> Status {
    call(|| MODELS.remove(model))
}

/// Writes what `model` is to `*info`, whose struct_size the caller sets.
/// Errors: GPT4ALL_STATUS_INVALID_ARGUMENT, _DISPOSED.
#[no_mangle]
pub unsafe extern "C" fn gpt4all_model_get_info(model: *const gpt4all_model, info: *mut gpt4all_model_info) -> Status {
    call(|| {
        let handle = MODELS.get(model)?;
        unsafe { out(info, "info")? };
        let i = handle.model.info();
        let value = gpt4all_model_info {
            struct_size: size_of::<gpt4all_model_info>(),
            architecture: handle.architecture.as_ptr(),
            name: c_ptr(&handle.name),
            quantization: handle.quantization.as_ptr(),
            chat_template: c_ptr(&handle.chat_template),
            bos_token: c_ptr(&handle.bos_token),
            eos_token: c_ptr(&handle.eos_token),
            context_length: i.context_length,
            embedding_length: i.embedding_length,
            layer_count: i.layer_count,
            vocab_size: i.vocab_size,
            parameters: i.parameters,
            size_bytes: i.size_bytes,
            has_encoder: i.has_encoder,
        };
        unsafe { options::write(info, value, "info") }
    })
}

/// Splits `text_length` bytes of UTF-8 `text` into token ids, written to `tokens` (room for
/// `capacity`); `*n_tokens` receives the number of tokens. `add_special` adds the BOS/EOS
/// tokens the model expects; `parse_special` turns control-token text such as "<|im_start|>"
/// into those tokens (leave it false for untrusted text). Source: llama_tokenize.
/// Errors: GPT4ALL_STATUS_BUFFER_TOO_SMALL (`*n_tokens` is the capacity needed, nothing is
/// written), _INVALID_ARGUMENT (NULL, invalid UTF-8), _DISPOSED, _INVALID_GGUF (a vocabulary
/// that cannot tokenize).
#[no_mangle]
pub unsafe extern "C" fn gpt4all_tokenize(
    model: *const gpt4all_model,
    text: *const c_char,
    text_length: usize,
    add_special: bool,
    parse_special: bool,
    tokens: *mut i32,
    capacity: usize,
    n_tokens: *mut usize,
) -> Status {
    call(|| {
        let handle = MODELS.get(model)?;
        unsafe { out(n_tokens, "n_tokens")? };
        let text = unsafe { str_with_length(text, text_length, "text")? };
        let ids = handle.model.tokenize(text, add_special, parse_special)?;
        unsafe { write_items(&ids, tokens, capacity, n_tokens, "n_tokens") }
    })
}

/// Joins `n_tokens` token ids back into UTF-8 text, written with a terminating NUL to `text`
/// (room for `capacity` bytes); `*length` receives the text's length without the NUL.
/// `special` renders control tokens as their text. Invalid UTF-8 (a token sequence that ends
/// inside a character) becomes U+FFFD. Errors: GPT4ALL_STATUS_BUFFER_TOO_SMALL (the buffer
/// needs `*length + 1` bytes; nothing is written), _INVALID_ARGUMENT (NULL, a token id outside
/// the vocabulary), _DISPOSED.
#[no_mangle]
pub unsafe extern "C" fn gpt4all_detokenize(
    model: *const gpt4all_model,
    tokens: *const i32,
    n_tokens: usize,
    special: bool,
    text: *mut c_char,
    capacity: usize,
    length: *mut usize,
) -> Status {
    call(|| {
        let handle = MODELS.get(model)?;
        let tokens = unsafe { slice(tokens, n_tokens, "tokens")? };
        let detokenized = handle.model.detokenize(tokens, special)?;
        unsafe { write_text(&detokenized, text, capacity, length) }
    })
}

/// The handle's model, for contexts.
pub(crate) fn get(model: *const gpt4all_model) -> gpt4all_core::Result<Arc<Model>> {
    MODELS.get(model).map(|handle| handle.model.clone())
}
