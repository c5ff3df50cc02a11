//! Engine errors become JS `Error`s whose `code` is the engine's stable code (`ERR_…`).
use gpt4all_core::Error;

/// A napi error whose status string becomes the JS error's `code`.
pub type NativeError = napi::Error<String>;
/// Named `Result` because the `#[napi]` macro recognises fallible functions by that name.
pub type Result<T> = std::result::Result<T, NativeError>;

pub fn to_native(error: Error) -> NativeError {
    napi::Error::new(error.code().to_string(), error.to_string())
}

pub fn disposed(what: &'static str) -> NativeError {
    to_native(Error::Disposed { what })
}

pub fn busy() -> NativeError {
    to_native(Error::Busy)
}
