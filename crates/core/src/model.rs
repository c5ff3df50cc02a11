//! A loaded model: weights, vocabulary and metadata. Shared across threads with `Arc`.
use crate::error::{Error, Result};
use crate::file_type::FileType;
use crate::gguf::{GgufFile, MetadataValue};
use crate::rpc::{self, LayerRange};
use crate::{backend, defaults, guard, log};
use gpt4all_llama_sys as sys;
use std::ffi::{c_void, CString};
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::OnceLock;
use std::time::Duration;

/// Token id in the model's vocabulary.
pub type Token = i32;

/// How many layers go to the GPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpuLayers {
    /// Every layer that exists.
    All,
    /// At most this many (0 keeps everything on the CPU).
    Count(u32),
}

/// Options for [`Model::load`].
#[derive(Debug, Clone)]
pub struct ModelParams {
    pub gpu_layers: GpuLayers,
    /// Memory-map the file (the default): loading is fast and pages are shared between processes.
    pub use_mmap: bool,
    /// Load only the vocabulary, for tokenizing without weights.
    pub vocab_only: bool,
    /// RPC workers (`host:port`, see [`crate::serve_worker`]) that hold part of the layers;
    /// empty: this machine holds them all.
    pub rpc_workers: Vec<String>,
    /// With `rpc_workers`: the share of the layers for this machine, then for each worker (one
    /// weight each, non-negative, not all 0). `None`: by free memory, as llama.cpp splits
    /// between GPUs (`llama_model_params.tensor_split`).
    pub rpc_split: Option<Vec<f32>>,
    /// With `rpc_workers`: how long a worker may take to answer one request before the model
    /// fails with [`Error::RpcUnavailable`].
    pub rpc_timeout: Duration,
}

impl Default for ModelParams {
    fn default() -> Self {
        ModelParams {
            gpu_layers: GpuLayers::Count(0),
            use_mmap: true,
            vocab_only: false,
            rpc_workers: Vec::new(),
            rpc_split: None,
            rpc_timeout: Duration::from_millis(defaults::RPC_TIMEOUT_MS.into()),
        }
    }
}

/// Where the layers of a model spread over RPC workers are.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcPlacement {
    /// The layers this machine holds.
    pub local: LayerRange,
    /// Each worker (`host:port`, as given) with the layers it holds, in the order given.
    pub workers: Vec<(String, LayerRange)>,
}

/// What a model is, read from its metadata and from llama.cpp.
#[derive(Debug, Clone)]
pub struct ModelInfo {
    pub architecture: String,
    pub name: Option<String>,
    pub context_length: u32,
    pub embedding_length: u32,
    pub layer_count: u32,
    pub vocab_size: u32,
    pub parameters: u64,
    pub size_bytes: u64,
    pub quantization: String,
    pub chat_template: Option<String>,
    pub has_encoder: bool,
}

/// A loaded model. Read-only after loading, so it is shared between contexts and threads.
pub struct Model {
    raw: NonNull<sys::llama_model>,
    vocab: NonNull<sys::llama_vocab>,
    gguf: GgufFile,
    info: ModelInfo,
    path: PathBuf,
    vocab_only: bool,
    /// Whether the tokenizer puts a space in front of the text (SentencePiece does).
    adds_space_prefix: bool,
    /// Control tokens with their text, listed on first use.
    control_tokens: OnceLock<Vec<(Token, String)>>,
    /// The RPC workers holding part of the layers, and where the layers are.
    rpc: Vec<rpc::Attached>,
    placement: Option<RpcPlacement>,
}

/// Token attributes that llama.cpp's tokenizer matches as whole tokens in the text
/// (`cache_special_tokens` in llama-vocab.cpp); a SentencePiece tokenizer puts a space in front
/// of the text that follows one.
const MATCHED_AS_TOKEN: sys::llama_token_attr = sys::llama_token_attr_LLAMA_TOKEN_ATTR_CONTROL
    | sys::llama_token_attr_LLAMA_TOKEN_ATTR_USER_DEFINED
    | sys::llama_token_attr_LLAMA_TOKEN_ATTR_UNKNOWN;

/// Token attributes whose text becomes a token only when special text is parsed
/// (`parse_special`), and which render as nothing unless special rendering is asked for.
const CONTROL: sys::llama_token_attr =
    sys::llama_token_attr_LLAMA_TOKEN_ATTR_CONTROL | sys::llama_token_attr_LLAMA_TOKEN_ATTR_UNKNOWN;

// SAFETY: llama.cpp only reads a model after loading; concurrent reads from contexts on other
// threads are how llama.cpp itself serves parallel requests.
unsafe impl Send for Model {}
unsafe impl Sync for Model {}

struct ProgressState<'a> {
    callback: Option<&'a mut dyn FnMut(f32) -> bool>,
    cancelled: bool,
}

unsafe extern "C" fn on_progress(progress: f32, user: *mut c_void) -> bool {
    let state = unsafe { &mut *(user as *mut ProgressState) };
    let go_on = state.callback.as_mut().is_none_or(|cb| cb(progress));
    state.cancelled |= !go_on;
    go_on
}

impl Model {
    /// Validates and loads a GGUF file. `progress` is called with values from 0 to 1 and
    /// cancels the load by returning `false` (the result is then [`Error::Aborted`]).
    pub fn load(path: &Path, params: &ModelParams, progress: Option<&mut dyn FnMut(f32) -> bool>) -> Result<Model> {
        let gguf = GgufFile::open(path)?;
        if gguf.tensors.is_empty() && !params.vocab_only {
            return Err(Error::VocabOnly);
        }
        backend::init()?;
        let c_path = CString::new(path.as_os_str().as_encoded_bytes())
            .map_err(|_| Error::ModelNotFound { path: path.into(), reason: "path contains a NUL byte".into() })?;
        let mut state = ProgressState { callback: progress, cancelled: false };
        let mut raw_params = unsafe { sys::llama_model_default_params() };
        raw_params.n_gpu_layers = match params.gpu_layers {
            GpuLayers::All => -1,
            GpuLayers::Count(n) => n.min(i32::MAX as u32) as i32,
        };
        raw_params.load_mode = if params.use_mmap {
            sys::llama_load_mode_LLAMA_LOAD_MODE_MMAP
        } else {
            sys::llama_load_mode_LLAMA_LOAD_MODE_NONE
        };
        raw_params.vocab_only = params.vocab_only;
        raw_params.progress_callback = Some(on_progress);
        raw_params.progress_callback_user_data = &mut state as *mut ProgressState as *mut c_void;

        // Spread over RPC workers: the devices and split llama.cpp gets, kept alive over the load.
        let mut attached = Vec::new();
        let mut placement = None;
        let (mut devices, mut tensor_split) = (Vec::new(), Vec::new());
        if params.rpc_split.is_some() && params.rpc_workers.is_empty() {
            return Err(Error::InvalidArgument {
                reason: "rpcSplit shares layers with RPC workers: give rpcWorkers too".into(),
            });
        }
        if !params.rpc_workers.is_empty() && !params.vocab_only {
            let split = params.rpc_split.as_ref().map(|s| rpc::check_split(s, params.rpc_workers.len())).transpose()?;
            attached = rpc::attach(&params.rpc_workers, params.rpc_timeout)?;
            let n_layer = gguf
                .architecture()
                .and_then(|arch| gguf.get(&format!("{arch}.block_count")))
                .and_then(MetadataValue::as_u64)
                .unwrap_or(0) as u32;
            let local_gpus = if params.gpu_layers == GpuLayers::Count(0) { Vec::new() } else { rpc::local_gpus() };
            let worker_devices: Vec<_> = attached.iter().map(|a| a.devices.clone()).collect();
            let shares = split.unwrap_or_else(|| rpc::shares_by_memory(&local_gpus, &worker_devices));
            let plan = rpc::plan(n_layer, &shares, &local_gpus, &worker_devices);
            devices = plan.devices;
            devices.push(std::ptr::null_mut());
            // llama.cpp reads `llama_max_devices()` entries.
            tensor_split = vec![0f32; unsafe { sys::llama_max_devices() }.max(plan.tensor_split.len())];
            tensor_split[..plan.tensor_split.len()].copy_from_slice(&plan.tensor_split);
            raw_params.devices = devices.as_mut_ptr();
            raw_params.tensor_split = tensor_split.as_ptr();
            raw_params.n_gpu_layers = plan.gpu_layers;
            raw_params.split_mode = sys::llama_split_mode_LLAMA_SPLIT_MODE_LAYER;
            placement = Some(RpcPlacement {
                local: plan.local,
                workers: attached.iter().map(|a| a.endpoint().to_string()).zip(plan.workers).collect(),
            });
        }

        let ((raw, assertion), log_lines) = log::capture(|| {
            guard::call(|message, size| unsafe {
                sys::gpt4all_model_load_guarded(c_path.as_ptr(), raw_params, message, size)
            })
        });
        drop((devices, tensor_split));
        for a in &mut attached {
            a.pin_connection();
        }
        // A worker that failed during the load explains the failure (or the stand-in data).
        if let Some(error) = attached.iter().find_map(|a| a.check().err()) {
            if let Some(raw) = NonNull::new(raw) {
                unsafe { sys::llama_model_free(raw.as_ptr()) };
            }
            return Err(error);
        }
        let Some(raw) = NonNull::new(raw) else {
            if state.cancelled {
                return Err(Error::Aborted);
            }
            return Err(load_error(path, &gguf, assertion.as_deref(), &log_lines));
        };
        let vocab = NonNull::new(unsafe { sys::llama_model_get_vocab(raw.as_ptr()) } as *mut sys::llama_vocab)
            .expect("llama.cpp returned a model without a vocabulary");
        let info = read_info(raw, vocab, &gguf);
        let mut model = Model {
            raw,
            vocab,
            gguf,
            info,
            path: path.into(),
            vocab_only: params.vocab_only,
            adds_space_prefix: false,
            control_tokens: OnceLock::new(),
            rpc: attached,
            placement,
        };
        // llama.cpp keeps this flag private; the tokenizer's behaviour shows it.
        model.adds_space_prefix = match model.tokenize("a", false, false)?.first() {
            Some(&first) => model.piece(first, false, false).first() == Some(&b' '),
            None => false,
        };
        Ok(model)
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// Where the layers are, for a model spread over RPC workers; `None` for a local model.
    pub fn rpc_placement(&self) -> Option<&RpcPlacement> {
        self.placement.as_ref()
    }

    /// [`Error::RpcUnavailable`] once a worker holding part of the layers has failed: the model
    /// cannot compute any more. `Ok` for a local model. Contexts check it around each decode.
    pub fn check_rpc(&self) -> Result<()> {
        self.rpc.iter().try_for_each(|a| a.check())
    }

    /// Runs `f`, a call that talks to this model's RPC workers (a graph computation, creating or
    /// freeing a context, clearing its KV cache), with those workers to itself (see
    /// [`rpc::Attached::compute_turn`]); as is for a local model. Turns are taken in endpoint
    /// order, so that models sharing workers cannot wait for each other in a circle.
    pub(crate) fn with_workers<T>(&self, f: impl FnOnce() -> T) -> T {
        if self.rpc.is_empty() {
            return f();
        }
        let mut workers: Vec<&rpc::Attached> = self.rpc.iter().collect();
        workers.sort_by(|a, b| a.endpoint().cmp(b.endpoint()));
        let _turns: Vec<_> = workers.iter().map(|w| w.compute_turn()).collect();
        f()
    }

    /// Runs `compute`, one graph computation of a context of this model (`llama_decode` or
    /// `llama_encode` on `raw`), as [`Model::with_workers`] does, until it has finished.
    pub(crate) fn compute_on_workers<T>(&self, raw: NonNull<sys::llama_context>, compute: impl FnOnce() -> T) -> T {
        self.with_workers(|| {
            let result = compute();
            if !self.rpc.is_empty() {
                // llama_decode leaves the graph running (ggml-rpc queues it): the turn ends with it.
                unsafe { sys::llama_synchronize(raw.as_ptr()) };
            }
            result
        })
    }

    /// Every GGUF key/value of the file, typed.
    pub fn metadata(&self) -> &[(String, MetadataValue)] {
        &self.gguf.metadata
    }

    pub(crate) fn gguf(&self) -> &GgufFile {
        &self.gguf
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_vocab_only(&self) -> bool {
        self.vocab_only
    }

    pub(crate) fn raw(&self) -> *mut sys::llama_model {
        self.raw.as_ptr()
    }

    pub(crate) fn vocab(&self) -> *const sys::llama_vocab {
        self.vocab.as_ptr()
    }

    /// Splits text into tokens. `add_special` adds the BOS/EOS tokens the model expects;
    /// `parse_special` turns special-token text such as `<|im_start|>` into those tokens
    /// (leave it off for untrusted text, so it cannot inject control tokens).
    pub fn tokenize(&self, text: &str, add_special: bool, parse_special: bool) -> Result<Vec<Token>> {
        let len = i32::try_from(text.len())
            .map_err(|_| Error::InvalidArgument { reason: "text is larger than 2 GiB".into() })?;
        let tokenize = |buf: &mut [Token]| {
            let (n, assertion) = guard::call(|message, size| unsafe {
                sys::gpt4all_tokenize_guarded(
                    self.vocab(),
                    text.as_ptr() as *const _,
                    len,
                    buf.as_mut_ptr(),
                    buf.len() as i32,
                    add_special,
                    parse_special,
                    message,
                    size,
                )
            });
            match assertion {
                // A vocabulary that loaded but cannot tokenize (a byte token missing, no tokenizer).
                Some(assertion) => Err(Error::InvalidGguf {
                    path: self.path.clone(),
                    reason: format!("the vocabulary cannot tokenize this text ({})", guard::describe(&assertion)),
                }),
                None => Ok(n),
            }
        };
        let mut tokens = vec![0; text.len() / 2 + 8];
        let mut n = tokenize(&mut tokens)?;
        if n < 0 {
            if n == i32::MIN {
                return Err(Error::InvalidArgument { reason: "tokenization overflowed".into() });
            }
            tokens.resize((-n) as usize, 0);
            n = tokenize(&mut tokens)?;
        }
        tokens.truncate(n.max(0) as usize);
        Ok(tokens)
    }

    /// Joins tokens back into text. `special` renders control tokens as their text.
    ///
    /// Unlike `llama_detokenize`, this skips the tokenizer's space clean-up (which turns " ?"
    /// into "?"), so for lossless tokenizers `detokenize(tokenize(text)) == text`, also with
    /// control tokens anywhere in it. Only the space that SentencePiece tokenizers add in front
    /// of each run of text is removed again: at the start, and, for SentencePiece and Unigram
    /// tokenizers, after every token that the tokenizer matched as a whole (llama-vocab.cpp
    /// prefixes the text after such a token too).
    pub fn detokenize(&self, tokens: &[Token], special: bool) -> Result<String> {
        self.check_tokens(tokens)?;
        let mut bytes = Vec::with_capacity(tokens.len() * 4);
        // Only SentencePiece (SPM) and Unigram (UGM) tokenizers prefix each run of text.
        let vocab_type = unsafe { sys::llama_vocab_type(self.vocab()) };
        let per_run = vocab_type == sys::llama_vocab_type_LLAMA_VOCAB_TYPE_SPM
            || vocab_type == sys::llama_vocab_type_LLAMA_VOCAB_TYPE_UGM;
        let mut run_starts = true;
        for &token in tokens {
            let lstrip = run_starts && self.adds_space_prefix;
            bytes.extend_from_slice(&self.piece(token, lstrip, special));
            run_starts = per_run && self.attributes(token) & MATCHED_AS_TOKEN != 0;
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Control tokens (`<s>`, `<|im_start|>`, ...) with their text: the tokens that text
    /// produces only when special text is parsed, and that render as nothing unless asked.
    /// Ids are in vocabulary order.
    pub fn control_tokens(&self) -> &[(Token, String)] {
        self.control_tokens.get_or_init(|| {
            (0..self.info.vocab_size as Token)
                .filter(|&id| self.attributes(id) & CONTROL != 0)
                .map(|id| (id, String::from_utf8_lossy(&self.piece(id, false, true)).into_owned()))
                .filter(|(_, text)| !text.is_empty())
                .collect()
        })
    }

    /// The text of `token` when it is a control token that `special: false` renders as
    /// nothing, so that stop strings can still match it.
    pub(crate) fn hidden_control_text(&self, token: Token, special: bool) -> Option<String> {
        if special || self.attributes(token) & CONTROL == 0 {
            return None;
        }
        let text = self.piece(token, false, true);
        (!text.is_empty()).then(|| String::from_utf8_lossy(&text).into_owned())
    }

    fn attributes(&self, token: Token) -> sys::llama_token_attr {
        unsafe { sys::llama_vocab_get_attr(self.vocab(), token) }
    }

    /// The raw bytes of one token's text (may be part of a multi-byte character).
    pub fn token_bytes(&self, token: Token, special: bool) -> Vec<u8> {
        self.piece(token, false, special)
    }

    /// One token's text, skipping a leading space when `lstrip` is set.
    fn piece(&self, token: Token, lstrip: bool, special: bool) -> Vec<u8> {
        let mut buf = vec![0u8; 64];
        // A vocabulary that cannot render a token (its tokenizer type is broken) renders nothing.
        let piece = |buf: &mut [u8]| {
            let (n, assertion) = guard::call(|message, size| unsafe {
                sys::gpt4all_token_to_piece_guarded(
                    self.vocab(),
                    token,
                    buf.as_mut_ptr() as *mut _,
                    buf.len() as i32,
                    lstrip as i32,
                    special,
                    message,
                    size,
                )
            });
            if assertion.is_some() {
                0
            } else {
                n
            }
        };
        let mut n = piece(&mut buf);
        if n < 0 {
            buf.resize((-n) as usize, 0);
            n = piece(&mut buf);
        }
        buf.truncate(n.max(0) as usize);
        buf
    }

    /// Whether the token ends generation (EOS, EOT and the like).
    pub fn is_end_of_generation(&self, token: Token) -> bool {
        unsafe { sys::llama_vocab_is_eog(self.vocab(), token) }
    }

    /// Rejects token ids outside the vocabulary, which llama.cpp would index out of bounds.
    pub fn check_tokens(&self, tokens: &[Token]) -> Result<()> {
        let n_vocab = self.info.vocab_size as i32;
        match tokens.iter().find(|&&t| t < 0 || t >= n_vocab) {
            Some(t) => {
                Err(Error::InvalidArgument { reason: format!("token {t} is outside the vocabulary of {n_vocab}") })
            }
            None => Ok(()),
        }
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        let raw = self.raw;
        self.with_workers(|| unsafe { sys::llama_model_free(raw.as_ptr()) })
    }
}

/// Turns a failed load into a typed error, with the most specific reason llama.cpp gave.
///
/// llama.cpp logs the exception that stopped its loader ("error loading model: …") and then a
/// generic "failed to load model"; the first is the cause. A fatal assertion that the guard
/// caught means a metadata value that llama.cpp cannot work with: the file is invalid.
fn load_error(path: &Path, gguf: &GgufFile, assertion: Option<&str>, log_lines: &[String]) -> Error {
    let architecture = || gguf.architecture().unwrap_or("").to_string();
    if let Some(assertion) = assertion {
        return guard::rejected(path, gguf, assertion);
    }
    for line in log_lines {
        if line.contains("unknown model architecture") {
            return Error::UnsupportedArchitecture { architecture: architecture(), known: false };
        }
        if line.contains("unsupported model architecture") {
            return Error::UnsupportedArchitecture { architecture: architecture(), known: true };
        }
    }
    const CAUSE: &str = "error loading model: ";
    let reason = log_lines
        .iter()
        .find_map(|line| line.find(CAUSE).map(|at| line[at + CAUSE.len()..].to_string()))
        .or_else(|| log_lines.iter().find(|line| !line.contains("failed to load model")).cloned())
        .or_else(|| log_lines.first().cloned())
        .unwrap_or_else(|| "llama.cpp gave no reason".into());
    Error::ModelLoad { reason }
}

fn read_info(raw: NonNull<sys::llama_model>, vocab: NonNull<sys::llama_vocab>, gguf: &GgufFile) -> ModelInfo {
    let m = raw.as_ptr();
    let template = unsafe { sys::llama_model_chat_template(m, std::ptr::null()) };
    let chat_template =
        (!template.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(template) }.to_string_lossy().into_owned());
    let ftype = unsafe { sys::llama_model_ftype(m) };
    ModelInfo {
        architecture: gguf.architecture().unwrap_or_default().to_string(),
        name: gguf.get("general.name").and_then(MetadataValue::as_str).map(str::to_string),
        context_length: unsafe { sys::llama_model_n_ctx_train(m) }.max(0) as u32,
        embedding_length: unsafe { sys::llama_model_n_embd(m) }.max(0) as u32,
        layer_count: unsafe { sys::llama_model_n_layer(m) }.max(0) as u32,
        vocab_size: unsafe { sys::llama_vocab_n_tokens(vocab.as_ptr()) }.max(0) as u32,
        parameters: unsafe { sys::llama_model_n_params(m) },
        size_bytes: unsafe { sys::llama_model_size(m) },
        // LLAMA_FTYPE_GUESSED marks a type llama.cpp's converter inferred from the tensors (MPT
        // conversions write it): the type is still the low bits.
        quantization: FileType::from_raw(ftype & !sys::llama_ftype_LLAMA_FTYPE_GUESSED)
            .map_or_else(|| format!("unknown ({ftype})"), |t| t.name().to_string()),
        chat_template,
        has_encoder: unsafe { sys::llama_model_has_encoder(m) },
    }
}
