//! Runs engine work off the JS thread and reports back through one ordered channel.
//!
//! Every asynchronous call takes a JS callback and returns at once. The work runs on its own
//! thread; its progress, its chunks and finally exactly one `done` or `error` event arrive
//! through a single threadsafe function, so the JS side sees them in order (a promise settled
//! from elsewhere could overtake the last chunks). `@gpt4all/core` turns the callback into
//! promises and async iterators.
use crate::error::Result;
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

/// Runs `work` on a new thread.
pub fn spawn(name: &str, work: impl FnOnce() + Send + 'static) -> Result<()> {
    std::thread::Builder::new()
        .name(format!("gpt4all-{name}"))
        .stack_size(STACK_SIZE)
        .spawn(work)
        .map(|_| ())
        .map_err(|e| napi::Error::new("ERR_THREAD".to_string(), format!("could not start a worker thread: {e}")))
}

pub fn error_info(error: &Error) -> NativeErrorInfo {
    NativeErrorInfo { code: error.code().to_string(), message: error.to_string() }
}
