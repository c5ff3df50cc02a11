//! Versioned structs: every option and result struct begins with `struct_size`, which the
//! caller sets to the size it was compiled with. The library reads and writes only that many
//! bytes, so a caller built against an older header (a shorter struct) keeps working when
//! fields are added, and the library's defaults fill what the caller's struct lacks.
use crate::boundary::invalid;
use gpt4all_core::Result;
use std::mem::size_of;

/// A struct whose first field is `struct_size`.
pub(crate) unsafe trait Versioned: Copy + Default {
    fn set_struct_size(&mut self);
}

/// The caller's options, or the defaults when `options` is NULL. Fields beyond the caller's
/// `struct_size` keep their defaults; fields beyond ours (a newer header) are ignored.
pub(crate) unsafe fn read<T: Versioned>(options: *const T, name: &str) -> Result<T> {
    let mut value = T::default();
    if options.is_null() {
        return Ok(value);
    }
    let size = unsafe { *(options as *const usize) };
    if size < size_of::<usize>() {
        return Err(invalid(format!("{name}.struct_size is {size}: initialize {name} with its _default() function")));
    }
    unsafe {
        std::ptr::copy_nonoverlapping(options as *const u8, &mut value as *mut T as *mut u8, size.min(size_of::<T>()))
    };
    value.set_struct_size();
    Ok(value)
}

/// Writes `value` into the caller's result struct, as much of it as the caller's `struct_size`
/// says it holds.
pub(crate) unsafe fn write<T: Versioned>(result: *mut T, value: T, name: &str) -> Result<()> {
    if result.is_null() {
        return Ok(());
    }
    let size = unsafe { *(result as *const usize) };
    if size < size_of::<usize>() {
        return Err(invalid(format!("{name}.struct_size is {size}: set it to sizeof({name})")));
    }
    unsafe {
        std::ptr::copy_nonoverlapping(&value as *const T as *const u8, result as *mut u8, size.min(size_of::<T>()))
    };
    // The caller's struct_size stays as the caller set it.
    unsafe { *(result as *mut usize) = size };
    Ok(())
}

/// Implements [`Versioned`] for structs whose first field is `struct_size: usize`.
macro_rules! versioned {
    ($($t:ty),*) => {$(
        unsafe impl $crate::options::Versioned for $t {
            fn set_struct_size(&mut self) {
                self.struct_size = ::std::mem::size_of::<$t>();
            }
        }
    )*};
}
pub(crate) use versioned;
