//! The engine's errors. Every variant has a [`Status`]: a stable number (the C ABI's status
//! codes) and a stable string code (`ERR_…`, the `code` of a TypeScript or Python error), so a
//! caller in any language can branch on it without parsing messages. This file is the one
//! definition of both; the bindings and the C header are generated from it.
use std::ffi::CStr;
use std::fmt;
use std::path::PathBuf;

/// The outcome of a call, as every binding reports it. The numbers are part of the C ABI: a
/// variant keeps its number forever, and new ones are added at the end.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// The call succeeded.
    Ok = 0,
    /// The model file does not exist or cannot be opened.
    ModelNotFound = 1,
    /// The file is not a GGUF file (wrong magic bytes, or empty).
    NotGguf = 2,
    /// The GGUF file is truncated, corrupt or inconsistent.
    InvalidGguf = 3,
    /// llama.cpp cannot run the model's architecture.
    UnsupportedArchitecture = 4,
    /// llama.cpp could not load the model for another reason.
    ModelLoad = 5,
    /// The file holds only a vocabulary.
    VocabOnly = 6,
    /// The input does not fit the context.
    ContextOverflow = 7,
    /// The call was cancelled.
    Aborted = 8,
    /// A context could not be created (usually not enough memory).
    ContextCreate = 9,
    /// llama.cpp failed to evaluate a batch.
    Decode = 10,
    /// An argument was NULL, out of range or malformed.
    InvalidArgument = 11,
    /// The context is busy with another call.
    ContextBusy = 12,
    /// Quantization failed.
    Quantize = 13,
    /// Reading or writing a file failed.
    Io = 14,
    /// No usable backend (no CPU code for this CPU, or a module that failed to load).
    NoBackend = 15,
    /// The model or context was disposed (freed) before this call.
    Disposed = 16,
    /// A caller-sized buffer is too small; the call reports the size it needs.
    BufferTooSmall = 17,
    /// A bug in the engine (a Rust panic) was caught at the boundary; the process goes on.
    Internal = 18,
    /// A JSON schema is not valid JSON, or not a schema (bad `$ref`, unknown type, invalid regex).
    SchemaInvalid = 19,
    /// A JSON schema uses a keyword that grammar-constrained sampling cannot enforce.
    SchemaUnsupported = 20,
    /// A GBNF grammar does not parse, or lacks a rule it uses.
    GrammarInvalid = 21,
    /// An RPC worker (another machine's share of a model's layers) cannot be reached, stopped
    /// answering, or speaks another protocol version.
    RpcUnavailable = 22,
    /// The file is a model in an old GGML format (`ggml`, `ggmf` or `ggjt` magic, before GGUF);
    /// `gpt4all convert` turns it into GGUF.
    LegacyGgml = 23,
}

impl Status {
    /// The stable string code, such as `ERR_CONTEXT_OVERFLOW` (`OK` for [`Status::Ok`]).
    pub fn code(self) -> &'static str {
        self.code_c_str().to_str().expect("codes are ASCII")
    }

    /// [`Status::code`] as a NUL-terminated string, for the C ABI.
    pub fn code_c_str(self) -> &'static CStr {
        match self {
            Status::Ok => c"OK",
            Status::ModelNotFound => c"ERR_MODEL_NOT_FOUND",
            Status::NotGguf => c"ERR_NOT_GGUF",
            Status::InvalidGguf => c"ERR_INVALID_GGUF",
            Status::UnsupportedArchitecture => c"ERR_UNSUPPORTED_ARCH",
            Status::ModelLoad => c"ERR_MODEL_LOAD",
            Status::VocabOnly => c"ERR_VOCAB_ONLY",
            Status::ContextOverflow => c"ERR_CONTEXT_OVERFLOW",
            Status::Aborted => c"ERR_ABORTED",
            Status::ContextCreate => c"ERR_CONTEXT_CREATE",
            Status::Decode => c"ERR_DECODE",
            Status::InvalidArgument => c"ERR_INVALID_ARGUMENT",
            Status::ContextBusy => c"ERR_CONTEXT_BUSY",
            Status::Quantize => c"ERR_QUANTIZE",
            Status::Io => c"ERR_IO",
            Status::NoBackend => c"ERR_NO_BACKEND",
            Status::Disposed => c"ERR_DISPOSED",
            Status::BufferTooSmall => c"ERR_BUFFER_TOO_SMALL",
            Status::Internal => c"ERR_INTERNAL",
            Status::SchemaInvalid => c"ERR_SCHEMA_INVALID",
            Status::SchemaUnsupported => c"ERR_SCHEMA_UNSUPPORTED",
            Status::GrammarInvalid => c"ERR_GRAMMAR_INVALID",
            Status::RpcUnavailable => c"ERR_RPC_UNAVAILABLE",
            Status::LegacyGgml => c"ERR_LEGACY_GGML",
        }
    }

    /// Every status, in number order.
    pub fn all() -> &'static [Status] {
        &ALL
    }

    /// The status with this number, if there is one.
    pub fn from_number(number: i32) -> Option<Status> {
        usize::try_from(number).ok().and_then(|n| ALL.get(n).copied())
    }

    /// Whether the status says a model file could not be loaded (bindings raise these as one
    /// error type, carrying the file's path).
    pub fn is_model_load(self) -> bool {
        matches!(
            self,
            Status::ModelNotFound
                | Status::NotGguf
                | Status::InvalidGguf
                | Status::UnsupportedArchitecture
                | Status::ModelLoad
                | Status::VocabOnly
                | Status::LegacyGgml
        )
    }
}

/// Every status, in number order (private: cbindgen would export a public constant).
const ALL: [Status; 24] = [
    Status::Ok,
    Status::ModelNotFound,
    Status::NotGguf,
    Status::InvalidGguf,
    Status::UnsupportedArchitecture,
    Status::ModelLoad,
    Status::VocabOnly,
    Status::ContextOverflow,
    Status::Aborted,
    Status::ContextCreate,
    Status::Decode,
    Status::InvalidArgument,
    Status::ContextBusy,
    Status::Quantize,
    Status::Io,
    Status::NoBackend,
    Status::Disposed,
    Status::BufferTooSmall,
    Status::Internal,
    Status::SchemaInvalid,
    Status::SchemaUnsupported,
    Status::GrammarInvalid,
    Status::RpcUnavailable,
    Status::LegacyGgml,
];

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
    /// Every sequence of a context is busy and the most calls allowed wait already.
    QueueFull { parallel: u32, waiting: usize },
    /// Quantisation failed.
    Quantize { reason: String },
    /// Writing or renaming an output file failed.
    Io { path: PathBuf, reason: String },
    /// No usable backend: no CPU code that runs on this CPU, or a backend module that failed to load.
    NoBackend { reason: String },
    /// A binding was handed a model or context that was already disposed (freed).
    Disposed { what: &'static str },
    /// A caller-sized buffer holds `capacity` elements but the result needs `needed`.
    BufferTooSmall { needed: usize, capacity: usize },
    /// A panic in the engine, caught at a binding's boundary; `reason` is the panic message.
    Internal { reason: String },
    /// A JSON schema is not valid JSON or not a schema llama.cpp's converter accepts.
    SchemaInvalid { reason: String },
    /// A JSON schema uses `keyword` (at JSON pointer `path`) in a way the grammar cannot enforce;
    /// constraining output with it would silently accept more than the schema allows.
    SchemaUnsupported { keyword: String, path: String, reason: String },
    /// A GBNF grammar is wrong at byte `offset` (`line` and `column` count from 1).
    GrammarInvalid { reason: String, offset: usize, line: usize, column: usize },
    /// The RPC worker at `endpoint` (`host:port`) cannot be reached, stopped answering or speaks
    /// another protocol version. A model with layers on it stays unusable: every later call on
    /// it fails the same way, until it is disposed.
    RpcUnavailable { endpoint: String, reason: String },
    /// The file is a model in one of the GGML formats that came before GGUF (August 2023; GPT4All
    /// 2.4 and earlier wrote them): `format` is its magic (`ggml`, unversioned; `ggmf` v1; `ggjt`
    /// v1 to v3) and `version` its format version, none for `ggml`.
    LegacyGgml { path: PathBuf, format: &'static str, version: Option<u32> },
}

impl Error {
    /// The status that stands for this error.
    pub fn status(&self) -> Status {
        match self {
            Error::ModelNotFound { .. } => Status::ModelNotFound,
            Error::NotGguf { .. } => Status::NotGguf,
            Error::InvalidGguf { .. } => Status::InvalidGguf,
            Error::UnsupportedArchitecture { .. } => Status::UnsupportedArchitecture,
            Error::ModelLoad { .. } => Status::ModelLoad,
            Error::VocabOnly => Status::VocabOnly,
            Error::ContextOverflow { .. } => Status::ContextOverflow,
            Error::Aborted => Status::Aborted,
            Error::ContextCreate { .. } => Status::ContextCreate,
            Error::Decode { .. } => Status::Decode,
            Error::InvalidArgument { .. } => Status::InvalidArgument,
            Error::Busy | Error::QueueFull { .. } => Status::ContextBusy,
            Error::Quantize { .. } => Status::Quantize,
            Error::Io { .. } => Status::Io,
            Error::NoBackend { .. } => Status::NoBackend,
            Error::Disposed { .. } => Status::Disposed,
            Error::BufferTooSmall { .. } => Status::BufferTooSmall,
            Error::Internal { .. } => Status::Internal,
            Error::SchemaInvalid { .. } => Status::SchemaInvalid,
            Error::SchemaUnsupported { .. } => Status::SchemaUnsupported,
            Error::GrammarInvalid { .. } => Status::GrammarInvalid,
            Error::RpcUnavailable { .. } => Status::RpcUnavailable,
            Error::LegacyGgml { .. } => Status::LegacyGgml,
        }
    }

    /// The stable string code for this error, for example `ERR_NOT_GGUF`.
    pub fn code(&self) -> &'static str {
        self.status().code()
    }

    /// The error for a caught panic's payload (the `&str` or `String` that `panic!` was given).
    pub fn from_panic(payload: &(dyn std::any::Any + Send)) -> Error {
        let reason = match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
            (Some(s), _) => s.to_string(),
            (_, Some(s)) => s.clone(),
            _ => "a panic without a message".to_string(),
        };
        Error::Internal { reason }
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
            Error::QueueFull { parallel, waiting } => {
                write!(f, "all {parallel} sequences of the context are busy and {waiting} calls wait already")
            }
            Error::Quantize { reason } => write!(f, "quantization failed: {reason}"),
            Error::Io { path, reason } => write!(f, "I/O error on {}: {reason}", path.display()),
            Error::NoBackend { reason } => write!(f, "no usable backend: {reason}"),
            Error::Disposed { what } => write!(f, "the {what} has been disposed"),
            Error::BufferTooSmall { needed, capacity } => {
                write!(f, "the buffer holds {capacity} but {needed} are needed")
            }
            Error::Internal { reason } => write!(f, "internal error (please report it): {reason}"),
            Error::SchemaInvalid { reason } => write!(f, "invalid JSON schema: {reason}"),
            Error::SchemaUnsupported { keyword, path, reason } => {
                write!(f, "unsupported JSON schema keyword '{keyword}' at {path}: {reason}")
            }
            Error::GrammarInvalid { reason, line, column, .. } => {
                write!(f, "invalid GBNF grammar at line {line}, column {column}: {reason}")
            }
            Error::RpcUnavailable { endpoint, reason } => write!(f, "RPC worker {endpoint} unavailable: {reason}"),
            Error::LegacyGgml { path, format, version } => {
                let version = version.map_or_else(String::new, |v| format!(" v{v}"));
                // A legacy file already named .gguf gets a name of its own for the result.
                let gguf = match path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gguf")) {
                    true => path.with_extension("converted.gguf"),
                    false => path.with_extension("gguf"),
                };
                write!(
                    f,
                    "{} is a model in the old GGML format '{format}'{version}, from before GGUF (llama.cpp before \
                     August 2023, GPT4All 2.4 and earlier), which llama.cpp no longer reads. Convert it to GGUF: \
                     gpt4all convert \"{}\" \"{}\"",
                    path.display(),
                    path.display(),
                    gguf.display()
                )
            }
        }
    }
}

impl std::error::Error for Error {}

/// Runs `f`, turning a panic into [`Error::Internal`]: what every binding's boundary (a napi
/// job, a C call) wraps engine work in, so that a bug reaches the caller as an error and never
/// unwinds into foreign code or ends a worker thread with its promise unsettled.
pub fn catch_panic<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|payload| Err(Error::from_panic(&*payload)))
}

/// Shorthand for results of engine calls.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::Status;

    #[test]
    fn statuses_are_numbered_in_order_with_unique_codes() {
        for (i, status) in Status::all().iter().enumerate() {
            assert_eq!(*status as i32, i as i32);
            assert_eq!(Status::from_number(i as i32), Some(*status));
        }
        assert_eq!(Status::from_number(-1), None);
        let mut codes: Vec<_> = Status::all().iter().map(|s| s.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), Status::all().len());
    }
}
