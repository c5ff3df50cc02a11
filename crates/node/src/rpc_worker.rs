//! `serveRpcWorker`: this machine's devices offered to hosts over llama.cpp's RPC protocol, and
//! `probeRpcWorker`: what a worker offers, as a host sees it.
use crate::error::Result;
use crate::number::optional;
use crate::types::NativeErrorInfo;
use crate::worker::{error_info, send, spawn};
use gpt4all_core::{catch_panic, defaults, WorkerParams};
use napi::bindgen_prelude::Status;
use napi::threadsafe_function::ThreadsafeFunction;
use napi_derive::napi;
use std::time::Duration;

#[napi(object)]
pub struct NativeRpcWorkerOptions {
    pub host: Option<String>,
    pub port: Option<f64>,
    pub threads: Option<f64>,
    /// Memory offered, in MiB.
    pub memory_mib: Option<f64>,
    pub allow_remote: Option<bool>,
    pub cache_dir: Option<String>,
}

/// An event of `serveRpcWorker`: `ready` once it is about to listen, or `error` when it cannot
/// start (then, or later if its server stops).
#[napi(discriminant = "kind", discriminant_case = "lowercase", object_from_js = false)]
pub enum NativeRpcWorkerEvent {
    Ready { endpoint: String, devices: Vec<String> },
    Error { error: NativeErrorInfo },
}

/// Runs an RPC worker on its own thread for the rest of the process's life.
#[napi]
pub fn serve_rpc_worker(
    options: NativeRpcWorkerOptions,
    callback: ThreadsafeFunction<NativeRpcWorkerEvent, (), NativeRpcWorkerEvent, Status, false>,
) -> Result<()> {
    let defaults = WorkerParams::default();
    let params = WorkerParams {
        host: options.host.unwrap_or(defaults.host),
        port: optional("port", options.port, 1..=65_535)?.map_or(defaults.port, |p| p as u16),
        threads: optional("threads", options.threads, 1..=1024)?.map_or(defaults.threads, |t| t as u32),
        memory_bytes: optional("memoryMib", options.memory_mib, 1..=(1 << 40))?.map(|m| m as u64 * 1024 * 1024),
        allow_remote: options.allow_remote.unwrap_or(false),
        cache_dir: options.cache_dir.map(Into::into),
    };
    spawn("rpc-worker", move || {
        let endpoint = format!("{}:{}", params.host, params.port);
        let result = catch_panic(|| {
            gpt4all_core::serve_worker(&params, &mut |devices| {
                send(
                    &callback,
                    NativeRpcWorkerEvent::Ready { endpoint: endpoint.clone(), devices: devices.names.clone() },
                );
            })
        });
        if let Err(e) = result {
            send(&callback, NativeRpcWorkerEvent::Error { error: error_info(&e) });
        }
    })
}

/// A device of an RPC worker.
#[napi(object, object_from_js = false)]
pub struct NativeRpcDevice {
    /// ggml's name for it on this host (`RPC0`).
    pub name: String,
    pub memory_free: f64,
    pub memory_total: f64,
}

#[napi(discriminant = "kind", discriminant_case = "lowercase", object_from_js = false)]
pub enum NativeRpcProbeEvent {
    Done { endpoint: String, devices: Vec<NativeRpcDevice> },
    Error { error: NativeErrorInfo },
}

/// Connects to a worker as a model load would, and lists its devices.
#[napi]
pub fn probe_rpc_worker(
    endpoint: String,
    timeout_ms: Option<f64>,
    callback: ThreadsafeFunction<NativeRpcProbeEvent, (), NativeRpcProbeEvent, Status, false>,
) -> Result<()> {
    let timeout = optional("timeoutMs", timeout_ms, 1..=86_400_000)?.unwrap_or(defaults::RPC_TIMEOUT_MS.into());
    spawn("rpc-probe", move || {
        let event =
            match catch_panic(|| gpt4all_core::probe_rpc_worker(&endpoint, Duration::from_millis(timeout as u64))) {
                Ok(probe) => NativeRpcProbeEvent::Done {
                    endpoint: probe.endpoint,
                    devices: probe
                        .devices
                        .into_iter()
                        .map(|(name, free, total)| NativeRpcDevice {
                            name,
                            memory_free: free as f64,
                            memory_total: total as f64,
                        })
                        .collect(),
                },
                Err(e) => NativeRpcProbeEvent::Error { error: error_info(&e) },
            };
        send(&callback, event);
    })
}
