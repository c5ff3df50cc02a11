//! The C ABI of the GPT4All engine: `libgpt4all` (shared and static) and its header
//! `include/gpt4all.h`, which cbindgen generates from the `extern "C"` items of this crate and
//! the contract types of `gpt4all-core` (`Status`, `FinishReason`, `LogLevel`); the program
//! crates/capi-header writes it.
//!
//! Every exported function goes through [`boundary::call`]: it turns a core [`Error`] into its
//! [`Status`] and the thread's last error message, and a panic into `GPT4ALL_STATUS_INTERNAL`, so
//! no Rust unwinding reaches C. Handles are looked up in a registry of live handles
//! ([`handle::Registry`]), so NULL and freed handles are errors instead of crashes.
//!
//! [`Error`]: gpt4all_core::Error
//! [`Status`]: gpt4all_core::Status
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

mod backend;
mod boundary;
mod buffer;
mod context;
mod embed;
mod generate;
mod handle;
mod log;
mod logits;
mod model;
mod options;
mod quantize;
