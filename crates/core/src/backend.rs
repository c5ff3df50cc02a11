//! Process-wide llama.cpp initialisation.
use gpt4all_llama_sys as sys;
use std::sync::Once;

static INIT: Once = Once::new();

/// Initialises llama.cpp once per process (idempotent, thread-safe).
pub fn init() {
    INIT.call_once(|| {
        crate::log::install();
        unsafe { sys::llama_backend_init() };
    });
}

/// The native variant this engine was built as (`cpu-avx2`, `cuda`, ...).
pub fn variant() -> &'static str {
    sys::VARIANT
}
