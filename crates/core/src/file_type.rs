//! Model file types (quantisations): the one table of names for both reporting a model's type
//! and choosing a quantisation target.
use gpt4all_llama_sys as sys;

/// A llama.cpp file type, such as `Q4_0` or `F16`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType(sys::llama_ftype);

const NAMES: &[(&str, sys::llama_ftype)] = &[
    ("F32", sys::llama_ftype_LLAMA_FTYPE_ALL_F32),
    ("F16", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_F16),
    ("BF16", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_BF16),
    ("Q4_0", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_Q4_0),
    ("Q4_1", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_Q4_1),
    ("Q5_0", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_Q5_0),
    ("Q5_1", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_Q5_1),
    ("Q8_0", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_Q8_0),
    ("Q2_K", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_Q2_K),
    ("Q2_K_S", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_Q2_K_S),
    ("Q3_K_S", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_Q3_K_S),
    ("Q3_K_M", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_Q3_K_M),
    ("Q3_K_L", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_Q3_K_L),
    ("Q4_K_S", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_Q4_K_S),
    ("Q4_K_M", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_Q4_K_M),
    ("Q5_K_S", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_Q5_K_S),
    ("Q5_K_M", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_Q5_K_M),
    ("Q6_K", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_Q6_K),
    ("IQ4_NL", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_IQ4_NL),
    ("IQ4_XS", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_IQ4_XS),
    ("TQ1_0", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_TQ1_0),
    ("TQ2_0", sys::llama_ftype_LLAMA_FTYPE_MOSTLY_TQ2_0),
];

impl FileType {
    /// Looks a type up by name, case-insensitively (`q4_0`, `Q4_K_M`).
    pub fn from_name(name: &str) -> Option<FileType> {
        NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|&(_, t)| FileType(t))
    }

    pub(crate) fn from_raw(raw: sys::llama_ftype) -> Option<FileType> {
        NAMES.iter().find(|(_, t)| *t == raw).map(|&(_, t)| FileType(t))
    }

    pub(crate) fn raw(self) -> sys::llama_ftype {
        self.0
    }

    /// The canonical name, such as `Q4_0`.
    pub fn name(self) -> &'static str {
        NAMES.iter().find(|(_, t)| *t == self.0).map(|(n, _)| *n).unwrap()
    }

    /// Every name [`FileType::from_name`] accepts.
    pub fn names() -> impl Iterator<Item = &'static str> {
        NAMES.iter().map(|(n, _)| *n)
    }
}
