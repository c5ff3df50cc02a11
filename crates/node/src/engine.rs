//! Process-wide entry points: the build's variant, devices, quantisation and logging.
use crate::error::{to_native, Result};
use crate::number::integer;
use crate::types::{NativeBackendConfig, NativeBackendReport, NativeCpuLevelCandidate, NativeDevice, NativeErrorInfo};
use crate::worker::{error_info, send, spawn};
use gpt4all_core::{catch_panic, BackendConfig, FileType, LogLevel};
use napi::bindgen_prelude::Status;
use napi::threadsafe_function::ThreadsafeFunction;
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi_derive::napi;
use std::path::PathBuf;

/// The variant this addon was built as (`cpu-avx2`, `cuda`, ...).
#[napi]
pub fn variant() -> String {
    gpt4all_core::variant().to_string()
}

/// Loads ggml's backend modules: the best (or the given) CPU level among `cpuDirs`, and
/// `modules`. Once per process: later calls return the first report. Call it before anything
/// else; without it, the first model load uses the modules beside the addon's build.
/// Errors: `ERR_NO_BACKEND`.
#[napi]
pub fn load_backends(config: NativeBackendConfig) -> Result<NativeBackendReport> {
    let config = BackendConfig {
        cpu_dirs: config.cpu_dirs.into_iter().map(PathBuf::from).collect(),
        modules: config.modules.into_iter().map(PathBuf::from).collect(),
        cpu_level: config.cpu_level,
    };
    let report = gpt4all_core::load_backends(&config).map_err(to_native)?;
    Ok(NativeBackendReport {
        cpu_level: report.cpu_level.clone(),
        cpu_module: report.cpu_module.display().to_string(),
        cpu_level_forced: report.cpu_level_forced,
        candidates: report
            .candidates
            .iter()
            .map(|c| NativeCpuLevelCandidate {
                name: c.name.clone(),
                path: c.path.display().to_string(),
                score: c.score,
                error: c.error.clone(),
            })
            .collect(),
        cpu_features: report.cpu_features.iter().map(|f| f.to_string()).collect(),
        modules: report.modules.clone(),
    })
}

/// The devices of the loaded backends. Errors: `ERR_NO_BACKEND`.
#[napi]
pub fn list_devices() -> Result<Vec<NativeDevice>> {
    Ok(gpt4all_core::list_devices()
        .map_err(to_native)?
        .into_iter()
        .map(|d| NativeDevice {
            name: d.name,
            description: d.description,
            kind: d.kind.to_string(),
            backend: d.backend,
            memory_total: d.memory_total as f64,
            memory_free: d.memory_free as f64,
        })
        .collect())
}

/// An event of `quantize`: exactly one `done` or `error`.
#[napi(discriminant = "kind", discriminant_case = "lowercase", object_from_js = false)]
pub enum NativeTaskEvent {
    Done {},
    Error { error: NativeErrorInfo },
}

/// Quantises `input` into `output` on a worker thread.
#[napi(
    ts_args_type = "input: string, output: string, fileType: import('./contract.js').FileType | Lowercase<import('./contract.js').FileType>, threads: number, callback: (arg: NativeTaskEvent) => void"
)]
pub fn quantize(
    input: String,
    output: String,
    file_type: String,
    threads: f64,
    callback: ThreadsafeFunction<NativeTaskEvent, (), NativeTaskEvent, Status, false>,
) -> Result<()> {
    let threads = integer("threads", threads, 0..=u32::MAX as i64)? as u32;
    let file_type = FileType::from_name(&file_type).ok_or_else(|| {
        to_native(gpt4all_core::Error::InvalidArgument {
            reason: format!(
                "unknown file type '{file_type}'; expected one of {}",
                FileType::names().collect::<Vec<_>>().join(", ")
            ),
        })
    })?;
    spawn("quantize", move || {
        let event = match catch_panic(|| gpt4all_core::quantize(input.as_ref(), output.as_ref(), file_type, threads)) {
            Ok(()) => NativeTaskEvent::Done {},
            Err(e) => NativeTaskEvent::Error { error: error_info(&e) },
        };
        send(&callback, event);
    })
}

/// Sends llama.cpp's log lines at `level` (`debug`, `info`, `warn`, `error`) or above to
/// `callback(level, line)`; `null` silences the log again. The handler does not keep Node's
/// event loop alive (a weak threadsafe function): a script that is done exits with it installed.
// The argument types are spelled out so that the declarations name the contract's log levels.
#[allow(clippy::type_complexity)]
#[napi(
    ts_args_type = "level: import('./contract.js').LogLevel, callback: ((arg: [import('./contract.js').LogLevel, string]) => void) | null"
)]
pub fn set_log_handler(
    level: String,
    callback: Option<ThreadsafeFunction<(String, String), (), (String, String), Status, false, true>>,
) -> Result<()> {
    let min = LogLevel::from_name(&level).ok_or_else(|| {
        to_native(gpt4all_core::Error::InvalidArgument { reason: format!("unknown log level '{level}'") })
    })?;
    let sink = callback.map(|cb| -> Box<dyn Fn(LogLevel, &str) + Send + Sync> {
        Box::new(move |level, line| {
            cb.call((level.as_str().to_string(), line.to_string()), ThreadsafeFunctionCallMode::NonBlocking);
        })
    });
    gpt4all_core::set_log_sink(min, sink);
    Ok(())
}
