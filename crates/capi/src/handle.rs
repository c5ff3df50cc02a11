//! Handles given to C: the address of a live `Arc` that the library also keeps in a registry.
//! Every call looks its handle up first, so a NULL handle is `ERR_INVALID_ARGUMENT` and a freed
//! one `ERR_DISPOSED` instead of a crash (unless its address was reused by a newer handle of the
//! same kind). A call holds its own reference, so freeing a handle while another thread uses it
//! is safe: the memory goes when the last call returns.
use crate::boundary::invalid;
use gpt4all_core::{Error, Result};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

pub(crate) struct Registry<T> {
    /// What the handle is, for messages: "model", "context".
    what: &'static str,
    live: LazyLock<Mutex<HashMap<usize, Arc<T>>>>,
}

impl<T> Registry<T> {
    pub(crate) const fn new(what: &'static str) -> Registry<T> {
        Registry { what, live: LazyLock::new(Default::default) }
    }

    /// Registers `value` and returns its handle.
    pub(crate) fn insert<H>(&self, value: T) -> *mut H {
        let value = Arc::new(value);
        let handle = Arc::as_ptr(&value) as usize;
        self.live.lock().unwrap_or_else(|e| e.into_inner()).insert(handle, value);
        handle as *mut H
    }

    /// The live value behind `handle`.
    pub(crate) fn get<H>(&self, handle: *const H) -> Result<Arc<T>> {
        if handle.is_null() {
            return Err(invalid(format!("the {} handle is NULL", self.what)));
        }
        let live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        live.get(&(handle as usize)).cloned().ok_or(Error::Disposed { what: self.what })
    }

    /// Unregisters `handle`; the value is dropped when no call uses it any more.
    pub(crate) fn remove<H>(&self, handle: *const H) -> Result<()> {
        if handle.is_null() {
            return Ok(());
        }
        let removed = self.live.lock().unwrap_or_else(|e| e.into_inner()).remove(&(handle as usize));
        // Dropped outside the lock: freeing a model or context can take a while.
        removed.map(drop).ok_or(Error::Disposed { what: self.what })
    }
}
