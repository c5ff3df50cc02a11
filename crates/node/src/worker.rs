//! Runs engine work off the JS thread and reports back through one ordered channel.
//!
//! Every asynchronous call takes a JS callback and returns at once. The work runs on its own
//! thread; its progress, its chunks and finally exactly one `done` or `error` event arrive
//! through a single threadsafe function, so the JS side sees them in order (a promise settled
//! from elsewhere could overtake the last chunks). `@gpt4all/core` turns the callback into
//! promises and async iterators.
use crate::error::{to_native, Result};
use crate::types::NativeErrorInfo;
use gpt4all_core::Error;
use napi::bindgen_prelude::{JsValuesTupleIntoVec, Status};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};

/// A callback that receives `T` events and no error argument.
pub type EventCallback<T> = ThreadsafeFunction<T, (), T, Status, false>;

const STACK_SIZE: usize = 8 << 20;

/// Sends one event; a callback whose environment is gone is ignored, since nobody is listening.
pub fn send<T: 'static + JsValuesTupleIntoVec>(callback: &EventCallback<T>, event: T) {
    callback.call(event, ThreadsafeFunctionCallMode::NonBlocking);
}

/// Runs `work` on a new thread (for one-off calls: loading, quantising).
pub fn spawn(name: &str, work: impl FnOnce() + Send + 'static) -> Result<()> {
    std::thread::Builder::new()
        .name(format!("gpt4all-{name}"))
        .stack_size(STACK_SIZE)
        .spawn(work)
        .map(|_| ())
        .map_err(|e| to_native(Error::Internal { reason: format!("could not start a worker thread: {e}") }))
}

type Job = Box<dyn FnOnce() + Send>;

/// One long-lived thread that runs a context's operations in order. Starting a thread per call
/// (a fresh 8 MiB stack, cold caches, and a new thread 0 for ggml's pool) cost about 0.1 ms per
/// call, which dominated single-token decodes of small models.
pub struct Worker {
    jobs: std::sync::Mutex<Option<std::sync::mpsc::Sender<Job>>>,
}

impl Worker {
    pub fn start(name: &str) -> Result<Worker> {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        spawn(name, move || {
            // Ends when the sender is dropped (the context is disposed or collected).
            for job in queue {
                job();
            }
        })?;
        Ok(Worker { jobs: std::sync::Mutex::new(Some(jobs)) })
    }

    /// Queues `job` on the worker thread.
    pub fn run(&self, job: impl FnOnce() + Send + 'static) -> Result<()> {
        let jobs = self.jobs.lock().unwrap();
        let sent = jobs.as_ref().map(|jobs| jobs.send(Box::new(job)).is_ok()).unwrap_or(false);
        if sent {
            Ok(())
        } else {
            Err(crate::error::disposed("context"))
        }
    }

    /// Lets the thread finish its queue and exit.
    pub fn stop(&self) {
        self.jobs.lock().unwrap().take();
    }
}

pub fn error_info(error: &Error) -> NativeErrorInfo {
    let mut info = NativeErrorInfo {
        code: error.code().to_string(),
        message: error.to_string(),
        tokens: None,
        context_size: None,
        keyword: None,
        schema_path: None,
        offset: None,
        line: None,
        column: None,
        endpoint: None,
    };
    match error {
        Error::ContextOverflow { tokens, context_size } => {
            info.tokens = Some(*tokens as u32);
            info.context_size = Some(*context_size as u32);
        }
        Error::SchemaUnsupported { keyword, path, .. } => {
            info.keyword = Some(keyword.clone());
            info.schema_path = Some(path.clone());
        }
        Error::GrammarInvalid { offset, line, column, .. } => {
            info.offset = Some(*offset as u32);
            info.line = Some(*line as u32);
            info.column = Some(*column as u32);
        }
        Error::RpcUnavailable { endpoint, .. } => info.endpoint = Some(endpoint.clone()),
        _ => {}
    }
    info
}
