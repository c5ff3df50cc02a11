//! Plain objects that cross the boundary. Every type that reaches JavaScript is prefixed
//! `Native`; `@gpt4all/core` wraps them in its documented public API.
use crate::chunk_batch::ChunkBatch;
use napi_derive::napi;

#[napi(object)]
pub struct NativeModelOptions {
    /// Layers to offload to the GPU; -1 means all of them.
    pub gpu_layers: Option<f64>,
    pub use_mmap: Option<bool>,
    pub vocab_only: Option<bool>,
    /// RPC workers (`host:port`) holding part of the layers.
    pub rpc_workers: Option<Vec<String>>,
    /// Shares of the layers: this machine first, then each worker.
    pub rpc_split: Option<Vec<f64>>,
    /// Milliseconds a worker may take to answer one request.
    pub rpc_timeout_ms: Option<f64>,
}

/// Which repeating layers one place holds (`gpt4all_core::LayerRange`).
#[napi(object)]
pub struct NativeLayerRange {
    /// The first layer's index (0-based), meaningful when `count` is above 0.
    pub first: u32,
    pub count: u32,
}

/// An RPC worker of a model, with the layers it holds.
#[napi(object)]
pub struct NativeRpcWorkerPlacement {
    /// `host:port`, as given.
    pub endpoint: String,
    pub layers: NativeLayerRange,
}

/// Where the layers of a model spread over RPC workers are (`gpt4all_core::RpcPlacement`).
#[napi(object)]
pub struct NativeRpcPlacement {
    /// The layers this machine holds.
    pub local: NativeLayerRange,
    pub workers: Vec<NativeRpcWorkerPlacement>,
}

/// What a model is, from its GGUF metadata and llama.cpp (`gpt4all_core::ModelInfo`).
#[napi(object)]
pub struct NativeModelInfo {
    /// `general.architecture`, such as `llama` or `bert`.
    pub architecture: String,
    /// `general.name`, if the file has one.
    pub name: Option<String>,
    /// The context length (tokens) the model was trained with.
    pub context_length: u32,
    /// Width of the embeddings (`n_embd`).
    pub embedding_length: u32,
    pub layer_count: u32,
    /// Tokens in the vocabulary.
    pub vocab_size: u32,
    /// Parameter count.
    pub parameters: f64,
    /// Bytes of all tensors.
    pub size_bytes: f64,
    /// The file type, such as `Q4_0` or `F16`: one of the contract's `FILE_TYPES`, else `unknown (<llama_ftype>)`.
    #[napi(ts_type = "import('./contract.js').FileType | `unknown (${number})`")]
    pub quantization: String,
    /// The model's own chat template (`tokenizer.chat_template`), if it has one.
    pub chat_template: Option<String>,
    /// The model has an encoder (T5-style encoder–decoder, `llama_model_has_encoder`).
    pub has_encoder: bool,
    /// The file it was loaded from.
    pub path: String,
    /// Where the layers are, for a model spread over RPC workers.
    pub rpc: Option<NativeRpcPlacement>,
}

#[napi(object)]
pub struct NativeContextOptions {
    pub context_size: Option<f64>,
    pub batch_size: Option<f64>,
    pub threads: Option<f64>,
    pub embeddings: Option<bool>,
    /// Sequences that generate at once (continuous batching); 1 when absent.
    pub parallel: Option<f64>,
    /// The KV cache's number format by llama.cpp's name (`f16`, `q8_0`, `f32`); `f16` when absent.
    #[napi(ts_type = "import('./contract.js').KvCacheType")]
    pub kv_cache_type: Option<String>,
    /// Flash attention on or off; llama.cpp decides when absent.
    pub flash_attention: Option<bool>,
}

#[napi(object)]
pub struct NativeGenerateOptions {
    /// -1: until the model ends or the context is full.
    pub max_tokens: Option<f64>,
    pub temperature: Option<f64>,
    pub top_k: Option<f64>,
    pub top_p: Option<f64>,
    pub min_p: Option<f64>,
    pub repeat_penalty: Option<f64>,
    pub repeat_last_n: Option<f64>,
    pub frequency_penalty: Option<f64>,
    pub presence_penalty: Option<f64>,
    /// 0 to 2**32 - 1; 2**32 - 1 (llama.cpp's `LLAMA_DEFAULT_SEED`) draws a random seed.
    pub seed: Option<f64>,
    pub stop: Option<Vec<String>>,
    pub special: Option<bool>,
    /// Send `chunk` events (default true). Off when nobody streams: the result has the text.
    pub stream: Option<bool>,
    /// Constrain the output to a GBNF grammar (see `gpt4all_core::Grammar`).
    pub grammar: Option<NativeGrammar>,
    /// Added to the listed tokens' logits before sampling; -Infinity bans a token.
    pub logit_bias: Option<Vec<NativeLogitBias>>,
}

/// A GBNF grammar, and for a lazy one, what triggers it (see `gpt4all_core::Grammar`).
#[napi(object)]
pub struct NativeGrammar {
    pub gbnf: String,
    /// The start rule (default `root`).
    pub root: Option<String>,
    pub trigger_patterns: Option<Vec<String>>,
    pub trigger_tokens: Option<Vec<f64>>,
}

#[napi(object)]
pub struct NativeLogitBias {
    pub token: f64,
    pub bias: f64,
}

/// A JSON schema or rule for `buildGrammar`: `name ::= <rule for schema or body>`.
#[napi(object)]
pub struct NativeGrammarPart {
    pub name: String,
    /// A JSON schema, as JSON text (for a schema part) or a GBNF rule body (for a rule part).
    pub text: String,
}

/// The outcome of a conversion to GBNF: the grammar, or the error.
#[napi(object, object_from_js = false)]
pub struct NativeGrammarResult {
    pub grammar: Option<String>,
    pub error: Option<NativeErrorInfo>,
}

#[napi(object)]
pub struct NativeGeneration {
    pub text: String,
    pub tokens: Vec<i32>,
    #[napi(ts_type = "import('./contract.js').FinishReason")]
    pub finish_reason: String,
    pub prompt_tokens: u32,
    pub cached_tokens: u32,
    pub completion_tokens: u32,
    pub prompt_ms: f64,
    pub generate_ms: f64,
}

/// An engine error as it crosses to JavaScript: the core's stable code and message, and the
/// typed details of the errors that have them (set only for those).
#[napi(object)]
pub struct NativeErrorInfo {
    #[napi(ts_type = "import('./contract.js').EngineErrorCode")]
    pub code: String,
    pub message: String,
    /// ERR_CONTEXT_OVERFLOW: the tokens the input needs.
    pub tokens: Option<u32>,
    /// ERR_CONTEXT_OVERFLOW: the tokens the context holds.
    pub context_size: Option<u32>,
    /// ERR_SCHEMA_UNSUPPORTED: the keyword that cannot be enforced.
    pub keyword: Option<String>,
    /// ERR_SCHEMA_UNSUPPORTED: where it is, as a JSON pointer (`#/properties/age`).
    pub schema_path: Option<String>,
    /// ERR_GRAMMAR_INVALID: the byte offset of the problem in the GBNF text.
    pub offset: Option<u32>,
    /// ERR_GRAMMAR_INVALID: its line, from 1.
    pub line: Option<u32>,
    /// ERR_GRAMMAR_INVALID: its column in characters, from 1.
    pub column: Option<u32>,
    /// ERR_RPC_UNAVAILABLE: the worker (`host:port`).
    pub endpoint: Option<String>,
}

/// One event of a running generation, delivered in order on the JS thread: any number of
/// `chunk`s, then exactly one `done` or `error`.
#[napi(discriminant = "kind", discriminant_case = "lowercase", object_from_js = false)]
pub enum NativeGenerateEvent {
    /// One chunk per token, several when JavaScript lagged behind.
    Chunk {
        #[napi(ts_type = "NativeChunks")]
        chunks: ChunkBatch,
    },
    Done {
        result: NativeGeneration,
    },
    Error {
        error: NativeErrorInfo,
    },
}

/// The final event of a generation: `done` with the result, or `error`.
impl From<std::result::Result<NativeGeneration, NativeErrorInfo>> for NativeGenerateEvent {
    fn from(outcome: std::result::Result<NativeGeneration, NativeErrorInfo>) -> Self {
        match outcome {
            Ok(result) => NativeGenerateEvent::Done { result },
            Err(error) => NativeGenerateEvent::Error { error },
        }
    }
}

#[napi(object)]
pub struct NativeDevice {
    pub name: String,
    pub description: String,
    #[napi(ts_type = "import('./contract.js').DeviceKind")]
    pub kind: String,
    pub backend: String,
    pub memory_total: f64,
    pub memory_free: f64,
}

/// Where the backend modules are: see `gpt4all_core::BackendConfig`.
#[napi(object)]
pub struct NativeBackendConfig {
    /// Directories searched for CPU modules, preferred first.
    pub cpu_dirs: Vec<String>,
    /// Other backend modules to load, by path.
    pub modules: Vec<String>,
    /// A CPU level to use instead of the best-scoring one.
    pub cpu_level: Option<String>,
}

/// One CPU module considered: its level, path and `ggml_backend_score()` (0: cannot run here),
/// and why it could not be opened, if it could not.
#[napi(object, object_from_js = false)]
pub struct NativeCpuLevelCandidate {
    pub name: String,
    pub path: String,
    pub score: i32,
    pub error: Option<String>,
}

/// What `loadBackends` loaded: see `gpt4all_core::BackendReport`.
#[napi(object, object_from_js = false)]
pub struct NativeBackendReport {
    pub cpu_level: String,
    pub cpu_module: String,
    pub cpu_level_forced: bool,
    pub candidates: Vec<NativeCpuLevelCandidate>,
    pub cpu_features: Vec<String>,
    pub modules: Vec<String>,
}
