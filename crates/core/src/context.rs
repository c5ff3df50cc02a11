//! An inference context: the KV cache and the record of which tokens it holds.
//!
//! The context remembers the tokens in its cache, so evaluating a new prompt reuses the longest
//! common prefix and only evaluates the rest. That is what makes the n-th turn of a chat cost
//! only its new tokens. A context holds `parallel` sequences, each with its own part of the KV
//! cache and its own record; the methods here work on sequence 0, one call at a time
//! (`&mut self`). [`crate::BatchScheduler`] decodes several sequences together.
use crate::error::{Error, Result};
use crate::kv_cache_type::KvCacheType;
use crate::model::{Model, Token};
use crate::{backend, defaults, guard};
use gpt4all_llama_sys as sys;
use std::ffi::c_void;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Options for [`Context::new`]. Zero means "choose for me" everywhere.
#[derive(Debug, Clone, Default)]
pub struct ContextParams {
    /// Tokens the context holds; 0 takes [`defaults::CONTEXT_SIZE`], capped at the model's
    /// training length.
    pub context_size: u32,
    /// Tokens evaluated per `llama_decode` call; 0 means [`defaults::BATCH_SIZE`].
    pub batch_size: u32,
    /// CPU threads; 0 uses the physical cores this process may run on.
    pub threads: u32,
    /// Produce embeddings instead of logits.
    pub embeddings: bool,
    /// Sequences the KV cache holds, each of `context_size` tokens (llama.cpp's `n_seq_max`,
    /// with a KV stream per sequence); 0 means 1. Not for embedding contexts.
    pub parallel: u32,
    /// The number format of the cached keys and values (llama.cpp's `type_k` and `type_v`).
    pub kv_cache_type: KvCacheType,
    /// Flash attention: `None` lets llama.cpp decide (on where the backend has it), `Some(false)`
    /// turns it off (llama.cpp's `flash_attn_type`). With it on, llama.cpp computes attention
    /// with float16 keys and values whatever the cache's type, so exact float32 attention (a
    /// parity check) needs `Some(false)` and an `F32` cache.
    pub flash_attention: Option<bool>,
}

/// `threads` if ggml can run that many (`GGML_MAX_N_THREADS`): a larger count, such as -1 read as
/// unsigned, would make ggml's thread pool allocation fail inside C.
pub(crate) fn check_threads(threads: u32) -> Result<u32> {
    if threads > sys::GGML_MAX_N_THREADS {
        return Err(Error::InvalidArgument {
            reason: format!("threads must be at most {} (GGML_MAX_N_THREADS), got {threads}", sys::GGML_MAX_N_THREADS),
        });
    }
    Ok(threads)
}

/// Sequences an embedding context evaluates together in one batch.
pub(crate) const EMBEDDING_SEQUENCES: u32 = 8;

/// A KV cache over a shared model.
pub struct Context {
    raw: NonNull<sys::llama_context>,
    /// A persistent CPU thread pool. Without one (and without OpenMP), ggml starts and joins
    /// its threads for every evaluated token, which dominates the cost of small models.
    threadpool: NonNull<sys::ggml_threadpool>,
    model: Arc<Model>,
    /// The tokens each sequence's part of the KV cache holds, by sequence id.
    cached: Vec<Vec<Token>>,
    context_size: u32,
    batch_size: u32,
    threads: u32,
    embeddings: bool,
}

// SAFETY: a llama_context is used by one thread at a time, which `&mut self` guarantees.
unsafe impl Send for Context {}

impl Context {
    /// Creates a context for `model`.
    pub fn new(model: Arc<Model>, params: &ContextParams) -> Result<Context> {
        if model.is_vocab_only() {
            return Err(Error::VocabOnly);
        }
        model.check_rpc()?;
        backend::init()?;
        let train = model.info().context_length.max(1);
        let context_size = match params.context_size {
            0 => train.min(defaults::CONTEXT_SIZE),
            n => n,
        };
        let mut batch_size =
            if params.batch_size == 0 { defaults::BATCH_SIZE } else { params.batch_size }.min(context_size);
        // Non-causal (encoder) models need a whole sequence in one micro-batch.
        if params.embeddings {
            batch_size = context_size;
        }
        let parallel = params.parallel.max(1);
        if parallel > 1 && params.embeddings {
            return Err(Error::InvalidArgument {
                reason: "an embedding context has one sequence (parallel must be 1)".into(),
            });
        }
        if parallel > defaults::MAX_PARALLEL {
            return Err(Error::InvalidArgument {
                reason: format!("parallel must be at most {} sequences, got {parallel}", defaults::MAX_PARALLEL),
            });
        }
        let threads = match params.threads {
            0 => default_threads(),
            n => check_threads(n)?,
        };
        let gpu_backend = crate::device::list_devices()?.iter().any(|d| d.kind != crate::device::DEVICE_KINDS[0]);
        let create = |pooling: sys::llama_pooling_type| {
            let mut p = unsafe { sys::llama_context_default_params() };
            // llama.cpp splits n_ctx evenly between the sequences' KV streams.
            p.n_ctx = context_size.saturating_mul(parallel);
            p.n_batch = batch_size;
            p.n_ubatch = batch_size.min(if params.embeddings { batch_size } else { defaults::BATCH_SIZE });
            p.n_threads = threads as i32;
            p.n_threads_batch = threads as i32;
            p.embeddings = params.embeddings;
            p.pooling_type = pooling;
            p.n_seq_max = if params.embeddings { EMBEDDING_SEQUENCES } else { parallel };
            // A KV stream per sequence, except where a GPU backend may compute: ggml-vulkan
            // corrupts the heap with several streams (seen on Mesa's lavapipe, also with no layer
            // offloaded: large batches go to the GPU). One unified cache avoids it; each sequence
            // is still held to `context_size`.
            p.kv_unified = params.embeddings || (parallel > 1 && gpu_backend);
            p.no_perf = true;
            p.type_k = params.kv_cache_type.raw();
            p.type_v = params.kv_cache_type.raw();
            p.flash_attn_type = match params.flash_attention {
                None => sys::llama_flash_attn_type_LLAMA_FLASH_ATTN_TYPE_AUTO,
                Some(true) => sys::llama_flash_attn_type_LLAMA_FLASH_ATTN_TYPE_ENABLED,
                Some(false) => sys::llama_flash_attn_type_LLAMA_FLASH_ATTN_TYPE_DISABLED,
            };
            let ((raw, assertion), lines) = crate::log::capture(|| {
                guard::call(|message, size| unsafe {
                    sys::gpt4all_init_from_model_guarded(model.raw(), p, message, size)
                })
            });
            NonNull::new(raw).ok_or_else(|| match assertion {
                // Context creation builds a first graph from the hyperparameters.
                Some(assertion) => guard::rejected(model.path(), model.gguf(), &assertion),
                None => Error::ContextCreate {
                    reason: lines
                        .last()
                        .cloned()
                        .unwrap_or_else(|| "not enough memory for the requested context size?".into()),
                },
            })
        };
        // An RPC worker that failed while the KV cache or the first graph was set up on it is the
        // cause of whatever creation then reports.
        let create =
            |pooling| model.with_workers(|| create(pooling)).map_err(|error| model.check_rpc().err().unwrap_or(error));
        let mut raw = create(sys::llama_pooling_type_LLAMA_POOLING_TYPE_UNSPECIFIED)?;
        // Generative models have no pooling of their own; embeddings from them are mean-pooled.
        if params.embeddings
            && unsafe { sys::llama_pooling_type(raw.as_ptr()) } == sys::llama_pooling_type_LLAMA_POOLING_TYPE_NONE
        {
            model.with_workers(|| unsafe { sys::llama_free(raw.as_ptr()) });
            raw = create(sys::llama_pooling_type_LLAMA_POOLING_TYPE_MEAN)?;
        }
        let pool_api = match backend::cpu_threadpool_api() {
            Ok(api) => api,
            Err(error) => {
                model.with_workers(|| unsafe { sys::llama_free(raw.as_ptr()) });
                return Err(error);
            }
        };
        let mut pool_params = unsafe { sys::ggml_threadpool_params_default(threads as i32) };
        let Some(threadpool) = NonNull::new(unsafe { (pool_api.new)(&mut pool_params) }) else {
            model.with_workers(|| unsafe { sys::llama_free(raw.as_ptr()) });
            return Err(Error::ContextCreate { reason: "could not start the CPU thread pool".into() });
        };
        unsafe { sys::llama_attach_threadpool(raw.as_ptr(), threadpool.as_ptr(), threadpool.as_ptr()) };
        let context = Context {
            raw,
            threadpool,
            model,
            cached: vec![Vec::new(); parallel as usize],
            context_size,
            batch_size,
            threads,
            embeddings: params.embeddings,
        };
        // The KV cache of layers on RPC workers is allocated there.
        context.model.check_rpc()?;
        Ok(context)
    }

    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    pub fn context_size(&self) -> u32 {
        self.context_size
    }

    pub fn batch_size(&self) -> u32 {
        self.batch_size
    }

    pub fn threads(&self) -> u32 {
        self.threads
    }

    pub fn is_embedding(&self) -> bool {
        self.embeddings
    }

    /// Sequences the KV cache holds (`parallel`).
    pub fn parallel(&self) -> u32 {
        self.cached.len() as u32
    }

    /// The tokens the KV cache holds for sequence 0, in order.
    pub fn cached_tokens(&self) -> &[Token] {
        &self.cached[0]
    }

    /// The tokens the KV cache holds for sequence `seq`, in order.
    pub(crate) fn sequence_tokens(&self, seq: usize) -> &[Token] {
        &self.cached[seq]
    }

    /// Empties the KV cache, every sequence.
    pub fn clear(&mut self) {
        let memory = self.memory();
        self.model.with_workers(|| unsafe { sys::llama_memory_clear(memory, true) });
        self.cached.iter_mut().for_each(Vec::clear);
    }

    /// Keeps the first `n` cached tokens of sequence 0 and drops the rest.
    pub fn truncate(&mut self, n: usize) {
        self.truncate_sequence(0, n);
    }

    /// Keeps the first `n` cached tokens of sequence `seq` and drops the rest.
    pub(crate) fn truncate_sequence(&mut self, seq: usize, n: usize) {
        if n >= self.cached[seq].len() {
            return;
        }
        // Recurrent models cannot drop a suffix; the sequence starts over instead.
        if unsafe { sys::llama_memory_seq_rm(self.memory(), seq as i32, n as i32, -1) } {
            self.cached[seq].truncate(n);
        } else {
            unsafe { sys::llama_memory_seq_rm(self.memory(), seq as i32, -1, -1) };
            self.cached[seq].clear();
        }
    }

    /// Brings the cache to hold exactly `tokens`, evaluating only what is not cached yet, and
    /// leaves the logits of the last token ready for sampling. Returns how many tokens were reused.
    pub fn eval_prompt(&mut self, tokens: &[Token], abort: &AtomicBool) -> Result<usize> {
        if tokens.is_empty() {
            return Err(Error::InvalidArgument { reason: "the prompt is empty".into() });
        }
        if tokens.len() > self.context_size as usize {
            return Err(Error::ContextOverflow { tokens: tokens.len(), context_size: self.context_size as usize });
        }
        self.model.check_tokens(tokens)?;
        let common = common_prefix(&self.cached[0], tokens);
        // At least the last token is evaluated again: its logits are what the sampler needs.
        let reused = common.min(tokens.len() - 1);
        self.truncate(reused);
        for chunk in tokens[reused..].chunks(self.batch_size as usize) {
            self.decode(chunk, abort)?;
        }
        Ok(reused)
    }

    /// [`Context::eval_prompt`], then the logits it left for the last token: the model's raw
    /// next-token scores, one per vocabulary entry (`llama_get_logits_ith(ctx, -1)`, before any
    /// sampler). For parity checks against other implementations and for scoring text.
    pub fn eval_logits(&mut self, tokens: &[Token], abort: &AtomicBool) -> Result<Vec<f32>> {
        self.eval_prompt(tokens, abort)?;
        let n_vocab = self.model.info().vocab_size as usize;
        let logits = unsafe { sys::llama_get_logits_ith(self.raw.as_ptr(), -1) };
        if logits.is_null() {
            return Err(Error::Internal { reason: "llama.cpp kept no logits for the last token".into() });
        }
        Ok(unsafe { std::slice::from_raw_parts(logits, n_vocab) }.to_vec())
    }

    /// Evaluates `tokens` after what the cache holds.
    pub(crate) fn decode(&mut self, tokens: &[Token], abort: &AtomicBool) -> Result<()> {
        if abort.load(Ordering::Relaxed) {
            return Err(Error::Aborted);
        }
        self.model.check_rpc()?;
        if self.cached[0].len() + tokens.len() > self.context_size as usize {
            return Err(Error::ContextOverflow {
                tokens: self.cached[0].len() + tokens.len(),
                context_size: self.context_size as usize,
            });
        }
        let status = self.model.compute_on_workers(self.raw, || {
            with_abort(self.raw, abort, || unsafe {
                let batch = sys::llama_batch_get_one(tokens.as_ptr() as *mut Token, tokens.len() as i32);
                sys::llama_decode(self.raw.as_ptr(), batch)
            })
        });
        // A worker that failed mid-decode was answered with stand-in data: nothing of it is kept.
        let rpc = self.model.check_rpc();
        if status == 0 && rpc.is_ok() {
            self.cached[0].extend_from_slice(tokens);
            return Ok(());
        }
        // Aborted or failed half-way: drop whatever part of the batch reached the cache, so the
        // cache again holds exactly `self.cached`.
        unsafe { sys::llama_memory_seq_rm(self.memory(), 0, self.cached[0].len() as i32, -1) };
        rpc?;
        if status == 2 || abort.load(Ordering::Relaxed) {
            Err(Error::Aborted)
        } else {
            Err(Error::Decode { status })
        }
    }

    /// Evaluates the tokens of several sequences in one `llama_decode`, each part after what its
    /// sequence holds, and returns, for each part that asked for them, the batch position of its
    /// last token's logits (for `llama_get_logits_ith`). `stop` is asked between graph nodes;
    /// when it says yes the decode ends with [`Error::Aborted`]. On failure no part is kept.
    pub(crate) fn decode_batch(&mut self, parts: &[BatchPart], stop: &dyn Fn() -> bool) -> Result<Vec<Option<i32>>> {
        let total: usize = parts.iter().map(|p| p.tokens.len()).sum();
        let mut batch = Batch::new(total);
        let mut logits_at = Vec::with_capacity(parts.len());
        for part in parts {
            let start = self.cached[part.seq].len();
            if start + part.tokens.len() > self.context_size as usize {
                return Err(Error::ContextOverflow {
                    tokens: start + part.tokens.len(),
                    context_size: self.context_size as usize,
                });
            }
            for (i, &token) in part.tokens.iter().enumerate() {
                let last = i + 1 == part.tokens.len();
                batch.push(token, (start + i) as i32, part.seq as i32, last && part.logits);
            }
            logits_at.push(part.logits.then(|| batch.len() as i32 - 1));
        }
        self.model.check_rpc()?;
        let status = self.model.compute_on_workers(self.raw, || {
            with_stop(self.raw, stop, || unsafe { sys::llama_decode(self.raw.as_ptr(), batch.raw) })
        });
        let rpc = self.model.check_rpc();
        if status == 0 && rpc.is_ok() {
            for part in parts {
                self.cached[part.seq].extend_from_slice(part.tokens);
            }
            return Ok(logits_at);
        }
        for part in parts {
            let kept = self.cached[part.seq].len() as i32;
            unsafe { sys::llama_memory_seq_rm(self.memory(), part.seq as i32, kept, -1) };
        }
        rpc?;
        if status == 2 || stop() {
            Err(Error::Aborted)
        } else {
            Err(Error::Decode { status })
        }
    }

    pub(crate) fn raw(&self) -> *mut sys::llama_context {
        self.raw.as_ptr()
    }

    fn memory(&self) -> sys::llama_memory_t {
        unsafe { sys::llama_get_memory(self.raw.as_ptr()) }
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        let raw = self.raw;
        self.model.with_workers(|| unsafe { sys::llama_free(raw.as_ptr()) });
        unsafe {
            // Set whenever a context exists: creating one looked it up.
            if let Ok(api) = backend::cpu_threadpool_api() {
                (api.free)(self.threadpool.as_ptr());
            }
        }
    }
}

/// The tokens one sequence adds to a batch, and whether its last token's logits are wanted.
pub(crate) struct BatchPart<'a> {
    pub seq: usize,
    pub tokens: &'a [Token],
    pub logits: bool,
}

/// A `llama_batch` of its own (`llama_batch_init`), freed on drop.
struct Batch {
    raw: sys::llama_batch,
}

impl Batch {
    fn new(capacity: usize) -> Batch {
        let mut raw = unsafe { sys::llama_batch_init(capacity.max(1) as i32, 0, 1) };
        raw.n_tokens = 0;
        Batch { raw }
    }

    fn len(&self) -> usize {
        self.raw.n_tokens as usize
    }

    fn push(&mut self, token: Token, pos: i32, seq: i32, logits: bool) {
        let i = self.raw.n_tokens as usize;
        unsafe {
            *self.raw.token.add(i) = token;
            *self.raw.pos.add(i) = pos;
            *self.raw.n_seq_id.add(i) = 1;
            **self.raw.seq_id.add(i) = seq;
            *self.raw.logits.add(i) = logits as i8;
        }
        self.raw.n_tokens += 1;
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        unsafe { sys::llama_batch_free(self.raw) };
    }
}

/// How many leading tokens `a` and `b` share.
pub(crate) fn common_prefix(a: &[Token], b: &[Token]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

unsafe extern "C" fn on_stop_check(data: *mut c_void) -> bool {
    let stop = unsafe { &*(data as *const &dyn Fn() -> bool) };
    stop()
}

/// Runs `f` with ggml asking `stop` between graph nodes, so a long prompt stops within one batch.
fn with_stop<T>(raw: NonNull<sys::llama_context>, stop: &dyn Fn() -> bool, f: impl FnOnce() -> T) -> T {
    let stop: *const &dyn Fn() -> bool = &stop;
    unsafe { sys::llama_set_abort_callback(raw.as_ptr(), Some(on_stop_check), stop as *mut c_void) };
    let result = f();
    unsafe { sys::llama_set_abort_callback(raw.as_ptr(), None, std::ptr::null_mut()) };
    result
}

/// Runs `f` with ggml checking `abort` between graph nodes, so a long prompt stops within one batch.
pub(crate) fn with_abort<T>(raw: NonNull<sys::llama_context>, abort: &AtomicBool, f: impl FnOnce() -> T) -> T {
    with_stop(raw, &|| abort.load(Ordering::Relaxed), f)
}

/// Physical cores, within what this process may use (affinity, cgroup quota). Like llama.cpp's
/// own default: a second hardware thread on a core adds no arithmetic units, and ggml's threads
/// wait for each other at every step, so hyper-threads slow decoding down.
fn default_threads() -> u32 {
    let allowed = std::thread::available_parallelism().map_or(4, |n| n.get());
    num_cpus::get_physical().clamp(1, allowed) as u32
}
