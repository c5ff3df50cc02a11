//! The value of every option a caller may leave out, for every binding: TypeScript
//! (`packages/core/src/native/contract.ts`, generated from these), C (the `_default()`
//! functions of the option structs) and Python (which reads those). Sampling and sizes follow
//! GPT4All's `generate()` and `n_ctx`, so that programs moving from GPT4All get the same output.

/// Tokens a context holds when none is asked for, capped at the model's training length
/// (GPT4All's `n_ctx` default).
pub const CONTEXT_SIZE: u32 = 2048;
/// Tokens evaluated per `llama_decode` call (llama.cpp's `n_batch` default).
pub const BATCH_SIZE: u32 = 512;
/// Most tokens one generation produces (GPT4All's `max_tokens`).
pub const MAX_TOKENS: u32 = 200;
/// Sampling temperature; 0 is greedy.
pub const TEMPERATURE: f32 = 0.7;
pub const TOP_K: i32 = 40;
pub const TOP_P: f32 = 0.4;
pub const MIN_P: f32 = 0.0;
pub const REPEAT_PENALTY: f32 = 1.18;
/// Recent tokens the penalties look at.
pub const REPEAT_LAST_N: i32 = 64;
pub const FREQUENCY_PENALTY: f32 = 0.0;
pub const PRESENCE_PENALTY: f32 = 0.0;
/// The seed that asks for a random one (llama.cpp's `LLAMA_DEFAULT_SEED`).
pub const RANDOM_SEED: u32 = 0xFFFF_FFFF;
/// Sequences a model's shared context decodes together when none is asked for (the chat
/// package's pool; a context of `@gpt4all/core` has 1 unless asked).
pub const PARALLEL: u32 = 2;
/// Most sequences one context may hold.
pub const MAX_PARALLEL: u32 = 64;
/// Calls that may wait for a free sequence of a context; one more fails with `ERR_CONTEXT_BUSY`.
pub const MAX_WAITING: u32 = 256;
/// Where an RPC worker listens when not told (llama.cpp's `rpc-server` defaults): loopback only,
/// since the protocol has no authentication.
pub const RPC_WORKER_HOST: &str = "127.0.0.1";
pub const RPC_WORKER_PORT: u16 = 50052;
/// Milliseconds an RPC worker may take to answer one request (a whole layer range's compute for
/// a prompt batch included) before the host gives up on it with `ERR_RPC_UNAVAILABLE`.
pub const RPC_TIMEOUT_MS: u32 = 20_000;
