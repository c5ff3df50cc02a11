//! llama.cpp calls that read a file's metadata, with fatal assertions turned into errors.
//!
//! `crates/llama-sys/src/guard.cpp` installs ggml's abort callback and wraps model loading,
//! context creation and quantisation: an assertion reached inside them unwinds (as a C++
//! exception, caught before it reaches Rust) instead of calling `abort()`. This module reads the
//! assertion's message back.
use crate::error::Error;
use crate::gguf::GgufFile;
use std::ffi::{c_char, CStr};
use std::path::Path;

const MESSAGE_SIZE: usize = 1024;

/// Runs a guarded llama-sys call, giving it a buffer for the assertion message. Returns the
/// call's result and the message of the assertion that stopped it, if one did.
pub(crate) fn call<T>(f: impl FnOnce(*mut c_char, usize) -> T) -> (T, Option<String>) {
    let mut message = [0 as c_char; MESSAGE_SIZE];
    let result = f(message.as_mut_ptr(), MESSAGE_SIZE);
    // SAFETY: the guard always writes a NUL-terminated string within the buffer.
    let text = unsafe { CStr::from_ptr(message.as_ptr()) }.to_string_lossy().into_owned();
    (result, (!text.is_empty()).then_some(text))
}

/// The error for a file whose metadata stopped llama.cpp at an assertion. The message names
/// the metadata keys behind the hyperparameters the assertion mentions, with their values.
pub(crate) fn rejected(path: impl AsRef<Path>, gguf: &GgufFile, assertion: &str) -> Error {
    let involved = involved_keys(gguf, assertion);
    let involved =
        if involved.is_empty() { String::new() } else { format!("; keys involved: {}", involved.join(", ")) };
    Error::InvalidGguf {
        path: path.as_ref().into(),
        reason: format!("llama.cpp rejected a metadata value ({}{involved})", describe(assertion)),
    }
}

/// llama.cpp's names for hyperparameters (`llama_hparams` fields and the words of its messages),
/// and the metadata keys (after `<arch>.`) they are read from in `llama_model_base::load_hparams`.
/// Longer names come first so that `n_embd_head_k` is not also read as `n_embd`.
const HYPERPARAMETER_KEYS: &[(&str, &[&str])] = &[
    ("n_embd_head_k", &["attention.key_length"]),
    ("n_embd_head_v", &["attention.value_length"]),
    ("n_embd_head", &["embedding_length", "attention.head_count", "attention.key_length"]),
    ("n_expert_used", &["expert_used_count", "expert_count"]),
    ("n_expert_groups", &["expert_group_count", "expert_count"]),
    ("n_group_used", &["expert_group_used_count"]),
    ("n_expert", &["expert_count"]),
    ("n_layer_nextn", &["nextn_predict_layers", "block_count"]),
    ("n_layer", &["block_count"]),
    ("n_head_kv", &["attention.head_count_kv", "attention.head_count"]),
    ("n_head", &["attention.head_count"]),
    ("n_embd", &["embedding_length"]),
    ("n_ff", &["feed_forward_length"]),
    ("n_rot", &["rope.dimension_count"]),
    ("n_dims", &["rope.dimension_count"]),
    ("n_ctx", &["context_length"]),
    ("rope_scaling", &["rope.scaling.type"]),
    ("pooling", &["pooling_type"]),
    ("eps", &["attention.layer_norm_epsilon", "attention.layer_norm_rms_epsilon"]),
];

fn involved_keys(gguf: &GgufFile, assertion: &str) -> Vec<String> {
    let arch = gguf.architecture().unwrap_or_default();
    let mut text = assertion.to_string();
    let mut keys: Vec<String> = Vec::new();
    for (name, suffixes) in HYPERPARAMETER_KEYS {
        if !text.contains(name) {
            continue;
        }
        text = text.replace(name, "");
        for suffix in *suffixes {
            let key = format!("{arch}.{suffix}");
            if keys.iter().any(|k| k.starts_with(&format!("{key} "))) {
                continue;
            }
            keys.push(match gguf.get(&key) {
                Some(value) => format!("{key} = {}", value.display()),
                None => format!("{key} (absent)"),
            });
        }
    }
    keys
}

/// An assertion message without the build machine's source path: `llama-model.cpp:1294:
/// GGML_ASSERT(n_expert_used_max <= hparams.n_expert) failed`.
pub(crate) fn describe(assertion: &str) -> String {
    let (location, rest) = assertion.split_once(": ").unwrap_or(("", assertion));
    let file = location.rsplit(['/', '\\']).next().unwrap_or(location);
    if file.is_empty() {
        rest.trim().to_string()
    } else {
        format!("{file}: {}", rest.trim())
    }
}

#[cfg(test)]
mod tests {
    use gpt4all_llama_sys as sys;
    use std::ffi::CString;

    /// Without the range rules in front of it: llama.cpp itself meets a block count past
    /// LLAMA_MAX_LAYERS, asserts, and the guard turns that into a failed load.
    #[test]
    fn an_assertion_while_loading_becomes_a_failed_load_and_the_process_lives() {
        let Some(path) = std::env::var_os("GPT4ALL_TEST_MODEL") else {
            eprintln!("GPT4ALL_TEST_MODEL is not set; skipping");
            return;
        };
        let mut bytes = std::fs::read(&path).unwrap();
        let key = b"llama.block_count";
        let at = bytes.windows(key.len()).position(|w| w == key).expect("a llama test model") + key.len();
        assert_eq!(bytes[at..at + 4], 4u32.to_le_bytes(), "stored as GGUF uint32");
        bytes[at + 4..at + 8].copy_from_slice(&513u32.to_le_bytes());
        let file = std::env::temp_dir().join(format!("gpt4all-guard-test-{}.gguf", std::process::id()));
        std::fs::write(&file, &bytes).unwrap();

        crate::backend::init().unwrap();
        crate::log::install(); // keeps llama.cpp's log off stderr
        let c_path = CString::new(file.to_str().unwrap()).unwrap();
        let params = unsafe { sys::llama_model_default_params() };
        let (model, assertion) = super::call(|message, size| unsafe {
            sys::gpt4all_model_load_guarded(c_path.as_ptr(), params, message, size)
        });
        std::fs::remove_file(&file).unwrap();

        assert!(model.is_null());
        let assertion = assertion.expect("the guard reports the assertion");
        assert!(assertion.contains("GGML_ASSERT") && assertion.contains("LLAMA_MAX_LAYERS"), "{assertion}");
        // Nothing was left broken: the same call loads a valid file afterwards.
        let valid = CString::new(path.to_str().unwrap()).unwrap();
        let (model, assertion) = super::call(|message, size| unsafe {
            sys::gpt4all_model_load_guarded(valid.as_ptr(), params, message, size)
        });
        assert!(!model.is_null() && assertion.is_none());
        unsafe { sys::llama_model_free(model) };
    }

    #[test]
    fn describe_keeps_file_and_line_but_not_the_build_path() {
        assert_eq!(
            super::describe("/build/vendor/llama.cpp/src/llama-model.cpp:1260: GGML_ASSERT(x) failed"),
            "llama-model.cpp:1260: GGML_ASSERT(x) failed"
        );
        assert_eq!(super::describe("plain"), "plain");
    }
}
