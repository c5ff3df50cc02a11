//! Results written into caller-sized buffers: the size needed is always reported, and a buffer
//! that is too small is `ERR_BUFFER_TOO_SMALL` with nothing written.
use crate::boundary::out;
use gpt4all_core::{Error, Result};
use std::ffi::c_char;

/// Copies `items` into `buffer` (which holds `capacity`) and writes `items.len()` to `needed`.
pub(crate) unsafe fn write_items<T: Copy>(
    items: &[T],
    buffer: *mut T,
    capacity: usize,
    needed: *mut usize,
    name: &str,
) -> Result<()> {
    unsafe { *out(needed, name)? = items.len() };
    if items.len() > capacity || (buffer.is_null() && !items.is_empty()) {
        return Err(Error::BufferTooSmall { needed: items.len(), capacity });
    }
    unsafe { std::ptr::copy_nonoverlapping(items.as_ptr(), buffer, items.len()) };
    Ok(())
}

/// Copies `text` and a terminating NUL into `buffer` (which holds `capacity` bytes) and writes
/// the length of `text` (without the NUL) to `length`; the buffer must hold `length + 1` bytes.
pub(crate) unsafe fn write_text(text: &str, buffer: *mut c_char, capacity: usize, length: *mut usize) -> Result<()> {
    unsafe { *out(length, "length")? = text.len() };
    if text.len() >= capacity || buffer.is_null() {
        return Err(Error::BufferTooSmall { needed: text.len() + 1, capacity });
    }
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr() as *const c_char, buffer, text.len());
        *buffer.add(text.len()) = 0;
    }
    Ok(())
}
