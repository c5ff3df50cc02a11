//! Quantisation of GGUF files, so large models fit commodity hardware.
use crate::error::{Error, Result};
use crate::file_type::FileType;
use crate::gguf::GgufFile;
use crate::{backend, guard, log};
use gpt4all_llama_sys as sys;
use std::ffi::CString;
use std::path::Path;

/// Writes a copy of `input` quantised to `file_type` at `output`. The output appears atomically:
/// it is written to `<output>.part` and renamed only when complete.
pub fn quantize(input: &Path, output: &Path, file_type: FileType, threads: u32) -> Result<()> {
    let threads = crate::context::check_threads(threads)?;
    let gguf = GgufFile::open(input)?;
    if gguf.tensors.is_empty() {
        return Err(Error::VocabOnly);
    }
    backend::init()?;
    let part = output.with_extension(match output.extension() {
        Some(ext) => format!("{}.part", ext.to_string_lossy()),
        None => "part".into(),
    });
    let c_string = |p: &Path| {
        CString::new(p.as_os_str().as_encoded_bytes())
            .map_err(|_| Error::InvalidArgument { reason: "path contains a NUL byte".into() })
    };
    let (c_in, c_out) = (c_string(input)?, c_string(&part)?);
    let mut params = unsafe { sys::llama_model_quantize_default_params() };
    params.ftype = file_type.raw();
    params.nthread = threads as i32;
    let ((status, assertion), lines) = log::capture(|| {
        guard::call(|message, size| unsafe {
            sys::gpt4all_model_quantize_guarded(c_in.as_ptr(), c_out.as_ptr(), &params, message, size)
        })
    });
    if status != 0 {
        let _ = std::fs::remove_file(&part);
        return Err(match assertion {
            Some(assertion) => guard::rejected(input, &gguf, &assertion),
            None => Error::Quantize {
                reason: lines.last().cloned().unwrap_or_else(|| format!("llama_model_quantize returned {status}")),
            },
        });
    }
    std::fs::rename(&part, output).map_err(|e| Error::Io { path: output.into(), reason: e.to_string() })
}
