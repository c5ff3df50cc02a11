//! The core's contract as data: stable codes, names and defaults. `scripts/generate-contract.mjs`
//! writes it into `packages/core/src/native/contract.ts` at build time, so that TypeScript never
//! repeats a value the Rust core defines.
use gpt4all_core::{defaults, FileType, FinishReason, KvCacheType, LogLevel, Status, DEVICE_KINDS};
use napi_derive::napi;

/// One status of `gpt4all_core::Status`: its C ABI number and its string code.
#[napi(object, object_from_js = false)]
pub struct NativeStatus {
    pub number: i32,
    pub code: String,
    /// The status says a model file could not be loaded (`Status::is_model_load`).
    pub model_load: bool,
}

/// `gpt4all_core::defaults`: what an option left out means.
#[napi(object, object_from_js = false)]
pub struct NativeDefaults {
    pub context_size: u32,
    pub batch_size: u32,
    pub max_tokens: u32,
    pub temperature: f64,
    pub top_k: i32,
    pub top_p: f64,
    pub min_p: f64,
    pub repeat_penalty: f64,
    pub repeat_last_n: i32,
    pub frequency_penalty: f64,
    pub presence_penalty: f64,
    /// Sequences of a model's shared context (the chat package's pool).
    pub parallel: u32,
    pub max_parallel: u32,
    /// Calls that may wait for a free sequence.
    pub max_waiting: u32,
    /// Where an RPC worker listens when not told.
    pub rpc_worker_host: String,
    pub rpc_worker_port: u32,
    /// Milliseconds an RPC worker may take to answer one request.
    pub rpc_timeout_ms: u32,
}

#[napi(object, object_from_js = false)]
pub struct NativeContract {
    /// Every status, in number order (`OK` first).
    pub statuses: Vec<NativeStatus>,
    /// `FinishReason` names, in number order.
    pub finish_reasons: Vec<String>,
    /// `FileType` names: what models report and `quantize` accepts.
    pub file_types: Vec<String>,
    /// `KvCacheType` names: the number formats a KV cache can store.
    pub kv_cache_types: Vec<String>,
    pub device_kinds: Vec<String>,
    /// `LogLevel` names, least severe first.
    pub log_levels: Vec<String>,
    pub defaults: NativeDefaults,
}

/// The core's contract, for the code generator.
#[napi]
pub fn contract() -> NativeContract {
    let names = |items: &mut dyn Iterator<Item = &'static str>| items.map(str::to_string).collect();
    NativeContract {
        statuses: Status::all()
            .iter()
            .map(|s| NativeStatus { number: *s as i32, code: s.code().to_string(), model_load: s.is_model_load() })
            .collect(),
        finish_reasons: names(&mut FinishReason::all().iter().map(|r| r.as_str())),
        file_types: names(&mut FileType::names()),
        kv_cache_types: names(&mut KvCacheType::names()),
        device_kinds: names(&mut DEVICE_KINDS.into_iter()),
        log_levels: names(&mut LogLevel::all().iter().map(|l| l.as_str())),
        defaults: NativeDefaults {
            context_size: defaults::CONTEXT_SIZE,
            batch_size: defaults::BATCH_SIZE,
            max_tokens: defaults::MAX_TOKENS,
            temperature: decimal(defaults::TEMPERATURE),
            top_k: defaults::TOP_K,
            top_p: decimal(defaults::TOP_P),
            min_p: decimal(defaults::MIN_P),
            repeat_penalty: decimal(defaults::REPEAT_PENALTY),
            repeat_last_n: defaults::REPEAT_LAST_N,
            frequency_penalty: decimal(defaults::FREQUENCY_PENALTY),
            presence_penalty: decimal(defaults::PRESENCE_PENALTY),
            parallel: defaults::PARALLEL,
            max_parallel: defaults::MAX_PARALLEL,
            max_waiting: defaults::MAX_WAITING,
            rpc_worker_host: defaults::RPC_WORKER_HOST.to_string(),
            rpc_worker_port: defaults::RPC_WORKER_PORT.into(),
            rpc_timeout_ms: defaults::RPC_TIMEOUT_MS,
        },
    }
}

/// The f64 nearest the f32's shortest decimal form: 0.7, not 0.699999988079071.
fn decimal(value: f32) -> f64 {
    value.to_string().parse().expect("a float's own text parses")
}
