//! llama.cpp's and ggml's log: silent unless a callback is installed.
use crate::boundary::{call, invalid};
use gpt4all_core::{set_log_sink, LogLevel, Status};
use std::ffi::{c_char, c_void, CString};

/// Receives one log line (UTF-8, NUL-terminated, without the newline), valid only during the
/// call. Called on whichever thread logs, possibly several at once.
pub type gpt4all_log_callback =
    Option<unsafe extern "C" fn(level: LogLevel, line: *const c_char, user_data: *mut c_void)>;

/// The caller's pointer, which the caller promises may be used from any thread.
struct UserData(*mut c_void);
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

impl UserData {
    /// Through a method, so closures capture the whole (Send) wrapper rather than its field.
    fn get(&self) -> *mut c_void {
        self.0
    }
}

/// Sends every log line at `min_level` (a gpt4all_log_level) or above to `callback`, or
/// silences the log (the default) when `callback` is NULL. Thread-safe.
/// Errors: GPT4ALL_STATUS_INVALID_ARGUMENT (`min_level` is not a level).
#[no_mangle]
pub extern "C" fn gpt4all_log_set(min_level: i32, callback: gpt4all_log_callback, user_data: *mut c_void) -> Status {
    call(|| {
        let level = LogLevel::from_number(min_level)
            .ok_or_else(|| invalid(format!("{min_level} is not a gpt4all_log_level")))?;
        let Some(callback) = callback else {
            set_log_sink(level, None);
            return Ok(());
        };
        let user_data = UserData(user_data);
        set_log_sink(
            level,
            Some(Box::new(move |level, line| {
                let line = CString::new(line.replace('\0', " ")).unwrap_or_default();
                unsafe { callback(level, line.as_ptr(), user_data.get()) };
            })),
        );
        Ok(())
    })
}
