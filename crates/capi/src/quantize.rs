//! Quantization of GGUF files.
use crate::backend;
use crate::boundary::{c_str, call, invalid};
use gpt4all_core::{quantize, FileType, Status};
use std::ffi::c_char;
use std::path::Path;

/// Writes a copy of the GGUF file at `input` quantized to `file_type` (llama.cpp's name, such
/// as "Q4_0", "Q4_K_M", "Q8_0") at `output`, with `threads` threads (0: all cores). The output
/// appears only when complete (it is written to "<output>.part" and renamed). Blocks; thread-safe.
/// Errors: GPT4ALL_STATUS_INVALID_ARGUMENT (an unknown file type), _MODEL_NOT_FOUND, _NOT_GGUF,
/// _INVALID_GGUF, _VOCAB_ONLY, _QUANTIZE, _IO, _NO_BACKEND.
#[no_mangle]
pub unsafe extern "C" fn gpt4all_quantize(
    input: *const c_char,
    output: *const c_char,
    file_type: *const c_char,
    threads: u32,
) -> Status {
    call(|| {
        let input = unsafe { c_str(input, "input")? };
        let output = unsafe { c_str(output, "output")? };
        let name = unsafe { c_str(file_type, "file_type")? };
        let file_type = FileType::from_name(name).ok_or_else(|| {
            invalid(format!("unknown file type '{name}'; one of {}", FileType::names().collect::<Vec<_>>().join(", ")))
        })?;
        backend::ensure()?;
        quantize(Path::new(input), Path::new(output), file_type, threads)
    })
}
