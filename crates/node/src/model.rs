//! `NativeModel`: a loaded model, and `loadModel`, which loads one off the JS thread.
use crate::abort::{flag_of, NativeAbortFlag};
use crate::error::{disposed, to_native, Result};
use crate::metadata::JsMetadata;
use crate::number::optional;
use crate::types::{
    NativeErrorInfo, NativeLayerRange, NativeModelInfo, NativeModelOptions, NativeRpcPlacement,
    NativeRpcWorkerPlacement,
};
use crate::worker::{error_info, send, spawn};
use gpt4all_core::{catch_panic, defaults, GpuLayers, LayerRange, Model, ModelParams};
use napi::bindgen_prelude::Status;
use napi::threadsafe_function::ThreadsafeFunction;
use napi_derive::napi;
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};

/// A loaded model. `dispose()` releases it once every context made from it is gone.
#[napi]
pub struct NativeModel {
    pub(crate) inner: RwLock<Option<Arc<Model>>>,
}

/// An event of `loadModel`: `progress` (0 to 1) any number of times, then `done` or `error`.
#[napi(discriminant = "kind", discriminant_case = "lowercase", object_from_js = false)]
pub enum NativeLoadEvent {
    Progress { progress: f64 },
    Done { model: NativeModel },
    Error { error: NativeErrorInfo },
}

/// Loads a GGUF file on a worker thread and reports through `callback`.
#[napi]
pub fn load_model(
    path: String,
    options: NativeModelOptions,
    abort: Option<&NativeAbortFlag>,
    callback: ThreadsafeFunction<NativeLoadEvent, (), NativeLoadEvent, Status, false>,
) -> Result<()> {
    let params = ModelParams {
        gpu_layers: match optional("gpuLayers", options.gpu_layers, -1..=i32::MAX as i64)? {
            Some(-1) => GpuLayers::All,
            Some(n) => GpuLayers::Count(n as u32),
            None => GpuLayers::Count(0),
        },
        use_mmap: options.use_mmap.unwrap_or(true),
        vocab_only: options.vocab_only.unwrap_or(false),
        rpc_workers: options.rpc_workers.unwrap_or_default(),
        rpc_split: options.rpc_split.map(|split| split.into_iter().map(|s| s as f32).collect()),
        rpc_timeout: std::time::Duration::from_millis(
            optional("rpcTimeoutMs", options.rpc_timeout_ms, 1..=86_400_000)?.unwrap_or(defaults::RPC_TIMEOUT_MS.into())
                as u64,
        ),
    };
    let abort = flag_of(abort);
    spawn("load", move || {
        let mut last_reported = -1.0f32;
        let mut on_progress = |p: f32| {
            // llama.cpp reports very often; a percent step is plenty for a progress bar.
            if p - last_reported >= 0.01 || p >= 1.0 {
                last_reported = p;
                send(&callback, NativeLoadEvent::Progress { progress: p as f64 });
            }
            !abort.load(Ordering::Relaxed)
        };
        let event = match catch_panic(|| Model::load(path.as_ref(), &params, Some(&mut on_progress))) {
            Ok(model) => NativeLoadEvent::Done { model: NativeModel { inner: RwLock::new(Some(Arc::new(model))) } },
            Err(e) => NativeLoadEvent::Error { error: error_info(&e) },
        };
        send(&callback, event);
    })
}

fn layer_range(range: LayerRange) -> NativeLayerRange {
    NativeLayerRange { first: range.first, count: range.count }
}

impl NativeModel {
    pub(crate) fn get(&self) -> Result<Arc<Model>> {
        self.inner.read().unwrap().clone().ok_or_else(|| disposed("model"))
    }
}

/// A control token and its text.
#[napi(object, object_from_js = false)]
pub struct NativeControlToken {
    pub id: i32,
    pub text: String,
}

#[napi]
impl NativeModel {
    #[napi]
    pub fn info(&self) -> Result<NativeModelInfo> {
        let model = self.get()?;
        let info = model.info();
        Ok(NativeModelInfo {
            architecture: info.architecture.clone(),
            name: info.name.clone(),
            context_length: info.context_length,
            embedding_length: info.embedding_length,
            layer_count: info.layer_count,
            vocab_size: info.vocab_size,
            parameters: info.parameters as f64,
            size_bytes: info.size_bytes as f64,
            quantization: info.quantization.clone(),
            chat_template: info.chat_template.clone(),
            has_encoder: info.has_encoder,
            path: model.path().to_string_lossy().into_owned(),
            rpc: model.rpc_placement().map(|p| NativeRpcPlacement {
                local: layer_range(p.local),
                workers: p
                    .workers
                    .iter()
                    .map(|(endpoint, layers)| NativeRpcWorkerPlacement {
                        endpoint: endpoint.clone(),
                        layers: layer_range(*layers),
                    })
                    .collect(),
            }),
        })
    }

    /// Why the model cannot compute any more (an RPC worker holding part of its layers failed),
    /// or null while it can.
    #[napi]
    pub fn rpc_failure(&self) -> Result<Option<NativeErrorInfo>> {
        Ok(self.get()?.check_rpc().err().map(|e| error_info(&e)))
    }

    /// Every GGUF key/value, as a plain object.
    #[napi(ts_return_type = "Record<string, unknown>")]
    pub fn metadata(&self) -> Result<JsMetadata> {
        Ok(JsMetadata(self.get()?))
    }

    #[napi]
    pub fn tokenize(&self, text: String, add_special: bool, parse_special: bool) -> Result<Vec<i32>> {
        self.get()?.tokenize(&text, add_special, parse_special).map_err(to_native)
    }

    #[napi]
    pub fn detokenize(&self, tokens: Vec<i32>, special: bool) -> Result<String> {
        self.get()?.detokenize(&tokens, special).map_err(to_native)
    }

    /// The bytes of one token's text, which may be part of a multi-byte character.
    #[napi]
    pub fn token_bytes(&self, token: i32, special: bool) -> Result<napi::bindgen_prelude::Buffer> {
        let model = self.get()?;
        model.check_tokens(&[token]).map_err(to_native)?;
        Ok(model.token_bytes(token, special).into())
    }

    /// Control tokens (`<s>`, `<|im_start|>`): the tokens that text produces only when special
    /// text is parsed, with their text, in vocabulary order.
    #[napi]
    pub fn control_tokens(&self) -> Result<Vec<NativeControlToken>> {
        Ok(self
            .get()?
            .control_tokens()
            .iter()
            .map(|(id, text)| NativeControlToken { id: *id, text: text.clone() })
            .collect())
    }

    #[napi]
    pub fn is_end_of_generation(&self, token: i32) -> Result<bool> {
        Ok(self.get()?.is_end_of_generation(token))
    }

    /// Drops this handle's reference; the weights are freed when no context uses them.
    #[napi]
    pub fn dispose(&self) {
        self.inner.write().unwrap().take();
    }

    #[napi(getter)]
    pub fn disposed(&self) -> bool {
        self.inner.read().unwrap().is_none()
    }
}
