//! The number formats a KV cache can store its keys and values in: the one table of names.
use gpt4all_llama_sys as sys;

/// A KV cache type, as llama.cpp's `--cache-type-k`/`--cache-type-v` name them (`f16`, `q8_0`).
/// `F16` is llama.cpp's default; `F32` doubles the cache's memory and keeps attention exact to
/// float rounding (parity checks against PyTorch); the quantized types shrink it (`q8_0` to about
/// half of `f16`) and need flash attention for the values (`llama_init_from_model` refuses
/// otherwise, an `ERR_CONTEXT_CREATE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KvCacheType(sys::ggml_type);

/// The types llama.cpp's `common` accepts for a cache (`kv_cache_types` in common/arg.cpp).
const NAMES: &[(&str, sys::ggml_type)] = &[
    ("f32", sys::ggml_type_GGML_TYPE_F32),
    ("f16", sys::ggml_type_GGML_TYPE_F16),
    ("bf16", sys::ggml_type_GGML_TYPE_BF16),
    ("q8_0", sys::ggml_type_GGML_TYPE_Q8_0),
    ("q4_0", sys::ggml_type_GGML_TYPE_Q4_0),
    ("q4_1", sys::ggml_type_GGML_TYPE_Q4_1),
    ("iq4_nl", sys::ggml_type_GGML_TYPE_IQ4_NL),
    ("q5_0", sys::ggml_type_GGML_TYPE_Q5_0),
    ("q5_1", sys::ggml_type_GGML_TYPE_Q5_1),
];

impl KvCacheType {
    /// llama.cpp's default.
    pub const F16: KvCacheType = KvCacheType(sys::ggml_type_GGML_TYPE_F16);

    /// Looks a type up by name, case-insensitively (`q8_0`, `F32`).
    pub fn from_name(name: &str) -> Option<KvCacheType> {
        NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|&(_, t)| KvCacheType(t))
    }

    /// Every name, in table order.
    pub fn names() -> impl Iterator<Item = &'static str> {
        NAMES.iter().map(|(n, _)| *n)
    }

    pub(crate) fn raw(self) -> sys::ggml_type {
        self.0
    }
}

impl Default for KvCacheType {
    fn default() -> Self {
        KvCacheType::F16
    }
}
