//! The GPT4All engine: a safe Rust layer over llama.cpp.
//!
//! It loads GGUF models (validating their structure first, so a corrupt file is an error and
//! never a crash), creates contexts whose KV cache is reused across prompts, samples and streams
//! text safely token by token, computes embeddings and quantises models. It has no dependency
//! on Node-API: bindings for Node.js and a C ABI are thin layers over this crate.
//!
//! ```no_run
//! use gpt4all_core::{Context, ContextParams, GenerateParams, Model, ModelParams};
//! use std::sync::{atomic::AtomicBool, Arc};
//!
//! let model = Arc::new(Model::load("model.gguf".as_ref(), &ModelParams::default(), None)?);
//! let mut ctx = Context::new(model.clone(), &ContextParams::default())?;
//! let prompt = model.tokenize("The capital of France is", true, false)?;
//! let params = GenerateParams { max_tokens: Some(16), ..Default::default() };
//! let out = ctx.generate(&prompt, &params, &AtomicBool::new(false), &mut |chunk| print!("{}", chunk.text))?;
//! println!("\n{:?}", out.finish_reason);
//! # Ok::<(), gpt4all_core::Error>(())
//! ```

mod backend;
mod batch_scheduler;
mod context;
pub mod defaults;
mod device;
mod embedding;
mod error;
mod fault;
mod file_type;
mod generate;
mod gguf;
mod grammar;
mod guard;
pub mod json_schema;
mod kv_cache_type;
mod log;
mod model;
mod number_range;
mod quantize;
mod root_reference;
mod rpc;
mod sampler;
mod schema_walk;
mod string_formats;
mod text_stream;
mod utf8_prefix;

pub use backend::{load as load_backends, module_files, variant, BackendConfig, BackendReport, CpuLevelCandidate};
pub use batch_scheduler::{BatchScheduler, Ticket};
pub use context::{Context, ContextParams};
pub use device::{list_devices, Device, DEVICE_KINDS};
pub use embedding::normalize_l2;
pub use error::{catch_panic, Error, Result, Status};
pub use file_type::FileType;
pub use generate::{Chunk, FinishReason, GenerateParams, Generation, Timings, NO_TOKEN};
pub use gguf::{GgufFile, MetadataValue, TensorInfo};
pub use grammar::Grammar;
pub use kv_cache_type::KvCacheType;
pub use log::{set_log_sink, LogLevel};
pub use model::{GpuLayers, Model, ModelInfo, ModelParams, RpcPlacement, Token};
pub use quantize::quantize;
pub use rpc::{
    handshake as rpc_handshake, parse_endpoint as parse_rpc_endpoint, probe as probe_rpc_worker, serve_worker,
    LayerRange, WorkerParams, WorkerProbe,
};
pub use sampler::{Sampler, SamplingParams};
pub use text_stream::TextStream;
