//! The engine's errors. Every variant has a stable code (`ERR_…`) that bindings pass on as is,
//! so a caller in any language can branch on it without parsing messages.
use std::fmt;
use std::path::PathBuf;

/// Why an engine call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The model file does not exist or cannot be opened.
    ModelNotFound { path: PathBuf, reason: String },
    /// The file is not a GGUF file at all (wrong magic bytes, or empty).
    NotGguf { path: PathBuf },
    /// The file claims to be GGUF but its structure is broken (truncated, corrupt, inconsistent).
    InvalidGguf { path: PathBuf, reason: String },
    /// The file is valid GGUF but llama.cpp cannot run its architecture: it does not know the
    /// name (`known: false`), or knows it but has no compute graph for it (`known: true`, GPT-J).
    UnsupportedArchitecture { architecture: String, known: bool },
    /// llama.cpp could not load the model for another reason (its own message is kept).
    ModelLoad { reason: String },
    /// The file holds only a vocabulary; it can tokenize but not run.
    VocabOnly,
    /// The prompt (or a single input) does not fit the context.
    ContextOverflow { tokens: usize, context_size: usize },
    /// The operation was cancelled through its abort flag.
    Aborted,
    /// Creating a context failed (usually not enough memory for the requested size).
    ContextCreate { reason: String },
    /// llama.cpp failed to evaluate a batch.
    Decode { status: i32 },
    /// An argument was out of range.
    InvalidArgument { reason: String },
    /// A context is already busy with another generation.
    Busy,
    /// Quantisation failed.
    Quantize { reason: String },
    /// Writing or renaming an output file failed.
    Io { path: PathBuf, reason: String },
    /// No usable backend: no CPU code that runs on this CPU, or a backend module that failed to load.
    NoBackend { reason: String },
}

impl Error {
    /// The stable code for this error, for example `ERR_NOT_GGUF`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::ModelNotFound { .. } => "ERR_MODEL_NOT_FOUND",
            Error::NotGguf { .. } => "ERR_NOT_GGUF",
            Error::InvalidGguf { .. } => "ERR_INVALID_GGUF",
            Error::UnsupportedArchitecture { .. } => "ERR_UNSUPPORTED_ARCH",
            Error::ModelLoad { .. } => "ERR_MODEL_LOAD",
            Error::VocabOnly => "ERR_VOCAB_ONLY",
            Error::ContextOverflow { .. } => "ERR_CONTEXT_OVERFLOW",
            Error::Aborted => "ERR_ABORTED",
            Error::ContextCreate { .. } => "ERR_CONTEXT_CREATE",
            Error::Decode { .. } => "ERR_DECODE",
            Error::InvalidArgument { .. } => "ERR_INVALID_ARGUMENT",
            Error::Busy => "ERR_CONTEXT_BUSY",
            Error::Quantize { .. } => "ERR_QUANTIZE",
            Error::Io { .. } => "ERR_IO",
            Error::NoBackend { .. } => "ERR_NO_BACKEND",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::ModelNotFound { path, reason } => {
                write!(f, "model file not found: {} ({reason})", path.display())
            }
            Error::NotGguf { path } => write!(f, "not a GGUF file: {}", path.display()),
            Error::InvalidGguf { path, reason } => {
                write!(f, "invalid GGUF file {}: {reason}", path.display())
            }
            Error::UnsupportedArchitecture { architecture, known: false } => {
                write!(f, "unsupported model architecture '{architecture}' (this llama.cpp build does not know it)")
            }
            Error::UnsupportedArchitecture { architecture, known: true } => {
                write!(
                    f,
                    "unsupported model architecture '{architecture}' (llama.cpp knows the name but cannot run it)"
                )
            }
            Error::ModelLoad { reason } => write!(f, "failed to load model: {reason}"),
            Error::VocabOnly => {
                write!(f, "the file holds only a vocabulary (no weights); load it with vocabOnly to tokenize")
            }
            Error::ContextOverflow { tokens, context_size } => {
                write!(f, "{tokens} tokens do not fit in a context of {context_size} tokens")
            }
            Error::Aborted => write!(f, "aborted"),
            Error::ContextCreate { reason } => write!(f, "failed to create context: {reason}"),
            Error::Decode { status } => write!(f, "llama_decode failed with status {status}"),
            Error::InvalidArgument { reason } => write!(f, "invalid argument: {reason}"),
            Error::Busy => write!(f, "the context is busy with another generation"),
            Error::Quantize { reason } => write!(f, "quantization failed: {reason}"),
            Error::Io { path, reason } => write!(f, "I/O error on {}: {reason}", path.display()),
            Error::NoBackend { reason } => write!(f, "no usable backend: {reason}"),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of engine calls.
pub type Result<T> = std::result::Result<T, Error>;
