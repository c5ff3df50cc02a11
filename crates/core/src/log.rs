//! Routes llama.cpp's and ggml's log output.
//!
//! By default nothing is printed: a library must not write to the host's stderr. Errors that
//! llama.cpp logs while loading a model are captured per thread and become the message of the
//! returned error, and a host may install a sink to see everything.
use gpt4all_llama_sys as sys;
use std::cell::RefCell;
use std::ffi::{c_char, c_void, CStr};
use std::sync::{Once, RwLock};

/// Severity of a log line, mirroring ggml's levels. The numbers are part of the C ABI.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
}

impl LogLevel {
    /// Every level, least severe first.
    pub fn all() -> &'static [LogLevel] {
        // A private constant: cbindgen would export a public one into gpt4all.h.
        const ALL: [LogLevel; 4] = [LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error];
        &ALL
    }

    /// The level with this number (its C ABI value), if there is one.
    pub fn from_number(number: i32) -> Option<LogLevel> {
        Self::all().iter().copied().find(|l| *l as i32 == number)
    }

    /// The name bindings use: `debug`, `info`, `warn` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        }
    }

    /// The level with this name, if there is one.
    pub fn from_name(name: &str) -> Option<LogLevel> {
        Self::all().iter().copied().find(|l| l.as_str() == name)
    }
}

type Sink = Box<dyn Fn(LogLevel, &str) + Send + Sync>;

static SINK: RwLock<Option<(LogLevel, Sink)>> = RwLock::new(None);
static INSTALL: Once = Once::new();

thread_local! {
    /// The line being assembled (ggml sends lines in pieces) and its level.
    static PENDING: RefCell<(LogLevel, String)> = const { RefCell::new((LogLevel::Debug, String::new())) };
    /// Error and warning lines collected while `capture` runs on this thread.
    static CAPTURED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Sends every log line at `min_level` or above to `sink`, or silences the log with `None`.
pub fn set_log_sink(min_level: LogLevel, sink: Option<Sink>) {
    install();
    *SINK.write().unwrap() = sink.map(|s| (min_level, s));
}

/// Runs `f`, returning its result with the warning and error lines logged on this thread meanwhile.
pub(crate) fn capture<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    install();
    CAPTURED.with(|c| *c.borrow_mut() = Some(Vec::new()));
    let result = f();
    let lines = CAPTURED.with(|c| c.borrow_mut().take()).unwrap_or_default();
    (result, lines)
}

pub(crate) fn install() {
    INSTALL.call_once(|| unsafe { sys::llama_log_set(Some(on_log), std::ptr::null_mut()) });
}

unsafe extern "C" fn on_log(level: sys::ggml_log_level, text: *const c_char, _user: *mut c_void) {
    if text.is_null() {
        return;
    }
    let text = unsafe { CStr::from_ptr(text) }.to_string_lossy();
    PENDING.with(|pending| {
        let mut pending = pending.borrow_mut();
        // CONT continues the previous line at its level; anything else starts a new one.
        if level != sys::ggml_log_level_GGML_LOG_LEVEL_CONT {
            pending.0 = match level {
                sys::ggml_log_level_GGML_LOG_LEVEL_ERROR => LogLevel::Error,
                sys::ggml_log_level_GGML_LOG_LEVEL_WARN => LogLevel::Warn,
                sys::ggml_log_level_GGML_LOG_LEVEL_INFO => LogLevel::Info,
                _ => LogLevel::Debug,
            };
        }
        pending.1.push_str(&text);
        while let Some(end) = pending.1.find('\n') {
            let line: String = pending.1.drain(..=end).collect();
            emit(pending.0, line.trim_end());
        }
    });
}

fn emit(level: LogLevel, line: &str) {
    if line.is_empty() {
        return;
    }
    if level >= LogLevel::Warn {
        CAPTURED.with(|c| {
            if let Some(lines) = c.borrow_mut().as_mut() {
                lines.push(line.to_string());
            }
        });
    }
    if let Some((min, sink)) = SINK.read().unwrap().as_ref() {
        if level >= *min {
            sink(level, line);
        }
    }
}
