//! The native half of an `AbortSignal`: JavaScript raises it, the engine polls it.
use napi_derive::napi;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A flag shared with a running operation; raising it stops the operation at its next check.
#[napi]
#[derive(Default)]
pub struct NativeAbortFlag {
    pub(crate) flag: Arc<AtomicBool>,
}

#[napi]
impl NativeAbortFlag {
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the operation to stop.
    #[napi]
    pub fn abort(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    #[napi(getter)]
    pub fn aborted(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }
}

/// The flag of an optional JS argument, or a fresh one that nobody raises.
pub fn flag_of(flag: Option<&NativeAbortFlag>) -> Arc<AtomicBool> {
    flag.map(|f| f.flag.clone()).unwrap_or_default()
}
