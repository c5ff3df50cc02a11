//! The edge between C and Rust: statuses, the per-thread last error, panics, and checked
//! conversions of the caller's pointers.
use gpt4all_core::{catch_panic, Error, Result, Status};
use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};

/// The version of this ABI: it grows when a function or a struct field is added, and the
/// library stays compatible with callers built against a lower one.
pub const GPT4ALL_ABI_VERSION: u32 = 1;

thread_local! {
    /// The message of this thread's last failed call.
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Runs the body of an exported function: `Ok` becomes `GPT4ALL_STATUS_OK`, an error its status
/// (with the message kept for `gpt4all_last_error_message`), a panic `GPT4ALL_STATUS_INTERNAL`.
pub(crate) fn call(body: impl FnOnce() -> Result<()>) -> Status {
    let Err(error) = catch_panic(body) else { return Status::Ok };
    let message = CString::new(error.to_string().replace('\0', " ")).unwrap_or_default();
    LAST_ERROR.with(|last| *last.borrow_mut() = message);
    error.status()
}

/// A required pointer argument, or `ERR_INVALID_ARGUMENT` naming it when it is NULL.
pub(crate) unsafe fn non_null<'a, T>(pointer: *const T, name: &str) -> Result<&'a T> {
    unsafe { pointer.as_ref() }.ok_or_else(|| invalid(format!("{name} is NULL")))
}

/// A required output pointer.
pub(crate) unsafe fn out<'a, T>(pointer: *mut T, name: &str) -> Result<&'a mut T> {
    unsafe { pointer.as_mut() }.ok_or_else(|| invalid(format!("{name} is NULL")))
}

/// A NUL-terminated UTF-8 string argument.
pub(crate) unsafe fn c_str<'a>(pointer: *const c_char, name: &str) -> Result<&'a str> {
    let bytes = unsafe { CStr::from_ptr(non_null(pointer, name)?) }.to_bytes();
    utf8(bytes, name)
}

/// `length` bytes at `pointer` as UTF-8 (a NULL pointer is allowed when `length` is 0).
pub(crate) unsafe fn str_with_length<'a>(pointer: *const c_char, length: usize, name: &str) -> Result<&'a str> {
    utf8(unsafe { slice(pointer as *const u8, length, name)? }, name)
}

/// `length` elements at `pointer` (a NULL pointer is allowed when `length` is 0).
pub(crate) unsafe fn slice<'a, T>(pointer: *const T, length: usize, name: &str) -> Result<&'a [T]> {
    match (pointer.is_null(), length) {
        (_, 0) => Ok(&[]),
        (true, _) => Err(invalid(format!("{name} is NULL but its length is {length}"))),
        (false, _) => Ok(unsafe { std::slice::from_raw_parts(pointer, length) }),
    }
}

fn utf8<'a>(bytes: &'a [u8], name: &str) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| invalid(format!("{name} is not valid UTF-8 (at byte {})", e.valid_up_to())))
}

pub(crate) fn invalid(reason: String) -> Error {
    Error::InvalidArgument { reason }
}

/// The message of the last call on this thread that did not return `GPT4ALL_STATUS_OK` (UTF-8,
/// empty if none failed yet). The string belongs to the library and stays valid until the next
/// failing call on this thread.
#[no_mangle]
pub extern "C" fn gpt4all_last_error_message() -> *const c_char {
    LAST_ERROR.with(|last| last.borrow().as_ptr())
}

/// The stable string code of `status`, such as "ERR_CONTEXT_OVERFLOW" ("OK" for
/// GPT4ALL_STATUS_OK): the `code` that the TypeScript and Python bindings give the same error.
/// NULL for a number that is not a status. The string is static.
#[no_mangle]
pub extern "C" fn gpt4all_status_code(status: i32) -> *const c_char {
    Status::from_number(status).map_or(std::ptr::null(), |s| s.code_c_str().as_ptr())
}

/// GPT4ALL_ABI_VERSION of the library that is loaded; compare it with the header's to detect
/// a library older than the header.
#[no_mangle]
pub extern "C" fn gpt4all_abi_version() -> u32 {
    GPT4ALL_ABI_VERSION
}

/// The library's version ("0.1.0"). The string is static.
#[no_mangle]
pub extern "C" fn gpt4all_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr() as *const c_char
}
